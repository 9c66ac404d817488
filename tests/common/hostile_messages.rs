//! Messages that must blame the right thing: a node answering 500, a node
//! that stalls, a credential with a line break, a password in the API URL,
//! an index too large for one block. Each runs the real `git` and looks at
//! the one `nip: error:` line a user would read.

use super::fakenode::{BlockGet, FakeNode};
use super::{Env, Run};

/// A CID the fake node is asked for (the index of a repository).
fn some_index() -> cid::Cid {
    nip::block::cid_of(nip::block::DAG_CBOR, b"an index only a real node could give")
}

/// `env` with `key` set to `value` (replacing it).
fn with(env: Env, key: &str, value: &str) -> Env {
    env.with_vars(&[(key, value)])
}

fn ls_remote(env: &Env, cid: &cid::Cid) -> Run {
    env.git(&env.work, &["ls-remote", &format!("nip::/ipfs/{cid}")])
}

const SECRET: &str = "zzSECRETzz";

/// M1: a node answering HTTP 500 to `block/get`: the error names the block
/// and says what the node said, JSON or not.
pub fn scenario_500_names_the_block() {
    let cid = some_index();
    for (body, said) in [
        (r#"{"Message":"fake internal error: disk on fire","Code":0,"Type":"error"}"#, "fake internal error: disk on fire"),
        // The node's words cannot add a line, or an escape sequence, to
        // what the user reads.
        (
            r#"{"Message":"red \u001b[31malert\nnip: error: forged line","Code":0,"Type":"error"}"#,
            "red  [31malert nip: error: forged line",
        ),
        ("<html><body>Internal\nServer Error</body></html>", "HTTP 500 Internal Server Error: <html><body>Internal Server Error"),
    ] {
        let node = FakeNode::start(BlockGet::Status500(body));
        let env = Env::kubo(&node.url);
        let err = ls_remote(&env, &cid).one_clean_error();
        assert!(err.contains(&format!("block/get {cid}")), "the error does not name the block:\n{err}");
        assert!(err.contains(said) && err.contains(&node.url), "{err}");
        assert!(!err.contains("not in the IPFS node"), "{err}");
    }
}

/// M2: a node that does not answer `block/get` (at all, or stops halfway
/// through the block): the error says the node is slow or stuck, with the
/// time really waited and the setting that changes it, names the block,
/// and does not call it missing.
pub fn scenario_stall_is_slow_not_missing() {
    let cid = some_index();
    for mode in [BlockGet::Stall, BlockGet::StallBody] {
        let node = FakeNode::start(mode);
        let env = with(Env::kubo(&node.url), "NIP_IPFS_TIMEOUT", "1");
        let started = std::time::Instant::now();
        let err = ls_remote(&env, &cid).one_clean_error();
        let waited = started.elapsed().as_secs_f64();
        assert!((5.5..60.0).contains(&waited), "{mode:?}: waited {waited:.1}s");
        assert!(err.contains(&cid.to_string()), "{mode:?}: the error does not name the block:\n{err}");
        assert!(err.contains("no answer within 6s") && err.contains("slow or stuck"), "{mode:?}: {err}");
        assert!(err.contains("NIP_IPFS_TIMEOUT (seconds; now 1)"), "{mode:?}: {err}");
        assert!(!err.contains("within 0s") && !err.contains("not in the IPFS node"), "{mode:?}: {err}");
    }
}

/// M3: a credential with a line break inside is a bad setting, named by
/// where it came from and never echoed; with `nip.store` auto it is not
/// taken for a missing node either (no quiet fall back to the embedded
/// store).
pub fn scenario_bad_credential_is_a_bad_setting() {
    let node = FakeNode::start(BlockGet::Status500("{}"));
    let value = format!("bearer:{SECRET}\nmore");
    for store in ["kubo", "auto"] {
        let env = with(with(Env::kubo(&node.url), "NIP_IPFS_API_AUTH", &value), "NIP_STORE", store);
        let run = ls_remote(&env, &some_index());
        let err = run.one_clean_error();
        assert!(err.contains("NIP_IPFS_API_AUTH is not a valid API credential") && err.contains("line break"), "{err}");
        assert!(!err.contains("no IPFS node") && !run.stderr.contains("embedded store"), "{run}");
        assert!(!run.stderr.contains(SECRET), "the secret was echoed:\n{run}");
    }
    let env = Env::kubo(&node.url);
    let repo = env.init("r");
    env.git_ok(&repo, &["config", "nip.apiAuth", &format!("basic:me:{SECRET}\u{7}")]);
    let run = env.git(&repo, &["ls-remote", &format!("nip::/ipfs/{}", some_index())]);
    let err = run.one_clean_error();
    assert!(err.contains("git config nip.apiAuth is not a valid API credential"), "{err}");
    assert!(!run.stderr.contains(SECRET), "{run}");
}

/// M4: a password in the API URL is used (as Basic credentials) and never
/// shown: not in the error of a node that answers 500, not in the error of
/// no node at all, not in a trace log (`NIP_LOG=trace`); a bearer token is
/// not in a trace log either.
pub fn scenario_secrets_stay_out_of_messages() {
    let node = FakeNode::start(BlockGet::Status500(r#"{"Message":"no","Code":0,"Type":"error"}"#));
    let api = format!("http://me:{SECRET}@127.0.0.1:{}", node.port);
    let env = with(Env::kubo(&api), "NIP_LOG", "trace");
    let run = ls_remote(&env, &some_index());
    let err = run.one_clean_error();
    assert!(err.contains(&node.url) && err.contains("failed block/get"), "{err}");
    assert!(!run.stderr.contains(SECRET), "the password was shown:\n{run}");
    let basic = "Basic bWU6enpTRUNSRVR6eg=="; // base64("me:zzSECRETzz")
    assert!(
        node.requests().to_ascii_lowercase().contains(&format!("authorization: {}", basic.to_ascii_lowercase())),
        "{}",
        node.requests()
    );

    let env = with(with(Env::kubo(&node.url), "NIP_LOG", "trace"), "NIP_IPFS_API_AUTH", &format!("bearer:{SECRET}"));
    let run = ls_remote(&env, &some_index());
    run.one_clean_error();
    assert!(node.requests().contains(&format!("Bearer {SECRET}")), "the token was not sent");
    assert!(!run.stderr.contains(SECRET), "the token is in the trace log:\n{run}");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let env = Env::kubo(&format!("http://me:{SECRET}@127.0.0.1:{port}/"));
    let run = ls_remote(&env, &some_index());
    let err = run.one_clean_error();
    assert!(err.contains(&format!("no IPFS node answered at http://127.0.0.1:{port} ")), "{err}");
    assert!(!run.stderr.contains(SECRET), "{run}");

    let env = Env::kubo(&format!("http://me:{SECRET}@"));
    let run = ls_remote(&env, &some_index());
    let err = run.one_clean_error();
    assert!(err.contains("\"http://***@\"") && err.contains("is not an IPFS API address"), "{err}");
    assert!(!run.stderr.contains(SECRET), "{run}");
}

/// M5 (embedded store): a push of 30,000 refs, whose format 1 index would
/// not fit in one block (and was refused, naming the index), works in
/// format 2: the refs are a trie of their own, the index stays one small
/// block, and `ls-remote` lists every ref.
pub fn scenario_many_refs_fit_in_the_refs_trie(env: &Env) {
    let repo = env.init("many");
    let head = env.commit_file(&repo, "a.txt", b"a\n", "one commit");
    let input: String = (1..30_000).map(|i| format!("create refs/heads/branch-with-a-longish-name-{i:05} {head}\n")).collect();
    env.git_input(&repo, &["update-ref", "--stdin"], input.as_bytes());
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&repo, &["--all", "nip"]);
    let url = env.remote_url(&repo, "nip");
    let index = super::url_cid(&url);
    let block = env.block(&index);
    assert!(block.len() < 4096, "the index is {} bytes: its refs are not in their own trie", block.len());
    let listed = env.ls_remote(&url);
    assert_eq!(listed.len(), 30_000, "ls-remote lists {} refs", listed.len());
    assert!(listed.values().all(|o| *o == head));
}
