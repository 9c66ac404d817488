#!/usr/bin/env bash
# Installs Kubo (the reference IPFS node) from the Go module proxy, once.
#
# The binary is cached in $NIP_KUBO_CACHE (default ~/.cache/nip/kubo/<version>)
# and reused by later runs. Prints the path of the ipfs binary on stdout.
# Kubo v0.39 does not build with Go 1.26 (cockroachdb/swiss links into the
# runtime), so the build asks the Go module proxy for a Go 1.25 toolchain.
set -euo pipefail
version="${NIP_KUBO_VERSION:-v0.39.0}"
cache="${NIP_KUBO_CACHE:-$HOME/.cache/nip/kubo/$version}"
bin="$cache/ipfs"
if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || { echo "install-kubo: Go is needed to build Kubo and is not installed" >&2; exit 1; }
mkdir -p "$cache"
echo "install-kubo: building Kubo $version from the Go module proxy (a few minutes, once)..." >&2
GOBIN="$cache" GOTOOLCHAIN="${NIP_KUBO_GOTOOLCHAIN:-go1.25.5}" GOFLAGS=-mod=mod \
  go install "github.com/ipfs/kubo/cmd/ipfs@$version" >&2
"$bin" version >&2
echo "$bin"
