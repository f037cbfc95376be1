// Key -> hash slot, exactly as Redis Cluster maps it: CRC16-XMODEM (poly 0x1021, init 0, no
// reflection, no final xor) of the key, or of its {hash tag}, keeping the low 14 bits.
// Keys are latin1 strings (one char per byte), so charCodeAt gives the raw byte.

export const CLUSTER_SLOTS = 16384;

/** Byte-at-a-time lookup table for the MSB-first CRC with polynomial 0x1021. */
const CRC16_TABLE = buildTable();

function buildTable(): Uint16Array {
  const t = new Uint16Array(256);
  for (let b = 0; b < 256; b++) {
    let crc = b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[b] = crc;
  }
  return t;
}

/** CRC16-XMODEM of s[start, end) (latin1 chars as bytes). */
export function crc16(s: string, start = 0, end = s.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >>> 8) ^ s.charCodeAt(i)) & 0xff];
  return crc;
}

/**
 * The slot of a key. A hash tag is the text between the first '{' and the first '}' after it;
 * it replaces the key only when it is non-empty ("{}x" and "a{b" hash whole).
 */
export function keyHashSlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(key, open + 1, close) & 0x3fff;
  }
  return crc16(key) & 0x3fff;
}
