// RDB building blocks: type and opcode numbers, and a writer and a reader for the primitive
// encodings (lengths, strings with integer/LZF forms, doubles, times). Values are latin1 strings.

import { lzfCompress, lzfDecompress } from './lzf.js';

/** The RDB version we write: Redis 7.0 writes (and loads up to) 10. */
export const RDB_VERSION = 10;
/** Newest version we read (Redis 7.4 writes 12; its new types are rejected by type number). */
export const RDB_MAX_READ_VERSION = 12;

export const T = {
  STRING: 0, LIST: 1, SET: 2, ZSET: 3, HASH: 4, ZSET_2: 5, MODULE: 6, MODULE_2: 7,
  HASH_ZIPMAP: 9, LIST_ZIPLIST: 10, SET_INTSET: 11, ZSET_ZIPLIST: 12, HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14, STREAM_LISTPACKS: 15, HASH_LISTPACK: 16, ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18, STREAM_LISTPACKS_2: 19, SET_LISTPACK: 20, STREAM_LISTPACKS_3: 21,
} as const;

export const OP = {
  FUNCTION2: 245, FUNCTION: 246, MODULE_AUX: 247, IDLE: 248, FREQ: 249, AUX: 250,
  RESIZEDB: 251, EXPIRETIME_MS: 252, EXPIRETIME: 253, SELECTDB: 254, EOF: 255,
} as const;

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;
/** Longest string RdbWriter.latin1 copies by hand. */
const SHORT = 48;

/** Appends RDB primitives to a growable buffer. */
export class RdbWriter {
  buf: Buffer;
  len = 0;

  constructor(initial = 64 * 1024, public compress = true) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }

  /** Hand out what was written and start empty (for streaming a file in pieces). */
  take(): Buffer {
    // allocUnsafe + copy: Buffer.from(buffer) zero-fills the new memory before copying into it.
    const out = Buffer.allocUnsafe(this.len);
    this.buf.copy(out, 0, 0, this.len);
    this.len = 0;
    return out;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  latin1(s: string): void {
    const n = s.length;
    this.ensure(n);
    if (n > SHORT) {
      this.len += this.buf.latin1Write(s, this.len);
      return;
    }
    // Short strings (keys, small values) are copied by hand: the native write costs more to call
    // than the copy itself (a snapshot walk spent a third of its time there).
    const b = this.buf;
    let p = this.len;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.len = p;
  }

  byte(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  length(n: number): void {
    this.ensure(9);
    if (n < 64) {
      this.buf[this.len++] = n;
    } else if (n < 16384) {
      this.buf[this.len++] = 0x40 | (n >> 8);
      this.buf[this.len++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      this.buf[this.len++] = 0x80;
      this.buf.writeUInt32BE(n, this.len);
      this.len += 4;
    } else {
      this.buf[this.len++] = 0x81;
      this.buf.writeBigUInt64BE(BigInt(n), this.len);
      this.len += 8;
    }
  }

  /** A string, as an integer encoding when it is a canonical small integer, LZF when that saves space. */
  string(s: string): void {
    const n = s.length;
    if (n > 0 && n <= 11) {
      const v = canonicalInt32(s);
      if (v !== null) {
        this.ensure(5);
        if (v >= -128 && v <= 127) {
          this.buf[this.len++] = 0xc0 | ENC_INT8;
          this.buf.writeInt8(v, this.len);
          this.len += 1;
        } else if (v >= -32768 && v <= 32767) {
          this.buf[this.len++] = 0xc0 | ENC_INT16;
          this.buf.writeInt16LE(v, this.len);
          this.len += 2;
        } else {
          this.buf[this.len++] = 0xc0 | ENC_INT32;
          this.buf.writeInt32LE(v, this.len);
          this.len += 4;
        }
        return;
      }
    }
    if (this.compress && n > 20) {
      const raw = Buffer.from(s, 'latin1');
      const c = lzfCompress(raw, n - 4);
      if (c !== null) {
        this.byte(0xc0 | ENC_LZF);
        this.length(c.length);
        this.length(n);
        this.bytes(c);
        return;
      }
    }
    this.length(n);
    this.latin1(s);
  }

  /** Binary double (ZSET_2 scores): 8 bytes little endian. */
  binaryDouble(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.len);
    this.len += 8;
  }

  /** A length that may use all 64 bits (stream IDs and counters). */
  lengthU64(v: bigint): void {
    if (v <= 0xffffffffn) {
      this.length(Number(v));
      return;
    }
    this.ensure(9);
    this.buf[this.len++] = 0x81;
    this.buf.writeBigUInt64BE(v, this.len);
    this.len += 8;
  }

  millis(ms: number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(ms), this.len);
    this.len += 8;
  }
}

/** The value if s is the canonical decimal form of a 32-bit signed integer, else null. */
function canonicalInt32(s: string): number | null {
  const c = s.charCodeAt(0);
  if (c !== 45 && (c < 48 || c > 57)) return null;
  if (!/^-?[1-9]\d*$|^0$/.test(s)) return null;
  const v = Number(s);
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

export class RdbError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
  }
}

/** A stored checksum that does not match; "CRC error" is what Redis logs and operators grep for. */
export const CRC_MISMATCH = 'RDB CRC error: wrong RDB checksum';

/** Reads RDB primitives from a complete buffer; errors name the byte offset. */
export class RdbReader {
  pos = 0;

  constructor(readonly buf: Buffer, readonly base = 0) {}

  fail(msg: string): never {
    throw new RdbError(msg, this.base + this.pos);
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) this.fail(`unexpected end of data (needed ${n} bytes)`);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Set by lengthOrEncoding: the value read is a special string encoding (0xC0 family), not a length. */
  encoded = false;

  /** A length, or with `encoded` set a special string encoding (no object per call: loading reads millions). */
  lengthOrEncoding(): number {
    const b = this.byte();
    const kind = b >> 6;
    this.encoded = kind === 3;
    if (kind === 0 || kind === 3) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | this.byte();
    if (b === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    }
    if (b === 0x81) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('length too large');
      return Number(v);
    }
    return this.fail(`unknown length encoding 0x${b.toString(16)}`);
  }

  /** A length that may use all 64 bits (stream IDs and counters). */
  lengthU64(): bigint {
    const b = this.buf[this.pos];
    if (b !== 0x81) return BigInt(this.length());
    this.pos++;
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  length(): number {
    const len = this.lengthOrEncoding();
    if (this.encoded) this.fail('unexpected string encoding where a length was expected');
    return len;
  }

  string(): string {
    const len = this.lengthOrEncoding();
    if (!this.encoded) {
      this.need(len);
      const s = this.buf.latin1Slice(this.pos, this.pos + len);
      this.pos += len;
      return s;
    }
    switch (len) {
      case ENC_INT8:
        this.need(1);
        return String(this.buf.readInt8(this.pos++));
      case ENC_INT16: {
        this.need(2);
        const v = this.buf.readInt16LE(this.pos);
        this.pos += 2;
        return String(v);
      }
      case ENC_INT32: {
        this.need(4);
        const v = this.buf.readInt32LE(this.pos);
        this.pos += 4;
        return String(v);
      }
      case ENC_LZF: {
        const clen = this.length();
        const ulen = this.length();
        const start = this.pos;
        const data = this.bytes(clen);
        try {
          return lzfDecompress(data, ulen).latin1Slice(0, ulen);
        } catch (err) {
          throw new RdbError(`corrupt LZF string (${(err as Error).message})`, this.base + start);
        }
      }
      default:
        return this.fail(`unknown string encoding ${len}`);
    }
  }

  /** A raw byte string (for compact encodings parsed separately). */
  stringBytes(): Buffer {
    return Buffer.from(this.string(), 'latin1');
  }

  binaryDouble(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Old ZSET (type 3) score: length byte then ASCII, with 253/254/255 for nan/+inf/-inf. */
  asciiDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const s = this.bytes(n).latin1Slice(0, n);
    const v = Number(s);
    if (Number.isNaN(v)) this.fail(`invalid double '${s}'`);
    return v;
  }

  millis(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  seconds(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v * 1000;
  }
}
