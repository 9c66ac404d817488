//! Content routing by DHT: a network of Kubo nodes on loopback connected
//! only through a bootstrap node (`tests/common/network.rs`). A push on one
//! node is cloned on others by `/ipfs/` and by `/ipns/`, with no `swarm
//! connect` between pusher and cloner: the cloner finds in the DHT who
//! holds the index (a provider record) and where the name points (an IPNS
//! record), and fetches the repository.
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

/// A network of ten nodes where node 3 pushed a repository to a new name
/// and pushed again; the name's URL, the index it points to, and the refs
/// of the pushed repository.
struct Pushed {
    net: Network,
    name_url: String,
    index: String,
    want: std::collections::BTreeMap<String, String>,
}

const PUSHER: usize = 3;

/// Node 3 (whose `Provide.Strategy` is `roots`, as every node's here: it
/// announces the index it pinned and nothing else) pushes to a new name,
/// then pushes a later commit, which moves the pin with `pin/update`.
fn pushed_on_ten_nodes(test: &str) -> Option<Pushed> {
    let bin = binary_or_skip(test)?;
    let net = Network::start(&bin, 10);
    let env_p = Env::kubo_node(&net.nodes[PUSHER]);
    let repo = env_p.synth("src", Synth { commits: 40, ..Synth::default() });
    env_p.git_ok(&repo, &["remote", "add", "origin", "nip::new-ipns"]);
    let pushed = env_p.git_ok(&repo, &["push", "--all", "origin"]);
    assert!(!pushed.stderr.contains("will not announce"), "a node with Kubo's defaults announces pins:\n{pushed}");
    env_p.git_ok(&repo, &["push", "--tags", "origin"]);
    // Kubo does not announce the root pin/update moves to under `roots`:
    // nip announces it itself.
    env_p.append_commit(&repo, "later.txt", "a second push");
    let later = env_p.git_ok(&repo, &["push", "origin", "main"]);
    assert!(!later.stderr.contains("warning"), "{later}");
    let name_url = env_p.remote_url(&repo, "origin");
    assert!(name_url.starts_with("nip::/ipns/k51"), "{name_url}");
    let key = name_url.trim_start_matches("nip::/ipns/").to_string();
    let path = net.nodes[PUSHER].ipfs_ok(&["name", "resolve", "--offline", &format!("/ipns/{key}")]);
    let index = path.trim().trim_start_matches("/ipfs/").to_string();
    let want = env_p.refs(&repo);
    Some(Pushed { net, name_url, index, want })
}

/// Node `cloner`, which the test never connected to the pusher, finds the
/// pusher as a provider of the index through the DHT (the index of the
/// second push, which only nip's own announcement makes findable under
/// `roots`: without it no provider is found in 60 s) and clones `url`: the
/// clone has the pushed branches and tags, object for object, and `git
/// fsck` passes.
fn clone_through_the_dht(p: &Pushed, cloner: usize, url: &str) {
    let node = &p.net.nodes[cloner];
    assert!(node.block_count() <= 1, "node {cloner} must start without the repository");
    let pusher_id = p.net.id(PUSHER);
    let t = Instant::now();
    let found = find_provider(&p.net, cloner, &p.index, &pusher_id);
    assert!(found.contains(&pusher_id), "node {cloner} did not find the pusher as a provider of {}: {found:?}", p.index);
    eprintln!("node {cloner} found node {PUSHER} as a provider of the index in {:?}", t.elapsed());
    let t = Instant::now();
    let env = Env::kubo_node(node);
    let clone = env.dir("clone");
    let run = env.git(&env.work, &["clone", "-q", url, clone.to_str().unwrap()]);
    if !run.success() {
        let dir = diagnose(p, cloner);
        panic!("clone failed (diagnostics in {}):\n{run}", dir.display());
    }
    eprintln!("node {cloner} cloned {url} in {:?}", t.elapsed());
    for line in run.stderr.lines().filter(|l| l.contains("reconnecting") || l.contains("no provider of block")) {
        eprintln!("node {cloner}, {line}");
    }
    env.fsck(&clone);
    let got = env.refs(&clone);
    for (name, oid) in &p.want {
        let Some(branch) = name.strip_prefix("refs/heads/") else { continue };
        assert_eq!(got.get(&format!("refs/remotes/origin/{branch}")), Some(oid), "{url} on node {cloner}: {name}");
    }
    for (name, oid) in p.want.iter().filter(|(n, _)| n.starts_with("refs/tags/")) {
        assert_eq!(got.get(name), Some(oid), "{url} on node {cloner}: {name}");
    }
    assert!(node.block_count() > 1, "node {cloner} fetched the repository itself");
}

/// What the cloner and the pusher say after a failed clone, saved in a new
/// directory under the system's temporary one: each node's daemon log,
/// the cloner's wantlist, peers and view of the pusher, the pusher's view
/// of the cloner.
fn diagnose(p: &Pushed, cloner: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "nip-dht-diag-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).expect("diagnostics directory");
    let pusher_id = p.net.id(PUSHER);
    let cloner_id = p.net.id(cloner);
    let c = &p.net.nodes[cloner];
    let s = &p.net.nodes[PUSHER];
    let show = |o: std::process::Output| format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let mut text = String::new();
    for (what, out) in [
        ("cloner wantlist", show(c.ipfs(&["bitswap", "wantlist"]))),
        ("cloner bitswap stat", show(c.ipfs(&["bitswap", "stat", "--verbose"]))),
        ("cloner swarm peers", show(c.ipfs(&["swarm", "peers", "--direction", "--latency"]))),
        ("cloner swarm addrs of pusher", show(c.ipfs(&["swarm", "addrs"]))),
        ("cloner findpeer pusher", show(c.ipfs(&["routing", "findpeer", "--timeout=10s", &pusher_id]))),
        ("cloner findprovs index", show(c.ipfs(&["routing", "findprovs", "--timeout=10s", &p.index]))),
        ("pusher has index", show(s.ipfs(&["block", "stat", "--offline", &p.index]))),
        ("pusher wantlist of cloner", show(s.ipfs(&["bitswap", "wantlist", "--peer", &cloner_id]))),
        ("pusher bitswap stat", show(s.ipfs(&["bitswap", "stat", "--verbose"]))),
        ("pusher swarm peers", show(s.ipfs(&["swarm", "peers", "--direction"]))),
        ("pusher id", show(s.ipfs(&["id"]))),
        ("cloner id", show(c.ipfs(&["id"]))),
    ] {
        text.push_str(&format!("=== {what}\n{out}\n"));
    }
    // Does a fresh connection to the provider unblock the fetch?
    let before = show(c.ipfs(&["block", "get", "--timeout=5s", &p.index]));
    let pusher_addr = p.net.nodes[PUSHER].swarm_addr();
    let disc = show(c.ipfs(&["swarm", "disconnect", &format!("/p2p/{pusher_id}")]));
    let conn = show(c.ipfs(&["swarm", "connect", &pusher_addr]));
    let after = c.ipfs(&["block", "get", "--timeout=15s", &p.index]);
    text.push_str(&format!(
        "=== rescue\nbefore: {}\ndisconnect: {disc}\nconnect: {conn}\nafter: {} ({} bytes)\n",
        before.len(),
        after.status,
        after.stdout.len()
    ));
    std::fs::write(dir.join("state.txt"), text).ok();
    std::fs::write(dir.join("cloner.log"), c.log()).ok();
    std::fs::write(dir.join("pusher.log"), s.log()).ok();
    dir
}

/// Nodes that never pushed find the pushed index through the DHT: node 9
/// finds node 3 as a provider of the index of the second push (which only
/// nip's own announcement makes findable under `roots`: without it none is
/// found in 60 s), and node 6 resolves the name to that index through the
/// DHT.
#[test]
fn ten_nodes_find_the_pushed_index_and_name_through_the_dht() {
    let Some(p) = pushed_on_ten_nodes("ten_nodes_find_the_pushed_index_and_name_through_the_dht") else { return };
    let pusher_id = p.net.id(PUSHER);
    let found = find_provider(&p.net, 9, &p.index, &pusher_id);
    assert!(found.contains(&pusher_id), "node 9 did not find the pusher as a provider of {}: {found:?}", p.index);
    let key = p.name_url.trim_start_matches("nip::/ipns/");
    let resolved = p.net.nodes[6].ipfs_ok(&["name", "resolve", "--nocache", &format!("/ipns/{key}")]);
    assert_eq!(resolved.trim(), format!("/ipfs/{}", p.index), "node 6 resolved the name through the DHT");
}

// The clones themselves, one network each. Kubo's bitswap (v0.39.0 and
// v0.42.0) is at times blind to a peer connected while its daemon started
// (the provider, here): nip's fetch reconnects the node to the providers
// of a block that does not come (src/kubo/client.rs, STALL_AFTER), and the
// clone prints the line it said when it did.

#[test]
fn ten_nodes_clone_by_cid_through_the_dht() {
    let Some(p) = pushed_on_ten_nodes("ten_nodes_clone_by_cid_through_the_dht") else { return };
    clone_through_the_dht(&p, 9, &format!("nip::/ipfs/{}", p.index));
}

#[test]
fn ten_nodes_clone_by_name_through_the_dht() {
    let Some(p) = pushed_on_ten_nodes("ten_nodes_clone_by_name_through_the_dht") else { return };
    clone_through_the_dht(&p, 6, &p.name_url.clone());
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

/// `nip.provide=skip` (or `NIP_PROVIDE=skip`): the push does not wait for
/// the DHT announcement of its index and says so; the push is done all the
/// same. `wait`, the default, announces (no such line); any other value
/// is a warning naming the setting, and the push announces as by default.
#[test]
fn a_push_with_provide_skip_does_not_announce_and_says_so() {
    let Some(bin) = binary_or_skip("a_push_with_provide_skip_does_not_announce_and_says_so") else { return };
    let node = common::kubo::Kubo::start(&bin);
    let mut env = Env::kubo_node(&node);
    let repo = env.synth_pushed("src", Synth { commits: 3, ..Synth::default() });
    let skipped =
        |run: &common::Run| run.stderr.contains("not announcing nip::/ipfs/") && run.stderr.contains("nip.provide=skip");

    env.append_commit(&repo, "b.txt", "skip by git config");
    let run = env.git_ok(&repo, &["-c", "nip.provide=skip", "push", "nip", "main"]);
    let url = env.remote_url(&repo, "nip");
    let cid = url.trim_start_matches("nip::/ipfs/");
    assert!(skipped(&run) && run.stderr.contains(cid), "the push should say it does not announce {cid}:\n{run}");
    assert!(!run.stderr.contains("announcing /ipfs/"), "no announcement was waited for:\n{run}");
    let remote_main = env.out(&repo, &["ls-remote", "nip", "refs/heads/main"]);
    assert!(remote_main.starts_with(&env.out(&repo, &["rev-parse", "main"])), "the push is done: {remote_main}");
    assert!(node.pins().iter().any(|p| p == cid), "the new index is pinned on the node: {:?}", node.pins());

    env.vars.push(("NIP_PROVIDE".into(), "skip".into()));
    env.append_commit(&repo, "c.txt", "skip by the environment");
    let run = env.git_ok(&repo, &["push", "nip", "main"]);
    assert!(skipped(&run), "NIP_PROVIDE=skip:\n{run}");
    // git config wins over the environment.
    env.append_commit(&repo, "d.txt", "wait by git config");
    let run = env.git_ok(&repo, &["-c", "nip.provide=wait", "push", "nip", "main"]);
    assert!(!skipped(&run) && !run.stderr.contains("warning"), "nip.provide=wait announces:\n{run}");

    env.append_commit(&repo, "e.txt", "a bad value");
    let run = env.git_ok(&repo, &["-c", "nip.provide=later", "push", "nip", "main"]);
    assert!(
        run.stderr.contains("nip: warning: git -c nip.provide is \"later\"") && run.stderr.contains("'wait'") && !skipped(&run),
        "a bad value is said, and the push announces as by default:\n{run}"
    );
}
