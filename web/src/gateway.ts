// Blocks from a trustless HTTP gateway, each checked against its CID.
//
// A block is `GET <gateway>/ipfs/<cid>?format=raw` with `Accept:
// application/vnd.ipld.raw` (the IPFS trustless gateway spec). Whatever
// comes back is hostile until its sha2-256 matches the CID: a block that
// does not is refused, and the error names the block and the gateway,
// never the bytes.
//
// Each block has TIMEOUT_MS (75 s) to arrive, headers and body: a gateway
// that answers and then stalls fails the view with an error naming the
// block, instead of hanging it. (A test, or a page embedding the viewer,
// may set `globalThis.nipGatewayTimeoutMs` before the viewer starts.) It is
// longer than `nipctl web serve`'s own 60 s, so that one's 504, which names
// its setting, arrives first.
// Errors name the gateway by its origin, with `/…` for a path below it:
// `nipctl web serve`'s path is its secret, and an error ends up in
// screenshots and bug reports.
// Verified blocks are kept, least recently used dropped first, up to
// MAX_CACHE bytes in all.

import { CID, matches } from "./cid";

/** No nip block is larger (docs/FORMAT.md). */
export const MAX_BLOCK = 1 << 20;

/** How long one block may take, from the request to its last byte. */
export const TIMEOUT_MS = 75_000;
/** The verified blocks kept, in bytes. */
export const MAX_CACHE = 64 << 20;

export class GatewayError extends Error {}

function defaultTimeout(): number {
  const t = (globalThis as { nipGatewayTimeoutMs?: unknown }).nipGatewayTimeoutMs;
  return typeof t === "number" && t > 0 ? t : TIMEOUT_MS;
}

function timedOut(e: unknown): boolean {
  return e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
}

export class Gateway {
  readonly url: string;
  /** The gateway as errors name it: its origin, and `/…` for a path. */
  readonly shown: string;
  readonly timeoutMs: number;
  /** Blocks being fetched, and verified ones in least recently used
   *  order (a Map keeps insertion order: a hit moves its key last). */
  private cache = new Map<string, Promise<Uint8Array>>();
  /** The sizes of the verified blocks in `cache`, and their sum. */
  private sizes = new Map<string, number>();
  private cached = 0;
  /** Blocks fetched and verified, for the status line. */
  fetched = 0;

  constructor(url: string, timeoutMs = defaultTimeout(), readonly maxCache = MAX_CACHE) {
    this.url = url.replace(/\/+$/, "");
    this.timeoutMs = timeoutMs;
    const m = /^([a-z]+:\/\/[^/]+)(\/.*)?$/i.exec(this.url);
    this.shown = m ? m[1] + (m[2] ? "/…" : "") : this.url;
  }

  /** Bytes of verified blocks kept now (at most maxCache). */
  get cachedBytes(): number {
    return this.cached;
  }

  block(cid: CID): Promise<Uint8Array> {
    const key = cid.toString();
    let p = this.cache.get(key);
    if (p !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, p);
      return p;
    }
    p = this.fetch(cid);
    this.cache.set(key, p);
    p.then(
      (data) => {
        if (this.cache.get(key) !== p || this.sizes.has(key)) return;
        this.sizes.set(key, data.length);
        this.cached += data.length;
        this.evict();
      },
      () => {
        if (this.cache.get(key) === p) this.cache.delete(key);
      },
    );
    return p;
  }

  /** Drops the least recently used verified blocks over maxCache. */
  private evict(): void {
    for (const key of this.cache.keys()) {
      if (this.cached <= this.maxCache) break;
      const n = this.sizes.get(key);
      if (n === undefined) continue; // still being fetched
      this.cache.delete(key);
      this.sizes.delete(key);
      this.cached -= n;
    }
  }

  private async fetch(cid: CID): Promise<Uint8Array> {
    const url = `${this.url}/ipfs/${cid}?format=raw`;
    const signal = AbortSignal.timeout(this.timeoutMs);
    let resp: Response;
    try {
      resp = await fetch(url, {
        headers: { Accept: "application/vnd.ipld.raw" },
        credentials: "omit",
        referrerPolicy: "no-referrer",
        signal,
      });
    } catch (e) {
      if (timedOut(e) || signal.aborted) throw this.timeout(cid);
      throw new GatewayError(`block ${cid}: the gateway ${this.shown} could not be reached (${(e as Error).message}); check the gateway address, and that it allows this page (CORS)`);
    }
    if (!resp.ok) {
      throw new GatewayError(`block ${cid}: the gateway ${this.shown} answered ${resp.status} ${resp.statusText}; it may not have the block`);
    }
    const length = Number(resp.headers.get("content-length") ?? "0");
    if (length > MAX_BLOCK) {
      throw new GatewayError(`block ${cid}: the gateway ${this.shown} sent ${length} bytes, more than the ${MAX_BLOCK} of any nip block; refused`);
    }
    const data = await this.read(resp, cid, signal);
    if (!(await matches(cid, data))) {
      throw new GatewayError(`block ${cid}: the gateway ${this.shown} sent bytes that do not match this CID; refused (the gateway is broken or hostile: try another one)`);
    }
    this.fetched++;
    return data;
  }

  /** The response's body, read no further than one byte past MAX_BLOCK. */
  private timeout(cid: CID): GatewayError {
    return new GatewayError(`block ${cid}: the gateway ${this.shown} timed out (no whole block within ${this.timeoutMs / 1000} s); try again, or another gateway`);
  }

  private async read(resp: Response, cid: CID, signal: AbortSignal): Promise<Uint8Array> {
    const tooLarge = () => new GatewayError(`block ${cid}: the gateway ${this.shown} sent more than the ${MAX_BLOCK} bytes of any nip block; refused`);
    if (resp.body === null) return new Uint8Array(0);
    const reader = resp.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (e) {
        if (timedOut(e) || signal.aborted) throw this.timeout(cid);
        throw new GatewayError(`block ${cid}: the gateway ${this.shown} broke off the response (${(e as Error).message})`);
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
