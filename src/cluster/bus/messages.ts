// The messages this node sends, built from its ClusterState the way Redis 7.0's
// clusterBuildMessageHdr / clusterSendPing / clusterSend* fill them. Pure: the bus layer encodes
// the result and writes it to its links.

import type { ClusterNode, ClusterState } from '../state.js';
import { MsgFlag0, MsgType, NodeFlag, STATE_FAIL, STATE_OK, type BusBody, type BusMessage, type GossipEntry, type PingExt } from './codec.js';

/** What the header needs beyond the cluster model. */
export interface SenderContext {
  /** cluster-announce-ip, or '' to let receivers use the connection's address. */
  announceIp: string;
  /** This node's replication offset (its primary offset, or what it processed as a replica). */
  replOffset: number;
  /** A manual failover is in progress (Redis's mf_end != 0). */
  manualFailover: boolean;
}

/**
 * A message from this node. A replica sends its primary's slots and configEpoch, flagged as a
 * replica so receivers know it does not serve them itself.
 */
export function buildMessage(st: ClusterState, type: number, body: BusBody, ctx: SenderContext): BusMessage {
  const me = st.myself;
  const source = me.isReplica() && me.primary !== null ? me.primary : me;
  let mflags = 0;
  if (me.isPrimary() && ctx.manualFailover) mflags |= MsgFlag0.PAUSED;
  if (type === MsgType.FAILOVER_AUTH_REQUEST && ctx.manualFailover) mflags |= MsgFlag0.FORCEACK;
  return {
    type,
    port: me.port,
    pport: me.pport,
    cport: me.cport,
    flags: me.flags,
    state: st.stateOk ? STATE_OK : STATE_FAIL,
    mflags,
    currentEpoch: st.currentEpoch,
    configEpoch: source.configEpoch,
    offset: ctx.replOffset,
    sender: me.id,
    myslots: new Uint8Array(source.slots),
    slaveof: me.primary?.id ?? null,
    myip: ctx.announceIp,
    body,
  };
}

/** How a node is described in a gossip section (times in whole seconds). */
export function gossipEntry(n: ClusterNode): GossipEntry {
  return {
    nodename: n.id,
    pingSent: Math.floor(n.pingSent / 1000) >>> 0,
    pongReceived: Math.floor(n.pongReceived / 1000) >>> 0,
    ip: n.ip,
    port: n.port,
    cport: n.cport,
    flags: n.flags,
    pport: n.pport,
  };
}

/**
 * The nodes a PING/PONG gossips about: a tenth of the known nodes (at least 3, at most the
 * nodes other than us and the receiver), picked at random among those worth spreading (not in
 * handshake, with an address, linked or serving slots), then every PFAIL node so failure reports
 * travel fast. `random` returns [0, 1).
 */
export function selectGossip(st: ClusterState, random: () => number = Math.random): ClusterNode[] {
  const all = [...st.nodes.values()];
  let fresh = all.length - 2;
  let wanted = Math.max(3, Math.floor(all.length / 10));
  if (wanted > fresh) wanted = fresh;
  const out: ClusterNode[] = [];
  const picked = new Set<ClusterNode>();
  for (let tries = wanted * 3; fresh > 0 && out.length < wanted && tries > 0; tries--) {
    const n = all[Math.floor(random() * all.length)];
    if (n === st.myself || n.flags & NodeFlag.PFAIL) continue;
    if (n.flags & (NodeFlag.HANDSHAKE | NodeFlag.NOADDR) || (!n.linked && n.numSlots === 0)) {
      // Like Redis: counted as used up, so a cluster of such nodes ends the search early.
      fresh--;
      continue;
    }
    if (picked.has(n)) continue;
    picked.add(n);
    out.push(n);
    fresh--;
  }
  for (const n of all) {
    if (n === st.myself || !(n.flags & NodeFlag.PFAIL) || n.flags & (NodeFlag.HANDSHAKE | NodeFlag.NOADDR)) continue;
    out.push(n);
  }
  return out;
}

/** PING, PONG or MEET with a gossip section and, when this node announces one, its hostname. */
export function buildPing(st: ClusterState, type: number, ctx: SenderContext, random: () => number = Math.random): BusMessage {
  const gossip = selectGossip(st, random).map(gossipEntry);
  const extensions: PingExt[] = st.myself.hostname === '' ? [] : [{ type: 0, hostname: st.myself.hostname }];
  return buildMessage(st, type, { kind: 'ping', gossip, extensions }, ctx);
}

export function buildFail(st: ClusterState, failing: ClusterNode, ctx: SenderContext): BusMessage {
  return buildMessage(st, MsgType.FAIL, { kind: 'fail', nodename: failing.id }, ctx);
}

export function buildPublish(st: ClusterState, channel: string, message: string, sharded: boolean, ctx: SenderContext): BusMessage {
  return buildMessage(st, sharded ? MsgType.PUBLISHSHARD : MsgType.PUBLISH, { kind: 'publish', channel, message }, ctx);
}

/** Tell a node with a stale view who owns `owner`'s slots now, leaving out those it stopped claiming. */
export function buildUpdate(st: ClusterState, owner: ClusterNode, ctx: SenderContext): BusMessage {
  const slots = new Uint8Array(owner.slots);
  for (let i = 0; i < slots.length; i++) slots[i] &= ~st.ownerNotClaimingSlot[i];
  return buildMessage(st, MsgType.UPDATE, { kind: 'update', configEpoch: owner.configEpoch, nodename: owner.id, slots }, ctx);
}

/** FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK or MFSTART: the header says it all. */
export function buildHeaderOnly(st: ClusterState, type: number, ctx: SenderContext): BusMessage {
  return buildMessage(st, type, { kind: 'none' }, ctx);
}
