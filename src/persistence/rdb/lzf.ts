// LZF compression as used by RDB files and DUMP payloads (string encoding 0xC3). The encoder
// makes the same choices as the liblzf build inside Redis (16-bit hash of the next three bytes,
// "very fast" mode re-hashing the last two positions of a match), so DUMP output is byte for
// byte what Redis produces. The decoder accepts any valid LZF stream.

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** Last position per hash slot; a slot is valid only when its stamp is the current call's. */
const table = new Int32Array(HSIZE);
const stamps = new Uint32Array(HSIZE);
let stamp = 0;

/** Hash slot of the three bytes at p (the mix Redis's liblzf uses for HLOG 16). */
function slot(b: Uint8Array, p: number): number {
  return (((b[p] << 8) | b[p + 1]) - Math.imul((b[p + 1] << 8) | b[p + 2], 5)) & (HSIZE - 1);
}

/**
 * Compress `input` into at most `maxOut` bytes. Returns the compressed bytes, or null when the
 * result would not fit (the caller then stores the string uncompressed).
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Buffer | null {
  const len = input.length;
  if (len === 0 || maxOut <= 0) return null;
  if (++stamp === 0x100000000) {
    stamps.fill(0);
    stamp = 1;
  }
  const out = Buffer.allocUnsafe(maxOut + 4);
  let ip = 0;
  let op = 1; // header of the first literal run
  let lit = 0;
  while (ip < len - 2) {
    const h = slot(input, ip);
    // Position 0 is never a reference (liblzf keeps 0 for an empty slot).
    const ref = stamps[h] === stamp ? table[h] : 0;
    table[h] = ip;
    stamps[h] = stamp;
    const off = ip - ref - 1;
    if (ref > 0 && off < MAX_OFF && input[ref + 2] === input[ip + 2] && input[ref] === input[ip] && input[ref + 1] === input[ip + 1]) {
      if (op + 4 >= maxOut && op - (lit === 0 ? 1 : 0) + 4 >= maxOut) return null;
      let mlen = 2;
      let maxlen = len - ip - 2;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      // liblzf first compares 16 bytes unconditionally when more than 16 remain, then byte by byte.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          mlen++;
          if (input[ref + mlen] !== input[ip + mlen]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do mlen++;
        while (mlen < maxlen && input[ref + mlen] === input[ip + mlen]);
      }
      out[op - lit - 1] = lit - 1; // close the literal run
      if (lit === 0) op--;
      const enc = mlen - 2;
      if (enc < 7) {
        out[op++] = (off >> 8) + (enc << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = enc - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // header of the next literal run
      ip += mlen;
      if (ip >= len - 2) break;
      // Hash the last two positions of the match, so the next bytes can refer to them.
      for (let k = 2; k > 0; k--) {
        const hk = slot(input, ip - k);
        table[hk] = ip - k;
        stamps[hk] = stamp;
      }
      continue;
    }
    if (op >= maxOut) return null;
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  if (op + 3 > maxOut) return null;
  while (ip < len) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/** Decompress an LZF stream to exactly `outLen` bytes; throws on a malformed stream. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer {
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  const inLen = input.length;
  while (ip < inLen) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > inLen) throw new Error('lzf: literal run out of bounds');
      for (let i = 0; i < n; i++) out[op++] = input[ip++];
    } else {
      let l = ctrl >> 5;
      if (l === 7) {
        if (ip >= inLen) throw new Error('lzf: truncated length');
        l += input[ip++];
      }
      if (ip >= inLen) throw new Error('lzf: truncated offset');
      const ref = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
      l += 2;
      if (ref < 0 || op + l > outLen) throw new Error('lzf: back reference out of bounds');
      for (let i = 0; i < l; i++) out[op++] = out[ref + i];
    }
  }
  if (op !== outLen) throw new Error(`lzf: decompressed ${op} bytes, expected ${outLen}`);
  return out;
}
