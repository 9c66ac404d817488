// One commit: `#/ipfs/<cid>/commit/<git hash>[?parent=N]`: its author,
// committer, dates, message, parents and tree, and what it changed against
// its first parent (or parent N of a merge; every file for a root commit),
// as `git diff-tree -r` finds it: both trees walked together in git's
// order, subtrees with equal hashes skipped, no rename detection. Each
// changed text file gets a unified diff (diff.ts); binary files (a NUL in
// the first 8,000 bytes, git's test) and files over MAX_DIFF_FILE bytes
// only their sizes. Bounded: MAX_CHANGES changed paths, MAX_TREES trees
// read, trees at most MAX_DEPTH deep, diffs for the first MAX_DIFFS files.

import { hex } from "../cid";
import { Gateway } from "../gateway";
import { Index } from "../nip";
import { lookup, ObjectError, readObject } from "../objects";
import { Hunk, lines, unified } from "../diff";
import { el, href, readCommit, setStatus, when, CommitInfo, Person } from "./util";

export const MAX_DIFF_FILE = 256 * 1024;
const MAX_CHANGES = 3000;
const MAX_TREES = 3000;
const MAX_DEPTH = 64;
const MAX_DIFFS = 100;

interface Entry {
  mode: string;
  name: string;
  oid: string;
}

export interface Change {
  status: "A" | "D" | "M" | "T";
  path: string;
  oldMode: string | null;
  newMode: string | null;
  oldOid: string | null;
  newOid: string | null;
}

const isTree = (mode: string) => mode === "40000";
const kind = (mode: string) => (mode === "120000" ? "link" : mode === "160000" ? "gitlink" : "file");

function parseTree(oid: string, b: Uint8Array): Entry[] {
  const out: Entry[] = [];
  const dec = new TextDecoder();
  for (let at = 0; at < b.length; ) {
    const sp = b.indexOf(0x20, at);
    const nul = sp < 0 ? -1 : b.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > b.length) throw new ObjectError(`object ${oid} is a damaged tree`);
    const mode = dec.decode(b.subarray(at, sp));
    if (!/^[0-7]{5,6}$/.test(mode)) throw new ObjectError(`object ${oid} is a damaged tree (mode ${JSON.stringify(mode)})`);
    out.push({ mode, name: dec.decode(b.subarray(sp + 1, nul)), oid: hex(b.subarray(nul + 1, nul + 21)) });
    at = nul + 21;
  }
  return out;
}

/** git's order of tree entries: a tree's name as if it ended with "/". */
function key(e: Entry): string {
  return isTree(e.mode) ? e.name + "/" : e.name;
}

class TreeDiff {
  trees = 0;
  truncated = false;
  constructor(private gw: Gateway, private index: Index) {}

  async tree(oid: string | null): Promise<Entry[]> {
    if (oid === null) return [];
    if (++this.trees > MAX_TREES) throw new ObjectError(`the commit's trees hold more than ${MAX_TREES} subtrees to compare; the viewer stops there`);
    const obj = await readObject(this.gw, this.index, oid);
    if (obj.type !== "tree") throw new ObjectError(`object ${oid} is a ${obj.type} where a tree was expected`);
    return parseTree(oid, obj.content);
  }

  /** The changes between trees a and b (either may be null), in order. */
  async diff(a: string | null, b: string | null, prefix: string, depth: number): Promise<Change[]> {
    if (a === b) return [];
    if (depth > MAX_DEPTH) throw new ObjectError(`tree ${b ?? a} is nested deeper than ${MAX_DEPTH} levels; the viewer stops there`);
    const [ea, eb] = await Promise.all([this.tree(a), this.tree(b)]);
    const byKey = (x: Entry, y: Entry) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0);
    const parts: (Change[] | Promise<Change[]>)[] = [];
    let i = 0;
    let j = 0;
    while (i < ea.length || j < eb.length) {
      const x = ea[i];
      const y = eb[j];
      const c = x === undefined ? 1 : y === undefined ? -1 : byKey(x, y);
      const old = c <= 0 ? x : null;
      const neu = c >= 0 ? y : null;
      if (c <= 0) i++;
      if (c >= 0) j++;
      const path = prefix + (old ?? neu)!.name;
      if ((old && isTree(old.mode)) || (neu && isTree(neu.mode))) {
        parts.push(this.diff(old?.oid ?? null, neu?.oid ?? null, path + "/", depth + 1));
        continue;
      }
      if (old && neu && old.oid === neu.oid && old.mode === neu.mode) continue;
      const status = !old ? "A" : !neu ? "D" : kind(old.mode) !== kind(neu.mode) ? "T" : "M";
      parts.push([{ status, path, oldMode: old?.mode ?? null, newMode: neu?.mode ?? null, oldOid: old?.oid ?? null, newOid: neu?.oid ?? null }]);
    }
    const out: Change[] = [];
    for (const p of await Promise.all(parts)) {
      for (const ch of p) {
        if (out.length >= MAX_CHANGES) {
          this.truncated = true;
          break;
        }
        out.push(ch);
      }
    }
    return out;
  }
}

/** The changes between two commits' trees (`from` null: a root commit). */
export async function changes(gw: Gateway, index: Index, from: string | null, to: string): Promise<{ list: Change[]; truncated: boolean }> {
  const t = new TreeDiff(gw, index);
  const list = await t.diff(from, to, "", 0);
  return { list, truncated: t.truncated || list.length >= MAX_CHANGES };
}

const bytes = (h: string) => new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)));

async function blobSize(gw: Gateway, index: Index, oid: string): Promise<number> {
  const r = await lookup(gw, index.objects, bytes(oid));
  if (r === null) throw new ObjectError(`object ${oid} is not in the repository's object map ${index.objects}`);
  return r.size;
}

type Content = { text: string[] } | { binary: true; size: number } | { large: true; size: number };

async function content(gw: Gateway, index: Index, oid: string | null, mode: string | null): Promise<Content | null> {
  if (oid === null || mode === null) return { text: [] };
  if (kind(mode) === "gitlink") return null;
  const size = await blobSize(gw, index, oid);
  if (size > MAX_DIFF_FILE) return { large: true, size };
  const obj = await readObject(gw, index, oid);
  if (obj.type !== "blob") throw new ObjectError(`object ${oid} is a ${obj.type} where a file was expected`);
  if (obj.content.subarray(0, 8000).includes(0)) return { binary: true, size };
  return { text: lines(new TextDecoder().decode(obj.content)) };
}

function hunkList(hunks: Hunk[]): HTMLElement {
  const pre = el("pre", { class: "diff" });
  for (const h of hunks) {
    pre.append(el("span", { class: "hunk" }, `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`), "\n");
    for (const l of h.lines) {
      const cls = l.op === "+" ? "add" : l.op === "-" ? "del" : "ctx";
      pre.append(el("span", { class: cls }, l.op + l.text), "\n");
      if (l.noEol) pre.append(el("span", { class: "noeol" }, "\\ No newline at end of file"), "\n");
    }
  }
  return pre;
}

async function fileDiff(gw: Gateway, index: Index, ch: Change): Promise<HTMLElement> {
  const [a, b] = await Promise.all([content(gw, index, ch.oldOid, ch.oldMode), content(gw, index, ch.newOid, ch.newMode)]);
  if (a === null || b === null) return el("p", { class: "nodiff" }, "submodule commit changed");
  if (!("text" in a) || !("text" in b)) {
    const what = ("binary" in a && a.binary) || ("binary" in b && b.binary) ? "binary file changed" : "large file changed";
    const sa = ch.oldOid === null ? 0 : "size" in a ? a.size : await blobSize(gw, index, ch.oldOid);
    const sb = ch.newOid === null ? 0 : "size" in b ? b.size : await blobSize(gw, index, ch.newOid);
    return el("p", { class: "nodiff" }, `${what}, ${sa} -> ${sb} bytes`);
  }
  const hunks = unified(a.text, b.text);
  if (hunks === null) return el("p", { class: "nodiff" }, "the files differ in too many lines for the viewer to compute a diff");
  return hunkList(hunks);
}

function who(label: string, p: Person): HTMLElement {
  return el("p", { class: label }, `${label[0].toUpperCase()}${label.slice(1)}: `, el("span", { class: "name" }, p.name), ` <${p.email}> `, el("time", {}, `${when(p)} (${p.tz})`));
}

const STATUS = { A: "added", D: "deleted", M: "modified", T: "type changed" };

export async function showCommitView(gw: Gateway, index: Index, oid: string, query: URLSearchParams, live: () => boolean): Promise<void> {
  const c: CommitInfo = await readCommit(gw, index, oid);
  const n = Number(query.get("parent") ?? "1");
  if (c.parents.length > 0 && (!Number.isInteger(n) || n < 1 || n > c.parents.length)) throw new ObjectError(`commit ${oid} has no parent number ${query.get("parent")}`);
  const base = c.parents.length === 0 ? null : c.parents[n - 1];
  const baseTree = base === null ? null : (await readCommit(gw, index, base)).tree;
  const { list, truncated } = await changes(gw, index, baseTree, c.tree);
  const diffs = await Promise.all(list.slice(0, MAX_DIFFS).map((ch) => fileDiff(gw, index, ch)));
  if (!live()) return;

  const parents = el("ul", { id: "parents" });
  c.parents.forEach((p, i) => {
    const li = el("li", {}, `parent ${i + 1} `, el("a", { href: href(index.cid, "commit", p), class: "oid" }, p));
    if (c.parents.length > 1 && i + 1 !== n) li.append(" ", el("a", { href: `${href(index.cid, "commit", oid)}?parent=${i + 1}`, class: "against" }, "changes against this one"));
    parents.append(li);
  });
  const against =
    base === null ? "Root commit: every file is added" : c.parents.length > 1 ? `Changes against parent ${n} of ${c.parents.length}, ${base.slice(0, 12)}` : `Changes against the parent ${base.slice(0, 12)}`;
  const files = el("ul", { id: "files" });
  const bodies: Node[] = [];
  list.forEach((ch, i) => {
    const modes = ch.oldMode && ch.newMode && ch.oldMode !== ch.newMode ? ` (mode ${ch.oldMode} -> ${ch.newMode})` : ch.status === "A" ? ` (mode ${ch.newMode})` : "";
    files.append(
      el("li", { "data-status": ch.status }, el("span", { class: "status", title: STATUS[ch.status] }, ch.status), " ", el("a", { href: `#file-${i}`, class: "path" }, ch.path), el("span", { class: "modes" }, modes)),
    );
    const sect = el("section", { class: "file", id: `file-${i}`, "data-path": ch.path }, el("h3", {}, `${STATUS[ch.status]}: `, el("code", {}, ch.path), modes));
    sect.append(i < diffs.length ? diffs[i] : el("p", { class: "nodiff" }, `diff not shown (only the first ${MAX_DIFFS} files get one)`));
    bodies.push(sect);
  });
  if (list.length === 0) files.append(el("li", { class: "none" }, "no files changed"));
  const [subj, ...rest] = c.message.replace(/\n+$/, "").split("\n");
  document.getElementById("main")!.replaceChildren(
    el("p", {}, el("a", { href: `#/ipfs/${index.cid}`, id: "back" }, "← branches and tags")),
    el("h2", {}, "commit ", el("code", { class: "oid", id: "commit-oid" }, oid)),
    el("p", { class: "subject", id: "subject" }, subj ?? ""),
    el("pre", { class: "message", id: "message" }, [subj, ...rest].join("\n")),
    who("author", c.author),
    who("committer", c.committer),
    el("p", { id: "tree" }, "tree ", el("a", { href: href(index.cid, "object", c.tree), class: "oid" }, c.tree)),
    parents,
    el("h2", { id: "against" }, against, ` (${list.length}${truncated ? "+" : ""} files)`),
    files,
    ...(truncated ? [el("p", { class: "nodiff" }, "more files changed than the viewer lists")] : []),
    ...bodies,
  );
  document.getElementById("back")!.focus();
  setStatus(gw, "; every object SHA-1 checked");
}

