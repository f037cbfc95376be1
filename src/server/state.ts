// Process-wide server state: databases, connected clients, counters. One instance per process.

import { randomBytes } from 'node:crypto';
import type { Config } from '../config/store.js';
import { Db } from '../keyspace/db.js';
import type { ErrorSink } from '../protocol/reply.js';
import type { Client } from './client.js';

export interface ServerStats {
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  netInputBytes: number;
  netOutputBytes: number;
  evictedKeys: number;
  /** Clients closed by maxmemory-clients (INFO evicted_clients). */
  evictedClients: number;
  totalErrorReplies: number;
  unexpectedErrorReplies: number;
  readsProcessed: number;
  writesProcessed: number;
  syncFull: number;
  syncPartialOk: number;
  syncPartialErr: number;
  /** Replication traffic, kept apart from the clients' (INFO total_net_repl_*). */
  netReplInputBytes: number;
  netReplOutputBytes: number;
}

function newStats(): ServerStats {
  return {
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    evictedKeys: 0,
    evictedClients: 0,
    totalErrorReplies: 0,
    unexpectedErrorReplies: 0,
    readsProcessed: 0,
    writesProcessed: 0,
    syncFull: 0,
    syncPartialOk: 0,
    syncPartialErr: 0,
    netReplInputBytes: 0,
    netReplOutputBytes: 0,
  };
}

export class Server implements ErrorSink {
  config!: Config;
  dbs: Db[] = [];
  clients = new Map<number, Client>();
  nextClientId = 1;
  /** Changes since the last save (Redis's server.dirty); a write handler increments it. */
  dirty = 0;
  /**
   * DEBUG PAUSE-CRON: the periodic work Redis's serverCron does (active expiry, save points,
   * replication and cluster upkeep, idle clients, the tracking table, the stats sampler) skips its
   * turns while on, as Redis's server.pause_cron.
   */
  cronPaused = false;
  startTime = Date.now();
  lastSave = Math.floor(Date.now() / 1000);
  stats: ServerStats = newStats();
  /** Error replies by their first word (INFO errorstats). */
  errorStats = new Map<string, number>();
  monitors = new Set<Client>();
  /** Clients written to outside their own read event; flushed once per event-loop turn. */
  private pendingFlush = new Set<Client>();
  private flushScheduled = false;
  /** New connections must AUTH: the default user has a password or is off (acl/users.ts keeps it). */
  defaultAuthRequired = false;
  /** Cached config values read on the hot path. */
  protoMaxBulkLen = 512 * 1024 * 1024;
  queryBufferLimit = 1024 * 1024 * 1024;
  shuttingDown = false;
  /** Listening port actually bound (port 0 picks a free one). */
  port = 0;
  /** Replication ID (random per start, like Redis) and the previous one (INFO replication, PSYNC). */
  replId = randomBytes(20).toString('hex');
  replId2 = '0'.repeat(40);

  /** Modules that cache config values (config.watch) before the config exists register here. */
  private configHooks: ((config: Config) => void)[] = [];

  /** Run fn with the config now if it is loaded, and whenever init() loads one. */
  whenConfigured(fn: (config: Config) => void): void {
    this.configHooks.push(fn);
    if (this.config !== undefined) fn(this.config);
  }

  init(config: Config): void {
    this.config = config;
    const n = config.num('databases');
    this.dbs = [];
    for (let i = 0; i < n; i++) this.dbs.push(new Db(i));
    config.watch('proto-max-bulk-len', (v) => {
      this.protoMaxBulkLen = Number(v);
    });
    config.watch('client-query-buffer-limit', (v) => {
      this.queryBufferLimit = Number(v);
    });
    for (const fn of this.configHooks) fn(config);
  }

  onErrorReply(text: string): void {
    this.stats.totalErrorReplies++;
    const sp = text.indexOf(' ');
    const code = sp < 0 ? text : text.slice(0, sp);
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }

  resetStats(): void {
    this.stats = newStats();
    this.errorStats.clear();
  }

  /** Mark a client as having output to write at the end of this loop turn. */
  schedule(c: Client): void {
    this.pendingFlush.add(c);
    this.scheduleTurnEnd();
  }

  /** Have the end-of-turn writes run (see flushPending) with no client of our own to flush. */
  scheduleTurnEnd(): void {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(flushAll, this);
    }
  }

  /**
   * The loop turn's writes: the AOF's, every client's replies, then the replication stream (Redis
   * too writes its replicas in beforeSleep with the other pending clients, not ahead of them).
   * With the stream first, the replica woke before the benchmark, which then often preempted the
   * primary halfway through its replies (more involuntary context switches): one replica's SET
   * throughput was 0.72 of Redis's (median of 8 cold A/B rounds), 0.80 with the stream last.
   */
  flushPending(): void {
    this.flushScheduled = false;
    if (this.pendingFlush.size !== 0) {
      beforeReplies.run();
      for (const c of this.pendingFlush) c.flush();
      this.pendingFlush.clear();
    }
    afterReplies.run();
  }
}

function flushAll(s: Server): void {
  s.flushPending();
}

/**
 * Runs once per loop turn before the turn's replies are written: the AOF puts the turn's writes
 * into the file first, as Redis's beforeSleep does, so a reply never precedes its write.
 */
export const beforeReplies = { run: (): void => {} };

/** Runs once per loop turn after the turn's replies are written: replication sends its stream. */
export const afterReplies = { run: (): void => {} };

export const server = new Server();
