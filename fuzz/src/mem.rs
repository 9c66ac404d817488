//! A block store in memory, for targets that read through a store.
//!
//! Keyed by multihash, as the embedded store is keyed by digest: a link
//! whose codec a mutation changed still finds the block, and the decoder
//! then meets bytes of the wrong kind. Blocks put for one input
//! ([`MemStore::put_temp`]) are dropped by [`MemStore::clear_temp`]; a
//! count of blocks fetched lets targets check the bounds a reader promises.

use cid::Cid;
use nip::block::Block;
use nip::store::{BlockStore, BlockWriter, StoreError, WriteStats};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

#[derive(Default)]
pub struct MemStore {
    base: HashMap<Vec<u8>, Vec<u8>>,
    temp: Mutex<HashMap<Vec<u8>, Vec<u8>>>,
    fetched: AtomicU64,
}

impl MemStore {
    pub fn new(blocks: impl IntoIterator<Item = Block>) -> MemStore {
        let base = blocks.into_iter().map(|b| (b.cid.hash().to_bytes(), b.data)).collect();
        MemStore { base, ..MemStore::default() }
    }

    /// Adds a block for the current input only.
    pub fn put_temp(&self, block: Block) {
        if let Ok(mut t) = self.temp.lock() {
            t.insert(block.cid.hash().to_bytes(), block.data);
        }
    }

    /// Forgets the current input's blocks and resets the fetch count.
    pub fn clear_temp(&self) {
        if let Ok(mut t) = self.temp.lock() {
            t.clear();
        }
        self.fetched.store(0, Ordering::Relaxed);
    }

    /// Blocks fetched since [`MemStore::clear_temp`].
    pub fn fetched(&self) -> u64 {
        self.fetched.load(Ordering::Relaxed)
    }
}

impl BlockStore for MemStore {
    fn describe(&self) -> String {
        "the fuzzer's memory store".into()
    }

    fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError> {
        self.fetched.fetch_add(cids.len() as u64, Ordering::Relaxed);
        let temp = self.temp.lock().map_err(|_| StoreError::Poisoned { store: self.describe() })?;
        cids.iter()
            .map(|c| {
                let k = c.hash().to_bytes();
                self.base
                    .get(&k)
                    .or_else(|| temp.get(&k))
                    .cloned()
                    .ok_or_else(|| StoreError::Missing { cid: Box::new(*c), store: self.describe() })
            })
            .collect()
    }

    fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, StoreError> {
        let temp = self.temp.lock().map_err(|_| StoreError::Poisoned { store: self.describe() })?;
        Ok(cids
            .iter()
            .map(|c| {
                let k = c.hash().to_bytes();
                self.base.contains_key(&k) || temp.contains_key(&k)
            })
            .collect())
    }

    fn writer(&self) -> Result<Box<dyn BlockWriter + '_>, StoreError> {
        Ok(Box::new(MemWriter { store: self, stats: WriteStats::default() }))
    }
}

/// Writes go to the current input's blocks.
struct MemWriter<'a> {
    store: &'a MemStore,
    stats: WriteStats,
}

impl BlockWriter for MemWriter<'_> {
    fn put(&mut self, block: Block) -> Result<(), StoreError> {
        self.stats.blocks_new += 1;
        self.stats.bytes_new += block.data.len() as u64;
        self.store.put_temp(block);
        Ok(())
    }

    fn finish(self: Box<Self>, _root: &Cid, _replaces: Option<&Cid>) -> Result<WriteStats, StoreError> {
        Ok(self.stats)
    }
}
