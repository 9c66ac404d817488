#!/usr/bin/env bash
# Installs the working tree's builds beside a released nip:
#   git-remote-nipdev -> target/debug/git-remote-nip   (answers nipdev:: URLs)
#   nipdevctl         -> target/debug/nipctl
# so `git clone nipdev::/ipfs/<cid>` exercises the development build while
# `nip::` URLs keep using the installed release. Rebuild with `cargo build`;
# the links follow.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --workspace
bindir="${NIP_DEV_BIN:-${CARGO_HOME:-$HOME/.cargo}/bin}"
mkdir -p "$bindir"
ln -sf "$PWD/target/debug/git-remote-nip" "$bindir/git-remote-nipdev"
ln -sf "$PWD/target/debug/nipctl" "$bindir/nipdevctl"
echo "installed git-remote-nipdev and nipdevctl in $bindir"
case ":$PATH:" in *":$bindir:"*) ;; *) echo "add $bindir to your PATH" ;; esac
