// The commit log: `#/ipfs/<cid>/log/<branch, tag, ref or git hash>`, a
// page of commits in git log's default order, with a link to the next page.
//
// The order is exactly the one `git log <rev>` (no options) prints: a queue
// of commits sorted by committer date, newest first, starting with the
// tip; the first one is taken off and shown, and each of its parents not
// yet seen is put into the queue after every commit whose date is the same
// or later (so commits of equal date come out in the order they were
// queued, first parents first). That needs the committer date of every
// commit in the queue, so the walk reads the commits it shows and those
// waiting in the queue (their parents come from the content, checked
// against the object map's records) and nothing else.
//
// Commits are read out of the packs, a run at a time (packscan.ts), and
// each is SHA-1 checked.
//
// The next page's link carries the walk's state in the fragment:
// `?after=<queue, in order>` and `&skip=<seen>`, the shown commits a later
// commit could still name as a parent (those not older than the oldest
// queued commit: with dates that only grow from parent to child there are
// none; ties and clock skew make some), at most MAX_SKIP of them. So page k
// reads page k's commits and its queue, not the pages before it. Past
// MAX_SKIP such commits (a history with hundreds of equal dates) a commit
// may be shown twice; git itself would not.

import { Gateway } from "../gateway";
import { Index, readRefs } from "../nip";
import { ObjectError, packCid, readObject } from "../objects";
import { findRef } from "./history";
import { scan } from "./packscan";
import { CommitInfo, el, href, peel, readCommit, setStatus, subject, when } from "./util";

export const PAGE = 50;
const MAX_PAGE = 500;
const MAX_SKIP = 200;
const MAX_QUEUE = 1000;
const HEX40 = /^[0-9a-f]{40}$/;

/** Resolves a branch, tag, full ref name or git hash to a commit. */
export async function resolve(gw: Gateway, index: Index, rev: string): Promise<string> {
  let oid: string | null = HEX40.test(rev) ? rev : null;
  if (oid === null) {
    const refs = await readRefs(gw, index.refs, index.cid);
    for (const name of [`refs/heads/${rev}`, `refs/tags/${rev}`, rev]) {
      const r = refs.find((x) => x.name === name);
      if (r) {
        oid = r.peeled ?? r.target;
        break;
      }
    }
    if (oid === null) throw new ObjectError(`the repository ${index.cid} has no branch, tag or ref named "${rev}"`);
  }
  return peel(gw, index, oid);
}

/** Starts reading the default branch's last commit (its ref found by
 *  its own path in the refs trie) while the home page still reads and
 *  checks every ref: the blocks it needs are then cached or on their way
 *  when the page asks for them. Errors are left to the page's own read. */
export function warmHead(gw: Gateway, index: Index): void {
  if (index.head === null) return;
  if (index.packs !== null) gw.block(index.packs).catch(() => {});
  findRef(gw, index.refs, index.head, index.cid)
    .then((r) => (r ? readObject(gw, index, r.target) : null))
    .catch(() => {});
}

/** Reads commits: a commit looked up in the object map is read out of
 *  its pack with the entries after it (packscan.ts: git writes a push's
 *  commits in its walk's order), at most MAX_SCANS times a page, so a
 *  page of history costs a few pack blocks, not a lookup per commit. */
const MAX_SCANS = 8;

class Commits {
  private known = new Map<string, CommitInfo>();
  private scanning: Promise<void> = Promise.resolve();
  private scans = 0;
  constructor(private gw: Gateway, private index: Index, private ahead: number) {}
  async get(oid: string): Promise<CommitInfo> {
    await this.scanning;
    const k = this.known.get(oid);
    if (k) return k;
    const c = await readCommit(this.gw, this.index, oid);
    this.known.set(oid, c);
    if (c.pack !== undefined && c.offset !== undefined && this.index.packs !== null && this.scans++ < MAX_SCANS) {
      const [pack, offset, packs] = [c.pack, c.offset, this.index.packs];
      this.scanning = (async () => {
        try {
          const cid = await packCid(this.gw, packs, pack);
          for (const s of await scan(this.gw, cid, pack, offset, this.ahead)) if (!this.known.has(s.oid)) this.known.set(s.oid, s);
        } catch {
          // Reading ahead is only a shortcut.
        }
      })();
    }
    return c;
  }
}

export interface Page {
  commits: CommitInfo[];
  /** The queue where the page stops, in order; empty at the root. */
  after: string[];
  skip: string[];
}

/** One page of `git log`, from the queue `start` (the tip, or a page's
 *  `after`), not showing the commits in `skip`. */
export async function walk(gw: Gateway, index: Index, start: string[], skip: string[], size: number): Promise<Page> {
  const commits = new Commits(gw, index, size + 16);
  const queue: CommitInfo[] = [];
  const seen = new Set<string>([...start, ...skip]);
  const insert = (c: CommitInfo) => {
    let i = 0;
    while (i < queue.length && queue[i].committer.time >= c.committer.time) i++;
    queue.splice(i, 0, c);
    if (queue.length > MAX_QUEUE) throw new ObjectError(`the log walk from ${start[0]} holds more than ${MAX_QUEUE} commits at once; refused`);
  };
  for (const c of await Promise.all(start.map((o) => commits.get(o)))) insert(c);
  const shown: CommitInfo[] = [];
  while (shown.length < size && queue.length > 0) {
    const c = queue.shift()!;
    shown.push(c);
    const fresh = c.parents.filter((p) => !seen.has(p));
    for (const p of fresh) seen.add(p);
    for (const p of await Promise.all(fresh.map((o) => commits.get(o)))) insert(p);
  }
  let carry: string[] = [];
  if (queue.length > 0) {
    const oldest = Math.min(...queue.map((c) => c.committer.time));
    carry = [...skip, ...shown.filter((c) => c.committer.time >= oldest).map((c) => c.oid)];
    carry = carry.slice(Math.max(0, carry.length - MAX_SKIP));
  }
  return { commits: shown, after: queue.map((c) => c.oid), skip: carry };
}

function oids(param: string | null, what: string): string[] {
  if (param === null || param === "") return [];
  const list = param.split(",");
  if (list.length > MAX_QUEUE || !list.every((o) => HEX40.test(o))) throw new ObjectError(`the page's ${what} list is not a list of git hashes`);
  return list;
}

/** The log view; `rev` and `query` come from the fragment. */
export async function showLog(gw: Gateway, index: Index, rev: string, query: URLSearchParams, live: () => boolean): Promise<void> {
  const size = Math.min(MAX_PAGE, Math.max(1, Number(query.get("n") ?? PAGE) || PAGE));
  const after = oids(query.get("after"), "after");
  const skip = oids(query.get("skip"), "skip");
  const page = Number(query.get("page") ?? "1") || 1;
  const start = after.length > 0 ? after : [await resolve(gw, index, rev)];
  const { commits, after: next, skip: carry } = await walk(gw, index, start, skip, size);
  if (!live()) return;
  const list = el("ol", { id: "log", start: String((page - 1) * size + 1) });
  for (const c of commits) {
    const parents = el("span", { class: "parents" });
    if (c.parents.length === 0) parents.append("root commit");
    c.parents.forEach((p, i) => {
      if (i > 0) parents.append(" ");
      parents.append(el("a", { href: href(index.cid, "commit", p), class: "oid", title: p }, p.slice(0, 7)));
    });
    list.append(
      el(
        "li",
        { "data-oid": c.oid },
        el("a", { href: href(index.cid, "commit", c.oid), class: "oid hash", title: c.oid }, c.oid.slice(0, 12)),
        " ",
        el("span", { class: "subject" }, subject(c.message)),
        el("br"),
        el("span", { class: "author" }, c.author.name),
        " ",
        el("time", {}, when(c.author)),
        c.parents.length > 1 ? " merge of " : " parent ",
        parents,
      ),
    );
  }
  const nav = el("p", { class: "pages" });
  if (page > 1) nav.append(el("a", { href: href(index.cid, "log", rev), id: "first-page" }, "first page"), " ");
  if (next.length > 0) {
    const q = new URLSearchParams({ after: next.join(","), page: String(page + 1) });
    if (carry.length > 0) q.set("skip", carry.join(","));
    if (size !== PAGE) q.set("n", String(size));
    nav.append(el("a", { href: `${href(index.cid, "log", rev)}?${q.toString().replace(/%2C/g, ",")}`, id: "next-page", rel: "next" }, "next page"));
  } else nav.append(el("span", { id: "end" }, "end of history"));
  document.getElementById("main")!.replaceChildren(
    el("p", {}, el("a", { href: `#/ipfs/${index.cid}`, id: "back" }, "← branches and tags")),
    el("h2", {}, `Log of ${rev}`, page > 1 ? `, page ${page}` : ""),
    list,
    nav,
  );
  document.getElementById("back")!.focus();
  setStatus(gw, `; ${commits.length} commits read out of their packs, SHA-1 checked`);
}

