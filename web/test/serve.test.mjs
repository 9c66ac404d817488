// End-to-end test of `nipctl web serve` in a browser: no IPFS node at all.
// A repository pushed with the real git and target/debug/git-remote-nip to
// the embedded store (NIP_STORE=local, its own NIP_HOME), then
// `target/debug/nipctl web serve <address>` on loopback, and headless
// Chromium opening the URL it prints: everything is under a secret first
// path segment, and `?gateway=` names the preview under it.
//
// It checks what a user sees against what git says: the branches (the
// default first), the log, a file's text; that every request goes to the
// preview's origin and nowhere else; that a page of another site cannot
// have the browser fetch blocks from it; and that a block damaged in the
// store itself is never shown: the page names the block instead.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(web, "..");
const chromiumBin = process.env.NIP_TEST_CHROMIUM || "/usr/bin/chromium";
const nipctl = join(root, "target/debug/nipctl");

const tmp = mkdtempSync(join(tmpdir(), "nip-web-serve-"));
const nipHome = join(tmp, "nip-home");
const repo = join(tmp, "repo");
const children = [];
let browser, gitEnv, address, cid;

function git(...args) {
  return execFileSync("git", args, { cwd: repo, env: gitEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Starts `nipctl web serve <address>`; resolves to the URL it prints. */
function serve() {
  const child = spawn(nipctl, ["web", "serve", address], { env: gitEnv, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (l) => {
      const url = l.trim();
      const m = /^(http:\/\/127\.0\.0\.1:\d+)\/([0-9a-f]{32,})\//.exec(url);
      if (!m) return reject(new Error(`nipctl web serve printed ${url}`));
      resolve({ child, url, origin: m[1], base: `${m[1]}/${m[2]}`, stderr: () => stderr });
    });
    child.once("exit", (code) => reject(new Error(`nipctl web serve exited with ${code}: ${stderr}`)));
  });
}

before(async () => {
  assert.ok(existsSync(chromiumBin), `no Chromium at ${chromiumBin}: apt-get install chromium, or set NIP_TEST_CHROMIUM`);
  for (const b of ["git-remote-nip", "nipctl"]) assert.ok(existsSync(join(root, "target/debug", b)), `no target/debug/${b}: run cargo build --workspace`);
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
    PATH: `${join(root, "target/debug")}:${process.env.PATH}`,
    // The embedded store only: no node is asked, none runs.
    NIP_STORE: "local",
    NIP_HOME: nipHome,
    NIP_GATEWAYS: "",
  };
  delete gitEnv.IPFS_API;
  delete gitEnv.NIP_IPFS_API;
  execFileSync("git", ["init", "-q", "-b", "trunk", repo], { env: gitEnv });
  for (let i = 0; i < 7; i++) {
    gitEnv.GIT_AUTHOR_DATE = gitEnv.GIT_COMMITTER_DATE = `2026-12-0${1 + (i % 2)}T1${i}:00:00Z`;
    writeFileSync(join(repo, "notes.txt"), Array.from({ length: 20 + i }, (_, n) => `note ${n} as of commit ${i}\n`).join(""));
    writeFileSync(join(repo, `part${i}.md`), `# Part ${i}\n`);
    git("add", ".");
    git("commit", "-q", "-m", `Commit ${i} of the preview\n\nBody ${i}.`);
    if (i === 3) git("branch", "older");
  }
  git("tag", "-a", "v1", "-m", "Release v1");
  git("remote", "add", "nip", "nip::new-ipfs");
  git("push", "-q", "nip", "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*");
  address = git("config", "remote.nip.url").trim();
  cid = /^nip::\/ipfs\/(b[a-z2-7]+)$/.exec(address)?.[1];
  assert.ok(cid, `the push left no nip::/ipfs/<cid> address: ${address}`);
  browser = await chromium.launch({ executablePath: chromiumBin, args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  for (const c of children) c.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 200));
  rmSync(tmp, { recursive: true, force: true });
});

async function noError(page, selector) {
  await page.waitForSelector(`${selector}, #error`, { timeout: 30_000 });
  if ((await page.locator("#error").count()) > 0) assert.fail(`the page shows an error: ${await page.locator("#error").first().textContent()}`);
}

test("the printed URL opens the repository from the embedded store, with no node and no other origin", async () => {
  const { url, origin, base } = await serve();
  assert.equal(url, `${base}/?gateway=${encodeURIComponent(base)}#/ipfs/${cid}`);
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  const origins = new Set();
  page.on("request", (r) => origins.add(new URL(r.url()).origin));
  await page.goto(url);
  await noError(page, "#branches li");

  // Branches (the default one first) and tags, as git lists them.
  const row = (sel) => page.locator(`${sel} li`).evaluateAll((lis) => lis.map((li) => `${li.querySelector(".name").textContent} ${li.querySelector(".oid").title}`));
  const refs = (prefix) => git("for-each-ref", "--format=%(refname:strip=2) %(objectname)", prefix).trim().split("\n");
  const branches = refs("refs/heads/");
  const def = branches.find((l) => l.startsWith("trunk "));
  assert.deepEqual(await row("#branches"), [def, ...branches.filter((l) => l !== def)]);
  assert.deepEqual(await row("#tags"), refs("refs/tags/"));
  await page.waitForSelector("#head .subject, #head #error", { timeout: 30_000 });
  assert.equal(await page.locator("#head .subject").textContent(), git("log", "-1", "--format=%s", "trunk").trim());

  // The log, as git log has it (dates alternate, so the order is git's walk, not commit order).
  await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/log/trunk`);
  await noError(page, "#log li");
  assert.deepEqual(await page.locator("#log li").evaluateAll((lis) => lis.map((li) => li.dataset.oid)), git("log", "--format=%H", "trunk").trim().split("\n"));
  assert.deepEqual(await page.locator("#log li .subject").allTextContents(), git("log", "--format=%s", "trunk").trim().split("\n"));

  // A file at an older branch: git's text, line by line.
  await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/blob/older/notes.txt`);
  await page.waitForFunction(() => document.getElementById("lines") || document.getElementById("error"), null, { timeout: 30_000 });
  await noError(page, "#lines");
  const want = git("show", "older:notes.txt").split("\n");
  want.pop();
  assert.deepEqual(await page.locator("#lines .line code").allTextContents(), want);

  assert.deepEqual([...origins], [origin], "every request goes to the preview's own origin");
  // The secret path is not on the page (screenshots, bug reports).
  const token = base.slice(origin.length + 1);
  assert.ok(!(await page.locator("body").innerText()).includes(token), "the page shows the preview's secret path");
  assert.match(await page.locator("#status").textContent(), new RegExp(`from ${origin.replace(/[.]/g, "\\.")}/… , each checked|from ${origin.replace(/[.]/g, "\\.")}/…, each checked`));
  await page.close();
});

test("a page of another site cannot have the browser read the preview, nor can a URL without its token", async () => {
  const { origin, base } = await serve();
  const raw = `${base}/ipfs/${cid}?format=raw`;
  // Another site (localhost is not 127.0.0.1): blind requests, token known or not.
  const other = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><img src="${raw}"><img src="${origin}/ipfs/${cid}?format=raw"><script>fetch(${JSON.stringify(raw)}, { mode: "no-cors" }).catch(() => {});</script>`);
  });
  await new Promise((r) => other.listen(0, "127.0.0.1", r));
  const page = await browser.newPage();
  const answered = [];
  page.on("response", (r) => r.url().startsWith(origin) && answered.push([r.url(), r.status()]));
  await page.goto(`http://localhost:${other.address().port}/`);
  await page.waitForLoadState("networkidle");
  other.close();
  assert.ok(answered.some(([u]) => u === raw), `the page's request for ${raw} was not seen: ${JSON.stringify(answered)}`);
  for (const [u, status] of answered) assert.equal(status, u.startsWith(`${base}/`) ? 403 : 404, `${u} was answered ${status} to another site's page`);
  // Opened directly (the user, no other page): without the token, nothing.
  for (const path of ["/", "/index.html", `/ipfs/${cid}?format=raw`]) {
    const resp = await page.goto(origin + path);
    assert.equal(resp.status(), 404, `${path} without the token`);
    assert.equal((await resp.text()).trim(), "not found");
  }
  await page.close();
  // With the token, the same block is served.
  assert.equal((await fetch(raw, { headers: { Accept: "application/vnd.ipld.raw" } })).status, 200);
});

test("the printed URL followed as a link from another site's page (a browser-based terminal, say) opens the repository", async () => {
  const { url } = await serve();
  const other = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><a id="go" href="${url.replace(/"/g, "&quot;")}">the preview</a>`);
  });
  await new Promise((r) => other.listen(0, "127.0.0.1", r));
  const page = await browser.newPage();
  await page.goto(`http://localhost:${other.address().port}/`);
  await page.click("#go");
  await noError(page, "#branches li");
  assert.equal(await page.locator("#branches li").first().locator(".name").textContent(), "trunk");
  other.close();
  await page.close();
});

test("a block damaged in the store is not shown: the page names it", async () => {
  // The default branch's pack: its one block (a small pack is one raw
  // block), as nipctl inspect names it.
  const inspect = JSON.parse(execFileSync(nipctl, ["inspect", "--json", address], { env: gitEnv, encoding: "utf8" }));
  const packs = inspect.packs.map((p) => p.pack);
  assert.equal(packs.length, 1, `one push, one pack: ${JSON.stringify(inspect.packs)}`);
  const [pack] = packs;
  const { base, child } = await serve();
  const block = Buffer.from(await (await fetch(`${base}/ipfs/${pack}?format=raw`)).arrayBuffer());
  assert.ok(block.length > 64, `the pack block is ${block.length} bytes`);
  child.kill("SIGTERM");
  // Flip one byte of that block where the embedded store keeps it.
  const dir = join(nipHome, "packs");
  let flipped = 0;
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".pack"))) {
    const bytes = readFileSync(join(dir, f));
    const at = bytes.indexOf(block);
    if (at < 0) continue;
    bytes[at + (block.length >> 1)] ^= 0x20;
    writeFileSync(join(dir, f), bytes);
    flipped++;
  }
  assert.equal(flipped, 1, "the pack block is in one store file");

  const again = await serve();
  const page = await browser.newPage();
  await page.goto(again.url);
  await page.waitForSelector("#branches li, #error", { timeout: 30_000 });
  await page.waitForSelector("#head .subject, #head #error", { timeout: 30_000 });
  assert.equal(await page.locator("#head .subject").count(), 0, "the last commit is shown out of a damaged block");
  const error = await page.locator("#head #error").textContent();
  assert.ok(error.includes(pack), `the error does not name the damaged block ${pack}: ${error}`);
  await page.close();
});
