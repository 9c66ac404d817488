#!/usr/bin/env python3
"""Make a synthetic git repository for nip's tests, demo and benchmark.

    python3 bench/synth-repo.py OUT_DIR [--commits N] [--files N] [--large N] [--seed S] [--bare]

Deterministic: the same arguments give the same object ids on every run,
machine, git version (>= 2.28) and Python 3 version. Nothing comes from the
clock, the user's git config or Python's `random` (whose algorithms may change
between versions): names, dates and contents come from a SplitMix64 generator
seeded by --seed, random bytes from SHAKE-256, and the repository is
`git init --object-format=sha1` filled by `git fast-import`. tests/generator.rs
pins the ids of one small repository, so a change of this output is seen.

The history is shaped like a small project's:

  * commit 0 ("Initial import") adds --files files under src/, src/core/,
    src/net/, docs/, tests/, assets/ and tools/gen/: about 8 % binary files
    (bin<i>.dat, 64 to 20,000 random bytes), the others text (file<i>.txt,
    5 to 400 lines of words), and an empty file `empty`;
  * every later commit edits 1 to 4 files (never `empty`) (a few lines of a text file, 8
    bytes of a binary one); about 3 % add a text file, about 1 % delete one;
  * --large commits spread over the history each add a large blob
    (assets/large<n>.bin: 1.5 MiB, 3 MiB, 5 MiB + 123 bytes in turn, past
    IPFS's block sizes; a repeated 4 KiB pattern, so packs stay small);
  * feature branches on a fixed schedule: feature/k forks main at commit
    40k - 30 (10, 50, 90, ...), gets 1 to 3 commits, and the next commit of
    main merges it (the merge's tree has both sides' changes); the branch
    ref stays. So 60 commits have feature/1 and feature/2;
  * tags on main: an annotated v0.<k>.0 at commit 250k, a lightweight
    snapshot-<n> at every other multiple of 100;
  * `stable` points at the last commit of main; `main` is checked out
    unless --bare.

--commits counts every commit, the initial import included.
"""
import argparse
import bisect
import hashlib
import os
import subprocess
import sys

WORDS = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
    "omicron pi rho sigma tau upsilon phi chi psi omega fn let mut struct impl "
    "trait enum match if else loop while for return self super crate pub use mod "
    "async await move ref where type const static unsafe extern dyn box"
).split()
DIRS = ["src", "src/core", "src/net", "docs", "tests", "assets", "tools/gen"]
PEOPLE = ["Ada", "Brian", "Chen", "Dana"]
LARGE_SIZES = [3 * 2**19, 3 * 2**20, 5 * 2**20 + 123]
EPOCH = 1_600_000_000  # 2020-09-13: the first commit's date
FEATURE_EVERY = 40
FEATURE_FIRST = 10
M64 = (1 << 64) - 1


class Rng:
    """SplitMix64 (Steele, Lea, Flood 2014): small, fast, and the same on
    every Python. `below(n)` takes the remainder; the bias (n / 2^64) does
    not matter here."""

    def __init__(self, seed):
        self.state = (seed * 0x9E3779B97F4A7C15 + 0x6A09E667F3BCC909) & M64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def between(self, lo, hi):
        """lo..=hi."""
        return lo + self.below(hi - lo + 1)

    def percent(self, p):
        """True p times in 100 (p may be fractional)."""
        return self.below(10_000) < int(p * 100)

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def bytes(self, n):
        return hashlib.shake_256(b"synth-repo %d" % self.next()).digest(n)

    def distinct(self, lo, hi, k):
        """k distinct numbers of lo..hi (all of them if fewer), sorted."""
        pool = list(range(lo, hi + 1))
        out = []
        for _ in range(min(k, len(pool))):
            out.append(pool.pop(self.below(len(pool))))
        return sorted(out)


def words(rng, n):
    return " ".join(rng.pick(WORDS) for _ in range(n))


def text(rng, lines):
    return [words(rng, rng.between(3, 12)) for _ in range(lines)]


def encode(content):
    if isinstance(content, bytes):
        return content
    return ("\n".join(content) + "\n").encode() if content else b""


class Importer:
    """Writes a `git fast-import` stream; returns marks."""

    def __init__(self, gitdir):
        self.proc = subprocess.Popen(
            ["git", "--git-dir", gitdir, "fast-import", "--quiet", "--date-format=raw"], stdin=subprocess.PIPE
        )
        self.out = self.proc.stdin
        self.marks = 0

    def mark(self):
        self.marks += 1
        return self.marks

    def blob(self, data):
        m = self.mark()
        self.out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (m, len(data), data))
        return m

    def commit(self, ref, who, when, msg, parents, changes):
        """changes: [(path, blob mark or None to delete)]."""
        m = self.mark()
        ident = b"%s <%s@example.org>" % (who.encode(), who.lower().encode())
        msg = msg.encode()
        head = [b"commit %s\nmark :%d\n" % (ref.encode(), m)]
        head.append(b"author %s %d +0000\n" % (ident, when))
        head.append(b"committer %s %d +0000\n" % (ident, when + 30))
        head.append(b"data %d\n%s\n" % (len(msg), msg))
        if parents:
            head.append(b"from :%d\n" % parents[0])
        for p in parents[1:]:
            head.append(b"merge :%d\n" % p)
        self.out.write(b"".join(head))
        for path, blob in changes:
            if blob is None:
                self.out.write(b"D %s\n" % path.encode())
            else:
                self.out.write(b"M 100644 :%d %s\n" % (blob, path.encode()))
        self.out.write(b"\n")
        return m

    def tag(self, name, target, when, msg):
        msg = msg.encode()
        self.out.write(
            b"tag %s\nfrom :%d\ntagger Ada <ada@example.org> %d +0000\ndata %d\n%s\n"
            % (name.encode(), target, when, len(msg), msg)
        )

    def reset(self, ref, target):
        self.out.write(b"reset %s\nfrom :%d\n\n" % (ref.encode(), target))

    def finish(self):
        self.out.close()
        if self.proc.wait() != 0:
            sys.exit("synth-repo: git fast-import failed")


def edit(rng, content):
    """The next version of a file: 8 bytes of a binary file changed, or 1
    to 5 lines of a text file replaced, inserted or deleted."""
    if isinstance(content, bytes):
        b = bytearray(content)
        for _ in range(8):
            b[rng.below(len(b))] = rng.below(256)
        return bytes(b)
    lines = list(content)
    for _ in range(rng.between(1, 5)):
        op = rng.below(10)
        if op < 5 and lines:
            lines[rng.below(len(lines))] = words(rng, 6)
        elif op < 8 or not lines:
            lines.insert(rng.below(len(lines) + 1), words(rng, 8))
        else:
            del lines[rng.below(len(lines))]
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--commits", type=int, default=1000, help="commits, the initial import included")
    ap.add_argument("--files", type=int, default=300, help="files in the first commit (besides `empty`)")
    ap.add_argument("--large", type=int, default=3, help="large blobs (>1 MiB) spread over the history")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bare", action="store_true")
    a = ap.parse_args()
    if a.commits < 1 or a.files < 1 or a.large < 0 or a.seed < 0:
        sys.exit("synth-repo: --commits and --files must be at least 1, --large and --seed at least 0")

    rng = Rng(a.seed)
    init = ["git", "init", "-q", "--object-format=sha1", "-b", "main"] + (["--bare"] if a.bare else []) + [a.out]
    subprocess.run(init, check=True)
    gitdir = a.out if a.bare else os.path.join(a.out, ".git")
    fi = Importer(gitdir)
    clock = [EPOCH]

    def tick():
        clock[0] += rng.between(60, 7200)
        return clock[0]

    files = {}  # path -> list of lines (text) or bytes (binary)
    for i in range(a.files):
        d = rng.pick(DIRS)
        if rng.percent(8):
            files[f"{d}/bin{i}.dat"] = rng.bytes(rng.between(64, 20_000))
        else:
            files[f"{d}/file{i}.txt"] = text(rng, rng.between(5, 400))
    files["empty"] = []
    initial = [(p, fi.blob(encode(c))) for p, c in sorted(files.items())]
    main_tip = fi.commit("refs/heads/main", rng.pick(PEOPLE), tick(), "Initial import", [], initial)

    paths = sorted(p for p in files if p != "empty")  # what commits edit or delete, sorted: picked by index
    large_at = set(rng.distinct(1, a.commits - 1, a.large)) if a.commits > 1 else set()
    large_done = 0
    feature = None  # (k, ref, tip mark, commits still to make on it, {path: mark or None} it changed)
    for n in range(1, a.commits):
        changes = {}
        for i in rng.distinct(0, len(paths) - 1, rng.between(1, 4)):
            p = paths[i]
            files[p] = edit(rng, files[p])
            changes[p] = fi.blob(encode(files[p]))
        if rng.percent(3):
            p = f"{rng.pick(DIRS)}/new{n}.txt"
            files[p] = text(rng, rng.between(5, 100))
            bisect.insort(paths, p)
            changes[p] = fi.blob(encode(files[p]))
        if rng.percent(1) and len(files) > 20:
            p = rng.pick([p for p in paths if p not in changes])
            del files[p]
            paths.remove(p)
            changes[p] = None
        if n in large_at:
            size = LARGE_SIZES[large_done % len(LARGE_SIZES)]
            large_done += 1
            data = rng.bytes(4096) * (size // 4096) + b"x" * (size % 4096)
            p = f"assets/large{n}.bin"
            if p not in files:
                bisect.insort(paths, p)
            files[p] = data
            changes[p] = fi.blob(data)

        who, when = rng.pick(PEOPLE), tick()
        if feature is None and n % FEATURE_EVERY == FEATURE_FIRST % FEATURE_EVERY:
            k = n // FEATURE_EVERY + 1
            ref = f"refs/heads/feature/{k}"
            tip = fi.commit(ref, who, when, f"Start feature {k}", [main_tip], sorted(changes.items()))
            feature = (k, ref, tip, rng.between(0, 2), dict(changes))
        elif feature is not None and feature[3] > 0:
            k, ref, tip, left, touched = feature
            tip = fi.commit(ref, who, when, f"Feature {k}, change {n}: {len(changes)} paths", [tip], sorted(changes.items()))
            touched.update(changes)
            feature = (k, ref, tip, left - 1, touched)
        elif feature is not None:
            k, _, tip, _, touched = feature
            touched.update(changes)
            main_tip = fi.commit("refs/heads/main", who, when, f"Merge feature {k}", [main_tip, tip], sorted(touched.items()))
            feature = None
        else:
            main_tip = fi.commit("refs/heads/main", who, when, f"Change {n}: {len(changes)} paths", [main_tip], sorted(changes.items()))
        if n % 250 == 0:
            fi.tag(f"v0.{n // 250}.0", main_tip, tick(), f"Release v0.{n // 250}.0")
        elif n % 100 == 0:
            fi.reset(f"refs/tags/snapshot-{n}", main_tip)
    fi.reset("refs/heads/stable", main_tip)
    fi.finish()
    if not a.bare:
        subprocess.run(["git", "-C", a.out, "checkout", "-q", "-f", "main"], check=True)
    objs = subprocess.run(["git", "--git-dir", gitdir, "count-objects", "-v"], capture_output=True, text=True).stdout
    stats = dict(line.split(": ", 1) for line in objs.splitlines() if ": " in line)
    print(f"made {a.out}: {a.commits} commits, {stats.get('in-pack', '?')} objects, {stats.get('size-pack', '?')} KiB packed")


if __name__ == "__main__":
    main()
