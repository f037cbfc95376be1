// The primary side of replication: the replication stream (every write as RESP, SELECT when the
// database changes) goes into the backlog and to each attached replica; PSYNC answers with a
// partial resync from the backlog or a full one (an RDB written in the background like BGSAVE,
// then the stream held back meanwhile).
// On a replica the same stream state holds what it applied from its own primary, which it passes
// on verbatim to its sub-replicas (chained replication), as Redis 7.0 does.

import { closeIfOverOutputLimit, heldOverHardLimit } from '../server/output-limits.js';
import { encodeCommand } from '../protocol/command.js';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activeChild, auxFields, forkSnapshot } from '../persistence/save.js';
import { Crc64 } from '../persistence/rdb/crc64.js';
import { RdbFileEncoder } from '../persistence/rdb/file.js';
import { Snapshot } from '../persistence/snapshot.js';
import { CLIENT_SLAVE, type Client } from '../server/client.js';
import { server } from '../server/state.js';
import { logger } from '../log.js';
import { Backlog } from './backlog.js';
import { decidePsync } from './psync.js';

const log = (): ReturnType<typeof logger> => logger('repl');

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
  /** While its RDB is being written in the background: the stream is held back for it. */
  held: Buffer[] | null;
  heldLen: number;
}

/** Settings a connection announces with REPLCONF before it turns into a replica. */
export interface ReplicaHello {
  port: number;
  ip: string;
  capaPsync2: boolean;
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
};

/** min-replicas-to-write is set and fewer replicas than that acknowledged within min-replicas-max-lag. */
export function tooFewGoodReplicas(): boolean {
  if (stream.isReplica || stream.minReplicas === 0 || stream.minReplicasMaxLag === 0) return false;
  const now = Date.now();
  let good = 0;
  for (const r of stream.replicas) if (r.held === null && Math.floor((now - r.ackTime) / 1000) <= stream.minReplicasMaxLag) good++;
  return good < stream.minReplicas;
}

/** A replica whose primary link is down refuses most commands with replica-serve-stale-data no. */
export function staleDataDenied(): boolean {
  return stream.isReplica && !stream.linkUp && !stream.serveStale;
}

/** Stream bytes not yet written to the replicas' sockets (sent once per event-loop turn). */
let unsent: Buffer[] = [];
let sendScheduled = false;


/** Create the backlog if there is none (when the first replica attaches, or after a full sync as a replica). */
export function ensureBacklog(): Backlog {
  if (stream.backlog === null) {
    stream.backlog = new Backlog(server.config.num('repl-backlog-size'), stream.offset);
  }
  return stream.backlog;
}

/** Add bytes to the stream: backlog now, replicas' sockets at the end of this turn. */
export function feedStream(data: Buffer): void {
  if (stream.backlog === null) return;
  stream.backlog.append(data);
  stream.offset = stream.backlog.offset;
  if (stream.replicas.length === 0) return;
  unsent.push(data);
  if (!sendScheduled) {
    sendScheduled = true;
    setImmediate(sendUnsent);
  }
}

/** Write what the stream produced since the last send to every replica. */
export function sendUnsent(): void {
  sendScheduled = false;
  if (unsent.length === 0) return;
  const data = unsent.length === 1 ? unsent[0] : Buffer.concat(unsent);
  unsent = [];
  // Backwards: a replica over its output limit is closed, and leaves the list, as we go.
  for (let i = stream.replicas.length - 1; i >= 0; i--) {
    const r = stream.replicas[i];
    if (r.held === null) {
      writeTo(r.client, data);
    } else {
      r.held.push(data);
      r.heldLen += data.length;
      if (heldOverHardLimit(r.client, r.heldLen)) r.client.close();
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
  feed(dbid: number, argv: string[]): void {
    if (stream.backlog === null || stream.isReplica) return;
    let s = '';
    if (dbid !== stream.selDb) {
      s = encodeCommand(['SELECT', String(dbid)]);
      stream.selDb = dbid;
    }
    s += encodeCommand(argv);
    feedStream(Buffer.from(s, 'latin1'));
    stream.writeOffset = stream.offset;
  },
};

const PING = Buffer.from('*1\r\n$4\r\nPING\r\n', 'latin1');

/** repl-ping-replica-period: a PING through the stream keeps idle replicas' links alive. */
export function pingReplicas(): void {
  if (stream.isReplica || stream.replicas.length === 0) return;
  feedStream(PING);
}

/** The RDB a full resync sends: the dataset as it is now, with its CRC64 trailer. */
function rdbPayload(): Buffer {
  const chunks: Buffer[] = [];
  const crc = new Crc64();
  const compress = server.config.bool('rdbcompression');
  const snap = new Snapshot(server.dbs, auxFields(), () => new RdbFileEncoder(compress), (chunk) => {
    chunks.push(chunk);
    crc.update(chunk);
  });
  snap.step(Infinity);
  snap.release();
  chunks.push(server.config.bool('rdbchecksum') ? crc.bytes() : Buffer.alloc(8));
  return Buffer.concat(chunks);
}

function attach(c: Client, hello: ReplicaHello | undefined): ReplicaLink {
  // Whatever the stream holds back must reach the replicas already attached, not this one.
  sendUnsent();
  c.flush();
  c.flags |= CLIENT_SLAVE;
  // Redis never answers a replica's own commands (REPLCONF ACK): it only receives the stream.
  c.reply.enabled = false;
  const ip = hello !== undefined && hello.ip !== '' ? hello.ip : (c.socket?.remoteAddress ?? '?').replace(/^::ffff:/, '');
  const link: ReplicaLink = {
    client: c, ip, port: hello?.port ?? 0, ackOffset: 0, ackTime: Date.now(), prePsync: false, held: null, heldLen: 0,
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
  log().info({ replica: `${link.ip}:${link.port}` }, `Connection with replica ${link.ip}:${link.port} lost.`);
}

/**
 * PSYNC replid offset (or SYNC, `replid` null): continue from the backlog when the history
 * matches, else a full resync. Writes straight to the socket; the client becomes a replica.
 */
export function serveSync(c: Client, replid: string | null, offset: number): void {
  const hello = c.ext.replHello as ReplicaHello | undefined;
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
  server.stats.syncFull++;
  // The stream after the snapshot must start by selecting its database.
  if (!stream.isReplica) stream.selDb = -1;
  const head = replid === null ? '' : `+FULLRESYNC ${server.replId} ${stream.offset}\r\n`;
  // A point-in-time snapshot written in the background (the event loop keeps serving), the
  // stream held back meanwhile; when another background save runs, one made here and now.
  if (activeChild() === null) {
    const dir = server.config.get('dir');
    const file = `temp-repl-${process.pid}-${c.id}.rdb`;
    const job = forkSnapshot('rdb', 'rdb', dir, file, (ok) => finishBackgroundSync(link, path.join(dir, file), ok));
    if (job !== null) {
      link.held = [];
      writeTo(c, Buffer.from(head, 'latin1'), false);
      log().info(`Starting BGSAVE for replication of ${link.ip}:${link.port} (pid ${job.child.pid}), offset ${stream.offset}`);
      return;
    }
  }
  const rdb = rdbPayload();
  writeTo(c, Buffer.concat([Buffer.from(`${head}$${rdb.length}\r\n`, 'latin1'), rdb]), false);
  log().info(`Full resynchronization of replica ${link.ip}:${link.port}: sent ${rdb.length} bytes of RDB at offset ${stream.offset}.`);
}

/** The background RDB for `link` is written: send it, then what the stream produced meanwhile. */
function finishBackgroundSync(link: ReplicaLink, file: string, ok: boolean): void {
  let rdb: Buffer | null = null;
  if (ok) {
    try {
      rdb = fs.readFileSync(file);
    } catch (err) {
      log().warn(`Can't read the replication RDB ${file}: ${(err as Error).message}`);
    }
  }
  fs.rmSync(file, { force: true });
  if (!stream.replicas.includes(link)) return;
  if (rdb === null) {
    log().warn(`Background RDB for replica ${link.ip}:${link.port} failed: closing its link (it will retry)`);
    link.client.close();
    return;
  }
  sendUnsent();
  const parts = [Buffer.from(`$${rdb.length}\r\n`, 'latin1'), rdb, ...link.held!];
  link.held = null;
  link.heldLen = 0;
  link.ackTime = Date.now();
  writeTo(link.client, Buffer.concat(parts), false);
  log().info(`Synchronization with replica ${link.ip}:${link.port} succeeded (${rdb.length} bytes of RDB)`);
}

export function newReplId(): string {
  return randomBytes(20).toString('hex');
}

/** repl-timeout: a replica that has not acknowledged for that long is disconnected. */
export function dropTimedOutReplicas(): void {
  const limit = Date.now() - server.config.num('repl-timeout') * 1000;
  for (const r of stream.replicas.slice()) {
    if (!r.prePsync && r.held === null && r.ackTime < limit) {
      log().warn(`Disconnecting timedout replica (streaming sync): ${r.ip}:${r.port}`);
      r.client.close();
    }
  }
}

/** Close every replica link (our history changed: they reconnect and PSYNC again). */
export function disconnectReplicas(): void {
  for (const r of stream.replicas.slice()) r.client.close();
}
