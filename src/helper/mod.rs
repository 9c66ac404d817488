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
//!
//! | file | what it is |
//! |------|------------|
//! | `mod.rs` | [`Helper`] and its loop: one [`Command`] at a time, batches of `fetch` and `push` lines |
//! | `command.rs` | [`Command::parse`]: every line git sends, typed |
//! | `options.rs` | what `option` lines set ([`Options`]), and the features refused before any transfer |
//! | `list.rs` | the answer to `list` and `list for-push`, annotated tags peeled |
//! | `resolve.rs` | what the address stands for now ([`Resolved`]), with the name cache's fallback |
//! | `fetch.rs` | a batch of `fetch` lines: one fetch |
//! | `push.rs` | a batch of `push` lines: one push, its `ok`/`error` lines and what was stored |
//! | `publish.rs` | a push under a name (key, fork check, publish) and the rewrite of a moved remote's URL |
//! | `pinsvc.rs` | after a push, the new index pinned on a remote pinning service (`nip.pinService`) |
//! | `object_format.rs` | the refusal of a repository that is not SHA-1, before libgit2 opens it |

mod command;
mod fetch;
mod list;
mod object_format;
mod options;
mod pinsvc;
mod publish;
mod push;
mod resolve;
#[cfg(test)]
mod tests;

pub use command::{Command, CommandError};
pub use object_format::check_object_format;
pub use options::{unquote_c, Options};
pub use publish::descends;
pub use push::stored_line;
pub use resolve::Resolved;

use crate::address::Address;
use crate::kubo::Client;
use crate::protocol::Writer;
use crate::remote::Remote;
use crate::store::BlockStore;
use crate::Error;
use git2::Repository;
use std::io::{BufRead, Write};

/// What the helper itself refuses (the store's, the format's and git's
/// errors keep their own types in [`Error`]).
#[derive(Debug, thiserror::Error)]
pub enum HelperError {
    /// A line git sent that is not the protocol.
    #[error(transparent)]
    Command(CommandError),
    /// The repository's objects are not SHA-1 (the name of its format).
    #[error("nip stores SHA-1 repositories only; this repository's objects are {0} (extensions.objectFormat)")]
    ObjectFormat(String),
    /// A push under a name found that the address is no name after all.
    #[error("nip::{0} did not resolve to a name")]
    NotAName(String),
    /// A ref name of the index that git's rules refuse (`url` is the
    /// repository's address).
    #[error("{url}: {error}")]
    BadRefName { url: String, error: crate::refname::InvalidRefName },
    /// A ref git asked to push to that git's rules refuse.
    #[error("git asked to push to {0}")]
    BadPushTarget(crate::refname::InvalidRefName),
    /// A name's address with no IPFS node to resolve or publish it.
    #[error("nip::{0} needs an IPFS node")]
    NeedsNode(String),
    /// A feature git asked for that nip does not do yet (why).
    #[error("{0}")]
    NotYet(&'static str),
    /// The helper was started with other arguments than git gives it.
    #[error("usage: git-remote-{0} <remote> <address>; git runs this for {0}:: URLs")]
    Usage(String),
}

impl From<HelperError> for Error {
    fn from(e: HelperError) -> Error {
        Error::Helper(Box::new(e))
    }
}

/// The helper's state for one invocation.
pub struct Helper<'s> {
    /// `remote.<name>` as git gave it (or the URL itself for a bare URL).
    remote_name: String,
    /// What follows `<scheme>::`.
    address: Address,
    /// The URL scheme this helper answers to (`nip`, or `nipdev`).
    scheme: String,
    store: &'s dyn BlockStore,
    /// The Kubo node behind `store`, if it is one (names need it).
    node: Option<&'s Client>,
    /// The repository git runs us in, or why there is none (`git
    /// ls-remote` outside a repository only lists).
    repo: Result<&'s Repository, &'s git2::Error>,
    options: Options,
    /// The address resolved, once (see [`Helper::resolve`]).
    resolved: Option<Resolved>,
}

impl<'s> Helper<'s> {
    /// A helper for `address`, called `remote_name` by git, answering to
    /// `<scheme>::`, reading and writing `store`, in `repo` (as
    /// [`Repository::open_from_env`] opened it, once, for the whole
    /// invocation).
    pub fn new(
        remote_name: String,
        address: Address,
        scheme: String,
        store: &'s dyn BlockStore,
        node: Option<&'s Client>,
        repo: Result<&'s Repository, &'s git2::Error>,
    ) -> Helper<'s> {
        Helper { remote_name, address, scheme, store, node, repo, options: Options::default(), resolved: None }
    }

    /// Runs the protocol until git closes `input` or sends a blank line;
    /// answers on `output`.
    pub fn run(&mut self, mut input: impl BufRead, mut output: impl Write) -> Result<(), Error> {
        let mut out = Writer::new(&mut output);
        let mut line = String::new();
        loop {
            line.clear();
            if input.read_line(&mut line)? == 0 {
                return Ok(());
            }
            log::debug!("git says: {}", line.trim_end_matches(['\n', '\r']));
            match Command::parse(&line) {
                Ok(Command::End) => return Ok(()),
                Ok(Command::Capabilities) => out.capabilities(&["fetch", "push", "option"])?,
                Ok(Command::Option { name, value }) => {
                    let supported = self.options.set(&name, &value);
                    out.option(supported)?;
                }
                Ok(Command::List { for_push }) => self.list(&mut out, for_push)?,
                Ok(Command::Fetch { oid, .. }) => self.fetch_batch(&mut input, Ok(oid), &mut out)?,
                Err(e @ CommandError::NotAnObjectId { .. }) => self.fetch_batch(&mut input, Err(e), &mut out)?,
                Ok(Command::Push(first)) => self.push_batch(&mut input, Ok(first), &mut out)?,
                Err(e @ CommandError::Refspec(_)) => self.push_batch(&mut input, Err(e), &mut out)?,
                Err(e) => return Err(e.into()),
            }
            out.flush()?;
        }
    }

    fn fetch_batch(
        &mut self,
        input: &mut dyn BufRead,
        first: Result<git2::Oid, CommandError>,
        out: &mut Writer<'_>,
    ) -> Result<(), Error> {
        let lines = batch(input, first, "fetch", |c| match c {
            Command::Fetch { oid, .. } => Some(oid),
            _ => None,
        })?;
        if let Some(keep) = self.fetch(lines)? {
            // git removes it once the refs point at the pack.
            out.lock(&keep)?;
        }
        out.end()?;
        Ok(())
    }

    fn push_batch(
        &mut self,
        input: &mut dyn BufRead,
        first: Result<crate::push::PushCommand, CommandError>,
        out: &mut Writer<'_>,
    ) -> Result<(), Error> {
        let lines = batch(input, first, "push", |c| match c {
            Command::Push(p) => Some(p),
            _ => None,
        })?;
        self.push(lines, out)
    }

    /// The repository git runs us in, for a fetch or a push.
    fn repo(&self) -> Result<&'s Repository, Error> {
        self.repo.map_err(|e| Error::Git(git2::Error::new(e.code(), e.class(), e.message())))
    }

    fn node(&self) -> Result<&'s Client, Error> {
        self.node.ok_or_else(|| HelperError::NeedsNode(self.address.to_string()).into())
    }

    fn open_remote(&mut self, for_push: bool) -> Result<Remote<'s>, Error> {
        let index = self.resolve(for_push)?.index();
        Remote::open_index(self.store, self.address.clone(), index)
    }
}

/// Reads the rest of a batch of `kind` lines, the first given, up to a
/// blank line or the end of input: each line as `take` makes it one of the
/// batch, or why it is none. The lines are looked at only once the batch
/// is read, so that a refusal comes after git has said all it had to say.
fn batch<T>(
    input: &mut dyn BufRead,
    first: Result<T, CommandError>,
    kind: &'static str,
    take: fn(Command) -> Option<T>,
) -> Result<Vec<Result<T, CommandError>>, Error> {
    let mut lines = vec![first];
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        let one = match Command::parse(&line) {
            Ok(Command::End) => break,
            Ok(c) => take(c)
                .ok_or_else(|| CommandError::OutOfBatch { line: line.trim_end_matches(['\n', '\r']).to_string(), batch: kind }),
            Err(e) => Err(e),
        };
        lines.push(one);
    }
    Ok(lines)
}
