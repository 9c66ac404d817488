//! `nipctl`: administration of nip repositories.
//!
//! `nipctl pin [--rm] <address>` pins a repository on the Kubo node.
//! `nipctl inspect <address>` shows what a repository address holds: the
//! format version, HEAD, every ref, and the object counts by type.
//! `--object <git-hash>` decodes one NIPObject; `--block <cid>` prints any
//! block of the repository; `--json` prints JSON.

use clap::{Parser, Subcommand};
use nip::address::Address;
use nip::format::{self, Links, NipObject};
use nip::objmap::ObjectMap;
use nip::remote::Remote;
use serde_json::json;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "nipctl", version, about = "Administration of nip repositories on IPFS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show a repository: format version, HEAD, refs, object counts.
    Inspect {
        /// nip::/ipfs/<cid>, /ipfs/<cid> or ipfs://<cid>
        address: String,
        /// Decode the NIPObject of this git object instead.
        #[arg(long, value_name = "GIT-HASH")]
        object: Option<String>,
        /// Print any block of the repository (a CID) as DAG-JSON instead.
        #[arg(long, value_name = "CID", conflicts_with = "object")]
        block: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Pin a repository recursively on the IPFS node (or unpin it).
    Pin {
        /// nip::/ipfs/<cid>
        address: String,
        /// Remove the pin instead.
        #[arg(long)]
        rm: bool,
    },
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("NIP_LOG", "warn")).init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect { address, object, block, json } => match block {
            Some(cid) => inspect_block(&address, &cid),
            None => inspect(&address, object.as_deref(), json),
        },
        Command::Pin { address, rm } => pin(&address, rm),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nipctl: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn inspect(address: &str, object: Option<&str>, as_json: bool) -> Result<(), nip::Error> {
    let address = Address::parse(address)?;
    if address.cid().is_none() {
        return Err(nip::Error::Other("nip::new-ipfs is not a repository yet: push to it first".into()));
    }
    let store = nip::store::open_here()?;
    let remote = Remote::open(store.as_ref(), address)?;
    let Some((cid, index)) = &remote.index else { unreachable!("address has a CID") };
    if let Some(oid) = object {
        return inspect_object(&remote, oid, as_json);
    }
    if as_json {
        let refs: serde_json::Map<String, serde_json::Value> =
            index.refs.iter().map(|(n, h)| (n.clone(), json!(h.to_string()))).collect();
        let out = json!({
            "address": remote.url(),
            "index": cid.to_string(),
            "format": format::VERSION,
            "head": index.head,
            "prev": index.prev.map(|c| c.to_string()),
            "refs": refs,
            "objects": {
                "map": index.objects.to_string(),
                "commit": index.counts.commit,
                "tree": index.counts.tree,
                "blob": index.counts.blob,
                "tag": index.counts.tag,
                "total": index.counts.total(),
            },
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(());
    }
    println!("address:  {}", remote.url());
    println!("format:   nip version {}", format::VERSION);
    println!("HEAD:     {}", index.head.as_deref().unwrap_or("(none)"));
    match index.prev {
        Some(p) => println!("previous: nip::/ipfs/{p}"),
        None => println!("previous: (none: first push)"),
    }
    let c = index.counts;
    println!(
        "objects:  {} ({} commits, {} trees, {} blobs, {} tags) in map {}",
        c.total(),
        c.commit,
        c.tree,
        c.blob,
        c.tag,
        index.objects
    );
    println!("refs:     {}", index.refs.len());
    for (name, hash) in &index.refs {
        println!("  {hash} {name}");
    }
    Ok(())
}

fn inspect_object(remote: &Remote<'_>, oid: &str, as_json: bool) -> Result<(), nip::Error> {
    let git = git2::Oid::from_str(oid).map_err(|_| nip::Error::Other(format!("{oid:?} is not a git object id")))?;
    let Some((_, index)) = &remote.index else { return Ok(()) };
    let map = ObjectMap::new(&remote.blocks, index.objects);
    let hash = format::Hash::from(git);
    let cid = map.lookup_many(&[hash])?[0].ok_or(nip::Error::MissingObject { oid: oid.to_string() })?;
    let object = NipObject::from_block(&cid, &remote.blocks.get(&cid)?)?;
    let links = match &object.links {
        Links::Commit { tree, parents } => {
            json!({"tree": tree.to_string(), "parents": parents.iter().map(|p| p.to_string()).collect::<Vec<_>>()})
        }
        Links::Tree { entries } => {
            json!({"entries": entries.iter().map(|(m, h)| json!([format!("{m:o}"), h.to_string()])).collect::<Vec<_>>()})
        }
        Links::Blob => json!({}),
        Links::Tag { target } => json!({"target": target.to_string()}),
    };
    let out = json!({
        "nipobject": cid.to_string(),
        "format": format::VERSION,
        "oid": object.oid.to_string(),
        "type": object.kind().name(),
        "size": object.size,
        "data": object.data.to_string(),
        "links": links,
    });
    if as_json {
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        println!("NIPObject {cid} (nip version {})", format::VERSION);
        println!("  {} {} ({} bytes), data /ipfs/{}", object.kind().name(), object.oid, object.size, object.data);
        for child in object.children() {
            println!("  -> {child}");
        }
    }
    Ok(())
}

/// Prints a block in the shape of DAG-JSON: links as `{"/": cid}`, byte
/// strings as `{"/": {"bytes": <hex>}}` (hex, not DAG-JSON's base64, since
/// every byte string nip writes is a git hash); raw and dag-pb blocks as
/// their size.
fn inspect_block(address: &str, cid: &str) -> Result<(), nip::Error> {
    let _ = Address::parse(address)?;
    let cid = cid::Cid::try_from(cid.trim_start_matches("/ipfs/"))
        .map_err(|e| nip::Error::Other(format!("{cid:?} is not a CID: {e}")))?;
    let store = nip::store::open_here()?;
    let bytes = nip::store::Verified::new(store.as_ref()).get(&cid)?;
    if cid.codec() != nip::block::DAG_CBOR {
        println!("{}", json!({"cid": cid.to_string(), "codec": format!("0x{:x}", cid.codec()), "size": bytes.len()}));
        return Ok(());
    }
    let ipld: ipld_core::ipld::Ipld = serde_ipld_dagcbor::from_slice(&bytes)
        .map_err(|e| nip::Error::Other(format!("block {cid} is not valid DAG-CBOR: {e}")))?;
    println!("{}", serde_json::to_string_pretty(&dag_json(&ipld)).unwrap_or_default());
    Ok(())
}

fn dag_json(v: &ipld_core::ipld::Ipld) -> serde_json::Value {
    use ipld_core::ipld::Ipld;
    match v {
        Ipld::Null => serde_json::Value::Null,
        Ipld::Bool(b) => json!(b),
        Ipld::Integer(i) => json!(*i as i64),
        Ipld::Float(f) => json!(f),
        Ipld::String(s) => json!(s),
        Ipld::Bytes(b) => json!({"/": {"bytes": hex(b)}}),
        Ipld::List(l) => serde_json::Value::Array(l.iter().map(dag_json).collect()),
        Ipld::Map(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), dag_json(v))).collect()),
        Ipld::Link(c) => json!({"/": c.to_string()}),
    }
}

/// Bytes shown as hex: every byte string nip writes is a git hash.
fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn pin(address: &str, rm: bool) -> Result<(), nip::Error> {
    let address = Address::parse(address)?;
    let cid = address.cid().ok_or_else(|| nip::Error::Other("nip::new-ipfs is not a repository yet: push to it first".into()))?;
    let config = nip::store::git_config();
    let api = nip::kubo::find(config.as_ref()).map_err(|e| nip::Error::Other(e.to_string()))?;
    let client = nip::kubo::Client::new(api).map_err(|e| nip::Error::Other(e.to_string()))?;
    let fail = |e: nip::kubo::KuboError| nip::Error::Other(e.to_string());
    client.version().map_err(|e| nip::Error::Other(format!("{e}; pinning needs a running IPFS node")))?;
    if rm {
        client.pin_rm(&cid).map_err(fail)?;
        println!("unpinned nip::{address} on the IPFS node at {}; `ipfs repo gc` may now remove its blocks", client.endpoint());
    } else {
        // Check it is a nip repository before pinning what could be anything.
        let store = nip::store::kubo::KuboStore::new(client.clone());
        Remote::open(&store, address.clone())?;
        client.pin_add(&cid).map_err(fail)?;
        println!("pinned nip::{address} recursively on the IPFS node at {}: every block of it stays there", client.endpoint());
    }
    Ok(())
}
