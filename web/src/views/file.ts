// One file at a commit: `#/ipfs/<cid>/blob/<rev>/<path…>[?line=<n>]`.
//
// The blob's record (object map) gives its size first; a file larger than
// MAX_TEXT (2 MiB) is not read until the visitor asks to download it.
// Otherwise the blob is read out of its pack (objects.ts: only the pack
// leaves from its offset on, plus its delta bases) and its SHA-1 checked,
// and the view says how many blocks that took.
//
// - Text (no NUL byte, valid UTF-8): one element per line, `id="L<n>"`,
//   its number a link to `…?line=<n>`, which highlights that line and
//   scrolls to it. SVG is text here: it can carry script, so it is never
//   shown as an image.
// - PNG, JPEG, GIF and WebP (by their magic bytes, not the name) are shown
//   from a Blob URL of the checked bytes (the page's CSP allows `blob:`
//   images only).
// - Anything else: its size and a download link (a Blob URL with the
//   file's name as the download name).

import { Gateway } from "../gateway";
import { Index } from "../nip";
import { lookup, ObjectError, readObject } from "../objects";
import { focusHeading } from "../keys";
import { base, blobHref, breadcrumb, el, humanSize, PathRoute, resolveRev, setStatus, showMissing, treeHref, walk } from "./tree";

export const MAX_TEXT = 2 << 20;

let urls: string[] = [];
window.addEventListener("hashchange", () => {
  for (const u of urls) URL.revokeObjectURL(u);
  urls = [];
});

function blobUrl(bytes: Uint8Array, type: string): string {
  const u = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  urls.push(u);
  return u;
}

/** The image type of `b` by its magic bytes, or null. */
export function imageType(b: Uint8Array): string | null {
  const starts = (...s: number[]) => s.every((v, i) => b[i] === v);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return "image/webp";
  return null;
}

/** The text of `b`, or null if it is binary (a NUL, or not UTF-8). */
export function asText(b: Uint8Array): string | null {
  if (b.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    return null;
  }
}

function downloadLink(bytes: Uint8Array, name: string): HTMLElement {
  return el("a", { id: "download", href: blobUrl(bytes, "application/octet-stream"), download: name }, `Download ${name} (${bytes.length} bytes)`);
}

function lines(index: Index, route: PathRoute, text: string): HTMLElement {
  const all = text.split("\n");
  if (all.length > 1 && all[all.length - 1] === "") all.pop();
  const box = el("div", { id: "lines", class: "lines", role: "region", "aria-label": `${route.path.join("/")}, ${all.length} lines`, tabindex: "0" });
  const href = blobHref(index, route.rev, route.path);
  const frag = document.createDocumentFragment();
  all.forEach((l, i) => {
    const n = i + 1;
    const row = el("div", { class: "line", id: `L${n}` }, el("a", { class: "ln", href: `${href}?line=${n}`, tabindex: "-1", "aria-label": `line ${n}` }, String(n)), el("code", {}, l));
    if (route.line === n) {
      row.classList.add("hl");
      row.setAttribute("aria-current", "true");
    }
    frag.append(row);
  });
  box.append(frag);
  return box;
}

/** The file view. */
export async function showBlob(gw: Gateway, index: Index, route: PathRoute, alive: () => boolean): Promise<void> {
  const resolved = await resolveRev(gw, index, route.rev);
  const w = await walk(gw, index, resolved.tree, route.path);
  if (!alive()) return;
  if (!w.found) return showMissing(index, route, resolved, w);
  const e = w.entry;
  if (e.kind === "tree") {
    location.replace(treeHref(index, route.rev, route.path));
    return;
  }
  const name = route.path[route.path.length - 1];
  const head: Node[] = [
    el("h2", { id: "view-title", tabindex: "-1" }, name),
    breadcrumb(index, route.rev, route.path, true),
    el("p", { class: "at" }, el("code", {}, e.mode), " blob ", el("a", { href: `${base(index)}/object/${e.oid}` }, el("code", { class: "oid", title: e.oid }, e.oid.slice(0, 12))), resolved.commit ? ` at commit ${resolved.commit.slice(0, 12)}` : ""),
  ];
  const main = document.getElementById("main")!;
  if (e.kind === "submodule") {
    main.replaceChildren(...head, el("p", { id: "content" }, `a submodule at commit ${e.oid}: its files are in another repository`));
    focusHeading();
    return;
  }
  const oid = new Uint8Array(e.oid.match(/../g)!.map((h) => parseInt(h, 16)));
  const rec = await lookup(gw, index.objects, oid);
  if (rec === null) throw new ObjectError(`${route.path.join("/")}: its blob ${e.oid} is not in the repository's object map ${index.objects}`);
  const size = el("p", { id: "size" }, `${rec.size} bytes (${humanSize(rec.size)})`);
  if (rec.size > MAX_TEXT) {
    const button = el("button", { type: "button", id: "fetch" }, `Read and download ${name} (${humanSize(rec.size)})`);
    const out = el("p", { id: "large" }, `This file is larger than ${humanSize(MAX_TEXT)}: it is not shown, and nothing of it is read until you ask. `, button);
    button.addEventListener("click", () => {
      button.disabled = true;
      button.textContent = "Reading…";
      void readObject(gw, index, e.oid).then(
        (obj) => {
          const a = downloadLink(obj.content, name);
          button.replaceWith(a);
          a.focus();
          a.click();
          setStatus(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
        },
        (err) => button.replaceWith(el("span", { id: "error", role: "alert" }, (err as Error).message)),
      );
    });
    main.replaceChildren(...head, size, out);
    focusHeading();
    setStatus(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
    return;
  }
  // The blocks this read touches (cached or not) and those it fetched.
  const before = gw.fetched;
  const touched = new Set<string>();
  const block = gw.block;
  gw.block = (cid) => {
    touched.add(cid.toString());
    return block.call(gw, cid);
  };
  let obj;
  try {
    obj = await readObject(gw, index, e.oid);
  } finally {
    gw.block = block;
  }
  const fresh = gw.fetched - before;
  if (!alive()) return;
  if (obj.type !== "blob") throw new ObjectError(`${route.path.join("/")}: ${e.oid} is a ${obj.type}, not a blob`);
  const b = obj.content;
  const parts: Node[] = [...head, size];
  const text = asText(b);
  const img = imageType(b);
  if (e.kind === "link") {
    parts.push(el("p", { id: "content", class: "symlink" }, "symbolic link to ", el("code", {}, text ?? "(a target that is not UTF-8)")));
  } else if (img !== null) {
    parts.push(el("p", { class: "image" }, el("img", { id: "image", src: blobUrl(b, img), alt: `${name} (${img})` })), el("p", {}, downloadLink(b, name)));
  } else if (text !== null) {
    if (/\.svg$/i.test(name) || /<svg[\s>]/i.test(text.slice(0, 1024))) {
      parts.push(el("p", { class: "note" }, "SVG is shown as text, never as an image: it can carry script. ", downloadLink(b, name)));
    }
    parts.push(lines(index, route, text));
  } else {
    parts.push(el("p", { id: "content", class: "binary" }, `binary file, ${b.length} bytes: `, downloadLink(b, name)));
  }
  parts.push(el("p", { id: "file-blocks", class: "checked" }, `SHA-1 checked; read from ${touched.size} block${touched.size === 1 ? "" : "s"} (its object map path, the packs list, the pack's leaves from its offset on, and any delta bases), ${fresh} of them fetched for this view`));
  main.replaceChildren(...parts);
  if (route.line !== null) document.getElementById(`L${route.line}`)?.scrollIntoView({ block: "center" });
  focusHeading();
  setStatus(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
}
