//! IPNS records (the IPNS Record spec): what a name points to and its
//! sequence number.
//!
//! A record is the protobuf `IpnsEntry`; in a V2 record its `data` field
//! (DAG-CBOR) is what counts, and older V1 records carry `value` and
//! `sequence` as protobuf fields. nip reads records only from its own node,
//! which validated their signatures before keeping or returning them, so
//! nothing here checks signatures.

use crate::protobuf::{Reader, Value};
use serde::Deserialize;

/// The parts of a record nip uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The path the name points to, e.g. `/ipfs/<cid>`.
    pub value: String,
    /// Higher wins; each publish of a new value increases it.
    pub sequence: u64,
}

#[derive(Debug, thiserror::Error)]
#[error("an IPNS record is damaged: {0}")]
pub struct RecordError(String);

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "Value", with = "serde_bytes")]
    value: Vec<u8>,
    #[serde(rename = "Sequence")]
    sequence: u64,
}

/// Decodes a marshalled record. Its protobuf is read by
/// `crate::protobuf`: a damaged one (a cut field, a bad varint, a wire
/// type protobuf does not have) is an error; a field nip reads that has
/// another wire type than the spec's is skipped, as Go's protobuf skips it.
pub fn decode(bytes: &[u8]) -> Result<Record, RecordError> {
    let (mut value, mut sequence, mut data) = (None, None, None);
    let mut r = Reader::new(bytes);
    while let Some(f) = r.next_field().map_err(|e| RecordError(e.to_string()))? {
        match (f.number, f.value) {
            (1, Value::Bytes(b)) => value = Some(b),
            (5, Value::Varint(v)) => sequence = Some(v),
            (9, Value::Bytes(b)) => data = Some(b),
            _ => {}
        }
    }
    if let Some(data) = data {
        let d: Data = serde_ipld_dagcbor::from_slice(data).map_err(|e| RecordError(format!("its data field: {e}")))?;
        let value = String::from_utf8(d.value).map_err(|_| RecordError("its value is not text".into()))?;
        return Ok(Record { value, sequence: d.sequence });
    }
    let value = value.ok_or_else(|| RecordError("no value".into()))?;
    let value = String::from_utf8(value.to_vec()).map_err(|_| RecordError("its value is not text".into()))?;
    Ok(Record { value, sequence: sequence.unwrap_or(0) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A V1+V2 record Kubo 0.39 wrote with `name publish --sequence=5`,
    /// base64 as `routing/get` returns it.
    const KUBO: &str = "CkEvaXBmcy9iYWZrcmVpY3lzZzIza2l3djM0ZWcyZDdxd2VpcHh3b3NkbzJweTRsZHY0Mm5iYXVndWx1ZW41djZhbRJAX3Mm4VD//vz5UEgYe38YLS8v5RoYvLuIZEuS2oVFhT4KXPUPfIYUAMBVr5V2lJJ5bkWQZZTHtBW/L3ln2dqDDRgAIh4yMDI2LTExLTI4VDE1OjI5OjI1Ljk0MjA5MTcyN1ooBTCA8JLL3QhCQOZeHF6Rgpp6dwICH9o3mFZ+SGRFASOo+e0D76RYvVnsck1rr6X99igZQfUSq4QkPrdsVRgvnysbyzWMvk+0BgJKmAGlY1RUTBsAAABF2WS4AGVWYWx1ZVhBL2lwZnMvYmFma3JlaWN5c2cyM2tpd3YzNGVnMmQ3cXdlaXB4d29zZG8ycHk0bGR2NDJuYmF1Z3VsdWVuNXY2YW1oU2VxdWVuY2UFaFZhbGlkaXR5WB4yMDI2LTExLTI4VDE1OjI5OjI1Ljk0MjA5MTcyN1psVmFsaWRpdHlUeXBlAA==";

    #[test]
    fn decodes_a_kubo_record() {
        let bytes = cid::multibase::Base::Base64Pad.decode(KUBO).unwrap();
        let r = decode(&bytes).unwrap();
        assert_eq!(r.value, "/ipfs/bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
        assert_eq!(r.sequence, 5);
        // Every truncation is an error or a record, never a panic.
        for n in 0..bytes.len() {
            let _ = decode(&bytes[..n]);
        }
    }

    #[test]
    fn v1_and_v2() {
        // V1 only: value (1) and sequence (5).
        let mut v1 = vec![0x0a, 8];
        v1.extend_from_slice(b"/ipfs/xy");
        v1.extend_from_slice(&[0x28, 0x96, 0x01]); // 150
        assert_eq!(decode(&v1).unwrap(), Record { value: "/ipfs/xy".into(), sequence: 150 });
        // V2 data wins over the V1 fields.
        #[derive(serde::Serialize)]
        struct D {
            #[serde(rename = "Value", with = "serde_bytes")]
            value: Vec<u8>,
            #[serde(rename = "Sequence")]
            sequence: u64,
        }
        let data = serde_ipld_dagcbor::to_vec(&D { value: b"/ipfs/zz".to_vec(), sequence: 7 }).unwrap();
        let mut v2 = v1.clone();
        v2.push(0x4a);
        v2.push(data.len() as u8);
        v2.extend_from_slice(&data);
        assert_eq!(decode(&v2).unwrap(), Record { value: "/ipfs/zz".into(), sequence: 7 });
        for bad in [&v1[..5], &[0x0a, 0xff][..], &[0x4a, 2, 0xa0, 0][..], &[0x0f][..]] {
            assert!(decode(bad).is_err(), "{bad:?}");
        }
    }

    /// A damaged protobuf is an error that says what is wrong; a field of
    /// another wire type than the spec's is skipped.
    #[test]
    fn damaged_protobuf() {
        let mut v1 = vec![0x0a, 8];
        v1.extend_from_slice(b"/ipfs/xy");
        let mut overlong = v1.clone();
        overlong.extend_from_slice(&[0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]);
        let err = decode(&overlong).unwrap_err().to_string();
        assert_eq!(err, "an IPNS record is damaged: a varint is longer than 10 bytes or beyond 64 bits");
        let mut cut = v1.clone();
        cut.extend_from_slice(&[0x4a, 0x40, 0xa0]);
        let err = decode(&cut).unwrap_err().to_string();
        assert_eq!(err, "an IPNS record is damaged: field 9 declares 64 bytes where 1 are left");
        // Sequence (5) as bytes, value (1) as a varint: skipped.
        let mut odd = v1.clone();
        odd.extend_from_slice(&[0x2a, 1, 7, 0x08, 3]);
        assert_eq!(decode(&odd).unwrap(), Record { value: "/ipfs/xy".into(), sequence: 0 });
    }
}
