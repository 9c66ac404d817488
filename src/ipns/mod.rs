//! Mutable addresses: `nip::/ipns/<key>` and `nip::/ipns/<dnslink-domain>`.
//!
//! An `/ipfs/` address changes with every push; an IPNS name does not. Each
//! repository gets its own Ed25519 key in the node's keystore
//! ([`create_key`], on the first push to `nip::new-ipns`), and every push
//! publishes its new index under that key. Whoever holds the key may push;
//! anyone may clone.
//!
//! A push to a name is as careful as a push to a git server:
//! 1. Before anything is uploaded, the node must hold the key
//!    ([`held_key`]), or the push stops with [`IpnsError::NoKey`].
//! 2. The name's current index ([`current`]) is the remote's state: refs
//!    that do not fast-forward from it are refused, and the new index links
//!    it as `prev`.
//! 3. Just before publishing, [`publish`] resolves the name again; if it
//!    moved (someone else pushed meanwhile), it publishes nothing and says
//!    "the remote moved; fetch first". Otherwise it publishes with the next
//!    sequence number, explicitly.
//!
//! Resolving asks the node for the name's record (`routing/get`): the best
//! of what the node itself holds and what its peers return, within
//! `NIP_IPNS_TIMEOUT` seconds (30). For a key this node holds, its own record
//! always counts, so a name resolves with no network at all; the network can
//! only supersede it with a higher sequence number.
//!
//! What remains possible: two pushers who both pass step 3 within the same
//! moment publish two records with the same sequence number, and the network
//! keeps one. The other index is not lost: its pusher's node keeps it pinned,
//! and [`cache`] remembers that it was published, so that pusher's next push
//! finds the name no longer descends from it and says so, naming the index.

pub mod cache;
pub mod name;
pub mod record;

pub use name::Name;

use crate::kubo::names::{Key, RecordLookup};
use crate::kubo::{Client, KuboError};
use cid::Cid;
use std::time::Duration;

/// How long other resolvers may cache a record nip publishes.
pub const RECORD_TTL: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum IpnsError {
    #[error(transparent)]
    Node(#[from] KuboError),
    #[error(transparent)]
    Name(#[from] name::NameError),
    #[error("cannot resolve /ipns/{name} within {secs}s: {why}")]
    Unresolvable { name: String, secs: u64, why: String },
    #[error("/ipns/{name} has no record: it was never published, or its record expired with no node republishing it")]
    NotFound { name: String },
    #[error("/ipns/{name} points to {value}, which is not a nip repository (/ipfs/<cid>)")]
    NotNip { name: String, value: String },
    #[error("/ipns/{name}: {why}")]
    Record { name: String, why: record::RecordError },
    #[error("this node cannot publish /ipns/{name}: key not found; import it with `nipctl key import`")]
    NoKey { name: String },
    #[error(
        "/ipns/{domain} is a DNSLink to {target}, which cannot be updated by a push: point the TXT record \
         _dnslink.{domain} at dnslink=/ipns/<key> and push again"
    )]
    FixedLink { domain: String, target: String },
    #[error("DNSLink of /ipns/{domain} goes through more than {hops} names")]
    LinkLoop { domain: String, hops: usize },
    #[error(
        "the remote moved; fetch first: /ipns/{name} now points to {now}, and this push was based on {base}; \
         nothing was published"
    )]
    Moved { name: String, base: String, now: String },
}

impl IpnsError {
    /// True when the name could not be resolved in time (a cached index
    /// may stand in for a read).
    pub fn is_unresolvable(&self) -> bool {
        matches!(self, IpnsError::Unresolvable { .. })
    }
}

/// Where a name leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A key name (`k51…`), which a holder of the key can move.
    Key(String),
    /// A fixed index (a DNSLink straight to `/ipfs/<cid>`).
    Index(Cid),
}

/// The index a key name points to now, and its record's sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Current {
    pub index: Cid,
    pub sequence: u64,
}

const MAX_HOPS: usize = 4;

/// Follows DNSLink (at most [`MAX_HOPS`] domains) to a key or an index.
pub fn target(client: &Client, name: &Name) -> Result<Target, IpnsError> {
    let mut name = name.clone();
    for _ in 0..MAX_HOPS {
        let domain = match &name {
            Name::Key(_) => return Ok(Target::Key(name.to_string())),
            Name::Domain(d) => d.clone(),
        };
        let path = client.name_resolve_once(&domain).map_err(|e| match e {
            KuboError::Timeout { secs, .. } => {
                IpnsError::Unresolvable { name: domain.clone(), secs, why: "no DNSLink answer".into() }
            }
            e => IpnsError::Unresolvable { name: domain.clone(), secs: client.ipns_timeout().as_secs(), why: e.to_string() },
        })?;
        if let Some(next) = path.strip_prefix("/ipns/") {
            name = Name::parse(next)?;
        } else if let Some(cid) = index_of(&path) {
            return Ok(Target::Index(cid));
        } else {
            return Err(IpnsError::NotNip { name: domain, value: path });
        }
    }
    Err(IpnsError::LinkLoop { domain: name.to_string(), hops: MAX_HOPS })
}

fn index_of(value: &str) -> Option<Cid> {
    let c = value.strip_prefix("/ipfs/")?.trim_end_matches('/');
    (!c.contains('/')).then(|| Cid::try_from(c).ok()).flatten()
}

/// What the key name `key` (`k51…`) points to now: the best record of the
/// node's own (when `holds`, it holds the key) and what its peers return.
/// `None` when there is no record anywhere.
pub fn current(client: &Client, key: &str, holds: bool) -> Result<Option<Current>, IpnsError> {
    let decode = |bytes: Vec<u8>| record::decode(&bytes).map_err(|why| IpnsError::Record { name: key.to_string(), why });
    let local = if holds {
        match client.routing_get_ipns(key, true) {
            Ok(RecordLookup::Found(b)) => Some(decode(b)?),
            Ok(RecordLookup::NotFound) => None,
            Err(e) => {
                log::warn!("cannot read this node's own record of /ipns/{key}: {e}");
                None
            }
        }
    } else {
        None
    };
    let network = match client.routing_get_ipns(key, false) {
        Ok(RecordLookup::Found(b)) => Some(decode(b)?),
        Ok(RecordLookup::NotFound) => None,
        Err(e) if local.is_some() => {
            log::info!("the network did not answer for /ipns/{key} ({e}); using this node's own record");
            None
        }
        Err(e) => {
            let secs = match &e {
                KuboError::Timeout { secs, .. } => *secs,
                _ => client.ipns_timeout().as_secs(),
            };
            return Err(IpnsError::Unresolvable { name: key.to_string(), secs, why: e.to_string() });
        }
    };
    let best = match (local, network) {
        (Some(l), Some(n)) => Some(if n.sequence > l.sequence { n } else { l }),
        (l, n) => l.or(n),
    };
    best.map(|r| {
        let index = index_of(&r.value).ok_or_else(|| IpnsError::NotNip { name: key.to_string(), value: r.value.clone() })?;
        Ok(Current { index, sequence: r.sequence })
    })
    .transpose()
}

/// The node's key for the key name `key`, if it holds it.
pub fn held_key(client: &Client, key: &str) -> Result<Option<Key>, IpnsError> {
    Ok(client.key_list()?.into_iter().find(|k| k.id == key))
}

/// Makes a new key for a repository called `repo`: `nip-<repo>`, or
/// `nip-<repo>-2`… if that name is taken. Never `self`.
pub fn create_key(client: &Client, repo: &str) -> Result<Key, IpnsError> {
    let clean: String = repo
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c.to_ascii_lowercase() } else { '-' })
        .take(40)
        .collect();
    let clean = clean.trim_matches(['-', '.']);
    let base = if clean.is_empty() { "nip-repo".to_string() } else { format!("nip-{clean}") };
    let taken: Vec<String> = client.key_list()?.into_iter().map(|k| k.name).collect();
    let name =
        (1..).map(|i| if i == 1 { base.clone() } else { format!("{base}-{i}") }).find(|n| !taken.contains(n)).unwrap_or(base);
    Ok(client.key_gen(&name)?)
}

/// Publishes `new` under `key` if the name still points where the push
/// started (`base`), with the next sequence number. Returns that number.
pub fn publish(client: &Client, key: &Key, base: Option<Current>, new: &Cid) -> Result<u64, IpnsError> {
    let now = current(client, &key.id, true)?;
    if now.map(|c| c.index) != base.map(|c| c.index) {
        let show = |c: Option<Current>| match c {
            Some(c) => format!("/ipfs/{} (sequence {})", c.index, c.sequence),
            None => "nothing".to_string(),
        };
        return Err(IpnsError::Moved { name: key.id.clone(), base: show(base), now: show(now) });
    }
    let sequence = now.map(|c| c.sequence + 1).unwrap_or(1);
    client.name_publish(&key.name, &format!("/ipfs/{new}"), sequence, RECORD_TTL)?;
    Ok(sequence)
}

/// Where a name points now, for a read: the index, and the record's
/// sequence number when the name is (or leads to) a key.
pub fn resolve(client: &Client, name: &Name) -> Result<(Cid, Option<u64>), IpnsError> {
    match target(client, name)? {
        Target::Index(index) => Ok((index, None)),
        Target::Key(key) => {
            let holds = held_key(client, &key)?.is_some();
            let c = current(client, &key, holds)?.ok_or(IpnsError::NotFound { name: key })?;
            Ok((c.index, Some(c.sequence)))
        }
    }
}
