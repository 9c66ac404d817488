// `/ipns/<name>` addresses, checked in the browser (the IPNS record spec,
// specs.ipfs.tech/ipns/ipns-record): the signed record is fetched from the
// trustless gateway (`GET /ipns/<name>?format=ipns-record`), and only a
// record that verifies names the CID the viewer then reads:
//
// - the name is a CIDv1 with codec libp2p-key (`k51…` base36 or `b…`
//   base32) or a `12D3Koo…` peer ID, whose multihash is the identity of an
//   Ed25519 public key (other key types cannot be checked here);
// - the record is at most 10 KiB, has `signatureV2` and `data`; `data` is
//   DAG-CBOR with Value, Validity, ValidityType, Sequence and TTL; the V1
//   fields, where present, equal them; `pubKey`, where present, is the
//   name's key;
// - signatureV2 is a valid Ed25519 signature (WebCrypto) by the name's key
//   over "ipns-signature:" followed by `data`;
// - ValidityType is 0 (EOL) and the Validity time has not passed;
// - Value is `/ipfs/<CIDv1 in base32>`.
//
// Anything else is an error that names the name; nothing is read.

import { decode } from "cborg";
import { CID } from "./cid";

export const MAX_RECORD = 10 << 10;

export class IpnsError extends Error {}

export interface Resolution {
  name: string;
  cid: CID;
  sequence: bigint;
  validity: Date;
}

const resolved = new Map<string, Resolution>();

/** How a CID was reached, if through a name this page verified. */
export function resolvedFrom(cid: string): Resolution | null {
  return resolved.get(cid) ?? null;
}

const B36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const B32 = "abcdefghijklmnopqrstuvwxyz234567";

function baseDecode(s: string, alphabet: string): Uint8Array | null {
  let n = 0n;
  const radix = BigInt(alphabet.length);
  let zeros = 0;
  while (zeros < s.length && s[zeros] === alphabet[0]) zeros++;
  for (const ch of s) {
    const d = alphabet.indexOf(ch);
    if (d < 0) return null;
    n = n * radix + BigInt(d);
  }
  const out: number[] = [];
  while (n > 0n) {
    out.push(Number(n & 0xffn));
    n >>= 8n;
  }
  return new Uint8Array([...new Array(zeros).fill(0), ...out.reverse()]);
}

function base32Decode(s: string): Uint8Array | null {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of s) {
    const d = B32.indexOf(ch);
    if (d < 0) return null;
    value = ((value << 5) | d) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return new Uint8Array(out);
}

/** The Ed25519 public key (32 bytes) and its protobuf form a name holds. */
export function nameKey(name: string): { raw: Uint8Array; proto: Uint8Array } {
  const no = (why: string) => new IpnsError(`the IPNS name ${name} cannot be checked: ${why}`);
  let mh: Uint8Array | null = null;
  if (/^12D3Koo[1-9A-HJ-NP-Za-km-z]+$/.test(name)) mh = baseDecode(name, B58);
  else if (/^k[0-9a-z]+$/.test(name) || /^b[a-z2-7]+$/.test(name)) {
    const bytes = name[0] === "k" ? baseDecode(name.slice(1), B36) : base32Decode(name.slice(1));
    if (bytes === null) throw no("it is not valid base36/base32");
    if (bytes[0] !== 0x01) throw no("it is not a version 1 CID");
    if (bytes[1] !== 0x72) throw no(`it is a CID of codec 0x${bytes[1].toString(16)}, not libp2p-key (0x72)`);
    mh = bytes.subarray(2);
  } else if (name.includes(".")) {
    throw no("it looks like a DNSLink domain, which a browser cannot verify; open the /ipns/k51… key its _dnslink TXT record names");
  } else throw no("it is not a k51… key, a 12D3Koo… peer ID or a libp2p-key CID");
  if (mh === null) throw no("it is not valid base58");
  // identity multihash (0x00), 36 bytes: PublicKey { Type: Ed25519 (1), Data: 32 bytes }
  if (mh.length !== 38 || mh[0] !== 0x00 || mh[1] !== 36 || mh[2] !== 0x08 || mh[3] !== 0x01 || mh[4] !== 0x12 || mh[5] !== 0x20) {
    throw no("it is not an Ed25519 key inlined in the name (RSA and other keys cannot be checked in the browser)");
  }
  return { raw: mh.slice(6), proto: mh.slice(2) };
}

interface Entry {
  value?: Uint8Array;
  signatureV1?: Uint8Array;
  validityType?: number;
  validity?: Uint8Array;
  sequence?: bigint;
  ttl?: bigint;
  pubKey?: Uint8Array;
  signatureV2?: Uint8Array;
  data?: Uint8Array;
}

/** Parses an IpnsEntry protobuf. */
function parseEntry(b: Uint8Array, bad: (why: string) => IpnsError): Entry {
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= b.length) throw bad("the record ends in the middle of a number");
      const c = b[at++];
      v |= BigInt(c & 0x7f) << shift;
      if ((c & 0x80) === 0) return v;
    }
    throw bad("the record holds a number too long");
  };
  const bytes = (): Uint8Array => {
    const n = Number(varint());
    if (at + n > b.length) throw bad("a field runs past the record's end");
    const out = b.slice(at, at + n);
    at += n;
    return out;
  };
  const e: Entry = {};
  const seen = new Set<number>();
  while (at < b.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (seen.has(field) && field >= 1 && field <= 9) throw bad(`field ${field} appears twice`);
    seen.add(field);
    const want = [0, 2, 2, 0, 2, 0, 0, 2, 2, 2][field];
    if (want !== undefined && field >= 1 && wire !== want) throw bad(`field ${field} has the wrong wire type`);
    if (wire === 0) {
      const v = varint();
      if (field === 3) e.validityType = Number(v);
      else if (field === 5) e.sequence = v;
      else if (field === 6) e.ttl = v;
    } else if (wire === 2) {
      const v = bytes();
      if (field === 1) e.value = v;
      else if (field === 2) e.signatureV1 = v;
      else if (field === 4) e.validity = v;
      else if (field === 7) e.pubKey = v;
      else if (field === 8) e.signatureV2 = v;
      else if (field === 9) e.data = v;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw bad(`an unknown wire type ${wire}`);
    if (at > b.length) throw bad("a field runs past the record's end");
  }
  return e;
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** RFC 3339 as IPNS writes it (nanoseconds allowed). */
function parseTime(s: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return null;
  const d = new Date(`${m[1]}T${m[2]}.${(m[3] ?? "0").slice(0, 3).padEnd(3, "0")}${m[4]}`);
  return isNaN(d.getTime()) ? null : d;
}

/** Verifies a marshalled IPNS record for `name`; returns what it names. */
export async function verifyRecord(name: string, record: Uint8Array, now: Date = new Date()): Promise<Resolution> {
  const bad = (why: string) => new IpnsError(`the IPNS record of ${name} is refused: ${why}`);
  const key = nameKey(name);
  if (record.length > MAX_RECORD) throw bad(`it is ${record.length} bytes, more than the ${MAX_RECORD} any IPNS record may be`);
  const e = parseEntry(record, bad);
  if (!e.signatureV2 || !e.data || e.data.length === 0) throw bad("it has no V2 signature or no data");
  let data: unknown;
  try {
    data = decode(e.data, { strict: true, useMaps: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false });
  } catch (err) {
    throw bad(`its data is not DAG-CBOR (${(err as Error).message})`);
  }
  if (!(data instanceof Map)) throw bad("its data is not a map");
  const value = data.get("Value");
  const validity = data.get("Validity");
  const validityType = data.get("ValidityType");
  const sequence = data.get("Sequence");
  const ttl = data.get("TTL");
  const isInt = (v: unknown) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) || (typeof v === "bigint" && v >= 0n);
  if (!(value instanceof Uint8Array) || !(validity instanceof Uint8Array) || !isInt(validityType) || !isInt(sequence) || !isInt(ttl)) {
    throw bad("its data lacks Value, Validity, ValidityType, Sequence or TTL");
  }
  // V1 fields, where present, must say what the signed data says.
  if (e.value !== undefined && !eq(e.value, value)) throw bad("its value field differs from its signed data");
  if (e.validity !== undefined && !eq(e.validity, validity)) throw bad("its validity field differs from its signed data");
  if (e.validityType !== undefined && BigInt(e.validityType) !== BigInt(validityType as number)) throw bad("its validityType differs from its signed data");
  if (e.sequence !== undefined && e.sequence !== BigInt(sequence as number)) throw bad("its sequence differs from its signed data");
  if (e.ttl !== undefined && e.ttl !== BigInt(ttl as number)) throw bad("its ttl differs from its signed data");
  if (e.pubKey !== undefined && !eq(e.pubKey, key.proto)) throw bad("it carries a public key that is not the name's");
  let pub: CryptoKey;
  try {
    pub = await crypto.subtle.importKey("raw", key.raw as Uint8Array<ArrayBuffer>, { name: "Ed25519" }, false, ["verify"]);
  } catch (err) {
    throw new IpnsError(`the IPNS name ${name} cannot be checked: this browser's WebCrypto has no Ed25519 (${(err as Error).message}); open the /ipfs/<cid> address instead`);
  }
  const prefix = new TextEncoder().encode("ipns-signature:");
  const signed = new Uint8Array(prefix.length + e.data.length);
  signed.set(prefix);
  signed.set(e.data, prefix.length);
  const ok = await crypto.subtle.verify({ name: "Ed25519" }, pub, e.signatureV2 as Uint8Array<ArrayBuffer>, signed);
  if (!ok) throw bad("its signature does not verify with the name's key (the gateway is broken or hostile: try another one)");
  if (BigInt(validityType as number) !== 0n) throw bad(`its validity type ${String(validityType)} is not EOL`);
  const until = parseTime(new TextDecoder().decode(validity));
  if (until === null) throw bad("its validity is not an RFC 3339 time");
  if (until.getTime() <= now.getTime()) throw bad(`it expired at ${until.toISOString()} (the name's owner must publish it again)`);
  const v = new TextDecoder().decode(value);
  const m = /^\/ipfs\/(b[a-z2-7]+)$/.exec(v);
  if (!m) throw bad(`it names "${v.slice(0, 100)}", not /ipfs/<CIDv1 in base32> (a nip index)`);
  let cid: CID;
  try {
    cid = CID.parse(m[1]);
  } catch (err) {
    throw bad(`it names a CID this viewer cannot read (${(err as Error).message})`);
  }
  return { name, cid, sequence: BigInt(sequence as number), validity: until };
}

/** Fetches and verifies the record of `name` from the gateway at `gw`. */
export async function resolveName(gw: string, name: string): Promise<Resolution> {
  nameKey(name);
  const url = `${gw}/ipns/${encodeURIComponent(name)}?format=ipns-record`;
  let resp: Response;
  try {
    resp = await fetch(url, { headers: { Accept: "application/vnd.ipfs.ipns-record" }, credentials: "omit", referrerPolicy: "no-referrer" });
  } catch (err) {
    throw new IpnsError(`the IPNS name ${name}: the gateway ${gw} could not be reached (${(err as Error).message}); check the gateway address and that it allows this page (CORS)`);
  }
  if (!resp.ok) throw new IpnsError(`the IPNS name ${name}: the gateway ${gw} answered ${resp.status} ${resp.statusText}; it may not resolve names, or the name is not published`);
  const len = Number(resp.headers.get("content-length") ?? "0");
  if (len > MAX_RECORD) throw new IpnsError(`the IPNS record of ${name} is refused: the gateway ${gw} sent ${len} bytes, more than any IPNS record`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = resp.body?.getReader();
  while (reader) {
    const next = await reader.read().catch((err) => {
      throw new IpnsError(`the IPNS name ${name}: the gateway ${gw} broke off the record (${(err as Error).message})`);
    });
    if (next.done) break;
    total += next.value.length;
    if (total > MAX_RECORD) {
      reader.cancel().catch(() => {});
      throw new IpnsError(`the IPNS record of ${name} is refused: the gateway ${gw} sent more than the ${MAX_RECORD} bytes of any IPNS record`);
    }
    chunks.push(next.value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  const r = await verifyRecord(name, body);
  resolved.set(r.cid.toString(), r);
  return r;
}

/** `#/ipns/<name><rest>` → `#/ipfs/<cid><rest>`, the record verified. */
export async function ipnsToIpfs(gw: string, hash: string): Promise<string> {
  const m = /^#\/ipns\/([^/?#]+)(.*)$/.exec(hash);
  if (!m) throw new IpnsError("not an /ipns/ address");
  let name: string;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    throw new IpnsError(`the IPNS name "${m[1]}" is not percent-encoded text`);
  }
  const r = await resolveName(gw, name);
  return `#/ipfs/${r.cid}${m[2]}`;
}
