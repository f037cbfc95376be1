import { describe, expect, it } from 'vitest';
import { NodeFlag, bitmapTest } from '../../src/cluster/bus/codec.js';
import { formatNodeLine, formatNodesConf, parseNodesConf } from '../../src/cluster/nodes-conf.js';
import { redirectError, Route, routeQuery, type RouteResult } from '../../src/cluster/routing.js';
import { CLUSTER_SLOTS, keyHashSlot } from '../../src/cluster/slots.js';
import { ClusterState, randomNodeId, type ClusterSettings } from '../../src/cluster/state.js';

const ID1 = 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca';
const ID2 = '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1';
const ID3 = '292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f';
const ID4 = '6ec23923021cf3ffec47632106199cb7f496ce01';

const settings = (): ClusterSettings => ({ preferredEndpoint: 'ip', requireFullCoverage: true, allowReadsWhenDown: false, allowPubsubshardWhenDown: true });

const CONF = [
  `${ID1} 127.0.0.1:30001@40001,r1.example myself,master - 0 0 5 connected 0-8191 [100->-${ID2}] [9000-<-${ID2}]`,
  `${ID2} 127.0.0.1:30002@40002 master - 0 0 2 disconnected 8192-16383`,
  `${ID3} 127.0.0.1:30003@40003 slave ${ID1} 0 0 5 disconnected`,
  'vars currentEpoch 6 lastVoteEpoch 5',
  '',
].join('\n');

function load(text = CONF, now = 1000): ClusterState {
  return ClusterState.fromNodesConf(parseNodesConf(text)!, settings(), now);
}

describe('ClusterState', () => {
  it('starts as a lone primary, written the way a fresh redis-server writes itself', () => {
    const st = new ClusterState(settings(), 1000);
    expect(st.myself.id).toMatch(/^[0-9a-f]{40}$/);
    expect(randomNodeId()).not.toBe(randomNodeId());
    expect(formatNodesConf(st.toNodesConf())).toBe(`${st.myself.id} :0@0 myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n`);
  });

  it('loads nodes.conf and writes it back the same', () => {
    const st = load();
    expect(formatNodesConf(st.toNodesConf())).toBe(CONF);
    expect(st.myself.id).toBe(ID1);
    expect(st.myself.numSlots).toBe(8192);
    expect(st.slots[8191]).toBe(st.myself);
    expect(st.slots[8192]!.id).toBe(ID2);
    expect(bitmapTest(st.lookup(ID2)!.slots, 16383)).toBe(true);
    expect(st.migratingTo[100]!.id).toBe(ID2);
    expect(st.importingFrom[9000]!.id).toBe(ID2);
    expect([st.currentEpoch, st.lastVoteEpoch]).toEqual([6, 5]);
  });

  it('applies the load-time rules: fresh times, replica epochs, first claim wins, placeholders', () => {
    const st = load(
      [
        `${ID1} 127.0.0.1:30001@40001 myself,master - 0 0 7 connected 0-10`,
        `${ID2} 127.0.0.1:30002@40002 master,fail - 1500000000000 1500000000001 9 connected 5-20`,
        `${ID3} 127.0.0.1:30003@40003 slave ${ID4} 0 0 3 connected`,
        'vars currentEpoch 1 lastVoteEpoch 0',
      ].join('\n'),
      42,
    );
    const n2 = st.lookup(ID2)!;
    expect([n2.pingSent, n2.pongReceived, n2.failTime]).toEqual([42, 42, 42]);
    expect(st.slots[5]).toBe(st.myself);
    expect(n2.numSlots).toBe(10);
    const replica = st.lookup(ID3)!;
    expect(replica.configEpoch).toBe(0);
    expect(replica.primary!.id).toBe(ID4);
    expect(replica.primary!.replicas).toEqual([replica]);
    // The primary known only by name gets a line of its own, like Redis writes it.
    expect(formatNodeLine(st.describe(st.lookup(ID4)!))).toBe(`${ID4} :0@0 noflags - 0 0 0 disconnected`);
    expect(st.currentEpoch).toBe(9);
  });

  it('keeps slot map, bitmaps and counts in step', () => {
    const st = new ClusterState(settings(), 0);
    const other = st.createNode(ID2, NodeFlag.MASTER, 0);
    expect(st.addSlot(7, st.myself)).toBe(true);
    expect(st.addSlot(7, other)).toBe(false);
    expect(st.delSlot(7)).toBe(true);
    expect(st.delSlot(7)).toBe(false);
    expect(st.addSlot(7, other)).toBe(true);
    expect([st.myself.numSlots, other.numSlots, other.ownsSlot(7), st.myself.ownsSlot(7)]).toEqual([0, 1, true, false]);
  });

  it('forgetting a node releases its slots, open slots, replicas and reports', () => {
    const st = load();
    const n2 = st.lookup(ID2)!;
    const n3 = st.lookup(ID3)!;
    st.setPrimaryOf(n3, n2);
    expect(st.myself.replicas).toEqual([]);
    st.myself.failReports.set(ID2, 5);
    st.deleteNode(n2);
    expect(st.lookup(ID2)).toBeUndefined();
    expect([st.slots[9000], st.migratingTo[100], st.importingFrom[9000], n3.primary]).toEqual([null, null, null, null]);
    expect(st.myself.failReports.size).toBe(0);
    expect(() => st.deleteNode(st.myself)).toThrow();
  });

  it('renames a node that finished its handshake', () => {
    const st = new ClusterState(settings(), 0);
    const n = st.createNode(randomNodeId(), NodeFlag.HANDSHAKE, 0);
    st.renameNode(n, ID3);
    expect(st.lookup(ID3)).toBe(n);
    expect(st.nodes.size).toBe(2);
    expect(() => st.renameNode(n, st.myself.id)).toThrow();
  });

  it('is the routing view, naming nodes by the preferred endpoint', () => {
    const st = load();
    st.health.update(st.healthInput(), 10_000, false, 15000);
    expect(st.stateOk).toBe(true);
    const key = '{x}';
    const slot = keyHashSlot(key);
    const owner = st.slots[slot]!;
    const out: RouteResult = { slot: 0, node: null };
    const q = { keys: [key], keyCount: 1, keySlots: [slot], isWrite: false, queueHasWrite: false, isExecWithoutMulti: false, isPubsubShard: false, isMigrate: false, cmdAsking: false, asking: false, readonly: false };
    const code = routeQuery(st, q, { has: () => false }, out);
    expect(owner === st.myself ? code === Route.OK : code === Route.MOVED).toBe(true);
    const other = st.lookup(ID2)!;
    const moved: RouteResult = { slot: 9000, node: other };
    expect(redirectError(Route.MOVED, moved)).toBe('MOVED 9000 127.0.0.1:30002');
    st.settings.preferredEndpoint = 'hostname';
    expect(redirectError(Route.MOVED, moved)).toBe('MOVED 9000 ?:30002');
    expect(redirectError(Route.MOVED, { slot: 1, node: st.myself })).toBe('MOVED 1 r1.example:30001');
    st.settings.preferredEndpoint = 'unknown-endpoint';
    expect(redirectError(Route.MOVED, moved)).toBe('MOVED 9000 :30002');
  });

  it('a replica routes READONLY reads of its primary\'s slots locally', () => {
    const st = load(
      CONF.replace(`${ID1} 127.0.0.1:30001@40001,r1.example myself,master`, `${ID1} 127.0.0.1:30001@40001,r1.example master`)
        .replace(`${ID3} 127.0.0.1:30003@40003 slave`, `${ID3} 127.0.0.1:30003@40003 myself,slave`)
        .replace(` [100->-${ID2}] [9000-<-${ID2}]`, ''),
    );
    expect(st.myself.id).toBe(ID3);
    expect(st.myPrimary!.id).toBe(ID1);
    st.health.update(st.healthInput(), 0, false, 15000);
    const slot = 0;
    const q = { keys: ['k'], keyCount: 1, keySlots: [slot], isWrite: false, queueHasWrite: false, isExecWithoutMulti: false, isPubsubShard: false, isMigrate: false, cmdAsking: false, asking: false, readonly: true };
    const out: RouteResult = { slot: 0, node: null };
    expect(routeQuery(st, q, { has: () => true }, out)).toBe(Route.OK);
    expect(routeQuery(st, { ...q, readonly: false }, { has: () => true }, out)).toBe(Route.MOVED);
    // A replica's line shows its primary's epoch.
    expect(formatNodeLine(st.describe(st.myself))).toBe(`${ID3} 127.0.0.1:30003@40003 myself,slave ${ID1} 0 0 5 connected`);
  });

  it('takes open slots from any line, as Redis does, and shows them on its own', () => {
    const st = load(CONF.replace(` [100->-${ID2}] [9000-<-${ID2}]`, '').replace(`${ID2} 127.0.0.1:30002@40002 master - 0 0 2 disconnected 8192-16383`, `${ID2} 127.0.0.1:30002@40002 master - 0 0 2 disconnected 8192-16383 [5->-${ID3}]`));
    expect(st.migratingTo[5]!.id).toBe(ID3);
    expect(formatNodeLine(st.describe(st.myself))).toMatch(/ 0-8191 \[5->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f\]$/);
    expect(formatNodeLine(st.describe(st.lookup(ID2)!))).toMatch(/ 8192-16383$/);
  });

  it('feeds cluster_state: a missing slot owner makes it fail', () => {
    const st = load();
    const h = st.health;
    expect(h.update(st.healthInput(), 0, false, 15000)).toBe(true);
    st.delSlot(CLUSTER_SLOTS - 1);
    expect(h.update(st.healthInput(), 1, false, 15000)).toBe(true);
    expect(st.stateOk).toBe(false);
  });
});
