// RDB saving: SAVE (synchronous, in this process), BGSAVE (a point-in-time Snapshot walked in
// slices of about a millisecond, streamed to the rdb-writer child that checksums, writes, fsyncs
// and renames), `save <seconds> <changes>` points checked once a second, and the state INFO
// persistence, LASTSAVE and MISCONF read.

import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { logger } from '../log.js';
import { server } from '../server/state.js';
import { REDIS_VERSION } from '../version.js';
import { Crc64 } from './rdb/crc64.js';
import { Snapshot } from './snapshot.js';

const log = (): ReturnType<typeof logger> => logger('rdb');
const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rdb-writer.js');
/** After a failed BGSAVE, save points retry no sooner than this (Redis's CONFIG_BGSAVE_RETRY_DELAY). */
const RETRY_DELAY_SEC = 5;
/** Time slice of the snapshot walk per event-loop turn. */
const SLICE_MS = 1;

/** Replication state for the repl-* AUX fields; the replication module installs the real one. */
export const replicationAux = {
  get: (): { streamDb: number; id: string; offset: number } | null => null,
};

export const rdbStats = {
  lastBgsaveOk: true,
  lastBgsaveTry: 0,
  /** Duration of the last BGSAVE in seconds, -1 before the first. */
  lastBgsaveTimeSec: -1,
  saves: 0,
  bgsaveScheduled: false,
  loading: false,
  lastLoadKeysLoaded: 0,
  lastLoadKeysExpired: 0,
};

interface BgJob {
  child: ChildProcess;
  snap: Snapshot;
  start: number;
  dirtyBefore: number;
  bytes: number;
  /** The pipe to the child is full: wait for 'drain' before walking on. */
  paused: boolean;
  /** The child confirmed the rename. */
  committed: boolean;
  /** We killed the child on purpose (shutdown, FLUSHALL): not an error. */
  killed: boolean;
  error: string | null;
}

let job: BgJob | null = null;

const now = (): number => Math.floor(Date.now() / 1000);

export function bgsaveInProgress(): boolean {
  return job !== null;
}

function auxFields(): [string, string][] {
  const aux: [string, string][] = [
    ['redis-ver', REDIS_VERSION],
    ['redis-bits', '64'],
    ['ctime', String(now())],
    ['used-mem', String(process.memoryUsage().heapUsed)],
  ];
  const repl = replicationAux.get();
  if (repl !== null) aux.push(['repl-stream-db', String(repl.streamDb)], ['repl-id', repl.id], ['repl-offset', String(repl.offset)]);
  aux.push(['aof-base', '0']);
  return aux;
}

function dumpDir(): string {
  return server.config.get('dir');
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Write the dataset to `dbfilename` now, blocking (SAVE, shutdown, FLUSHALL). A temp file is
 * fsynced and renamed over the old dump, so a crash at any moment leaves a complete file.
 */
export function saveSync(): boolean {
  const dir = dumpDir();
  const tmp = path.join(dir, `temp-${process.pid}.rdb`);
  let fd = -1;
  try {
    fd = fs.openSync(tmp, 'w');
    const crc = new Crc64();
    const useCrc = server.config.bool('rdbchecksum');
    const out = fd;
    const snap = new Snapshot(server.dbs, auxFields(), server.config.bool('rdbcompression'), (chunk) => {
      fs.writeSync(out, chunk);
      if (useCrc) crc.update(chunk);
    });
    snap.step(Infinity);
    snap.release();
    fs.writeSync(fd, useCrc ? crc.bytes() : Buffer.alloc(8));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, path.join(dir, server.config.get('dbfilename')));
    fsyncDir(dir);
  } catch (err) {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    log().warn({ err: (err as Error).message }, `Failed saving the DB: ${(err as Error).message}`);
    return false;
  }
  log().info('DB saved on disk');
  server.dirty = 0;
  server.lastSave = now();
  rdbStats.lastBgsaveOk = true;
  return true;
}

/** SAVE: counts as a save like Redis's stat_rdb_saves. */
export function saveCommandSync(): boolean {
  rdbStats.saves++;
  return saveSync();
}

/** Start a BGSAVE; false (and logged) when the child cannot be started. */
export function startBgsave(): boolean {
  rdbStats.saves++;
  rdbStats.lastBgsaveTry = now();
  let child: ChildProcess;
  try {
    child = fork(WRITER, [dumpDir(), server.config.get('dbfilename'), server.config.bool('rdbchecksum') ? '1' : '0'], {
      stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
    });
  } catch (err) {
    rdbStats.lastBgsaveOk = false;
    log().warn(`Can't save in background: fork: ${(err as Error).message}`);
    return false;
  }
  const j: BgJob = {
    child, snap: null as unknown as Snapshot, start: now(), dirtyBefore: server.dirty, bytes: 0,
    paused: false, committed: false, killed: false, error: null,
  };
  j.snap = new Snapshot(server.dbs, auxFields(), server.config.bool('rdbcompression'), (chunk) => {
    j.bytes += chunk.length;
    if (!child.stdin!.write(chunk)) j.paused = true;
  });
  j.snap.track();
  job = j;
  child.stdin!.on('error', () => {}); // EPIPE when the child dies; its exit reports the failure
  child.stdin!.on('drain', () => {
    if (j.paused) {
      j.paused = false;
      setImmediate(walk, j);
    }
  });
  child.on('message', (m: { ok?: boolean }) => {
    if (m.ok === true) j.committed = true;
  });
  child.on('error', (err) => {
    j.error = err.message;
  });
  // 'close' comes after the child's last message, so `committed` is final by then.
  child.on('close', (code, signal) => bgsaveDone(j, code, signal));
  log().info(`Background saving started by pid ${child.pid}`);
  setImmediate(walk, j);
  return true;
}

/** One slice of the walk; re-schedules itself until the stream is complete or the job ends. */
function walk(j: BgJob): void {
  if (job !== j || j.paused || j.error !== null) return;
  let done: boolean;
  try {
    done = j.snap.step(performance.now() + SLICE_MS);
  } catch (err) {
    j.error = (err as Error).message;
    log().warn(`Background saving failed while encoding: ${j.error}`);
    j.snap.release();
    j.child.kill('SIGKILL');
    return;
  }
  if (!done) {
    if (!j.paused) setImmediate(walk, j);
    return;
  }
  j.snap.release();
  // The byte count first: the child commits only a stream whose end it was told about.
  j.child.send({ end: j.bytes }, () => j.child.stdin!.end());
}

function bgsaveDone(j: BgJob, code: number | null, signal: NodeJS.Signals | null): void {
  j.snap.release();
  if (job === j) job = null;
  const t = now();
  rdbStats.lastBgsaveTimeSec = t - j.start;
  if (code === 0 && j.committed && j.error === null) {
    log().info('Background saving terminated with success');
    server.dirty -= j.dirtyBefore;
    server.lastSave = t;
    rdbStats.lastBgsaveOk = true;
  } else {
    if (signal !== null) log().warn(`Background saving terminated by signal ${signal}`);
    else log().warn(`Background saving error${j.error !== null ? `: ${j.error}` : ''}`);
    fs.rmSync(path.join(dumpDir(), `temp-${j.child.pid}.rdb`), { force: true });
    if (!j.killed) rdbStats.lastBgsaveOk = false;
  }
}

/** Stop a BGSAVE in progress without counting it as an error (shutdown, FLUSHALL). */
export function killBgsave(): void {
  const j = job;
  if (j === null) return;
  j.killed = true;
  j.snap.release();
  job = null;
  j.child.kill('SIGKILL');
  fs.rmSync(path.join(dumpDir(), `temp-${j.child.pid}.rdb`), { force: true });
}

/** Parsed `save` directive: [seconds, changes] pairs. */
function savePoints(): number[] {
  const v = server.config.get('save');
  return v === '' ? [] : v.split(' ').map(Number);
}

/** Once a second: a due save point (or a scheduled BGSAVE) starts a BGSAVE. */
function cron(): void {
  if (job !== null || server.shuttingDown || rdbStats.loading) return;
  const t = now();
  const retryOk = t - rdbStats.lastBgsaveTry > RETRY_DELAY_SEC || rdbStats.lastBgsaveOk;
  if (rdbStats.bgsaveScheduled && retryOk) {
    rdbStats.bgsaveScheduled = false;
    startBgsave();
    return;
  }
  const sp = savePoints();
  for (let i = 0; i < sp.length; i += 2) {
    const seconds = sp[i];
    const changes = sp[i + 1];
    if (server.dirty >= changes && t - server.lastSave > seconds && retryOk) {
      log().info(`${changes} changes in ${seconds} seconds. Saving...`);
      startBgsave();
      return;
    }
  }
}

export function startSaveCron(): void {
  setInterval(cron, 1000).unref();
}

/**
 * MISCONF: writes are refused while the last BGSAVE failed, save points are configured and
 * stop-writes-on-bgsave-error is on. The dispatcher asks this for write commands and PING.
 */
export function writesDeniedByDiskError(): boolean {
  return !rdbStats.lastBgsaveOk && server.config.bool('stop-writes-on-bgsave-error') && server.config.get('save') !== '';
}

export const MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/**
 * Shutdown's save step, like Redis's prepareForShutdown: a BGSAVE in progress is killed, then the
 * dataset is saved when `save` is forced or, unless `nosave`, when save points exist. False when
 * saving failed (SHUTDOWN then refuses unless forced).
 */
export function saveOnShutdown(mode: 'default' | 'save' | 'nosave' = 'default'): boolean {
  if (job !== null) {
    log().warn('There is a child saving an .rdb. Killing it!');
    killBgsave();
  }
  if (mode === 'nosave' || (mode === 'default' && server.config.get('save') === '')) return true;
  log().info('Saving the final RDB snapshot before exiting.');
  if (saveSync()) return true;
  log().warn('Error trying to save the DB, can\'t exit.');
  return false;
}

/** FLUSHALL's persistence step, as Redis 7.0 does it: drop a BGSAVE, save the empty dataset if save points exist. */
export function afterFlushAll(): void {
  killBgsave();
  if (server.config.get('save') !== '') saveSync();
}

/** The INFO persistence fields, in Redis 7.0's order. */
export function persistenceInfo(): [string, string][] {
  const j = job;
  const total = j !== null ? j.snap.keysTotal : 0;
  const processed = j !== null ? j.snap.keysProcessed : 0;
  return [
    ['loading', rdbStats.loading ? '1' : '0'],
    ['async_loading', '0'],
    ['current_cow_peak', '0'],
    ['current_cow_size', '0'],
    ['current_cow_size_age', '0'],
    ['current_fork_perc', (total !== 0 ? (processed / total) * 100 : 0).toFixed(2)],
    ['current_save_keys_processed', String(processed)],
    ['current_save_keys_total', String(total)],
    ['rdb_changes_since_last_save', String(server.dirty)],
    ['rdb_bgsave_in_progress', j !== null ? '1' : '0'],
    ['rdb_last_save_time', String(server.lastSave)],
    ['rdb_last_bgsave_status', rdbStats.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', String(rdbStats.lastBgsaveTimeSec)],
    ['rdb_current_bgsave_time_sec', String(j !== null ? now() - j.start : -1)],
    ['rdb_saves', String(rdbStats.saves)],
    ['rdb_last_cow_size', '0'],
    ['rdb_last_load_keys_expired', String(rdbStats.lastLoadKeysExpired)],
    ['rdb_last_load_keys_loaded', String(rdbStats.lastLoadKeysLoaded)],
    ['aof_enabled', '0'],
    ['aof_rewrite_in_progress', '0'],
    ['aof_rewrite_scheduled', '0'],
    ['aof_last_rewrite_time_sec', '-1'],
    ['aof_current_rewrite_time_sec', '-1'],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_rewrites', '0'],
    ['aof_rewrites_consecutive_failures', '0'],
    ['aof_last_write_status', 'ok'],
    ['aof_last_cow_size', '0'],
    ['module_fork_in_progress', '0'],
    ['module_fork_last_cow_size', '0'],
  ];
}
