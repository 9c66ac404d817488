//! The lines nip writes to git on stdout (gitremote-helpers(7)), typed.
//!
//! git reads the helper's stdout line by line and takes each line as the
//! answer to what it asked: a line smuggled in by data (a ref name holding
//! `\n\nok\nlock /home/user/important`) would be taken as an answer too, and
//! `lock <path>` makes git delete that path. So nothing is written to git
//! with `format!`: every answer is a method of [`Writer`], whose arguments
//! cannot hold a line break. Object ids are [`Hash`](struct@Hash)es; ref names are
//! [`RefName`]s (only a name that passes git's `check-ref-format` rules can
//! be one); a path or a reason given to git is checked or cleaned here.

use crate::format::Hash;
use crate::refname::RefName;
use std::io::{self, Write};
use std::path::Path;

/// Writes protocol answers to git.
pub struct Writer<'w> {
    out: &'w mut dyn Write,
}

impl<'w> Writer<'w> {
    pub fn new(out: &'w mut dyn Write) -> Writer<'w> {
        Writer { out }
    }

    /// The answer to `capabilities`: one line each, then the blank line.
    pub fn capabilities(&mut self, caps: &[&'static str]) -> io::Result<()> {
        for cap in caps {
            debug_assert!(!cap.contains(['\n', '\r']), "capability {cap:?}");
            writeln!(self.out, "{cap}")?;
        }
        self.end()
    }

    /// The answer to `option`: `ok` or `unsupported`.
    pub fn option(&mut self, supported: bool) -> io::Result<()> {
        writeln!(self.out, "{}", if supported { "ok" } else { "unsupported" })
    }

    /// A `list` line: `<oid> <name>`.
    pub fn listed(&mut self, oid: Hash, name: &RefName) -> io::Result<()> {
        writeln!(self.out, "{oid} {name}")
    }

    /// A `list` line for an annotated tag's final target: `<oid> <name>^{}`.
    pub fn peeled(&mut self, oid: Hash, name: &RefName) -> io::Result<()> {
        writeln!(self.out, "{oid} {name}^{{}}")
    }

    /// The `list` line naming the remote's default branch: `@<ref> HEAD`.
    pub fn head(&mut self, target: &RefName) -> io::Result<()> {
        writeln!(self.out, "@{target} HEAD")
    }

    /// After a fetch: `lock <path>`, the `.keep` file git removes once it has
    /// updated the refs. A path git would read as more than one line, or
    /// that is not UTF-8, is not written (the pack stays kept).
    pub fn lock(&mut self, keep: &Path) -> io::Result<()> {
        match keep.to_str() {
            Some(p) if !p.contains(['\n', '\r']) => writeln!(self.out, "lock {p}"),
            _ => {
                log::warn!("not handing git the keep file {keep:?}: its path cannot be one protocol line");
                Ok(())
            }
        }
    }

    /// A push status: `ok <dst>`.
    pub fn pushed(&mut self, dst: &RefName) -> io::Result<()> {
        writeln!(self.out, "ok {dst}")
    }

    /// A push status: `error <dst> <why>`; `why` is one line, whatever it
    /// holds (every control character becomes a space).
    pub fn refused(&mut self, dst: &RefName, why: &str) -> io::Result<()> {
        writeln!(self.out, "error {dst} {}", one_line(why))
    }

    /// The blank line that ends a batch.
    pub fn end(&mut self) -> io::Result<()> {
        writeln!(self.out)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// `s` with every control character replaced by a space.
pub fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// `s` with every byte but URL-unreserved ones (`A-Z a-z 0-9 - . _ ~`)
/// percent-encoded: a path segment or a query value that cannot change
/// the URL's structure.
pub fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether `c` would change how a terminal shows what follows it: a
/// control character (C0, DEL, C1: newlines, escape sequences) or a
/// bidirectional override (the "Trojan Source" characters).
pub fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// `s` as one line a terminal shows as it is: every character of
/// [`is_unsafe_for_terminal`] written as its escape (`\n`, `\u{1b}`). The
/// binaries pass every message through it, since a message can quote what
/// an address holds.
pub fn for_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe_for_terminal(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(f: impl FnOnce(&mut Writer<'_>) -> io::Result<()>) -> String {
        let mut buf = Vec::new();
        f(&mut Writer::new(&mut buf)).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn every_answer_is_one_line() {
        let name = RefName::new("refs/tags/v1").unwrap();
        let h = Hash([0xab; 20]);
        assert_eq!(written(|w| w.listed(h, &name)), format!("{h} refs/tags/v1\n"));
        assert_eq!(written(|w| w.peeled(h, &name)), format!("{h} refs/tags/v1^{{}}\n"));
        assert_eq!(written(|w| w.head(&name)), "@refs/tags/v1 HEAD\n");
        assert_eq!(written(|w| w.refused(&name, "no\n\nok refs/heads/x\r")), "error refs/tags/v1 no  ok refs/heads/x \n");
        assert_eq!(written(|w| w.lock(Path::new("/tmp/a\nlock /etc/passwd"))), "");
        assert_eq!(written(|w| w.lock(Path::new("/r/.git/objects/pack/pack-1.keep"))), "lock /r/.git/objects/pack/pack-1.keep\n");
        assert_eq!(written(|w| w.capabilities(&["fetch", "push"])), "fetch\npush\n\n");
    }

    #[test]
    fn messages_reach_the_terminal_as_one_inert_line() {
        assert_eq!(for_terminal("kind \u{1b}]0;x\u{7}\nnip: error: forged"), "kind \\u{1b}]0;x\\u{7}\\nnip: error: forged");
        assert_eq!(for_terminal("a\u{9b}31m b\u{202e}c é"), "a\\u{9b}31m b\\u{202e}c é");
        assert_eq!(for_terminal("plain: text (ok) ü"), "plain: text (ok) ü");
    }

    #[test]
    fn a_ref_name_with_a_newline_cannot_be_made() {
        assert!(RefName::new("refs/heads/a\n\nok\nlock /home/user/important").is_err());
    }
}
