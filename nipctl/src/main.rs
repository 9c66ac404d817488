//! `nipctl`: administration of nip repositories.
//!
//! `nipctl pin [--rm] <address>` pins a repository on the Kubo node;
//! `--service <name>` pins it on a remote pinning service instead (and
//! `--service <name> --list` lists what nip pinned there).
//! `nipctl inspect <address>` shows what a repository address holds: the
//! format version, HEAD, every ref, and the object counts by type.
//! `--object <git-hash>` decodes one NIPObject; `--block <cid>` prints any
//! block of the repository; `--json` prints JSON.
//! `nipctl log <address>` lists the indexes a repository went through.
//! `nipctl head <address> <branch>` points HEAD at another branch.
//! `nipctl key list|export|import` moves a repository's IPNS key between
//! nodes. `nipctl web cid|publish|serve` ships the web viewer: its CID, on
//! the node with a URL that opens a repository, or a local preview. Every
//! command takes `/ipfs/` and `/ipns/` addresses alike.

// The doc comments of the command line are clap's help text, where `<cid>`
// is what a user reads, not HTML.
#![allow(rustdoc::invalid_html_tags)]

mod serve;
mod watch;
mod web;

use clap::{Parser, Subcommand};
use nip::address::Address;
use nip::format::{self, Links, NipObject};
use nip::objmap::ObjectMap;
use nip::remote::Remote;
use nip::store::{BlockStore, Opened};
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
        /// With --object: print the object's content (as `git cat-file -p` would see its bytes).
        #[arg(long, requires = "object")]
        content: bool,
        /// Print any block of the repository (a CID) as DAG-JSON instead.
        #[arg(long, value_name = "CID", conflicts_with = "object")]
        block: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Pin a repository recursively on the IPFS node (or unpin it), or on
    /// a remote pinning service (--service).
    Pin {
        /// nip::/ipfs/<cid> or nip::/ipns/<name> (pins where it points now)
        #[arg(required_unless_present = "list")]
        address: Option<String>,
        /// Remove the pin instead.
        #[arg(long, conflicts_with = "list")]
        rm: bool,
        /// Pin on this remote pinning service (as `ipfs pin remote service
        /// add` names it, or git config nip.pinService.<name>.endpoint)
        /// instead of the node, and wait until it says pinned
        /// (nip.pinTimeout, 300 s).
        #[arg(long, value_name = "NAME")]
        service: Option<String>,
        /// With --service: list what nip pinned there.
        #[arg(long, requires = "service", conflicts_with = "address")]
        list: bool,
    },
    /// Follow a name: print each new index its pusher announces (Kubo's
    /// pubsub), each checked (signed for the name, a higher sequence, a
    /// descendant of the last) before it is printed.
    Watch {
        /// nip::/ipns/<name>
        address: String,
        /// Also fetch each new index into the repository here (the remote
        /// whose URL is the address, or --remote).
        #[arg(long)]
        fetch: bool,
        /// The remote --fetch updates.
        #[arg(long)]
        remote: Option<String>,
        /// Stop after this many new indexes.
        #[arg(long)]
        count: Option<u64>,
    },
    /// List the indexes a repository went through, newest first.
    Log {
        /// nip::/ipfs/<cid> or nip::/ipns/<name>
        address: String,
        /// Show at most this many.
        #[arg(short = 'n', long, default_value_t = 20)]
        max: usize,
    },
    /// Point the repository's HEAD (the branch a clone checks out) at
    /// another branch: writes a new index, the same refs and objects.
    Head {
        /// nip::/ipfs/<cid> (prints the new address) or nip::/ipns/<name>
        /// (publishes it; needs the name's key)
        address: String,
        /// A branch the repository has: main or refs/heads/main
        branch: String,
    },
    /// Rewrite a format 2 repository as one pack of all its objects (after
    /// many small pushes): a new index, the same refs and HEAD.
    Repack {
        /// nip::/ipfs/<cid> (prints the new address) or nip::/ipns/<name>
        /// (publishes it; needs the name's key)
        address: String,
    },
    /// The node's IPNS keys: one per repository published under a name.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// The web viewer that ships with nip: read a repository in a browser,
    /// every block checked there against its CID.
    Web {
        #[command(subcommand)]
        command: WebCommand,
    },
}

#[derive(Subcommand)]
enum WebCommand {
    /// Print the viewer's CID (a UnixFS directory; the same for every build
    /// of this nip version). Needs no node.
    Cid,
    /// Add the viewer to the IPFS node and pin it; print the URL that opens
    /// the repository through the node's gateway.
    Publish {
        /// nip::/ipfs/<cid> or nip::/ipns/<name> (without: the viewer's own URL)
        address: Option<String>,
    },
    /// Serve the viewer for a repository, and the blocks of the store nip
    /// uses here (the embedded store needs no node), on loopback under the
    /// secret path of the printed URL, until Ctrl-C.
    Serve {
        /// nip::/ipfs/<cid> or nip::/ipns/<name>
        address: String,
        /// Where to listen: a loopback address and port (0: any free port).
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: String,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// List the node's keys and their names (k51…).
    List,
    /// Write a key to a file (mode 0600), to import it on another node.
    Export {
        /// The key's name in the keystore, its k51… name, or nip::/ipns/<k51…>
        key: String,
        /// Where to write it (default: <key name>.key). Never overwritten.
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
    },
    /// Import a key written by `nipctl key export` (or `ipfs key export`).
    Import {
        file: std::path::PathBuf,
        /// Its name in the keystore (default: the file name without .key).
        #[arg(long)]
        name: Option<String>,
    },
}

fn main() -> ExitCode {
    // Die quietly on a closed pipe (`nipctl log … | head`), as Unix tools do.
    // SAFETY: called first, before any thread starts.
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("NIP_LOG", "warn")).init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect { address, object, block, json, content } => match block {
            Some(cid) => inspect_block(&address, &cid),
            None => inspect(&address, object.as_deref(), json, content),
        },
        Command::Pin { address, rm, service, list } => match (service, address) {
            (Some(service), _) if list => pin_list(&service),
            (Some(service), Some(address)) => pin_service(&address, &service, rm),
            (None, Some(address)) => pin(&address, rm),
            (_, None) => Err(nip::Error::Refused("nipctl pin needs an address (or --service <name> --list)".into())),
        },
        Command::Log { address, max } => log(&address, max),
        Command::Watch { address, fetch, remote, count } => watch::watch(&address, fetch, remote.as_deref(), count),
        Command::Head { address, branch } => head(&address, &branch),
        Command::Repack { address } => repack(&address),
        Command::Key { command } => match command {
            KeyCommand::List => key_list(),
            KeyCommand::Export { key, output } => key_export(&key, output),
            KeyCommand::Import { file, name } => key_import(&file, name),
        },
        Command::Web { command } => match command {
            WebCommand::Cid => web::cid(),
            WebCommand::Publish { address } => web::publish(address.as_deref()),
            WebCommand::Serve { address, listen } => serve::serve(&address, &listen),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A message can quote what an address holds: shown inert.
            eprintln!("nipctl: error: {}", nip::protocol::for_terminal(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// Says one line of the library's on stderr, after `nip: `, shown inert.
/// (Not eprintln!, which panics if stderr is gone.)
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "nip: {}", nip::protocol::for_terminal(line));
}

/// Opens the store for an address (a node if it is a name), saying what
/// opening it did and, later, what the node waits for.
fn open_store(address: &Address) -> Result<Opened, nip::Error> {
    let opened = nip::store::open_here(address.is_name(), Some(std::sync::Arc::new(say)))?;
    for note in &opened.notes {
        say(&note.to_string());
    }
    Ok(opened)
}

/// The node of an opened store, for a name.
fn node_of(opened: &Opened) -> Result<&nip::kubo::Client, nip::Error> {
    opened.node.as_ref().ok_or_else(|| nip::Error::Refused("IPNS names need an IPFS node".into()))
}

/// The store for `address` and the index it stands for now (a name is
/// resolved; its record's sequence number comes along).
fn open(address: &str) -> Result<(Opened, Address, cid::Cid, Option<u64>), nip::Error> {
    let address = Address::parse(address)?;
    let opened = open_store(&address)?;
    let (index, sequence) = match &address {
        Address::Ipfs(c) => (*c, None),
        Address::Ipns(name) => nip::ipns::resolve(node_of(&opened)?, name)?,
        Address::New | Address::NewName => {
            return Err(nip::Error::Refused(format!("nip::{address} is not a repository yet: push to it first")))
        }
    };
    Ok((opened, address, index, sequence))
}

fn inspect(address: &str, object: Option<&str>, as_json: bool, content: bool) -> Result<(), nip::Error> {
    let (opened, address, index, sequence) = open(address)?;
    let remote = Remote::open_index(opened.store.as_ref(), address.clone(), Some(index))?;
    let Some((cid, index)) = &remote.index else { unreachable!("opened with an index") };
    if let Some(oid) = object {
        return inspect_object(&remote, oid, as_json, content);
    }
    let packs = match index.v2.and_then(|l| l.packs) {
        Some(root) => nip::records::read_packs(&remote.blocks, &root)?,
        None => Vec::new(),
    };
    if as_json {
        let refs: serde_json::Map<String, serde_json::Value> =
            index.refs.iter().map(|(n, h)| (n.clone(), json!(h.to_string()))).collect();
        let out = json!({
            "address": remote.url(),
            "index": cid.to_string(),
            "sequence": sequence,
            "format": index.version(),
            "packs": packs.iter().map(|p| json!({
                "pack": p.pack.to_string(),
                "bytes": p.bytes,
                "objects": p.objects,
                "tips": p.tips.as_ref().map(|t| t.iter().map(|h| h.to_string()).collect::<Vec<_>>()),
                "tipset": p.tipset.map(|c| c.to_string()),
            })).collect::<Vec<_>>(),
            "head": index.head,
            "previous": index.prev.map(|c| c.to_string()),
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
    if address.is_name() {
        let seq = sequence.map(|s| format!(" (sequence {s})")).unwrap_or_default();
        println!("index:    nip::/ipfs/{cid}{seq}");
    }
    println!("format:   nip version {}", index.version());
    println!("HEAD:     {}", index.head.as_deref().unwrap_or("(none)"));
    if index.v2.is_some() {
        let bytes: u64 = packs.iter().map(|p| p.bytes).fold(0, u64::saturating_add);
        println!("packs:    {} ({bytes} bytes)", packs.len());
    }
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

fn inspect_object(remote: &Remote<'_>, oid: &str, as_json: bool, content: bool) -> Result<(), nip::Error> {
    let git = git2::Oid::from_str(oid).map_err(|_| nip::Error::Refused(format!("{oid:?} is not a git object id")))?;
    let Some((_, index)) = &remote.index else { return Ok(()) };
    if index.v2.is_some() {
        if content {
            let limits = nip::packread::ReadLimits::default();
            let (_, _, bytes) = nip::packread::read_by_hash(&remote.blocks, index, format::Hash::from(git), &limits)?
                .ok_or(nip::Error::NotInRepository { oid: oid.to_string() })?;
            use std::io::Write;
            return std::io::stdout().write_all(&bytes).map_err(nip::Error::from);
        }
        return inspect_record(remote, index, git, as_json);
    }
    if content {
        return Err(nip::Error::Refused("--content reads format 2 repositories; this one is format 1".into()));
    }
    let map = ObjectMap::new(&remote.blocks, index.objects);
    let hash = format::Hash::from(git);
    let cid = map.lookup_many(&[hash])?[0].ok_or(nip::Error::NotInRepository { oid: oid.to_string() })?;
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

/// A format 2 object: its record (type, size, links) and where its bytes
/// are (pack and offset).
fn inspect_record(remote: &Remote<'_>, index: &nip::format::NipIndex, oid: git2::Oid, as_json: bool) -> Result<(), nip::Error> {
    use nip::records::RecordLinks;
    let map = nip::records::object_map(&remote.blocks, index);
    let hash = format::Hash::from(oid);
    let record = map.lookup_many(&[hash.0])?.pop().flatten().ok_or(nip::Error::NotInRepository { oid: oid.to_string() })?;
    let packs = match index.v2.and_then(|l| l.packs) {
        Some(root) => nip::records::read_packs(&remote.blocks, &root)?,
        None => Vec::new(),
    };
    let pack = packs.get(record.pack as usize).ok_or_else(|| {
        nip::Error::Refused(format!("the record of {oid} names pack {}, and the repository has {}", record.pack, packs.len()))
    })?;
    let links = match &record.links {
        RecordLinks::Commit(c) => {
            json!({"tree": c.tree.to_string(), "parents": c.parents.iter().map(|p| p.to_string()).collect::<Vec<_>>()})
        }
        RecordLinks::Tag { target } => json!({"target": target.to_string()}),
        RecordLinks::None => json!({}),
    };
    let out = json!({
        "format": index.version(),
        "oid": record.oid.to_string(),
        "type": record.kind.name(),
        "size": record.size,
        "pack": record.pack,
        "pack_cid": pack.pack.to_string(),
        "offset": record.offset,
        "links": links,
    });
    if as_json {
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        println!("NIPObject {} (nip version {})", record.oid, index.version());
        println!(
            "  {} ({} bytes), at offset {} of pack {} (/ipfs/{})",
            record.kind.name(),
            record.size,
            record.offset,
            record.pack,
            pack.pack
        );
        match &record.links {
            RecordLinks::Commit(c) => {
                println!("  -> {}", c.tree);
                for p in &c.parents {
                    println!("  -> {p}");
                }
            }
            RecordLinks::Tag { target } => println!("  -> {target}"),
            RecordLinks::None => {}
        }
    }
    Ok(())
}

/// Prints a block in the shape of DAG-JSON: links as `{"/": cid}`, byte
/// strings as `{"/": {"bytes": <hex>}}` (hex, not DAG-JSON's base64, since
/// every byte string nip writes is a git hash); raw and dag-pb blocks as
/// their size.
fn inspect_block(address: &str, cid: &str) -> Result<(), nip::Error> {
    let address = Address::parse(address)?;
    let cid = cid::Cid::try_from(cid.trim_start_matches("/ipfs/"))
        .map_err(|e| nip::Error::Refused(format!("{cid:?} is not a CID: {e}")))?;
    let opened = open_store(&address)?;
    let bytes = nip::store::Verified::new(opened.store.as_ref()).get(&cid)?;
    if cid.codec() != nip::block::DAG_CBOR {
        println!("{}", json!({"cid": cid.to_string(), "codec": format!("0x{:x}", cid.codec()), "size": bytes.len()}));
        return Ok(());
    }
    let ipld: ipld_core::ipld::Ipld = serde_ipld_dagcbor::from_slice(&bytes)
        .map_err(|e| nip::Error::Refused(format!("block {cid} is not valid DAG-CBOR: {e}")))?;
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

/// The Kubo node, or an error saying that this command needs one.
fn node(why: &str) -> Result<nip::kubo::Client, nip::Error> {
    let client = nip::store::open_node(nip::store::git_config().as_ref(), why)?;
    Ok(client.with_notes(std::sync::Arc::new(say)))
}

fn pin(address: &str, rm: bool) -> Result<(), nip::Error> {
    let client = node("pinning")?;
    let parsed = Address::parse(address)?;
    let cid = match &parsed {
        Address::Ipfs(c) => *c,
        Address::Ipns(name) => nip::ipns::resolve(&client, name)?.0,
        _ => return Err(nip::Error::Refused(format!("nip::{parsed} is not a repository yet: push to it first"))),
    };
    let shown = if parsed.is_name() { format!("nip::{parsed} (nip::/ipfs/{cid})") } else { format!("nip::{parsed}") };
    if rm {
        client.pin_rm(&cid)?;
        println!("unpinned {shown} on the IPFS node at {}; `ipfs repo gc` may now remove its blocks", client.endpoint());
    } else {
        // Check it is a nip repository before pinning what could be anything.
        let store = nip::store::kubo::KuboStore::new(client.clone());
        Remote::open_index(&store, parsed.clone(), Some(cid))?;
        client.pin_add(&cid)?;
        println!("pinned {shown} recursively on the IPFS node at {}: every block of it stays there", client.endpoint());
    }
    Ok(())
}

/// The index an address stands for now, and how to show it.
fn pin_target(client: &nip::kubo::Client, address: &str) -> Result<(Address, cid::Cid, String), nip::Error> {
    let parsed = Address::parse(address)?;
    let cid = match &parsed {
        Address::Ipfs(c) => *c,
        Address::Ipns(name) => nip::ipns::resolve(client, name)?.0,
        _ => return Err(nip::Error::Refused(format!("nip::{parsed} is not a repository yet: push to it first"))),
    };
    let shown = if parsed.is_name() { format!("nip::{parsed} (nip::/ipfs/{cid})") } else { format!("nip::{parsed}") };
    Ok((parsed, cid, shown))
}

/// The pinning service `name`, for the node `client`.
fn pin_client(client: &nip::kubo::Client, name: &str) -> Result<nip::pinning::PinClient, nip::Error> {
    let settings = nip::config::Settings::here();
    let service = nip::pinning::Service::find(&settings, name, Some(client))?;
    Ok(nip::pinning::PinClient::new(service)?)
}

/// `nipctl pin --service`: pins the repository on a remote pinning
/// service, the blocks coming from this node, and waits for `pinned`
/// (or, with `rm`, removes nip's pins of it there).
fn pin_service(address: &str, service: &str, rm: bool) -> Result<(), nip::Error> {
    let client = node("pinning on a pinning service")?;
    let (parsed, cid, shown) = pin_target(&client, address)?;
    let svc = pin_client(&client, service)?;
    if rm {
        let (_, pins) = svc.list(Some(&cid), 1000)?;
        let mine: Vec<_> = pins.into_iter().filter(|p| p.cid == cid.to_string()).collect();
        for p in &mine {
            svc.remove(&p.requestid)?;
        }
        println!(
            "removed {} pin request{} of {shown} from pinning service '{service}'",
            mine.len(),
            if mine.len() == 1 { "" } else { "s" }
        );
        return Ok(());
    }
    let store = nip::store::kubo::KuboStore::new(client.clone());
    Remote::open_index(&store, parsed.clone(), Some(cid))?;
    // The service fetches from this node: it must hold everything.
    client.pin_add(&cid)?;
    let limit = nip::pinning::wait_limit(&nip::config::Settings::here())?;
    let done = nip::pinning::pin_index(&svc, &client, &cid, &format!("nip::{parsed}"), None, limit, &say)?;
    for note in &done.notes {
        say(&format!("warning: {note}"));
    }
    if done.superseded > 0 {
        say(&nip::pinning::superseded_line(service, done.superseded, &cid));
    }
    println!(
        "pinning service '{service}' pinned {shown} (request {}): it no longer needs this machine; it is safe to turn it off",
        done.status.requestid
    );
    Ok(())
}

/// `nipctl pin --service <name> --list`: nip's pins on the service.
fn pin_list(service: &str) -> Result<(), nip::Error> {
    let client = node("listing a pinning service's pins")?;
    let svc = pin_client(&client, service)?;
    let (count, pins) = svc.list(None, 1000)?;
    for p in &pins {
        println!(
            "nip::/ipfs/{}  {:<8} {}  request {}  {}",
            p.cid,
            p.status.as_str(),
            p.created,
            p.requestid,
            p.name.as_deref().unwrap_or("")
        );
    }
    if count as usize > pins.len() {
        println!("({} more not shown)", count as usize - pins.len());
    }
    if pins.is_empty() {
        println!("pinning service '{service}' holds no pin of nip's");
    }
    Ok(())
}

fn log(address: &str, max: usize) -> Result<(), nip::Error> {
    let (opened, _, index, _) = open(address)?;
    let blocks = nip::store::Verified::new(opened.store.as_ref());
    let pinned = |c: &cid::Cid| opened.node.as_ref().map(|n| n.pin_is_recursive(c).unwrap_or(false));
    let mut at = Some(index);
    for _ in 0..max {
        let Some(cid) = at else { break };
        let i = nip::records::read_index(&blocks, &cid)?;
        let head = i.head.as_deref().and_then(|h| i.refs.iter().find(|(n, _)| n == h));
        let head = head.map(|(n, h)| format!("{n} {h}")).unwrap_or_else(|| "(no HEAD)".into());
        let pin = match pinned(&cid) {
            Some(true) => ", pinned here",
            _ => "",
        };
        println!("nip::/ipfs/{cid}  {} refs, {} objects{pin}  {head}", i.refs.len(), i.counts.total());
        at = i.prev;
    }
    if let Some(cid) = at {
        println!("(older: nipctl log nip::/ipfs/{cid})");
    }
    Ok(())
}

/// `nipctl head`: a new index whose HEAD names `branch`. An `/ipfs/`
/// address gets a new address (printed); a name is published anew, if the
/// node holds its key and the name has not moved meanwhile.
/// A name's client, key and current record, for publishing a new index.
type Publish<'a> = Option<(&'a nip::kubo::Client, nip::kubo::names::Key, nip::ipns::Current)>;

/// The index `address` stands for now and, for a name, what publishing a
/// new one needs (the name's key must be here).
fn for_update<'a>(parsed: &Address, opened: &'a Opened) -> Result<(cid::Cid, Publish<'a>), nip::Error> {
    Ok(match parsed {
        Address::Ipfs(c) => (*c, None),
        Address::Ipns(name) => {
            let client = node_of(opened)?;
            let key = match nip::ipns::target(client, name)? {
                nip::ipns::Target::Key(key) => key,
                nip::ipns::Target::Index(index) => {
                    return Err(
                        nip::ipns::IpnsError::FixedLink { domain: name.to_string(), target: format!("/ipfs/{index}") }.into()
                    )
                }
            };
            let held = nip::ipns::key_to_push(client, &key)?;
            let current = nip::ipns::current(client, &key, true)?.ok_or(nip::ipns::IpnsError::NotFound { name: key.clone() })?;
            (current.index, Some((client, held, current)))
        }
        Address::New | Address::NewName => {
            return Err(nip::Error::Refused(format!("nip::{parsed} is not a repository yet: push to it first")))
        }
    })
}

/// Makes `new` the state of the repository: publishes it under the name,
/// if any, lets go of the replaced index's pin, and says where it is.
fn put_in_place(
    store: &dyn BlockStore,
    remote: &Remote<'_>,
    index: cid::Cid,
    new: cid::Cid,
    name: Publish<'_>,
    what: &str,
    done: String,
) -> Result<(), nip::Error> {
    if let Some((client, key, current)) = name {
        if let Err(e) = nip::ipns::publish(client, &key, Some(current), &new) {
            let _ = store.release(&new);
            return Err(nip::Error::from(e).context(format!("{what} of {} was not changed", remote.url())));
        }
    }
    if let Err(e) = store.release(&index) {
        log::warn!("could not remove the now redundant pin of {index}: {e}");
    }
    println!("{done}");
    if remote.address.is_name() {
        println!("published nip::/ipfs/{new} as {}", remote.url());
    } else {
        println!("new address: nip::/ipfs/{new}");
        println!("point your remote at it: git remote set-url <remote> nip::/ipfs/{new}");
    }
    Ok(())
}

fn repack(address: &str) -> Result<(), nip::Error> {
    let parsed = Address::parse(address)?;
    let opened = open_store(&parsed)?;
    let store = opened.store.as_ref();
    let (index, name) = for_update(&parsed, &opened)?;
    let remote = Remote::open_index(store, parsed.clone(), Some(index))?;
    let Some((_, idx)) = &remote.index else { unreachable!("opened with an index") };
    let Some(links) = idx.v2 else {
        return Err(nip::Error::Refused(format!(
            "{} is a format 1 repository: push it to a new address (it is written in format 2) instead",
            remote.url()
        )));
    };
    let packs = match links.packs {
        Some(root) => nip::records::read_packs(&remote.blocks, &root)?,
        None => Vec::new(),
    };
    if packs.len() <= 1 {
        println!("{} has {} pack{}: nothing to repack", remote.url(), packs.len(), if packs.len() == 1 { "" } else { "s" });
        return Ok(());
    }
    let before: u64 = packs.iter().map(|p| p.bytes).fold(0, u64::saturating_add);
    let tmp = tempfile::Builder::new()
        .prefix("nipctl-repack-")
        .tempdir()
        .map_err(|e| nip::Error::from(e).context("creating a temporary repository"))?;
    let repo = git2::Repository::init_bare(tmp.path())?;
    let wants: Vec<git2::Oid> = idx.refs.iter().map(|(_, h)| h.oid()).collect();
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let fetched = nip::fetch::fetch(&repo, &remote, &wants, progress)?;
    if let Some(keep) = fetched.keep {
        let _ = std::fs::remove_file(keep);
    }
    let stored = nip::push::repack(&repo, &remote, progress)?;
    let after = pack_bytes(&remote, &stored.index)?;
    let done = format!(
        "repacked {} packs ({} bytes) of {} into one ({} bytes); the earlier indexes keep their packs while anything pins them",
        packs.len(),
        before,
        remote.url(),
        after
    );
    put_in_place(store, &remote, index, stored.index, name, "the packs", done)
}

/// The bytes of the packs of the index `cid`.
fn pack_bytes(remote: &Remote<'_>, cid: &cid::Cid) -> Result<u64, nip::Error> {
    let index = nip::records::read_index(&remote.blocks, cid)?;
    Ok(match index.v2.and_then(|l| l.packs) {
        Some(root) => nip::records::read_packs(&remote.blocks, &root)?.iter().map(|p| p.bytes).fold(0, u64::saturating_add),
        None => 0,
    })
}

fn head(address: &str, branch: &str) -> Result<(), nip::Error> {
    let parsed = Address::parse(address)?;
    let opened = open_store(&parsed)?;
    let store = opened.store.as_ref();
    let (index, name) = for_update(&parsed, &opened)?;
    let remote = Remote::open_index(store, parsed.clone(), Some(index))?;
    let (full, new) = nip::push::set_head(&remote, branch)?;
    let Some(new) = new else {
        println!("HEAD of {} already names {full}; nothing written", remote.url());
        return Ok(());
    };
    let done = format!("HEAD of {} now names {full}", remote.url());
    put_in_place(store, &remote, index, new, name, "HEAD", done)
}

fn key_list() -> Result<(), nip::Error> {
    let client = node("listing keys")?;
    for k in client.key_list()? {
        let note = if k.name == "self" { "  (the node's identity; nip never publishes with it)" } else { "" };
        println!("{:<24} nip::/ipns/{}{note}", k.name, k.id);
    }
    Ok(())
}

/// The keystore entry `key` names: its keystore name, its k51… name, or a
/// nip::/ipns/ address of it.
fn find_key(client: &nip::kubo::Client, key: &str) -> Result<nip::kubo::names::Key, nip::Error> {
    let id = match Address::parse(key) {
        Ok(Address::Ipns(name)) => name.key(),
        _ => nip::ipns::Name::parse(key).ok().and_then(|n| n.key()),
    };
    let keys = client.key_list()?;
    keys.into_iter().find(|k| k.name == key || Some(&k.id) == id.as_ref()).ok_or_else(|| {
        nip::Error::Refused(format!(
            "the IPFS node at {} has no key {key:?}; `nipctl key list` shows its keys",
            client.endpoint()
        ))
    })
}

fn key_export(key: &str, output: Option<std::path::PathBuf>) -> Result<(), nip::Error> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let client = node("key export")?;
    let key = find_key(&client, key)?;
    if key.name == "self" {
        return Err(nip::Error::Refused("'self' is the node's identity, not a repository key; nip does not export it".into()));
    }
    let output = output.unwrap_or_else(|| format!("{}.key", key.name).into());
    // Kubo exports keys only from its command line, reading the keystore in
    // its repository; the node's RPC API does not serve them.
    let ipfs = std::env::var("NIP_IPFS_BIN").unwrap_or_else(|_| "ipfs".into());
    // The keystore the CLI reads must be the node's: check that it holds
    // this very key under this name.
    let listed = std::process::Command::new(&ipfs)
        .args(["key", "list", "-l", "--ipns-base=base36"])
        .env_remove("IPFS_API")
        .output()
        .map_err(|e| nip::Error::from(e).context(format!("cannot run {ipfs} (set NIP_IPFS_BIN to the Kubo binary)")))?;
    let same = String::from_utf8_lossy(&listed.stdout).lines().any(|l| {
        let mut w = l.split_whitespace();
        w.next() == Some(key.id.as_str()) && w.next() == Some(key.name.as_str())
    });
    if !same {
        return Err(nip::Error::Refused(format!(
            "the repository `{ipfs}` reads (IPFS_PATH={}) is not the node at {}: it has no key '{}' for nip::/ipns/{}; \
             run nipctl on the node's machine, with IPFS_PATH set to its repository",
            std::env::var("IPFS_PATH").unwrap_or_else(|_| "~/.ipfs".into()),
            client.endpoint(),
            key.name,
            key.id
        )));
    }
    let tmp = tempfile::Builder::new().prefix("nipctl-key-").tempdir()?; // 0700
    let tmp_key = tmp.path().join("key");
    let out = std::process::Command::new(&ipfs)
        .args(["key", "export", &key.name, "-o"])
        .arg(&tmp_key)
        .env_remove("IPFS_API")
        .output()
        .map_err(|e| nip::Error::from(e).context(format!("cannot run {ipfs} (set NIP_IPFS_BIN to the Kubo binary)")))?;
    if !out.status.success() {
        return Err(nip::Error::Refused(format!(
            "`{ipfs} key export {}` failed: {}; run nipctl on the node's machine, with IPFS_PATH set to its repository",
            key.name,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let bytes = std::fs::read(&tmp_key)?;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&output).map_err(|e| {
        nip::Error::Refused(format!("cannot create {}: {e} (nipctl never overwrites a key file)", output.display()))
    })?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    println!("wrote key '{}' of nip::/ipns/{} to {} (mode 0600)", key.name, key.id, output.display());
    println!(
        "anyone holding this file can push to that name: keep it secret; on another node: nipctl key import {}",
        output.display()
    );
    Ok(())
}

fn key_import(file: &std::path::Path, name: Option<String>) -> Result<(), nip::Error> {
    let client = node("key import")?;
    let bytes = std::fs::read(file).map_err(|e| nip::Error::from(e).context(format!("cannot read {}", file.display())))?;
    let name = match name {
        Some(n) => n,
        None => file.file_stem().and_then(|s| s.to_str()).unwrap_or("nip-imported").to_string(),
    };
    let key = client.key_import(&name, bytes).map_err(|e| {
        let hint = if e.kind() == nip::kubo::Kind::Exists {
            "; choose another name with --name (nipctl key list shows the names taken)".to_string()
        } else {
            "; nipctl key import takes a key file written by `nipctl key export` or `ipfs key export` \
             (libp2p-protobuf-cleartext)"
                .to_string()
        };
        nip::Error::Refused(format!("cannot import {} as '{name}': {e}{hint}", file.display()))
    })?;
    println!("imported key '{}': this node can now push to nip::/ipns/{}", key.name, key.id);
    Ok(())
}
