// The views below an address: `#/ipfs/<cid>/log/<rev>`, `/commit/<oid>`,
// `/history`, each with an optional `?query`.

import { Gateway } from "../gateway";
import { Index } from "../nip";
import { showCommitView } from "./commit";
import { showHistory } from "./history";
import { showLog } from "./log";

export type View = (gw: Gateway, index: Index, live: () => boolean) => Promise<void>;

export function viewFor(hash: string): View | null {
  const m = /^#\/ipfs\/[^/?#]+\/(log|commit|history)(?:\/([^?]*))?(?:\?(.*))?$/.exec(hash);
  if (!m) return null;
  const rest = (m[2] ?? "").split("/").map(decodeURIComponent).join("/");
  const query = new URLSearchParams(m[3] ?? "");
  if (m[1] === "log" && rest !== "") return (gw, index, live) => showLog(gw, index, rest, query, live);
  if (m[1] === "commit" && /^[0-9a-f]{40}$/.test(rest)) return (gw, index, live) => showCommitView(gw, index, rest, query, live);
  if (m[1] === "history" && rest === "") return (gw, index, live) => showHistory(gw, index, query, live);
  return null;
}
