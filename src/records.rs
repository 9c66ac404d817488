//! Format 2's blocks besides the index: NIPObject records in the object
//! map, the refs trie, and the list of packs.
//!
//! | kind | body |
//! |------|------|
//! | `objects-leaf` | records sorted by git hash: `[oid, type, size, pack, offset]`, commits `+ tree, [parents]`, tags `+ target` |
//! | `objects-node` | 16 links or nulls, by the hash's next nibble |
//! | `refs-leaf` | `[name, git hash]` sorted by sha2-256 of the name |
//! | `refs-node` | 16 links or nulls |
//! | `packs` | `[[chunk link...], [entry...]]`: full chunks of 64 entries, then the rest |
//! | `packs-chunk` | 64 entries `[pack link, bytes, objects]` |
//!
//! A record is a NIPObject: the object's type, size and the git hashes of
//! the objects a commit or tag points to, and where its bytes are: entry
//! `offset` of pack number `pack` (0 is the first pack pushed). A tree's
//! entries are not repeated: the tree is in the pack. Every block carries
//! the versioned magic header (`["NIPNIP", 2, kind, body]`); a record is an
//! item of a block, not a block. `docs/FORMAT.md` is the reference.

use crate::block::Block;
use crate::format::{self, FormatError, Hash, NipIndex, ObjectType};
use crate::store::{StoreError, Verified};
use crate::trie::{self, Spec, Trie, TrieError};
use cid::Cid;
use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The object map of format 2.
pub const OBJECTS: Spec = Spec { leaf_kind: format::KIND_LEAF, node_kind: format::KIND_NODE, leaf_max: 4096, what: "object map" };
/// The refs trie.
pub const REFS: Spec = Spec { leaf_kind: KIND_REFS_LEAF, node_kind: KIND_REFS_NODE, leaf_max: 16384, what: "refs" };

pub const KIND_REFS_LEAF: &str = "refs-leaf";
pub const KIND_REFS_NODE: &str = "refs-node";
pub const KIND_PACKS: &str = "packs";
pub const KIND_PACKS_CHUNK: &str = "packs-chunk";
/// Entries in a full chunk of the packs list.
pub const PACKS_CHUNK: usize = 64;
/// Most refs an index may hold (a reader's bound, far above any real
/// repository; the tests push 1,000,000).
pub const MAX_REFS: usize = 20_000_000;

/// What a record says an object points to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordLinks {
    /// Trees and blobs: nothing in the record (a tree's entries are in the pack).
    None,
    /// Boxed: most records are trees and blobs, and a push of 1,000,000
    /// objects holds them all (a record is 72 bytes this way, 96 without).
    Commit(Box<CommitLinks>),
    Tag {
        target: Hash,
    },
}

/// A commit's tree and parents, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitLinks {
    pub tree: Hash,
    pub parents: Vec<Hash>,
}

impl RecordLinks {
    pub fn commit(tree: Hash, parents: Vec<Hash>) -> RecordLinks {
        RecordLinks::Commit(Box::new(CommitLinks { tree, parents }))
    }
}

/// A NIPObject of format 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub oid: Hash,
    pub kind: ObjectType,
    /// Length of the content, without git's header.
    pub size: u64,
    /// The pack its bytes are in, by number in the packs list.
    pub pack: u32,
    /// Where its entry starts in that pack.
    pub offset: u64,
    pub links: RecordLinks,
}

impl trie::Entry for Record {
    fn key(&self) -> [u8; 20] {
        self.oid.0
    }
}

fn type_of(code: u64) -> Option<ObjectType> {
    u8::try_from(code).ok().and_then(crate::packread::from_pack_code)
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = match &self.links {
            RecordLinks::None => 5,
            RecordLinks::Commit { .. } => 7,
            RecordLinks::Tag { .. } => 6,
        };
        let mut seq = s.serialize_seq(Some(n))?;
        seq.serialize_element(&self.oid)?;
        seq.serialize_element(&self.kind.pack_code())?;
        seq.serialize_element(&self.size)?;
        seq.serialize_element(&self.pack)?;
        seq.serialize_element(&self.offset)?;
        match &self.links {
            RecordLinks::None => {}
            RecordLinks::Commit(c) => {
                seq.serialize_element(&c.tree)?;
                seq.serialize_element(&c.parents)?;
            }
            RecordLinks::Tag { target } => seq.serialize_element(target)?,
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Record, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Record;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a NIPObject record [oid, type, size, pack, offset, ...]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Record, A::Error> {
                let missing = |what: &str| de::Error::custom(format!("record without its {what}"));
                let oid: Hash = a.next_element()?.ok_or_else(|| missing("hash"))?;
                let code: u64 = a.next_element()?.ok_or_else(|| missing("type"))?;
                let kind = type_of(code).ok_or_else(|| de::Error::custom(format!("record of {oid} has unknown type {code}")))?;
                let size: u64 = a.next_element()?.ok_or_else(|| missing("size"))?;
                let pack: u32 = a.next_element()?.ok_or_else(|| missing("pack"))?;
                let offset: u64 = a.next_element()?.ok_or_else(|| missing("offset"))?;
                let links = match kind {
                    ObjectType::Commit => RecordLinks::commit(
                        a.next_element()?.ok_or_else(|| missing("tree"))?,
                        a.next_element()?.ok_or_else(|| missing("parents"))?,
                    ),
                    ObjectType::Tag => RecordLinks::Tag { target: a.next_element()?.ok_or_else(|| missing("target"))? },
                    _ => RecordLinks::None,
                };
                if a.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(format!("record of {oid} has more items than a {} record", kind.name())));
                }
                Ok(Record { oid, kind, size, pack, offset, links })
            }
        }
        d.deserialize_seq(V)
    }
}

/// One ref in the refs trie: its name, the object it points to, and, for a
/// ref to an annotated tag, the tag peeled to its final non-tag target (as
/// a `packed-refs` file's `^` lines keep it), so that listing the refs
/// needs no object lookups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefEntry {
    pub name: String,
    pub hash: Hash,
    pub peeled: Option<Hash>,
    key: [u8; 20],
}

impl RefEntry {
    pub fn new(name: String, hash: Hash, peeled: Option<Hash>) -> RefEntry {
        let key = ref_key(&name);
        RefEntry { name, hash, peeled, key }
    }
}

/// The trie key of a ref name: the first 20 bytes of its sha2-256.
pub fn ref_key(name: &str) -> [u8; 20] {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(name.as_bytes());
    let mut k = [0u8; 20];
    k.copy_from_slice(&d[..20]);
    k
}

impl trie::Entry for RefEntry {
    fn key(&self) -> [u8; 20] {
        self.key
    }
}

impl Serialize for RefEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.peeled {
            None => (&self.name, &self.hash).serialize(s),
            Some(p) => (&self.name, &self.hash, p).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for RefEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RefEntry, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RefEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a ref [name, git hash] or [name, git hash, peeled git hash]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<RefEntry, A::Error> {
                let name: String = a.next_element()?.ok_or_else(|| de::Error::custom("ref without a name"))?;
                let hash: Hash = a.next_element()?.ok_or_else(|| de::Error::custom("ref without a target"))?;
                let peeled: Option<Hash> = a.next_element()?;
                if a.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom("ref entry with more than three items"));
                }
                Ok(RefEntry::new(name, hash, peeled))
            }
        }
        d.deserialize_seq(V)
    }
}

/// One pack of the list: its root (a UnixFS file), the tips of the push
/// that wrote it (every object of the pack is reachable from them; absent
/// when there were more than [`MAX_TIPS`]), its length and how many objects
/// it holds. A fetch skips a pack whose tips it already has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackEntry {
    pub pack: Cid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tips: Option<Vec<Hash>>,
    pub bytes: u64,
    /// When the push had more than [`MAX_TIPS`] tips: a `tips` block listing
    /// them all (up to [`MAX_TIPSET`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tipset: Option<Cid>,
    pub objects: u64,
}

/// Most packs a reader takes in one list (a push adds at most one).
pub const MAX_PACKS: usize = 1_000_000;
/// Most tips a packs list entry names itself.
pub const MAX_TIPS: usize = 16;
/// Most tips a `tips` block lists (it stays under 1 MiB).
pub const MAX_TIPSET: usize = 48_000;
pub const KIND_TIPS: &str = "tips";

/// The tips of a push, for its pack's entry: inline when few, else a
/// `tips` block (returned to be stored), else none.
pub fn tips_of(tips: &[Hash]) -> Result<(Option<Vec<Hash>>, Option<Block>), RecordsError> {
    let mut sorted = tips.to_vec();
    sorted.sort();
    sorted.dedup();
    Ok(match sorted.len() {
        n if n <= MAX_TIPS => (Some(sorted), None),
        n if n <= MAX_TIPSET => (None, Some(format::encode_v2(KIND_TIPS, &sorted)?)),
        _ => (None, None),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error(transparent)]
    Trie(#[from] TrieError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("the packs list {cid} is damaged: {why}; the repository cannot be read")]
    Packs { cid: Box<Cid>, why: String },
    #[error("the refs of index {cid} are damaged: {why}; the repository cannot be read")]
    Refs { cid: Box<Cid>, why: String },
}

/// Reads an index of either format with its refs: a format 2 index's refs
/// trie is read whole and checked as a format 1 index's list is.
pub fn read_index(blocks: &Verified<'_>, cid: &Cid) -> Result<NipIndex, RecordsError> {
    Ok(read_index_full(blocks, cid)?.index)
}

/// An index with what its refs trie holds besides the refs.
#[derive(Debug)]
pub struct FullIndex {
    pub index: NipIndex,
    /// The CIDs of the refs trie's blocks (a push does not write them again).
    pub refs_blocks: std::collections::HashSet<Cid>,
    /// Annotated tags' peeled targets, by ref name.
    pub peeled: std::collections::HashMap<String, Hash>,
}

/// [`read_index`], with the refs trie's blocks and peeled tags.
pub fn read_index_full(blocks: &Verified<'_>, cid: &Cid) -> Result<FullIndex, RecordsError> {
    let bytes = blocks.get(cid)?;
    let mut index = NipIndex::from_block(cid, &bytes)?;
    let mut refs_blocks = std::collections::HashSet::new();
    let mut peeled = std::collections::HashMap::new();
    if let Some(links) = index.v2 {
        let trie: Trie<'_, RefEntry> = Trie::new(blocks, REFS, Some(links.refs));
        let (entries, read) = trie.all_with_blocks(MAX_REFS)?;
        refs_blocks = read;
        let mut refs: Vec<(String, Hash)> = Vec::with_capacity(entries.len());
        for e in entries {
            if let Some(p) = e.peeled {
                peeled.insert(e.name.clone(), p);
            }
            refs.push((e.name, e.hash));
        }
        refs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        format::check_refs(&refs).map_err(|why| RecordsError::Refs { cid: Box::new(*cid), why })?;
        index.refs = refs;
    }
    Ok(FullIndex { index, refs_blocks, peeled })
}

/// Whether every ref of the refs trie at `root` points to an object for
/// which `local` says yes; `known` remembers the answer per shard, so
/// asking about one index after another reads only the shards they do not
/// share.
pub fn refs_all(
    blocks: &Verified<'_>,
    root: &Cid,
    local: &dyn Fn(Hash) -> bool,
    known: &mut std::collections::HashMap<Cid, bool>,
) -> Result<bool, RecordsError> {
    fn walk(
        blocks: &Verified<'_>,
        cid: &Cid,
        depth: usize,
        local: &dyn Fn(Hash) -> bool,
        known: &mut std::collections::HashMap<Cid, bool>,
    ) -> Result<bool, RecordsError> {
        if let Some(k) = known.get(cid) {
            return Ok(*k);
        }
        let answer = match REFS.decode::<RefEntry>(cid, &blocks.get(cid)?)? {
            trie::Shard::Leaf(entries) => entries.iter().all(|e| local(e.hash)),
            trie::Shard::Node(_) if depth >= trie::MAX_DEPTH => false,
            trie::Shard::Node(slots) => {
                let mut all = true;
                for child in slots.iter().flatten() {
                    if !walk(blocks, child, depth + 1, local, known)? {
                        all = false;
                        break;
                    }
                }
                all
            }
        };
        known.insert(*cid, answer);
        Ok(answer)
    }
    walk(blocks, root, 0, local, known)
}

/// Writes the refs trie of `refs` through `put`, skipping blocks in `known`
/// (those of the refs trie being replaced); returns its root.
pub fn write_refs(
    refs: &[(String, Hash)],
    peeled: &std::collections::HashMap<String, Hash>,
    known: &std::collections::HashSet<Cid>,
    put: &mut dyn FnMut(Block) -> Result<(), StoreError>,
) -> Result<Cid, RecordsError> {
    let mut entries = Vec::with_capacity(refs.len());
    for (n, h) in refs {
        entries.push(trie::sized(RefEntry::new(n.clone(), *h, peeled.get(n).copied()))?);
    }
    entries.sort_unstable_by_key(|(e, _)| e.key);
    let mut put_new = |b: Block| if known.contains(&b.cid) { Ok(()) } else { put(b) };
    Ok(REFS.build(&entries, 0, &mut put_new)?)
}

#[derive(Serialize, Deserialize)]
struct PacksBody(Vec<Cid>, Vec<PackEntry>);

/// Every pack of the list at `root`, in push order.
pub fn read_packs(blocks: &Verified<'_>, root: &Cid) -> Result<Vec<PackEntry>, RecordsError> {
    let PacksBody(chunks, tail) = format::decode_v2(root, &blocks.get(root)?, KIND_PACKS)?;
    let bad = |why: String| RecordsError::Packs { cid: Box::new(*root), why };
    if chunks.len() * PACKS_CHUNK > MAX_PACKS {
        return Err(bad(format!("it lists {} chunks of packs, more than the {MAX_PACKS} packs a reader takes", chunks.len())));
    }
    // A chunk listed twice would be read (and held) twice per listing.
    let distinct: std::collections::HashSet<&Cid> = chunks.iter().collect();
    if distinct.len() != chunks.len() {
        return Err(bad("it lists one chunk twice".into()));
    }
    let mut out = Vec::with_capacity(chunks.len() * PACKS_CHUNK + tail.len());
    for group in chunks.chunks(256) {
        for (cid, data) in group.iter().zip(blocks.get_many(group)?) {
            let entries: Vec<PackEntry> = format::decode_v2(cid, &data, KIND_PACKS_CHUNK)?;
            if entries.len() != PACKS_CHUNK {
                return Err(RecordsError::Packs {
                    cid: Box::new(*cid),
                    why: format!("a chunk holds {} packs, not {PACKS_CHUNK}", entries.len()),
                });
            }
            out.extend(entries);
        }
    }
    if tail.len() >= PACKS_CHUNK {
        return Err(RecordsError::Packs {
            cid: Box::new(*root),
            why: format!("{} packs after the chunks, at most {}", tail.len(), PACKS_CHUNK - 1),
        });
    }
    out.extend(tail);
    if let Some(p) = out.iter().find(|p| p.tips.as_ref().is_some_and(|t| t.len() > MAX_TIPS)) {
        return Err(bad(format!("pack {} names more than {MAX_TIPS} tips in its entry", p.pack)));
    }
    Ok(out)
}

/// Appends `entry` to the list at `root` (none: a new list), writing the
/// new root (and, every 64 packs, a chunk) through `put`.
pub fn append_pack(
    blocks: &Verified<'_>,
    root: Option<&Cid>,
    entry: PackEntry,
    put: &mut dyn FnMut(Block) -> Result<(), StoreError>,
) -> Result<Cid, RecordsError> {
    let PacksBody(mut chunks, mut tail) = match root {
        Some(root) => format::decode_v2(root, &blocks.get(root)?, KIND_PACKS)?,
        None => PacksBody(Vec::new(), Vec::new()),
    };
    tail.push(entry);
    if tail.len() == PACKS_CHUNK {
        let chunk = format::encode_v2(KIND_PACKS_CHUNK, &tail)?;
        chunks.push(chunk.cid);
        put(chunk)?;
        tail.clear();
    }
    let block = format::encode_v2(KIND_PACKS, &PacksBody(chunks, tail))?;
    let cid = block.cid;
    put(block)?;
    Ok(cid)
}

/// The object map of a format 2 index.
pub fn object_map<'a>(blocks: &'a Verified<'a>, index: &NipIndex) -> Trie<'a, Record> {
    Trie::new(blocks, OBJECTS, Some(index.objects))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::local::LocalStore;
    use crate::store::BlockStore;
    use crate::trie::Entry as _;

    fn h(i: u32) -> Hash {
        use sha1::Digest;
        Hash(sha1::Sha1::digest(i.to_be_bytes()).into())
    }

    fn record(i: u32) -> Record {
        let links = match i % 4 {
            0 => RecordLinks::commit(h(i + 1), vec![h(i + 2)]),
            1 => RecordLinks::Tag { target: h(i + 3) },
            _ => RecordLinks::None,
        };
        let kind = match i % 4 {
            0 => ObjectType::Commit,
            1 => ObjectType::Tag,
            2 => ObjectType::Tree,
            _ => ObjectType::Blob,
        };
        Record { oid: h(i), kind, size: i as u64 * 7, pack: i / 1000, offset: i as u64 * 100, links }
    }

    #[test]
    fn records_round_trip_and_refuse_extra_items() {
        for i in 0..8 {
            let r = record(i);
            let bytes = serde_ipld_dagcbor::to_vec(&r).unwrap();
            assert_eq!(serde_ipld_dagcbor::from_slice::<Record>(&bytes).unwrap(), r);
        }
        // A blob record with a sixth item is refused, not read as a blob.
        let extra = serde_ipld_dagcbor::to_vec(&(h(1), 3u8, 1u8, 0u8, 0u8, h(2))).unwrap();
        assert!(serde_ipld_dagcbor::from_slice::<Record>(&extra).is_err());
        let unknown = serde_ipld_dagcbor::to_vec(&(h(1), 9u8, 1u8, 0u8, 0u8)).unwrap();
        assert!(serde_ipld_dagcbor::from_slice::<Record>(&unknown).is_err());
        // A push of 1,000,000 objects holds every record: keep them small.
        assert!(std::mem::size_of::<Record>() <= 72, "{} bytes", std::mem::size_of::<Record>());
        // A blob record is small: about the size of a git .idx entry.
        assert!(serde_ipld_dagcbor::to_vec(&record(3)).unwrap().len() <= 32);
    }

    /// Inserts in one write session; returns the root and the blocks written.
    fn insert(store: &LocalStore, root: Option<Cid>, records: Vec<Record>) -> (Cid, usize) {
        let v = Verified::new(store);
        let map: Trie<'_, Record> = Trie::new(&v, OBJECTS, root);
        let mut w = store.writer().unwrap();
        let mut written = 0;
        let sized = records.into_iter().map(|r| trie::sized(r).unwrap()).collect();
        let root = map
            .insert(sized, &mut |b| {
                assert!(b.data.len() <= OBJECTS.leaf_max.max(700), "block of {} bytes", b.data.len());
                written += 1;
                w.put(b)
            })
            .unwrap();
        w.finish(&root, None).unwrap();
        (root, written)
    }

    #[test]
    fn map_is_deterministic_incremental_and_sized_by_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let v = Verified::new(&store);
        let n = 20_000u32;
        let all: Vec<Record> = (0..n).map(record).collect();
        let (once, blocks) = insert(&store, None, all.clone());
        let (first, _) = insert(&store, None, all[..100].to_vec());
        let (second, _) = insert(&store, Some(first), all[100..].to_vec());
        assert_eq!(once, second, "the shape depends only on the set");
        // Blocks follow bytes, not objects: a leaf splits past 4 KiB into
        // 16, so leaves hold 256 bytes to 4 KiB of records.
        let bytes: usize = all.iter().map(|r| serde_ipld_dagcbor::to_vec(r).unwrap().len()).sum();
        assert!(blocks < bytes / 256 && blocks < n as usize / 8, "{blocks} blocks for {bytes} bytes of {n} records");

        let map: Trie<'_, Record> = Trie::new(&v, OBJECTS, Some(once));
        let mut keys: Vec<[u8; 20]> = all.iter().map(|r| r.oid.0).collect();
        keys.push(h(n + 1).0);
        let found = map.lookup_many(&keys).unwrap();
        assert!(found[..n as usize].iter().zip(&all).all(|(f, r)| f.as_ref() == Some(r)));
        assert_eq!(found[n as usize], None);
        assert_eq!(map.all(usize::MAX).unwrap().len(), n as usize);

        // One new record rewrites one leaf and the nodes above it.
        let (_, touched) = insert(&store, Some(once), vec![record(n + 1)]);
        assert!(touched <= 5, "{touched} blocks for one record");
        // A record already there keeps its entry.
        let mut moved = record(5);
        moved.pack = 99;
        let (same, _) = insert(&store, Some(once), vec![moved]);
        assert_eq!(same, once);
    }

    #[test]
    fn leaf_length_is_predicted_exactly() {
        for n in [0usize, 1, 23, 24, 200, 300] {
            let entries: Vec<(Record, usize)> = (0..n as u32).map(|i| trie::sized(record(i)).unwrap()).collect();
            let mut sorted = entries.clone();
            sorted.sort_by_key(|(e, _)| e.key());
            let leaf: Vec<&Record> = sorted.iter().map(|(e, _)| e).collect();
            let block = format::encode_v2(OBJECTS.leaf_kind, &leaf).unwrap();
            let sum: usize = sorted.iter().map(|(_, s)| s).sum();
            let spec = OBJECTS;
            // Same computation as Spec::leaf_len (private): header + array + entries.
            let predicted = 1
                + 7
                + 1
                + 1
                + spec.leaf_kind.len()
                + if n < 24 {
                    1
                } else if n < 256 {
                    2
                } else {
                    3
                }
                + sum;
            assert_eq!(block.data.len(), predicted, "{n} records");
        }
    }

    #[test]
    fn refs_trie_round_trips_and_refuses_misplaced_entries() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let v = Verified::new(&store);
        let refs: Vec<(String, Hash)> = (0..3000).map(|i| (format!("refs/tags/v{i}"), h(i))).collect();
        let mut w = store.writer().unwrap();
        let mut peeled = std::collections::HashMap::new();
        peeled.insert("refs/tags/v7".to_string(), h(70_000));
        let root = write_refs(&refs, &peeled, &Default::default(), &mut |b| w.put(b)).unwrap();
        w.finish(&root, None).unwrap();
        let trie: Trie<'_, RefEntry> = Trie::new(&v, REFS, Some(root));
        let mut back: Vec<(String, Hash)> = trie.all(MAX_REFS).unwrap().into_iter().map(|e| (e.name, e.hash)).collect();
        back.sort();
        let mut want = refs.clone();
        want.sort();
        assert_eq!(back, want);
        let (entries, known) = trie.all_with_blocks(MAX_REFS).unwrap();
        let v7 = entries.iter().find(|e| e.name == "refs/tags/v7").unwrap();
        assert_eq!(v7.peeled, Some(h(70_000)), "a peeled tag round-trips");
        assert!(entries.iter().filter(|e| e.peeled.is_some()).count() == 1);
        assert!(known.len() > 16, "3,000 refs are sharded");
        // Written again with the blocks known: nothing new.
        let mut again = 0;
        write_refs(&refs, &peeled, &known, &mut |_| {
            again += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(again, 0);

        // A node whose two slots link the same leaf is refused.
        let leaf = REFS.empty().unwrap();
        let mut slots = vec![None; 16];
        slots[0] = Some(leaf.cid);
        slots[1] = Some(leaf.cid);
        let node = format::encode_v2(REFS.node_kind, &slots).unwrap();
        let mut w = store.writer().unwrap();
        w.put(leaf).unwrap();
        w.put(node.clone()).unwrap();
        w.finish(&node.cid, None).unwrap();
        let trie: Trie<'_, RefEntry> = Trie::new(&v, REFS, Some(node.cid));
        assert!(trie.all(MAX_REFS).unwrap_err().to_string().contains("linked twice"));
    }

    #[test]
    fn packs_list_appends_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let v = Verified::new(&store);
        let mut root: Option<Cid> = None;
        let entry = |i: u64| PackEntry {
            pack: crate::block::cid_of(crate::block::RAW, &i.to_be_bytes()),
            tips: i.is_multiple_of(2).then(|| vec![h(i as u32)]),
            bytes: i,
            tipset: None,
            objects: i,
        };
        for i in 0..150u64 {
            let mut w = store.writer().unwrap();
            let mut blocks = 0;
            let r = append_pack(&v, root.as_ref(), entry(i), &mut |b| {
                blocks += 1;
                w.put(b)
            })
            .unwrap();
            w.finish(&r, None).unwrap();
            assert!(blocks <= 2);
            root = Some(r);
        }
        let all = read_packs(&v, &root.unwrap()).unwrap();
        assert_eq!(all, (0..150).map(entry).collect::<Vec<_>>());
    }
}
