// Replica migration: three primaries, one of them with two replicas. When a failover leaves a
// primary without replicas, one replica of the richer primary moves to it (cluster-migration-barrier
// 1 keeps the other one where it is). It takes over 10 s: the fixed 5 s a primary must stay orphaned
// before a replica moves (as in Redis) comes after a failover.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis } from '../helpers/server.js';
import { call1, kill9, redisCli, startClusterShoal, text, until, waitStateOk, type ClusterShoal } from './shoal-cluster.js';

async function primaryIdOf(port: number): Promise<string | null> {
  const line = text(await call1(port, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself'))!;
  const f = line.split(' ');
  return f[3] === '-' ? null : f[3];
}

describe.skipIf(!requireRedis())('replica migration', () => {
  let nodes: ClusterShoal[] = [];
  beforeAll(async () => {
    nodes = await Promise.all(Array.from({ length: 6 }, () => startClusterShoal()));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('a replica moves to a primary orphaned by a failover', async () => {
    const [p1, p2, p3, r1, r2, extra] = nodes;
    const create = redisCli(['create', ...[p1, p2, p3].map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    expect(create.out).toContain('[OK] All 16384 slots covered.');
    const ids = await Promise.all(nodes.map(async (n) => text(await call1(n.port, 'CLUSTER', 'MYID'))));
    for (const [replica, primaryIndex] of [[r1, 0], [r2, 1], [extra, 0]] as const) {
      expect(await call1(replica.port, 'CLUSTER', 'MEET', '127.0.0.1', String(p1.port), String(p1.cport))).toBe('+OK\r\n');
      await until(`${replica.port} knows its primary`, async () => (text(await call1(replica.port, 'CLUSTER', 'NODES')).includes(`${ids[primaryIndex]} `) ? true : undefined));
      expect(await call1(replica.port, 'CLUSTER', 'REPLICATE', ids[primaryIndex])).toBe('+OK\r\n');
    }
    await Promise.all(nodes.map((n) => waitStateOk(n.port)));
    await until('p1 has two replicas everywhere', async () => {
      for (const n of nodes) if (!(await call1(n.port, 'CLUSTER', 'REPLICAS', ids[0])).startsWith('*2\r\n')) return undefined;
      return true;
    });
    // p2 fails: r2 takes over and has no replica left.
    await kill9(p2);
    await until('r2 promoted', async () => ((await primaryIdOf(r2.port)) === null ? true : undefined), 8000);
    const mover = ids[3] < ids[5] ? r1 : extra;
    const stayer = mover === r1 ? extra : r1;
    await until('the replica with the smaller id follows r2', async () => ((await primaryIdOf(mover.port)) === ids[4] ? true : undefined), 15000);
    expect(await primaryIdOf(stayer.port)).toBe(ids[0]);
  });
});
