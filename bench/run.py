#!/usr/bin/env python3
"""nip against plain git: one command, one table (issue 11).

    python3 bench/run.py [--sizes 1000,10000,fd,serde,bat] [--runs 3] [--big] [--pushes 100]
    python3 bench/run.py --quick            # smoke run: 1,000 commits and fd, one run

Builds nip (release), finds Kubo with scripts/install-kubo.sh, makes the test
repositories (synthetic ones with bench/synth-repo.py, real ones
from the git bundles in ../shared/repos/, cached in bench/.work/), starts
throwaway Kubo daemons and one local `git daemon`, all on 127.0.0.1, and for
every repository and every run measures nip and plain git side by side:

  first push (every branch and tag), embedded / Kubo   vs  git push file://<fresh bare> (same refs)
  bytes stored after it                                vs  objects/pack of git clone --bare --no-local
  clone from Kubo / the embedded store / a gateway    vs  git clone git://127.0.0.1:<port>/<repo>
  clone's .git, blocks written, requests of a clone    vs  git clone's .git, pack bytes / 256 KiB + 100
  N one-commit pushes (median time), bytes stored then vs  git push file:// (and git's own growth)
  fetch of those N pushes: bytes on the wire           vs  git fetch over git://
  fetch of one new commit                              vs  git fetch over git://
  peak memory of every helper process

and prints one markdown table of medians (also written to bench/results-<date>.md).
Progress goes to stderr. Everything is measured from outside nip (store
directories, the node's blocks, counting proxies, git), so the same script
measures every storage format. See bench/README.md for each column.
"""
import argparse
import base64
import datetime
import hashlib
import os
import platform
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True  # no bench/__pycache__ from importing proxies.py
sys.path.insert(0, str(Path(__file__).resolve().parent))
from proxies import CountingHttpProxy, CountingTcpProxy, diff  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / ".work"
SYNTH = BENCH / "synth-repo.py"  # the generator the tests use too (deterministic)
REAL = Path(os.environ.get("NIP_BENCH_REPOS", ROOT.parent / "shared" / "repos"))
REAL_NAMES = ("fd", "serde", "bat")
TIME_BIN = "/usr/bin/time"
OP_TIMEOUT = 1800  # seconds; nip's predecessors hung, a benchmark must not
BLOCK_UNIT = 256 * 1024  # the clone bound: pack bytes / 256 KiB + 100

T0 = time.monotonic()

# nip's first push: every branch and tag in one push (one index, one pin);
# the baseline pushes the same refspecs to a fresh bare repository.
FIRST_PUSH = ["refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*"]


def log(msg):
    el = int(time.monotonic() - T0)
    print(f"[{el // 60:02d}:{el % 60:02d}] {msg}", file=sys.stderr, flush=True)


class OpError(Exception):
    pass


def tail(text, n=6):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return " | ".join(lines[-n:])


def run(cmd, cwd=None, env=None, stdout=None, timeout=OP_TIMEOUT, check=True):
    """Runs cmd; returns (seconds, stdout, stderr). Raises OpError on failure."""
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                           stdout=stdout if stdout is not None else subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise OpError(f"`{shlex.join(map(str, cmd))}` timed out after {timeout} s")
    dt = time.perf_counter() - t
    out = p.stdout.decode(errors="replace") if isinstance(p.stdout, bytes) else ""
    err = p.stderr.decode(errors="replace")
    if check and p.returncode != 0:
        raise OpError(f"`{shlex.join(map(str, cmd))}` exited {p.returncode}: {tail(err)}")
    return dt, out, err


def du(path, suffix=None):
    """Sum of the sizes (st_size) of the files under path (those ending in suffix), and their count."""
    total = count = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            if suffix and not f.endswith(suffix):
                continue
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
                count += 1
            except FileNotFoundError:
                pass
    return total, count


def dsize(path):
    return du(path)[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- processes

LIVE = []  # Popen objects still to stop
PROXIES = []  # counting proxies still to close


def stop(proc):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # its own session: the daemon and its children
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc in LIVE:
        LIVE.remove(proc)


def stop_all():
    for p in list(LIVE):
        stop(p)
    for px in list(PROXIES):
        close_proxy(px)


def close_proxy(px):
    try:
        px.close()
    except OSError:
        pass
    if px in PROXIES:
        PROXIES.remove(px)


class Kubo:
    """One throwaway Kubo daemon with its own repository (`--profile test`:
    API, gateway and swarm on 127.0.0.1 port 0, no bootstrap peers)."""

    def __init__(self, ipfs, parent, env):
        self.ipfs = ipfs
        self.dir = Path(tempfile.mkdtemp(prefix="kubo-", dir=parent))
        self.repo = self.dir / "repo"
        self.env = dict(env, IPFS_PATH=str(self.repo))
        run([ipfs, "init", "--profile", "test"], env=self.env)
        run([ipfs, "config", "--json", "Plugins.Plugins.telemetry.Config.Mode", '"off"'], env=self.env)
        run([ipfs, "config", "--json", "Bootstrap", "[]"], env=self.env)
        # No announcing: with no peers to tell, a node that was just given
        # 746,000 blocks otherwise spends minutes of CPU in the background
        # trying, and on 2 cores that lands on whatever is measured next.
        run([ipfs, "config", "--json", "Provide.Enabled", "false"], env=self.env)
        self.log = open(self.dir / "daemon.log", "wb")
        self.proc = subprocess.Popen([ipfs, "daemon"], env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        LIVE.append(self.proc)
        self.proxy = None
        apifile = self.repo / "api"
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise OpError(f"ipfs daemon exited {self.proc.returncode}: {tail((self.dir / 'daemon.log').read_text(errors='replace'))}")
            if apifile.exists() and apifile.read_text().strip():
                self.api = apifile.read_text().strip()
                self.port = int(self.api.rsplit("/", 1)[1])
                try:
                    self.post("version")
                    break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                raise OpError("ipfs daemon did not answer within 60 s")
            time.sleep(0.03)

    def counting_proxy(self):
        """A counting HTTP proxy in front of this node's API (started once)."""
        if self.proxy is None:
            self.proxy = CountingHttpProxy("127.0.0.1", self.port)
            PROXIES.append(self.proxy)
        return self.proxy

    def post(self, call):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/v0/{call}", method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read()

    def cli(self, *args, stdout=None):
        return run([self.ipfs, *args], env=self.env, stdout=stdout)

    def requests(self):
        """API requests served so far (Kubo's own counter; our metrics GETs are not counted there)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/debug/metrics/prometheus", timeout=10) as r:
            text = r.read().decode()
        # The server_port label is the port of the Host header: the API's, or
        # the counting proxy's for requests that came through it.
        ports = [self.port] + ([self.proxy.port] if self.proxy else [])
        n = 0
        for line in text.splitlines():
            if line.startswith("http_server_request_duration_seconds_count{") and any(
                    f'server_port="{p}"' in line for p in ports):
                n += int(float(line.rsplit(" ", 1)[1]))
        return n

    def stat(self):
        """(RepoSize of `ipfs repo stat -s`, bytes of the blocks dir's *.data files, their count)."""
        _, out, _ = self.cli("repo", "stat", "-s")
        m = re.search(r"RepoSize:\s+(\d+)", out)
        b, n = du(self.repo / "blocks", ".data")
        return (int(m.group(1)) if m else None), b, n

    def close(self):
        if self.proxy:
            close_proxy(self.proxy)
        stop(self.proc)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- results

class Results:
    def __init__(self):
        self.d = {}  # (repo, key) -> dict of lists

    def get(self, repo, key):
        return self.d.setdefault((repo, key), {"nip": [], "base": [], "rss": [], "hwall": [], "hcpu": [],
                                               "blocks": [], "req": [], "err": []})

    def add(self, repo, key, field, value):
        if value is not None:
            self.get(repo, key)[field].append(value)

    def fail(self, repo, key, msg):
        errs = self.get(repo, key)["err"]
        if msg not in errs:
            errs.append(msg)
        log(f"  FAILED {key}: {msg}")


R = Results()
FACTS = {}  # repo -> dict of facts (sizes, per-call request counts, ...)


def fact(repo, **kw):
    FACTS.setdefault(repo, {}).update(kw)


def fact_list(repo, key, value):
    if value is not None:
        FACTS.setdefault(repo, {}).setdefault(key, []).append(value)


def helper_stats(repo, key, path):
    """Records, from the wrapper's lines (`%M %e %U %S` per helper process):
    the max RSS in MiB, and the helper's wall and CPU seconds summed."""
    rows = []
    try:
        for line in Path(path).read_text().splitlines():
            f = line.split()
            if len(f) == 4 and f[0].isdigit():
                rows.append((int(f[0]), float(f[1]), float(f[2]) + float(f[3])))
    except FileNotFoundError:
        pass
    if rows:
        R.add(repo, key, "rss", max(r[0] for r in rows) / 1024)
        R.add(repo, key, "hwall", sum(r[1] for r in rows))
        R.add(repo, key, "hcpu", sum(r[2] for r in rows))


# What format 1's helper says after a push (used only as a cross-check, and
# only when present: the benchmark counts blocks from outside):
# `nip: stored N new objects in ... (B new blocks, Y bytes)`, or
# `nip: N objects new to this remote; ... and stored B new blocks (Y bytes)`.
STORED = re.compile(
    r"nip: (?:stored (\d+) new objects? in .*? \((\d+) new blocks?, (\d+) bytes\)"
    r"|(\d+) objects? new to this remote; .*? and stored (\d+) new blocks? \((\d+) bytes\))"
)


def reported_blocks(stderr):
    found = [int(m.group(2) or m.group(5)) for m in STORED.finditer(stderr)]
    return sum(found) if found else None


def uvarint_bytes(x):
    out = bytearray()
    while True:
        b = x & 0x7F
        x >>= 7
        out.append(b | (0x80 if x else 0))
        if not x:
            return bytes(out)


def car_cids(path):
    """The CIDs of the blocks in a CARv1 file, as base32 text (CIDv1)."""
    def uvarint(f):
        x = shift = 0
        while True:
            b = f.read(1)
            if not b:
                return None
            x |= (b[0] & 0x7F) << shift
            shift += 7
            if b[0] < 0x80:
                return x

    cids = []
    with open(path, "rb") as f:
        f.seek(uvarint(f), 1)
        while (l := uvarint(f)) is not None:
            if l == 0:
                raise ValueError(f"{path}: not a CARv1 file (a section of length 0)")
            start = f.tell()
            if f.read(1) == b"\x12":  # CIDv0: a bare sha2-256 multihash
                raw = b"\x12" + f.read(33)
                cids.append("v0:" + raw.hex())
            else:
                f.seek(start)
                version, codec, mh, ln = uvarint(f), uvarint(f), uvarint(f), uvarint(f)
                f.seek(start)
                raw = f.read(len(uvarint_bytes(version)) + len(uvarint_bytes(codec)) + len(uvarint_bytes(mh))
                              + len(uvarint_bytes(ln)) + ln)
                cids.append("b" + base64.b32encode(raw).decode().lower().rstrip("="))
            f.seek(start + l)
    return cids


def store_cids(home):
    """The CIDs the embedded store holds, for the layouts nip has used (one
    file per block named by its CID under blocks/, or CARv1 packs under
    packs/); an empty set when the layout is neither."""
    found = {n for _, _, fs in os.walk(home / "blocks") for n in fs}
    packs = sorted((home / "packs").glob("*.pack")) if (home / "packs").is_dir() else []
    for pack in packs:
        try:
            found.update(car_cids(pack))
        except (OSError, ValueError, TypeError):
            return set()
    return found


# ---------------------------------------------------------------- git helpers

COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_AUTHOR_DATE": "1700000000 +0000",
    "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_COMMITTER_DATE": "1700000000 +0000",
}


def git(repo, *args, env, **kw):
    return run(["git", "-C", str(repo), *args], env=env, **kw)


def new_commit(repo, branch, i, scratch, env):
    """Adds commit number i on branch: one file, `bench-pushes.txt` at the
    top, gets its i-th line (a one-line edit of one file, as a real commit).
    The same (branch, i) gives the same commit id in every copy."""
    e = dict(env, GIT_INDEX_FILE=str(scratch / f"index-{os.getpid()}-{random.random()}"))
    git(repo, "read-tree", branch, env=e)
    text = "".join(f"bench: one-commit push number {k}\n" for k in range(1, i + 1)).encode()
    p = subprocess.run(["git", "-C", str(repo), "hash-object", "-w", "--stdin"], env=e,
                       input=text, capture_output=True, check=True)
    blob = p.stdout.decode().strip()
    git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},bench-pushes.txt", env=e)
    tree = git(repo, "write-tree", env=e)[1].strip()
    commit = git(repo, "commit-tree", tree, "-p", branch, "-m", f"bench: one-commit push {i}", env=e)[1].strip()
    git(repo, "update-ref", f"refs/heads/{branch}", commit, env=e)
    os.unlink(e["GIT_INDEX_FILE"])
    return commit


def refs(repo, env, pattern):
    out = git(repo, "for-each-ref", "--format=%(objectname) %(refname)", pattern, env=env)[1]
    return {l.split()[1]: l.split()[0] for l in out.splitlines()}


def check_clone(src, clone, env):
    """A clone must have every branch and tag of the source, at the same ids."""
    want = {r.replace("refs/heads/", "refs/remotes/origin/"): h for r, h in refs(src, env, "refs/heads").items()}
    want.update(refs(src, env, "refs/tags"))
    have = refs(clone, env, "refs/remotes/origin")
    have.update(refs(clone, env, "refs/tags"))
    bad = [r for r, h in want.items() if have.get(r) != h]
    if bad:
        raise OpError(f"clone differs from the source at {len(bad)} refs, e.g. {bad[0]}: want {want[bad[0]]}, got {have.get(bad[0])}")


def checked_out(clone, env):
    return run(["git", "-C", str(clone), "rev-parse", "-q", "--verify", "HEAD"], env=env, check=False)[1].strip() != ""


def default_branch(repo, env):
    head = run(["git", "-C", str(repo), "symbolic-ref", "-q", "HEAD"], env=env, check=False)[1].strip()
    heads = refs(repo, env, "refs/heads")
    if head in heads:
        return head[len("refs/heads/"):]
    for b in ("main", "master"):
        if f"refs/heads/{b}" in heads:
            return b
    if not heads:
        raise OpError(f"{repo} has no branch")
    return sorted(heads)[0][len("refs/heads/"):]


def pack_dir(clone):
    """Sizes in objects/pack of a bare repository: .pack, .idx, .rev and everything."""
    p = Path(clone) / "objects" / "pack"
    sizes = {"pack": 0, "idx": 0, "rev": 0, "all": 0}
    for f in p.iterdir():
        n = f.stat().st_size
        sizes["all"] += n
        ext = f.suffix.lstrip(".")
        if ext in sizes:
            sizes[ext] += n
    return sizes


# ---------------------------------------------------------------- the runs

class Ctx:
    pass


def timed(c, cmd, cwd, extra_env, rss_file, kubo=None, proxy=None):
    """One timed command (git invoking the helper): (seconds, stderr, Kubo requests, proxy traffic)."""
    env = dict(c.env, NIP_BENCH_RSS=str(rss_file), **extra_env)
    os.sync()  # earlier steps' dirty pages are not this step's cost
    req0 = kubo.requests() if kubo else None
    p0 = proxy.snapshot() if proxy else None
    dt, _, err = run(cmd, cwd=cwd, env=env)
    req = kubo.requests() - req0 if kubo else None
    traffic = diff(proxy.snapshot(), p0) if proxy else None
    return dt, err, req, traffic


def one_run(c, repo, src, run_no, full=True):
    slug = re.sub(r"[^A-Za-z0-9]+", "-", repo).strip("-")
    d = Path(tempfile.mkdtemp(prefix=f"{slug}-{run_no}-", dir=c.tmp))
    env = c.env
    name = f"{slug}-{run_no}.git"
    served = c.served / name
    branch = c.branch[repo]
    ok = {}
    N = c.pushes
    gdirect = f"git://127.0.0.1:{c.git_port}/{name}"
    gproxied = f"git://127.0.0.1:{c.git_proxy.port}/{name}"

    def mirror(tag):
        p = d / f"src-{tag}.git"
        run(["git", "clone", "-q", "--mirror", str(src), str(p)], env=env)
        git(p, "config", "remote.nip.url", "nip::new-ipfs", env=env)  # no fetch refspec: no refs/remotes/nip/*
        return p

    srcG, srcE = mirror("git"), mirror("local")
    srcK = mirror("kubo") if full else None

    def attempt(op, fn):
        try:
            fn()
            ok[op] = True
        except OpError as e:
            R.fail(repo, op, str(e))
            ok[op] = False

    # 1. baseline: git push of every branch and tag to a fresh bare repository (served by git daemon)
    def g_push():
        run(["git", "init", "-q", "--bare", str(served)], env=env)
        git(served, "symbolic-ref", "HEAD", f"refs/heads/{branch}", env=env)
        os.sync()
        dt, _, _ = git(srcG, "push", "-q", f"file://{served}", *FIRST_PUSH, env=env)
        R.add(repo, "push_local", "base", dt)
        if full:
            R.add(repo, "push_kubo", "base", dt)
        c.served0 = dsize(served / "objects")
        log(f"  git push file:// (heads and tags)   {dt:7.2f} s")
    attempt("g_push", g_push)

    # 2. nip: first push to the embedded store
    home = d / "nip-home"
    envE = {"NIP_STORE": "local", "NIP_HOME": str(home)}

    def e_push():
        rss = d / "rss-push-local"
        dt, err, _, _ = timed(c, ["git", "push", "nip"] + FIRST_PUSH, srcE, envE, rss)
        R.add(repo, "push_local", "nip", dt)
        helper_stats(repo, "push_local", rss)
        c.addr_local = git(srcE, "config", "remote.nip.url", env=env)[1].strip()
        size = dsize(home)
        c.home0 = size
        R.add(repo, "stored_local", "nip", size)
        cids = store_cids(home)
        blocks = len(cids) if cids else None
        R.add(repo, "push_local", "blocks", blocks)
        fact(repo, local_reported=reported_blocks(err), local_blocks=blocks)
        log(f"  nip push, embedded store            {dt:7.2f} s  ({size / 2**20:.1f} MiB stored"
            + (f", {blocks} blocks" if blocks else "") + ")")
    attempt("push_local", e_push)

    # 3. nip: first push to a fresh Kubo; then export exactly what it holds
    kubo = None
    car = d / "repo.car"

    def k_push():
        nonlocal kubo
        kubo = Kubo(c.ipfs, d, env)
        envK = {"NIP_STORE": "kubo", "NIP_IPFS_API": kubo.api}
        rs0, bb0, bn0 = kubo.stat()
        rss = d / "rss-push-kubo"
        dt, err, q, _ = timed(c, ["git", "push", "nip"] + FIRST_PUSH, srcK, envK, rss, kubo)
        R.add(repo, "push_kubo", "nip", dt)
        helper_stats(repo, "push_kubo", rss)
        R.add(repo, "push_kubo", "req", q)
        c.addr_kubo = git(srcK, "config", "remote.nip.url", env=env)[1].strip()
        rs1, bb1, bn1 = kubo.stat()
        c.kubo0 = (rs0, bb0, bn0)
        c.kubo1 = (rs1, bb1, bn1)
        R.add(repo, "stored_kubo", "nip", bb1 - bb0)
        R.add(repo, "push_kubo", "blocks", bn1 - bn0)
        R.add(repo, "blocks_kubo", "nip", bn1 - bn0)
        fact_list(repo, "kubo_reposize", rs1 - rs0 if rs0 is not None and rs1 is not None else None)
        fact(repo, kubo_reported=reported_blocks(err))
        cid = c.addr_kubo.split("/ipfs/", 1)[1]
        with open(car, "wb") as f:
            kubo.cli("dag", "export", cid, stdout=f)
        cids = set(car_cids(car))
        fact(repo, car_bytes=car.stat().st_size, car_blocks=len(cids))
        if ok.get("push_local"):  # the CAR against what the same pushes wrote to the embedded store
            local = store_cids(home)
            if local:
                fact(repo, car_not_local=len(cids - local), local_not_car=len(local - cids),
                     diff_sample=sorted(cids - local)[:3] + sorted(local - cids)[:3])
        log(f"  nip push, Kubo                      {dt:7.2f} s  ({(bb1 - bb0) / 2**20:.1f} MiB in {bn1 - bn0} blocks, {q} requests)")
    if full:
        attempt("push_kubo", k_push)

    # 4. baseline: git clone git:// (timed, straight to git daemon), and its .git
    cloneG = d / "clone-git"

    def g_clone():
        os.sync()
        dt, _, _ = run(["git", "clone", "-q", gdirect, str(cloneG)], env=env)
        for op in ("clone_local", "clone_kubo", "clone_gateway") if full else ("clone_local",):
            R.add(repo, op, "base", dt)
        size = dsize(cloneG / ".git")
        for op in ("gitdir_local", "gitdir_kubo") if full else ("gitdir_local",):
            R.add(repo, op, "base", size)
        if not checked_out(cloneG, env):
            fact(repo, note_git_nohead=True)
        log(f"  git clone git://                    {dt:7.2f} s  (.git {size / 2**20:.1f} MiB)")
    if ok.get("g_push"):
        attempt("g_clone", g_clone)

    # 5. nip: clone from Kubo (timed, straight to the node)
    cloneK = d / "clone-kubo"

    def k_clone():
        envK = {"NIP_STORE": "kubo", "NIP_IPFS_API": kubo.api}
        rss = d / "rss-clone-kubo"
        dt, _, q, _ = timed(c, ["git", "clone", c.addr_kubo, str(cloneK)], None, envK, rss, kubo)
        R.add(repo, "clone_kubo", "nip", dt)
        helper_stats(repo, "clone_kubo", rss)
        R.add(repo, "clone_kubo", "req", q)
        check_clone(srcK, cloneK, env)
        size = dsize(cloneK / ".git")
        R.add(repo, "gitdir_kubo", "nip", size)
        if not checked_out(cloneK, env):
            fact(repo, note_kubo_nohead=True)
        log(f"  nip clone, Kubo                     {dt:7.2f} s  ({q} requests, .git {size / 2**20:.1f} MiB)")
    if full and ok.get("push_kubo"):
        attempt("clone_kubo", k_clone)

    # 5b. nip: clone through the node's trustless gateway port, no node for
    # the helper (nip.store=gateway; the RPC API it is given is a dead port);
    # requests as the helper counts them (NIP_LOG=info: `gateways: N requests`)
    cloneW = d / "clone-gateway"

    def w_clone():
        gw = (kubo.repo / "gateway").read_text().strip()
        envW = {"NIP_STORE": "gateway", "NIP_GATEWAYS": gw, "NIP_IPFS_API": f"http://127.0.0.1:{free_port()}",
                "NIP_LOG": "info"}
        rss = d / "rss-clone-gateway"
        dt, err, _, _ = timed(c, ["git", "clone", c.addr_kubo, str(cloneW)], None, envW, rss)
        m = re.search(r"gateways: (\d+) requests, (\d+) bytes", err)
        q = int(m.group(1)) if m else None
        R.add(repo, "clone_gateway", "nip", dt)
        helper_stats(repo, "clone_gateway", rss)
        R.add(repo, "clonereq_gateway", "nip", q)
        check_clone(srcK, cloneW, env)
        log(f"  nip clone, gateway (no node)        {dt:7.2f} s  ({q} requests)")
    if full and ok.get("push_kubo"):
        attempt("clone_gateway", w_clone)

    # 6. nip: clone from the embedded store
    cloneE = d / "clone-local"

    def e_clone():
        rss = d / "rss-clone-local"
        dt, _, _, _ = timed(c, ["git", "clone", c.addr_local, str(cloneE)], None, envE, rss)
        R.add(repo, "clone_local", "nip", dt)
        helper_stats(repo, "clone_local", rss)
        check_clone(srcE, cloneE, env)
        size = dsize(cloneE / ".git")
        R.add(repo, "gitdir_local", "nip", size)
        if not checked_out(cloneE, env):
            fact(repo, note_local_nohead=True)
        log(f"  nip clone, embedded store           {dt:7.2f} s  (.git {size / 2**20:.1f} MiB)")
    if ok.get("push_local"):
        attempt("clone_local", e_clone)

    # 7. counted clones (not timed against each other): git through the
    # counting TCP proxy, nip through the counting HTTP proxy in front of Kubo
    def g_clone_counted():
        dst = d / "clone-git-counted"
        p0 = c.git_proxy.snapshot()
        run(["git", "clone", "-q", "--no-checkout", gproxied, str(dst)], env=env)
        t = diff(c.git_proxy.snapshot(), p0)
        R.add(repo, "clonebytes_kubo", "base", t["bytes"])
        shutil.rmtree(dst, ignore_errors=True)
        log(f"  git clone git:// through the proxy  {t['bytes'] / 2**20:7.2f} MiB on the wire")
    if full and ok.get("g_push"):
        attempt("g_clone_counted", g_clone_counted)

    def k_clone_counted():
        px = kubo.counting_proxy()
        dst = d / "clone-kubo-counted"
        rss = d / "rss-clone-kubo-counted"
        dt, _, q, t = timed(c, ["git", "clone", "--no-checkout", c.addr_kubo, str(dst)], None,
                            {"NIP_STORE": "kubo", "NIP_IPFS_API": px.url}, rss, kubo, px)
        helper_stats(repo, "clonereq_kubo", rss)
        check_clone(srcK, dst, env)
        R.add(repo, "clonebytes_kubo", "nip", t["bytes"])
        R.add(repo, "clonereq_kubo", "nip", t["requests"])
        fact_list(repo, "clone_calls", t["calls"])
        fact_list(repo, "clone_conns", t["conns"])
        fact_list(repo, "clone_counter_check", (t["requests"], q))
        fact_list(repo, "clone_proxied_s", dt)
        shutil.rmtree(dst, ignore_errors=True)
        log(f"  nip clone, Kubo, through the proxy  {dt:7.2f} s  ({t['requests']} requests on {t['conns']} "
            f"connections, {t['bytes'] / 2**20:.2f} MiB on the wire; Kubo counted {q})")
    if full and ok.get("push_kubo"):
        attempt("k_clone_counted", k_clone_counted)

    envK = {"NIP_STORE": "kubo", "NIP_IPFS_API": kubo.api} if kubo else {}
    if full:
        # 8. N one-commit pushes, alternating git, embedded, Kubo
        def push_round(i):
            if ok.get("g_push") and ok.get("g_pushes", True):
                try:
                    new_commit(srcG, branch, i, d, env)
                    os.sync()
                    dt, _, _ = git(srcG, "push", "-q", f"file://{served}", branch, env=env)
                    for op in ("push1_local", "push1_kubo"):
                        R.add(repo, op, "base", dt)
                except OpError as e:
                    R.fail(repo, "push1_local", f"git push {i}: {e}")
                    ok["g_pushes"] = False
            if ok.get("push_local") and ok.get("e_pushes", True):
                try:
                    new_commit(srcE, branch, i, d, env)
                    rss = d / "rss-push1-local"
                    dt, _, _, _ = timed(c, ["git", "push", "nip", branch], srcE, envE, rss)
                    R.add(repo, "push1_local", "nip", dt)
                except OpError as e:
                    R.fail(repo, "push1_local", f"push {i}: {e}")
                    ok["e_pushes"] = False
            if ok.get("push_kubo") and ok.get("k_pushes", True):
                try:
                    new_commit(srcK, branch, i, d, env)
                    rss = d / "rss-push1-kubo"
                    dt, _, q, _ = timed(c, ["git", "push", "nip", branch], srcK, envK, rss, kubo)
                    R.add(repo, "push1_kubo", "nip", dt)
                    R.add(repo, "push1_kubo", "req", q)
                except OpError as e:
                    R.fail(repo, "push1_kubo", f"push {i}: {e}")
                    ok["k_pushes"] = False

        t_start = time.monotonic()
        for i in range(1, N + 1):
            push_round(i)
        log(f"  {N} one-commit pushes each (git, embedded, Kubo) in {time.monotonic() - t_start:.1f} s: medians "
            + ", ".join(f"{k} {fmt(med(R.get(repo, op)[f]))} s" for k, op, f in
                        (("git", "push1_local", "base"), ("embedded", "push1_local", "nip"), ("Kubo", "push1_kubo", "nip"))))

        # bytes stored after them
        if ok.get("g_push") and ok.get("g_pushes", True):
            grown = dsize(served / "objects") - c.served0
            for op in ("storedN_local", "storedN_kubo"):
                R.add(repo, op, "base", grown)  # git's own growth, shown beside the baseline
            fact_list(repo, "git_growth", grown)
        if ok.get("push_local") and ok.get("e_pushes", True):
            size = dsize(home)
            R.add(repo, "storedN_local", "nip", size)
            fact_list(repo, "local_growth", size - c.home0)
        if ok.get("push_kubo") and ok.get("k_pushes", True):
            rs2, bb2, bn2 = kubo.stat()
            R.add(repo, "storedN_kubo", "nip", bb2 - c.kubo0[1])
            fact_list(repo, "kubo_growth", bb2 - c.kubo1[1])
            fact_list(repo, "kubo_growth_blocks", bn2 - c.kubo1[2])
            if rs2 is not None and c.kubo1[0] is not None:
                fact_list(repo, "kubo_growth_reposize", rs2 - c.kubo1[0])

        def verify(src, clone):
            want = git(src, "rev-parse", branch, env=env)[1].strip()
            got = git(clone, "rev-parse", f"refs/remotes/origin/{branch}", env=env)[1].strip()
            if want != got:
                raise OpError(f"after the fetch origin/{branch} is {got}, want {want}")

        # 9. fetch of the N pushes: bytes on the wire (git through the TCP
        # proxy, nip through the HTTP proxy), times as information
        def g_fetchN():
            git(cloneG, "remote", "set-url", "origin", gproxied, env=env)
            p0 = c.git_proxy.snapshot()
            os.sync()
            dt, _, _ = git(cloneG, "fetch", "-q", "origin", env=env)
            t = diff(c.git_proxy.snapshot(), p0)
            git(cloneG, "remote", "set-url", "origin", gdirect, env=env)
            verify(srcG, cloneG)
            R.add(repo, "fetchNbytes_kubo", "base", t["bytes"])
            for op in ("fetchN_local", "fetchN_kubo"):
                R.add(repo, op, "base", dt)
            log(f"  git fetch of {N} pushes, git://      {dt:7.2f} s  ({t['bytes'] / 1024:.1f} KiB on the wire)")
        if ok.get("g_clone") and ok.get("g_pushes", True):
            attempt("g_fetchN", g_fetchN)

        def e_fetchN():
            git(cloneE, "remote", "set-url", "origin", git(srcE, "config", "remote.nip.url", env=env)[1].strip(), env=env)
            rss = d / "rss-fetchN-local"
            dt, _, _, _ = timed(c, ["git", "fetch", "origin"], cloneE, envE, rss)
            helper_stats(repo, "fetchN_local", rss)
            verify(srcE, cloneE)
            R.add(repo, "fetchN_local", "nip", dt)
            log(f"  nip fetch of {N} pushes, embedded   {dt:7.2f} s")
        if ok.get("clone_local") and ok.get("e_pushes", True):
            attempt("e_fetchN", e_fetchN)

        def k_fetchN():
            px = kubo.counting_proxy()
            git(cloneK, "remote", "set-url", "origin", git(srcK, "config", "remote.nip.url", env=env)[1].strip(), env=env)
            rss = d / "rss-fetchN-kubo"
            dt, _, q, t = timed(c, ["git", "fetch", "origin"], cloneK, {"NIP_STORE": "kubo", "NIP_IPFS_API": px.url},
                                rss, kubo, px)
            helper_stats(repo, "fetchN_kubo", rss)
            verify(srcK, cloneK)
            R.add(repo, "fetchN_kubo", "nip", dt)
            R.add(repo, "fetchN_kubo", "req", t["requests"])
            R.add(repo, "fetchNbytes_kubo", "nip", t["bytes"])
            fact_list(repo, "fetchN_calls", t["calls"])
            log(f"  nip fetch of {N} pushes, Kubo       {dt:7.2f} s  ({t['requests']} requests, "
                f"{t['bytes'] / 1024:.1f} KiB on the wire)")
        if ok.get("clone_kubo") and ok.get("k_pushes", True):
            attempt("k_fetchN", k_fetchN)

        # 10. one more push each (timed with the others), then the timed
        # fetch of that one commit, straight to git daemon and to the node
        push_round(N + 1)
        helper_stats(repo, "push1_local", d / "rss-push1-local")
        helper_stats(repo, "push1_kubo", d / "rss-push1-kubo")

        def g_fetch1():
            os.sync()
            dt, _, _ = git(cloneG, "fetch", "-q", "origin", env=env)
            verify(srcG, cloneG)
            for op in ("fetch1_local", "fetch1_kubo"):
                R.add(repo, op, "base", dt)
            log(f"  git fetch, one commit               {dt:7.2f} s")
        if ok.get("g_fetchN"):
            attempt("g_fetch1", g_fetch1)

        def fetch1(op, clone, srcX, extra, kb):
            git(clone, "remote", "set-url", "origin", git(srcX, "config", "remote.nip.url", env=env)[1].strip(), env=env)
            rss = d / f"rss-{op}"
            dt, _, q, _ = timed(c, ["git", "fetch", "origin"], clone, extra, rss, kb)
            R.add(repo, op, "nip", dt)
            helper_stats(repo, op, rss)
            R.add(repo, op, "req", q)
            verify(srcX, clone)
            log(f"  nip fetch one commit, {op.split('_')[1]:13s} {dt:7.2f} s" + (f"  ({q} requests)" if kb else ""))
        if ok.get("e_fetchN"):
            attempt("fetch1_local", lambda: fetch1("fetch1_local", cloneE, srcE, envE, None))
        if ok.get("k_fetchN"):
            attempt("fetch1_kubo", lambda: fetch1("fetch1_kubo", cloneK, srcK, envK, kubo))

    if kubo:
        kubo.close()

    # 11. information: the node's own ingest of the blocks of the first push, into a fresh node
    def k_import():
        k2 = Kubo(c.ipfs, d, env)
        try:
            os.sync()
            q0 = k2.requests()
            dt, _, _ = k2.cli("dag", "import", str(car))
            q = k2.requests() - q0
            R.add(repo, "dag_import", "nip", med(R.get(repo, "push_kubo")["nip"][-1:]))
            R.add(repo, "dag_import", "base", dt)
            log(f"  ipfs dag import (same blocks)       {dt:7.2f} s  ({q} requests)")
        finally:
            k2.close()
    if full and ok.get("push_kubo") and c.dag_import:
        attempt("dag_import", k_import)

    shutil.rmtree(d, ignore_errors=True)
    shutil.rmtree(served, ignore_errors=True)


def git_baseline(c, label, src):
    """objects/pack of `git clone --bare --no-local` of the repository (its
    branches and tags): the pack a git server sends, with its .idx (and
    .rev, when this git writes one)."""
    d = Path(tempfile.mkdtemp(prefix="baseline-", dir=c.tmp))
    try:
        dt, _, _ = run(["git", "clone", "-q", "--bare", "--no-local", str(src), str(d / "b.git")], env=c.env)
        sizes = pack_dir(d / "b.git")
        n = len(refs(d / "b.git", c.env, "refs/heads")) + len(refs(d / "b.git", c.env, "refs/tags"))
        fact(label, pack=sizes, refs=n, src_bytes=dsize(src))
        log(f"{label}: objects/pack of git clone --bare --no-local: {sizes['all'] / 2**20:.2f} MiB "
            f"(.pack {sizes['pack'] / 2**20:.2f} MiB), {n} branches and tags")
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- repositories

def synth_repo(n, env):
    """bench/.work/repos/synth-<n>.git, made again when the generator
    changed since (its SHA-256 is in bench-complete)."""
    path = WORK / "repos" / f"synth-{n}.git"
    made_by = hashlib.sha256(SYNTH.read_bytes()).hexdigest()
    done = path / "bench-complete"
    if not (path / "HEAD").exists() or not done.exists() or done.read_text().strip() != made_by:
        shutil.rmtree(path, ignore_errors=True)
        tmp = WORK / "repos" / f"synth-{n}.git.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        log(f"making the {n}-commit repository with {SYNTH.name} (cached in {path.relative_to(ROOT)})")
        run([sys.executable, str(SYNTH), str(tmp), "--commits", str(n), "--bare"], env=env, timeout=7200)
        (tmp / "bench-complete").write_text(made_by + "\n")
        tmp.rename(path)
    return path


def real_repo(name, env):
    """A bare repository with the bundle's branches and tags only (its
    refs/pull/* and other refs dropped, then repacked so nothing else is
    left), cached in bench/.work/repos/."""
    bundle = REAL / f"{name}.bundle"
    path = WORK / "repos" / f"real-{name}.git"
    if (path / "bench-complete").exists():
        return path
    if not bundle.exists():
        raise OpError(f"{bundle} not found (set NIP_BENCH_REPOS)")
    shutil.rmtree(path, ignore_errors=True)
    tmp = WORK / "repos" / f"real-{name}.git.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"making {name}: git clone --mirror {bundle}, branches and tags only (cached in {path.relative_to(ROOT)})")
    run(["git", "clone", "-q", "--mirror", str(bundle), str(tmp)], env=env)
    out = git(tmp, "for-each-ref", "--format=%(refname)", env=env)[1].split()
    drop = "".join(f"delete {r}\n" for r in out if not r.startswith(("refs/heads/", "refs/tags/")))
    if drop:
        subprocess.run(["git", "-C", str(tmp), "update-ref", "--stdin"], input=drop.encode(), env=env, check=True)
    git(tmp, "config", "--unset-all", "remote.origin.fetch", env=env, check=False)
    git(tmp, "repack", "-q", "-a", "-d", env=env)
    git(tmp, "prune", env=env)
    (tmp / "bench-complete").write_text("")
    tmp.rename(path)
    return path


def blob_repo(env):
    """One commit holding one 100 MiB file of deterministic random bytes."""
    path = WORK / "repos" / "blob-100m.git"
    if (path / "bench-complete").exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    tmp = WORK / "repos" / "blob-100m.git.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    log("making the repository with one 100 MiB blob")
    run(["git", "init", "-q", "--bare", "-b", "main", str(tmp)], env=env)
    data = random.Random(100).randbytes(100 * 2**20)
    readme = b"One 100 MiB file of random bytes, for nip's memory benchmark.\n"
    stream = b"".join([
        b"blob\nmark :1\ndata %d\n" % len(data), data, b"\n",
        b"blob\nmark :2\ndata %d\n" % len(readme), readme, b"\n",
        b"commit refs/heads/main\nmark :3\n",
        b"author Bench <bench@example.org> 1700000000 +0000\n",
        b"committer Bench <bench@example.org> 1700000000 +0000\n",
        b"data 14\nOne big blob.\n\n",
        b"M 100644 :1 big.bin\nM 100644 :2 README\n\n",
    ])
    subprocess.run(["git", "--git-dir", str(tmp), "fast-import", "--quiet"], input=stream, env=env, check=True)
    (tmp / "bench-complete").write_text("")
    tmp.rename(path)
    return path


def self_repo(env):
    path = WORK / "repos" / "nip-self.git"
    shutil.rmtree(path, ignore_errors=True)
    run(["git", "clone", "-q", "--mirror", str(ROOT), str(path)], env=env)
    for r in refs(path, env, "refs/remotes"):  # only branches and tags
        git(path, "update-ref", "-d", r, env=env)
    return path


def parse_repos(spec):
    """`1000,10k,fd,serde,bat,self,blob` -> [(kind, arg)]."""
    out = []
    for item in (s.strip().lower() for s in spec.split(",")):
        if not item:
            continue
        m = re.fullmatch(r"(\d+)(k?)", item.replace("_", ""))
        if m:
            out.append(("synth", int(m.group(1)) * (1000 if m.group(2) else 1)))
        elif item in REAL_NAMES or (REAL / f"{item}.bundle").exists():
            out.append(("real", item))
        elif item in ("self", "blob"):
            out.append((item, None))
        else:
            raise SystemExit(f"bench: unknown repository {item!r} (a number of commits, "
                             f"{', '.join(REAL_NAMES)}, self or blob)")
    return out


# ---------------------------------------------------------------- report

# key, measure, baseline, unit, target kind, target value
#   ratio: nip / baseline <= value;  abs: nip <= value (unit);  bound: nip <= pack/256KiB + 100
#   info: no target
ROWS = [
    ("push_local", "first push, embedded store", "git push file:// (same refs, fresh bare)", "s", "ratio", 1.5),
    ("push_kubo", "first push, Kubo", "git push file:// (same refs, fresh bare)", "s", "ratio", 2.0),
    ("dag_import", "first push, Kubo, beside the node's own ingest", "ipfs dag import of the same blocks, fresh node", "s", "info", None),
    ("stored_local", "bytes stored after the first push, embedded ($NIP_HOME growth)", "objects/pack (.pack+.idx+.rev)", "B", "ratio", 1.3),
    ("stored_kubo", "bytes stored after the first push, Kubo (blocks/*.data growth)", "objects/pack (.pack+.idx+.rev)", "B", "ratio", 1.3),
    ("blocks_kubo", "blocks written by the first push, Kubo", "bound: .pack / 256 KiB + 100", "n", "bound", None),
    ("clone_kubo", "clone, Kubo", "git clone git://", "s", "ratio", 1.2),
    ("clone_local", "clone, embedded store", "git clone git://", "s", "ratio", 1.0),
    ("clone_gateway", "clone through a trustless gateway (Kubo's gateway port; no node for nip)", "git clone git://", "s", "ratio", 2.0),
    ("clonereq_gateway", "HTTP requests of a clone through a gateway (nip's count)", "bound: .pack / 256 KiB + 100", "n", "bound", None),
    ("clonereq_kubo", "HTTP requests of a clone from Kubo (counting proxy)", "bound: .pack / 256 KiB + 100", "n", "bound", None),
    ("clonebytes_kubo", "bytes on the wire, clone from Kubo (proxy)", "git clone git:// (counting proxy)", "B", "info", None),
    ("gitdir_kubo", "clone's .git, Kubo", "git clone git://'s .git", "B", "info", None),
    ("gitdir_local", "clone's .git, embedded store", "git clone git://'s .git", "B", "info", None),
    ("push1_local", "push of 1 new commit, embedded (median of all pushes)", "git push file://", "s", "abs", 0.3),
    ("push1_kubo", "push of 1 new commit, Kubo (median of all pushes)", "git push file://", "s", "abs", 0.5),
    ("storedN_local", "bytes stored after the first push + {N} one-commit pushes, embedded", "objects/pack (.pack+.idx+.rev); in (): git's own growth for the {N} commits", "B", "ratioN", 2.0),
    ("storedN_kubo", "bytes stored after the first push + {N} one-commit pushes, Kubo", "objects/pack (.pack+.idx+.rev); in (): git's own growth for the {N} commits", "B", "ratioN", 2.0),
    ("fetchNbytes_kubo", "bytes on the wire, fetch of {N} pushes from Kubo (proxy)", "git fetch git:// (counting proxy)", "B", "ratio", 1.5),
    ("fetchN_local", "fetch of {N} pushes, embedded", "git fetch git://", "s", "info", None),
    ("fetchN_kubo", "fetch of {N} pushes, Kubo", "git fetch git://", "s", "info", None),
    ("fetch1_local", "fetch of 1 new commit, embedded", "git fetch git://", "s", "abs", 0.3),
    ("fetch1_kubo", "fetch of 1 new commit, Kubo", "git fetch git://", "s", "abs", 0.5),
]
MEM_MB = 200


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x, nd=2):
    return "–" if x is None else f"{x:.{nd}f}"


def fmt_unit(x, unit):
    if x is None:
        return "–"
    if unit == "s":
        return f"{x:.2f} s"
    if unit == "B":
        if x >= 2**20:
            return f"{x / 2**20:.2f} MiB"
        return f"{x / 1024:.1f} KiB"
    return f"{int(round(x)):,}"


def report(c, labels, cmdline, started, wall):
    lines = []
    add = lines.append
    N = c.pushes
    add(f"# nip benchmark, {started:%Y-%m-%d %H:%M} UTC" + (" (smoke run, --quick)" if c.quick else ""))
    add("")
    add(f"- command: `{cmdline}` (in `{ROOT}`), {c.runs} run(s) per repository, medians; total wall time {wall / 60:.1f} min")
    add(f"- machine: {c.machine}")
    add(f"- software: {c.software}")
    add(f"- load average (1 min) at start {c.load0:.2f}, at end {os.getloadavg()[0]:.2f} (other work on the machine skews times)")
    add("- times are wall clock of the whole `git` command (helper start-up included), straight to git daemon / the node; "
        "the baseline runs right beside nip in every run. Byte and request counts come from the counting proxies, "
        "in separate operations that are not timed against each other")
    add("")
    add("| measure (vs baseline) | repository | nip | baseline | ratio | target (issue 11) | met? | peak MB | blocks | requests |")
    add("|---|---|---:|---:|---:|---|---|---:|---:|---:|")
    notes = []
    for label in labels:
        f = FACTS.get(label, {})
        pack = f.get("pack", {})
        bound = pack["pack"] / BLOCK_UNIT + 100 if pack.get("pack") else None
        peak_all = []
        for key, measure, base, unit, kind, target in ROWS:
            if (label, key) not in R.d:
                continue
            e = R.get(label, key)
            measure, base = measure.format(N=N), base.format(N=N)
            n = med(e["nip"])
            growth = None
            if kind in ("ratio", "info"):
                b = med(e["base"])
            elif kind == "ratioN":
                growth = med(e["base"])
                b = pack.get("all")
            elif kind == "bound":
                b = bound
            else:
                b = med(e["base"])
            if key in ("stored_local", "stored_kubo"):
                b = pack.get("all")
            ratio = n / b if n is not None and b else None
            peak = max(e["rss"]) if e["rss"] else None
            if peak is not None:
                peak_all.append((peak, measure))
            blocks, req = med(e["blocks"]), med(e["req"])
            if kind in ("ratio", "ratioN"):
                tgt = f"≤ {target:g}×"
                met = None if ratio is None else ratio <= target
            elif kind == "abs":
                tgt = f"≤ {target:g} s (at 50k commits)"
                met = None if n is None else n <= target
            elif kind == "bound":
                tgt = "≤ .pack / 256 KiB + 100" + (f" = {bound:,.0f}" if bound else "")
                met = None if n is None or bound is None else n <= bound
            else:
                tgt, met = "none (information)", None
            mtxt = "–" if met is None else ("yes" if met else "**no**")
            if not e["nip"] and not e["err"]:
                mtxt = "not run (an earlier step failed)"
            if e["err"]:
                mtxt = "**FAILED**" if not e["nip"] else mtxt + ", **FAILED** in some run(s)"
                for err in e["err"]:
                    notes.append(f"- {label}, {measure}: {err}")
            btxt = fmt_unit(b, "n" if kind == "bound" else unit)
            if growth is not None:
                btxt += f" ({fmt_unit(growth, unit)})"
            add(f"| {measure} (vs {base}) | {label} | {fmt_unit(n, unit)} | {btxt} | {fmt(ratio)} | {tgt} | {mtxt} | "
                f"{fmt(peak, 0)} | {'–' if blocks is None else f'{int(blocks):,}'} | {'–' if req is None else f'{int(req):,}'} |")
        if peak_all:
            pk, where = max(peak_all)
            add(f"| peak memory of the helper, all operations above | {label} | {pk:.0f} MB | | | ≤ {MEM_MB} MB | "
                f"{'yes' if pk <= MEM_MB else '**no**'} | {pk:.0f} ({where}) | | |")
    add("")
    add("Times: medians over the runs (one-commit pushes: over every push of every run). Peak MB: max RSS of any "
        "`git-remote-nip` process of that operation (`/usr/bin/time -f %M`), max over runs. Blocks: `*.data` files "
        "the node's `blocks/` gained (Kubo), blocks in the embedded store's packs (embedded, when its layout is "
        "one this script reads). Requests in the last column: Kubo's own counter "
        "`http_server_request_duration_seconds_count` during the timed operation (median); the HTTP-requests row "
        "is the counting proxy's count of a second, untimed clone. The bound rows put `.pack` bytes / 262,144 + 100 "
        "in the baseline column. See bench/README.md for every row.")
    add("")

    # facts per repository
    add("## Sizes and counts")
    add("")
    add("| repository | branches+tags | objects/pack: .pack / .idx / .rev | embedded after first push | Kubo blocks/ after first push (blocks) | Kubo RepoSize growth | CAR of `dag export` (blocks) | CAR vs embedded | "
        f"growth for {N} pushes: git objects/ / embedded / Kubo blocks/ (blocks) / Kubo RepoSize |")
    add("|---|---:|---:|---:|---:|---:|---:|---|---:|")

    def mb(v):
        return fmt_unit(v, "B")

    for label in labels:
        f = FACTS.get(label, {})
        pack = f.get("pack", {})
        same = ("same blocks" if f.get("car_not_local") == 0 and f.get("local_not_car") == 0 else
                f"{f['car_not_local']} only in CAR, {f['local_not_car']} only in store" if "car_not_local" in f else "–")
        add(f"| {label} | {f.get('refs', '–')} | {mb(pack.get('pack'))} / {mb(pack.get('idx'))} / {mb(pack.get('rev')) if pack.get('rev') else 'none'} | "
            f"{mb(med(R.get(label, 'stored_local')['nip']))}"
            + (f" ({f['local_blocks']:,} blocks)" if f.get("local_blocks") else "") + " | "
            f"{mb(med(R.get(label, 'stored_kubo')['nip']))} ({fmt_unit(med(R.get(label, 'blocks_kubo')['nip']), 'n')}) | "
            f"{mb(med(f.get('kubo_reposize', [])))} | {mb(f.get('car_bytes'))} ({fmt_unit(f.get('car_blocks'), 'n')}) | {same} | "
            f"{mb(med(f.get('git_growth', [])))} / {mb(med(f.get('local_growth', [])))} / "
            f"{mb(med(f.get('kubo_growth', [])))} ({fmt_unit(med(f.get('kubo_growth_blocks', [])), 'n')}) / "
            f"{mb(med(f.get('kubo_growth_reposize', [])))} |")
    add("")
    add("objects/pack: of `git clone --bare --no-local` of the branches and tags (what a git server sends, as "
        "index-pack stores it; this git writes no `.rev` unless `pack.writeReverseIndex` is set). "
        "Embedded: every file under `$NIP_HOME` (sum of sizes). Kubo blocks/: sum of sizes of the `*.data` "
        "files flatfs keeps, one per block, growth over the push on a fresh node; RepoSize: growth of "
        "`ipfs repo stat -s` (blocks plus leveldb). git objects/: growth of the bare repository the baseline "
        "pushes to (`receive-pack` keeps small pushes as loose objects).")
    for label in labels:
        f = FACTS.get(label, {})
        sample = f.get("diff_sample")
        if sample:
            add(f"{label}, CIDs in one and not the other (first few): " + ", ".join(f"`{x}`" for x in sample))
        extra = []
        if f.get("local_reported") is not None or f.get("kubo_reported") is not None:
            extra.append(f"blocks the helper itself reported for the first push: embedded {f.get('local_reported', '–')}, "
                         f"Kubo {f.get('kubo_reported', '–')}")
        for calls_key, what in (("clone_calls", "clone through the proxy"), ("fetchN_calls", f"fetch of {N} pushes through the proxy")):
            calls = f.get(calls_key)
            if calls:
                last = calls[-1]
                extra.append(f"{what}, requests per API call (last run): "
                             + ", ".join(f"`{k}` {v:,}" for k, v in sorted(last.items(), key=lambda kv: -kv[1])))
        if f.get("clone_counter_check"):
            extra.append("clone through the proxy, requests counted by the proxy / by Kubo's own counter: "
                         + ", ".join(f"{a:,} / {b:,}" for a, b in f["clone_counter_check"])
                         + f"; connections: {', '.join(str(x) for x in f.get('clone_conns', []))}"
                         + f"; its time {', '.join(fmt(x) for x in f.get('clone_proxied_s', []))} s (not compared)")
        for k, who in (("note_git_nohead", "git clone"), ("note_kubo_nohead", "nip clone (Kubo)"), ("note_local_nohead", "nip clone (embedded)")):
            if f.get(k):
                extra.append(f"{who} checked nothing out (no HEAD): its time has no checkout")
        for x in extra:
            add(f"- {label}: {x}")
    add("")
    if notes:
        add("## Failures")
        add("")
        lines.extend(notes)
        add("")
    add("## Every run")
    add("")
    add("Seconds, nip / baseline. Helper wall and CPU: seconds the `git-remote-nip` processes ran and used "
        "(user + system), from `/usr/bin/time`; the rest of nip's time is git itself (checkout, ref updates), "
        "and for Kubo, helper wall minus helper CPU is mostly waiting on the node. One-commit pushes: median "
        "and max of all pushes.")
    add("")
    for label in labels:
        for key, measure, _, unit, *_ in ROWS:
            if (label, key) not in R.d or unit != "s":
                continue
            e = R.get(label, key)
            measure = measure.format(N=N)
            if key.startswith("push1"):
                def mm(xs):
                    return f"median {fmt(med(xs))}, max {fmt(max(xs))} of {len(xs)}" if xs else "–"
                add(f"- {label}, {measure}: nip {mm(e['nip'])}; baseline {mm(e['base'])}")
                continue
            add(f"- {label}, {measure}: nip {', '.join(fmt(v) for v in e['nip']) or '–'}; "
                f"baseline {', '.join(fmt(v) for v in e['base']) or '–'}"
                + (f"; helper wall {', '.join(fmt(v) for v in e['hwall'])}, helper CPU {', '.join(fmt(v) for v in e['hcpu'])}"
                   if e["hwall"] else ""))
    add("")
    return "\n".join(lines)


def machine():
    model = "?"
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                model = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for l in open("/proc/meminfo"):
            if l.startswith("MemTotal"):
                mem = f"{int(l.split()[1]) / 2**20:.1f} GiB RAM"
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}, {mem}, Linux {platform.release()}"


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", "--repos", dest="sizes", default=None,
                    help="repositories: numbers of commits (synthetic, `10k` works) and names of the real ones "
                         f"({', '.join(REAL_NAMES)}); also `self` and `blob` (default 1000,10000,fd,serde,bat)")
    ap.add_argument("--runs", type=int, default=None, help="runs per repository (default 3; --quick: 1); medians are reported")
    ap.add_argument("--big", action="store_true", help="add the 50,000-commit repository")
    ap.add_argument("--pushes", type=int, default=100, help="one-commit pushes after the first push (default 100)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: --sizes 1000,fd --runs 1 --no-extra (each unless given)")
    ap.add_argument("--no-build", action="store_true", help="skip `cargo build --release --workspace`")
    ap.add_argument("--bin-dir", default=None, help="directory holding git-remote-nip (default target/release; implies --no-build)")
    ap.add_argument("--no-extra", action="store_true", help="skip this project's repository and the 100 MiB blob repository")
    ap.add_argument("--no-dag-import", action="store_true", help="skip the `ipfs dag import` information row")
    a = ap.parse_args()
    cmdline = shlex.join(["python3", "bench/run.py", *sys.argv[1:]])
    started = datetime.datetime.now(datetime.timezone.utc)
    if a.pushes < 1:
        sys.exit("bench: --pushes must be at least 1")
    spec = a.sizes if a.sizes is not None else ("1000,fd" if a.quick else "1000,10000," + ",".join(REAL_NAMES))
    items = parse_repos(spec)
    if a.big and ("synth", 50000) not in items:
        items.append(("synth", 50000))
    no_extra = a.no_extra or a.quick
    if not no_extra:
        items = [("self", None)] + [i for i in items if i[0] != "self"]
        if ("blob", None) not in items:
            items.append(("blob", None))
    runs = a.runs if a.runs is not None else (1 if a.quick else 3)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, on_signal)  # also when started in the background with SIGINT ignored
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    if any(k == "synth" for k, _ in items) and not SYNTH.exists():
        sys.exit(f"bench: {SYNTH} not found (it is part of this project)")
    if not os.access(TIME_BIN, os.X_OK):
        sys.exit(f"bench: {TIME_BIN} (GNU time) is needed for peak memory")

    c = Ctx()
    c.runs = runs
    c.pushes = a.pushes
    c.quick = a.quick
    c.dag_import = not a.no_dag_import
    c.branch = {}
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "repos").mkdir(exist_ok=True)
    c.tmp = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
    try:
        helper = (Path(a.bin_dir).resolve() if a.bin_dir else ROOT / "target" / "release") / "git-remote-nip"
        build = not (a.no_build or a.bin_dir)
        if build:
            log("cargo build --release --workspace")
            p = subprocess.run(["cargo", "build", "--release", "--workspace"], cwd=ROOT)
            if p.returncode != 0:
                sys.exit("bench: the build failed")
        if not os.access(helper, os.X_OK):
            sys.exit(f"bench: {helper} missing (build first, or --bin-dir)")
        log("finding Kubo (scripts/install-kubo.sh)")
        p = subprocess.run(["bash", str(ROOT / "scripts" / "install-kubo.sh")], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"bench: Kubo not available: {tail(p.stderr)}")
        c.ipfs = p.stdout.strip().splitlines()[-1]

        # the helper, wrapped to record its peak memory, first on PATH
        wrap = c.tmp / "wrap"
        wrap.mkdir()
        (wrap / "git-remote-nip").write_text(
            "#!/bin/sh\n"
            f'exec {TIME_BIN} -a -o "${{NIP_BENCH_RSS:-/dev/null}}" -f "%M %e %U %S" {shlex.quote(str(helper))} "$@"\n')
        (wrap / "git-remote-nip").chmod(0o755)
        gitconfig = c.tmp / "gitconfig"
        gitconfig.write_text("[user]\n\tname = Bench\n\temail = bench@example.org\n[init]\n\tdefaultBranch = main\n"
                             "[advice]\n\tdetachedHead = false\n[gc]\n\tauto = 0\n")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("NIP_", "GIT_", "IPFS_"))}
        env.update(PATH=f"{wrap}:{helper.parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
                   GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(gitconfig), GIT_TERMINAL_PROMPT="0",
                   IPFS_TELEMETRY="off", LC_ALL="C", **COMMIT_ENV)
        c.env = env

        _, kv, _ = run([c.ipfs, "version"], env=env)
        _, gv, _ = run(["git", "--version"], env=env)
        rev = run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], env=env)[1].strip()
        dirty = run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], env=env)[1].strip()
        hstat = helper.stat()
        built = datetime.datetime.fromtimestamp(hstat.st_mtime, datetime.timezone.utc)
        c.machine = machine()
        c.load0 = os.getloadavg()[0]
        c.software = (f"bench of {rev}{' + uncommitted changes' if dirty else ''}; helper `{helper}` "
                      f"(release build of {built:%Y-%m-%d %H:%M} UTC), {kv.strip()}, "
                      f"{gv.strip()}, Python {platform.python_version()}")

        # repositories
        repos = []  # (label, path, full)
        for kind, arg in items:
            if kind == "self":
                repos.append(("nip's own repository", self_repo(env), True))
            elif kind == "synth":
                repos.append((f"{arg:,} commits", synth_repo(arg, env), True))
            elif kind == "real":
                repos.append((arg, real_repo(arg, env), True))
            elif kind == "blob":
                repos.append(("one 100 MiB blob", blob_repo(env), False))

        # one git daemon for the whole benchmark, and a counting proxy in front of it
        c.served = c.tmp / "served"
        c.served.mkdir()
        c.git_port = free_port()
        gitd = subprocess.Popen(["git", "daemon", "--reuseaddr", f"--base-path={c.served}", "--export-all",
                                 "--listen=127.0.0.1", f"--port={c.git_port}", str(c.served)],
                                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=open(c.tmp / "git-daemon.log", "wb"), start_new_session=True)
        LIVE.append(gitd)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", c.git_port), timeout=1).close()
                break
            except OSError:
                if gitd.poll() is not None or time.monotonic() > deadline:
                    sys.exit("bench: git daemon did not start")
                time.sleep(0.05)
        c.git_proxy = CountingTcpProxy("127.0.0.1", c.git_port)
        PROXIES.append(c.git_proxy)

        for label, path, full in repos:
            try:
                c.branch[label] = default_branch(path, env)
                git_baseline(c, label, path)
            except OpError as e:
                R.fail(label, "push_local", f"preparing the repository: {e}")
                continue
            for r in range(runs):
                log(f"{label}: run {r + 1}/{runs} (branch {c.branch[label]})")
                one_run(c, label, path, r, full=full)

        wall = time.monotonic() - T0
        text = report(c, [l for l, _, _ in repos], cmdline, started, wall)
        print(text)
        out = BENCH / f"results-{started:%Y-%m-%d}{'-quick' if a.quick else ''}.md"
        out.write_text(text + "\n")
        log(f"wrote {out.relative_to(ROOT)}; total {wall / 60:.1f} min")
    except KeyboardInterrupt as e:
        log(f"interrupted ({e or 'Ctrl-C'}); stopping daemons")
        sys.exit(130)
    finally:
        stop_all()
        shutil.rmtree(c.tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
