//! Compiles the web viewer (`../web/dist`, built and committed by
//! `web/build.mjs`) into nipctl: writes `$OUT_DIR/web_dist.rs`, the list of
//! its files as `(name, include_bytes!(…))`, sorted by name. Cargo reruns
//! this when the directory or any file in it changes, so a rebuilt dist
//! (or a file added to it) is what the next build ships.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let dist = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("../web/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(&dist)
        .unwrap_or_else(|e| {
            panic!("cannot read the web viewer's files in {}: {e} (run `cd web && node build.mjs`)", dist.display())
        })
        .map(|e| e.expect("a readable directory entry"))
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| (e.file_name().into_string().expect("web/dist holds UTF-8 names"), e.path()))
        .collect();
    names.sort();
    assert!(names.iter().any(|(n, _)| n == "index.html"), "{} has no index.html", dist.display());
    let mut out =
        String::from("/// The web viewer's files (web/dist), sorted by name.\npub const FILES: &[(&str, &[u8])] = &[\n");
    for (name, path) in &names {
        println!("cargo:rerun-if-changed={}", path.display());
        let path = path.canonicalize().expect("a file of web/dist");
        writeln!(out, "    ({name:?}, include_bytes!({:?})),", path.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("web_dist.rs");
    std::fs::write(&dest, out).expect("writing web_dist.rs");
}
