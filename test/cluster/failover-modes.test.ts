// Manual failover modes and the minority rule on Shoal nodes: CLUSTER FAILOVER TAKEOVER (no
// votes, a new epoch), CLUSTER FAILOVER FORCE (an election without waiting for the primary), and a
// primary cut off from the other primaries (SIGSTOP) refusing commands once the node timeout
// passes, then serving again after they come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis } from '../helpers/server.js';
import { call1, clusterInfo, redisCli, startClusterShoal, text, until, waitStateOk, type ClusterShoal } from './shoal-cluster.js';

async function role(port: number): Promise<string> {
  return /^\*\d+\r\n\$\d+\r\n(\w+)/.exec(await call1(port, 'ROLE'))![1];
}

describe.skipIf(!requireRedis())('failover modes and the minority rule', () => {
  let nodes: ClusterShoal[] = [];
  let p: ClusterShoal, r: ClusterShoal;
  beforeAll(async () => {
    nodes = await Promise.all(Array.from({ length: 4 }, () => startClusterShoal()));
    const create = redisCli(['create', ...nodes.slice(0, 3).map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    expect(create.out).toContain('[OK] All 16384 slots covered.');
    [p, r] = [nodes[0], nodes[3]];
    const add = redisCli(['add-node', `127.0.0.1:${r.port}`, `127.0.0.1:${p.port}`, '--cluster-slave', '--cluster-master-id', text(await call1(p.port, 'CLUSTER', 'MYID'))]);
    expect(add.out).toContain('[OK] New node added correctly.');
    await until('replica in sync', async () => (/master_link_status:up/.test(await call1(r.port, 'INFO', 'replication')) ? true : undefined));
    await Promise.all(nodes.map((n) => waitStateOk(n.port)));
  });
  afterAll(async () => {
    for (const n of nodes) if (n.proc.signalCode === null) n.proc.kill('SIGCONT');
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('TAKEOVER: the replica takes the slots at once with a new epoch; the primary follows it', async () => {
    const before = Number((await clusterInfo(p.port)).cluster_current_epoch);
    expect(await call1(r.port, 'CLUSTER', 'FAILOVER', 'TAKEOVER')).toBe('+OK\r\n');
    expect(await role(r.port)).toBe('master');
    const info = await clusterInfo(r.port);
    expect(Number(info.cluster_my_epoch)).toBeGreaterThan(before);
    await until('old primary became a replica', async () => ((await role(p.port)) === 'slave' ? true : undefined));
    await Promise.all(nodes.map((n) => waitStateOk(n.port)));
    // The old primary continues the shared history (PSYNC2): a partial resync, no full one.
    await until('old primary resynced', async () => (/master_link_status:up/.test(await call1(p.port, 'INFO', 'replication')) ? true : undefined));
    const stats = await call1(r.port, 'INFO', 'stats');
    expect(stats).toContain('sync_partial_ok:1\r\n');
    expect(stats).toContain('sync_full:0\r\n');
  });

  it('FORCE: the old primary wins an election back without a handshake with its primary', async () => {
    expect(await call1(r.port, 'CLUSTER', 'FAILOVER', 'FORCE')).toBe('-ERR You should send CLUSTER FAILOVER to a replica\r\n');
    expect(await call1(p.port, 'CLUSTER', 'FAILOVER', 'FORCE')).toBe('+OK\r\n');
    await until('p is primary again', async () => ((await role(p.port)) === 'master' ? true : undefined), 8000);
    await until('r follows p', async () => ((await role(r.port)) === 'slave' ? true : undefined), 8000);
    // The other nodes learn the new roles by gossip, a moment after p and r agree on them.
    const check = await until('every node agrees on the roles', () => {
      const out = redisCli(['check', `127.0.0.1:${nodes[1].port}`]).out;
      return out.includes('[OK] All nodes agree about slots configuration.') ? out : undefined;
    }, 8000, 200);
    expect(check).toContain('[OK] All 16384 slots covered.');
  });

  it('a primary that loses the majority refuses commands after the node timeout and serves again when it heals', async () => {
    let key = 'm0';
    for (let i = 1; (await call1(p.port, 'SET', key, '1')).startsWith('-MOVED'); i++) key = `m${i}`;
    const t0 = Date.now();
    nodes[1].proc.kill('SIGSTOP');
    nodes[2].proc.kill('SIGSTOP');
    try {
      await until('minority primary down', async () => ((await call1(p.port, 'GET', key)) === '-CLUSTERDOWN The cluster is down\r\n' ? true : undefined), 8000);
      // PFAIL after the node timeout (1 s), then the state turns at the next cron tick.
      expect(Date.now() - t0).toBeLessThan(1000 + 1500);
      expect(await call1(p.port, 'SET', key, '2')).toBe('-CLUSTERDOWN The cluster is down\r\n');
    } finally {
      nodes[1].proc.kill('SIGCONT');
      nodes[2].proc.kill('SIGCONT');
    }
    await waitStateOk(p.port);
    expect(await call1(p.port, 'GET', key)).toBe('$1\r\n1\r\n');
  });
});
