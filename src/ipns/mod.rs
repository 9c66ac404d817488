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
    /// Boxed: a [`KuboError`] is large, and most results here succeed.
    #[error(transparent)]
    Node(Box<KuboError>),
    #[error(transparent)]
    Name(#[from] name::NameError),
    #[error("cannot resolve /ipns/{name}: {why}")]
    Unresolvable { name: String, why: String },
    #[error(
        "/ipns/{name} has no record here: it was never published, its record expired with no node republishing it, \
         or no peer this node reached has it (connect to one: ipfs swarm connect)"
    )]
    NotFound { name: String },
    #[error("/ipns/{domain} has no usable DNSLink: {why}")]
    NoLink { domain: String, why: String },
    #[error(
        "/ipns/{name} has no record anywhere this node looked, so a push would start it over from this repository's \
         refs: connect to a node that has it (ipfs swarm connect) and push again, or force every ref (git push --force) \
         to start the name afresh"
    )]
    NoRecordToPushOn { name: String },
    #[error("/ipns/{name} is this node's own identity key (self): nip publishes a repository only under a key of its own; push to nip::new-ipns")]
    SelfKey { name: String },
    #[error("publishing /ipns/{name} failed and it may or may not have been published: {why}; nip::/ipns/{name} shows what it points to now")]
    Uncertain { name: String, why: String },
    #[error("/ipns/{name} points to {value}, which is not a nip repository (/ipfs/<cid>)")]
    NotNip { name: String, value: String },
    #[error("/ipns/{name}: {why}")]
    Record { name: String, why: record::RecordError },
    #[error("this node cannot publish /ipns/{name}: key not found; import it with `nipctl key import`")]
    NoKey { name: String },
    #[error(
        "/ipns/{name} cannot be published again: its record has the last sequence number there is (2^64 - 1), \
         so no record can replace it; push to nip::new-ipns for a new name"
    )]
    SequenceExhausted { name: String },
    #[error(
        "/ipns/{domain} is a DNSLink to {target}, which cannot be updated by a push: point the TXT record \
         _dnslink.{domain} at dnslink=/ipns/<key> and push again"
    )]
    FixedLink { domain: String, target: String },
    #[error("DNSLink of /ipns/{domain} goes through more than {hops} names: point its _dnslink TXT record straight at dnslink=/ipns/<key>")]
    LinkLoop { domain: String, hops: usize },
    #[error(
        "the remote moved; fetch first: /ipns/{name} now points to {now}, and this push was based on {base}; \
         nothing was published"
    )]
    Moved { name: String, base: String, now: String },
}

impl From<KuboError> for IpnsError {
    fn from(e: KuboError) -> IpnsError {
        IpnsError::Node(Box::new(e))
    }
}

impl IpnsError {
    /// True when the name could not be resolved in time, or the network
    /// failed (a cached index may stand in for a read); not for a definite
    /// answer such as a missing DNSLink.
    pub fn is_unresolvable(&self) -> bool {
        matches!(self, IpnsError::Unresolvable { .. })
    }
}

/// Why a lookup failed, in words: a timeout says how long it waited and
/// which setting sets that.
fn failed(client: &Client, e: &KuboError) -> String {
    if e.is_timeout() {
        format!("no answer within {}s (NIP_IPNS_TIMEOUT sets how long to wait)", client.ipns_timeout().as_secs())
    } else {
        e.to_string()
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

/// Follows DNSLink (at most `MAX_HOPS` domains) to a key or an index.
pub fn target(client: &Client, name: &Name) -> Result<Target, IpnsError> {
    let first = name.to_string();
    let mut name = name.clone();
    for _ in 0..MAX_HOPS {
        let domain = match &name {
            Name::Key(_) => return Ok(Target::Key(name.to_string())),
            Name::Domain(d) => d.clone(),
        };
        // The node answered, and not in time or not with a link: a
        // definite answer (no DNSLink) is NoLink; a wait that ran out, or a
        // node that did not answer, is Unresolvable (a cached index may
        // stand in).
        let path = client.name_resolve_once(&domain).map_err(|e| match &e {
            KuboError::Api { message, .. } if !e.is_timeout() => {
                IpnsError::NoLink { domain: domain.clone(), why: message.clone() }
            }
            _ => IpnsError::Unresolvable { name: domain.clone(), why: failed(client, &e) },
        })?;
        if let Some(next) = path.strip_prefix("/ipns/") {
            name = Name::parse(next).map_err(|e| IpnsError::NoLink { domain: domain.clone(), why: e.to_string() })?;
        } else if let Some(cid) = index_of(&path) {
            return Ok(Target::Index(cid));
        } else {
            return Err(IpnsError::NotNip { name: domain, value: path });
        }
    }
    Err(IpnsError::LinkLoop { domain: first, hops: MAX_HOPS })
}

/// The index a name's value (`/ipfs/<cid>`, from a record or a DNSLink)
/// points to, if it is one. Public for the fuzz targets (`fuzz/`).
pub fn index_of(value: &str) -> Option<Cid> {
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
        Err(e) => return Err(IpnsError::Unresolvable { name: key.to_string(), why: failed(client, &e) }),
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

/// The key a push to `key` publishes with: held by this node, and not its
/// identity key. Checked before anything is uploaded.
pub fn key_to_push(client: &Client, key: &str) -> Result<Key, IpnsError> {
    let held = held_key(client, key)?.ok_or_else(|| IpnsError::NoKey { name: key.to_string() })?;
    if held.name == "self" {
        return Err(IpnsError::SelfKey { name: key.to_string() });
    }
    Ok(held)
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
    let sequence = match now {
        None => 1,
        Some(c) => c.sequence.checked_add(1).ok_or_else(|| IpnsError::SequenceExhausted { name: key.id.clone() })?,
    };
    put(client, key, new, sequence)
}

/// Publishes the first record of a key [`create_key`] just made: nobody
/// else can have published under it, so there is nothing to check (and
/// asking the network for a record that cannot exist would wait out the
/// whole timeout on a large network).
pub fn publish_first(client: &Client, key: &Key, new: &Cid) -> Result<u64, IpnsError> {
    put(client, key, new, 1)
}

fn put(client: &Client, key: &Key, new: &Cid, sequence: u64) -> Result<u64, IpnsError> {
    if let Err(e) = client.name_publish(&key.name, &format!("/ipfs/{new}"), sequence, RECORD_TTL) {
        // Kubo keeps the new record before it sends it to the network, so a
        // publish that failed late (a timeout in the DHT put) may have
        // happened: the node's own record says.
        return match client.routing_get_ipns(&key.id, true) {
            Ok(RecordLookup::Found(b)) if record::decode(&b).ok().and_then(|r| index_of(&r.value)) == Some(*new) => {
                log::warn!(
                    "publishing /ipns/{} reported {e}, but the node holds the new record; it will reach the network when the node republishes",
                    key.id
                );
                Ok(sequence)
            }
            Ok(RecordLookup::NotFound) | Ok(RecordLookup::Found(_))
                if matches!(e, KuboError::Api { .. } | KuboError::Refused { .. }) =>
            {
                Err(e.into())
            }
            _ => Err(IpnsError::Uncertain { name: key.id.clone(), why: e.to_string() }),
        };
    }
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
