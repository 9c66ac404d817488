//! Fetched objects go into the repository as one git pack.
//!
//! An [`EntryEncoder`] turns an object into its pack entry (type and size
//! header, then the content zlib-compressed as its bytes arrive); a
//! [`PackWriter`] writes a version-2 pack of such whole (undeltified)
//! entries, and its index, into `.git/objects/pack`. The two are apart so
//! that compressing runs on another thread than writing. Nothing becomes
//! part of the repository until [`PackWriter::commit`]; dropping the writer
//! before that (on any error) removes the temporary file and leaves the
//! repository as it was. Object ids come from the caller, which recomputed
//! each with SHA-1DC (collision detection, as git does).
//!
//! **What a killed fetch leaves, and who removes it.** The temporary pack
//! and index (`tmp_pack_nip_*`, `tmp_idx_nip_*`) are locked by the helper
//! writing them for as long as they live ([`crate::tmpfiles`]); when a fetch
//! starts a pack, [`PackWriter::new`] removes those of the directory whose
//! lock it can take (their helper is dead), and says so on stderr. git's own
//! `tmp_pack_*` files are git's and left alone.
//!
//! The `.keep` that [`PackWriter::commit`] writes must outlive the helper:
//! git removes it after it has updated the refs, following the helper's
//! `lock` answer. So its owner is the git process that started the helper
//! (the helper's parent, or above the `git remote-nip` wrapper git may run
//! in between, which exits with the helper), written into it as `nip
//! fetch: git pid <pid>
//! start <ticks> host <host>` (the start time from `/proc/<pid>/stat`, so a
//! reused PID is not mistaken for it). A later fetch removes a `.keep` only
//! if it says so and that process is gone on this host: a helper killed
//! between writing it and answering `lock`, or a git killed before it
//! updated its refs. A `.keep` written by git, by hand, by an older nip
//! (`nip fetch` alone), or on another host is never touched; off Linux
//! (no `/proc`), none is.

use crate::format::{Hash, ObjectType};
use flate2::{Compress, Compression, FlushCompress, Status};
use sha1::{Digest, Sha1};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Compressed bytes are handed on in pieces of about this size.
pub const OUT_CHUNK: usize = 64 * 1024;

/// Encodes objects as pack entries, one after another, with one compressor
/// reset between them (making one per object allocated and zeroed its
/// tables 150,000 times in a clone).
pub struct EntryEncoder {
    z: Compress,
    /// Whether an object is open in `z`.
    open: bool,
    /// Encoded bytes not yet taken.
    buf: Vec<u8>,
}

impl Default for EntryEncoder {
    fn default() -> EntryEncoder {
        EntryEncoder { z: Compress::new(Compression::fast(), true), open: false, buf: Vec::with_capacity(2 * OUT_CHUNK) }
    }
}

impl EntryEncoder {
    /// Starts the entry of an object of `size` bytes (ending any open one):
    /// [`EntryEncoder::write`] them, then [`EntryEncoder::end`].
    pub fn begin(&mut self, kind: ObjectType, size: u64) -> io::Result<()> {
        self.end()?;
        let mut b = (kind.pack_code() << 4) | (size & 0x0f) as u8;
        let mut rest = size >> 4;
        while rest > 0 {
            self.buf.push(b | 0x80);
            b = (rest & 0x7f) as u8;
            rest >>= 7;
        }
        self.buf.push(b);
        self.z.reset();
        self.open = true;
        Ok(())
    }

    /// Adds bytes to the open object.
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        if !self.open {
            return Err(io::Error::other("pack: data outside an object"));
        }
        self.compress(data, FlushCompress::None)
    }

    /// Ends the open object, if any.
    pub fn end(&mut self) -> io::Result<()> {
        if self.open {
            self.open = false;
            self.compress(&[], FlushCompress::Finish)?;
        }
        Ok(())
    }

    /// Bytes encoded so far and not yet taken.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// The bytes encoded so far; [`EntryEncoder::clear`] once they are used.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Forgets the bytes encoded so far, keeping the buffer.
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    fn compress(&mut self, mut input: &[u8], flush: FlushCompress) -> io::Result<()> {
        loop {
            if self.buf.capacity() - self.buf.len() < 1024 {
                self.buf.reserve(OUT_CHUNK);
            }
            let before = self.z.total_in();
            let status = self.z.compress_vec(input, &mut self.buf, flush).map_err(io::Error::other)?;
            input = &input[(self.z.total_in() - before) as usize..];
            match status {
                Status::StreamEnd => return Ok(()),
                _ if input.is_empty() && !matches!(flush, FlushCompress::Finish) => return Ok(()),
                _ => {}
            }
        }
    }
}

/// A pack being written into a repository's `objects/pack`, with its index.
///
/// The pack goes to a temporary file beside its final place. Its object
/// count is not known when it starts (a fetch writes objects while it is
/// still finding which ones it needs), so [`commit`] writes the count into
/// the header, reads the file back for the trailer's SHA-1 (about 0.5 s
/// for 770 MB), writes the trailer and a version-2 `.idx` (fan-out, sorted
/// ids, CRC-32s, offsets), then renames both into place, the pack first:
/// git sees a pack only once its index exists. The ids come from the caller, which has
/// already recomputed every object's SHA-1 with collision detection, so
/// nothing here hashes objects again (libgit2's indexer did, and was the
/// slowest step of a clone).
///
/// [`commit`]: PackWriter::commit
pub struct PackWriter {
    dir: PathBuf,
    file: BufWriter<tempfile::NamedTempFile>,
    offset: u64,
    /// Where the open entry starts, and its CRC-32 so far.
    entry_start: u64,
    crc: flate2::Crc,
    /// (id, CRC-32, offset) of every finished entry.
    entries: Vec<(Hash, u32, u64)>,
}

/// Packs and their indexes are read-only, as git makes them.
fn read_only(f: &std::fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o444))
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

impl PackWriter {
    /// Starts a pack in the object directory of `repo`
    /// (`$GIT_OBJECT_DIRECTORY` if git set it; the shared one for a linked
    /// worktree).
    pub fn new(repo: &git2::Repository) -> io::Result<PackWriter> {
        let dir = pack_dir(repo);
        std::fs::create_dir_all(&dir).map_err(io_at(&dir))?;
        if let Some(left) = clean_leftovers(&dir) {
            log::info!("{left}");
        }
        let tmp = crate::tmpfiles::create_locked(&dir, "tmp_pack_nip_", "").map_err(io_at(&dir))?;
        let mut w = PackWriter {
            dir,
            file: BufWriter::with_capacity(1 << 20, tmp),
            offset: 0,
            entry_start: 12,
            crc: flate2::Crc::new(),
            entries: Vec::new(),
        };
        // The count (bytes 8 to 12) is written at commit.
        w.raw(b"PACK\0\0\0\x02\0\0\0\0")?;
        Ok(w)
    }

    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// The directory the pack goes to (`objects/pack`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Objects whose entries are complete.
    pub fn count(&self) -> usize {
        self.entries.len()
    }

    /// Appends bytes an [`EntryEncoder`] made; `done` is the id of the
    /// object whose entry they complete, if they do.
    pub fn append(&mut self, bytes: &[u8], done: Option<Hash>) -> io::Result<()> {
        self.raw(bytes)?;
        self.crc.update(bytes);
        if let Some(oid) = done {
            self.entries.push((oid, self.crc.sum(), self.entry_start));
            self.entry_start = self.offset;
            self.crc.reset();
        }
        Ok(())
    }

    /// Ends the pack and makes its objects part of the repository. Returns
    /// the `.keep` file that protects the pack from a concurrent repack until
    /// git has pointed refs at its objects (the helper tells git with `lock`,
    /// and git removes it).
    ///
    /// Order: both files are complete and synced under temporary names
    /// first, then the `.keep` is made, the pack renamed, and the index
    /// renamed last (git sees a pack once its index exists). If the index
    /// cannot be put in place, the pack and `.keep` are removed again.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        use std::io::Read;
        use std::os::unix::fs::FileExt;
        let count = u32::try_from(self.entries.len()).map_err(|_| io::Error::other("too many objects for one pack"))?;
        if self.entry_start != self.offset {
            return Err(io::Error::other("the pack ends inside an object"));
        }
        let mut pack_tmp = self.file.into_inner().map_err(|e| e.into_error())?;
        pack_tmp.as_file().write_all_at(&count.to_be_bytes(), 8)?;
        let mut sha = Sha1::new();
        let mut read = std::fs::File::open(pack_tmp.path())?;
        let mut buf = vec![0u8; 1 << 20];
        let mut len = 0u64;
        loop {
            let n = read.read(&mut buf)?;
            if n == 0 {
                break;
            }
            sha.update(&buf[..n]);
            len += n as u64;
        }
        if len != self.offset {
            return Err(io::Error::other(format!("the pack file has {len} bytes where {} were written", self.offset)));
        }
        let trailer: [u8; 20] = sha.finalize().into();
        pack_tmp.write_all(&trailer)?;
        pack_tmp.as_file().sync_all()?;
        read_only(pack_tmp.as_file())?;
        let name = Hash(trailer).to_string();
        let pack_path = self.dir.join(format!("pack-{name}.pack"));
        let idx_path = self.dir.join(format!("pack-{name}.idx"));
        let keep_path = self.dir.join(format!("pack-{name}.keep"));

        self.entries.sort_unstable_by_key(|e| e.0);
        let idx = index_bytes(&self.entries, &trailer);
        let mut idx_tmp = crate::tmpfiles::create_locked(&self.dir, "tmp_idx_nip_", "").map_err(io_at(&self.dir))?;
        idx_tmp.write_all(&idx)?;
        idx_tmp.as_file().sync_all()?;
        read_only(idx_tmp.as_file())?;

        // A signal now waits for the renames (see crate::tmpfiles).
        let mut settling = crate::tmpfiles::settling();
        let (pack_name, idx_name) = (pack_tmp.path().to_path_buf(), idx_tmp.path().to_path_buf());
        std::fs::write(&keep_path, keep_text()).map_err(io_at(&keep_path))?;
        if let Err(e) = pack_tmp.persist(&pack_path) {
            let _ = std::fs::remove_file(&keep_path);
            return Err(io_at(&pack_path)(e.error));
        }
        settling.forget(&pack_name);
        if let Err(e) = idx_tmp.persist(&idx_path) {
            let _ = std::fs::remove_file(&pack_path);
            let _ = std::fs::remove_file(&keep_path);
            return Err(io_at(&idx_path)(e.error));
        }
        settling.forget(&idx_name);
        drop(settling);
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(keep_path)
    }
}

/// What a nip `.keep` starts with.
const KEEP_MARK: &str = "nip fetch: ";

/// A process as `/proc` knows it: its start time, in clock ticks after boot.
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so
    // count fields after the last ')'. starttime is field 22, the 20th after it.
    stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()
}

fn host() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname").ok().map(|h| h.trim().to_string()).filter(|h| !h.is_empty())
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// The git process that will remove the `.keep`: the helper's parent, or,
/// when that is the `git remote-nip` that git runs to find
/// `git-remote-nip` (it waits for the helper and exits with it, before
/// git has updated any ref), the process above it.
fn keep_owner() -> u32 {
    let mut pid = std::os::unix::process::parent_id();
    for _ in 0..4 {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let is_wrapper = cmdline.split(|b| *b == 0).nth(1).is_some_and(|a| a.starts_with(b"remote-"));
        match parent_of(pid) {
            Some(up) if is_wrapper && up > 1 => pid = up,
            _ => break,
        }
    }
    pid
}

/// The content of the `.keep` of a pack this process fetched: which git
/// process will remove it.
pub(crate) fn keep_text() -> String {
    let git = keep_owner();
    match (start_time(git), host()) {
        (Some(start), Some(host)) => format!("{KEEP_MARK}git pid {git} start {start} host {host}\n"),
        _ => "nip fetch\n".to_string(),
    }
}

/// Whether a `.keep` with this content is nip's and its git process is gone
/// from this host.
fn keep_is_stale(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(KEEP_MARK) else { return false };
    let words: Vec<&str> = rest.split_whitespace().collect();
    let (pid, start, keep_host) = match words.as_slice() {
        ["git", "pid", pid, "start", start, "host", host] => (pid.parse::<u32>(), start.parse::<u64>(), *host),
        _ => return false,
    };
    let (Ok(pid), Ok(start), Some(here)) = (pid, start, host()) else { return false };
    if keep_host != here || !Path::new("/proc/self/stat").exists() {
        return false;
    }
    start_time(pid) != Some(start)
}

/// The directory of `repo`'s packs, where a fetch writes:
/// `$GIT_OBJECT_DIRECTORY/pack` if git set it, the shared `objects/pack` of
/// a linked worktree otherwise.
pub fn pack_dir(repo: &git2::Repository) -> PathBuf {
    let objects = std::env::var_os("GIT_OBJECT_DIRECTORY").map(PathBuf::from).unwrap_or_else(|| repo.commondir().join("objects"));
    objects.join("pack")
}

/// Removes what killed fetches left in `repo`'s pack directory (see
/// [`clean_leftovers`]); the binary says what, if anything.
pub fn clean_leftovers_of(repo: &git2::Repository) -> Option<crate::tmpfiles::Leftovers> {
    let dir = pack_dir(repo);
    dir.is_dir().then(|| clean_leftovers(&dir)).flatten()
}

/// Removes what killed fetches left in `dir` (an `objects/pack`): nip's
/// temporary packs and indexes whose helper is dead, and nip's `.keep`
/// files whose git process is gone. Returns what it removed, for the
/// caller to say ([`clean_leftovers_of`], which the helper binary runs
/// before anything else, does); the cleaning a fetch itself does before
/// it writes finds nothing left after that, and only logs.
pub fn clean_leftovers(dir: &Path) -> Option<crate::tmpfiles::Leftovers> {
    // git's own temporary packs named by nip's markers, before the markers go.
    crate::packfetch::clean_git_temps(dir);
    let mut removed = crate::tmpfiles::clean(dir, |n| n.starts_with("tmp_pack_nip_") || n.starts_with("tmp_idx_nip_"));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let is_keep = path.extension().is_some_and(|x| x == "keep")
                && entry.file_name().to_str().is_some_and(|n| n.starts_with("pack-"));
            // Small: a nip .keep is one line.
            let stale = is_keep
                && entry.metadata().is_ok_and(|m| m.is_file() && m.len() < 4096)
                && std::fs::read_to_string(&path).is_ok_and(|t| keep_is_stale(&t));
            if stale && std::fs::remove_file(&path).is_ok() {
                log::info!("removed {}: the git process it kept the pack for is gone", path.display());
                removed.files.push(path);
            }
        }
    }
    crate::tmpfiles::Leftovers::of(removed, "fetch", dir)
}

/// A version-2 pack index: fan-out, sorted ids, CRC-32s, 31-bit offsets
/// (with the high bit pointing into a table of 64-bit ones past 2 GiB), the
/// pack's checksum and its own.
fn index_bytes(entries: &[(Hash, u32, u64)], pack_sum: &[u8; 20]) -> Vec<u8> {
    let mut idx = Vec::with_capacity(8 + 1024 + entries.len() * 28 + 40);
    idx.extend_from_slice(b"\xfftOc");
    idx.extend_from_slice(&2u32.to_be_bytes());
    let mut fanout = [0u32; 256];
    for (oid, _, _) in entries {
        fanout[oid.0[0] as usize] += 1;
    }
    let mut total = 0u32;
    for n in fanout {
        total += n;
        idx.extend_from_slice(&total.to_be_bytes());
    }
    for (oid, _, _) in entries {
        idx.extend_from_slice(&oid.0);
    }
    for (_, crc, _) in entries {
        idx.extend_from_slice(&crc.to_be_bytes());
    }
    let mut large = Vec::new();
    for (_, _, offset) in entries {
        let small = match u32::try_from(*offset) {
            Ok(o) if o < 0x8000_0000 => o,
            _ => {
                large.push(*offset);
                0x8000_0000 | (large.len() as u32 - 1)
            }
        };
        idx.extend_from_slice(&small.to_be_bytes());
    }
    for offset in large {
        idx.extend_from_slice(&offset.to_be_bytes());
    }
    idx.extend_from_slice(pack_sum);
    let sum: [u8; 20] = Sha1::digest(&idx).into();
    idx.extend_from_slice(&sum);
    idx
}

/// The `(id, offset)` of every object in a version-2 pack index (`.idx`), as
/// `git index-pack` writes it, sorted by id.
pub fn read_idx(idx: &[u8]) -> Result<Vec<(Hash, u64)>, String> {
    if idx.len() < 8 + 256 * 4 + 40 || &idx[..8] != b"\xfftOc\0\0\0\x02" {
        return Err("not a version 2 pack index".into());
    }
    let be32 = |at: usize| -> Result<u32, String> {
        idx.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok_or_else(|| "truncated".to_string())
    };
    let n = be32(8 + 255 * 4)? as usize;
    let oids = 8 + 256 * 4;
    let offsets = oids + n * 20 + n * 4;
    let large = offsets + n * 4;
    if idx.len() < large + 40 {
        return Err("truncated".into());
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut h = [0u8; 20];
        h.copy_from_slice(&idx[oids + i * 20..oids + i * 20 + 20]);
        let off = be32(offsets + i * 4)?;
        let off = if off & 0x8000_0000 != 0 {
            let at = large + (off & 0x7fff_ffff) as usize * 8;
            let b = idx.get(at..at + 8).ok_or("truncated large offset")?;
            u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
        } else {
            u64::from(off)
        };
        out.push((Hash(h), off));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keep_is_stale_only_when_its_git_is_gone() {
        let here = host().expect("a Linux host name");
        let me = std::process::id();
        let alive = format!("{KEEP_MARK}git pid {me} start {} host {here}\n", start_time(me).unwrap());
        assert!(!keep_is_stale(&alive), "this process is alive");
        assert!(keep_text().starts_with(KEEP_MARK) && !keep_is_stale(&keep_text()), "the test runner is alive");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        assert!(keep_is_stale(&format!("{KEEP_MARK}git pid {dead} start 1 host {here}\n")));
        // The same PID started at another time: a reused PID, not our git.
        assert!(keep_is_stale(&format!("{KEEP_MARK}git pid {me} start 1 host {here}\n")));
        for never in [
            "nip fetch\n".to_string(),
            "fetch-pack 1 on somewhere\n".to_string(),
            format!("{KEEP_MARK}git pid {dead} start 1 host another-{here}\n"),
            format!("{KEEP_MARK}git pid x start 1 host {here}\n"),
            String::new(),
        ] {
            assert!(!keep_is_stale(&never), "{never:?}");
        }
    }

    #[test]
    fn leftovers_of_dead_fetches_go_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let live = crate::tmpfiles::create_locked(dir.path(), "tmp_pack_nip_", "").unwrap();
        let dead = crate::tmpfiles::create_locked(dir.path(), "tmp_idx_nip_", "").unwrap().into_temp_path().keep().unwrap();
        std::fs::write(&dead, b"half an index").unwrap();
        let gits = dir.path().join("tmp_pack_abc");
        std::fs::write(&gits, b"git's own").unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let stale_keep = dir.path().join("pack-1.keep");
        std::fs::write(&stale_keep, format!("{KEEP_MARK}git pid {gone} start 1 host {}\n", host().unwrap())).unwrap();
        let live_keep = dir.path().join("pack-2.keep");
        std::fs::write(&live_keep, keep_text()).unwrap();
        let gits_keep = dir.path().join("pack-3.keep");
        std::fs::write(&gits_keep, "fetch-pack 1 on h\n").unwrap();
        let left = clean_leftovers(dir.path()).expect("something was removed");
        assert_eq!(left.removed.files.len(), 2, "{left}");
        assert!(
            left.to_string().starts_with("removed 2 temporary files") && left.to_string().contains("interrupted fetch"),
            "{left}"
        );
        assert!(clean_leftovers(dir.path()).is_none(), "nothing more to remove");
        assert!(!dead.exists() && !stale_keep.exists());
        assert!(live.path().exists() && gits.exists() && live_keep.exists() && gits_keep.exists());
    }
}
