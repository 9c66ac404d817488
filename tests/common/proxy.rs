//! A loopback TCP proxy that cuts the line, or goes silent, when it sees a
//! given request.
//!
//! Put in front of a Kubo API, it forwards everything until the client sends
//! a request whose text contains `trigger` (say `POST /api/v0/dag/import`),
//! then calls `on_trigger` (the test kills the daemon there) and closes the
//! connection: a node dying in the middle of a push, deterministically.
//! [`CutProxy::stall`] instead holds every such request unanswered until the
//! proxy is dropped: a node that never answers a name lookup.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

pub struct CutProxy {
    /// `/ip4/127.0.0.1/tcp/<port>` of the proxy.
    pub api: String,
    pub triggered: Arc<AtomicBool>,
    /// Set on drop: stalled requests end.
    stop: Arc<AtomicBool>,
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

type Hook = Arc<Mutex<Option<Box<dyn FnOnce() + Send>>>>;

impl CutProxy {
    /// Proxies to `target` (`127.0.0.1:port`).
    pub fn start(target: String, trigger: &'static str, on_trigger: Box<dyn FnOnce() + Send>) -> CutProxy {
        CutProxy::run(target, trigger, Some(on_trigger))
    }

    /// Proxies to `target`, holding every request that contains `trigger`
    /// unanswered (for up to two minutes, or until dropped).
    pub fn stall(target: String, trigger: &'static str) -> CutProxy {
        CutProxy::run(target, trigger, None)
    }

    fn run(target: String, trigger: &'static str, on_trigger: Option<Box<dyn FnOnce() + Send>>) -> CutProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let triggered = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let stall = on_trigger.is_none();
        let hook: Hook = Arc::new(Mutex::new(on_trigger));
        let (t, st) = (triggered.clone(), stop.clone());
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                let (target, hook, t, st) = (target.clone(), hook.clone(), t.clone(), st.clone());
                thread::spawn(move || serve(client, &target, trigger, hook, t, stall.then_some(st)));
            }
        });
        CutProxy { api: format!("/ip4/127.0.0.1/tcp/{port}"), triggered, stop }
    }
}

fn serve(client: TcpStream, target: &str, trigger: &str, hook: Hook, triggered: Arc<AtomicBool>, stall: Option<Arc<AtomicBool>>) {
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
            if let Some(stop) = &stall {
                let until = std::time::Instant::now() + std::time::Duration::from_secs(120);
                while !stop.load(Ordering::SeqCst) && std::time::Instant::now() < until {
                    thread::sleep(std::time::Duration::from_millis(50));
                }
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
