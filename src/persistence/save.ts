// RDB saving: SAVE (synchronous, in this process), background snapshots (a point-in-time
// Snapshot walked in slices of about a millisecond, streamed to the rdb-writer child, started
// early and kept, that checksums, writes, fsyncs and renames) for BGSAVE and for the AOF
// rewrite's base file, one at a
// time like Redis's one child, `save <seconds> <changes>` points checked at `hz`, and the
// state INFO persistence, LASTSAVE and MISCONF read.

import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERR } from '../errors.js';
import { logger } from '../log.js';
import { server } from '../server/state.js';
import { REDIS_VERSION } from '../version.js';
import { AofBaseEncoder } from './aof-base.js';
import { Crc64 } from './rdb/crc64.js';
import { RdbFileEncoder } from './rdb/file.js';
import { Snapshot, type SnapshotEncoder } from './snapshot.js';
import { applyOomScoreAdjToChild } from '../server/oom-score.js';
import { datasetLoading } from '../keyspace/db.js';

const log = (): ReturnType<typeof logger> => logger('rdb');
const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rdb-writer.js');
/** After a failed BGSAVE, save points retry no sooner than this (Redis's CONFIG_BGSAVE_RETRY_DELAY). */
const RETRY_DELAY_SEC = 5;
/** Longest time slice of the snapshot walk per event-loop turn (when the server has nothing else to do). */
const SLICE_MS = 1;
/**
 * Under load the walk takes this share of the main thread: its slice is sized from the time the
 * rest of the event loop took since the previous one, so clients keep most of the throughput.
 */
const BUSY_SHARE = 0.2;
const MIN_SLICE_MS = 0.1;
/** Less than this between two slices means the loop had nothing else to do. */
const IDLE_GAP_MS = 0.2;
/**
 * How far the walk may run ahead of the writer child before it waits for 'drain': enough to
 * cover the child's start-up (the pipe itself holds 64 KB), little next to the dataset.
 */
const PIPE_AHEAD = 4 * 1024 * 1024;

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
  /** Loading the dataset at start (clients get -LOADING), and its progress for INFO. */
  get loading(): boolean {
    return datasetLoading.on;
  },
  set loading(on: boolean) {
    datasetLoading.on = on;
  },
  loadingStartTime: 0,
  loadingTotalBytes: 0,
  loadingLoadedBytes: 0,
  loadingRdbUsedMem: 0,
  lastLoadKeysLoaded: 0,
  lastLoadKeysExpired: 0,
  /** The AOF's last write succeeded (aof.ts keeps these two current). */
  aofWriteOk: true,
  aofWriteError: '',
  /** A replica loads its primary's RDB into fresh databases while serving the old ones (swapdb). */
  asyncLoading: false,
  /** Background snapshots started (INFO total_forks: each is where Redis forks). */
  forks: 0,
};

/** A background snapshot: BGSAVE ('rdb') or an AOF rewrite writing a new base file ('aof'). */
export type ChildKind = 'rdb' | 'aof';

interface BgJob {
  kind: ChildKind;
  /** The writer child; null for a snapshot streamed to a consumer (disk-less replication). */
  child: ChildProcess | null;
  snap: Snapshot;
  dir: string;
  start: number;
  bytes: number;
  /** When the last walk slice ended (performance.now()), to size the next one. */
  sliceEnd: number;
  /** The child is PIPE_AHEAD bytes behind: wait for 'drain' before walking on. */
  paused: boolean;
  /** The child confirmed the rename. */
  committed: boolean;
  /** We killed the child on purpose (shutdown, FLUSHALL): not an error. */
  killed: boolean;
  error: string | null;
  /** Called once with the outcome (false also when killed). */
  done: (ok: boolean, killed: boolean) => void;
}

/** A job with a writer child (BGSAVE, AOF rewrite, disk-based replication). */
type ChildJob = BgJob & { child: ChildProcess };

let job: BgJob | null = null;

const now = (): number => Math.floor(Date.now() / 1000);

export function bgsaveInProgress(): boolean {
  return job !== null && job.kind === 'rdb';
}

/** The kind of background snapshot running, or null (Redis allows one child at a time). */
export function activeChild(): ChildKind | null {
  return job === null ? null : job.kind;
}

/** Progress of the running background snapshot, for INFO. */
export function childProgress(): { start: number; processed: number; total: number } | null {
  return job === null ? null : { start: job.start, processed: job.snap.keysProcessed, total: job.snap.keysTotal };
}

/** AUX fields Redis 7.0 writes; `aofBase` marks the RDB preamble of an AOF base file. */
export function auxFields(aofBase = false): [string, string][] {
  const aux: [string, string][] = [
    ['redis-ver', REDIS_VERSION],
    ['redis-bits', '64'],
    ['ctime', String(now())],
    ['used-mem', String(process.memoryUsage().heapUsed)],
  ];
  const repl = replicationAux.get();
  if (repl !== null) aux.push(['repl-stream-db', String(repl.streamDb)], ['repl-id', repl.id], ['repl-offset', String(repl.offset)]);
  aux.push(['aof-base', aofBase ? '1' : '0']);
  return aux;
}

function dumpDir(): string {
  return server.config.get('dir');
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * How a snapshot is written: an RDB file, an AOF base with an RDB preamble, or an AOF base made
 * of commands (aof-use-rdb-preamble no, no checksum trailer).
 */
export type SnapshotFormat = 'rdb' | 'aof-preamble' | 'aof-commands';

/** `functionsOnly`: the function libraries and no keys (a replica's rdb-filter-only functions). */
function newSnapshot(format: SnapshotFormat, sink: (chunk: Buffer) => void, functionsOnly = false): Snapshot {
  const compress = server.config.bool('rdbcompression');
  const encoder = format === 'aof-commands' ? (): SnapshotEncoder => new AofBaseEncoder(server.config.bool('aof-timestamp-enabled')) : (): SnapshotEncoder => new RdbFileEncoder(compress);
  return new Snapshot(functionsOnly ? [] : server.dbs, auxFields(format === 'aof-preamble'), encoder, sink);
}

/** The writer child's trailer argument: CRC64, eight zero bytes, or none. */
function trailerMode(format: SnapshotFormat): string {
  if (format === 'aof-commands') return 'none';
  return server.config.bool('rdbchecksum') ? '1' : '0';
}

/**
 * Write the dataset to `dir/filename` now, blocking: a temp file is fsynced and renamed over the
 * old one, so a crash at any moment leaves a complete file. Throws on failure.
 */
export function writeSnapshotSync(dir: string, filename: string, format: SnapshotFormat): void {
  const tmp = path.join(dir, `temp-${process.pid}.rdb`);
  let fd = -1;
  try {
    fd = fs.openSync(tmp, 'w');
    const crc = new Crc64();
    const trailer = trailerMode(format);
    const out = fd;
    const snap = newSnapshot(format, (chunk) => {
      fs.writeSync(out, chunk);
      if (trailer === '1') crc.update(chunk);
    });
    snap.step(Infinity);
    snap.release();
    if (trailer !== 'none') fs.writeSync(fd, trailer === '1' ? crc.bytes() : Buffer.alloc(8));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, path.join(dir, filename));
    fsyncDir(dir);
  } catch (err) {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** SAVE's work (also shutdown, FLUSHALL, DEBUG RELOAD): the dump file, now. */
export function saveSync(): boolean {
  try {
    writeSnapshotSync(dumpDir(), server.config.get('dbfilename'), 'rdb');
  } catch (err) {
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

/**
 * The writer child (rdb-writer.ts), kept from one snapshot to the next; null until started and
 * after it died or was killed (the next snapshot starts another).
 */
let writer: ChildProcess | null = null;
/** The job the writer works on, from its start until its commit message or the writer's death. */
let writerJob: ChildJob | null = null;

function startWriter(): ChildProcess {
  const w = fork(WRITER, [], {
    // Not the server's flags (an --inspect port, heap sizes): the writer is a small script.
    execArgv: [],
    stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
  });
  if (w.pid !== undefined) applyOomScoreAdjToChild(w.pid);
  // An idle writer must not keep the server's event loop alive.
  w.unref();
  w.channel?.unref();
  (w.stdin as unknown as { unref(): void }).unref();
  w.stdin!.on('error', () => {}); // EPIPE when the child dies; its exit reports the failure
  w.stdin!.on('drain', () => {
    const j = writerJob;
    if (j !== null && j.paused && job === j) {
      j.paused = false;
      setImmediate(walk, j);
    }
  });
  w.on('message', (m: { ok?: boolean }) => {
    const j = writerJob;
    if (m.ok !== true || j === null || j.child !== w) return;
    writerJob = null;
    j.committed = true;
    childDone(j);
  });
  w.on('error', (err) => {
    const j = writerJob !== null && writerJob.child === w ? writerJob : null;
    if (j !== null) j.error = err.message;
    // A process that never started sends no 'close': forget it here, or every later save would wait on it.
    if (w.pid !== undefined) return;
    log().warn(`Can't start the background snapshot writer: ${err.message}`);
    if (writer === w) writer = null;
    if (j === null) return;
    writerJob = null;
    childDone(j);
  });
  w.on('close', (_code, signal) => {
    if (writer === w) writer = null;
    const j = writerJob;
    if (j === null || j.child !== w) return;
    writerJob = null;
    if (signal !== null) log().warn(`Background ${j.kind === 'rdb' ? 'saving' : 'AOF rewrite'} terminated by signal ${signal}`);
    childDone(j);
  });
  return w;
}

/**
 * Keys from which the writer child is started ahead of any save, while forking the server is
 * still cheap (about a millisecond at this size): no snapshot of a large dataset pays for forking
 * a large process. A small server (most test servers) starts it only for its first background save.
 */
const STANDBY_KEYS = 50_000;
let standbyTry = 0;

/** Each cron tick: start the writer once the dataset is large enough (retrying a failure after a while). */
function standbyWriterCheck(): void {
  if (writer !== null || now() - standbyTry < RETRY_DELAY_SEC) return;
  let keys = 0;
  for (const db of server.dbs) keys += db.dict.size;
  if (keys < STANDBY_KEYS) return;
  standbyTry = now();
  try {
    writer = startWriter();
  } catch (err) {
    log().warn(`Can't start the background snapshot writer: ${(err as Error).message}`);
  }
}

/**
 * Whether a child process still runs: one killed a moment ago is a zombie until Node reaps it and
 * reports its exit, so Linux's /proc tells first.
 */
function processAlive(p: ChildProcess): boolean {
  if (p.exitCode !== null || p.signalCode !== null || p.pid === undefined) return false;
  try {
    const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'latin1');
    const state = stat[stat.lastIndexOf(')') + 2];
    return state !== 'Z' && state !== 'X';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Stop the writer (a job abandoned, or it failed); the next snapshot starts a new one. */
function killWriter(w: ChildProcess): void {
  if (writer === w) writer = null;
  w.kill('SIGKILL');
}

/**
 * Take a point-in-time snapshot now and stream it to the writer child, which commits it as
 * `dir/filename`. Null when the child cannot be started. The caller checked no child runs.
 */
export function forkSnapshot(kind: ChildKind, format: SnapshotFormat, dir: string, filename: string, done: BgJob['done'], functionsOnly = false): ChildJob | null {
  let child: ChildProcess;
  // A writer killed while idle (Redis's tests kill "the child" at any time) is not reused.
  if (writer !== null && !processAlive(writer)) killWriter(writer);
  try {
    child = writer ??= startWriter();
  } catch (err) {
    log().warn(`Can't start a background snapshot: fork: ${(err as Error).message}`);
    return null;
  }
  const j: ChildJob = {
    kind, child, snap: null as unknown as Snapshot, dir, start: now(), bytes: 0, sliceEnd: 0,
    paused: false, committed: false, killed: false, error: null, done,
  };
  child.send({ start: [dir, filename, trailerMode(format)] });
  j.snap = newSnapshot(format, (chunk) => {
    j.bytes += chunk.length;
    child.stdin!.write(chunk);
    if (child.stdin!.writableLength >= PIPE_AHEAD) j.paused = true;
  }, functionsOnly);
  j.snap.track();
  rdbStats.forks++;
  job = j;
  writerJob = j;
  setImmediate(walk, j);
  return j;
}

/**
 * A point-in-time snapshot (a complete RDB, trailer included) handed to `write` chunk by chunk
 * instead of a writer child: disk-less replication. `write` returns false to pause the walk until
 * resumeSnapshot(); `done` follows the last chunk. It is the one background save while it runs,
 * like Redis's RDB child writing to sockets.
 */
export function streamSnapshot(write: (chunk: Buffer) => boolean, done: BgJob['done'], functionsOnly = false): BgJob {
  const j: BgJob = {
    kind: 'rdb', child: null, snap: null as unknown as Snapshot, dir: '', start: now(), bytes: 0, sliceEnd: 0,
    paused: false, committed: false, killed: false, error: null, done,
  };
  const crc = server.config.bool('rdbchecksum') ? new Crc64() : null;
  j.snap = newSnapshot('rdb', (chunk) => {
    j.bytes += chunk.length;
    if (crc !== null) crc.update(chunk);
    if (!write(chunk)) j.paused = true;
  }, functionsOnly);
  j.done = (ok, killed) => {
    if (ok) write(crc !== null ? crc.bytes() : Buffer.alloc(8));
    done(ok, killed);
  };
  j.snap.track();
  rdbStats.forks++;
  job = j;
  setImmediate(walk, j);
  return j;
}

/** Let a paused streamed snapshot walk on. */
export function resumeSnapshot(j: BgJob): void {
  if (!j.paused) return;
  j.paused = false;
  setImmediate(walk, j);
}

/** One slice of the walk; re-schedules itself until the stream is complete or the job ends. */
function walk(j: BgJob): void {
  if (job !== j || j.paused || j.error !== null) return;
  let done: boolean;
  const t = performance.now();
  const gap = t - j.sliceEnd;
  const slice = gap < IDLE_GAP_MS ? SLICE_MS : Math.min(SLICE_MS, Math.max(MIN_SLICE_MS, (gap * BUSY_SHARE) / (1 - BUSY_SHARE)));
  // rdb-key-save-delay (a testing aid): microseconds per key, waited between keys, never slept.
  const delay = server.config.num('rdb-key-save-delay');
  try {
    done = delay > 0 ? j.snap.step(Infinity, 1) : j.snap.step(t + slice);
    j.sliceEnd = performance.now();
  } catch (err) {
    j.error = (err as Error).message;
    log().warn(`Background snapshot failed while encoding: ${j.error}`);
    j.snap.release();
    if (j.child !== null) killWriter(j.child);
    else streamEnded(j);
    return;
  }
  if (!done) {
    if (j.paused) return;
    if (delay > 0) setTimeout(walk, delay / 1000, j);
    else setImmediate(walk, j);
    return;
  }
  j.snap.release();
  if (j.child === null) {
    streamEnded(j);
    return;
  }
  // The child commits only a stream whose byte count it was told.
  j.child.send({ end: j.bytes });
}

/** The writer committed the job, or died (or was killed) before. */
function childDone(j: ChildJob): void {
  j.snap.release();
  if (job === j) job = null;
  const ok = j.committed && j.error === null && !j.killed;
  if (!ok) fs.rmSync(path.join(j.dir, `temp-${j.child.pid}.rdb`), { force: true });
  j.done(ok, j.killed);
}

function streamEnded(j: BgJob): void {
  if (job === j) job = null;
  j.done(j.error === null, false);
}

/** Stop the background snapshot in progress; its `done` sees killed = true. */
export function killChild(): void {
  const j = job;
  if (j === null) return;
  j.killed = true;
  j.snap.release();
  job = null;
  if (j.child === null) {
    j.done(false, true);
    return;
  }
  killWriter(j.child);
  fs.rmSync(path.join(j.dir, `temp-${j.child.pid}.rdb`), { force: true });
}

/** Start a BGSAVE; false (and logged) when the child cannot be started. */
export function startBgsave(): boolean {
  rdbStats.saves++;
  rdbStats.lastBgsaveTry = now();
  const dirtyBefore = server.dirty;
  const start = now();
  const j = forkSnapshot('rdb', 'rdb', dumpDir(), server.config.get('dbfilename'), (ok, killed) => {
    const t = now();
    rdbStats.lastBgsaveTimeSec = t - start;
    if (ok) {
      log().info('Background saving terminated with success');
      server.dirty -= dirtyBefore;
      server.lastSave = t;
      rdbStats.lastBgsaveOk = true;
    } else if (!killed) {
      log().warn('Background saving error');
      rdbStats.lastBgsaveOk = false;
    }
  });
  if (j === null) {
    rdbStats.lastBgsaveOk = false;
    return false;
  }
  log().info(`Background saving started by pid ${j.child.pid}`);
  return true;
}

/** What the AOF (aof.ts, which imports this module) plugs in: its cron step and shutdown flush. */
export const aofHooks = {
  tick: (): void => {},
  shutdown: (): void => {},
};

/** The `save` directive as flat [seconds, changes, ...] pairs. */
let savePoints: number[] = [];

/** Each cron tick: a due save point (or a scheduled BGSAVE) starts a BGSAVE. */
function cron(): void {
  if (server.shuttingDown || server.cronPaused) return;
  // Also while loading: a large dump passes STANDBY_KEYS within the first ticks.
  standbyWriterCheck();
  if (rdbStats.loading) return;
  aofHooks.tick();
  if (job !== null) return;
  const t = now();
  const retryOk = t - rdbStats.lastBgsaveTry > RETRY_DELAY_SEC || rdbStats.lastBgsaveOk;
  if (rdbStats.bgsaveScheduled && retryOk) {
    rdbStats.bgsaveScheduled = false;
    startBgsave();
    return;
  }
  for (let i = 0; i < savePoints.length; i += 2) {
    const seconds = savePoints[i];
    const changes = savePoints[i + 1];
    if (server.dirty >= changes && t - server.lastSave > seconds && retryOk) {
      log().info(`${changes} changes in ${seconds} seconds. Saving...`);
      startBgsave();
      return;
    }
  }
}

/** The checks run at `hz`, like Redis's serverCron: a scheduled save starts within one tick. */
export function startSaveCron(): void {
  server.config.watch('save', (v) => {
    savePoints = v === '' ? [] : v.split(' ').map(Number);
  });
  let timer: NodeJS.Timeout | null = null;
  server.config.watch('hz', (v) => {
    if (timer !== null) clearInterval(timer);
    timer = setInterval(cron, Math.max(1, Math.floor(1000 / Number(v))));
    timer.unref();
  });
}

/**
 * MISCONF: writes are refused while the last BGSAVE failed, save points are configured and
 * stop-writes-on-bgsave-error is on. The dispatcher asks this for write commands and PING.
 */
export function writesDeniedByDiskError(): string | null {
  if (rdbStats.lastBgsaveOk && rdbStats.aofWriteOk) return null;
  if (!rdbStats.lastBgsaveOk && server.config.bool('stop-writes-on-bgsave-error') && server.config.get('save') !== '') return ERR.misconfRdb;
  return rdbStats.aofWriteOk ? null : ERR.misconfAof(rdbStats.aofWriteError);
}

/**
 * Shutdown's save step, like Redis's prepareForShutdown: a BGSAVE in progress is killed, then the
 * dataset is saved when `save` is forced or, unless `nosave`, when save points exist. False when
 * saving failed (SHUTDOWN then refuses unless forced).
 */
export function saveOnShutdown(mode: 'default' | 'save' | 'nosave' = 'default'): boolean {
  // Never save a half-loaded dataset over the file it comes from.
  if (rdbStats.loading) mode = 'nosave';
  aofHooks.shutdown();
  if (job !== null) {
    log().warn(job.kind === 'rdb' ? 'There is a child saving an .rdb. Killing it!' : 'There is a child rewriting the AOF. Killing it!');
    killChild();
  }
  if (mode === 'nosave' || (mode === 'default' && server.config.get('save') === '')) return true;
  log().info('Saving the final RDB snapshot before exiting.');
  if (saveSync()) return true;
  log().warn('Error trying to save the DB, can\'t exit.');
  return false;
}

/** FLUSHALL's persistence step, as Redis 7.0 does it: drop a BGSAVE, save the empty dataset if save points exist. */
export function afterFlushAll(): void {
  if (job !== null && job.kind === 'rdb') killChild();
  if (server.config.get('save') !== '') saveSync();
}
