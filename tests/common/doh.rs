//! A DNS-over-HTTP server on loopback that answers TXT queries from a table
//! the test fills: how the tests give Kubo DNSLink records without touching
//! real DNS (Kubo's `DNS.Resolvers` maps a domain suffix to it).
//!
//! It speaks RFC 8484 POSTs, one per connection, and knows only TXT: other
//! questions get an empty answer, unknown names NXDOMAIN.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

type Table = Arc<Mutex<HashMap<String, String>>>;

pub struct Doh {
    /// `http://127.0.0.1:<port>/dns-query`.
    pub url: String,
    table: Table,
}

impl Doh {
    pub fn start() -> Doh {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind doh");
        let port = listener.local_addr().expect("doh addr").port();
        let table: Table = Arc::default();
        let t = table.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { break };
                let t = t.clone();
                thread::spawn(move || {
                    let _ = serve(conn, &t);
                });
            }
        });
        Doh { url: format!("http://127.0.0.1:{port}/dns-query"), table }
    }

    /// Answers TXT queries for `name` (e.g. `_dnslink.repo.nip.test`) with `txt`.
    pub fn set_txt(&self, name: &str, txt: &str) {
        self.table.lock().expect("doh table").insert(name.trim_end_matches('.').to_ascii_lowercase(), txt.to_string());
    }
}

fn serve(mut conn: TcpStream, table: &Table) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head_end, len) = loop {
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                .unwrap_or(0);
            break (i + 4, len);
        }
    };
    while buf.len() < head_end + len {
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let answer = answer(&buf[head_end..head_end + len], table).unwrap_or_default();
    let mut resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        answer.len()
    )
    .into_bytes();
    resp.extend_from_slice(&answer);
    conn.write_all(&resp)
}

/// The DNS answer to `query`, or `None` if it is not one.
fn answer(query: &[u8], table: &Table) -> Option<Vec<u8>> {
    let mut at = 12;
    let mut labels = Vec::new();
    loop {
        let l = *query.get(at)? as usize;
        at += 1;
        if l == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(query.get(at..at + l)?).to_ascii_lowercase());
        at += l;
    }
    let qtype = u16::from_be_bytes([*query.get(at)?, *query.get(at + 1)?]);
    let question = query.get(12..at + 4)?;
    let name = labels.join(".");
    let txt = table.lock().ok()?.get(&name).cloned();
    let mut out = Vec::new();
    out.extend_from_slice(&query[0..2]);
    let rcode = if txt.is_none() { 3 } else { 0 };
    out.extend_from_slice(&[0x81, 0x80 | rcode]);
    let answers = u16::from(txt.is_some() && qtype == 16);
    for v in [1u16, answers, 0, 0] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(question);
    if let (Some(txt), 1) = (txt, answers) {
        out.extend_from_slice(&[0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 60]);
        let data: Vec<u8> =
            txt.as_bytes().chunks(255).flat_map(|c| std::iter::once(c.len() as u8).chain(c.iter().copied())).collect();
        out.extend_from_slice(&(data.len() as u16).to_be_bytes());
        out.extend_from_slice(&data);
    }
    Some(out)
}
