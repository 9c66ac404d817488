//! The embedded block store: blocks in pack files under `$NIP_HOME/packs`.
//!
//! The default when no IPFS node answers, in the way SQLite stands beside
//! Postgres. Each write session (one push) that stores anything adds one
//! pair of files:
//!
//! - `packs/<name>.pack`: a CARv1 stream: a header whose one root is the
//!   index the push wrote (a CIDv0 written as the same block's CIDv1; under
//!   `tmp/`, until the push finishes, a placeholder CID of the same length),
//!   then for each block the push added `varint(len of cid + data) cid data`.
//!   So it has the root go-car (and `ipfs dag import`) requires of a CARv1.
//!   A pack holds only the blocks its push added, so its root's DAG is whole
//!   only with the other packs: `ipfs dag import` of all the packs in one
//!   command imports every block and pins every push's index, each of which
//!   holds the whole repository as it was then;
//! - `packs/<name>.idx`: `NIPIDX1\n`, a little-endian u64 count, then one
//!   44-byte entry per block sorted by key: the 32-byte sha2-256 digest of
//!   the block, the u64 offset of its data in the pack, its u32 length.
//!
//! Both are written under `tmp/` (as `push-*.pack` and `push-*.idx`) and
//! renamed into place, the pack first, so a pack is visible only once
//! complete, a crash leaves at most stray files in `tmp/`, and two pushes at
//! once write two packs (a block both store is kept twice, harmlessly).
//! Each temporary file is locked by its push while it lives, and
//! [`LocalStore::open`] removes those whose lock it can take: what a killed
//! push left, never a file of a push still running (see [`crate::tmpfiles`];
//! the binary then says how much it removed, from [`LocalStore::take_notes`]). One file pair per push instead of one file per
//! block keeps pushes fast and the store about the size of the data.
//! Blocks are read with positioned reads, and checked against their CID by
//! [`super::Verified`].

use super::{BlockStore, BlockWriter, Note, StoreError, WriteStats};
use crate::block::{self, Block, MAX_BLOCK};
use crate::car;
use cid::Cid;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

const IDX_MAGIC: &[u8; 8] = b"NIPIDX1\n";
const ENTRY: usize = 44;

/// The default directory: `$NIP_HOME`, else `$XDG_DATA_HOME/nip`, else
/// `~/.local/share/nip`.
pub fn default_home() -> Option<PathBuf> {
    let env = |k| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    env("NIP_HOME")
        .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("nip")))
        .or_else(|| env("HOME").map(|h| h.join(".local/share/nip")))
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    key: [u8; 32],
    offset: u64,
    len: u32,
}

/// A pack and its index. The pack file is opened only while blocks are
/// read from it, so a store of thousands of packs needs few open files.
/// The index is kept as the bytes of its file and searched in place, so
/// opening a store costs one read per pack and no parsing.
struct Pack {
    path: PathBuf,
    /// The whole `.idx` file, checked by [`read_idx`].
    idx: Vec<u8>,
    /// Where the keys starting with each value of their first `bits` bits
    /// begin (and, last, the count): a lookup searches about eight entries
    /// close together instead of the whole index, whose 33 MB a clone of
    /// 50,000 commits otherwise searched with a cache miss per step.
    fanout: Vec<u32>,
    bits: u32,
}

/// The first `bits` (at most 16) bits of a key.
fn prefix(key: &[u8], bits: u32) -> usize {
    (usize::from(key[0]) << 8 | usize::from(key[1])) >> (16 - bits)
}

fn entry_at(idx: &[u8], i: usize) -> Entry {
    let e = &idx[16 + i * ENTRY..16 + (i + 1) * ENTRY];
    Entry {
        key: e[..32].try_into().unwrap_or([0; 32]),
        offset: u64::from_le_bytes(e[32..40].try_into().unwrap_or([0; 8])),
        len: u32::from_le_bytes(e[40..44].try_into().unwrap_or([0; 4])),
    }
}

impl Pack {
    fn new(path: PathBuf, idx: Vec<u8>) -> Pack {
        let count = (idx.len() - 16) / ENTRY;
        let bits = (count / 8).checked_ilog2().unwrap_or(0).min(16);
        let mut fanout = Vec::with_capacity((1 << bits) + 1);
        for i in 0..count {
            let top = prefix(&idx[16 + i * ENTRY..], bits);
            while fanout.len() <= top {
                fanout.push(i as u32);
            }
        }
        while fanout.len() <= 1 << bits {
            fanout.push(count as u32);
        }
        Pack { path, idx, fanout, bits }
    }

    fn find(&self, key: &[u8; 32]) -> Option<Entry> {
        let top = prefix(key, self.bits);
        let (mut lo, mut hi) = (self.fanout[top] as usize, self.fanout[top + 1] as usize);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let k = &self.idx[16 + mid * ENTRY..16 + mid * ENTRY + 32];
            match k.cmp(&key[..]) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(entry_at(&self.idx, mid)),
            }
        }
        None
    }
}

/// Where a block's bytes are: a pack file, an offset and a length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub pack: PathBuf,
    pub offset: u64,
    pub len: u64,
}

/// The embedded store rooted at a directory.
pub struct LocalStore {
    root: PathBuf,
    /// Grows when a write session of this store finishes.
    packs: std::sync::RwLock<Vec<std::sync::Arc<Pack>>>,
    /// What [`LocalStore::open`] did that the user should hear of.
    notes: Vec<Note>,
}

fn io_err(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |error| StoreError::Io { what, path, error }
}

/// The key of a block: its sha2-256 digest.
fn key_of(cid: &Cid) -> Option<[u8; 32]> {
    (cid.hash().code() == block::SHA2_256).then(|| cid.hash().digest().try_into().ok()).flatten()
}

/// Reads and checks an index: magic, count, sorted keys, entries inside the pack.
fn read_idx(path: &Path, pack_len: u64) -> Result<Vec<u8>, StoreError> {
    let bytes = std::fs::read(path).map_err(io_err("cannot read the pack index", path))?;
    if !idx_is_sound(&bytes, pack_len) {
        return Err(StoreError::Io {
            what: "damaged pack index",
            path: path.to_path_buf(),
            error: std::io::Error::from(std::io::ErrorKind::InvalidData),
        });
    }
    Ok(bytes)
}

/// Whether the bytes of an `.idx` file are sound for a pack of `pack_len`
/// bytes: magic, a count that matches the length, keys sorted and unique,
/// every entry inside the pack. Only a sound index is searched. Public for
/// the fuzz targets (`fuzz/`).
pub fn idx_is_sound(bytes: &[u8], pack_len: u64) -> bool {
    if bytes.len() < 16 || &bytes[..8] != IDX_MAGIC {
        return false;
    }
    let Ok(count) = bytes[8..16].try_into().map(u64::from_le_bytes) else { return false };
    let count = count as usize;
    if count.checked_mul(ENTRY) != Some(bytes.len() - 16) {
        return false;
    }
    let mut prev: Option<[u8; 32]> = None;
    for i in 0..count {
        let e = entry_at(bytes, i);
        if prev.is_some_and(|p| p >= e.key) || e.offset.saturating_add(u64::from(e.len)) > pack_len {
            return false;
        }
        prev = Some(e.key);
    }
    true
}

/// Whether `name` in `tmp/` is a file a push writes: `push-*` now,
/// `.tmp*` (tempfile's default names) before nip locked them.
fn is_push_tmp(name: &str) -> bool {
    name.starts_with("push-") || name.starts_with(".tmp")
}

/// Removes what killed pushes left in `tmp/`; what it removed, if anything.
fn clean_tmp(tmp: &Path) -> Option<crate::tmpfiles::Leftovers> {
    crate::tmpfiles::Leftovers::of(crate::tmpfiles::clean(tmp, is_push_tmp), "push", tmp)
}

impl LocalStore {
    /// Opens (creating if needed) the store at `root` and reads its indexes.
    /// What opening did that the user should hear of (leftovers removed, a
    /// damaged pack skipped) is in [`LocalStore::take_notes`].
    pub fn open(root: impl Into<PathBuf>) -> Result<LocalStore, StoreError> {
        let root = root.into();
        for dir in [root.join("packs"), root.join("tmp")] {
            std::fs::create_dir_all(&dir).map_err(io_err("cannot create the embedded store directory", &dir))?;
        }
        let mut notes: Vec<Note> = clean_tmp(&root.join("tmp")).map(Note::Removed).into_iter().collect();
        let packs_dir = root.join("packs");
        let mut idxs: Vec<PathBuf> = std::fs::read_dir(&packs_dir)
            .map_err(io_err("cannot list", &packs_dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "idx"))
            .collect();
        idxs.sort();
        let mut packs = Vec::with_capacity(idxs.len());
        for idx in idxs {
            let path = idx.with_extension("pack");
            let loaded =
                std::fs::metadata(&path).map_err(io_err("cannot read pack", &path)).and_then(|m| read_idx(&idx, m.len()));
            match loaded {
                Ok(idx) => packs.push(std::sync::Arc::new(Pack::new(path, idx))),
                // One damaged pack must not make every repository unreadable:
                // its blocks are missing (and named) if something needs them.
                Err(e) => notes.push(Note::SkippedPack(e)),
            }
        }
        Ok(LocalStore { root, packs: std::sync::RwLock::new(packs), notes })
    }

    /// What opening the store did that the user should hear of, once: the
    /// binary says it (one line each).
    pub fn take_notes(&mut self) -> Vec<Note> {
        std::mem::take(&mut self.notes)
    }

    fn packs(&self) -> Vec<std::sync::Arc<Pack>> {
        self.packs.read().map(|p| p.clone()).unwrap_or_default()
    }

    fn find(&self, cid: &Cid) -> Option<(std::sync::Arc<Pack>, Entry)> {
        let key = key_of(cid)?;
        let packs = self.packs.read().ok()?;
        packs.iter().find_map(|p| p.find(&key).map(|e| (p.clone(), e)))
    }

    /// Where a block's bytes are, if the store has it.
    pub fn locate(&self, cid: &Cid) -> Option<Location> {
        self.find(cid).map(|(p, e)| Location { pack: p.path.clone(), offset: e.offset, len: u64::from(e.len) })
    }

    /// Every block once: (CID, length), read from the packs' frames.
    pub fn list(&self) -> Result<Vec<(Cid, u64)>, StoreError> {
        let mut out = Vec::new();
        for pack in &self.packs() {
            let file = File::open(&pack.path).map_err(io_err("cannot open pack", &pack.path))?;
            let mut reader = car::Reader::new(std::io::BufReader::new(file)).map_err(io_err("cannot read pack", &pack.path))?;
            while let Some(b) = reader.next_block().map_err(io_err("cannot read pack", &pack.path))? {
                out.push((b.cid, b.data.len() as u64));
            }
        }
        // A block put twice in one session is in its pack twice.
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// Number of packs (one per push that stored something).
    pub fn pack_count(&self) -> usize {
        self.packs().len()
    }
}

/// What a pack's header names until its root is known: a CID of the size
/// of every index's (CIDv1, one-byte codec, sha2-256).
fn placeholder_root() -> Cid {
    block::sha256_cid(block::DAG_CBOR, &[0; 32])
}

/// The header of a pack rooted at `root`, as long as the placeholder's so it
/// takes its place. A CIDv0 root is written as the same block's CIDv1.
fn root_header(root: &Cid) -> Result<Vec<u8>, StoreError> {
    let root = match root.version() {
        cid::Version::V0 => Cid::new_v1(block::DAG_PB, *root.hash()),
        cid::Version::V1 => *root,
    };
    let header = car::header(&[root]);
    if header.len() != car::header(&[placeholder_root()]).len() {
        return Err(StoreError::Io {
            what: "the embedded store roots a pack at a CIDv1 sha2-256 block; cannot root one at",
            path: PathBuf::from(root.to_string()),
            error: std::io::Error::from(std::io::ErrorKind::InvalidInput),
        });
    }
    Ok(header)
}

impl BlockStore for LocalStore {
    fn describe(&self) -> String {
        format!("the embedded store at {}", self.root.display())
    }

    fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut open: std::collections::HashMap<PathBuf, File> = std::collections::HashMap::new();
        cids.iter()
            .map(|cid| {
                let (pack, e) =
                    self.find(cid).ok_or_else(|| StoreError::Missing { cid: Box::new(*cid), store: self.describe() })?;
                let file = match open.entry(pack.path.clone()) {
                    std::collections::hash_map::Entry::Occupied(f) => f.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(File::open(&pack.path).map_err(io_err("cannot open pack", &pack.path))?)
                    }
                };
                let mut buf = vec![0; e.len as usize];
                file.read_exact_at(&mut buf, e.offset).map_err(io_err("cannot read block from", &pack.path))?;
                Ok(buf)
            })
            .collect()
    }

    fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, StoreError> {
        Ok(cids.iter().map(|c| block::inline_data(c).is_some() || self.find(c).is_some()).collect())
    }

    fn writer(&self) -> Result<Box<dyn BlockWriter + '_>, StoreError> {
        Ok(Box::new(LocalWriter { store: self, out: None, pos: 0, entries: Vec::new(), stats: WriteStats::default() }))
    }
}

struct LocalWriter<'a> {
    store: &'a LocalStore,
    /// The pack being written under tmp/, once there is a new block.
    out: Option<(tempfile::NamedTempFile, BufWriter<File>)>,
    pos: u64,
    /// Every block written, by its digest. A block put twice in one session
    /// (a chunk two files share) is written twice and indexed once: no set
    /// of everything written is kept beside this list (a first push of
    /// 50,000 commits writes 746,000 blocks).
    entries: Vec<Entry>,
    stats: WriteStats,
}

impl LocalWriter<'_> {
    fn tmp(&self) -> PathBuf {
        self.store.root.join("tmp")
    }
}

impl BlockWriter for LocalWriter<'_> {
    fn put(&mut self, block: Block) -> Result<(), StoreError> {
        if block.data.len() > MAX_BLOCK {
            return Err(StoreError::TooLarge { cid: Box::new(block.cid), size: block.data.len() });
        }
        if block::inline_data(&block.cid).is_some() {
            return Ok(());
        }
        let Some(key) = key_of(&block.cid) else {
            return Err(StoreError::Io {
                what: "the embedded store keeps only sha2-256 blocks; cannot store",
                path: PathBuf::from(block.cid.to_string()),
                error: std::io::Error::from(std::io::ErrorKind::InvalidInput),
            });
        };
        if self.store.find(&block.cid).is_some() {
            self.stats.blocks_existing += 1;
            return Ok(());
        }
        if self.out.is_none() {
            let tmp = self.tmp();
            let file = crate::tmpfiles::create_locked(&tmp, "push-", ".pack").map_err(io_err("cannot create a file in", &tmp))?;
            let mut w = BufWriter::with_capacity(1 << 20, file.reopen().map_err(io_err("cannot open", file.path()))?);
            // The root is known only at `finish`: a placeholder of its size,
            // overwritten there.
            let header = car::header(&[placeholder_root()]);
            w.write_all(&header).map_err(io_err("cannot write", file.path()))?;
            self.pos = header.len() as u64;
            self.out = Some((file, w));
        }
        let Some((file, w)) = self.out.as_mut() else { return Ok(()) };
        let frame = car::write_block(w, &block).map_err(io_err("cannot write", file.path()))?;
        let len = block.data.len() as u64;
        self.entries.push(Entry { key, offset: self.pos + frame - len, len: len as u32 });
        self.pos += frame;
        self.stats.blocks_new += 1;
        self.stats.bytes_new += len;
        Ok(())
    }

    fn finish(mut self: Box<Self>, root: &Cid, _replaces: Option<&Cid>) -> Result<WriteStats, StoreError> {
        let Some((file, mut w)) = self.out.take() else { return Ok(self.stats) };
        w.flush().map_err(io_err("cannot write", file.path()))?;
        let header = root_header(root)?;
        w.get_ref().write_all_at(&header, 0).map_err(io_err("cannot write", file.path()))?;
        w.get_ref().sync_all().map_err(io_err("cannot sync", file.path()))?;
        self.entries.sort_unstable_by(|a, b| a.key.cmp(&b.key).then(a.offset.cmp(&b.offset)));
        // Blocks put twice: index the first copy, and count the others as
        // blocks that were there already.
        let before = self.entries.len();
        let mut repeated_bytes = 0u64;
        self.entries.dedup_by(|later, first| {
            let same = later.key == first.key;
            if same {
                repeated_bytes += u64::from(later.len);
            }
            same
        });
        let repeated = (before - self.entries.len()) as u64;
        self.stats.blocks_new -= repeated;
        self.stats.blocks_existing += repeated;
        self.stats.bytes_new -= repeated_bytes;
        let tmp = self.tmp();
        let mut idx_file =
            crate::tmpfiles::create_locked(&tmp, "push-", ".idx").map_err(io_err("cannot create a file in", &tmp))?;
        {
            // Streamed, and the entries dropped before the bytes are read
            // back: the two never take memory at the same time (746,000
            // entries for a first push of 50,000 commits).
            let mut iw = BufWriter::with_capacity(1 << 20, idx_file.as_file_mut());
            let mut write = || -> std::io::Result<()> {
                iw.write_all(IDX_MAGIC)?;
                iw.write_all(&(self.entries.len() as u64).to_le_bytes())?;
                for e in &self.entries {
                    iw.write_all(&e.key)?;
                    iw.write_all(&e.offset.to_le_bytes())?;
                    iw.write_all(&e.len.to_le_bytes())?;
                }
                iw.flush()
            };
            write().map_err(io_err("cannot write", &tmp))?;
        }
        self.entries = Vec::new();
        idx_file.as_file().sync_all().map_err(io_err("cannot sync", idx_file.path()))?;
        let idx = std::fs::read(idx_file.path()).map_err(io_err("cannot read back", idx_file.path()))?;
        // Unique per session: the new index, the time and the process.
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let name = format!("{nanos:024}-{}-{root}", std::process::id());
        let dir = self.store.root.join("packs");
        let pack_path = dir.join(format!("{name}.pack"));
        // A signal now waits for both renames (see crate::tmpfiles).
        let mut settling = crate::tmpfiles::settling();
        let (pack_tmp, idx_tmp) = (file.path().to_path_buf(), idx_file.path().to_path_buf());
        file.persist(&pack_path).map_err(|e| StoreError::Io {
            what: "cannot store pack at",
            path: pack_path.clone(),
            error: e.error,
        })?;
        settling.forget(&pack_tmp);
        let idx_path = dir.join(format!("{name}.idx"));
        idx_file.persist(&idx_path).map_err(|e| StoreError::Io {
            what: "cannot store pack index at",
            path: idx_path.clone(),
            error: e.error,
        })?;
        settling.forget(&idx_tmp);
        drop(settling);
        // The renames must survive a crash before the new address is used.
        File::open(&dir).and_then(|d| d.sync_all()).map_err(io_err("cannot sync", &dir))?;
        let pack = Pack::new(pack_path, idx);
        if let Ok(mut packs) = self.store.packs.write() {
            packs.push(std::sync::Arc::new(pack));
        }
        Ok(self.stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::RAW;
    use crate::store::Verified;

    #[test]
    fn finds_every_block_of_a_large_pack() {
        let dir = tempfile::tempdir().unwrap();
        let blocks: Vec<Block> = (0..5000u32).map(|i| Block::new(RAW, i.to_be_bytes().to_vec())).collect();
        {
            let store = LocalStore::open(dir.path()).unwrap();
            let mut w = store.writer().unwrap();
            blocks.iter().for_each(|b| w.put(b.clone()).unwrap());
            w.finish(&blocks[0].cid, None).unwrap();
        }
        let store = LocalStore::open(dir.path()).unwrap();
        let packs = store.packs();
        assert_eq!((packs.len(), packs[0].bits), (1, 9));
        let cids: Vec<Cid> = blocks.iter().map(|b| b.cid).collect();
        let got = Verified::new(&store).get_many(&cids).unwrap();
        assert!(got.iter().zip(&blocks).all(|(g, b)| *g == b.data));
        assert!(store.locate(&Block::new(RAW, b"absent".to_vec()).cid).is_none());
    }

    #[test]
    fn put_get_and_detect_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let b = Block::new(RAW, b"hello".to_vec());
        {
            let store = LocalStore::open(dir.path()).unwrap();
            let mut w = store.writer().unwrap();
            w.put(b.clone()).unwrap();
            w.put(b.clone()).unwrap();
            w.put(Block { cid: crate::block::empty_cid(), data: vec![] }).unwrap();
            let stats = w.finish(&b.cid, None).unwrap();
            assert_eq!((stats.blocks_new, stats.blocks_existing), (1, 1));
        }
        let store = LocalStore::open(dir.path()).unwrap();
        assert_eq!(store.pack_count(), 1);
        // A second session with nothing new writes no pack.
        let mut w = store.writer().unwrap();
        w.put(b.clone()).unwrap();
        assert_eq!(w.finish(&b.cid, None).unwrap().blocks_new, 0);
        assert_eq!(LocalStore::open(dir.path()).unwrap().pack_count(), 1);

        let v = Verified::new(&store);
        assert_eq!(v.get(&b.cid).unwrap(), b"hello");
        assert_eq!(store.list().unwrap(), vec![(b.cid, 5)]);
        let loc = store.locate(&b.cid).unwrap();
        let f = std::fs::OpenOptions::new().write(true).open(&loc.pack).unwrap();
        f.write_all_at(b"hellO", loc.offset).unwrap();
        let err = v.get(&b.cid).unwrap_err().to_string();
        assert!(err.contains("corrupt") && err.contains(&b.cid.to_string()), "{err}");
        let other = Block::new(RAW, b"other".to_vec());
        assert!(matches!(v.get(&other.cid), Err(StoreError::Missing { .. })));
    }

    #[test]
    fn a_pack_is_a_car_rooted_at_its_session_root() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let blocks = [Block::new(RAW, b"one".to_vec()), Block::new(crate::block::DAG_CBOR, vec![0xa0])];
        let mut w = store.writer().unwrap();
        blocks.iter().for_each(|b| w.put(b.clone()).unwrap());
        w.finish(&blocks[1].cid, None).unwrap();
        let pack = store.packs()[0].path.clone();
        let mut r = car::Reader::new(std::io::BufReader::new(File::open(&pack).unwrap())).unwrap();
        assert_eq!(r.roots, vec![blocks[1].cid]);
        assert_eq!(r.next_block().unwrap().unwrap().cid, blocks[0].cid);
        // The blocks are where the index says, after the patched header.
        assert_eq!(Verified::new(&store).get(&blocks[1].cid).unwrap(), vec![0xa0]);
    }

    #[test]
    fn damaged_index_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let b = Block::new(RAW, b"x".to_vec());
        let mut w = store.writer().unwrap();
        w.put(b.clone()).unwrap();
        w.finish(&b.cid, None).unwrap();
        let idx = std::fs::read_dir(dir.path().join("packs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().unwrap() == "idx")
            .unwrap();
        let bytes = std::fs::read(&idx).unwrap();
        std::fs::write(&idx, &bytes[..bytes.len() - 1]).unwrap();
        // The damaged pack is skipped, not fatal; its block is then missing.
        let mut store = LocalStore::open(dir.path()).expect("a damaged index is skipped");
        assert_eq!(store.pack_count(), 0);
        // And said: once, for the binary to print.
        let notes = store.take_notes();
        assert_eq!(notes.len(), 1, "{notes:?}");
        let said = notes[0].to_string();
        assert!(said.starts_with("warning: skipping a pack of the embedded store: damaged pack index"), "{said}");
        assert!(store.take_notes().is_empty());
        let err = Verified::new(&store).get(&b.cid).unwrap_err();
        assert!(matches!(err, StoreError::Missing { .. }), "{err}");
    }
}
