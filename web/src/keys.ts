// Keyboard use: shortcuts, the skip link, focus on navigation, and the
// `#/help` view that lists the shortcuts.
//
// Shortcuts (single keys, no modifier; never while typing in a field):
//   h  the repository's home (branches and tags)
//   t  the files of the commit being viewed (else of the default branch)
//   l  the log of the branch or commit being viewed (`…/log/<rev>`)
//   u  up one directory (from a file: its directory)
//   ?  this help
// Going back is the browser's own (Alt+Left); every view is a link away
// from the others, so Tab and Enter reach everything.
//
// On navigation (a fragment change, not the first load) focus moves to
// the new view's heading, so a screen reader announces it and Tab starts
// from there.

let navigated = false;
let previous = "";

/** Focuses `h` (or the view's first heading) if the visitor navigated. */
export function focusHeading(h?: Element | null): void {
  if (!navigated) return;
  const target = (h ?? document.querySelector("main h2")) as HTMLElement | null;
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
}

/** The repository part of the address, `#/ipfs/<cid>`, if any. */
function repo(hash: string): string | null {
  return /^#\/ipfs\/[^/?#]+/.exec(hash)?.[0] ?? null;
}

/** Where a shortcut leads from `hash`, or null. */
export function shortcut(key: string, hash: string): string | null {
  if (key === "?") return "#/help";
  const r = repo(hash);
  if (r === null) return null;
  const rest = hash.slice(r.length);
  const rev = /^\/(?:tree|blob|log|commit)\/([^/?#]+)/.exec(rest)?.[1] ?? /^\/object\/([0-9a-f]{40})$/.exec(rest)?.[1] ?? null;
  switch (key) {
    case "h":
      return r;
    case "t":
      return `${r}/tree/${rev ?? "HEAD"}/`;
    case "l":
      return `${r}/log/${rev ?? "HEAD"}`;
    case "u": {
      const m = /^\/(tree|blob)\/([^/?#]+)((?:\/[^/?#]+)*)\/?(?:\?.*)?$/.exec(rest);
      if (!m) return null;
      const parts = m[3].split("/").filter((c) => c !== "");
      if (parts.length === 0) return null;
      parts.pop();
      return `${r}/tree/${m[2]}/${parts.length ? parts.join("/") + "/" : ""}`;
    }
  }
  return null;
}

function typing(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT";
}

export function installKeys(): void {
  window.addEventListener("hashchange", (ev) => {
    navigated = true;
    const old = new URL(ev.oldURL).hash;
    if (!old.startsWith("#/help")) previous = old;
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    const to = shortcut(ev.key, location.hash);
    if (to === null) return;
    ev.preventDefault();
    if (to !== location.hash) location.hash = to;
  });
  // The skip link moves focus to the view's heading (a plain `#main` link
  // would change the fragment, which is the viewer's address).
  document.getElementById("skip")?.addEventListener("click", (ev) => {
    ev.preventDefault();
    const h = document.querySelector("main h2, main h1, main input") as HTMLElement | null;
    const target = h ?? document.getElementById("main")!;
    if (!target.hasAttribute("tabindex") && target.tagName !== "INPUT") target.setAttribute("tabindex", "-1");
    target.focus();
  });
}

/** The `#/help` view. */
export function showHelp(): void {
  const main = document.getElementById("main")!;
  const dl = document.createElement("dl");
  dl.id = "shortcuts";
  const rows: [string, string][] = [
    ["h", "the repository's home: branches and tags"],
    ["t", "the files of the commit you are viewing (or of the default branch)"],
    ["l", "the log of the branch or commit you are viewing"],
    ["u", "up one directory"],
    ["?", "this help"],
    ["Tab, Shift+Tab", "move between links; Enter follows one"],
    ["Alt+Left", "back (the browser's own)"],
  ];
  for (const [k, what] of rows) {
    const dt = document.createElement("dt");
    const kbd = document.createElement("kbd");
    kbd.textContent = k;
    dt.append(kbd);
    const dd = document.createElement("dd");
    dd.textContent = what;
    dl.append(dt, dd);
  }
  const h = document.createElement("h2");
  h.id = "view-title";
  h.tabIndex = -1;
  h.textContent = "Keyboard shortcuts";
  const p = document.createElement("p");
  p.textContent = "Shortcuts are single keys without Ctrl, Alt or Meta, and do nothing while you type in a field. ";
  const back = document.createElement("a");
  back.id = "back";
  back.href = previous || "#";
  back.textContent = previous ? "← back to where you were" : "← open a repository";
  const lines = document.createElement("p");
  lines.textContent = "In a file, each line number is a link (…?line=12) that highlights that line.";
  main.replaceChildren(h, p, dl, lines, back);
  document.getElementById("status")!.textContent = "";
  focusHeading(h);
}
