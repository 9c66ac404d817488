// One git object by its git hash, read in the browser: the object map gives
// its record (pack and offset), the packs list the pack's CID, the pack's
// UnixFS DAG the leaves covering the entry; the entry is inflated
// (pako's zlib, see below), its deltas applied base first (OFS_DELTA in the
// same pack, REF_DELTA through the map again), at most MAX_DELTA_DEPTH
// deep and never revisiting an entry, and its SHA-1 checked against the
// hash asked for. Every block on the way is checked against its CID by
// the gateway module.
//
// Why pako and not the browser's DecompressionStream: a pack entry's zlib
// stream is followed by the next entry, and the reader has to know
// exactly where the stream ended. DecompressionStream cannot say, and
// Chromium's, given bytes after the end, errors ("Junk found after end
// of compressed data") and drops the output not yet read: a blob over
// ~128 KiB with another entry after it in the same UnixFS leaf came out
// cut short. pako's low-level zlib (a port of zlib's inflate) reports
// how many input bytes the stream used (next_in at Z_STREAM_END), lets
// the output be bounded to the header's size byte-exactly, and behaves
// the same in every browser. Only its inflate functions are used (the
// bundler still keeps pako's deflate code: its module-level tables are
// not provably unused). Cost, measured
// when this was decided: app.js 156,779 -> 228,123 bytes (+71 KB,
// unminified like the rest); a 16 MiB text blob (2.4 MB deflated, in
// 256 KiB leaves) inflates in 65-142 ms in headless Chromium against
// 33-41 ms for DecompressionStream (incompressible: 24-38 ms against
// 18-39 ms), well under what fetching its blocks takes.

import { CID, DAG_PB, RAW, eq, hex } from "./cid";
import { Gateway } from "./gateway";
import { body, FormatError, Index } from "./nip";
import { ZStream, Z_BUF_ERROR, Z_NO_FLUSH, Z_OK, Z_STREAM_END, zlibInflate, zlibInflateEnd, zlibInflateInit } from "pako";

/** git writes at most 4,095; every level is one more entry to read. */
export const MAX_DELTA_DEPTH = 4095;
/** Commits, trees and tags larger than this are refused (docs/FORMAT.md). */
export const MAX_OBJECT = 16 << 20;
/** The most bytes of inflated deltas one object's chain holds at once
 *  (each level keeps its delta while its base is read): a hostile pack of
 *  4,095 deltas of 16 MiB each stops here instead of taking the tab down. */
export const MAX_CHAIN_BYTES = 64 << 20;
const MAX_DEPTH = 40;
const PACKS_CHUNK = 64;
const TYPES = ["", "commit", "tree", "blob", "tag"];

export class ObjectError extends Error {}

export interface Record {
  oid: Uint8Array;
  type: number;
  size: number;
  pack: number;
  offset: number;
  tree?: Uint8Array;
  parents?: Uint8Array[];
  target?: Uint8Array;
}

export interface GitObject {
  oid: string;
  type: string;
  content: Uint8Array;
}

function isHash(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.length === 20;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 20; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function record(cid: CID, e: unknown): Record {
  const no = () => new FormatError(`block ${cid} is a damaged nip objects-leaf block: a record is not [oid, type, size, pack, offset, …]`);
  if (!Array.isArray(e) || e.length < 5 || !isHash(e[0]) || ![1, 2, 3, 4].includes(e[1]) || !isCount(e[2]) || !isCount(e[3]) || !isCount(e[4])) throw no();
  const r: Record = { oid: e[0], type: e[1], size: e[2], pack: e[3], offset: e[4] };
  if (r.type === 1) {
    if (e.length !== 7 || !isHash(e[5]) || !Array.isArray(e[6]) || !e[6].every(isHash)) throw no();
    r.tree = e[5];
    r.parents = e[6];
  } else if (r.type === 4) {
    if (e.length !== 6 || !isHash(e[5])) throw no();
    r.target = e[5];
  } else if (e.length !== 5) throw no();
  return r;
}

/** Looks `oid` up in the object map: one block per trie level. */
export async function lookup(gw: Gateway, root: CID, oid: Uint8Array): Promise<Record | null> {
  let cid = root;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const data = await gw.block(cid);
    let entries: unknown;
    try {
      entries = body(cid, data, "objects-leaf");
    } catch (e) {
      if (!(e instanceof FormatError) || !/ block where a nip objects-leaf block/.test(e.message)) throw e;
      const slots = body(cid, data, "objects-node");
      if (!Array.isArray(slots) || slots.length !== 16) throw new FormatError(`block ${cid} is a damaged nip objects-node block: not 16 slots`);
      if (depth >= MAX_DEPTH) throw new FormatError(`block ${cid} is a nip objects-node block deeper than any key`);
      const b = oid[depth >> 1];
      const slot = slots[depth % 2 === 0 ? b >> 4 : b & 15];
      if (slot === null) return null;
      if (!(slot instanceof CID)) throw new FormatError(`block ${cid} is a damaged nip objects-node block: a slot is neither a link nor null`);
      cid = slot;
      continue;
    }
    if (!Array.isArray(entries)) throw new FormatError(`block ${cid} is a damaged nip objects-leaf block: not an array`);
    let last: Uint8Array | null = null;
    let found: Record | null = null;
    for (const e of entries) {
      const r = record(cid, e);
      if (last !== null && compare(last, r.oid) >= 0) throw new FormatError(`block ${cid} is a damaged nip objects-leaf block: records are not sorted by oid and unique`);
      last = r.oid;
      if (eq(r.oid, oid)) found = r;
    }
    return found;
  }
  return null;
}

/** The CID of pack number `n` of the list at `root`. */
export async function packCid(gw: Gateway, root: CID, n: number): Promise<CID> {
  const list = body(root, await gw.block(root), "packs");
  if (!Array.isArray(list) || list.length !== 2 || !Array.isArray(list[0]) || !Array.isArray(list[1])) {
    throw new FormatError(`block ${root} is a damaged nip packs block: not [chunks, tail]`);
  }
  const [chunks, tail] = list as [unknown[], unknown[]];
  let entry: unknown;
  if (n < chunks.length * PACKS_CHUNK) {
    const c = chunks[Math.floor(n / PACKS_CHUNK)];
    if (!(c instanceof CID)) throw new FormatError(`block ${root} is a damaged nip packs block: a chunk is not a link`);
    const entries = body(c, await gw.block(c), "packs-chunk");
    if (!Array.isArray(entries) || entries.length !== PACKS_CHUNK) throw new FormatError(`block ${c} is a damaged nip packs-chunk block: not ${PACKS_CHUNK} packs`);
    entry = entries[n % PACKS_CHUNK];
  } else {
    entry = tail[n - chunks.length * PACKS_CHUNK];
  }
  const pack = entry instanceof Map ? entry.get("pack") : undefined;
  if (!(pack instanceof CID)) throw new FormatError(`the packs list ${root} has no pack number ${n}`);
  return pack;
}

// ---- UnixFS: the leaves of a pack file from a byte offset on ----

class Proto {
  at = 0;
  constructor(readonly b: Uint8Array, readonly cid: CID) {}
  done(): boolean {
    return this.at >= this.b.length;
  }
  varint(): number {
    let v = 0;
    for (let shift = 0; shift < 53; shift += 7) {
      if (this.at >= this.b.length) throw this.bad();
      const c = this.b[this.at++];
      v += (c & 0x7f) * 2 ** shift;
      if ((c & 0x80) === 0) return v;
    }
    throw this.bad();
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.at + n > this.b.length) throw this.bad();
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else throw this.bad();
  }
  bad(): FormatError {
    return new FormatError(`block ${this.cid} is a damaged UnixFS file node (invalid protobuf)`);
  }
}

/** A dag-pb UnixFS File node: its children and their sizes. */
function fileNode(cid: CID, data: Uint8Array): { links: CID[]; sizes: number[]; inline: Uint8Array } {
  const pb = new Proto(data, cid);
  const links: CID[] = [];
  let unixfs: Uint8Array | null = null;
  while (!pb.done()) {
    const key = pb.varint();
    if (key === (2 << 3 | 2)) {
      const l = new Proto(pb.bytes(), cid);
      let hash: Uint8Array | null = null;
      while (!l.done()) {
        const k = l.varint();
        if (k === (1 << 3 | 2)) hash = l.bytes();
        else l.skip(k & 7);
      }
      if (hash === null) throw pb.bad();
      links.push(CID.decode(hash));
    } else if (key === (1 << 3 | 2)) unixfs = pb.bytes();
    else pb.skip(key & 7);
  }
  if (unixfs === null) throw pb.bad();
  const u = new Proto(unixfs, cid);
  let type = -1;
  let inline: Uint8Array = new Uint8Array(0);
  const sizes: number[] = [];
  while (!u.done()) {
    const key = u.varint();
    if (key === (1 << 3 | 0)) type = u.varint();
    else if (key === (2 << 3 | 2)) inline = u.bytes();
    else if (key === (4 << 3 | 0)) sizes.push(u.varint());
    else if (key === (4 << 3 | 2)) {
      const packed = new Proto(u.bytes(), cid);
      while (!packed.done()) sizes.push(packed.varint());
    } else u.skip(key & 7);
  }
  if (type !== 2) throw new FormatError(`block ${cid} is not a UnixFS file node (type ${type})`);
  if (sizes.length !== links.length) throw new FormatError(`block ${cid} is a damaged UnixFS file node: ${links.length} links, ${sizes.length} sizes`);
  return { links, sizes, inline };
}

/** The file's bytes from `offset` on, one leaf at a time. */
export async function* fileFrom(gw: Gateway, root: CID, offset: number, depth = 0): AsyncGenerator<Uint8Array> {
  if (depth > 32) throw new FormatError(`the UnixFS file ${root} is deeper than any pack`);
  const data = await gw.block(root);
  if (root.codec === RAW) {
    if (offset > data.length) throw new ObjectError(`an entry starts at ${offset}, past the end of pack block ${root}`);
    yield data.subarray(offset);
    return;
  }
  if (root.codec !== DAG_PB) throw new FormatError(`block ${root} (codec 0x${root.codec.toString(16)}) is not part of a UnixFS file`);
  const node = fileNode(root, data);
  if (node.links.length === 0) {
    yield node.inline.subarray(offset);
    return;
  }
  let start = 0;
  for (let i = 0; i < node.links.length; i++) {
    const end = start + node.sizes[i];
    if (offset < end) {
      yield* fileFrom(gw, node.links[i], Math.max(0, offset - start), depth + 1);
    }
    start = end;
  }
}

/** Reads from a sequence of chunks as one stream of bytes. */
class Reader {
  private buf: Uint8Array = new Uint8Array(0);
  private at = 0;
  constructor(private chunks: AsyncGenerator<Uint8Array>, private where: string) {}
  async byte(): Promise<number> {
    while (this.at >= this.buf.length) {
      const n = await this.chunks.next();
      if (n.done) throw new ObjectError(`${this.where}: the pack ends in the middle of an entry`);
      this.buf = n.value;
      this.at = 0;
    }
    return this.buf[this.at++];
  }
  /** The rest of the current chunk, then each later chunk. */
  async *rest(): AsyncGenerator<Uint8Array> {
    if (this.at < this.buf.length) yield this.buf.subarray(this.at);
    yield* this.chunks;
  }
}

/** An entry's content, and how many input bytes its zlib stream took. */
export interface Inflated {
  content: Uint8Array;
  used: number;
}

/** Inflates the zlib stream at the start of `input` to exactly `size`
 *  bytes (more is refused as soon as one byte more comes out; less, or a
 *  stream that is damaged or cut short, is refused too), and says how
 *  many bytes of `input` the stream took: what follows is the next entry,
 *  never read as part of this one. Memory: the output (`size`, at most
 *  MAX_OBJECT) and zlib's 32 KiB window. */
export async function inflate(input: AsyncIterable<Uint8Array>, size: number, where: string): Promise<Inflated> {
  const strm = new ZStream();
  if (zlibInflateInit(strm) !== Z_OK) throw new ObjectError(`${where}: could not start inflating (${strm.msg})`);
  const out = new Uint8Array(size);
  strm.output = out;
  strm.next_out = 0;
  strm.avail_out = size;
  // Once `out` is full, one more byte of room: any output there is a byte
  // more than the header says.
  let probe = false;
  let used = 0;
  try {
    for await (const chunk of input) {
      strm.input = chunk;
      strm.next_in = 0;
      strm.avail_in = chunk.length;
      while (strm.avail_in > 0) {
        if (strm.avail_out === 0 && !probe) {
          probe = true;
          strm.output = new Uint8Array(1);
          strm.next_out = 0;
          strm.avail_out = 1;
        }
        const status = zlibInflate(strm, Z_NO_FLUSH);
        if (probe && strm.next_out > 0) throw new ObjectError(`${where}: the entry inflates to more than the ${size} bytes its header says`);
        if (status === Z_STREAM_END) {
          if (strm.total_out !== size) throw new ObjectError(`${where}: the entry inflates to ${strm.total_out} bytes, not the ${size} its header says`);
          return { content: out, used: used + strm.next_in };
        }
        // Z_BUF_ERROR with input left: no progress possible, as damaged.
        if (status !== Z_OK && (status !== Z_BUF_ERROR || strm.avail_in > 0)) {
          throw new ObjectError(`${where}: the entry's zlib stream is damaged (${strm.msg || `zlib status ${status}`})`);
        }
      }
      used += chunk.length;
    }
  } finally {
    zlibInflateEnd(strm);
  }
  throw new ObjectError(`${where}: the pack ends in the middle of the entry's zlib stream (${strm.total_out} of ${size} bytes inflated)`);
}

function applyDelta(base: Uint8Array, delta: Uint8Array, where: string): Uint8Array {
  let at = 0;
  const bad = (why: string) => new ObjectError(`${where}: invalid delta (${why})`);
  const size = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= delta.length || shift > 49) throw bad("truncated size");
      const c = delta[at++];
      v += (c & 0x7f) * 2 ** shift;
      if ((c & 0x80) === 0) return v;
    }
  };
  if (size() !== base.length) throw bad("its base is not the size it expects");
  const n = size();
  if (n > MAX_OBJECT) throw bad(`a result of ${n} bytes`);
  const out = new Uint8Array(n);
  let o = 0;
  while (at < delta.length) {
    const op = delta[at++];
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) off |= (delta[at++] ?? 0) << (8 * i);
      for (let i = 0; i < 3; i++) if (op & (0x10 << i)) len |= (delta[at++] ?? 0) << (8 * i);
      off >>>= 0;
      if (len === 0) len = 0x10000;
      if (at > delta.length || off + len > base.length || o + len > n) throw bad("a copy out of bounds");
      out.set(base.subarray(off, off + len), o);
      o += len;
    } else if (op > 0) {
      if (at + op > delta.length || o + op > n) throw bad("an insert out of bounds");
      out.set(delta.subarray(at, at + op), o);
      at += op;
      o += op;
    } else throw bad("opcode 0");
  }
  if (o !== n) throw bad("the result is shorter than it says");
  return out;
}

interface Raw {
  type: number;
  content: Uint8Array;
}

/** What one object's delta chain has gone through: the entries (no
 *  revisits, at most MAX_DELTA_DEPTH) and the delta bytes it holds. */
interface Chain {
  visited: Set<string>;
  held: number;
  max: number;
}

/** `delta`, now held while its base is read: within MAX_CHAIN_BYTES. */
function hold(chain: Chain, delta: Uint8Array, where: string): Uint8Array {
  chain.held += delta.length;
  if (chain.held > chain.max) throw new ObjectError(`${where}: a delta chain holding more than ${chain.max} bytes of deltas`);
  return delta;
}

/** The entry at `offset` of pack `pack`, deltas resolved. */
async function entry(gw: Gateway, index: Index, pack: CID, offset: number, chain: Chain): Promise<Raw> {
  const visited = chain.visited;
  const where = `pack ${pack}, entry at ${offset}`;
  const key = `${pack} ${offset}`;
  if (visited.has(key)) throw new ObjectError(`${where}: a delta chain comes back to this entry`);
  if (visited.size >= MAX_DELTA_DEPTH) throw new ObjectError(`${where}: a delta chain longer than ${MAX_DELTA_DEPTH}`);
  visited.add(key);
  const r = new Reader(fileFrom(gw, pack, offset), where);
  let c = await r.byte();
  const type = (c >> 4) & 7;
  let size = c & 15;
  for (let shift = 4; c & 0x80; shift += 7) {
    if (shift > 46) throw new ObjectError(`${where}: an entry size too large`);
    c = await r.byte();
    size += (c & 0x7f) * 2 ** shift;
  }
  if (size > MAX_OBJECT) throw new ObjectError(`${where}: an entry of ${size} bytes, more than the viewer reads (${MAX_OBJECT})`);
  if (type >= 1 && type <= 4) return { type, content: (await inflate(r.rest(), size, where)).content };
  let base: Raw;
  if (type === 6) {
    c = await r.byte();
    let back = c & 0x7f;
    while (c & 0x80) {
      c = await r.byte();
      back = (back + 1) * 128 + (c & 0x7f);
    }
    if (back <= 0 || back > offset) throw new ObjectError(`${where}: an OFS_DELTA base outside the pack`);
    const delta = hold(chain, (await inflate(r.rest(), size, where)).content, where);
    base = await entry(gw, index, pack, offset - back, chain);
    return { type: base.type, content: applyDelta(base.content, delta, where) };
  }
  if (type === 7) {
    const oid = new Uint8Array(20);
    for (let i = 0; i < 20; i++) oid[i] = await r.byte();
    const delta = hold(chain, (await inflate(r.rest(), size, where)).content, where);
    const rec = await lookup(gw, index.objects, oid);
    if (rec === null) throw new ObjectError(`${where}: its REF_DELTA base ${hex(oid)} is not in the object map`);
    base = await entry(gw, index, await packCid(gw, index.packs!, rec.pack), rec.offset, chain);
    return { type: base.type, content: applyDelta(base.content, delta, where) };
  }
  throw new ObjectError(`${where}: an entry of unknown type ${type}`);
}

/** The entry at `offset` of `pack`, deltas resolved, with at most
 *  `maxChainBytes` of deltas held (for tests; readObject is the way in). */
export async function readEntry(gw: Gateway, index: Index, pack: CID, offset: number, maxChainBytes = MAX_CHAIN_BYTES): Promise<{ type: number; content: Uint8Array }> {
  return entry(gw, index, pack, offset, { visited: new Set(), held: 0, max: maxChainBytes });
}

/** The git object `oidHex`, its SHA-1 checked. */
export async function readObject(gw: Gateway, index: Index, oidHex: string): Promise<GitObject & { record: Record }> {
  const oid = new Uint8Array(oidHex.match(/../g)!.map((h) => parseInt(h, 16)));
  const rec = await lookup(gw, index.objects, oid);
  if (rec === null) throw new ObjectError(`object ${oidHex} is not in the repository's object map ${index.objects}`);
  if (index.packs === null) throw new ObjectError(`object ${oidHex} has a record but the index ${index.cid} lists no packs`);
  const pack = await packCid(gw, index.packs, rec.pack);
  const raw = await entry(gw, index, pack, rec.offset, { visited: new Set(), held: 0, max: MAX_CHAIN_BYTES });
  const type = TYPES[raw.type];
  if (raw.type !== rec.type || raw.content.length !== rec.size) {
    throw new ObjectError(`object ${oidHex}: pack ${pack} holds a ${type} of ${raw.content.length} bytes where its record says a ${TYPES[rec.type]} of ${rec.size}`);
  }
  const head = new TextEncoder().encode(`${type} ${raw.content.length}\0`);
  const whole = new Uint8Array(head.length + raw.content.length);
  whole.set(head);
  whole.set(raw.content, head.length);
  const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", whole));
  if (!eq(sha1, oid)) throw new ObjectError(`object ${oidHex}: the bytes in pack ${pack} at ${rec.offset} hash to ${hex(sha1)}; refused`);
  return { oid: oidHex, type, content: raw.content, record: rec };
}

export interface Commit {
  tree: string;
  parents: string[];
  author: string;
  committer: string;
  message: string;
}

/** Parses a commit, and checks its record's links against it. */
export function parseCommit(obj: GitObject & { record: Record }): Commit {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(obj.content);
  const split = text.indexOf("\n\n");
  const headers = (split < 0 ? text : text.slice(0, split)).split("\n");
  const c: Commit = { tree: "", parents: [], author: "", committer: "", message: split < 0 ? "" : text.slice(split + 2) };
  for (const h of headers) {
    const sp = h.indexOf(" ");
    const [k, v] = [h.slice(0, sp), h.slice(sp + 1)];
    if (k === "tree" && c.tree === "") c.tree = v;
    else if (k === "parent") c.parents.push(v);
    else if (k === "author" && c.author === "") c.author = v;
    else if (k === "committer" && c.committer === "") c.committer = v;
  }
  const r = obj.record;
  if (r.tree && (hex(r.tree) !== c.tree || r.parents!.map(hex).join(" ") !== c.parents.join(" "))) {
    throw new ObjectError(`object ${obj.oid}: its record's tree and parents are not the ones the commit names; refused`);
  }
  return c;
}

