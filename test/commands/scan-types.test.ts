// HSCAN, SSCAN and ZSCAN. Values in a compact encoding (listpack, intset) come back whole with
// cursor 0 in a deterministic order, so they compare byte for byte with redis-server; big values
// are walked by cursor and checked against the SCAN guarantees.

import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { startShoal, type RunningServer } from '../helpers/server.js';

differential('HSCAN SSCAN ZSCAN', {
  'HSCAN of a listpack hash': [
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'key:1', 'x'], ['HSCAN', 'h', '0'], ['HSCAN', 'h', '0', 'COUNT', '1'],
    ['HSCAN', 'h', '0', 'MATCH', 'key:*'], ['HSCAN', 'h', '7'], ['HSET', 'h', 'a', '9'], ['HDEL', 'h', 'b'],
    ['HSCAN', 'h', '0', 'match', '?', 'count', '100'], ['HSCAN', 'h', '0', 'MATCH', 'nomatch'], ['HSCAN', 'h', '0', 'MATCH', '*'],
  ],
  'SSCAN of an intset: ascending': [
    ['SADD', 's', '5', '-3', '100', '0', '2', '-9223372036854775808'], ['SSCAN', 's', '0'], ['SSCAN', 's', '0', 'MATCH', '1*'],
    ['SSCAN', 's', '0', 'COUNT', '1'], ['SREM', 's', '0'], ['SSCAN', 's', '3'],
  ],
  'ZSCAN of a listpack zset: score order, scores as %.17g': [
    ['ZADD', 'z', '1', 'a', '2.5', 'b', '-inf', 'c', '0.1', 'd', '1e20', 'e', '3', 'f', 'inf', 'g', '-0', 'h'],
    ['ZSCAN', 'z', '0'], ['ZSCAN', 'z', '0', 'MATCH', '[ab]'], ['ZSCAN', 'z', '0', 'COUNT', '2'], ['ZINCRBY', 'z', '0.2', 'd'],
    ['ZSCAN', 'z', '0', 'MATCH', 'd'],
  ],
  'missing keys, wrong types and bad arguments': [
    ['SET', 'str', 'x'], ['HSET', 'h', 'f', 'v'], ['SADD', 's', '1'], ['ZADD', 'z', '1', 'm'],
    ['HSCAN', 'missing', '0'], ['SSCAN', 'missing', '0'], ['ZSCAN', 'missing', '0'], ['HSCAN', 'missing', '0', 'COUNT', '0'],
    ['HSCAN', 'missing', 'x'], ['HSCAN', 'str', '0'], ['SSCAN', 'str', '0'], ['ZSCAN', 'str', '0'], ['HSCAN', 'str', 'x'],
    ['HSCAN', 'h', 'abc'], ['HSCAN', 'h', '-1'], ['HSCAN', 'h', '0', 'COUNT', '0'], ['SSCAN', 's', '0', 'COUNT', 'x'],
    ['ZSCAN', 'z', '0', 'MATCH'], ['HSCAN', 'h', '0', 'TYPE', 'string'], ['SSCAN', 's', '0', 'NOVALUES'],
    ['ZSCAN', 'z', '0', 'COUNT', '-1'], ['HSCAN', 'h'], ['SSCAN', 's', '18446744073709551616'],
  ],
});

/** Walk a whole collection; `between` runs after every step. Returns the flat items. */
async function walk(r: Redis, cmd: 'hscan' | 'sscan' | 'zscan', key: string, count: number, between?: (step: number) => Promise<void>): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  let step = 0;
  do {
    const [next, items] = (await r.call(cmd, key, cursor, 'COUNT', String(count))) as [string, string[]];
    out.push(...items);
    cursor = next;
    if (between) await between(step++);
    if (step > 100000) throw new Error('scan does not end');
  } while (cursor !== '0');
  return out;
}

function pairs(items: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < items.length; i += 2) m.set(items[i], items[i + 1]);
  return m;
}

describe('HSCAN SSCAN ZSCAN guarantees on big values', () => {
  let s: RunningServer;
  let r: Redis;
  beforeAll(async () => {
    s = await startShoal();
    r = new Redis(s.port, '127.0.0.1', { enableReadyCheck: false });
  });
  afterAll(async () => {
    r.disconnect();
    await s.stop();
  });

  it('HSCAN of a hashtable hash returns every field with its value, by batches of about COUNT', async () => {
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(`f${i}`, `v${i}`);
    await r.hset('bigh', ...args);
    expect(await r.object('ENCODING', 'bigh')).toBe('hashtable');
    let steps = 0;
    const items = await walk(r, 'hscan', 'bigh', 7, async () => {
      steps++;
    });
    const m = pairs(items);
    expect(m.size).toBe(1000);
    for (let i = 0; i < 1000; i++) expect(m.get(`f${i}`)).toBe(`v${i}`);
    expect(steps).toBeGreaterThanOrEqual(1000 / 7);
  });

  it('SSCAN of a hashtable set: members present throughout come back despite writes between steps', async () => {
    const members: string[] = [];
    for (let i = 0; i < 600; i++) members.push(`m${i}`);
    await r.sadd('bigs', ...members);
    expect(await r.object('ENCODING', 'bigs')).toBe('hashtable');
    const items = await walk(r, 'sscan', 'bigs', 10, async (step) => {
      // Delete members never counted as "present throughout", add new ones, and draw randoms
      // (which changes the set's internal structure).
      await r.srem('bigs', `m${599 - step}`);
      await r.sadd('bigs', `new${step}`);
      await r.srandmember('bigs');
    });
    const got = new Set(items);
    for (let i = 0; i < 500; i++) expect(got.has(`m${i}`)).toBe(true);
    for (const m of got) expect(m.startsWith('m') || m.startsWith('new')).toBe(true);
  });

  it('ZSCAN of a skiplist zset returns every member with its score as %.17g, MATCH filters', async () => {
    const args: (string | number)[] = [];
    for (let i = 0; i < 300; i++) args.push(i / 10, `z${i}`);
    await r.zadd('bigz', ...args);
    expect(await r.object('ENCODING', 'bigz')).toBe('skiplist');
    const m = pairs(await walk(r, 'zscan', 'bigz', 13));
    expect(m.size).toBe(300);
    expect(m.get('z1')).toBe('0.10000000000000001');
    expect(m.get('z30')).toBe('3');
    expect(m.get('z299')).toBe('29.899999999999999');
    const [cursor, some] = (await r.call('zscan', 'bigz', '0', 'MATCH', 'z1?', 'COUNT', '1000')) as [string, string[]];
    expect(cursor).toBe('0');
    expect([...pairs(some).keys()].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `z1${i}`));
  });

  it('a deleted key ends the walk with an empty reply', async () => {
    const args: string[] = [];
    for (let i = 0; i < 600; i++) args.push(`f${i}`, 'v');
    await r.hset('gone', ...args);
    const [cursor] = (await r.call('hscan', 'gone', '0', 'COUNT', '5')) as [string, string[]];
    expect(cursor).not.toBe('0');
    await r.del('gone');
    expect(await r.call('hscan', 'gone', cursor)).toEqual(['0', []]);
  });
});
