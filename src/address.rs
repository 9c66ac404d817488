//! Repository addresses: what follows `nip::` in a git URL.
//!
//! | form | meaning |
//! |------|---------|
//! | `new-ipfs` | a repository that does not exist yet; a push creates it |
//! | `/ipfs/<cid>` | the repository whose index is `<cid>` (CIDv0 or CIDv1) |
//! | `ipfs://<cid>` | the same |
//! | `new-ipns` | a repository that does not exist yet; a push creates it under a new IPNS name |
//! | `/ipns/<key>` | the repository an IPNS name (`k51…`) points to now |
//! | `/ipns/<domain>` | the repository a DNSLink domain points to now |
//! | `ipns://<name>` | the same |
//!
//! A push never changes an `/ipfs/` address: it makes a new one, which the
//! helper prints and writes into the remote's URL. A push to an `/ipns/`
//! name keeps the address and moves the name (see [`crate::ipns`]).

use crate::ipns::Name;
use cid::Cid;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// `new-ipfs`: nothing yet.
    New,
    /// An immutable repository.
    Ipfs(Cid),
    /// `new-ipns`: nothing yet; the first push makes a key and a name.
    NewName,
    /// A mutable repository: whatever the name points to now.
    Ipns(Name),
}

#[derive(Debug, thiserror::Error)]
pub enum AddressError {
    #[error("{input:?} is not a nip address: use nip::new-ipfs, nip::/ipfs/<cid>, nip::new-ipns or nip::/ipns/<name>")]
    Unknown { input: String },
    #[error("{input:?} is not a valid CID: {why}")]
    BadCid { input: String, why: String },
    #[error(transparent)]
    Name(#[from] crate::ipns::name::NameError),
}

impl Address {
    pub fn parse(input: &str) -> Result<Address, AddressError> {
        let s = input.trim();
        let s = s.strip_prefix("nip::").unwrap_or(s);
        if s == "new-ipfs" {
            return Ok(Address::New);
        }
        if s == "new-ipns" {
            return Ok(Address::NewName);
        }
        if let Some(name) = s.strip_prefix("/ipns/").or_else(|| s.strip_prefix("ipns://")) {
            return Ok(Address::Ipns(Name::parse(name)?));
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

    /// The index of an `/ipfs/` address.
    pub fn cid(&self) -> Option<Cid> {
        match self {
            Address::Ipfs(c) => Some(*c),
            _ => None,
        }
    }

    /// True for `new-ipns` and `/ipns/…`: they need a node to resolve and
    /// publish names.
    pub fn is_name(&self) -> bool {
        matches!(self, Address::NewName | Address::Ipns(_))
    }
}

impl fmt::Display for Address {
    /// The address as it follows `nip::` in a URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::New => write!(f, "new-ipfs"),
            Address::Ipfs(c) => write!(f, "/ipfs/{c}"),
            Address::NewName => write!(f, "new-ipns"),
            Address::Ipns(n) => write!(f, "/ipns/{n}"),
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
        assert_eq!(Address::parse("nip::new-ipns").unwrap(), Address::NewName);
        let k = "k51qzi5uqu5dh5r1nd05yvrwg00el5f5hwlplblq7t4ef8vu21jywuo50ihf1m";
        let n = Address::parse(&format!("nip::/ipns/{k}")).unwrap();
        assert_eq!(n, Address::parse(&format!("ipns://{k}/")).unwrap());
        assert_eq!(n.to_string(), format!("/ipns/{k}"));
        assert!(n.is_name() && n.cid().is_none());
        assert_eq!(Address::parse("/ipns/git.example.org").unwrap().to_string(), "/ipns/git.example.org");
        for bad in ["", "new", "/ipfs/", "/ipfs/notacid", "http://x", "/ipfs/a/b", "/ipns/x", "/ipns/", &format!("/ipns/{v1}")] {
            assert!(Address::parse(bad).is_err(), "{bad}");
        }
    }
}
