// Pack entries inflated to their exact end (web/src/objects.ts inflate(),
// web/src/views/packscan.ts) and a gateway that stalls (gateway.ts).
//
// A pack entry's zlib stream is followed by the next entry. The viewer
// used to inflate with the browser's DecompressionStream, which in
// Chromium errors on the bytes after the stream's end and drops the
// output not yet read: a blob over ~128 KiB followed by another entry in
// the same UnixFS leaf could not be shown, and the log's read-ahead
// stopped there. Here, the sources bundled with esbuild: in Node, inflate
// gives exactly the content and the number of bytes the stream used, with
// the next entry's bytes in the same chunk, and refuses a stream that
// inflates to more or less than the header says; in Chromium, scan()
// reads the commits of a hand-made pack (added to a throwaway Kubo, read
// through the real Gateway) past big blobs, and stops at its bounds (a
// non-commit entry over 1 MiB, 8 MiB inflated in all); the Gateway keeps
// no more verified blocks than its byte cap. In Chromium, on a
// repository pushed with the real git and git-remote-nip: a 1.8 MB text
// file followed by other entries shows git's text, a 3 MB one and a
// ~1 MiB incompressible one download as git's bytes, and the log is git
// log's; a gateway that sends headers and then nothing fails the view
// with an error naming the block, the gateway and the timeout.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { writeFileSync, readFileSync, mkdirSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { deflateSync } from "node:zlib";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { harness, noise, chromiumBin, kuboBin, web } from "../screenshots.mjs";

const h = harness("nip-web-inflate-");
let browser, site, repo, cid, at, src;
const servers = [];

/** `n` bytes or more of numbered text lines (compressible, deterministic). */
function textLines(n, tag) {
  const lines = [];
  let len = 0;
  for (let i = 1; len < n; i++) {
    const l = `${tag} line ${i}: the orbit of planet ${i % 9} after ${(i * 7919) % 10007} days\n`;
    lines.push(l);
    len += l.length;
  }
  return Buffer.from(lines.join(""));
}

// ---- a hand-made pack ----

function entryHeader(type, size) {
  const head = [];
  let c = (type << 4) | (size & 15);
  size = Math.floor(size / 16);
  while (size > 0) {
    head.push(c | 0x80);
    c = size & 0x7f;
    size = Math.floor(size / 128);
  }
  head.push(c);
  return Buffer.from(head);
}

let clock = 1_650_000_000;
/** A commit object's content (a real git commit's text). */
function commitText(parent, message) {
  const t = ++clock;
  return Buffer.from(`tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n${parent ? `parent ${parent}\n` : ""}author Ada <ada@example.org> ${t} +0000\ncommitter Ada <ada@example.org> ${t} +0000\n\n${message}\n`);
}

const gitHash = (type, data) => createHash("sha1").update(`${type} ${data.length}\0`).update(data).digest("hex");

/** A pack of `items` ("commit" with a message, or a blob's bytes):
 *  { bytes, commits: [{ oid, offset }] }, commits chained by parent. */
function makePack(items) {
  const parts = [];
  const commits = [];
  let at = 12;
  let parent = null;
  for (const it of items) {
    const [type, data] = typeof it === "string" ? [1, commitText(parent, it)] : [3, it];
    if (type === 1) {
      parent = gitHash("commit", data);
      commits.push({ oid: parent, offset: at });
    }
    const e = Buffer.concat([entryHeader(type, data.length), deflateSync(data)]);
    parts.push(e);
    at += e.length;
  }
  const head = Buffer.alloc(12);
  head.write("PACK", 0, "ascii");
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(items.length, 8);
  const body = Buffer.concat([head, ...parts]);
  return { bytes: Buffer.concat([body, createHash("sha1").update(body).digest()]), commits };
}

let lib, lab;
let packNo = 0;
/** Adds `bytes` to Kubo as a UnixFS file of 256 KiB raw leaves. */
function addFile(bytes) {
  const f = join(h.tmp, `pack-${packNo++}.pack`);
  writeFileSync(f, bytes);
  return h.ipfs("add", "-Q", "--cid-version=1", "--raw-leaves", "--chunker=size-262144", f).trim();
}

/** scan() in Chromium, from the pack's first commit: the oids it found. */
async function scanned(items) {
  const p = makePack(items);
  const root = addFile(p.bytes);
  const got = await lab.evaluate(
    async ([gateway, root, offset]) => (await nipLib.scan(new nipLib.Gateway(gateway), nipLib.CID.parse(root), 0, offset)).map((c) => ({ oid: c.oid, offset: c.offset })),
    [h.gateway, root, p.commits[0].offset],
  );
  for (const c of got) assert.equal(c.offset, p.commits.find((x) => x.oid === c.oid)?.offset, `commit ${c.oid} at its offset`);
  return { got: got.map((c) => c.oid), commits: p.commits.map((c) => c.oid) };
}

before(async () => {
  await h.startKubo();
  // The sources, bundled for Node (inflate) and for a page (scan).
  const labDir = join(h.tmp, "lab");
  mkdirSync(labDir);
  const stdin = {
    contents: 'export { inflate, readEntry } from "./src/objects"; export { scan } from "./src/views/packscan"; export { Gateway } from "./src/gateway"; export { CID } from "./src/cid";',
    resolveDir: web,
    loader: "ts",
  };
  await build({ stdin, bundle: true, format: "esm", platform: "node", target: "es2022", outfile: join(h.tmp, "lib.mjs"), logLevel: "warning" });
  await build({ stdin, bundle: true, format: "iife", globalName: "nipLib", target: "es2022", outfile: join(labDir, "lib.js"), logLevel: "warning" });
  writeFileSync(join(labDir, "index.html"), '<!doctype html><meta charset="utf-8"><title>lab</title><script src="lib.js"></script>');
  lib = await import(pathToFileURL(join(h.tmp, "lib.mjs")).href);

  repo = join(h.tmp, "repo");
  execFileSync("git", ["init", "-q", "-b", "trunk", repo], { env: h.gitEnv });
  const w = (p, data) => writeFileSync(join(repo, p), data);
  w("a-lines.txt", textLines(1_800_000, "a"));
  w("b-huge.txt", textLines(3_000_000, "b"));
  w("c-noise.bin", noise(1_000_000, 5));
  w("d-small.txt", "small\n");
  w("z-last.txt", "last\n");
  h.git(repo, "add", ".");
  h.git(repo, "commit", "-q", "-m", "Big files");
  for (let i = 1; i <= 3; i++) {
    w("d-small.txt", `small ${i}\n`);
    h.git(repo, "commit", "-q", "-am", `Change ${i}`);
  }
  h.git(repo, "remote", "add", "nip", "nip::new-ipfs");
  h.git(repo, "push", "-q", "nip", "refs/heads/*:refs/heads/*");
  cid = /^nip::\/ipfs\/(b[a-z2-7]+)$/.exec(h.git(repo, "config", "remote.nip.url").trim())?.[1];
  assert.ok(cid, "the push left a nip::/ipfs/<cid> address");
  site = await h.serveStatic();
  at = `${site}/index.html?gateway=${encodeURIComponent(h.gateway)}#/ipfs/${cid}`;
  browser = await chromium.launch({ executablePath: chromiumBin, args: ["--no-sandbox"] });
  lab = await browser.newPage();
  await lab.goto(`${await h.serveStatic(labDir)}/index.html`);
});

after(async () => {
  for (const s of servers) s.closeAllConnections?.();
  for (const s of servers) s.close();
  await browser?.close();
  await h.close();
});

// ---- inflate() ----

async function* chunks(buf, size = 256 << 10) {
  for (let i = 0; i < buf.length; i += size) yield new Uint8Array(buf.subarray(i, i + size));
}

for (const [what, data] of [
  ["3 MB of text", textLines(3_000_000, "x")],
  ["1,000,000 bytes of noise", noise(1_000_000, 3)],
  ["40 KB of text", textLines(40_000, "y")],
]) {
  test(`inflate: ${what} followed by the next entry gives exactly the content and the stream's length`, async () => {
    const z = deflateSync(data);
    const next = Buffer.concat([entryHeader(1, 200), deflateSync(Buffer.alloc(200, 65))]);
    const withNext = Buffer.concat([z, next]);
    for (const [how, input] of [
      ["in one chunk", chunks(withNext, withNext.length)],
      ["in 256 KiB chunks", chunks(withNext)],
      ["in 1000-byte chunks", chunks(withNext, 1000)],
    ]) {
      const { content, used } = await lib.inflate(input, data.length, "test");
      assert.equal(content.length, data.length, `${how}: the whole content`);
      assert.ok(Buffer.from(content).equals(data), `${how}: the content's bytes`);
      assert.equal(used, z.length, `${how}: the bytes the zlib stream used`);
    }
  });
}

test("inflate refuses a stream that inflates to more or less than the header's size, a damaged one and a cut one", async () => {
  const data = textLines(300_000, "r");
  const z = deflateSync(data);
  await assert.rejects(lib.inflate(chunks(z), data.length - 1, "entry X"), /entry X: the entry inflates to more than the \d+ bytes its header says/);
  await assert.rejects(lib.inflate(chunks(z), data.length + 1, "entry X"), /entry X: the entry inflates to \d+ bytes, not the \d+ its header says/);
  await assert.rejects(lib.inflate(chunks(z.subarray(0, z.length >> 1)), data.length, "entry X"), /entry X: the pack ends in the middle of the entry's zlib stream/);
  const bad = Buffer.from(z);
  bad[bad.length - 2] ^= 0xff; // the Adler-32
  await assert.rejects(lib.inflate(chunks(bad), data.length, "entry X"), /entry X: the entry's zlib stream is damaged \(incorrect data check\)/);
  // A bomb: 1 KiB said, about 1 GiB of zeros in a few MB of input: refused
  // at the first byte over, without inflating the rest.
  let fed = 0;
  const bomb = deflateSync(Buffer.alloc(64 << 20));
  async function* many() {
    for (let i = 0; i < 16; i++) {
      fed++;
      yield new Uint8Array(bomb.subarray(0, bomb.length - 4));
    }
  }
  await assert.rejects(lib.inflate(many(), 1024, "entry X"), /entry X: the entry inflates to more than the 1024 bytes its header says/);
  assert.equal(fed, 1, "stopped within the first chunk");
});

test("the gateway's cache of verified blocks is capped by bytes, least recently used dropped first", async () => {
  const cids = [0, 1, 2, 3, 4].map((i) => lib.CID.parse(addFile(noise(200_000, 50 + i))));
  const gw = new lib.Gateway(h.gateway, 60_000, 500_000);
  for (const c of cids.slice(0, 2)) await gw.block(c);
  await gw.block(cids[0]); // used again: now the most recent
  for (const c of cids.slice(2)) await gw.block(c);
  assert.equal(gw.fetched, 5, "five blocks fetched");
  assert.ok(gw.cachedBytes <= 500_000, `at most 500,000 bytes kept: ${gw.cachedBytes}`);
  await gw.block(cids[4]);
  assert.equal(gw.fetched, 5, "the last block is still kept");
  await gw.block(cids[1]);
  assert.equal(gw.fetched, 6, "the least recently used one was dropped and is fetched again");
  assert.ok(gw.cachedBytes <= 500_000, `still at most 500,000 bytes kept: ${gw.cachedBytes}`);
});

// ---- delta chains: the bytes they hold are bounded ----

/** A pack: a blob, then `n` OFS_DELTA entries, each on the one before,
 *  each inserting 250 bytes of its own letter; the last entry's offset. */
function deltaChain(n) {
  const parts = [];
  let at = 12;
  const offsets = [];
  const push = (e) => {
    offsets.push(at);
    parts.push(e);
    at += e.length;
  };
  const base = Buffer.from("base\n");
  push(Buffer.concat([entryHeader(3, base.length), deflateSync(base)]));
  let size = base.length;
  const varint = (v) => {
    const out = [];
    do {
      out.push((v & 127) | (v > 127 ? 128 : 0));
      v >>= 7;
    } while (v > 0);
    return out;
  };
  for (let i = 0; i < n; i++) {
    const letter = 97 + i;
    const delta = Buffer.from([...varint(size), ...varint(250), 125, ...Buffer.alloc(125, letter), 125, ...Buffer.alloc(125, letter)]);
    let back = at - offsets[offsets.length - 1];
    const ofs = [back & 127];
    back >>= 7;
    while (back > 0) {
      back -= 1;
      ofs.unshift(128 | (back & 127));
      back >>= 7;
    }
    push(Buffer.concat([entryHeader(6, delta.length), Buffer.from(ofs), deflateSync(delta)]));
    size = 250;
  }
  const head = Buffer.alloc(12);
  head.write("PACK", 0, "ascii");
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(n + 1, 8);
  const body = Buffer.concat([head, ...parts]);
  return { bytes: Buffer.concat([body, createHash("sha1").update(body).digest()]), last: offsets[offsets.length - 1] };
}

test("a delta chain is resolved base first, and one that holds more delta bytes than the bound is refused, naming its entry", async () => {
  const gw = new lib.Gateway(h.gateway);
  const short = deltaChain(3);
  const shortCid = lib.CID.parse(addFile(short.bytes));
  // Three deltas of 256 bytes each: 768 held, within 1000.
  const got = await lib.readEntry(gw, {}, shortCid, short.last, 1000);
  assert.equal(got.type, 3);
  assert.equal(Buffer.from(got.content).toString(), "c".repeat(250), "the last delta's result");
  const long = deltaChain(5);
  const longCid = lib.CID.parse(addFile(long.bytes));
  await assert.rejects(lib.readEntry(gw, {}, longCid, long.last, 1000), (e) => {
    assert.match(e.message, new RegExp(`^pack ${longCid}, entry at \\d+: a delta chain holding more than 1000 bytes of deltas$`));
    return true;
  });
  // The same chain under the viewer's own bound resolves.
  assert.equal(Buffer.from((await lib.readEntry(gw, {}, longCid, long.last)).content).toString(), "e".repeat(250));
});

// ---- scan(): the log's read-ahead, in Chromium ----

test("read-ahead reads the commits past blobs over 128 KiB and one of ~1 MiB of noise", async () => {
  const { got, commits } = await scanned(["A", textLines(600_000, "p"), "B", noise(1_000_000, 9), "C", textLines(700_000, "q"), textLines(500_000, "s"), "D", Buffer.from("small\n"), "E"]);
  assert.deepEqual(got, commits, "every commit, in pack order, each at its offset");
});

test("read-ahead stops at the first non-commit entry over 1 MiB, and after 8 MiB inflated in all", async () => {
  let r = await scanned(["A", "B", textLines((1 << 20) + 1, "t"), "C"]);
  assert.deepEqual(r.got, r.commits.slice(0, 2), "stops at the blob of 1 MiB + 1");
  r = await scanned(["A", textLines(1 << 20, "u").subarray(0, 1 << 20), "B"]);
  assert.deepEqual(r.got, r.commits, "a blob of exactly 1 MiB is stepped over");
  const blob = (i) => Buffer.alloc(900 << 10, 48 + i);
  r = await scanned(["A", ...[0, 1, 2, 3, 4].map(blob), "B"]);
  assert.deepEqual(r.got, r.commits, "4.4 MiB of blobs (under 8 MiB inflated) are stepped over");
  r = await scanned(["A", ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(blob), "B"]);
  assert.deepEqual(r.got, r.commits.slice(0, 1), "8.8 MiB of blobs: the read-ahead stops before B");
});

// ---- the viewer in Chromium ----

async function open(url, init) {
  const page = await browser.newPage({ viewport: { width: 800, height: 700 }, acceptDownloads: true });
  if (init) await page.addInitScript(init);
  await page.goto(url);
  return page;
}

async function noError(page, sel) {
  await page.waitForSelector(`${sel}, #error`, { timeout: 60_000 });
  if ((await page.locator("#error").count()) > 0) assert.fail(`the page shows an error: ${await page.locator("#error").textContent()}`);
}

test("the pushed pack has the big blobs followed by other entries in the same leaf", (t) => {
  const index = JSON.parse(h.ipfs("dag", "get", cid))[3];
  const [, tail] = JSON.parse(h.ipfs("dag", "get", index.packs["/"]))[3];
  const pack = tail[0].pack["/"];
  const dir = join(h.tmp, "verify");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "p.pack");
  writeFileSync(file, execFileSync(kuboBin, ["cat", pack], { env: h.ipfsEnv, maxBuffer: 1 << 28 }));
  execFileSync("git", ["index-pack", file], { stdio: "ignore" });
  const rows = execFileSync("git", ["verify-pack", "-v", file.replace(/\.pack$/, ".idx")], { encoding: "utf8", maxBuffer: 1 << 26 })
    .split("\n")
    .map((l) => l.split(/\s+/))
    .filter((f) => /^[0-9a-f]{40}$/.test(f[0]))
    .map((f) => ({ oid: f[0], type: f[1], size: +f[2], packed: +f[3], offset: +f[4] }))
    .sort((a, b) => a.offset - b.offset);
  const leaves = h.ipfs("ls", "--size", pack).trim().split("\n").map((l) => +l.split(/\s+/)[1]);
  const leafOf = (o) => {
    let s = 0;
    for (let i = 0; i < leaves.length; i++) if (o < (s += leaves[i])) return i;
    return leaves.length;
  };
  for (const name of ["a-lines.txt", "b-huge.txt", "c-noise.bin"]) {
    const oid = h.git(repo, "rev-parse", `trunk:${name}`).trim();
    const i = rows.findIndex((r) => r.oid === oid);
    assert.ok(i >= 0 && i + 1 < rows.length, `${name} is followed by another entry`);
    const end = rows[i].offset + rows[i].packed;
    t.diagnostic(`${name}: ${rows[i].size} bytes at ${rows[i].offset}, ${rows[i].packed} packed, ends in leaf ${leafOf(end - 1)}; the next entry starts in leaf ${leafOf(end)}`);
    if (name !== "c-noise.bin") assert.equal(leafOf(end - 1), leafOf(rows[i + 1].offset), `${name}: the next entry starts in the leaf its stream ends in`);
  }
});

test("a 1.8 MB text file followed by other entries shows git's text; 3 MB and ~1 MiB files download as git's bytes", async () => {
  const page = await open(`${at}/blob/trunk/a-lines.txt`);
  await noError(page, "#lines");
  const lines = await page.locator("#lines .line code").allTextContents();
  const want = h.gitBytes(repo, "show", "trunk:a-lines.txt").toString("utf8").split("\n");
  want.pop();
  assert.equal(lines.length, want.length, "line count");
  assert.ok(lines.join("\n") === want.join("\n"), "git's text");
  for (const [name, sel] of [["b-huge.txt", "#fetch"], ["c-noise.bin", "#download"]]) {
    await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/blob/trunk/${name}`);
    await page.waitForFunction((n) => document.getElementById("view-title")?.textContent === n, name);
    await noError(page, sel);
    if (sel === "#fetch") {
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.locator("#fetch").click()]);
      assert.ok(readFileSync(await download.path()).equals(h.gitBytes(repo, "show", `trunk:${name}`)), `${name} downloads as git's bytes`);
    } else {
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download").click()]);
      assert.ok(readFileSync(await download.path()).equals(h.gitBytes(repo, "show", `trunk:${name}`)), `${name} downloads as git's bytes`);
    }
    assert.equal(await page.locator("#error").count(), 0, `${name}: no error`);
  }
  await page.close();
});

test("the log lists git log's commits", async () => {
  const page = await open(`${at}/log/trunk`);
  await noError(page, "#log li");
  assert.deepEqual(await page.locator("#log li").evaluateAll((lis) => lis.map((li) => li.dataset.oid)), h.git(repo, "log", "--format=%H", "trunk").trim().split("\n"));
  await page.close();
});

test("a gateway that sends the headers and then nothing: the view says which block timed out, on which gateway", async () => {
  const up = new URL(h.gateway);
  const stalled = [];
  const server = createServer((req, res) => {
    if (req.url.startsWith(`/ipfs/${cid}`)) {
      res.writeHead(200, { "content-type": "application/vnd.ipld.raw", "access-control-allow-origin": "*" });
      res.flushHeaders();
      stalled.push(res);
      return;
    }
    const fwd = httpRequest({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: { ...req.headers, host: up.host } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    fwd.on("error", () => res.writeHead(502).end());
    req.pipe(fwd);
  });
  servers.push(server);
  const slow = await new Promise((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${server.address().port}`)));
  const page = await open(`${site}/index.html?gateway=${encodeURIComponent(slow)}#/ipfs/${cid}`, () => {
    globalThis.nipGatewayTimeoutMs = 1500;
  });
  await page.waitForSelector("#error", { timeout: 60_000 });
  assert.equal(await page.locator("#error").textContent(), `block ${cid}: the gateway ${slow} timed out (no whole block within 1.5 s); try again, or another gateway`);
  assert.ok(stalled.length >= 1, "the gateway was asked for the block and stalled");
  await page.close();
});
