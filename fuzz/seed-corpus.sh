#!/usr/bin/env bash
# Regenerates fuzz/corpus/ from real blocks: a synthetic repository of 30
# commits pushed (all branches, then tags: two indexes) to the embedded
# store, sorted by kind by `nip-fuzz seed-corpus`, which also writes a CAR
# of some of them, raw git objects, addresses and an IPNS record.
# The corpus is committed; run this after a format change.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --bin git-remote-nip -p nip -p nip-fuzz 2>&1 | grep -v '^\s*\(Compiling\|Finished\)' || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 ../shared/bench/synth-repo.py "$work/repo" --commits 30 >/dev/null
export NIP_STORE=local NIP_HOME="$work/home" PATH="$PWD/target/debug:$PATH"
git -C "$work/repo" remote add nip nip::new-ipfs
git -C "$work/repo" push --quiet nip --all 2>/dev/null
# Then what 30 synthetic commits lack: an annotated and a lightweight tag,
# a merge, and a tree with a submodule (gitlink); a second push, so a second
# index (with a previous link).
g() { git -C "$work/repo" -c user.name=Fuzz -c user.email=fuzz@example.org "$@"; }
g tag -a v1 -m "release v1" main
g tag light stable
blob="$(echo hello | g hash-object -w --stdin)"
tree="$(printf '160000 commit %s\tsub\n100644 blob %s\tREADME\n040000 tree %s\tsrc\n' \
  "$(g rev-parse stable)" "$blob" "$(g rev-parse 'main^{tree}')" | g mktree)"
merge="$(g commit-tree "$tree" -p main -p main~5 -m "merge stable, add a submodule")"
g update-ref refs/heads/merged "$merge"
g push --quiet nip --all 2>/dev/null
g push --quiet nip --tags 2>/dev/null
rm -rf fuzz/corpus
target/debug/nip-fuzz seed-corpus --store "$NIP_HOME" --repo "$work/repo/.git" --out fuzz/corpus
du -sh fuzz/corpus
