// Failure detection rules (Redis 7.0): a node we cannot reach for cluster-node-timeout is PFAIL
// in our view; primaries gossip what they see, and each PFAIL/FAIL mention is a failure report.
// A PFAIL node becomes FAIL when reports from a majority of the slot-serving primaries (us
// included, if we are one) are fresh (younger than twice the node timeout). FAIL is undone when
// the node is reachable again and is a replica or serves no slot, or when it still serves slots
// long after (twice the node timeout) nobody took them over. Callers act on the returned booleans
// (broadcast FAIL, update cluster_state, save nodes.conf).

import { NodeFlag } from './bus/codec.js';
import type { ClusterNode, ClusterState } from './state.js';

const REPORT_VALIDITY_MULT = 2;
const FAIL_UNDO_TIME_MULT = 2;

/** Record (or refresh) `sender`'s report that `failing` is down. True when it is a new report. */
export function addFailureReport(failing: ClusterNode, sender: ClusterNode, now: number): boolean {
  const isNew = !failing.failReports.has(sender.id);
  failing.failReports.set(sender.id, now);
  return isNew;
}

/** Drop reports older than twice the node timeout. */
export function cleanupFailureReports(node: ClusterNode, now: number, nodeTimeout: number): void {
  const maxAge = nodeTimeout * REPORT_VALIDITY_MULT;
  for (const [id, time] of node.failReports) if (now - time > maxAge) node.failReports.delete(id);
}

/** `sender` now sees `node` as up: forget its report. True when there was one. */
export function delFailureReport(node: ClusterNode, sender: ClusterNode, now: number, nodeTimeout: number): boolean {
  if (!node.failReports.delete(sender.id)) return false;
  cleanupFailureReports(node, now, nodeTimeout);
  return true;
}

/** Fresh reports from other nodes that `node` is failing. */
export function failureReportsCount(node: ClusterNode, now: number, nodeTimeout: number): number {
  cleanupFailureReports(node, now, nodeTimeout);
  return node.failReports.size;
}

/** PFAIL -> FAIL once a majority agrees. True when the node was just marked FAIL. */
export function markFailingIfNeeded(st: ClusterState, node: ClusterNode, now: number, nodeTimeout: number): boolean {
  if (!(node.flags & NodeFlag.PFAIL) || node.flags & NodeFlag.FAIL) return false;
  const quorum = Math.floor(st.health.size / 2) + 1;
  let failures = failureReportsCount(node, now, nodeTimeout);
  if (st.myself.isPrimary()) failures++;
  if (failures < quorum) return false;
  node.flags = (node.flags & ~NodeFlag.PFAIL) | NodeFlag.FAIL;
  node.failTime = now;
  return true;
}

/** For a FAIL node we reach again: undo FAIL when the rules allow. True when cleared. */
export function clearFailureIfNeeded(node: ClusterNode, now: number, nodeTimeout: number): boolean {
  if (!(node.flags & NodeFlag.FAIL)) return false;
  const stale = node.isPrimary() && node.numSlots > 0 && now - node.failTime > nodeTimeout * FAIL_UNDO_TIME_MULT;
  if (node.isReplica() || node.numSlots === 0 || stale) {
    node.flags &= ~NodeFlag.FAIL;
    return true;
  }
  return false;
}
