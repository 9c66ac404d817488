// The index history: `#/ipfs/<cid>/history[?from=<index cid>]`, the chain
// of `previous` links from an index back to the first push, newest first,
// PAGE indexes a page; each with what its push changed against the index
// before it: refs added, moved (old..new) and deleted, and the objects it
// added. The two refs tries are compared from their roots down, shards
// with the same CID skipped, so a push that moved one branch reads a
// path of a few shards of each, not the whole refs. Every shard is checked
// as nip.ts checks a whole trie: header and kind, 16 slots, at most 40
// levels, entries sorted by key, on the shard's path, valid ref names.

import { CID, hex } from "../cid";
import { Gateway } from "../gateway";
import { body, checkRefName, FormatError, Index, readIndex } from "../nip";
import { sha256Sync } from "./sha256";
import { el, href, setStatus } from "./util";

export const PAGE = 20;
const MAX_DEPTH = 40;
const MAX_CHANGES = 2000;

type Target = { target: string; peeled: string | null };
type Shard = { node: (CID | null)[] } | { leaf: Map<string, Target> };

function nibble(key: Uint8Array, depth: number): number {
  const b = key[depth >> 1];
  return depth % 2 === 0 ? b >> 4 : b & 15;
}

function less(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

const isHash = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.length === 20;

async function shard(gw: Gateway, cid: CID, path: number[], indexCid: CID): Promise<Shard> {
  const data = await gw.block(cid);
  let b: unknown;
  let kind = "refs-leaf";
  try {
    b = body(cid, data, kind);
  } catch (e) {
    if (!(e instanceof FormatError) || !/ block where a nip refs-leaf block/.test(e.message)) throw e;
    kind = "refs-node";
    b = body(cid, data, kind);
  }
  const bad = (why: string) => new FormatError(`block ${cid} is a damaged nip ${kind} block: ${why}`);
  if (!Array.isArray(b)) throw bad("its body is not an array");
  if (kind === "refs-node") {
    if (path.length >= MAX_DEPTH) throw bad("a node deeper than any key");
    if (b.length !== 16) throw bad(`a node of ${b.length} slots, not 16`);
    if (!b.every((s) => s === null || s instanceof CID)) throw bad("a slot is neither a link nor null");
    return { node: b as (CID | null)[] };
  }
  const leaf = new Map<string, Target>();
  let last: Uint8Array | null = null;
  for (const e of b) {
    if (!Array.isArray(e) || (e.length !== 2 && e.length !== 3) || typeof e[0] !== "string" || !isHash(e[1]) || (e.length === 3 && !isHash(e[2]))) {
      throw bad("an entry is not [name, git hash] or [name, git hash, peeled]");
    }
    checkRefName(e[0], indexCid);
  }
  const keys = b.map((e: [string]) => sha256Sync(new TextEncoder().encode(e[0])));
  for (const [n, e] of b.entries()) {
    const key = keys[n].subarray(0, 20);
    if (last !== null && !less(last, key)) throw bad("leaf entries are not sorted by key and unique");
    last = key;
    if (!path.every((n, d) => nibble(key, d) === n)) throw bad("a leaf holds an entry that belongs elsewhere in the trie");
    leaf.set(e[0], { target: hex(e[1]), peeled: e.length === 3 ? hex(e[2]) : null });
  }
  return { leaf };
}

/** Every ref under a shard. */
async function all(gw: Gateway, s: Shard, path: number[], indexCid: CID): Promise<Map<string, Target>> {
  if ("leaf" in s) return s.leaf;
  const out = new Map<string, Target>();
  const subs = await Promise.all(
    s.node.map(async (c, n) => (c === null ? new Map<string, Target>() : all(gw, await shard(gw, c, [...path, n], indexCid), [...path, n], indexCid))),
  );
  for (const m of subs) for (const [k, v] of m) out.set(k, v);
  return out;
}

/** One ref, by walking only its path in the trie. */
export async function findRef(gw: Gateway, root: CID, name: string, indexCid: CID): Promise<Target | null> {
  const key = sha256Sync(new TextEncoder().encode(name)).subarray(0, 20);
  let cid: CID | null = root;
  const path: number[] = [];
  while (cid !== null) {
    const s = await shard(gw, cid, path, indexCid);
    if ("leaf" in s) return s.leaf.get(name) ?? null;
    const n = nibble(key, path.length);
    path.push(n);
    cid = s.node[n];
  }
  return null;
}

export interface RefChange {
  name: string;
  old: string | null;
  new: string | null;
}

/** What changed from the refs trie `a` (null: none) to `b`. */
export async function diffRefs(gw: Gateway, a: CID | null, b: CID, aIndex: CID | null, bIndex: CID): Promise<RefChange[]> {
  const out: RefChange[] = [];
  const walk = async (x: CID | null, y: CID | null, path: number[]): Promise<void> => {
    if (x !== null && y !== null && x.equals(y)) return;
    const [sx, sy] = await Promise.all([x === null ? null : shard(gw, x, path, aIndex!), y === null ? null : shard(gw, y, path, bIndex)]);
    if (sx !== null && sy !== null && "node" in sx && "node" in sy) {
      await Promise.all(sx.node.map((c, n) => walk(c, sy.node[n], [...path, n])));
      return;
    }
    const [mx, my] = await Promise.all([sx === null ? new Map<string, Target>() : all(gw, sx, path, aIndex!), sy === null ? new Map<string, Target>() : all(gw, sy, path, bIndex)]);
    for (const [name, t] of my) {
      const o = mx.get(name);
      if (o === undefined) out.push({ name, old: null, new: t.target });
      else if (o.target !== t.target) out.push({ name, old: o.target, new: t.target });
    }
    for (const [name, t] of mx) if (!my.has(name)) out.push({ name, old: t.target, new: null });
    if (out.length > MAX_CHANGES) throw new FormatError(`the push of index ${bIndex} changed more than ${MAX_CHANGES} refs; the viewer stops there`);
  };
  await walk(a, b, []);
  return out.sort((p, q) => (p.name < q.name ? -1 : p.name > q.name ? 1 : 0));
}

type Step = { index: Index } | { old: CID; why: string };

/** Reads an index, or says why it is not read (an older format). */
async function step(gw: Gateway, cid: CID): Promise<Step> {
  try {
    return { index: await readIndex(gw, cid) };
  } catch (e) {
    if (e instanceof FormatError && / uses nip format version /.test(e.message)) return { old: cid, why: e.message };
    throw e;
  }
}

export async function showHistory(gw: Gateway, top: Index, query: URLSearchParams, live: () => boolean): Promise<void> {
  const fromText = query.get("from");
  const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
  const chain: Step[] = [];
  let next: Step = fromText === null ? { index: top } : await step(gw, CID.parse(fromText));
  // PAGE indexes and the one before the last (to compare it with).
  for (;;) {
    chain.push(next);
    if (!("index" in next) || next.index.previous === null || chain.length > PAGE) break;
    next = await step(gw, next.index.previous);
  }
  const shown = chain.slice(0, PAGE);
  const diffs = await Promise.all(
    shown.map(async (s, i) => {
      if (!("index" in s)) return null;
      const before = chain[i + 1];
      const prev = before !== undefined && "index" in before ? before.index : null;
      if (prev === null && s.index.previous !== null) return null; // before it: an older format
      return { prev, refs: await diffRefs(gw, prev?.refs ?? null, s.index.refs, prev?.cid ?? null, s.index.cid) };
    }),
  );
  if (!live()) return;
  const list = el("ol", { id: "history", start: String((page - 1) * PAGE + 1) });
  shown.forEach((s, i) => {
    if (!("index" in s)) {
      list.append(el("li", { class: "old", "data-cid": s.old.toString() }, el("code", { class: "oid" }, s.old.toString()), ": ", s.why));
      return;
    }
    const ix = s.index;
    const d = diffs[i];
    const li = el("li", { "data-cid": ix.cid.toString() }, el("a", { href: `#/ipfs/${ix.cid}`, class: "index" }, el("code", {}, ix.cid.toString())));
    const c = ix.counts;
    const p = d?.prev?.counts;
    const added = p ? c.commit + c.tree + c.blob + c.tag - (p.commit + p.tree + p.blob + p.tag) : null;
    li.append(
      el("br"),
      el("span", { class: "counts" }, `${c.commit} commits`, p ? ` (+${c.commit - p.commit})` : "", `, ${added ?? c.commit + c.tree + c.blob + c.tag} objects ${added !== null ? "added" : "in all"}`),
      ix.previous === null ? el("span", { class: "first" }, "; the first push") : "",
    );
    const refs = el("ul", { class: "refs" });
    if (d === null) refs.append(el("li", { class: "none" }, "changes not known: the index before it is in an older format"));
    else {
      for (const r of d.refs) {
        const target = (o: string) => el("a", { href: href(top.cid, "commit", o), class: "oid", title: o }, o.slice(0, 12));
        const item = el("li", { class: r.old === null ? "added" : r.new === null ? "deleted" : "moved", "data-ref": r.name });
        if (r.old === null) item.append("added ", el("code", { class: "ref" }, r.name), " ", target(r.new!));
        else if (r.new === null) item.append("deleted ", el("code", { class: "ref" }, r.name), " (was ", target(r.old), ")");
        else item.append("moved ", el("code", { class: "ref" }, r.name), " ", target(r.old), "..", target(r.new));
        refs.append(item);
      }
      if (d.refs.length === 0) refs.append(el("li", { class: "none" }, "no ref changed"));
    }
    li.append(refs);
    list.append(li);
  });
  const nav = el("p", { class: "pages" });
  const more = chain.length > PAGE ? chain[PAGE] : null;
  if (page > 1) nav.append(el("a", { href: href(top.cid, "history"), id: "first-page" }, "newest"), " ");
  if (more !== null) {
    const cid = "index" in more ? more.index.cid : more.old;
    nav.append(el("a", { href: `${href(top.cid, "history")}?from=${cid}&page=${page + 1}`, id: "next-page", rel: "next" }, "older pushes"));
  } else nav.append(el("span", { id: "end" }, "the first push"));
  document.getElementById("main")!.replaceChildren(
    el("p", {}, el("a", { href: `#/ipfs/${top.cid}`, id: "back" }, "← branches and tags")),
    el("h2", {}, "Pushes, newest first", page > 1 ? `, page ${page}` : ""),
    list,
    nav,
  );
  document.getElementById("back")!.focus();
  setStatus(gw);
}
