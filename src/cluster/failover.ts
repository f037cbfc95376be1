// Replica promotion (Redis 7.0): primaries vote (decideVote), replicas of a failed primary run an
// election (Election.step, called from the cron and whenever a vote arrives). The rules and their
// order follow clusterSendFailoverAuthIfNeeded and clusterHandleSlaveFailover; the caller does the
// I/O each returned step asks for.

import { bitmapTest, MsgFlag0, NodeFlag, SLOTS_BITMAP_LEN } from './bus/codec.js';
import type { ClusterNode, ClusterState } from './state.js';

/** Why a primary refuses its vote (Redis logs these). */
export type VoteRefusal =
  | 'not-a-voter'
  | 'old-epoch'
  | 'already-voted'
  | 'requester-is-primary'
  | 'unknown-primary'
  | 'primary-up'
  | 'voted-recently'
  | 'stale-slot-epoch';

/** The fields of a FAILOVER_AUTH_REQUEST the vote depends on. */
export interface VoteRequest {
  currentEpoch: number;
  configEpoch: number;
  myslots: Uint8Array;
  mflags: number;
}

/**
 * Whether this node votes for `requester` (a replica asking to replace its primary). On a grant
 * (null) the vote is recorded (lastVoteEpoch, the primary's votedTime); the caller then sends
 * FAILOVER_AUTH_ACK and saves nodes.conf with fsync.
 */
export function decideVote(st: ClusterState, requester: ClusterNode, req: VoteRequest, now: number, nodeTimeout: number): VoteRefusal | null {
  // Only primaries serving slots count towards the cluster size, so only they vote.
  if (st.myself.isReplica() || st.myself.numSlots === 0) return 'not-a-voter';
  if (req.currentEpoch < st.currentEpoch) return 'old-epoch';
  if (st.lastVoteEpoch === st.currentEpoch) return 'already-voted';
  const primary = requester.primary;
  if (requester.isPrimary()) return 'requester-is-primary';
  if (primary === null) return 'unknown-primary';
  // A manual failover asks with FORCEACK while the primary is still up.
  if (!(primary.flags & NodeFlag.FAIL) && !(req.mflags & MsgFlag0.FORCEACK)) return 'primary-up';
  if (now - primary.votedTime < nodeTimeout * 2) return 'voted-recently';
  for (let slot = 0; slot < SLOTS_BITMAP_LEN * 8; slot++) {
    if (!bitmapTest(req.myslots, slot) || st.isSlotUnclaimed(slot)) continue;
    if (st.slots[slot]!.configEpoch > req.configEpoch) return 'stale-slot-epoch';
  }
  st.lastVoteEpoch = st.currentEpoch;
  primary.votedTime = now;
  return null;
}

/** How many other replicas of my primary that may fail over have a greater replication offset. */
export function replicaRank(st: ClusterState, myOffset: number): number {
  const primary = st.myself.primary;
  if (primary === null) return 0;
  let rank = 0;
  for (const r of primary.replicas) {
    if (r !== st.myself && !(r.flags & NodeFlag.NOFAILOVER) && r.replOffset > myOffset) rank++;
  }
  return rank;
}

export interface ElectionInput {
  now: number;
  nodeTimeout: number;
  /** ms since this replica last heard from its primary (link up: last interaction; down: since when). */
  dataAge: number;
  /** cluster-replica-validity-factor (0: any data age may fail over). */
  validityFactor: number;
  /** repl-ping-replica-period, in seconds. */
  replPingPeriod: number;
  /** cluster-replica-no-failover. */
  noFailover: boolean;
  /** A manual failover is in progress (Redis's mf_end != 0)... */
  manualFailover: boolean;
  /** ...and the primary has reached the offset we needed (mf_can_start). */
  manualCanStart: boolean;
  myOffset: number;
  /** [0, 1), for the random part of the election delay. */
  random: () => number;
}

export type ElectionStep =
  /** Nothing to do: we are a primary, our primary is fine, or it serves no slots. */
  | { kind: 'idle' }
  | { kind: 'data-too-old' }
  /** An election is planned `delay` ms from now; broadcast a PONG to the sibling replicas (our offset). */
  | { kind: 'scheduled'; delay: number; rank: number }
  | { kind: 'waiting-delay' }
  | { kind: 'expired' }
  /** Ask every node for a vote (FAILOVER_AUTH_REQUEST) for `epoch`; save nodes.conf with fsync. */
  | { kind: 'request-votes'; epoch: number }
  | { kind: 'waiting-votes' }
  /** Quorum reached: take over the primary's slots (myself.configEpoch is already the new epoch). */
  | { kind: 'won' };

/** A replica's election state (Redis keeps it in clusterState's failover_auth_* fields). */
export class Election {
  authTime = 0;
  authCount = 0;
  authSent = false;
  authRank = 0;
  authEpoch = 0;

  /** A FAILOVER_AUTH_ACK: counted when a slot-serving primary sends it for this election's epoch. */
  receiveAck(sender: ClusterNode, senderCurrentEpoch: number): boolean {
    if (!sender.isPrimary() || sender.numSlots === 0 || senderCurrentEpoch < this.authEpoch) return false;
    this.authCount++;
    return true;
  }

  step(st: ClusterState, i: ElectionInput): ElectionStep {
    const me = st.myself;
    const primary = me.primary;
    const manual = i.manualFailover && i.manualCanStart;
    if (me.isPrimary() || primary === null || (!(primary.flags & NodeFlag.FAIL) && !manual) || (i.noFailover && !manual) || primary.numSlots === 0) {
      return { kind: 'idle' };
    }
    const authTimeout = Math.max(i.nodeTimeout * 2, 2000);
    const retryTime = authTimeout * 2;
    const authAge = i.now - this.authTime;
    // Being cut off for the node timeout is how the primary came to be FAIL: not held against us.
    const dataAge = i.dataAge > i.nodeTimeout ? i.dataAge - i.nodeTimeout : i.dataAge;
    if (i.validityFactor !== 0 && dataAge > i.replPingPeriod * 1000 + i.nodeTimeout * i.validityFactor && !manual) {
      return { kind: 'data-too-old' };
    }
    if (authAge > retryTime) {
      // Let the FAIL spread (500ms + up to 500ms), and let better replicas go first (1s per rank).
      this.authRank = replicaRank(st, i.myOffset);
      this.authTime = i.now + 500 + Math.floor(i.random() * 500) + this.authRank * 1000;
      this.authCount = 0;
      this.authSent = false;
      if (i.manualFailover) {
        this.authTime = i.now;
        this.authRank = 0;
      }
      return { kind: 'scheduled', delay: this.authTime - i.now, rank: this.authRank };
    }
    if (!this.authSent && !i.manualFailover) {
      const rank = replicaRank(st, i.myOffset);
      if (rank > this.authRank) {
        this.authTime += (rank - this.authRank) * 1000;
        this.authRank = rank;
      }
    }
    if (i.now < this.authTime) return { kind: 'waiting-delay' };
    if (authAge > authTimeout) return { kind: 'expired' };
    if (!this.authSent) {
      st.currentEpoch++;
      this.authEpoch = st.currentEpoch;
      this.authSent = true;
      return { kind: 'request-votes', epoch: this.authEpoch };
    }
    if (this.authCount >= Math.floor(st.health.size / 2) + 1) {
      if (me.configEpoch < this.authEpoch) me.configEpoch = this.authEpoch;
      return { kind: 'won' };
    }
    return { kind: 'waiting-votes' };
  }
}
