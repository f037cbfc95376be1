// Cluster-aware clients against a Shoal cluster while slots move under them: ioredis Cluster runs
// a read/write workload (strings, hashes, lists, sets, multi-key commands on hash-tagged keys)
// across two live reshards and must see no error and lose no write; redis-cli -c follows MOVED.
// About 20 s: the reshards move slots one by one, that is the point.

import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { expectAllSlotsOwned, liveCluster, reshardUnderLoad } from '../helpers/reshard-load.js';
import { requireRedis } from '../helpers/server.js';
import { run } from './tooling-cluster.js';

interface Model {
  str: Map<string, string>;
  hash: Map<string, number>;
  list: Map<string, number>;
  set: Map<string, Set<string>>;
}

describe.skipIf(!requireRedis())('cluster clients across a live reshard', () => {
  const live = liveCluster(6);

  it('ioredis Cluster: no error and no lost write while slots move both ways', async () => {
    const { c } = live;
    const client = new Cluster([{ host: '127.0.0.1', port: c.port(0) }], { scaleReads: 'master', maxRedirections: 64 });
    const model: Model = { str: new Map(), hash: new Map(), list: new Map(), set: new Map() };
    const errors: string[] = [];
    // Every key lives in one of the first 150 slots, the ones the first reshard moves (and the
    // second, from nodes 1 and 2, partly moves back), so the whole workload runs into MOVED, ASK
    // and TRYAGAIN.
    const ops = await reshardUnderLoad(c, { workers: 6, keys: 60, slots: 150, backFrom: [1, 2], errors }, async (w, seq, i) => {
      switch (seq % 5) {
        case 0: {
          const k = `str:{${i}}`;
          const v = `${w}-${seq}`;
          await client.set(k, v);
          model.str.set(k, v);
          const got = await client.get(k);
          if (got !== v) errors.push(`GET ${k}: ${got} != ${v}`);
          break;
        }
        case 1: {
          const k = `hash:{${i}}`;
          await client.hincrby(k, 'n', 1);
          model.hash.set(k, (model.hash.get(k) ?? 0) + 1);
          break;
        }
        case 2: {
          const k = `list:{${i}}`;
          await client.rpush(k, String(seq));
          model.list.set(k, (model.list.get(k) ?? 0) + 1);
          break;
        }
        case 3: {
          const k = `set:{${i}}`;
          await client.sadd(k, String(seq));
          const s = model.set.get(k) ?? new Set<string>();
          s.add(String(seq));
          model.set.set(k, s);
          break;
        }
        default: {
          // Two keys in one slot through a hash tag: MSET/MGET must see both or retry.
          const a = `{${i}}a`;
          const b = `{${i}}b`;
          await client.mset(a, String(seq), b, String(seq));
          model.str.set(a, String(seq));
          model.str.set(b, String(seq));
          const got = await client.mget(a, b);
          if (got[0] !== String(seq) || got[1] !== String(seq)) errors.push(`MGET ${a} ${b}: ${got}`);
        }
      }
    });
    expect(errors).toEqual([]);
    expect(ops).toBeGreaterThan(500);
    // Every write is still there, on whichever node now owns its slot.
    for (const [k, v] of model.str) expect(await client.get(k), k).toBe(v);
    for (const [k, n] of model.hash) expect(Number(await client.hget(k, 'n')), k).toBe(n);
    for (const [k, n] of model.list) expect(await client.llen(k), k).toBe(n);
    for (const [k, s] of model.set) expect((await client.smembers(k)).sort(), k).toEqual([...s].sort());
    client.disconnect();
    await expectAllSlotsOwned(c);
  }, 180000);

  it('redis-cli -c follows MOVED to the owner of each key', () => {
    const { c } = live;
    for (let i = 0; i < 20; i++) {
      expect(run('redis-cli', ['-c', '-p', String(c.port(0)), 'SET', `cli:${i}`, `v${i}`]).out.trim()).toBe('OK');
    }
    for (let i = 0; i < 20; i++) {
      expect(run('redis-cli', ['-c', '-p', String(c.port(1)), 'GET', `cli:${i}`]).out.trim()).toBe(`v${i}`);
    }
    // Without -c the redirect itself comes back.
    const moved = [...Array(20).keys()].map((i) => run('redis-cli', ['-p', String(c.port(0)), 'GET', `cli:${i}`]).out.trim());
    expect(moved.some((r) => /^MOVED \d+ 127\.0\.0\.1:\d+$/.test(r))).toBe(true);
  });
});
