//! End-to-end tests of what `git push` asks beyond plain updates (issue
//! 12): `--force-with-lease`, `--signed`, `--atomic`, `-o`, and the remote's
//! HEAD (`nipctl head`). The scenarios are in `tests/common/pushing.rs`;
//! each runs on the embedded store (`local::`) and on a Kubo node
//! (`kubo::`), but for names, which need a node. `nipctl` must be built:
//! `cargo build -p nipctl` (or run `cargo test --workspace`).

mod common;

common::backend_tests! {
    both {
        lease_that_holds_forces => crate::common::pushing::scenario_lease_that_holds_forces,
        stale_lease_refused => crate::common::pushing::scenario_stale_lease_refused,
        helper_checks_leases => crate::common::pushing::scenario_helper_checks_leases,
        signed_pushes => crate::common::pushing::scenario_signed_pushes,
        atomic => crate::common::pushing::scenario_atomic,
        push_options => crate::common::pushing::scenario_push_options,
        remote_head => crate::common::pushing::scenario_remote_head,
    }
    local_only {}
    kubo_only {
        // IPNS names need a node (the embedded store refuses them:
        // tests/local_store.rs, names_need_a_node).
        head_of_a_name => crate::common::pushing::scenario_head_of_a_name,
    }
}
