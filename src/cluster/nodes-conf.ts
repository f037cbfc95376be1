// nodes.conf, Redis 7.0's cluster configuration file: one CLUSTER NODES line per known node (nodes
// still in handshake left out) and a final "vars currentEpoch N lastVoteEpoch M" line. The same
// line format is the CLUSTER NODES reply. Parsing follows clusterLoadConfig's rules; formatting
// follows clusterGenNodeDescription byte for byte. Writes are atomic: temp file, fsync, rename,
// fsync of the directory, so a crash leaves the old file or the new one.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitArgs } from '../protocol/parser.js';
import { NodeFlag } from './bus/codec.js';
import { CLUSTER_SLOTS } from './slots.js';

/** Default distance from the client port to the bus port, for lines written without "@cport". */
export const CLUSTER_PORT_INCR = 10000;

/** One node line. */
export interface NodeLine {
  id: string;
  ip: string;
  port: number;
  cport: number;
  /** Announced hostname, '' when none. */
  hostname: string;
  /** NodeFlag bits; only the named ones (not MEET, MIGRATE_TO) are written. */
  flags: number;
  /** The node's primary, or null ("-"). */
  primaryId: string | null;
  /** Unix ms of the pending ping, of the last pong; 0 when none. */
  pingSent: number;
  pongReceived: number;
  /** For a replica, Redis writes its primary's configEpoch. */
  configEpoch: number;
  connected: boolean;
  /** Served slots as sorted, merged, inclusive [start, end] ranges. */
  slots: [number, number][];
  /** Open slots, written on the "myself" line only, by slot: [slot, node id]. */
  migrating: [number, string][];
  importing: [number, string][];
}

export interface NodesConf {
  nodes: NodeLine[];
  currentEpoch: number;
  lastVoteEpoch: number;
}

/** A file Redis would refuse to start with ("corrupted cluster config file"). */
export class NodesConfError extends Error {}

// The order Redis lists flags in.
const FLAG_NAMES: [number, string][] = [
  [NodeFlag.MYSELF, 'myself'],
  [NodeFlag.MASTER, 'master'],
  [NodeFlag.SLAVE, 'slave'],
  [NodeFlag.PFAIL, 'fail?'],
  [NodeFlag.FAIL, 'fail'],
  [NodeFlag.HANDSHAKE, 'handshake'],
  [NodeFlag.NOADDR, 'noaddr'],
  [NodeFlag.NOFAILOVER, 'nofailover'],
];

export function formatNodeFlags(flags: number): string {
  let out = '';
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) out += out === '' ? name : ',' + name;
  return out === '' ? 'noflags' : out;
}

/** A node id as Redis accepts one: 40 characters from [a-z0-9]. */
export function isValidNodeId(s: string): boolean {
  return /^[a-z0-9]{40}$/.test(s);
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** One line without its newline, as CLUSTER NODES and nodes.conf show it. */
export function formatNodeLine(n: NodeLine): string {
  let s = `${n.id} ${n.ip}:${n.port}@${n.cport}${n.hostname === '' ? '' : ',' + n.hostname} ${formatNodeFlags(n.flags)}`;
  s += ` ${n.primaryId ?? '-'} ${n.pingSent} ${n.pongReceived} ${n.configEpoch} ${n.connected ? 'connected' : 'disconnected'}`;
  for (const [a, b] of n.slots) s += a === b ? ` ${a}` : ` ${a}-${b}`;
  if (n.flags & NodeFlag.MYSELF) s += formatOpenSlots(n);
  return s;
}

function formatOpenSlots(n: NodeLine): string {
  if (n.migrating.length === 0 && n.importing.length === 0) return '';
  // By slot; a slot both migrating and importing shows as migrating, as in Redis.
  const bySlot = new Map<number, string>();
  for (const [slot, id] of n.importing) bySlot.set(slot, ` [${slot}-<-${id}]`);
  for (const [slot, id] of n.migrating) bySlot.set(slot, ` [${slot}->-${id}]`);
  let s = '';
  for (const slot of [...bySlot.keys()].sort((x, y) => x - y)) s += bySlot.get(slot);
  return s;
}

/** The whole file: node lines (without nodes in handshake) and the vars line. */
export function formatNodesConf(conf: NodesConf): string {
  let s = '';
  for (const n of conf.nodes) if (!(n.flags & NodeFlag.HANDSHAKE)) s += formatNodeLine(n) + '\n';
  return s + `vars currentEpoch ${conf.currentEpoch} lastVoteEpoch ${conf.lastVoteEpoch}\n`;
}

/** Merge a list of slots (any order, duplicates allowed) into sorted inclusive ranges. */
export function slotRanges(slots: Iterable<number>): [number, number][] {
  const sorted = [...new Set(slots)].sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] + 1 === s) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** C's atoi/strtoull: leading digits (after an optional sign), 0 when there are none. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

function parseSlot(s: string, line: number): number {
  const n = atoi(s);
  if (n < 0 || n >= CLUSTER_SLOTS) throw new NodesConfError(`line ${line}: slot ${s} out of range`);
  return n;
}

function parseNodeId(s: string, line: number): string {
  if (!isValidNodeId(s)) throw new NodesConfError(`line ${line}: invalid node id '${s}'`);
  return s;
}

function parseFlags(s: string, line: number): number {
  let flags = 0;
  for (const name of s.split(',')) {
    const lower = name.toLowerCase();
    if (lower === 'noflags') continue;
    const entry = FLAG_NAMES.find(([, n]) => n === lower);
    if (entry === undefined) throw new NodesConfError(`line ${line}: unknown flag '${name}'`);
    flags |= entry[0];
  }
  return flags;
}

function parseNodeArgs(argv: string[], line: number): NodeLine {
  if (argv.length < 8) throw new NodesConfError(`line ${line}: a node line has at least 8 fields`);
  const id = parseNodeId(argv[0], line);
  // ip:port[@cport][,hostname]; the ip may itself contain ':' (IPv6), so the port follows the last.
  let addr = argv[1];
  let hostname = '';
  const comma = addr.indexOf(',');
  if (comma !== -1) {
    hostname = addr.slice(comma + 1);
    addr = addr.slice(0, comma);
  }
  const colon = addr.lastIndexOf(':');
  if (colon === -1) throw new NodesConfError(`line ${line}: address '${argv[1]}' without a port`);
  const ports = addr.slice(colon + 1);
  const at = ports.indexOf('@');
  const port = atoi(at === -1 ? ports : ports.slice(0, at));
  const cport = at === -1 ? port + CLUSTER_PORT_INCR : atoi(ports.slice(at + 1));
  const n: NodeLine = {
    id,
    ip: addr.slice(0, colon),
    port,
    cport,
    hostname,
    flags: parseFlags(argv[2], line),
    primaryId: argv[3].startsWith('-') ? null : parseNodeId(argv[3], line),
    pingSent: atoi(argv[4]),
    pongReceived: atoi(argv[5]),
    configEpoch: atoi(argv[6]),
    connected: argv[7] === 'connected',
    slots: [],
    migrating: [],
    importing: [],
  };
  const owned: number[] = [];
  for (let j = 8; j < argv.length; j++) {
    const a = argv[j];
    if (a.startsWith('[')) {
      // [slot->-id] migrating to id, [slot-<-id] importing from id.
      const m = /^\[(\d+)-([<>])-([^\]]*)\]/.exec(a);
      if (m === null) throw new NodesConfError(`line ${line}: bad open slot '${a}'`);
      const slot = parseSlot(m[1], line);
      const other = parseNodeId(m[3], line);
      (m[2] === '>' ? n.migrating : n.importing).push([slot, other]);
      continue;
    }
    const dash = a.indexOf('-');
    const start = parseSlot(dash === -1 ? a : a.slice(0, dash), line);
    const stop = dash === -1 ? start : parseSlot(a.slice(dash + 1), line);
    for (let s = start; s <= stop; s++) owned.push(s);
  }
  n.slots = slotRanges(owned);
  return n;
}

/** One node line (of nodes.conf or a CLUSTER NODES reply). */
export function parseNodeLine(text: string): NodeLine {
  const argv = splitArgs(text);
  if (argv === null) throw new NodesConfError('line 1: cannot be split into fields');
  return parseNodeArgs(argv, 1);
}

/**
 * Parse a nodes.conf. An empty file means no configuration yet (null), like a missing one.
 * Throws NodesConfError where Redis would refuse to start. As Redis does on load, currentEpoch is
 * raised to the highest configEpoch of the nodes if the file says less.
 */
export function parseNodesConf(text: string): NodesConf | null {
  if (text.length === 0) return null;
  const conf: NodesConf = { nodes: [], currentEpoch: 0, lastVoteEpoch: 0 };
  const rows = text.split('\n');
  let myselfCount = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row === '') continue;
    const argv = splitArgs(row);
    if (argv === null || argv.length === 0) throw new NodesConfError(`line ${i + 1}: cannot be split into fields`);
    if (argv[0].toLowerCase() === 'vars') {
      if (argv.length % 2 === 0) throw new NodesConfError(`line ${i + 1}: vars take name value pairs`);
      for (let j = 1; j < argv.length; j += 2) {
        const name = argv[j].toLowerCase();
        // Other names are skipped, as Redis does (with a warning).
        if (name === 'currentepoch') conf.currentEpoch = atoi(argv[j + 1]);
        else if (name === 'lastvoteepoch') conf.lastVoteEpoch = atoi(argv[j + 1]);
      }
      continue;
    }
    const n = parseNodeArgs(argv, i + 1);
    if (n.flags & NodeFlag.MYSELF) myselfCount++;
    conf.nodes.push(n);
  }
  if (myselfCount !== 1) throw new NodesConfError(myselfCount === 0 ? 'no line for myself' : 'more than one line for myself');
  for (const n of conf.nodes) if (n.configEpoch > conf.currentEpoch) conf.currentEpoch = n.configEpoch;
  return conf;
}

// ---------------------------------------------------------------------------------------------
// Files

/** Read and parse; null when the file is missing or empty (a new node). */
export function readNodesConf(file: string): NodesConf | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return parseNodesConf(text);
}

/**
 * Replace `file` with `text` atomically: write a temp file beside it and rename it over the old
 * one, so a crash leaves one or the other. `durable` adds the fsyncs (file, then directory) that
 * make it survive a power loss too.
 */
export function writeFileAtomic(file: string, text: string, durable = true): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}`);
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeSync(fd, text, 0, 'latin1');
    if (durable) fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  if (!durable) return;
  const dfd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}

export function writeNodesConf(file: string, conf: NodesConf, durable = true): void {
  writeFileAtomic(file, formatNodesConf(conf), durable);
}
