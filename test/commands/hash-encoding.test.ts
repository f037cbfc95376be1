// The listpack/hashtable state of HashValue against what a real Redis 7.0 reports in OBJECT
// ENCODING after the same writes (Shoal's OBJECT command comes from another group).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, type RunningServer } from '../helpers/server.js';
import { HashValue, hashLimits } from '../../src/keyspace/types/hash.js';

type Op = ['set' | 'del', ...string[]] | ['entries' | 'value', string];

describe.skipIf(!requireRedis())('hash encodings match Redis 7.0', () => {
  let redis: RunningServer;
  let c: RespConn;
  beforeAll(async () => {
    redis = await startRedis();
    c = await RespConn.connect(redis.port);
  });
  afterAll(async () => {
    c?.close();
    await redis?.stop();
  });

  async function check(ops: Op[]): Promise<void> {
    await c.call('FLUSHALL');
    await c.call('CONFIG', 'SET', 'hash-max-listpack-entries', '128', 'hash-max-listpack-value', '64');
    hashLimits.maxEntries = 128;
    hashLimits.maxValue = 64;
    const h = new HashValue();
    for (const [op, ...args] of ops) {
      if (op === 'entries' || op === 'value') {
        await c.call('CONFIG', 'SET', `hash-max-listpack-${op}`, args[0]);
        if (op === 'entries') hashLimits.maxEntries = Number(args[0]);
        else hashLimits.maxValue = Number(args[0]);
        continue;
      }
      await c.call(op === 'set' ? 'HSET' : 'HDEL', 'h', ...args);
      if (op === 'set') for (let i = 0; i < args.length; i += 2) h.set(args[i], args[i + 1]);
      else for (const f of args) h.map.delete(f);
      expect(h.encoding(), JSON.stringify([op, ...args.slice(0, 2)])).toBe(bulkText(await c.call('OBJECT', 'ENCODING', 'h')));
    }
  }

  const pairs = (n: number): string[] => Array.from({ length: n }, (_, i) => [`f${i}`, 'v']).flat();

  it('long fields or values convert to a hashtable for good', async () => {
    await check([['set', 'a', '1'], ['set', 'b', 'x'.repeat(64)], ['set', 'c', 'x'.repeat(65)], ['del', 'c']]);
    await check([['set', 'f'.repeat(65), '1']]);
    await check([['set', 'a', '1'], ['value', '3'], ['set', 'b', '1234']]);
  });

  it('hash-max-listpack-entries bounds a listpack', async () => {
    await check([['set', ...pairs(128)], ['set', 'f0', 'again'], ['set', 'new', '1'], ['del', 'new', 'f1']]);
    await check([['entries', '2'], ['set', 'a', '1', 'b', '2'], ['set', 'c', '3']]);
    await check([['entries', '0'], ['set', 'a', '1']]);
  });
});

function bulkText(frame: string): string {
  return frame.slice(frame.indexOf('\r\n') + 2, -2);
}
