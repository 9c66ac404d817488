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
        let objects =
            std::env::var_os("GIT_OBJECT_DIRECTORY").map(PathBuf::from).unwrap_or_else(|| repo.commondir().join("objects"));
        let dir = objects.join("pack");
        std::fs::create_dir_all(&dir).map_err(io_at(&dir))?;
        let tmp = tempfile::Builder::new().prefix("tmp_pack_nip_").tempfile_in(&dir).map_err(io_at(&dir))?;
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

        self.entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let idx = index_bytes(&self.entries, &trailer);
        let mut idx_tmp = tempfile::Builder::new().prefix("tmp_idx_nip_").tempfile_in(&self.dir).map_err(io_at(&self.dir))?;
        idx_tmp.write_all(&idx)?;
        idx_tmp.as_file().sync_all()?;
        read_only(idx_tmp.as_file())?;

        std::fs::write(&keep_path, b"nip fetch\n").map_err(io_at(&keep_path))?;
        if let Err(e) = pack_tmp.persist(&pack_path) {
            let _ = std::fs::remove_file(&keep_path);
            return Err(io_at(&pack_path)(e.error));
        }
        if let Err(e) = idx_tmp.persist(&idx_path) {
            let _ = std::fs::remove_file(&pack_path);
            let _ = std::fs::remove_file(&keep_path);
            return Err(io_at(&idx_path)(e.error));
        }
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(keep_path)
    }
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
