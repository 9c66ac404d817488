//! Hostile repositories, crafted block by block.
//!
//! A push checks what it writes; an attacker does not push. These helpers
//! write arbitrary index, object-map, NIPObject and UnixFS blocks straight
//! into the environment's store (the embedded store's files, or a Kubo node
//! through `block/put`, which stores bytes as they are), so a test can hand
//! `git` an address whose blocks say anything: ref names with newlines,
//! objects that claim sizes they do not have, commits git reads another way.
//! Nothing here validates: that is the point.

use super::Env;
use cid::Cid;
use nip::block::{Block, RAW};
use nip::format::{Counts, Hash, Links, NipIndex, NipObject, ObjectType};
use nip::objmap::ObjectMap;
use nip::store::Verified;
use nip::unixfs::FileBuilder;
use sha1::{Digest, Sha1};
use std::collections::HashSet;

/// The git id of an object of `kind` with content `data`.
pub fn git_hash(kind: ObjectType, data: &[u8]) -> Hash {
    let mut sha = Sha1::new();
    sha.update(format!("{} {}\0", kind.name(), data.len()).as_bytes());
    sha.update(data);
    Hash(sha.finalize().into())
}

/// Drops repeated blocks (crafted trees repeat nodes).
fn dedup(blocks: Vec<Block>) -> Vec<Block> {
    let mut seen = HashSet::new();
    blocks.into_iter().filter(|b| seen.insert(b.cid)).collect()
}

impl Env {
    /// Stores `data` as a UnixFS file, as a push would; returns its root.
    pub fn craft_file(&self, data: &[u8]) -> Cid {
        let (blocks, root) = nip::unixfs::encode(data);
        if !blocks.is_empty() {
            self.put_blocks(dedup(blocks));
        }
        root
    }

    /// A UnixFS file of `chunk` repeated `times` times: a few distinct
    /// blocks that claim `chunk.len() × times` bytes. Returns (root, size).
    pub fn craft_repeated_file(&self, chunk: &[u8], times: u64) -> (Cid, u64) {
        let leaf = Block::new(RAW, chunk.to_vec());
        let mut builder = FileBuilder::new();
        for _ in 0..times {
            builder.leaf(leaf.cid, chunk.len() as u64);
        }
        let (nodes, root) = builder.finish();
        let mut blocks = vec![leaf];
        blocks.extend(nodes);
        self.put_blocks(dedup(blocks));
        (root, chunk.len() as u64 * times)
    }

    /// Stores a NIPObject as it is; returns its CID.
    pub fn craft_object(&self, object: &NipObject) -> Cid {
        let block = object.to_block().expect("encode NIPObject");
        let cid = block.cid;
        self.put_blocks(vec![block]);
        cid
    }

    /// Stores the git object `kind`/`data` as a push would (its real id, the
    /// links nip's parser reads in it), or with `links` if given; returns
    /// (git id, NIPObject CID).
    pub fn craft_git_object(&self, kind: ObjectType, data: &[u8], links: Option<Links>) -> (Hash, Cid) {
        let oid = git_hash(kind, data);
        let links = links.unwrap_or_else(|| nip::links::parse(oid, kind, data).expect("links of a crafted object"));
        let root = self.craft_file(data);
        let cid = self.craft_object(&NipObject { oid, size: data.len() as u64, data: root, links });
        (oid, cid)
    }

    /// Stores an index with exactly these refs (any names, any order), head,
    /// object-map entries and previous index; returns its CID, the address.
    pub fn craft_index(
        &self,
        refs: Vec<(String, Hash)>,
        head: Option<String>,
        objects: Vec<(Hash, Cid)>,
        prev: Option<Cid>,
    ) -> Cid {
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let mut w = store.writer().expect("open a write session");
        let mut entries = objects;
        entries.sort();
        entries.dedup();
        let root = ObjectMap::empty(&v).insert(entries, &mut |b| w.put(b)).expect("build object map");
        let index = NipIndex { head, refs, counts: Counts::default(), objects: root, prev, v2: None };
        let block = index.to_block().expect("encode index");
        let cid = block.cid;
        w.put(block).expect("put index");
        w.finish(&cid, None).expect("finish write session");
        cid
    }

    /// Every `(git id, NIPObject CID)` in the object map of the index `cid`.
    pub fn index_entries(&self, cid: &Cid) -> Vec<(Hash, Cid)> {
        let idx = self.index(cid);
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let mut entries = Vec::new();
        ObjectMap::new(&v, idx.objects).for_each(&mut |h, c| entries.push((h, c))).expect("walk object map");
        entries
    }

    /// A copy of the index `base` with `refs` as its refs (and `head`),
    /// the same objects; returns the new address.
    pub fn craft_refs(&self, base: &Cid, refs: Vec<(String, Hash)>, head: Option<String>) -> Cid {
        let entries = self.index_entries(base);
        self.craft_index(refs, head, entries, Some(*base))
    }
}
