//! Files as Kubo lays them out: the raw bytes of every git object.
//!
//! nip stores the content of a git object (without git's `type size\0`
//! header) exactly as `ipfs add --cid-version=1 --raw-leaves` stores a file
//! with Kubo's defaults: 256 KiB chunks as raw blocks, and above them a
//! balanced tree of dag-pb UnixFS `File` nodes with at most 174 links each.
//! A file of one chunk or less is the raw block itself; empty content is
//! the inline CID `bafkqaaa` (see [`FileBuilder::finish`]). So the CID of any
//! file in a repository is the CID `ipfs add` gives for it, gateways serve
//! it as a file, and equal files share blocks across repositories.
//!
//! The encoder ([`FileBuilder`]) takes chunks as they are read and keeps only
//! the CIDs of finished nodes; the decoder ([`read`]) streams a file back
//! chunk by chunk, fetching children in bounded batches, and
//! [`read_range`] reads one byte range, fetching only the blocks over it.

use crate::block::{Block, DAG_PB, RAW};
use crate::protobuf::{put_bytes_field, put_varint_field, ProtoError, Reader, Value};
use crate::store::{StoreError, Verified};
use cid::Cid;

/// Size of a chunk (Kubo's `size-262144`).
pub const CHUNK: usize = 256 * 1024;
/// Most links in one UnixFS node (Kubo's balanced layout).
pub const MAX_LINKS: usize = 174;
/// How many children are fetched in one request while reading.
const READ_WINDOW: usize = 32;

/// A child of a node being built: its CID, its cumulative block size
/// (`Tsize`) and the number of file bytes under it.
#[derive(Clone, Copy)]
struct Child {
    cid: Cid,
    tsize: u64,
    filesize: u64,
}

/// Builds a file's blocks from its chunks, in order.
///
/// Feed chunks of exactly [`CHUNK`] bytes (the last may be shorter) with
/// [`FileBuilder::chunk`]; each returns the raw leaf to store. [`FileBuilder::finish`]
/// returns the dag-pb nodes above the leaves and the root CID.
#[derive(Default)]
pub struct FileBuilder {
    leaves: Vec<Child>,
}

impl FileBuilder {
    pub fn new() -> FileBuilder {
        FileBuilder::default()
    }

    /// Adds the next chunk and returns its raw block.
    pub fn chunk(&mut self, data: Vec<u8>) -> Block {
        let len = data.len() as u64;
        let block = Block::new(RAW, data);
        self.leaves.push(Child { cid: block.cid, tsize: len, filesize: len });
        block
    }

    /// Adds a leaf already stored: `len` bytes in the raw block `cid`.
    /// (A file of one chunk repeated costs one hash, not one per chunk.)
    pub fn leaf(&mut self, cid: Cid, len: u64) {
        self.leaves.push(Child { cid, tsize: len, filesize: len });
    }

    /// Finishes the file: the internal nodes still to store (bottom-up) and
    /// the root. Empty content is the inline CID [`crate::block::empty_cid`]
    /// and needs no block (the one place nip differs from `ipfs add`, whose
    /// empty raw block Kubo's bitswap cannot transfer).
    pub fn finish(self) -> (Vec<Block>, Cid) {
        if self.leaves.is_empty() {
            return (Vec::new(), crate::block::empty_cid());
        }
        let mut nodes = Vec::new();
        let mut level = self.leaves;
        while level.len() > 1 {
            let mut up = Vec::with_capacity(level.len().div_ceil(MAX_LINKS));
            for group in level.chunks(MAX_LINKS) {
                let data = encode_file_node(group);
                let tsize = data.len() as u64 + group.iter().map(|c| c.tsize).sum::<u64>();
                let filesize = group.iter().map(|c| c.filesize).sum();
                let block = Block::new(DAG_PB, data);
                up.push(Child { cid: block.cid, tsize, filesize });
                nodes.push(block);
            }
            level = up;
        }
        (nodes, level[0].cid)
    }
}

/// Encodes a whole in-memory buffer; returns every block to store (leaves
/// first) and the root.
pub fn encode(data: &[u8]) -> (Vec<Block>, Cid) {
    let mut builder = FileBuilder::new();
    let mut blocks: Vec<Block> = data.chunks(CHUNK).map(|c| builder.chunk(c.to_vec())).collect();
    let (nodes, root) = builder.finish();
    blocks.extend(nodes);
    (blocks, root)
}

/// A dag-pb PBNode whose Data is a UnixFS `File` over `children`, byte for
/// byte as Kubo writes it: links first (Hash, empty Name, Tsize), then Data.
fn encode_file_node(children: &[Child]) -> Vec<u8> {
    let mut unixfs = Vec::with_capacity(children.len() * 4 + 8);
    put_varint_field(&mut unixfs, 1, 2); // Type = File
    put_varint_field(&mut unixfs, 3, children.iter().map(|c| c.filesize).sum());
    for c in children {
        put_varint_field(&mut unixfs, 4, c.filesize);
    }
    let mut out = Vec::with_capacity(children.len() * 48 + unixfs.len() + 4);
    for c in children {
        let mut link = Vec::with_capacity(48);
        put_bytes_field(&mut link, 1, &c.cid.to_bytes());
        put_bytes_field(&mut link, 2, b"");
        put_varint_field(&mut link, 3, c.tsize);
        put_bytes_field(&mut out, 2, &link);
    }
    put_bytes_field(&mut out, 1, &unixfs);
    out
}

/// One entry of a UnixFS directory: its name, the root of what it names
/// and that root's `Tsize` (the bytes of every block under it, counted
/// once per link, as Kubo counts them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub cid: Cid,
    pub tsize: u64,
}

/// The dag-pb block of a basic (unsharded) UnixFS directory over
/// `entries`, byte for byte as Kubo writes it: links sorted by the bytes of
/// their names (dag-pb and UnixFS require it), each Hash, Name, Tsize in
/// that order, then Data, a UnixFS `Directory` with no other field. A name
/// that is empty, `.`, `..`, holds `/` or a NUL, or appears twice is
/// refused, as is a node over [`crate::block::MAX_BLOCK`] (Kubo would
/// shard such a directory; nip never needs one that large).
pub fn encode_directory(mut entries: Vec<DirEntry>) -> Result<Block, UnixfsError> {
    entries.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    for (i, e) in entries.iter().enumerate() {
        let bad = matches!(e.name.as_str(), "" | "." | "..") || e.name.contains(['/', '\0']);
        if bad || (i > 0 && entries[i - 1].name == e.name) {
            return Err(UnixfsError::Name { name: e.name.clone() });
        }
    }
    let mut out = Vec::new();
    for e in &entries {
        let mut link = Vec::with_capacity(48 + e.name.len());
        put_bytes_field(&mut link, 1, &e.cid.to_bytes());
        put_bytes_field(&mut link, 2, e.name.as_bytes());
        put_varint_field(&mut link, 3, e.tsize);
        put_bytes_field(&mut out, 2, &link);
    }
    let mut unixfs = Vec::new();
    put_varint_field(&mut unixfs, 1, 1); // Type = Directory
    put_bytes_field(&mut out, 1, &unixfs);
    if out.len() > crate::block::MAX_BLOCK {
        return Err(UnixfsError::DirectoryTooLarge { entries: entries.len(), bytes: out.len() });
    }
    Ok(Block::new(DAG_PB, out))
}

/// A flat directory of files, as `ipfs add -r --cid-version=1` (raw
/// leaves, 256 KiB chunks, balanced layout: Kubo's defaults) lays it out:
/// every block to store (each file's, then the directory node) and the
/// directory's CID. An empty file is the empty raw block here, as Kubo
/// stores it (not the inline CID of [`encode`]), so that the CID is Kubo's.
pub fn encode_flat_directory(files: &[(&str, &[u8])]) -> Result<(Vec<Block>, Cid), UnixfsError> {
    let mut blocks = Vec::new();
    let mut entries = Vec::with_capacity(files.len());
    for (name, data) in files {
        let (file_blocks, cid) = match data.is_empty() {
            true => {
                let b = Block::new(RAW, Vec::new());
                (vec![b.clone()], b.cid)
            }
            false => encode(data),
        };
        // Each block of a balanced file is linked once (equal chunks are
        // listed once per link), so the sum is the root's Tsize.
        let tsize = file_blocks.iter().map(|b| b.data.len() as u64).sum();
        blocks.extend(file_blocks);
        entries.push(DirEntry { name: name.to_string(), cid, tsize });
    }
    let dir = encode_directory(entries)?;
    let root = dir.cid;
    blocks.push(dir);
    Ok((blocks, root))
}

/// What can go wrong reading a file back.
#[derive(Debug, thiserror::Error)]
pub enum UnixfsError {
    #[error("block {cid} is not a valid UnixFS node: {why}")]
    Malformed { cid: Box<Cid>, why: &'static str },
    /// The protobuf itself is damaged: `what` says where.
    #[error("block {cid} is not a valid UnixFS node: {what}: {why}")]
    Protobuf { cid: Box<Cid>, what: &'static str, why: Box<ProtoError> },
    #[error("block {cid} of the file does not add up: {why}")]
    Sizes { cid: Box<Cid>, why: String },
    #[error("block {cid} has codec 0x{codec:x}; file data must be raw (0x55) or dag-pb (0x70)")]
    Codec { cid: Box<Cid>, codec: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing file data: {0}")]
    Sink(#[from] std::io::Error),
    #[error(
        "{name:?} cannot be a name in a UnixFS directory: names are not empty, not . or .., hold no / nor NUL, and are unique"
    )]
    Name { name: String },
    #[error("a directory of {entries} entries is a {bytes}-byte node, over the 1 MiB of a block; it would need sharding")]
    DirectoryTooLarge { entries: usize, bytes: usize },
    #[error("cannot read {len} bytes at offset {offset} of file {cid}: it has {size} bytes")]
    Range { cid: Box<Cid>, offset: u64, len: u64, size: u64 },
}

/// A decoded dag-pb UnixFS node: its children, any inline data, and the
/// sizes it declares (the file bytes under it, and under each child).
#[derive(Debug, Default)]
pub struct Node {
    pub links: Vec<Cid>,
    pub data: Vec<u8>,
    pub filesize: Option<u64>,
    pub blocksizes: Vec<u64>,
}

/// Decodes a dag-pb block into its links and its UnixFS inline data (the
/// wire format is read by `crate::protobuf`: a field of the wrong wire
/// type, a cut one or a bad varint is an error).
pub fn decode_node(cid: &Cid, bytes: &[u8]) -> Result<Node, UnixfsError> {
    let bad = |why| UnixfsError::Malformed { cid: Box::new(*cid), why };
    let pb = |what| move |why| UnixfsError::Protobuf { cid: Box::new(*cid), what, why: Box::new(why) };
    let mut node = Node::default();
    let mut p = Reader::new(bytes);
    while let Some(f) = p.next_field().map_err(pb("the node"))? {
        match f.number {
            2 => {
                let mut l = Reader::new(f.bytes().map_err(pb("a link"))?);
                let mut hash = None;
                while let Some(lf) = l.next_field().map_err(pb("a link"))? {
                    if lf.number == 1 {
                        let b = lf.bytes().map_err(pb("a link"))?;
                        hash = Some(Cid::try_from(b).map_err(|_| bad("link with an invalid CID"))?);
                    }
                }
                node.links.push(hash.ok_or_else(|| bad("link without a hash"))?);
            }
            1 => {
                let mut u = Reader::new(f.bytes().map_err(pb("its UnixFS data"))?);
                while let Some(uf) = u.next_field().map_err(pb("its UnixFS data"))? {
                    match (uf.number, uf.value) {
                        (2, _) => node.data = uf.bytes().map_err(pb("its UnixFS data"))?.to_vec(),
                        (3, _) => node.filesize = Some(uf.varint().map_err(pb("its UnixFS data"))?),
                        // Unpacked as Kubo writes them; packed if a writer packed them.
                        (4, Value::Bytes(packed)) => {
                            let mut packed = Reader::new(packed);
                            while !packed.is_empty() {
                                node.blocksizes.push(packed.varint().map_err(pb("its blocksizes"))?);
                            }
                        }
                        (4, _) => node.blocksizes.push(uf.varint().map_err(pb("its UnixFS data"))?),
                        _ => {}
                    }
                }
            }
            _ => return Err(bad("unknown field")),
        }
    }
    Ok(node)
}

/// Deepest tree a file can need: 174^8 chunks of 256 KiB is far beyond
/// any git object.
const MAX_DEPTH: usize = 8;

/// Streams the file rooted at `root`, of `size` bytes, into `sink`,
/// verifying every block. `root_bytes` may carry the root block if the
/// caller already fetched it. A hostile tree cannot make this loop or
/// recurse without end: depth is bounded, and so is the number of nodes
/// (a file of `size` bytes has at most `2 × chunks + depth` of them).
///
/// The sizes a node declares are checked before its children are read:
/// its `filesize` must be what its parent (for the root: `size`) says is
/// under it, its `blocksizes` must add up to it with its inline data, and
/// a raw leaf must have the length its parent declares. So a tree whose
/// sizes disagree with the claimed size fails at its first block, not
/// after the whole claimed size was read.
pub fn read(
    blocks: &Verified<'_>,
    root: &Cid,
    root_bytes: Option<Vec<u8>>,
    size: u64,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), UnixfsError> {
    let bytes = match root_bytes {
        Some(b) => b,
        None => blocks.get(root)?,
    };
    let mut budget = 2 * size.div_ceil(CHUNK as u64) + MAX_DEPTH as u64 + 1;
    read_block(blocks, root, bytes, Some(size), 0, &mut budget, sink)
}

/// The file bytes under each child of `node` (its `blocksizes`), checked
/// against what the node itself declares or was expected to hold.
fn child_sizes(cid: &Cid, node: &Node, expected: Option<u64>) -> Result<Option<Vec<u64>>, UnixfsError> {
    let sizes = |why: String| UnixfsError::Sizes { cid: Box::new(*cid), why };
    if let (Some(e), Some(f)) = (expected, node.filesize) {
        if e != f {
            return Err(sizes(format!("it declares {f} bytes of file where {e} were expected")));
        }
    }
    let own = node.filesize.or(expected);
    if node.blocksizes.is_empty() {
        return match (own, node.links.is_empty()) {
            (Some(n), true) if n != node.data.len() as u64 => {
                Err(sizes(format!("it holds {} bytes and no children, where {n} were expected", node.data.len())))
            }
            // Children whose sizes nobody declared could hold anything:
            // every node Kubo (and nip) writes declares them.
            (_, false) => Err(sizes(format!("it has {} children but declares none of their sizes", node.links.len()))),
            _ => Ok(None),
        };
    }
    if node.blocksizes.len() != node.links.len() {
        return Err(sizes(format!("it has {} children but declares {} sizes", node.links.len(), node.blocksizes.len())));
    }
    let sum = node.blocksizes.iter().try_fold(node.data.len() as u64, |a, b| a.checked_add(*b));
    match (sum, own) {
        (None, _) => Err(sizes("its children's sizes overflow".into())),
        (Some(s), Some(n)) if s != n => Err(sizes(format!("its children and data add up to {s} bytes, where {n} were expected"))),
        _ => Ok(Some(node.blocksizes.clone())),
    }
}

fn read_block(
    blocks: &Verified<'_>,
    cid: &Cid,
    bytes: Vec<u8>,
    expected: Option<u64>,
    depth: usize,
    budget: &mut u64,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), UnixfsError> {
    if depth > MAX_DEPTH {
        return Err(UnixfsError::Malformed { cid: Box::new(*cid), why: "file tree deeper than any real file" });
    }
    *budget = budget
        .checked_sub(1)
        .ok_or(UnixfsError::Malformed { cid: Box::new(*cid), why: "file tree has more nodes than its size allows" })?;
    match cid.codec() {
        RAW => {
            if let Some(n) = expected.filter(|n| *n != bytes.len() as u64) {
                return Err(UnixfsError::Sizes {
                    cid: Box::new(*cid),
                    why: format!("it holds {} bytes where {n} were expected", bytes.len()),
                });
            }
            Ok(sink(&bytes)?)
        }
        DAG_PB => {
            let node = decode_node(cid, &bytes)?;
            drop(bytes);
            let sizes = child_sizes(cid, &node, expected)?;
            sink(&node.data)?;
            if (node.links.len() as u64) > *budget {
                return Err(UnixfsError::Malformed { cid: Box::new(*cid), why: "file tree has more nodes than its size allows" });
            }
            for (w, window) in node.links.chunks(READ_WINDOW).enumerate() {
                let children = blocks.get_many(window)?;
                for (i, (child, data)) in window.iter().zip(children).enumerate() {
                    let size = sizes.as_ref().and_then(|s| s.get(w * READ_WINDOW + i).copied());
                    read_block(blocks, child, data, size, depth + 1, budget, sink)?;
                }
            }
            Ok(())
        }
        codec => Err(UnixfsError::Codec { cid: Box::new(*cid), codec }),
    }
}

/// Streams bytes `[offset, offset + len)` of the file rooted at `root`, of
/// `size` bytes, into `sink`, fetching only the blocks over that range: from
/// each node, the children whose `blocksizes` overlap it (in batches of at
/// most 32). Every node touched gets the checks [`read`] makes: its declared
/// sizes against what its parent (for the root: `size`) says is under it,
/// before any child is fetched, and a raw leaf's length against its parent's
/// `blocksizes` entry. A range past `size` is an error before any fetch; an
/// empty range fetches nothing.
///
/// Depth is bounded as in [`read`], and so is the number of blocks fetched:
/// a range of `len` bytes in a file of [`CHUNK`]-byte leaves touches at most
/// `len / CHUNK + 2` leaves and a few nodes per level above them; a tree
/// that needs more (smaller leaves than nip and `ipfs add` write, or a
/// hostile one) is refused when it passes that budget.
pub fn read_range(
    blocks: &Verified<'_>,
    root: &Cid,
    size: u64,
    offset: u64,
    len: u64,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), UnixfsError> {
    let end =
        offset.checked_add(len).filter(|e| *e <= size).ok_or(UnixfsError::Range { cid: Box::new(*root), offset, len, size })?;
    if len == 0 {
        return Ok(());
    }
    let bytes = blocks.get(root)?;
    let mut budget = 2 * (len.div_ceil(CHUNK as u64) + 2) + 2 * MAX_DEPTH as u64;
    range_block(blocks, root, bytes, size, (offset, end), 0, &mut budget, sink)
}

/// Emits `range` (relative to this block, within `expected`, which is what
/// its parent declares under it) of the block `cid`.
#[allow(clippy::too_many_arguments)]
fn range_block(
    blocks: &Verified<'_>,
    cid: &Cid,
    bytes: Vec<u8>,
    expected: u64,
    (lo, hi): (u64, u64),
    depth: usize,
    budget: &mut u64,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), UnixfsError> {
    let too_many = UnixfsError::Malformed { cid: Box::new(*cid), why: "file tree has more nodes than its size allows" };
    if depth > MAX_DEPTH {
        return Err(UnixfsError::Malformed { cid: Box::new(*cid), why: "file tree deeper than any real file" });
    }
    *budget = budget.checked_sub(1).ok_or(too_many)?;
    match cid.codec() {
        RAW => {
            if expected != bytes.len() as u64 {
                return Err(UnixfsError::Sizes {
                    cid: Box::new(*cid),
                    why: format!("it holds {} bytes where {expected} were expected", bytes.len()),
                });
            }
            // lo < hi <= expected == bytes.len(), as the caller chose them.
            Ok(sink(&bytes[lo as usize..hi as usize])?)
        }
        DAG_PB => {
            let node = decode_node(cid, &bytes)?;
            drop(bytes);
            let sizes = child_sizes(cid, &node, Some(expected))?;
            // Inline data is the first data.len() bytes under the node.
            let inline = node.data.len() as u64;
            if lo < inline {
                sink(&node.data[lo as usize..hi.min(inline) as usize])?;
            }
            let Some(sizes) = sizes else { return Ok(()) };
            // (child, its first byte under this node, its size): only the
            // children that overlap the range. child_sizes checked that the
            // sizes add up to `expected` without overflow.
            let mut wanted = Vec::new();
            let mut start = inline;
            for (i, s) in sizes.iter().enumerate() {
                if start >= hi {
                    break;
                }
                if *s > 0 && start + s > lo {
                    wanted.push((node.links[i], start, *s));
                }
                start += s;
            }
            if wanted.len() as u64 > *budget {
                return Err(UnixfsError::Malformed { cid: Box::new(*cid), why: "file tree has more nodes than its size allows" });
            }
            for window in wanted.chunks(READ_WINDOW) {
                let cids: Vec<Cid> = window.iter().map(|w| w.0).collect();
                for ((child, start, s), data) in window.iter().zip(blocks.get_many(&cids)?) {
                    let range = (lo.max(*start) - start, hi.min(start + s) - start);
                    range_block(blocks, child, data, *s, range, depth + 1, budget, sink)?;
                }
            }
            Ok(())
        }
        codec => Err(UnixfsError::Codec { cid: Box::new(*cid), codec }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test pattern used for the Kubo vectors below.
    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i % 251) as u8).collect()
    }

    /// `ipfs add -r -Q --cid-version=1 --only-hash` (Kubo 0.39) of a
    /// directory holding `b.txt` (`pattern(10)`), `a` (`pattern(CHUNK + 1)`:
    /// a dag-pb file node), `empty` and `Z` (`pattern(3)`: sorted before
    /// the lower-case names, by bytes).
    #[test]
    fn directory_cid_matches_kubo() {
        let (a, b, z) = (pattern(CHUNK + 1), pattern(10), pattern(3));
        let files: [(&str, &[u8]); 4] = [("b.txt", &b), ("a", &a), ("empty", b""), ("Z", &z)];
        let (blocks, root) = encode_flat_directory(&files).unwrap();
        assert_eq!(root.to_string(), "bafybeibkp57wjm4w5kyycmxijbz4m5d3omzzjps64i6jakwbeq4qvvw274");
        assert_eq!(blocks.last().unwrap().cid, root);
        // Read back: the directory's links, in order, and each file.
        let node = decode_node(&root, &blocks.last().unwrap().data).unwrap();
        assert_eq!(node.links.len(), 4);
        for bad in ["", ".", "..", "a/b", "nul\0"] {
            let e = DirEntry { name: bad.into(), cid: root, tsize: 1 };
            assert!(matches!(encode_directory(vec![e]), Err(UnixfsError::Name { .. })), "{bad:?}");
        }
        let e = DirEntry { name: "x".into(), cid: root, tsize: 1 };
        assert!(matches!(encode_directory(vec![e.clone(), e]), Err(UnixfsError::Name { .. })));
    }

    /// Each CID is `ipfs add -n --cid-version=1 --raw-leaves` (Kubo 0.39)
    /// of `pattern(n)`.
    #[test]
    fn cids_match_kubo() {
        let cases = [
            // Except empty content: inline, where Kubo gives bafkreihdwdcef…
            (0, "bafkqaaa"),
            (CHUNK, "bafkreibruh455iawsviqslif5c7uurdcfdemh22mtnytyzvnzn75kpejxy"),
            (CHUNK + 1, "bafybeiexg2oqkfnj56l7fcmawswqbijt5shq4b5rg6a546uwpkqqzwjioi"),
            (3 << 20, "bafybeidci4gr2nydwtknrbh5u4piscvvpwbwzy6cog5ihoupkl4bsbbcni"),
            // 175 leaves: two levels of nodes above the leaves.
            (175 * CHUNK + 5, "bafybeig3ditv32awk5ax5w3lwugydoz5vhxs6vsycpmyv4qdosmpgv47da"),
        ];
        for (n, want) in cases {
            let (blocks, root) = encode(&pattern(n));
            assert_eq!(root.to_string(), want, "file of {n} bytes");
            assert!(blocks.iter().all(|b| b.data.len() <= crate::block::MAX_BLOCK));
        }
    }

    #[test]
    fn node_round_trip() {
        let (blocks, root) = encode(&pattern(CHUNK * 3));
        let top = blocks.iter().find(|b| b.cid == root).unwrap();
        let node = decode_node(&root, &top.data).unwrap();
        assert_eq!(node.links.len(), 3);
        assert_eq!(node.links[0], blocks[0].cid);
    }

    #[test]
    fn hostile_trees_end_with_an_error() {
        use crate::store::{local::LocalStore, BlockStore};
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        // A diamond of empty nodes, each linking the one below 174 times.
        let mut blocks = Vec::new();
        let mut below = Block::new(DAG_PB, encode_file_node(&[]));
        blocks.push(below.clone());
        for _ in 0..8 {
            let child = Child { cid: below.cid, tsize: 0, filesize: 0 };
            below = Block::new(DAG_PB, encode_file_node(&vec![child; MAX_LINKS]));
            blocks.push(below.clone());
        }
        // A chain 100 deep.
        let mut chain = Block::new(RAW, b"x".to_vec());
        blocks.push(chain.clone());
        for _ in 0..100 {
            chain = Block::new(DAG_PB, encode_file_node(&[Child { cid: chain.cid, tsize: 1, filesize: 1 }]));
            blocks.push(chain.clone());
        }
        let mut w = store.writer().unwrap();
        for b in blocks {
            w.put(b).unwrap();
        }
        w.finish(&below.cid, None).unwrap();
        let v = Verified::new(&store);
        let mut n = 0u64;
        let mut sink = |b: &[u8]| {
            n += b.len() as u64;
            Ok(())
        };
        assert!(read(&v, &below.cid, None, 1 << 20, &mut sink).is_err());
        // Its sizes agree (all zero): the node budget stops it.
        let err = read(&v, &below.cid, None, 0, &mut sink).unwrap_err();
        assert!(err.to_string().contains("more nodes than its size allows"), "{err}");
        assert!(read(&v, &chain.cid, None, 1, &mut sink).is_err());
    }

    /// A tree whose declared sizes disagree with the size asked for, or
    /// with themselves, fails at its first node, before any content.
    #[test]
    fn declared_sizes_are_checked_first() {
        use crate::store::{local::LocalStore, BlockStore};
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let data = pattern(CHUNK * 3 + 10);
        let (mut blocks, root) = encode(&data);
        // A node that says its two 5-byte leaves hold 6 bytes each.
        let leaf = Block::new(RAW, b"12345".to_vec());
        let liar = Block::new(DAG_PB, encode_file_node(&[Child { cid: leaf.cid, tsize: 5, filesize: 6 }; 2]));
        blocks.extend([leaf, liar.clone()]);
        let mut w = store.writer().unwrap();
        for b in blocks {
            w.put(b).unwrap();
        }
        w.finish(&root, None).unwrap();
        let v = Verified::new(&store);
        let read_all = |root: &Cid, size: u64| {
            let mut got = Vec::new();
            let r = read(&v, root, None, size, &mut |b: &[u8]| {
                got.extend_from_slice(b);
                Ok(())
            });
            (r, got)
        };
        let (r, got) = read_all(&root, data.len() as u64);
        assert!(r.is_ok() && got == data);
        for claim in [data.len() as u64 - 1, data.len() as u64 + 1, 4 << 30] {
            let (r, got) = read_all(&root, claim);
            let err = r.unwrap_err();
            assert!(matches!(&err, UnixfsError::Sizes { cid, .. } if **cid == root), "{err}");
            assert!(got.is_empty(), "read {} bytes before failing", got.len());
        }
        let (r, got) = read_all(&liar.cid, 12);
        assert!(matches!(r, Err(UnixfsError::Sizes { .. })), "{r:?}");
        assert!(got.is_empty());
    }

    /// A node that links children without declaring their sizes is refused
    /// before any child is read.
    #[test]
    fn children_without_sizes_are_refused() {
        use crate::store::{local::LocalStore, BlockStore};
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let leaf = Block::new(RAW, vec![7; 100]);
        let mut link = Vec::new();
        put_bytes_field(&mut link, 1, &leaf.cid.to_bytes());
        let mut node = Vec::new();
        put_bytes_field(&mut node, 2, &link);
        put_bytes_field(&mut node, 1, &[0x08, 0x02]); // UnixFS File, no filesize, no blocksizes
        let node = Block::new(DAG_PB, node);
        let mut w = store.writer().unwrap();
        w.put(leaf).unwrap();
        w.put(node.clone()).unwrap();
        w.finish(&node.cid, None).unwrap();
        let mut read_bytes = 0;
        let err = read(&Verified::new(&store), &node.cid, None, 100, &mut |b| {
            read_bytes += b.len();
            Ok(())
        })
        .unwrap_err();
        assert!(err.to_string().contains("declares none of their sizes"), "{err}");
        assert_eq!(read_bytes, 0);
    }

    #[test]
    fn truncated_node_is_an_error() {
        let (blocks, root) = encode(&pattern(CHUNK * 2));
        let top = blocks.iter().find(|b| b.cid == root).unwrap();
        for cut in 1..top.data.len() {
            // Must never panic; most cuts are errors.
            let _ = decode_node(&root, &top.data[..cut]);
        }
        assert!(decode_node(&root, &top.data[..top.data.len() - 3]).is_err());
    }

    /// A damaged protobuf is an error that says where: a varint beyond 64
    /// bits, a field of the wrong wire type, a field longer than the node.
    #[test]
    fn protobuf_errors_say_where() {
        let cid = Block::new(DAG_PB, vec![]).cid;
        let mut data = Vec::new();
        put_varint_field(&mut data, 1, 2);
        data.extend_from_slice(&[0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        let mut node = Vec::new();
        put_bytes_field(&mut node, 1, &data);
        let err = decode_node(&cid, &node).unwrap_err();
        assert!(
            matches!(&err, UnixfsError::Protobuf { what: "its UnixFS data", why, .. } if **why == ProtoError::OverlongVarint),
            "{err}"
        );
        assert!(err.to_string().contains("beyond 64 bits"), "{err}");
        let mut node = Vec::new();
        put_bytes_field(&mut node, 1, &[0x08, 0x02, 0x10, 0x05]);
        let err = decode_node(&cid, &node).unwrap_err();
        assert!(
            matches!(&err, UnixfsError::Protobuf { why, .. } if **why == ProtoError::WrongWireType { field: 2, wire: 0, want: 2 }),
            "{err}"
        );
        let err = decode_node(&cid, &[0x12, 0x30, 0x0a]).unwrap_err();
        assert!(
            matches!(&err, UnixfsError::Protobuf { what: "the node", why, .. } if matches!(**why, ProtoError::Truncated { .. })),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            format!("block {cid} is not a valid UnixFS node: the node: field 2 declares 48 bytes where 1 are left")
        );
    }

    /// A store that records the CIDs asked of it.
    struct Counting {
        inner: crate::store::local::LocalStore,
        asked: std::sync::Mutex<Vec<Cid>>,
    }

    impl crate::store::BlockStore for Counting {
        fn describe(&self) -> String {
            self.inner.describe()
        }
        fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError> {
            self.asked.lock().unwrap().extend_from_slice(cids);
            self.inner.get_many(cids)
        }
        fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, StoreError> {
            self.inner.has_many(cids)
        }
        fn writer(&self) -> Result<Box<dyn crate::store::BlockWriter + '_>, StoreError> {
            self.inner.writer()
        }
    }

    fn counting_store(dir: &std::path::Path, blocks: Vec<Block>, root: &Cid) -> Counting {
        use crate::store::BlockStore;
        let inner = crate::store::local::LocalStore::open(dir).unwrap();
        let mut w = inner.writer().unwrap();
        for b in blocks {
            w.put(b).unwrap();
        }
        w.finish(root, None).unwrap();
        Counting { inner, asked: Default::default() }
    }

    fn range_of(v: &Verified<'_>, root: &Cid, size: u64, offset: u64, len: u64) -> (Result<(), UnixfsError>, Vec<u8>) {
        let mut got = Vec::new();
        let r = read_range(v, root, size, offset, len, &mut |b: &[u8]| {
            got.extend_from_slice(b);
            Ok(())
        });
        (r, got)
    }

    /// A file of 400 small leaves (two levels of nodes: 174 + 174 + 52
    /// leaves under three nodes under the root): every range reads back
    /// exactly, fetching the root, the nodes over it and exactly the leaves
    /// it overlaps.
    #[test]
    fn read_range_fetches_only_the_leaves_over_the_range() {
        let lens: Vec<usize> = (0..400).map(|i| 90 + i % 23).collect();
        let data = pattern(lens.iter().sum());
        let mut builder = FileBuilder::new();
        let mut blocks = Vec::new();
        let mut bounds = vec![0u64];
        let mut at = 0;
        for n in &lens {
            blocks.push(builder.chunk(data[at..at + n].to_vec()));
            at += n;
            bounds.push(at as u64);
        }
        let leaves: Vec<Cid> = blocks.iter().map(|b| b.cid).collect();
        let (nodes, root) = builder.finish();
        assert_eq!(nodes.len(), 4, "three nodes over the leaves and a root");
        blocks.extend(nodes);
        let dir = tempfile::tempdir().unwrap();
        let store = counting_store(dir.path(), blocks, &root);
        let v = Verified::new(&store);
        let size = data.len() as u64;
        let first_of_second_node = bounds[MAX_LINKS];
        let mut cases = vec![
            (0, 1),
            (0, 90),
            (0, 91),
            (5, 700),
            (first_of_second_node - 1, 2),
            (first_of_second_node - 300, 600),
            (first_of_second_node, 1),
            (size - 1, 1),
            (size - 1000, 1000),
            (bounds[200], bounds[201] - bounds[200]),
        ];
        cases.extend((0..40).map(|i| (i * 997 % size, 1 + i * 31 % 900)).filter(|(o, l)| o + l <= size));
        for (offset, len) in cases {
            store.asked.lock().unwrap().clear();
            let (r, got) = range_of(&v, &root, size, offset, len);
            r.unwrap_or_else(|e| panic!("range {offset}+{len}: {e}"));
            assert_eq!(got, &data[offset as usize..(offset + len) as usize], "range {offset}+{len}");
            let asked = store.asked.lock().unwrap().clone();
            let want: Vec<Cid> =
                (0..lens.len()).filter(|i| bounds[*i] < offset + len && bounds[i + 1] > offset).map(|i| leaves[i]).collect();
            let got_leaves: Vec<Cid> = asked.iter().filter(|c| c.codec() == RAW).copied().collect();
            assert_eq!(got_leaves, want, "leaves fetched for range {offset}+{len}");
            let node_of = |x: u64| (x >= bounds[MAX_LINKS]) as usize + (x >= bounds[2 * MAX_LINKS]) as usize;
            let spans_nodes = node_of(offset) != node_of(offset + len - 1);
            assert_eq!(asked.len() - want.len(), if spans_nodes { 3 } else { 2 }, "nodes fetched for {offset}+{len}");
        }
        // An empty range fetches nothing; one past the end is refused before any fetch.
        store.asked.lock().unwrap().clear();
        assert_eq!(range_of(&v, &root, size, size, 0).1, b"");
        let (r, _) = range_of(&v, &root, size, size - 1, 2);
        assert!(matches!(r, Err(UnixfsError::Range { .. })), "{r:?}");
        let (r, _) = range_of(&v, &root, size, u64::MAX, 2);
        assert!(matches!(r, Err(UnixfsError::Range { .. })), "{r:?}");
        assert!(store.asked.lock().unwrap().is_empty());
    }

    /// The layout nip writes, with full 256 KiB leaves and two levels of
    /// nodes (175 leaves): ranges across the two level-one nodes, at the
    /// end, and the whole file.
    #[test]
    fn read_range_on_kubo_layout() {
        let data = pattern(175 * CHUNK + 5);
        let (blocks, root) = encode(&data);
        let dir = tempfile::tempdir().unwrap();
        let store = counting_store(dir.path(), blocks, &root);
        let v = Verified::new(&store);
        let size = data.len() as u64;
        let edge = (174 * CHUNK) as u64;
        for (offset, len) in [(edge - 10, 20), (edge - CHUNK as u64 - 1, 2 * CHUNK as u64 + 2), (size - 5, 5), (0, size)] {
            store.asked.lock().unwrap().clear();
            let (r, got) = range_of(&v, &root, size, offset, len);
            r.unwrap();
            assert!(got == data[offset as usize..(offset + len) as usize], "range {offset}+{len}");
            let leaves = store.asked.lock().unwrap().iter().filter(|c| c.codec() == RAW).count() as u64;
            assert_eq!(leaves, (offset + len).div_ceil(CHUNK as u64) - offset / CHUNK as u64, "{offset}+{len}");
        }
    }

    /// The size checks of `read` hold on every node a range read touches:
    /// a root whose size is not the one asked for, a node whose children's
    /// sizes do not add up, a leaf shorter than its parent says. Each fails
    /// before any byte is handed on.
    #[test]
    fn read_range_checks_sizes() {
        let data = pattern(CHUNK * 3 + 10);
        let (mut blocks, root) = encode(&data);
        let leaf = Block::new(RAW, b"12345".to_vec());
        // Declares 6 bytes under each of its two links to a 5-byte leaf.
        let short_leaf = Block::new(DAG_PB, encode_file_node(&[Child { cid: leaf.cid, tsize: 5, filesize: 6 }; 2]));
        blocks.extend([leaf, short_leaf.clone()]);
        let dir = tempfile::tempdir().unwrap();
        let store = counting_store(dir.path(), blocks, &root);
        let v = Verified::new(&store);
        let size = data.len() as u64;
        for claim in [size - 1, size + 1, 4 << 30] {
            let (r, got) = range_of(&v, &root, claim, 0, 10);
            assert!(matches!(&r, Err(UnixfsError::Sizes { cid, .. }) if **cid == root), "{r:?}");
            assert!(got.is_empty());
        }
        let (r, got) = range_of(&v, &short_leaf.cid, 12, 0, 3);
        assert!(matches!(&r, Err(UnixfsError::Sizes { why, .. }) if why.contains("holds 5 bytes where 6")), "{r:?}");
        assert!(got.is_empty());
        let (r, _) = range_of(&v, &short_leaf.cid, 11, 0, 3);
        assert!(matches!(&r, Err(UnixfsError::Sizes { cid, .. }) if **cid == short_leaf.cid), "{r:?}");
    }

    /// A file of 1-byte leaves is not a layout nip writes: a range over
    /// 400 of them passes the block budget and is refused.
    #[test]
    fn read_range_budget_refuses_tiny_leaves() {
        let mut builder = FileBuilder::new();
        let mut blocks: Vec<Block> = (0..400).map(|i| builder.chunk(vec![i as u8])).collect();
        let (nodes, root) = builder.finish();
        blocks.extend(nodes);
        let dir = tempfile::tempdir().unwrap();
        let store = counting_store(dir.path(), blocks, &root);
        let v = Verified::new(&store);
        let (r, _) = range_of(&v, &root, 400, 10, 15);
        r.unwrap();
        let (r, got) = range_of(&v, &root, 400, 0, 400);
        let err = r.unwrap_err();
        assert!(err.to_string().contains("more nodes than its size allows"), "{err}");
        assert!(got.len() < 400);
        assert!(store.asked.lock().unwrap().len() < 60, "{} blocks fetched", store.asked.lock().unwrap().len());
    }
}
