// CIDs: parsing, printing and checking a block against its CID.
//
// The viewer reads only what nip writes: CIDv1 with a sha2-256 multihash,
// codec dag-cbor (0x71), raw (0x55) or dag-pb (0x70), printed in base32
// (multibase "b"). Anything else is refused: a block the viewer cannot
// check is a block it does not show.

export const DAG_CBOR = 0x71;
export const RAW = 0x55;
export const DAG_PB = 0x70;
const SHA2_256 = 0x12;
const CODECS = new Set([DAG_CBOR, RAW, DAG_PB]);

/** A CID as nip writes them: version 1, sha2-256. */
export class CID {
  readonly codec: number;
  readonly digest: Uint8Array;
  readonly bytes: Uint8Array;
  private text: string | undefined;

  private constructor(codec: number, digest: Uint8Array, bytes: Uint8Array) {
    this.codec = codec;
    this.digest = digest;
    this.bytes = bytes;
  }

  /** Reads a binary CID (without the 0x00 prefix of a DAG-CBOR link). */
  static decode(bytes: Uint8Array): CID {
    let at = 0;
    const varint = (): number => {
      let v = 0;
      for (let shift = 0; shift < 28; shift += 7) {
        if (at >= bytes.length) throw new CIDError("a CID ends in the middle of a number");
        const b = bytes[at++];
        v += (b & 0x7f) * 2 ** shift;
        if ((b & 0x80) === 0) return v;
      }
      throw new CIDError("a CID holds a number too large");
    };
    const version = varint();
    if (version !== 1) throw new CIDError(`a CID of version ${version}; nip writes only version 1`);
    const codec = varint();
    if (!CODECS.has(codec)) throw new CIDError(`a CID of codec 0x${codec.toString(16)}; nip writes only dag-cbor, raw and dag-pb`);
    const hash = varint();
    if (hash !== SHA2_256) throw new CIDError(`a CID with hash function 0x${hash.toString(16)}; only sha2-256 can be checked here`);
    const len = varint();
    if (len !== 32 || at + len !== bytes.length) throw new CIDError("a CID whose sha2-256 digest is not 32 bytes");
    return new CID(codec, bytes.slice(at, at + 32), bytes.slice());
  }

  /** Parses a CID as text: base32, lower case, as Kubo and nip print it. */
  static parse(text: string): CID {
    if (!/^b[a-z2-7]+$/.test(text)) {
      throw new CIDError(`"${short(text)}" is not a CIDv1 in base32 (it should start with "b", like bafyrei…)`);
    }
    const cid = CID.decode(base32Decode(text.slice(1)));
    cid.text = text;
    return cid;
  }

  toString(): string {
    if (this.text === undefined) this.text = "b" + base32Encode(this.bytes);
    return this.text;
  }

  equals(other: CID): boolean {
    return eq(this.bytes, other.bytes);
  }
}

export class CIDError extends Error {}

function short(s: string): string {
  return s.length > 80 ? s.slice(0, 80) + "…" : s;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

function base32Decode(s: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of s) {
    value = (value << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) throw new CIDError("a CID's base32 text has stray bits at its end");
  return new Uint8Array(out);
}

function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(value >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function eq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
}

/** Whether `data` is the block `cid` names. */
export async function matches(cid: CID, data: Uint8Array): Promise<boolean> {
  return eq(await sha256(data), cid.digest);
}

export function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
