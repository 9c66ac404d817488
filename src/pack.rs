//! Fetched objects go into the repository as one git pack.
//!
//! [`PackWriter`] writes a version-2 pack stream of whole (undeltified)
//! objects, each zlib-compressed as its bytes arrive, into libgit2's pack
//! writer, which indexes it into `.git/objects/pack`. Nothing becomes part of
//! the repository until [`PackWriter::commit`]; dropping the writer before
//! that (on any error) leaves the repository as it was.

use crate::format::ObjectType;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use sha1::{Digest, Sha1};
use std::io::{self, Write};

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
    /// The object being compressed, if one is open.
    z: Option<ZlibEncoder<Vec<u8>>>,
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
        Ok(PackWriter { out, expected: count, written: 0, z: None })
    }

    /// Starts the next object, of `size` bytes: [`PackWriter::write`] them,
    /// then [`PackWriter::end`].
    pub fn begin(&mut self, kind: ObjectType, size: u64) -> io::Result<()> {
        self.end()?;
        let mut header = Vec::with_capacity(10);
        let mut b = (kind.pack_code() << 4) | (size & 0x0f) as u8;
        let mut rest = size >> 4;
        while rest > 0 {
            header.push(b | 0x80);
            b = (rest & 0x7f) as u8;
            rest >>= 7;
        }
        header.push(b);
        self.out.write_all(&header)?;
        self.written += 1;
        self.z = Some(ZlibEncoder::new(Vec::with_capacity(64 * 1024), Compression::fast()));
        Ok(())
    }

    /// Adds bytes to the current object, passing on what is compressed.
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        let z = self.z.as_mut().ok_or_else(|| io::Error::other("pack: data outside an object"))?;
        z.write_all(data)?;
        let buf = z.get_mut();
        if buf.len() >= 64 * 1024 {
            self.out.write_all(buf)?;
            buf.clear();
        }
        Ok(())
    }

    /// Ends the current object, if one is open.
    pub fn end(&mut self) -> io::Result<()> {
        if let Some(z) = self.z.take() {
            let rest = z.finish()?;
            self.out.write_all(&rest)?;
        }
        Ok(())
    }

    /// Ends the pack and makes its objects part of the repository.
    pub fn commit(mut self) -> Result<(), git2::Error> {
        self.end().map_err(|e| git2::Error::from_str(&e.to_string()))?;
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
