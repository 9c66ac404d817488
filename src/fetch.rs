//! What `git fetch` and `git clone` do: find the objects the repository
//! lacks, verify them, and write them as one pack.
//!
//! 1. **Plan.** From the wanted tips, follow the git hashes in NIPObjects
//!    breadth first, in batches: one object-map lookup and one block request
//!    per batch. An object already in the local repository stops the walk
//!    there (as git's own negotiation does), so a fetch after a small push
//!    reads only the new objects. Gitlinks are never followed.
//! 2. **Transfer.** Each object's UnixFS data is fetched (small objects in
//!    batches, large ones chunk by chunk), every block is checked against its
//!    CID and the object's SHA-1 is recomputed over `type size\0data` with
//!    collision detection (SHA-1DC, as git does), on one thread, while
//!    another compresses the bytes and writes the pack and its index (from
//!    those recomputed ids: nothing hashes objects twice). Any mismatch
//!    aborts before the pack is committed: the repository is unchanged and
//!    git updates no ref.

use crate::format::{Hash, Links, NipObject, ObjectType};
use crate::pack::{EntryEncoder, PackWriter, OUT_CHUNK};
use crate::progress::Progress;
use crate::remote::Remote;
use crate::unixfs;
use crate::Error;
use cid::Cid;
use git2::{Oid, Repository};
use sha1_checked::{Digest, Sha1};
use std::collections::HashSet;

/// Objects looked up and fetched per request while planning.
const PLAN_BATCH: usize = 2048;
/// Data roots fetched per request while transferring.
const DATA_BATCH: usize = 256;

/// What a fetch wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct FetchOutcome {
    pub objects: u64,
    pub bytes: u64,
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
pub fn fetch(repo: &Repository, remote: &Remote<'_>, wants: &[Oid], progress: bool) -> Result<Fetched, Error> {
    let url = remote.url();
    let plan = plan(repo, remote, wants).map_err(|e| e.context(format!("fetching from {url}")))?;
    transfer(repo, remote, &plan, progress).map_err(|e| e.context(format!("fetching from {url}")))
}

fn plan(repo: &Repository, remote: &Remote<'_>, wants: &[Oid]) -> Result<Vec<Planned>, Error> {
    let odb = repo.odb()?;
    let Some(map) = remote.objects() else {
        return match wants.first() {
            Some(w) => Err(Error::MissingObject { oid: w.to_string() }),
            None => Ok(Vec::new()),
        };
    };
    let started = std::time::Instant::now();
    // Most lookups miss in a clone; without NO_REFRESH libgit2 rescans the
    // pack directory after every miss.
    let local = |oid: Oid| odb.exists_ext(oid, git2::OdbLookupFlags::NO_REFRESH);
    let mut seen: HashSet<Hash> = HashSet::new();
    let mut queue: Vec<Hash> = Vec::new();
    for w in wants {
        let h = Hash::from(*w);
        if !local(*w) && seen.insert(h) {
            queue.push(h);
        }
    }
    let mut plan = Vec::new();
    let mut next = Vec::new();
    while !queue.is_empty() {
        for batch in queue.chunks(PLAN_BATCH) {
            let cids = map.lookup_many(batch)?;
            let mut found = Vec::with_capacity(batch.len());
            for (oid, cid) in batch.iter().zip(cids) {
                found.push(cid.ok_or_else(|| Error::MissingObject { oid: oid.to_string() })?);
            }
            let blocks = remote.blocks.get_many(&found)?;
            for ((oid, cid), bytes) in batch.iter().zip(&found).zip(blocks) {
                let object = NipObject::from_block(cid, &bytes).map_err(|e| Error::from(e).context(format!("object {oid}")))?;
                if object.oid != *oid {
                    return Err(Error::Object {
                        oid: oid.to_string(),
                        why: format!("the index maps it to NIPObject {cid}, which describes {}", object.oid),
                    });
                }
                for child in object.children() {
                    if !seen.contains(&child) && !local(child.oid()) {
                        seen.insert(child);
                        next.push(child);
                    }
                }
                plan.push(Planned {
                    oid: *oid,
                    kind: object.kind(),
                    size: object.size,
                    data: object.data,
                    links: links_digest(&object.links),
                });
            }
        }
        queue = std::mem::take(&mut next);
    }
    log::info!("planned {} objects in {:.2}s", plan.len(), started.elapsed().as_secs_f64());
    Ok(plan)
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

/// Batches in flight between the two threads.
const PIPELINE: usize = 8;
/// A batch goes when it holds this many bytes or [`BATCH_PIECES`] pieces:
/// one channel message (and one thread wake-up) per batch, not per piece,
/// and at most about 8 MiB in flight.
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

/// Fetches, verifies and packs `plan` on two threads: a spawned one fetches
/// blocks and recomputes every SHA-1; this one compresses and writes the
/// pack and its index. The pack is committed only after the verifying thread has
/// finished without error, so nothing unverified ever reaches the
/// repository.
fn transfer(repo: &Repository, remote: &Remote<'_>, plan: &[Planned], show: bool) -> Result<Fetched, Error> {
    if plan.is_empty() {
        return Ok(Fetched::default());
    }
    let count = u32::try_from(plan.len()).map_err(|_| Error::Other("too many objects for one pack".into()))?;
    let mut pack = PackWriter::new(repo, count)?;
    let blocks = &remote.blocks;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Piece>>(PIPELINE);
    std::thread::scope(|scope| {
        let verifier = scope.spawn(move || {
            let mut out = Batcher { tx, pieces: Vec::with_capacity(BATCH_PIECES), bytes: 0 };
            let outcome = verify_all(blocks, plan, show, &mut out)?;
            out.flush().map_err(|_| Error::Other("the pack writer stopped".into()))?;
            Ok::<_, Error>(outcome)
        });
        let write = || -> std::io::Result<()> {
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
            Ok(())
        };
        let written = write();
        let verified = verifier.join().map_err(|_| Error::Other("the verifying thread panicked".into()))?;
        // A failed write stops the verifier too: report the write's cause.
        written?;
        let outcome = verified?;
        let keep = pack.commit()?;
        Ok(Fetched { outcome, keep: Some(keep) })
    })
}

/// Fetches every planned object's data, checks it, and sends it on.
fn verify_all(
    blocks: &crate::store::Verified<'_>,
    plan: &[Planned],
    show: bool,
    tx: &mut Batcher,
) -> Result<FetchOutcome, Error> {
    let mut outcome = FetchOutcome::default();
    let mut progress = Progress::new("Receiving objects", plan.len() as u64, show);
    let closed = || Error::Other("the pack writer stopped".into());
    for batch in plan.chunks(DATA_BATCH) {
        let roots: Vec<Cid> = batch.iter().map(|p| p.data).collect();
        let datas = blocks.get_many(&roots)?;
        for (p, root_bytes) in batch.iter().zip(datas) {
            let mut sha = Sha1::new();
            sha.update(format!("{} {}\0", p.kind.name(), p.size).as_bytes());
            let mut len = 0u64;
            // Commits, trees and tags are small: keep them to check their links.
            let mut content = Vec::new();
            let keep = p.kind != ObjectType::Blob;
            tx.push(Piece::Start(p.kind, p.size)).map_err(|_| closed())?;
            let mut sink = |chunk: &[u8]| -> std::io::Result<()> {
                len += chunk.len() as u64;
                if len > p.size {
                    return Err(std::io::Error::other(format!("object {} has more than its {} bytes", p.oid, p.size)));
                }
                sha.update(chunk);
                if keep {
                    content.extend_from_slice(chunk);
                }
                tx.push(Piece::Data(chunk.to_vec())).map_err(|_| std::io::Error::other("the pack writer stopped"))
            };
            unixfs::read(blocks, &p.data, Some(root_bytes), p.size, &mut sink)
                .map_err(|e| Error::from(e).context(format!("object {}", p.oid)))?;
            if len != p.size {
                return Err(Error::Object {
                    oid: p.oid.to_string(),
                    why: format!("{len} bytes where {} were announced", p.size),
                });
            }
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
            if keep && links_digest(&crate::links::parse(p.oid, p.kind, &content)?) != p.links {
                return Err(Error::Object {
                    oid: p.oid.to_string(),
                    why: "its NIPObject lists other links than its content has".into(),
                });
            }
            tx.push(Piece::Done(p.oid)).map_err(|_| closed())?;
            outcome.objects += 1;
            outcome.bytes += p.size;
            progress.inc(p.size);
        }
    }
    progress.finish();
    Ok(outcome)
}
