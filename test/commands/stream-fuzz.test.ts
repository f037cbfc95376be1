// Random XADD / XDEL / XTRIM sequences on small nodes (stream-node-max-entries 1..4), run on Shoal
// and redis-server side by side: every reply, XINFO STREAM FULL (node and radix-tree counts) and
// the DUMP payload (the listpacks themselves, tombstones included) must stay identical. Then random
// consumer-group work, compared reply by reply (forms that carry no clock readings).

import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis, serverPair } from '../helpers/server.js';

const enabled = requireRedis();

describe.skipIf(!enabled)('streams under random edits, beside redis-server', () => {
  const { shoal, redis } = serverPair();
  let s: Redis;
  let r: Redis;
  beforeAll(() => {
    s = new Redis({ port: shoal.port });
    r = new Redis({ port: redis.port });
  });
  afterAll(() => {
    s?.disconnect();
    r?.disconnect();
  });

  for (const seed of [1, 7, 42, 1234]) {
    it(`seed ${seed}`, async () => {
      let state = seed;
      const rnd = (n: number): number => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state % n;
      };
      for (let round = 0; round < 6; round++) {
        const maxEntries = String(1 + rnd(4));
        await Promise.all([s, r].map(async (c) => {
          await c.config('SET', 'stream-node-max-entries', maxEntries);
          await c.del('f');
        }));
        let ms = 1;
        const cmds: string[][] = [];
        for (let i = 0; i < 150; i++) {
          const op = rnd(10);
          if (op < 6) {
            ms += rnd(3) === 0 ? rnd(100000) : 1;
            cmds.push(['XADD', 'f', `${ms}-${rnd(3)}`, rnd(4) === 0 ? 'other' : 'k', String(rnd(1000)), ...(rnd(5) === 0 ? ['x', 'y'.repeat(rnd(80))] : [])]);
          } else if (op < 8) {
            cmds.push(['XDEL', 'f', `${1 + rnd(ms)}-${rnd(3)}`, `${1 + rnd(ms)}-${rnd(3)}`]);
          } else if (op < 9) {
            cmds.push(['XTRIM', 'f', rnd(2) ? 'MAXLEN' : 'MINID', ...(rnd(2) ? ['~'] : []), rnd(2) ? String(rnd(50)) : String(rnd(ms))]);
          } else {
            cmds.push(['XINFO', 'STREAM', 'f']);
          }
        }
        for (const cmd of cmds) {
          const [a, b] = await Promise.all([s, r].map((c) => c.call(cmd[0], ...cmd.slice(1)).catch((e: Error) => `error: ${e.message}`)));
          expect([maxEntries, ...cmd, JSON.stringify(a)]).toEqual([maxEntries, ...cmd, JSON.stringify(b)]);
        }
        const [fa, fb] = await Promise.all([s, r].map((c) => c.call('XINFO', 'STREAM', 'f', 'FULL').catch((e: Error) => e.message)));
        expect(fa).toEqual(fb);
        const [da, db] = await Promise.all([s.dumpBuffer('f'), r.dumpBuffer('f')]);
        expect(da?.toString('hex')).toBe(db?.toString('hex'));
      }
      await Promise.all([s, r].map((c) => c.config('SET', 'stream-node-max-entries', '100')));
    });
  }

  for (const seed of [3, 99]) {
    it(`consumer groups, seed ${seed}: reads, claims, acknowledgements and deletions`, async () => {
      let state = seed;
      const rnd = (n: number): number => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state % n;
      };
      await Promise.all([s, r].map((c) => c.del('q')));
      const consumers = ['a', 'b', 'c'];
      const groups = ['g1', 'g2'];
      const cmds: string[][] = [['XGROUP', 'CREATE', 'q', 'g1', '0', 'MKSTREAM'], ['XGROUP', 'CREATE', 'q', 'g2', '$']];
      let next = 1;
      for (let i = 0; i < 300; i++) {
        const g = groups[rnd(2)];
        const who = consumers[rnd(3)];
        const someId = (): string => `${1 + rnd(next + 2)}-0`;
        switch (rnd(12)) {
          case 0: case 1: case 2:
            cmds.push(['XADD', 'q', `${next++}-0`, 'f', String(i)]);
            break;
          case 3: case 4:
            cmds.push(['XREADGROUP', 'GROUP', g, who, 'COUNT', String(1 + rnd(3)), ...(rnd(4) === 0 ? ['NOACK'] : []), 'STREAMS', 'q', '>']);
            break;
          case 5:
            cmds.push(['XREADGROUP', 'GROUP', g, who, 'COUNT', String(rnd(3)), 'STREAMS', 'q', rnd(2) ? '0' : someId()]);
            break;
          case 6:
            cmds.push(['XACK', 'q', g, someId(), someId()]);
            break;
          case 7:
            cmds.push(['XCLAIM', 'q', g, who, '0', someId(), someId(), 'JUSTID', ...(rnd(3) === 0 ? ['FORCE'] : [])]);
            break;
          case 8:
            cmds.push(['XAUTOCLAIM', 'q', g, who, '0', rnd(2) ? '0' : someId(), 'COUNT', String(1 + rnd(4)), 'JUSTID']);
            break;
          case 9:
            cmds.push(['XDEL', 'q', someId()]);
            break;
          case 10:
            cmds.push(['XPENDING', 'q', g], ['XINFO', 'GROUPS', 'q']);
            break;
          default:
            cmds.push(rnd(2) ? ['XGROUP', 'DELCONSUMER', 'q', g, who] : ['XGROUP', 'SETID', 'q', g, someId()]);
        }
      }
      cmds.push(['XPENDING', 'q', 'g1'], ['XPENDING', 'q', 'g2'], ['XINFO', 'GROUPS', 'q'], ['XINFO', 'STREAM', 'q']);
      for (const cmd of cmds) {
        const [a, b] = await Promise.all([s, r].map((c) => c.call(cmd[0], ...cmd.slice(1)).catch((e: Error) => `error: ${e.message}`)));
        expect([...cmd, JSON.stringify(a)]).toEqual([...cmd, JSON.stringify(b)]);
      }
    });
  }
});
