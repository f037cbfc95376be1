// PSYNC2 after an automatic failover: a primary with two replicas is killed -9; the replica that
// wins the election keeps the old replication id as its replid2, so the other replica, told by the
// cluster to follow it, continues with a partial resync (sync_partial_ok on the new primary goes
// up, sync_full does not) and keeps every write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis } from '../helpers/server.js';
import { call1, kill9, redisCli, startClusterShoal, text, until, waitStateOk, type ClusterShoal } from './shoal-cluster.js';

function field(info: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\n)${name}:([^\\r\\n]*)`).exec(info);
  return m === null ? undefined : m[1];
}

async function info(port: number, section: string): Promise<string> {
  return text(await call1(port, 'INFO', section));
}

describe.skipIf(!requireRedis())('failover with two replicas', () => {
  let nodes: ClusterShoal[] = [];
  beforeAll(async () => {
    nodes = await Promise.all(Array.from({ length: 5 }, () => startClusterShoal(['--cluster-node-timeout', '2000'])));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('the other replica resyncs partially from the new primary', async () => {
    const [p1, p2, p3, r1, r2] = nodes;
    const create = redisCli(['create', ...[p1, p2, p3].map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    expect(create.out).toContain('[OK] All 16384 slots covered.');
    const id1 = text(await call1(p1.port, 'CLUSTER', 'MYID'));
    for (const r of [r1, r2]) {
      expect(await call1(r.port, 'CLUSTER', 'MEET', '127.0.0.1', String(p1.port), String(p1.cport))).toBe('+OK\r\n');
      await until(`${r.port} knows p1`, async () => (text(await call1(r.port, 'CLUSTER', 'NODES')).includes(`${id1} `) ? true : undefined));
      expect(await call1(r.port, 'CLUSTER', 'REPLICATE', id1)).toBe('+OK\r\n');
    }
    await Promise.all(nodes.map((n) => waitStateOk(n.port)));
    // The voters must know the replicas (a vote request from an unknown node is ignored).
    await until('p1 has two replicas everywhere', async () => {
      for (const n of nodes) if (!(await call1(n.port, 'CLUSTER', 'REPLICAS', id1)).startsWith('*2\r\n')) return undefined;
      return true;
    });
    // Keys on p1's slots (0-5460), written and acknowledged by both replicas.
    const keys = ['{06S}a', '{06S}b', '{06S}c'];
    for (const k of keys) expect(await call1(p1.port, 'SET', k, `v-${k}`)).toBe('+OK\r\n');
    expect(await call1(p1.port, 'WAIT', '2', '5000')).toBe(':2\r\n');
    const before = await Promise.all([r1, r2].map((r) => info(r.port, 'stats')));

    await kill9(p1);
    const promoted = await until('a replica promoted', async () => {
      for (const r of [r1, r2]) if (field(await info(r.port, 'replication'), 'role') === 'master') return r;
      return undefined;
    }, 10000);
    const other = promoted === r1 ? r2 : r1;
    const newId = text(await call1(promoted.port, 'CLUSTER', 'MYID'));
    await until('the other replica follows the new primary', async () => {
      const repl = await info(other.port, 'replication');
      return field(repl, 'master_port') === String(promoted.port) && field(repl, 'master_link_status') === 'up' ? true : undefined;
    }, 10000);
    expect(text(await call1(other.port, 'CLUSTER', 'NODES'))).toContain(`slave ${newId} `);

    const was = before[promoted === r1 ? 0 : 1];
    const now = await info(promoted.port, 'stats');
    expect(Number(field(now, 'sync_partial_ok'))).toBe(Number(field(was, 'sync_partial_ok')) + 1);
    expect(field(now, 'sync_full')).toBe(field(was, 'sync_full'));
    expect(field(now, 'sync_partial_err')).toBe(field(was, 'sync_partial_err'));
    // The old replication id lives on as the new primary's replid2, and the data is all there.
    const repl = await info(promoted.port, 'replication');
    expect(field(repl, 'master_replid2')).not.toBe('0000000000000000000000000000000000000000');
    expect(field(repl, 'connected_slaves')).toBe('1');
    for (const k of keys) expect(await call1(promoted.port, 'GET', k)).toBe(`$${`v-${k}`.length}\r\nv-${k}\r\n`);
    expect(await call1(promoted.port, 'SET', '{06S}d', 'after')).toBe('+OK\r\n');
    expect(await call1(promoted.port, 'WAIT', '1', '5000')).toBe(':1\r\n');
    expect(Number(field(await info(other.port, 'keyspace'), 'db0')?.match(/keys=(\d+)/)?.[1])).toBe(4);
  }, 30000);
});
