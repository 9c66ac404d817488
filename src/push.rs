//! What `git push` does: decide each ref, find what the remote lacks, store
//! it, and write one new index for the whole push.
//!
//! 1. Each command is checked like a git server checks it: a ref update
//!    without `+` must fast-forward (else `non-fast-forward`, or `fetch first`
//!    when the remote's commit is unknown here), an existing tag is not moved
//!    without `+` (`already exists`). A refused ref does not stop the others.
//! 2. The objects to store are those reachable from the new tips and absent
//!    from the remote: the walk looks every candidate up in the remote's
//!    object map (shards are fetched in batches and cached) and stops at
//!    what is there, since the map holds the whole history of each object in
//!    it; so a push costs what it changes, not the size of the history.
//! 3. Each object becomes its UnixFS data blocks and a NIPObject; all of them,
//!    the changed object-map shards and the new index stream into one write
//!    session of the store. The address changes only after the session has
//!    finished, so a failed push leaves the remote as it was.

use crate::block::{Block, CborLink};
use crate::format::{Counts, Hash, NipIndex, NipObject, ObjectType};
use crate::objmap::ObjectMap;
use crate::progress::Progress;
use crate::remote::Remote;
use crate::store::{BlockWriter, WriteStats};
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
    // The index holds every ref in one block: refuse a push whose index
    // would not fit before storing anything (the object map root and the
    // counts are not known yet; their encoding has a fixed size).
    let head = choose_head(repo, remote.head(), &refs);
    if let Some(old) = remote.head().filter(|h| before.contains_key(*h) && head.as_deref() != Some(*h)) {
        outcome.head_moved = Some((old.to_string(), head.clone()));
    }
    let trial = NipIndex {
        head: head.clone(),
        prev: remote.index.as_ref().map(|(c, _)| *c),
        refs: refs.iter().map(|(n, h)| (n.clone(), *h)).collect(),
        counts: Counts { tag: u64::MAX, blob: u64::MAX, tree: u64::MAX, commit: u64::MAX },
        objects: crate::block::sha256_cid(crate::block::DAG_CBOR, &[0; 32]),
    };
    check_index_size(&trial.to_block()?, trial.refs.len())?;
    drop(trial);
    if opts.dry_run {
        return Ok(outcome);
    }

    let writer = remote.blocks.store().writer()?;
    let map = match &remote.index {
        Some((_, index)) => ObjectMap::new(&remote.blocks, index.objects),
        None => ObjectMap::empty(&remote.blocks),
    };
    let remote_has = RemoteHas { map: &map };
    let started = std::time::Instant::now();
    let todo = missing_objects(repo, &remote_has, &tips)?;
    log::info!("{} objects to store, found in {:.2}s", todo.len(), started.elapsed().as_secs_f64());

    let started = std::time::Instant::now();
    let (entries, written, mut writer) = store_objects(repo, &todo, writer, opts.progress)?;
    log::info!("stored in {:.2}s", started.elapsed().as_secs_f64());
    outcome.objects = written;

    let new_root = map.insert(entries, &mut |b| writer.put(b))?;
    let mut counts = remote.index.as_ref().map(|(_, i)| i.counts).unwrap_or_default();
    counts.tag += outcome.objects.tag;
    counts.blob += outcome.objects.blob;
    counts.tree += outcome.objects.tree;
    counts.commit += outcome.objects.commit;
    let index = NipIndex {
        head,
        prev: remote.index.as_ref().map(|(c, _)| *c),
        refs: refs.into_iter().collect(),
        counts,
        objects: new_root,
    };
    let block = index.to_block()?;
    check_index_size(&block, index.refs.len())?;
    let cid = block.cid;
    writer.put(block)?;
    outcome.stats = writer.finish(&cid, remote.index.as_ref().map(|(c, _)| c))?;
    outcome.new_index = Some(cid);
    Ok(outcome)
}

/// Refuses an index block over the block limit, saying why: nip format 1
/// keeps every ref in the index, one block, and does not shard refs (yet).
fn check_index_size(block: &Block, refs: usize) -> Result<(), Error> {
    let size = block.data.len();
    if size <= crate::block::MAX_BLOCK {
        return Ok(());
    }
    let fit = (refs as u128 * crate::block::MAX_BLOCK as u128 / size as u128) as usize;
    Err(Error::Other(format!(
        "the new index would be {size} bytes for its {refs} refs, over the {}-byte (1 MiB) limit of an IPFS block: \
         nip format 1 keeps every ref in the index, one block, and does not shard refs yet. About {fit} refs like \
         these fit: push fewer (say, not every tag), or delete refs on the remote (`git push <remote> --delete \
         <ref>`); nothing was stored",
        crate::block::MAX_BLOCK
    )))
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

/// What the remote already holds.
struct RemoteHas<'a, 'm> {
    map: &'a ObjectMap<'m>,
}

impl RemoteHas<'_, '_> {
    fn has_many(&self, oids: &[Oid]) -> Result<Vec<bool>, Error> {
        let hashes: Vec<Hash> = oids.iter().map(|o| Hash::from(*o)).collect();
        Ok(self.map.lookup_many(&hashes)?.into_iter().map(|c| c.is_some()).collect())
    }

    fn has(&self, oid: Oid) -> Result<bool, Error> {
        Ok(self.has_many(&[oid])?[0])
    }
}

/// Every object reachable from `tips` that the remote lacks, in an order
/// where nothing depends on what comes later being stored first (any order
/// is fine: the index is written last).
///
/// The walk stops at objects the remote's map has: a map holds the whole
/// history of every object in it (each push stores everything reachable
/// that was missing), so a commit found there needs none of its parents
/// looked at. So a push of one commit reads that commit and its parent, not
/// the history around the remote's refs (hiding the remote's 309 ref tips
/// from libgit2's revwalk instead took 0.5 s at 50,000 commits).
fn missing_objects(repo: &Repository, remote: &RemoteHas<'_, '_>, tips: &[Oid]) -> Result<Vec<(Oid, ObjectType)>, Error> {
    let odb = repo.odb()?;
    let mut seen: HashSet<Oid> = HashSet::new();
    let mut out = Vec::new();
    let mut commits = Vec::new();

    // Peel tags down to what they point at; tags and non-commit tips directly.
    let mut stack: Vec<Oid> = tips.to_vec();
    while let Some(oid) = stack.pop() {
        if seen.contains(&oid) {
            continue;
        }
        let (_, kind) = odb.read_header(oid).map_err(|e| Error::from(e).context(format!("reading object {oid}")))?;
        match kind {
            git2::ObjectType::Commit => commits.push(oid),
            git2::ObjectType::Tag => {
                seen.insert(oid);
                if !remote.has(oid)? {
                    out.push((oid, ObjectType::Tag));
                    stack.push(repo.find_tag(oid)?.target_id());
                }
            }
            git2::ObjectType::Tree => walk_tree(repo, remote, oid, &mut seen, &mut out)?,
            _ => {
                seen.insert(oid);
                if !remote.has(oid)? {
                    out.push((oid, ObjectType::Blob));
                }
            }
        }
    }
    if commits.is_empty() {
        return Ok(out);
    }
    // libgit2's revwalk gives the commits in the order of the repository's
    // packs, so the trees read next hit its delta cache (a time-ordered or
    // breadth-first walk of our own took four times as long at 50,000
    // commits). It asks `hide` about each commit it meets: one that the
    // remote has is hidden with its history, so the walk goes no further.
    let mut failed = None;
    let mut hide = |oid: Oid| match remote.has(oid) {
        Ok(has) => has,
        Err(e) => {
            failed.get_or_insert(e);
            true
        }
    };
    let mut walk = repo.revwalk()?;
    for oid in &commits {
        walk.push(*oid)?;
    }
    let walked: Vec<Oid> = walk.with_hide_callback(&mut hide)?.collect::<Result<_, _>>()?;
    if let Some(e) = failed {
        return Err(e);
    }
    for oid in walked {
        if !seen.insert(oid) {
            continue;
        }
        out.push((oid, ObjectType::Commit));
        let tree = repo.find_commit(oid).map_err(|e| Error::from(e).context(format!("reading commit {oid}")))?.tree_id();
        walk_tree(repo, remote, tree, &mut seen, &mut out)?;
    }
    Ok(out)
}

fn walk_tree(
    repo: &Repository,
    remote: &RemoteHas<'_, '_>,
    root: Oid,
    seen: &mut HashSet<Oid>,
    out: &mut Vec<(Oid, ObjectType)>,
) -> Result<(), Error> {
    let mut stack = vec![root];
    while let Some(oid) = stack.pop() {
        if !seen.insert(oid) || remote.has(oid)? {
            continue;
        }
        out.push((oid, ObjectType::Tree));
        let tree = repo.find_tree(oid)?;
        let mut blobs = Vec::new();
        for entry in tree.iter() {
            match entry.kind() {
                Some(git2::ObjectType::Tree) => stack.push(entry.id()),
                Some(git2::ObjectType::Blob) => {
                    if seen.insert(entry.id()) {
                        blobs.push(entry.id());
                    }
                }
                // Gitlinks (submodule commits) are stored as entries only.
                _ => {}
            }
        }
        let present = remote.has_many(&blobs)?;
        out.extend(blobs.into_iter().zip(present).filter(|(_, p)| !p).map(|(o, _)| (o, ObjectType::Blob)));
    }
    Ok(())
}

/// Jobs in flight between the reading and the writing thread (bounds memory).
const PIPELINE: usize = 64;
/// Objects at least this large are cut into blocks on the reading thread,
/// so they are never copied whole.
const LARGE: usize = 1 << 20;

/// Work for the writing thread.
enum Job {
    /// A small object: cut it into blocks and store it.
    Encode(Oid, ObjectType, Vec<u8>),
    /// A block of a large object, already cut.
    Block(Block),
    /// The NIPObject of a large object whose blocks came before.
    Object(NipObject),
}

/// Stores every object of `todo` through `writer` in two stages on two
/// threads: this one reads objects from the repository, the other cuts
/// them into blocks, hashes them and writes them. Returns the object-map
/// entries, the counts, and the writer for the rest of the push.
fn store_objects<'w>(
    repo: &Repository,
    todo: &[(Oid, ObjectType)],
    mut writer: Box<dyn BlockWriter + 'w>,
    show: bool,
) -> Result<(Vec<(Hash, CborLink)>, Counts, Box<dyn BlockWriter + 'w>), Error> {
    let odb = repo.odb()?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Job>(PIPELINE);
    std::thread::scope(|scope| {
        let worker = scope.spawn(move || -> Result<_, Error> {
            let mut progress = Progress::new("Writing objects", todo.len() as u64, show);
            let mut entries = Vec::with_capacity(todo.len());
            let mut counts = Counts::default();
            for job in rx {
                let object = match job {
                    Job::Block(b) => {
                        writer.put(b)?;
                        continue;
                    }
                    Job::Encode(oid, kind, data) => encode_object(oid, kind, data, writer.as_mut())?,
                    Job::Object(object) => object,
                };
                if let Some(why) = crate::limits::check_push(&object) {
                    return Err(Error::Unstorable { oid: object.oid.to_string(), why });
                }
                let block = object.to_block()?;
                if block.data.len() > crate::block::MAX_BLOCK {
                    let n = match &object.links {
                        crate::format::Links::Tree { entries } => entries.len(),
                        _ => 0,
                    };
                    return Err(Error::Unstorable {
                        oid: object.oid.to_string(),
                        why: format!(
                            "this {} has {n} entries, and its NIPObject would be {} bytes, over the 1 MiB block limit; \
                             nip format 1 holds trees of up to about 41,900 entries (split the directory)",
                            object.kind().name(),
                            block.data.len()
                        ),
                    });
                }
                let link = CborLink::of(&block.cid).ok_or_else(|| {
                    Error::Other(format!("NIPObject {} of {} is not a DAG-CBOR sha2-256 block", block.cid, object.oid))
                })?;
                entries.push((object.oid, link));
                writer.put(block)?;
                counts.add(object.kind());
                progress.inc(object.size);
            }
            progress.finish();
            Ok((entries, counts, writer))
        });
        let read = || -> Result<(), Error> {
            for (oid, kind) in todo {
                let context = |e: git2::Error| Error::from(e).context(format!("reading object {oid}"));
                let (size, _) = odb.read_header(*oid).map_err(context)?;
                let sent = if size >= LARGE && *kind == ObjectType::Blob {
                    match odb.reader(*oid) {
                        // Loose objects stream: never whole in memory.
                        Ok((reader, _, _)) => send_large(*oid, *kind, size as u64, reader, &tx)?,
                        Err(_) => {
                            let obj = odb.read(*oid).map_err(context)?;
                            send_large(*oid, *kind, size as u64, obj.data(), &tx)?
                        }
                    }
                } else {
                    let obj = odb.read(*oid).map_err(context)?;
                    tx.send(Job::Encode(*oid, *kind, obj.data().to_vec())).is_ok()
                };
                if !sent {
                    break; // the worker stopped on an error; it reports it
                }
            }
            Ok(())
        };
        let read = read();
        drop(tx);
        let stored = worker.join().map_err(|_| Error::Other("the block writer thread panicked".into()))??;
        read?;
        Ok(stored)
    })
}

/// Cuts a large blob into blocks here, as it is read, and sends them one
/// by one.
fn send_large(
    oid: Oid,
    kind: ObjectType,
    size: u64,
    mut data: impl std::io::Read,
    tx: &std::sync::mpsc::SyncSender<Job>,
) -> Result<bool, Error> {
    use std::io::Read;
    let hash = Hash::from(oid);
    let mut builder = FileBuilder::new();
    let mut read = 0u64;
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        (&mut data)
            .take(CHUNK as u64)
            .read_to_end(&mut chunk)
            .map_err(|e| Error::from(e).context(format!("reading object {oid}")))?;
        if chunk.is_empty() {
            break;
        }
        read += chunk.len() as u64;
        if tx.send(Job::Block(builder.chunk(chunk))).is_err() {
            return Ok(false);
        }
    }
    if read != size {
        return Err(Error::Object { oid: oid.to_string(), why: format!("read {read} bytes of {size}") });
    }
    let (rest, root) = builder.finish();
    for block in rest {
        if tx.send(Job::Block(block)).is_err() {
            return Ok(false);
        }
    }
    let links = crate::links::parse(hash, kind, &[])?;
    Ok(tx.send(Job::Object(NipObject { oid: hash, size, data: root, links })).is_ok())
}

/// Cuts one object into its data blocks (written through `writer`) and
/// returns its NIPObject.
fn encode_object(oid: Oid, kind: ObjectType, data: Vec<u8>, writer: &mut dyn BlockWriter) -> Result<NipObject, Error> {
    let hash = Hash::from(oid);
    let links = crate::links::parse(hash, kind, &data)?;
    let size = data.len() as u64;
    let mut builder = FileBuilder::new();
    for chunk in data.chunks(CHUNK) {
        writer.put(builder.chunk(chunk.to_vec()))?;
    }
    let (rest, root) = builder.finish();
    for block in rest {
        writer.put(block)?;
    }
    Ok(NipObject { oid: hash, size, data: root, links })
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
