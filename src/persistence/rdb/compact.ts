// Readers for Redis's compact encodings found inside RDB strings: listpack, ziplist, intset,
// zipmap. Each returns the flat list of elements as latin1 strings (integers in decimal), and
// throws on anything it cannot read. `deep` (sanitize-dump-payload) adds Redis's deep integrity
// checks of what a reader could walk past anyway: counts, back-lengths, order. Ziplists and
// zipmaps are always checked deeply, as Redis does (it converts them on load).

export class CompactError extends Error {}

function fail(what: string, msg: string): never {
  throw new CompactError(`corrupt ${what}: ${msg}`);
}

function str(b: Buffer, start: number, len: number, what: string): string {
  if (start + len > b.length) fail(what, 'entry runs past the end');
  return b.latin1Slice(start, start + len);
}

/** Listpack (Redis 7): total bytes u32, count u16, entries each followed by a back-length, 0xFF. */
export function decodeListpack(b: Buffer, deep = true): string[] {
  const W = 'listpack';
  checkListpackHeader(b);
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
    if (deep && backLength(b, p + entryLen, back) !== entryLen) fail(W, `entry at ${p} has a wrong back-length`);
    p += entryLen + back;
  }
  if (deep) {
    if (p !== b.length - 1) fail(W, `end marker at ${p}, before the last byte`);
    const count = b.readUInt16LE(4);
    if (count !== 65535 && count !== out.length) fail(W, `header count ${count}, found ${out.length}`);
  }
  return out;
}

/** A listpack back-length: `n` bytes, 7 bits each, the most significant group first. */
function backLength(b: Buffer, at: number, n: number): number {
  if (at + n > b.length) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 128 + (b[at + i] & 0x7f);
  return v;
}

/** The checks a listpack gets without deep sanitization: its size header and end marker. */
export function checkListpackHeader(b: Buffer): void {
  const W = 'listpack';
  if (b.length < 7) fail(W, 'too short');
  if (b.readUInt32LE(0) !== b.length) fail(W, `header says ${b.readUInt32LE(0)} bytes, have ${b.length}`);
  if (b[b.length - 1] !== 0xff) fail(W, 'no end marker at its last byte');
}

/** Ziplist (Redis < 7): bytes u32, tail u32, count u16, entries with prev-length and encoding, 0xFF. */
export function decodeZiplist(b: Buffer): string[] {
  const W = 'ziplist';
  if (b.length < 11) fail(W, 'too short');
  if (b.readUInt32LE(0) !== b.length) fail(W, 'length header mismatch');
  if (b[b.length - 1] !== 0xff) fail(W, 'no end marker at its last byte');
  const tail = b.readUInt32LE(4);
  if (tail > b.length - 1) fail(W, 'tail offset past the end');
  const out: string[] = [];
  let p = 10;
  let prevStart = -1;
  let prevLen = 0;
  for (;;) {
    if (p >= b.length) fail(W, 'missing end marker');
    if (b[p] === 0xff) break;
    const start = p;
    // The previous entry's length, one byte or 0xFE and four: it must be the real one.
    let prev: number;
    if (b[p] === 0xfe) {
      if (p + 5 > b.length) fail(W, 'truncated prev length');
      prev = b.readUInt32LE(p + 1);
      p += 5;
    } else {
      prev = b[p];
      p += 1;
    }
    if (prev !== prevLen) fail(W, `entry at ${start} says the previous entry is ${prev} bytes, it is ${prevLen}`);
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
    if (p > b.length - 1) fail(W, `entry at ${start} runs into the end marker`);
    prevStart = start;
    prevLen = p - start;
  }
  if (p !== b.length - 1) fail(W, `end marker at ${p}, before the last byte`);
  if (tail !== (prevStart === -1 ? 10 : prevStart)) fail(W, `tail offset ${tail} is not the last entry`);
  const count = b.readUInt16LE(8);
  if (count !== 65535 && count !== out.length) fail(W, `header count ${count}, found ${out.length}`);
  return out;
}

/** Intset: encoding (2, 4 or 8 bytes per member) u32, count u32, sorted little-endian integers. */
export function decodeIntset(b: Buffer, deep = true): string[] {
  const W = 'intset';
  if (b.length < 8) fail(W, 'too short');
  const enc = b.readUInt32LE(0);
  const n = b.readUInt32LE(4);
  if (enc !== 2 && enc !== 4 && enc !== 8) fail(W, `bad encoding ${enc}`);
  if (8 + enc * n !== b.length) fail(W, 'size does not match count');
  if (n === 0) fail(W, 'no members');
  const out: string[] = [];
  let last = 0n;
  for (let i = 0; i < n; i++) {
    const o = 8 + i * enc;
    const v = enc === 2 ? BigInt(b.readInt16LE(o)) : enc === 4 ? BigInt(b.readInt32LE(o)) : b.readBigInt64LE(o);
    // Members are kept sorted, each once: binary search depends on it.
    if (deep && i > 0 && v <= last) fail(W, `member ${i} out of order`);
    last = v;
    out.push(String(v));
  }
  return out;
}

/** Zipmap (very old hashes): count u8, then len/key, len/free/value pairs, 0xFF. */
export function decodeZipmap(b: Buffer): string[] {
  const W = 'zipmap';
  if (b.length < 2) fail(W, 'too short');
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
    if (p >= b.length) fail(W, 'truncated free length');
    const free = b[p++];
    out.push(str(b, p, vlen, W));
    p += vlen + free;
  }
  if (p !== b.length - 1) fail(W, 'end marker before its last byte');
  if (out.length === 0) fail(W, 'no fields');
  // The count byte is exact below 254 (a hint above).
  if (b[0] < 254 && b[0] !== out.length / 2) fail(W, `header count ${b[0]}, found ${out.length / 2}`);
  return out;
}
