//! `nipctl watch <address>`: follows a name and prints each new index its
//! pusher announces ([`nip::announce`]); with `--fetch`, fetches each into
//! the repository in the current directory.
//!
//! Every announcement is checked before anything is printed or fetched (a
//! record signed for the name, a sequence above the last, an index that
//! descends from the one before): one that fails is reported on stderr and
//! ignored. Each accepted index is one line on stdout,
//! `nip::/ipfs/<cid> (sequence <n>)`, so scripts can read them.

use crate::{node_of, open, say};
use nip::address::Address;
use std::io::Write;
use std::process::Command;

/// What `--fetch` runs for each new index: `git fetch <index> <refspecs>`
/// in `dir`.
struct Fetch {
    dir: std::path::PathBuf,
    remote: String,
    refspecs: Vec<String>,
}

/// The remote of the repository here that `--fetch` updates: `remote`, or
/// the one whose URL is the watched address; its fetch refspecs.
fn fetch_plan(address: &Address, remote: Option<&str>) -> Result<Fetch, nip::Error> {
    let repo = git2::Repository::open_from_env()
        .map_err(|e| nip::Error::Refused(format!("--fetch needs a git repository here: {}", e.message())))?;
    let want = format!("nip::{address}");
    let name = match remote {
        Some(r) => r.to_string(),
        None => {
            let names = repo.remotes()?;
            let found = names
                .iter()
                .filter_map(|n| n.ok().flatten())
                .find(|n| repo.find_remote(n).ok().is_some_and(|r| r.url().is_ok_and(|u| u == want)));
            found.map(str::to_string).ok_or_else(|| {
                nip::Error::Refused(format!("no remote of this repository has the URL {want}: name one with --remote"))
            })?
        }
    };
    let r = repo.find_remote(&name).map_err(|e| nip::Error::Refused(format!("remote {name:?}: {}", e.message())))?;
    let mut refspecs: Vec<String> = r.fetch_refspecs()?.iter().filter_map(|s| s.ok().flatten()).map(str::to_string).collect();
    if refspecs.is_empty() {
        refspecs.push(format!("+refs/heads/*:refs/remotes/{name}/*"));
    }
    let dir = repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf();
    Ok(Fetch { dir, remote: name, refspecs })
}

pub fn watch(address: &str, fetch: bool, remote: Option<&str>, count: Option<u64>) -> Result<(), nip::Error> {
    let (opened, address, index, sequence) = open(address)?;
    let Address::Ipns(name) = &address else {
        return Err(nip::Error::Refused(format!(
            "nip::{address} never changes, so nothing is announced for it: watch a name (nip::/ipns/<name>)"
        )));
    };
    let node = node_of(&opened)?;
    let key = match nip::ipns::target(node, name)? {
        nip::ipns::Target::Key(k) => k,
        nip::ipns::Target::Index(i) => {
            return Err(nip::Error::Refused(format!(
                "nip::{address} is a DNSLink to the fixed index nip::/ipfs/{i}: no key moves it, so nothing is announced"
            )))
        }
    };
    let plan = if fetch { Some(fetch_plan(&address, remote)?) } else { None };
    let topic = nip::announce::topic(&key);
    let mut sub = node.pubsub_sub(&topic).map_err(|e| {
        if e.kind() == nip::kubo::Kind::Disabled {
            nip::Error::Refused(format!(
                "the IPFS node at {} runs without pubsub, which watching needs: `ipfs config --json Pubsub.Enabled \
                 true` and restart the daemon (the pusher's node needs it too)",
                node.endpoint()
            ))
        } else {
            nip::Error::Node(Box::new(e))
        }
    })?;
    let sequence = sequence.unwrap_or(0);
    say(&format!("watching nip::/ipns/{key} (now nip::/ipfs/{index}, sequence {sequence}) on pubsub topic {topic}"));
    let mut watch = nip::announce::Watch::new(node, opened.store.as_ref(), &key, index, sequence);
    let mut accepted = 0u64;
    while count.is_none_or(|c| accepted < c) {
        let Some(message) = sub.next_message().map_err(|e| nip::Error::Node(Box::new(e)))? else {
            return Err(nip::Error::Refused(format!("the IPFS node at {} ended the subscription", node.endpoint())));
        };
        let new = match watch.check(&message.data) {
            Ok(new) => new,
            Err(e) => {
                say(&format!("ignored an announcement from {}: {e}", message.from));
                continue;
            }
        };
        accepted += 1;
        let mut out = std::io::stdout();
        writeln!(out, "nip::/ipfs/{} (sequence {})", new.index, new.sequence)?;
        out.flush()?;
        if let Some(plan) = &plan {
            let url = format!("nip::/ipfs/{}", new.index);
            let status =
                Command::new("git").current_dir(&plan.dir).arg("fetch").arg("-q").arg(&url).args(&plan.refspecs).status()?;
            if status.success() {
                say(&format!("fetched nip::/ipfs/{} into remote {}", new.index, plan.remote));
            } else {
                say(&format!("git fetch {url} failed ({status}); the next announcement is tried all the same"));
            }
        }
    }
    Ok(())
}
