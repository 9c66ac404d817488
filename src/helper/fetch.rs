//! A batch of `fetch <sha> <name>` lines: one fetch into the repository
//! git runs us in (the work itself is [`crate::fetch`]).

use super::command::CommandError;
use super::Helper;
use crate::fetch;
use crate::Error;
use git2::Oid;
use std::path::PathBuf;

impl<'s> Helper<'s> {
    /// Fetches the objects a batch asks for; returns the `.keep` file
    /// holding the new pack, if any. A feature git asked for that nip cannot
    /// do yet is refused before any line is looked at.
    pub(super) fn fetch(&mut self, batch: Vec<Result<Oid, CommandError>>) -> Result<Option<PathBuf>, Error> {
        if let Some(why) = self.options.not_yet {
            return Err(super::HelperError::NotYet(why).into());
        }
        let wants = batch.into_iter().collect::<Result<Vec<Oid>, _>>()?;
        let repo = self.repo()?;
        let remote = self.open_remote(false)?;
        let fetched = fetch::fetch(repo, &remote, &wants, self.options.progress)?;
        let outcome = fetched.outcome;
        log::info!("fetched {} objects ({} bytes) from {}", outcome.objects, outcome.bytes, remote.url());
        Ok(fetched.keep)
    }
}
