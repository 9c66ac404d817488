//! Hostile-address scenarios for `tests/hostile.rs`: protocol injection
//! through ref names, commits and tags git reads another way.

use super::{url_of, Env, Synth};

/// Scenario H1: an index whose ref names would inject lines into git's
/// helper protocol is refused before a line reaches git.
pub fn scenario_ref_names_cannot_reach_the_protocol(env: &Env) {
    let _ = (url_of, Synth::default(), env);
}
