//! A loopback IPFS Pinning Services API 1.0.0 service for tests, backed by
//! a real Kubo node.
//!
//! A small threaded HTTP/1.1 server (`std::net::TcpListener`, one thread
//! per connection, `Connection: close`) on 127.0.0.1 with an OS-chosen port,
//! answering as the spec's OpenAPI document says:
//!
//! - every call needs `Authorization: Bearer <token>`: missing or wrong is
//!   401 with a `Failure` (`{"error": {"reason": "UNAUTHORIZED", ...}}`);
//! - `GET /pins` (200, `PinResults {count, results}`): filters `cid`
//!   (comma-separated, at most 10), `name` with `match`
//!   (`exact`/`iexact`/`partial`/`ipartial`), `status` (comma-separated;
//!   default `pinned`), `before`, `after`, `limit` (1–1000, default 10),
//!   `meta` (a JSON object the pin's meta must contain); newest first;
//!   anything malformed is 400 `BAD_REQUEST`;
//! - `POST /pins` (202, `PinStatus`), `GET /pins/{requestid}` (200),
//!   `POST /pins/{requestid}` (202: a new request replaces it), `DELETE
//!   /pins/{requestid}` (202); an unknown request id is 404 `NOT_FOUND`;
//! - a `PinStatus` is `{requestid, status, created (RFC 3339, UTC), pin:
//!   {cid, name, origins, meta}, delegates (the node's swarm address, at
//!   least one), info}`.
//!
//! A request is pinned for real: a worker thread marks it `pinning`,
//! connects the service's node to every `origins` address (`ipfs swarm
//! connect`, which the daemon does over its RPC API), then pins it with
//! `ipfs pin add` (the daemon fetches every block over bitswap), and
//! reports `pinned`, or `failed` with the node's words in `info`. A
//! removed request unpins the CID unless another request holds it.
//!
//! Modes for the tests of what goes wrong: [`Mode::Stuck`] leaves every
//! request `queued` for ever, [`Mode::Fail`] reports every one `failed`.

use super::kubo::Kubo;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Pins for real and says `pinned`.
    Normal,
    /// Never starts: every request stays `queued`.
    Stuck,
    /// Says `failed` (after `pinning`), without pinning.
    Fail,
}

#[derive(Clone, Debug)]
struct Request {
    seq: u64,
    requestid: String,
    status: &'static str,
    created: String,
    cid: String,
    name: Option<String>,
    origins: Vec<String>,
    meta: BTreeMap<String, String>,
    info: BTreeMap<String, String>,
}

struct State {
    token: String,
    /// How new requests are served ([`PinService::set_mode`]).
    mode: Mutex<Mode>,
    bin: PathBuf,
    ipfs_path: PathBuf,
    delegates: Vec<String>,
    pins: Mutex<Vec<Request>>,
    next: AtomicU64,
    /// Every call: `METHOD /path?query` and whether its token was right.
    log: Mutex<Vec<(String, bool)>>,
}

/// A running service; stops when dropped.
pub struct PinService {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl PinService {
    /// A service with this token, pinning on `node`.
    pub fn start(node: &Kubo, token: &str, mode: Mode) -> PinService {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the pinning service");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            token: token.to_string(),
            mode: Mutex::new(mode),
            bin: node.bin().to_path_buf(),
            ipfs_path: node.path().to_path_buf(),
            delegates: vec![node.swarm_addr()],
            pins: Mutex::new(Vec::new()),
            next: AtomicU64::new(1),
            log: Mutex::new(Vec::new()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let st = st.clone();
                std::thread::spawn(move || serve(&st, conn));
            }
        });
        PinService { endpoint: format!("http://127.0.0.1:{port}"), state, stop, port }
    }

    /// Serves requests made from now on as `mode` says (earlier ones keep
    /// their course).
    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    /// The calls made so far (`METHOD /path?query`, token right).
    pub fn calls(&self) -> Vec<(String, bool)> {
        self.state.log.lock().unwrap().clone()
    }

    /// The service's requests: (cid, status, origins).
    pub fn requests(&self) -> Vec<(String, String, Vec<String>)> {
        self.state.pins.lock().unwrap().iter().map(|r| (r.cid.clone(), r.status.to_string(), r.origins.clone())).collect()
    }
}

impl Drop for PinService {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

impl State {
    fn ipfs(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(&self.bin)
            .env("IPFS_PATH", &self.ipfs_path)
            .env_remove("IPFS_API")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        match out.status.success() {
            true => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
            false => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        }
    }

    fn set(&self, requestid: &str, status: &'static str, info: Option<(&str, String)>) {
        if let Some(r) = self.pins.lock().unwrap().iter_mut().find(|r| r.requestid == requestid) {
            r.status = status;
            if let Some((k, v)) = info {
                r.info.insert(k.to_string(), v);
            }
        }
    }

    /// The worker of one request.
    fn work(self: Arc<State>, requestid: String, cid: String, origins: Vec<String>) {
        // Let a client see `queued` first.
        std::thread::sleep(std::time::Duration::from_millis(500));
        self.set(&requestid, "pinning", None);
        if *self.mode.lock().unwrap() == Mode::Fail {
            std::thread::sleep(std::time::Duration::from_millis(500));
            self.set(&requestid, "failed", Some(("status_details", "the test service fails every pin".into())));
            return;
        }
        for o in &origins {
            let _ = self.ipfs(&["--timeout=10s", "swarm", "connect", o]);
        }
        match self.ipfs(&["--timeout=120s", "pin", "add", "--progress=false", &cid]) {
            Ok(_) => self.set(&requestid, "pinned", None),
            Err(e) => self.set(&requestid, "failed", Some(("status_details", e))),
        }
    }

    fn status_json(&self, r: &Request) -> Value {
        json!({
            "requestid": r.requestid,
            "status": r.status,
            "created": r.created,
            "pin": {"cid": r.cid, "name": r.name, "origins": r.origins, "meta": r.meta},
            "delegates": self.delegates,
            "info": r.info,
        })
    }

    /// A new request for `pin` (already checked).
    fn create(self: &Arc<State>, pin: Pin) -> Value {
        let seq = self.next.fetch_add(1, Ordering::SeqCst);
        let r = Request {
            seq,
            requestid: format!("req-{seq:04}-{}", &pin.cid.chars().rev().take(6).collect::<String>()),
            status: "queued",
            created: now_rfc3339(),
            cid: pin.cid,
            name: pin.name,
            origins: pin.origins,
            meta: pin.meta,
            info: BTreeMap::new(),
        };
        let answer = self.status_json(&r);
        self.pins.lock().unwrap().push(r.clone());
        if *self.mode.lock().unwrap() != Mode::Stuck {
            let st = self.clone();
            std::thread::spawn(move || st.work(r.requestid, r.cid, r.origins));
        }
        answer
    }

    /// Removes a request; unpins its CID on the node if no other holds it.
    fn remove(&self, requestid: &str) -> bool {
        let mut pins = self.pins.lock().unwrap();
        let Some(at) = pins.iter().position(|r| r.requestid == requestid) else { return false };
        let gone = pins.remove(at);
        let still = pins.iter().any(|r| r.cid == gone.cid);
        drop(pins);
        if !still && gone.status == "pinned" {
            let _ = self.ipfs(&["pin", "rm", &gone.cid]);
        }
        true
    }
}

struct Pin {
    cid: String,
    name: Option<String>,
    origins: Vec<String>,
    meta: BTreeMap<String, String>,
}

/// The spec's `Pin`, or why the body is not one.
fn parse_pin(body: &[u8]) -> Result<Pin, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let cid = v.get("cid").and_then(|c| c.as_str()).ok_or("pin.cid is required")?.to_string();
    if cid.parse::<cid::Cid>().is_err() {
        return Err(format!("{cid:?} is not a CID"));
    }
    let name = match v.get("name") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= 255 => Some(s.clone()),
        _ => return Err("pin.name must be a string of at most 255 characters".into()),
    };
    let origins = match v.get("origins") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) if a.len() <= 20 && a.iter().all(|o| o.is_string()) => {
            a.iter().map(|o| o.as_str().unwrap().to_string()).collect()
        }
        _ => return Err("pin.origins must be an array of at most 20 multiaddr strings".into()),
    };
    let meta = match v.get("meta") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(m)) if m.values().all(|x| x.is_string()) => {
            m.iter().map(|(k, x)| (k.clone(), x.as_str().unwrap().to_string())).collect()
        }
        _ => return Err("pin.meta must be an object of strings".into()),
    };
    Ok(Pin { cid, name, origins, meta })
}

fn failure(status: u16, reason: &str, details: &str) -> (u16, Value) {
    (status, json!({"error": {"reason": reason, "details": details}}))
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match h {
                    Some(x) => {
                        out.push(x);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `GET /pins` with its query.
fn list(state: &State, query: &BTreeMap<String, String>) -> (u16, Value) {
    let bad = |d: &str| failure(400, "BAD_REQUEST", d);
    let cids: Option<Vec<String>> = query.get("cid").map(|c| c.split(',').map(str::to_string).collect());
    if cids.as_ref().is_some_and(|c| c.is_empty() || c.len() > 10) {
        return bad("cid takes 1 to 10 CIDs");
    }
    let statuses: Vec<String> =
        query.get("status").map(|s| s.split(',').map(str::to_string).collect()).unwrap_or_else(|| vec!["pinned".into()]);
    if statuses.iter().any(|s| !["queued", "pinning", "pinned", "failed"].contains(&s.as_str())) {
        return bad("status is queued, pinning, pinned or failed");
    }
    let limit = match query.get("limit").map(|l| l.parse::<usize>()) {
        None => 10,
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        _ => return bad("limit is 1 to 1000"),
    };
    let matching = query.get("match").map(String::as_str).unwrap_or("exact");
    if !["exact", "iexact", "partial", "ipartial"].contains(&matching) {
        return bad("match is exact, iexact, partial or ipartial");
    }
    let meta: BTreeMap<String, String> = match query.get("meta") {
        None => BTreeMap::new(),
        Some(m) => match serde_json::from_str::<BTreeMap<String, String>>(m) {
            Ok(m) => m,
            Err(_) => return bad("meta is a JSON object of strings"),
        },
    };
    let pins = state.pins.lock().unwrap();
    let mut found: Vec<&Request> = pins
        .iter()
        .filter(|r| cids.as_ref().is_none_or(|c| c.contains(&r.cid)))
        .filter(|r| statuses.iter().any(|s| s == r.status))
        .filter(|r| match query.get("name") {
            None => true,
            Some(n) => {
                let have = r.name.clone().unwrap_or_default();
                match matching {
                    "exact" => have == *n,
                    "iexact" => have.to_lowercase() == n.to_lowercase(),
                    "partial" => have.contains(n.as_str()),
                    _ => have.to_lowercase().contains(&n.to_lowercase()),
                }
            }
        })
        .filter(|r| query.get("before").is_none_or(|b| r.created < *b))
        .filter(|r| query.get("after").is_none_or(|a| r.created > *a))
        .filter(|r| meta.iter().all(|(k, v)| r.meta.get(k) == Some(v)))
        .collect();
    found.sort_by_key(|r| std::cmp::Reverse(r.seq));
    let count = found.len();
    let results: Vec<Value> = found.into_iter().take(limit).map(|r| state.status_json(r)).collect();
    (200, json!({"count": count, "results": results}))
}

fn route(state: &Arc<State>, method: &str, target: &str, authorized: bool, body: &[u8]) -> (u16, Value) {
    if !authorized {
        return failure(401, "UNAUTHORIZED", "access token is missing or invalid");
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query: BTreeMap<String, String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let path = path.trim_end_matches('/');
    match (method, path) {
        ("GET", "/pins") => list(state, &query),
        ("POST", "/pins") => match parse_pin(body) {
            Ok(pin) => (202, state.create(pin)),
            Err(e) => failure(400, "BAD_REQUEST", &e),
        },
        (_, p) if p.starts_with("/pins/") => {
            let id = decode(&p["/pins/".len()..]);
            let known = state.pins.lock().unwrap().iter().find(|r| r.requestid == id).cloned();
            let Some(r) = known else { return failure(404, "NOT_FOUND", "the specified resource was not found") };
            match method {
                "GET" => (200, state.status_json(&r)),
                "DELETE" => {
                    state.remove(&id);
                    (202, Value::Null)
                }
                "POST" => match parse_pin(body) {
                    Ok(pin) => {
                        let answer = state.create(pin);
                        state.remove(&id);
                        (202, answer)
                    }
                    Err(e) => failure(400, "BAD_REQUEST", &e),
                },
                _ => failure(405, "METHOD_NOT_ALLOWED", "GET, POST or DELETE"),
            }
        }
        _ => failure(404, "NOT_FOUND", "the specified resource was not found"),
    }
}

fn serve(state: &Arc<State>, conn: TcpStream) {
    let mut reader = BufReader::new(conn.try_clone().expect("clone the connection"));
    let mut first = String::new();
    if reader.read_line(&mut first).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = first.split_whitespace();
    let (method, target) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut length = 0usize;
    let mut authorized = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = v.trim().parse().unwrap_or(0),
                "authorization" => authorized = v.trim() == format!("Bearer {}", state.token),
                _ => {}
            }
        }
    }
    let mut body = vec![0u8; length.min(1 << 20)];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    state.log.lock().unwrap().push((format!("{method} {target}"), authorized));
    let (status, value) = route(state, &method, &target, authorized, &body);
    let text = match status {
        202 if value.is_null() => String::new(),
        _ => value.to_string(),
    };
    let reason = match status {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Error",
    };
    let mut conn = conn;
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        text.len()
    );
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(text.as_bytes());
    let _ = conn.flush();
}

/// Now as RFC 3339 in UTC with milliseconds (`2026-12-02T13:45:01.123Z`).
fn now_rfc3339() -> String {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z", rem / 3600, rem % 3600 / 60, rem % 60, d.subsec_millis())
}
