//! `nipctl web`: the web viewer, shipped inside nipctl and served from IPFS.
//!
//! The viewer's built files (`web/dist`) are compiled in (see `build.rs`).
//! nip lays them out itself as a UnixFS directory
//! ([`nip::unixfs::encode_flat_directory`]: raw leaves, 256 KiB chunks,
//! balanced files, a basic dag-pb directory with its links sorted by name),
//! exactly as `ipfs add -r --cid-version=1` does with Kubo's defaults, so the
//! viewer's CID depends on the nip version only, never on the node's.
//!
//! `nipctl web cid` prints that CID (no node needed). `nipctl web publish
//! [<address>]` puts the directory's blocks on the Kubo node nipctl uses
//! (found as every other command finds it), pins it, and prints the URL
//! that opens the repository through the node's own gateway
//! (`Addresses.Gateway`). `nipctl web serve` (in `serve.rs`) is the local
//! preview that needs no node.

use nip::address::Address;
use nip::block::Block;

include!(concat!(env!("OUT_DIR"), "/web_dist.rs"));

/// The viewer's blocks (its files', then the directory's) and its CID.
pub fn directory() -> Result<(Vec<Block>, cid::Cid), nip::Error> {
    Ok(nip::unixfs::encode_flat_directory(FILES)?)
}

/// The viewer's file at `path` (`index.html`), if it has one.
pub fn file(path: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(n, _)| *n == path).map(|(_, b)| *b)
}

/// `nipctl web cid`.
pub fn cid() -> Result<(), nip::Error> {
    let (_, root) = directory()?;
    println!("{root}");
    Ok(())
}

/// The fragment that opens `address` in the viewer: `#/ipfs/<cid>` or
/// `#/ipns/<name>`.
pub fn fragment(address: &Address) -> Result<String, nip::Error> {
    match address {
        Address::Ipfs(_) | Address::Ipns(_) => Ok(format!("#{address}")),
        Address::New | Address::NewName => {
            Err(nip::Error::Refused(format!("nip::{address} is not a repository yet: push to it first")))
        }
    }
}

/// The `http://host:port` of the first TCP address in the node's
/// `Addresses.Gateway` (a multiaddr or a list of them). A wildcard address
/// (`0.0.0.0`, `::`) is reached on loopback.
fn gateway_origin(client: &nip::kubo::Client) -> Result<String, nip::Error> {
    let value = client.config_get("Addresses.Gateway")?;
    let list: Vec<String> = match &value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    };
    for addr in &list {
        let parts: Vec<&str> = addr.split('/').collect();
        let (proto, host, port) = match parts.as_slice() {
            ["", proto @ ("ip4" | "ip6" | "dns" | "dns4" | "dns6"), host, "tcp", port, ..] => (*proto, *host, *port),
            _ => continue,
        };
        // Port 0 means "any free port": the config does not say which one
        // the gateway got, so it cannot make a URL.
        let Ok(port @ 1..) = port.parse::<u16>() else { continue };
        let host = match (proto, host) {
            ("ip4", "0.0.0.0") => "127.0.0.1".to_string(),
            ("ip6", "::") | ("ip6", "::1") => "[::1]".to_string(),
            ("ip6", h) => format!("[{h}]"),
            (_, h) => h.to_string(),
        };
        // From the node's config: shown to the user, so checked.
        if host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)) {
            return Ok(format!("http://{host}:{port}"));
        }
    }
    Err(nip::Error::Refused(format!(
        "the IPFS node at {} serves no HTTP gateway on a known TCP port (its Addresses.Gateway is {}; \
         port 0 is a random port nip cannot know): set one (`ipfs config Addresses.Gateway /ip4/127.0.0.1/tcp/8080` and restart it), or preview without it: \
         `nipctl web serve <address>`",
        client.endpoint(),
        nip::protocol::one_line(&value.to_string())
    )))
}

/// `nipctl web publish [<address>]`.
pub fn publish(address: Option<&str>) -> Result<(), nip::Error> {
    let parsed = address.map(Address::parse).transpose()?;
    let fragment = parsed.as_ref().map(fragment).transpose()?.unwrap_or_default();
    let client = nip::store::open_node(nip::store::git_config().as_ref(), "publishing the web viewer").map_err(|e| {
        nip::Error::Refused(format!(
            "{e}: start one (`ipfs daemon`, or set nip.api), or preview the repository on this machine without a node: \
             `nipctl web serve <address>`"
        ))
    })?;
    let client = client.with_notes(std::sync::Arc::new(crate::say));
    // Checked first: a node with no gateway URL to print gets nothing added.
    let origin = gateway_origin(&client)?;
    let (blocks, root) = directory()?;
    let bytes: usize = blocks.iter().map(|b| b.data.len()).sum();
    client.block_put_many(&blocks).map_err(|e| nip::Error::from(e).context("adding the web viewer's blocks"))?;
    client.pin_add(&root).map_err(|e| nip::Error::from(e).context(format!("pinning the web viewer /ipfs/{root}")))?;
    crate::say(&format!(
        "the web viewer /ipfs/{root} ({} files, {bytes} bytes in {} blocks) is on the IPFS node at {} and pinned there",
        FILES.len(),
        blocks.len(),
        client.endpoint()
    ));
    println!("{origin}/ipfs/{root}/{fragment}");
    Ok(())
}
