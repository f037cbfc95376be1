// CLUSTER and the per-connection cluster commands (ASKING, READONLY, READWRITE), with Redis 7.0's
// replies and error texts. The model lives in src/cluster/state.ts, the bus in src/cluster/node.ts;
// a handler that changes the configuration updates cluster_state and saves nodes.conf before it
// replies, as Redis does in beforeSleep.

import { NodeFlag } from '../cluster/bus/codec.js';
import {
  MSG_TYPE_NAMES,
  allLinks,
  bumpEpochWithoutConsensus,
  cluster,
  commitChange,
  forgetNode,
  meet,
  portFor,
  replicateNode,
  resetNode,
  saveConfig,
  startManualFailover,
  usePlainPort,
} from '../cluster/node.js';
import { failureReportsCount } from '../cluster/failure.js';
import { countKeysInSlot, keysInSlot } from '../cluster/slot-index.js';
import { formatNodeLine } from '../cluster/nodes-conf.js';
import { CLUSTER_SLOTS, keyHashSlot } from '../cluster/slots.js';
import type { ClusterNode } from '../cluster/state.js';
import { ERR } from '../errors.js';
import { parseInt64 } from '../protocol/format.js';
import { stream } from '../replication/primary.js';
import { CLIENT_ASKING, CLIENT_READONLY, type Client } from '../server/client.js';
import { server } from '../server/state.js';
import { replyHelp } from './help.js';
import { noContainerHandler, type ArgSpec, type CommandDef, type CommandDocsExtra, type Handler } from './spec.js';
import { longArg } from './int-args.js';

const ADMIN = 'admin stale no_async_loading';

/** Every handler first refuses when cluster mode is off. */
function enabled(h: Handler): Handler {
  return (c, argv) => {
    if (!cluster.on) {
      c.reply.error(ERR.clusterDisabled);
      return;
    }
    h(c, argv);
  };
}

function sub(name: string, arity: number, flags: string, since: string, summary: string, complexity: string, handler: Handler, tips?: string[]): CommandDef {
  return { name, arity, flags, group: 'cluster', since, summary, complexity, handler: enabled(handler), tips, docs: SUB_DOCS[name] };
}

// Argument tables and history (COMMAND DOCS), as Redis 7.0 describes them.
const NODE_ID: ArgSpec[] = [{ name: 'node-id', type: 'string' }];
const SLOTS: ArgSpec[] = [{ name: 'slot', type: 'integer', flags: ['multiple'] }];
const SLOT_RANGES: ArgSpec[] = [{
  name: 'start-slot_end-slot', type: 'block', flags: ['multiple'],
  args: [{ name: 'start-slot', type: 'integer' }, { name: 'end-slot', type: 'integer' }],
}];
const SUB_DOCS: Record<string, CommandDocsExtra> = {
  countkeysinslot: { args: [{ name: 'slot', type: 'integer' }] },
  getkeysinslot: { args: [{ name: 'slot', type: 'integer' }, { name: 'count', type: 'integer' }] },
  keyslot: { args: [{ name: 'key', type: 'string' }] },
  addslots: { args: SLOTS },
  delslots: { args: SLOTS },
  addslotsrange: { args: SLOT_RANGES },
  delslotsrange: { args: SLOT_RANGES },
  setslot: {
    args: [{ name: 'slot', type: 'integer' }, {
      name: 'subcommand', type: 'oneof', args: [
        { name: 'node-id', type: 'string', token: 'IMPORTING' }, { name: 'node-id', type: 'string', token: 'MIGRATING' },
        { name: 'node-id', type: 'string', token: 'NODE' }, { name: 'stable', type: 'pure-token', token: 'STABLE' },
      ],
    }],
  },
  meet: {
    args: [{ name: 'ip', type: 'string' }, { name: 'port', type: 'integer' }, { name: 'cluster_bus_port', type: 'integer', since: '4.0.0', flags: ['optional'] }],
    history: [['4.0.0', 'The bus port can be given.']],
  },
  forget: { args: NODE_ID },
  replicate: { args: NODE_ID },
  replicas: { args: NODE_ID },
  slaves: { args: NODE_ID, docFlags: ['deprecated'], deprecatedSince: '5.0.0', replacedBy: '`CLUSTER REPLICAS`' },
  'count-failure-reports': { args: NODE_ID },
  failover: {
    args: [{ name: 'options', type: 'oneof', flags: ['optional'], args: [{ name: 'force', type: 'pure-token', token: 'FORCE' }, { name: 'takeover', type: 'pure-token', token: 'TAKEOVER' }] }],
  },
  'set-config-epoch': { args: [{ name: 'config-epoch', type: 'integer' }] },
  reset: {
    args: [{ name: 'hard_soft', type: 'oneof', flags: ['optional'], args: [{ name: 'hard', type: 'pure-token', token: 'HARD' }, { name: 'soft', type: 'pure-token', token: 'SOFT' }] }],
  },
  slots: {
    history: [['4.0.0', 'Node ids in the reply.'], ['7.0.0', 'Hostnames and other endpoints in the reply.']],
    docFlags: ['deprecated'], deprecatedSince: '7.0.0', replacedBy: '`CLUSTER SHARDS`',
  },
};

const ND = ['nondeterministic_output'];

/** A slot argument (getSlotOrReply); null after replying the error. */
function slotArg(c: Client, s: string): number | null {
  const n = parseInt64(s);
  if (n === null || typeof n === 'bigint' || n < 0 || n >= CLUSTER_SLOTS) {
    c.reply.error(ERR.clusterSlotOutOfRange);
    return null;
  }
  return n;
}

/** Redis's reply to a CLUSTER subcommand called with a count of arguments it does not take. */
function subcommandSyntax(c: Client, argv: string[]): void {
  c.reply.error(ERR.subcommandSyntax(argv[1].slice(0, 128), 'CLUSTER'));
}

function nodeArg(c: Client, id: string, unknown: (id: string) => string = ERR.clusterUnknownNode): ClusterNode | null {
  const n = cluster.st.lookup(id);
  if (n === undefined) {
    c.reply.error(unknown(id));
    return null;
  }
  return n;
}

/**
 * ADDSLOTS/DELSLOTS(RANGE): every argument parsed first, then every slot checked (owner, given
 * twice), then all applied (checkSlotAssignmentsOrReply + clusterUpdateSlots).
 */
function updateSlots(c: Client, argv: string[], del: boolean, ranges: boolean): void {
  if (ranges && argv.length % 2 === 1) {
    c.reply.error(ERR.wrongArity(argv[0].toLowerCase() + '|' + argv[1].toLowerCase()));
    return;
  }
  const bounds: number[] = [];
  for (let j = 2; j < argv.length; j++) {
    const s = slotArg(c, argv[j]);
    if (s === null) return;
    bounds.push(s);
  }
  const st = cluster.st;
  const marked = new Uint8Array(CLUSTER_SLOTS);
  const step = ranges ? 2 : 1;
  for (let j = 0; j < bounds.length; j += step) {
    const start = bounds[j];
    const end = ranges ? bounds[j + 1] : start;
    if (start > end) {
      c.reply.error(ERR.clusterSlotRangeOrder(start, end));
      return;
    }
  }
  for (let j = 0; j < bounds.length; j += step) {
    const start = bounds[j];
    const end = ranges ? bounds[j + 1] : start;
    for (let s = start; s <= end; s++) {
      if (del && st.slots[s] === null) {
        c.reply.error(ERR.clusterSlotUnassigned(s));
        return;
      }
      if (!del && st.slots[s] !== null) {
        c.reply.error(ERR.clusterSlotBusy(s));
        return;
      }
      if (marked[s]++ === 1) {
        c.reply.error(ERR.clusterSlotRepeated(s));
        return;
      }
    }
  }
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    if (marked[s] === 0) continue;
    if (del) {
      st.delSlot(s);
    } else {
      st.addSlot(s, st.myself);
      // Owning a slot ends importing it.
      st.importingFrom[s] = null;
    }
  }
  commitChange();
  c.reply.ok();
}

function clusterInfo(c: Client): void {
  const st = cluster.st;
  let assigned = 0, ok = 0, pfail = 0, fail = 0;
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    const n = st.slots[s];
    if (n === null) continue;
    assigned++;
    if (n.flags & NodeFlag.FAIL) fail++;
    else if (n.flags & NodeFlag.PFAIL) pfail++;
    else ok++;
  }
  const me = st.myself;
  const myEpoch = me.isReplica() && me.primary !== null ? me.primary.configEpoch : me.configEpoch;
  let out = `cluster_state:${st.health.ok ? 'ok' : 'fail'}\r\n` +
    `cluster_slots_assigned:${assigned}\r\ncluster_slots_ok:${ok}\r\ncluster_slots_pfail:${pfail}\r\ncluster_slots_fail:${fail}\r\n` +
    `cluster_known_nodes:${st.nodes.size}\r\ncluster_size:${st.health.size}\r\n` +
    `cluster_current_epoch:${st.currentEpoch}\r\ncluster_my_epoch:${myEpoch}\r\n`;
  const stats = (counts: number[], dir: string): string => {
    let s = '';
    let total = 0;
    for (let t = 0; t < counts.length; t++) {
      if (counts[t] === 0) continue;
      s += `cluster_stats_messages_${MSG_TYPE_NAMES[t]}_${dir}:${counts[t]}\r\n`;
      total += counts[t];
    }
    return s + `cluster_stats_messages_${dir}:${total}\r\n`;
  };
  out += stats(cluster.statsSent, 'sent') + stats(cluster.statsReceived, 'received');
  out += `total_cluster_links_buffer_limit_exceeded:${cluster.linksBufferLimitExceeded}\r\n`;
  c.reply.verbatim(out);
}

function describeLine(c: Client, n: ClusterNode): string {
  return formatNodeLine(cluster.st.describe(n, usePlainPort(c)));
}

function clusterNodes(c: Client): void {
  let out = '';
  for (const n of cluster.st.nodes.values()) out += describeLine(c, n) + '\n';
  c.reply.verbatim(out);
}

/** One node of a CLUSTER SLOTS range: endpoint, port, id, and the other known addresses. */
function slotsNode(c: Client, n: ClusterNode): void {
  const pref = cluster.st.settings.preferredEndpoint;
  c.reply.array(4);
  if (pref === 'unknown-endpoint') c.reply.nullBulk();
  else c.reply.bulk(n.endpoint);
  c.reply.int(portFor(c, n));
  c.reply.bulk(n.id);
  const withIp = pref !== 'ip';
  const withHost = pref !== 'hostname' && n.hostname !== '';
  c.reply.map((withIp ? 1 : 0) + (withHost ? 1 : 0));
  if (withIp) {
    c.reply.bulk('ip');
    c.reply.bulk(n.ip);
  }
  if (withHost) {
    c.reply.bulk('hostname');
    c.reply.bulk(n.hostname);
  }
}

/** Contiguous runs of slots with the same owner, in slot order. */
function slotRuns(): [number, number, ClusterNode][] {
  const st = cluster.st;
  const runs: [number, number, ClusterNode][] = [];
  for (let s = 0; s < CLUSTER_SLOTS; s++) {
    const n = st.slots[s];
    if (n === null) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last[2] === n && last[1] === s - 1) last[1] = s;
    else runs.push([s, s, n]);
  }
  return runs;
}

function clusterSlots(c: Client): void {
  const runs = slotRuns();
  c.reply.array(runs.length);
  for (const [start, end, n] of runs) {
    // As Redis: a replica shows once it has replicated something (offset not 0), and not failed.
    const replicas = n.replicas.filter((r) => !(r.flags & NodeFlag.FAIL) && nodeOffset(r) !== 0);
    c.reply.array(3 + replicas.length);
    c.reply.int(start);
    c.reply.int(end);
    slotsNode(c, n);
    for (const r of replicas) slotsNode(c, r);
  }
}

function nodeOffset(n: ClusterNode): number {
  return n === cluster.st.myself ? stream.offset : n.replOffset;
}

function shardNode(c: Client, n: ClusterNode): void {
  const offset = nodeOffset(n);
  const withHost = n.hostname !== '';
  // In a TLS cluster the announced port is the TLS one and pport the plaintext one (0: none).
  const tlsCluster = server.config.bool('tls-cluster');
  const plainPort = tlsCluster ? n.pport : n.port;
  const tlsPort = tlsCluster ? n.port : 0;
  c.reply.map(6 + (withHost ? 1 : 0) + (plainPort !== 0 ? 1 : 0) + (tlsPort !== 0 ? 1 : 0));
  c.reply.bulk('id');
  c.reply.bulk(n.id);
  if (plainPort !== 0) {
    c.reply.bulk('port');
    c.reply.int(plainPort);
  }
  if (tlsPort !== 0) {
    c.reply.bulk('tls-port');
    c.reply.int(tlsPort);
  }
  c.reply.bulk('ip');
  c.reply.bulk(n.ip);
  c.reply.bulk('endpoint');
  c.reply.bulk(n.endpoint);
  if (withHost) {
    c.reply.bulk('hostname');
    c.reply.bulk(n.hostname);
  }
  c.reply.bulk('role');
  c.reply.bulk(n.isPrimary() ? 'master' : 'replica');
  c.reply.bulk('replication-offset');
  c.reply.int(offset);
  c.reply.bulk('health');
  c.reply.bulk(n.flags & NodeFlag.FAIL ? 'failed' : n.isReplica() && offset === 0 ? 'loading' : 'online');
}

function clusterShards(c: Client): void {
  const runs = slotRuns();
  const primaries = [...cluster.st.nodes.values()].filter((n) => n.isPrimary());
  c.reply.array(primaries.length);
  for (const p of primaries) {
    c.reply.map(2);
    c.reply.bulk('slots');
    const mine = runs.filter((r) => r[2] === p);
    c.reply.array(mine.length * 2);
    for (const [start, end] of mine) {
      c.reply.int(start);
      c.reply.int(end);
    }
    c.reply.bulk('nodes');
    c.reply.array(1 + p.replicas.length);
    shardNode(c, p);
    for (const r of p.replicas) shardNode(c, r);
  }
}

function clusterLinks(c: Client): void {
  const links = allLinks();
  c.reply.array(links.length);
  for (const { node, link } of links) {
    c.reply.map(6);
    c.reply.bulk('direction');
    c.reply.bulk(link.inbound ? 'from' : 'to');
    c.reply.bulk('node');
    c.reply.bulk(node.id);
    c.reply.bulk('create-time');
    c.reply.int(link.ctime);
    c.reply.bulk('events');
    c.reply.bulk(link.inbound ? 'r' : 'rw');
    c.reply.bulk('send-buffer-allocated');
    c.reply.int(link.sock.writableLength);
    c.reply.bulk('send-buffer-used');
    c.reply.int(link.sock.writableLength);
  }
}

function setSlot(c: Client, argv: string[]): void {
  const st = cluster.st;
  const me = st.myself;
  if (me.isReplica()) {
    c.reply.error(ERR.clusterSetslotNotMaster);
    return;
  }
  const slot = slotArg(c, argv[2]);
  if (slot === null) return;
  const action = argv[3].toLowerCase();
  if (action === 'migrating' && argv.length === 5) {
    if (st.slots[slot] !== me) {
      c.reply.error(ERR.clusterNotSlotOwner(slot));
      return;
    }
    const n = nodeArg(c, argv[4], ERR.clusterDontKnowNode);
    if (n === null) return;
    if (n.isReplica()) {
      c.reply.error(ERR.clusterTargetNotMaster);
      return;
    }
    st.migratingTo[slot] = n;
  } else if (action === 'importing' && argv.length === 5) {
    if (st.slots[slot] === me) {
      c.reply.error(ERR.clusterAlreadySlotOwner(slot));
      return;
    }
    const n = nodeArg(c, argv[4], ERR.clusterDontKnowNode);
    if (n === null) return;
    if (n.isReplica()) {
      c.reply.error(ERR.clusterTargetNotMaster);
      return;
    }
    st.importingFrom[slot] = n;
  } else if (action === 'stable' && argv.length === 4) {
    st.migratingTo[slot] = null;
    st.importingFrom[slot] = null;
  } else if (action === 'node' && argv.length === 5) {
    const n = nodeArg(c, argv[4]);
    if (n === null) return;
    if (n.isReplica()) {
      c.reply.error(ERR.clusterTargetNotMaster);
      return;
    }
    const keys = countKeysInSlot(slot);
    if (st.slots[slot] === me && n !== me && keys !== 0) {
      c.reply.error(ERR.clusterSlotHasKeys(slot));
      return;
    }
    if (keys === 0 && st.migratingTo[slot] !== null) st.migratingTo[slot] = null;
    const wasMine = st.slots[slot] === me;
    st.delSlot(slot);
    st.addSlot(slot, n);
    if (wasMine && n !== me && me.numSlots === 0 && server.config.bool('cluster-allow-replica-migration')) {
      replicateNode(n);
    }
    if (n === me && st.importingFrom[slot] !== null) {
      st.importingFrom[slot] = null;
      // A manual migration ends with a new epoch, so the cluster takes our claim.
      bumpEpochWithoutConsensus();
    }
  } else {
    c.reply.error(ERR.clusterSetslotSyntax);
    return;
  }
  // Slot states are saved without fsync, as Redis does; an epoch bump above already fsynced.
  commitChange(false);
  c.reply.ok();
}

function replyReplicas(c: Client, argv: string[]): void {
  const n = nodeArg(c, argv[2]);
  if (n === null) return;
  if (n.isReplica()) {
    c.reply.error(ERR.clusterNodeNotMaster);
    return;
  }
  c.reply.array(n.replicas.length);
  for (const r of n.replicas) c.reply.bulk(describeLine(c, r));
}

const HELP = [
  'ADDSLOTS <slot> [<slot> ...]', '    Assign the slots to this node.',
  'ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]', '    Assign the slots of each inclusive range to this node.',
  'BUMPEPOCH', '    Move this node to a new config epoch.',
  'COUNT-FAILURE-REPORTS <node-id>', '    Count the reports that <node-id> is failing.',
  'COUNTKEYSINSLOT <slot>', '    Count the keys of <slot> held here.',
  'DELSLOTS <slot> [<slot> ...]', '    Unassign the slots.',
  'DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]', '    Unassign the slots of each inclusive range.',
  'FAILOVER [FORCE|TAKEOVER]', '    Make this replica take over from its master.',
  'FORGET <node-id>', '    Drop a node from this node\'s view of the cluster.',
  'GETKEYSINSLOT <slot> <count>', '    List up to <count> keys of <slot> held here.',
  'FLUSHSLOTS', '    Unassign every slot of this node.',
  'INFO', '    Show the cluster state and counters.',
  'KEYSLOT <key>', '    Show the hash slot of <key>.',
  'MEET <ip> <port> [<bus-port>]', '    Join the node at that address into the cluster.',
  'MYID', '    Show this node\'s id.',
  'NODES', '    Show the cluster configuration as this node sees it, one line per node:',
  '    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...',
  'REPLICATE <node-id>', '    Make this node a replica of <node-id>.',
  'RESET [HARD|SOFT]', '    Forget the cluster (default: soft).',
  'SET-CONFIG-EPOCH <epoch>', '    Give this node its first config epoch.',
  'SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)', '    Change the state of a slot.',
  'REPLICAS <node-id>', '    List the replicas of <node-id>.',
  'SAVECONFIG', '    Write the cluster configuration to disk now.',
  'SLOTS', '    Show the slot ranges with their master and replica addresses and ids.',
  'SHARDS', '    Show each shard: its slot ranges and its nodes.',
  'LINKS', '    Show the cluster bus connections of this node.',
];

export const commands: CommandDef[] = [
  {
    name: 'cluster', arity: -2, flags: '', group: 'cluster', since: '3.0.0',
    summary: 'A container for Redis Cluster commands.', complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      sub('help', 2, 'loading stale', '5.0.0', 'Explains the CLUSTER subcommands.', 'O(1)', (c) => replyHelp(c, 'CLUSTER', HELP)),
      sub('info', 2, 'stale', '3.0.0', 'Returns the cluster state and message counters of this node.', 'O(1)', clusterInfo, ND),
      sub('myid', 2, 'stale', '3.0.0', 'Returns the id of this node.', 'O(1)', (c) => c.reply.bulk(cluster.st.myself.id)),
      sub('nodes', 2, 'stale', '3.0.0', 'Returns the cluster configuration as this node sees it.', 'O(N) where N is the total number of Cluster nodes', clusterNodes, ND),
      sub('slots', 2, 'stale', '3.0.0', 'Returns the slot ranges and the nodes that serve them.', 'O(N) where N is the total number of Cluster nodes', clusterSlots, ND),
      sub('shards', 2, 'stale', '7.0.0', 'Returns the shards of the cluster: slot ranges and nodes.', 'O(N) where N is the total number of cluster nodes', clusterShards, ND),
      sub('links', 2, 'stale', '7.0.0', 'Returns the cluster bus links of this node.', 'O(N) where N is the total number of Cluster nodes', clusterLinks, ND),
      sub('keyslot', 3, 'stale', '3.0.0', 'Returns the hash slot of a key.', 'O(N) where N is the number of bytes in the key', (c, argv) => c.reply.int(keyHashSlot(argv[2]))),
      sub('countkeysinslot', 3, 'stale', '3.0.0', 'Returns how many keys of a hash slot this node holds.', 'O(1)', (c, argv) => {
        const n = longArg(c, argv[2]);
        if (n === null) return;
        if (n < 0 || n >= CLUSTER_SLOTS) {
          c.reply.error(ERR.clusterInvalidSlot);
          return;
        }
        c.reply.int(countKeysInSlot(n));
      }),
      sub('getkeysinslot', 4, 'stale', '3.0.0', 'Returns key names of a hash slot held by this node.', 'O(log(N)) where N is the number of requested keys', (c, argv) => {
        const slot = longArg(c, argv[2]);
        if (slot === null) return;
        const max = longArg(c, argv[3]);
        if (max === null) return;
        if (slot < 0 || slot >= CLUSTER_SLOTS || max < 0) {
          c.reply.error(ERR.clusterInvalidSlotOrCount);
          return;
        }
        // Newest first, as Redis links each new key at the head of its slot's list.
        const keys = [...keysInSlot(slot)];
        const n = Math.min(max, keys.length);
        c.reply.array(n);
        for (let i = 1; i <= n; i++) c.reply.bulk(keys[keys.length - i]);
      }, ND),
      sub('addslots', -3, ADMIN, '3.0.0', 'Assigns hash slots to this node.', 'O(N) where N is the total number of hash slot arguments', (c, argv) => updateSlots(c, argv, false, false)),
      sub('addslotsrange', -4, ADMIN, '7.0.0', 'Assigns ranges of hash slots to this node.', 'O(N) where N is the total number of the slots between the start slot and end slot arguments.', (c, argv) => updateSlots(c, argv, false, true)),
      sub('delslots', -3, ADMIN, '3.0.0', 'Unassigns hash slots from this node.', 'O(N) where N is the total number of hash slot arguments', (c, argv) => updateSlots(c, argv, true, false)),
      sub('delslotsrange', -4, ADMIN, '7.0.0', 'Unassigns ranges of hash slots from this node.', 'O(N) where N is the total number of the slots between the start slot and end slot arguments.', (c, argv) => updateSlots(c, argv, true, true)),
      sub('flushslots', 2, ADMIN, '3.0.0', 'Unassigns every hash slot of this node.', 'O(1)', (c) => {
        if (server.dbs[0].size !== 0) {
          c.reply.error(ERR.clusterFlushslotsNotEmpty);
          return;
        }
        const st = cluster.st;
        for (let s = 0; s < CLUSTER_SLOTS; s++) if (st.slots[s] === st.myself) st.delSlot(s);
        commitChange();
        c.reply.ok();
      }),
      sub('setslot', -4, ADMIN, '3.0.0', 'Opens, closes or hands over a hash slot.', 'O(1)', setSlot),
      sub('meet', -4, ADMIN, '3.0.0', 'Starts a handshake with another node to join it into the cluster.', 'O(1)', (c, argv) => {
        if (argv.length > 5) {
          subcommandSyntax(c, argv);
          return;
        }
        const port = parseInt64(argv[3]);
        if (port === null || typeof port === 'bigint') {
          c.reply.error(ERR.clusterInvalidBasePort(argv[3]));
          return;
        }
        let cport = port + 10000;
        if (argv.length === 5) {
          const p = parseInt64(argv[4]);
          if (p === null || typeof p === 'bigint') {
            c.reply.error(ERR.clusterInvalidBusPort(argv[4]));
            return;
          }
          cport = p;
        }
        if (!meet(argv[2], port, cport)) {
          c.reply.error(ERR.clusterInvalidAddress(argv[2], argv[3]));
          return;
        }
        c.reply.ok();
      }),
      sub('forget', 3, ADMIN, '3.0.0', 'Removes a node from this node\'s view of the cluster.', 'O(1)', (c, argv) => {
        const n = nodeArg(c, argv[2]);
        if (n === null) return;
        const me = cluster.st.myself;
        if (n === me) {
          c.reply.error(ERR.clusterForgetMyself);
          return;
        }
        if (me.isReplica() && me.primary === n) {
          c.reply.error(ERR.clusterForgetMaster);
          return;
        }
        forgetNode(n);
        c.reply.ok();
      }),
      sub('replicate', 3, ADMIN, '3.0.0', 'Turns this node into a replica of the given primary.', 'O(1)', (c, argv) => {
        const n = nodeArg(c, argv[2]);
        if (n === null) return;
        const me = cluster.st.myself;
        if (n === me) {
          c.reply.error(ERR.clusterReplicateMyself);
          return;
        }
        if (n.isReplica()) {
          c.reply.error(ERR.clusterReplicateReplica);
          return;
        }
        if (me.isPrimary() && (me.numSlots !== 0 || server.dbs[0].size !== 0)) {
          c.reply.error(ERR.clusterReplicateNotEmpty);
          return;
        }
        replicateNode(n);
        c.reply.ok();
      }),
      sub('replicas', 3, 'admin stale', '5.0.0', 'Lists the replicas of a primary.', 'O(N) where N is the number of replicas.', replyReplicas, ND),
      sub('slaves', 3, 'admin stale', '3.0.0', 'Lists the replicas of a primary (the old name of CLUSTER REPLICAS).', 'O(N) where N is the number of replicas.', replyReplicas, ND),
      sub('count-failure-reports', 3, 'admin stale', '3.0.0', 'Counts the live reports that a node is failing.', 'O(N) where N is the number of failure reports', (c, argv) => {
        const n = nodeArg(c, argv[2]);
        if (n === null) return;
        c.reply.int(failureReportsCount(n, Date.now(), cluster.nodeTimeout));
      }, ND),
      sub('failover', -2, ADMIN, '3.0.0', 'Makes this replica take over from its primary.', 'O(1)', (c, argv) => {
        let mode: 'default' | 'force' | 'takeover' = 'default';
        if (argv.length === 3) {
          const a = argv[2].toLowerCase();
          if (a === 'force' || a === 'takeover') mode = a;
          else {
            c.reply.error(ERR.syntax);
            return;
          }
        } else if (argv.length > 3) {
          subcommandSyntax(c, argv);
          return;
        }
        const me = cluster.st.myself;
        if (me.isPrimary()) {
          c.reply.error(ERR.clusterFailoverMaster);
          return;
        }
        if (me.primary === null) {
          c.reply.error(ERR.clusterMasterUnknown);
          return;
        }
        if (mode === 'default' && (me.primary.flags & NodeFlag.FAIL || !me.primary.linked)) {
          c.reply.error(ERR.clusterFailoverMasterDown);
          return;
        }
        startManualFailover(mode);
        c.reply.ok();
      }),
      sub('set-config-epoch', 3, ADMIN, '3.0.0', 'Gives a new node its first config epoch.', 'O(1)', (c, argv) => {
        const epoch = longArg(c, argv[2]);
        if (epoch === null) return;
        const st = cluster.st;
        if (epoch < 0) c.reply.error(ERR.clusterInvalidEpoch(epoch));
        else if (st.nodes.size > 1) c.reply.error(ERR.clusterEpochKnowsOthers);
        else if (st.myself.configEpoch !== 0) c.reply.error(ERR.clusterEpochNonZero);
        else {
          st.myself.configEpoch = epoch;
          if (st.currentEpoch < epoch) st.currentEpoch = epoch;
          commitChange();
          c.reply.ok();
        }
      }),
      sub('bumpepoch', 2, ADMIN, '3.0.0', 'Moves this node to a new config epoch if it needs one.', 'O(1)', (c) => {
        const bumped = bumpEpochWithoutConsensus();
        c.reply.simple(`${bumped ? 'BUMPED' : 'STILL'} ${cluster.st.myself.configEpoch}`);
      }, ND),
      sub('saveconfig', 2, ADMIN, '3.0.0', 'Writes the cluster configuration to disk now.', 'O(1)', (c) => {
        saveConfig();
        c.reply.ok();
      }),
      sub('reset', -2, 'admin noscript stale', '3.0.0', 'Makes this node forget the cluster.', 'O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.', (c, argv) => {
        let hard = false;
        if (argv.length === 3) {
          const a = argv[2].toLowerCase();
          if (a === 'hard') hard = true;
          else if (a !== 'soft') {
            c.reply.error(ERR.syntax);
            return;
          }
        } else if (argv.length > 3) {
          subcommandSyntax(c, argv);
          return;
        }
        const me = cluster.st.myself;
        if (me.isPrimary() && c.db.size !== 0) {
          c.reply.error(ERR.clusterResetWithKeys);
          return;
        }
        if (me.isReplica()) for (const db of server.dbs) db.flush();
        resetNode(hard);
        c.reply.ok();
      }),
    ],
  },
  {
    name: 'asking', arity: 1, flags: 'fast', acl: 'connection', group: 'cluster', since: '3.0.0',
    summary: 'Lets the next command use a hash slot this node is importing.', complexity: 'O(1)',
    handler: enabled((c) => {
      c.flags |= CLIENT_ASKING;
      c.reply.ok();
    }),
  },
  {
    name: 'readonly', arity: 1, flags: 'loading stale fast', acl: 'connection', group: 'cluster', since: '3.0.0',
    summary: 'Lets this connection read from a replica of a cluster primary.', complexity: 'O(1)',
    handler: enabled((c) => {
      c.flags |= CLIENT_READONLY;
      c.reply.ok();
    }),
  },
  {
    name: 'readwrite', arity: 1, flags: 'loading stale fast', acl: 'connection', group: 'cluster', since: '3.0.0',
    summary: 'Ends READONLY: reads on this replica are redirected to the primary again.', complexity: 'O(1)',
    handler: enabled((c) => {
      c.flags &= ~CLIENT_READONLY;
      c.reply.ok();
    }),
  },
];
