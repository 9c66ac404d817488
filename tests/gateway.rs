//! Cloning from HTTP trustless gateways, with no IPFS node (issue 14): a
//! Kubo node's gateway port on loopback (the helper is never told the node's
//! RPC API), a later push fetched through it, `ls-remote` and `nipctl
//! inspect`, a TLS gateway, and hostile gateways in front of an honest one:
//! each refused in one line, the honest one then used. Nothing here talks to
//! anything but loopback (the harness sets `NIP_GATEWAYS=` for every other
//! test, so none reaches the public gateways).

mod common;

use common::gateway::{Hostile, Mode, Tls};
use common::kubo::{binary_or_skip, Kubo};
use common::{Env, Synth};
use std::path::PathBuf;

/// A node whose gateway serves only what it holds (no network search), and
/// a repository pushed to it (one large blob, so its pack is a DAG of
/// several blocks); returns (node, pusher, repo, address).
fn pushed(test: &str) -> Option<(Kubo, Env, PathBuf, String)> {
    let bin = binary_or_skip(test)?;
    let node = Kubo::start_with(&bin, &[("Gateway.NoFetch", "true")]);
    let env = Env::kubo_node(&node);
    let repo = env.synth_pushed("src", Synth { commits: 40, files: 20, large: 1, seed: 3 });
    let url = env.remote_url(&repo, "nip");
    Some((node, env, repo, url))
}

/// A world with no node: `nip.store` as given (None: auto), the node's RPC
/// API never named (a dead port instead), and these gateways.
fn reader(store: Option<&str>, gateways: &[&str]) -> Env {
    let mut env = Env::local();
    env.vars.retain(|(k, _)| k != "NIP_STORE");
    if let Some(s) = store {
        env.vars.push(("NIP_STORE".into(), s.into()));
    }
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    env.vars.push(("NIP_IPFS_API".into(), format!("http://127.0.0.1:{dead}")));
    env.vars.push(("NIP_GATEWAYS".into(), gateways.join(",")));
    env.vars.push(("NIP_GATEWAY_TIMEOUT".into(), "2".into()));
    env
}

/// The clone `b_repo` has the refs the address `url` lists (read by `a`).
fn same_refs(a: &Env, url: &str, b: &Env, b_repo: &std::path::Path) {
    let theirs: Vec<_> = a.ls_remote(url).into_iter().collect();
    let ours: Vec<_> = b
        .refs(b_repo)
        .into_iter()
        .filter_map(|(n, o)| match n.strip_prefix("refs/remotes/origin/") {
            Some(h) if h != "HEAD" => Some((format!("refs/heads/{h}"), o)),
            _ => n.starts_with("refs/tags/").then_some((n, o)),
        })
        .collect();
    assert_eq!(theirs, ours);
}

#[test]
fn clone_fetch_ls_remote_and_inspect_through_a_kubo_gateway() {
    let Some((node, env, repo, url)) = pushed("clone_fetch_ls_remote_and_inspect_through_a_kubo_gateway") else { return };
    let gw = node.gateway();
    let counted = Hostile::start(&gw, Mode::Honest);
    for store in [Some("gateway"), None] {
        let r = reader(store, &[&counted.url]);
        assert_eq!(r.ls_remote(&url), env.ls_remote(&url), "nip.store={store:?}");
        let before = counted.cars.load(std::sync::atomic::Ordering::SeqCst);
        r.git_ok(&r.work, &["clone", "-q", &url, "copy"]);
        let copy = r.dir("copy");
        same_refs(&env, &url, &r, &copy);
        r.fsck(&copy);
        // The pack came as one CAR.
        assert!(counted.cars.load(std::sync::atomic::Ordering::SeqCst) > before, "no CAR was asked for");
        let inspect = r.nipctl_run(&["inspect", &url]);
        assert!(inspect.success() && inspect.stdout.contains("refs/heads/main"), "{inspect}");
        // One object of the pack: its bytes as one ranged CAR (entity-bytes).
        let objects = r.out(&copy, &["rev-list", "--objects", "--all"]);
        let large = objects.lines().find(|l| l.contains("large")).and_then(|l| l.split(' ').next()).expect("a large blob");
        let cars = counted.cars.load(std::sync::atomic::Ordering::SeqCst);
        let out =
            r.command(common::nipctl()).args(["inspect", &url, "--object", large, "--content"]).env("NIP_LOG", "info").output();
        let content = common::Run::of("nipctl inspect --content", out.unwrap());
        assert!(content.success() && content.stderr.contains("blocks over bytes"), "{}", content.stderr);
        let blob = r.command("git").args(["cat-file", "blob", large]).current_dir(&copy).output().unwrap().stdout;
        assert_eq!(content.stdout.len(), String::from_utf8_lossy(&blob).len());
        assert!(counted.cars.load(std::sync::atomic::Ordering::SeqCst) > cars, "no ranged CAR was asked for");

        // A later push, fetched through the gateway.
        let head = env.append_commit(&repo, "later.txt", "a later line");
        env.push(&repo, &["nip", "main"]);
        let later = env.remote_url(&repo, "nip");
        r.git_ok(&copy, &["remote", "set-url", "origin", &later]);
        r.git_ok(&copy, &["fetch", "-q", "origin"]);
        assert_eq!(r.rev_parse(&copy, "origin/main"), head);
        r.fsck(&copy);

        // A push needs a node, or the embedded store.
        if store == Some("gateway") {
            let err = r.git_fails(&copy, &["push", "origin", "HEAD:refs/heads/other"]).one_clean_error();
            assert!(err.contains("read-only") && err.contains("ipfs daemon") && err.contains(&counted.url), "{err}");
        }
        std::fs::remove_dir_all(&copy).unwrap();
    }
}

#[test]
fn hostile_gateways_are_refused_and_the_next_one_used() {
    let Some((node, env, _, url)) = pushed("hostile_gateways_are_refused_and_the_next_one_used") else { return };
    let gw = node.gateway();
    let cid = url.trim_start_matches("nip::/ipfs/").to_string();
    for mode in [Mode::Fail, Mode::FlipRaw, Mode::FlipCar, Mode::DropBlock, Mode::AddBlock, Mode::Stall] {
        let bad = Hostile::start(&gw, mode);
        // Alone, it fails the clone in one line naming it and what it did.
        let r = reader(Some("gateway"), &[&bad.url]);
        let run = r.git_fails(&r.work, &["clone", "-q", &url, "copy"]);
        let err = run.one_clean_error();
        let did = match mode {
            Mode::Fail => "HTTP 500",
            Mode::FlipRaw => "do not match",
            Mode::FlipCar => "does not match its CID",
            Mode::DropBlock => "ended without block",
            Mode::AddBlock => "not asked for",
            Mode::Stall => "sent nothing for 2s",
            Mode::Honest => unreachable!(),
        };
        assert!(err.contains(&bad.url) && err.contains(did) && err.contains("no gateway gave"), "{mode:?}: {err}");
        if matches!(mode, Mode::Fail | Mode::FlipRaw) {
            assert!(err.contains(&cid), "{mode:?}: {err}");
        }
        assert!(!r.dir("copy").exists(), "{mode:?}: a failed clone left its directory");

        // First in the list, with an honest one after it: the clone works.
        let honest = Hostile::start(&gw, Mode::Honest);
        let r = reader(Some("gateway"), &[&bad.url, &honest.url]);
        let run = r.git_ok(&r.work, &["clone", "-q", &url, "copy"]);
        assert!(run.stderr.contains(&format!("gateway {} failed", bad.url)), "{mode:?}:\n{run}");
        let copy = r.dir("copy");
        same_refs(&env, &url, &r, &copy);
        r.fsck(&copy);
        assert!(bad.requests() > 0 && honest.requests() > 0, "{mode:?}");
    }
}

#[test]
fn a_tls_gateway_with_a_trusted_ca() {
    let Some((node, env, _, url)) = pushed("a_tls_gateway_with_a_trusted_ca") else { return };
    let dir = tempfile::tempdir().unwrap();
    let tls = Tls::start(&node.gateway(), dir.path());
    // Not trusted: refused, naming the gateway.
    let r = reader(Some("gateway"), &[&tls.url]);
    let err = r.git_fails(&r.work, &["ls-remote", &url]).one_clean_error();
    assert!(err.contains(&tls.url) && err.to_lowercase().contains("certificate"), "{err}");
    // Trusted through NIP_CA_FILE.
    let mut r = reader(Some("gateway"), &[&tls.url]);
    r.vars.push(("NIP_CA_FILE".into(), tls.ca.display().to_string()));
    r.git_ok(&r.work, &["clone", "-q", &url, "copy"]);
    same_refs(&env, &url, &r, &r.dir("copy"));
    r.fsck(&r.dir("copy"));
}

/// With no node and gateways set (`nip.store=auto`), a push goes to the
/// embedded store, and a clone of it reads the embedded store's blocks
/// without asking any gateway.
#[test]
fn blocks_of_the_embedded_store_are_not_fetched() {
    let Some(bin) = binary_or_skip("blocks_of_the_embedded_store_are_not_fetched") else { return };
    let node = Kubo::start_with(&bin, &[("Gateway.NoFetch", "true")]);
    let counted = Hostile::start(&node.gateway(), Mode::Honest);
    let r = reader(None, &[&counted.url]);
    let repo = r.synth_pushed("src", Synth { commits: 20, files: 10, large: 1, seed: 4 });
    let url = r.remote_url(&repo, "nip");
    r.git_ok(&r.work, &["clone", "-q", &url, "copy"]);
    same_refs(&r, &url, &r, &r.dir("copy"));
    r.fsck(&r.dir("copy"));
    assert_eq!(counted.requests(), 0, "a gateway was asked for blocks this machine holds");
}

/// A gateway that stalls is waited for up to NIP_GATEWAY_TIMEOUT, saying so
/// after 3 s, then given up in one line.
#[test]
fn a_stalled_gateway_is_said_while_waiting() {
    let Some((node, _env, _, url)) = pushed("a_stalled_gateway_is_said_while_waiting") else { return };
    let bad = Hostile::start(&node.gateway(), Mode::Stall);
    let mut r = reader(Some("gateway"), &[&bad.url]);
    r.vars.retain(|(k, _)| k != "NIP_GATEWAY_TIMEOUT");
    r.vars.push(("NIP_GATEWAY_TIMEOUT".into(), "6".into()));
    let run = r.git_fails(&r.work, &["clone", "-q", &url, "copy"]);
    let err = run.one_clean_error();
    assert!(err.contains("sent nothing for 6s"), "{err}");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("nip: waiting for gateway") && l.contains(&bad.url) && l.contains("NIP_GATEWAY_TIMEOUT")),
        "{run}"
    );
}

/// `nip.gateway` may be given several times, is tried in that order, and
/// wins over `NIP_GATEWAYS`.
#[test]
fn git_config_names_the_gateways_in_order() {
    let Some((node, env, _, url)) = pushed("git_config_names_the_gateways_in_order") else { return };
    let bad = Hostile::start(&node.gateway(), Mode::Fail);
    let honest = Hostile::start(&node.gateway(), Mode::Honest);
    let unused = Hostile::start(&node.gateway(), Mode::Honest);
    let r = reader(Some("gateway"), &[&unused.url]);
    let first = format!("nip.gateway={}", bad.url);
    let second = format!("nip.gateway={}", honest.url);
    let run = r.git_ok(&r.work, &["-c", &first, "-c", &second, "ls-remote", &url]);
    assert!(run.stderr.contains(&format!("gateway {} failed", bad.url)), "{run}");
    assert_eq!(
        run.stdout.lines().filter(|l| l.contains("refs/heads/")).count(),
        env.ls_remote(&url).keys().filter(|k| k.starts_with("refs/heads/")).count()
    );
    assert!(bad.requests() > 0 && honest.requests() > 0 && unused.requests() == 0);
    // Set and empty, NIP_GATEWAYS means none: nip.store=gateway says so.
    let none = reader(Some("gateway"), &[]);
    let err = none.git_fails(&none.work, &["ls-remote", &url]).one_clean_error();
    assert!(err.contains("no gateway is set") && err.contains("NIP_GATEWAYS"), "{err}");
}
