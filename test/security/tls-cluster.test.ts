// tls-cluster yes: the cluster bus runs over TLS with the tls-* certificates, nodes announce their
// TLS port to clients, and replicas inside the cluster sync over tls-replication. Certificates are
// made by openssl at test time; redis-cli --tls creates the cluster and follows MOVED, and a
// Debian redis-server with the same settings joins a Shoal cluster.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, SHOAL_BIN, freePort, requireRedis, type RunningServer } from '../helpers/server.js';
import { call1, clusterInfo, startClusterShoal, text, until, waitStateOk, type ClusterShoal } from '../cluster/shoal-cluster.js';
import { startClusterRedis } from '../cluster/redis-cluster.js';
import { makeCerts, type TestCerts } from './certs.js';

const HAVE_REDIS = requireRedis();

describe.runIf(HAVE_REDIS)('tls-cluster', () => {
  let certs: TestCerts;
  const running: RunningServer[] = [];
  /** TLS port of each node, by its plain port. */
  const tlsPortOf = new Map<number, number>();

  beforeAll(() => {
    certs = makeCerts();
  });
  afterAll(async () => {
    for (const s of running) await s.stop();
    certs?.remove();
  });

  const tlsArgs = (port: number): string[] => ['--bind', '127.0.0.1', '--tls-port', String(port), '--tls-cert-file', certs.serverCert,
    '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.ca, '--tls-client-cert-file', certs.clientCert,
    '--tls-client-key-file', certs.clientKey, '--tls-cluster', 'yes', '--tls-replication', 'yes'];

  function cli(args: string[], input?: string): { status: number | null; out: string } {
    const r = spawnSync('redis-cli', ['--tls', '--cacert', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKey, ...args],
      { encoding: 'utf8', timeout: 20000, env: { ...process.env, TERM: 'dumb' }, input });
    return { status: r.status, out: (r.stdout ?? '') + (r.stderr ?? '') };
  }

  async function shoalNode(extra: string[] = []): Promise<ClusterShoal> {
    const tlsPort = await freePort();
    const s = await startClusterShoal([...tlsArgs(tlsPort), ...extra]);
    running.push(s);
    tlsPortOf.set(s.port, tlsPort);
    return s;
  }

  /** Whether a port can be bound on loopback right now. */
  function canBind(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
  }

  /**
   * A Shoal cluster node with port 0: TLS only, so it announces no plaintext port. Without
   * cluster-port its bus listens on tls-port + 10000, so the TLS port is picked with that free.
   */
  async function tlsOnlyShoal(): Promise<{ tlsPort: number; cport: number }> {
    let tlsPort = await freePort();
    while (tlsPort > 55535 || !(await canBind(tlsPort + 10000))) tlsPort = await freePort();
    const cport = tlsPort + 10000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-tls-cluster-'));
    const proc = spawn(process.execPath, [SHOAL_BIN, '--port', '0', '--save', '', '--dir', dir, '--cluster-enabled', 'yes',
      '--cluster-node-timeout', '1000', ...tlsArgs(tlsPort)], { stdio: 'ignore' });
    running.push({
      port: tlsPort, proc, dir, output: () => '',
      stop: async () => {
        if (proc.exitCode === null && proc.signalCode === null) {
          const done = new Promise((r) => proc.once('exit', r));
          proc.kill('SIGKILL');
          await done;
        }
        fs.rmSync(dir, { recursive: true, force: true });
      },
    });
    await until('the TLS-only node answers', async () => (cli(['-p', String(tlsPort), 'PING']).out === 'PONG\n' ? true : undefined));
    return { tlsPort, cport };
  }

  /**
   * A TLS handshake with a bus port, with or without the client certificate: 'open' when the link
   * is still up a moment after the handshake, 'refused' when the bus drops it.
   */
  function busHandshake(cport: number, withCert: boolean): Promise<'open' | 'refused'> {
    return new Promise((resolve) => {
      const cert = withCert ? { cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) } : {};
      const s = tls.connect({ host: '127.0.0.1', port: cport, ca: fs.readFileSync(certs.ca), checkServerIdentity: () => undefined, ...cert });
      s.on('secureConnect', () => setTimeout(() => {
        resolve('open');
        s.destroy();
      }, 300));
      s.on('error', () => resolve('refused'));
      s.on('close', () => resolve('refused'));
    });
  }

  it('three Shoal nodes: redis-cli --tls --cluster create, state ok, TLS ports announced, -c follows MOVED', async () => {
    // Clients need no certificate here; cluster nodes still do.
    const noAuth = ['--tls-auth-clients', 'no'];
    const nodes = [await shoalNode(noAuth), await shoalNode(noAuth), await shoalNode(noAuth)];
    const r = cli(['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${tlsPortOf.get(n.port)}`), '--cluster-yes']);
    expect(r.out).toContain('[OK] All 16384 slots covered.');
    expect(r.status).toBe(0);
    for (const n of nodes) await waitStateOk(n.port);

    // Clients are sent to the TLS ports; the bus ports are the ones configured.
    const lines = cli(['-p', String(tlsPortOf.get(nodes[0].port)), 'CLUSTER', 'NODES']).out.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const n of nodes) expect(lines.some((l) => l.includes(` 127.0.0.1:${tlsPortOf.get(n.port)}@${n.cport} `))).toBe(true);
    const slots = cli(['-p', String(tlsPortOf.get(nodes[1].port)), 'CLUSTER', 'SLOTS']).out;
    for (const n of nodes) expect(slots).toContain(String(tlsPortOf.get(n.port)));

    const tls0 = String(tlsPortOf.get(nodes[0].port));
    for (const key of ['a', 'b', 'c', 'tls{x}']) {
      expect(cli(['-c', '-p', tls0, 'SET', key, `v-${key}`]).out).toBe('OK\n');
      expect(cli(['-c', '-p', tls0, 'GET', key]).out).toBe(`v-${key}\n`);
    }
    // Without -c the redirect names the TLS port of the owner.
    expect(cli(['-p', tls0, 'GET', 'a']).out.trim()).toBe(`MOVED 15495 127.0.0.1:${tlsPortOf.get(nodes[2].port)}`);

    // A client without TLS is told the plaintext ports instead, as Redis does.
    const plain = text(await call1(nodes[0].port, 'CLUSTER', 'NODES'));
    for (const n of nodes) expect(plain).toContain(` 127.0.0.1:${n.port}@${n.cport} `);
    expect(await call1(nodes[0].port, 'GET', 'a')).toBe(`-MOVED 15495 127.0.0.1:${nodes[2].port}\r\n`);
    expect(await call1(nodes[0].port, 'CLUSTER', 'SLOTS')).toContain(`:${nodes[2].port}\r\n`);

    // MIGRATE speaks TLS to the target's TLS port, alone and (on its worker thread) inside MULTI.
    const id0 = text(await call1(nodes[0].port, 'CLUSTER', 'MYID'));
    const id2 = text(await call1(nodes[2].port, 'CLUSTER', 'MYID'));
    const src = await RespConn.connect(nodes[2].port);
    expect(await src.call('SET', '{a}multi', 'm')).toBe('+OK\r\n');
    expect(await call1(nodes[0].port, 'CLUSTER', 'SETSLOT', '15495', 'IMPORTING', id2)).toBe('+OK\r\n');
    expect(await call1(nodes[2].port, 'CLUSTER', 'SETSLOT', '15495', 'MIGRATING', id0)).toBe('+OK\r\n');
    expect(await src.call('MIGRATE', '127.0.0.1', tls0, 'a', '0', '5000')).toBe('+OK\r\n');
    expect(await src.call('MULTI')).toBe('+OK\r\n');
    expect(await src.call('MIGRATE', '127.0.0.1', tls0, '{a}multi', '0', '5000')).toBe('+QUEUED\r\n');
    expect(await src.call('EXEC')).toBe('*1\r\n+OK\r\n');
    // The key moved: the old owner sends a plaintext client to the importing node's plaintext port.
    expect(await src.call('GET', 'a')).toBe(`-ASK 15495 127.0.0.1:${nodes[0].port}\r\n`);
    src.close();
    expect(cli(['-p', tls0, 'DBSIZE']).out).toBe('3\n');

    // The bus speaks TLS and, whatever tls-auth-clients says, wants a certificate from its peer.
    expect(await busHandshake(nodes[0].cport, true)).toBe('open');
    expect(await busHandshake(nodes[0].cport, false)).toBe('refused');
  }, 30000);

  it('a redis-server with the same TLS settings joins; replicas across kinds, one Shoal with port 0', async () => {
    const a = await shoalNode();
    const b = await shoalNode();
    const redisTls = await freePort();
    const redis = await startClusterRedis([...tlsArgs(redisTls), '--cluster-node-timeout', '1000']);
    running.push(redis);
    const replicaTls = await freePort();
    const replica = await startClusterRedis([...tlsArgs(replicaTls), '--cluster-node-timeout', '1000']);
    running.push(replica);
    tlsPortOf.set(redis.port, redisTls);
    tlsPortOf.set(replica.port, replicaTls);

    const solo = await tlsOnlyShoal();

    for (const n of [b, redis, replica]) {
      expect(await call1(a.port, 'CLUSTER', 'MEET', '127.0.0.1', String(tlsPortOf.get(n.port)), String(n.cport))).toBe('+OK\r\n');
    }
    expect(await call1(a.port, 'CLUSTER', 'MEET', '127.0.0.1', String(solo.tlsPort), String(solo.cport))).toBe('+OK\r\n');
    expect(await call1(a.port, 'CLUSTER', 'ADDSLOTSRANGE', '0', '5000')).toBe('+OK\r\n');
    expect(await call1(b.port, 'CLUSTER', 'ADDSLOTSRANGE', '5001', '10000')).toBe('+OK\r\n');
    expect(await call1(redis.port, 'CLUSTER', 'ADDSLOTSRANGE', '10001', '16383')).toBe('+OK\r\n');
    // Everyone knows everyone once both replicas-to-be see five nodes connected over TLS.
    const aId = text(await call1(a.port, 'CLUSTER', 'MYID'));
    const redisId = text(await call1(redis.port, 'CLUSTER', 'MYID'));
    const allConnected = (nodes: string): true | undefined => {
      const lines = nodes.trim().split('\n');
      return lines.length === 5 && lines.every((l) => / connected/.test(l) && !/handshake|fail/.test(l)) ? true : undefined;
    };
    await until('five connected nodes on the redis-server replica', async () => allConnected(text(await call1(replica.port, 'CLUSTER', 'NODES'))));
    await until('five connected nodes on the TLS-only Shoal', async () => allConnected(cli(['-p', String(solo.tlsPort), 'CLUSTER', 'NODES']).out));
    expect(await call1(replica.port, 'CLUSTER', 'REPLICATE', aId)).toBe('+OK\r\n');
    expect(cli(['-p', String(solo.tlsPort), 'CLUSTER', 'REPLICATE', redisId]).out).toBe('OK\n');
    for (const n of [a, b, redis, replica]) await waitStateOk(n.port);

    // redis-server sees Shoal's TLS port as its client port, and Shoal sees redis-server's.
    expect(cli(['-p', String(redisTls), 'CLUSTER', 'NODES']).out).toContain(` 127.0.0.1:${tlsPortOf.get(a.port)}@${a.cport} `);
    expect(cli(['-p', String(tlsPortOf.get(a.port)), 'CLUSTER', 'NODES']).out).toContain(` 127.0.0.1:${redisTls}@${redis.cport} `);

    // Both kinds of node describe a node of a TLS cluster alike: both ports in CLUSTER SHARDS, the
    // plaintext one in CLUSTER NODES and SLOTS for a client without TLS.
    const bothPorts = (n: RunningServer): string => `$4\r\nport\r\n:${n.port}\r\n$8\r\ntls-port\r\n:${tlsPortOf.get(n.port)}\r\n`;
    for (const [asker, about] of [[a, redis], [redis, a]]) {
      expect(await call1(asker.port, 'CLUSTER', 'SHARDS'), `asking ${asker === a ? 'Shoal' : 'redis'}`).toContain(bothPorts(about));
      expect(await call1(asker.port, 'CLUSTER', 'SLOTS')).toContain(`:${about.port}\r\n`);
      expect(text(await call1(asker.port, 'CLUSTER', 'NODES'))).toContain(` 127.0.0.1:${about.port}@`);
    }

    // The redis-server replica syncs from Shoal's TLS port.
    const aTls = String(tlsPortOf.get(a.port));
    expect(cli(['-p', aTls, 'SET', 'b', 'from-shoal']).out).toBe('OK\n');
    await until('replica link up', async () => {
      const info = text(await call1(replica.port, 'INFO', 'replication'));
      return info.includes('master_link_status:up') && info.includes(`master_port:${aTls}`) ? true : undefined;
    });
    const onReplica = await RespConn.connect(replica.port);
    expect(await onReplica.call('READONLY')).toBe('+OK\r\n');
    await until('key on the replica', async () => ((await onReplica.call('GET', 'b')) === '$10\r\nfrom-shoal\r\n' ? true : undefined));
    onReplica.close();

    // Keys route across Shoal and redis-server nodes.
    for (const key of ['a', 'b', 'c']) {
      expect(cli(['-c', '-p', String(redisTls), 'SET', key, `v-${key}`]).out).toBe('OK\n');
      expect(cli(['-c', '-p', aTls, 'GET', key]).out).toBe(`v-${key}\n`);
    }
    expect((await clusterInfo(redis.port)).cluster_known_nodes).toBe('5');

    // The TLS-only Shoal replica syncs from redis-server's TLS port; with no plaintext port it is
    // shown with its TLS port to every client, and CLUSTER SHARDS gives it a tls-port only.
    await until('TLS-only replica in sync', async () => (cli(['-p', String(solo.tlsPort)], 'READONLY\nGET a\n').out === 'OK\nv-a\n' ? true : undefined));
    expect(cli(['-p', String(solo.tlsPort), 'CLUSTER', 'INFO']).out).toContain('cluster_state:ok');
    // Replicas over tls-replication give their primary their TLS port, Shoal as redis-server does.
    expect(text(await call1(redis.port, 'INFO', 'replication'))).toContain(`slave0:ip=127.0.0.1,port=${solo.tlsPort},`);
    expect(text(await call1(a.port, 'INFO', 'replication'))).toContain(`slave0:ip=127.0.0.1,port=${replicaTls},`);
    const soloId = cli(['-p', String(solo.tlsPort), 'CLUSTER', 'MYID']).out.trim();
    for (const asker of [a, redis]) {
      expect(text(await call1(asker.port, 'CLUSTER', 'NODES'))).toContain(`${soloId} 127.0.0.1:${solo.tlsPort}@${solo.cport} slave ${redisId} `);
      expect(await call1(asker.port, 'CLUSTER', 'SHARDS')).toContain(`${soloId}\r\n$8\r\ntls-port\r\n:${solo.tlsPort}\r\n$2\r\nip\r\n`);
    }
  }, 30000);

  it('cluster-announce-tls-port and cluster-announce-port: the ports a node shows, as redis-server shows them', async () => {
    const shoal = await shoalNode();
    const redisTls = await freePort();
    const redis = await startClusterRedis(tlsArgs(redisTls));
    running.push(redis);
    tlsPortOf.set(redis.port, redisTls);
    /** The client port in the myself line of CLUSTER NODES, over a plain and over a TLS connection, and CLUSTER SHARDS's ports. */
    const shown = async (n: RunningServer): Promise<string[]> => {
      const mine = (nodes: string): string => /\S*:(\d+)@\d+ myself/.exec(nodes)![1];
      const shards = await call1(n.port, 'CLUSTER', 'SHARDS');
      return [mine(text(await call1(n.port, 'CLUSTER', 'NODES'))), mine(cli(['-p', String(tlsPortOf.get(n.port)), 'CLUSTER', 'NODES']).out),
        /\$4\r\nport\r\n:(\d+)/.exec(shards)?.[1] ?? '-', /tls-port\r\n:(\d+)/.exec(shards)?.[1] ?? '-'];
    };
    const steps: [string, string][] = [['cluster-announce-tls-port', '7777'], ['cluster-announce-port', '6666'], ['cluster-announce-tls-port', '0']];
    // P and T: the node's own port and tls-port; '-': not in the reply.
    const expected = [['P', 'T', 'P', 'T'], ['7777', '7777', '-', '7777'], ['6666', '7777', '6666', '7777'], ['P', '6666', 'P', '6666']];
    const seen: string[][][] = [[], []];
    for (let i = 0; i <= steps.length; i++) {
      if (i > 0) for (const n of [shoal, redis]) expect(await call1(n.port, 'CONFIG', 'SET', ...steps[i - 1])).toBe('+OK\r\n');
      for (const [k, n] of [shoal, redis].entries()) {
        seen[k].push((await shown(n)).map((p) => (p === String(n.port) ? 'P' : p === String(tlsPortOf.get(n.port)) ? 'T' : p)));
      }
    }
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]).toEqual(expected);
  }, 15000);
});
