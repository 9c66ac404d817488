//! End-to-end tests on real Kubo nodes: every scenario of the embedded store
//! run against a throwaway daemon, and what only a node can show: CIDs equal
//! to `ipfs add`, pins that survive `ipfs repo gc`, `dag export`, a clone
//! from a second node that never saw the push (bitswap), a node dying in the
//! middle of a push, and what happens with no node at all.
//!
//! Without Kubo these tests fail in CI (`CI=true`) and say SKIPPED loudly
//! elsewhere; see `tests/common/kubo.rs`.

mod common;

use common::kubo::{binary_or_skip, Kubo};
use common::proxy::CutProxy;
use common::{url_cid, Env, Synth};
use std::sync::{Arc, Mutex};

/// A started node, or `None` (test skipped, outside CI).
fn node(test: &str) -> Option<Kubo> {
    binary_or_skip(test).map(|b| Kubo::start(&b))
}

// Every scenario of tests/common/scenarios.rs (`cargo test --test kubo
// scenarios::`), on a node of its own each
// (the same list runs on the embedded store in tests/local_store.rs).
mod scenarios {
    crate::common::scenarios::scenario_tests!(kubo);
}

/// Pushes a small synthetic repository; returns (repo, address).
fn pushed(env: &Env, name: &str, commits: u32) -> (std::path::PathBuf, String) {
    let repo = env.synth_pushed(name, Synth { commits, ..Synth::default() });
    env.git_ok(&repo, &["push", "--tags", "nip"]);
    let url = env.remote_url(&repo, "nip");
    (repo, url)
}

/// Format 2 stores object bytes in git packs laid out as `ipfs add
/// --cid-version=1 --raw-leaves` lays out a file: each pack's CID (the
/// first push's, of two files of 10 KB and 3 MiB, and the second push's
/// thin one) is what `ipfs add` gives for the pack's bytes (read through
/// the store as a UnixFS file), and `ipfs cat <pack> | git index-pack
/// --stdin` works in an empty bare repository (`--fix-thin` for the thin
/// pack, whose bases the first gave it), which then holds both files.
#[test]
fn pack_cids_equal_ipfs_add() {
    let Some(kubo) = node("pack_cids_equal_ipfs_add") else { return };
    let env = Env::kubo_node(&kubo);
    let repo = env.init("cids");
    let small = common::prng_bytes(7, 10_000);
    let big = common::prng_bytes(8, 3 << 20);
    std::fs::write(repo.join("small.bin"), &small).unwrap();
    std::fs::write(repo.join("big.bin"), &big).unwrap();
    env.git_ok(&repo, &["add", "."]);
    env.git_ok(&repo, &["commit", "-q", "-m", "two files"]);
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.git_ok(&repo, &["push", "nip", "main"]);
    env.append_commit(&repo, "notes.txt", "a second pack");
    env.git_ok(&repo, &["push", "nip", "main"]);
    let index = url_cid(&env.remote_url(&repo, "nip"));
    let packs = env.pack_list(&index);
    assert_eq!(packs.len(), 2, "{packs:?}");
    assert_eq!(packs[0].pack.codec(), nip::block::DAG_PB, "a 3 MiB pack is many chunks");
    let bare = env.dir("bare");
    env.git_ok(&env.work, &["init", "-q", "--bare", bare.to_str().unwrap()]);
    for (n, pack) in packs.iter().enumerate() {
        let bytes = env.pack_bytes(pack);
        let file = env.work.join(format!("pack-{n}.pack"));
        std::fs::write(&file, &bytes).unwrap();
        let added = kubo.ipfs_ok(&["add", "-Q", "-n", "--cid-version=1", "--raw-leaves", file.to_str().unwrap()]);
        assert_eq!(pack.pack.to_string(), added.trim(), "pack {n}: nip's CID differs from `ipfs add`");
        let cat = kubo.ipfs(&["cat", &pack.pack.to_string()]);
        assert!(cat.status.success() && cat.stdout == bytes, "pack {n}: `ipfs cat` differs from the pack");
        let args: &[&str] = if n == 0 { &["index-pack", "--stdin"] } else { &["index-pack", "--stdin", "--fix-thin"] };
        env.git_input(&bare, args, &cat.stdout);
    }
    for (file, data) in [("small.bin", &small), ("big.bin", &big)] {
        let oid = env.rev_parse(&repo, &format!("HEAD:{file}"));
        assert_eq!(env.out(&bare, &["cat-file", "-s", &oid]), data.len().to_string(), "{file}");
    }
    env.git_ok(&bare, &["update-ref", "refs/heads/main", &env.rev_parse(&repo, "main")]);
    env.fsck(&bare);
}

#[test]
fn gc_after_push_keeps_everything_and_dag_export_has_it_all() {
    let Some(kubo) = node("gc_after_push") else { return };
    let env = Env::kubo(&kubo.api);
    let (repo, url) = pushed(&env, "src", 60);
    // A second push: the pin must move to the new index and keep the old objects.
    env.append_commit(&repo, "docs/notes.txt", "one more line");
    env.git_ok(&repo, &["push", "nip", "main"]);
    let url2 = env.remote_url(&repo, "nip");
    assert_ne!(url, url2);
    let cid = url_cid(&url2).to_string();
    let pins = kubo.ipfs_ok(&["pin", "ls", "--type=recursive", "-q"]);
    assert!(pins.lines().any(|p| p == cid), "the new index {cid} is not pinned: {pins}");
    assert!(!pins.lines().any(|p| p == url_cid(&url).to_string()), "the previous index kept a redundant pin");

    kubo.ipfs_ok(&["repo", "gc", "--quiet"]);
    let clone = env.dir("clone");
    env.git_ok(&env.work, &["clone", "-q", &url2, clone.to_str().unwrap()]);
    env.fsck(&clone);
    assert_eq!(env.rev_parse(&clone, "origin/main"), env.rev_parse(&repo, "main"));

    // dag export of the address holds every block: a node that imports only
    // that CAR, offline, can serve a full clone.
    let car = kubo.path().join("repo.car");
    let out = kubo.ipfs(&["dag", "export", &cid]);
    assert!(out.status.success(), "dag export failed: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&car, &out.stdout).unwrap();
    let Some(other) = node("gc_after_push (second node)") else { return };
    other.ipfs_ok(&["dag", "import", "--pin-roots=true", car.to_str().unwrap()]);
    let env_b = Env::kubo(&other.api);
    let clone_b = env_b.dir("clone-b");
    env_b.git_ok(&env_b.work, &["clone", "-q", &url2, clone_b.to_str().unwrap()]);
    env_b.fsck(&clone_b);
    assert_eq!(env_b.refs(&clone_b), env.refs(&clone));
}

/// A clone from a second node that never saw the push (bitswap), then a
/// fetch of the next push through it. Format 2: B's block count grows by
/// at least the blocks of the pack it had to fetch.
#[test]
fn two_nodes_clone_and_fetch_over_bitswap() {
    let Some(a) = node("two_nodes") else { return };
    let Some(b) = node("two_nodes (node B)") else { return };
    let env_a = Env::kubo(&a.api);
    let env_b = Env::kubo(&b.api);
    let (repo, url) = pushed(&env_a, "src", 80);
    // A new node holds only the empty directory `ipfs init` adds.
    let before = b.block_count();
    assert!(before <= 1, "node B must start empty, has {before} blocks");
    b.connect(&a);

    let clone = env_b.dir("clone");
    env_b.git_ok(&env_b.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
    env_b.fsck(&clone);
    assert_eq!(env_b.rev_parse(&clone, "HEAD"), env_a.rev_parse(&repo, "main"));
    // Format 2: B fetched at least every block of the pack (its leaves
    // and nodes) over bitswap.
    let packs = env_a.pack_list(&url_cid(&url));
    let pack_blocks: usize = packs
        .iter()
        .map(|p| {
            let (leaves, nodes) = env_a.file_blocks(&p.pack);
            leaves.len() + nodes.len()
        })
        .sum();
    assert!(pack_blocks > 0);
    assert!(b.block_count() >= before + pack_blocks, "node B fetched the pack's {pack_blocks} blocks itself");

    let new = env_a.append_commit(&repo, "docs/notes.txt", "pushed through A");
    env_a.git_ok(&repo, &["push", "nip", "main"]);
    let url2 = env_a.remote_url(&repo, "nip");
    env_b.git_ok(&clone, &["remote", "set-url", "origin", &url2]);
    env_b.git_ok(&clone, &["fetch", "-q", "origin"]);
    assert_eq!(env_b.rev_parse(&clone, "origin/main"), new);
    env_b.fsck(&clone);
}

#[test]
fn node_killed_in_the_middle_of_a_push() {
    let Some(kubo) = node("node_killed") else { return };
    let target = kubo.api.trim_start_matches("/ip4/").replace("/tcp/", ":");
    let kubo = Arc::new(Mutex::new(kubo));
    let k = kubo.clone();
    let proxy = CutProxy::start(target, "POST /api/v0/dag/import", Box::new(move || k.lock().unwrap().kill()));
    let env = Env::kubo(&proxy.api);
    let repo = env.synth("src", Synth { commits: 40, ..Synth::default() });
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    let run = env.git(&repo, &["push", "--all", "nip"]);
    assert!(proxy.triggered.load(std::sync::atomic::Ordering::SeqCst), "the push never reached dag/import:\n{run}");
    let err = run.one_clean_error();
    assert!(err.contains("remote address is unchanged"), "{err}");
    assert_eq!(env.remote_url(&repo, "nip"), "nip::new-ipfs");

    kubo.lock().unwrap().restart();
    let api = kubo.lock().unwrap().api.clone();
    let env2 = env.with_api(&api);
    env2.git_ok(&repo, &["push", "--all", "nip"]);
    let url = env2.remote_url(&repo, "nip");
    assert!(url.starts_with("nip::/ipfs/"), "{url}");
    let clone = env2.dir("clone");
    env2.git_ok(&env2.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
    env2.fsck(&clone);
}

#[test]
fn no_node() {
    // Nothing listens on this port: bind one and close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let api = format!("/ip4/127.0.0.1/tcp/{port}");
    let env = Env::kubo(&api);
    let repo = env.synth("src", Synth { commits: 10, ..Synth::default() });
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    // nip.store=kubo: a clear error naming the address tried.
    let err = env.git(&repo, &["push", "--all", "nip"]).one_clean_error();
    assert!(err.contains(&format!("127.0.0.1:{port}")) && err.contains("no IPFS node"), "{err}");
    assert_eq!(env.remote_url(&repo, "nip"), "nip::new-ipfs");

    // The default choice (git config wins over NIP_STORE): the embedded
    // store, and it says so.
    env.git_ok(&repo, &["config", "nip.store", "auto"]);
    let run = env.git_ok(&repo, &["push", "--all", "nip"]);
    let said = run.nip_lines().join("\n");
    assert!(said.contains("no IPFS node") && said.contains("embedded store"), "{said}");
    assert!(env.remote_url(&repo, "nip").starts_with("nip::/ipfs/"));
}

#[test]
fn nipctl_pins_and_unpins() {
    let Some(a) = node("nipctl_pins") else { return };
    let Some(b) = node("nipctl_pins (node B)") else { return };
    let env_a = Env::kubo(&a.api);
    let (_, url) = pushed(&env_a, "src", 20);
    b.connect(&a);
    let env_b = Env::kubo(&b.api);
    let cid = url_cid(&url).to_string();
    let out = env_b.command(common::nipctl()).args(["pin", &url]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("pinned"));
    assert!(b.ipfs_ok(&["pin", "ls", "--type=recursive", "-q"]).lines().any(|p| p == cid));
    // Everything is on B now: it survives gc with A gone.
    drop(a);
    b.ipfs_ok(&["repo", "gc", "--quiet"]);
    let clone = env_b.dir("clone");
    env_b.git_ok(&env_b.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
    env_b.fsck(&clone);

    let out = env_b.command(common::nipctl()).args(["pin", "--rm", &url]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!b.ipfs_ok(&["pin", "ls", "--type=recursive", "-q"]).lines().any(|p| p == cid));
}

/// README: `ipfs dag import $NIP_HOME/packs/*.pack` moves a store to a
/// node, and what it imports survives `ipfs repo gc`.
#[test]
fn dag_import_of_the_embedded_store_survives_gc() {
    let Some(kubo) = node("dag_import_of_the_embedded_store_survives_gc") else { return };
    common::misc::scenario_dag_import_recipe(&kubo);
}

/// Issue 12 item 7: a valid address no node has is not two minutes of
/// silence: within seconds nip says which block it is looking for and how
/// long it will wait, then fails with one line.
#[test]
fn waiting_for_a_block_is_said() {
    let Some(kubo) = node("waiting_for_a_block_is_said") else { return };
    let env = Env::kubo_node(&kubo).with_vars(&[("NIP_IPFS_TIMEOUT", "8")]);
    let cid = nip::block::cid_of(nip::block::DAG_CBOR, b"an index no node has");
    let run = env.git(&env.work, &["ls-remote", &format!("nip::/ipfs/{cid}")]);
    run.one_clean_error();
    let said = run.stderr.lines().position(|l| l.contains(&format!("looking for block {cid} on the IPFS network")));
    let failed = run.stderr.lines().position(|l| l.starts_with("nip: error:"));
    assert!(said.is_some() && said < failed, "nothing said while waiting:\n{run}");
    assert!(run.stderr.contains("up to 8s, NIP_IPFS_TIMEOUT"), "{run}");
}
