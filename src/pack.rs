//! Fetched objects go into the repository as one git pack.
//!
//! An [`EntryEncoder`] turns an object into its pack entry (type and size
//! header, then the content zlib-compressed as its bytes arrive); a
//! [`PackWriter`] writes a version-2 pack stream of such whole (undeltified)
//! entries into libgit2's pack writer, which indexes it into
//! `.git/objects/pack`. The two are apart so that compressing can run on
//! another thread than indexing. Nothing becomes part of the repository
//! until [`PackWriter::commit`]; dropping the writer before that (on any
//! error) leaves the repository as it was.

use crate::format::ObjectType;
use flate2::{Compress, Compression, FlushCompress, Status};
use sha1::{Digest, Sha1};
use std::io::{self, Write};

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

    /// Takes the bytes encoded so far.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::replace(&mut self.buf, Vec::with_capacity(2 * OUT_CHUNK))
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

/// Counts and hashes what passes through, for the pack trailer.
struct Hashing<'r> {
    inner: git2::OdbPackwriter<'r>,
    sha: Sha1,
}

impl Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A pack being written into a repository's object database.
pub struct PackWriter<'r> {
    out: Hashing<'r>,
    expected: u32,
    written: u32,
}

impl<'r> PackWriter<'r> {
    /// Starts a pack that will hold exactly `count` objects.
    pub fn new(odb: &'r git2::Odb<'r>, count: u32) -> Result<PackWriter<'r>, git2::Error> {
        let inner = odb.packwriter()?;
        let mut out = Hashing { inner, sha: Sha1::new() };
        let mut header = Vec::with_capacity(12);
        header.extend_from_slice(b"PACK");
        header.extend_from_slice(&2u32.to_be_bytes());
        header.extend_from_slice(&count.to_be_bytes());
        out.write_all(&header).map_err(|e| git2::Error::from_str(&e.to_string()))?;
        Ok(PackWriter { out, expected: count, written: 0 })
    }

    /// Appends bytes an [`EntryEncoder`] made; `entries` is how many
    /// entries they complete.
    pub fn append(&mut self, bytes: &[u8], entries: u32) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += entries;
        Ok(())
    }

    /// Ends the pack and makes its objects part of the repository.
    pub fn commit(mut self) -> Result<(), git2::Error> {
        if self.written != self.expected {
            return Err(git2::Error::from_str(&format!(
                "pack announced {} objects but {} were written",
                self.expected, self.written
            )));
        }
        let trailer = self.out.sha.finalize_reset();
        self.out.inner.write_all(&trailer).map_err(|e| git2::Error::from_str(&e.to_string()))?;
        self.out.inner.commit()?;
        Ok(())
    }
}
