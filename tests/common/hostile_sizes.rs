//! Hostile sizes: objects that claim more than they are, fetches past the
//! per-fetch limits, and a node that answers with bodies larger than any
//! block (for `tests/hostile.rs`).
//!
//! Every git run that could write a lot goes through [`git_guarded`]: it
//! watches the directory the objects go to and kills the run (its own
//! process group: git and the helper) as soon as any file there passes
//! [`GUARD`], so a regression fails the test in a second instead of filling
//! the disk.

use super::{hash, prng_bytes, url_cid, url_of, Env, Run, Synth};
use cid::Cid;
use nip::format::{Hash, Links, NipObject, ObjectType};

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A file this large under the watched directory stops a guarded run.
pub const GUARD: u64 = 64 << 20;

/// A guarded git run: its output, the largest file seen under the watched
/// directory while it ran, whether the guard killed it, and how long it took.
pub struct Guarded {
    pub run: Run,
    pub biggest: u64,
    pub killed: bool,
    pub elapsed: Duration,
}

/// The largest file under `dir` (0 if there is none, or no `dir`).
pub fn biggest_file(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut biggest = 0;
    for e in entries.flatten() {
        let Ok(meta) = e.metadata() else { continue };
        biggest = biggest.max(if meta.is_dir() { biggest_file(&e.path()) } else { meta.len() });
    }
    biggest
}

/// Files under `dir` whose name starts with `tmp` (temporary packs).
pub fn temp_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(temp_files(&path));
        } else if e.file_name().to_string_lossy().starts_with("tmp") {
            out.push(path.display().to_string());
        }
    }
    out
}

/// Runs `git args` in `dir` with `extra` environment, watching `watch`:
/// past [`GUARD`] bytes in one file there, or two minutes, the run is
/// killed.
pub fn git_guarded(env: &Env, dir: &Path, args: &[&str], extra: &[(&str, &str)], watch: &Path) -> Guarded {
    use std::os::unix::process::CommandExt;
    let started = Instant::now();
    let mut cmd = env.command("git");
    cmd.args(args).current_dir(dir).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).process_group(0);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot run git: {e}"));
    let pid = child.id();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let (mut biggest, mut killed) = (0, false);
    let status = loop {
        biggest = biggest.max(biggest_file(watch));
        if let Some(status) = child.try_wait().expect("wait for git") {
            break status;
        }
        if !killed && (biggest > GUARD || started.elapsed() > Duration::from_secs(120)) {
            // The process group this run started: git and the helper.
            let _ = std::process::Command::new("kill").args(["-KILL", "--", &format!("-{pid}")]).status();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let run = Run {
        what: format!("(in {}) git {}", dir.display(), args.join(" ")),
        status,
        stdout: String::from_utf8_lossy(&out_t.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_t.join().unwrap()).into_owned(),
    };
    Guarded { run, biggest, killed, elapsed }
}

/// A fake git id (no content has it).
fn fake_oid(seed: u8) -> Hash {
    Hash([seed; 20])
}

/// A tree with one entry `name` (mode 100644) for `blob`.
fn tree_with(name: &str, blob: Hash) -> Vec<u8> {
    let mut t = format!("100644 {name}\0").into_bytes();
    t.extend_from_slice(&blob.0);
    t
}

fn commit_of(tree: Hash, msg: &str) -> Vec<u8> {
    format!(
        "tree {tree}\nauthor Nip Tester <tester@example.org> 1700000000 +0000\n\
         committer Nip Tester <tester@example.org> 1700000000 +0000\n\n{msg}\n"
    )
    .into_bytes()
}

/// An address whose `main` is a real commit of a real tree with one blob
/// `big.bin` whose NIPObject is `blob` (at `blob_cid`); returns it.
fn address_with_blob(env: &Env, blob: Hash, blob_cid: Cid) -> Cid {
    let (tree, tree_cid) = env.craft_git_object(ObjectType::Tree, &tree_with("big.bin", blob), None);
    let (commit, commit_cid) = env.craft_git_object(ObjectType::Commit, &commit_of(tree, "a big file"), None);
    env.craft_index(
        vec![("refs/heads/main".into(), commit)],
        Some("refs/heads/main".into()),
        vec![(commit, commit_cid), (tree, tree_cid), (blob, blob_cid)],
        None,
    )
}

/// Asserts a guarded run failed cleanly, promptly, and wrote nothing big;
/// returns its one error line.
pub fn refused(g: &Guarded, within: Duration) -> String {
    assert!(!g.killed, "the run was killed after writing a {} byte file or running too long:\n{}", g.biggest, g.run);
    let line = g.run.one_clean_error();
    assert!(g.elapsed < within, "took {:?} (more than {within:?}):\n{}", g.elapsed, g.run);
    assert!(g.biggest < 1 << 20, "a {} byte file appeared while it ran:\n{}", g.biggest, g.run);
    line
}

/// Clones `url` into `work/<name>` (must fail) and fetches it into a new
/// repository `work/<name>-fetch` (must fail too); both must refuse within
/// `within` with nothing written: no clone left, no temporary or large
/// file, no ref. Returns both error lines.
pub fn clone_and_fetch_refused(env: &Env, url: &str, name: &str, within: Duration) -> [String; 2] {
    let dst = env.dir(name);
    let g = git_guarded(env, &env.work, &["clone", "-q", url, name], &[], &dst);
    let clone = refused(&g, within);
    assert!(!dst.exists(), "git left the failed clone {}", dst.display());
    let repo = env.init(&format!("{name}-fetch"));
    let objects = repo.join(".git/objects");
    let g = git_guarded(env, &repo, &["fetch", "-q", url, "main:refs/heads/got"], &[], &objects);
    let fetch = refused(&g, within);
    assert_eq!(temp_files(&objects), Vec::<String>::new(), "temporary files left in {}", objects.display());
    assert!(biggest_file(&objects) < 1 << 20, "a large file is left in {}", objects.display());
    assert!(env.refs(&repo).is_empty(), "the failed fetch updated refs: {:?}", env.refs(&repo));
    [clone, fetch]
}

/// Scenario S1 (format 1): a commit whose NIPObject claims 4 GiB, over one 256 KiB
/// chunk used 16,384 times (four distinct blocks), is refused at once as
/// no valid commit, without reading its data. A check of the format 1
/// reader (format 2 has no per-object size claim outside the pack: see
/// `hostile_packs`, a pack entry claiming 2^40 bytes), on a format 1 copy
/// of a pushed repository crafted from its objects.
pub fn scenario_commit_claiming_4_gib_is_refused(env: &Env) {
    let src = env.synth("src", Synth { commits: 5, ..Default::default() });
    let base = env.craft_v1_from_repo(&src);
    let tree = hash(&env.rev_parse(&src, "HEAD^{tree}"));
    let parent = hash(&env.rev_parse(&src, "HEAD"));
    let (data, size) = env.craft_repeated_file(&prng_bytes(4, nip::unixfs::CHUNK), 16_384);
    assert_eq!(size, 4 << 30);
    let oid = fake_oid(0x4c);
    let cid = env.craft_object(&NipObject { oid, size, data, links: Links::Commit { tree, parents: vec![parent] } });
    let mut objects = env.index_entries(&base);
    objects.push((oid, cid));
    let index = env.craft_index(vec![("refs/heads/main".into(), oid)], Some("refs/heads/main".into()), objects, Some(base));
    for line in clone_and_fetch_refused(env, &url_of(&index), "dst", Duration::from_secs(20)) {
        assert!(line.contains(&oid.to_string()), "the error does not name the commit {oid}: {line}");
        assert!(line.contains("4.0 GiB") && line.contains("16.0 MiB"), "the error does not say the claim and the limit: {line}");
    }
}

/// Scenario S2 (format 1, crafted from scratch; format 2's counterparts
/// are in `hostile_packs`: a pack entry claiming 1 TiB, packs past
/// `nip.maxFetchBytes`): a blob whose NIPObject claims 100 GiB (one chunk reused
/// 409,600 times) is refused while the fetch is planned, before a byte of
/// it is read or written: it is past the default `nip.maxFetchBytes`
/// (64 GiB) and past the free space of any test machine.
pub fn scenario_blob_claiming_100_gib_is_refused_before_writing(env: &Env) {
    let (data, size) = env.craft_repeated_file(&prng_bytes(5, nip::unixfs::CHUNK), 409_600);
    assert_eq!(size, 100 << 30);
    let blob = fake_oid(0xb1);
    let blob_cid = env.craft_object(&NipObject { oid: blob, size, data, links: Links::Blob });
    let index = address_with_blob(env, blob, blob_cid);
    for line in clone_and_fetch_refused(env, &url_of(&index), "dst", Duration::from_secs(20)) {
        assert!(line.contains(&blob.to_string()), "the error does not name the blob {blob}: {line}");
        assert!(line.contains("100.0 GiB") && line.contains("nip.maxFetchBytes"), "the error does not say the limit: {line}");
    }
}

/// Scenario S3 (format 1, crafted from scratch; in format 2 git's
/// index-pack hashes what it writes): a blob that claims 256 MiB, within every limit, over one
/// chunk reused 1,024 times: its SHA-1 cannot match, and since it is
/// large it is hashed before any of it is written, so the failed fetch
/// never had more than a few bytes of pack on disk.
pub fn scenario_large_fake_blob_is_hashed_before_it_is_written(env: &Env) {
    let (data, size) = env.craft_repeated_file(&prng_bytes(6, nip::unixfs::CHUNK), 1024);
    assert!(size > nip::fetch::VERIFY_FIRST);
    let blob = fake_oid(0xb2);
    let blob_cid = env.craft_object(&NipObject { oid: blob, size, data, links: Links::Blob });
    let index = address_with_blob(env, blob, blob_cid);
    for line in clone_and_fetch_refused(env, &url_of(&index), "dst", Duration::from_secs(60)) {
        assert!(line.contains(&blob.to_string()) && line.contains("corrupt"), "the error does not name the blob {blob}: {line}");
    }
}

/// Runs git with extra environment variables.
fn git_env(env: &Env, dir: &Path, args: &[&str], extra: &[(&str, &str)]) -> Run {
    let watch = env.work.join("unwatched");
    git_guarded(env, dir, args, extra, &watch).run
}

/// Scenario S4 (format 2, a real push: the packs list gives the counts
/// before any pack is read): `nip.maxFetchObjects` and `nip.maxFetchBytes`, set low in
/// the user's git config or the environment, stop a clone with an error
/// that names the setting; `git clone -c` with a higher value (or 0, no
/// limit) lets it through, and a bad value is an error.
pub fn scenario_fetch_limits_are_settings(env: &Env) {
    let src = env.synth_pushed("src", Synth { commits: 5, files: 10, ..Default::default() });
    let url = env.remote_url(&src, "nip");
    let objects = env.count_rev_list_objects(&src, &["--all"]);
    let n = objects.to_string();
    let under = (objects - 1).to_string();
    let clone_fails = |name: &str, args: &[&str], extra: &[(&str, &str)], setting: &str| {
        let mut a = vec!["clone", "-q"];
        a.extend_from_slice(args);
        a.extend_from_slice(&[&url, name]);
        let run = git_env(env, &env.work, &a, extra);
        let line = run.one_clean_error();
        assert!(line.contains(setting), "the error does not name {setting}: {line}");
        assert!(!env.dir(name).exists());
        line
    };
    let clone_ok = |name: &str, args: &[&str], extra: &[(&str, &str)]| {
        let mut a = vec!["clone", "-q"];
        a.extend_from_slice(args);
        a.extend_from_slice(&[&url, name]);
        let run = git_env(env, &env.work, &a, extra);
        assert!(run.success(), "clone failed:\n{run}");
        assert_eq!(env.rev_parse(&env.dir(name), "HEAD"), env.rev_parse(&src, "HEAD"));
        env.fsck(&env.dir(name));
    };

    // Objects: one under what the clone needs fails, exactly enough passes.
    env.git_ok(&env.work, &["config", "--global", "nip.maxFetchObjects", &under]);
    let line = clone_fails("a", &[], &[], "nip.maxFetchObjects");
    // Format 2 knows the count from the packs list before it reads a pack.
    assert!(
        line.contains(&format!("needs {n} objects, more than {under} ")) && line.contains("git config nip.maxFetchObjects"),
        "{line}"
    );
    clone_ok("b", &["-c", &format!("nip.maxFetchObjects={n}")], &[]);
    clone_ok("c", &["-c", "nip.maxFetchObjects=0"], &[]);
    env.git_ok(&env.work, &["config", "--global", "--unset", "nip.maxFetchObjects"]);
    let line = clone_fails("d", &[], &[("NIP_MAX_FETCH_OBJECTS", &under)], "nip.maxFetchObjects");
    assert!(line.contains("NIP_MAX_FETCH_OBJECTS"), "{line}");
    // git config comes before the environment.
    clone_ok("e", &["-c", &format!("nip.maxFetchObjects={n}")], &[("NIP_MAX_FETCH_OBJECTS", &under)]);

    // Bytes, with git's suffixes.
    env.git_ok(&env.work, &["config", "--global", "nip.maxFetchBytes", "1k"]);
    let line = clone_fails("f", &[], &[], "nip.maxFetchBytes");
    assert!(line.contains("1.0 KiB"), "{line}");
    clone_ok("g", &["-c", "nip.maxFetchBytes=1g"], &[]);
    env.git_ok(&env.work, &["config", "--global", "--unset", "nip.maxFetchBytes"]);
    clone_fails("h", &[], &[("NIP_MAX_FETCH_BYTES", "1k")], "NIP_MAX_FETCH_BYTES");
    clone_ok("i", &[], &[("NIP_MAX_FETCH_BYTES", "1g")]);

    // `git -c` before the command reaches the helper too, and comes first.
    env.git_ok(&env.work, &["config", "--global", "nip.maxFetchObjects", &under]);
    let run = git_env(env, &env.work, &["-c", &format!("nip.maxFetchObjects={n}"), "clone", "-q", &url, "k"], &[]);
    assert!(run.success(), "git -c did not raise the limit:\n{run}");
    env.git_ok(&env.work, &["config", "--global", "--unset", "nip.maxFetchObjects"]);
    let run = git_env(env, &env.work, &["-c", "nip.maxFetchBytes=1k", "clone", "-q", &url, "l"], &[]);
    assert!(run.one_clean_error().contains("nip.maxFetchBytes"));

    // A value that is no count is an error that names it.
    let line = clone_fails("j", &["-c", "nip.maxFetchBytes=lots"], &[], "nip.maxFetchBytes");
    assert!(line.contains("\"lots\""), "{line}");
}

/// A loopback HTTP proxy in front of a Kubo API that answers `block/get`
/// of one CID with a 512 MiB body (declared with Content-Length, or
/// delimited by the end of the connection), and forwards every other
/// request, one per connection.
pub struct FatProxy {
    /// `/ip4/127.0.0.1/tcp/<port>` of the proxy.
    pub api: String,
    /// Body bytes the fat answers got out (written into the socket).
    pub sent: Arc<AtomicU64>,
    /// Fat answers started.
    pub hits: Arc<AtomicU64>,
}

/// Size of the fat body.
pub const FAT: u64 = 512 << 20;

impl FatProxy {
    /// Proxies to `target` (`127.0.0.1:port`), answering `block/get` of
    /// `poison` with [`FAT`] bytes.
    pub fn start(target: String, poison: String, declare_length: bool) -> FatProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let (sent, hits) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (s, h) = (sent.clone(), hits.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                let (target, poison, s, h) = (target.clone(), poison.clone(), s.clone(), h.clone());
                std::thread::spawn(move || serve_one(client, &target, &poison, declare_length, &s, &h));
            }
        });
        FatProxy { api: format!("/ip4/127.0.0.1/tcp/{port}"), sent, hits }
    }
}

fn serve_one(mut client: TcpStream, target: &str, poison: &str, declare: bool, sent: &AtomicU64, hits: &AtomicU64) {
    // The request head.
    let mut head = Vec::new();
    let mut buf = [0u8; 8192];
    let end = loop {
        match client.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if head.len() > 1 << 20 {
            return;
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let request_line = text.lines().next().unwrap_or_default().to_string();
    if request_line.contains("/api/v0/block/get") && request_line.contains(poison) {
        hits.fetch_add(1, Ordering::SeqCst);
        let length = if declare { format!("Content-Length: {FAT}\r\n") } else { String::new() };
        let answer = format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n{length}\r\n");
        if client.write_all(answer.as_bytes()).is_err() {
            return;
        }
        let chunk = vec![0u8; 64 << 10];
        let mut n = 0;
        while n < FAT {
            if client.write_all(&chunk).is_err() {
                break;
            }
            n += chunk.len() as u64;
            sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        }
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    // Forward: one request per connection (`Connection: close`), then copy
    // both ways until the node closes.
    let Ok(mut server) = TcpStream::connect(target) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let mut rewritten = String::new();
    for (i, line) in text.split("\r\n").enumerate() {
        if i == 1 {
            rewritten.push_str("Connection: close\r\n");
        }
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        rewritten.push_str(line);
        rewritten.push_str("\r\n");
    }
    // `text` ended with "\r\n\r\n": the split gave two empty tails.
    rewritten.truncate(rewritten.len() - 2);
    if server.write_all(rewritten.as_bytes()).is_err() || server.write_all(&head[end..]).is_err() {
        return;
    }
    let (mut c_read, mut s_write) = (client.try_clone().expect("clone"), server.try_clone().expect("clone"));
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut s_write);
    });
    let _ = std::io::copy(&mut server, &mut client);
    let _ = client.shutdown(Shutdown::Both);
    let _ = server.shutdown(Shutdown::Both);
    let _ = up.join();
}

/// `127.0.0.1:<port>` of an `/ip4/127.0.0.1/tcp/<port>` multiaddr.
pub fn host_port(api: &str) -> String {
    let port = api.rsplit('/').next().expect("port");
    format!("127.0.0.1:{port}")
}

/// Scenario S5 (a Kubo node only): behind a proxy that answers `block/get`
/// of one block (the root of the pushed repository's pack) with 512 MiB, a
/// clone fails promptly with one error naming that block, having read at
/// most a few MiB of the body.
pub fn scenario_oversized_block_bodies_are_cut(env: &Env, declare_length: bool) {
    let src = env.synth_pushed("src", Synth { commits: 5, files: 10, ..Default::default() });
    let index = url_cid(&env.remote_url(&src, "nip"));
    let packs = env.index(&index).v2.and_then(|l| l.packs).expect("a format 2 index with a packs list");
    let store = env.store();
    let list = nip::records::read_packs(&nip::store::Verified::new(store.as_ref()), &packs).expect("read the packs list");
    let poison = list[0].pack.to_string();
    let super::Backend::Kubo { api, .. } = &env.backend else { panic!("a Kubo environment") };
    let proxy = FatProxy::start(host_port(api), poison.clone(), declare_length);
    let through = env.with_api(&proxy.api);
    let g = git_guarded(&through, &through.work, &["clone", "-q", &url_of(&index), "dst"], &[], &env.dir("dst"));
    let line = refused(&g, Duration::from_secs(20));
    assert!(proxy.hits.load(Ordering::SeqCst) >= 1, "the clone never asked for block {poison}:\n{}", g.run);
    let sent = proxy.sent.load(Ordering::SeqCst);
    assert!(sent < 32 << 20, "the helper let the proxy send {sent} bytes of a {FAT} byte body:\n{}", g.run);
    assert!(line.contains(&poison) && line.contains("1.0 MiB"), "the error does not name block {poison} and the cap: {line}");
    assert!(!env.dir("dst").exists());
}

/// Scenario S6: a commit larger than any clone would take (a 17 MiB
/// message) is refused by the push, naming it and the bound, and the
/// remote's address stays as it was.
pub fn scenario_push_refuses_a_commit_no_clone_would_take(env: &Env) {
    let repo = env.init("big-commit");
    env.commit_file(&repo, "a.txt", b"a\n", "first");
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&repo, &["nip", "main"]);
    let before = env.remote_url(&repo, "nip");
    let msg = repo.join("msg");
    std::fs::write(&msg, vec![b'x'; 17 << 20]).unwrap();
    let big = env.out(&repo, &["commit-tree", "HEAD^{tree}", "-p", "HEAD", "-F", msg.to_str().unwrap()]);
    env.git_ok(&repo, &["update-ref", "refs/heads/main", &big]);
    let run = env.git_fails(&repo, &["push", "nip", "main"]);
    let line = run.one_clean_error();
    assert!(line.contains(&big) && line.contains("16.0 MiB"), "the error does not name the commit {big} and the bound: {line}");
    assert_eq!(env.remote_url(&repo, "nip"), before, "the failed push moved the remote");
}

/// Scenario S7: a real blob past [`nip::fetch::VERIFY_FIRST`] (read twice:
/// hashed, then written) clones whole and checks out as it was pushed.
pub fn scenario_large_real_blob_round_trips(env: &Env) {
    let repo = env.init("large");
    let data = prng_bytes(7, (nip::fetch::VERIFY_FIRST + 3) as usize);
    let head = env.commit_file(&repo, "large.bin", &data, "a large file");
    env.git_ok(&repo, &["remote", "add", "nip", "nip::new-ipfs"]);
    env.push(&repo, &["nip", "main"]);
    let url = env.remote_url(&repo, "nip");
    env.git_ok(&env.work, &["clone", "-q", &url, "dst"]);
    let dst = env.dir("dst");
    assert_eq!(env.rev_parse(&dst, "HEAD"), head);
    assert!(std::fs::read(dst.join("large.bin")).unwrap() == data, "large.bin differs after the clone");
    env.fsck(&dst);
}
