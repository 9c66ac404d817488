//! Repository addresses: what follows `nip::` in a git URL.
//!
//! | form | meaning |
//! |------|---------|
//! | `new-ipfs` | a repository that does not exist yet; a push creates it |
//! | `/ipfs/<cid>` | the repository whose index is `<cid>` (CIDv0 or CIDv1) |
//! | `ipfs://<cid>` | the same |
//!
//! A push never changes an existing address: it makes a new one, which the
//! helper prints and writes into the remote's URL.

use cid::Cid;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// `new-ipfs`: nothing yet.
    New,
    /// An immutable repository.
    Ipfs(Cid),
}

#[derive(Debug, thiserror::Error)]
pub enum AddressError {
    #[error("{input:?} is not a nip address: use nip::new-ipfs, nip::/ipfs/<cid> or nip::ipfs://<cid>")]
    Unknown { input: String },
    #[error("{input:?} is not a valid CID: {why}")]
    BadCid { input: String, why: String },
    #[error("{input:?}: IPNS names are not supported yet; use nip::new-ipfs or nip::/ipfs/<cid>")]
    Ipns { input: String },
}

impl Address {
    pub fn parse(input: &str) -> Result<Address, AddressError> {
        let s = input.trim();
        let s = s.strip_prefix("nip::").unwrap_or(s);
        if s == "new-ipfs" {
            return Ok(Address::New);
        }
        if s == "new-ipns" || s.starts_with("/ipns/") || s.starts_with("ipns://") {
            return Err(AddressError::Ipns { input: input.to_string() });
        }
        let cid = s
            .strip_prefix("/ipfs/")
            .or_else(|| s.strip_prefix("ipfs://"))
            .ok_or_else(|| AddressError::Unknown { input: input.to_string() })?;
        let cid = cid.trim_end_matches('/');
        if cid.is_empty() || cid.contains('/') {
            return Err(AddressError::Unknown { input: input.to_string() });
        }
        Cid::try_from(cid).map(Address::Ipfs).map_err(|e| AddressError::BadCid { input: cid.to_string(), why: e.to_string() })
    }

    pub fn cid(&self) -> Option<Cid> {
        match self {
            Address::New => None,
            Address::Ipfs(c) => Some(*c),
        }
    }
}

impl fmt::Display for Address {
    /// The address as it follows `nip::` in a URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::New => write!(f, "new-ipfs"),
            Address::Ipfs(c) => write!(f, "/ipfs/{c}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let v1 = "bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmuzyqkgsa";
        let v0 = "QmYn3tWpBKaTMgHY8F1cqDXwkHd5TGMqFpvX9ALqhD7Hew";
        assert_eq!(Address::parse("new-ipfs").unwrap(), Address::New);
        assert_eq!(Address::parse("nip::new-ipfs").unwrap(), Address::New);
        let a = Address::parse(&format!("/ipfs/{v1}")).unwrap();
        assert_eq!(a, Address::parse(&format!("ipfs://{v1}")).unwrap());
        assert_eq!(a.to_string(), format!("/ipfs/{v1}"));
        assert_eq!(Address::parse(&format!("/ipfs/{v0}")).unwrap().cid().unwrap().version(), cid::Version::V0);
        for bad in ["", "new", "/ipfs/", "/ipfs/notacid", "http://x", "/ipfs/a/b", "/ipns/x"] {
            assert!(Address::parse(bad).is_err(), "{bad}");
        }
    }
}
