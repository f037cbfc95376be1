import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/cluster/bus/codec.js';
import {
  addFailureReport,
  clearFailureIfNeeded,
  delFailureReport,
  failureReportsCount,
  markFailingIfNeeded,
} from '../../src/cluster/failure.js';
import { ClusterState, randomNodeId, type ClusterNode } from '../../src/cluster/state.js';

const TIMEOUT = 1000;

/** Me plus `others` primaries, each serving one slot; health computed. */
function setup(others: number, meReplica = false): { st: ClusterState; nodes: ClusterNode[] } {
  const st = new ClusterState({ preferredEndpoint: 'ip', requireFullCoverage: false, allowReadsWhenDown: false, allowPubsubshardWhenDown: true }, 0);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < others; i++) {
    const n = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
    st.addSlot(i + 1, n);
    nodes.push(n);
  }
  if (meReplica) {
    st.myself.flags = NodeFlag.MYSELF | NodeFlag.SLAVE;
    st.setPrimaryOf(st.myself, nodes[0]);
  } else {
    st.addSlot(0, st.myself);
  }
  st.health.update(st.healthInput(), 0, false, TIMEOUT);
  return { st, nodes };
}

describe('failure reports', () => {
  it('are refreshed per sender and expire after twice the node timeout', () => {
    const { nodes } = setup(3);
    const [a, b, c] = nodes;
    expect(addFailureReport(a, b, 100)).toBe(true);
    expect(addFailureReport(a, b, 500)).toBe(false);
    expect(addFailureReport(a, c, 200)).toBe(true);
    expect(failureReportsCount(a, 2200, TIMEOUT)).toBe(2);
    expect(failureReportsCount(a, 2201, TIMEOUT)).toBe(1);
    expect(failureReportsCount(a, 2501, TIMEOUT)).toBe(0);
  });

  it('are withdrawn when the sender sees the node up again', () => {
    const { nodes } = setup(3);
    const [a, b, c] = nodes;
    addFailureReport(a, b, 0);
    addFailureReport(a, c, 1000);
    expect(delFailureReport(a, c, 1000, TIMEOUT)).toBe(true);
    expect(delFailureReport(a, c, 1000, TIMEOUT)).toBe(false);
    // Removing one also drops the expired ones.
    addFailureReport(a, c, 1000);
    expect(delFailureReport(a, c, 2001, TIMEOUT)).toBe(true);
    expect(a.failReports.size).toBe(0);
  });
});

describe('PFAIL -> FAIL', () => {
  it('needs the node in PFAIL and a majority of slot-serving primaries, counting myself as a primary', () => {
    // Five primaries serve slots (me + 4): a majority is 3.
    const { st, nodes } = setup(4);
    const [a, b, c] = nodes;
    expect(markFailingIfNeeded(st, a, 10, TIMEOUT)).toBe(false);
    addFailureReport(a, b, 10);
    addFailureReport(a, c, 10);
    expect(markFailingIfNeeded(st, a, 10, TIMEOUT)).toBe(false);
    a.flags |= NodeFlag.PFAIL;
    addFailureReport(a, b, 10);
    expect(a.failReports.size).toBe(2);
    expect(markFailingIfNeeded(st, a, 20, TIMEOUT)).toBe(true);
    expect(a.flags).toBe(NodeFlag.MASTER | NodeFlag.FAIL);
    expect(a.failTime).toBe(20);
    expect(markFailingIfNeeded(st, a, 30, TIMEOUT)).toBe(false);
  });

  it('a replica does not count itself', () => {
    const { st, nodes } = setup(3, true);
    // Three primaries serve slots: a majority is 2.
    const [a, b, c] = nodes;
    a.flags |= NodeFlag.PFAIL;
    addFailureReport(a, b, 0);
    expect(markFailingIfNeeded(st, a, 0, TIMEOUT)).toBe(false);
    addFailureReport(a, c, 0);
    expect(markFailingIfNeeded(st, a, 0, TIMEOUT)).toBe(true);
  });

  it('stale reports do not count', () => {
    // Three primaries serve slots (me + 2): my view and one report make a majority while fresh.
    for (const [at, marked] of [[2000, true], [2001, false]] as const) {
      const { st, nodes } = setup(2);
      const [a, b] = nodes;
      a.flags |= NodeFlag.PFAIL;
      addFailureReport(a, b, 0);
      expect(markFailingIfNeeded(st, a, at, TIMEOUT)).toBe(marked);
    }
  });
});

describe('undoing FAIL', () => {
  it('at once for a replica or a primary without slots', () => {
    const { st, nodes } = setup(1);
    const replica = st.createNode(randomNodeId(), NodeFlag.SLAVE | NodeFlag.FAIL, 0);
    const empty = st.createNode(randomNodeId(), NodeFlag.MASTER | NodeFlag.FAIL, 0);
    expect(clearFailureIfNeeded(replica, 1, TIMEOUT)).toBe(true);
    expect(clearFailureIfNeeded(empty, 1, TIMEOUT)).toBe(true);
    expect(replica.flags).toBe(NodeFlag.SLAVE);
    expect(clearFailureIfNeeded(nodes[0], 1, TIMEOUT)).toBe(false);
  });

  it('for a primary still serving slots, only after twice the node timeout', () => {
    const { nodes } = setup(1);
    const a = nodes[0];
    a.flags |= NodeFlag.FAIL;
    a.failTime = 100;
    expect(clearFailureIfNeeded(a, 2100, TIMEOUT)).toBe(false);
    expect(clearFailureIfNeeded(a, 2101, TIMEOUT)).toBe(true);
    expect(a.flags).toBe(NodeFlag.MASTER);
  });
});
