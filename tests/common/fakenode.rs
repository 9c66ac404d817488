//! A fake Kubo RPC API on loopback: it answers `version` as a node would,
//! and `block/get` the way a test wants a node to misbehave (an HTTP 500,
//! no answer at all, an answer that stops halfway). It records every
//! request head it received, so a test can see what was sent (the
//! `Authorization` header, say). Everything else gets Kubo's JSON error.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How `block/get` misbehaves.
#[derive(Clone, Copy, Debug)]
pub enum BlockGet {
    /// HTTP 500 with this body (Kubo's JSON, or anything).
    Status500(&'static str),
    /// No answer at all, until the node is dropped (at most two minutes).
    Stall,
    /// Headers and the first bytes of a longer body, then nothing.
    StallBody,
}

pub struct FakeNode {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    pub port: u16,
    /// Every request head received (request line and headers).
    pub seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for FakeNode {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl FakeNode {
    pub fn start(block_get: BlockGet) -> FakeNode {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake node");
        let port = listener.local_addr().expect("fake node addr").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (seen.clone(), stop.clone());
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { break };
                let (s, st) = (s.clone(), st.clone());
                thread::spawn(move || serve(conn, block_get, s, st));
            }
        });
        FakeNode { url: format!("http://127.0.0.1:{port}"), port, seen, stop }
    }

    /// Every request head received so far, in one string.
    pub fn requests(&self) -> String {
        self.seen.lock().expect("seen").join("\n")
    }
}

fn hold(stop: &AtomicBool) {
    let until = Instant::now() + Duration::from_secs(120);
    while !stop.load(Ordering::SeqCst) && Instant::now() < until {
        thread::sleep(Duration::from_millis(20));
    }
}

fn serve(mut conn: TcpStream, block_get: BlockGet, seen: Arc<Mutex<Vec<String>>>, stop: Arc<AtomicBool>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    seen.lock().expect("seen").push(head.clone());
    let path = head.split_whitespace().nth(1).unwrap_or_default().split('?').next().unwrap_or_default().to_string();
    let reply = |conn: &mut TcpStream, status: &str, body: &str| {
        let _ = write!(
            conn,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    };
    match (path.as_str(), block_get) {
        ("/api/v0/version", _) => reply(&mut conn, "200 OK", r#"{"Version":"0.39.0","Commit":"fake"}"#),
        ("/api/v0/block/get", BlockGet::Status500(body)) => reply(&mut conn, "500 Internal Server Error", body),
        ("/api/v0/block/get", BlockGet::Stall) => hold(&stop),
        ("/api/v0/block/get", BlockGet::StallBody) => {
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n0123456789",
            );
            let _ = conn.flush();
            hold(&stop);
        }
        _ => reply(
            &mut conn,
            "500 Internal Server Error",
            r#"{"Message":"the fake node does not do this","Code":0,"Type":"error"}"#,
        ),
    }
}
