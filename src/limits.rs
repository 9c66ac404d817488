//! What one object may claim, and what one fetch may bring.
//!
//! A NIPObject states its object's size, and the only proof of that size
//! is the object's SHA-1, known once every byte has been read. A hostile
//! address makes a large claim cheap: one 256 KiB chunk reused 16,384 times
//! is a "4 GiB" object in four blocks. So nip checks claims before it reads
//! a byte of them, while it plans the fetch:
//!
//! - **Commits, trees and tags** are at most [`MAX_NON_BLOB`] (16 MiB).
//!   They are held in memory to check their links, git has no limit for
//!   them, and real ones are far smaller (a large merge commit is a few
//!   KiB, a tree of 10,000 files about 400 KiB). A tree is also at most
//!   [`TREE_ENTRY_MAX`] bytes per entry its NIPObject lists (and the
//!   NIPObject, one block of at most 1 MiB, lists every entry: about
//!   41,900 at most): a name of up to 4,096 bytes, twice what any file
//!   system git checks out to accepts. nip refuses to push a commit, tree
//!   or tag over these bounds, so every pushed repository can be cloned.
//! - **Per fetch**, the content the planned objects claim adds up, and the
//!   plan stops before handing on the object that passes
//!   `nip.maxFetchBytes` (or `NIP_MAX_FETCH_BYTES`; default 64 GiB). Unless
//!   that is set, the limit is also the free space of the file system that
//!   holds `.git/objects` when the fetch starts: a clone needs at least that
//!   much again to check the files out. `nip.maxFetchObjects` (or
//!   `NIP_MAX_FETCH_OBJECTS`; default 10,000,000) bounds the objects one
//!   fetch may bring, and with them the memory the plan keeps (about 60
//!   bytes per object). Both take git's suffixes `k`, `m`, `g` (powers of
//!   1024); `0` means no limit. git config comes first, read as git
//!   resolves it ([`crate::config`]: `git -c nip.maxFetchBytes=200g fetch
//!   …`, then the repository's, the user's, the system's; `git clone -c …`
//!   writes it into the new repository), then the environment.
//!
//! A fetch that passes a limit fails with one error naming the object
//! that passed it, the limit, and the setting that raises it; nothing is
//! written and git updates no ref.

use crate::config::Settings;
use crate::format::{Links, NipObject};
use crate::Error;
use std::path::Path;

/// Largest commit, tree or tag nip reads or writes (16 MiB).
pub const MAX_NON_BLOB: u64 = 16 << 20;
/// Most bytes one tree entry can take: mode and space (at most 32 bytes,
/// zero-padded modes included), a name of at most 4,096 bytes, its NUL
/// and the 20-byte hash.
pub const TREE_ENTRY_MAX: u64 = 32 + 4096 + 1 + 20;
/// Default of `nip.maxFetchBytes`: 64 GiB of object content.
pub const DEFAULT_MAX_FETCH_BYTES: u64 = 64 << 30;
/// Default of `nip.maxFetchObjects`.
pub const DEFAULT_MAX_FETCH_OBJECTS: u64 = 10_000_000;

/// The most bytes a valid object of this kind, with these links, can have;
/// `None` for a blob (any size: only the per-fetch limits bound it).
pub fn size_bound(links: &Links) -> Option<u64> {
    match links {
        Links::Blob => None,
        Links::Tree { entries } => Some((entries.len() as u64).saturating_mul(TREE_ENTRY_MAX).min(MAX_NON_BLOB)),
        Links::Commit { .. } | Links::Tag { .. } => Some(MAX_NON_BLOB),
    }
}

/// Why `object` cannot be what it claims, if its size is past what a valid
/// object of its kind can be.
pub fn check_claim(object: &NipObject) -> Result<(), Error> {
    let Some(bound) = size_bound(&object.links) else { return Ok(()) };
    if object.size <= bound {
        return Ok(());
    }
    let kind = object.kind().name();
    let why = match &object.links {
        Links::Tree { entries } if bound < MAX_NON_BLOB => format!(
            "its NIPObject claims a tree of {} for {} entries, and a valid tree has at most {} bytes per entry ({} in all)",
            human(object.size),
            entries.len(),
            TREE_ENTRY_MAX,
            human(bound)
        ),
        _ => format!(
            "its NIPObject claims a {kind} of {}; nip reads commits, trees and tags of up to {} (no real one comes close)",
            human(object.size),
            human(MAX_NON_BLOB)
        ),
    };
    Err(Error::Object { oid: object.oid.to_string(), why })
}

/// A limit's setting that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    /// git's configuration could not be read while looking for `key`;
    /// `why` says what was wrong (from [`crate::config`]).
    #[error("{why}")]
    Config { key: &'static str, why: String },
    /// The setting `from` (`git config nip.maxFetchBytes`, an environment
    /// variable) holds `text`, which is not a count.
    #[error("{from} is {text:?}, not a count: use a whole number, optionally with k, m or g (0 for no limit)")]
    NotACount { from: String, text: String },
}

/// Where a limit comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Set by the user: `git config nip.maxFetchBytes`, `NIP_MAX_FETCH_BYTES`.
    Set(String),
    Default,
    /// The free space of the file system holding this directory.
    FreeSpace(String),
}

/// One limit: at most `value` (`u64::MAX` for none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    pub value: u64,
    pub source: Source,
}

/// The limits of one fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchLimits {
    pub bytes: Limit,
    pub objects: Limit,
}

/// A size as git prints it, with the exact count: `4.0 GiB (4294967296 bytes)`.
pub fn human(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {} ({n} bytes)", UNITS[unit])
}

/// Parses a count as git does for integers: digits, then optionally `k`,
/// `m` or `g` (powers of 1024).
pub fn parse_count(text: &str) -> Option<u64> {
    let t = text.trim();
    let (digits, shift) = match t.as_bytes().last()? {
        b'k' | b'K' => (&t[..t.len() - 1], 10),
        b'm' | b'M' => (&t[..t.len() - 1], 20),
        b'g' | b'G' => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(1u64 << shift)
}

/// One setting: git config `key` (`git -c` first: see
/// [`crate::config`]), then the environment variable `env`. `Ok(None)` if
/// none is set.
fn setting(config: Option<&Settings>, key: &'static str, env: &str) -> Result<Option<(u64, String)>, SettingError> {
    let none = Settings::default();
    let found = config.unwrap_or(&none).get(key, &[env]).map_err(|why| SettingError::Config { key, why })?;
    let Some(v) = found else { return Ok(None) };
    let Some(n) = parse_count(&v.text) else { return Err(SettingError::NotACount { from: v.from, text: v.text }) };
    Ok(Some((n, v.from)))
}

/// Bytes free for an unprivileged writer on the file system holding `dir`,
/// if the system says.
pub fn free_space(dir: &Path) -> Option<u64> {
    let st = rustix::fs::statvfs(dir).ok()?;
    Some(st.f_bavail.saturating_mul(st.f_frsize))
}

impl FetchLimits {
    /// The limits for a fetch writing into `objects` (the pack directory),
    /// from `config` and the environment.
    pub fn read(config: Option<&Settings>, objects: &Path) -> Result<FetchLimits, Error> {
        let bytes = setting(config, "nip.maxFetchBytes", "NIP_MAX_FETCH_BYTES")?;
        let count = setting(config, "nip.maxFetchObjects", "NIP_MAX_FETCH_OBJECTS")?;
        // The free space matters only when the user set no byte limit.
        let free = if bytes.is_none() { free_space(objects) } else { None };
        Ok(FetchLimits::from_settings(bytes, count, free, objects))
    }

    /// The limits from the settings found (value, where it was set), and
    /// the free space of `objects`: a setting wins (0 is no limit), else
    /// the default, or for bytes the free space if that is less.
    pub fn from_settings(
        bytes: Option<(u64, String)>,
        objects: Option<(u64, String)>,
        free: Option<u64>,
        dir: &Path,
    ) -> FetchLimits {
        let set = |(v, from): (u64, String)| Limit { value: if v == 0 { u64::MAX } else { v }, source: Source::Set(from) };
        let bytes = match bytes {
            Some(s) => set(s),
            None => match free {
                Some(free) if free < DEFAULT_MAX_FETCH_BYTES => {
                    Limit { value: free, source: Source::FreeSpace(dir.display().to_string()) }
                }
                _ => Limit { value: DEFAULT_MAX_FETCH_BYTES, source: Source::Default },
            },
        };
        let objects = objects.map(set).unwrap_or(Limit { value: DEFAULT_MAX_FETCH_OBJECTS, source: Source::Default });
        FetchLimits { bytes, objects }
    }

    /// The error for `object`, whose claimed size brings the fetch past
    /// the byte limit.
    pub fn bytes_exceeded(&self, object: &NipObject) -> Error {
        self.bytes_message(format!(
            "object {} (a {} that claims {}) brings this fetch to more than {} of content",
            object.oid,
            object.kind().name(),
            human(object.size),
            human(self.bytes.value)
        ))
    }

    /// The error when the packs a (format 2) fetch needs, `bytes` in all,
    /// pass the byte limit; nothing has been read yet.
    pub fn packs_exceeded(&self, packs: usize, bytes: u64) -> Error {
        self.bytes_message(format!(
            "this fetch needs {packs} packs of {} in all, more than {} (nip.maxFetchBytes)",
            human(bytes),
            human(self.bytes.value)
        ))
    }

    /// `what`, then what to do about it, by where the byte limit comes from.
    fn bytes_message(&self, what: String) -> Error {
        let raise =
            "(`git -c nip.maxFetchBytes=200g clone …`, git config nip.maxFetchBytes, or NIP_MAX_FETCH_BYTES; 0 for no limit)";
        let msg = match &self.bytes.source {
            Source::FreeSpace(dir) => format!(
                "{what}, the space free on the file system of {dir}; free some space, or set nip.maxFetchBytes {raise} \
                 to fetch anyway; nothing was written"
            ),
            Source::Default => format!(
                "{what}, the default limit of nip.maxFetchBytes; if you trust this address, raise it {raise}; nothing was written"
            ),
            Source::Set(from) => {
                format!("{what}, the limit {from} sets; if you trust this address, raise it {raise}; nothing was written")
            }
        };
        Error::Limit(msg)
    }

    /// The error when the objects this fetch needs pass the object limit,
    /// found while reading `at`.
    pub fn objects_exceeded(&self, at: &NipObject) -> Error {
        let from = match &self.objects.source {
            Source::Set(from) => format!("the limit {from} sets"),
            _ => "the default limit of nip.maxFetchObjects".to_string(),
        };
        Error::Limit(format!(
            "this fetch needs more than {} objects (passed at {} {}), {from}; if you trust this address, raise it \
             (`git -c nip.maxFetchObjects=50000000 clone …`, git config nip.maxFetchObjects, \
             or NIP_MAX_FETCH_OBJECTS; 0 for no limit); nothing was written",
            self.objects.value,
            at.kind().name(),
            at.oid
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Hash;

    #[test]
    fn counts_parse_as_git_does() {
        assert_eq!(parse_count("0"), Some(0));
        assert_eq!(parse_count("123"), Some(123));
        assert_eq!(parse_count(" 2k "), Some(2048));
        assert_eq!(parse_count("3M"), Some(3 << 20));
        assert_eq!(parse_count("64g"), Some(64 << 30));
        for bad in ["", "k", "-1", "1.5g", "lots", "1t", "99999999999999999999", "20000000000g"] {
            assert_eq!(parse_count(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bounds_follow_the_kind() {
        let tree = |n: usize| Links::Tree { entries: vec![(0o100644, Hash([1; 20])); n] };
        assert_eq!(size_bound(&Links::Blob), None);
        assert_eq!(size_bound(&tree(0)), Some(0));
        assert_eq!(size_bound(&tree(2)), Some(2 * TREE_ENTRY_MAX));
        assert_eq!(size_bound(&tree(38_000)), Some(MAX_NON_BLOB));
        assert_eq!(size_bound(&Links::Tag { target: Hash([1; 20]) }), Some(MAX_NON_BLOB));
        let object = |size, links| NipObject { oid: Hash([7; 20]), size, data: crate::block::empty_cid(), links };
        assert!(check_claim(&object(MAX_NON_BLOB, Links::Commit { tree: Hash([1; 20]), parents: vec![] })).is_ok());
        let err = check_claim(&object(4 << 30, Links::Commit { tree: Hash([1; 20]), parents: vec![] })).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&Hash([7; 20]).to_string()) && msg.contains("4.0 GiB") && msg.contains("16.0 MiB"), "{msg}");
        assert!(check_claim(&object(3 * TREE_ENTRY_MAX, tree(2))).unwrap_err().to_string().contains("2 entries"));
        assert!(check_claim(&object(u64::MAX, Links::Blob)).is_ok());
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(5), "5 bytes");
        assert_eq!(human(4 << 30), "4.0 GiB (4294967296 bytes)");
        assert_eq!(human(16 << 20), "16.0 MiB (16777216 bytes)");
    }

    #[test]
    fn settings_win_then_free_space_then_defaults() {
        let dir = Path::new("/repo/.git/objects/pack");
        let set = |v: u64, from: &str| Some((v, from.to_string()));
        let l = FetchLimits::from_settings(None, None, Some(1 << 40), dir);
        assert_eq!((l.bytes.value, l.bytes.source), (DEFAULT_MAX_FETCH_BYTES, Source::Default));
        assert_eq!((l.objects.value, l.objects.source), (DEFAULT_MAX_FETCH_OBJECTS, Source::Default));
        let l = FetchLimits::from_settings(None, None, Some(5 << 30), dir);
        assert_eq!(l.bytes, Limit { value: 5 << 30, source: Source::FreeSpace(dir.display().to_string()) });
        let l = FetchLimits::from_settings(None, None, None, dir);
        assert_eq!(l.bytes.value, DEFAULT_MAX_FETCH_BYTES);
        let l = FetchLimits::from_settings(
            set(1 << 50, "git config nip.maxFetchBytes"),
            set(0, "NIP_MAX_FETCH_OBJECTS"),
            Some(5),
            dir,
        );
        assert_eq!(l.bytes, Limit { value: 1 << 50, source: Source::Set("git config nip.maxFetchBytes".into()) });
        assert_eq!(l.objects.value, u64::MAX);
        let l = FetchLimits::from_settings(set(0, "NIP_MAX_FETCH_BYTES"), None, None, dir);
        assert_eq!(l.bytes.value, u64::MAX);
    }

    #[test]
    fn a_limit_error_says_which_and_how_to_raise_it() {
        let dir = Path::new("/repo/.git/objects/pack");
        let blob = NipObject { oid: Hash([9; 20]), size: 100 << 30, data: crate::block::empty_cid(), links: Links::Blob };
        let msg = FetchLimits::from_settings(None, None, Some(5 << 30), dir).bytes_exceeded(&blob).to_string();
        for part in [
            &Hash([9; 20]).to_string(),
            "100.0 GiB",
            "5.0 GiB",
            "free on the file system of /repo/.git/objects/pack",
            "nip.maxFetchBytes",
        ] {
            assert!(msg.contains(part), "{part:?} is not in {msg:?}");
        }
        let limits = FetchLimits::from_settings(None, Some((10, "NIP_MAX_FETCH_OBJECTS".into())), None, dir);
        let msg = limits.objects_exceeded(&blob).to_string();
        assert!(msg.contains("more than 10 objects") && msg.contains("NIP_MAX_FETCH_OBJECTS sets"), "{msg}");
    }

    #[test]
    fn a_setting_that_is_no_count_is_typed() {
        let env = "NIP_TEST_LIMITS_NOT_A_COUNT";
        std::env::set_var(env, "lots");
        let err = setting(None, "nip.testNotACount", env).unwrap_err();
        std::env::remove_var(env);
        assert_eq!(err, SettingError::NotACount { from: env.to_string(), text: "lots".to_string() });
        assert_eq!(
            err.to_string(),
            format!("{env} is \"lots\", not a count: use a whole number, optionally with k, m or g (0 for no limit)")
        );
        assert_eq!(setting(None, "nip.testNotACount", env), Ok(None));
    }

    #[test]
    fn free_space_is_known_here() {
        let dir = tempfile::tempdir().unwrap();
        assert!(free_space(dir.path()).is_some_and(|n| n > 0));
        assert_eq!(free_space(&dir.path().join("missing")), None);
    }
}
