// HyperLogLog in Redis's own string representation, so values move between Shoal and Redis
// through DUMP/RESTORE, RDB and replication unchanged.
//
// Layout: 16-byte header "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes, 8-byte little-endian
// cached cardinality whose top bit marks the cache stale. Dense: 16384 registers of 6 bits.
// Sparse: run-length opcodes ZERO (00xxxxxx, 1..64 zero registers), XZERO (01xxxxxx yyyyyyyy,
// 1..16384 zeros) and VAL (1vvvvvxx, value 1..32 repeated 1..4 times).
// The sparse form is re-encoded canonically after each change (greedy runs), which is what
// Redis's in-place split-and-merge produces for the sequences PFADD creates.

export const HLL_P = 14;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_Q = 64 - HLL_P;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
/** Encoding 255 marks the raw 8-bit-per-register form used internally by multi-key PFCOUNT. */
const HLL_SPARSE_VAL_MAX_VALUE = 32;
const HLL_SPARSE_VAL_MAX_LEN = 4;
const HLL_SPARSE_ZERO_MAX_LEN = 64;
const HLL_SPARSE_XZERO_MAX_LEN = 16384;
const HLL_ALPHA_INF = 0.721347520444481703680;

const M64 = (1n << 64n) - 1n;
const MURMUR_M = 0xc6a4a7935bd1e995n;
const MURMUR_SEED = 0xadc83b19n;

/** MurmurHash64A (the variant Redis uses for HLL), over latin1 bytes. */
export function murmur64a(s: string): bigint {
  const len = s.length;
  let h = (MURMUR_SEED ^ ((BigInt(len) * MURMUR_M) & M64)) & M64;
  const nblocks = len >> 3;
  for (let i = 0; i < nblocks; i++) {
    const o = i * 8;
    const lo = (s.charCodeAt(o) | (s.charCodeAt(o + 1) << 8) | (s.charCodeAt(o + 2) << 16) | (s.charCodeAt(o + 3) << 24)) >>> 0;
    const hi = (s.charCodeAt(o + 4) | (s.charCodeAt(o + 5) << 8) | (s.charCodeAt(o + 6) << 16) | (s.charCodeAt(o + 7) << 24)) >>> 0;
    let k = (BigInt(hi) << 32n) | BigInt(lo);
    k = (k * MURMUR_M) & M64;
    k ^= k >> 47n;
    k = (k * MURMUR_M) & M64;
    h ^= k;
    h = (h * MURMUR_M) & M64;
  }
  const tail = nblocks * 8;
  const rem = len & 7;
  if (rem > 0) {
    for (let i = rem - 1; i >= 0; i--) h ^= BigInt(s.charCodeAt(tail + i)) << BigInt(8 * i);
    h = (h * MURMUR_M) & M64;
  }
  h ^= h >> 47n;
  h = (h * MURMUR_M) & M64;
  h ^= h >> 47n;
  return h;
}

/** Register index and run length ("000..1" pattern length) for an element. */
export function patLen(ele: string): [number, number] {
  let hash = murmur64a(ele);
  const index = Number(hash & BigInt(HLL_REGISTERS - 1));
  hash >>= BigInt(HLL_P);
  hash |= 1n << BigInt(HLL_Q);
  // Count trailing zeros + 1 on two 32-bit halves.
  const lo = Number(hash & 0xffffffffn);
  let count: number;
  if (lo !== 0) count = 31 - Math.clz32(lo & -lo) + 1;
  else {
    const hi = Number(hash >> 32n);
    count = 32 + (31 - Math.clz32(hi & -hi)) + 1;
  }
  return [index, count];
}

/** A parsed HLL: registers as one byte each (simpler to work on than packed 6-bit fields). */
export interface Hll {
  encoding: number;
  registers: Uint8Array;
  /** Cached cardinality bytes as stored (8 bytes); null when stale. */
  card: bigint | null;
}

/** Is this string a valid HLL value (Redis's isHLLObjectOrReply checks)? */
export function isHll(v: string): boolean {
  if (v.length < HLL_HDR_SIZE) return false;
  if (v.charCodeAt(0) !== 72 || v.charCodeAt(1) !== 89 || v.charCodeAt(2) !== 76 || v.charCodeAt(3) !== 76) return false;
  const enc = v.charCodeAt(4);
  if (enc > HLL_SPARSE) return false;
  if (enc === HLL_DENSE && v.length !== HLL_DENSE_SIZE) return false;
  return true;
}

/** Decode registers; returns null when a sparse stream is corrupt (INVALIDOBJ). */
export function decode(v: string): Hll | null {
  const registers = new Uint8Array(HLL_REGISTERS);
  const enc = v.charCodeAt(4);
  if (enc === HLL_DENSE) {
    for (let r = 0; r < HLL_REGISTERS; r++) {
      const byte = HLL_HDR_SIZE + ((r * HLL_BITS) >> 3);
      const fb = (r * HLL_BITS) & 7;
      const b0 = v.charCodeAt(byte);
      const b1 = byte + 1 < v.length ? v.charCodeAt(byte + 1) : 0;
      registers[r] = ((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
    }
  } else {
    let idx = 0;
    let p = HLL_HDR_SIZE;
    while (p < v.length) {
      const op = v.charCodeAt(p);
      if ((op & 0xc0) === 0) {
        idx += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        if (p + 1 >= v.length) return null;
        idx += (((op & 0x3f) << 8) | v.charCodeAt(p + 1)) + 1;
        p += 2;
      } else {
        const val = ((op >> 2) & 0x1f) + 1;
        const run = (op & 3) + 1;
        if (idx + run > HLL_REGISTERS) return null;
        for (let i = 0; i < run; i++) registers[idx++] = val;
        p++;
      }
      if (idx > HLL_REGISTERS) return null;
    }
    if (idx !== HLL_REGISTERS) return null;
  }
  let card: bigint | null = null;
  if ((v.charCodeAt(15) & 0x80) === 0) {
    card = 0n;
    for (let i = 7; i >= 0; i--) card = (card << 8n) | BigInt(v.charCodeAt(8 + i));
  }
  return { encoding: enc, registers, card };
}

function header(encoding: number, card: bigint | null): string {
  let s = 'HYLL' + String.fromCharCode(encoding, 0, 0, 0);
  if (card === null) return s + '\0\0\0\0\0\0\0\x80';
  for (let i = 0; i < 8; i++) s += String.fromCharCode(Number((card >> BigInt(8 * i)) & 0xffn));
  return s;
}

/** Sparse opcodes for registers, or null if some value does not fit a VAL opcode. */
function sparseBody(reg: Uint8Array): string | null {
  const out: number[] = [];
  let i = 0;
  while (i < HLL_REGISTERS) {
    const v = reg[i];
    let run = 1;
    if (v === 0) {
      while (i + run < HLL_REGISTERS && reg[i + run] === 0) run++;
      i += run;
      while (run > 0) {
        const n = Math.min(run, HLL_SPARSE_XZERO_MAX_LEN);
        if (n <= HLL_SPARSE_ZERO_MAX_LEN) out.push(n - 1);
        else out.push(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
        run -= n;
      }
    } else {
      if (v > HLL_SPARSE_VAL_MAX_VALUE) return null;
      while (run < HLL_SPARSE_VAL_MAX_LEN && i + run < HLL_REGISTERS && reg[i + run] === v) run++;
      out.push(0x80 | ((v - 1) << 2) | (run - 1));
      i += run;
    }
  }
  let s = '';
  for (let k = 0; k < out.length; k += 4096) s += String.fromCharCode(...out.slice(k, k + 4096));
  return s;
}

function denseBody(reg: Uint8Array): string {
  const bytes = new Uint8Array(HLL_DENSE_SIZE - HLL_HDR_SIZE + 1);
  for (let r = 0; r < HLL_REGISTERS; r++) {
    const byte = (r * HLL_BITS) >> 3;
    const fb = (r * HLL_BITS) & 7;
    const val = reg[r];
    bytes[byte] |= (val << fb) & 0xff;
    bytes[byte + 1] |= val >> (8 - fb);
  }
  return Buffer.from(bytes.buffer, 0, HLL_DENSE_SIZE - HLL_HDR_SIZE).latin1Slice(0, HLL_DENSE_SIZE - HLL_HDR_SIZE);
}

/**
 * Encode registers: sparse stays sparse while it fits hll-sparse-max-bytes and every value fits
 * a VAL opcode; once dense, always dense (like Redis).
 */
export function encode(h: Hll, sparseMaxBytes: number): string {
  if (h.encoding === HLL_SPARSE) {
    const body = sparseBody(h.registers);
    if (body !== null && HLL_HDR_SIZE + body.length <= sparseMaxBytes) return header(HLL_SPARSE, h.card) + body;
    h.encoding = HLL_DENSE;
  }
  return header(HLL_DENSE, h.card) + denseBody(h.registers);
}

/** A new, empty sparse HLL: one XZERO covering every register, cache marked stale like Redis. */
export function emptyHll(): string {
  return header(HLL_SPARSE, null) + String.fromCharCode(0x7f, 0xff);
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= Math.pow(1 - x, 2) * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Cardinality estimate from registers (Ertl's improved estimator, as Redis uses). */
export function count(reg: Uint8Array): number {
  const histo = new Array<number>(64).fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[reg[i]]++;
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  return Math.round((HLL_ALPHA_INF * m * m) / z);
}
