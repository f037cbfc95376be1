import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, MsgFlag0, MsgType, NodeFlag, STATE_FAIL, STATE_OK, bitmapTest } from '../../src/cluster/bus/codec.js';
import { buildFail, buildHeaderOnly, buildMessage, buildPing, buildPublish, buildUpdate, gossipEntry, selectGossip, type SenderContext } from '../../src/cluster/bus/messages.js';
import { ClusterState, randomNodeId, type ClusterNode } from '../../src/cluster/state.js';

const ctx: SenderContext = { announceIp: '', replOffset: 777, manualFailover: false };

function cluster(others: number): { st: ClusterState; nodes: ClusterNode[] } {
  const st = new ClusterState({ preferredEndpoint: 'ip', requireFullCoverage: false, allowReadsWhenDown: false, allowPubsubshardWhenDown: true }, 0);
  Object.assign(st.myself, { ip: '127.0.0.1', port: 7000, cport: 17000, configEpoch: 3 });
  st.currentEpoch = 9;
  st.addSlot(5, st.myself);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < others; i++) {
    const n = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
    Object.assign(n, { ip: '127.0.0.1', port: 7001 + i, cport: 17001 + i, linked: true });
    nodes.push(n);
  }
  return { st, nodes };
}

/** A reproducible random source. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe('messages built from the cluster state', () => {
  it('a primary describes itself', () => {
    const { st } = cluster(1);
    const m = buildMessage(st, MsgType.PING, { kind: 'ping', gossip: [], extensions: [] }, ctx);
    expect(m).toMatchObject({ sender: st.myself.id, port: 7000, cport: 17000, pport: 0, flags: NodeFlag.MYSELF | NodeFlag.MASTER, state: STATE_FAIL, mflags: 0, currentEpoch: 9, configEpoch: 3, offset: 777, slaveof: null, myip: '' });
    expect(bitmapTest(m.myslots, 5)).toBe(true);
    // A snapshot: later slot changes do not alter a built message.
    st.delSlot(5);
    expect(bitmapTest(m.myslots, 5)).toBe(true);
  });

  it('a replica sends its primary\'s slots and epoch, flagged as a replica', () => {
    const { st, nodes } = cluster(1);
    const p = nodes[0];
    st.delSlot(5);
    st.addSlot(6, p);
    p.configEpoch = 8;
    st.myself.flags = NodeFlag.MYSELF | NodeFlag.SLAVE;
    st.setPrimaryOf(st.myself, p);
    st.health.update(st.healthInput(), 0, false, 1000);
    const m = buildHeaderOnly(st, MsgType.FAILOVER_AUTH_REQUEST, { ...ctx, manualFailover: true });
    expect(m).toMatchObject({ flags: NodeFlag.MYSELF | NodeFlag.SLAVE, slaveof: p.id, configEpoch: 8, state: STATE_OK, mflags: MsgFlag0.FORCEACK });
    expect([bitmapTest(m.myslots, 6), bitmapTest(m.myslots, 5)]).toEqual([true, false]);
  });

  it('a primary in a manual failover says it is paused', () => {
    const { st } = cluster(0);
    expect(buildHeaderOnly(st, MsgType.MFSTART, { ...ctx, manualFailover: true }).mflags).toBe(MsgFlag0.PAUSED);
    expect(buildHeaderOnly(st, MsgType.FAILOVER_AUTH_ACK, ctx).mflags).toBe(0);
  });

  it('gossip times are whole seconds', () => {
    const { nodes } = cluster(1);
    Object.assign(nodes[0], { pingSent: 1700000000999, pongReceived: 1999, pport: 6380 });
    expect(gossipEntry(nodes[0])).toEqual({ nodename: nodes[0].id, pingSent: 1700000000, pongReceived: 1, ip: '127.0.0.1', port: 7001, cport: 17001, flags: NodeFlag.MASTER, pport: 6380 });
  });

  it('FAIL, PUBLISH, PUBLISHSHARD and UPDATE carry their bodies', () => {
    const { st, nodes } = cluster(1);
    expect(buildFail(st, nodes[0], ctx).body).toEqual({ kind: 'fail', nodename: nodes[0].id });
    expect(buildPublish(st, 'c', 'm', false, ctx)).toMatchObject({ type: MsgType.PUBLISH, body: { kind: 'publish', channel: 'c', message: 'm' } });
    expect(buildPublish(st, 'c', 'm', true, ctx).type).toBe(MsgType.PUBLISHSHARD);
    const u = buildUpdate(st, st.myself, ctx);
    if (u.body.kind !== 'update') throw new Error('not an update');
    expect([u.body.nodename, u.body.configEpoch, bitmapTest(u.body.slots, 5)]).toEqual([st.myself.id, 3, true]);
    st.ownerNotClaimingSlot[0] = 1 << 5;
    const masked = buildUpdate(st, st.myself, ctx).body;
    if (masked.kind !== 'update') throw new Error('not an update');
    expect(bitmapTest(masked.slots, 5)).toBe(false);
    expect(st.isSlotUnclaimed(5)).toBe(true);
  });
});

describe('gossip selection', () => {
  it('has nothing to say in a two-node cluster', () => {
    const { st } = cluster(1);
    expect(selectGossip(st, seeded(1))).toEqual([]);
  });

  it('picks up to a tenth of the nodes (at least 3), never myself, never twice', () => {
    for (const [others, wanted] of [[3, 2], [10, 3], [40, 4]]) {
      const { st } = cluster(others);
      for (let seed = 1; seed < 30; seed++) {
        const g = selectGossip(st, seeded(seed));
        expect(g.length).toBeLessThanOrEqual(wanted);
        expect(g).not.toContain(st.myself);
        expect(new Set(g).size).toBe(g.length);
      }
    }
  });

  it('skips nodes in handshake, without address, or unlinked without slots; always adds PFAIL nodes', () => {
    const { st, nodes } = cluster(6);
    nodes[0].flags |= NodeFlag.HANDSHAKE;
    nodes[1].flags |= NodeFlag.NOADDR;
    nodes[2].linked = false;
    nodes[3].linked = false;
    st.addSlot(9, nodes[3]);
    nodes[4].flags |= NodeFlag.PFAIL;
    const seen = new Set<ClusterNode>();
    for (let seed = 1; seed < 60; seed++) {
      const g = selectGossip(st, seeded(seed));
      expect(g).toContain(nodes[4]);
      expect(g.filter((n) => n === nodes[4]).length).toBe(1);
      for (const n of g) seen.add(n);
    }
    expect([...seen].sort((a, b) => a.port - b.port)).toEqual([nodes[3], nodes[4], nodes[5]]);
  });

  it('a PING with gossip and hostname encodes and decodes', () => {
    const { st } = cluster(5);
    st.myself.hostname = 'me.example';
    const m = buildPing(st, MsgType.PING, ctx, seeded(7));
    const back = decodeMessage(encodeMessage(m));
    if (back.body.kind !== 'ping') throw new Error('not a ping');
    expect(back.body.gossip.length).toBeGreaterThan(0);
    expect(back.body.extensions).toEqual([{ type: 0, hostname: 'me.example' }]);
    expect(back.mflags).toBe(MsgFlag0.EXT_DATA);
  });
});
