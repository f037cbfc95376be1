// node-redis' cluster client (createCluster) against a Shoal cluster while slots move under it:
// a read/write workload across two live reshards (there and back) must see no error and lose no
// write. node-redis follows MOVED and ASK but, unlike ioredis, does not retry TRYAGAIN (against
// Redis either), so its workload sticks to single-key commands.

import { keyHashSlot } from '../../src/cluster/slots.js';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis } from '../helpers/server.js';
import { nodeId, run, runAsync, slotCounts, ToolCluster, waitForAgreement } from './tooling-cluster.js';

describe.skipIf(!requireRedis())('node-redis cluster client across a live reshard', () => {
  let c: ToolCluster;
  beforeAll(async () => {
    c = await ToolCluster.create(3);
    const r = c.tool('up', '--replicas', '0');
    if (r.status !== 0) throw new Error(r.out);
  }, 60000);
  afterAll(() => {
    c?.destroy();
  });

  it('createCluster: no error and no lost write while slots move both ways', async () => {
    const client = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: c.port(0) } }], maxCommandRedirections: 64 });
    const errors: string[] = [];
    client.on('error', (err) => errors.push(`client: ${String(err)}`));
    await client.connect();
    const strings = new Map<string, string>();
    const counters = new Map<string, number>();
    const lists = new Map<string, number>();
    let ops = 0;
    let stop = false;
    const WORKERS = 4;
    const KEYS = 50;
    // Every key lives in one of the first 100 slots, the ones the reshards move.
    const tags: string[] = [];
    for (let j = 0; tags.length < WORKERS * KEYS; j++) if (keyHashSlot(`n${j}`) < 100) tags.push(`n${j}`);
    const worker = async (w: number): Promise<void> => {
      let seq = 0;
      while (!stop) {
        const tag = tags[w + WORKERS * (seq % KEYS)];
        seq++;
        try {
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
          ops++;
        } catch (err) {
          errors.push(String(err));
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    const id0 = nodeId(c.port(0));
    const id1 = nodeId(c.port(1));
    await new Promise((r) => setTimeout(r, 300));
    const there = await runAsync('redis-cli', ['--cluster', 'reshard', c.addr(0), '--cluster-from', id0, '--cluster-to', id1,
      '--cluster-slots', '100', '--cluster-yes', '--cluster-pipeline', '10']);
    await waitForAgreement(c.addr(0), 3);
    const back = await runAsync('redis-cli', ['--cluster', 'reshard', c.addr(0), '--cluster-from', id1, '--cluster-to', id0,
      '--cluster-slots', '100', '--cluster-yes', '--cluster-pipeline', '10']);
    stop = true;
    await Promise.all(workers);
    expect(there.status, there.out).toBe(0);
    expect(back.status, back.out).toBe(0);
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
    await waitForAgreement(c.addr(0), 3);
    expect([...slotCounts(c.port(0)).values()].reduce((a, b) => a + b, 0)).toBe(16384);
  }, 60000);
});
