// The intset/hashtable state of SetValue against what a real Redis 7.0 reports in OBJECT ENCODING
// after the same operations (Shoal's OBJECT command comes from another group).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, type RunningServer } from '../helpers/server.js';
import { SetValue, setLimits } from '../../src/keyspace/types/set.js';

type Op = ['add' | 'rem', ...string[]] | ['limit', string];

describe.skipIf(!requireRedis())('set encodings match Redis 7.0', () => {
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
    await c.call('CONFIG', 'SET', 'set-max-intset-entries', '512');
    setLimits.maxIntsetEntries = 512;
    const s = new SetValue();
    for (const [op, ...args] of ops) {
      if (op === 'limit') {
        await c.call('CONFIG', 'SET', 'set-max-intset-entries', args[0]);
        setLimits.maxIntsetEntries = Number(args[0]);
        continue;
      }
      await c.call(op === 'add' ? 'SADD' : 'SREM', 's', ...args);
      for (const m of args) {
        if (op === 'add') s.add(m);
        else s.delete(m);
      }
      expect(s.encoding(), JSON.stringify([op, ...args.slice(0, 3)])).toBe(bulkText(await c.call('OBJECT', 'ENCODING', 's')));
    }
  }

  const ints = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => String(from + i));

  it('integers stay an intset, a string or a non-canonical number converts for good', async () => {
    await check([['add', '1', '-2', '9223372036854775807'], ['add', 'x'], ['rem', 'x'], ['add', '5']]);
    await check([['add', '1'], ['add', '01']]);
    await check([['add', '1'], ['add', '9223372036854775808']]);
    await check([['add', '1'], ['add', '+1']]);
    await check([['add', '1'], ['add', '-0']]);
    await check([['add', 'a']]);
  });

  it('set-max-intset-entries bounds an intset, and a lowered limit applies at the next addition', async () => {
    await check([['add', ...ints(0, 512)], ['add', '512']]);
    await check([['add', ...ints(0, 10)], ['limit', '4'], ['add', '3'], ['add', '100']]);
    await check([['limit', '0'], ['add', '1']]);
  });
});

function bulkText(frame: string): string {
  return frame.slice(frame.indexOf('\r\n') + 2, -2);
}
