// RequestParser on its own: any split of the input gives the same commands, limits and errors
// come out with Redis's texts, and nothing returned points into a socket chunk.

import { describe, expect, it } from 'vitest';
import { PROTO_INLINE_MAX_SIZE, RequestParser, splitArgs } from '../../src/protocol/parser.js';
import { encodeCommand } from '../helpers/resp.js';

const LIMITS = { protoMaxBulkLen: 512 * 1024 * 1024 };

/** Feed `input` in pieces of `step` bytes; collect every command, stop at the first error. */
function parseAll(input: Buffer | string, step = input.length, auth = false, limits = LIMITS): { cmds: string[][]; error: string | null } {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const p = new RequestParser(limits);
  const cmds: string[][] = [];
  for (let off = 0; off < buf.length; off += step) {
    p.feed(buf.subarray(off, off + step));
    for (;;) {
      const argv = p.next(auth);
      if (argv === null) break;
      cmds.push(argv);
    }
    if (p.error !== null) break;
  }
  return { cmds, error: p.error };
}

describe('RequestParser', () => {
  const mixed = Buffer.concat([
    encodeCommand(['SET', 'key', 'value']),
    Buffer.from('PING\r\n'),
    encodeCommand(['MSET', '', 'a\r\nb', 'x', Buffer.alloc(40000, 0x61)]),
    Buffer.from('ECHO "two words" \'single\'\n'),
    Buffer.from('*0\r\n*-1\r\n\r\n'),
    encodeCommand(['GET', Buffer.from([0, 255, 13, 10])]),
  ]);
  const expected = [
    ['SET', 'key', 'value'],
    ['PING'],
    ['MSET', '', 'a\r\nb', 'x', 'a'.repeat(40000)],
    ['ECHO', 'two words', 'single'],
    ['GET', '\x00\xff\r\n'],
  ];

  it.each([1, 2, 3, 7, 64, 4096, mixed.length])('gives the same commands when fed %i bytes at a time', (step) => {
    const { cmds, error } = parseAll(mixed, step);
    expect(error).toBeNull();
    expect(cmds).toEqual(expected);
  });

  it('parses random valid and broken input the same whole or byte by byte', () => {
    // Whole buffers take the fast path for complete bulks; single bytes never do.
    let seed = 4242;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const tokens = ['*', '$', '\r\n', '\r', '\n', '0', '1', '3', '-', '10', 'SET', ' ', '"', 'x'];
    for (let round = 0; round < 500; round++) {
      const parts: Buffer[] = [];
      for (let k = 1 + rnd(6); k > 0; k--) {
        if (rnd(3) === 0) {
          parts.push(Buffer.from(Array.from({ length: 1 + rnd(8) }, () => tokens[rnd(tokens.length)]).join(''), 'latin1'));
        } else {
          let cmd = encodeCommand(Array.from({ length: 1 + rnd(4) }, () => 'v'.repeat(rnd(12)))).toString('latin1');
          // Sometimes spoil one length while keeping the body complete: "$01", "$-1", "$+1", "$ 1".
          if (rnd(3) === 0) cmd = cmd.replace(/\$(\d+)/, (_m, d: string) => `$${['0', '-', '+', ' ', '00'][rnd(5)]}${d}`);
          parts.push(Buffer.from(cmd, 'latin1'));
        }
      }
      const input = Buffer.concat(parts);
      expect(parseAll(input, 1), JSON.stringify(input.toString('latin1'))).toEqual(parseAll(input));
    }
  });

  it('keeps every byte of short arguments and of command names that differ by one byte', () => {
    // Names are reused from the previous command when their bytes match, and arguments of up to
    // four bytes are built in JS: both must stay binary-exact.
    const names = ['SET', 'SET', 'SEt', 'GET', '\xffET', 'SET\x00', 'SET', 'S', 'SETX', 'SET'];
    const cmds = names.map((name, i) => [name, ...[1, 2, 3, 4, 5].map((n) => String.fromCharCode(...Array.from({ length: n }, (_v, k) => (i * 37 + k * 101) & 255)))]);
    const input = Buffer.concat(cmds.map((argv) => encodeCommand(argv.map((a) => Buffer.from(a, 'latin1')))));
    expect(parseAll(input).cmds).toEqual(cmds);
  });

  it('copies arguments out of the chunk', () => {
    const chunk = encodeCommand(['SET', 'k', 'v'.repeat(50000)]);
    const p = new RequestParser(LIMITS);
    p.feed(chunk);
    const argv = p.next(false)!;
    chunk.fill(0x7a);
    expect(argv[1]).toBe('k');
    expect(argv[2]).toBe('v'.repeat(50000));
  });

  it('reports pending bytes, including a big argument being assembled', () => {
    const p = new RequestParser(LIMITS);
    const req = encodeCommand(['SET', 'k', 'x'.repeat(100000)]);
    p.feed(req.subarray(0, 50000));
    expect(p.next(false)).toBeNull();
    expect(p.pending).toBeGreaterThan(40000);
    p.feed(req.subarray(50000));
    expect(p.next(false)).toEqual(['SET', 'k', 'x'.repeat(100000)]);
    expect(p.pending).toBe(0);
  });

  it.each([
    ['*abc\r\n', 'invalid multibulk length'],
    ['*-0\r\n', 'invalid multibulk length'],
    ['*01\r\n', 'invalid multibulk length'],
    ['*2147483648\r\n', 'invalid multibulk length'],
    ['*1\r\n$-1\r\n', 'invalid bulk length'],
    ['*1\r\n$-0\r\n', 'invalid bulk length'],
    ['*1\r\n$01\r\n', 'invalid bulk length'],
    ['*1\r\n$01\r\nx\r\n', 'invalid bulk length'],
    ['*1\r\n$-0\r\n\r\n', 'invalid bulk length'],
    ['*1\r\n$12345678901\r\n', 'invalid bulk length'],
    ['*1\r\n$536870913\r\n', 'invalid bulk length'],
    ['*1\r\n:1\r\n', "expected '$', got ':'"],
    ['SET "a\r\n', 'unbalanced quotes in request'],
    ['x'.repeat(PROTO_INLINE_MAX_SIZE + 1), 'too big inline request'],
    [`*${'1'.repeat(PROTO_INLINE_MAX_SIZE + 1)}`, 'too big mbulk count string'],
    [`*1\r\n$${'1'.repeat(PROTO_INLINE_MAX_SIZE + 1)}`, 'too big bulk count string'],
  ])('refuses %j with "%s"', (input, detail) => {
    const { error } = parseAll(input);
    expect(error).toBe(`ERR Protocol error: ${detail}`);
  });

  it('honours a lower proto-max-bulk-len', () => {
    expect(parseAll('*1\r\n$1048577\r\n', undefined, false, { protoMaxBulkLen: 1048576 }).error).toBe(
      'ERR Protocol error: invalid bulk length',
    );
    expect(parseAll('*1\r\n$1048576\r\n', undefined, false, { protoMaxBulkLen: 1048576 }).error).toBeNull();
  });

  it('applies the unauthenticated limits only when auth is required', () => {
    const eleven = encodeCommand(Array.from({ length: 11 }, () => 'a'));
    expect(parseAll(eleven, undefined, true).error).toBe('ERR Protocol error: unauthenticated multibulk length');
    expect(parseAll(eleven, undefined, false).cmds).toHaveLength(1);
    const big = encodeCommand(['ECHO', 'x'.repeat(16385)]);
    expect(parseAll(big, undefined, true).error).toBe('ERR Protocol error: unauthenticated bulk length');
    expect(parseAll(encodeCommand(['ECHO', 'x'.repeat(16384)]), undefined, true).cmds).toHaveLength(1);
  });

  it('sees no line end after a NUL byte in a line, as strchr would not', () => {
    expect(parseAll('ECHO a\x00b\r\nPING\r\n')).toEqual({ cmds: [], error: null });
    expect(parseAll('*1\x00\r\n$4\r\nPING\r\n')).toEqual({ cmds: [], error: null });
    expect(parseAll('*1\r\n$4\x00\r\nPING\r\n')).toEqual({ cmds: [], error: null });
    expect(parseAll(`ECHO a\x00b\r\n${'x'.repeat(PROTO_INLINE_MAX_SIZE)}`).error).toBe('ERR Protocol error: too big inline request');
    expect(parseAll('PING\r\n*2\r\n$4\r\nECHO\r\n$3\r\na\x00b\r\n').cmds).toEqual([['PING'], ['ECHO', 'a\x00b']]);
  });

  it('waits without error for a length line of exactly 64KB and for a declared but missing body', () => {
    expect(parseAll('x'.repeat(PROTO_INLINE_MAX_SIZE))).toEqual({ cmds: [], error: null });
    expect(parseAll('*2147483647\r\n')).toEqual({ cmds: [], error: null });
    expect(parseAll('*1\r\n$100\r\nabc')).toEqual({ cmds: [], error: null });
  });
});

describe('splitArgs (inline commands and conf lines)', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['"a b" c', ['a b', 'c']],
    ['"\\x41\\x4g\\n\\r\\t\\b\\a\\\\\\""', ['Ax4g\n\r\t\b\x07\\"']],
    ["'a\\'b' 'c\\n'", ["a'b", 'c\\n']],
    ['""', ['']],
    ["''", ['']],
    // A quote opens a quoted part even mid-word, as in sdssplitargs.
    ['a"b"', ['ab']],
    ['x\t\v\fy', ['x', 'y']],
  ] as [string, string[]][])('%j', (line, want) => {
    expect(splitArgs(line)).toEqual(want);
  });

  it.each(['"abc', "'abc", '"a"b', "'a'b", '"\\"'])('refuses %j', (line) => {
    expect(splitArgs(line)).toBeNull();
  });
});
