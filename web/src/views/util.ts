// Small helpers the log, commit and history views share: building
// elements (text only, never HTML), links inside the current address,
// reading and parsing commits with their records, and people and dates
// as git prints them.

import { CID, hex } from "../cid";
import { Gateway } from "../gateway";
import { Index } from "../nip";
import { GitObject, ObjectError, parseCommit, readObject, Record as ObjRecord } from "../objects";

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

/** `#/ipfs/<cid>/<rest>`, the rest's path segments URL-encoded. */
export function href(cid: CID | string, ...segments: string[]): string {
  return `#/ipfs/${cid}${segments.map((s) => "/" + s.split("/").map(encodeURIComponent).join("/")).join("")}`;
}

export function setStatus(gw: Gateway, extra = ""): void {
  document.getElementById("status")!.textContent = `${gw.fetched} blocks from ${gw.shown}, each checked against its CID${extra}`;
}

export interface Person {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
  tz: string;
}

export function person(line: string): Person {
  const m = /^(.*?) ?<([^>]*)> (-?\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: "", time: 0, tz: "+0000" };
  return { name: m[1], email: m[2], time: Number(m[3]), tz: m[4] };
}

/** A date as UTC, `2026-11-26 12:00:00 UTC`. */
export function when(p: Person): string {
  if (!Number.isFinite(p.time) || Math.abs(p.time) > 8.64e12) return "";
  return new Date(p.time * 1000).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
}

export interface CommitInfo {
  oid: string;
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  message: string;
  /** Where it is: pack number and offset (from its record), if known. */
  pack?: number;
  offset?: number;
}

const HEX40 = /^[0-9a-f]{40}$/;

/** Reads commit `oid` (SHA-1 checked, record checked against it). */
export async function readCommit(gw: Gateway, index: Index, oid: string): Promise<CommitInfo> {
  if (!HEX40.test(oid)) throw new ObjectError(`"${oid}" is not a git hash`);
  const obj = await readObject(gw, index, oid);
  if (obj.type !== "commit") throw new ObjectError(`object ${oid} is a ${obj.type}, not a commit`);
  const c = parseCommit(obj);
  if (!HEX40.test(c.tree) || !c.parents.every((p) => HEX40.test(p))) throw new ObjectError(`object ${oid} is a damaged commit (its tree or parents are not git hashes)`);
  return { oid, tree: c.tree, parents: c.parents, author: person(c.author), committer: person(c.committer), message: c.message, pack: obj.record.pack, offset: obj.record.offset };
}

/** A commit's content whose SHA-1 is `oid` (checked by the caller). */
export function commitInfo(obj: GitObject, where: { pack: number; offset: number }): CommitInfo {
  const record: ObjRecord = { oid: new Uint8Array(20), type: 1, size: obj.content.length, pack: where.pack, offset: where.offset };
  const c = parseCommit({ ...obj, record });
  if (!HEX40.test(c.tree) || !c.parents.every((p) => HEX40.test(p))) throw new ObjectError(`object ${obj.oid} is a damaged commit (its tree or parents are not git hashes)`);
  return { oid: obj.oid, tree: c.tree, parents: c.parents, author: person(c.author), committer: person(c.committer), message: c.message, ...where };
}

/** Follows annotated tags (at most 16) to the object they name. */
export async function peel(gw: Gateway, index: Index, oid: string): Promise<string> {
  for (let i = 0; i < 16; i++) {
    const obj = await readObject(gw, index, oid);
    if (obj.type !== "tag") return oid;
    const m = /^object ([0-9a-f]{40})$/m.exec(new TextDecoder().decode(obj.content.subarray(0, 200)));
    if (!m) throw new ObjectError(`object ${oid} is a damaged tag (no object line)`);
    oid = m[1];
  }
  throw new ObjectError(`tag ${oid}: more than 16 tags in a row`);
}

export function subject(message: string): string {
  return message.replace(/^\n+/, "").split("\n")[0] ?? "";
}

export { hex };
