//! Issue 12's smaller items, end to end with the real `git`: signals during
//! a push, `--version`, SHA-256 repositories, a missing hash, the stored
//! line, the clone's progress total. The dag-import recipe runs on a Kubo
//! node in `tests/kubo.rs`. Scenarios: `tests/common/misc.rs`.

mod common;

use common::misc::*;
use common::Env;

#[test]
fn push_interrupted_by_sigint_removes_its_pack() {
    scenario_interrupted_push(&Env::local(), "INT");
}

#[test]
fn push_interrupted_by_sigterm_removes_its_pack() {
    scenario_interrupted_push(&Env::local(), "TERM");
}

#[test]
fn versions() {
    scenario_versions(&Env::local());
}

#[test]
fn sha256_repository() {
    scenario_sha256_repository(&Env::local());
}

#[test]
fn fetch_missing_hash() {
    scenario_fetch_missing_hash(&Env::local());
}

#[test]
fn stored_line_when_blocks_existed() {
    scenario_stored_line_when_blocks_existed(&Env::local());
}

#[test]
fn clone_progress_total() {
    scenario_clone_progress_total(&Env::local());
}

#[test]
fn sigpipe_and_closed_pipes_leave_nothing() {
    scenario_sigpipe_and_closed_pipes(&Env::local());
}

#[test]
fn submodule_with_a_nip_url() {
    scenario_submodule_with_a_nip_url(&Env::local());
}

#[test]
fn shallow_and_partial_are_refused() {
    scenario_shallow_and_partial_are_refused(&Env::local());
}
