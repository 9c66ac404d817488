//! Remote pinning (issue 15): a push pins its index on a pinning service,
//! the service's own Kubo node fetches the repository from the pusher's
//! over bitswap, and the repository outlives the pusher's node: a third
//! node that only knows the service's clones it. And what goes wrong: a
//! key the service refuses, a service that never finishes, one that
//! reports `failed`: one clear line each, the pin on the pusher's node
//! kept.
//!
//! The service is `tests/common/pinsvc.rs`, a loopback Pinning Services API
//! backed by a second real Kubo node. Without Kubo these tests fail in CI
//! and say SKIPPED elsewhere (`tests/common/kubo.rs`).

mod common;

use common::kubo::{binary_or_skip, Kubo};
use common::pinsvc::{Mode, PinService};
use common::{url_cid, Env, Run, Synth};

/// The service's access token: it must never show in any output.
const TOKEN: &str = "zzPINTOKEN-3f9a1c77e0-secret";

/// The pusher's node and its environment, the service's node and the
/// service, the pusher's node configured with the service as `svc`
/// (`ipfs pin remote service add svc <endpoint> <key>`) using `key`.
struct World {
    pusher: Kubo,
    service_node: Kubo,
    svc: PinService,
    env: Env,
}

fn world(test: &str, mode: Mode, key: &str, vars: &[(&str, &str)]) -> Option<World> {
    let bin = binary_or_skip(test)?;
    let pusher = Kubo::start(&bin);
    let service_node = Kubo::start(&bin);
    let svc = PinService::start(&service_node, TOKEN, mode);
    pusher.ipfs_ok(&["pin", "remote", "service", "add", "svc", &svc.endpoint, key]);
    let ipfs_path = pusher.path().display().to_string();
    let mut all = vec![("IPFS_PATH", ipfs_path.as_str()), ("NIP_LOG", "trace")];
    all.extend_from_slice(vars);
    let env = Env::kubo_node(&pusher).with_vars(&all);
    Some(World { pusher, service_node, svc, env })
}

/// Asserts that no output of `run` holds the token (nor the wrong key).
fn no_key(run: &Run, keys: &[&str]) {
    if std::env::var_os("NIP_E2E_SHOW").is_some() {
        eprintln!("{run}");
    }
    for k in keys {
        assert!(!run.stdout.contains(k) && !run.stderr.contains(k), "the key {k:?} shows in the output of {}", run.what);
    }
}

/// The `nip: warning:` lines of a run.
fn warnings(run: &Run) -> Vec<&str> {
    run.stderr.lines().filter(|l| l.starts_with("nip: warning:")).collect()
}

#[test]
fn a_pushed_repository_outlives_the_pushers_node() {
    let Some(mut w) = world("a_pushed_repository_outlives_the_pushers_node", Mode::Normal, TOKEN, &[]) else { return };
    let env = &w.env;
    let repo = env.synth("src", Synth { commits: 30, ..Synth::default() });
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.git_ok(&repo, &["config", "remote.nip.nipPinService", "svc"]);
    let run = env.git_ok(&repo, &["push", "--all", "nip"]);
    no_key(&run, &[TOKEN]);
    let url = env.remote_url(&repo, "nip");
    let cid = url_cid(&url).to_string();
    assert!(run.stderr.contains(&format!("asked pinning service 'svc' ({}) to pin nip::/ipfs/{cid}", w.svc.endpoint)), "{run}");
    assert!(run.stderr.contains("is queued") || run.stderr.contains("is pinning"), "no progress while waiting:\n{run}");
    assert!(run.stderr.contains(&format!("pinning service 'svc' pinned nip::/ipfs/{cid}")), "{run}");
    assert!(run.stderr.contains("it is safe to turn it off"), "{run}");
    assert!(warnings(&run).is_empty(), "{run}");
    // The request carried the pusher's addresses, and the service's node
    // pins the index.
    let (peer, _) = common::kubo_client(&w.pusher.api).id().unwrap();
    let reqs = w.svc.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!((reqs[0].0.as_str(), reqs[0].1.as_str()), (cid.as_str(), "pinned"));
    assert!(!reqs[0].2.is_empty() && reqs[0].2.iter().all(|o| o.ends_with(&format!("/p2p/{peer}"))), "{reqs:?}");
    assert!(w.service_node.pins().contains(&cid));
    assert!(w.svc.calls().iter().all(|(_, authorized)| *authorized));

    // A second push: the new index pinned there, the replaced one's
    // request removed once the new one is pinned.
    let head = env.append_commit(&repo, "docs/notes.txt", "pinned remotely");
    let run = env.git_ok(&repo, &["push", "nip", "main"]);
    no_key(&run, &[TOKEN]);
    let url2 = env.remote_url(&repo, "nip");
    let cid2 = url_cid(&url2).to_string();
    assert!(run.stderr.contains(&format!("no longer pins the replaced nip::/ipfs/{cid}")), "{run}");
    let reqs = w.svc.requests();
    assert_eq!(reqs.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect::<Vec<_>>(), vec![(cid2.as_str(), "pinned")]);
    let pins = w.service_node.pins();
    assert!(pins.contains(&cid2) && !pins.contains(&cid), "{pins:?}");

    let list = env.nipctl_run(&["pin", "--service", "svc", "--list"]);
    assert!(list.success(), "{list}");
    no_key(&list, &[TOKEN]);
    assert!(list.stdout.lines().any(|l| l.contains(&cid2) && l.contains("pinned") && l.contains(&url2)), "{list}");

    // The pusher's node goes; a third node that only knows the service's
    // clones the repository, all of it.
    w.pusher.kill();
    let bin = binary_or_skip("a_pushed_repository_outlives_the_pushers_node (third node)").unwrap();
    let third = Kubo::start(&bin);
    third.connect(&w.service_node);
    let env_c = Env::kubo_node(&third);
    let clone = env_c.dir("clone");
    env_c.git_ok(&env_c.work, &["clone", "-q", &url2, clone.to_str().unwrap()]);
    env_c.fsck(&clone);
    assert_eq!(env_c.rev_parse(&clone, "origin/main"), head);
    let mut pushed = env.refs(&repo);
    pushed.retain(|name, _| name.starts_with("refs/heads/") || name.starts_with("refs/tags/"));
    assert_eq!(env_c.ls_remote(&url2), pushed);

    // From the third node, with the service named in git config and the
    // key in the environment: nipctl removes the pin.
    let endpoint = w.svc.endpoint.clone();
    let env_c = env_c.with_vars(&[
        ("GIT_CONFIG_COUNT", "1"),
        ("GIT_CONFIG_KEY_0", "nip.pinService.svc.endpoint"),
        ("GIT_CONFIG_VALUE_0", &endpoint),
        ("NIP_PIN_SERVICE_KEY", TOKEN),
        ("NIP_LOG", "trace"),
    ]);
    let rm = env_c.nipctl_run(&["pin", "--service", "svc", "--rm", &url2]);
    assert!(rm.success(), "{rm}");
    no_key(&rm, &[TOKEN]);
    assert!(rm.stdout.contains("removed 1 pin request"), "{rm}");
    assert!(w.svc.requests().is_empty());
}

/// `nipctl pin --service` pins what someone else pushed, and waits.
#[test]
fn nipctl_pins_on_the_service() {
    let Some(w) = world("nipctl_pins_on_the_service", Mode::Normal, TOKEN, &[]) else { return };
    let repo = w.env.synth_pushed("src", Synth { commits: 10, ..Synth::default() });
    let url = w.env.remote_url(&repo, "nip");
    let run = w.env.nipctl_run(&["pin", "--service", "svc", &url]);
    assert!(run.success(), "{run}");
    no_key(&run, &[TOKEN]);
    assert!(run.stdout.contains("it is safe to turn it off"), "{run}");
    assert!(w.service_node.pins().contains(&url_cid(&url).to_string()));
    // Asked again: the request there is followed, not doubled.
    let again = w.env.nipctl_run(&["pin", "--service", "svc", &url]);
    assert!(again.success() && again.stderr.contains("already has request"), "{again}");
    assert_eq!(w.svc.requests().len(), 1);
}

#[test]
fn a_refused_key_is_one_line_and_the_local_pin_stays() {
    let wrong = "zzWRONGKEY-0000-secret";
    let Some(w) = world("a_refused_key", Mode::Normal, wrong, &[]) else { return };
    let repo = w.env.synth("src", Synth { commits: 5, ..Synth::default() });
    w.env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    w.env.git_ok(&repo, &["config", "nip.pinService", "svc"]);
    let run = w.env.git_ok(&repo, &["push", "--all", "nip"]);
    no_key(&run, &[TOKEN, wrong]);
    let cid = url_cid(&w.env.remote_url(&repo, "nip")).to_string();
    let warned = warnings(&run);
    assert_eq!(warned.len(), 1, "{run}");
    assert!(warned[0].contains("pinning service 'svc'") && warned[0].contains("refused the key (HTTP 401"), "{run}");
    assert!(!run.stderr.contains("safe to turn"), "{run}");
    assert!(w.pusher.pins().contains(&cid));
    assert!(w.svc.requests().is_empty());

    let run = w.env.nipctl_run(&["pin", "--service", "svc", &format!("nip::/ipfs/{cid}")]);
    no_key(&run, &[TOKEN, wrong]);
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("nipctl: error:")).collect();
    assert!(!run.success() && errors.len() == 1 && errors[0].contains("refused the key"), "{run}");
}

#[test]
fn a_service_that_never_finishes_is_waited_for_a_bounded_time() {
    let Some(w) = world("a_service_that_never_finishes", Mode::Stuck, TOKEN, &[("NIP_PIN_TIMEOUT", "3")]) else { return };
    let repo = w.env.synth("src", Synth { commits: 5, ..Synth::default() });
    w.env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    w.env.git_ok(&repo, &["config", "nip.pinService", "svc"]);
    let run = w.env.git_ok(&repo, &["push", "--all", "nip"]);
    no_key(&run, &[TOKEN]);
    let cid = url_cid(&w.env.remote_url(&repo, "nip")).to_string();
    let warned = warnings(&run);
    assert_eq!(warned.len(), 1, "{run}");
    assert!(warned[0].contains("has not pinned") && warned[0].contains("within 3s"), "{run}");
    assert!(warned[0].contains("is still queued") && warned[0].contains("request req-"), "{run}");
    assert!(warned[0].contains("this machine is still needed"), "{run}");
    assert!(run.stderr.contains("is queued (0s so far, up to 3s)"), "{run}");
    assert!(w.pusher.pins().contains(&cid));
}

#[test]
fn a_failed_pin_is_one_line_and_the_local_pin_stays() {
    let Some(w) = world("a_failed_pin", Mode::Fail, TOKEN, &[]) else { return };
    let repo = w.env.synth("src", Synth { commits: 5, ..Synth::default() });
    w.env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    // git -c reaches the helper in GIT_CONFIG_PARAMETERS.
    let run = w.env.git_ok(&repo, &["-c", "remote.nip.nipPinService=svc", "push", "--all", "nip"]);
    no_key(&run, &[TOKEN]);
    let cid = url_cid(&w.env.remote_url(&repo, "nip")).to_string();
    let warned = warnings(&run);
    assert_eq!(warned.len(), 1, "{run}");
    assert!(warned[0].contains(&format!("could not pin nip::/ipfs/{cid}")), "{run}");
    assert!(warned[0].contains("failed: status_details: the test service fails every pin"), "{run}");
    assert!(warned[0].contains("the pin on this node is kept"), "{run}");
    assert!(w.pusher.pins().contains(&cid));
}

/// A push whose pin never reaches `pinned` leaves its request on the
/// service and keeps the older pin there (safe); the next push whose pin
/// does reach `pinned` removes both, nip's superseded requests of this
/// history, and `nipctl pin --service --list` shows each request's status
/// on the way.
#[test]
fn the_next_pinned_push_removes_superseded_requests() {
    let Some(w) = world("the_next_pinned_push_removes_superseded_requests", Mode::Normal, TOKEN, &[]) else { return };
    let repo = w.env.synth("src", Synth { commits: 5, ..Synth::default() });
    w.env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    w.env.git_ok(&repo, &["config", "nip.pinService", "svc"]);
    let run = w.env.git_ok(&repo, &["push", "--all", "nip"]);
    assert!(run.stderr.contains("it is safe to turn it off"), "{run}");
    let first = url_cid(&w.env.remote_url(&repo, "nip")).to_string();

    // The service stops finishing: the second push's pin stays queued.
    w.svc.set_mode(Mode::Stuck);
    w.env.append_commit(&repo, "b.txt", "second");
    let run = w.env.git_ok(&repo, &["-c", "nip.pinTimeout=2", "push", "nip", "main"]);
    assert!(warnings(&run).iter().any(|l| l.contains("has not pinned")), "{run}");
    let second = url_cid(&w.env.remote_url(&repo, "nip")).to_string();
    let list = w.env.nipctl_run(&["pin", "--service", "svc", "--list"]);
    assert!(list.success(), "{list}");
    let status =
        |cid: &str| list.stdout.lines().find(|l| l.contains(cid)).map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string());
    assert_eq!(status(&first).as_deref(), Some("pinned"), "the older pin is kept:\n{list}");
    assert_eq!(status(&second).as_deref(), Some("queued"), "the new request is listed with its status:\n{list}");

    // It works again: the third push is pinned and supersedes both.
    w.svc.set_mode(Mode::Normal);
    w.env.append_commit(&repo, "c.txt", "third");
    let run = w.env.git_ok(&repo, &["push", "nip", "main"]);
    no_key(&run, &[TOKEN]);
    let third = url_cid(&w.env.remote_url(&repo, "nip")).to_string();
    assert!(run.stderr.contains("it is safe to turn it off"), "{run}");
    assert!(run.stderr.contains(&format!("no longer pins the replaced nip::/ipfs/{second}")), "{run}");
    assert!(
        run.stderr.contains(&format!(
            "dropped 1 earlier request of this repository (queued, failed or pinned), which nip::/ipfs/{third} supersedes"
        )),
        "{run}"
    );
    assert!(warnings(&run).is_empty(), "{run}");
    let list = w.env.nipctl_run(&["pin", "--service", "svc", "--list"]);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert!(lines.len() == 1 && lines[0].contains(&third) && lines[0].contains("pinned"), "only the newest pin is left:\n{list}");
    let held: Vec<String> = w.svc.requests().into_iter().map(|(c, _, _)| c).collect();
    assert_eq!(held, vec![third.clone()], "the service holds the newest request only");
    // The service's node still has the whole history (the newest index links it).
    w.service_node.ipfs_ok(&["block", "stat", "--offline", &first]);
}

/// A push to a name pins each index under the name's address, and the
/// next push moves that pin.
#[test]
fn a_push_to_a_name_pins_under_the_name() {
    let Some(w) = world("a_push_to_a_name_pins_under_the_name", Mode::Normal, TOKEN, &[]) else { return };
    let repo = w.env.synth("named", Synth { commits: 5, ..Synth::default() });
    w.env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipns"]);
    w.env.git_ok(&repo, &["config", "nip.pinService", "svc"]);
    let run = w.env.git_ok(&repo, &["push", "--all", "nip"]);
    no_key(&run, &[TOKEN]);
    assert!(run.stderr.contains("it is safe to turn it off"), "{run}");
    let name = w.env.remote_url(&repo, "nip");
    assert!(name.starts_with("nip::/ipns/k51"), "{name}");
    w.env.append_commit(&repo, "notes.txt", "second");
    let run = w.env.git_ok(&repo, &["push", "nip", "main"]);
    assert!(run.stderr.contains("no longer pins the replaced"), "{run}");
    let list = w.env.nipctl_run(&["pin", "--service", "svc", "--list"]);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert!(lines.len() == 1 && lines[0].contains("pinned") && lines[0].ends_with(&name), "{list}");
}

/// The embedded store cannot be pinned remotely: one warning, the push done.
#[test]
fn the_embedded_store_says_it_cannot_pin_remotely() {
    let env = Env::local();
    let repo = env.synth("src", Synth { commits: 3, ..Synth::default() });
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.git_ok(&repo, &["config", "nip.pinService", "svc"]);
    let run = env.git_ok(&repo, &["push", "--all", "nip"]);
    let warned = warnings(&run);
    assert!(warned.len() == 1 && warned[0].contains("embedded store"), "{run}");
    assert!(env.remote_url(&repo, "nip").starts_with("nip::/ipfs/"));
}

/// The loopback service answers as the spec's OpenAPI document says, seen
/// through nip's own client and raw HTTP: 202 for POST and DELETE, 200 for
/// GET, 404 for an unknown request id, 401 without the right token, 400 for
/// a limit out of range, the list filters.
#[test]
fn the_test_service_answers_as_the_spec_says() {
    use nip::pinning::{PinClient, PinServiceError, Service, Status};
    let Some(bin) = binary_or_skip("the_test_service_answers_as_the_spec_says") else { return };
    let node = Kubo::start(&bin);
    let svc = PinService::start(&node, TOKEN, Mode::Stuck);
    let client = PinClient::new(Service::new("svc", &svc.endpoint, TOKEN).unwrap()).unwrap();
    let a = nip::block::cid_of(nip::block::DAG_CBOR, b"a");
    let b = nip::block::cid_of(nip::block::DAG_CBOR, b"b");
    let ra = client.add(&a, "nip::/ipfs/a", &["/ip4/127.0.0.1/tcp/1/p2p/x".to_string()]).unwrap();
    let rb = client.add(&b, "nip::/ipfs/b", &[]).unwrap();
    assert_eq!(ra.status, Status::Queued);
    assert!(!ra.delegates.is_empty() && ra.created.ends_with('Z'), "{ra:?}");
    assert_eq!(client.get(&ra.requestid).unwrap().cid, a.to_string());
    let (count, all) = client.list(None, 10).unwrap();
    // Newest first.
    assert_eq!(
        (count, all.iter().map(|p| p.requestid.clone()).collect::<Vec<_>>()),
        (2, vec![rb.requestid.clone(), ra.requestid.clone()])
    );
    let (count, only_a) = client.list(Some(&a), 10).unwrap();
    assert!(count == 1 && only_a[0].requestid == ra.requestid);
    let (count, limited) = client.list(None, 1).unwrap();
    assert!(count == 2 && limited.len() == 1);
    client.remove(&ra.requestid).unwrap();
    assert!(matches!(client.get(&ra.requestid), Err(PinServiceError::NoRequest { .. })));
    let gone = client.remove(&ra.requestid).unwrap_err().to_string();
    assert!(gone.contains("HTTP 404") && gone.contains("NOT_FOUND"), "{gone}");
    let wrong = PinClient::new(Service::new("svc", &svc.endpoint, "zzWRONG").unwrap()).unwrap();
    let refused = wrong.list(None, 10).unwrap_err();
    assert!(matches!(refused, PinServiceError::Refused { status: 401, .. }), "{refused}");

    // Raw HTTP: what nip's client never sends.
    let raw = |request: String| -> String {
        use std::io::{Read, Write};
        let addr = svc.endpoint.trim_start_matches("http://");
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        conn.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        answer
    };
    let no_token = raw("GET /pins HTTP/1.1\r\nHost: x\r\n\r\n".into());
    assert!(no_token.starts_with("HTTP/1.1 401 ") && no_token.contains("\"UNAUTHORIZED\""), "{no_token}");
    let auth = format!("Authorization: Bearer {TOKEN}\r\n");
    let zero = raw(format!("GET /pins?limit=0 HTTP/1.1\r\nHost: x\r\n{auth}\r\n"));
    assert!(zero.starts_with("HTTP/1.1 400 ") && zero.contains("\"BAD_REQUEST\""), "{zero}");
    let pinned_only = raw(format!("GET /pins HTTP/1.1\r\nHost: x\r\n{auth}\r\n"));
    assert!(
        pinned_only.starts_with("HTTP/1.1 200 ") && pinned_only.contains("\"count\":0"),
        "by default only pinned ones: {pinned_only}"
    );
    let by_name =
        raw(format!("GET /pins?status=queued&name=NIP%3A%3A%2Fipfs%2Fb&match=iexact HTTP/1.1\r\nHost: x\r\n{auth}\r\n"));
    assert!(by_name.contains("\"count\":1") && by_name.contains(&rb.requestid), "{by_name}");
    let no_cid = raw(format!("POST /pins HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 2\r\n\r\n{{}}"));
    assert!(no_cid.starts_with("HTTP/1.1 400 "), "{no_cid}");
    let body = format!("{{\"cid\":\"{a}\"}}");
    let replaced =
        raw(format!("POST /pins/{} HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: {}\r\n\r\n{body}", rb.requestid, body.len()));
    assert!(replaced.starts_with("HTTP/1.1 202 ") && replaced.contains(&a.to_string()), "{replaced}");
    assert!(matches!(client.get(&rb.requestid), Err(PinServiceError::NoRequest { .. })));
}

/// Where a service comes from, and what is said when it cannot be used:
/// a Kubo config that is another node's, a name no config has, a service
/// nothing answers at, and a key from a key file.
#[test]
fn where_the_service_comes_from() {
    let Some(w) = world("where_the_service_comes_from", Mode::Normal, TOKEN, &[]) else { return };
    let repo = w.env.synth_pushed("src", Synth { commits: 3, ..Synth::default() });
    let url = w.env.remote_url(&repo, "nip");
    let error = |run: &Run| -> String {
        no_key(run, &[TOKEN]);
        let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("nipctl: error:")).collect();
        assert!(!run.success() && errors.len() == 1, "expected one error line:\n{run}");
        errors[0].to_string()
    };
    let other = w.service_node.path().display().to_string();
    let err = error(&w.env.with_vars(&[("IPFS_PATH", &other)]).nipctl_run(&["pin", "--service", "svc", &url]));
    assert!(err.contains("is another node's") && err.contains("IPFS_PATH"), "{err}");
    let err = error(&w.env.nipctl_run(&["pin", "--service", "nosuch", &url]));
    assert!(err.contains("no pinning service 'nosuch'") && err.contains("it has svc"), "{err}");
    assert!(err.contains("ipfs pin remote service add nosuch <endpoint> <key>"), "{err}");

    let key_file = w.env.work.join("svc.key");
    std::fs::write(&key_file, format!("{TOKEN}\n")).unwrap();
    let key_file = key_file.display().to_string();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let configured = |endpoint: &str| {
        w.env.with_vars(&[
            ("GIT_CONFIG_COUNT", "2"),
            ("GIT_CONFIG_KEY_0", "nip.pinService.other.endpoint"),
            ("GIT_CONFIG_VALUE_0", endpoint),
            ("GIT_CONFIG_KEY_1", "nip.pinService.other.keyFile"),
            ("GIT_CONFIG_VALUE_1", &key_file),
        ])
    };
    let err = error(&configured(&format!("http://127.0.0.1:{closed}")).nipctl_run(&["pin", "--service", "other", &url]));
    assert!(err.contains(&format!("the pinning service 'other' at http://127.0.0.1:{closed} cannot be reached")), "{err}");
    let run = configured(&w.svc.endpoint).nipctl_run(&["pin", "--service", "other", &url]);
    no_key(&run, &[TOKEN]);
    assert!(run.success() && run.stdout.contains("safe to turn it off"), "{run}");
}
