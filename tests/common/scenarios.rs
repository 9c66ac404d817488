//! The end-to-end scenarios. Each takes an [`Env`] and works against any
//! backend; the few checks only a backend that lists its blocks can make are
//! skipped where [`Env::block_files`] says `None` or [`Env::tamper`] `false`
//! (scenarios that cannot run at all without them say so and panic).

use super::{prng_bytes, url_cid, url_of, Env, Synth};
use nip::block::{Block, DAG_CBOR};
use nip::format::{self, NipIndex, KIND_INDEX, MODE_GITLINK};
use nip::records::{PackEntry, Record, RecordLinks};
use nip::unixfs::CHUNK;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every scenario of this file as tests on one back end, from this one
/// list: `tests/local_store.rs` says `scenario_tests!(local)`,
/// `tests/kubo.rs` `scenario_tests!(kubo)` (see
/// [`super::backend_tests`]). A scenario added here runs on both; one that
/// cannot goes under `local_only` or `kubo_only` with the reason.
#[allow(unused_macros)]
macro_rules! scenario_tests {
    ($backend:ident) => {
        $crate::common::backend_tests! { $backend =>
            both {
                push_all_tags_then_clone => $crate::common::scenarios::scenario_push_all_tags_then_clone,
                second_push_stores_only_new_objects => $crate::common::scenarios::scenario_second_push_stores_only_new_objects,
                fetch_gets_only_new_objects => $crate::common::scenarios::scenario_fetch_gets_only_new_objects,
                force_push => $crate::common::scenarios::scenario_force_push,
                delete_ref => $crate::common::scenarios::scenario_delete_ref,
                tags => $crate::common::scenarios::scenario_tags,
                large_blobs => $crate::common::scenarios::scenario_large_blobs,
                empty_repository => $crate::common::scenarios::scenario_empty_repository,
                gitlinks => $crate::common::scenarios::scenario_gitlinks,
                corrupted_block => $crate::common::scenarios::scenario_corrupted_block,
                wrong_sha1_object => $crate::common::scenarios::scenario_wrong_sha1_object,
                unknown_version => $crate::common::scenarios::scenario_unknown_version,
                bad_input => $crate::common::scenarios::scenario_bad_input,
                one_index_per_push => $crate::common::scenarios::scenario_one_index_per_push,
                push_to_bare_url => $crate::common::scenarios::scenario_push_to_bare_url,
                many_objects => $crate::common::scenarios::scenario_many_objects,
                file_modes => $crate::common::scenarios::scenario_file_modes,
                fetch_follows_annotated_tags => $crate::common::scenarios::scenario_fetch_follows_annotated_tags,
                fetch_from_a_worktree => $crate::common::scenarios::scenario_fetch_from_a_worktree,
                huge_tree_pushes_and_clones => $crate::common::scenarios::scenario_huge_tree_pushes_and_clones,
                deltas_across_pushes => $crate::common::scenarios::scenario_deltas_across_pushes,
                fetch_after_a_branch_was_deleted_and_pushed_again => $crate::common::scenarios::scenario_fetch_after_a_branch_was_deleted_and_pushed_again,
            }
            local_only {}
            kubo_only {}
        }
    };
}
#[allow(unused_imports)]
pub(crate) use scenario_tests;

/// Refs a clone should have for a source's refs: branches under
/// `refs/remotes/origin/`, tags as they are.
fn expected_clone_refs(src: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    src.iter()
        .filter_map(|(n, o)| {
            if let Some(b) = n.strip_prefix("refs/heads/") {
                Some((format!("refs/remotes/origin/{b}"), o.clone()))
            } else if n.starts_with("refs/tags/") {
                Some((n.clone(), o.clone()))
            } else {
                None
            }
        })
        .collect()
}

/// The clone's remote-tracking branches and tags.
fn clone_refs(env: &Env, repo: &Path) -> BTreeMap<String, String> {
    env.refs(repo)
        .into_iter()
        .filter(|(n, _)| {
            (n.starts_with("refs/remotes/origin/") && n != "refs/remotes/origin/HEAD") || n.starts_with("refs/tags/")
        })
        .collect()
}

/// Source refs that a push sends: branches and tags.
fn pushed_refs(env: &Env, repo: &Path) -> BTreeMap<String, String> {
    env.refs(repo).into_iter().filter(|(n, _)| n.starts_with("refs/heads/") || n.starts_with("refs/tags/")).collect()
}

/// A tracked text file at least two directories deep, else any text file.
fn nested_text_file(env: &Env, repo: &Path) -> String {
    let files = env.out(repo, &["ls-files"]);
    let files: Vec<&str> = files.lines().filter(|f| f.ends_with(".txt")).collect();
    files
        .iter()
        .find(|f| f.matches('/').count() >= 2)
        .or_else(|| files.first())
        .expect("the synthetic repository has text files")
        .to_string()
}

/// A non-empty blob at `rev`: (path, blob oid).
fn some_blob(env: &Env, repo: &Path, rev: &str) -> (String, String) {
    let listing = env.out(repo, &["ls-tree", "-r", "-l", rev]);
    for l in listing.lines() {
        let (meta, path) = l.split_once('\t').unwrap();
        let f: Vec<&str> = meta.split_whitespace().collect();
        if f[1] == "blob" && f[3].parse::<u64>().unwrap_or(0) > 100 {
            return (path.to_string(), f[2].to_string());
        }
    }
    panic!("no blob of more than 100 bytes at {rev}");
}

/// Blocks stored since `before`, where the backend lists its blocks.
fn new_blocks(env: &Env, before: &Option<BTreeMap<String, u64>>) -> Option<BTreeMap<String, u64>> {
    let after = env.block_files()?;
    let before = before.as_ref()?;
    Some(after.into_iter().filter(|(k, _)| !before.contains_key(k)).collect())
}

/// Asserts a failed clone left nothing a user could mistake for a clone.
fn assert_no_clone(env: &Env, name: &str) {
    let dir = env.dir(name);
    if dir.exists() {
        let refs = env.git(&dir, &["for-each-ref"]);
        assert!(refs.stdout.trim().is_empty(), "failed clone left refs in {}:\n{refs}", dir.display());
    }
}

/// State of a repository a failed fetch must not change.
fn snapshot(env: &Env, repo: &Path) -> (BTreeMap<String, String>, Vec<String>, BTreeMap<String, u64>) {
    (env.refs(repo), env.packs(repo), env.count_objects(repo))
}

// ---------------------------------------------------------------------------

/// Scenario 1: `push --all`, `push --tags`, clone: same refs, same tree, fsck clean.
pub fn scenario_push_all_tags_then_clone(env: &Env) {
    let src = env.synth("src", Synth { commits: 120, ..Synth::default() });
    env.git_ok(&src, &["tag", "-a", "v0.1.0", "-m", "Release v0.1.0", "main~4"]);
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);

    let first = env.push(&src, &["--all", "nip"]);
    let u1 = env.remote_url(&src, "nip");
    assert!(u1.starts_with("nip::/ipfs/"), "remote URL not rewritten: {u1}\n{first}");
    assert!(first.stderr.contains("previous: nip::new-ipfs"), "{first}");
    assert!(first.stderr.contains(&format!("new:      {u1}")), "{first}");
    let stored = first.stored().unwrap_or_else(|| panic!("no `stored` line:\n{first}"));
    let branch_objects = env.count_rev_list_objects(&src, &["--branches"]);
    assert_eq!(stored.objects as usize, branch_objects, "push --all stores every object of every branch\n{first}");
    let heads_only = env.ls_remote(&u1);
    assert!(heads_only.keys().all(|k| k.starts_with("refs/heads/")), "push --all pushed tags: {heads_only:?}");

    let second = env.push(&src, &["--tags", "nip"]);
    let u2 = env.remote_url(&src, "nip");
    assert!(u2.starts_with("nip::/ipfs/") && u2 != u1, "second push did not move the remote: {u1} -> {u2}\n{second}");
    assert!(second.stderr.contains(&format!("previous: {u1}")), "{second}");
    // The only object --tags adds is the annotated tag (the lightweight
    // snapshot tag points into pushed history).
    assert_eq!(second.stored().map(|s| s.objects), Some(1), "{second}");
    assert_eq!(env.index(&url_cid(&u2)).prev, Some(url_cid(&u1)));

    let src_refs = pushed_refs(env, &src);
    assert!(src_refs.contains_key("refs/tags/v0.1.0") && src_refs.contains_key("refs/tags/snapshot-100"), "{src_refs:?}");
    assert_eq!(env.ls_remote(&u2), src_refs, "ls-remote of the new address");
    assert_eq!(env.ls_remote_all(&u2).get("HEAD"), src_refs.get("refs/heads/main"), "remote HEAD");

    env.git_ok(&env.work, &["clone", "-q", &u2, "copy"]);
    let copy = env.dir("copy");
    assert_eq!(clone_refs(env, &copy), expected_clone_refs(&src_refs));
    env.fsck(&copy);
    assert_eq!(env.rev_parse(&copy, "HEAD"), env.rev_parse(&src, "refs/heads/main"));
    assert_eq!(env.out(&copy, &["symbolic-ref", "HEAD"]), "refs/heads/main");
    assert_eq!(env.out(&copy, &["symbolic-ref", "refs/remotes/origin/HEAD"]), "refs/remotes/origin/main");
    assert_eq!(env.out(&copy, &["ls-files", "-s"]), env.out(&src, &["ls-files", "-s"]));
    assert_eq!(env.out(&copy, &["ls-tree", "-r", "HEAD"]), env.out(&src, &["ls-tree", "-r", "HEAD"]));
    assert_eq!(env.out(&copy, &["status", "--porcelain", "--untracked-files=all"]), "", "clone's working tree is not clean");
    // Spot-check file bytes on disk, not just the index.
    let f = nested_text_file(env, &src);
    assert_eq!(std::fs::read(copy.join(&f)).unwrap(), std::fs::read(src.join(&f)).unwrap(), "{f}");
    assert_eq!(env.remote_url(&copy, "origin"), u2);
    assert_pack_files_as_git_writes_them(env, &copy);
}

/// nip writes fetched packs and their indexes itself: each `.idx` must be
/// byte for byte what `git index-pack` makes of the pack, and no `.keep`
/// may be left once git has updated the refs.
pub fn assert_pack_files_as_git_writes_them(env: &Env, repo: &Path) {
    let dir = repo.join(".git/objects/pack");
    let mut packs = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(!name.ends_with(".keep") && !name.starts_with("tmp_"), "{name} left in {}", dir.display());
        if name.ends_with(".pack") {
            packs += 1;
            let ours = std::fs::read(path.with_extension("idx")).unwrap();
            let theirs = env.work.join(format!("{name}.git-index-pack.idx"));
            env.git_ok(repo, &["index-pack", "-o", theirs.to_str().unwrap(), path.to_str().unwrap()]);
            assert!(ours == std::fs::read(&theirs).unwrap(), "{name}: nip's .idx differs from git index-pack's");
        }
    }
    assert!(packs > 0, "no pack in {}", dir.display());
}

/// Scenario: a fetch from a linked worktree puts its pack where every
/// worktree of the repository finds it.
pub fn scenario_fetch_from_a_worktree(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 20, seed: 21, ..Synth::default() });
    env.git_ok(&env.work, &["clone", "-q", &env.remote_url(&src, "nip"), "copy"]);
    let copy = env.dir("copy");
    let wt = env.dir("copy-wt");
    env.git_ok(&copy, &["worktree", "add", "-q", "--detach", wt.to_str().unwrap()]);
    let new = env.append_commit(&src, "docs/notes.txt", "for the worktree");
    env.push(&src, &["nip", "main"]);
    env.git_ok(&wt, &["fetch", "-q", &env.remote_url(&src, "nip"), "main:refs/heads/fetched"]);
    assert_eq!(env.rev_parse(&copy, "fetched"), new);
    env.fsck(&copy);
    assert_pack_files_as_git_writes_them(env, &copy);
}

/// Scenario 2: A second push stores only what is new. Format 2: it adds
/// one pack whose objects are exactly `git rev-list --objects new ^old`
/// (counted in the packs list, in the pack's own header and in the records
/// numbered for it), a few map shards, and a new index.
pub fn scenario_second_push_stores_only_new_objects(env: &Env) {
    let src = env.synth("src", Synth { commits: 80, seed: 11, ..Synth::default() });
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    let first = env.push(&src, &["--all", "nip"]);
    let u1 = env.remote_url(&src, "nip");
    let total_first = first.stored().expect("first push stored").objects;

    let old = env.rev_parse(&src, "HEAD");
    let file = nested_text_file(env, &src);
    let new = env.append_commit(&src, &file, "one more line for the second push");
    let expected = env.count_rev_list_objects(&src, &[&format!("{old}..{new}")]);
    // The commit, the root tree, the trees down to the file, the blob.
    assert_eq!(expected, 2 + file.matches('/').count() + 1, "rev-list {old}..{new}");

    // A dry run writes nothing and keeps the address.
    let before = env.block_files();
    let dry = env.push(&src, &["--dry-run", "nip", "main"]);
    assert_eq!(env.remote_url(&src, "nip"), u1, "dry run moved the remote\n{dry}");
    assert_eq!(dry.stored(), None, "{dry}");
    if let Some(b) = &before {
        assert_eq!(env.block_files().as_ref(), Some(b), "dry run wrote blocks");
    }

    let second = env.push(&src, &["nip", "main"]);
    let u2 = env.remote_url(&src, "nip");
    assert_ne!(u1, u2);
    let stored = second.stored().unwrap_or_else(|| panic!("no `stored` line:\n{second}"));
    assert_eq!(stored.objects as usize, expected, "objects stored by the second push\n{second}");
    // Format 2: the push adds one pack holding exactly the new objects,
    // and a record for each of them in the pack's number.
    let (p1, p2) = (env.pack_list(&url_cid(&u1)), env.pack_list(&url_cid(&u2)));
    assert_eq!(p1.len(), 1, "the first push made one pack: {p1:?}");
    assert_eq!(p2.len(), 2, "the second push added one pack: {p2:?}");
    assert_eq!(p2[0], p1[0], "the first pack is kept as it was");
    assert_eq!(p2[1].objects as usize, expected, "the new pack holds the new objects only: {:?}", p2[1]);
    let bytes = env.pack_bytes(&p2[1]);
    assert_eq!(bytes.len() as u64, p2[1].bytes);
    assert_eq!(u32::from_be_bytes(bytes[8..12].try_into().unwrap()) as usize, expected, "the pack's own header");
    let listed = env.out(&src, &["rev-list", "--objects", &new, &format!("^{old}")]);
    let wanted: BTreeSet<String> = listed.lines().map(|l| l[..40].to_string()).collect();
    let in_new_pack: BTreeSet<String> =
        env.records(&url_cid(&u2)).into_iter().filter(|r| r.pack == 1).map(|r| r.oid.to_string()).collect();
    assert_eq!(in_new_pack, wanted, "records of pack 1 are the objects of rev-list {new} ^{old}");
    // The pack (one chunk), the map shards on the new objects' paths, the
    // packs list, the refs leaf, the index: a handful, not the history.
    assert!(stored.blocks as usize <= 2 * expected + 5, "{stored:?} for {expected} objects");
    assert!(stored.bytes < p1[0].bytes / 2, "{stored:?}: the first pack is {} bytes", p1[0].bytes);
    if let Some(added) = new_blocks(env, &before) {
        assert_eq!(added.len() as u64, stored.blocks, "new blocks vs reported\n{second}");
        assert_eq!(added.values().sum::<u64>(), stored.bytes, "bytes of new blocks vs reported");
    }
    let idx = env.index(&url_cid(&u2));
    assert_eq!(idx.counts.total(), total_first + expected as u64, "index counts");
    assert_eq!(idx.get_ref("refs/heads/main").map(|h| h.to_string()), Some(new));

    // Nothing new: no push at all, same address, no blocks.
    let before = env.block_files();
    let again = env.push(&src, &["nip", "main"]);
    assert!(again.stderr.contains("Everything up-to-date"), "{again}");
    assert_eq!(env.remote_url(&src, "nip"), u2);
    assert_eq!(env.block_files(), before);
}

/// Scenario 3: A fetch after a second push gets exactly the new objects.
/// Format 2: the second push's pack holds just them, and the fetch reads
/// that pack only: where blocks can be damaged (embedded store, a test
/// node), every block of the first pack is damaged before the fetch, which
/// must still succeed; the objects `git index-pack` received are the new
/// ones plus at most one copy per delta base (`--fix-thin`).
pub fn scenario_fetch_gets_only_new_objects(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 60, seed: 2, ..Synth::default() });
    let u1 = env.remote_url(&src, "nip");
    env.git_ok(&env.work, &["clone", "-q", &u1, "copy"]);
    let copy = env.dir("copy");

    let old = env.rev_parse(&src, "HEAD");
    let file = nested_text_file(env, &src);
    let new = env.append_commit(&src, &file, "fetched line");
    let expected = env.count_rev_list_objects(&src, &[&format!("{old}..{new}")]);
    env.push(&src, &["nip", "main"]);
    let u2 = env.remote_url(&src, "nip");

    let packs = env.pack_list(&url_cid(&u2));
    assert_eq!(packs.len(), 2, "{packs:?}");
    assert_eq!(packs[1].objects as usize, expected, "the second pack holds the new objects only");
    // The fetch must read the new pack only: where the test can reach the
    // stored blocks, every block of the first pack is damaged now, so a
    // fetch that read it would fail.
    let (old_leaves, old_nodes) = env.file_blocks(&packs[0].pack);
    let damaged = old_leaves.iter().chain(&old_nodes).all(|c| env.tamper(c, &|b| b.iter().map(|x| x ^ 0x5a).collect()));

    let objects_before = env.count_rev_list_objects(&copy, &["--all"]);
    let counts_before = env.count_objects(&copy);
    let packs_before = env.packs(&copy);
    env.git_ok(&copy, &["remote", "set-url", "origin", &u2]);
    let fetch = env.git_ok(&copy, &["fetch", "origin"]);
    assert!(fetch.stderr.contains("main"), "fetch did not report main:\n{fetch}");
    assert_eq!(env.rev_parse(&copy, "refs/remotes/origin/main"), new);
    env.fsck(&copy);
    assert_eq!(env.count_rev_list_objects(&copy, &["--all"]), objects_before + expected);
    let counts_after = env.count_objects(&copy);
    // index-pack received the new pack's objects; `--fix-thin` adds a copy
    // of each delta base the thin pack names (from the local repository).
    let received = counts_after["in-pack"] - counts_before["in-pack"];
    assert!(
        received >= expected as u64 && received <= 2 * expected as u64,
        "{received} objects in the fetched pack for {expected} new ones (damaged first pack: {damaged})"
    );
    assert_eq!(counts_after["count"], counts_before["count"], "loose objects");
    let new_packs: Vec<_> = env.packs(&copy).into_iter().filter(|p| !packs_before.contains(p) && p.ends_with(".pack")).collect();
    assert_eq!(new_packs.len(), 1, "one new pack: {new_packs:?}");

    env.git_ok(&copy, &["merge", "-q", "--ff-only", "origin/main"]);
    assert_eq!(env.out(&copy, &["ls-files", "-s"]), env.out(&src, &["ls-files", "-s"]));
    assert_eq!(std::fs::read(copy.join(&file)).unwrap(), std::fs::read(src.join(&file)).unwrap());

    // A second fetch has nothing to do.
    let packs = env.packs(&copy);
    env.git_ok(&copy, &["fetch", "origin"]);
    assert_eq!(env.packs(&copy), packs, "an empty fetch wrote a pack");
}

/// Scenario 4: Force push rewrites; a non-fast-forward without -f is refused while
/// another ref of the same push goes through.
pub fn scenario_force_push(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 60, seed: 3, ..Synth::default() });
    let u1 = env.remote_url(&src, "nip");
    let old_main = env.rev_parse(&src, "main");
    env.git_ok(&env.work, &["clone", "-q", &u1, "before"]);

    env.git_ok(&src, &["reset", "-q", "--hard", "HEAD~2"]);
    let file = nested_text_file(env, &src);
    let rewritten = env.append_commit(&src, &file, "rewritten history");
    env.git_ok(&src, &["checkout", "-q", "-b", "extra"]);
    let extra = env.commit_file(&src, "extra.txt", b"on a new branch\n", "extra branch");
    env.git_ok(&src, &["checkout", "-q", "main"]);

    let refused = env.git(&src, &["push", "nip", "main", "extra"]);
    assert!(!refused.success(), "non-fast-forward push succeeded:\n{refused}");
    refused.assert_no_panic();
    assert!(refused.stderr.contains("rejected"), "{refused}");
    assert!(refused.stderr.contains("non-fast-forward") || refused.stderr.contains("fetch first"), "{refused}");
    let u2 = env.remote_url(&src, "nip");
    assert_ne!(u2, u1, "the new branch of the same push was not pushed\n{refused}");
    let listed = env.ls_remote(&u2);
    assert_eq!(listed.get("refs/heads/extra"), Some(&extra), "{listed:?}");
    assert_eq!(listed.get("refs/heads/main"), Some(&old_main), "refused main moved: {listed:?}");

    let forced = env.push(&src, &["-f", "nip", "main"]);
    assert!(forced.stderr.contains("forced update"), "{forced}");
    let u3 = env.remote_url(&src, "nip");
    assert_ne!(u3, u2);
    let listed = env.ls_remote(&u3);
    assert_eq!(listed.get("refs/heads/main"), Some(&rewritten));
    assert_eq!(listed.get("refs/heads/extra"), Some(&extra));
    assert_eq!(env.index(&url_cid(&u3)).prev, Some(url_cid(&u2)));

    env.git_ok(&env.work, &["clone", "-q", &u3, "fresh"]);
    let fresh = env.dir("fresh");
    assert_eq!(env.rev_parse(&fresh, "HEAD"), rewritten);
    assert_eq!(env.rev_parse(&fresh, "refs/remotes/origin/extra"), extra);
    // The old main is gone from main's history (stable still holds it).
    env.git_fails(&fresh, &["merge-base", "--is-ancestor", &old_main, "HEAD"]);
    assert_eq!(env.rev_parse(&fresh, "HEAD~1"), env.rev_parse(&src, "main~1"));
    env.fsck(&fresh);

    // A clone made before the rewrite fetches it as a forced update.
    let before = env.dir("before");
    env.git_ok(&before, &["remote", "set-url", "origin", &u3]);
    let fetch = env.git_ok(&before, &["fetch", "origin"]);
    assert!(fetch.stderr.contains("(forced update)"), "{fetch}");
    assert_eq!(env.rev_parse(&before, "refs/remotes/origin/main"), rewritten);
    assert_eq!(env.rev_parse(&before, "refs/remotes/origin/extra"), extra);
    env.fsck(&before);
}

/// Scenario 5: Deleting a remote ref.
pub fn scenario_delete_ref(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 60, seed: 1, ..Synth::default() });
    let u1 = env.remote_url(&src, "nip");
    let before = env.ls_remote(&u1);
    assert!(before.contains_key("refs/heads/feature/1"), "seed 1 has feature/1: {before:?}");
    env.git_ok(&env.work, &["clone", "-q", &u1, "old-clone"]);

    let del = env.push(&src, &["nip", ":refs/heads/feature/1"]);
    assert!(del.stderr.contains("[deleted]"), "{del}");
    let u2 = env.remote_url(&src, "nip");
    assert_ne!(u1, u2);
    let after = env.ls_remote(&u2);
    let mut expected = before.clone();
    expected.remove("refs/heads/feature/1");
    assert_eq!(after, expected);
    // The old address still has it: addresses are immutable.
    assert_eq!(env.ls_remote(&u1), before);

    env.git_ok(&env.work, &["clone", "-q", &u2, "copy"]);
    let copy = env.dir("copy");
    assert!(!env.refs(&copy).contains_key("refs/remotes/origin/feature/1"));
    env.fsck(&copy);

    // An older clone prunes it on fetch.
    let old = env.dir("old-clone");
    assert!(env.refs(&old).contains_key("refs/remotes/origin/feature/1"));
    env.git_ok(&old, &["remote", "set-url", "origin", &u2]);
    let fetch = env.git_ok(&old, &["fetch", "--prune", "origin"]);
    assert!(fetch.stderr.contains("[deleted]"), "{fetch}");
    assert!(!env.refs(&old).contains_key("refs/remotes/origin/feature/1"));

    // Deleting what is not there is refused by git and moves nothing.
    let none = env.git(&src, &["push", "nip", ":refs/heads/no-such-branch"]);
    none.assert_no_panic();
    assert!(none.nip_errors().is_empty(), "{none}");
    assert_eq!(env.remote_url(&src, "nip"), u2);
}

/// Scenario 6: Annotated and lightweight tags keep their object ids.
pub fn scenario_tags(env: &Env) {
    let src = env.synth("src", Synth { commits: 40, seed: 4, ..Synth::default() });
    env.git_ok(&src, &["tag", "-a", "v0.1.0", "-m", "Release v0.1.0", "main~3"]);
    env.git_ok(&src, &["tag", "snap", "main~7"]);
    env.git_ok(&src, &["tag", "-a", "v0.1.0-nested", "-m", "A tag of a tag", "v0.1.0"]);
    env.git_ok(&src, &["tag", "-a", "tree-tag", "-m", "A tag of a tree", "main^{tree}"]);
    env.git_ok(&src, &["tag", "blob-tag", "main:empty"]);
    // Tags whose targets no branch has: a commit on a deleted branch, a
    // loose blob, a new tree holding a new blob.
    env.git_ok(&src, &["checkout", "-q", "-b", "gone"]);
    let orphan = env.commit_file(&src, "only-in-tag.txt", b"reachable from a tag only\n", "tagged, then branch deleted");
    env.git_ok(&src, &["tag", "-a", "v-orphan", "-m", "orphan commit", "gone"]);
    env.git_ok(&src, &["checkout", "-q", "main"]);
    env.git_ok(&src, &["branch", "-q", "-D", "gone"]);
    let loose = env.git_input(&src, &["hash-object", "-w", "--stdin"], b"a loose blob\n");
    env.git_ok(&src, &["tag", "loose-blob", &loose]);
    let inner = env.git_input(&src, &["hash-object", "-w", "--stdin"], b"in a new tree\n");
    let new_tree = env.git_input(&src, &["mktree"], format!("100644 blob {inner}\tinner.txt\n").as_bytes());
    env.git_ok(&src, &["tag", "-a", "new-tree", "-m", "a new tree", &new_tree]);
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&src, &["--all", "nip"]);
    let tags = env.push(&src, &["--tags", "nip"]);
    // New: 5 tag objects; the orphan commit, its root tree and its blob;
    // the loose blob; the new tree and its blob.
    assert_eq!(tags.stored().map(|s| s.objects), Some(5 + 3 + 1 + 2), "{tags}");
    let url = env.remote_url(&src, "nip");

    env.git_ok(&env.work, &["clone", "-q", &url, "copy"]);
    let copy = env.dir("copy");
    let expected_types = [
        ("v0.1.0", "tag"),
        ("snap", "commit"),
        ("v0.1.0-nested", "tag"),
        ("tree-tag", "tag"),
        ("blob-tag", "blob"),
        ("v-orphan", "tag"),
        ("loose-blob", "blob"),
        ("new-tree", "tag"),
    ];
    for (tag, kind) in expected_types {
        let r = format!("refs/tags/{tag}");
        let oid = env.rev_parse(&src, &r);
        assert_eq!(env.rev_parse(&copy, &r), oid, "{tag}");
        assert_eq!(env.out(&copy, &["cat-file", "-t", &oid]), kind, "{tag}");
        assert_eq!(env.out(&copy, &["cat-file", "-p", &oid]), env.out(&src, &["cat-file", "-p", &oid]), "{tag}");
    }
    assert_eq!(env.rev_parse(&copy, "v0.1.0"), env.rev_parse(&src, "v0.1.0"));
    assert_eq!(env.out(&copy, &["cat-file", "-t", "v0.1.0"]), "tag");
    assert_eq!(env.rev_parse(&copy, "v0.1.0^{commit}"), env.rev_parse(&src, "main~3"));
    assert_eq!(env.rev_parse(&copy, "v0.1.0-nested^{commit}"), env.rev_parse(&src, "main~3"));
    assert_eq!(env.rev_parse(&copy, "snap"), env.rev_parse(&src, "main~7"));
    assert_eq!(env.out(&copy, &["cat-file", "-t", "snap"]), "commit");
    assert_eq!(env.rev_parse(&copy, "v-orphan^{commit}"), orphan);
    assert_eq!(env.out(&copy, &["cat-file", "-p", "v-orphan:only-in-tag.txt"]), "reachable from a tag only");
    assert_eq!(env.out(&copy, &["cat-file", "-p", "new-tree^{tree}:inner.txt"]), "in a new tree");
    assert_eq!(clone_refs(env, &copy), expected_clone_refs(&pushed_refs(env, &src)));
    env.fsck(&copy);

    // Moving an existing tag without -f is refused.
    env.git_ok(&src, &["tag", "-f", "snap", "main~1"]);
    let moved = env.git(&src, &["push", "nip", "refs/tags/snap"]);
    assert!(!moved.success(), "moving a tag without -f succeeded:\n{moved}");
    moved.assert_no_panic();
    assert!(moved.stderr.contains("rejected"), "{moved}");
    assert_eq!(env.remote_url(&src, "nip"), url);
}

/// Scenario 7: Large blobs round-trip byte for byte; no block exceeds 1 MiB.
/// Format 2: their bytes are in the push's pack, a UnixFS file of 256 KiB
/// raw leaves under dag-pb nodes whose bytes (read through the store, and
/// with `ipfs cat` on a test node) are the git pack: an empty repository's
/// `git index-pack` takes them; the clone is fsck-clean. One byte changed in
/// the 5 MiB blob is a delta in the next (thin) pack, not the file again.
pub fn scenario_large_blobs(env: &Env) {
    let src = env.synth("src", Synth { commits: 40, seed: 5, ..Synth::default() });
    let three = prng_bytes(3, 3 << 20);
    let mut five = prng_bytes(5, 5 << 20);
    // Sizes around the 256 KiB chunk and the 1 MiB block boundaries.
    let edges: Vec<(String, Vec<u8>)> = [CHUNK - 1, CHUNK, CHUNK + 1, 1 << 20, (1 << 20) + 1]
        .iter()
        .map(|&n| (format!("assets/edge-{n}.bin"), prng_bytes(n as u64, n)))
        .collect();
    std::fs::create_dir_all(src.join("assets")).unwrap();
    for (name, data) in &edges {
        std::fs::write(src.join(name), data).unwrap();
        env.git_ok(&src, &["add", name]);
    }
    std::fs::write(src.join("assets/big3.bin"), &three).unwrap();
    env.commit_file(&src, "assets/big5.bin", &five, "add large blobs");
    env.git_ok(&src, &["add", "assets/big3.bin"]);
    env.git_ok(&src, &["commit", "-q", "-m", "add the 3 MiB blob"]);
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&src, &["--all", "nip"]);
    let url = env.remote_url(&src, "nip");

    env.git_ok(&env.work, &["clone", "-q", &url, "copy"]);
    let copy = env.dir("copy");
    let large = [("assets/big3.bin", &three), ("assets/big5.bin", &five)];
    for (name, data) in edges.iter().map(|(n, d)| (n.as_str(), d)).chain(large) {
        let got = std::fs::read(copy.join(name)).unwrap();
        assert!(
            got.len() == data.len() && got == *data,
            "{name}: {} bytes back for {}, or different bytes",
            got.len(),
            data.len()
        );
        let oid = env.rev_parse(&src, &format!("HEAD:{name}"));
        assert_eq!(env.rev_parse(&copy, &format!("HEAD:{name}")), oid);
        let record = env.record(&url_cid(&url), &oid).expect("large blob in the object map");
        assert_eq!((record.kind, record.size, record.pack), (nip::format::ObjectType::Blob, data.len() as u64, 0), "{name}");
    }
    env.fsck(&copy);
    if let Some(files) = env.block_files() {
        let big: Vec<_> = files.iter().filter(|(_, &s)| s > 1 << 20).collect();
        assert!(big.is_empty(), "blocks over 1 MiB: {big:?}");
    }
    // The pack is a UnixFS file of many 256 KiB raw leaves under a dag-pb
    // root, as `ipfs add --raw-leaves` lays it out, and its bytes are a
    // git pack (`git index-pack` in an empty repository takes it).
    let packs = env.pack_list(&url_cid(&url));
    assert_eq!(packs.len(), 1, "{packs:?}");
    assert!(packs[0].bytes > 9 << 20, "{packs:?}: the blobs are random, the pack holds them whole");
    assert_eq!(packs[0].pack.codec(), nip::block::DAG_PB, "a pack of many chunks has a dag-pb root");
    let (leaves, _) = env.file_blocks(&packs[0].pack);
    assert_eq!(leaves.len() as u64, packs[0].bytes.div_ceil(CHUNK as u64), "one raw leaf per 256 KiB chunk");
    assert!(leaves.iter().all(|l| l.codec() == nip::block::RAW));
    let bytes = env.pack_bytes(&packs[0]);
    assert!(bytes.starts_with(b"PACK\0\0\0\x02"), "not a version 2 git pack");
    if let Some(cat) = env.ipfs_cli(&["cat", &packs[0].pack.to_string()]) {
        assert!(cat == bytes, "`ipfs cat` of the pack differs from the pack read through nip's store");
    }
    let bare = env.dir("bare-for-pack");
    env.git_ok(&env.work, &["init", "-q", "--bare", bare.to_str().unwrap()]);
    env.git_input(&bare, &["index-pack", "--stdin"], &bytes);
    for (_, data) in large {
        let oid = env.git_input(&src, &["hash-object", "--stdin"], data);
        assert_eq!(env.out(&bare, &["cat-file", "-s", &oid]), data.len().to_string());
    }

    // Changing one byte of the 5 MiB file stores one chunk, not the file.
    five[(5 << 20) / 2] ^= 0xff;
    env.commit_file(&src, "assets/big5.bin", &five, "touch one byte");
    let push = env.push(&src, &["nip", "main"]);
    let stored = push.stored().expect("stored line");
    assert_eq!(stored.objects, 4, "commit, root tree, assets tree, blob\n{push}");
    assert!(stored.bytes < (5 << 20) / 4, "one changed byte stored {} bytes\n{push}", stored.bytes);
    let url = env.remote_url(&src, "nip");
    env.git_ok(&copy, &["remote", "set-url", "origin", &url]);
    env.git_ok(&copy, &["pull", "-q", "--ff-only"]);
    assert!(std::fs::read(copy.join("assets/big5.bin")).unwrap() == five, "changed 5 MiB blob differs after fetch");
}

/// Scenario 8: Empty repositories.
pub fn scenario_empty_repository(env: &Env) {
    let empty = env.init("empty");
    env.git_ok(&empty, &["remote", "add", "nip", "nip::new-ipfs"]);
    let before = env.block_files();
    let all = env.git(&empty, &["push", "--all", "nip"]);
    all.assert_no_panic();
    assert!(all.nip_errors().is_empty(), "{all}");
    assert!(all.success(), "git treats pushing no refs as nothing to do:\n{all}");
    assert!(all.stderr.contains("No refs in common") || all.stderr.contains("Everything up-to-date"), "{all}");
    let main = env.git(&empty, &["push", "nip", "main"]);
    assert!(!main.success(), "{main}");
    main.assert_no_panic();
    assert!(main.stderr.contains("does not match any"), "{main}");
    assert!(main.nip_errors().is_empty(), "{main}");
    assert_eq!(env.remote_url(&empty, "nip"), "nip::new-ipfs");
    assert_eq!(env.block_files(), before, "pushing nothing wrote blocks");
    assert!(env.ls_remote("nip::new-ipfs").is_empty());

    // A remote whose only branch was deleted clones as an empty repository.
    let one = env.init("one");
    env.commit_file(&one, "README", b"hello\n", "first");
    env.git_ok(&one, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&one, &["nip", "main"]);
    let u1 = env.remote_url(&one, "nip");
    // main is the remote's HEAD: its deletion takes force (a lease).
    env.push(&one, &["--force-with-lease", "nip", ":refs/heads/main"]);
    let u2 = env.remote_url(&one, "nip");
    assert_ne!(u1, u2);
    assert!(env.ls_remote(&u2).is_empty());
    let idx = env.index(&url_cid(&u2));
    assert!(idx.refs.is_empty() && idx.head.is_none(), "{idx:?}");

    let clone = env.git_ok(&env.work, &["clone", &u2, "copy"]);
    assert!(clone.stderr.contains("You appear to have cloned an empty repository"), "{clone}");
    let copy = env.dir("copy");
    assert!(env.refs(&copy).is_empty());

    // And it can be pushed to again.
    env.commit_file(&copy, "README", b"again\n", "restart");
    env.push(&copy, &["origin", "main"]);
    let u3 = env.remote_url(&copy, "origin");
    assert_ne!(u3, u2);
    assert_eq!(env.index(&url_cid(&u3)).prev, Some(url_cid(&u2)));
    assert_eq!(env.ls_remote(&u3).get("refs/heads/main"), Some(&env.rev_parse(&copy, "main")));
}

/// Scenario 9: Gitlinks are kept as entries and never followed. Format 2:
/// the root tree is a record of type tree (its entries are in the pack,
/// and the tree the packs hold lists the gitlinks); the submodule commits
/// are in no record and no pack; the clone and a fetch after the gitlink
/// moved show the links and hold none of those commits.
pub fn scenario_gitlinks(env: &Env) {
    const SUB: &str = "1234567890abcdef1234567890abcdef12345678";
    const NESTED: &str = "fedcba0987654321fedcba0987654321fedcba09";
    const MOVED: &str = "0badc0de0badc0de0badc0de0badc0de0badc0de";
    let src = env.synth("src", Synth { commits: 40, seed: 6, ..Synth::default() });
    env.git_ok(&src, &["update-index", "--add", "--cacheinfo", &format!("160000,{SUB},sub")]);
    env.git_ok(&src, &["update-index", "--add", "--cacheinfo", &format!("160000,{NESTED},libs/vendored")]);
    env.git_ok(&src, &["commit", "-q", "-m", "add submodules"]);
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&src, &["--all", "nip"]);
    let url = env.remote_url(&src, "nip");

    // Format 2: the root tree is a record (its entries are in the pack);
    // the submodule commits are neither records nor in any pack, and the
    // tree the packs hold keeps the gitlinks.
    let tree = env.rev_parse(&src, "HEAD^{tree}");
    let index = url_cid(&url);
    let record = env.record(&index, &tree).expect("root tree in the object map");
    assert_eq!(record.kind, format::ObjectType::Tree);
    for sha in [SUB, NESTED] {
        assert!(env.record(&index, sha).is_none(), "the submodule commit {sha} got into the object map");
    }
    let unpacked = packs_into_bare(env, &index, "unpacked");
    let listing = env.out(&unpacked, &["ls-tree", &tree, "sub"]);
    assert_eq!(listing, format!("{MODE_GITLINK:o} commit {SUB}\tsub"));
    for sha in [SUB, NESTED] {
        env.git_fails(&unpacked, &["cat-file", "-e", sha]);
    }

    let clone = env.git_ok(&env.work, &["clone", &url, "copy"]);
    let copy = env.dir("copy");
    for path in ["sub", "libs/vendored"] {
        let want = env.out(&src, &["ls-tree", "HEAD", path]);
        assert!(want.starts_with("160000 commit "), "{want}");
        assert_eq!(env.out(&copy, &["ls-tree", "HEAD", path]), want);
    }
    for sha in [SUB, NESTED] {
        env.git_fails(&copy, &["cat-file", "-e", sha]);
        assert!(!clone.stderr.contains(sha), "the clone mentions the submodule commit:\n{clone}");
    }
    env.fsck(&copy);

    // Moving the gitlink: a fetch follows the new tree, not the new link.
    env.git_ok(&src, &["update-index", "--cacheinfo", &format!("160000,{MOVED},sub")]);
    env.git_ok(&src, &["commit", "-q", "-m", "move submodule"]);
    env.push(&src, &["nip", "main"]);
    let url = env.remote_url(&src, "nip");
    env.git_ok(&copy, &["remote", "set-url", "origin", &url]);
    env.git_ok(&copy, &["fetch", "-q", "origin"]);
    assert_eq!(env.out(&copy, &["ls-tree", "origin/main", "sub"]), format!("160000 commit {MOVED}\tsub"));
    env.git_fails(&copy, &["cat-file", "-e", MOVED]);
    env.fsck(&copy);
}

/// A new bare repository `work/<name>` holding every object of the packs
/// of the format 2 index at `index`, each pack read through the store and
/// given to `git index-pack --stdin --fix-thin` in push order (a thin pack's
/// bases are in the packs before it).
pub fn packs_into_bare(env: &Env, index: &cid::Cid, name: &str) -> std::path::PathBuf {
    let bare = env.dir(name);
    env.git_ok(&env.work, &["init", "-q", "--bare", bare.to_str().unwrap()]);
    for pack in env.pack_list(index) {
        env.git_input(&bare, &["index-pack", "--stdin", "--fix-thin"], &env.pack_bytes(&pack));
    }
    bare
}

/// Overwrites a stored block with other bytes of the same length.
fn corrupt(env: &Env, cid: &cid::Cid) {
    let changed = env.tamper(cid, &|old| {
        assert!(!old.is_empty());
        old.iter().map(|b| b ^ 0x5a).collect()
    });
    assert!(changed, "this scenario needs a backend whose stored blocks can be changed");
}

/// Scenario 10: A corrupted block is detected and nothing is written.
/// Format 2: the blocks a fetch reads are the packs' (raw leaves of UnixFS
/// files) and the blocks leading to them; a push reads the object map. So:
/// a damaged leaf of the second push's pack makes a fetch fail with one
/// line naming that block, the repository unchanged; a damaged leaf of the
/// first pack makes a clone fail the same way, leaving no clone; a damaged
/// object-map leaf (the one a new object's record goes into) makes a push
/// fail naming it, the address kept, no index written.
pub fn scenario_corrupted_block(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 50, seed: 7, ..Synth::default() });
    let u1 = env.remote_url(&src, "nip");
    env.git_ok(&env.work, &["clone", "-q", &u1, "copy"]);
    let copy = env.dir("copy");

    env.commit_file(&src, "fresh.txt", b"brand new content that only the second push has\n", "fresh file");
    env.push(&src, &["nip", "main"]);
    let u2 = env.remote_url(&src, "nip");
    let blob = env.rev_parse(&src, "HEAD:fresh.txt");
    let packs = env.pack_list(&url_cid(&u2));
    assert_eq!(packs.len(), 2, "{packs:?}");
    let (leaves, _) = env.file_blocks(&packs[1].pack);
    let leaf = *leaves.last().expect("a pack has a leaf");
    corrupt(env, &leaf);

    // Fetch into an existing clone: fails, changes nothing.
    env.git_ok(&copy, &["remote", "set-url", "origin", &u2]);
    let before = snapshot(env, &copy);
    let fetch = env.git(&copy, &["fetch", "origin"]);
    let err = fetch.one_clean_error();
    assert!(err.contains(&leaf.to_string()) && err.contains("corrupt"), "{fetch}");
    assert_eq!(snapshot(env, &copy), before, "a failed fetch changed the repository");
    env.git_fails(&copy, &["cat-file", "-e", &blob]);

    // Clone: fails, leaves no repository.
    let (leaves, _) = env.file_blocks(&packs[0].pack);
    let leaf = leaves[leaves.len() / 2];
    corrupt(env, &leaf);
    let clone = env.git(&env.work, &["clone", &u1, "bad-clone"]);
    let err = clone.one_clean_error();
    assert!(err.contains(&leaf.to_string()) && err.contains("corrupt"), "{clone}");
    assert_no_clone(env, "bad-clone");

    // Push to a remote whose object map is damaged where the push's new
    // record goes: refused, address kept.
    env.append_commit(&src, "fresh.txt", "more");
    let new_blob = env.rev_parse(&src, "HEAD:fresh.txt");
    let map_leaf = env.map_leaf_of(&url_cid(&u2), &new_blob);
    corrupt(env, &map_leaf);
    let before = env.block_files();
    let push = env.git(&src, &["push", "nip", "main"]);
    let err = push.one_clean_error();
    assert!(err.contains(&map_leaf.to_string()) && err.contains("corrupt"), "{push}");
    assert!(err.contains("unchanged"), "{push}");
    assert_eq!(env.remote_url(&src, "nip"), u2, "a failed push moved the remote");
    if let Some(added) = new_blocks(env, &before) {
        let indexes = added.keys().filter(|k| is_index(env, k)).count();
        assert_eq!(indexes, 0, "a failed push wrote an index");
    }
}

/// Whether the block named `cid` (text) is a nip index.
fn is_index(env: &Env, cid: &str) -> bool {
    let cid = cid::Cid::try_from(cid).unwrap();
    cid.codec() == DAG_CBOR && format::check_header(&cid, &env.block(&cid), KIND_INDEX).is_ok()
}

/// Scenario 11: Objects that are not what the repository's links say are
/// refused, and nothing is written. Format 2 keeps object bytes in packs
/// that `git index-pack` hashes again, so the forgeries are in the blocks
/// that lead to them (each built with nip's own encoders, every block
/// intact under its CID):
/// - a packs list whose second pack is another valid pack (the same file
///   with other bytes, "hello, World"): the objects the refs name are not
///   there, so a fetch and a clone fail with one line naming the missing
///   commit, and the fetch leaves the repository as it was;
/// - a pack entry whose `objects` count lies (one more than the pack's
///   header says), and one whose `bytes` lie: refused before any object
///   reaches git, naming the pack;
/// - a record map that lies (every record's offset, size and pack moved,
///   the blob called a commit, the commit's parents hidden): clone and
///   fetch do not take object bytes or links from records (the packs are
///   indexed by git), so they give exactly the pushed objects, fsck-clean;
///   the one reader that does, `nipctl inspect --object <hash> --content`,
///   refuses it (and the other pack) in one line naming the object, and
///   prints nothing of it.
pub fn scenario_wrong_sha1_object(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 50, seed: 8, ..Synth::default() });
    let u1 = env.remote_url(&src, "nip");
    env.git_ok(&env.work, &["clone", "-q", &u1, "copy"]);
    let copy = env.dir("copy");
    let commit = env.commit_file(&src, "notes/hello.txt", b"hello, world\n", "add hello");
    env.push(&src, &["nip", "main"]);
    let u2 = url_cid(&env.remote_url(&src, "nip"));
    let packs = env.pack_list(&u2);
    assert_eq!(packs.len(), 2, "{packs:?}");
    let records = env.records(&u2);
    let blob = env.rev_parse(&src, "HEAD:notes/hello.txt");
    // The one reader that takes bytes by record (map, pack, offset):
    // `nipctl inspect --object <hash> --content`, checked by SHA-1.
    let read = env.nipctl_run(&["inspect", "--object", &blob, "--content", &url_of(&u2)]);
    assert!(read.success() && read.stdout == "hello, world\n", "{read}");

    // Another valid pack: the same change with other bytes, made by git.
    let other = env.init("other");
    env.commit_file(&other, "notes/hello.txt", b"hello, World\n", "add hello");
    let forged_pack = pack_of(env, &other, &["HEAD"]);
    let count = u32::from_be_bytes(forged_pack[8..12].try_into().unwrap()) as u64;
    let entry =
        PackEntry { pack: env.put_file(&forged_pack), tips: None, bytes: forged_pack.len() as u64, tipset: None, objects: count };
    let bad = env.forge_v2_index(&u2, records.clone(), vec![packs[0].clone(), entry]);

    env.git_ok(&copy, &["remote", "set-url", "origin", &url_of(&bad)]);
    let before = snapshot(env, &copy);
    let fetch = env.git(&copy, &["fetch", "origin"]);
    let err = fetch.one_clean_error();
    assert!(err.contains(&commit) && err.contains("damaged"), "{fetch}");
    assert_eq!(snapshot(env, &copy), before, "a failed fetch changed the repository");
    env.git_fails(&copy, &["cat-file", "-e", &commit]);

    let clone = env.git(&env.work, &["clone", &url_of(&bad), "bad-pack"]);
    assert!(clone.one_clean_error().contains(&commit), "{clone}");
    assert_no_clone(env, "bad-pack");
    nipctl_refuses(env, &["inspect", "--object", &blob, "--content", &url_of(&bad)], &blob);

    // The entry's object count and length lie about a real pack.
    for (what, lie) in [
        ("objects", PackEntry { objects: packs[1].objects + 1, ..packs[1].clone() }),
        ("bytes", PackEntry { bytes: packs[1].bytes - 1, ..packs[1].clone() }),
    ] {
        let bad = env.forge_v2_index(&u2, records.clone(), vec![packs[0].clone(), lie]);
        env.git_ok(&copy, &["remote", "set-url", "origin", &url_of(&bad)]);
        let before = snapshot(env, &copy);
        let fetch = env.git(&copy, &["fetch", "origin"]);
        let err = fetch.one_clean_error();
        assert!(err.contains(&packs[1].pack.to_string()) && err.contains("pack 1 "), "{what}: {fetch}");
        assert_eq!(snapshot(env, &copy), before, "{what}: a failed fetch changed the repository");
        let name = format!("bad-{what}");
        let clone = env.git(&env.work, &["clone", &url_of(&bad), &name]);
        assert!(clone.one_clean_error().contains(&packs[1].pack.to_string()), "{what}: {clone}");
        assert_no_clone(env, &name);
    }

    // A map whose every record lies: not used for bytes or links by a
    // clone or a fetch; a read by record is refused.
    let lying: Vec<Record> = records
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.offset += 7;
            r.size += 1;
            r.pack = 1 - r.pack.min(1);
            if r.oid.to_string() == blob {
                r.kind = nip::format::ObjectType::Commit;
                r.links = RecordLinks::commit(r.oid, vec![]);
            }
            if let RecordLinks::Commit(c) = &mut r.links {
                c.parents.clear();
            }
            r
        })
        .collect();
    let bad = env.forge_v2_index(&u2, lying, packs.clone());
    nipctl_refuses(env, &["inspect", "--object", &blob, "--content", &url_of(&bad)], &blob);
    env.git_ok(&env.work, &["clone", "-q", &url_of(&bad), "lying-map"]);
    let lying_clone = env.dir("lying-map");
    env.fsck(&lying_clone);
    assert_eq!(env.rev_parse(&lying_clone, "HEAD"), commit);
    assert_eq!(env.out(&lying_clone, &["cat-file", "-p", &blob]), "hello, world");
    env.git_ok(&copy, &["remote", "set-url", "origin", &url_of(&bad)]);
    env.git_ok(&copy, &["fetch", "-q", "origin"]);
    assert_eq!(env.rev_parse(&copy, "origin/main"), commit);
    env.fsck(&copy);
}

/// Asserts `nipctl args` fails the way a user should see a failure: a
/// non-zero exit, no panic, one `nipctl: error:` line, naming `needle`.
fn nipctl_refuses(env: &Env, args: &[&str], needle: &str) {
    let run = env.nipctl_run(args);
    assert!(!run.success() && run.status.code().is_some(), "nipctl should have failed:\n{run}");
    run.assert_no_panic();
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("nipctl: error:")).collect();
    assert!(errors.len() == 1 && errors[0].contains(needle), "one error naming {needle} expected:\n{run}");
    assert!(run.stdout.is_empty(), "a refused read printed content:\n{run}");
}

/// The bytes of `git pack-objects --revs --stdout` for `revs` in `repo`.
fn pack_of(env: &Env, repo: &Path, revs: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut child = env
        .command("git")
        .args(["pack-objects", "--revs", "--stdout", "-q"])
        .current_dir(repo)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run git pack-objects");
    let input: String = revs.iter().map(|r| format!("{r}\n")).collect();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git pack-objects failed");
    out.stdout
}

/// Scenario 12: A format version from the future is refused by name: an
/// index of version 99, and (format 2) a version-99 packs list or refs
/// trie linked from a good index, each refused in one line naming the
/// block, with no clone left.
pub fn scenario_unknown_version(env: &Env) {
    let body: BTreeMap<&str, &str> = BTreeMap::from([("refs", "from the future")]);
    let bytes = serde_ipld_dagcbor::to_vec(&("NIPNIP", 99u64, "index", body)).unwrap();
    let block = Block::new(DAG_CBOR, bytes);
    let cid = block.cid;
    env.put_blocks(vec![block]);

    let clone = env.git(&env.work, &["clone", &url_of(&cid), "future"]);
    let err = clone.one_clean_error();
    assert!(err.contains("version 99") && err.contains(&cid.to_string()), "{clone}");
    assert_no_clone(env, "future");
    let ls = env.git(&env.work, &["ls-remote", &url_of(&cid)]);
    assert!(ls.one_clean_error().contains("version 99"), "{ls}");

    // A version-99 block deep in a good index (its packs list, its refs
    // trie): refused as well, by name.
    let src = env.synth_pushed("src", Synth { commits: 40, seed: 9, ..Synth::default() });
    let good = url_cid(&env.remote_url(&src, "nip"));
    let idx = env.index(&good);
    let links = idx.v2.expect("a push writes format 2");
    for (kind, name) in [("packs", "future-packs"), ("refs-leaf", "future-refs")] {
        let body: BTreeMap<&str, bool> = BTreeMap::from([("future", true)]);
        let future = Block::new(DAG_CBOR, serde_ipld_dagcbor::to_vec(&("NIPNIP", 99u64, kind, body)).unwrap());
        let future_cid = future.cid;
        let links = match kind {
            "packs" => format::IndexLinks { packs: Some(future_cid), ..links },
            _ => format::IndexLinks { refs: future_cid, ..links },
        };
        let index = NipIndex { v2: Some(links), ..idx.clone() }.to_block().unwrap();
        let bad = index.cid;
        env.put_blocks(vec![future, index]);
        let clone = env.git(&env.work, &["clone", &url_of(&bad), name]);
        let err = clone.one_clean_error();
        assert!(err.contains("version 99") && err.contains(&future_cid.to_string()), "{kind}: {clone}");
        assert_no_clone(env, name);
    }
}

/// Scenario 13: Bad addresses and damaged indexes fail with one clear line.
/// Format 2: "not a nip block" is checked on a pack's raw block (format 1
/// used a file's data block; format 2 has none apart from the packs).
pub fn scenario_bad_input(env: &Env) {
    let run = env.git(&env.work, &["clone", "nip::/ipfs/notacid", "x"]);
    assert!(run.one_clean_error().contains("notacid"), "{run}");
    assert_no_clone(env, "x");

    let run = env.git(&env.work, &["ls-remote", "nip::bogus"]);
    assert!(run.one_clean_error().contains("bogus"), "{run}");

    // A name never published: no record on a node; no node, no names.
    let key = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8";
    let run = env.git(&env.work, &["ls-remote", &format!("nip::/ipns/{key}")]);
    let err = run.one_clean_error();
    assert!((err.contains(key) && err.contains("has no record")) || err.contains("need an IPFS node"), "{run}");

    let unknown = Block::new(DAG_CBOR, b"\x84fNIPNIP\x01eindex\xa0 never stored".to_vec()).cid;
    let run = env.git(&env.work, &["clone", &url_of(&unknown), "unknown"]);
    assert!(run.one_clean_error().contains(&unknown.to_string()), "{run}");
    assert_no_clone(env, "unknown");

    // A truncated index, stored under its own (valid) CID.
    let src = env.init("src");
    env.commit_file(&src, "a.txt", b"a\n", "one");
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&src, &["nip", "main"]);
    let good = url_cid(&env.remote_url(&src, "nip"));
    let bytes = env.block(&good);
    let cut = Block::new(DAG_CBOR, bytes[..bytes.len() / 2].to_vec());
    let cut_cid = cut.cid;
    env.put_blocks(vec![cut]);
    let run = env.git(&env.work, &["clone", &url_of(&cut_cid), "cut"]);
    let err = run.one_clean_error();
    assert!(err.contains(&cut_cid.to_string()) && (err.contains("damaged") || err.contains("truncated")), "{run}");
    assert_no_clone(env, "cut");

    // Not a nip block at all (a raw block: the push's pack, one chunk).
    let pack = env.pack_list(&good)[0].pack;
    assert_eq!(pack.codec(), nip::block::RAW, "a one-commit pack is one raw block");
    let run = env.git(&env.work, &["ls-remote", &url_of(&pack)]);
    assert!(run.one_clean_error().contains("not a nip block"), "{run}");

    // The real index truncated in place: its CID no longer matches.
    if env.tamper(&good, &|old| old[..old.len() / 2].to_vec()) {
        let run = env.git(&env.work, &["clone", &url_of(&good), "cut-in-place"]);
        let err = run.one_clean_error();
        assert!(err.contains(&good.to_string()) && err.contains("corrupt"), "{run}");
        assert_no_clone(env, "cut-in-place");
    }
}

/// Scenario 14: A push of several refs makes exactly one new index.
/// Format 2: and one new pack, holding the objects of every ref it pushed
/// that the remote's refs did not reach.
pub fn scenario_one_index_per_push(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 60, seed: 2, ..Synth::default() });
    let u1 = env.remote_url(&src, "nip");
    assert!(env.ls_remote(&u1).contains_key("refs/heads/feature/2"), "seed 2 has feature/2");
    assert_eq!(env.index(&url_cid(&u1)).prev, None);

    let file = nested_text_file(env, &src);
    env.append_commit(&src, &file, "several refs at once");
    env.git_ok(&src, &["branch", "topic", "main~1"]);
    env.git_ok(&src, &["tag", "-a", "v1", "-m", "v1", "main"]);
    let before = env.block_files();
    let push = env.push(&src, &["nip", "main", "topic", "v1", ":refs/heads/feature/2"]);
    assert_eq!(push.moves(), 1, "one push, one new address:\n{push}");
    let stored = |l: &&str| l.starts_with("nip: stored") || l.contains(" new to this remote; ");
    assert_eq!(push.stderr.lines().filter(stored).count(), 1, "{push}");
    let u2 = env.remote_url(&src, "nip");
    assert_ne!(u2, u1);
    let idx = env.index(&url_cid(&u2));
    assert_eq!(idx.prev, Some(url_cid(&u1)), "prev of the new index is the previous address");
    assert_eq!(idx.head.as_deref(), Some("refs/heads/main"));
    let listed: BTreeMap<String, String> = idx.refs.iter().map(|(n, h)| (n.clone(), h.to_string())).collect();
    assert_eq!(listed, pushed_refs(env, &src).into_iter().filter(|(n, _)| n != "refs/heads/feature/2").collect());

    if let Some(added) = new_blocks(env, &before) {
        let indexes: BTreeSet<cid::Cid> =
            added.keys().filter(|k| is_index(env, k)).map(|k| cid::Cid::try_from(k.as_str()).unwrap()).collect();
        assert_eq!(indexes, BTreeSet::from([url_cid(&u2)]), "new index blocks");
    }
    let decoded: NipIndex = env.index(&url_cid(&u2));
    assert_eq!(decoded.counts.tag, 1);
    // Format 2: the push added one pack, holding every new object of every
    // ref it pushed.
    let (p1, p2) = (env.pack_list(&url_cid(&u1)), env.pack_list(&url_cid(&u2)));
    assert_eq!(p2.len(), p1.len() + 1, "one new pack per push: {p2:?}");
    let remote_had: Vec<String> = env.ls_remote(&u1).into_values().collect();
    let mut args = vec!["main", "topic", "v1", "--not"];
    args.extend(remote_had.iter().map(String::as_str));
    let new_objects = env.count_rev_list_objects(&src, &args);
    assert_eq!(p2.last().unwrap().objects as usize, new_objects, "{p2:?}");
}

/// Scenario 15: Pushing to a bare URL prints the new address and changes no config.
pub fn scenario_push_to_bare_url(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 40, seed: 10, ..Synth::default() });
    let u1 = env.remote_url(&src, "nip");
    let config = std::fs::read_to_string(src.join(".git/config")).unwrap();
    env.git_ok(&src, &["branch", "side", "main~2"]);

    let push = env.push(&src, &[&u1, "side"]);
    let lines = push.nip_lines();
    let at = lines
        .iter()
        .position(|l| *l == "nip: pushed to a new address (no remote to update):")
        .unwrap_or_else(|| panic!("no new-address line:\n{push}"));
    let new = lines.get(at + 1).and_then(|l| l.strip_prefix("nip:   ")).unwrap_or_else(|| panic!("{push}"));
    assert!(new.starts_with("nip::/ipfs/") && new != u1, "{push}");
    assert_eq!(std::fs::read_to_string(src.join(".git/config")).unwrap(), config, "a bare-URL push changed the config");
    let listed = env.ls_remote(new);
    assert_eq!(listed.get("refs/heads/side"), Some(&env.rev_parse(&src, "side")));
    assert_eq!(listed.get("refs/heads/main"), Some(&env.rev_parse(&src, "main")));
    assert_eq!(env.index(&url_cid(new)).prev, Some(url_cid(&u1)));
}

/// Scenario 16: A big repository (900 commits): the object map is a node
/// over leaves (format 2: leaves of at most 4096 bytes of records), a push
/// rewrites only the shards it touches and adds one pack of the new
/// objects, clone and fetch find every object.
pub fn scenario_many_objects(env: &Env) {
    let src = env.synth("src", Synth { commits: 900, files: 30, seed: 12, large: 0 });
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    let first = env.push(&src, &["--all", "nip"]);
    let all = env.count_rev_list_objects(&src, &["--branches"]);
    assert_eq!(first.stored().map(|s| s.objects as usize), Some(all), "{first}");
    let u1 = env.remote_url(&src, "nip");
    let idx = env.index(&url_cid(&u1));
    // Format 2: the map is cut by bytes: a node over leaves of at most
    // 4096 bytes, holding a record per object.
    let shards = env.map_shards(&url_cid(&u1));
    assert!(!shards[0].1, "{all} objects and the map root is not a node");
    let leaves: Vec<_> = shards.iter().filter(|s| s.1).collect();
    assert!(leaves.len() > 16, "{} leaves for {all} objects", leaves.len());
    assert!(leaves.iter().all(|s| s.2 <= nip::records::OBJECTS.leaf_max), "a leaf over 4096 bytes: {leaves:?}");
    assert_eq!(env.records(&url_cid(&u1)).len(), all);
    assert_eq!(idx.counts.total() as usize, all);
    assert_eq!(env.pack_list(&url_cid(&u1)).len(), 1);
    let tags = env.push(&src, &["--tags", "nip"]);
    let annotated =
        env.out(&src, &["for-each-ref", "--format=%(objecttype)", "refs/tags"]).lines().filter(|t| *t == "tag").count();
    assert!(annotated > 0);
    assert_eq!(tags.stored().map(|s| s.objects as usize), Some(annotated), "{tags}");
    let u1 = env.remote_url(&src, "nip");

    env.git_ok(&env.work, &["clone", "-q", &u1, "copy"]);
    let copy = env.dir("copy");
    assert_eq!(clone_refs(env, &copy), expected_clone_refs(&pushed_refs(env, &src)));
    env.fsck(&copy);

    let old = env.rev_parse(&src, "HEAD");
    let file = nested_text_file(env, &src);
    let new = env.append_commit(&src, &file, "one line in a big repository");
    let expected = env.count_rev_list_objects(&src, &[&format!("{old}..{new}")]);
    let second = env.push(&src, &["nip", "main"]);
    let stored = second.stored().expect("stored line");
    assert_eq!(stored.objects as usize, expected, "{second}");
    // Format 2: one pack (one chunk), per new object at most a leaf and a
    // node below the root, the root, the packs list, the refs leaf, the
    // index.
    assert!(stored.blocks as usize <= 2 * expected + 6, "{stored:?} for {expected} objects");
    let packs = env.pack_list(&url_cid(&env.remote_url(&src, "nip")));
    assert_eq!(packs.last().map(|p| p.objects as usize), Some(expected), "{packs:?}");
    let u2 = env.remote_url(&src, "nip");
    env.git_ok(&copy, &["remote", "set-url", "origin", &u2]);
    let in_pack = env.count_objects(&copy)["in-pack"];
    env.git_ok(&copy, &["fetch", "-q", "origin"]);
    // The new pack's objects, and a copy of each delta base `--fix-thin`
    // completes the thin pack with.
    let received = env.count_objects(&copy)["in-pack"] - in_pack;
    assert!(received >= expected as u64 && received <= 2 * expected as u64, "{received} for {expected}");
    assert_eq!(env.rev_parse(&copy, "refs/remotes/origin/main"), new);
    env.fsck(&copy);
}

/// Scenario 17: `git fetch` follows new annotated tags that point into the fetched
/// history, as it does with any git server (lightweight tags are followed
/// because their oid is a fetched commit; annotated ones need the remote to
/// list their peeled value, `refs/tags/<t>^{}`).
pub fn scenario_fetch_follows_annotated_tags(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 40, seed: 13, ..Synth::default() });
    env.git_ok(&env.work, &["clone", "-q", &env.remote_url(&src, "nip"), "copy"]);
    let copy = env.dir("copy");

    env.append_commit(&src, "empty", "released");
    env.git_ok(&src, &["tag", "light"]);
    env.git_ok(&src, &["tag", "-a", "v1.0", "-m", "Release 1.0"]);
    env.push(&src, &["nip", "main", "light", "v1.0"]);
    env.git_ok(&copy, &["remote", "set-url", "origin", &env.remote_url(&src, "nip")]);
    let fetch = env.git_ok(&copy, &["fetch", "origin"]);
    let tags = env.out(&copy, &["tag", "-l"]);
    assert!(tags.lines().any(|t| t == "light"), "lightweight tag not followed:\n{fetch}");
    assert!(tags.lines().any(|t| t == "v1.0"), "annotated tag not followed (tags: {tags:?}):\n{fetch}");

    // The next fetch peels the tags it already has locally and reads only
    // the newest pack: it does not read the tag again. (Format 2: after the
    // next push, damage the object-map leaf holding the tag's record and
    // every block of the pack holding the tag: a fetch that read either
    // would fail.)
    let tag = env.rev_parse(&src, "v1.0");
    let tag_pack = env.record(&url_cid(&env.remote_url(&src, "nip")), &tag).expect("the tag is in the object map").pack;
    let new = env.append_commit(&src, "empty", "after the release");
    env.push(&src, &["nip", "main"]);
    let index = url_cid(&env.remote_url(&src, "nip"));
    let packs = env.pack_list(&index);
    assert_eq!(tag_pack as usize, packs.len() - 2, "the tag is in the pack before the newest");
    let (leaves, nodes) = env.file_blocks(&packs[tag_pack as usize].pack);
    let mut damaged = vec![env.map_leaf_of(&index, &tag)];
    damaged.extend(leaves.into_iter().chain(nodes));
    if damaged.iter().all(|c| env.tamper(c, &|b| b.iter().map(|x| x ^ 0x5a).collect())) {
        env.git_ok(&copy, &["remote", "set-url", "origin", &env.remote_url(&src, "nip")]);
        env.git_ok(&copy, &["fetch", "origin"]);
        assert_eq!(env.rev_parse(&copy, "origin/main"), new);
    }
}

/// A repository whose `main` holds one directory of 50,000 files, with a
/// remote `nip` not pushed yet; returns it and the tree's id.
fn huge_tree_repo(env: &Env) -> (std::path::PathBuf, String) {
    let src = env.init("src");
    let blob = env.git_input(&src, &["hash-object", "-w", "--stdin"], b"same content\n");
    let listing: String = (0..50_000).map(|i| format!("100644 blob {blob}\tf{i:06}\n")).collect();
    let tree = env.git_input(&src, &["mktree"], listing.as_bytes());
    let commit = env.out(&src, &["commit-tree", &tree, "-m", "a very large directory"]);
    env.git_ok(&src, &["update-ref", "refs/heads/main", &commit]);
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    (src, tree)
}

/// Scenario 19: Executable files, symlinks and deep paths keep their modes.
pub fn scenario_file_modes(env: &Env) {
    let src = env.synth("src", Synth { commits: 40, seed: 14, ..Synth::default() });
    std::fs::create_dir_all(src.join("bin/deep/er/still")).unwrap();
    std::fs::write(src.join("bin/run.sh"), "#!/bin/sh\necho run\n").unwrap();
    std::fs::write(src.join("bin/deep/er/still/leaf.txt"), "leaf\n").unwrap();
    env.git_ok(&src, &["add", "bin"]);
    env.git_ok(&src, &["update-index", "--chmod=+x", "bin/run.sh"]);
    let target = env.git_input(&src, &["hash-object", "-w", "--stdin"], b"bin/run.sh");
    env.git_ok(&src, &["update-index", "--add", "--cacheinfo", &format!("120000,{target},link-to-run")]);
    env.git_ok(&src, &["commit", "-q", "-m", "modes"]);
    env.git_ok(&src, &["checkout", "-q", "--", "."]);
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&src, &["--all", "nip"]);
    env.git_ok(&env.work, &["clone", "-q", &env.remote_url(&src, "nip"), "copy"]);
    let copy = env.dir("copy");
    assert_eq!(env.out(&copy, &["ls-tree", "-r", "HEAD"]), env.out(&src, &["ls-tree", "-r", "HEAD"]));
    let listing = env.out(&copy, &["ls-files", "-s", "bin/run.sh", "link-to-run"]);
    assert!(listing.contains("100755 ") && listing.contains("120000 "), "{listing}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(copy.join("bin/run.sh")).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "bin/run.sh is not executable in the clone: {mode:o}");
        let link = std::fs::read_link(copy.join("link-to-run")).expect("link-to-run is a symlink");
        assert_eq!(link, Path::new("bin/run.sh"));
    }
    env.fsck(&copy);
}

/// Scenario 18: A tree with 50,000 entries (a very large flat directory)
/// pushes and clones fsck-clean. Format 1 refused it (its NIPObject, which
/// listed the entries, passed 1 MiB); format 2 keeps trees in the pack, so
/// the only bound left is the one a clone reads commits, trees and tags
/// to ([`nip::limits::MAX_NON_BLOB`], 16 MiB): a tree and a tag past it
/// are still refused at push, in one line naming the object, the address
/// kept and nothing stored.
pub fn scenario_huge_tree_pushes_and_clones(env: &Env) {
    let (src, tree) = huge_tree_repo(env);
    env.push(&src, &["nip", "main"]);
    let url = env.remote_url(&src, "nip");
    let record = env.record(&url_cid(&url), &tree).expect("the huge tree in the object map");
    assert_eq!(record.kind, format::ObjectType::Tree);
    assert!(record.size > 1 << 20, "{record:?}");
    env.git_ok(&env.work, &["clone", "-q", "--no-checkout", &url, "copy"]);
    let copy = env.dir("copy");
    assert_eq!(env.rev_parse(&copy, "refs/remotes/origin/main^{tree}"), tree);
    env.fsck(&copy);

    // Past 16 MiB: a tree of 4,300 entries with 4,000-byte names, then a
    // tag with a 17 MiB message.
    let blob = env.rev_parse(&src, "main:f000000");
    let listing: String = (0..4300).map(|i| format!("100644 blob {blob}\t{i:04}{}\n", "n".repeat(3996))).collect();
    let big_tree = env.git_input(&src, &["mktree"], listing.as_bytes());
    let commit = env.out(&src, &["commit-tree", &big_tree, "-p", "main", "-m", "a tree past 16 MiB"]);
    env.git_ok(&src, &["update-ref", "refs/heads/big", &commit]);
    let msg = src.join("msg");
    std::fs::write(&msg, vec![b'x'; 17 << 20]).unwrap();
    env.git_ok(&src, &["tag", "-a", "big-tag", "-F", msg.to_str().unwrap(), "main"]);
    let big_tag = env.rev_parse(&src, "refs/tags/big-tag");
    for (refname, oid) in [("big", &big_tree), ("big-tag", &big_tag)] {
        let before = env.block_files();
        let err = env.git(&src, &["push", "nip", refname]).one_clean_error();
        assert!(err.contains(oid.as_str()) && err.contains("16.0 MiB") && err.contains("unchanged"), "{refname}: {err}");
        assert_eq!(env.remote_url(&src, "nip"), url, "{refname}: a refused push moved the remote");
        assert_eq!(env.block_files(), before, "{refname}: a refused push stored blocks");
    }
}

/// Scenario 20: Deltas across pushes. Format 2's pushes after the first
/// make thin packs: a one-line change to a large text file costs a delta
/// against the copy the remote already has, not the file. The second pack
/// is a small fraction of the file; it cannot be indexed alone (its delta
/// base is in the first pack), it can after the first with `--fix-thin`;
/// a fresh clone is fsck-clean and has the changed file byte for byte; a
/// fetch into a clone of the first push is too.
pub fn scenario_deltas_across_pushes(env: &Env) {
    let src = env.init("src");
    let text: String = prng_bytes(21, 1 << 20)
        .chunks(32)
        .enumerate()
        .map(|(i, c)| format!("{i:06} {}\n", c.iter().map(|b| format!("{b:02x}")).collect::<String>()))
        .collect();
    assert!(text.len() > 2 << 20);
    env.commit_file(&src, "big.txt", text.as_bytes(), "a large text file");
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&src, &["nip", "main"]);
    let u1 = env.remote_url(&src, "nip");
    env.git_ok(&env.work, &["clone", "-q", &u1, "early"]);

    let mut lines: Vec<&str> = text.lines().collect();
    let changed = format!("{} changed", lines[lines.len() / 2]);
    let middle = lines.len() / 2;
    lines[middle] = &changed;
    let new_text = lines.join("\n") + "\n";
    let new = env.commit_file(&src, "big.txt", new_text.as_bytes(), "one line changed");
    let push = env.push(&src, &["nip", "main"]);
    let u2 = env.remote_url(&src, "nip");
    let packs = env.pack_list(&url_cid(&u2));
    assert_eq!(packs.len(), 2, "{packs:?}");
    assert_eq!(packs[1].objects, 3, "commit, tree, blob: {packs:?}");
    assert!(
        packs[1].bytes < text.len() as u64 / 100,
        "the second pack is {} bytes for a one-line change to a {}-byte file\n{push}",
        packs[1].bytes,
        text.len()
    );
    let stored = push.stored().expect("stored line");
    assert!(stored.bytes < text.len() as u64 / 50, "{stored:?}");

    // Thin: the delta's base is in the first pack.
    let alone = env.dir("alone");
    env.git_ok(&env.work, &["init", "-q", "--bare", alone.to_str().unwrap()]);
    let second = env.pack_bytes(&packs[1]);
    let mut child = env
        .command("git")
        .args(["index-pack", "--stdin"])
        .current_dir(&alone)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(&second);
    }
    assert!(!child.wait().unwrap().success(), "the second pack is whole: it should be thin");
    let both = packs_into_bare(env, &url_cid(&u2), "both");
    assert_eq!(env.out(&both, &["cat-file", "-p", &format!("{new}:big.txt")]) + "\n", new_text);

    env.git_ok(&env.work, &["clone", "-q", &u2, "fresh"]);
    let fresh = env.dir("fresh");
    env.fsck(&fresh);
    assert_eq!(env.rev_parse(&fresh, "HEAD"), new);
    assert!(std::fs::read(fresh.join("big.txt")).unwrap() == new_text.as_bytes(), "big.txt differs in the clone");

    let early = env.dir("early");
    env.git_ok(&early, &["remote", "set-url", "origin", &u2]);
    env.git_ok(&early, &["pull", "-q", "--ff-only"]);
    env.fsck(&early);
    assert!(std::fs::read(early.join("big.txt")).unwrap() == new_text.as_bytes(), "big.txt differs after the fetch");
}

/// Scenario 21: A fetch after a branch was deleted and pushed again. The
/// branch's objects are first in an older pack (its first push), then a
/// push deletes it, another moves main, and a last one pushes the branch
/// again. Fetches from clones made at each step (one that had the branch,
/// one made after the deletion, one from before the branch existed) all
/// complete: the right refs, fsck-clean. A fetch takes the packs after
/// the newest index whose refs the repository has, and the older ones too
/// if objects are still missing, so none of these can miss an object
/// that is only in an older pack.
pub fn scenario_fetch_after_a_branch_was_deleted_and_pushed_again(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 30, seed: 22, ..Synth::default() });
    env.git_ok(&env.work, &["clone", "-q", &env.remote_url(&src, "nip"), "before-side"]);
    env.git_ok(&src, &["checkout", "-q", "-b", "side"]);
    env.commit_file(&src, "side/one.txt", b"only on side, one\n", "side one");
    let side = env.commit_file(&src, "side/two.txt", b"only on side, two\n", "side two");
    env.git_ok(&src, &["checkout", "-q", "main"]);
    env.push(&src, &["nip", "side"]);
    let with_side = env.remote_url(&src, "nip");
    env.git_ok(&env.work, &["clone", "-q", &with_side, "had-side"]);

    env.push(&src, &["nip", ":refs/heads/side"]);
    env.git_ok(&env.work, &["clone", "-q", &env.remote_url(&src, "nip"), "after-delete"]);
    let main = env.append_commit(&src, "docs/notes.txt", "main moves while side is gone");
    env.push(&src, &["nip", "main"]);
    env.push(&src, &["nip", "side"]);
    let last = env.remote_url(&src, "nip");
    let listed = env.ls_remote(&last);
    assert_eq!((listed.get("refs/heads/side"), listed.get("refs/heads/main")), (Some(&side), Some(&main)));
    let packs = env.pack_list(&url_cid(&last));
    assert!(packs.len() >= 4, "{packs:?}");

    for name in ["had-side", "after-delete", "before-side"] {
        let copy = env.dir(name);
        env.git_ok(&copy, &["remote", "set-url", "origin", &last]);
        env.git_ok(&copy, &["fetch", "-q", "--prune", "origin"]);
        assert_eq!(env.rev_parse(&copy, "refs/remotes/origin/side"), side, "{name}");
        assert_eq!(env.rev_parse(&copy, "refs/remotes/origin/main"), main, "{name}");
        assert_eq!(env.out(&copy, &["cat-file", "-p", &format!("{side}:side/one.txt")]), "only on side, one", "{name}");
        env.fsck(&copy);
    }
}
