//! IPNS records (the IPNS Record spec): what a name points to and its
//! sequence number.
//!
//! A record is the protobuf `IpnsEntry`; in a V2 record its `data` field
//! (DAG-CBOR) is what counts, and older V1 records carry `value` and
//! `sequence` as protobuf fields. nip reads records only from its own node,
//! which validated their signatures before keeping or returning them, so
//! nothing here checks signatures.

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

fn varint(buf: &[u8], at: &mut usize) -> Result<u64, RecordError> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*at).ok_or_else(|| RecordError("truncated varint".into()))?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(RecordError("varint too long".into()))
}

/// Decodes a marshalled record.
pub fn decode(bytes: &[u8]) -> Result<Record, RecordError> {
    let (mut value, mut sequence, mut data) = (None, None, None);
    let mut at = 0;
    while at < bytes.len() {
        let key = varint(bytes, &mut at)?;
        let (field, wire) = (key >> 3, key & 7);
        match wire {
            0 => {
                let v = varint(bytes, &mut at)?;
                if field == 5 {
                    sequence = Some(v);
                }
            }
            2 => {
                let len = usize::try_from(varint(bytes, &mut at)?).map_err(|_| RecordError("field too long".into()))?;
                let end =
                    at.checked_add(len).filter(|e| *e <= bytes.len()).ok_or_else(|| RecordError("truncated field".into()))?;
                match field {
                    1 => value = Some(&bytes[at..end]),
                    9 => data = Some(&bytes[at..end]),
                    _ => {}
                }
                at = end;
            }
            1 => at += 8,
            5 => at += 4,
            w => return Err(RecordError(format!("unknown protobuf wire type {w}"))),
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
}
