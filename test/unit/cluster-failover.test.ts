import { describe, expect, it } from 'vitest';
import { MsgFlag0, NodeFlag } from '../../src/cluster/bus/codec.js';
import { decideVote, Election, replicaRank, type ElectionInput, type VoteRequest } from '../../src/cluster/failover.js';
import { ClusterState, randomNodeId, type ClusterNode } from '../../src/cluster/state.js';

const TIMEOUT = 1000;
const settings = () => ({ preferredEndpoint: 'ip' as const, requireFullCoverage: false, allowReadsWhenDown: false, allowPubsubshardWhenDown: true });

/** Me (a primary with slots 0-9, epoch 2), a failed primary P (slot 100, epoch 3) and its replica R. */
function voterSetup(): { st: ClusterState; p: ClusterNode; r: ClusterNode; req: VoteRequest } {
  const st = new ClusterState(settings(), 0);
  for (let s = 0; s < 10; s++) st.addSlot(s, st.myself);
  st.myself.configEpoch = 2;
  const p = st.createNode(randomNodeId(), NodeFlag.MASTER | NodeFlag.FAIL, 0);
  p.configEpoch = 3;
  st.addSlot(100, p);
  const r = st.createNode(randomNodeId(), NodeFlag.SLAVE, 0);
  st.setPrimaryOf(r, p);
  st.currentEpoch = 5;
  st.lastVoteEpoch = 4;
  const req: VoteRequest = { currentEpoch: 5, configEpoch: 3, myslots: new Uint8Array(p.slots), mflags: 0 };
  return { st, p, r, req };
}

describe('decideVote follows clusterSendFailoverAuthIfNeeded', () => {
  it('grants once per epoch and records the vote', () => {
    const { st, p, r, req } = voterSetup();
    expect(decideVote(st, r, req, 50_000, TIMEOUT)).toBeNull();
    expect([st.lastVoteEpoch, p.votedTime]).toEqual([5, 50_000]);
    expect(decideVote(st, r, req, 60_000, TIMEOUT)).toBe('already-voted');
  });

  const refusals: [string, (s: ReturnType<typeof voterSetup>) => void, string][] = [
    ['a replica does not vote', ({ st, p }) => {
      st.myself.flags = NodeFlag.MYSELF | NodeFlag.SLAVE;
      st.setPrimaryOf(st.myself, p);
    }, 'not-a-voter'],
    ['a primary without slots does not vote', ({ st }) => {
      for (let s = 0; s < 10; s++) st.delSlot(s);
    }, 'not-a-voter'],
    ['a request from an older epoch', ({ req }) => {
      req.currentEpoch = 4;
    }, 'old-epoch'],
    ['a requester that is a primary', ({ r }) => {
      r.flags = NodeFlag.MASTER;
    }, 'requester-is-primary'],
    ['a requester whose primary we do not know', ({ st, r }) => st.setPrimaryOf(r, null), 'unknown-primary'],
    ['a primary that is up', ({ p }) => {
      p.flags = NodeFlag.MASTER | NodeFlag.PFAIL;
    }, 'primary-up'],
    ['a vote for the same primary within twice the node timeout', ({ p }) => {
      p.votedTime = 50_000 - 2 * TIMEOUT + 1;
    }, 'voted-recently'],
    ['a claim on slots served with a newer epoch', ({ req }) => {
      req.myslots[0] |= 1;
      req.configEpoch = 1;
    }, 'stale-slot-epoch'],
  ];
  it.each(refusals)('refuses %s', (_, change, reason) => {
    const s = voterSetup();
    change(s);
    expect(decideVote(s.st, s.r, s.req, 50_000, TIMEOUT)).toBe(reason);
    expect(s.st.lastVoteEpoch).toBe(4);
  });

  it('grants a manual failover (FORCEACK) while the primary is up, and ignores slots no longer claimed', () => {
    const s = voterSetup();
    s.p.flags = NodeFlag.MASTER;
    s.req.mflags = MsgFlag0.FORCEACK;
    s.req.myslots[0] |= 1;
    s.req.configEpoch = 1;
    s.st.ownerNotClaimingSlot[0] = 1;
    s.st.myself.configEpoch = 0;
    s.st.slots[100]!.configEpoch = 1;
    expect(decideVote(s.st, s.r, s.req, 50_000, TIMEOUT)).toBeNull();
    expect(decideVote(voterSetup().st, s.r, { ...s.req, mflags: 0 }, 50_000, TIMEOUT)).toBe('primary-up');
  });
});

/** Me, a replica of P (failed, slot 0); primaries A and B serve slots too: quorum 2 of 3. */
function electionSetup(): { st: ClusterState; p: ClusterNode; a: ClusterNode; b: ClusterNode; sibling: ClusterNode } {
  const st = new ClusterState(settings(), 0);
  const p = st.createNode(randomNodeId(), NodeFlag.MASTER | NodeFlag.FAIL, 0);
  const a = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
  const b = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
  st.addSlot(0, p);
  st.addSlot(1, a);
  st.addSlot(2, b);
  st.myself.flags = NodeFlag.MYSELF | NodeFlag.SLAVE;
  st.setPrimaryOf(st.myself, p);
  const sibling = st.createNode(randomNodeId(), NodeFlag.SLAVE, 0);
  st.setPrimaryOf(sibling, p);
  st.currentEpoch = 7;
  st.health.update(st.healthInput(), 0, false, TIMEOUT);
  return { st, p, a, b, sibling };
}

function input(now: number, extra: Partial<ElectionInput> = {}): ElectionInput {
  return { now, nodeTimeout: TIMEOUT, dataAge: 0, validityFactor: 10, replPingPeriod: 10, noFailover: false, manualFailover: false, manualCanStart: false, myOffset: 100, random: () => 0.5, ...extra };
}

describe('replicaRank', () => {
  it('counts siblings with a greater offset that may fail over', () => {
    const { st, sibling, p } = electionSetup();
    const third = st.createNode(randomNodeId(), NodeFlag.SLAVE | NodeFlag.NOFAILOVER, 0);
    st.setPrimaryOf(third, p);
    third.replOffset = 500;
    sibling.replOffset = 100;
    expect(replicaRank(st, 100)).toBe(0);
    sibling.replOffset = 101;
    expect(replicaRank(st, 100)).toBe(1);
  });
});

describe('Election follows clusterHandleSlaveFailover', () => {
  it('schedules, waits, asks for votes, counts them and wins', () => {
    const { st, a, b, sibling } = electionSetup();
    const e = new Election();
    expect(e.step(st, input(10_000))).toEqual({ kind: 'scheduled', delay: 750, rank: 0 });
    expect(e.step(st, input(10_100))).toEqual({ kind: 'waiting-delay' });
    // A sibling turns out to be ahead: one more second of delay.
    sibling.replOffset = 1000;
    expect(e.step(st, input(10_750))).toEqual({ kind: 'waiting-delay' });
    expect(e.authRank).toBe(1);
    expect(e.step(st, input(11_750))).toEqual({ kind: 'request-votes', epoch: 8 });
    expect(st.currentEpoch).toBe(8);
    expect(e.step(st, input(11_800))).toEqual({ kind: 'waiting-votes' });
    expect(e.receiveAck(sibling, 8)).toBe(false);
    expect(e.receiveAck(a, 7)).toBe(false);
    expect(e.receiveAck(a, 8)).toBe(true);
    expect(e.step(st, input(11_900))).toEqual({ kind: 'waiting-votes' });
    expect(e.receiveAck(b, 9)).toBe(true);
    expect(e.step(st, input(12_000))).toEqual({ kind: 'won' });
    expect(st.myself.configEpoch).toBe(8);
  });

  it('gives up an election after its timeout and retries after twice that', () => {
    const { st } = electionSetup();
    const e = new Election();
    e.step(st, input(10_000));
    const start = e.authTime;
    // Timeout max(2 * node timeout, 2000) = 2000, retry 4000, both counted from the planned start.
    expect(e.step(st, input(start + 2001)).kind).toBe('expired');
    expect(e.step(st, input(start + 4000)).kind).toBe('expired');
    expect(e.step(st, input(start + 4001)).kind).toBe('scheduled');
  });

  it('does not fail over with data older than the validity allows, unless manual', () => {
    const { st } = electionSetup();
    const limit = TIMEOUT + 10 * 1000 + TIMEOUT * 10;
    expect(new Election().step(st, input(100_000, { dataAge: limit })).kind).toBe('scheduled');
    expect(new Election().step(st, input(100_000, { dataAge: limit + 1 })).kind).toBe('data-too-old');
    expect(new Election().step(st, input(100_000, { dataAge: limit + 1, validityFactor: 0 })).kind).toBe('scheduled');
    expect(new Election().step(st, input(100_000, { dataAge: limit + 1, manualFailover: true, manualCanStart: true }))).toEqual({ kind: 'scheduled', delay: 0, rank: 0 });
  });

  it('stays idle without a reason to fail over', () => {
    const cases: ((s: ReturnType<typeof electionSetup>) => Partial<ElectionInput>)[] = [
      ({ p }) => {
        p.flags = NodeFlag.MASTER;
        return {};
      },
      () => ({ noFailover: true }),
      ({ st, p }) => {
        st.delSlot(0);
        expect(p.numSlots).toBe(0);
        return {};
      },
      ({ st }) => {
        st.myself.flags = NodeFlag.MYSELF | NodeFlag.MASTER;
        return {};
      },
      // A manual failover whose primary has not reached our offset yet.
      ({ p }) => {
        p.flags = NodeFlag.MASTER;
        return { manualFailover: true, manualCanStart: false };
      },
    ];
    for (const change of cases) {
      const s = electionSetup();
      expect(new Election().step(s.st, input(0, change(s)))).toEqual({ kind: 'idle' });
    }
  });

  it('a manual failover runs while the primary is up, without delay', () => {
    const { st, p } = electionSetup();
    p.flags = NodeFlag.MASTER;
    const e = new Election();
    const manual = { manualFailover: true, manualCanStart: true, noFailover: true };
    expect(e.step(st, input(5000, manual))).toEqual({ kind: 'scheduled', delay: 0, rank: 0 });
    expect(e.step(st, input(5000, manual))).toEqual({ kind: 'request-votes', epoch: 8 });
  });
});
