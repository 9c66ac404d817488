// End-to-end test of the tree, file, /ipns/ and keyboard parts of the web
// viewer (issue 16): a throwaway Kubo, a synthetic repository (nested
// directories, text, a PNG, an SVG, binary files, 40 × 256 KiB and one
// 3 MiB file of noise) pushed with the real git and git-remote-nip, and
// headless Chromium. What the page shows is compared with what git says:
// `git ls-tree` for a directory, `git show` for a file, the bytes of a
// download; an IPNS name published by `ipfs name publish` opens, and a
// record with one byte flipped by a proxy is refused; nothing is wider
// than a 360 px screen; the shortcut keys navigate.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { harness, makeRepo, chromiumBin, kuboBin } from "../screenshots.mjs";

const h = harness();
let browser, site, repo, cid, at;

before(async () => {
  await h.startKubo();
  ({ repo, cid } = makeRepo(h, { big: true }));
  site = await h.serveStatic();
  at = `${site}/index.html?gateway=${encodeURIComponent(h.gateway)}#/ipfs/${cid}`;
  browser = await chromium.launch({ executablePath: chromiumBin, args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  await h.close();
});

/** A page whose requests are recorded; fails on any other origin. */
async function open(url, opts = {}) {
  const page = await browser.newPage({ viewport: { width: 800, height: 700 }, acceptDownloads: true, ...opts });
  page.requests = [];
  page.on("request", (r) => page.requests.push(r.url()));
  await page.goto(url);
  return page;
}

function origins(page, ...allowed) {
  const got = [...new Set(page.requests.filter((u) => !u.startsWith("blob:")).map((u) => new URL(u).origin))].sort();
  assert.deepEqual(got, [...new Set([site, h.gateway, ...allowed])].sort(), "requests go only to the page's origin and the gateway");
}

async function noError(page, sel) {
  await page.waitForSelector(`${sel}, #error`, { timeout: 30_000 });
  if ((await page.locator("#error").count()) > 0) assert.fail(`the page shows an error: ${await page.locator("#error").textContent()}`);
}

const enc = (p) => p.split("/").map(encodeURIComponent).join("/");

/** `git ls-tree rev path/` as the view lists it: dirs first. */
function lsTree(rev, path) {
  const rows = h.git(repo, "ls-tree", "-l", rev, ...(path ? [`${path}/`] : [])).trim().split("\n").map((l) => {
    const [meta, name] = l.split("\t");
    const [mode, type, oid, size] = meta.split(/\s+/);
    return { mode: mode.padStart(6, "0"), type, oid, size: size === "-" ? null : size, name: name.split("/").pop() };
  });
  return [...rows.filter((r) => r.type === "tree"), ...rows.filter((r) => r.type !== "tree")];
}

async function listing(page) {
  return page.locator("#tree tbody tr[data-oid]").evaluateAll((trs) =>
    trs.map((tr) => {
      const a = tr.querySelector(".name a, .name span");
      return { mode: tr.querySelector(".mode").textContent, oid: tr.dataset.oid, name: a.textContent.replace(/\/$/, ""), size: a.dataset.size ?? null, dir: a.classList.contains("dir") };
    }),
  );
}

test("a directory at a branch or a commit lists what git ls-tree lists, dirs first, with sizes", async () => {
  const page = await open(`${at}/tree/trunk/`);
  for (const [rev, path] of [["trunk", ""], ["trunk", "src"], ["trunk", "src/orbit"], ["trunk", "src/orbit/deep/er"], [h.git(repo, "rev-parse", "trunk~1").trim(), "src/orbit"], ["feature/rings", "docs"], ["v1.0", "assets"]]) {
    await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/tree/${encodeURIComponent(rev)}/${path ? enc(path) + "/" : ""}`);
    await page.waitForFunction((t) => document.getElementById("view-title")?.textContent === t || document.getElementById("error"), path || "Files");
    await noError(page, "#tree");
    const want = lsTree(rev, path).map((r) => ({ mode: r.mode, oid: r.oid, name: r.name, size: r.size, dir: r.type === "tree" }));
    assert.deepEqual(await listing(page), want, `tree ${rev}:${path}`);
    // Breadcrumb: one link per ancestor, the current one not a link.
    const crumbs = await page.locator("#crumbs a").allTextContents();
    assert.deepEqual(crumbs.slice(1), path ? path.split("/").slice(0, -1) : [], "breadcrumb links");
    assert.equal(await page.locator("#up").count(), path ? 1 : 0, ".. on every directory but the top");
  }
  // The "..": up one level.
  await page.locator("#up").click();
  await page.waitForFunction(() => document.getElementById("view-title")?.textContent === "assets".slice(0, 0) + "Files");
  origins(page);
  await page.close();
});

test("a path that does not exist says so, and where it stops", async () => {
  const page = await open(`${at}/tree/trunk/src/nowhere/`);
  await page.waitForSelector("#error");
  assert.equal(await page.locator("#error").textContent(), `There is no src/nowhere at trunk (commit ${h.git(repo, "rev-parse", "trunk").trim()}): src has no entry "nowhere".`);
  assert.match(await page.locator("#nearest").getAttribute("href"), /\/tree\/trunk\/src\/$/);
  await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/blob/trunk/src/orbit/moons.c`);
  await noError(page, "#lines");
  await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/blob/feature%2Frings/src/orbit/moons.c`);
  await page.waitForSelector("#error.missing");
  assert.match(await page.locator("#error").textContent(), /src\/orbit has no entry "moons.c"/);
  await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/tree/nobranch/`);
  await page.waitForSelector("#error");
  assert.match(await page.locator("#error").textContent(), /there is no branch or tag "nobranch"/);
  await page.close();
});

test("a text file shows git's text, one numbered line each; ?line= highlights one", async () => {
  const page = await open(`${at}/blob/trunk/src/main.c?line=3`);
  for (const [rev, path] of [["trunk", "src/main.c"], ["trunk", "docs/notes & #1 100%.txt"], ["trunk~1".replace("~1", ""), "README.md"], [h.git(repo, "rev-parse", "trunk~1").trim(), "README.md"], ["trunk", "assets/diagram.svg"]]) {
    await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/blob/${encodeURIComponent(rev)}/${enc(path)}`);
    await page.waitForFunction((t) => document.getElementById("view-title")?.textContent === t && document.getElementById("lines"), path.split("/").pop());
    await noError(page, "#lines");
    const want = h.git(repo, "show", `${rev}:${path}`);
    const lines = await page.locator("#lines .line code").allTextContents();
    const wantLines = want.split("\n");
    if (wantLines[wantLines.length - 1] === "") wantLines.pop();
    assert.equal(lines.length, wantLines.length, `${rev}:${path} line count`);
    assert.equal(lines.join("\n"), wantLines.join("\n"), `${rev}:${path} text`);
    assert.deepEqual(await page.locator("#lines .line").evaluateAll((ls) => ls.map((l, i) => l.id === `L${i + 1}` && l.querySelector(".ln").textContent === String(i + 1)).every(Boolean)), true, "each line is L<n>, numbered");
  }
  // The SVG is text, never an image.
  assert.equal(await page.locator("img").count(), 0, "no image for an SVG");
  await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/blob/trunk/src/main.c?line=3`);
  await page.waitForSelector("#L3.hl");
  assert.equal(await page.locator(".line.hl").count(), 1, "one line highlighted");
  assert.match(await page.locator("#L3 code").textContent(), /int main/);
  assert.match(await page.locator("#file-blocks").textContent(), /^SHA-1 checked; read from \d+ blocks?/);
  origins(page);
  await page.close();
});

test("an image is shown from the checked bytes; a binary file downloads as git's bytes", async () => {
  const page = await open(`${at}/blob/trunk/assets/logo.png`);
  await noError(page, "#image");
  await page.waitForFunction(() => document.getElementById("image").complete);
  assert.deepEqual(await page.locator("#image").evaluate((i) => [i.naturalWidth, i.naturalHeight, i.src.slice(0, 5)]), [48, 32, "blob:"]);
  for (const path of ["assets/data.bin", "assets/logo.png"]) {
    await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/blob/trunk/${path}`);
    await page.waitForFunction((n) => document.getElementById("view-title")?.textContent === n && document.getElementById("download"), path.split("/").pop());
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download").click()]);
    assert.equal(download.suggestedFilename(), path.split("/").pop());
    const got = readFileSync(await download.path());
    assert.ok(got.equals(h.gitBytes(repo, "show", `trunk:${path}`)), `${path}: the download is git's bytes`);
  }
  assert.match(await page.locator("#size").textContent(), new RegExp(`^${h.git(repo, "cat-file", "-s", "trunk:assets/logo.png").trim()} bytes`));
  origins(page);
  await page.close();
});

/** The CIDs of a pack's UnixFS DAG (its root and every block under it). */
function packBlocks(pack) {
  return new Set([pack, ...h.ipfs("refs", "-r", "--unique", pack).trim().split("\n")]);
}

test("a file view fetches only its own part of a big pack; a file over 2 MiB is read only on request", async (t) => {
  const index = JSON.parse(h.ipfs("dag", "get", cid))[3];
  const [, tail] = JSON.parse(h.ipfs("dag", "get", index.packs["/"]))[3];
  const pack = tail[0].pack["/"];
  const blocks = packBlocks(pack);
  assert.ok(blocks.size > 40, `the pack spans many blocks (${blocks.size})`);
  const fetched = (page) => new Set(page.requests.map((u) => /\/ipfs\/([a-z2-7]+)\?format=raw/.exec(u)?.[1]).filter(Boolean));
  const page = await open(`${at}/blob/trunk/big/f17.bin`);
  await noError(page, "#download");
  const all = fetched(page);
  const fromPack = [...all].filter((c) => blocks.has(c));
  t.diagnostic(`big/f17.bin (256 KiB): ${all.size} blocks fetched in all, ${fromPack.length} of the pack's ${blocks.size}`);
  t.diagnostic(`the page says: ${await page.locator("#file-blocks").textContent()}`);
  assert.ok(fromPack.length <= 4, `at most 4 of the pack's ${blocks.size} blocks for one 256 KiB file: ${fromPack.length}`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download").click()]);
  assert.ok(readFileSync(await download.path()).equals(h.gitBytes(repo, "show", "trunk:big/f17.bin")), "f17.bin downloads as git's bytes");
  await page.close();

  const big = await open(`${at}/blob/trunk/big/huge.bin`);
  await noError(big, "#fetch");
  const before = [...fetched(big)].filter((c) => blocks.has(c)).length;
  t.diagnostic(`big/huge.bin (3 MiB) before the button: ${before} pack blocks (the root and the leaves holding the commit and trees)`);
  assert.ok(before <= 4, `nothing of a file over 2 MiB is read before the visitor asks (${before} pack blocks)`);
  assert.equal(await big.locator("#lines").count(), 0, "it is not shown as text");
  const [dl] = await Promise.all([big.waitForEvent("download"), big.locator("#fetch").click()]);
  assert.ok(readFileSync(await dl.path()).equals(h.gitBytes(repo, "show", "trunk:big/huge.bin")), "huge.bin downloads as git's bytes");
  const after = [...fetched(big)].filter((c) => blocks.has(c)).length;
  t.diagnostic(`big/huge.bin after the download: ${after} of the pack's ${blocks.size} blocks`);
  assert.ok(after - before >= 12, `the download read the file's 3 MiB (${after - before} more pack blocks)`);
  await big.close();
});

test("an /ipns/ name opens the repository it names; a record with one byte flipped is refused", async () => {
  h.ipfs("key", "gen", "--type=ed25519", "repo");
  const out = h.ipfs("name", "publish", "--key=repo", "--allow-offline", `/ipfs/${cid}`);
  const name = /Published to (k51[0-9a-z]+):/.exec(out)?.[1];
  assert.ok(name, `ipfs name publish printed no k51… name: ${out}`);
  const page = await open(`${site}/index.html?gateway=${encodeURIComponent(h.gateway)}#/ipns/${name}/tree/trunk/src/`);
  await noError(page, "#tree");
  assert.equal(await page.evaluate(() => location.hash), `#/ipfs/${cid}/tree/trunk/src/`);
  assert.match(await page.locator("#repo").textContent(), new RegExp(`from nip::/ipns/${name}, record \\d+, valid until `));
  await page.evaluate((x) => (location.hash = x), `#/ipns/${name}`);
  await noError(page, "#branches li");
  assert.equal(await page.locator("#branches li .name").first().textContent(), "trunk");
  origins(page);
  await page.close();

  const bad = await h.hostile("/ipns/");
  const p2 = await open(`${site}/index.html?gateway=${encodeURIComponent(bad)}#/ipns/${name}`);
  await p2.waitForSelector("#error", { timeout: 30_000 });
  assert.match(await p2.locator("#error").textContent(), new RegExp(`^the IPNS record of ${name} is refused: `));
  assert.equal(await p2.locator("#branches").count(), 0, "nothing is shown");
  // A name that is not a key is refused by name too.
  await p2.evaluate(() => (location.hash = "#/ipns/example.org"));
  await p2.waitForFunction(() => /example\.org cannot be checked: it looks like a DNSLink domain/.test(document.getElementById("error")?.textContent ?? ""));
  await p2.close();
});

test("at 360 px nothing scrolls sideways but code boxes", async () => {
  const page = await open(at, { viewport: { width: 360, height: 740 } });
  for (const [hash, sel] of [[`#/ipfs/${cid}`, "#head .subject"], [`#/ipfs/${cid}/tree/trunk/docs/`, "#tree"], [`#/ipfs/${cid}/tree/feature%2Frings/src/orbit/`, "#tree"], [`#/ipfs/${cid}/blob/trunk/src/main.c`, "#lines"], [`#/ipfs/${cid}/blob/trunk/assets/logo.png`, "#image"], [`#/ipfs/${cid}/blob/trunk/assets/data.bin`, "#download"], ["#/help", "#shortcuts"]]) {
    await page.evaluate((x) => (location.hash = x), hash);
    await noError(page, sel);
    await page.waitForFunction((s) => document.querySelector(s), sel);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${hash}: the page is ${width} px wide at 360`);
  }
  // The long lines of main.c scroll inside their box.
  await page.evaluate((x) => (location.hash = x), `#/ipfs/${cid}/blob/trunk/src/main.c`);
  await page.waitForSelector("#lines");
  assert.ok(await page.locator("#lines").evaluate((e) => e.scrollWidth > e.clientWidth), "main.c's lines scroll inside #lines");
  await page.close();
});

test("keyboard: shortcuts navigate, focus lands on each view's heading, Tab and Enter reach files", async () => {
  const page = await open(at);
  await noError(page, "#branches li");
  const title = () => page.evaluate(() => document.getElementById("view-title")?.textContent ?? document.querySelector("main h2")?.textContent);
  const focused = () => page.evaluate(() => (document.activeElement?.tagName === "H2" ? document.activeElement.textContent : `${document.activeElement?.tagName} ${document.activeElement?.textContent}`));
  // The skip link is the first Tab stop.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "skip");
  await page.keyboard.press("Tab");
  await page.keyboard.press("t");
  await page.waitForFunction(() => document.getElementById("view-title")?.textContent === "Files");
  assert.equal(await page.evaluate(() => location.hash), `#/ipfs/${cid}/tree/HEAD/`);
  assert.equal(await focused(), "Files", "focus on the tree's heading");
  // Tab from the heading, through the breadcrumb and the commit link, to
  // the first directory; Enter opens it.
  let tabs = 0;
  while (!(await page.evaluate(() => document.activeElement?.matches("#tree a.dir")))) {
    assert.ok(++tabs <= 4, "the first directory is within 4 Tab stops of the heading");
    await page.keyboard.press("Tab");
  }
  const dir = await page.evaluate(() => document.activeElement.textContent.replace(/\/$/, ""));
  await page.keyboard.press("Enter");
  await page.waitForFunction((d) => document.getElementById("view-title")?.textContent === d, dir);
  assert.equal(await focused(), dir);
  await page.keyboard.press("u");
  await page.waitForFunction(() => document.getElementById("view-title")?.textContent === "Files");
  await page.keyboard.press("?");
  await page.waitForSelector("#shortcuts");
  assert.equal(await focused(), "Keyboard shortcuts");
  const keys = await page.locator("#shortcuts kbd").allTextContents();
  for (const k of ["h", "t", "l", "u", "?"]) assert.ok(keys.includes(k), `the help lists ${k}`);
  await page.locator("#back").focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("view-title")?.textContent === "Files");
  await page.keyboard.press("h");
  await page.waitForSelector("#branches li");
  assert.equal(await page.evaluate(() => location.hash), `#/ipfs/${cid}`);
  assert.match(await focused(), /^Branches/);
  // Keys typed into a field are not shortcuts.
  await page.goto(`${site}/index.html?gateway=${encodeURIComponent(h.gateway)}`);
  await page.locator("#address").focus();
  await page.keyboard.type("th?");
  assert.equal(await page.locator("#address").inputValue(), "th?");
  assert.equal(await page.evaluate(() => location.hash), "");
  void title;
  await page.close();
});

// ---- IPNS records, checked by web/src/ipns.ts (bundled for Node) ----

async function ipnsModule() {
  const { build } = await import("esbuild");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join, dirname } = await import("node:path");
  const { fileURLToPath, pathToFileURL } = await import("node:url");
  const src = join(dirname(fileURLToPath(import.meta.url)), "../src");
  const dir = mkdtempSync(join(tmpdir(), "nip-web-ipns-"));
  await build({ entryPoints: [join(src, "ipns.ts")], bundle: true, format: "esm", platform: "neutral", outfile: join(dir, "ipns.mjs"), logLevel: "warning" });
  const m = await import(pathToFileURL(join(dir, "ipns.mjs")).href);
  rmSync(dir, { recursive: true, force: true });
  return m;
}

function base36(bytes) {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let s = "";
  while (n > 0n) {
    s = "0123456789abcdefghijklmnopqrstuvwxyz"[Number(n % 36n)] + s;
    n /= 36n;
  }
  return "k" + s;
}

/** A signed IPNS record (the spec's V1 + V2 fields), with overrides. */
async function makeRecord({ key, signer = key, value = "/ipfs/bafyreihwje6ojcnk765tsdjluozg3cashhib4fqd4fw42f3pexls35ftby", eol = "2999-01-01T00:00:00.123456789Z", v1value, pubKey, validityType = 0 } = {}) {
  const { encode } = await import("cborg");
  const { sign } = await import("node:crypto");
  const data = Buffer.from(encode({ Value: Buffer.from(value), Validity: Buffer.from(eol), ValidityType: validityType, Sequence: 3, TTL: 3_600_000_000_000 }));
  const sig = sign(null, Buffer.concat([Buffer.from("ipns-signature:"), data]), signer.privateKey);
  const varint = (n) => {
    const out = [];
    for (n = BigInt(n); n >= 0x80n; n >>= 7n) out.push(Number(n & 0x7fn) | 0x80);
    out.push(Number(n));
    return Buffer.from(out);
  };
  const field = (f, b) => Buffer.concat([varint((f << 3) | 2), varint(b.length), b]);
  const num = (f, n) => Buffer.concat([varint(f << 3), varint(n)]);
  const parts = [field(1, Buffer.from(v1value ?? value)), num(3, validityType), field(4, Buffer.from(eol)), num(5, 3), num(6, 3_600_000_000_000)];
  if (pubKey) parts.push(field(7, pubKey));
  parts.push(field(8, sig), field(9, data));
  return Buffer.concat(parts);
}

async function ed25519() {
  const { generateKeyPairSync } = await import("node:crypto");
  const k = generateKeyPairSync("ed25519");
  const raw = k.publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const proto = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, 0x20]), raw]);
  return { ...k, proto, name: base36(Buffer.concat([Buffer.from([0x01, 0x72, 0x00, 0x24]), proto])) };
}

test("an IPNS record verifies only if signed by the name's key, unexpired, consistent, naming /ipfs/<cid>", async () => {
  const { verifyRecord, IpnsError } = await ipnsModule();
  const key = await ed25519();
  const other = await ed25519();
  const ok = await verifyRecord(key.name, await makeRecord({ key }));
  assert.equal(ok.cid.toString(), "bafyreihwje6ojcnk765tsdjluozg3cashhib4fqd4fw42f3pexls35ftby");
  assert.equal(ok.sequence, 3n);
  assert.equal(ok.validity.toISOString(), "2999-01-01T00:00:00.123Z");
  await verifyRecord(key.name, await makeRecord({ key, pubKey: key.proto }));
  const refused = async (why, rec, name = key.name) => {
    await assert.rejects(verifyRecord(name, rec), (e) => {
      assert.ok(e instanceof IpnsError && e.message.includes(name) && why.test(e.message), `${why} vs ${e.message}`);
      return true;
    });
  };
  await refused(/its signature does not verify with the name's key/, await makeRecord({ key, signer: other }));
  await refused(/its signature does not verify/, await makeRecord({ key }), other.name);
  await refused(/it expired at 2020-01-01T00:00:00.000Z/, await makeRecord({ key, eol: "2020-01-01T00:00:00Z" }));
  await refused(/its value field differs from its signed data/, await makeRecord({ key, v1value: "/ipfs/bafkqaaa" }));
  await refused(/a public key that is not the name's/, await makeRecord({ key, pubKey: other.proto }));
  await refused(/not \/ipfs\/<CIDv1 in base32>/, await makeRecord({ key, value: "/ipns/k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8" }));
  await refused(/validity type 1 is not EOL/, await makeRecord({ key, validityType: 1 }));
  await refused(/10241 bytes, more than the 10240/, Buffer.alloc(10241));
  const rec = await makeRecord({ key });
  rec[rec.length - 3] ^= 1; // in the signed data: no longer what V1 says, nor what was signed
  await refused(/is refused: its data lacks|is refused: its ttl differs|is refused: its signature/, rec);
  const sigAt = rec.indexOf(Buffer.from([0x42, 0x40])) + 10; // field 8, 64 bytes: inside the signature
  rec[rec.length - 3] ^= 1;
  rec[sigAt] ^= 1;
  await refused(/is refused: its signature does not verify/, rec);
  await refused(/cannot be checked: it is not an Ed25519 key inlined/, rec, base36(Buffer.concat([Buffer.from([0x01, 0x72, 0x12, 0x20]), Buffer.alloc(32, 7)])));
  await refused(/cannot be checked: it looks like a DNSLink domain/, rec, "git.example.org");
});
