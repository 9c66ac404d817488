//! The gitremote-helpers(7) protocol: what git says on our stdin and what
//! we answer on stdout.
//!
//! Capabilities: `fetch`, `push`, `option`. Supported options: `progress`,
//! `verbosity`, `dry-run`; others are answered `unsupported` and git goes
//! on without them. `list` reports every ref and `@<target> HEAD`, so a
//! clone checks out the remote's default branch. A batch of `fetch` lines
//! is one fetch; a batch of `push` lines is one push and one new index.
//!
//! stdout is git's channel: only protocol lines go there. Messages go to
//! stderr, prefixed `nip:`.

use crate::address::Address;
use crate::fetch;
use crate::format::{Hash, Links, NipObject};
use crate::push::{self, PushCommand, PushOptions};
use crate::remote::Remote;
use crate::store::BlockStore;
use crate::Error;
use git2::{Oid, Repository};
use std::io::{BufRead, Write};

/// What git told us with `option`.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub progress: bool,
    pub verbosity: u32,
    pub dry_run: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { progress: false, verbosity: 1, dry_run: false }
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
    pub options: Options,
}

impl<'s> Helper<'s> {
    /// Runs the protocol until git closes stdin or sends a blank line.
    pub fn run(&mut self, input: &mut dyn BufRead, out: &mut dyn Write) -> Result<(), Error> {
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
                ("capabilities", _) => write!(out, "fetch\npush\noption\n\n")?,
                ("option", rest) => {
                    let answer = self.option(rest);
                    writeln!(out, "{answer}")?;
                }
                ("list", arg) => self.list(out, arg == "for-push")?,
                ("fetch", first) => {
                    let lines = batch(input, first)?;
                    self.fetch(&lines)?;
                    writeln!(out)?;
                }
                ("push", first) => {
                    let lines = batch(input, first)?;
                    self.push(&lines, out)?;
                }
                _ => return Err(Error::Other(format!("git sent an unknown command {cmd:?}; is git too new for this nip?"))),
            }
            out.flush()?;
        }
    }

    fn option(&mut self, rest: &str) -> &'static str {
        let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
        match name {
            "progress" => self.options.progress = value == "true",
            "verbosity" => self.options.verbosity = value.parse().unwrap_or(1),
            "dry-run" => self.options.dry_run = value == "true",
            _ => return "unsupported",
        }
        "ok"
    }

    fn open_remote(&self) -> Result<Remote<'s>, Error> {
        Remote::open(self.store, self.address.clone())
    }

    /// Every ref. For a fetch also the peeled tags (`<oid> refs/tags/X^{}`,
    /// so git follows annotated tags) and `@<ref> HEAD`; a push needs
    /// neither, and `git push --mirror` would try to delete them.
    fn list(&self, out: &mut dyn Write, for_push: bool) -> Result<(), Error> {
        let remote = self.open_remote()?;
        let peeled = if for_push { Default::default() } else { peel_tags(&remote)? };
        for (name, oid) in remote.refs() {
            writeln!(out, "{oid} {name}")?;
            if let Some(target) = peeled.get(name) {
                // Lets git follow annotated tags on fetch, as with a server.
                writeln!(out, "{target} {name}^{{}}")?;
            }
        }
        if let (Some(head), false) = (remote.head(), for_push) {
            if remote.refs().iter().any(|(n, _)| n == head) {
                writeln!(out, "@{head} HEAD")?;
            }
        }
        writeln!(out)?;
        Ok(())
    }

    fn fetch(&self, lines: &[String]) -> Result<(), Error> {
        let mut wants = Vec::new();
        for l in lines {
            let sha = l.split(' ').next().unwrap_or_default();
            wants.push(
                Oid::from_str(sha).map_err(|_| Error::Other(format!("git asked to fetch {sha:?}, which is not an object id")))?,
            );
        }
        let repo = Repository::open_from_env()?;
        let remote = self.open_remote()?;
        let outcome = fetch::fetch(&repo, &remote, &wants, self.options.progress)?;
        log::info!("fetched {} objects ({} bytes) from {}", outcome.objects, outcome.bytes, remote.url());
        Ok(())
    }

    fn push(&self, lines: &[String], out: &mut dyn Write) -> Result<(), Error> {
        let commands = lines.iter().map(|l| PushCommand::parse(l)).collect::<Result<Vec<_>, _>>()?;
        let repo = Repository::open_from_env()?;
        let remote = self.open_remote()?;
        let opts = PushOptions { dry_run: self.options.dry_run, progress: self.options.progress };
        let outcome = push::push(&repo, &remote, &commands, opts)
            .map_err(|e| e.context(format!("push to {} failed; the remote address is unchanged", remote.url())))?;
        if let Some(cid) = outcome.new_index {
            let new = Address::Ipfs(cid);
            self.announce(&repo, &new);
            if self.options.verbosity > 0 {
                eprintln!(
                    "nip: stored {} new objects in {} ({} new blocks, {} bytes)",
                    outcome.objects.total(),
                    self.store.describe(),
                    outcome.stats.blocks_new,
                    outcome.stats.bytes_new
                );
            }
        }
        for (dst, status) in &outcome.statuses {
            match status {
                Ok(()) => writeln!(out, "ok {dst}")?,
                Err(why) => writeln!(out, "error {dst} {why}")?,
            }
        }
        writeln!(out)?;
        Ok(())
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

/// The final non-tag target of every tag ref that points to a tag object,
/// resolved with one object-map lookup and one block request per level.
fn peel_tags(remote: &Remote<'_>) -> Result<std::collections::HashMap<String, Hash>, Error> {
    let mut peeled = std::collections::HashMap::new();
    let Some(map) = remote.objects() else { return Ok(peeled) };
    let mut pending: Vec<(String, Hash)> = remote.refs().iter().filter(|(n, _)| n.starts_with("refs/tags/")).cloned().collect();
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
