//! Throwaway Kubo daemons for tests.
//!
//! Each [`Kubo`] has its own `IPFS_PATH` in a temporary directory, is
//! initialised with `ipfs init --profile test` (API, gateway and swarm on
//! 127.0.0.1 with port 0, so the OS picks free ports; no bootstrap peers;
//! no MDNS), has telemetry off, and is killed when dropped, also when a test
//! fails. Nothing here talks to anything but loopback.
//!
//! The binary is `$NIP_TEST_IPFS`, else `ipfs` on `PATH`, else the cache of
//! `scripts/install-kubo.sh`. Without one, in CI (`CI=true`) every Kubo test
//! fails; elsewhere it prints a loud SKIPPED line and returns early.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The Kubo binary, if there is one.
pub fn binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NIP_TEST_IPFS").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Ok(out) = Command::new("ipfs").arg("version").output() {
        if out.status.success() {
            return Some(PathBuf::from("ipfs"));
        }
    }
    let home = std::env::var_os("HOME")?;
    let cached = Path::new(&home).join(".cache/nip/kubo/v0.39.0/ipfs");
    cached.exists().then_some(cached)
}

/// The binary, or `None` after saying loudly why the test is skipped.
/// In CI a missing Kubo fails the test instead.
pub fn binary_or_skip(test: &str) -> Option<PathBuf> {
    match binary() {
        Some(b) => Some(b),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("Kubo is not installed and CI=true: run scripts/install-kubo.sh or set NIP_TEST_IPFS")
        }
        None => {
            eprintln!("\n*** SKIPPED {test}: no Kubo binary (set NIP_TEST_IPFS or run scripts/install-kubo.sh) ***\n");
            None
        }
    }
}

/// A running throwaway Kubo daemon.
pub struct Kubo {
    bin: PathBuf,
    dir: TempDir,
    child: Option<Child>,
    /// The API multiaddr, e.g. `/ip4/127.0.0.1/tcp/40123`.
    pub api: String,
    /// The secret the CLI sends (`--api-auth`) when the API needs one.
    auth: Option<String>,
}

impl Kubo {
    /// Initialises and starts a daemon.
    pub fn start(bin: &Path) -> Kubo {
        Kubo::start_with(bin, &[])
    }

    /// [`Kubo::start`] with more config set before the daemon starts:
    /// (`key`, JSON value) pairs, as `ipfs config --json` takes them.
    pub fn start_with(bin: &Path, config: &[(&str, &str)]) -> Kubo {
        let dir = tempfile::Builder::new().prefix("nip-kubo-").tempdir().expect("temp dir");
        let mut k = Kubo { bin: bin.to_path_buf(), dir, child: None, api: String::new(), auth: None };
        k.ipfs_ok(&["init", "--profile", "test"]);
        k.ipfs_ok(&["config", "--json", "Plugins.Plugins.telemetry.Config.Mode", "\"off\""]);
        // Keep blocks until a test asks for gc.
        k.ipfs_ok(&["config", "--json", "Datastore.GCPeriod", "\"0\""]);
        for (key, value) in config {
            k.ipfs_ok(&["config", "--json", key, value]);
        }
        k.run_daemon();
        k
    }

    /// [`Kubo::start`] with an RPC API that answers only requests carrying
    /// `secret` (`bearer:<token>` or `basic:<user>:<password>`, Kubo's
    /// `API.Authorizations`); the CLI here sends it.
    pub fn start_with_auth(bin: &Path, secret: &str) -> Kubo {
        let dir = tempfile::Builder::new().prefix("nip-kubo-").tempdir().expect("temp dir");
        let mut k = Kubo { bin: bin.to_path_buf(), dir, child: None, api: String::new(), auth: None };
        k.ipfs_ok(&["init", "--profile", "test"]);
        k.ipfs_ok(&["config", "--json", "Plugins.Plugins.telemetry.Config.Mode", "\"off\""]);
        k.ipfs_ok(&["config", "--json", "Datastore.GCPeriod", "\"0\""]);
        let auth = format!(r#"{{"nip":{{"AuthSecret":"{secret}","AllowedPaths":["/api/v0"]}}}}"#);
        k.ipfs_ok(&["config", "--json", "API.Authorizations", &auth]);
        k.auth = Some(secret.to_string());
        k.run_daemon();
        k
    }

    /// The Kubo binary this node runs.
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// Pins of the node (recursive), as CIDs.
    pub fn pins(&self) -> Vec<String> {
        self.ipfs_ok(&["pin", "ls", "--type=recursive", "-q"]).lines().map(str::to_string).collect()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.env("IPFS_PATH", self.dir.path()).env("IPFS_TELEMETRY", "off").env_remove("IPFS_API");
        if let Some(secret) = &self.auth {
            c.arg("--api-auth").arg(secret);
        }
        c
    }

    /// Runs the `ipfs` CLI against this node's repository.
    pub fn ipfs(&self, args: &[&str]) -> Output {
        self.command().args(args).stdin(Stdio::null()).output().expect("run ipfs")
    }

    /// Runs the CLI and returns stdout, panicking with its stderr on failure.
    pub fn ipfs_ok(&self, args: &[&str]) -> String {
        let out = self.ipfs(args);
        assert!(out.status.success(), "ipfs {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn run_daemon(&mut self) {
        let api_file = self.dir.path().join("api");
        let _ = std::fs::remove_file(&api_file);
        let log = std::fs::File::create(self.dir.path().join("daemon.log")).expect("daemon log");
        let child = self
            .command()
            .args(["daemon", "--enable-gc=false"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start ipfs daemon");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("ipfs daemon exited with {status}: {}", self.log());
            }
            if let Ok(api) = std::fs::read_to_string(&api_file) {
                if self.ipfs(&["id", "-f", "<id>"]).status.success() {
                    self.api = api.trim().to_string();
                    return;
                }
            }
            assert!(Instant::now() < deadline, "ipfs daemon did not start within 60s: {}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The gateway's URL (`http://127.0.0.1:<port>`, from the `gateway`
    /// file the daemon writes; the test profile puts it on loopback).
    pub fn gateway(&self) -> String {
        let url = std::fs::read_to_string(self.dir.path().join("gateway")).expect("the daemon's gateway file");
        url.trim().to_string()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("daemon.log")).unwrap_or_default()
    }

    /// Kills the daemon (as a crash would).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the daemon again on the same repository (new ports).
    pub fn restart(&mut self) {
        self.kill();
        self.run_daemon();
    }

    /// A swarm address others can dial: `/ip4/127.0.0.1/tcp/<port>/p2p/<id>`.
    pub fn swarm_addr(&self) -> String {
        let out = self.ipfs_ok(&["id", "-f", "<addrs>"]);
        out.lines()
            .find(|a| a.starts_with("/ip4/127.") && a.contains("/tcp/"))
            .unwrap_or_else(|| panic!("no loopback TCP address in {out:?}"))
            .trim()
            .to_string()
    }

    /// Connects this node to `other`.
    pub fn connect(&self, other: &Kubo) {
        let addr = other.swarm_addr();
        self.ipfs_ok(&["swarm", "connect", &addr]);
    }

    /// The node's peer ID.
    pub fn peer_id(&self) -> String {
        self.ipfs_ok(&["id", "-f", "<id>"]).trim().to_string()
    }

    /// How many peers the node's LAN DHT routing table holds (`ipfs stats
    /// dht lan`: `DHT lan (N peers):`).
    pub fn lan_dht_peers(&self) -> usize {
        let out = self.ipfs(&["stats", "dht", "lan"]);
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines().find_map(|l| l.trim().strip_prefix("DHT lan (")?.split(' ').next()?.parse().ok()).unwrap_or(0)
    }

    /// How many blocks the node's blockstore holds.
    pub fn block_count(&self) -> usize {
        self.ipfs_ok(&["refs", "local"]).lines().count()
    }
}

impl Drop for Kubo {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Where Kubo's default flatfs datastore keeps a block: the key is the
/// multihash in unpadded upper-case base32, sharded by its next-to-last two
/// characters (`$IPFS_PATH/blocks/<xy>/<KEY>.data`).
pub fn flatfs_path(ipfs_path: &Path, cid: &cid::Cid) -> PathBuf {
    const A: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let bytes = cid.hash().to_bytes();
    let mut key = String::new();
    let (mut acc, mut bits) = (0u32, 0);
    for b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            key.push(A[((acc >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        key.push(A[((acc << (5 - bits)) & 31) as usize] as char);
    }
    let shard = &key[key.len() - 3..key.len() - 1];
    ipfs_path.join("blocks").join(shard).join(format!("{key}.data"))
}
