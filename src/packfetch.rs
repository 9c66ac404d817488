//! What `git fetch` and `git clone` do with a format 2 repository: fetch
//! the packs the local repository lacks and let `git index-pack` index them.
//!
//! 1. **Which packs.** A clone takes every pack. A fetch walks the
//!    `previous` indexes (at most [`WALK`]) to the newest one whose every
//!    ref the local repository already has: it holds everything reachable
//!    from those refs, so only the packs pushed after that index are needed.
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
//!    A failure anywhere leaves no ref moved: git updates refs only after the
//!    helper answered.
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

/// How many earlier indexes a fetch looks at for one whose refs it has.
pub const WALK: usize = 64;

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
    let start = if repo.references()?.next().is_none() { 0 } else { held_packs(remote, &local).map_err(context)? };
    log::info!("{} packs in {url}; the local repository holds the first {start}", packs.len());
    let objects_dir = objects_dir(repo);
    let pack_dir = objects_dir.join("pack");
    std::fs::create_dir_all(&pack_dir)
        .map_err(|e| context(Error::from(e).context(format!("creating {}", pack_dir.display()))))?;
    crate::pack::clean_leftovers(&pack_dir);
    let config = crate::config::Settings::of(Some(repo));
    let limits = crate::limits::FetchLimits::read(Some(&config), &pack_dir).map_err(context)?;

    // What a failed fetch wrote is removed again: nothing is left but what
    // was there.
    let before = pack_dir_names(&pack_dir);
    let fetched = fetch_packs(repo, remote, &packs, start, &missing, &limits, progress).map_err(context);
    if fetched.is_err() {
        remove_new_files(&pack_dir, &before);
    }
    fetched
}

/// The names in an `objects/pack` directory.
fn pack_dir_names(dir: &std::path::Path) -> std::collections::HashSet<std::ffi::OsString> {
    std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.file_name()).collect()).unwrap_or_default()
}

/// Removes from `dir` the packs, indexes and `git index-pack` temporary
/// files that are not in `before`: those a failed fetch wrote (a pack
/// indexed before the fetch found objects missing, the `tmp_pack_*` of an
/// index-pack whose input was cut short).
fn remove_new_files(dir: &std::path::Path, before: &std::collections::HashSet<std::ffi::OsString>) {
    for name in pack_dir_names(dir) {
        let ours = name.to_str().is_some_and(|n| ["tmp_pack_", "tmp_idx_", "tmp_rev_", "pack-"].iter().any(|p| n.starts_with(p)));
        if ours && !before.contains(&name) {
            let path = dir.join(&name);
            match std::fs::remove_file(&path) {
                Ok(()) => log::info!("removed {}, written by this failed fetch", path.display()),
                Err(e) => log::warn!("could not remove {}: {e}", path.display()),
            }
        }
    }
}

/// The packs from number `start` on, then (if objects are still missing)
/// the ones before it, into `git index-pack`.
fn fetch_packs(
    repo: &Repository,
    remote: &Remote<'_>,
    packs: &[PackEntry],
    start: usize,
    missing: &[Oid],
    limits: &crate::limits::FetchLimits,
    progress: bool,
) -> Result<Fetched, Error> {
    let start = start.min(packs.len());
    let mut keep = index_packs(repo, remote, &packs[start..], start, limits, progress)?;
    let mut outcome = FetchOutcome::default();
    for p in &packs[start.min(packs.len())..] {
        outcome.objects += p.objects;
        outcome.bytes += p.bytes;
    }
    if start > 0 && !connected(repo, missing) {
        log::info!("the newer packs leave objects missing; fetching the {start} older ones too");
        let older = index_packs(repo, remote, &packs[..start], 0, limits, progress)?;
        if let (Some(first), Some(_)) = (&keep, &older) {
            let _ = std::fs::remove_file(first);
        }
        keep = older.or(keep);
        for p in &packs[..start] {
            outcome.objects += p.objects;
            outcome.bytes += p.bytes;
        }
    }
    let odb = repo.odb()?;
    odb.refresh()?;
    if let Some(w) = missing.iter().find(|w| !odb.exists(**w)) {
        if let Some(k) = &keep {
            let _ = std::fs::remove_file(k);
        }
        // A ref's own object missing from the packs: the repository is
        // damaged (its packs do not hold what its refs name), which "not in
        // this repository" would not say.
        let named = remote.refs().iter().find(|(_, h)| h.oid() == *w).map(|(n, _)| n.clone());
        return Err(match named {
            Some(name) => Error::Other(format!(
                "its packs do not hold object {w}, which its ref {name} names: the repository is damaged; nothing was fetched"
            )),
            None => Error::NotInRepository { oid: w.to_string() },
        });
    }
    Ok(Fetched { outcome, keep })
}

/// `$GIT_OBJECT_DIRECTORY` if git set it, else the repository's (the
/// common one for a linked worktree).
fn objects_dir(repo: &Repository) -> PathBuf {
    std::env::var_os("GIT_OBJECT_DIRECTORY").map(PathBuf::from).unwrap_or_else(|| repo.commondir().join("objects"))
}

/// How many of the first packs the local repository holds every object of:
/// the pack count of the newest index (the current one or one of [`WALK`]
/// before it) whose every ref the repository has.
fn held_packs(remote: &Remote<'_>, local: &dyn Fn(Oid) -> bool) -> Result<usize, Error> {
    let Some((_, current)) = &remote.index else { return Ok(0) };
    let mut at = current.prev;
    for _ in 0..WALK {
        let Some(cid) = at else { return Ok(0) };
        let index = records::read_index(&remote.blocks, &cid)?;
        let Some(links) = index.v2 else { return Ok(0) };
        if index.refs.iter().all(|(_, h)| local(h.oid())) {
            return Ok(match links.packs {
                Some(root) => records::read_packs(&remote.blocks, &root)?.len(),
                None => 0,
            });
        }
        at = index.prev;
    }
    Ok(0)
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

/// Streams `packs` (numbered from `first` in the packs list), spliced into
/// one pack, into `git index-pack`; returns the `.keep` of the pack it
/// wrote (`None` for no packs).
fn index_packs(
    repo: &Repository,
    remote: &Remote<'_>,
    packs: &[PackEntry],
    first: usize,
    limits: &crate::limits::FetchLimits,
    progress: bool,
) -> Result<Option<PathBuf>, Error> {
    if packs.is_empty() {
        return Ok(None);
    }
    let bytes: u64 = packs.iter().map(|p| p.bytes).fold(0, u64::saturating_add);
    let objects: u64 = packs.iter().map(|p| p.objects).fold(0, u64::saturating_add);
    if bytes > limits.bytes.value {
        return Err(Error::Limit(format!(
            "this fetch needs {} packs of {} in all, more than {} (nip.maxFetchBytes, {}); if you trust this address, \
             raise it (`git -c nip.maxFetchBytes=200g clone …`, git config nip.maxFetchBytes, or NIP_MAX_FETCH_BYTES; \
             0 for no limit); nothing was written",
            packs.len(),
            crate::limits::human(bytes),
            crate::limits::human(limits.bytes.value),
            source(&limits.bytes.source)
        )));
    }
    if objects > limits.objects.value {
        return Err(Error::Limit(format!(
            "this fetch needs {objects} objects, more than {} (nip.maxFetchObjects, {}); if you trust this address, \
             raise it (git config nip.maxFetchObjects, or NIP_MAX_FETCH_OBJECTS; 0 for no limit); nothing was written",
            limits.objects.value,
            source(&limits.objects.source)
        )));
    }
    let count = u32::try_from(objects).map_err(|_| Error::Other(format!("{objects} objects do not fit in one git pack")))?;
    let keep_text = crate::pack::keep_text();
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir").arg(repo.path()).args(["index-pack", "--stdin", "--fix-thin"]);
    cmd.arg(format!("--keep={}", keep_text.trim_end()));
    cmd.arg(format!("--max-input-size={}", bytes.saturating_add(12)));
    let strict =
        repo.config().ok().and_then(|c| c.get_bool("fetch.fsckObjects").ok().or_else(|| c.get_bool("transfer.fsckObjects").ok()));
    if strict == Some(true) {
        cmd.arg("--strict");
    }
    if progress {
        cmd.arg("-v");
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::from(e).context("starting git index-pack"))?;
    let mut stdin = child.stdin.take().ok_or_else(|| Error::Other("git index-pack has no stdin".into()))?;
    let mut stderr = child.stderr.take().ok_or_else(|| Error::Other("git index-pack has no stderr".into()))?;
    let mut stdout = child.stdout.take().ok_or_else(|| Error::Other("git index-pack has no stdout".into()))?;
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
        let sent = splice(remote, packs, first, count, &mut stdin);
        drop(stdin);
        (sent, messages.join().unwrap_or_default(), answer.join().unwrap_or_default())
    });
    let status = child.wait().map_err(|e| Error::from(e).context("waiting for git index-pack"))?;
    let last = said.lines().rev().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_string();
    // A pack that failed its own checks is the first cause; index-pack then
    // only saw its input end early.
    sent?;
    if !status.success() {
        return Err(Error::Other(format!(
            "git index-pack refused the objects of {} ({status}: {}); nothing was fetched",
            remote.url(),
            crate::protocol::one_line(&last)
        )));
    }
    let name = answer
        .lines()
        .find_map(|l| l.strip_prefix("keep\t").or_else(|| l.strip_prefix("pack\t")))
        .map(str::trim)
        .filter(|h| h.len() >= 40 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| Error::Other(format!("git index-pack did not name the pack it wrote ({:?})", answer.trim())))?;
    Ok(Some(objects_dir(repo).join("pack").join(format!("pack-{name}.keep"))))
}

/// Writes `packs` (numbered from `first`) as one pack of `count` objects into `out`: a header, the
/// entries of each pack in order, and the SHA-1 of all of it. Each pack's
/// own header must say the objects its entry says, and its own checksum
/// must match its bytes.
fn splice(remote: &Remote<'_>, packs: &[PackEntry], first: usize, count: u32, out: &mut dyn Write) -> Result<(), Error> {
    let mut total = Sha1::new();
    let mut header = *b"PACK\0\0\0\x02\0\0\0\0";
    header[8..].copy_from_slice(&count.to_be_bytes());
    total.update(header);
    let broken = |e: std::io::Error| Error::Other(format!("git index-pack stopped reading ({e})"));
    out.write_all(&header).map_err(broken)?;
    for (n, p) in packs.iter().enumerate() {
        let n = first + n;
        let damaged = |why: String| {
            Error::Other(format!("pack {n} ({}) of {} is damaged: {why}; nothing was fetched", p.pack, remote.url()))
        };
        if p.bytes < 32 {
            return Err(damaged(format!("it is {} bytes, less than a pack's header and checksum", p.bytes)));
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
                    failed = Some(damaged(format!(
                        "its header is not a version 2 pack of {} objects, as the packs list says",
                        p.objects
                    )));
                    return Err(std::io::Error::other("damaged pack"));
                }
            }
            total.update(body);
            out.write_all(body)
        };
        let read = crate::unixfs::read(&remote.blocks, &p.pack, None, p.bytes, &mut sink);
        if let Some(e) = failed {
            return Err(e);
        }
        read.map_err(|e| match e {
            crate::unixfs::UnixfsError::Sink(io) => broken(io),
            e => Error::from(e).context(format!("reading pack {n} of {}", remote.url())),
        })?;
        if trailer.as_slice() != own.finalize().as_slice() {
            return Err(damaged("its checksum does not match its bytes".into()));
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
