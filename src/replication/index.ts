// Replication wiring: the propagation sink, INFO replication, the RDB's repl-* AUX fields, the
// once-a-second cron (ACKs to our primary, PINGs to our replicas) and the replicaof directive.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { signals } from '../keyspace/signals.js';
import { replicationAux } from '../persistence/save.js';
import { expiredAtLoad } from '../persistence/load.js';
import { clientCleanupHooks } from '../server/client.js';
import { setInfoSection } from '../server/info.js';
import { addPropagationSink } from '../server/propagate.js';
import { server } from '../server/state.js';
import { detach, dropTimedOutReplicas, ensureBacklog, freeIdleBacklog, fullSyncCron, pingReplicas, replicationSink, sendUnsent, stream } from './primary.js';
import { checkPrimaryTimeout, link, primaryStreamDb, rdbAux, readOffset, sendAck, setPrimary } from './replica.js';
import { forgetWaiter } from './wait.js';
import { checkFailover, failover, failoverStateName, NO_FAILOVER } from './failover.js';

let cronTicks = 0;

function cron(): void {
  if (server.cronPaused) return;
  cronTicks++;
  if (stream.isReplica) {
    checkPrimaryTimeout();
    sendAck();
  }
  dropTimedOutReplicas();
  fullSyncCron();
  freeIdleBacklog();
  checkFailover();
  // A PING would move the offset the failover target is catching up with.
  if (cronTicks % server.config.num('repl-ping-replica-period') === 0 && failover.state === NO_FAILOVER) pingReplicas();
}

function secondsAgo(ms: number): number {
  return Math.floor((Date.now() - ms) / 1000);
}

function infoSection(): string {
  let out = '';
  const line = (k: string, v: string | number): void => {
    out += `${k}:${v}\r\n`;
  };
  if (stream.isReplica) {
    const up = link.state === 'connected';
    line('role', 'slave');
    line('master_host', link.host);
    line('master_port', link.port);
    line('master_link_status', up ? 'up' : 'down');
    line('master_last_io_seconds_ago', up ? secondsAgo(link.lastIo) : -1);
    line('master_sync_in_progress', link.state === 'sync' ? 1 : 0);
    line('slave_read_repl_offset', readOffset());
    line('slave_repl_offset', stream.offset);
    if (link.state === 'sync') {
      const total = link.syncSize;
      line('master_sync_total_bytes', total);
      line('master_sync_read_bytes', link.syncRead);
      line('master_sync_left_bytes', total - link.syncRead);
      line('master_sync_perc', total > 0 ? ((link.syncRead * 100) / total).toFixed(2) : '0.00');
      line('master_sync_last_io_seconds_ago', secondsAgo(link.lastIo));
    }
    if (!up) line('master_link_down_since_seconds', link.downSince !== 0 ? secondsAgo(link.downSince) : -1);
    line('slave_priority', server.config.num('replica-priority'));
    line('slave_read_only', server.config.bool('replica-read-only') ? 1 : 0);
    line('replica_announced', server.config.bool('replica-announced') ? 1 : 0);
  } else {
    line('role', 'master');
  }
  line('connected_slaves', stream.replicas.length);
  stream.replicas.forEach((r, i) => {
    const state = r.state === 'online' ? 'online' : 'wait_bgsave';
    line(`slave${i}`, `ip=${r.ip},port=${r.port},state=${state},offset=${r.ackOffset},lag=${secondsAgo(r.ackTime)}`);
  });
  sendUnsent();
  const b = stream.backlog;
  line('master_failover_state', failoverStateName());
  line('master_replid', server.replId);
  line('master_replid2', server.replId2);
  line('master_repl_offset', stream.offset);
  line('second_repl_offset', stream.secondOffset);
  line('repl_backlog_active', b !== null ? 1 : 0);
  line('repl_backlog_size', server.config.num('repl-backlog-size'));
  line('repl_backlog_first_byte_offset', b !== null ? b.firstByteOffset : 0);
  line('repl_backlog_histlen', b !== null ? b.histlen : 0);
  return out;
}

/**
 * A writable replica deletes the keys its own clients gave a TTL once it passes (the primary
 * knows nothing of them); as a primary, normal expiry covers them.
 */
function expireReplicaOwnKeys(): void {
  if (server.cronPaused) return;
  const now = Date.now();
  for (const db of server.dbs) {
    const own = db.replicaOwnExpires;
    if (own === null) continue;
    if (!stream.isReplica) {
      db.replicaOwnExpires = null;
      continue;
    }
    for (const key of own) {
      const when = db.expires.get(key);
      if (when === undefined) own.delete(key);
      else if (when <= now) {
        own.delete(key);
        db.deleteExpired(key);
      }
    }
    if (own.size === 0) db.replicaOwnExpires = null;
  }
}

/** Before the dataset loads: a configured replica never expires keys, even while loading. */
export function initReplication(): void {
  addPropagationSink(replicationSink);
  signals.isReplica = () => stream.isReplica;
  clientCleanupHooks.push(detach, forgetWaiter);
  setInfoSection('replication', infoSection);
  replicationAux.get = () => {
    if (stream.backlog === null) return null;
    const streamDb = stream.isReplica ? primaryStreamDb() : stream.selDb < 0 ? 0 : stream.selDb;
    return { streamDb, id: server.replId, offset: stream.offset };
  };
  server.config.watch('repl-backlog-size', (v) => {
    sendUnsent();
    if (stream.backlog !== null) stream.backlog.resize(Number(v));
  });
  server.config.watch('min-replicas-to-write', (v) => {
    stream.minReplicas = Number(v);
  });
  server.config.watch('min-replicas-max-lag', (v) => {
    stream.minReplicasMaxLag = Number(v);
  });
  server.config.watch('replica-serve-stale-data', (v) => {
    stream.serveStale = v === 'yes';
  });
  // CONFIG REWRITE keeps the primary we follow now (REPLICAOF changes it at run time).
  server.config.provideRewriteLines('replicaof', () => (stream.isReplica ? [`replicaof ${link.host} ${link.port}`] : []));
  if (server.config.get('replicaof') !== '') stream.isReplica = true;
  if (!server.config.bool('appendonly')) restoreFromDump();
  setInterval(cron, 1000).unref();
  setInterval(expireReplicaOwnKeys, 100).unref();
}

/**
 * The dump file's repl-id / repl-offset (written while we had a backlog) let a restarted server
 * continue its history: a replica resumes with PSYNC, a primary accepts its old replicas' PSYNC
 * through replid2, as Redis does.
 */
function restoreFromDump(): void {
  const head = Buffer.alloc(4096);
  let n = 0;
  try {
    const fd = fs.openSync(path.join(server.config.get('dir'), server.config.get('dbfilename')), 'r');
    n = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
  } catch {
    return;
  }
  if (n < 9 || head.latin1Slice(0, 5) !== 'REDIS') return;
  const aux = rdbAux(head.subarray(0, n));
  const id = aux.get('repl-id');
  const offset = Number(aux.get('repl-offset'));
  if (id === undefined || !/^[0-9a-f]{40}$/.test(id) || !Number.isSafeInteger(offset) || offset < 0) return;
  if (stream.isReplica) {
    server.replId = id;
    link.streamDb = Number(aux.get('repl-stream-db')) || 0;
  } else {
    server.replId2 = id;
    stream.secondOffset = offset + 1;
    expiredAtLoad.feed = feedExpiredDel;
  }
  stream.offset = offset;
  ensureBacklog();
}

/** A key the startup load dropped as expired: its deletion continues the history for the replicas. */
function feedExpiredDel(dbid: number, key: string): void {
  replicationSink.feed(dbid, [server.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
}

/** After listening (the handshake announces our port): connect to the configured primary. */
export function startReplicaLink(): void {
  expiredAtLoad.feed = null;
  const v = server.config.get('replicaof');
  if (v === '') return;
  const [host, port] = v.split(/\s+/);
  setPrimary(host, Number(port));
}
