//! Kubo, the reference IPFS node, over its HTTP RPC API.
//!
//! [`discover`] finds the node; [`client`] speaks to it, and [`names`] adds
//! its keystore and IPNS calls. The block store on top of it is
//! [`crate::store::kubo`].

pub mod client;
pub mod discover;
pub mod names;
pub mod pubsub;

pub use client::{Client, Kind, KuboError, Notes};
pub use discover::{find, Api, Endpoint};
