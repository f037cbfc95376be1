import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';

const x45 = 'x'.repeat(45);
const x44 = 'x'.repeat(44);

differential('generic keys', {
  'del unlink exists': [
    ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['EXISTS', 'a', 'a', 'nope'], ['DEL', 'a', 'a', 'nope'], ['EXISTS', 'a'],
    ['UNLINK', 'b', 'c', 'd'], ['EXISTS', 'b', 'c'], ['DEL'], ['UNLINK'], ['EXISTS'], ['DEL', 'nope'],
  ],
  'type': [['SET', 's', 'v'], ['TYPE', 's'], ['TYPE', 'nope'], ['TYPE'], ['TYPE', 'a', 'b']],
  'touch': [['MSET', 'a', '1', 'b', '2'], ['TOUCH', 'a', 'b', 'c', 'a'], ['TOUCH', 'nope'], ['TOUCH']],
  'rename': [
    ['RENAME', 'nope', 'x'], ['RENAME', 'nope', 'nope'], ['SET', 'a', '1'], ['RENAME', 'a', 'a'], ['GET', 'a'],
    ['RENAME', 'a', 'b'], ['EXISTS', 'a'], ['GET', 'b'], ['SET', 'c', '3'], ['EXPIRE', 'c', '500'],
    ['RENAME', 'b', 'c'], ['GET', 'c'], ['TTL', 'c'], ['RENAME', 'a'], ['RENAME', 'a', 'b', 'c'],
  ],
  'rename keeps the ttl': [
    ['SET', 'a', 'v', 'EX', '100'], ['RENAME', 'a', 'b'], ['TTL', 'b'], ['TTL', 'a'], ['RENAMENX', 'b', 'c'], ['TTL', 'c'],
  ],
  'renamenx': [
    ['RENAMENX', 'nope', 'x'], ['SET', 'a', '1'], ['SET', 'b', '2'], ['RENAMENX', 'a', 'a'], ['RENAMENX', 'nope', 'nope'],
    ['RENAMENX', 'a', 'b'], ['GET', 'a'], ['GET', 'b'], ['RENAMENX', 'a', 'c'], ['GET', 'c'], ['EXISTS', 'a'],
  ],
  'copy': [
    ['COPY', 'nope', 'x'], ['SET', 'a', 'v', 'EX', '100'], ['COPY', 'a', 'a'], ['COPY', 'a', 'b'], ['GET', 'b'], ['TTL', 'b'],
    ['SET', 'c', 'old'], ['COPY', 'a', 'c'], ['GET', 'c'], ['COPY', 'a', 'c', 'REPLACE'], ['GET', 'c'], ['TTL', 'c'],
    ['SET', 'p', 'persistent'], ['COPY', 'p', 'c', 'replace'], ['TTL', 'c'],
    ['COPY', 'a', 'd', 'DB', '1'], ['COPY', 'a', 'a', 'DB', '1'], ['COPY', 'a', 'a', 'DB', '0'], ['SELECT', '1'], ['GET', 'd'],
    ['TTL', 'd'], ['GET', 'a'], ['SELECT', '0'], ['COPY', 'a', 'd', 'DB', '1'], ['COPY', 'a', 'd', 'DB', '1', 'REPLACE'],
  ],
  'copy errors': [
    ['SET', 'a', '1'], ['COPY', 'a', 'b', 'DB'], ['COPY', 'a', 'b', 'DB', 'x'], ['COPY', 'a', 'b', 'DB', '16'],
    ['COPY', 'a', 'b', 'DB', '-1'], ['COPY', 'a', 'b', 'DB', '99999999999'], ['COPY', 'a', 'b', 'FOO'],
    ['COPY', 'a', 'b', 'REPLACE', 'REPLACE'], ['COPY', 'a', 'b', 'DB', '1', 'DB', '2'], ['SELECT', '2'], ['GET', 'b'],
    ['SELECT', '0'], ['COPY', 'a'], ['COPY', 'nope', 'nope'], ['COPY', 'a', 'b', 'DB', '16', 'FOO'], ['COPY', 'a', 'b', 'FOO', 'DB', 'x'],
  ],
  'move': [
    ['MOVE', 'nope', '1'], ['SET', 'a', 'v', 'PX', '100000'], ['MOVE', 'a', '0'], ['MOVE', 'a', 'x'], ['MOVE', 'a', '16'],
    ['MOVE', 'a', '-1'], ['MOVE', 'a', '99999999999'], ['MOVE', 'nope', '0'], ['SELECT', '1'], ['SET', 'a', 'other'], ['SELECT', '0'],
    ['MOVE', 'a', '1'], ['GET', 'a'], ['SELECT', '1'], ['DEL', 'a'], ['SELECT', '0'], ['MOVE', 'a', '1'], ['EXISTS', 'a'],
    ['SELECT', '1'], ['GET', 'a'], ['TTL', 'a'], ['MOVE', 'a'], ['MOVE', 'a', '1', '2'],
  ],
  'swapdb': [
    ['SET', 'a', 'db0'], ['SELECT', '1'], ['SET', 'b', 'db1', 'EX', '100'], ['SELECT', '0'], ['SWAPDB', '0', '1'], ['GET', 'a'],
    ['GET', 'b'], ['TTL', 'b'], ['DBSIZE'], ['SELECT', '1'], ['GET', 'a'], ['SWAPDB', '1', '1'], ['GET', 'a'], ['SWAPDB', 'x', '1'],
    ['SWAPDB', '0', 'x'], ['SWAPDB', 'x', 'y'], ['SWAPDB', '0', '16'], ['SWAPDB', '-1', '0'], ['SWAPDB', '0', '99999999999'],
    ['SWAPDB', '99999999999', '0'], ['SWAPDB', '0'], ['SWAPDB', '0', '1', '2'],
  ],
  'randomkey': [
    ['RANDOMKEY'], ['SET', 'only', '1'], ['RANDOMKEY'], ['DEL', 'only'], ['RANDOMKEY'], ['RANDOMKEY', 'x'],
    ['SET', 'k', 'v'], ['PEXPIREAT', 'k', '1'], ['RANDOMKEY'],
  ],
  'keys': [
    ['KEYS', '*'], ['MSET', 'hello', '1', 'hallo', '2', 'h*llo', '3', 'abc', '4', 'a[b]c', '5', 'ab\\c', '6'],
    ['KEYS', 'hello'], ['KEYS', 'a?c'], ['KEYS', 'h\\*llo'], ['KEYS', 'a[^b]c'], ['KEYS', 'a\\[b\\]c'], ['KEYS', 'ab\\\\c'],
    ['KEYS', 'x*'], ['KEYS', 'h[a-d]llo'], ['KEYS', 'H*'], ['KEYS'], ['KEYS', '*', '*'],
    ['SET', 'gone', '1'], ['PEXPIREAT', 'gone', '1'], ['KEYS', 'gone'],
  ],
  'object encoding and refcount': [
    ['MSET', 'i', '123', 'neg', '-5', 'zero', '0', 'max', '9223372036854775807', 'over', '9223372036854775808',
      'min', '-9223372036854775808', 'lead', '0123', 'plus', '+1', 'negzero', '-0', 'sp', ' 1', 'e44', x44, 'r45', x45,
      'd20', '12345678901234567890', 'shared', '9999', 'notshared', '10000', 'empty', '', 'float', '1.5'],
    ...['i', 'neg', 'zero', 'max', 'over', 'min', 'lead', 'plus', 'negzero', 'sp', 'e44', 'r45', 'd20', 'shared', 'notshared',
      'empty', 'float'].flatMap((k) => [['OBJECT', 'ENCODING', k], ['OBJECT', 'REFCOUNT', k]]),
    ['INCR', 'counter'], ['OBJECT', 'REFCOUNT', 'counter'], ['OBJECT', 'encoding', 'counter'],
    ['OBJECT', 'ENCODING', 'nope'], ['OBJECT', 'REFCOUNT', 'nope'], ['OBJECT', 'IDLETIME', 'nope'], ['OBJECT', 'FREQ', 'nope'],
  ],
  'copies are independent of their source, and strings changed in place are raw': [
    ['SET', 'k', 'abc'], ['APPEND', 'k', 'd'], ['OBJECT', 'ENCODING', 'k'], ['COPY', 'k', 'k2'], ['APPEND', 'k2', 'e'],
    ['SETRANGE', 'k', '0', 'X'], ['GET', 'k'], ['GET', 'k2'], ['OBJECT', 'ENCODING', 'k2'], ['OBJECT', 'REFCOUNT', 'k2'],
    ['SET', 'n', '12'], ['APPEND', 'n', '3'], ['OBJECT', 'ENCODING', 'n'], ['OBJECT', 'REFCOUNT', 'n'], ['INCR', 'n'],
    ['OBJECT', 'ENCODING', 'n'], ['RENAME', 'k2', 'k3'], ['OBJECT', 'ENCODING', 'k3'], ['MOVE', 'k3', '1'], ['SELECT', '1'],
    ['OBJECT', 'ENCODING', 'k3'], ['GET', 'k3'], ['TYPE', 'k3'], ['SCAN', '0', 'TYPE', 'string'],
  ],
  'object errors and idle/freq under LRU': [
    ['SET', 'k', 'v'], ['OBJECT', 'IDLETIME', 'k'], ['OBJECT', 'FREQ', 'k'], ['OBJECT'], ['OBJECT', 'ENCODING'],
    ['OBJECT', 'ENCODING', 'k', 'x'], ['OBJECT', 'NOSUCH', 'k'], ['OBJECT', 'HELP', 'x'], ['object', 'Encoding', 'k'],
  ],
});

differential('OBJECT under an LFU policy', {
  'freq and idletime': [
    ['SET', 'k', 'v'], ['OBJECT', 'FREQ', 'k'], ['OBJECT', 'IDLETIME', 'k'], ['OBJECT', 'FREQ', 'nope'], ['SET', 'n', '5'],
    ['OBJECT', 'REFCOUNT', 'n'],
  ],
}, { serverArgs: ['--maxmemory', '100mb', '--maxmemory-policy', 'allkeys-lfu'] });

differential('OBJECT without shared integers (maxmemory with LRU)', {
  'refcount': [['SET', 'n', '5'], ['OBJECT', 'REFCOUNT', 'n'], ['OBJECT', 'ENCODING', 'n'], ['OBJECT', 'IDLETIME', 'n']],
}, { serverArgs: ['--maxmemory', '100mb', '--maxmemory-policy', 'volatile-lru'] });

differential('OBJECT with maxmemory but no LRU/LFU policy', {
  'refcount': [['SET', 'n', '5'], ['OBJECT', 'REFCOUNT', 'n']],
}, { serverArgs: ['--maxmemory', '100mb', '--maxmemory-policy', 'allkeys-random'] });

/** Elements of a flat RESP array of bulk strings. */
function bulks(frame: string): string[] {
  const lines = frame.split('\r\n');
  const out: string[] = [];
  for (let i = 1; i < lines.length - 1; i += 2) out.push(lines[i + 1]);
  return out;
}

describe('generic keys over a socket', () => {
  let s: RunningServer;
  let c: RespConn;
  beforeAll(async () => {
    s = await startShoal();
    c = await RespConn.connect(s.port);
  });
  afterAll(async () => {
    c.close();
    await s.stop();
  });

  it('KEYS returns every matching key and hides expired ones', async () => {
    await c.call('FLUSHALL');
    for (let i = 0; i < 50; i++) c.send('SET', `user:${i}`, 'x');
    c.send('SET', 'other', 'x');
    c.send('SET', 'user:dead', 'x', 'PX', '1');
    await c.read(52);
    await new Promise((r) => setTimeout(r, 20));
    const got = bulks(await c.call('KEYS', 'user:*')).sort();
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `user:${i}`).sort());
    expect(bulks(await c.call('KEYS', '*')).length).toBe(51);
  });

  it('KEYS is binary safe', async () => {
    await c.call('FLUSHALL');
    const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x41]);
    c.send('SET', key, 'v');
    await c.read();
    expect(await c.call('KEYS', '*')).toBe(`*1\r\n$5\r\n${key.toString('latin1')}\r\n`);
  });

  it('RANDOMKEY picks every key, roughly uniformly, and sees keys added later', async () => {
    await c.call('FLUSHALL');
    for (let i = 0; i < 10; i++) c.send('SET', `k${i}`, 'v');
    await c.read(10);
    const counts = new Map<string, number>();
    const N = 3000;
    for (let i = 0; i < N; i++) c.send('RANDOMKEY');
    for (const f of await c.read(N)) {
      const k = bulks(`*1\r\n${f}`)[0];
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const n of counts.values()) expect(n).toBeGreaterThan(N / 10 / 2);
    await c.call('DEL', 'k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8');
    await c.call('SET', 'fresh', 'v');
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) c.send('RANDOMKEY');
    for (const f of await c.read(200)) seen.add(f);
    expect([...seen].sort()).toEqual(['$2\r\nk9\r\n', '$5\r\nfresh\r\n']);
  });

  it('RANDOMKEY skips expired keys and returns null when every key has expired', async () => {
    await c.call('FLUSHALL');
    for (let i = 0; i < 200; i++) c.send('SET', `v${i}`, 'x', 'PX', '30');
    await c.read(200);
    await c.call('SET', 'live', 'x');
    await new Promise((r) => setTimeout(r, 60));
    expect(await c.call('RANDOMKEY')).toBe('$4\r\nlive\r\n');
    await c.call('PEXPIRE', 'live', '1');
    for (let i = 0; i < 200; i++) c.send('SET', `w${i}`, 'x', 'PX', '30');
    await c.read(200);
    await new Promise((r) => setTimeout(r, 60));
    expect(await c.call('RANDOMKEY')).toBe('$-1\r\n');
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
  });

  it('RANDOMKEY stays fast and correct on a large, churning keyspace', async () => {
    await c.call('FLUSHALL');
    for (let i = 0; i < 20000; i++) c.send('SET', `big:${i}`, 'v');
    await c.read(20000);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 2000; i++) c.send('DEL', `big:${round * 2000 + i}`);
      await c.read(2000);
      for (let i = 0; i < 100; i++) c.send('RANDOMKEY');
      for (const f of await c.read(100)) {
        const n = Number(f.split('\r\n')[1].slice(4));
        expect(n).toBeGreaterThanOrEqual((round + 1) * 2000);
      }
    }
    // Two keys left in a table sized for 20000: random slots nearly always miss.
    for (let i = 10000; i < 19998; i++) c.send('DEL', `big:${i}`);
    await c.read(9998);
    const left = new Set<string>();
    for (let i = 0; i < 50; i++) c.send('RANDOMKEY');
    for (const f of await c.read(50)) left.add(f);
    for (const f of left) expect(['$9\r\nbig:19998\r\n', '$9\r\nbig:19999\r\n']).toContain(f);
  });

  it('SWAPDB leaves clients on their database number', async () => {
    await c.call('FLUSHALL');
    const other = await RespConn.connect(s.port);
    await other.call('SELECT', '1');
    await c.call('SET', 'where', 'zero');
    await other.call('SET', 'where', 'one');
    expect(await c.call('SWAPDB', '0', '1')).toBe('+OK\r\n');
    expect(await c.call('GET', 'where')).toBe('$3\r\none\r\n');
    expect(await other.call('GET', 'where')).toBe('$4\r\nzero\r\n');
    other.close();
  });

  it('OBJECT HELP lists the subcommands as status lines', async () => {
    const r = await c.call('OBJECT', 'HELP');
    const lines = r.split('\r\n');
    expect(lines[0]).toBe('*11');
    expect(lines[1]).toMatch(/^\+OBJECT <subcommand> /);
    for (const sub of ['ENCODING <key>', 'FREQ <key>', 'IDLETIME <key>', 'REFCOUNT <key>', 'HELP']) expect(lines).toContain(`+${sub}`);
  });
});
