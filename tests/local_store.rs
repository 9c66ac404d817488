//! End-to-end tests against the embedded block store (`NIP_HOME`): the real
//! `git` drives `git-remote-nip`. The scenarios live in
//! `tests/common/scenarios.rs`, whose one list makes these tests and
//! `tests/kubo.rs`'s.

mod common;

use common::Env;

// Every scenario of tests/common/scenarios.rs (`cargo test --test local_store
// scenarios::`), on the embedded store (the
// same list runs on Kubo in tests/kubo.rs).
mod scenarios {
    crate::common::scenarios::scenario_tests!(local);
}

/// The embedded store has no network to publish names on: a push to
/// `nip::new-ipns` is one clear error, and nothing is written.
#[test]
fn names_need_a_node() {
    let env = Env::local();
    let repo = env.synth("src", common::Synth { commits: 5, ..Default::default() });
    env.git_ok(&repo, &["remote", "add", "origin", "nip::new-ipns"]);
    let err = env.git(&repo, &["push", "--all", "origin"]).one_clean_error();
    assert!(err.contains("IPNS names") && err.contains("need an IPFS node") && err.contains("nip::new-ipfs"), "{err}");
    assert_eq!(env.remote_url(&repo, "origin"), "nip::new-ipns");
    assert!(env.block_files().unwrap_or_default().is_empty(), "the embedded store was written to");
    let k = "k51qzi5uqu5dh5r1nd05yvrwg00el5f5hwlplblq7t4ef8vu21jywuo50ihf1m";
    let run = env.git(&env.work, &["clone", &format!("nip::/ipns/{k}"), "c"]);
    assert!(run.one_clean_error().contains("need an IPFS node"));
}
