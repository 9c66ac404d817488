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
  var GatewayError = class extends Error {
  };
  var Gateway = class {
    url;
    cache = /* @__PURE__ */ new Map();
    /** Blocks fetched and verified, for the status line. */
    fetched = 0;
    constructor(url) {
      this.url = url.replace(/\/+$/, "");
    }
    block(cid) {
      const key2 = cid.toString();
      let p = this.cache.get(key2);
      if (p === void 0) {
        p = this.fetch(cid);
        this.cache.set(key2, p);
        p.catch(() => this.cache.delete(key2));
      }
      return p;
    }
    async fetch(cid) {
      const url = `${this.url}/ipfs/${cid}?format=raw`;
      let resp;
      try {
        resp = await fetch(url, {
          headers: { Accept: "application/vnd.ipld.raw" },
          credentials: "omit",
          referrerPolicy: "no-referrer"
        });
      } catch (e) {
        throw new GatewayError(`block ${cid}: the gateway ${this.url} could not be reached (${e.message}); check the gateway address, and that it allows this page (CORS)`);
      }
      if (!resp.ok) {
        throw new GatewayError(`block ${cid}: the gateway ${this.url} answered ${resp.status} ${resp.statusText}; it may not have the block`);
      }
      const length = Number(resp.headers.get("content-length") ?? "0");
      if (length > MAX_BLOCK) {
        throw new GatewayError(`block ${cid}: the gateway ${this.url} sent ${length} bytes, more than the ${MAX_BLOCK} of any nip block; refused`);
      }
      const data = await this.read(resp, cid);
      if (!await matches(cid, data)) {
        throw new GatewayError(`block ${cid}: the gateway ${this.url} sent bytes that do not match this CID; refused (the gateway is broken or hostile: try another one)`);
      }
      this.fetched++;
      return data;
    }
    /** The response's body, read no further than one byte past MAX_BLOCK. */
    async read(resp, cid) {
      const tooLarge = () => new GatewayError(`block ${cid}: the gateway ${this.url} sent more than the ${MAX_BLOCK} bytes of any nip block; refused`);
      if (resp.body === null) return new Uint8Array(0);
      const reader = resp.body.getReader();
      const chunks = [];
      let total = 0;
      for (; ; ) {
        let next;
        try {
          next = await reader.read();
        } catch (e) {
          throw new GatewayError(`block ${cid}: the gateway ${this.url} broke off the response (${e.message})`);
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

  // src/objects.ts
  var MAX_DELTA_DEPTH = 4095;
  var MAX_OBJECT = 16 << 20;
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
    const ds = new DecompressionStream("deflate");
    const writer = ds.writable.getWriter();
    const reader = ds.readable.getReader();
    const out = new Uint8Array(size);
    let got = 0;
    let stop = false;
    const feed = (async () => {
      try {
        for await (const chunk of input) {
          if (stop) break;
          await writer.write(chunk);
        }
        await writer.close();
      } catch {
      }
    })();
    try {
      while (got < size) {
        const { value, done } = await reader.read();
        if (done) break;
        if (got + value.length > size) throw new ObjectError(`${where}: the entry inflates to more than the ${size} bytes its header says`);
        out.set(value, got);
        got += value.length;
      }
    } catch (e) {
      if (e instanceof ObjectError) throw e;
      if (got < size) throw new ObjectError(`${where}: the entry's zlib stream is damaged (${e.message})`);
    } finally {
      stop = true;
      reader.cancel().catch(() => {
      });
      void feed;
    }
    if (got < size) throw new ObjectError(`${where}: the entry inflates to ${got} bytes, not the ${size} its header says`);
    return out;
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
  async function entry(gw, index, pack, offset, visited) {
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
    if (type >= 1 && type <= 4) return { type, content: await inflate(r.rest(), size, where) };
    let base2;
    if (type === 6) {
      c = await r.byte();
      let back = c & 127;
      while (c & 128) {
        c = await r.byte();
        back = (back + 1) * 128 + (c & 127);
      }
      if (back <= 0 || back > offset) throw new ObjectError(`${where}: an OFS_DELTA base outside the pack`);
      const delta = await inflate(r.rest(), size, where);
      base2 = await entry(gw, index, pack, offset - back, visited);
      return { type: base2.type, content: applyDelta(base2.content, delta, where) };
    }
    if (type === 7) {
      const oid = new Uint8Array(20);
      for (let i = 0; i < 20; i++) oid[i] = await r.byte();
      const delta = await inflate(r.rest(), size, where);
      const rec = await lookup(gw, index.objects, oid);
      if (rec === null) throw new ObjectError(`${where}: its REF_DELTA base ${hex(oid)} is not in the object map`);
      base2 = await entry(gw, index, await packCid(gw, index.packs, rec.pack), rec.offset, visited);
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
    const raw = await entry(gw, index, pack, rec.offset, /* @__PURE__ */ new Set());
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
    setStatus(`${gw.fetched} blocks from ${gw.url}, each checked against its CID`);
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
            setStatus(`${gw.fetched} blocks from ${gw.url}, each checked against its CID`);
          },
          (err) => button.replaceWith(el("span", { id: "error", role: "alert" }, err.message))
        );
      });
      main2.replaceChildren(...head, size, out);
      focusHeading();
      setStatus(`${gw.fetched} blocks from ${gw.url}, each checked against its CID`);
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
    setStatus(`${gw.fetched} blocks from ${gw.url}, each checked against its CID`);
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
    document.getElementById("status").textContent = `${gw.fetched} blocks from ${gw.url}, each checked against its CID${extra}`;
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
  var TYPES2 = ["", "commit", "tree", "blob", "tag"];
  function adler32(b) {
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
    return (s << 16 | a) >>> 0;
  }
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
    let at = 0;
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
        if (size > MAX_OBJECT) break;
        if (type === 6) {
          do
            if (p >= buf2.length) return out;
          while (buf2[p++] & 128);
        } else if (type === 7) p += 20;
        else if (type < 1 || type > 4) break;
        let content2 = null;
        for (let room = 4096; ; room *= 4) {
          await want(p + room);
          try {
            content2 = await inflate(
              (async function* () {
                yield buf2.subarray(p);
              })(),
              size,
              "read-ahead"
            );
            break;
          } catch {
            if (done || buf2.length >= MAX_BYTES || p + room > buf2.length) return out;
          }
        }
        const sum = adler32(content2);
        const tail = [sum >>> 24, sum >>> 16 & 255, sum >>> 8 & 255, sum & 255];
        let end = -1;
        for (let i = p + 2; i + 4 <= buf2.length; i++) {
          if (buf2[i] === tail[0] && buf2[i + 1] === tail[1] && buf2[i + 2] === tail[2] && buf2[i + 3] === tail[3]) {
            end = i + 4;
            break;
          }
        }
        if (end < 0) break;
        if (type === 1) {
          const head = new TextEncoder().encode(`commit ${size}\0`);
          const whole = new Uint8Array(head.length + size);
          whole.set(head);
          whole.set(content2, head.length);
          const oid = hex(new Uint8Array(await crypto.subtle.digest("SHA-1", whole)));
          out.push(commitInfo({ oid, type: TYPES2[type], content: content2 }, { pack: packNumber, offset: offset + at }));
        }
        at = end;
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
    status(`${gw.fetched} blocks from ${gw.url}, each checked against its CID`);
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
      status(`${gw.fetched} blocks from ${gw.url}, each checked against its CID`);
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
    status(`reading from ${gw.url} \u2026`);
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
      status(`${gw.fetched} blocks from ${gw.url}, each checked against its CID`);
      if (head) await showCommit(gw, index, head, last, mine);
    } catch (e) {
      if (mine === run) showError(e.message);
    }
  }
  installKeys();
  window.addEventListener("hashchange", () => void show());
  void show();
})();
