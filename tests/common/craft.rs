//! Hostile repositories, crafted block by block.
//!
//! A push checks what it writes; an attacker does not push. These helpers
//! write arbitrary blocks of either format straight
//! into the environment's store (the embedded store's files, or a Kubo node
//! through `block/put`, which stores bytes as they are), so a test can hand
//! `git` an address whose blocks say anything: ref names with newlines,
//! objects that claim sizes they do not have, commits git reads another way.
//! Nothing here validates: that is the point.
//!
//! Format 1 (read, never written by a push): index, object map, NIPObject
//! and UnixFS blocks; [`Env::craft_v1_from_repo`] writes a whole format 1
//! repository from a local git repository's objects. Format 2: refs tries
//! (any names, any shape), packs lists, and packs built by hand with
//! [`PackBuilder`] (entry headers, zlib streams, deltas, trailer).

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

    /// Every `(git id, NIPObject CID)` in the object map of the format 1
    /// index `cid`.
    pub fn index_entries(&self, cid: &Cid) -> Vec<(Hash, Cid)> {
        let idx = self.index(cid);
        assert!(idx.v2.is_none(), "index_entries reads a format 1 object map; {cid} is format 2");
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let mut entries = Vec::new();
        ObjectMap::new(&v, idx.objects).for_each(&mut |h, c| entries.push((h, c))).expect("walk object map");
        entries
    }

    /// A copy of the index `base` with `refs` as its refs (and `head`),
    /// the same objects, in `base`'s format (format 2: the same object map
    /// and packs list, a new refs trie); returns the new address.
    pub fn craft_refs(&self, base: &Cid, refs: Vec<(String, Hash)>, head: Option<String>) -> Cid {
        let idx = self.index(base);
        if let Some(links) = idx.v2 {
            let root = self.craft_refs_trie(&refs);
            return self.craft_index_v2(root, head, links.packs, Some(idx.objects), Some(*base));
        }
        let entries = self.index_entries(base);
        self.craft_index(refs, head, entries, Some(*base))
    }
}

// ------------------------------------------------------------ format 1 bases

impl Env {
    /// Every object of the local repository `repo` (`git cat-file
    /// --batch-all-objects`): (type, content).
    pub fn git_objects(&self, repo: &std::path::Path) -> Vec<(ObjectType, Vec<u8>)> {
        let out = self
            .command("git")
            .args(["cat-file", "--batch-all-objects", "--unordered", "--batch"])
            .current_dir(repo)
            .output()
            .expect("run git cat-file");
        assert!(out.status.success(), "git cat-file --batch-all-objects failed");
        let mut rest = &out.stdout[..];
        let mut objects = Vec::new();
        while !rest.is_empty() {
            let nl = rest.iter().position(|b| *b == b'\n').expect("a cat-file header line");
            let header = std::str::from_utf8(&rest[..nl]).expect("header");
            let mut parts = header.split(' ');
            let (_, kind, size) = (parts.next(), parts.next().expect("type"), parts.next().expect("size"));
            let size: usize = size.parse().expect("size");
            let data = rest[nl + 1..nl + 1 + size].to_vec();
            objects.push((ObjectType::from_name(kind).expect("object type"), data));
            rest = &rest[nl + 1 + size + 1..];
        }
        objects
    }

    /// A complete format 1 repository, crafted block by block from the
    /// objects and refs of the local repository `repo` (a push writes
    /// format 2 only, so this is how a test gets a format 1 address with
    /// real content): one UnixFS file and one NIPObject per object, the
    /// object map, and an index with `repo`'s branches and tags, HEAD
    /// `refs/heads/main`. Returns the address.
    pub fn craft_v1_from_repo(&self, repo: &std::path::Path) -> Cid {
        let mut blocks = Vec::new();
        let mut entries = Vec::new();
        for (kind, data) in self.git_objects(repo) {
            let oid = git_hash(kind, &data);
            let links = nip::links::parse(oid, kind, &data).expect("links of a real object");
            let (file, root) = nip::unixfs::encode(&data);
            blocks.extend(file);
            let object = NipObject { oid, size: data.len() as u64, data: root, links };
            let block = object.to_block().expect("encode NIPObject");
            entries.push((oid, block.cid));
            blocks.push(block);
        }
        self.put_blocks(dedup(blocks));
        let refs: Vec<(String, Hash)> = self
            .refs(repo)
            .into_iter()
            .filter(|(n, _)| n.starts_with("refs/heads/") || n.starts_with("refs/tags/"))
            .map(|(n, o)| (n, super::hash(&o)))
            .collect();
        self.craft_index(refs, Some("refs/heads/main".into()), entries, None)
    }
}

// ------------------------------------------------------------ format 2

use nip::format::IndexLinks;
use nip::records::{PackEntry, KIND_PACKS, KIND_REFS_LEAF, KIND_REFS_NODE};

/// One entry header of a git pack: type and inflated size, as git writes it
/// (4 bits of size in the first byte, 7 in each next one).
pub fn pack_entry_header(kind: u8, size: u64) -> Vec<u8> {
    let mut out = vec![(kind << 4) | (size & 15) as u8];
    let mut rest = size >> 4;
    while rest > 0 {
        *out.last_mut().unwrap() |= 0x80;
        out.push((rest & 0x7f) as u8);
        rest >>= 7;
    }
    out
}

/// zlib of `data`, as git compresses pack entries.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// A git delta's size varint.
fn delta_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A git delta that turns a base of `base_len` bytes into `result` by
/// inserting it whole (no copy from the base).
pub fn insert_delta(base_len: u64, result: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    delta_varint(&mut d, base_len);
    delta_varint(&mut d, result.len() as u64);
    for chunk in result.chunks(127) {
        d.push(chunk.len() as u8);
        d.extend_from_slice(chunk);
    }
    d
}

/// A git packfile built entry by entry, by hand: nothing is checked, so a
/// test can write any header, size claim, zlib stream or delta.
#[derive(Default)]
pub struct PackBuilder {
    body: Vec<u8>,
    count: u32,
}

/// Pack type numbers.
pub const OBJ_COMMIT: u8 = 1;
pub const OBJ_TREE: u8 = 2;
pub const OBJ_BLOB: u8 = 3;
pub const OBJ_REF_DELTA: u8 = 7;

impl PackBuilder {
    pub fn new() -> PackBuilder {
        PackBuilder::default()
    }

    /// A whole object of `kind`; returns its git id.
    pub fn object(&mut self, kind: ObjectType, data: &[u8]) -> Hash {
        self.raw(kind.pack_code(), data.len() as u64, &zlib(data));
        git_hash(kind, data)
    }

    /// An entry of pack type `kind` whose header claims `size` and whose
    /// compressed bytes are `compressed`, whatever they inflate to.
    pub fn raw(&mut self, kind: u8, size: u64, compressed: &[u8]) {
        self.body.extend(pack_entry_header(kind, size));
        self.body.extend_from_slice(compressed);
        self.count += 1;
    }

    /// A REF_DELTA entry on the base `base` (named by id, anywhere).
    pub fn ref_delta(&mut self, base: Hash, delta: &[u8]) {
        self.body.extend(pack_entry_header(OBJ_REF_DELTA, delta.len() as u64));
        self.body.extend_from_slice(&base.0);
        self.body.extend(zlib(delta));
        self.count += 1;
    }

    /// Entries so far.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The pack: `PACK`, version 2, the entry count, the entries, SHA-1.
    pub fn finish(&self) -> Vec<u8> {
        self.finish_with(2, self.count)
    }

    /// The pack with this version and count in its header (the trailer
    /// still the SHA-1 of what precedes it).
    pub fn finish_with(&self, version: u32, count: u32) -> Vec<u8> {
        let mut out = b"PACK".to_vec();
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&self.body);
        with_trailer(out)
    }
}

/// `bytes` followed by their SHA-1, as a pack ends.
pub fn with_trailer(mut bytes: Vec<u8>) -> Vec<u8> {
    let sum: [u8; 20] = Sha1::digest(&bytes).into();
    bytes.extend_from_slice(&sum);
    bytes
}

/// A commit of `tree` with `parents`, as git writes one.
pub fn commit_text(tree: Hash, parents: &[Hash], msg: &str) -> Vec<u8> {
    let mut t = format!("tree {tree}\n");
    for p in parents {
        t.push_str(&format!("parent {p}\n"));
    }
    t.push_str(&format!(
        "author Mallory <m@example.org> 1700000000 +0000\ncommitter Mallory <m@example.org> 1700000000 +0000\n\n{msg}\n"
    ));
    t.into_bytes()
}

/// A tree of one file entry `name` (mode 100644) for `blob`.
pub fn tree_text(name: &str, blob: Hash) -> Vec<u8> {
    let mut t = format!("100644 {name}\0").into_bytes();
    t.extend_from_slice(&blob.0);
    t
}

impl Env {
    /// Stores a format 2 refs trie of exactly these refs (any names, no
    /// check); returns its root.
    pub fn craft_refs_trie(&self, refs: &[(String, Hash)]) -> Cid {
        let mut blocks = Vec::new();
        let root = nip::records::write_refs(refs, &Default::default(), &HashSet::new(), &mut |b| {
            blocks.push(b);
            Ok(())
        })
        .expect("build refs trie");
        self.put_blocks(dedup(blocks));
        root
    }

    /// Stores one refs leaf holding `entries` in this order (no check).
    pub fn craft_refs_leaf(&self, entries: &[(String, Hash)]) -> Cid {
        let block = nip::format::encode_v2(KIND_REFS_LEAF, &entries).expect("encode refs leaf");
        let cid = block.cid;
        self.put_blocks(vec![block]);
        cid
    }

    /// Stores one refs node of these 16 (or any number of) slots.
    pub fn craft_refs_node(&self, slots: &[Option<Cid>]) -> Cid {
        let block = nip::format::encode_v2(KIND_REFS_NODE, &slots).expect("encode refs node");
        let cid = block.cid;
        self.put_blocks(vec![block]);
        cid
    }

    /// Stores a packs list of exactly these entries (at most 63: no chunk).
    pub fn craft_packs_list(&self, entries: &[PackEntry]) -> Cid {
        let block = nip::format::encode_v2(KIND_PACKS, &(Vec::<Cid>::new(), entries)).expect("encode packs list");
        let cid = block.cid;
        self.put_blocks(vec![block]);
        cid
    }

    /// Stores `pack` as a UnixFS file (as a push stores its pack) and
    /// returns its packs-list entry, claiming `objects` objects.
    pub fn craft_pack(&self, pack: &[u8], objects: u64) -> PackEntry {
        PackEntry { pack: self.craft_file(pack), tips: None, bytes: pack.len() as u64, tipset: None, objects }
    }

    /// Stores a format 2 index: `refs_root` as its refs trie, `packs` as its
    /// packs list, an empty object map unless `objects` is given (a fetch
    /// reads packs, not records), and `prev`. Returns the address.
    pub fn craft_index_v2(
        &self,
        refs_root: Cid,
        head: Option<String>,
        packs: Option<Cid>,
        objects: Option<Cid>,
        prev: Option<Cid>,
    ) -> Cid {
        let objects = objects.unwrap_or_else(|| {
            let empty = nip::records::OBJECTS.empty().expect("empty object map");
            let cid = empty.cid;
            self.put_blocks(vec![empty]);
            cid
        });
        let index = NipIndex {
            head,
            refs: Vec::new(),
            counts: Counts::default(),
            objects,
            prev,
            v2: Some(IndexLinks { refs: refs_root, packs }),
        };
        let block = index.to_block().expect("encode index");
        let cid = block.cid;
        self.put_blocks(vec![block]);
        cid
    }

    /// A format 2 address whose only pack is `pack` (its list entry claiming
    /// `objects` objects) and whose `main` is `main`.
    pub fn craft_v2_with_pack(&self, pack: &[u8], objects: u64, main: Hash) -> Cid {
        let entry = self.craft_pack(pack, objects);
        self.craft_v2_with_entries(&[entry], main)
    }

    /// A format 2 address with these packs-list entries and `main`.
    pub fn craft_v2_with_entries(&self, entries: &[PackEntry], main: Hash) -> Cid {
        let list = self.craft_packs_list(entries);
        let refs = self.craft_refs_trie(&[("refs/heads/main".to_string(), main)]);
        self.craft_index_v2(refs, Some("refs/heads/main".into()), Some(list), None, None)
    }
}
