//! `nip-fuzz`: fuzz targets for every decoder of data nip reads from the
//! network, on stable Rust, with nothing beyond cargo.
//!
//! ```text
//! nip-fuzz list
//! nip-fuzz <target|all|t1,t2,...> [--seconds N] [--seed S] [--corpus DIR] [--artifacts DIR]
//! nip-fuzz replay <target> <file|dir>...
//! nip-fuzz seed-corpus --store NIP_HOME --repo GIT_DIR --out DIR
//! ```
//!
//! # Why this harness
//!
//! `cargo fuzz` (libFuzzer) needs nightly, which cannot be installed here,
//! and `cargo-afl` needs AFL++ built from source and a second toolchain
//! step in CI. nip's decoders are small, pure functions of a byte slice,
//! and an earlier review ran 17 million mutated blocks through them with
//! this kind of loop. So the harness is ~1,000 lines in this crate with no
//! dependency nip does not already have: a seeded PRNG (SplitMix64), a
//! mutator that knows a little of CBOR, protobuf and varints (bit flips,
//! interesting bytes, truncations, insertions, repeats, splices between
//! corpus entries, tokens from a per-target dictionary, varint
//! continuation bytes, CBOR heads re-encoded in longer, non-canonical
//! forms), and for the encoders' own types, generated valid values. It is
//! not coverage-guided: it finds what mutation of real blocks finds, fast,
//! and anywhere `cargo` runs, which is what CI needs.
//!
//! # How a run goes
//!
//! Each target runs in a worker process (this binary, `worker`), so that a
//! crash that kills the process (an abort, a stack overflow, an allocation
//! failure) or a hang is caught too. Input `i` is a pure function of
//! (seed, target, `i`, corpus): the first inputs are the corpus files
//! unmutated, then mutations of them. A worker reports progress every
//! 100 ms; a panic or a broken invariant is written to
//! `fuzz/artifacts/<target>/crash-<hash>` by the worker itself, and a death
//! or a hang (no progress for 20 s) is found again by replaying from the
//! last progress report with each input written to disk before it runs.
//! The run then exits non-zero and names the file, which
//! `nip-fuzz replay <target> <file>` runs again (under a debugger if need be).
//!
//! Debug builds keep overflow checks: `cargo run -p nip-fuzz` finds an
//! arithmetic overflow as a panic. The long run uses `--profile fuzz`
//! (release with overflow checks and debug assertions kept).

mod mem;
mod mutate;
mod seeds;
mod targets;

use mutate::{fnv1a, Rng};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use targets::{Target, TARGETS};

const PROGRESS_EVERY: Duration = Duration::from_millis(100);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nip-fuzz: {e}");
            eprintln!("{}", usage());
            2
        }
    };
    std::process::exit(code);
}

fn usage() -> String {
    let mut s = String::from(
        "usage: nip-fuzz <target|all|t1,t2,...> [--seconds N] [--seed S] [--corpus DIR] [--artifacts DIR]\n       \
         nip-fuzz replay <target> <file|dir>...\n       nip-fuzz list\n       \
         nip-fuzz seed-corpus --store NIP_HOME --repo GIT_DIR --out DIR\n       \
         nip-fuzz self-test     (the harness finds a panic, a broken invariant, an abort and a hang)\n\
         --seconds is the whole run's time, shared evenly by the targets (default 60).\ntargets:",
    );
    for t in TARGETS {
        s.push_str(&format!("\n  {:<12} {}", t.name, t.about));
    }
    s
}

/// Options common to every command.
#[derive(Clone)]
struct Opts {
    seconds: f64,
    seed: u64,
    /// A worker silent this long is hung.
    hang: Duration,
    corpus: PathBuf,
    artifacts: PathBuf,
    from: u64,
    count: u64,
    record: Option<PathBuf>,
    store: Option<PathBuf>,
    repo: Option<PathBuf>,
    out: Option<PathBuf>,
    rest: Vec<String>,
}

fn parse_opts(args: &[String]) -> Result<Opts, String> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut o = Opts {
        seconds: 60.0,
        hang: Duration::from_secs(20),
        seed: 0x6e69_7066_757a_7a00,
        corpus: here.join("corpus"),
        artifacts: here.join("artifacts"),
        from: 0,
        count: u64::MAX,
        record: None,
        store: None,
        repo: None,
        out: None,
        rest: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--seconds" => o.seconds = val(a)?.parse().map_err(|_| "--seconds takes a number".to_string())?,
            "--hang" => o.hang = Duration::from_secs_f64(val(a)?.parse().map_err(|_| "--hang takes seconds".to_string())?),
            "--seed" => o.seed = val(a)?.parse().map_err(|_| "--seed takes an integer".to_string())?,
            "--corpus" => o.corpus = val(a)?.into(),
            "--artifacts" => o.artifacts = val(a)?.into(),
            "--from" => o.from = val(a)?.parse().map_err(|_| "--from takes an integer".to_string())?,
            "--count" => o.count = val(a)?.parse().map_err(|_| "--count takes an integer".to_string())?,
            "--record" => o.record = Some(val(a)?.into()),
            "--store" => o.store = Some(val(a)?.into()),
            "--repo" => o.repo = Some(val(a)?.into()),
            "--out" => o.out = Some(val(a)?.into()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => o.rest.push(a.clone()),
        }
    }
    Ok(o)
}

fn target(name: &str) -> Result<&'static Target, String> {
    targets::find(name).ok_or_else(|| format!("no target {name:?}"))
}

fn run(args: &[String]) -> Result<i32, String> {
    let Some(cmd) = args.first() else { return Err("no target given".into()) };
    let o = parse_opts(&args[1..])?;
    match cmd.as_str() {
        "list" | "--help" | "-h" | "help" => {
            println!("{}", usage());
            Ok(0)
        }
        "worker" => {
            let t = target(o.rest.first().ok_or("worker needs a target")?)?;
            Ok(worker(t, &o))
        }
        "replay" => {
            let t = target(o.rest.first().ok_or("replay needs a target")?)?;
            replay(t, &o.rest[1..])
        }
        "self-test" => Ok(self_test(&o)),
        "seed-corpus" => {
            let need = |p: &Option<PathBuf>, n: &str| p.clone().ok_or_else(|| format!("seed-corpus needs {n}"));
            seeds::write(&need(&o.store, "--store")?, &need(&o.repo, "--repo")?, &need(&o.out, "--out")?)?;
            Ok(0)
        }
        names => {
            let chosen: Vec<&Target> =
                if names == "all" { TARGETS.iter().collect() } else { names.split(',').map(target).collect::<Result<_, _>>()? };
            Ok(supervise(&chosen, &o))
        }
    }
}

// ------------------------------------------------------------------ inputs

/// The corpus of a target: its files (sorted by name), then its built-in seeds.
fn corpus(t: &Target, h: &dyn targets::Harness, dir: &Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for sub in t.corpora {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
            .unwrap_or_default();
        files.sort();
        out.extend(files.iter().filter_map(|f| std::fs::read(f).ok()));
    }
    out.extend(h.seeds());
    out
}

/// Input `i`: the corpus entries first, as they are, then mutations.
fn input(t: &Target, h: &mut dyn targets::Harness, corpus: &[Vec<u8>], seed: u64, i: u64) -> Result<Vec<u8>, String> {
    if let Some(c) = usize::try_from(i).ok().and_then(|i| corpus.get(i)) {
        return Ok(c.clone());
    }
    let mut rng = Rng::for_input(seed, t.name, i);
    let mut data = if rng.one_in(8) {
        match h.generate(&mut rng) {
            Some(g) => {
                let g = g.map_err(|e| format!("a generated input: {e}"))?;
                if rng.one_in(2) {
                    return Ok(g);
                }
                g
            }
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    if data.is_empty() && !corpus.is_empty() {
        data = rng.pick(corpus).clone();
    }
    let other: &[u8] = if corpus.is_empty() { &[] } else { rng.pick(corpus).as_slice() };
    mutate::mutate(&mut rng, &mut data, other, t.dict, t.max_len);
    Ok(data)
}

// ------------------------------------------------------------------ worker

/// The last panic's message, on any thread; empty if none since the
/// input began. A decoder that runs on a thread of its own (a fetch's
/// verifier) turns a panic into an error, and this still sees it.
static PANIC: Mutex<String> = Mutex::new(String::new());

fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut p) = PANIC.lock() {
            *p = info.to_string();
        }
    }));
}

fn last_panic() -> String {
    PANIC.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default()
}

/// Runs one input: `Err` names a panic or a broken invariant.
fn run_one(h: &mut dyn targets::Harness, data: &[u8]) -> Result<(), String> {
    last_panic();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| h.run(data)));
    let panicked = last_panic();
    match r {
        Ok(_) if !panicked.is_empty() => Err(format!("panic on another thread: {panicked}")),
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("invariant: {e}")),
        Err(_) => Err(format!("panic: {panicked}")),
    }
}

fn save_artifact(dir: &Path, t: &Target, data: &[u8]) -> PathBuf {
    let dir = dir.join(t.name);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("crash-{:016x}", fnv1a(data)));
    if let Err(e) = std::fs::write(&path, data) {
        eprintln!("nip-fuzz: cannot write {}: {e}", path.display());
    }
    path
}

/// The worker: runs inputs `from..` until time or count is up; prints
/// `progress <i>`, then `done <n>` or `crash <i>\t<path>\t<why>`.
fn worker(t: &Target, o: &Opts) -> i32 {
    quiet_panics();
    let mut h = (t.setup)();
    let corpus = corpus(t, h.as_ref(), &o.corpus);
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(o.seconds.max(0.0));
    let mut last = start;
    let stdout = std::io::stdout();
    let mut i = o.from;
    let end = o.from.saturating_add(o.count);
    while i < end && (Instant::now() < deadline || i < corpus.len() as u64) {
        let data = match input(t, h.as_mut(), &corpus, o.seed, i) {
            Ok(d) => d,
            Err(e) => {
                let _ = writeln!(stdout.lock(), "crash {i}\t-\t{e}");
                return 1;
            }
        };
        if let Some(r) = &o.record {
            let _ = std::fs::write(r, &data);
        }
        if let Err(why) = run_one(h.as_mut(), &data) {
            let path = save_artifact(&o.artifacts, t, &data);
            let _ = writeln!(stdout.lock(), "crash {i}\t{}\t{}", path.display(), why.replace('\n', " "));
            return 1;
        }
        i += 1;
        if last.elapsed() >= PROGRESS_EVERY {
            last = Instant::now();
            let _ = writeln!(stdout.lock(), "progress {i}");
        }
    }
    let hits = targets::HITS.load(std::sync::atomic::Ordering::Relaxed);
    let _ = writeln!(stdout.lock(), "done {i}\t{}\t{hits}", corpus.len());
    0
}

// -------------------------------------------------------------- supervisor

enum Ended {
    Done {
        inputs: u64,
        corpus: u64,
        hits: u64,
    },
    Crash {
        input: u64,
        path: String,
        why: String,
    },
    /// Died or hung after `last` (the last progress report).
    Abnormal {
        last: u64,
        status: String,
        stderr: String,
    },
}

fn spawn_worker(t: &Target, o: &Opts, from: u64, seconds: f64, count: Option<u64>, record: Option<&Path>) -> Ended {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return Ended::Abnormal { last: from, status: format!("cannot find this program: {e}"), stderr: String::new() },
    };
    let mut cmd = Command::new(exe);
    cmd.arg("worker").arg(t.name).args(["--seed", &o.seed.to_string(), "--from", &from.to_string()]);
    cmd.args(["--seconds", &seconds.to_string()]).arg("--corpus").arg(&o.corpus).arg("--artifacts").arg(&o.artifacts);
    if let Some(c) = count {
        cmd.args(["--count", &c.to_string()]);
    }
    if let Some(r) = record {
        cmd.arg("--record").arg(r);
    }
    let mut child = match cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => return Ended::Abnormal { last: from, status: format!("cannot start a worker: {e}"), stderr: String::new() },
    };
    // The tail of the worker's stderr (the decoders' warnings, or what an
    // abort printed).
    let tail = Arc::new(Mutex::new(Vec::<u8>::new()));
    let err_thread = child.stderr.take().map(|mut e| {
        let tail = tail.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = e.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut t) = tail.lock() {
                    t.extend_from_slice(&buf[..n]);
                    let excess = t.len().saturating_sub(4096);
                    t.drain(..excess);
                }
            }
        })
    });
    let (tx, rx) = mpsc::channel();
    if let Some(out) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    let mut last = from;
    let mut ended = None;
    let mut hung = false;
    loop {
        match rx.recv_timeout(o.hang) {
            Ok(line) => {
                let (word, rest) = line.split_once(' ').unwrap_or((&line, ""));
                match word {
                    "progress" => last = rest.parse().unwrap_or(last),
                    "done" => {
                        let mut f = rest.split('\t').map(|x| x.parse::<u64>().unwrap_or(0));
                        let (n, corpus, hits) = (f.next().unwrap_or(0), f.next().unwrap_or(0), f.next().unwrap_or(0));
                        ended = Some(Ended::Done { inputs: n.saturating_sub(from), corpus, hits });
                    }
                    "crash" => {
                        let mut parts = rest.splitn(3, '\t');
                        let input = parts.next().and_then(|p| p.parse().ok()).unwrap_or(last);
                        let path = parts.next().unwrap_or("-").to_string();
                        ended = Some(Ended::Crash { input, path, why: parts.next().unwrap_or("").to_string() });
                    }
                    _ => {}
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                hung = true;
                let _ = child.kill(); // our own worker, by its handle
                break;
            }
        }
    }
    let status = child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
    if let Some(j) = err_thread {
        let _ = j.join();
    }
    let stderr = tail.lock().map(|t| String::from_utf8_lossy(&t).into_owned()).unwrap_or_default();
    match ended {
        Some(e) => e,
        None => {
            Ended::Abnormal { last, status: if hung { format!("no progress for {:?} (a hang)", o.hang) } else { status }, stderr }
        }
    }
}

/// Fuzzes each target for its share of the time; returns the exit code.
fn supervise(chosen: &[&Target], o: &Opts) -> i32 {
    let share = o.seconds / chosen.len() as f64;
    let mut failed = Vec::new();
    let mut total = 0u64;
    println!("nip-fuzz: {} target(s), {:.1}s each, seed {}", chosen.len(), share, o.seed);
    for t in chosen {
        let started = Instant::now();
        let ended = spawn_worker(t, o, 0, share, None, None);
        let secs = started.elapsed().as_secs_f64();
        match ended {
            Ended::Done { inputs, corpus, hits } => {
                total += inputs;
                let pct = 100.0 * hits as f64 / inputs.max(1) as f64;
                println!(
                    "  {:<12} {:>9} inputs in {:>5.1}s ({:>7.0}/s), {pct:>4.1}% past the decoder, corpus {corpus}",
                    t.name,
                    inputs,
                    secs,
                    inputs as f64 / secs
                );
            }
            Ended::Crash { input, path, why } => {
                println!("  {:<12} CRASH at input {input}: {why}\n  {:<12} input saved as {path}", t.name, "");
                println!("  {:<12} replay: cargo run -p nip-fuzz -- replay {} {path}", "", t.name);
                failed.push(path);
            }
            Ended::Abnormal { last, status, stderr } => {
                println!("  {:<12} the worker died after input {last}: {status}", t.name);
                if !stderr.trim().is_empty() {
                    println!("  {:<12} its stderr ended with:\n{}", "", indent(&stderr));
                }
                failed.push(find_abnormal(t, o, last, secs));
            }
        }
    }
    if failed.is_empty() {
        println!("nip-fuzz: {total} inputs, no crash");
        0
    } else {
        println!("nip-fuzz: {} crash(es): {}", failed.len(), failed.join(" "));
        1
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("      | {l}")).collect::<Vec<_>>().join("\n")
}

/// Replays from `last` with each input written to disk first, to catch the
/// input that kills or hangs the worker.
fn find_abnormal(t: &Target, o: &Opts, last: u64, secs: f64) -> String {
    let dir = o.artifacts.join(t.name);
    let _ = std::fs::create_dir_all(&dir);
    let pending = dir.join("pending");
    println!("  {:<12} replaying from input {last}, each input saved first", "");
    match spawn_worker(t, o, last, secs + 30.0, None, Some(&pending)) {
        Ended::Abnormal { status, .. } => {
            let data = std::fs::read(&pending).unwrap_or_default();
            let path = dir.join(format!("crash-{:016x}", fnv1a(&data)));
            let _ = std::fs::rename(&pending, &path);
            println!("  {:<12} found again ({status}): input saved as {}", "", path.display());
            println!("  {:<12} replay: cargo run -p nip-fuzz -- replay {} {}", "", t.name, path.display());
            path.display().to_string()
        }
        Ended::Crash { path, why, .. } => {
            let _ = std::fs::remove_file(&pending);
            println!("  {:<12} replay found a crash instead: {why}; saved as {path}", "");
            path
        }
        Ended::Done { .. } => {
            let _ = std::fs::remove_file(&pending);
            println!("  {:<12} the replay did not die again (flaky: memory or time?)", "");
            format!("{} (not reproduced)", t.name)
        }
    }
}

// ------------------------------------------------------------------ replay

fn replay(t: &Target, paths: &[String]) -> Result<i32, String> {
    if paths.is_empty() {
        return Err("replay needs files or directories".into());
    }
    let mut files = Vec::new();
    for p in paths {
        let p = PathBuf::from(p);
        if p.is_dir() {
            let mut inner: Vec<PathBuf> = std::fs::read_dir(&p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            inner.sort();
            files.extend(inner);
        } else {
            files.push(p);
        }
    }
    quiet_panics();
    let mut h = (t.setup)();
    let mut bad = 0;
    for f in &files {
        let data = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let started = Instant::now();
        match run_one(h.as_mut(), &data) {
            Ok(()) => println!("ok      {} ({} bytes, {:?})", f.display(), data.len(), started.elapsed()),
            Err(why) => {
                bad += 1;
                println!("FAILED  {} ({} bytes): {why}", f.display(), data.len());
            }
        }
    }
    Ok(if bad == 0 { 0 } else { 1 })
}

// --------------------------------------------------------------- self-test

/// Checks that the harness finds each kind of failure and saves the input
/// that caused it.
fn self_test(o: &Opts) -> i32 {
    let tmp = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("nip-fuzz: {e}");
            return 2;
        }
    };
    let o = Opts { artifacts: tmp.path().to_path_buf(), hang: Duration::from_secs(2), rest: Vec::new(), ..o.clone() };
    let mut bad = 0;
    for t in targets::SELF_TESTS {
        let found = match spawn_worker(t, &o, 0, 10.0, None, None) {
            Ended::Crash { path, why, .. } => Some((path, why)),
            Ended::Abnormal { last, .. } => Some((find_abnormal(t, &o, last, 1.0), "died".into())),
            Ended::Done { .. } => None,
        };
        let ok = found.as_ref().is_some_and(|(p, _)| std::fs::read(p).is_ok_and(|d| targets::self_test_fails(&d)));
        println!("  {:<14} {}: {}", t.name, if ok { "found" } else { "MISSED" }, found.map(|f| f.1).unwrap_or_default());
        bad += usize::from(!ok);
    }
    if bad == 0 {
        println!("nip-fuzz: self-test passed");
        0
    } else {
        println!("nip-fuzz: self-test failed");
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Called by the one test below, so that the targets' setups run one at
    /// a time.
    fn an_input_is_a_function_of_its_number() {
        for name in ["index", "car", "links", "ipns-record"] {
            let t = target(name).unwrap();
            let mut h = (t.setup)();
            let corpus = corpus(t, h.as_ref(), Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").as_path());
            for i in [0, corpus.len() as u64, 1000, 123_456] {
                let a = input(t, h.as_mut(), &corpus, 5, i).unwrap();
                let b = input(t, h.as_mut(), &corpus, 5, i).unwrap();
                assert_eq!(a, b, "{name} input {i}");
            }
            assert_ne!(input(t, h.as_mut(), &corpus, 5, 1000).unwrap(), input(t, h.as_mut(), &corpus, 6, 1000).unwrap());
        }
    }

    #[test]
    fn the_corpus_passes_every_target() {
        an_input_is_a_function_of_its_number();
        quiet_panics();
        for t in TARGETS {
            let mut h = (t.setup)();
            let corpus = corpus(t, h.as_ref(), Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").as_path());
            assert!(!corpus.is_empty(), "{} has no seeds", t.name);
            for (i, c) in corpus.iter().enumerate() {
                assert_eq!(run_one(h.as_mut(), c), Ok(()), "{} seed {i}", t.name);
            }
        }
    }
}
