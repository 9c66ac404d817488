// The viewer's decoder against docs/FORMAT.md's worked example: the
// blocks given there in hex, checked against their CIDs and decoded by
// web/src (bundled for Node by esbuild), give the example's refs, counts
// and records; one flipped byte fails the CID check. Needs no browser and
// no network.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const spec = readFileSync(join(web, "../docs/FORMAT.md"), "utf8");

/** The worked example's blocks: CID → bytes. */
function blocks() {
  const out = new Map();
  const re = /\*\*[a-z-]+\*\* `(b[a-z2-7]+)` \(\d+ bytes\)[\s\S]*?Full bytes:\n`([0-9a-f]+)`/g;
  for (const m of spec.matchAll(re)) out.set(m[1], Buffer.from(m[2], "hex"));
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), "nip-web-format-"));
await build({
  stdin: { contents: 'export * from "./cid"; export * from "./nip"; export * from "./objects";', resolveDir: join(web, "src"), loader: "ts" },
  bundle: true,
  format: "esm",
  platform: "neutral",
  outfile: join(tmp, "viewer.mjs"),
  logLevel: "warning",
});
const v = await import(pathToFileURL(join(tmp, "viewer.mjs")).href);
rmSync(tmp, { recursive: true, force: true });

/** A gateway that serves `map`, checking blocks as the real one does. */
function gateway(map) {
  return {
    async block(cid) {
      const data = map.get(cid.toString());
      if (!data) throw new Error(`block ${cid} is not in the example`);
      if (!(await v.matches(cid, data))) throw new Error(`block ${cid}: bytes that do not match this CID`);
      return new Uint8Array(data);
    },
  };
}

const INDEX = "bafyreiaagg5zov3tym25nmemtomzxxozpbilbwsqe77zpguygky3dlmnia";

test("the worked example's blocks match their CIDs and decode as FORMAT.md says", async () => {
  const map = blocks();
  assert.equal(map.size, 4, "index, refs-leaf, packs and objects-leaf are in FORMAT.md");
  for (const [text, data] of map) {
    const cid = v.CID.parse(text);
    assert.equal(cid.toString(), text);
    assert.ok(await v.matches(cid, new Uint8Array(data)), `block ${text} matches its CID`);
  }
  const gw = gateway(map);
  const index = await v.readIndex(gw, v.CID.parse(INDEX));
  assert.equal(index.head, "refs/heads/main");
  assert.deepEqual(index.counts, { commit: 1, tree: 1, blob: 1, tag: 1 });
  assert.equal(index.previous, null);
  const refs = await v.readRefs(gw, index.refs, index.cid);
  assert.deepEqual(refs, [
    { name: "refs/heads/main", target: "385bf98f561801c85fb5c3e15ebd7fb1513b641a", peeled: null },
    { name: "refs/tags/v1", target: "8f2991f581c50289429192e55ce1d49f28352d76", peeled: "385bf98f561801c85fb5c3e15ebd7fb1513b641a" },
  ]);
  const commit = await v.lookup(gw, index.objects, Buffer.from("385bf98f561801c85fb5c3e15ebd7fb1513b641a", "hex"));
  assert.equal(commit.type, 1);
  assert.equal(commit.size, 155);
  assert.equal(commit.offset, 12);
  assert.equal(Buffer.from(commit.tree).toString("hex"), "970fd5a9638568f20a9d41ac53d09dc9528b8136");
  assert.equal(await v.lookup(gw, index.objects, new Uint8Array(20)), null);
});

test("one flipped byte fails the CID check; a wrong kind or version is named", async () => {
  const map = blocks();
  const index = map.get(INDEX);
  const flipped = Buffer.from(index);
  flipped[100] ^= 1;
  assert.equal(await v.matches(v.CID.parse(INDEX), new Uint8Array(flipped)), false);
  const cid = v.CID.parse(INDEX);
  assert.throws(() => v.body(cid, new Uint8Array(index), "refs-leaf"), /is a nip "index" block where a nip refs-leaf block was expected/);
  const v1 = Buffer.from(index);
  v1[8] = 1;
  assert.throws(() => v.body(cid, new Uint8Array(v1), "index"), /uses nip format version 1; this viewer reads version 2/);
  assert.throws(() => v.CID.parse("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"), /not a CIDv1 in base32/);
  assert.throws(() => v.checkRefName("refs/heads/a..b", cid), /invalid ref name/);
});
