//! `nipctl web serve <address>`: a local preview of a repository in the
//! web viewer, with no node needed.
//!
//! It listens on loopback only (a non-loopback `--listen` is refused) and
//! serves, from the store nip would use here (the same choice as
//! git-remote-nip's: a Kubo node if one answers, else the embedded store;
//! `nip.store` decides), two things:
//!
//! - the viewer's files (compiled into nipctl, see `web.rs`);
//! - the subset of the trustless gateway API the viewer uses:
//!   - `GET /ipfs/<cid>?format=raw` (or `Accept: application/vnd.ipld.raw`,
//!     an entry with `q=0` not counting): the block's bytes, checked
//!     against the CID before they are sent, as `application/vnd.ipld.raw`
//!     (`Vary: Accept`, immutable); 404 if the store lacks the block, 400
//!     for a CID that does not parse or a path below it (blocks only, no
//!     paths, no listing), 406 if neither asks for a raw block;
//!   - `GET /ipns/<name>?format=ipns-record` (or `Accept:
//!     application/vnd.ipfs.ipns-record`): the name's signed record, when
//!     the store is a node that finds it; 404 otherwise.
//!
//! **Who may ask.** Everything is under a secret path: a token of 128 bits
//! from the OS's random source, new on each run, as the first path segment
//! (`http://127.0.0.1:<port>/<token>/`, `/<token>/ipfs/<cid>`); anything
//! else is 404 with nothing said. The token is in the one URL printed on
//! stdout (it opens the repository: `?gateway=` tells the viewer that its
//! gateway is under the token too) and nowhere else: not on stderr, not in
//! a log. So another user of this machine, or a web page that makes the
//! browser send blind requests to the loopback port (`<img
//! src=http://127.0.0.1:<port>/ipfs/...>`), gets nothing. Also refused
//! (403): a `Host` that is not the loopback address served (DNS
//! rebinding; without the port when it is 80, as browsers send it), and a
//! request a browser marks `Sec-Fetch-Site: cross-site` or `same-site`
//! (sent by a page of another origin, another port of 127.0.0.1 included),
//! except a top-level navigation to the viewer's page (a link followed from
//! a browser-based terminal or IDE: the other site cannot read the answer).
//! A refusal says in one line why and what to do; a wrong token says
//! nothing.
//! No response carries CORS headers, so other pages cannot read one.
//!
//! Blocks are not restricted to those of the repository served: whoever
//! holds the token is the user who started the preview, who can read the
//! same store with nipctl or ipfs anyway; listing the repository's blocks
//! would mean reading every pack's blocks before serving the first one (and
//! for an `/ipns/` address, again whenever the name moves on); and the
//! viewer can open other addresses typed into it. The start-up message
//! says so: the store's blocks and names, to whoever has the URL.
//!
//! **Bounds.** Only GET and HEAD, headers within 16 KiB (read within 10 s),
//! no body read, at most [`MAX_CONNECTIONS`] connections (one more is
//! answered 503 at once and closed), at most [`WORKERS`] store reads at
//! once, each on a thread of its own (the stores block). A read is answered
//! within `NIP_SERVE_TIMEOUT` seconds (default [`DEFAULT_TIMEOUT`]),
//! waiting for a free worker included: then 504 Gateway Timeout, as for a
//! node's or a gateway's own timeout. A read that ran out keeps its worker
//! until the store gives up (a thread cannot be stopped); the client has
//! its answer and the next reads wait for the other workers, never longer
//! than the same bound.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, ACCEPT, CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION, VARY};
use hyper::{Method, Request, Response, StatusCode};
use nip::address::Address;
use nip::store::{Opened, StoreError, Verified};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Store reads running at once (each on its own thread: the stores block).
const WORKERS: usize = 8;
/// Connections served at once; one more is answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 64;
/// Seconds a store read may take, as the client sees it (`NIP_SERVE_TIMEOUT`).
pub const DEFAULT_TIMEOUT: u64 = 60;
/// The most bytes of request line and headers hyper buffers.
const MAX_HEAD: usize = 16 * 1024;
/// Bytes of the secret path's token (128 bits).
const TOKEN_BYTES: usize = 16;

const RAW: &str = "application/vnd.ipld.raw";
const IPNS_RECORD: &str = "application/vnd.ipfs.ipns-record";

struct State {
    opened: Opened,
    /// The `Host` values a request may carry.
    hosts: Vec<String>,
    /// The first path segment of everything served.
    token: String,
    workers: Arc<tokio::sync::Semaphore>,
    connections: Arc<tokio::sync::Semaphore>,
    /// How long a store read may take, waiting for a worker included.
    timeout: Duration,
}

/// Parses `--listen` and refuses anything but a loopback address.
fn listen_address(listen: &str) -> Result<SocketAddr, nip::Error> {
    let addr: SocketAddr = listen.parse().map_err(|_| {
        nip::Error::Refused(format!("--listen {listen:?} is not an address and port: use 127.0.0.1:<port> (0: any free port)"))
    })?;
    if !addr.ip().is_loopback() {
        return Err(nip::Error::Refused(format!(
            "--listen {addr} is not a loopback address: nipctl web serve is a local preview and listens on 127.0.0.1 or \
             [::1] only; to share a repository, use `nipctl web publish` on an IPFS node"
        )));
    }
    Ok(addr)
}

/// `NIP_SERVE_TIMEOUT` (whole seconds, at least 1), else [`DEFAULT_TIMEOUT`].
fn read_timeout() -> Result<Duration, nip::Error> {
    match std::env::var("NIP_SERVE_TIMEOUT") {
        Err(_) => Ok(Duration::from_secs(DEFAULT_TIMEOUT)),
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(s @ 1..=86400) => Ok(Duration::from_secs(s)),
            _ => Err(nip::Error::Refused(format!(
                "NIP_SERVE_TIMEOUT is {:?}: set it to whole seconds from 1 to 86400 (default {DEFAULT_TIMEOUT}), or unset it",
                nip::protocol::one_line(&v)
            ))),
        },
    }
}

/// A new random token: [`TOKEN_BYTES`] from the OS, in lower-case hex.
fn new_token() -> Result<String, nip::Error> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| {
        nip::Error::Refused(format!("cannot read the operating system's random source for the preview's secret path: {e}"))
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `host:port` as a URL and a `Host` header write it.
fn authority(local: SocketAddr) -> String {
    match local {
        SocketAddr::V4(a) => format!("{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    }
}

/// The `Host` values a request to `local` may carry: the address or
/// `localhost`, with the port, and without it when it is 80 (browsers leave
/// the default port out).
fn hosts_for(local: SocketAddr) -> Vec<String> {
    let ip = match local {
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    };
    let mut hosts = vec![authority(local), format!("localhost:{}", local.port())];
    if local.port() == 80 {
        hosts.extend([ip, "localhost".to_string()]);
    }
    hosts
}

/// The URL that opens `fragment` in the preview at `origin` under `token`:
/// the viewer's page, told that its gateway is under the token too.
fn page_url(origin: &str, token: &str, fragment: &str) -> String {
    format!("{origin}/{token}/?gateway={}{fragment}", nip::protocol::url_escape(&format!("{origin}/{token}")))
}

/// `nipctl web serve <address> --listen <addr>`: serves until killed (Ctrl-C).
pub fn serve(address: &str, listen: &str) -> Result<(), nip::Error> {
    let addr = listen_address(listen)?;
    let timeout = read_timeout()?;
    let parsed = Address::parse(address)?;
    let fragment = crate::web::fragment(&parsed)?;
    let token = new_token()?;
    let opened = crate::open_store(&parsed)?;
    // The repository must be readable here before it is offered.
    let index = match &parsed {
        Address::Ipfs(c) => *c,
        Address::Ipns(name) => nip::ipns::resolve(crate::node_of(&opened)?, name)?.0,
        Address::New | Address::NewName => unreachable!("fragment() refused it"),
    };
    nip::remote::Remote::open_index(opened.store.as_ref(), parsed.clone(), Some(index))?;
    let listener =
        std::net::TcpListener::bind(addr).map_err(|e| nip::Error::from(e).context(format!("cannot listen on {addr}")))?;
    let local = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let origin = format!("http://{}", authority(local));
    let names = match opened.node {
        Some(_) => ", and any IPNS record it finds",
        None => "",
    };
    // The token is in the URL on stdout only.
    crate::say(&format!(
        "serving nip::{parsed} in the web viewer on {origin}/ (loopback only), under the secret path of the URL printed \
         below: whoever has that URL can read any block that {} has or fetches{names}, not only this repository's; \
         Ctrl-C stops",
        opened.store.describe()
    ));
    println!("{}", page_url(&origin, &token, &fragment));
    {
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }
    let state = Arc::new(State {
        opened,
        hosts: hosts_for(local),
        token,
        workers: Arc::new(tokio::sync::Semaphore::new(WORKERS)),
        connections: Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS)),
        timeout,
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| nip::Error::from(e).context("starting the server"))?;
    rt.block_on(accept(listener, state))
}

async fn accept(listener: std::net::TcpListener, state: Arc<State>) -> Result<(), nip::Error> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                // Out of file descriptors and the like: wait, go on.
                log::warn!("accepting a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = state.connections.clone().try_acquire_owned() else {
            tokio::spawn(too_many(stream));
            continue;
        };
        let state = state.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, std::convert::Infallible>(respond(&state, req).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .max_buf_size(MAX_HEAD)
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            if let Err(e) = conn.await {
                log::debug!("connection from {peer}: {e}");
            }
            drop(permit);
        });
    }
}

/// A connection over [`MAX_CONNECTIONS`]: 503, then closed (after reading
/// what the client sent, a little, so that closing does not reset the
/// connection before the client reads the answer).
async fn too_many(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const BODY: &str = "too many connections to this preview: try again\n";
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\
         retry-after: 1\r\nconnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.shutdown().await;
        let mut sink = [0u8; 4096];
        let mut left = MAX_HEAD;
        while left > 0 {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    })
    .await;
}

fn plain(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    reply(status, "text/plain; charset=utf-8", Bytes::from(text + "\n"))
}

/// What anyone without the token gets: nothing that says what is here.
fn not_found() -> Response<Full<Bytes>> {
    plain(StatusCode::NOT_FOUND, "not found".into())
}

/// A request refused before its path is looked at: nothing said either.
fn forbidden(why: String) -> Response<Full<Bytes>> {
    plain(StatusCode::FORBIDDEN, why)
}

fn reply(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

/// The content type of a viewer file, by its name.
fn type_of(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Whether one `Accept` entry (`type/sub;q=0.5`) asks for `media`: its type
/// is `media` (any case) and its weight, if given, is not 0 (RFC 9110
/// §12.4.2: `q=0` means "not acceptable"; a weight that does not parse
/// does not ask either).
fn entry_asks_for(entry: &str, media: &str) -> bool {
    let mut parts = entry.split(';');
    if !parts.next().is_some_and(|m| m.trim().eq_ignore_ascii_case(media)) {
        return false;
    }
    for param in parts {
        if let Some((name, value)) = param.split_once('=') {
            if name.trim().eq_ignore_ascii_case("q") {
                return value.trim().parse::<f32>().is_ok_and(|q| q > 0.0 && q <= 1.0);
            }
        }
    }
    true
}

/// Whether the request asks for `media` by `?format=<format>` or `Accept`.
fn asks_for<B>(req: &Request<B>, format: &str, media: &str) -> bool {
    let query = req.uri().query().unwrap_or("");
    let by_query = query.split('&').any(|p| p == format!("format={format}"));
    let by_accept = req
        .headers()
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|m| entry_asks_for(m, media));
    by_query || by_accept
}

/// Equal bytes, in a time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What follows `/<token>` in `path` (`""`, `/`, `/ipfs/...`), if the path
/// starts with the token.
fn under_token<'a>(path: &'a str, token: &str) -> Option<&'a str> {
    let rest = path.strip_prefix('/')?;
    let (first, after) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    same(first.as_bytes(), token.as_bytes()).then_some(after)
}

async fn respond<B>(state: &Arc<State>, req: Request<B>) -> Response<Full<Bytes>> {
    let host = req.headers().get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !state.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return forbidden(format!(
            "refused: this preview answers only requests for http://{}/ (not another host name): open the URL nipctl web serve printed",
            state.hosts.first().map(String::as_str).unwrap_or("127.0.0.1")
        ));
    }
    let header = |name: &str| req.headers().get(name).and_then(|h| h.to_str().ok()).map(str::trim);
    let Some(path) = under_token(req.uri().path(), &state.token).map(str::to_string) else {
        return not_found();
    };
    // Browsers say where a request comes from: only the preview's own
    // pages, and the user (an address typed, a link from outside a browser).
    // A link followed from another site's page (a browser-based terminal or
    // IDE, say) opens the viewer's page too: a top-level navigation, whose
    // answer that site cannot read; blocks and names stay refused to it.
    let site = header("sec-fetch-site").unwrap_or("none");
    let own = ["same-origin", "none"].iter().any(|s| s.eq_ignore_ascii_case(site));
    let navigation = header("sec-fetch-mode").is_some_and(|m| m.eq_ignore_ascii_case("navigate"))
        && header("sec-fetch-dest").is_some_and(|d| d.eq_ignore_ascii_case("document"))
        && matches!(path.as_str(), "" | "/" | "/index.html");
    if !own && !navigation {
        return forbidden(format!(
            "refused: a request from another site's page (Sec-Fetch-Site: {}); open the URL nipctl web serve printed in the address bar",
            nip::protocol::one_line(site).chars().take(20).collect::<String>()
        ));
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, format!("{} is not served here: GET only", req.method()));
        r.headers_mut().insert("allow", HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    if path.is_empty() {
        // The page's relative links need the slash.
        let mut r = plain(StatusCode::PERMANENT_REDIRECT, "the viewer is one slash further".into());
        let to = match req.uri().query() {
            Some(q) => format!("/{}/?{q}", state.token),
            None => format!("/{}/", state.token),
        };
        match HeaderValue::try_from(to) {
            Ok(v) => r.headers_mut().insert(LOCATION, v),
            Err(_) => return not_found(),
        };
        return r;
    }
    if let Some(rest) = path.strip_prefix("/ipfs/") {
        return block(state, &req, rest).await;
    }
    if let Some(rest) = path.strip_prefix("/ipns/") {
        return record(state, &req, rest).await;
    }
    let name = match path.as_str() {
        "/" => "index.html",
        p => &p[1..],
    };
    match crate::web::file(name) {
        Some(bytes) => reply(StatusCode::OK, type_of(name), Bytes::from_static(bytes)),
        None => plain(StatusCode::NOT_FOUND, format!("{name:?} is not a file of the viewer")),
    }
}

/// How a store read on a worker ended, as the client hears of it.
#[derive(Debug)]
enum Worked<T> {
    Done(T),
    /// No answer within [`State::timeout`], waiting for a worker included.
    TimedOut(Duration),
    /// No worker could be started (or the server is stopping).
    NoWorker,
}

/// Runs `work` on a thread of its own (the stores block, and the Kubo
/// client drives a runtime of its own), at most [`WORKERS`] at once, and
/// gives up waiting for it after [`State::timeout`]. A thread that was
/// given up on keeps its worker until it ends.
async fn on_worker<T: Send + 'static>(state: &Arc<State>, work: impl FnOnce(&State) -> T + Send + 'static) -> Worked<T> {
    let run = async {
        let Ok(permit) = state.workers.clone().acquire_owned().await else { return Worked::NoWorker };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let shared = state.clone();
        let started = std::thread::Builder::new().name("nipctl-serve".into()).spawn(move || {
            let _ = tx.send(work(&shared));
            drop(permit);
        });
        if started.is_err() {
            return Worked::NoWorker;
        }
        match rx.await {
            Ok(t) => Worked::Done(t),
            Err(_) => Worked::NoWorker,
        }
    };
    match tokio::time::timeout(state.timeout, run).await {
        Ok(w) => w,
        Err(_) => Worked::TimedOut(state.timeout),
    }
}

/// A store error that is a wait that ran out: the node's, or every
/// gateway's silence.
fn is_timeout(e: &StoreError) -> bool {
    use nip::store::gateway::{Failed, GatewayError};
    match e {
        StoreError::Node { node, .. } => node.is_timeout(),
        StoreError::Gateway(g) => match g.as_ref() {
            GatewayError::AllFailed { tried, .. } => {
                !tried.is_empty() && tried.iter().all(|f| matches!(f.failed, Failed::Silent(_) | Failed::Status(504)))
            }
            _ => false,
        },
        _ => false,
    }
}

/// The answer to a read that did not finish: it ran out of time (`Some`),
/// or no worker could run it.
fn unfinished(what: &str, timed_out: Option<Duration>) -> Response<Full<Bytes>> {
    match timed_out {
        Some(t) => plain(
            StatusCode::GATEWAY_TIMEOUT,
            format!("{what}: the store gave no answer within {}s (NIP_SERVE_TIMEOUT); try again", t.as_secs()),
        ),
        None => plain(StatusCode::SERVICE_UNAVAILABLE, format!("{what}: no store read could be started here; try again")),
    }
}

fn block_answer(cid: &cid::Cid, got: Worked<Result<Vec<u8>, StoreError>>) -> Response<Full<Bytes>> {
    match got {
        Worked::Done(Ok(bytes)) => {
            let mut r = reply(StatusCode::OK, RAW, Bytes::from(bytes));
            let h = r.headers_mut();
            h.insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=29030400, immutable"));
            h.insert(VARY, HeaderValue::from_static("Accept"));
            if let Ok(v) = HeaderValue::try_from(format!("attachment; filename=\"{cid}.bin\"")) {
                h.insert("content-disposition", v);
            }
            r
        }
        Worked::Done(Err(e @ (StoreError::Missing { .. } | StoreError::NotOnNode { .. }))) => {
            plain(StatusCode::NOT_FOUND, e.to_string())
        }
        Worked::Done(Err(e)) if is_timeout(&e) => plain(StatusCode::GATEWAY_TIMEOUT, e.to_string()),
        Worked::Done(Err(e)) => {
            log::warn!("block {cid}: {e}");
            plain(StatusCode::BAD_GATEWAY, e.to_string())
        }
        Worked::TimedOut(t) => unfinished(&format!("block {cid}"), Some(t)),
        Worked::NoWorker => unfinished(&format!("block {cid}"), None),
    }
}

async fn block<B>(state: &Arc<State>, req: &Request<B>, rest: &str) -> Response<Full<Bytes>> {
    let text = rest.strip_suffix('/').unwrap_or(rest);
    if text.contains('/') {
        return plain(StatusCode::BAD_REQUEST, "only blocks are served here (/ipfs/<cid>?format=raw), no paths".into());
    }
    let Ok(cid) = cid::Cid::try_from(text) else {
        let shown: String = text.chars().take(100).collect();
        return plain(StatusCode::BAD_REQUEST, format!("{shown:?} is not a CID"));
    };
    if !asks_for(req, "raw", RAW) {
        return plain(
            StatusCode::NOT_ACCEPTABLE,
            format!("only raw blocks are served here: ask for /ipfs/{cid}?format=raw or Accept: {RAW}"),
        );
    }
    let got = on_worker(state, move |s| Verified::new(s.opened.store.as_ref()).get(&cid)).await;
    block_answer(&cid, got)
}

type Lookup = Option<Result<nip::kubo::names::RecordLookup, nip::kubo::KuboError>>;

fn record_answer(name: &nip::ipns::Name, got: Worked<Lookup>) -> Response<Full<Bytes>> {
    match got {
        Worked::Done(Some(Ok(nip::kubo::names::RecordLookup::Found(record)))) => {
            reply(StatusCode::OK, IPNS_RECORD, Bytes::from(record))
        }
        Worked::Done(Some(Ok(_))) => plain(StatusCode::NOT_FOUND, format!("no record of /ipns/{name} was found")),
        Worked::Done(Some(Err(e))) if e.is_timeout() => plain(StatusCode::GATEWAY_TIMEOUT, e.to_string()),
        Worked::Done(Some(Err(e))) => plain(StatusCode::BAD_GATEWAY, e.to_string()),
        Worked::Done(None) => plain(StatusCode::NOT_FOUND, format!("no record of /ipns/{name}: the store here is no IPFS node")),
        Worked::TimedOut(t) => unfinished(&format!("the IPNS name {name}"), Some(t)),
        Worked::NoWorker => unfinished(&format!("the IPNS name {name}"), None),
    }
}

async fn record<B>(state: &Arc<State>, req: &Request<B>, rest: &str) -> Response<Full<Bytes>> {
    let text = rest.strip_suffix('/').unwrap_or(rest);
    let Ok(name) = nip::ipns::Name::parse(text) else {
        let shown: String = text.chars().take(100).collect();
        return plain(StatusCode::BAD_REQUEST, format!("{shown:?} is not an IPNS name"));
    };
    if !asks_for(req, "ipns-record", IPNS_RECORD) {
        return plain(
            StatusCode::NOT_ACCEPTABLE,
            format!("only IPNS records are served here: ask for /ipns/{name}?format=ipns-record or Accept: {IPNS_RECORD}"),
        );
    }
    let Some(key) = name.key() else {
        return plain(StatusCode::NOT_FOUND, format!("{name} is a DNSLink name: it has no IPNS record"));
    };
    let got = on_worker(state, move |s| s.opened.node.as_ref().map(|n| n.routing_get_ipns(&key, false))).await;
    record_answer(&name, got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_80_is_accepted_without_the_port() {
        let on80: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let hosts = hosts_for(on80);
        for h in ["127.0.0.1", "127.0.0.1:80", "localhost", "localhost:80"] {
            assert!(hosts.iter().any(|x| x == h), "{h} refused on port 80: {hosts:?}");
        }
        let v6: SocketAddr = "[::1]:80".parse().unwrap();
        assert!(hosts_for(v6).iter().any(|x| x == "[::1]"));
        // On another port, the port must be said.
        let other = hosts_for("127.0.0.1:8080".parse().unwrap());
        assert!(!other.iter().any(|x| x == "127.0.0.1" || x == "localhost" || x == "127.0.0.1:80"), "{other:?}");
    }

    #[test]
    fn accept_entries_with_q_0_do_not_ask() {
        assert!(entry_asks_for(RAW, RAW));
        assert!(entry_asks_for(" Application/Vnd.IPLD.Raw ; q=0.5", RAW));
        assert!(entry_asks_for("application/vnd.ipld.raw;v=1", RAW));
        for no in [
            "application/vnd.ipld.raw;q=0",
            "application/vnd.ipld.raw; Q=0.000",
            "application/vnd.ipld.raw;q=x",
            "*/*",
            "text/html",
        ] {
            assert!(!entry_asks_for(no, RAW), "{no} counted as asking for a raw block");
        }
    }

    #[test]
    fn only_the_token_opens_anything() {
        let t = "0123456789abcdef0123456789abcdef";
        assert_eq!(under_token(&format!("/{t}/ipfs/x"), t), Some("/ipfs/x"));
        assert_eq!(under_token(&format!("/{t}/"), t), Some("/"));
        assert_eq!(under_token(&format!("/{t}"), t), Some(""));
        for path in ["/", "/ipfs/x", "/index.html", &format!("/{t}x/"), &format!("/x{t}/"), &format!("/{}/", &t[1..]), ""] {
            assert_eq!(under_token(path, t), None, "{path}");
        }
        let a = new_token().unwrap();
        assert_eq!(a.len(), 2 * TOKEN_BYTES);
        assert_ne!(a, new_token().unwrap());
    }

    #[test]
    fn the_url_names_the_gateway_under_the_token() {
        assert_eq!(
            page_url("http://127.0.0.1:8080", "ab12", "#/ipfs/bafy"),
            "http://127.0.0.1:8080/ab12/?gateway=http%3A%2F%2F127.0.0.1%3A8080%2Fab12#/ipfs/bafy"
        );
    }

    #[test]
    fn timeouts_are_504_and_a_worker_that_did_not_start_is_no_missing_node() {
        let cid = nip::block::cid_of(0x55, b"x");
        let name = nip::ipns::Name::parse("k51qzi5uqu5dh5r1nd05yvrwg00el5f5hwlplblq7t4ef8vu21jywuo50ihf1m").unwrap();
        let slow = || nip::kubo::KuboError::Timeout {
            endpoint: "http://127.0.0.1:5001".into(),
            call: "block/get".into(),
            secs: 30,
            advice: String::new(),
        };
        let node = StoreError::Node { cid: Some(Box::new(cid)), node: Box::new(slow()) };
        assert_eq!(block_answer(&cid, Worked::Done(Err(node))).status(), StatusCode::GATEWAY_TIMEOUT);
        use nip::store::gateway::{Failed, Failure, GatewayError};
        let silent = |failed| {
            StoreError::Gateway(Box::new(GatewayError::AllFailed {
                what: "block",
                cid: Box::new(cid),
                tried: vec![Failure { gateway: "http://127.0.0.1:1".into(), failed }],
            }))
        };
        assert_eq!(block_answer(&cid, Worked::Done(Err(silent(Failed::Silent(30))))).status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(block_answer(&cid, Worked::Done(Err(silent(Failed::Status(500))))).status(), StatusCode::BAD_GATEWAY);
        assert_eq!(block_answer(&cid, Worked::TimedOut(Duration::from_secs(60))).status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(record_answer(&name, Worked::Done(Some(Err(slow())))).status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(record_answer(&name, Worked::TimedOut(Duration::from_secs(60))).status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(record_answer(&name, Worked::NoWorker).status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(record_answer(&name, Worked::Done(None)).status(), StatusCode::NOT_FOUND);
    }
}
