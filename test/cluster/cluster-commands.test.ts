// CLUSTER commands on one node against redis-server --cluster-enabled yes (byte for byte, RESP2 and
// RESP3, node ids masked), nodes.conf surviving a restart, and the routing guard between two
// Shoal nodes (MOVED, ASK, ASKING, TRYAGAIN, CROSSSLOT, EXEC re-checking its queue, READONLY).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as net from 'node:net';
import { MsgType, encodeMessage } from '../../src/cluster/bus/codec.js';
import { buildMessage } from '../../src/cluster/bus/messages.js';
import { keyHashSlot } from '../../src/cluster/slots.js';
import { ClusterState } from '../../src/cluster/state.js';
import { differential, runScript, type Script } from '../helpers/differential.js';
import { RespConn, requireRedis, startShoal } from '../helpers/server.js';
import { startClusterRedis, type ClusterRedis } from './redis-cluster.js';
import { call1, clusterInfo, startClusterShoal, text, tmpClusterDir, until, waitStateOk, type ClusterShoal } from './shoal-cluster.js';

/** Node ids and ports differ between the two servers. */
const mask = (r: string, ports: number[]): string => {
  let out = r.replace(/[0-9a-f]{40}/g, '<id>');
  for (const p of ports) out = out.replaceAll(String(p), '<port>');
  return out;
};

const ERRORS: Script = [
  ['CLUSTER', 'RESET', 'HARD'],
  ['CLUSTER', 'ADDSLOTS', '1', '2', '3'],
  ['CLUSTER', 'ADDSLOTS', '3'],
  ['CLUSTER', 'ADDSLOTS', '5', '5'],
  ['CLUSTER', 'ADDSLOTS', '16384'],
  ['CLUSTER', 'ADDSLOTS', 'x'],
  ['CLUSTER', 'DELSLOTS', '9'],
  ['CLUSTER', 'ADDSLOTSRANGE', '10', '5'],
  ['CLUSTER', 'ADDSLOTSRANGE', '10'],
  ['CLUSTER', 'ADDSLOTSRANGE', '10', '20', '15', '25'],
  ['CLUSTER', 'ADDSLOTSRANGE', '10', '20'],
  ['CLUSTER', 'DELSLOTSRANGE', '10', '14'],
  ['CLUSTER', 'DELSLOTSRANGE', '10', '14'],
  ['CLUSTER', 'DELSLOTS', '1', '2'],
  ['CLUSTER', 'COUNTKEYSINSLOT', '3'],
  ['CLUSTER', 'COUNTKEYSINSLOT', '-1'],
  ['CLUSTER', 'COUNTKEYSINSLOT', 'abc'],
  ['CLUSTER', 'GETKEYSINSLOT', '3', '10'],
  ['CLUSTER', 'GETKEYSINSLOT', '3', '-1'],
  ['CLUSTER', 'GETKEYSINSLOT', '16384', '1'],
  ['CLUSTER', 'KEYSLOT', 'foo'],
  ['CLUSTER', 'KEYSLOT', '{user1}.a'],
  ['CLUSTER', 'KEYSLOT', 'a{}b'],
  ['CLUSTER', 'SLOTS'],
  ['CLUSTER', 'SHARDS'],
  ['CLUSTER', 'NODES'],
  ['CLUSTER', 'FLUSHSLOTS'],
  ['CLUSTER', 'BUMPEPOCH'],
  ['CLUSTER', 'BUMPEPOCH'],
  ['CLUSTER', 'SET-CONFIG-EPOCH', '5'],
  ['CLUSTER', 'RESET', 'HARD'],
  ['CLUSTER', 'SET-CONFIG-EPOCH', '-1'],
  ['CLUSTER', 'SET-CONFIG-EPOCH', '7'],
  ['CLUSTER', 'FAILOVER'],
  ['CLUSTER', 'FAILOVER', 'foo'],
  ['CLUSTER', 'FAILOVER', 'FORCE', 'x'],
  ['CLUSTER', 'REPLICATE', '0'.repeat(40)],
  ['CLUSTER', 'REPLICAS', 'abc'],
  ['CLUSTER', 'SLAVES', 'abc'],
  ['CLUSTER', 'COUNT-FAILURE-REPORTS', 'abc'],
  ['CLUSTER', 'FORGET', 'abc'],
  ['CLUSTER', 'MEET', '1.2.3.x', '7000'],
  ['CLUSTER', 'MEET', '127.0.0.1', 'abc'],
  ['CLUSTER', 'MEET', '127.0.0.1', '70000'],
  ['CLUSTER', 'MEET', '127.0.0.1', '7000', 'x'],
  ['CLUSTER', 'MEET', 'a', 'b', 'c', 'd'],
  ['CLUSTER', 'SETSLOT', '1', 'MIGRATING', 'abc'],
  ['CLUSTER', 'SETSLOT', '1', 'IMPORTING', 'abc'],
  ['CLUSTER', 'SETSLOT', '1', 'NODE', 'abc'],
  ['CLUSTER', 'SETSLOT', '1', 'STABLE'],
  ['CLUSTER', 'SETSLOT', '1', 'STABLE', 'x'],
  ['CLUSTER', 'SETSLOT', '99999', 'STABLE'],
  ['CLUSTER', 'RESET', 'foo'],
  ['CLUSTER', 'NOSUCH'],
  ['CLUSTER'],
  ['SET', 'k', 'v'],
  ['SELECT', '1'],
  ['SELECT', '0'],
  ['ASKING'],
  ['READONLY'],
  ['READWRITE'],
  ['MULTI'],
  ['CLUSTER', 'KEYSLOT', 'a'],
  ['CLUSTER', 'ADDSLOTS', '100'],
  ['CLUSTER', 'COUNTKEYSINSLOT', '100'],
  ['EXEC'],
  ['REPLICAOF', '127.0.0.1', '1'],
  ['CONFIG', 'SET', 'cluster-replica-no-failover', 'yes'],
  ['CLUSTER', 'NODES'],
  ['CONFIG', 'SET', 'cluster-replica-no-failover', 'no'],
  ['CLUSTER', 'NODES'],
  ['CLUSTER', 'MYID'],
];

/** Run after the node owns every slot and its state is ok. */
const SERVING: Script = [
  ['CLUSTER', 'INFO'],
  ['MSET', 'a', '1', 'b', '2'],
  ['MSET', '{t}1', 'x', '{t}2', 'y', '{t}3', 'z'],
  ['CLUSTER', 'COUNTKEYSINSLOT', String(keyHashSlot('t'))],
  ['CLUSTER', 'GETKEYSINSLOT', String(keyHashSlot('t')), '0'],
  ['MULTI'],
  ['SET', 'a', '1'],
  ['SET', 'b', '1'],
  ['EXEC'],
  ['GET', 'a'],
  ['CLUSTER', 'FLUSHSLOTS'],
  // Keys per slot follow every change.
  ['DEL', '{t}1'],
  ['RENAME', '{t}2', '{t}9'],
  ['CLUSTER', 'COUNTKEYSINSLOT', String(keyHashSlot('t'))],
  ['CLUSTER', 'GETKEYSINSLOT', String(keyHashSlot('t')), '1'],
  ['FLUSHALL'],
  ['CLUSTER', 'COUNTKEYSINSLOT', String(keyHashSlot('t'))],
  ['SET', '{t}1', 'a'],
  ['CLUSTER', 'GETKEYSINSLOT', String(keyHashSlot('t')), '5'],
  ['CLUSTER', 'RESET'],
  ['CLUSTER', 'SLOTS'],
  ['CLUSTER', 'SHARDS'],
  ['CLUSTER', 'NODES'],
  ['CLUSTER', 'SETSLOT', '5', 'MIGRATING', 'abc'],
  ['CLUSTER', 'SETSLOT', '5', 'IMPORTING', 'abc'],
];

async function both(shoal: ClusterShoal, redis: ClusterRedis, script: Script, resp: 2 | 3): Promise<[string[], string[]]> {
  const [a, b] = await Promise.all([runScript(shoal.port, script, resp), runScript(redis.port, script, resp)]);
  const show = (r: string[], ports: number[]) => r.map((x, i) => `${script[i].join(' ')} => ${JSON.stringify(mask(x, ports))}`);
  return [show(a, [shoal.port, shoal.cport]), show(b, [redis.port, redis.cport])];
}

describe.skipIf(!requireRedis())('CLUSTER commands against redis-server in cluster mode', () => {
  let shoal: ClusterShoal;
  let redis: ClusterRedis;
  beforeAll(async () => {
    [shoal, redis] = await Promise.all([startClusterShoal(), startClusterRedis()]);
  });
  afterAll(async () => {
    await Promise.all([shoal?.stop(), redis?.stop()]);
  });

  for (const resp of [2, 3] as const) {
    it(`replies and errors on a node without peers (RESP${resp})`, async () => {
      const [ours, theirs] = await both(shoal, redis, ERRORS, resp);
      expect(ours).toEqual(theirs);
    });
  }

  it('serves all slots alone: state, CROSSSLOT, keys per slot, slot maps (RESP2 and RESP3)', async () => {
    for (const port of [shoal.port, redis.port]) {
      await call1(port, 'FLUSHALL');
      await call1(port, 'CLUSTER', 'RESET', 'HARD');
      expect(await call1(port, 'CLUSTER', 'ADDSLOTSRANGE', '0', '16383')).toBe('+OK\r\n');
    }
    await Promise.all([waitStateOk(shoal.port), waitStateOk(redis.port)]);
    for (const resp of [2, 3] as const) {
      const [ours, theirs] = await both(shoal, redis, SERVING.slice(0, 19), resp);
      expect(ours).toEqual(theirs);
    }
  });

  it('CLUSTER RESET of a node with keys, slot maps of a node serving everything', async () => {
    const [ours, theirs] = await both(shoal, redis, [['SET', 'a', '1'], ...SERVING.slice(19)], 3);
    expect(ours).toEqual(theirs);
  });

  it('CLUSTER HELP lists the subcommands as status lines', async () => {
    const help = await call1(shoal.port, 'CLUSTER', 'HELP');
    expect(help).toMatch(/^\*\d+\r\n\+CLUSTER <subcommand>/);
    for (const sub of ['ADDSLOTSRANGE', 'SETSLOT', 'FAILOVER', 'SHARDS', 'LINKS']) expect(help).toContain(`\r\n+${sub} `.trimEnd());
  });

  it('INFO cluster says cluster_enabled:1, INFO server redis_mode:cluster', async () => {
    const info = await call1(shoal.port, 'INFO');
    expect(info).toContain('cluster_enabled:1\r\n');
    expect(info).toContain('redis_mode:cluster\r\n');
  });
});

// Without cluster-enabled, every cluster command refuses.
differential('cluster commands on a standalone server', {
  disabled: [['CLUSTER', 'INFO'], ['CLUSTER', 'HELP'], ['CLUSTER', 'KEYSLOT', 'a'], ['ASKING'], ['READONLY'], ['READWRITE'], ['SELECT', '1']],
});

describe('nodes.conf', () => {
  const dir = tmpClusterDir();
  let node: ClusterShoal | undefined;
  afterAll(async () => {
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps id, epochs and slots across a restart, written atomically on every change', async () => {
    node = await startClusterShoal([], dir);
    const id = text(await call1(node.port, 'CLUSTER', 'MYID'));
    const file = path.join(dir, 'nodes.conf');
    expect(fs.readFileSync(file, 'latin1')).toMatch(new RegExp(`^${id} :${node.port}@${node.cport} myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n$`));
    await call1(node.port, 'CLUSTER', 'ADDSLOTSRANGE', '0', '99', '200', '200');
    await call1(node.port, 'CLUSTER', 'BUMPEPOCH');
    // The reply comes after the file is in place.
    expect(fs.readFileSync(file, 'latin1')).toContain(`myself,master - 0 0 1 connected 0-99 200\nvars currentEpoch 1 lastVoteEpoch 0\n`);
    expect(fs.readdirSync(dir).filter((f) => f.includes('tmp'))).toEqual([]);
    const cport = node.cport;
    await node.stop();
    node = await startClusterShoal([], dir, cport);
    expect(text(await call1(node.port, 'CLUSTER', 'MYID'))).toBe(id);
    const info = await clusterInfo(node.port);
    expect([info.cluster_current_epoch, info.cluster_my_epoch, info.cluster_slots_assigned]).toEqual(['1', '1', '101']);
  });

  it('CLUSTER SAVECONFIG and RESET HARD (a new id, epochs back to 0)', async () => {
    const before = text(await call1(node!.port, 'CLUSTER', 'MYID'));
    expect(await call1(node!.port, 'CLUSTER', 'SAVECONFIG')).toBe('+OK\r\n');
    expect(await call1(node!.port, 'CLUSTER', 'RESET', 'HARD')).toBe('+OK\r\n');
    const after = text(await call1(node!.port, 'CLUSTER', 'MYID'));
    expect(after).not.toBe(before);
    expect(fs.readFileSync(path.join(dir, 'nodes.conf'), 'latin1')).toMatch(new RegExp(`^${after} .* myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n$`));
  });
});

describe('a dataset loaded in cluster mode', () => {
  const dir = tmpClusterDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('claims the unassigned slots it holds keys for; keys outside db 0 stop the start', async () => {
    const plain = await startShoal(['--dir', dir]);
    await call1(plain.port, 'MSET', 'a', '1', 'b', '2');
    expect(await call1(plain.port, 'SAVE')).toBe('+OK\r\n');
    await plain.stop();
    const node = await startClusterShoal([], dir);
    try {
      const id = text(await call1(node.port, 'CLUSTER', 'MYID'));
      expect(text(await call1(node.port, 'CLUSTER', 'NODES'))).toBe(`${id} :${node.port}@${node.cport} myself,master - 0 0 0 connected 3300 15495\n`);
      expect(fs.readFileSync(path.join(dir, 'nodes.conf'), 'latin1')).toContain(' 3300 15495\n');
    } finally {
      await node.stop();
    }
    const other = await startShoal(['--dir', dir]);
    const c = await RespConn.connect(other.port);
    await c.call('SELECT', '1');
    await c.call('SET', 'x', '1');
    await c.call('SAVE');
    c.close();
    await other.stop();
    await expect(startClusterShoal([], dir)).rejects.toThrow("You can't have keys in a DB different than DB 0 when in Cluster mode. Exiting.");
  });
});

describe('announced address', () => {
  let node: ClusterShoal | undefined;
  afterAll(async () => {
    await node?.stop();
  });

  it('cluster-announce-ip/port/bus-port/hostname name this node in CLUSTER NODES, SLOTS and SHARDS', async () => {
    node = await startClusterShoal(['--cluster-announce-ip', '10.1.2.3', '--cluster-announce-port', '7001', '--cluster-announce-bus-port', '17001',
      '--cluster-announce-hostname', 'node-1.test']);
    await call1(node.port, 'CLUSTER', 'ADDSLOTS', '7');
    const id = text(await call1(node.port, 'CLUSTER', 'MYID'));
    expect(text(await call1(node.port, 'CLUSTER', 'NODES'))).toBe(`${id} 10.1.2.3:7001@17001,node-1.test myself,master - 0 0 0 connected 7\n`);
    expect(await call1(node.port, 'CLUSTER', 'SLOTS')).toBe(
      `*1\r\n*3\r\n:7\r\n:7\r\n*4\r\n$8\r\n10.1.2.3\r\n:7001\r\n$40\r\n${id}\r\n*2\r\n$8\r\nhostname\r\n$11\r\nnode-1.test\r\n`);
    expect(await call1(node.port, 'CONFIG', 'SET', 'cluster-preferred-endpoint-type', 'hostname')).toBe('+OK\r\n');
    expect(await call1(node.port, 'CLUSTER', 'SLOTS')).toBe(
      `*1\r\n*3\r\n:7\r\n:7\r\n*4\r\n$11\r\nnode-1.test\r\n:7001\r\n$40\r\n${id}\r\n*2\r\n$2\r\nip\r\n$8\r\n10.1.2.3\r\n`);
    expect(await call1(node.port, 'CLUSTER', 'SHARDS')).toContain('$8\r\nendpoint\r\n$11\r\nnode-1.test\r\n$8\r\nhostname\r\n$11\r\nnode-1.test\r\n');
  });
});

describe('routing between two Shoal nodes', () => {
  let a: ClusterShoal;
  let b: ClusterShoal;
  let ca: RespConn;
  let cb: RespConn;
  let idA = '';
  let idB = '';
  // 'k' and '{k}x' share a slot served by a; 'foo' (12182) is served by b.
  const SLOT_K = keyHashSlot('k');
  beforeAll(async () => {
    [a, b] = await Promise.all([startClusterShoal(), startClusterShoal()]);
    [ca, cb] = await Promise.all([RespConn.connect(a.port), RespConn.connect(b.port)]);
    idA = text(await ca.call('CLUSTER', 'MYID'));
    idB = text(await cb.call('CLUSTER', 'MYID'));
    await ca.call('CLUSTER', 'ADDSLOTSRANGE', '0', '8191');
    await cb.call('CLUSTER', 'ADDSLOTSRANGE', '8192', '16383');
    expect(await cb.call('CLUSTER', 'MEET', '127.0.0.1', String(a.port), String(a.cport))).toBe('+OK\r\n');
    await until('both nodes know each other', async () => {
      const [na, nb] = [text(await ca.call('CLUSTER', 'NODES')), text(await cb.call('CLUSTER', 'NODES'))];
      return na.includes(idB) && nb.includes(idA) && !na.includes('handshake') && !nb.includes('handshake') ? true : undefined;
    });
    await Promise.all([waitStateOk(a.port), waitStateOk(b.port)]);
  });
  afterAll(async () => {
    ca?.close();
    cb?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('both nodes agree on the slot map (CLUSTER NODES)', async () => {
    const mapOf = (nodes: string) =>
      nodes.trim().split('\n').map((l) => l.split(' ')).map((f) => `${f[0]} ${f[1]} ${f[2].replace('myself,', '')} ${f.slice(8).join(' ')}`).sort();
    expect(mapOf(text(await ca.call('CLUSTER', 'NODES')))).toEqual(mapOf(text(await cb.call('CLUSTER', 'NODES'))));
    expect(text(await ca.call('CLUSTER', 'NODES'))).toContain(`${idB} 127.0.0.1:${b.port}@${b.cport} master - `);
  });

  it('MOVED names the owner; CROSSSLOT; EXEC re-checks its queue', async () => {
    expect(SLOT_K).toBeLessThan(8192);
    expect(await ca.call('SET', 'foo', '1')).toBe(`-MOVED 12182 127.0.0.1:${b.port}\r\n`);
    expect(await cb.call('GET', 'k')).toBe(`-MOVED ${SLOT_K} 127.0.0.1:${a.port}\r\n`);
    expect(await ca.call('MSET', 'k', '1', 'foo', '2')).toBe("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
    expect(await ca.call('MULTI')).toBe('+OK\r\n');
    expect(await ca.call('SET', 'foo', '1')).toBe(`-MOVED 12182 127.0.0.1:${b.port}\r\n`);
    expect(await ca.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
    expect(await ca.call('SET', 'k', 'v')).toBe('+OK\r\n');
  });

  it('ASK while a slot migrates, ASKING on the importing node, TRYAGAIN for a split multi-key request', async () => {
    const slot = String(SLOT_K);
    expect(await cb.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', idA)).toBe('+OK\r\n');
    expect(await ca.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', idB)).toBe('+OK\r\n');
    expect(await ca.call('SET', '{k}x', '1')).toBe(`-ASK ${slot} 127.0.0.1:${b.port}\r\n`);
    expect(await ca.call('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(await ca.call('MGET', 'k', '{k}x')).toBe('-TRYAGAIN Multiple keys request during rehashing of slot\r\n');
    expect(await cb.call('SET', '{k}x', '1')).toBe(`-MOVED ${slot} 127.0.0.1:${a.port}\r\n`);
    expect(await cb.call('ASKING')).toBe('+OK\r\n');
    expect(await cb.call('SET', '{k}x', '1')).toBe('+OK\r\n');
    // ASKING covers one command only.
    expect(await cb.call('GET', '{k}x')).toBe(`-MOVED ${slot} 127.0.0.1:${a.port}\r\n`);
    expect(await ca.call('CLUSTER', 'SETSLOT', slot, 'STABLE')).toBe('+OK\r\n');
    expect(await cb.call('CLUSTER', 'SETSLOT', slot, 'STABLE')).toBe('+OK\r\n');
    expect(await cb.call('DEL', '{k}x')).toBe(`-MOVED ${slot} 127.0.0.1:${a.port}\r\n`);
  });

  it('SETSLOT NODE hands an empty slot over with a new epoch, and the other node learns it', async () => {
    const slot = '8191';
    expect(await cb.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', idA)).toBe('+OK\r\n');
    expect(await ca.call('CLUSTER', 'SETSLOT', slot, 'NODE', idB)).toBe('+OK\r\n');
    expect(await cb.call('CLUSTER', 'SETSLOT', slot, 'NODE', idB)).toBe('+OK\r\n');
    const key = (() => {
      for (let i = 0; ; i++) if (keyHashSlot(`x${i}`) === 8191) return `x${i}`;
    })();
    expect(await cb.call('SET', key, '1')).toBe('+OK\r\n');
    expect(await ca.call('GET', key)).toBe(`-MOVED 8191 127.0.0.1:${b.port}\r\n`);
    await until('a sees b as owner of 8191 with its new epoch', async () => (text(await ca.call('CLUSTER', 'NODES')).includes(' 8191-16383') ? true : undefined));
  });

  it('a client blocked on a key whose slot moves away gets MOVED', async () => {
    let key = 'b0';
    for (let i = 1; keyHashSlot(key) >= 8191 || keyHashSlot(key) === SLOT_K; i++) key = `b${i}`;
    const slot = keyHashSlot(key);
    const blocked = await RespConn.connect(a.port);
    try {
      blocked.send('BLPOP', key, '0');
      await until('client blocked', async () => ((await ca.call('INFO', 'clients')).includes('blocked_clients:1') ? true : undefined));
      expect(await ca.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', idB)).toBe('+OK\r\n');
      expect((await blocked.read(1))[0]).toBe(`-MOVED ${slot} 127.0.0.1:${b.port}\r\n`);
    } finally {
      blocked.close();
    }
  });

  it('PUBLISH reaches subscribers on the other node', async () => {
    const sub = await RespConn.connect(b.port);
    try {
      expect(await sub.call('SUBSCRIBE', 'news')).toContain('subscribe');
      expect(await ca.call('PUBLISH', 'news', 'hello')).toBe(':0\r\n');
      expect((await sub.read(1))[0]).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n');
    } finally {
      sub.close();
    }
  });

  it('INFO clients counts two cluster connections per other node', async () => {
    expect(await ca.call('INFO', 'clients')).toContain('cluster_connections:2\r\n');
  });

  it('CLUSTER LINKS lists a link each way; FORGET drops the node', async () => {
    const links = await ca.call('CLUSTER', 'LINKS');
    expect(links).toMatch(/^\*2\r\n/);
    expect(links).toContain('$9\r\ndirection\r\n$2\r\nto\r\n');
    expect(links).toContain('$9\r\ndirection\r\n$4\r\nfrom\r\n');
    expect(await ca.call('CLUSTER', 'COUNT-FAILURE-REPORTS', idB)).toBe(':0\r\n');
    expect(await ca.call('CLUSTER', 'FORGET', idA)).toBe("-ERR I tried hard but I can't forget myself...\r\n");
    expect(await ca.call('CLUSTER', 'FORGET', idB)).toBe('+OK\r\n');
    expect(text(await ca.call('CLUSTER', 'NODES'))).not.toContain(idB);
    // Banned for a minute: b's gossip does not bring it back.
    await new Promise((r) => setTimeout(r, 1500));
    expect(text(await ca.call('CLUSTER', 'NODES'))).not.toContain(idB);
  });
});

describe('nodes on distinct loopback addresses', () => {
  let nodes: ClusterShoal[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('each node is known by the address it listens on (outgoing bus links start from it)', async () => {
    nodes = await Promise.all([2, 3, 4].map((x) => startClusterShoal(['--bind', `127.0.0.${x} 127.0.0.1`])));
    for (const n of nodes.slice(1)) expect(await call1(n.port, 'CLUSTER', 'MEET', '127.0.0.2', String(nodes[0].port), String(nodes[0].cport))).toBe('+OK\r\n');
    const ids = await Promise.all(nodes.map(async (n) => text(await call1(n.port, 'CLUSTER', 'MYID'))));
    await until('every node knows the others at their own addresses', async () => {
      for (const n of nodes) {
        const view = text(await call1(n.port, 'CLUSTER', 'NODES'));
        for (let i = 0; i < 3; i++) if (!view.includes(`${ids[i]} 127.0.0.${i + 2}:${nodes[i].port}@${nodes[i].cport} `)) return undefined;
        if (view.includes('handshake')) return undefined;
      }
      return true;
    });
    // And they stay there once pings flow both ways.
    await new Promise((r) => setTimeout(r, 1200));
    for (const n of nodes) for (let i = 0; i < 3; i++) expect(text(await call1(n.port, 'CLUSTER', 'NODES'))).toContain(`${ids[i]} 127.0.0.${i + 2}:`);
  });
});

describe('cluster-link-sendbuf-limit', () => {
  let node: ClusterShoal | undefined;
  afterAll(async () => {
    await node?.stop();
  });

  it('a bus peer that stops reading is cut off once the send buffer passes the limit', async () => {
    node = await startClusterShoal(['--cluster-link-sendbuf-limit', '65536']);
    const settings = { preferredEndpoint: 'ip', requireFullCoverage: true, allowReadsWhenDown: false, allowPubsubshardWhenDown: true } as const;
    const fake = new ClusterState(settings, Date.now());
    const ping = encodeMessage(buildMessage(fake, MsgType.PING, { kind: 'ping', gossip: [], extensions: [] }, { announceIp: '', replOffset: 0, manualFailover: false }));
    const sock = net.connect(node.cport, '127.0.0.1');
    sock.on('error', () => {});
    await new Promise((r) => sock.once('connect', r));
    // Every PING is answered with a PONG we never read.
    sock.pause();
    const batch = Buffer.concat(new Array<Buffer>(500).fill(ping));
    for (let i = 0; i < 40 && !sock.destroyed; i++) {
      sock.write(batch);
      await new Promise((r) => setTimeout(r, 20));
    }
    await until('link cut', async () => ((await clusterInfo(node!.port)).total_cluster_links_buffer_limit_exceeded === '1' ? true : undefined));
    sock.destroy();
  });
});

describe('CLUSTER SLOTS and replicas', () => {
  it('lists a replica once it has replicated something (offset not 0), as Redis does; DEBUG CLUSTERLINK KILL', async () => {
    const a = await startClusterShoal(['--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes']);
    const b = await startClusterShoal();
    try {
      expect(await call1(a.port, 'CLUSTER', 'ADDSLOTSRANGE', '0', '16383')).toBe('+OK\r\n');
      expect(await call1(a.port, 'CLUSTER', 'MEET', '127.0.0.1', String(b.port), String(b.cport))).toBe('+OK\r\n');
      const aid = text(await call1(a.port, 'CLUSTER', 'MYID'));
      await until('b to know a', async () => ((await call1(b.port, 'CLUSTER', 'NODES')).includes(aid) ? true : undefined));
      expect(await call1(b.port, 'CLUSTER', 'REPLICATE', aid)).toBe('+OK\r\n');
      await until('the replica link', async () => ((await call1(b.port, 'INFO', 'replication')).includes('master_link_status:up') ? true : undefined));
      // Nothing replicated yet: both show the primary alone.
      for (const port of [a.port, b.port]) expect(await call1(port, 'CLUSTER', 'SLOTS')).toMatch(/^\*1\r\n\*3\r\n/);
      await waitStateOk(a.port);
      // DEBUG CLUSTERLINK KILL drops bus links; they come back.
      const bid = text(await call1(b.port, 'CLUSTER', 'MYID'));
      const links = async (): Promise<number> => Number(/^\*(\d+)/.exec(await call1(a.port, 'CLUSTER', 'LINKS'))![1]);
      expect(await links()).toBe(2);
      expect(await call1(a.port, 'DEBUG', 'CLUSTERLINK', 'KILL', 'all', bid)).toBe('+OK\r\n');
      expect(await links()).toBeLessThan(2);
      await until('the links to come back', async () => ((await links()) === 2 ? true : undefined));
      expect(await call1(a.port, 'DEBUG', 'CLUSTERLINK', 'KILL', 'sideways', bid)).toBe('-ERR Unknown direction sideways\r\n');
      expect(await call1(a.port, 'DEBUG', 'CLUSTERLINK', 'KILL', 'to', 'nosuch')).toBe('-ERR Unknown node nosuch\r\n');
      expect(await call1(a.port, 'SET', 'k', 'v')).toBe('+OK\r\n');
      for (const port of [a.port, b.port]) {
        await until(`the replica in CLUSTER SLOTS on ${port}`, async () => (/^\*1\r\n\*4\r\n/.test(await call1(port, 'CLUSTER', 'SLOTS')) ? true : undefined));
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 30000);
});
