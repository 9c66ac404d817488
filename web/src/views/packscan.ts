// Reading ahead in a pack: `git pack-objects --revs` (which nip's push
// runs) writes a push's commits first, in the order of git's walk, so the
// commits a log page shows next are mostly the entries that follow the
// one just read. This reads the entries after a commit's offset, one after
// the other, and keeps the commits: each is inflated to the size its
// header gives, its SHA-1 computed (so a commit found here is exactly the
// one its git hash names, as readObject would check), and the next entry
// found after the zlib stream's Adler-32 (which follows the deflate data;
// the reader cannot otherwise tell how many bytes the stream used). Trees,
// blobs, tags and deltas are stepped over the same way. It stops at the
// first thing it cannot read (a damaged or unexpected entry ends the read-
// ahead, never the view: the walk then looks the commit up in the object
// map), after MAX_ENTRIES entries or MAX_BYTES bytes of pack.

import { CID, hex } from "../cid";
import { Gateway } from "../gateway";
import { fileFrom, inflate, MAX_OBJECT } from "../objects";
import { CommitInfo, commitInfo } from "./util";

const MAX_ENTRIES = 400;
const MAX_BYTES = 2 << 20;
const TYPES = ["", "commit", "tree", "blob", "tag"];

function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (let i = 0; i < b.length; ) {
    const end = Math.min(b.length, i + 3800);
    for (; i < end; i++) {
      a += b[i];
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}

/** The commits among the entries of `pack` from `offset` on. */
export async function scan(gw: Gateway, pack: CID, packNumber: number, offset: number, limit = MAX_ENTRIES): Promise<CommitInfo[]> {
  const out: CommitInfo[] = [];
  const chunks = fileFrom(gw, pack, offset);
  let buf = new Uint8Array(0);
  let done = false;
  // Bytes from `offset` on, at least `n` of them if the pack has them.
  const want = async (n: number) => {
    while (buf.length < n && !done && buf.length < MAX_BYTES) {
      const c = await chunks.next();
      if (c.done) {
        done = true;
        break;
      }
      const more = new Uint8Array(buf.length + c.value.length);
      more.set(buf);
      more.set(c.value, buf.length);
      buf = more;
    }
  };
  let at = 0;
  try {
    for (let n = 0; n < limit; n++) {
      await want(at + 64);
      if (at >= buf.length) break;
      let p = at;
      let c = buf[p++];
      const type = (c >> 4) & 7;
      let size = c & 15;
      for (let shift = 4; c & 0x80; shift += 7) {
        if (p >= buf.length || shift > 46) return out;
        c = buf[p++];
        size += (c & 0x7f) * 2 ** shift;
      }
      if (size > MAX_OBJECT) break;
      if (type === 6) {
        do if (p >= buf.length) return out;
        while (buf[p++] & 0x80);
      } else if (type === 7) p += 20;
      else if (type < 1 || type > 4) break;
      // The zlib stream: inflate it from what is here (growing the window
      // until it holds the whole stream), then find its end.
      let content: Uint8Array | null = null;
      for (let room = 4096; ; room *= 4) {
        await want(p + room);
        try {
          content = await inflate(
            (async function* () {
              yield buf.subarray(p);
            })(),
            size,
            "read-ahead",
          );
          break;
        } catch {
          if (done || buf.length >= MAX_BYTES || p + room > buf.length) return out;
        }
      }
      const sum = adler32(content);
      const tail = [sum >>> 24, (sum >>> 16) & 255, (sum >>> 8) & 255, sum & 255];
      let end = -1;
      for (let i = p + 2; i + 4 <= buf.length; i++) {
        if (buf[i] === tail[0] && buf[i + 1] === tail[1] && buf[i + 2] === tail[2] && buf[i + 3] === tail[3]) {
          end = i + 4;
          break;
        }
      }
      if (end < 0) break;
      if (type === 1) {
        const head = new TextEncoder().encode(`commit ${size}\0`);
        const whole = new Uint8Array(head.length + size);
        whole.set(head);
        whole.set(content, head.length);
        const oid = hex(new Uint8Array(await crypto.subtle.digest("SHA-1", whole)));
        out.push(commitInfo({ oid, type: TYPES[type], content }, { pack: packNumber, offset: offset + at }));
      }
      at = end;
    }
  } catch {
    // The read-ahead ends here; the walk reads what it still needs by the
    // object map.
  } finally {
    void chunks.return(undefined);
  }
  return out;
}
