#!/usr/bin/env bash
# Runs every test: unit tests, the end-to-end tests on the embedded store,
# and the end-to-end tests on real Kubo nodes (installed first if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "test: cargo is needed (https://rustup.rs)" >&2; exit 1; }
command -v git >/dev/null || { echo "test: git is needed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "test: python3 is needed (for bench/synth-repo.py, the test repository generator)" >&2; exit 1; }
if [ -z "${NIP_TEST_IPFS:-}" ]; then
  if NIP_TEST_IPFS="$(bash scripts/install-kubo.sh)"; then
    export NIP_TEST_IPFS
  elif [ "${CI:-}" = "true" ]; then
    echo "test: Kubo could not be installed, and CI needs it" >&2
    exit 1
  else
    echo "test: WARNING: Kubo could not be installed; the Kubo tests will fail" >&2
  fi
fi
# Style first: the code is as rustfmt writes it, clippy finds nothing, and
# the API docs build without a warning (broken links, bad HTML).
if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --all --check
else
  echo "test: WARNING: rustfmt is not installed (rustup component add rustfmt); style not checked" >&2
fi
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --workspace --all-targets --locked -- -D warnings 2>&1
else
  echo "test: WARNING: clippy is not installed (rustup component add clippy); lints not checked" >&2
fi
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --locked 2>&1
# Dependencies (deny.toml): licenses, duplicate crates, crates.io only, and
# known advisories. cargo-deny is installed from crates.io the first time
# (about 3 minutes). The advisory database comes from github.com: where it
# cannot be fetched, that check is said to be skipped, never passed.
if ! command -v cargo-deny >/dev/null; then
  cargo install cargo-deny --locked --version 0.20.2 2>&1 || echo "test: WARNING: cargo-deny did not install; dependencies not checked" >&2
fi
if command -v cargo-deny >/dev/null; then
  cargo deny --log-level error check licenses bans sources 2>&1
  if ! advisories="$(cargo deny --log-level error check advisories 2>&1)"; then
    if grep -qiE "could not resolve host|failed to fetch|unable to fetch|network" <<<"$advisories"; then
      echo "test: WARNING: the advisory database could not be fetched; advisories not checked:" >&2
      grep -iE "could not resolve host|failed to fetch|unable to fetch|network" <<<"$advisories" | head -3 >&2
    else
      printf '%s\n' "$advisories" >&2
      exit 1
    fi
  fi
fi
# The binaries first: the end-to-end tests run nipctl, which cargo builds
# for nipctl's own tests but not for nip's.
cargo build --workspace --locked 2>&1
cargo test --workspace --locked 2>&1
# The web viewer (web/): its sources type-check, web/dist is what they
# build, and headless Chromium reads a repository pushed to a throwaway Kubo
# (web/test.sh). Needs node and npm (npm ci installs web/'s locked
# toolchain) and Debian's chromium, installed here with apt-get if missing.
if ! command -v npm >/dev/null; then
  if [ "${CI:-}" = "true" ]; then echo "test: node and npm are needed for the web viewer's tests" >&2; exit 1; fi
  echo "test: WARNING: npm is not installed; the web viewer is not tested" >&2
else
  if [ -z "${NIP_TEST_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    # A fresh machine may have no package lists yet: update them and try again.
    $sudo apt-get install -y chromium >/dev/null 2>&1 \
      || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y chromium >/dev/null 2>&1; } \
      || echo "test: WARNING: chromium did not install (apt-get install chromium)" >&2
  fi
  if [ -n "${NIP_TEST_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ]; then
    bash web/test.sh 2>&1
  elif [ "${CI:-}" = "true" ]; then
    echo "test: chromium is needed for the web viewer's tests, and CI needs them" >&2
    exit 1
  else
    echo "test: WARNING: no chromium; the web viewer is not tested" >&2
  fi
fi
# Fuzzing (fuzz/README.md): the harness's own check, then a minute shared by
# every target, in the dev build (dependencies at opt-level 2, overflow
# checks on). A crash fails the script and names the input saved under
# fuzz/artifacts/. The long run: cargo run -p nip-fuzz --profile fuzz -- all --seconds 3600
target/debug/nip-fuzz self-test
target/debug/nip-fuzz all --seconds "${NIP_FUZZ_SECONDS:-60}"
