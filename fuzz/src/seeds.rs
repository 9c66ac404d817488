//! `nip-fuzz seed-corpus`: the seed corpus from a real push.
//!
//! Reads every block of an embedded store (`$NIP_HOME/packs/*.pack`) after
//! `git push nip::new-ipfs`, sorts them by kind, and keeps a few small ones
//! of each, plus a CAR made of some of them and raw git objects of the
//! pushed repository. `fuzz/seed-corpus.sh` runs the whole thing.

use cid::Cid;
use nip::block::{Block, DAG_CBOR, DAG_PB, RAW};
use nip::format::{self, KIND_INDEX, KIND_LEAF, KIND_NODE, KIND_OBJECT};
use std::collections::BTreeMap;
use std::path::Path;

/// Largest block kept in the corpus.
const MAX_SEED: usize = 48 << 10;

pub fn write(store: &Path, repo: &Path, out: &Path) -> Result<(), String> {
    let mut blocks = Vec::new();
    let mut packs: Vec<_> = std::fs::read_dir(store.join("packs"))
        .map_err(|e| format!("{}: {e}", store.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pack"))
        .collect();
    packs.sort();
    for p in &packs {
        let f = std::fs::File::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let mut r = nip::car::Reader::new(std::io::BufReader::new(f)).map_err(|e| format!("{}: {e}", p.display()))?;
        while let Some(b) = r.next_block().map_err(|e| format!("{}: {e}", p.display()))? {
            blocks.push(b);
        }
    }
    blocks.sort_by(|a, b| a.data.len().cmp(&b.data.len()).then(a.cid.cmp(&b.cid)));
    blocks.dedup_by(|a, b| a.cid == b.cid);
    let mut by_kind: BTreeMap<&str, Vec<&Block>> = BTreeMap::new();
    for b in &blocks {
        let kind = match b.cid.codec() {
            DAG_CBOR => [KIND_INDEX, KIND_OBJECT, KIND_LEAF, KIND_NODE]
                .into_iter()
                .find(|k| format::check_header(&b.cid, &b.data, k).is_ok())
                .unwrap_or("other"),
            DAG_PB => "dag-pb",
            RAW => "raw",
            _ => "other",
        };
        by_kind.entry(kind).or_default().push(b);
    }
    for (k, v) in &by_kind {
        println!("{k}: {} blocks", v.len());
    }
    let get = |k: &str| by_kind.get(k).cloned().unwrap_or_default();
    // NIPObjects: a few of each git type, small ones first.
    let mut objects: BTreeMap<String, Vec<&Block>> = BTreeMap::new();
    for b in get(KIND_OBJECT) {
        if let Ok(o) = nip::format::NipObject::from_block(&b.cid, &b.data) {
            objects.entry(o.kind().name().to_string()).or_default().push(b);
        }
    }
    let mut chosen_objects = Vec::new();
    for v in objects.values() {
        // The smallest, a middle one and the largest of each type.
        let picks = [0, v.len() / 2, v.len().saturating_sub(1)];
        for i in picks {
            if v[i].data.len() <= MAX_SEED && !chosen_objects.contains(&v[i]) {
                chosen_objects.push(v[i]);
            }
        }
    }
    save(out, "object", &chosen_objects)?;
    save(out, "index", &get(KIND_INDEX).into_iter().rev().take(3).collect::<Vec<_>>())?;
    let shards: Vec<&Block> = get(KIND_LEAF).into_iter().chain(get(KIND_NODE)).filter(|b| b.data.len() <= MAX_SEED).collect();
    let mut shards_kept: Vec<&Block> = shards.iter().take(2).copied().collect();
    shards_kept.extend(shards.iter().rev().take(1));
    save(out, "shard", &shards_kept)?;
    let pb = get("dag-pb");
    save(out, "unixfs-node", &pb.iter().take(3).copied().collect::<Vec<_>>())?;

    // A CAR: the newest index as root, then the map, the objects and a few
    // small raw blocks.
    let roots: Vec<Cid> = get(KIND_INDEX).last().map(|b| b.cid).into_iter().collect();
    let mut car = nip::car::header(&roots);
    let raws = get("raw");
    let in_car =
        get(KIND_INDEX).into_iter().chain(shards_kept.iter().take(1).copied()).chain(chosen_objects.iter().take(6).copied());
    for b in in_car.chain(raws.iter().take(4).copied()).chain(pb.iter().take(1).copied()) {
        nip::car::write_block(&mut car, b).map_err(|e| e.to_string())?;
    }
    write_file(&out.join("car"), "pushed.car", &car)?;

    // Raw git objects: first byte the kind (0 commit, 1 tree, 2 blob, 3 tag).
    let repo = git2::Repository::open(repo).map_err(|e| format!("{}: {e}", repo.display()))?;
    let odb = repo.odb().map_err(|e| e.to_string())?;
    let mut all: Vec<(git2::ObjectType, Vec<u8>)> = Vec::new();
    odb.foreach(|oid| {
        if let Ok(o) = odb.read(*oid) {
            if o.len() <= 16 << 10 {
                all.push((o.kind(), o.data().to_vec()));
            }
        }
        true
    })
    .map_err(|e| e.to_string())?;
    all.sort_by(|a, b| a.1.len().cmp(&b.1.len()).then(a.1.cmp(&b.1)));
    let mut links: Vec<Vec<u8>> = Vec::new();
    for (kind, code) in [(git2::ObjectType::Commit, 0u8), (git2::ObjectType::Tree, 1), (git2::ObjectType::Tag, 3)] {
        let of: Vec<&Vec<u8>> = all.iter().filter(|(k, _)| *k == kind).map(|(_, d)| d).collect();
        // Merge commits (two parents) are the interesting ones.
        let mut picks: Vec<&Vec<u8>> =
            of.iter().filter(|d| d.windows(7).filter(|w| w == b"parent ").count() > 1).take(2).copied().collect();
        picks.extend([0, of.len() / 2, of.len().saturating_sub(1)].iter().filter_map(|&i| of.get(i).copied()));
        picks.dedup();
        for d in picks {
            let mut v = vec![code];
            v.extend_from_slice(d);
            if !links.contains(&v) {
                links.push(v);
            }
        }
    }
    let dir = out.join("links");
    for l in &links {
        write_file(&dir, &format!("{:016x}", crate::mutate::fnv1a(l)), l)?;
    }

    // Text inputs: addresses, names, push lines and helper sessions, from
    // what this push produced.
    let index = roots.first().map(|c| c.to_string()).unwrap_or_default();
    let texts = [
        ("address", format!("nip::/ipfs/{index}")),
        ("address", format!("ipfs://{index}/")),
        ("ipns-name", format!("/ipfs/{index}")),
        ("helper", format!("capabilities\nlist\nfetch {} refs/heads/main\n\n\n", "1".repeat(40))),
    ];
    for (dir, t) in texts {
        write_file(&out.join(dir), &format!("{:016x}", crate::mutate::fnv1a(t.as_bytes())), t.as_bytes())?;
    }
    let kubo = cid::multibase::Base::Base64Pad.decode(crate::targets::KUBO_RECORD).map_err(|e| e.to_string())?;
    write_file(&out.join("ipns-record"), "kubo-0.39", &kubo)?;
    Ok(())
}

fn save(out: &Path, dir: &str, blocks: &[&Block]) -> Result<(), String> {
    for b in blocks {
        write_file(&out.join(dir), &b.cid.to_string(), &b.data)?;
    }
    Ok(())
}

fn write_file(dir: &Path, name: &str, data: &[u8]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let p = dir.join(name);
    std::fs::write(&p, data).map_err(|e| format!("{}: {e}", p.display()))
}
