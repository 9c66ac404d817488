//! Publishing a push under a name (`new-ipns`, `/ipns/<name>`): the key
//! checked before anything is uploaded, the push against the name's
//! current index, the publish that refuses if the name moved meanwhile
//! ([`crate::ipns::publish`]), the warning when the name no longer leads
//! back to what this repository published (a concurrent push), and, for
//! any push that changes the address, the "remote moved to a new address"
//! lines and the rewrite of `remote.<name>.url`.

use super::resolve::{cache_in, Resolved};
use super::Helper;
use crate::address::Address;
use crate::format::NipIndex;
use crate::ipns::{self, cache::Cache, Current, IpnsError, Name};
use crate::push::{self, PushCommand, PushOptions, PushOutcome};
use crate::remote::Remote;
use crate::store::BlockStore;
use crate::Error;
use cid::Cid;
use git2::Repository;

/// How far back [`descends`] looks.
const MAX_HISTORY: usize = 1000;

impl<'s> Helper<'s> {
    /// A push to `new-ipns` or `/ipns/<name>`: check the key before
    /// anything is uploaded, push against the name's current index, then
    /// publish if the name has not moved meanwhile.
    pub(super) fn push_to_name(
        &mut self,
        repo: &Repository,
        commands: &[PushCommand],
        opts: PushOptions,
    ) -> Result<PushOutcome, Error> {
        let client = self.node()?;
        let resolved = self.resolve(true)?;
        let (key, base) = match &resolved {
            Resolved::NewName => (None, None),
            Resolved::Name { key, held, current } => {
                let held = match held {
                    Some(k) => k.clone(),
                    None => ipns::key_to_push(client, key)?,
                };
                if current.is_none() && !commands.iter().all(|c| c.force) {
                    return Err(IpnsError::NoRecordToPushOn { name: key.clone() }.into());
                }
                (Some(held), *current)
            }
            Resolved::Link { domain, index } => {
                return Err(IpnsError::FixedLink { domain: domain.clone(), target: format!("/ipfs/{index}") }.into())
            }
            Resolved::Fixed(_) | Resolved::Cached { .. } => {
                return Err(super::HelperError::NotAName(self.address.to_string()).into())
            }
        };
        let cache = match &self.address {
            Address::Ipns(name) => Some(cache_in(repo, &name.to_string())),
            _ => None,
        };
        match (&cache, base) {
            (Some(cache), Some(base)) => self.check_fork(cache, base),
            (Some(cache), None) => {
                if let Some((seen, sequence)) = cache.load().index {
                    eprintln!(
                        "nip: warning: nip::{} has no record now, but this repository saw it at nip::/ipfs/{seen} \
                         (sequence {sequence}): its record may have expired with no node republishing it. This push \
                         starts the name again from this repository's refs; `git fetch nip::/ipfs/{seen}` gets the old ones",
                        self.address
                    );
                }
            }
            _ => {}
        }
        let remote = Remote::open_index(self.store, self.address.clone(), base.map(|c| c.index))?;
        let mut outcome = push::push(repo, &remote, commands, opts)
            .map_err(|e| e.context(format!("push to {} failed; the name was not changed", remote.url())))?;
        let Some(new) = outcome.new_index else { return Ok(outcome) };
        let (key, created) = match key {
            Some(k) => (k, false),
            None => {
                let dir = repo.workdir().unwrap_or_else(|| repo.path());
                let repo_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("repo").trim_end_matches(".git");
                (ipns::create_key(client, repo_name)?, true)
            }
        };
        let published = if created { ipns::publish_first(client, &key, &new) } else { ipns::publish(client, &key, base, &new) };
        match published {
            Ok(sequence) => {
                let name = Name::parse(&key.id).map_err(IpnsError::from)?;
                let published = Address::Ipns(name.clone());
                cache.unwrap_or_else(|| cache_in(repo, &name.to_string())).published(new, sequence);
                if self.address == Address::NewName {
                    eprintln!("nip: made key '{}' for this repository: its IPNS name is /ipns/{}", key.name, key.id);
                    self.announce(repo, &published);
                }
                eprintln!("nip: published nip::/ipfs/{new} as nip::{} (sequence {sequence})", self.address_after(&published));
                // Followers (`nipctl watch`) hear of it at once: a hint
                // they check, so a failure here loses nothing.
                match crate::announce::announce(client, &key.id) {
                    Ok(true) => log::info!("announced sequence {sequence} on {}", crate::announce::topic(&key.id)),
                    Ok(false) => log::info!("not announced to followers: the node runs without pubsub"),
                    Err(e) => eprintln!(
                        "nip: warning: telling followers of the new index failed ({}); they see it when they \
                         resolve the name",
                        crate::protocol::for_terminal(&e.to_string())
                    ),
                }
                self.release_replaced(&remote);
                self.report_stored(&outcome);
                self.pin_on_service(&remote, new, &published);
                Ok(outcome)
            }
            Err(e @ IpnsError::Moved { .. }) => {
                if let Err(r) = self.store.release(&new) {
                    log::warn!("could not drop the pin of the unpublished index {new}: {r}");
                }
                eprintln!("nip: {}", crate::protocol::for_terminal(&e.to_string()));
                for (_, status) in outcome.statuses.iter_mut().filter(|(_, s)| s.is_ok()) {
                    *status = Err("the remote moved; fetch first".to_string());
                }
                outcome.new_index = None;
                Ok(outcome)
            }
            Err(e @ IpnsError::Uncertain { .. }) => {
                // It may be published: keep the new index pinned.
                Err(Error::from(e).context(format!("push to {} may not have completed", remote.url())))
            }
            Err(e) => {
                if let Err(r) = self.store.release(&new) {
                    log::warn!("could not drop the pin of the unpublished index {new}: {r}");
                }
                if created {
                    if let Err(r) = client.key_rm(&key.name) {
                        log::warn!("could not remove the unused key '{}': {r}", key.name);
                    }
                }
                Err(Error::from(e).context(format!("push to {} failed; nothing was published", remote.url())))
            }
        }
    }

    /// The address a push leaves the remote at, for messages.
    fn address_after(&self, published: &Address) -> Address {
        match self.address {
            Address::NewName => published.clone(),
            _ => self.address.clone(),
        }
    }

    /// Warns if the name no longer leads back to the index this repository
    /// published last: another push replaced it at the same moment.
    fn check_fork(&self, cache: &Cache, now: Current) {
        let Some((mine, sequence)) = cache.load().published else { return };
        // Each publish raises the sequence by one, so `mine` is at most this
        // many indexes back.
        let steps = now.sequence.saturating_sub(sequence).saturating_add(1);
        if steps > MAX_HISTORY as u64 {
            log::info!("not checking {steps} indexes of nip::{} for {mine}", self.address);
            return;
        }
        match descends(self.store, now.index, mine, steps as usize) {
            Ok(true) => {}
            Ok(false) => {
                eprintln!(
                    "nip: warning: nip::{} no longer leads back to nip::/ipfs/{mine}, which this repository published \
                     (sequence {sequence}): another push replaced it at the same time",
                    self.address
                );
                eprintln!(
                    "nip: warning: nothing is lost: {mine} stays pinned on the node that pushed it; see it with \
                     `nipctl inspect nip::/ipfs/{mine}`, fetch it with `git fetch nip::/ipfs/{mine}`, and push what is missing"
                );
            }
            Err(e) => log::warn!("could not check whether nip::{} still leads back to {mine}: {e}", self.address),
        }
    }

    /// Prints the old and new address and points the named remote at the
    /// new one.
    pub(super) fn announce(&self, repo: &Repository, new: &Address) {
        let old_url = format!("{}::{}", self.scheme, self.address);
        let new_url = format!("{}::{new}", self.scheme);
        let key = format!("remote.{}.url", self.remote_name);
        // Rewrite the URL only if it still names the address we pushed to.
        let configured = repo.config().ok().and_then(|c| c.get_string(&key).ok());
        let names_ours =
            |url: &str| url.split_once("::").and_then(|(_, a)| Address::parse(a).ok()).as_ref() == Some(&self.address);
        match configured {
            Some(url) if names_ours(&url) => {
                let set = repo.config().and_then(|mut c| c.set_str(&key, &new_url));
                eprintln!("nip: remote '{}' moved to a new address", self.remote_name);
                eprintln!("nip:   previous: {old_url}");
                eprintln!("nip:   new:      {new_url}");
                if let Err(e) = set {
                    eprintln!(
                        "nip: could not update {key} ({}); set it yourself: git remote set-url {} {new_url}",
                        e.message(),
                        self.remote_name
                    );
                }
            }
            _ => {
                eprintln!("nip: pushed to a new address (no remote to update):");
                eprintln!("nip:   {new_url}");
            }
        }
    }
}

/// Whether `ancestor` is `index` or one of its `steps - 1` previous indexes.
pub fn descends(store: &dyn BlockStore, index: Cid, ancestor: Cid, steps: usize) -> Result<bool, Error> {
    let blocks = crate::store::Verified::new(store);
    let mut at = Some(index);
    for _ in 0..steps {
        let Some(cid) = at else { return Ok(false) };
        if cid == ancestor {
            return Ok(true);
        }
        at = NipIndex::from_block(&cid, &blocks.get(&cid)?)?.prev;
    }
    Ok(false)
}
