//! The fuzz targets: one per decoder of data nip reads from the network or
//! from files another program could have written.
//!
//! Each target checks more than "no panic" where an invariant exists; an
//! `Err` from [`Harness::run`] is a failed invariant and counts as a crash.

use crate::mem::MemStore;
use crate::mutate::{fnv1a, Rng};
use cid::Cid;
use nip::block::{cid_of, sha256_cid, Block, DAG_CBOR, DAG_PB, IDENTITY, RAW};
use nip::format::ObjectType;
use nip::format::{self, Counts, Hash, IndexLinks, Links, NipIndex, NipObject, KIND_INDEX, KIND_LEAF, KIND_NODE, KIND_OBJECT};
use nip::objmap::{self, ObjectMap, Shard};
use nip::records::{
    read_packs, PackEntry, Record, RecordLinks, RefEntry, KIND_PACKS, KIND_PACKS_CHUNK, KIND_REFS_LEAF, KIND_REFS_NODE, OBJECTS,
    PACKS_CHUNK, REFS,
};
use nip::store::{BlockStore, StoreError, Verified};
use nip::trie::{self, Entry, Shard as TrieShard, Spec};
use serde::de::IgnoredAny;
use std::collections::HashMap;

pub type Check = Result<(), String>;

/// Inputs that got past the decoder (decoded, or read to the end) in
/// this process: how deep the mutations reach.
pub static HITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn hit() {
    HITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

/// A target once set up.
pub trait Harness {
    /// Seeds built in code (so a target works with no corpus directory).
    fn seeds(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }
    /// A fresh valid input, for targets that can make one; it is checked
    /// (encode then decode) before it is returned, and then mutated.
    fn generate(&mut self, _rng: &mut Rng) -> Option<Result<Vec<u8>, String>> {
        None
    }
    /// Runs one input; `Err` is a broken invariant.
    fn run(&mut self, input: &[u8]) -> Check;
}

pub struct Target {
    pub name: &'static str,
    pub about: &'static str,
    /// Subdirectories of the corpus whose files seed this target.
    pub corpora: &'static [&'static str],
    /// Tokens the mutator inserts.
    pub dict: &'static [&'static [u8]],
    /// Longest input made.
    pub max_len: usize,
    pub setup: fn() -> Box<dyn Harness>,
}

const CBOR_DICT: &[&[u8]] = &[
    b"\x84\x66NIPNIP\x01",
    b"\x65index",
    b"\x66object",
    b"\x6cobjects-leaf",
    b"\x6cobjects-node",
    b"\xd8\x2a\x58\x25\x00\x01\x71\x12\x20",
    b"\xd8\x2a\x58\x25\x00\x01\x55\x12\x20",
    b"\xd8\x2a\x58\x23\x00\x12\x20",
    b"\x54",
    b"\x58\x14",
    b"\xf6",
    b"\x1b\xff\xff\xff\xff\xff\xff\xff\xff",
    b"\x9a\xff\xff\xff\xff",
    b"\xba\x00\x01\x00\x00",
    b"\x63oid",
    b"\x64data",
    b"\x64size",
    b"\x64tree",
    b"\x64type",
    b"\x66target",
    b"\x67entries",
    b"\x67parents",
    b"\x64head",
    b"\x64refs",
    b"\x66counts",
    b"\x67objects",
    b"\x68previous",
    b"\x66commit",
    b"\x64blob",
    b"\x63tag",
    b"\x63tag\x64tree\x64blob",
];

const CBOR2_DICT: &[&[u8]] = &[
    b"\x84\x66NIPNIP\x02",
    b"\x65index",
    b"\x6cobjects-leaf",
    b"\x6cobjects-node",
    b"\x69refs-leaf",
    b"\x69refs-node",
    b"\x65packs",
    b"\x6bpacks-chunk",
    b"\xd8\x2a\x58\x25\x00\x01\x71\x12\x20",
    b"\xd8\x2a\x58\x25\x00\x01\x55\x12\x20",
    b"\x54",
    b"\x58\x14",
    b"\xf6",
    b"\x85",
    b"\x86",
    b"\x87",
    b"\x90",
    b"\x1b\xff\xff\xff\xff\xff\xff\xff\xff",
    b"\x1a\xff\xff\xff\xff",
    b"\x6frefs/heads/main",
];

const PB_DICT: &[&[u8]] = &[
    b"\x12\x24\x0a\x22\x12\x20",
    b"\x0a\x24\x01\x55\x12\x20",
    b"\x0a\x24\x01\x70\x12\x20",
    b"\x12\x00",
    b"\x0a\x02\x08\x02",
    b"\x18\x80\x80\x10",
    b"\x20\x80\x80\x10",
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
    b"\x01\x71\x12\x20",
];

const TEXT_DICT: &[&[u8]] = &[
    b"nip::",
    b"/ipfs/",
    b"/ipns/",
    b"ipfs://",
    b"ipns://",
    b"new-ipfs",
    b"new-ipns",
    b"bafy",
    b"bafk",
    b"Qm",
    b"k51qzi5uqu5d",
    b"12D3KooW",
    b"_dnslink.",
    b"dnslink=",
    b".example.org",
    b"/",
    b" ",
    b"\n",
    b"\0",
    b"\xc3\xa9",
    b"\xe2\x80\x8b",
];

const GIT_DICT: &[&[u8]] = &[
    b"tree ",
    b"parent ",
    b"author A U Thor <a@example.org> 1700000000 +0000\n",
    b"committer ",
    b"object ",
    b"type commit\n",
    b"tag v1\n",
    b"\n\n",
    b"100644 ",
    b"40000 ",
    b"160000 ",
    b"120000 ",
    b"0000000000000000000000000000000000000000",
    b"ABCDEFabcdef0123456789abcdef0123456789ab",
    b"\0",
    b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n -----END PGP SIGNATURE-----\n",
];

const HELPER_DICT: &[&[u8]] = &[
    b"capabilities\n",
    b"option ",
    b"progress ",
    b"verbosity ",
    b"dry-run ",
    b"true",
    b"false",
    b"99999999999999999999",
    b"list\n",
    b"list for-push\n",
    b"fetch ",
    b"push ",
    b"refs/heads/main",
    b"refs/tags/v1",
    b"+",
    b":",
    b"\n\n",
    b"\r\n",
    b"0000000000000000000000000000000000000000",
    b"HEAD",
];

const IPNS_DICT: &[&[u8]] = &[
    b"\x0a\x41/ipfs/",
    b"\x28\x05",
    b"\x4a\x40",
    b"\xa2\x65Value",
    b"\x68Sequence",
    b"\x58\x41",
    b"\x1b\xff\xff\xff\xff\xff\xff\xff\xff",
    b"\x12\x40",
    b"\x09\x00\x00\x00\x00\x00\x00\x00\x00",
    b"\x0d\x00\x00\x00\x00",
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
];

pub const TARGETS: &[Target] = &[
    Target {
        name: "header",
        about: "format::check_header for every kind of both formats, against a full parse of the header",
        corpora: &["header", "index", "object", "shard"],
        dict: CBOR_DICT,
        max_len: 64 << 10,
        setup: || Box::new(HeaderT),
    },
    Target {
        name: "index",
        about: "NipIndex::from_block; what decodes re-encodes to itself",
        corpora: &["index"],
        dict: CBOR_DICT,
        max_len: 64 << 10,
        setup: || Box::new(IndexT),
    },
    Target {
        name: "record",
        about: "records::Record (a format 2 NIPObject) from CBOR; links match the type; what decodes re-encodes canonically",
        corpora: &["record"],
        dict: CBOR2_DICT,
        max_len: 4 << 10,
        setup: || Box::new(NipRecordT),
    },
    Target {
        name: "trie-objects",
        about: "trie::Spec::decode of object map shards (records); leaves sorted, nodes of 16 slots, round trip",
        corpora: &["trie-objects"],
        dict: CBOR2_DICT,
        max_len: 64 << 10,
        setup: || Box::new(TrieShardT::<Record> { spec: OBJECTS, _e: std::marker::PhantomData }),
    },
    Target {
        name: "trie-refs",
        about: "trie::Spec::decode of refs shards; leaves sorted by name key, nodes of 16 slots, round trip",
        corpora: &["trie-refs"],
        dict: CBOR2_DICT,
        max_len: 64 << 10,
        setup: || Box::new(TrieShardT::<RefEntry> { spec: REFS, _e: std::marker::PhantomData }),
    },
    Target {
        name: "packs",
        about: "records::read_packs of a hostile packs list root (two real chunks in the store); counts add up, round trip",
        corpora: &["packs"],
        dict: CBOR2_DICT,
        max_len: 64 << 10,
        setup: || Box::new(PacksT::new()),
    },
    Target {
        name: "object",
        about: "NipObject::from_block; what decodes re-encodes to itself",
        corpora: &["object"],
        dict: CBOR_DICT,
        max_len: 64 << 10,
        setup: || Box::new(ObjectT),
    },
    Target {
        name: "shard",
        about: "objmap::decode_shard; leaves sorted, nodes of 256 slots, round trip",
        corpora: &["shard"],
        dict: CBOR_DICT,
        max_len: 256 << 10,
        setup: || Box::new(ShardT),
    },
    Target {
        name: "objmap",
        about: "ObjectMap lookup, walk and insert over a hostile root shard; lookups find only what is in the map, inserts are found",
        corpora: &["shard"],
        dict: CBOR_DICT,
        max_len: 256 << 10,
        setup: || Box::new(ObjMapT::new()),
    },
    Target {
        name: "unixfs-node",
        about: "unixfs::decode_node; links and data come from the input",
        corpora: &["unixfs-node"],
        dict: PB_DICT,
        max_len: 64 << 10,
        setup: || Box::new(UnixfsNodeT),
    },
    Target {
        name: "unixfs-read",
        about: "unixfs::read of a file whose root node is hostile; blocks fetched stay within the budget",
        corpora: &["unixfs-node"],
        dict: PB_DICT,
        max_len: 64 << 10,
        setup: || Box::new(UnixfsReadT::new()),
    },
    Target {
        name: "car",
        about: "car::Reader; what it reads writes back to a CAR that reads the same",
        corpora: &["car"],
        dict: PB_DICT,
        max_len: 128 << 10,
        setup: || Box::new(CarT),
    },
    Target {
        name: "car-verify",
        about: "car::Verifier, as a gateway's CAR streams in: every block handed on matches its CID, is the root or linked by one before it, comes once; any chunking gives the same outcome",
        corpora: &["car"],
        dict: PB_DICT,
        max_len: 128 << 10,
        setup: || Box::new(CarVerifyT),
    },
    Target {
        name: "local-idx",
        about: "the embedded store's .idx check, then lookups in a store opened with it; no read outside the pack",
        corpora: &["local-idx"],
        dict: &[b"NIPIDX1\n", b"\xff\xff\xff\xff\xff\xff\xff\xff", b"\x00\x00\x00\x00\x00\x00\x00\x00"],
        max_len: 16 << 10,
        setup: || Box::new(LocalIdxT::new()),
    },
    Target {
        name: "ipns-record",
        about: "ipns::record::decode; the value comes from the input, V1 and V2 re-encodings decode the same",
        corpora: &["ipns-record"],
        dict: IPNS_DICT,
        max_len: 16 << 10,
        setup: || Box::new(RecordT),
    },
    Target {
        name: "ipns-name",
        about: "ipns::Name::parse and ipns::index_of (DNSLink and record values); what parses prints and parses the same",
        corpora: &["ipns-name", "address"],
        dict: TEXT_DICT,
        max_len: 1024,
        setup: || Box::new(NameT),
    },
    Target {
        name: "address",
        about: "address::Address::parse; what parses prints and parses the same",
        corpora: &["address"],
        dict: TEXT_DICT,
        max_len: 1024,
        setup: || Box::new(AddressT),
    },
    Target {
        name: "links",
        about: "links::parse of commits, trees and tags (first byte: kind); never a hash that is not in the input",
        corpora: &["links"],
        dict: GIT_DICT,
        max_len: 64 << 10,
        setup: || Box::new(LinksT),
    },
    Target {
        name: "push-line",
        about: "push::PushCommand::parse; what parses prints and parses the same",
        corpora: &["push-line"],
        dict: HELPER_DICT,
        max_len: 1024,
        setup: || Box::new(PushLineT),
    },
    Target {
        name: "fetch",
        about: "fetch::fetch of a real format 1 repository with one NIPObject or data block hostile; a fetch gives exactly the real objects, or fails and writes no pack",
        corpora: &[],
        dict: CBOR_DICT,
        max_len: 16 << 10,
        setup: || Box::new(FetchT::new()),
    },
    Target {
        name: "helper",
        about: "helper::Helper::run over a whole session of git's helper protocol (new-ipfs, a memory store, an empty repository)",
        corpora: &["helper"],
        dict: HELPER_DICT,
        max_len: 4096,
        setup: || Box::new(HelperT::new()),
    },
];

pub fn find(name: &str) -> Option<&'static Target> {
    TARGETS.iter().chain(SELF_TESTS).find(|t| t.name == name)
}

// ---------------------------------------------------------------- helpers

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

fn hash(b: u8) -> Hash {
    Hash([b; 20])
}

fn rng_hash(rng: &mut Rng) -> Hash {
    let mut h = [0u8; 20];
    h.iter_mut().for_each(|b| *b = rng.byte());
    Hash(h)
}

/// A CID of some kind nip may meet: any of its codecs, sometimes inline or CIDv0.
fn rng_cid(rng: &mut Rng) -> Cid {
    let n = rng.below(8);
    let data = rng.bytes(n);
    match rng.below(6) {
        0 => sha256_cid(RAW, &[rng.byte(); 32]),
        1 => sha256_cid(DAG_PB, &[rng.byte(); 32]),
        2 => {
            let mh = cid::multihash::Multihash::<64>::wrap(IDENTITY, &data).unwrap_or_default();
            Cid::new_v1(RAW, mh)
        }
        3 => Cid::new_v0(*cid_of(DAG_PB, &data).hash()).unwrap_or_else(|_| cid_of(DAG_PB, &data)),
        _ => cid_of(DAG_CBOR, &data),
    }
}

fn rng_text(rng: &mut Rng, max: usize) -> String {
    const PIECES: &[&str] = &[
        "refs/",
        "refs/heads/",
        "heads/",
        "tags/",
        "main",
        "v1",
        "é",
        "\u{200b}",
        "/",
        "",
        "a",
        "-",
        "\0",
        "😀",
        "\n",
        " ",
        "..",
        ".lock",
    ];
    (0..rng.below(max)).map(|_| *rng.pick(PIECES)).collect()
}

// ---------------------------------------------------------------- header

struct HeaderT;

const KINDS: [&str; 8] =
    [KIND_INDEX, KIND_OBJECT, KIND_LEAF, KIND_NODE, KIND_REFS_LEAF, KIND_REFS_NODE, KIND_PACKS, KIND_PACKS_CHUNK];

impl Harness for HeaderT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let v1 = KINDS.iter().map(|k| format::encode(k, &()).map(|b| b.data).unwrap_or_default());
        let v2 = KINDS.iter().map(|k| format::encode_v2(k, &()).map(|b| b.data).unwrap_or_default());
        v1.chain(v2).collect()
    }

    fn run(&mut self, input: &[u8]) -> Check {
        let cid = cid_of(DAG_CBOR, input);
        let ok: Vec<&str> = KINDS.iter().copied().filter(|k| format::check_header(&cid, input, k).is_ok()).collect();
        ensure!(ok.len() <= 1, "check_header accepts one block as several kinds: {ok:?}");
        if !ok.is_empty() {
            hit();
        }
        for k in KINDS {
            if format::decode::<IgnoredAny>(&cid, input, k).is_ok() || format::decode_v2::<IgnoredAny>(&cid, input, k).is_ok() {
                ensure!(ok == [k], "decode as {k} works where check_header said {ok:?}");
            }
            let raw = cid_of(RAW, input);
            ensure!(format::check_header(&raw, input, k).is_err(), "check_header accepts a raw block as {k}");
        }
        // The fast path (bytes compared) agrees with a full parse.
        #[derive(serde::Deserialize)]
        struct Head(String, u64, String, IgnoredAny);
        if let Ok(Head(magic, version, kind, _)) = serde_ipld_dagcbor::from_slice::<Head>(input) {
            let readable = magic == format::MAGIC && format::READS.contains(&version);
            let want: Vec<&str> = KINDS.iter().copied().filter(|k| readable && *k == kind).collect();
            ensure!(ok == want, "check_header says {ok:?}, a full parse says [{magic:?}, {version}, {kind:?}]");
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- index

struct IndexT;

impl IndexT {
    fn make(rng: &mut Rng) -> NipIndex {
        // Mostly names git accepts (so most generated indexes decode), some
        // anything (so the refusal is exercised too).
        let name = |rng: &mut Rng| match rng.one_in(4) {
            true => rng_text(rng, 6),
            false => format!("refs/heads/{}{}", rng.pick(&["main", "v1", "a-b", "é"]), rng.below(100)),
        };
        // Format 2 half the time: its refs are in a trie the index links,
        // so the decoded index has none.
        let v2 = rng.one_in(2).then(|| IndexLinks { refs: rng_cid(rng), packs: (!rng.one_in(3)).then(|| rng_cid(rng)) });
        let mut refs: Vec<(String, Hash)> = match v2 {
            Some(_) => Vec::new(),
            None => (0..rng.below(6)).map(|_| (name(rng), rng_hash(rng))).collect(),
        };
        refs.sort();
        refs.dedup_by(|a, b| a.0 == b.0);
        NipIndex {
            head: (!rng.one_in(3)).then(|| name(rng)),
            refs,
            counts: Counts { tag: rng.size(), blob: rng.size(), tree: rng.size(), commit: rng.size() },
            objects: rng_cid(rng),
            prev: (!rng.one_in(2)).then(|| rng_cid(rng)),
            v2,
        }
    }
}

impl Harness for IndexT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let mut rng = Rng::new(1);
        (0..4).filter_map(|_| IndexT::make(&mut rng).to_block().ok()).map(|b| b.data).collect()
    }

    fn generate(&mut self, rng: &mut Rng) -> Option<Result<Vec<u8>, String>> {
        let idx = IndexT::make(rng);
        Some((|| {
            let b = idx.to_block().map_err(|e| format!("encoding a generated index: {e}"))?;
            // An index decodes exactly when every name in it is one git accepts.
            let valid = idx.refs.iter().map(|(n, _)| n).chain(&idx.head).all(|n| nip::refname::check(n).is_ok());
            match NipIndex::from_block(&b.cid, &b.data) {
                Ok(back) => {
                    ensure!(valid, "a generated index with an invalid ref name decodes: {idx:?}");
                    ensure!(back == idx, "generated index {idx:?} decodes as {back:?}");
                }
                Err(e) => ensure!(!valid, "a generated index {idx:?} does not decode: {e}"),
            }
            Ok(b.data)
        })())
    }

    fn run(&mut self, input: &[u8]) -> Check {
        let cid = cid_of(DAG_CBOR, input);
        let Ok(idx) = NipIndex::from_block(&cid, input) else { return Ok(()) };
        hit();
        ensure!(idx.refs.windows(2).all(|w| w[0].0 < w[1].0), "refs not sorted and unique: {:?}", idx.refs);
        for (name, h) in &idx.refs {
            ensure!(idx.get_ref(name) == Some(*h), "get_ref({name:?}) does not find its ref");
            ensure!(nip::refname::check(name).is_ok(), "an index with the invalid ref name {name:?} decodes");
        }
        if let Some(head) = &idx.head {
            ensure!(nip::refname::check(head).is_ok(), "an index with the invalid head {head:?} decodes");
        }
        ensure!(idx.v2.is_none() || idx.refs.is_empty(), "a format 2 index decodes with refs of its own");
        ensure!(idx.version() == input.get(8).copied().unwrap_or(0) as u64, "a format {} index decodes", idx.version());
        let b = idx.to_block().map_err(|e| format!("a decoded index does not encode: {e}"))?;
        let back = NipIndex::from_block(&b.cid, &b.data).map_err(|e| format!("a re-encoded index does not decode: {e}"))?;
        ensure!(back == idx, "decode(encode(x)) != x: {idx:?} / {back:?}");
        ensure!(back.to_block().map(|c| c.data).ok() == Some(b.data), "encoding is not stable");
        Ok(())
    }
}

// ---------------------------------------------------------------- format 2

fn rng_record(rng: &mut Rng) -> Record {
    let (kind, links) = match rng.below(4) {
        0 => (ObjectType::Commit, {
            let tree = rng_hash(rng);
            RecordLinks::commit(tree, (0..rng.below(4)).map(|_| rng_hash(rng)).collect())
        }),
        1 => (ObjectType::Tag, RecordLinks::Tag { target: rng_hash(rng) }),
        2 => (ObjectType::Tree, RecordLinks::None),
        _ => (ObjectType::Blob, RecordLinks::None),
    };
    Record { oid: rng_hash(rng), kind, size: rng.size(), pack: rng.next() as u32 >> rng.below(32), offset: rng.size(), links }
}

fn cbor<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, String> {
    serde_ipld_dagcbor::to_vec(v).map_err(|e| format!("encoding: {e}"))
}

struct NipRecordT;

impl Harness for NipRecordT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let mut rng = Rng::new(5);
        (0..8).filter_map(|_| cbor(&rng_record(&mut rng)).ok()).collect()
    }

    fn generate(&mut self, rng: &mut Rng) -> Option<Result<Vec<u8>, String>> {
        let r = rng_record(rng);
        Some((|| {
            let b = cbor(&r)?;
            let back: Record =
                serde_ipld_dagcbor::from_slice(&b).map_err(|e| format!("a generated record {r:?} does not decode: {e}"))?;
            ensure!(back == r, "generated record {r:?} decodes as {back:?}");
            Ok(b)
        })())
    }

    fn run(&mut self, input: &[u8]) -> Check {
        let Ok(r) = serde_ipld_dagcbor::from_slice::<Record>(input) else { return Ok(()) };
        hit();
        let links_fit = matches!(
            (&r.kind, &r.links),
            (ObjectType::Commit, RecordLinks::Commit { .. })
                | (ObjectType::Tag, RecordLinks::Tag { .. })
                | (ObjectType::Tree | ObjectType::Blob, RecordLinks::None)
        );
        ensure!(links_fit, "a {} record decodes with links {:?}", r.kind.name(), r.links);
        let b = cbor(&r)?;
        let back: Record = serde_ipld_dagcbor::from_slice(&b).map_err(|e| format!("a re-encoded record does not decode: {e}"))?;
        ensure!(back == r, "decode(encode(x)) != x: {r:?} / {back:?}");
        ensure!(cbor(&back)? == b, "encoding is not stable");
        Ok(())
    }
}

/// Shards of a trie of `E`: the input is one block.
struct TrieShardT<E> {
    spec: Spec,
    _e: std::marker::PhantomData<E>,
}

/// Seed entries of a trie: records, or refs.
trait SeedEntries: Entry + PartialEq + std::fmt::Debug {
    fn seed(rng: &mut Rng, i: usize) -> Self;
}

impl SeedEntries for Record {
    fn seed(rng: &mut Rng, _: usize) -> Record {
        rng_record(rng)
    }
}

impl SeedEntries for RefEntry {
    fn seed(rng: &mut Rng, i: usize) -> RefEntry {
        let hash = rng_hash(rng);
        let peeled = if rng.one_in(3) { Some(rng_hash(rng)) } else { None };
        RefEntry::new(format!("refs/heads/branch-{i}"), hash, peeled)
    }
}

impl<E: SeedEntries + 'static> Harness for TrieShardT<E> {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let mut rng = Rng::new(6);
        let mut out = Vec::new();
        for n in [0usize, 3, 400] {
            let mut entries: Vec<(E, usize)> = (0..n).filter_map(|i| trie::sized(E::seed(&mut rng, i)).ok()).collect();
            entries.sort_by_key(|(e, _)| e.key());
            entries.dedup_by_key(|(e, _)| e.key());
            let _ = self.spec.build(&entries, 0, &mut |b| {
                out.push(b.data);
                Ok(())
            });
        }
        out.truncate(12);
        out
    }

    fn run(&mut self, input: &[u8]) -> Check {
        let cid = cid_of(DAG_CBOR, input);
        match self.spec.decode::<E>(&cid, input) {
            Ok(TrieShard::Leaf(entries)) => {
                hit();
                ensure!(format::check_header(&cid, input, self.spec.leaf_kind).is_ok(), "a leaf decodes from another kind");
                ensure!(entries.windows(2).all(|w| w[0].key() < w[1].key()), "a leaf decoded with unsorted entries");
                let again = format::encode_v2(self.spec.leaf_kind, &entries).map_err(|e| e.to_string())?;
                match self.spec.decode::<E>(&again.cid, &again.data) {
                    Ok(TrieShard::Leaf(back)) => ensure!(back == entries, "leaf round trip differs"),
                    other => return Err(format!("a re-encoded leaf decodes as {other:?}")),
                }
                let twice = format::encode_v2(self.spec.leaf_kind, &entries).map_err(|e| e.to_string())?;
                ensure!(twice.data == again.data, "leaf encoding is not stable");
            }
            Ok(TrieShard::Node(slots)) => {
                hit();
                ensure!(format::check_header(&cid, input, self.spec.node_kind).is_ok(), "a node decodes from another kind");
                ensure!(slots.len() == trie::FANOUT, "a node of {} slots", slots.len());
                let again = format::encode_v2(self.spec.node_kind, &slots).map_err(|e| e.to_string())?;
                match self.spec.decode::<E>(&again.cid, &again.data) {
                    Ok(TrieShard::Node(back)) => ensure!(back == slots, "node round trip differs"),
                    other => return Err(format!("a re-encoded node decodes as {other:?}")),
                }
            }
            Err(_) => {}
        }
        Ok(())
    }
}

/// A packs list: a store holding two full chunks; the input is the root.
struct PacksT {
    store: MemStore,
    chunks: Vec<Cid>,
}

fn rng_pack_entry(rng: &mut Rng) -> PackEntry {
    let tips = if rng.one_in(2) { Some((0..rng.below(4)).map(|_| rng_hash(rng)).collect()) } else { None };
    PackEntry { pack: rng_cid(rng), tips, bytes: rng.size(), tipset: None, objects: rng.size() }
}

impl PacksT {
    fn new() -> PacksT {
        let mut rng = Rng::new(7);
        let mut blocks = Vec::new();
        for _ in 0..2 {
            let entries: Vec<PackEntry> = (0..PACKS_CHUNK).map(|_| rng_pack_entry(&mut rng)).collect();
            if let Ok(b) = format::encode_v2(KIND_PACKS_CHUNK, &entries) {
                blocks.push(b);
            }
        }
        let chunks = blocks.iter().map(|b| b.cid).collect();
        PacksT { store: MemStore::new(blocks), chunks }
    }

    fn root(&self, chunks: &[Cid], tail: &[PackEntry]) -> Vec<u8> {
        format::encode_v2(KIND_PACKS, &(chunks, tail)).map(|b| b.data).unwrap_or_default()
    }
}

impl Harness for PacksT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let mut rng = Rng::new(8);
        let tail: Vec<PackEntry> = (0..5).map(|_| rng_pack_entry(&mut rng)).collect();
        vec![self.root(&[], &[]), self.root(&[], &tail), self.root(&self.chunks, &tail), self.root(&self.chunks[..1], &tail[..1])]
    }

    fn generate(&mut self, rng: &mut Rng) -> Option<Result<Vec<u8>, String>> {
        let chunks: Vec<Cid> = (0..rng.below(3)).map(|_| *rng.pick(&self.chunks)).collect();
        let tail: Vec<PackEntry> = (0..rng.below(PACKS_CHUNK)).map(|_| rng_pack_entry(rng)).collect();
        Some(Ok(self.root(&chunks, &tail)))
    }

    fn run(&mut self, input: &[u8]) -> Check {
        self.store.clear_temp();
        let root = cid_of(DAG_CBOR, input);
        self.store.put_temp(Block { cid: root, data: input.to_vec() });
        let v = Verified::new(&self.store);
        let Ok(list) = read_packs(&v, &root) else { return Ok(()) };
        hit();
        let (chunks, tail): (Vec<Cid>, Vec<PackEntry>) = format::decode_v2(&root, input, KIND_PACKS)
            .map_err(|e| format!("read_packs reads a root that does not decode: {e}"))?;
        ensure!(tail.len() < PACKS_CHUNK, "a list with a tail of {} packs reads", tail.len());
        ensure!(
            list.len() == chunks.len() * PACKS_CHUNK + tail.len(),
            "{} packs from {} chunks and {} more",
            list.len(),
            chunks.len(),
            tail.len()
        );
        ensure!(list.ends_with(&tail), "the list does not end with the root's own entries");
        let again = self.root(&chunks, &tail);
        let back: (Vec<Cid>, Vec<PackEntry>) = format::decode_v2(&cid_of(DAG_CBOR, &again), &again, KIND_PACKS)
            .map_err(|e| format!("a re-encoded packs list does not decode: {e}"))?;
        ensure!(back == (chunks.clone(), tail.clone()), "packs list round trip differs");
        ensure!(self.root(&back.0, &back.1) == again, "packs list encoding is not stable");
        Ok(())
    }
}

// ---------------------------------------------------------------- object

struct ObjectT;

impl ObjectT {
    fn make(rng: &mut Rng) -> NipObject {
        let links = match rng.below(4) {
            0 => Links::Commit { tree: rng_hash(rng), parents: (0..rng.below(4)).map(|_| rng_hash(rng)).collect() },
            1 => Links::Tree {
                entries: (0..rng.below(5))
                    .map(|_| (*rng.pick(&[0o100644, 0o100755, 0o120000, 0o40000, 0o160000, u32::MAX, 0]), rng_hash(rng)))
                    .collect(),
            },
            2 => Links::Blob,
            _ => Links::Tag { target: rng_hash(rng) },
        };
        NipObject { oid: rng_hash(rng), size: rng.size(), data: rng_cid(rng), links }
    }
}

impl Harness for ObjectT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let mut rng = Rng::new(2);
        (0..8).filter_map(|_| ObjectT::make(&mut rng).to_block().ok()).map(|b| b.data).collect()
    }

    fn generate(&mut self, rng: &mut Rng) -> Option<Result<Vec<u8>, String>> {
        let o = ObjectT::make(rng);
        Some((|| {
            let b = o.to_block().map_err(|e| format!("encoding a generated object: {e}"))?;
            let back =
                NipObject::from_block(&b.cid, &b.data).map_err(|e| format!("a generated object {o:?} does not decode: {e}"))?;
            ensure!(back == o, "generated object {o:?} decodes as {back:?}");
            Ok(b.data)
        })())
    }

    fn run(&mut self, input: &[u8]) -> Check {
        let cid = cid_of(DAG_CBOR, input);
        let Ok(o) = NipObject::from_block(&cid, input) else { return Ok(()) };
        hit();
        let b = o.to_block().map_err(|e| format!("a decoded object does not encode: {e}"))?;
        let back = NipObject::from_block(&b.cid, &b.data).map_err(|e| format!("a re-encoded object does not decode: {e}"))?;
        ensure!(back == o, "decode(encode(x)) != x: {o:?} / {back:?}");
        ensure!(back.to_block().map(|c| c.data).ok() == Some(b.data), "encoding is not stable");
        let children = o.children();
        ensure!(children.len() <= 1 + input.len() / 20, "{} children from {} bytes", children.len(), input.len());
        Ok(())
    }
}

// ---------------------------------------------------------------- shard

struct ShardT;

fn leaf(entries: &[(Hash, Cid)]) -> Vec<u8> {
    format::encode(KIND_LEAF, &entries).map(|b| b.data).unwrap_or_default()
}

fn node(children: &[Option<Cid>]) -> Vec<u8> {
    format::encode(KIND_NODE, &children).map(|b| b.data).unwrap_or_default()
}

impl Harness for ShardT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let mut slots = vec![None; 256];
        slots[7] = Some(cid_of(DAG_CBOR, b"seven"));
        slots[255] = Some(cid_of(DAG_CBOR, b"last"));
        vec![
            objmap::empty().map(|b| b.data).unwrap_or_default(),
            leaf(&[(hash(1), cid_of(DAG_CBOR, b"1")), (hash(2), cid_of(DAG_CBOR, b"2")), (hash(9), cid_of(DAG_CBOR, b"9"))]),
            node(&slots),
        ]
    }

    fn run(&mut self, input: &[u8]) -> Check {
        let cid = cid_of(DAG_CBOR, input);
        match objmap::decode_shard(&cid, input) {
            Ok(Shard::Leaf(entries)) => {
                hit();
                ensure!(entries.windows(2).all(|w| w[0].0 < w[1].0), "a leaf decoded with unsorted entries");
                let again = leaf(&entries);
                match objmap::decode_shard(&cid_of(DAG_CBOR, &again), &again) {
                    Ok(Shard::Leaf(back)) => ensure!(back == entries, "leaf round trip differs"),
                    other => return Err(format!("a re-encoded leaf decodes as {other:?}")),
                }
            }
            Ok(Shard::Node(children)) => {
                hit();
                ensure!(children.len() == 256, "a node of {} slots", children.len());
                let again = node(&children);
                match objmap::decode_shard(&cid_of(DAG_CBOR, &again), &again) {
                    Ok(Shard::Node(back)) => ensure!(back == children, "node round trip differs"),
                    other => return Err(format!("a re-encoded node decodes as {other:?}")),
                }
            }
            Err(_) => {}
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- objmap

/// A map of 5,000 entries (a root node over 256 leaves) in a memory store;
/// the input replaces the root.
struct ObjMapT {
    store: MemStore,
    root: Vec<u8>,
    leaf: Vec<u8>,
    entries: Vec<(Hash, Cid)>,
}

fn seq_hash(i: u64) -> Hash {
    let mut r = Rng::new(i ^ 0x5eed);
    rng_hash(&mut r)
}

impl ObjMapT {
    fn new() -> ObjMapT {
        let entries: Vec<(Hash, Cid)> = (0..5000u64).map(|i| (seq_hash(i), cid_of(DAG_CBOR, &i.to_be_bytes()))).collect();
        let empty = MemStore::default();
        let v = Verified::new(&empty);
        let mut blocks = Vec::new();
        let root = ObjectMap::empty(&v)
            .insert(entries.clone(), &mut |b| {
                blocks.push(b);
                Ok(())
            })
            .expect("building the fuzz map");
        let root_bytes = blocks.iter().find(|b| b.cid == root).map(|b| b.data.clone()).unwrap_or_default();
        let leaf = blocks.iter().find(|b| b.cid != root).map(|b| b.data.clone()).unwrap_or_default();
        let mut entries = entries;
        entries.sort();
        ObjMapT { store: MemStore::new(blocks), root: root_bytes, leaf, entries }
    }
}

impl Harness for ObjMapT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        vec![self.root.clone(), self.leaf.clone(), objmap::empty().map(|b| b.data).unwrap_or_default()]
    }

    fn run(&mut self, input: &[u8]) -> Check {
        self.store.clear_temp();
        let root = cid_of(DAG_CBOR, input);
        self.store.put_temp(Block { cid: root, data: input.to_vec() });
        let v = Verified::new(&self.store);
        let map = ObjectMap::new(&v, root);
        let mut rng = Rng::new(fnv1a(input));
        let mut probes: Vec<Hash> = (0..48).map(|_| rng.pick(&self.entries).0).collect();
        probes.extend((0..8).map(|_| rng_hash(&mut rng)));
        let found = map.lookup_many(&probes);
        let mut all: HashMap<Hash, Vec<Cid>> = HashMap::new();
        let walked = map.for_each(&mut |h, c| all.entry(h).or_default().push(c));
        if let (Ok(found), Ok(())) = (&found, &walked) {
            for (p, f) in probes.iter().zip(found) {
                if let Some(c) = f {
                    ensure!(all.get(p).is_some_and(|cs| cs.contains(c)), "lookup of {p} gives {c}, which the map does not hold");
                }
            }
        }
        if input == self.root {
            let found = found.map_err(|e| format!("the unmutated map: {e}"))?;
            for (p, f) in probes.iter().zip(&found) {
                let want = self.entries.binary_search_by(|e| e.0.cmp(p)).ok().map(|i| self.entries[i].1);
                ensure!(*f == want, "the unmutated map gives {f:?} for {p}, not {want:?}");
            }
        }
        // Insert two new hashes: once written, they are found.
        let new: Vec<(Hash, Cid)> = (0..2).map(|_| (rng_hash(&mut rng), cid_of(DAG_CBOR, &rng.bytes(4)))).collect();
        let map = ObjectMap::new(&v, root);
        let store = &self.store;
        let put = &mut |b: Block| -> Result<(), StoreError> {
            store.put_temp(b);
            Ok(())
        };
        if let Ok(new_root) = map.insert(new.clone(), put) {
            hit();
            let after = ObjectMap::new(&v, new_root);
            let got = after
                .lookup_many(&new.iter().map(|e| e.0).collect::<Vec<_>>())
                .map_err(|e| format!("the map after an insert cannot be read: {e}"))?;
            for ((h, c), g) in new.iter().zip(got) {
                ensure!(g == Some(*c), "inserted {h} -> {c}, then found {g:?}");
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- unixfs

struct UnixfsNodeT;

impl Harness for UnixfsNodeT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let (blocks, _) = nip::unixfs::encode(&vec![7u8; nip::unixfs::CHUNK * 3 + 5]);
        blocks.into_iter().filter(|b| b.cid.codec() == DAG_PB).map(|b| b.data).collect()
    }

    fn run(&mut self, input: &[u8]) -> Check {
        let cid = cid_of(DAG_PB, input);
        let Ok(node) = nip::unixfs::decode_node(&cid, input) else { return Ok(()) };
        hit();
        ensure!(node.links.len() <= input.len() / 2, "{} links from {} bytes", node.links.len(), input.len());
        for l in node.links.iter().take(8).chain(node.links.last()) {
            ensure!(contains(input, &l.to_bytes()), "link {l} is not in the input");
        }
        ensure!(contains(input, &node.data), "the node's data is not in the input");
        Ok(())
    }
}

/// A file of 400 chunks of 97 bytes (three nodes under a root) in a memory
/// store; the input replaces the root node.
struct UnixfsReadT {
    store: MemStore,
    root: Vec<u8>,
    content: Vec<u8>,
    others: Vec<Vec<u8>>,
}

const PRETEND: u64 = 400 * nip::unixfs::CHUNK as u64;

impl UnixfsReadT {
    fn new() -> UnixfsReadT {
        let content: Vec<u8> = (0..400 * 97).map(|i| (i % 251) as u8).collect();
        let mut b = nip::unixfs::FileBuilder::new();
        let mut blocks: Vec<Block> = content.chunks(97).map(|c| b.chunk(c.to_vec())).collect();
        let (nodes, root) = b.finish();
        let root_bytes = nodes.iter().find(|n| n.cid == root).map(|n| n.data.clone()).unwrap_or_default();
        let others = nodes.iter().filter(|n| n.cid != root).map(|n| n.data.clone()).collect();
        blocks.extend(nodes);
        UnixfsReadT { store: MemStore::new(blocks), root: root_bytes, content, others }
    }
}

impl Harness for UnixfsReadT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let mut s = vec![self.root.clone()];
        s.extend(self.others.iter().cloned());
        s
    }

    fn run(&mut self, input: &[u8]) -> Check {
        self.store.clear_temp();
        let root = cid_of(DAG_PB, input);
        // The size a NIPObject claims: the file's (as if of full chunks),
        // or a lie, chosen by the input's last byte.
        let size = match input.last().map_or(0, |b| b % 8) {
            0..=3 => PRETEND,
            4 => 0,
            5 => 1,
            6 => u64::MAX,
            _ => fnv1a(input) >> 40,
        };
        let v = Verified::new(&self.store);
        let mut out = Vec::new();
        let mut sink = |b: &[u8]| {
            if out.len() < (1 << 22) {
                out.extend_from_slice(b);
            }
            Ok(())
        };
        let r = nip::unixfs::read(&v, &root, Some(input.to_vec()), size, &mut sink);
        if r.is_ok() {
            hit();
        }
        let budget = 2 * size.div_ceil(nip::unixfs::CHUNK as u64) + 8 + 1;
        ensure!(
            self.store.fetched() <= budget,
            "{} blocks fetched for a file of {size} bytes (budget {budget})",
            self.store.fetched()
        );
        if input == self.root && size == PRETEND {
            r.map_err(|e| format!("the unmutated file: {e}"))?;
            ensure!(out == self.content, "the unmutated file reads back different bytes");
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- car

struct CarT;

impl Harness for CarT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let a = Block::new(RAW, b"a".to_vec());
        let b = Block::new(DAG_CBOR, vec![0xa0]);
        let mut car = nip::car::header(&[b.cid]);
        let _ = nip::car::write_block(&mut car, &a);
        let _ = nip::car::write_block(&mut car, &b);
        vec![car, nip::car::header(&[])]
    }

    fn run(&mut self, input: &[u8]) -> Check {
        let Ok(mut r) = nip::car::Reader::new(input) else { return Ok(()) };
        hit();
        let mut blocks = Vec::new();
        let mut clean = false;
        for _ in 0..100_000 {
            match r.next_block() {
                Ok(Some(b)) => blocks.push(b),
                Ok(None) => {
                    clean = true;
                    break;
                }
                Err(_) => break,
            }
        }
        let mut again = nip::car::header(&r.roots);
        for b in &blocks {
            nip::car::write_block(&mut again, b).map_err(|e| e.to_string())?;
        }
        if clean {
            ensure!(again.len() <= input.len(), "a CAR of {} bytes re-encodes to {} bytes", input.len(), again.len());
        }
        let mut r2 = nip::car::Reader::new(&again[..]).map_err(|e| format!("a re-encoded CAR does not read: {e}"))?;
        ensure!(r2.roots == r.roots, "roots differ after re-encoding");
        for b in &blocks {
            let got = r2.next_block().map_err(|e| format!("a re-encoded CAR: {e}"))?;
            ensure!(got.as_ref() == Some(b), "a block differs after re-encoding");
        }
        ensure!(matches!(r2.next_block(), Ok(None)), "a re-encoded CAR has more blocks");
        Ok(())
    }
}

// ---------------------------------------------------------------- car-verify

struct CarVerifyT;

impl CarVerifyT {
    /// The blocks a verifier of the DAG under `root` hands on from
    /// `input` fed in chunks of `step`, and whether it accepted the whole.
    fn verify(root: cid::Cid, input: &[u8], step: usize) -> Result<(Vec<Block>, bool), String> {
        let mut v = nip::car::Verifier::new(root, 1 << 30);
        let mut out = Vec::new();
        for chunk in input.chunks(step) {
            if v.feed(chunk, &mut |b| {
                out.push(b);
                Ok(())
            })
            .is_err()
            {
                return Ok((out, false));
            }
        }
        Ok((out, v.finish().is_ok()))
    }
}

impl Harness for CarVerifyT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        // A file of three small leaves under one node, in depth-first order.
        let mut f = nip::unixfs::FileBuilder::new();
        let leaves: Vec<Block> = (0..3u8).map(|i| f.chunk(vec![i; 100])).collect();
        let (nodes, root) = f.finish();
        let mut car = nip::car::header(&[root]);
        for b in nodes.iter().rev().chain(&leaves) {
            let _ = nip::car::write_block(&mut car, b);
        }
        vec![car]
    }

    fn run(&mut self, input: &[u8]) -> Check {
        // The root: the first block's CID, if there is one, so that the
        // verifier gets past it.
        let root = nip::car::Reader::new(input)
            .ok()
            .and_then(|mut r| r.next_block().ok().flatten())
            .map(|b| b.cid)
            .unwrap_or_else(|| nip::block::cid_of(RAW, b""));
        let (whole, ok) = Self::verify(root, input, input.len().max(1))?;
        hit();
        let mut linked = std::collections::HashSet::from([root]);
        let mut seen = std::collections::HashSet::new();
        for b in &whole {
            ensure!(nip::block::verify(&b.cid, &b.data).is_ok(), "block {} handed on does not match its CID", b.cid);
            ensure!(seen.insert(b.cid), "block {} handed on twice", b.cid);
            ensure!(linked.contains(&b.cid), "block {} handed on that nothing before it links", b.cid);
            if b.cid.codec() == nip::block::DAG_PB {
                if let Ok(node) = nip::unixfs::decode_node(&b.cid, &b.data) {
                    linked.extend(node.links);
                }
            }
        }
        let step = 1 + input.first().copied().unwrap_or(0) as usize % 97;
        let (chunked, ok2) = Self::verify(root, input, step)?;
        ensure!(ok == ok2, "fed in chunks of {step}, the outcome differs");
        ensure!(chunked == whole, "fed in chunks of {step}, other blocks are handed on");
        Ok(())
    }
}

// ---------------------------------------------------------------- local-idx

/// A real pack of 60 blocks; the input replaces its `.idx`.
struct LocalIdxT {
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    idx: Vec<u8>,
    pack_len: u64,
    /// The store directory the input's index goes into.
    home: std::path::PathBuf,
}

impl LocalIdxT {
    fn new() -> LocalIdxT {
        use nip::store::local::LocalStore;
        let a = tempfile::tempdir().expect("a temporary directory");
        let store = LocalStore::open(a.path()).expect("a store");
        let mut w = store.writer().expect("a writer");
        let blocks: Vec<Block> = (0..60u32).map(|i| Block::new(RAW, vec![i as u8; 1 + (i as usize * 37) % 300])).collect();
        for b in &blocks {
            w.put(b.clone()).expect("put");
        }
        w.finish(&blocks[0].cid, None).expect("finish");
        let packs = a.path().join("packs");
        let file = |ext: &str| {
            std::fs::read_dir(&packs)
                .expect("packs")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|x| x == ext))
                .expect("a pack file")
        };
        let (pack, idx) = (file("pack"), file("idx"));
        let b = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir_all(b.path().join("packs")).expect("packs");
        std::fs::copy(&pack, b.path().join("packs/p.pack")).expect("copy the pack");
        let pack_len = std::fs::metadata(&pack).map(|m| m.len()).unwrap_or(0);
        let home = b.path().to_path_buf();
        LocalIdxT { idx: std::fs::read(idx).expect("idx"), pack_len, home, _dirs: (a, b) }
    }
}

impl Harness for LocalIdxT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        vec![self.idx.clone(), self.idx[..16].to_vec()]
    }

    fn run(&mut self, input: &[u8]) -> Check {
        use nip::store::local::{idx_is_sound, LocalStore};
        if !idx_is_sound(input, self.pack_len) {
            ensure!(input != self.idx, "the real index is called damaged");
            return Ok(());
        }
        hit();
        std::fs::write(self.home.join("packs/p.idx"), input).map_err(|e| e.to_string())?;
        let store = LocalStore::open(&self.home).map_err(|e| format!("opening the store: {e}"))?;
        ensure!(store.pack_count() == 1, "a sound index was skipped");
        let count = (input.len() - 16) / 44;
        let v = Verified::new(&store);
        for i in (0..count).take(24).chain(count.checked_sub(1)) {
            let key: [u8; 32] = input[16 + i * 44..16 + i * 44 + 32].try_into().map_err(|_| "key".to_string())?;
            let cid = sha256_cid(RAW, &key);
            store.get_many(&[cid]).map_err(|e| format!("entry {i} of a sound index cannot be read: {e}"))?;
            match v.get(&cid) {
                Ok(_) | Err(StoreError::Corrupt(_)) => {}
                Err(e) => return Err(format!("entry {i}: {e}")),
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- ipns

struct RecordT;

fn pb_bytes(out: &mut Vec<u8>, field: u8, b: &[u8]) {
    out.push(field << 3 | 2);
    pb_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn pb_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[derive(serde::Serialize)]
struct RecordData<'a> {
    #[serde(rename = "Value", with = "serde_bytes")]
    value: &'a [u8],
    #[serde(rename = "Sequence")]
    sequence: u64,
}

fn record_v1(value: &[u8], seq: u64) -> Vec<u8> {
    let mut out = Vec::new();
    pb_bytes(&mut out, 1, value);
    out.push(5 << 3);
    pb_varint(&mut out, seq);
    out
}

fn record_v2(value: &[u8], seq: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let data = serde_ipld_dagcbor::to_vec(&RecordData { value, sequence: seq }).unwrap_or_default();
    pb_bytes(&mut out, 9, &data);
    out
}

/// A record Kubo 0.39 wrote (the one of src/ipns/record.rs's tests).
pub const KUBO_RECORD: &str = "CkEvaXBmcy9iYWZrcmVpY3lzZzIza2l3djM0ZWcyZDdxd2VpcHh3b3NkbzJweTRsZHY0Mm5iYXVndWx1ZW41djZhbRJAX3Mm4VD//vz5UEgYe38YLS8v5RoYvLuIZEuS2oVFhT4KXPUPfIYUAMBVr5V2lJJ5bkWQZZTHtBW/L3ln2dqDDRgAIh4yMDI2LTExLTI4VDE1OjI5OjI1Ljk0MjA5MTcyN1ooBTCA8JLL3QhCQOZeHF6Rgpp6dwICH9o3mFZ+SGRFASOo+e0D76RYvVnsck1rr6X99igZQfUSq4QkPrdsVRgvnysbyzWMvk+0BgJKmAGlY1RUTBsAAABF2WS4AGVWYWx1ZVhBL2lwZnMvYmFma3JlaWN5c2cyM2tpd3YzNGVnMmQ3cXdlaXB4d29zZG8ycHk0bGR2NDJuYmF1Z3VsdWVuNXY2YW1oU2VxdWVuY2UFaFZhbGlkaXR5WB4yMDI2LTExLTI4VDE1OjI5OjI1Ljk0MjA5MTcyN1psVmFsaWRpdHlUeXBlAA==";

impl Harness for RecordT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let v = b"/ipfs/bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmuzyqkgsa";
        let mut both = record_v1(v, 3);
        both.extend(record_v2(v, 4));
        let kubo = cid::multibase::Base::Base64Pad.decode(KUBO_RECORD).unwrap_or_default();
        vec![record_v1(v, 1), record_v2(v, 2), both, kubo]
    }

    fn generate(&mut self, rng: &mut Rng) -> Option<Result<Vec<u8>, String>> {
        let value = format!("/ipfs/{}", rng_cid(rng));
        let seq = rng.size();
        let bytes = if rng.one_in(2) { record_v1(value.as_bytes(), seq) } else { record_v2(value.as_bytes(), seq) };
        Some(match nip::ipns::record::decode(&bytes) {
            Ok(r) if r.value == value && r.sequence == seq => Ok(bytes),
            other => Err(format!("a record of {value:?}, sequence {seq}, decodes as {other:?}")),
        })
    }

    fn run(&mut self, input: &[u8]) -> Check {
        use nip::ipns::record::decode;
        let Ok(r) = decode(input) else { return Ok(()) };
        hit();
        ensure!(contains(input, r.value.as_bytes()), "the value {:?} is not in the record", r.value);
        for (form, again) in
            [("V1", record_v1(r.value.as_bytes(), r.sequence)), ("V2", record_v2(r.value.as_bytes(), r.sequence))]
        {
            let back = decode(&again).map_err(|e| format!("{form} re-encoding of {r:?}: {e}"))?;
            ensure!(back == r, "{form} re-encoding of {r:?} decodes as {back:?}");
        }
        Ok(())
    }
}

struct NameT;

impl Harness for NameT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        [
            "k51qzi5uqu5dh5r1nd05yvrwg00el5f5hwlplblq7t4ef8vu21jywuo50ihf1m",
            "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
            "QmYn3tWpBKaTMgHY8F1cqDXwkHd5TGMqFpvX9ALqhD7Hew",
            "git.example.org",
            "/ipfs/bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmuzyqkgsa",
            "/ipns/k51qzi5uqu5dh5r1nd05yvrwg00el5f5hwlplblq7t4ef8vu21jywuo50ihf1m",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect()
    }

    fn run(&mut self, input: &[u8]) -> Check {
        use nip::ipns::{index_of, Name};
        let s = String::from_utf8_lossy(input);
        for s in [&s[..], s.strip_prefix("/ipns/").unwrap_or(&s)] {
            if let Ok(n) = Name::parse(s) {
                hit();
                let shown = n.to_string();
                let back =
                    Name::parse(&shown).map_err(|e| format!("{s:?} parses as {n:?}, shown {shown:?}, which does not: {e}"))?;
                ensure!(back == n, "{s:?} parses as {n:?}, shown {shown:?}, which parses as {back:?}");
                ensure!(n.key().is_some() == matches!(n, Name::Key(_)), "key() disagrees with the name's kind");
                if let Name::Domain(d) = &n {
                    ensure!(d.len() <= 253 && !d.bytes().any(|b| b.is_ascii_uppercase()), "domain {d:?}");
                }
            }
        }
        if let Some(c) = index_of(&s) {
            ensure!(index_of(&format!("/ipfs/{c}")) == Some(c), "index_of({s:?}) = {c}, which does not print back");
        }
        Ok(())
    }
}

struct AddressT;

impl Harness for AddressT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        [
            "nip::new-ipfs",
            "new-ipns",
            "nip::/ipfs/bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmuzyqkgsa",
            "ipfs://QmYn3tWpBKaTMgHY8F1cqDXwkHd5TGMqFpvX9ALqhD7Hew/",
            "nip::/ipns/k51qzi5uqu5dh5r1nd05yvrwg00el5f5hwlplblq7t4ef8vu21jywuo50ihf1m",
            "ipns://git.example.org",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect()
    }

    fn run(&mut self, input: &[u8]) -> Check {
        use nip::address::Address;
        let s = String::from_utf8_lossy(input);
        let Ok(a) = Address::parse(&s) else { return Ok(()) };
        hit();
        let shown = a.to_string();
        for again in [shown.clone(), format!("nip::{shown}")] {
            let back =
                Address::parse(&again).map_err(|e| format!("{s:?} parses as {a:?}, shown {again:?}, which does not: {e}"))?;
            ensure!(back == a, "{s:?} parses as {a:?}, shown {again:?}, which parses as {back:?}");
        }
        ensure!(a.cid().is_some() == matches!(a, Address::Ipfs(_)), "cid() disagrees");
        Ok(())
    }
}

// ---------------------------------------------------------------- git

struct LinksT;

fn hex(h: &Hash) -> String {
    h.to_string()
}

impl Harness for LinksT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        let hx = "ab".repeat(20);
        let mut tree = vec![1u8];
        tree.extend_from_slice(b"100644 a.txt\0");
        tree.extend_from_slice(&[0xab; 20]);
        tree.extend_from_slice(b"40000 dir\0");
        tree.extend_from_slice(&[0xcd; 20]);
        let commit = format!("\x00tree {hx}\nparent {hx}\nauthor A <a> 1 +0000\ncommitter A <a> 1 +0000\n\nmsg\n");
        let tag = format!("\x03object {hx}\ntype commit\ntag v1\ntagger A <a> 1 +0000\n\nv1\n");
        vec![commit.into_bytes(), tree, tag.into_bytes(), b"\x02blob".to_vec()]
    }

    fn run(&mut self, input: &[u8]) -> Check {
        use nip::format::ObjectType;
        let Some((&k, data)) = input.split_first() else { return Ok(()) };
        let kind = [ObjectType::Commit, ObjectType::Tree, ObjectType::Blob, ObjectType::Tag][usize::from(k % 4)];
        let Ok(links) = nip::links::parse(hash(0), kind, data) else { return Ok(()) };
        hit();
        let lower = data.to_ascii_lowercase();
        let in_hex = |h: &Hash| contains(&lower, hex(h).as_bytes());
        match &links {
            Links::Blob => ensure!(kind == ObjectType::Blob, "{kind:?} parsed as a blob"),
            Links::Tree { entries } => {
                ensure!(kind == ObjectType::Tree, "{kind:?} parsed as a tree");
                ensure!(entries.len() * 23 <= data.len(), "{} entries from {} bytes", entries.len(), data.len());
                for (_, h) in entries {
                    ensure!(contains(data, &h.0), "tree entry {h} is not in the input");
                }
            }
            Links::Commit { tree, parents } => {
                ensure!(kind == ObjectType::Commit, "{kind:?} parsed as a commit");
                for h in std::iter::once(tree).chain(parents) {
                    ensure!(in_hex(h), "commit link {h} is not in the input");
                }
                ensure!((parents.len() + 1) * 45 <= data.len() + 1, "{} parents from {} bytes", parents.len(), data.len());
            }
            Links::Tag { target } => {
                ensure!(kind == ObjectType::Tag, "{kind:?} parsed as a tag");
                ensure!(in_hex(target), "tag target {target} is not in the input");
            }
        }
        Ok(())
    }
}

struct PushLineT;

impl Harness for PushLineT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        ["refs/heads/main:refs/heads/main", "+refs/heads/a:refs/heads/b", ":refs/tags/v1", "HEAD:refs/heads/x:y"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect()
    }

    fn run(&mut self, input: &[u8]) -> Check {
        use nip::push::PushCommand;
        let s = String::from_utf8_lossy(input);
        let Ok(c) = PushCommand::parse(&s) else { return Ok(()) };
        hit();
        ensure!(!c.dst.is_empty(), "{s:?}: empty destination");
        ensure!(c.src.as_ref().is_none_or(|s| !s.is_empty() && !s.contains(':')), "{s:?}: source {:?}", c.src);
        let again = format!("{}{}:{}", if c.force { "+" } else { "" }, c.src.as_deref().unwrap_or(""), c.dst);
        let back = PushCommand::parse(&again).map_err(|e| format!("{s:?} prints as {again:?}, which does not parse: {e}"))?;
        ensure!(back == c, "{s:?} parses as {c:?}, prints as {again:?}, parses as {back:?}");
        Ok(())
    }
}

/// An empty repository and a memory store, for `new-ipfs`.
struct HelperT {
    _dir: tempfile::TempDir,
    repo: git2::Repository,
    store: MemStore,
}

impl HelperT {
    fn new() -> HelperT {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let repo = git2::Repository::init(dir.path()).expect("git init");
        HelperT { _dir: dir, repo, store: MemStore::default() }
    }
}

impl Harness for HelperT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        [
            "capabilities\noption progress true\noption verbosity 2\nlist for-push\npush refs/heads/main:refs/heads/main\n\n\n",
            "capabilities\nlist\nfetch 0123456789abcdef0123456789abcdef01234567 refs/heads/main\n\n\n",
            "option dry-run true\npush +refs/heads/a:refs/heads/b\npush :refs/tags/v1\n\n",
            "option foo bar\nlist\n\n",
            "option cas refs/heads/main:\noption atomic true\noption pushcert if-asked\noption push-option \"\\303\\251\"\npush refs/heads/main:refs/heads/main\npush :refs/heads/b\n\n",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect()
    }

    fn run(&mut self, input: &[u8]) -> Check {
        use nip::helper::Helper;
        self.store.clear_temp();
        let mut h = Helper::new("fuzz".into(), nip::address::Address::New, "nip".into(), &self.store, None, Ok(&self.repo));
        let mut out = Vec::new();
        if h.run(input, &mut out).is_ok() {
            hit();
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- fetch

/// A small real repository (blobs, one of two chunks, a subtree, a
/// submodule, two commits, an annotated tag) pushed to a memory store. The
/// input's first byte picks an object (low 5 bits) and what to replace:
/// its NIPObject (bit 7 clear) or its data block (bit 7 set; bit 6: dag-pb
/// instead of raw; bit 5: the NIPObject's size made the block's length);
/// the rest is the replacement. The object map and index are rebuilt
/// around it, so the hostile block is what a fetch meets.
struct FetchT {
    _dir: tempfile::TempDir,
    store: MemStore,
    index: NipIndex,
    entries: Vec<(Hash, Cid)>,
    objects: Vec<NipObject>,
    seeds: Vec<Vec<u8>>,
    wants: Vec<git2::Oid>,
    /// Every object pushed: type and content.
    expected: Vec<(git2::Oid, git2::ObjectType, Vec<u8>)>,
}

impl FetchT {
    fn new() -> FetchT {
        use git2::{Repository, Signature};
        let dir = tempfile::tempdir().expect("a temporary directory");
        let repo = Repository::init_bare(dir.path().join("src")).expect("git init");
        let sig = Signature::new("Fuzz", "fuzz@example.org", &git2::Time::new(1_700_000_000, 0)).expect("signature");
        let blob = |d: &[u8]| repo.blob(d).expect("blob");
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
        let (hello, empty, big) = (blob(b"hello\n"), blob(b""), blob(&big));
        let mut sub = repo.treebuilder(None).expect("treebuilder");
        sub.insert("b.txt", hello, 0o100644).expect("insert");
        let sub = sub.write().expect("tree");
        let tree = |with_big: bool| {
            let mut t = repo.treebuilder(None).expect("treebuilder");
            t.insert("a.txt", hello, 0o100644).expect("insert");
            t.insert("empty", empty, 0o100644).expect("insert");
            t.insert("sub", sub, 0o040000).expect("insert");
            t.insert("module", git2::Oid::from_bytes(&[7; 20]).expect("oid"), 0o160000).expect("insert");
            if with_big {
                t.insert("big.bin", big, 0o100755).expect("insert");
            }
            repo.find_tree(t.write().expect("tree")).expect("tree")
        };
        let c1 = repo.commit(None, &sig, &sig, "first\n", &tree(false), &[]).expect("commit");
        let c1 = repo.find_commit(c1).expect("commit");
        let c2 = repo.commit(Some("refs/heads/main"), &sig, &sig, "second\n", &tree(true), &[&c1]).expect("commit");
        let tag = repo.tag("v1", &repo.find_object(c2, None).expect("object"), &sig, "v1\n", false).expect("tag");

        // A format 1 repository (read, no longer written by a push), made
        // from the objects as a format 1 push stored them: one UnixFS file
        // and one NIPObject each, the object map, the index.
        let odb = repo.odb().expect("odb");
        let mut oids = Vec::new();
        odb.foreach(|oid| {
            oids.push(*oid);
            true
        })
        .expect("list objects");
        let mut blocks = Vec::new();
        let mut map_entries = Vec::new();
        for oid in oids {
            let raw = odb.read(oid).expect("read object");
            let kind = ObjectType::from_git(raw.kind()).expect("object type");
            let h = Hash::from(oid);
            let links = nip::links::parse(h, kind, raw.data()).expect("links");
            let (file, root) = nip::unixfs::encode(raw.data());
            blocks.extend(file);
            let b = NipObject { oid: h, size: raw.data().len() as u64, data: root, links }.to_block().expect("NIPObject");
            map_entries.push((h, b.cid));
            blocks.push(b);
        }
        let empty = MemStore::default();
        let map_root = ObjectMap::empty(&Verified::new(&empty))
            .insert(map_entries, &mut |b| {
                blocks.push(b);
                Ok(())
            })
            .expect("object map");
        let index = NipIndex {
            head: Some("refs/heads/main".into()),
            refs: vec![("refs/heads/main".into(), Hash::from(c2)), ("refs/tags/v1".into(), Hash::from(tag))],
            counts: Counts::default(),
            objects: map_root,
            prev: None,
            v2: None,
        };
        let index_block = index.to_block().expect("index");
        let index_cid = index_block.cid;
        blocks.push(index_block);
        let store = MemStore::new(blocks);
        let v = Verified::new(&store);
        let index = NipIndex::from_block(&index_cid, &v.get(&index_cid).expect("index")).expect("index");
        let mut entries = Vec::new();
        ObjectMap::new(&v, index.objects).for_each(&mut |h, c| entries.push((h, c))).expect("map");
        entries.sort();
        assert!(entries.len() <= 32, "the fetch target picks objects with 5 bits");
        let mut objects = Vec::new();
        let mut seeds = Vec::new();
        let mut expected = Vec::new();
        for (i, (h, c)) in entries.iter().enumerate() {
            let bytes = v.get(c).expect("object");
            let o = NipObject::from_block(c, &bytes).expect("object");
            seeds.push([&[i as u8][..], &bytes].concat());
            if let Ok(data) = v.get(&o.data) {
                if data.len() <= 4096 {
                    let mode = if o.data.codec() == DAG_PB { 0xc0 } else { 0x80 };
                    seeds.push([&[mode | i as u8][..], &data].concat());
                }
            }
            let raw = odb.read(h.oid()).expect("a pushed object");
            expected.push((h.oid(), raw.kind(), raw.data().to_vec()));
            objects.push(o);
        }
        FetchT { _dir: dir, store, index, entries, objects, seeds, wants: vec![c2, tag], expected }
    }
}

impl Harness for FetchT {
    fn seeds(&self) -> Vec<Vec<u8>> {
        self.seeds.clone()
    }

    fn run(&mut self, input: &[u8]) -> Check {
        let Some((&sel, rest)) = input.split_first() else { return Ok(()) };
        self.store.clear_temp();
        let victim = usize::from(sel & 0x1f) % self.entries.len();
        let object = if sel & 0x80 == 0 {
            let b = Block::new(DAG_CBOR, rest.to_vec());
            let cid = b.cid;
            self.store.put_temp(b);
            cid
        } else {
            let data = Block::new(if sel & 0x40 != 0 { DAG_PB } else { RAW }, rest.to_vec());
            let mut o = self.objects[victim].clone();
            o.data = data.cid;
            if sel & 0x20 != 0 {
                o.size = rest.len() as u64;
            }
            self.store.put_temp(data);
            let b = o.to_block().map_err(|e| e.to_string())?;
            let cid = b.cid;
            self.store.put_temp(b);
            cid
        };
        let entries: Vec<(Hash, Cid)> =
            self.entries.iter().enumerate().map(|(i, (h, c))| (*h, if i == victim { object } else { *c })).collect();
        let v = Verified::new(&self.store);
        let store = &self.store;
        let root = ObjectMap::empty(&v)
            .insert(entries, &mut |b| {
                store.put_temp(b);
                Ok(())
            })
            .map_err(|e| format!("rebuilding the map: {e}"))?;
        let index = NipIndex { objects: root, ..self.index.clone() }.to_block().map_err(|e| e.to_string())?;
        let index_cid = index.cid;
        self.store.put_temp(index);
        let remote = nip::remote::Remote::open_index(&self.store, nip::address::Address::Ipfs(index_cid), Some(index_cid))
            .map_err(|e| format!("the rebuilt index: {e}"))?;
        // On tmpfs where there is one: the pack's fsync is most of a fetch.
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.map_err(|e| e.to_string())?;
        let dest = git2::Repository::init_bare(dir.path()).map_err(|e| e.to_string())?;
        let fetched = nip::fetch::fetch(&dest, &remote, &self.wants, false);
        let packs = std::fs::read_dir(dest.path().join("objects/pack"))
            .map(|d| d.filter_map(|e| e.ok()).filter(|e| e.path().extension().is_some_and(|x| x == "pack")).count())
            .unwrap_or(0);
        match fetched {
            Ok(_) => {
                hit();
                let odb = dest.odb().map_err(|e| e.to_string())?;
                for (oid, kind, data) in &self.expected {
                    let got = odb.read(*oid).map_err(|e| format!("a fetch that succeeded lacks {oid}: {e}"))?;
                    ensure!(got.kind() == *kind && got.data() == &data[..], "a fetch that succeeded wrote a different {oid}");
                }
            }
            Err(e) => ensure!(packs == 0, "a fetch that failed ({e}) left {packs} pack(s)"),
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- self-test

/// Targets that fail on purpose, one way each, for `nip-fuzz self-test`:
/// never part of `all`.
pub const SELF_TESTS: &[Target] = &[
    Target { name: "self-panic", about: "panics", corpora: &[], dict: &[], max_len: 64, setup: || Box::new(Fail(0)) },
    Target {
        name: "self-invariant",
        about: "breaks an invariant",
        corpora: &[],
        dict: &[],
        max_len: 64,
        setup: || Box::new(Fail(1)),
    },
    Target { name: "self-abort", about: "aborts the process", corpora: &[], dict: &[], max_len: 64, setup: || Box::new(Fail(2)) },
    Target { name: "self-hang", about: "never returns", corpora: &[], dict: &[], max_len: 64, setup: || Box::new(Fail(3)) },
];

/// Whether a self-test target fails on this input: about one in 64.
pub fn self_test_fails(input: &[u8]) -> bool {
    fnv1a(input).is_multiple_of(64)
}

struct Fail(u8);

impl Harness for Fail {
    fn seeds(&self) -> Vec<Vec<u8>> {
        vec![b"seed".to_vec()]
    }

    fn run(&mut self, input: &[u8]) -> Check {
        if !self_test_fails(input) {
            return Ok(());
        }
        match self.0 {
            0 => panic!("self-test panic"),
            1 => Err("self-test invariant".into()),
            2 => std::process::abort(),
            _ => loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
            },
        }
    }
}
