// The tree at any commit, browsable by path:
// `#/ipfs/<cid>/tree/<rev>/<path…>` (a directory) and, for file.ts,
// `#/ipfs/<cid>/blob/<rev>/<path…>` (a file).
//
// `<rev>` is one percent-encoded component: a 40-hex commit (or tree or
// tag) hash, a branch or tag name (`trunk`, `feature%2Fx`; branches are
// tried before tags, then the full ref name), or `HEAD` (the index's
// default branch). Each path component is percent-encoded on its own
// (encodeURIComponent), so a name may hold `#`, `?` or `%`; `.`, `..`
// and empty components are refused.
//
// The walk reads the commit, then one tree per path component, each out of
// its pack with its SHA-1 checked (objects.ts). A directory lists its
// subdirectories first, then its files, each in git's order; a file's size
// comes from its object map record (no blob is read for a listing).
// Everything from the repository goes into the page as text.

import { Gateway } from "../gateway";
import { Index, readRefs } from "../nip";
import { GitObject, lookup, ObjectError, readObject, Record } from "../objects";
import { hex } from "../cid";
import { focusHeading } from "../keys";

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: { [k: string]: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

export function setStatus(text: string): void {
  const s = document.getElementById("status");
  if (s) s.textContent = text;
}

export interface PathRoute {
  kind: "tree" | "blob";
  /** The revision as written in the address (decoded). */
  rev: string;
  path: string[];
  /** `?line=<n>` on a file view. */
  line: number | null;
}

export class RouteError extends Error {}

/** The tree or blob route in `hash`, null if it is neither; a RouteError if
 *  it is one but malformed. */
export function pathRoute(hash: string): PathRoute | null {
  const m = /^#\/ipfs\/[^/?#]+\/(tree|blob)\/([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(hash);
  if (!m) return null;
  const decode = (s: string): string => {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      throw new RouteError(`the address holds "${s}", which is not percent-encoded text`);
    }
    return d;
  };
  const rev = decode(m[2]);
  const path = (m[3] ?? "").split("/").filter((c) => c !== "").map(decode);
  for (const c of path) {
    if (c === "." || c === ".." || c.includes("/") || c.includes("\0")) throw new RouteError(`the path component "${c}" cannot name a file in a git tree`);
  }
  if (m[1] === "blob" && path.length === 0) throw new RouteError("a file address needs a path after the revision");
  const line = new URLSearchParams(m[4] ?? "").get("line");
  const n = line !== null && /^[1-9][0-9]{0,8}$/.test(line) ? Number(line) : null;
  return { kind: m[1] as "tree" | "blob", rev, path, line: n };
}

export const encPath = (path: string[]): string => path.map(encodeURIComponent).join("/");
export const base = (index: Index): string => `#/ipfs/${index.cid}`;
export const treeHref = (index: Index, rev: string, path: string[]): string => `${base(index)}/tree/${encodeURIComponent(rev)}/${path.length ? encPath(path) + "/" : ""}`;
export const blobHref = (index: Index, rev: string, path: string[]): string => `${base(index)}/blob/${encodeURIComponent(rev)}/${encPath(path)}`;

export interface Entry {
  mode: string;
  name: string;
  oid: string;
  kind: "tree" | "blob" | "link" | "submodule";
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

export function parseTree(obj: GitObject): Entry[] {
  const b = obj.content;
  const out: Entry[] = [];
  for (let at = 0; at < b.length; ) {
    const sp = b.indexOf(0x20, at);
    const nul = sp < 0 ? -1 : b.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > b.length) throw new ObjectError(`object ${obj.oid} is a damaged tree`);
    const mode = utf8.decode(b.subarray(at, sp));
    const name = utf8.decode(b.subarray(sp + 1, nul));
    const oid = hex(b.subarray(nul + 1, nul + 21));
    const kind = mode === "40000" ? "tree" : mode === "160000" ? "submodule" : mode === "120000" ? "link" : "blob";
    out.push({ mode, name, oid, kind });
    at = nul + 21;
  }
  return out;
}

export interface Resolved {
  /** The commit the revision names (null if it names a tree). */
  commit: string | null;
  tree: string;
}

/** The commit and root tree a revision names. */
export async function resolveRev(gw: Gateway, index: Index, rev: string): Promise<Resolved> {
  let oid: string;
  if (/^[0-9a-f]{40}$/.test(rev)) oid = rev;
  else {
    const refs = await readRefs(gw, index.refs, index.cid);
    const names = rev === "HEAD" ? (index.head ? [index.head] : []) : [`refs/heads/${rev}`, `refs/tags/${rev}`, rev];
    const ref = names.map((n) => refs.find((r) => r.name === n)).find((r) => r !== undefined);
    if (!ref) {
      const branches = refs.filter((r) => r.name.startsWith("refs/heads/")).map((r) => r.name.slice(11));
      throw new ObjectError(`there is no branch or tag "${rev}" in nip::/ipfs/${index.cid} (its branches: ${branches.join(", ") || "none"})`);
    }
    oid = ref.peeled ?? ref.target;
  }
  for (let hops = 0; hops < 8; hops++) {
    const obj = await readObject(gw, index, oid);
    if (obj.type === "tree") return { commit: null, tree: oid };
    const text = utf8.decode(obj.content);
    const head = text.slice(0, Math.max(0, text.indexOf("\n\n")));
    if (obj.type === "commit") {
      const m = /^tree ([0-9a-f]{40})$/m.exec(head);
      if (!m) throw new ObjectError(`commit ${oid} names no tree`);
      return { commit: oid, tree: m[1] };
    }
    if (obj.type === "tag") {
      const m = /^object ([0-9a-f]{40})$/m.exec(head);
      if (!m) throw new ObjectError(`tag ${oid} names no object`);
      oid = m[1];
      continue;
    }
    throw new ObjectError(`"${rev}" names a ${obj.type} (${oid}), not a commit or a tree`);
  }
  throw new ObjectError(`"${rev}" is a chain of more than 8 tags`);
}

/** What a path names, or why it names nothing. */
export type Walked = { found: true; entry: Entry; parent: Entry[] | null } | { found: false; missing: number; why: string };

/** Walks `path` down from the root tree `tree`: one tree read per component. */
export async function walk(gw: Gateway, index: Index, tree: string, path: string[]): Promise<Walked> {
  let entry: Entry = { mode: "40000", name: "", oid: tree, kind: "tree" };
  let parent: Entry[] | null = null;
  for (let i = 0; i < path.length; i++) {
    if (entry.kind !== "tree") return { found: false, missing: i, why: `${path.slice(0, i).join("/")} is a file, not a directory` };
    const entries = parseTree(await readObject(gw, index, entry.oid));
    const next = entries.find((e) => e.name === path[i]);
    if (!next) return { found: false, missing: i, why: `${i === 0 ? "the top directory" : path.slice(0, i).join("/")} has no entry "${path[i]}"` };
    parent = entries;
    entry = next;
  }
  return { found: true, entry, parent };
}

/** The path as links: the revision (the root), then each directory. */
export function breadcrumb(index: Index, rev: string, path: string[], lastIsFile: boolean): HTMLElement {
  const nav = el("nav", { "aria-label": "path", class: "crumbs", id: "crumbs" });
  const label = /^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 12) : rev;
  const parts: Node[] = [path.length === 0 ? el("span", { "aria-current": "page" }, label) : el("a", { href: treeHref(index, rev, []) }, label)];
  path.forEach((c, i) => {
    parts.push(el("span", { class: "sep", "aria-hidden": "true" }, " / "));
    const last = i === path.length - 1;
    if (last) parts.push(el("span", { "aria-current": "page" }, c));
    else parts.push(el("a", { href: treeHref(index, rev, path.slice(0, i + 1)) }, c));
  });
  void lastIsFile;
  nav.append(...parts);
  return nav;
}

/** Runs `f` on each item, at most `n` at a time. */
async function eachLimited<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

export function humanSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

/** Shows a missing path: what is missing, and a link to where it stops. */
export function showMissing(index: Index, route: PathRoute, resolved: Resolved, w: { missing: number; why: string }): void {
  const main = document.getElementById("main")!;
  const upTo = route.path.slice(0, w.missing);
  main.replaceChildren(
    el("h2", { id: "view-title", tabindex: "-1" }, `Not found: ${route.path.join("/")}`),
    breadcrumb(index, route.rev, upTo, false),
    el("p", { id: "error", class: "missing", role: "alert" }, `There is no ${route.path.join("/")} at ${route.rev}${resolved.commit ? ` (commit ${resolved.commit})` : ""}: ${w.why}.`),
    el("p", {}, el("a", { href: treeHref(index, route.rev, upTo), id: "nearest" }, `Browse ${upTo.length ? upTo.join("/") : "the top directory"} instead`)),
  );
  focusHeading();
}

/** The directory view. */
export async function showTree(gw: Gateway, index: Index, route: PathRoute, alive: () => boolean): Promise<void> {
  const resolved = await resolveRev(gw, index, route.rev);
  const w = await walk(gw, index, resolved.tree, route.path);
  if (!alive()) return;
  if (!w.found) return showMissing(index, route, resolved, w);
  if (w.entry.kind !== "tree") {
    // A file's address written as a directory: show the file instead.
    location.replace(blobHref(index, route.rev, route.path));
    return;
  }
  const entries = parseTree(await readObject(gw, index, w.entry.oid));
  const sorted = [...entries.filter((e) => e.kind === "tree"), ...entries.filter((e) => e.kind !== "tree")];
  const sizes = new Map<string, Record | null>();
  const blobs = sorted.filter((e) => e.kind === "blob" || e.kind === "link");
  await eachLimited(blobs, 8, async (e) => {
    const oid = new Uint8Array(e.oid.match(/../g)!.map((h) => parseInt(h, 16)));
    sizes.set(e.oid, await lookup(gw, index.objects, oid));
  });
  if (!alive()) return;
  const title = route.path.length ? route.path.join("/") : "Files";
  const body = el("tbody");
  if (route.path.length > 0) {
    body.append(el("tr", { class: "up" }, el("td", { class: "mode" }), el("td", { class: "name" }, el("a", { href: treeHref(index, route.rev, route.path.slice(0, -1)), id: "up" }, "..")), el("td", { class: "size" })));
  }
  for (const e of sorted) {
    const p = [...route.path, e.name];
    let name: Node;
    let size = "";
    if (e.kind === "tree") name = el("a", { href: treeHref(index, route.rev, p), class: "dir" }, `${e.name}/`);
    else if (e.kind === "submodule") name = el("span", { class: "submodule", title: `submodule at commit ${e.oid}` }, `${e.name} @ ${e.oid.slice(0, 12)}`);
    else {
      name = el("a", { href: blobHref(index, route.rev, p), class: e.kind === "link" ? "link" : "file" }, e.name);
      const r = sizes.get(e.oid);
      size = r ? humanSize(r.size) : "?";
      if (r) (name as HTMLElement).dataset.size = String(r.size);
    }
    body.append(el("tr", { "data-oid": e.oid, "data-mode": e.mode }, el("td", { class: "mode" }, el("code", {}, e.mode.padStart(6, "0"))), el("td", { class: "name" }, name), el("td", { class: "size" }, size)));
  }
  if (sorted.length === 0) body.append(el("tr", {}, el("td", { colspan: "3", class: "none" }, "empty directory")));
  const commitLine = resolved.commit
    ? el("p", { class: "at" }, "at commit ", el("a", { href: `${base(index)}/object/${resolved.commit}` }, el("code", { class: "oid", title: resolved.commit }, resolved.commit.slice(0, 12))))
    : el("p", { class: "at" }, "tree ", el("code", { class: "oid" }, resolved.tree));
  const table = el("table", { id: "tree", class: "tree" }, el("caption", { class: "visually-hidden" }, `${title}: directories, then files`), el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Mode"), el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "Size"))), body);
  document.getElementById("main")!.replaceChildren(el("h2", { id: "view-title", tabindex: "-1" }, title), breadcrumb(index, route.rev, route.path, false), commitLine, table);
  focusHeading();
  setStatus(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
}
