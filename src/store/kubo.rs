//! The Kubo backend: blocks on a real IPFS node.
//!
//! Reads are `block/get`s, [`crate::kubo::client::GET_WINDOW`] in flight at
//! once; a block the node lacks is searched for on the network it is
//! connected to (bitswap), so a clone works from any node that can reach one
//! holding the repository. A write session appends every block to a CAR file
//! on disk and, in [`BlockWriter::finish`], streams it to `dag/import` in one
//! request, then pins the new index: `pin/update` from the index it replaces
//! when that one is pinned here, `pin/add` otherwise. So `ipfs repo gc`
//! right after a push loses nothing.

use super::{BlockStore, BlockWriter, StoreError, WriteStats};
use crate::block::{Block, MAX_BLOCK};
use crate::car;
use crate::kubo::{Client, KuboError};
use cid::Cid;
use std::io::{BufWriter, Seek, Write};

pub struct KuboStore {
    client: Client,
}

impl KuboStore {
    pub fn new(client: Client) -> KuboStore {
        KuboStore { client }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn err(&self, e: KuboError) -> StoreError {
        StoreError::Node(e.to_string())
    }
}

impl BlockStore for KuboStore {
    fn describe(&self) -> String {
        format!("the IPFS node at {}", self.client.endpoint())
    }

    fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError> {
        self.client.block_get_many(cids).map_err(|e| match e {
            e if e.is_not_found() => StoreError::Missing {
                cid: first_cid(&e, cids),
                store: format!("{} (nor on any peer it reached: {e})", self.describe()),
            },
            e => self.err(e),
        })
    }

    fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, StoreError> {
        self.client.block_has_many(cids).map_err(|e| self.err(e))
    }

    fn writer(&self) -> Result<Box<dyn BlockWriter + '_>, StoreError> {
        let file = tempfile::tempfile().map_err(|source| StoreError::Io {
            what: "cannot create a temporary file for the upload in",
            path: std::env::temp_dir(),
            source,
        })?;
        Ok(Box::new(KuboWriter { store: self, out: BufWriter::with_capacity(1 << 20, file), len: 0, blocks: 0 }))
    }
}

/// The CID named in a Kubo error, if any, else the first asked for.
fn first_cid(e: &KuboError, cids: &[Cid]) -> Cid {
    let msg = e.to_string();
    cids.iter().find(|c| msg.contains(&c.to_string())).or(cids.first()).copied().unwrap_or_default()
}

struct KuboWriter<'a> {
    store: &'a KuboStore,
    out: BufWriter<std::fs::File>,
    len: u64,
    blocks: u64,
}

impl BlockWriter for KuboWriter<'_> {
    fn put(&mut self, block: Block) -> Result<(), StoreError> {
        if block.data.len() > MAX_BLOCK {
            return Err(StoreError::TooLarge { cid: block.cid, size: block.data.len() });
        }
        self.len += car::write_block(&mut self.out, &block).map_err(|source| StoreError::Io {
            what: "cannot write the upload file in",
            path: std::env::temp_dir(),
            source,
        })?;
        self.blocks += 1;
        Ok(())
    }

    fn finish(self: Box<Self>, root: &Cid, replaces: Option<&Cid>) -> Result<WriteStats, StoreError> {
        let io = |source| StoreError::Io { what: "cannot read back the upload file in", path: std::env::temp_dir(), source };
        let mut file = self.out.into_inner().map_err(|e| io(e.into_error()))?;
        file.flush().map_err(io)?;
        file.rewind().map_err(io)?;
        let header = car::header(&[*root]);
        let len = header.len() as u64 + self.len;
        let client = &self.store.client;
        let (blocks, bytes) = client.dag_import(header, file, len).map_err(|e| self.store.err(e))?;
        log::info!("dag/import: {blocks} blocks, {bytes} bytes (sent {} blocks)", self.blocks);
        let pinned_prev = match replaces {
            Some(prev) => client.pin_is_recursive(prev).map_err(|e| self.store.err(e))?,
            None => false,
        };
        match (replaces, pinned_prev) {
            (Some(prev), true) => client.pin_update(prev, root),
            _ => client.pin_add(root),
        }
        .map_err(|e| StoreError::Node(format!("the blocks were imported but pinning {root} failed: {e}")))?;
        Ok(WriteStats { blocks_new: self.blocks, blocks_existing: 0, bytes_new: bytes })
    }
}
