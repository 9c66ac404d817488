//! End-to-end tests of what `git push` asks beyond plain updates (issue
//! 12): `--force-with-lease`, `--signed`, `--atomic`, `-o`, and the remote's
//! HEAD (`nipctl head`). The scenarios are in `tests/common/pushing.rs`;
//! each runs on the embedded store, and the ones a node could change on a
//! Kubo node too. `nipctl` must be built: `cargo build -p nipctl` (or run
//! `cargo test --workspace`).

mod common;

use common::kubo::{binary_or_skip, Kubo};
use common::pushing::*;
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

macro_rules! on_kubo {
    ($($name:ident => $scenario:ident,)*) => {
        $(
            #[test]
            fn $name() {
                let Some(bin) = binary_or_skip(stringify!($name)) else { return };
                let kubo = Kubo::start(&bin);
                $scenario(&Env::kubo_node(&kubo));
            }
        )*
    };
}

local! {
    lease_that_holds_forces => scenario_lease_that_holds_forces,
    stale_lease_refused => scenario_stale_lease_refused,
    helper_checks_leases => scenario_helper_checks_leases,
    signed_pushes => scenario_signed_pushes,
    atomic => scenario_atomic,
    push_options => scenario_push_options,
    remote_head => scenario_remote_head,
}

on_kubo! {
    kubo_lease_that_holds_forces => scenario_lease_that_holds_forces,
    kubo_atomic => scenario_atomic,
    kubo_remote_head => scenario_remote_head,
    kubo_head_of_a_name => scenario_head_of_a_name,
}
