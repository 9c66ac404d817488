#!/usr/bin/env bash
# Tests the web viewer end to end: builds web/dist from web/src, checks that
# the committed dist is what the sources build (dist is shipped as is), and
# runs web/test/*.test.mjs: a throwaway Kubo, a repository pushed with the
# real git and target/debug/git-remote-nip, headless Chromium on loopback.
# Needs node and npm, Debian's chromium (apt-get install chromium, or
# NIP_TEST_CHROMIUM), Kubo (NIP_TEST_IPFS or scripts/install-kubo.sh's
# cache) and a built workspace (cargo build --workspace).
set -euo pipefail
cd "$(dirname "$0")"
command -v npm >/dev/null || { echo "web/test: node and npm are needed" >&2; exit 1; }
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --ignore-scripts >/dev/null
npx tsc --noEmit -p .
before="$(cat dist/* | sha256sum)"
node build.mjs
if [ "$before" != "$(cat dist/* | sha256sum)" ] && [ -z "${NIP_WEB_REBUILD:-}" ]; then
  echo "web/test: web/dist was not what web/src builds: commit the rebuilt web/dist" >&2
  exit 1
fi
node --test --test-concurrency=1 test/
