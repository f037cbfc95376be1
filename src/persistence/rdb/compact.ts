// Readers for Redis's compact encodings found inside RDB strings: listpack, ziplist, intset,
// zipmap. Each returns the flat list of elements as latin1 strings (integers in decimal), and
// throws on anything malformed rather than guessing.

export class CompactError extends Error {}

function fail(what: string, msg: string): never {
  throw new CompactError(`corrupt ${what}: ${msg}`);
}

function str(b: Buffer, start: number, len: number, what: string): string {
  if (start + len > b.length) fail(what, 'entry runs past the end');
  return b.latin1Slice(start, start + len);
}

/** Listpack (Redis 7): total bytes u32, count u16, entries each followed by a back-length, 0xFF. */
export function decodeListpack(b: Buffer): string[] {
  const W = 'listpack';
  if (b.length < 7) fail(W, 'too short');
  const total = b.readUInt32LE(0);
  if (total !== b.length) fail(W, `header says ${total} bytes, have ${b.length}`);
  const out: string[] = [];
  let p = 6;
  for (;;) {
    if (p >= b.length) fail(W, 'missing end marker');
    const e = b[p];
    if (e === 0xff) break;
    let entryLen: number;
    if ((e & 0x80) === 0) {
      out.push(String(e & 0x7f));
      entryLen = 1;
    } else if ((e & 0xc0) === 0x80) {
      const n = e & 0x3f;
      out.push(str(b, p + 1, n, W));
      entryLen = 1 + n;
    } else if ((e & 0xe0) === 0xc0) {
      if (p + 1 >= b.length) fail(W, 'truncated int');
      let v = ((e & 0x1f) << 8) | b[p + 1];
      if (v >= 1 << 12) v -= 1 << 13;
      out.push(String(v));
      entryLen = 2;
    } else if ((e & 0xf0) === 0xe0) {
      if (p + 1 >= b.length) fail(W, 'truncated length');
      const n = ((e & 0x0f) << 8) | b[p + 1];
      out.push(str(b, p + 2, n, W));
      entryLen = 2 + n;
    } else {
      switch (e) {
        case 0xf0: {
          if (p + 5 > b.length) fail(W, 'truncated length');
          const n = b.readUInt32LE(p + 1);
          out.push(str(b, p + 5, n, W));
          entryLen = 5 + n;
          break;
        }
        case 0xf1:
          if (p + 3 > b.length) fail(W, 'truncated int16');
          out.push(String(b.readInt16LE(p + 1)));
          entryLen = 3;
          break;
        case 0xf2:
          if (p + 4 > b.length) fail(W, 'truncated int24');
          out.push(String(b.readIntLE(p + 1, 3)));
          entryLen = 4;
          break;
        case 0xf3:
          if (p + 5 > b.length) fail(W, 'truncated int32');
          out.push(String(b.readInt32LE(p + 1)));
          entryLen = 5;
          break;
        case 0xf4:
          if (p + 9 > b.length) fail(W, 'truncated int64');
          out.push(String(b.readBigInt64LE(p + 1)));
          entryLen = 9;
          break;
        default:
          fail(W, `bad entry encoding 0x${e.toString(16)}`);
      }
    }
    const back = entryLen <= 127 ? 1 : entryLen < 16383 ? 2 : entryLen < 2097151 ? 3 : entryLen < 268435455 ? 4 : 5;
    p += entryLen + back;
  }
  const count = b.readUInt16LE(4);
  if (count !== 65535 && count !== out.length) fail(W, `header count ${count}, found ${out.length}`);
  return out;
}

/** Ziplist (Redis < 7): bytes u32, tail u32, count u16, entries with prev-length and encoding, 0xFF. */
export function decodeZiplist(b: Buffer): string[] {
  const W = 'ziplist';
  if (b.length < 11) fail(W, 'too short');
  if (b.readUInt32LE(0) !== b.length) fail(W, 'length header mismatch');
  const out: string[] = [];
  let p = 10;
  for (;;) {
    if (p >= b.length) fail(W, 'missing end marker');
    if (b[p] === 0xff) break;
    p += b[p] === 0xfe ? 5 : 1; // previous entry length
    if (p >= b.length) fail(W, 'truncated entry');
    const e = b[p];
    const kind = e >> 6;
    if (kind === 0) {
      const n = e & 0x3f;
      out.push(str(b, p + 1, n, W));
      p += 1 + n;
    } else if (kind === 1) {
      if (p + 2 > b.length) fail(W, 'truncated length');
      const n = ((e & 0x3f) << 8) | b[p + 1];
      out.push(str(b, p + 2, n, W));
      p += 2 + n;
    } else if (e === 0x80) {
      if (p + 5 > b.length) fail(W, 'truncated length');
      const n = b.readUInt32BE(p + 1);
      out.push(str(b, p + 5, n, W));
      p += 5 + n;
    } else if (e === 0xc0) {
      if (p + 3 > b.length) fail(W, 'truncated int16');
      out.push(String(b.readInt16LE(p + 1)));
      p += 3;
    } else if (e === 0xd0) {
      if (p + 5 > b.length) fail(W, 'truncated int32');
      out.push(String(b.readInt32LE(p + 1)));
      p += 5;
    } else if (e === 0xe0) {
      if (p + 9 > b.length) fail(W, 'truncated int64');
      out.push(String(b.readBigInt64LE(p + 1)));
      p += 9;
    } else if (e === 0xf0) {
      if (p + 4 > b.length) fail(W, 'truncated int24');
      out.push(String(b.readIntLE(p + 1, 3)));
      p += 4;
    } else if (e === 0xfe) {
      if (p + 2 > b.length) fail(W, 'truncated int8');
      out.push(String(b.readInt8(p + 1)));
      p += 2;
    } else if (e >= 0xf1 && e <= 0xfd) {
      out.push(String((e & 0x0f) - 1));
      p += 1;
    } else {
      fail(W, `bad entry encoding 0x${e.toString(16)}`);
    }
  }
  return out;
}

/** Intset: encoding (2, 4 or 8 bytes per member) u32, count u32, sorted little-endian integers. */
export function decodeIntset(b: Buffer): string[] {
  const W = 'intset';
  if (b.length < 8) fail(W, 'too short');
  const enc = b.readUInt32LE(0);
  const n = b.readUInt32LE(4);
  if (enc !== 2 && enc !== 4 && enc !== 8) fail(W, `bad encoding ${enc}`);
  if (8 + enc * n !== b.length) fail(W, 'size does not match count');
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = 8 + i * enc;
    out.push(enc === 2 ? String(b.readInt16LE(o)) : enc === 4 ? String(b.readInt32LE(o)) : String(b.readBigInt64LE(o)));
  }
  return out;
}

/** Zipmap (very old hashes): count u8, then len/key, len/free/value pairs, 0xFF. */
export function decodeZipmap(b: Buffer): string[] {
  const W = 'zipmap';
  const out: string[] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= b.length) fail(W, 'truncated');
    const first = b[p];
    if (first < 254) {
      p += 1;
      return first;
    }
    if (first === 254) {
      if (p + 5 > b.length) fail(W, 'truncated length');
      const v = b.readUInt32LE(p + 1);
      p += 5;
      return v;
    }
    return -1;
  };
  for (;;) {
    const klen = readLen();
    if (klen < 0) break;
    out.push(str(b, p, klen, W));
    p += klen;
    const vlen = readLen();
    if (vlen < 0) fail(W, 'key without value');
    const free = b[p++];
    out.push(str(b, p, vlen, W));
    p += vlen + free;
  }
  return out;
}
