//! Ref names as git accepts them: the rules of git-check-ref-format(1).
//!
//! Every ref name in an index comes from an address, so from anyone: one
//! with a newline in it would be read by git as more lines of the helper
//! protocol (`lock <path>` makes git delete that path). An index is refused
//! at decode time unless each ref name, and its `head`, passes [`check`],
//! and the protocol writer ([`crate::protocol`]) takes only a [`RefName`],
//! which can only be made by passing it.
//!
//! The rules, as `git check-ref-format` applies them to a full ref name (no
//! `--allow-onelevel`, no `--refspec-pattern`, no `--normalize`):
//!
//! 1. it starts with `refs/` (nip stores full ref names only; `HEAD` is the
//!    index's `head` field, never a ref);
//! 2. no component begins with `.` or ends with `.lock`;
//! 3. no `..` anywhere;
//! 4. no byte below 0x20 (controls, newline, NUL), no DEL (0x7f), no space,
//!    and none of `~ ^ : ? * [ \`;
//! 5. it does not end with `/` or `.`, and has no empty component (`//`);
//! 6. no `@{`, and it is not `@`.
//!
//! One rule is stricter than git: no Unicode control character (C1, such as
//! U+009B, which terminals read as the start of an escape sequence) and no
//! bidirectional override (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F,
//! U+061C), since git prints ref names to the terminal as they are and such
//! a name could show itself as another.
//!
//! Names are also bounded in length ([`MAX_LEN`]): git has no limit of its
//! own, but no filesystem holds a 4,096-byte path component chain.

use std::fmt;

/// Longest ref name accepted, in bytes (Linux's `PATH_MAX`).
pub const MAX_LEN: usize = 4096;

/// Why `name` is not a valid git ref name, or `Ok`.
pub fn check(name: &str) -> Result<(), &'static str> {
    if name.len() > MAX_LEN {
        return Err("is longer than 4096 bytes");
    }
    if !name.starts_with("refs/") {
        return Err("does not start with refs/");
    }
    if let Some(b) = name.bytes().find(|&b| b < 0x20 || b == 0x7f) {
        return Err(if b == b'\n' { "contains a newline" } else { "contains a control character" });
    }
    if name.chars().any(crate::protocol::is_unsafe_for_terminal) {
        return Err("contains a Unicode control or bidirectional-override character");
    }
    if name.bytes().any(|b| matches!(b, b' ' | b'~' | b'^' | b':' | b'?' | b'*' | b'[' | b'\\')) {
        return Err("contains a space or one of ~ ^ : ? * [ \\");
    }
    if name.contains("..") {
        return Err("contains ..");
    }
    if name.contains("@{") {
        return Err("contains @{");
    }
    if name.ends_with('/') || name.ends_with('.') {
        return Err("ends with / or .");
    }
    for component in name.split('/') {
        if component.is_empty() {
            return Err("has an empty component (//)");
        }
        if component.starts_with('.') {
            return Err("has a component that starts with .");
        }
        if component.ends_with(".lock") {
            return Err("has a component that ends with .lock");
        }
    }
    Ok(())
}

/// `name` quoted for a message: escaped, and cut after 100 characters.
pub fn shown(name: &str) -> String {
    let cut: String = name.chars().take(100).collect();
    if cut.len() < name.len() {
        format!("{cut:?}... ({} bytes)", name.len())
    } else {
        format!("{cut:?}")
    }
}

/// A ref name that passed [`check`]: it cannot hold a newline, a space or
/// any other byte that would change the meaning of a protocol line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RefName(String);

/// A name that is not a valid ref name, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not a valid git ref name: it {why}", shown(.name))]
pub struct InvalidRefName {
    pub name: String,
    pub why: &'static str,
}

impl RefName {
    pub fn new(name: &str) -> Result<RefName, InvalidRefName> {
        check(name).map_err(|why| InvalidRefName { name: name.to_string(), why })?;
        Ok(RefName(name.to_string()))
    }
}

impl fmt::Display for RefName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_git_accepts() {
        for ok in [
            "refs/heads/main",
            "refs/tags/v1.0",
            "refs/heads/a-b_c/d.e",
            "refs/heads/ünï",
            "refs/x",
            "refs/heads/@x",
            "refs/a.b/c",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_what_git_refuses() {
        for bad in [
            "refs/heads/a\n\nok\nlock /home/user/important",
            "refs/heads/a b",
            "refs/heads/a\0",
            "refs/heads/a\x7f",
            "refs/heads/a\r",
            "refs/heads/a\u{9b}31m",
            "refs/heads/main\u{202e}",
            "refs/heads/\u{2066}x",
            "refs/heads/a..b",
            "refs/heads/.hidden",
            "refs/heads/a.lock",
            "refs/heads/a/",
            "refs/heads/a.",
            "refs/heads//a",
            "refs/heads/a@{1}",
            "refs/heads/a~1",
            "refs/heads/a^",
            "refs/heads/a:b",
            "refs/heads/a?",
            "refs/heads/a*",
            "refs/heads/a[",
            "refs/heads/a\\b",
            "HEAD",
            "main",
            "refs",
            "refs/",
            "",
            "@",
        ] {
            assert!(check(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(check(&format!("refs/heads/{}", "a".repeat(MAX_LEN))).is_err());
    }

    /// The rules agree with libgit2's, which follow git's, on every name
    /// both consider (libgit2 also accepts one-level names like `HEAD`).
    #[test]
    fn agrees_with_libgit2() {
        let parts = ["refs", "heads", "a", ".", "..", "a.lock", "@", "@{", "x y", "a\tb", "", "b.", "~", "ü"];
        let mut names = Vec::new();
        for a in parts {
            for b in parts {
                for c in parts {
                    names.push(format!("{a}/{b}/{c}"));
                    names.push(format!("{a}/{b}{c}"));
                }
            }
        }
        for name in names {
            if !name.starts_with("refs/") {
                continue;
            }
            assert_eq!(check(&name).is_ok(), git2::Reference::is_valid_name(&name), "{name:?}");
            // (No part holds a Unicode control or bidi character, where nip
            // is stricter than git.)
        }
    }
}
