// End-to-end test of the log, commit and history views (issue 16): a
// throwaway Kubo (own IPFS_PATH, test profile, loopback, no bootstrap), a
// repository made by bench/synth-repo.py (feature branches merged into
// main) and then grown by hand (a side branch with dates interleaved with
// main's and two commits of the same date, a merge, a mode change, a
// binary file, a symlink, a deleted file), pushed in three pushes with
// the real git and target/debug/git-remote-nip, opened in headless
// Chromium. What the pages show is compared with what git says:
// `git log --format=%H` page by page (following the "next page" links),
// `git diff-tree -r --name-status`, the +/- lines of `git diff`, and the
// refs each push changed. Also Myers' diff (src/diff.ts, bundled for
// Node) on random inputs: minimal, and it rebuilds the new side.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync, chmodSync, symlinkSync, unlinkSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir, homedir } from "node:os";
import { join, dirname, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(web, "..");
const dist = join(web, "dist");
const kuboBin = process.env.NIP_TEST_IPFS || join(homedir(), ".cache/nip/kubo/v0.39.0/ipfs");
const chromiumBin = process.env.NIP_TEST_CHROMIUM || "/usr/bin/chromium";

const tmp = mkdtempSync(join(tmpdir(), "nip-web-log-"));
const ipfsPath = join(tmp, "ipfs");
const ipfsEnv = { ...process.env, IPFS_PATH: ipfsPath, IPFS_TELEMETRY: "off" };
delete ipfsEnv.IPFS_API;
const children = [];
const servers = [];
let browser, site, gateway, cid, repo, gitEnv;
/** The refs (name -> oid) after each push, oldest first, and the CIDs. */
const pushes = [];

function ipfs(...args) {
  return execFileSync(kuboBin, args, { env: ipfsEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function git(...args) {
  return execFileSync("git", args, { cwd: repo, env: gitEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 26 });
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

function serveStatic(dir) {
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname.replace(/^\/+/, "") || "index.html";
    const file = join(dir, path);
    if (path.includes("..") || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  servers.push(server);
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${server.address().port}`)));
}

function refs() {
  const out = {};
  for (const l of git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags").trim().split("\n")) {
    const [name, oid] = l.split(" ");
    out[name] = oid;
  }
  return out;
}

function push(...extra) {
  git("push", "-q", "--force", "nip", "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*", ...extra);
  const address = git("config", "remote.nip.url").trim();
  cid = /^nip::\/ipfs\/(b[a-z2-7]+)$/.exec(address)?.[1];
  assert.ok(cid, `the push left no nip::/ipfs/<cid> address: ${address}`);
  pushes.push({ cid, refs: refs() });
}

let clock = 1_650_000_000;
function commit(message, date = ++clock) {
  const d = `@${date} +0000`;
  execFileSync("git", ["commit", "-q", "-m", message], { cwd: repo, env: { ...gitEnv, GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d }, stdio: "ignore" });
}

before(async () => {
  assert.ok(existsSync(kuboBin), `no Kubo at ${kuboBin}: set NIP_TEST_IPFS or run scripts/install-kubo.sh`);
  assert.ok(existsSync(chromiumBin), `no Chromium at ${chromiumBin}: apt-get install chromium, or set NIP_TEST_CHROMIUM`);
  assert.ok(existsSync(join(root, "target/debug/git-remote-nip")), "no target/debug/git-remote-nip: run cargo build --workspace");
  ipfs("init", "--profile", "test");
  ipfs("config", "--json", "Plugins.Plugins.telemetry.Config.Mode", '"off"');
  ipfs("config", "--json", "Gateway.NoFetch", "true");
  const daemon = spawn(kuboBin, ["daemon", "--enable-gc=false"], { env: ipfsEnv, stdio: "ignore" });
  children.push(daemon);
  const api = await waitFor("the Kubo API", () => existsSync(join(ipfsPath, "api")) && readFileSync(join(ipfsPath, "api"), "utf8").trim());
  gateway = (await waitFor("the Kubo gateway", () => existsSync(join(ipfsPath, "gateway")) && readFileSync(join(ipfsPath, "gateway"), "utf8").trim()))
    .replace("//localhost:", "//127.0.0.1:")
    .replace(/\/+$/, "");
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
    NIP_STORE: "kubo",
    NIP_IPFS_API: api,
    NIP_HOME: join(tmp, "nip-home"),
    NIP_GATEWAYS: "",
  };
  repo = join(tmp, "repo");
  execFileSync("python3", [join(root, "bench/synth-repo.py"), repo, "--commits", "130", "--files", "40"], { env: gitEnv, stdio: "ignore" });
  git("remote", "add", "nip", "nip::new-ipfs");
  push();

  // A side branch whose commits interleave with main's by date, two
  // commits of the same date (one on each side), then a merge.
  const text = git("ls-files", "src/*.txt", "docs/*.txt").trim().split("\n");
  git("checkout", "-q", "-b", "side");
  const edit = (path, f) => writeFileSync(join(repo, path), f(readFileSync(join(repo, path), "utf8")));
  for (let i = 0; i < 3; i++) {
    git("checkout", "-q", "side");
    edit(text[1], (s) => s.replace(/\n/, `\nside ${i}\n`));
    git("add", ".");
    commit(`Side ${i}`, i === 2 ? clock + 1 : ++clock);
    git("checkout", "-q", "main");
    edit(text[2], (s) => s + `main ${i}\n`);
    git("add", ".");
    commit(`Main ${i}`, i === 2 ? clock : ++clock);
  }
  execFileSync("git", ["merge", "-q", "--no-ff", "-m", "Merge side", "side"], {
    cwd: repo,
    env: { ...gitEnv, GIT_AUTHOR_DATE: `@${++clock} +0000`, GIT_COMMITTER_DATE: `@${clock} +0000` },
    stdio: "ignore",
  });
  // One commit that changes a mode, adds a binary file and a symlink,
  // deletes a file and rewrites lines in the middle of another.
  chmodSync(join(repo, text[3]), 0o755);
  writeFileSync(join(repo, "assets/blob.bin"), Buffer.from([0, 1, 2, 3, 0, 255]));
  symlinkSync(text[4], join(repo, "link"));
  unlinkSync(join(repo, text[5]));
  edit(text[6], (s) => {
    const l = s.split("\n");
    l.splice(2, 1, "a line in its place", "and one more");
    l.splice(l.length - 3, 1);
    return l.join("\n");
  });
  git("add", "-A");
  commit("Mode, binary, symlink, delete, edit\n\nA body\nof two lines.");
  git("tag", "-a", "v9", "-m", "v9");
  push();

  // Third push: a branch deleted; fourth: one added, a tag moved, main on
  // by one.
  edit(text[2], (s) => s + "last\n");
  git("add", ".");
  commit("Last");
  git("branch", "-q", "fresh", "HEAD~1");
  git("tag", "-f", "snapshot-100", "HEAD~2");
  git("push", "-q", "nip", ":refs/heads/feature/1");
  const left = { ...pushes.at(-1).refs };
  delete left["refs/heads/feature/1"];
  pushes.push({ cid: /^nip::\/ipfs\/(b[a-z2-7]+)$/.exec(git("config", "remote.nip.url").trim())[1], refs: left });
  git("branch", "-q", "-D", "feature/1");
  push();
  site = await serveStatic(dist);
  browser = await chromium.launch({ executablePath: chromiumBin, args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.close();
  for (const c of children) c.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  rmSync(tmp, { recursive: true, force: true });
});

async function open(page, fragment, selector) {
  await page.goto(`${site}/index.html?gateway=${encodeURIComponent(gateway)}#/ipfs/${cid}${fragment}`);
  await page.waitForSelector(`${selector}, #error`, { timeout: 60_000 });
  if ((await page.locator("#error").count()) > 0) assert.fail(`${fragment}: the page shows an error: ${await page.locator("#error").textContent()}`);
}

/** Every page of the log of `rev`, following "next page". */
async function wholeLog(page, rev) {
  await open(page, `/log/${rev}`, "#log li");
  const pages = [];
  for (;;) {
    pages.push(await page.locator("#log li").evaluateAll((lis) => lis.map((li) => li.dataset.oid)));
    if ((await page.locator("#next-page").count()) === 0) break;
    assert.ok(pages.length < 20, "the log ends");
    const h2 = `page ${pages.length + 1}`;
    await page.locator("#next-page").click();
    await page.waitForFunction((h) => document.querySelector("h2")?.textContent.endsWith(h) || document.getElementById("error"), h2, { timeout: 60_000 });
    if ((await page.locator("#error").count()) > 0) assert.fail(`log ${rev}, ${h2}: ${await page.locator("#error").textContent()}`);
  }
  return pages;
}

test("the log, page by page, is git log's", async () => {
  // `git log` and the viewer agree only if ties and interleaved dates are
  // ordered the same: check that the history has them.
  const want = git("log", "--format=%H", "main").trim().split("\n");
  const dates = git("log", "--format=%ct", "main").trim().split("\n");
  assert.ok(dates.some((d, i) => i > 0 && d === dates[i - 1]), "main's history has two commits of the same date in a row");
  assert.ok(git("log", "--merges", "--format=%H", "main").trim().split("\n").length >= 3, "main's history has merges");
  const page = await browser.newPage();
  const pages = await wholeLog(page, "main");
  assert.equal(pages[0].length, 50, "50 commits on the first page");
  assert.deepEqual(pages[0], want.slice(0, 50), "the first page is git log's first 50");
  assert.deepEqual(pages[1], want.slice(50, 100), "the second page is git log's next 50");
  assert.deepEqual(pages.flat(), want, "all pages together are git log");
  assert.equal(await page.locator("#end").count(), 1, "the last page says it is the end");
  // What each row shows, for the merge on page 1.
  await open(page, "/log/main", "#log li");
  const merge = git("rev-parse", "main~2").trim();
  const row = page.locator(`#log li[data-oid="${merge}"]`);
  assert.equal(await row.locator(".subject").textContent(), "Merge side");
  assert.equal(await row.locator(".author").textContent(), "Ada");
  assert.equal(await row.locator("time").textContent(), new Date(Number(git("log", "-1", "--format=%at", merge).trim()) * 1000).toISOString().replace("T", " ").replace(/\.000Z$/, " UTC"));
  assert.deepEqual(await row.locator(".parents a").evaluateAll((as) => as.map((a) => a.title)), git("log", "-1", "--format=%P", merge).trim().split(" "));
  // A tag (annotated: peeled), a branch with a slash, another branch, a hash.
  for (const rev of ["v9", "feature/2", "side", git("rev-parse", "main~5").trim()]) {
    assert.deepEqual((await wholeLog(page, rev)).flat(), git("log", "--format=%H", rev).trim().split("\n"), `git log ${rev}`);
  }
  // The home page links each branch and tag to its log.
  await open(page, "", "#branches li");
  await page.locator("#branches li", { has: page.locator(".name", { hasText: /^side$/ }) }).locator("a.log").click();
  await page.waitForSelector("#log li");
  assert.deepEqual(await page.locator("#log li").evaluateAll((lis) => lis.map((li) => li.dataset.oid)), git("log", "--format=%H", "side").trim().split("\n").slice(0, 50));
  await page.close();
});

/** `git diff`'s +/- lines of one file of commit c against `base`. */
function gitLines(base, c, path) {
  return git("diff", "--no-color", "--no-ext-diff", base, c, "--", path)
    .split("\n")
    .filter((l) => /^[-+]/.test(l) && !/^(\+\+\+|---) /.test(l));
}

async function commitView(page, c, query = "") {
  await open(page, `/commit/${c}${query}`, "#files");
  const files = await page.locator("#files li[data-status]").evaluateAll((lis) => lis.map((li) => `${li.dataset.status}\t${li.querySelector(".path").textContent}`));
  return files;
}

test("a commit's changed files and diffs are git's", async () => {
  const page = await browser.newPage();
  const c = git("rev-parse", "main~1").trim();
  const files = await commitView(page, c);
  const want = git("diff-tree", "-r", "--name-status", `${c}^`, c).trim().split("\n");
  assert.deepEqual(files, want, "git diff-tree -r --name-status");
  assert.deepEqual(new Set(files.map((f) => f[0])), new Set(["A", "D", "M"]), "added, deleted and modified files");
  assert.equal(await page.locator("#subject").textContent(), "Mode, binary, symlink, delete, edit");
  assert.equal(await page.locator("#message").textContent(), git("log", "-1", "--format=%B", c).replace(/\n+$/, ""));
  assert.equal(await page.locator(".author .name").textContent(), "Ada");
  assert.deepEqual(await page.locator("#parents a.oid").allTextContents(), [git("rev-parse", `${c}^`).trim()]);
  assert.equal(await page.locator("#tree a").textContent(), git("rev-parse", `${c}^{tree}`).trim());
  // Each text file's +/- lines are git diff's; the binary file says so.
  for (const f of want) {
    const path = f.split("\t")[1];
    const sect = page.locator(`section.file[data-path="${path}"]`);
    if (path === "assets/blob.bin") {
      assert.equal(await sect.locator(".nodiff").textContent(), "binary file changed, 0 -> 6 bytes");
      continue;
    }
    const shown = await sect.locator("pre.diff span.add, pre.diff span.del").allTextContents();
    assert.deepEqual(shown, gitLines(`${c}^`, c, path), `the diff of ${path}`);
  }
  const modes = await page.locator("#files li .modes").allTextContents();
  assert.ok(modes.some((m) => m === " (mode 100644 -> 100755)"), `a mode change is shown: ${modes}`);
  // A synthetic commit with text edits; a merge, against each parent; the root.
  for (const [rev, query, base] of [
    ["main~20", "", "main~21"],
    ["main~2", "", "main~2^1"],
    ["main~2", "?parent=2", "main~2^2"],
  ]) {
    const oid = git("rev-parse", rev).trim();
    const b = git("rev-parse", base).trim();
    const got = await commitView(page, oid, query);
    assert.deepEqual(got, git("diff-tree", "-r", "--name-status", b, oid).trim().split("\n"), `${rev}${query}`);
    for (const f of got.filter((f) => f.startsWith("M"))) {
      const path = f.split("\t")[1];
      const shown = await page.locator(`section.file[data-path="${path}"] pre.diff`).locator("span.add, span.del").allTextContents();
      assert.deepEqual(shown, gitLines(b, oid, path), `${rev}${query}: the diff of ${path}`);
    }
  }
  assert.match(await page.locator("#against").textContent(), /^Changes against parent 2 of 2/);
  const rootCommit = git("rev-list", "--max-parents=0", "main").trim();
  const got = await commitView(page, rootCommit);
  assert.deepEqual(got, git("diff-tree", "-r", "--root", "--name-status", rootCommit).trim().split("\n").slice(1), "the root commit adds every file");
  await page.close();
});

test("the history lists each push, newest first, with the refs it changed", async () => {
  const page = await browser.newPage();
  await open(page, "", "#history-link");
  await page.locator("#history-link").click();
  await page.waitForSelector("#history li[data-cid], #error");
  const items = await page.locator("#history > li").evaluateAll((lis) =>
    lis.map((li) => ({ cid: li.dataset.cid, refs: [...li.querySelectorAll(".refs li[data-ref]")].map((r) => `${r.className} ${r.dataset.ref} ${[...r.querySelectorAll("a")].map((a) => a.title).join("..")}`) })),
  );
  const want = [...pushes].reverse().map((p, i, all) => {
    const before = all[i + 1]?.refs ?? {};
    const changes = [];
    for (const name of [...new Set([...Object.keys(before), ...Object.keys(p.refs)])].sort()) {
      const [o, n] = [before[name], p.refs[name]];
      if (o === n) continue;
      changes.push(o === undefined ? `added ${name} ${n}` : n === undefined ? `deleted ${name} ${o}` : `moved ${name} ${o}..${n}`);
    }
    return { cid: p.cid, refs: changes };
  });
  assert.equal(items.length, 4, "four pushes");
  assert.deepEqual(items, want);
  assert.ok(items[3].refs.length >= 6, "the first push added every ref");
  assert.equal(await page.locator("#end").textContent(), "the first push");
  await page.close();
});

test("a commit or ref that is not there stops the view with an error naming it", async () => {
  const page = await browser.newPage();
  const none = "0".repeat(40);
  await page.goto(`${site}/index.html?gateway=${encodeURIComponent(gateway)}#/ipfs/${cid}/commit/${none}`);
  await page.waitForSelector("#error", { timeout: 60_000 });
  assert.match(await page.locator("#error").textContent(), new RegExp(`^object ${none} is not in the repository's object map`));
  assert.equal(await page.locator("#files").count(), 0);
  await page.goto(`${site}/index.html?gateway=${encodeURIComponent(gateway)}#/ipfs/${cid}/log/no-such-branch`);
  await page.waitForFunction(() => document.getElementById("error")?.textContent.includes("no-such-branch"), null, { timeout: 60_000 });
  assert.equal(await page.locator("#error").textContent(), `the repository ${cid} has no branch, tag or ref named "no-such-branch"`);
  assert.equal(await page.locator("#log").count(), 0);
  await page.close();
});

test("the plain SHA-256 of ref names is WebCrypto's", async () => {
  const out = mkdtempSync(join(tmpdir(), "nip-web-sha-"));
  try {
    await build({ entryPoints: [join(web, "src/views/sha256.ts")], bundle: true, format: "esm", outfile: join(out, "sha.mjs"), logLevel: "warning" });
    const { sha256Sync } = await import(pathToFileURL(join(out, "sha.mjs")));
    for (let n = 0; n < 300; n += 1 + (n >> 3)) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
      const want = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
      assert.deepEqual(sha256Sync(data), want, `${n} bytes`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("Myers' diff: minimal, and it rebuilds the new side", async () => {
  const out = mkdtempSync(join(tmpdir(), "nip-web-diff-"));
  try {
    await build({ entryPoints: [join(web, "src/diff.ts")], bundle: true, format: "esm", outfile: join(out, "diff.mjs"), logLevel: "warning" });
    const { editScript, unified, lines } = await import(pathToFileURL(join(out, "diff.mjs")));
    const lcs = (a, b) => {
      const m = Array.from({ length: a.length + 1 }, () => new Int32Array(b.length + 1));
      for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) m[i][j] = a[i] === b[j] ? m[i + 1][j + 1] + 1 : Math.max(m[i + 1][j], m[i][j + 1]);
      return m[0][0];
    };
    let seed = 7;
    const rnd = (n) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
    for (let t = 0; t < 2000; t++) {
      const a = Array.from({ length: rnd(16) }, () => "abcd"[rnd(4)]);
      const b = Array.from({ length: rnd(16) }, () => "abcd"[rnd(4)]);
      let ai = 0;
      let edits = 0;
      const rebuilt = [];
      for (const [op] of editScript(a, b)) {
        if (op === " ") rebuilt.push(a[ai++]);
        else if (op === "-") (ai++, edits++);
        else (rebuilt.push(b[rebuilt.length]), edits++);
      }
      assert.equal(ai, a.length);
      assert.deepEqual(rebuilt, b, JSON.stringify([a, b]));
      assert.equal(edits, a.length + b.length - 2 * lcs(a, b), `minimal for ${JSON.stringify([a, b])}`);
    }
    const h = unified(lines("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n"), lines("a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nK"));
    assert.deepEqual(h.map((x) => [x.oldStart, x.oldLines, x.newStart, x.newLines]), [[1, 5, 1, 5], [8, 4, 8, 4]]);
    assert.deepEqual(h[1].lines.at(-1), { op: "+", text: "K", noEol: true });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
