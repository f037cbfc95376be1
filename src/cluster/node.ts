// The running cluster node: loads or creates nodes.conf, listens on the cluster bus, keeps links to
// every known node, processes their messages (Redis 7.0's clusterProcessPacket), and runs the
// 100 ms cron (clusterCron): handshakes, pings, failure detection, replica elections, manual
// failover and cluster_state. The rules themselves live in the pure modules (gossip, failure,
// failover, slot-config, health); this file does the I/O around them.

import * as net from 'node:net';
import * as tls from 'node:tls';
import { logger } from '../log.js';
import { server } from '../server/state.js';
import { bindTargets } from '../server/listener.js';
import { createTlsBusServer, tlsClientOptions } from '../server/tls.js';
import { propagate } from '../server/propagate.js';
import { pauseClients, unpauseClients, PAUSE_DURING_FAILOVER, PAUSE_WRITE } from '../server/pause.js';
import { publish, spublish } from '../server/pubsub.js';
import { blockedClients, blockedOn, unblockWith } from '../server/blocking.js';
import { CLIENT_READONLY, type Client } from '../server/client.js';
import { F } from '../commands/spec.js';
import { stream } from '../replication/primary.js';
import { link as replLink, setPrimary, unsetPrimary } from '../replication/replica.js';
import { BusLink } from './bus/link.js';
import { BusDecodeError, MsgFlag0, MsgType, NodeFlag, bitmapTest, decodeMessage, type BusMessage } from './bus/codec.js';
import { buildFail, buildHeaderOnly, buildPing, buildPublish, buildUpdate, type SenderContext } from './bus/messages.js';
import { Election, decideVote } from './failover.js';
import { clearFailureIfNeeded } from './failure.js';
import { processGossip } from './gossip.js';
import { formatNodesConf, readNodesConf, writeFileAtomic, CLUSTER_PORT_INCR } from './nodes-conf.js';
import { updateSlotsConfigWith, type SlotConfigResult } from './slot-config.js';
import { Route, redirectError, routeBlocked, type RouteNode, type RouteResult } from './routing.js';
import { initSlotIndex, countKeysInSlot, keysInSlot } from './slot-index.js';
import { CLUSTER_SLOTS, keyHashSlot } from './slots.js';
import { ClusterState, randomNodeId, type ClusterNode, type ClusterSettings, type PreferredEndpoint } from './state.js';

const log = (): ReturnType<typeof logger> => logger('cluster');

/** Manual failover time limit (CLUSTER_MF_TIMEOUT). */
const MF_TIMEOUT = 5000;
const CRON_MS = 100;

/** Message type names as CLUSTER INFO shows them, by type number. */
export const MSG_TYPE_NAMES = ['ping', 'pong', 'meet', 'fail', 'publish', 'auth-req', 'auth-ack', 'update', 'mfstart', 'module', 'publishshard'];

/** The cluster runtime; `on` is false (and `st` unset) unless cluster-enabled is yes. */
export const cluster = {
  on: false,
  st: null as unknown as ClusterState,
  configFile: '',
  nodeTimeout: 15000,
  statsSent: new Array<number>(MSG_TYPE_NAMES.length).fill(0),
  statsReceived: new Array<number>(MSG_TYPE_NAMES.length).fill(0),
  election: new Election(),
  /** Links closed for passing cluster-link-sendbuf-limit (total_cluster_links_buffer_limit_exceeded). */
  linksBufferLimitExceeded: 0,
  /** Manual failover (Redis's mf_*): deadline (0: none), the replica being promoted (on a primary). */
  mf: { end: 0, replica: null as ClusterNode | null, primaryOffset: -1, canStart: false },
};

const settings: ClusterSettings = {
  preferredEndpoint: 'ip',
  requireFullCoverage: true,
  allowReadsWhenDown: false,
  allowPubsubshardWhenDown: true,
};

const outLinks = new Map<ClusterNode, BusLink>();
const inLinks = new Map<ClusterNode, BusLink>();
/** Last time any message came from each node (data_received). */
const dataReceived = new WeakMap<ClusterNode, number>();
const busServers: net.Server[] = [];
let cronIteration = 0;
let todoSave = false;
let todoState = false;

/** cluster-enabled yes: load nodes.conf or create a new node, before the dataset loads. */
export function initCluster(): void {
  const cfg = server.config;
  if (!cfg.bool('cluster-enabled')) return;
  cluster.on = true;
  initSlotIndex();
  cluster.configFile = cfg.get('cluster-config-file');
  const readSettings = (): void => {
    settings.preferredEndpoint = cfg.get('cluster-preferred-endpoint-type') as PreferredEndpoint;
    settings.requireFullCoverage = cfg.bool('cluster-require-full-coverage');
    settings.allowReadsWhenDown = cfg.bool('cluster-allow-reads-when-down');
    settings.allowPubsubshardWhenDown = cfg.bool('cluster-allow-pubsubshard-when-down');
    cluster.nodeTimeout = cfg.num('cluster-node-timeout');
  };
  readSettings();
  for (const d of ['cluster-preferred-endpoint-type', 'cluster-require-full-coverage', 'cluster-allow-reads-when-down',
    'cluster-allow-pubsubshard-when-down', 'cluster-node-timeout']) cfg.watch(d, () => void readSettings());
  const now = Date.now();
  const conf = readNodesConf(cluster.configFile);
  cluster.st = conf === null ? new ClusterState(settings, now) : ClusterState.fromNodesConf(conf, settings, now);
  if (conf === null) log().info(`No cluster configuration found, I'm ${cluster.st.myself.id}`);
  else log().info(`Node configuration loaded, I'm ${cluster.st.myself.id}`);
  updateMyselfAnnounced();
  for (const d of ['cluster-announce-ip', 'cluster-announce-port', 'cluster-announce-tls-port', 'cluster-announce-bus-port', 'cluster-announce-hostname', 'cluster-replica-no-failover']) {
    cfg.watch(d, () => {
      updateMyselfAnnounced();
      saveConfig();
    });
  }
  saveConfig();
}

/**
 * After the dataset is loaded (verifyClusterConfigWithData): a primary claims unassigned slots it
 * holds keys for, and marks as importing the slots it holds keys for that another node serves.
 * Keys outside db 0 make the start fail, as in Redis.
 */
export function verifyClusterConfigWithData(): void {
  if (!cluster.on) return;
  const st = cluster.st;
  if (st.myself.isReplica()) return;
  for (let j = 1; j < server.dbs.length; j++) {
    if (server.dbs[j].size !== 0) throw new Error("You can't have keys in a DB different than DB 0 when in Cluster mode. Exiting.");
  }
  if (server.dbs[0].size === 0) return;
  let changed = false;
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    if (countKeysInSlot(s) === 0 || st.slots[s] === st.myself || st.importingFrom[s] !== null) continue;
    changed = true;
    if (st.slots[s] === null) {
      log().warn(`I have keys for unassigned slot ${s}. Taking responsibility for it.`);
      st.addSlot(s, st.myself);
    } else {
      log().warn(`I have keys for slot ${s}, but the slot is assigned to another node. Setting it to importing state.`);
      st.importingFrom[s] = st.slots[s];
    }
  }
  if (changed) saveConfig();
}

/** With tls-cluster the TLS port is the one clients are sent to, and the bus port derives from it. */
function clientPort(): number {
  return server.config.bool('tls-cluster') ? server.config.num('tls-port') : server.config.num('port');
}

/** The bus port this node listens on: cluster-port, else the client port + 10000. */
function busPort(): number {
  const p = server.config.num('cluster-port');
  return p !== 0 ? p : clientPort() + CLUSTER_PORT_INCR;
}

/**
 * Whether `c` is told plaintext ports (pport): in a TLS cluster the announced ports are TLS ones,
 * so a client that came in without TLS gets each node's plaintext port where it has one.
 */
export function usePlainPort(c: Client): boolean {
  return c.socket !== null && !(c.socket instanceof tls.TLSSocket) && server.config.bool('tls-cluster');
}

/** The port of `n` as `c` should be told it (CLUSTER SLOTS, MOVED and ASK). */
export function portFor(c: Client, n: RouteNode): number {
  return usePlainPort(c) && n.pport !== 0 ? n.pport : n.port;
}

/** Our announced address and ports (clusterUpdateMyselfAnnouncedPorts and friends). */
function updateMyselfAnnounced(): void {
  const me = cluster.st.myself;
  const cfg = server.config;
  // A TLS cluster also announces the plaintext port (pport) for clients that connect without TLS.
  const tlsCluster = cfg.bool('tls-cluster');
  const announceTls = tlsCluster ? cfg.num('cluster-announce-tls-port') : 0;
  me.port = announceTls || cfg.num('cluster-announce-port') || clientPort();
  me.pport = !tlsCluster ? 0 : announceTls !== 0 ? cfg.num('cluster-announce-port') : cfg.num('port');
  me.cport = cfg.num('cluster-announce-bus-port') || busPort();
  me.hostname = cfg.get('cluster-announce-hostname');
  const ip = cfg.get('cluster-announce-ip');
  if (ip !== '') me.ip = ip;
  // Other nodes learn from our flags that we will not fail over (and leave us out of ranks).
  if (cfg.bool('cluster-replica-no-failover')) me.flags |= NodeFlag.NOFAILOVER;
  else me.flags &= ~NodeFlag.NOFAILOVER;
}

/** After the client listeners are up: open the bus and start the cron. */
export async function startClusterBus(): Promise<void> {
  if (!cluster.on) return;
  const port = busPort();
  for (const { host, optional } of bindTargets(server.config.get('bind'))) {
    const srv = server.config.bool('tls-cluster') ? createTlsBusServer(onInbound) : net.createServer({ noDelay: true }, onInbound);
    try {
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ port, host, ipv6Only: host.includes(':') }, () => {
          srv.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      if (optional) continue;
      throw new Error(`Could not bind the cluster bus on ${host}:${port}: ${(err as Error).message}`);
    }
    busServers.push(srv);
  }
  setInterval(cron, CRON_MS).unref();
}

// ---------------------------------------------------------------------------------------------
// Config and state

/** What nodes.conf last received, and whether that write was fsynced. */
let lastConf = '';
let lastDurable = false;

/**
 * Write nodes.conf now, atomically. `durable` (the default) also fsyncs: Redis does so for epoch,
 * vote and membership changes but not for slot migration states, which redis-cli --cluster
 * reshard changes several times per slot. An unchanged configuration is not written again.
 */
export function saveConfig(durable = true): void {
  todoSave = false;
  try {
    const text = formatNodesConf(cluster.st.toNodesConf());
    if (text === lastConf && (lastDurable || !durable)) return;
    writeFileAtomic(cluster.configFile, text, durable);
    lastConf = text;
    lastDurable = durable;
  } catch (err) {
    // Like Redis: a node that cannot persist its configuration must not go on.
    log().fatal(`Fatal: can't update cluster config file: ${(err as Error).message}`);
    process.exit(1);
  }
}

/** Re-evaluate cluster_state now. */
export function updateState(): void {
  todoState = false;
  const st = cluster.st;
  if (st.health.update(st.healthInput(), Date.now(), st.myself.isPrimary(), cluster.nodeTimeout)) {
    log().info(`Cluster state changed: ${st.health.ok ? 'ok' : 'fail'}`);
  }
}

/** What Redis does in beforeSleep for the cluster: pending state update and config save. */
function flushTodo(): void {
  if (todoState) updateState();
  if (todoSave) saveConfig();
}

function senderContext(): SenderContext {
  return { announceIp: server.config.get('cluster-announce-ip'), replOffset: stream.offset, manualFailover: cluster.mf.end !== 0 };
}

// ---------------------------------------------------------------------------------------------
// Links

function onInbound(sock: net.Socket): void {
  sock.setNoDelay(true);
  const l = new BusLink(sock, true, null);
  attach(l);
}

function attach(l: BusLink): void {
  l.sock.on('data', (chunk: Buffer) => onData(l, chunk));
  l.sock.on('error', () => dropLink(l));
  l.sock.on('close', () => dropLink(l));
}

function onData(l: BusLink, chunk: Buffer): void {
  if (l.closed) return;
  l.reader.push(chunk);
  try {
    for (let raw = l.reader.next(); raw !== null && !l.closed; raw = l.reader.next()) {
      let msg: BusMessage;
      try {
        msg = decodeMessage(raw);
      } catch (err) {
        if (err instanceof BusDecodeError) continue;
        throw err;
      }
      if (msg.type < cluster.statsReceived.length) cluster.statsReceived[msg.type]++;
      processPacket(l, msg);
    }
  } catch (err) {
    log().warn(`Closing a cluster bus link: ${(err as Error).message}`);
    dropLink(l);
  }
  flushTodo();
}

function dropLink(l: BusLink): void {
  l.close();
  const n = l.node;
  if (n === null) return;
  if (l.inbound) {
    if (inLinks.get(n) === l) inLinks.delete(n);
  } else if (outLinks.get(n) === l) {
    outLinks.delete(n);
    n.linked = false;
  }
}

/** DEBUG CLUSTERLINK KILL: drop our link to `n`, the one from it, or both (they reconnect). */
export function killNodeLinks(n: ClusterNode, to: boolean, from: boolean): void {
  const o = outLinks.get(n);
  if (to && o !== undefined) dropLink(o);
  const i = inLinks.get(n);
  if (from && i !== undefined) dropLink(i);
}

function freeNodeLinks(n: ClusterNode): void {
  const o = outLinks.get(n);
  if (o !== undefined) dropLink(o);
  const i = inLinks.get(n);
  if (i !== undefined) dropLink(i);
}

/** Open the outbound link to a node; its first message is a MEET (when meeting) or a PING. */
function connectNode(n: ClusterNode): void {
  const localAddress = sourceAddress();
  const where: net.TcpNetConnectOpts = localAddress === undefined ? { host: n.ip, port: n.cport } : { host: n.ip, port: n.cport, localAddress };
  const tlsOpts = server.config.bool('tls-cluster') ? tlsClientOptions() : null;
  const sock = tlsOpts !== null ? tls.connect({ ...tlsOpts, ...where }) : net.connect(where);
  sock.setNoDelay(true);
  const l = new BusLink(sock, false, n);
  outLinks.set(n, l);
  attach(l);
  // Over TLS the link is usable once the handshake (which checks the peer's certificate) is done.
  sock.once(tlsOpts !== null ? 'secureConnect' : 'connect', () => {
    if (l.closed) return;
    l.connected = true;
    n.linked = true;
    // Queued pings keep their time: a node we keep failing to reach must still turn PFAIL.
    const oldPing = n.pingSent;
    sendPing(l, n.flags & NodeFlag.MEET ? MsgType.MEET : MsgType.PING);
    if (oldPing !== 0) n.pingSent = oldPing;
    n.flags &= ~NodeFlag.MEET;
  });
}

/**
 * The address outgoing bus connections start from, so peers see the address we listen on (nodes
 * on 127.0.0.x share an interface): bind-source-addr, else the first specific bind address.
 */
function sourceAddress(): string | undefined {
  const configured = server.config.get('bind-source-addr');
  if (configured !== '') return configured;
  const first = bindTargets(server.config.get('bind'))[0];
  if (first === undefined || first.host === '0.0.0.0' || first.host === '::') return undefined;
  return first.host;
}

function send(l: BusLink, m: BusMessage): void {
  if (l.closed) return;
  if (m.type < cluster.statsSent.length) cluster.statsSent[m.type]++;
  l.send(m);
  // cluster-link-sendbuf-limit: a peer that does not read is cut off rather than buffered for.
  const limit = server.config.num('cluster-link-sendbuf-limit');
  if (limit > 0 && l.sock.writableLength > limit) {
    cluster.linksBufferLimitExceeded++;
    log().warn(`Freeing cluster link to node ${l.node?.id ?? '?'}: its send buffer passed cluster-link-sendbuf-limit.`);
    dropLink(l);
  }
}

function sendPing(l: BusLink, type: number): void {
  if (l.node !== null && type === MsgType.PING && l.node.pingSent === 0) l.node.pingSent = Date.now();
  send(l, buildPing(cluster.st, type, senderContext()));
}

/** Send to every node we have an outbound link to (not in handshake). */
function broadcast(m: BusMessage): void {
  for (const [n, l] of outLinks) if (l.connected && !(n.flags & (NodeFlag.HANDSHAKE | NodeFlag.MYSELF))) send(l, m);
}

/** A PONG to everyone, or only to the other replicas of our primary (before an election). */
function broadcastPong(localReplicasOnly: boolean): void {
  const me = cluster.st.myself;
  for (const [n, l] of outLinks) {
    if (!l.connected || n.flags & (NodeFlag.HANDSHAKE | NodeFlag.MYSELF)) continue;
    if (localReplicasOnly && !(n.isReplica() && n.primary !== null && n.primary === me.primary)) continue;
    sendPing(l, MsgType.PONG);
  }
}

function linkTo(n: ClusterNode): BusLink | null {
  const l = outLinks.get(n);
  return l !== undefined && l.connected ? l : null;
}

/** The address of the peer of an inbound link (or the announced one). */
function peerIp(l: BusLink, announced: string): string {
  if (announced !== '') return announced;
  return stripMapped(l.sock.remoteAddress ?? '');
}

function stripMapped(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

// ---------------------------------------------------------------------------------------------
// CLUSTER MEET / FORGET / RESET helpers for the commands

/** CLUSTER MEET: a handshake node the cron connects to. */
export function meet(ip: string, port: number, cport: number): boolean {
  // A handshake already under way with that address counts as success, as in Redis.
  return cluster.st.startHandshake(ip, port, cport, Date.now()) !== 'invalid';
}

export function forgetNode(n: ClusterNode): void {
  cluster.st.blacklistAdd(n.id, Date.now());
  freeNodeLinks(n);
  cluster.st.deleteNode(n);
  updateState();
  saveConfig();
}

/** CLUSTER RESET: forget every other node, drop slots; HARD also renames us and zeroes epochs. */
export function resetNode(hard: boolean): void {
  const st = cluster.st;
  if (st.myself.isReplica()) {
    st.setNodeAsPrimary(st.myself);
    unsetPrimary();
  }
  st.migratingTo.fill(null);
  st.importingFrom.fill(null);
  for (let s = 0; s < CLUSTER_SLOTS; s++) st.delSlot(s);
  resetManualFailover();
  for (const n of [...st.nodes.values()]) {
    if (n === st.myself) continue;
    freeNodeLinks(n);
    st.deleteNode(n);
  }
  if (hard) {
    st.currentEpoch = 0;
    st.lastVoteEpoch = 0;
    st.myself.configEpoch = 0;
    st.renameNode(st.myself, randomNodeId());
    log().info(`Node hard reset, now I'm ${st.myself.id}`);
  }
  updateState();
  saveConfig();
}

/** CLUSTER REPLICATE: follow `n` (clusterSetMaster). */
export function replicateNode(n: ClusterNode): void {
  cluster.st.replicate(n);
  setPrimary(n.ip, n.port);
  resetManualFailover();
  updateState();
  saveConfig();
}

/** CLUSTER BUMPEPOCH / TAKEOVER: a new configEpoch without asking anyone. True when bumped. */
export function bumpEpochWithoutConsensus(): boolean {
  const st = cluster.st;
  const max = st.maxEpoch();
  if (st.myself.configEpoch === 0 || st.myself.configEpoch !== max) {
    st.currentEpoch++;
    st.myself.configEpoch = st.currentEpoch;
    saveConfig();
    log().info(`New configEpoch set to ${st.myself.configEpoch}`);
    return true;
  }
  return false;
}

/** CLUSTER FAILOVER on a replica. */
export function startManualFailover(mode: 'default' | 'force' | 'takeover'): void {
  const st = cluster.st;
  resetManualFailover();
  if (mode === 'takeover') {
    // No votes: a new epoch and the slots, as an admin decision.
    bumpEpochWithoutConsensus();
    replaceMyPrimary();
    return;
  }
  cluster.mf.end = Date.now() + MF_TIMEOUT;
  if (mode === 'force') {
    cluster.mf.canStart = true;
    return;
  }
  const l = st.myself.primary !== null ? linkTo(st.myself.primary) : null;
  if (l !== null) send(l, buildHeaderOnly(st, MsgType.MFSTART, senderContext()));
}

function resetManualFailover(): void {
  if (cluster.mf.replica !== null) unpauseClients(PAUSE_DURING_FAILOVER);
  cluster.mf.end = 0;
  cluster.mf.replica = null;
  cluster.mf.primaryOffset = -1;
  cluster.mf.canStart = false;
}

/** PUBLISH in cluster mode reaches every node; SPUBLISH the nodes of our shard. */
export function propagatePublish(channel: string, message: string, sharded: boolean): void {
  const st = cluster.st;
  const m = buildPublish(st, channel, message, sharded, senderContext());
  if (!sharded) {
    broadcast(m);
    return;
  }
  const primary = st.myself.isPrimary() ? st.myself : st.myself.primary;
  if (primary === null) return;
  for (const n of [primary, ...primary.replicas]) {
    if (n === st.myself) continue;
    const l = linkTo(n);
    if (l !== null) send(l, m);
  }
}

// ---------------------------------------------------------------------------------------------
// Message processing (clusterProcessPacket)

function processPacket(l: BusLink, m: BusMessage): void {
  const st = cluster.st;
  const now = Date.now();
  const type = m.type;
  let sender: ClusterNode | null = l.node !== null && !(l.node.flags & NodeFlag.HANDSHAKE) ? l.node : st.lookup(m.sender) ?? null;
  if (sender !== null && sender.flags & NodeFlag.HANDSHAKE) sender = null;
  if (sender !== null && l.inbound && l.node === null) {
    const old = inLinks.get(sender);
    if (old !== undefined && old !== l) dropLink(old);
    l.node = sender;
    inLinks.set(sender, l);
  }
  if (sender !== null) dataReceived.set(sender, now);
  if (sender !== null) {
    if (m.currentEpoch > st.currentEpoch) {
      st.currentEpoch = m.currentEpoch;
      todoSave = true;
    }
    if (m.configEpoch > sender.configEpoch) {
      sender.configEpoch = m.configEpoch;
      todoSave = true;
      todoState = true;
    }
    sender.replOffset = m.offset;
    // Our primary tells us its offset while paused for our manual failover.
    if (cluster.mf.end !== 0 && st.myself.isReplica() && st.myself.primary === sender && m.mflags & MsgFlag0.PAUSED && cluster.mf.primaryOffset === -1) {
      cluster.mf.primaryOffset = m.offset;
      log().info(`Received replication offset for paused master manual failover: ${m.offset}`);
    }
  }

  if (type === MsgType.PING || type === MsgType.MEET) {
    // Only cluster nodes MEET us: the address they reached us on is ours.
    if ((type === MsgType.MEET || st.myself.ip === '') && server.config.get('cluster-announce-ip') === '') {
      const ip = stripMapped(l.sock.localAddress ?? '');
      if (ip !== '' && ip !== st.myself.ip) {
        st.myself.ip = ip;
        log().info(`IP address for this node updated to ${ip}`);
        todoSave = true;
      }
    }
    if (sender === null && type === MsgType.MEET) {
      const n = st.startHandshake(peerIp(l, m.myip), m.port, m.cport, now);
      if (typeof n !== 'string') {
        n.flags &= ~NodeFlag.MEET;
        n.pport = m.pport;
        todoSave = true;
      }
      if (m.body.kind === 'ping') processGossip(st, null, m.body.gossip, now, cluster.nodeTimeout);
    }
    sendPing(l, MsgType.PONG);
  }

  if (type === MsgType.PING || type === MsgType.PONG || type === MsgType.MEET) {
    if (!l.inbound && l.node !== null) {
      const ln = l.node;
      if (ln.flags & NodeFlag.HANDSHAKE) {
        if (sender !== null) {
          // We met a node we already know under its real name: drop the placeholder.
          updateAddressIfNeeded(sender, l, m);
          freeNodeLinks(ln);
          st.deleteNode(ln);
          todoSave = true;
          return;
        }
        if (st.lookup(m.sender) !== undefined) {
          freeNodeLinks(ln);
          st.deleteNode(ln);
          todoSave = true;
          return;
        }
        st.renameNode(ln, m.sender);
        log().info(`Handshake with node ${m.sender} completed.`);
        ln.flags &= ~NodeFlag.HANDSHAKE;
        ln.flags |= m.flags & (NodeFlag.MASTER | NodeFlag.SLAVE);
        sender = ln;
        dataReceived.set(sender, now);
        todoSave = true;
      } else if (ln.id !== m.sender) {
        // The node at this address is someone else now.
        ln.flags |= NodeFlag.NOADDR;
        ln.ip = '';
        ln.port = 0;
        ln.cport = 0;
        dropLink(l);
        todoSave = true;
        return;
      }
    }
    if (sender !== null) {
      sender.flags = (sender.flags & ~NodeFlag.NOFAILOVER) | (m.flags & NodeFlag.NOFAILOVER);
      if (type === MsgType.PING && updateAddressIfNeeded(sender, l, m)) {
        todoSave = true;
        todoState = true;
      }
    }
    if (!l.inbound && l.node !== null && type === MsgType.PONG) {
      const ln = l.node;
      ln.pongReceived = now;
      ln.pingSent = 0;
      if (ln.flags & NodeFlag.PFAIL) {
        ln.flags &= ~NodeFlag.PFAIL;
        todoState = true;
      } else if (clearFailureIfNeeded(ln, now, cluster.nodeTimeout)) {
        log().info(`Clear FAIL state for node ${ln.id}: is reachable again.`);
        todoState = true;
        todoSave = true;
      }
    }
    if (sender !== null) processRole(sender, m);
    if (sender !== null) processSlots(sender, m);
    // Two primaries with the same configEpoch: the one with the greater id moves on.
    if (sender !== null && st.myself.isPrimary() && sender.isPrimary() && m.configEpoch === st.myself.configEpoch) {
      handleEpochCollision(sender);
    }
    if (sender !== null && m.body.kind === 'ping') {
      const g = processGossip(st, sender, m.body.gossip, now, cluster.nodeTimeout);
      for (const f of g.failed) announceFail(f);
      for (const n of g.readdressed) freeNodeLinks(n);
      if (g.added.length > 0) todoSave = true;
      let hostname = '';
      for (const e of m.body.extensions) if ('hostname' in e) hostname = e.hostname;
      if (sender.hostname !== hostname) {
        sender.hostname = hostname;
        todoSave = true;
      }
    }
    return;
  }

  if (sender === null) return;
  switch (type) {
    case MsgType.FAIL: {
      if (m.body.kind !== 'fail') return;
      const failing = st.lookup(m.body.nodename);
      if (failing !== undefined && !(failing.flags & (NodeFlag.FAIL | NodeFlag.MYSELF))) {
        log().info(`FAIL message received from ${sender.id} about ${failing.id}`);
        failing.flags = (failing.flags | NodeFlag.FAIL) & ~NodeFlag.PFAIL;
        failing.failTime = now;
        todoSave = true;
        todoState = true;
      }
      return;
    }
    case MsgType.PUBLISH:
    case MsgType.PUBLISHSHARD:
      if (m.body.kind !== 'publish') return;
      if (type === MsgType.PUBLISH) publish(m.body.channel, m.body.message);
      else spublish(m.body.channel, m.body.message);
      return;
    case MsgType.FAILOVER_AUTH_REQUEST: {
      const refusal = decideVote(st, sender, { currentEpoch: m.currentEpoch, configEpoch: m.configEpoch, myslots: m.myslots, mflags: m.mflags }, now, cluster.nodeTimeout);
      if (refusal !== null) return;
      saveConfig();
      log().info(`Failover auth granted to ${sender.id} for epoch ${st.currentEpoch}`);
      const l2 = linkTo(sender);
      if (l2 !== null) send(l2, buildHeaderOnly(st, MsgType.FAILOVER_AUTH_ACK, senderContext()));
      return;
    }
    case MsgType.FAILOVER_AUTH_ACK:
      if (cluster.election.receiveAck(sender, m.currentEpoch)) handleReplicaFailover(now);
      return;
    case MsgType.MFSTART:
      // A replica of ours asks us to pause while it catches up.
      if (sender.primary !== st.myself) return;
      resetManualFailover();
      cluster.mf.end = now + MF_TIMEOUT;
      cluster.mf.replica = sender;
      pauseClients(now + MF_TIMEOUT * 2, PAUSE_WRITE, PAUSE_DURING_FAILOVER);
      log().info(`Manual failover requested by replica ${sender.id}.`);
      // Tell it our offset right away.
      {
        const l2 = linkTo(sender);
        if (l2 !== null) sendPing(l2, MsgType.PING);
      }
      return;
    case MsgType.UPDATE: {
      if (m.body.kind !== 'update') return;
      const n = st.lookup(m.body.nodename);
      if (n === undefined || n.configEpoch >= m.body.configEpoch) return;
      if (n.isReplica()) st.setNodeAsPrimary(n);
      n.configEpoch = m.body.configEpoch;
      todoSave = true;
      applySlotConfig(updateSlotsConfigWith(st, n, m.body.configEpoch, m.body.slots, keyCounter, server.config.bool('cluster-allow-replica-migration')));
      return;
    }
    default:
      return;
  }
}

/** A PING from a known node at a new address (inbound link): take the new address. */
function updateAddressIfNeeded(n: ClusterNode, l: BusLink, m: BusMessage): boolean {
  if (l === outLinks.get(n) || n === cluster.st.myself) return false;
  const ip = peerIp(l, m.myip);
  if (n.ip === ip && n.port === m.port && n.cport === m.cport && n.pport === m.pport) return false;
  n.ip = ip;
  n.port = m.port;
  n.pport = m.pport;
  n.cport = m.cport;
  n.flags &= ~NodeFlag.NOADDR;
  const o = outLinks.get(n);
  if (o !== undefined) dropLink(o);
  log().info(`Address updated for node ${n.id}, now ${ip}:${m.port}`);
  if (cluster.st.myself.primary === n) setPrimary(n.ip, n.port);
  return true;
}

/** The sender says whether it is a primary or whose replica it is. */
function processRole(sender: ClusterNode, m: BusMessage): void {
  const st = cluster.st;
  if (m.slaveof === null) {
    if (st.setNodeAsPrimary(sender)) {
      todoSave = true;
      todoState = true;
    }
    return;
  }
  const primary = st.lookup(m.slaveof) ?? null;
  if (sender.isPrimary()) {
    // A primary turned replica: its slots go (they will be claimed by their new owner).
    for (let s = 0; s < CLUSTER_SLOTS; s++) if (st.slots[s] === sender) st.delSlot(s);
    sender.flags = (sender.flags & ~(NodeFlag.MASTER | NodeFlag.MIGRATE_TO)) | NodeFlag.SLAVE;
    todoSave = true;
    todoState = true;
  }
  if (primary !== null && sender.primary !== primary) {
    st.setPrimaryOf(sender, primary);
    todoSave = true;
  }
}

function processSlots(sender: ClusterNode, m: BusMessage): void {
  const st = cluster.st;
  const senderPrimary = sender.isPrimary() ? sender : sender.primary;
  if (senderPrimary === null) return;
  let dirty = false;
  for (let i = 0; i < m.myslots.length; i++) {
    if (senderPrimary.slots[i] !== m.myslots[i]) {
      dirty = true;
      break;
    }
  }
  if (!dirty) return;
  if (sender.isPrimary()) {
    applySlotConfig(updateSlotsConfigWith(st, sender, m.configEpoch, m.myslots, keyCounter, server.config.bool('cluster-allow-replica-migration')));
  }
  // The sender claims slots we know a newer owner for: tell it (UPDATE).
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    if (!bitmapTest(m.myslots, s)) continue;
    const owner = st.slots[s];
    if (owner === sender || st.isSlotUnclaimed(s)) continue;
    if (owner!.configEpoch > m.configEpoch) {
      const l = linkTo(sender);
      if (l !== null) send(l, buildUpdate(st, owner!, senderContext()));
      break;
    }
  }
}

const keyCounter = { countKeysInSlot };

function applySlotConfig(r: SlotConfigResult): void {
  if (r.changed) {
    todoSave = true;
    todoState = true;
  }
  const a = r.action;
  if (a.kind === 'replicate') {
    log().info(`Configuration change detected. Reconfiguring myself as a replica of ${a.primary.id}`);
    setPrimary(a.primary.ip, a.primary.port);
    resetManualFailover();
    saveConfig();
  } else if (a.kind === 'delete-keys') {
    const db = server.dbs[0];
    for (const slot of a.slots) {
      for (const key of [...keysInSlot(slot)]) {
        db.delete(key);
        server.dirty++;
        propagate(0, ['DEL', key]);
      }
    }
  }
}

function handleEpochCollision(sender: ClusterNode): void {
  const st = cluster.st;
  // The node with the smaller id keeps the epoch.
  if (sender.id <= st.myself.id) return;
  st.currentEpoch++;
  st.myself.configEpoch = st.currentEpoch;
  todoSave = true;
  log().info(`configEpoch collision with node ${sender.id}. configEpoch set to ${st.myself.configEpoch}`);
}

function announceFail(n: ClusterNode): void {
  log().info(`Marking node ${n.id} as failing (quorum reached).`);
  broadcast(buildFail(cluster.st, n, senderContext()));
  todoSave = true;
  todoState = true;
}

// ---------------------------------------------------------------------------------------------
// Cron

function cron(): void {
  if (server.cronPaused) return;
  const st = cluster.st;
  const now = Date.now();
  const timeout = cluster.nodeTimeout;
  const handshakeTimeout = Math.max(timeout, 1000);
  cronIteration++;
  for (const n of [...st.nodes.values()]) {
    if (n === st.myself || n.flags & NodeFlag.NOADDR) continue;
    if (n.flags & NodeFlag.HANDSHAKE && now - n.ctime > handshakeTimeout) {
      freeNodeLinks(n);
      st.deleteNode(n);
      continue;
    }
    if (!outLinks.has(n) && n.ip !== '' && n.cport !== 0) connectNode(n);
  }
  // Once a second, ping the one among a few random nodes we heard from longest ago.
  if (cronIteration % 10 === 0) {
    const all = [...st.nodes.values()];
    let min: ClusterNode | null = null;
    for (let j = 0; j < 5 && all.length > 0; j++) {
      const n = all[Math.floor(Math.random() * all.length)];
      if (linkTo(n) === null || n.pingSent !== 0 || n.flags & (NodeFlag.MYSELF | NodeFlag.HANDSHAKE)) continue;
      if (min === null || n.pongReceived < min.pongReceived) min = n;
    }
    if (min !== null) sendPing(linkTo(min)!, MsgType.PING);
  }
  for (const n of st.nodes.values()) {
    if (n.flags & (NodeFlag.MYSELF | NodeFlag.NOADDR | NodeFlag.HANDSHAKE)) continue;
    const l = outLinks.get(n);
    const pingDelay = now - n.pingSent;
    const dataDelay = now - (dataReceived.get(n) ?? 0);
    // A link that got no answer for half the timeout may be stuck: reconnect.
    if (l !== undefined && now - l.ctime > timeout && n.pingSent !== 0 && pingDelay > timeout / 2 && dataDelay > timeout / 2) {
      dropLink(l);
    }
    // A link still connecting queues the ping: its time starts now, so a node we cannot reach
    // at all still turns PFAIL.
    const cur = outLinks.get(n);
    if (cur !== undefined && n.pingSent === 0 && now - n.pongReceived > timeout / 2) {
      sendPing(cur, MsgType.PING);
      continue;
    }
    const live = linkTo(n);
    // During a manual failover, keep the replica told about our offset.
    if (cluster.mf.end !== 0 && st.myself.isPrimary() && cluster.mf.replica === n && live !== null) {
      sendPing(live, MsgType.PING);
      continue;
    }
    if (n.pingSent === 0) continue;
    if (Math.min(pingDelay, dataDelay) > timeout && !(n.flags & (NodeFlag.PFAIL | NodeFlag.FAIL))) {
      log().info(`*** NODE ${n.id} possibly failing`);
      n.flags |= NodeFlag.PFAIL;
      todoState = true;
    }
  }
  // A replica (from nodes.conf, or after a configuration change) follows its primary.
  const me = st.myself;
  if (me.isReplica() && me.primary !== null && me.primary.ip !== '' && (!stream.isReplica || replLink.host !== me.primary.ip || replLink.port !== me.primary.port)) {
    setPrimary(me.primary.ip, me.primary.port);
  }
  if (cluster.mf.end !== 0 && now > cluster.mf.end) {
    log().warn('Manual failover timed out.');
    resetManualFailover();
  }
  if (me.isReplica()) {
    if (cluster.mf.end !== 0 && !cluster.mf.canStart && cluster.mf.primaryOffset !== -1 && cluster.mf.primaryOffset === stream.offset) {
      cluster.mf.canStart = true;
      log().info('All master replication stream processed, manual failover can start.');
    }
    handleReplicaFailover(now);
    handleReplicaMigration(now);
  }
  todoState = true;
  flushTodo();
  if (blockedClients() !== 0) redirectBlockedClients();
}

const blockedRoute: RouteResult = { slot: 0, node: null };

/** Clients blocked on keys whose slot is no longer ours (or a cluster now down) get the redirection. */
function redirectBlockedClients(): void {
  for (const { client, key, cmd } of blockedOn(server.dbs[0])) {
    const code = routeBlocked(cluster.st, keyHashSlot(key), (client.flags & CLIENT_READONLY) !== 0, (cmd.flags & F.WRITE) !== 0, blockedRoute);
    if (code !== Route.OK) unblockWith(client, redirectError(code, blockedRoute, blockedRoute.node === null ? 0 : portFor(client, blockedRoute.node)));
  }
}

/** The replica side of an election (clusterHandleSlaveFailover). */
function handleReplicaFailover(now: number): void {
  const st = cluster.st;
  const dataAge = replLink.state === 'connected' ? now - replLink.lastIo : now - (replLink.downSince || now);
  const step = cluster.election.step(st, {
    now,
    nodeTimeout: cluster.nodeTimeout,
    dataAge,
    validityFactor: server.config.num('cluster-replica-validity-factor'),
    replPingPeriod: server.config.num('repl-ping-replica-period'),
    noFailover: server.config.bool('cluster-replica-no-failover'),
    manualFailover: cluster.mf.end !== 0,
    manualCanStart: cluster.mf.canStart,
    myOffset: stream.offset,
    random: Math.random,
  });
  switch (step.kind) {
    case 'scheduled':
      log().info(`Start of election delayed for ${step.delay} milliseconds (rank #${step.rank}, offset ${stream.offset}).`);
      broadcastPong(true);
      break;
    case 'request-votes':
      log().info(`Starting a failover election for epoch ${step.epoch}.`);
      saveConfig();
      broadcast(buildHeaderOnly(st, MsgType.FAILOVER_AUTH_REQUEST, senderContext()));
      break;
    case 'won':
      log().info('Failover election won: I\'m the new master.');
      replaceMyPrimary();
      break;
    default:
      break;
  }
}

/** How long a primary must stay orphaned before a replica migrates to it. */
const MIGRATION_DELAY = 5000;
/** Since when each primary has had no working replica. */
const orphanedSince = new WeakMap<ClusterNode, number>();

function okReplicas(n: ClusterNode): number {
  let ok = 0;
  for (const r of n.replicas) if (!(r.flags & NodeFlag.FAIL)) ok++;
  return ok;
}

/**
 * Replica migration (clusterHandleSlaveMigration): a primary left without working replicas, that
 * had some, gets one from a primary with the most replicas, if that keeps more than
 * cluster-migration-barrier there. Among the candidates, the replica with the smallest id moves.
 */
function handleReplicaMigration(now: number): void {
  const st = cluster.st;
  const me = st.myself;
  const mine = me.primary;
  if (mine === null || cluster.mf.end !== 0 || !server.config.bool('cluster-allow-replica-migration')) return;
  let orphaned = 0;
  let maxReplicas = 0;
  for (const n of st.nodes.values()) {
    if (!n.isPrimary() || n.flags & NodeFlag.FAIL) continue;
    const ok = okReplicas(n);
    if (ok === 0 && n.numSlots > 0 && n.flags & NodeFlag.MIGRATE_TO) orphaned++;
    if (ok > maxReplicas) maxReplicas = ok;
  }
  if (orphaned === 0 || maxReplicas < 2 || okReplicas(mine) !== maxReplicas || !st.health.ok) return;
  let working = 0;
  for (const r of mine.replicas) if (!(r.flags & (NodeFlag.FAIL | NodeFlag.PFAIL))) working++;
  if (working <= server.config.num('cluster-migration-barrier')) return;
  let candidate = me;
  let target: ClusterNode | null = null;
  for (const n of st.nodes.values()) {
    const ok = n.isPrimary() ? okReplicas(n) : 0;
    if (n.isPrimary() && !(n.flags & NodeFlag.FAIL) && n.flags & NodeFlag.MIGRATE_TO && ok === 0) {
      if (target === null && n.numSlots > 0) target = n;
      if (!orphanedSince.has(n)) orphanedSince.set(n, now);
    } else {
      orphanedSince.delete(n);
    }
    if (ok === maxReplicas) for (const r of n.replicas) if (r.id < candidate.id) candidate = r;
  }
  if (target !== null && candidate === me && now - orphanedSince.get(target)! > MIGRATION_DELAY) {
    log().info(`Migrating to orphaned master ${target.id}`);
    replicateNode(target);
  }
}

/** Take over our primary's slots and tell everyone (clusterFailoverReplaceYourMaster). */
function replaceMyPrimary(): void {
  const st = cluster.st;
  const me = st.myself;
  const old = me.primary;
  if (me.isPrimary() || old === null) return;
  st.setNodeAsPrimary(me);
  unsetPrimary();
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    if (st.slots[s] !== old) continue;
    st.delSlot(s);
    st.addSlot(s, me);
  }
  updateState();
  saveConfig();
  broadcastPong(false);
  resetManualFailover();
}

/** For CLUSTER LINKS: every open link. */
export function allLinks(): { node: ClusterNode; link: BusLink }[] {
  const out: { node: ClusterNode; link: BusLink }[] = [];
  for (const [node, link] of outLinks) out.push({ node, link });
  for (const [node, link] of inLinks) out.push({ node, link });
  return out;
}

/** After a CLUSTER command changed the configuration: state now, config saved (see saveConfig). */
export function commitChange(durable = true): void {
  updateState();
  saveConfig(durable);
}
