//! Format 2 hostile addresses (for `tests/hostile.rs`): refs tries that
//! lie about their names or their shape, and packs built by hand that lie
//! in their header, their entries or their deltas.
//!
//! A format 2 fetch reads the refs trie whole and checks it before a line
//! reaches git, then hands the packs, spliced into one stream, to `git
//! index-pack`: nip checks what the packs list says of each pack (its
//! header's count and version, its checksum, the total bytes and objects
//! against the fetch limits), git checks every object. Either way a refusal
//! is one clean error naming the address, and leaves nothing: no clone, no
//! ref, no pack, no `.keep`, no temporary file.

use crate::common::craft::{
    commit_text, git_hash, insert_delta, tree_text, with_trailer, zlib, PackBuilder, OBJ_BLOB, OBJ_COMMIT,
};
use crate::common::hostile::{assert_victim_untouched, index_refused, victim_file};
use crate::common::hostile_sizes::{clone_and_fetch_refused, FatProxy};
use crate::common::{hash, url_cid, url_of, Backend, Env, Synth};
use cid::Cid;
use nip::format::{Hash, ObjectType};
use nip::records::PackEntry;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// A well-formed pack of three objects (a blob, a tree, a commit) and the
/// commit's id.
fn good_pack() -> (PackBuilder, Hash) {
    let mut p = PackBuilder::new();
    let blob = p.object(ObjectType::Blob, b"hello from a crafted pack\n");
    let tree = p.object(ObjectType::Tree, &tree_text("a.txt", blob));
    let commit = p.object(ObjectType::Commit, &commit_text(tree, &[], "crafted"));
    (p, commit)
}

/// Asserts the repository `work/<name>-fetch` (made by
/// [`clone_and_fetch_refused`]) has nothing in `.git/objects/pack`.
fn no_pack_left(env: &Env, name: &str) {
    let packs = env.packs(&env.dir(&format!("{name}-fetch")));
    assert!(packs.is_empty(), "{name}: a refused fetch left {packs:?} in .git/objects/pack");
}

/// Clone and fetch of `address` both refused within 20 s, each error
/// naming `address` and saying every piece of `says`; nothing left.
fn refused_with(env: &Env, address: &Cid, name: &str, says: &[&str]) {
    for line in clone_and_fetch_refused(env, &url_of(address), name, Duration::from_secs(20)) {
        assert!(line.contains(&address.to_string()), "{name}: the error does not name {address}: {line}");
        for s in says {
            assert!(line.contains(s), "{name}: the error does not say {s:?}: {line}");
        }
    }
    no_pack_left(env, name);
}

/// A clone of `address` under `ulimit -v` 4 GiB (git, the helper and
/// index-pack share the limit, each on its own): refused with one clean
/// error naming `address` and saying every piece of `says`.
fn refused_within_memory(env: &Env, address: &Cid, name: &str, says: &[&str]) {
    let out = env
        .command("sh")
        .args(["-c", "ulimit -v 4194304 && exec \"$@\"", "sh", "git", "clone", "-q", &url_of(address), name])
        .current_dir(&env.work)
        .output()
        .expect("run sh");
    let run = crate::common::Run::of(format!("(ulimit -v 4 GiB) git clone {}", url_of(address)), out);
    let line = run.one_clean_error();
    assert!(line.contains(&address.to_string()), "{name}: {run}");
    for s in says {
        assert!(line.contains(s), "{name}: the error does not say {s:?}: {run}");
    }
    assert!(!env.dir(name).exists(), "{name}: a failed clone left a directory");
}

/// Scenario P1: a format 2 index whose refs trie holds an invalid ref name
/// (a newline and a `lock <path>` line, as H1), the same name in two
/// leaves, the same name twice in one leaf, one shard linked from two
/// slots, a node of 17 slots, or a root of another kind, is refused by clone, fetch, ls-remote and push with one clean
/// error naming the index; nothing is written, no ref or remote moves,
/// nothing reaches git's protocol (the file an injected `lock` would
/// delete is still there). The objects and packs are those of a real push.
pub fn scenario_hostile_refs_tries_are_refused(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 5, ..Synth::default() });
    let good = url_cid(&env.remote_url(&src, "nip"));
    let idx = env.index(&good);
    let links = idx.v2.expect("a push writes format 2");
    let main = hash(&env.rev_parse(&src, "main"));
    let older = hash(&env.rev_parse(&src, "main~1"));
    let victim = victim_file(env);
    env.git_ok(&env.work, &["clone", "-q", &url_of(&good), "copy"]);
    let copy = env.dir("copy");
    let with_refs =
        |root: Cid| env.craft_index_v2(root, Some("refs/heads/main".into()), links.packs, Some(idx.objects), Some(good));

    let injected = format!("refs/heads/a\n\nok\nlock {}", victim.display());
    let bad = with_refs(env.craft_refs_trie(&[(injected, main), ("refs/heads/main".into(), main)]));
    index_refused(env, &src, &copy, &bad, "trie-injected", "not a valid git ref name", &victim);

    // `refs/heads/main` in the leaf its key leads to and in another one.
    let name = "refs/heads/main".to_string();
    let slot = (nip::records::ref_key(&name)[0] >> 4) as usize;
    let here = env.craft_refs_leaf(&[(name.clone(), main)]);
    let there = env.craft_refs_leaf(&[(name.clone(), older)]);
    let mut slots = vec![None; 16];
    slots[slot] = Some(here);
    slots[(slot + 1) % 16] = Some(there);
    let bad = with_refs(env.craft_refs_node(&slots));
    index_refused(env, &src, &copy, &bad, "trie-two-leaves", "belongs elsewhere in the trie", &victim);

    // The same name twice in one leaf, with two commits.
    let bad = with_refs(env.craft_refs_leaf(&[(name.clone(), main), (name.clone(), older)]));
    index_refused(env, &src, &copy, &bad, "trie-one-leaf", "not sorted by key and unique", &victim);

    // One shard in two slots (a trie could otherwise repeat one shard in
    // every slot of every level).
    let mut slots = vec![None; 16];
    slots[slot] = Some(here);
    slots[(slot + 1) % 16] = Some(here);
    let bad = with_refs(env.craft_refs_node(&slots));
    index_refused(env, &src, &copy, &bad, "trie-linked-twice", &format!("shard {here} is linked twice"), &victim);

    // A node of 17 slots, and a refs trie whose root is an object map leaf.
    let bad = with_refs(env.craft_refs_node(&vec![Some(here); 17]));
    index_refused(env, &src, &copy, &bad, "trie-17-slots", "node has 17 slots, not 16", &victim);
    let bad = with_refs(idx.objects);
    index_refused(env, &src, &copy, &bad, "trie-wrong-kind", "where a nip refs-node block was expected", &victim);

    // The good address still fetches.
    env.git_ok(&copy, &["fetch", "origin"]);
    env.fsck(&copy);
    assert_victim_untouched(&victim);
}

/// Scenario P2: packs whose header or trailer is not what the packs list
/// says are refused by nip itself, naming the pack and the address: a
/// header count other than the list entry's, a version 3 pack, bytes that
/// are no pack at all, a pack shorter than a header and a checksum, a pack
/// whose trailer is not the SHA-1 of its bytes (refused after index-pack
/// has read most of it: its temporary pack is removed too), a header
/// that claims one entry more than there is (index-pack refuses it), a
/// list entry whose byte count is not the pack file's, and a packs list of 64 entries after its chunks or with a chunk of 3. The
/// same pack, well formed, clones: the pack builder is right.
pub fn scenario_packs_that_lie_in_their_header_are_refused(env: &Env) {
    let (p, commit) = good_pack();
    let fine = env.craft_v2_with_pack(&p.finish(), 3, commit);
    env.git_ok(&env.work, &["clone", "-q", &url_of(&fine), "fine"]);
    assert_eq!(env.rev_parse(&env.dir("fine"), "HEAD"), commit.to_string());
    env.fsck(&env.dir("fine"));

    let pack = p.finish();
    let bad = env.craft_v2_with_pack(&pack, 2, commit);
    refused_with(env, &bad, "count", &["pack 0 (", "is damaged", "not a version 2 pack of 2 objects, as the packs list says"]);

    let bad = env.craft_v2_with_pack(&p.finish_with(3, 3), 3, commit);
    refused_with(env, &bad, "version-3", &["is damaged", "not a version 2 pack"]);

    let bad = env.craft_v2_with_pack(b"this is not a git pack file, whatever its list entry says", 3, commit);
    refused_with(env, &bad, "not-a-pack", &["is damaged", "not a version 2 pack"]);

    let bad = env.craft_v2_with_pack(&pack[..20], 3, commit);
    refused_with(env, &bad, "short", &["is damaged", "less than a pack's header and checksum"]);

    let mut wrong_sum = pack.clone();
    *wrong_sum.last_mut().unwrap() ^= 1;
    let bad = env.craft_v2_with_pack(&wrong_sum, 3, commit);
    refused_with(env, &bad, "checksum", &["is damaged", "checksum does not match"]);

    let bad = env.craft_v2_with_pack(&p.finish_with(2, 4), 4, commit);
    refused_with(env, &bad, "one-more", &["git index-pack refused the objects of"]);

    // A list entry whose byte count is not the pack file's.
    for (name, bytes) in [("longer", pack.len() as u64 + 100), ("shorter", pack.len() as u64 - 10)] {
        let entry = PackEntry { bytes, ..env.craft_pack(&pack, 3) };
        let bad = env.craft_v2_with_entries(&[entry], commit);
        refused_with(env, &bad, name, &[&format!("reading pack 0 of nip::/ipfs/{bad}"), "does not add up"]);
    }

    // The packs list itself: 64 entries after the chunks (a full chunk's
    // worth), and a chunk of 3 entries.
    let entry = env.craft_pack(&pack, 3);
    let bad = env.craft_v2_with_entries(&vec![entry.clone(); nip::records::PACKS_CHUNK], commit);
    refused_with(env, &bad, "long-tail", &["packs list", "is damaged", "64 packs after the chunks"]);
    let chunk = nip::format::encode_v2(nip::records::KIND_PACKS_CHUNK, &vec![entry; 3]).unwrap();
    let chunk_cid = chunk.cid;
    env.put_blocks(vec![chunk]);
    let list = nip::format::encode_v2(nip::records::KIND_PACKS, &(vec![chunk_cid], Vec::<PackEntry>::new())).unwrap();
    let list_cid = list.cid;
    env.put_blocks(vec![list]);
    let refs = env.craft_refs_trie(&[("refs/heads/main".to_string(), commit)]);
    let bad = env.craft_index_v2(refs, Some("refs/heads/main".into()), Some(list_cid), None, None);
    refused_with(env, &bad, "short-chunk", &[&format!("packs list {chunk_cid} is damaged"), "a chunk holds 3 packs, not 64"]);
}

/// Scenario P3: packs whose header and checksum are right but whose
/// entries git refuses: a flipped byte inside a zlib stream, an entry that
/// claims 2^40 bytes (1 TiB) over a few, an entry that inflates to more or
/// fewer bytes than its header says, two REF_DELTA entries whose bases are
/// each other, and a thin pack whose REF_DELTA base is in no pack. Each is
/// refused by `git index-pack` within 20 s, with one clean error naming
/// the address; no file over 1 MiB appears while it runs (the 1 TiB claims
/// fill neither the disk nor memory: index-pack streams a large blob and
/// stops where its data ends, and cannot allocate 1 TiB for a commit; a
/// clone under `ulimit -v` 4 GiB is refused the same way), and no pack,
/// `.keep` or temporary file is left. Last, a well-formed pack while
/// `main` is in no pack: refused after index-pack wrote the pack, which the
/// fetch then removes.
pub fn scenario_packs_git_refuses_leave_nothing(env: &Env) {
    let (p, commit) = good_pack();
    let git = "git index-pack refused the objects of";

    // The blob's entry starts at 12: a one-byte header, then zlib. A byte in
    // the deflate data is flipped and the trailer made right again, so the
    // pack passes nip's checks and reaches git.
    let pack = p.finish();
    let mut flipped = pack[..pack.len() - 20].to_vec();
    flipped[12 + 1 + 4] ^= 0x5a;
    let bad = env.craft_v2_with_pack(&with_trailer(flipped), 3, commit);
    refused_with(env, &bad, "flipped", &[git, "inflate returned"]);

    // 1 TiB claimed, by a blob (index-pack streams large blobs) and by a
    // commit (which it would hold whole): both refused, and within 4 GiB of
    // address space for every process of the clone.
    let mut huge = PackBuilder::new();
    huge.raw(OBJ_BLOB, 1 << 40, &zlib(b"a few bytes that claim to be a terabyte"));
    let bad = env.craft_v2_with_pack(&huge.finish(), 1, commit);
    refused_with(env, &bad, "huge", &[git, "inflate returned"]);
    refused_within_memory(env, &bad, "huge-limited", &[git, "inflate returned"]);
    let mut huge = PackBuilder::new();
    huge.raw(OBJ_COMMIT, 1 << 40, &zlib(b"a few bytes that claim to be a terabyte"));
    let bad = env.craft_v2_with_pack(&huge.finish(), 1, commit);
    refused_with(env, &bad, "huge-commit", &[git]);
    refused_within_memory(env, &bad, "huge-commit-limited", &[git]);

    let mut short = PackBuilder::new();
    short.raw(OBJ_BLOB, 100, &zlib(b"nine byte"));
    let bad = env.craft_v2_with_pack(&short.finish(), 1, commit);
    refused_with(env, &bad, "inflates-short", &[git, "inflate returned"]);
    let mut long = PackBuilder::new();
    long.raw(OBJ_BLOB, 3, &zlib(b"far more than three bytes"));
    let bad = env.craft_v2_with_pack(&long.finish(), 1, commit);
    refused_with(env, &bad, "inflates-long", &[git, "inflate returned"]);

    // x is a delta on y, y a delta on x: no base is whole.
    let (x, y) = (git_hash(ObjectType::Blob, b"x"), git_hash(ObjectType::Blob, b"y"));
    let mut cycle = PackBuilder::new();
    cycle.ref_delta(y, &insert_delta(1, b"x"));
    cycle.ref_delta(x, &insert_delta(1, b"y"));
    let bad = env.craft_v2_with_pack(&cycle.finish(), 2, commit);
    refused_with(env, &bad, "cycle", &[git, "unresolved delta"]);

    let nowhere = git_hash(ObjectType::Blob, b"a base in no pack and in no repository\n");
    let mut thin = PackBuilder::new();
    thin.ref_delta(nowhere, &insert_delta(39, b"what the base would become\n"));
    let bad = env.craft_v2_with_pack(&thin.finish(), 1, commit);
    refused_with(env, &bad, "thin", &[git, "unresolved delta"]);

    // Every pack fine, but `main` is in none: index-pack writes the pack,
    // the fetch then finds `main` missing and removes that pack again.
    let nowhere = git_hash(ObjectType::Commit, b"a commit in no pack");
    let bad = env.craft_v2_with_pack(&p.finish(), 3, nowhere);
    refused_with(env, &bad, "in-no-pack", &[&format!("its packs do not hold object {nowhere}"), "the repository is damaged"]);
}

/// Scenario P4: a packs list whose packs add up to more than
/// `nip.maxFetchBytes` (two entries of 40 GiB: 80 GiB, past the default
/// 64 GiB, and past the space free on any test machine) is refused before
/// any pack is read: the packs are in no store, so reading one would be
/// another error, and on a Kubo node a proxy in front of it sees no
/// `block/get` of the pack (it would answer with 512 MiB).
pub fn scenario_packs_past_the_fetch_limit_are_never_read(env: &Env) {
    let (p, commit) = good_pack();
    let (_, pack) = nip::unixfs::encode(&p.finish());
    let entry = PackEntry { pack, tips: None, bytes: 40 << 30, tipset: None, objects: 3 };
    let bad = env.craft_v2_with_entries(&[entry.clone(), entry], commit);
    let (through, proxy) = match &env.backend {
        Backend::Kubo { api, .. } => {
            let proxy = FatProxy::start(crate::common::hostile_sizes::host_port(api), pack.to_string(), true);
            (env.with_api(&proxy.api), Some(proxy))
        }
        Backend::Local { .. } => (env.with_vars(&[]), None),
    };
    for line in clone_and_fetch_refused(&through, &url_of(&bad), "limit", Duration::from_secs(20)) {
        assert!(line.contains(&bad.to_string()), "the error does not name {bad}: {line}");
        assert!(line.contains("2 packs of 80.0 GiB") && line.contains("nip.maxFetchBytes"), "{line}");
        assert!(line.contains("nothing was written"), "{line}");
    }
    if let Some(proxy) = proxy {
        assert_eq!(proxy.hits.load(Ordering::SeqCst), 0, "the store was asked for pack {pack}");
    }
    no_pack_left(&through, "limit");
}

/// Scenario P5: a fetch trusts no `previous` index for which packs it may
/// skip. An earlier index whose refs the repository has tells a fetch that
/// the packs it lists are here; one that lists more packs than the current
/// index, or other ones, is not believed: every pack is fetched. So a fetch
/// of a new commit through such a chain works (and fsck is clean), and one
/// of a ref naming an object in no pack is one clean error naming it, with
/// no ref moved and no pack left (the pack index-pack wrote for it is
/// removed, the `.keep` too).
pub fn scenario_lying_previous_indexes_are_not_believed(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 5, ..Synth::default() });
    let good = url_cid(&env.remote_url(&src, "nip"));
    let idx = env.index(&good);
    let links = idx.v2.expect("a push writes format 2");
    let store = env.store();
    let v = nip::store::Verified::new(store.as_ref());
    let refs = nip::records::read_index(&v, &good).expect("read the pushed index").refs;
    let entries = nip::records::read_packs(&v, &links.packs.expect("a packs list")).expect("read the packs list");
    assert_eq!(entries.len(), 1);
    env.git_ok(&env.work, &["clone", "-q", &url_of(&good), "copy"]);
    let copy = env.dir("copy");
    let head = Some("refs/heads/main".to_string());

    // A previous index with every ref `copy` has, listing three packs; and
    // one listing another pack first.
    let trie = env.craft_refs_trie(&refs);
    let (other, _) = good_pack();
    let other = env.craft_pack(&other.finish(), 3);
    let lies = [vec![entries[0].clone(); 3], vec![other]];

    // A new commit on main, in a second pack.
    let main = hash(&env.rev_parse(&src, "main"));
    let tree = hash(&env.rev_parse(&src, "main^{tree}"));
    let mut p = PackBuilder::new();
    let new = p.object(ObjectType::Commit, &commit_text(tree, &[main], "on top, through a lying chain"));
    let second = env.craft_pack(&p.finish(), 1);
    let mut new_refs: Vec<(String, Hash)> = refs.iter().filter(|(n, _)| n != "refs/heads/main").cloned().collect();
    new_refs.push(("refs/heads/main".into(), new));
    for (i, lie) in lies.iter().enumerate() {
        let prev = env.craft_index_v2(trie, head.clone(), Some(env.craft_packs_list(lie)), Some(idx.objects), Some(good));

        // An object in no pack: refused, nothing left.
        let nowhere = git_hash(ObjectType::Commit, format!("a commit in no pack {i}").as_bytes());
        let mut with_nowhere = refs.clone();
        with_nowhere.push(("refs/heads/nowhere".into(), nowhere));
        let bad =
            env.craft_index_v2(env.craft_refs_trie(&with_nowhere), head.clone(), links.packs, Some(idx.objects), Some(prev));
        let before = (env.refs(&copy), env.packs(&copy));
        let run = env.git(&copy, &["fetch", &url_of(&bad), "refs/heads/nowhere:refs/heads/nowhere"]);
        let line = run.one_clean_error();
        assert!(
            line.contains(&bad.to_string())
                && line.contains(&format!("its packs do not hold object {nowhere}, which its ref refs/heads/nowhere names")),
            "{run}"
        );
        assert_eq!((env.refs(&copy), env.packs(&copy)), before, "lie {i}: a refused fetch changed the repository");

        // A real new commit: fetched whole.
        let list = env.craft_packs_list(&[entries[0].clone(), second.clone()]);
        let next = env.craft_index_v2(env.craft_refs_trie(&new_refs), head.clone(), Some(list), Some(idx.objects), Some(prev));
        let got = format!("refs/heads/got-{i}");
        env.git_ok(&copy, &["fetch", "-q", &url_of(&next), &format!("refs/heads/main:{got}")]);
        assert_eq!(env.rev_parse(&copy, &got), new.to_string());
        env.fsck(&copy);
        let keeps: Vec<String> = env.packs(&copy).into_iter().filter(|p| p.ends_with(".keep")).collect();
        assert!(keeps.is_empty(), "lie {i}: a fetch left {keeps:?}");
    }
}
