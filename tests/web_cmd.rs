//! `nipctl web` (issue 16): the viewer shipped inside nipctl, with the real
//! binaries. Its CID is Kubo's for a copy of web/dist (`ipfs add -r
//! --only-hash`); `nipctl web publish` puts it on a throwaway Kubo, whose
//! own gateway then serves web/dist's index.html at the printed URL; and
//! `nipctl web serve` previews a repository pushed to the embedded store
//! (no node at all): everything under the run's secret path and nothing
//! without it, the page, blocks that hash to their CIDs, 404 for a missing
//! block, 400 for a bad CID or a path, another site's requests refused,
//! loopback only; a store read that does not end is 504, and connections
//! are bounded.
//!
//! Nothing here hard-codes web/dist's bytes or CID: they are read and
//! computed (other work changes the viewer).

mod common;

use common::kubo::{binary_or_skip, Kubo};
use common::{Env, Synth};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn dist() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("web/dist")
}

/// A response: status, headers (lower-case names) and body.
struct Got {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// `GET path` from `origin` (`http://127.0.0.1:<port>`) over HTTP/1.0 (no
/// chunking), with `headers` and the origin's own Host unless one is given.
fn get(origin: &str, path: &str, headers: &[(&str, &str)]) -> Got {
    let hostport = origin.strip_prefix("http://").expect("an http origin");
    let mut s = std::net::TcpStream::connect(hostport).unwrap_or_else(|e| panic!("connect {origin}: {e}"));
    s.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    let mut req = format!("GET {path} HTTP/1.0\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        req += &format!("Host: {hostport}\r\n");
    }
    for (n, v) in headers {
        req += &format!("{n}: {v}\r\n");
    }
    req += "\r\n";
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    Got { status, headers, body: raw[end + 4..].to_vec() }
}

/// A port nothing listens on (bound, then let go).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The CID an address's `/ipfs/<cid>` names.
fn cid_of(address: &str) -> String {
    address.rsplit('/').next().unwrap().to_string()
}

/// `nipctl web cid` equals `ipfs add -r -Q --cid-version=1 --only-hash`
/// of a copy of web/dist (Kubo's defaults with CIDv1: raw leaves, 256 KiB
/// chunks, balanced layout), with a repository of Kubo's own and no daemon.
#[test]
fn web_cid_is_kubos() {
    let Some(bin) = binary_or_skip("web_cid_is_kubos") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("viewer");
    std::fs::create_dir(&copy).unwrap();
    let mut files = 0;
    for e in std::fs::read_dir(dist()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
        files += 1;
    }
    assert!(files >= 3, "web/dist has {files} files");
    let ipfs = |args: &[&str]| {
        let out = Command::new(&bin)
            .args(args)
            .env("IPFS_PATH", tmp.path().join("ipfs"))
            .env("IPFS_TELEMETRY", "off")
            .env_remove("IPFS_API")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "ipfs {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    ipfs(&["init", "--profile", "test"]);
    let kubo = ipfs(&["add", "-r", "-Q", "--cid-version=1", "--only-hash", copy.to_str().unwrap()]);
    // The layout spelled out gives the same CID (the defaults are what nip matches).
    let spelled = ipfs(&[
        "add",
        "-r",
        "-Q",
        "--cid-version=1",
        "--raw-leaves",
        "--chunker=size-262144",
        "--trickle=false",
        "--only-hash",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(kubo, spelled);
    let env = Env::local();
    let run = env.nipctl_run(&["web", "cid"]);
    assert!(run.success(), "{run}");
    assert_eq!(run.stdout.trim(), kubo, "nipctl web cid is not Kubo's CID of web/dist");
}

/// `nipctl web publish <address>` on a throwaway Kubo: the viewer is pinned
/// there, the printed URL is the node's gateway's, and that gateway serves
/// web/dist's index.html (and app.js) under it. Without a node: one line
/// that says to run `nipctl web serve`.
#[test]
fn web_publish_on_kubo() {
    let Some(bin) = binary_or_skip("web_publish_on_kubo") else { return };
    let port = free_port();
    let gateway = format!("\"/ip4/127.0.0.1/tcp/{port}\"");
    let node = Kubo::start_with(&bin, &[("Addresses.Gateway", &gateway)]);
    let env = Env::kubo_node(&node);
    let repo = env.synth_pushed("src", Synth { commits: 3, files: 4, ..Default::default() });
    let address = env.remote_url(&repo, "nip");
    let viewer = env.nipctl_run(&["web", "cid"]).stdout.trim().to_string();
    let run = env.nipctl_run(&["web", "publish", &address]);
    assert!(run.success(), "{run}");
    let url = run.stdout.trim();
    let origin = format!("http://127.0.0.1:{port}");
    assert_eq!(url, format!("{origin}/ipfs/{viewer}/#/ipfs/{}", cid_of(&address)));
    assert!(node.pins().contains(&viewer), "the viewer is not pinned: {:?}", node.pins());
    let page = url.split('#').next().unwrap().strip_prefix(&origin).unwrap();
    let got = get(&origin, page, &[]);
    assert_eq!(got.status, 200, "{}", String::from_utf8_lossy(&got.body));
    assert!(got.body == std::fs::read(dist().join("index.html")).unwrap(), "the gateway's page is not web/dist/index.html");
    let js = get(&origin, &format!("{page}app.js"), &[]);
    assert!(js.status == 200 && js.body == std::fs::read(dist().join("app.js")).unwrap());
    // Publishing again changes nothing: the same URL.
    let again = env.nipctl_run(&["web", "publish", &address]);
    assert_eq!(again.stdout.trim(), url);

    let none = Env::local();
    let mut cmd = none.command(common::nipctl());
    let out = cmd.args(["web", "publish", &address]).env("NIP_IPFS_API", format!("/ip4/127.0.0.1/tcp/{}", free_port())).output();
    let out = out.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && out.stdout.is_empty());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("nipctl web serve") && stderr.contains("node"), "{stderr}");

    // A node whose gateway is on a random port (`/tcp/0`, the test
    // profile's default) has no URL nip could print: refused in one line
    // that says how to set one, and nothing is pinned there.
    let random = Kubo::start(&bin);
    let env = Env::kubo_node(&random);
    let run = env.nipctl_run(&["web", "publish", &address]);
    assert!(!run.success() && run.stdout.trim().is_empty(), "{run}");
    assert_eq!(run.stderr.trim().lines().count(), 1, "{run}");
    assert!(run.stderr.contains("port 0") && run.stderr.contains("Addresses.Gateway"), "{run}");
    assert!(!random.pins().contains(&viewer), "the viewer was pinned on a node it could not publish on");
}

/// A running `nipctl web serve`, killed when dropped.
struct Serving {
    child: Child,
    /// The URL it printed.
    url: String,
    /// `http://127.0.0.1:<port>`.
    origin: String,
    /// The secret path's token (the URL's first path segment).
    token: String,
    /// `<origin>/<token>`: where everything is.
    base: String,
    /// What it wrote on stderr so far.
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serving {
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

fn serve(env: &Env, address: &str) -> Serving {
    serve_with(env, address, &[])
}

/// `nipctl web serve address` with more environment `vars`.
fn serve_with(env: &Env, address: &str, vars: &[(&str, &str)]) -> Serving {
    let mut cmd = env.command(common::nipctl());
    cmd.args(["web", "serve", address]).current_dir(&env.work).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let (err, into) = (child.stderr.take().unwrap(), stderr.clone());
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            eprintln!("nipctl web serve: {line}");
            into.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().to_string();
    let rest = url.strip_prefix("http://127.0.0.1:").unwrap_or_else(|| panic!("nipctl web serve printed {line:?}"));
    let (port, rest) = rest.split_once('/').unwrap_or_else(|| panic!("no path in {url:?}"));
    let origin = format!("http://127.0.0.1:{port}");
    let token = rest.split('/').next().unwrap().to_string();
    let base = format!("{origin}/{token}");
    Serving { child, url, origin, token, base, stderr }
}

/// A gateway that takes connections and never answers (kept open until the
/// test ends).
fn silent_gateway() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().map_while(Result::ok) {
            held.push(s);
        }
    });
    format!("http://{addr}")
}

/// `nipctl web serve` on a repository pushed to the embedded store, no node
/// anywhere: the printed URL and its secret path (nothing without it, not
/// even the viewer), the viewer's files, the repository's blocks (each
/// hashing to its CID, with the trustless gateway's headers), 404, 400 and
/// 406 where the brief says (a `q=0` Accept asks for nothing), a foreign
/// Host and a cross-site request refused, the token on stdout only, and a
/// non-loopback --listen refused before anything is opened.
#[test]
fn web_serve_from_the_embedded_store() {
    let env = Env::local();
    let repo = env.synth_pushed("src", Synth { commits: 5, files: 6, ..Default::default() });
    let address = env.remote_url(&repo, "nip");
    let index = cid_of(&address);
    let s = serve(&env, &address);
    let (origin, base, token) = (s.origin.as_str(), s.base.as_str(), s.token.as_str());
    // 128 bits at least, in hex, and the viewer told its gateway is under it.
    assert!(token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()), "token {token:?} in {}", s.url);
    let gateway = base.replace(':', "%3A").replace('/', "%2F");
    assert_eq!(s.url, format!("{base}/?gateway={gateway}#/ipfs/{index}"));
    let other = serve(&env, &address);
    assert_ne!(other.token, s.token, "two runs share a token");
    drop(other);

    let page = get(origin, &format!("/{token}/"), &[]);
    assert_eq!(page.status, 200);
    assert!(page.body == std::fs::read(dist().join("index.html")).unwrap(), "GET /<token>/ is not web/dist/index.html");
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    for name in ["app.js", "style.css"] {
        let got = get(origin, &format!("/{token}/{name}"), &[]);
        assert!(got.status == 200 && got.body == std::fs::read(dist().join(name)).unwrap(), "/{name}");
    }
    assert_eq!(get(origin, &format!("/{token}/nothing.html"), &[]).status, 404);
    let bare = get(origin, &format!("/{token}"), &[]);
    assert_eq!((bare.status, bare.header("location")), (308, Some(format!("/{token}/").as_str())));

    // Without the token (or with another): 404 and nothing said, for the
    // page, the viewer's files and blocks alike.
    let wrong: String = token.chars().rev().collect();
    for path in [
        "/".to_string(),
        "/index.html".to_string(),
        "/app.js".to_string(),
        format!("/ipfs/{index}?format=raw"),
        format!("/{wrong}/ipfs/{index}?format=raw"),
        format!("/{wrong}/"),
        format!("/{}/", &token[1..]),
        format!("/{token}x/ipfs/{index}?format=raw"),
    ] {
        let got = get(origin, &path, &[("Accept", "application/vnd.ipld.raw")]);
        assert_eq!(got.status, 404, "{path} was answered without the token");
        assert_eq!(got.body, b"not found\n", "{path}: {}", String::from_utf8_lossy(&got.body));
    }

    // The index block, by ?format=raw and by Accept: its bytes hash to its CID.
    let cid = cid::Cid::try_from(index.as_str()).unwrap();
    for (path, headers) in [
        (format!("/{token}/ipfs/{index}?format=raw"), vec![]),
        (format!("/{token}/ipfs/{index}"), vec![("Accept", "application/vnd.ipld.raw")]),
        (format!("/{token}/ipfs/{index}"), vec![("Accept", "text/html;q=0.9, application/vnd.ipld.raw;q=0.5")]),
    ] {
        let got = get(origin, &path, &headers);
        assert_eq!(got.status, 200, "{path}: {}", String::from_utf8_lossy(&got.body));
        assert_eq!(got.header("content-type"), Some("application/vnd.ipld.raw"));
        assert_eq!(got.header("vary"), Some("Accept"), "a raw block cached immutable must vary on Accept");
        assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(got.header("content-disposition"), Some(format!("attachment; filename=\"{index}.bin\"").as_str()));
        use sha2::Digest;
        assert_eq!(cid.hash().code(), 0x12);
        assert_eq!(sha2::Sha256::digest(&got.body).as_slice(), cid.hash().digest(), "block {index} does not match its CID");
    }
    // The blocks the index links (its object map, its packs), as inspect names them.
    let inspect = env.nipctl_run(&["inspect", "--json", &address]);
    let json: serde_json::Value = serde_json::from_str(&inspect.stdout).unwrap_or_else(|e| panic!("{e}: {inspect}"));
    let mut linked = vec![json["objects"]["map"].as_str().unwrap().to_string()];
    linked.extend(json["packs"].as_array().unwrap().iter().map(|p| p["pack"].as_str().unwrap().to_string()));
    assert!(linked.len() >= 2, "{linked:?}");
    for l in &linked {
        let got = get(origin, &format!("/{token}/ipfs/{l}?format=raw"), &[]);
        assert_eq!(got.status, 200, "{l}");
        let c = cid::Cid::try_from(l.as_str()).unwrap();
        assert!(nip::block::verify(&c, &got.body).is_ok(), "block {l} does not match its CID");
    }
    // Missing, bad, a path, no raw asked for (q=0 is "not that"), a
    // foreign Host, a request from another site's page.
    let missing = nip::block::cid_of(0x55, b"a block no one pushed");
    assert_eq!(get(origin, &format!("/{token}/ipfs/{missing}?format=raw"), &[]).status, 404);
    assert_eq!(get(origin, &format!("/{token}/ipfs/not-a-cid?format=raw"), &[]).status, 400);
    assert_eq!(get(origin, &format!("/{token}/ipfs/{index}/refs?format=raw"), &[]).status, 400);
    assert_eq!(get(origin, &format!("/{token}/ipfs/{index}"), &[]).status, 406);
    let zero = get(origin, &format!("/{token}/ipfs/{index}"), &[("Accept", "application/vnd.ipld.raw;q=0")]);
    assert_eq!(zero.status, 406, "Accept: application/vnd.ipld.raw;q=0 was answered with the block");
    let raw = format!("/{token}/ipfs/{index}?format=raw");
    assert_eq!(get(origin, &raw, &[("Host", "evil.example:80")]).status, 403);
    for site in ["cross-site", "same-site"] {
        assert_eq!(get(origin, &raw, &[("Sec-Fetch-Site", site)]).status, 403, "Sec-Fetch-Site: {site}");
    }
    for site in ["same-origin", "none"] {
        assert_eq!(get(origin, &raw, &[("Sec-Fetch-Site", site)]).status, 200, "Sec-Fetch-Site: {site}");
    }
    // A refusal says why in one line, and never the token.
    let refused = get(origin, &raw, &[("Sec-Fetch-Site", "cross-site")]);
    let said = String::from_utf8_lossy(&refused.body).to_string();
    assert!(said.contains("another site") && said.contains("address bar") && !said.contains(token), "{said}");
    let refused = get(origin, &raw, &[("Host", "evil.example:80")]);
    let said = String::from_utf8_lossy(&refused.body).to_string();
    assert!(said.contains("host") && !said.contains(token) && !said.contains("evil"), "{said}");
    // A link followed from another site's page opens the viewer's page (a
    // top-level navigation); a navigation to a block is still refused.
    let navigate = [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document")];
    let page = get(origin, &format!("/{token}/"), &navigate);
    assert!(page.status == 200 && page.body == std::fs::read(dist().join("index.html")).unwrap(), "a link from another site");
    assert_eq!(get(origin, &raw, &navigate).status, 403, "a block opened from another site's link");
    assert_eq!(get(origin, &format!("/{token}/app.js"), &[("Sec-Fetch-Site", "cross-site")]).status, 403);
    let k = "k51qzi5uqu5dh5r1nd05yvrwg00el5f5hwlplblq7t4ef8vu21jywuo50ihf1m";
    assert_eq!(get(origin, &format!("/{token}/ipns/{k}?format=ipns-record"), &[]).status, 404);
    assert_eq!(get(origin, &format!("/ipns/{k}?format=ipns-record"), &[]).status, 404);
    // The start-up message says what is served, and never the token.
    let said = s.stderr();
    assert!(said.contains("any block") && said.contains(origin), "{said}");
    assert!(!said.contains(token), "the token is on stderr: {said}");
    drop(s);

    for listen in ["0.0.0.0:0", "192.0.2.1:8080", "[::]:0", "localhost"] {
        let run = env.nipctl_run(&["web", "serve", &address, "--listen", listen]);
        assert!(!run.success(), "--listen {listen} was accepted");
        assert!(run.stderr.contains("--listen") && run.stdout.is_empty(), "{run}");
    }
}

/// A store read that does not end is answered 504 Gateway Timeout: when
/// the store itself gives up (every gateway silent for
/// NIP_GATEWAY_TIMEOUT), and when it does not within NIP_SERVE_TIMEOUT.
/// And connections are bounded: with 64 open, one more is answered 503 at
/// once; once they close, blocks are served again.
#[test]
fn web_serve_times_out_and_bounds_connections() {
    let env = Env::local();
    let repo = env.synth_pushed("src", Synth { commits: 2, files: 2, ..Default::default() });
    let address = env.remote_url(&repo, "nip");
    let index = cid_of(&address);
    let gateway = silent_gateway();
    let missing = nip::block::cid_of(0x55, b"a block only the silent gateway could have");
    let vars = [("NIP_STORE", "gateway"), ("NIP_GATEWAYS", gateway.as_str())];

    // The gateway's silence runs out first: the store's timeout, 504.
    let s = serve_with(&env, &address, &[vars[0], vars[1], ("NIP_GATEWAY_TIMEOUT", "1")]);
    let got = get(&s.origin, &format!("/{}/ipfs/{missing}?format=raw", s.token), &[]);
    assert_eq!(got.status, 504, "{}", String::from_utf8_lossy(&got.body));
    assert!(String::from_utf8_lossy(&got.body).contains(&missing.to_string()));
    drop(s);

    // The preview's bound runs out first: 504, and the worker left on the
    // silent gateway does not keep the others from serving.
    let s = serve_with(&env, &address, &[vars[0], vars[1], ("NIP_GATEWAY_TIMEOUT", "3600"), ("NIP_SERVE_TIMEOUT", "1")]);
    let got = get(&s.origin, &format!("/{}/ipfs/{missing}?format=raw", s.token), &[]);
    assert_eq!(got.status, 504, "{}", String::from_utf8_lossy(&got.body));
    assert!(String::from_utf8_lossy(&got.body).contains("NIP_SERVE_TIMEOUT"));
    let raw = format!("/{}/ipfs/{index}?format=raw", s.token);
    assert_eq!(get(&s.origin, &raw, &[]).status, 200);

    // 64 connections open (sending nothing), then one more: 503 at once.
    let hostport = s.origin.strip_prefix("http://").unwrap().to_string();
    let idle: Vec<_> = (0..64).map(|_| std::net::TcpStream::connect(&hostport).unwrap()).collect();
    let over = get(&s.origin, &raw, &[]);
    assert_eq!(over.status, 503, "connection 65 was answered {}, not refused", over.status);
    drop(idle);
    // Once they are closed (the server sees it when it next reads them).
    let mut status = 0;
    for _ in 0..100 {
        status = get(&s.origin, &raw, &[]).status;
        if status != 503 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(status, 200);

    let bad = env.command(common::nipctl()).args(["web", "serve", &address]).env("NIP_SERVE_TIMEOUT", "soon").output().unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && bad.stdout.is_empty() && stderr.contains("NIP_SERVE_TIMEOUT"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

/// `nipctl web serve nip::/ipns/<name>` on a Kubo node: the URL opens the
/// name, and the name's signed record is served under the token (the
/// trustless gateway's `?format=ipns-record`), nowhere else.
#[test]
fn web_serve_an_ipns_name_from_a_node() {
    let Some(bin) = binary_or_skip("web_serve_an_ipns_name_from_a_node") else { return };
    let node = Kubo::start(&bin);
    let env = Env::kubo_node(&node);
    let repo = env.synth("src", Synth { commits: 2, files: 2, ..Default::default() });
    env.git_ok(&repo, &["remote", "add", "origin", "nip::new-ipns"]);
    env.git_ok(&repo, &["push", "--all", "origin"]);
    let address = env.remote_url(&repo, "origin");
    let name = address.strip_prefix("nip::/ipns/").unwrap_or_else(|| panic!("pushed to {address}")).to_string();
    let s = serve(&env, &address);
    assert!(s.url.ends_with(&format!("#/ipns/{name}")), "{}", s.url);
    let path = format!("/{}/ipns/{name}?format=ipns-record", s.token);
    let got = get(&s.origin, &path, &[]);
    assert_eq!(got.status, 200, "{}", String::from_utf8_lossy(&got.body));
    assert_eq!(got.header("content-type"), Some("application/vnd.ipfs.ipns-record"));
    assert!(!got.body.is_empty());
    assert_eq!(get(&s.origin, &format!("/ipns/{name}?format=ipns-record"), &[]).status, 404);
    let said = s.stderr();
    assert!(said.contains("IPNS record") && !said.contains(&s.token), "{said}");
}
