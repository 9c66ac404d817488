//! What `git push` does: decide each ref, find what the remote lacks, store
//! it, and write one new index for the whole push.
//!
//! 1. Each command is checked like a git server checks it: a ref update
//!    without `+` must fast-forward (else `non-fast-forward`, or `fetch first`
//!    when the remote's commit is unknown here), an existing tag is not moved
//!    without `+` (`already exists`). A refused ref does not stop the others.
//! 2. The objects to store go into one git pack, made by the real `git
//!    pack-objects` (which reuses the deltas already on disk): everything
//!    reachable from the new tips and not from the remote's tips. A push onto
//!    an existing repository makes a *thin* pack: deltas may name bases in
//!    earlier packs, so a one-line change costs a delta, not the file. The
//!    pack streams into the store as a UnixFS file as it is made.
//! 3. `git index-pack` gives the offset of every object in the pack; each
//!    object becomes a record (its NIPObject: type, size, links, pack and
//!    offset) in the object map. The changed map shards, the packs list, the
//!    refs trie and the new index go into the same write session of the
//!    store. The address changes only after the session has finished, so a
//!    failed push leaves the remote as it was.

use crate::format::{Counts, Hash, IndexLinks, NipIndex, ObjectType};
use crate::records::{self, PackEntry, Record, RecordLinks};
use crate::remote::Remote;
use crate::store::{BlockWriter, WriteStats};
use crate::trie::{self, Trie};
use crate::unixfs::{FileBuilder, CHUNK};
use crate::Error;
use cid::Cid;
use git2::{Oid, Repository};
use std::collections::{BTreeMap, HashSet};

/// One `push` line: `[+]<src>:<dst>`, or `:<dst>` to delete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushCommand {
    pub src: Option<String>,
    pub dst: String,
    pub force: bool,
}

impl PushCommand {
    pub fn parse(spec: &str) -> Result<PushCommand, Error> {
        let (force, spec) = match spec.strip_prefix('+') {
            Some(s) => (true, s),
            None => (false, spec),
        };
        let (src, dst) = spec.split_once(':').ok_or_else(|| Error::Other(format!("push refspec {spec:?} has no ':<dst>'")))?;
        if dst.is_empty() {
            return Err(Error::Other(format!("push refspec {spec:?} has an empty destination")));
        }
        crate::refname::check(dst).map_err(|why| {
            Error::Other(format!(
                "cannot push to {dst:?}: it is not a valid git ref name (it {why}); push to a full name such as refs/heads/main"
            ))
        })?;
        let src = (!src.is_empty()).then(|| src.to_string());
        Ok(PushCommand { src, dst: dst.to_string(), force })
    }
}

/// Options git gave for this push.
#[derive(Clone, Debug, Default)]
pub struct PushOptions {
    pub dry_run: bool,
    pub progress: bool,
    /// `option atomic true`: if any ref is refused, none is updated.
    pub atomic: bool,
    /// `option cas <ref>:<expected>` (`--force-with-lease`), by destination
    /// ref: what the ref must be now (`None`: it must not exist). A lease
    /// that holds forces the update; one that does not refuses it.
    pub leases: BTreeMap<String, Option<Hash>>,
}

/// Why a deletion of the ref the remote's HEAD names is refused (git's
/// receive-pack says the same of the current branch).
pub const HEAD_DELETION_REFUSED: &str = "deletion of the current branch prohibited";
/// What the other refs of an atomic push that cannot be whole say (as git
/// servers say it).
pub const ATOMIC_FAILED: &str = "atomic push failed";

/// What a push did.
#[derive(Debug, Default)]
pub struct PushOutcome {
    /// Per destination ref: `Ok` or git's reason for refusing it.
    pub statuses: Vec<(String, Result<(), String>)>,
    /// The new index, if one was written.
    pub new_index: Option<Cid>,
    /// Git objects stored by this push.
    pub objects: Counts,
    pub stats: WriteStats,
    /// The remote's HEAD before and in the new index, when they differ
    /// (the branch HEAD named was deleted by force).
    pub head_moved: Option<(String, Option<String>)>,
}

/// Runs a push of `commands` from `repo` to `remote`: one new index, written
/// through the remote's store, for all of them.
pub fn push(repo: &Repository, remote: &Remote<'_>, commands: &[PushCommand], opts: PushOptions) -> Result<PushOutcome, Error> {
    let mut refs: BTreeMap<String, Hash> = remote.refs().iter().cloned().collect();
    let before = refs.clone();
    let mut outcome = PushOutcome::default();
    let mut tips = Vec::new();
    for cmd in commands {
        let lease = opts.leases.get(&cmd.dst).copied();
        let status = decide(repo, &mut refs, cmd, lease, remote.head(), &mut tips);
        outcome.statuses.push((cmd.dst.clone(), status));
    }
    if opts.atomic && outcome.statuses.iter().any(|(_, s)| s.is_err()) {
        // One index per push is all or nothing already: write none.
        for (_, status) in outcome.statuses.iter_mut().filter(|(_, s)| s.is_ok()) {
            *status = Err(ATOMIC_FAILED.to_string());
        }
        return Ok(outcome);
    }
    if refs == before && (remote.index.is_some() || tips.is_empty()) {
        // Nothing changes: no new index, the address stays.
        return Ok(outcome);
    }
    let head = choose_head(repo, remote.head(), &refs);
    if let Some(old) = remote.head().filter(|h| before.contains_key(*h) && head.as_deref() != Some(*h)) {
        outcome.head_moved = Some((old.to_string(), head.clone()));
    }
    if refs.len() > records::MAX_REFS {
        return Err(Error::Other(format!("this push would leave {} refs; nip holds at most {}", refs.len(), records::MAX_REFS)));
    }
    if opts.dry_run {
        return Ok(outcome);
    }

    let stored = store(repo, remote, refs, head, &tips, false, opts.progress)?;
    outcome.objects = stored.objects;
    outcome.stats = stored.stats;
    outcome.new_index = Some(stored.index);
    Ok(outcome)
}

/// What [`store`] wrote.
#[derive(Debug)]
pub struct Stored {
    pub index: Cid,
    /// Objects new to the remote.
    pub objects: Counts,
    pub stats: WriteStats,
}

/// Rewrites the repository at `remote` (format 2) as one pack of all its
/// objects (`repo` must hold them: a clone of it) under a new index with the
/// same refs and HEAD, whose `previous` is the current index. The earlier
/// indexes keep their packs: the storage they take is freed only where
/// nothing pins them any more.
pub fn repack(repo: &Repository, remote: &Remote<'_>, progress: bool) -> Result<Stored, Error> {
    let Some((_, index)) = &remote.index else {
        return Err(Error::Other(format!("{} has no index yet: nothing to repack", remote.url())));
    };
    let refs: BTreeMap<String, Hash> = index.refs.iter().cloned().collect();
    let tips: Vec<Oid> = refs.values().map(|h| h.oid()).collect();
    store(repo, remote, refs, index.head.clone(), &tips, true, progress)
}

/// Stores a push: the pack of what `tips` add to the remote (all of their
/// objects if `fresh`, as for a format 1 remote), its records, the packs
/// list, the refs trie of `refs` and a new index with HEAD `head`, in one
/// write session.
fn store(
    repo: &Repository,
    remote: &Remote<'_>,
    refs: BTreeMap<String, Hash>,
    head: Option<String>,
    tips: &[Oid],
    fresh: bool,
    progress: bool,
) -> Result<Stored, Error> {
    let mut writer = remote.blocks.store().writer()?;
    // What the remote holds in format 2 (a format 1 remote is written over
    // in format 2 from scratch: its history stays linked as `previous`).
    let base = remote.index.as_ref().filter(|_| !fresh).and_then(|(_, i)| i.v2.map(|links| (i, links)));
    let negatives: Vec<Oid> = match base {
        Some(_) => {
            let odb = repo.odb()?;
            let mut n: Vec<Oid> = remote.refs().iter().map(|(_, h)| h.oid()).filter(|o| odb.exists(*o)).collect();
            n.sort();
            n.dedup();
            n
        }
        None => Vec::new(),
    };
    let packs = match base.and_then(|(_, l)| l.packs) {
        Some(root) => records::read_packs(&remote.blocks, &root)?,
        None => Vec::new(),
    };
    let started = std::time::Instant::now();
    let mut tips_sorted = tips.to_vec();
    tips_sorted.sort();
    tips_sorted.dedup();
    let made = make_pack(repo, &tips_sorted, &negatives, writer.as_mut(), progress)?;
    log::info!("pack of {} objects, {} bytes, in {:.2}s", made.objects.len(), made.bytes, started.elapsed().as_secs_f64());

    let map: Trie<'_, Record> = Trie::new(&remote.blocks, records::OBJECTS, base.map(|(i, _)| i.objects));
    let mut counts = base.map(|(i, _)| i.counts).unwrap_or_default();
    let mut objects = Counts::default();
    let mut packs_root = base.and_then(|(_, l)| l.packs);
    let objects_root = if made.objects.is_empty() {
        match map.root() {
            Some(root) => root,
            None => {
                let empty = records::OBJECTS.empty()?;
                let cid = empty.cid;
                writer.put(empty)?;
                cid
            }
        }
    } else {
        let number = u32::try_from(packs.len()).map_err(|_| Error::Other("too many packs in one repository".into()))?;
        // Objects the remote has already (a pack may repeat a few) keep
        // their records; the rest are new.
        let keys: Vec<[u8; 20]> = made.objects.iter().map(|(h, _)| h.0).collect();
        let known: Vec<bool> = map.lookup_many(&keys)?.into_iter().map(|r| r.is_some()).collect();
        let fresh: Vec<(Hash, u64)> = made.objects.iter().zip(known).filter(|(_, k)| !k).map(|(o, _)| *o).collect();
        let records = make_records(repo, &fresh, number)?;
        for (r, _) in &records {
            counts.add(r.kind);
        }
        objects = count_kinds(&records);
        let root = map.insert(records, &mut |b| writer.put(b))?;
        let entry = PackEntry { pack: made.root, bytes: made.bytes, objects: made.objects.len() as u64 };
        packs_root = Some(records::append_pack(&remote.blocks, packs_root.as_ref(), entry, &mut |b| writer.put(b))?);
        root
    };
    let refs: Vec<(String, Hash)> = refs.into_iter().collect();
    let known_refs = match remote.index.as_ref().and_then(|(_, i)| i.v2) {
        Some(l) => remote.refs_blocks.clone().unwrap_or_else(|| std::iter::once(l.refs).collect()),
        None => Default::default(),
    };
    let refs_root = records::write_refs(&refs, &known_refs, &mut |b| writer.put(b))?;
    let index = NipIndex {
        head,
        prev: remote.index.as_ref().map(|(c, _)| *c),
        refs,
        counts,
        objects: objects_root,
        v2: Some(IndexLinks { refs: refs_root, packs: packs_root }),
    };
    let block = index.to_block()?;
    let cid = block.cid;
    writer.put(block)?;
    let stats = writer.finish(&cid, remote.index.as_ref().map(|(c, _)| c))?;
    Ok(Stored { index: cid, objects, stats })
}

fn count_kinds(records: &[(Record, usize)]) -> Counts {
    let mut c = Counts::default();
    for (r, _) in records {
        c.add(r.kind);
    }
    c
}

/// Applies one command to `refs` the way a git server would. `lease` is
/// what `--force-with-lease` expects the ref to be now (`Some(None)`: not
/// there): if it is, the update is forced; if not, it is refused (`stale
/// info`). `head` is the ref the remote's HEAD names: deleting it takes
/// force (a lease that holds, or `+`).
fn decide(
    repo: &Repository,
    refs: &mut BTreeMap<String, Hash>,
    cmd: &PushCommand,
    lease: Option<Option<Hash>>,
    head: Option<&str>,
    tips: &mut Vec<Oid>,
) -> Result<(), String> {
    let mut force = cmd.force;
    if let Some(expected) = lease {
        if refs.get(&cmd.dst).copied() != expected {
            return Err("stale info".into());
        }
        force = true;
    }
    let Some(src) = &cmd.src else {
        if head == Some(cmd.dst.as_str()) && refs.contains_key(&cmd.dst) && !force {
            return Err(HEAD_DELETION_REFUSED.into());
        }
        refs.remove(&cmd.dst);
        return Ok(());
    };
    let new = repo.revparse_single(src).map_err(|e| format!("cannot resolve {src}: {}", e.message()))?.id();
    let old = refs.get(&cmd.dst).map(|h| h.oid());
    if old == Some(new) {
        return Ok(());
    }
    if let (Some(old), false) = (old, force) {
        if cmd.dst.starts_with("refs/tags/") {
            return Err("already exists".into());
        }
        if !repo.odb().map(|o| o.exists(old)).unwrap_or(false) {
            return Err("fetch first".into());
        }
        let peel = |oid| repo.find_object(oid, None).and_then(|o| o.peel_to_commit()).map(|c| c.id());
        let ff = match (peel(old), peel(new)) {
            (Ok(o), Ok(n)) => o == n || descends(repo, n, o),
            _ => false,
        };
        if !ff {
            return Err("non-fast-forward".into());
        }
    }
    refs.insert(cmd.dst.clone(), Hash::from(new));
    tips.push(new);
    Ok(())
}

/// Whether commit `new` has `old` in its history. A push usually adds a few
/// commits on top of the remote's: walking back from `new` finds `old`
/// within them, where libgit2's merge-base search (without a commit-graph
/// file) read thousands of commits, 0.3 s of a one-commit push at 50,000
/// commits. Past [`DESCENDS_BUDGET`] commits it asks libgit2.
fn descends(repo: &Repository, new: Oid, old: Oid) -> bool {
    let mut seen = HashSet::from([new]);
    let mut queue = std::collections::VecDeque::from([new]);
    while let Some(oid) = queue.pop_front() {
        if seen.len() > DESCENDS_BUDGET {
            return repo.graph_descendant_of(new, old).unwrap_or(false);
        }
        let Ok(commit) = repo.find_commit(oid) else {
            // History cut short here (a shallow clone): let libgit2 decide.
            return repo.graph_descendant_of(new, old).unwrap_or(false);
        };
        for parent in commit.parent_ids() {
            if parent == old {
                return true;
            }
            if seen.insert(parent) {
                queue.push_back(parent);
            }
        }
    }
    false
}

/// Commits [`descends`] walks before it leaves the answer to libgit2.
const DESCENDS_BUDGET: usize = 1000;

/// Picks the ref HEAD names in the new index: the remote's if it still
/// exists, else the pushing repository's HEAD branch, else main, master, or
/// the first branch.
fn choose_head(repo: &Repository, old: Option<&str>, refs: &BTreeMap<String, Hash>) -> Option<String> {
    let local = repo.find_reference("HEAD").ok().and_then(|r| r.symbolic_target().ok().flatten().map(str::to_string));
    let candidates = [old.map(str::to_string), local, Some("refs/heads/main".into()), Some("refs/heads/master".into())];
    candidates
        .into_iter()
        .flatten()
        .find(|r| refs.contains_key(r))
        .or_else(|| refs.keys().find(|r| r.starts_with("refs/heads/")).cloned())
}

/// Writes a new index for `remote` whose HEAD names `branch` (`main` or
/// `refs/heads/main`, a branch the remote has), with the same refs and
/// objects and the current index as its previous. Returns the full name
/// and the new index, `None` if HEAD names that branch already.
pub fn set_head(remote: &Remote<'_>, branch: &str) -> Result<(String, Option<Cid>), Error> {
    let Some((prev, index)) = &remote.index else {
        return Err(Error::Other(format!("{} has no refs yet: push a branch first", remote.url())));
    };
    let full = if branch.starts_with("refs/") { branch.to_string() } else { format!("refs/heads/{branch}") };
    if !full.starts_with("refs/heads/") {
        return Err(Error::Other(format!("HEAD must name a branch (refs/heads/...), not {full}")));
    }
    if !index.refs.iter().any(|(n, _)| *n == full) {
        let branches: Vec<&str> = index.refs.iter().filter_map(|(n, _)| n.strip_prefix("refs/heads/")).take(20).collect();
        return Err(Error::Other(format!(
            "{} has no branch {full}; push it first (its branches: {})",
            remote.url(),
            if branches.is_empty() { "none".to_string() } else { branches.join(", ") }
        )));
    }
    if index.head.as_deref() == Some(full.as_str()) {
        return Ok((full, None));
    }
    let new = NipIndex { head: Some(full.clone()), prev: Some(*prev), ..index.clone() };
    let block = new.to_block()?;
    let cid = block.cid;
    let mut writer = remote.blocks.store().writer()?;
    writer.put(block)?;
    writer.finish(&cid, Some(prev))?;
    Ok((full, Some(cid)))
}

/// The pack a push made: its root in the store, its length, and the offset
/// of every object it holds (sorted by hash).
struct MadePack {
    root: Cid,
    bytes: u64,
    objects: Vec<(Hash, u64)>,
}

/// Runs `git pack-objects` for `tips` minus `negatives` (thin when there are
/// negatives), streams the pack into `writer` as a UnixFS file, and has
/// `git index-pack` find where each object starts. A pack of no objects is
/// not stored.
fn make_pack(
    repo: &Repository,
    tips: &[Oid],
    negatives: &[Oid],
    writer: &mut dyn BlockWriter,
    progress: bool,
) -> Result<MadePack, Error> {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let git_dir = repo.path().to_path_buf();
    let tmp = tempfile::Builder::new()
        .prefix("nip-push-")
        .tempdir()
        .map_err(|e| Error::from(e).context("creating a temporary directory for the push's pack"))?;
    let thin = !negatives.is_empty();
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir").arg(&git_dir).args(["pack-objects", "--revs", "--stdout", "--delta-base-offset"]);
    if thin {
        cmd.arg("--thin");
    }
    cmd.arg(if progress { "--progress" } else { "-q" });
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::from(e).context("starting git pack-objects"))?;
    let mut input = String::with_capacity((tips.len() + negatives.len()) * 42);
    for t in tips {
        input.push_str(&format!("{t}\n"));
    }
    for n in negatives {
        input.push_str(&format!("^{n}\n"));
    }
    let mut stdin = child.stdin.take().ok_or_else(|| Error::Other("git pack-objects has no stdin".into()))?;
    let mut stdout = child.stdout.take().ok_or_else(|| Error::Other("git pack-objects has no stdout".into()))?;
    let pack_path = tmp.path().join("push.pack");
    let streamed = std::thread::scope(|scope| -> Result<(u64, Option<Cid>, [u8; 12]), Error> {
        let feeder = scope.spawn(move || stdin.write_all(input.as_bytes()));
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(&pack_path).map_err(|e| Error::from(e).context(format!("creating {}", pack_path.display())))?,
        );
        let mut builder = FileBuilder::new();
        let mut total = 0u64;
        let mut header = [0u8; 12];
        let mut held: Option<Vec<u8>> = None;
        loop {
            let mut chunk = Vec::with_capacity(CHUNK);
            (&mut stdout)
                .take(CHUNK as u64)
                .read_to_end(&mut chunk)
                .map_err(|e| Error::from(e).context("reading git pack-objects"))?;
            if chunk.is_empty() {
                break;
            }
            if total == 0 {
                let n = chunk.len().min(12);
                header[..n].copy_from_slice(&chunk[..n]);
            }
            total += chunk.len() as u64;
            file.write_all(&chunk).map_err(|e| Error::from(e).context(format!("writing {}", pack_path.display())))?;
            // The first chunk waits until the pack is known not to be empty.
            if let Some(first) = held.take() {
                writer.put(builder.chunk(first))?;
            }
            held = Some(chunk);
        }
        file.flush().map_err(|e| Error::from(e).context(format!("writing {}", pack_path.display())))?;
        let fed = feeder.join().map_err(|_| Error::Other("the thread feeding git pack-objects panicked".into()))?;
        let empty = u32::from_be_bytes([header[8], header[9], header[10], header[11]]) == 0;
        let root = match (held, empty) {
            (Some(last), false) => {
                writer.put(builder.chunk(last))?;
                let (rest, root) = builder.finish();
                for b in rest {
                    writer.put(b)?;
                }
                Some(root)
            }
            _ => None,
        };
        if let Err(e) = fed {
            // pack-objects stopped reading: its exit status says why.
            log::info!("git pack-objects stopped reading its input: {e}");
        }
        Ok((total, root, header))
    });
    let status = child.wait().map_err(|e| Error::from(e).context("waiting for git pack-objects"))?;
    if !status.success() {
        return Err(Error::Other(format!("git pack-objects failed ({status}); nothing was stored")));
    }
    let (bytes, root, header) = streamed?;
    if &header[..8] != b"PACK\0\0\0\x02" {
        return Err(Error::Other("git pack-objects wrote no version 2 pack; nothing was stored".into()));
    }
    let count = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    let Some(root) = root else { return Ok(MadePack { root: crate::block::empty_cid(), bytes: 0, objects: Vec::new() }) };

    // The offsets: a thin pack is indexed inside the repository, which has
    // its bases (`--fix-thin` appends them after the pack's own objects, so
    // those keep their offsets); a whole one outside any repository, where
    // index-pack does not compare each object with the repository's copy.
    let idx_path = tmp.path().join("push.idx");
    let mut index = Command::new("git");
    if thin {
        index
            .arg("--git-dir")
            .arg(&git_dir)
            .args(["index-pack", "--stdin", "--fix-thin", "-o"])
            .arg(&idx_path)
            .arg(tmp.path().join("fixed.pack"))
            .stdin(
                std::fs::File::open(&pack_path)
                    .map_err(|e| Error::from(e).context(format!("opening {}", pack_path.display())))?,
            );
    } else {
        index
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_OBJECT_DIRECTORY")
            .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
            .env("GIT_CEILING_DIRECTORIES", tmp.path().parent().unwrap_or(tmp.path()))
            .current_dir(tmp.path())
            .args(["index-pack", "-o"])
            .arg(&idx_path)
            .arg(&pack_path)
            .stdin(Stdio::null());
    }
    let out = index
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Error::from(e).context("starting git index-pack"))?;
    if !out.status.success() {
        return Err(Error::Other(format!(
            "git index-pack could not index the push's pack ({}): {}; nothing was stored",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let idx = std::fs::read(&idx_path).map_err(|e| Error::from(e).context(format!("reading {}", idx_path.display())))?;
    let all = crate::pack::read_idx(&idx)
        .map_err(|why| Error::Other(format!("git index-pack wrote an index nip cannot read: {why}")))?;
    let objects: Vec<(Hash, u64)> = all.into_iter().filter(|(_, off)| *off + 20 < bytes).collect();
    if objects.len() != count as usize {
        return Err(Error::Other(format!(
            "git pack-objects wrote {count} objects but git index-pack found {} in the pack; nothing was stored",
            objects.len()
        )));
    }
    Ok(MadePack { root, bytes, objects })
}

/// The records of the objects at `offsets` in pack number `pack`: type and
/// size from the repository, and the links of commits and tags from their
/// content (checked as a reader checks them).
fn make_records(repo: &Repository, offsets: &[(Hash, u64)], pack: u32) -> Result<Vec<(Record, usize)>, Error> {
    let odb = repo.odb()?;
    let mut out = Vec::with_capacity(offsets.len());
    for (oid, offset) in offsets {
        let context = |e: git2::Error| Error::from(e).context(format!("reading object {oid}"));
        let (size, kind) = odb.read_header(oid.oid()).map_err(context)?;
        let kind = ObjectType::from_git(kind)
            .ok_or_else(|| Error::Object { oid: oid.to_string(), why: format!("it is of type {kind}") })?;
        let size = size as u64;
        if kind != ObjectType::Blob && size > crate::limits::MAX_NON_BLOB {
            return Err(Error::Unstorable {
                oid: oid.to_string(),
                why: format!(
                    "this {} is {}, and nip reads commits, trees and tags of up to {}: a clone would refuse it",
                    kind.name(),
                    crate::limits::human(size),
                    crate::limits::human(crate::limits::MAX_NON_BLOB)
                ),
            });
        }
        let links = match kind {
            ObjectType::Commit | ObjectType::Tag => {
                let object = odb.read(oid.oid()).map_err(context)?;
                match crate::links::parse(*oid, kind, object.data())? {
                    crate::format::Links::Commit { tree, parents } => RecordLinks::Commit { tree, parents },
                    crate::format::Links::Tag { target } => RecordLinks::Tag { target },
                    _ => RecordLinks::None,
                }
            }
            _ => RecordLinks::None,
        };
        out.push(trie::sized(Record { oid: *oid, kind, size, pack, offset: *offset, links })?);
    }
    Ok(out)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descends_within_and_beyond_its_budget() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let sig = git2::Signature::new("t", "t@example.org", &git2::Time::new(0, 0)).unwrap();
        let tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
        let mut chain = Vec::new();
        for i in 0..DESCENDS_BUDGET + 100 {
            let parents: Vec<git2::Commit> = chain.last().map(|&p| repo.find_commit(p).unwrap()).into_iter().collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            chain.push(repo.commit(None, &sig, &sig, &format!("c{i}"), &tree, &refs).unwrap());
        }
        let side = repo.commit(None, &sig, &sig, "side", &tree, &[&repo.find_commit(chain[10]).unwrap()]).unwrap();
        let tip = *chain.last().unwrap();
        assert!(descends(&repo, tip, chain[chain.len() - 2]), "parent, found by the walk");
        assert!(descends(&repo, tip, chain[0]), "root, past the budget: libgit2 decides");
        assert!(!descends(&repo, chain[5], tip), "an older commit does not descend from a newer one");
        assert!(!descends(&repo, side, chain[11]), "a side branch does not descend from the main line past its fork");
        assert!(descends(&repo, side, chain[3]));
    }

    #[test]
    fn parse_push_lines() {
        assert_eq!(
            PushCommand::parse("+refs/heads/a:refs/heads/b").unwrap(),
            PushCommand { src: Some("refs/heads/a".into()), dst: "refs/heads/b".into(), force: true }
        );
        assert_eq!(
            PushCommand::parse(":refs/heads/b").unwrap(),
            PushCommand { src: None, dst: "refs/heads/b".into(), force: false }
        );
        assert!(PushCommand::parse("refs/heads/a").is_err());
        assert!(PushCommand::parse("refs/heads/a:").is_err());
    }
}
