//! Remote pinning: keeping a repository on a pinning service, so that it
//! outlives the machine that pushed it. A client of the IPFS Pinning
//! Services API 1.0.0 (`GET`/`POST /pins`, `GET`/`POST`/`DELETE
//! /pins/{requestid}`, bearer token), on reqwest and the process's tokio
//! runtime (the one [`crate::kubo::client`] starts).
//!
//! **Where a service comes from** ([`Service::find`]), first match wins:
//!
//! 1. git config `nip.pinService.<name>.endpoint`, with the key from env
//!    `NIP_PIN_SERVICE_KEY` or from the file git config
//!    `nip.pinService.<name>.keyFile` names (the key is never read from git
//!    config itself: config files are shared and printed);
//! 2. the Kubo node's own configuration, as `ipfs pin remote service add
//!    <name> <endpoint> <key>` writes it (`Pinning.RemoteServices.<name>.API`
//!    `{Endpoint, Key}`). Kubo v0.39 never gives the key over its RPC API
//!    (`config` answers "cannot show or change pinning services
//!    credentials", `config/show` leaves it out), so nip reads the node's
//!    config file, `$IPFS_PATH/config` (default `~/.ipfs/config`), and uses
//!    it only if its `Identity.PeerID` is the running node's.
//!
//! **What a pin is.** [`pin_index`] asks the service to pin one index
//! (recursively: the index links every earlier one, so the whole history
//! comes along), with `origins` set to the node's addresses (`id`, each
//! with `/p2p/<peer id>`, at most 20) so that the service fetches the
//! blocks from this node, `name` the repository's address and `meta`
//! `{"app": "nip"}`, which is how nip finds its own pins again (`nipctl pin
//! --service <name> --list`, and the unpin of a replaced index). The node is
//! connected to the `delegates` the service answers with (best effort: the
//! service dials the origins too). A nip pin of the same CID already
//! there, pinned or on its way, is followed rather than asked for twice.
//!
//! **The wait** is bounded: git config `nip.pinTimeout` or env
//! `NIP_PIN_TIMEOUT`, in seconds, default 300. The status is asked every
//! half second for the first 5 s, every second up to 30 s, then every 3 s
//! (a `GET /pins/{requestid}` each); each change of status, and
//! every 10 s of the same one, is a line given to the caller's `progress`
//! (the library prints nothing). `pinned` ends it: only then may the
//! replaced index's nip pins on the service go ([`pin_index`] removes
//! them), and only then is this machine no longer needed. `failed` is
//! [`PinServiceError::Failed`] with the service's own `info`; a wait that
//! runs out is [`PinServiceError::StillWaiting`], naming the request, which
//! stays on the service. Neither touches the node's own pin. A status
//! request that fails on the way (the service or the network unreachable,
//! no answer in time) is asked again at the next turn, three times in a
//! row at most; so the wait ends within the limit plus one request.
//!
//! **The key** is sent only as an `Authorization: Bearer` header marked
//! sensitive; no message, log line or `Debug` holds it, and anything a
//! service says back is shown with the key's text replaced by `***`.
//! Every answer is read with a cap ([`ANSWER_MAX`]; an error's first
//! [`ERROR_BODY_MAX`]), every request has a timeout ([`REQUEST_TIMEOUT`]).

use crate::config::Settings;
use crate::kubo::client::{read_capped, runtime, start_runtime, Body};
use crate::kubo::Client;
use cid::Cid;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Most bytes of an answer of the service (a list of at most 1000 pins).
pub const ANSWER_MAX: usize = 1 << 20;
/// Bytes of an error answer read for its message.
pub const ERROR_BODY_MAX: usize = 16 << 10;
/// How long one request to the service may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long nip follows a pin request by default (`nip.pinTimeout`).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(300);
/// The spec's bound on `origins` (and `delegates`).
pub const MAX_ORIGINS: usize = 20;
/// The `meta` nip marks its pins with.
pub const META_APP: (&str, &str) = ("app", "nip");

/// What remote pinning can fail with. Every message names the service (its
/// name and endpoint) and says what to do; none holds the key.
#[derive(Debug, thiserror::Error)]
pub enum PinServiceError {
    /// No service of that name is configured anywhere nip looks.
    #[error("no pinning service '{service}': {why}")]
    NotConfigured { service: String, why: String },
    /// A setting nip cannot use (never shown: it may be the key).
    #[error("{from} cannot be used: {why}")]
    BadSetting { from: String, why: String },
    #[error("the pinning service '{service}' at {endpoint} cannot be reached ({call}): {why}")]
    Unreachable { service: String, endpoint: String, call: String, why: String },
    /// HTTP 401 or 403: the key is wrong, expired, or lacks the right.
    #[error(
        "the pinning service '{service}' at {endpoint} refused the key (HTTP {status}, from {from}): set there the \
         access token the service gave you"
    )]
    Refused { service: String, endpoint: String, status: u16, from: String },
    /// HTTP 404 on a request id.
    #[error("the pinning service '{service}' at {endpoint} has no pin request {requestid}")]
    NoRequest { service: String, endpoint: String, requestid: String },
    /// Any other failure status, with the service's own `reason` and `details`.
    #[error("the pinning service '{service}' at {endpoint} failed {call}: {said}")]
    Api { service: String, endpoint: String, call: String, said: String },
    /// An answer that is not the one the spec gives that call.
    #[error("the pinning service '{service}' gave an answer to {call} that nip cannot use ({why}); is {endpoint} a Pinning Services API endpoint?")]
    BadAnswer { service: String, endpoint: String, call: String, why: String },
    #[error("the pinning service '{service}' at {endpoint} did not answer {call} within {secs}s")]
    Timeout { service: String, endpoint: String, call: String, secs: u64 },
    /// The service reported `failed`.
    #[error(
        "the pinning service '{service}' could not pin nip::/ipfs/{cid} (request {requestid} failed{details}); the pin \
         on this node is kept: keep this machine online"
    )]
    Failed { service: String, requestid: String, cid: Box<Cid>, details: String },
    /// The wait ran out before `pinned`.
    #[error(
        "the pinning service '{service}' has not pinned nip::/ipfs/{cid} within {secs}s (request {requestid} is still \
         {status}; nip.pinTimeout or NIP_PIN_TIMEOUT waits longer); the pin on this node is kept: this machine is \
         still needed until the service says pinned (`nipctl pin --service {service} --list`)"
    )]
    StillWaiting { service: String, requestid: String, cid: Box<Cid>, status: Status, secs: u64 },
    /// The node that should serve the blocks failed.
    #[error("{0}")]
    Node(Box<crate::kubo::KuboError>),
}

impl From<PinServiceError> for crate::Error {
    fn from(e: PinServiceError) -> crate::Error {
        crate::Error::PinService(Box::new(e))
    }
}

/// A pin request's status, as the spec names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Queued,
    Pinning,
    Pinned,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Pinning => "pinning",
            Status::Pinned => "pinned",
            Status::Failed => "failed",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The key: never shown, not even by `Debug`.
#[derive(Clone)]
struct Key(String);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// A configured pinning service.
#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    /// The API's base URL, without a trailing slash (`https://host/psa`).
    pub endpoint: String,
    key: Key,
    /// Where the key came from, for messages (`NIP_PIN_SERVICE_KEY`, `the
    /// Kubo config /home/u/.ipfs/config`).
    pub key_from: String,
}

/// A pin request as the service answers it (`PinStatus`).
#[derive(Clone, Debug)]
pub struct PinStatus {
    pub requestid: String,
    pub status: Status,
    pub created: String,
    pub cid: String,
    pub name: Option<String>,
    /// Whether its `meta` marks it as nip's (`{"app": "nip"}`).
    pub nips: bool,
    pub delegates: Vec<String>,
    /// `info`, values made one line each.
    pub info: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
struct RawPin {
    cid: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    meta: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(serde::Deserialize)]
struct RawStatus {
    requestid: String,
    status: Status,
    created: String,
    pin: RawPin,
    delegates: Vec<String>,
    #[serde(default)]
    info: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(serde::Deserialize)]
struct RawResults {
    count: u64,
    results: Vec<RawStatus>,
}

fn one_line(s: &str, max: usize) -> String {
    crate::protocol::one_line(s).split_whitespace().collect::<Vec<_>>().join(" ").chars().take(max).collect()
}

impl From<RawStatus> for PinStatus {
    fn from(r: RawStatus) -> PinStatus {
        let info = r
            .info
            .unwrap_or_default()
            .into_iter()
            .take(20)
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (one_line(&k, 100), one_line(&v, 300))
            })
            .collect();
        PinStatus {
            requestid: one_line(&r.requestid, 200),
            status: r.status,
            created: one_line(&r.created, 64),
            cid: one_line(&r.pin.cid, 200),
            name: r.pin.name.map(|n| one_line(&n, 255)),
            nips: r.pin.meta.as_ref().and_then(|m| m.get(META_APP.0)).and_then(|v| v.as_str()) == Some(META_APP.1),
            delegates: r.delegates.iter().take(MAX_ORIGINS).map(|d| one_line(d, 300)).collect(),
            info,
        }
    }
}

/// A name a service may have: what Kubo and git config keys both take.
fn check_name(name: &str) -> Result<(), PinServiceError> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    match ok {
        true => Ok(()),
        false => Err(PinServiceError::BadSetting {
            from: format!("the pinning service name {:?}", one_line(name, 100)),
            why: "use letters, digits, '-', '_' and '.'".into(),
        }),
    }
}

/// The endpoint as a base URL: http(s), no trailing slash.
fn check_endpoint(endpoint: &str, from: &str) -> Result<String, PinServiceError> {
    let e = endpoint.trim().trim_end_matches('/');
    if (e.starts_with("https://") || e.starts_with("http://")) && !e.contains(char::is_whitespace) && !e.contains('@') {
        return Ok(e.to_string());
    }
    Err(PinServiceError::BadSetting {
        from: from.to_string(),
        why: "a pinning service endpoint is an https:// (or http://) URL without user:password@".into(),
    })
}

/// The key, trimmed, or why it cannot be sent.
fn check_key(key: &str, from: &str) -> Result<Key, PinServiceError> {
    let k = key.trim();
    if k.is_empty() || k.chars().any(|c| c.is_control()) {
        return Err(PinServiceError::BadSetting {
            from: from.to_string(),
            why: "the key is empty or holds a line break or another control character, which an HTTP header cannot carry".into(),
        });
    }
    Ok(Key(k.to_string()))
}

impl Service {
    /// The service called `name` (see the module's documentation for where
    /// nip looks); `node` is the running node, whose config file must be
    /// the one read.
    pub fn find(settings: &Settings, name: &str, node: Option<&Client>) -> Result<Service, PinServiceError> {
        check_name(name)?;
        let setting = |k: &str| settings.get(&format!("nip.pinService.{name}.{k}"), &[]);
        let bad = |why: String| PinServiceError::BadSetting { from: format!("git config nip.pinService.{name}"), why };
        if let Some(endpoint) = setting("endpoint").map_err(bad)? {
            let endpoint = check_endpoint(&endpoint.text, &endpoint.from)?;
            let (key, key_from) = match std::env::var("NIP_PIN_SERVICE_KEY").ok().filter(|k| !k.trim().is_empty()) {
                Some(k) => (check_key(&k, "NIP_PIN_SERVICE_KEY")?, "NIP_PIN_SERVICE_KEY".to_string()),
                None => match setting("keyFile").map_err(bad)? {
                    Some(file) => {
                        let from = format!("the key file {} ({})", file.text, file.from);
                        let text = std::fs::read_to_string(&file.text).map_err(|e| PinServiceError::BadSetting {
                            from: from.clone(),
                            why: format!("cannot read it: {e}"),
                        })?;
                        (check_key(&text, &from)?, from)
                    }
                    None => {
                        return Err(PinServiceError::NotConfigured {
                            service: name.to_string(),
                            why: format!(
                                "{} names its endpoint but nothing gives its key: set NIP_PIN_SERVICE_KEY, or git config \
                                 nip.pinService.{name}.keyFile to a file holding it",
                                endpoint
                            ),
                        })
                    }
                },
            };
            return Ok(Service { name: name.to_string(), endpoint, key, key_from });
        }
        Service::from_kubo(name, node)
    }

    /// The service from the Kubo node's config file.
    fn from_kubo(name: &str, node: Option<&Client>) -> Result<Service, PinServiceError> {
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        let repo = std::env::var_os("IPFS_PATH")
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| home.map(|h| h.join(".ipfs")));
        let not_there = |why: String| PinServiceError::NotConfigured { service: name.to_string(), why };
        let how = format!(
            "add it to the node with `ipfs pin remote service add {name} <endpoint> <key>`, or set git config \
             nip.pinService.{name}.endpoint and NIP_PIN_SERVICE_KEY"
        );
        let Some(path) = repo.map(|r| r.join("config")) else {
            return Err(not_there(format!("no HOME or IPFS_PATH to find the node's config in; {how}")));
        };
        let shown = path.display().to_string();
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) => {
                let known = node.and_then(|n| n.pin_services().ok()).unwrap_or_default();
                let why = match known.iter().find(|(n, _)| n == name) {
                    Some((_, endpoint)) => format!(
                        "the IPFS node knows it (at {}), but never gives its key over its RPC API, and its config file \
                         {shown} cannot be read ({e}): run nip where IPFS_PATH names the node's repository, or set \
                         git config nip.pinService.{name}.endpoint and NIP_PIN_SERVICE_KEY",
                        one_line(endpoint, 200)
                    ),
                    None => format!("the IPFS node's config {shown} cannot be read ({e}); {how}"),
                };
                return Err(not_there(why));
            }
        };
        let config: serde_json::Value = serde_json::from_slice(&text)
            .map_err(|e| not_there(format!("the IPFS node's config {shown} is not JSON ({e}); {how}")))?;
        if let Some(node) = node {
            let (peer, _) = node.id().map_err(|e| PinServiceError::Node(Box::new(e)))?;
            let mine = config.pointer("/Identity/PeerID").and_then(|p| p.as_str()).unwrap_or_default();
            if mine != peer {
                return Err(not_there(format!(
                    "the Kubo config {shown} is another node's (peer {}), not that of the node at {} (peer {peer}): \
                     set IPFS_PATH to the running node's repository, or set git config nip.pinService.{name}.endpoint \
                     and NIP_PIN_SERVICE_KEY",
                    one_line(mine, 100),
                    node.endpoint()
                )));
            }
        }
        let services = config.pointer("/Pinning/RemoteServices").and_then(|s| s.as_object());
        let Some(api) = services.and_then(|s| s.get(name)).and_then(|s| s.get("API")) else {
            let names: Vec<&str> = services.map(|s| s.keys().map(String::as_str).collect()).unwrap_or_default();
            let known = match names.is_empty() {
                true => "it has none".to_string(),
                false => format!("it has {}", names.join(", ")),
            };
            return Err(not_there(format!("the IPFS node's config {shown} does not name it ({known}); {how}")));
        };
        let from = format!("the Kubo config {shown} (Pinning.RemoteServices.{name}.API)");
        let endpoint = check_endpoint(api.get("Endpoint").and_then(|e| e.as_str()).unwrap_or_default(), &from)?;
        let key = check_key(api.get("Key").and_then(|k| k.as_str()).unwrap_or_default(), &from)?;
        Ok(Service { name: name.to_string(), endpoint, key, key_from: from })
    }

    /// A service from its parts (the key as given; for tests and tools).
    pub fn new(name: &str, endpoint: &str, key: &str) -> Result<Service, PinServiceError> {
        check_name(name)?;
        Ok(Service {
            name: name.to_string(),
            endpoint: check_endpoint(endpoint, "the endpoint")?,
            key: check_key(key, "the key")?,
            key_from: "the caller".into(),
        })
    }

    /// `text` with the key's text replaced: what a service says back may quote it.
    fn scrub(&self, text: &str) -> String {
        text.replace(&self.key.0, "***")
    }
}

/// How long to follow a pin request: git config `nip.pinTimeout`, env
/// `NIP_PIN_TIMEOUT` (seconds), default [`DEFAULT_WAIT`].
pub fn wait_limit(settings: &Settings) -> Result<Duration, PinServiceError> {
    let bad = |from: String| PinServiceError::BadSetting { from, why: "it is not a number of seconds".into() };
    match settings
        .get("nip.pinTimeout", &["NIP_PIN_TIMEOUT"])
        .map_err(|why| PinServiceError::BadSetting { from: "nip.pinTimeout".into(), why })?
    {
        Some(v) => v.text.trim().parse::<u64>().map(Duration::from_secs).map_err(|_| bad(v.from)),
        None => Ok(DEFAULT_WAIT),
    }
}

/// The service that a push to `remote` pins on, if any: git config
/// `remote.<remote>.nipPinService`, then `nip.pinService` or env
/// `NIP_PIN_SERVICE`.
pub fn service_for_remote(settings: &Settings, remote: &str) -> Result<Option<crate::config::Value>, PinServiceError> {
    let bad = |why| PinServiceError::BadSetting { from: "the pinning service setting".into(), why };
    if let Some(v) = settings.get(&format!("remote.{remote}.nipPinService"), &[]).map_err(bad)? {
        return Ok(Some(v));
    }
    settings.get("nip.pinService", &["NIP_PIN_SERVICE"]).map_err(bad)
}

/// A client of one service.
pub struct PinClient {
    service: Service,
    http: reqwest::Client,
}

impl PinClient {
    pub fn new(service: Service) -> Result<PinClient, PinServiceError> {
        start_runtime().map_err(|e| PinServiceError::Node(Box::new(e)))?;
        let mut builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(10)).timeout(REQUEST_TIMEOUT);
        if !service.endpoint.starts_with("https://") {
            builder = builder.tls_certs_only(Vec::new());
        }
        let http = builder.build().map_err(|e| PinServiceError::BadSetting {
            from: format!("the pinning service endpoint {}", service.endpoint),
            why: e.to_string(),
        })?;
        Ok(PinClient { service, http })
    }

    pub fn service(&self) -> &Service {
        &self.service
    }

    /// Sends one request; `want` is the success status the spec gives the
    /// call. Returns the body (capped).
    async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        call: &str,
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
        want: u16,
    ) -> Result<Vec<u8>, PinServiceError> {
        let s = &self.service;
        let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", s.key.0)).map_err(|_| {
            PinServiceError::BadSetting { from: s.key_from.clone(), why: "the key cannot be sent in an HTTP header".into() }
        })?;
        auth.set_sensitive(true);
        let mut req = self.http.request(method, format!("{}{path}", s.endpoint)).header(reqwest::header::AUTHORIZATION, auth);
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| self.transport(call, e))?;
        let status = resp.status().as_u16();
        if status == want {
            return match read_capped(resp.content_length(), resp.bytes_stream(), ANSWER_MAX).await {
                Body::Whole(b) => Ok(b),
                Body::Over(_) => Err(self.bad(call, format!("it is longer than {}", crate::limits::human(ANSWER_MAX as u64)))),
                Body::Failed(e) => Err(self.transport(call, e)),
            };
        }
        if status == 401 || status == 403 {
            return Err(PinServiceError::Refused {
                service: s.name.clone(),
                endpoint: s.endpoint.clone(),
                status,
                from: s.key_from.clone(),
            });
        }
        let text = match read_capped(None, resp.bytes_stream(), ERROR_BODY_MAX).await {
            Body::Whole(b) | Body::Over(b) => String::from_utf8_lossy(&b).into_owned(),
            Body::Failed(_) => String::new(),
        };
        // The spec's Failure: {"error": {"reason": ..., "details": ...}}.
        let failure = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| {
            let e = v.get("error")?;
            let reason = e.get("reason")?.as_str()?.to_string();
            Some(match e.get("details").and_then(|d| d.as_str()) {
                Some(d) => format!("{reason}: {d}"),
                None => reason,
            })
        });
        let said = match failure {
            Some(f) => format!("HTTP {status}, {}", one_line(&s.scrub(&f), 300)),
            None => format!("HTTP {status}: {}", one_line(&s.scrub(&text), 200)),
        };
        if status == 404 && call.starts_with("GET /pins/") {
            return Err(PinServiceError::NoRequest {
                service: s.name.clone(),
                endpoint: s.endpoint.clone(),
                requestid: call.trim_start_matches("GET /pins/").to_string(),
            });
        }
        Err(PinServiceError::Api { service: s.name.clone(), endpoint: s.endpoint.clone(), call: call.to_string(), said })
    }

    fn transport(&self, call: &str, e: reqwest::Error) -> PinServiceError {
        let e = e.without_url();
        let s = &self.service;
        if e.is_timeout() {
            return PinServiceError::Timeout {
                service: s.name.clone(),
                endpoint: s.endpoint.clone(),
                call: call.to_string(),
                secs: REQUEST_TIMEOUT.as_secs(),
            };
        }
        let mut why = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(x) = src {
            why = format!("{why}: {x}");
            src = x.source();
        }
        PinServiceError::Unreachable {
            service: s.name.clone(),
            endpoint: s.endpoint.clone(),
            call: call.to_string(),
            why: one_line(&s.scrub(&why), 300),
        }
    }

    fn bad(&self, call: &str, why: String) -> PinServiceError {
        PinServiceError::BadAnswer {
            service: self.service.name.clone(),
            endpoint: self.service.endpoint.clone(),
            call: call.to_string(),
            why,
        }
    }

    fn status_of(&self, call: &str, body: &[u8]) -> Result<PinStatus, PinServiceError> {
        serde_json::from_slice::<RawStatus>(body)
            .map(PinStatus::from)
            .map_err(|e| self.bad(call, format!("not a PinStatus: {}", one_line(&e.to_string(), 200))))
    }

    /// `POST /pins` (202): asks the service to pin `cid`.
    pub fn add(&self, cid: &Cid, name: &str, origins: &[String]) -> Result<PinStatus, PinServiceError> {
        let call = "POST /pins";
        let name: String = name.chars().take(255).collect();
        let origins: Vec<&String> = origins.iter().take(MAX_ORIGINS).collect();
        let body = serde_json::json!({
            "cid": cid.to_string(),
            "name": name,
            "origins": origins,
            "meta": { META_APP.0: META_APP.1 },
        });
        let got = runtime().block_on(self.request(reqwest::Method::POST, "/pins", call, &[], Some(body), 202))?;
        self.status_of(call, &got)
    }

    /// `GET /pins/{requestid}` (200).
    pub fn get(&self, requestid: &str) -> Result<PinStatus, PinServiceError> {
        let call = format!("GET /pins/{requestid}");
        let path = format!("/pins/{}", crate::protocol::url_escape(requestid));
        let got = runtime().block_on(self.request(reqwest::Method::GET, &path, &call, &[], None, 200))?;
        self.status_of(&call, &got)
    }

    /// `GET /pins` (200): nip's pins (`meta` `{"app": "nip"}`, asked for and
    /// checked), of `cid` if given, in any status, newest first, at most
    /// `limit` (1..=1000); and how many the service says there are in all.
    pub fn list(&self, cid: Option<&Cid>, limit: u32) -> Result<(u64, Vec<PinStatus>), PinServiceError> {
        let call = "GET /pins";
        let mut query = vec![
            ("status", "queued,pinning,pinned,failed".to_string()),
            ("limit", limit.clamp(1, 1000).to_string()),
            ("meta", serde_json::json!({ META_APP.0: META_APP.1 }).to_string()),
        ];
        if let Some(c) = cid {
            query.push(("cid", c.to_string()));
        }
        let got = runtime().block_on(self.request(reqwest::Method::GET, "/pins", call, &query, None, 200))?;
        let raw: RawResults = serde_json::from_slice(&got)
            .map_err(|e| self.bad(call, format!("not PinResults: {}", one_line(&e.to_string(), 200))))?;
        // A service that ignores the meta filter lists others' pins too:
        // they are left out here, so nip never removes one.
        Ok((raw.count, raw.results.into_iter().map(PinStatus::from).filter(|p| p.nips).collect()))
    }

    /// `DELETE /pins/{requestid}` (202).
    pub fn remove(&self, requestid: &str) -> Result<(), PinServiceError> {
        let call = format!("DELETE /pins/{requestid}");
        let path = format!("/pins/{}", crate::protocol::url_escape(requestid));
        runtime().block_on(self.request(reqwest::Method::DELETE, &path, &call, &[], None, 202)).map(|_| ())
    }

    /// Follows `request` until it is `pinned` (returned), `failed`, or
    /// `limit` runs out; says each change of status, and every 10 s of the
    /// same one, to `progress`.
    pub fn wait(
        &self,
        cid: &Cid,
        mut request: PinStatus,
        limit: Duration,
        progress: &dyn Fn(&str),
    ) -> Result<PinStatus, PinServiceError> {
        let started = Instant::now();
        let mut told: Option<(Status, Instant)> = None;
        let mut misses = 0;
        loop {
            let waited = started.elapsed();
            match request.status {
                Status::Pinned => return Ok(request),
                Status::Failed => {
                    let details = match request.info.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>() {
                        v if v.is_empty() => String::new(),
                        v => format!(": {}", v.join("; ")),
                    };
                    return Err(PinServiceError::Failed {
                        service: self.service.name.clone(),
                        requestid: request.requestid,
                        cid: Box::new(*cid),
                        details: self.service.scrub(&details),
                    });
                }
                status if waited >= limit => {
                    return Err(PinServiceError::StillWaiting {
                        service: self.service.name.clone(),
                        requestid: request.requestid,
                        cid: Box::new(*cid),
                        status,
                        secs: limit.as_secs(),
                    })
                }
                status => {
                    let due = match told {
                        Some((s, at)) => s != status || at.elapsed() >= Duration::from_secs(10),
                        None => true,
                    };
                    if due {
                        progress(&format!(
                            "pinning service '{}': request {} is {status} ({}s so far, up to {}s)...",
                            self.service.name,
                            request.requestid,
                            waited.as_secs(),
                            limit.as_secs()
                        ));
                        told = Some((status, Instant::now()));
                    }
                }
            }
            let pause = match waited.as_secs() {
                0..5 => Duration::from_millis(500),
                5..30 => Duration::from_secs(1),
                _ => Duration::from_secs(3),
            };
            std::thread::sleep(pause.min(limit.saturating_sub(waited)).max(Duration::from_millis(100)));
            request = match self.get(&request.requestid) {
                Ok(r) => {
                    misses = 0;
                    r
                }
                // A blip of the network or the service is not the end of
                // the request: asked again at the next turn, up to three times.
                Err(PinServiceError::Unreachable { .. } | PinServiceError::Timeout { .. }) if misses < 3 => {
                    misses += 1;
                    request
                }
                Err(e) => return Err(e),
            };
        }
    }
}

/// What [`pin_index`] did.
#[derive(Debug)]
pub struct Pinned {
    pub status: PinStatus,
    /// The replaced index's nip pins removed from the service.
    pub removed: usize,
    /// nip's requests for other earlier indexes of this history removed
    /// (superseded: see [`pin_index`]).
    pub superseded: usize,
    /// Lines for the user about what went wrong on the way without
    /// stopping it (a delegate not reached, a replaced pin not removed).
    pub notes: Vec<String>,
}

/// Pins the index `cid` on the service (see the module's documentation),
/// the blocks coming from `node`, and waits up to `limit` for `pinned`;
/// then removes nip's pins of `replaced` from the service, and nip's
/// requests for any other index `cid` descends from (see
/// [`SUPERSEDED_DEPTH`]): requests that never reached `pinned` and the
/// older pins kept because of them. `name` is the
/// pin's name there (the repository's address).
pub fn pin_index(
    svc: &PinClient,
    node: &Client,
    cid: &Cid,
    name: &str,
    replaced: Option<&Cid>,
    limit: Duration,
    progress: &dyn Fn(&str),
) -> Result<Pinned, PinServiceError> {
    let mut notes = Vec::new();
    let (_, existing) = svc.list(Some(cid), 10)?;
    let existing = existing.into_iter().find(|p| p.cid == cid.to_string() && p.status != Status::Failed);
    let request = match existing {
        Some(p) => {
            progress(&format!(
                "pinning service '{}' already has request {} for nip::/ipfs/{cid} ({})",
                svc.service.name, p.requestid, p.status
            ));
            p
        }
        None => {
            let (peer, addrs) = node.id().map_err(|e| PinServiceError::Node(Box::new(e)))?;
            let suffix = format!("/p2p/{peer}");
            let origins: Vec<String> = addrs
                .into_iter()
                .map(|a| if a.ends_with(&suffix) { a } else { format!("{a}{suffix}") })
                .take(MAX_ORIGINS)
                .collect();
            let p = svc.add(cid, name, &origins)?;
            progress(&format!(
                "asked pinning service '{}' ({}) to pin nip::/ipfs/{cid}: request {}, fetching from this node",
                svc.service.name, svc.service.endpoint, p.requestid
            ));
            p
        }
    };
    // The spec: a client should connect to the delegates, which may not
    // be able to dial it.
    for d in &request.delegates {
        if let Err(e) = node.swarm_connect(d) {
            log::info!("could not connect to the pinning service's delegate {d}: {e}");
        }
    }
    let status = svc.wait(cid, request, limit, progress)?;
    let mut removed = 0;
    if let Some(old) = replaced.filter(|o| *o != cid) {
        match svc.list(Some(old), 100) {
            Ok((_, pins)) => {
                for p in pins.into_iter().filter(|p| p.cid == old.to_string()) {
                    match svc.remove(&p.requestid) {
                        Ok(()) => removed += 1,
                        Err(e) => {
                            notes.push(format!("could not remove the replaced pin {} of nip::/ipfs/{old}: {e}", p.requestid))
                        }
                    }
                }
            }
            Err(e) => notes.push(format!("could not list the pins of the replaced nip::/ipfs/{old}: {e}")),
        }
    }
    let superseded = remove_superseded(svc, node, cid, &mut notes);
    Ok(Pinned { status, removed, superseded, notes })
}

/// `pinning service 'svc' dropped 2 earlier requests of this repository,
/// which nip::/ipfs/<cid> supersedes`.
pub fn superseded_line(service: &str, n: usize, new: &Cid) -> String {
    format!(
        "pinning service '{service}' dropped {n} earlier request{} of this repository (queued, failed or pinned), \
         which nip::/ipfs/{new} supersedes",
        if n == 1 { "" } else { "s" }
    )
}

/// How many earlier indexes `remove_superseded` looks through.
pub const SUPERSEDED_DEPTH: usize = 1000;

/// Once `cid` is pinned on the service: removes nip's other requests
/// there (in any status: `queued`, `pinning`, `pinned`, `failed`) for an
/// index `cid` descends from, found by following `previous` from `cid` on
/// the node, at most [`SUPERSEDED_DEPTH`] indexes back. These are the
/// requests of earlier pushes of this history that the new pin makes
/// redundant (it links every earlier index): an older pin kept because a
/// newer request never reached `pinned`, and that request itself. A pin of
/// another repository, or one nip did not make, is never touched. Returns
/// how many were removed; what could not be done goes to `notes`.
fn remove_superseded(svc: &PinClient, node: &Client, cid: &Cid, notes: &mut Vec<String>) -> usize {
    let mut candidates: BTreeMap<String, Vec<PinStatus>> = BTreeMap::new();
    match svc.list(None, 1000) {
        Ok((_, pins)) => {
            for p in pins.into_iter().filter(|p| p.cid != cid.to_string()) {
                candidates.entry(p.cid.clone()).or_default().push(p);
            }
        }
        Err(e) => {
            notes.push(format!("could not list nip's pins to remove the ones nip::/ipfs/{cid} supersedes: {e}"));
            return 0;
        }
    }
    let store = crate::store::kubo::KuboStore::new(node.clone());
    let blocks = crate::store::Verified::new(&store);
    let mut removed = 0;
    let mut at = Some(*cid);
    for _ in 0..=SUPERSEDED_DEPTH {
        let Some(here) = at else { break };
        if candidates.is_empty() {
            break;
        }
        if let Some(pins) = candidates.remove(&here.to_string()) {
            for p in pins {
                match svc.remove(&p.requestid) {
                    Ok(()) => removed += 1,
                    Err(e) => notes.push(format!(
                        "could not remove the superseded request {} ({}) of nip::/ipfs/{here}: {e}",
                        p.requestid, p.status
                    )),
                }
            }
        }
        at = match blocks
            .get(&here)
            .map_err(|e| e.to_string())
            .and_then(|b| crate::format::NipIndex::from_block(&here, &b).map_err(|e| e.to_string()))
        {
            Ok(index) => index.prev,
            Err(e) => {
                log::info!("stopped looking for superseded pins at nip::/ipfs/{here}: {e}");
                None
            }
        };
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_show() {
        let s = Service::new("svc", "http://127.0.0.1:1/", "zzSECRETzz").unwrap();
        assert_eq!(s.endpoint, "http://127.0.0.1:1");
        assert!(!format!("{s:?}").contains("SECRET"));
        assert_eq!(s.scrub("echo zzSECRETzz back"), "echo *** back");
        let err = Service::new("svc", "http://h", "zzSECRET\nzz").unwrap_err().to_string();
        assert!(err.contains("control character") && !err.contains("SECRET"), "{err}");
        assert!(Service::new("svc", "http://user:pw@h", "k").is_err());
        assert!(Service::new("a b", "http://h", "k").is_err());
    }

    #[test]
    fn pin_status_parses_as_the_spec_gives_it() {
        let body = br#"{"requestid":"r1","status":"queued","created":"2026-12-02T13:00:00Z",
            "pin":{"cid":"bafy","name":"n","origins":[],"meta":{"app":"nip"}},"delegates":["/ip4/127.0.0.1/tcp/1/p2p/x"],
            "info":{"status_details":"a\nb"}}"#;
        let p: PinStatus = serde_json::from_slice::<RawStatus>(body).unwrap().into();
        assert_eq!((p.requestid.as_str(), p.status, p.cid.as_str()), ("r1", Status::Queued, "bafy"));
        assert_eq!(p.info["status_details"], "a b");
        assert!(p.nips, "its meta marks it as nip's");
        let other = br#"{"requestid":"r2","status":"pinned","created":"x","pin":{"cid":"bafy","meta":{"app":"other"}},"delegates":["d"]}"#;
        assert!(!PinStatus::from(serde_json::from_slice::<RawStatus>(other).unwrap()).nips);
        assert!(serde_json::from_slice::<RawStatus>(br#"{"requestid":"r1","status":"done"}"#).is_err());
        assert_eq!(crate::protocol::url_escape("a/b c"), "a%2Fb%20c");
    }

    /// A service that answers one canned response per connection, in order.
    fn canned(answers: Vec<Vec<u8>>) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for answer in answers {
                let Ok((mut conn, _)) = listener.accept() else { return };
                let mut buf = [0u8; 8192];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(&answer);
            }
        });
        format!("http://127.0.0.1:{port}")
    }

    fn http(status: &str, body: &[u8], declared: Option<usize>) -> Vec<u8> {
        let len = declared.unwrap_or(body.len());
        let mut v =
            format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
                .into_bytes();
        v.extend_from_slice(body);
        v
    }

    /// What a hostile or broken service says never reaches the user raw:
    /// the key it echoes is `***`, control characters are gone, a body past
    /// the cap or of the wrong shape is an error naming the call.
    #[test]
    fn a_hostile_service_is_kept_at_arms_length() {
        let echo = br#"{"error":{"reason":"INTERNAL","details":"token zzSECRETzz rejected \u001b[31m red"}}"#;
        let endpoint = canned(vec![
            http("500 Internal Server Error", echo, None),
            http("200 OK", b"", Some(2 << 20)),
            http("200 OK", br#"{"count":1,"results":[{"bogus":1}]}"#, None),
            http("202 Accepted", br#"{"requestid":"r","status":"finished"}"#, None),
        ]);
        let client = PinClient::new(Service::new("svc", &endpoint, "zzSECRETzz").unwrap()).unwrap();
        let said = client.get("r").unwrap_err().to_string();
        assert!(said.contains("HTTP 500, INTERNAL: token *** rejected") && !said.contains("SECRET"), "{said}");
        assert!(!said.chars().any(|c| c.is_control()), "{said:?}");
        let big = client.list(None, 10).unwrap_err().to_string();
        assert!(big.contains("GET /pins") && big.contains("longer than 1.0 MiB"), "{big}");
        let shape = client.list(None, 10).unwrap_err().to_string();
        assert!(shape.contains("not PinResults"), "{shape}");
        let cid = crate::block::cid_of(crate::block::DAG_CBOR, b"x");
        let status = client.add(&cid, "n", &[]).unwrap_err().to_string();
        assert!(status.contains("not a PinStatus"), "{status}");
    }

    #[test]
    fn errors_are_small() {
        assert!(std::mem::size_of::<PinServiceError>() <= 128, "{}", std::mem::size_of::<PinServiceError>());
    }
}
