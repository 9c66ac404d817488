//! IPNS names and DNSLink on real Kubo nodes: `nip::new-ipns`, clones and
//! pulls by name from a second node, a second pusher holding an imported
//! key, a node without the key, a name that moved before publishing, a fork
//! left by simultaneous pushes, a name that does not resolve in time, and
//! DNSLink through a DNS-over-HTTP server the test runs on loopback.
//!
//! Nodes are connected to each other only; names travel over their LAN DHT
//! (the `test` profile lets it use loopback addresses). Without Kubo these
//! tests fail in CI (`CI=true`) and say SKIPPED loudly elsewhere.

mod common;

use common::doh::Doh;
use common::kubo::{binary_or_skip, Kubo};
use common::proxy::CutProxy;
use common::{Env, Synth};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Two started nodes, connected; or `None` (skipped, outside CI).
fn two_nodes(test: &str, config: &[(&str, &str)]) -> Option<(Kubo, Kubo)> {
    let bin = binary_or_skip(test)?;
    let a = Kubo::start_with(&bin, config);
    let b = Kubo::start_with(&bin, config);
    b.connect(&a);
    Some((a, b))
}

/// A synthetic repository pushed to `nip::new-ipns` as remote `origin`;
/// returns it and its `nip::/ipns/k51…` URL.
fn pushed_to_new_name(env: &Env, name: &str, commits: u32) -> (PathBuf, String) {
    let repo = env.synth(name, Synth { commits, ..Synth::default() });
    env.git_ok(&repo, &["remote", "add", "origin", "nip::new-ipns"]);
    let run = env.git_ok(&repo, &["push", "--all", "origin"]);
    let url = env.remote_url(&repo, "origin");
    assert!(url.starts_with("nip::/ipns/k51"), "the remote URL should now be the name: {url}\n{run}");
    assert!(run.stderr.contains("(sequence 1)"), "the first publish has sequence 1:\n{run}");
    (repo, url)
}

fn key_of(url: &str) -> &str {
    url.strip_prefix("nip::/ipns/").unwrap_or_else(|| panic!("{url} is not a nip::/ipns/ URL"))
}

/// What the name resolves to on `node` right now (`/ipfs/<cid>`), as Kubo
/// itself says.
fn resolve_on(node: &Kubo, key: &str) -> String {
    node.ipfs_ok(&["name", "resolve", "--nocache", &format!("/ipns/{key}")]).trim().to_string()
}

/// Heads of `repo` (`refs/heads/*` → oid), and what `ls-remote` of `url` says.
fn heads(env: &Env, repo: &Path) -> Vec<(String, String)> {
    env.refs(repo).into_iter().filter(|(n, _)| n.starts_with("refs/heads/")).collect()
}

fn remote_heads(env: &Env, url: &str) -> Vec<(String, String)> {
    env.ls_remote(url).into_iter().filter(|(n, _)| n.starts_with("refs/heads/")).collect()
}

fn nipctl(env: &Env, node: &Kubo, args: &[&str]) -> std::process::Output {
    env.command(common::nipctl())
        .args(args)
        .current_dir(&env.work)
        .env("IPFS_PATH", node.path())
        .env("NIP_IPFS_BIN", node.bin())
        .output()
        .expect("run nipctl")
}

fn nipctl_ok(env: &Env, node: &Kubo, args: &[&str]) -> String {
    let out = nipctl(env, node, args);
    assert!(out.status.success(), "nipctl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Moves the key of `url` from node `a` to node `b` with nipctl; checks the
/// key file is private.
fn move_key(env_a: &Env, a: &Kubo, env_b: &Env, b: &Kubo, url: &str) {
    use std::os::unix::fs::PermissionsExt;
    let file = env_a.work.join("repo.key");
    let said = nipctl_ok(env_a, a, &["key", "export", url, "-o", file.to_str().unwrap()]);
    assert!(said.contains("mode 0600"), "{said}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the exported key file must be readable by its owner only");
    // Never overwritten.
    let again = nipctl(env_a, a, &["key", "export", url, "-o", file.to_str().unwrap()]);
    assert!(!again.status.success(), "a second export over the same file must fail");
    let said = nipctl_ok(env_b, b, &["key", "import", file.to_str().unwrap(), "--name", "shared"]);
    assert!(said.contains(key_of(url)), "{said}");
    let list = nipctl_ok(env_b, b, &["key", "list"]);
    assert!(list.lines().any(|l| l.starts_with("shared ") && l.contains(key_of(url))), "{list}");
}

#[test]
fn new_name_clone_and_pull_from_another_node() {
    let Some((a, b)) = two_nodes("new_name_clone_and_pull", &[]) else { return };
    let (env_a, env_b) = (Env::kubo_node(&a), Env::kubo_node(&b));
    let (repo, url) = pushed_to_new_name(&env_a, "myproject", 40);
    let key = key_of(&url);

    // A key of its own, named after the repository; never the node's `self`.
    let keys = a.ipfs_ok(&["key", "list", "-l", "--ipns-base=base36"]);
    let keys: Vec<Vec<&str>> = keys.lines().map(|l| l.split_whitespace().collect()).collect();
    assert!(keys.contains(&vec![key, "nip-myproject"]), "the key should be named after the repository: {keys:?}");
    assert!(keys.iter().any(|k| k[1] == "self" && k[0] != key), "published with the node's own key: {keys:?}");
    // The published index is pinned on A.
    let index = resolve_on(&a, key);
    assert!(a.pins().iter().any(|p| index.ends_with(p.as_str())), "{index} not pinned on A");

    // B never saw the push: it resolves the name over the DHT and fetches
    // the blocks over bitswap.
    let clone = env_b.dir("clone");
    env_b.git_ok(&env_b.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
    env_b.fsck(&clone);
    assert_eq!(remote_heads(&env_b, &url), heads(&env_a, &repo));
    assert_eq!(env_b.rev_parse(&clone, "HEAD"), env_a.rev_parse(&repo, "main"));

    // A pushes again: same URL, next sequence; B pulls the new commit.
    let new = env_a.append_commit(&repo, "docs/notes.txt", "second push");
    let run = env_a.git_ok(&repo, &["push", "origin", "main"]);
    assert!(run.stderr.contains("(sequence 2)"), "{run}");
    assert_eq!(env_a.remote_url(&repo, "origin"), url, "a push to a name keeps the URL");
    assert_eq!(run.moves(), 0, "the remote must not move:\n{run}");
    let index2 = resolve_on(&a, key);
    assert_ne!(index, index2);
    // The new index replaces the old pin and links it.
    let pins = a.pins();
    assert!(pins.iter().any(|p| index2.ends_with(p.as_str())) && !pins.iter().any(|p| index.ends_with(p.as_str())), "{pins:?}");

    env_b.git_ok(&clone, &["pull", "-q", "origin", "main"]);
    assert_eq!(env_b.rev_parse(&clone, "HEAD"), new);
    env_b.fsck(&clone);
    // The clone remembers where the name pointed.
    let cache = std::fs::read_to_string(clone.join(".git/nip/names").join(key)).unwrap();
    assert!(cache.contains(index2.trim_start_matches("/ipfs/")) && cache.contains("sequence 2"), "{cache}");
}

#[test]
fn second_pusher_with_an_imported_key_and_a_stale_view() {
    let Some((a, b)) = two_nodes("second_pusher", &[]) else { return };
    let (env_a, env_b) = (Env::kubo_node(&a), Env::kubo_node(&b));
    let (repo, url) = pushed_to_new_name(&env_a, "shared", 20);
    let clone = env_b.dir("clone");
    env_b.git_ok(&env_b.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
    move_key(&env_a, &a, &env_b, &b, &url);

    // A pushes after B's last fetch; B's view is stale.
    let from_a = env_a.append_commit(&repo, "docs/notes.txt", "from A");
    env_a.git_ok(&repo, &["push", "origin", "main"]);
    let from_b = env_b.append_commit(&clone, "docs/other.txt", "from B");
    let index_before = resolve_on(&a, key_of(&url));
    let run = env_b.git(&clone, &["push", "origin", "main"]);
    assert!(!run.success(), "a diverging push must be refused:\n{run}");
    assert!(run.stderr.contains("fetch first"), "{run}");
    run.assert_no_panic();
    // Nothing moved: A's commit is still what the name says.
    assert_eq!(resolve_on(&a, key_of(&url)), index_before);
    assert_eq!(env_a.ls_remote(&url).get("refs/heads/main"), Some(&from_a));

    // After integrating A's work, B's push goes through, as sequence 3.
    env_b.git_ok(&clone, &["pull", "-q", "--rebase", "origin", "main"]);
    let run = env_b.git_ok(&clone, &["push", "origin", "main"]);
    assert!(run.stderr.contains("(sequence 3)"), "{run}");
    let rebased = env_b.rev_parse(&clone, "HEAD");
    assert_ne!(rebased, from_b);
    env_a.git_ok(&repo, &["fetch", "-q", "origin"]);
    assert_eq!(env_a.rev_parse(&repo, "origin/main"), rebased);
    env_a.git_ok(&repo, &["merge-base", "--is-ancestor", &from_a, "origin/main"]);
    let shown = nipctl_ok(&env_a, &a, &["inspect", "--json", &url]);
    assert!(shown.contains("\"sequence\": 3"), "{shown}");
}

#[test]
fn node_without_the_key_is_refused_before_any_upload() {
    let Some((a, b)) = two_nodes("node_without_the_key", &[]) else { return };
    let (env_a, env_b) = (Env::kubo_node(&a), Env::kubo_node(&b));
    let (_, url) = pushed_to_new_name(&env_a, "guarded", 20);
    let clone = env_b.dir("clone");
    env_b.git_ok(&env_b.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
    let index = resolve_on(&a, key_of(&url));
    let (blocks, pins) = (b.block_count(), b.pins());

    env_b.append_commit(&clone, "docs/new.txt", "not allowed");
    env_b.git_ok(&clone, &["checkout", "-q", "-b", "topic"]);
    let run = env_b.git(&clone, &["push", "origin", "main", "topic"]);
    let err = run.one_clean_error();
    assert!(
        err.contains(&format!("this node cannot publish /ipns/{}: key not found", key_of(&url)))
            && err.contains("nipctl key import"),
        "{err}"
    );
    assert_eq!(b.block_count(), blocks, "B stored blocks for a push it could not publish");
    assert_eq!(b.pins(), pins);
    assert_eq!(resolve_on(&a, key_of(&url)), index);

    // Nor does nip publish a repository under a node's identity key.
    let own = b.ipfs_ok(&["key", "list", "-l", "--ipns-base=base36"]);
    let own = own
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.get(1) == Some(&"self"))
        .map(|w| w[0].to_string())
        .unwrap_or_else(|| panic!("no self key in {own}"));
    env_b.git_ok(&clone, &["remote", "add", "own", &format!("nip::/ipns/{own}")]);
    let err = env_b.git(&clone, &["push", "own", "main"]).one_clean_error();
    assert!(err.contains("own identity key (self)") && err.contains("nip::new-ipns"), "{err}");
    assert_eq!(b.block_count(), blocks);
}

#[test]
fn an_imported_key_with_no_record_in_sight_does_not_start_the_name_over() {
    let Some(bin) = binary_or_skip("imported_key_no_record") else { return };
    let a = Kubo::start(&bin);
    let d = Kubo::start(&bin); // never connected to A
    let (env_a, env_d) = (Env::kubo_node(&a), Env::kubo_node(&d));
    let (_, url) = pushed_to_new_name(&env_a, "elsewhere", 10);
    move_key(&env_a, &a, &env_d, &d, &url);
    let repo = env_d.synth("other", Synth { commits: 5, seed: 7, ..Synth::default() });
    env_d.git_ok(&repo, &["remote", "add", "origin", &url]);
    let pins = d.pins();
    let err = env_d.git(&repo, &["push", "origin", "main"]).one_clean_error();
    assert!(err.contains("no record anywhere this node looked") && err.contains("ipfs swarm connect"), "{err}");
    assert_eq!(d.pins(), pins, "nothing was pinned");
    assert!(d.ipfs(&["name", "resolve", "--offline", &format!("/ipns/{}", key_of(&url))]).stdout.is_empty());
    // Forcing every ref is how to start the name afresh on purpose.
    let run = env_d.git_ok(&repo, &["push", "--force", "origin", "main"]);
    assert!(run.stderr.contains("(sequence 1)"), "{run}");
}

#[test]
fn a_name_that_moved_before_publishing_is_not_published() {
    let Some((a, b)) = two_nodes("moved_before_publishing", &[]) else { return };
    let (env_a, env_b) = (Env::kubo_node(&a), Env::kubo_node(&b));
    let (repo, url) = pushed_to_new_name(&env_a, "race", 10);
    let key = key_of(&url).to_string();
    let client = common::kubo_client(&a.api);
    let name_of = || nip::ipns::current(&client, &key, true).unwrap().expect("the name has a record");
    let base = name_of();
    // Another pusher (B, with the key) gets in between.
    let clone = env_b.dir("clone");
    env_b.git_ok(&env_b.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
    move_key(&env_a, &a, &env_b, &b, &url);
    env_b.append_commit(&clone, "docs/b.txt", "B was first");
    env_b.git_ok(&clone, &["push", "origin", "main"]);
    let moved = name_of();
    assert_eq!(moved.sequence, base.sequence + 1);

    // A publishing on the view it started from is refused.
    let held = nip::ipns::held_key(&client, &key).unwrap().expect("A holds the key");
    let err = nip::ipns::publish(&client, &held, Some(base), &base.index).unwrap_err();
    assert!(err.to_string().starts_with("the remote moved; fetch first"), "{err}");
    assert_eq!(name_of(), moved, "nothing was published");
    // And through git: A's stale push is refused, the name unchanged.
    env_a.append_commit(&repo, "docs/a.txt", "A was second");
    let run = env_a.git(&repo, &["push", "origin", "main"]);
    assert!(!run.success() && run.stderr.contains("fetch first"), "{run}");
    assert_eq!(name_of(), moved);
}

#[test]
fn a_fork_is_noticed_and_the_losing_index_stays_pinned() {
    let Some(bin) = binary_or_skip("fork_is_noticed") else { return };
    let a = Kubo::start(&bin);
    let env = Env::kubo_node(&a);
    let (repo, url) = pushed_to_new_name(&env, "forked", 10);
    let key = key_of(&url);
    let first = resolve_on(&a, key);
    env.append_commit(&repo, "docs/notes.txt", "lost in a race");
    env.git_ok(&repo, &["push", "origin", "main"]);
    let mine = resolve_on(&a, key);
    // What a simultaneous push leaves behind: the name at an index that
    // does not descend from ours (here: another publish of the first one,
    // with a higher sequence).
    let keyname = format!("--key={key}");
    a.ipfs_ok(&["name", "publish", "--allow-offline", &keyname, "--sequence=9", &first]);
    assert_eq!(resolve_on(&a, key), first);

    env.append_commit(&repo, "docs/notes.txt", "after the fork");
    let run = env.git_ok(&repo, &["push", "origin", "main"]);
    let mine_cid = mine.trim_start_matches("/ipfs/");
    assert!(
        run.stderr.contains(&format!("no longer leads back to nip::/ipfs/{mine_cid}")) && run.stderr.contains("nothing is lost"),
        "the push should name the index the fork left behind:\n{run}"
    );
    assert!(a.pins().iter().any(|p| p == mine_cid), "the losing index must stay pinned");
    assert!(run.stderr.contains("(sequence 10)"), "{run}");
    // Its refs are still readable.
    let shown = nipctl_ok(&env, &a, &["inspect", &format!("nip::{mine}")]);
    assert!(shown.contains("refs/heads/main"), "{shown}");
}

#[test]
fn unresolvable_name_fails_in_bounded_time_or_uses_the_cached_index() {
    let Some((a, b)) = two_nodes("unresolvable_name", &[]) else { return };
    let (env_a, env_b) = (Env::kubo_node(&a), Env::kubo_node(&b));
    let (_, url) = pushed_to_new_name(&env_a, "slow", 10);
    let clone = env_b.dir("clone");
    env_b.git_ok(&env_b.work, &["clone", "-q", &url, clone.to_str().unwrap()]);

    // B's node now never answers a record lookup.
    let proxy = CutProxy::stall(b.api.trim_start_matches("/ip4/").replace("/tcp/", ":"), "/api/v0/routing/get");
    let mut env_slow = env_b.with_api(&proxy.api);
    env_slow.vars.push(("NIP_IPNS_TIMEOUT".into(), "2".into()));

    let started = Instant::now();
    let fresh = env_slow.dir("fresh");
    let run = env_slow.git(&env_slow.work, &["clone", "-q", &url, fresh.to_str().unwrap()]);
    let err = run.one_clean_error();
    assert!(err.contains(&format!("cannot resolve /ipns/{}: no answer within 2s", key_of(&url))), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    assert!(proxy.triggered.load(std::sync::atomic::Ordering::SeqCst));

    // A repository that resolved the name before reads the index it saw,
    // and says so.
    let run = env_slow.git_ok(&clone, &["fetch", "origin"]);
    assert!(run.stderr.contains("using the index last seen here"), "{run}");
    // A push never guesses; without the key it is refused before any wait.
    env_slow.append_commit(&clone, "docs/x.txt", "x");
    let started = Instant::now();
    let err = env_slow.git(&clone, &["push", "origin", "main"]).one_clean_error();
    assert!(err.contains("key not found"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[test]
fn dnslink_names_clone_fetch_and_push() {
    let doh = Doh::start();
    let resolvers = format!("{{\"test.\": \"{}\"}}", doh.url);
    let Some((a, b)) = two_nodes("dnslink", &[("DNS.Resolvers", &resolvers)]) else { return };
    let (env_a, env_b) = (Env::kubo_node(&a), Env::kubo_node(&b));
    let (repo, url) = pushed_to_new_name(&env_a, "linked", 20);
    doh.set_txt("_dnslink.git.nip.test", &format!("dnslink=/ipns/{}", key_of(&url)));

    let by_domain = "nip::/ipns/git.nip.test";
    let clone = env_b.dir("clone");
    env_b.git_ok(&env_b.work, &["clone", "-q", by_domain, clone.to_str().unwrap()]);
    env_b.fsck(&clone);
    assert_eq!(remote_heads(&env_b, by_domain), heads(&env_a, &repo));

    // The key holder pushes through the domain too.
    env_a.git_ok(&repo, &["remote", "set-url", "origin", by_domain]);
    let new = env_a.append_commit(&repo, "docs/notes.txt", "via DNSLink");
    env_a.git_ok(&repo, &["push", "origin", "main"]);
    assert_eq!(env_a.remote_url(&repo, "origin"), by_domain);
    env_b.git_ok(&clone, &["fetch", "-q", "origin"]);
    assert_eq!(env_b.rev_parse(&clone, "origin/main"), new);

    // A DNSLink straight to an index is readable, not pushable.
    let index = resolve_on(&a, key_of(&url));
    doh.set_txt("_dnslink.fixed.nip.test", &format!("dnslink={index}"));
    let fixed = env_b.dir("fixed");
    env_b.git_ok(&env_b.work, &["clone", "-q", "nip::/ipns/fixed.nip.test", fixed.to_str().unwrap()]);
    assert_eq!(env_b.rev_parse(&fixed, "HEAD"), new);
    env_b.append_commit(&fixed, "docs/y.txt", "y");
    let err = env_b.git(&fixed, &["push", "origin", "main"]).one_clean_error();
    assert!(err.contains("cannot be updated by a push") && err.contains("_dnslink.fixed.nip.test"), "{err}");

    // A domain without DNSLink is a definite answer, not a timeout.
    let started = Instant::now();
    let err = env_b.git(&env_b.work, &["ls-remote", "nip::/ipns/none.nip.test"]).one_clean_error();
    assert!(err.contains("/ipns/none.nip.test has no usable DNSLink"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
}
