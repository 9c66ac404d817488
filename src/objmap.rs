//! The object map of an index: git hash → NIPObject CID, sharded.
//!
//! The map is a trie on the bytes of the git hash. A shard holding at most
//! [`LEAF_MAX`] entries is an `objects-leaf` block (its entries sorted by
//! hash); a larger one is an `objects-node` block of 256 links, one per
//! value of the next hash byte, `null` where no hash has that byte. The shape
//! depends only on the set of hashes, so the same objects give the same
//! CIDs on every machine. At 1,000,000 objects the root is a node over 256
//! leaves of about 3,900 entries (about 250 KB each), far below the 1 MiB
//! block limit; a push rewrites only the leaves its new objects fall in and
//! the nodes above them.
//!
//! Reads are batched level by level: looking up many hashes costs one store
//! request per trie level, not one per hash.

use crate::block::{Block, CborLink};
use crate::format::{self, FormatError, Hash, KIND_LEAF, KIND_NODE};
use crate::store::{StoreError, Verified};
use cid::Cid;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Most entries in a leaf before it splits.
pub const LEAF_MAX: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("object map shard {cid} is damaged: {why}")]
    Malformed { cid: Box<Cid>, why: &'static str },
}

/// One decoded shard.
#[derive(Debug)]
pub enum Shard {
    /// Entries sorted by hash.
    Leaf(Vec<(Hash, Cid)>),
    /// 256 slots, by the hash's next byte.
    Node(Vec<Option<Cid>>),
}

fn leaf_block(entries: &[(Hash, Cid)]) -> Result<Block, FormatError> {
    format::encode(KIND_LEAF, &entries)
}

fn node_block(children: &[Option<Cid>]) -> Result<Block, FormatError> {
    format::encode(KIND_NODE, &children)
}

/// The block of an empty map.
pub fn empty() -> Result<Block, FormatError> {
    leaf_block(&[])
}

/// An object map read through a store, with its shards cached.
pub struct ObjectMap<'a> {
    blocks: &'a Verified<'a>,
    /// `None` for a map not stored yet (a new repository).
    root: Option<Cid>,
    cache: RefCell<HashMap<Cid, Rc<Shard>>>,
}

impl<'a> ObjectMap<'a> {
    pub fn new(blocks: &'a Verified<'a>, root: Cid) -> ObjectMap<'a> {
        ObjectMap { blocks, root: Some(root), cache: RefCell::new(HashMap::new()) }
    }

    /// The map of a repository that has no objects yet.
    pub fn empty(blocks: &'a Verified<'a>) -> ObjectMap<'a> {
        ObjectMap { blocks, root: None, cache: RefCell::new(HashMap::new()) }
    }

    /// Fetches, in one request, the shards not yet cached.
    fn load_many(&self, cids: &[Cid]) -> Result<(), MapError> {
        let mut want: Vec<Cid> = cids.iter().filter(|c| !self.cache.borrow().contains_key(c)).copied().collect();
        want.sort();
        want.dedup();
        if want.is_empty() {
            return Ok(());
        }
        let datas = self.blocks.get_many(&want)?;
        for (cid, data) in want.into_iter().zip(datas) {
            let shard = decode_shard(&cid, &data)?;
            self.cache.borrow_mut().insert(cid, Rc::new(shard));
        }
        Ok(())
    }

    fn shard(&self, cid: &Cid) -> Result<Rc<Shard>, MapError> {
        self.load_many(std::slice::from_ref(cid))?;
        self.cache
            .borrow()
            .get(cid)
            .cloned()
            .ok_or_else(|| MapError::Malformed { cid: Box::new(*cid), why: "shard vanished from cache" })
    }

    /// Looks up many hashes with one store request per trie level.
    pub fn lookup_many(&self, oids: &[Hash]) -> Result<Vec<Option<Cid>>, MapError> {
        let mut out = vec![None; oids.len()];
        let Some(root) = self.root else { return Ok(out) };
        let mut current: Vec<(usize, Cid)> = (0..oids.len()).map(|i| (i, root)).collect();
        for depth in 0..20 {
            if current.is_empty() {
                break;
            }
            let cids: Vec<Cid> = current.iter().map(|(_, c)| *c).collect();
            self.load_many(&cids)?;
            let mut next = Vec::new();
            for (i, cid) in current {
                match &*self.shard(&cid)? {
                    Shard::Leaf(entries) => {
                        out[i] = entries.binary_search_by(|(h, _)| h.cmp(&oids[i])).ok().map(|j| entries[j].1);
                    }
                    Shard::Node(children) => {
                        if let Some(child) = children[oids[i].0[depth] as usize] {
                            next.push((i, child));
                        }
                    }
                }
            }
            current = next;
        }
        Ok(out)
    }

    /// Adds entries (NIPObjects by their DAG-CBOR links: 52 bytes each in
    /// memory, where a `Cid` would take about 90 more), writing the changed
    /// shards through `put`; returns the new root. Hashes already present
    /// keep their entry.
    pub fn insert<E: Entry>(
        &self,
        mut entries: Vec<E>,
        put: &mut dyn FnMut(Block) -> Result<(), StoreError>,
    ) -> Result<Cid, MapError> {
        // In place: a stable sort would take half as much memory again.
        entries.sort_unstable_by(|a, b| a.hash().cmp(b.hash()));
        entries.dedup_by(|a, b| a.hash() == b.hash());
        match self.root {
            Some(root) if entries.is_empty() => Ok(root),
            root => self.insert_at(root, &entries, 0, put),
        }
    }

    fn insert_at<E: Entry>(
        &self,
        at: Option<Cid>,
        new: &[E],
        depth: usize,
        put: &mut dyn FnMut(Block) -> Result<(), StoreError>,
    ) -> Result<Cid, MapError> {
        let shard = match at {
            None => return build(new, depth, put),
            Some(cid) => self.shard(&cid)?,
        };
        match &*shard {
            Shard::Leaf(old) => build(&merge(old, new), depth, put),
            Shard::Node(children) => {
                let mut children = children.clone();
                let groups = split(new, depth);
                let wanted: Vec<Cid> = groups.iter().filter_map(|(b, _)| children[*b as usize]).collect();
                self.load_many(&wanted)?;
                for (byte, group) in groups {
                    let child = self.insert_at(children[byte as usize], group, depth + 1, put)?;
                    children[byte as usize] = Some(child);
                }
                let block = node_block(&children)?;
                let cid = block.cid;
                put(block)?;
                Ok(cid)
            }
        }
    }

    /// Calls `f` with every entry, loading the shards level by level.
    pub fn for_each(&self, f: &mut dyn FnMut(Hash, Cid)) -> Result<(), MapError> {
        let mut level: Vec<Cid> = self.root.into_iter().collect();
        for _ in 0..=20 {
            if level.is_empty() {
                return Ok(());
            }
            let mut next = Vec::new();
            // Bounded batches keep memory flat on very large maps.
            for chunk in level.chunks(64) {
                self.load_many(chunk)?;
                for cid in chunk {
                    match &*self.shard(cid)? {
                        Shard::Leaf(entries) => entries.iter().for_each(|(h, c)| f(*h, *c)),
                        Shard::Node(children) => next.extend(children.iter().flatten()),
                    }
                    self.cache.borrow_mut().remove(cid);
                }
            }
            level = next;
        }
        Ok(())
    }
}

/// An entry of a map being built: a hash and the link it maps to.
pub trait Entry: Copy {
    fn hash(&self) -> &Hash;
    fn link(&self) -> Cid;
}

impl Entry for (Hash, Cid) {
    fn hash(&self) -> &Hash {
        &self.0
    }
    fn link(&self) -> Cid {
        self.1
    }
}

impl Entry for (Hash, CborLink) {
    fn hash(&self) -> &Hash {
        &self.0
    }
    fn link(&self) -> Cid {
        self.1.cid()
    }
}

fn merge<E: Entry>(old: &[(Hash, Cid)], new: &[E]) -> Vec<(Hash, Cid)> {
    let mut out = Vec::with_capacity(old.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if j == new.len() || (i < old.len() && old[i].0 <= *new[j].hash()) {
            if j < new.len() && old[i].0 == *new[j].hash() {
                j += 1;
            }
            out.push(old[i]);
            i += 1;
        } else {
            out.push((*new[j].hash(), new[j].link()));
            j += 1;
        }
    }
    out
}

/// Groups sorted entries by their hash byte at `depth`, as slices of them
/// (no copies: a first push of a large repository has hundreds of
/// thousands of entries).
fn split<E: Entry>(entries: &[E], depth: usize) -> Vec<(u8, &[E])> {
    let mut groups = Vec::new();
    let mut rest = entries;
    while let Some(first) = rest.first() {
        let b = first.hash().0[depth.min(19)];
        let n = rest.iter().take_while(|e| e.hash().0[depth.min(19)] == b).count();
        let (group, tail) = rest.split_at(n);
        groups.push((b, group));
        rest = tail;
    }
    groups
}

/// Builds the canonical shard for a sorted set at `depth`.
fn build<E: Entry>(entries: &[E], depth: usize, put: &mut dyn FnMut(Block) -> Result<(), StoreError>) -> Result<Cid, MapError> {
    let block = if entries.len() <= LEAF_MAX || depth >= 19 {
        let leaf: Vec<(Hash, Cid)> = entries.iter().map(|e| (*e.hash(), e.link())).collect();
        leaf_block(&leaf)?
    } else {
        let mut children = vec![None; 256];
        for (byte, group) in split(entries, depth) {
            children[byte as usize] = Some(build(group, depth + 1, put)?);
        }
        node_block(&children)?
    };
    let cid = block.cid;
    put(block)?;
    Ok(cid)
}

/// Decodes one shard block (a leaf or a node), checking what a reader of
/// the map relies on: a leaf's entries sorted, a node's 256 slots. Public
/// for the fuzz targets (`fuzz/`).
pub fn decode_shard(cid: &Cid, data: &[u8]) -> Result<Shard, MapError> {
    // The kind decides how to read the body.
    match format::check_header(cid, data, KIND_LEAF) {
        Ok(()) => {
            let entries: Vec<(Hash, Cid)> = format::decode(cid, data, KIND_LEAF)?;
            if entries.windows(2).any(|w| w[0].0 >= w[1].0) {
                return Err(MapError::Malformed { cid: Box::new(*cid), why: "leaf entries are not sorted" });
            }
            Ok(Shard::Leaf(entries))
        }
        Err(FormatError::Kind { .. }) => {
            let children: Vec<Option<Cid>> = format::decode(cid, data, KIND_NODE)?;
            if children.len() != 256 {
                return Err(MapError::Malformed { cid: Box::new(*cid), why: "node does not have 256 slots" });
            }
            Ok(Shard::Node(children))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{cid_of, DAG_CBOR};

    fn link(data: &[u8]) -> CborLink {
        CborLink::of(&cid_of(DAG_CBOR, data)).unwrap()
    }
    use crate::store::local::LocalStore;
    use crate::store::BlockStore;

    fn h(i: u32) -> Hash {
        // Spread like SHA-1: hash the counter.
        use sha1::Digest;
        Hash(sha1::Sha1::digest(i.to_be_bytes()).into())
    }

    /// Inserts in one write session of `store`, finished; returns the root.
    fn insert(store: &LocalStore, root: Option<Cid>, entries: Vec<(Hash, CborLink)>) -> (Cid, usize) {
        let v = Verified::new(store);
        let map = match root {
            Some(r) => ObjectMap::new(&v, r),
            None => ObjectMap::empty(&v),
        };
        let mut w = store.writer().unwrap();
        let mut written = 0;
        let root = map
            .insert(entries, &mut |b| {
                written += 1;
                w.put(b)
            })
            .unwrap();
        w.finish(&root, None).unwrap();
        (root, written)
    }

    #[test]
    fn insert_lookup_and_shape_is_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let v = Verified::new(&store);
        let n = LEAF_MAX as u32 * 3;
        let entries: Vec<_> = (0..n).map(|i| (h(i), link(&i.to_be_bytes()))).collect();

        // All at once, or in two pushes: same root.
        let (once, _) = insert(&store, None, entries.clone());
        let (first, _) = insert(&store, None, entries[..100].to_vec());
        let (second, _) = insert(&store, Some(first), entries[100..].to_vec());
        assert_eq!(once, second);
        assert_eq!(insert(&store, None, vec![]).0, empty().unwrap().cid);

        let map = ObjectMap::new(&v, once);
        let mut probe: Vec<Hash> = entries.iter().map(|e| e.0).collect();
        probe.push(h(n + 1));
        let found = map.lookup_many(&probe).unwrap();
        assert!(found[..n as usize].iter().zip(&entries).all(|(f, e)| *f == Some(e.1.cid())));
        assert_eq!(found[n as usize], None);

        // Adding one object rewrites one leaf and the root node only.
        let (_, touched) = insert(&store, Some(once), vec![(h(n + 1), link(b"new"))]);
        assert_eq!(touched, 2);

        let mut all = 0;
        map.for_each(&mut |_, _| all += 1).unwrap();
        assert_eq!(all, n);
    }
}
