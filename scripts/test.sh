#!/usr/bin/env bash
# Runs every test: unit tests, the end-to-end tests on the embedded store,
# and the end-to-end tests on real Kubo nodes (installed first if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "test: cargo is needed (https://rustup.rs)" >&2; exit 1; }
command -v git >/dev/null || { echo "test: git is needed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "test: python3 is needed (for ../shared/bench/synth-repo.py)" >&2; exit 1; }
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
# The binaries first: the end-to-end tests run nipctl, which cargo builds
# for nipctl's own tests but not for nip's.
cargo build --workspace --locked 2>&1
cargo test --workspace --locked 2>&1
