//! A loopback TCP proxy that cuts the line when it sees a given request.
//!
//! Put in front of a Kubo API, it forwards everything until the client sends
//! a request whose text contains `trigger` (say `POST /api/v0/dag/import`),
//! then calls `on_trigger` (the test kills the daemon there) and closes the
//! connection: a node dying in the middle of a push, deterministically.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

pub struct CutProxy {
    /// `/ip4/127.0.0.1/tcp/<port>` of the proxy.
    pub api: String,
    pub triggered: Arc<AtomicBool>,
}

type Hook = Arc<Mutex<Option<Box<dyn FnOnce() + Send>>>>;

impl CutProxy {
    /// Proxies to `target` (`127.0.0.1:port`).
    pub fn start(target: String, trigger: &'static str, on_trigger: Box<dyn FnOnce() + Send>) -> CutProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let triggered = Arc::new(AtomicBool::new(false));
        let hook: Hook = Arc::new(Mutex::new(Some(on_trigger)));
        let t = triggered.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                let (target, hook, t) = (target.clone(), hook.clone(), t.clone());
                thread::spawn(move || serve(client, &target, trigger, hook, t));
            }
        });
        CutProxy { api: format!("/ip4/127.0.0.1/tcp/{port}"), triggered }
    }
}

fn serve(client: TcpStream, target: &str, trigger: &str, hook: Hook, triggered: Arc<AtomicBool>) {
    let Ok(server) = TcpStream::connect(target) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let (mut c_read, mut s_write) = (client.try_clone().expect("clone"), server.try_clone().expect("clone"));
    let (mut s_read, mut c_write) = (server, client);
    let down = thread::spawn(move || {
        let _ = std::io::copy(&mut s_read, &mut c_write);
        let _ = c_write.shutdown(Shutdown::Both);
    });
    let mut buf = vec![0u8; 64 * 1024];
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = match c_read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        tail.extend_from_slice(&buf[..n]);
        if tail.windows(trigger.len()).any(|w| w == trigger.as_bytes()) {
            triggered.store(true, Ordering::SeqCst);
            if let Some(f) = hook.lock().expect("hook").take() {
                f();
            }
            let _ = s_write.shutdown(Shutdown::Both);
            let _ = c_read.shutdown(Shutdown::Both);
            break;
        }
        let keep = tail.len().saturating_sub(trigger.len());
        tail.drain(..keep);
        if s_write.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = down.join();
}
