//! What `git fetch` and `git clone` do: find the objects the repository
//! lacks, verify them, and write them as one pack.
//!
//! 1. **Plan.** From the wanted tips, follow the git hashes in NIPObjects
//!    breadth first, in batches: one object-map lookup and one block request
//!    per batch. An object already in the local repository stops the walk
//!    there (as git's own negotiation does), so a fetch after a small push
//!    reads only the new objects. Gitlinks are never followed.
//! 2. **Transfer**, while the plan goes on. Each object's UnixFS data is
//!    fetched (small objects in batches, large ones chunk by chunk), every
//!    block is checked against its CID and the object's SHA-1 is recomputed
//!    over `type size\0data` with collision detection (SHA-1DC, as git
//!    does), on one thread, while another compresses the bytes and writes
//!    the pack and its index (from those recomputed ids: nothing hashes
//!    objects twice). Any mismatch, or a plan that fails, aborts before the
//!    pack is committed: the repository is unchanged and git updates no ref.
//!
//! Claimed sizes are checked before they are read ([`crate::limits`]): the
//! plan refuses a commit, tree or tag larger than a valid one can be, and
//! stops before the object whose claim passes the per-fetch limits
//! (`nip.maxFetchBytes`, `nip.maxFetchObjects`, and the free space of the
//! file system holding the pack). Nothing that fails its check is written
//! past [`VERIFY_FIRST`] (64 MiB) bytes: commits, trees and tags (at most 16 MiB)
//! are checked whole in memory before any of their bytes go to the pack,
//! and a blob of [`VERIFY_FIRST`] bytes or more is read twice, hashed
//! first and written only once its SHA-1 matched (its blocks are read
//! again: from a node, out of the node's own store by then). Smaller blobs
//! are written as they are hashed.
//!
//! Planning on its own thread beside the other two took a clone of 50,000
//! commits from the embedded store from 20.6 s to 14.6 s.

use crate::format::{Hash, Links, NipObject, ObjectType};
use crate::limits::FetchLimits;
use crate::pack::{EntryEncoder, PackWriter, OUT_CHUNK};
use crate::progress::Progress;
use crate::remote::Remote;
use crate::unixfs;
use crate::Error;
use cid::Cid;
use git2::{Oid, Repository};
use sha1_checked::{Digest, Sha1};
use std::collections::HashMap;

/// Why a (format 1) fetch failed on its own account; the objects' own
/// failures are [`Error::ObjectHash`], [`Error::Object`], [`Error::Limit`]
/// and the store's.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The thread writing the pack stopped (its own error is the cause,
    /// reported before this one).
    #[error("the pack writer stopped")]
    WriterStopped,
    #[error("the {thread} thread panicked")]
    Panicked { thread: &'static str },
    /// The three threads disagree on what the fetch holds: a bug in nip.
    #[error("planned {planned} objects but verified {verified} and packed {packed}")]
    Counts { planned: u64, verified: u64, packed: usize },
}

/// Objects looked up and fetched per request while planning.
const PLAN_BATCH: usize = 2048;
/// NIPObjects held at once while planning (each at most 1 MiB).
const PLAN_FETCH: usize = 256;
/// Data roots fetched per request while transferring.
const DATA_BATCH: usize = 256;
/// Planned batches waiting for the verifier.
const PLAN_PIPELINE: usize = 32;
/// Blobs this large are hashed whole before any of their bytes is written
/// (64 MiB). Reading twice costs a large blob's clone about half again (a
/// clone of one 256 MiB blob from the embedded store, debug build: 9 s, 12
/// to 15 s with the second read); few repositories keep blobs this large
/// in git, and a fake one below it puts at most this much in a temporary
/// file before it fails.
pub const VERIFY_FIRST: u64 = 64 << 20;

/// What a fetch wrote.
#[derive(Debug, Default, Clone)]
pub struct FetchOutcome {
    pub objects: u64,
    pub bytes: u64,
    /// What each fetched tag says its target is, checked before the pack
    /// is committed.
    tags: Vec<TagClaim>,
}

/// A tag's target and the type its content gives it.
#[derive(Debug, Clone, Copy)]
struct TagClaim {
    tag: Hash,
    target: Hash,
    kind: ObjectType,
}

/// What a fetch wrote, and the `.keep` file that holds its pack until git
/// has updated the refs (git removes it; see [`PackWriter::commit`]).
#[derive(Debug, Default)]
pub struct Fetched {
    pub outcome: FetchOutcome,
    pub keep: Option<std::path::PathBuf>,
}

/// One object to transfer.
struct Planned {
    oid: Hash,
    kind: ObjectType,
    size: u64,
    data: Cid,
    /// A digest of what the NIPObject claims the object points to; checked
    /// against the content, since the walk followed these claims. (The
    /// claims themselves, every tree's entry list, made most of a clone's
    /// memory at 50,000 commits.)
    links: LinksDigest,
}

/// 128 bits of SHA-256 over an unambiguous encoding of an object's links:
/// a NIPObject that lies about its links would need a second preimage.
type LinksDigest = [u8; 16];

fn links_digest(links: &Links) -> LinksDigest {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    match links {
        Links::Commit { tree, parents } => {
            h.update(b"c");
            h.update(tree.0);
            for p in parents {
                h.update(p.0);
            }
        }
        Links::Tree { entries } => {
            h.update(b"t");
            for (mode, oid) in entries {
                h.update(mode.to_be_bytes());
                h.update(oid.0);
            }
        }
        Links::Blob => h.update(b"b"),
        Links::Tag { target } => {
            h.update(b"g");
            h.update(target.0);
        }
    }
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize()[..16]);
    out
}

/// Fetches everything reachable from `wants` that `repo` lacks.
///
/// Three threads: this one plans (walks the NIPObjects) and hands batches
/// of planned objects on as it goes, one fetches and verifies their data,
/// one compresses and writes the pack. The pack's object count is known
/// only when the plan ends, so the pack writes it at commit.
pub fn fetch(repo: &Repository, remote: &Remote<'_>, wants: &[Oid], progress: bool) -> Result<Fetched, Error> {
    if remote.index.as_ref().is_some_and(|(_, i)| i.v2.is_some()) {
        return crate::packfetch::fetch(repo, remote, wants, progress);
    }
    let url = remote.url();
    let context = |e: Error| e.context(format!("fetching from {url}"));
    let pack = PackWriter::new(repo).map_err(|e| context(e.into()))?;
    let config = crate::config::Settings::of(Some(repo));
    let limits = FetchLimits::read(Some(&config), pack.dir()).map_err(context)?;
    log::info!("fetch limits: {:?}", limits);
    let blocks = &remote.blocks;
    let estimate = clone_total(repo, remote, wants);
    let planned_total = std::sync::atomic::AtomicU64::new(0);
    // Set when the plan fails: the verifier stops at once rather than
    // finish the batches already planned.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (plan_tx, plan_rx) = std::sync::mpsc::sync_channel::<Vec<Planned>>(PLAN_PIPELINE);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Piece>>(PIPELINE);
    std::thread::scope(|scope| {
        let total = &planned_total;
        let stop = &stop;
        let verifier = scope.spawn(move || {
            let mut out = Batcher { tx, pieces: Vec::with_capacity(BATCH_PIECES), bytes: 0 };
            let outcome = verify_all(blocks, plan_rx, (estimate, total), stop, progress, &mut out)?;
            out.flush().map_err(|_| closed())?;
            Ok::<_, Error>(outcome)
        });
        let writer = scope.spawn(move || write_pack(pack, rx));
        let planned = plan(repo, remote, wants, &limits, &plan_tx);
        match &planned {
            Ok((n, _)) => planned_total.store(*n, std::sync::atomic::Ordering::Relaxed),
            Err(_) => stop.store(true, std::sync::atomic::Ordering::Relaxed),
        }
        drop(plan_tx);
        let verified = verifier.join().map_err(|_| Error::from(FetchError::Panicked { thread: "verifying" }));
        let written = writer.join().map_err(|_| Error::from(FetchError::Panicked { thread: "pack writing" }));
        // A thread that stopped makes the one feeding it stop too: report
        // the first cause, the writer's, then the plan's (a failed plan
        // stops the verifier), then the verifier's.
        let pack = written.and_then(|w| w.map_err(Error::from)).map_err(context)?;
        let (planned, seen) = planned.map_err(context)?;
        let outcome = verified.and_then(|v| v).map_err(context)?;
        check_tag_targets(repo, &outcome.tags, &seen).map_err(context)?;
        drop(seen);
        if planned == 0 {
            return Ok(Fetched::default()); // the unused pack file is removed
        }
        if outcome.objects != planned || pack.count() as u64 != planned {
            let counts = FetchError::Counts { planned, verified: outcome.objects, packed: pack.count() };
            return Err(context(counts.into()));
        }
        let keep = pack.commit().map_err(|e| context(e.into()))?;
        Ok(Fetched { outcome, keep: Some(keep) })
    })
}

/// The progress total of a clone before the plan has counted: the index's
/// object counts, when git wants every ref of the remote into a repository
/// with no refs (so, likely, no objects). Another fetch's total is known
/// when the plan ends; so is a clone's exactly (its index may count objects
/// no ref reaches any more).
fn clone_total(repo: &Repository, remote: &Remote<'_>, wants: &[Oid]) -> u64 {
    let Some((_, index)) = &remote.index else { return 0 };
    let empty = repo.references().map(|mut r| r.next().is_none()).unwrap_or(false);
    let wanted: std::collections::HashSet<Hash> = wants.iter().map(|w| Hash::from(*w)).collect();
    match empty && index.refs.iter().all(|(_, h)| wanted.contains(h)) {
        true => index.counts.total(),
        false => 0,
    }
}

/// Refuses a tag whose target is not of the type the tag says, as git's
/// connectivity check would after the fetch (leaving the pack behind):
/// the target's type is the plan's (its NIPObject's, covered by its SHA-1)
/// or, for an object the repository had, the repository's.
fn check_tag_targets(repo: &Repository, tags: &[TagClaim], seen: &HashMap<Hash, Seen>) -> Result<(), Error> {
    let odb = repo.odb()?;
    for t in tags {
        let is = match seen.get(&t.target) {
            Some(Seen::Planned(kind)) => Some(*kind),
            _ => odb.read_header(t.target.oid()).ok().and_then(|(_, kind)| ObjectType::from_git(kind)),
        };
        if let Some(is) = is {
            if is != t.kind {
                return Err(Error::Object {
                    oid: t.tag.to_string(),
                    why: format!(
                        "this tag says {} is a {}, but it is a {}; git would refuse this repository",
                        t.target,
                        t.kind.name(),
                        is.name()
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Writes the pieces the verifier sends into `pack`, compressing them.
fn write_pack(mut pack: PackWriter, rx: std::sync::mpsc::Receiver<Vec<Piece>>) -> std::io::Result<PackWriter> {
    let mut encoder = EntryEncoder::default();
    for batch in rx {
        for piece in batch {
            match piece {
                Piece::Start(kind, size) => encoder.begin(kind, size)?,
                Piece::Data(d) => {
                    encoder.write(&d)?;
                    if encoder.pending() >= OUT_CHUNK {
                        pack.append(encoder.bytes(), None)?;
                        encoder.clear();
                    }
                }
                Piece::Done(oid) => {
                    encoder.end()?;
                    pack.append(encoder.bytes(), Some(oid))?;
                    encoder.clear();
                }
            }
        }
    }
    Ok(pack)
}

/// What the plan knows of an object it met.
enum Seen {
    /// Waiting to be read; the type the object pointing to it gave it.
    Queued(Option<ObjectType>),
    /// Read: its NIPObject's type (which its SHA-1 covers).
    Planned(ObjectType),
}

/// Walks the NIPObjects from `wants`, sending the objects to transfer in
/// batches as they are found; returns how many it sent. Each object's
/// claimed size is checked against its kind's bound and added up against
/// `limits` before its batch is sent, so nothing past a limit is fetched.
fn plan(
    repo: &Repository,
    remote: &Remote<'_>,
    wants: &[Oid],
    limits: &FetchLimits,
    out: &std::sync::mpsc::SyncSender<Vec<Planned>>,
) -> Result<(u64, HashMap<Hash, Seen>), Error> {
    let odb = repo.odb()?;
    let Some(map) = remote.objects() else {
        return match wants.first() {
            Some(w) => Err(Error::NotInRepository { oid: w.to_string() }),
            None => Ok((0, HashMap::new())),
        };
    };
    let started = std::time::Instant::now();
    // Most lookups miss in a clone; without NO_REFRESH libgit2 rescans the
    // pack directory after every miss.
    let local = |oid: Oid| odb.exists_ext(oid, git2::OdbLookupFlags::NO_REFRESH);
    // Every object queued, with the type the object pointing to it says it
    // has (a tree entry of mode 040000 is a tree...): git refuses a
    // repository where the two disagree, so the fetch does, before writing.
    let mut seen: HashMap<Hash, Seen> = HashMap::new();
    let mut queue: Vec<Hash> = Vec::new();
    for w in wants {
        let h = Hash::from(*w);
        if !local(*w) && !seen.contains_key(&h) {
            seen.insert(h, Seen::Queued(None));
            queue.push(h);
        }
    }
    let mut sent = 0u64;
    let mut claimed = 0u64;
    let mut next = Vec::new();
    // The first round is what git asked for: a hash missing there is one
    // the repository does not hold, not a hole in it.
    let mut wanted = true;
    while !queue.is_empty() {
        for batch in queue.chunks(PLAN_BATCH) {
            let cids = map.lookup_many(batch)?;
            let mut found = Vec::with_capacity(batch.len());
            for (oid, cid) in batch.iter().zip(cids) {
                found.push(cid.ok_or_else(|| match wanted {
                    true => Error::NotInRepository { oid: oid.to_string() },
                    false => Error::MissingObject { oid: oid.to_string() },
                })?);
            }
            // NIPObjects are read PLAN_FETCH at a time, lazily: a hostile map
            // of 1 MiB tree NIPObjects keeps at most PLAN_FETCH MiB here.
            let blocks = found.chunks(PLAN_FETCH).flat_map(|chunk| match remote.blocks.get_many(chunk) {
                Ok(got) => got.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            });
            let mut plan = Vec::with_capacity(batch.len());
            for ((oid, cid), bytes) in batch.iter().zip(&found).zip(blocks) {
                let bytes = bytes?;
                let object = NipObject::from_block(cid, &bytes).map_err(|e| Error::from(e).context(format!("object {oid}")))?;
                if object.oid != *oid {
                    return Err(Error::Object {
                        oid: oid.to_string(),
                        why: format!("the index maps it to NIPObject {cid}, which describes {}", object.oid),
                    });
                }
                crate::limits::check_claim(&object)?;
                claimed = claimed.saturating_add(object.size);
                if claimed > limits.bytes.value {
                    return Err(limits.bytes_exceeded(&object));
                }
                let wrong_type = |oid: &Hash, is: ObjectType, said: ObjectType| Error::Object {
                    oid: oid.to_string(),
                    why: format!(
                        "it is a {}, but an object pointing to it says it is a {}; git would refuse this repository",
                        is.name(),
                        said.name()
                    ),
                };
                if let Some(Seen::Queued(Some(said))) = seen.get(oid) {
                    if *said != object.kind() {
                        return Err(wrong_type(oid, object.kind(), *said));
                    }
                }
                seen.insert(*oid, Seen::Planned(object.kind()));
                for (child, said) in object.typed_children() {
                    match (seen.get_mut(&child), said) {
                        (None, _) if !local(child.oid()) => {
                            seen.insert(child, Seen::Queued(said));
                            next.push(child);
                        }
                        (None, _) => {}
                        (Some(Seen::Queued(first @ None)), _) => *first = said,
                        (Some(Seen::Queued(Some(first))), Some(said)) if *first != said => {
                            return Err(Error::Object {
                                oid: child.to_string(),
                                why: format!(
                                    "one object pointing to it says it is a {}, another a {}; git would refuse this repository",
                                    first.name(),
                                    said.name()
                                ),
                            })
                        }
                        (Some(Seen::Planned(is)), Some(said)) if *is != said => return Err(wrong_type(&child, *is, said)),
                        _ => {}
                    }
                }
                // Every hash seen is an object to fetch: bounding them bounds
                // the plan's memory too.
                if seen.len() as u64 > limits.objects.value {
                    return Err(limits.objects_exceeded(&object));
                }
                plan.push(Planned {
                    oid: *oid,
                    kind: object.kind(),
                    size: object.size,
                    data: object.data,
                    links: links_digest(&object.links),
                });
            }
            sent += plan.len() as u64;
            // A closed channel: the verifier stopped, and reports why.
            if out.send(plan).is_err() {
                return Ok((sent, seen));
            }
        }
        queue = std::mem::take(&mut next);
        wanted = false;
    }
    log::info!("planned {sent} objects in {:.2}s", started.elapsed().as_secs_f64());
    Ok((sent, seen))
}

/// What the verifying thread hands the pack-writing one: an object's
/// start, its bytes as they come, and its end once it checked out. (The
/// verifier hashes, with SHA-1DC, the slowest step; the writer compresses:
/// that splits the work about evenly over two cores.)
enum Piece {
    Start(ObjectType, u64),
    Data(Vec<u8>),
    Done(Hash),
}

/// Batches in flight between the verifier and the pack writer.
const PIPELINE: usize = 32;
/// A batch goes when it holds this many bytes or [`BATCH_PIECES`] pieces:
/// one channel message (and one thread wake-up) per batch, not per piece,
/// and at most about 32 MiB in flight.
const BATCH_BYTES: usize = 1 << 20;
const BATCH_PIECES: usize = 512;

/// Pieces for the pack writer, sent in batches.
struct Batcher {
    tx: std::sync::mpsc::SyncSender<Vec<Piece>>,
    pieces: Vec<Piece>,
    bytes: usize,
}

impl Batcher {
    fn push(&mut self, piece: Piece) -> Result<(), ()> {
        if let Piece::Data(d) = &piece {
            self.bytes += d.len();
        }
        self.pieces.push(piece);
        if self.bytes >= BATCH_BYTES || self.pieces.len() >= BATCH_PIECES {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ()> {
        if self.pieces.is_empty() {
            return Ok(());
        }
        self.bytes = 0;
        self.tx.send(std::mem::replace(&mut self.pieces, Vec::with_capacity(BATCH_PIECES))).map_err(|_| ())
    }
}

/// Fetches every planned object's data, checks it, and sends it on.
/// Stops early, with what it did so far, once `stop` is set (the plan
/// failed, and the fetch reports why).
fn verify_all(
    blocks: &crate::store::Verified<'_>,
    plan: std::sync::mpsc::Receiver<Vec<Planned>>,
    (estimate, total): (u64, &std::sync::atomic::AtomicU64),
    stop: &std::sync::atomic::AtomicBool,
    show: bool,
    tx: &mut Batcher,
) -> Result<FetchOutcome, Error> {
    let mut outcome = FetchOutcome::default();
    // The plan's count once it is known (0 until then); a clone's estimate
    // before.
    let mut progress = Progress::new("Receiving objects", estimate, show);
    let stopped = || stop.load(std::sync::atomic::Ordering::Relaxed);
    for planned in plan {
        for batch in planned.chunks(DATA_BATCH) {
            if stopped() {
                return Ok(outcome);
            }
            match total.load(std::sync::atomic::Ordering::Relaxed) {
                0 => {}
                planned => progress.set_total(planned),
            }
            let roots: Vec<Cid> = batch.iter().map(|p| p.data).collect();
            let datas = blocks.get_many(&roots)?;
            for (p, root_bytes) in batch.iter().zip(datas) {
                if stopped() {
                    return Ok(outcome);
                }
                if p.kind != ObjectType::Blob {
                    verify_whole(blocks, p, root_bytes, tx, &mut outcome.tags)?;
                } else if p.size >= VERIFY_FIRST {
                    blob_pass(blocks, p, Some(root_bytes.clone()), &stopped, None)?;
                    if stopped() {
                        return Ok(outcome);
                    }
                    // The same root CID gives the same bytes (every block is
                    // checked against its CID): no second hash.
                    blob_pass(blocks, p, Some(root_bytes), &stopped, Some((tx, false)))?;
                } else {
                    blob_pass(blocks, p, Some(root_bytes), &stopped, Some((tx, true)))?;
                }
                outcome.objects += 1;
                outcome.bytes += p.size;
                progress.inc(p.size);
            }
        }
    }
    progress.set_total(outcome.objects);
    progress.finish();
    Ok(outcome)
}

fn closed() -> Error {
    FetchError::WriterStopped.into()
}

/// Reads `p`'s content into `sink`, checking that it has exactly its
/// claimed size; with `hash`, checks its SHA-1 (over header and content).
fn read_content(
    blocks: &crate::store::Verified<'_>,
    p: &Planned,
    root_bytes: Option<Vec<u8>>,
    hash: bool,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), Error> {
    let mut sha = Sha1::new();
    sha.update(format!("{} {}\0", p.kind.name(), p.size).as_bytes());
    let mut len = 0u64;
    let mut counted = |chunk: &[u8]| -> std::io::Result<()> {
        len += chunk.len() as u64;
        if len > p.size {
            return Err(std::io::Error::other(format!("object {} has more than its {} bytes", p.oid, p.size)));
        }
        if hash {
            sha.update(chunk);
        }
        sink(chunk)
    };
    unixfs::read(blocks, &p.data, root_bytes, p.size, &mut counted)
        .map_err(|e| Error::from(e).context(format!("object {}", p.oid)))?;
    if len != p.size {
        return Err(Error::Object { oid: p.oid.to_string(), why: format!("{len} bytes where {} were announced", p.size) });
    }
    if hash {
        check_hash(p, sha)?;
    }
    Ok(())
}

/// Checks the SHA-1 the content hashed to.
fn check_hash(p: &Planned, sha: Sha1) -> Result<(), Error> {
    let result = sha.try_finalize();
    if result.has_collision() {
        return Err(Error::Object {
            oid: p.oid.to_string(),
            why: "its content is a SHA-1 collision attack (detected by SHA-1DC, as git detects it)".into(),
        });
    }
    let actual = Hash((*result.hash()).into());
    if actual != p.oid {
        return Err(Error::ObjectHash { oid: p.oid.to_string(), actual: actual.to_string() });
    }
    Ok(())
}

/// A commit, tree or tag (at most [`crate::limits::MAX_NON_BLOB`], as the
/// plan checked): read whole, its hash and links checked, and only then
/// sent to the pack.
fn verify_whole(
    blocks: &crate::store::Verified<'_>,
    p: &Planned,
    root_bytes: Vec<u8>,
    tx: &mut Batcher,
    tags: &mut Vec<TagClaim>,
) -> Result<(), Error> {
    let mut content = Vec::with_capacity(p.size.min(crate::block::MAX_BLOCK as u64) as usize);
    read_content(blocks, p, Some(root_bytes), true, &mut |chunk| {
        content.extend_from_slice(chunk);
        Ok(())
    })?;
    if links_digest(&crate::links::parse(p.oid, p.kind, &content)?) != p.links {
        return Err(Error::Object { oid: p.oid.to_string(), why: "its NIPObject lists other links than its content has".into() });
    }
    if p.kind == ObjectType::Tag {
        if let Links::Tag { target } = crate::links::parse(p.oid, p.kind, &content)? {
            tags.push(TagClaim { tag: p.oid, target, kind: crate::links::tag_target_type(p.oid, &content)? });
        }
    }
    tx.push(Piece::Start(p.kind, p.size)).map_err(|_| closed())?;
    if !content.is_empty() {
        tx.push(Piece::Data(content)).map_err(|_| closed())?;
    }
    tx.push(Piece::Done(p.oid)).map_err(|_| closed())
}

/// One pass over a blob: with `out = Some((tx, hash))` its bytes go to
/// the pack as they are read (its end only once they checked out), hashed
/// if `hash`; with `None` it is only hashed.
fn blob_pass(
    blocks: &crate::store::Verified<'_>,
    p: &Planned,
    root_bytes: Option<Vec<u8>>,
    stopped: &dyn Fn() -> bool,
    out: Option<(&mut Batcher, bool)>,
) -> Result<(), Error> {
    let (mut tx, hash) = match out {
        Some((tx, hash)) => (Some(tx), hash),
        None => (None, true),
    };
    if let Some(tx) = tx.as_deref_mut() {
        tx.push(Piece::Start(p.kind, p.size)).map_err(|_| closed())?;
    }
    read_content(blocks, p, root_bytes, hash, &mut |chunk| {
        if stopped() {
            return Err(std::io::Error::other("the fetch stopped"));
        }
        match tx.as_deref_mut() {
            Some(tx) => tx.push(Piece::Data(chunk.to_vec())).map_err(|_| std::io::Error::other("the pack writer stopped")),
            None => Ok(()),
        }
    })?;
    if let Some(tx) = tx {
        tx.push(Piece::Done(p.oid)).map_err(|_| closed())?;
    }
    Ok(())
}
