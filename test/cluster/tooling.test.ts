// The cluster tooling end to end on real Shoal nodes: bin/shoal-cluster up/status/stop, then every
// `redis-cli --cluster` operation an operator uses: create, check, reshard under client load,
// rebalance, add-node (primary and replica), del-node, fix of a half-migrated slot.
// One cluster serves the whole file, in order (each step starts from the state the previous left);
// it takes 30-60 s, most of it redis-cli moving slots one by one and waiting for the nodes to agree,
// so the steps move a few hundred slots rather than thousands.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, RespConn, requireRedis, SHOAL_BIN } from '../helpers/server.js';
import { clusterNodes, nodeId, run, runAsync, slotCounts, slotOwner, ToolCluster, waitForAgreement } from './tooling-cluster.js';
import { until } from '../helpers/wait.js';

const SPARES = 2;


describe.skipIf(!requireRedis())('redis-cli --cluster and bin/shoal-cluster against Shoal nodes', () => {
  let c: ToolCluster;
  beforeAll(async () => {
    c = await ToolCluster.create(6, SPARES);
  });
  afterAll(() => {
    c?.destroy(SPARES);
  });

  it('bin/shoal-cluster up: six nodes, redis-cli --cluster create with replicas, cluster_state:ok', () => {
    const r = c.tool('up');
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('--cluster-replicas 1 --cluster-yes');
    expect(r.out).toContain('[OK] All 16384 slots covered.');
    expect(r.out).toContain(`Connect with:  redis-cli -c -h 127.0.0.1 -p ${c.port(0)}`);
    const s = c.tool('status');
    expect(s.status).toBe(0);
    const lines = s.out.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.filter((l) => / up .* primary .*cluster_state:ok$/.test(l))).toHaveLength(3);
    expect(lines.filter((l) => / up .* replica of .*cluster_state:ok$/.test(l))).toHaveLength(3);
    // A second create leaves the cluster as it is.
    const again = c.tool('create');
    expect(again.status, again.out).toBe(0);
    expect(again.out).toContain('already exists');
  });

  it('check: every slot covered, configuration agreed', async () => {
    await waitForAgreement(c.addr(0), 6);
    const r = c.cli('--cluster', 'check', c.addr(0));
    expect(r.out).toMatch(/\[OK\] 0 keys in 3 masters\./);
  });

  it('reshard under client load: no client error, no lost write', async () => {
    const client = new Cluster([{ host: '127.0.0.1', port: c.port(0) }], { scaleReads: 'master', maxRedirections: 64 });
    const keys = Array.from({ length: 200 }, (_, i) => `load:${i}`);
    const expected = new Map<string, number>();
    const errors: unknown[] = [];
    let stop = false;
    const worker = async (w: number): Promise<void> => {
      let i = w;
      while (!stop) {
        const k = keys[i++ % keys.length];
        try {
          await client.incr(k);
          expected.set(k, (expected.get(k) ?? 0) + 1);
        } catch (err) {
          errors.push(err);
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    const from = nodeId(c.port(1));
    const to = nodeId(c.port(0));
    const r = await runAsync('redis-cli', ['--cluster', 'reshard', c.addr(0), '--cluster-from', from, '--cluster-to', to,
      '--cluster-slots', '200', '--cluster-yes', '--cluster-pipeline', '20']);
    stop = true;
    await Promise.all(workers);
    expect(r.status, r.out).toBe(0);
    expect(errors.map(String)).toEqual([]);
    for (const [k, n] of expected) expect(Number(await client.get(k)), k).toBe(n);
    client.disconnect();
    await waitForAgreement(c.addr(0), 6);
    const counts = slotCounts(c.port(0));
    expect(counts.get(c.port(0))).toBe(5461 + 200);
    expect(counts.get(c.port(1))).toBe(5462 - 200);
  }, 120000);

  it('rebalance evens the slots out again', async () => {
    const r = c.cli('--cluster', 'rebalance', c.addr(0), '--cluster-pipeline', '20');
    expect(r.status, r.out).toBe(0);
    await waitForAgreement(c.addr(0), 6);
    const counts = [...slotCounts(c.port(0)).values()].filter((n) => n > 0);
    expect(counts).toHaveLength(3);
    for (const n of counts) expect(Math.abs(n - 16384 / 3)).toBeLessThan(16384 * 0.03);
  }, 120000);

  it('add-node: a new primary, then a replica of it; reshard gives the primary slots', async () => {
    const extra = c.tool('start', '--port', String(c.port(6)), '--nodes', '2');
    expect(extra.status, extra.out).toBe(0);
    const p = c.cli('--cluster', 'add-node', c.addr(6), c.addr(0));
    expect(p.status, p.out).toBe(0);
    expect(p.out).toContain('[OK] New node added correctly.');
    await waitForAgreement(c.addr(0), 7);
    const newId = nodeId(c.port(6));
    const s = c.cli('--cluster', 'add-node', c.addr(7), c.addr(0), '--cluster-slave', '--cluster-master-id', newId);
    expect(s.status, s.out).toBe(0);
    await waitForAgreement(c.addr(0), 8);
    // Every node learns the new replica's role from its pings.
    await until('node 7 to show as a replica of the new primary', () => clusterNodes(c.port(0)).some((n) => n.port === c.port(7) && n.flags.includes('slave') && n.master === newId), 10000, 200);
    await until('node 7 to call itself a replica', () => clusterNodes(c.port(7)).some((n) => n.flags.includes('myself') && n.flags.includes('slave')), 10000, 200);
    const rs = c.cli('--cluster', 'reshard', c.addr(0), '--cluster-from', 'all', '--cluster-to', newId, '--cluster-slots', '100',
      '--cluster-yes', '--cluster-pipeline', '20');
    expect(rs.status, rs.out).toBe(0);
    await waitForAgreement(c.addr(0), 8);
    // redis-cli splits the 100 over the three sources in proportion, rounding each share down.
    const got = slotCounts(c.port(0)).get(c.port(6))!;
    expect(got).toBeGreaterThanOrEqual(97);
    expect(got).toBeLessThanOrEqual(100);
  }, 120000);

  it('del-node: the replica, then the primary once rebalance emptied it', async () => {
    const replicaId = nodeId(c.port(7));
    const d = c.cli('--cluster', 'del-node', c.addr(0), replicaId);
    expect(d.status, d.out).toBe(0);
    const primaryId = nodeId(c.port(6));
    const empty = c.cli('--cluster', 'rebalance', c.addr(0), '--cluster-weight', `${primaryId}=0`, '--cluster-pipeline', '20');
    expect(empty.status, empty.out).toBe(0);
    await waitForAgreement(c.addr(0), 7);
    expect(slotCounts(c.port(0)).get(c.port(6))).toBe(0);
    const d2 = c.cli('--cluster', 'del-node', c.addr(0), primaryId);
    expect(d2.status, d2.out).toBe(0);
    await waitForAgreement(c.addr(0), 6);
    const nodes = run('redis-cli', ['-p', String(c.port(0)), 'CLUSTER', 'NODES']).out.trim().split('\n');
    expect(nodes).toHaveLength(6);
    expect(nodes.join('\n')).not.toContain(replicaId);
    expect(nodes.join('\n')).not.toContain(primaryId);
  }, 120000);

  it('fix closes a half-migrated slot with keys on both sides', async () => {
    const slot = Number(run('redis-cli', ['-p', String(c.port(0)), 'CLUSTER', 'KEYSLOT', 'fixme']).out);
    const ownerNode = slotOwner(c.port(0), slot);
    const targetNode = clusterNodes(c.port(0)).find((n) => n.flags.includes('master') && n.id !== ownerNode.id && n.ranges.length > 0)!;
    const owner = ownerNode.port - c.base;
    const target = targetNode.port - c.base;
    const ownerId = ownerNode.id;
    const targetId = targetNode.id;
    expect(run('redis-cli', ['-p', String(c.port(owner)), 'SET', '{fixme}a', '1']).out.trim()).toBe('OK');
    expect(run('redis-cli', ['-p', String(c.port(owner)), 'SET', '{fixme}b', '2']).out.trim()).toBe('OK');
    expect(run('redis-cli', ['-p', String(c.port(target)), 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', ownerId]).out.trim()).toBe('OK');
    expect(run('redis-cli', ['-p', String(c.port(owner)), 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', targetId]).out.trim()).toBe('OK');
    // One key already moved, as if the migration stopped half way.
    expect(run('redis-cli', ['-p', String(c.port(owner)), 'MIGRATE', '127.0.0.1', String(c.port(target)), '{fixme}a', '0', '5000']).out.trim()).toBe('OK');
    const check = c.cli('--cluster', 'check', c.addr(0));
    expect(check.out).toMatch(/\[WARNING\] Node .* has slots in (migrating|importing) state/);
    const fix = c.cli('--cluster', 'fix', c.addr(0));
    expect(fix.status, fix.out).toBe(0);
    await waitForAgreement(c.addr(0), 6);
    const client = new Cluster([{ host: '127.0.0.1', port: c.port(0) }]);
    expect(await client.mget('{fixme}a', '{fixme}b')).toEqual(['1', '2']);
    client.disconnect();
  }, 60000);

  it('bin/shoal-cluster stop stops every node', () => {
    const r = c.tool('stop', '--nodes', String(6 + SPARES));
    expect(r.status, r.out).toBe(0);
    expect(r.out.match(/stopped node/g)?.length).toBeGreaterThanOrEqual(6);
    const s = c.tool('status');
    expect(s.out.trim().split('\n').every((l) => / down$/.test(l))).toBe(true);
  });

  it('bin/shoal-cluster up again: the nodes rejoin from nodes.conf with their data', async () => {
    const r = c.tool('up');
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('already exists');
    expect(r.out).toContain('Cluster ready: 6 nodes, cluster_state:ok.');
    const client = new Cluster([{ host: '127.0.0.1', port: c.port(0) }]);
    expect(await client.mget('{fixme}a', '{fixme}b')).toEqual(['1', '2']);
    client.disconnect();
  }, 60000);
});

describe.skipIf(!requireRedis())('bin/shoal-cluster create without redis-cli (what the compose one-shot runs)', () => {
  let c: ToolCluster;
  beforeAll(async () => {
    c = await ToolCluster.create(6);
  });
  afterAll(() => {
    c?.destroy();
  });

  it('joins started nodes given as --hosts with CLUSTER MEET/ADDSLOTSRANGE/REPLICATE', async () => {
    const started = c.tool('start');
    expect(started.status, started.out).toBe(0);
    const hosts = [...Array(6).keys()].map((i) => c.addr(i)).join(',');
    const r = c.tool('create', '--without-redis-cli', '--hosts', hosts);
    expect(r.status, r.out).toBe(0);
    expect(r.out).not.toContain('redis-cli --cluster');
    expect(r.out).toContain('Cluster ready: 3 primaries, 3 replicas');
    await waitForAgreement(c.addr(0), 6);
    const nodes = clusterNodes(c.port(0));
    expect(nodes.filter((n) => n.flags.includes('master')).map((n) => n.ranges)).toEqual(
      expect.arrayContaining([[[0, 5460]], [[5461, 10921]], [[10922, 16383]]]),
    );
    const primaries = new Set(nodes.filter((n) => n.flags.includes('master')).map((n) => n.id));
    const replicas = nodes.filter((n) => n.flags.includes('slave'));
    expect(replicas).toHaveLength(3);
    expect(new Set(replicas.map((n) => n.master))).toEqual(primaries);
  }, 60000);
});

describe('example cluster configurations', () => {
  const CONF = path.resolve(__dirname, '../../conf');

  /** Start bin/shoal-server with a conf file first, as the docs show; resolves once it answers. */
  async function withServer(args: string[], body: (conn: RespConn) => Promise<void>): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-conf-test-'));
    const proc = spawn(process.execPath, [SHOAL_BIN, ...args, '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const port = Number(args[args.indexOf('--port') + 1]);
    try {
      let conn: RespConn | null = null;
      const deadline = Date.now() + 10000;
      while (conn === null) {
        if (proc.exitCode !== null) throw new Error(`server exited: ${out}`);
        if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
        conn = await RespConn.connect(port).catch(() => null);
        if (conn === null) await new Promise((r) => setTimeout(r, 50));
      }
      await body(conn);
      conn.close();
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('conf/cluster-node.conf starts a cluster node', async () => {
    const port = await freePort();
    const bus = await freePort();
    await withServer([path.join(CONF, 'cluster-node.conf'), '--port', String(port), '--cluster-port', String(bus),
      '--cluster-config-file', `nodes-${port}.conf`], async (conn) => {
      expect(await conn.call('CLUSTER', 'INFO')).toContain('cluster_state:fail');
      expect(await conn.call('CONFIG', 'GET', 'cluster-node-timeout')).toBe('*2\r\n$20\r\ncluster-node-timeout\r\n$4\r\n5000\r\n');
    });
  });

  it('conf/cluster-docker.conf with the announce options docker-compose.yml passes', async () => {
    const port = await freePort();
    const bus = await freePort();
    await withServer([path.join(CONF, 'cluster-docker.conf'), '--port', String(port), '--bind', '127.0.0.1', '--cluster-port', String(bus),
      '--cluster-announce-ip', '10.11.12.13', '--cluster-announce-port', '7003', '--cluster-announce-bus-port', '17003'], async (conn) => {
      expect(await conn.call('CONFIG', 'GET', 'protected-mode')).toBe('*2\r\n$14\r\nprotected-mode\r\n$2\r\nno\r\n');
      expect(await conn.call('CONFIG', 'GET', 'cluster-config-file')).toBe('*2\r\n$19\r\ncluster-config-file\r\n$10\r\nnodes.conf\r\n');
      // What peers and clients are told: the announced address, not the one the node listens on.
      expect(await conn.call('CLUSTER', 'NODES')).toMatch(/ 10\.11\.12\.13:7003@17003 myself,master /);
    });
  });
});
