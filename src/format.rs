//! The nip format: NIPObject, NIPIndex and the object map, in DAG-CBOR.
//!
//! Every block nip writes of its own is a DAG-CBOR array whose first three
//! items are the magic `"NIPNIP"`, the format version (an unsigned integer)
//! and the block's kind; the fourth is the body. A decoder checks magic and
//! version before it reads anything else, so a future format fails with a
//! clear error instead of a strange one. `docs/FORMAT.md` is the reference
//! for other implementations; this file is the code that it describes.
//!
//! | kind           | body |
//! |----------------|------|
//! | `index`        | map: `head`, `refs`, `counts`, `objects`, `previous` |
//! | `object`       | map: `oid`, `data`, `size`, `type`, and per type `tree`+`parents`, `entries` or `target` |
//! | `objects-leaf` | array of `[oid, link]`, sorted by oid |
//! | `objects-node` | array of 256 `link` or `null`, by the oid's next byte |
//!
//! Map keys are declared in DAG-CBOR's canonical order (shorter first, then
//! bytewise) so the encoding is the canonical one and equal content gives
//! equal CIDs everywhere. Git hashes are 20-byte CBOR byte strings; links
//! are CBOR tag 42 CIDs, so the whole repository is one IPLD DAG.

use crate::block::{Block, DAG_CBOR};
use cid::Cid;
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The magic every nip block starts with.
pub const MAGIC: &str = "NIPNIP";
/// The version this build writes.
pub const VERSION: u64 = 2;
/// Format 1: every object its own NIPObject block and UnixFS file (read
/// only: a push onto a format 1 address writes format 2).
pub const V1: u64 = 1;
/// Format 2: object bytes in git packs, NIPObjects as records in the map
/// (see [`crate::records`]).
pub const V2: u64 = 2;
/// The versions this build reads.
pub const READS: &[u64] = &[1, 2];

/// Block kinds.
pub const KIND_INDEX: &str = "index";
pub const KIND_OBJECT: &str = "object";
pub const KIND_LEAF: &str = "objects-leaf";
pub const KIND_NODE: &str = "objects-node";

/// What can be wrong with a block that should be a nip block.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("block {cid} is not a nip block ({why}); is this the address of a nip repository?")]
    NotNip { cid: Box<Cid>, why: String },
    #[error("block {cid} uses nip format version {version}; this build reads version{s} {reads}: upgrade nip",
        s = if READS.len() > 1 { "s" } else { "" },
        reads = READS.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))]
    Version { cid: Box<Cid>, version: u64 },
    #[error("block {cid} is a nip format {found} block where a format {expected} block was expected; the repository mixes formats and cannot be read")]
    WrongVersion { cid: Box<Cid>, found: u64, expected: u64 },
    #[error("block {cid} is a nip {found:?} block where a nip {expected} block was expected")]
    Kind { cid: Box<Cid>, expected: &'static str, found: String },
    #[error("block {cid} is a damaged nip {kind} block: {why}")]
    Malformed { cid: Box<Cid>, kind: &'static str, why: String },
    #[error("cannot encode a nip block: {0}")]
    Encode(String),
}

/// A git object id as it appears in the format: 20 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 20]);

impl Hash {
    pub fn oid(self) -> git2::Oid {
        // 20 bytes is always a valid SHA-1 oid.
        git2::Oid::from_bytes(&self.0).unwrap_or(git2::Oid::ZERO_SHA1)
    }
}

impl From<git2::Oid> for Hash {
    fn from(oid: git2::Oid) -> Hash {
        let mut h = [0u8; 20];
        h.copy_from_slice(&oid.as_bytes()[..20]);
        Hash(h)
    }
}

impl std::fmt::Display for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl Serialize for Hash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        let b = serde_bytes::ByteBuf::deserialize(d)?;
        let arr: [u8; 20] = b
            .as_slice()
            .try_into()
            .map_err(|_| serde::de::Error::custom(format!("a git hash of {} bytes (expected 20)", b.len())))?;
        Ok(Hash(arr))
    }
}

#[derive(Serialize)]
struct Out<'a, T>(&'static str, u64, &'static str, &'a T);

#[derive(Deserialize)]
#[allow(dead_code)] // magic and version are checked by `check_header`
struct In<T>(String, u64, String, T);

/// Encodes a body as a format 1 nip block of `kind`.
pub fn encode<T: Serialize>(kind: &'static str, body: &T) -> Result<Block, FormatError> {
    encode_v(V1, kind, body)
}

/// Encodes a body as a format 2 nip block of `kind`.
pub fn encode_v2<T: Serialize>(kind: &'static str, body: &T) -> Result<Block, FormatError> {
    encode_v(V2, kind, body)
}

fn encode_v<T: Serialize>(version: u64, kind: &'static str, body: &T) -> Result<Block, FormatError> {
    let bytes = serde_ipld_dagcbor::to_vec(&Out(MAGIC, version, kind, body)).map_err(|e| FormatError::Encode(e.to_string()))?;
    Ok(Block::new(DAG_CBOR, bytes))
}

/// The version of a nip block of `expected` kind, after [`check_header`].
pub fn header_version(cid: &Cid, bytes: &[u8], expected: &'static str) -> Result<u64, FormatError> {
    check_header(cid, bytes, expected)?;
    // The header passed: its second item is a small unsigned integer.
    #[derive(Deserialize)]
    struct Magic(#[allow(dead_code)] IgnoredAny, u64, #[allow(dead_code)] IgnoredAny, #[allow(dead_code)] IgnoredAny);
    match bytes.get(8) {
        Some(v) if *v < 24 => Ok(u64::from(*v)),
        _ => serde_ipld_dagcbor::from_slice::<Magic>(bytes).map(|m| m.1).map_err(|e| FormatError::Malformed {
            cid: Box::new(*cid),
            kind: expected,
            why: e.to_string(),
        }),
    }
}

/// Checks the header of a block: magic, then version, then kind.
pub fn check_header(cid: &Cid, bytes: &[u8], expected: &'static str) -> Result<(), FormatError> {
    if cid.codec() != DAG_CBOR {
        return Err(FormatError::NotNip { cid: Box::new(*cid), why: format!("its codec is 0x{:x}, not dag-cbor", cid.codec()) });
    }
    // The header as this version writes it, byte for byte (DAG-CBOR's
    // encoding is canonical): the common case, checked without parsing. The
    // decode that follows still reads the whole block.
    if kind_prefix_matches(bytes, expected) {
        return Ok(());
    }
    // Magic and version first, on their own, so that nothing about the rest
    // of a future format can make this check fail.
    #[derive(Deserialize)]
    struct Magic(String, u64, #[allow(dead_code)] IgnoredAny, #[allow(dead_code)] IgnoredAny);
    let not_nip = |why: String| FormatError::NotNip { cid: Box::new(*cid), why };
    match serde_ipld_dagcbor::from_slice::<Magic>(bytes) {
        Ok(Magic(m, v, ..)) => {
            if m != MAGIC {
                return Err(not_nip(format!("magic {m:?} instead of {MAGIC:?}")));
            }
            if !READS.contains(&v) {
                return Err(FormatError::Version { cid: Box::new(*cid), version: v });
            }
        }
        Err(e) if bytes.starts_with(b"\x84\x66NIPNIP") => {
            return Err(FormatError::Malformed {
                cid: Box::new(*cid),
                kind: expected,
                why: format!("truncated or invalid DAG-CBOR: {e}"),
            })
        }
        Err(e) => return Err(not_nip(format!("invalid DAG-CBOR or no NIPNIP header: {e}"))),
    }
    let In(_, _, kind, IgnoredAny) = serde_ipld_dagcbor::from_slice::<In<IgnoredAny>>(bytes)
        .map_err(|e| FormatError::Malformed { cid: Box::new(*cid), kind: expected, why: e.to_string() })?;
    if kind != expected {
        return Err(FormatError::Kind { cid: Box::new(*cid), expected, found: kind });
    }
    Ok(())
}

/// Whether `bytes` start with the canonical encoding of `["NIPNIP",
/// <a version this build reads>, kind, ...`: array of 4, text of 6, the version as one byte,
/// the kind as a short text.
fn kind_prefix_matches(bytes: &[u8], kind: &str) -> bool {
    const HEAD: &[u8] = b"\x84\x66NIPNIP";
    let Ok(len) = u8::try_from(kind.len()) else { return false };
    len < 24
        && bytes.len() > HEAD.len() + 2 + kind.len()
        && bytes.starts_with(HEAD)
        && READS.contains(&u64::from(bytes[HEAD.len()]))
        && bytes[HEAD.len() + 1] == 0x60 + len
        && &bytes[HEAD.len() + 2..HEAD.len() + 2 + kind.len()] == kind.as_bytes()
}

/// Decodes a format 1 block of `kind` after checking its header.
pub fn decode<T: for<'de> Deserialize<'de>>(cid: &Cid, bytes: &[u8], kind: &'static str) -> Result<T, FormatError> {
    decode_v(cid, bytes, kind, V1)
}

/// Decodes a format 2 block of `kind` after checking its header.
pub fn decode_v2<T: for<'de> Deserialize<'de>>(cid: &Cid, bytes: &[u8], kind: &'static str) -> Result<T, FormatError> {
    decode_v(cid, bytes, kind, V2)
}

fn decode_v<T: for<'de> Deserialize<'de>>(cid: &Cid, bytes: &[u8], kind: &'static str, version: u64) -> Result<T, FormatError> {
    let found = header_version(cid, bytes, kind)?;
    if found != version {
        return Err(FormatError::WrongVersion { cid: Box::new(*cid), found, expected: version });
    }
    let In(_, _, _, body) = serde_ipld_dagcbor::from_slice::<In<T>>(bytes).map_err(|e| FormatError::Malformed {
        cid: Box::new(*cid),
        kind,
        why: e.to_string(),
    })?;
    Ok(body)
}

/// The type of a git object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectType {
    Commit,
    Tree,
    Blob,
    Tag,
}

impl ObjectType {
    pub fn name(self) -> &'static str {
        match self {
            ObjectType::Commit => "commit",
            ObjectType::Tree => "tree",
            ObjectType::Blob => "blob",
            ObjectType::Tag => "tag",
        }
    }

    pub fn from_name(s: &str) -> Option<ObjectType> {
        Some(match s {
            "commit" => ObjectType::Commit,
            "tree" => ObjectType::Tree,
            "blob" => ObjectType::Blob,
            "tag" => ObjectType::Tag,
            _ => return None,
        })
    }

    pub fn from_git(t: git2::ObjectType) -> Option<ObjectType> {
        Some(match t {
            git2::ObjectType::Commit => ObjectType::Commit,
            git2::ObjectType::Tree => ObjectType::Tree,
            git2::ObjectType::Blob => ObjectType::Blob,
            git2::ObjectType::Tag => ObjectType::Tag,
            _ => return None,
        })
    }

    /// The type number in a git pack.
    pub fn pack_code(self) -> u8 {
        match self {
            ObjectType::Commit => 1,
            ObjectType::Tree => 2,
            ObjectType::Blob => 3,
            ObjectType::Tag => 4,
        }
    }
}

/// The mode git gives a submodule entry (a gitlink).
pub const MODE_GITLINK: u32 = 0o160000;
/// The mode of a subtree entry.
pub const MODE_TREE: u32 = 0o040000;

/// What a git object points to, by git hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Links {
    Commit {
        tree: Hash,
        parents: Vec<Hash>,
    },
    /// Every entry in tree order: `(mode, oid)`; gitlinks included.
    Tree {
        entries: Vec<(u32, Hash)>,
    },
    Blob,
    Tag {
        target: Hash,
    },
}

/// A NIPObject: one git object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NipObject {
    pub oid: Hash,
    /// Size of the object's content (without git's header).
    pub size: u64,
    /// Root of the content laid out as a UnixFS file.
    pub data: Cid,
    pub links: Links,
}

#[derive(Serialize, Deserialize)]
struct ObjectWire {
    oid: Hash,
    data: Cid,
    size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tree: Option<Hash>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<Hash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    entries: Option<Vec<(u32, Hash)>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parents: Option<Vec<Hash>>,
}

impl NipObject {
    pub fn kind(&self) -> ObjectType {
        match self.links {
            Links::Commit { .. } => ObjectType::Commit,
            Links::Tree { .. } => ObjectType::Tree,
            Links::Blob => ObjectType::Blob,
            Links::Tag { .. } => ObjectType::Tag,
        }
    }

    /// The git hashes this object needs, in the order a fetch follows them;
    /// gitlinks are left out (a submodule's commit lives elsewhere), and so
    /// is every entry whose mode git reads as one ([`crate::links::follows`]).
    pub fn children(&self) -> Vec<Hash> {
        match &self.links {
            Links::Commit { tree, parents } => std::iter::once(*tree).chain(parents.iter().copied()).collect(),
            Links::Tree { entries } => entries.iter().filter(|(m, _)| crate::links::follows(*m)).map(|(_, h)| *h).collect(),
            Links::Blob => Vec::new(),
            Links::Tag { target } => vec![*target],
        }
    }

    /// [`NipObject::children`] with the type git requires of each: a
    /// commit's tree is a tree and its parents commits; a tree entry is a
    /// tree or a blob by its mode; a tag's target is whatever the tag says
    /// in its content (`None` here).
    pub fn typed_children(&self) -> Vec<(Hash, Option<ObjectType>)> {
        match &self.links {
            Links::Commit { tree, parents } => std::iter::once((*tree, Some(ObjectType::Tree)))
                .chain(parents.iter().map(|p| (*p, Some(ObjectType::Commit))))
                .collect(),
            Links::Tree { entries } => entries
                .iter()
                .filter(|(m, _)| crate::links::follows(*m))
                .map(|(m, h)| (*h, Some(if crate::links::is_tree_mode(*m) { ObjectType::Tree } else { ObjectType::Blob })))
                .collect(),
            Links::Blob => Vec::new(),
            Links::Tag { target } => vec![(*target, None)],
        }
    }

    pub fn to_block(&self) -> Result<Block, FormatError> {
        let mut w = ObjectWire {
            oid: self.oid,
            data: self.data,
            size: self.size,
            tree: None,
            kind: self.kind().name().to_string(),
            target: None,
            entries: None,
            parents: None,
        };
        match &self.links {
            Links::Commit { tree, parents } => {
                w.tree = Some(*tree);
                w.parents = Some(parents.clone());
            }
            Links::Tree { entries } => w.entries = Some(entries.clone()),
            Links::Blob => {}
            Links::Tag { target } => w.target = Some(*target),
        }
        encode(KIND_OBJECT, &w)
    }

    pub fn from_block(cid: &Cid, bytes: &[u8]) -> Result<NipObject, FormatError> {
        let w: ObjectWire = decode(cid, bytes, KIND_OBJECT)?;
        let bad = |why: &str| FormatError::Malformed { cid: Box::new(*cid), kind: KIND_OBJECT, why: why.to_string() };
        let kind = ObjectType::from_name(&w.kind).ok_or_else(|| bad(&format!("unknown object type {:?}", w.kind)))?;
        let links = match kind {
            ObjectType::Commit => Links::Commit {
                tree: w.tree.ok_or_else(|| bad("commit without a tree"))?,
                parents: w.parents.ok_or_else(|| bad("commit without a parents list"))?,
            },
            ObjectType::Tree => Links::Tree { entries: w.entries.ok_or_else(|| bad("tree without entries"))? },
            ObjectType::Blob => Links::Blob,
            ObjectType::Tag => Links::Tag { target: w.target.ok_or_else(|| bad("tag without a target"))? },
        };
        Ok(NipObject { oid: w.oid, size: w.size, data: w.data, links })
    }
}

/// Object counts by type, kept in the index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub tag: u64,
    pub blob: u64,
    pub tree: u64,
    pub commit: u64,
}

impl Counts {
    pub fn add(&mut self, t: ObjectType) {
        match t {
            ObjectType::Commit => self.commit += 1,
            ObjectType::Tree => self.tree += 1,
            ObjectType::Blob => self.blob += 1,
            ObjectType::Tag => self.tag += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.tag + self.blob + self.tree + self.commit
    }
}

/// A NIPIndex: the refs of a repository and the map of its objects. Its CID
/// is the repository's address. The same type holds an index of either
/// format: `v2` is `Some` for format 2, whose refs live in their own trie
/// (read with [`crate::records::read_index`], which fills `refs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NipIndex {
    /// The ref HEAD points to (`refs/heads/main`), if any.
    pub head: Option<String>,
    /// Every ref and its object, sorted by name.
    pub refs: Vec<(String, Hash)>,
    /// How many objects of each type `objects` holds.
    pub counts: Counts,
    /// Root of the object map (git hash to NIPObject).
    pub objects: Cid,
    /// The index this one replaced. Encoded as `previous`, so that in the
    /// block the `objects` link comes before it: Kubo's `pin/update` pairs
    /// the changed links of two indexes in order, and this order makes it
    /// compare the two object maps (a walk of what the push changed) instead
    /// of walking the whole new map (see `store/kubo.rs`).
    pub prev: Option<Cid>,
    /// Format 2's own links; `None` for a format 1 index.
    pub v2: Option<IndexLinks>,
}

/// What a format 2 index links besides the object map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexLinks {
    /// Root of the refs trie.
    pub refs: Cid,
    /// The packs list; `None` while no push has stored an object.
    pub packs: Option<Cid>,
}

/// A format 1 index as encoded.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexV1 {
    head: Option<String>,
    refs: Vec<(String, Hash)>,
    counts: Counts,
    objects: Cid,
    previous: Option<Cid>,
}

/// A format 2 index as encoded: keys in canonical order, every link before
/// `previous` (see [`NipIndex::prev`]).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexV2 {
    head: Option<String>,
    refs: Cid,
    packs: Option<Cid>,
    counts: Counts,
    objects: Cid,
    previous: Option<Cid>,
}

impl NipIndex {
    pub fn version(&self) -> u64 {
        if self.v2.is_some() {
            V2
        } else {
            V1
        }
    }

    pub fn to_block(&self) -> Result<Block, FormatError> {
        match self.v2 {
            None => encode(
                KIND_INDEX,
                &IndexV1 {
                    head: self.head.clone(),
                    refs: self.refs.clone(),
                    counts: self.counts,
                    objects: self.objects,
                    previous: self.prev,
                },
            ),
            Some(links) => encode_v2(
                KIND_INDEX,
                &IndexV2 {
                    head: self.head.clone(),
                    refs: links.refs,
                    packs: links.packs,
                    counts: self.counts,
                    objects: self.objects,
                    previous: self.prev,
                },
            ),
        }
    }

    /// Decodes an index block of either format. A format 2 index comes
    /// back with `refs` empty: they are in the trie `v2.refs` links.
    pub fn from_block(cid: &Cid, bytes: &[u8]) -> Result<NipIndex, FormatError> {
        let index = match header_version(cid, bytes, KIND_INDEX)? {
            V1 => {
                let w: IndexV1 = decode(cid, bytes, KIND_INDEX)?;
                NipIndex { head: w.head, refs: w.refs, counts: w.counts, objects: w.objects, prev: w.previous, v2: None }
            }
            _ => {
                let w: IndexV2 = decode_v2(cid, bytes, KIND_INDEX)?;
                NipIndex {
                    head: w.head,
                    refs: Vec::new(),
                    counts: w.counts,
                    objects: w.objects,
                    prev: w.previous,
                    v2: Some(IndexLinks { refs: w.refs, packs: w.packs }),
                }
            }
        };
        let bad = |why: String| FormatError::Malformed { cid: Box::new(*cid), kind: KIND_INDEX, why };
        check_refs(&index.refs).map_err(bad)?;
        if let Some(head) = &index.head {
            crate::refname::check(head)
                .map_err(|why| bad(format!("head {} is not a valid git ref name: it {why}", crate::refname::shown(head))))?;
        }
        Ok(index)
    }

    pub fn get_ref(&self, name: &str) -> Option<Hash> {
        self.refs.binary_search_by(|(n, _)| n.as_str().cmp(name)).ok().map(|i| self.refs[i].1)
    }
}

/// Checks a list of refs as an index must hold them: sorted by name,
/// unique, every name one git accepts.
pub fn check_refs(refs: &[(String, Hash)]) -> Result<(), String> {
    if refs.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err("refs are not sorted and unique".into());
    }
    // Every name reaches git's protocol and the user's repository: one
    // git would not accept is refused before any of it is used.
    for (name, _) in refs {
        crate::refname::check(name)
            .map_err(|why| format!("ref {} is not a valid git ref name: it {why}", crate::refname::shown(name)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{cid_of, RAW};

    fn h(b: u8) -> Hash {
        Hash([b; 20])
    }

    fn objects() -> Vec<NipObject> {
        let data = cid_of(RAW, b"x");
        vec![
            NipObject { oid: h(1), size: 1, data, links: Links::Commit { tree: h(2), parents: vec![h(3), h(4)] } },
            NipObject { oid: h(1), size: 1, data, links: Links::Commit { tree: h(2), parents: vec![] } },
            NipObject {
                oid: h(2),
                size: 1,
                data,
                links: Links::Tree { entries: vec![(0o100644, h(5)), (MODE_TREE, h(6)), (MODE_GITLINK, h(7))] },
            },
            NipObject { oid: h(5), size: 1, data, links: Links::Blob },
            NipObject { oid: h(8), size: 1, data, links: Links::Tag { target: h(1) } },
        ]
    }

    #[test]
    fn every_object_kind_round_trips() {
        for o in objects() {
            let b = o.to_block().unwrap();
            let back = NipObject::from_block(&b.cid, &b.data).unwrap();
            assert_eq!(back, o);
            // Re-encoding gives the same bytes: the encoding is canonical.
            assert_eq!(back.to_block().unwrap(), b);
        }
    }

    #[test]
    fn gitlinks_are_not_followed() {
        let tree = &objects()[2];
        assert_eq!(tree.children(), vec![h(5), h(6)]);
    }

    #[test]
    fn block_starts_with_magic_and_version() {
        let b = objects()[3].to_block().unwrap();
        // array(4), text(6) "NIPNIP", unsigned 1
        assert_eq!(&b.data[..9], b"\x84\x66NIPNIP\x01");
        // Links are CBOR tag 42.
        assert!(b.data.windows(2).any(|w| w == [0xd8, 0x2a]));
    }

    #[test]
    fn canonical_key_order() {
        let b = objects()[0].to_block().unwrap();
        let pos = |k: &str| b.data.windows(k.len()).position(|w| w == k.as_bytes()).unwrap();
        assert!(pos("oid") < pos("data") && pos("data") < pos("size") && pos("size") < pos("tree"));
        assert!(pos("tree") < pos("type") && pos("type") < pos("parents"));
    }

    #[test]
    fn unknown_version_is_named() {
        let mut b = objects()[3].to_block().unwrap();
        b.data[8] = 0x18; // unsigned, one byte follows
        b.data.insert(9, 99);
        let cid = cid_of(DAG_CBOR, &b.data);
        let err = NipObject::from_block(&cid, &b.data).unwrap_err();
        assert!(matches!(err, FormatError::Version { version: 99, .. }), "{err}");
        assert!(err.to_string().contains("version 99") && err.to_string().contains("reads versions 1, 2"));
    }

    #[test]
    fn wrong_kind_and_foreign_blocks_are_refused() {
        let b = objects()[3].to_block().unwrap();
        assert!(matches!(NipIndex::from_block(&b.cid, &b.data), Err(FormatError::Kind { .. })));
        let foreign = crate::block::Block::new(DAG_CBOR, serde_ipld_dagcbor::to_vec(&("hello", 1)).unwrap());
        assert!(matches!(NipObject::from_block(&foreign.cid, &foreign.data), Err(FormatError::NotNip { .. })));
        let raw = cid_of(RAW, b"x");
        assert!(matches!(NipObject::from_block(&raw, b"x"), Err(FormatError::NotNip { .. })));
    }

    #[test]
    fn truncated_blocks_never_panic() {
        for o in objects() {
            let b = o.to_block().unwrap();
            for cut in 0..b.data.len() {
                assert!(NipObject::from_block(&b.cid, &b.data[..cut]).is_err());
            }
        }
    }

    #[test]
    fn index_round_trip() {
        let idx = NipIndex {
            head: Some("refs/heads/main".into()),
            prev: Some(cid_of(DAG_CBOR, b"prev")),
            refs: vec![("refs/heads/main".into(), h(1)), ("refs/tags/v1".into(), h(8))],
            counts: Counts { tag: 1, blob: 1, tree: 1, commit: 1 },
            objects: cid_of(DAG_CBOR, b"objects"),
            v2: None,
        };
        let b = idx.to_block().unwrap();
        assert_eq!(NipIndex::from_block(&b.cid, &b.data).unwrap(), idx);
        // The header check's fast path takes what this version writes.
        assert!(kind_prefix_matches(&b.data, KIND_INDEX));
        assert!(!kind_prefix_matches(&b.data, KIND_OBJECT));
        assert_eq!(idx.get_ref("refs/tags/v1"), Some(h(8)));
        assert_eq!(idx.get_ref("refs/tags/v2"), None);

        // The `objects` link is encoded before `previous` (Kubo's pin/update
        // pairs changed links in order; see the field's doc).
        let at = |c: Cid| b.data.windows(c.to_bytes().len()).position(|w| w == c.to_bytes().as_slice()).unwrap();
        assert!(at(idx.objects) < at(idx.prev.unwrap()));

        // The unreleased `prev` key is refused, not read as "no previous".
        #[derive(Serialize)]
        struct Old {
            head: Option<String>,
            prev: Option<Cid>,
            refs: Vec<(String, Hash)>,
            counts: Counts,
            objects: Cid,
        }
        let old =
            Old { head: idx.head.clone(), prev: idx.prev, refs: idx.refs.clone(), counts: idx.counts, objects: idx.objects };
        let old = encode(KIND_INDEX, &old).unwrap();
        let err = NipIndex::from_block(&old.cid, &old.data).unwrap_err().to_string();
        assert!(err.contains("unknown field `prev`"), "{err}");
    }
}
