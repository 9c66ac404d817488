//! The git hashes a git object points to, read from its raw content.
//!
//! A push already holds each object's bytes; parsing them here (tree
//! entries, a commit's `tree`/`parent` lines, a tag's `object` line) saves a
//! second lookup through libgit2 per object, and needs no repository, so it
//! can run on another thread.

use crate::format::{Hash, Links, ObjectType};

#[derive(Debug, thiserror::Error)]
#[error("git object {oid} is malformed: {why}")]
pub struct LinksError {
    pub oid: Hash,
    pub why: &'static str,
}

fn hex_hash(s: &[u8]) -> Option<Hash> {
    if s.len() != 40 {
        return None;
    }
    let mut h = [0u8; 20];
    for (i, pair) in s.chunks(2).enumerate() {
        let d = |c: u8| (c as char).to_digit(16);
        h[i] = (d(pair[0])? * 16 + d(pair[1])?) as u8;
    }
    Some(Hash(h))
}

/// Reads what `data` (an object of type `kind`, hash `oid`) points to.
pub fn parse(oid: Hash, kind: ObjectType, data: &[u8]) -> Result<Links, LinksError> {
    let bad = |why| LinksError { oid, why };
    match kind {
        ObjectType::Blob => Ok(Links::Blob),
        ObjectType::Tree => {
            let mut entries = Vec::new();
            let mut rest = data;
            while !rest.is_empty() {
                let sp = rest.iter().position(|&b| b == b' ').ok_or(bad("tree entry without a mode"))?;
                let mode = std::str::from_utf8(&rest[..sp])
                    .ok()
                    .and_then(|m| u32::from_str_radix(m, 8).ok())
                    .ok_or(bad("tree entry with a bad mode"))?;
                let nul = rest[sp..].iter().position(|&b| b == 0).ok_or(bad("tree entry without a name end"))? + sp;
                let hash: [u8; 20] =
                    rest.get(nul + 1..nul + 21).and_then(|h| h.try_into().ok()).ok_or(bad("truncated tree entry"))?;
                entries.push((mode, Hash(hash)));
                rest = &rest[nul + 21..];
            }
            Ok(Links::Tree { entries })
        }
        ObjectType::Commit => {
            let mut tree = None;
            let mut parents = Vec::new();
            for line in data.split(|&b| b == b'\n') {
                if line.is_empty() {
                    break; // end of headers
                }
                if let Some(h) = line.strip_prefix(b"tree ") {
                    tree = Some(hex_hash(h).ok_or(bad("bad tree line"))?);
                } else if let Some(h) = line.strip_prefix(b"parent ") {
                    parents.push(hex_hash(h).ok_or(bad("bad parent line"))?);
                }
            }
            Ok(Links::Commit { tree: tree.ok_or(bad("commit without a tree"))?, parents })
        }
        ObjectType::Tag => {
            let line = data.split(|&b| b == b'\n').next().unwrap_or_default();
            let h = line.strip_prefix(b"object ").ok_or(bad("tag without an object line"))?;
            Ok(Links::Tag { target: hex_hash(h).ok_or(bad("bad object line"))? })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        let h = Hash([0xab; 20]);
        let hex = "ab".repeat(20);
        let commit = format!("tree {hex}\nparent {hex}\nparent {hex}\nauthor A <a> 1 +0000\n\nparent {hex}\n");
        assert_eq!(parse(h, ObjectType::Commit, commit.as_bytes()).unwrap(), Links::Commit { tree: h, parents: vec![h, h] });
        let mut tree = b"100644 a.txt\0".to_vec();
        tree.extend_from_slice(&[0xab; 20]);
        tree.extend_from_slice(b"160000 sub\0");
        tree.extend_from_slice(&[0xab; 20]);
        assert_eq!(parse(h, ObjectType::Tree, &tree).unwrap(), Links::Tree { entries: vec![(0o100644, h), (0o160000, h)] });
        assert!(parse(h, ObjectType::Tree, &tree[..tree.len() - 1]).is_err());
        let tag = format!("object {hex}\ntype commit\ntag v1\n");
        assert_eq!(parse(h, ObjectType::Tag, tag.as_bytes()).unwrap(), Links::Tag { target: h });
        assert!(parse(h, ObjectType::Commit, b"author x\n").is_err());
    }
}
