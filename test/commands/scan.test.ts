import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, requireRedis, serverPair, startShoal, type RunningServer } from '../helpers/server.js';

// Scripts stay on a database of one key (or none): the whole reply, cursor included, is then
// deterministic in Redis as well.
differential('scan', {
  'invalid cursors': [
    ['SCAN', 'x'], ['SCAN', ' 0'], ['SCAN', '0 '], ['SCAN', '0x1'], ['SCAN', '1.5'], ['SCAN', '18446744073709551616'],
    ['SCAN', '-'], ['SCAN', '+'], ['SCAN', '99999999999999999999999'], ['SCAN', '-18446744073709551616'], ['SCAN', '\t1'],
  ],
  'cursor forms strtoul accepts': [
    ['SET', 'k', 'v'], ['SCAN', '0'], ['SCAN', ''], ['SCAN', '+0'], ['SCAN', '-0'], ['SCAN', '000'],
  ],
  'option errors': [
    ['SCAN', '0', 'COUNT', '0'], ['SCAN', '0', 'COUNT', '-1'], ['SCAN', '0', 'COUNT', 'x'], ['SCAN', '0', 'COUNT', '1.5'],
    ['SCAN', '0', 'COUNT', '99999999999999999999'], ['SCAN', '0', 'COUNT'], ['SCAN', '0', 'MATCH'], ['SCAN', '0', 'TYPE'],
    ['SCAN', '0', 'FOO', 'bar'], ['SCAN', '0', 'COUNT', '10', 'MATCH'], ['SCAN'], ['SCAN', 'x', 'COUNT', '0'],
    ['SCAN', '0', 'COUNT', '0', 'MATCH'], ['SCAN', '0', 'MATCH', '*', 'COUNT', '0'],
  ],
  'one key with MATCH, COUNT and TYPE': [
    ['SCAN', '0'], ['SET', 'key:1', 'v'], ['SCAN', '0'], ['SCAN', '0', 'MATCH', 'key:*'], ['SCAN', '0', 'MATCH', 'nomatch*'],
    ['SCAN', '0', 'MATCH', '*'], ['SCAN', '0', 'match', 'KEY:*'], ['SCAN', '0', 'TYPE', 'string'], ['SCAN', '0', 'TYPE', 'STRING'],
    ['SCAN', '0', 'TYPE', 'hash'], ['SCAN', '0', 'TYPE', 'nosuchtype'], ['SCAN', '0', 'COUNT', '1000000'],
    ['SCAN', '0', 'COUNT', '9223372036854775807'], ['SCAN', '0', 'MATCH', 'a*', 'MATCH', 'key*'],
    ['SCAN', '0', 'TYPE', 'hash', 'TYPE', 'string'], ['SCAN', '0', 'MATCH', 'k[e]y:?', 'TYPE', 'string', 'COUNT', '5'],
  ],
  'expired keys are not returned': [['SET', 'k', 'v'], ['PEXPIREAT', 'k', '1'], ['SCAN', '0'], ['DBSIZE']],
});

/** The keys of a flat RESP array frame of bulk strings. */
function bulks(frame: string): string[] {
  const lines = frame.split('\r\n');
  const out: string[] = [];
  for (let i = 1; i < lines.length - 1; i += 2) out.push(lines[i + 1]);
  return out;
}

/** Split a SCAN reply into its cursor and items. */
function parseScan(frame: string): [string, string[]] {
  const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n/.exec(frame);
  if (!m) throw new Error(`not a scan reply: ${JSON.stringify(frame)}`);
  return [m[1], bulks(frame.slice(m[0].length))];
}

/** Iterate to the end; returns every key seen (with duplicates) and the number of calls. */
async function fullScan(c: RespConn, opts: string[] = [], between?: (step: number) => Promise<void>): Promise<[string[], number]> {
  let cursor = '0';
  const seen: string[] = [];
  let calls = 0;
  do {
    const [next, items] = parseScan(await c.call('SCAN', cursor, ...opts));
    expect(next).toMatch(/^(0|[1-9][0-9]*)$/);
    seen.push(...items);
    cursor = next;
    calls++;
    if (between && cursor !== '0') await between(calls);
    if (calls > 100000) throw new Error('SCAN did not terminate');
  } while (cursor !== '0');
  return [seen, calls];
}

describe.skipIf(!requireRedis())('scan results match redis-server as sets', () => {
  const { shoal, redis } = serverPair();

  async function both(opts: string[]): Promise<[string[], string[]]> {
    const out: string[][] = [];
    for (const srv of [shoal, redis]) {
      const c = await RespConn.connect(srv.port);
      await c.call('FLUSHALL');
      for (let i = 0; i < 500; i++) c.send('SET', `user:${i}`, 'v');
      for (let i = 0; i < 300; i++) c.send('SET', `item:${i}`, 'v');
      await c.read(800);
      const [seen] = await fullScan(c, opts);
      out.push([...new Set(seen)].sort());
      c.close();
    }
    return [out[0], out[1]];
  }

  for (const opts of [[], ['COUNT', '1'], ['COUNT', '7', 'MATCH', 'user:1*'], ['MATCH', '*:2?'], ['TYPE', 'string', 'COUNT', '100'], ['TYPE', 'list']]) {
    it(`SCAN ${opts.join(' ') || '(no options)'}`, async () => {
      const [got, want] = await both(opts);
      expect(got).toEqual(want);
    });
  }
});

describe('SCAN guarantees', () => {
  let s: RunningServer;
  let c: RespConn;
  let w: RespConn;
  beforeAll(async () => {
    s = await startShoal();
    c = await RespConn.connect(s.port);
    w = await RespConn.connect(s.port);
  });
  afterAll(async () => {
    c.close();
    w.close();
    await s.stop();
  });

  async function fill(prefix: string, n: number, conn = c): Promise<void> {
    for (let i = 0; i < n; i++) conn.send('SET', `${prefix}${i}`, 'v');
    await conn.read(n);
  }

  it('returns every key exactly once on a quiet database, COUNT keys per call', async () => {
    await c.call('FLUSHALL');
    await fill('k:', 1000);
    const [seen, calls] = await fullScan(c, ['COUNT', '10']);
    expect(seen.length).toBe(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(calls).toBe(100);
  });

  it('ends with cursor 0 in the same call when the last batch exhausts the keys', async () => {
    await c.call('FLUSHALL');
    await fill('k:', 20);
    const [next, items] = parseScan(await c.call('SCAN', '0', 'COUNT', '20'));
    expect(next).toBe('0');
    expect(items.length).toBe(20);
  });

  it('returns every key present for the whole iteration while another client inserts and deletes', async () => {
    await c.call('FLUSHALL');
    await fill('keep:', 3000);
    await fill('tmp:', 2000);
    let added = 0;
    const [seen] = await fullScan(c, ['COUNT', '25'], async (step) => {
      // Between steps: 30 new keys, 20 deletions, and rewrites of kept keys (which must not move them).
      for (let i = 0; i < 30; i++) w.send('SET', `new:${added++}`, 'v');
      for (let i = 0; i < 20; i++) w.send('DEL', `tmp:${(step * 20 + i) % 2000}`);
      w.send('SET', `keep:${step % 3000}`, 'rewritten');
      await w.read(51);
    });
    const set = new Set(seen);
    for (let i = 0; i < 3000; i++) expect(set.has(`keep:${i}`)).toBe(true);
    expect(added).toBeGreaterThan(1000);
  });

  it('survives FLUSHDB, SWAPDB and a key being deleted under it by restarting on the new contents', async () => {
    await c.call('FLUSHALL');
    await fill('a:', 100);
    let [cursor] = parseScan(await c.call('SCAN', '0', 'COUNT', '10'));
    await c.call('FLUSHDB');
    await fill('b:', 30);
    let [next, items] = parseScan(await c.call('SCAN', cursor, 'COUNT', '100'));
    expect(next).toBe('0');
    expect(items.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `b:${i}`).sort());

    await c.call('SELECT', '1');
    await fill('one:', 5);
    await c.call('SELECT', '0');
    [cursor] = parseScan(await c.call('SCAN', '0', 'COUNT', '10'));
    await c.call('SWAPDB', '0', '1');
    [next, items] = parseScan(await c.call('SCAN', cursor, 'COUNT', '100'));
    expect(next).toBe('0');
    expect(items.sort()).toEqual(['one:0', 'one:1', 'one:2', 'one:3', 'one:4']);
  });

  it('treats an unknown, reused or wrapped-around cursor as a fresh start, never losing keys', async () => {
    await c.call('FLUSHALL');
    await fill('k:', 50);
    const [, fresh] = parseScan(await c.call('SCAN', '123456789', 'COUNT', '100'));
    expect(fresh.length).toBe(50);
    const [, wrapped] = parseScan(await c.call('SCAN', '-1', 'COUNT', '100'));
    expect(wrapped.length).toBe(50);
    const [, huge] = parseScan(await c.call('SCAN', '18446744073709551615', 'COUNT', '100'));
    expect(huge.length).toBe(50);

    // A client that repeats a step (a retry after a lost reply) still sees every key.
    const [c1, first] = parseScan(await c.call('SCAN', '0', 'COUNT', '10'));
    parseScan(await c.call('SCAN', c1, 'COUNT', '10'));
    let cursor = c1;
    const seen = new Set(first);
    do {
      const [next, items] = parseScan(await c.call('SCAN', cursor, 'COUNT', '10'));
      for (const k of items) seen.add(k);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(50);
  });

  it('bounds abandoned cursors and still completes an iteration afterwards', async () => {
    await c.call('FLUSHALL');
    await fill('k:', 200);
    const [mine] = parseScan(await c.call('SCAN', '0', 'COUNT', '10'));
    for (let i = 0; i < 6000; i++) c.send('SCAN', '0', 'COUNT', '1');
    const replies = await c.read(6000);
    const cursors = new Set(replies.map((r) => parseScan(r)[0]));
    expect(cursors.size).toBe(6000);
    // The early cursor was evicted: it restarts, so the rest of the walk covers every key.
    let cursor = mine;
    const seen = new Set<string>();
    do {
      const [next, items] = parseScan(await c.call('SCAN', cursor, 'COUNT', '50'));
      for (const k of items) seen.add(k);
      cursor = next;
    } while (cursor !== '0');
    expect(seen.size).toBe(200);
  });

  it('hides and deletes expired keys, and filters by TYPE case-insensitively', async () => {
    await c.call('FLUSHALL');
    await fill('live:', 20);
    for (let i = 0; i < 20; i++) c.send('SET', `dead:${i}`, 'v', 'PX', '1');
    await c.read(20);
    await new Promise((r) => setTimeout(r, 10));
    const [seen] = await fullScan(c, ['COUNT', '7', 'TYPE', 'String']);
    expect(seen.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `live:${i}`).sort());
    const [none] = await fullScan(c, ['TYPE', 'zset']);
    expect(none).toEqual([]);
  });

  it('is binary safe and replies in RESP3 the same way', async () => {
    await c.call('FLUSHALL');
    const key = Buffer.from([0x00, 0x2a, 0xff, 0x0a]);
    c.send('SET', key, 'v');
    await c.read();
    const r3 = await RespConn.connect(s.port);
    await r3.call('HELLO', '3');
    expect(await r3.call('SCAN', '0')).toBe(`*2\r\n$1\r\n0\r\n*1\r\n$4\r\n${key.toString('latin1')}\r\n`);
    expect(await r3.call('SCAN', '0', 'MATCH', '\0*')).toBe(`*2\r\n$1\r\n0\r\n*1\r\n$4\r\n${key.toString('latin1')}\r\n`);
    r3.close();
  });

  it('works with a real client library (ioredis scanStream)', async () => {
    await c.call('FLUSHALL');
    await fill('io:', 777);
    const client = new Redis({ port: s.port, lazyConnect: true, enableReadyCheck: false });
    await client.connect();
    const keys = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const stream = client.scanStream({ match: 'io:*', count: 50 });
      stream.on('data', (batch: string[]) => batch.forEach((k) => keys.add(k)));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    client.disconnect();
    expect(keys.size).toBe(777);
  });
});
