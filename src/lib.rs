//! nip: git repositories on IPFS, Nowhere In Particular.
//!
//! The library behind `git-remote-nip` and `nipctl`. Where to look:
//!
//! | module | what it is |
//! |--------|------------|
//! | [`address`] | `nip::` addresses: `new-ipfs`, `/ipfs/<cid>`, `new-ipns`, `/ipns/<name>` |
//! | [`ipns`] | IPNS names and DNSLink: resolve, publish safely, per-repository keys |
//! | [`announce`] | new-push announcements: a name's new record on its pubsub topic, checked by followers |
//! | [`block`] | blocks, CIDs and the one place blocks are verified |
//! | [`format`](mod@format) | the nip format: NIPObject, NIPIndex, magic and version |
//! | [`objmap`] | format 1's sharded map from git hash to NIPObject block |
//! | [`trie`] | format 2's sharded sets: a 16-way trie with leaves cut by bytes |
//! | [`records`] | format 2's records (NIPObjects), refs trie and packs list |
//! | [`unixfs`] | object bytes laid out as Kubo lays out files |
//! | `protobuf` | the protobuf wire subset nip reads and writes (varint and length-delimited fields), bounded; the varints CAR shares |
//! | [`store`] | the block store trait, the embedded store, the Kubo store and the read-only gateway store (HTTP trustless gateways) |
//! | [`kubo`] | the Kubo RPC client and how the node is found |
//! | [`pinning`] | remote pinning: an IPFS Pinning Services API client, where a service's endpoint and key come from, a push's index pinned and followed to `pinned` |
//! | [`config`] | nip's settings, read as git resolves config (`git -c`, `GIT_CONFIG_COUNT`, files), then `NIP_*` |
//! | [`car`] | CARv1 archives, for `dag/import` and `dag/export`, and the verifying reader of a gateway's CAR |
//! | [`remote`] | a repository at an address, its index loaded |
//! | [`links`] | the git hashes a raw git object points to |
//! | [`push`] | what a `git push` does: walk, encode, write a new index |
//! | [`fetch`] | what a `git fetch` does: walk, verify, write one pack |
//! | [`limits`] | what one object may claim and one fetch may bring (`nip.maxFetchBytes`, `nip.maxFetchObjects`) |
//! | [`pack`] | a git pack stream written into the repository |
//! | `packfetch` | format 2's fetch: the packs the repository lacks, spliced into `git index-pack` |
//! | [`packread`] | one git object read by hash out of a stored pack: entry, zlib, delta chain, SHA-1, each bounded |
//! | [`helper`] | the gitremote-helpers(7) protocol on stdin/stdout: the loop, the commands git sends (`command`), `list`, resolving names (`resolve`), publishing a push under a name (`publish`) |
//! | [`protocol`] | the typed writer of every line nip sends git |
//! | [`refname`] | git's ref name rules, checked on every name an address holds |
//! | `progress` | git-style progress lines on stderr |
//! | [`tmpfiles`] | temporary files locked by their writer, removed by their own process when it is interrupted (SIGINT, SIGTERM, SIGHUP), and the removal of those a killed process left |

// The library prints nothing: what the user should hear goes back to the
// binaries as values (notes, errors) and they print it. The helper's loop
// is the exception: telling the user on stderr what a push did is its job.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod address;
pub mod announce;
pub mod block;
pub mod car;
pub mod config;
pub mod fetch;
pub mod format;
#[allow(clippy::print_stderr)]
pub mod helper;
pub mod ipns;
pub mod kubo;
pub mod limits;
pub mod links;
pub mod objmap;
pub mod pack;
pub(crate) mod packfetch;
pub mod packread;
pub mod pinning;
pub(crate) mod progress;
pub(crate) mod protobuf;
pub mod protocol;
pub mod push;
pub mod records;
pub mod refname;
pub mod remote;
pub mod store;
pub mod tmpfiles;
pub mod trie;
pub mod unixfs;

/// Everything a nip operation can fail with. Each message says what failed
/// and on which object or address.
///
/// A message is whole on its own: where a variant holds the error that
/// caused it (an [`std::io::Error`], a [`git2::Error`], another `Error`),
/// its `Display` shows that cause and `source()` does not return it, so
/// that printing the error and then its chain never says a cause twice
/// (the binaries print `{e}` alone). `transparent` variants pass both
/// through from the module's own error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Address(#[from] address::AddressError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Format(#[from] format::FormatError),
    #[error(transparent)]
    Map(#[from] objmap::MapError),
    #[error(transparent)]
    Unixfs(#[from] unixfs::UnixfsError),
    #[error(transparent)]
    Trie(#[from] trie::TrieError),
    #[error(transparent)]
    Records(#[from] records::RecordsError),
    #[error(transparent)]
    PackRead(#[from] packread::PackReadError),
    #[error(transparent)]
    Links(#[from] links::LinksError),
    #[error(transparent)]
    Ipns(#[from] ipns::IpnsError),
    // The push and fetch halves' own errors.
    #[error(transparent)]
    Push(#[from] push::PushError),
    #[error(transparent)]
    Fetch(#[from] fetch::FetchError),
    #[error(transparent)]
    PackFetch(#[from] packfetch::PackFetchError),
    #[error(transparent)]
    Setting(#[from] limits::SettingError),
    /// What the helper itself refused (boxed: it holds a ref name error).
    #[error(transparent)]
    Helper(Box<helper::HelperError>),
    /// The store a command should use could not be opened.
    #[error(transparent)]
    Open(#[from] store::OpenError),
    /// A call on the Kubo node failed (outside a store or a name: nipctl's
    /// pins and keys). Boxed: a [`kubo::KuboError`] is large.
    #[error(transparent)]
    Node(Box<kubo::KuboError>),
    /// A pinning service failed or refused (boxed: it names the service).
    #[error(transparent)]
    PinService(Box<pinning::PinServiceError>),
    /// A libgit2 failure: its message is shown, so it is not the `source()`.
    #[error("git: {}", .0.message())]
    Git(git2::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("object {oid} is corrupt: its content hashes to {actual}; nothing was written")]
    ObjectHash { oid: String, actual: String },
    #[error("object {oid} is damaged: {why}; nothing was written")]
    Object { oid: String, why: String },
    #[error("object {oid} cannot be stored: {why}")]
    Unstorable { oid: String, why: String },
    #[error("object {oid} is not in the index; the repository is incomplete")]
    MissingObject { oid: String },
    /// A hash git asked for by name that the repository does not hold (a
    /// hash an object links to and the index lacks is [`Error::MissingObject`]).
    #[error("object {oid} is not in this repository")]
    NotInRepository { oid: String },
    /// A fetch passed a limit of [`limits`]; the text names the setting.
    #[error("{0}")]
    Limit(String),
    /// What a binary refused, in its own words (nipctl's checks of its
    /// arguments and of what it is asked to act on). The library never
    /// returns one: its errors are typed.
    #[error("{0}")]
    Refused(String),
    /// `error`, while doing `context`: both are shown, so `error` is not
    /// the `source()`.
    #[error("{context}: {error}")]
    Context { context: String, error: Box<Error> },
}

impl From<git2::Error> for Error {
    fn from(e: git2::Error) -> Error {
        Error::Git(e)
    }
}

impl Error {
    /// Wraps the error with what was being done.
    pub fn context(self, context: impl Into<String>) -> Error {
        Error::Context { context: context.into(), error: Box::new(self) }
    }
}
