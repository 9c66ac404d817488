//! The gitremote-helpers(7) protocol: what git says on our stdin and what
//! we answer on stdout.
//!
//! Capabilities: `fetch`, `push`, `option`. Supported options: `progress`,
//! `verbosity`, `dry-run`; for a push also `cas` (`--force-with-lease`),
//! `atomic`, `force-if-includes` (git checks it itself before it asks),
//! `pushcert false|if-asked` (nip never asks for a signed push; `true` is
//! refused: nip stores no push certificates) and `push-option` (accepted
//! and ignored with a note: nip runs no hooks to read them). Others are
//! answered `unsupported` and git goes on without them. `list` reports every ref and `@<target> HEAD`, so a
//! clone checks out the remote's default branch. A batch of `fetch` lines
//! is one fetch; a batch of `push` lines is one push and one new index.
//!
//! stdout is git's channel: only protocol lines go there. Messages go to
//! stderr, prefixed `nip:`.
//!
//! An IPNS address is resolved once per invocation ([`Resolved`]); `list`
//! and the `fetch` or `push` after it see the same index. A push to a name
//! then publishes through [`crate::ipns::publish`], which refuses if the
//! name moved in between.

use crate::address::Address;
use crate::fetch;
use crate::format::{Hash, Links, NipIndex, NipObject};
use crate::ipns::{self, cache::Cache, Current, IpnsError, Name, Target};
use crate::kubo::names::Key;
use crate::kubo::Client;
use crate::protocol::Writer;
use crate::push::{self, PushCommand, PushOptions, PushOutcome};
use crate::refname::RefName;
use crate::remote::Remote;
use crate::store::BlockStore;
use crate::Error;
use cid::Cid;
use git2::{Oid, Repository};
use std::cell::RefCell;
use std::io::{BufRead, Write};
use std::path::PathBuf;

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

/// What git told us with `option`.
#[derive(Debug, Clone)]
pub struct Options {
    pub progress: bool,
    pub verbosity: u32,
    pub dry_run: bool,
    pub atomic: bool,
    /// `option cas`: by destination ref, what it must be now.
    pub leases: std::collections::BTreeMap<String, Option<Hash>>,
    /// `option push-option`, in order.
    pub push_options: Vec<String>,
    /// A feature git asked for that nip cannot do yet (a shallow or
    /// partial clone): the fetch refuses with this before any transfer.
    pub not_yet: Option<&'static str>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            progress: false,
            verbosity: 1,
            dry_run: false,
            atomic: false,
            leases: Default::default(),
            push_options: Vec::new(),
            not_yet: None,
        }
    }
}

/// The helper's state for one invocation.
pub struct Helper<'s> {
    /// `remote.<name>` as git gave it (or the URL itself for a bare URL).
    pub remote_name: String,
    /// What follows `<scheme>::`.
    pub address: Address,
    /// The URL scheme this helper answers to (`nip`, or `nipdev`).
    pub scheme: String,
    pub store: &'s dyn BlockStore,
    /// The Kubo node behind `store`, if it is one (names need it).
    pub node: Option<&'s Client>,
    pub options: Options,
    /// The address resolved, once.
    pub resolved: RefCell<Option<Resolved>>,
}

impl<'s> Helper<'s> {
    /// Runs the protocol until git closes stdin or sends a blank line.
    pub fn run(&mut self, input: &mut dyn BufRead, out: &mut dyn Write) -> Result<(), Error> {
        let mut out = Writer::new(out);
        let mut line = String::new();
        loop {
            line.clear();
            if input.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end_matches(['\n', '\r']);
            log::debug!("git says: {cmd}");
            match cmd.split_once(' ').unwrap_or((cmd, "")) {
                ("", _) => return Ok(()),
                ("capabilities", _) => out.capabilities(&["fetch", "push", "option"])?,
                ("option", rest) => {
                    match not_yet(rest) {
                        // Taken, and refused at the fetch, before any transfer:
                        // `git clone` goes on after an option it was refused.
                        Some(why) => {
                            self.options.not_yet = Some(why);
                            out.option(true)?;
                        }
                        None => {
                            let supported = self.option(rest);
                            out.option(supported)?;
                        }
                    }
                }
                ("list", arg) => self.list(&mut out, arg == "for-push")?,
                ("fetch", first) => {
                    let lines = batch(input, first)?;
                    if let Some(keep) = self.fetch(&lines)? {
                        // git removes it once the refs point at the pack.
                        out.lock(&keep)?;
                    }
                    out.end()?;
                }
                ("push", first) => {
                    let lines = batch(input, first)?;
                    self.push(&lines, &mut out)?;
                }
                _ => return Err(Error::Other(format!("git sent an unknown command {cmd:?}; is git too new for this nip?"))),
            }
            out.flush()?;
        }
    }

    /// Applies an `option` line; whether it is supported.
    fn option(&mut self, rest: &str) -> bool {
        let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
        // git C-quotes the value of an option that is not a boolean when it
        // holds a quote, a backslash, a control or a non-ASCII byte.
        let value = unquote_c(value);
        let value = value.as_str();
        match name {
            "progress" => self.options.progress = value == "true",
            "verbosity" => self.options.verbosity = value.parse().unwrap_or(1),
            "dry-run" => self.options.dry_run = value == "true",
            "atomic" => self.options.atomic = value == "true",
            "cas" => match parse_lease(value) {
                Some((name, expected)) => {
                    self.options.leases.insert(name, expected);
                }
                None => {
                    eprintln!("nip: error: git sent a lease nip cannot read: {}", crate::protocol::for_terminal(value));
                    return false;
                }
            },
            // git has checked the remote-tracking ref's reflog itself, and
            // sends no push line for a ref it refused.
            "force-if-includes" => {}
            // A push git signs only if the server asks; nip never asks.
            "pushcert" if value == "false" || value == "if-asked" => {}
            "pushcert" => {
                eprintln!(
                    "nip: error: nip cannot take a signed push: it stores no push certificates; push without \
                     --signed (or with --signed=if-asked), and sign the commits or tags instead"
                );
                return false;
            }
            "push-option" => self.options.push_options.push(value.to_string()),
            _ => return false,
        }
        true
    }

    fn node(&self) -> Result<&'s Client, Error> {
        self.node.ok_or_else(|| Error::Other(format!("nip::{} needs an IPFS node", self.address)))
    }

    /// The cache of `name` in `repo`'s common `.git` (shared by its
    /// worktrees).
    fn cache_in(repo: &Repository, name: &str) -> Cache {
        Cache::new(repo.commondir(), name)
    }

    /// The cache of the address's name in the repository git runs us in.
    fn cache(&self) -> Option<Cache> {
        match &self.address {
            Address::Ipns(name) => Repository::open_from_env().ok().map(|r| Helper::cache_in(&r, &name.to_string())),
            _ => None,
        }
    }

    /// Resolves the address, once per invocation. A read (`for_push`
    /// false) of a name that does not resolve in time falls back to the
    /// index last seen in this repository, with a warning.
    pub fn resolve(&self, for_push: bool) -> Result<Resolved, Error> {
        if let Some(r) = self.resolved.borrow().as_ref() {
            if !(for_push && matches!(r, Resolved::Cached { .. })) {
                return Ok(r.clone());
            }
        }
        let r = self.resolve_now(for_push)?;
        *self.resolved.borrow_mut() = Some(r.clone());
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

    fn open_remote(&self, for_push: bool) -> Result<Remote<'s>, Error> {
        let index = self.resolve(for_push)?.index();
        Remote::open_index(self.store, self.address.clone(), index)
    }

    /// Every ref. For a fetch also the peeled tags (`<oid> refs/tags/X^{}`,
    /// so git follows annotated tags) and `@<ref> HEAD`; a push needs
    /// neither, and `git push --mirror` would try to delete them.
    fn list(&self, out: &mut Writer<'_>, for_push: bool) -> Result<(), Error> {
        let remote = self.open_remote(for_push)?;
        let peeled = if for_push { Default::default() } else { peel_tags(&remote)? };
        // The index's names passed git's rules when it was decoded; the
        // writer takes only checked names all the same.
        let checked = |name: &str| RefName::new(name).map_err(|e| Error::Other(format!("{}: {e}", remote.url())));
        for (name, oid) in remote.refs() {
            let name_ = checked(name)?;
            out.listed(*oid, &name_)?;
            if let Some(target) = peeled.get(name) {
                // Lets git follow annotated tags on fetch, as with a server.
                out.peeled(*target, &name_)?;
            }
        }
        if let (Some(head), false) = (remote.head(), for_push) {
            if remote.refs().iter().any(|(n, _)| n == head) {
                out.head(&checked(head)?)?;
            }
        }
        out.end()?;
        Ok(())
    }

    /// Fetches; returns the `.keep` file holding the new pack, if any.
    fn fetch(&self, lines: &[String]) -> Result<Option<PathBuf>, Error> {
        if let Some(why) = self.options.not_yet {
            return Err(Error::Other(why.to_string()));
        }
        let mut wants = Vec::new();
        for l in lines {
            let sha = l.split(' ').next().unwrap_or_default();
            wants.push(
                Oid::from_str(sha).map_err(|_| Error::Other(format!("git asked to fetch {sha:?}, which is not an object id")))?,
            );
        }
        let repo = Repository::open_from_env()?;
        let remote = self.open_remote(false)?;
        let fetched = fetch::fetch(&repo, &remote, &wants, self.options.progress)?;
        let outcome = fetched.outcome;
        log::info!("fetched {} objects ({} bytes) from {}", outcome.objects, outcome.bytes, remote.url());
        Ok(fetched.keep)
    }

    fn push(&self, lines: &[String], out: &mut Writer<'_>) -> Result<(), Error> {
        let commands = lines.iter().map(|l| PushCommand::parse(l)).collect::<Result<Vec<_>, _>>()?;
        let repo = Repository::open_from_env()?;
        let opts = PushOptions {
            dry_run: self.options.dry_run,
            progress: self.options.progress,
            atomic: self.options.atomic,
            leases: self.options.leases.clone(),
        };
        if !self.options.push_options.is_empty() {
            let shown: Vec<String> =
                self.options.push_options.iter().map(|o| format!("'{}'", crate::protocol::for_terminal(o))).collect();
            eprintln!(
                "nip: ignoring push option{} {}: nip runs no server-side hooks to read them",
                if shown.len() == 1 { "" } else { "s" },
                shown.join(", ")
            );
        }
        let outcome = if self.address.is_name() {
            self.push_to_name(&repo, &commands, opts)?
        } else {
            let remote = self.open_remote(true)?;
            let outcome = push::push(&repo, &remote, &commands, opts)
                .map_err(|e| e.context(format!("push to {} failed; the remote address is unchanged", remote.url())))?;
            if let Some(cid) = outcome.new_index {
                self.announce(&repo, &Address::Ipfs(cid));
                self.release_replaced(&remote);
                self.report_stored(&outcome);
            }
            outcome
        };
        for (dst, status) in &outcome.statuses {
            if status.as_ref().err().map(String::as_str) == Some(push::HEAD_DELETION_REFUSED) {
                eprintln!(
                    "nip: {} is the remote's HEAD (the branch a clone checks out), so it was not deleted: point HEAD \
                     at another branch first (nipctl head nip::{} <branch>), or delete it anyway with \
                     git push --force-with-lease {} :{}",
                    crate::protocol::for_terminal(dst),
                    self.address,
                    crate::protocol::for_terminal(&self.remote_name),
                    crate::protocol::for_terminal(dst)
                );
            }
        }
        if let (Some((old, new)), Some(_)) = (&outcome.head_moved, outcome.new_index) {
            eprintln!(
                "nip: this push deleted {}, which the remote's HEAD named; HEAD now names {} (nipctl head sets it)",
                crate::protocol::for_terminal(old),
                crate::protocol::for_terminal(new.as_deref().unwrap_or("nothing: no branch is left"))
            );
        }
        for (dst, status) in &outcome.statuses {
            let dst = RefName::new(dst).map_err(|e| Error::Other(format!("git asked to push to {e}")))?;
            match status {
                Ok(()) => out.pushed(&dst)?,
                Err(why) => out.refused(&dst, why)?,
            }
        }
        out.end()?;
        Ok(())
    }

    /// A push to `new-ipns` or `/ipns/<name>`: check the key before
    /// anything is uploaded, push against the name's current index, then
    /// publish if the name has not moved meanwhile.
    fn push_to_name(&self, repo: &Repository, commands: &[PushCommand], opts: PushOptions) -> Result<PushOutcome, Error> {
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
                return Err(Error::Other(format!("nip::{} did not resolve to a name", self.address)))
            }
        };
        let cache = match &self.address {
            Address::Ipns(name) => Some(Helper::cache_in(repo, &name.to_string())),
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
                cache.unwrap_or_else(|| Helper::cache_in(repo, &name.to_string())).published(new, sequence);
                if self.address == Address::NewName {
                    eprintln!("nip: made key '{}' for this repository: its IPNS name is /ipns/{}", key.name, key.id);
                    self.announce(repo, &published);
                }
                eprintln!("nip: published nip::/ipfs/{new} as nip::{} (sequence {sequence})", self.address_after(&published));
                self.release_replaced(&remote);
                self.report_stored(&outcome);
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

    /// Drops the store's hold on the index a push replaced (the new index
    /// links it, so nothing becomes unreachable).
    fn release_replaced(&self, remote: &Remote<'_>) {
        if let Some((prev, _)) = &remote.index {
            if let Err(e) = self.store.release(prev) {
                log::warn!("could not remove the now redundant pin of {prev}: {e}");
            }
        }
    }

    fn report_stored(&self, outcome: &PushOutcome) {
        if self.options.verbosity > 0 {
            eprintln!("nip: {}", stored_line(outcome.objects.total(), &self.store.describe(), &outcome.stats));
        }
    }

    /// Prints the old and new address and points the named remote at the
    /// new one.
    fn announce(&self, repo: &Repository, new: &Address) {
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

/// What a push stored: `stored 60 new objects in <store> (312 new blocks,
/// 1234 bytes)`; when the store already had blocks of them (the same
/// objects pushed to another address), it says so rather than "2493 new
/// objects (1 new block)".
pub fn stored_line(objects: u64, store: &str, stats: &crate::store::WriteStats) -> String {
    let s = |n: u64| if n == 1 { "" } else { "s" };
    let blocks = format!("{} new block{} ({} bytes)", stats.blocks_new, s(stats.blocks_new), stats.bytes_new);
    match stats.blocks_existing {
        0 => format!(
            "stored {objects} new object{} in {store} ({} new block{}, {} bytes)",
            s(objects),
            stats.blocks_new,
            s(stats.blocks_new),
            stats.bytes_new
        ),
        had => format!(
            "{objects} object{} new to this remote; {store} already had {had} of their blocks and stored {blocks}",
            s(objects)
        ),
    }
}

/// Refuses, in one line, a repository whose objects are not SHA-1 (git's
/// `extensions.objectFormat`, read from the config of `$GIT_DIR`, which
/// git sets for its helpers): nip's format names objects by SHA-1, and
/// libgit2 would only say "unknown object format". Outside a repository
/// (`git ls-remote`), nothing to check.
pub fn check_object_format() -> Result<(), Error> {
    let Some(git_dir) = std::env::var_os("GIT_DIR").filter(|d| !d.is_empty()).map(PathBuf::from) else { return Ok(()) };
    // A linked worktree's config is in the common directory.
    let common = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(rel) => git_dir.join(rel.trim_end_matches(['\n', '\r'])),
        Err(_) => git_dir,
    };
    let Ok(config) = git2::Config::open(&common.join("config")) else { return Ok(()) };
    match config.get_string("extensions.objectformat") {
        Ok(format) if !format.eq_ignore_ascii_case("sha1") => {
            let name = if format.eq_ignore_ascii_case("sha256") { "SHA-256".to_string() } else { format!("{format:?}") };
            Err(Error::Other(format!(
                "nip stores SHA-1 repositories only; this repository's objects are {name} (extensions.objectFormat)"
            )))
        }
        _ => Ok(()),
    }
}

/// How far back [`descends`] looks.
const MAX_HISTORY: usize = 1000;

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

/// How a tag object already in the local repository peels: `None` if that
/// cannot be told here (an object on the way is missing), `Some(None)` if
/// it is not a tag, else its final non-tag target.
fn peel_locally(odb: &git2::Odb<'_>, oid: Oid) -> Option<Option<Hash>> {
    let (mut at, mut last) = (oid, None);
    for _ in 0..8 {
        let object = odb.read(at).ok()?;
        if object.kind() != git2::ObjectType::Tag {
            return Some(last);
        }
        // A tag object starts `object <hex id>\n`.
        let target =
            object.data().strip_prefix(b"object ").and_then(|r| r.get(..40)).and_then(|h| std::str::from_utf8(h).ok())?;
        let target = Oid::from_str(target).ok()?;
        last = Some(Hash::from(target));
        at = target;
    }
    Some(last)
}

/// The final non-tag target of every tag ref that points to a tag object.
/// Tags already in the local repository (say, from the previous fetch) are
/// peeled there; the others with one object-map lookup and one block
/// request per level, so a fetch reads what is new, not every tag again.
fn peel_tags(remote: &Remote<'_>) -> Result<std::collections::HashMap<String, Hash>, Error> {
    let mut peeled = std::collections::HashMap::new();
    if remote.index.is_none() {
        return Ok(peeled);
    }
    let mut pending: Vec<(String, Hash)> = remote.refs().iter().filter(|(n, _)| n.starts_with("refs/tags/")).cloned().collect();
    let repo = Repository::open_from_env().ok();
    if let Some(odb) = repo.as_ref().and_then(|r| r.odb().ok()) {
        pending.retain(|(name, hash)| match peel_locally(&odb, hash.oid()) {
            Some(target) => {
                if let Some(t) = target {
                    peeled.insert(name.clone(), t);
                }
                false
            }
            None => true,
        });
    }
    if remote.index.as_ref().is_some_and(|(_, i)| i.v2.is_some()) {
        // Format 2 keeps each annotated tag's peeled target beside it.
        return Ok(remote.peeled.iter().filter(|(n, _)| n.starts_with("refs/tags/")).map(|(n, h)| (n.clone(), *h)).collect());
    }
    if let Some(records) = remote.records() {
        for _ in 0..8 {
            if pending.is_empty() {
                break;
            }
            let keys: Vec<[u8; 20]> = pending.iter().map(|(_, h)| h.0).collect();
            let mut next = Vec::new();
            for ((name, _), record) in pending.into_iter().zip(records.lookup_many(&keys)?) {
                if let Some(crate::records::Record { links: crate::records::RecordLinks::Tag { target }, .. }) = record {
                    peeled.insert(name.clone(), target);
                    next.push((name, target));
                }
            }
            pending = next;
        }
        return Ok(peeled);
    }
    let Some(map) = remote.objects() else { return Ok(peeled) };
    for _ in 0..8 {
        if pending.is_empty() {
            break;
        }
        let hashes: Vec<Hash> = pending.iter().map(|(_, h)| *h).collect();
        let cids = map.lookup_many(&hashes)?;
        let found: Vec<_> = pending.iter().zip(cids).filter_map(|(p, c)| c.map(|c| (p.clone(), c))).collect();
        let blocks = remote.blocks.get_many(&found.iter().map(|(_, c)| *c).collect::<Vec<_>>())?;
        let mut next = Vec::new();
        for (((name, _), cid), bytes) in found.into_iter().zip(blocks) {
            if let Links::Tag { target } = NipObject::from_block(&cid, &bytes)?.links {
                peeled.insert(name.clone(), target);
                next.push((name, target));
            }
        }
        pending = next;
    }
    Ok(peeled)
}

/// A `cas` value: `<refname>:<expected>`, expected empty or all zeros for
/// "must not exist".
fn parse_lease(value: &str) -> Option<(String, Option<Hash>)> {
    let (name, expected) = value.split_once(':')?;
    crate::refname::check(name).ok()?;
    let expected = match expected {
        "" => None,
        hex => {
            let oid = Oid::from_str(hex).ok().filter(|_| hex.len() == 40)?;
            (!oid.is_zero()).then(|| Hash::from(oid))
        }
    };
    Some((name.to_string(), expected))
}

/// `s` as git's `unquote_c_style` reads it when it is a quoted string
/// (`"a\tb\303\251"`), else `s` itself.
pub fn unquote_c(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else { return s.to_string() };
    let bytes = inner.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'\\' || i == bytes.len() {
            out.push(b);
            continue;
        }
        let e = bytes[i];
        i += 1;
        out.push(match e {
            b'a' => 7,
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 11,
            b'0'..=b'3' if bytes.len() >= i + 2 => {
                let d = |c: u8| c.wrapping_sub(b'0');
                let (d1, d2) = (d(bytes[i]), d(bytes[i + 1]));
                if d1 > 7 || d2 > 7 {
                    return s.to_string();
                }
                i += 2;
                (d(e) << 6) | (d1 << 3) | d2
            }
            other => other, // `\"`, `\\`
        });
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why nip refuses the `option` line `rest` before any transfer, for the
/// git features it cannot do yet: shallow and partial (filtered) clones and
/// fetches. Answered `unsupported`, git would go on with a full clone
/// (leaving `remote.<name>.promisor` set for a filter), which is not what
/// was asked for.
fn not_yet(rest: &str) -> Option<&'static str> {
    let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
    match name {
        "depth" | "deepen-since" | "deepen-not" => Some(
            "nip does not do shallow clones or fetches yet (--depth, --shallow-since, --shallow-exclude, --deepen, \
             --unshallow); clone or fetch the whole history",
        ),
        "deepen-relative" if value == "true" => Some("nip does not do shallow fetches yet (--deepen); fetch the whole history"),
        "filter" => Some("nip does not do partial clones yet (--filter); clone without --filter"),
        _ => None,
    }
}

/// Reads the rest of a batch (lines up to a blank line), the first given.
fn batch(input: &mut dyn BufRead, first: &str) -> Result<Vec<String>, Error> {
    let mut lines = vec![first.to_string()];
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        let l = line.trim_end_matches(['\n', '\r']);
        if l.is_empty() {
            break;
        }
        let (_, arg) = l.split_once(' ').unwrap_or(("", l));
        lines.push(arg.to_string());
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_are_unquoted_as_git_quotes_them() {
        assert_eq!(unquote_c("plain value"), "plain value");
        assert_eq!(unquote_c(r#""\303\251t\303\251 \"q\" \\ \t""#), "été \"q\" \\ \t");
        assert_eq!(unquote_c(r#""bad \9""#), "bad 9");
        assert_eq!(unquote_c(r#""cut \30""#), "cut 30");
        assert_eq!(unquote_c(r#""trailing \""#), "trailing \\");
        assert_eq!(unquote_c("\""), "\"");
    }

    #[test]
    fn leases() {
        let h = "d177449bdf66e60fc9ed350b808f3701dea49120";
        let hash = Hash::from(Oid::from_str(h).unwrap());
        assert_eq!(parse_lease(&format!("refs/heads/main:{h}")), Some(("refs/heads/main".into(), Some(hash))));
        assert_eq!(parse_lease("refs/heads/main:"), Some(("refs/heads/main".into(), None)));
        assert_eq!(parse_lease(&format!("refs/heads/main:{}", "0".repeat(40))), Some(("refs/heads/main".into(), None)));
        assert_eq!(parse_lease("refs/heads/main:d177"), None, "an abbreviated id");
        assert_eq!(parse_lease("refs/heads/main"), None);
        assert_eq!(parse_lease(&format!("refs/heads/a..b:{h}")), None);
    }
}
