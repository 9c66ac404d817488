#!/usr/bin/env python3
"""Clone through the DHT as the network grows (issue 15).

    python3 bench/dht.py [--nodes 10,20] [--commits 1000] [--runs 3] [--bin-dir target/release]

For each network size N: starts N throwaway Kubo daemons on 127.0.0.1 (one
bootstrap node, the others bootstrapping from it only; DHT server mode,
`Provide.Strategy=roots`, bitswap's broadcast control on for local peers:
the configuration of tests/common/network.rs, where a node finds content
only through provider records), pushes a synthetic repository on node 1
to `nip::new-ipns`, and on a node that never saw the push (one per network) measures:

  first provider   `ipfs routing findprovs -n 1 <index>` until the pusher is named
  clone by CID     `git clone nip::/ipfs/<index>`
  clone by name    `git clone nip::/ipns/<name>` (the name resolved through the DHT too)

Medians of --runs runs (a new network for each clone), one markdown table,
also written to bench/results-dht-<date>.md. Nothing leaves 127.0.0.1.
"""

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as B  # noqa: E402  (bench/run.py: run, stop, synth_repo, machine)

ROOT = Path(__file__).resolve().parent.parent
CONFIG = [
    ("Plugins.Plugins.telemetry.Config.Mode", '"off"'),
    ("Datastore.GCPeriod", '"0"'),
    ("Routing.Type", '"dhtserver"'),
    ("Provide.Strategy", '"roots"'),
    ("Internal.Bitswap.BroadcastControl",
     '{"Enable":true,"LocalPeers":true,"PeeredPeers":true,"MaxRandomPeers":0,"SendToPendingPeers":false}'),
]


class Node:
    def __init__(self, ipfs, parent, bootstrap=None):
        self.ipfs = ipfs
        self.dir = Path(tempfile.mkdtemp(prefix="kubo-dht-", dir=parent))
        self.env = dict(os.environ, IPFS_PATH=str(self.dir / "repo"), IPFS_TELEMETRY="off")
        self.env.pop("IPFS_API", None)
        B.run([ipfs, "init", "--profile", "test"], env=self.env)
        for key, value in CONFIG + [("Bootstrap", f'["{bootstrap}"]' if bootstrap else "[]")]:
            B.run([ipfs, "config", "--json", key, value], env=self.env)
        self.log = open(self.dir / "daemon.log", "wb")
        self.proc = subprocess.Popen([ipfs, "daemon", "--enable-gc=false"], env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        B.LIVE.append(self.proc)
        api = self.dir / "repo" / "api"
        deadline = time.monotonic() + 60
        while not (api.exists() and self.cli_ok("id", "-f", "<id>")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise B.OpError(f"ipfs daemon did not start: {B.tail((self.dir / 'daemon.log').read_text(errors='replace'))}")
            time.sleep(0.1)
        self.api = api.read_text().strip()
        self.id = self.cli("id", "-f", "<id>").strip()

    def cli_ok(self, *args):
        return subprocess.run([self.ipfs, *args], env=self.env, capture_output=True).returncode == 0

    def cli(self, *args, timeout=120):
        return B.run([self.ipfs, *args], env=self.env, timeout=timeout)[1]

    def swarm_addr(self):
        return next(a for a in self.cli("id", "-f", "<addrs>").split() if a.startswith("/ip4/127.0.0.1/tcp/"))

    def close(self):
        B.stop(self.proc)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def nip_env(node, bin_dir, home):
    env = dict(os.environ, NIP_STORE="kubo", NIP_IPFS_API=node.api, NIP_HOME=str(home),
               PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", NIP_IPFS_TIMEOUT="60",
               GIT_TERMINAL_PROMPT="0")
    return env


def timed(cmd, cwd, env):
    t = time.monotonic()
    B.run(cmd, cwd=cwd, env=env, timeout=600)
    return time.monotonic() - t


def first_provider(node, cid, want, limit=120):
    t = time.monotonic()
    while time.monotonic() - t < limit:
        out = subprocess.run([node.ipfs, "routing", "findprovs", "-n", "1", "--timeout=30s", cid], env=node.env,
                             capture_output=True, text=True).stdout
        if want in out.split():
            return time.monotonic() - t
        time.sleep(0.2)
    raise B.OpError(f"no provider of {cid} found in {limit} s")


def one_clone(n, kind, ipfs, bin_dir, src, tmp):
    """A network of n nodes, a push on node 1, one clone on the last node
    (by CID or by name); (push s, first provider s, clone s). One clone per
    network: a second cloning node in the same network was seen to stall
    in Kubo's bitswap (bench/README.md)."""
    boot = Node(ipfs, tmp)
    addr = boot.swarm_addr()
    nodes = [boot] + [Node(ipfs, tmp, addr) for _ in range(n - 1)]
    time.sleep(2)  # the DHT's first walks
    pusher, cloner = nodes[1], nodes[-1]
    work = Path(tempfile.mkdtemp(prefix="dht-work-", dir=tmp))
    try:
        env = nip_env(pusher, bin_dir, work / "home-push")
        repo = work / "src"
        B.run(["git", "clone", "-q", "--bare", str(src), str(repo)], env=env)
        B.run(["git", "remote", "add", "nip", "nip::new-ipns"], cwd=repo, env=env)
        t_push = timed(["git", "push", "-q", "--all", "nip"], repo, env)
        B.run(["git", "push", "-q", "--tags", "nip"], cwd=repo, env=env, timeout=600)
        url = B.run(["git", "config", "remote.nip.url"], cwd=repo, env=env)[1].strip()
        key = url[len("nip::/ipns/"):]
        index = pusher.cli("name", "resolve", "--offline", f"/ipns/{key}").strip()[len("/ipfs/"):]
        t_find = first_provider(cloner, index, pusher.id)
        address = f"nip::/ipfs/{index}" if kind == "cid" else url
        cenv = nip_env(cloner, bin_dir, work / "home-clone")
        t_clone = timed(["git", "clone", "-q", address, str(work / "clone")], work, cenv)
        return t_push, t_find, t_clone
    finally:
        for node in nodes:
            node.close()
        shutil.rmtree(work, ignore_errors=True)


def one_size(n, args, ipfs, bin_dir, src, tmp):
    rows = {"push": [], "first provider": [], "clone by CID": [], "clone by name": []}
    for r in range(args.runs):
        for kind, label in (("cid", "clone by CID"), ("name", "clone by name")):
            B.log(f"{n} nodes, run {r + 1}: {label}")
            t_push, t_find, t_clone = one_clone(n, kind, ipfs, bin_dir, src, tmp)
            rows["push"].append(t_push)
            rows["first provider"].append(t_find)
            rows[label].append(t_clone)
    m = {k: statistics.median(v) for k, v in rows.items()}
    return m["push"], m


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", default="10,20", help="network sizes (default 10,20)")
    ap.add_argument("--commits", type=int, default=1000, help="commits of the synthetic repository (default 1000)")
    ap.add_argument("--runs", type=int, default=3, help="clones per size (default 3); medians are reported")
    ap.add_argument("--bin-dir", default=None, help="directory holding git-remote-nip (default target/release, built)")
    args = ap.parse_args()
    started = time.time()
    ipfs = subprocess.run(["bash", str(ROOT / "scripts/install-kubo.sh")], capture_output=True, text=True,
                          check=True).stdout.strip()
    if args.bin_dir:
        bin_dir = Path(args.bin_dir).resolve()
    else:
        subprocess.run(["cargo", "build", "--release", "--workspace", "--locked"], cwd=ROOT, check=True)
        bin_dir = ROOT / "target" / "release"
    B.WORK.mkdir(parents=True, exist_ok=True)
    src = B.synth_repo(args.commits, dict(os.environ))
    tmp = Path(tempfile.mkdtemp(prefix="nip-dht-bench-"))
    lines = [f"# Clone through the DHT, {datetime.date.today()}", "",
             f"`python3 bench/dht.py --nodes {args.nodes} --commits {args.commits} --runs {args.runs}`; "
             f"synthetic repository of {args.commits} commits; Kubo from scripts/install-kubo.sh; "
             f"medians of {args.runs} runs, a new network for each clone; helper from {bin_dir.relative_to(ROOT) if bin_dir.is_relative_to(ROOT) else bin_dir}.", "",
             "| nodes | push (s) | first provider (s) | clone by CID (s) | clone by name (s) |",
             "|---:|---:|---:|---:|---:|"]
    try:
        for n in [int(x) for x in args.nodes.split(",")]:
            t_push, m = one_size(n, args, ipfs, bin_dir, src, tmp)
            lines.append(f"| {n} | {t_push:.2f} | {m['first provider']:.2f} | {m['clone by CID']:.2f} | "
                         f"{m['clone by name']:.2f} |")
            B.log(lines[-1])
    finally:
        B.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    lines += ["", f"Machine: {B.machine()}. Wall time {time.time() - started:.0f} s."]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "bench" / f"results-dht-{datetime.date.today()}.md"
    out.write_text(text)
    B.log(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
