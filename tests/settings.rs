//! Where nip's settings come from, end to end with the real `git`: `git
//! -c`, `GIT_CONFIG_COUNT`, the repository, global and system files, and
//! their order above the `NIP_*` variables; and an API address where
//! something answers that is no usable node. Scenarios are in
//! [`common::settings`]; README.md, section "Settings", says the rules.

mod common;

use common::kubo::{binary_or_skip, Kubo};
use common::settings as s;

#[test]
fn command_line() {
    s::scenario_command_line();
}

#[test]
fn config_count() {
    s::scenario_config_count();
}

#[test]
fn repository_config() {
    s::scenario_repository_config();
}

#[test]
fn global_config() {
    s::scenario_global_config();
}

#[test]
fn system_config() {
    s::scenario_system_config();
}

#[test]
fn git_config_beats_environment() {
    s::scenario_git_config_beats_environment();
}

#[test]
fn invalid_store_is_an_error() {
    s::scenario_invalid_store_is_an_error();
}

#[test]
fn other_settings_follow() {
    s::scenario_other_settings_follow();
}

#[test]
fn refusing_or_foreign_answer_is_an_error() {
    s::scenario_refusing_or_foreign_answer_is_an_error();
}

#[test]
fn stalled_listener_is_an_error() {
    s::scenario_stalled_listener_is_an_error();
}

#[test]
fn nothing_listens_falls_back() {
    s::scenario_nothing_listens_falls_back();
}

#[test]
fn command_line_reaches_the_node() {
    let Some(bin) = binary_or_skip("command_line_reaches_the_node") else { return };
    let node = Kubo::start(&bin);
    s::scenario_command_line_reaches_the_node(&node.api);
}

#[test]
fn node_that_needs_a_secret() {
    let Some(bin) = binary_or_skip("node_that_needs_a_secret") else { return };
    let secret = "bearer:zzTOKENzz";
    let node = Kubo::start_with_auth(&bin, secret);
    s::scenario_node_that_needs_a_secret(&node, secret);
}
