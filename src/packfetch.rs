//! What `git fetch` and `git clone` do with a format 2 repository: fetch
//! the packs the local repository lacks and let `git index-pack` index them.
//!
//! 1. **Which packs.** A clone takes every pack. A fetch walks the
//!    `previous` indexes (at most [`WALK`]) to the newest one whose every
//!    ref the local repository already has: it holds everything reachable
//!    from those refs, so only the packs pushed after that index are needed
//!    (if its packs list is the start of the current one; an earlier index
//!    that lists other packs, or cannot be read, means every pack).
//! 2. **One stream.** The chosen packs are read from the store (every block
//!    checked against its CID), each one's header and checksum checked, and
//!    spliced into one pack stream (their entries one after another under a
//!    header with the total count and a new checksum; an `OFS_DELTA` is
//!    relative, so it stays valid) piped into `git index-pack --stdin
//!    --fix-thin --keep`. index-pack recomputes every object's SHA-1 (with
//!    collision detection), resolves the deltas, including a thin pack's
//!    bases in earlier packs or in the local repository, and writes one pack
//!    and its index. The `.keep` holds it until git has moved the refs.
//! 3. **Complete or nothing.** A fetch that took only the newer packs checks
//!    that every wanted object is now whole (`git rev-list --objects`); if
//!    not (a branch deleted and pushed again, say, leaves objects in older
//!    packs that no later index's refs reach), it takes the older packs too.
//!    A failure anywhere leaves no ref moved (git updates refs only after
//!    the helper answered) and no pack of this fetch: one index-pack wrote
//!    before the failure is removed, and index-pack's temporary pack too.
//!
//! Limits: the packs' total bytes and objects are known from the packs list
//! before any is read, and checked against `nip.maxFetchBytes` and
//! `nip.maxFetchObjects`.

use crate::fetch::{FetchOutcome, Fetched};
use crate::records::{self, PackEntry};
use crate::remote::Remote;
use crate::Error;
use git2::{Oid, Repository};
use sha1::{Digest, Sha1};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Why a format 2 fetch failed on its own account (a limit it passed is
/// [`Error::Limit`]; a block the store lacks, the store's error).
#[derive(Debug, thiserror::Error)]
pub enum PackFetchError {
    /// A wanted object a ref names is in none of the packs: the
    /// repository's packs do not hold what its refs say.
    #[error("its packs do not hold object {oid}, which its ref {name} names: the repository is damaged; nothing was fetched")]
    Unheld { oid: Oid, name: String },
    /// Pack `pack` (its number in the packs list, stored as `cid`) failed
    /// nip's own checks.
    #[error("pack {pack} ({cid}) of {url} is damaged: {why}; nothing was fetched")]
    Damaged { pack: usize, cid: Box<cid::Cid>, url: String, why: Damage },
    /// Reading pack `pack`'s UnixFS file failed.
    #[error("reading pack {pack} of {url}: {error}")]
    Read { pack: usize, url: String, error: Box<crate::unixfs::UnixfsError> },
    #[error("{objects} objects do not fit in one git pack")]
    TooManyObjects { objects: u64 },
    #[error("git index-pack has no {pipe}")]
    NoPipe { pipe: &'static str },
    /// index-pack stopped reading its input, yet exited with success.
    #[error("git index-pack stopped reading ({error})")]
    StoppedReading { error: std::io::Error },
    /// index-pack refused the spliced pack; `said` is the last line it wrote.
    #[error("git index-pack refused the objects of {url} ({status}: {said}); nothing was fetched")]
    Refused { url: String, status: std::process::ExitStatus, said: String },
    #[error("git index-pack did not name the pack it wrote ({answer:?})")]
    Unnamed { answer: String },
}

/// What is wrong with a pack, by nip's own checks before index-pack's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Damage {
    #[error("it is {bytes} bytes, less than a pack's header and checksum")]
    Short { bytes: u64 },
    #[error("its header is not a version 2 pack of {objects} objects, as the packs list says")]
    Header { objects: u64 },
    #[error("its checksum does not match its bytes")]
    Checksum,
}

/// How many earlier indexes a fetch looks at for one whose refs it has.
pub const WALK: usize = 1000;

/// Fetches everything reachable from `wants` that `repo` lacks from the
/// format 2 repository `remote`.
pub fn fetch(repo: &Repository, remote: &Remote<'_>, wants: &[Oid], progress: bool) -> Result<Fetched, Error> {
    let url = remote.url();
    let context = |e: Error| e.context(format!("fetching from {url}"));
    let Some((_, index)) = &remote.index else {
        return match wants.first() {
            Some(w) => Err(context(Error::NotInRepository { oid: w.to_string() })),
            None => Ok(Fetched::default()),
        };
    };
    let odb = repo.odb()?;
    let local = |oid: Oid| odb.exists_ext(oid, git2::OdbLookupFlags::NO_REFRESH);
    let missing: Vec<Oid> = wants.iter().copied().filter(|w| !local(*w)).collect();
    if missing.is_empty() {
        return Ok(Fetched::default());
    }
    let packs = match index.v2.and_then(|l| l.packs) {
        Some(root) => records::read_packs(&remote.blocks, &root).map_err(|e| context(e.into()))?,
        None => Vec::new(),
    };
    let chosen = if repo.references()?.next().is_none() { vec![true; packs.len()] } else { needed_packs(remote, &local, &packs) };
    type Numbered = Vec<(usize, PackEntry)>;
    let (fresh, held): (Numbered, Numbered) = packs.iter().cloned().enumerate().partition(|(n, _)| chosen[*n]);
    log::info!("{} packs in {url}; the local repository holds {} of them", packs.len(), held.len());
    let objects_dir = objects_dir(repo);
    let pack_dir = objects_dir.join("pack");
    std::fs::create_dir_all(&pack_dir)
        .map_err(|e| context(Error::from(e).context(format!("creating {}", pack_dir.display()))))?;
    crate::pack::clean_leftovers(&pack_dir);
    let config = crate::config::Settings::of(Some(repo));
    let limits = crate::limits::FetchLimits::read(Some(&config), &pack_dir).map_err(context)?;

    // Every pack this fetch wrote, so that a fetch that fails after one was
    // written leaves none of them.
    let mut written: Vec<Written> = Vec::new();
    let run = |packs: &[(usize, PackEntry)], written: &mut Vec<Written>| -> Result<(), Error> {
        match index_packs(repo, remote, packs, &limits, progress) {
            Ok(w) => {
                written.extend(w);
                Ok(())
            }
            Err(e) => {
                written.iter().for_each(Written::remove);
                Err(context(e))
            }
        }
    };
    run(&fresh, &mut written)?;
    let mut outcome = FetchOutcome::default();
    for (_, p) in &fresh {
        outcome.objects += p.objects;
        outcome.bytes += p.bytes;
    }
    if !held.is_empty() && !connected(repo, &missing) {
        log::info!("the newer packs leave objects missing; fetching the {} others too", held.len());
        run(&held, &mut written)?;
        for (_, p) in &held {
            outcome.objects += p.objects;
            outcome.bytes += p.bytes;
        }
    }
    let odb = repo.odb()?;
    odb.refresh()?;
    if let Some(w) = missing.iter().find(|w| !odb.exists(**w)) {
        written.iter().for_each(Written::remove);
        // A ref's own object missing from the packs: the repository is
        // damaged (its packs do not hold what its refs name), which "not in
        // this repository" would not say.
        let named = remote.refs().iter().find(|(_, h)| h.oid() == *w).map(|(n, _)| n.clone());
        return Err(context(match named {
            Some(name) => PackFetchError::Unheld { oid: *w, name }.into(),
            None => Error::NotInRepository { oid: w.to_string() },
        }));
    }
    // git removes the `.keep` it is told of once the refs are updated; the
    // others go now (their packs are complete and stay).
    let keep = written.pop().map(|w| w.keep);
    for w in &written {
        let _ = std::fs::remove_file(&w.keep);
    }
    Ok(Fetched { outcome, keep })
}

/// A pack `git index-pack` wrote for this fetch: its `.keep`, and whether
/// the pack is new (index-pack keeps a pack of the same name that was
/// already there, which is then not this fetch's to remove).
struct Written {
    keep: PathBuf,
    fresh: bool,
}

impl Written {
    /// Removes the `.keep` and, for a new pack, the pack and its indexes.
    fn remove(&self) {
        if self.fresh {
            for ext in ["idx", "rev", "pack"] {
                let _ = std::fs::remove_file(self.keep.with_extension(ext));
            }
        }
        let _ = std::fs::remove_file(&self.keep);
    }
}

/// `$GIT_OBJECT_DIRECTORY` if git set it, else the repository's (the
/// common one for a linked worktree).
fn objects_dir(repo: &Repository) -> PathBuf {
    std::env::var_os("GIT_OBJECT_DIRECTORY").map(PathBuf::from).unwrap_or_else(|| repo.commondir().join("objects"))
}

/// Which of `packs` the fetch needs: a pack whose tips (in its entry, or in
/// its `tips` block when there are many) the repository has holds nothing
/// new to it (every object of a pack is reachable from its tips); a pack
/// listed without tips is needed unless it is one of the
/// first ones [`held_packs`] finds held. So a fetch after N one-commit
/// pushes reads the packs list and N packs, and walks no index.
fn needed_packs(remote: &Remote<'_>, local: &dyn Fn(Oid) -> bool, packs: &[PackEntry]) -> Vec<bool> {
    // The tips blocks, read in batches; one that cannot be read counts as no tips.
    let mut sets: std::collections::HashMap<cid::Cid, Vec<crate::format::Hash>> = std::collections::HashMap::new();
    let mut wanted: Vec<cid::Cid> = packs.iter().filter(|p| p.tips.is_none()).filter_map(|p| p.tipset).collect();
    wanted.sort();
    wanted.dedup();
    for group in wanted.chunks(256) {
        let Ok(datas) = remote.blocks.get_many(group) else { continue };
        for (cid, data) in group.iter().zip(datas) {
            if let Ok(tips) = crate::format::decode_v2::<Vec<crate::format::Hash>>(cid, &data, records::KIND_TIPS) {
                if tips.len() <= records::MAX_TIPSET {
                    sets.insert(*cid, tips);
                }
            }
        }
    }
    let by_tips: Vec<Option<bool>> = packs
        .iter()
        .map(|p| {
            let tips = p.tips.as_ref().or_else(|| p.tipset.as_ref().and_then(|c| sets.get(c)));
            tips.map(|t| t.iter().any(|h| !local(h.oid())))
        })
        .collect();
    let start = match by_tips.iter().any(|n| n.is_none()) {
        true => held_packs(remote, local, packs),
        false => 0,
    };
    by_tips.into_iter().enumerate().map(|(i, n)| n.unwrap_or(i >= start)).collect()
}

/// How many of the first `packs` the local repository holds every object
/// of: the pack count of the newest index (one of [`WALK`] before the
/// current one) whose every ref the repository has, if its packs are the
/// first ones of `packs`. Anything else (an earlier index that cannot be
/// read, or that lists other packs) gives 0: every pack is fetched, which
/// is slower, never wrong.
fn held_packs(remote: &Remote<'_>, local: &dyn Fn(Oid) -> bool, packs: &[PackEntry]) -> usize {
    match newest_held(remote, local) {
        Ok(None) => 0,
        Ok(Some(held)) if held.len() <= packs.len() && held[..] == packs[..held.len()] => held.len(),
        Ok(Some(held)) => {
            log::info!(
                "an earlier index lists {} packs that are not the first ones of this index: fetching every pack",
                held.len()
            );
            0
        }
        Err(e) => {
            log::info!("cannot read the earlier indexes ({e}): fetching every pack");
            0
        }
    }
}

/// The packs list of the newest index before the current one (at most
/// [`WALK`] back) whose every ref the repository has. Each index costs its
/// own block and the refs shards it does not share with the one after it.
fn newest_held(remote: &Remote<'_>, local: &dyn Fn(Oid) -> bool) -> Result<Option<Vec<PackEntry>>, Error> {
    let Some((_, current)) = &remote.index else { return Ok(None) };
    let mut known = std::collections::HashMap::new();
    let has = |h: crate::format::Hash| local(h.oid());
    let mut at = current.prev;
    for _ in 0..WALK {
        let Some(cid) = at else { return Ok(None) };
        let index = crate::format::NipIndex::from_block(&cid, &remote.blocks.get(&cid)?)?;
        let Some(links) = index.v2 else { return Ok(None) };
        if records::refs_all(&remote.blocks, &links.refs, &has, &mut known)? {
            return Ok(Some(match links.packs {
                Some(root) => records::read_packs(&remote.blocks, &root)?,
                None => Vec::new(),
            }));
        }
        at = index.prev;
    }
    Ok(None)
}

/// Whether every object reachable from `wants` is in the repository (git
/// stops at the objects its refs reach, as its own connectivity check does).
fn connected(repo: &Repository, wants: &[Oid]) -> bool {
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir").arg(repo.path()).args(["rev-list", "--objects", "--quiet", "--stdin", "--not", "--all"]);
    let Ok(mut child) = cmd.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null()).spawn() else { return false };
    if let Some(mut stdin) = child.stdin.take() {
        let lines: String = wants.iter().map(|w| format!("{w}\n")).collect();
        let _ = stdin.write_all(lines.as_bytes());
    }
    child.wait().map(|s| s.success()).unwrap_or(false)
}

/// Streams `packs` (each with its number in the packs list), spliced into
/// one pack, into `git index-pack`; returns the `.keep` of the pack it
/// wrote (`None` for no packs).
fn index_packs(
    repo: &Repository,
    remote: &Remote<'_>,
    packs: &[(usize, PackEntry)],
    limits: &crate::limits::FetchLimits,
    progress: bool,
) -> Result<Option<Written>, Error> {
    if packs.is_empty() {
        return Ok(None);
    }
    let bytes: u64 = packs.iter().map(|(_, p)| p.bytes).fold(0, u64::saturating_add);
    let objects: u64 = packs.iter().map(|(_, p)| p.objects).fold(0, u64::saturating_add);
    if bytes > limits.bytes.value {
        return Err(limits.packs_exceeded(packs.len(), bytes));
    }
    if objects > limits.objects.value {
        return Err(Error::Limit(format!(
            "this fetch needs {objects} objects, more than {} (nip.maxFetchObjects, {}); if you trust this address, \
             raise it (git config nip.maxFetchObjects, or NIP_MAX_FETCH_OBJECTS; 0 for no limit); nothing was written",
            limits.objects.value,
            source(&limits.objects.source)
        )));
    }
    let count = u32::try_from(objects).map_err(|_| PackFetchError::TooManyObjects { objects })?;
    // A gateway store fetches each pack's blocks as one CAR now, before
    // index-pack starts (other stores do nothing here). The CAR of a pack
    // is its bytes and, per leaf of 256 KiB, a frame (about 40 bytes) and a
    // link in a node above it (about 45): under 256 bytes per leaf.
    let roots: Vec<(cid::Cid, u64)> = packs.iter().map(|(_, p)| (p.pack, p.bytes + p.bytes / 1024 + (64 << 10))).collect();
    remote.blocks.store().prefetch_dags(&roots)?;
    let keep_text = crate::pack::keep_text();
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir").arg(repo.path()).args(["index-pack", "--stdin", "--fix-thin"]);
    cmd.arg(format!("--keep={}", keep_text.trim_end()));
    cmd.arg(format!("--max-input-size={}", bytes.saturating_add(12)));
    let strict =
        repo.config().ok().and_then(|c| c.get_bool("fetch.fsckObjects").ok().or_else(|| c.get_bool("transfer.fsckObjects").ok()));
    if strict == Some(true) {
        // What git's own fetch passes: fsck every object. (`--strict` would
        // also refuse an object two spliced packs both hold, and links to
        // objects a completeness check fetches next.)
        cmd.arg("--fsck-objects");
    }
    if progress {
        cmd.arg("-v");
    }
    // index-pack writes its temporary pack as `tmp_pack_XXXXXX` and leaves
    // it behind when it fails (or its input ends early): nip finds its name
    // (see [`GitTemp`]), removes it after a failure, and keeps it written in
    // a locked `tmp_pack_nip_*` file so that the fetch after a killed one
    // removes it too.
    let pack_dir = objects_dir(repo).join("pack");
    let packs_before: std::collections::HashSet<std::ffi::OsString> =
        std::fs::read_dir(&pack_dir).map(|d| d.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
    let mut marker = crate::tmpfiles::create_locked(&pack_dir, "tmp_pack_nip_", ".git-temp")
        .map_err(|e| Error::from(e).context(format!("creating a temporary file in {}", pack_dir.display())))?;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::from(e).context("starting git index-pack"))?;
    let git_temp = GitTemp::find(child.id(), &pack_dir);
    if let Some(t) = &git_temp {
        let _ = marker.write_all(t.path.as_os_str().as_encoded_bytes()).and_then(|_| marker.flush());
    }
    let mut stdin = child.stdin.take().ok_or(PackFetchError::NoPipe { pipe: "stdin" })?;
    let mut stderr = child.stderr.take().ok_or(PackFetchError::NoPipe { pipe: "stderr" })?;
    let mut stdout = child.stdout.take().ok_or(PackFetchError::NoPipe { pipe: "stdout" })?;
    let (sent, said, answer) = std::thread::scope(|scope| {
        // index-pack's messages: shown as progress when asked, and the last
        // of them kept for the error.
        let messages = scope.spawn(move || {
            use std::io::Read;
            let mut tail = Vec::new();
            let mut buf = [0u8; 8192];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if progress {
                    let _ = std::io::stderr().write_all(&buf[..n]);
                }
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > 4096 {
                    tail.drain(..tail.len() - 4096);
                }
            }
            String::from_utf8_lossy(&tail).to_string()
        });
        let answer = scope.spawn(move || {
            use std::io::Read;
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            s
        });
        let sent = splice(remote, packs, count, &mut stdin);
        drop(stdin);
        (sent, messages.join().unwrap_or_default(), answer.join().unwrap_or_default())
    });
    let status = child.wait().map_err(|e| Error::from(e).context("waiting for git index-pack"))?;
    let last = said.lines().rev().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_string();
    if sent.is_err() || !status.success() {
        if let Some(t) = &git_temp {
            t.remove();
        }
    }
    drop(marker);
    // A pack that failed its own checks is the first cause; index-pack then
    // only saw its input end early. index-pack that stopped reading is the
    // other way round: it refused what it read, and says why.
    match sent {
        Err(Spliced::Refused(e)) => return Err(e),
        Err(Spliced::Stopped(error)) if status.success() => return Err(PackFetchError::StoppedReading { error }.into()),
        _ => {}
    }
    if !status.success() {
        let said = crate::protocol::one_line(&last);
        return Err(PackFetchError::Refused { url: remote.url(), status, said }.into());
    }
    let name = answer
        .lines()
        .find_map(|l| l.strip_prefix("keep\t").or_else(|| l.strip_prefix("pack\t")))
        .map(str::trim)
        .filter(|h| h.len() >= 40 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| PackFetchError::Unnamed { answer: answer.trim().to_string() })?;
    let fresh = !packs_before.contains(std::ffi::OsStr::new(&format!("pack-{name}.pack")));
    Ok(Some(Written { keep: pack_dir.join(format!("pack-{name}.keep")), fresh }))
}

/// The temporary pack a running `git index-pack --stdin` writes: found
/// among its open files (`/proc/<pid>/fd`), which it opens before it reads
/// any input (nip writes none before this is found, or a second passed).
struct GitTemp {
    path: PathBuf,
    dev: u64,
    ino: u64,
}

impl GitTemp {
    fn find(pid: u32, pack_dir: &std::path::Path) -> Option<GitTemp> {
        use std::os::unix::fs::MetadataExt;
        let dir = pack_dir.canonicalize().ok()?;
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(1) {
            let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
            for fd in fds.flatten() {
                let Ok(target) = std::fs::read_link(fd.path()) else { continue };
                let ours = target.parent() == Some(dir.as_path())
                    && target.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("tmp_pack_"));
                if ours {
                    let meta = std::fs::metadata(fd.path()).ok()?;
                    return Some(GitTemp { path: target, dev: meta.dev(), ino: meta.ino() });
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        None
    }

    /// Removes the file if its name still leads to it.
    fn remove(&self) {
        use std::os::unix::fs::MetadataExt;
        if std::fs::symlink_metadata(&self.path).is_ok_and(|m| m.dev() == self.dev && m.ino() == self.ino) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Removes the temporary packs of index-pack runs whose fetch was killed:
/// each named in a `tmp_pack_nip_*.git-temp` file whose lock is free (its
/// helper is gone); the `.git-temp` file itself is left to
/// [`crate::pack::clean_leftovers`], which calls this first, so that the
/// marker is read before it is removed.
pub(crate) fn clean_git_temps(pack_dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(pack_dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with("tmp_pack_nip_") && name.ends_with(".git-temp")) {
            continue;
        }
        let Ok(file) = std::fs::File::open(entry.path()) else { continue };
        if file.try_lock().is_err() {
            continue;
        }
        let Ok(named) = std::fs::read_to_string(entry.path()) else { continue };
        let named = PathBuf::from(named);
        let in_dir = named.parent().and_then(|p| p.canonicalize().ok()) == pack_dir.canonicalize().ok();
        let git_name = named
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("tmp_pack_") && !n.starts_with("tmp_pack_nip_"));
        if in_dir
            && git_name
            && std::fs::symlink_metadata(&named).is_ok_and(|m| m.is_file())
            && std::fs::remove_file(&named).is_ok()
        {
            log::info!("removed {}, the temporary pack of an index-pack whose fetch was killed", named.display());
        }
    }
}

/// Why [`splice`] stopped.
enum Spliced {
    /// A pack failed nip's checks, or could not be read.
    Refused(Error),
    /// Writing to index-pack failed: it stopped reading (what it says
    /// when it exits is the cause).
    Stopped(std::io::Error),
}

/// Writes `packs` (each with its number in the packs list) as one pack of
/// `count` objects into `out`: a header, the entries of each pack in order,
/// and the SHA-1 of all of it. Each pack's own header must say the objects
/// its entry says, and its own checksum must match its bytes.
fn splice(remote: &Remote<'_>, packs: &[(usize, PackEntry)], count: u32, out: &mut dyn Write) -> Result<(), Spliced> {
    let mut total = Sha1::new();
    let mut header = *b"PACK\0\0\0\x02\0\0\0\0";
    header[8..].copy_from_slice(&count.to_be_bytes());
    total.update(header);
    let broken = Spliced::Stopped;
    out.write_all(&header).map_err(broken)?;
    for (n, p) in packs {
        let n = *n;
        let damaged =
            |why: Damage| Error::from(PackFetchError::Damaged { pack: n, cid: Box::new(p.pack), url: remote.url(), why });
        if p.bytes < 32 {
            return Err(Spliced::Refused(damaged(Damage::Short { bytes: p.bytes })));
        }
        let body_end = p.bytes - 20;
        let mut own = Sha1::new();
        let mut at = 0u64;
        let mut head = Vec::with_capacity(12);
        let mut trailer = Vec::with_capacity(20);
        let mut failed: Option<Error> = None;
        let mut sink = |chunk: &[u8]| -> std::io::Result<()> {
            let start = at;
            at += chunk.len() as u64;
            let own_part = &chunk[..(body_end.saturating_sub(start).min(chunk.len() as u64)) as usize];
            own.update(own_part);
            // Header bytes of this pack: kept for the check, not sent.
            let body_from = 12u64.saturating_sub(start).min(chunk.len() as u64) as usize;
            head.extend_from_slice(&chunk[..body_from]);
            let body_to = (body_end.saturating_sub(start).min(chunk.len() as u64) as usize).max(body_from);
            let body = &chunk[body_from..body_to];
            trailer.extend_from_slice(&chunk[body_to..]);
            if head.len() == 12 && start < 12 {
                let declared = u32::from_be_bytes([head[8], head[9], head[10], head[11]]) as u64;
                if &head[..8] != b"PACK\0\0\0\x02" || declared != p.objects {
                    failed = Some(damaged(Damage::Header { objects: p.objects }));
                    return Err(std::io::Error::other("damaged pack"));
                }
            }
            total.update(body);
            out.write_all(body)
        };
        let read = crate::unixfs::read(&remote.blocks, &p.pack, None, p.bytes, &mut sink);
        if let Some(e) = failed {
            return Err(Spliced::Refused(e));
        }
        read.map_err(|e| match e {
            crate::unixfs::UnixfsError::Sink(io) => broken(io),
            e => Spliced::Refused(PackFetchError::Read { pack: n, url: remote.url(), error: Box::new(e) }.into()),
        })?;
        if trailer.as_slice() != own.finalize().as_slice() {
            return Err(Spliced::Refused(damaged(Damage::Checksum)));
        }
    }
    out.write_all(&total.finalize()).map_err(broken)?;
    Ok(())
}

/// Where a limit comes from, for messages.
fn source(s: &crate::limits::Source) -> String {
    match s {
        crate::limits::Source::Set(from) => format!("set by {from}"),
        crate::limits::Source::Default => "the default".into(),
        crate::limits::Source::FreeSpace(dir) => format!("the space free on the file system of {dir}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::local::LocalStore;
    use crate::store::BlockStore;

    /// `bytes` stored as a UnixFS file, as a packs list entry of `objects`.
    fn stored(store: &LocalStore, bytes: &[u8], objects: u64) -> PackEntry {
        let mut builder = crate::unixfs::FileBuilder::new();
        let mut w = store.writer().unwrap();
        w.put(builder.chunk(bytes.to_vec())).unwrap();
        let (rest, root) = builder.finish();
        for b in rest {
            w.put(b).unwrap();
        }
        w.finish(&root, None).unwrap();
        PackEntry { pack: root, tips: None, bytes: bytes.len() as u64, tipset: None, objects }
    }

    fn pack_of(count: u32, body: &[u8]) -> Vec<u8> {
        let mut p = b"PACK\0\0\0\x02".to_vec();
        p.extend_from_slice(&count.to_be_bytes());
        p.extend_from_slice(body);
        let sum = Sha1::digest(&p);
        p.extend_from_slice(&sum);
        p
    }

    fn damage(remote: &Remote<'_>, entry: PackEntry) -> (usize, Damage) {
        let mut out = Vec::new();
        match splice(remote, &[(3, entry.clone())], 1, &mut out) {
            Err(Spliced::Refused(Error::PackFetch(PackFetchError::Damaged { pack, cid, url, why }))) => {
                assert_eq!((*cid, url), (entry.pack, remote.url()));
                (pack, why)
            }
            Err(Spliced::Refused(e)) => panic!("not a damaged pack: {e:?}"),
            Err(Spliced::Stopped(e)) => panic!("stopped: {e}"),
            Ok(()) => panic!("spliced"),
        }
    }

    #[test]
    fn a_damaged_pack_is_named_with_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let remote = Remote::open_index(&store, crate::address::Address::New, None).unwrap();
        let short = stored(&store, b"PACK", 1);
        assert_eq!(damage(&remote, short), (3, Damage::Short { bytes: 4 }));
        let good = pack_of(2, &[0u8; 40]);
        assert_eq!(damage(&remote, stored(&store, &good, 1)), (3, Damage::Header { objects: 1 }));
        let mut bad_sum = good.clone();
        *bad_sum.last_mut().unwrap() ^= 1;
        let entry = stored(&store, &bad_sum, 2);
        let cid = entry.pack;
        assert_eq!(damage(&remote, entry), (3, Damage::Checksum));
        let err = PackFetchError::Damaged { pack: 3, cid: Box::new(cid), url: remote.url(), why: Damage::Checksum };
        assert_eq!(
            err.to_string(),
            format!("pack 3 ({cid}) of {} is damaged: its checksum does not match its bytes; nothing was fetched", remote.url())
        );
        // An honest pack splices.
        let mut out = Vec::new();
        assert!(splice(&remote, &[(0, stored(&store, &good, 2))], 2, &mut out).is_ok());
        assert_eq!(out, good);
    }
}
