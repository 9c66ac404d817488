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
//!
//! **Interrupted, not killed.** A process stopped by SIGINT (Ctrl-C),
//! SIGTERM or SIGHUP removes its own files before it exits: every file
//! [`create_locked`] makes is registered while it lives, and
//! [`remove_on_signals`] starts a thread that, on one of those signals,
//! removes every registered file that is still the one registered (same
//! device and inode), says so in one stderr line, and exits with 128 + the
//! signal's number. The thread does the work, not a signal handler, so
//! nothing async-signal-unsafe runs in one (signal-hook's iterator). A file
//! is put in place (renamed out of its temporary name) within
//! [`settling`], which holds the registry: a signal then waits for the
//! renames, so it never removes half of a pack and its index. SIGPIPE is
//! ignored, as Rust ignores it: a closed pipe is a write error, which
//! returns through every caller and drops (so removes) the files on the
//! way out. Only `kill -9` and a power cut leave files, for the next start.

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

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

/// A temporary file of this process: its name and a handle on it (opened
/// apart, so it does not share the lock). The handle keeps its inode from
/// being reused while the entry lives, so a name that leads to the same
/// device and inode leads to this very file.
struct Live {
    path: PathBuf,
    file: File,
}

/// Every temporary file [`create_locked`] made that may still be under its
/// temporary name. An entry whose file was renamed or removed since is
/// harmless: the name no longer leads to that inode, and it is pruned at
/// the next [`create_locked`].
static LIVE: Mutex<Vec<Live>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<Live>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether `path` still names the file that was registered.
fn still_there(l: &Live) -> bool {
    same_file(&l.file, &l.path)
}

/// Holds the registry of temporary files while files are put in place: a
/// signal arriving meanwhile waits until this is dropped, then finds the
/// renamed files gone from their temporary names and leaves them alone.
pub struct Settling(MutexGuard<'static, Vec<Live>>);

impl Settling {
    /// `path` was renamed (or removed): no signal has it to remove any more.
    pub fn forget(&mut self, path: &Path) {
        self.0.retain(|l| l.path != path);
    }
}

/// Starts putting temporary files in place (see [`Settling`]). Keep it
/// short: renames and syncs, nothing that waits on the network.
pub fn settling() -> Settling {
    Settling(live())
}

/// Removes every temporary file of this process still under its temporary
/// name (of those `which` accepts); what it removed. The registry stays
/// held (`hold`), so that no new file is made or put in place before the
/// process exits.
fn remove_live(hold: &mut Vec<Live>, which: impl Fn(&Path) -> bool) -> Removed {
    let mut removed = Removed::default();
    let (ours, others): (Vec<Live>, Vec<Live>) = hold.drain(..).partition(|l| which(&l.path));
    *hold = others;
    for l in ours {
        if still_there(&l) {
            let len = std::fs::symlink_metadata(&l.path).map(|m| m.len()).unwrap_or(0);
            if std::fs::remove_file(&l.path).is_ok() {
                removed.bytes += len;
                removed.files.push(l.path);
            }
        }
    }
    removed
}

/// Starts the thread that, on SIGINT, SIGTERM or SIGHUP, removes this
/// process's temporary files, says so on stderr and exits with 128 + the
/// signal number. For the binaries, once, at start.
pub fn remove_on_signals(who: &'static str) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        let Some(signal) = signals.forever().next() else { return };
        // Held until the exit: nothing is created or renamed after this.
        let mut hold = live();
        let removed = remove_live(&mut hold, |_| true);
        let name = signal_hook::low_level::signal_name(signal).unwrap_or("a signal");
        // Not eprintln!, which panics (and so would not exit) if stderr is gone.
        let line = match removed.is_empty() {
            true => format!("{who}: interrupted by {name}\n"),
            false => format!("{who}: interrupted by {name}; removed {} it was writing\n", removed.describe()),
        };
        let _ = io::Write::write_all(&mut io::stderr(), line.as_bytes());
        // _exit: the other threads are still running; no destructor or
        // atexit handler may race them.
        signal_hook::low_level::exit(128 + signal);
    })?;
    Ok(())
}

/// Creates a temporary file in `dir` named `<prefix><random><suffix>` and
/// locks it for as long as the returned file (or a file it is persisted
/// into) is open. Every handle opened with `reopen` shares the file, not
/// the lock: keep the returned one open until the file is renamed. The
/// file is registered for [`remove_on_signals`]; put it in place within
/// [`settling`].
pub fn create_locked(dir: &Path, prefix: &str, suffix: &str) -> io::Result<tempfile::NamedTempFile> {
    let mut last = None;
    // Held from creation to registration: a signal meanwhile waits, then
    // removes this file too.
    let mut registry = live();
    registry.retain(still_there);
    for _ in 0..8 {
        let file = tempfile::Builder::new().prefix(prefix).suffix(suffix).tempfile_in(dir)?;
        // Blocks only while a cleaner holds it, for the instant of a check.
        file.as_file().lock()?;
        if same_file(file.as_file(), file.path()) {
            // A handle of its own, not a clone: it must not hold the lock.
            let handle = File::open(file.path())?;
            if same_file(&handle, file.path()) {
                registry.push(Live { path: file.path().to_path_buf(), file: handle });
            }
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

/// What a cleaning removed in one directory, and whose files they were:
/// for the one line the binary says about it, `removed 2 temporary files
/// (4.1 GB) that an interrupted push left in <dir>` (its `Display`).
#[derive(Debug)]
pub struct Leftovers {
    pub removed: Removed,
    /// The kind of process that left them: `push`, `fetch`.
    pub by: &'static str,
    pub dir: PathBuf,
}

impl std::fmt::Display for Leftovers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "removed {} that an interrupted {} left in {}", self.removed.describe(), self.by, self.dir.display())
    }
}

impl Leftovers {
    /// What was removed in `dir`, if anything.
    pub fn of(removed: Removed, by: &'static str, dir: &Path) -> Option<Leftovers> {
        (!removed.is_empty()).then(|| Leftovers { removed, by, dir: dir.to_path_buf() })
    }
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
    fn an_interruption_removes_live_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let writing = create_locked(dir.path(), "push-", ".pack").unwrap();
        std::fs::write(writing.path(), b"half a pack").unwrap();
        let settled = create_locked(dir.path(), "push-", ".idx").unwrap();
        let dropped = create_locked(dir.path(), "push-", ".tmp").unwrap();
        let dropped_path = dropped.path().to_path_buf();
        drop(dropped);
        // Something else now has the name of the dropped file: not ours.
        std::fs::write(&dropped_path, b"someone else's").unwrap();
        let done = dir.path().join("done.idx");
        {
            let mut s = settling();
            let name = settled.path().to_path_buf();
            let _kept = settled.persist(&done).unwrap();
            s.forget(&name);
        }
        let writing_path = writing.path().to_path_buf();
        let removed = remove_live(&mut live(), |p| p.starts_with(dir.path()));
        assert_eq!(removed.files, vec![writing_path.clone()]);
        assert_eq!(removed.bytes, 11);
        assert!(!writing_path.exists() && done.exists() && dropped_path.exists());
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(human_bytes(300), "300 bytes");
        assert_eq!(human_bytes(4_068_000_000), "4.1 GB");
        assert_eq!(human_bytes(12_345_678), "12.3 MB");
    }
}
