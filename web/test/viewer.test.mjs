// End-to-end test of the web viewer (issue 16, first step): a throwaway
// Kubo daemon (own IPFS_PATH, test profile: loopback only, random ports,
// no bootstrap peers), a repository pushed to it with the real git and
// target/debug/git-remote-nip, web/dist served on loopback, and headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core) opening
// `index.html?gateway=<kubo gateway>#/ipfs/<cid>`.
//
// It checks what a user sees: the branches and tags are those of the
// pushed repository (the default branch first), every request goes to the
// page's origin or the gateway; and behind a gateway that flips one byte of
// one block the page shows an error naming that block, and no refs.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { tmpdir, homedir } from "node:os";
import { join, dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import { chromium } from "playwright-core";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(web, "..");
const dist = join(web, "dist");
const kuboBin = process.env.NIP_TEST_IPFS || join(homedir(), ".cache/nip/kubo/v0.39.0/ipfs");
const chromiumBin = process.env.NIP_TEST_CHROMIUM || "/usr/bin/chromium";

const tmp = mkdtempSync(join(tmpdir(), "nip-web-"));
const ipfsPath = join(tmp, "ipfs");
const ipfsEnv = { ...process.env, IPFS_PATH: ipfsPath, IPFS_TELEMETRY: "off" };
delete ipfsEnv.IPFS_API;
const children = [];
const servers = [];
let browser;
let api, gateway, address, cid, refsCid, repo, gitEnv;

function ipfs(...args) {
  return execFileSync(kuboBin, args, { env: ipfsEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function git(cwd, ...args) {
  return execFileSync("git", args, { cwd, env: gitEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

async function waitFor(what, f, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Serves `dir` on 127.0.0.1 at a free port; returns its origin. */
function serveStatic(dir) {
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname.replace(/^\/+/, "") || "index.html";
    const file = join(dir, path);
    if (path.includes("..") || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  servers.push(server);
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${server.address().port}`)));
}

/** A gateway in front of `upstream` that flips one byte of block `bad`,
 *  or (`huge`) answers it with 2 MiB of zeros and no length. */
function hostile(upstream, bad, mode = "flip") {
  const up = new URL(upstream);
  const server = createServer((req, res) => {
    if (mode === "huge" && req.url.startsWith(`/ipfs/${bad}`)) {
      res.writeHead(200, { "content-type": "application/vnd.ipld.raw", "access-control-allow-origin": "*" });
      for (let i = 0; i < 32; i++) res.write(Buffer.alloc(65536));
      res.end();
      return;
    }
    const fwd = httpRequest({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: { ...req.headers, host: up.host } }, (r) => {
      const chunks = [];
      r.on("data", (c) => chunks.push(c));
      r.on("end", () => {
        const body = Buffer.concat(chunks);
        if (req.url.startsWith(`/ipfs/${bad}`) && body.length > 0) body[body.length >> 1] ^= 1;
        res.writeHead(r.statusCode, r.headers).end(body);
      });
    });
    fwd.on("error", () => res.writeHead(502).end());
    req.pipe(fwd);
  });
  servers.push(server);
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${server.address().port}`)));
}

before(async () => {
  assert.ok(existsSync(kuboBin), `no Kubo at ${kuboBin}: set NIP_TEST_IPFS or run scripts/install-kubo.sh`);
  assert.ok(existsSync(chromiumBin), `no Chromium at ${chromiumBin}: apt-get install chromium, or set NIP_TEST_CHROMIUM`);
  const helper = join(root, "target/debug/git-remote-nip");
  assert.ok(existsSync(helper), "no target/debug/git-remote-nip: run cargo build --workspace");
  assert.ok(existsSync(join(dist, "index.html")), "no web/dist: run npm run build in web/");

  ipfs("init", "--profile", "test");
  ipfs("config", "--json", "Plugins.Plugins.telemetry.Config.Mode", '"off"');
  ipfs("config", "--json", "Datastore.GCPeriod", '"0"');
  ipfs("config", "--json", "Gateway.NoFetch", "true");
  const daemon = spawn(kuboBin, ["daemon", "--enable-gc=false"], { env: ipfsEnv, stdio: "ignore" });
  children.push(daemon);
  api = await waitFor("the Kubo API", () => existsSync(join(ipfsPath, "api")) && readFileSync(join(ipfsPath, "api"), "utf8").trim());
  gateway = await waitFor("the Kubo gateway", () => existsSync(join(ipfsPath, "gateway")) && readFileSync(join(ipfsPath, "gateway"), "utf8").trim());
  gateway = gateway.replace("//localhost:", "//127.0.0.1:").replace(/\/+$/, "");

  // A repository: default branch "trunk" (not first by name), two more
  // branches, a lightweight and an annotated tag.
  const home = join(tmp, "home");
  gitEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Ada",
    GIT_AUTHOR_EMAIL: "ada@example.org",
    GIT_COMMITTER_NAME: "Ada",
    GIT_COMMITTER_EMAIL: "ada@example.org",
    GIT_AUTHOR_DATE: "2026-11-26T12:00:00Z",
    GIT_COMMITTER_DATE: "2026-11-26T12:00:00Z",
    PATH: `${join(root, "target/debug")}:${process.env.PATH}`,
    NIP_STORE: "kubo",
    NIP_IPFS_API: api,
    NIP_HOME: join(tmp, "nip-home"),
    NIP_GATEWAYS: "",
  };
  repo = join(tmp, "repo");
  execFileSync("git", ["init", "-q", "-b", "trunk", repo], { env: gitEnv });
  // A text file that changes a little in every commit (git stores most
  // versions as deltas), and 300 KB of incompressible bytes (the first
  // pack spans two UnixFS leaves). Two pushes: the second pack is thin.
  const lines = Array.from({ length: 400 }, (_, i) => `line ${i} of a file that changes a little in every commit\n`);
  let x = 0x2545f491n;
  const noise = Buffer.alloc(300_000);
  for (let i = 0; i < noise.length; i++) {
    x ^= (x << 13n) & 0xffffffffn;
    x ^= x >> 17n;
    x ^= (x << 5n) & 0xffffffffn;
    noise[i] = Number(x & 0xffn);
  }
  git(repo, "remote", "add", "nip", "nip::new-ipfs");
  for (let i = 0; i < 6; i++) {
    lines[i * 50] = `changed in commit ${i}\n`;
    writeFileSync(join(repo, "changing.txt"), lines.join(""));
    writeFileSync(join(repo, `file${i}.txt`), `line ${i}\n`.repeat(i + 1));
    if (i === 0) writeFileSync(join(repo, "noise.bin"), noise);
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", `Commit ${i}\n\nThe body of commit ${i}.`);
    if (i === 1) git(repo, "tag", "v0");
    if (i === 2) {
      git(repo, "branch", "alpha");
      git(repo, "push", "-q", "nip", "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*");
    }
  }
  git(repo, "tag", "-a", "v1", "-m", "Release v1");
  git(repo, "branch", "zeta", "HEAD~1");
  git(repo, "push", "-q", "nip", "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*");
  address = git(repo, "config", "remote.nip.url").trim();
  cid = /^nip::\/ipfs\/(b[a-z2-7]+)$/.exec(address)?.[1];
  assert.ok(cid, `the push left no nip::/ipfs/<cid> address: ${address}`);
  refsCid = JSON.parse(ipfs("dag", "get", cid))[3].refs["/"];

  browser = await chromium.launch({ executablePath: chromiumBin, args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.close();
  for (const c of children) c.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  rmSync(tmp, { recursive: true, force: true });
});

function names(prefix) {
  return git(repo, "for-each-ref", "--format=%(refname:strip=2) %(objectname)", prefix).trim().split("\n");
}

test("shows the pushed branches (default first) and tags, read only from the gateway", async () => {
  const site = await serveStatic(dist);
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  const origins = new Set();
  page.on("request", (r) => origins.add(new URL(r.url()).origin));
  await page.goto(`${site}/index.html?gateway=${encodeURIComponent(gateway)}#/ipfs/${cid}`);
  await page.waitForSelector("#branches li, #error", { timeout: 30_000 });
  if ((await page.locator("#error").count()) > 0) assert.fail(`the page shows an error: ${await page.locator("#error").textContent()}`);

  const row = async (sel) =>
    page.locator(`${sel} li`).evaluateAll((lis) => lis.map((li) => `${li.querySelector(".name").textContent} ${li.querySelector(".oid").title}`));
  const branches = await row("#branches");
  const want = names("refs/heads/");
  const def = want.find((l) => l.startsWith("trunk "));
  assert.deepEqual(branches, [def, ...want.filter((l) => l !== def)], "branches, the default first");
  assert.equal(await page.locator("#branches li").first().locator(".default").count(), 1, "the default branch is marked");
  assert.deepEqual(await row("#tags"), names("refs/tags/"), "tags");
  assert.equal(await page.locator("#tags li .peeled").count(), 1, "one annotated tag");
  // The default branch's last commit, read out of its pack.
  await page.waitForSelector("#head .subject, #head #error", { timeout: 30_000 });
  if ((await page.locator("#head #error").count()) > 0) assert.fail(`the last commit is not shown: ${await page.locator("#head #error").textContent()}`);
  assert.equal(await page.locator("#head .subject").textContent(), git(repo, "log", "-1", "--format=%s", "trunk").trim());
  assert.equal(await page.locator("#head .commit .oid").textContent(), git(repo, "rev-parse", "trunk").trim());
  assert.match(await page.locator("#status").textContent(), /checked against its CID/);
  assert.deepEqual([...origins].sort(), [site, gateway].sort(), "requests go only to the page's origin and the gateway");
  // Readable at phone width: nothing wider than the screen, nothing
  // overflowing its box.
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth || e.scrollWidth > e.clientWidth + 1)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`),
  );
  assert.deepEqual(wide, [], "nothing wider than a 375 px screen");
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), "no horizontal scrolling at 375 px");
  await page.close();
});

test("a gateway that flips a byte of one block, or sends too much, is refused, naming the block", async () => {
  const site = await serveStatic(dist);
  const bad = await hostile(gateway, refsCid);
  const page = await browser.newPage();
  await page.goto(`${site}/index.html?gateway=${encodeURIComponent(bad)}#/ipfs/${cid}`);
  const error = page.locator("#error");
  await error.waitFor({ timeout: 30_000 });
  const text = await error.textContent();
  assert.match(text, new RegExp(`block ${refsCid}: the gateway ${bad} sent bytes that do not match this CID; refused`));
  assert.equal(await page.locator("#branches").count(), 0, "no refs are shown");
  // One that answers with more than any block holds: cut off and refused.
  const huge = await hostile(gateway, refsCid, "huge");
  await page.goto(`${site}/index.html?gateway=${encodeURIComponent(huge)}#/ipfs/${cid}`);
  await page.waitForFunction((g) => document.getElementById("error")?.textContent.includes(g), huge);
  assert.equal(await error.textContent(), `block ${refsCid}: the gateway ${huge} sent more than the 1048576 bytes of any nip block; refused`);
  await page.close();
});

test("a gateway that flips a byte of a pack is refused when the commit is read, naming the block", async () => {
  const site = await serveStatic(dist);
  const index = JSON.parse(ipfs("dag", "get", cid))[3];
  const [, tail] = JSON.parse(ipfs("dag", "get", index.packs["/"]))[3];
  // The last push's pack holds the default branch's last commit; it is
  // one raw block.
  const pack = tail[tail.length - 1].pack["/"];
  assert.match(pack, /^bafkrei/);
  const bad = await hostile(gateway, pack);
  const page = await browser.newPage();
  await page.goto(`${site}/index.html?gateway=${encodeURIComponent(bad)}#/ipfs/${cid}`);
  await page.waitForSelector("#head #error", { timeout: 30_000 });
  assert.match(await page.locator("#head #error").textContent(), new RegExp(`^block ${pack}: the gateway ${bad} sent bytes that do not match this CID; refused`));
  assert.equal(await page.locator("#head .subject").count(), 0, "no commit is shown");
  await page.close();
});

/** Entry types in the pushed packs: { 1: commits, …, 6: OFS_DELTA, 7: REF_DELTA }. */
function packEntryTypes() {
  const index = JSON.parse(ipfs("dag", "get", cid))[3];
  const [chunks, tail] = JSON.parse(ipfs("dag", "get", index.packs["/"]))[3];
  assert.equal(chunks.length, 0);
  const types = {};
  for (const p of tail) {
    const pack = execFileSync(kuboBin, ["cat", p.pack["/"]], { env: ipfsEnv, maxBuffer: 1 << 28 });
    let at = 12;
    for (let n = pack.readUInt32BE(8); n > 0; n--) {
      let c = pack[at++];
      const type = (c >> 4) & 7;
      while (c & 0x80) c = pack[at++];
      if (type === 6) while (pack[at++] & 0x80);
      if (type === 7) at += 20;
      at += inflateSync(pack.subarray(at), { info: true }).engine.bytesWritten;
      types[type] = (types[type] ?? 0) + 1;
    }
  }
  return types;
}

test("every object of the repository reads back out of the packs, as git has it", async () => {
  // The packs hold what the reader must resolve: deltas on a base in the
  // same pack and, in the thin second pack, on a base in the first.
  const types = packEntryTypes();
  assert.ok(types[6] > 0 && types[7] > 0, `the packs hold OFS_DELTA and REF_DELTA entries: ${JSON.stringify(types)}`);
  const site = await serveStatic(dist);
  const page = await browser.newPage();
  await page.goto(`${site}/index.html?gateway=${encodeURIComponent(gateway)}#/ipfs/${cid}`);
  await page.waitForSelector("#branches li");
  // By keyboard: Tab to the default branch, Enter opens its commit; the
  // commit's tree link (focused, then Enter) opens the tree.
  let tabs = 0;
  while (!(await page.evaluate(() => document.activeElement?.matches("#branches li:first-child a.name")))) {
    assert.ok(++tabs <= 8, "the default branch is among the first eight Tab stops (skip link, history, last commit links first)");
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Enter");
  const trunk = git(repo, "rev-parse", "trunk").trim();
  await page.waitForFunction((oid) => document.querySelector("h2 code.oid")?.textContent === oid, trunk);
  const tree = git(repo, "rev-parse", "trunk^{tree}").trim();
  await page.locator("#links a", { hasText: tree }).focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction((oid) => document.querySelector("h2 code.oid")?.textContent === oid, tree);
  const objects = git(repo, "rev-list", "--objects", "--all").trim().split("\n").map((l) => l.split(" ")[0]);
  objects.push(git(repo, "rev-parse", "refs/tags/v1").trim());
  for (const oid of objects) {
    await page.evaluate((h) => (location.hash = h), `#/ipfs/${cid}/object/${oid}`);
    await page.waitForFunction((oid) => document.querySelector("h2 code.oid")?.textContent === oid || document.getElementById("error"), oid, { timeout: 30_000 });
    if ((await page.locator("#error").count()) > 0) assert.fail(`object ${oid}: ${await page.locator("#error").textContent()}`);
    const type = git(repo, "cat-file", "-t", oid).trim();
    assert.equal(await page.locator("h2").textContent(), `${type} ${oid}`);
    const size = git(repo, "cat-file", "-s", oid).trim();
    assert.equal(await page.locator("#size").textContent(), `${size} bytes, SHA-1 checked`);
    if (type === "tree") {
      const entries = git(repo, "ls-tree", oid).trim().split("\n").map((l) => l.split("\t")[1]);
      assert.deepEqual(await page.locator("#entries li a").allTextContents(), entries, `tree ${oid}`);
    } else if (!(await page.locator("#content.binary").count())) {
      assert.equal(await page.locator("#content").textContent(), git(repo, "cat-file", type, oid), `${type} ${oid}`);
    }
  }
  await page.close();
});
