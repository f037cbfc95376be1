// node-redis' cluster client (createCluster) against a Shoal cluster while slots move under it:
// a read/write workload across two live reshards (there and back) must see no error and lose no
// write. node-redis follows MOVED and ASK but, unlike ioredis, does not retry TRYAGAIN (against
// Redis either), so its workload sticks to single-key commands.

import { createCluster } from 'redis';
import { describe, expect, it } from 'vitest';
import { expectAllSlotsOwned, liveCluster, reshardUnderLoad } from '../helpers/reshard-load.js';
import { requireRedis } from '../helpers/server.js';
import { run } from './tooling-cluster.js';

describe.skipIf(!requireRedis())('node-redis cluster client across a live reshard', () => {
  const live = liveCluster(3, '--replicas', '0');

  it('createCluster: no error and no lost write while slots move both ways', async () => {
    const { c } = live;
    const client = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: c.port(0) } }], maxCommandRedirections: 64 });
    const errors: string[] = [];
    client.on('error', (err) => errors.push(`client: ${String(err)}`));
    await client.connect();
    const strings = new Map<string, string>();
    const counters = new Map<string, number>();
    const lists = new Map<string, number>();
    // Every key lives in one of the first 100 slots, the ones the reshards move.
    const ops = await reshardUnderLoad(c, { workers: 4, keys: 50, slots: 100, backFrom: [1], errors }, async (w, seq, tag) => {
      switch (seq % 3) {
        case 0: {
          const k = `str:{${tag}}`;
          const v = `${w}-${seq}`;
          await client.set(k, v);
          strings.set(k, v);
          const got = await client.get(k);
          if (got !== v) errors.push(`GET ${k}: ${got} != ${v}`);
          break;
        }
        case 1: {
          const k = `hash:{${tag}}`;
          await client.hIncrBy(k, 'n', 1);
          counters.set(k, (counters.get(k) ?? 0) + 1);
          break;
        }
        default: {
          const k = `list:{${tag}}`;
          await client.rPush(k, String(seq));
          lists.set(k, (lists.get(k) ?? 0) + 1);
        }
      }
    });
    expect(errors).toEqual([]);
    expect(ops).toBeGreaterThan(300);
    for (const [k, v] of strings) expect(await client.get(k), k).toBe(v);
    for (const [k, n] of counters) expect(Number(await client.hGet(k, 'n')), k).toBe(n);
    for (const [k, n] of lists) expect(await client.lLen(k), k).toBe(n);
    await client.close();
    // The workload did run into the moving slots: the nodes answered with redirections.
    const redirections = [0, 1, 2].map((i) => run('redis-cli', ['-p', String(c.port(i)), 'INFO', 'errorstats']).out)
      .join('').match(/errorstat_(MOVED|ASK):count=\d+/g) ?? [];
    expect(redirections.some((r) => r.startsWith('errorstat_MOVED'))).toBe(true);
    await expectAllSlotsOwned(c);
  }, 60000);
});
