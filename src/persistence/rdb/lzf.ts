// LZF compression as used by RDB files and DUMP payloads (string encoding 0xC3). The decoder
// accepts any valid LZF stream; the encoder is our own and only has to produce valid LZF.

const HLOG = 14;
const HSIZE = 1 << HLOG;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

const table = new Int32Array(HSIZE);

/**
 * Compress `input` into at most `maxOut` bytes. Returns the compressed bytes, or null when the
 * result would not fit (the caller then stores the string uncompressed).
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Buffer | null {
  const len = input.length;
  if (len < 4 || maxOut <= 0) return null;
  const out = Buffer.allocUnsafe(maxOut + 1);
  table.fill(-1);
  let ip = 0;
  let op = 1; // room for the first literal-run header
  let lit = 0;
  const hash = (p: number): number => Math.imul((input[p] << 16) | (input[p + 1] << 8) | input[p + 2], 0x9e3779b1) >>> (32 - HLOG);
  while (ip < len - 2) {
    const h = hash(ip);
    const ref = table[h];
    table[h] = ip;
    const off = ip - ref - 1;
    if (ref >= 0 && off < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let l = 2;
      const maxLen = Math.min(MAX_REF, len - ip);
      while (l < maxLen && input[ref + l] === input[ip + l]) l++;
      // close the literal run
      if (lit > 0) out[op - lit - 1] = lit - 1;
      else op--;
      if (op + 3 + 1 > maxOut) return null;
      const enc = l - 2;
      if (enc < 7) {
        out[op++] = (enc << 5) | (off >> 8);
      } else {
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = enc - 7;
      }
      out[op++] = off & 0xff;
      op++; // header of the next literal run
      lit = 0;
      ip += l;
      continue;
    }
    if (op + 1 > maxOut) return null;
    out[op++] = input[ip++];
    lit++;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  while (ip < len) {
    if (op + 1 > maxOut) return null;
    out[op++] = input[ip++];
    lit++;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  if (lit > 0) out[op - lit - 1] = lit - 1;
  else op--;
  if (op > maxOut) return null;
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
