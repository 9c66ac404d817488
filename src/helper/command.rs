//! The lines git sends a remote helper on its stdin (gitremote-helpers(7)),
//! typed: [`Command::parse`] turns one line into a [`Command`] or says why
//! it is not one. Nothing here acts on a command; the loop in
//! [`super::Helper::run`] does.
//!
//! What git sends nip: `capabilities`, `list`, `list for-push`,
//! `option <name> <value>`, batches of `fetch <sha> <name>` and of
//! `push <refspec>` (each ended by a blank line), and a blank line that
//! ends the session. After `capabilities`, `list` and `option` the rest of
//! the line is not checked further than git's own helpers check it: `list`
//! followed by anything but ` for-push` is a `list`.

use crate::push::PushCommand;
use crate::Error;
use git2::Oid;

/// One line from git.
#[derive(Debug)]
pub enum Command {
    /// A blank line: the end of the session, or of a batch.
    End,
    /// `capabilities`: what nip can do.
    Capabilities,
    /// `list` (`for_push` false) or `list for-push`.
    List { for_push: bool },
    /// `option <name> <value>`; the value as git sent it (git C-quotes the
    /// value of an option that is not a boolean when it holds a quote, a
    /// backslash, a control or a non-ASCII byte; see
    /// [`super::options::unquote_c`]).
    Option { name: String, value: String },
    /// `fetch <sha> <name>`: one object git wants, and the ref it came from.
    Fetch { oid: Oid, name: String },
    /// `push <refspec>`: `[+]<src>:<dst>`, an empty `<src>` for a deletion.
    Push(PushCommand),
}

/// A line from git that is no [`Command`].
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// A command nip does not know (a newer git's, or not git's at all).
    #[error("git sent an unknown command {line:?}; is git too new for this nip?")]
    Unknown { line: String },
    /// A `fetch` line whose first word is not a full object id.
    #[error("git asked to fetch {sha:?}, which is not an object id")]
    NotAnObjectId { sha: String },
    /// A `push` line whose refspec cannot be pushed (the reason in the words
    /// of [`PushCommand::parse`]).
    #[error(transparent)]
    Refspec(Box<Error>),
    /// A line of another kind inside a batch of `fetch` or `push` lines.
    #[error("git sent {line:?} inside a batch of {batch} lines; a batch ends with a blank line")]
    OutOfBatch { line: String, batch: &'static str },
}

impl From<CommandError> for Error {
    fn from(e: CommandError) -> Error {
        match e {
            CommandError::Refspec(e) => *e,
            other => super::HelperError::Command(other).into(),
        }
    }
}

impl Command {
    /// Reads one line as git sent it (its line ending, if any, ignored).
    pub fn parse(line: &str) -> Result<Command, CommandError> {
        let line = line.trim_end_matches(['\n', '\r']);
        if line.is_empty() {
            return Ok(Command::End);
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        match word {
            "capabilities" => Ok(Command::Capabilities),
            "list" => Ok(Command::List { for_push: rest == "for-push" }),
            "option" => {
                let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
                Ok(Command::Option { name: name.to_string(), value: value.to_string() })
            }
            "fetch" => {
                let (sha, name) = rest.split_once(' ').unwrap_or((rest, ""));
                let oid = Some(sha)
                    .filter(|s| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|s| Oid::from_str(s).ok())
                    .ok_or_else(|| CommandError::NotAnObjectId { sha: sha.to_string() })?;
                Ok(Command::Fetch { oid, name: name.to_string() })
            }
            "push" => PushCommand::parse(rest).map(Command::Push).map_err(|e| CommandError::Refspec(Box::new(e.into()))),
            _ => Err(CommandError::Unknown { line: line.to_string() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "d177449bdf66e60fc9ed350b808f3701dea49120";

    fn parsed(line: &str) -> Command {
        Command::parse(line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
    }

    fn refused(line: &str) -> CommandError {
        match Command::parse(line) {
            Ok(c) => panic!("{line:?} was taken as {c:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn the_session_lines() {
        assert!(matches!(parsed(""), Command::End));
        assert!(matches!(parsed("\n"), Command::End));
        assert!(matches!(parsed("\r\n"), Command::End));
        assert!(matches!(parsed("capabilities\n"), Command::Capabilities));
        assert!(matches!(parsed("list\n"), Command::List { for_push: false }));
        assert!(matches!(parsed("list for-push\n"), Command::List { for_push: true }));
        // As git's own helpers read it: anything else after `list` is a list.
        assert!(matches!(parsed("list for-pushes"), Command::List { for_push: false }));
    }

    #[test]
    fn options_keep_their_value_as_git_sent_it() {
        let option = |line: &str| match parsed(line) {
            Command::Option { name, value } => (name, value),
            other => panic!("{line:?} was taken as {other:?}"),
        };
        assert_eq!(option("option progress true\n"), ("progress".into(), "true".into()));
        assert_eq!(option("option verbosity 2"), ("verbosity".into(), "2".into()));
        assert_eq!(option("option cas refs/heads/main:"), ("cas".into(), "refs/heads/main:".into()));
        assert_eq!(option(r#"option push-option "a b\303\251""#), ("push-option".into(), r#""a b\303\251""#.into()));
        assert_eq!(option("option push-option two words"), ("push-option".into(), "two words".into()));
        assert_eq!(option("option dry-run"), ("dry-run".into(), "".into()));
        assert_eq!(option("option"), ("".into(), "".into()));
    }

    #[test]
    fn fetch_lines() {
        match parsed(&format!("fetch {SHA} refs/heads/main\n")) {
            Command::Fetch { oid, name } => assert_eq!((oid.to_string(), name.as_str()), (SHA.to_string(), "refs/heads/main")),
            other => panic!("{other:?}"),
        }
        match parsed(&format!("fetch {}", SHA.to_uppercase())) {
            Command::Fetch { oid, name } => assert_eq!((oid.to_string(), name.as_str()), (SHA.to_string(), "")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_fetch_of_no_object_id_is_refused() {
        for (line, sha) in [
            ("fetch", ""),
            ("fetch  refs/heads/main", ""),
            ("fetch d177 refs/heads/main", "d177"),
            ("fetch refs/heads/main", "refs/heads/main"),
            (&format!("fetch {SHA}0 refs/heads/main"), &format!("{SHA}0")),
            (&format!("fetch {}g x", &SHA[..39]), &format!("{}g", &SHA[..39])),
            ("fetch \u{1b}[2J\u{e9} x", "\u{1b}[2J\u{e9}"),
        ] {
            match refused(line) {
                CommandError::NotAnObjectId { sha: s } => assert_eq!(s, sha, "{line:?}"),
                other => panic!("{line:?}: {other:?}"),
            }
        }
        assert_eq!(refused("fetch xyz a").to_string(), r#"git asked to fetch "xyz", which is not an object id"#);
    }

    #[test]
    fn push_lines() {
        let push = |line: &str| match parsed(line) {
            Command::Push(p) => (p.src, p.dst, p.force),
            other => panic!("{line:?} was taken as {other:?}"),
        };
        assert_eq!(
            push("push refs/heads/main:refs/heads/main\n"),
            (Some("refs/heads/main".into()), "refs/heads/main".into(), false)
        );
        assert_eq!(push("push +refs/heads/a:refs/heads/b"), (Some("refs/heads/a".into()), "refs/heads/b".into(), true));
        assert_eq!(push("push :refs/tags/v1"), (None, "refs/tags/v1".into(), false));
    }

    #[test]
    fn a_push_to_no_ref_is_refused_in_the_words_of_push() {
        for (line, said) in [
            ("push refs/heads/main", r#"push refspec "refs/heads/main" has no ':<dst>'"#),
            ("push", r#"push refspec "" has no ':<dst>'"#),
            ("push refs/heads/main:", r#"push refspec "refs/heads/main:" has an empty destination"#),
            ("push a:refs/heads/a..b", "cannot push to \"refs/heads/a..b\": it is not a valid git ref name"),
            ("push a:refs/heads/x\u{1b}[2J", "cannot push to \"refs/heads/x\\u{1b}[2J\": it is not a valid git ref name"),
        ] {
            let e = refused(line);
            assert!(matches!(e, CommandError::Refspec(_)), "{line:?}: {e:?}");
            assert!(Error::from(e).to_string().starts_with(said), "{line:?}");
        }
    }

    #[test]
    fn unknown_and_hostile_lines_are_refused() {
        for line in [
            "connect git-upload-pack",
            "stateless-connect git-upload-pack",
            "import refs/heads/main",
            "export",
            "get https://example.org/x /tmp/x",
            "Capabilities",
            "capabilities\0",
            " list",
            " ",
            "\tfetch",
            "listen",
            "\u{1b}]0;owned\u{7}",
        ] {
            match refused(line) {
                CommandError::Unknown { line: l } => assert_eq!(l, line),
                other => panic!("{line:?}: {other:?}"),
            }
        }
        // The message quotes the line inert: no escape reaches the terminal.
        assert_eq!(
            refused("\u{1b}]0;owned\u{7}\n").to_string(),
            r#"git sent an unknown command "\u{1b}]0;owned\u{7}"; is git too new for this nip?"#
        );
    }
}
