// Resharding a mixed cluster (three Shoal and three redis-server primaries) with redis-cli while
// an ioredis Cluster client works on the moving slots: Shoal's MIGRATE feeds RESTORE-ASKING to a
// Redis importing node, Redis's MIGRATE feeds a Shoal importing node, and no write is lost.

import { keyHashSlot } from '../../src/cluster/slots.js';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis, type RunningServer } from '../helpers/server.js';
import { startClusterRedis } from './redis-cluster.js';
import { startClusterShoal } from './shoal-cluster.js';
import { clusterNodes, nodeId, runAsync, slotOwner, waitForAgreement } from './tooling-cluster.js';

const addr = (n: RunningServer) => `127.0.0.1:${n.port}`;

describe.skipIf(!requireRedis())('redis-cli --cluster reshard between Shoal and redis-server primaries', () => {
  let nodes: RunningServer[] = [];
  beforeAll(async () => {
    // A node timeout well above the pauses of a loaded 2-core machine: failure detection is not
    // what this tests, and a node marked failed mid-reshard makes redis-cli stop (CLUSTERDOWN).
    const timeout = ['--cluster-node-timeout', '5000'];
    const started = await Promise.allSettled([
      startClusterShoal(timeout), startClusterShoal(timeout), startClusterShoal(timeout),
      startClusterRedis(timeout), startClusterRedis(timeout), startClusterRedis(timeout),
    ]);
    // Keep what did start, so that afterAll stops it even when another node failed.
    nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const create = await runAsync('redis-cli', ['--cluster', 'create', ...nodes.map(addr), '--cluster-replicas', '0', '--cluster-yes']);
    if (create.status !== 0) throw new Error(create.out);
    await waitForAgreement(addr(nodes[0]), 6);
  }, 60000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('slots move Shoal -> Redis and Redis -> Shoal under load without an error or a lost write', async () => {
    // redis-cli gives the first address the first sixth of the slots, and so on in order.
    const shoal = nodes[0];
    const redis = nodes[3];
    expect(slotOwner(shoal.port, 0).port).toBe(shoal.port);
    const redisFirst = clusterNodes(shoal.port).find((n) => n.port === redis.port)!.ranges[0][0];
    // Keys in the slots about to move: the first 50 of each of the two primaries.
    const tags: string[] = [];
    for (let j = 0; tags.length < 200; j++) {
      const slot = keyHashSlot(`m${j}`);
      if (slot < 50 || (slot >= redisFirst && slot < redisFirst + 50)) tags.push(`m${j}`);
    }
    const client = new Cluster([{ host: '127.0.0.1', port: shoal.port }], { maxRedirections: 64 });
    const counts = new Map<string, number>();
    const errors: string[] = [];
    let stop = false;
    const worker = async (w: number): Promise<void> => {
      for (let i = w; !stop; i += 4) {
        const k = `{${tags[i % tags.length]}}n`;
        try {
          await client.incr(k);
          counts.set(k, (counts.get(k) ?? 0) + 1);
        } catch (err) {
          errors.push(String(err));
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    await new Promise((r) => setTimeout(r, 200));
    const toRedis = await runAsync('redis-cli', ['--cluster', 'reshard', addr(shoal), '--cluster-from', nodeId(shoal.port),
      '--cluster-to', nodeId(redis.port), '--cluster-slots', '50', '--cluster-yes', '--cluster-pipeline', '10']);
    expect(toRedis.status, toRedis.out).toBe(0);
    await waitForAgreement(addr(shoal), 6);
    const toShoal = await runAsync('redis-cli', ['--cluster', 'reshard', addr(shoal), '--cluster-from', nodeId(redis.port),
      '--cluster-to', nodeId(shoal.port), '--cluster-slots', '100', '--cluster-yes', '--cluster-pipeline', '10']);
    stop = true;
    await Promise.all(workers);
    expect(toShoal.status, toShoal.out).toBe(0);
    expect(errors).toEqual([]);
    expect(counts.size).toBeGreaterThan(50);
    for (const [k, n] of counts) expect(Number(await client.get(k)), k).toBe(n);
    client.disconnect();
    await waitForAgreement(addr(shoal), 6);
    // Slots 0-49 went to Redis and came back with Redis's own first 50.
    expect(slotOwner(redis.port, 25).port).toBe(shoal.port);
    expect(slotOwner(redis.port, redisFirst + 25).port).toBe(shoal.port);
  }, 120000);
});
