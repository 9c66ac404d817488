//! IPNS names as they appear in addresses: a key (`k51…`, or a peer ID
//! such as `12D3Koo…`) or a DNSLink domain (`git.example.org`).

use cid::multibase::Base;
use cid::multihash::Multihash;
use cid::Cid;
use std::fmt;

/// The multicodec of a libp2p public key in a CID.
pub const LIBP2P_KEY: u64 = 0x72;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Name {
    /// A key name, kept as CIDv1 `libp2p-key`; shown in base36 (`k51…`).
    Key(Cid),
    /// A domain whose `_dnslink` TXT record says where the repository is.
    Domain(String),
}

#[derive(Debug, thiserror::Error)]
pub enum NameError {
    #[error("{input:?} is not an IPNS name: use a key (k51…) or a DNSLink domain (git.example.org)")]
    Invalid { input: String },
    #[error("{input:?} is a CID of content (codec 0x{codec:x}), not an IPNS key: use nip::/ipfs/{input} for it")]
    Content { input: String, codec: u64 },
}

impl Name {
    pub fn parse(input: &str) -> Result<Name, NameError> {
        let s = input.trim().trim_end_matches('/');
        let invalid = || NameError::Invalid { input: input.to_string() };
        if s.is_empty() || s.contains('/') {
            return Err(invalid());
        }
        // A public key, or its SHA-256: never shorter than 32 bytes.
        let key = |mh: &Multihash<64>| (mh.digest().len() >= 32).then(|| Name::Key(Cid::new_v1(LIBP2P_KEY, *mh)));
        if let Ok(cid) = Cid::try_from(s) {
            return match (cid.version(), cid.codec()) {
                // A CIDv0-shaped string is a legacy (RSA, `Qm…`) peer ID.
                (cid::Version::V0, _) | (_, LIBP2P_KEY) => key(cid.hash()).ok_or_else(invalid),
                (_, codec) => Err(NameError::Content { input: s.to_string(), codec }),
            };
        }
        if let Ok(bytes) = Base::Base58Btc.decode(s) {
            if let Ok(mh) = Multihash::<64>::from_bytes(&bytes) {
                return key(&mh).ok_or_else(invalid);
            }
        }
        let domain = s.to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if domain.len() <= 253 && domain.contains('.') && domain.split('.').all(label_ok) {
            return Ok(Name::Domain(domain));
        }
        Err(invalid())
    }

    /// The key's name in base36 (`k51…`), or `None` for a domain.
    pub fn key(&self) -> Option<String> {
        match self {
            Name::Key(cid) => Some(base36(cid)),
            Name::Domain(_) => None,
        }
    }
}

fn base36(cid: &Cid) -> String {
    cid.to_string_of_base(Base::Base36Lower).unwrap_or_else(|_| cid.to_string())
}

impl fmt::Display for Name {
    /// The name as it follows `/ipns/`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Key(cid) => write!(f, "{}", base36(cid)),
            Name::Domain(d) => write!(f, "{d}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        // One Ed25519 key in three spellings.
        let k = "k51qzi5uqu5dh5r1nd05yvrwg00el5f5hwlplblq7t4ef8vu21jywuo50ihf1m";
        let name = Name::parse(k).unwrap();
        assert_eq!(name.to_string(), k);
        let Name::Key(cid) = &name else { panic!("a key") };
        let b32 = cid.to_string();
        assert!(b32.starts_with("bafzaa"), "{b32}");
        assert_eq!(Name::parse(&b32).unwrap(), name);
        let peer = Base::Base58Btc.encode(cid.hash().to_bytes());
        assert!(peer.starts_with("12D3Koo"), "{peer}");
        assert_eq!(Name::parse(&peer).unwrap(), name);
        assert_eq!(Name::parse(&format!("{k}/")).unwrap(), name);

        assert_eq!(Name::parse("Git.Example.org").unwrap(), Name::Domain("git.example.org".into()));
        assert!(Name::parse("git.example.org").unwrap().key().is_none());
        let content = "bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmuzyqkgsa";
        assert!(matches!(Name::parse(content), Err(NameError::Content { .. })));
        for bad in ["", "localhost", "a/b", "-x.org", "x..org", "exa mple.org", "k51/x", "11"] {
            assert!(Name::parse(bad).is_err(), "{bad}");
        }
    }
}
