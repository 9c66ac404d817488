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

pub mod kubo;
pub mod local;

use crate::block::{self, Block};
use crate::config::{Settings, Value};
use crate::kubo::KuboError;
use cid::Cid;
use std::path::PathBuf;

/// What a store can fail at.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("block {cid} is not in {store}; the data may not have been pushed there, or was removed")]
    Missing { cid: Cid, store: String },
    #[error("{0}")]
    Corrupt(#[from] block::VerifyError),
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Node(String),
    #[error("block {cid} is {size} bytes; the limit is {limit}", limit = block::MAX_BLOCK)]
    TooLarge { cid: Cid, size: usize },
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
    /// The IPFS node behind the store, if there is one (names need it).
    fn node(&self) -> Option<&crate::kubo::Client> {
        None
    }
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
            let data = fetched.next().ok_or_else(|| StoreError::Missing { cid: *cid, store: self.store.describe() })?;
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
            other => Err(format!("{from} is {other:?}; use kubo, local or auto")),
        },
    }
}

fn open_local() -> Result<Box<dyn BlockStore>, StoreError> {
    let home = local::default_home().ok_or_else(|| StoreError::Io {
        what: "cannot find a place for the embedded store: set NIP_HOME or HOME",
        path: PathBuf::new(),
        source: std::io::Error::from(std::io::ErrorKind::NotFound),
    })?;
    Ok(Box::new(local::LocalStore::open(home)?))
}

/// Why a name needs a node, said when there is none.
const NAMES_NEED_A_NODE: &str = "IPNS names (nip::new-ipns, nip::/ipns/…) need an IPFS node to resolve and publish them; \
     the embedded store has no network to publish on. Start one (`ipfs daemon`) or set nip.api, or use nip::new-ipfs";

/// Opens the store a command should use, following `nip.store`: a Kubo node
/// found by [`crate::kubo::discover`], or the embedded store. With the
/// default choice an address where nothing listens (connection refused, no
/// `api` file and nothing on the default port) means the embedded store,
/// said in one line on stderr, unless `needs_node` (an IPNS address): then
/// it is an error. Anything that answers there and is no usable node (401
/// or 403, not Kubo, a failure, no answer in time) is an error naming the
/// address and the setting to fix.
pub fn open(config: Option<&Settings>, needs_node: bool) -> Result<Box<dyn BlockStore>, crate::Error> {
    let choice = choice(config).map_err(crate::Error::Other)?;
    if choice == Choice::Local && needs_node {
        return Err(crate::Error::Other(format!(
            "the embedded store is chosen (nip.store or NIP_STORE is local): {NAMES_NEED_A_NODE}"
        )));
    }
    if choice == Choice::Local {
        return Ok(open_local()?);
    }
    let api = crate::kubo::find(config).map_err(|e| crate::Error::Other(e.to_string()))?;
    let client = crate::kubo::Client::new(api.clone()).map_err(|e| crate::Error::Other(e.to_string()))?;
    match client.version() {
        Ok(v) => {
            log::info!("using Kubo {v} at {} (from {})", api.endpoint, api.source);
            Ok(Box::new(kubo::KuboStore::new(client)))
        }
        // Something answered and is no usable node (it refused access, it is
        // not Kubo, it failed, it hung): an error whatever the choice, so
        // that nothing meant for the node stays on this machine.
        Err(
            e
            @ (KuboError::Refused { .. } | KuboError::NotKubo { .. } | KuboError::BadSetting { .. } | KuboError::Timeout { .. }),
        ) => Err(crate::Error::Other(e.to_string())),
        Err(KuboError::Unreachable { why, connect: false, .. }) => Err(crate::Error::Other(format!(
            "something listens at {} (from {}) but does not answer as an IPFS node ({why}); check it, or set nip.api \
             (or NIP_IPFS_API) to the node's API address",
            api.endpoint, api.source
        ))),
        Err(e @ (KuboError::Api { .. } | KuboError::TooLarge { .. })) => Err(crate::Error::Other(format!(
            "{e}; something listens at {} but is no usable IPFS node: check it, or set nip.api (or NIP_IPFS_API) to the \
             node's API address",
            api.endpoint
        ))),
        Err(e) if choice == Choice::Kubo => {
            Err(crate::Error::Other(format!("{e}; nip.store=kubo needs a running node (start `ipfs daemon`, or set nip.api)")))
        }
        Err(e) if needs_node => Err(crate::Error::Other(format!("{e}. {NAMES_NEED_A_NODE}"))),
        Err(_) => {
            let store = open_local()?;
            eprintln!(
                "nip: no IPFS node at {} ({}); using {} (start `ipfs daemon` or set nip.api to use a node; nip.store=local silences this)",
                api.endpoint,
                api.source,
                store.describe()
            );
            Ok(store)
        }
    }
}

/// The git config that applies here, as git resolves it: `git -c`, the
/// repository's (git sets `GIT_DIR` for helpers; otherwise found from the
/// working directory), global and system (see [`crate::config`]).
pub fn git_config() -> Option<Settings> {
    Some(Settings::here())
}

/// [`open`] with [`git_config`].
pub fn open_here(needs_node: bool) -> Result<Box<dyn BlockStore>, crate::Error> {
    open(git_config().as_ref(), needs_node)
}
