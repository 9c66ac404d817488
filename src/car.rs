//! CARv1, the archive format of `ipfs dag import` and `ipfs dag export`.
//!
//! A CAR is a header (a varint length, then DAG-CBOR `{roots, version: 1}`)
//! followed by blocks, each a varint length, then the CID bytes and the block
//! bytes (the varints are unsigned LEB128, those of `crate::protobuf`).
//! [`write_block`] frames one block; [`header`] makes the header, which a
//! push knows only at the end (the root is the new index), so the Kubo
//! backend writes blocks to a file first and sends header + file.
//! [`Reader`] reads a CAR stream block by block.

use crate::block::Block;
use crate::protobuf::{put_varint, varint};
use cid::Cid;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

#[derive(Serialize, Deserialize)]
struct Header {
    roots: Vec<Cid>,
    version: u64,
}

/// The framed header of a CAR with these roots.
pub fn header(roots: &[Cid]) -> Vec<u8> {
    let body = serde_ipld_dagcbor::to_vec(&Header { roots: roots.to_vec(), version: 1 }).unwrap_or_default();
    let mut out = Vec::with_capacity(body.len() + 2);
    put_varint(&mut out, body.len() as u64);
    out.extend_from_slice(&body);
    out
}

/// Writes one block, framed.
pub fn write_block(w: &mut dyn Write, block: &Block) -> io::Result<u64> {
    let cid = block.cid.to_bytes();
    let mut len = Vec::with_capacity(5);
    put_varint(&mut len, (cid.len() + block.data.len()) as u64);
    w.write_all(&len)?;
    w.write_all(&cid)?;
    w.write_all(&block.data)?;
    Ok((len.len() + cid.len() + block.data.len()) as u64)
}

/// Reads a CAR stream.
pub struct Reader<R> {
    inner: R,
    pub roots: Vec<Cid>,
}

/// The next frame's length varint; `None` at a clean end (no byte at all).
/// Bounded like every varint of [`crate::protobuf::varint`]: at most 10
/// bytes, within 64 bits, minimally encoded.
fn read_varint(r: &mut dyn Read) -> io::Result<Option<u64>> {
    let mut buf = [0u8; 10];
    for i in 0..buf.len() {
        if let Err(e) = r.read_exact(&mut buf[i..=i]) {
            return match e.kind() {
                io::ErrorKind::UnexpectedEof if i == 0 => Ok(None),
                _ => Err(e),
            };
        }
        if buf[i] & 0x80 == 0 {
            let (v, _) =
                varint(&buf[..=i]).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("CAR frame length: {e}")))?;
            return Ok(Some(v));
        }
    }
    Err(io::Error::new(io::ErrorKind::InvalidData, "CAR frame length: a varint is longer than 10 bytes"))
}

/// Largest frame accepted: a block of 2 MiB plus its CID.
const MAX_FRAME: u64 = (2 << 20) + 128;

impl<R: Read> Reader<R> {
    pub fn new(mut inner: R) -> io::Result<Reader<R>> {
        let bad = |why: String| io::Error::new(io::ErrorKind::InvalidData, why);
        let len = read_varint(&mut inner)?.ok_or_else(|| bad("empty CAR".into()))?;
        if len > MAX_FRAME {
            return Err(bad(format!("CAR header of {len} bytes")));
        }
        let mut buf = vec![0; len as usize];
        inner.read_exact(&mut buf)?;
        let h: Header = serde_ipld_dagcbor::from_slice(&buf).map_err(|e| bad(format!("CAR header: {e}")))?;
        if h.version != 1 {
            return Err(bad(format!("CAR version {} (only 1 is read)", h.version)));
        }
        Ok(Reader { inner, roots: h.roots })
    }

    /// The next block, unverified; `None` at the end.
    pub fn next_block(&mut self) -> io::Result<Option<Block>> {
        let Some(len) = read_varint(&mut self.inner)? else { return Ok(None) };
        if len > MAX_FRAME {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("CAR block frame of {len} bytes")));
        }
        let mut buf = vec![0; len as usize];
        self.inner.read_exact(&mut buf)?;
        let mut cur = io::Cursor::new(&buf[..]);
        let cid =
            Cid::read_bytes(&mut cur).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("CAR block CID: {e}")))?;
        let data = buf[cur.position() as usize..].to_vec();
        Ok(Some(Block { cid, data }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::RAW;

    #[test]
    fn round_trip() {
        let a = Block::new(RAW, b"a".to_vec());
        let b = Block::new(RAW, vec![7; 300]);
        let mut car = header(&[b.cid]);
        write_block(&mut car, &a).unwrap();
        write_block(&mut car, &b).unwrap();
        let mut r = Reader::new(&car[..]).unwrap();
        assert_eq!(r.roots, vec![b.cid]);
        assert_eq!(r.next_block().unwrap(), Some(a));
        assert_eq!(r.next_block().unwrap(), Some(b));
        assert_eq!(r.next_block().unwrap(), None);
        assert!(Reader::new(&car[..car.len() - 1])
            .and_then(|mut r| {
                r.next_block()?;
                r.next_block()
            })
            .is_err());
    }

    /// A frame length that is cut short, overlong, beyond 64 bits or not
    /// minimal is an error, never a panic or a huge allocation.
    #[test]
    fn bad_frame_lengths_are_errors() {
        let car = header(&[]);
        let mut ten = vec![0xff; 9];
        ten.push(0x7f);
        for frame in [&[0x80][..], &[0xff; 11], &ten, &[0x85, 0x00], &[0xff, 0xff, 0xff, 0x7f]] {
            assert!(Reader::new(frame).is_err(), "header {frame:?}");
            let mut c = car.clone();
            c.extend_from_slice(frame);
            let err = Reader::new(&c[..]).unwrap().next_block().unwrap_err();
            assert_eq!(
                err.kind(),
                if frame.len() == 1 { io::ErrorKind::UnexpectedEof } else { io::ErrorKind::InvalidData },
                "{frame:?}: {err}"
            );
        }
        assert_eq!(Reader::new(&car[..]).unwrap().next_block().unwrap(), None);
    }
}
