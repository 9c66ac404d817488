// Reading ahead in a pack: `git pack-objects --revs` (which nip's push
// runs) writes a push's commits first, in the order of git's walk, so the
// commits a log page shows next are mostly the entries that follow the
// one just read. This reads the entries after a commit's offset, one after
// the other, and keeps the commits: each is inflated to the size its
// header gives, its SHA-1 computed (so a commit found here is exactly the
// one its git hash names, as readObject would check), and the next entry
// read from the first byte after its zlib stream (inflate() says exactly
// how many bytes the stream used). Trees, blobs, tags and deltas are
// stepped over the same way. It stops at the first thing it cannot read
// (a damaged or unexpected entry ends the read-ahead, never the view: the
// walk then looks the commit up in the object map), at the first
// non-commit entry over MAX_SKIPPED bytes, and after MAX_ENTRIES entries,
// MAX_BYTES bytes of pack or MAX_INFLATED bytes inflated.

import { CID, hex } from "../cid";
import { Gateway } from "../gateway";
import { fileFrom, inflate, MAX_OBJECT } from "../objects";
import { CommitInfo, commitInfo } from "./util";

const MAX_ENTRIES = 400;
const MAX_BYTES = 2 << 20;
/** At most this many bytes inflated per read-ahead, all entries together:
 *  a pack of big, highly compressible blobs must not make a log page
 *  inflate gigabytes. */
export const MAX_INFLATED = 8 << 20;
/** The read-ahead stops at the first tree, blob, tag or delta larger than
 *  this (commits are never that large; a big blob is not worth reading
 *  to step over it). */
export const MAX_SKIPPED = 1 << 20;
const TYPES = ["", "commit", "tree", "blob", "tag"];

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
  // The bytes from `p` on: what is here, then more as the inflater asks.
  async function* from(p: number): AsyncGenerator<Uint8Array> {
    for (let at = p; ; ) {
      if (at < buf.length) {
        const b = buf;
        yield b.subarray(at);
        at = b.length;
      } else {
        await want(at + 1);
        if (at >= buf.length) return;
      }
    }
  }
  let at = 0;
  let inflated = 0;
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
      if (size > MAX_OBJECT || (type !== 1 && size > MAX_SKIPPED) || inflated + size > MAX_INFLATED) break;
      if (type === 6) {
        do if (p >= buf.length) return out;
        while (buf[p++] & 0x80);
      } else if (type === 7) p += 20;
      else if (type < 1 || type > 4) break;
      // The zlib stream, inflated to its exact end: the next entry
      // starts at the first byte it did not use. A stream cut short by
      // MAX_BYTES, or damaged, ends the read-ahead (inflate throws).
      inflated += size;
      const { content, used } = await inflate(from(p), size, "read-ahead");
      if (type === 1) {
        const head = new TextEncoder().encode(`commit ${size}\0`);
        const whole = new Uint8Array(head.length + size);
        whole.set(head);
        whole.set(content, head.length);
        const oid = hex(new Uint8Array(await crypto.subtle.digest("SHA-1", whole)));
        out.push(commitInfo({ oid, type: TYPES[type], content }, { pack: packNumber, offset: offset + at }));
      }
      at = p + used;
    }
  } catch {
    // The read-ahead ends here; the walk reads what it still needs by the
    // object map.
  } finally {
    void chunks.return(undefined);
  }
  return out;
}
