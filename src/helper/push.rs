//! A batch of `push <refspec>` lines: one push and one new index (the work
//! itself is [`crate::push`]; a push to a name publishes through
//! [`super::publish`]), then one `ok <dst>` or `error <dst> <why>` line
//! per ref and what was stored, on stderr.

use super::command::CommandError;
use super::Helper;
use crate::address::Address;
use crate::protocol::Writer;
use crate::push::{self, PushCommand, PushOptions, PushOutcome};
use crate::refname::RefName;
use crate::remote::Remote;
use crate::Error;

impl<'s> Helper<'s> {
    pub(super) fn push(&mut self, batch: Vec<Result<PushCommand, CommandError>>, out: &mut Writer<'_>) -> Result<(), Error> {
        let commands = batch.into_iter().collect::<Result<Vec<_>, _>>()?;
        let repo = self.repo()?;
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
            self.push_to_name(repo, &commands, opts)?
        } else {
            let remote = self.open_remote(true)?;
            let outcome = push::push(repo, &remote, &commands, opts)
                .map_err(|e| e.context(format!("push to {} failed; the remote address is unchanged", remote.url())))?;
            if let Some(cid) = outcome.new_index {
                self.announce(repo, &Address::Ipfs(cid));
                self.release_replaced(&remote);
                self.report_stored(&outcome);
                self.pin_on_service(&remote, cid, &Address::Ipfs(cid));
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
            let dst = RefName::new(dst).map_err(super::HelperError::BadPushTarget)?;
            match status {
                Ok(()) => out.pushed(&dst)?,
                Err(why) => out.refused(&dst, why)?,
            }
        }
        out.end()?;
        Ok(())
    }

    /// Drops the store's hold on the index a push replaced (the new index
    /// links it, so nothing becomes unreachable).
    pub(super) fn release_replaced(&self, remote: &Remote<'_>) {
        if let Some((prev, _)) = &remote.index {
            if let Err(e) = self.store.release(prev) {
                log::warn!("could not remove the now redundant pin of {prev}: {e}");
            }
        }
    }

    pub(super) fn report_stored(&self, outcome: &PushOutcome) {
        if self.options.verbosity > 0 {
            eprintln!("nip: {}", stored_line(outcome.objects.total(), &self.store.describe(), &outcome.stats));
        }
        // A node that will not announce the pin is found by no one who is
        // not already connected to it: said, since the push itself worked.
        if let (Some(node), Some(index)) = (self.node, outcome.new_index) {
            match node.announcement_gap() {
                Ok(Some(why)) => eprintln!(
                    "nip: warning: the IPFS node at {} will not announce nip::/ipfs/{index} to the DHT ({why}): \
                     only nodes connected to it can fetch the repository; see README, \"Keeping a repository \
                     reachable\"",
                    node.endpoint()
                ),
                Ok(None) if self.provide_mode() == crate::config::Provide::Skip => eprintln!(
                    "nip: not announcing nip::/ipfs/{index} on the DHT now (nip.provide=skip): nodes connected to \
                     yours can fetch it, and Kubo's reprovider announces it at its next run"
                ),
                Ok(None) => match node.provide(&index) {
                    Ok(()) => log::info!("announced /ipfs/{index} on the DHT"),
                    // A node with no peers has no one to tell: the next
                    // reprovide does, once it has some.
                    Err(e) if e.kind() == crate::kubo::Kind::NoPeers => {
                        log::info!("not announced now: {e}")
                    }
                    Err(e) => eprintln!(
                        "nip: warning: announcing nip::/ipfs/{index} on the DHT failed ({}); nodes connected to \
                         yours can fetch it now, and Kubo announces it again at its next reprovide",
                        crate::protocol::for_terminal(&e.to_string())
                    ),
                },
                Err(e) => log::info!("could not read the node's config to check that it announces pins: {e}"),
            }
        }
    }
}

impl Helper<'_> {
    /// `nip.provide` / `NIP_PROVIDE`; a bad value is said, and the push
    /// waits for the announcement as by default.
    fn provide_mode(&self) -> crate::config::Provide {
        crate::config::Provide::of(&crate::config::Settings::here()).unwrap_or_else(|why| {
            eprintln!("nip: warning: {}; announcing as with 'wait'", crate::protocol::for_terminal(&why));
            crate::config::Provide::Wait
        })
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
