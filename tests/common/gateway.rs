//! Gateways for tests: a hostile HTTP gateway in front of a Kubo node's
//! gateway port, and a TLS one (python3's `ssl`, with a certificate made by
//! the `openssl` CLI). Both listen on loopback only.
//!
//! [`Hostile`] forwards each `GET` to the node's gateway (HTTP/1.0, so the
//! body ends with the connection) and then does what its [`Mode`] says to
//! the answer: nothing, HTTP 500, flip one byte, drop a block from a CAR, add
//! a block nobody asked for, or send half and go silent. It counts the
//! requests it served, by kind.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// What a [`Hostile`] gateway does to the answers it passes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Honest,
    /// HTTP 500 to everything.
    Fail,
    /// The last byte of every single block (`format=raw`) flipped.
    FlipRaw,
    /// The last byte of every CAR flipped (inside its last block).
    FlipCar,
    /// A CAR without its last block.
    DropBlock,
    /// A CAR with a block appended that nothing links.
    AddBlock,
    /// Half of a CAR, then nothing (the connection held open).
    Stall,
}

pub struct Hostile {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// Requests for single blocks and for CARs.
    pub raw: Arc<AtomicUsize>,
    pub cars: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl Hostile {
    /// A gateway in front of `upstream` (`http://127.0.0.1:<port>`).
    pub fn start(upstream: &str, mode: Mode) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind gateway");
        let port = listener.local_addr().expect("addr").port();
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_string();
        let (raw, cars, stop) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
        let (r, c, s) = (raw.clone(), cars.clone(), stop.clone());
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                let (up, r, c, s) = (upstream.clone(), r.clone(), c.clone(), s.clone());
                thread::spawn(move || serve(client, &up, mode, &r, &c, &s));
            }
        });
        Hostile { url: format!("http://127.0.0.1:{port}"), raw, cars, stop }
    }

    pub fn requests(&self) -> usize {
        self.raw.load(Ordering::SeqCst) + self.cars.load(Ordering::SeqCst)
    }
}

/// Reads one request head; `None` when the client closed first.
fn read_head(s: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut b) {
            Ok(1) => head.push(b[0]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Asks `upstream` for `path`: (status line, content type, body).
fn fetch(upstream: &str, path: &str, accept: &str) -> Option<(String, String, Vec<u8>)> {
    let mut up = TcpStream::connect(upstream).ok()?;
    write!(up, "GET {path} HTTP/1.0\r\nHost: {upstream}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n").ok()?;
    let mut all = Vec::new();
    up.read_to_end(&mut all).ok()?;
    let at = all.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&all[..at + 4]).into_owned();
    let status = head.lines().next()?.split_once(' ')?.1.to_string();
    let ct = header(&head, "content-type").unwrap_or("").to_string();
    Some((status, ct, all[at + 4..].to_vec()))
}

/// The CAR `body` with its blocks changed by `f`.
fn recar(body: &[u8], f: impl FnOnce(&mut Vec<nip::block::Block>)) -> Vec<u8> {
    let mut r = nip::car::Reader::new(body).expect("a CAR from the node");
    let roots = r.roots.clone();
    let mut blocks = Vec::new();
    while let Some(b) = r.next_block().expect("a CAR block") {
        blocks.push(b);
    }
    f(&mut blocks);
    let mut out = nip::car::header(&roots);
    for b in &blocks {
        nip::car::write_block(&mut out, b).unwrap();
    }
    out
}

fn serve(mut client: TcpStream, upstream: &str, mode: Mode, raw: &AtomicUsize, cars: &AtomicUsize, stop: &AtomicBool) {
    while let Some(head) = read_head(&mut client) {
        let path = head.lines().next().and_then(|l| l.split(' ').nth(1)).unwrap_or("/").to_string();
        let accept = header(&head, "accept").unwrap_or("*/*").to_string();
        let car = path.contains("format=car");
        if car {
            cars.fetch_add(1, Ordering::SeqCst);
        } else {
            raw.fetch_add(1, Ordering::SeqCst);
        }
        let Some((status, ct, mut body)) = fetch(upstream, &path, &accept) else {
            let _ = client.shutdown(Shutdown::Both);
            return;
        };
        let ok = status.starts_with("200");
        let mut status = status;
        match mode {
            Mode::Fail => {
                status = "500 Internal Server Error".into();
                body = b"broken\n".to_vec();
            }
            Mode::FlipRaw if ok && !car => {
                if let Some(b) = body.last_mut() {
                    *b ^= 1;
                }
            }
            Mode::FlipCar if ok && car => {
                if let Some(b) = body.last_mut() {
                    *b ^= 1;
                }
            }
            Mode::DropBlock if ok && car => {
                body = recar(&body, |blocks| {
                    blocks.pop();
                })
            }
            Mode::AddBlock if ok && car => {
                body = recar(&body, |blocks| blocks.push(nip::block::Block::new(nip::block::RAW, b"nobody asked".to_vec())))
            }
            Mode::Stall if ok && car => {
                let _ = write!(client, "HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nConnection: close\r\n\r\n");
                let _ = client.write_all(&body[..body.len() / 2]);
                let _ = client.flush();
                let until = Instant::now() + Duration::from_secs(120);
                while !stop.load(Ordering::SeqCst) && Instant::now() < until {
                    thread::sleep(Duration::from_millis(50));
                }
                let _ = client.shutdown(Shutdown::Both);
                return;
            }
            _ => {}
        }
        let reply = format!("HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n", body.len());
        if client.write_all(reply.as_bytes()).and_then(|_| client.write_all(&body)).is_err() {
            return;
        }
    }
}

/// A TLS gateway on loopback: python3's `http.server` with `ssl`, passing
/// every request on to `upstream`, its certificate signed by a CA made here
/// (`ca` is its PEM file: what `NIP_CA_FILE` names).
pub struct Tls {
    /// `https://127.0.0.1:<port>`.
    pub url: String,
    pub ca: std::path::PathBuf,
    child: std::process::Child,
}

impl Drop for Tls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TLS_PROXY: &str = r#"
import http.client, http.server, ssl, sys
upstream, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        c = http.client.HTTPConnection(upstream, timeout=60)
        c.request("GET", self.path, headers={"Accept": self.headers.get("Accept", "*/*")})
        r = c.getresponse()
        body = r.read()
        self.send_response(r.status)
        self.send_header("Content-Type", r.getheader("Content-Type", ""))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
s.socket = ctx.wrap_socket(s.socket, server_side=True)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;

fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl").args(args).current_dir(dir).output().expect("run openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

impl Tls {
    /// Starts it in `dir` (certificates are written there).
    pub fn start(upstream: &str, dir: &Path) -> Tls {
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        let mut ca = vec!["req", "-x509"];
        ca.extend(ec);
        ca.extend(["-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=nip test CA", "-days", "2"]);
        openssl(dir, &ca);
        let mut leaf = vec!["req"];
        leaf.extend(ec);
        leaf.extend(["-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1"]);
        openssl(dir, &leaf);
        std::fs::write(dir.join("ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
            .unwrap();
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                "leaf.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "leaf.pem",
                "-days",
                "2",
                "-extfile",
                "ext",
            ],
        );
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_string();
        let mut child = std::process::Command::new("python3")
            .args(["-c", TLS_PROXY, &upstream])
            .arg(dir.join("leaf.pem"))
            .arg(dir.join("leaf.key"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("run python3");
        let mut line = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        std::io::BufRead::read_line(&mut out, &mut line).expect("port of the TLS gateway");
        let port: u16 = line.trim().parse().unwrap_or_else(|_| panic!("the TLS gateway did not start: {line:?}"));
        Tls { url: format!("https://127.0.0.1:{port}"), ca: dir.join("ca.pem"), child }
    }
}
