//! Temporary files that say whether their writer is still alive, and the
//! cleaning of those whose writer died.
//!
//! nip writes everything big under a temporary name first: a push to the
//! embedded store writes its pack and index in `$NIP_HOME/tmp`, a fetch
//! writes `tmp_pack_nip_*` and `tmp_idx_nip_*` in `.git/objects/pack`, and
//! renames them into place once complete. A process killed with `kill -9`
//! (or a machine losing power) leaves them behind, gigabytes for a big push.
//!
//! **How a live file is told from a leftover.** Every such file is locked
//! (`flock`, exclusive) by the process writing it, from its creation until
//! it is renamed into place or removed. The kernel drops the lock when the
//! process dies, however it dies. So a cleaner removes a file only if it can
//! take that lock itself; a file of a push or fetch still running is never
//! touched, however old it is, and a leftover is removed however young it
//! is. Age alone never decides.
//!
//! One race is closed on both sides: a writer creates its file and locks it
//! in two steps, so a cleaner could lock and remove a new file in between.
//! The cleaner leaves an empty file alone for [`BIRTH`] after it was made
//! (it may be in that instant; an empty file holds no space), removes a file
//! only while holding its lock, and only if the name still leads to the file
//! it locked; the writer, once it holds the lock, checks that its name still
//! leads to its file, and starts a new one if not ([`create_locked`]).
//!
//! Cleaning runs when the embedded store is opened ([`crate::store::local`])
//! and when a fetch starts its pack ([`crate::pack`]), and says in one
//! stderr line what it removed. A file system without `flock` (where the
//! lock cannot be taken, or taking it fails) keeps every file: nip then
//! cleans nothing rather than guess.

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// How long an empty file is left alone after it was made, however free its
/// lock: its writer may be between creating and locking it. Only empty
/// files wait: anything with data is judged by its lock alone.
pub const BIRTH: std::time::Duration = std::time::Duration::from_secs(60);

/// Whether `file` is what `path` names now (same device and inode).
fn same_file(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Creates a temporary file in `dir` named `<prefix><random><suffix>` and
/// locks it for as long as the returned file (or a file it is persisted
/// into) is open. Every handle opened with `reopen` shares the file, not
/// the lock: keep the returned one open until the file is renamed.
pub fn create_locked(dir: &Path, prefix: &str, suffix: &str) -> io::Result<tempfile::NamedTempFile> {
    let mut last = None;
    for _ in 0..8 {
        let file = tempfile::Builder::new().prefix(prefix).suffix(suffix).tempfile_in(dir)?;
        // Blocks only while a cleaner holds it, for the instant of a check.
        file.as_file().lock()?;
        if same_file(file.as_file(), file.path()) {
            return Ok(file);
        }
        // A cleaner took it between creation and lock: its name is gone.
        last = Some(file.path().to_path_buf());
        let _ = file.into_temp_path().keep();
    }
    Err(io::Error::other(format!(
        "temporary files in {} keep disappearing (last {}): is another program removing them?",
        dir.display(),
        last.map(|p| p.display().to_string()).unwrap_or_default()
    )))
}

/// What a cleaning removed.
#[derive(Debug, Default)]
pub struct Removed {
    pub files: Vec<PathBuf>,
    pub bytes: u64,
}

impl Removed {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `2 temporary files (4.1 GB)`, for the one line that reports it.
    pub fn describe(&self) -> String {
        let n = self.files.len();
        format!("{n} temporary file{} ({})", if n == 1 { "" } else { "s" }, human_bytes(self.bytes))
    }
}

/// `1.5 GB`, `12.0 MB`, `300 bytes`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1_000)];
    for (unit, size) in UNITS {
        if n >= size {
            return format!("{:.1} {unit}", n as f64 / size as f64);
        }
    }
    format!("{n} bytes")
}

/// Removes every regular file directly in `dir` whose name `ours` accepts
/// and whose lock can be taken (its writer is gone). Files it cannot open,
/// lock or check are left alone; so is everything else. A missing `dir`
/// removes nothing.
pub fn clean(dir: &Path, ours: impl Fn(&str) -> bool) -> Removed {
    let mut removed = Removed::default();
    let Ok(entries) = std::fs::read_dir(dir) else { return removed };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !ours(name) {
            continue;
        }
        let path = entry.path();
        if let Some(bytes) = remove_if_unlocked(&path) {
            log::info!("removed {} ({bytes} bytes), left by a writer that is gone", path.display());
            removed.bytes += bytes;
            removed.files.push(path);
        }
    }
    removed
}

/// Removes `path` if it is a regular file whose lock is free; returns its
/// size if it did.
fn remove_if_unlocked(path: &Path) -> Option<u64> {
    use std::os::unix::fs::OpenOptionsExt;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    // O_NOFOLLOW: never lock (or judge) what a symlink swapped in points to.
    let file = std::fs::OpenOptions::new().read(true).custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32).open(path).ok()?;
    match file.try_lock() {
        Ok(()) => {}
        // Held: its writer is alive. Any other error: cannot tell, keep it.
        Err(_) => return None,
    }
    if !same_file(&file, path) {
        return None;
    }
    let meta = file.metadata().ok()?;
    let len = meta.len();
    if len == 0 && meta.modified().ok().and_then(|m| m.elapsed().ok()).is_none_or(|age| age < BIRTH) {
        return None;
    }
    // Removed while the lock is held: a writer that locks it afterwards
    // finds its name gone and starts another file.
    std::fs::remove_file(path).ok()?;
    drop(file);
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_unlocked_files_of_ours() {
        let dir = tempfile::tempdir().unwrap();
        let live = create_locked(dir.path(), "push-", ".pack").unwrap();
        std::fs::write(live.path(), b"still being written").unwrap();
        let dead = create_locked(dir.path(), "push-", ".pack").unwrap();
        std::fs::write(dead.path(), b"left by a killed push").unwrap();
        // Its writer "dies": the lock goes, the file stays.
        let dead_path = dead.into_temp_path().keep().unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"not ours").unwrap();
        // Empty and new: maybe a writer between creating and locking it.
        let newborn = dir.path().join("push-newborn.idx");
        File::create(&newborn).unwrap();
        std::os::unix::fs::symlink(&dead_path, dir.path().join("push-link.pack")).unwrap();

        let removed = clean(dir.path(), |n| n.starts_with("push-"));
        assert_eq!(removed.files, vec![dead_path.clone()]);
        assert_eq!(removed.bytes, 21);
        assert_eq!(removed.describe(), "1 temporary file (21 bytes)");
        assert!(live.path().exists() && dir.path().join("notes.txt").exists() && newborn.exists());
        assert!(std::fs::symlink_metadata(dir.path().join("push-link.pack")).is_ok(), "a symlink is not judged");
        // The writer of the live file still has it, and can finish it.
        let kept = live.persist(dir.path().join("done.pack")).unwrap();
        drop(kept);
        assert!(clean(dir.path(), |n| n.starts_with("push-")).is_empty());
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(human_bytes(300), "300 bytes");
        assert_eq!(human_bytes(4_068_000_000), "4.1 GB");
        assert_eq!(human_bytes(12_345_678), "12.3 MB");
    }
}
