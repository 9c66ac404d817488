// Speed of the viewer on a big repository (issue 16: the first screen of a
// 50,000-commit repository within 2 s from a local gateway).
//
//   node web/bench.mjs [BARE_REPO] [--runs N] [--cid CID --gateway URL]
//
// BARE_REPO defaults to bench/.work/repos/synth-50000.git (make it with
// `python3 bench/synth-repo.py bench/.work/repos/synth-50000.git --commits
// 50000 --bare`). It starts a throwaway Kubo (own IPFS_PATH, test
// profile, loopback, no bootstrap, no providing), pushes a mirror of the
// repository to it with target/debug/git-remote-nip, serves web/dist on
// loopback and opens it in headless Chromium with `?gateway=<Kubo's
// gateway>`; each measurement in a fresh browser context (nothing cached):
// the first screen (branches and the default branch's last commit shown),
// the first log page of the default branch, and its 10th page opened from
// its own link; with the gateway requests (blocks) each made. Prints a
// markdown table.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir, homedir } from "node:os";
import { join, dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const web = dirname(fileURLToPath(import.meta.url));
const root = join(web, "..");
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const runs = Number(opt("--runs", "3"));
const trace = args.includes("--trace") ? (args.splice(args.indexOf("--trace"), 1), true) : false;
let cid = opt("--cid", null);
let gateway = opt("--gateway", null);
const source = args[0] ?? join(root, "bench/.work/repos/synth-50000.git");
const kuboBin = process.env.NIP_TEST_IPFS || join(homedir(), ".cache/nip/kubo/v0.39.0/ipfs");
const chromiumBin = process.env.NIP_TEST_CHROMIUM || "/usr/bin/chromium";
const tmp = mkdtempSync(join(tmpdir(), "nip-web-bench-"));
const ipfsEnv = { ...process.env, IPFS_PATH: join(tmp, "ipfs"), IPFS_TELEMETRY: "off" };
delete ipfsEnv.IPFS_API;
const log = (s) => process.stderr.write(s + "\n");
let daemon = null;
let server = null;
let browser = null;

async function waitFor(what, f, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function serveStatic(dir) {
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };
  server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname.replace(/^\/+/, "") || "index.html";
    const file = join(dir, path);
    if (path.includes("..") || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${server.address().port}`)));
}

async function measure(url, selector, gw) {
  const context = await browser.newContext();
  // When the view first shows, by the page's own clock (navigation start = 0).
  await context.addInitScript((sel) => {
    new MutationObserver((_, obs) => {
      if (document.querySelector(sel)) {
        window.__shown = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, selector);
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(url);
  await page.waitForSelector(`${selector}, #error`, { timeout: 120_000 });
  const wall = performance.now() - t0;
  if ((await page.locator("#error").count()) > 0) throw new Error(`the page shows an error: ${await page.locator("#error").first().textContent()}`);
  const t = await page.evaluate((gw) => {
    const all = performance.getEntriesByType("resource");
    const app = all.find((e) => e.name.endsWith("/app.js"));
    const blocks = all.filter((e) => e.name.startsWith(gw + "/ipfs/")).map((e) => [e.startTime, e.responseEnd, e.name.slice(gw.length + 6, gw.length + 6 + 20)]);
    return { shown: window.__shown, app: app ? app.responseEnd : 0, blocks };
  }, gw);
  // Time with at least one block request open, and the longest chain of
  // requests each started after the one before it ended (round trips).
  const blocks = t.blocks.filter((b) => b[0] <= t.shown).sort((x, y) => x[0] - y[0]);
  let busy = 0;
  let until = -1;
  for (const [s, e] of blocks) {
    if (e > until) {
      busy += e - Math.max(s, until);
      until = e;
    }
  }
  const depth = [];
  for (let i = 0; i < blocks.length; i++) {
    depth[i] = 1;
    for (let j = 0; j < i; j++) if (blocks[j][1] <= blocks[i][0]) depth[i] = Math.max(depth[i], depth[j] + 1);
  }
  const trips = Math.max(0, ...depth);
  if (trace) log(`${url.replace(/^.*#/, "#").slice(0, 90)}: shown at ${t.shown.toFixed(0)} ms (app.js loaded at ${t.app.toFixed(0)}), wall ${wall.toFixed(0)} ms\n  ${blocks.map((b) => `${b[0].toFixed(0)}..${b[1].toFixed(0)} ${b[2]}`).join("\n  ")}`);
  return { ms: t.shown, fromApp: t.shown - t.app, blocks: blocks.length, busy, trips, page, context };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  if (cid === null) {
    ipfs("init", "--profile", "test");
    ipfs("config", "--json", "Plugins.Plugins.telemetry.Config.Mode", '"off"');
    ipfs("config", "--json", "Provide.Enabled", "false");
    ipfs("config", "--json", "Gateway.NoFetch", "true");
    daemon = spawn(kuboBin, ["daemon", "--enable-gc=false"], { env: ipfsEnv, stdio: "ignore" });
    const api = await waitFor("the Kubo API", () => existsSync(join(ipfsEnv.IPFS_PATH, "api")) && readFileSync(join(ipfsEnv.IPFS_PATH, "api"), "utf8").trim());
    gateway = (await waitFor("the Kubo gateway", () => existsSync(join(ipfsEnv.IPFS_PATH, "gateway")) && readFileSync(join(ipfsEnv.IPFS_PATH, "gateway"), "utf8").trim()))
      .replace("//localhost:", "//127.0.0.1:")
      .replace(/\/+$/, "");
    const mirror = join(tmp, "repo.git");
    const env = {
      ...process.env,
      HOME: join(tmp, "home"),
      GIT_CONFIG_NOSYSTEM: "1",
      PATH: `${join(root, "target/debug")}:${process.env.PATH}`,
      NIP_STORE: "kubo",
      NIP_IPFS_API: api,
      NIP_HOME: join(tmp, "nip-home"),
      NIP_GATEWAYS: "",
    };
    execFileSync("git", ["clone", "-q", "--mirror", source, mirror], { env });
    execFileSync("git", ["-C", mirror, "remote", "add", "nip", "nip::new-ipfs"], { env });
    log(`pushing ${source} to a throwaway Kubo…`);
    const t = performance.now();
    execFileSync("git", ["-C", mirror, "push", "-q", "nip", "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*"], { env, stdio: ["ignore", "inherit", "inherit"] });
    log(`pushed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    cid = /^nip::\/ipfs\/(b[a-z2-7]+)$/.exec(execFileSync("git", ["-C", mirror, "config", "remote.nip.url"], { env, encoding: "utf8" }).trim())[1];
  }
  const site = await serveStatic(join(web, "dist"));
  browser = await chromium.launch({ executablePath: chromiumBin, args: ["--no-sandbox"] });
  const base = `${site}/index.html?gateway=${encodeURIComponent(gateway)}#/ipfs/${cid}`;
  const rows = { first: [], log1: [], log10: [] };
  let head = null;
  for (let r = 0; r < runs; r++) {
    const first = await measure(base, "#head .subject", gateway);
    rows.first.push(first);
    head = (await first.page.locator("#branches li").first().locator(".name").textContent()).trim();
    await first.context.close();
    const log1 = await measure(`${base}/log/${head}`, "#log li", gateway);
    rows.log1.push(log1);
    // The 10th page's link, followed there page by page (not timed).
    for (let p = 2; p <= 10; p++) {
      await log1.page.locator("#next-page").click();
      await log1.page.waitForFunction((p) => document.querySelector("h2")?.textContent.endsWith(`page ${p}`), p, { timeout: 120_000 });
    }
    const tenth = log1.page.url().replace(/^.*#/, "#");
    await log1.context.close();
    const log10 = await measure(`${site}/index.html?gateway=${encodeURIComponent(gateway)}${tenth}`, "#log li", gateway);
    rows.log10.push(log10);
    await log10.context.close();
    const one = (x) => `${x.ms.toFixed(0)} ms (${x.fromApp.toFixed(0)} after app.js, ${x.blocks} blocks, ${x.trips} round trips, gateway busy ${x.busy.toFixed(0)} ms)`;
    log(`run ${r + 1}: first screen ${one(first)}; log page 1 ${one(log1)}; page 10 ${one(log10)}; load average ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]}`);
  }
  const m = (xs, k) => median(xs.map((x) => x[k])).toFixed(0);
  const line = (name, xs) => `| ${name} | ${m(xs, "ms")} ms | ${xs.map((x) => x.ms.toFixed(0)).join(", ")} | ${m(xs, "fromApp")} ms | ${m(xs, "blocks")} | ${m(xs, "trips")} | ${m(xs, "busy")} ms |`;
  console.log(`Repository: ${source} (${cid}), default branch ${head}; gateway ${gateway}; ${runs} runs, each view in a fresh browser context (no cache).\n`);
  console.log("| view | shown after (median, from navigation start) | runs | after app.js loaded | blocks fetched | round trips (longest chain) | gateway busy |\n|---|---|---|---|---|---|---|");
  console.log(line("first screen (branches, tags, last commit of the default branch)", rows.first));
  console.log(line(`log of ${head}, page 1 (50 commits)`, rows.log1));
  console.log(line(`log of ${head}, page 10, opened from its link`, rows.log10));
} finally {
  await browser?.close();
  server?.close();
  daemon?.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  if (!process.env.NIP_BENCH_KEEP) rmSync(tmp, { recursive: true, force: true });
}

function ipfs(...a) {
  return execFileSync(kuboBin, a, { env: ipfsEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
