//! Format 2 at scale and its own commands, on the embedded store with the
//! real `git`: a million refs, consolidation (`nipctl repack`), and reading
//! single objects by hash out of thin packs (`nipctl inspect --content`).

mod common;

use common::{url_cid, Env, Synth};

/// 1,000,000 refs push, list and clone, and no block is over 1 MiB: refs
/// are a trie of leaves of at most 16 KiB, not one index block.
#[test]
fn a_million_refs_push_list_and_clone() {
    let env = Env::local();
    let repo = env.init("many");
    let commit = env.commit_file(&repo, "f", b"one\n", "one");
    // Written as git writes packed refs: a million loose ref files would
    // take minutes to create.
    let mut packed = String::from("# pack-refs with: peeled fully-peeled sorted \n");
    let mut names: Vec<String> = (0..1_000_000).map(|i| format!("refs/tags/t{i:07}")).collect();
    names.sort();
    for n in &names {
        packed.push_str(&format!("{commit} {n}\n"));
    }
    std::fs::write(repo.join(".git/packed-refs"), packed).unwrap();
    // To the URL, not a named remote: git 2.39's own push to a named remote
    // spends minutes per million refs before the helper is involved.
    let pushed = env.git(&repo, &["push", "-q", "nip::new-ipfs", "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*"]);
    assert!(pushed.success(), "{pushed}");
    let url = pushed
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("nip:   ").filter(|u| u.starts_with("nip::/ipfs/")))
        .unwrap_or_else(|| panic!("no new address:\n{pushed}"))
        .to_string();

    let listed = env.ls_remote(&url);
    assert_eq!(listed.len(), 1_000_001, "every tag and the branch are listed");
    assert_eq!(listed.get("refs/tags/t0999999"), Some(&commit));

    let clone = env.dir("clone");
    env.git_ok(&env.work, &["clone", "-q", "--bare", &url, clone.to_str().unwrap()]);
    assert_eq!(env.refs(&clone).len(), 1_000_001);

    let blocks = env.block_files().expect("the embedded store lists its blocks");
    let largest = blocks.values().max().copied().unwrap_or(0);
    assert!(largest <= 1 << 20, "a block of {largest} bytes");
    assert!(largest <= 16 * 1024 + 1024, "refs leaves stay near 16 KiB, the largest block is {largest} bytes");
}

/// After several pushes, `nipctl repack` writes one pack of every object
/// under a new index with the same refs; a clone of it is the same
/// repository, and its `previous` is the index it replaced.
#[test]
fn repack_consolidates_the_packs() {
    let env = Env::local();
    let repo = env.synth_pushed("src", Synth { commits: 60, ..Synth::default() });
    for i in 0..4 {
        env.append_commit(&repo, "notes.txt", &format!("push {i}"));
        env.git_ok(&repo, &["push", "-q", "nip", "main"]);
    }
    let before = env.remote_url(&repo, "nip");
    let shown = env.nipctl_run(&["inspect", &before, "--json"]);
    assert!(shown.success(), "{shown}");
    let json: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(json["packs"].as_array().map(|p| p.len()), Some(5), "five pushes, five packs: {json}");

    let repacked = env.nipctl_run(&["repack", &before]);
    assert!(repacked.success(), "{repacked}");
    let new = repacked
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("new address: "))
        .unwrap_or_else(|| panic!("no new address:\n{repacked}"))
        .to_string();
    let json: serde_json::Value =
        serde_json::from_str(&env.nipctl_run(&["inspect", &new, "--json"]).stdout).expect("inspect the repacked index");
    assert_eq!(json["packs"].as_array().map(|p| p.len()), Some(1), "{json}");
    assert_eq!(json["previous"].as_str(), Some(url_cid(&before).to_string().as_str()));
    assert_eq!(env.ls_remote(&new), env.ls_remote(&before), "the same refs");

    let clone = env.dir("clone");
    env.git_ok(&env.work, &["clone", "-q", &new, clone.to_str().unwrap()]);
    env.fsck(&clone);
    assert_eq!(env.rev_parse(&clone, "HEAD"), env.rev_parse(&repo, "main"));
    // One pack again: nothing to do.
    let again = env.nipctl_run(&["repack", &new]);
    assert!(again.success() && again.stdout.contains("nothing to repack"), "{again}");
}

/// Every object of a repository pushed in several thin packs reads back by
/// its hash from the address alone, deltas resolved across packs, with the
/// bytes `git cat-file` gives.
#[test]
fn any_object_reads_back_by_hash() {
    let env = Env::local();
    let repo = env.init("src");
    let big: String = (0..3000).map(|i| format!("line {i} of a file that changes a little each push\n")).collect();
    env.commit_file(&repo, "big.txt", big.as_bytes(), "first");
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.git_ok(&repo, &["push", "-q", "nip", "HEAD:refs/heads/main"]);
    for i in 0..3 {
        env.append_commit(&repo, "big.txt", &format!("change {i}"));
        env.git_ok(&repo, &["push", "-q", "nip", "HEAD:refs/heads/main"]);
    }
    let url = env.remote_url(&repo, "nip");
    let all = env.out(&repo, &["rev-list", "--objects", "--all"]);
    let mut read = 0;
    for oid in all.lines().filter_map(|l| l.split(' ').next()) {
        let kind = env.out(&repo, &["cat-file", "-t", oid]).trim().to_string();
        let want = env.command("git").current_dir(&repo).args(["cat-file", &kind, oid]).output().unwrap().stdout;
        let got = env.command(common::nipctl()).args(["inspect", &url, "--object", oid, "--content"]).output().unwrap();
        assert!(got.status.success(), "{oid}: {}", String::from_utf8_lossy(&got.stderr));
        assert_eq!(got.stdout, want, "content of {kind} {oid}");
        read += 1;
    }
    assert!(read >= 12, "only {read} objects");
    // The later versions of the file are deltas in thin packs: each push
    // stored far less than the file.
    let json: serde_json::Value = serde_json::from_str(&env.nipctl_run(&["inspect", &url, "--json"]).stdout).unwrap();
    let packs = json["packs"].as_array().unwrap();
    assert_eq!(packs.len(), 4);
    for p in &packs[1..] {
        assert!(p["bytes"].as_u64().unwrap() < 2_000, "a one-line change stored as {p}");
    }
    let missing = env.nipctl_run(&["inspect", &url, "--object", &"ab".repeat(20), "--content"]);
    assert!(!missing.success() && missing.stderr.contains("is not in this repository"), "{missing}");
}

/// A format 1 address is still read, and a push onto it writes format 2:
/// every object again in one pack, with the format 1 index as `previous`.
#[test]
fn a_push_onto_a_format_1_address_writes_format_2() {
    let env = Env::local();
    let repo = env.synth("src", Synth { commits: 30, ..Synth::default() });
    // A branch main does not reach: the format 2 pack must hold it too.
    env.git_ok(&repo, &["checkout", "-q", "-b", "side"]);
    let side = env.append_commit(&repo, "side.txt", "only on side");
    env.git_ok(&repo, &["checkout", "-q", "main"]);
    let v1 = env.craft_v1_from_repo(&repo);
    let old = common::url_of(&v1);
    assert_eq!(env.index(&v1).version(), 1);

    let clone = env.dir("clone");
    env.git_ok(&env.work, &["clone", "-q", &old, clone.to_str().unwrap()]);
    env.fsck(&clone);
    assert_eq!(env.rev_parse(&clone, "HEAD"), env.rev_parse(&repo, "main"));

    let new = env.append_commit(&clone, "notes.txt", "on top of format 1");
    let pushed = env.git(&clone, &["push", "origin", "HEAD:refs/heads/main"]);
    assert!(pushed.success(), "{pushed}");
    let url = env.remote_url(&clone, "origin");
    let index = env.index(&url_cid(&url));
    assert_eq!(index.version(), 2, "the new index is format 2");
    assert_eq!(index.prev, Some(v1), "its previous is the format 1 index");
    let json: serde_json::Value = serde_json::from_str(&env.nipctl_run(&["inspect", &url, "--json"]).stdout).unwrap();
    let objects = json["packs"][0]["objects"].as_u64().unwrap_or(0) as usize;
    assert_eq!(objects, env.count_rev_list_objects(&clone, &["--all"]), "one pack of every object: {json}");

    let again = env.dir("again");
    env.git_ok(&env.work, &["clone", "-q", &url, again.to_str().unwrap()]);
    env.fsck(&again);
    assert_eq!(env.rev_parse(&again, "HEAD"), new);
    assert_eq!(env.rev_parse(&again, "origin/side"), side, "the branch the push did not touch came along");
}
