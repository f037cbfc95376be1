// OBJECT IDLETIME under the default policy (noeviction), side by side with redis-server: Redis keeps
// every key's last access whatever the policy, and EXISTS, TYPE, TTL and OBJECT are no access.

import { describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

const int = (reply: string): number => {
  expect(reply).toMatch(/^:\d+\r\n$/);
  return Number(reply.slice(1, -2));
};

describe('OBJECT IDLETIME without an LRU policy', () => {
  const enabled = requireRedis();
  const { shoal, redis } = serverPair({ args: ['--enable-debug-command', 'yes'] });

  it.skipIf(!enabled)('counts from the last access; lookups that are no access leave it', async () => {
    const conns = await Promise.all([shoal.port, redis.port].map((p) => RespConn.connect(p)));
    try {
      // Values that are not small integers: Redis shares one object (and one clock) among those.
      await Promise.all(conns.map(async (c) => {
        for (const k of ['a', 'b', 'c', 'd', 'e']) expect(await c.call('SET', k, `v-${k}`)).toBe('+OK\r\n');
        const dump = await c.call('DUMP', 'a');
        const payload = dump.slice(dump.indexOf('\r\n') + 2, -2);
        expect(await c.call('RESTORE', 'r', '0', payload, 'IDLETIME', '1000')).toBe('+OK\r\n');
      }));
      await new Promise((res) => setTimeout(res, 2100));
      const seen = await Promise.all(conns.map(async (c) => {
        for (const cmd of [['EXISTS', 'a'], ['TYPE', 'a'], ['TTL', 'a'], ['PTTL', 'a'], ['OBJECT', 'ENCODING', 'a'],
          ['GET', 'b'], ['SET', 'c', 'new'], ['TOUCH', 'd'], ['APPEND', 'e', '!']]) await c.call(...cmd);
        const idle: Record<string, number> = {};
        for (const k of ['a', 'b', 'c', 'd', 'e', 'r']) idle[k] = int(await c.call('OBJECT', 'IDLETIME', k));
        const debug = await c.call('DEBUG', 'OBJECT', 'a');
        const m = / lru_seconds_idle:(\d+)/.exec(debug);
        expect(m).not.toBeNull();
        return { idle, debugIdle: Number(m![1]) };
      }));
      for (const { idle, debugIdle } of seen) {
        // Redis's clock ticks in whole seconds: 2.1 s reads as 2 or 3, a fresh access as 0 or 1.
        expect(idle.a).toBeGreaterThanOrEqual(2);
        expect(idle.a).toBeLessThanOrEqual(3);
        expect(debugIdle).toBe(idle.a);
        for (const k of ['b', 'c', 'd', 'e']) expect(idle[k]).toBeLessThanOrEqual(1);
        expect(idle.r).toBeGreaterThanOrEqual(1002);
        expect(idle.r).toBeLessThanOrEqual(1003);
      }
    } finally {
      for (const c of conns) c.close();
    }
  });
});
