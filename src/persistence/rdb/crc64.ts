// CRC-64/Jones (reflected polynomial 0x95ac9329ac4bc9b5, init 0, no final xor): the checksum
// Redis puts at the end of RDB files and DUMP payloads. Table-driven on two 32-bit halves,
// since BigInt per byte would be far too slow for whole files.

const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;
const T_HI = new Uint32Array(256);
const T_LO = new Uint32Array(256);

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

/** A running CRC64; feed chunks with update(), read digest() as 8 little-endian bytes or bigint. */
export class Crc64 {
  hi = 0;
  lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
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
