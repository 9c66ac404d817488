// The nip format, version 2, as docs/FORMAT.md describes it: the header
// of every nip block, the index and the refs trie.
//
// Every check nip's own reader makes on these blocks is made here too,
// in the same order: magic, version, kind, then the body; a trie's node
// has 16 slots, a leaf's keys are strictly increasing and on the leaf's
// path, no shard is linked twice, no trie is deeper than 40 levels; every
// ref name is a valid git ref name.

import { decode } from "cborg";
import { CID, DAG_CBOR, hex } from "./cid";
import { Gateway } from "./gateway";
import { sha256Sync } from "./views/sha256";

export const MAGIC = "NIPNIP";
export const VERSION = 2;
const MAX_DEPTH = 40;
const MAX_REFS = 20_000_000;

export class FormatError extends Error {}

/** A DAG-CBOR link as the decoder hands it on. */
function link(bytes: Uint8Array): CID {
  if (!(bytes instanceof Uint8Array) || bytes[0] !== 0) throw new FormatError("a link (tag 42) that is not a 0x00-prefixed binary CID");
  return CID.decode(bytes.subarray(1));
}

const tags: ((inner: any) => any)[] = [];
tags[42] = link;

/** Decodes strict DAG-CBOR: shortest encodings, no indefinite lengths,
 *  no undefined, no duplicate map keys; maps as Map, links as CID. */
function dagCbor(cid: CID, data: Uint8Array): unknown {
  try {
    return decode(data, {
      tags,
      strict: true,
      useMaps: true,
      rejectDuplicateMapKeys: true,
      allowIndefinite: false,
      allowUndefined: false,
      allowInfinity: false,
      allowNaN: false,
      allowBigInt: false,
    });
  } catch (e) {
    throw new FormatError(`block ${cid} is not valid DAG-CBOR (${(e as Error).message})`);
  }
}

/** Checks a block's header and returns its body. */
export function body(cid: CID, data: Uint8Array, kind: string): unknown {
  if (cid.codec !== DAG_CBOR) throw new FormatError(`block ${cid} is not a nip block (its codec is 0x${cid.codec.toString(16)}, not dag-cbor); is this the address of a nip repository?`);
  const v = dagCbor(cid, data);
  if (!Array.isArray(v) || v.length !== 4 || v[0] !== MAGIC) {
    throw new FormatError(`block ${cid} is not a nip block (no NIPNIP header); is this the address of a nip repository?`);
  }
  if (v[1] !== VERSION) {
    throw new FormatError(`block ${cid} uses nip format version ${String(v[1])}; this viewer reads version ${VERSION} (use nip itself: git clone nip::/ipfs/${cid})`);
  }
  if (v[2] !== kind) throw new FormatError(`block ${cid} is a nip ${JSON.stringify(v[2])} block where a nip ${kind} block was expected`);
  return v[3];
}

function bad(cid: CID, kind: string, why: string): FormatError {
  return new FormatError(`block ${cid} is a damaged nip ${kind} block: ${why}`);
}

function isHash(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.length === 20;
}

export interface Index {
  cid: CID;
  head: string | null;
  refs: CID;
  packs: CID | null;
  objects: CID;
  previous: CID | null;
  counts: { commit: number; tree: number; blob: number; tag: number };
}

const INDEX_KEYS = ["head", "refs", "packs", "counts", "objects", "previous"];

export async function readIndex(gw: Gateway, cid: CID): Promise<Index> {
  const b = body(cid, await gw.block(cid), "index");
  const no = (why: string) => bad(cid, "index", why);
  if (!(b instanceof Map)) throw no("its body is not a map");
  const keys = [...b.keys()];
  if (keys.length !== INDEX_KEYS.length || !INDEX_KEYS.every((k) => b.has(k))) throw no(`its keys are ${keys.map(String).join(", ")}`);
  const head = b.get("head");
  if (head !== null && typeof head !== "string") throw no("head is not a text or null");
  if (head !== null) checkRefName(head, cid);
  const linkOrNull = (k: string, nullable: boolean): CID | null => {
    const v = b.get(k);
    if (v instanceof CID) return v;
    if (v === null && nullable) return null;
    throw no(`${k} is not a link`);
  };
  const c = b.get("counts");
  if (!(c instanceof Map) || c.size !== 4) throw no("counts is not a map of four counts");
  const count = (k: string): number => {
    const n = c.get(k);
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw no(`counts.${k} is not a count`);
    return n;
  };
  return {
    cid,
    head,
    refs: linkOrNull("refs", false)!,
    packs: linkOrNull("packs", true),
    objects: linkOrNull("objects", false)!,
    previous: linkOrNull("previous", true),
    counts: { commit: count("commit"), tree: count("tree"), blob: count("blob"), tag: count("tag") },
  };
}

export interface Ref {
  name: string;
  /** The git hash the ref names, as hex. */
  target: string;
  /** For an annotated tag: the object it peels to, as hex. */
  peeled: string | null;
}

function nibble(key: Uint8Array, depth: number): number {
  const b = key[depth >> 1];
  return depth % 2 === 0 ? b >> 4 : b & 15;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Every ref of the trie at `root`, read level by level. */
export async function readRefs(gw: Gateway, root: CID, indexCid: CID): Promise<Ref[]> {
  const out: Ref[] = [];
  const seen = new Set<string>([root.toString()]);
  let level: { path: number[]; cid: CID }[] = [{ path: [], cid: root }];
  for (let depth = 0; level.length > 0; depth++) {
    const next: { path: number[]; cid: CID }[] = [];
    const datas = await Promise.all(level.map((s) => gw.block(s.cid)));
    for (let i = 0; i < level.length; i++) {
      const { path, cid } = level[i];
      const data = datas[i];
      let kind: string;
      try {
        body(cid, data, "refs-leaf");
        kind = "refs-leaf";
      } catch (e) {
        if (!(e instanceof FormatError) || !/ block where a nip refs-leaf block/.test(e.message)) throw e;
        kind = "refs-node";
      }
      const b = body(cid, data, kind);
      if (!Array.isArray(b)) throw bad(cid, kind, "its body is not an array");
      if (kind === "refs-node") {
        if (depth >= MAX_DEPTH) throw bad(cid, kind, "a node deeper than any key");
        if (b.length !== 16) throw bad(cid, kind, `a node of ${b.length} slots, not 16`);
        b.forEach((slot, n) => {
          if (slot === null) return;
          if (!(slot instanceof CID)) throw bad(cid, kind, `slot ${n} is neither a link nor null`);
          if (seen.has(slot.toString())) throw bad(cid, kind, `shard ${slot} is linked twice`);
          seen.add(slot.toString());
          next.push({ path: [...path, n], cid: slot });
        });
        continue;
      }
      let last: Uint8Array | null = null;
      for (const e of b) {
        if (!Array.isArray(e) || (e.length !== 2 && e.length !== 3) || typeof e[0] !== "string" || !isHash(e[1]) || (e.length === 3 && !isHash(e[2]))) {
          throw bad(cid, kind, "an entry is not [name, git hash] or [name, git hash, peeled]");
        }
        checkRefName(e[0], indexCid);
      }
      // In plain code (views/sha256.ts): thousands of WebCrypto calls
      // would hold up the checks of the blocks the page waits for.
      const keys = b.map((e: [string]) => sha256Sync(new TextEncoder().encode(e[0])));
      for (const [n, e] of b.entries()) {
        const name: string = e[0];
        const key = keys[n].subarray(0, 20);
        if (last !== null && compare(last, key) >= 0) throw bad(cid, kind, "leaf entries are not sorted by key and unique");
        last = key;
        if (!path.every((n, d) => nibble(key, d) === n)) throw bad(cid, kind, "a leaf holds an entry that belongs elsewhere in the trie");
        if (out.length >= MAX_REFS) throw bad(cid, kind, `more than ${MAX_REFS} refs`);
        out.push({ name, target: hex(e[1]), peeled: e.length === 3 ? hex(e[2]) : null });
      }
    }
    level = next;
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < out.length; i++) if (out[i].name === out[i - 1].name) throw new FormatError(`index ${indexCid} lists ref ${out[i].name} twice`);
  return out;
}

/** git-check-ref-format(1), as nip applies it (docs/FORMAT.md). */
export function checkRefName(name: string, indexCid: CID): void {
  const why = refNameProblem(name);
  if (why !== null) throw new FormatError(`index ${indexCid} holds an invalid ref name (${why}); the repository cannot be shown`);
}

function refNameProblem(name: string): string | null {
  if (!name.startsWith("refs/")) return "it does not start with refs/";
  if (new TextEncoder().encode(name).length > 4096) return "it is longer than 4,096 bytes";
  if (/[\u0000-\u0020\u007f-\u009f~^:?*[\\\u202a-\u202e\u2066-\u2069]/.test(name)) return "it holds a control character, a space, a bidi override or one of ~ ^ : ? * [ \\";
  if (name.includes("..") || name.includes("@{")) return "it holds .. or @{";
  if (name.endsWith("/") || name.endsWith(".")) return "it ends with / or .";
  for (const c of name.split("/")) {
    if (c === "") return "it has an empty component";
    if (c.startsWith(".")) return "a component starts with .";
    if (c.endsWith(".lock")) return "a component ends with .lock";
  }
  return null;
}
