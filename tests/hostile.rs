//! Hostile addresses, end to end: every scenario builds a repository whose
//! blocks lie (with [`common::craft`]) and hands its address to the real
//! `git`, once on the embedded store and once on a throwaway Kubo node.
//! Format 1 (still read) is covered by repositories crafted in format 1,
//! from scratch or from a pushed repository's objects; format 2 by the
//! scenarios in `hostile_packs` and those built on a real push. Each
//! scenario's doc says which.
//! What an address can and cannot do is listed in README.md, section
//! "Security: what an address can do".

mod common;
/// Format 2's hostile refs tries and packs (beside `common`, which other
/// test binaries share).
#[path = "common/hostile_packs.rs"]
mod hostile_packs;

use common::kubo::{binary_or_skip, Kubo};
use common::Env;

/// A started node, or `None` (test skipped, outside CI).
fn node(test: &str) -> Option<Kubo> {
    binary_or_skip(test).map(|b| Kubo::start(&b))
}

common::backend_tests! {
    both {
        ref_names_cannot_reach_the_protocol => crate::common::hostile::scenario_ref_names_cannot_reach_the_protocol,
        objects_are_read_as_git_reads_them => crate::common::hostile::scenario_objects_are_read_as_git_reads_them,
        quoted_data_is_inert_on_the_terminal => crate::common::hostile::scenario_quoted_data_is_inert_on_the_terminal,
        concurrent_pushes_to_one_store => crate::common::hostile_held::scenario_concurrent_pushes_to_one_store,
        commit_claiming_4_gib_is_refused => crate::common::hostile_sizes::scenario_commit_claiming_4_gib_is_refused,
        blob_claiming_100_gib_is_refused_before_writing =>
            crate::common::hostile_sizes::scenario_blob_claiming_100_gib_is_refused_before_writing,
        large_fake_blob_is_hashed_before_it_is_written =>
            crate::common::hostile_sizes::scenario_large_fake_blob_is_hashed_before_it_is_written,
        fetch_limits_are_settings => crate::common::hostile_sizes::scenario_fetch_limits_are_settings,
        push_refuses_a_commit_no_clone_would_take =>
            crate::common::hostile_sizes::scenario_push_refuses_a_commit_no_clone_would_take,
        large_real_blob_round_trips => crate::common::hostile_sizes::scenario_large_real_blob_round_trips,
        killed_fetch_leftovers_are_removed => crate::common::hostile_leftovers::scenario_killed_fetch_leftovers_are_removed,
        hostile_refs_tries_are_refused => crate::hostile_packs::scenario_hostile_refs_tries_are_refused,
        packs_that_lie_in_their_header_are_refused => crate::hostile_packs::scenario_packs_that_lie_in_their_header_are_refused,
        packs_git_refuses_leave_nothing => crate::hostile_packs::scenario_packs_git_refuses_leave_nothing,
        packs_past_the_fetch_limit_are_never_read => crate::hostile_packs::scenario_packs_past_the_fetch_limit_are_never_read,
        lying_previous_indexes_are_not_believed => crate::hostile_packs::scenario_lying_previous_indexes_are_not_believed,
        // The node's credentials never reach a log; on the embedded store
        // they are set and unused, and must not be logged either.
        secrets_stay_out_of_trace_logs => crate::common::hostile_held::scenario_secrets_stay_out_of_trace_logs,
        // 30,000 refs in the refs trie of format 2.
        many_refs_fit_in_the_refs_trie => crate::common::hostile_messages::scenario_many_refs_fit_in_the_refs_trie,
    }
    local_only {
        // The embedded store's temporary files ($NIP_HOME/tmp), which a
        // node does not have (a node's own are Kubo's business).
        killed_push_leftovers_are_removed => crate::common::hostile_leftovers::scenario_killed_push_leftovers_are_removed,
        concurrent_pushes_keep_their_files =>
            crate::common::hostile_leftovers::scenario_concurrent_pushes_keep_their_files,
    }
    kubo_only {}
}

/// A node (or a proxy in front of it) that answers `block/get` with a
/// 512 MiB body: Kubo only, since the embedded store has no HTTP.
mod kubo_bodies {
    use crate::common::hostile_sizes::scenario_oversized_block_bodies_are_cut;

    #[test]
    fn oversized_block_body_with_content_length_is_refused() {
        let Some(kubo) = super::node("oversized_block_body_with_content_length_is_refused") else { return };
        scenario_oversized_block_bodies_are_cut(&super::Env::kubo_node(&kubo), true);
    }

    #[test]
    fn oversized_block_body_without_length_is_cut() {
        let Some(kubo) = super::node("oversized_block_body_without_length_is_cut") else { return };
        scenario_oversized_block_bodies_are_cut(&super::Env::kubo_node(&kubo), false);
    }
}

/// Messages that blame the right thing; a fake node on loopback plays the
/// misbehaving node, so these need no Kubo.
mod messages {
    use crate::common::hostile_messages as m;

    #[test]
    fn node_500_names_the_block() {
        m::scenario_500_names_the_block();
    }

    #[test]
    fn stall_is_slow_not_missing() {
        m::scenario_stall_is_slow_not_missing();
    }

    #[test]
    fn bad_credential_is_a_bad_setting() {
        m::scenario_bad_credential_is_a_bad_setting();
    }

    #[test]
    fn secrets_stay_out_of_messages() {
        m::scenario_secrets_stay_out_of_messages();
    }
}
