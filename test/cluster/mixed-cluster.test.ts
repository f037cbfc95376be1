// A mixed cluster: three Shoal nodes and three Debian redis-server nodes, joined by redis-cli
// (create, then add-node --cluster-slave), so that a Redis replica follows a Shoal primary and a
// Shoal replica follows a Redis primary. Each primary is killed in turn: the replica of the other
// kind wins the election with votes from both kinds, and every node agrees on the result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyHashSlot } from '../../src/cluster/slots.js';
import { RespConn, requireRedis, type RunningServer } from '../helpers/server.js';
import { startClusterRedis, type ClusterRedis } from './redis-cluster.js';
import { call1, kill9, redisCli, startClusterShoal, text, until, waitStateOk, type ClusterShoal } from './shoal-cluster.js';

async function role(port: number): Promise<string> {
  return /^\*\d+\r\n\$\d+\r\n(\w+)/.exec(await call1(port, 'ROLE'))![1];
}

const addr = (n: RunningServer) => `127.0.0.1:${n.port}`;

describe.skipIf(!requireRedis())('mixed cluster: Shoal and redis-server nodes', () => {
  let s1: ClusterShoal, s2: ClusterShoal, s3: ClusterShoal, r1: ClusterRedis, r2: ClusterRedis, r3: ClusterRedis;
  let all: RunningServer[] = [];
  beforeAll(async () => {
    [s1, s2, s3, r1, r2, r3] = all = await Promise.all([
      startClusterShoal(), startClusterShoal(), startClusterShoal(),
      startClusterRedis(['--cluster-node-timeout', '1000']), startClusterRedis(['--cluster-node-timeout', '1000']), startClusterRedis(['--cluster-node-timeout', '1000']),
    ]);
  });
  afterAll(async () => {
    await Promise.all(all.map((n) => n.stop()));
  });

  it('redis-cli creates it: Shoal primaries with a Redis replica, a Redis primary with a Shoal replica', async () => {
    const create = redisCli(['create', addr(s1), addr(r1), addr(s2), '--cluster-replicas', '0', '--cluster-yes']);
    expect(create.out).toContain('[OK] All 16384 slots covered.');
    const replicaFor = async (replica: RunningServer, primary: RunningServer) => {
      const id = text(await call1(primary.port, 'CLUSTER', 'MYID'));
      const add = redisCli(['add-node', addr(replica), addr(s1), '--cluster-slave', '--cluster-master-id', id]);
      expect(add.out).toContain('[OK] New node added correctly.');
      await until(`${replica.port} replicating ${primary.port}`, async () => ((await role(replica.port)) === 'slave' ? true : undefined));
    };
    await replicaFor(r2, s1);
    await replicaFor(s3, r1);
    await replicaFor(r3, s2);
    await Promise.all(all.map((n) => waitStateOk(n.port)));
    await until('every node knows all six', async () => {
      for (const n of all) if (text(await call1(n.port, 'CLUSTER', 'NODES')).trim().split('\n').length !== 6) return undefined;
      return true;
    });
    const check = redisCli(['check', addr(r1)]);
    expect(check.out).toContain('[OK] All nodes agree about slots configuration.');
    expect(check.out).toContain('[OK] All 16384 slots covered.');
  });

  it('data written through a Shoal primary reaches its Redis replica (READONLY read)', async () => {
    // The first key s1 serves rather than redirects.
    let k = 'k0';
    for (let i = 1; (await call1(s1.port, 'SET', k, 'v')).startsWith('-MOVED'); i++) k = `k${i}`;
    const c = await RespConn.connect(r2.port);
    try {
      expect(await c.call('READONLY')).toBe('+OK\r\n');
      await until('replicated', async () => ((await c.call('GET', k)) === '$1\r\nv\r\n' ? true : undefined));
    } finally {
      c.close();
    }
  });

  it('a hostname announced by a Shoal node reaches the Redis nodes (ping extension)', async () => {
    expect(await call1(s2.port, 'CONFIG', 'SET', 'cluster-announce-hostname', 'shoal-two.test')).toBe('+OK\r\n');
    const id = text(await call1(s2.port, 'CLUSTER', 'MYID'));
    await until('r3 shows the hostname', async () =>
      text(await call1(r3.port, 'CLUSTER', 'NODES')).includes(`${id} 127.0.0.1:${s2.port}@${s2.cport},shoal-two.test `) ? true : undefined);
  });

  it('kill -9 of the Shoal primary: the Redis replica is elected', async () => {
    await kill9(s1);
    await until('r2 promoted', async () => ((await role(r2.port)) === 'master' ? true : undefined), 10000);
    await Promise.all([s2, s3, r1, r2, r3].map((n) => waitStateOk(n.port)));
  });

  it('kill -9 of the Redis primary: the Shoal replica is elected (votes from both kinds)', async () => {
    await kill9(r1);
    await until('s3 promoted', async () => ((await role(s3.port)) === 'master' ? true : undefined), 10000);
    await Promise.all([s2, s3, r2, r3].map((n) => waitStateOk(n.port)));
    const check = redisCli(['check', addr(s2)]);
    expect(check.out).toContain('[OK] All 16384 slots covered.');
    const s3id = text(await call1(s3.port, 'CLUSTER', 'MYID'));
    await until('redis nodes see s3 as a primary with slots', async () => {
      const line = text(await call1(r3.port, 'CLUSTER', 'NODES')).split('\n').find((l) => l.startsWith(s3id))!;
      return / master - .* connected \d/.test(line) ? true : undefined;
    });
  });
});

describe.skipIf(!requireRedis())('a Shoal node meeting a redis-server node', () => {
  let s: ClusterShoal;
  let r: ClusterRedis;
  beforeAll(async () => {
    [s, r] = await Promise.all([startClusterShoal(), startClusterRedis(['--cluster-node-timeout', '1000'])]);
  });
  afterAll(async () => {
    await Promise.all([s?.stop(), r?.stop()]);
  });

  it('CLUSTER MEET from Shoal: both list each other, with the slots each serves', async () => {
    await call1(s.port, 'CLUSTER', 'ADDSLOTSRANGE', '0', '99');
    await call1(r.port, 'CLUSTER', 'ADDSLOTSRANGE', '100', '16383');
    expect(await call1(s.port, 'CLUSTER', 'MEET', '127.0.0.1', String(r.port), String(r.cport))).toBe('+OK\r\n');
    const [sid, rid] = [text(await call1(s.port, 'CLUSTER', 'MYID')), text(await call1(r.port, 'CLUSTER', 'MYID'))];
    await until('both views complete', async () => {
      const [vs, vr] = [text(await call1(s.port, 'CLUSTER', 'NODES')), text(await call1(r.port, 'CLUSTER', 'NODES'))];
      return vs.includes(`${rid} 127.0.0.1:${r.port}@${r.cport} master - `) && vs.includes('connected 100-16383') &&
        vr.includes(`${sid} 127.0.0.1:${s.port}@${s.cport} master - `) && vr.includes('connected 0-99') ? true : undefined;
    });
    await Promise.all([waitStateOk(s.port), waitStateOk(r.port)]);
    expect(await call1(s.port, 'GET', 'a')).toBe(`-MOVED 15495 127.0.0.1:${r.port}\r\n`);
    let low = 'x0';
    for (let i = 1; keyHashSlot(low) >= 100; i++) low = `x${i}`;
    expect(await call1(r.port, 'GET', low)).toBe(`-MOVED ${keyHashSlot(low)} 127.0.0.1:${s.port}\r\n`);
  });
});
