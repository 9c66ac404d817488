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
    huge_tree_refused => scenario_huge_tree_refused,
}

// Known limitations, kept as reproductions: `cargo test --test local_store -- --ignored`.

#[test]
#[ignore = "a tree of more than ~41,900 entries makes a NIPObject block over the 1 MiB limit"]
fn huge_tree() {
    scenario_huge_tree(&Env::local());
}
