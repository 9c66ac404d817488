//! Scenarios of issue 12: what `git push` asks of a helper beyond plain
//! updates. `--force-with-lease` (`option cas`), `--signed`
//! (`option pushcert`), `--atomic`, `-o` (`option push-option`), and the
//! remote's HEAD: its branch is not deleted unless forced, and
//! `nipctl head` points it elsewhere.

use super::{nipctl, url_cid, Env, Run};
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// A repository `src` with two commits on `main` and one on `side`, pushed
/// to a new address by `git push nip main side`; returns it and the URL.
fn pushed(env: &Env) -> (PathBuf, String) {
    let src = env.init("src");
    env.commit_file(&src, "a.txt", b"one\n", "first");
    env.commit_file(&src, "a.txt", b"one\ntwo\n", "second");
    env.git_ok(&src, &["branch", "side"]);
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&src, &["nip", "main", "side"]);
    let url = env.remote_url(&src, "nip");
    (src, url)
}

/// Rewrites the tip of `branch` in `repo` (checked out afterwards: main),
/// so that pushing it needs force; returns the new tip.
fn rewrite(env: &Env, repo: &Path, branch: &str, what: &str) -> String {
    env.git_ok(repo, &["checkout", "-q", branch]);
    env.git_ok(repo, &["reset", "-q", "--hard", "HEAD~1"]);
    let new = env.commit_file(repo, &format!("{branch}.txt"), what.as_bytes(), what);
    env.git_ok(repo, &["checkout", "-q", "main"]);
    new
}

/// A second clone of `url` moves `main` one commit forward and pushes:
/// returns the new address and the commit (which `src` does not have).
fn someone_else_pushes(env: &Env, url: &str) -> (String, String) {
    env.git_ok(&env.work, &["clone", "-q", url, "other"]);
    let other = env.dir("other");
    let moved = env.append_commit(&other, "a.txt", "three, from someone else");
    env.push(&other, &["origin", "main"]);
    (env.remote_url(&other, "origin"), moved)
}

fn assert_unchanged(env: &Env, src: &Path, url: &str, run: &Run) {
    assert_eq!(env.remote_url(src, "nip"), url, "the address moved:\n{run}");
    assert_eq!(run.moves(), 0, "{run}");
}

/// `--force-with-lease` whose lease holds forces a rewritten branch; the
/// explicit `--force-with-lease=main:<sha>` too, to a bare URL too, and
/// with `--force-if-includes`.
pub fn scenario_lease_that_holds_forces(env: &Env) {
    let (src, u1) = pushed(env);
    let old = env.rev_parse(&src, "main");
    let rewritten = rewrite(env, &src, "main", "rewritten");
    let run = env.push(&src, &["--force-with-lease", "nip", "main"]);
    assert!(run.stderr.contains("forced update"), "{run}");
    let u2 = env.remote_url(&src, "nip");
    assert_ne!(u2, u1, "{run}");
    assert_eq!(env.ls_remote(&u2).get("refs/heads/main"), Some(&rewritten));
    assert_ne!(rewritten, old);

    // Explicit: the expected value given on the command line.
    let again = rewrite(env, &src, "main", "rewritten again");
    let lease = format!("--force-with-lease=main:{rewritten}");
    let run = env.push(&src, &[&lease, "nip", "main"]);
    assert!(run.stderr.contains("forced update"), "{run}");
    let u3 = env.remote_url(&src, "nip");
    assert_ne!(u3, u2);
    assert_eq!(env.ls_remote(&u3).get("refs/heads/main"), Some(&again));
    assert_eq!(env.index(&url_cid(&u3)).prev, Some(url_cid(&u2)));

    // Explicit, to a bare URL (no remote-tracking ref to lean on), and with
    // an empty expected value for a ref that must not exist yet.
    let third = rewrite(env, &src, "main", "rewritten a third time");
    let lease = format!("--force-with-lease=refs/heads/main:{again}");
    let run = env.push(&src, &[&lease, "--force-with-lease=refs/heads/new:", &u3, "main", "main:refs/heads/new"]);
    let listed = env.ls_remote(&env.out(&src, &["config", "remote.nip.url"]));
    assert_eq!(listed.get("refs/heads/main"), Some(&again), "a bare URL push rewrote the remote's URL\n{run}");
    let line = run.nip_lines().into_iter().find(|l| l.starts_with("nip:   nip::/ipfs/")).unwrap_or_else(|| panic!("{run}"));
    let u4 = line.trim_start_matches("nip:   ").to_string();
    let listed = env.ls_remote(&u4);
    assert_eq!(listed.get("refs/heads/main"), Some(&third), "{run}");
    assert_eq!(listed.get("refs/heads/new"), Some(&third), "{run}");

    // --force-if-includes: git checks our reflog holds what the remote has.
    let fourth = rewrite(env, &src, "main", "rewritten a fourth time");
    let run = env.push(&src, &["--force-with-lease", "--force-if-includes", "nip", "main"]);
    assert!(run.stderr.contains("forced update"), "{run}");
    assert_eq!(env.ls_remote(&env.remote_url(&src, "nip")).get("refs/heads/main"), Some(&fourth));
}

/// A lease that does not hold is refused with git's `stale info` and
/// stores nothing; the other ref of the same push, whose lease holds, is
/// forced.
pub fn scenario_stale_lease_refused(env: &Env) {
    let (src, u1) = pushed(env);
    let (u2, moved) = someone_else_pushes(env, &u1);
    // We learn the new address but do not fetch: our view of main is stale.
    env.git_ok(&src, &["remote", "set-url", "nip", &u2]);
    rewrite(env, &src, "main", "ours");
    let before = env.block_files();
    let run = env.git_fails(&src, &["push", "--force-with-lease", "nip", "main"]);
    assert!(run.stderr.contains("[rejected]") && run.stderr.contains("main -> main (stale info)"), "{run}");
    assert_unchanged(env, &src, &u2, &run);
    assert_eq!(env.ls_remote(&u2).get("refs/heads/main"), Some(&moved));
    if let Some(b) = &before {
        assert_eq!(env.block_files().as_ref(), Some(b), "a refused push wrote blocks");
    }

    // In one push: main's lease is stale, side's holds.
    let side = rewrite(env, &src, "side", "side rewritten");
    let run = env.git_fails(&src, &["push", "--force-with-lease", "nip", "main", "side"]);
    assert!(run.stderr.contains("main -> main (stale info)"), "{run}");
    assert!(run.stderr.contains("side -> side (forced update)"), "{run}");
    let u3 = env.remote_url(&src, "nip");
    assert_ne!(u3, u2, "{run}");
    let listed = env.ls_remote(&u3);
    assert_eq!(listed.get("refs/heads/main"), Some(&moved), "a stale lease moved main");
    assert_eq!(listed.get("refs/heads/side"), Some(&side));
}

/// The helper checks a lease itself too, against the index it pushes on
/// (git checked it against what `list` said; another client of the
/// protocol may not): the protocol, spoken straight to git-remote-nip.
pub fn scenario_helper_checks_leases(env: &Env) {
    let (src, u1) = pushed(env);
    let main = env.rev_parse(&src, "main");
    let first = env.rev_parse(&src, "main~1");
    let session = format!(
        "capabilities\n\
         option cas refs/heads/main:{first}\n\
         option cas refs/heads/side:0000000000000000000000000000000000000000\n\
         option cas refs/heads/fresh:\n\
         push {first}:refs/heads/side\n\
         push +refs/heads/main:refs/heads/main\n\
         push refs/heads/main:refs/heads/fresh\n\
         \n\
         \n"
    );
    let (out, err) = helper_session(env, &src, &u1, &session);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(&lines[..4], &["fetch", "push", "option", ""], "{out}\n{err}");
    assert_eq!(&lines[4..7], &["ok", "ok", "ok"], "every lease is understood: {out}\n{err}");
    assert_eq!(
        &lines[7..],
        &["error refs/heads/side stale info", "error refs/heads/main stale info", "ok refs/heads/fresh", ""],
        "{out}\n{err}"
    );
    assert_eq!(env.remote_url(&src, "nip"), u1, "a bare session rewrote the remote");
    let new = err.lines().find_map(|l| l.strip_prefix("nip:   ")).unwrap_or_else(|| panic!("no new address: {err}"));
    let listed = env.ls_remote(new.trim());
    assert_eq!(listed.get("refs/heads/fresh"), Some(&main));
    assert_eq!(listed.get("refs/heads/side"), Some(&main), "stale: unchanged");
}

/// Runs `git-remote-nip <url> <url>` in `repo` on `input`; stdout, stderr.
fn helper_session(env: &Env, repo: &Path, url: &str, input: &str) -> (String, String) {
    use std::io::Write;
    let helper = env!("CARGO_BIN_EXE_git-remote-nip");
    let mut child = env
        .command(helper)
        .args([url, url])
        .env("GIT_DIR", repo.join(".git"))
        .current_dir(repo)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run git-remote-nip");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "git-remote-nip failed:\n{stdout}\n{stderr}");
    (stdout, stderr)
}

/// `push.gpgSign=if-asked` pushes unsigned (nip never asks); `--signed`
/// is refused with one clear error and writes nothing.
pub fn scenario_signed_pushes(env: &Env) {
    let (src, u1) = pushed(env);
    let new = env.append_commit(&src, "a.txt", "if asked");
    let run = env.git_ok(&src, &["-c", "push.gpgSign=if-asked", "push", "nip", "main"]);
    let u2 = env.remote_url(&src, "nip");
    assert_ne!(u2, u1, "{run}");
    assert_eq!(env.ls_remote(&u2).get("refs/heads/main"), Some(&new));
    let run = env.git_ok(&src, &["push", "--signed=if-asked", "nip", "main:refs/heads/copy"]);
    let u3 = env.remote_url(&src, "nip");
    assert_eq!(env.ls_remote(&u3).get("refs/heads/copy"), Some(&new), "{run}");

    env.append_commit(&src, "a.txt", "signed");
    let before = env.block_files();
    let run = env.git(&src, &["push", "--signed", "nip", "main"]);
    let err = run.one_clean_error();
    assert!(err.contains("signed push") && err.contains("push certificates") && err.contains("--signed=if-asked"), "{run}");
    assert_unchanged(env, &src, &u3, &run);
    if let Some(b) = &before {
        assert_eq!(env.block_files().as_ref(), Some(b), "a refused signed push wrote blocks");
    }
}

/// `--atomic`: a ref the helper refuses (the remote moved to a commit this
/// repository lacks: `fetch first`) fails the whole push, nothing stored;
/// one git refuses itself (non-fast-forward) too; a clean atomic push of
/// two refs makes one new index with both.
pub fn scenario_atomic(env: &Env) {
    let (src, u1) = pushed(env);
    let (u2, moved) = someone_else_pushes(env, &u1);
    env.git_ok(&src, &["remote", "set-url", "nip", &u2]);
    env.commit_file(&src, "ours.txt", b"ours, not on the remote's main\n", "ours");
    env.git_ok(&src, &["branch", "feature"]);
    let before = env.block_files();
    let run = env.git_fails(&src, &["push", "--atomic", "nip", "main", "feature"]);
    assert!(run.stderr.contains("main -> main (fetch first)"), "{run}");
    assert!(run.stderr.contains("feature -> feature (atomic push failed)"), "{run}");
    assert_unchanged(env, &src, &u2, &run);
    let listed = env.ls_remote(&u2);
    assert_eq!(listed.get("refs/heads/main"), Some(&moved));
    assert!(!listed.contains_key("refs/heads/feature"), "{listed:?}");
    if let Some(b) = &before {
        assert_eq!(env.block_files().as_ref(), Some(b), "a failed atomic push wrote blocks");
    }
    // Without --atomic the new branch goes in alone.
    let run = env.git_fails(&src, &["push", "nip", "main", "feature"]);
    assert!(run.stderr.contains("[new branch]      feature -> feature"), "{run}");
    let u3 = env.remote_url(&src, "nip");
    assert_ne!(u3, u2);
    env.git_ok(&src, &["push", "nip", ":feature"]);

    // Now that main is known here, git refuses the non-fast-forward itself.
    env.git_ok(&src, &["fetch", "-q", "nip"]);
    let u4 = env.remote_url(&src, "nip");
    let run = env.git_fails(&src, &["push", "--atomic", "nip", "main", "feature"]);
    assert!(run.stderr.contains("atomic push failed"), "{run}");
    assert_unchanged(env, &src, &u4, &run);
    assert!(!env.ls_remote(&u4).contains_key("refs/heads/feature"));

    // A clean atomic push of two refs: one new index, both in it.
    env.git_ok(&src, &["rebase", "-q", "nip/main"]);
    let main = env.rev_parse(&src, "main");
    env.git_ok(&src, &["branch", "-f", "feature", "main~1"]);
    let feature = env.rev_parse(&src, "feature");
    let run = env.push(&src, &["--atomic", "nip", "main", "feature"]);
    assert_eq!(run.moves(), 1, "{run}");
    let u5 = env.remote_url(&src, "nip");
    assert_eq!(env.index(&url_cid(&u5)).prev, Some(url_cid(&u4)), "one index for the whole push");
    let listed = env.ls_remote(&u5);
    assert_eq!(listed.get("refs/heads/main"), Some(&main));
    assert_eq!(listed.get("refs/heads/feature"), Some(&feature));
}

/// `-o`: accepted and ignored, with one line saying so.
pub fn scenario_push_options(env: &Env) {
    let (src, u1) = pushed(env);
    let new = env.append_commit(&src, "a.txt", "with push options");
    let run = env.push(&src, &["-o", "ci.skip", "-o", "note=été \"quoted\"", "nip", "main"]);
    let notes: Vec<&str> = run.nip_lines().into_iter().filter(|l| l.contains("push option")).collect();
    assert_eq!(
        notes,
        ["nip: ignoring push options 'ci.skip', 'note=été \"quoted\"': nip runs no server-side hooks to read them"],
        "{run}"
    );
    let u2 = env.remote_url(&src, "nip");
    assert_ne!(u2, u1);
    assert_eq!(env.ls_remote(&u2).get("refs/heads/main"), Some(&new));
    // push.pushOption in the config sends them on every push.
    let run = env.git_ok(&src, &["-c", "push.pushOption=topic=x", "push", "nip", "main:refs/heads/other"]);
    assert!(run.stderr.contains("nip: ignoring push option 'topic=x'"), "{run}");
}

/// The branch the remote's HEAD names is not deleted (git servers refuse
/// to delete the current branch) unless forced with a lease; `nipctl head`
/// points HEAD at another branch, which a clone then checks out, and the
/// old branch can go.
pub fn scenario_remote_head(env: &Env) {
    let (src, u1) = pushed(env);
    assert_eq!(env.index(&url_cid(&u1)).head.as_deref(), Some("refs/heads/main"));
    let before = env.block_files();
    let run = env.git_fails(&src, &["push", "nip", ":main"]);
    assert!(run.stderr.contains("main (deletion of the current branch prohibited)"), "{run}");
    assert!(run.stderr.contains("nipctl head") && run.stderr.contains("--force-with-lease"), "{run}");
    assert_unchanged(env, &src, &u1, &run);
    if let Some(b) = &before {
        assert_eq!(env.block_files().as_ref(), Some(b), "a refused deletion wrote blocks");
    }
    // `--force` cannot reach the helper for a deletion (git sends no `+`).
    let run = env.git_fails(&src, &["push", "--force", "nip", ":main"]);
    assert!(run.stderr.contains("deletion of the current branch prohibited"), "{run}");
    assert_unchanged(env, &src, &u1, &run);

    // nipctl head: a new index, the same refs, HEAD on side.
    let set = nipctl_run(env, &["head", &u1, "side"]);
    let u2 = set.lines().find_map(|l| l.strip_prefix("new address: ")).unwrap_or_else(|| panic!("{set}")).to_string();
    let (i1, i2) = (env.index(&url_cid(&u1)), env.index(&url_cid(&u2)));
    assert_eq!(i2.head.as_deref(), Some("refs/heads/side"), "{set}");
    assert_eq!(i2.prev, Some(url_cid(&u1)));
    assert_eq!((&i2.refs, i2.objects, i2.counts), (&i1.refs, i1.objects, i1.counts));
    assert!(nipctl_run(env, &["head", &u2, "refs/heads/side"]).contains("already names refs/heads/side"));
    let no = env.command(nipctl()).args(["head", &u2, "nope"]).output().unwrap();
    assert!(!no.status.success() && String::from_utf8_lossy(&no.stderr).contains("has no branch refs/heads/nope"));

    let side = env.rev_parse(&src, "side");
    env.git_ok(&env.work, &["clone", "-q", &u2, "copy"]);
    let copy = env.dir("copy");
    assert_eq!(env.out(&copy, &["symbolic-ref", "HEAD"]), "refs/heads/side");
    assert_eq!(env.rev_parse(&copy, "HEAD"), side);

    // HEAD elsewhere: main may go, and HEAD stays on side.
    env.git_ok(&src, &["remote", "set-url", "nip", &u2]);
    let run = env.push(&src, &["nip", ":main"]);
    let u3 = env.remote_url(&src, "nip");
    assert!(!env.ls_remote(&u3).contains_key("refs/heads/main"), "{run}");
    assert_eq!(env.index(&url_cid(&u3)).head.as_deref(), Some("refs/heads/side"));
    env.push(&src, &["nip", "main"]);

    // Forced with a lease that holds: deleted, and nip says where HEAD went.
    let u4 = env.remote_url(&src, "nip");
    let run = env.push(&src, &["--force-with-lease", "nip", ":side"]);
    assert!(run.stderr.contains("[deleted]"), "{run}");
    assert!(
        run.stderr.contains("this push deleted refs/heads/side, which the remote's HEAD named; HEAD now names refs/heads/main"),
        "{run}"
    );
    let u5 = env.remote_url(&src, "nip");
    assert_ne!(u5, u4);
    assert_eq!(env.index(&url_cid(&u5)).head.as_deref(), Some("refs/heads/main"));
}

/// Runs nipctl; asserts success; its stdout.
fn nipctl_run(env: &Env, args: &[&str]) -> String {
    let out = env.command(nipctl()).args(args).current_dir(&env.work).output().expect("run nipctl");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "nipctl {args:?} failed:\n{stdout}\n{stderr}");
    stdout.into_owned()
}

/// On a name (`nip::/ipns/`, a node holding its key): the HEAD branch is
/// not deleted, `nipctl head` publishes a new index with HEAD moved, a clone
/// of the name checks that branch out, and a lease forces.
pub fn scenario_head_of_a_name(env: &Env) {
    let src = env.init("src");
    env.commit_file(&src, "a.txt", b"one\n", "first");
    env.commit_file(&src, "a.txt", b"one\ntwo\n", "second");
    env.git_ok(&src, &["branch", "side"]);
    env.git_ok(&src, &["remote", "add", "nip", "nip::new-ipns"]);
    env.push(&src, &["nip", "main", "side"]);
    let url = env.remote_url(&src, "nip");
    assert!(url.starts_with("nip::/ipns/k51"), "{url}");

    let run = env.git_fails(&src, &["push", "nip", ":main"]);
    assert!(run.stderr.contains("deletion of the current branch prohibited"), "{run}");
    assert!(!run.stderr.contains("published"), "{run}");

    let set = nipctl_run(env, &["head", &url, "side"]);
    assert!(set.contains("now names refs/heads/side") && set.contains(&format!("as {url}")), "{set}");
    env.git_ok(&env.work, &["clone", "-q", &url, "copy"]);
    assert_eq!(env.out(&env.dir("copy"), &["symbolic-ref", "HEAD"]), "refs/heads/side");

    let run = env.push(&src, &["nip", ":main"]);
    assert!(run.stderr.contains("[deleted]") && run.stderr.contains("published"), "{run}");
    let rewritten = rewrite(env, &src, "side", "side on the name");
    let run = env.push(&src, &["--force-with-lease", "nip", "side"]);
    assert!(run.stderr.contains("forced update"), "{run}");
    assert_eq!(env.ls_remote(&url).get("refs/heads/side"), Some(&rewritten));
    assert_eq!(env.remote_url(&src, "nip"), url, "a name stays the same URL");
}
