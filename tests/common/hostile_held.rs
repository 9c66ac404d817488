//! What an adversarial review found already holding, kept as tests so it
//! keeps holding: concurrent pushes to one store, and secrets that never
//! reach a log, even at `NIP_LOG=trace`.

use super::{url_cid, url_of, Env, Synth};

/// Ten pushes at once from ten clones to one address, in one store: each
/// gets its own new address, each address clones with exactly its pusher's
/// commit, and `git fsck --strict` is clean.
pub fn scenario_concurrent_pushes_to_one_store(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 20, ..Synth::default() });
    let base = env.remote_url(&src, "nip");
    let mut clones = Vec::new();
    for i in 0..10 {
        let name = format!("c{i}");
        env.git_ok(&env.work, &["clone", "-q", &base, &name]);
        let dir = env.dir(&name);
        let commit = env.commit_file(&dir, &format!("pusher-{i}.txt"), format!("pushed by {i}\n").as_bytes(), "concurrent");
        clones.push((dir, commit));
    }
    let runs: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = clones.iter().map(|(dir, _)| s.spawn(|| env.git(dir, &["push", "origin", "main"]))).collect();
        handles.into_iter().map(|h| h.join().expect("push thread")).collect()
    });
    let mut addresses = std::collections::BTreeSet::new();
    for (i, ((dir, commit), run)) in clones.iter().zip(&runs).enumerate() {
        assert!(run.success(), "push {i} failed:\n{run}");
        run.assert_no_panic();
        let url = env.remote_url(dir, "origin");
        assert_ne!(url, base, "push {i} did not move its remote");
        addresses.insert(url.clone());
        let copy = format!("check{i}");
        env.git_ok(&env.work, &["clone", "-q", &url_of(&url_cid(&url)), &copy]);
        assert_eq!(env.rev_parse(&env.dir(&copy), "HEAD"), *commit, "push {i}'s address holds another commit");
        env.fsck(&env.dir(&copy));
    }
    assert_eq!(addresses.len(), 10, "ten pushes of ten different commits must give ten addresses");
}

/// A push and a clone with the node's credentials set and every log on at
/// `trace`: the secret never appears on stderr, in clear or in base64.
pub fn scenario_secrets_stay_out_of_trace_logs(env: &Env) {
    let secret = "hunter2-secret";
    let encoded = "dXNlcjpodW50ZXIyLXNlY3JldA=="; // base64("user:hunter2-secret")
    let env = env.with_vars(&[("NIP_IPFS_API_AUTH", "basic:user:hunter2-secret"), ("NIP_LOG", "trace"), ("RUST_LOG", "trace")]);
    let src = env.synth("src", Synth { commits: 3, ..Synth::default() });
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    let push = env.push(&src, &["--all", "nip"]);
    assert!(push.stderr.contains("TRACE") || push.stderr.contains("DEBUG"), "no log at trace level:\n{push}");
    let url = env.remote_url(&src, "nip");
    let clone = env.git_ok(&env.work, &["clone", &url, "copy"]);
    for run in [&push, &clone] {
        assert!(!run.stderr.contains(secret) && !run.stderr.contains(encoded), "the credentials reached the log:\n{run}");
    }
}

impl Env {
    /// The same world with `vars` set (or replaced) for every command.
    pub fn with_vars(&self, vars: &[(&str, &str)]) -> Env {
        let mut all: Vec<(String, String)> =
            self.vars.iter().filter(|(k, _)| !vars.iter().any(|(n, _)| n == k)).cloned().collect();
        all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Env {
            _tmp: self._tmp.clone(),
            work: self.work.clone(),
            home: self.home.clone(),
            vars: all,
            backend: self.backend.clone(),
            path: self.path.clone(),
        }
    }
}
