//! The git hashes a git object points to, read from its raw content
//! exactly as git reads them.
//!
//! A push already holds each object's bytes; parsing them here (tree
//! entries, a commit's `tree`/`parent` lines, a tag's `object` line) saves a
//! second lookup through libgit2 per object, and needs no repository, so it
//! can run on another thread. A fetch parses what it received to check the
//! links its NIPObject claimed, which the walk followed.
//!
//! What git follows is what decides which objects a repository needs, so
//! this parser must never read an object another way than git does. It
//! follows git's own parsers (`parse_commit_buffer`, `parse_tag_buffer`,
//! `decode_tree_entry`) and refuses what they refuse, and beyond them what
//! `git fsck` reports as an error because it could be read two ways:
//!
//! - **commit**: the first line is `tree <hex>`; the `parent <hex>` lines
//!   come right after it, one after another; those are the links. A commit
//!   whose header holds another `tree` or `parent` line further down (git
//!   would take the first tree and ignore the later parents), a malformed
//!   tree or parent line, a NUL byte in the header, or a header without a
//!   line end is refused. Author, committer and message are not checked
//!   (git does not check them either unless `fsck.*` asks).
//! - **tag**: `object <hex>`, then `type <blob|tree|commit|tag>`, then
//!   `tag <name>`, as git requires; a NUL in the header is refused.
//! - **tree**: entries `<octal mode> <name>\0<20 bytes>`; the mode is octal
//!   digits only (at most 7), the name is not empty. Which entries point to
//!   objects the repository needs is decided by [`follows`], with git's
//!   `canon_mode`: a mode git does not know as a file, link or directory is
//!   read by git as a submodule (a gitlink), whose commit lives elsewhere.

use crate::format::{Hash, Links, ObjectType};

#[derive(Debug, thiserror::Error)]
#[error("git object {oid} is malformed: {why}")]
pub struct LinksError {
    pub oid: Hash,
    pub why: &'static str,
}

/// `st_mode` type bits, as git uses them.
const S_IFMT: u32 = 0o170000;
const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;

/// Whether git, reading a tree entry of `mode`, needs the object it names:
/// files, links and directories yes; anything else git reads as a gitlink
/// (`canon_mode`), whose commit belongs to another repository.
pub fn follows(mode: u32) -> bool {
    matches!(mode & S_IFMT, S_IFDIR | S_IFREG | S_IFLNK)
}

/// Whether git reads a tree entry of `mode` as a subtree.
pub fn is_tree_mode(mode: u32) -> bool {
    mode & S_IFMT == S_IFDIR
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

/// The header of a commit or tag: the bytes before the first blank line,
/// checked as `git fsck` checks it (no NUL, ends with a line end).
fn header(data: &[u8]) -> Result<&[u8], &'static str> {
    let end = data.windows(2).position(|w| w == b"\n\n").map(|i| i + 1).unwrap_or(data.len());
    let head = &data[..end];
    if head.contains(&0) {
        return Err("a NUL byte in its header");
    }
    if !head.ends_with(b"\n") {
        return Err("its header does not end with a line end");
    }
    Ok(head)
}

/// Splits `header` into its lines (each without its `\n`).
fn lines(header: &[u8]) -> impl Iterator<Item = &[u8]> {
    header.strip_suffix(b"\n").unwrap_or(header).split(|&b| b == b'\n')
}

fn commit(data: &[u8]) -> Result<Links, &'static str> {
    // git's parse_commit_buffer: more than `tree <40 hex>\n` (46 bytes).
    if data.len() <= 46 {
        return Err("it is too short for a commit (git calls it bogus)");
    }
    let mut lines = lines(header(data)?).peekable();
    let first = lines.next().unwrap_or_default();
    let tree = first.strip_prefix(b"tree ").ok_or("it does not start with a tree line")?;
    let tree = hex_hash(tree).ok_or("a malformed tree line")?;
    let mut parents = Vec::new();
    while let Some(p) = lines.peek().and_then(|l| l.strip_prefix(b"parent ")) {
        parents.push(hex_hash(p).ok_or("a malformed parent line")?);
        lines.next();
    }
    if lines.any(|l| l.starts_with(b"tree ") || l.starts_with(b"parent ")) {
        return Err("a tree or parent line after its other headers (git would read it another way)");
    }
    Ok(Links::Commit { tree, parents })
}

fn tag(data: &[u8]) -> Result<Links, &'static str> {
    tag_parts(data).map(|(target, _)| Links::Tag { target })
}

/// A tag's target and the type its `type` line gives it.
fn tag_parts(data: &[u8]) -> Result<(Hash, ObjectType), &'static str> {
    // git's parse_tag_buffer: at least 40 hex digits and 24 bytes more.
    if data.len() < 64 {
        return Err("it is too short for a tag");
    }
    let mut lines = lines(header(data)?);
    let object = lines.next().unwrap_or_default().strip_prefix(b"object ").ok_or("it does not start with an object line")?;
    let target = hex_hash(object).ok_or("a malformed object line")?;
    let kind = lines.next().unwrap_or_default().strip_prefix(b"type ").ok_or("no type line after its object line")?;
    let kind = std::str::from_utf8(kind).ok().and_then(ObjectType::from_name).ok_or("an unknown object type in its type line")?;
    if !lines.next().unwrap_or_default().starts_with(b"tag ") {
        return Err("no tag line after its type line");
    }
    Ok((target, kind))
}

/// The type a tag's content says its target has (its `type` line): git
/// refuses a tag whose target is of another type.
pub fn tag_target_type(oid: Hash, data: &[u8]) -> Result<ObjectType, LinksError> {
    tag_parts(data).map(|(_, kind)| kind).map_err(|why| LinksError { oid, why })
}

fn tree(data: &[u8]) -> Result<Links, &'static str> {
    let mut entries = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let sp = rest.iter().position(|&b| b == b' ').ok_or("a tree entry without a mode")?;
        let digits = &rest[..sp];
        if digits.is_empty() || digits.len() > 7 || !digits.iter().all(|b| (b'0'..=b'7').contains(b)) {
            return Err("a tree entry with a malformed mode");
        }
        let mode = digits.iter().fold(0u32, |m, d| m << 3 | u32::from(d - b'0'));
        let nul = rest[sp..].iter().position(|&b| b == 0).ok_or("a tree entry without a name end")? + sp;
        if nul == sp + 1 {
            return Err("a tree entry with an empty name");
        }
        let hash: [u8; 20] = rest.get(nul + 1..nul + 21).and_then(|h| h.try_into().ok()).ok_or("a truncated tree entry")?;
        entries.push((mode, Hash(hash)));
        rest = &rest[nul + 21..];
    }
    Ok(Links::Tree { entries })
}

/// Reads what `data` (an object of type `kind`, hash `oid`) points to.
pub fn parse(oid: Hash, kind: ObjectType, data: &[u8]) -> Result<Links, LinksError> {
    let parsed = match kind {
        ObjectType::Blob => Ok(Links::Blob),
        ObjectType::Tree => tree(data),
        ObjectType::Commit => commit(data),
        ObjectType::Tag => tag(data),
    };
    parsed.map_err(|why| LinksError { oid, why })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: u8) -> String {
        format!("{b:02x}").repeat(20)
    }

    #[test]
    fn parses_every_kind() {
        let h = Hash([0xab; 20]);
        let hex = hex(0xab);
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

    /// What git reads one way and a careless parser another is refused.
    #[test]
    fn refuses_commits_git_reads_otherwise() {
        let (t1, t2, p) = (hex(1), hex(2), hex(3));
        let bad = [
            format!("tree {t1}\ntree {t2}\nauthor A <a> 1 +0000\ncommitter A <a> 1 +0000\n\nm\n"),
            format!("tree {t1}\nauthor A <a> 1 +0000\nparent {p}\ncommitter A <a> 1 +0000\n\nm\n"),
            format!("author A <a> 1 +0000\ntree {t1}\n\nm\n"),
            format!("tree {t1}\nparent {}\n\nm\n", &p[..39]),
            format!("tree {t1}\nparent {p}x\n\nm\n"),
            format!("tree {t1}\nauthor A\0 <a> 1 +0000\n\nm\n"),
            format!("tree {t1}"),
            format!("tree  {t1}\n\n"),
            format!("tree {t1}\n"),
            String::new(),
        ];
        for c in &bad {
            assert!(parse(Hash([0; 20]), ObjectType::Commit, c.as_bytes()).is_err(), "{c:?} was accepted");
        }
        // A parent line in the message is text, for git as for nip; so is
        // a NUL in the message (a warning for fsck, not an error).
        let ok = format!("tree {t1}\nparent {p}\nauthor A <a> 1 +0000\n\ntree {t2}\nparent {t2}\n\0\n");
        assert_eq!(
            parse(Hash([0; 20]), ObjectType::Commit, ok.as_bytes()).unwrap(),
            Links::Commit { tree: Hash([1; 20]), parents: vec![Hash([3; 20])] }
        );
    }

    #[test]
    fn refuses_tags_git_refuses() {
        let o = hex(1);
        for t in [
            format!("type commit\nobject {o}\ntag v\n"),
            format!("object {o}\ntag v\n"),
            format!("object {o}\ntype kommit\ntag v\n"),
            format!("object {o}\ntype commit\n"),
            format!("object {o}\ntype commit\ntagger x\n"),
            format!("object {o}\0\ntype commit\ntag v\n"),
            format!("object {o}\ntype tag\ntag \n"),
        ] {
            assert!(parse(Hash([0; 20]), ObjectType::Tag, t.as_bytes()).is_err(), "{t:?} was accepted");
        }
    }

    #[test]
    fn tree_modes_as_git_reads_them() {
        let entry = |mode: &str, name: &str| {
            let mut e = format!("{mode} {name}\0").into_bytes();
            e.extend_from_slice(&[7; 20]);
            e
        };
        for (mode, name) in [("+100644", "a"), ("", "a"), ("100648", "a"), ("12345670", "a"), ("100644", "")] {
            assert!(parse(Hash([0; 20]), ObjectType::Tree, &entry(mode, name)).is_err(), "{mode:?} {name:?} accepted");
        }
        assert!(parse(Hash([0; 20]), ObjectType::Tree, &entry("040000", "d")).is_ok());
        // git's canon_mode: files, links and directories are followed,
        // whatever their permission bits; every other mode is a gitlink.
        for m in [0o100644, 0o100755, 0o100000, 0o120000, 0o040000, 0o040755] {
            assert!(follows(m), "{m:o}");
        }
        for m in [0o160000, 0o170000, 0o000644, 0o020000, 0o060000, 0o140000] {
            assert!(!follows(m), "{m:o}");
        }
    }
}
