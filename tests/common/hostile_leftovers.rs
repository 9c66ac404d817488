//! Leftovers of killed processes, end to end: a helper killed with
//! `kill -9` in the middle of a push or a fetch leaves temporary files; the
//! next run removes them, and never those of a process still running (their
//! lock is held). See `nip::tmpfiles`.

use super::{Env, Run, Synth};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Every process below `pid` (children, their children, …).
fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else { continue };
        for task in tasks.flatten() {
            let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for c in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                out.push(c);
                todo.push(c);
            }
        }
    }
    out
}

/// The `git-remote-nip` that the git process `git` started.
fn helper_of(git: &Child) -> Option<u32> {
    descendants(git.id())
        .into_iter()
        .find(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "git-remote-nip"))
}

/// Files in `dir` whose name starts with `prefix` and that hold data.
fn written(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    files(dir, prefix).into_iter().filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0)).collect()
}

/// Files in `dir` whose name starts with `prefix`.
fn files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().starts_with(prefix)).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Runs `git args` in `dir` and kills its helper with SIGKILL as soon as a
/// file starting with `prefix` holds data in `watch`. Returns git's run (a
/// failure) and the files that were there when the helper died.
fn kill_helper_when(env: &Env, dir: &Path, args: &[&str], watch: &Path, prefix: &str) -> (Run, Vec<PathBuf>) {
    let mut git =
        env.command("git").args(args).current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start git");
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut helper = None;
    loop {
        if helper.is_none() {
            helper = helper_of(&git);
        }
        if helper.is_some() && !written(watch, prefix).is_empty() {
            break;
        }
        if git.try_wait().expect("wait for git").is_some() || Instant::now() > deadline {
            let out = git.wait_with_output().expect("git output");
            panic!(
                "git finished before a {prefix}* file appeared in {}:\n{}",
                watch.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let pid = helper.expect("helper pid");
    let killed = env.command("kill").args(["-9", &pid.to_string()]).status().expect("run kill");
    assert!(killed.success(), "kill -9 {pid} failed");
    let out = git.wait_with_output().expect("git output");
    let run = Run::of(format!("(in {}) git {} (helper {pid} killed)", dir.display(), args.join(" ")), out);
    assert!(!run.success(), "git succeeded although its helper was killed:\n{run}");
    (run, written(watch, prefix))
}

/// A file in `dir` that the test process creates and holds locked, as a
/// push or fetch still running holds its temporary files.
fn held_file(dir: &Path, name: &str) -> (PathBuf, File) {
    let path = dir.join(name);
    let file = File::create(&path).expect("create held file");
    file.lock().expect("lock held file");
    std::fs::write(&path, b"a live writer's data").expect("write held file");
    (path, file)
}

/// The start time of a process (field 22 of `/proc/<pid>/stat`).
fn start_time(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    stat.rsplit_once(')').unwrap().1.split_whitespace().nth(19).unwrap().parse().unwrap()
}

/// A repository big enough that a push or a fetch of it lasts a while.
fn big_repo(env: &Env) -> PathBuf {
    env.synth("src", Synth { commits: 1500, files: 40, large: 6, seed: 7 })
}

/// Scenario L1 (embedded store): `kill -9` of the helper in the middle of a
/// push leaves its temporary pack in `$NIP_HOME/tmp`; the remote's address
/// and refs are those of before; a file a live process holds locked there is
/// never removed; the next `nipctl` use, or the next push, removes the
/// leftover and says so; that push works.
pub fn scenario_killed_push_leftovers_are_removed(env: &Env) {
    let super::Backend::Local { home } = &env.backend else { panic!("embedded store only") };
    let tmp = home.join("tmp");
    let repo = big_repo(env);
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    // A first, small state of the remote: the root commit as `base`.
    let root = env.out(&repo, &["rev-list", "--max-parents=0", "main"]);
    env.push(&repo, &["nip", &format!("{root}:refs/heads/base")]);
    let url = env.remote_url(&repo, "nip");
    let remote_refs = env.ls_remote(&url);
    let tracking = env.refs(&repo).into_iter().filter(|(n, _)| n.starts_with("refs/remotes/")).collect::<Vec<_>>();

    let (run, left) = kill_helper_when(env, &repo, &["push", "--all", "nip"], &tmp, "push-");
    assert!(!left.is_empty(), "the killed push left nothing in {}:\n{run}", tmp.display());
    assert_eq!(env.remote_url(&repo, "nip"), url, "the killed push moved the remote:\n{run}");
    let tracking_now = env.refs(&repo).into_iter().filter(|(n, _)| n.starts_with("refs/remotes/")).collect::<Vec<_>>();
    assert_eq!(tracking_now, tracking, "remote-tracking refs moved");

    // A push still running holds its files: they stay, however idle.
    let (live, lock) = held_file(&tmp, "push-live.pack");
    // The next use of the store (here nipctl; a push, fetch or ls-remote
    // as well) removes what the killed push left, and says so in one line.
    let listed = env.nipctl_run(&["inspect", &url]);
    assert!(listed.success(), "{listed}");
    let said: Vec<&str> = listed.stderr.lines().filter(|l| l.contains("removed")).collect();
    assert_eq!(said.len(), 1, "one line says what was removed:\n{listed}");
    assert!(
        said[0].starts_with("nip: removed ")
            && said[0].contains("interrupted push")
            && said[0].contains(&tmp.display().to_string()),
        "{listed}"
    );
    for f in &left {
        assert!(!f.exists(), "{} is still there after the store was opened:\n{listed}", f.display());
    }
    assert!(live.exists(), "a file whose writer is alive was removed");
    assert_eq!(env.ls_remote(&url), remote_refs, "the address shows other refs after the killed push");
    let again = env.git_ok(&env.work, &["ls-remote", &url]);
    assert!(!again.stderr.contains("removed"), "nothing more to remove:\n{again}");

    // Its writer "dies": the next push removes it, and works.
    drop(lock);
    let run = env.push(&repo, &["--all", "nip"]);
    assert!(run.stderr.contains("nip: removed 1 temporary file"), "{run}");
    assert!(!live.exists());
    assert!(files(&tmp, "").is_empty(), "tmp/ keeps {:?}", files(&tmp, ""));
    let url2 = env.remote_url(&repo, "nip");
    assert_ne!(url2, url);
    let branches: Vec<String> =
        env.ls_remote(&url2).into_keys().filter(|n| n.starts_with("refs/heads/") && n != "refs/heads/base").collect();
    let local: Vec<String> = env.refs(&repo).into_keys().filter(|n| n.starts_with("refs/heads/")).collect();
    assert_eq!(branches, local);
}

/// Scenario L2 (either store): `kill -9` of the helper in the middle of a
/// fetch leaves, in `.git/objects/pack`, the temporary pack of the `git
/// index-pack` it fed (`tmp_pack_XXXXXX`, git's name) and nip's
/// `tmp_pack_nip_*.git-temp` naming it, and no ref; the next fetch removes
/// both (not a file a live process holds) and a nip `.keep` whose git is
/// gone (not one of a live git, not git's own), says so in one line,
/// succeeds, and the repository passes `git fsck`.
pub fn scenario_killed_fetch_leftovers_are_removed(env: &Env) {
    let src = big_repo(env);
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&src, &["--all", "nip"]);
    let url = env.remote_url(&src, "nip");
    let dst = env.init("dst");
    env.git_ok(&dst, &["remote", "add", "nip", &url]);
    let pack = dst.join(".git/objects/pack");

    let (run, left) = kill_helper_when(env, &dst, &["fetch", "nip"], &pack, "tmp_pack_nip_");
    assert!(!left.is_empty(), "{run}");
    assert!(env.refs(&dst).is_empty(), "the killed fetch updated refs: {:?}", env.refs(&dst));
    let git_temp: Vec<PathBuf> =
        files(&pack, "tmp_pack_").into_iter().filter(|p| !p.to_string_lossy().contains("tmp_pack_nip_")).collect();
    assert!(!git_temp.is_empty(), "no temporary pack of git index-pack after the kill:\n{run}");

    // Held by a live process, as a fetch running beside this one would.
    let (live, lock) = held_file(&pack, "tmp_pack_nip_live");
    // `.keep` files as a helper killed between writing one and answering
    // `lock` leaves them: its git is gone (a stale one), alive (this test
    // process: kept), and one git wrote (never nip's to remove).
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap().trim().to_string();
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let gone_pid = gone.id();
    gone.wait().unwrap();
    let stale_keep = pack.join(format!("pack-{}.keep", "1".repeat(40)));
    std::fs::write(&stale_keep, format!("nip fetch: git pid {gone_pid} start 1 host {host}\n")).unwrap();
    let me = std::process::id();
    let live_keep = pack.join(format!("pack-{}.keep", "2".repeat(40)));
    std::fs::write(&live_keep, format!("nip fetch: git pid {me} start {} host {host}\n", start_time(me))).unwrap();
    let gits_keep = pack.join(format!("pack-{}.keep", "3".repeat(40)));
    std::fs::write(&gits_keep, format!("fetch-pack {gone_pid} on {host}\n")).unwrap();
    let run = env.git_ok(&dst, &["fetch", "nip"]);
    let said: Vec<&str> = run.stderr.lines().filter(|l| l.contains("removed")).collect();
    assert_eq!(said.len(), 1, "one line says what was removed:\n{run}");
    assert!(said[0].starts_with("nip: removed ") && said[0].contains("interrupted fetch"), "{run}");
    for f in left.iter().chain(&git_temp) {
        assert!(!f.exists(), "{} is still there after the next fetch:\n{run}", f.display());
    }
    assert!(said[0].contains("removed 2 temporary files"), "the pack and the stale .keep:\n{run}");
    assert!(live.exists(), "a file whose writer is alive was removed");
    assert!(!stale_keep.exists(), "a .keep whose git is gone stays");
    assert!(live_keep.exists() && gits_keep.exists(), "a .keep of a live git, or git's own, was removed");
    assert_eq!(env.rev_parse(&dst, "refs/remotes/nip/main"), env.rev_parse(&src, "main"));
    drop(lock);
    for f in [&live, &live_keep, &gits_keep] {
        std::fs::remove_file(f).unwrap();
    }
    assert!(files(&pack, "tmp_").is_empty(), "{:?}", files(&pack, "tmp_"));
    assert!(files(&pack, "").iter().all(|p| p.extension().is_some_and(|x| x != "keep")), "git left a .keep");
    env.git_ok(&dst, &["checkout", "-q", "main"]);
    env.fsck(&dst);
}

/// Scenario L3 (embedded store): ten pushes at once into one store, each
/// opening it (and so cleaning `tmp/`) while the others write there: none
/// loses a file to another's cleaning, all succeed, every address clones,
/// and nothing is left in `tmp/`.
pub fn scenario_concurrent_pushes_keep_their_files(env: &Env) {
    let super::Backend::Local { home } = &env.backend else { panic!("embedded store only") };
    let repos: Vec<PathBuf> = (0..10u32)
        .map(|i| {
            let repo = env.synth(&format!("src{i}"), Synth { commits: 80, files: 30, large: 1, seed: 100 + i });
            env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
            repo
        })
        .collect();
    let children: Vec<Child> = repos
        .iter()
        .map(|repo| {
            env.command("git")
                .args(["push", "--all", "nip"])
                .current_dir(repo)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start git push")
        })
        .collect();
    for (repo, child) in repos.iter().zip(children) {
        let out = child.wait_with_output().expect("git push output");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a concurrent push failed in {}:\n{stderr}", repo.display());
        assert!(!stderr.contains("removed"), "a push removed a file of another one:\n{stderr}");
    }
    for (i, repo) in repos.iter().enumerate() {
        let url = env.remote_url(repo, "nip");
        let clone = env.dir(&format!("clone{i}"));
        env.git_ok(&env.work, &["clone", "-q", &url, clone.to_str().unwrap()]);
        assert_eq!(env.rev_parse(&clone, "HEAD"), env.rev_parse(repo, "main"));
        env.fsck(&clone);
    }
    assert!(files(&home.join("tmp"), "").is_empty(), "tmp/ keeps {:?}", files(&home.join("tmp"), ""));
}
