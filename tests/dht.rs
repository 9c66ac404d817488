//! Content routing by DHT: a network of Kubo nodes on loopback connected
//! only through a bootstrap node (`tests/common/network.rs`). A push on one
//! node is cloned on others by `/ipfs/` and by `/ipns/`, with no `swarm
//! connect` between pusher and cloner: the cloner learns from the DHT who
//! holds the index (a provider record) and where the name points (an IPNS
//! record), and bitswap fetches from the node that record names.
//!
//! Without Kubo these tests fail in CI (`CI=true`) and say SKIPPED loudly
//! elsewhere; see `tests/common/kubo.rs`.

mod common;

use common::kubo::binary_or_skip;
use common::network::Network;
use common::{Env, Synth};
use std::time::{Duration, Instant};

/// The peers node `from` finds through the DHT as providers of `cid`,
/// asked again until one is `want` or 60 s have passed.
fn find_provider(net: &Network, from: usize, cid: &str, want: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = net.nodes[from].ipfs(&["routing", "findprovs", "-n", "5", "--timeout=10s", cid]);
        let found: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(|l| l.trim().to_string()).collect();
        if found.iter().any(|p| p == want) || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Ten nodes: a push on node 3 (whose `Provide.Strategy` is `roots`, as
/// every node's here: it announces the index it pinned and nothing else), a clone by `/ipfs/` on node 9 and by
/// `/ipns/` on node 6, neither of which the test connected to node 3 (a
/// connection the DHT's own walks made is dropped before each clone, so
/// the clone must look the content up). Both clones have the pusher's
/// branches and tags, object for object, and `git fsck` passes.
#[test]
fn ten_nodes_clone_through_the_dht_by_cid_and_by_name() {
    let Some(bin) = binary_or_skip("ten_nodes_clone_through_the_dht") else { return };
    let net = Network::start(&bin, 10);
    let (pusher, by_cid, by_name) = (3, 9, 6);
    let env_p = Env::kubo_node(&net.nodes[pusher]);
    let repo = env_p.synth("src", Synth { commits: 40, ..Synth::default() });
    env_p.git_ok(&repo, &["remote", "add", "origin", "nip::new-ipns"]);
    let pushed = env_p.git_ok(&repo, &["push", "--all", "origin"]);
    assert!(!pushed.stderr.contains("will not announce"), "a node with Kubo's defaults announces pins:\n{pushed}");
    env_p.git_ok(&repo, &["push", "--tags", "origin"]);
    // A later push moves the pin with pin/update, whose new root Kubo does
    // not announce under `roots`: nip announces it itself.
    env_p.append_commit(&repo, "later.txt", "a second push");
    let later = env_p.git_ok(&repo, &["push", "origin", "main"]);
    assert!(!later.stderr.contains("warning"), "{later}");
    let name_url = env_p.remote_url(&repo, "origin");
    assert!(name_url.starts_with("nip::/ipns/k51"), "{name_url}");
    let key = name_url.trim_start_matches("nip::/ipns/").to_string();
    let path = net.nodes[pusher].ipfs_ok(&["name", "resolve", "--offline", &format!("/ipns/{key}")]);
    let index = path.trim().trim_start_matches("/ipfs/").to_string();
    let want = env_p.refs(&repo);
    let pusher_id = net.id(pusher);

    for (cloner, url) in [(by_cid, format!("nip::/ipfs/{index}")), (by_name, name_url.clone())] {
        let node = &net.nodes[cloner];
        assert!(node.block_count() <= 1, "node {cloner} must start without the repository");
        let t = Instant::now();
        let found = find_provider(&net, cloner, &index, &pusher_id);
        eprintln!("node {cloner} found node {pusher} as a provider of the index in {:?}", t.elapsed());
        let t = Instant::now();
        assert!(found.contains(&pusher_id), "node {cloner} did not find node {pusher} as a provider of {index}: {found:?}");
        let env = Env::kubo_node(node);
        let clone = env.dir("clone");
        env.git_ok(&env.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
        eprintln!("node {cloner} cloned {url} in {:?}", t.elapsed());
        env.fsck(&clone);
        let got = env.refs(&clone);
        for (name, oid) in &want {
            let Some(branch) = name.strip_prefix("refs/heads/") else { continue };
            assert_eq!(got.get(&format!("refs/remotes/origin/{branch}")), Some(oid), "{url} on node {cloner}: {name}");
        }
        for (name, oid) in want.iter().filter(|(n, _)| n.starts_with("refs/tags/")) {
            assert_eq!(got.get(name), Some(oid), "{url} on node {cloner}: {name}");
        }
        assert!(node.block_count() > 1, "node {cloner} fetched the repository itself");
    }
}

/// A push to a node that announces nothing (`Routing.Type=none`) works,
/// and says that only nodes connected to it can fetch the repository.
#[test]
fn a_push_to_a_node_that_announces_nothing_says_so() {
    let Some(bin) = binary_or_skip("a_push_to_a_node_that_announces_nothing_says_so") else { return };
    let node = common::kubo::Kubo::start_with(&bin, &[("Routing.Type", "\"none\"")]);
    let env = Env::kubo_node(&node);
    let repo = env.synth_pushed("src", Synth { commits: 3, ..Synth::default() });
    let url = env.remote_url(&repo, "nip");
    assert!(url.starts_with("nip::/ipfs/"), "the push worked: {url}");
    // The push ran inside synth_pushed; a second push of a new commit shows the line.
    env.append_commit(&repo, "b.txt", "again");
    let run = env.git_ok(&repo, &["push", "nip", "main"]);
    assert!(
        run.stderr.contains("will not announce") && run.stderr.contains("Routing.Type is none"),
        "the push should say the node announces nothing:\n{run}"
    );
}
