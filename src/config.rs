//! nip's settings, read the way git resolves its configuration.
//!
//! git gives a remote helper its `-c` settings in the environment, not in a
//! file: `GIT_CONFIG_COUNT` with `GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>`
//! (git 2.31 and later), then `GIT_CONFIG_PARAMETERS` (every `git -c` and
//! `--config-env` of the commands above the helper). libgit2 reads neither,
//! so [`Settings`] reads them itself and puts them above the files, as git
//! does. The files are read with libgit2, in git's order:
//!
//! 1. the system file (`/etc/gitconfig`, or `GIT_CONFIG_SYSTEM`), unless
//!    `GIT_CONFIG_NOSYSTEM` is true;
//! 2. the global files: `$XDG_CONFIG_HOME/git/config` (or
//!    `~/.config/git/config`), then `~/.gitconfig`; `GIT_CONFIG_GLOBAL`
//!    instead of both when set;
//! 3. the repository's `config` (and `config.worktree`), when there is a
//!    repository (git sets `GIT_DIR` for the helper);
//! 4. the `GIT_CONFIG_COUNT` pairs, in their order;
//! 5. `GIT_CONFIG_PARAMETERS`, in its order.
//!
//! The last value found wins. [`Settings::get`] is the one way nip reads a
//! setting: git config first (every scope above), then the `NIP_*`
//! environment variables named for it, in their order. Every value comes
//! with where it was found, for messages.

use std::path::PathBuf;

/// Where a value was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    System,
    Global,
    Repository,
    /// `GIT_CONFIG_KEY_<n>` (its `n`).
    Count(usize),
    /// `git -c` (`GIT_CONFIG_PARAMETERS`).
    CommandLine,
}

#[derive(Clone, Debug)]
struct Entry {
    key: String,
    /// `None`: the key alone (`[nip] store`, `git -c nip.store`), git's
    /// boolean true.
    value: Option<String>,
    scope: Scope,
}

/// A setting's value and where it came from (`git -c nip.store`, `the
/// repository's git config nip.store`, `NIP_STORE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub text: String,
    pub from: String,
}

/// Every `nip.*` entry of git's configuration, and every `remote.<name>.nip*`
/// (`remote.<name>.nipPinService`), in git's order.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    entries: Vec<Entry>,
    /// Why the command line's settings could not be read (malformed
    /// `GIT_CONFIG_PARAMETERS`): every lookup fails with it.
    error: Option<String>,
}

/// git's boolean for an environment variable (`GIT_CONFIG_NOSYSTEM`).
fn env_bool(name: &str) -> bool {
    match std::env::var(name) {
        Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
            "" | "false" | "no" | "off" => false,
            "true" | "yes" | "on" => true,
            n => n.parse::<i64>().map(|n| n != 0).unwrap_or(false),
        },
        Err(_) => false,
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).map(PathBuf::from)
}

fn rank(level: git2::ConfigLevel) -> u8 {
    use git2::ConfigLevel::*;
    match level {
        ProgramData => 0,
        System => 1,
        XDG => 2,
        Global => 3,
        Local => 4,
        Worktree => 5,
        App => 6,
        Highest => 7,
    }
}

fn scope_of(level: git2::ConfigLevel) -> Scope {
    use git2::ConfigLevel::*;
    match level {
        ProgramData | System => Scope::System,
        XDG | Global => Scope::Global,
        _ => Scope::Repository,
    }
}

impl Settings {
    /// The settings that apply here: the repository git names (`GIT_DIR`)
    /// or the working directory is in, if any, and the environment.
    pub fn here() -> Settings {
        match git2::Repository::open_from_env() {
            Ok(repo) => Settings::of(Some(&repo)),
            Err(_) => Settings::of(None),
        }
    }

    /// The settings for `repo` (opened from the environment, so that
    /// libgit2 honours `GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_SYSTEM` and
    /// `GIT_CONFIG_GLOBAL` as git does), or for no repository.
    pub fn of(repo: Option<&git2::Repository>) -> Settings {
        let config = match repo {
            Some(repo) => repo.config().ok().or_else(Settings::user_files),
            None => Settings::user_files(),
        };
        let mut files = Vec::new();
        let nosystem = env_bool("GIT_CONFIG_NOSYSTEM");
        let own_global = std::env::var_os("GIT_CONFIG_GLOBAL").is_some();
        if let Some(config) = &config {
            if let Ok(mut entries) = config.entries(Some("^(nip\\.|remote\\..*\\.nip)")) {
                while let Some(Ok(e)) = entries.next() {
                    let level = e.level();
                    // libgit2 reads the XDG file even with GIT_CONFIG_GLOBAL;
                    // git does not.
                    if (nosystem && scope_of(level) == Scope::System) || (own_global && level == git2::ConfigLevel::XDG) {
                        continue;
                    }
                    let Ok(key) = e.name() else { continue };
                    let value = if e.has_value() { Some(String::from_utf8_lossy(e.value_bytes()).into_owned()) } else { None };
                    files.push((rank(level), Entry { key: key.to_string(), value, scope: scope_of(level) }));
                }
            }
        }
        // Stable: within one file, its order.
        files.sort_by_key(|(r, _)| *r);
        let mut entries: Vec<Entry> = files.into_iter().map(|(_, e)| e).collect();
        let error = match command_line() {
            Ok(pairs) => {
                entries.extend(pairs);
                None
            }
            Err(e) => Some(e),
        };
        Settings { entries, error }
    }

    /// The system and global files, without a repository, chosen as git
    /// chooses them (libgit2's default config ignores the environment).
    fn user_files() -> Option<git2::Config> {
        use git2::ConfigLevel;
        let mut config = git2::Config::new().ok()?;
        if !env_bool("GIT_CONFIG_NOSYSTEM") {
            if let Some(p) = env_path("GIT_CONFIG_SYSTEM").or_else(|| git2::Config::find_system().ok()) {
                let _ = config.add_file(&p, ConfigLevel::System, false);
            }
        }
        match env_path("GIT_CONFIG_GLOBAL") {
            Some(p) => {
                let _ = config.add_file(&p, ConfigLevel::Global, false);
            }
            None => {
                if let Ok(p) = git2::Config::find_xdg() {
                    let _ = config.add_file(&p, ConfigLevel::XDG, false);
                }
                if let Ok(p) = git2::Config::find_global() {
                    let _ = config.add_file(&p, ConfigLevel::Global, false);
                }
            }
        }
        Some(config)
    }

    /// Settings from these entries only (for tests): `(key, value, scope)`,
    /// in git's order.
    #[cfg(test)]
    pub fn from_entries(entries: &[(&str, Option<&str>, Scope)]) -> Settings {
        Settings {
            entries: entries
                .iter()
                .map(|(k, v, s)| Entry { key: k.to_string(), value: v.map(str::to_string), scope: *s })
                .collect(),
            error: None,
        }
    }

    /// The value git config gives `key` (the last one found), if any. A key
    /// with no value (`[nip] store` alone) is an error, as git says for a
    /// setting that needs one.
    pub fn git(&self, key: &str) -> Result<Option<Value>, String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let Some(e) = self.entries.iter().rev().find(|e| e.key.eq_ignore_ascii_case(key)) else { return Ok(None) };
        let from = match e.scope {
            Scope::CommandLine => format!("git -c {key}"),
            Scope::Count(n) => format!("git config {key} (GIT_CONFIG_KEY_{n})"),
            Scope::Repository => format!("the repository's git config {key}"),
            Scope::Global => format!("the global git config {key}"),
            Scope::System => format!("the system git config {key}"),
        };
        match &e.value {
            Some(v) => Ok(Some(Value { text: v.clone(), from })),
            None => Err(format!("{from} has no value: write it as {key}=<value>")),
        }
    }

    /// Every value git config gives `key`, in git's order (system first,
    /// the command line last): for a setting that may be given several
    /// times (`nip.gateway`). A key with no value is an error, as in
    /// [`Settings::git`].
    pub fn git_all(&self, key: &str) -> Result<Vec<Value>, String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let mut out = Vec::new();
        for (i, _) in self.entries.iter().enumerate().filter(|(_, e)| e.key.eq_ignore_ascii_case(key)) {
            let one = Settings { entries: vec![self.entries[i].clone()], error: None };
            out.extend(one.git(key)?);
        }
        Ok(out)
    }

    /// The one way nip reads a setting: git config `key` (command line,
    /// `GIT_CONFIG_COUNT`, repository, global, system: the first found),
    /// else the first of `envs` that is set and not blank. A blank git
    /// value (`git -c nip.api=`) is no value: the environment decides.
    pub fn get(&self, key: &str, envs: &[&str]) -> Result<Option<Value>, String> {
        if let Some(v) = self.git(key)?.filter(|v| !v.text.trim().is_empty()) {
            return Ok(Some(v));
        }
        Ok(envs.iter().find_map(|name| {
            std::env::var(name).ok().filter(|v| !v.trim().is_empty()).map(|text| Value { text, from: name.to_string() })
        }))
    }
}

/// Whether a push waits for the DHT announcement of its new index
/// (`routing/provide`, up to [`crate::kubo::client::PROVIDE_TIMEOUT`]):
/// git config `nip.provide`, env `NIP_PROVIDE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provide {
    /// `wait` (the default): announce now, so that any node finds the push
    /// at once.
    Wait,
    /// `skip`: no announcement by the push; Kubo's reprovider announces the
    /// pinned index at its next run (`Provide.DHT.Interval`, 22 h by
    /// default); until then only nodes connected to this one, or that find
    /// an earlier announcement of it, fetch it.
    Skip,
}

impl Provide {
    /// The setting for `settings`; a value other than `wait` or `skip`
    /// (any case) is an error naming where it was found.
    pub fn of(settings: &Settings) -> Result<Provide, String> {
        match settings.get("nip.provide", &["NIP_PROVIDE"])? {
            None => Ok(Provide::Wait),
            Some(v) => match v.text.trim().to_ascii_lowercase().as_str() {
                "wait" => Ok(Provide::Wait),
                "skip" => Ok(Provide::Skip),
                other => Err(format!(
                    "{} is {:?}: it must be 'wait' (announce each push on the DHT now) or 'skip' (let Kubo's \
                     reprovider announce it later)",
                    v.from,
                    crate::protocol::one_line(other).chars().take(40).collect::<String>()
                )),
            },
        }
    }
}

/// The `nip.*` pairs git passes for `-c`: `GIT_CONFIG_COUNT` then
/// `GIT_CONFIG_PARAMETERS`, as git's `git_config_from_parameters` reads
/// them. Malformed ones are an error (git itself refuses them).
fn command_line() -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    if let Ok(count) = std::env::var("GIT_CONFIG_COUNT") {
        let count = count.trim();
        let n: usize = if count.is_empty() {
            0
        } else {
            count.parse().map_err(|_| format!("GIT_CONFIG_COUNT is {count:?}, not a count"))?
        };
        for i in 0..n {
            let key = std::env::var(format!("GIT_CONFIG_KEY_{i}"))
                .map_err(|_| format!("GIT_CONFIG_COUNT is {n}, and GIT_CONFIG_KEY_{i} is missing"))?;
            let value = std::env::var(format!("GIT_CONFIG_VALUE_{i}"))
                .map_err(|_| format!("GIT_CONFIG_COUNT is {n}, and GIT_CONFIG_VALUE_{i} is missing"))?;
            out.push(Entry { key, value: Some(value), scope: Scope::Count(i) });
        }
    }
    if let Ok(text) = std::env::var("GIT_CONFIG_PARAMETERS") {
        let pairs =
            parse_config_parameters(&text).ok_or_else(|| "GIT_CONFIG_PARAMETERS (git's -c settings) is malformed".to_string())?;
        out.extend(pairs.into_iter().map(|(key, value)| Entry { key, value, scope: Scope::CommandLine }));
    }
    out.retain(|e| {
        let key = e.key.to_ascii_lowercase();
        (key.len() > 4 && key.starts_with("nip.")) || (key.starts_with("remote.") && key.contains(".nip"))
    });
    Ok(out)
}

/// The pairs of `GIT_CONFIG_PARAMETERS`: shell-quoted, `'key'='value'`
/// (git 2.31 and later; `'key'=` for a key without a value) or
/// `'key=value'` (older git), space-separated. `None` if it is malformed.
pub fn parse_config_parameters(text: &str) -> Option<Vec<(String, Option<String>)>> {
    let mut chars = text.chars().peekable();
    let mut out = Vec::new();
    // One quoted word, with git's `'\''` for a quote inside.
    let word = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| -> Option<String> {
        let mut w = String::new();
        if chars.next()? != '\'' {
            return None;
        }
        loop {
            match chars.next()? {
                '\'' => match chars.peek() {
                    Some('\\') => {
                        chars.next();
                        w.push(chars.next()?);
                        if chars.next()? != '\'' {
                            return None;
                        }
                    }
                    _ => return Some(w),
                },
                c => w.push(c),
            }
        }
    };
    loop {
        while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Some(out);
        }
        let first = word(&mut chars)?;
        let pair = if chars.peek() == Some(&'=') {
            chars.next();
            // `'key'=` with nothing quoted after it is git's implicit
            // boolean (`git -c key`), no value.
            let value = if chars.peek() == Some(&'\'') { Some(word(&mut chars)?) } else { None };
            (first, value)
        } else {
            match first.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (first, None),
            }
        };
        if chars.peek().is_some_and(|c| !c.is_ascii_whitespace()) {
            return None;
        }
        out.push(pair);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_command_line_config_parses() {
        let p = |t: &str| parse_config_parameters(t);
        let s = |k: &str, v: &str| (k.to_string(), Some(v.to_string()));
        assert_eq!(p(""), Some(vec![]));
        assert_eq!(
            p("'nip.maxfetchbytes'='1g' 'core.x'='it'\\''s'"),
            Some(vec![s("nip.maxfetchbytes", "1g"), s("core.x", "it's")])
        );
        assert_eq!(p(" 'nip.maxFetchObjects=10'"), Some(vec![s("nip.maxFetchObjects", "10")]));
        assert_eq!(p("'nip.store'"), Some(vec![("nip.store".to_string(), None)]));
        assert_eq!(p("'nip.store'= 'a.b'=''"), Some(vec![("nip.store".to_string(), None), s("a.b", "")]));
        // git 2.39's `-c alias.e=!env`.
        assert_eq!(p("'alias.e'=''\\!'env'"), Some(vec![s("alias.e", "!env")]));
        assert_eq!(p("'a.b'='c"), None);
        assert_eq!(p("a.b=c"), None);
        assert_eq!(p("'a.b'='c'x"), None);
    }

    #[test]
    fn the_last_value_wins_and_says_where_it_is() {
        let s = Settings::from_entries(&[
            ("nip.store", Some("local"), Scope::System),
            ("nip.api", Some("/ip4/127.0.0.1/tcp/1"), Scope::Global),
            ("nip.store", Some("auto"), Scope::Repository),
            ("NIP.Store", Some("kubo"), Scope::Count(0)),
            ("nip.apiauth", None, Scope::CommandLine),
        ]);
        let v = s.git("nip.store").unwrap().unwrap();
        assert_eq!((v.text.as_str(), v.from.as_str()), ("kubo", "git config nip.store (GIT_CONFIG_KEY_0)"));
        assert_eq!(s.git("nip.api").unwrap().unwrap().from, "the global git config nip.api");
        assert!(s.git("nip.apiAuth").unwrap_err().contains("git -c nip.apiAuth has no value"));
        assert_eq!(s.git("nip.maxFetchBytes").unwrap(), None);
        assert_eq!(s.get("nip.maxFetchBytes", &["NIP_TEST_SURELY_UNSET_9f2"]).unwrap(), None);
    }

    #[test]
    fn provide_is_wait_or_skip() {
        let with = |v: &str| Settings::from_entries(&[("nip.provide", Some(v), Scope::Repository)]);
        assert_eq!(Provide::of(&with("skip")), Ok(Provide::Skip));
        assert_eq!(Provide::of(&with("Wait")), Ok(Provide::Wait));
        let e = Provide::of(&with("later")).unwrap_err();
        assert!(e.contains("nip.provide") && e.contains("\"later\"") && e.contains("'skip'"), "{e}");
    }
}
