//! CARv1, the archive format of `ipfs dag import` and `ipfs dag export`.
//!
//! A CAR is a header (a varint length, then DAG-CBOR `{roots, version: 1}`)
//! followed by blocks, each a varint length, then the CID bytes and the block
//! bytes (the varints are unsigned LEB128, those of `crate::protobuf`).
//! [`write_block`] frames one block; [`header`] makes the header, which a
//! push knows only at the end (the root is the new index), so the Kubo
//! backend writes blocks to a file first and sends header + file.
//! [`Reader`] reads a CAR stream block by block. [`Verifier`] reads a CAR
//! that came from the network (a trustless gateway's answer) as its bytes
//! arrive, and lets through only blocks of the DAG that was asked for, each
//! checked against its CID.

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

/// Why a CAR from the network was refused. Each names the first thing
/// wrong; nothing after it was read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarError {
    #[error("its header is not a CARv1 header ({0})")]
    Header(String),
    #[error("a frame is malformed ({0})")]
    Frame(String),
    /// A block no block before it links (nor the root): a CAR of the DAG
    /// under the root holds none.
    #[error("it holds block {0}, which was not asked for")]
    Unrequested(Box<Cid>),
    #[error("block {0} in it does not match its CID")]
    Mismatch(Box<Cid>),
    #[error("its links cannot be read from block {0}")]
    Links(Box<Cid>),
    /// The stream ended cleanly and the DAG is not complete.
    #[error("it ended without block {0} of the DAG")]
    Missing(Box<Cid>),
    #[error("it ended in the middle of a block")]
    Truncated,
    #[error("it is longer than {0} bytes, more than the DAG asked for can be")]
    TooLong(u64),
}

/// Reads the CAR of the whole DAG under `root` (a trustless gateway's
/// `?format=car&dag-scope=all` answer, `order=dfs`) as its bytes arrive
/// ([`Verifier::feed`]), and hands on each block once it is checked:
///
/// - its CID must be the root, or linked by a block already read (a CAR in
///   depth-first order lists every block after the block linking it), else
///   [`CarError::Unrequested`];
/// - its bytes must hash to its CID, else [`CarError::Mismatch`];
/// - a block read before may come again (a DAG that links it twice) and is
///   checked and dropped.
///
/// Links are followed in dag-pb blocks (UnixFS files: the packs of format
/// 2); raw blocks have none, and a block of any other codec is a leaf (its
/// links, if any, are not asked for). [`Verifier::finish`] then checks that
/// every block linked was read ([`CarError::Missing`]). At most `limit`
/// bytes are read, and one frame is held at a time (at most a block of
/// 2 MiB), so a hostile stream can cost neither memory nor endless reading.
pub struct Verifier {
    root: Cid,
    buf: Vec<u8>,
    header: bool,
    /// Linked and not read yet.
    wanted: std::collections::HashSet<Cid>,
    /// Read and checked.
    read: std::collections::HashSet<Cid>,
    /// Linked, in the order first linked (for the message naming a missing one).
    order: Vec<Cid>,
    bytes: u64,
    limit: u64,
    /// Blocks linked may be left out (a range of a file).
    partial: bool,
}

/// A varint at the start of `buf`: `None` if `buf` ends first.
fn varint_in(buf: &[u8]) -> Result<Option<(u64, usize)>, CarError> {
    match buf.iter().take(10).position(|b| b & 0x80 == 0) {
        Some(i) => varint(&buf[..=i]).map(|(v, _)| Some((v, i + 1))).map_err(|e| CarError::Frame(e.to_string())),
        None if buf.len() >= 10 => Err(CarError::Frame("a varint is longer than 10 bytes".into())),
        None => Ok(None),
    }
}

impl Verifier {
    pub fn new(root: Cid, limit: u64) -> Verifier {
        let mut wanted = std::collections::HashSet::new();
        wanted.insert(root);
        let read = Default::default();
        Verifier { root, buf: Vec::new(), header: false, wanted, read, order: vec![root], bytes: 0, limit, partial: false }
    }

    /// A reader of part of the DAG under `root` (a gateway's
    /// `dag-scope=entity&entity-bytes=…` answer: the nodes down to the leaves
    /// over a byte range): every block must still be linked by one before
    /// it and match its CID, and [`Verifier::finish`] does not ask for the
    /// blocks left out.
    pub fn partial(root: Cid, limit: u64) -> Verifier {
        Verifier { partial: true, ..Verifier::new(root, limit) }
    }

    /// How many distinct blocks were read and checked.
    pub fn blocks(&self) -> usize {
        self.read.len()
    }

    /// Reads `chunk`, giving `sink` every new block it completes, checked.
    /// An error of `sink` is [`CarError::Frame`] with its text (the store
    /// cannot keep the block).
    pub fn feed(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Block) -> io::Result<()>) -> Result<(), CarError> {
        self.bytes += chunk.len() as u64;
        if self.bytes > self.limit {
            return Err(CarError::TooLong(self.limit));
        }
        self.buf.extend_from_slice(chunk);
        let mut at = 0;
        while let Some((len, n)) = varint_in(&self.buf[at..])? {
            if len > MAX_FRAME {
                return Err(CarError::Frame(format!("a frame of {len} bytes")));
            }
            let end = at + n + len as usize;
            if self.buf.len() < end {
                self.buf.reserve(end - self.buf.len());
                break;
            }
            let frame = self.buf[at + n..end].to_vec();
            at = end;
            if !self.header {
                let h: Header = serde_ipld_dagcbor::from_slice(&frame).map_err(|e| CarError::Header(e.to_string()))?;
                if h.version != 1 {
                    return Err(CarError::Header(format!("version {}", h.version)));
                }
                self.header = true;
                continue;
            }
            self.block(frame, sink)?;
        }
        self.buf.drain(..at);
        Ok(())
    }

    fn block(&mut self, frame: Vec<u8>, sink: &mut dyn FnMut(Block) -> io::Result<()>) -> Result<(), CarError> {
        let mut cur = io::Cursor::new(&frame[..]);
        let cid = Cid::read_bytes(&mut cur).map_err(|e| CarError::Frame(format!("a block's CID: {e}")))?;
        let data = frame[cur.position() as usize..].to_vec();
        let again = self.read.contains(&cid);
        if !again && !self.wanted.contains(&cid) {
            return Err(CarError::Unrequested(Box::new(cid)));
        }
        crate::block::verify(&cid, &data).map_err(|_| CarError::Mismatch(Box::new(cid)))?;
        if again {
            return Ok(());
        }
        if cid.codec() == crate::block::DAG_PB {
            let node = crate::unixfs::decode_node(&cid, &data).map_err(|_| CarError::Links(Box::new(cid)))?;
            for link in node.links {
                if crate::block::inline_data(&link).is_none() && !self.read.contains(&link) && self.wanted.insert(link) {
                    self.order.push(link);
                }
            }
        }
        self.wanted.remove(&cid);
        self.read.insert(cid);
        sink(Block { cid, data }).map_err(|e| CarError::Frame(format!("block {cid} cannot be kept: {e}")))
    }

    /// Checks that the stream ended after a whole frame and held every
    /// block of the DAG.
    pub fn finish(self) -> Result<(), CarError> {
        if !self.buf.is_empty() || !self.header {
            return Err(CarError::Truncated);
        }
        match self.order.iter().find(|c| self.wanted.contains(c) && !self.partial) {
            Some(c) => Err(CarError::Missing(Box::new(*c))),
            None => Ok(()),
        }
    }

    /// The root this reads the DAG of.
    pub fn root(&self) -> &Cid {
        &self.root
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

    /// A UnixFS file of `n` chunks as nip writes it, and its CAR in
    /// depth-first order (root first).
    fn file_car(n: usize) -> (Cid, Vec<Block>, Vec<u8>) {
        let mut b = crate::unixfs::FileBuilder::new();
        let mut leaves = Vec::new();
        for i in 0..n {
            leaves.push(b.chunk(vec![i as u8; crate::unixfs::CHUNK]));
        }
        let (nodes, root) = b.finish();
        let mut blocks: Vec<Block> = nodes.into_iter().rev().collect();
        blocks.extend(leaves);
        let mut car = header(&[root]);
        for blk in &blocks {
            write_block(&mut car, blk).unwrap();
        }
        (root, blocks, car)
    }

    fn verify_car(root: Cid, car: &[u8], step: usize) -> (Vec<Cid>, Result<(), CarError>) {
        let mut v = Verifier::new(root, 1 << 30);
        let mut got = Vec::new();
        for chunk in car.chunks(step) {
            if let Err(e) = v.feed(chunk, &mut |b| {
                got.push(b.cid);
                Ok(())
            }) {
                return (got, Err(e));
            }
        }
        (got, v.finish())
    }

    #[test]
    fn a_whole_dag_passes_in_any_chunking() {
        let (root, blocks, car) = file_car(3);
        for step in [1, 7, 4096, car.len()] {
            let (got, r) = verify_car(root, &car, step);
            assert_eq!(r, Ok(()), "step {step}");
            assert_eq!(got, blocks.iter().map(|b| b.cid).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_flipped_byte_stops_at_that_block() {
        let (root, blocks, mut car) = file_car(3);
        let last = car.len() - 1;
        car[last] ^= 1;
        let (got, r) = verify_car(root, &car, 1000);
        assert_eq!(r, Err(CarError::Mismatch(Box::new(blocks[3].cid))));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn a_missing_block_is_named() {
        let (root, blocks, _) = file_car(3);
        let mut car = header(&[root]);
        for b in blocks.iter().filter(|b| b.cid != blocks[2].cid) {
            write_block(&mut car, b).unwrap();
        }
        assert_eq!(verify_car(root, &car, 100).1, Err(CarError::Missing(Box::new(blocks[2].cid))));
    }

    #[test]
    fn an_unrequested_block_is_refused() {
        let (root, blocks, mut car) = file_car(2);
        let extra = Block::new(RAW, b"not asked for".to_vec());
        write_block(&mut car, &extra).unwrap();
        let (got, r) = verify_car(root, &car, 100);
        assert_eq!(r, Err(CarError::Unrequested(Box::new(extra.cid))));
        assert_eq!(got.len(), blocks.len());
        // A leaf before the node linking it is not asked for yet.
        let mut car = header(&[root]);
        write_block(&mut car, &blocks[1]).unwrap();
        assert_eq!(verify_car(root, &car, 100).1, Err(CarError::Unrequested(Box::new(blocks[1].cid))));
    }

    #[test]
    fn cut_and_overlong_streams_are_refused() {
        let (root, _, car) = file_car(2);
        assert_eq!(verify_car(root, &car[..car.len() - 5], 100).1, Err(CarError::Truncated));
        assert_eq!(verify_car(root, &car[..3], 100).1, Err(CarError::Truncated));
        let mut v = Verifier::new(root, 100);
        assert_eq!(v.feed(&car, &mut |_| Ok(())), Err(CarError::TooLong(100)));
        // A duplicate is checked and not handed on twice.
        let (_, blocks, mut car) = file_car(2);
        write_block(&mut car, &blocks[1]).unwrap();
        let (got, r) = verify_car(root, &car, 50);
        assert_eq!((got.len(), r), (blocks.len(), Ok(())));
    }
}
