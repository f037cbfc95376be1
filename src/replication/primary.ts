// The primary side of replication: the replication stream (every write as RESP, SELECT when the
// database changes) goes into the backlog and to each attached replica; PSYNC answers with a
// partial resync from the backlog or a full one: one point-in-time snapshot for every replica
// waiting, streamed to their sockets ($EOF:<mark> framing, repl-diskless-sync) or written to a
// file first, with the stream from the snapshot's offset held back per replica meanwhile.
// On a replica the same stream state holds what it applied from its own primary, which it passes
// on verbatim to its sub-replicas (chained replication), as Redis 7.0 does.

import { closeIfOverOutputLimit, heldOverLimit } from '../server/output-limits.js';
import { writeCommand } from '../protocol/command.js';
import { ReplyWriter } from '../protocol/reply.js';
import { PROPAGATE_REPL } from '../server/propagate.js';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activeChild, forkSnapshot, killChild, resumeSnapshot, streamSnapshot } from '../persistence/save.js';
import { CLIENT_SLAVE, type Client } from '../server/client.js';
import { afterReplies, server } from '../server/state.js';
import { logger } from '../log.js';
import { Backlog } from './backlog.js';
import { decidePsync } from './psync.js';

const log = (): ReturnType<typeof logger> => logger('repl');

/**
 * Where a replica is in its full sync: waiting for a snapshot to begin (repl-diskless-sync-delay,
 * or another background save running), its snapshot being produced and sent (the stream held back
 * for it), or online.
 */
export type ReplicaState = 'wait_start' | 'wait_end' | 'online';

/** One attached replica, kept in its client's ext.repl. */
export interface ReplicaLink {
  client: Client;
  ip: string;
  /** REPLCONF listening-port, 0 until announced. */
  port: number;
  /** Last offset the replica acknowledged (REPLCONF ACK), and when (ms). */
  ackOffset: number;
  ackTime: number;
  /** Attached with SYNC: such replicas never ACK, so repl-timeout does not apply. */
  prePsync: boolean;
  /** REPLCONF capa eof: it can take a disk-less transfer. */
  capaEof: boolean;
  state: ReplicaState;
  /** When it started waiting for a full sync (ms): the disk-less delay counts from here. */
  since: number;
  /** The stream from its snapshot's offset on, held back until it can take it; null when not held. */
  held: Buffer[] | null;
  heldLen: number;
  /** Disk-less: the RDB went out, the held stream follows its first ACK (it has parsed the end mark by then). */
  startOnAck: boolean;
  /** Disk-less transfer: when its socket was last seen too full to go on (ms), 0 if not. */
  stalledSince: number;
  /** Its RDB holds the function libraries only (see ReplicaHello). */
  functionsOnly: boolean;
}

/** Settings a connection announces with REPLCONF before it turns into a replica. */
export interface ReplicaHello {
  port: number;
  ip: string;
  capaPsync2: boolean;
  capaEof: boolean;
  /** REPLCONF rdb-filter-only functions (redis-cli --functions-rdb): its RDB holds no keys. */
  functionsOnly?: boolean;
}

export const stream = {
  backlog: null as Backlog | null,
  /** master_repl_offset: stream bytes produced (or, on a replica, applied) so far. */
  offset: 0,
  /** Offset (+1) up to which replId2's history is valid, -1 if none. */
  secondOffset: -1,
  /** Offset after the last write (not counting PINGs and GETACKs): what WAIT waits for. */
  writeOffset: 0,
  /** Database the stream last selected; -1 forces a SELECT before the next write. */
  selDb: -1,
  replicas: [] as ReplicaLink[],
  /** Set while we are a replica: our own writes do not feed the stream, the primary's do. */
  isReplica: false,
  /** On a replica: the link to the primary is up (stream flowing). */
  linkUp: false,
  /** Cached min-replicas-to-write, min-replicas-max-lag, replica-serve-stale-data (checked per command). */
  minReplicas: 0,
  minReplicasMaxLag: 10,
  serveStale: true,
  /** When the last replica left (ms): repl-backlog-ttl counts from here. */
  noReplicasSince: Date.now(),
};

/** min-replicas-to-write is set and fewer replicas than that acknowledged within min-replicas-max-lag. */
export function tooFewGoodReplicas(): boolean {
  if (stream.isReplica || stream.minReplicas === 0 || stream.minReplicasMaxLag === 0) return false;
  const now = Date.now();
  let good = 0;
  for (const r of stream.replicas) if (r.state === 'online' && Math.floor((now - r.ackTime) / 1000) <= stream.minReplicasMaxLag) good++;
  return good < stream.minReplicas;
}

/** A replica whose primary link is down refuses most commands with replica-serve-stale-data no. */
export function staleDataDenied(): boolean {
  return stream.isReplica && !stream.linkUp && !stream.serveStale;
}

/**
 * Stream produced this event-loop turn, not yet in the backlog nor sent: the offset counts it at
 * once, the bytes move once per turn (one Buffer, one backlog copy, one write per replica) rather
 * than per command. Encoded commands gather in `unsentCmds`, bytes passed on verbatim in `unsent`.
 */
let unsent: Buffer[] = [];
const unsentCmds = new ReplyWriter();
let sendScheduled = false;
const EMPTY = Buffer.alloc(0);

/** Create the backlog if there is none (when the first replica attaches, or after a full sync as a replica). */
export function ensureBacklog(): Backlog {
  if (stream.backlog === null) {
    stream.backlog = new Backlog(server.config.num('repl-backlog-size'), stream.offset);
  }
  return stream.backlog;
}

function scheduleSend(): void {
  if (!sendScheduled) {
    sendScheduled = true;
    server.scheduleTurnEnd();
  }
}

afterReplies.run = sendUnsent;

/**
 * Add bytes to the stream: counted now (unless the caller `counted` them already), in the backlog
 * and the replicas' sockets at the end of this turn.
 */
export function feedStream(data: Buffer, counted = false): void {
  if (stream.backlog === null) return;
  if (unsentCmds.len !== 0) unsent.push(unsentCmds.take());
  unsent.push(data);
  if (!counted) stream.offset += data.length;
  scheduleSend();
}

/**
 * Move what the stream produced since the last call into the backlog and to every replica. Call
 * it before reading the backlog, or before a replica's view of the stream changes.
 */
export function sendUnsent(): void {
  sendScheduled = false;
  if (unsentCmds.len !== 0) unsent.push(unsentCmds.take());
  if (unsent.length === 0) return;
  const data = unsent.length === 1 ? unsent[0] : Buffer.concat(unsent);
  unsent = [];
  if (stream.backlog === null) return;
  stream.backlog.append(data);
  // Backwards: a replica over its output limit is closed, and leaves the list, as we go.
  for (let i = stream.replicas.length - 1; i >= 0; i--) {
    const r = stream.replicas[i];
    if (r.state === 'wait_start') continue;
    if (r.held === null) {
      writeTo(r.client, data);
    } else {
      r.held.push(data);
      r.heldLen += data.length;
      if (heldOverLimit(r.client, r.heldLen)) {
        log().warn(`Client ${r.ip}:${r.port} (replica) closed for overcoming of output buffer limits during its full sync.`);
        r.client.close();
      }
    }
  }
}

/** Write to a replica; the stream (not the initial transfer) counts against its output limit. */
function writeTo(c: Client, data: Buffer, limited = true): void {
  if (c.socket === null || c.socket.destroyed) return;
  server.stats.netReplOutputBytes += data.length;
  c.socket.write(data);
  if (limited) closeIfOverOutputLimit(c);
}

/** The propagation sink: a primary's writes enter the stream (a replica forwards its primary's instead). */
export const replicationSink = {
  target: PROPAGATE_REPL,
  feed(dbid: number, argv: string[]): void {
    if (stream.backlog === null || stream.isReplica) return;
    const before = unsentCmds.len;
    if (dbid !== stream.selDb) {
      writeCommand(unsentCmds, ['SELECT', String(dbid)]);
      stream.selDb = dbid;
    }
    writeCommand(unsentCmds, argv);
    stream.offset += unsentCmds.len - before;
    stream.writeOffset = stream.offset;
    scheduleSend();
  },
};

const PING = Buffer.from('*1\r\n$4\r\nPING\r\n', 'latin1');

/** repl-ping-replica-period: a PING through the stream keeps idle replicas' links alive. */
export function pingReplicas(): void {
  if (stream.isReplica || stream.replicas.length === 0) return;
  feedStream(PING);
}

function attach(c: Client, hello: ReplicaHello | undefined): ReplicaLink {
  // Whatever the stream holds back must reach the replicas already attached, not this one.
  sendUnsent();
  c.flush();
  c.flags |= CLIENT_SLAVE;
  // Redis never answers a replica's own commands (REPLCONF ACK): it only receives the stream.
  c.reply.enabled = false;
  const ip = hello !== undefined && hello.ip !== '' ? hello.ip : (c.socket?.remoteAddress ?? '?').replace(/^::ffff:/, '');
  const now = Date.now();
  const link: ReplicaLink = {
    client: c, ip, port: hello?.port ?? 0, ackOffset: 0, ackTime: now, prePsync: false, capaEof: hello?.capaEof ?? false,
    state: 'online', since: now, held: null, heldLen: 0, startOnAck: false, stalledSince: 0,
    functionsOnly: hello?.functionsOnly ?? false,
  };
  c.ext.repl = link;
  stream.replicas.push(link);
  return link;
}

/** The replica whose link a client is, if any. */
export function replicaOf(c: Client): ReplicaLink | undefined {
  return c.ext.repl as ReplicaLink | undefined;
}

export function detach(c: Client): void {
  const link = replicaOf(c);
  if (link === undefined) return;
  const i = stream.replicas.indexOf(link);
  if (i >= 0) stream.replicas.splice(i, 1);
  if (stream.replicas.length === 0) stream.noReplicasSince = Date.now();
  log().info({ replica: `${link.ip}:${link.port}` }, `Connection with replica ${link.ip}:${link.port} lost.`);
  leaveFullSync(link);
}

/**
 * PSYNC replid offset (or SYNC, `replid` null): continue from the backlog when the history
 * matches, else a full resync. Writes straight to the socket; the client becomes a replica.
 */
export function serveSync(c: Client, replid: string | null, offset: number): void {
  const hello = c.ext.replHello as ReplicaHello | undefined;
  sendUnsent();
  if (replid !== null && stream.backlog !== null) {
    const d = decidePsync(
      { replid: server.replId, replid2: server.replId2, secondReplOffset: stream.secondOffset, backlog: stream.backlog },
      replid, offset,
    );
    if (d.kind === 'continue') {
      const link = attach(c, hello);
      const head = hello?.capaPsync2 === true ? `+CONTINUE ${server.replId}\r\n` : '+CONTINUE\r\n';
      writeTo(c, Buffer.concat([Buffer.from(head, 'latin1'), stream.backlog.readFrom(d.from)]), false);
      server.stats.syncPartialOk++;
      log().info(`Partial resynchronization request from ${link.ip}:${link.port} accepted. Sending ${stream.offset + 1 - d.from} bytes of backlog starting from offset ${d.from}.`);
      return;
    }
  }
  if (replid !== null && replid !== '?') server.stats.syncPartialErr++;
  if (stream.backlog === null && !stream.isReplica) {
    // A backlog created from scratch has no past: a new history id, and no previous one.
    server.replId = newReplId();
    server.replId2 = '0'.repeat(40);
    stream.secondOffset = -1;
  }
  ensureBacklog();
  const link = attach(c, hello);
  link.prePsync = replid === null;
  link.state = 'wait_start';
  server.stats.syncFull++;
  // A disk-based snapshot for replication is being written: this replica can share it, with a
  // copy of the stream held back since it began (as Redis attaches to a BGSAVE in progress).
  if (sync !== null && !sync.diskless && sync.links.length > 0 && sync.functionsOnly === link.functionsOnly) {
    const first = sync.links[0];
    link.state = 'wait_end';
    link.held = first.held!.slice();
    link.heldLen = first.heldLen;
    sync.links.push(link);
    writeHead(link, sync.offset);
    log().info(`Waiting for end of BGSAVE for SYNC of ${link.ip}:${link.port}`);
    return;
  }
  if (server.config.bool('repl-diskless-sync') && link.capaEof && server.config.num('repl-diskless-sync-delay') > 0) {
    log().info(`Delay next BGSAVE for diskless SYNC of ${link.ip}:${link.port}`);
  }
  setImmediate(considerFullSync);
}

// ---- full sync -----------------------------------------------------------------------------

/** Socket output above which a disk-less transfer waits for that replica to read. */
const TRANSFER_HIGH_WATER = 1 << 20;

/** The full sync in progress: one snapshot, served to several replicas. */
interface FullSync {
  diskless: boolean;
  links: ReplicaLink[];
  /** The stream offset of the snapshot (what +FULLRESYNC announced). */
  offset: number;
  /** Disk-less: the end mark, and the streamed snapshot (to pause and resume). */
  mark: Buffer;
  /** The snapshot leaves the keys out (its replicas asked for functions only). */
  functionsOnly: boolean;
  job: ReturnType<typeof streamSnapshot> | null;
}

let sync: FullSync | null = null;
let startTimer: NodeJS.Timeout | null = null;

function writeHead(link: ReplicaLink, offset: number): void {
  if (!link.prePsync) writeTo(link.client, Buffer.from(`+FULLRESYNC ${server.replId} ${offset}\r\n`, 'latin1'), false);
}

/**
 * Start a full sync for the replicas waiting for one, when nothing else holds the one background
 * save and (disk-less) repl-diskless-sync-delay has passed for the oldest of them or
 * repl-diskless-sync-max-replicas are waiting. Disk-less only when every one of them can take it.
 */
export function considerFullSync(): void {
  if (sync !== null || activeChild() !== null) return;
  const first = stream.replicas.find((r) => r.state === 'wait_start');
  if (first === undefined) return;
  // One snapshot serves replicas that want the same thing; the others wait for the next.
  const waiting = stream.replicas.filter((r) => r.state === 'wait_start' && r.functionsOnly === first.functionsOnly);
  const diskless = server.config.bool('repl-diskless-sync') && waiting.every((r) => r.capaEof);
  if (diskless) {
    const max = server.config.num('repl-diskless-sync-max-replicas');
    let oldest = Infinity;
    for (const r of waiting) oldest = Math.min(oldest, r.since);
    const wait = oldest + server.config.num('repl-diskless-sync-delay') * 1000 - Date.now();
    if (wait > 0 && (max === 0 || waiting.length < max)) {
      if (startTimer === null) {
        startTimer = setTimeout(() => {
          startTimer = null;
          considerFullSync();
        }, wait);
      }
      return;
    }
  }
  if (startTimer !== null) clearTimeout(startTimer);
  startTimer = null;
  startFullSync(diskless, waiting);
}

function startFullSync(diskless: boolean, links: ReplicaLink[]): void {
  // What the stream produced so far belongs to the replicas already online.
  sendUnsent();
  // The stream after the snapshot must start by selecting its database.
  if (!stream.isReplica) stream.selDb = -1;
  const functionsOnly = links[0].functionsOnly;
  const s: FullSync = { diskless, links, offset: stream.offset, mark: EMPTY, job: null, functionsOnly };
  sync = s;
  for (const r of links) {
    r.state = 'wait_end';
    r.held = [];
    r.heldLen = 0;
    writeHead(r, s.offset);
  }
  const names = links.map((r) => `${r.ip}:${r.port}`).join(' ');
  if (diskless) {
    s.mark = Buffer.from(randomBytes(20).toString('hex'), 'latin1');
    const head = Buffer.from(`$EOF:${s.mark.toString('latin1')}\r\n`, 'latin1');
    for (const r of links) writeTo(r.client, head, false);
    s.job = streamSnapshot((chunk) => sendChunk(s, chunk), (ok) => disklessDone(s, ok), functionsOnly);
    log().info(`Starting BGSAVE for SYNC with target: replicas sockets (${names}), offset ${s.offset}`);
    return;
  }
  const dir = server.config.get('dir');
  const file = `temp-repl-${process.pid}-${links[0].client.id}.rdb`;
  const job = forkSnapshot('rdb', 'rdb', dir, file, (ok) => diskDone(s, path.join(dir, file), ok), functionsOnly);
  if (job === null) {
    sync = null;
    log().warn('BGSAVE for replication failed');
    for (const r of links.slice()) r.client.close();
    return;
  }
  log().info(`Starting BGSAVE for SYNC with target: disk (pid ${job.child.pid}, ${names}), offset ${s.offset}`);
}

/**
 * A disk-less chunk goes to every replica of the transfer at once. When a socket holds too much,
 * the walk pauses until it drains: the slowest replica sets the pace, the server keeps serving.
 */
function sendChunk(s: FullSync, chunk: Buffer): boolean {
  let go = true;
  for (const r of s.links) {
    const sock = r.client.socket;
    if (sock === null || sock.destroyed) continue;
    server.stats.netReplOutputBytes += chunk.length;
    sock.write(chunk);
    if (sock.writableLength > TRANSFER_HIGH_WATER) {
      go = false;
      waitForDrain(s, r);
    }
  }
  return go;
}

function waitForDrain(s: FullSync, r: ReplicaLink): void {
  if (r.stalledSince !== 0) return;
  r.stalledSince = Date.now();
  r.client.socket!.once('drain', () => {
    r.stalledSince = 0;
    resumeTransfer(s);
  });
}

function resumeTransfer(s: FullSync): void {
  if (sync !== s || s.job === null) return;
  for (const r of s.links) if (r.stalledSince !== 0) return;
  resumeSnapshot(s.job);
}

/** A replica left (closed) during its full sync; a disk-less transfer nobody receives stops. */
function leaveFullSync(link: ReplicaLink): void {
  const s = sync;
  if (s === null) return;
  const i = s.links.indexOf(link);
  if (i < 0) return;
  s.links.splice(i, 1);
  if (!s.diskless) return;
  if (s.links.length === 0) {
    log().warn('Diskless rdb transfer, last replica dropped, killing the snapshot');
    killChild();
  } else {
    resumeTransfer(s);
  }
}

function disklessDone(s: FullSync, ok: boolean): void {
  if (sync === s) sync = null;
  const now = Date.now();
  for (const r of s.links) {
    if (!ok) {
      log().warn(`Diskless transfer to replica ${r.ip}:${r.port} failed: closing its link (it will retry)`);
      r.client.close();
      continue;
    }
    writeTo(r.client, s.mark, false);
    r.state = 'online';
    r.ackTime = now;
    r.stalledSince = 0;
    // A replica that announced EOF but synced with SYNC never ACKs: it gets the stream now.
    if (r.prePsync) releaseHeld(r);
    else r.startOnAck = true;
    log().info(`Streamed RDB transfer with replica ${r.ip}:${r.port} succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming`);
  }
  setImmediate(considerFullSync);
}

/** The disk-based RDB is written: send it to its replicas, each followed by what it held back. */
function diskDone(s: FullSync, file: string, ok: boolean): void {
  if (sync === s) sync = null;
  let rdb: Buffer | null = null;
  if (ok) {
    try {
      rdb = fs.readFileSync(file);
    } catch (err) {
      log().warn(`Can't read the replication RDB ${file}: ${(err as Error).message}`);
    }
  }
  fs.rmSync(file, { force: true });
  for (const r of s.links) {
    if (rdb === null) {
      log().warn(`Background RDB for replica ${r.ip}:${r.port} failed: closing its link (it will retry)`);
      r.client.close();
      continue;
    }
    writeTo(r.client, Buffer.from(`$${rdb.length}\r\n`, 'latin1'), false);
    writeTo(r.client, rdb, false);
    r.state = 'online';
    r.ackTime = Date.now();
    releaseHeld(r);
    log().info(`Synchronization with replica ${r.ip}:${r.port} succeeded (${rdb.length} bytes of RDB)`);
  }
  setImmediate(considerFullSync);
}

/** Send a replica the stream held back for it; from here on it gets the stream directly. */
function releaseHeld(r: ReplicaLink): void {
  const held = r.held;
  r.held = null;
  r.heldLen = 0;
  r.startOnAck = false;
  if (held !== null && held.length > 0) writeTo(r.client, held.length === 1 ? held[0] : Buffer.concat(held), false);
}

/** REPLCONF ACK from a replica: after a disk-less transfer, the first one starts its stream. */
export function replicaAck(r: ReplicaLink, offset: number): void {
  if (offset > r.ackOffset) r.ackOffset = offset;
  r.ackTime = Date.now();
  if (r.startOnAck) releaseHeld(r);
}

const NEWLINE = Buffer.from('\n', 'latin1');

/**
 * Once a second: replicas waiting for their RDB get a newline (keeps their link alive; disk-less
 * transfers keep it busy themselves), and a waiting full sync starts once nothing blocks it.
 */
export function fullSyncCron(): void {
  for (const r of stream.replicas) {
    if (r.state === 'wait_start' || (r.state === 'wait_end' && sync !== null && !sync.diskless)) writeTo(r.client, NEWLINE, false);
  }
  considerFullSync();
}

export function newReplId(): string {
  return randomBytes(20).toString('hex');
}

/** repl-timeout: a replica that has not acknowledged for that long is disconnected. */
export function dropTimedOutReplicas(): void {
  const limit = Date.now() - server.config.num('repl-timeout') * 1000;
  for (const r of stream.replicas.slice()) {
    if (r.state === 'online' && !r.prePsync && r.ackTime < limit) {
      log().warn(`Disconnecting timedout replica (streaming sync): ${r.ip}:${r.port}`);
      r.client.close();
    } else if (r.stalledSince !== 0 && r.stalledSince < limit) {
      log().warn(`Disconnecting timedout replica (full sync): ${r.ip}:${r.port}`);
      r.client.close();
    }
  }
}

/**
 * repl-backlog-ttl: a primary without replicas for that long frees its backlog, and starts a new
 * history so that no former replica can continue the old one from nothing.
 */
export function freeIdleBacklog(): void {
  const ttl = server.config.num('repl-backlog-ttl');
  if (stream.isReplica || stream.backlog === null || stream.replicas.length !== 0 || ttl === 0) return;
  if (Date.now() - stream.noReplicasSince <= ttl * 1000) return;
  sendUnsent();
  stream.backlog = null;
  server.replId = newReplId();
  server.replId2 = '0'.repeat(40);
  stream.secondOffset = -1;
  log().info(`Replication backlog freed after ${ttl} seconds without connected replicas.`);
}

/** Close every replica link (our history changed: they reconnect and PSYNC again). */
export function disconnectReplicas(): void {
  for (const r of stream.replicas.slice()) r.client.close();
}

/**
 * INFO memory's replication figures: the backlog's bytes, what replicas still have to receive
 * (held during a full sync or waiting in their sockets), and the two as one shared buffer, as
 * Redis 7's replication buffer counts them (a block the backlog and a replica both hold counts once).
 */
export function replicationBufferMemory(): { backlog: number; replicas: number; total: number } {
  const backlog = stream.backlog?.histlen ?? 0;
  let replicas = 0;
  let largest = 0;
  for (const r of stream.replicas) {
    const pending = r.heldLen + (r.client.socket?.writableLength ?? 0);
    replicas += pending;
    if (pending > largest) largest = pending;
  }
  return { backlog, replicas, total: Math.max(backlog, largest) };
}
