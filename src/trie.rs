//! Format 2's sharded sorted sets: a 16-way trie on a 20-byte key, with
//! leaves cut by bytes.
//!
//! Both the object map (key: the git hash) and the refs (key: the first 20
//! bytes of the name's sha2-256) are such a trie. A set of entries is one
//! `*-leaf` block (its entries sorted by key) when that block is at most
//! [`Spec::leaf_max`] bytes; otherwise it is a `*-node` block of 16 slots, a
//! link or null per value of the key's next nibble (the high nibble of byte
//! 0 first), each slot the trie of the entries with that nibble. The shape
//! depends only on the set, so the same entries give the same CIDs on every
//! machine, and a change rewrites only the leaves it touches and the nodes
//! above them.
//!
//! Small leaves keep small pushes small: a one-commit push adds a few
//! records, each rewriting one leaf of at most 4 KiB (objects) plus a node
//! of 16 links per level. The block count follows the bytes of the set:
//! about one block per 2 KiB of records.
//!
//! Reads are batched level by level ([`Trie::lookup_many`], [`Trie::all_with_blocks`]):
//! looking up many keys costs one store request per trie level.

use crate::block::Block;
use crate::format::{self, FormatError};
use crate::store::{StoreError, Verified};
use cid::Cid;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Nibbles in a key: the deepest a trie goes.
pub const MAX_DEPTH: usize = 40;
/// Slots in a node.
pub const FANOUT: usize = 16;

/// What a trie's blocks are called and how large a leaf may grow.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub leaf_kind: &'static str,
    pub node_kind: &'static str,
    /// Largest leaf block, in bytes, before the set splits into a node.
    pub leaf_max: usize,
    /// What the entries are, for messages (`object map`, `refs`).
    pub what: &'static str,
}

/// An entry of a trie: its key and its encoding (an entry is encoded on
/// its own and leaves concatenate them, so an entry's size is its
/// encoding's length).
pub trait Entry: Serialize + DeserializeOwned + Clone {
    fn key(&self) -> [u8; 20];
}

#[derive(Debug, thiserror::Error)]
pub enum TrieError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("{what} shard {cid} is damaged: {why}; the repository cannot be read")]
    Malformed { what: &'static str, cid: Box<Cid>, why: String },
}

fn nibble(key: &[u8; 20], depth: usize) -> usize {
    let b = key[(depth / 2).min(19)];
    if depth.is_multiple_of(2) {
        (b >> 4) as usize
    } else {
        (b & 15) as usize
    }
}

/// Whether `key` starts with the nibbles of `path`.
fn on_path(key: &[u8; 20], path: &[u8]) -> bool {
    path.iter().enumerate().all(|(d, n)| nibble(key, d) == *n as usize)
}

/// One decoded shard.
#[derive(Debug)]
pub enum Shard<E> {
    Leaf(Vec<E>),
    Node(Vec<Option<Cid>>),
}

/// Length of a CBOR major-type header for `n`.
fn cbor_head_len(n: usize) -> usize {
    match n {
        0..=23 => 1,
        24..=0xff => 2,
        0x100..=0xffff => 3,
        _ if n as u64 <= u32::MAX as u64 => 5,
        _ => 9,
    }
}

impl Spec {
    /// Bytes of a leaf block of `n` entries whose encodings add up to `sum`:
    /// `["NIPNIP", 2, kind, [entries]]`.
    fn leaf_len(&self, n: usize, sum: usize) -> usize {
        1 + 7 + 1 + cbor_head_len(self.leaf_kind.len()) + self.leaf_kind.len() + cbor_head_len(n) + sum
    }

    fn bad(&self, cid: &Cid, why: impl Into<String>) -> TrieError {
        TrieError::Malformed { what: self.what, cid: Box::new(*cid), why: why.into() }
    }

    /// Decodes one shard, checking what readers rely on: a leaf's keys
    /// strictly increasing, a node's 16 slots.
    pub fn decode<E: Entry>(&self, cid: &Cid, data: &[u8]) -> Result<Shard<E>, TrieError> {
        match format::check_header(cid, data, self.leaf_kind) {
            Ok(()) => {
                let entries: Vec<E> = format::decode_v2(cid, data, self.leaf_kind)?;
                if entries.windows(2).any(|w| w[0].key() >= w[1].key()) {
                    return Err(self.bad(cid, "leaf entries are not sorted by key and unique"));
                }
                Ok(Shard::Leaf(entries))
            }
            Err(FormatError::Kind { .. }) => {
                let slots: Vec<Option<Cid>> = format::decode_v2(cid, data, self.node_kind)?;
                if slots.len() != FANOUT {
                    return Err(self.bad(cid, format!("node has {} slots, not {FANOUT}", slots.len())));
                }
                Ok(Shard::Node(slots))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Builds the canonical trie of `entries` (sorted by key, unique, each
    /// with its encoded length) at `depth`, writing its blocks through
    /// `put`; returns its root.
    pub fn build<E: Entry>(
        &self,
        entries: &[(E, usize)],
        depth: usize,
        put: &mut dyn FnMut(Block) -> Result<(), StoreError>,
    ) -> Result<Cid, TrieError> {
        let sum: usize = entries.iter().map(|(_, n)| n).sum();
        let block = if self.leaf_len(entries.len(), sum) <= self.leaf_max || depth >= MAX_DEPTH {
            let leaf: Vec<&E> = entries.iter().map(|(e, _)| e).collect();
            format::encode_v2(self.leaf_kind, &leaf)?
        } else {
            let mut slots = vec![None; FANOUT];
            for (n, group) in split(entries, depth) {
                slots[n] = Some(self.build(group, depth + 1, put)?);
            }
            format::encode_v2(self.node_kind, &slots)?
        };
        let cid = block.cid;
        put(block)?;
        Ok(cid)
    }

    /// The root of an empty trie (an empty leaf), and its block.
    pub fn empty(&self) -> Result<Block, TrieError> {
        Ok(format::encode_v2::<Vec<()>>(self.leaf_kind, &Vec::new())?)
    }
}

/// An entry with its encoded length.
pub fn sized<E: Entry>(e: E) -> Result<(E, usize), FormatError> {
    let n = serde_ipld_dagcbor::to_vec(&e).map_err(|e| FormatError::Encode(e.to_string()))?.len();
    Ok((e, n))
}

/// Groups sorted entries by their nibble at `depth`.
fn split<E: Entry>(entries: &[(E, usize)], depth: usize) -> Vec<(usize, &[(E, usize)])> {
    let mut groups = Vec::new();
    let mut rest = entries;
    while let Some((first, _)) = rest.first() {
        let n = nibble(&first.key(), depth);
        let len = rest.iter().take_while(|(e, _)| nibble(&e.key(), depth) == n).count();
        let (group, tail) = rest.split_at(len);
        groups.push((n, group));
        rest = tail;
    }
    groups
}

/// A trie read through a store, its shards cached.
pub struct Trie<'a, E> {
    blocks: &'a Verified<'a>,
    spec: Spec,
    root: Option<Cid>,
    cache: RefCell<HashMap<Cid, Rc<Shard<E>>>>,
}

impl<'a, E: Entry> Trie<'a, E> {
    /// The trie at `root`; `None` for one not stored yet.
    pub fn new(blocks: &'a Verified<'a>, spec: Spec, root: Option<Cid>) -> Trie<'a, E> {
        Trie { blocks, spec, root, cache: RefCell::new(HashMap::new()) }
    }

    pub fn root(&self) -> Option<Cid> {
        self.root
    }

    /// Fetches, in one request, the shards not yet cached.
    fn load_many(&self, cids: &[Cid]) -> Result<(), TrieError> {
        let mut want: Vec<Cid> = cids.iter().filter(|c| !self.cache.borrow().contains_key(c)).copied().collect();
        want.sort();
        want.dedup();
        if want.is_empty() {
            return Ok(());
        }
        let datas = self.blocks.get_many(&want)?;
        for (cid, data) in want.into_iter().zip(datas) {
            let shard = self.spec.decode(&cid, &data)?;
            self.cache.borrow_mut().insert(cid, Rc::new(shard));
        }
        Ok(())
    }

    fn shard(&self, cid: &Cid) -> Result<Rc<Shard<E>>, TrieError> {
        self.load_many(std::slice::from_ref(cid))?;
        self.cache.borrow().get(cid).cloned().ok_or_else(|| self.spec.bad(cid, "shard vanished from the cache"))
    }

    /// Looks up many keys with one store request per trie level.
    pub fn lookup_many(&self, keys: &[[u8; 20]]) -> Result<Vec<Option<E>>, TrieError> {
        let mut out = vec![None; keys.len()];
        let Some(root) = self.root else { return Ok(out) };
        let mut current: Vec<(usize, Cid)> = (0..keys.len()).map(|i| (i, root)).collect();
        for depth in 0..=MAX_DEPTH {
            if current.is_empty() {
                break;
            }
            let cids: Vec<Cid> = current.iter().map(|(_, c)| *c).collect();
            self.load_many(&cids)?;
            let mut next = Vec::new();
            for (i, cid) in current {
                match &*self.shard(&cid)? {
                    Shard::Leaf(entries) => {
                        out[i] = entries.binary_search_by(|e| e.key().cmp(&keys[i])).ok().map(|j| entries[j].clone());
                    }
                    Shard::Node(slots) if depth < MAX_DEPTH => {
                        if let Some(child) = slots[nibble(&keys[i], depth)] {
                            next.push((i, child));
                        }
                    }
                    Shard::Node(_) => return Err(self.spec.bad(&cid, "node deeper than any key")),
                }
            }
            current = next;
        }
        Ok(out)
    }

    /// Every entry, sorted by key, loading the shards level by level in
    /// batches. Each leaf's keys must lie on its path, and no shard may be
    /// linked twice (a hostile trie could otherwise repeat one shard
    /// 16 times per level). (Tests; readers use [`Trie::all_with_blocks`].)
    #[cfg(test)]
    pub fn all(&self, max_entries: usize) -> Result<Vec<E>, TrieError> {
        Ok(self.all_with_blocks(max_entries)?.0)
    }

    /// `Trie::all` (tests), and the CID of every shard read.
    pub fn all_with_blocks(&self, max_entries: usize) -> Result<(Vec<E>, HashSet<Cid>), TrieError> {
        let mut out = Vec::new();
        let Some(root) = self.root else { return Ok((out, HashSet::new())) };
        let mut seen = HashSet::from([root]);
        let mut level: Vec<(Vec<u8>, Cid)> = vec![(Vec::new(), root)];
        for depth in 0..=MAX_DEPTH {
            if level.is_empty() {
                break;
            }
            let mut next = Vec::new();
            for chunk in level.chunks(256) {
                let cids: Vec<Cid> = chunk.iter().map(|(_, c)| *c).collect();
                self.load_many(&cids)?;
                for (path, cid) in chunk {
                    let shard = self.shard(cid)?;
                    self.cache.borrow_mut().remove(cid);
                    match &*shard {
                        Shard::Leaf(entries) => {
                            if let Some(e) = entries.iter().find(|e| !on_path(&e.key(), path)) {
                                let _ = e;
                                return Err(self.spec.bad(cid, "leaf holds an entry that belongs elsewhere in the trie"));
                            }
                            if out.len() + entries.len() > max_entries {
                                return Err(self.spec.bad(cid, format!("more than {max_entries} entries")));
                            }
                            out.extend(entries.iter().cloned());
                        }
                        Shard::Node(_) if depth >= MAX_DEPTH => return Err(self.spec.bad(cid, "node deeper than any key")),
                        Shard::Node(slots) => {
                            for (n, slot) in slots.iter().enumerate() {
                                if let Some(child) = slot {
                                    if !seen.insert(*child) {
                                        return Err(self.spec.bad(cid, format!("shard {child} is linked twice")));
                                    }
                                    let mut p = path.clone();
                                    p.push(n as u8);
                                    next.push((p, *child));
                                }
                            }
                        }
                    }
                }
            }
            level = next;
        }
        out.sort_by_key(|e| e.key());
        Ok((out, seen))
    }

    /// Adds entries, writing the changed shards through `put`; returns the
    /// new root. A key already present keeps its entry.
    pub fn insert(
        &self,
        mut entries: Vec<(E, usize)>,
        put: &mut dyn FnMut(Block) -> Result<(), StoreError>,
    ) -> Result<Cid, TrieError> {
        entries.sort_unstable_by_key(|(e, _)| e.key());
        entries.dedup_by_key(|(e, _)| e.key());
        match self.root {
            Some(root) if entries.is_empty() => Ok(root),
            root => self.insert_at(root, &entries, 0, put),
        }
    }

    fn insert_at(
        &self,
        at: Option<Cid>,
        new: &[(E, usize)],
        depth: usize,
        put: &mut dyn FnMut(Block) -> Result<(), StoreError>,
    ) -> Result<Cid, TrieError> {
        let Some(cid) = at else { return self.spec.build(new, depth, put) };
        let shard = self.shard(&cid)?;
        match &*shard {
            Shard::Leaf(old) => {
                let mut merged = Vec::with_capacity(old.len() + new.len());
                let (mut i, mut j) = (0, 0);
                while i < old.len() || j < new.len() {
                    if j == new.len() || (i < old.len() && old[i].key() <= new[j].0.key()) {
                        if j < new.len() && old[i].key() == new[j].0.key() {
                            j += 1;
                        }
                        merged.push(sized(old[i].clone())?);
                        i += 1;
                    } else {
                        merged.push(new[j].clone());
                        j += 1;
                    }
                }
                self.spec.build(&merged, depth, put)
            }
            Shard::Node(_) if depth >= MAX_DEPTH => Err(self.spec.bad(&cid, "node deeper than any key")),
            Shard::Node(slots) => {
                let mut slots = slots.clone();
                let groups = split(new, depth);
                let wanted: Vec<Cid> = groups.iter().filter_map(|(n, _)| slots[*n]).collect();
                self.load_many(&wanted)?;
                for (n, group) in groups {
                    slots[n] = Some(self.insert_at(slots[n], group, depth + 1, put)?);
                }
                let block = format::encode_v2(self.spec.node_kind, &slots)?;
                let cid = block.cid;
                put(block)?;
                Ok(cid)
            }
        }
    }
}
