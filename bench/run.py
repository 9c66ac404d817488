#!/usr/bin/env python3
"""nip against plain git (and Kubo's own ingest): one command, one table.

    python3 bench/run.py [--sizes 1000,10000] [--runs 3] [--big] [--no-build]

Builds nip (release), finds Kubo with scripts/install-kubo.sh, makes the test
repositories with ../shared/bench/synth-repo.py (cached in bench/.work/), plus
a mirror of this project's repository and one with a single 100 MiB blob;
starts throwaway Kubo daemons and one local `git daemon`, all on 127.0.0.1;
then, for every repository and every run, alternates nip and its baseline:

  first push, embedded store   git push nip refs/heads/* refs/tags/*  vs  git push --mirror file://<fresh bare>
  first push, Kubo             the same with NIP_STORE=kubo           vs  ipfs dag import of the very blocks nip wrote
  clone, Kubo / embedded       git clone nip::/ipfs/<cid>             vs  git clone git://127.0.0.1:<port>/<repo>
  push of one new commit       git push nip main                      vs  git push file://<bare> main
  fetch of one new commit      git fetch (after set-url)              vs  git fetch from git://

and prints one markdown table of medians (also written to
bench/results-<date>.md). Progress goes to stderr.

How things are measured:
  * time: wall clock around the git (or ipfs) command, helper start-up included;
  * peak memory: a `git-remote-nip` wrapper first on PATH runs the real helper
    under `/usr/bin/time -f "%M %e %U %S"` (max RSS in KiB, wall, user and
    system seconds), one line per helper process;
  * blocks: the helper's own `nip: stored N new objects ... (B new blocks, Y bytes)`;
  * requests: Kubo's Prometheus counter `http_server_request_duration_seconds_count`
    for the API port, read before and after the operation (nip is the only
    client of that daemon meanwhile);
  * every Kubo run uses a fresh daemon repository (`ipfs init --profile test`,
    a few tenths of a second), so no run sees blocks of another.
"""
import argparse
import base64
import datetime
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

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / ".work"
SYNTH = Path(os.environ.get("NIP_BENCH_SYNTH", ROOT.parent / "shared" / "bench" / "synth-repo.py"))
TIME_BIN = "/usr/bin/time"
OP_TIMEOUT = 1800  # seconds; nip's predecessors hung, a benchmark must not

T0 = time.monotonic()



# nip's first push: every branch and tag in one push (one index, one pin),
# as the baseline pushes them in one `git push --mirror`.
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


def du(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
            except FileNotFoundError:
                pass
    return total


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- processes

LIVE = []  # Popen objects still to stop


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


class Kubo:
    """One throwaway Kubo daemon with its own repository."""

    def __init__(self, ipfs, parent, env):
        self.ipfs = ipfs
        self.dir = Path(tempfile.mkdtemp(prefix="kubo-", dir=parent))
        self.env = dict(env, IPFS_PATH=str(self.dir / "repo"))
        run([ipfs, "init", "--profile", "test"], env=self.env)
        run([ipfs, "config", "--json", "Plugins.Plugins.telemetry.Config.Mode", '"off"'], env=self.env)
        # No announcing: with no peers to tell, a node that was just given
        # 746,000 blocks otherwise spends minutes of CPU in the background
        # trying, and on 2 cores that lands on whatever is measured next
        # (git's own one-commit push took 1.25 s instead of 0.5 s).
        run([ipfs, "config", "--json", "Provide.Enabled", "false"], env=self.env)
        self.log = open(self.dir / "daemon.log", "wb")
        self.proc = subprocess.Popen([ipfs, "daemon"], env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        LIVE.append(self.proc)
        apifile = self.dir / "repo" / "api"
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

    def post(self, call):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/v0/{call}", method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read()

    def cli(self, *args, stdout=None):
        return run([self.ipfs, *args], env=self.env, stdout=stdout)

    def requests(self):
        """API requests served so far (Kubo's own counter; our metrics GETs are not POSTs)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/debug/metrics/prometheus", timeout=10) as r:
            text = r.read().decode()
        n = 0
        for line in text.splitlines():
            if line.startswith("http_server_request_duration_seconds_count{") and f'server_port="{self.port}"' in line:
                n += int(float(line.rsplit(" ", 1)[1]))
        return n

    def repo_size(self):
        _, out, _ = self.cli("repo", "stat", "-s")
        m = re.search(r"RepoSize:\s+(\d+)", out)
        return int(m.group(1)) if m else None

    def close(self):
        stop(self.proc)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- results

class Results:
    def __init__(self):
        self.d = {}  # (repo, op) -> dict

    def get(self, repo, op):
        return self.d.setdefault((repo, op), {"nip": [], "base": [], "rss": [], "hwall": [], "hcpu": [], "blocks": [], "req": [], "err": []})

    def add(self, repo, op, key, value):
        if value is not None:
            self.get(repo, op)[key].append(value)

    def fail(self, repo, op, msg):
        errs = self.get(repo, op)["err"]
        if msg not in errs:
            errs.append(msg)
        log(f"  FAILED {op}: {msg}")


R = Results()
FACTS = {}  # repo -> dict of size facts


def helper_stats(repo, op, path):
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
        R.add(repo, op, "rss", max(r[0] for r in rows) / 1024)
        R.add(repo, op, "hwall", sum(r[1] for r in rows))
        R.add(repo, op, "hcpu", sum(r[2] for r in rows))


# `nip: stored N new objects in ... (B new blocks, Y bytes)`, or, when the
# store already had some of their blocks, `nip: N objects new to this
# remote; ... already had E of their blocks and stored B new blocks (Y bytes)`.
STORED = re.compile(
    r"nip: (?:stored (\d+) new objects? in .*? \((\d+) new blocks?, (\d+) bytes\)"
    r"|(\d+) objects? new to this remote; .*? and stored (\d+) new blocks? \((\d+) bytes\))"
)


def stored(stderr):
    blocks = nbytes = 0
    found = False
    for m in STORED.finditer(stderr):
        found = True
        blocks += int(m.group(2) or m.group(5))
        nbytes += int(m.group(3) or m.group(6))
    return (blocks, nbytes) if found else (None, None)


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
    """The CIDs the embedded store holds, for either layout nip has used:
    one file per block named by its CID under blocks/, or CARv1 packs under packs/."""
    found = {n for _, _, fs in os.walk(home / "blocks") for n in fs}
    for pack in sorted((home / "packs").glob("*.pack")) if (home / "packs").is_dir() else []:
        found.update(car_cids(pack))
    return found


def uvarint_bytes(x):
    out = bytearray()
    while True:
        b = x & 0x7F
        x >>= 7
        out.append(b | (0x80 if x else 0))
        if not x:
            return bytes(out)


# ---------------------------------------------------------------- git helpers

COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_AUTHOR_DATE": "1700000000 +0000",
    "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_COMMITTER_DATE": "1700000000 +0000",
}


def git(repo, *args, env, **kw):
    return run(["git", "-C", str(repo), *args], env=env, **kw)


def new_commit(repo, scratch, env):
    """Adds one deterministic commit on main (one new small file); returns its id."""
    e = dict(env, GIT_INDEX_FILE=str(scratch / f"index-{os.getpid()}-{random.random()}"))
    git(repo, "read-tree", "main", env=e)
    p = subprocess.run(["git", "-C", str(repo), "hash-object", "-w", "--stdin"], env=e,
                       input=b"one new commit for the nip benchmark\n", capture_output=True, check=True)
    blob = p.stdout.decode().strip()
    git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},src/bench-one-commit.txt", env=e)
    tree = git(repo, "write-tree", env=e)[1].strip()
    commit = git(repo, "commit-tree", tree, "-p", "main", "-m", "bench: one new commit", env=e)[1].strip()
    git(repo, "update-ref", "refs/heads/main", commit, env=e)
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


# ---------------------------------------------------------------- the runs

class Ctx:
    pass


def timed_nip(c, repo, op, cmd, cwd, extra_env, rss_file, kubo=None):
    """One timed nip command (git invoking the helper); records time parts."""
    env = dict(c.env, NIP_BENCH_RSS=str(rss_file), **extra_env)
    os.sync()  # earlier steps' dirty pages are not this step's cost
    req0 = kubo.requests() if kubo else None
    dt, _, err = run(cmd, cwd=cwd, env=env)
    req = kubo.requests() - req0 if kubo else None
    return dt, err, req


def one_run(c, repo, src, run_no, full=True):
    slug = re.sub(r"[^A-Za-z0-9]+", "-", repo).strip("-")
    d = Path(tempfile.mkdtemp(prefix=f"{slug}-{run_no}-", dir=c.tmp))
    env = c.env
    name = f"{slug}-{run_no}.git"
    served = c.served / name
    ok = {}

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

    # 1. baseline: git push --mirror to a fresh bare repository (served by git daemon)
    def g_push():
        run(["git", "init", "-q", "--bare", str(served)], env=env)
        os.sync()
        dt, _, _ = git(srcG, "push", "-q", "--mirror", f"file://{served}", env=env)
        R.add(repo, "push_local", "base", dt)
        log(f"  git push --mirror file://          {dt:7.2f} s")
    attempt("g_push", g_push)

    # 2. nip: first push to the embedded store
    home = d / "nip-home"
    envE = {"NIP_STORE": "local", "NIP_HOME": str(home)}

    def e_push():
        rss = d / "rss-push-local"
        t1, err1, _ = timed_nip(c, repo, "push_local", ["git", "push", "nip"] + FIRST_PUSH, srcE, envE, rss)
        t2, err2 = 0.0, ""
        blocks, nbytes = stored(err1 + err2)
        R.add(repo, "push_local", "nip", t1 + t2)
        helper_stats(repo, "push_local", rss)
        R.add(repo, "push_local", "blocks", blocks)
        c.addr_local = git(srcE, "config", "remote.nip.url", env=env)[1].strip()
        FACTS.setdefault(repo, {}).update(local_bytes=du(home), local_blocks=blocks, local_reported_bytes=nbytes)
        log(f"  nip push, embedded store            {t1 + t2:7.2f} s  ({blocks} blocks)")
    attempt("push_local", e_push)

    # 3. nip: first push to a fresh Kubo; then export exactly what it holds
    kubo = None
    car = d / "repo.car"

    def k_push():
        nonlocal kubo
        kubo = Kubo(c.ipfs, d, env)
        envK = {"NIP_STORE": "kubo", "NIP_IPFS_API": kubo.api}
        size0 = kubo.repo_size()
        rss = d / "rss-push-kubo"
        t1, err1, q1 = timed_nip(c, repo, "push_kubo", ["git", "push", "nip"] + FIRST_PUSH, srcK, envK, rss, kubo)
        t2, err2, q2 = 0.0, "", 0
        blocks, _ = stored(err1 + err2)
        R.add(repo, "push_kubo", "nip", t1 + t2)
        helper_stats(repo, "push_kubo", rss)
        R.add(repo, "push_kubo", "blocks", blocks)
        R.add(repo, "push_kubo", "req", q1 + q2)
        c.addr_kubo = git(srcK, "config", "remote.nip.url", env=env)[1].strip()
        size1 = kubo.repo_size()
        cid = c.addr_kubo.split("/ipfs/", 1)[1]
        with open(car, "wb") as f:
            kubo.cli("dag", "export", cid, stdout=f)
        cids = set(car_cids(car))
        facts = dict(kubo_growth=(size1 - size0) if size0 is not None and size1 is not None else None,
                     car_bytes=car.stat().st_size, car_blocks=len(cids), kubo_blocks=blocks)
        if ok.get("push_local"):  # the CAR against what the same pushes wrote to the embedded store
            local = store_cids(home)
            if local:
                facts.update(car_not_local=len(cids - local), local_not_car=len(local - cids),
                             diff_sample=sorted(cids - local)[:3] + sorted(local - cids)[:3])
        FACTS.setdefault(repo, {}).update(facts)
        log(f"  nip push, Kubo                      {t1 + t2:7.2f} s  ({blocks} blocks, {q1 + q2} requests)")
    if full:
        attempt("push_kubo", k_push)

    # 4. baseline: git clone git://
    cloneG = d / "clone-git"

    def g_clone():
        os.sync()
        dt, _, _ = run(["git", "clone", "-q", f"git://127.0.0.1:{c.git_port}/{name}", str(cloneG)], env=env)
        for op in ("clone_local", "clone_kubo") if full else ("clone_local",):
            R.add(repo, op, "base", dt)
        log(f"  git clone git://                    {dt:7.2f} s")
    if ok.get("g_push"):
        attempt("g_clone", g_clone)

    # 5. nip: clone from Kubo
    cloneK = d / "clone-kubo"

    def k_clone():
        envK = {"NIP_STORE": "kubo", "NIP_IPFS_API": kubo.api}
        rss = d / "rss-clone-kubo"
        dt, _, q = timed_nip(c, repo, "clone_kubo", ["git", "clone", c.addr_kubo, str(cloneK)], None, envK, rss, kubo)
        R.add(repo, "clone_kubo", "nip", dt)
        helper_stats(repo, "clone_kubo", rss)
        R.add(repo, "clone_kubo", "req", q)
        check_clone(srcK, cloneK, env)
        log(f"  nip clone, Kubo                     {dt:7.2f} s  ({q} requests)")
    if full and ok.get("push_kubo"):
        attempt("clone_kubo", k_clone)

    # 6. nip: clone from the embedded store
    cloneE = d / "clone-local"

    def e_clone():
        rss = d / "rss-clone-local"
        dt, _, _ = timed_nip(c, repo, "clone_local", ["git", "clone", c.addr_local, str(cloneE)], None, envE, rss)
        R.add(repo, "clone_local", "nip", dt)
        helper_stats(repo, "clone_local", rss)
        check_clone(srcE, cloneE, env)
        log(f"  nip clone, embedded store           {dt:7.2f} s")
    if ok.get("push_local"):
        attempt("clone_local", e_clone)

    if full:
        # 7. baseline: push one new commit
        def g_push1():
            new_commit(srcG, d, env)
            os.sync()
            dt, _, _ = git(srcG, "push", "-q", f"file://{served}", "main", env=env)
            for op in ("push1_local", "push1_kubo"):
                R.add(repo, op, "base", dt)
            log(f"  git push, one commit                {dt:7.2f} s")
        if ok.get("g_push"):
            attempt("g_push1", g_push1)

        # 8. nip: push one new commit, embedded and Kubo
        def e_push1():
            new_commit(srcE, d, env)
            rss = d / "rss-push1-local"
            dt, err, _ = timed_nip(c, repo, "push1_local", ["git", "push", "nip", "main"], srcE, envE, rss)
            R.add(repo, "push1_local", "nip", dt)
            helper_stats(repo, "push1_local", rss)
            R.add(repo, "push1_local", "blocks", stored(err)[0])
            c.addr_local2 = git(srcE, "config", "remote.nip.url", env=env)[1].strip()
            log(f"  nip push one commit, embedded       {dt:7.2f} s  ({stored(err)[0]} blocks)")
        if ok.get("push_local"):
            attempt("push1_local", e_push1)

        def k_push1():
            envK = {"NIP_STORE": "kubo", "NIP_IPFS_API": kubo.api}
            new_commit(srcK, d, env)
            rss = d / "rss-push1-kubo"
            dt, err, q = timed_nip(c, repo, "push1_kubo", ["git", "push", "nip", "main"], srcK, envK, rss, kubo)
            R.add(repo, "push1_kubo", "nip", dt)
            helper_stats(repo, "push1_kubo", rss)
            R.add(repo, "push1_kubo", "blocks", stored(err)[0])
            R.add(repo, "push1_kubo", "req", q)
            c.addr_kubo2 = git(srcK, "config", "remote.nip.url", env=env)[1].strip()
            log(f"  nip push one commit, Kubo           {dt:7.2f} s  ({stored(err)[0]} blocks, {q} requests)")
        if ok.get("push_kubo"):
            attempt("push1_kubo", k_push1)

        # 9. baseline: fetch one new commit over git://
        def g_fetch1():
            os.sync()
            dt, _, _ = git(cloneG, "fetch", "-q", "origin", env=env)
            for op in ("fetch1_local", "fetch1_kubo"):
                R.add(repo, op, "base", dt)
            log(f"  git fetch, one commit               {dt:7.2f} s")
        if ok.get("g_clone") and ok.get("g_push1"):
            attempt("g_fetch1", g_fetch1)

        # 10. nip: fetch one new commit, embedded and Kubo
        def fetch1(op, clone, addr, extra, src, kb):
            git(clone, "remote", "set-url", "origin", addr, env=env)
            rss = d / f"rss-{op}"
            dt, _, q = timed_nip(c, repo, op, ["git", "fetch", "origin"], clone, extra, rss, kb)
            R.add(repo, op, "nip", dt)
            helper_stats(repo, op, rss)
            R.add(repo, op, "req", q)
            want = git(src, "rev-parse", "main", env=env)[1].strip()
            got = git(clone, "rev-parse", "refs/remotes/origin/main", env=env)[1].strip()
            if want != got:
                raise OpError(f"after fetch origin/main is {got}, want {want}")
            log(f"  nip fetch one commit, {op.split('_')[1]:13s} {dt:7.2f} s" + (f"  ({q} requests)" if kb else ""))
        if ok.get("clone_local") and ok.get("push1_local"):
            attempt("fetch1_local", lambda: fetch1("fetch1_local", cloneE, c.addr_local2, envE, srcE, None))
        if ok.get("clone_kubo") and ok.get("push1_kubo"):
            attempt("fetch1_kubo", lambda: fetch1("fetch1_kubo", cloneK,  c.addr_kubo2,
                                                  {"NIP_STORE": "kubo", "NIP_IPFS_API": kubo.api}, srcK, kubo))

    if kubo:
        kubo.close()

    # 11. baseline: the node's own ingest of the same blocks, into a fresh node
    def k_import():
        k2 = Kubo(c.ipfs, d, env)
        try:
            os.sync()
            q0 = k2.requests()
            dt, _, _ = k2.cli("dag", "import", str(car))
            q = k2.requests() - q0
            R.add(repo, "push_kubo", "base", dt)
            log(f"  ipfs dag import (same blocks)       {dt:7.2f} s  ({q} requests)")
        finally:
            k2.close()
    if full and ok.get("push_kubo"):
        attempt("dag_import", k_import)

    shutil.rmtree(d, ignore_errors=True)
    shutil.rmtree(served, ignore_errors=True)


# ---------------------------------------------------------------- repositories

def synth_repo(n, env):
    path = WORK / "repos" / f"synth-{n}.git"
    if not (path / "HEAD").exists() or not (path / "bench-complete").exists():
        shutil.rmtree(path, ignore_errors=True)
        tmp = WORK / "repos" / f"synth-{n}.git.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        log(f"making the {n}-commit repository with {SYNTH.name} (cached in {path.relative_to(ROOT)})")
        run([sys.executable, str(SYNTH), str(tmp), "--commits", str(n), "--bare"], env=env, timeout=7200)
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


# ---------------------------------------------------------------- report

OPS = [
    # key, operation, baseline, kind, target
    ("push_local", "first push, embedded store", "git push --mirror file://", "ratio", 3.0),
    ("push_kubo", "first push, Kubo", "ipfs dag import (same blocks)", "ratio", 1.5),
    ("clone_kubo", "clone, Kubo", "git clone git://", "ratio", 2.0),
    ("clone_local", "clone, embedded store", "git clone git://", "ratio", 1.5),
    ("push1_local", "push 1 new commit, embedded", "git push file://", "abs", 0.5),
    ("push1_kubo", "push 1 new commit, Kubo", "git push file://", "abs", 1.0),
    ("fetch1_local", "fetch 1 new commit, embedded", "git fetch git://", "abs", 0.5),
    ("fetch1_kubo", "fetch 1 new commit, Kubo", "git fetch git://", "abs", 1.0),
]
MEM_MB = 200


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x, nd=2):
    return "–" if x is None else f"{x:.{nd}f}"


def report(c, repos, cmdline, started, wall):
    lines = []
    add = lines.append
    add(f"# nip benchmark, {started:%Y-%m-%d %H:%M} UTC")
    add("")
    add(f"- command: `{cmdline}` (in `{ROOT}`), {c.runs} runs per repository, medians; total wall time {wall / 60:.1f} min")
    add(f"- machine: {c.machine}")
    add(f"- software: {c.software}")
    add(f"- load average (1 min) at start {c.load0:.2f}, at end {os.getloadavg()[0]:.2f} (other work on the machine skews times)")
    add("- nip's time is the whole `git` command (helper start-up included); the baseline runs right beside it in every run")
    add("")
    add("| operation (vs baseline) | repository | nip median s | baseline median s | ratio | target | met? | peak MB | blocks | requests |")
    add("|---|---|---:|---:|---:|---|---|---:|---:|---:|")
    notes = []
    ref1k = {}
    for label, _ in repos:
        if label == "1,000 commits":
            for key, *_ in OPS:
                ref1k[key] = med(R.get(label, key)["nip"])
    for label, full in repos:
        peak_all = []
        for key, opname, base, kind, target in OPS:
            if (label, key) not in R.d:
                continue
            e = R.get(label, key)
            n, b = med(e["nip"]), med(e["base"])
            ratio = n / b if n is not None and b else None
            peak = max(e["rss"]) if e["rss"] else None
            if peak is not None:
                peak_all.append((peak, opname))
            blocks = med(e["blocks"])
            req = med(e["req"])
            if kind == "ratio":
                tgt = f"≤ {target:g}×"
                met = None if ratio is None else ratio <= target
            else:
                tgt = f"≤ {target:g} s"
                met = None if n is None else n <= target
                r1k = ref1k.get(key)
                if label.endswith("commits") and label != "1,000 commits" and r1k:
                    tgt += f" and ≤ 1.5× 1k ({1.5 * r1k:.2f} s)"
                    met = None if n is None else (n <= target and n <= 1.5 * r1k)
            mtxt = "–" if met is None else ("yes" if met else "**no**")
            if not e["nip"] and not e["err"]:
                mtxt = "not run (an earlier step failed)"
            if e["err"]:
                mtxt = f"**FAILED** ({len(e['err'])})" if not e["nip"] else mtxt + f", **FAILED** in {c.runs - len(e['nip'])} run(s)"
                for err in e["err"]:
                    notes.append(f"- {label}, {opname}: {err}")
            add(f"| {opname} (vs {base}) | {label} | {fmt(n)} | {fmt(b)} | {fmt(ratio)} | {tgt} | {mtxt} | "
                f"{fmt(peak, 0)} | {'–' if blocks is None else int(blocks)} | {'–' if req is None else int(req)} |")
        if peak_all:
            pk, where = max(peak_all)
            add(f"| peak memory of the helper, all operations above | {label} | | | | ≤ {MEM_MB} MB | "
                f"{'yes' if pk <= MEM_MB else '**no**'} | {pk:.0f} ({where}) | | |")
    add("")
    add("Blocks: new blocks the helper reports having written (`nip: stored ... (B new blocks, ...)`, "
        "one push of every branch and tag). Requests: HTTP requests Kubo's API served during the operation, "
        "from Kubo's own counter `http_server_request_duration_seconds_count` (read before and after; "
        "nip is the daemon's only client meanwhile). The embedded store makes no HTTP requests (–). "
        "Peak MB: max RSS of any `git-remote-nip` process of that operation (`/usr/bin/time -f %M`), max over runs.")
    add("")
    add("## Bytes stored")
    add("")
    add("| repository | `.git` (du -sb) | embedded store (`$NIP_HOME`) | × .git | Kubo repo growth | × .git | CAR from `dag export` | CAR blocks | blocks nip reported, embedded / Kubo | CAR vs embedded store |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for label, _ in repos:
        f = FACTS.get(label, {})
        g = f.get("git_bytes")

        def x(v):
            return fmt(v / g) if v and g else "–"

        def mb(v):
            return "–" if v is None else f"{v / 2**20:.1f} MiB"
        add(f"| {label} | {mb(g)} | {mb(f.get('local_bytes'))} | {x(f.get('local_bytes'))} | {mb(f.get('kubo_growth'))} | "
            f"{x(f.get('kubo_growth'))} | {mb(f.get('car_bytes'))} | {f.get('car_blocks', '–')} | "
            f"{f.get('local_blocks', '–')} / {f.get('kubo_blocks', '–')} | "
            + ("same blocks" if f.get("car_not_local") == 0 and f.get("local_not_car") == 0 else
               f"{f['car_not_local']} only in CAR, {f['local_not_car']} only in store" if "car_not_local" in f else "–")
            + " |")
    add("")
    if notes:
        add("## Failures")
        add("")
        lines.extend(notes)
        add("")
    add("Embedded store: every file under `$NIP_HOME` after the first push (every branch and tag, one push). Kubo repo growth: "
        "`RepoSize` of `ipfs repo stat -s` after those pushes minus before, on a fresh node. CAR vs embedded store: "
        "whether the CAR that `ipfs dag export` gives for the pushed address holds the same CIDs as the embedded "
        "store after the same pushes (read from its block files or CAR packs), i.e. whether both back ends hold the same blocks.")
    for label, _ in repos:
        sample = FACTS.get(label, {}).get("diff_sample")
        if sample:
            add(f"{label}, CIDs in one and not the other (first few): " + ", ".join(f"`{x}`" for x in sample))
    add("")
    add("## Every run (seconds, nip / baseline)")
    add("")
    add("Helper wall and CPU: seconds the `git-remote-nip` processes ran and used (user + system), from "
        "`/usr/bin/time`; the rest of nip's time is git itself (checkout, ref updates), and for Kubo, "
        "helper wall minus helper CPU is mostly waiting on the node.")
    add("")
    for label, _ in repos:
        for key, opname, *_ in OPS:
            if (label, key) in R.d:
                e = R.get(label, key)
                add(f"- {label}, {opname}: nip {', '.join(fmt(v) for v in e['nip']) or '–'}; "
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
    ap.add_argument("--sizes", default="1000,10000", help="synthetic repository sizes in commits (default 1000,10000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per repository (default 3); medians are reported")
    ap.add_argument("--big", action="store_true", help="add the 50,000-commit repository")
    ap.add_argument("--no-build", action="store_true", help="skip `cargo build --release --workspace`")
    ap.add_argument("--no-extra", action="store_true", help="skip this project's repository and the 100 MiB blob repository")
    a = ap.parse_args()
    cmdline = shlex.join(["python3", "bench/run.py", *sys.argv[1:]])
    started = datetime.datetime.now(datetime.timezone.utc)
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    if a.big and 50000 not in sizes:
        sizes.append(50000)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, on_signal)  # also when started in the background with SIGINT ignored
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    if not SYNTH.exists():
        sys.exit(f"bench: {SYNTH} not found (set NIP_BENCH_SYNTH)")
    if not os.access(TIME_BIN, os.X_OK):
        sys.exit(f"bench: {TIME_BIN} (GNU time) is needed for peak memory")

    c = Ctx()
    c.runs = a.runs
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "repos").mkdir(exist_ok=True)
    c.tmp = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
    gitd = None
    try:
        if not a.no_build:
            log("cargo build --release --workspace")
            p = subprocess.run(["cargo", "build", "--release", "--workspace"], cwd=ROOT)
            if p.returncode != 0:
                sys.exit("bench: the build failed")
        helper = ROOT / "target" / "release" / "git-remote-nip"
        if not os.access(helper, os.X_OK):
            sys.exit(f"bench: {helper} missing (build first)")
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
               if not k.startswith(("NIP_", "GIT_", "IPFS_")) or k == "NIP_BENCH_SYNTH"}
        env.update(PATH=f"{wrap}:{helper.parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
                   GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(gitconfig), GIT_TERMINAL_PROMPT="0",
                   IPFS_TELEMETRY="off", LC_ALL="C", **COMMIT_ENV)
        c.env = env

        _, kv, _ = run([c.ipfs, "version"], env=env)
        _, gv, _ = run(["git", "--version"], env=env)
        rev = run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], env=env)[1].strip()
        dirty = run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], env=env)[1].strip()
        c.machine = machine()
        c.load0 = os.getloadavg()[0]
        c.software = (f"nip {rev}{' + uncommitted changes' if dirty else ''} (release build), {kv.strip()}, "
                      f"{gv.strip()}, Python {platform.python_version()}")

        # repositories
        repos = []  # (label, path, full)
        if not a.no_extra:
            repos.append(("nip's own repository", self_repo(env), True))
        for n in sizes:
            repos.append((f"{n:,} commits", synth_repo(n, env), True))
        if not a.no_extra:
            repos.append(("one 100 MiB blob", blob_repo(env), False))

        # one git daemon for the whole benchmark
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

        for label, path, full in repos:
            FACTS.setdefault(label, {})["git_bytes"] = du(path)
            for r in range(a.runs):
                log(f"{label}: run {r + 1}/{a.runs}")
                one_run(c, label, path, r, full=full)

        wall = time.monotonic() - T0
        text = report(c, [(l, f) for l, _, f in repos], cmdline, started, wall)
        print(text)
        out = BENCH / f"results-{started:%Y-%m-%d}.md"
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
