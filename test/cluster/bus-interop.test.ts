// The bus codec against real redis-server 7.0 nodes. Two Debian nodes form a cluster; the test
// then plays a third node ("fake", a ClusterState whose messages come from buildMessage and our
// encoder): it MEETs a real node, and decodes what the real node sends back (PONG, PING, UPDATE,
// PUBLISH). Each decoded message must
// describe the real node as CLUSTER MYID/NODES does and re-encode to the same bytes; each message we
// send must have the effect it has between real nodes (handshake, slot claim, FAIL, PUBLISH).
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BusBody,
  type BusMessage,
  bitmapSet,
  bitmapTest,
  encodeMessage,
  MsgFlag0,
  MsgType,
  NodeFlag,
  SLOTS_BITMAP_LEN,
  STATE_FAIL,
} from '../../src/cluster/bus/codec.js';
import { buildMessage } from '../../src/cluster/bus/messages.js';
import { ClusterState } from '../../src/cluster/state.js';
import { freePort, RespConn, requireRedis } from '../helpers/server.js';
import { BusPeer } from './bus-peer.js';
import { startClusterRedis, type ClusterRedis } from './redis-cluster.js';

const enabled = requireRedis();

function bulkText(reply: string): string {
  if (!reply.startsWith('$')) throw new Error(`not a bulk string: ${reply}`);
  return reply.slice(reply.indexOf('\r\n') + 2, -2);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function slotList(bits: Uint8Array): number[] {
  const out: number[] = [];
  for (let s = 0; s < SLOTS_BITMAP_LEN * 8; s++) if (bitmapTest(bits, s)) out.push(s);
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe.skipIf(!enabled)('cluster bus interop with redis-server 7.0', () => {
  let r1: ClusterRedis;
  let r2: ClusterRedis;
  let c1: RespConn;
  let c2: RespConn;
  let id1: string;
  let id2: string;
  // The fake node: its id, advertised client port (nobody connects there) and a listening bus port.
  const fakeId = randomBytes(20).toString('hex');
  let fakePort: number;
  let fakeBus: net.Server;
  let fakeBusPort: number;
  const inbound: BusPeer[] = [];
  let outbound: BusPeer;
  // The fake node's own cluster model: its messages are built by buildMessage, like ours will be.
  let fake: ClusterState;

  function fromFake(type: number, body: BusBody): BusMessage {
    return buildMessage(fake, type, body, { announceIp: '', replOffset: 0, manualFailover: false });
  }
  const noGossip = (): BusBody => ({ kind: 'ping', gossip: [], extensions: [] });

  async function nodesOf(c: RespConn): Promise<string[]> {
    return bulkText(await c.call('CLUSTER', 'NODES')).trim().split('\n');
  }
  const lineFor = (lines: string[], id: string) => lines.find((l) => l.startsWith(id + ' '));

  beforeAll(async () => {
    r1 = await startClusterRedis(['--cluster-announce-hostname', 'r1.test']);
    r2 = await startClusterRedis();
    c1 = await RespConn.connect(r1.port);
    c2 = await RespConn.connect(r2.port);
    id1 = bulkText(await c1.call('CLUSTER', 'MYID'));
    id2 = bulkText(await c2.call('CLUSTER', 'MYID'));
    expect(await c1.call('CLUSTER', 'SET-CONFIG-EPOCH', '5')).toBe('+OK\r\n');
    expect(await c1.call('CLUSTER', 'ADDSLOTSRANGE', '0', '99')).toBe('+OK\r\n');
    expect(await c2.call('CLUSTER', 'ADDSLOTS', '16000')).toBe('+OK\r\n');
    expect(await c1.call('CLUSTER', 'MEET', '127.0.0.1', String(r2.port), String(r2.cport))).toBe('+OK\r\n');
    await until('the two real nodes to know each other', async () => {
      const l = lineFor(await nodesOf(c1), id2);
      return l && / master - \d+ \d+ \d+ connected 16000$/.test(l) ? l : undefined;
    });

    fakePort = await freePort();
    fakeBus = net.createServer((s) => {
      const p = new BusPeer(s);
      // Behave like a node: answer every PING/MEET with a PONG.
      p.onMessage = (m, peer) => {
        if (m.type === MsgType.PING || m.type === MsgType.MEET) peer.send(fromFake(MsgType.PONG, noGossip()));
      };
      inbound.push(p);
    });
    await new Promise<void>((r) => fakeBus.listen(0, '127.0.0.1', r));
    fakeBusPort = (fakeBus.address() as net.AddressInfo).port;
    fake = new ClusterState({ preferredEndpoint: 'ip', requireFullCoverage: true, allowReadsWhenDown: false, allowPubsubshardWhenDown: true }, Date.now(), fakeId);
    Object.assign(fake.myself, { port: fakePort, cport: fakeBusPort, configEpoch: 1 });
    fake.currentEpoch = 1;
    for (let s = 200; s <= 299; s++) fake.addSlot(s, fake.myself);
  });

  afterAll(async () => {
    outbound?.close();
    for (const p of inbound) p.close();
    fakeBus?.close();
    c1?.close();
    c2?.close();
    await r1?.stop();
    await r2?.stop();
  });

  /** R1's link to our bus port (R2 may connect too, once R1 gossips about us). */
  const r1Link = () => inbound.find((p) => p.received.some((r) => r.msg.sender === id1));

  function expectFromR1(m: BusMessage): void {
    expect(m.sender).toBe(id1);
    expect(m.port).toBe(r1.port);
    expect(m.cport).toBe(r1.cport);
    expect(m.pport).toBe(0);
    expect(m.flags).toBe(NodeFlag.MASTER | NodeFlag.MYSELF);
    expect(m.slaveof).toBeNull();
    expect(m.myip).toBe('');
    expect(m.configEpoch).toBe(5);
    expect(m.currentEpoch).toBeGreaterThanOrEqual(5);
    // Slots 100..16383 minus 16000 are unassigned: the cluster is down.
    expect(m.state).toBe(STATE_FAIL);
    expect(slotList(m.myslots)).toEqual(range(0, 99));
  }

  function expectGossipAbout(m: BusMessage, ids: string[]): string[] {
    if (m.body.kind !== 'ping') throw new Error(`not a ping body: ${m.body.kind}`);
    const seen: string[] = [];
    for (const g of m.body.gossip) {
      expect(ids).toContain(g.nodename);
      const [port, cport] = g.nodename === id2 ? [r2.port, r2.cport] : [fakePort, fakeBusPort];
      expect([g.ip, g.port, g.cport, g.pport]).toEqual(['127.0.0.1', port, cport, 0]);
      expect(g.flags & (NodeFlag.MASTER | NodeFlag.SLAVE)).toBe(NodeFlag.MASTER);
      const now = Date.now() / 1000;
      if (g.pongReceived !== 0) expect(Math.abs(g.pongReceived - now)).toBeLessThan(60);
      seen.push(g.nodename);
    }
    return seen;
  }

  it('a MEET from our encoder is answered with a PONG that decodes to the real node', async () => {
    outbound = await BusPeer.connect(r1.cport);
    outbound.send(fromFake(MsgType.MEET, noGossip()));
    const { raw, msg } = await outbound.waitFor((m) => m.type === MsgType.PONG);
    expectFromR1(msg);
    expect(msg.mflags).toBe(MsgFlag0.EXT_DATA);
    if (msg.body.kind !== 'ping') throw new Error('PONG without a ping body');
    expect(msg.body.extensions).toEqual([{ type: 0, hostname: 'r1.test' }]);
    // The node we are (still in handshake) is never gossiped; R2 may be.
    expectGossipAbout(msg, [id2]);
    expect(encodeMessage(msg).equals(raw)).toBe(true);
  });

  it('the real node completes the handshake over our bus port and takes our slot claim', async () => {
    // R1 connects to the address we announced and PINGs; our PONG renames its handshake node to us.
    const peer = await until('R1 to connect to our bus port and PING', async () => r1Link());
    const { raw, msg } = await peer.waitFor((m) => m.type === MsgType.PING);
    expectFromR1(msg);
    expect(encodeMessage(msg).equals(raw)).toBe(true);
    const line = await until('R1 to know the fake node by its id', async () => lineFor(await nodesOf(c1), fakeId));
    expect(line.split(' ').slice(1, 3)).toEqual([`127.0.0.1:${fakePort}@${fakeBusPort}`, 'master']);

    // Once known, a PING carrying our slots bitmap and epoch updates R1's slot map.
    outbound.send(fromFake(MsgType.PING, noGossip()));
    const claimed = await until('R1 to assign our slots', async () => {
      const l = lineFor(await nodesOf(c1), fakeId);
      return l?.endsWith(' 200-299') ? l : undefined;
    });
    expect(claimed.split(' ')[6]).toBe('1');
  });

  it('PONGs gossip about the other real node with its real address', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50 && !seen.has(id2); i++) {
      const from = outbound.received.length;
      outbound.send(fromFake(MsgType.PING, noGossip()));
      const { raw, msg } = await outbound.waitFor((m) => m.type === MsgType.PONG, 8000, from);
      expectFromR1(msg);
      for (const id of expectGossipAbout(msg, [id2, fakeId])) seen.add(id);
      expect(encodeMessage(msg).equals(raw)).toBe(true);
    }
    expect(seen.has(id2)).toBe(true);
  });

  it('claiming a slot owned with a newer epoch brings an UPDATE about its owner', async () => {
    const peer = r1Link()!;
    const from = peer.received.length;
    const claim = new Uint8Array(fake.myself.slots);
    bitmapSet(claim, 0);
    outbound.send({ ...fromFake(MsgType.PING, noGossip()), myslots: claim });
    const { raw, msg } = await peer.waitFor((m) => m.type === MsgType.UPDATE, 8000, from);
    expectFromR1(msg);
    if (msg.body.kind !== 'update') throw new Error('UPDATE without an update body');
    expect(msg.body.nodename).toBe(id1);
    expect(msg.body.configEpoch).toBe(5);
    expect(slotList(msg.body.slots)).toEqual(range(0, 99));
    expect(encodeMessage(msg).equals(raw)).toBe(true);
    // The stale claim did not take slot 0.
    expect(lineFor(await nodesOf(c1), id1)).toMatch(/ connected 0-99$/);
  });

  it('PUBLISH travels both ways', async () => {
    const peer = r1Link()!;
    const from = peer.received.length;
    expect(await c1.call('PUBLISH', 'news\x00\xff', 'hello\r\nbus')).toBe(':0\r\n');
    const { raw, msg } = await peer.waitFor((m) => m.type === MsgType.PUBLISH, 8000, from);
    expectFromR1(msg);
    expect(msg.body).toEqual({ kind: 'publish', channel: 'news\x00\xff', message: 'hello\r\nbus' });
    expect(encodeMessage(msg).equals(raw)).toBe(true);

    const sub = await RespConn.connect(r1.port);
    try {
      await sub.call('SUBSCRIBE', 'from-fake');
      outbound.send(fromFake(MsgType.PUBLISH, { kind: 'publish', channel: 'from-fake', message: 'hi \x00 there' }));
      expect((await sub.read(1))[0]).toBe('*3\r\n$7\r\nmessage\r\n$9\r\nfrom-fake\r\n$10\r\nhi \x00 there\r\n');
    } finally {
      sub.close();
    }
  });

  it('a replica describes itself with its primary, and its primary\'s slots and epoch', async () => {
    const r3 = await startClusterRedis();
    const c3 = await RespConn.connect(r3.port);
    let peer: BusPeer | undefined;
    try {
      const id3 = bulkText(await c3.call('CLUSTER', 'MYID'));
      expect(await c1.call('CLUSTER', 'MEET', '127.0.0.1', String(r3.port), String(r3.cport))).toBe('+OK\r\n');
      await until('R3 to know R1', async () => (lineFor(await nodesOf(c3), id1)?.includes(' master ') ? true : undefined));
      expect(await c3.call('CLUSTER', 'REPLICATE', id1)).toBe('+OK\r\n');
      peer = await BusPeer.connect(r3.cport);
      const p = peer;
      // R3 learns R1's epoch and slots from R1's next ping; until then it sends what it knows.
      const { raw, msg } = await until('R3 to send a PONG as a replica of R1', async () => {
        const from = p.received.length;
        p.send(fromFake(MsgType.MEET, noGossip()));
        const r = await p.waitFor((m) => m.type === MsgType.PONG, 8000, from);
        return r.msg.slaveof !== null && r.msg.configEpoch === 5 ? r : undefined;
      });
      expect(msg.sender).toBe(id3);
      expect([msg.port, msg.cport]).toEqual([r3.port, r3.cport]);
      expect(msg.flags).toBe(NodeFlag.SLAVE | NodeFlag.MYSELF);
      expect(msg.slaveof).toBe(id1);
      expect(msg.configEpoch).toBe(5);
      expect(slotList(msg.myslots)).toEqual(range(0, 99));
      if (msg.body.kind !== 'ping') throw new Error('PONG without a ping body');
      expect(msg.body.extensions).toEqual([]);
      expect(msg.mflags).toBe(0);
      expect(encodeMessage(msg).equals(raw)).toBe(true);
    } finally {
      peer?.close();
      c3.close();
      await r3.stop();
    }
  });

  it('a FAIL from us marks the other real node as failed', async () => {
    outbound.send(fromFake(MsgType.FAIL, { kind: 'fail', nodename: id2 }));
    const line = await until('R1 to flag R2 as failed', async () => {
      const l = lineFor(await nodesOf(c1), id2);
      return l && l.split(' ')[2] === 'master,fail' ? l : undefined;
    });
    expect(line).toContain(`127.0.0.1:${r2.port}@${r2.cport}`);
  });
});
