//! Finding the Kubo node, the way Kubo's own clients do. First match wins:
//!
//! 1. git config `nip.api`
//! 2. env `NIP_IPFS_API`, then `IPFS_API`
//! 3. the `$IPFS_PATH/api` file (default `~/.ipfs/api`), written by a running daemon
//! 4. `/ip4/127.0.0.1/tcp/5001`
//!
//! An address is a multiaddr (`/ip4/…/tcp/…`, `/ip6/…`, `/dns/…`, `/unix/<path>`)
//! or an `http://host:port` URL. Credentials for `API.Authorizations` come from
//! git config `nip.apiAuth` or env `NIP_IPFS_API_AUTH`, as `basic:user:pass`
//! or `bearer:token`; they are sent as an Authorization header and never logged.

use std::path::PathBuf;

/// Where the RPC API listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `http://host:port`, no trailing slash.
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
    #[error("{input:?} (from {from}) is not an IPFS API address: use a multiaddr like /ip4/127.0.0.1/tcp/5001 or /unix/<path>, or http://host:port")]
    BadAddress { input: String, from: String },
    #[error("{from} is not a valid API credential: use basic:<user>:<password> or bearer:<token>")]
    BadAuth { from: String },
}

/// Parses a multiaddr or URL into an endpoint.
pub fn parse_endpoint(s: &str) -> Option<Endpoint> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix("http://").or_else(|| s.strip_prefix("https://")) {
        let scheme = if s.starts_with("https") { "https" } else { "http" };
        let hostport = rest.trim_end_matches('/').trim_end_matches("/api/v0");
        return (!hostport.is_empty()).then(|| Endpoint::Http(format!("{scheme}://{hostport}")));
    }
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
    if let Some(token) = v.strip_prefix("bearer:") {
        return Ok(format!("Bearer {token}"));
    }
    if let Some(userpass) = v.strip_prefix("basic:") {
        if userpass.contains(':') {
            return Ok(format!("Basic {}", base64(userpass.as_bytes())));
        }
    }
    Err(DiscoverError::BadAuth { from: source.to_string() })
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.trim().is_empty())
}

/// Finds the API from git config (if any) and the environment.
pub fn find(config: Option<&git2::Config>) -> Result<Api, DiscoverError> {
    let git = |k: &str| config.and_then(|c| c.get_string(k).ok()).filter(|v| !v.trim().is_empty());
    let ipfs_path = env("IPFS_PATH").map(PathBuf::from).or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".ipfs")));
    let api_file = ipfs_path.map(|p| p.join("api"));
    let (input, source) = if let Some(v) = git("nip.api") {
        (v, "git config nip.api".to_string())
    } else if let Some(v) = env("NIP_IPFS_API") {
        (v, "NIP_IPFS_API".to_string())
    } else if let Some(v) = env("IPFS_API") {
        (v, "IPFS_API".to_string())
    } else if let Some((v, f)) = api_file.as_ref().and_then(|f| std::fs::read_to_string(f).ok().map(|v| (v, f))) {
        (v, f.display().to_string())
    } else {
        ("/ip4/127.0.0.1/tcp/5001".to_string(), "the default address".to_string())
    };
    let endpoint = parse_endpoint(&input)
        .ok_or_else(|| DiscoverError::BadAddress { input: input.trim().to_string(), from: source.clone() })?;
    let auth = match (git("nip.apiAuth"), env("NIP_IPFS_API_AUTH")) {
        (Some(v), _) => Some(auth_header(&v, "git config nip.apiAuth")?),
        (None, Some(v)) => Some(auth_header(&v, "NIP_IPFS_API_AUTH")?),
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
    fn auth() {
        assert_eq!(auth_header("basic:user:pass", "x").unwrap(), "Basic dXNlcjpwYXNz");
        assert_eq!(auth_header("bearer:tok", "x").unwrap(), "Bearer tok");
        assert!(auth_header("user:pass", "x").is_err());
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
    }
}
