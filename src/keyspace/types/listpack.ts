// Listpack byte arithmetic and encoding, for streams: Redis decides where a stream node ends by the
// listpack's byte size, and stores nodes as listpacks in RDB files, so both must be exact.

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Bytes of the back-length that follows an entry of `len` bytes. */
function backLen(len: number): number {
  return len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;
}

/** Encoding bytes (before the back-length) of an integer entry. */
function intEncLen(v: number | bigint): number {
  const n = Number(v);
  if (n >= 0 && n <= 127) return 1;
  if (n >= -4096 && n <= 4095) return 2;
  if (n >= -32768 && n <= 32767) return 3;
  if (n >= -8388608 && n <= 8388607) return 4;
  if (n >= -2147483648 && n <= 2147483647) return 5;
  return 9;
}

/** Bytes an integer entry takes in a listpack. */
export function lpIntSize(v: number | bigint): number {
  const l = intEncLen(v);
  return l + backLen(l);
}

/** Whether a listpack stores the string as an integer (Redis's lpStringToInt64: canonical decimal, int64). */
function isLpInt(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1;
  if (first < 49 || first > 57) return false;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  // Up to 18 digits always fit; longer ones are checked exactly.
  if (n < 19) return true;
  const v = BigInt(s);
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** Bytes a string element takes in a listpack (stored as an integer when it is one). */
export function lpStringSize(s: string): number {
  if (isLpInt(s)) return lpIntSize(s.length < 16 ? Number(s) : BigInt(s));
  const n = s.length;
  const l = (n <= 63 ? 1 : n <= 4095 ? 2 : 5) + n;
  return l + backLen(l);
}

/** Header (total bytes, element count) and end marker. */
export const LP_OVERHEAD = 7;

function writeBackLen(out: Buffer, p: number, len: number): number {
  // 7-bit groups, most significant first; every byte after the first has its high bit set.
  if (len <= 127) {
    out[p] = len;
    return p + 1;
  }
  const groups: number[] = [];
  let v = len;
  while (v > 0) {
    groups.push(v & 127);
    v = Math.floor(v / 128);
  }
  for (let i = groups.length - 1; i >= 0; i--) out[p++] = groups[i] | (i === groups.length - 1 ? 0 : 128);
  return p;
}

function writeInt(out: Buffer, p: number, v: bigint): number {
  const n = Number(v);
  const start = p;
  if (n >= 0 && n <= 127) {
    out[p++] = n;
  } else if (n >= -4096 && n <= 4095) {
    const u = n < 0 ? n + 8192 : n;
    out[p++] = 0xc0 | (u >> 8);
    out[p++] = u & 0xff;
  } else if (n >= -32768 && n <= 32767) {
    out[p++] = 0xf1;
    p = out.writeInt16LE(n, p);
  } else if (n >= -8388608 && n <= 8388607) {
    out[p++] = 0xf2;
    p = out.writeIntLE(n, p, 3);
  } else if (n >= -2147483648 && n <= 2147483647) {
    out[p++] = 0xf3;
    p = out.writeInt32LE(n, p);
  } else {
    out[p++] = 0xf4;
    p = out.writeBigInt64LE(BigInt.asIntN(64, v), p);
  }
  return writeBackLen(out, p, p - start);
}

function writeString(out: Buffer, p: number, s: string): number {
  const n = s.length;
  const start = p;
  if (n <= 63) {
    out[p++] = 0x80 | n;
  } else if (n <= 4095) {
    out[p++] = 0xe0 | (n >> 8);
    out[p++] = n & 0xff;
  } else {
    out[p++] = 0xf0;
    p = out.writeUInt32LE(n, p);
  }
  p += out.latin1Write(s, p);
  return writeBackLen(out, p, p - start);
}

/** A listpack of these elements: bigints as integers, strings as Redis's lpAppend would store them. */
export function encodeListpack(elements: readonly (string | bigint)[]): Buffer {
  let size = LP_OVERHEAD;
  for (const e of elements) size += typeof e === 'bigint' ? lpIntSize(BigInt.asIntN(64, e)) : lpStringSize(e);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(size, 0);
  out.writeUInt16LE(elements.length < 65535 ? elements.length : 65535, 4);
  let p = 6;
  for (const e of elements) {
    if (typeof e === 'bigint') {
      p = writeInt(out, p, BigInt.asIntN(64, e));
    } else {
      p = isLpInt(e) ? writeInt(out, p, BigInt(e)) : writeString(out, p, e);
    }
  }
  out[p] = 0xff;
  return out;
}
