// cluster_state ok/fail, as Redis 7.0's clusterUpdateState decides it: every slot served by a
// non-failed node (unless cluster-require-full-coverage is off), and a majority of the primaries
// that serve slots reachable. A primary waits before turning ok: 2s after its first evaluation
// (time to hear a newer configuration after a restart), and a rejoin delay after it was last seen
// in a minority partition. Time is passed in, so the rules stay deterministic.

import { NodeFlag } from './bus/codec.js';

/** What the rules need of a node. */
export interface HealthNode {
  readonly flags: number;
  /** Slots it serves. */
  readonly numSlots: number;
}

export interface HealthInput {
  readonly requireFullCoverage: boolean;
  /** Owner of each slot (16384 entries), null when unassigned. */
  readonly slots: ArrayLike<HealthNode | null>;
  /** Every known node, this one included. */
  readonly nodes: Iterable<HealthNode>;
}

const WRITABLE_DELAY = 2000;
const MIN_REJOIN_DELAY = 500;
const MAX_REJOIN_DELAY = 5000;

/** The cluster's health from this node's view: state, size (primaries serving slots), majority. */
export function evaluateHealth(input: HealthInput): { ok: boolean; size: number; inMinority: boolean } {
  let ok = true;
  if (input.requireFullCoverage) {
    for (let s = 0; s < input.slots.length; s++) {
      const owner = input.slots[s];
      if (owner === null || owner.flags & NodeFlag.FAIL) {
        ok = false;
        break;
      }
    }
  }
  let size = 0;
  let reachable = 0;
  for (const n of input.nodes) {
    if (!(n.flags & NodeFlag.MASTER) || n.numSlots === 0) continue;
    size++;
    if (!(n.flags & (NodeFlag.FAIL | NodeFlag.PFAIL))) reachable++;
  }
  const inMinority = reachable < Math.floor(size / 2) + 1;
  return { ok: ok && !inMinority, size, inMinority };
}

/** The state across evaluations (Redis keeps the two times as statics of clusterUpdateState). */
export class ClusterHealth {
  ok = false;
  /**
   * Primaries serving at least one slot, as of the last full evaluation (cluster_size); Redis
   * starts it at 1, which CLUSTER INFO shows until the first evaluation.
   */
  size = 1;
  private firstCall = 0;
  private minoritySince = 0;

  /**
   * Re-evaluate at `now` (ms). `nodeTimeout` is cluster-node-timeout; `myselfPrimary` whether this
   * node is a primary. Returns whether the state changed.
   */
  update(input: HealthInput, now: number, myselfPrimary: boolean, nodeTimeout: number): boolean {
    if (this.firstCall === 0) this.firstCall = now;
    if (myselfPrimary && !this.ok && now - this.firstCall < WRITABLE_DELAY) return false;
    const h = evaluateHealth(input);
    this.size = h.size;
    if (h.inMinority) this.minoritySince = now;
    if (h.ok === this.ok) return false;
    const rejoinDelay = Math.min(MAX_REJOIN_DELAY, Math.max(MIN_REJOIN_DELAY, nodeTimeout));
    if (h.ok && myselfPrimary && now - this.minoritySince < rejoinDelay) return false;
    this.ok = h.ok;
    return true;
  }
}
