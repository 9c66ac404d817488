//! Resolving the address once per invocation: what `new-ipfs`, `/ipfs/…`,
//! `new-ipns`, `/ipns/<name>` or a DNSLink stand for now ([`Resolved`]),
//! and for a read of a name that does not resolve in time, the index last
//! seen in this repository (its name cache) with a warning.

use super::Helper;
use crate::address::Address;
use crate::ipns::{self, cache::Cache, Current, IpnsError, Target};
use crate::kubo::names::Key;
use crate::Error;
use cid::Cid;
use git2::Repository;

/// What the address stands for in this invocation.
#[derive(Clone, Debug)]
pub enum Resolved {
    /// `new-ipfs` (`None`) or `/ipfs/<cid>`.
    Fixed(Option<Cid>),
    /// `new-ipns`.
    NewName,
    /// A key name (given, or reached through DNSLink), where it points, and
    /// for a push the node's key for it.
    Name { key: String, held: Option<Key>, current: Option<Current> },
    /// A DNSLink straight to an index: readable, not pushable.
    Link { domain: String, index: Cid },
    /// The name did not resolve in time; the index last seen here stands in
    /// for a read.
    Cached { index: Cid },
}

impl Resolved {
    pub fn index(&self) -> Option<Cid> {
        match self {
            Resolved::Fixed(c) => *c,
            Resolved::NewName => None,
            Resolved::Name { current, .. } => current.map(|c| c.index),
            Resolved::Link { index, .. } | Resolved::Cached { index } => Some(*index),
        }
    }
}

/// The cache of `name` in `repo`'s common `.git` (shared by its
/// worktrees).
pub(super) fn cache_in(repo: &Repository, name: &str) -> Cache {
    Cache::new(repo.commondir(), name)
}

impl<'s> Helper<'s> {
    /// The cache of the address's name in the repository git runs us in.
    fn cache(&self) -> Option<Cache> {
        match &self.address {
            Address::Ipns(name) => self.repo.ok().map(|r| cache_in(r, &name.to_string())),
            _ => None,
        }
    }

    /// Resolves the address, once per invocation. A read (`for_push`
    /// false) of a name that does not resolve in time falls back to the
    /// index last seen in this repository, with a warning; a push after
    /// such a read resolves again.
    pub(super) fn resolve(&mut self, for_push: bool) -> Result<Resolved, Error> {
        if let Some(r) = &self.resolved {
            if !(for_push && matches!(r, Resolved::Cached { .. })) {
                return Ok(r.clone());
            }
        }
        let r = self.resolve_now(for_push)?;
        self.resolved = Some(r.clone());
        Ok(r)
    }

    fn resolve_now(&self, for_push: bool) -> Result<Resolved, Error> {
        let name = match &self.address {
            Address::New => return Ok(Resolved::Fixed(None)),
            Address::Ipfs(c) => return Ok(Resolved::Fixed(Some(*c))),
            Address::NewName => return Ok(Resolved::NewName),
            Address::Ipns(name) => name,
        };
        let client = self.node()?;
        let cache = self.cache();
        let found = (|| -> Result<Resolved, IpnsError> {
            match ipns::target(client, name)? {
                Target::Index(index) => Ok(Resolved::Link { domain: name.to_string(), index }),
                Target::Key(key) => {
                    // A push needs the key: say so before any network wait.
                    let held = if for_push { Some(ipns::key_to_push(client, &key)?) } else { ipns::held_key(client, &key)? };
                    let current = ipns::current(client, &key, held.is_some())?;
                    if current.is_none() && !for_push {
                        return Err(IpnsError::NotFound { name: key });
                    }
                    Ok(Resolved::Name { key, held: held.filter(|_| for_push), current })
                }
            }
        })();
        match found {
            Ok(r) => {
                if let (Some(cache), Resolved::Name { current: Some(c), .. }) = (&cache, &r) {
                    cache.saw(c.index, c.sequence);
                }
                Ok(r)
            }
            Err(e) if e.is_unresolvable() && !for_push => match cache.and_then(|c| c.load().index) {
                Some((index, sequence)) => {
                    eprintln!("nip: warning: {}", crate::protocol::for_terminal(&e.to_string()));
                    eprintln!(
                        "nip: warning: using the index last seen here for /ipns/{name}: /ipfs/{index} (sequence {sequence}); it may be out of date"
                    );
                    Ok(Resolved::Cached { index })
                }
                None => Err(e.into()),
            },
            Err(e) => Err(e.into()),
        }
    }
}
