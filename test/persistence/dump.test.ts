// DUMP / RESTORE / RESTORE-ASKING: replies and errors byte for byte against redis-server, payloads
// moving both ways between the two servers (strings, integers, compressed strings, HLLs), TTL
// rules, and the keyspace events RESTORE fires.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, requireRedis, serverPair, startShoal, type RunningServer } from '../helpers/server.js';
import { dumpPayload } from '../../src/persistence/rdb/values.js';

const hello = dumpPayload({ type: 'string', value: 'hello' });
const long = dumpPayload({ type: 'string', value: 'abc'.repeat(50) });
const emptyList = dumpPayload({ type: 'list', items: [] });
const badCrc = Buffer.from(hello);
badCrc[badCrc.length - 1] ^= 0xff;
const newerVersion = Buffer.from(hello);
newerVersion[newerVersion.length - 10] = 11;
const past = String(Date.now() - 10_000);
const future = String(Date.now() + 3_600_000_000);
const binary = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
const pfaddMany = ['PFADD', 'h', ...Array.from({ length: 3000 }, (_, i) => `e${i}`)];

differential('dump and restore', {
  'DUMP of strings in every encoding': [
    ['DUMP', 'missing'],
    ['SET', 's', 'hello'], ['DUMP', 's'],
    ['SET', 'i', '12345'], ['DUMP', 'i'],
    ['SET', 'neg', '-70000'], ['DUMP', 'neg'],
    ['SET', 'big', '99999999999'], ['DUMP', 'big'],
    ['SET', 'lead', '0123'], ['DUMP', 'lead'],
    ['SET', 'c', 'abcd'.repeat(40)], ['DUMP', 'c'],
    ['SET', 'b', Buffer.from(binary, 'latin1')], ['DUMP', 'b'],
    ['SET', 'e', ''], ['DUMP', 'e'],
  ],
  'DUMP of HyperLogLogs, sparse and dense': [
    ['PFADD', 'h', 'a', 'b', 'c'], ['DUMP', 'h'],
    pfaddMany, ['DUMP', 'h'],
  ],
  'RESTORE creates keys, with and without TTL': [
    ['RESTORE', 'k', '0', hello], ['GET', 'k'],
    ['RESTORE', 'l', '0', long], ['GET', 'l'],
    ['RESTORE', 'k2', '100000', hello], ['GET', 'k2'],
    ['RESTORE', 'k3', future, hello, 'ABSTTL'], ['DUMP', 'k3'],
    ['RESTORE-ASKING', 'k4', '0', hello], ['GET', 'k4'],
  ],
  'RESTORE on an existing key': [
    ['SET', 'k', 'old'],
    ['RESTORE', 'k', '0', hello],
    ['RESTORE', 'k', '0', hello, 'REPLACE'], ['GET', 'k'],
    ['RESTORE', 'k', '0', badCrc],
  ],
  'RESTORE with a TTL already in the past': [
    ['RESTORE', 'gone', past, hello, 'ABSTTL'], ['EXISTS', 'gone'],
    ['SET', 'k', 'old'],
    ['RESTORE', 'k', past, hello, 'ABSTTL', 'REPLACE'], ['EXISTS', 'k'],
    ['RESTORE', 'k', past, hello, 'ABSTTL'], ['EXISTS', 'k'],
  ],
  'RESTORE IDLETIME under an LRU policy, FREQ under an LFU one': [
    ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
    ['RESTORE', 'idle', '0', hello, 'IDLETIME', '1000'], ['OBJECT', 'IDLETIME', 'idle'],
    ['RESTORE', 'idle', '0', hello, 'IDLETIME', '86400', 'REPLACE'], ['OBJECT', 'IDLETIME', 'idle'],
    ['RESTORE', 'f', '0', hello, 'FREQ', '100'], ['OBJECT', 'IDLETIME', 'f'], ['OBJECT', 'FREQ', 'f'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu'],
    ['RESTORE', 'hot', '0', hello, 'FREQ', '100'], ['OBJECT', 'FREQ', 'hot'],
    ['RESTORE', 'cold', '0', hello, 'FREQ', '0'], ['OBJECT', 'FREQ', 'cold'],
    ['RESTORE', 'i', '0', hello, 'IDLETIME', '1000'], ['OBJECT', 'FREQ', 'i'], ['OBJECT', 'IDLETIME', 'i'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
  ],
  'RESTORE errors': [
    ['RESTORE', 'k', '-1', hello],
    ['RESTORE', 'k', 'abc', hello],
    ['RESTORE', 'k', '0', 'garbage'],
    ['RESTORE', 'k', '0', ''],
    ['RESTORE', 'k', '0', badCrc],
    ['RESTORE', 'k', '0', newerVersion],
    ['RESTORE', 'k', '0', emptyList],
    ['RESTORE', 'k', '0', hello, 'bogus'],
    ['RESTORE', 'k', '0', hello, 'IDLETIME'],
    ['RESTORE', 'k', '0', hello, 'IDLETIME', '-1'],
    ['RESTORE', 'k', '0', hello, 'IDLETIME', 'x'],
    ['RESTORE', 'k', '0', hello, 'FREQ', '256'],
    ['RESTORE', 'k', '0', hello, 'FREQ', '-1'],
    ['RESTORE', 'k', '0', hello, 'FREQ', '5', 'IDLETIME', '5'],
    ['RESTORE', 'k', '0', hello, 'IDLETIME', '5', 'FREQ', '5'],
    ['RESTORE', 'k', '0'],
    ['DUMP'],
    ['EXISTS', 'k'],
    ['RESTORE', 'k', '0', hello, 'IDLETIME', '1000', 'REPLACE', 'ABSTTL'], ['GET', 'k'],
    ['RESTORE', 'k', '0', hello, 'FREQ', '200', 'REPLACE'], ['GET', 'k'],
    ['SET', 'k', 'v'],
    ['RESTORE', 'k', '-5', 'garbage'],
  ],
});

describe('DUMP/RESTORE between Shoal and redis-server', () => {
  const enabled = requireRedis();
  const { shoal, redis } = serverPair();
  let s: RespConn;
  let r: RespConn;
  beforeAll(async () => {
    [s, r] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
  });
  afterAll(() => {
    s?.close();
    r?.close();
  });

  /** The bulk payload inside a DUMP reply. */
  function payload(reply: string): Buffer {
    const nl = reply.indexOf('\r\n');
    return Buffer.from(reply.slice(nl + 2, reply.length - 2), 'latin1');
  }

  async function move(from: RespConn, to: RespConn, key: string): Promise<void> {
    const p = payload(await from.call('DUMP', key));
    expect(await to.call('RESTORE', key, '0', p, 'REPLACE')).toBe('+OK\r\n');
  }

  it.skipIf(!enabled)('DUMP output is byte for byte Redis\'s for compressible strings of every shape', async () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const alphabet = 1 + rnd(i < 150 ? 4 : 256);
      const len = 21 + rnd(i < 250 ? 200 : 20000);
      let v = '';
      while (v.length < len) {
        // Mix repeats (back references of every length and distance) with random runs.
        if (v.length > 4 && rnd(3) === 0) {
          const from = rnd(v.length);
          v += v.slice(from, from + 1 + rnd(300));
        } else {
          v += String.fromCharCode(rnd(alphabet) + (alphabet < 200 ? 97 : 0));
        }
      }
      const b = Buffer.from(v.slice(0, len), 'latin1');
      await Promise.all([s.call('SET', 'k', b), r.call('SET', 'k', b)]);
      const [got, want] = await Promise.all([s.call('DUMP', 'k'), r.call('DUMP', 'k')]);
      if (got !== want) expect({ len, got }).toEqual({ len, got: want });
    }
  });

  it.skipIf(!enabled)('moves strings and HLLs both ways with identical contents', async () => {
    const setups: (string | Buffer)[][] = [
      ['SET', 'str', 'value'], ['SET', 'int', '-42'], ['SET', 'long', 'xyz'.repeat(300)],
      ['SET', 'bin', Buffer.from(binary, 'latin1')], ['PFADD', 'hll', 'a', 'b', 'c'],
      ['PFADD', 'dense', ...Array.from({ length: 5000 }, (_, i) => `m${i}`)],
    ];
    for (const [origin, target] of [[r, s], [s, r]]) {
      await origin.call('FLUSHALL');
      await target.call('FLUSHALL');
      for (const cmd of setups) await origin.call(...cmd);
      for (const key of ['str', 'int', 'long', 'bin', 'hll', 'dense']) {
        await move(origin, target, key);
        expect(await target.call('GET', key)).toBe(await origin.call('GET', key));
      }
      expect(await target.call('PFCOUNT', 'dense')).toBe(await origin.call('PFCOUNT', 'dense'));
      // And back again: the payload survives the round trip unchanged.
      expect(await target.call('DUMP', 'long')).toBe(await origin.call('DUMP', 'long'));
    }
  });
});

describe('RESTORE TTLs and keyspace events', () => {
  let shoal: RunningServer;
  beforeAll(async () => {
    shoal = await startShoal(['--notify-keyspace-events', 'KEg']);
  });
  afterAll(async () => {
    await shoal?.stop();
  });

  it('a relative TTL in milliseconds expires the key', async () => {
    const c = await RespConn.connect(shoal.port);
    expect(await c.call('RESTORE', 'soon', '150', hello)).toBe('+OK\r\n');
    expect(await c.call('GET', 'soon')).toBe('$5\r\nhello\r\n');
    await new Promise((r) => setTimeout(r, 250));
    expect(await c.call('GET', 'soon')).toBe('$-1\r\n');
    c.close();
  });

  it('fires restore, and del when an expired TTL replaces a key', async () => {
    const sub = await RespConn.connect(shoal.port);
    const w = await RespConn.connect(shoal.port);
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    await w.call('RESTORE', 'a', '0', hello);
    await w.call('RESTORE', 'a', past, hello, 'ABSTTL', 'REPLACE');
    await w.call('RESTORE', 'b', past, hello, 'ABSTTL');
    const frames = await sub.read(2);
    expect(frames[0]).toContain('__keyevent@0__:restore\r\n$1\r\na\r\n');
    expect(frames[1]).toContain('__keyevent@0__:del\r\n$1\r\na\r\n');
    sub.close();
    w.close();
  });
});
