//! `nipctl web serve <address>`: a local preview of a repository in the
//! web viewer, with no node needed.
//!
//! It listens on loopback only (a non-loopback `--listen` is refused) and
//! serves two things: the viewer's files (compiled into nipctl, see
//! `web.rs`) at `/`, and the subset of the trustless gateway API the
//! viewer uses, from the store nip would use here (the same choice as
//! git-remote-nip's: a Kubo node if one answers, else the embedded store;
//! `nip.store` decides):
//!
//! - `GET /ipfs/<cid>?format=raw` (or `Accept: application/vnd.ipld.raw`):
//!   the block's bytes, checked against the CID before they are sent, as
//!   `application/vnd.ipld.raw`; 404 if the store lacks the block, 400 for
//!   a CID that does not parse or a path below it (blocks only, no paths,
//!   no listing), 406 if neither asks for a raw block.
//! - `GET /ipns/<name>?format=ipns-record` (or `Accept:
//!   application/vnd.ipfs.ipns-record`): the name's signed record, when
//!   the store is a node that finds it; 404 otherwise.
//!
//! Requests are bounded: only GET and HEAD, headers within 16 KiB (read
//! within 10 s), no body read, at most [`WORKERS`] store reads at once. A
//! request whose `Host` is not the loopback address served is refused
//! (403), so a web page cannot reach the preview through DNS rebinding;
//! no response carries CORS headers, so other pages cannot read it.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, ACCEPT, CACHE_CONTROL, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Response, StatusCode};
use nip::address::Address;
use nip::store::{Opened, StoreError, Verified};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Store reads running at once (each on its own thread: the stores block).
const WORKERS: usize = 8;
/// The most bytes of request line and headers hyper buffers.
const MAX_HEAD: usize = 16 * 1024;

const RAW: &str = "application/vnd.ipld.raw";
const IPNS_RECORD: &str = "application/vnd.ipfs.ipns-record";

struct State {
    opened: Opened,
    /// The `Host` values a request may carry.
    hosts: Vec<String>,
    workers: Arc<tokio::sync::Semaphore>,
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

/// `nipctl web serve <address> --listen <addr>`: serves until killed (Ctrl-C).
pub fn serve(address: &str, listen: &str) -> Result<(), nip::Error> {
    let addr = listen_address(listen)?;
    let parsed = Address::parse(address)?;
    let fragment = crate::web::fragment(&parsed)?;
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
    let origin = match local {
        SocketAddr::V4(a) => format!("{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    };
    let hosts = vec![origin.clone(), format!("localhost:{}", local.port())];
    crate::say(&format!(
        "serving the web viewer and the blocks of {} from {} on http://{origin}/ (loopback only); Ctrl-C stops",
        parsed,
        opened.store.describe()
    ));
    println!("http://{origin}/{fragment}");
    {
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }
    let state = Arc::new(State { opened, hosts, workers: Arc::new(tokio::sync::Semaphore::new(WORKERS)) });
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
        });
    }
}

fn plain(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    reply(status, "text/plain; charset=utf-8", Bytes::from(text + "\n"))
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
        .any(|m| m.split(';').next().map(str::trim) == Some(media));
    by_query || by_accept
}

async fn respond<B>(state: &Arc<State>, req: Request<B>) -> Response<Full<Bytes>> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, format!("{} is not served here: GET only", req.method()));
        r.headers_mut().insert("allow", HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let host = req.headers().get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !state.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return plain(StatusCode::FORBIDDEN, "this preview answers requests to its loopback address only".into());
    }
    let path = req.uri().path().to_string();
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
        None => plain(StatusCode::NOT_FOUND, format!("{path} is not a file of the viewer")),
    }
}

/// Runs `work` on a thread of its own (the stores block, and the Kubo
/// client drives a runtime of its own), at most [`WORKERS`] at once.
async fn on_worker<T: Send + 'static>(state: &Arc<State>, work: impl FnOnce(&State) -> T + Send + 'static) -> Option<T> {
    let permit = state.workers.clone().acquire_owned().await.ok()?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let state = state.clone();
    std::thread::Builder::new()
        .name("nipctl-serve".into())
        .spawn(move || {
            let _ = tx.send(work(&state));
            drop(permit);
        })
        .ok()?;
    rx.await.ok()
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
    match got {
        Some(Ok(bytes)) => {
            let mut r = reply(StatusCode::OK, RAW, Bytes::from(bytes));
            r.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=29030400, immutable"));
            r
        }
        Some(Err(e @ (StoreError::Missing { .. } | StoreError::NotOnNode { .. }))) => plain(StatusCode::NOT_FOUND, e.to_string()),
        Some(Err(e)) => {
            log::warn!("block {cid}: {e}");
            plain(StatusCode::BAD_GATEWAY, e.to_string())
        }
        None => plain(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping".into()),
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
    match got.flatten() {
        Some(Ok(nip::kubo::names::RecordLookup::Found(record))) => reply(StatusCode::OK, IPNS_RECORD, Bytes::from(record)),
        Some(Ok(_)) => plain(StatusCode::NOT_FOUND, format!("no record of /ipns/{name} was found")),
        Some(Err(e)) => plain(StatusCode::BAD_GATEWAY, e.to_string()),
        None => plain(StatusCode::NOT_FOUND, format!("no record of /ipns/{name}: the store here is no IPFS node")),
    }
}
