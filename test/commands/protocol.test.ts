// The wire protocol against real redis-server: malformed and borderline input must give the same
// reply bytes and close (or keep) the connection at the same point; plus the well-formed extremes
// (deep pipelines, binary keys, big values arriving in small pieces).

import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';
import { differential } from '../helpers/differential.js';

interface Exchange {
  /** Everything the server sent, latin1. */
  data: string;
  /** Whether the server closed the connection. */
  closed: boolean;
}

/**
 * Write the chunks (a short pause between them so each is its own read on the server), then
 * collect replies until the server closes or stays quiet for `idleMs`.
 */
function exchange(port: number, chunks: (string | Buffer)[], idleMs = 1000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let writing = true;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ data, closed });
    };
    const arm = () => {
      clearTimeout(timer);
      if (!writing) timer = setTimeout(finish, idleMs);
    };
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      arm();
    });
    s.on('close', () => {
      // Our own destroy() after the idle wait also ends here, once settled: not the server's close.
      if (!settled) closed = true;
      finish();
    });
    // A reset after the server closed on us is still "closed"; anything before connecting is not.
    s.on('error', (err) => {
      if (!s.connecting) return;
      reject(err);
    });
    s.on('connect', async () => {
      for (const c of chunks) {
        if (closed) break;
        s.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
        await new Promise((r) => setTimeout(r, 20));
      }
      writing = false;
      arm();
    });
  });
}

const multibulk = (n: number): string => `*${n}\r\n${'$1\r\na\r\n'.repeat(n)}`;

/** Raw inputs whose replies and close behaviour must equal Redis's. */
const MALFORMED: Record<string, (string | Buffer)[]> = {
  'non-numeric multibulk count': ['*abc\r\nPING\r\n'],
  'empty multibulk count': ['*\r\nPING\r\n'],
  'plus-signed multibulk count': ['*+1\r\n$4\r\nPING\r\n'],
  'multibulk count of 2^32': ['*4294967296\r\n'],
  'multibulk count of 2^31': ['*2147483648\r\n'],
  'multibulk count of 2^31-1 waits for data': ['*2147483647\r\n'],
  'negative bulk length': ['*3\r\n$3\r\nSET\r\n$-5\r\nPING\r\n'],
  'bulk length -1 inside a request': ['*1\r\n$-1\r\n'],
  'bulk length -0': ['*1\r\n$-0\r\n'],
  'bulk length with a leading zero': ['*1\r\n$04\r\nPING\r\n'],
  'empty bulk length': ['*1\r\n$\r\nPING\r\n'],
  'leading-zero bulk length with its body present': ['*2\r\n$4\r\nECHO\r\n$03\r\nabc\r\nPING\r\n'],
  'bulk length -0 with a body': ['*2\r\n$4\r\nECHO\r\n$-0\r\n\r\nPING\r\n'],
  'empty bulk argument': ['*2\r\n$4\r\nECHO\r\n$0\r\n\r\nPING\r\n'],
  'eleven-digit bulk length': ['*2\r\n$4\r\nECHO\r\n$10000000000\r\n'],
  'bulk length of 2^31': ['*1\r\n$2147483648\r\nabc'],
  'bulk length just above proto-max-bulk-len': ['*1\r\n$536870913\r\nabc'],
  'bulk length of exactly proto-max-bulk-len waits': ['*1\r\n$536870912\r\nabc'],
  "bulk header not starting with '$'": ['*1\r\n:4\r\nPING\r\n'],
  'bare CR in a multibulk count line': ['*1\r\r\n$4\r\nPING\r\n'],
  'multibulk count ended by LF alone': ['*1\n$4\r\nPING\r\n'],
  'bulk longer than declared: two bytes skipped as CRLF': ['*1\r\n$4\r\nPINGXX\r\nPING\r\n'],
  'a bulk header without multibulk is inline text': ['$3\r\nfoo\r\nPING\r\n'],
  'lone bulk header': ['$3\r\n'],
  '*-1 then PING': ['*-1\r\nPING\r\n'],
  '*0 then PING': ['*0\r\nPING\r\n'],
  'negative multibulk count then PING': ['*-5\r\nPING\r\n'],
  'empty lines then PING': ['\r\n\r\n\n\nPING\r\n'],
  'blank inline line then PING': ['   \r\nPING\r\n'],
  'inline with LF only': ['PING\nPING\n'],
  'inline unbalanced double quote': ['SET "abc def\r\nPING\r\n'],
  'inline unbalanced single quote': ["SET 'abc\r\nPING\r\n"],
  'inline closing quote followed by a letter': ['SET "a"b c\r\nPING\r\n'],
  'inline escapes in double quotes': ['ECHO "\\x41\\x4g\\n\\t\\\\"\r\n'],
  'inline escaped quote in single quotes': ["ECHO 'a\\'b'\r\n"],
  'inline empty quoted argument': ['ECHO ""\r\n'],
  'inline of exactly 64KB without newline waits': ['A'.repeat(65536)],
  'inline over 64KB without newline': ['A'.repeat(70000)],
  'inline over 64KB built from small chunks': ['A'.repeat(40000), 'A'.repeat(40000)],
  'multibulk count line over 64KB': [`*${'1'.repeat(70000)}`],
  'bulk length line over 64KB': [`*1\r\n$${'1'.repeat(70000)}`],
  'request split across reads': ['*1\r', '\n$4\r\nPI', 'NG\r\n'],
  // Redis looks for line ends with strchr, so a NUL byte hides every line end after it.
  'NUL in an inline command stalls the connection': ['ECHO a\x00b\r\nPING\r\n'],
  'NUL in an inline command, then 64KB more': ['ECHO a\x00b\r\n', 'x'.repeat(70000)],
  'NUL in a multibulk count line stalls': ['*1\x00\r\n$4\r\nPING\r\n'],
  'NUL in a multibulk count line, then 64KB more': ['*1\x00\r\n', 'x'.repeat(70000)],
  'NUL in a bulk length line stalls': ['*1\r\n$4\x00\r\nPING\r\n'],
  'NUL in a bulk length line, then 64KB more': ['*1\r\n$4\x00\r\n', 'x'.repeat(70000)],
  'NUL inside a bulk is just data': ['*2\r\n$4\r\nECHO\r\n$3\r\na\x00b\r\nPING\r\n'],
  'NUL written as \\x00 in inline quotes': ['ECHO "a\\x00b"\r\n'],
  'replies before a protocol error are kept': ['PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\nPING\r\n'],
};

/** The same inputs while `requirepass` is set: unauthenticated clients get tighter limits. */
const UNAUTHENTICATED: Record<string, (string | Buffer)[]> = {
  'multibulk of 10 is allowed': [multibulk(10) + 'PING\r\n'],
  'multibulk of 11 is refused': [multibulk(11) + 'PING\r\n'],
  'multibulk count header of 11 alone is refused': ['*11\r\n'],
  'bulk of 16384 is allowed': [`*2\r\n$4\r\nECHO\r\n$16384\r\n${'x'.repeat(16384)}\r\nPING\r\n`],
  'bulk of 16385 is refused': ['*2\r\n$4\r\nECHO\r\n$16385\r\n'],
  'long inline is not limited': [`ECHO ${'x'.repeat(20000)}\r\n`],
  'arity is checked before auth': [`ECHO ${'a '.repeat(20)}\r\n`],
  'PING needs auth': ['PING\r\n'],
};

const MB = 1024 * 1024;

/** Inputs against `client-query-buffer-limit 1mb`: past it the client is dropped without a reply. */
const QUERY_BUFFER_LIMIT: Record<string, (string | Buffer)[]> = {
  'an argument of 900KB fits': [`*2\r\n$4\r\nECHO\r\n$900000\r\n`, `${'x'.repeat(900000)}\r\n`],
  'an argument of 2MB does not fit': ['*2\r\n$4\r\nECHO\r\n$2000000\r\n', 'x'.repeat(MB), `${'x'.repeat(2000000 - MB)}\r\n`],
  'a 3MB argument arriving in pieces': ['*2\r\n$4\r\nECHO\r\n$3000000\r\n', 'x'.repeat(MB), 'x'.repeat(MB), 'x'.repeat(MB - 1000)],
  'a pipeline bigger than the limit is consumed as it arrives': ['*1\r\n$4\r\nPING\r\n'.repeat(80000)],
  'a pending small request followed by 1MB of junk': [`*2\r\n$4\r\nECHO\r\n$20000\r\n${'x'.repeat(10000)}`, 'z'.repeat(MB + 100)],
};

const enabled = requireRedis();

describe.skipIf(!enabled)('protocol: malformed input like redis-server', () => {
  const { shoal, redis } = serverPair();

  describe.concurrent('default limits', () => {
    for (const [title, chunks] of Object.entries(MALFORMED)) {
      it(title, async () => {
        const [got, want] = await Promise.all([exchange(shoal.port, chunks), exchange(redis.port, chunks)]);
        expect(got).toEqual(want);
      });
    }
  });
});

describe.skipIf(!enabled)('protocol: unauthenticated limits like redis-server', () => {
  const { shoal, redis } = serverPair({ args: ['--requirepass', 'pw'] });

  describe.concurrent('requirepass', () => {
    for (const [title, chunks] of Object.entries(UNAUTHENTICATED)) {
      it(title, async () => {
        const [got, want] = await Promise.all([exchange(shoal.port, chunks), exchange(redis.port, chunks)]);
        expect(got).toEqual(want);
      });
    }
  });

  it('limits lift once authenticated', async () => {
    const run = async (port: number): Promise<string[]> => {
      const c = await RespConn.connect(port);
      // HELLO's reply carries the connection id, which differs: only check it is a map.
      expect((await c.call('HELLO', '2', 'AUTH', 'default', 'pw')).startsWith('*14\r\n')).toBe(true);
      c.write(multibulk(11));
      c.send('ECHO', 'y'.repeat(20000));
      const out = await c.read(2);
      c.close();
      return out;
    };
    const [got, want] = await Promise.all([run(shoal.port), run(redis.port)]);
    expect(got).toEqual(want);
    expect(got[1]).toBe(`$20000\r\n${'y'.repeat(20000)}\r\n`);
  });
});

describe.skipIf(!enabled)('protocol: client-query-buffer-limit like redis-server', () => {
  const { shoal, redis } = serverPair({ args: ['--client-query-buffer-limit', '1mb'] });

  describe.concurrent('1mb', () => {
    for (const [title, chunks] of Object.entries(QUERY_BUFFER_LIMIT)) {
      it(title, async () => {
        // Megabytes of echo can take longer than the default quiet period on a loaded machine.
        const [got, want] = await Promise.all([exchange(shoal.port, chunks, 2000), exchange(redis.port, chunks, 2000)]);
        // Compare sizes first: a mismatch of megabytes of output is unreadable in a diff.
        expect(got.data.length).toBe(want.data.length);
        expect(got).toEqual(want);
      });
    }
  });
});

describe.skipIf(!enabled)('protocol: well-formed extremes', () => {
  const { shoal, redis } = serverPair();

  it('answers 10,000 commands sent in one write, in order, like Redis', async () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 10000; i++) {
      parts.push(i % 2 === 0 ? encodeCommand(['SET', `pipe:${i}`, String(i)]) : encodeCommand(['GET', `pipe:${i - 1}`]));
    }
    parts.push(encodeCommand(['INCR', 'pipe:counter']));
    const all = Buffer.concat(parts);
    const run = async (port: number): Promise<string[]> => {
      const c = await RespConn.connect(port);
      c.write(all);
      const out = await c.read(10001, 15000);
      c.close();
      return out;
    };
    const [got, want] = await Promise.all([run(shoal.port), run(redis.port)]);
    expect(got[1]).toBe('$1\r\n0\r\n');
    expect(got[9999]).toBe('$4\r\n9998\r\n');
    expect(got).toEqual(want);
  });

  it('keeps keys and values binary-safe for every byte 0..255', async () => {
    const run = async (port: number): Promise<string[]> => {
      const c = await RespConn.connect(port);
      await c.call('FLUSHALL');
      const every = Buffer.alloc(256);
      for (let i = 0; i < 256; i++) every[i] = i;
      const out: string[] = [];
      for (let i = 0; i < 256; i++) {
        c.send('SET', Buffer.from([i]), Buffer.from([255 - i, i, 13, 10]));
      }
      out.push(...(await c.read(256)));
      for (let i = 0; i < 256; i++) c.send('GET', Buffer.from([i]));
      out.push(...(await c.read(256)));
      out.push(await c.call('SET', every, every));
      out.push(await c.call('GET', every));
      out.push(await c.call('EXISTS', every, Buffer.from(every.subarray(0, 255))));
      out.push(await c.call('DBSIZE'));
      c.close();
      return out;
    };
    const [got, want] = await Promise.all([run(shoal.port), run(redis.port)]);
    expect(got[256]).toBe(`$4\r\n${String.fromCharCode(255, 0, 13, 10)}\r\n`);
    expect(got[513]).toBe(`$256\r\n${Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1')}\r\n`);
    expect(got).toEqual(want);
  });

  it('keeps short arguments apart when they share bytes (the parser shares 2-4 byte strings)', async () => {
    // Prefixes of one another padded with NULs, then enough distinct short keys and values that the
    // parser's table of shared strings is overwritten many times over.
    const pairs: [Buffer, Buffer][] = [];
    const tricky = ['ab', 'ab\0', 'ab\0\0', '\0\0', '\0\0\0', '\0\0\0\0', '\xff\xff', '\xff\xff\xff', '\xff\xff\xff\xff', 'x\0x'];
    for (const k of tricky) for (const v of tricky) pairs.push([Buffer.from(`t:${k}:${v}`, 'latin1'), Buffer.from(v, 'latin1')]);
    let seed = 7;
    const byte = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 20000; i++) {
      const k = Buffer.from(Array.from({ length: 2 + (i % 3) }, byte));
      pairs.push([k, Buffer.from(Array.from({ length: 2 + ((i >> 2) % 3) }, byte))]);
    }
    const run = async (port: number): Promise<string[]> => {
      const c = await RespConn.connect(port);
      await c.call('FLUSHALL');
      for (const [k, v] of pairs) c.send('SET', k, v);
      await c.read(pairs.length, 20000);
      for (const [k] of pairs) c.send('GET', k);
      const out = await c.read(pairs.length, 20000);
      c.close();
      return out;
    };
    const [got, want] = await Promise.all([run(shoal.port), run(redis.port)]);
    // A later SET of the same random key wins, so check against the last value set for each key.
    const last = new Map<string, string>();
    for (const [k, v] of pairs) last.set(k.toString('latin1'), v.toString('latin1'));
    pairs.forEach(([k], i) => {
      const v = last.get(k.toString('latin1'))!;
      expect(got[i]).toBe(`$${v.length}\r\n${v}\r\n`);
    });
    expect(got).toEqual(want);
  });

  it('round-trips a 10 MB value sent in 16 KB chunks', async () => {
    const value = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 131 + (i >> 12)) & 0xff;
    const req = encodeCommand(['SET', 'big', value]);
    const c = await RespConn.connect(shoal.port);
    for (let off = 0; off < req.length; off += 16384) {
      const ok = c.socket.write(req.subarray(off, off + 16384));
      if (!ok) await new Promise((r) => c.socket.once('drain', r));
    }
    expect(await c.read(1, 20000)).toEqual(['+OK\r\n']);
    c.send('GET', 'big');
    const [got] = await c.read(1, 20000);
    expect(got.length).toBe(value.length + `$${value.length}\r\n\r\n`.length);
    expect(Buffer.from(got.slice(`$${value.length}\r\n`.length, -2), 'latin1').equals(value)).toBe(true);
    c.close();
  });

  it('splits replies into frames the same way regardless of how the request is chunked', async () => {
    const req = Buffer.concat([
      encodeCommand(['SET', 'k', 'v'.repeat(100)]),
      encodeCommand(['GET', 'k']),
      Buffer.from('PING\r\n'),
      encodeCommand(['MGET', 'k', 'nokey']),
    ]);
    const c = await RespConn.connect(shoal.port);
    for (let i = 0; i < req.length; i++) {
      c.write(req.subarray(i, i + 1));
      if (i % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    const out = await c.read(4);
    expect(out).toEqual(['+OK\r\n', `$100\r\n${'v'.repeat(100)}\r\n`, '+PONG\r\n', `*2\r\n$100\r\n${'v'.repeat(100)}\r\n$-1\r\n`]);
    expect(c.partial).toBe('');
    c.close();
  });
});

// Redis builds these error texts with printf: "%s" ends at a NUL byte, and CR/LF become spaces.
differential('protocol: error texts built from arguments', {
  'unknown command with odd bytes': [
    ['XYZ', 'a\x00b'],
    ['X\x00Z', 'abc'],
    ['X\xffZ', '\xe9bc'],
    ['XYZ', 'line\r\nbreak', 'tab\there'],
    ['\r\n', 'x'],
    [''],
    ['XYZ', 'a'.repeat(100), 'b'.repeat(100), 'c'],
    ['Y'.repeat(200), 'z'],
  ],
  'wrong arity keeps the command name as typed in lowercase': [['EcHo'], ['GET'], ['set', 'k']],
});
