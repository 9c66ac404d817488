//! Where blocks live: the store trait and its backends.
//!
//! A [`BlockStore`] moves blocks in bulk: [`BlockStore::get_many`] fetches a
//! batch in one call and [`BlockStore::writer`] opens a streaming write that
//! a backend may buffer (the Kubo backend turns one push into one upload)
//! and makes durable in [`BlockWriter::finish`]. No caller ever needs one
//! request per block.
//!
//! Stores return bytes as they hold them; [`Verified`] is the only way the
//! rest of nip reads blocks, and it checks every block against its CID.

pub mod local;

use crate::block::{self, Block};
use cid::Cid;
use std::path::PathBuf;

/// What a store can fail at.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("block {cid} is not in {store}; the data may not have been pushed there, or was removed")]
    Missing { cid: Cid, store: String },
    #[error("{0}")]
    Corrupt(#[from] block::VerifyError),
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("block {cid} is {size} bytes; the limit is {limit}", limit = block::MAX_BLOCK)]
    TooLarge { cid: Cid, size: usize },
}

/// Counts of one write session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Blocks the store did not hold before.
    pub blocks_new: u64,
    /// Blocks offered that it already held.
    pub blocks_existing: u64,
    /// Bytes of the new blocks.
    pub bytes_new: u64,
}

/// A content-addressed block store.
pub trait BlockStore: Send + Sync {
    /// Where the data goes, for messages (`embedded store at /path`).
    fn describe(&self) -> String;
    /// Fetches blocks, in the order asked. A missing block is an error.
    fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError>;
    /// Tells which of these blocks the store holds.
    fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, StoreError>;
    /// Opens a write session.
    fn writer(&self) -> Result<Box<dyn BlockWriter + '_>, StoreError>;
}

/// A streaming write: blocks go in one by one, and become durable (and, on
/// a node, pinned under `root`) when the session finishes.
pub trait BlockWriter {
    fn put(&mut self, block: Block) -> Result<(), StoreError>;
    /// Makes everything put durable and keeps `root` (the new index).
    fn finish(self: Box<Self>, root: &Cid) -> Result<WriteStats, StoreError>;
}

/// Reads from a store, checking every block against its CID.
pub struct Verified<'a> {
    store: &'a dyn BlockStore,
}

impl<'a> Verified<'a> {
    pub fn new(store: &'a dyn BlockStore) -> Verified<'a> {
        Verified { store }
    }

    pub fn store(&self) -> &'a dyn BlockStore {
        self.store
    }

    pub fn get(&self, cid: &Cid) -> Result<Vec<u8>, StoreError> {
        let mut v = self.get_many(std::slice::from_ref(cid))?;
        Ok(v.pop().unwrap_or_default())
    }

    pub fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError> {
        let blocks = self.store.get_many(cids)?;
        for (cid, data) in cids.iter().zip(&blocks) {
            block::verify(cid, data)?;
        }
        Ok(blocks)
    }
}

/// Opens the store a command should use: for now the embedded store at
/// [`local::default_home`].
pub fn open_default() -> Result<Box<dyn BlockStore>, StoreError> {
    let home = local::default_home().ok_or_else(|| StoreError::Io {
        what: "cannot find a place for the embedded store: set NIP_HOME or HOME",
        path: PathBuf::new(),
        source: std::io::Error::from(std::io::ErrorKind::NotFound),
    })?;
    Ok(Box::new(local::LocalStore::open(home)?))
}
