// The viewer's page: reads the address in the URL fragment
// (`#/ipfs/<cid>`) from a gateway (the page's own origin, or `?gateway=`)
// and shows the repository's branches (the default one first), its tags,
// and the default branch's last commit, read out of its pack.
//
// Everything shown comes from blocks checked against their CIDs
// (gateway.ts) and decoded by the format's rules (nip.ts); text from the
// repository goes into the page only as text (textContent), never as HTML.

import { CID, CIDError, hex } from "./cid";
import { Gateway } from "./gateway";
import { Index, readIndex, readRefs, Ref } from "./nip";
import { parseCommit, readObject } from "./objects";
import { ipnsToIpfs, resolvedFrom } from "./ipns";
import { focusHeading, installKeys, showHelp } from "./keys";
import { pathRoute, showTree } from "./views/tree";
import { showBlob } from "./views/file";
import { viewFor } from "./views/routes";
import { warmHead } from "./views/log";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function gatewayUrl(): string {
  const given = new URLSearchParams(location.search).get("gateway");
  const url = given ?? location.origin;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`the gateway "${url}" is not a URL (it should look like https://gateway.example or http://127.0.0.1:8080)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`the gateway "${url}" is not an http(s) URL`);
  return parsed.origin + parsed.pathname.replace(/\/+$/, "");
}

/** The CID in `#/ipfs/<cid>` (or a pasted `nip::/ipfs/<cid>`), if any. */
function addressCid(): string | null {
  const m = /^#\/ipfs\/([^/?#]+)/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

/** The object in `#/ipfs/<cid>/object/<git hash>`, if any. */
function objectOid(): string | null {
  const m = /^#\/ipfs\/[^/?#]+\/object\/([0-9a-f]{40})$/.exec(location.hash);
  return m ? m[1] : null;
}

/** One object, its SHA-1 checked: a tree's entries, or the content as text. */
async function showObject(gw: Gateway, index: Index, oid: string, mine: number): Promise<void> {
  const obj = await readObject(gw, index, oid);
  if (mine !== run) return;
  const parts: Node[] = [
    el("p", {}, el("a", { href: `#/ipfs/${index.cid}`, id: "back" }, "← branches and tags")),
    el("h2", {}, `${obj.type} `, el("code", { class: "oid" }, oid)),
    el("p", { id: "size" }, `${obj.content.length} bytes, SHA-1 checked`),
  ];
  if (obj.type === "tree") {
    const list = el("ul", { id: "entries" });
    const b = obj.content;
    for (let at = 0; at < b.length; ) {
      const sp = b.indexOf(0x20, at);
      const nul = b.indexOf(0, sp);
      if (sp < 0 || nul < 0 || nul + 21 > b.length) throw new Error(`object ${oid} is a damaged tree`);
      const mode = new TextDecoder().decode(b.subarray(at, sp));
      const name = new TextDecoder().decode(b.subarray(sp + 1, nul));
      const child = hex(b.subarray(nul + 1, nul + 21));
      const a = el("a", { href: `#/ipfs/${index.cid}/object/${child}` }, name);
      list.append(el("li", {}, el("code", { class: "mode" }, mode), " ", a, " ", el("code", { class: "oid", title: child }, child.slice(0, 12))));
      at = nul + 21;
    }
    parts.push(list);
  } else if (obj.type === "commit" || obj.type === "tag") {
    // The objects it names, as links; then the object as git prints it.
    const text = new TextDecoder().decode(obj.content);
    const head = text.slice(0, Math.max(0, text.indexOf("\n\n")));
    const links = el("ul", { id: "links" });
    for (const line of head.split("\n")) {
      const m = /^(tree|parent|object) ([0-9a-f]{40})$/.exec(line);
      if (m) links.append(el("li", {}, `${m[1]} `, el("a", { href: `#/ipfs/${index.cid}/object/${m[2]}` }, el("code", {}, m[2]))));
    }
    parts.push(links, el("pre", { id: "content" }, text));
  } else if (obj.content.includes(0)) {
    parts.push(el("p", { id: "content", class: "binary" }, `binary content, ${obj.content.length} bytes`));
  } else {
    parts.push(el("pre", { id: "content" }, new TextDecoder().decode(obj.content)));
  }
  main().replaceChildren(...parts);
  focusHeading();
  status(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
}

const main = () => document.getElementById("main")!;
const status = (text: string) => {
  document.getElementById("status")!.textContent = text;
};

function showError(message: string): void {
  main().replaceChildren(el("p", { id: "error", role: "alert" }, message));
  status("stopped: nothing unverified is shown");
}

function askAddress(): void {
  const input = el("input", { id: "address", type: "text", placeholder: "nip::/ipfs/bafyrei…", "aria-label": "repository address", size: "64" });
  const form = el("form", {}, el("label", { for: "address" }, "Repository address "), input, " ", el("button", { type: "submit" }, "Open"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = input.value.trim().replace(/^nip::/, "");
    location.hash = v.startsWith("/ipns/") ? `#${v}` : `#/ipfs/${v.replace(/^\/ipfs\//, "")}`;
  });
  main().replaceChildren(form);
  status("");
  input.focus();
}

/** Refs shown before "show all": thousands of rows would hold up the first screen. */
const FIRST_REFS = 100;

function refList(id: string, title: string, refs: Ref[], prefix: string, head: string | null): HTMLElement {
  const list = el("ul", { id, "aria-label": title });
  const base = location.hash.replace(/^(#\/ipfs\/[^/?#]+).*$/, "$1");
  const row = (r: Ref) => {
    const name = el("a", { class: "name", href: `${base}/object/${r.target}` }, r.name.slice(prefix.length));
    const item = el("li", {}, name, " ", el("code", { class: "oid", title: r.target }, r.target.slice(0, 12)));
    if (r.name === head) item.append(" ", el("span", { class: "default" }, "default"));
    if (prefix === "refs/heads/") item.append(" ", el("a", { class: "browse", href: `${location.hash.replace(/^(#\/ipfs\/[^/?#]+).*$/, "$1")}/tree/${encodeURIComponent(r.name.slice(prefix.length))}/` }, "browse files"));
    item.append(" ", el("a", { class: "log", href: `${base}/log/${r.name.slice(prefix.length).split("/").map(encodeURIComponent).join("/")}` }, "log"));
    if (r.peeled) item.append(" ", el("span", { class: "peeled", title: `points to ${r.peeled}` }, "annotated"));
    return item;
  };
  for (const r of refs.slice(0, FIRST_REFS)) list.append(row(r));
  if (refs.length === 0) list.append(el("li", { class: "none" }, "none"));
  const section = el("section", {}, el("h2", {}, `${title} (${refs.length})`), list);
  if (refs.length > FIRST_REFS) {
    const more = el("button", { type: "button", class: "more" }, `Show all ${refs.length}`);
    more.addEventListener("click", () => {
      list.append(...refs.slice(FIRST_REFS).map(row));
      more.remove();
    });
    section.append(more);
  }
  return section;
}

/** The last commit of `ref`, read from its pack, into `into`. */
async function showCommit(gw: Gateway, index: Index, ref: Ref, into: HTMLElement, mine: number): Promise<void> {
  const name = ref.name.replace(/^refs\/heads\//, "");
  into.replaceChildren(el("h2", {}, `Last commit on ${name}`), el("p", { class: "loading" }, "Reading it from its pack…"));
  try {
    const obj = await readObject(gw, index, ref.target);
    if (obj.type !== "commit") throw new Error(`${ref.name} points to a ${obj.type}, not a commit`);
    const c = parseCommit(obj);
    if (mine !== run) return;
    const [subject, ...rest] = c.message.replace(/\n+$/, "").split("\n");
    const who = /^(.*) <[^>]*> (\d+) ([+-]\d{4})$/.exec(c.author);
    const when = who ? new Date(Number(who[2]) * 1000).toISOString().replace("T", " ").replace(/\.000Z$/, " UTC") : "";
    into.replaceChildren(
      el("h2", {}, `Last commit on ${name}`),
      el("p", { class: "commit" }, el("code", { class: "oid", title: obj.oid }, obj.oid), " ", el("span", { class: "author" }, who ? who[1] : c.author), " ", el("time", {}, when)),
      el("p", { class: "subject" }, subject ?? ""),
      ...(rest.join("\n").trim() ? [el("pre", { class: "body" }, rest.join("\n").trim())] : []),
      el("p", { class: "checked" }, `SHA-1 checked; ${c.parents.length === 0 ? "no parent" : `parent ${c.parents.map((p) => p.slice(0, 12)).join(", ")}`}`),
    );
    status(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
  } catch (e) {
    if (mine !== run) return;
    into.replaceChildren(el("h2", {}, `Last commit on ${name}`), el("p", { id: "error", role: "alert" }, (e as Error).message));
  }
}

let run = 0;

async function show(): Promise<void> {
  const mine = ++run;
  if (location.hash.startsWith("#/help")) return showHelp();
  if (location.hash.startsWith("#/ipns/")) {
    main().replaceChildren(el("p", { class: "loading" }, "Checking the name's signed record…"));
    try {
      const to = await ipnsToIpfs(gatewayUrl(), location.hash);
      if (mine === run) location.replace(to);
    } catch (e) {
      if (mine === run) showError((e as Error).message);
    }
    return;
  }
  const text = addressCid();
  if (text === null) return askAddress();
  let gw: Gateway;
  let cid: CID;
  try {
    gw = new Gateway(gatewayUrl());
    cid = CID.parse(text);
  } catch (e) {
    return showError(e instanceof CIDError ? `the address is not a nip address: ${e.message}` : (e as Error).message);
  }
  document.title = `nip ${cid}`;
  const via = resolvedFrom(cid.toString());
  document.getElementById("repo")!.textContent = `nip::/ipfs/${cid}` + (via ? ` (from nip::/ipns/${via.name}, record ${via.sequence}, valid until ${via.validity.toISOString()})` : "");
  status(`reading from ${gw.shown} …`);
  main().replaceChildren(el("p", { class: "loading" }, "Reading the repository…"));
  try {
    const index = await readIndex(gw, cid);
    const oid = objectOid();
    if (oid !== null) return await showObject(gw, index, oid, mine);
    const route = pathRoute(location.hash);
    if (route !== null) return await (route.kind === "tree" ? showTree : showBlob)(gw, index, route, () => mine === run);
    const view = viewFor(location.hash);
    if (view) return await view(gw, index, () => mine === run);
    warmHead(gw, index);
    const refs = await readRefs(gw, index.refs, cid);
    if (mine !== run) return;
    const byHead = (a: Ref, b: Ref) => (a.name === index.head ? -1 : b.name === index.head ? 1 : 0);
    const branches = refs.filter((r) => r.name.startsWith("refs/heads/")).sort(byHead);
    const tags = refs.filter((r) => r.name.startsWith("refs/tags/"));
    const other = refs.filter((r) => !r.name.startsWith("refs/heads/") && !r.name.startsWith("refs/tags/"));
    const c = index.counts;
    const summary = el(
      "p",
      { id: "summary" },
      `${c.commit} commits, ${c.tree} trees, ${c.blob} blobs, ${c.tag} tags; `,
      index.previous ? `previous push: ${index.previous}` : "first push",
      " (",
      el("a", { href: `#/ipfs/${cid}/history`, id: "history-link" }, "history of pushes"),
      ")",
    );
    const parts: Node[] = [summary, refList("branches", "Branches", branches, "refs/heads/", index.head), refList("tags", "Tags", tags, "refs/tags/", null)];
    if (other.length > 0) parts.push(refList("other", "Other refs", other, "", null));
    parts.push(el("p", { class: "clone" }, "Clone: ", el("code", {}, `git clone nip::/ipfs/${cid}`)));
    const head = branches.find((r) => r.name === index.head) ?? branches[0];
    const last = el("section", { id: "head" });
    if (head) parts.splice(1, 0, last);
    main().replaceChildren(...parts);
    focusHeading(document.getElementById("branches")?.previousElementSibling);
    status(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
    if (head) await showCommit(gw, index, head, last, mine);
  } catch (e) {
    if (mine === run) showError((e as Error).message);
  }
}

installKeys();
window.addEventListener("hashchange", () => void show());
void show();
