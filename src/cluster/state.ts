// This node's model of the cluster (Redis's clusterState and clusterNode): the known nodes, who
// serves each slot, open slots, epochs. No I/O: the bus and the CLUSTER commands change it through
// these methods, which keep the slot map, each node's bitmap and the primary/replica links in
// step. It is the RoutingView routing reads and the HealthInput cluster_state is computed from.

import { randomBytes } from 'node:crypto';
import { normalizeIp } from './address.js';
import { NodeFlag, SLOTS_BITMAP_LEN, bitmapClear, bitmapSet, bitmapTest } from './bus/codec.js';
import { ClusterHealth, type HealthInput } from './health.js';
import { slotRanges, type NodeLine, type NodesConf } from './nodes-conf.js';
import type { RoutingView } from './routing.js';
import { CLUSTER_SLOTS } from './slots.js';

/** Seconds a forgotten node stays banned from gossip. */
const BLACKLIST_TTL = 60;

/** cluster-preferred-endpoint-type: what MOVED/ASK and CLUSTER SLOTS name a node by. */
export type PreferredEndpoint = 'ip' | 'hostname' | 'unknown-endpoint';

/** Settings the model reads (the cluster-* config directives). */
export interface ClusterSettings {
  preferredEndpoint: PreferredEndpoint;
  requireFullCoverage: boolean;
  allowReadsWhenDown: boolean;
  allowPubsubshardWhenDown: boolean;
}

/** A random node id, as Redis makes them: 40 lowercase hex characters. */
export function randomNodeId(): string {
  return randomBytes(20).toString('hex');
}

export class ClusterNode {
  flags: number;
  configEpoch = 0;
  ip = '';
  port = 0;
  /** Plaintext client port when the client port is TLS, else 0. */
  pport = 0;
  cport = 0;
  hostname = '';
  readonly slots = new Uint8Array(SLOTS_BITMAP_LEN);
  numSlots = 0;
  primary: ClusterNode | null = null;
  readonly replicas: ClusterNode[] = [];
  /** Unix ms; 0 when none. */
  pingSent = 0;
  pongReceived = 0;
  failTime = 0;
  /** Last time this node (a primary) got our vote for one of its replicas. */
  votedTime = 0;
  /** Replication offset it last announced. */
  replOffset = 0;
  /** An outbound bus link is up (CLUSTER NODES "connected"); kept by the bus layer. */
  linked = false;
  /** Failure reports: reporting node id -> time of its last report. */
  readonly failReports = new Map<string, number>();

  constructor(
    private readonly settings: ClusterSettings,
    public id: string,
    flags: number,
    /** Creation time: a handshake that does not complete within the node timeout is dropped. */
    readonly ctime: number,
  ) {
    this.flags = flags;
  }

  /** The address redirections name, per cluster-preferred-endpoint-type. */
  get endpoint(): string {
    switch (this.settings.preferredEndpoint) {
      case 'ip':
        return this.ip;
      case 'hostname':
        return this.hostname !== '' ? this.hostname : '?';
      case 'unknown-endpoint':
        return '';
    }
  }

  isPrimary(): boolean {
    return (this.flags & NodeFlag.MASTER) !== 0;
  }

  isReplica(): boolean {
    return (this.flags & NodeFlag.SLAVE) !== 0;
  }

  ownsSlot(slot: number): boolean {
    return bitmapTest(this.slots, slot);
  }
}

export class ClusterState implements RoutingView {
  readonly nodes = new Map<string, ClusterNode>();
  myself: ClusterNode;
  currentEpoch = 0;
  lastVoteEpoch = 0;
  readonly slots: (ClusterNode | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  readonly migratingTo: (ClusterNode | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  readonly importingFrom: (ClusterNode | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  readonly health = new ClusterHealth();
  /**
   * Slots whose owner stopped claiming them in its pings (after handing them over in a
   * migration): until someone else claims them they count as unclaimed, so no UPDATE spreads
   * the stale owner.
   */
  readonly ownerNotClaimingSlot = new Uint8Array(SLOTS_BITMAP_LEN);
  /** Forgotten node ids (CLUSTER FORGET) -> Unix second their ban ends; gossip cannot re-add them. */
  private readonly blacklist = new Map<string, number>();

  /** A fresh node: a primary with a random id and no slots (what redis-server makes without nodes.conf). */
  constructor(
    readonly settings: ClusterSettings,
    now: number,
    myId = randomNodeId(),
  ) {
    this.myself = new ClusterNode(settings, myId, NodeFlag.MYSELF | NodeFlag.MASTER, now);
    this.nodes.set(myId, this.myself);
  }

  // RoutingView

  get myPrimary(): ClusterNode | null {
    return this.myself.isReplica() ? this.myself.primary : null;
  }

  get stateOk(): boolean {
    return this.health.ok;
  }

  get allowReadsWhenDown(): boolean {
    return this.settings.allowReadsWhenDown;
  }

  get allowPubsubshardWhenDown(): boolean {
    return this.settings.allowPubsubshardWhenDown;
  }

  /** The input of the cluster_state rules. */
  healthInput(): HealthInput {
    return { requireFullCoverage: this.settings.requireFullCoverage, slots: this.slots, nodes: this.nodes.values() };
  }

  // Nodes

  lookup(id: string): ClusterNode | undefined {
    return this.nodes.get(id);
  }

  /** Create and add a node (createClusterNode + clusterAddNode). */
  createNode(id: string, flags: number, now: number): ClusterNode {
    if (this.nodes.has(id)) throw new Error(`node ${id} already known`);
    const n = new ClusterNode(this.settings, id, flags, now);
    this.nodes.set(id, n);
    return n;
  }

  /**
   * Begin meeting the node at ip:port@cport (CLUSTER MEET, or a node learnt by address): a
   * placeholder with a random id, flagged HANDSHAKE and MEET, that the bus connects to and renames
   * when the real id arrives. 'invalid' for an address inet_pton refuses or a port outside
   * 1..65535; 'in-progress' when a handshake with that address is already under way.
   */
  startHandshake(ip: string, port: number, cport: number, now: number): ClusterNode | 'invalid' | 'in-progress' {
    const norm = normalizeIp(ip);
    const validPort = (p: number) => Number.isInteger(p) && p > 0 && p <= 65535;
    if (norm === null || !validPort(port) || !validPort(cport)) return 'invalid';
    for (const n of this.nodes.values()) {
      if (n.flags & NodeFlag.HANDSHAKE && n.ip.toLowerCase() === norm && n.port === port && n.cport === cport) return 'in-progress';
    }
    const n = this.createNode(randomNodeId(), NodeFlag.HANDSHAKE | NodeFlag.MEET, now);
    n.ip = norm;
    n.port = port;
    n.cport = cport;
    return n;
  }

  /** Forget a node: its slots become unassigned, open slots towards it close, links to it go. */
  deleteNode(n: ClusterNode): void {
    if (n === this.myself) throw new Error('cannot forget myself');
    for (let s = 0; s < CLUSTER_SLOTS; s++) {
      if (this.importingFrom[s] === n) this.importingFrom[s] = null;
      if (this.migratingTo[s] === n) this.migratingTo[s] = null;
      if (this.slots[s] === n) this.delSlot(s);
    }
    for (const other of this.nodes.values()) other.failReports.delete(n.id);
    if (n.primary !== null) this.removeReplica(n.primary, n);
    for (const r of n.replicas) r.primary = null;
    n.replicas.length = 0;
    this.nodes.delete(n.id);
  }

  /** A node in handshake gets its real id from its first PONG. */
  renameNode(n: ClusterNode, newId: string): void {
    if (this.nodes.get(n.id) !== n) throw new Error(`node ${n.id} is not in the table`);
    if (this.nodes.has(newId)) throw new Error(`node ${newId} already known`);
    this.nodes.delete(n.id);
    n.id = newId;
    this.nodes.set(newId, n);
  }

  /** Make `replica` replicate `primary` (null: no known primary), keeping both sides in step. */
  setPrimaryOf(replica: ClusterNode, primary: ClusterNode | null): void {
    if (replica.primary === primary) return;
    if (replica.primary !== null) this.removeReplica(replica.primary, replica);
    replica.primary = primary;
    if (primary !== null && !primary.replicas.includes(replica)) {
      primary.replicas.push(replica);
      // A primary that had replicas may receive one migrating from a richer primary if it loses them.
      primary.flags |= NodeFlag.MIGRATE_TO;
    }
  }

  /** A node announced itself as a primary (clusterSetNodeAsMaster). True when that is news. */
  setNodeAsPrimary(n: ClusterNode): boolean {
    if (n.isPrimary()) return false;
    if (n.primary !== null) {
      this.removeReplica(n.primary, n);
      // A promoted replica's primary may receive replicas migrating from richer primaries.
      if (n !== this.myself) n.flags |= NodeFlag.MIGRATE_TO;
    }
    n.flags = (n.flags & ~NodeFlag.SLAVE) | NodeFlag.MASTER;
    n.primary = null;
    return true;
  }

  /**
   * This node (without slots) replicates `n` from now on (clusterSetMaster's model part: the caller
   * points replication at n and resets any manual failover). A primary closes its open slots.
   */
  replicate(n: ClusterNode): void {
    if (n === this.myself) throw new Error('cannot replicate myself');
    if (this.myself.numSlots !== 0) throw new Error('a node serving slots cannot become a replica');
    if (this.myself.isPrimary()) {
      this.myself.flags = (this.myself.flags & ~(NodeFlag.MASTER | NodeFlag.MIGRATE_TO)) | NodeFlag.SLAVE;
      this.migratingTo.fill(null);
      this.importingFrom.fill(null);
    }
    this.setPrimaryOf(this.myself, n);
  }

  private removeReplica(primary: ClusterNode, replica: ClusterNode): void {
    const i = primary.replicas.indexOf(replica);
    if (i !== -1) primary.replicas.splice(i, 1);
  }

  /** Keep gossip from re-adding a forgotten node for a minute. */
  blacklistAdd(id: string, now: number): void {
    this.blacklistCleanup(now);
    this.blacklist.set(id, Math.floor(now / 1000) + BLACKLIST_TTL);
  }

  isBlacklisted(id: string, now: number): boolean {
    this.blacklistCleanup(now);
    return this.blacklist.has(id);
  }

  private blacklistCleanup(now: number): void {
    const sec = Math.floor(now / 1000);
    for (const [id, until] of this.blacklist) if (until < sec) this.blacklist.delete(id);
  }

  /** Highest epoch known: currentEpoch or any node's configEpoch. */
  maxEpoch(): number {
    let max = this.currentEpoch;
    for (const n of this.nodes.values()) if (n.configEpoch > max) max = n.configEpoch;
    return max;
  }

  // Slots

  isSlotUnclaimed(slot: number): boolean {
    return this.slots[slot] === null || bitmapTest(this.ownerNotClaimingSlot, slot);
  }

  /** Assign an unassigned slot; false when it already has an owner. */
  addSlot(slot: number, n: ClusterNode): boolean {
    if (this.slots[slot] !== null) return false;
    bitmapSet(n.slots, slot);
    n.numSlots++;
    this.slots[slot] = n;
    return true;
  }

  /** Unassign a slot; false when it had no owner. */
  delSlot(slot: number): boolean {
    const n = this.slots[slot];
    if (n === null) return false;
    bitmapClear(n.slots, slot);
    n.numSlots--;
    this.slots[slot] = null;
    return true;
  }

  // nodes.conf and CLUSTER NODES

  /**
   * The model a nodes.conf describes, read with Redis's clusterLoadConfig rules: nodes named only
   * as a primary or an open slot's peer are created without flags; non-zero ping/pong times and
   * the fail flag's time restart at `now`; replicas keep configEpoch 0 (they show their
   * primary's); a slot claimed twice stays with its first owner; currentEpoch is at least the
   * highest configEpoch.
   */
  static fromNodesConf(conf: NodesConf, settings: ClusterSettings, now: number): ClusterState {
    const me = conf.nodes.find((l) => l.flags & NodeFlag.MYSELF);
    if (me === undefined) throw new Error('nodes.conf has no myself line');
    const st = new ClusterState(settings, now, me.id);
    const get = (id: string) => st.nodes.get(id) ?? st.createNode(id, 0, now);
    for (const l of conf.nodes) {
      const n = get(l.id);
      n.flags = l.flags;
      n.ip = l.ip;
      n.port = l.port;
      n.cport = l.cport;
      n.hostname = l.hostname;
      if (l.primaryId !== null) st.setPrimaryOf(n, get(l.primaryId));
      if (l.pingSent !== 0) n.pingSent = now;
      if (l.pongReceived !== 0) n.pongReceived = now;
      if (l.flags & NodeFlag.FAIL) n.failTime = now;
      n.configEpoch = n.isReplica() && n.primary !== null ? 0 : l.configEpoch;
      for (const [a, b] of l.slots) for (let s = a; s <= b; s++) st.addSlot(s, n);
      for (const [s, id] of l.migrating) st.migratingTo[s] = get(id);
      for (const [s, id] of l.importing) st.importingFrom[s] = get(id);
    }
    st.currentEpoch = conf.currentEpoch;
    st.lastVoteEpoch = conf.lastVoteEpoch;
    st.currentEpoch = st.maxEpoch();
    return st;
  }

  /** One node's CLUSTER NODES / nodes.conf line data (clusterGenNodeDescription). */
  describe(n: ClusterNode, usePport = false): NodeLine {
    const migrating: [number, string][] = [];
    const importing: [number, string][] = [];
    if (n === this.myself) {
      for (let s = 0; s < CLUSTER_SLOTS; s++) {
        const to = this.migratingTo[s];
        const from = this.importingFrom[s];
        if (to !== null) migrating.push([s, to.id]);
        else if (from !== null) importing.push([s, from.id]);
      }
    }
    const slots: number[] = [];
    if (n.numSlots > 0) for (let s = 0; s < CLUSTER_SLOTS; s++) if (this.slots[s] === n) slots.push(s);
    return {
      id: n.id,
      ip: n.ip,
      port: usePport && n.pport !== 0 ? n.pport : n.port,
      cport: n.cport,
      hostname: n.hostname,
      flags: n.flags,
      primaryId: n.primary?.id ?? null,
      pingSent: n.pingSent,
      pongReceived: n.pongReceived,
      configEpoch: n.isReplica() && n.primary !== null ? n.primary.configEpoch : n.configEpoch,
      connected: n.linked || n === this.myself,
      slots: slotRanges(slots),
      migrating,
      importing,
    };
  }

  /** What nodes.conf should hold now (formatNodesConf leaves out nodes in handshake). */
  toNodesConf(): NodesConf {
    const nodes: NodeLine[] = [];
    for (const n of this.nodes.values()) nodes.push(this.describe(n));
    return { nodes, currentEpoch: this.currentEpoch, lastVoteEpoch: this.lastVoteEpoch };
  }
}
