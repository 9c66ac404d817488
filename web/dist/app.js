"use strict";
(() => {
  // src/cid.ts
  var DAG_CBOR = 113;
  var RAW = 85;
  var DAG_PB = 112;
  var SHA2_256 = 18;
  var CODECS = /* @__PURE__ */ new Set([DAG_CBOR, RAW, DAG_PB]);
  var CID = class _CID {
    codec;
    digest;
    bytes;
    text;
    constructor(codec, digest, bytes2) {
      this.codec = codec;
      this.digest = digest;
      this.bytes = bytes2;
    }
    /** Reads a binary CID (without the 0x00 prefix of a DAG-CBOR link). */
    static decode(bytes2) {
      let at = 0;
      const varint = () => {
        let v = 0;
        for (let shift = 0; shift < 28; shift += 7) {
          if (at >= bytes2.length) throw new CIDError("a CID ends in the middle of a number");
          const b = bytes2[at++];
          v += (b & 127) * 2 ** shift;
          if ((b & 128) === 0) return v;
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
      if (len !== 32 || at + len !== bytes2.length) throw new CIDError("a CID whose sha2-256 digest is not 32 bytes");
      return new _CID(codec, bytes2.slice(at, at + 32), bytes2.slice());
    }
    /** Parses a CID as text: base32, lower case, as Kubo and nip print it. */
    static parse(text) {
      if (!/^b[a-z2-7]+$/.test(text)) {
        throw new CIDError(`"${short(text)}" is not a CIDv1 in base32 (it should start with "b", like bafyrei\u2026)`);
      }
      const cid = _CID.decode(base32Decode(text.slice(1)));
      cid.text = text;
      return cid;
    }
    toString() {
      if (this.text === void 0) this.text = "b" + base32Encode(this.bytes);
      return this.text;
    }
    equals(other) {
      return eq(this.bytes, other.bytes);
    }
  };
  var CIDError = class extends Error {
  };
  function short(s) {
    return s.length > 80 ? s.slice(0, 80) + "\u2026" : s;
  }
  var ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  function base32Decode(s) {
    const out = [];
    let bits = 0;
    let value = 0;
    for (const ch of s) {
      value = value << 5 | ALPHABET.indexOf(ch);
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.push(value >> bits & 255);
      }
    }
    if (bits >= 5 || (value & (1 << bits) - 1) !== 0) throw new CIDError("a CID's base32 text has stray bits at its end");
    return new Uint8Array(out);
  }
  function base32Encode(bytes2) {
    let out = "";
    let bits = 0;
    let value = 0;
    for (const b of bytes2) {
      value = (value << 8 | b) & 65535;
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out += ALPHABET[value >> bits & 31];
      }
    }
    if (bits > 0) out += ALPHABET[value << 5 - bits & 31];
    return out;
  }
  function eq(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  async function sha256(data) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  }
  async function matches(cid, data) {
    return eq(await sha256(data), cid.digest);
  }
  function hex(bytes2) {
    let s = "";
    for (const b of bytes2) s += b.toString(16).padStart(2, "0");
    return s;
  }

  // src/gateway.ts
  var MAX_BLOCK = 1 << 20;
  var TIMEOUT_MS = 75e3;
  var MAX_CACHE = 64 << 20;
  var GatewayError = class extends Error {
  };
  function defaultTimeout() {
    const t = globalThis.nipGatewayTimeoutMs;
    return typeof t === "number" && t > 0 ? t : TIMEOUT_MS;
  }
  function timedOut(e) {
    return e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
  }
  var Gateway = class {
    constructor(url, timeoutMs = defaultTimeout(), maxCache = MAX_CACHE) {
      this.maxCache = maxCache;
      this.url = url.replace(/\/+$/, "");
      this.timeoutMs = timeoutMs;
      const m = /^([a-z]+:\/\/[^/]+)(\/.*)?$/i.exec(this.url);
      this.shown = m ? m[1] + (m[2] ? "/\u2026" : "") : this.url;
    }
    url;
    /** The gateway as errors name it: its origin, and `/…` for a path. */
    shown;
    timeoutMs;
    /** Blocks being fetched, and verified ones in least recently used
     *  order (a Map keeps insertion order: a hit moves its key last). */
    cache = /* @__PURE__ */ new Map();
    /** The sizes of the verified blocks in `cache`, and their sum. */
    sizes = /* @__PURE__ */ new Map();
    cached = 0;
    /** Blocks fetched and verified, for the status line. */
    fetched = 0;
    /** Bytes of verified blocks kept now (at most maxCache). */
    get cachedBytes() {
      return this.cached;
    }
    block(cid) {
      const key2 = cid.toString();
      let p = this.cache.get(key2);
      if (p !== void 0) {
        this.cache.delete(key2);
        this.cache.set(key2, p);
        return p;
      }
      p = this.fetch(cid);
      this.cache.set(key2, p);
      p.then(
        (data) => {
          if (this.cache.get(key2) !== p || this.sizes.has(key2)) return;
          this.sizes.set(key2, data.length);
          this.cached += data.length;
          this.evict();
        },
        () => {
          if (this.cache.get(key2) === p) this.cache.delete(key2);
        }
      );
      return p;
    }
    /** Drops the least recently used verified blocks over maxCache. */
    evict() {
      for (const key2 of this.cache.keys()) {
        if (this.cached <= this.maxCache) break;
        const n = this.sizes.get(key2);
        if (n === void 0) continue;
        this.cache.delete(key2);
        this.sizes.delete(key2);
        this.cached -= n;
      }
    }
    async fetch(cid) {
      const url = `${this.url}/ipfs/${cid}?format=raw`;
      const signal = AbortSignal.timeout(this.timeoutMs);
      let resp;
      try {
        resp = await fetch(url, {
          headers: { Accept: "application/vnd.ipld.raw" },
          credentials: "omit",
          referrerPolicy: "no-referrer",
          signal
        });
      } catch (e) {
        if (timedOut(e) || signal.aborted) throw this.timeout(cid);
        throw new GatewayError(`block ${cid}: the gateway ${this.shown} could not be reached (${e.message}); check the gateway address, and that it allows this page (CORS)`);
      }
      if (!resp.ok) {
        throw new GatewayError(`block ${cid}: the gateway ${this.shown} answered ${resp.status} ${resp.statusText}; it may not have the block`);
      }
      const length = Number(resp.headers.get("content-length") ?? "0");
      if (length > MAX_BLOCK) {
        throw new GatewayError(`block ${cid}: the gateway ${this.shown} sent ${length} bytes, more than the ${MAX_BLOCK} of any nip block; refused`);
      }
      const data = await this.read(resp, cid, signal);
      if (!await matches(cid, data)) {
        throw new GatewayError(`block ${cid}: the gateway ${this.shown} sent bytes that do not match this CID; refused (the gateway is broken or hostile: try another one)`);
      }
      this.fetched++;
      return data;
    }
    /** The response's body, read no further than one byte past MAX_BLOCK. */
    timeout(cid) {
      return new GatewayError(`block ${cid}: the gateway ${this.shown} timed out (no whole block within ${this.timeoutMs / 1e3} s); try again, or another gateway`);
    }
    async read(resp, cid, signal) {
      const tooLarge = () => new GatewayError(`block ${cid}: the gateway ${this.shown} sent more than the ${MAX_BLOCK} bytes of any nip block; refused`);
      if (resp.body === null) return new Uint8Array(0);
      const reader = resp.body.getReader();
      const chunks = [];
      let total = 0;
      for (; ; ) {
        let next;
        try {
          next = await reader.read();
        } catch (e) {
          if (timedOut(e) || signal.aborted) throw this.timeout(cid);
          throw new GatewayError(`block ${cid}: the gateway ${this.shown} broke off the response (${e.message})`);
        }
        if (next.done) break;
        total += next.value.length;
        if (total > MAX_BLOCK) {
          reader.cancel().catch(() => {
          });
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
  };

  // node_modules/cborg/lib/is.js
  var typeofs = [
    "string",
    "number",
    "bigint",
    "symbol"
  ];
  var objectTypeNames = [
    "Function",
    "Generator",
    "AsyncGenerator",
    "GeneratorFunction",
    "AsyncGeneratorFunction",
    "AsyncFunction",
    "Observable",
    "Array",
    "Buffer",
    "Object",
    "RegExp",
    "Date",
    "Error",
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "ArrayBuffer",
    "SharedArrayBuffer",
    "DataView",
    "Promise",
    "URL",
    "HTMLElement",
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array"
  ];
  function is(value) {
    if (value === null) {
      return "null";
    }
    if (value === void 0) {
      return "undefined";
    }
    if (value === true || value === false) {
      return "boolean";
    }
    const typeOf = typeof value;
    if (typeofs.includes(typeOf)) {
      return typeOf;
    }
    if (typeOf === "function") {
      return "Function";
    }
    if (Array.isArray(value)) {
      return "Array";
    }
    if (isBuffer(value)) {
      return "Buffer";
    }
    const objectType = getObjectType(value);
    if (objectType) {
      return objectType;
    }
    return "Object";
  }
  function isBuffer(value) {
    return value && value.constructor && value.constructor.isBuffer && value.constructor.isBuffer.call(null, value);
  }
  function getObjectType(value) {
    const objectTypeName = Object.prototype.toString.call(value).slice(8, -1);
    if (objectTypeNames.includes(objectTypeName)) {
      return objectTypeName;
    }
    return void 0;
  }

  // node_modules/cborg/lib/token.js
  var Type = class {
    /**
     * @param {number} major
     * @param {string} name
     * @param {boolean} terminal
     */
    constructor(major, name, terminal) {
      this.major = major;
      this.majorEncoded = major << 5;
      this.name = name;
      this.terminal = terminal;
    }
    /* c8 ignore next 3 */
    toString() {
      return `Type[${this.major}].${this.name}`;
    }
    /**
     * @param {Type} typ
     * @returns {number}
     */
    compare(typ) {
      return this.major < typ.major ? -1 : this.major > typ.major ? 1 : 0;
    }
  };
  Type.uint = new Type(0, "uint", true);
  Type.negint = new Type(1, "negint", true);
  Type.bytes = new Type(2, "bytes", true);
  Type.string = new Type(3, "string", true);
  Type.array = new Type(4, "array", false);
  Type.map = new Type(5, "map", false);
  Type.tag = new Type(6, "tag", false);
  Type.float = new Type(7, "float", true);
  Type.false = new Type(7, "false", true);
  Type.true = new Type(7, "true", true);
  Type.null = new Type(7, "null", true);
  Type.undefined = new Type(7, "undefined", true);
  Type.break = new Type(7, "break", true);
  var Token = class {
    /**
     * @param {Type} type
     * @param {any} [value]
     * @param {number} [encodedLength]
     */
    constructor(type, value, encodedLength) {
      this.type = type;
      this.value = value;
      this.encodedLength = encodedLength;
      this.encodedBytes = void 0;
      this.byteValue = void 0;
    }
    /* c8 ignore next 3 */
    toString() {
      return `Token[${this.type}].${this.value}`;
    }
  };

  // node_modules/cborg/lib/byte-utils.js
  var useBuffer = globalThis.process && // @ts-ignore
  !globalThis.process.browser && // @ts-ignore
  globalThis.Buffer && // @ts-ignore
  typeof globalThis.Buffer.isBuffer === "function";
  var textDecoder = new TextDecoder();
  var textEncoder = new TextEncoder();
  function isBuffer2(buf2) {
    return useBuffer && globalThis.Buffer.isBuffer(buf2);
  }
  function asU8A(buf2) {
    if (!(buf2 instanceof Uint8Array)) {
      return Uint8Array.from(buf2);
    }
    return isBuffer2(buf2) ? new Uint8Array(buf2.buffer, buf2.byteOffset, buf2.byteLength) : buf2;
  }
  var toString = useBuffer ? (
    // eslint-disable-line operator-linebreak
    /**
     * @param {Uint8Array} bytes
     * @param {number} start
     * @param {number} end
     */
    (bytes2, start, end) => {
      return end - start > 64 ? (
        // eslint-disable-line operator-linebreak
        // @ts-ignore
        globalThis.Buffer.from(bytes2.subarray(start, end)).toString("utf8")
      ) : utf8Slice(bytes2, start, end);
    }
  ) : (
    // eslint-disable-line operator-linebreak
    /**
     * @param {Uint8Array} bytes
     * @param {number} start
     * @param {number} end
     */
    (bytes2, start, end) => {
      return end - start > 64 ? textDecoder.decode(bytes2.subarray(start, end)) : utf8Slice(bytes2, start, end);
    }
  );
  var fromString = useBuffer ? (
    // eslint-disable-line operator-linebreak
    /**
     * @param {string} string
     */
    (string) => {
      return string.length > 64 ? (
        // eslint-disable-line operator-linebreak
        // @ts-ignore
        globalThis.Buffer.from(string)
      ) : utf8ToBytes(string);
    }
  ) : (
    // eslint-disable-line operator-linebreak
    /**
     * @param {string} string
     */
    (string) => {
      return string.length > 64 ? textEncoder.encode(string) : utf8ToBytes(string);
    }
  );
  var slice = useBuffer ? (
    // eslint-disable-line operator-linebreak
    /**
     * @param {Uint8Array} bytes
     * @param {number} start
     * @param {number} end
     */
    (bytes2, start, end) => {
      if (isBuffer2(bytes2)) {
        return new Uint8Array(bytes2.subarray(start, end));
      }
      return bytes2.slice(start, end);
    }
  ) : (
    // eslint-disable-line operator-linebreak
    /**
     * @param {Uint8Array} bytes
     * @param {number} start
     * @param {number} end
     */
    (bytes2, start, end) => {
      return bytes2.slice(start, end);
    }
  );
  var concat = useBuffer ? (
    // eslint-disable-line operator-linebreak
    /**
     * @param {Uint8Array[]} chunks
     * @param {number} length
     * @returns {Uint8Array}
     */
    (chunks, length) => {
      chunks = chunks.map((c) => c instanceof Uint8Array ? c : (
        // eslint-disable-line operator-linebreak
        // @ts-ignore
        globalThis.Buffer.from(c)
      ));
      return asU8A(globalThis.Buffer.concat(chunks, length));
    }
  ) : (
    // eslint-disable-line operator-linebreak
    /**
     * @param {Uint8Array[]} chunks
     * @param {number} length
     * @returns {Uint8Array}
     */
    (chunks, length) => {
      const out = new Uint8Array(length);
      let off = 0;
      for (let b of chunks) {
        if (off + b.length > out.length) {
          b = b.subarray(0, out.length - off);
        }
        out.set(b, off);
        off += b.length;
      }
      return out;
    }
  );
  var alloc = useBuffer ? (
    // eslint-disable-line operator-linebreak
    /**
     * @param {number} size
     * @returns {Uint8Array}
     */
    (size) => {
      return globalThis.Buffer.allocUnsafe(size);
    }
  ) : (
    // eslint-disable-line operator-linebreak
    /**
     * @param {number} size
     * @returns {Uint8Array}
     */
    (size) => {
      return new Uint8Array(size);
    }
  );
  function compare(b1, b2) {
    if (isBuffer2(b1) && isBuffer2(b2)) {
      return b1.compare(b2);
    }
    for (let i = 0; i < b1.length; i++) {
      if (b1[i] === b2[i]) {
        continue;
      }
      return b1[i] < b2[i] ? -1 : 1;
    }
    return 0;
  }
  function utf8ToBytes(str) {
    const out = [];
    let p = 0;
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c < 128) {
        out[p++] = c;
      } else if (c < 2048) {
        out[p++] = c >> 6 | 192;
        out[p++] = c & 63 | 128;
      } else if ((c & 64512) === 55296 && i + 1 < str.length && (str.charCodeAt(i + 1) & 64512) === 56320) {
        c = 65536 + ((c & 1023) << 10) + (str.charCodeAt(++i) & 1023);
        out[p++] = c >> 18 | 240;
        out[p++] = c >> 12 & 63 | 128;
        out[p++] = c >> 6 & 63 | 128;
        out[p++] = c & 63 | 128;
      } else {
        out[p++] = c >> 12 | 224;
        out[p++] = c >> 6 & 63 | 128;
        out[p++] = c & 63 | 128;
      }
    }
    return out;
  }
  function utf8Slice(buf2, offset, end) {
    const res = [];
    while (offset < end) {
      const firstByte = buf2[offset];
      let codePoint = null;
      let bytesPerSequence = firstByte > 239 ? 4 : firstByte > 223 ? 3 : firstByte > 191 ? 2 : 1;
      if (offset + bytesPerSequence <= end) {
        let secondByte, thirdByte, fourthByte, tempCodePoint;
        switch (bytesPerSequence) {
          case 1:
            if (firstByte < 128) {
              codePoint = firstByte;
            }
            break;
          case 2:
            secondByte = buf2[offset + 1];
            if ((secondByte & 192) === 128) {
              tempCodePoint = (firstByte & 31) << 6 | secondByte & 63;
              if (tempCodePoint > 127) {
                codePoint = tempCodePoint;
              }
            }
            break;
          case 3:
            secondByte = buf2[offset + 1];
            thirdByte = buf2[offset + 2];
            if ((secondByte & 192) === 128 && (thirdByte & 192) === 128) {
              tempCodePoint = (firstByte & 15) << 12 | (secondByte & 63) << 6 | thirdByte & 63;
              if (tempCodePoint > 2047 && (tempCodePoint < 55296 || tempCodePoint > 57343)) {
                codePoint = tempCodePoint;
              }
            }
            break;
          case 4:
            secondByte = buf2[offset + 1];
            thirdByte = buf2[offset + 2];
            fourthByte = buf2[offset + 3];
            if ((secondByte & 192) === 128 && (thirdByte & 192) === 128 && (fourthByte & 192) === 128) {
              tempCodePoint = (firstByte & 15) << 18 | (secondByte & 63) << 12 | (thirdByte & 63) << 6 | fourthByte & 63;
              if (tempCodePoint > 65535 && tempCodePoint < 1114112) {
                codePoint = tempCodePoint;
              }
            }
        }
      }
      if (codePoint === null) {
        codePoint = 65533;
        bytesPerSequence = 1;
      } else if (codePoint > 65535) {
        codePoint -= 65536;
        res.push(codePoint >>> 10 & 1023 | 55296);
        codePoint = 56320 | codePoint & 1023;
      }
      res.push(codePoint);
      offset += bytesPerSequence;
    }
    return decodeCodePointsArray(res);
  }
  var MAX_ARGUMENTS_LENGTH = 4096;
  function decodeCodePointsArray(codePoints) {
    const len = codePoints.length;
    if (len <= MAX_ARGUMENTS_LENGTH) {
      return String.fromCharCode.apply(String, codePoints);
    }
    let res = "";
    let i = 0;
    while (i < len) {
      res += String.fromCharCode.apply(
        String,
        codePoints.slice(i, i += MAX_ARGUMENTS_LENGTH)
      );
    }
    return res;
  }

  // node_modules/cborg/lib/bl.js
  var defaultChunkSize = 256;
  var Bl = class {
    /**
     * @param {number} [chunkSize]
     */
    constructor(chunkSize = defaultChunkSize) {
      this.chunkSize = chunkSize;
      this.cursor = 0;
      this.maxCursor = -1;
      this.chunks = [];
      this._initReuseChunk = null;
    }
    reset() {
      this.cursor = 0;
      this.maxCursor = -1;
      if (this.chunks.length) {
        this.chunks = [];
      }
      if (this._initReuseChunk !== null) {
        this.chunks.push(this._initReuseChunk);
        this.maxCursor = this._initReuseChunk.length - 1;
      }
    }
    /**
     * @param {Uint8Array|number[]} bytes
     */
    push(bytes2) {
      let topChunk = this.chunks[this.chunks.length - 1];
      const newMax = this.cursor + bytes2.length;
      if (newMax <= this.maxCursor + 1) {
        const chunkPos = topChunk.length - (this.maxCursor - this.cursor) - 1;
        topChunk.set(bytes2, chunkPos);
      } else {
        if (topChunk) {
          const chunkPos = topChunk.length - (this.maxCursor - this.cursor) - 1;
          if (chunkPos < topChunk.length) {
            this.chunks[this.chunks.length - 1] = topChunk.subarray(0, chunkPos);
            this.maxCursor = this.cursor - 1;
          }
        }
        if (bytes2.length < 64 && bytes2.length < this.chunkSize) {
          topChunk = alloc(this.chunkSize);
          this.chunks.push(topChunk);
          this.maxCursor += topChunk.length;
          if (this._initReuseChunk === null) {
            this._initReuseChunk = topChunk;
          }
          topChunk.set(bytes2, 0);
        } else {
          this.chunks.push(bytes2);
          this.maxCursor += bytes2.length;
        }
      }
      this.cursor += bytes2.length;
    }
    /**
     * @param {boolean} [reset]
     * @returns {Uint8Array}
     */
    toBytes(reset = false) {
      let byts;
      if (this.chunks.length === 1) {
        const chunk = this.chunks[0];
        if (reset && this.cursor > chunk.length / 2) {
          byts = this.cursor === chunk.length ? chunk : chunk.subarray(0, this.cursor);
          this._initReuseChunk = null;
          this.chunks = [];
        } else {
          byts = slice(chunk, 0, this.cursor);
        }
      } else {
        byts = concat(this.chunks, this.cursor);
      }
      if (reset) {
        this.reset();
      }
      return byts;
    }
  };

  // node_modules/cborg/lib/common.js
  var decodeErrPrefix = "CBOR decode error:";
  var encodeErrPrefix = "CBOR encode error:";
  var uintMinorPrefixBytes = [];
  uintMinorPrefixBytes[23] = 1;
  uintMinorPrefixBytes[24] = 2;
  uintMinorPrefixBytes[25] = 3;
  uintMinorPrefixBytes[26] = 5;
  uintMinorPrefixBytes[27] = 9;
  function assertEnoughData(data, pos, need) {
    if (data.length - pos < need) {
      throw new Error(`${decodeErrPrefix} not enough data for type`);
    }
  }

  // node_modules/cborg/lib/0uint.js
  var uintBoundaries = [24, 256, 65536, 4294967296, BigInt("18446744073709551616")];
  function readUint8(data, offset, options) {
    assertEnoughData(data, offset, 1);
    const value = data[offset];
    if (options.strict === true && value < uintBoundaries[0]) {
      throw new Error(`${decodeErrPrefix} integer encoded in more bytes than necessary (strict decode)`);
    }
    return value;
  }
  function readUint16(data, offset, options) {
    assertEnoughData(data, offset, 2);
    const value = data[offset] << 8 | data[offset + 1];
    if (options.strict === true && value < uintBoundaries[1]) {
      throw new Error(`${decodeErrPrefix} integer encoded in more bytes than necessary (strict decode)`);
    }
    return value;
  }
  function readUint32(data, offset, options) {
    assertEnoughData(data, offset, 4);
    const value = data[offset] * 16777216 + (data[offset + 1] << 16) + (data[offset + 2] << 8) + data[offset + 3];
    if (options.strict === true && value < uintBoundaries[2]) {
      throw new Error(`${decodeErrPrefix} integer encoded in more bytes than necessary (strict decode)`);
    }
    return value;
  }
  function readUint64(data, offset, options) {
    assertEnoughData(data, offset, 8);
    const hi = data[offset] * 16777216 + (data[offset + 1] << 16) + (data[offset + 2] << 8) + data[offset + 3];
    const lo = data[offset + 4] * 16777216 + (data[offset + 5] << 16) + (data[offset + 6] << 8) + data[offset + 7];
    const value = (BigInt(hi) << BigInt(32)) + BigInt(lo);
    if (options.strict === true && value < uintBoundaries[3]) {
      throw new Error(`${decodeErrPrefix} integer encoded in more bytes than necessary (strict decode)`);
    }
    if (value <= Number.MAX_SAFE_INTEGER) {
      return Number(value);
    }
    if (options.allowBigInt === true) {
      return value;
    }
    throw new Error(`${decodeErrPrefix} integers outside of the safe integer range are not supported`);
  }
  function decodeUint8(data, pos, _minor, options) {
    return new Token(Type.uint, readUint8(data, pos + 1, options), 2);
  }
  function decodeUint16(data, pos, _minor, options) {
    return new Token(Type.uint, readUint16(data, pos + 1, options), 3);
  }
  function decodeUint32(data, pos, _minor, options) {
    return new Token(Type.uint, readUint32(data, pos + 1, options), 5);
  }
  function decodeUint64(data, pos, _minor, options) {
    return new Token(Type.uint, readUint64(data, pos + 1, options), 9);
  }
  function encodeUint(buf2, token) {
    return encodeUintValue(buf2, 0, token.value);
  }
  function encodeUintValue(buf2, major, uint) {
    if (uint < uintBoundaries[0]) {
      const nuint = Number(uint);
      buf2.push([major | nuint]);
    } else if (uint < uintBoundaries[1]) {
      const nuint = Number(uint);
      buf2.push([major | 24, nuint]);
    } else if (uint < uintBoundaries[2]) {
      const nuint = Number(uint);
      buf2.push([major | 25, nuint >>> 8, nuint & 255]);
    } else if (uint < uintBoundaries[3]) {
      const nuint = Number(uint);
      buf2.push([major | 26, nuint >>> 24 & 255, nuint >>> 16 & 255, nuint >>> 8 & 255, nuint & 255]);
    } else {
      const buint = BigInt(uint);
      if (buint < uintBoundaries[4]) {
        const set = [major | 27, 0, 0, 0, 0, 0, 0, 0];
        let lo = Number(buint & BigInt(4294967295));
        let hi = Number(buint >> BigInt(32) & BigInt(4294967295));
        set[8] = lo & 255;
        lo = lo >> 8;
        set[7] = lo & 255;
        lo = lo >> 8;
        set[6] = lo & 255;
        lo = lo >> 8;
        set[5] = lo & 255;
        set[4] = hi & 255;
        hi = hi >> 8;
        set[3] = hi & 255;
        hi = hi >> 8;
        set[2] = hi & 255;
        hi = hi >> 8;
        set[1] = hi & 255;
        buf2.push(set);
      } else {
        throw new Error(`${decodeErrPrefix} encountered BigInt larger than allowable range`);
      }
    }
  }
  encodeUint.encodedSize = function encodedSize(token) {
    return encodeUintValue.encodedSize(token.value);
  };
  encodeUintValue.encodedSize = function encodedSize2(uint) {
    if (uint < uintBoundaries[0]) {
      return 1;
    }
    if (uint < uintBoundaries[1]) {
      return 2;
    }
    if (uint < uintBoundaries[2]) {
      return 3;
    }
    if (uint < uintBoundaries[3]) {
      return 5;
    }
    return 9;
  };
  encodeUint.compareTokens = function compareTokens(tok1, tok2) {
    return tok1.value < tok2.value ? -1 : tok1.value > tok2.value ? 1 : (
      /* c8 ignore next */
      0
    );
  };

  // node_modules/cborg/lib/1negint.js
  function decodeNegint8(data, pos, _minor, options) {
    return new Token(Type.negint, -1 - readUint8(data, pos + 1, options), 2);
  }
  function decodeNegint16(data, pos, _minor, options) {
    return new Token(Type.negint, -1 - readUint16(data, pos + 1, options), 3);
  }
  function decodeNegint32(data, pos, _minor, options) {
    return new Token(Type.negint, -1 - readUint32(data, pos + 1, options), 5);
  }
  var neg1b = BigInt(-1);
  var pos1b = BigInt(1);
  function decodeNegint64(data, pos, _minor, options) {
    const int = readUint64(data, pos + 1, options);
    if (typeof int !== "bigint") {
      const value = -1 - int;
      if (value >= Number.MIN_SAFE_INTEGER) {
        return new Token(Type.negint, value, 9);
      }
    }
    if (options.allowBigInt !== true) {
      throw new Error(`${decodeErrPrefix} integers outside of the safe integer range are not supported`);
    }
    return new Token(Type.negint, neg1b - BigInt(int), 9);
  }
  function encodeNegint(buf2, token) {
    const negint = token.value;
    const unsigned = typeof negint === "bigint" ? negint * neg1b - pos1b : negint * -1 - 1;
    encodeUintValue(buf2, token.type.majorEncoded, unsigned);
  }
  encodeNegint.encodedSize = function encodedSize3(token) {
    const negint = token.value;
    const unsigned = typeof negint === "bigint" ? negint * neg1b - pos1b : negint * -1 - 1;
    if (unsigned < uintBoundaries[0]) {
      return 1;
    }
    if (unsigned < uintBoundaries[1]) {
      return 2;
    }
    if (unsigned < uintBoundaries[2]) {
      return 3;
    }
    if (unsigned < uintBoundaries[3]) {
      return 5;
    }
    return 9;
  };
  encodeNegint.compareTokens = function compareTokens2(tok1, tok2) {
    return tok1.value < tok2.value ? 1 : tok1.value > tok2.value ? -1 : (
      /* c8 ignore next */
      0
    );
  };

  // node_modules/cborg/lib/2bytes.js
  function toToken(data, pos, prefix, length) {
    assertEnoughData(data, pos, prefix + length);
    const buf2 = slice(data, pos + prefix, pos + prefix + length);
    return new Token(Type.bytes, buf2, prefix + length);
  }
  function decodeBytesCompact(data, pos, minor, _options) {
    return toToken(data, pos, 1, minor);
  }
  function decodeBytes8(data, pos, _minor, options) {
    return toToken(data, pos, 2, readUint8(data, pos + 1, options));
  }
  function decodeBytes16(data, pos, _minor, options) {
    return toToken(data, pos, 3, readUint16(data, pos + 1, options));
  }
  function decodeBytes32(data, pos, _minor, options) {
    return toToken(data, pos, 5, readUint32(data, pos + 1, options));
  }
  function decodeBytes64(data, pos, _minor, options) {
    const l = readUint64(data, pos + 1, options);
    if (typeof l === "bigint") {
      throw new Error(`${decodeErrPrefix} 64-bit integer bytes lengths not supported`);
    }
    return toToken(data, pos, 9, l);
  }
  function tokenBytes(token) {
    if (token.encodedBytes === void 0) {
      token.encodedBytes = token.type === Type.string ? fromString(token.value) : token.value;
    }
    return token.encodedBytes;
  }
  function encodeBytes(buf2, token) {
    const bytes2 = tokenBytes(token);
    encodeUintValue(buf2, token.type.majorEncoded, bytes2.length);
    buf2.push(bytes2);
  }
  encodeBytes.encodedSize = function encodedSize4(token) {
    const bytes2 = tokenBytes(token);
    return encodeUintValue.encodedSize(bytes2.length) + bytes2.length;
  };
  encodeBytes.compareTokens = function compareTokens3(tok1, tok2) {
    return compareBytes(tokenBytes(tok1), tokenBytes(tok2));
  };
  function compareBytes(b1, b2) {
    return b1.length < b2.length ? -1 : b1.length > b2.length ? 1 : compare(b1, b2);
  }

  // node_modules/cborg/lib/3string.js
  function toToken2(data, pos, prefix, length, options) {
    const totLength = prefix + length;
    assertEnoughData(data, pos, totLength);
    const tok = new Token(Type.string, toString(data, pos + prefix, pos + totLength), totLength);
    if (options.retainStringBytes === true) {
      tok.byteValue = slice(data, pos + prefix, pos + totLength);
    }
    return tok;
  }
  function decodeStringCompact(data, pos, minor, options) {
    return toToken2(data, pos, 1, minor, options);
  }
  function decodeString8(data, pos, _minor, options) {
    return toToken2(data, pos, 2, readUint8(data, pos + 1, options), options);
  }
  function decodeString16(data, pos, _minor, options) {
    return toToken2(data, pos, 3, readUint16(data, pos + 1, options), options);
  }
  function decodeString32(data, pos, _minor, options) {
    return toToken2(data, pos, 5, readUint32(data, pos + 1, options), options);
  }
  function decodeString64(data, pos, _minor, options) {
    const l = readUint64(data, pos + 1, options);
    if (typeof l === "bigint") {
      throw new Error(`${decodeErrPrefix} 64-bit integer string lengths not supported`);
    }
    return toToken2(data, pos, 9, l, options);
  }
  var encodeString = encodeBytes;

  // node_modules/cborg/lib/4array.js
  function toToken3(_data, _pos, prefix, length) {
    return new Token(Type.array, length, prefix);
  }
  function decodeArrayCompact(data, pos, minor, _options) {
    return toToken3(data, pos, 1, minor);
  }
  function decodeArray8(data, pos, _minor, options) {
    return toToken3(data, pos, 2, readUint8(data, pos + 1, options));
  }
  function decodeArray16(data, pos, _minor, options) {
    return toToken3(data, pos, 3, readUint16(data, pos + 1, options));
  }
  function decodeArray32(data, pos, _minor, options) {
    return toToken3(data, pos, 5, readUint32(data, pos + 1, options));
  }
  function decodeArray64(data, pos, _minor, options) {
    const l = readUint64(data, pos + 1, options);
    if (typeof l === "bigint") {
      throw new Error(`${decodeErrPrefix} 64-bit integer array lengths not supported`);
    }
    return toToken3(data, pos, 9, l);
  }
  function decodeArrayIndefinite(data, pos, _minor, options) {
    if (options.allowIndefinite === false) {
      throw new Error(`${decodeErrPrefix} indefinite length items not allowed`);
    }
    return toToken3(data, pos, 1, Infinity);
  }
  function encodeArray(buf2, token) {
    encodeUintValue(buf2, Type.array.majorEncoded, token.value);
  }
  encodeArray.compareTokens = encodeUint.compareTokens;
  encodeArray.encodedSize = function encodedSize5(token) {
    return encodeUintValue.encodedSize(token.value);
  };

  // node_modules/cborg/lib/5map.js
  function toToken4(_data, _pos, prefix, length) {
    return new Token(Type.map, length, prefix);
  }
  function decodeMapCompact(data, pos, minor, _options) {
    return toToken4(data, pos, 1, minor);
  }
  function decodeMap8(data, pos, _minor, options) {
    return toToken4(data, pos, 2, readUint8(data, pos + 1, options));
  }
  function decodeMap16(data, pos, _minor, options) {
    return toToken4(data, pos, 3, readUint16(data, pos + 1, options));
  }
  function decodeMap32(data, pos, _minor, options) {
    return toToken4(data, pos, 5, readUint32(data, pos + 1, options));
  }
  function decodeMap64(data, pos, _minor, options) {
    const l = readUint64(data, pos + 1, options);
    if (typeof l === "bigint") {
      throw new Error(`${decodeErrPrefix} 64-bit integer map lengths not supported`);
    }
    return toToken4(data, pos, 9, l);
  }
  function decodeMapIndefinite(data, pos, _minor, options) {
    if (options.allowIndefinite === false) {
      throw new Error(`${decodeErrPrefix} indefinite length items not allowed`);
    }
    return toToken4(data, pos, 1, Infinity);
  }
  function encodeMap(buf2, token) {
    encodeUintValue(buf2, Type.map.majorEncoded, token.value);
  }
  encodeMap.compareTokens = encodeUint.compareTokens;
  encodeMap.encodedSize = function encodedSize6(token) {
    return encodeUintValue.encodedSize(token.value);
  };

  // node_modules/cborg/lib/6tag.js
  function decodeTagCompact(_data, _pos, minor, _options) {
    return new Token(Type.tag, minor, 1);
  }
  function decodeTag8(data, pos, _minor, options) {
    return new Token(Type.tag, readUint8(data, pos + 1, options), 2);
  }
  function decodeTag16(data, pos, _minor, options) {
    return new Token(Type.tag, readUint16(data, pos + 1, options), 3);
  }
  function decodeTag32(data, pos, _minor, options) {
    return new Token(Type.tag, readUint32(data, pos + 1, options), 5);
  }
  function decodeTag64(data, pos, _minor, options) {
    return new Token(Type.tag, readUint64(data, pos + 1, options), 9);
  }
  function encodeTag(buf2, token) {
    encodeUintValue(buf2, Type.tag.majorEncoded, token.value);
  }
  encodeTag.compareTokens = encodeUint.compareTokens;
  encodeTag.encodedSize = function encodedSize7(token) {
    return encodeUintValue.encodedSize(token.value);
  };

  // node_modules/cborg/lib/7float.js
  var MINOR_FALSE = 20;
  var MINOR_TRUE = 21;
  var MINOR_NULL = 22;
  var MINOR_UNDEFINED = 23;
  function decodeUndefined(_data, _pos, _minor, options) {
    if (options.allowUndefined === false) {
      throw new Error(`${decodeErrPrefix} undefined values are not supported`);
    } else if (options.coerceUndefinedToNull === true) {
      return new Token(Type.null, null, 1);
    }
    return new Token(Type.undefined, void 0, 1);
  }
  function decodeBreak(_data, _pos, _minor, options) {
    if (options.allowIndefinite === false) {
      throw new Error(`${decodeErrPrefix} indefinite length items not allowed`);
    }
    return new Token(Type.break, void 0, 1);
  }
  function createToken(value, bytes2, options) {
    if (options) {
      if (options.allowNaN === false && Number.isNaN(value)) {
        throw new Error(`${decodeErrPrefix} NaN values are not supported`);
      }
      if (options.allowInfinity === false && (value === Infinity || value === -Infinity)) {
        throw new Error(`${decodeErrPrefix} Infinity values are not supported`);
      }
    }
    return new Token(Type.float, value, bytes2);
  }
  function decodeFloat16(data, pos, _minor, options) {
    return createToken(readFloat16(data, pos + 1), 3, options);
  }
  function decodeFloat32(data, pos, _minor, options) {
    return createToken(readFloat32(data, pos + 1), 5, options);
  }
  function decodeFloat64(data, pos, _minor, options) {
    return createToken(readFloat64(data, pos + 1), 9, options);
  }
  function encodeFloat(buf2, token, options) {
    const float = token.value;
    if (float === false) {
      buf2.push([Type.float.majorEncoded | MINOR_FALSE]);
    } else if (float === true) {
      buf2.push([Type.float.majorEncoded | MINOR_TRUE]);
    } else if (float === null) {
      buf2.push([Type.float.majorEncoded | MINOR_NULL]);
    } else if (float === void 0) {
      buf2.push([Type.float.majorEncoded | MINOR_UNDEFINED]);
    } else {
      let decoded;
      let success = false;
      if (!options || options.float64 !== true) {
        encodeFloat16(float);
        decoded = readFloat16(ui8a, 1);
        if (float === decoded || Number.isNaN(float)) {
          ui8a[0] = 249;
          buf2.push(ui8a.slice(0, 3));
          success = true;
        } else {
          encodeFloat32(float);
          decoded = readFloat32(ui8a, 1);
          if (float === decoded) {
            ui8a[0] = 250;
            buf2.push(ui8a.slice(0, 5));
            success = true;
          }
        }
      }
      if (!success) {
        encodeFloat64(float);
        decoded = readFloat64(ui8a, 1);
        ui8a[0] = 251;
        buf2.push(ui8a.slice(0, 9));
      }
    }
  }
  encodeFloat.encodedSize = function encodedSize8(token, options) {
    const float = token.value;
    if (float === false || float === true || float === null || float === void 0) {
      return 1;
    }
    if (!options || options.float64 !== true) {
      encodeFloat16(float);
      let decoded = readFloat16(ui8a, 1);
      if (float === decoded || Number.isNaN(float)) {
        return 3;
      }
      encodeFloat32(float);
      decoded = readFloat32(ui8a, 1);
      if (float === decoded) {
        return 5;
      }
    }
    return 9;
  };
  var buffer = new ArrayBuffer(9);
  var dataView = new DataView(buffer, 1);
  var ui8a = new Uint8Array(buffer, 0);
  function encodeFloat16(inp) {
    if (inp === Infinity) {
      dataView.setUint16(0, 31744, false);
    } else if (inp === -Infinity) {
      dataView.setUint16(0, 64512, false);
    } else if (Number.isNaN(inp)) {
      dataView.setUint16(0, 32256, false);
    } else {
      dataView.setFloat32(0, inp);
      const valu32 = dataView.getUint32(0);
      const exponent = (valu32 & 2139095040) >> 23;
      const mantissa = valu32 & 8388607;
      if (exponent === 255) {
        dataView.setUint16(0, 31744, false);
      } else if (exponent === 0) {
        dataView.setUint16(0, (inp & 2147483648) >> 16 | mantissa >> 13, false);
      } else {
        const logicalExponent = exponent - 127;
        if (logicalExponent < -24) {
          dataView.setUint16(0, 0);
        } else if (logicalExponent < -14) {
          dataView.setUint16(0, (valu32 & 2147483648) >> 16 | /* sign bit */
          1 << 24 + logicalExponent, false);
        } else {
          dataView.setUint16(0, (valu32 & 2147483648) >> 16 | logicalExponent + 15 << 10 | mantissa >> 13, false);
        }
      }
    }
  }
  function readFloat16(ui8a2, pos) {
    if (ui8a2.length - pos < 2) {
      throw new Error(`${decodeErrPrefix} not enough data for float16`);
    }
    const half = (ui8a2[pos] << 8) + ui8a2[pos + 1];
    if (half === 31744) {
      return Infinity;
    }
    if (half === 64512) {
      return -Infinity;
    }
    if (half === 32256) {
      return NaN;
    }
    const exp = half >> 10 & 31;
    const mant = half & 1023;
    let val;
    if (exp === 0) {
      val = mant * 2 ** -24;
    } else if (exp !== 31) {
      val = (mant + 1024) * 2 ** (exp - 25);
    } else {
      val = mant === 0 ? Infinity : NaN;
    }
    return half & 32768 ? -val : val;
  }
  function encodeFloat32(inp) {
    dataView.setFloat32(0, inp, false);
  }
  function readFloat32(ui8a2, pos) {
    if (ui8a2.length - pos < 4) {
      throw new Error(`${decodeErrPrefix} not enough data for float32`);
    }
    const offset = (ui8a2.byteOffset || 0) + pos;
    return new DataView(ui8a2.buffer, offset, 4).getFloat32(0, false);
  }
  function encodeFloat64(inp) {
    dataView.setFloat64(0, inp, false);
  }
  function readFloat64(ui8a2, pos) {
    if (ui8a2.length - pos < 8) {
      throw new Error(`${decodeErrPrefix} not enough data for float64`);
    }
    const offset = (ui8a2.byteOffset || 0) + pos;
    return new DataView(ui8a2.buffer, offset, 8).getFloat64(0, false);
  }
  encodeFloat.compareTokens = encodeUint.compareTokens;

  // node_modules/cborg/lib/jump.js
  function invalidMinor(data, pos, minor) {
    throw new Error(`${decodeErrPrefix} encountered invalid minor (${minor}) for major ${data[pos] >>> 5}`);
  }
  function errorer(msg) {
    return () => {
      throw new Error(`${decodeErrPrefix} ${msg}`);
    };
  }
  var jump = [];
  for (let i = 0; i <= 23; i++) {
    jump[i] = invalidMinor;
  }
  jump[24] = decodeUint8;
  jump[25] = decodeUint16;
  jump[26] = decodeUint32;
  jump[27] = decodeUint64;
  jump[28] = invalidMinor;
  jump[29] = invalidMinor;
  jump[30] = invalidMinor;
  jump[31] = invalidMinor;
  for (let i = 32; i <= 55; i++) {
    jump[i] = invalidMinor;
  }
  jump[56] = decodeNegint8;
  jump[57] = decodeNegint16;
  jump[58] = decodeNegint32;
  jump[59] = decodeNegint64;
  jump[60] = invalidMinor;
  jump[61] = invalidMinor;
  jump[62] = invalidMinor;
  jump[63] = invalidMinor;
  for (let i = 64; i <= 87; i++) {
    jump[i] = decodeBytesCompact;
  }
  jump[88] = decodeBytes8;
  jump[89] = decodeBytes16;
  jump[90] = decodeBytes32;
  jump[91] = decodeBytes64;
  jump[92] = invalidMinor;
  jump[93] = invalidMinor;
  jump[94] = invalidMinor;
  jump[95] = errorer("indefinite length bytes/strings are not supported");
  for (let i = 96; i <= 119; i++) {
    jump[i] = decodeStringCompact;
  }
  jump[120] = decodeString8;
  jump[121] = decodeString16;
  jump[122] = decodeString32;
  jump[123] = decodeString64;
  jump[124] = invalidMinor;
  jump[125] = invalidMinor;
  jump[126] = invalidMinor;
  jump[127] = errorer("indefinite length bytes/strings are not supported");
  for (let i = 128; i <= 151; i++) {
    jump[i] = decodeArrayCompact;
  }
  jump[152] = decodeArray8;
  jump[153] = decodeArray16;
  jump[154] = decodeArray32;
  jump[155] = decodeArray64;
  jump[156] = invalidMinor;
  jump[157] = invalidMinor;
  jump[158] = invalidMinor;
  jump[159] = decodeArrayIndefinite;
  for (let i = 160; i <= 183; i++) {
    jump[i] = decodeMapCompact;
  }
  jump[184] = decodeMap8;
  jump[185] = decodeMap16;
  jump[186] = decodeMap32;
  jump[187] = decodeMap64;
  jump[188] = invalidMinor;
  jump[189] = invalidMinor;
  jump[190] = invalidMinor;
  jump[191] = decodeMapIndefinite;
  for (let i = 192; i <= 215; i++) {
    jump[i] = decodeTagCompact;
  }
  jump[216] = decodeTag8;
  jump[217] = decodeTag16;
  jump[218] = decodeTag32;
  jump[219] = decodeTag64;
  jump[220] = invalidMinor;
  jump[221] = invalidMinor;
  jump[222] = invalidMinor;
  jump[223] = invalidMinor;
  for (let i = 224; i <= 243; i++) {
    jump[i] = errorer("simple values are not supported");
  }
  jump[244] = invalidMinor;
  jump[245] = invalidMinor;
  jump[246] = invalidMinor;
  jump[247] = decodeUndefined;
  jump[248] = errorer("simple values are not supported");
  jump[249] = decodeFloat16;
  jump[250] = decodeFloat32;
  jump[251] = decodeFloat64;
  jump[252] = invalidMinor;
  jump[253] = invalidMinor;
  jump[254] = invalidMinor;
  jump[255] = decodeBreak;
  var quick = [];
  for (let i = 0; i < 24; i++) {
    quick[i] = new Token(Type.uint, i, 1);
  }
  for (let i = -1; i >= -24; i--) {
    quick[31 - i] = new Token(Type.negint, i, 1);
  }
  quick[64] = new Token(Type.bytes, new Uint8Array(0), 1);
  quick[96] = new Token(Type.string, "", 1);
  quick[128] = new Token(Type.array, 0, 1);
  quick[160] = new Token(Type.map, 0, 1);
  quick[244] = new Token(Type.false, false, 1);
  quick[245] = new Token(Type.true, true, 1);
  quick[246] = new Token(Type.null, null, 1);

  // node_modules/cborg/lib/encode.js
  function makeCborEncoders() {
    const encoders = [];
    encoders[Type.uint.major] = encodeUint;
    encoders[Type.negint.major] = encodeNegint;
    encoders[Type.bytes.major] = encodeBytes;
    encoders[Type.string.major] = encodeString;
    encoders[Type.array.major] = encodeArray;
    encoders[Type.map.major] = encodeMap;
    encoders[Type.tag.major] = encodeTag;
    encoders[Type.float.major] = encodeFloat;
    return encoders;
  }
  var cborEncoders = makeCborEncoders();
  var buf = new Bl();
  var Ref = class _Ref {
    /**
     * @param {object|any[]} obj
     * @param {Reference|undefined} parent
     */
    constructor(obj, parent) {
      this.obj = obj;
      this.parent = parent;
    }
    /**
     * @param {object|any[]} obj
     * @returns {boolean}
     */
    includes(obj) {
      let p = this;
      do {
        if (p.obj === obj) {
          return true;
        }
      } while (p = p.parent);
      return false;
    }
    /**
     * @param {Reference|undefined} stack
     * @param {object|any[]} obj
     * @returns {Reference}
     */
    static createCheck(stack, obj) {
      if (stack && stack.includes(obj)) {
        throw new Error(`${encodeErrPrefix} object contains circular references`);
      }
      return new _Ref(obj, stack);
    }
  };
  var simpleTokens = {
    null: new Token(Type.null, null),
    undefined: new Token(Type.undefined, void 0),
    true: new Token(Type.true, true),
    false: new Token(Type.false, false),
    emptyArray: new Token(Type.array, 0),
    emptyMap: new Token(Type.map, 0)
  };
  var typeEncoders = {
    /**
     * @param {any} obj
     * @param {string} _typ
     * @param {EncodeOptions} _options
     * @param {Reference} [_refStack]
     * @returns {TokenOrNestedTokens}
     */
    number(obj, _typ, _options, _refStack) {
      if (!Number.isInteger(obj) || !Number.isSafeInteger(obj)) {
        return new Token(Type.float, obj);
      } else if (obj >= 0) {
        return new Token(Type.uint, obj);
      } else {
        return new Token(Type.negint, obj);
      }
    },
    /**
     * @param {any} obj
     * @param {string} _typ
     * @param {EncodeOptions} _options
     * @param {Reference} [_refStack]
     * @returns {TokenOrNestedTokens}
     */
    bigint(obj, _typ, _options, _refStack) {
      if (obj >= BigInt(0)) {
        return new Token(Type.uint, obj);
      } else {
        return new Token(Type.negint, obj);
      }
    },
    /**
     * @param {any} obj
     * @param {string} _typ
     * @param {EncodeOptions} _options
     * @param {Reference} [_refStack]
     * @returns {TokenOrNestedTokens}
     */
    Uint8Array(obj, _typ, _options, _refStack) {
      return new Token(Type.bytes, obj);
    },
    /**
     * @param {any} obj
     * @param {string} _typ
     * @param {EncodeOptions} _options
     * @param {Reference} [_refStack]
     * @returns {TokenOrNestedTokens}
     */
    string(obj, _typ, _options, _refStack) {
      return new Token(Type.string, obj);
    },
    /**
     * @param {any} obj
     * @param {string} _typ
     * @param {EncodeOptions} _options
     * @param {Reference} [_refStack]
     * @returns {TokenOrNestedTokens}
     */
    boolean(obj, _typ, _options, _refStack) {
      return obj ? simpleTokens.true : simpleTokens.false;
    },
    /**
     * @param {any} _obj
     * @param {string} _typ
     * @param {EncodeOptions} _options
     * @param {Reference} [_refStack]
     * @returns {TokenOrNestedTokens}
     */
    null(_obj, _typ, _options, _refStack) {
      return simpleTokens.null;
    },
    /**
     * @param {any} _obj
     * @param {string} _typ
     * @param {EncodeOptions} _options
     * @param {Reference} [_refStack]
     * @returns {TokenOrNestedTokens}
     */
    undefined(_obj, _typ, _options, _refStack) {
      return simpleTokens.undefined;
    },
    /**
     * @param {any} obj
     * @param {string} _typ
     * @param {EncodeOptions} _options
     * @param {Reference} [_refStack]
     * @returns {TokenOrNestedTokens}
     */
    ArrayBuffer(obj, _typ, _options, _refStack) {
      return new Token(Type.bytes, new Uint8Array(obj));
    },
    /**
     * @param {any} obj
     * @param {string} _typ
     * @param {EncodeOptions} _options
     * @param {Reference} [_refStack]
     * @returns {TokenOrNestedTokens}
     */
    DataView(obj, _typ, _options, _refStack) {
      return new Token(Type.bytes, new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength));
    },
    /**
     * @param {any} obj
     * @param {string} _typ
     * @param {EncodeOptions} options
     * @param {Reference} [refStack]
     * @returns {TokenOrNestedTokens}
     */
    Array(obj, _typ, options, refStack) {
      if (!obj.length) {
        if (options.addBreakTokens === true) {
          return [simpleTokens.emptyArray, new Token(Type.break)];
        }
        return simpleTokens.emptyArray;
      }
      refStack = Ref.createCheck(refStack, obj);
      const entries = [];
      let i = 0;
      for (const e of obj) {
        entries[i++] = objectToTokens(e, options, refStack);
      }
      if (options.addBreakTokens) {
        return [new Token(Type.array, obj.length), entries, new Token(Type.break)];
      }
      return [new Token(Type.array, obj.length), entries];
    },
    /**
     * @param {any} obj
     * @param {string} typ
     * @param {EncodeOptions} options
     * @param {Reference} [refStack]
     * @returns {TokenOrNestedTokens}
     */
    Object(obj, typ, options, refStack) {
      const isMap = typ !== "Object";
      const keys = isMap ? obj.keys() : Object.keys(obj);
      const length = isMap ? obj.size : keys.length;
      if (!length) {
        if (options.addBreakTokens === true) {
          return [simpleTokens.emptyMap, new Token(Type.break)];
        }
        return simpleTokens.emptyMap;
      }
      refStack = Ref.createCheck(refStack, obj);
      const entries = [];
      let i = 0;
      for (const key2 of keys) {
        entries[i++] = [
          objectToTokens(key2, options, refStack),
          objectToTokens(isMap ? obj.get(key2) : obj[key2], options, refStack)
        ];
      }
      sortMapEntries(entries, options);
      if (options.addBreakTokens) {
        return [new Token(Type.map, length), entries, new Token(Type.break)];
      }
      return [new Token(Type.map, length), entries];
    }
  };
  typeEncoders.Map = typeEncoders.Object;
  typeEncoders.Buffer = typeEncoders.Uint8Array;
  for (const typ of "Uint8Clamped Uint16 Uint32 Int8 Int16 Int32 BigUint64 BigInt64 Float32 Float64".split(" ")) {
    typeEncoders[`${typ}Array`] = typeEncoders.DataView;
  }
  function objectToTokens(obj, options = {}, refStack) {
    const typ = is(obj);
    const customTypeEncoder = options && options.typeEncoders && /** @type {OptionalTypeEncoder} */
    options.typeEncoders[typ] || typeEncoders[typ];
    if (typeof customTypeEncoder === "function") {
      const tokens = customTypeEncoder(obj, typ, options, refStack);
      if (tokens != null) {
        return tokens;
      }
    }
    const typeEncoder = typeEncoders[typ];
    if (!typeEncoder) {
      throw new Error(`${encodeErrPrefix} unsupported type: ${typ}`);
    }
    return typeEncoder(obj, typ, options, refStack);
  }
  function sortMapEntries(entries, options) {
    if (options.mapSorter) {
      entries.sort(options.mapSorter);
    }
  }

  // node_modules/cborg/lib/decode.js
  var defaultDecodeOptions = {
    strict: false,
    allowIndefinite: true,
    allowUndefined: true,
    allowBigInt: true
  };
  var Tokeniser = class {
    /**
     * @param {Uint8Array} data
     * @param {DecodeOptions} options
     */
    constructor(data, options = {}) {
      this._pos = 0;
      this.data = data;
      this.options = options;
    }
    pos() {
      return this._pos;
    }
    done() {
      return this._pos >= this.data.length;
    }
    next() {
      const byt = this.data[this._pos];
      let token = quick[byt];
      if (token === void 0) {
        const decoder = jump[byt];
        if (!decoder) {
          throw new Error(`${decodeErrPrefix} no decoder for major type ${byt >>> 5} (byte 0x${byt.toString(16).padStart(2, "0")})`);
        }
        const minor = byt & 31;
        token = decoder(this.data, this._pos, minor, this.options);
      }
      this._pos += token.encodedLength;
      return token;
    }
  };
  var DONE = Symbol.for("DONE");
  var BREAK = Symbol.for("BREAK");
  function tokenToArray(token, tokeniser, options) {
    const arr = [];
    for (let i = 0; i < token.value; i++) {
      const value = tokensToObject(tokeniser, options);
      if (value === BREAK) {
        if (token.value === Infinity) {
          break;
        }
        throw new Error(`${decodeErrPrefix} got unexpected break to lengthed array`);
      }
      if (value === DONE) {
        throw new Error(`${decodeErrPrefix} found array but not enough entries (got ${i}, expected ${token.value})`);
      }
      arr[i] = value;
    }
    return arr;
  }
  function tokenToMap(token, tokeniser, options) {
    const useMaps = options.useMaps === true;
    const obj = useMaps ? void 0 : {};
    const m = useMaps ? /* @__PURE__ */ new Map() : void 0;
    for (let i = 0; i < token.value; i++) {
      const key2 = tokensToObject(tokeniser, options);
      if (key2 === BREAK) {
        if (token.value === Infinity) {
          break;
        }
        throw new Error(`${decodeErrPrefix} got unexpected break to lengthed map`);
      }
      if (key2 === DONE) {
        throw new Error(`${decodeErrPrefix} found map but not enough entries (got ${i} [no key], expected ${token.value})`);
      }
      if (useMaps !== true && typeof key2 !== "string") {
        throw new Error(`${decodeErrPrefix} non-string keys not supported (got ${typeof key2})`);
      }
      if (options.rejectDuplicateMapKeys === true) {
        if (useMaps && m.has(key2) || !useMaps && key2 in obj) {
          throw new Error(`${decodeErrPrefix} found repeat map key "${key2}"`);
        }
      }
      const value = tokensToObject(tokeniser, options);
      if (value === DONE) {
        throw new Error(`${decodeErrPrefix} found map but not enough entries (got ${i} [no value], expected ${token.value})`);
      }
      if (useMaps) {
        m.set(key2, value);
      } else {
        obj[key2] = value;
      }
    }
    return useMaps ? m : obj;
  }
  function tokensToObject(tokeniser, options) {
    if (tokeniser.done()) {
      return DONE;
    }
    const token = tokeniser.next();
    if (token.type === Type.break) {
      return BREAK;
    }
    if (token.type.terminal) {
      return token.value;
    }
    if (token.type === Type.array) {
      return tokenToArray(token, tokeniser, options);
    }
    if (token.type === Type.map) {
      return tokenToMap(token, tokeniser, options);
    }
    if (token.type === Type.tag) {
      if (options.tags && typeof options.tags[token.value] === "function") {
        const tagged = tokensToObject(tokeniser, options);
        return options.tags[token.value](tagged);
      }
      throw new Error(`${decodeErrPrefix} tag not supported (${token.value})`);
    }
    throw new Error("unsupported");
  }
  function decodeFirst(data, options) {
    if (!(data instanceof Uint8Array)) {
      throw new Error(`${decodeErrPrefix} data to decode must be a Uint8Array`);
    }
    options = Object.assign({}, defaultDecodeOptions, options);
    const tokeniser = options.tokenizer || new Tokeniser(data, options);
    const decoded = tokensToObject(tokeniser, options);
    if (decoded === DONE) {
      throw new Error(`${decodeErrPrefix} did not find any content to decode`);
    }
    if (decoded === BREAK) {
      throw new Error(`${decodeErrPrefix} got unexpected break`);
    }
    return [decoded, data.subarray(tokeniser.pos())];
  }
  function decode(data, options) {
    const [decoded, remainder] = decodeFirst(data, options);
    if (remainder.length > 0) {
      throw new Error(`${decodeErrPrefix} too many terminals, data makes no sense`);
    }
    return decoded;
  }

  // src/views/sha256.ts
  var K = new Uint32Array([
    1116352408,
    1899447441,
    3049323471,
    3921009573,
    961987163,
    1508970993,
    2453635748,
    2870763221,
    3624381080,
    310598401,
    607225278,
    1426881987,
    1925078388,
    2162078206,
    2614888103,
    3248222580,
    3835390401,
    4022224774,
    264347078,
    604807628,
    770255983,
    1249150122,
    1555081692,
    1996064986,
    2554220882,
    2821834349,
    2952996808,
    3210313671,
    3336571891,
    3584528711,
    113926993,
    338241895,
    666307205,
    773529912,
    1294757372,
    1396182291,
    1695183700,
    1986661051,
    2177026350,
    2456956037,
    2730485921,
    2820302411,
    3259730800,
    3345764771,
    3516065817,
    3600352804,
    4094571909,
    275423344,
    430227734,
    506948616,
    659060556,
    883997877,
    958139571,
    1322822218,
    1537002063,
    1747873779,
    1955562222,
    2024104815,
    2227730452,
    2361852424,
    2428436474,
    2756734187,
    3204031479,
    3329325298
  ]);
  function sha256Sync(data) {
    const h = new Uint32Array([1779033703, 3144134277, 1013904242, 2773480762, 1359893119, 2600822924, 528734635, 1541459225]);
    const blocks = Math.ceil((data.length + 9) / 64);
    const m = new Uint8Array(blocks * 64);
    m.set(data);
    m[data.length] = 128;
    const bits = data.length * 8;
    const view = new DataView(m.buffer);
    view.setUint32(m.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(m.length - 4, bits >>> 0);
    const w = new Uint32Array(64);
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(b * 64 + i * 4);
      for (let i = 16; i < 64; i++) {
        const x = w[i - 15];
        const y = w[i - 2];
        const s0 = (x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ x >>> 3;
        const s1 = (y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ y >>> 10;
        w[i] = w[i - 16] + s0 + w[i - 7] + s1 | 0;
      }
      let [a, bb, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const S1 = (e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7);
        const ch = e & f ^ ~e & g;
        const t1 = hh + S1 + ch + K[i] + w[i] | 0;
        const S0 = (a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10);
        const maj = a & bb ^ a & c ^ bb & c;
        const t2 = S0 + maj | 0;
        hh = g;
        g = f;
        f = e;
        e = d + t1 | 0;
        d = c;
        c = bb;
        bb = a;
        a = t1 + t2 | 0;
      }
      h[0] += a;
      h[1] += bb;
      h[2] += c;
      h[3] += d;
      h[4] += e;
      h[5] += f;
      h[6] += g;
      h[7] += hh;
    }
    const out = new Uint8Array(32);
    const ov = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) ov.setUint32(i * 4, h[i]);
    return out;
  }

  // src/nip.ts
  var MAGIC = "NIPNIP";
  var VERSION = 2;
  var MAX_DEPTH = 40;
  var MAX_REFS = 2e7;
  var FormatError = class extends Error {
  };
  function link(bytes2) {
    if (!(bytes2 instanceof Uint8Array) || bytes2[0] !== 0) throw new FormatError("a link (tag 42) that is not a 0x00-prefixed binary CID");
    return CID.decode(bytes2.subarray(1));
  }
  var tags = [];
  tags[42] = link;
  function dagCbor(cid, data) {
    try {
      return decode(data, {
        tags,
        strict: true,
        useMaps: true,
        rejectDuplicateMapKeys: true,
        allowIndefinite: false,
        allowUndefined: false,
        allowInfinity: false,
        allowNaN: false,
        allowBigInt: false
      });
    } catch (e) {
      throw new FormatError(`block ${cid} is not valid DAG-CBOR (${e.message})`);
    }
  }
  function body(cid, data, kind2) {
    if (cid.codec !== DAG_CBOR) throw new FormatError(`block ${cid} is not a nip block (its codec is 0x${cid.codec.toString(16)}, not dag-cbor); is this the address of a nip repository?`);
    const v = dagCbor(cid, data);
    if (!Array.isArray(v) || v.length !== 4 || v[0] !== MAGIC) {
      throw new FormatError(`block ${cid} is not a nip block (no NIPNIP header); is this the address of a nip repository?`);
    }
    if (v[1] !== VERSION) {
      throw new FormatError(`block ${cid} uses nip format version ${String(v[1])}; this viewer reads version ${VERSION} (use nip itself: git clone nip::/ipfs/${cid})`);
    }
    if (v[2] !== kind2) throw new FormatError(`block ${cid} is a nip ${JSON.stringify(v[2])} block where a nip ${kind2} block was expected`);
    return v[3];
  }
  function bad(cid, kind2, why) {
    return new FormatError(`block ${cid} is a damaged nip ${kind2} block: ${why}`);
  }
  function isHash(v) {
    return v instanceof Uint8Array && v.length === 20;
  }
  var INDEX_KEYS = ["head", "refs", "packs", "counts", "objects", "previous"];
  async function readIndex(gw, cid) {
    const b = body(cid, await gw.block(cid), "index");
    const no = (why) => bad(cid, "index", why);
    if (!(b instanceof Map)) throw no("its body is not a map");
    const keys = [...b.keys()];
    if (keys.length !== INDEX_KEYS.length || !INDEX_KEYS.every((k) => b.has(k))) throw no(`its keys are ${keys.map(String).join(", ")}`);
    const head = b.get("head");
    if (head !== null && typeof head !== "string") throw no("head is not a text or null");
    if (head !== null) checkRefName(head, cid);
    const linkOrNull = (k, nullable) => {
      const v = b.get(k);
      if (v instanceof CID) return v;
      if (v === null && nullable) return null;
      throw no(`${k} is not a link`);
    };
    const c = b.get("counts");
    if (!(c instanceof Map) || c.size !== 4) throw no("counts is not a map of four counts");
    const count = (k) => {
      const n = c.get(k);
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw no(`counts.${k} is not a count`);
      return n;
    };
    return {
      cid,
      head,
      refs: linkOrNull("refs", false),
      packs: linkOrNull("packs", true),
      objects: linkOrNull("objects", false),
      previous: linkOrNull("previous", true),
      counts: { commit: count("commit"), tree: count("tree"), blob: count("blob"), tag: count("tag") }
    };
  }
  function nibble(key2, depth) {
    const b = key2[depth >> 1];
    return depth % 2 === 0 ? b >> 4 : b & 15;
  }
  function compare2(a, b) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }
  async function readRefs(gw, root, indexCid) {
    const out = [];
    const seen = /* @__PURE__ */ new Set([root.toString()]);
    let level = [{ path: [], cid: root }];
    for (let depth = 0; level.length > 0; depth++) {
      const next = [];
      const datas = await Promise.all(level.map((s) => gw.block(s.cid)));
      for (let i = 0; i < level.length; i++) {
        const { path, cid } = level[i];
        const data = datas[i];
        let kind2;
        try {
          body(cid, data, "refs-leaf");
          kind2 = "refs-leaf";
        } catch (e) {
          if (!(e instanceof FormatError) || !/ block where a nip refs-leaf block/.test(e.message)) throw e;
          kind2 = "refs-node";
        }
        const b = body(cid, data, kind2);
        if (!Array.isArray(b)) throw bad(cid, kind2, "its body is not an array");
        if (kind2 === "refs-node") {
          if (depth >= MAX_DEPTH) throw bad(cid, kind2, "a node deeper than any key");
          if (b.length !== 16) throw bad(cid, kind2, `a node of ${b.length} slots, not 16`);
          b.forEach((slot, n) => {
            if (slot === null) return;
            if (!(slot instanceof CID)) throw bad(cid, kind2, `slot ${n} is neither a link nor null`);
            if (seen.has(slot.toString())) throw bad(cid, kind2, `shard ${slot} is linked twice`);
            seen.add(slot.toString());
            next.push({ path: [...path, n], cid: slot });
          });
          continue;
        }
        let last = null;
        for (const e of b) {
          if (!Array.isArray(e) || e.length !== 2 && e.length !== 3 || typeof e[0] !== "string" || !isHash(e[1]) || e.length === 3 && !isHash(e[2])) {
            throw bad(cid, kind2, "an entry is not [name, git hash] or [name, git hash, peeled]");
          }
          checkRefName(e[0], indexCid);
        }
        const keys = b.map((e) => sha256Sync(new TextEncoder().encode(e[0])));
        for (const [n, e] of b.entries()) {
          const name = e[0];
          const key2 = keys[n].subarray(0, 20);
          if (last !== null && compare2(last, key2) >= 0) throw bad(cid, kind2, "leaf entries are not sorted by key and unique");
          last = key2;
          if (!path.every((n2, d) => nibble(key2, d) === n2)) throw bad(cid, kind2, "a leaf holds an entry that belongs elsewhere in the trie");
          if (out.length >= MAX_REFS) throw bad(cid, kind2, `more than ${MAX_REFS} refs`);
          out.push({ name, target: hex(e[1]), peeled: e.length === 3 ? hex(e[2]) : null });
        }
      }
      level = next;
    }
    out.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (let i = 1; i < out.length; i++) if (out[i].name === out[i - 1].name) throw new FormatError(`index ${indexCid} lists ref ${out[i].name} twice`);
    return out;
  }
  function checkRefName(name, indexCid) {
    const why = refNameProblem(name);
    if (why !== null) throw new FormatError(`index ${indexCid} holds an invalid ref name (${why}); the repository cannot be shown`);
  }
  function refNameProblem(name) {
    if (!name.startsWith("refs/")) return "it does not start with refs/";
    if (new TextEncoder().encode(name).length > 4096) return "it is longer than 4,096 bytes";
    if (/[\u0000-\u0020\u007f-\u009f~^:?*[\\\u202a-\u202e\u2066-\u2069]/.test(name)) return "it holds a control character, a space, a bidi override or one of ~ ^ : ? * [ \\";
    if (name.includes("..") || name.includes("@{")) return "it holds .. or @{";
    if (name.endsWith("/") || name.endsWith(".")) return "it ends with / or .";
    for (const c of name.split("/")) {
      if (c === "") return "it has an empty component";
      if (c.startsWith(".")) return "a component starts with .";
      if (c.endsWith(".lock")) return "a component ends with .lock";
    }
    return null;
  }

  // node_modules/pako/dist/pako.mjs
  var Z_FIXED$1 = 4;
  var Z_BINARY = 0;
  var Z_TEXT = 1;
  var Z_UNKNOWN = 2;
  function zero$1(buf2) {
    let len = buf2.length;
    while (--len >= 0) buf2[len] = 0;
  }
  var STORED_BLOCK = 0;
  var STATIC_TREES = 1;
  var DYN_TREES = 2;
  var LENGTH_CODES = 29;
  var LITERALS = 256;
  var L_CODES = 286;
  var D_CODES = 30;
  var BL_CODES = 19;
  var HEAP_SIZE$1 = 573;
  var MAX_BITS = 15;
  var Buf_size = 16;
  var END_BLOCK = 256;
  var REP_3_6 = 16;
  var REPZ_3_10 = 17;
  var REPZ_11_138 = 18;
  var extra_lbits = new Uint8Array([
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    1,
    1,
    1,
    2,
    2,
    2,
    2,
    3,
    3,
    3,
    3,
    4,
    4,
    4,
    4,
    5,
    5,
    5,
    5,
    0
  ]);
  var extra_dbits = new Uint8Array([
    0,
    0,
    0,
    0,
    1,
    1,
    2,
    2,
    3,
    3,
    4,
    4,
    5,
    5,
    6,
    6,
    7,
    7,
    8,
    8,
    9,
    9,
    10,
    10,
    11,
    11,
    12,
    12,
    13,
    13
  ]);
  var extra_blbits = new Uint8Array([
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    2,
    3,
    7
  ]);
  var bl_order = new Uint8Array([
    16,
    17,
    18,
    0,
    8,
    7,
    9,
    6,
    10,
    5,
    11,
    4,
    12,
    3,
    13,
    2,
    14,
    1,
    15
  ]);
  var DIST_CODE_LEN = 512;
  var static_ltree = new Array(288 * 2);
  zero$1(static_ltree);
  var static_dtree = new Array(D_CODES * 2);
  zero$1(static_dtree);
  var _dist_code = new Array(DIST_CODE_LEN);
  zero$1(_dist_code);
  var _length_code = new Array(256);
  zero$1(_length_code);
  var base_length = new Array(LENGTH_CODES);
  zero$1(base_length);
  var base_dist = new Array(D_CODES);
  zero$1(base_dist);
  var d_code = (dist) => {
    return dist < 256 ? _dist_code[dist] : _dist_code[256 + (dist >>> 7)];
  };
  var put_short = (s, w) => {
    s.pending_buf[s.pending++] = w & 255;
    s.pending_buf[s.pending++] = w >>> 8 & 255;
  };
  var send_bits = (s, value, length) => {
    if (s.bi_valid > Buf_size - length) {
      s.bi_buf |= value << s.bi_valid & 65535;
      put_short(s, s.bi_buf);
      s.bi_buf = value >> Buf_size - s.bi_valid;
      s.bi_valid += length - Buf_size;
    } else {
      s.bi_buf |= value << s.bi_valid & 65535;
      s.bi_valid += length;
    }
  };
  var send_code = (s, c, tree) => {
    send_bits(s, tree[c * 2], tree[c * 2 + 1]);
  };
  var bi_reverse = (code, len) => {
    let res = 0;
    do {
      res |= code & 1;
      code >>>= 1;
      res <<= 1;
    } while (--len > 0);
    return res >>> 1;
  };
  var gen_bitlen = (s, desc) => {
    const tree = desc.dyn_tree;
    const max_code = desc.max_code;
    const stree = desc.stat_desc.static_tree;
    const has_stree = desc.stat_desc.has_stree;
    const extra = desc.stat_desc.extra_bits;
    const base2 = desc.stat_desc.extra_base;
    const max_length = desc.stat_desc.max_length;
    let h;
    let n, m;
    let bits;
    let xbits;
    let f;
    let overflow = 0;
    for (bits = 0; bits <= MAX_BITS; bits++) s.bl_count[bits] = 0;
    tree[s.heap[s.heap_max] * 2 + 1] = 0;
    for (h = s.heap_max + 1; h < HEAP_SIZE$1; h++) {
      n = s.heap[h];
      bits = tree[tree[n * 2 + 1] * 2 + 1] + 1;
      if (bits > max_length) {
        bits = max_length;
        overflow++;
      }
      tree[n * 2 + 1] = bits;
      if (n > max_code) continue;
      s.bl_count[bits]++;
      xbits = 0;
      if (n >= base2) xbits = extra[n - base2];
      f = tree[n * 2];
      s.opt_len += f * (bits + xbits);
      if (has_stree) s.static_len += f * (stree[n * 2 + 1] + xbits);
    }
    if (overflow === 0) return;
    do {
      bits = max_length - 1;
      while (s.bl_count[bits] === 0) bits--;
      s.bl_count[bits]--;
      s.bl_count[bits + 1] += 2;
      s.bl_count[max_length]--;
      overflow -= 2;
    } while (overflow > 0);
    for (bits = max_length; bits !== 0; bits--) {
      n = s.bl_count[bits];
      while (n !== 0) {
        m = s.heap[--h];
        if (m > max_code) continue;
        if (tree[m * 2 + 1] !== bits) {
          s.opt_len += (bits - tree[m * 2 + 1]) * tree[m * 2];
          tree[m * 2 + 1] = bits;
        }
        n--;
      }
    }
  };
  var gen_codes = (tree, max_code, bl_count) => {
    const next_code = new Array(16);
    let code = 0;
    let bits;
    let n;
    for (bits = 1; bits <= MAX_BITS; bits++) {
      code = code + bl_count[bits - 1] << 1;
      next_code[bits] = code;
    }
    for (n = 0; n <= max_code; n++) {
      let len = tree[n * 2 + 1];
      if (len === 0) continue;
      tree[n * 2] = bi_reverse(next_code[len]++, len);
    }
  };
  var init_block = (s) => {
    let n;
    for (n = 0; n < L_CODES; n++) s.dyn_ltree[n * 2] = 0;
    for (n = 0; n < D_CODES; n++) s.dyn_dtree[n * 2] = 0;
    for (n = 0; n < BL_CODES; n++) s.bl_tree[n * 2] = 0;
    s.dyn_ltree[END_BLOCK * 2] = 1;
    s.opt_len = s.static_len = 0;
    s.sym_next = s.matches = 0;
  };
  var bi_windup = (s) => {
    if (s.bi_valid > 8) put_short(s, s.bi_buf);
    else if (s.bi_valid > 0) s.pending_buf[s.pending++] = s.bi_buf;
    s.bi_buf = 0;
    s.bi_valid = 0;
  };
  var smaller = (tree, n, m, depth) => {
    const _n2 = n * 2;
    const _m2 = m * 2;
    return tree[_n2] < tree[_m2] || tree[_n2] === tree[_m2] && depth[n] <= depth[m];
  };
  var pqdownheap = (s, tree, k) => {
    const v = s.heap[k];
    let j = k << 1;
    while (j <= s.heap_len) {
      if (j < s.heap_len && smaller(tree, s.heap[j + 1], s.heap[j], s.depth)) j++;
      if (smaller(tree, v, s.heap[j], s.depth)) break;
      s.heap[k] = s.heap[j];
      k = j;
      j <<= 1;
    }
    s.heap[k] = v;
  };
  var compress_block = (s, ltree, dtree) => {
    let dist;
    let lc;
    let sx = 0;
    let code;
    let extra;
    if (s.sym_next !== 0) do {
      dist = s.pending_buf[s.sym_buf + sx++] & 255;
      dist += (s.pending_buf[s.sym_buf + sx++] & 255) << 8;
      lc = s.pending_buf[s.sym_buf + sx++];
      if (dist === 0) send_code(s, lc, ltree);
      else {
        code = _length_code[lc];
        send_code(s, code + LITERALS + 1, ltree);
        extra = extra_lbits[code];
        if (extra !== 0) {
          lc -= base_length[code];
          send_bits(s, lc, extra);
        }
        dist--;
        code = d_code(dist);
        send_code(s, code, dtree);
        extra = extra_dbits[code];
        if (extra !== 0) {
          dist -= base_dist[code];
          send_bits(s, dist, extra);
        }
      }
    } while (sx < s.sym_next);
    send_code(s, END_BLOCK, ltree);
  };
  var build_tree = (s, desc) => {
    const tree = desc.dyn_tree;
    const stree = desc.stat_desc.static_tree;
    const has_stree = desc.stat_desc.has_stree;
    const elems = desc.stat_desc.elems;
    let n, m;
    let max_code = -1;
    let node;
    s.heap_len = 0;
    s.heap_max = HEAP_SIZE$1;
    for (n = 0; n < elems; n++) if (tree[n * 2] !== 0) {
      s.heap[++s.heap_len] = max_code = n;
      s.depth[n] = 0;
    } else tree[n * 2 + 1] = 0;
    while (s.heap_len < 2) {
      node = s.heap[++s.heap_len] = max_code < 2 ? ++max_code : 0;
      tree[node * 2] = 1;
      s.depth[node] = 0;
      s.opt_len--;
      if (has_stree) s.static_len -= stree[node * 2 + 1];
    }
    desc.max_code = max_code;
    for (n = s.heap_len >> 1; n >= 1; n--) pqdownheap(s, tree, n);
    node = elems;
    do {
      n = s.heap[1];
      s.heap[1] = s.heap[s.heap_len--];
      pqdownheap(s, tree, 1);
      m = s.heap[1];
      s.heap[--s.heap_max] = n;
      s.heap[--s.heap_max] = m;
      tree[node * 2] = tree[n * 2] + tree[m * 2];
      s.depth[node] = (s.depth[n] >= s.depth[m] ? s.depth[n] : s.depth[m]) + 1;
      tree[n * 2 + 1] = tree[m * 2 + 1] = node;
      s.heap[1] = node++;
      pqdownheap(s, tree, 1);
    } while (s.heap_len >= 2);
    s.heap[--s.heap_max] = s.heap[1];
    gen_bitlen(s, desc);
    gen_codes(tree, max_code, s.bl_count);
  };
  var scan_tree = (s, tree, max_code) => {
    let n;
    let prevlen = -1;
    let curlen;
    let nextlen = tree[1];
    let count = 0;
    let max_count = 7;
    let min_count = 4;
    if (nextlen === 0) {
      max_count = 138;
      min_count = 3;
    }
    tree[(max_code + 1) * 2 + 1] = 65535;
    for (n = 0; n <= max_code; n++) {
      curlen = nextlen;
      nextlen = tree[(n + 1) * 2 + 1];
      if (++count < max_count && curlen === nextlen) continue;
      else if (count < min_count) s.bl_tree[curlen * 2] += count;
      else if (curlen !== 0) {
        if (curlen !== prevlen) s.bl_tree[curlen * 2]++;
        s.bl_tree[REP_3_6 * 2]++;
      } else if (count <= 10) s.bl_tree[REPZ_3_10 * 2]++;
      else s.bl_tree[REPZ_11_138 * 2]++;
      count = 0;
      prevlen = curlen;
      if (nextlen === 0) {
        max_count = 138;
        min_count = 3;
      } else if (curlen === nextlen) {
        max_count = 6;
        min_count = 3;
      } else {
        max_count = 7;
        min_count = 4;
      }
    }
  };
  var send_tree = (s, tree, max_code) => {
    let n;
    let prevlen = -1;
    let curlen;
    let nextlen = tree[1];
    let count = 0;
    let max_count = 7;
    let min_count = 4;
    if (nextlen === 0) {
      max_count = 138;
      min_count = 3;
    }
    for (n = 0; n <= max_code; n++) {
      curlen = nextlen;
      nextlen = tree[(n + 1) * 2 + 1];
      if (++count < max_count && curlen === nextlen) continue;
      else if (count < min_count) do
        send_code(s, curlen, s.bl_tree);
      while (--count !== 0);
      else if (curlen !== 0) {
        if (curlen !== prevlen) {
          send_code(s, curlen, s.bl_tree);
          count--;
        }
        send_code(s, REP_3_6, s.bl_tree);
        send_bits(s, count - 3, 2);
      } else if (count <= 10) {
        send_code(s, REPZ_3_10, s.bl_tree);
        send_bits(s, count - 3, 3);
      } else {
        send_code(s, REPZ_11_138, s.bl_tree);
        send_bits(s, count - 11, 7);
      }
      count = 0;
      prevlen = curlen;
      if (nextlen === 0) {
        max_count = 138;
        min_count = 3;
      } else if (curlen === nextlen) {
        max_count = 6;
        min_count = 3;
      } else {
        max_count = 7;
        min_count = 4;
      }
    }
  };
  var build_bl_tree = (s) => {
    let max_blindex;
    scan_tree(s, s.dyn_ltree, s.l_desc.max_code);
    scan_tree(s, s.dyn_dtree, s.d_desc.max_code);
    build_tree(s, s.bl_desc);
    for (max_blindex = BL_CODES - 1; max_blindex >= 3; max_blindex--) if (s.bl_tree[bl_order[max_blindex] * 2 + 1] !== 0) break;
    s.opt_len += 3 * (max_blindex + 1) + 5 + 5 + 4;
    return max_blindex;
  };
  var send_all_trees = (s, lcodes, dcodes, blcodes) => {
    let rank;
    send_bits(s, lcodes - 257, 5);
    send_bits(s, dcodes - 1, 5);
    send_bits(s, blcodes - 4, 4);
    for (rank = 0; rank < blcodes; rank++) send_bits(s, s.bl_tree[bl_order[rank] * 2 + 1], 3);
    send_tree(s, s.dyn_ltree, lcodes - 1);
    send_tree(s, s.dyn_dtree, dcodes - 1);
  };
  var detect_data_type = (s) => {
    let block_mask = 4093624447;
    let n;
    for (n = 0; n <= 31; n++, block_mask >>>= 1) if (block_mask & 1 && s.dyn_ltree[n * 2] !== 0) return Z_BINARY;
    if (s.dyn_ltree[18] !== 0 || s.dyn_ltree[20] !== 0 || s.dyn_ltree[26] !== 0) return Z_TEXT;
    for (n = 32; n < LITERALS; n++) if (s.dyn_ltree[n * 2] !== 0) return Z_TEXT;
    return Z_BINARY;
  };
  var _tr_stored_block = (s, buf2, stored_len, last) => {
    send_bits(s, (STORED_BLOCK << 1) + (last ? 1 : 0), 3);
    bi_windup(s);
    put_short(s, stored_len);
    put_short(s, ~stored_len);
    if (stored_len) s.pending_buf.set(s.window.subarray(buf2, buf2 + stored_len), s.pending);
    s.pending += stored_len;
  };
  var _tr_flush_block = (s, buf2, stored_len, last) => {
    let opt_lenb, static_lenb;
    let max_blindex = 0;
    if (s.level > 0) {
      if (s.strm.data_type === Z_UNKNOWN) s.strm.data_type = detect_data_type(s);
      build_tree(s, s.l_desc);
      build_tree(s, s.d_desc);
      max_blindex = build_bl_tree(s);
      opt_lenb = s.opt_len + 3 + 7 >>> 3;
      static_lenb = s.static_len + 3 + 7 >>> 3;
      if (static_lenb <= opt_lenb || s.strategy === Z_FIXED$1) opt_lenb = static_lenb;
    } else opt_lenb = static_lenb = stored_len + 5;
    if (stored_len + 4 <= opt_lenb && buf2 !== -1) _tr_stored_block(s, buf2, stored_len, last);
    else if (s.strategy === Z_FIXED$1 || static_lenb === opt_lenb) {
      send_bits(s, (STATIC_TREES << 1) + (last ? 1 : 0), 3);
      compress_block(s, static_ltree, static_dtree);
    } else {
      send_bits(s, (DYN_TREES << 1) + (last ? 1 : 0), 3);
      send_all_trees(s, s.l_desc.max_code + 1, s.d_desc.max_code + 1, max_blindex + 1);
      compress_block(s, s.dyn_ltree, s.dyn_dtree);
    }
    init_block(s);
    if (last) bi_windup(s);
  };
  var _tr_tally = (s, dist, lc) => {
    s.pending_buf[s.sym_buf + s.sym_next++] = dist;
    s.pending_buf[s.sym_buf + s.sym_next++] = dist >> 8;
    s.pending_buf[s.sym_buf + s.sym_next++] = lc;
    if (dist === 0) s.dyn_ltree[lc * 2]++;
    else {
      s.matches++;
      dist--;
      s.dyn_ltree[(_length_code[lc] + LITERALS + 1) * 2]++;
      s.dyn_dtree[d_code(dist) * 2]++;
    }
    return s.sym_next === s.sym_end;
  };
  var adler32 = (adler, buf2, len, pos) => {
    let s1 = adler & 65535 | 0, s2 = adler >>> 16 & 65535 | 0, n = 0;
    while (len !== 0) {
      n = len > 2e3 ? 2e3 : len;
      len -= n;
      do {
        s1 = s1 + buf2[pos++] | 0;
        s2 = s2 + s1 | 0;
      } while (--n);
      s1 %= 65521;
      s2 %= 65521;
    }
    return s1 | s2 << 16 | 0;
  };
  var makeTable = () => {
    const table = new Uint32Array(256 * 8);
    let c;
    for (let n = 0; n < 256; n++) {
      c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 3988292384 ^ c >>> 1 : c >>> 1;
      table[n] = c;
    }
    for (let n = 0; n < 256; n++) {
      c = table[n];
      for (let k = 256; k < 256 * 8; k += 256) {
        c = table[c & 255] ^ c >>> 8;
        table[k + n] = c;
      }
    }
    return table;
  };
  var crcTable = makeTable();
  var crc32 = (crc, buf2, len, pos) => {
    const t = crcTable;
    const end = pos + len;
    let i = pos;
    crc ^= -1;
    for (const end8 = end - 7; i < end8; i += 8) {
      crc ^= buf2[i] | buf2[i + 1] << 8 | buf2[i + 2] << 16 | buf2[i + 3] << 24;
      crc = t[1792 + (crc & 255)] ^ t[1536 + (crc >>> 8 & 255)] ^ t[1280 + (crc >>> 16 & 255)] ^ t[1024 + (crc >>> 24)] ^ t[768 + buf2[i + 4]] ^ t[512 + buf2[i + 5]] ^ t[256 + buf2[i + 6]] ^ t[buf2[i + 7]];
    }
    for (; i < end; i++) crc = crc >>> 8 ^ t[(crc ^ buf2[i]) & 255];
    return crc ^ -1;
  };
  var Z_NO_FLUSH = 0;
  var Z_OK = 0;
  var Z_STREAM_END = 1;
  var Z_BUF_ERROR = -5;
  var MIN_MATCH = 3;
  var MAX_MATCH = 258;
  var MIN_LOOKAHEAD = 262;
  var BS_NEED_MORE = 1;
  var BS_BLOCK_DONE = 2;
  var BS_FINISH_STARTED = 3;
  var BS_FINISH_DONE = 4;
  var slide_hash = (s) => {
    let n, m;
    let p;
    let wsize = s.w_size;
    n = s.hash_size;
    p = n;
    do {
      m = s.head[--p];
      s.head[p] = m >= wsize ? m - wsize : 0;
    } while (--n);
    n = wsize;
    p = n;
    do {
      m = s.prev[--p];
      s.prev[p] = m >= wsize ? m - wsize : 0;
    } while (--n);
  };
  var HASH = (s, prev, data) => (prev << s.hash_shift ^ data) & s.hash_mask;
  var INSERT_STRING = (s, str) => {
    let h;
    if (s.legacy_hash) h = s.ins_h = HASH(s, s.ins_h, s.window[str + MIN_MATCH - 1]);
    else {
      const w = s.window;
      const value = w[str] | w[str + 1] << 8 | w[str + 2] << 16 | w[str + 3] << 24;
      h = s.ins_h = Math.imul(value, 66521) + 66521 >>> 16 & s.hash_mask;
    }
    const hash_head = s.prev[str & s.w_mask] = s.head[h];
    s.head[h] = str;
    return hash_head;
  };
  var flush_pending = (strm) => {
    const s = strm.state;
    let len = s.pending;
    if (len > strm.avail_out) len = strm.avail_out;
    if (len === 0) return;
    strm.output.set(s.pending_buf.subarray(s.pending_out, s.pending_out + len), strm.next_out);
    strm.next_out += len;
    s.pending_out += len;
    strm.total_out += len;
    strm.avail_out -= len;
    s.pending -= len;
    if (s.pending === 0) s.pending_out = 0;
  };
  var flush_block_only = (s, last) => {
    _tr_flush_block(s, s.block_start >= 0 ? s.block_start : -1, s.strstart - s.block_start, last);
    s.block_start = s.strstart;
    flush_pending(s.strm);
  };
  var read_buf = (strm, buf2, start, size) => {
    let len = strm.avail_in;
    if (len > size) len = size;
    if (len === 0) return 0;
    strm.avail_in -= len;
    buf2.set(strm.input.subarray(strm.next_in, strm.next_in + len), start);
    if (strm.state.wrap === 1) strm.adler = adler32(strm.adler, buf2, len, start);
    else if (strm.state.wrap === 2) strm.adler = crc32(strm.adler, buf2, len, start);
    strm.next_in += len;
    strm.total_in += len;
    return len;
  };
  var longest_match = (s, cur_match) => {
    let chain_length = s.max_chain_length;
    let scan2 = s.strstart;
    let match;
    let len;
    let best_len = s.prev_length;
    let nice_match = s.nice_match;
    const limit = s.strstart > s.w_size - MIN_LOOKAHEAD ? s.strstart - (s.w_size - MIN_LOOKAHEAD) : 0;
    const _win = s.window;
    const wmask = s.w_mask;
    const prev = s.prev;
    const strend = s.strstart + MAX_MATCH;
    let scan_end1 = _win[scan2 + best_len - 1];
    let scan_end = _win[scan2 + best_len];
    if (s.prev_length >= s.good_match) chain_length >>= 2;
    if (nice_match > s.lookahead) nice_match = s.lookahead;
    do {
      match = cur_match;
      if (_win[match + best_len] !== scan_end || _win[match + best_len - 1] !== scan_end1 || _win[match] !== _win[scan2] || _win[++match] !== _win[scan2 + 1]) continue;
      scan2 += 2;
      match++;
      do
        ;
      while (_win[++scan2] === _win[++match] && _win[++scan2] === _win[++match] && _win[++scan2] === _win[++match] && _win[++scan2] === _win[++match] && _win[++scan2] === _win[++match] && _win[++scan2] === _win[++match] && _win[++scan2] === _win[++match] && _win[++scan2] === _win[++match] && scan2 < strend);
      len = MAX_MATCH - (strend - scan2);
      scan2 = strend - MAX_MATCH;
      if (len > best_len) {
        s.match_start = cur_match;
        best_len = len;
        if (len >= nice_match) break;
        scan_end1 = _win[scan2 + best_len - 1];
        scan_end = _win[scan2 + best_len];
      }
    } while ((cur_match = prev[cur_match & wmask]) > limit && --chain_length !== 0);
    if (best_len <= s.lookahead) return best_len;
    return s.lookahead;
  };
  var fill_window = (s) => {
    const _w_size = s.w_size;
    let n, more, str;
    do {
      more = s.window_size - s.lookahead - s.strstart;
      if (s.strstart >= _w_size + (_w_size - MIN_LOOKAHEAD)) {
        s.window.set(s.window.subarray(_w_size, _w_size + _w_size - more), 0);
        s.match_start -= _w_size;
        s.strstart -= _w_size;
        s.block_start -= _w_size;
        if (s.insert > s.strstart) s.insert = s.strstart;
        slide_hash(s);
        more += _w_size;
      }
      if (s.strm.avail_in === 0) break;
      n = read_buf(s.strm, s.window, s.strstart + s.lookahead, more);
      s.lookahead += n;
      if (!s.legacy_hash) {
        if (s.lookahead + s.insert > MIN_MATCH) {
          str = s.strstart - s.insert;
          while (s.insert) {
            INSERT_STRING(s, str);
            str++;
            s.insert--;
            if (s.lookahead + s.insert <= MIN_MATCH) break;
          }
        }
      } else if (s.lookahead + s.insert >= MIN_MATCH) {
        str = s.strstart - s.insert;
        s.ins_h = s.window[str];
        s.ins_h = HASH(s, s.ins_h, s.window[str + 1]);
        while (s.insert) {
          INSERT_STRING(s, str);
          str++;
          s.insert--;
          if (s.lookahead + s.insert < MIN_MATCH) break;
        }
      }
    } while (s.lookahead < MIN_LOOKAHEAD && s.strm.avail_in !== 0);
  };
  var deflate_stored = (s, flush) => {
    let min_block = s.pending_buf_size - 5 > s.w_size ? s.w_size : s.pending_buf_size - 5;
    let len, left, have, last = 0;
    let used = s.strm.avail_in;
    do {
      len = 65535;
      have = s.bi_valid + 42 >> 3;
      if (s.strm.avail_out < have) break;
      have = s.strm.avail_out - have;
      left = s.strstart - s.block_start;
      if (len > left + s.strm.avail_in) len = left + s.strm.avail_in;
      if (len > have) len = have;
      if (len < min_block && (len === 0 && flush !== 4 || flush === 0 || len !== left + s.strm.avail_in)) break;
      last = flush === 4 && len === left + s.strm.avail_in ? 1 : 0;
      _tr_stored_block(s, 0, 0, last);
      s.pending_buf[s.pending - 4] = len;
      s.pending_buf[s.pending - 3] = len >> 8;
      s.pending_buf[s.pending - 2] = ~len;
      s.pending_buf[s.pending - 1] = ~len >> 8;
      flush_pending(s.strm);
      if (left) {
        if (left > len) left = len;
        s.strm.output.set(s.window.subarray(s.block_start, s.block_start + left), s.strm.next_out);
        s.strm.next_out += left;
        s.strm.avail_out -= left;
        s.strm.total_out += left;
        s.block_start += left;
        len -= left;
      }
      if (len) {
        read_buf(s.strm, s.strm.output, s.strm.next_out, len);
        s.strm.next_out += len;
        s.strm.avail_out -= len;
        s.strm.total_out += len;
      }
    } while (last === 0);
    used -= s.strm.avail_in;
    if (used) {
      if (used >= s.w_size) {
        s.matches = 2;
        s.window.set(s.strm.input.subarray(s.strm.next_in - s.w_size, s.strm.next_in), 0);
        s.strstart = s.w_size;
        s.insert = s.strstart;
      } else {
        if (s.window_size - s.strstart <= used) {
          s.strstart -= s.w_size;
          s.window.set(s.window.subarray(s.w_size, s.w_size + s.strstart), 0);
          if (s.matches < 2) s.matches++;
          if (s.insert > s.strstart) s.insert = s.strstart;
        }
        s.window.set(s.strm.input.subarray(s.strm.next_in - used, s.strm.next_in), s.strstart);
        s.strstart += used;
        s.insert += used > s.w_size - s.insert ? s.w_size - s.insert : used;
      }
      s.block_start = s.strstart;
    }
    if (s.high_water < s.strstart) s.high_water = s.strstart;
    if (last) return BS_FINISH_DONE;
    if (flush !== 0 && flush !== 4 && s.strm.avail_in === 0 && s.strstart === s.block_start) return BS_BLOCK_DONE;
    have = s.window_size - s.strstart;
    if (s.strm.avail_in > have && s.block_start >= s.w_size) {
      s.block_start -= s.w_size;
      s.strstart -= s.w_size;
      s.window.set(s.window.subarray(s.w_size, s.w_size + s.strstart), 0);
      if (s.matches < 2) s.matches++;
      have += s.w_size;
      if (s.insert > s.strstart) s.insert = s.strstart;
    }
    if (have > s.strm.avail_in) have = s.strm.avail_in;
    if (have) {
      read_buf(s.strm, s.window, s.strstart, have);
      s.strstart += have;
      s.insert += have > s.w_size - s.insert ? s.w_size - s.insert : have;
    }
    if (s.high_water < s.strstart) s.high_water = s.strstart;
    have = s.bi_valid + 42 >> 3;
    have = s.pending_buf_size - have > 65535 ? 65535 : s.pending_buf_size - have;
    min_block = have > s.w_size ? s.w_size : have;
    left = s.strstart - s.block_start;
    if (left >= min_block || (left || flush === 4) && flush !== 0 && s.strm.avail_in === 0 && left <= have) {
      len = left > have ? have : left;
      last = flush === 4 && s.strm.avail_in === 0 && len === left ? 1 : 0;
      _tr_stored_block(s, s.block_start, len, last);
      s.block_start += len;
      flush_pending(s.strm);
    }
    return last ? BS_FINISH_STARTED : BS_NEED_MORE;
  };
  var deflate_fast = (s, flush) => {
    let hash_head;
    let bflush;
    for (; ; ) {
      if (s.lookahead < MIN_LOOKAHEAD) {
        fill_window(s);
        if (s.lookahead < MIN_LOOKAHEAD && flush === 0) return BS_NEED_MORE;
        if (s.lookahead === 0) break;
      }
      hash_head = 0;
      if (s.lookahead >= MIN_MATCH) hash_head = INSERT_STRING(s, s.strstart);
      if (hash_head !== 0 && s.strstart - hash_head <= s.w_size - MIN_LOOKAHEAD) s.match_length = longest_match(s, hash_head);
      if (s.match_length >= MIN_MATCH) {
        bflush = _tr_tally(s, s.strstart - s.match_start, s.match_length - MIN_MATCH);
        s.lookahead -= s.match_length;
        if (s.match_length <= s.max_lazy_match && s.lookahead >= MIN_MATCH) {
          s.match_length--;
          do {
            s.strstart++;
            hash_head = INSERT_STRING(s, s.strstart);
          } while (--s.match_length !== 0);
          s.strstart++;
        } else {
          s.strstart += s.match_length;
          s.match_length = 0;
          if (s.legacy_hash) {
            s.ins_h = s.window[s.strstart];
            s.ins_h = HASH(s, s.ins_h, s.window[s.strstart + 1]);
          }
        }
      } else {
        bflush = _tr_tally(s, 0, s.window[s.strstart]);
        s.lookahead--;
        s.strstart++;
      }
      if (bflush) {
        flush_block_only(s, false);
        if (s.strm.avail_out === 0) return BS_NEED_MORE;
      }
    }
    s.insert = s.strstart < MIN_MATCH - 1 ? s.strstart : MIN_MATCH - 1;
    if (flush === 4) {
      flush_block_only(s, true);
      if (s.strm.avail_out === 0) return BS_FINISH_STARTED;
      return BS_FINISH_DONE;
    }
    if (s.sym_next) {
      flush_block_only(s, false);
      if (s.strm.avail_out === 0) return BS_NEED_MORE;
    }
    return BS_BLOCK_DONE;
  };
  var deflate_slow = (s, flush) => {
    let hash_head;
    let bflush;
    let max_insert;
    for (; ; ) {
      if (s.lookahead < MIN_LOOKAHEAD) {
        fill_window(s);
        if (s.lookahead < MIN_LOOKAHEAD && flush === 0) return BS_NEED_MORE;
        if (s.lookahead === 0) break;
      }
      hash_head = 0;
      if (s.lookahead >= MIN_MATCH) hash_head = INSERT_STRING(s, s.strstart);
      s.prev_length = s.match_length;
      s.prev_match = s.match_start;
      s.match_length = MIN_MATCH - 1;
      if (hash_head !== 0 && s.prev_length < s.max_lazy_match && s.strstart - hash_head <= s.w_size - MIN_LOOKAHEAD) {
        s.match_length = longest_match(s, hash_head);
        if (s.match_length <= 5 && (s.strategy === 1 || s.match_length === MIN_MATCH && s.strstart - s.match_start > 4096)) s.match_length = MIN_MATCH - 1;
      }
      if (s.prev_length >= MIN_MATCH && s.match_length <= s.prev_length) {
        max_insert = s.strstart + s.lookahead - MIN_MATCH;
        bflush = _tr_tally(s, s.strstart - 1 - s.prev_match, s.prev_length - MIN_MATCH);
        s.lookahead -= s.prev_length - 1;
        s.prev_length -= 2;
        do
          if (++s.strstart <= max_insert) hash_head = INSERT_STRING(s, s.strstart);
        while (--s.prev_length !== 0);
        s.match_available = 0;
        s.match_length = MIN_MATCH - 1;
        s.strstart++;
        if (bflush) {
          flush_block_only(s, false);
          if (s.strm.avail_out === 0) return BS_NEED_MORE;
        }
      } else if (s.match_available) {
        bflush = _tr_tally(s, 0, s.window[s.strstart - 1]);
        if (bflush)
          flush_block_only(s, false);
        s.strstart++;
        s.lookahead--;
        if (s.strm.avail_out === 0) return BS_NEED_MORE;
      } else {
        s.match_available = 1;
        s.strstart++;
        s.lookahead--;
      }
    }
    if (s.match_available) {
      bflush = _tr_tally(s, 0, s.window[s.strstart - 1]);
      s.match_available = 0;
    }
    s.insert = s.strstart < MIN_MATCH - 1 ? s.strstart : MIN_MATCH - 1;
    if (flush === 4) {
      flush_block_only(s, true);
      if (s.strm.avail_out === 0) return BS_FINISH_STARTED;
      return BS_FINISH_DONE;
    }
    if (s.sym_next) {
      flush_block_only(s, false);
      if (s.strm.avail_out === 0) return BS_NEED_MORE;
    }
    return BS_BLOCK_DONE;
  };
  var Config = class {
    constructor(good_length, max_lazy, nice_length, max_chain, func) {
      this.good_length = good_length;
      this.max_lazy = max_lazy;
      this.nice_length = nice_length;
      this.max_chain = max_chain;
      this.func = func;
    }
  };
  var configuration_table = [
    new Config(0, 0, 0, 0, deflate_stored),
    new Config(4, 4, 8, 4, deflate_fast),
    new Config(4, 5, 16, 8, deflate_fast),
    new Config(4, 6, 32, 32, deflate_fast),
    new Config(4, 4, 16, 16, deflate_slow),
    new Config(8, 16, 32, 32, deflate_slow),
    new Config(8, 16, 128, 128, deflate_slow),
    new Config(8, 32, 128, 256, deflate_slow),
    new Config(32, 128, 258, 1024, deflate_slow),
    new Config(32, 258, 258, 4096, deflate_slow)
  ];
  var BAD$1 = 16209;
  var TYPE$1 = 16191;
  function inflate_fast(strm, start) {
    let _in;
    let last;
    let _out;
    let beg;
    let end;
    let dmax;
    let wsize;
    let whave;
    let wnext;
    let s_window;
    let hold2;
    let bits;
    let lcode;
    let dcode;
    let lmask;
    let dmask;
    let here;
    let op;
    let len;
    let dist;
    let from;
    let from_source;
    let input, output;
    const state = strm.state;
    _in = strm.next_in;
    input = strm.input;
    last = _in + (strm.avail_in - 5);
    _out = strm.next_out;
    output = strm.output;
    beg = _out - (start - strm.avail_out);
    end = _out + (strm.avail_out - 257);
    dmax = state.dmax;
    wsize = state.wsize;
    whave = state.whave;
    wnext = state.wnext;
    s_window = state.window;
    hold2 = state.hold;
    bits = state.bits;
    lcode = state.lencode;
    dcode = state.distcode;
    lmask = (1 << state.lenbits) - 1;
    dmask = (1 << state.distbits) - 1;
    top: do {
      if (bits < 15) {
        hold2 += input[_in++] << bits;
        bits += 8;
        hold2 += input[_in++] << bits;
        bits += 8;
      }
      here = lcode[hold2 & lmask];
      dolen: for (; ; ) {
        op = here >>> 24;
        hold2 >>>= op;
        bits -= op;
        op = here >>> 16 & 255;
        if (op === 0) output[_out++] = here & 65535;
        else if (op & 16) {
          len = here & 65535;
          op &= 15;
          if (op) {
            if (bits < op) {
              hold2 += input[_in++] << bits;
              bits += 8;
            }
            len += hold2 & (1 << op) - 1;
            hold2 >>>= op;
            bits -= op;
          }
          if (bits < 15) {
            hold2 += input[_in++] << bits;
            bits += 8;
            hold2 += input[_in++] << bits;
            bits += 8;
          }
          here = dcode[hold2 & dmask];
          dodist: for (; ; ) {
            op = here >>> 24;
            hold2 >>>= op;
            bits -= op;
            op = here >>> 16 & 255;
            if (op & 16) {
              dist = here & 65535;
              op &= 15;
              if (bits < op) {
                hold2 += input[_in++] << bits;
                bits += 8;
                if (bits < op) {
                  hold2 += input[_in++] << bits;
                  bits += 8;
                }
              }
              dist += hold2 & (1 << op) - 1;
              if (dist > dmax) {
                strm.msg = "invalid distance too far back";
                state.mode = BAD$1;
                break top;
              }
              hold2 >>>= op;
              bits -= op;
              op = _out - beg;
              if (dist > op) {
                op = dist - op;
                if (op > whave) {
                  if (state.sane) {
                    strm.msg = "invalid distance too far back";
                    state.mode = BAD$1;
                    break top;
                  }
                }
                from = 0;
                from_source = s_window;
                if (wnext === 0) {
                  from += wsize - op;
                  if (op < len) {
                    len -= op;
                    do
                      output[_out++] = s_window[from++];
                    while (--op);
                    from = _out - dist;
                    from_source = output;
                  }
                } else if (wnext < op) {
                  from += wsize + wnext - op;
                  op -= wnext;
                  if (op < len) {
                    len -= op;
                    do
                      output[_out++] = s_window[from++];
                    while (--op);
                    from = 0;
                    if (wnext < len) {
                      op = wnext;
                      len -= op;
                      do
                        output[_out++] = s_window[from++];
                      while (--op);
                      from = _out - dist;
                      from_source = output;
                    }
                  }
                } else {
                  from += wnext - op;
                  if (op < len) {
                    len -= op;
                    do
                      output[_out++] = s_window[from++];
                    while (--op);
                    from = _out - dist;
                    from_source = output;
                  }
                }
                while (len > 2) {
                  output[_out++] = from_source[from++];
                  output[_out++] = from_source[from++];
                  output[_out++] = from_source[from++];
                  len -= 3;
                }
                if (len) {
                  output[_out++] = from_source[from++];
                  if (len > 1) output[_out++] = from_source[from++];
                }
              } else {
                from = _out - dist;
                do {
                  output[_out++] = output[from++];
                  output[_out++] = output[from++];
                  output[_out++] = output[from++];
                  len -= 3;
                } while (len > 2);
                if (len) {
                  output[_out++] = output[from++];
                  if (len > 1) output[_out++] = output[from++];
                }
              }
            } else if ((op & 64) === 0) {
              here = dcode[(here & 65535) + (hold2 & (1 << op) - 1)];
              continue dodist;
            } else {
              strm.msg = "invalid distance code";
              state.mode = BAD$1;
              break top;
            }
            break;
          }
        } else if ((op & 64) === 0) {
          here = lcode[(here & 65535) + (hold2 & (1 << op) - 1)];
          continue dolen;
        } else if (op & 32) {
          state.mode = TYPE$1;
          break top;
        } else {
          strm.msg = "invalid literal/length code";
          state.mode = BAD$1;
          break top;
        }
        break;
      }
    } while (_in < last && _out < end);
    len = bits >> 3;
    _in -= len;
    bits -= len << 3;
    hold2 &= (1 << bits) - 1;
    strm.next_in = _in;
    strm.next_out = _out;
    strm.avail_in = _in < last ? 5 + (last - _in) : 5 - (_in - last);
    strm.avail_out = _out < end ? 257 + (end - _out) : 257 - (_out - end);
    state.hold = hold2;
    state.bits = bits;
  }
  var MAXBITS = 15;
  var ENOUGH_LENS$1 = 852;
  var ENOUGH_DISTS$1 = 592;
  var CODES$1 = 0;
  var LENS$1 = 1;
  var DISTS$1 = 2;
  var lbase = new Uint16Array([
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    13,
    15,
    17,
    19,
    23,
    27,
    31,
    35,
    43,
    51,
    59,
    67,
    83,
    99,
    115,
    131,
    163,
    195,
    227,
    258,
    0,
    0
  ]);
  var lext = new Uint8Array([
    16,
    16,
    16,
    16,
    16,
    16,
    16,
    16,
    17,
    17,
    17,
    17,
    18,
    18,
    18,
    18,
    19,
    19,
    19,
    19,
    20,
    20,
    20,
    20,
    21,
    21,
    21,
    21,
    16,
    199,
    75
  ]);
  var dbase = new Uint16Array([
    1,
    2,
    3,
    4,
    5,
    7,
    9,
    13,
    17,
    25,
    33,
    49,
    65,
    97,
    129,
    193,
    257,
    385,
    513,
    769,
    1025,
    1537,
    2049,
    3073,
    4097,
    6145,
    8193,
    12289,
    16385,
    24577,
    0,
    0
  ]);
  var dext = new Uint8Array([
    16,
    16,
    16,
    16,
    17,
    17,
    18,
    18,
    19,
    19,
    20,
    20,
    21,
    21,
    22,
    22,
    23,
    23,
    24,
    24,
    25,
    25,
    26,
    26,
    27,
    27,
    28,
    28,
    29,
    29,
    64,
    64
  ]);
  var inflate_table = (type, lens, lens_index, codes, table, table_index, work, opts) => {
    const bits = opts.bits;
    let len = 0;
    let sym = 0;
    let min = 0, max = 0;
    let root = 0;
    let curr = 0;
    let drop = 0;
    let left = 0;
    let used = 0;
    let huff = 0;
    let incr;
    let fill;
    let low;
    let mask;
    let next;
    let base2 = null;
    let match;
    const count = /* @__PURE__ */ new Uint16Array(16);
    const offs = /* @__PURE__ */ new Uint16Array(16);
    let extra = null;
    let here_bits, here_op, here_val;
    for (len = 0; len <= MAXBITS; len++) count[len] = 0;
    for (sym = 0; sym < codes; sym++) count[lens[lens_index + sym]]++;
    root = bits;
    for (max = MAXBITS; max >= 1; max--) if (count[max] !== 0) break;
    if (root > max) root = max;
    if (max === 0) {
      table[table_index++] = 20971520;
      table[table_index++] = 20971520;
      opts.bits = 1;
      return 0;
    }
    for (min = 1; min < max; min++) if (count[min] !== 0) break;
    if (root < min) root = min;
    left = 1;
    for (len = 1; len <= MAXBITS; len++) {
      left <<= 1;
      left -= count[len];
      if (left < 0) return -1;
    }
    if (left > 0 && (type === CODES$1 || max !== 1)) return -1;
    offs[1] = 0;
    for (len = 1; len < MAXBITS; len++) offs[len + 1] = offs[len] + count[len];
    for (sym = 0; sym < codes; sym++) if (lens[lens_index + sym] !== 0) work[offs[lens[lens_index + sym]]++] = sym;
    if (type === CODES$1) {
      base2 = extra = work;
      match = 20;
    } else if (type === LENS$1) {
      base2 = lbase;
      extra = lext;
      match = 257;
    } else {
      base2 = dbase;
      extra = dext;
      match = 0;
    }
    huff = 0;
    sym = 0;
    len = min;
    next = table_index;
    curr = root;
    drop = 0;
    low = -1;
    used = 1 << root;
    mask = used - 1;
    if (type === LENS$1 && used > ENOUGH_LENS$1 || type === DISTS$1 && used > ENOUGH_DISTS$1) return 1;
    for (; ; ) {
      here_bits = len - drop;
      if (work[sym] + 1 < match) {
        here_op = 0;
        here_val = work[sym];
      } else if (work[sym] >= match) {
        here_op = extra[work[sym] - match];
        here_val = base2[work[sym] - match];
      } else {
        here_op = 96;
        here_val = 0;
      }
      incr = 1 << len - drop;
      fill = 1 << curr;
      min = fill;
      do {
        fill -= incr;
        table[next + (huff >> drop) + fill] = here_bits << 24 | here_op << 16 | here_val | 0;
      } while (fill !== 0);
      incr = 1 << len - 1;
      while (huff & incr) incr >>= 1;
      if (incr !== 0) {
        huff &= incr - 1;
        huff += incr;
      } else huff = 0;
      sym++;
      if (--count[len] === 0) {
        if (len === max) break;
        len = lens[lens_index + work[sym]];
      }
      if (len > root && (huff & mask) !== low) {
        if (drop === 0) drop = root;
        next += min;
        curr = len - drop;
        left = 1 << curr;
        while (curr + drop < max) {
          left -= count[curr + drop];
          if (left <= 0) break;
          curr++;
          left <<= 1;
        }
        used += 1 << curr;
        if (type === LENS$1 && used > ENOUGH_LENS$1 || type === DISTS$1 && used > ENOUGH_DISTS$1) return 1;
        low = huff & mask;
        table[low] = root << 24 | curr << 16 | next - table_index | 0;
      }
    }
    if (huff !== 0) table[next + huff] = len - drop << 24 | 4194304;
    opts.bits = root;
    return 0;
  };
  var CODES = 0;
  var LENS = 1;
  var DISTS = 2;
  var HEAD = 16180;
  var FLAGS = 16181;
  var TIME = 16182;
  var OS = 16183;
  var EXLEN = 16184;
  var EXTRA = 16185;
  var NAME = 16186;
  var COMMENT = 16187;
  var HCRC = 16188;
  var DICTID = 16189;
  var DICT = 16190;
  var TYPE = 16191;
  var TYPEDO = 16192;
  var STORED = 16193;
  var COPY_ = 16194;
  var COPY = 16195;
  var TABLE = 16196;
  var LENLENS = 16197;
  var CODELENS = 16198;
  var LEN_ = 16199;
  var LEN = 16200;
  var LENEXT = 16201;
  var DIST = 16202;
  var DISTEXT = 16203;
  var MATCH = 16204;
  var LIT = 16205;
  var CHECK = 16206;
  var LENGTH = 16207;
  var DONE2 = 16208;
  var BAD = 16209;
  var MEM = 16210;
  var SYNC = 16211;
  var ENOUGH_LENS = 852;
  var ENOUGH_DISTS = 592;
  var DEF_WBITS = 15;
  var zswap32 = (q) => {
    return (q >>> 24 & 255) + (q >>> 8 & 65280) + ((q & 65280) << 8) + ((q & 255) << 24);
  };
  var InflateState = class {
    constructor() {
      this.strm = null;
      this.mode = 0;
      this.last = false;
      this.wrap = 0;
      this.havedict = false;
      this.flags = 0;
      this.dmax = 0;
      this.check = 0;
      this.total = 0;
      this.head = null;
      this.wbits = 0;
      this.wsize = 0;
      this.whave = 0;
      this.wnext = 0;
      this.window = null;
      this.hold = 0;
      this.bits = 0;
      this.length = 0;
      this.offset = 0;
      this.extra = 0;
      this.lencode = null;
      this.distcode = null;
      this.lenbits = 0;
      this.distbits = 0;
      this.ncode = 0;
      this.nlen = 0;
      this.ndist = 0;
      this.have = 0;
      this.next = null;
      this.lens = /* @__PURE__ */ new Uint16Array(320);
      this.work = /* @__PURE__ */ new Uint16Array(288);
      this.lendyn = null;
      this.distdyn = null;
      this.sane = 0;
      this.back = 0;
      this.was = 0;
    }
  };
  var inflateStateCheck = (strm) => {
    if (!strm) return 1;
    const state = strm.state;
    if (!state || state.strm !== strm || state.mode < HEAD || state.mode > SYNC) return 1;
    return 0;
  };
  var inflateResetKeep = (strm) => {
    if (inflateStateCheck(strm)) return -2;
    const state = strm.state;
    strm.total_in = strm.total_out = state.total = 0;
    strm.msg = "";
    if (state.wrap) strm.adler = state.wrap & 1;
    state.mode = HEAD;
    state.last = 0;
    state.havedict = 0;
    state.flags = -1;
    state.dmax = 32768;
    state.head = null;
    state.hold = 0;
    state.bits = 0;
    state.lencode = state.lendyn = new Int32Array(ENOUGH_LENS);
    state.distcode = state.distdyn = new Int32Array(ENOUGH_DISTS);
    state.sane = 1;
    state.back = -1;
    return 0;
  };
  var inflateReset = (strm) => {
    if (inflateStateCheck(strm)) return -2;
    const state = strm.state;
    state.wsize = 0;
    state.whave = 0;
    state.wnext = 0;
    return inflateResetKeep(strm);
  };
  var inflateReset2 = (strm, windowBits) => {
    let wrap;
    if (inflateStateCheck(strm)) return -2;
    const state = strm.state;
    if (windowBits < 0) {
      wrap = 0;
      windowBits = -windowBits;
    } else {
      wrap = (windowBits >> 4) + 5;
      if (windowBits < 48) windowBits &= 15;
    }
    if (windowBits && (windowBits < 8 || windowBits > 15)) return -2;
    if (state.window !== null && state.wbits !== windowBits) state.window = null;
    state.wrap = wrap;
    state.wbits = windowBits;
    return inflateReset(strm);
  };
  var inflateInit2 = (strm, windowBits) => {
    if (!strm) return -2;
    const state = new InflateState();
    strm.state = state;
    state.strm = strm;
    state.window = null;
    state.mode = HEAD;
    const ret = inflateReset2(strm, windowBits);
    if (ret !== 0) strm.state = null;
    return ret;
  };
  var inflateInit = (strm) => {
    return inflateInit2(strm, DEF_WBITS);
  };
  var virgin = true;
  var lenfix;
  var distfix;
  var fixedtables = (state) => {
    if (virgin) {
      lenfix = /* @__PURE__ */ new Int32Array(512);
      distfix = /* @__PURE__ */ new Int32Array(32);
      let sym = 0;
      while (sym < 144) state.lens[sym++] = 8;
      while (sym < 256) state.lens[sym++] = 9;
      while (sym < 280) state.lens[sym++] = 7;
      while (sym < 288) state.lens[sym++] = 8;
      inflate_table(LENS, state.lens, 0, 288, lenfix, 0, state.work, { bits: 9 });
      sym = 0;
      while (sym < 32) state.lens[sym++] = 5;
      inflate_table(DISTS, state.lens, 0, 32, distfix, 0, state.work, { bits: 5 });
      virgin = false;
    }
    state.lencode = lenfix;
    state.lenbits = 9;
    state.distcode = distfix;
    state.distbits = 5;
  };
  var updatewindow = (strm, src, end, copy) => {
    let dist;
    const state = strm.state;
    if (state.window === null) state.window = new Uint8Array(1 << state.wbits);
    if (state.wsize === 0) {
      state.wsize = 1 << state.wbits;
      state.wnext = 0;
      state.whave = 0;
    }
    if (copy >= state.wsize) {
      state.window.set(src.subarray(end - state.wsize, end), 0);
      state.wnext = 0;
      state.whave = state.wsize;
    } else {
      dist = state.wsize - state.wnext;
      if (dist > copy) dist = copy;
      state.window.set(src.subarray(end - copy, end - copy + dist), state.wnext);
      copy -= dist;
      if (copy) {
        state.window.set(src.subarray(end - copy, end), 0);
        state.wnext = copy;
        state.whave = state.wsize;
      } else {
        state.wnext += dist;
        if (state.wnext === state.wsize) state.wnext = 0;
        if (state.whave < state.wsize) state.whave += dist;
      }
    }
    return 0;
  };
  var inflate$1 = (strm, flush) => {
    let state;
    let input, output;
    let next;
    let put;
    let have, left;
    let hold2;
    let bits;
    let _in, _out;
    let copy;
    let from;
    let from_source;
    let here = 0;
    let here_bits, here_op, here_val;
    let last_bits, last_op, last_val;
    let len;
    let ret;
    const hbuf = /* @__PURE__ */ new Uint8Array(4);
    let opts;
    let n;
    const order = new Uint8Array([
      16,
      17,
      18,
      0,
      8,
      7,
      9,
      6,
      10,
      5,
      11,
      4,
      12,
      3,
      13,
      2,
      14,
      1,
      15
    ]);
    if (inflateStateCheck(strm) || !strm.output || !strm.input && strm.avail_in !== 0) return -2;
    state = strm.state;
    if (state.mode === TYPE) state.mode = TYPEDO;
    put = strm.next_out;
    output = strm.output;
    left = strm.avail_out;
    next = strm.next_in;
    input = strm.input;
    have = strm.avail_in;
    hold2 = state.hold;
    bits = state.bits;
    _in = have;
    _out = left;
    ret = 0;
    inf_leave: for (; ; ) switch (state.mode) {
      case HEAD:
        if (state.wrap === 0) {
          state.mode = TYPEDO;
          break;
        }
        while (bits < 16) {
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        if (state.wrap & 2 && hold2 === 35615) {
          if (state.wbits === 0) state.wbits = 15;
          state.check = 0;
          hbuf[0] = hold2 & 255;
          hbuf[1] = hold2 >>> 8 & 255;
          state.check = crc32(state.check, hbuf, 2, 0);
          hold2 = 0;
          bits = 0;
          state.mode = FLAGS;
          break;
        }
        if (state.head) state.head.done = false;
        if (!(state.wrap & 1) || (((hold2 & 255) << 8) + (hold2 >> 8)) % 31) {
          strm.msg = "incorrect header check";
          state.mode = BAD;
          break;
        }
        if ((hold2 & 15) !== 8) {
          strm.msg = "unknown compression method";
          state.mode = BAD;
          break;
        }
        hold2 >>>= 4;
        bits -= 4;
        len = (hold2 & 15) + 8;
        if (state.wbits === 0) state.wbits = len;
        if (len > 15 || len > state.wbits) {
          strm.msg = "invalid window size";
          state.mode = BAD;
          break;
        }
        state.dmax = 1 << state.wbits;
        state.flags = 0;
        strm.adler = state.check = 1;
        state.mode = hold2 & 512 ? DICTID : TYPE;
        hold2 = 0;
        bits = 0;
        break;
      case FLAGS:
        while (bits < 16) {
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        state.flags = hold2;
        if ((state.flags & 255) !== 8) {
          strm.msg = "unknown compression method";
          state.mode = BAD;
          break;
        }
        if (state.flags & 57344) {
          strm.msg = "unknown header flags set";
          state.mode = BAD;
          break;
        }
        if (state.head) state.head.text = hold2 >> 8 & 1;
        if (state.flags & 512 && state.wrap & 4) {
          hbuf[0] = hold2 & 255;
          hbuf[1] = hold2 >>> 8 & 255;
          state.check = crc32(state.check, hbuf, 2, 0);
        }
        hold2 = 0;
        bits = 0;
        state.mode = TIME;
      case TIME:
        while (bits < 32) {
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        if (state.head) state.head.time = hold2 >>> 0;
        if (state.flags & 512 && state.wrap & 4) {
          hbuf[0] = hold2 & 255;
          hbuf[1] = hold2 >>> 8 & 255;
          hbuf[2] = hold2 >>> 16 & 255;
          hbuf[3] = hold2 >>> 24 & 255;
          state.check = crc32(state.check, hbuf, 4, 0);
        }
        hold2 = 0;
        bits = 0;
        state.mode = OS;
      case OS:
        while (bits < 16) {
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        if (state.head) {
          state.head.xflags = hold2 & 255;
          state.head.os = hold2 >> 8;
        }
        if (state.flags & 512 && state.wrap & 4) {
          hbuf[0] = hold2 & 255;
          hbuf[1] = hold2 >>> 8 & 255;
          state.check = crc32(state.check, hbuf, 2, 0);
        }
        hold2 = 0;
        bits = 0;
        state.mode = EXLEN;
      case EXLEN:
        if (state.flags & 1024) {
          while (bits < 16) {
            if (have === 0) break inf_leave;
            have--;
            hold2 += input[next++] << bits;
            bits += 8;
          }
          state.length = hold2;
          if (state.head) state.head.extra_len = hold2;
          if (state.flags & 512 && state.wrap & 4) {
            hbuf[0] = hold2 & 255;
            hbuf[1] = hold2 >>> 8 & 255;
            state.check = crc32(state.check, hbuf, 2, 0);
          }
          hold2 = 0;
          bits = 0;
        } else if (state.head) state.head.extra = null;
        state.mode = EXTRA;
      case EXTRA:
        if (state.flags & 1024) {
          copy = state.length;
          if (copy > have) copy = have;
          if (copy) {
            if (state.head) {
              len = state.head.extra_len - state.length;
              if (!state.head.extra) state.head.extra = new Uint8Array(state.head.extra_len);
              state.head.extra.set(input.subarray(next, next + copy), len);
            }
            if (state.flags & 512 && state.wrap & 4) state.check = crc32(state.check, input, copy, next);
            have -= copy;
            next += copy;
            state.length -= copy;
          }
          if (state.length) break inf_leave;
        }
        state.length = 0;
        state.mode = NAME;
      case NAME:
        if (state.flags & 2048) {
          if (have === 0) break inf_leave;
          copy = 0;
          do {
            len = input[next + copy++];
            if (state.head && len && state.length < 65536) {
              state.head.name += String.fromCharCode(len);
              state.length++;
            }
          } while (len && copy < have);
          if (state.flags & 512 && state.wrap & 4) state.check = crc32(state.check, input, copy, next);
          have -= copy;
          next += copy;
          if (len) break inf_leave;
        } else if (state.head) state.head.name = null;
        state.length = 0;
        state.mode = COMMENT;
      case COMMENT:
        if (state.flags & 4096) {
          if (have === 0) break inf_leave;
          copy = 0;
          do {
            len = input[next + copy++];
            if (state.head && len && state.length < 65536) {
              state.head.comment += String.fromCharCode(len);
              state.length++;
            }
          } while (len && copy < have);
          if (state.flags & 512 && state.wrap & 4) state.check = crc32(state.check, input, copy, next);
          have -= copy;
          next += copy;
          if (len) break inf_leave;
        } else if (state.head) state.head.comment = null;
        state.mode = HCRC;
      case HCRC:
        if (state.flags & 512) {
          while (bits < 16) {
            if (have === 0) break inf_leave;
            have--;
            hold2 += input[next++] << bits;
            bits += 8;
          }
          if (state.wrap & 4 && hold2 !== (state.check & 65535)) {
            strm.msg = "header crc mismatch";
            state.mode = BAD;
            break;
          }
          hold2 = 0;
          bits = 0;
        }
        if (state.head) {
          state.head.hcrc = state.flags >> 9 & 1;
          state.head.done = true;
        }
        strm.adler = state.check = 0;
        state.mode = TYPE;
        break;
      case DICTID:
        while (bits < 32) {
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        strm.adler = state.check = zswap32(hold2);
        hold2 = 0;
        bits = 0;
        state.mode = DICT;
      case DICT:
        if (state.havedict === 0) {
          strm.next_out = put;
          strm.avail_out = left;
          strm.next_in = next;
          strm.avail_in = have;
          state.hold = hold2;
          state.bits = bits;
          return 2;
        }
        strm.adler = state.check = 1;
        state.mode = TYPE;
      case TYPE:
        if (flush === 5 || flush === 6) break inf_leave;
      case TYPEDO:
        if (state.last) {
          hold2 >>>= bits & 7;
          bits -= bits & 7;
          state.mode = CHECK;
          break;
        }
        while (bits < 3) {
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        state.last = hold2 & 1;
        hold2 >>>= 1;
        bits -= 1;
        switch (hold2 & 3) {
          case 0:
            state.mode = STORED;
            break;
          case 1:
            fixedtables(state);
            state.mode = LEN_;
            if (flush === 6) {
              hold2 >>>= 2;
              bits -= 2;
              break inf_leave;
            }
            break;
          case 2:
            state.mode = TABLE;
            break;
          case 3:
            strm.msg = "invalid block type";
            state.mode = BAD;
        }
        hold2 >>>= 2;
        bits -= 2;
        break;
      case STORED:
        hold2 >>>= bits & 7;
        bits -= bits & 7;
        while (bits < 32) {
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        if ((hold2 & 65535) !== (hold2 >>> 16 ^ 65535)) {
          strm.msg = "invalid stored block lengths";
          state.mode = BAD;
          break;
        }
        state.length = hold2 & 65535;
        hold2 = 0;
        bits = 0;
        state.mode = COPY_;
        if (flush === 6) break inf_leave;
      case COPY_:
        state.mode = COPY;
      case COPY:
        copy = state.length;
        if (copy) {
          if (copy > have) copy = have;
          if (copy > left) copy = left;
          if (copy === 0) break inf_leave;
          output.set(input.subarray(next, next + copy), put);
          have -= copy;
          next += copy;
          left -= copy;
          put += copy;
          state.length -= copy;
          break;
        }
        state.mode = TYPE;
        break;
      case TABLE:
        while (bits < 14) {
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        state.nlen = (hold2 & 31) + 257;
        hold2 >>>= 5;
        bits -= 5;
        state.ndist = (hold2 & 31) + 1;
        hold2 >>>= 5;
        bits -= 5;
        state.ncode = (hold2 & 15) + 4;
        hold2 >>>= 4;
        bits -= 4;
        if (state.nlen > 286 || state.ndist > 30) {
          strm.msg = "too many length or distance symbols";
          state.mode = BAD;
          break;
        }
        state.have = 0;
        state.mode = LENLENS;
      case LENLENS:
        while (state.have < state.ncode) {
          while (bits < 3) {
            if (have === 0) break inf_leave;
            have--;
            hold2 += input[next++] << bits;
            bits += 8;
          }
          state.lens[order[state.have++]] = hold2 & 7;
          hold2 >>>= 3;
          bits -= 3;
        }
        while (state.have < 19) state.lens[order[state.have++]] = 0;
        state.lencode = state.lendyn;
        state.lenbits = 7;
        opts = { bits: state.lenbits };
        ret = inflate_table(CODES, state.lens, 0, 19, state.lencode, 0, state.work, opts);
        state.lenbits = opts.bits;
        if (ret) {
          strm.msg = "invalid code lengths set";
          state.mode = BAD;
          break;
        }
        state.have = 0;
        state.mode = CODELENS;
      case CODELENS:
        while (state.have < state.nlen + state.ndist) {
          for (; ; ) {
            here = state.lencode[hold2 & (1 << state.lenbits) - 1];
            here_bits = here >>> 24;
            here_op = here >>> 16 & 255;
            here_val = here & 65535;
            if (here_bits <= bits) break;
            if (have === 0) break inf_leave;
            have--;
            hold2 += input[next++] << bits;
            bits += 8;
          }
          if (here_val < 16) {
            hold2 >>>= here_bits;
            bits -= here_bits;
            state.lens[state.have++] = here_val;
          } else {
            if (here_val === 16) {
              n = here_bits + 2;
              while (bits < n) {
                if (have === 0) break inf_leave;
                have--;
                hold2 += input[next++] << bits;
                bits += 8;
              }
              hold2 >>>= here_bits;
              bits -= here_bits;
              if (state.have === 0) {
                strm.msg = "invalid bit length repeat";
                state.mode = BAD;
                break;
              }
              len = state.lens[state.have - 1];
              copy = 3 + (hold2 & 3);
              hold2 >>>= 2;
              bits -= 2;
            } else if (here_val === 17) {
              n = here_bits + 3;
              while (bits < n) {
                if (have === 0) break inf_leave;
                have--;
                hold2 += input[next++] << bits;
                bits += 8;
              }
              hold2 >>>= here_bits;
              bits -= here_bits;
              len = 0;
              copy = 3 + (hold2 & 7);
              hold2 >>>= 3;
              bits -= 3;
            } else {
              n = here_bits + 7;
              while (bits < n) {
                if (have === 0) break inf_leave;
                have--;
                hold2 += input[next++] << bits;
                bits += 8;
              }
              hold2 >>>= here_bits;
              bits -= here_bits;
              len = 0;
              copy = 11 + (hold2 & 127);
              hold2 >>>= 7;
              bits -= 7;
            }
            if (state.have + copy > state.nlen + state.ndist) {
              strm.msg = "invalid bit length repeat";
              state.mode = BAD;
              break;
            }
            while (copy--) state.lens[state.have++] = len;
          }
        }
        if (state.mode === BAD) break;
        if (state.lens[256] === 0) {
          strm.msg = "invalid code -- missing end-of-block";
          state.mode = BAD;
          break;
        }
        state.lenbits = 9;
        opts = { bits: state.lenbits };
        ret = inflate_table(LENS, state.lens, 0, state.nlen, state.lencode, 0, state.work, opts);
        state.lenbits = opts.bits;
        if (ret) {
          strm.msg = "invalid literal/lengths set";
          state.mode = BAD;
          break;
        }
        state.distbits = 6;
        state.distcode = state.distdyn;
        opts = { bits: state.distbits };
        ret = inflate_table(DISTS, state.lens, state.nlen, state.ndist, state.distcode, 0, state.work, opts);
        state.distbits = opts.bits;
        if (ret) {
          strm.msg = "invalid distances set";
          state.mode = BAD;
          break;
        }
        state.mode = LEN_;
        if (flush === 6) break inf_leave;
      case LEN_:
        state.mode = LEN;
      case LEN:
        if (have >= 6 && left >= 258) {
          strm.next_out = put;
          strm.avail_out = left;
          strm.next_in = next;
          strm.avail_in = have;
          state.hold = hold2;
          state.bits = bits;
          inflate_fast(strm, _out);
          put = strm.next_out;
          output = strm.output;
          left = strm.avail_out;
          next = strm.next_in;
          input = strm.input;
          have = strm.avail_in;
          hold2 = state.hold;
          bits = state.bits;
          if (state.mode === TYPE) state.back = -1;
          break;
        }
        state.back = 0;
        for (; ; ) {
          here = state.lencode[hold2 & (1 << state.lenbits) - 1];
          here_bits = here >>> 24;
          here_op = here >>> 16 & 255;
          here_val = here & 65535;
          if (here_bits <= bits) break;
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        if (here_op && (here_op & 240) === 0) {
          last_bits = here_bits;
          last_op = here_op;
          last_val = here_val;
          for (; ; ) {
            here = state.lencode[last_val + ((hold2 & (1 << last_bits + last_op) - 1) >> last_bits)];
            here_bits = here >>> 24;
            here_op = here >>> 16 & 255;
            here_val = here & 65535;
            if (last_bits + here_bits <= bits) break;
            if (have === 0) break inf_leave;
            have--;
            hold2 += input[next++] << bits;
            bits += 8;
          }
          hold2 >>>= last_bits;
          bits -= last_bits;
          state.back += last_bits;
        }
        hold2 >>>= here_bits;
        bits -= here_bits;
        state.back += here_bits;
        state.length = here_val;
        if (here_op === 0) {
          state.mode = LIT;
          break;
        }
        if (here_op & 32) {
          state.back = -1;
          state.mode = TYPE;
          break;
        }
        if (here_op & 64) {
          strm.msg = "invalid literal/length code";
          state.mode = BAD;
          break;
        }
        state.extra = here_op & 15;
        state.mode = LENEXT;
      case LENEXT:
        if (state.extra) {
          n = state.extra;
          while (bits < n) {
            if (have === 0) break inf_leave;
            have--;
            hold2 += input[next++] << bits;
            bits += 8;
          }
          state.length += hold2 & (1 << state.extra) - 1;
          hold2 >>>= state.extra;
          bits -= state.extra;
          state.back += state.extra;
        }
        state.was = state.length;
        state.mode = DIST;
      case DIST:
        for (; ; ) {
          here = state.distcode[hold2 & (1 << state.distbits) - 1];
          here_bits = here >>> 24;
          here_op = here >>> 16 & 255;
          here_val = here & 65535;
          if (here_bits <= bits) break;
          if (have === 0) break inf_leave;
          have--;
          hold2 += input[next++] << bits;
          bits += 8;
        }
        if ((here_op & 240) === 0) {
          last_bits = here_bits;
          last_op = here_op;
          last_val = here_val;
          for (; ; ) {
            here = state.distcode[last_val + ((hold2 & (1 << last_bits + last_op) - 1) >> last_bits)];
            here_bits = here >>> 24;
            here_op = here >>> 16 & 255;
            here_val = here & 65535;
            if (last_bits + here_bits <= bits) break;
            if (have === 0) break inf_leave;
            have--;
            hold2 += input[next++] << bits;
            bits += 8;
          }
          hold2 >>>= last_bits;
          bits -= last_bits;
          state.back += last_bits;
        }
        hold2 >>>= here_bits;
        bits -= here_bits;
        state.back += here_bits;
        if (here_op & 64) {
          strm.msg = "invalid distance code";
          state.mode = BAD;
          break;
        }
        state.offset = here_val;
        state.extra = here_op & 15;
        state.mode = DISTEXT;
      case DISTEXT:
        if (state.extra) {
          n = state.extra;
          while (bits < n) {
            if (have === 0) break inf_leave;
            have--;
            hold2 += input[next++] << bits;
            bits += 8;
          }
          state.offset += hold2 & (1 << state.extra) - 1;
          hold2 >>>= state.extra;
          bits -= state.extra;
          state.back += state.extra;
        }
        if (state.offset > state.dmax) {
          strm.msg = "invalid distance too far back";
          state.mode = BAD;
          break;
        }
        state.mode = MATCH;
      case MATCH:
        if (left === 0) break inf_leave;
        copy = _out - left;
        if (state.offset > copy) {
          copy = state.offset - copy;
          if (copy > state.whave) {
            if (state.sane) {
              strm.msg = "invalid distance too far back";
              state.mode = BAD;
              break;
            }
          }
          if (copy > state.wnext) {
            copy -= state.wnext;
            from = state.wsize - copy;
          } else from = state.wnext - copy;
          if (copy > state.length) copy = state.length;
          from_source = state.window;
        } else {
          from_source = output;
          from = put - state.offset;
          copy = state.length;
        }
        if (copy > left) copy = left;
        left -= copy;
        state.length -= copy;
        do
          output[put++] = from_source[from++];
        while (--copy);
        if (state.length === 0) state.mode = LEN;
        break;
      case LIT:
        if (left === 0) break inf_leave;
        output[put++] = state.length;
        left--;
        state.mode = LEN;
        break;
      case CHECK:
        if (state.wrap) {
          while (bits < 32) {
            if (have === 0) break inf_leave;
            have--;
            hold2 |= input[next++] << bits;
            bits += 8;
          }
          _out -= left;
          strm.total_out += _out;
          state.total += _out;
          if (state.wrap & 4 && _out) strm.adler = state.check = state.flags ? crc32(state.check, output, _out, put - _out) : adler32(state.check, output, _out, put - _out);
          _out = left;
          if (state.wrap & 4 && (state.flags ? hold2 : zswap32(hold2)) !== state.check) {
            strm.msg = "incorrect data check";
            state.mode = BAD;
            break;
          }
          hold2 = 0;
          bits = 0;
        }
        state.mode = LENGTH;
      case LENGTH:
        if (state.wrap && state.flags) {
          while (bits < 32) {
            if (have === 0) break inf_leave;
            have--;
            hold2 += input[next++] << bits;
            bits += 8;
          }
          if (state.wrap & 4 && hold2 !== (state.total & 4294967295)) {
            strm.msg = "incorrect length check";
            state.mode = BAD;
            break;
          }
          hold2 = 0;
          bits = 0;
        }
        state.mode = DONE2;
      case DONE2:
        ret = 1;
        break inf_leave;
      case BAD:
        ret = -3;
        break inf_leave;
      case MEM:
        return -4;
      case SYNC:
      default:
        return -2;
    }
    strm.next_out = put;
    strm.avail_out = left;
    strm.next_in = next;
    strm.avail_in = have;
    state.hold = hold2;
    state.bits = bits;
    if (state.wsize || _out !== strm.avail_out && state.mode < BAD && (state.mode < CHECK || flush !== 4)) {
      if (updatewindow(strm, strm.output, strm.next_out, _out - strm.avail_out)) {
        state.mode = MEM;
        return -4;
      }
    }
    _in -= strm.avail_in;
    _out -= strm.avail_out;
    strm.total_in += _in;
    strm.total_out += _out;
    state.total += _out;
    if (state.wrap & 4 && _out) strm.adler = state.check = state.flags ? crc32(state.check, output, _out, strm.next_out - _out) : adler32(state.check, output, _out, strm.next_out - _out);
    strm.data_type = state.bits + (state.last ? 64 : 0) + (state.mode === TYPE ? 128 : 0) + (state.mode === LEN_ || state.mode === COPY_ ? 256 : 0);
    if ((_in === 0 && _out === 0 || flush === 4) && ret === 0) ret = -5;
    return ret;
  };
  var inflateEnd = (strm) => {
    if (inflateStateCheck(strm)) return -2;
    let state = strm.state;
    if (state.window) state.window = null;
    strm.state = null;
    return 0;
  };
  var ZStream = class {
    constructor() {
      this.input = null;
      this.next_in = 0;
      this.avail_in = 0;
      this.total_in = 0;
      this.output = null;
      this.next_out = 0;
      this.avail_out = 0;
      this.total_out = 0;
      this.msg = "";
      this.state = null;
      this.data_type = 2;
      this.adler = 0;
    }
  };
  var defaultOptions = {
    chunkSize: 1024 * 64,
    windowBits: 15,
    raw: false,
    dictionary: /* @__PURE__ */ new Uint8Array(0)
  };

  // src/objects.ts
  var MAX_DELTA_DEPTH = 4095;
  var MAX_OBJECT = 16 << 20;
  var MAX_CHAIN_BYTES = 64 << 20;
  var MAX_DEPTH2 = 40;
  var PACKS_CHUNK = 64;
  var TYPES = ["", "commit", "tree", "blob", "tag"];
  var ObjectError = class extends Error {
  };
  function isHash2(v) {
    return v instanceof Uint8Array && v.length === 20;
  }
  function isCount(v) {
    return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  }
  function compare3(a, b) {
    for (let i = 0; i < 20; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  }
  function record(cid, e) {
    const no = () => new FormatError(`block ${cid} is a damaged nip objects-leaf block: a record is not [oid, type, size, pack, offset, \u2026]`);
    if (!Array.isArray(e) || e.length < 5 || !isHash2(e[0]) || ![1, 2, 3, 4].includes(e[1]) || !isCount(e[2]) || !isCount(e[3]) || !isCount(e[4])) throw no();
    const r = { oid: e[0], type: e[1], size: e[2], pack: e[3], offset: e[4] };
    if (r.type === 1) {
      if (e.length !== 7 || !isHash2(e[5]) || !Array.isArray(e[6]) || !e[6].every(isHash2)) throw no();
      r.tree = e[5];
      r.parents = e[6];
    } else if (r.type === 4) {
      if (e.length !== 6 || !isHash2(e[5])) throw no();
      r.target = e[5];
    } else if (e.length !== 5) throw no();
    return r;
  }
  async function lookup(gw, root, oid) {
    let cid = root;
    for (let depth = 0; depth <= MAX_DEPTH2; depth++) {
      const data = await gw.block(cid);
      let entries;
      try {
        entries = body(cid, data, "objects-leaf");
      } catch (e) {
        if (!(e instanceof FormatError) || !/ block where a nip objects-leaf block/.test(e.message)) throw e;
        const slots = body(cid, data, "objects-node");
        if (!Array.isArray(slots) || slots.length !== 16) throw new FormatError(`block ${cid} is a damaged nip objects-node block: not 16 slots`);
        if (depth >= MAX_DEPTH2) throw new FormatError(`block ${cid} is a nip objects-node block deeper than any key`);
        const b = oid[depth >> 1];
        const slot = slots[depth % 2 === 0 ? b >> 4 : b & 15];
        if (slot === null) return null;
        if (!(slot instanceof CID)) throw new FormatError(`block ${cid} is a damaged nip objects-node block: a slot is neither a link nor null`);
        cid = slot;
        continue;
      }
      if (!Array.isArray(entries)) throw new FormatError(`block ${cid} is a damaged nip objects-leaf block: not an array`);
      let last = null;
      let found = null;
      for (const e of entries) {
        const r = record(cid, e);
        if (last !== null && compare3(last, r.oid) >= 0) throw new FormatError(`block ${cid} is a damaged nip objects-leaf block: records are not sorted by oid and unique`);
        last = r.oid;
        if (eq(r.oid, oid)) found = r;
      }
      return found;
    }
    return null;
  }
  async function packCid(gw, root, n) {
    const list = body(root, await gw.block(root), "packs");
    if (!Array.isArray(list) || list.length !== 2 || !Array.isArray(list[0]) || !Array.isArray(list[1])) {
      throw new FormatError(`block ${root} is a damaged nip packs block: not [chunks, tail]`);
    }
    const [chunks, tail] = list;
    let entry2;
    if (n < chunks.length * PACKS_CHUNK) {
      const c = chunks[Math.floor(n / PACKS_CHUNK)];
      if (!(c instanceof CID)) throw new FormatError(`block ${root} is a damaged nip packs block: a chunk is not a link`);
      const entries = body(c, await gw.block(c), "packs-chunk");
      if (!Array.isArray(entries) || entries.length !== PACKS_CHUNK) throw new FormatError(`block ${c} is a damaged nip packs-chunk block: not ${PACKS_CHUNK} packs`);
      entry2 = entries[n % PACKS_CHUNK];
    } else {
      entry2 = tail[n - chunks.length * PACKS_CHUNK];
    }
    const pack = entry2 instanceof Map ? entry2.get("pack") : void 0;
    if (!(pack instanceof CID)) throw new FormatError(`the packs list ${root} has no pack number ${n}`);
    return pack;
  }
  var Proto = class {
    constructor(b, cid) {
      this.b = b;
      this.cid = cid;
    }
    at = 0;
    done() {
      return this.at >= this.b.length;
    }
    varint() {
      let v = 0;
      for (let shift = 0; shift < 53; shift += 7) {
        if (this.at >= this.b.length) throw this.bad();
        const c = this.b[this.at++];
        v += (c & 127) * 2 ** shift;
        if ((c & 128) === 0) return v;
      }
      throw this.bad();
    }
    bytes() {
      const n = this.varint();
      if (this.at + n > this.b.length) throw this.bad();
      const out = this.b.subarray(this.at, this.at + n);
      this.at += n;
      return out;
    }
    skip(wire) {
      if (wire === 0) this.varint();
      else if (wire === 2) this.bytes();
      else throw this.bad();
    }
    bad() {
      return new FormatError(`block ${this.cid} is a damaged UnixFS file node (invalid protobuf)`);
    }
  };
  function fileNode(cid, data) {
    const pb = new Proto(data, cid);
    const links = [];
    let unixfs = null;
    while (!pb.done()) {
      const key2 = pb.varint();
      if (key2 === (2 << 3 | 2)) {
        const l = new Proto(pb.bytes(), cid);
        let hash = null;
        while (!l.done()) {
          const k = l.varint();
          if (k === (1 << 3 | 2)) hash = l.bytes();
          else l.skip(k & 7);
        }
        if (hash === null) throw pb.bad();
        links.push(CID.decode(hash));
      } else if (key2 === (1 << 3 | 2)) unixfs = pb.bytes();
      else pb.skip(key2 & 7);
    }
    if (unixfs === null) throw pb.bad();
    const u = new Proto(unixfs, cid);
    let type = -1;
    let inline = new Uint8Array(0);
    const sizes = [];
    while (!u.done()) {
      const key2 = u.varint();
      if (key2 === (1 << 3 | 0)) type = u.varint();
      else if (key2 === (2 << 3 | 2)) inline = u.bytes();
      else if (key2 === (4 << 3 | 0)) sizes.push(u.varint());
      else if (key2 === (4 << 3 | 2)) {
        const packed = new Proto(u.bytes(), cid);
        while (!packed.done()) sizes.push(packed.varint());
      } else u.skip(key2 & 7);
    }
    if (type !== 2) throw new FormatError(`block ${cid} is not a UnixFS file node (type ${type})`);
    if (sizes.length !== links.length) throw new FormatError(`block ${cid} is a damaged UnixFS file node: ${links.length} links, ${sizes.length} sizes`);
    return { links, sizes, inline };
  }
  async function* fileFrom(gw, root, offset, depth = 0) {
    if (depth > 32) throw new FormatError(`the UnixFS file ${root} is deeper than any pack`);
    const data = await gw.block(root);
    if (root.codec === RAW) {
      if (offset > data.length) throw new ObjectError(`an entry starts at ${offset}, past the end of pack block ${root}`);
      yield data.subarray(offset);
      return;
    }
    if (root.codec !== DAG_PB) throw new FormatError(`block ${root} (codec 0x${root.codec.toString(16)}) is not part of a UnixFS file`);
    const node = fileNode(root, data);
    if (node.links.length === 0) {
      yield node.inline.subarray(offset);
      return;
    }
    let start = 0;
    for (let i = 0; i < node.links.length; i++) {
      const end = start + node.sizes[i];
      if (offset < end) {
        yield* fileFrom(gw, node.links[i], Math.max(0, offset - start), depth + 1);
      }
      start = end;
    }
  }
  var Reader = class {
    constructor(chunks, where) {
      this.chunks = chunks;
      this.where = where;
    }
    buf = new Uint8Array(0);
    at = 0;
    async byte() {
      while (this.at >= this.buf.length) {
        const n = await this.chunks.next();
        if (n.done) throw new ObjectError(`${this.where}: the pack ends in the middle of an entry`);
        this.buf = n.value;
        this.at = 0;
      }
      return this.buf[this.at++];
    }
    /** The rest of the current chunk, then each later chunk. */
    async *rest() {
      if (this.at < this.buf.length) yield this.buf.subarray(this.at);
      yield* this.chunks;
    }
  };
  async function inflate(input, size, where) {
    const strm = new ZStream();
    if (inflateInit(strm) !== Z_OK) throw new ObjectError(`${where}: could not start inflating (${strm.msg})`);
    const out = new Uint8Array(size);
    strm.output = out;
    strm.next_out = 0;
    strm.avail_out = size;
    let probe = false;
    let used = 0;
    try {
      for await (const chunk of input) {
        strm.input = chunk;
        strm.next_in = 0;
        strm.avail_in = chunk.length;
        while (strm.avail_in > 0) {
          if (strm.avail_out === 0 && !probe) {
            probe = true;
            strm.output = new Uint8Array(1);
            strm.next_out = 0;
            strm.avail_out = 1;
          }
          const status2 = inflate$1(strm, Z_NO_FLUSH);
          if (probe && strm.next_out > 0) throw new ObjectError(`${where}: the entry inflates to more than the ${size} bytes its header says`);
          if (status2 === Z_STREAM_END) {
            if (strm.total_out !== size) throw new ObjectError(`${where}: the entry inflates to ${strm.total_out} bytes, not the ${size} its header says`);
            return { content: out, used: used + strm.next_in };
          }
          if (status2 !== Z_OK && (status2 !== Z_BUF_ERROR || strm.avail_in > 0)) {
            throw new ObjectError(`${where}: the entry's zlib stream is damaged (${strm.msg || `zlib status ${status2}`})`);
          }
        }
        used += chunk.length;
      }
    } finally {
      inflateEnd(strm);
    }
    throw new ObjectError(`${where}: the pack ends in the middle of the entry's zlib stream (${strm.total_out} of ${size} bytes inflated)`);
  }
  function applyDelta(base2, delta, where) {
    let at = 0;
    const bad2 = (why) => new ObjectError(`${where}: invalid delta (${why})`);
    const size = () => {
      let v = 0;
      for (let shift = 0; ; shift += 7) {
        if (at >= delta.length || shift > 49) throw bad2("truncated size");
        const c = delta[at++];
        v += (c & 127) * 2 ** shift;
        if ((c & 128) === 0) return v;
      }
    };
    if (size() !== base2.length) throw bad2("its base is not the size it expects");
    const n = size();
    if (n > MAX_OBJECT) throw bad2(`a result of ${n} bytes`);
    const out = new Uint8Array(n);
    let o = 0;
    while (at < delta.length) {
      const op = delta[at++];
      if (op & 128) {
        let off = 0;
        let len = 0;
        for (let i = 0; i < 4; i++) if (op & 1 << i) off |= (delta[at++] ?? 0) << 8 * i;
        for (let i = 0; i < 3; i++) if (op & 16 << i) len |= (delta[at++] ?? 0) << 8 * i;
        off >>>= 0;
        if (len === 0) len = 65536;
        if (at > delta.length || off + len > base2.length || o + len > n) throw bad2("a copy out of bounds");
        out.set(base2.subarray(off, off + len), o);
        o += len;
      } else if (op > 0) {
        if (at + op > delta.length || o + op > n) throw bad2("an insert out of bounds");
        out.set(delta.subarray(at, at + op), o);
        at += op;
        o += op;
      } else throw bad2("opcode 0");
    }
    if (o !== n) throw bad2("the result is shorter than it says");
    return out;
  }
  function hold(chain, delta, where) {
    chain.held += delta.length;
    if (chain.held > chain.max) throw new ObjectError(`${where}: a delta chain holding more than ${chain.max} bytes of deltas`);
    return delta;
  }
  async function entry(gw, index, pack, offset, chain) {
    const visited = chain.visited;
    const where = `pack ${pack}, entry at ${offset}`;
    const key2 = `${pack} ${offset}`;
    if (visited.has(key2)) throw new ObjectError(`${where}: a delta chain comes back to this entry`);
    if (visited.size >= MAX_DELTA_DEPTH) throw new ObjectError(`${where}: a delta chain longer than ${MAX_DELTA_DEPTH}`);
    visited.add(key2);
    const r = new Reader(fileFrom(gw, pack, offset), where);
    let c = await r.byte();
    const type = c >> 4 & 7;
    let size = c & 15;
    for (let shift = 4; c & 128; shift += 7) {
      if (shift > 46) throw new ObjectError(`${where}: an entry size too large`);
      c = await r.byte();
      size += (c & 127) * 2 ** shift;
    }
    if (size > MAX_OBJECT) throw new ObjectError(`${where}: an entry of ${size} bytes, more than the viewer reads (${MAX_OBJECT})`);
    if (type >= 1 && type <= 4) return { type, content: (await inflate(r.rest(), size, where)).content };
    let base2;
    if (type === 6) {
      c = await r.byte();
      let back = c & 127;
      while (c & 128) {
        c = await r.byte();
        back = (back + 1) * 128 + (c & 127);
      }
      if (back <= 0 || back > offset) throw new ObjectError(`${where}: an OFS_DELTA base outside the pack`);
      const delta = hold(chain, (await inflate(r.rest(), size, where)).content, where);
      base2 = await entry(gw, index, pack, offset - back, chain);
      return { type: base2.type, content: applyDelta(base2.content, delta, where) };
    }
    if (type === 7) {
      const oid = new Uint8Array(20);
      for (let i = 0; i < 20; i++) oid[i] = await r.byte();
      const delta = hold(chain, (await inflate(r.rest(), size, where)).content, where);
      const rec = await lookup(gw, index.objects, oid);
      if (rec === null) throw new ObjectError(`${where}: its REF_DELTA base ${hex(oid)} is not in the object map`);
      base2 = await entry(gw, index, await packCid(gw, index.packs, rec.pack), rec.offset, chain);
      return { type: base2.type, content: applyDelta(base2.content, delta, where) };
    }
    throw new ObjectError(`${where}: an entry of unknown type ${type}`);
  }
  async function readObject(gw, index, oidHex) {
    const oid = new Uint8Array(oidHex.match(/../g).map((h) => parseInt(h, 16)));
    const rec = await lookup(gw, index.objects, oid);
    if (rec === null) throw new ObjectError(`object ${oidHex} is not in the repository's object map ${index.objects}`);
    if (index.packs === null) throw new ObjectError(`object ${oidHex} has a record but the index ${index.cid} lists no packs`);
    const pack = await packCid(gw, index.packs, rec.pack);
    const raw = await entry(gw, index, pack, rec.offset, { visited: /* @__PURE__ */ new Set(), held: 0, max: MAX_CHAIN_BYTES });
    const type = TYPES[raw.type];
    if (raw.type !== rec.type || raw.content.length !== rec.size) {
      throw new ObjectError(`object ${oidHex}: pack ${pack} holds a ${type} of ${raw.content.length} bytes where its record says a ${TYPES[rec.type]} of ${rec.size}`);
    }
    const head = new TextEncoder().encode(`${type} ${raw.content.length}\0`);
    const whole = new Uint8Array(head.length + raw.content.length);
    whole.set(head);
    whole.set(raw.content, head.length);
    const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", whole));
    if (!eq(sha1, oid)) throw new ObjectError(`object ${oidHex}: the bytes in pack ${pack} at ${rec.offset} hash to ${hex(sha1)}; refused`);
    return { oid: oidHex, type, content: raw.content, record: rec };
  }
  function parseCommit(obj) {
    const text = new TextDecoder("utf-8", { fatal: false }).decode(obj.content);
    const split = text.indexOf("\n\n");
    const headers = (split < 0 ? text : text.slice(0, split)).split("\n");
    const c = { tree: "", parents: [], author: "", committer: "", message: split < 0 ? "" : text.slice(split + 2) };
    for (const h of headers) {
      const sp = h.indexOf(" ");
      const [k, v] = [h.slice(0, sp), h.slice(sp + 1)];
      if (k === "tree" && c.tree === "") c.tree = v;
      else if (k === "parent") c.parents.push(v);
      else if (k === "author" && c.author === "") c.author = v;
      else if (k === "committer" && c.committer === "") c.committer = v;
    }
    const r = obj.record;
    if (r.tree && (hex(r.tree) !== c.tree || r.parents.map(hex).join(" ") !== c.parents.join(" "))) {
      throw new ObjectError(`object ${obj.oid}: its record's tree and parents are not the ones the commit names; refused`);
    }
    return c;
  }

  // src/ipns.ts
  var MAX_RECORD = 10 << 10;
  var IpnsError = class extends Error {
  };
  var resolved = /* @__PURE__ */ new Map();
  function resolvedFrom(cid) {
    return resolved.get(cid) ?? null;
  }
  var B36 = "0123456789abcdefghijklmnopqrstuvwxyz";
  var B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  var B32 = "abcdefghijklmnopqrstuvwxyz234567";
  function baseDecode(s, alphabet) {
    let n = 0n;
    const radix = BigInt(alphabet.length);
    let zeros = 0;
    while (zeros < s.length && s[zeros] === alphabet[0]) zeros++;
    for (const ch of s) {
      const d = alphabet.indexOf(ch);
      if (d < 0) return null;
      n = n * radix + BigInt(d);
    }
    const out = [];
    while (n > 0n) {
      out.push(Number(n & 0xffn));
      n >>= 8n;
    }
    return new Uint8Array([...new Array(zeros).fill(0), ...out.reverse()]);
  }
  function base32Decode2(s) {
    const out = [];
    let bits = 0;
    let value = 0;
    for (const ch of s) {
      const d = B32.indexOf(ch);
      if (d < 0) return null;
      value = (value << 5 | d) & 65535;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.push(value >> bits & 255);
      }
    }
    return new Uint8Array(out);
  }
  function nameKey(name) {
    const no = (why) => new IpnsError(`the IPNS name ${name} cannot be checked: ${why}`);
    let mh = null;
    if (/^12D3Koo[1-9A-HJ-NP-Za-km-z]+$/.test(name)) mh = baseDecode(name, B58);
    else if (/^k[0-9a-z]+$/.test(name) || /^b[a-z2-7]+$/.test(name)) {
      const bytes2 = name[0] === "k" ? baseDecode(name.slice(1), B36) : base32Decode2(name.slice(1));
      if (bytes2 === null) throw no("it is not valid base36/base32");
      if (bytes2[0] !== 1) throw no("it is not a version 1 CID");
      if (bytes2[1] !== 114) throw no(`it is a CID of codec 0x${bytes2[1].toString(16)}, not libp2p-key (0x72)`);
      mh = bytes2.subarray(2);
    } else if (name.includes(".")) {
      throw no("it looks like a DNSLink domain, which a browser cannot verify; open the /ipns/k51\u2026 key its _dnslink TXT record names");
    } else throw no("it is not a k51\u2026 key, a 12D3Koo\u2026 peer ID or a libp2p-key CID");
    if (mh === null) throw no("it is not valid base58");
    if (mh.length !== 38 || mh[0] !== 0 || mh[1] !== 36 || mh[2] !== 8 || mh[3] !== 1 || mh[4] !== 18 || mh[5] !== 32) {
      throw no("it is not an Ed25519 key inlined in the name (RSA and other keys cannot be checked in the browser)");
    }
    return { raw: mh.slice(6), proto: mh.slice(2) };
  }
  function parseEntry(b, bad2) {
    let at = 0;
    const varint = () => {
      let v = 0n;
      for (let shift = 0n; shift < 70n; shift += 7n) {
        if (at >= b.length) throw bad2("the record ends in the middle of a number");
        const c = b[at++];
        v |= BigInt(c & 127) << shift;
        if ((c & 128) === 0) return v;
      }
      throw bad2("the record holds a number too long");
    };
    const bytes2 = () => {
      const n = Number(varint());
      if (at + n > b.length) throw bad2("a field runs past the record's end");
      const out = b.slice(at, at + n);
      at += n;
      return out;
    };
    const e = {};
    const seen = /* @__PURE__ */ new Set();
    while (at < b.length) {
      const key2 = Number(varint());
      const field = key2 >> 3;
      const wire = key2 & 7;
      if (seen.has(field) && field >= 1 && field <= 9) throw bad2(`field ${field} appears twice`);
      seen.add(field);
      const want = [0, 2, 2, 0, 2, 0, 0, 2, 2, 2][field];
      if (want !== void 0 && field >= 1 && wire !== want) throw bad2(`field ${field} has the wrong wire type`);
      if (wire === 0) {
        const v = varint();
        if (field === 3) e.validityType = Number(v);
        else if (field === 5) e.sequence = v;
        else if (field === 6) e.ttl = v;
      } else if (wire === 2) {
        const v = bytes2();
        if (field === 1) e.value = v;
        else if (field === 2) e.signatureV1 = v;
        else if (field === 4) e.validity = v;
        else if (field === 7) e.pubKey = v;
        else if (field === 8) e.signatureV2 = v;
        else if (field === 9) e.data = v;
      } else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else throw bad2(`an unknown wire type ${wire}`);
      if (at > b.length) throw bad2("a field runs past the record's end");
    }
    return e;
  }
  function eq2(a, b) {
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  function parseTime(s) {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
    if (!m) return null;
    const d = /* @__PURE__ */ new Date(`${m[1]}T${m[2]}.${(m[3] ?? "0").slice(0, 3).padEnd(3, "0")}${m[4]}`);
    return isNaN(d.getTime()) ? null : d;
  }
  async function verifyRecord(name, record2, now = /* @__PURE__ */ new Date()) {
    const bad2 = (why) => new IpnsError(`the IPNS record of ${name} is refused: ${why}`);
    const key2 = nameKey(name);
    if (record2.length > MAX_RECORD) throw bad2(`it is ${record2.length} bytes, more than the ${MAX_RECORD} any IPNS record may be`);
    const e = parseEntry(record2, bad2);
    if (!e.signatureV2 || !e.data || e.data.length === 0) throw bad2("it has no V2 signature or no data");
    let data;
    try {
      data = decode(e.data, { strict: true, useMaps: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false });
    } catch (err) {
      throw bad2(`its data is not DAG-CBOR (${err.message})`);
    }
    if (!(data instanceof Map)) throw bad2("its data is not a map");
    const value = data.get("Value");
    const validity = data.get("Validity");
    const validityType = data.get("ValidityType");
    const sequence = data.get("Sequence");
    const ttl = data.get("TTL");
    const isInt = (v2) => typeof v2 === "number" && Number.isSafeInteger(v2) && v2 >= 0 || typeof v2 === "bigint" && v2 >= 0n;
    if (!(value instanceof Uint8Array) || !(validity instanceof Uint8Array) || !isInt(validityType) || !isInt(sequence) || !isInt(ttl)) {
      throw bad2("its data lacks Value, Validity, ValidityType, Sequence or TTL");
    }
    if (e.value !== void 0 && !eq2(e.value, value)) throw bad2("its value field differs from its signed data");
    if (e.validity !== void 0 && !eq2(e.validity, validity)) throw bad2("its validity field differs from its signed data");
    if (e.validityType !== void 0 && BigInt(e.validityType) !== BigInt(validityType)) throw bad2("its validityType differs from its signed data");
    if (e.sequence !== void 0 && e.sequence !== BigInt(sequence)) throw bad2("its sequence differs from its signed data");
    if (e.ttl !== void 0 && e.ttl !== BigInt(ttl)) throw bad2("its ttl differs from its signed data");
    if (e.pubKey !== void 0 && !eq2(e.pubKey, key2.proto)) throw bad2("it carries a public key that is not the name's");
    let pub;
    try {
      pub = await crypto.subtle.importKey("raw", key2.raw, { name: "Ed25519" }, false, ["verify"]);
    } catch (err) {
      throw new IpnsError(`the IPNS name ${name} cannot be checked: this browser's WebCrypto has no Ed25519 (${err.message}); open the /ipfs/<cid> address instead`);
    }
    const prefix = new TextEncoder().encode("ipns-signature:");
    const signed = new Uint8Array(prefix.length + e.data.length);
    signed.set(prefix);
    signed.set(e.data, prefix.length);
    const ok = await crypto.subtle.verify({ name: "Ed25519" }, pub, e.signatureV2, signed);
    if (!ok) throw bad2("its signature does not verify with the name's key (the gateway is broken or hostile: try another one)");
    if (BigInt(validityType) !== 0n) throw bad2(`its validity type ${String(validityType)} is not EOL`);
    const until = parseTime(new TextDecoder().decode(validity));
    if (until === null) throw bad2("its validity is not an RFC 3339 time");
    if (until.getTime() <= now.getTime()) throw bad2(`it expired at ${until.toISOString()} (the name's owner must publish it again)`);
    const v = new TextDecoder().decode(value);
    const m = /^\/ipfs\/(b[a-z2-7]+)$/.exec(v);
    if (!m) throw bad2(`it names "${v.slice(0, 100)}", not /ipfs/<CIDv1 in base32> (a nip index)`);
    let cid;
    try {
      cid = CID.parse(m[1]);
    } catch (err) {
      throw bad2(`it names a CID this viewer cannot read (${err.message})`);
    }
    return { name, cid, sequence: BigInt(sequence), validity: until };
  }
  async function resolveName(gw, name) {
    nameKey(name);
    const url = `${gw}/ipns/${encodeURIComponent(name)}?format=ipns-record`;
    let resp;
    try {
      resp = await fetch(url, { headers: { Accept: "application/vnd.ipfs.ipns-record" }, credentials: "omit", referrerPolicy: "no-referrer" });
    } catch (err) {
      throw new IpnsError(`the IPNS name ${name}: the gateway ${gw} could not be reached (${err.message}); check the gateway address and that it allows this page (CORS)`);
    }
    if (!resp.ok) throw new IpnsError(`the IPNS name ${name}: the gateway ${gw} answered ${resp.status} ${resp.statusText}; it may not resolve names, or the name is not published`);
    const len = Number(resp.headers.get("content-length") ?? "0");
    if (len > MAX_RECORD) throw new IpnsError(`the IPNS record of ${name} is refused: the gateway ${gw} sent ${len} bytes, more than any IPNS record`);
    const chunks = [];
    let total = 0;
    const reader = resp.body?.getReader();
    while (reader) {
      const next = await reader.read().catch((err) => {
        throw new IpnsError(`the IPNS name ${name}: the gateway ${gw} broke off the record (${err.message})`);
      });
      if (next.done) break;
      total += next.value.length;
      if (total > MAX_RECORD) {
        reader.cancel().catch(() => {
        });
        throw new IpnsError(`the IPNS record of ${name} is refused: the gateway ${gw} sent more than the ${MAX_RECORD} bytes of any IPNS record`);
      }
      chunks.push(next.value);
    }
    const body2 = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      body2.set(c, at);
      at += c.length;
    }
    const r = await verifyRecord(name, body2);
    resolved.set(r.cid.toString(), r);
    return r;
  }
  async function ipnsToIpfs(gw, hash) {
    const m = /^#\/ipns\/([^/?#]+)(.*)$/.exec(hash);
    if (!m) throw new IpnsError("not an /ipns/ address");
    let name;
    try {
      name = decodeURIComponent(m[1]);
    } catch {
      throw new IpnsError(`the IPNS name "${m[1]}" is not percent-encoded text`);
    }
    const r = await resolveName(gw, name);
    return `#/ipfs/${r.cid}${m[2]}`;
  }

  // src/keys.ts
  var navigated = false;
  var previous = "";
  function focusHeading(h) {
    if (!navigated) return;
    const target = h ?? document.querySelector("main h2");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
  function repo(hash) {
    return /^#\/ipfs\/[^/?#]+/.exec(hash)?.[0] ?? null;
  }
  function shortcut(key2, hash) {
    if (key2 === "?") return "#/help";
    const r = repo(hash);
    if (r === null) return null;
    const rest = hash.slice(r.length);
    const rev = /^\/(?:tree|blob|log|commit)\/([^/?#]+)/.exec(rest)?.[1] ?? /^\/object\/([0-9a-f]{40})$/.exec(rest)?.[1] ?? null;
    switch (key2) {
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
  function typing(t) {
    if (!(t instanceof HTMLElement)) return false;
    return t.isContentEditable || t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT";
  }
  function installKeys() {
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
    document.getElementById("skip")?.addEventListener("click", (ev) => {
      ev.preventDefault();
      const h = document.querySelector("main h2, main h1, main input");
      const target = h ?? document.getElementById("main");
      if (!target.hasAttribute("tabindex") && target.tagName !== "INPUT") target.setAttribute("tabindex", "-1");
      target.focus();
    });
  }
  function showHelp() {
    const main2 = document.getElementById("main");
    const dl = document.createElement("dl");
    dl.id = "shortcuts";
    const rows = [
      ["h", "the repository's home: branches and tags"],
      ["t", "the files of the commit you are viewing (or of the default branch)"],
      ["l", "the log of the branch or commit you are viewing"],
      ["u", "up one directory"],
      ["?", "this help"],
      ["Tab, Shift+Tab", "move between links; Enter follows one"],
      ["Alt+Left", "back (the browser's own)"]
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
    back.textContent = previous ? "\u2190 back to where you were" : "\u2190 open a repository";
    const lines3 = document.createElement("p");
    lines3.textContent = "In a file, each line number is a link (\u2026?line=12) that highlights that line.";
    main2.replaceChildren(h, p, dl, lines3, back);
    document.getElementById("status").textContent = "";
    focusHeading(h);
  }

  // src/views/tree.ts
  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }
  function setStatus(text) {
    const s = document.getElementById("status");
    if (s) s.textContent = text;
  }
  var RouteError = class extends Error {
  };
  function pathRoute(hash) {
    const m = /^#\/ipfs\/[^/?#]+\/(tree|blob)\/([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(hash);
    if (!m) return null;
    const decode2 = (s) => {
      let d;
      try {
        d = decodeURIComponent(s);
      } catch {
        throw new RouteError(`the address holds "${s}", which is not percent-encoded text`);
      }
      return d;
    };
    const rev = decode2(m[2]);
    const path = (m[3] ?? "").split("/").filter((c) => c !== "").map(decode2);
    for (const c of path) {
      if (c === "." || c === ".." || c.includes("/") || c.includes("\0")) throw new RouteError(`the path component "${c}" cannot name a file in a git tree`);
    }
    if (m[1] === "blob" && path.length === 0) throw new RouteError("a file address needs a path after the revision");
    const line = new URLSearchParams(m[4] ?? "").get("line");
    const n = line !== null && /^[1-9][0-9]{0,8}$/.test(line) ? Number(line) : null;
    return { kind: m[1], rev, path, line: n };
  }
  var encPath = (path) => path.map(encodeURIComponent).join("/");
  var base = (index) => `#/ipfs/${index.cid}`;
  var treeHref = (index, rev, path) => `${base(index)}/tree/${encodeURIComponent(rev)}/${path.length ? encPath(path) + "/" : ""}`;
  var blobHref = (index, rev, path) => `${base(index)}/blob/${encodeURIComponent(rev)}/${encPath(path)}`;
  var utf8 = new TextDecoder("utf-8", { fatal: false });
  function parseTree(obj) {
    const b = obj.content;
    const out = [];
    for (let at = 0; at < b.length; ) {
      const sp = b.indexOf(32, at);
      const nul = sp < 0 ? -1 : b.indexOf(0, sp);
      if (sp < 0 || nul < 0 || nul + 21 > b.length) throw new ObjectError(`object ${obj.oid} is a damaged tree`);
      const mode = utf8.decode(b.subarray(at, sp));
      const name = utf8.decode(b.subarray(sp + 1, nul));
      const oid = hex(b.subarray(nul + 1, nul + 21));
      const kind2 = mode === "40000" ? "tree" : mode === "160000" ? "submodule" : mode === "120000" ? "link" : "blob";
      out.push({ mode, name, oid, kind: kind2 });
      at = nul + 21;
    }
    return out;
  }
  async function resolveRev(gw, index, rev) {
    let oid;
    if (/^[0-9a-f]{40}$/.test(rev)) oid = rev;
    else {
      const refs = await readRefs(gw, index.refs, index.cid);
      const names = rev === "HEAD" ? index.head ? [index.head] : [] : [`refs/heads/${rev}`, `refs/tags/${rev}`, rev];
      const ref = names.map((n) => refs.find((r) => r.name === n)).find((r) => r !== void 0);
      if (!ref) {
        const branches = refs.filter((r) => r.name.startsWith("refs/heads/")).map((r) => r.name.slice(11));
        throw new ObjectError(`there is no branch or tag "${rev}" in nip::/ipfs/${index.cid} (its branches: ${branches.join(", ") || "none"})`);
      }
      oid = ref.peeled ?? ref.target;
    }
    for (let hops = 0; hops < 8; hops++) {
      const obj = await readObject(gw, index, oid);
      if (obj.type === "tree") return { commit: null, tree: oid };
      const text = utf8.decode(obj.content);
      const head = text.slice(0, Math.max(0, text.indexOf("\n\n")));
      if (obj.type === "commit") {
        const m = /^tree ([0-9a-f]{40})$/m.exec(head);
        if (!m) throw new ObjectError(`commit ${oid} names no tree`);
        return { commit: oid, tree: m[1] };
      }
      if (obj.type === "tag") {
        const m = /^object ([0-9a-f]{40})$/m.exec(head);
        if (!m) throw new ObjectError(`tag ${oid} names no object`);
        oid = m[1];
        continue;
      }
      throw new ObjectError(`"${rev}" names a ${obj.type} (${oid}), not a commit or a tree`);
    }
    throw new ObjectError(`"${rev}" is a chain of more than 8 tags`);
  }
  async function walk(gw, index, tree, path) {
    let entry2 = { mode: "40000", name: "", oid: tree, kind: "tree" };
    let parent = null;
    for (let i = 0; i < path.length; i++) {
      if (entry2.kind !== "tree") return { found: false, missing: i, why: `${path.slice(0, i).join("/")} is a file, not a directory` };
      const entries = parseTree(await readObject(gw, index, entry2.oid));
      const next = entries.find((e) => e.name === path[i]);
      if (!next) return { found: false, missing: i, why: `${i === 0 ? "the top directory" : path.slice(0, i).join("/")} has no entry "${path[i]}"` };
      parent = entries;
      entry2 = next;
    }
    return { found: true, entry: entry2, parent };
  }
  function breadcrumb(index, rev, path, lastIsFile) {
    const nav = el("nav", { "aria-label": "path", class: "crumbs", id: "crumbs" });
    const label = /^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 12) : rev;
    const parts = [path.length === 0 ? el("span", { "aria-current": "page" }, label) : el("a", { href: treeHref(index, rev, []) }, label)];
    path.forEach((c, i) => {
      parts.push(el("span", { class: "sep", "aria-hidden": "true" }, " / "));
      const last = i === path.length - 1;
      if (last) parts.push(el("span", { "aria-current": "page" }, c));
      else parts.push(el("a", { href: treeHref(index, rev, path.slice(0, i + 1)) }, c));
    });
    void lastIsFile;
    nav.append(...parts);
    return nav;
  }
  async function eachLimited(items, n, f) {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await f(items[next++]);
    }));
  }
  function humanSize(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
    return `${(n / (1 << 20)).toFixed(1)} MiB`;
  }
  function showMissing(index, route, resolved2, w) {
    const main2 = document.getElementById("main");
    const upTo = route.path.slice(0, w.missing);
    main2.replaceChildren(
      el("h2", { id: "view-title", tabindex: "-1" }, `Not found: ${route.path.join("/")}`),
      breadcrumb(index, route.rev, upTo, false),
      el("p", { id: "error", class: "missing", role: "alert" }, `There is no ${route.path.join("/")} at ${route.rev}${resolved2.commit ? ` (commit ${resolved2.commit})` : ""}: ${w.why}.`),
      el("p", {}, el("a", { href: treeHref(index, route.rev, upTo), id: "nearest" }, `Browse ${upTo.length ? upTo.join("/") : "the top directory"} instead`))
    );
    focusHeading();
  }
  async function showTree(gw, index, route, alive) {
    const resolved2 = await resolveRev(gw, index, route.rev);
    const w = await walk(gw, index, resolved2.tree, route.path);
    if (!alive()) return;
    if (!w.found) return showMissing(index, route, resolved2, w);
    if (w.entry.kind !== "tree") {
      location.replace(blobHref(index, route.rev, route.path));
      return;
    }
    const entries = parseTree(await readObject(gw, index, w.entry.oid));
    const sorted = [...entries.filter((e) => e.kind === "tree"), ...entries.filter((e) => e.kind !== "tree")];
    const sizes = /* @__PURE__ */ new Map();
    const blobs = sorted.filter((e) => e.kind === "blob" || e.kind === "link");
    await eachLimited(blobs, 8, async (e) => {
      const oid = new Uint8Array(e.oid.match(/../g).map((h) => parseInt(h, 16)));
      sizes.set(e.oid, await lookup(gw, index.objects, oid));
    });
    if (!alive()) return;
    const title = route.path.length ? route.path.join("/") : "Files";
    const body2 = el("tbody");
    if (route.path.length > 0) {
      body2.append(el("tr", { class: "up" }, el("td", { class: "mode" }), el("td", { class: "name" }, el("a", { href: treeHref(index, route.rev, route.path.slice(0, -1)), id: "up" }, "..")), el("td", { class: "size" })));
    }
    for (const e of sorted) {
      const p = [...route.path, e.name];
      let name;
      let size = "";
      if (e.kind === "tree") name = el("a", { href: treeHref(index, route.rev, p), class: "dir" }, `${e.name}/`);
      else if (e.kind === "submodule") name = el("span", { class: "submodule", title: `submodule at commit ${e.oid}` }, `${e.name} @ ${e.oid.slice(0, 12)}`);
      else {
        name = el("a", { href: blobHref(index, route.rev, p), class: e.kind === "link" ? "link" : "file" }, e.name);
        const r = sizes.get(e.oid);
        size = r ? humanSize(r.size) : "?";
        if (r) name.dataset.size = String(r.size);
      }
      body2.append(el("tr", { "data-oid": e.oid, "data-mode": e.mode }, el("td", { class: "mode" }, el("code", {}, e.mode.padStart(6, "0"))), el("td", { class: "name" }, name), el("td", { class: "size" }, size)));
    }
    if (sorted.length === 0) body2.append(el("tr", {}, el("td", { colspan: "3", class: "none" }, "empty directory")));
    const commitLine = resolved2.commit ? el("p", { class: "at" }, "at commit ", el("a", { href: `${base(index)}/object/${resolved2.commit}` }, el("code", { class: "oid", title: resolved2.commit }, resolved2.commit.slice(0, 12)))) : el("p", { class: "at" }, "tree ", el("code", { class: "oid" }, resolved2.tree));
    const table = el("table", { id: "tree", class: "tree" }, el("caption", { class: "visually-hidden" }, `${title}: directories, then files`), el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Mode"), el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "Size"))), body2);
    document.getElementById("main").replaceChildren(el("h2", { id: "view-title", tabindex: "-1" }, title), breadcrumb(index, route.rev, route.path, false), commitLine, table);
    focusHeading();
    setStatus(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
  }

  // src/views/file.ts
  var MAX_TEXT = 2 << 20;
  var urls = [];
  window.addEventListener("hashchange", () => {
    for (const u of urls) URL.revokeObjectURL(u);
    urls = [];
  });
  function blobUrl(bytes2, type) {
    const u = URL.createObjectURL(new Blob([bytes2], { type }));
    urls.push(u);
    return u;
  }
  function imageType(b) {
    const starts = (...s) => s.every((v, i) => b[i] === v);
    if (starts(137, 80, 78, 71, 13, 10, 26, 10)) return "image/png";
    if (starts(255, 216, 255)) return "image/jpeg";
    if (starts(71, 73, 70, 56)) return "image/gif";
    if (starts(82, 73, 70, 70) && b[8] === 87 && b[9] === 69 && b[10] === 66 && b[11] === 80) return "image/webp";
    return null;
  }
  function asText(b) {
    if (b.includes(0)) return null;
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(b);
    } catch {
      return null;
    }
  }
  function downloadLink(bytes2, name) {
    return el("a", { id: "download", href: blobUrl(bytes2, "application/octet-stream"), download: name }, `Download ${name} (${bytes2.length} bytes)`);
  }
  function lines(index, route, text) {
    const all2 = text.split("\n");
    if (all2.length > 1 && all2[all2.length - 1] === "") all2.pop();
    const box = el("div", { id: "lines", class: "lines", role: "region", "aria-label": `${route.path.join("/")}, ${all2.length} lines`, tabindex: "0" });
    const href2 = blobHref(index, route.rev, route.path);
    const frag = document.createDocumentFragment();
    all2.forEach((l, i) => {
      const n = i + 1;
      const row = el("div", { class: "line", id: `L${n}` }, el("a", { class: "ln", href: `${href2}?line=${n}`, tabindex: "-1", "aria-label": `line ${n}` }, String(n)), el("code", {}, l));
      if (route.line === n) {
        row.classList.add("hl");
        row.setAttribute("aria-current", "true");
      }
      frag.append(row);
    });
    box.append(frag);
    return box;
  }
  async function showBlob(gw, index, route, alive) {
    const resolved2 = await resolveRev(gw, index, route.rev);
    const w = await walk(gw, index, resolved2.tree, route.path);
    if (!alive()) return;
    if (!w.found) return showMissing(index, route, resolved2, w);
    const e = w.entry;
    if (e.kind === "tree") {
      location.replace(treeHref(index, route.rev, route.path));
      return;
    }
    const name = route.path[route.path.length - 1];
    const head = [
      el("h2", { id: "view-title", tabindex: "-1" }, name),
      breadcrumb(index, route.rev, route.path, true),
      el("p", { class: "at" }, el("code", {}, e.mode), " blob ", el("a", { href: `${base(index)}/object/${e.oid}` }, el("code", { class: "oid", title: e.oid }, e.oid.slice(0, 12))), resolved2.commit ? ` at commit ${resolved2.commit.slice(0, 12)}` : "")
    ];
    const main2 = document.getElementById("main");
    if (e.kind === "submodule") {
      main2.replaceChildren(...head, el("p", { id: "content" }, `a submodule at commit ${e.oid}: its files are in another repository`));
      focusHeading();
      return;
    }
    const oid = new Uint8Array(e.oid.match(/../g).map((h) => parseInt(h, 16)));
    const rec = await lookup(gw, index.objects, oid);
    if (rec === null) throw new ObjectError(`${route.path.join("/")}: its blob ${e.oid} is not in the repository's object map ${index.objects}`);
    const size = el("p", { id: "size" }, `${rec.size} bytes (${humanSize(rec.size)})`);
    if (rec.size > MAX_TEXT) {
      const button = el("button", { type: "button", id: "fetch" }, `Read and download ${name} (${humanSize(rec.size)})`);
      const out = el("p", { id: "large" }, `This file is larger than ${humanSize(MAX_TEXT)}: it is not shown, and nothing of it is read until you ask. `, button);
      button.addEventListener("click", () => {
        button.disabled = true;
        button.textContent = "Reading\u2026";
        void readObject(gw, index, e.oid).then(
          (obj2) => {
            const a = downloadLink(obj2.content, name);
            button.replaceWith(a);
            a.focus();
            a.click();
            setStatus(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
          },
          (err) => button.replaceWith(el("span", { id: "error", role: "alert" }, err.message))
        );
      });
      main2.replaceChildren(...head, size, out);
      focusHeading();
      setStatus(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
      return;
    }
    const before = gw.fetched;
    const touched = /* @__PURE__ */ new Set();
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
    const parts = [...head, size];
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
    main2.replaceChildren(...parts);
    if (route.line !== null) document.getElementById(`L${route.line}`)?.scrollIntoView({ block: "center" });
    focusHeading();
    setStatus(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
  }

  // src/diff.ts
  var MAX_EDITS = 2e3;
  var CONTEXT = 3;
  function lines2(text) {
    if (text === "") return [];
    const out = text.split("\n").map((l) => l + "\n");
    const last = out.pop();
    if (last !== "\n") out.push(last.slice(0, -1));
    return out;
  }
  function editScript(a, b) {
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head++;
    let tail = 0;
    while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
    const ids = /* @__PURE__ */ new Map();
    const id = (s) => {
      let v = ids.get(s);
      if (v === void 0) ids.set(s, v = ids.size);
      return v;
    };
    const A = Int32Array.from(a.slice(head, a.length - tail), id);
    const B = Int32Array.from(b.slice(head, b.length - tail), id);
    const n = A.length;
    const m = B.length;
    const max = n + m;
    const ops = [];
    for (let i = 0; i < head; i++) ops.push([" ", i]);
    const middle = [];
    if (n === 0 || m === 0) {
      for (let i = 0; i < n; i++) middle.push(["-", head + i]);
      for (let j = 0; j < m; j++) middle.push(["+", head + j]);
    } else {
      const limit = Math.min(max, MAX_EDITS);
      const off = limit + 1;
      let v = new Int32Array(2 * limit + 3);
      const trace = [];
      let found = -1;
      for (let d = 0; d <= limit && found < 0; d++) {
        trace.push(v.slice(off - d - 1, off + d + 2));
        for (let k = -d; k <= d; k += 2) {
          let x2 = k === -d || k !== d && v[off + k - 1] < v[off + k + 1] ? v[off + k + 1] : v[off + k - 1] + 1;
          let y2 = x2 - k;
          while (x2 < n && y2 < m && A[x2] === B[y2]) {
            x2++;
            y2++;
          }
          v[off + k] = x2;
          if (x2 >= n && y2 >= m) {
            found = d;
            break;
          }
        }
      }
      if (found < 0) return null;
      let x = n;
      let y = m;
      const rev = [];
      for (let d = found; d > 0; d--) {
        const pv = trace[d];
        const at = (k2) => pv[k2 + d + 1];
        const k = x - y;
        const down = k === -d || k !== d && at(k - 1) < at(k + 1);
        const pk = down ? k + 1 : k - 1;
        const px = at(pk);
        const py = px - pk;
        const sx = down ? px : px + 1;
        const sy = down ? py + 1 : py;
        while (x > sx && y > sy) {
          x--;
          y--;
          rev.push([" ", head + x]);
        }
        if (down) {
          y--;
          rev.push(["+", head + y]);
        } else {
          x--;
          rev.push(["-", head + x]);
        }
      }
      while (x > 0 && y > 0) {
        x--;
        y--;
        rev.push([" ", head + x]);
      }
      middle.push(...rev.reverse());
    }
    ops.push(...middle);
    for (let i = a.length - tail; i < a.length; i++) ops.push([" ", i]);
    return ops;
  }
  function unified(a, b, context = CONTEXT) {
    const ops = editScript(a, b);
    if (ops === null) return null;
    const rows = [];
    let ai = 0;
    let bi = 0;
    for (const [op] of ops) {
      rows.push({ op, ai, bi });
      if (op !== "+") ai++;
      if (op !== "-") bi++;
    }
    const hunks = [];
    let i = 0;
    while (i < rows.length) {
      while (i < rows.length && rows[i].op === " ") i++;
      if (i >= rows.length) break;
      let start = Math.max(0, i - context);
      while (start > 0 && rows[start - 1].op !== " ") start--;
      let end = i;
      for (; ; ) {
        while (end < rows.length && rows[end].op !== " ") end++;
        let next = end;
        while (next < rows.length && rows[next].op === " ") next++;
        if (next < rows.length && next - end <= 2 * context) {
          end = next;
          continue;
        }
        end = Math.min(rows.length, end + context);
        break;
      }
      const h = { oldStart: rows[start].ai + 1, oldLines: 0, newStart: rows[start].bi + 1, newLines: 0, lines: [] };
      for (let r = start; r < end; r++) {
        const { op, ai: x, bi: y } = rows[r];
        const text = op === "+" ? b[y] : a[x];
        h.lines.push({ op, text: text.endsWith("\n") ? text.slice(0, -1) : text, noEol: !text.endsWith("\n") });
        if (op !== "+") h.oldLines++;
        if (op !== "-") h.newLines++;
      }
      if (h.oldLines === 0) h.oldStart--;
      if (h.newLines === 0) h.newStart--;
      hunks.push(h);
      i = end;
    }
    return hunks;
  }

  // src/views/util.ts
  function el2(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }
  function href(cid, ...segments) {
    return `#/ipfs/${cid}${segments.map((s) => "/" + s.split("/").map(encodeURIComponent).join("/")).join("")}`;
  }
  function setStatus2(gw, extra = "") {
    document.getElementById("status").textContent = `${gw.fetched} blocks from ${gw.shown}, each checked against its CID${extra}`;
  }
  function person(line) {
    const m = /^(.*?) ?<([^>]*)> (-?\d+) ([+-]\d{4})$/.exec(line);
    if (!m) return { name: line, email: "", time: 0, tz: "+0000" };
    return { name: m[1], email: m[2], time: Number(m[3]), tz: m[4] };
  }
  function when(p) {
    if (!Number.isFinite(p.time) || Math.abs(p.time) > 864e10) return "";
    return new Date(p.time * 1e3).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
  }
  var HEX40 = /^[0-9a-f]{40}$/;
  async function readCommit(gw, index, oid) {
    if (!HEX40.test(oid)) throw new ObjectError(`"${oid}" is not a git hash`);
    const obj = await readObject(gw, index, oid);
    if (obj.type !== "commit") throw new ObjectError(`object ${oid} is a ${obj.type}, not a commit`);
    const c = parseCommit(obj);
    if (!HEX40.test(c.tree) || !c.parents.every((p) => HEX40.test(p))) throw new ObjectError(`object ${oid} is a damaged commit (its tree or parents are not git hashes)`);
    return { oid, tree: c.tree, parents: c.parents, author: person(c.author), committer: person(c.committer), message: c.message, pack: obj.record.pack, offset: obj.record.offset };
  }
  function commitInfo(obj, where) {
    const record2 = { oid: new Uint8Array(20), type: 1, size: obj.content.length, pack: where.pack, offset: where.offset };
    const c = parseCommit({ ...obj, record: record2 });
    if (!HEX40.test(c.tree) || !c.parents.every((p) => HEX40.test(p))) throw new ObjectError(`object ${obj.oid} is a damaged commit (its tree or parents are not git hashes)`);
    return { oid: obj.oid, tree: c.tree, parents: c.parents, author: person(c.author), committer: person(c.committer), message: c.message, ...where };
  }
  async function peel(gw, index, oid) {
    for (let i = 0; i < 16; i++) {
      const obj = await readObject(gw, index, oid);
      if (obj.type !== "tag") return oid;
      const m = /^object ([0-9a-f]{40})$/m.exec(new TextDecoder().decode(obj.content.subarray(0, 200)));
      if (!m) throw new ObjectError(`object ${oid} is a damaged tag (no object line)`);
      oid = m[1];
    }
    throw new ObjectError(`tag ${oid}: more than 16 tags in a row`);
  }
  function subject(message) {
    return message.replace(/^\n+/, "").split("\n")[0] ?? "";
  }

  // src/views/commit.ts
  var MAX_DIFF_FILE = 256 * 1024;
  var MAX_CHANGES = 3e3;
  var MAX_TREES = 3e3;
  var MAX_DEPTH3 = 64;
  var MAX_DIFFS = 100;
  var isTree = (mode) => mode === "40000";
  var kind = (mode) => mode === "120000" ? "link" : mode === "160000" ? "gitlink" : "file";
  function parseTree2(oid, b) {
    const out = [];
    const dec = new TextDecoder();
    for (let at = 0; at < b.length; ) {
      const sp = b.indexOf(32, at);
      const nul = sp < 0 ? -1 : b.indexOf(0, sp);
      if (sp < 0 || nul < 0 || nul + 21 > b.length) throw new ObjectError(`object ${oid} is a damaged tree`);
      const mode = dec.decode(b.subarray(at, sp));
      if (!/^[0-7]{5,6}$/.test(mode)) throw new ObjectError(`object ${oid} is a damaged tree (mode ${JSON.stringify(mode)})`);
      out.push({ mode, name: dec.decode(b.subarray(sp + 1, nul)), oid: hex(b.subarray(nul + 1, nul + 21)) });
      at = nul + 21;
    }
    return out;
  }
  function key(e) {
    return isTree(e.mode) ? e.name + "/" : e.name;
  }
  var TreeDiff = class {
    constructor(gw, index) {
      this.gw = gw;
      this.index = index;
    }
    trees = 0;
    truncated = false;
    async tree(oid) {
      if (oid === null) return [];
      if (++this.trees > MAX_TREES) throw new ObjectError(`the commit's trees hold more than ${MAX_TREES} subtrees to compare; the viewer stops there`);
      const obj = await readObject(this.gw, this.index, oid);
      if (obj.type !== "tree") throw new ObjectError(`object ${oid} is a ${obj.type} where a tree was expected`);
      return parseTree2(oid, obj.content);
    }
    /** The changes between trees a and b (either may be null), in order. */
    async diff(a, b, prefix, depth) {
      if (a === b) return [];
      if (depth > MAX_DEPTH3) throw new ObjectError(`tree ${b ?? a} is nested deeper than ${MAX_DEPTH3} levels; the viewer stops there`);
      const [ea, eb] = await Promise.all([this.tree(a), this.tree(b)]);
      const byKey = (x, y) => key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0;
      const parts = [];
      let i = 0;
      let j = 0;
      while (i < ea.length || j < eb.length) {
        const x = ea[i];
        const y = eb[j];
        const c = x === void 0 ? 1 : y === void 0 ? -1 : byKey(x, y);
        const old = c <= 0 ? x : null;
        const neu = c >= 0 ? y : null;
        if (c <= 0) i++;
        if (c >= 0) j++;
        const path = prefix + (old ?? neu).name;
        if (old && isTree(old.mode) || neu && isTree(neu.mode)) {
          parts.push(this.diff(old?.oid ?? null, neu?.oid ?? null, path + "/", depth + 1));
          continue;
        }
        if (old && neu && old.oid === neu.oid && old.mode === neu.mode) continue;
        const status2 = !old ? "A" : !neu ? "D" : kind(old.mode) !== kind(neu.mode) ? "T" : "M";
        parts.push([{ status: status2, path, oldMode: old?.mode ?? null, newMode: neu?.mode ?? null, oldOid: old?.oid ?? null, newOid: neu?.oid ?? null }]);
      }
      const out = [];
      for (const p of await Promise.all(parts)) {
        for (const ch of p) {
          if (out.length >= MAX_CHANGES) {
            this.truncated = true;
            break;
          }
          out.push(ch);
        }
      }
      return out;
    }
  };
  async function changes(gw, index, from, to) {
    const t = new TreeDiff(gw, index);
    const list = await t.diff(from, to, "", 0);
    return { list, truncated: t.truncated || list.length >= MAX_CHANGES };
  }
  var bytes = (h) => new Uint8Array(h.match(/../g).map((x) => parseInt(x, 16)));
  async function blobSize(gw, index, oid) {
    const r = await lookup(gw, index.objects, bytes(oid));
    if (r === null) throw new ObjectError(`object ${oid} is not in the repository's object map ${index.objects}`);
    return r.size;
  }
  async function content(gw, index, oid, mode) {
    if (oid === null || mode === null) return { text: [] };
    if (kind(mode) === "gitlink") return null;
    const size = await blobSize(gw, index, oid);
    if (size > MAX_DIFF_FILE) return { large: true, size };
    const obj = await readObject(gw, index, oid);
    if (obj.type !== "blob") throw new ObjectError(`object ${oid} is a ${obj.type} where a file was expected`);
    if (obj.content.subarray(0, 8e3).includes(0)) return { binary: true, size };
    return { text: lines2(new TextDecoder().decode(obj.content)) };
  }
  function hunkList(hunks) {
    const pre = el2("pre", { class: "diff" });
    for (const h of hunks) {
      pre.append(el2("span", { class: "hunk" }, `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`), "\n");
      for (const l of h.lines) {
        const cls = l.op === "+" ? "add" : l.op === "-" ? "del" : "ctx";
        pre.append(el2("span", { class: cls }, l.op + l.text), "\n");
        if (l.noEol) pre.append(el2("span", { class: "noeol" }, "\\ No newline at end of file"), "\n");
      }
    }
    return pre;
  }
  async function fileDiff(gw, index, ch) {
    const [a, b] = await Promise.all([content(gw, index, ch.oldOid, ch.oldMode), content(gw, index, ch.newOid, ch.newMode)]);
    if (a === null || b === null) return el2("p", { class: "nodiff" }, "submodule commit changed");
    if (!("text" in a) || !("text" in b)) {
      const what = "binary" in a && a.binary || "binary" in b && b.binary ? "binary file changed" : "large file changed";
      const sa = ch.oldOid === null ? 0 : "size" in a ? a.size : await blobSize(gw, index, ch.oldOid);
      const sb = ch.newOid === null ? 0 : "size" in b ? b.size : await blobSize(gw, index, ch.newOid);
      return el2("p", { class: "nodiff" }, `${what}, ${sa} -> ${sb} bytes`);
    }
    const hunks = unified(a.text, b.text);
    if (hunks === null) return el2("p", { class: "nodiff" }, "the files differ in too many lines for the viewer to compute a diff");
    return hunkList(hunks);
  }
  function who(label, p) {
    return el2("p", { class: label }, `${label[0].toUpperCase()}${label.slice(1)}: `, el2("span", { class: "name" }, p.name), ` <${p.email}> `, el2("time", {}, `${when(p)} (${p.tz})`));
  }
  var STATUS = { A: "added", D: "deleted", M: "modified", T: "type changed" };
  async function showCommitView(gw, index, oid, query, live) {
    const c = await readCommit(gw, index, oid);
    const n = Number(query.get("parent") ?? "1");
    if (c.parents.length > 0 && (!Number.isInteger(n) || n < 1 || n > c.parents.length)) throw new ObjectError(`commit ${oid} has no parent number ${query.get("parent")}`);
    const base2 = c.parents.length === 0 ? null : c.parents[n - 1];
    const baseTree = base2 === null ? null : (await readCommit(gw, index, base2)).tree;
    const { list, truncated } = await changes(gw, index, baseTree, c.tree);
    const diffs = await Promise.all(list.slice(0, MAX_DIFFS).map((ch) => fileDiff(gw, index, ch)));
    if (!live()) return;
    const parents = el2("ul", { id: "parents" });
    c.parents.forEach((p, i) => {
      const li = el2("li", {}, `parent ${i + 1} `, el2("a", { href: href(index.cid, "commit", p), class: "oid" }, p));
      if (c.parents.length > 1 && i + 1 !== n) li.append(" ", el2("a", { href: `${href(index.cid, "commit", oid)}?parent=${i + 1}`, class: "against" }, "changes against this one"));
      parents.append(li);
    });
    const against = base2 === null ? "Root commit: every file is added" : c.parents.length > 1 ? `Changes against parent ${n} of ${c.parents.length}, ${base2.slice(0, 12)}` : `Changes against the parent ${base2.slice(0, 12)}`;
    const files = el2("ul", { id: "files" });
    const bodies = [];
    list.forEach((ch, i) => {
      const modes = ch.oldMode && ch.newMode && ch.oldMode !== ch.newMode ? ` (mode ${ch.oldMode} -> ${ch.newMode})` : ch.status === "A" ? ` (mode ${ch.newMode})` : "";
      files.append(
        el2("li", { "data-status": ch.status }, el2("span", { class: "status", title: STATUS[ch.status] }, ch.status), " ", el2("a", { href: `#file-${i}`, class: "path" }, ch.path), el2("span", { class: "modes" }, modes))
      );
      const sect = el2("section", { class: "file", id: `file-${i}`, "data-path": ch.path }, el2("h3", {}, `${STATUS[ch.status]}: `, el2("code", {}, ch.path), modes));
      sect.append(i < diffs.length ? diffs[i] : el2("p", { class: "nodiff" }, `diff not shown (only the first ${MAX_DIFFS} files get one)`));
      bodies.push(sect);
    });
    if (list.length === 0) files.append(el2("li", { class: "none" }, "no files changed"));
    const [subj, ...rest] = c.message.replace(/\n+$/, "").split("\n");
    document.getElementById("main").replaceChildren(
      el2("p", {}, el2("a", { href: `#/ipfs/${index.cid}`, id: "back" }, "\u2190 branches and tags")),
      el2("h2", {}, "commit ", el2("code", { class: "oid", id: "commit-oid" }, oid)),
      el2("p", { class: "subject", id: "subject" }, subj ?? ""),
      el2("pre", { class: "message", id: "message" }, [subj, ...rest].join("\n")),
      who("author", c.author),
      who("committer", c.committer),
      el2("p", { id: "tree" }, "tree ", el2("a", { href: href(index.cid, "object", c.tree), class: "oid" }, c.tree)),
      parents,
      el2("h2", { id: "against" }, against, ` (${list.length}${truncated ? "+" : ""} files)`),
      files,
      ...truncated ? [el2("p", { class: "nodiff" }, "more files changed than the viewer lists")] : [],
      ...bodies
    );
    document.getElementById("back").focus();
    setStatus2(gw, "; every object SHA-1 checked");
  }

  // src/views/history.ts
  var PAGE = 20;
  var MAX_DEPTH4 = 40;
  var MAX_CHANGES2 = 2e3;
  function nibble2(key2, depth) {
    const b = key2[depth >> 1];
    return depth % 2 === 0 ? b >> 4 : b & 15;
  }
  function less(a, b) {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
    return false;
  }
  var isHash3 = (v) => v instanceof Uint8Array && v.length === 20;
  async function shard(gw, cid, path, indexCid) {
    const data = await gw.block(cid);
    let b;
    let kind2 = "refs-leaf";
    try {
      b = body(cid, data, kind2);
    } catch (e) {
      if (!(e instanceof FormatError) || !/ block where a nip refs-leaf block/.test(e.message)) throw e;
      kind2 = "refs-node";
      b = body(cid, data, kind2);
    }
    const bad2 = (why) => new FormatError(`block ${cid} is a damaged nip ${kind2} block: ${why}`);
    if (!Array.isArray(b)) throw bad2("its body is not an array");
    if (kind2 === "refs-node") {
      if (path.length >= MAX_DEPTH4) throw bad2("a node deeper than any key");
      if (b.length !== 16) throw bad2(`a node of ${b.length} slots, not 16`);
      if (!b.every((s) => s === null || s instanceof CID)) throw bad2("a slot is neither a link nor null");
      return { node: b };
    }
    const leaf = /* @__PURE__ */ new Map();
    let last = null;
    for (const e of b) {
      if (!Array.isArray(e) || e.length !== 2 && e.length !== 3 || typeof e[0] !== "string" || !isHash3(e[1]) || e.length === 3 && !isHash3(e[2])) {
        throw bad2("an entry is not [name, git hash] or [name, git hash, peeled]");
      }
      checkRefName(e[0], indexCid);
    }
    const keys = b.map((e) => sha256Sync(new TextEncoder().encode(e[0])));
    for (const [n, e] of b.entries()) {
      const key2 = keys[n].subarray(0, 20);
      if (last !== null && !less(last, key2)) throw bad2("leaf entries are not sorted by key and unique");
      last = key2;
      if (!path.every((n2, d) => nibble2(key2, d) === n2)) throw bad2("a leaf holds an entry that belongs elsewhere in the trie");
      leaf.set(e[0], { target: hex(e[1]), peeled: e.length === 3 ? hex(e[2]) : null });
    }
    return { leaf };
  }
  async function all(gw, s, path, indexCid) {
    if ("leaf" in s) return s.leaf;
    const out = /* @__PURE__ */ new Map();
    const subs = await Promise.all(
      s.node.map(async (c, n) => c === null ? /* @__PURE__ */ new Map() : all(gw, await shard(gw, c, [...path, n], indexCid), [...path, n], indexCid))
    );
    for (const m of subs) for (const [k, v] of m) out.set(k, v);
    return out;
  }
  async function findRef(gw, root, name, indexCid) {
    const key2 = sha256Sync(new TextEncoder().encode(name)).subarray(0, 20);
    let cid = root;
    const path = [];
    while (cid !== null) {
      const s = await shard(gw, cid, path, indexCid);
      if ("leaf" in s) return s.leaf.get(name) ?? null;
      const n = nibble2(key2, path.length);
      path.push(n);
      cid = s.node[n];
    }
    return null;
  }
  async function diffRefs(gw, a, b, aIndex, bIndex) {
    const out = [];
    const walk3 = async (x, y, path) => {
      if (x !== null && y !== null && x.equals(y)) return;
      const [sx, sy] = await Promise.all([x === null ? null : shard(gw, x, path, aIndex), y === null ? null : shard(gw, y, path, bIndex)]);
      if (sx !== null && sy !== null && "node" in sx && "node" in sy) {
        await Promise.all(sx.node.map((c, n) => walk3(c, sy.node[n], [...path, n])));
        return;
      }
      const [mx, my] = await Promise.all([sx === null ? /* @__PURE__ */ new Map() : all(gw, sx, path, aIndex), sy === null ? /* @__PURE__ */ new Map() : all(gw, sy, path, bIndex)]);
      for (const [name, t] of my) {
        const o = mx.get(name);
        if (o === void 0) out.push({ name, old: null, new: t.target });
        else if (o.target !== t.target) out.push({ name, old: o.target, new: t.target });
      }
      for (const [name, t] of mx) if (!my.has(name)) out.push({ name, old: t.target, new: null });
      if (out.length > MAX_CHANGES2) throw new FormatError(`the push of index ${bIndex} changed more than ${MAX_CHANGES2} refs; the viewer stops there`);
    };
    await walk3(a, b, []);
    return out.sort((p, q) => p.name < q.name ? -1 : p.name > q.name ? 1 : 0);
  }
  async function step(gw, cid) {
    try {
      return { index: await readIndex(gw, cid) };
    } catch (e) {
      if (e instanceof FormatError && / uses nip format version /.test(e.message)) return { old: cid, why: e.message };
      throw e;
    }
  }
  async function showHistory(gw, top, query, live) {
    const fromText = query.get("from");
    const page = Math.max(1, Number(query.get("page") ?? "1") || 1);
    const chain = [];
    let next = fromText === null ? { index: top } : await step(gw, CID.parse(fromText));
    for (; ; ) {
      chain.push(next);
      if (!("index" in next) || next.index.previous === null || chain.length > PAGE) break;
      next = await step(gw, next.index.previous);
    }
    const shown = chain.slice(0, PAGE);
    const diffs = await Promise.all(
      shown.map(async (s, i) => {
        if (!("index" in s)) return null;
        const before = chain[i + 1];
        const prev = before !== void 0 && "index" in before ? before.index : null;
        if (prev === null && s.index.previous !== null) return null;
        return { prev, refs: await diffRefs(gw, prev?.refs ?? null, s.index.refs, prev?.cid ?? null, s.index.cid) };
      })
    );
    if (!live()) return;
    const list = el2("ol", { id: "history", start: String((page - 1) * PAGE + 1) });
    shown.forEach((s, i) => {
      if (!("index" in s)) {
        list.append(el2("li", { class: "old", "data-cid": s.old.toString() }, el2("code", { class: "oid" }, s.old.toString()), ": ", s.why));
        return;
      }
      const ix = s.index;
      const d = diffs[i];
      const li = el2("li", { "data-cid": ix.cid.toString() }, el2("a", { href: `#/ipfs/${ix.cid}`, class: "index" }, el2("code", {}, ix.cid.toString())));
      const c = ix.counts;
      const p = d?.prev?.counts;
      const added = p ? c.commit + c.tree + c.blob + c.tag - (p.commit + p.tree + p.blob + p.tag) : null;
      li.append(
        el2("br"),
        el2("span", { class: "counts" }, `${c.commit} commits`, p ? ` (+${c.commit - p.commit})` : "", `, ${added ?? c.commit + c.tree + c.blob + c.tag} objects ${added !== null ? "added" : "in all"}`),
        ix.previous === null ? el2("span", { class: "first" }, "; the first push") : ""
      );
      const refs = el2("ul", { class: "refs" });
      if (d === null) refs.append(el2("li", { class: "none" }, "changes not known: the index before it is in an older format"));
      else {
        for (const r of d.refs) {
          const target = (o) => el2("a", { href: href(top.cid, "commit", o), class: "oid", title: o }, o.slice(0, 12));
          const item = el2("li", { class: r.old === null ? "added" : r.new === null ? "deleted" : "moved", "data-ref": r.name });
          if (r.old === null) item.append("added ", el2("code", { class: "ref" }, r.name), " ", target(r.new));
          else if (r.new === null) item.append("deleted ", el2("code", { class: "ref" }, r.name), " (was ", target(r.old), ")");
          else item.append("moved ", el2("code", { class: "ref" }, r.name), " ", target(r.old), "..", target(r.new));
          refs.append(item);
        }
        if (d.refs.length === 0) refs.append(el2("li", { class: "none" }, "no ref changed"));
      }
      li.append(refs);
      list.append(li);
    });
    const nav = el2("p", { class: "pages" });
    const more = chain.length > PAGE ? chain[PAGE] : null;
    if (page > 1) nav.append(el2("a", { href: href(top.cid, "history"), id: "first-page" }, "newest"), " ");
    if (more !== null) {
      const cid = "index" in more ? more.index.cid : more.old;
      nav.append(el2("a", { href: `${href(top.cid, "history")}?from=${cid}&page=${page + 1}`, id: "next-page", rel: "next" }, "older pushes"));
    } else nav.append(el2("span", { id: "end" }, "the first push"));
    document.getElementById("main").replaceChildren(
      el2("p", {}, el2("a", { href: `#/ipfs/${top.cid}`, id: "back" }, "\u2190 branches and tags")),
      el2("h2", {}, "Pushes, newest first", page > 1 ? `, page ${page}` : ""),
      list,
      nav
    );
    document.getElementById("back").focus();
    setStatus2(gw);
  }

  // src/views/packscan.ts
  var MAX_ENTRIES = 400;
  var MAX_BYTES = 2 << 20;
  var MAX_INFLATED = 8 << 20;
  var MAX_SKIPPED = 1 << 20;
  var TYPES2 = ["", "commit", "tree", "blob", "tag"];
  async function scan(gw, pack, packNumber, offset, limit = MAX_ENTRIES) {
    const out = [];
    const chunks = fileFrom(gw, pack, offset);
    let buf2 = new Uint8Array(0);
    let done = false;
    const want = async (n) => {
      while (buf2.length < n && !done && buf2.length < MAX_BYTES) {
        const c = await chunks.next();
        if (c.done) {
          done = true;
          break;
        }
        const more = new Uint8Array(buf2.length + c.value.length);
        more.set(buf2);
        more.set(c.value, buf2.length);
        buf2 = more;
      }
    };
    async function* from(p) {
      for (let at2 = p; ; ) {
        if (at2 < buf2.length) {
          const b = buf2;
          yield b.subarray(at2);
          at2 = b.length;
        } else {
          await want(at2 + 1);
          if (at2 >= buf2.length) return;
        }
      }
    }
    let at = 0;
    let inflated = 0;
    try {
      for (let n = 0; n < limit; n++) {
        await want(at + 64);
        if (at >= buf2.length) break;
        let p = at;
        let c = buf2[p++];
        const type = c >> 4 & 7;
        let size = c & 15;
        for (let shift = 4; c & 128; shift += 7) {
          if (p >= buf2.length || shift > 46) return out;
          c = buf2[p++];
          size += (c & 127) * 2 ** shift;
        }
        if (size > MAX_OBJECT || type !== 1 && size > MAX_SKIPPED || inflated + size > MAX_INFLATED) break;
        if (type === 6) {
          do
            if (p >= buf2.length) return out;
          while (buf2[p++] & 128);
        } else if (type === 7) p += 20;
        else if (type < 1 || type > 4) break;
        inflated += size;
        const { content: content2, used } = await inflate(from(p), size, "read-ahead");
        if (type === 1) {
          const head = new TextEncoder().encode(`commit ${size}\0`);
          const whole = new Uint8Array(head.length + size);
          whole.set(head);
          whole.set(content2, head.length);
          const oid = hex(new Uint8Array(await crypto.subtle.digest("SHA-1", whole)));
          out.push(commitInfo({ oid, type: TYPES2[type], content: content2 }, { pack: packNumber, offset: offset + at }));
        }
        at = p + used;
      }
    } catch {
    } finally {
      void chunks.return(void 0);
    }
    return out;
  }

  // src/views/log.ts
  var PAGE2 = 50;
  var MAX_PAGE = 500;
  var MAX_SKIP = 200;
  var MAX_QUEUE = 1e3;
  var HEX402 = /^[0-9a-f]{40}$/;
  async function resolve(gw, index, rev) {
    let oid = HEX402.test(rev) ? rev : null;
    if (oid === null) {
      const refs = await readRefs(gw, index.refs, index.cid);
      for (const name of [`refs/heads/${rev}`, `refs/tags/${rev}`, rev]) {
        const r = refs.find((x) => x.name === name);
        if (r) {
          oid = r.peeled ?? r.target;
          break;
        }
      }
      if (oid === null) throw new ObjectError(`the repository ${index.cid} has no branch, tag or ref named "${rev}"`);
    }
    return peel(gw, index, oid);
  }
  function warmHead(gw, index) {
    if (index.head === null) return;
    if (index.packs !== null) gw.block(index.packs).catch(() => {
    });
    findRef(gw, index.refs, index.head, index.cid).then((r) => r ? readObject(gw, index, r.target) : null).catch(() => {
    });
  }
  var MAX_SCANS = 8;
  var Commits = class {
    constructor(gw, index, ahead) {
      this.gw = gw;
      this.index = index;
      this.ahead = ahead;
    }
    known = /* @__PURE__ */ new Map();
    scanning = Promise.resolve();
    scans = 0;
    async get(oid) {
      await this.scanning;
      const k = this.known.get(oid);
      if (k) return k;
      const c = await readCommit(this.gw, this.index, oid);
      this.known.set(oid, c);
      if (c.pack !== void 0 && c.offset !== void 0 && this.index.packs !== null && this.scans++ < MAX_SCANS) {
        const [pack, offset, packs] = [c.pack, c.offset, this.index.packs];
        this.scanning = (async () => {
          try {
            const cid = await packCid(this.gw, packs, pack);
            for (const s of await scan(this.gw, cid, pack, offset, this.ahead)) if (!this.known.has(s.oid)) this.known.set(s.oid, s);
          } catch {
          }
        })();
      }
      return c;
    }
  };
  async function walk2(gw, index, start, skip, size) {
    const commits = new Commits(gw, index, size + 16);
    const queue = [];
    const seen = /* @__PURE__ */ new Set([...start, ...skip]);
    const insert = (c) => {
      let i = 0;
      while (i < queue.length && queue[i].committer.time >= c.committer.time) i++;
      queue.splice(i, 0, c);
      if (queue.length > MAX_QUEUE) throw new ObjectError(`the log walk from ${start[0]} holds more than ${MAX_QUEUE} commits at once; refused`);
    };
    for (const c of await Promise.all(start.map((o) => commits.get(o)))) insert(c);
    const shown = [];
    while (shown.length < size && queue.length > 0) {
      const c = queue.shift();
      shown.push(c);
      const fresh = c.parents.filter((p) => !seen.has(p));
      for (const p of fresh) seen.add(p);
      for (const p of await Promise.all(fresh.map((o) => commits.get(o)))) insert(p);
    }
    let carry = [];
    if (queue.length > 0) {
      const oldest = Math.min(...queue.map((c) => c.committer.time));
      carry = [...skip, ...shown.filter((c) => c.committer.time >= oldest).map((c) => c.oid)];
      carry = carry.slice(Math.max(0, carry.length - MAX_SKIP));
    }
    return { commits: shown, after: queue.map((c) => c.oid), skip: carry };
  }
  function oids(param, what) {
    if (param === null || param === "") return [];
    const list = param.split(",");
    if (list.length > MAX_QUEUE || !list.every((o) => HEX402.test(o))) throw new ObjectError(`the page's ${what} list is not a list of git hashes`);
    return list;
  }
  async function showLog(gw, index, rev, query, live) {
    const size = Math.min(MAX_PAGE, Math.max(1, Number(query.get("n") ?? PAGE2) || PAGE2));
    const after = oids(query.get("after"), "after");
    const skip = oids(query.get("skip"), "skip");
    const page = Number(query.get("page") ?? "1") || 1;
    const start = after.length > 0 ? after : [await resolve(gw, index, rev)];
    const { commits, after: next, skip: carry } = await walk2(gw, index, start, skip, size);
    if (!live()) return;
    const list = el2("ol", { id: "log", start: String((page - 1) * size + 1) });
    for (const c of commits) {
      const parents = el2("span", { class: "parents" });
      if (c.parents.length === 0) parents.append("root commit");
      c.parents.forEach((p, i) => {
        if (i > 0) parents.append(" ");
        parents.append(el2("a", { href: href(index.cid, "commit", p), class: "oid", title: p }, p.slice(0, 7)));
      });
      list.append(
        el2(
          "li",
          { "data-oid": c.oid },
          el2("a", { href: href(index.cid, "commit", c.oid), class: "oid hash", title: c.oid }, c.oid.slice(0, 12)),
          " ",
          el2("span", { class: "subject" }, subject(c.message)),
          el2("br"),
          el2("span", { class: "author" }, c.author.name),
          " ",
          el2("time", {}, when(c.author)),
          c.parents.length > 1 ? " merge of " : " parent ",
          parents
        )
      );
    }
    const nav = el2("p", { class: "pages" });
    if (page > 1) nav.append(el2("a", { href: href(index.cid, "log", rev), id: "first-page" }, "first page"), " ");
    if (next.length > 0) {
      const q = new URLSearchParams({ after: next.join(","), page: String(page + 1) });
      if (carry.length > 0) q.set("skip", carry.join(","));
      if (size !== PAGE2) q.set("n", String(size));
      nav.append(el2("a", { href: `${href(index.cid, "log", rev)}?${q.toString().replace(/%2C/g, ",")}`, id: "next-page", rel: "next" }, "next page"));
    } else nav.append(el2("span", { id: "end" }, "end of history"));
    document.getElementById("main").replaceChildren(
      el2("p", {}, el2("a", { href: `#/ipfs/${index.cid}`, id: "back" }, "\u2190 branches and tags")),
      el2("h2", {}, `Log of ${rev}`, page > 1 ? `, page ${page}` : ""),
      list,
      nav
    );
    document.getElementById("back").focus();
    setStatus2(gw, `; ${commits.length} commits read out of their packs, SHA-1 checked`);
  }

  // src/views/routes.ts
  function viewFor(hash) {
    const m = /^#\/ipfs\/[^/?#]+\/(log|commit|history)(?:\/([^?]*))?(?:\?(.*))?$/.exec(hash);
    if (!m) return null;
    const rest = (m[2] ?? "").split("/").map(decodeURIComponent).join("/");
    const query = new URLSearchParams(m[3] ?? "");
    if (m[1] === "log" && rest !== "") return (gw, index, live) => showLog(gw, index, rest, query, live);
    if (m[1] === "commit" && /^[0-9a-f]{40}$/.test(rest)) return (gw, index, live) => showCommitView(gw, index, rest, query, live);
    if (m[1] === "history" && rest === "") return (gw, index, live) => showHistory(gw, index, query, live);
    return null;
  }

  // src/main.ts
  function el3(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }
  function gatewayUrl() {
    const given = new URLSearchParams(location.search).get("gateway");
    const url = given ?? location.origin;
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`the gateway "${url}" is not a URL (it should look like https://gateway.example or http://127.0.0.1:8080)`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`the gateway "${url}" is not an http(s) URL`);
    return parsed.origin + parsed.pathname.replace(/\/+$/, "");
  }
  function addressCid() {
    const m = /^#\/ipfs\/([^/?#]+)/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }
  function objectOid() {
    const m = /^#\/ipfs\/[^/?#]+\/object\/([0-9a-f]{40})$/.exec(location.hash);
    return m ? m[1] : null;
  }
  async function showObject(gw, index, oid, mine) {
    const obj = await readObject(gw, index, oid);
    if (mine !== run) return;
    const parts = [
      el3("p", {}, el3("a", { href: `#/ipfs/${index.cid}`, id: "back" }, "\u2190 branches and tags")),
      el3("h2", {}, `${obj.type} `, el3("code", { class: "oid" }, oid)),
      el3("p", { id: "size" }, `${obj.content.length} bytes, SHA-1 checked`)
    ];
    if (obj.type === "tree") {
      const list = el3("ul", { id: "entries" });
      const b = obj.content;
      for (let at = 0; at < b.length; ) {
        const sp = b.indexOf(32, at);
        const nul = b.indexOf(0, sp);
        if (sp < 0 || nul < 0 || nul + 21 > b.length) throw new Error(`object ${oid} is a damaged tree`);
        const mode = new TextDecoder().decode(b.subarray(at, sp));
        const name = new TextDecoder().decode(b.subarray(sp + 1, nul));
        const child = hex(b.subarray(nul + 1, nul + 21));
        const a = el3("a", { href: `#/ipfs/${index.cid}/object/${child}` }, name);
        list.append(el3("li", {}, el3("code", { class: "mode" }, mode), " ", a, " ", el3("code", { class: "oid", title: child }, child.slice(0, 12))));
        at = nul + 21;
      }
      parts.push(list);
    } else if (obj.type === "commit" || obj.type === "tag") {
      const text = new TextDecoder().decode(obj.content);
      const head = text.slice(0, Math.max(0, text.indexOf("\n\n")));
      const links = el3("ul", { id: "links" });
      for (const line of head.split("\n")) {
        const m = /^(tree|parent|object) ([0-9a-f]{40})$/.exec(line);
        if (m) links.append(el3("li", {}, `${m[1]} `, el3("a", { href: `#/ipfs/${index.cid}/object/${m[2]}` }, el3("code", {}, m[2]))));
      }
      parts.push(links, el3("pre", { id: "content" }, text));
    } else if (obj.content.includes(0)) {
      parts.push(el3("p", { id: "content", class: "binary" }, `binary content, ${obj.content.length} bytes`));
    } else {
      parts.push(el3("pre", { id: "content" }, new TextDecoder().decode(obj.content)));
    }
    main().replaceChildren(...parts);
    focusHeading();
    status(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
  }
  var main = () => document.getElementById("main");
  var status = (text) => {
    document.getElementById("status").textContent = text;
  };
  function showError(message) {
    main().replaceChildren(el3("p", { id: "error", role: "alert" }, message));
    status("stopped: nothing unverified is shown");
  }
  function askAddress() {
    const input = el3("input", { id: "address", type: "text", placeholder: "nip::/ipfs/bafyrei\u2026", "aria-label": "repository address", size: "64" });
    const form = el3("form", {}, el3("label", { for: "address" }, "Repository address "), input, " ", el3("button", { type: "submit" }, "Open"));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = input.value.trim().replace(/^nip::/, "");
      location.hash = v.startsWith("/ipns/") ? `#${v}` : `#/ipfs/${v.replace(/^\/ipfs\//, "")}`;
    });
    main().replaceChildren(form);
    status("");
    input.focus();
  }
  var FIRST_REFS = 100;
  function refList(id, title, refs, prefix, head) {
    const list = el3("ul", { id, "aria-label": title });
    const base2 = location.hash.replace(/^(#\/ipfs\/[^/?#]+).*$/, "$1");
    const row = (r) => {
      const name = el3("a", { class: "name", href: `${base2}/object/${r.target}` }, r.name.slice(prefix.length));
      const item = el3("li", {}, name, " ", el3("code", { class: "oid", title: r.target }, r.target.slice(0, 12)));
      if (r.name === head) item.append(" ", el3("span", { class: "default" }, "default"));
      if (prefix === "refs/heads/") item.append(" ", el3("a", { class: "browse", href: `${location.hash.replace(/^(#\/ipfs\/[^/?#]+).*$/, "$1")}/tree/${encodeURIComponent(r.name.slice(prefix.length))}/` }, "browse files"));
      item.append(" ", el3("a", { class: "log", href: `${base2}/log/${r.name.slice(prefix.length).split("/").map(encodeURIComponent).join("/")}` }, "log"));
      if (r.peeled) item.append(" ", el3("span", { class: "peeled", title: `points to ${r.peeled}` }, "annotated"));
      return item;
    };
    for (const r of refs.slice(0, FIRST_REFS)) list.append(row(r));
    if (refs.length === 0) list.append(el3("li", { class: "none" }, "none"));
    const section = el3("section", {}, el3("h2", {}, `${title} (${refs.length})`), list);
    if (refs.length > FIRST_REFS) {
      const more = el3("button", { type: "button", class: "more" }, `Show all ${refs.length}`);
      more.addEventListener("click", () => {
        list.append(...refs.slice(FIRST_REFS).map(row));
        more.remove();
      });
      section.append(more);
    }
    return section;
  }
  async function showCommit(gw, index, ref, into, mine) {
    const name = ref.name.replace(/^refs\/heads\//, "");
    into.replaceChildren(el3("h2", {}, `Last commit on ${name}`), el3("p", { class: "loading" }, "Reading it from its pack\u2026"));
    try {
      const obj = await readObject(gw, index, ref.target);
      if (obj.type !== "commit") throw new Error(`${ref.name} points to a ${obj.type}, not a commit`);
      const c = parseCommit(obj);
      if (mine !== run) return;
      const [subject2, ...rest] = c.message.replace(/\n+$/, "").split("\n");
      const who2 = /^(.*) <[^>]*> (\d+) ([+-]\d{4})$/.exec(c.author);
      const when2 = who2 ? new Date(Number(who2[2]) * 1e3).toISOString().replace("T", " ").replace(/\.000Z$/, " UTC") : "";
      into.replaceChildren(
        el3("h2", {}, `Last commit on ${name}`),
        el3("p", { class: "commit" }, el3("code", { class: "oid", title: obj.oid }, obj.oid), " ", el3("span", { class: "author" }, who2 ? who2[1] : c.author), " ", el3("time", {}, when2)),
        el3("p", { class: "subject" }, subject2 ?? ""),
        ...rest.join("\n").trim() ? [el3("pre", { class: "body" }, rest.join("\n").trim())] : [],
        el3("p", { class: "checked" }, `SHA-1 checked; ${c.parents.length === 0 ? "no parent" : `parent ${c.parents.map((p) => p.slice(0, 12)).join(", ")}`}`)
      );
      status(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
    } catch (e) {
      if (mine !== run) return;
      into.replaceChildren(el3("h2", {}, `Last commit on ${name}`), el3("p", { id: "error", role: "alert" }, e.message));
    }
  }
  var run = 0;
  async function show() {
    const mine = ++run;
    if (location.hash.startsWith("#/help")) return showHelp();
    if (location.hash.startsWith("#/ipns/")) {
      main().replaceChildren(el3("p", { class: "loading" }, "Checking the name's signed record\u2026"));
      try {
        const to = await ipnsToIpfs(gatewayUrl(), location.hash);
        if (mine === run) location.replace(to);
      } catch (e) {
        if (mine === run) showError(e.message);
      }
      return;
    }
    const text = addressCid();
    if (text === null) return askAddress();
    let gw;
    let cid;
    try {
      gw = new Gateway(gatewayUrl());
      cid = CID.parse(text);
    } catch (e) {
      return showError(e instanceof CIDError ? `the address is not a nip address: ${e.message}` : e.message);
    }
    document.title = `nip ${cid}`;
    const via = resolvedFrom(cid.toString());
    document.getElementById("repo").textContent = `nip::/ipfs/${cid}` + (via ? ` (from nip::/ipns/${via.name}, record ${via.sequence}, valid until ${via.validity.toISOString()})` : "");
    status(`reading from ${gw.shown} \u2026`);
    main().replaceChildren(el3("p", { class: "loading" }, "Reading the repository\u2026"));
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
      const byHead = (a, b) => a.name === index.head ? -1 : b.name === index.head ? 1 : 0;
      const branches = refs.filter((r) => r.name.startsWith("refs/heads/")).sort(byHead);
      const tags2 = refs.filter((r) => r.name.startsWith("refs/tags/"));
      const other = refs.filter((r) => !r.name.startsWith("refs/heads/") && !r.name.startsWith("refs/tags/"));
      const c = index.counts;
      const summary = el3(
        "p",
        { id: "summary" },
        `${c.commit} commits, ${c.tree} trees, ${c.blob} blobs, ${c.tag} tags; `,
        index.previous ? `previous push: ${index.previous}` : "first push",
        " (",
        el3("a", { href: `#/ipfs/${cid}/history`, id: "history-link" }, "history of pushes"),
        ")"
      );
      const parts = [summary, refList("branches", "Branches", branches, "refs/heads/", index.head), refList("tags", "Tags", tags2, "refs/tags/", null)];
      if (other.length > 0) parts.push(refList("other", "Other refs", other, "", null));
      parts.push(el3("p", { class: "clone" }, "Clone: ", el3("code", {}, `git clone nip::/ipfs/${cid}`)));
      const head = branches.find((r) => r.name === index.head) ?? branches[0];
      const last = el3("section", { id: "head" });
      if (head) parts.splice(1, 0, last);
      main().replaceChildren(...parts);
      focusHeading(document.getElementById("branches")?.previousElementSibling);
      status(`${gw.fetched} blocks from ${gw.shown}, each checked against its CID`);
      if (head) await showCommit(gw, index, head, last, mine);
    } catch (e) {
      if (mine === run) showError(e.message);
    }
  }
  installKeys();
  window.addEventListener("hashchange", () => void show());
  void show();
})();
