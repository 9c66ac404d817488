//! `nipctl web` (issue 16): the viewer shipped inside nipctl, with the real
//! binaries. Its CID is Kubo's for a copy of web/dist (`ipfs add -r
//! --only-hash`); `nipctl web publish` puts it on a throwaway Kubo, whose
//! own gateway then serves web/dist's index.html at the printed URL; and
//! `nipctl web serve` previews a repository pushed to the embedded store
//! (no node at all): the page, blocks that hash to their CIDs, 404 for a
//! missing block, 400 for a bad CID or a path, loopback only.
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
    url: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(env: &Env, address: &str) -> Serving {
    let mut child = env
        .command(common::nipctl())
        .args(["web", "serve", address])
        .current_dir(&env.work)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let serving = Serving { child, url: line.trim().to_string() };
    assert!(serving.url.starts_with("http://127.0.0.1:"), "nipctl web serve printed {line:?}");
    serving
}

/// `nipctl web serve` on a repository pushed to the embedded store, no node
/// anywhere: the viewer's files, the repository's blocks (each hashing to
/// its CID), 404, 400 and 406 where the brief says, a foreign Host refused,
/// and a non-loopback --listen refused before anything is opened.
#[test]
fn web_serve_from_the_embedded_store() {
    let env = Env::local();
    let repo = env.synth_pushed("src", Synth { commits: 5, files: 6, ..Default::default() });
    let address = env.remote_url(&repo, "nip");
    let index = cid_of(&address);
    let s = serve(&env, &address);
    let (origin, fragment) = s.url.split_once("/#").unwrap();
    assert_eq!(fragment, format!("/ipfs/{index}"));

    let page = get(origin, "/", &[]);
    assert_eq!(page.status, 200);
    assert!(page.body == std::fs::read(dist().join("index.html")).unwrap(), "GET / is not web/dist/index.html");
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    for name in ["app.js", "style.css"] {
        let got = get(origin, &format!("/{name}"), &[]);
        assert!(got.status == 200 && got.body == std::fs::read(dist().join(name)).unwrap(), "/{name}");
    }
    assert_eq!(get(origin, "/nothing.html", &[]).status, 404);

    // The index block, by ?format=raw and by Accept: its bytes hash to its CID.
    let cid = cid::Cid::try_from(index.as_str()).unwrap();
    for (path, headers) in
        [(format!("/ipfs/{index}?format=raw"), vec![]), (format!("/ipfs/{index}"), vec![("Accept", "application/vnd.ipld.raw")])]
    {
        let got = get(origin, &path, &headers);
        assert_eq!(got.status, 200, "{path}: {}", String::from_utf8_lossy(&got.body));
        assert_eq!(got.header("content-type"), Some("application/vnd.ipld.raw"));
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
        let got = get(origin, &format!("/ipfs/{l}?format=raw"), &[]);
        assert_eq!(got.status, 200, "{l}");
        let c = cid::Cid::try_from(l.as_str()).unwrap();
        assert!(nip::block::verify(&c, &got.body).is_ok(), "block {l} does not match its CID");
    }
    // Missing, bad, a path, no raw asked for, a foreign Host, a POST.
    let missing = nip::block::cid_of(0x55, b"a block no one pushed");
    assert_eq!(get(origin, &format!("/ipfs/{missing}?format=raw"), &[]).status, 404);
    assert_eq!(get(origin, "/ipfs/not-a-cid?format=raw", &[]).status, 400);
    assert_eq!(get(origin, &format!("/ipfs/{index}/refs?format=raw"), &[]).status, 400);
    assert_eq!(get(origin, &format!("/ipfs/{index}"), &[]).status, 406);
    assert_eq!(get(origin, &format!("/ipfs/{index}?format=raw"), &[("Host", "evil.example:80")]).status, 403);
    let k = "k51qzi5uqu5dh5r1nd05yvrwg00el5f5hwlplblq7t4ef8vu21jywuo50ihf1m";
    assert_eq!(get(origin, &format!("/ipns/{k}?format=ipns-record"), &[]).status, 404);
    drop(s);

    for listen in ["0.0.0.0:0", "192.0.2.1:8080", "[::]:0", "localhost"] {
        let run = env.nipctl_run(&["web", "serve", &address, "--listen", listen]);
        assert!(!run.success(), "--listen {listen} was accepted");
        assert!(run.stderr.contains("--listen") && run.stdout.is_empty(), "{run}");
    }
}
