//! The protobuf wire format, as much of it as nip reads and writes: dag-pb
//! UnixFS nodes ([`crate::unixfs`]) and IPNS records ([`crate::ipns::record`]),
//! and the unsigned varints CAR frames share with it ([`crate::car`]).
//!
//! A message is a run of fields, each a key varint (`number << 3 | wire
//! type`) and a value. What is read:
//!
//! - wire type 0: a varint;
//! - wire type 2 (length-delimited): a length varint, then that many bytes;
//! - wire types 1 and 5 (8 and 4 fixed bytes): read, so that a reader can
//!   skip them; neither message nip reads uses one;
//! - anything else (groups, 6, 7) and field number 0 are errors.
//!
//! What is written: varint and length-delimited fields, in the canonical
//! form Go's protobuf writes (shortest varints, the key as one varint), so
//! a UnixFS node nip encodes has the bytes, hence the CID, Kubo gives it.
//!
//! Varints are unsigned LEB128, encoded and decoded by the `unsigned-varint`
//! crate (the one `cid` and `multihash` use). A varint is refused when it is
//! cut short, longer than 10 bytes, beyond 64 bits, or not minimally
//! encoded (a needless trailing zero byte: Go's writers never make one, and
//! go-varint refuses them in CAR frames).
//!
//! Bounds: every read is checked against the bytes left before anything is
//! taken, so a field declaring a huge length is an error, never an
//! allocation or a slice out of range; nothing here allocates, loops
//! without consuming input, or panics, whatever the input.
//!
//! Why not a crate: no protobuf crate is in the lock file, and `prost` or
//! `quick-protobuf` would bring a schema layer (or code generation) for two
//! messages of which nip reads a handful of fields.

use unsigned_varint::{decode, encode};

/// What is wrong with a protobuf message or a varint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProtoError {
    #[error("a varint is cut short")]
    TruncatedVarint,
    #[error("a varint is longer than 10 bytes or beyond 64 bits")]
    OverlongVarint,
    #[error("a varint is not minimally encoded (it ends in a needless zero byte)")]
    NotMinimal,
    #[error("field {field} declares {len} bytes where {left} are left")]
    Truncated { field: u64, len: u64, left: usize },
    #[error("field {field} has wire type {wire}, which nip does not read")]
    UnknownWireType { field: u64, wire: u8 },
    #[error("field {field} has wire type {wire} where {want} was expected")]
    WrongWireType { field: u64, wire: u8, want: u8 },
    #[error("a field has number 0, which no message uses")]
    FieldZero,
}

/// Reads one varint from the front of `buf`: its value and what follows.
pub fn varint(buf: &[u8]) -> Result<(u64, &[u8]), ProtoError> {
    match decode::u64(buf) {
        // The crate takes a tenth byte whole: only its lowest bit fits in 64 bits.
        Ok((_, rest)) if buf.len() - rest.len() == 10 && buf[9] > 1 => Err(ProtoError::OverlongVarint),
        Ok(v) => Ok(v),
        Err(decode::Error::Insufficient) => Err(ProtoError::TruncatedVarint),
        Err(decode::Error::NotMinimal) => Err(ProtoError::NotMinimal),
        Err(_) => Err(ProtoError::OverlongVarint),
    }
}

/// Appends `v` as a varint.
pub fn put_varint(out: &mut Vec<u8>, v: u64) {
    let mut buf = encode::u64_buffer();
    out.extend_from_slice(encode::u64(v, &mut buf));
}

/// Appends field `number` holding the varint `v` (wire type 0).
pub fn put_varint_field(out: &mut Vec<u8>, number: u32, v: u64) {
    put_varint(out, u64::from(number) << 3);
    put_varint(out, v);
}

/// Appends field `number` holding `bytes` (wire type 2).
pub fn put_bytes_field(out: &mut Vec<u8>, number: u32, bytes: &[u8]) {
    put_varint(out, u64::from(number) << 3 | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// The value of one field, as its wire type says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed64(u64),
    Fixed32(u32),
}

impl Value<'_> {
    fn wire(&self) -> u8 {
        match self {
            Value::Varint(_) => 0,
            Value::Fixed64(_) => 1,
            Value::Bytes(_) => 2,
            Value::Fixed32(_) => 5,
        }
    }
}

/// One field of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field<'a> {
    pub number: u64,
    pub value: Value<'a>,
}

impl<'a> Field<'a> {
    /// The bytes of a length-delimited field; any other wire type is an error.
    pub fn bytes(&self) -> Result<&'a [u8], ProtoError> {
        match self.value {
            Value::Bytes(b) => Ok(b),
            v => Err(ProtoError::WrongWireType { field: self.number, wire: v.wire(), want: 2 }),
        }
    }

    /// The value of a varint field; any other wire type is an error.
    pub fn varint(&self) -> Result<u64, ProtoError> {
        match self.value {
            Value::Varint(v) => Ok(v),
            v => Err(ProtoError::WrongWireType { field: self.number, wire: v.wire(), want: 0 }),
        }
    }
}

/// Reads a message field by field, or a run of packed varints.
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf }
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The next varint (for packed repeated fields).
    pub fn varint(&mut self) -> Result<u64, ProtoError> {
        let (v, rest) = varint(self.buf)?;
        self.buf = rest;
        Ok(v)
    }

    /// `n` bytes of field `field`, if that many are left.
    fn take(&mut self, field: u64, n: u64) -> Result<&'a [u8], ProtoError> {
        let left = self.buf.len();
        let len = usize::try_from(n).ok().filter(|n| *n <= left).ok_or(ProtoError::Truncated { field, len: n, left })?;
        let (taken, rest) = self.buf.split_at(len);
        self.buf = rest;
        Ok(taken)
    }

    /// The next field; `None` at the end of the message.
    pub fn next_field(&mut self) -> Result<Option<Field<'a>>, ProtoError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let (number, wire) = (key >> 3, (key & 7) as u8);
        if number == 0 {
            return Err(ProtoError::FieldZero);
        }
        let value = match wire {
            0 => Value::Varint(self.varint()?),
            2 => {
                let len = self.varint()?;
                Value::Bytes(self.take(number, len)?)
            }
            1 => Value::Fixed64(u64::from_le_bytes(self.take(number, 8)?.try_into().unwrap_or_default())),
            5 => Value::Fixed32(u32::from_le_bytes(self.take(number, 4)?.try_into().unwrap_or_default())),
            wire => return Err(ProtoError::UnknownWireType { field: number, wire }),
        };
        Ok(Some(Field { number, value }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(buf: &[u8]) -> Result<Vec<Field<'_>>, ProtoError> {
        let mut r = Reader::new(buf);
        let mut out = Vec::new();
        while let Some(f) = r.next_field()? {
            out.push(f);
        }
        Ok(out)
    }

    #[test]
    fn varints_round_trip_and_are_shortest() {
        let cases: [(u64, &[u8]); 6] = [
            (0, &[0]),
            (1, &[1]),
            (127, &[0x7f]),
            (128, &[0x80, 1]),
            (300, &[0xac, 0x02]),
            (u64::MAX, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        ];
        for (v, bytes) in cases {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            assert_eq!(out, bytes, "{v}");
            assert_eq!(varint(&out), Ok((v, &[][..])), "{v}");
        }
        for v in (0..64).map(|s| 1u64 << s).chain((0..64).map(|s| (1u64 << s) - 1)) {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            out.push(0xaa);
            assert_eq!(varint(&out), Ok((v, &[0xaa][..])));
        }
    }

    #[test]
    fn bad_varints_are_errors() {
        assert_eq!(varint(&[]), Err(ProtoError::TruncatedVarint));
        assert_eq!(varint(&[0x80]), Err(ProtoError::TruncatedVarint));
        assert_eq!(varint(&[0xff; 9]), Err(ProtoError::TruncatedVarint));
        // Eleven bytes, and ten whose last carries bits beyond 64.
        assert_eq!(varint(&[0xff; 11]), Err(ProtoError::OverlongVarint));
        assert_eq!(varint(&[0x80; 20]), Err(ProtoError::OverlongVarint));
        for last in [0x02, 0x7f] {
            let mut b = vec![0xff; 9];
            b.push(last);
            assert_eq!(varint(&b), Err(ProtoError::OverlongVarint), "last byte {last:#x}");
        }
        assert_eq!(varint(&[0x80, 0x00]), Err(ProtoError::NotMinimal));
        assert_eq!(varint(&[0x81, 0x80, 0x00]), Err(ProtoError::NotMinimal));
    }

    #[test]
    fn fields_round_trip() {
        let mut msg = Vec::new();
        put_varint_field(&mut msg, 3, 150);
        put_bytes_field(&mut msg, 2, b"abc");
        put_bytes_field(&mut msg, 1, b"");
        put_varint_field(&mut msg, 300, 1);
        assert_eq!(&msg[..8], &[0x18, 0x96, 0x01, 0x12, 3, b'a', b'b', b'c']);
        let f = fields(&msg).unwrap();
        assert_eq!(
            f,
            [
                Field { number: 3, value: Value::Varint(150) },
                Field { number: 2, value: Value::Bytes(b"abc") },
                Field { number: 1, value: Value::Bytes(b"") },
                Field { number: 300, value: Value::Varint(1) },
            ]
        );
        assert_eq!(f[0].varint(), Ok(150));
        assert_eq!(f[1].bytes(), Ok(&b"abc"[..]));
        assert_eq!(f[0].bytes(), Err(ProtoError::WrongWireType { field: 3, wire: 0, want: 2 }));
        assert_eq!(f[1].varint(), Err(ProtoError::WrongWireType { field: 2, wire: 2, want: 0 }));
        // Fixed fields are read whole, and skipped by whoever ignores them.
        let fixed = [0x09, 1, 0, 0, 0, 0, 0, 0, 0, 0x15, 2, 0, 0, 0];
        assert_eq!(
            fields(&fixed).unwrap(),
            [Field { number: 1, value: Value::Fixed64(1) }, Field { number: 2, value: Value::Fixed32(2) }]
        );
        assert_eq!(fields(&fixed).unwrap()[0].varint(), Err(ProtoError::WrongWireType { field: 1, wire: 1, want: 0 }));
    }

    #[test]
    fn bad_messages_are_errors() {
        // Every cut of a message is a shorter message or an error, never a panic.
        let mut msg = Vec::new();
        put_varint_field(&mut msg, 5, u64::MAX);
        put_bytes_field(&mut msg, 9, &[7; 200]);
        msg.extend_from_slice(&[0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x15, 1, 2, 3, 4]);
        for cut in 0..msg.len() {
            let _ = fields(&msg[..cut]);
        }
        assert_eq!(fields(&msg[..msg.len() - 1]), Err(ProtoError::Truncated { field: 2, len: 4, left: 3 }));
        assert_eq!(fields(&msg[..5]), Err(ProtoError::TruncatedVarint));
        assert_eq!(fields(&msg[..15]), Err(ProtoError::Truncated { field: 9, len: 200, left: 1 }));
        // Huge lengths: beyond the input, beyond usize, the largest varint.
        for len in [1u64 << 40, u64::MAX] {
            let mut m = vec![0x0a];
            put_varint(&mut m, len);
            m.push(0);
            assert_eq!(fields(&m), Err(ProtoError::Truncated { field: 1, len, left: 1 }));
        }
        // Wire types nip does not read (groups, 6, 7), field 0, overlong keys.
        for (wire, key) in [(3, 0x0b), (4, 0x0c), (6, 0x0e), (7, 0x0f)] {
            assert_eq!(fields(&[key, 0]), Err(ProtoError::UnknownWireType { field: 1, wire }));
        }
        assert_eq!(fields(&[0x00, 0]), Err(ProtoError::FieldZero));
        assert_eq!(fields(&[0x02, 0]), Err(ProtoError::FieldZero));
        assert_eq!(fields(&[0xff; 12]), Err(ProtoError::OverlongVarint));
        assert_eq!(fields(&[0x08, 0xff, 0xff]), Err(ProtoError::TruncatedVarint));
        assert_eq!(fields(&[0x88, 0x00, 1]), Err(ProtoError::NotMinimal));
        // Packed varints read until the end; a cut one is an error.
        let mut r = Reader::new(&[1, 0x80, 1, 0x80]);
        assert_eq!((r.varint(), r.varint(), r.varint()), (Ok(1), Ok(128), Err(ProtoError::TruncatedVarint)));
    }
}
