//! `git-remote-nip`: the helper git runs for `nip::` URLs.
//!
//! git calls it as `git-remote-nip <remote> <address>` and talks to it on
//! stdin/stdout (gitremote-helpers(7)). Installed under another name
//! (`git-remote-nipdev`), it answers that scheme instead.

use nip::address::Address;
use nip::helper::Helper;
use std::io::Write;

fn main() {
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("NIP_LOG", "warn")).init();
    let result = run();
    log_peak_memory();
    if let Err(e) = result {
        let _ = std::io::stdout().flush();
        // A message can quote what an address holds: shown inert.
        eprintln!("nip: error: {}", nip::protocol::for_terminal(&e.to_string()));
        std::process::exit(1);
    }
}

/// Says one line of the library's on stderr, after `nip: `, shown inert.
/// (Not eprintln!, which panics if stderr is gone.)
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "nip: {}", nip::protocol::for_terminal(line));
}

/// Logs (NIP_LOG=info) this process's own peak memory, not that of the git
/// programs it ran (`pack-objects`, `index-pack`), which a measure of the
/// process tree would include.
fn log_peak_memory() {
    if !log::log_enabled!(log::Level::Info) {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        log::info!("peak memory of the helper itself: {}", line.trim_start_matches("VmHWM:").trim());
    }
}

/// Bounds libgit2's memory: its object cache (256 MB by default) and the
/// pack windows it keeps mapped.
#[allow(unsafe_code)]
fn bound_libgit2_memory() {
    // SAFETY: called once at start, before any other libgit2 use or thread.
    unsafe {
        let _ = git2::opts::set_cache_max_size(8 << 20);
        let _ = git2::opts::set_mwindow_size(16 << 20);
        let _ = git2::opts::set_mwindow_mapped_limit(32 << 20);
    }
    // The repository git runs us in is the user's own: git does not re-hash
    // the objects it reads from it, nor does the helper (a push reads every
    // object once). What comes from an address is hashed by nip itself,
    // with SHA-1DC, never through libgit2.
    git2::opts::strict_hash_verification(false);
}

fn run() -> Result<(), nip::Error> {
    bound_libgit2_memory();
    // Ctrl-C, SIGTERM, SIGHUP: remove the pack being written, then exit.
    nip::tmpfiles::remove_on_signals("nip")?;
    let args: Vec<String> = std::env::args().collect();
    let scheme = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("git-remote-"))
        .unwrap_or("nip")
        .to_string();
    if args.len() == 2 && (args[1] == "--version" || args[1] == "-V") {
        println!("git-remote-{scheme} {}", env!("CARGO_PKG_VERSION"));
        return Ok(());
    }
    let (remote_name, url) = match args.len() {
        2 => (args[1].clone(), args[1].clone()),
        3 => (args[1].clone(), args[2].clone()),
        _ => return Err(nip::helper::HelperError::Usage(scheme.to_string()).into()),
    };
    let startup = |e: nip::Error| {
        // git writes `capabilities` as soon as it starts us; read it, so that
        // git meets our error and not a closed pipe (SIGPIPE).
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        e
    };
    // Before libgit2 meets a SHA-256 repository, with its own words.
    nip::helper::check_object_format().map_err(startup)?;
    let address = Address::parse(url.strip_prefix(&format!("{scheme}::")).unwrap_or(&url)).map_err(|e| startup(e.into()))?;
    // The repository git runs us in (git sets GIT_DIR), opened once: its
    // config chooses the store, a fetch writes into it, a push reads it.
    // Outside one (`git ls-remote`), only a list can be answered.
    let repo = git2::Repository::open_from_env();
    let settings = nip::config::Settings::of(repo.as_ref().ok());
    // What the library did that the user should hear of, said here: what
    // opening the store did (leftovers removed, a pack skipped, no node
    // found), what killed fetches left in this repository (removed before
    // any fetch begins), and what the node is waiting for.
    let opened =
        nip::store::open(Some(&settings), address.is_name(), Some(std::sync::Arc::new(say))).map_err(|e| startup(e.into()))?;
    for note in &opened.notes {
        say(&note.to_string());
    }
    if let Some(left) = repo.as_ref().ok().and_then(nip::pack::clean_leftovers_of) {
        say(&left.to_string());
    }
    let mut helper = Helper::new(remote_name, address, scheme, opened.store.as_ref(), opened.node.as_ref(), repo.as_ref());
    helper.run(std::io::stdin().lock(), std::io::stdout().lock())
}
