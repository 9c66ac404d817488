//! The one check made before libgit2 opens the repository git runs us in:
//! its objects must be SHA-1.

use crate::Error;
use std::path::PathBuf;

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
            Err(super::HelperError::ObjectFormat(name).into())
        }
        _ => Ok(()),
    }
}
