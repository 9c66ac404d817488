//! New-push announcements: a name's new index, told to followers over
//! pubsub the moment it is published, so that they need not poll the name.
//!
//! Each IPNS name has a topic, `/nip/1/ipns/<name>` (the name as its
//! base36 `k51…` key). After a push publishes a name, the pusher's node
//! publishes on that topic the IPNS record it just signed, byte for byte:
//! the announcement is the record itself, so a follower can check it
//! without trusting whoever relayed it. (This needs Kubo's pubsub,
//! `Pubsub.Enabled=true`, on the pusher's node and the follower's; without
//! it a push says nothing and a follower can still resolve the name.)
//!
//! An announcement is a hint, never an instruction. Before acting on one a
//! follower checks, in this order ([`Watch::check`]): that it is at most
//! [`MAX_RECORD`] bytes; that it is an IPNS record signed for the watched
//! name (its node verifies the signature: `name/inspect --verify`); that
//! its sequence number is above the last one seen; that it points to an
//! index (`/ipfs/<cid>`); and that this index descends from the one the
//! follower has (its `previous` chain reaches it within
//! [`MAX_STEPS`] indexes), so a replayed old record or a fork cannot move
//! the follower. Any other message on the topic is reported and ignored.

use crate::kubo::Client;
use crate::store::BlockStore;
use cid::Cid;

/// The largest announcement read: the IPNS spec's bound on a record.
pub const MAX_RECORD: usize = 10 << 10;

/// How many indexes back an announced index may reach the follower's.
pub const MAX_STEPS: usize = 10_000;

/// The topic of a name (`k51…`).
pub fn topic(name: &str) -> String {
    format!("/nip/1/ipns/{name}")
}

#[derive(Debug, thiserror::Error)]
pub enum AnnounceError {
    #[error("an announcement of {len} bytes (an IPNS record is at most {MAX_RECORD})")]
    TooLarge { len: usize },
    #[error("not a record signed for /ipns/{name}: {why}")]
    NotSigned { name: String, why: String },
    #[error("its sequence number {got} is not above {have}, the last one seen (an old record, replayed)")]
    Stale { got: u64, have: u64 },
    #[error("it points to {value}, which is not an index (/ipfs/<cid>)")]
    NotAnIndex { value: String },
    #[error(
        "it points to nip::/ipfs/{index}, which does not descend from nip::/ipfs/{have} (its previous indexes do not \
         reach it within {MAX_STEPS}): a fork or a rewrite, not a new push"
    )]
    NotDescendant { index: Box<Cid>, have: Box<Cid> },
    #[error("reading nip::/ipfs/{index} to check it: {error}")]
    Unreadable { index: Box<Cid>, error: Box<crate::Error> },
    #[error(transparent)]
    Node(#[from] Box<crate::kubo::KuboError>),
}

/// An announcement that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub index: Cid,
    pub sequence: u64,
}

/// What a follower has of one name: the last index and sequence accepted.
pub struct Watch<'a> {
    pub name: String,
    pub index: Cid,
    pub sequence: u64,
    node: &'a Client,
    store: &'a dyn BlockStore,
}

impl<'a> Watch<'a> {
    /// Watches `name` (`k51…`) from `index` at `sequence` (where it
    /// pointed when the watch began).
    pub fn new(node: &'a Client, store: &'a dyn BlockStore, name: &str, index: Cid, sequence: u64) -> Watch<'a> {
        Watch { name: name.to_string(), index, sequence, node, store }
    }

    /// Checks one announcement (the module docs say what, and in which
    /// order); on success the watch moves to it.
    pub fn check(&mut self, data: &[u8]) -> Result<Accepted, AnnounceError> {
        if data.len() > MAX_RECORD {
            return Err(AnnounceError::TooLarge { len: data.len() });
        }
        let inspected = self.node.ipns_verify(&self.name, data).map_err(Box::new)?;
        let (value, sequence) = match inspected {
            Ok(entry) => entry,
            Err(why) => return Err(AnnounceError::NotSigned { name: self.name.clone(), why }),
        };
        if sequence <= self.sequence {
            return Err(AnnounceError::Stale { got: sequence, have: self.sequence });
        }
        let index = crate::ipns::index_of(&value)
            .ok_or_else(|| AnnounceError::NotAnIndex { value: crate::protocol::one_line(&value).chars().take(120).collect() })?;
        if index != self.index {
            let descends = crate::helper::descends(self.store, index, self.index, MAX_STEPS)
                .map_err(|e| AnnounceError::Unreadable { index: Box::new(index), error: Box::new(e) })?;
            if !descends {
                return Err(AnnounceError::NotDescendant { index: Box::new(index), have: Box::new(self.index) });
            }
        }
        self.index = index;
        self.sequence = sequence;
        Ok(Accepted { index, sequence })
    }
}

/// Announces the record `name` has on `node` now (after a publish) on the
/// name's topic. `Ok(false)` when the node runs without pubsub: no
/// follower could hear it.
pub fn announce(node: &Client, name: &str) -> Result<bool, crate::kubo::KuboError> {
    let record = match node.routing_get_ipns(name, true)? {
        crate::kubo::names::RecordLookup::Found(r) => r,
        crate::kubo::names::RecordLookup::NotFound => return Ok(false),
    };
    match node.pubsub_pub(&topic(name), record) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == crate::kubo::Kind::Disabled => Ok(false),
        Err(e) => Err(e),
    }
}
