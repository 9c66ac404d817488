//! After a push moved the address: the new index pinned on the remote
//! pinning service git config names (`remote.<name>.nipPinService`, else
//! `nip.pinService` / `NIP_PIN_SERVICE`), followed to `pinned` within
//! `nip.pinTimeout`, and the replaced index's pin there removed (see
//! [`crate::pinning`]).
//!
//! The push itself is done by then (the blocks are on the node, pinned
//! there, and the address moved), so nothing here fails it: the outcome is
//! lines on stderr. `pinned` says plainly that this machine may be turned
//! off; anything else is one `nip: warning:` line that says the pin on
//! this node is kept and the machine is still needed.

use super::Helper;
use crate::address::Address;
use crate::pinning::{self, PinClient, Service};
use crate::remote::Remote;
use cid::Cid;

impl Helper<'_> {
    /// Pins `new` (the address `name`) on the configured service, if any.
    pub(super) fn pin_on_service(&self, remote: &Remote<'_>, new: Cid, name: &Address) {
        let settings = crate::config::Settings::here();
        let service = match pinning::service_for_remote(&settings, &self.remote_name) {
            Ok(Some(v)) => v,
            Ok(None) => return,
            Err(e) => return warn(&e.to_string()),
        };
        let Some(node) = self.node else {
            return warn(&format!(
                "{} names pinning service '{}', but this push went to the embedded store, which no service can fetch \
                 from: push through an IPFS node (nip.store=kubo) to pin remotely",
                service.from,
                crate::protocol::one_line(&service.text)
            ));
        };
        let say = |line: &str| eprintln!("nip: {}", crate::protocol::for_terminal(line));
        let result = Service::find(&settings, service.text.trim(), Some(node)).and_then(PinClient::new).and_then(|svc| {
            let limit = pinning::wait_limit(&settings)?;
            let replaced = remote.index.as_ref().map(|(c, _)| c);
            pinning::pin_index(&svc, node, &new, &format!("{}::{name}", self.scheme), replaced, limit, &say)
                .map(|done| (svc, done))
        });
        match result {
            Ok((svc, done)) => {
                for note in &done.notes {
                    warn(note);
                }
                say(&format!(
                    "pinning service '{}' pinned nip::/ipfs/{new} (request {}): the repository no longer needs this \
                     machine; it is safe to turn it off",
                    svc.service().name,
                    done.status.requestid
                ));
                if done.removed > 0 {
                    if let Some((old, _)) = &remote.index {
                        say(&format!("pinning service '{}' no longer pins the replaced nip::/ipfs/{old}", svc.service().name));
                    }
                }
                if done.superseded > 0 {
                    say(&pinning::superseded_line(&svc.service().name, done.superseded, &new));
                }
            }
            Err(e) => warn(&e.to_string()),
        }
    }
}

fn warn(line: &str) {
    eprintln!("nip: warning: {}", crate::protocol::for_terminal(line));
}
