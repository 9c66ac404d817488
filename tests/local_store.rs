//! End-to-end tests against the embedded block store (`NIP_HOME`): the real
//! `git` drives `git-remote-nip`. The scenarios live in
//! `tests/common/scenarios.rs` so other backends can run them too.

mod common;

use common::scenarios::*;
use common::Env;

macro_rules! local {
    ($($name:ident => $scenario:ident,)*) => {
        $(
            #[test]
            fn $name() {
                $scenario(&Env::local());
            }
        )*
    };
}

local! {
    push_all_tags_then_clone => scenario_push_all_tags_then_clone,
    second_push_stores_only_new_objects => scenario_second_push_stores_only_new_objects,
    fetch_gets_only_new_objects => scenario_fetch_gets_only_new_objects,
    force_push => scenario_force_push,
    delete_ref => scenario_delete_ref,
    tags => scenario_tags,
    large_blobs => scenario_large_blobs,
    empty_repository => scenario_empty_repository,
    gitlinks => scenario_gitlinks,
    corrupted_block => scenario_corrupted_block,
    wrong_sha1_object => scenario_wrong_sha1_object,
    unknown_version => scenario_unknown_version,
    bad_input => scenario_bad_input,
    one_index_per_push => scenario_one_index_per_push,
    push_to_bare_url => scenario_push_to_bare_url,
    many_objects => scenario_many_objects,
    file_modes => scenario_file_modes,
    fetch_follows_annotated_tags => scenario_fetch_follows_annotated_tags,
    fetch_from_a_worktree => scenario_fetch_from_a_worktree,
    huge_tree_pushes_and_clones => scenario_huge_tree_pushes_and_clones,
    deltas_across_pushes => scenario_deltas_across_pushes,
    fetch_after_a_branch_was_deleted_and_pushed_again => scenario_fetch_after_a_branch_was_deleted_and_pushed_again,
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
