//! End-to-end test harness: the real `git` binary driving `git-remote-nip`.
//!
//! An [`Env`] is one isolated world: a temporary `HOME` with its own git
//! config, a work area for repositories, and a block store backend. Every
//! git command a test runs goes through [`Env::git`], which puts the
//! directory of the freshly built `git-remote-nip` first on `PATH`, clears
//! every `GIT_*`, `NIP_*`, `IPFS_*` and `XDG_*` variable of the machine, and
//! adds [`Env::vars`], the variables that choose the backend:
//! [`Env::local`] sets `NIP_STORE=local` and `NIP_HOME`; [`Env::kubo`] sets
//! `NIP_STORE=kubo` and `NIP_IPFS_API`.
//!
//! The scenarios in [`scenarios`] take an `&Env` and work with any backend.
//! What only one backend can do (list its stored blocks, corrupt a block on disk)
//! is behind methods that return `Option`.
//!
//! Set `NIP_E2E_SHOW=1` (with `--nocapture`) to print the full output of
//! every expected failure.

#![allow(dead_code, clippy::result_large_err)]

/// Tests from one list of scenarios (functions taking an [`Env`]), on the
/// embedded store and on a throwaway Kubo node, so that a scenario added to
/// the list runs on both:
///
/// ```ignore
/// common::backend_tests! {
///     both {
///         test_name => path::to::scenario_function,
///     }
///     local_only {
///         // Why it cannot run on a node, one comment per entry.
///         other_test => path::to::scenario_other,
///     }
///     kubo_only {
///         // Why it needs a node.
///         third_test => path::to::scenario_third,
///     }
/// }
/// ```
///
/// makes `mod local { fn test_name, fn other_test }` and `mod kubo { fn
/// test_name, fn third_test }` (all three sections must be there; a section
/// may be empty). `local => both { … } local_only { … } kubo_only { … }`
/// makes only the embedded store's tests, in the current module, and
/// `kubo => …` only Kubo's: that is how `tests/local_store.rs` and
/// `tests/kubo.rs` share [`scenarios::scenario_tests`]. A Kubo test starts
/// its own daemon, and without Kubo says SKIPPED (fails in CI, see
/// [`kubo::binary_or_skip`]). Paths are resolved from the module that calls
/// the macro.
#[allow(unused_macros)]
macro_rules! backend_tests {
    (@local $($name:ident => $scenario:path,)*) => {
        $(
            #[test]
            fn $name() {
                $scenario(&$crate::common::Env::local());
            }
        )*
    };
    (@kubo $($name:ident => $scenario:path,)*) => {
        $(
            #[test]
            fn $name() {
                let Some(bin) = $crate::common::kubo::binary_or_skip(stringify!($name)) else { return };
                let kubo = $crate::common::kubo::Kubo::start(&bin);
                $scenario(&$crate::common::Env::kubo_node(&kubo));
            }
        )*
    };
    (local => both { $($b:ident => $bs:path,)* }
        local_only { $($l:ident => $ls:path,)* }
        kubo_only { $($k:ident => $ks:path,)* }) => {
        $crate::common::backend_tests!(@local $($b => $bs,)* $($l => $ls,)*);
    };
    (kubo => both { $($b:ident => $bs:path,)* }
        local_only { $($l:ident => $ls:path,)* }
        kubo_only { $($k:ident => $ks:path,)* }) => {
        $crate::common::backend_tests!(@kubo $($b => $bs,)* $($k => $ks,)*);
    };
    (both { $($b:ident => $bs:path,)* }
        local_only { $($l:ident => $ls:path,)* }
        kubo_only { $($k:ident => $ks:path,)* }) => {
        /// The embedded store (`NIP_STORE=local`).
        mod local {
            #[allow(unused_imports)]
            use super::*;
            $crate::common::backend_tests!(@local $($b => $bs,)* $($l => $ls,)*);
        }
        /// A throwaway Kubo node (`NIP_STORE=kubo`).
        mod kubo {
            #[allow(unused_imports)]
            use super::*;
            $crate::common::backend_tests!(@kubo $($b => $bs,)* $($k => $ks,)*);
        }
    };
}
#[allow(unused_imports)]
pub(crate) use backend_tests;

pub mod craft;
pub mod doh;
pub mod fakenode;
pub mod gateway;
pub mod hostile;
pub mod hostile_held;
pub mod hostile_leftovers;
pub mod hostile_messages;
pub mod hostile_sizes;
pub mod kubo;
pub mod misc;
pub mod network;
pub mod pinsvc;
pub mod proxy;
pub mod pushing;
pub mod scenarios;
pub mod settings;

use cid::Cid;
use nip::block::Block;
use nip::format::{Hash, NipIndex, NipObject};
use nip::objmap::ObjectMap;
use nip::records::{self, PackEntry, Record};
use nip::store::{BlockStore, Verified};
use nip::trie::Trie;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use tempfile::TempDir;

/// Where the helper keeps its blocks in this environment.
#[derive(Clone, Debug)]
pub enum Backend {
    /// The embedded store (`NIP_STORE=local`): one pack file (a CAR) and
    /// its index per push under `<home>/packs`.
    Local { home: PathBuf },
    /// A Kubo node (`NIP_STORE=kubo`, `NIP_IPFS_API=<api>`): no list of
    /// blocks to count, so [`Env::block_files`] says `None`; [`Env::tamper`]
    /// reaches a test daemon's flatfs files only.
    Kubo { api: String, ipfs_path: Option<PathBuf> },
}

/// One isolated test world.
pub struct Env {
    /// Shared by [`Env::with_api`] copies; removed when the last goes.
    _tmp: Arc<TempDir>,
    /// Parent of every repository a scenario makes.
    pub work: PathBuf,
    /// `$HOME` for every command (holds the only git config read).
    pub home: PathBuf,
    /// Extra environment for every git command: the backend's settings.
    pub vars: Vec<(String, String)>,
    pub backend: Backend,
    path: OsString,
}

/// The output of one command.
pub struct Run {
    pub what: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The run of a finished command, named `what`.
    pub fn of(what: impl Into<String>, out: std::process::Output) -> Run {
        Run {
            what: what.into(),
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// stderr lines the helper printed (`nip: ...`).
    pub fn nip_lines(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.starts_with("nip:")).collect()
    }

    /// stderr lines `nip: error: ...`.
    pub fn nip_errors(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.starts_with("nip: error:")).collect()
    }

    /// Asserts the command failed the way a user should see a failure:
    /// a non-zero exit (not a signal), no panic, and exactly one
    /// `nip: error:` line, which it returns.
    pub fn one_clean_error(&self) -> String {
        assert!(!self.success(), "expected failure:\n{self}");
        assert!(self.status.code().is_some(), "killed by a signal:\n{self}");
        self.assert_no_panic();
        let errors = self.nip_errors();
        assert_eq!(errors.len(), 1, "expected exactly one `nip: error:` line:\n{self}");
        if std::env::var_os("NIP_E2E_SHOW").is_some() {
            eprintln!("{self}");
        }
        errors[0].to_string()
    }

    pub fn assert_no_panic(&self) {
        assert!(!self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"), "the helper panicked:\n{self}");
    }

    /// The line saying what a push stored: `nip: stored N new objects in
    /// ... (B new blocks, Y bytes)`, or, when the store already had some of
    /// their blocks, `nip: N objects new to this remote; ... already had E
    /// of their blocks and stored B new blocks (Y bytes)`.
    pub fn stored(&self) -> Option<Stored> {
        let line = self.stored_line()?;
        let number = |text: &str| -> u64 {
            text.trim_start_matches('(').parse().unwrap_or_else(|e| panic!("bad number {text:?} in {line:?}: {e}"))
        };
        // The word before `marker`, searched from the end (the store's path
        // comes earlier and may hold anything).
        let before = |marker: &str| -> u64 {
            let at = line.rfind(marker).unwrap_or_else(|| panic!("no {marker:?} in {line:?}"));
            number(line[..at].rsplit(' ').next().unwrap_or_default())
        };
        let objects = line.trim_start_matches("nip: stored ").trim_start_matches("nip: ");
        Some(Stored {
            objects: number(objects.split(' ').next().unwrap_or_default()),
            blocks: before(" new block"),
            bytes: before(" bytes)"),
        })
    }

    /// The `nip: stored ...` (or `nip: N objects new to this remote; ...`) line.
    pub fn stored_line(&self) -> Option<&str> {
        self.stderr
            .lines()
            .find(|l| l.starts_with("nip: stored ") || (l.starts_with("nip: ") && l.contains(" new to this remote; ")))
    }

    /// How many times the helper said a remote moved to a new address.
    pub fn moves(&self) -> usize {
        self.stderr.lines().filter(|l| l.contains("moved to a new address") || l.contains("pushed to a new address")).count()
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "$ {}\n[{}]\n--- stdout\n{}\n--- stderr\n{}", self.what, self.status, self.stdout, self.stderr)
    }
}

/// What a push reported storing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub objects: u64,
    pub blocks: u64,
    pub bytes: u64,
}

/// Options of the repository generator, `bench/synth-repo.py` (its
/// docstring describes the history it makes; the same options give the same
/// object ids on every machine, see `tests/generator.rs`).
#[derive(Clone, Copy, Debug)]
pub struct Synth {
    pub commits: u32,
    pub files: u32,
    pub large: u32,
    pub seed: u32,
}

impl Default for Synth {
    fn default() -> Synth {
        Synth { commits: 60, files: 30, large: 0, seed: 1 }
    }
}

/// The repository generator: `bench/synth-repo.py` of this project (run
/// with `python3`), shared with `scripts/demo.sh` and `bench/run.py`.
pub fn synth_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/synth-repo.py")
}

impl Env {
    /// An environment using the embedded store in a temporary `NIP_HOME`.
    pub fn local() -> Env {
        let tmp = tempfile::Builder::new().prefix("nip-e2e-").tempdir().expect("create temp dir");
        let store = tmp.path().join("nip-home");
        std::fs::create_dir_all(&store).unwrap();
        let vars = vec![("NIP_STORE".to_string(), "local".to_string()), ("NIP_HOME".to_string(), store.display().to_string())];
        Env::new(tmp, Backend::Local { home: store }, vars)
    }

    /// An environment using the Kubo node whose RPC API is `api` (a
    /// multiaddr or `http://host:port`). `NIP_HOME` points into the temporary
    /// directory too, so nothing can land in the machine's own store.
    pub fn kubo(api: &str) -> Env {
        let tmp = tempfile::Builder::new().prefix("nip-e2e-").tempdir().expect("create temp dir");
        let home = tmp.path().join("nip-home");
        let vars = vec![
            ("NIP_STORE".to_string(), "kubo".to_string()),
            ("NIP_IPFS_API".to_string(), api.to_string()),
            ("NIP_HOME".to_string(), home.display().to_string()),
            // A block no connected node has is an error after this long.
            ("NIP_IPFS_TIMEOUT".to_string(), "15".to_string()),
        ];
        Env::new(tmp, Backend::Kubo { api: api.to_string(), ipfs_path: None }, vars)
    }

    /// [`Env::kubo`] for a test daemon whose block files the test may touch.
    pub fn kubo_node(node: &kubo::Kubo) -> Env {
        let mut env = Env::kubo(&node.api);
        env.backend = Backend::Kubo { api: node.api.clone(), ipfs_path: Some(node.path().to_path_buf()) };
        env
    }

    /// The same directories and repositories, talking to the node at `api`
    /// (say, after a restart moved its port).
    pub fn with_api(&self, api: &str) -> Env {
        let Backend::Kubo { .. } = &self.backend else { panic!("with_api needs a Kubo environment") };
        let mut vars: Vec<(String, String)> = self.vars.iter().filter(|(k, _)| k != "NIP_IPFS_API").cloned().collect();
        vars.push(("NIP_IPFS_API".to_string(), api.to_string()));
        Env {
            _tmp: self._tmp.clone(),
            work: self.work.clone(),
            home: self.home.clone(),
            vars,
            backend: Backend::Kubo { api: api.to_string(), ipfs_path: None },
            path: self.path.clone(),
        }
    }

    /// An environment for any backend: `vars` go to every git command.
    pub fn new(tmp: TempDir, backend: Backend, vars: Vec<(String, String)>) -> Env {
        let home = tmp.path().join("home");
        let work = tmp.path().join("work");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Nip Tester\n\temail = tester@example.org\n\
             [init]\n\tdefaultBranch = main\n\
             [gc]\n\tauto = 0\n\
             [maintenance]\n\tauto = false\n\
             [advice]\n\tdetachedHead = false\n",
        )
        .unwrap();
        let helper = PathBuf::from(env!("CARGO_BIN_EXE_git-remote-nip"));
        let bindir = helper.parent().expect("helper has a directory").to_path_buf();
        let mut dirs = vec![bindir];
        if let Some(p) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&p));
        }
        let path = std::env::join_paths(dirs).expect("PATH");
        Env { _tmp: Arc::new(tmp), work, home, vars, backend, path }
    }

    /// `work/<name>`.
    pub fn dir(&self, name: &str) -> PathBuf {
        self.work.join(name)
    }

    /// A command with this environment's variables.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.starts_with("GIT_")
                || k.starts_with("NIP_")
                || k.starts_with("IPFS_")
                || k.starts_with("XDG_")
                || k == "RUST_LOG"
            {
                cmd.env_remove(&k);
            }
        }
        cmd.env("PATH", &self.path)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Nip Tester")
            .env("GIT_AUTHOR_EMAIL", "tester@example.org")
            .env("GIT_COMMITTER_NAME", "Nip Tester")
            .env("GIT_COMMITTER_EMAIL", "tester@example.org")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .env("LANG", "C")
            // No gateway unless a test names one: with no node, the default
            // public gateways would be asked for blocks a store lacks.
            .env("NIP_GATEWAYS", "")
            .stdin(Stdio::null());
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs `git args` in `dir`, whatever its outcome.
    pub fn git(&self, dir: &Path, args: &[&str]) -> Run {
        let out = self.command("git").args(args).current_dir(dir).output().unwrap_or_else(|e| panic!("cannot run git: {e}"));
        Run {
            what: format!("(in {}) git {}", dir.display(), args.join(" ")),
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs `nipctl args` in the work area, whatever its outcome.
    pub fn nipctl_run(&self, args: &[&str]) -> Run {
        let out = self.command(nipctl()).args(args).current_dir(&self.work).output().expect("run nipctl");
        Run::of(format!("nipctl {}", args.join(" ")), out)
    }

    /// Runs git and asserts success (no panic either).
    pub fn git_ok(&self, dir: &Path, args: &[&str]) -> Run {
        let run = self.git(dir, args);
        assert!(run.success(), "git failed:\n{run}");
        run.assert_no_panic();
        run
    }

    /// Runs git and returns its trimmed stdout, asserting success.
    pub fn out(&self, dir: &Path, args: &[&str]) -> String {
        self.git_ok(dir, args).stdout.trim_end().to_string()
    }

    /// Runs git with `input` on stdin; asserts success, returns trimmed stdout.
    pub fn git_input(&self, dir: &Path, args: &[&str], input: &[u8]) -> String {
        use std::io::Write;
        let mut child = self
            .command("git")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run git: {e}"));
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().expect("write git's stdin");
        let run = Run {
            what: format!("(in {}) git {} <input>", dir.display(), args.join(" ")),
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(run.success(), "git failed:\n{run}");
        run.stdout.trim_end().to_string()
    }

    /// Runs git and asserts it failed.
    pub fn git_fails(&self, dir: &Path, args: &[&str]) -> Run {
        let run = self.git(dir, args);
        assert!(!run.success(), "git should have failed:\n{run}");
        run.assert_no_panic();
        run
    }

    /// Makes `work/<name>` with `bench/synth-repo.py`.
    pub fn synth(&self, name: &str, opts: Synth) -> PathBuf {
        let out = self.dir(name);
        let run = self
            .command("python3")
            .arg(synth_script())
            .arg(&out)
            .args(["--commits", &opts.commits.to_string()])
            .args(["--files", &opts.files.to_string()])
            .args(["--large", &opts.large.to_string()])
            .args(["--seed", &opts.seed.to_string()])
            .output()
            .expect("cannot run python3, which the tests need for bench/synth-repo.py");
        assert!(
            run.status.success(),
            "synth-repo.py failed: {}\n{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        out
    }

    /// An empty non-bare repository `work/<name>`.
    pub fn init(&self, name: &str) -> PathBuf {
        let dir = self.dir(name);
        self.git_ok(&self.work, &["init", "-q", "-b", "main", name]);
        dir
    }

    /// The block store the helper uses, opened from the test.
    pub fn store(&self) -> Box<dyn BlockStore> {
        match &self.backend {
            Backend::Local { home } => Box::new(nip::store::local::LocalStore::open(home).expect("open the embedded store")),
            Backend::Kubo { api, .. } => Box::new(nip::store::kubo::KuboStore::new(kubo_client(api))),
        }
    }

    /// Every stored block (CID text → size), where the backend can list them
    /// (the embedded store's pack indexes; a Kubo node: `None`). The name is
    /// older than the packs: the store once kept one file per block.
    pub fn block_files(&self) -> Option<BTreeMap<String, u64>> {
        match &self.backend {
            Backend::Local { home } => {
                let store = nip::store::local::LocalStore::open(home).expect("open the embedded store");
                Some(store.list().expect("list blocks").into_iter().map(|(c, n)| (c.to_string(), n)).collect())
            }
            Backend::Kubo { .. } => None,
        }
    }

    /// Replaces the stored bytes of a block with `f(old)`, where the backend
    /// lets a test reach them; false if it does not. In a pack the new bytes
    /// take the old ones' place: cut or padded with zeros to the same length.
    pub fn tamper(&self, cid: &Cid, f: &dyn Fn(&[u8]) -> Vec<u8>) -> bool {
        match &self.backend {
            Backend::Local { home } => {
                use std::os::unix::fs::FileExt;
                let store = nip::store::local::LocalStore::open(home).expect("open the embedded store");
                let loc = store.locate(cid).unwrap_or_else(|| panic!("{cid} is not in the embedded store"));
                let file = std::fs::OpenOptions::new().read(true).write(true).open(&loc.pack).unwrap();
                let mut old = vec![0; loc.len as usize];
                file.read_exact_at(&mut old, loc.offset).unwrap();
                let mut new = f(&old);
                new.resize(old.len(), 0);
                file.write_all_at(&new, loc.offset).unwrap();
                true
            }
            Backend::Kubo { ipfs_path: Some(p), .. } => {
                let path = kubo::flatfs_path(p, cid);
                let old = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                std::fs::write(&path, f(&old)).unwrap();
                true
            }
            Backend::Kubo { ipfs_path: None, .. } => false,
        }
    }

    /// Runs the `ipfs` CLI on the test node this environment talks to and
    /// returns its stdout, where the environment is a test node's
    /// ([`Env::kubo_node`]); `None` otherwise.
    pub fn ipfs_cli(&self, args: &[&str]) -> Option<Vec<u8>> {
        let Backend::Kubo { ipfs_path: Some(path), .. } = &self.backend else { return None };
        let bin = kubo::binary()?;
        let out = Command::new(bin)
            .env("IPFS_PATH", path)
            .env("IPFS_TELEMETRY", "off")
            .env_remove("IPFS_API")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run ipfs");
        assert!(out.status.success(), "ipfs {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        Some(out.stdout)
    }

    /// Writes blocks into the store in one session.
    pub fn put_blocks(&self, blocks: Vec<Block>) {
        if let Backend::Kubo { api, .. } = &self.backend {
            // block/put stores bytes as they are; dag/import would refuse the
            // broken blocks some scenarios need.
            kubo_client(api).block_put_many(&blocks).expect("block/put");
            return;
        }
        let store = self.store();
        let mut w = store.writer().expect("open a write session");
        let root = blocks.last().map(|b| b.cid).expect("at least one block");
        for b in blocks {
            w.put(b).expect("put block");
        }
        w.finish(&root, None).expect("finish write session");
    }

    /// Reads and decodes the index at `cid` (either format), with its refs
    /// (a format 2 index's refs trie is read whole).
    pub fn index(&self, cid: &Cid) -> NipIndex {
        let store = self.store();
        let v = Verified::new(store.as_ref());
        nip::records::read_index(&v, cid).expect("read and decode index")
    }

    /// The raw bytes of a block (verified).
    pub fn block(&self, cid: &Cid) -> Vec<u8> {
        let store = self.store();
        let bytes = Verified::new(store.as_ref()).get(cid).expect("read block");
        bytes
    }

    /// The format 1 NIPObject of `oid` in the format 1 repository at
    /// `index`: its CID and body. Format 2 has no NIPObject blocks (see
    /// [`Env::record`]); kept for tests of format 1 addresses, which are
    /// still read.
    pub fn object(&self, index: &Cid, oid: &str) -> Option<(Cid, NipObject)> {
        let idx = self.index(index);
        assert!(idx.v2.is_none(), "Env::object reads format 1 indexes; {index} is format 2: use Env::record");
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let map = ObjectMap::new(&v, idx.objects);
        let cid = map.lookup_many(&[hash(oid)]).expect("object map lookup")[0]?;
        let bytes = v.get(&cid).expect("read NIPObject");
        Some((cid, NipObject::from_block(&cid, &bytes).expect("decode NIPObject")))
    }

    /// The record (format 2's NIPObject) of `oid` in the object map of the
    /// format 2 index at `index`.
    pub fn record(&self, index: &Cid, oid: &str) -> Option<Record> {
        let idx = self.index(index);
        assert!(idx.v2.is_some(), "{index} is not a format 2 index");
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let map: Trie<'_, Record> = Trie::new(&v, records::OBJECTS, Some(idx.objects));
        map.lookup_many(&[hash(oid).0]).expect("object map lookup").pop().flatten()
    }

    /// Every record of the object map of the format 2 index at `index`.
    pub fn records(&self, index: &Cid) -> Vec<Record> {
        let idx = self.index(index);
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let map: Trie<'_, Record> = Trie::new(&v, records::OBJECTS, Some(idx.objects));
        map.all_with_blocks(usize::MAX).expect("read the object map").0
    }

    /// The shard of the object map at `index` whose key range holds `oid`
    /// (a leaf, reached from the root by `oid`'s nibbles), and every shard
    /// of the map (CIDs; the root first).
    pub fn map_leaf_of(&self, index: &Cid, oid: &str) -> Cid {
        let idx = self.index(index);
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let key = hash(oid).0;
        let mut at = idx.objects;
        for depth in 0..nip::trie::MAX_DEPTH {
            let bytes = v.get(&at).expect("read a map shard");
            match records::OBJECTS.decode::<Record>(&at, &bytes).expect("decode a map shard") {
                nip::trie::Shard::Leaf(_) => return at,
                nip::trie::Shard::Node(slots) => {
                    let b = key[depth / 2];
                    let nibble = if depth % 2 == 0 { b >> 4 } else { b & 15 };
                    at = slots[nibble as usize].unwrap_or_else(|| panic!("no shard for {oid} in {index}"));
                }
            }
        }
        panic!("the object map of {index} is deeper than any key");
    }

    /// Every shard of the object map of the format 2 index at `index`:
    /// (CID, is a leaf, block length), the root first.
    pub fn map_shards(&self, index: &Cid) -> Vec<(Cid, bool, usize)> {
        let idx = self.index(index);
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let mut out = Vec::new();
        let mut queue = std::collections::VecDeque::from([idx.objects]);
        while let Some(cid) = queue.pop_front() {
            let bytes = v.get(&cid).expect("read a map shard");
            match records::OBJECTS.decode::<Record>(&cid, &bytes).expect("decode a map shard") {
                nip::trie::Shard::Leaf(_) => out.push((cid, true, bytes.len())),
                nip::trie::Shard::Node(slots) => {
                    out.push((cid, false, bytes.len()));
                    queue.extend(slots.into_iter().flatten());
                }
            }
        }
        out
    }

    /// The packs list of the format 2 index at `index`, in push order.
    pub fn pack_list(&self, index: &Cid) -> Vec<PackEntry> {
        let idx = self.index(index);
        let links = idx.v2.unwrap_or_else(|| panic!("{index} is not a format 2 index"));
        let Some(root) = links.packs else { return Vec::new() };
        let store = self.store();
        let v = Verified::new(store.as_ref());
        records::read_packs(&v, &root).expect("read the packs list")
    }

    /// The bytes of a pack, read through the store as the UnixFS file it
    /// is (every block verified).
    pub fn pack_bytes(&self, pack: &PackEntry) -> Vec<u8> {
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let mut out = Vec::with_capacity(pack.bytes as usize);
        nip::unixfs::read(&v, &pack.pack, None, pack.bytes, &mut |c| {
            out.extend_from_slice(c);
            Ok(())
        })
        .expect("read the pack's UnixFS file");
        out
    }

    /// The blocks of the UnixFS file at `root`: its raw leaves in file
    /// order, and its dag-pb nodes (a file of one chunk is one raw leaf and
    /// no node).
    pub fn file_blocks(&self, root: &Cid) -> (Vec<Cid>, Vec<Cid>) {
        let store = self.store();
        let v = Verified::new(store.as_ref());
        let (mut leaves, mut nodes) = (Vec::new(), Vec::new());
        let mut stack = vec![*root];
        while let Some(cid) = stack.pop() {
            if cid.codec() == nip::block::RAW {
                leaves.push(cid);
                continue;
            }
            let bytes = v.get(&cid).expect("read a UnixFS node");
            let node = nip::unixfs::decode_node(&cid, &bytes).expect("decode a UnixFS node");
            nodes.push(cid);
            stack.extend(node.links.into_iter().rev());
        }
        (leaves, nodes)
    }

    /// Stores `bytes` as a UnixFS file (as a push stores a pack); returns
    /// its root.
    pub fn put_file(&self, bytes: &[u8]) -> Cid {
        let (blocks, root) = nip::unixfs::encode(bytes);
        self.put_blocks(blocks);
        root
    }

    /// Writes a format 2 index like the one at `base` whose object map
    /// holds `records` and whose packs list holds `packs` (each built
    /// whole with nip's own encoders), refs, head and counts kept;
    /// returns the new index. Its `previous` is `base`'s.
    pub fn forge_v2_index(&self, base: &Cid, records: Vec<Record>, packs: Vec<PackEntry>) -> Cid {
        let idx = self.index(base);
        let links = idx.v2.unwrap_or_else(|| panic!("{base} is not a format 2 index"));
        let mut blocks = Vec::new();
        let mut entries: Vec<(Record, usize)> = records.into_iter().map(|r| nip::trie::sized(r).unwrap()).collect();
        entries.sort_by_key(|(r, _)| r.oid);
        entries.dedup_by_key(|(r, _)| r.oid);
        let objects = records::OBJECTS
            .build(&entries, 0, &mut |b| {
                blocks.push(b);
                Ok(())
            })
            .expect("build the object map");
        let packs_root = if packs.is_empty() {
            None
        } else {
            let chunks = packs.len() / records::PACKS_CHUNK;
            let mut chunk_cids = Vec::new();
            for c in packs.chunks(records::PACKS_CHUNK).take(chunks) {
                let block = nip::format::encode_v2(records::KIND_PACKS_CHUNK, &c.to_vec()).unwrap();
                chunk_cids.push(block.cid);
                blocks.push(block);
            }
            let tail = packs[chunks * records::PACKS_CHUNK..].to_vec();
            let block = nip::format::encode_v2(records::KIND_PACKS, &(chunk_cids, tail)).unwrap();
            let cid = block.cid;
            blocks.push(block);
            Some(cid)
        };
        let new = NipIndex { objects, v2: Some(nip::format::IndexLinks { refs: links.refs, packs: packs_root }), ..idx };
        let block = new.to_block().unwrap();
        let cid = block.cid;
        blocks.push(block);
        self.put_blocks(blocks);
        cid
    }
}

/// A client for the test node at `api`.
pub fn kubo_client(api: &str) -> nip::kubo::Client {
    let endpoint = nip::kubo::discover::parse_endpoint(api).unwrap_or_else(|| panic!("{api:?} is not an API address"));
    let api = nip::kubo::Api { endpoint, source: "the test harness".to_string(), auth: None };
    nip::kubo::Client::new(api).expect("Kubo client")
}

/// The `nipctl` binary built beside the helper (`cargo test --workspace`
/// builds it before any test runs).
pub fn nipctl() -> PathBuf {
    let helper = PathBuf::from(env!("CARGO_BIN_EXE_git-remote-nip"));
    let path = helper.with_file_name("nipctl");
    assert!(path.is_file(), "{} is missing: run the tests with `cargo test --workspace`", path.display());
    path
}

/// A git hash from hex.
pub fn hash(oid: &str) -> Hash {
    Hash::from(git2::Oid::from_str(oid).unwrap_or_else(|e| panic!("{oid:?} is not an oid: {e}")))
}

/// The CID in a `nip::/ipfs/<cid>` URL.
pub fn url_cid(url: &str) -> Cid {
    let s = url.strip_prefix("nip::/ipfs/").unwrap_or_else(|| panic!("{url:?} is not a nip::/ipfs/ URL"));
    Cid::try_from(s).unwrap_or_else(|e| panic!("{url:?}: {e}"))
}

/// `nip::/ipfs/<cid>`.
pub fn url_of(cid: &Cid) -> String {
    format!("nip::/ipfs/{cid}")
}

impl Env {
    /// `remote.<name>.url` of `repo`.
    pub fn remote_url(&self, repo: &Path, name: &str) -> String {
        self.out(repo, &["config", &format!("remote.{name}.url")])
    }

    /// Every ref of `repo` (`for-each-ref`): name → oid.
    pub fn refs(&self, repo: &Path) -> BTreeMap<String, String> {
        self.out(repo, &["for-each-ref", "--format=%(refname) %(objectname)"])
            .lines()
            .map(|l| {
                let (n, o) = l.split_once(' ').unwrap();
                (n.to_string(), o.to_string())
            })
            .collect()
    }

    /// `git ls-remote <url>`: name → oid, without `HEAD` and peeled tags
    /// (`refs/tags/<t>^{}`).
    pub fn ls_remote(&self, url: &str) -> BTreeMap<String, String> {
        let mut refs = self.ls_remote_all(url);
        refs.retain(|name, _| name != "HEAD" && !name.ends_with("^{}"));
        refs
    }

    /// `git ls-remote <url>`: name → oid, `HEAD` included.
    pub fn ls_remote_all(&self, url: &str) -> BTreeMap<String, String> {
        self.out(&self.work, &["ls-remote", url])
            .lines()
            .map(|l| {
                let (o, n) = l.split_once('\t').unwrap();
                (n.to_string(), o.to_string())
            })
            .collect()
    }

    pub fn rev_parse(&self, repo: &Path, rev: &str) -> String {
        self.out(repo, &["rev-parse", "--verify", "--end-of-options", rev])
    }

    /// Number of lines of `git rev-list --objects <args>`.
    pub fn count_rev_list_objects(&self, repo: &Path, args: &[&str]) -> usize {
        let mut a = vec!["rev-list", "--objects"];
        a.extend_from_slice(args);
        self.out(repo, &a).lines().filter(|l| !l.is_empty()).count()
    }

    /// `git count-objects -v` as a map.
    pub fn count_objects(&self, repo: &Path) -> BTreeMap<String, u64> {
        self.out(repo, &["count-objects", "-v"])
            .lines()
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_string(), v.trim().parse().unwrap_or(0)))
            .collect()
    }

    /// The pack files of a repository.
    pub fn packs(&self, repo: &Path) -> Vec<String> {
        let dir = repo.join(".git/objects/pack");
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Asserts `git fsck --strict` finds nothing.
    pub fn fsck(&self, repo: &Path) {
        let run = self.git_ok(repo, &["fsck", "--strict", "--no-progress", "--no-dangling"]);
        let noise: Vec<&str> = run.stdout.lines().chain(run.stderr.lines()).filter(|l| !l.trim().is_empty()).collect();
        assert!(noise.is_empty(), "git fsck --strict reported problems:\n{run}");
    }

    /// Writes `content` to `file` in `repo` and commits it; returns the commit.
    pub fn commit_file(&self, repo: &Path, file: &str, content: &[u8], msg: &str) -> String {
        let path = repo.join(file);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).unwrap();
        }
        std::fs::write(&path, content).unwrap();
        self.git_ok(repo, &["add", "--", file]);
        self.git_ok(repo, &["commit", "-q", "-m", msg]);
        self.rev_parse(repo, "HEAD")
    }

    /// Appends a line to a tracked file and commits; returns the commit.
    pub fn append_commit(&self, repo: &Path, file: &str, line: &str) -> String {
        let mut content = std::fs::read(repo.join(file)).unwrap_or_default();
        content.extend_from_slice(line.as_bytes());
        content.push(b'\n');
        self.commit_file(repo, file, &content, &format!("edit {file}: {line}"))
    }

    /// `git push <args>` that must succeed; returns the run.
    pub fn push(&self, repo: &Path, args: &[&str]) -> Run {
        let mut a = vec!["push"];
        a.extend_from_slice(args);
        self.git_ok(repo, &a)
    }

    /// A synthetic repository with a remote `nip` (`nip::new-ipfs`) that
    /// `git push --all` has filled; its URL is now the pushed address.
    pub fn synth_pushed(&self, name: &str, opts: Synth) -> PathBuf {
        let repo = self.synth(name, opts);
        self.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
        self.push(&repo, &["--all", "nip"]);
        repo
    }
}

/// Deterministic non-trivial bytes (xorshift64*).
pub fn prng_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out.extend_from_slice(&x.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}
