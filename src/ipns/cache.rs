//! What a repository last knew of a name, under `.git/nip/names/<name>`.
//!
//! Two facts per name, both written after the fact they record:
//! - `index`/`sequence`: the last index the name was seen pointing to. A
//!   fetch that cannot resolve the name in time uses it, with a warning.
//! - `published`/`published-sequence`: the last index this repository
//!   published under the name. The next push checks that the name's
//!   current index descends from it; if not, a concurrent push replaced it
//!   (a fork), and the push says so.
//!
//! The file is plain text, `<field> <value>` per line, replaced atomically.
//! A damaged file is ignored with a warning: it is only a cache.

use cid::Cid;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Known {
    pub index: Option<(Cid, u64)>,
    pub published: Option<(Cid, u64)>,
}

/// The cache of one name in one repository.
pub struct Cache {
    path: PathBuf,
}

impl Cache {
    /// `git_dir` is the repository's `.git`; `name` as it follows `/ipns/`.
    pub fn new(git_dir: &Path, name: &str) -> Cache {
        let file: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
        Cache { path: git_dir.join("nip").join("names").join(file) }
    }

    pub fn load(&self) -> Known {
        let Ok(text) = std::fs::read_to_string(&self.path) else { return Known::default() };
        let mut known = Known::default();
        let (mut index, mut seq, mut published, mut pseq) = (None, None, None, None);
        for line in text.lines() {
            let Some((k, v)) = line.split_once(' ') else { continue };
            match k {
                "index" => index = Cid::try_from(v).ok(),
                "sequence" => seq = v.parse().ok(),
                "published" => published = Cid::try_from(v).ok(),
                "published-sequence" => pseq = v.parse().ok(),
                _ => {}
            }
        }
        known.index = index.zip(seq);
        known.published = published.zip(pseq);
        if known == Known::default() {
            log::warn!("ignoring {}: it records nothing readable", self.path.display());
        }
        known
    }

    /// Replaces the file with `known`. A failure is a warning: the cache
    /// only saves time and detects forks; nothing depends on it.
    pub fn store(&self, known: &Known) {
        let mut text = String::new();
        if let Some((c, s)) = known.index {
            text.push_str(&format!("index {c}\nsequence {s}\n"));
        }
        if let Some((c, s)) = known.published {
            text.push_str(&format!("published {c}\npublished-sequence {s}\n"));
        }
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let dir = self.path.parent().unwrap_or(Path::new("."));
            std::fs::create_dir_all(dir)?;
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.write_all(text.as_bytes())?;
            tmp.persist(&self.path).map(|_| ()).map_err(|e| e.error)
        };
        if let Err(e) = write() {
            log::warn!("cannot record the name's state in {}: {e}", self.path.display());
        }
    }

    /// Records that the name was seen at `index`.
    pub fn saw(&self, index: Cid, sequence: u64) {
        let mut k = self.load();
        k.index = Some((index, sequence));
        self.store(&k);
    }

    /// Records that this repository published `index`.
    pub fn published(&self, index: Cid, sequence: u64) {
        self.store(&Known { index: Some((index, sequence)), published: Some((index, sequence)) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path(), "k51abc");
        assert_eq!(c.load(), Known::default());
        let a = crate::block::empty_cid();
        c.saw(a, 3);
        assert_eq!(c.load(), Known { index: Some((a, 3)), published: None });
        c.published(a, 4);
        c.saw(a, 5);
        assert_eq!(c.load(), Known { index: Some((a, 5)), published: Some((a, 4)) });
        std::fs::write(&c.path, "garbage").unwrap();
        assert_eq!(c.load(), Known::default());
        // A domain is a file name too.
        assert!(Cache::new(dir.path(), "git.example.org").path.ends_with("nip/names/git.example.org"));
    }
}
