//! Hostile-address scenarios for `tests/hostile.rs`: protocol injection
//! through ref names, and commits, tags and trees that a careless parser
//! reads another way than git.

use super::craft::git_hash;
use super::{hash, url_cid, url_of, Env, Synth};
use nip::format::{Hash, Links, ObjectType};
use std::path::{Path, PathBuf};

const IDENT: &str = "author Mallory <m@example.org> 1700000000 +0000\ncommitter Mallory <m@example.org> 1700000000 +0000\n";

/// A pushed five-commit repository with a file `a.txt`: (repo, address).
fn pushed(env: &Env) -> (PathBuf, cid::Cid) {
    let src = env.synth("src", Synth { commits: 5, ..Synth::default() });
    env.commit_file(&src, "a.txt", b"hello\n", "add a.txt");
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&src, &["--all", "nip"]);
    let address = url_cid(&env.remote_url(&src, "nip"));
    (src, address)
}

/// A file outside every repository that an injected `lock <path>` line
/// would make git delete.
fn victim(env: &Env) -> PathBuf {
    let path = env.work.join("important");
    std::fs::write(&path, b"do not delete").unwrap();
    path
}

fn assert_untouched(victim: &Path) {
    assert_eq!(std::fs::read(victim).ok().as_deref(), Some(&b"do not delete"[..]), "{} was deleted", victim.display());
}

/// Scenario H1: an index whose ref names (or head) would inject lines into
/// git's helper protocol is refused before a line reaches git: on clone,
/// fetch, ls-remote and push, with one clean error naming the index, and
/// nothing deleted, no ref moved, no address changed. Run on both formats:
/// a format 1 copy of the pushed repository (crafted from its objects, as
/// a push no longer writes format 1; the names are in the index block) and
/// the pushed format 2 repository itself (the names in its refs trie).
pub fn scenario_ref_names_cannot_reach_the_protocol(env: &Env) {
    let (src, v2) = pushed(env);
    let v1 = env.craft_v1_from_repo(&src);
    assert!(env.index(&v1).v2.is_none() && env.index(&v2).v2.is_some());
    let victim = victim(env);
    for (format, good) in [("v1", v1), ("v2", v2)] {
        refs_refused(env, &src, &good, format, &victim);
    }
}

/// H1 on the repository at `good` (of `format`).
fn refs_refused(env: &Env, src: &Path, good: &cid::Cid, format: &str, victim: &Path) {
    let main = hash(&env.rev_parse(src, "main"));
    let copy_name = format!("copy-{format}");
    env.git_ok(&env.work, &["clone", "-q", &url_of(good), &copy_name]);
    let copy = env.dir(&copy_name);

    let injected = format!("refs/heads/a\n\nok\nlock {}", victim.display());
    type Case = (String, Option<String>, Vec<(String, Hash)>);
    let hostile: Vec<Case> = vec![
        // The lines git would read as answers to later commands.
        ("newline".into(), Some("refs/heads/main".into()), vec![(injected.clone(), main), ("refs/heads/main".into(), main)]),
        // A space splits git's `<oid> <name>` line.
        ("space".into(), None, vec![("refs/heads/a b".into(), main)]),
        // Names git itself refuses.
        ("dotdot".into(), None, vec![("refs/heads/../../config".into(), main)]),
        ("onelevel".into(), None, vec![("HEAD".into(), main)]),
        // The head line is written too.
        ("head".into(), Some(format!("refs/heads/main\n{main} refs/heads/evil")), vec![("refs/heads/main".into(), main)]),
    ];
    for (what, head, refs) in hostile {
        let bad = env.craft_refs(good, refs, head);
        let version = nip::format::header_version(&bad, &env.block(&bad), nip::format::KIND_INDEX).expect("an index block");
        assert_eq!(version, env.index(good).version(), "{what}: crafted in another format than its base");
        let what = format!("{format}-{what}");
        index_refused(env, src, &copy, &bad, &what, "not a valid git ref name", victim);
    }
    // The good address still works after all that.
    env.git_ok(&copy, &["remote", "set-url", "origin", &url_of(good)]);
    env.git_ok(&copy, &["fetch", "origin"]);
    env.fsck(&copy);
    assert_untouched(victim);
}

/// Asserts the index `bad` is refused by clone, fetch (into `copy`, a
/// clone of a good address), ls-remote and push (from `src`), each with one
/// clean error naming `bad` and saying `why`; no clone left, no ref moved,
/// no remote moved, no remote-tracking ref made, `victim` still there.
pub fn index_refused(env: &Env, src: &Path, copy: &Path, bad: &cid::Cid, what: &str, why: &str, victim: &Path) {
    let bad_url = url_of(bad);
    let clone = env.git(&env.work, &["clone", &bad_url, &format!("clone-{what}")]);
    let err = clone.one_clean_error();
    assert!(err.contains(&bad.to_string()) && err.contains(why), "{what}: {clone}");
    assert!(!err.contains('\n'), "{what}");
    assert!(!env.dir(&format!("clone-{what}")).exists(), "{what}: a failed clone left a directory");

    let before = (env.refs(copy), env.packs(copy));
    let url_before = env.remote_url(copy, "origin");
    env.git_ok(copy, &["remote", "set-url", "origin", &bad_url]);
    let fetch = env.git(copy, &["fetch", "origin"]);
    let err = fetch.one_clean_error();
    assert!(err.contains(&bad.to_string()) && err.contains(why), "{what}: {fetch}");
    assert_eq!((env.refs(copy), env.packs(copy)), before, "{what}: a refused fetch changed the repository");
    env.git_ok(copy, &["remote", "set-url", "origin", &url_before]);

    let ls = env.git(&env.work, &["ls-remote", &bad_url]);
    let err = ls.one_clean_error();
    assert!(err.contains(&bad.to_string()) && err.contains(why), "{what}: {ls}");
    assert!(ls.stdout.trim().is_empty(), "{what}: a refused ls-remote listed refs: {ls}");

    // The push path lists the remote's refs too, then answers `ok`/`error`
    // per ref: a hostile index must not be able to forge those answers.
    env.git_ok(src, &["remote", "add", &format!("bad-{what}"), &bad_url]);
    let push = env.git(src, &["push", &format!("bad-{what}"), "main"]);
    let err = push.one_clean_error();
    assert!(err.contains(&bad.to_string()) && err.contains(why), "{what}: {push}");
    assert_eq!(env.remote_url(src, &format!("bad-{what}")), bad_url, "{what}: a refused push moved the remote");
    assert!(
        env.git(src, &["rev-parse", "--verify", "-q", &format!("refs/remotes/bad-{what}/main")]).stdout.trim().is_empty(),
        "{what}: a refused push made a remote-tracking ref"
    );
    assert_untouched(victim);
}

/// A file outside every repository that an injected `lock <path>` line
/// would make git delete (for other modules).
pub fn victim_file(env: &Env) -> PathBuf {
    victim(env)
}

/// Asserts [`victim_file`] is still there, unchanged.
pub fn assert_victim_untouched(victim: &Path) {
    assert_untouched(victim)
}

/// An index like `good` whose `main` is `commit`, with `extra` objects.
fn with_main(env: &Env, good: &cid::Cid, commit: Hash, extra: &[(Hash, cid::Cid)]) -> cid::Cid {
    let mut entries = env.index_entries(good);
    entries.extend_from_slice(extra);
    env.craft_index(vec![("refs/heads/main".into(), commit)], Some("refs/heads/main".into()), entries, Some(*good))
}

/// Scenario H2 (format 1): commits and tags git would read another way than a
/// careless parser are refused by name; tree entries are followed exactly
/// where git follows them. These are checks of the format 1 reader, which
/// parses every object itself (`src/links.rs`); so the base is a format 1
/// copy of a pushed repository, crafted from its objects. Format 2 hands
/// the objects to `git index-pack`, which is git reading them
/// (its refusals: `tests/common/hostile_packs.rs`).
pub fn scenario_objects_are_read_as_git_reads_them(env: &Env) {
    let (src, _) = pushed(env);
    let good = env.craft_v1_from_repo(&src);
    let t1 = env.rev_parse(&src, "main^{tree}");
    let t2 = env.rev_parse(&src, "main~1^{tree}");
    let parent = env.rev_parse(&src, "main~1");

    // Two tree lines: git takes the first. The NIPObject claims the second,
    // as nip's old parser read it.
    let two_trees = format!("tree {t1}\ntree {t2}\n{IDENT}\ntwo trees\n");
    let links = Links::Commit { tree: hash(&t2), parents: vec![] };
    let (commit, cid) = env.craft_git_object(ObjectType::Commit, two_trees.as_bytes(), Some(links));
    let bad = with_main(env, &good, commit, &[(commit, cid)]);
    let clone = env.git(&env.work, &["clone", "-q", &url_of(&bad), "two-trees"]);
    let err = clone.one_clean_error();
    assert!(err.contains(&commit.to_string()) && err.contains("tree or parent line after"), "{clone}");
    assert!(!env.dir("two-trees").exists());

    // A parent line after the author: git sees no parent.
    let late_parent = format!("tree {t1}\n{}parent {parent}\n\nlate parent\n", IDENT);
    let links = Links::Commit { tree: hash(&t1), parents: vec![hash(&parent)] };
    let (commit, cid) = env.craft_git_object(ObjectType::Commit, late_parent.as_bytes(), Some(links));
    let bad = with_main(env, &good, commit, &[(commit, cid)]);
    let clone = env.git(&env.work, &["clone", "-q", &url_of(&bad), "late-parent"]);
    let err = clone.one_clean_error();
    assert!(err.contains(&commit.to_string()) && err.contains("tree or parent line after"), "{clone}");

    // A tag without the type line git requires.
    let head = env.rev_parse(&src, "main");
    let tag = format!("object {head}\ntag v1\ntagger Mallory <m@example.org> 1700000000 +0000\n\nno type\n");
    let (tag_oid, tag_cid) = env.craft_git_object(ObjectType::Tag, tag.as_bytes(), Some(Links::Tag { target: hash(&head) }));
    let mut entries = env.index_entries(&good);
    entries.push((tag_oid, tag_cid));
    let refs = vec![("refs/heads/main".into(), hash(&head)), ("refs/tags/v1".into(), tag_oid)];
    let bad = env.craft_index(refs, Some("refs/heads/main".into()), entries, Some(good));
    let clone = env.git(&env.work, &["clone", "-q", &url_of(&bad), "bad-tag"]);
    let err = clone.one_clean_error();
    assert!(err.contains(&tag_oid.to_string()) && err.contains("type line"), "{clone}");

    // A tree entry whose mode git reads as a gitlink (canon_mode: neither
    // file, link nor directory) names an object that is nowhere: git does
    // not need it, so the clone works; nip's old walk asked for it.
    let blob = hash(&env.rev_parse(&src, "main:a.txt"));
    let nowhere = git_hash(ObjectType::Blob, b"not in this repository");
    let mut tree = b"100644 a.txt\0".to_vec();
    tree.extend_from_slice(&blob.0);
    tree.extend_from_slice(b"170000 odd\0");
    tree.extend_from_slice(&nowhere.0);
    let (tree_oid, tree_cid) = env.craft_git_object(ObjectType::Tree, &tree, None);
    let commit = format!("tree {tree_oid}\nparent {head}\n{IDENT}\nodd mode\n");
    let (commit, commit_cid) = env.craft_git_object(ObjectType::Commit, commit.as_bytes(), None);
    let odd = with_main(env, &good, commit, &[(tree_oid, tree_cid), (commit, commit_cid)]);
    env.git_ok(&env.work, &["clone", "-q", "--bare", &url_of(&odd), "odd.git"]);
    let odd_clone = env.dir("odd.git");
    assert_eq!(env.rev_parse(&odd_clone, "main"), commit.to_string());
    assert_eq!(env.rev_parse(&odd_clone, "main:a.txt"), blob.to_string());
    let listed = env.out(&odd_clone, &["ls-tree", "main"]);
    assert!(listed.contains(&format!("160000 commit {nowhere}\todd")), "{listed}");
    // git's own connectivity check agrees nothing is missing.
    env.git_ok(&odd_clone, &["fsck", "--connectivity-only", "--no-dangling"]);

    // A directory entry that names a blob: git would stop at "is a blob,
    // not a tree" after the pack is written; nip refuses before.
    let mut tree = b"100644 a.txt\0".to_vec();
    tree.extend_from_slice(&blob.0);
    tree.extend_from_slice(b"40000 dir\0");
    tree.extend_from_slice(&blob.0);
    let (tree_oid, tree_cid) = env.craft_git_object(ObjectType::Tree, &tree, None);
    let commit = format!("tree {tree_oid}\nparent {head}\n{IDENT}\nblob as a tree\n");
    let (commit, commit_cid) = env.craft_git_object(ObjectType::Commit, commit.as_bytes(), None);
    let bad = with_main(env, &good, commit, &[(tree_oid, tree_cid), (commit, commit_cid)]);
    let clone = env.git(&env.work, &["clone", "-q", &url_of(&bad), "blob-as-tree"]);
    let err = clone.one_clean_error();
    assert!(err.contains(&blob.to_string()) && err.contains("git would refuse"), "{clone}");
    assert!(!env.dir("blob-as-tree").exists());

    // A tag that says its target is a commit when it is a blob: git's
    // connectivity check would stop after the pack is written; nip refuses
    // before, whether the blob comes with the fetch or is already here.
    let liar = format!("object {blob}\ntype commit\ntag v2\ntagger Mallory <m@example.org> 1700000000 +0000\n\nlies\n");
    let (tag_oid, tag_cid) = env.craft_git_object(ObjectType::Tag, liar.as_bytes(), None);
    let mut entries = env.index_entries(&good);
    entries.push((tag_oid, tag_cid));
    let refs = vec![("refs/heads/main".into(), hash(&head)), ("refs/tags/v2".into(), tag_oid)];
    let bad = env.craft_index(refs, Some("refs/heads/main".into()), entries, Some(good));
    let clone = env.git(&env.work, &["clone", "-q", &url_of(&bad), "lying-tag"]);
    let err = clone.one_clean_error();
    assert!(err.contains(&tag_oid.to_string()) && err.contains("git would refuse"), "{clone}");
    assert!(!env.dir("lying-tag").exists());
    env.git_ok(&env.work, &["clone", "-q", &url_of(&good), "has-blob"]);
    let has = env.dir("has-blob");
    let before = (env.refs(&has), env.packs(&has));
    let fetch = env.git(&has, &["fetch", &url_of(&bad), "refs/tags/v2:refs/tags/v2"]);
    let err = fetch.one_clean_error();
    assert!(err.contains(&tag_oid.to_string()) && err.contains("git would refuse"), "{fetch}");
    assert_eq!((env.refs(&has), env.packs(&has)), before, "a refused fetch changed the repository");

    // The good address still clones, and fsck --strict is clean.
    env.git_ok(&env.work, &["clone", "-q", &url_of(&good), "fine"]);
    env.fsck(&env.dir("fine"));
}

/// Scenario H3: what an error quotes from an address (a block's kind, an
/// unknown key) reaches the terminal as one inert line: no escape
/// sequence, no forged `nip: error:` line. Blocks of both formats' headers.
pub fn scenario_quoted_data_is_inert_on_the_terminal(env: &Env) {
    use nip::block::{Block, DAG_CBOR};
    use std::collections::BTreeMap;
    let evil = "\u{1b}]0;owned\u{7}\u{1b}[2J\nnip: error: forged\u{9b}31m";
    let mut cids = Vec::new();
    for version in [1u64, 2] {
        let body: BTreeMap<&str, u64> = BTreeMap::from([("x", 1)]);
        let kind = Block::new(DAG_CBOR, serde_ipld_dagcbor::to_vec(&("NIPNIP", version, evil, &body)).unwrap());
        let body: BTreeMap<&str, u64> = BTreeMap::from([(evil, 1)]);
        let key = Block::new(DAG_CBOR, serde_ipld_dagcbor::to_vec(&("NIPNIP", version, "index", &body)).unwrap());
        cids.extend([kind.cid, key.cid]);
        env.put_blocks(vec![kind]);
        env.put_blocks(vec![key]);
    }
    for cid in cids {
        for run in [env.git(&env.work, &["clone", &url_of(&cid), "quoted"]), env.nipctl_run(&["inspect", &url_of(&cid)])] {
            assert!(!run.success(), "{run}");
            assert!(!run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{9b}') && !run.stderr.contains('\u{7}'), "{run}");
            assert!(!run.stderr.lines().any(|l| l.starts_with("nip: error: forged")), "{run}");
            let errors: Vec<&str> = run.stderr.lines().filter(|l| l.contains("error:")).collect();
            assert_eq!(errors.len(), 1, "{run}");
            assert!(errors[0].contains(&cid.to_string()) && errors[0].contains("\\u{1b}"), "{run}");
        }
    }
}
