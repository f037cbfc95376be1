// Taking in the gossip section of a PING/PONG/MEET (Redis 7.0's clusterProcessGossipSection):
// failure reports from primaries, fresher pong times for nodes we have no doubt about, new
// addresses for nodes we cannot reach but others can, and new nodes vouched for by a known node.

import type { GossipEntry } from './bus/codec.js';
import { NodeFlag } from './bus/codec.js';
import { addFailureReport, delFailureReport, failureReportsCount, markFailingIfNeeded } from './failure.js';
import { isValidNodeId } from './nodes-conf.js';
import type { ClusterNode, ClusterState } from './state.js';

export interface GossipResult {
  /** Nodes this gossip made FAIL: broadcast a FAIL message about each, update state, save config. */
  failed: ClusterNode[];
  /** Nodes whose address changed: drop their link so the next connect uses the new address. */
  readdressed: ClusterNode[];
  /** Nodes learnt from this gossip (the bus connects to them like to any node without a link). */
  added: ClusterNode[];
}

/**
 * `sender` is the message's sender if we know it (null otherwise: only a MEET from an unknown node
 * gets here without one). Times are ms; gossip carries seconds.
 */
export function processGossip(st: ClusterState, sender: ClusterNode | null, gossip: readonly GossipEntry[], now: number, nodeTimeout: number): GossipResult {
  const out: GossipResult = { failed: [], readdressed: [], added: [] };
  const DOWN = NodeFlag.FAIL | NodeFlag.PFAIL;
  for (const g of gossip) {
    // An id Redis could not look up; it would create a node named by garbage, we skip it.
    if (!isValidNodeId(g.nodename)) continue;
    const node = st.lookup(g.nodename);
    if (node === undefined) {
      // Only a node we know vouches for new ones: an address alone may belong to another cluster.
      if (sender !== null && !(g.flags & NodeFlag.NOADDR) && !st.isBlacklisted(g.nodename, now)) {
        const n = st.createNode(g.nodename, g.flags, now);
        n.ip = g.ip;
        n.port = g.port;
        n.pport = g.pport;
        n.cport = g.cport;
        out.added.push(n);
      }
      continue;
    }
    if (sender !== null && sender.isPrimary() && node !== st.myself) {
      if (g.flags & DOWN) {
        addFailureReport(node, sender, now);
        if (markFailingIfNeeded(st, node, now, nodeTimeout)) out.failed.push(node);
      } else {
        delFailureReport(node, sender, now, nodeTimeout);
      }
    }
    // Nobody doubts the node and we are not waiting on it: take a more recent pong time, unless
    // it is in our future (half a second of clock skew allowed).
    if (!(g.flags & DOWN) && node.pingSent === 0 && failureReportsCount(node, now, nodeTimeout) === 0) {
      const pong = g.pongReceived * 1000;
      if (pong <= now + 500 && pong > node.pongReceived) node.pongReceived = pong;
    }
    if (node.flags & DOWN && !(g.flags & NodeFlag.NOADDR) && !(g.flags & DOWN) && (node.ip.toLowerCase() !== g.ip.toLowerCase() || node.port !== g.port || node.cport !== g.cport)) {
      node.ip = g.ip;
      node.port = g.port;
      node.pport = g.pport;
      node.cport = g.cport;
      node.flags &= ~NodeFlag.NOADDR;
      out.readdressed.push(node);
    }
  }
  return out;
}
