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
use std::process::ExitStatus;

/// Why a push, a repack or a change of HEAD failed. Each says what failed,
/// on which ref, object, address or git command, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("push refspec {spec:?} has no ':<dst>'")]
    NoDestination { spec: String },
    #[error("push refspec {spec:?} has an empty destination")]
    EmptyDestination { spec: String },
    #[error("cannot push to {dst:?}: it is not a valid git ref name (it {why}); push to a full name such as refs/heads/main")]
    BadRefName { dst: String, why: &'static str },
    #[error("this push would leave {refs} refs; nip holds at most {max}")]
    TooManyRefs { refs: usize, max: usize },
    /// A push onto a format 1 remote writes every ref's objects in format
    /// 2, and the pushing repository lacks `oid`, which a ref names.
    #[error(
        "{url} is in nip format 1, and a push rewrites it in format 2 with every ref's objects, but this \
         repository lacks {oid}; fetch every ref first (`git fetch <remote> '+refs/*:refs/remotes/<remote>/*'`) \
         or push to nip::new-ipfs; nothing was stored"
    )]
    Missing { url: String, oid: Hash },
    /// A repack needs every object; the repository it packs from lacks `oid`.
    #[error(
        "cannot repack {url}: the repository packed from lacks {oid}, which a ref of it names; fetch every ref \
         first; nothing was stored"
    )]
    RepackMissing { url: String, oid: Hash },
    #[error("{url} has no index yet: nothing to repack")]
    NothingToRepack { url: String },
    #[error("too many packs in one repository ({packs}); repack it (nipctl repack)")]
    TooManyPacks { packs: usize },
    #[error("{url} has no refs yet: push a branch first")]
    NoRefs { url: String },
    #[error("HEAD must name a branch (refs/heads/...), not {name}")]
    HeadNotBranch { name: String },
    /// `branches`: up to 20 of the remote's branches, for the message.
    #[error("{url} has no branch {branch}; push it first (its branches: {})", list_or_none(.branches))]
    NoSuchBranch { url: String, branch: String, branches: Vec<String> },
    /// A pipe to a git command that was asked for and is not there.
    #[error("{command} has no {pipe}")]
    NoPipe { command: &'static str, pipe: &'static str },
    #[error("the thread feeding {command} panicked")]
    Panicked { command: &'static str },
    #[error("git pack-objects failed ({status}); nothing was stored")]
    PackObjects { status: ExitStatus },
    #[error("git pack-objects did not name its pack ({answer:?})")]
    Unnamed { answer: String },
    #[error("git pack-objects wrote no version 2 pack; nothing was stored")]
    NotVersion2,
    /// `said`: index-pack's standard error, trimmed.
    #[error("git index-pack could not index the push's pack ({status}): {said}; nothing was stored")]
    IndexPack { status: ExitStatus, said: String },
    #[error("git wrote a pack index nip cannot read: {why}")]
    BadIndex { why: String },
    #[error("git pack-objects wrote {count} objects but its index lists {listed}; nothing was stored")]
    CountMismatch { count: u32, listed: usize },
    #[error("the pack git made is not one nip can read at offset {offset}: {why}")]
    BadPack { offset: u64, why: &'static str },
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// One `push` line: `[+]<src>:<dst>`, or `:<dst>` to delete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushCommand {
    pub src: Option<String>,
    pub dst: String,
    pub force: bool,
}

impl PushCommand {
    pub fn parse(spec: &str) -> Result<PushCommand, PushError> {
        let (force, spec) = match spec.strip_prefix('+') {
            Some(s) => (true, s),
            None => (false, spec),
        };
        let (src, dst) = spec.split_once(':').ok_or_else(|| PushError::NoDestination { spec: spec.to_string() })?;
        if dst.is_empty() {
            return Err(PushError::EmptyDestination { spec: spec.to_string() });
        }
        crate::refname::check(dst).map_err(|why| PushError::BadRefName { dst: dst.to_string(), why })?;
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
        return Err(PushError::TooManyRefs { refs: refs.len(), max: records::MAX_REFS }.into());
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

/// What `store` wrote.
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
        return Err(PushError::NothingToRepack { url: remote.url() }.into());
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
    if base.is_none() {
        // Nothing is stored in format 2 yet (a format 1 remote, a repack):
        // the pack must hold what every ref of the new index reaches, not
        // only what this push moved.
        let odb = repo.odb()?;
        for hash in refs.values() {
            if !odb.exists(hash.oid()) {
                let (url, oid) = (remote.url(), *hash);
                return Err(if fresh { PushError::RepackMissing { url, oid } } else { PushError::Missing { url, oid } }.into());
            }
            tips_sorted.push(hash.oid());
        }
    }
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
        let number = u32::try_from(packs.len()).map_err(|_| PushError::TooManyPacks { packs: packs.len() })?;
        // Objects the remote has already (a pack may repeat a few) keep
        // their records; the rest are new.
        let fresh: Vec<bool> = match map.root() {
            // A first push or a repack: every object is new.
            None => vec![true; made.objects.len()],
            Some(_) => {
                let keys: Vec<[u8; 20]> = made.objects.iter().map(|(h, _)| h.0).collect();
                map.lookup_many(&keys)?.into_iter().map(|r| r.is_none()).collect()
            }
        };
        let started = std::time::Instant::now();
        let records = make_records(repo, &made, &fresh, number)?;
        log::info!("{} records in {:.2}s", records.len(), started.elapsed().as_secs_f64());
        for (r, _) in &records {
            counts.add(r.kind);
        }
        objects = count_kinds(&records);
        let started = std::time::Instant::now();
        let root = map.insert(records, &mut |b| writer.put(b))?;
        log::info!("object map in {:.2}s", started.elapsed().as_secs_f64());
        let hashes: Vec<Hash> = tips_sorted.iter().map(|t| Hash::from(*t)).collect();
        let (tips, tipset) = records::tips_of(&hashes)?;
        let tipset = match tipset {
            Some(block) => {
                let cid = block.cid;
                writer.put(block)?;
                Some(cid)
            }
            None => None,
        };
        let entry = PackEntry { pack: made.root, tips, bytes: made.bytes, tipset, objects: made.objects.len() as u64 };
        packs_root = Some(records::append_pack(&remote.blocks, packs_root.as_ref(), entry, &mut |b| writer.put(b))?);
        root
    };
    let refs: Vec<(String, Hash)> = refs.into_iter().collect();
    let known_refs = match remote.index.as_ref().and_then(|(_, i)| i.v2) {
        Some(l) => remote.refs_blocks.clone().unwrap_or_else(|| std::iter::once(l.refs).collect()),
        None => Default::default(),
    };
    let peeled = peel_refs(repo, remote, &refs);
    let refs_root = records::write_refs(&refs, &peeled, &known_refs, &mut |b| writer.put(b))?;
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
    let started = std::time::Instant::now();
    let stats = writer.finish(&cid, remote.index.as_ref().map(|(c, _)| c))?;
    log::info!("store session finished in {:.2}s", started.elapsed().as_secs_f64());
    Ok(Stored { index: cid, objects, stats })
}

/// The peeled target of every ref that points to an annotated tag: kept
/// from the remote for a ref that did not move, else peeled here.
fn peel_refs(repo: &Repository, remote: &Remote<'_>, refs: &[(String, Hash)]) -> std::collections::HashMap<String, Hash> {
    let old: std::collections::HashMap<&str, Hash> = remote.refs().iter().map(|(n, h)| (n.as_str(), *h)).collect();
    let mut out = std::collections::HashMap::new();
    let Ok(odb) = repo.odb() else { return out };
    for (name, hash) in refs {
        if old.get(name.as_str()) == Some(hash) {
            if let Some(p) = remote.peeled.get(name) {
                out.insert(name.clone(), *p);
            }
            continue;
        }
        let mut at = hash.oid();
        let mut peeled = None;
        for _ in 0..16 {
            match odb.read_header(at) {
                Ok((_, git2::ObjectType::Tag)) => match repo.find_tag(at) {
                    Ok(tag) => {
                        at = tag.target_id();
                        peeled = Some(Hash::from(at));
                    }
                    Err(_) => break,
                },
                _ => break,
            }
        }
        if let Some(p) = peeled {
            out.insert(name.clone(), p);
        }
    }
    out
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
        return Err(PushError::NoRefs { url: remote.url() }.into());
    };
    let full = if branch.starts_with("refs/") { branch.to_string() } else { format!("refs/heads/{branch}") };
    if !full.starts_with("refs/heads/") {
        return Err(PushError::HeadNotBranch { name: full }.into());
    }
    if !index.refs.iter().any(|(n, _)| *n == full) {
        let branches =
            index.refs.iter().filter_map(|(n, _)| n.strip_prefix("refs/heads/")).take(20).map(str::to_string).collect();
        return Err(PushError::NoSuchBranch { url: remote.url(), branch: full, branches }.into());
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

/// The pack a push made: its root in the store, its length, the offset of
/// every object it holds (sorted by hash), and the pack file itself, kept
/// until the records are made.
struct MadePack {
    root: Cid,
    bytes: u64,
    objects: Vec<(Hash, u64)>,
    file: Option<(tempfile::TempDir, std::path::PathBuf)>,
}

/// Runs `git pack-objects` for `tips` minus `negatives`, stores the pack
/// through `writer` as a UnixFS file, and finds where each object starts.
/// With no negatives (a first push, a repack) pack-objects writes the pack
/// and its index itself; with negatives it writes a thin pack to stdout,
/// streamed into the store as it comes, and `git index-pack --fix-thin`
/// finds the offsets (it appends the missing bases after the pack's own
/// objects, so those keep their offsets). A pack of no objects is not stored.
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
    let started = std::time::Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix("nip-push-")
        .tempdir()
        .map_err(|e| Error::from(e).context("creating a temporary directory for the push's pack"))?;
    let thin = !negatives.is_empty();
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir").arg(&git_dir).args(["pack-objects", "--revs", "--delta-base-offset"]);
    if thin {
        cmd.args(["--stdout", "--thin"]);
    } else {
        // One pack however large (pack.packSizeLimit would split it).
        cmd.arg("--max-pack-size=0").arg(tmp.path().join("p"));
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
    let mut stdin = child.stdin.take().ok_or(PushError::NoPipe { command: "git pack-objects", pipe: "stdin" })?;
    let mut stdout = child.stdout.take().ok_or(PushError::NoPipe { command: "git pack-objects", pipe: "stdout" })?;
    let stream_path = tmp.path().join("push.pack");
    // Thin: the pack as it streams, into the store and a file for index-pack.
    // Whole: pack-objects' answer, the pack's name.
    let streamed = std::thread::scope(|scope| -> Result<(Option<StreamedPack>, String), Error> {
        let feeder = scope.spawn(move || stdin.write_all(input.as_bytes()));
        let out = if thin {
            let file = std::fs::File::create(&stream_path)
                .map_err(|e| Error::from(e).context(format!("creating {}", stream_path.display())))?;
            (Some(store_pack(&mut stdout, Some(file), writer)?), String::new())
        } else {
            let mut answer = String::new();
            stdout.read_to_string(&mut answer).map_err(|e| Error::from(e).context("reading git pack-objects"))?;
            (None, answer)
        };
        if let Err(e) = feeder.join().map_err(|_| PushError::Panicked { command: "git pack-objects" })? {
            // pack-objects stopped reading: its exit status says why.
            log::info!("git pack-objects stopped reading its input: {e}");
        }
        Ok(out)
    });
    // An error above stopped reading: pack-objects may be blocked writing,
    // so it is stopped before it is waited for.
    drop(stdout);
    if streamed.is_err() {
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| Error::from(e).context("waiting for git pack-objects"))?;
    if !status.success() {
        return Err(PushError::PackObjects { status }.into());
    }
    let (streamed, answer) = streamed?;
    let (pack_path, idx_path, stored) = match streamed {
        Some(stored) => (stream_path, tmp.path().join("push.idx"), stored),
        None => {
            let name = answer.lines().last().map(str::trim).filter(|h| h.len() >= 40 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            let name = name.ok_or_else(|| PushError::Unnamed { answer: answer.trim().to_string() })?;
            let pack_path = tmp.path().join(format!("p-{name}.pack"));
            let file = std::fs::File::open(&pack_path)
                .map_err(|e| Error::from(e).context(format!("opening {}", pack_path.display())))?;
            let stored = store_pack(&mut std::io::BufReader::with_capacity(1 << 20, file), None, writer)?;
            (pack_path, tmp.path().join(format!("p-{name}.idx")), stored)
        }
    };
    let StreamedPack { bytes, root, header } = stored;
    if &header[..8] != b"PACK\0\0\0\x02" {
        return Err(PushError::NotVersion2.into());
    }
    let count = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    log::info!("git pack-objects: {count} objects, {bytes} bytes stored in {:.2}s", started.elapsed().as_secs_f64());
    let Some(root) = root else {
        return Ok(MadePack { root: crate::block::empty_cid(), bytes: 0, objects: Vec::new(), file: None });
    };
    if thin {
        let started = std::time::Instant::now();
        let out = Command::new("git")
            .arg("--git-dir")
            .arg(&git_dir)
            .args(["index-pack", "--stdin", "--fix-thin", "-o"])
            .arg(&idx_path)
            .arg(tmp.path().join("fixed.pack"))
            .stdin(
                std::fs::File::open(&pack_path)
                    .map_err(|e| Error::from(e).context(format!("opening {}", pack_path.display())))?,
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| Error::from(e).context("starting git index-pack"))?;
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
            return Err(PushError::IndexPack { status: out.status, said }.into());
        }
        log::info!("git index-pack in {:.2}s", started.elapsed().as_secs_f64());
    }
    let idx = std::fs::read(&idx_path).map_err(|e| Error::from(e).context(format!("reading {}", idx_path.display())))?;
    let all = crate::pack::read_idx(&idx).map_err(|why| PushError::BadIndex { why })?;
    let objects: Vec<(Hash, u64)> = all.into_iter().filter(|(_, off)| *off + 20 < bytes).collect();
    if objects.len() != count as usize {
        return Err(PushError::CountMismatch { count, listed: objects.len() }.into());
    }
    Ok(MadePack { root, bytes, objects, file: Some((tmp, pack_path)) })
}

/// A pack stored as a UnixFS file: its length, its root (`None` for a pack
/// of no objects, which is not stored) and its 12-byte header.
struct StreamedPack {
    bytes: u64,
    root: Option<Cid>,
    header: [u8; 12],
}

/// Cuts the pack `from` yields into blocks for `writer` (and a copy into
/// `copy`); holds the first chunk back until the pack is known to hold
/// objects.
fn store_pack(
    from: &mut dyn std::io::Read,
    copy: Option<std::fs::File>,
    writer: &mut dyn BlockWriter,
) -> Result<StreamedPack, Error> {
    use std::io::{Read, Write};
    let mut copy = copy.map(|f| std::io::BufWriter::with_capacity(1 << 20, f));
    let mut builder = FileBuilder::new();
    let mut total = 0u64;
    let mut header = [0u8; 12];
    let mut held: Option<Vec<u8>> = None;
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        from.take(CHUNK as u64).read_to_end(&mut chunk).map_err(|e| Error::from(e).context("reading the pack git made"))?;
        if chunk.is_empty() {
            break;
        }
        if total == 0 {
            let n = chunk.len().min(12);
            header[..n].copy_from_slice(&chunk[..n]);
        }
        total += chunk.len() as u64;
        if let Some(c) = copy.as_mut() {
            c.write_all(&chunk).map_err(|e| Error::from(e).context("writing a copy of the push's pack"))?;
        }
        if let Some(first) = held.take() {
            writer.put(builder.chunk(first))?;
        }
        held = Some(chunk);
    }
    if let Some(c) = copy.as_mut() {
        c.flush().map_err(|e| Error::from(e).context("writing a copy of the push's pack"))?;
    }
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
    Ok(StreamedPack { bytes: total, root, header })
}

/// The type and size of every object of the pack file, in the order of
/// `objects` (sorted by hash, with their offsets), read from its entry
/// headers: a whole object's header says both; a delta's size is the target
/// size at the start of its delta data, and its type its base's (in the
/// pack, or for a thin pack's outside base, in the repository). Reading
/// headers costs a few bytes per object where libgit2's `read_header`
/// walked each delta chain; two arrays of 16 bytes per object, not maps.
fn entry_kinds(file: &std::fs::File, objects: &[(Hash, u64)], odb: &git2::Odb<'_>) -> Result<Vec<(ObjectType, u64)>, Error> {
    use std::os::unix::fs::FileExt;
    let bad = |offset: u64, why: &'static str| Error::from(PushError::BadPack { offset, why });
    // (offset, position in `objects`), sorted by offset.
    let mut by_offset: Vec<(u64, u32)> = objects.iter().enumerate().map(|(i, (_, o))| (*o, i as u32)).collect();
    by_offset.sort_unstable();
    let position = |offset: u64| by_offset.binary_search_by_key(&offset, |(o, _)| *o).ok().map(|i| by_offset[i].1 as usize);
    let of_hash = |h: &Hash| objects.binary_search_by(|(o, _)| o.cmp(h)).ok().map(|i| objects[i].1);
    enum Found {
        Whole(ObjectType, u64),
        /// A delta: its size, and where its base is.
        Delta(u64, Result<u64, Hash>),
    }
    let read_entry = |offset: u64| -> Result<Found, Error> {
        let mut head = [0u8; 64];
        let n = file.read_at(&mut head, offset).map_err(|e| Error::from(e).context("reading the push's pack"))?;
        let head = &head[..n];
        let mut i = 0;
        let byte = |i: &mut usize| -> Result<u8, Error> {
            let b = *head.get(*i).ok_or_else(|| bad(offset, "entry header cut short"))?;
            *i += 1;
            Ok(b)
        };
        let mut c = byte(&mut i)?;
        let code = (c >> 4) & 7;
        let mut size = u64::from(c & 15);
        let mut shift = 4;
        while c & 0x80 != 0 {
            c = byte(&mut i)?;
            if shift > 57 {
                return Err(bad(offset, "size too large"));
            }
            size |= u64::from(c & 0x7f) << shift;
            shift += 7;
        }
        let base = match code {
            1..=4 => return Ok(Found::Whole(crate::packread::from_pack_code(code).ok_or_else(|| bad(offset, "type"))?, size)),
            6 => {
                let mut c = byte(&mut i)?;
                let mut back = u64::from(c & 0x7f);
                while c & 0x80 != 0 {
                    c = byte(&mut i)?;
                    back = back.checked_add(1).and_then(|b| b.checked_mul(128)).ok_or_else(|| bad(offset, "base offset"))?
                        | u64::from(c & 0x7f);
                }
                Ok(offset.checked_sub(back).ok_or_else(|| bad(offset, "base before the pack"))?)
            }
            7 => {
                let h: [u8; 20] = head.get(i..i + 20).and_then(|b| b.try_into().ok()).ok_or_else(|| bad(offset, "base hash"))?;
                i += 20;
                Err(Hash(h))
            }
            _ => return Err(bad(offset, "unknown entry type")),
        };
        // The delta data starts with the base's size and the target's.
        let mut z = flate2::Decompress::new(true);
        let mut out = Vec::with_capacity(32);
        let mut input = head[i..].to_vec();
        let mut at = offset + n as u64;
        loop {
            z.decompress_vec(&input[z.total_in() as usize..], &mut out, flate2::FlushDecompress::None)
                .map_err(|_| bad(offset, "delta data is not zlib"))?;
            let mut pos = 0;
            let mut varint = || -> Option<u64> {
                let (mut v, mut s) = (0u64, 0);
                loop {
                    let b = *out.get(pos)?;
                    pos += 1;
                    v |= u64::from(b & 0x7f) << s;
                    s += 7;
                    if b & 0x80 == 0 || s > 63 {
                        return Some(v);
                    }
                }
            };
            if let (Some(_), Some(target)) = (varint(), varint()) {
                return Ok(Found::Delta(target, base));
            }
            if out.len() >= 32 || input.len() > 4096 {
                return Err(bad(offset, "delta header"));
            }
            let mut more = [0u8; 256];
            let m = file.read_at(&mut more, at).map_err(|e| Error::from(e).context("reading the push's pack"))?;
            if m == 0 {
                return Err(bad(offset, "delta cut short"));
            }
            at += m as u64;
            input.extend_from_slice(&more[..m]);
        }
    };
    // Type code 0: not known yet.
    let mut kinds: Vec<(ObjectType, u64)> = vec![(ObjectType::Blob, u64::MAX); objects.len()];
    let mut known = vec![false; objects.len()];
    for start in 0..objects.len() {
        if known[start] {
            continue;
        }
        let mut chain: Vec<(usize, u64)> = Vec::new();
        let mut at = objects[start].1;
        let mut here = Some(start);
        let kind = loop {
            if let Some(p) = here.filter(|p| known[*p]) {
                break kinds[p].0;
            }
            if chain.len() > 10_000 {
                return Err(bad(objects[start].1, "delta chain too long"));
            }
            match read_entry(at)? {
                Found::Whole(t, size) => {
                    if let Some(p) = here {
                        chain.push((p, size));
                    }
                    break t;
                }
                Found::Delta(size, base) => {
                    if let Some(p) = here {
                        chain.push((p, size));
                    }
                    let next = match base {
                        Ok(offset) => Some(offset),
                        Err(hash) => of_hash(&hash),
                    };
                    match (next, base) {
                        (Some(offset), _) => {
                            at = offset;
                            here = position(offset);
                            if here.is_none() {
                                return Err(bad(offset, "a delta's base is no object of the pack"));
                            }
                        }
                        (None, Err(hash)) => {
                            let (_, t) = odb
                                .read_header(hash.oid())
                                .map_err(|e| Error::from(e).context(format!("reading object {hash}")))?;
                            break ObjectType::from_git(t).ok_or_else(|| bad(at, "base of an unknown type"))?;
                        }
                        (None, Ok(_)) => unreachable!("an offset base always has a next offset"),
                    }
                }
            }
        };
        for (p, size) in chain {
            kinds[p] = (kind, size);
            known[p] = true;
        }
    }
    Ok(kinds)
}

/// The records of the pack's objects that `fresh` marks (by position in
/// `made.objects`), as pack number `pack`: type and size from the pack's
/// entries, and the links of commits and tags from their content (checked
/// as a reader checks them).
fn make_records(repo: &Repository, made: &MadePack, fresh: &[bool], pack: u32) -> Result<Vec<(Record, usize)>, Error> {
    let odb = repo.odb()?;
    let offsets = &made.objects;
    let kinds = match &made.file {
        Some((_, path)) => {
            let file = std::fs::File::open(path).map_err(|e| Error::from(e).context(format!("opening {}", path.display())))?;
            entry_kinds(&file, offsets, &odb)?
        }
        None => Vec::new(),
    };
    let mut out = Vec::with_capacity(fresh.iter().filter(|f| **f).count());
    for (i, (oid, offset)) in offsets.iter().enumerate() {
        if !fresh[i] {
            continue;
        }
        let context = |e: git2::Error| Error::from(e).context(format!("reading object {oid}"));
        let (kind, size) = match kinds.get(i) {
            Some(k) => *k,
            None => {
                let (size, kind) = odb.read_header(oid.oid()).map_err(context)?;
                let kind = ObjectType::from_git(kind)
                    .ok_or_else(|| Error::Object { oid: oid.to_string(), why: format!("it is of type {kind}") })?;
                (kind, size as u64)
            }
        };
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
                if object.len() as u64 != size {
                    return Err(Error::Object {
                        oid: oid.to_string(),
                        why: "its pack entry and the repository disagree on its size".into(),
                    });
                }
                match crate::links::parse(*oid, kind, object.data())? {
                    crate::format::Links::Commit { tree, parents } => RecordLinks::commit(tree, parents),
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

    #[test]
    fn bad_push_lines_are_typed() {
        assert!(matches!(PushCommand::parse("refs/heads/a"), Err(PushError::NoDestination { spec }) if spec == "refs/heads/a"));
        assert!(matches!(PushCommand::parse("+a:"), Err(PushError::EmptyDestination { spec }) if spec == "a:"));
        let err = PushCommand::parse("a:refs/heads/x..y").unwrap_err();
        assert!(matches!(&err, PushError::BadRefName { dst, .. } if dst == "refs/heads/x..y"), "{err:?}");
        let msg = err.to_string();
        assert!(msg.starts_with("cannot push to \"refs/heads/x..y\": it is not a valid git ref name (it "), "{msg}");
        assert!(msg.ends_with("); push to a full name such as refs/heads/main"), "{msg}");
    }

    /// A remote at `nip::new-ipfs` in an embedded store, and a repository
    /// with one commit on main.
    fn pushed_repo() -> (tempfile::TempDir, crate::store::local::LocalStore, Repository, Oid) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::local::LocalStore::open(dir.path().join("store")).unwrap();
        let repo = Repository::init(dir.path().join("repo")).unwrap();
        let sig = git2::Signature::new("t", "t@example.org", &git2::Time::new(0, 0)).unwrap();
        let tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
        let commit = repo.commit(Some("refs/heads/main"), &sig, &sig, "one", &tree, &[]).unwrap();
        drop(tree);
        (dir, store, repo, commit)
    }

    #[test]
    fn an_empty_remote_has_no_head_to_set_nor_packs_to_repack() {
        let (_dir, store, repo, _) = pushed_repo();
        let remote = Remote::open_index(&store, crate::address::Address::New, None).unwrap();
        let err = set_head(&remote, "main").unwrap_err();
        assert!(matches!(&err, Error::Push(PushError::NoRefs { url }) if *url == remote.url()), "{err:?}");
        assert_eq!(err.to_string(), format!("{} has no refs yet: push a branch first", remote.url()));
        let err = repack(&repo, &remote, false).unwrap_err();
        assert!(matches!(&err, Error::Push(PushError::NothingToRepack { .. })), "{err:?}");
        assert_eq!(err.to_string(), format!("{} has no index yet: nothing to repack", remote.url()));
    }

    #[test]
    fn set_head_refuses_what_is_no_branch_of_the_remote() {
        let (_dir, store, repo, _) = pushed_repo();
        let remote = Remote::open_index(&store, crate::address::Address::New, None).unwrap();
        let cmd = PushCommand::parse("refs/heads/main:refs/heads/main").unwrap();
        let outcome = push(&repo, &remote, &[cmd], PushOptions::default()).unwrap();
        let remote = Remote::open_index(&store, crate::address::Address::New, outcome.new_index).unwrap();
        let err = set_head(&remote, "refs/tags/v1").unwrap_err();
        assert!(matches!(&err, Error::Push(PushError::HeadNotBranch { name }) if name == "refs/tags/v1"), "{err:?}");
        let err = set_head(&remote, "other").unwrap_err();
        assert!(
            matches!(&err, Error::Push(PushError::NoSuchBranch { branch, branches, .. })
                if branch == "refs/heads/other" && branches == &["main".to_string()]),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("{} has no branch refs/heads/other; push it first (its branches: main)", remote.url())
        );
        assert_eq!(set_head(&remote, "main").unwrap(), ("refs/heads/main".to_string(), None));
    }

    #[test]
    fn a_repack_from_a_repository_that_lacks_an_object_names_it() {
        let (dir, store, repo, commit) = pushed_repo();
        let remote = Remote::open_index(&store, crate::address::Address::New, None).unwrap();
        let cmd = PushCommand::parse("refs/heads/main:refs/heads/main").unwrap();
        let outcome = push(&repo, &remote, &[cmd], PushOptions::default()).unwrap();
        let remote = Remote::open_index(&store, crate::address::Address::New, outcome.new_index).unwrap();
        let empty = Repository::init_bare(dir.path().join("empty")).unwrap();
        let err = repack(&empty, &remote, false).unwrap_err();
        assert!(matches!(&err, Error::Push(PushError::RepackMissing { oid, .. }) if oid.oid() == commit), "{err:?}");
        assert!(err.to_string().contains(&commit.to_string()), "{err}");
    }

    #[test]
    fn a_format_1_remote_missing_an_object_says_what_to_fetch() {
        let oid = Hash([0xab; 20]);
        let err = PushError::Missing { url: "nip::/ipfs/bafyx".into(), oid };
        assert_eq!(
            err.to_string(),
            format!(
                "nip::/ipfs/bafyx is in nip format 1, and a push rewrites it in format 2 with every ref's objects, but this \
                 repository lacks {oid}; fetch every ref first (`git fetch <remote> '+refs/*:refs/remotes/<remote>/*'`) \
                 or push to nip::new-ipfs; nothing was stored"
            )
        );
    }

    /// The policy of [`Error`]: a message shows its cause once, and the
    /// cause is not also the `source()`.
    #[test]
    fn errors_show_their_cause_once() {
        use std::error::Error as _;
        let io = Error::from(std::io::Error::other("disk full"));
        assert_eq!(io.to_string(), "disk full");
        let e = io.context("writing the pack");
        assert_eq!(e.to_string(), "writing the pack: disk full");
        assert!(e.source().is_none());
        assert!(matches!(&e, Error::Context { error, .. } if matches!(**error, Error::Io(_))));
        let git = Error::from(git2::Error::from_str("bad object"));
        assert_eq!(git.to_string(), "git: bad object");
        assert!(git.source().is_none());
        let push = Error::from(PushError::NotVersion2);
        assert_eq!(push.to_string(), "git pack-objects wrote no version 2 pack; nothing was stored");
        assert!(push.source().is_none());
    }
}
