//! Smaller things of issue 12, end to end: a push interrupted by a signal
//! removes its temporary files; `--version`; what a SHA-256 repository, a
//! hash the repository lacks and a push of blocks already stored are told;
//! the clone's progress total; and the embedded store's packs imported into
//! a node with `ipfs dag import` (the README's recipe) surviving `ipfs repo
//! gc`.

use super::kubo::Kubo;
use super::{prng_bytes, url_cid, Backend, Env, Run, Synth};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The embedded store's directory of `env`.
pub fn nip_home(env: &Env) -> PathBuf {
    match &env.backend {
        Backend::Local { home } => home.clone(),
        Backend::Kubo { .. } => panic!("this scenario needs the embedded store"),
    }
}

/// The files in `dir` (none if it does not exist).
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    v.sort();
    v
}

/// `pid`'s parent and command name, from `/proc/<pid>/stat`.
fn stat_of(pid: u32) -> Option<(u32, String)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (head, rest) = stat.rsplit_once(')')?;
    let comm = head.split_once('(')?.1.to_string();
    let ppid = rest.split_whitespace().nth(1)?.parse().ok()?;
    Some((ppid, comm))
}

/// The descendants of `root` (children, their children...) named `comm`.
pub fn descendants_named(root: u32, comm: &str) -> Vec<u32> {
    let all: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
                .filter_map(|pid| stat_of(pid).map(|(ppid, c)| (pid, ppid, c)))
                .collect()
        })
        .unwrap_or_default();
    let mut family = vec![root];
    let mut found = Vec::new();
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        for (pid, ppid, c) in &all {
            if *ppid == parent && !family.contains(pid) {
                family.push(*pid);
                if c == comm {
                    found.push(*pid);
                }
            }
        }
        i += 1;
    }
    found
}

/// Sends `signal` (`INT`, `TERM`) to `pid`: a process this test started.
fn kill(pid: u32, signal: &str) {
    let st = std::process::Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status().expect("run kill");
    assert!(st.success(), "kill -{signal} {pid} failed");
}

/// Waits for `child` and collects what it printed.
fn finish(child: Child, what: &str) -> Run {
    Run::of(what, child.wait_with_output().expect("wait for git"))
}

/// A repository whose push takes a while: `n` files of 8 MiB of noise,
/// other noise for each `seed`.
pub fn slow_to_push(env: &Env, name: &str, n: u64, seed: u64) -> PathBuf {
    let repo = env.init(name);
    for i in 0..n {
        std::fs::write(repo.join(format!("noise-{i}.bin")), prng_bytes(seed * 1000 + i, 8 << 20)).unwrap();
    }
    env.git_ok(&repo, &["add", "."]);
    env.git_ok(&repo, &["commit", "-q", "-m", "noise"]);
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    repo
}

/// Starts `git push --all nip` in `repo` and waits until its helper is
/// writing a pack under `tmp`; the git child and the helper's PID.
fn push_until_writing(env: &Env, repo: &Path, tmp: &Path, what: &str) -> (Child, u32) {
    let mut child = env
        .command("git")
        .args(["push", "--all", "nip"])
        .current_dir(repo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start git push");
    let git = child.id();
    let start = Instant::now();
    loop {
        let writing = files_in(tmp).iter().any(|f| std::fs::metadata(f).is_ok_and(|m| m.len() > 0));
        let helpers = descendants_named(git, "git-remote-nip");
        if writing && helpers.len() == 1 {
            return (child, helpers[0]);
        }
        if child.try_wait().expect("wait for git").is_some() || start.elapsed() > Duration::from_secs(120) {
            let run = finish(child, what);
            panic!("git ended, or no helper was writing a pack in {} after 120 s ({helpers:?}):\n{run}", tmp.display());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits (up to 60 s) until process `pid` is gone.
fn wait_gone(pid: u32) {
    let start = Instant::now();
    while stat_of(pid).is_some_and(|(_, comm)| comm == "git-remote-nip") {
        assert!(start.elapsed() < Duration::from_secs(60), "the helper {pid} is still running");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A push to the embedded store sent `signal` (by PID, to the helper only)
/// once its pack exists under `$NIP_HOME/tmp`: the push fails, `tmp/` is
/// empty, no pack was added and the remote's address is as it was. Then
/// the same push, uninterrupted, works and clones.
pub fn scenario_interrupted_push(env: &Env, signal: &str) {
    let home = nip_home(env);
    let tmp = home.join("tmp");
    let repo = slow_to_push(env, "src", 12, 1);
    let what = format!("(in {}) git push --all nip, sent SIG{signal}", repo.display());
    let (child, helper) = push_until_writing(env, &repo, &tmp, &what);
    kill(helper, signal);
    let run = finish(child, &what);
    if std::env::var_os("NIP_E2E_SHOW").is_some() {
        eprintln!("{run}");
    }
    assert!(!run.success(), "the interrupted push succeeded:\n{run}");
    run.assert_no_panic();
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new(), "the interrupted push left files in tmp/:\n{run}");
    assert!(
        run.stderr.contains(&format!("nip: interrupted by SIG{signal}; removed ")),
        "the helper did not say it was interrupted and cleaned up:\n{run}"
    );
    assert_eq!(files_in(&home.join("packs")), Vec::<PathBuf>::new(), "the interrupted push added a pack:\n{run}");
    assert_eq!(env.remote_url(&repo, "nip"), "nip::new-ipfs", "the remote moved:\n{run}");
    wait_gone(helper);

    let done = env.git_ok(&repo, &["push", "--all", "nip"]);
    assert!(!done.stderr.contains("removed"), "nothing was left to remove:\n{done}");
    let url = env.remote_url(&repo, "nip");
    let clone = env.dir("clone");
    env.git_ok(&env.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
    env.fsck(&clone);
    assert_eq!(env.rev_parse(&clone, "HEAD"), env.rev_parse(&repo, "HEAD"));
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new());
}

/// SIGPIPE is ignored (as Rust ignores it): sent to the helper in the
/// middle of a push, the push goes on and completes, and leaves nothing in
/// `tmp/`. A closed pipe shows up as a write error instead: when git itself
/// dies (SIGKILL to the git this test started), the helper finishes its
/// pack, fails writing the result to git, and exits, leaving `tmp/` empty.
pub fn scenario_sigpipe_and_closed_pipes(env: &Env) {
    let home = nip_home(env);
    let tmp = home.join("tmp");
    let repo = slow_to_push(env, "src", 8, 1);
    let what = format!("(in {}) git push --all nip, sent SIGPIPE", repo.display());
    let (child, helper) = push_until_writing(env, &repo, &tmp, &what);
    kill(helper, "PIPE");
    let run = finish(child, &what);
    assert!(run.success(), "SIGPIPE stopped the push:\n{run}");
    assert!(!run.stderr.contains("interrupted"), "{run}");
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new(), "{run}");
    let url = env.remote_url(&repo, "nip");
    assert!(url.starts_with("nip::/ipfs/"), "{url}");

    // git dies: the helper's stdout and stdin are pipes to nobody.
    let other = slow_to_push(env, "other", 8, 2);
    let what = format!("(in {}) git push --all nip, git killed", other.display());
    let (mut child, helper) = push_until_writing(env, &other, &tmp, &what);
    child.kill().expect("kill the git this test started");
    let _ = child.wait();
    wait_gone(helper);
    assert_eq!(files_in(&tmp), Vec::<PathBuf>::new(), "the helper of a dead git left files in tmp/");
    // What it stored is complete: every pack has its index.
    let packs = files_in(&home.join("packs"));
    let count = |ext: &str| packs.iter().filter(|p| p.extension().is_some_and(|e| e == ext)).count();
    assert_eq!(count("pack"), count("idx"), "{packs:?}");
}

/// `git-remote-nip --version` and `nipctl --version`: the version, exit 0.
pub fn scenario_versions(env: &Env) {
    let version = env!("CARGO_PKG_VERSION");
    let helper = PathBuf::from(env!("CARGO_BIN_EXE_git-remote-nip"));
    for (bin, name) in [(helper, "git-remote-nip"), (super::nipctl(), "nipctl")] {
        for flag in ["--version", "-V"] {
            let out = env.command(&bin).arg(flag).output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{name} {flag}: {out:?}");
            assert_eq!(stdout.trim(), format!("{name} {version}"), "{name} {flag}: {out:?}");
        }
    }
    // Through git too: `git remote-nip --version`.
    let run = env.git_ok(&env.work, &["remote-nip", "--version"]);
    assert_eq!(run.stdout.trim(), format!("git-remote-nip {version}"), "{run}");
}

/// A push from a SHA-256 repository: one line saying nip stores SHA-1
/// repositories only; nothing stored, the remote unchanged.
pub fn scenario_sha256_repository(env: &Env) {
    env.git_ok(&env.work, &["init", "-q", "-b", "main", "--object-format=sha256", "s256"]);
    let repo = env.dir("s256");
    env.commit_file(&repo, "a.txt", b"hello\n", "one");
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    let err = env.git(&repo, &["push", "nip", "main"]).one_clean_error();
    assert!(err.contains("nip stores SHA-1 repositories only") && err.contains("SHA-256"), "{err}");
    assert!(!err.contains("unknown object format"), "libgit2's text: {err}");
    assert_eq!(env.remote_url(&repo, "nip"), "nip::new-ipfs");
    if let Some(blocks) = env.block_files() {
        assert!(blocks.is_empty(), "something was stored: {blocks:?}");
    }
    // A fetch from it says the same.
    let src = env.synth_pushed("src", Synth { commits: 3, ..Synth::default() });
    let url = env.remote_url(&src, "nip");
    let err = env.git(&repo, &["fetch", &url]).one_clean_error();
    assert!(err.contains("nip stores SHA-1 repositories only"), "{err}");
}

/// `git fetch <address> <hash>` for a hash the repository does not hold:
/// the error says so, not that the repository is incomplete; a hash it
/// holds is fetched.
pub fn scenario_fetch_missing_hash(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 5, ..Synth::default() });
    let url = env.remote_url(&src, "nip");
    let dst = env.init("dst");
    let absent = "1234567890123456789012345678901234567890";
    let err = env.git(&dst, &["fetch", &url, absent]).one_clean_error();
    assert!(err.contains(&format!("object {absent} is not in this repository")), "{err}");
    assert!(!err.contains("incomplete"), "{err}");
    // Nothing there at all (a new address) says the same.
    let err = env.git(&dst, &["fetch", "nip::new-ipfs", absent]).one_clean_error();
    assert!(err.contains("is not in this repository") && !err.contains("incomplete"), "{err}");
    let head = env.rev_parse(&src, "main");
    env.git_ok(&dst, &["fetch", &url, &head]);
    assert_eq!(env.rev_parse(&dst, "FETCH_HEAD"), head);
}

/// A push whose blocks the store already holds (the same objects pushed to
/// a second `new-ipfs` remote): the stored line says how many objects are
/// new to that remote and that the store had their blocks, not "N new
/// objects (0 new blocks)". Format 2: the blocks are the pack's, the map's,
/// the refs' and the index's; the same push of `main` to another new remote
/// makes the same pack (git pack-objects is deterministic for the same
/// input and settings), so every block is there already.
pub fn scenario_stored_line_when_blocks_existed(env: &Env) {
    let src = env.synth("src", Synth { commits: 30, ..Synth::default() });
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.git_ok(&src, &["remote", "add", "other", "nip::new-ipfs"]);
    let first = env.push(&src, &["nip", "main"]);
    let said = first.stored_line().unwrap_or_else(|| panic!("no stored line:\n{first}")).to_string();
    assert!(said.starts_with("nip: stored ") && said.contains(" new objects in ") && !said.contains("already"), "{first}");
    let stored = first.stored().expect("first push stored");
    assert!(stored.blocks >= 4 && stored.objects > 10, "a pack, map shards, refs, index: {stored:?}");

    let again = env.push(&src, &["other", "main"]);
    let said = again.stored_line().unwrap_or_else(|| panic!("no stored line:\n{again}")).to_string();
    let stored = again.stored().unwrap_or_else(|| panic!("no stored line:\n{again}"));
    assert!(stored.objects > 10 && stored.blocks < 4, "{stored:?}\n{again}");
    assert!(!said.contains("new objects"), "reads as a contradiction: {said}");
    assert!(said.contains(&format!("nip: {} objects new to this remote; ", stored.objects)), "{said}");
    assert!(said.contains(" already had ") && said.contains(" of their blocks and stored "), "{said}");
    let blocks = if stored.blocks == 1 { "1 new block (".to_string() } else { format!("{} new blocks (", stored.blocks) };
    assert!(said.contains(&blocks), "{said}");
}

/// `git clone --progress`: the first progress line already shows the
/// total, the index's object count.
pub fn scenario_clone_progress_total(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 400, files: 20, ..Synth::default() });
    let url = env.remote_url(&src, "nip");
    let total = env.index(&url_cid(&url)).counts.total();
    let clone = env.dir("clone");
    let run = env.git_ok(&env.work, &["clone", "--progress", &url, clone.to_str().unwrap()]);
    let lines: Vec<&str> = run.stderr.split(['\r', '\n']).filter(|l| l.starts_with("Receiving objects:")).collect();
    let first = lines.first().unwrap_or_else(|| panic!("no progress:\n{run}"));
    assert!(first.contains(&format!("/{total})")) && first.contains('%'), "first line {first:?}, total {total}:\n{run}");
    assert!(lines.last().unwrap().contains(&format!("100% ({total}/{total})")), "{run}");
    env.fsck(&clone);
}

/// The README's recipe: `ipfs dag import $NIP_HOME/packs/*.pack` on a
/// node pins each push's index, so `ipfs repo gc` keeps everything, and a
/// clone from the node (no embedded store) works.
pub fn scenario_dag_import_recipe(node: &Kubo) {
    let env = Env::local();
    let home = nip_home(&env);
    let src = env.synth_pushed("src", Synth { commits: 40, ..Synth::default() });
    env.git_ok(&src, &["push", "--tags", "nip"]);
    env.append_commit(&src, "notes.txt", "after the first push");
    env.push(&src, &["nip", "main"]);
    let url = env.remote_url(&src, "nip");
    let packs: Vec<PathBuf> =
        files_in(&home.join("packs")).into_iter().filter(|p| p.extension().is_some_and(|e| e == "pack")).collect();
    assert!(packs.len() >= 2, "one pack per push that stored something: {packs:?}");

    let mut args = vec!["dag".to_string(), "import".to_string()];
    args.extend(packs.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    node.ipfs_ok(&args);
    let pins = node.pins();
    let index = url_cid(&url).to_string();
    assert!(pins.contains(&index), "the last push's index {index} is not pinned: {pins:?}");
    node.ipfs_ok(&["repo", "gc", "--quiet"]);

    let on_node = Env::kubo(&node.api);
    let clone = on_node.dir("clone");
    on_node.git_ok(&on_node.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
    on_node.fsck(&clone);
    assert_eq!(on_node.refs(&clone).get("refs/remotes/origin/main"), Some(&env.rev_parse(&src, "main")));
    on_node.git_ok(&clone, &["fetch", "-q", "--tags", "origin"]);
    assert_eq!(on_node.ls_remote(&url), env.ls_remote(&url));
}

/// Issue 12 item 10: a submodule whose URL is a nip address. git allows an
/// unknown transport in submodules only with `protocol.nip.allow`; with it,
/// `git clone --recurse-submodules` checks out the submodule at the commit
/// the superproject records, from its address.
pub fn scenario_submodule_with_a_nip_url(env: &Env) {
    let sub = env.synth("sub", Synth { commits: 3, ..Synth::default() });
    env.git_ok(&sub, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&sub, &["--all", "nip"]);
    let sub_url = env.remote_url(&sub, "nip");
    let sup = env.init("super");
    env.commit_file(&sup, "README", b"super\n", "init");
    env.git_ok(&sup, &["-c", "protocol.nip.allow=always", "submodule", "add", &sub_url, "lib"]);
    env.git_ok(&sup, &["commit", "-q", "-m", "add lib"]);
    env.git_ok(&sup, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&sup, &["--all", "nip"]);
    let sup_url = env.remote_url(&sup, "nip");

    // Without the setting git refuses the submodule's transport (the
    // superproject itself clones: its URL was given on the command line).
    let refused = env.git(&env.work, &["clone", "--recurse-submodules", &sup_url, "no-allow"]);
    assert!(!refused.success(), "{refused}");
    assert!(refused.stderr.contains("transport 'nip' not allowed"), "{refused}");

    env.git_ok(&env.work, &["-c", "protocol.nip.allow=always", "clone", "-q", "--recurse-submodules", &sup_url, "copy"]);
    let copy = env.dir("copy");
    assert_eq!(env.rev_parse(&copy.join("lib"), "HEAD"), env.rev_parse(&sub, "HEAD"));
    assert_eq!(env.rev_parse(&copy, "HEAD:lib"), env.rev_parse(&sub, "HEAD"));
    env.fsck(&copy.join("lib"));
}

/// Issue 12 item 5 (refused for now): shallow and partial clones and
/// fetches stop with one clear line before any transfer, instead of a full
/// clone that leaves `remote.origin.promisor` behind.
pub fn scenario_shallow_and_partial_are_refused(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 5, ..Synth::default() });
    let url = env.remote_url(&src, "nip");
    for (args, says) in [
        (vec!["clone", "--depth", "1"], "shallow"),
        (vec!["clone", "--shallow-since", "2000-01-01"], "shallow"),
        (vec!["clone", "--filter=blob:none"], "partial clones"),
        (vec!["clone", "--filter=tree:0"], "partial clones"),
    ] {
        let mut a = args.clone();
        a.extend([url.as_str(), "refused"]);
        let run = env.git(&env.work, &a);
        let err = run.one_clean_error();
        assert!(err.contains(says) && err.contains("yet"), "{args:?}: {run}");
        assert!(!env.dir("refused").exists(), "{args:?} left a directory");
    }
    env.git_ok(&env.work, &["clone", "-q", &url, "full"]);
    let full = env.dir("full");
    env.append_commit(&src, "notes.txt", "one more");
    env.push(&src, &["nip", "main"]);
    env.git_ok(&full, &["remote", "set-url", "origin", &env.remote_url(&src, "nip")]);
    let before = env.refs(&full);
    for args in [vec!["fetch", "--depth", "1", "origin"], vec!["fetch", "--deepen", "1", "origin"]] {
        let run = env.git(&full, &args);
        assert!(run.one_clean_error().contains("shallow"), "{args:?}: {run}");
        assert_eq!(env.refs(&full), before, "{args:?} moved refs");
    }
    assert!(!full.join(".git/shallow").exists());
    env.git_ok(&full, &["fetch", "origin"]);
    assert_eq!(env.rev_parse(&full, "origin/main"), env.rev_parse(&src, "main"));
}
