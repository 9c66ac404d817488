#!/usr/bin/env bash
# The main job: build and install nip, push a sample repository to a new
# IPFS address, clone it back, and check the clone is the same repository.
#
# Uses the embedded block store under a temporary NIP_HOME unless NIP_HOME is
# set, so it needs no IPFS node. Prints the address it pushed to.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
cargo build --release --workspace --locked >&2
export PATH="$root/target/release:$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export NIP_HOME="${NIP_HOME:-$work/nip-home}"
# The demo shows the embedded store unless told otherwise (NIP_STORE=kubo).
export NIP_STORE="${NIP_STORE:-local}"
# The sample: a synthetic repository from this project's generator
# (bench/synth-repo.py; python3), or this project's own history without
# python3.
if command -v python3 >/dev/null; then
  python3 "$root/bench/synth-repo.py" "$work/src" --commits "${DEMO_COMMITS:-200}" >&2
else
  echo "demo: python3 not found; using this project's own repository" >&2
  git clone -q --mirror "$root" "$work/src.git" && git clone -q "$work/src.git" "$work/src"
fi
cd "$work/src"
git remote add nip nip::new-ipfs
git push --all nip
git push --tags nip
address="$(git config remote.nip.url)"
git clone "$address" "$work/copy"
cd "$work/copy"
git fsck --strict
src_refs="$(git -C "$work/src" for-each-ref --format='%(objectname) %(refname:lstrip=1)' refs/heads refs/tags | sort)"
copy_refs="$( (git for-each-ref --format='%(objectname) heads/%(refname:lstrip=3)' refs/remotes/origin | grep -v ' heads/HEAD$'; git for-each-ref --format='%(objectname) %(refname:lstrip=1)' refs/tags) | sort)"
if [ "$src_refs" != "$copy_refs" ]; then
  echo "demo: FAILED: the clone's refs differ from the source's" >&2
  diff <(echo "$src_refs") <(echo "$copy_refs") >&2 || true
  exit 1
fi
echo
echo "demo: pushed and cloned back $(echo "$src_refs" | wc -l) refs; git fsck is clean."
echo "demo: the repository is at $address"
