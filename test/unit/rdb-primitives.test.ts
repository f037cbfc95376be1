import { describe, expect, it } from 'vitest';
import { crc64 } from '../../src/persistence/rdb/crc64.js';
import { lzfCompress, lzfDecompress } from '../../src/persistence/rdb/lzf.js';

describe('crc64 (Jones)', () => {
  it('matches the reference check value Redis tests with', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can);
  });
  it('is 0 for empty input', () => {
    expect(crc64(Buffer.alloc(0))).toBe(0n);
  });
});

describe('lzf', () => {
  function roundTrip(data: Buffer): Buffer | null {
    const c = lzfCompress(data, data.length - 1);
    if (c !== null) expect(lzfDecompress(c, data.length).equals(data)).toBe(true);
    return c;
  }
  it('compresses repetitive data and decompresses it back', () => {
    const data = Buffer.from('abcabcabcabcabcabcabcabcabcabcabcabc'.repeat(50));
    const c = roundTrip(data);
    expect(c).not.toBeNull();
    expect(c!.length).toBeLessThan(data.length / 10);
  });
  it('round-trips random and semi-random data of many sizes', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let n = 4; n < 20000; n = Math.ceil(n * 1.3)) {
      const d = Buffer.alloc(n);
      for (let i = 0; i < n; i++) d[i] = rnd() < 0.5 ? Math.floor(rnd() * 4) : Math.floor(rnd() * 256);
      roundTrip(d);
    }
  });
  it('returns null when the output would not fit', () => {
    const d = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 7919) & 0xff));
    expect(lzfCompress(d, 10)).toBeNull();
  });
  it('rejects malformed streams', () => {
    expect(() => lzfDecompress(Buffer.from([0xe0, 0x05, 0x10]), 20)).toThrow();
    expect(() => lzfDecompress(Buffer.from([0x05, 0x41]), 6)).toThrow();
  });
});
