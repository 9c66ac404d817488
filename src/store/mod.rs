//! Where blocks live: the store trait and its backends.
//!
//! A [`BlockStore`] moves blocks in bulk: [`BlockStore::get_many`] fetches a
//! batch in one call and [`BlockStore::writer`] opens a streaming write that
//! a backend may buffer (the Kubo backend turns one push into one upload)
//! and makes durable in [`BlockWriter::finish`]. No caller ever needs one
//! request per block.
//!
//! Stores return bytes as they hold them; [`Verified`] is the only way the
//! rest of nip reads blocks, and it checks every block against its CID.

pub mod gateway;
pub mod kubo;
pub mod local;

use crate::block::{self, Block};
use crate::config::{Settings, Value};
use crate::kubo::KuboError;
use cid::Cid;
use std::path::PathBuf;

/// What a store can fail at. A lower error a message shows is a field
/// shown in its `Display`, and so not also its `source()` (nip prints one
/// line per error, never a chain).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("block {cid} is not in {store}; the data may not have been pushed there, or was removed")]
    Missing { cid: Box<Cid>, store: String },
    /// The node said it has not got the block, nor any peer it reached
    /// (what it said is `node`).
    #[error(
        "block {cid} is not in {store} (nor on any peer it reached: {node}); the data may not have been pushed there, \
         or was removed"
    )]
    NotOnNode { cid: Box<Cid>, store: String, node: Box<KuboError> },
    #[error(transparent)]
    Corrupt(#[from] block::VerifyError),
    #[error("{what} {path}: {error}")]
    Io { what: &'static str, path: PathBuf, error: std::io::Error },
    /// The node failed on a call, on `cid` if it was about one block: it is
    /// slow or stuck ([`crate::kubo::Kind::Timeout`]), refused, or broke.
    /// The error is kept whole, so what it was can still be asked
    /// (`node.kind()`).
    #[error("{}", on_block(.cid.as_deref(), .node))]
    Node { cid: Option<Box<Cid>>, node: Box<KuboError> },
    /// The blocks of a push reached the node, and pinning its index did not.
    #[error("{0}")]
    Pin(Box<PinFailed>),
    #[error("block {cid} is {size} bytes; the limit is {limit}", limit = block::MAX_BLOCK)]
    TooLarge { cid: Box<Cid>, size: usize },
    /// Gateways failed, or cannot be used (see [`gateway::GatewayError`]).
    #[error("{0}")]
    Gateway(Box<gateway::GatewayError>),
    /// A store kept in this process lost its lock to a thread that panicked.
    #[error("{store} cannot be used: a thread panicked while it held its lock")]
    Poisoned { store: String },
}

/// `node`'s message, after `block <cid>: ` when it does not name the block.
fn on_block(cid: Option<&Cid>, node: &KuboError) -> String {
    match (cid, node.to_string()) {
        (Some(cid), said) if !said.contains(&cid.to_string()) => format!("block {cid}: {said}"),
        (_, said) => said,
    }
}

impl StoreError {
    /// The node's error for a call not about one block.
    pub fn node(e: KuboError) -> StoreError {
        StoreError::Node { cid: None, node: Box::new(e) }
    }

    /// The node's error, if this is one: what it was can then be asked
    /// ([`KuboError::kind`]).
    pub fn kubo(&self) -> Option<&KuboError> {
        match self {
            StoreError::NotOnNode { node, .. } | StoreError::Node { node, .. } => Some(node),
            StoreError::Pin(p) => Some(&p.node),
            _ => None,
        }
    }
}

/// A pin that failed at the end of a push (see [`StoreError::Pin`]).
#[derive(Debug)]
pub struct PinFailed {
    /// The new index.
    pub root: Cid,
    /// The index it replaces, if any.
    pub replaces: Option<Cid>,
    pub node: KuboError,
}

impl std::fmt::Display for PinFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the blocks were imported but pinning {} failed: {}", self.root, self.node)?;
        match self.replaces {
            // Kubo searches the network for blocks it lacks until its
            // deadline: a pin that timed out most likely met the same.
            Some(prev) if matches!(self.node.kind(), crate::kubo::Kind::NotFound | crate::kubo::Kind::Timeout) => write!(
                f,
                "; part of the earlier history (under nip::/ipfs/{prev}) is probably not on this node and no \
                 connected peer provided it: run `nipctl pin nip::/ipfs/{prev}` while a node holding it is \
                 online, then push again"
            ),
            _ => Ok(()),
        }
    }
}

/// Something opening a store did that the user should hear of. The
/// library says nothing itself: the binary prints each note on stderr, one
/// line after `nip: ` (its `Display`).
#[derive(Debug)]
pub enum Note {
    /// Files a killed push (or fetch) left, removed.
    Removed(crate::tmpfiles::Leftovers),
    /// A pack of the embedded store that cannot be read, left out: its
    /// blocks are missing (and named) if something needs them.
    SkippedPack(StoreError),
    /// No node answered, so the embedded store is used (`nip.store=auto`).
    NoNode {
        endpoint: String,
        /// Where the address came from (`git -c nip.api`, `default`).
        from: String,
        /// The store used instead ([`BlockStore::describe`]).
        store: String,
    },
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::Removed(left) => write!(f, "{left}"),
            Note::SkippedPack(e) => write!(f, "warning: skipping a pack of the embedded store: {e}"),
            Note::NoNode { endpoint, from, store } => write!(
                f,
                "no IPFS node at {endpoint} ({from}); using {store} (start `ipfs daemon` or set nip.api to use a node; \
                 nip.store=local silences this)"
            ),
        }
    }
}

/// Counts of one write session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Blocks the store did not hold before (for a node: blocks sent).
    pub blocks_new: u64,
    /// Blocks offered that it already held.
    pub blocks_existing: u64,
    /// Bytes of the new blocks.
    pub bytes_new: u64,
}

/// A content-addressed block store.
pub trait BlockStore: Send + Sync {
    /// Where the data goes, for messages (`embedded store at /path`).
    fn describe(&self) -> String;
    /// Fetches blocks, in the order asked. A missing block is an error.
    fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError>;
    /// Tells which of these blocks the store holds.
    fn has_many(&self, cids: &[Cid]) -> Result<Vec<bool>, StoreError>;
    /// Opens a write session.
    fn writer(&self) -> Result<Box<dyn BlockWriter + '_>, StoreError>;
    /// Lets go of an index this store keeps (a node's recursive pin): one
    /// that a newer index replaced and links, or one that was written but
    /// not published. Its blocks stay as long as another pin reaches them.
    fn release(&self, _index: &Cid) -> Result<(), StoreError> {
        Ok(())
    }
    /// Brings the whole DAG under each root (a pack's UnixFS file, of at
    /// most the given bytes of blocks) within reach of later
    /// [`BlockStore::get_many`] calls, in as few requests as the store can:
    /// the gateway store fetches each as one CAR. Stores that read blocks
    /// cheaply one batch at a time do nothing.
    fn prefetch_dags(&self, _roots: &[(Cid, u64)]) -> Result<(), StoreError> {
        Ok(())
    }
    /// Like [`BlockStore::prefetch_dags`] for bytes `[offset, offset + len)`
    /// of the UnixFS file under `root`: the gateway store asks for the
    /// blocks over that range as one CAR (`entity-bytes`). Best effort: what
    /// it did not bring is fetched block by block after it.
    fn prefetch_range(&self, _root: &Cid, _offset: u64, _len: u64) {}
}

/// A streaming write: blocks go in one by one, and become durable (and, on
/// a node, pinned under `root`) when the session finishes.
pub trait BlockWriter: Send {
    fn put(&mut self, block: Block) -> Result<(), StoreError>;
    /// Makes everything put durable and keeps `root` (the new index, which
    /// links `replaces` as previous; `replaces` is for messages). The caller
    /// releases `replaces` once the new address is in use.
    fn finish(self: Box<Self>, root: &Cid, replaces: Option<&Cid>) -> Result<WriteStats, StoreError>;
}

/// Reads from a store, checking every block against its CID.
pub struct Verified<'a> {
    store: &'a dyn BlockStore,
}

impl<'a> Verified<'a> {
    pub fn new(store: &'a dyn BlockStore) -> Verified<'a> {
        Verified { store }
    }

    pub fn store(&self) -> &'a dyn BlockStore {
        self.store
    }

    pub fn get(&self, cid: &Cid) -> Result<Vec<u8>, StoreError> {
        let mut v = self.get_many(std::slice::from_ref(cid))?;
        Ok(v.pop().unwrap_or_default())
    }

    /// Fetches and verifies blocks, in the order asked. A CID that carries
    /// its data inline (identity multihash, like the empty file's) is not
    /// asked for.
    pub fn get_many(&self, cids: &[Cid]) -> Result<Vec<Vec<u8>>, StoreError> {
        let wanted: Vec<Cid> = cids.iter().filter(|c| block::inline_data(c).is_none()).copied().collect();
        let mut fetched = if wanted.is_empty() { Vec::new() } else { self.store.get_many(&wanted)? }.into_iter();
        let mut out = Vec::with_capacity(cids.len());
        for cid in cids {
            if let Some(data) = block::inline_data(cid) {
                out.push(data);
                continue;
            }
            let data = fetched.next().ok_or_else(|| StoreError::Missing { cid: Box::new(*cid), store: self.store.describe() })?;
            block::verify(cid, &data)?;
            out.push(data);
        }
        Ok(out)
    }
}

/// Which store to use (`nip.store` / `NIP_STORE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// A node if one answers, else the embedded store (the default).
    Auto,
    /// A node, or an error.
    Kubo,
    /// The embedded store, even if a node runs.
    Local,
    /// HTTP trustless gateways only (read-only; see [`gateway`]).
    Gateway,
}

/// Reads the choice: git config `nip.store` (`git -c`, repository, global,
/// system), then env `NIP_STORE`. A value that is none of the choices is an
/// error naming it and where it was set.
pub fn choice(config: Option<&Settings>) -> Result<Choice, String> {
    let none = Settings::default();
    match config.unwrap_or(&none).get("nip.store", &["NIP_STORE"])? {
        None => Ok(Choice::Auto),
        Some(Value { text: v, from }) => match v.trim() {
            "auto" => Ok(Choice::Auto),
            "kubo" | "ipfs" => Ok(Choice::Kubo),
            "local" | "embedded" => Ok(Choice::Local),
            "gateway" | "gateways" => Ok(Choice::Gateway),
            other => Err(format!("{from} is {other:?}; use kubo, local or auto (or gateway: HTTP gateways only)")),
        },
    }
}

fn open_local() -> Result<(Box<dyn BlockStore>, Vec<Note>), StoreError> {
    let (store, notes) = open_local_store()?;
    Ok((Box::new(store), notes))
}

fn open_local_store() -> Result<(local::LocalStore, Vec<Note>), StoreError> {
    let home = local::default_home().ok_or_else(|| StoreError::Io {
        what: "cannot find a place for the embedded store: set NIP_HOME or HOME",
        path: PathBuf::new(),
        error: std::io::Error::from(std::io::ErrorKind::NotFound),
    })?;
    let mut store = local::LocalStore::open(home)?;
    let notes = store.take_notes();
    Ok((store, notes))
}

/// Why a name needs a node, said when there is none.
const NAMES_NEED_A_NODE: &str = "IPNS names (nip::new-ipns, nip::/ipns/…) need an IPFS node to resolve and publish them; \
     the embedded store has no network to publish on. Start one (`ipfs daemon`) or set nip.api, or use nip::new-ipfs";

/// Why the store a command should use could not be opened. Each keeps the
/// node's error whole (shown in the message, so not also its `source()`),
/// and says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// `nip.store` (or `NIP_STORE`) holds no choice; the text names where.
    #[error("{0}")]
    Choice(String),
    /// The address is an IPNS name and gateways were chosen.
    #[error("gateways are chosen (nip.store or NIP_STORE is gateway): {NAMES_NEED_A_NODE}")]
    GatewayForName,
    /// The address is an IPNS name and the embedded store was chosen.
    #[error("the embedded store is chosen (nip.store or NIP_STORE is local): {NAMES_NEED_A_NODE}")]
    ChosenLocalForName,
    /// The node's address cannot be worked out from the settings.
    #[error(transparent)]
    Address(#[from] crate::kubo::discover::DiscoverError),
    /// Something answered and is no usable node (it refused access, is not
    /// Kubo, hung) or a setting cannot be used: its own words say so.
    #[error("{0}")]
    Unusable(Box<KuboError>),
    /// Something listens there and failed before it said anything.
    #[error(
        "something listens at {endpoint} (from {from}) but does not answer as an IPFS node ({}); check it, or set \
         nip.api (or NIP_IPFS_API) to the node's API address",
        why_of(.node)
    )]
    NotANode { endpoint: String, from: String, node: Box<KuboError> },
    /// The node answered its version call with an error, or too much.
    #[error(
        "{node}; something listens at {endpoint} but is no usable IPFS node: check it, or set nip.api (or NIP_IPFS_API) \
         to the node's API address"
    )]
    Broken { endpoint: String, node: Box<KuboError> },
    /// No node, and `nip.store=kubo` asks for one.
    #[error("{0}; nip.store=kubo needs a running node (start `ipfs daemon`, or set nip.api)")]
    NodeChosen(Box<KuboError>),
    /// No node, and the address is an IPNS name.
    #[error("{0}. {NAMES_NEED_A_NODE}")]
    NameNeedsNode(Box<KuboError>),
    /// No node, and the command (`why`: `pinning`, `key export`) needs one.
    #[error("{node}; {why} needs a running IPFS node")]
    CommandNeedsNode { why: String, node: Box<KuboError> },
    #[error(transparent)]
    Local(#[from] StoreError),
}

/// What an [`KuboError::Unreachable`] says went wrong.
fn why_of(e: &KuboError) -> String {
    match e {
        KuboError::Unreachable { why, .. } => why.clone(),
        other => other.to_string(),
    }
}

/// The store a command uses, and the node beside it when there is one.
pub struct Opened {
    pub store: Box<dyn BlockStore>,
    /// The Kubo node whose blocks the store holds (IPNS names need it);
    /// `None` for the embedded store.
    pub node: Option<crate::kubo::Client>,
    /// What opening did that the user should hear of, for the binary to say
    /// (see [`Note`]).
    pub notes: Vec<Note>,
}

/// Opens the store a command should use, following `nip.store`: a Kubo node
/// found by [`crate::kubo::discover`], or the embedded store. With the
/// default choice an address where nothing listens (connection refused, no
/// `api` file and nothing on the default port) means the embedded store,
/// said in [`Note::NoNode`], unless `needs_node` (an IPNS address): then
/// it is an error. Anything that answers there and is no usable node (401
/// or 403, not Kubo, a failure, no answer in time) is an error naming the
/// address and the setting to fix. `notes`, if any, hears what the node's
/// client waits for (see [`crate::kubo::Notes`]).
pub fn open(config: Option<&Settings>, needs_node: bool, notes: Option<crate::kubo::Notes>) -> Result<Opened, OpenError> {
    let choice = choice(config).map_err(OpenError::Choice)?;
    if choice == Choice::Local && needs_node {
        return Err(OpenError::ChosenLocalForName);
    }
    let local = || -> Result<Opened, OpenError> {
        let (store, notes) = open_local()?;
        Ok(Opened { store, node: None, notes })
    };
    if choice == Choice::Local {
        return local();
    }
    if choice == Choice::Gateway {
        if needs_node {
            return Err(OpenError::GatewayForName);
        }
        let (list, from) = gateway::gateways(config).map_err(StoreError::from)?;
        if list.is_empty() {
            return Err(OpenError::Local(gateway::GatewayError::NoGateways { from }.into()));
        }
        // The embedded store's blocks are read first, if it exists; it
        // takes no writes (gateways were chosen).
        let (embedded, notes_of) = match local::default_home().filter(|h| h.join("packs").is_dir()) {
            Some(home) => {
                let mut l = local::LocalStore::open(home)?;
                let n = l.take_notes();
                (Some(l), n)
            }
            None => (None, Vec::new()),
        };
        let store = gateway::GatewayStore::new(list, embedded, false, notes).map_err(StoreError::from)?;
        return Ok(Opened { store: Box::new(store), node: None, notes: notes_of });
    }
    let api = crate::kubo::find(config)?;
    let boxed = Box::new;
    let client = crate::kubo::Client::new(api.clone()).map_err(|e| OpenError::Unusable(boxed(e)))?;
    let client = match notes.clone() {
        Some(n) => client.with_notes(n),
        None => client,
    };
    match client.version() {
        Ok(v) => {
            log::info!("using Kubo {v} at {} (from {})", api.endpoint, api.source);
            Ok(Opened { store: Box::new(kubo::KuboStore::new(client.clone())), node: Some(client), notes: Vec::new() })
        }
        // Something answered and is no usable node (it refused access, it is
        // not Kubo, it failed, it hung): an error whatever the choice, so
        // that nothing meant for the node stays on this machine.
        Err(
            e
            @ (KuboError::Refused { .. } | KuboError::NotKubo { .. } | KuboError::BadSetting { .. } | KuboError::Timeout { .. }),
        ) => Err(OpenError::Unusable(boxed(e))),
        Err(e @ KuboError::Unreachable { connect: false, .. }) => {
            Err(OpenError::NotANode { endpoint: api.endpoint.to_string(), from: api.source.clone(), node: boxed(e) })
        }
        Err(e @ (KuboError::Api { .. } | KuboError::TooLarge { .. } | KuboError::BadAnswer { .. })) => {
            Err(OpenError::Broken { endpoint: api.endpoint.to_string(), node: boxed(e) })
        }
        Err(e) if choice == Choice::Kubo => Err(OpenError::NodeChosen(boxed(e))),
        Err(e) if needs_node => Err(OpenError::NameNeedsNode(boxed(e))),
        Err(_) => {
            let (embedded, notes_of) = open_local_store()?;
            // Gateways, if any, for blocks the embedded store lacks; it
            // still takes the writes (a push).
            let (list, _) = gateway::gateways(config).map_err(StoreError::from)?;
            let store: Box<dyn BlockStore> = match list.is_empty() {
                true => Box::new(embedded),
                false => Box::new(gateway::GatewayStore::new(list, Some(embedded), true, notes).map_err(StoreError::from)?),
            };
            let mut opened = Opened { store, node: None, notes: notes_of };
            let store = opened.store.describe();
            opened.notes.push(Note::NoNode { endpoint: api.endpoint.to_string(), from: api.source.clone(), store });
            Ok(opened)
        }
    }
}

/// The Kubo node a command (`why`: `pinning`, `listing keys`) needs, or an
/// error saying that it needs one.
pub fn open_node(config: Option<&Settings>, why: &str) -> Result<crate::kubo::Client, OpenError> {
    let api = crate::kubo::find(config)?;
    let client = crate::kubo::Client::new(api).map_err(|e| OpenError::Unusable(Box::new(e)))?;
    client.version().map_err(|e| OpenError::CommandNeedsNode { why: why.to_string(), node: Box::new(e) })?;
    Ok(client)
}

/// The git config that applies here, as git resolves it: `git -c`, the
/// repository's (git sets `GIT_DIR` for helpers; otherwise found from the
/// working directory), global and system (see [`crate::config`]).
pub fn git_config() -> Option<Settings> {
    Some(Settings::here())
}

/// [`open`] with [`git_config`].
pub fn open_here(needs_node: bool, notes: Option<crate::kubo::Notes>) -> Result<Opened, OpenError> {
    open(git_config().as_ref(), needs_node, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Errors are returned by nearly every call: the large payloads (a
    /// KuboError, two CIDs) are boxed, so that a `Result` stays within
    /// what clippy's `result_large_err` allows (under 128 bytes).
    #[test]
    fn errors_are_small() {
        use std::mem::size_of;
        // A CID is 72 bytes: every error that names one boxes it.
        for (name, size) in [
            ("StoreError", size_of::<StoreError>()),
            ("OpenError", size_of::<OpenError>()),
            ("IpnsError", size_of::<crate::ipns::IpnsError>()),
            ("KuboError", size_of::<KuboError>()),
            ("VerifyError", size_of::<crate::block::VerifyError>()),
            ("UnixfsError", size_of::<crate::unixfs::UnixfsError>()),
            ("MapError", size_of::<crate::objmap::MapError>()),
            ("TrieError", size_of::<crate::trie::TrieError>()),
            ("RecordsError", size_of::<crate::records::RecordsError>()),
            ("PackReadError", size_of::<crate::packread::PackReadError>()),
            ("nip::Error", size_of::<crate::Error>()),
        ] {
            assert!(size < 128, "{name} is {size} bytes");
        }
    }
}
