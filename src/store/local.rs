//! The embedded block store: blocks as files under `$NIP_HOME/blocks`.
//!
//! The default when no IPFS node is configured, in the way SQLite stands
//! beside Postgres. A block lives at `blocks/<2 chars>/<cid>`, where the two
//! characters are the end of the CID's base32 text (spread evenly, like
//! Kubo's flatfs `next-to-last/2`). Each write goes to a temporary file in
//! `tmp/` and is renamed into place, so a reader never sees half a block
//! and two pushes writing the same block at once both succeed.
//! Reads are checked against the CID by [`super::Verified`].

use super::{BlockStore, BlockWriter, StoreError, WriteStats};
use crate::block::{Block, MAX_BLOCK};
use cid::Cid;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The embedded store rooted at a directory.
pub struct LocalStore {
    root: PathBuf,
}

/// The default directory: `$NIP_HOME`, else `$XDG_DATA_HOME/nip`, else
/// `~/.local/share/nip`.
pub fn default_home() -> Option<PathBuf> {
    let env = |k| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    env("NIP_HOME")
        .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("nip")))
        .or_else(|| env("HOME").map(|h| h.join(".local/share/nip")))
}

impl LocalStore {
    /// Opens (creating if needed) the store at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<LocalStore, StoreError> {
        let root = root.into();
        for dir in [root.join("blocks"), root.join("tmp")] {
            std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
                what: "cannot create the embedded store directory",
                path: dir.clone(),
                source,
            })?;
        }
        Ok(LocalStore { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file a block lives in.
    pub fn path_of(&self, cid: &Cid) -> PathBuf {
        let name = cid.to_string();
        let shard = &name[name.len().saturating_sub(3)..name.len().saturating_sub(1)];
        self.root.join("blocks").join(shard).join(name)
    }

    fn has(&self, cid: &Cid) -> bool {
        self.path_of(cid).is_file()
    }

    fn put(&self, block: &Block) -> Result<bool, StoreError> {
        if block.data.len() > MAX_BLOCK {
            return Err(StoreError::TooLarge { cid: block.cid, size: block.data.len() });
        }
        let path = self.path_of(&block.cid);
        if path.is_file() {
            return Ok(false);
        }
        let io = |what, path: &Path| {
            let path = path.to_path_buf();
            move |source| StoreError::Io { what, path, source }
        };
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(io("cannot create", dir))?;
        let tmpdir = self.root.join("tmp");
        let mut tmp = tempfile::NamedTempFile::new_in(&tmpdir).map_err(io("cannot create a file in", &tmpdir))?;
        tmp.write_all(&block.data).map_err(io("cannot write", tmp.path()))?;
        tmp.persist(&path).map_err(|e| StoreError::Io { what: "cannot store block at", path: path.clone(), source: e.error })?;
        Ok(true)
    }
}

impl BlockStore for LocalStore {
    fn describe(&self) -> String {
        format!("the embedded store at {}", self.root.display())
    }

    fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError> {
        cids.iter()
            .map(|cid| {
                let path = self.path_of(cid);
                std::fs::read(&path).map_err(|source| match source.kind() {
                    std::io::ErrorKind::NotFound => StoreError::Missing { cid: *cid, store: self.describe() },
                    _ => StoreError::Io { what: "cannot read block", path, source },
                })
            })
            .collect()
    }

    fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, StoreError> {
        Ok(cids.iter().map(|c| self.has(c)).collect())
    }

    fn writer(&self) -> Result<Box<dyn BlockWriter + '_>, StoreError> {
        Ok(Box::new(LocalWriter { store: self, stats: WriteStats::default() }))
    }
}

struct LocalWriter<'a> {
    store: &'a LocalStore,
    stats: WriteStats,
}

impl BlockWriter for LocalWriter<'_> {
    fn put(&mut self, block: Block) -> Result<(), StoreError> {
        if self.store.put(&block)? {
            self.stats.blocks_new += 1;
            self.stats.bytes_new += block.data.len() as u64;
        } else {
            self.stats.blocks_existing += 1;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, _root: &Cid, _replaces: Option<&Cid>) -> Result<WriteStats, StoreError> {
        Ok(self.stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::RAW;
    use crate::store::Verified;

    #[test]
    fn put_get_and_detect_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let b = Block::new(RAW, b"hello".to_vec());
        let mut w = store.writer().unwrap();
        w.put(b.clone()).unwrap();
        w.put(b.clone()).unwrap();
        let stats = w.finish(&b.cid, None).unwrap();
        assert_eq!((stats.blocks_new, stats.blocks_existing), (1, 1));
        let v = Verified::new(&store);
        assert_eq!(v.get(&b.cid).unwrap(), b"hello");
        std::fs::write(store.path_of(&b.cid), b"hellO").unwrap();
        let err = v.get(&b.cid).unwrap_err().to_string();
        assert!(err.contains("corrupt") && err.contains(&b.cid.to_string()), "{err}");
        let other = Block::new(RAW, b"other".to_vec());
        assert!(matches!(v.get(&other.cid), Err(StoreError::Missing { .. })));
    }
}
