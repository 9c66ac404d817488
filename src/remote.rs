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
    /// A format 2 index's refs trie blocks (a push does not write them again).
    pub refs_blocks: Option<std::collections::HashSet<Cid>>,
    /// A format 2 index's peeled tags, by ref name.
    pub peeled: std::collections::HashMap<String, Hash>,
}

impl<'a> Remote<'a> {
    /// Reads `index` as the state of `address` (a name resolved to it).
    pub fn open_index(store: &'a dyn BlockStore, address: Address, index: Option<Cid>) -> Result<Remote<'a>, Error> {
        let blocks = Verified::new(store);
        let mut refs_blocks = None;
        let mut peeled = Default::default();
        let index = match index {
            None => None,
            Some(cid) => {
                let mut read = || -> Result<NipIndex, Error> {
                    let full = crate::records::read_index_full(&blocks, &cid)?;
                    if full.index.v2.is_some() {
                        refs_blocks = Some(full.refs_blocks);
                        peeled = full.peeled;
                    }
                    Ok(full.index)
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
        Ok(Remote { blocks, address, index, refs_blocks, peeled })
    }

    pub fn refs(&self) -> &[(String, Hash)] {
        self.index.as_ref().map(|(_, i)| i.refs.as_slice()).unwrap_or(&[])
    }

    pub fn head(&self) -> Option<&str> {
        self.index.as_ref().and_then(|(_, i)| i.head.as_deref())
    }

    /// The format 1 object map, if there is a format 1 index.
    pub fn objects(&self) -> Option<ObjectMap<'_>> {
        self.index.as_ref().filter(|(_, i)| i.v2.is_none()).map(|(_, i)| ObjectMap::new(&self.blocks, i.objects))
    }

    /// The format 2 object map, if there is a format 2 index.
    pub fn records(&self) -> Option<crate::trie::Trie<'_, crate::records::Record>> {
        self.index
            .as_ref()
            .filter(|(_, i)| i.v2.is_some())
            .map(|(_, i)| crate::trie::Trie::new(&self.blocks, crate::records::OBJECTS, Some(i.objects)))
    }

    /// `nip::<address>` for messages.
    pub fn url(&self) -> String {
        format!("nip::{}", self.address)
    }
}
