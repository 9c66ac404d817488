//! What git says with `option <name> <value>`: the settings of this
//! invocation ([`Options`]), whether nip supports each, and the git
//! features refused before any transfer (shallow and partial clones).

use crate::format::Hash;
use git2::Oid;

/// What git told us with `option`.
#[derive(Debug, Clone)]
pub struct Options {
    pub progress: bool,
    pub verbosity: u32,
    pub dry_run: bool,
    pub atomic: bool,
    /// `option cas`: by destination ref, what it must be now.
    pub leases: std::collections::BTreeMap<String, Option<Hash>>,
    /// `option push-option`, in order.
    pub push_options: Vec<String>,
    /// A feature git asked for that nip cannot do yet (a shallow or
    /// partial clone): the fetch refuses with this before any transfer.
    pub not_yet: Option<&'static str>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            progress: false,
            verbosity: 1,
            dry_run: false,
            atomic: false,
            leases: Default::default(),
            push_options: Vec::new(),
            not_yet: None,
        }
    }
}

impl Options {
    /// Applies `option <name> <value>` (`value` as git sent it); whether
    /// it is supported (git's answer is `ok` or `unsupported`).
    pub fn set(&mut self, name: &str, value: &str) -> bool {
        if let Some(why) = not_yet(name, value) {
            // Taken, and refused at the fetch, before any transfer:
            // `git clone` goes on after an option it was refused.
            self.not_yet = Some(why);
            return true;
        }
        // git C-quotes the value of an option that is not a boolean when it
        // holds a quote, a backslash, a control or a non-ASCII byte.
        let value = unquote_c(value);
        let value = value.as_str();
        match name {
            "progress" => self.progress = value == "true",
            "verbosity" => self.verbosity = value.parse().unwrap_or(1),
            "dry-run" => self.dry_run = value == "true",
            "atomic" => self.atomic = value == "true",
            "cas" => match parse_lease(value) {
                Some((name, expected)) => {
                    self.leases.insert(name, expected);
                }
                None => {
                    eprintln!("nip: error: git sent a lease nip cannot read: {}", crate::protocol::for_terminal(value));
                    return false;
                }
            },
            // git has checked the remote-tracking ref's reflog itself, and
            // sends no push line for a ref it refused.
            "force-if-includes" => {}
            // A push git signs only if the server asks; nip never asks.
            "pushcert" if value == "false" || value == "if-asked" => {}
            "pushcert" => {
                eprintln!(
                    "nip: error: nip cannot take a signed push: it stores no push certificates; push without \
                     --signed (or with --signed=if-asked), and sign the commits or tags instead"
                );
                return false;
            }
            "push-option" => self.push_options.push(value.to_string()),
            _ => return false,
        }
        true
    }
}

/// A `cas` value: `<refname>:<expected>`, expected empty or all zeros for
/// "must not exist".
fn parse_lease(value: &str) -> Option<(String, Option<Hash>)> {
    let (name, expected) = value.split_once(':')?;
    crate::refname::check(name).ok()?;
    let expected = match expected {
        "" => None,
        hex => {
            let oid = Oid::from_str(hex).ok().filter(|_| hex.len() == 40)?;
            (!oid.is_zero()).then(|| Hash::from(oid))
        }
    };
    Some((name.to_string(), expected))
}

/// `s` as git's `unquote_c_style` reads it when it is a quoted string
/// (`"a\tb\303\251"`), else `s` itself.
pub fn unquote_c(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else { return s.to_string() };
    let bytes = inner.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'\\' || i == bytes.len() {
            out.push(b);
            continue;
        }
        let e = bytes[i];
        i += 1;
        out.push(match e {
            b'a' => 7,
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 11,
            b'0'..=b'3' if bytes.len() >= i + 2 => {
                let d = |c: u8| c.wrapping_sub(b'0');
                let (d1, d2) = (d(bytes[i]), d(bytes[i + 1]));
                if d1 > 7 || d2 > 7 {
                    return s.to_string();
                }
                i += 2;
                (d(e) << 6) | (d1 << 3) | d2
            }
            other => other, // `\"`, `\\`
        });
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why nip refuses the option `name` (with `value`) before any transfer,
/// for the git features it cannot do yet: shallow and partial (filtered)
/// clones and fetches. Answered `unsupported`, git would go on with a full
/// clone (leaving `remote.<name>.promisor` set for a filter), which is not
/// what was asked for.
fn not_yet(name: &str, value: &str) -> Option<&'static str> {
    match name {
        "depth" | "deepen-since" | "deepen-not" => Some(
            "nip does not do shallow clones or fetches yet (--depth, --shallow-since, --shallow-exclude, --deepen, \
             --unshallow); clone or fetch the whole history",
        ),
        "deepen-relative" if value == "true" => Some("nip does not do shallow fetches yet (--deepen); fetch the whole history"),
        "filter" => Some("nip does not do partial clones yet (--filter); clone without --filter"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_are_unquoted_as_git_quotes_them() {
        assert_eq!(unquote_c("plain value"), "plain value");
        assert_eq!(unquote_c(r#""\303\251t\303\251 \"q\" \\ \t""#), "été \"q\" \\ \t");
        assert_eq!(unquote_c(r#""bad \9""#), "bad 9");
        assert_eq!(unquote_c(r#""cut \30""#), "cut 30");
        assert_eq!(unquote_c(r#""trailing \""#), "trailing \\");
        assert_eq!(unquote_c("\""), "\"");
    }

    #[test]
    fn leases() {
        let h = "d177449bdf66e60fc9ed350b808f3701dea49120";
        let hash = Hash::from(Oid::from_str(h).unwrap());
        assert_eq!(parse_lease(&format!("refs/heads/main:{h}")), Some(("refs/heads/main".into(), Some(hash))));
        assert_eq!(parse_lease("refs/heads/main:"), Some(("refs/heads/main".into(), None)));
        assert_eq!(parse_lease(&format!("refs/heads/main:{}", "0".repeat(40))), Some(("refs/heads/main".into(), None)));
        assert_eq!(parse_lease("refs/heads/main:d177"), None, "an abbreviated id");
        assert_eq!(parse_lease("refs/heads/main"), None);
        assert_eq!(parse_lease(&format!("refs/heads/a..b:{h}")), None);
    }

    #[test]
    fn options_set_what_git_asks_and_refuse_the_rest() {
        let mut o = Options::default();
        assert!(o.set("progress", "true") && o.progress);
        assert!(o.set("verbosity", "2") && o.verbosity == 2);
        assert!(o.set("verbosity", "loud") && o.verbosity == 1, "an unreadable verbosity is the default");
        assert!(o.set("dry-run", "true") && o.dry_run);
        assert!(o.set("atomic", "true") && o.atomic);
        assert!(o.set("cas", "refs/heads/main:") && o.leases.get("refs/heads/main") == Some(&None));
        assert!(!o.set("cas", "refs/heads/main"), "a lease with no expected value");
        assert!(o.set("force-if-includes", "true"));
        assert!(o.set("pushcert", "if-asked") && o.set("pushcert", "false"));
        assert!(!o.set("pushcert", "true"));
        assert!(o.set("push-option", r#""\303\251""#) && o.push_options == ["é"]);
        assert!(!o.set("followtags", "true") && !o.set("", ""));
        assert_eq!(o.not_yet, None);
        assert!(!o.set("deepen-relative", "false") && o.not_yet.is_none(), "answered unsupported");
        assert!(o.set("depth", "1") && o.not_yet.is_some_and(|w| w.contains("shallow clones")));
        let mut o = Options::default();
        assert!(o.set("filter", "blob:none") && o.not_yet.is_some_and(|w| w.contains("--filter")));
        let mut o = Options::default();
        assert!(o.set("deepen-relative", "true") && o.not_yet.is_some_and(|w| w.contains("--deepen")));
    }
}
