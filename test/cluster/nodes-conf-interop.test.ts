// nodes.conf and routing against real redis-server 7.0 nodes. Three Debian nodes form a cluster
// (two primaries sharing all slots, a replica, an open slot each way, a hostname): the files they
// write parse and format back byte for byte, a file we write is what a node loads, and routeQuery
// fed with the node's own CLUSTER NODES view answers every command exactly as the node does.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/cluster/bus/codec.js';
import {
  formatNodeLine,
  formatNodesConf,
  parseNodeLine,
  parseNodesConf,
  writeNodesConf,
  type NodeLine,
  type NodesConf,
} from '../../src/cluster/nodes-conf.js';
import { evaluateHealth } from '../../src/cluster/health.js';
import { redirectError, Route, routeQuery, type RouteNode, type RouteResult, type RoutingView } from '../../src/cluster/routing.js';
import { CLUSTER_SLOTS, keyHashSlot } from '../../src/cluster/slots.js';
import { ClusterState } from '../../src/cluster/state.js';
import { RespConn, requireRedis } from '../helpers/server.js';
import { startClusterRedis, type ClusterRedis } from './redis-cluster.js';
import { until } from '../helpers/wait.js';

const enabled = requireRedis();

function bulkText(reply: string): string {
  if (!reply.startsWith('$')) throw new Error(`not a bulk string: ${reply}`);
  return reply.slice(reply.indexOf('\r\n') + 2, -2);
}


/** A hash tag whose slot satisfies `ok`. */
function tagWhere(ok: (slot: number) => boolean, avoid: number[] = []): string {
  for (let i = 0; ; i++) {
    const tag = `t${i}`;
    const slot = keyHashSlot(`{${tag}}`);
    if (ok(slot) && !avoid.includes(slot)) return tag;
  }
}

/** Without the fields that change as nodes ping each other. */
function stable(n: NodeLine): Omit<NodeLine, 'pingSent' | 'pongReceived' | 'connected'> {
  const { pingSent: _p, pongReceived: _q, connected: _c, ...rest } = n;
  return rest;
}

/** The routing view of the node whose CLUSTER NODES lines these are. */
function viewFrom(lines: NodeLine[], stateOk: boolean): RoutingView {
  const byId = new Map<string, RouteNode>(lines.map((n) => [n.id, { endpoint: n.ip, port: n.port }]));
  const me = lines.find((n) => n.flags & NodeFlag.MYSELF)!;
  const slots: (RouteNode | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  for (const n of lines) for (const [a, b] of n.slots) for (let s = a; s <= b; s++) slots[s] = byId.get(n.id)!;
  const migratingTo: (RouteNode | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  const importingFrom: (RouteNode | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  for (const [s, id] of me.migrating) migratingTo[s] = byId.get(id)!;
  for (const [s, id] of me.importing) importingFrom[s] = byId.get(id)!;
  return {
    myself: byId.get(me.id)!,
    myPrimary: me.primaryId === null ? null : byId.get(me.primaryId)!,
    slots,
    migratingTo,
    importingFrom,
    stateOk,
    allowReadsWhenDown: false,
    allowPubsubshardWhenDown: true,
  };
}

describe.skipIf(!enabled)('nodes.conf and routing with redis-server 7.0', () => {
  let r1: ClusterRedis, r2: ClusterRedis, r3: ClusterRedis;
  let c1: RespConn, c2: RespConn, c3: RespConn;
  let id1: string, id2: string;
  // Slot tags: one R1 migrates to R2, one R1 imports from R2.
  const mig = tagWhere((s) => s < 8192);
  const imp = tagWhere((s) => s >= 8192);
  const mine = tagWhere((s) => s < 8192, [keyHashSlot(`{${mig}}`)]);
  const theirs = tagWhere((s) => s >= 8192, [keyHashSlot(`{${imp}}`)]);

  async function nodesLines(c: RespConn): Promise<string[]> {
    return bulkText(await c.call('CLUSTER', 'NODES')).split('\n').filter((l) => l !== '');
  }

  beforeAll(async () => {
    [r1, r2, r3] = await Promise.all([startClusterRedis(['--cluster-announce-hostname', 'r1.test']), startClusterRedis(), startClusterRedis()]);
    [c1, c2, c3] = await Promise.all([r1, r2, r3].map((r) => RespConn.connect(r.port)));
    id1 = bulkText(await c1.call('CLUSTER', 'MYID'));
    id2 = bulkText(await c2.call('CLUSTER', 'MYID'));
    expect(await c1.call('CLUSTER', 'ADDSLOTSRANGE', '0', '8191')).toBe('+OK\r\n');
    expect(await c2.call('CLUSTER', 'ADDSLOTSRANGE', '8192', '16383')).toBe('+OK\r\n');
    expect(await c1.call('CLUSTER', 'SET-CONFIG-EPOCH', '1')).toBe('+OK\r\n');
    expect(await c2.call('CLUSTER', 'SET-CONFIG-EPOCH', '2')).toBe('+OK\r\n');
    for (const r of [r2, r3]) expect(await c1.call('CLUSTER', 'MEET', '127.0.0.1', String(r.port), String(r.cport))).toBe('+OK\r\n');
    await until('R3 to know R1', async () => ((await nodesLines(c3)).some((l) => l.startsWith(id1 + ' ') && / master /.test(l)) ? true : undefined));
    expect(await c3.call('CLUSTER', 'REPLICATE', id1)).toBe('+OK\r\n');
    await until('R1 to see a healthy cluster with its replica', async () => {
      const info = bulkText(await c1.call('CLUSTER', 'INFO'));
      const lines = (await nodesLines(c1)).map(parseNodeLine);
      const settled = lines.length === 3 && lines.every((n) => n.connected && !(n.flags & (NodeFlag.HANDSHAKE | NodeFlag.PFAIL)));
      return info.includes('cluster_state:ok') && settled && lines.some((n) => n.primaryId === id1) ? true : undefined;
    });
    // Keys R1 holds in the slot it will migrate; then open both slots.
    expect(await c1.call('SET', `{${mig}}here`, 'v')).toBe('+OK\r\n');
    expect(await c1.call('CLUSTER', 'SETSLOT', String(keyHashSlot(`{${mig}}`)), 'MIGRATING', id2)).toBe('+OK\r\n');
    expect(await c1.call('CLUSTER', 'SETSLOT', String(keyHashSlot(`{${imp}}`)), 'IMPORTING', id2)).toBe('+OK\r\n');
  });

  afterAll(async () => {
    for (const c of [c1, c2, c3]) c?.close();
    await Promise.all([r1, r2, r3].map((r) => r?.stop()));
  });

  it('the nodes.conf a primary writes parses and formats back byte for byte', async () => {
    expect(await c1.call('CLUSTER', 'SAVECONFIG')).toBe('+OK\r\n');
    const text = fs.readFileSync(path.join(r1.dir, 'nodes.conf'), 'latin1');
    const conf = parseNodesConf(text)!;
    expect(formatNodesConf(conf)).toBe(text);

    const me = conf.nodes.find((n) => n.flags & NodeFlag.MYSELF)!;
    expect(me).toMatchObject({ id: id1, ip: '127.0.0.1', port: r1.port, cport: r1.cport, hostname: 'r1.test', configEpoch: 1, slots: [[0, 8191]] });
    expect(me.migrating).toEqual([[keyHashSlot(`{${mig}}`), id2]]);
    expect(me.importing).toEqual([[keyHashSlot(`{${imp}}`), id2]]);
    const replica = conf.nodes.find((n) => n.primaryId === id1)!;
    expect(replica).toMatchObject({ port: r3.port, cport: r3.cport, flags: NodeFlag.SLAVE, configEpoch: 1, slots: [] });
    expect(conf.nodes.find((n) => n.id === id2)).toMatchObject({ flags: NodeFlag.MASTER, configEpoch: 2, slots: [[8192, 16383]] });
    const info = bulkText(await c1.call('CLUSTER', 'INFO'));
    expect(info).toContain(`cluster_current_epoch:${conf.currentEpoch}\r\n`);

    // Loaded into our model and written back, it is what Redis itself writes after a restart:
    // the same, with ping/pong times restarting at the load time.
    const loadedAt = 1234;
    const st = ClusterState.fromNodesConf(conf, { preferredEndpoint: 'ip', requireFullCoverage: true, allowReadsWhenDown: false, allowPubsubshardWhenDown: true }, loadedAt);
    const restarted = conf.nodes.map((n) => ({ ...n, pingSent: n.pingSent && loadedAt, pongReceived: n.pongReceived && loadedAt, connected: n.flags & NodeFlag.MYSELF ? true : false }));
    const sortedLines = (c: NodesConf) => formatNodesConf(c).split('\n').sort();
    expect(sortedLines(st.toNodesConf())).toEqual(sortedLines({ ...conf, nodes: restarted }));

    // CLUSTER NODES is the same format, line by line.
    const lines = await nodesLines(c1);
    for (const l of lines) expect(formatNodeLine(parseNodeLine(l))).toBe(l);
    expect(lines.map(parseNodeLine).map(stable).sort((a, b) => a.id.localeCompare(b.id))).toEqual(conf.nodes.map(stable).sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('the nodes.conf a replica writes round-trips too', async () => {
    expect(await c3.call('CLUSTER', 'SAVECONFIG')).toBe('+OK\r\n');
    const text = fs.readFileSync(path.join(r3.dir, 'nodes.conf'), 'latin1');
    const conf = parseNodesConf(text)!;
    expect(formatNodesConf(conf)).toBe(text);
    const me = conf.nodes.find((n) => n.flags & NodeFlag.MYSELF)!;
    expect(me.flags).toBe(NodeFlag.MYSELF | NodeFlag.SLAVE);
    expect(me.primaryId).toBe(id1);
    expect(conf.nodes.find((n) => n.id === id1)!.hostname).toBe('r1.test');
  });

  it('routeQuery, fed the node\'s own view, answers each command as the node does', async () => {
    const lines = (await nodesLines(c1)).map(parseNodeLine);
    const view = viewFrom(lines, bulkText(await c1.call('CLUSTER', 'INFO')).includes('cluster_state:ok'));
    const present = new Set([`{${mig}}here`]);
    const scripts: [boolean, string[]][] = [
      [false, ['GET', `{${mine}}a`]],
      [false, ['GET', `{${theirs}}a`]],
      [false, ['MGET', `{${mine}}a`, `{${theirs}}a`]],
      [false, ['MGET', `{${mine}}a`, `{${mine}}b`]],
      [false, ['GET', `{${mig}}here`]],
      [false, ['GET', `{${mig}}gone`]],
      [false, ['MGET', `{${mig}}gone`, `{${mig}}gone2`]],
      [false, ['MGET', `{${mig}}here`, `{${mig}}gone`]],
      [true, ['GET', `{${mig}}gone`]],
      [false, ['GET', `{${imp}}a`]],
      [true, ['GET', `{${imp}}a`]],
      [true, ['MGET', `{${imp}}a`, `{${imp}}a`]],
      [true, ['MGET', `{${imp}}a`, `{${imp}}b`]],
    ];
    const codes = new Set<number>();
    for (const [asking, argv] of scripts) {
      const keys = argv.slice(1);
      const out: RouteResult = { slot: 0, node: null };
      const code = routeQuery(
        view,
        {
          keys,
          keyCount: keys.length,
          keySlots: keys.map(keyHashSlot),
          isWrite: false,
          queueHasWrite: false,
          isExecWithoutMulti: false,
          isPubsubShard: false,
          isMigrate: false,
          cmdAsking: false,
          asking,
          readonly: false,
        },
        { has: (k) => present.has(k) },
        out,
      );
      codes.add(code);
      if (asking) expect(await c1.call('ASKING')).toBe('+OK\r\n');
      const reply = await c1.call(...argv);
      const what = `${asking ? 'ASKING ' : ''}${argv.join(' ')}`;
      if (code === Route.OK) expect(reply.startsWith('-'), what).toBe(false);
      else expect(reply, what).toBe(`-${redirectError(code, out)}\r\n`);
    }
    expect([...codes].sort()).toEqual([Route.OK, Route.CROSSSLOT, Route.TRYAGAIN, Route.ASK, Route.MOVED].sort());
  });

  it('CLUSTERDOWN texts match a node whose slots are not all covered', async () => {
    const lone = await startClusterRedis();
    const c = await RespConn.connect(lone.port);
    try {
      expect(await c.call('CLUSTER', 'ADDSLOTS', '0')).toBe('+OK\r\n');
      const lines = (await nodesLines(c)).map(parseNodeLine);
      const down = viewFrom(lines, false);
      const out: RouteResult = { slot: 0, node: null };
      const q = (key: string) => ({
        keys: [key], keyCount: 1, keySlots: [keyHashSlot(key)], isWrite: false, queueHasWrite: false, isExecWithoutMulti: false,
        isPubsubShard: false, isMigrate: false, cmdAsking: false, asking: false, readonly: false,
      });
      const unowned = 'foo';
      const owned = tagWhere((s) => s === 0);
      expect(routeQuery(down, q(unowned), { has: () => false }, out)).toBe(Route.DOWN_UNBOUND);
      expect(await c.call('GET', unowned)).toBe(`-${redirectError(Route.DOWN_UNBOUND, out)}\r\n`);
      expect(routeQuery(down, q(`{${owned}}`), { has: () => false }, out)).toBe(Route.DOWN_STATE);
      expect(await c.call('GET', `{${owned}}`)).toBe(`-${redirectError(Route.DOWN_STATE, out)}\r\n`);
      expect(await c.call('CONFIG', 'SET', 'cluster-allow-reads-when-down', 'yes')).toBe('+OK\r\n');
      const readsOk = { ...down, allowReadsWhenDown: true };
      expect(routeQuery(readsOk, { ...q(`{${owned}}`), isWrite: true }, { has: () => false }, out)).toBe(Route.DOWN_RO_STATE);
      expect(await c.call('SET', `{${owned}}`, 'v')).toBe(`-${redirectError(Route.DOWN_RO_STATE, out)}\r\n`);
      expect(routeQuery(readsOk, q(`{${owned}}`), { has: () => false }, out)).toBe(Route.OK);
      expect(await c.call('GET', `{${owned}}`)).toBe('$-1\r\n');
    } finally {
      c.close();
      await lone.stop();
    }
  });
  it('evaluateHealth agrees with cluster_state, with and without full coverage required', async () => {
    const lone = await startClusterRedis();
    const c = await RespConn.connect(lone.port);
    try {
      expect(await c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '99')).toBe('+OK\r\n');
      const lines = (await nodesLines(c)).map(parseNodeLine);
      const view = viewFrom(lines, false);
      const nodes = lines.map((n) => ({ flags: n.flags, numSlots: n.slots.reduce((k, [a, b]) => k + b - a + 1, 0) }));
      const slots = view.slots.map((o) => (o === null ? null : nodes[0]));
      const state = async () => /cluster_state:(\w+)\r\ncluster_slots_assigned:\d+\r\ncluster_slots_ok:\d+\r\ncluster_slots_pfail:\d+\r\ncluster_slots_fail:\d+\r\ncluster_known_nodes:\d+\r\ncluster_size:(\d+)/.exec(bulkText(await c.call('CLUSTER', 'INFO')))!;
      // A primary stays down for its first 2s anyway: wait past that before comparing.
      await new Promise((r) => setTimeout(r, 2200));
      const full = evaluateHealth({ requireFullCoverage: true, slots, nodes });
      expect(full).toEqual({ ok: false, size: 1, inMinority: false });
      expect((await state()).slice(1)).toEqual(['fail', '1']);
      expect(await c.call('CONFIG', 'SET', 'cluster-require-full-coverage', 'no')).toBe('+OK\r\n');
      expect(evaluateHealth({ requireFullCoverage: false, slots, nodes }).ok).toBe(true);
      await until('the node to turn ok', async () => ((await state())[1] === 'ok' ? true : undefined));
    } finally {
      c.close();
      await lone.stop();
    }
  });
});

describe.skipIf(!enabled)('a nodes.conf we write, loaded by redis-server 7.0', () => {
  let dir: string;
  let node: ClusterRedis | undefined;
  afterAll(async () => {
    await node?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is taken as the node\'s identity, slots, open slots, peers and epochs', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-nodes-conf-'));
    const deadPort = 1;
    const me = randomBytes(20).toString('hex');
    const other = randomBytes(20).toString('hex');
    const conf: NodesConf = {
      nodes: [
        {
          // Redis replaces its own ports with the ones it listens on.
          id: me, ip: '127.0.0.1', port: 7000, cport: 17000, hostname: '', flags: NodeFlag.MYSELF | NodeFlag.MASTER, primaryId: null,
          pingSent: 0, pongReceived: 0, configEpoch: 4, connected: true,
          slots: [[0, 100], [200, 200]], migrating: [[50, other]], importing: [[300, other]],
        },
        {
          id: other, ip: '127.0.0.1', port: deadPort, cport: deadPort, hostname: '', flags: NodeFlag.MASTER, primaryId: null,
          pingSent: 0, pongReceived: 0, configEpoch: 3, connected: false, slots: [[300, 400]], migrating: [], importing: [],
        },
      ],
      currentEpoch: 7,
      lastVoteEpoch: 6,
    };
    const file = path.join(dir, 'nodes.conf');
    writeNodesConf(file, conf);
    // startClusterRedis makes its own dir; point it at ours with an absolute config file path.
    node = await startClusterRedis(['--cluster-config-file', file]);
    const c = await RespConn.connect(node.port);
    conf.nodes[0].port = node.port;
    conf.nodes[0].cport = node.cport;
    try {
      expect(bulkText(await c.call('CLUSTER', 'MYID'))).toBe(me);
      const info = bulkText(await c.call('CLUSTER', 'INFO'));
      expect(info).toContain('cluster_current_epoch:7\r\n');
      expect(info).toContain('cluster_my_epoch:4\r\n');
      const lines = (await nodesLines(c)).map(parseNodeLine);
      expect(lines.map(stable).sort((a, b) => a.id.localeCompare(b.id))).toEqual(conf.nodes.map(stable).sort((a, b) => a.id.localeCompare(b.id)));
      // Redis writes it back the same, but for timestamps and link state of the unreachable peer.
      expect(await c.call('CLUSTER', 'SAVECONFIG')).toBe('+OK\r\n');
      const back = parseNodesConf(fs.readFileSync(file, 'latin1'))!;
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect({ ...back, nodes: back.nodes.map(stable).sort(byId) }).toEqual({ ...conf, nodes: conf.nodes.map(stable).sort(byId) });
    } finally {
      c.close();
    }
  });

  async function nodesLines(c: RespConn): Promise<string[]> {
    return bulkText(await c.call('CLUSTER', 'NODES')).split('\n').filter((l) => l !== '');
  }
});
