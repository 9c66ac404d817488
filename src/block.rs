//! Blocks and their content identifiers.
//!
//! A [`Block`] is a CID and the bytes it names. nip writes three codecs:
//! `raw` (0x55) for file chunks, `dag-pb` (0x70) for the UnixFS nodes above
//! them, and `dag-cbor` (0x71) for its own NIPObject, NIPIndex and shard
//! blocks. Every CID nip writes is CIDv1 with a sha2-256 multihash, the
//! defaults of `ipfs add --cid-version=1` and `ipfs dag put`.
//!
//! [`verify`] is the single place where a block that came from a store is
//! checked against its CID; every read path goes through it.

use cid::Cid;
use multihash::Multihash;
use sha2::{Digest, Sha256};

/// Multicodec of a raw block.
pub const RAW: u64 = 0x55;
/// Multicodec of a dag-pb (UnixFS) block.
pub const DAG_PB: u64 = 0x70;
/// Multicodec of a DAG-CBOR block.
pub const DAG_CBOR: u64 = 0x71;
/// Multihash code of sha2-256.
pub const SHA2_256: u64 = 0x12;
/// Multihash code of the identity "hash" (the data itself).
pub const IDENTITY: u64 = 0x00;

/// Largest block nip ever writes; the IPFS network refuses bigger ones.
pub const MAX_BLOCK: usize = 1 << 20;

/// A content-addressed block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub cid: Cid,
    pub data: Vec<u8>,
}

impl Block {
    /// Makes the block of `data` under `codec`, hashing it with sha2-256.
    pub fn new(codec: u64, data: Vec<u8>) -> Block {
        Block { cid: cid_of(codec, &data), data }
    }
}

/// The CIDv1 of `data` under `codec` with a sha2-256 multihash.
pub fn cid_of(codec: u64, data: &[u8]) -> Cid {
    sha256_cid(codec, &Sha256::digest(data).into())
}

/// The CIDv1 under `codec` of a sha2-256 `digest`.
pub fn sha256_cid(codec: u64, digest: &[u8; 32]) -> Cid {
    // A 32-byte digest always fits the 64-byte multihash.
    let mh = Multihash::<64>::wrap(SHA2_256, digest).expect("32-byte digest fits a 64-byte multihash");
    Cid::new_v1(codec, mh)
}

/// A CIDv1 DAG-CBOR sha2-256 link kept as its 32-byte digest. Every
/// NIPObject nip writes has such a CID; a push of 373,000 objects keeps one
/// per object until the object map is built, and an in-memory [`Cid`] takes
/// about 90 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CborLink(pub [u8; 32]);

impl CborLink {
    /// The link of `cid`, if it is CIDv1 DAG-CBOR with a sha2-256 multihash.
    #[cfg(test)]
    pub fn of(cid: &Cid) -> Option<CborLink> {
        let ok = cid.version() == cid::Version::V1 && cid.codec() == DAG_CBOR && cid.hash().code() == SHA2_256;
        let digest: [u8; 32] = cid.hash().digest().try_into().ok()?;
        ok.then_some(CborLink(digest))
    }

    pub fn cid(&self) -> Cid {
        sha256_cid(DAG_CBOR, &self.0)
    }
}

/// Why a block does not match its CID.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("block {cid} is corrupt: its content hashes to {actual}")]
    Mismatch { cid: Box<Cid>, actual: String },
    #[error("block {cid} uses hash function 0x{code:x}; nip reads only sha2-256 (0x12)")]
    UnsupportedHash { cid: Box<Cid>, code: u64 },
}

/// Checks that `data` is what `cid` names.
pub fn verify(cid: &Cid, data: &[u8]) -> Result<(), VerifyError> {
    let mh = cid.hash();
    if mh.code() == IDENTITY {
        return if mh.digest() == data {
            Ok(())
        } else {
            Err(VerifyError::Mismatch { cid: Box::new(*cid), actual: cid_of(cid.codec(), data).to_string() })
        };
    }
    if mh.code() != SHA2_256 {
        return Err(VerifyError::UnsupportedHash { cid: Box::new(*cid), code: mh.code() });
    }
    let digest = Sha256::digest(data);
    if mh.digest() != digest.as_slice() {
        let actual = cid_of(cid.codec(), data);
        return Err(VerifyError::Mismatch { cid: Box::new(*cid), actual: actual.to_string() });
    }
    Ok(())
}

/// The CID of empty content: a raw CID with an identity multihash
/// (`bafkqaaa`). Nothing needs storing or fetching for it: Kubo's bitswap
/// does not transfer a zero-length block, so a DAG that linked the sha2-256
/// empty block could not be fetched or pinned from another node.
pub fn empty_cid() -> Cid {
    let mh = Multihash::<64>::wrap(IDENTITY, &[]).expect("empty digest fits");
    Cid::new_v1(RAW, mh)
}

/// The content of a CID that carries it inline (identity multihash).
pub fn inline_data(cid: &Cid) -> Option<Vec<u8>> {
    (cid.hash().code() == IDENTITY).then(|| cid.hash().digest().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_cid_matches_kubo() {
        // `printf 'hello\n' | ipfs add -n --cid-version=1 --raw-leaves`
        assert_eq!(cid_of(RAW, b"hello\n").to_string(), "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
    }

    #[test]
    fn empty_content_is_inline() {
        assert_eq!(empty_cid().to_string(), "bafkqaaa");
        assert_eq!(inline_data(&empty_cid()), Some(vec![]));
        assert!(verify(&empty_cid(), b"").is_ok());
        assert!(verify(&empty_cid(), b"x").is_err());
        assert_eq!(inline_data(&cid_of(RAW, b"")), None);
    }

    #[test]
    fn verify_detects_corruption() {
        let b = Block::new(RAW, b"abc".to_vec());
        assert!(verify(&b.cid, b"abc").is_ok());
        let err = verify(&b.cid, b"abd").unwrap_err();
        assert!(err.to_string().contains(&b.cid.to_string()));
    }
}
