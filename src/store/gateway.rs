//! The gateway backend: blocks read from HTTP trustless gateways, when no
//! IPFS node runs here (`nip.store=auto`) or when asked (`nip.store=gateway`).
//!
//! A trustless gateway (the IPFS HTTP gateway spec, `application/vnd.ipld.raw`
//! and `application/vnd.ipld.car` responses) serves blocks by CID; it can say
//! anything, so nothing it sends is used before it is checked against the CID
//! that was asked for:
//!
//! - **Single blocks** are `GET <gateway>/ipfs/<cid>?format=raw`, with
//!   [`crate::kubo::client::GET_WINDOW`] in flight at once, each body at most
//!   [`MAX_BLOCK`] bytes and hashed before use.
//! - **Whole DAGs** (a format 2 pack: a UnixFS file of up to 4,000 blocks per
//!   GiB) are one `GET <gateway>/ipfs/<root>?format=car&dag-scope=all`
//!   (`order=dfs; dups=n`) each, [`CAR_WINDOW`] in flight, read by
//!   [`crate::car::Verifier`] as the bytes arrive: a block not linked from the
//!   ones before it, a block that does not match its CID, a stream longer than
//!   the pack can be, or one that ends before the DAG is complete, and that
//!   gateway has failed. [`BlockStore::prefetch_dags`] is how
//!   `crate::packfetch` asks for them.
//! - **Byte ranges** of a pack (`nipctl inspect --object … --content`, one
//!   object of a large pack) are one `?format=car&dag-scope=entity&
//!   entity-bytes=<from>:<to>` ([`BlockStore::prefetch_range`]): the nodes
//!   down to the leaves over the range, each linked by the one before and
//!   checked as above; a leaf it leaves out is fetched alone after it.
//!
//! Every checked block goes into a temporary file of this process (an
//! anonymous file in `$TMPDIR`, gone when the process ends) with an
//! in-memory index (CID → offset), so memory stays bounded by the number of
//! blocks, not their bytes, and a block is fetched once per process. Blocks
//! the embedded store already holds are read from it and never fetched.
//!
//! **Gateways** come from git config `nip.gateway` (every value, in the order
//! git reads them), else `NIP_GATEWAYS` (separated by commas or spaces; set
//! and empty: none), else [`DEFAULT_GATEWAYS`]. They are tried in order, not
//! raced: racing costs every gateway the bytes for one answer, and on the
//! same machine (the benchmark) the first honest gateway answers at once.
//! A gateway that fails moves behind those that have not failed as often,
//! for the rest of the process, so one broken gateway costs one failure per
//! request window, not one per block. When every gateway failed on a block,
//! the error is one line naming the block, each gateway and what it did.
//!
//! **Time.** A gateway that sends no byte for `NIP_GATEWAY_TIMEOUT` seconds
//! (default [`DEFAULT_TIMEOUT`]; connecting, the answer's headers, or between
//! two chunks of a body) has failed; the next is asked. After 3 s of silence
//! nip says which gateway it waits for and on which block.
//!
//! **TLS.** `https://` gateways are checked with the platform's root
//! certificates (rustls); `NIP_CA_FILE` names a PEM file of more roots to
//! trust (a gateway with a private CA, the tests' self-signed one).
//!
//! A gateway is read-only: a write session is [`GatewayError::ReadOnly`]
//! (unless the embedded store beside it takes the writes, `nip.store=auto`
//! with no node).

use super::{local::LocalStore, BlockStore, BlockWriter, StoreError};
use crate::block::{Block, MAX_BLOCK};
use crate::car::{CarError, Verifier};
use cid::Cid;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Public trustless gateways used when neither `nip.gateway` nor
/// `NIP_GATEWAYS` is set: they serve `?format=raw` and `?format=car` from
/// the whole IPFS network (a repository someone's node provides).
pub const DEFAULT_GATEWAYS: &[&str] = &["https://trustless-gateway.link", "https://ipfs.io", "https://dweb.link"];
/// Seconds a gateway may send nothing before it has failed.
pub const DEFAULT_TIMEOUT: u64 = 30;
/// CAR requests (whole DAGs) in flight at once.
pub const CAR_WINDOW: usize = 4;
/// After this long without a byte, nip says what it waits for.
const NOTE_AFTER: Duration = Duration::from_secs(3);
const NOTE_EVERY: Duration = Duration::from_secs(10);

/// What one gateway did wrong with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failed {
    /// An HTTP status other than 200.
    Status(u16),
    /// No byte for this many seconds.
    Silent(u64),
    /// The connection failed or broke.
    Transport(String),
    /// A `Content-Type` that is not the trustless one asked for.
    NotTrustless(String),
    /// A single block's bytes that do not hash to its CID.
    Mismatch,
    /// A single block's body over [`MAX_BLOCK`].
    TooLarge,
    /// A CAR that failed its checks.
    Car(CarError),
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::Status(s) => write!(f, "HTTP {s}"),
            Failed::Silent(s) => write!(f, "sent nothing for {s}s (NIP_GATEWAY_TIMEOUT)"),
            Failed::Transport(why) => write!(f, "{why}"),
            Failed::NotTrustless(ct) => write!(f, "answered {ct:?}, not as a trustless gateway"),
            Failed::Mismatch => write!(f, "sent bytes that do not match the CID"),
            Failed::TooLarge => write!(f, "sent more than {} for one block", crate::limits::human(MAX_BLOCK as u64)),
            Failed::Car(e) => write!(f, "sent a CAR that was refused: {e}"),
        }
    }
}

/// One gateway's failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub gateway: String,
    pub failed: Failed,
}

fn tried_text(list: &[Failure]) -> String {
    list.iter().map(|f| format!("{} {}", f.gateway, f.failed)).collect::<Vec<_>>().join("; ")
}

/// What reading from gateways can fail with.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Every gateway failed on `cid` (`what`: `block`, `the DAG of`).
    #[error(
        "no gateway gave {what} {cid}: {}; nothing was written. Check the address, set nip.gateway (or NIP_GATEWAYS) \
         to gateways that have it, or run an IPFS node (`ipfs daemon`)",
        tried_text(.tried)
    )]
    AllFailed { what: &'static str, cid: Box<Cid>, tried: Vec<Failure> },
    /// A write session on gateways alone.
    #[error(
        "cannot push through gateways ({gateways}): a gateway is read-only. Start an IPFS node (`ipfs daemon`) and \
         push with nip.store=auto or kubo, or push to the embedded store with nip.store=local"
    )]
    ReadOnly { gateways: String },
    /// A gateway setting that is no `http(s)://` URL.
    #[error("{from} names {url:?}, which is no gateway: use an http:// or https:// URL such as https://trustless-gateway.link")]
    BadUrl { from: String, url: String },
    /// `nip.store=gateway` and no gateway.
    #[error("nip.store is gateway and no gateway is set ({from} is empty): set nip.gateway or NIP_GATEWAYS")]
    NoGateways { from: String },
    #[error("cannot use NIP_CA_FILE {path}: {why}")]
    CaFile { path: String, why: String },
    /// reqwest or the async runtime could not be set up.
    #[error("cannot set up HTTP for the gateways: {0}")]
    Setup(String),
}

impl From<GatewayError> for StoreError {
    fn from(e: GatewayError) -> StoreError {
        StoreError::Gateway(Box::new(e))
    }
}

/// The gateways the settings name, and where the list came from: git config
/// `nip.gateway` (all its values), else `NIP_GATEWAYS`, else the defaults.
pub fn gateways(config: Option<&crate::config::Settings>) -> Result<(Vec<String>, String), GatewayError> {
    let none = crate::config::Settings::default();
    let values = config.unwrap_or(&none).git_all("nip.gateway").map_err(GatewayError::Setup)?;
    let values: Vec<_> = values.into_iter().filter(|v| !v.text.trim().is_empty()).collect();
    let (list, from): (Vec<(String, String)>, String) = if !values.is_empty() {
        let from = values[0].from.clone();
        (values.into_iter().map(|v| (v.text, v.from)).collect(), from)
    } else if let Ok(env) = std::env::var("NIP_GATEWAYS") {
        let list = env.split([',', ' ', '\n', '\t']).filter(|s| !s.is_empty()).map(|s| (s.to_string(), "NIP_GATEWAYS".into()));
        (list.collect(), "NIP_GATEWAYS".into())
    } else {
        (DEFAULT_GATEWAYS.iter().map(|g| (g.to_string(), "the default".into())).collect(), "the default list".into())
    };
    let mut out = Vec::new();
    for (url, from) in list {
        let url = url.trim().trim_end_matches('/').to_string();
        let ok = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).is_some_and(|h| !h.is_empty());
        if !ok || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(GatewayError::BadUrl { from, url });
        }
        out.push(url);
    }
    Ok((out, from))
}

/// Verified blocks of this process, in an anonymous temporary file.
#[derive(Default)]
struct Cache {
    file: Option<std::fs::File>,
    len: u64,
    at: HashMap<Cid, (u64, u32)>,
}

impl Cache {
    fn put(&mut self, block: &Block) -> std::io::Result<()> {
        if self.at.contains_key(&block.cid) {
            return Ok(());
        }
        if self.file.is_none() {
            self.file = Some(tempfile::tempfile()?);
        }
        let file = self.file.as_ref().ok_or_else(|| std::io::Error::other("no cache file"))?;
        file.write_all_at(&block.data, self.len)?;
        self.at.insert(block.cid, (self.len, block.data.len() as u32));
        self.len += block.data.len() as u64;
        Ok(())
    }

    fn get(&self, cid: &Cid) -> Option<std::io::Result<Vec<u8>>> {
        let (at, len) = *self.at.get(cid)?;
        let file = self.file.as_ref()?;
        let mut buf = vec![0; len as usize];
        Some(file.read_exact_at(&mut buf, at).map(|_| buf))
    }
}

/// A request waiting on a gateway, for the notes.
struct Pending {
    gateway: String,
    cid: Cid,
    last: Instant,
    bytes: u64,
}

/// Blocks from trustless gateways (see the module docs).
pub struct GatewayStore {
    gateways: Vec<String>,
    /// Failures of each gateway so far: the order they are tried in.
    failures: Vec<AtomicU32>,
    /// Built on the first request (a push or a clone the embedded store
    /// answers never loads a certificate store).
    http: std::sync::OnceLock<Result<reqwest::Client, String>>,
    /// Roots `NIP_CA_FILE` adds.
    roots: Vec<reqwest::Certificate>,
    timeout: Duration,
    /// The embedded store, read first (and written, if `writable`).
    local: Option<LocalStore>,
    writable: bool,
    cache: Mutex<Cache>,
    /// Roots whose whole DAG is in the cache.
    dags: Mutex<std::collections::HashSet<Cid>>,
    pending: Mutex<HashMap<u64, Pending>>,
    next_id: AtomicU64,
    requests: AtomicU64,
    bytes: AtomicU64,
    notes: Option<crate::kubo::Notes>,
}

impl GatewayStore {
    /// A store reading from `gateways` (URLs without a trailing `/`), after
    /// `local` if given; `writable` lets `local` take writes.
    pub fn new(
        gateways: Vec<String>,
        local: Option<LocalStore>,
        writable: bool,
        notes: Option<crate::kubo::Notes>,
    ) -> Result<GatewayStore, GatewayError> {
        crate::kubo::client::start_runtime().map_err(|e| GatewayError::Setup(e.to_string()))?;
        let secs = std::env::var("NIP_GATEWAY_TIMEOUT").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(DEFAULT_TIMEOUT);
        let timeout = Duration::from_secs(secs.max(1));
        let mut roots = Vec::new();
        let https = gateways.iter().any(|g| g.starts_with("https://"));
        if let Some(path) = std::env::var_os("NIP_CA_FILE").filter(|p| https && !p.is_empty()) {
            let shown = std::path::Path::new(&path).display().to_string();
            let pem = std::fs::read(&path).map_err(|e| GatewayError::CaFile { path: shown.clone(), why: e.to_string() })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| GatewayError::CaFile { path: shown.clone(), why: e.to_string() })?;
            if certs.is_empty() {
                return Err(GatewayError::CaFile { path: shown, why: "it holds no PEM certificate".into() });
            }
            roots = certs;
        }
        let failures = gateways.iter().map(|_| AtomicU32::new(0)).collect();
        Ok(GatewayStore {
            gateways,
            failures,
            http: std::sync::OnceLock::new(),
            roots,
            timeout,
            local,
            writable,
            cache: Mutex::new(Cache::default()),
            dags: Mutex::new(Default::default()),
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            notes,
        })
    }

    /// The HTTP client, built once: plain HTTP loads no certificate store;
    /// HTTPS uses the platform's roots and [`GatewayStore::roots`].
    fn http(&self) -> Result<&reqwest::Client, Failed> {
        let built = self.http.get_or_init(|| {
            let mut builder =
                reqwest::Client::builder().connect_timeout(self.timeout).user_agent(concat!("nip/", env!("CARGO_PKG_VERSION")));
            let loopback = |g: &String| {
                let host = g.split("://").nth(1).unwrap_or("");
                ["127.", "localhost", "[::1]"].iter().any(|p| host.starts_with(p))
            };
            if self.gateways.iter().all(loopback) {
                builder = builder.no_proxy();
            }
            if self.gateways.iter().all(|g| g.starts_with("http://")) {
                builder = builder.tls_certs_only(Vec::new());
            } else if !self.roots.is_empty() {
                builder = builder.tls_certs_merge(self.roots.clone());
            }
            builder.build().map_err(|e| format!("cannot set up HTTP(S): {e}"))
        });
        built.as_ref().map_err(|e| Failed::Transport(e.clone()))
    }

    /// HTTP requests sent so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn list(&self) -> String {
        self.gateways.join(", ")
    }

    /// Gateway indexes, fewest failures first (ties in the configured order).
    fn order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.gateways.len()).collect();
        order.sort_by_key(|i| self.failures[*i].load(Ordering::Relaxed));
        order
    }

    fn note(&self, line: &str) {
        if let Some(n) = &self.notes {
            n(line);
        }
    }

    fn cached(&self, cid: &Cid) -> Option<Vec<u8>> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(cid).and_then(Result::ok)
    }

    fn keep(&self, block: &Block) -> std::io::Result<()> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).put(block)
    }

    fn begin(&self, gateway: &str, cid: &Cid) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let p = Pending { gateway: gateway.to_string(), cid: *cid, last: Instant::now(), bytes: 0 };
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).insert(id, p);
        self.requests.fetch_add(1, Ordering::Relaxed);
        id
    }

    fn got(&self, id: u64, n: usize) {
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(p) = self.pending.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&id) {
            p.last = Instant::now();
            p.bytes += n as u64;
        }
    }

    fn end(&self, id: u64) {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }

    /// Sends one GET, waiting at most the timeout for its headers.
    async fn send(&self, url: String, accept: &str, id: u64) -> Result<reqwest::Response, Failed> {
        let req = self.http()?.get(&url).header(reqwest::header::ACCEPT, accept).send();
        let resp = match tokio::time::timeout(self.timeout, req).await {
            Err(_) => return Err(Failed::Silent(self.timeout.as_secs())),
            Ok(Err(e)) => return Err(Failed::Transport(transport(&e))),
            Ok(Ok(r)) => r,
        };
        self.got(id, 0);
        if resp.status() != reqwest::StatusCode::OK {
            return Err(Failed::Status(resp.status().as_u16()));
        }
        let ct = resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let want = accept.split(';').next().unwrap_or(accept);
        if !ct.trim().to_ascii_lowercase().starts_with(want) {
            return Err(Failed::NotTrustless(crate::protocol::one_line(&ct).chars().take(80).collect()));
        }
        Ok(resp)
    }

    /// The next chunk of a body, within the timeout.
    async fn chunk(&self, resp: &mut reqwest::Response) -> Result<Option<bytes::Bytes>, Failed> {
        match tokio::time::timeout(self.timeout, resp.chunk()).await {
            Err(_) => Err(Failed::Silent(self.timeout.as_secs())),
            Ok(Err(e)) => Err(Failed::Transport(transport(&e))),
            Ok(Ok(c)) => Ok(c),
        }
    }

    /// One block from one gateway, checked.
    async fn raw_from(&self, gateway: &str, cid: &Cid) -> Result<Vec<u8>, Failed> {
        let id = self.begin(gateway, cid);
        let got = async {
            let mut resp = self.send(format!("{gateway}/ipfs/{cid}?format=raw"), "application/vnd.ipld.raw", id).await?;
            if resp.content_length().is_some_and(|n| n > MAX_BLOCK as u64) {
                return Err(Failed::TooLarge);
            }
            let mut data = Vec::new();
            while let Some(c) = self.chunk(&mut resp).await? {
                self.got(id, c.len());
                if data.len() + c.len() > MAX_BLOCK {
                    return Err(Failed::TooLarge);
                }
                data.extend_from_slice(&c);
            }
            crate::block::verify(cid, &data).map_err(|_| Failed::Mismatch)?;
            Ok(data)
        }
        .await;
        self.end(id);
        got
    }

    /// One block, from the first gateway that gives it.
    async fn raw(&self, cid: &Cid) -> Result<Vec<u8>, GatewayError> {
        let mut tried = Vec::new();
        for g in self.order() {
            let gateway = &self.gateways[g];
            match self.raw_from(gateway, cid).await {
                Ok(data) => {
                    let _ = self.keep(&Block { cid: *cid, data: data.clone() });
                    return Ok(data);
                }
                Err(failed) => {
                    self.fail(g, cid, &failed);
                    tried.push(Failure { gateway: gateway.clone(), failed });
                }
            }
        }
        Err(GatewayError::AllFailed { what: "block", cid: Box::new(*cid), tried })
    }

    fn fail(&self, g: usize, cid: &Cid, failed: &Failed) {
        self.failures[g].fetch_add(1, Ordering::Relaxed);
        let n = self.gateways.len();
        if n > 1 {
            self.note(&format!("gateway {} failed on {cid}: {failed}; trying the next one", self.gateways[g]));
        }
    }

    /// The DAG under `root` from one gateway, as one CAR: every checked
    /// block goes into the cache as it arrives.
    /// `range`: only the blocks over these bytes of the file (inclusive).
    async fn car_from(&self, gateway: &str, root: &Cid, limit: u64, range: Option<(u64, u64)>) -> Result<usize, Failed> {
        let id = self.begin(gateway, root);
        let got = async {
            let (url, mut v) = match range {
                None => (format!("{gateway}/ipfs/{root}?format=car&dag-scope=all"), Verifier::new(*root, limit)),
                Some((from, to)) => (
                    format!("{gateway}/ipfs/{root}?format=car&dag-scope=entity&entity-bytes={from}:{to}"),
                    Verifier::partial(*root, limit),
                ),
            };
            let mut resp = self.send(url, "application/vnd.ipld.car; version=1; order=dfs; dups=n", id).await?;
            while let Some(c) = self.chunk(&mut resp).await? {
                self.got(id, c.len());
                v.feed(&c, &mut |b| self.keep(&b)).map_err(Failed::Car)?;
            }
            let n = v.blocks();
            v.finish().map_err(Failed::Car)?;
            Ok(n)
        }
        .await;
        self.end(id);
        got
    }

    async fn car(&self, root: &Cid, limit: u64) -> Result<(), GatewayError> {
        if self.dags.lock().unwrap_or_else(|e| e.into_inner()).contains(root) {
            return Ok(());
        }
        let mut tried = Vec::new();
        for g in self.order() {
            let gateway = &self.gateways[g];
            match self.car_from(gateway, root, limit, None).await {
                Ok(n) => {
                    log::info!("gateway {gateway}: the DAG of {root}, {n} blocks in one CAR");
                    self.dags.lock().unwrap_or_else(|e| e.into_inner()).insert(*root);
                    return Ok(());
                }
                Err(failed) => {
                    // Blocks it sent before failing were checked, and stay
                    // (the next gateway's copies of them are dropped).
                    self.fail(g, root, &failed);
                    tried.push(Failure { gateway: gateway.clone(), failed });
                }
            }
        }
        Err(GatewayError::AllFailed { what: "the DAG of", cid: Box::new(*root), tried })
    }

    /// Runs `work` on the runtime, saying after [`NOTE_AFTER`] without a
    /// byte which gateway it waits for, and again every [`NOTE_EVERY`].
    fn block_on<F: std::future::Future>(&self, work: F) -> F::Output {
        let rt = crate::kubo::client::runtime();
        let Some(notes) = &self.notes else { return rt.block_on(work) };
        rt.block_on(async {
            let mut work = std::pin::pin!(work);
            let mut told = Instant::now() - NOTE_EVERY;
            loop {
                let tick = std::pin::pin!(tokio::time::sleep(Duration::from_secs(1)));
                match futures_util::future::select(work.as_mut(), tick).await {
                    futures_util::future::Either::Left((done, _)) => return done,
                    futures_util::future::Either::Right(_) => {
                        let line = {
                            let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                            pending.values().min_by_key(|p| p.last).and_then(|p| {
                                let silent = p.last.elapsed();
                                (silent >= NOTE_AFTER && told.elapsed() >= NOTE_EVERY).then(|| {
                                    format!(
                                        "waiting for gateway {} to send {} ({} bytes so far, nothing for {}s; it is given \
                                         up after {}s, NIP_GATEWAY_TIMEOUT)...",
                                        p.gateway,
                                        p.cid,
                                        p.bytes,
                                        silent.as_secs(),
                                        self.timeout.as_secs()
                                    )
                                })
                            })
                        };
                        if let Some(line) = line {
                            notes(&line);
                            told = Instant::now();
                        }
                    }
                }
            }
        })
    }
}

/// A transport error in one line, without the URL (the gateway is named
/// beside it).
fn transport(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut why = if e.is_connect() { "cannot connect".to_string() } else { "the connection failed".to_string() };
    let mut src = e.source();
    let mut last = String::new();
    while let Some(s) = src {
        last = s.to_string();
        src = s.source();
    }
    if !last.is_empty() {
        why.push_str(&format!(" ({})", crate::protocol::one_line(&last).chars().take(160).collect::<String>()));
    }
    why
}

impl Drop for GatewayStore {
    fn drop(&mut self) {
        let n = self.requests();
        if n > 0 {
            log::info!("gateways: {n} requests, {} bytes received", self.bytes.load(Ordering::Relaxed));
        }
    }
}

impl BlockStore for GatewayStore {
    fn describe(&self) -> String {
        match &self.local {
            Some(l) => format!("{}, then the gateways {} for blocks it lacks", l.describe(), self.list()),
            None => format!("the gateways {}", self.list()),
        }
    }

    fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut out: Vec<Option<Vec<u8>>> = cids.iter().map(|c| self.cached(c)).collect();
        if let Some(local) = &self.local {
            let want: Vec<(usize, Cid)> =
                out.iter().zip(cids).enumerate().filter(|(_, (o, _))| o.is_none()).map(|(i, (_, c))| (i, *c)).collect();
            if !want.is_empty() {
                let asked: Vec<Cid> = want.iter().map(|(_, c)| *c).collect();
                let has = local.has_many(&asked)?;
                let held: Vec<(usize, Cid)> = want.into_iter().zip(has).filter(|(_, h)| *h).map(|(w, _)| w).collect();
                let got = local.get_many(&held.iter().map(|(_, c)| *c).collect::<Vec<_>>())?;
                for ((i, _), data) in held.into_iter().zip(got) {
                    out[i] = Some(data);
                }
            }
        }
        let missing: Vec<(usize, Cid)> =
            out.iter().zip(cids).enumerate().filter(|(_, (o, _))| o.is_none()).map(|(i, (_, c))| (i, *c)).collect();
        if !missing.is_empty() {
            let fetched: Result<Vec<(usize, Vec<u8>)>, GatewayError> = self.block_on(async {
                futures_util::stream::iter(missing.iter())
                    .map(|(i, cid)| async move { self.raw(cid).await.map(|d| (*i, d)) })
                    .buffered(crate::kubo::client::GET_WINDOW)
                    .collect::<Vec<_>>()
                    .await
                    .into_iter()
                    .collect()
            });
            for (i, data) in fetched? {
                out[i] = Some(data);
            }
        }
        Ok(out.into_iter().map(Option::unwrap_or_default).collect())
    }

    fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, StoreError> {
        // What this machine holds: a gateway is not asked (a push never
        // writes here unless the embedded store takes it).
        let mut out: Vec<bool> = {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            cids.iter().map(|c| cache.at.contains_key(c)).collect()
        };
        if let Some(local) = &self.local {
            for (o, h) in out.iter_mut().zip(local.has_many(cids)?) {
                *o |= h;
            }
        }
        Ok(out)
    }

    fn writer(&self) -> Result<Box<dyn BlockWriter + '_>, StoreError> {
        match &self.local {
            Some(local) if self.writable => local.writer(),
            _ => Err(GatewayError::ReadOnly { gateways: self.list() }.into()),
        }
    }

    fn prefetch_dags(&self, roots: &[(Cid, u64)]) -> Result<(), StoreError> {
        let mut wanted = Vec::new();
        let mut asked = Vec::new();
        let whole = self.dags.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for (root, limit) in roots {
            if crate::block::inline_data(root).is_none() && !whole.contains(root) {
                wanted.push((*root, *limit));
                asked.push(*root);
            }
        }
        if let Some(local) = &self.local {
            let has = local.has_many(&asked)?;
            wanted = wanted.into_iter().zip(has).filter(|(_, h)| !h).map(|(w, _)| w).collect();
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let done: Result<Vec<()>, GatewayError> = self.block_on(async {
            futures_util::stream::iter(wanted.iter())
                .map(|(root, limit)| self.car(root, *limit))
                .buffered(CAR_WINDOW)
                .collect::<Vec<_>>()
                .await
                .into_iter()
                .collect()
        });
        done.map(|_| ()).map_err(Into::into)
    }

    fn prefetch_range(&self, root: &Cid, offset: u64, len: u64) {
        if len == 0 || self.dags.lock().unwrap_or_else(|e| e.into_inner()).contains(root) {
            return;
        }
        if self.local.as_ref().is_some_and(|l| l.has_many(std::slice::from_ref(root)).is_ok_and(|h| h[0])) {
            return;
        }
        // The range's leaves (at most two more than its bytes need) and the
        // nodes above them.
        let limit = len + 2 * crate::unixfs::CHUNK as u64 + (1 << 20);
        let range = Some((offset, offset + len - 1));
        self.block_on(async {
            for g in self.order() {
                match self.car_from(&self.gateways[g], root, limit, range).await {
                    Ok(n) => return log::info!("gateway {}: {n} blocks over bytes {offset}+{len} of {root}", self.gateways[g]),
                    Err(failed) => self.fail(g, root, &failed),
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_names_the_block_and_every_gateway() {
        let cid = crate::block::cid_of(crate::block::RAW, b"x");
        let e = GatewayError::AllFailed {
            what: "block",
            cid: Box::new(cid),
            tried: vec![
                Failure { gateway: "https://a.example".into(), failed: Failed::Status(500) },
                Failure { gateway: "http://127.0.0.1:1".into(), failed: Failed::Mismatch },
            ],
        };
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("no gateway gave block {cid}: https://a.example HTTP 500; http://127.0.0.1:1 sent bytes")),
            "{text}"
        );
        assert!(!text.contains('\n'));
        assert!(std::mem::size_of::<GatewayError>() <= 128, "{}", std::mem::size_of::<GatewayError>());
    }

    #[test]
    fn gateway_lists_come_from_git_config_first() {
        use crate::config::{Scope, Settings};
        let s = Settings::from_entries(&[
            ("nip.gateway", Some("http://127.0.0.1:8080/"), Scope::Global),
            ("nip.gateway", Some("https://b.example"), Scope::CommandLine),
        ]);
        let (list, from) = gateways(Some(&s)).unwrap();
        assert_eq!(list, vec!["http://127.0.0.1:8080".to_string(), "https://b.example".to_string()]);
        assert!(from.contains("nip.gateway"), "{from}");
        let bad = Settings::from_entries(&[("nip.gateway", Some("ftp://x"), Scope::Global)]);
        let e = gateways(Some(&bad)).unwrap_err().to_string();
        assert!(e.contains("ftp://x") && e.contains("global git config nip.gateway"), "{e}");
    }
}
