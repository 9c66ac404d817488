//! A client for Kubo's RPC API (`/api/v0`), on reqwest and tokio.
//!
//! It covers what nip needs: `version`, `block/get` (many in flight at
//! once), `block/stat`, `block/put` (many blocks in one request), `dag/import` (a CAR streamed up from a file),
//! `dag/export` (streamed down), `pin/add`, `pin/update`, `pin/ls`, `pin/rm`,
//! `id`, `swarm/connect` and `pin/remote/service/ls` (for [`crate::pinning`]'s
//! origins, delegates and messages);
//! `key/*`, `name/*` and `routing/get` are in [`super::names`]. Kubo answers errors as
//! JSON `{"Message": …}`; that message is what the user sees.
//!
//! The process has one tokio runtime (`runtime`); the methods here block on
//! it, so the rest of nip stays synchronous.
//!
//! Every body is read as a stream with a cap, so a node (or a proxy in
//! front of it) cannot make nip hold more than it should: a `block/get`
//! answer is at most [`BLOCK_BODY_MAX`] (the largest block there is, 1 MiB;
//! with [`GET_WINDOW`] in flight, 32 MiB at most), any other answer
//! (JSON, an IPNS record, import stats) at most [`ANSWER_MAX`] (1 MiB:
//! `key/list` lists one key per repository), and only the first
//! [`ERROR_BODY_MAX`] (64 KiB) of an error answer is read. A body past its
//! cap, or declaring a length past it, ends the request at once with
//! [`KuboError::TooLarge`], which names the call and the block.

use super::discover::{Api, Endpoint};
use cid::Cid;
use futures_util::{StreamExt, TryStreamExt};
use reqwest::multipart::{Form, Part};
use std::sync::OnceLock;
use std::time::Duration;

/// Requests for blocks in flight at once.
pub const GET_WINDOW: usize = 32;
/// Most bytes of a `block/get` answer: a block nip can use is never larger.
pub const BLOCK_BODY_MAX: usize = crate::block::MAX_BLOCK;
/// Most bytes of any other answer.
pub const ANSWER_MAX: usize = 1 << 20;
/// Bytes of an error answer read for its message; the rest is left unread.
pub const ERROR_BODY_MAX: usize = 64 << 10;

/// How long the node has to say its version: a node that accepts
/// connections but never answers is no node.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a push waits for its index to be announced (`routing/provide`):
/// on the public DHT an announcement takes seconds to tens of seconds; past
/// this the push is done all the same, and Kubo's reprovider announces the
/// index later.
pub const PROVIDE_TIMEOUT: Duration = Duration::from_secs(60);

/// What talking to the node can fail with. Every message names the node
/// (its address without any `user:password@`), the call and, for calls on
/// one block or path, that block; none ever holds a credential.
#[derive(Debug, thiserror::Error)]
pub enum KuboError {
    /// `connect`: nothing accepted the connection (refused, no such
    /// socket, no route): nothing listens there. Otherwise something did,
    /// and then failed.
    #[error("no IPFS node answered at {endpoint} (from {source_desc}): {why}")]
    Unreachable { endpoint: String, source_desc: String, why: String, connect: bool },
    /// Something listens there and refused access (HTTP 401 or 403).
    #[error("the IPFS node at {endpoint} (from {source_desc}) refused access ({call}: HTTP {status}); {advice}")]
    Refused { endpoint: String, source_desc: String, call: String, status: String, advice: String },
    /// Something answered there, and not as Kubo's RPC API does.
    #[error(
        "something answered at {endpoint} (from {source_desc}), but not as an IPFS node's RPC API ({said}); \
         set nip.api (or NIP_IPFS_API) to the node's API address (Addresses.API in its config)"
    )]
    NotKubo { endpoint: String, source_desc: String, said: String },
    /// The node answered with an error; `call` is the call and its argument
    /// (`block/get bafy…`), `message` Kubo's own words.
    #[error("the IPFS node at {endpoint} failed {call}: {message}")]
    Api { endpoint: String, call: String, message: String },
    /// The node took longer than nip waits: slow or stuck, not a sign that
    /// what was asked for is missing. `secs` is the wait that ran out.
    #[error("{call} on the IPFS node at {endpoint} got no answer within {secs}s: the node is slow or stuck; {advice}")]
    Timeout { endpoint: String, call: String, secs: u64, advice: String },
    /// A setting nip cannot use (never shown: it may be a secret).
    #[error("{from} cannot be used: {why}")]
    BadSetting { from: String, why: String },
    /// The operating system would not start the async runtime the client
    /// needs (out of threads or file descriptors).
    #[error("cannot start the async runtime that talks to the IPFS node: {why}")]
    NoRuntime { why: String },
    /// A file of this machine could not be read or written (the CAR being
    /// uploaded, the output of an export). Its `error` is shown in the
    /// message, and so is not also its `source()`.
    #[error("cannot {what} {path}: {error}")]
    File { what: &'static str, path: String, error: std::io::Error },
    /// The node answered a call with something that is not the answer that
    /// call has (not JSON, a field missing): nip stops there rather than
    /// guess a default.
    #[error("the IPFS node at {endpoint} gave an answer to {call} that nip cannot use ({why}); is it Kubo, and a version nip supports?")]
    BadAnswer { endpoint: String, call: String, why: String },
    #[error(
        "the IPFS node at {endpoint} answered {call}{about} with more than {}, more than any valid answer; \
         the node, or a proxy in front of it, is broken or hostile: use another node (nip.api or NIP_IPFS_API)",
        crate::limits::human(*.limit as u64)
    )]
    TooLarge { endpoint: String, call: String, about: String, limit: usize },
}

/// How reading a body with a cap ended.
#[derive(Debug)]
pub enum Body<E> {
    /// All of it.
    Whole(Vec<u8>),
    /// It is longer than the cap (or says so): the first bytes, at most
    /// the cap; the rest was not read.
    Over(Vec<u8>),
    /// The transport failed.
    Failed(E),
}

/// Reads `chunks` until they end or hold more than `cap` bytes, whichever
/// comes first; a `declared` length (Content-Length) past `cap` stops it
/// before the first chunk.
pub async fn read_capped<S, E>(declared: Option<u64>, chunks: S, cap: usize) -> Body<E>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>>,
{
    if declared.is_some_and(|n| n > cap as u64) {
        return Body::Over(Vec::new());
    }
    let mut chunks = std::pin::pin!(chunks);
    let mut out = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(chunk) = chunks.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => return Body::Failed(e),
        };
        if out.len() + chunk.len() > cap {
            let room = cap - out.len();
            out.extend_from_slice(&chunk[..room]);
            return Body::Over(out);
        }
        out.extend_from_slice(&chunk);
    }
    Body::Whole(out)
}

/// Extra time given to an answer past the deadline the node was told
/// (`timeout=`): the node's own timeout should answer first.
const GRACE: Duration = Duration::from_secs(5);

impl From<KuboError> for crate::Error {
    fn from(e: KuboError) -> crate::Error {
        crate::Error::Node(Box::new(e))
    }
}

/// What a failure of the node means, whatever its words. Kubo says its
/// errors only in English text (`{"Message": …, "Code": 0}`, the code
/// always 0), so [`Kind::of_message`] is the one place nip reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// What was asked for is not there: a block (asked offline, or by a
    /// call that does not search the network), a record, a key.
    NotFound,
    /// A wait ran out: ours ([`KuboError::Timeout`]) or the node's own
    /// (`timeout=`, "context deadline exceeded"). Says nothing about
    /// whether what was asked for exists: the node is slow or stuck, or the
    /// network is.
    Timeout,
    /// `pin/ls`, `pin/rm`: the CID is not pinned (recursively).
    NotPinned,
    /// `key/gen`, `key/import`: a key of that name is in the keystore.
    Exists,
    /// `routing/provide`: the node has no peer to tell.
    NoPeers,
    /// The node runs without what the call needs: pubsub (`pubsub/*`,
    /// `Pubsub.Enabled`) or providing (`Provide.Enabled`).
    Disabled,
    /// Anything else: the node failed, refused, or is not there.
    Other,
}

impl Kind {
    /// What Kubo's `message` means. The texts are Kubo v0.39's (see the
    /// test below, which lists each with the call that gives it).
    pub fn of_message(message: &str) -> Kind {
        let m = message.to_ascii_lowercase();
        if m.contains("deadline exceeded") {
            Kind::Timeout
        } else if m.contains("not pinned") {
            Kind::NotPinned
        } else if m.contains("already exists") {
            Kind::Exists
        } else if m.contains("no connected peers") {
            Kind::NoPeers
        } else if m.contains("feature not enabled") || m.contains("provide.enabled is set to 'false'") {
            Kind::Disabled
        } else if m.contains("not found")
            || m.contains("could not find")
            || m.contains("could not resolve")
            || m.contains("no key named")
        {
            Kind::NotFound
        } else {
            Kind::Other
        }
    }
}

impl KuboError {
    /// True when nothing listens at the address (the connection was refused,
    /// or could not be made): the only failure after which the default
    /// `nip.store=auto` may use the embedded store instead.
    pub fn nothing_listens(&self) -> bool {
        matches!(self, KuboError::Unreachable { connect: true, .. })
    }

    /// What the failure means (see [`Kind`]).
    pub fn kind(&self) -> Kind {
        match self {
            KuboError::Timeout { .. } => Kind::Timeout,
            KuboError::Api { message, .. } => Kind::of_message(message),
            _ => Kind::Other,
        }
    }

    /// True when a wait ran out: ours, or the node's own (`timeout=`).
    pub fn is_timeout(&self) -> bool {
        self.kind() == Kind::Timeout
    }

    /// True when the node said that what was asked for is not there. Never
    /// for a wait that ran out, the node's own included: a node that
    /// searched the network until its deadline does not know that the
    /// block is nowhere (see [`Kind::Timeout`]).
    pub fn is_not_found(&self) -> bool {
        self.kind() == Kind::NotFound
    }
}

static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

/// Starts the process's tokio runtime, once; [`Client::new`] calls it, so
/// every method of a client finds it running (and so does the gateway
/// store's [`crate::store::gateway::GatewayStore::new`]).
pub(crate) fn start_runtime() -> Result<(), KuboError> {
    if RT.get().is_none() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| KuboError::NoRuntime { why: e.to_string() })?;
        let _ = RT.set(rt);
    }
    Ok(())
}

/// The process's tokio runtime (started by [`Client::new`]).
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    // Only a Client calls this, and Client::new started the runtime.
    RT.get().expect("the runtime starts before any Client exists")
}

/// Where a client's lines about a long wait go (`looking for block … on
/// the IPFS network (up to 120s, NIP_IPFS_TIMEOUT)...`): the binary
/// decides (both of nip's print them on stderr after `nip: `). A client
/// without it says nothing while it waits.
pub type Notes = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// A Kubo RPC client.
#[derive(Clone)]
pub struct Client {
    api: Api,
    base: String,
    http: reqwest::Client,
    /// How long a block may take to arrive (it may come from another node).
    timeout: Duration,
    /// How long a recursive pin may take (it walks the whole repository and
    /// may fetch what the node lacks).
    pin_timeout: Duration,
    /// How long resolving an IPNS name or a DNSLink may take.
    ipns_timeout: Duration,
    /// Where lines about a long wait go, if anywhere.
    notes: Option<Notes>,
}

impl Client {
    pub fn new(api: Api) -> Result<Client, KuboError> {
        start_runtime()?;
        let mut builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5)).no_proxy();
        let base = match &api.endpoint {
            Endpoint::Http(u) => {
                if !u.starts_with("https://") {
                    // Plain HTTP loads no certificate store (none is needed, and a system may have none).
                    builder = builder.tls_certs_only(Vec::new());
                }
                format!("{u}/api/v0")
            }
            Endpoint::Unix(path) => {
                builder = builder.unix_socket(path.clone()).tls_certs_only(Vec::new());
                "http://localhost/api/v0".to_string()
            }
        };
        let http = builder.build().map_err(|e| KuboError::Unreachable {
            endpoint: api.endpoint.to_string(),
            source_desc: api.source.clone(),
            why: e.to_string(),
            connect: false,
        })?;
        let secs = |k: &str, default: u64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
        let timeout = Duration::from_secs(secs("NIP_IPFS_TIMEOUT", 120));
        let pin_timeout = Duration::from_secs(secs("NIP_IPFS_PIN_TIMEOUT", 600));
        let ipns_timeout = Duration::from_secs(secs("NIP_IPNS_TIMEOUT", 30).max(1));
        Ok(Client { api, base, http, timeout, pin_timeout, ipns_timeout, notes: None })
    }

    /// This client, saying what it waits for to `notes` (see [`Notes`]).
    pub fn with_notes(mut self, notes: Notes) -> Client {
        self.notes = Some(notes);
        self
    }

    /// Runs `work`, telling [`Client::notes`] what it waits for.
    fn block_on_noting<F: std::future::Future>(&self, work: F, note: impl FnMut(Duration) -> Option<String>) -> F::Output {
        match &self.notes {
            Some(notes) => runtime().block_on(with_notes(work, note, notes.as_ref())),
            None => runtime().block_on(work),
        }
    }

    /// How long a name resolution may take (`NIP_IPNS_TIMEOUT`, 30 s).
    pub fn ipns_timeout(&self) -> Duration {
        self.ipns_timeout
    }

    /// How long a block or a publish may take (`NIP_IPFS_TIMEOUT`, 120 s).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn endpoint(&self) -> String {
        self.api.endpoint.to_string()
    }

    /// POSTs `/api/v0/<call>` with query `args` and an optional multipart
    /// body; a non-2xx answer becomes [`KuboError::Api`] with Kubo's message,
    /// naming the call's argument (the block, path or key it was about).
    pub async fn call(
        &self,
        call: &str,
        args: &[(&str, String)],
        body: Option<Form>,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, KuboError> {
        let what = match args.iter().find(|(k, _)| *k == "arg") {
            Some((_, arg)) => format!("{call} {arg}"),
            None => call.to_string(),
        };
        let mut req = self.http.post(format!("{}/{call}", self.base)).query(args);
        if let Some(auth) = &self.api.auth {
            let mut value = reqwest::header::HeaderValue::from_str(auth).map_err(|_| KuboError::BadSetting {
                from: "the API credential (git config nip.apiAuth or NIP_IPFS_API_AUTH)".into(),
                why: "it holds a line break or another control character, which an HTTP header cannot carry; set it again \
                      without one"
                    .into(),
            })?;
            // Shown as `Sensitive` in any debug or trace output.
            value.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, value);
        }
        if let Some(t) = timeout {
            // Kubo's own timeout cancels the search on the node; ours is a backstop.
            req = req.query(&[("timeout", format!("{}s", t.as_secs()))]).timeout(t + GRACE);
        }
        if let Some(form) = body {
            req = req.multipart(form);
        }
        let resp = req.send().await.map_err(|e| self.transport_error(&what, e, timeout))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        if status.as_u16() == 401 || status.as_u16() == 403 {
            let advice = match self.api.auth {
                Some(_) => "it refused the credentials sent (nip.apiAuth or NIP_IPFS_API_AUTH, or the user:password in \
                            the address): set ones its API.Authorizations accepts"
                    .to_string(),
                None => "it needs credentials: set nip.apiAuth or NIP_IPFS_API_AUTH to one its API.Authorizations \
                         accepts (basic:<user>:<password> or bearer:<token>)"
                    .to_string(),
            };
            return Err(KuboError::Refused {
                endpoint: self.endpoint(),
                source_desc: self.api.source.clone(),
                call: what,
                status: status.to_string(),
                advice,
            });
        }
        let text = match read_capped(None, resp.bytes_stream(), ERROR_BODY_MAX).await {
            Body::Whole(b) => String::from_utf8_lossy(&b).into_owned(),
            Body::Over(b) => format!("{}…", String::from_utf8_lossy(&b)),
            Body::Failed(_) => String::new(),
        };
        let said = |text: &str| -> String {
            crate::protocol::one_line(text).split_whitespace().collect::<Vec<_>>().join(" ").chars().take(200).collect()
        };
        let kubo_message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            // The node's words reach the user's terminal: one line, no
            // control characters (no escape sequences), bounded.
            .and_then(|v| {
                v.get("Message").and_then(|m| m.as_str()).map(|m| crate::protocol::one_line(m).chars().take(500).collect())
            });
        if kubo_message.is_none() && call == "version" {
            // The first call on a node: what answered is not Kubo.
            return Err(KuboError::NotKubo {
                endpoint: self.endpoint(),
                source_desc: self.api.source.clone(),
                said: format!("HTTP {status}: {}", said(&text)),
            });
        }
        let mut message = kubo_message.unwrap_or_else(|| {
            // Not Kubo's JSON (a proxy's page, say): its status and the
            // start of what it said, on one line.
            format!("HTTP {status}: {} (not an answer of Kubo's RPC API: is nip.api the node's API address?)", said(&text))
        });
        if Kind::of_message(&message) == Kind::Timeout {
            if let (Some(t), setting @ ("NIP_IPFS_TIMEOUT" | "NIP_IPFS_PIN_TIMEOUT" | "NIP_IPNS_TIMEOUT")) = self.limit_of(call) {
                message = format!(
                    "{message} (the node gave up after {}s: it, or the network, is slow or stuck, or no peer it reached \
                     has what was asked for; {setting} sets how long, in seconds)",
                    t.as_secs()
                );
            }
        }
        Err(KuboError::Api { endpoint: self.endpoint(), call: what, message })
    }

    /// How long nip lets `call` (its first word) take, and the setting that
    /// says so: for messages, and for the wait of a body read after the
    /// answer began (the same request timeout covers it).
    fn limit_of(&self, call: &str) -> (Option<Duration>, &'static str) {
        match call.split(' ').next().unwrap_or_default() {
            "block/get" | "name/publish" => (Some(self.timeout), "NIP_IPFS_TIMEOUT"),
            "pin/add" | "pin/update" => (Some(self.pin_timeout), "NIP_IPFS_PIN_TIMEOUT"),
            "routing/get" | "name/resolve" => (Some(self.ipns_timeout), "NIP_IPNS_TIMEOUT"),
            "version" => (Some(VERSION_TIMEOUT), "nip.api"),
            _ => (None, "NIP_IPFS_TIMEOUT"),
        }
    }

    /// An error of the connection or of the wait; `call` is what was asked
    /// (`block/get bafy…`), `timeout` the deadline given to the node if
    /// known. The URL reqwest would print is left out (the endpoint is
    /// named, and never with credentials).
    pub(super) fn transport_error(&self, call: &str, e: reqwest::Error, timeout: Option<Duration>) -> KuboError {
        let e = e.without_url();
        if e.is_timeout() && !e.is_connect() {
            let (limit, setting) = self.limit_of(call);
            if let Some(t) = timeout.or(limit) {
                let advice = match setting.starts_with("NIP_") {
                    true => format!("check it, or wait longer with {setting} (seconds; now {})", t.as_secs()),
                    false => format!("is an IPFS node's RPC API listening there ({setting}, from {})?", self.api.source),
                };
                return KuboError::Timeout {
                    endpoint: self.endpoint(),
                    call: call.to_string(),
                    secs: (t + GRACE).as_secs(),
                    advice,
                };
            }
        }
        let mut why = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            why = format!("{why}: {s}");
            src = s.source();
        }
        if e.is_builder() {
            return KuboError::BadSetting {
                from: format!("the IPFS API address {} (from {})", self.endpoint(), self.api.source),
                why,
            };
        }
        KuboError::Unreachable { endpoint: self.endpoint(), source_desc: self.api.source.clone(), why, connect: e.is_connect() }
    }

    /// The body of an answer, at most [`ANSWER_MAX`] bytes.
    pub(super) async fn bytes(&self, call: &str, resp: reqwest::Response) -> Result<Vec<u8>, KuboError> {
        self.capped(call, String::new(), resp, ANSWER_MAX, None).await
    }

    /// The body of an answer, at most `cap` bytes; `about` says what was
    /// asked for, for the error (` for block <cid>`), and `limit` the
    /// deadline the request was given, if not the call's usual one. A body
    /// that ends early is returned as it is: blocks are checked against
    /// their CIDs by the caller (`store::Verified`), which refuses it.
    async fn capped(
        &self,
        call: &str,
        about: String,
        resp: reqwest::Response,
        cap: usize,
        limit: Option<Duration>,
    ) -> Result<Vec<u8>, KuboError> {
        match read_capped(resp.content_length(), resp.bytes_stream(), cap).await {
            Body::Whole(b) => Ok(b),
            Body::Over(_) => Err(KuboError::TooLarge { endpoint: self.endpoint(), call: call.to_string(), about, limit: cap }),
            Body::Failed(e) => Err(self.transport_error(&format!("{call}{about}"), e, limit)),
        }
    }

    /// The node's version, e.g. `0.39.0`. Answers within 10 s or fails. An
    /// answer that is not Kubo's (no JSON `Version`, or a failure that is
    /// not Kubo's JSON error) is [`KuboError::NotKubo`]; 401 and 403 are
    /// [`KuboError::Refused`].
    pub fn version(&self) -> Result<String, KuboError> {
        runtime().block_on(async {
            let resp = self.call("version", &[], None, Some(VERSION_TIMEOUT)).await?;
            let body = self.bytes("version", resp).await?;
            let v: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
            match v.as_ref().and_then(|v| v.get("Version")).and_then(|v| v.as_str()) {
                Some(version) => Ok(crate::protocol::one_line(version).chars().take(100).collect()),
                // Kubo says its version in JSON; this is something else.
                None => Err(KuboError::NotKubo {
                    endpoint: self.endpoint(),
                    source_desc: self.api.source.clone(),
                    said: format!(
                        "its answer to version is not Kubo's JSON: {}",
                        crate::protocol::one_line(&String::from_utf8_lossy(&body))
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .chars()
                            .take(200)
                            .collect::<String>()
                    ),
                }),
            }
        })
    }

    /// Why the node will not announce what nip pins on it to the DHT, if it
    /// will not (`config/show`): providing is off (`Provide.Enabled`), it
    /// routes nothing (`Routing.Type=none`), or its strategy leaves pins
    /// out (`Provide.Strategy=mfs`). A push pins its index, and Kubo
    /// announces pins under every other strategy (`all`, the default,
    /// `pinned`, `roots`, `pinned+mfs`); a reader needs only the index
    /// announced, since it fetches the rest from the node that announced
    /// it (tests/dht.rs shows `roots` is enough).
    pub fn announcement_gap(&self) -> Result<Option<String>, KuboError> {
        let config = runtime().block_on(self.simple("config/show", &[]))?;
        let text = |path: &[&str]| {
            let mut v = &config;
            for key in path {
                v = v.get(key)?;
            }
            v.as_str().map(|s| crate::protocol::one_line(s).chars().take(60).collect::<String>())
        };
        let enabled = config.get("Provide").and_then(|p| p.get("Enabled")).and_then(|e| e.as_bool());
        Ok(if enabled == Some(false) {
            Some("Provide.Enabled is false".to_string())
        } else if text(&["Routing", "Type"]).as_deref() == Some("none") {
            Some("Routing.Type is none".to_string())
        } else {
            match text(&["Provide", "Strategy"]) {
                Some(s) if s.trim() == "mfs" => Some("Provide.Strategy is mfs, which leaves pins out".to_string()),
                _ => None,
            }
        })
    }

    /// Announces `cid` to the DHT now (`routing/provide`, the block only):
    /// the node tells the peers closest to it that it has the block, and
    /// adds it to what it reprovides. Kubo announces a new pin itself under
    /// most strategies, but not the root a `pin/update` moved to under
    /// `Provide.Strategy=roots` (tests/dht.rs), and a push pins its index
    /// that way; so a push announces its index itself. Bounded by
    /// [`PROVIDE_TIMEOUT`].
    pub fn provide(&self, cid: &Cid) -> Result<(), KuboError> {
        let work = async {
            let args = [("arg", cid.to_string()), ("recursive", "false".into())];
            let resp = self.call("routing/provide", &args, None, Some(PROVIDE_TIMEOUT)).await?;
            self.bytes("routing/provide", resp).await
        };
        let body = self.block_on_noting(work, slow_call(format!("announcing /ipfs/{cid} on the DHT"), PROVIDE_TIMEOUT))?;
        // A stream of routing events; a failure after the answer began is
        // a QueryError event (type 3) with the node's words in `Extra`.
        for line in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let v = self.json("routing/provide", line)?;
            if v.get("Type").and_then(|t| t.as_u64()) == Some(3) {
                let said = v.get("Extra").and_then(|e| e.as_str()).unwrap_or("an error without a message");
                return Err(KuboError::Api {
                    endpoint: self.endpoint(),
                    call: "routing/provide".into(),
                    message: crate::protocol::one_line(said).chars().take(300).collect(),
                });
            }
        }
        Ok(())
    }

    /// One `block/get` of `cid`, for at most `limit`.
    async fn block_get(&self, cid: &Cid, limit: Duration) -> Result<Vec<u8>, KuboError> {
        let resp = self.call("block/get", &[("arg", cid.to_string())], None, Some(limit)).await?;
        self.capped("block/get", format!(" for block {cid}"), resp, BLOCK_BODY_MAX, Some(limit)).await
    }

    /// How long a `block/get` may bring nothing before nip helps the node
    /// find the block (`Client::reconnect_providers`): [`STALL_AFTER`],
    /// or a third of the timeout when that is shorter.
    fn stall_after(&self) -> Duration {
        STALL_AFTER.min(self.timeout / 3).max(Duration::from_secs(1))
    }

    /// `block/get` of `cid` within the timeout, all of it: one that
    /// brought nothing after `Client::stall_after` is asked again once,
    /// after `Client::reconnect_providers` (see [`STALL_AFTER`]; at most
    /// [`RESCUE_LIMIT`]), for what is left of the timeout. So a block no
    /// node has fails after the timeout (plus the grace the node's own
    /// answer gets), rescue or not.
    async fn block_get_helped(
        &self,
        cid: &Cid,
        rescue: &tokio::sync::Mutex<Option<std::time::Instant>>,
    ) -> Result<Vec<u8>, KuboError> {
        let started = std::time::Instant::now();
        let stall = self.stall_after();
        if stall >= self.timeout {
            return self.block_get(cid, self.timeout).await;
        }
        match self.block_get(cid, stall).await {
            Err(e) if e.is_timeout() => {
                {
                    // One rescue at a time (a wait here is bounded by the
                    // running one's RESCUE_LIMIT); blocks that stalled while
                    // one ran are asked again without another.
                    let mut last = rescue.lock().await;
                    let recent = last.is_some_and(|t| t.elapsed() < stall);
                    let left = self.timeout.saturating_sub(started.elapsed());
                    if !recent && left > stall && RESCUES_DONE.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < MAX_RESCUES {
                        let until = std::time::Instant::now() + RESCUE_LIMIT.min(left - stall);
                        self.reconnect_providers(cid, until).await;
                        *last = Some(std::time::Instant::now());
                    }
                }
                let left = self.timeout.saturating_sub(started.elapsed());
                if left < Duration::from_secs(1) {
                    // The whole timeout has gone (waiting for another
                    // block's rescue): say so, not the first ask's wait.
                    return Err(match e {
                        KuboError::Timeout { endpoint, call, advice, .. } => {
                            KuboError::Timeout { endpoint, call, secs: started.elapsed().as_secs(), advice }
                        }
                        other => other,
                    });
                }
                self.block_get(cid, left).await
            }
            other => other,
        }
    }

    /// Kubo's bitswap does not see a peer whose connection was made while
    /// the node started (before bitswap listened for connections): it never
    /// sends that peer its wants, and finding the peer as a provider does
    /// not help, since the node is connected to it already. So a block
    /// that does not come is looked up (`routing/findprovs`, at most
    /// [`RESCUE_PROVIDERS`] providers, 10 s) and the node reconnects to
    /// each provider named (`swarm/disconnect`, then `swarm/connect`):
    /// a new connection bitswap sees. Said on the notes; failures are only
    /// logged (the retry says what it finds).
    ///
    /// It keeps to `until`: each call's limit is cut to what is left, and
    /// no disconnection starts with less than 2 s left. A pair is never
    /// cut between its disconnect and its connect (which would leave the
    /// node disconnected from the provider the retry needs), so a node that
    /// does not answer within a call's limit can take one pair's grace
    /// past `until`.
    async fn reconnect_providers(&self, cid: &Cid, until: std::time::Instant) {
        let left = || until.saturating_duration_since(std::time::Instant::now());
        let within = |most: Duration, share: Duration| share.min(most).max(Duration::from_secs(1));
        let say = |line: String| {
            log::info!("{line}");
            if let Some(notes) = &self.notes {
                notes(&line);
            }
        };
        let args = [("arg", cid.to_string()), ("num-providers", RESCUE_PROVIDERS.to_string())];
        let providers = async {
            let resp = self.call("routing/findprovs", &args, None, Some(within(Duration::from_secs(10), left() / 2))).await?;
            let body = self.bytes("routing/findprovs", resp).await?;
            Ok::<_, KuboError>(providers_in(&body))
        };
        let providers = match providers.await {
            Ok(p) => p,
            Err(e) => return log::info!("could not look up providers of {cid}: {e}"),
        };
        if providers.is_empty() {
            return say(format!("no provider of block {cid} found in the DHT; still waiting for it"));
        }
        say(format!(
            "block {cid} does not come; reconnecting to the {} node{} the DHT names as holding it, then asking again",
            providers.len(),
            if providers.len() == 1 { "" } else { "s" }
        ));
        for peer in providers {
            let l = left();
            if l < Duration::from_secs(2) {
                log::info!("no time left to reconnect to provider {peer} of {cid}");
                break;
            }
            let target = format!("/p2p/{peer}");
            // Not connected is fine: the connect below makes the connection.
            if let Err(e) =
                self.call("swarm/disconnect", &[("arg", target.clone())], None, Some(within(Duration::from_secs(5), l / 3))).await
            {
                log::debug!("swarm/disconnect {target}: {e}");
            }
            let connect = within(Duration::from_secs(10), left().max(l * 2 / 3));
            match self.call("swarm/connect", &[("arg", target.clone())], None, Some(connect)).await {
                Ok(_) => log::info!("reconnected to provider {peer} of {cid}"),
                Err(e) => log::info!("could not connect to provider {peer} of {cid}: {e}"),
            }
        }
    }

    /// Fetches blocks, [`GET_WINDOW`] requests in flight, in the order asked.
    /// An error names the block that failed (boxed: both are large). A
    /// block that brings nothing for `Client::stall_after` is helped
    /// once (`Client::reconnect_providers`) and asked again.
    pub fn block_get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, Box<(Cid, KuboError)>> {
        let rescue = tokio::sync::Mutex::new(None);
        let rescue = &rescue;
        // The requests in flight and when each began: a block the node must
        // search the network for is said within seconds, not after the
        // timeout.
        let pending = std::sync::Mutex::new(std::collections::HashMap::<Cid, std::time::Instant>::new());
        let pending = &pending;
        let all = futures_util::stream::iter(cids.iter())
            .map(|cid| async move {
                pending.lock().unwrap_or_else(|e| e.into_inner()).insert(*cid, std::time::Instant::now());
                let got = self.block_get_helped(cid, rescue).await;
                pending.lock().unwrap_or_else(|e| e.into_inner()).remove(cid);
                got.map_err(|e| Box::new((*cid, e)))
            })
            .buffered(GET_WINDOW)
            .try_collect();
        let mut told: Option<Cid> = None;
        let timeout = self.timeout.as_secs();
        let note = move |since_told: Duration| {
            let pending = pending.lock().unwrap_or_else(|e| e.into_inner());
            let (cid, began) = pending.iter().min_by_key(|(_, t)| **t).map(|(c, t)| (*c, *t))?;
            let waited = began.elapsed();
            if waited < NOTE_AFTER {
                return None;
            }
            if told != Some(cid) {
                told = Some(cid);
                return Some(format!("looking for block {cid} on the IPFS network (up to {timeout}s, NIP_IPFS_TIMEOUT)..."));
            }
            (since_told >= NOTE_EVERY).then(|| format!("still looking for block {cid} ({}s of {timeout}s)...", waited.as_secs()))
        };
        self.block_on_noting(all, note)
    }

    /// Which blocks the node holds itself (no network search).
    pub fn block_has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, KuboError> {
        runtime().block_on(async {
            futures_util::stream::iter(cids.iter())
                .map(|cid| async move {
                    let args = [("arg", cid.to_string()), ("offline", "true".to_string())];
                    match self.call("block/stat", &args, None, None).await {
                        Ok(_) => Ok(true),
                        Err(e) if e.is_not_found() => Ok(false),
                        Err(e) => Err(e),
                    }
                })
                .buffered(GET_WINDOW)
                .try_collect()
                .await
        })
    }

    /// Imports a CAR made of `header` followed by the contents of `file`,
    /// streamed; roots are not pinned here. Returns (blocks, bytes) imported.
    pub fn dag_import(&self, header: Vec<u8>, file: std::fs::File, len: u64) -> Result<(u64, u64), KuboError> {
        let what = format!("importing {} of blocks", crate::limits::human(len));
        let note = slow_call(what, Duration::ZERO);
        self.block_on_noting(
            async {
                let head = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes_from(header)) });
                let rest = tokio_util::io::ReaderStream::with_capacity(tokio::fs::File::from_std(file), 1 << 20);
                let total = len;
                let body = reqwest::Body::wrap_stream(head.chain(rest));
                let part =
                    Part::stream_with_length(body, total).file_name("nip.car").mime_str("application/vnd.ipld.car").map_err(
                        |e| KuboError::Api { endpoint: self.endpoint(), call: "dag/import".into(), message: e.to_string() },
                    )?;
                let args = [("pin-roots", "false".to_string()), ("stats", "true".to_string())];
                let resp = self.call("dag/import", &args, Some(Form::new().part("file", part)), None).await?;
                let body = self.bytes("dag/import", resp).await?;
                let mut stats = None;
                for line in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                    let v = self.json("dag/import", line)?;
                    if let Some(msg) = v.get("Message").and_then(|m| m.as_str()) {
                        return Err(KuboError::Api {
                            endpoint: self.endpoint(),
                            call: "dag/import".into(),
                            message: crate::protocol::one_line(msg),
                        });
                    }
                    if let Some(s) = v.get("Stats") {
                        let count = |field: &str| {
                            s.get(field).and_then(|n| n.as_u64()).ok_or_else(|| {
                                self.malformed("dag/import", format!("its Stats have no {field} count: {}", shown(line)))
                            })
                        };
                        stats = Some((count("BlockCount")?, count("BlockBytesCount")?));
                    }
                }
                // Asked with stats=true, Kubo ends its answer with them.
                stats.ok_or_else(|| self.malformed("dag/import", "it has no Stats line, though stats=true asked for one".into()))
            },
            note,
        )
    }

    /// Stores blocks with `block/put`, one request per codec, all the blocks
    /// of that codec as parts of one multipart body. Kubo stores them as they
    /// are (unlike `dag/import`, which decodes them).
    pub fn block_put_many(&self, blocks: &[crate::block::Block]) -> Result<(), KuboError> {
        let mut codecs: Vec<u64> = blocks.iter().map(|b| b.cid.codec()).collect();
        codecs.sort();
        codecs.dedup();
        runtime().block_on(async {
            for codec in codecs {
                let name = match codec {
                    crate::block::RAW => "raw",
                    crate::block::DAG_PB => "dag-pb",
                    crate::block::DAG_CBOR => "dag-cbor",
                    other => {
                        return Err(KuboError::Api {
                            endpoint: self.endpoint(),
                            call: "block/put".into(),
                            message: format!("nip does not write codec 0x{other:x}"),
                        })
                    }
                };
                let mut form = Form::new();
                for b in blocks.iter().filter(|b| b.cid.codec() == codec) {
                    form = form.part("file", Part::bytes(b.data.clone()).file_name("block"));
                }
                let args =
                    [("cid-codec", name.to_string()), ("mhtype", "sha2-256".to_string()), ("allow-big-block", "false".into())];
                let resp = self.call("block/put", &args, Some(form), None).await?;
                self.bytes("block/put", resp).await?;
            }
            Ok(())
        })
    }

    pub(super) async fn simple(&self, call: &str, args: &[(&str, String)]) -> Result<serde_json::Value, KuboError> {
        self.simple_with(call, args, None).await
    }

    /// [`Client::simple`] with a multipart body.
    pub(super) async fn simple_with(
        &self,
        call: &str,
        args: &[(&str, String)],
        body: Option<Form>,
    ) -> Result<serde_json::Value, KuboError> {
        let resp = self.call(call, args, body, None).await?;
        let body = self.bytes(call, resp).await?;
        self.json(call, &body)
    }

    /// `body` as JSON, or [`KuboError::BadAnswer`] saying how `call`'s
    /// answer began.
    pub(super) fn json(&self, call: &str, body: &[u8]) -> Result<serde_json::Value, KuboError> {
        serde_json::from_slice(body).map_err(|e| self.malformed(call, format!("not JSON ({e}): {}", shown(body))))
    }

    /// A [`KuboError::BadAnswer`] to `call`.
    pub(super) fn malformed(&self, call: &str, why: String) -> KuboError {
        KuboError::BadAnswer { endpoint: self.endpoint(), call: call.to_string(), why }
    }

    /// Pins `cid` recursively, within `NIP_IPFS_PIN_TIMEOUT` seconds (600).
    pub fn pin_add(&self, cid: &Cid) -> Result<(), KuboError> {
        let work = async {
            let args = [("arg", cid.to_string()), ("recursive", "true".into())];
            let resp = self.call("pin/add", &args, None, Some(self.pin_timeout)).await?;
            self.bytes("pin/add", resp).await
        };
        self.block_on_noting(work, slow_call(format!("pinning /ipfs/{cid}"), self.pin_timeout)).map(|_| ())
    }

    /// Pins `to` recursively, walking only where it differs from `from`,
    /// which must be pinned recursively here; `unpin` also drops the pin of
    /// `from`. (Kubo pairs the links of the two roots that changed in the
    /// order they appear, and recurses into each pair.)
    pub fn pin_update(&self, from: &Cid, to: &Cid, unpin: bool) -> Result<(), KuboError> {
        let work = async {
            let args = [("arg", from.to_string()), ("arg", to.to_string()), ("unpin", unpin.to_string())];
            let resp = self.call("pin/update", &args, None, Some(self.pin_timeout)).await?;
            self.bytes("pin/update", resp).await
        };
        self.block_on_noting(work, slow_call(format!("pinning /ipfs/{to}"), self.pin_timeout)).map(|_| ())
    }

    /// Whether `cid` is pinned recursively on the node.
    pub fn pin_is_recursive(&self, cid: &Cid) -> Result<bool, KuboError> {
        match runtime().block_on(self.simple("pin/ls", &[("arg", cid.to_string()), ("type", "recursive".into())])) {
            Ok(v) => match v.get("Keys").and_then(|k| k.as_object()) {
                Some(keys) => Ok(!keys.is_empty()),
                None => Err(self.malformed("pin/ls", format!("it has no Keys: {}", shown(v.to_string().as_bytes())))),
            },
            Err(e) if matches!(e.kind(), Kind::NotPinned | Kind::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The node's peer ID and the addresses it listens on, each ending in
    /// `/p2p/<peer id>` (`id`): the `origins` a pinning service fetches from.
    pub fn id(&self) -> Result<(String, Vec<String>), KuboError> {
        let v = runtime().block_on(self.simple("id", &[]))?;
        let peer = v.get("ID").and_then(|p| p.as_str()).ok_or_else(|| self.malformed("id", "it has no ID".into()))?;
        let addrs = match v.get("Addresses") {
            Some(serde_json::Value::Array(a)) => a.iter().filter_map(|a| a.as_str()).map(crate::protocol::one_line).collect(),
            // A node with no listening address says `null`.
            _ => Vec::new(),
        };
        Ok((crate::protocol::one_line(peer), addrs))
    }

    /// Connects the node to `addr` (a multiaddr ending in `/p2p/<peer id>`).
    pub fn swarm_connect(&self, addr: &str) -> Result<(), KuboError> {
        runtime().block_on(self.simple("swarm/connect", &[("arg", addr.to_string())])).map(|_| ())
    }

    /// The remote pinning services the node's config names
    /// (`pin/remote/service/ls`): (name, endpoint). Kubo never says their keys.
    pub fn pin_services(&self) -> Result<Vec<(String, String)>, KuboError> {
        let v = runtime().block_on(self.simple("pin/remote/service/ls", &[]))?;
        let list = match v.get("RemoteServices") {
            Some(serde_json::Value::Array(a)) => a.as_slice(),
            _ => &[],
        };
        Ok(list
            .iter()
            .filter_map(|s| Some((s.get("Service")?.as_str()?.to_string(), s.get("ApiEndpoint")?.as_str()?.to_string())))
            .collect())
    }

    /// The value of the node's config key `key` (`config`, e.g.
    /// `Addresses.Gateway`): a string, a list, or `null` when unset.
    pub fn config_get(&self, key: &str) -> Result<serde_json::Value, KuboError> {
        let v = runtime().block_on(self.simple("config", &[("arg", key.to_string())]))?;
        Ok(v.get("Value").cloned().unwrap_or(serde_json::Value::Null))
    }

    /// Removes the recursive pin of `cid`.
    pub fn pin_rm(&self, cid: &Cid) -> Result<(), KuboError> {
        runtime().block_on(self.simple("pin/rm", &[("arg", cid.to_string()), ("recursive", "true".into())])).map(|_| ())
    }
}

/// How long a `block/get` may bring nothing before nip looks up who holds
/// the block and reconnects the node to them (Kubo's bitswap can be blind
/// to a peer it is connected to; see `Client::reconnect_providers`).
pub const STALL_AFTER: Duration = Duration::from_secs(10);
/// At most this many such rescues per process (a clone or fetch).
const MAX_RESCUES: usize = 3;
/// The most one rescue (provider lookup and reconnections) takes.
const RESCUE_LIMIT: Duration = Duration::from_secs(20);
/// At most this many providers are reconnected to per rescue.
const RESCUE_PROVIDERS: usize = 5;
static RESCUES_DONE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The peer IDs of the providers in a `routing/findprovs` answer (routing
/// events, one JSON object a line; type 4 is a provider), at most
/// [`RESCUE_PROVIDERS`]. A peer ID is text from the network: only IDs of
/// base58 or base32 characters, 40 to 100 of them, are kept.
fn providers_in(body: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(line) else { continue };
        if v.get("Type").and_then(|t| t.as_u64()) != Some(4) {
            continue;
        }
        let responses = v.get("Responses").and_then(|r| r.as_array()).map(Vec::as_slice).unwrap_or(&[]);
        for id in responses.iter().filter_map(|r| r.get("ID")?.as_str()) {
            let plausible = (40..=100).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric());
            if plausible && !out.iter().any(|o| o == id) && out.len() < RESCUE_PROVIDERS {
                out.push(id.to_string());
            }
        }
    }
    out
}

/// How long a call may be silent before nip says what it waits for, and
/// how often it says it again.
const NOTE_AFTER: Duration = Duration::from_secs(3);
const NOTE_EVERY: Duration = Duration::from_secs(10);

/// Runs `work`, asking `note` every second (with the time since the last
/// note it gave) for a line to give `notes`: a slow node is never long
/// silent.
async fn with_notes<F: std::future::Future>(
    work: F,
    mut note: impl FnMut(Duration) -> Option<String>,
    notes: &(dyn Fn(&str) + Send + Sync),
) -> F::Output {
    let mut work = std::pin::pin!(work);
    let mut last = std::time::Instant::now();
    loop {
        let tick = std::pin::pin!(tokio::time::sleep(Duration::from_secs(1)));
        match futures_util::future::select(work.as_mut(), tick).await {
            futures_util::future::Either::Left((done, _)) => return done,
            futures_util::future::Either::Right(_) => {
                if let Some(line) = note(last.elapsed()) {
                    notes(&line);
                    last = std::time::Instant::now();
                }
            }
        }
    }
}

/// The notes of one long call (`what`, e.g. "pinning /ipfs/<cid>"): after
/// [`NOTE_AFTER`], then every [`NOTE_EVERY`].
fn slow_call(what: String, limit: Duration) -> impl FnMut(Duration) -> Option<String> {
    let started = std::time::Instant::now();
    let mut told = false;
    move |since_told| {
        let waited = started.elapsed();
        if waited < NOTE_AFTER || (told && since_told < NOTE_EVERY) {
            return None;
        }
        told = true;
        Some(match limit.is_zero() {
            true => format!("the IPFS node is {what} ({}s so far)...", waited.as_secs()),
            false => format!("the IPFS node is {what} ({}s so far, up to {}s)...", waited.as_secs(), limit.as_secs()),
        })
    }
}

/// The start of what a node said, for a message: one line, at most 200
/// characters, no control characters.
fn shown(body: &[u8]) -> String {
    crate::protocol::one_line(&String::from_utf8_lossy(body))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect()
}

fn bytes_from(v: Vec<u8>) -> bytes::Bytes {
    bytes::Bytes::from(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_are_read_from_findprovs_events_and_checked() {
        let id = "12D3KooWFJzzCv77H3cUWcCcswp2ZF3bGFkumz59sEQDCuaVTjv9";
        let body = format!(
            "{{\"Type\":6,\"Responses\":[{{\"ID\":\"12D3KooWCVqDtnipbBtF1tp1GFrkUMbqgEzsAyJdJd24zG72fc7H\"}}]}}\n\
             {{\"Type\":4,\"Responses\":[{{\"ID\":\"{id}\",\"Addrs\":[]}},{{\"ID\":\"../../etc\"}},{{\"ID\":\"{id}\"}}]}}\n\
             not json\n"
        );
        assert_eq!(providers_in(body.as_bytes()), vec![id.to_string()]);
    }
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn chunks(sizes: &[usize]) -> impl futures_util::Stream<Item = Result<bytes::Bytes, ()>> {
        let v: Vec<Result<bytes::Bytes, ()>> = sizes.iter().map(|n| Ok(bytes::Bytes::from(vec![7u8; *n]))).collect();
        futures_util::stream::iter(v)
    }

    fn read(declared: Option<u64>, s: impl futures_util::Stream<Item = Result<bytes::Bytes, ()>>, cap: usize) -> Body<()> {
        start_runtime().expect("start the runtime");
        runtime().block_on(read_capped(declared, s, cap))
    }

    #[test]
    fn a_body_up_to_the_cap_is_read_whole() {
        assert!(matches!(read(None, chunks(&[]), 10), Body::Whole(b) if b.is_empty()));
        assert!(matches!(read(Some(10), chunks(&[4, 6]), 10), Body::Whole(b) if b.len() == 10));
        assert!(matches!(read(None, futures_util::stream::iter([Err(())]), 10), Body::Failed(())));
    }

    #[test]
    fn a_byte_past_the_cap_ends_the_read() {
        assert!(matches!(read(None, chunks(&[4, 7]), 10), Body::Over(b) if b.len() == 10));
        assert!(matches!(read(None, chunks(&[11]), 10), Body::Over(b) if b.len() == 10));
    }

    /// An endless body is read no further than the cap.
    #[test]
    fn an_endless_body_stops_at_the_cap() {
        let pulled = AtomicUsize::new(0);
        let endless = futures_util::stream::repeat_with(|| {
            pulled.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(bytes::Bytes::from_static(&[0; 1000]))
        });
        assert!(matches!(read(None, endless, BLOCK_BODY_MAX), Body::Over(b) if b.len() == BLOCK_BODY_MAX));
        assert_eq!(pulled.load(Ordering::SeqCst), BLOCK_BODY_MAX / 1000 + 1);
    }

    /// A declared length past the cap stops the read before any chunk.
    #[test]
    fn a_declared_length_past_the_cap_reads_nothing() {
        let pulled = AtomicUsize::new(0);
        let body = futures_util::stream::repeat_with(|| {
            pulled.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(bytes::Bytes::from_static(&[0; 1000]))
        });
        assert!(matches!(read(Some(512 << 20), body, BLOCK_BODY_MAX), Body::Over(b) if b.is_empty()));
        assert_eq!(pulled.load(Ordering::SeqCst), 0);
    }

    /// Kubo v0.39.0's own messages, each from the call that gave it (taken
    /// from a test daemon with `curl -X POST`, online with no peers and
    /// `--offline`), and what nip makes of each.
    #[test]
    fn kubo_messages_have_the_kind_they_mean() {
        let cid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
        let not_local = format!("block was not found locally (offline): ipld: could not find {cid}");
        for (call, message, kind) in [
            // A block no peer gave before `timeout=` ran out (online).
            ("block/get timeout=1s", "context deadline exceeded".to_string(), Kind::Timeout),
            ("dag/get timeout=1s", "context deadline exceeded".to_string(), Kind::Timeout),
            ("pin/add timeout=1s", "pin: context deadline exceeded".to_string(), Kind::Timeout),
            // A block the node has not got, offline or with offline=true.
            ("block/get (offline)", not_local.clone(), Kind::NotFound),
            ("block/stat offline=true", not_local.clone(), Kind::NotFound),
            ("dag/get (offline)", not_local.clone(), Kind::NotFound),
            ("pin/add (offline)", format!("pin: {not_local}"), Kind::NotFound),
            ("pin/rm", "not pinned or pinned indirectly".to_string(), Kind::NotPinned),
            ("key/gen", "key with name 'k1' already exists".to_string(), Kind::Exists),
            // From Kubo v0.39.0's source (core/commands/routing.go,
            // core/coreapi/pubsub.go): a node alone, a node without pubsub.
            ("routing/provide", "cannot provide, no connected peers".to_string(), Kind::NoPeers),
            ("routing/provide", "invalid configuration: Provide.Enabled is set to 'false'".to_string(), Kind::Disabled),
            (
                "pubsub/pub",
                "experimental pubsub feature not enabled, run daemon with --enable-pubsub-experiment to use".to_string(),
                Kind::Disabled,
            ),
            ("key/rm", "no key named nokey was found".to_string(), Kind::NotFound),
            ("name/resolve", "could not resolve name".to_string(), Kind::NotFound),
            ("routing/get timeout=2s", "routing: not found".to_string(), Kind::NotFound),
            // Offline, the DHT cannot be asked: that is no answer about the name.
            (
                "routing/get (offline)",
                "this action must be run in online mode, try running 'ipfs daemon' first".to_string(),
                Kind::Other,
            ),
        ] {
            assert_eq!(Kind::of_message(&message), kind, "{call}: {message:?}");
        }
    }
}
