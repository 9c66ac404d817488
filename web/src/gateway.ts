// Blocks from a trustless HTTP gateway, each checked against its CID.
//
// A block is `GET <gateway>/ipfs/<cid>?format=raw` with `Accept:
// application/vnd.ipld.raw` (the IPFS trustless gateway spec). Whatever
// comes back is hostile until its sha2-256 matches the CID: a block that
// does not is refused, and the error names the block and the gateway,
// never the bytes.

import { CID, matches } from "./cid";

/** No nip block is larger (docs/FORMAT.md). */
export const MAX_BLOCK = 1 << 20;

export class GatewayError extends Error {}

export class Gateway {
  readonly url: string;
  private cache = new Map<string, Promise<Uint8Array>>();
  /** Blocks fetched and verified, for the status line. */
  fetched = 0;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, "");
  }

  block(cid: CID): Promise<Uint8Array> {
    const key = cid.toString();
    let p = this.cache.get(key);
    if (p === undefined) {
      p = this.fetch(cid);
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  private async fetch(cid: CID): Promise<Uint8Array> {
    const url = `${this.url}/ipfs/${cid}?format=raw`;
    let resp: Response;
    try {
      resp = await fetch(url, {
        headers: { Accept: "application/vnd.ipld.raw" },
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
    } catch (e) {
      throw new GatewayError(`block ${cid}: the gateway ${this.url} could not be reached (${(e as Error).message}); check the gateway address, and that it allows this page (CORS)`);
    }
    if (!resp.ok) {
      throw new GatewayError(`block ${cid}: the gateway ${this.url} answered ${resp.status} ${resp.statusText}; it may not have the block`);
    }
    const length = Number(resp.headers.get("content-length") ?? "0");
    if (length > MAX_BLOCK) {
      throw new GatewayError(`block ${cid}: the gateway ${this.url} sent ${length} bytes, more than the ${MAX_BLOCK} of any nip block; refused`);
    }
    const data = await this.read(resp, cid);
    if (!(await matches(cid, data))) {
      throw new GatewayError(`block ${cid}: the gateway ${this.url} sent bytes that do not match this CID; refused (the gateway is broken or hostile: try another one)`);
    }
    this.fetched++;
    return data;
  }

  /** The response's body, read no further than one byte past MAX_BLOCK. */
  private async read(resp: Response, cid: CID): Promise<Uint8Array> {
    const tooLarge = () => new GatewayError(`block ${cid}: the gateway ${this.url} sent more than the ${MAX_BLOCK} bytes of any nip block; refused`);
    if (resp.body === null) return new Uint8Array(0);
    const reader = resp.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (e) {
        throw new GatewayError(`block ${cid}: the gateway ${this.url} broke off the response (${(e as Error).message})`);
      }
      if (next.done) break;
      total += next.value.length;
      if (total > MAX_BLOCK) {
        reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(next.value);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
