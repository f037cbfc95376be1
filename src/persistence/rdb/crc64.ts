// CRC-64/Jones (reflected polynomial 0x95ac9329ac4bc9b5, init 0, no final xor): the checksum
// Redis puts at the end of RDB files and DUMP payloads. Table-driven on two 32-bit halves,
// since BigInt per byte would be far too slow for whole files.

const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;
/**
 * Slice-by-8 tables, high and low halves: entry k*256+n is the CRC of byte n followed by k zero
 * bytes, so eight input bytes fold in with eight lookups instead of eight dependent steps (about
 * 3x faster on RDB files than one table).
 */
const T_HI = new Uint32Array(8 * 256);
const T_LO = new Uint32Array(8 * 256);

for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const bit = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (bit) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  T_HI[n] = hi;
  T_LO[n] = lo;
}
for (let k = 1; k < 8; k++) {
  for (let n = 0; n < 256; n++) {
    const hi = T_HI[(k - 1) * 256 + n];
    const lo = T_LO[(k - 1) * 256 + n];
    const idx = lo & 0xff;
    T_LO[k * 256 + n] = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ T_LO[idx]) >>> 0;
    T_HI[k * 256 + n] = ((hi >>> 8) ^ T_HI[idx]) >>> 0;
  }
}

/** A running CRC64; feed chunks with update(), read digest() as 8 little-endian bytes or bigint. */
export class Crc64 {
  hi = 0;
  lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let hi = this.hi;
    let lo = this.lo;
    let i = start;
    for (const last = end - 8; i <= last; i += 8) {
      lo = (lo ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24))) >>> 0;
      hi = (hi ^ (buf[i + 4] | (buf[i + 5] << 8) | (buf[i + 6] << 16) | (buf[i + 7] << 24))) >>> 0;
      const a = 7 * 256 + (lo & 0xff);
      const b = 6 * 256 + ((lo >>> 8) & 0xff);
      const c = 5 * 256 + ((lo >>> 16) & 0xff);
      const d = 4 * 256 + (lo >>> 24);
      const e = 3 * 256 + (hi & 0xff);
      const f = 2 * 256 + ((hi >>> 8) & 0xff);
      const g = 256 + ((hi >>> 16) & 0xff);
      const h = hi >>> 24;
      lo = (T_LO[a] ^ T_LO[b] ^ T_LO[c] ^ T_LO[d] ^ T_LO[e] ^ T_LO[f] ^ T_LO[g] ^ T_LO[h]) >>> 0;
      hi = (T_HI[a] ^ T_HI[b] ^ T_HI[c] ^ T_HI[d] ^ T_HI[e] ^ T_HI[f] ^ T_HI[g] ^ T_HI[h]) >>> 0;
    }
    for (; i < end; i++) {
      const idx = (lo ^ buf[i]) & 0xff;
      const nlo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
      const nhi = hi >>> 8;
      lo = (nlo ^ T_LO[idx]) >>> 0;
      hi = (nhi ^ T_HI[idx]) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The checksum as stored by Redis: 8 bytes, little endian. */
  bytes(): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32LE(this.lo, 0);
    b.writeUInt32LE(this.hi, 4);
    return b;
  }
}

export function crc64(buf: Uint8Array): bigint {
  return new Crc64().update(buf).value();
}
