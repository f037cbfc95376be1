import { describe, expect, it } from 'vitest';
import { NodeFlag, type GossipEntry } from '../../src/cluster/bus/codec.js';
import { processGossip } from '../../src/cluster/gossip.js';
import { ClusterState, randomNodeId, type ClusterNode } from '../../src/cluster/state.js';

const TIMEOUT = 1000;
const NOW = 1_700_000_000_000;

/** Me and primaries A, B, C serving a slot each (quorum 3 of 4); R a replica. */
function setup(): { st: ClusterState; a: ClusterNode; b: ClusterNode; c: ClusterNode; r: ClusterNode } {
  const st = new ClusterState({ preferredEndpoint: 'ip', requireFullCoverage: false, allowReadsWhenDown: false, allowPubsubshardWhenDown: true }, 0);
  st.addSlot(0, st.myself);
  const mk = (slot: number, port: number) => {
    const n = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
    Object.assign(n, { ip: '10.0.0.1', port, cport: port + 10000 });
    if (slot >= 0) st.addSlot(slot, n);
    return n;
  };
  const a = mk(1, 7001), b = mk(2, 7002), c = mk(3, 7003);
  const r = st.createNode(randomNodeId(), NodeFlag.SLAVE, 0);
  st.health.update(st.healthInput(), 0, false, TIMEOUT);
  return { st, a, b, c, r };
}

function about(n: ClusterNode, extra: Partial<GossipEntry> = {}): GossipEntry {
  return { nodename: n.id, pingSent: 0, pongReceived: 0, ip: n.ip, port: n.port, cport: n.cport, flags: n.flags, pport: 0, ...extra };
}

describe('processGossip follows clusterProcessGossipSection', () => {
  it('adds a node a known sender vouches for, with its address and flags', () => {
    const { st, a } = setup();
    const id = randomNodeId();
    const g: GossipEntry = { nodename: id, pingSent: 0, pongReceived: 0, ip: '10.0.0.9', port: 7009, cport: 17009, flags: NodeFlag.SLAVE, pport: 6009 };
    expect(processGossip(st, null, [g], NOW, TIMEOUT).added).toEqual([]);
    expect(processGossip(st, a, [{ ...g, flags: NodeFlag.NOADDR }], NOW, TIMEOUT).added).toEqual([]);
    expect(processGossip(st, a, [{ ...g, nodename: 'Z'.repeat(40) }], NOW, TIMEOUT).added).toEqual([]);
    const [n] = processGossip(st, a, [g], NOW, TIMEOUT).added;
    expect(n).toMatchObject({ id, ip: '10.0.0.9', port: 7009, cport: 17009, pport: 6009, flags: NodeFlag.SLAVE });
    expect(st.lookup(id)).toBe(n);
  });

  it('does not re-add a forgotten node for a minute', () => {
    const { st, a } = setup();
    const id = randomNodeId();
    const g: GossipEntry = { nodename: id, pingSent: 0, pongReceived: 0, ip: '10.0.0.9', port: 7009, cport: 17009, flags: NodeFlag.MASTER, pport: 0 };
    st.blacklistAdd(id, NOW);
    expect(processGossip(st, a, [g], NOW + 60_999, TIMEOUT).added).toEqual([]);
    expect(processGossip(st, a, [g], NOW + 61_000, TIMEOUT).added.length).toBe(1);
  });

  it('turns reports from primaries into FAIL once a majority agrees', () => {
    const { st, a, b, c } = setup();
    c.flags |= NodeFlag.PFAIL;
    // Me + A: 2 of the 3 needed.
    expect(processGossip(st, a, [about(c, { flags: NodeFlag.MASTER | NodeFlag.PFAIL })], NOW, TIMEOUT).failed).toEqual([]);
    expect(c.failReports.size).toBe(1);
    expect(processGossip(st, b, [about(c, { flags: NodeFlag.MASTER | NodeFlag.FAIL })], NOW, TIMEOUT).failed).toEqual([c]);
    expect(c.flags & NodeFlag.FAIL).toBe(NodeFlag.FAIL);
  });

  it('ignores reports from replicas and about myself; withdraws a report when the node is seen up', () => {
    const { st, a, c, r } = setup();
    processGossip(st, r, [about(c, { flags: NodeFlag.MASTER | NodeFlag.PFAIL })], NOW, TIMEOUT);
    expect(c.failReports.size).toBe(0);
    processGossip(st, a, [about(st.myself, { flags: NodeFlag.MASTER | NodeFlag.PFAIL })], NOW, TIMEOUT);
    expect(st.myself.failReports.size).toBe(0);
    processGossip(st, a, [about(c, { flags: NodeFlag.MASTER | NodeFlag.PFAIL })], NOW, TIMEOUT);
    processGossip(st, a, [about(c)], NOW, TIMEOUT);
    expect(c.failReports.size).toBe(0);
  });

  it('takes a newer pong time only when nobody doubts the node and it is not in the future', () => {
    const { st, a, b } = setup();
    b.pongReceived = NOW - 10_000;
    processGossip(st, a, [about(b, { pongReceived: (NOW - 5000) / 1000 })], NOW, TIMEOUT);
    expect(b.pongReceived).toBe(NOW - 5000);
    processGossip(st, a, [about(b, { pongReceived: (NOW + 1000) / 1000 })], NOW, TIMEOUT);
    expect(b.pongReceived).toBe(NOW - 5000);
    processGossip(st, a, [about(b, { pongReceived: (NOW - 6000) / 1000 })], NOW, TIMEOUT);
    expect(b.pongReceived).toBe(NOW - 5000);
    b.pingSent = NOW - 100;
    processGossip(st, a, [about(b, { pongReceived: NOW / 1000 })], NOW, TIMEOUT);
    expect(b.pongReceived).toBe(NOW - 5000);
  });

  it('moves an unreachable node to the address others reach it at', () => {
    const { st, a, b } = setup();
    b.flags |= NodeFlag.PFAIL;
    expect(processGossip(st, a, [about(b, { flags: NodeFlag.MASTER | NodeFlag.PFAIL, port: 8002 })], NOW, TIMEOUT).readdressed).toEqual([]);
    expect(processGossip(st, a, [about(b, { flags: NodeFlag.MASTER | NodeFlag.NOADDR, port: 8002 })], NOW, TIMEOUT).readdressed).toEqual([]);
    expect(processGossip(st, a, [about(b, { flags: NodeFlag.MASTER, ip: '10.0.0.1', port: 7002 })], NOW, TIMEOUT).readdressed).toEqual([]);
    expect(processGossip(st, a, [about(b, { flags: NodeFlag.MASTER, ip: '10.0.0.2', port: 8002, cport: 18002, pport: 6002 })], NOW, TIMEOUT).readdressed).toEqual([b]);
    expect([b.ip, b.port, b.cport, b.pport]).toEqual(['10.0.0.2', 8002, 18002, 6002]);
  });
});
