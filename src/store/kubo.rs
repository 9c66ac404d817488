//! The Kubo backend: blocks on a real IPFS node.
//!
//! Reads are `block/get`s, [`crate::kubo::client::GET_WINDOW`] in flight at
//! once; a block the node lacks is searched for on the network it is
//! connected to (bitswap), so a clone works from any node that can reach one
//! holding the repository. A write session appends every block to a CAR file
//! on disk and, in [`BlockWriter::finish`], streams it to `dag/import` in one
//! request, then pins the new index recursively: `pin/update` from the index
//! it replaces when that one is pinned here, `pin/add` otherwise. `pin/add`
//! walks every block of the history (3.3 s for a one-commit push at 10,000
//! commits, 24 s at 50,000). `pin/update` walks what the pushes changed: the
//! new index lists its `objects` link before its `previous` one, so Kubo's
//! diff pairs the old object map with the new one; it also pairs each
//! earlier index with the one after it, so it walks again, small, what each
//! earlier push since the first changed (0.08 s after a first push of
//! 10,000 commits, growing by about 2.5 ms per push). Once the new address
//! is in use, [`BlockStore::release`] drops the pin of the index it
//! replaces, now redundant since the new one links it. So `ipfs repo gc`
//! right after a push loses nothing.
//!
//! Large blocks (file chunks of [`CHECK_FROM`] bytes or more) are first
//! checked with `block/stat`, in batches, and left out of the upload when the
//! node already has them: a one-byte change to a 100 MB file sends one chunk,
//! not four hundred.

use super::{BlockStore, BlockWriter, PinFailed, StoreError, WriteStats};
use crate::block::{Block, MAX_BLOCK};
use crate::car;
use crate::kubo::{Client, KuboError};
use cid::Cid;
use std::io::{BufWriter, Seek, Write};

/// Blocks this large are sent only if the node lacks them.
pub const CHECK_FROM: usize = 64 * 1024;
/// How many large blocks are checked at once.
const CHECK_BATCH: usize = 32;

/// The key of a block in [`KuboWriter::seen`]: the first 128 bits of its
/// sha2-256 digest (of the SHA-256 of the whole CID for any other hash).
/// Kubo keeps blocks by multihash, so the codec does not matter. Two
/// different blocks sharing a key (a 2^-128 chance per pair) would leave
/// one out of the upload, and the pin that ends the push would then fail
/// on it: never a silent loss.
fn seen_key(cid: &Cid) -> [u8; 16] {
    let mut d = [0u8; 16];
    match cid.hash().digest() {
        digest if digest.len() == 32 && cid.hash().code() == 0x12 => d.copy_from_slice(&digest[..16]),
        _ => {
            use sha2::Digest as _;
            d.copy_from_slice(&sha2::Sha256::digest(cid.to_bytes())[..16]);
        }
    }
    d
}

pub struct KuboStore {
    client: Client,
}

impl KuboStore {
    pub fn new(client: Client) -> KuboStore {
        KuboStore { client }
    }

    fn err(&self, e: KuboError) -> StoreError {
        StoreError::node(e)
    }
}

impl BlockStore for KuboStore {
    fn describe(&self) -> String {
        format!("the IPFS node at {}", self.client.endpoint())
    }

    fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError> {
        self.client.block_get_many(cids).map_err(|failed| match *failed {
            (cid, e) if e.is_not_found() => {
                StoreError::NotOnNode { cid: Box::new(cid), store: self.describe(), node: Box::new(e) }
            }
            // A slow node (its own deadline or ours), an error of the node:
            // said as it is, on which block.
            (cid, e) => StoreError::Node { cid: Some(Box::new(cid)), node: Box::new(e) },
        })
    }

    fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, StoreError> {
        self.client.block_has_many(cids).map_err(|e| self.err(e))
    }

    /// Removes the recursive pin of `index`, if this node has one. (The new
    /// index was pinned with pin/update keeping this one, so that the old
    /// address stays pinned until the new one is in use.)
    fn release(&self, index: &Cid) -> Result<(), StoreError> {
        if self.client.pin_is_recursive(index).map_err(|e| self.err(e))? {
            self.client.pin_rm(index).map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    fn writer(&self) -> Result<Box<dyn BlockWriter + '_>, StoreError> {
        let file = tempfile::tempfile().map_err(|error| StoreError::Io {
            what: "cannot create a temporary file for the upload in",
            path: std::env::temp_dir(),
            error,
        })?;
        Ok(Box::new(KuboWriter {
            store: self,
            out: BufWriter::with_capacity(1 << 20, file),
            len: 0,
            stats: WriteStats::default(),
            large: Vec::new(),
            seen: std::collections::HashSet::new(),
        }))
    }
}

struct KuboWriter<'a> {
    store: &'a KuboStore,
    out: BufWriter<std::fs::File>,
    len: u64,
    stats: WriteStats,
    /// Large blocks waiting for a check of what the node has.
    large: Vec<Block>,
    /// Blocks already put in this session (a chunk two files share, say),
    /// by [`seen_key`]: 16 bytes each, not a whole in-memory CID (a first
    /// push of 50,000 commits puts 746,000 blocks).
    seen: std::collections::HashSet<[u8; 16]>,
}

impl KuboWriter<'_> {
    fn write(&mut self, block: &Block) -> Result<(), StoreError> {
        self.len += car::write_block(&mut self.out, block).map_err(|error| StoreError::Io {
            what: "cannot write the upload file in",
            path: std::env::temp_dir(),
            error,
        })?;
        self.stats.blocks_new += 1;
        self.stats.bytes_new += block.data.len() as u64;
        Ok(())
    }

    fn flush_large(&mut self) -> Result<(), StoreError> {
        if self.large.is_empty() {
            return Ok(());
        }
        let large = std::mem::take(&mut self.large);
        let cids: Vec<Cid> = large.iter().map(|b| b.cid).collect();
        let has = self.store.has_many(&cids)?;
        for (block, has) in large.iter().zip(has) {
            if has {
                self.stats.blocks_existing += 1;
            } else {
                self.write(block)?;
            }
        }
        Ok(())
    }
}

impl BlockWriter for KuboWriter<'_> {
    fn put(&mut self, block: Block) -> Result<(), StoreError> {
        if block.data.len() > MAX_BLOCK {
            return Err(StoreError::TooLarge { cid: Box::new(block.cid), size: block.data.len() });
        }
        if crate::block::inline_data(&block.cid).is_some() || !self.seen.insert(seen_key(&block.cid)) {
            self.stats.blocks_existing += 1;
            return Ok(());
        }
        if block.data.len() < CHECK_FROM {
            return self.write(&block);
        }
        self.large.push(block);
        if self.large.len() >= CHECK_BATCH {
            self.flush_large()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, root: &Cid, replaces: Option<&Cid>) -> Result<WriteStats, StoreError> {
        self.flush_large()?;
        let io = |error| StoreError::Io { what: "cannot read back the upload file in", path: std::env::temp_dir(), error };
        let mut file = self.out.into_inner().map_err(|e| io(e.into_error()))?;
        file.flush().map_err(io)?;
        file.rewind().map_err(io)?;
        let header = car::header(&[*root]);
        let len = header.len() as u64 + self.len;
        let client = &self.store.client;
        let (blocks, bytes) = client.dag_import(header, file, len).map_err(|e| self.store.err(e))?;
        log::info!("dag/import: {blocks} blocks, {bytes} bytes; {} large blocks were there already", self.stats.blocks_existing);
        // The index this push replaces is pinned here (our last push, or a
        // clone pinned with nipctl): pin/update walks what the pushes
        // changed, where pin/add walks every block of the history.
        let pinned = match replaces {
            Some(prev) => client.pin_is_recursive(prev).map_err(|e| self.store.err(e))?,
            None => false,
        };
        let pinned = match replaces {
            Some(prev) if pinned => client.pin_update(prev, root, false).or_else(|e| {
                // Refused (say, `to` is pinned already: a retried push gives
                // the same index): pin/add decides.
                log::info!("pin/update {prev} -> {root} failed ({e}); pinning with pin/add");
                client.pin_add(root)
            }),
            _ => client.pin_add(root),
        };
        pinned.map_err(|node| StoreError::Pin(Box::new(PinFailed { root: *root, replaces: replaces.copied(), node })))?;
        Ok(self.stats)
    }
}
