//! Settings, end to end: every place git takes configuration from (`git
//! -c`, `GIT_CONFIG_COUNT`, the repository, the global file, the system
//! file, and `GIT_CONFIG_GLOBAL`/`GIT_CONFIG_SYSTEM`/`GIT_CONFIG_NOSYSTEM`)
//! reaches the helper, in git's order and above the `NIP_*` variables; and
//! an address where something answers that is no usable node (401, 403, a
//! web server, a service that hangs up) is an error naming the address and
//! the setting, never a quiet fall back to the embedded store.
//!
//! Most scenarios need no node: they point `nip.store=kubo` and `nip.api`
//! at a port where nothing listens, and the error then proves which value
//! the helper read.

use super::fakenode::{BlockGet, FakeNode};
use super::{Env, Run, Synth};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A loopback port where nothing listens (bound, then closed).
pub fn dead_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn dead_api() -> (u16, String) {
    let port = dead_port();
    (port, format!("/ip4/127.0.0.1/tcp/{port}"))
}

/// An embedded-store environment without `NIP_STORE`: the default, auto.
pub fn auto_env() -> Env {
    let mut env = Env::local();
    env.vars.retain(|(k, _)| k != "NIP_STORE");
    env
}

/// `git args` in `dir` with `vars` added to the environment's.
pub fn git_with(env: &Env, dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut cmd = env.command("git");
    cmd.args(args).current_dir(dir);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run git: {e}"));
    Run {
        what: format!("(in {}) {vars:?} git {}", dir.display(), args.join(" ")),
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(run: Run) -> Run {
    assert!(run.success(), "git failed:\n{run}");
    run.assert_no_panic();
    run
}

/// The one error of a run that must have tried the node at `port`, read
/// from `from`.
fn tried(run: &Run, port: u16, from: &str) -> String {
    let err = run.one_clean_error();
    assert!(err.contains(&format!("127.0.0.1:{port}")), "the error does not name port {port}:\n{run}");
    assert!(err.contains(from), "the error does not say the address came from {from:?}:\n{run}");
    assert!(!run.stderr.contains("embedded store"), "{run}");
    err
}

/// Nothing is in the embedded store of `env`.
fn nothing_stored(env: &Env) {
    let blocks = env.block_files().expect("an embedded-store environment");
    assert!(blocks.is_empty(), "{} blocks were written to the embedded store", blocks.len());
}

/// C1: `git -c nip.store=kubo -c nip.api=…` reach the helper (through
/// `GIT_CONFIG_PARAMETERS`) and win over `NIP_STORE=local`.
pub fn scenario_command_line() {
    let env = Env::local();
    let (port, api) = dead_api();
    let run = env.git(&env.work, &["-c", "nip.store=kubo", "-c", &format!("nip.api={api}"), "ls-remote", "nip::new-ipfs"]);
    tried(&run, port, "git -c nip.api");
    // The last -c wins, as in git.
    let (port2, api2) = dead_api();
    let run = env.git(
        &env.work,
        &[
            "-c",
            "nip.store=kubo",
            "-c",
            &format!("nip.api={api}"),
            "-c",
            &format!("nip.api={api2}"),
            "ls-remote",
            "nip::new-ipfs",
        ],
    );
    tried(&run, port2, "git -c nip.api");
    // A key given without a value is an error naming it.
    let err = env.git(&env.work, &["-c", "nip.store", "ls-remote", "nip::new-ipfs"]).one_clean_error();
    assert!(err.contains("git -c nip.store has no value"), "{err}");
    nothing_stored(&env);
}

/// C2: `GIT_CONFIG_COUNT` pairs reach the helper, below `git -c`.
pub fn scenario_config_count() {
    let env = Env::local();
    let (port, api) = dead_api();
    let count = [
        ("GIT_CONFIG_COUNT", "2"),
        ("GIT_CONFIG_KEY_0", "nip.store"),
        ("GIT_CONFIG_VALUE_0", "kubo"),
        ("GIT_CONFIG_KEY_1", "nip.api"),
        ("GIT_CONFIG_VALUE_1", api.as_str()),
    ];
    let run = git_with(&env, &env.work, &["ls-remote", "nip::new-ipfs"], &count);
    tried(&run, port, "GIT_CONFIG_KEY_1");
    // git -c comes after GIT_CONFIG_COUNT: it wins.
    ok(git_with(&env, &env.work, &["-c", "nip.store=local", "ls-remote", "nip::new-ipfs"], &count));
    let (port2, api2) = dead_api();
    let run = git_with(&env, &env.work, &["-c", &format!("nip.api={api2}"), "ls-remote", "nip::new-ipfs"], &count);
    tried(&run, port2, "git -c nip.api");
    nothing_stored(&env);
}

/// C3: the repository's config, below `git -c` and `GIT_CONFIG_COUNT`,
/// above `NIP_STORE`.
pub fn scenario_repository_config() {
    let env = Env::local();
    let (port, api) = dead_api();
    let repo = env.init("r");
    env.git_ok(&repo, &["config", "nip.store", "kubo"]);
    env.git_ok(&repo, &["config", "nip.api", &api]);
    // NIP_STORE=local is in the environment: git config wins over it.
    tried(&env.git(&repo, &["ls-remote", "nip::new-ipfs"]), port, "the repository's git config nip.api");
    ok(env.git(&repo, &["-c", "nip.store=local", "ls-remote", "nip::new-ipfs"]));
    let count = [("GIT_CONFIG_COUNT", "1"), ("GIT_CONFIG_KEY_0", "nip.store"), ("GIT_CONFIG_VALUE_0", "local")];
    ok(git_with(&env, &repo, &["ls-remote", "nip::new-ipfs"], &count));
    // The repository's value is not read outside it.
    ok(env.git(&env.work, &["ls-remote", "nip::new-ipfs"]));
    nothing_stored(&env);
}

/// C4: the global config (`~/.gitconfig` in the test HOME, or the file
/// `GIT_CONFIG_GLOBAL` names), below the repository's and `git -c`.
pub fn scenario_global_config() {
    let env = Env::local();
    let (port, api) = dead_api();
    env.git_ok(&env.work, &["config", "--global", "nip.store", "kubo"]);
    env.git_ok(&env.work, &["config", "--global", "nip.api", &api]);
    tried(&env.git(&env.work, &["ls-remote", "nip::new-ipfs"]), port, "the global git config nip.api");
    ok(env.git(&env.work, &["-c", "nip.store=local", "ls-remote", "nip::new-ipfs"]));
    let repo = env.init("r");
    tried(&env.git(&repo, &["ls-remote", "nip::new-ipfs"]), port, "the global git config nip.api");
    env.git_ok(&repo, &["config", "nip.store", "local"]);
    ok(env.git(&repo, &["ls-remote", "nip::new-ipfs"]));

    // GIT_CONFIG_GLOBAL: that file instead of ~/.gitconfig, in a
    // repository or not.
    let (port2, api2) = dead_api();
    let other = env.work.join("other.gitconfig");
    std::fs::write(&other, format!("[nip]\n\tstore = kubo\n\tapi = {api2}\n")).unwrap();
    let global = [("GIT_CONFIG_GLOBAL", other.to_str().unwrap())];
    tried(&git_with(&env, &env.work, &["ls-remote", "nip::new-ipfs"], &global), port2, "the global git config nip.api");
    let repo2 = env.init("r2");
    tried(&git_with(&env, &repo2, &["ls-remote", "nip::new-ipfs"], &global), port2, "the global git config nip.api");
    // An XDG file is not read when GIT_CONFIG_GLOBAL is set.
    env.git_ok(&env.work, &["config", "--global", "--unset", "nip.store"]);
    env.git_ok(&env.work, &["config", "--global", "--unset", "nip.api"]);
    std::fs::create_dir_all(env.home.join(".config/git")).unwrap();
    std::fs::write(env.home.join(".config/git/config"), format!("[nip]\n\tstore = kubo\n\tapi = {api}\n")).unwrap();
    tried(&env.git(&env.work, &["ls-remote", "nip::new-ipfs"]), port, "the global git config nip.api");
    std::fs::write(&other, "").unwrap();
    ok(git_with(&env, &env.work, &["ls-remote", "nip::new-ipfs"], &global));
    ok(git_with(&env, &repo2, &["ls-remote", "nip::new-ipfs"], &global));
    nothing_stored(&env);
}

/// C5: the system file (`GIT_CONFIG_SYSTEM`), read unless
/// `GIT_CONFIG_NOSYSTEM`, below the global file.
pub fn scenario_system_config() {
    let env = Env::local();
    let (port, api) = dead_api();
    let system = env.work.join("system.gitconfig");
    std::fs::write(&system, format!("[nip]\n\tstore = kubo\n\tapi = {api}\n")).unwrap();
    let read = [("GIT_CONFIG_SYSTEM", system.to_str().unwrap()), ("GIT_CONFIG_NOSYSTEM", "0")];
    let skipped = [("GIT_CONFIG_SYSTEM", system.to_str().unwrap()), ("GIT_CONFIG_NOSYSTEM", "1")];
    let repo = env.init("r");
    for dir in [&env.work, &repo] {
        tried(&git_with(&env, dir, &["ls-remote", "nip::new-ipfs"], &read), port, "the system git config nip.api");
        ok(git_with(&env, dir, &["ls-remote", "nip::new-ipfs"], &skipped));
    }
    env.git_ok(&env.work, &["config", "--global", "nip.store", "local"]);
    ok(git_with(&env, &env.work, &["ls-remote", "nip::new-ipfs"], &read));
    nothing_stored(&env);
}

/// C6: git config, wherever it comes from, wins over the `NIP_*`
/// variables; the variables count when git config says nothing.
pub fn scenario_git_config_beats_environment() {
    let mut env = auto_env();
    let (port, api) = dead_api();
    env.vars.push(("NIP_STORE".into(), "kubo".into()));
    env.vars.push(("NIP_IPFS_API".into(), api.clone()));
    tried(&env.git(&env.work, &["ls-remote", "nip::new-ipfs"]), port, "NIP_IPFS_API");
    ok(env.git(&env.work, &["-c", "nip.store=local", "ls-remote", "nip::new-ipfs"]));
    let (port2, api2) = dead_api();
    tried(&env.git(&env.work, &["-c", &format!("nip.api={api2}"), "ls-remote", "nip::new-ipfs"]), port2, "git -c nip.api");
    // A blank value in git config is no value: the variable decides.
    tried(&env.git(&env.work, &["-c", "nip.api=", "ls-remote", "nip::new-ipfs"]), port, "NIP_IPFS_API");
    nothing_stored(&env);
}

/// C7: a `nip.store` that is none of the choices is an error naming the
/// value, where it was set and the choices, whatever the source.
pub fn scenario_invalid_store_is_an_error() {
    let mut env = auto_env();
    let repo = env.init("r");
    let check = |run: Run, from: &str| {
        let err = run.one_clean_error();
        assert!(err.contains(from) && err.contains("\"bogus\"") && err.contains("kubo, local or auto"), "{err}");
    };
    check(env.git(&repo, &["-c", "nip.store=bogus", "ls-remote", "nip::new-ipfs"]), "git -c nip.store");
    check(
        git_with(
            &env,
            &repo,
            &["ls-remote", "nip::new-ipfs"],
            &[("GIT_CONFIG_COUNT", "1"), ("GIT_CONFIG_KEY_0", "nip.store"), ("GIT_CONFIG_VALUE_0", "bogus")],
        ),
        "GIT_CONFIG_KEY_0",
    );
    env.git_ok(&repo, &["config", "nip.store", "bogus"]);
    check(env.git(&repo, &["ls-remote", "nip::new-ipfs"]), "the repository's git config nip.store");
    env.git_ok(&repo, &["config", "--unset", "nip.store"]);
    env.vars.push(("NIP_STORE".into(), "bogus".into()));
    check(env.git(&repo, &["ls-remote", "nip::new-ipfs"]), "NIP_STORE");
    check(env.git(&repo, &["push", "nip::new-ipfs", "main"]), "NIP_STORE");
    nothing_stored(&env);
}

/// C8: the fetch limits come through `GIT_CONFIG_COUNT` too, and
/// `nip.apiAuth` through `git -c` (sent to the node).
pub fn scenario_other_settings_follow() {
    let env = Env::local();
    let src = env.synth_pushed("src", Synth { commits: 3, files: 5, ..Default::default() });
    let url = env.remote_url(&src, "nip");
    let count = [("GIT_CONFIG_COUNT", "1"), ("GIT_CONFIG_KEY_0", "nip.maxFetchObjects"), ("GIT_CONFIG_VALUE_0", "2")];
    let run = git_with(&env, &env.work, &["clone", "-q", &url, "c"], &count);
    let err = run.one_clean_error();
    // Format 2 knows the count from the packs list before reading a pack:
    // "this fetch needs 18 objects, more than 2 (nip.maxFetchObjects, set by ...)".
    assert!(err.contains("more than 2 (nip.maxFetchObjects") && err.contains("GIT_CONFIG_KEY_0"), "{err}");
    let count = [("GIT_CONFIG_COUNT", "1"), ("GIT_CONFIG_KEY_0", "nip.maxFetchBytes"), ("GIT_CONFIG_VALUE_0", "lots")];
    let err = git_with(&env, &env.work, &["clone", "-q", &url, "d"], &count).one_clean_error();
    assert!(err.contains("GIT_CONFIG_KEY_0") && err.contains("\"lots\""), "{err}");

    let node = FakeNode::start(BlockGet::Status500(r#"{"Message":"no","Code":0,"Type":"error"}"#));
    let run = env.git(
        &env.work,
        &[
            "-c",
            "nip.store=kubo",
            "-c",
            &format!("nip.api={}", node.url),
            "-c",
            "nip.apiAuth=bearer:tok-from-c",
            "ls-remote",
            &url,
        ],
    );
    run.one_clean_error();
    assert!(node.requests().contains("Bearer tok-from-c"), "the -c credential was not sent:\n{}", node.requests());
}

/// A loopback HTTP server that answers every request the same way.
pub struct Answering {
    pub url: String,
    pub port: u16,
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl Answering {
    /// Answers `status` with `body` (`None`: accepts, reads the request,
    /// and hangs up without a word; status `stall`: says nothing and keeps
    /// the connection open).
    pub fn start(status: &'static str, content_type: &'static str, body: Option<&'static str>) -> Answering {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { break };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                s.lock().unwrap().push(String::from_utf8_lossy(&buf).into_owned());
                if status == "stall" {
                    // Holds the connection without a word, for longer than
                    // nip waits (the test ends first).
                    std::thread::spawn(move || {
                        std::thread::sleep(std::time::Duration::from_secs(60));
                        drop(conn);
                    });
                    continue;
                }
                if let Some(body) = body {
                    let _ = write!(
                        conn,
                        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
            }
        });
        Answering { url: format!("http://127.0.0.1:{port}"), port, seen }
    }
}

const HTML: &str = "<!doctype html>\n<html><head><title>It works</title></head><body>Not IPFS</body></html>\n";

/// N1: something that answers at the API address and is no usable node is
/// an error naming the address and the setting to fix, with the default
/// `nip.store` (auto) as with `kubo`, for a push and a ls-remote; nothing
/// reaches the embedded store and the remote does not move.
pub fn scenario_refusing_or_foreign_answer_is_an_error() {
    let cases: [(&str, Answering, &[&str]); 6] = [
        (
            "401",
            Answering::start("401 Unauthorized", "text/plain", Some("unauthorized")),
            &["nip.apiAuth", "NIP_IPFS_API_AUTH", "HTTP 401"],
        ),
        (
            "403",
            Answering::start("403 Forbidden", "text/plain", Some("forbidden")),
            &["nip.apiAuth", "NIP_IPFS_API_AUTH", "HTTP 403"],
        ),
        (
            "404 page",
            Answering::start("404 Not Found", "text/plain", Some("404 page not found")),
            &["nip.api", "HTTP 404", "not as an IPFS node's RPC API"],
        ),
        (
            "404 HTML",
            Answering::start("404 Not Found", "text/html", Some(HTML)),
            &["nip.api", "HTTP 404", "not as an IPFS node's RPC API"],
        ),
        ("200 HTML", Answering::start("200 OK", "text/html", Some(HTML)), &["nip.api", "not Kubo's JSON", "It works"]),
        ("hang-up", Answering::start("", "", None), &["nip.api", "something listens", "does not answer as an IPFS node"]),
    ];
    for (what, server, says) in &cases {
        for store in ["auto", "kubo"] {
            let env = auto_env();
            let repo = env.init("r");
            env.commit_file(&repo, "a.txt", b"meant for the node\n", "one");
            env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
            let via = [("NIP_STORE", store), ("NIP_IPFS_API", server.url.as_str())];
            for args in [&["push", "nip", "main"][..], &["ls-remote", "nip"][..]] {
                let run = git_with(&env, &repo, args, &via);
                let err = run.one_clean_error();
                assert!(err.contains(&server.url), "{what}, {store}: the error does not name the address:\n{run}");
                assert!(
                    err.contains("NIP_IPFS_API"),
                    "{what}, {store}: the error does not say where the address came from:\n{run}"
                );
                for s in *says {
                    assert!(err.contains(s), "{what}, {store}: {s:?} is not in the error:\n{run}");
                }
                assert!(!err.contains("nip.store=kubo needs a running node"), "{what}: {err}");
                assert!(!run.stderr.contains("embedded store"), "{what}, {store}: fell back to the embedded store:\n{run}");
            }
            assert_eq!(env.remote_url(&repo, "nip"), "nip::new-ipfs", "{what}, {store}");
            nothing_stored(&env);
        }
        assert!(server.seen.lock().unwrap().iter().any(|r| r.contains("/api/v0/version")), "{what}: never asked");
    }
    // With credentials, a 401 says they were refused, and never shows them.
    let server = &cases[0].1;
    let env = auto_env();
    let run = git_with(
        &env,
        &env.work,
        &["-c", &format!("nip.api={}", server.url), "-c", "nip.apiAuth=basic:me:zzSECRETzz", "ls-remote", "nip::new-ipfs"],
        &[],
    );
    let err = run.one_clean_error();
    assert!(err.contains("refused the credentials") && err.contains("git -c nip.api"), "{err}");
    assert!(!run.stderr.contains("zzSECRETzz"), "{run}");
}

/// N3: something that accepts the connection and never answers is an
/// error naming the address and `nip.api`, not a fall back.
pub fn scenario_stalled_listener_is_an_error() {
    let server = Answering::start("stall", "", None);
    let env = auto_env();
    let run = git_with(&env, &env.work, &["ls-remote", "nip::new-ipfs"], &[("NIP_IPFS_API", server.url.as_str())]);
    let err = run.one_clean_error();
    for s in [server.url.as_str(), "NIP_IPFS_API", "nip.api", "no answer within", "listening there"] {
        assert!(err.contains(s), "{s:?} is not in the error:\n{run}");
    }
    assert!(!run.stderr.contains("embedded store"), "{run}");
    nothing_stored(&env);
}

/// N2: where nothing listens, the default choice still uses the embedded
/// store, and says so naming the address and where it came from.
pub fn scenario_nothing_listens_falls_back() {
    let env = auto_env();
    let (port, api) = dead_api();
    let repo = env.init("r");
    env.commit_file(&repo, "a.txt", b"here\n", "one");
    let run = ok(env.git(&repo, &["-c", &format!("nip.api={api}"), "push", "nip::new-ipfs", "main"]));
    let said = run.nip_lines().join("\n");
    assert!(
        said.contains(&format!("no IPFS node at http://127.0.0.1:{port} (git -c nip.api)")) && said.contains("embedded store"),
        "{run}"
    );
    assert!(!env.block_files().unwrap().is_empty());
}

/// K1 (a real node): `git -c nip.store=kubo -c nip.api=<node>` pushes to
/// the node although `NIP_STORE=local`, and a clone through
/// `GIT_CONFIG_COUNT` reads it back from there; nothing lands in the
/// embedded store.
pub fn scenario_command_line_reaches_the_node(api: &str) {
    let env = Env::local();
    let repo = env.synth("src", Synth { commits: 4, files: 6, ..Default::default() });
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    let run = ok(env.git(&repo, &["-c", "nip.store=kubo", "-c", &format!("nip.api={api}"), "push", "--all", "nip"]));
    assert!(!run.stderr.contains("embedded store"), "{run}");
    let url = env.remote_url(&repo, "nip");
    let cid = super::url_cid(&url);
    // The index is on the node (this reads and decodes it there).
    Env::kubo(api).index(&cid);
    nothing_stored(&env);
    // Without the settings the embedded store does not have it.
    assert!(!env.git(&env.work, &["ls-remote", &url]).success());
    let count = [
        ("GIT_CONFIG_COUNT", "2"),
        ("GIT_CONFIG_KEY_0", "nip.store"),
        ("GIT_CONFIG_VALUE_0", "kubo"),
        ("GIT_CONFIG_KEY_1", "nip.api"),
        ("GIT_CONFIG_VALUE_1", api),
    ];
    ok(git_with(&env, &env.work, &["clone", "-q", &url, "copy"], &count));
    assert_eq!(env.rev_parse(&env.work.join("copy"), "HEAD"), env.rev_parse(&repo, "HEAD"));
    nothing_stored(&env);
}

/// K2 (a real node whose API needs a secret): without it, the default
/// choice is an error naming the address and `nip.apiAuth` (not the
/// embedded store); with it given by `git -c nip.apiAuth`, the push reaches
/// the node.
pub fn scenario_node_that_needs_a_secret(node: &super::kubo::Kubo, secret: &str) {
    let env = auto_env();
    let repo = env.init("r");
    env.commit_file(&repo, "a.txt", b"for the node only\n", "one");
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    let api = format!("nip.api={}", node.api);
    let run = env.git(&repo, &["-c", &api, "push", "nip", "main"]);
    let err = run.one_clean_error();
    let port = node.api.rsplit('/').next().unwrap();
    let addr = format!("127.0.0.1:{port}");
    for s in [addr.as_str(), "git -c nip.api", "refused access", "nip.apiAuth", "NIP_IPFS_API_AUTH"] {
        assert!(err.contains(s), "{s:?} is not in the error:\n{run}");
    }
    assert!(!run.stderr.contains("embedded store"), "{run}");
    assert_eq!(env.remote_url(&repo, "nip"), "nip::new-ipfs");
    nothing_stored(&env);
    let auth = format!("nip.apiAuth={secret}");
    let run = ok(env.git(&repo, &["-c", &api, "-c", &auth, "push", "nip", "main"]));
    assert!(!run.stderr.contains(secret), "{run}");
    let url = env.remote_url(&repo, "nip");
    assert!(url.starts_with("nip::/ipfs/"), "{url}");
    nothing_stored(&env);
    let cid = super::url_cid(&url).to_string();
    assert!(node.pins().contains(&cid), "the index {cid} is not pinned on the node");
}
