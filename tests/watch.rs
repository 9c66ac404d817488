//! New-push announcements (`nipctl watch`, `src/announce.rs`) on two real
//! Kubo nodes with pubsub on: a follower hears of a push at once and
//! fetches it; announcements that are not a new push of the name (signed
//! by another key, an old record replayed, an index that does not descend
//! from the follower's) are reported and ignored.
//!
//! Without Kubo these tests fail in CI (`CI=true`) and say SKIPPED loudly
//! elsewhere; see `tests/common/kubo.rs`.

mod common;

use common::kubo::{binary_or_skip, Kubo};
use common::{Env, Synth};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PUBSUB: &[(&str, &str)] = &[("Pubsub.Enabled", "true")];

/// A running `nipctl watch`, its stdout and stderr lines collected.
struct Watcher {
    child: Child,
    out: Arc<Mutex<Vec<String>>>,
    err: Arc<Mutex<Vec<String>>>,
}

impl Watcher {
    fn start(env: &Env, node: &Kubo, dir: &std::path::Path, args: &[&str]) -> Watcher {
        let mut child = env
            .command(common::nipctl())
            .arg("watch")
            .args(args)
            .current_dir(dir)
            .env("IPFS_PATH", node.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nipctl watch");
        let collect = |pipe: Box<dyn std::io::Read + Send>| {
            let lines = Arc::new(Mutex::new(Vec::new()));
            let l = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    l.lock().unwrap().push(line);
                }
            });
            lines
        };
        let out = collect(Box::new(child.stdout.take().unwrap()));
        let err = collect(Box::new(child.stderr.take().unwrap()));
        Watcher { child, out, err }
    }

    /// Waits up to 30 s for a stderr line containing `text`.
    fn wait_err(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(l) = self.err.lock().unwrap().iter().find(|l| l.contains(text)) {
                return l.clone();
            }
            let exited = self.child.try_wait().unwrap();
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "nipctl watch did not say {text:?} (exited: {exited:?}); it said:\n{}",
                self.err.lock().unwrap().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits up to 60 s for the watcher to exit; its stdout lines.
    fn finish(mut self) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "nipctl watch did not stop: {}", self.err.lock().unwrap().join("\n"));
            std::thread::sleep(Duration::from_millis(50));
        }
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert!(status.success(), "nipctl watch failed: {}", self.err.lock().unwrap().join("\n"));
        self.out.lock().unwrap().clone()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (up to 30 s) until `node` has `peer` among its peers on `topic`.
fn wait_for_topic_peer(node: &Kubo, topic: &str, peer: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !node.ipfs_ok(&["pubsub", "peers", topic]).lines().any(|l| l.trim() == peer) {
        assert!(Instant::now() < deadline, "{peer} never joined {topic}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Publishes the record file `record` on `topic` from `node`.
fn publish_raw(node: &Kubo, topic: &str, record: &std::path::Path) {
    node.ipfs_ok(&["pubsub", "pub", topic, record.to_str().unwrap()]);
}

/// The raw IPNS record of `key` on `node`, saved to `path`.
fn save_record(node: &Kubo, key: &str, path: &std::path::Path) {
    let out = node.ipfs(&["routing", "get", &format!("/ipns/{key}")]);
    assert!(out.status.success(), "routing get: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(path, out.stdout).unwrap();
}

/// A follower on node B watches the name node A pushes to. A record signed
/// by another key arrives first and is ignored; then A pushes, and the
/// watcher prints the new index and fetches it into B's clone, whose
/// `origin/main` is then A's `main`. A second watcher ignores the first
/// record replayed (its sequence is old) and a record of the right key
/// pointing to an index with no link to the repository's (it does not
/// descend), and prints nothing on stdout.
#[test]
fn a_follower_hears_of_a_push_and_ignores_what_is_not_one() {
    let Some(bin) = binary_or_skip("a_follower_hears_of_a_push") else { return };
    let a = Kubo::start_with(&bin, PUBSUB);
    let b = Kubo::start_with(&bin, PUBSUB);
    b.connect(&a);
    let env_a = Env::kubo_node(&a);
    let env_b = Env::kubo_node(&b);

    let repo = env_a.synth("src", Synth { commits: 5, ..Synth::default() });
    env_a.git_ok(&repo, &["remote", "add", "origin", "nip::new-ipns"]);
    let first = env_a.git_ok(&repo, &["push", "--all", "origin"]);
    assert!(!first.stderr.contains("warning"), "{first}");
    let url = env_a.remote_url(&repo, "origin");
    let key = url.trim_start_matches("nip::/ipns/").to_string();
    let topic = format!("/nip/1/ipns/{key}");
    let old_record = env_a.work.join("old.record");
    save_record(&a, &key, &old_record);

    let clone = env_b.dir("clone");
    env_b.git_ok(&env_b.work, &["clone", "-q", &url, clone.to_str().unwrap()]);

    let mut watcher = Watcher::start(&env_b, &b, &clone, &[&url, "--fetch", "--count", "1"]);
    watcher.wait_err("watching");
    wait_for_topic_peer(&a, &topic, &b.peer_id());

    // Another key's record, sent on this name's topic.
    let other = a.ipfs_ok(&["key", "gen", "--ipns-base=base36", "intruder"]).trim().to_string();
    let head_index = a.ipfs_ok(&["name", "resolve", "--offline", &format!("/ipns/{key}")]).trim().to_string();
    a.ipfs_ok(&["name", "publish", "--allow-offline", "--key=intruder", &head_index]);
    let forged = env_a.work.join("forged.record");
    save_record(&a, &other, &forged);
    publish_raw(&a, &topic, &forged);
    let said = watcher.wait_err("ignored");
    assert!(said.contains(&format!("not a record signed for /ipns/{key}")), "{said}");

    let new = env_a.append_commit(&repo, "news.txt", "a new push");
    let pushed = env_a.git_ok(&repo, &["push", "origin", "main"]);
    assert!(!pushed.stderr.contains("warning"), "{pushed}");
    let now =
        a.ipfs_ok(&["name", "resolve", "--offline", &format!("/ipns/{key}")]).trim().trim_start_matches("/ipfs/").to_string();
    let printed = watcher.finish();
    assert_eq!(printed, vec![format!("nip::/ipfs/{now} (sequence 2)")]);
    assert_eq!(env_b.rev_parse(&clone, "refs/remotes/origin/main"), new, "the watcher fetched the new push");
    env_b.fsck(&clone);

    // A replayed old record, then a newer record of the right key whose
    // index does not descend from the follower's.
    let mut watcher = Watcher::start(&env_b, &b, &clone, &[&url]);
    watcher.wait_err("watching");
    wait_for_topic_peer(&a, &topic, &b.peer_id());
    publish_raw(&a, &topic, &old_record);
    let said = watcher.wait_err("ignored");
    assert!(said.contains("not above 2"), "{said}");
    let stranger = env_a.synth_pushed("stranger", Synth { commits: 2, seed: 99, ..Synth::default() });
    let stranger_index = env_a.remote_url(&stranger, "nip").trim_start_matches("nip::").to_string();
    let key_name = a
        .ipfs_ok(&["key", "list", "-l", "--ipns-base=base36"])
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key} ")).map(|n| n.trim().to_string()))
        .expect("the repository's key is on node A");
    a.ipfs_ok(&["name", "publish", "--allow-offline", &format!("--key={key_name}"), &stranger_index]);
    let fork = env_a.work.join("fork.record");
    save_record(&a, &key, &fork);
    publish_raw(&a, &topic, &fork);
    let said = watcher.wait_err("does not descend");
    assert!(said.contains(&stranger_index.trim_start_matches("/ipfs/").to_string()), "{said}");
    assert!(watcher.out.lock().unwrap().is_empty(), "nothing is printed for ignored announcements");
}
