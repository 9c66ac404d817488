//! The repository generator, `bench/synth-repo.py`, which every end-to-end
//! test, `scripts/demo.sh` and `bench/run.py` use: the same arguments give
//! the same object ids on every run and every machine (two runs agree, and
//! the ids of one small repository are pinned here, so a change of the
//! generator's output, or of what it depends on, is seen), and the history
//! has what the scenarios rely on (feature branches, tags, `stable`, the
//! empty file, large blobs).
//!
//! A change of the generator that changes its output must update the pinned
//! ids below, and says so in CHANGELOG.md: benchmark numbers made before it
//! are of other repositories.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `main` of `synth-repo.py OUT --commits 60 --files 30 --large 0 --seed 1`
/// (the tests' default, `common::Synth::default()`).
const PINNED_MAIN: &str = "ed5aace3da562f2b51f0d7d5f5f255c13906e489";
/// Every branch and tag of that repository, as `git for-each-ref` prints them.
const PINNED_REFS: &str = "\
4a7bdb97d6c716073445b8cea944c784369eae47 commit\trefs/heads/feature/1
6bfb4eb2b32bf535f6a0a33dd4b601ff9128e6eb commit\trefs/heads/feature/2
ed5aace3da562f2b51f0d7d5f5f255c13906e489 commit\trefs/heads/main
ed5aace3da562f2b51f0d7d5f5f255c13906e489 commit\trefs/heads/stable
";

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// A temporary `HOME` whose git config would change a generator that
    /// read it: new repositories in SHA-256, another default branch.
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".gitconfig"),
            "[init]\n\tdefaultObjectFormat = sha256\n\tdefaultBranch = trunk\n[user]\n\tname = Someone Else\n\temail = else@example.com\n",
        )
        .unwrap();
        Sandbox { dir }
    }

    fn git(&self, repo: &Path, args: &[&str]) -> String {
        let out = self.command("git").arg("-C").arg(repo).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("GIT_") {
                cmd.env_remove(&k);
            }
        }
        cmd.env("HOME", self.dir.path()).env_remove("XDG_CONFIG_HOME").env("GIT_CONFIG_NOSYSTEM", "1");
        cmd
    }

    /// Runs the generator into `<sandbox>/<name>`; returns the repository.
    fn synth(&self, name: &str, args: &[&str]) -> PathBuf {
        let out = self.dir.path().join(name);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/synth-repo.py");
        let run = self.command("python3").arg(&script).arg(&out).args(args).output().expect("run python3");
        assert!(
            run.status.success(),
            "synth-repo.py {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        out
    }

    /// Every object of every ref, with its path, and every ref.
    fn everything(&self, repo: &Path) -> String {
        self.git(repo, &["for-each-ref"]) + &self.git(repo, &["rev-list", "--objects", "--all"])
    }
}

#[test]
fn same_arguments_same_ids() {
    let s = Sandbox::new();
    let args = ["--commits", "60", "--files", "30", "--large", "1", "--seed", "5"];
    let a = s.synth("a", &args);
    let b = s.synth("b", &args);
    assert_eq!(s.everything(&a), s.everything(&b), "two runs of synth-repo.py {args:?} differ");
    let c = s.synth("c", &["--commits", "60", "--files", "30", "--large", "1", "--seed", "6"]);
    assert_ne!(s.git(&a, &["rev-parse", "main"]), s.git(&c, &["rev-parse", "main"]), "the seed changes nothing");
    let bare = s.synth("bare.git", &["--bare", "--commits", "60", "--files", "30", "--large", "1", "--seed", "5"]);
    assert_eq!(s.everything(&bare), s.everything(&a), "--bare makes another repository");
}

#[test]
fn ids_are_pinned() {
    let s = Sandbox::new();
    let repo = s.synth("pinned", &["--commits", "60", "--files", "30", "--large", "0", "--seed", "1"]);
    assert_eq!(s.git(&repo, &["rev-parse", "--show-object-format"]).trim(), "sha1");
    assert_eq!(s.git(&repo, &["symbolic-ref", "HEAD"]).trim(), "refs/heads/main");
    assert_eq!(
        s.git(&repo, &["rev-parse", "main"]).trim(),
        PINNED_MAIN,
        "synth-repo.py's output changed: update PINNED_MAIN and PINNED_REFS, and say so in CHANGELOG.md"
    );
    assert_eq!(s.git(&repo, &["for-each-ref"]), PINNED_REFS);
    assert_eq!(s.git(&repo, &["status", "--porcelain"]), "", "main is checked out clean");
}

/// What the scenarios rely on: feature/1 and feature/2 in 60 commits, the
/// tags of 250 commits, `stable` at main, the empty file, large blobs.
#[test]
fn history_has_what_the_scenarios_use() {
    let s = Sandbox::new();
    let repo = s.synth("shape", &["--commits", "260", "--files", "12", "--large", "3", "--seed", "3"]);
    let refs = s.git(&repo, &["for-each-ref", "--format=%(refname) %(objecttype)"]);
    for want in [
        "refs/heads/feature/1 commit",
        "refs/heads/feature/2 commit",
        "refs/heads/feature/7 commit",
        "refs/heads/main commit",
        "refs/heads/stable commit",
        "refs/tags/snapshot-100 commit",
        "refs/tags/snapshot-200 commit",
        "refs/tags/v0.1.0 tag",
    ] {
        assert!(refs.lines().any(|l| l == want), "no {want:?} in\n{refs}");
    }
    assert_eq!(s.git(&repo, &["rev-parse", "main"]), s.git(&repo, &["rev-parse", "stable"]));
    assert_eq!(s.git(&repo, &["rev-list", "--count", "main", "feature/7"]).trim(), "260");
    let merges = s.git(&repo, &["rev-list", "--merges", "main"]);
    assert!(merges.lines().count() >= 6, "feature branches are merged back:\n{merges}");
    // The merge of feature/1 has its changes: every path the feature changed
    // differs from main's side of the merge.
    let feature = s.git(&repo, &["rev-parse", "feature/1"]);
    let merges = s.git(&repo, &["log", "--merges", "--format=%H %P", "main"]);
    let merge = merges.lines().find(|l| l.ends_with(feature.trim())).expect("feature/1 is merged into main");
    let merge = merge.split(' ').next().unwrap();
    let changed =
        |a: &str, b: &str| -> Vec<String> { s.git(&repo, &["diff", "--name-only", a, b]).lines().map(String::from).collect() };
    let by_feature = changed(&format!("{merge}^1"), &format!("{merge}^2"));
    let by_merge = changed(&format!("{merge}^1"), merge);
    assert!(!by_feature.is_empty() && by_feature.iter().all(|p| by_merge.contains(p)), "{by_feature:?} {by_merge:?}");
    assert_eq!(s.git(&repo, &["rev-parse", "main:empty"]).trim(), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", "the empty file");
    let sizes: Vec<u64> = s
        .git(&repo, &["ls-tree", "-r", "-l", "main", "assets/"])
        .lines()
        .filter(|l| l.contains("assets/large"))
        .map(|l| l.split_whitespace().nth(3).unwrap().parse().unwrap())
        .collect();
    assert_eq!(sizes.len(), 3, "three large blobs");
    assert!(sizes.iter().all(|&n| n > 1 << 20), "{sizes:?}");
    assert_eq!(s.git(&repo, &["cat-file", "-t", "v0.1.0"]).trim(), "tag");
    s.git(&repo, &["fsck", "--strict", "--no-progress"]);
}
