//! Answering `list` and `list for-push`: every ref of the index, and for a
//! fetch also the peeled annotated tags (`<oid> refs/tags/X^{}`) and
//! `@<ref> HEAD`.

use super::Helper;
use crate::format::{Hash, Links, NipObject};
use crate::protocol::Writer;
use crate::refname::RefName;
use crate::remote::Remote;
use crate::Error;
use git2::{Oid, Repository};
use std::collections::HashMap;

impl<'s> Helper<'s> {
    /// Every ref. For a fetch also the peeled tags (`<oid> refs/tags/X^{}`,
    /// so git follows annotated tags) and `@<ref> HEAD`; a push needs
    /// neither, and `git push --mirror` would try to delete them.
    pub(super) fn list(&mut self, out: &mut Writer<'_>, for_push: bool) -> Result<(), Error> {
        let remote = self.open_remote(for_push)?;
        let peeled = if for_push { Default::default() } else { peel_tags(&remote, self.repo.ok())? };
        // The index's names passed git's rules when it was decoded; the
        // writer takes only checked names all the same.
        let checked =
            |name: &str| RefName::new(name).map_err(|error| super::HelperError::BadRefName { url: remote.url(), error });
        for (name, oid) in remote.refs() {
            let name_ = checked(name)?;
            out.listed(*oid, &name_)?;
            if let Some(target) = peeled.get(name) {
                // Lets git follow annotated tags on fetch, as with a server.
                out.peeled(*target, &name_)?;
            }
        }
        if let (Some(head), false) = (remote.head(), for_push) {
            if remote.refs().iter().any(|(n, _)| n == head) {
                out.head(&checked(head)?)?;
            }
        }
        out.end()?;
        Ok(())
    }
}

/// How a tag object already in the local repository peels: `None` if that
/// cannot be told here (an object on the way is missing), `Some(None)` if
/// it is not a tag, else its final non-tag target.
fn peel_locally(odb: &git2::Odb<'_>, oid: Oid) -> Option<Option<Hash>> {
    let (mut at, mut last) = (oid, None);
    for _ in 0..8 {
        let object = odb.read(at).ok()?;
        if object.kind() != git2::ObjectType::Tag {
            return Some(last);
        }
        // A tag object starts `object <hex id>\n`.
        let target =
            object.data().strip_prefix(b"object ").and_then(|r| r.get(..40)).and_then(|h| std::str::from_utf8(h).ok())?;
        let target = Oid::from_str(target).ok()?;
        last = Some(Hash::from(target));
        at = target;
    }
    Some(last)
}

/// The final non-tag target of every tag ref that points to a tag object.
/// Tags already in the local repository `repo` (say, from the previous
/// fetch) are peeled there; the others with one object-map lookup and one
/// block request per level, so a fetch reads what is new, not every tag
/// again.
fn peel_tags(remote: &Remote<'_>, repo: Option<&Repository>) -> Result<HashMap<String, Hash>, Error> {
    let mut peeled = HashMap::new();
    if remote.index.is_none() {
        return Ok(peeled);
    }
    let mut pending: Vec<(String, Hash)> = remote.refs().iter().filter(|(n, _)| n.starts_with("refs/tags/")).cloned().collect();
    if let Some(odb) = repo.and_then(|r| r.odb().ok()) {
        pending.retain(|(name, hash)| match peel_locally(&odb, hash.oid()) {
            Some(target) => {
                if let Some(t) = target {
                    peeled.insert(name.clone(), t);
                }
                false
            }
            None => true,
        });
    }
    if remote.index.as_ref().is_some_and(|(_, i)| i.v2.is_some()) {
        // Format 2 keeps each annotated tag's peeled target beside it.
        return Ok(remote.peeled.iter().filter(|(n, _)| n.starts_with("refs/tags/")).map(|(n, h)| (n.clone(), *h)).collect());
    }
    if let Some(records) = remote.records() {
        for _ in 0..8 {
            if pending.is_empty() {
                break;
            }
            let keys: Vec<[u8; 20]> = pending.iter().map(|(_, h)| h.0).collect();
            let mut next = Vec::new();
            for ((name, _), record) in pending.into_iter().zip(records.lookup_many(&keys)?) {
                if let Some(crate::records::Record { links: crate::records::RecordLinks::Tag { target }, .. }) = record {
                    peeled.insert(name.clone(), target);
                    next.push((name, target));
                }
            }
            pending = next;
        }
        return Ok(peeled);
    }
    let Some(map) = remote.objects() else { return Ok(peeled) };
    for _ in 0..8 {
        if pending.is_empty() {
            break;
        }
        let hashes: Vec<Hash> = pending.iter().map(|(_, h)| *h).collect();
        let cids = map.lookup_many(&hashes)?;
        let found: Vec<_> = pending.iter().zip(cids).filter_map(|(p, c)| c.map(|c| (p.clone(), c))).collect();
        let blocks = remote.blocks.get_many(&found.iter().map(|(_, c)| *c).collect::<Vec<_>>())?;
        let mut next = Vec::new();
        for (((name, _), cid), bytes) in found.into_iter().zip(blocks) {
            if let Links::Tag { target } = NipObject::from_block(&cid, &bytes)?.links {
                peeled.insert(name.clone(), target);
                next.push((name, target));
            }
        }
        pending = next;
    }
    Ok(peeled)
}
