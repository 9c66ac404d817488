//! One git object read by hash out of a git pack, with every bound a hostile
//! pack needs.
//!
//! In format 2 an object's record names a pack (by number) and the offset of
//! the object's entry in it; [`read_object`] reads that entry, resolves its
//! delta chain, and checks the result's SHA-1. Where the pack bytes come
//! from is a [`PackSource`]: [`UnixfsPacks`] reads them out of the UnixFS
//! files of a repository's packs, fetching only the leaves it needs.
//!
//! **An entry** (gitformat-pack(5)) starts with a header: one byte
//! `c ttt ssss` (`c` continuation, `ttt` the type, `ssss` the low four bits
//! of the size), then while `c` is set one byte `c sssssss` each, the size
//! growing by seven bits per byte, least significant first. The size is the
//! length of the inflated data. Types 1 to 4 are a whole commit, tree, blob
//! or tag; 6 (`OFS_DELTA`) is followed by the distance back to its base's
//! entry in the same pack (big-endian seven-bit groups, each continuation
//! adding one: `d = c & 127; while c & 128 { d = ((d + 1) << 7) | (c & 127) }`),
//! 7 (`REF_DELTA`) by the 20-byte hash of its base, which may be in this pack
//! or, in a thin pack, in an earlier one. Then comes one zlib stream, which
//! inflates to exactly `size` bytes: the object, or the delta. Bytes after
//! the end of the zlib stream are not looked at (git does not either, when
//! it reads an object by offset). A pack begins with a 12-byte header and
//! ends with a 20-byte SHA-1, so entries lie in `[12, len - 20)`.
//!
//! **A delta** is the source (base) size and the target size, each a
//! little-endian seven-bit varint, then instructions until its end: a byte
//! `1 sss oooo` copies from the base (`oooo` says which of four
//! little-endian offset bytes follow it, `sss` which of three size bytes;
//! size 0 means 0x10000), a byte `0 nnnnnnn` with `n` in 1..=127 inserts
//! the `n` bytes that follow it, and the byte 0 is reserved (an error).
//!
//! **Bounds**, each checked before the work it bounds:
//! - every varint is at most 64 bits (an entry header at most 10 bytes), and
//!   an offset must be inside the pack's entries;
//! - every size the chain declares (each entry's inflated size, each delta's
//!   target size) is at most [`ReadLimits::max_object`] (1 GiB), checked
//!   for every entry of the chain before the first byte is inflated, and for
//!   each delta's target before it is applied; memory is at most the base,
//!   one delta and the target at a time (the chain is walked first, keeping
//!   only positions, then applied from the base up), and the work for one
//!   object at most `max_depth × max_object` bytes inflated and built;
//! - inflation stops one byte past the declared size (more is an error, and
//!   so is fewer), and reads at most `size + size/4 + 4 KiB` compressed bytes
//!   (zlib's worst case, its `deflateBound`, is under `size + size/2000 +
//!   32`), in reads of at
//!   most 64 KiB: never the whole pack;
//! - the chain is walked in a loop, not by recursion, and has at most
//!   [`ReadLimits::max_depth`] deltas (10,000; git writes at most 4,095); an
//!   `OFS_DELTA` base must lie strictly before its delta (and after the pack
//!   header), a `REF_DELTA` base in the same pack or an earlier one, and a
//!   chain that comes back to an entry it already passed is a cycle;
//! - applying a delta, the source size must be the base's length, every copy
//!   must lie inside the base, no instruction may write past the target
//!   size, and the result must be exactly the target size;
//! - the result's SHA-1 over `"<type> <size>\0" + content`, computed with
//!   SHA-1DC (refusing a detected collision, as git does), must be the hash
//!   asked for.

use crate::format::{Hash, ObjectType};
use crate::store::Verified;
use crate::unixfs::{self, UnixfsError};
use cid::Cid;
use flate2::{Decompress, FlushDecompress, Status};
use sha1_checked::{Digest, Sha1};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// The bytes of a repository's packs, by pack number.
pub trait PackSource {
    /// `len` bytes of pack `pack` from `offset`; fewer only where the pack
    /// ends.
    fn read_at(&self, pack: u32, offset: u64, len: usize) -> Result<Vec<u8>, PackReadError>;
    /// The length of pack `pack` in bytes.
    fn pack_len(&self, pack: u32) -> Result<u64, PackReadError>;
    /// Where the object `oid` has its entry, as (pack, offset), if the
    /// repository has it: the object map lookup, for `REF_DELTA` bases.
    fn locate(&self, oid: Hash) -> Result<Option<(u32, u64)>, PackReadError>;
}

/// How much one object may make [`read_object`] do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest size any entry of a delta chain may declare, and any delta's
    /// target: the largest object read.
    pub max_object: u64,
    /// Most deltas in one chain.
    pub max_depth: usize,
}

impl Default for ReadLimits {
    fn default() -> ReadLimits {
        ReadLimits { max_object: 1 << 30, max_depth: 10_000 }
    }
}

/// What to do about a pack that breaks the format.
const DAMAGED: &str = "the pack is damaged or was not written by git; fetch from another copy of the repository, \
                       or ask whoever pushed it to push again";
/// What to do about a record or lookup that points wrongly.
const BAD_MAP: &str = "the repository's object map or packs list is damaged; fetch from another copy of the repository, \
                       or ask whoever pushed it to push again";

/// A step of a delta that cannot be applied (offsets are into the delta).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeltaProblem {
    /// Its header ends or overflows 64 bits.
    Header,
    /// The source size it declares is not its base's length.
    SourceSize { declared: u64, base: u64 },
    /// Its target is larger than the limit.
    TargetTooLarge { size: u64, limit: u64 },
    /// The reserved instruction 0.
    OpcodeZero { at: usize },
    /// A copy of `size` bytes from `offset`, past the end of a base of
    /// `base` bytes.
    CopyOutOfSource { at: usize, offset: u64, size: u64, base: u64 },
    /// An instruction whose operands the delta does not hold.
    Truncated { at: usize },
    /// An instruction that would write past the target size.
    PastTarget { at: usize, target: u64 },
    /// The instructions built fewer bytes than the target size.
    ShortResult { built: u64, target: u64 },
}

impl std::fmt::Display for DeltaProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeltaProblem::Header => write!(f, "its source and target sizes are cut short or pass 64 bits"),
            DeltaProblem::SourceSize { declared, base } => {
                write!(f, "it applies to a base of {declared} bytes, and its base has {base}")
            }
            DeltaProblem::TargetTooLarge { size, limit } => {
                write!(f, "it builds an object of {size} bytes, and nip reads objects of up to {limit} bytes")
            }
            DeltaProblem::OpcodeZero { at } => write!(f, "it has the reserved instruction 0 at byte {at}"),
            DeltaProblem::CopyOutOfSource { at, offset, size, base } => {
                write!(f, "its instruction at byte {at} copies {size} bytes from offset {offset} of a base of {base} bytes")
            }
            DeltaProblem::Truncated { at } => write!(f, "its instruction at byte {at} is cut short"),
            DeltaProblem::PastTarget { at, target } => {
                write!(f, "its instruction at byte {at} writes past the {target} bytes it declares")
            }
            DeltaProblem::ShortResult { built, target } => {
                write!(f, "it builds {built} bytes where it declares {target}")
            }
        }
    }
}

/// What reading an object out of a pack can fail with. Each message names
/// the object, the pack and offset of the entry at fault, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum PackReadError {
    /// The repository is in format 1: it has no packs to read `oid` from.
    #[error("this is a format 1 repository: its objects are NIPObject blocks, not packs")]
    Format1 { oid: Hash },
    /// A pack number the source does not have.
    #[error("pack {pack} is not in the repository (it has {packs} packs); {BAD_MAP}")]
    NoPack { pack: u32, packs: usize },
    /// Reading a pack's UnixFS file failed (`error` is shown, so it is not
    /// the `source()`).
    #[error("reading pack {pack} ({root}): {error}")]
    Unixfs { pack: u32, root: Cid, error: Box<UnixfsError> },
    /// Another [`PackSource`] failure.
    #[error("reading pack {pack}: {why}")]
    Source { pack: u32, why: String },
    /// The object map lookup failed.
    #[error("looking up object {oid}: {why}")]
    Locate { oid: Hash, why: String },
    /// The source failed while `oid` was read (`error` is shown, so it is
    /// not the `source()`).
    #[error("object {oid}: {error}")]
    Reading { oid: Hash, error: Box<PackReadError> },
    /// The source gave a length other than the one asked for.
    #[error("object {oid}: pack {pack} gave {got} bytes at offset {offset} where {wanted} were asked inside it; the store or the packs list is damaged")]
    ShortRead { oid: Hash, pack: u32, offset: u64, wanted: usize, got: usize },
    #[error("object {oid}: offset {offset} is not where an entry of pack {pack} can start: the pack has {len} bytes, and its entries lie between byte 12 and its 20-byte trailer; {BAD_MAP}")]
    Outside { oid: Hash, pack: u32, offset: u64, len: u64 },
    #[error("object {oid}: the entry header in pack {pack} at offset {offset} {why}; {DAMAGED}")]
    Header { oid: Hash, pack: u32, offset: u64, why: &'static str },
    #[error(
        "object {oid}: the entry in pack {pack} at offset {offset} has type {code}, which is not a git pack type; {DAMAGED}"
    )]
    Type { oid: Hash, pack: u32, offset: u64, code: u8 },
    #[error("object {oid}: the entry in pack {pack} at offset {offset} declares {size} bytes, and nip reads objects (and every base and delta on their way) of up to {limit} bytes; the pack is hostile or the object is larger than nip can read")]
    TooLarge { oid: Hash, pack: u32, offset: u64, size: u64, limit: u64 },
    #[error("object {oid}: the compressed data in pack {pack} at offset {offset} is not valid zlib ({why}); {DAMAGED}")]
    Corrupt { oid: Hash, pack: u32, offset: u64, why: String },
    #[error("object {oid}: the compressed data in pack {pack} at offset {offset} runs into the end of the pack; {DAMAGED}")]
    Truncated { oid: Hash, pack: u32, offset: u64 },
    #[error("object {oid}: the compressed data in pack {pack} at offset {offset} takes more than {read} bytes to give {size}, more than any zlib writes; {DAMAGED}")]
    Bloated { oid: Hash, pack: u32, offset: u64, size: u64, read: u64 },
    #[error("object {oid}: the entry in pack {pack} at offset {offset} inflates to more than the {declared} bytes its header declares; {DAMAGED}")]
    Longer { oid: Hash, pack: u32, offset: u64, declared: u64 },
    #[error("object {oid}: the entry in pack {pack} at offset {offset} inflates to {got} bytes where its header declares {declared}; {DAMAGED}")]
    Shorter { oid: Hash, pack: u32, offset: u64, declared: u64, got: u64 },
    #[error("object {oid}: the delta in pack {pack} at offset {offset} names its base {distance} bytes back, {why}; {DAMAGED}")]
    OfsBase { oid: Hash, pack: u32, offset: u64, distance: u64, why: &'static str },
    #[error("object {oid}: the delta in pack {pack} at offset {offset} has its base {base} in pack {base_pack}, a later one; a pack's bases are in it or in earlier packs, so {BAD_MAP}")]
    LaterPack { oid: Hash, pack: u32, offset: u64, base: Hash, base_pack: u32 },
    #[error("object {oid}: the delta in pack {pack} at offset {offset} has its base {base}, which is not in the repository; {BAD_MAP}")]
    MissingBase { oid: Hash, pack: u32, offset: u64, base: Hash },
    #[error("object {oid}: its delta chain from pack {pack} at offset {offset} comes back to the entry in pack {again_pack} at offset {again_offset}: a cycle; {DAMAGED}")]
    Cycle { oid: Hash, pack: u32, offset: u64, again_pack: u32, again_offset: u64 },
    #[error("object {oid}: its delta chain in pack {pack} at offset {offset} is deeper than {limit} (git writes at most 4095); {DAMAGED}")]
    TooDeep { oid: Hash, pack: u32, offset: u64, limit: usize },
    #[error("object {oid}: the delta in pack {pack} at offset {offset} cannot be applied: {problem}; {DAMAGED}")]
    Delta { oid: Hash, pack: u32, offset: u64, problem: DeltaProblem },
    #[error("object {oid}: the entry in pack {pack} at offset {offset} gives a {kind} whose SHA-1 is {actual}; {BAD_MAP}")]
    HashMismatch { oid: Hash, pack: u32, offset: u64, kind: &'static str, actual: Hash },
    #[error("object {oid}: the entry in pack {pack} at offset {offset} gives content that is a SHA-1 collision attack (detected by SHA-1DC, as git detects it); do not use this repository")]
    Collision { oid: Hash, pack: u32, offset: u64 },
}

/// The object type of pack type number `code` (1 to 4), if it is one.
pub fn from_pack_code(code: u8) -> Option<ObjectType> {
    Some(match code {
        1 => ObjectType::Commit,
        2 => ObjectType::Tree,
        3 => ObjectType::Blob,
        4 => ObjectType::Tag,
        _ => return None,
    })
}

const OFS_DELTA: u8 = 6;
const REF_DELTA: u8 = 7;
/// Bytes before the first entry ("PACK", version, count).
const PACK_HEADER: u64 = 12;
/// Bytes after the last entry (the pack's SHA-1).
const PACK_TRAILER: u64 = 20;
/// Longest entry header: 10 size bytes, then a 20-byte base hash.
const HEADER_READ: u64 = 32;
/// Most compressed bytes asked of the source at once.
pub const READ_STEP: u64 = 64 * 1024;

/// Where an entry's base is.
#[derive(Clone, Copy, Debug)]
enum Base {
    None,
    Ofs(u64),
    Ref(Hash),
}

/// An entry's header, read, and what followed it in the same read.
#[derive(Debug)]
struct Entry {
    pack: u32,
    offset: u64,
    code: u8,
    size: u64,
    base: Base,
    /// Where its zlib stream starts.
    data: u64,
    /// Bytes from `data` that came with the header's read.
    first: Vec<u8>,
    /// Where the pack's entries end (its trailer starts).
    end: u64,
}

/// Reads the object `oid` whose entry is in pack `pack` at `offset`: its
/// type and content, checked against `oid`. See the module documentation
/// for what is checked.
pub fn read_object(
    src: &dyn PackSource,
    oid: Hash,
    pack: u32,
    offset: u64,
    limits: &ReadLimits,
) -> Result<(ObjectType, Vec<u8>), PackReadError> {
    let reading = |e: PackReadError| PackReadError::Reading { oid, error: Box::new(e) };
    let mut lens: HashMap<u32, u64> = HashMap::new();
    let mut seen: HashSet<(u32, u64)> = HashSet::new();
    // The deltas from the object down to its base, walked first; only
    // their headers are read.
    let mut deltas: Vec<Entry> = Vec::new();
    let (mut p, mut o) = (pack, offset);
    let base = loop {
        if !seen.insert((p, o)) {
            return Err(PackReadError::Cycle { oid, pack, offset, again_pack: p, again_offset: o });
        }
        let len = match lens.get(&p) {
            Some(l) => *l,
            None => {
                let l = src.pack_len(p).map_err(reading)?;
                lens.insert(p, l);
                l
            }
        };
        let entry = read_header(src, oid, p, o, len)?;
        if entry.size > limits.max_object {
            return Err(PackReadError::TooLarge { oid, pack: p, offset: o, size: entry.size, limit: limits.max_object });
        }
        (p, o) = match entry.base {
            Base::None => break entry,
            Base::Ofs(distance) => {
                let why = if distance == 0 {
                    Some("which is itself")
                } else if distance > o || o - distance < PACK_HEADER {
                    Some("before the first entry of the pack")
                } else {
                    None
                };
                if let Some(why) = why {
                    return Err(PackReadError::OfsBase { oid, pack: p, offset: o, distance, why });
                }
                (p, o - distance)
            }
            Base::Ref(base) => match src.locate(base).map_err(reading)? {
                None => return Err(PackReadError::MissingBase { oid, pack: p, offset: o, base }),
                Some((bp, _)) if bp > p => return Err(PackReadError::LaterPack { oid, pack: p, offset: o, base, base_pack: bp }),
                Some(at) => at,
            },
        };
        deltas.push(entry);
        if deltas.len() > limits.max_depth {
            return Err(PackReadError::TooDeep { oid, pack, offset, limit: limits.max_depth });
        }
    };
    let kind = from_pack_code(base.code).ok_or(PackReadError::Type { oid, pack: p, offset: o, code: base.code })?;
    let mut content = inflate(src, oid, base)?;
    while let Some(d) = deltas.pop() {
        let (dp, doff) = (d.pack, d.offset);
        let delta = inflate(src, oid, d)?;
        content = apply_delta(&content, &delta, limits.max_object).map_err(|problem| PackReadError::Delta {
            oid,
            pack: dp,
            offset: doff,
            problem,
        })?;
    }
    let mut sha = Sha1::new();
    sha.update(format!("{} {}\0", kind.name(), content.len()).as_bytes());
    sha.update(&content);
    let result = sha.try_finalize();
    if result.has_collision() {
        return Err(PackReadError::Collision { oid, pack, offset });
    }
    let actual = Hash((*result.hash()).into());
    if actual != oid {
        return Err(PackReadError::HashMismatch { oid, pack, offset, kind: kind.name(), actual });
    }
    Ok((kind, content))
}

/// Asks the source for exactly `len` bytes (the caller keeps them inside
/// the pack's entries).
fn read_exact(src: &dyn PackSource, oid: Hash, pack: u32, offset: u64, len: u64) -> Result<Vec<u8>, PackReadError> {
    let wanted = len as usize; // at most HEADER_READ or READ_STEP
    let got = src.read_at(pack, offset, wanted).map_err(|e| PackReadError::Reading { oid, error: Box::new(e) })?;
    if got.len() != wanted {
        return Err(PackReadError::ShortRead { oid, pack, offset, wanted, got: got.len() });
    }
    Ok(got)
}

/// Reads and parses the header of the entry at `offset` of pack `pack`, of
/// `len` bytes.
fn read_header(src: &dyn PackSource, oid: Hash, pack: u32, offset: u64, len: u64) -> Result<Entry, PackReadError> {
    let end = len.saturating_sub(PACK_TRAILER);
    if offset < PACK_HEADER || offset >= end {
        return Err(PackReadError::Outside { oid, pack, offset, len });
    }
    let buf = read_exact(src, oid, pack, offset, HEADER_READ.min(end - offset))?;
    let bad = |why| PackReadError::Header { oid, pack, offset, why };
    let cut = "is cut short by the end of the pack";
    let mut i = 0;
    let mut next = || {
        let b = buf.get(i).copied();
        i += 1;
        b.ok_or(bad(cut))
    };
    let mut c = next()?;
    let code = (c >> 4) & 7;
    let mut size = u64::from(c & 15);
    let mut shift = 4;
    while c & 0x80 != 0 {
        c = next()?;
        let bits = u64::from(c & 0x7f);
        if shift >= 64 || (bits << shift) >> shift != bits {
            return Err(bad("declares a size past 64 bits"));
        }
        size |= bits << shift;
        shift += 7;
    }
    let base = match code {
        1..=4 => Base::None,
        OFS_DELTA => {
            let mut c = next()?;
            let mut distance = u64::from(c & 0x7f);
            while c & 0x80 != 0 {
                c = next()?;
                distance = distance.checked_add(1).filter(|d| d >> 57 == 0).ok_or(bad("names a base offset past 64 bits"))? << 7
                    | u64::from(c & 0x7f);
            }
            Base::Ofs(distance)
        }
        REF_DELTA => {
            let mut h = [0u8; 20];
            for b in &mut h {
                *b = next()?;
            }
            Base::Ref(Hash(h))
        }
        code => return Err(PackReadError::Type { oid, pack, offset, code }),
    };
    let first = buf[i.min(buf.len())..].to_vec();
    Ok(Entry { pack, offset, code, size, base, data: offset + i as u64, first, end })
}

/// The most compressed bytes `size` inflated bytes may take: zlib writes
/// under `size + size/2000 + 32` (its `deflateBound`); a quarter more and
/// 4 KiB leave room for any other encoder.
fn max_compressed(size: u64) -> u64 {
    size.saturating_add(size / 4).saturating_add(4096)
}

/// Inflates the entry's zlib stream to exactly its declared size, reading
/// it in steps of at most [`READ_STEP`].
fn inflate(src: &dyn PackSource, oid: Hash, e: Entry) -> Result<Vec<u8>, PackReadError> {
    let Entry { pack, offset, size, data, first, end, .. } = e;
    let limit = max_compressed(size);
    let mut z = Decompress::new(true);
    // The output grows as it fills, to one byte past the declared size (the
    // size was checked against the limit; a hostile stream that ends early
    // costs no more than it gives).
    let mut out: Vec<u8> = Vec::new();
    let mut input = first;
    let mut pos = 0usize;
    // Compressed bytes fetched so far, from `data`.
    let mut fetched = input.len() as u64;
    loop {
        if pos == input.len() {
            if fetched > limit {
                return Err(PackReadError::Bloated { oid, pack, offset, size, read: limit });
            }
            let at = data + fetched;
            let n = READ_STEP.min(end - at).min(limit + 1 - fetched);
            if n == 0 {
                return Err(PackReadError::Truncated { oid, pack, offset });
            }
            input = read_exact(src, oid, pack, at, n)?;
            pos = 0;
            fetched += n;
        }
        if out.len() == out.capacity() {
            let room = (size.saturating_add(1) - out.len() as u64).min((out.len() as u64).max(READ_STEP));
            out.reserve_exact(room as usize);
        }
        let (before, had) = (z.total_in(), out.len());
        let status = z.decompress_vec(&input[pos..], &mut out, FlushDecompress::None).map_err(|e| PackReadError::Corrupt {
            oid,
            pack,
            offset,
            why: e.to_string(),
        })?;
        let used = (z.total_in() - before) as usize;
        if used == 0 && out.len() == had && status != Status::StreamEnd {
            // Input and room were there: zlib always moves on, or fails.
            return Err(PackReadError::Corrupt { oid, pack, offset, why: "inflation stopped moving".into() });
        }
        pos += used;
        if out.len() as u64 > size {
            return Err(PackReadError::Longer { oid, pack, offset, declared: size });
        }
        match status {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError => {}
        }
    }
    if out.len() as u64 != size {
        return Err(PackReadError::Shorter { oid, pack, offset, declared: size, got: out.len() as u64 });
    }
    Ok(out)
}

/// A little-endian seven-bit varint of a delta header, at most 64 bits.
fn delta_varint(delta: &[u8], pos: &mut usize) -> Result<u64, DeltaProblem> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let c = *delta.get(*pos).ok_or(DeltaProblem::Header)?;
        *pos += 1;
        let bits = u64::from(c & 0x7f);
        if shift >= 64 || (bits << shift) >> shift != bits {
            return Err(DeltaProblem::Header);
        }
        v |= bits << shift;
        shift += 7;
        if c & 0x80 == 0 {
            return Ok(v);
        }
    }
}

/// Applies a git delta to `base`: the target, checked at every step.
pub fn apply_delta(base: &[u8], delta: &[u8], max_object: u64) -> Result<Vec<u8>, DeltaProblem> {
    let mut pos = 0;
    let source = delta_varint(delta, &mut pos)?;
    let target = delta_varint(delta, &mut pos)?;
    if source != base.len() as u64 {
        return Err(DeltaProblem::SourceSize { declared: source, base: base.len() as u64 });
    }
    if target > max_object {
        return Err(DeltaProblem::TargetTooLarge { size: target, limit: max_object });
    }
    // Capacity grows with what the instructions really write.
    let mut out: Vec<u8> = Vec::with_capacity(target.min(base.len() as u64 + delta.len() as u64) as usize);
    while pos < delta.len() {
        let at = pos;
        let cmd = delta[pos];
        pos += 1;
        if cmd & 0x80 != 0 {
            let mut operand = |bits: u8, bytes: u32| -> Result<u64, DeltaProblem> {
                let mut v = 0u64;
                for i in 0..bytes {
                    if bits & (1 << i) != 0 {
                        let b = *delta.get(pos).ok_or(DeltaProblem::Truncated { at })?;
                        pos += 1;
                        v |= u64::from(b) << (8 * i);
                    }
                }
                Ok(v)
            };
            let offset = operand(cmd & 0x0f, 4)?;
            let size = match operand((cmd >> 4) & 0x07, 3)? {
                0 => 0x10000,
                n => n,
            };
            // offset < 2^32 and size < 2^24: no overflow.
            if offset + size > base.len() as u64 {
                return Err(DeltaProblem::CopyOutOfSource { at, offset, size, base: base.len() as u64 });
            }
            if out.len() as u64 + size > target {
                return Err(DeltaProblem::PastTarget { at, target });
            }
            out.extend_from_slice(&base[offset as usize..(offset + size) as usize]);
        } else if cmd != 0 {
            let n = usize::from(cmd);
            let bytes = delta.get(pos..pos + n).ok_or(DeltaProblem::Truncated { at })?;
            if (out.len() + n) as u64 > target {
                return Err(DeltaProblem::PastTarget { at, target });
            }
            out.extend_from_slice(bytes);
            pos += n;
        } else {
            return Err(DeltaProblem::OpcodeZero { at });
        }
    }
    if out.len() as u64 != target {
        return Err(DeltaProblem::ShortResult { built: out.len() as u64, target });
    }
    Ok(out)
}

/// The bytes of a repository's packs, read out of their UnixFS files.
///
/// `packs` is, by pack number, each pack's root CID and length (its packs
/// list entry); `locate` is the object map lookup. A read fetches whole
/// leaves anyway, so it asks [`unixfs::read_range`] for the
/// [`unixfs::CHUNK`]-aligned span around the bytes wanted and keeps the
/// last such span: the header read and the inflation reads that follow it
/// fetch each leaf once.
pub struct UnixfsPacks<'a, F> {
    blocks: &'a Verified<'a>,
    packs: Vec<(Cid, u64)>,
    locate: F,
    /// The last span read: pack, its first byte, its bytes.
    last: Mutex<Option<(u32, u64, Vec<u8>)>>,
}

impl<'a, F> UnixfsPacks<'a, F>
where
    F: Fn(Hash) -> Result<Option<(u32, u64)>, PackReadError>,
{
    pub fn new(blocks: &'a Verified<'a>, packs: Vec<(Cid, u64)>, locate: F) -> UnixfsPacks<'a, F> {
        UnixfsPacks { blocks, packs, locate, last: Mutex::new(None) }
    }

    fn pack(&self, pack: u32) -> Result<(Cid, u64), PackReadError> {
        self.packs.get(pack as usize).copied().ok_or(PackReadError::NoPack { pack, packs: self.packs.len() })
    }
}

impl<F> PackSource for UnixfsPacks<'_, F>
where
    F: Fn(Hash) -> Result<Option<(u32, u64)>, PackReadError>,
{
    fn read_at(&self, pack: u32, offset: u64, len: usize) -> Result<Vec<u8>, PackReadError> {
        let (root, size) = self.pack(pack)?;
        if offset > size {
            return Err(PackReadError::Source { pack, why: format!("offset {offset} is past its end ({size} bytes)") });
        }
        let end = offset.saturating_add(len as u64).min(size);
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((p, start, bytes)) = last.as_ref() {
            if *p == pack && *start <= offset && end <= start + bytes.len() as u64 {
                return Ok(bytes[(offset - start) as usize..(end - start) as usize].to_vec());
            }
        }
        let chunk = unixfs::CHUNK as u64;
        let start = offset / chunk * chunk;
        let stop = end.div_ceil(chunk).saturating_mul(chunk).min(size);
        let mut bytes = Vec::with_capacity((stop - start) as usize);
        self.blocks.store().prefetch_range(&root, start, stop - start);
        unixfs::read_range(self.blocks, &root, size, start, stop - start, &mut |b: &[u8]| {
            bytes.extend_from_slice(b);
            Ok(())
        })
        .map_err(|e| PackReadError::Unixfs { pack, root, error: Box::new(e) })?;
        let out = bytes[(offset - start) as usize..(end - start) as usize].to_vec();
        *last = Some((pack, start, bytes));
        Ok(out)
    }

    fn pack_len(&self, pack: u32) -> Result<u64, PackReadError> {
        Ok(self.pack(pack)?.1)
    }

    fn locate(&self, oid: Hash) -> Result<Option<(u32, u64)>, PackReadError> {
        (self.locate)(oid)
    }
}

/// Reads the object `oid` of the format 2 repository `index` from its
/// address alone: the object map gives its record, the packs list its
/// pack, and [`read_object`] the bytes. `None` if the map does not hold it.
pub fn read_by_hash(
    blocks: &Verified<'_>,
    index: &crate::format::NipIndex,
    oid: Hash,
    limits: &ReadLimits,
) -> Result<Option<(crate::records::Record, ObjectType, Vec<u8>)>, crate::Error> {
    let Some(links) = index.v2 else {
        return Err(PackReadError::Format1 { oid }.into());
    };
    let map = crate::records::object_map(blocks, index);
    let Some(record) = map.lookup_many(&[oid.0])?.pop().flatten() else { return Ok(None) };
    let packs = match links.packs {
        Some(root) => crate::records::read_packs(blocks, &root)?,
        None => Vec::new(),
    };
    let locate = |h: Hash| -> Result<Option<(u32, u64)>, PackReadError> {
        let found = map.lookup_many(&[h.0]).map_err(|e| PackReadError::Source { pack: record.pack, why: e.to_string() })?;
        Ok(found.into_iter().flatten().next().map(|r| (r.pack, r.offset)))
    };
    let source = UnixfsPacks::new(blocks, packs.iter().map(|p| (p.pack, p.bytes)).collect(), locate);
    let (kind, content) = read_object(&source, oid, record.pack, record.offset, limits)?;
    if kind != record.kind || content.len() as u64 != record.size {
        return Err(crate::Error::Object {
            oid: oid.to_string(),
            why: format!(
                "its record says a {} of {} bytes, its pack holds a {} of {}",
                record.kind.name(),
                record.size,
                kind.name(),
                content.len()
            ),
        });
    }
    Ok(Some((record, kind, content)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::Path;
    use std::process::{Command, Stdio};
    use std::sync::OnceLock;

    /// Packs in memory; records every read.
    struct MemPacks {
        packs: Vec<Vec<u8>>,
        at: HashMap<Hash, (u32, u64)>,
        reads: Mutex<Vec<(u32, u64, usize)>>,
    }

    impl MemPacks {
        fn new(packs: Vec<Vec<u8>>, at: HashMap<Hash, (u32, u64)>) -> MemPacks {
            MemPacks { packs, at, reads: Mutex::new(Vec::new()) }
        }
        fn reads(&self) -> Vec<(u32, u64, usize)> {
            self.reads.lock().unwrap().clone()
        }
    }

    impl PackSource for MemPacks {
        fn read_at(&self, pack: u32, offset: u64, len: usize) -> Result<Vec<u8>, PackReadError> {
            self.reads.lock().unwrap().push((pack, offset, len));
            let p = self.packs.get(pack as usize).ok_or(PackReadError::NoPack { pack, packs: self.packs.len() })?;
            let start = (offset as usize).min(p.len());
            Ok(p[start..(start + len).min(p.len())].to_vec())
        }
        fn pack_len(&self, pack: u32) -> Result<u64, PackReadError> {
            let p = self.packs.get(pack as usize).ok_or(PackReadError::NoPack { pack, packs: self.packs.len() })?;
            Ok(p.len() as u64)
        }
        fn locate(&self, oid: Hash) -> Result<Option<(u32, u64)>, PackReadError> {
            Ok(self.at.get(&oid).copied())
        }
    }

    fn hex(s: &str) -> Hash {
        let mut h = [0u8; 20];
        for (i, b) in h.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        Hash(h)
    }

    fn oid_of(kind: ObjectType, content: &[u8]) -> Hash {
        let mut sha = sha1::Sha1::new();
        sha1::Digest::update(&mut sha, format!("{} {}\0", kind.name(), content.len()).as_bytes());
        sha1::Digest::update(&mut sha, content);
        Hash(sha1::Digest::finalize(sha).into())
    }

    fn git(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
        let mut cmd = Command::new("git");
        cmd.current_dir(dir)
            .args(["-c", "pack.threads=1"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", dir)
            .env("GIT_AUTHOR_NAME", "A U Thor")
            .env("GIT_AUTHOR_EMAIL", "author@example.com")
            .env("GIT_COMMITTER_NAME", "C O Mitter")
            .env("GIT_COMMITTER_EMAIL", "committer@example.com")
            .env("GIT_AUTHOR_DATE", "1700000000 +0000")
            .env("GIT_COMMITTER_DATE", "1700000000 +0000")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("git runs");
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or_default()).unwrap();
        drop(input);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    /// One object of the fixture's packs, as git reports it.
    #[derive(Clone)]
    struct Obj {
        oid: Hash,
        kind: ObjectType,
        content: Vec<u8>,
        pack: u32,
        offset: u64,
        /// Bytes of its entry in the pack.
        in_pack: u64,
        /// Its delta chain's length (0: whole).
        depth: usize,
    }

    /// Two real packs made by git: pack 0, `git repack -adf --depth=50
    /// --window=50` of 40 commits that edit one text file and one 700 KB
    /// binary file (and an annotated tag); pack 1, the thin pack of 10 more
    /// such commits (`git pack-objects --thin --stdout --revs
    /// --delta-base-offset`, `^` the 40th), whose REF_DELTA bases are in
    /// pack 0.
    struct Fixture {
        packs: Vec<Vec<u8>>,
        objects: Vec<Obj>,
    }

    impl Fixture {
        fn source(&self) -> MemPacks {
            MemPacks::new(self.packs.clone(), self.objects.iter().map(|o| (o.oid, (o.pack, o.offset))).collect())
        }
        fn deepest(&self) -> &Obj {
            self.objects.iter().filter(|o| o.pack == 0).max_by_key(|o| o.depth).unwrap()
        }
    }

    /// `git verify-pack -v` of an index: (oid, offset, bytes in pack, depth).
    fn verify_pack(dir: &Path, idx: &Path) -> Vec<(Hash, u64, u64, usize)> {
        let out = git(dir, &["verify-pack", "-v", idx.to_str().unwrap()], None);
        String::from_utf8(out)
            .unwrap()
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (f.len() >= 5 && f[0].len() == 40 && f[0].bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
                    (hex(f[0]), f[4].parse().unwrap(), f[3].parse().unwrap(), f.get(5).map_or(0, |d| d.parse().unwrap()))
                })
            })
            .collect()
    }

    /// The content and type of objects, by `git cat-file --batch`.
    fn cat_files(dir: &Path, oids: &[Hash]) -> Vec<(ObjectType, Vec<u8>)> {
        let input: String = oids.iter().map(|o| format!("{o}\n")).collect();
        let out = git(dir, &["cat-file", "--batch"], Some(input.as_bytes()));
        let mut rest = &out[..];
        let mut got = Vec::new();
        for oid in oids {
            let nl = rest.iter().position(|b| *b == b'\n').unwrap();
            let line = std::str::from_utf8(&rest[..nl]).unwrap();
            let f: Vec<&str> = line.split(' ').collect();
            assert_eq!(f[0], oid.to_string());
            let size: usize = f[2].parse().unwrap();
            got.push((ObjectType::from_name(f[1]).unwrap(), rest[nl + 1..nl + 1 + size].to_vec()));
            rest = &rest[nl + 1 + size + 1..];
        }
        got
    }

    fn edit(dir: &Path, i: usize, text: &mut Vec<String>, big: &mut [u8]) {
        let n = text.len();
        text[i * 7 % n] = format!("line {} edited in commit {i}", i * 7 % n);
        text.push(format!("line added in commit {i}"));
        std::fs::write(dir.join("f.txt"), text.join("\n")).unwrap();
        let at = (i * 65_537) % big.len();
        big[at] ^= 0x5a;
        std::fs::write(dir.join("big.bin"), &*big).unwrap();
    }

    fn fixture() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(|| {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("repo");
            std::fs::create_dir(&dir).unwrap();
            git(&dir, &["init", "-q"], None);
            let mut text: Vec<String> =
                (0..300).map(|i| format!("line {i} of a file that changes a little in every commit")).collect();
            let mut x = 0x2545_f491_4f6c_dd1du64;
            let mut big: Vec<u8> = (0..700_000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let mut c40 = String::new();
            for i in 1..=50 {
                edit(&dir, i, &mut text, &mut big);
                git(&dir, &["add", "-A"], None);
                git(&dir, &["commit", "-q", "-m", &format!("commit {i}")], None);
                if i == 10 {
                    git(&dir, &["tag", "-a", "v1", "-m", "an annotated tag"], None);
                }
                if i == 40 {
                    git(&dir, &["repack", "-adfq", "--depth=50", "--window=50"], None);
                    c40 = String::from_utf8(git(&dir, &["rev-parse", "HEAD"], None)).unwrap().trim().to_string();
                }
            }
            let packdir = dir.join(".git/objects/pack");
            let idx0 = std::fs::read_dir(&packdir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|e| e == "idx"))
                .unwrap();
            let pack0 = std::fs::read(idx0.with_extension("pack")).unwrap();
            let thin = git(
                &dir,
                &["pack-objects", "-q", "--thin", "--stdout", "--revs", "--delta-base-offset"],
                Some(format!("HEAD\n^{c40}\n").as_bytes()),
            );
            let fixed = tmp.path().join("fixed.pack");
            git(&dir, &["index-pack", "--stdin", "--fix-thin", fixed.to_str().unwrap()], Some(&thin));
            let mut rows: Vec<(u32, (Hash, u64, u64, usize))> = verify_pack(&dir, &idx0).into_iter().map(|r| (0, r)).collect();
            // --fix-thin appends the missing bases after the thin pack's entries.
            let thin_end = thin.len() as u64 - 20;
            rows.extend(verify_pack(&dir, &fixed.with_extension("idx")).into_iter().filter(|r| r.1 < thin_end).map(|r| (1, r)));
            let oids: Vec<Hash> = rows.iter().map(|r| r.1 .0).collect();
            let contents = cat_files(&dir, &oids);
            let objects = rows
                .into_iter()
                .zip(contents)
                .map(|((pack, (oid, offset, in_pack, depth)), (kind, content))| Obj {
                    oid,
                    kind,
                    content,
                    pack,
                    offset,
                    in_pack,
                    depth,
                })
                .collect();
            Fixture { packs: vec![pack0, thin], objects }
        })
    }

    fn code_at(pack: &[u8], offset: u64) -> u8 {
        (pack[offset as usize] >> 4) & 7
    }

    #[test]
    fn every_object_of_a_real_pack_reads_back() {
        let f = fixture();
        let src = f.source();
        let ours: Vec<&Obj> = f.objects.iter().filter(|o| o.pack == 0).collect();
        let kinds: HashSet<ObjectType> = ours.iter().map(|o| o.kind).collect();
        assert_eq!(kinds.len(), 4, "commits, trees, blobs and a tag");
        assert!(f.deepest().depth >= 20, "deltas up to depth {}", f.deepest().depth);
        assert!(ours.iter().any(|o| code_at(&f.packs[0], o.offset) == OFS_DELTA));
        for o in ours {
            let (kind, content) =
                read_object(&src, o.oid, o.pack, o.offset, &ReadLimits::default()).unwrap_or_else(|e| panic!("{}: {e}", o.oid));
            assert_eq!(kind, o.kind, "{}", o.oid);
            assert!(content == o.content, "{} differs from git cat-file", o.oid);
        }
    }

    #[test]
    fn thin_pack_reads_its_bases_from_the_earlier_pack() {
        let f = fixture();
        let src = f.source();
        let thin: Vec<&Obj> = f.objects.iter().filter(|o| o.pack == 1).collect();
        assert!(thin.len() >= 30);
        let mut external = 0;
        for o in &thin {
            if code_at(&f.packs[1], o.offset) == REF_DELTA {
                let entry = read_header(&src, o.oid, 1, o.offset, f.packs[1].len() as u64).unwrap();
                let Base::Ref(base) = entry.base else { panic!() };
                if f.objects.iter().any(|b| b.oid == base && b.pack == 0) {
                    external += 1;
                }
            }
            let (kind, content) =
                read_object(&src, o.oid, 1, o.offset, &ReadLimits::default()).unwrap_or_else(|e| panic!("{}: {e}", o.oid));
            assert_eq!(kind, o.kind);
            assert!(content == o.content, "{} differs from git cat-file", o.oid);
        }
        assert!(external >= 2, "{external} REF_DELTA entries with a base in pack 0");
    }

    /// The large blob is read in steps of at most 64 KiB, about its own
    /// entry's bytes in all, and never the whole pack.
    #[test]
    fn reads_are_incremental() {
        let f = fixture();
        let big = f.objects.iter().filter(|o| o.pack == 0 && o.depth == 0).max_by_key(|o| o.content.len()).unwrap();
        assert!(big.content.len() == 700_000 && big.in_pack > 3 * READ_STEP, "{}", big.in_pack);
        let src = f.source();
        read_object(&src, big.oid, 0, big.offset, &ReadLimits::default()).unwrap();
        let reads = src.reads();
        assert!(reads.len() > 3, "{} reads", reads.len());
        assert!(reads[0].2 as u64 <= HEADER_READ);
        assert!(reads.iter().all(|r| r.2 as u64 <= READ_STEP), "{reads:?}");
        let total: u64 = reads.iter().map(|r| r.2 as u64).sum();
        assert!(total <= big.in_pack + HEADER_READ + READ_STEP, "{total} bytes read for an entry of {}", big.in_pack);
        assert!(total < f.packs[0].len() as u64);
    }

    #[test]
    fn wrong_hash_is_refused() {
        let f = fixture();
        let src = f.source();
        let o = &f.objects[3];
        let mut other = o.oid;
        other.0[19] ^= 1;
        let err = read_object(&src, other, o.pack, o.offset, &ReadLimits::default()).unwrap_err();
        assert!(matches!(&err, PackReadError::HashMismatch { actual, .. } if *actual == o.oid), "{err}");
        assert!(err.to_string().contains(&other.to_string()) && err.to_string().contains(&o.oid.to_string()), "{err}");
    }

    /// The deepest chain of the real pack reads with exactly its depth as
    /// the bound, and not with one less.
    #[test]
    fn depth_bound_on_a_real_chain() {
        let f = fixture();
        let src = f.source();
        let o = f.deepest();
        let limits = |max_depth| ReadLimits { max_depth, ..ReadLimits::default() };
        read_object(&src, o.oid, 0, o.offset, &limits(o.depth)).unwrap();
        let err = read_object(&src, o.oid, 0, o.offset, &limits(o.depth - 1)).unwrap_err();
        assert!(matches!(err, PackReadError::TooDeep { limit, .. } if limit == o.depth - 1), "{err}");
        let want = format!("object {}: its delta chain in pack 0 at offset {} is deeper than {}", o.oid, o.offset, o.depth - 1);
        assert!(err.to_string().starts_with(&want), "{err}");
    }

    /// A flipped bit anywhere in an entry (a commit, a delta), header
    /// included, never gives content: an error, and no panic. In the
    /// compressed data zlib's Adler-32 catches each; a flipped type bit of
    /// a whole object inflates cleanly and only the SHA-1 check catches it.
    #[test]
    fn flipped_compressed_bytes_never_give_content() {
        let f = fixture();
        let pick = |delta: bool| {
            f.objects
                .iter()
                .filter(|o| o.pack == 0 && (o.depth > 0) == delta && o.in_pack < 600)
                .max_by_key(|o| o.in_pack)
                .unwrap()
                .clone()
        };
        for o in [pick(false), pick(true)] {
            let src = f.source();
            let entry = read_header(&src, o.oid, 0, o.offset, f.packs[0].len() as u64).unwrap();
            let (mut zlib_errors, mut hash_errors) = (0, 0);
            for at in o.offset..o.offset + o.in_pack {
                // Every bit of the header, one bit of each compressed byte.
                let masks: &[u8] = if at < entry.data { &[1, 2, 4, 8, 16, 32, 64, 128] } else { &[1] };
                for mask in masks {
                    let mut packs = f.packs.clone();
                    packs[0][at as usize] ^= mask;
                    let src = MemPacks::new(packs, src.at.clone());
                    match read_object(&src, o.oid, 0, o.offset, &ReadLimits::default()) {
                        Ok(_) => panic!("{}: byte {at} ^ {mask:#x} and the object still read", o.oid),
                        Err(PackReadError::Corrupt { .. }) if at >= entry.data => zlib_errors += 1,
                        Err(PackReadError::HashMismatch { .. }) => hash_errors += 1,
                        Err(_) => {}
                    }
                }
            }
            assert!(zlib_errors as u64 > (o.offset + o.in_pack - entry.data) / 2, "{zlib_errors}");
            if o.depth == 0 {
                assert!(hash_errors > 0, "a flipped type bit");
            }
            // The last four bytes are zlib's Adler-32 of the content.
            let mut packs = f.packs.clone();
            packs[0][(o.offset + o.in_pack - 2) as usize] ^= 0x80;
            let err = read_object(&MemPacks::new(packs, src.at.clone()), o.oid, 0, o.offset, &ReadLimits::default()).unwrap_err();
            assert!(matches!(err, PackReadError::Corrupt { .. }), "{err}");
        }
    }

    // Crafted packs.

    fn entry_header(code: u8, size: u64) -> Vec<u8> {
        let mut out = vec![(code << 4) | (size & 15) as u8];
        let mut rest = size >> 4;
        while rest > 0 {
            *out.last_mut().unwrap() |= 0x80;
            out.push((rest & 0x7f) as u8);
            rest >>= 7;
        }
        out
    }

    fn ofs(mut distance: u64) -> Vec<u8> {
        let mut out = vec![(distance & 0x7f) as u8];
        distance >>= 7;
        while distance > 0 {
            distance -= 1;
            out.insert(0, 0x80 | (distance & 0x7f) as u8);
            distance >>= 7;
        }
        out
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn varint(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        crate::protobuf::put_varint(&mut out, v);
        out
    }

    /// A delta: its header, then `ops` as they are.
    fn delta(source: u64, target: u64, ops: &[u8]) -> Vec<u8> {
        let mut d = varint(source);
        d.extend(varint(target));
        d.extend_from_slice(ops);
        d
    }

    /// A copy instruction of `size` bytes from `offset`.
    fn copy(offset: u32, size: u32) -> Vec<u8> {
        let mut op = vec![0x80];
        for i in 0..4 {
            let b = (offset >> (8 * i)) as u8;
            if b != 0 {
                op[0] |= 1 << i;
                op.push(b);
            }
        }
        for i in 0..3 {
            let b = (size >> (8 * i)) as u8;
            if b != 0 {
                op[0] |= 0x10 << i;
                op.push(b);
            }
        }
        op
    }

    fn insert(bytes: &[u8]) -> Vec<u8> {
        let mut op = vec![bytes.len() as u8];
        op.extend_from_slice(bytes);
        op
    }

    /// An entry: header, then (for a delta) its base, then `zlib` as given.
    fn entry(code: u8, size: u64, base: &[u8], zlib: &[u8]) -> Vec<u8> {
        let mut e = entry_header(code, size);
        e.extend_from_slice(base);
        e.extend_from_slice(zlib);
        e
    }

    /// A pack of these entries; returns it and each entry's offset.
    fn craft(entries: &[Vec<u8>]) -> (Vec<u8>, Vec<u64>) {
        let mut pack = b"PACK\0\0\0\x02".to_vec();
        pack.extend((entries.len() as u32).to_be_bytes());
        let mut offsets = Vec::new();
        for e in entries {
            offsets.push(pack.len() as u64);
            pack.extend_from_slice(e);
        }
        let sum: [u8; 20] = sha1::Digest::finalize(sha1::Digest::chain_update(sha1::Sha1::default(), &pack)).into();
        pack.extend(sum);
        (pack, offsets)
    }

    fn one_pack(pack: Vec<u8>) -> MemPacks {
        MemPacks::new(vec![pack], HashMap::new())
    }

    fn blob(content: &[u8]) -> Vec<u8> {
        entry(3, content.len() as u64, &[], &zlib(content))
    }

    const BLOB: &[u8] = b"the base blob of the crafted packs, a few dozen bytes long\n";

    #[test]
    fn crafted_entries_read_back() {
        // A blob, an OFS_DELTA on it, a REF_DELTA on the delta, a copy of
        // size 0 (0x10000 bytes) from a larger base; garbage between
        // entries is not read.
        let large: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 253) as u8).collect();
        let t1: Vec<u8> = [&BLOB[..10], b"++", &BLOB[20..]].concat();
        let t2: Vec<u8> = [&t1[..5], &large[..0]].concat();
        let d1 =
            delta(BLOB.len() as u64, t1.len() as u64, &[copy(0, 10), insert(b"++"), copy(20, BLOB.len() as u32 - 20)].concat());
        let d2 = delta(t1.len() as u64, t2.len() as u64, &copy(0, 5));
        let d3 = delta(large.len() as u64, 0x10000 + 1, &[copy(3000, 0), insert(b"!")].concat());
        let (b0, b1) = (blob(BLOB), [blob(&large), b"garbage after the zlib stream".to_vec()].concat());
        let e1_at = 12 + b0.len() as u64 + b1.len() as u64;
        let e1 = entry(OFS_DELTA, d1.len() as u64, &ofs(e1_at - 12), &zlib(&d1));
        let e2 = entry(REF_DELTA, d2.len() as u64, &oid_of(ObjectType::Blob, &t1).0, &zlib(&d2));
        let e3 =
            entry(OFS_DELTA, d3.len() as u64, &ofs(e1_at + e1.len() as u64 + e2.len() as u64 - 12 - b0.len() as u64), &zlib(&d3));
        let (pack, at) = craft(&[b0, b1, e1, e2, e3]);
        let mut src = one_pack(pack);
        src.at.insert(oid_of(ObjectType::Blob, &t1), (0, at[2]));
        let t3: Vec<u8> = [&large[3000..3000 + 0x10000], b"!"].concat();
        for (i, want) in [(0, BLOB.to_vec()), (1, large.clone()), (2, t1), (3, t2), (4, t3)] {
            let oid = oid_of(ObjectType::Blob, &want);
            let (kind, got) = read_object(&src, oid, 0, at[i], &ReadLimits::default()).unwrap_or_else(|e| panic!("{i}: {e}"));
            assert_eq!(kind, ObjectType::Blob);
            assert!(got == want, "entry {i}");
        }
    }

    #[test]
    fn declared_size_must_be_the_inflated_size() {
        for (declared, want) in [(BLOB.len() + 1, "Shorter"), (BLOB.len() - 1, "Longer"), (0, "Longer")] {
            let (pack, at) = craft(&[entry(3, declared as u64, &[], &zlib(BLOB))]);
            let err = read_object(&one_pack(pack), oid_of(ObjectType::Blob, BLOB), 0, at[0], &ReadLimits::default()).unwrap_err();
            let ok = match want {
                "Shorter" => {
                    matches!(err, PackReadError::Shorter { declared: d, got, .. } if d == declared as u64 && got == BLOB.len() as u64)
                }
                _ => matches!(err, PackReadError::Longer { declared: d, .. } if d == declared as u64),
            };
            assert!(ok, "declared {declared}: {err}");
        }
    }

    #[test]
    fn declared_size_over_the_limit_is_refused_before_inflating() {
        let data = vec![b'x'; 2000];
        let small = ReadLimits { max_object: 1000, ..ReadLimits::default() };
        let (pack, at) = craft(&[blob(&data)]);
        let src = one_pack(pack);
        let err = read_object(&src, oid_of(ObjectType::Blob, &data), 0, at[0], &small).unwrap_err();
        assert!(matches!(err, PackReadError::TooLarge { size: 2000, limit: 1000, .. }), "{err}");
        assert_eq!(src.reads().len(), 1, "only the header was read");
        // The default limit, 1 GiB, against a header claiming 1 TiB.
        let (pack, at) = craft(&[entry(3, 1 << 40, &[], &zlib(&data))]);
        let src = one_pack(pack);
        let err = read_object(&src, oid_of(ObjectType::Blob, &data), 0, at[0], &ReadLimits::default()).unwrap_err();
        assert!(matches!(err, PackReadError::TooLarge { size, limit, .. } if size == 1 << 40 && limit == 1 << 30), "{err}");
        assert_eq!(src.reads().len(), 1);
        // A small delta on a base that claims too much: refused at the
        // base, before either is inflated.
        let d = delta(2000, 1, &insert(b"y"));
        let e1 = entry(OFS_DELTA, d.len() as u64, &ofs(at[0] - 12 + blob(&data).len() as u64), &zlib(&d));
        let (pack, at) = craft(&[blob(&data), e1]);
        let src = one_pack(pack);
        let err = read_object(&src, oid_of(ObjectType::Blob, b"y"), 0, at[1], &small).unwrap_err();
        assert!(matches!(err, PackReadError::TooLarge { offset, size: 2000, .. } if offset == at[0]), "{err}");
        assert_eq!(src.reads().len(), 2, "two headers");
        // A delta whose target is past the limit.
        let d = delta(BLOB.len() as u64, 5000, &copy(0, 5000));
        let e1 = entry(OFS_DELTA, d.len() as u64, &ofs(blob(BLOB).len() as u64), &zlib(&d));
        let (pack, at) = craft(&[blob(BLOB), e1]);
        let err = read_object(&one_pack(pack), Hash([0; 20]), 0, at[1], &small).unwrap_err();
        assert!(matches!(err, PackReadError::Delta { problem: DeltaProblem::TargetTooLarge { size: 5000, .. }, .. }), "{err}");
    }

    #[test]
    fn ofs_delta_must_point_back_inside_the_pack() {
        let d = delta(BLOB.len() as u64, 3, &copy(0, 3));
        let base = blob(BLOB);
        let e1_at = 12 + base.len() as u64;
        for (distance, why) in [
            (0, "which is itself"),
            (e1_at + 1, "before the first entry"),
            (e1_at, "before the first entry"),
            (e1_at - 5, "before the first entry"),
        ] {
            let (pack, at) = craft(&[base.clone(), entry(OFS_DELTA, d.len() as u64, &ofs(distance), &zlib(&d))]);
            let err =
                read_object(&one_pack(pack), oid_of(ObjectType::Blob, &BLOB[..3]), 0, at[1], &ReadLimits::default()).unwrap_err();
            assert!(
                matches!(err, PackReadError::OfsBase { distance: d, why: w, .. } if d == distance && w.contains(why)),
                "{distance}: {err}"
            );
        }
        // The same delta pointing at its base reads.
        let (pack, at) = craft(&[base.clone(), entry(OFS_DELTA, d.len() as u64, &ofs(e1_at - 12), &zlib(&d))]);
        read_object(&one_pack(pack), oid_of(ObjectType::Blob, &BLOB[..3]), 0, at[1], &ReadLimits::default()).unwrap();
        // A distance past 64 bits.
        let (pack, at) = craft(&[base, entry(OFS_DELTA, d.len() as u64, &[0xff; 10], &zlib(&d))]);
        let err = read_object(&one_pack(pack), Hash([0; 20]), 0, at[1], &ReadLimits::default()).unwrap_err();
        assert!(matches!(err, PackReadError::Header { why, .. } if why.contains("past 64 bits")), "{err}");
    }

    #[test]
    fn ref_delta_cycle_is_detected() {
        let d = delta(3, 3, &copy(0, 3));
        let (a, b) = (oid_of(ObjectType::Blob, b"aaa"), oid_of(ObjectType::Blob, b"bbb"));
        let ea = entry(REF_DELTA, d.len() as u64, &b.0, &zlib(&d));
        let eb = entry(REF_DELTA, d.len() as u64, &a.0, &zlib(&d));
        let (pack, at) = craft(&[ea, eb]);
        let mut src = one_pack(pack);
        src.at.insert(a, (0, at[0]));
        src.at.insert(b, (0, at[1]));
        let err = read_object(&src, a, 0, at[0], &ReadLimits::default()).unwrap_err();
        assert!(matches!(err, PackReadError::Cycle { again_pack: 0, again_offset, .. } if again_offset == at[0]), "{err}");
        assert!(src.reads().len() <= 2, "{:?}", src.reads());
        // An OFS_DELTA back to a REF_DELTA that names the first: also a cycle.
        let eb = entry(REF_DELTA, d.len() as u64, &a.0, &zlib(&d));
        let ea = entry(OFS_DELTA, d.len() as u64, &ofs(eb.len() as u64), &zlib(&d));
        let (pack, at) = craft(&[eb, ea]);
        let mut src = one_pack(pack);
        src.at.insert(a, (0, at[1]));
        let err = read_object(&src, a, 0, at[1], &ReadLimits::default()).unwrap_err();
        assert!(matches!(err, PackReadError::Cycle { again_offset, .. } if again_offset == at[1]), "{err}");
    }

    #[test]
    fn ref_delta_base_must_be_known_and_not_in_a_later_pack() {
        let d = delta(BLOB.len() as u64, 3, &copy(0, 3));
        let base = oid_of(ObjectType::Blob, BLOB);
        let (pack, at) = craft(&[entry(REF_DELTA, d.len() as u64, &base.0, &zlib(&d))]);
        let (later, later_at) = craft(&[blob(BLOB)]);
        let target = oid_of(ObjectType::Blob, &BLOB[..3]);
        let mut src = MemPacks::new(vec![pack.clone(), later.clone()], HashMap::new());
        let err = read_object(&src, target, 0, at[0], &ReadLimits::default()).unwrap_err();
        assert!(matches!(err, PackReadError::MissingBase { base: b, .. } if b == base), "{err}");
        src.at.insert(base, (1, later_at[0]));
        let err = read_object(&src, target, 0, at[0], &ReadLimits::default()).unwrap_err();
        assert!(matches!(err, PackReadError::LaterPack { base_pack: 1, .. }), "{err}");
        // The other way round (the delta in pack 1, its base in pack 0) reads.
        let mut src = MemPacks::new(vec![later, pack], HashMap::new());
        src.at.insert(base, (0, later_at[0]));
        read_object(&src, target, 1, at[0], &ReadLimits::default()).unwrap();
    }

    #[test]
    fn delta_copy_past_the_source_is_an_error() {
        let n = BLOB.len() as u32;
        for (offset, size) in [(n - 2, 3), (n, 1), (0, n + 1), (u32::MAX, 1), (1, 0)] {
            let d = delta(n as u64, 0x10000, &copy(offset, size));
            let e1 = entry(OFS_DELTA, d.len() as u64, &ofs(blob(BLOB).len() as u64), &zlib(&d));
            let (pack, at) = craft(&[blob(BLOB), e1]);
            let err = read_object(&one_pack(pack), Hash([0; 20]), 0, at[1], &ReadLimits::default()).unwrap_err();
            assert!(
                matches!(err, PackReadError::Delta { problem: DeltaProblem::CopyOutOfSource { .. }, offset: o, .. } if o == at[1]),
                "{offset}+{size}: {err}"
            );
        }
    }

    #[test]
    fn delta_instructions_are_checked() {
        let base = b"0123456789";
        let cases: Vec<(Vec<u8>, DeltaProblem)> = vec![
            (delta(10, 4, &[insert(b"ab"), vec![0], insert(b"cd")].concat()), DeltaProblem::OpcodeZero { at: 5 }),
            (delta(9, 4, &copy(0, 4)), DeltaProblem::SourceSize { declared: 9, base: 10 }),
            (delta(11, 4, &copy(0, 4)), DeltaProblem::SourceSize { declared: 11, base: 10 }),
            (delta(10, 4, &copy(0, 3)), DeltaProblem::ShortResult { built: 3, target: 4 }),
            (delta(10, 4, &copy(0, 5)), DeltaProblem::PastTarget { at: 2, target: 4 }),
            (delta(10, 4, &insert(b"abcde")), DeltaProblem::PastTarget { at: 2, target: 4 }),
            (delta(10, 4, &[3, b'a']), DeltaProblem::Truncated { at: 2 }),
            (delta(10, 4, &[0x91, 1]), DeltaProblem::Truncated { at: 2 }),
            (vec![0x8a], DeltaProblem::Header),
            (vec![0xff; 11], DeltaProblem::Header),
            (delta(10, 1 << 20, &[]), DeltaProblem::TargetTooLarge { size: 1 << 20, limit: 1000 }),
        ];
        for (d, want) in cases {
            assert_eq!(apply_delta(base, &d, 1000), Err(want.clone()), "{want}");
        }
        assert_eq!(apply_delta(base, &delta(10, 5, &[copy(8, 2), insert(b"x"), copy(0, 2)].concat()), 1000).unwrap(), b"89x01");
    }

    /// A chain of 12 deltas reads with a bound of 12, and not with 11.
    #[test]
    fn depth_bound_on_a_crafted_chain() {
        let mut entries = vec![blob(b"x")];
        let mut content = b"x".to_vec();
        let mut at = 12u64;
        for i in 0..12 {
            let d = delta(
                content.len() as u64,
                content.len() as u64 + 1,
                &[copy(0, content.len() as u32), insert(&[b'a' + i])].concat(),
            );
            content.push(b'a' + i);
            let prev = entries.last().unwrap().len() as u64;
            at += prev;
            entries.push(entry(OFS_DELTA, d.len() as u64, &ofs(prev), &zlib(&d)));
        }
        let (pack, offsets) = craft(&entries);
        assert_eq!(offsets[12], at);
        let src = one_pack(pack);
        let oid = oid_of(ObjectType::Blob, &content);
        let limits = |max_depth| ReadLimits { max_depth, ..ReadLimits::default() };
        assert_eq!(read_object(&src, oid, 0, at, &limits(12)).unwrap().1, content);
        let err = read_object(&src, oid, 0, at, &limits(11)).unwrap_err();
        assert!(matches!(err, PackReadError::TooDeep { limit: 11, offset, .. } if offset == at), "{err}");
        let err = read_object(&src, oid, 0, at, &limits(0)).unwrap_err();
        assert!(matches!(err, PackReadError::TooDeep { limit: 0, .. }), "{err}");
    }

    /// A zlib stream of 10,000 empty stored blocks before two bytes is
    /// valid, and takes 50,000 bytes to give 2: refused after reading about
    /// 4 KiB of it. A hundred such blocks pass.
    #[test]
    fn bloated_stream_is_refused() {
        let stream = |blocks: usize| {
            let mut z = vec![0x78, 0x01];
            for _ in 0..blocks {
                z.extend([0x00, 0x00, 0x00, 0xff, 0xff]);
            }
            z.extend([0x01, 0x02, 0x00, 0xfd, 0xff, b'h', b'i']);
            let (a, b) = (1 + u32::from(b'h') + u32::from(b'i'), 2 * (1 + u32::from(b'h')) + u32::from(b'i'));
            z.extend(((b << 16) | a).to_be_bytes());
            z
        };
        let oid = oid_of(ObjectType::Blob, b"hi");
        let (pack, at) = craft(&[entry(3, 2, &[], &stream(100))]);
        assert_eq!(read_object(&one_pack(pack), oid, 0, at[0], &ReadLimits::default()).unwrap().1, b"hi");
        let (pack, at) = craft(&[entry(3, 2, &[], &stream(10_000))]);
        let src = one_pack(pack);
        let err = read_object(&src, oid, 0, at[0], &ReadLimits::default()).unwrap_err();
        assert!(matches!(err, PackReadError::Bloated { size: 2, .. }), "{err}");
        let total: usize = src.reads().iter().map(|r| r.2).sum();
        assert!(total <= 4096 + 2 + 32 + 1, "{total}");
    }

    #[test]
    fn damaged_entries_are_errors() {
        let oid = oid_of(ObjectType::Blob, BLOB);
        let read = |pack: Vec<u8>, offset: u64| read_object(&one_pack(pack), oid, 0, offset, &ReadLimits::default());
        // Types 0 and 5.
        for code in [0, 5] {
            let (pack, at) = craft(&[entry(code, BLOB.len() as u64, &[], &zlib(BLOB))]);
            let err = read(pack, at[0]).unwrap_err();
            assert!(matches!(err, PackReadError::Type { code: c, .. } if c == code), "{err}");
        }
        // A size past 64 bits (11 header bytes), and one just at 64 bits.
        let (pack, at) = craft(&[[vec![0xbf], vec![0xff; 9], vec![0x01], zlib(BLOB)].concat()]);
        let err = read(pack, at[0]).unwrap_err();
        assert!(matches!(err, PackReadError::Header { why, .. } if why.contains("past 64 bits")), "{err}");
        let (pack, at) = craft(&[[vec![0xbf], vec![0xff; 8], vec![0x0f], zlib(BLOB)].concat()]);
        let err = read(pack, at[0]).unwrap_err();
        assert!(matches!(err, PackReadError::TooLarge { size: u64::MAX, .. }), "{err}");
        // Offsets in the pack header, in the trailer, past the end.
        let (pack, at) = craft(&[blob(BLOB)]);
        let len = pack.len() as u64;
        for offset in [0, 11, len - 20, len, u64::MAX] {
            let err = read(pack.clone(), offset).unwrap_err();
            assert!(matches!(err, PackReadError::Outside { offset: o, .. } if o == offset), "{offset}: {err}");
        }
        read(pack.clone(), at[0]).unwrap();
        // Compressed data cut by the end of the pack, and garbage.
        let z = zlib(BLOB);
        let (pack, at) = craft(&[entry(3, BLOB.len() as u64, &[], &z[..z.len() - 6])]);
        let err = read(pack, at[0]).unwrap_err();
        assert!(matches!(err, PackReadError::Truncated { .. }), "{err}");
        let (pack, at) = craft(&[entry(3, BLOB.len() as u64, &[], b"not zlib at all, but long enough")]);
        let err = read(pack, at[0]).unwrap_err();
        assert!(matches!(err, PackReadError::Corrupt { .. }), "{err}");
        // A header cut by the end of the pack's entries.
        let (pack, at) = craft(&[vec![0xb3, 0x80]]);
        let err = read(pack, at[0]).unwrap_err();
        assert!(matches!(err, PackReadError::Header { why, .. } if why.contains("cut short")), "{err}");
    }

    /// A source that gives fewer bytes than asked inside the pack.
    #[test]
    fn short_reads_are_errors() {
        struct Short(MemPacks);
        impl PackSource for Short {
            fn read_at(&self, pack: u32, offset: u64, len: usize) -> Result<Vec<u8>, PackReadError> {
                let mut v = self.0.read_at(pack, offset, len)?;
                v.truncate(len - 1);
                Ok(v)
            }
            fn pack_len(&self, pack: u32) -> Result<u64, PackReadError> {
                self.0.pack_len(pack)
            }
            fn locate(&self, oid: Hash) -> Result<Option<(u32, u64)>, PackReadError> {
                self.0.locate(oid)
            }
        }
        let (pack, at) = craft(&[blob(BLOB)]);
        let err =
            read_object(&Short(one_pack(pack)), oid_of(ObjectType::Blob, BLOB), 0, at[0], &ReadLimits::default()).unwrap_err();
        assert!(matches!(err, PackReadError::ShortRead { wanted, got, .. } if got + 1 == wanted), "{err}");
        let err = read_object(&one_pack(Vec::new()), Hash([0; 20]), 3, 12, &ReadLimits::default()).unwrap_err();
        assert!(
            matches!(&err, PackReadError::Reading { error: source, .. } if matches!(**source, PackReadError::NoPack { pack: 3, .. })),
            "{err}"
        );
    }

    /// The adapter over UnixFS files reads every object of both packs, the
    /// thin pack's bases through `locate`, fetching only the leaves it needs.
    #[test]
    fn unixfs_packs_read_every_object() {
        use crate::store::{local::LocalStore, BlockStore};
        let f = fixture();
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let mut packs = Vec::new();
        let mut w = store.writer().unwrap();
        for p in &f.packs {
            let (blocks, root) = unixfs::encode(p);
            for b in blocks {
                w.put(b).unwrap();
            }
            packs.push((root, p.len() as u64));
        }
        assert!(f.packs[0].len() > 2 * unixfs::CHUNK, "pack 0 spans leaves");
        w.finish(&packs[0].0, None).unwrap();
        let counting = Counting { inner: store, asked: Mutex::new(0) };
        let v = Verified::new(&counting);
        let at: HashMap<Hash, (u32, u64)> = f.objects.iter().map(|o| (o.oid, (o.pack, o.offset))).collect();
        let src = UnixfsPacks::new(&v, packs, |oid| Ok(at.get(&oid).copied()));
        for o in &f.objects {
            let (kind, content) =
                read_object(&src, o.oid, o.pack, o.offset, &ReadLimits::default()).unwrap_or_else(|e| panic!("{}: {e}", o.oid));
            assert_eq!(kind, o.kind);
            assert!(content == o.content, "{}", o.oid);
        }
        // A small whole object in a fresh adapter: its root and one leaf.
        let o = f.objects.iter().find(|o| o.pack == 0 && o.depth == 0 && o.kind == ObjectType::Commit).unwrap();
        let fresh = UnixfsPacks::new(&v, src.packs.clone(), |_| Ok(None));
        *counting.asked.lock().unwrap() = 0;
        read_object(&fresh, o.oid, 0, o.offset, &ReadLimits::default()).unwrap();
        assert!(*counting.asked.lock().unwrap() <= 3, "{} blocks", counting.asked.lock().unwrap());
        let err = fresh.read_at(2, 0, 1).unwrap_err();
        assert!(matches!(err, PackReadError::NoPack { pack: 2, packs: 2 }), "{err}");
        // Fewer bytes only at the end of the pack.
        let len = f.packs[0].len() as u64;
        assert_eq!(fresh.read_at(0, len - 5, 100).unwrap(), &f.packs[0][len as usize - 5..]);
        assert!(fresh.read_at(0, len, 1).unwrap().is_empty());
        assert!(fresh.read_at(0, len + 1, 1).is_err());
        // A pack whose blocks the store does not have.
        let (_, absent) = unixfs::encode(&f.packs[0][..unixfs::CHUNK + 1]);
        let missing = UnixfsPacks::new(&v, vec![(absent, unixfs::CHUNK as u64 + 1)], |_| Ok(None));
        let err = read_object(&missing, o.oid, 0, 12, &ReadLimits::default()).unwrap_err();
        assert!(
            matches!(&err, PackReadError::Reading { error: source, .. } if matches!(**source, PackReadError::Unixfs { pack: 0, root, .. } if root == absent)),
            "{err}"
        );
        assert!(err.to_string().contains(&format!("object {}: reading pack 0 ({absent})", o.oid)), "{err}");
    }

    struct Counting {
        inner: crate::store::local::LocalStore,
        asked: Mutex<usize>,
    }

    impl crate::store::BlockStore for Counting {
        fn describe(&self) -> String {
            self.inner.describe()
        }
        fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, crate::store::StoreError> {
            *self.asked.lock().unwrap() += cids.len();
            self.inner.get_many(cids)
        }
        fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, crate::store::StoreError> {
            self.inner.has_many(cids)
        }
        fn writer(&self) -> Result<Box<dyn crate::store::BlockWriter + '_>, crate::store::StoreError> {
            self.inner.writer()
        }
    }

    #[test]
    fn a_format_1_index_has_no_packs_to_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::local::LocalStore::open(dir.path()).unwrap();
        let blocks = Verified::new(&store);
        let index = crate::format::NipIndex {
            head: None,
            refs: Vec::new(),
            counts: Default::default(),
            objects: crate::block::empty_cid(),
            prev: None,
            v2: None,
        };
        let oid = Hash([5; 20]);
        let err = read_by_hash(&blocks, &index, oid, &ReadLimits::default()).unwrap_err();
        assert!(matches!(&err, crate::Error::PackRead(PackReadError::Format1 { oid: o }) if *o == oid), "{err:?}");
        assert_eq!(err.to_string(), "this is a format 1 repository: its objects are NIPObject blocks, not packs");
    }
}
