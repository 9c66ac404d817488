//! Finding the Kubo node, the way Kubo's own clients do. First match wins:
//!
//! 1. git config `nip.api` (`git -c`, repository, global, system: see
//!    [`crate::config`])
//! 2. env `NIP_IPFS_API`, then `IPFS_API`
//! 3. the `$IPFS_PATH/api` file (default `~/.ipfs/api`), written by a running daemon
//! 4. `/ip4/127.0.0.1/tcp/5001`
//!
//! An address is a multiaddr (`/ip4/…/tcp/…`, `/ip6/…`, `/dns/…`, `/unix/<path>`)
//! or an `http://host:port` or `https://host:port` URL (TLS by rustls, the
//! server checked against the platform's root certificates). Credentials for
//! `API.Authorizations` come from git config `nip.apiAuth` or env
//! `NIP_IPFS_API_AUTH`, as `basic:user:pass` or `bearer:token`, or from a
//! URL's `http://user:pass@host:port` (as curl takes them; percent-escapes
//! decoded; `nip.apiAuth` wins over them).
//!
//! Secrets never reach a message or a log: credentials are sent only as an
//! `Authorization` header marked sensitive (debug and trace output show
//! `Sensitive`); the [`Endpoint`] keeps no `user:pass@`, so every error and
//! log line names the node without it, and an address too malformed to use
//! is echoed with its credentials replaced by `***`. A credential with a
//! line break or another control character inside (surrounding whitespace,
//! a trailing newline of a pasted token, is trimmed) is refused as a bad
//! setting, naming where it came from, never what it holds.

use std::path::PathBuf;

/// Where the RPC API listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `http://host:port` or `https://host:port`, no trailing slash.
    Http(String),
    /// A Unix socket path.
    Unix(PathBuf),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Http(u) => write!(f, "{u}"),
            Endpoint::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

/// The API to talk to, and where that choice came from.
#[derive(Clone, Debug)]
pub struct Api {
    pub endpoint: Endpoint,
    /// For messages: `git config nip.api`, `NIP_IPFS_API`, `/home/u/.ipfs/api`, `default`.
    pub source: String,
    /// The Authorization header value, if any.
    pub auth: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{input:?} (from {from}) is not an IPFS API address: use a multiaddr like /ip4/127.0.0.1/tcp/5001 or /unix/<path>, or http(s)://host:port")]
    BadAddress { input: String, from: String },
    #[error("{from} is not a valid API credential: {why}")]
    BadAuth { from: String, why: &'static str },
    #[error("{why}")]
    Setting { why: String },
}

const AUTH_FORMS: &str = "use basic:<user>:<password> or bearer:<token>";

/// `s` with the `user:pass@` of a URL replaced by `***@`, for messages.
pub fn redact(s: &str) -> String {
    match split_userinfo(s.trim()) {
        Some((scheme, Some(_), rest)) => format!("{scheme}://***@{rest}"),
        _ => s.trim().to_string(),
    }
}

/// An http(s) URL cut into scheme, userinfo (if any) and the rest.
fn split_userinfo(s: &str) -> Option<(&str, Option<&str>, &str)> {
    let (scheme, rest) = s.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => Some((scheme, Some(&rest[..at]), &rest[at + 1..])),
        None => Some((scheme, None, rest)),
    }
}

/// `%xx` escapes decoded (a URL's userinfo); `None` if that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).and_then(|c| hex(*c)), b.get(i + 2).and_then(|c| hex(*c))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Parses a multiaddr or URL into an endpoint (a URL's credentials are
/// dropped: [`parse_api`] keeps them).
pub fn parse_endpoint(s: &str) -> Option<Endpoint> {
    parse_api(s).map(|(e, _)| e)
}

/// Parses a multiaddr or URL into an endpoint and the `user:pass` of the
/// URL, if it has one (percent-escapes decoded).
pub fn parse_api(s: &str) -> Option<(Endpoint, Option<String>)> {
    let s = s.trim();
    if let Some((scheme, userinfo, rest)) = split_userinfo(s) {
        let hostport = rest.trim_end_matches('/').trim_end_matches("/api/v0");
        if hostport.is_empty() {
            return None;
        }
        let userinfo = match userinfo {
            Some(u) => Some(percent_decode(u)?),
            None => None,
        };
        return Some((Endpoint::Http(format!("{scheme}://{hostport}")), userinfo));
    }
    parse_multiaddr(s).map(|e| (e, None))
}

fn parse_multiaddr(s: &str) -> Option<Endpoint> {
    if let Some(path) = s.strip_prefix("/unix/") {
        return (!path.is_empty()).then(|| Endpoint::Unix(PathBuf::from(format!("/{path}"))));
    }
    let parts: Vec<&str> = s.split('/').collect();
    // "", proto, host, "tcp", port [, "http"]
    if parts.len() < 5 || !parts[0].is_empty() || parts[3] != "tcp" {
        return None;
    }
    let port: u16 = parts[4].parse().ok()?;
    let host = match parts[1] {
        "ip4" | "dns" | "dns4" | "dns6" => parts[2].to_string(),
        "ip6" => format!("[{}]", parts[2]),
        _ => return None,
    };
    if parts.len() > 5 && !(parts.len() == 6 && parts[5] == "http") {
        return None;
    }
    Some(Endpoint::Http(format!("http://{host}:{port}")))
}

fn auth_header(v: &str, source: &str) -> Result<String, DiscoverError> {
    let bad = |why| DiscoverError::BadAuth { from: source.to_string(), why };
    let v = v.trim();
    if v.chars().any(|c| c.is_control()) {
        return Err(bad(
            "it holds a line break or another control character, which an HTTP header cannot carry; set it again without one",
        ));
    }
    if let Some(token) = v.strip_prefix("bearer:") {
        return Ok(format!("Bearer {token}"));
    }
    if let Some(userpass) = v.strip_prefix("basic:") {
        if userpass.contains(':') {
            return Ok(basic(userpass));
        }
    }
    Err(bad(AUTH_FORMS))
}

fn basic(userpass: &str) -> String {
    format!("Basic {}", base64(userpass.as_bytes()))
}

/// Standard base64 with padding (RFC 4648), as HTTP Basic wants it: the
/// same implementation that decodes `routing/get`'s records.
fn base64(data: &[u8]) -> String {
    cid::multibase::Base::Base64Pad.encode(data)
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.trim().is_empty())
}

/// Finds the API from git config (read by [`crate::config::Settings`]: `git
/// -c`, repository, global, system) and the environment.
pub fn find(config: Option<&crate::config::Settings>) -> Result<Api, DiscoverError> {
    let none = crate::config::Settings::default();
    let settings = config.unwrap_or(&none);
    let get = |k: &str, envs: &[&str]| settings.get(k, envs).map_err(|why| DiscoverError::Setting { why });
    let ipfs_path = env("IPFS_PATH").map(PathBuf::from).or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".ipfs")));
    let api_file = ipfs_path.map(|p| p.join("api"));
    let (input, source) = if let Some(v) = get("nip.api", &["NIP_IPFS_API", "IPFS_API"])? {
        (v.text, v.from)
    } else if let Some((v, f)) = api_file.as_ref().and_then(|f| std::fs::read_to_string(f).ok().map(|v| (v, f))) {
        (v, f.display().to_string())
    } else {
        ("/ip4/127.0.0.1/tcp/5001".to_string(), "the default address".to_string())
    };
    let (endpoint, userinfo) =
        parse_api(&input).ok_or_else(|| DiscoverError::BadAddress { input: redact(&input), from: source.clone() })?;
    let auth = match (get("nip.apiAuth", &["NIP_IPFS_API_AUTH"])?, userinfo) {
        (Some(v), _) => Some(auth_header(&v.text, &v.from)?),
        (None, Some(userpass)) => {
            if userpass.chars().any(|c| c.is_control()) {
                return Err(DiscoverError::BadAuth {
                    from: format!("the user:password in {source}"),
                    why: "it holds a control character, which an HTTP header cannot carry",
                });
            }
            Some(basic(&userpass))
        }
        (None, None) => None,
    };
    Ok(Api { endpoint, source, auth })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let h = |s: &str| Some(Endpoint::Http(s.to_string()));
        assert_eq!(parse_endpoint("/ip4/127.0.0.1/tcp/5001"), h("http://127.0.0.1:5001"));
        assert_eq!(parse_endpoint("/ip4/127.0.0.1/tcp/5001/http"), h("http://127.0.0.1:5001"));
        assert_eq!(parse_endpoint("/ip6/::1/tcp/5001"), h("http://[::1]:5001"));
        assert_eq!(parse_endpoint("/dns/localhost/tcp/80"), h("http://localhost:80"));
        assert_eq!(parse_endpoint("http://127.0.0.1:5001/"), h("http://127.0.0.1:5001"));
        assert_eq!(parse_endpoint("/unix/run/ipfs.sock"), Some(Endpoint::Unix("/run/ipfs.sock".into())));
        for bad in ["", "/ip4/1.2.3.4", "/ip4/1.2.3.4/udp/1", "/ip4/x/tcp/notaport", "foo"] {
            assert_eq!(parse_endpoint(bad), None, "{bad}");
        }
    }

    #[test]
    fn credentials_in_urls_are_kept_apart() {
        let (e, u) = parse_api("http://user:p%40ss@127.0.0.1:5001/api/v0").unwrap();
        assert_eq!((e.to_string(), u.as_deref()), ("http://127.0.0.1:5001".to_string(), Some("user:p@ss")));
        assert_eq!(parse_api("https://h:1").unwrap(), (Endpoint::Http("https://h:1".into()), None));
        assert_eq!(parse_endpoint("http://a:b@h:1"), Some(Endpoint::Http("http://h:1".into())));
        assert_eq!(parse_endpoint("http://a:secret@"), None);
        assert_eq!(redact("http://a:secret@"), "http://***@");
        assert_eq!(redact(" http://a:secret@h:1/x@y "), "http://***@h:1/x@y");
        assert_eq!(redact("/ip4/1.2.3.4/tcp/1"), "/ip4/1.2.3.4/tcp/1");
    }

    #[test]
    fn auth() {
        assert_eq!(auth_header("basic:user:pass", "x").unwrap(), "Basic dXNlcjpwYXNz");
        assert_eq!(auth_header("bearer:tok", "x").unwrap(), "Bearer tok");
        assert!(auth_header("user:pass", "x").is_err());
        assert_eq!(auth_header(" bearer:tok\n", "x").unwrap(), "Bearer tok");
        let err = auth_header("bearer:zzSECRET\nzz", "NIP_IPFS_API_AUTH").unwrap_err().to_string();
        assert!(err.starts_with("NIP_IPFS_API_AUTH is not a valid") && err.contains("line break"), "{err}");
        assert!(!err.contains("SECRET"), "{err}");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"abc\xff"), "YWJj/w==");
    }

    /// An `https://` API address is spoken to in TLS (reqwest's rustls,
    /// the platform's roots), not refused as a scheme the client lacks: the
    /// listener gets a ClientHello, and the error is the failed handshake.
    #[test]
    fn https_addresses_speak_tls() {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut first = [0u8; 3];
            conn.read_exact(&mut first).unwrap();
            first
        });
        let endpoint = parse_endpoint(&format!("https://127.0.0.1:{port}")).unwrap();
        let api = Api { endpoint, source: "a test".into(), auth: None };
        let err = crate::kubo::client::Client::new(api).unwrap().version().unwrap_err().to_string();
        assert!(!err.contains("builder") && !err.contains("not supported") && !err.contains("scheme"), "{err}");
        // A TLS record of type handshake (0x16), version 3.x.
        assert_eq!(server.join().unwrap()[..2], [0x16, 0x03]);
    }
}
