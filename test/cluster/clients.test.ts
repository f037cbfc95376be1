// Cluster-aware clients against a Shoal cluster while slots move under them: ioredis Cluster runs
// a read/write workload (strings, hashes, lists, sets, multi-key commands on hash-tagged keys)
// across two live reshards and must see no error and lose no write; redis-cli -c follows MOVED.
// About 20 s: the reshards move slots one by one, that is the point.

import { keyHashSlot } from '../../src/cluster/slots.js';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis } from '../helpers/server.js';
import { nodeId, run, runAsync, slotCounts, ToolCluster, waitForAgreement } from './tooling-cluster.js';

interface Model {
  str: Map<string, string>;
  hash: Map<string, number>;
  list: Map<string, number>;
  set: Map<string, Set<string>>;
}

describe.skipIf(!requireRedis())('cluster clients across a live reshard', () => {
  let c: ToolCluster;
  beforeAll(async () => {
    c = await ToolCluster.create(6);
    const r = c.tool('up');
    if (r.status !== 0) throw new Error(r.out);
  }, 60000);
  afterAll(() => {
    c?.destroy();
  });

  it('ioredis Cluster: no error and no lost write while slots move both ways', async () => {
    const client = new Cluster([{ host: '127.0.0.1', port: c.port(0) }], { scaleReads: 'master', maxRedirections: 64 });
    const model: Model = { str: new Map(), hash: new Map(), list: new Map(), set: new Map() };
    const errors: string[] = [];
    let ops = 0;
    let stop = false;
    const WORKERS = 6;
    const KEYS = 60;
    // Every key lives in one of the first 150 slots, the ones the first reshard moves (and the
    // second partly moves back), so the whole workload runs into MOVED, ASK and TRYAGAIN.
    const tags: string[] = [];
    for (let j = 0; tags.length < WORKERS * KEYS; j++) if (keyHashSlot(`t${j}`) < 150) tags.push(`t${j}`);
    // Each worker owns its keys, so it can check that it reads back exactly what it wrote.
    const worker = async (w: number): Promise<void> => {
      let seq = 0;
      while (!stop) {
        const i = tags[w + WORKERS * (seq % KEYS)];
        seq++;
        try {
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
          ops++;
        } catch (err) {
          errors.push(String(err));
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    const id0 = nodeId(c.port(0));
    const id1 = nodeId(c.port(1));
    const id2 = nodeId(c.port(2));
    await new Promise((r) => setTimeout(r, 300));
    const first = await runAsync('redis-cli', ['--cluster', 'reshard', c.addr(0), '--cluster-from', id0, '--cluster-to', id1,
      '--cluster-slots', '150', '--cluster-yes', '--cluster-pipeline', '10']);
    // As an operator would: redis-cli refuses to start while the replicas still learn the new owners.
    await waitForAgreement(c.addr(0), 6);
    const second = await runAsync('redis-cli', ['--cluster', 'reshard', c.addr(0), '--cluster-from', `${id1},${id2}`, '--cluster-to', id0,
      '--cluster-slots', '150', '--cluster-yes', '--cluster-pipeline', '10']);
    stop = true;
    await Promise.all(workers);
    expect(first.status, first.out).toBe(0);
    expect(second.status, second.out).toBe(0);
    expect(errors).toEqual([]);
    expect(ops).toBeGreaterThan(500);
    // Every write is still there, on whichever node now owns its slot.
    for (const [k, v] of model.str) expect(await client.get(k), k).toBe(v);
    for (const [k, n] of model.hash) expect(Number(await client.hget(k, 'n')), k).toBe(n);
    for (const [k, n] of model.list) expect(await client.llen(k), k).toBe(n);
    for (const [k, s] of model.set) expect((await client.smembers(k)).sort(), k).toEqual([...s].sort());
    client.disconnect();
    await waitForAgreement(c.addr(0), 6);
    const counts = slotCounts(c.port(0));
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(16384);
  }, 180000);

  it('redis-cli -c follows MOVED to the owner of each key', () => {
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
