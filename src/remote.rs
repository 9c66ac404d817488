//! A repository at an address: its store and, once read, its index.

use crate::address::Address;
use crate::format::{Hash, NipIndex};
use crate::objmap::ObjectMap;
use crate::store::{BlockStore, Verified};
use crate::Error;
use cid::Cid;

/// A nip repository as read from a store.
pub struct Remote<'a> {
    pub blocks: Verified<'a>,
    pub address: Address,
    /// The index and its CID; `None` for `new-ipfs`, `new-ipns` and a name
    /// that points nowhere yet.
    pub index: Option<(Cid, NipIndex)>,
}

impl<'a> Remote<'a> {
    /// Reads `index` as the state of `address` (a name resolved to it).
    pub fn open_index(store: &'a dyn BlockStore, address: Address, index: Option<Cid>) -> Result<Remote<'a>, Error> {
        let blocks = Verified::new(store);
        let index = match index {
            None => None,
            Some(cid) => {
                let read = || -> Result<NipIndex, Error> {
                    let bytes = blocks.get(&cid)?;
                    Ok(NipIndex::from_block(&cid, &bytes)?)
                };
                let index = read().map_err(|e| {
                    let at = match &address {
                        Address::Ipfs(_) => format!("nip::{address}"),
                        other => format!("nip::{other} (index /ipfs/{cid})"),
                    };
                    e.context(format!("cannot read the repository at {at}"))
                })?;
                Some((cid, index))
            }
        };
        Ok(Remote { blocks, address, index })
    }

    pub fn refs(&self) -> &[(String, Hash)] {
        self.index.as_ref().map(|(_, i)| i.refs.as_slice()).unwrap_or(&[])
    }

    pub fn head(&self) -> Option<&str> {
        self.index.as_ref().and_then(|(_, i)| i.head.as_deref())
    }

    /// The object map, if there is an index.
    pub fn objects(&self) -> Option<ObjectMap<'_>> {
        self.index.as_ref().map(|(_, i)| ObjectMap::new(&self.blocks, i.objects))
    }

    /// `nip::<address>` for messages.
    pub fn url(&self) -> String {
        format!("nip::{}", self.address)
    }
}
