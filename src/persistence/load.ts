// Loading an RDB file into the keyspace: at start in slices while clients get -LOADING (as Redis
// answers while it loads), for DEBUG RELOAD at once, and on a replica as it arrives from the
// primary's socket (repl-diskless-load). Keys already expired are dropped (on a
// primary), empty collections skipped, and any corruption is fatal with the byte offset that failed.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db, Value } from '../keyspace/db.js';
import { keyHash } from '../keyspace/keydict.js';
import { setAccess } from '../keyspace/access.js';
import { refreshClock } from '../server/clock.js';
import { signals } from '../keyspace/signals.js';
import { logger } from '../log.js';
import { server } from '../server/state.js';
import { fromPlain } from './convert.js';
import { Crc64 } from './rdb/crc64.js';
import { RdbLoader, rdbFunctions, type RdbSink } from './rdb/file.js';
import { CRC_MISMATCH, RdbError } from './rdb/format.js';
import { checksums, isEmptyValue } from './rdb/values.js';
import { rdbStats, saveSync } from './save.js';
import { ERR } from '../errors.js';

const log = (): ReturnType<typeof logger> => logger('rdb');

function dumpPath(): string {
  return path.join(server.config.get('dir'), server.config.get('dbfilename'));
}

interface LoadCounts {
  loaded: number;
  expired: number;
  empty: number;
  /** The repl-stream-db AUX field (a primary's RDB for its replicas), else 0. */
  streamDb: number;
}

/**
 * Set while a primary loads its dataset at startup with its replication history restored: each
 * key dropped as expired is passed here, so the deletion reaches the backlog (Redis's FEED_REPL).
 */
export const expiredAtLoad = { feed: null as ((dbid: number, key: string) => void) | null };

/**
 * Entries parsed but not yet in their database. A key and value just parsed are young objects:
 * stored straight into the keyspace's large table (old space), each store leaves the next young
 * collection a slot to visit at a random place in that table, and a load of a million keys spent
 * two fifths of its time in those collections. Held here in order for a while, they are old by
 * the time they go in, and cost the collector nothing there (1.25 s -> 0.76 s in a 1M-key test).
 */
const STAGE = 1 << 18;
const RING = 2 * STAGE;
/** Inserts whose table slots apply() touches ahead of them. */
const TOUCH_BATCH = 16;
/** Where those reads go, so that the compiler keeps them. */
let touched = 0;

/** A keyspace sink that also applies what it still holds once the file is parsed (drain). */
type KeyspaceSink = RdbSink & { drain(): void };

/**
 * Where a file's entries go: `dbs` (which the caller has emptied, unless merging).
 * `allowDup` lets a key in the file replace ours, `keepExpired` keeps keys already expired (an AOF
 * base: later commands may refer to them; a replica's full sync: its primary expires them).
 * Entries reach the databases up to RING keys late (see STAGE), all of them by drain().
 */
function keyspaceSink(counts: LoadCounts, dbs: readonly Db[], allowDup: boolean, keepExpired: boolean): KeyspaceSink {
  const now = Date.now();
  const dropExpired = !keepExpired && !signals.isReplica();
  const delay = server.config.num('key-load-delay');
  // A ring of up to 2 * STAGE entries: `head` is the oldest, `staged` how many are held.
  const sDb: number[] = [];
  const sKey: string[] = [];
  const sValue: Value[] = [];
  const sExpire: number[] = [];
  /** Hashed at parse time: by apply() the key's characters are out of the cache. */
  const sHash: number[] = [];
  /** A file's IDLE/FREQ for the key, or -1 (at most one is given: the saver's policy decides). */
  const sIdle: number[] = [];
  const sFreq: number[] = [];
  let head = 0;
  let staged = 0;
  /** Apply the oldest n staged entries. */
  const apply = (n: number): void => {
    // The keys' access stamps are taken from the command clock.
    refreshClock();
    for (let k = 0; k < n; k++) {
      // Each insert lands at a random place in the table: touch a batch's slots first, so that
      // their cache misses overlap instead of coming one per insert.
      if ((k & (TOUCH_BATCH - 1)) === 0) {
        let t = 0;
        for (let b = k; b < k + TOUCH_BATCH && b < n; b++) {
          const i = (head + b) % RING;
          t += dbs[sDb[i]].dict.touch(sHash[i]);
        }
        touched += t;
      }
      const i = (head + k) % RING;
      const dbid = sDb[i];
      const key = sKey[i];
      const expire = sExpire[i];
      const db = dbs[dbid];
      // One table operation per key: a duplicate shows as an unchanged size (and is fatal anyway).
      const dict = db.dict;
      const before = dict.size;
      dict.setHashed(sHash[i], key, sValue[i]);
      if (!allowDup && dict.size === before) throw new Error(`RDB has duplicated key '${key}' in DB ${dbid}`);
      if (sIdle[i] >= 0 || sFreq[i] >= 0) setAccess(dict, key, sIdle[i], sFreq[i]);
      if (expire !== -1) db.expires.set(key, expire);
      else if (allowDup && db.expires.size !== 0) db.expires.delete(key);
    }
    head = (head + n) % RING;
    staged -= n;
  };
  const put = (dbid: number, key: string, value: Value, expire: number, idle: number, freq: number): void => {
    if (delay !== 0) keyLoadDelay(delay);
    const i = (head + staged) % RING;
    sDb[i] = dbid;
    sKey[i] = key;
    sValue[i] = value;
    sExpire[i] = expire;
    sHash[i] = keyHash(key);
    sIdle[i] = idle;
    sFreq[i] = freq;
    if (++staged === RING) apply(STAGE);
    counts.loaded++;
  };
  /** False (and counted) for a key to leave out because it has expired. */
  const keep = (dbid: number, key: string, expire: number): boolean => {
    if (dbid >= dbs.length) {
      throw new Error(`Data file was created with a Redis server configured to handle more than ${dbs.length} databases`);
    }
    if (dropExpired && expire !== -1 && expire < now) {
      counts.expired++;
      if (expiredAtLoad.feed !== null) expiredAtLoad.feed(dbid, key);
      return false;
    }
    return true;
  };
  return {
    aux(k, v) {
      if (k === 'redis-ver') log().info(`Loading RDB produced by version ${v}`);
      else if (k === 'used-mem') rdbStats.loadingRdbUsedMem = Number(v) || 0;
      else if (k === 'repl-stream-db') counts.streamDb = Number(v) || 0;
    },
    resizeDb(dbid, keys, expires) {
      // One rebuild to the final size instead of one per doubling (Redis's dictExpand here).
      if (dbid >= dbs.length) return;
      dbs[dbid].dict.reserve(dbs[dbid].dict.size + keys);
      dbs[dbid].expires.reserve(dbs[dbid].expires.size + expires);
    },
    entry(dbid, key, plain, expire, idle, freq) {
      if (!keep(dbid, key, expire)) return;
      if (isEmptyValue(plain)) {
        // Like Redis, the first ten are named.
        if (counts.empty++ < 10) log().info(`rdbLoadObject skipping empty key: ${key}`);
        return;
      }
      put(dbid, key, fromPlain(plain), expire, idle, freq);
    },
    stringEntry(dbid, key, value, expire, idle, freq) {
      if (keep(dbid, key, expire)) put(dbid, key, value, expire, idle, freq);
    },
    drain() {
      apply(staged);
    },
  };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * key-load-delay (a testing aid, as in Redis): microseconds to sleep after each key; a negative n
 * sleeps 1 microsecond for one key in -n on average, short sleeps being dearer than asked.
 */
function keyLoadDelay(usec: number): void {
  if (usec < 0) usec = Math.floor(Math.random() * -usec) === 0 ? 1 : 0;
  if (usec !== 0) Atomics.wait(sleeper, 0, 0, usec / 1000);
}

function loadDone(counts: LoadCounts): void {
  const { loaded, expired, empty } = counts;
  rdbStats.lastLoadKeysLoaded = loaded;
  rdbStats.lastLoadKeysExpired = expired;
  log().info(
    { loaded, expired, emptySkipped: empty },
    `Done loading RDB, keys loaded: ${loaded}, keys expired: ${expired}${empty !== 0 ? `, empty keys skipped: ${empty}` : ''}.`,
  );
}

/**
 * An RDB image going into the databases, a slice at a time, or with `buf` null as a stream given
 * to feed() (see keyspaceSink for the flags). With `crc`, the CRC64 of buf's bytes before its
 * last 8 is being computed elsewhere (parallelCrc): the parse skips its own, and the load is done
 * once that one is in and matches.
 */
export class KeyspaceLoad implements SlicedLoad {
  private readonly counts: LoadCounts = { loaded: 0, expired: 0, empty: 0, streamDb: 0 };
  private readonly l: RdbLoader;
  private readonly sink: KeyspaceSink;
  private parsed = false;
  private crcValue: bigint | null = null;
  private crcWait: Promise<void> | null = null;

  constructor(private readonly buf: Buffer | null, allowDup = false, keepExpired = false, dbs: readonly Db[] = server.dbs, crc: Promise<bigint> | null = null) {
    this.sink = keyspaceSink(this.counts, dbs, allowDup, keepExpired);
    this.l = new RdbLoader(buf, this.sink, crc === null && !checksums.skip);
    // Like Redis, "clients" trusts files: only "yes" checks them deeply.
    this.l.deep = server.config.get('sanitize-dump-payload') === 'yes';
    if (crc !== null) {
      this.crcWait = crc.then((v) => {
        this.crcValue = v;
        this.crcWait = null;
      });
    }
  }

  /** The primary's repl-stream-db AUX field. */
  get streamDb(): number {
    return this.counts.streamDb;
  }

  get loadedBytes(): number {
    return this.l.pos;
  }

  /** Where the RDB data stopped (an old-style AOF goes on with commands), once done. */
  get end(): number {
    return this.l.end;
  }

  step(deadline: number): boolean {
    if (!this.parsed) {
      this.parsed = this.l.step(deadline);
      if (!this.parsed) {
        rdbStats.lastLoadKeysLoaded = this.counts.loaded;
        return false;
      }
      this.sink.drain();
      if (this.crcWait === null && this.crcValue === null) {
        loadDone(this.counts);
        return true;
      }
    }
    if (this.crcWait !== null) return false;
    this.checkCrc();
    loadDone(this.counts);
    return true;
  }

  waiting(): Promise<void> | null {
    return this.parsed ? this.crcWait : null;
  }

  /** The parse is over and the parallel checksum in: the file's stored one must match. */
  private checkCrc(): void {
    if (this.l.version < 5 || checksums.skip) return;
    const buf = this.buf!;
    const at = this.l.end - 8;
    const stored = buf.readBigUInt64LE(at);
    if (stored === 0n) return;
    // Bytes after the RDB (not a plain dump file): the parallel checksum covered the wrong range.
    const crc = at === buf.length - 8 ? this.crcValue! : new Crc64().update(buf, 0, at).value();
    if (crc !== stored) throw new RdbError(CRC_MISMATCH, at);
  }

  /** A stream's next bytes (INFO's loading_loaded_bytes follows); throws on damage. */
  feed(chunk: Buffer): void {
    this.l.feed(chunk);
    rdbStats.loadingLoadedBytes = this.l.pos;
    rdbStats.lastLoadKeysLoaded = this.counts.loaded;
  }

  /** A stream's end: throws unless the RDB was complete. */
  finish(): void {
    this.l.finish();
    this.sink.drain();
    rdbStats.loadingLoadedBytes = this.l.pos;
    loadDone(this.counts);
  }
}

/**
 * Load `buf` into the databases now. Throws with the reason, including the offset for corrupt data.
 * Returns where the RDB data stopped and its repl-stream-db.
 */
export function loadRdbInto(buf: Buffer, allowDup = false, keepExpired = false): { end: number; streamDb: number } {
  const k = new KeyspaceLoad(buf, allowDup, keepExpired);
  k.step(Infinity);
  return { end: k.end, streamDb: k.streamDb };
}

/** Work done a slice at a time while clients get -LOADING: an RDB file, or an AOF's files. */
export interface SlicedLoad {
  /** Work until `deadline` (performance.now() ms); true once everything is in. Throws on damage. */
  step(deadline: number): boolean;
  readonly loadedBytes: number;
  /** What the load waits for, if anything, before step() can go on (instead of a busy loop). */
  waiting?(): Promise<void> | null;
}

/** Loading at start runs in slices this long; clients get -LOADING in between, like Redis's. */
const LOAD_SLICE_MS = 20;
/** A progress line in the log at most this often. */
const PROGRESS_EVERY_MS = 1000;

/**
 * Run a load at start in slices while the listener already accepts connections (commands without
 * the `loading` flag get -LOADING meanwhile); a small load is done in the first slice, before this
 * returns. The promise settles once the dataset is in (logged as `doneText` and the time taken);
 * it rejects with `fatal(reason)` on damage (the server then exits 1, like Redis).
 */
export function runLoading(what: string, totalBytes: number, make: () => SlicedLoad, fatal: (reason: string) => Error, doneText: string): Promise<void> {
  const start = performance.now();
  rdbStats.loading = true;
  startLoadingStats(totalBytes);
  let nextProgress = start + PROGRESS_EVERY_MS;
  return new Promise<void>((resolve, reject) => {
    let load: SlicedLoad | null = null;
    const slice = (): void => {
      let done: boolean;
      try {
        load ??= make();
        done = load.step(performance.now() + LOAD_SLICE_MS);
      } catch (err) {
        rdbStats.loading = false;
        reject(fatal((err as Error).message));
        return;
      }
      rdbStats.loadingLoadedBytes = load.loadedBytes;
      if (!done) {
        const t = performance.now();
        if (t >= nextProgress) {
          nextProgress = t + PROGRESS_EVERY_MS;
          log().info(`Loading ${what}: ${loadedPerc()}% (${load.loadedBytes} of ${totalBytes} bytes)`);
        }
        const wait = load.waiting?.() ?? null;
        if (wait !== null) wait.then(slice, slice);
        else setImmediate(slice);
        return;
      }
      rdbStats.loading = false;
      log().info(`${doneText}: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
      resolve();
    };
    slice();
  });
}

/** Files at least this large get their checksum computed by a worker thread (parallelCrc). */
const PARALLEL_CRC_MIN = 4 * 1024 * 1024;
const CRC_WORKER = new URL('./rdb/crc-worker.js', import.meta.url);

/**
 * The whole file, in shared memory when it is large enough for parallelCrc to be worth a thread.
 * Throws like readFileSync.
 */
function readDump(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size < PARALLEL_CRC_MIN) return fs.readFileSync(fd);
    const buf = Buffer.from(new SharedArrayBuffer(size));
    for (let off = 0; off < size; ) {
      const n = fs.readSync(fd, buf, off, size - off, off);
      if (n === 0) throw new Error(`the file shrank while being read (${off} of ${size} bytes)`);
      off += n;
    }
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The CRC64 of all but the last 8 bytes of `buf` (where a dump file keeps its checksum), computed
 * on another thread while this one parses; null for a file in ordinary memory. A worker that
 * fails gives way to the computation here.
 */
function parallelCrc(buf: Buffer): Promise<bigint> | null {
  if (!(buf.buffer instanceof SharedArrayBuffer) || buf.length < 8) return null;
  const end = buf.length - 8;
  const here = (): bigint => new Crc64().update(buf, 0, end).value();
  return new Promise<bigint>((resolve) => {
    let w: Worker;
    try {
      w = new Worker(CRC_WORKER, { workerData: { sab: buf.buffer, end } });
    } catch {
      resolve(here());
      return;
    }
    let settled = false;
    const settle = (v: () => bigint): void => {
      if (settled) return;
      settled = true;
      resolve(v());
    };
    w.once('message', (m: { hi: number; lo: number }) => settle(() => (BigInt(m.hi) << 32n) | BigInt(m.lo)));
    w.once('error', () => settle(here));
    w.once('exit', () => settle(here));
  });
}

/** At start: load the dump file if there is one (see runLoading). */
export function loadAtStart(): Promise<void> {
  const file = dumpPath();
  const fatal = (reason: string): Error => new Error(`Fatal error loading the DB (${file}): ${reason}. Exiting.`);
  let buf: Buffer;
  try {
    buf = readDump(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve();
    return Promise.reject(fatal((err as Error).message));
  }
  // Damage found while parsing is reported the way Redis reports it before exiting.
  const corrupt = (reason: string): Error => {
    log().warn(`Internal error in RDB reading: ${reason}`);
    log().warn('Terminating server after rdb file reading failure.');
    return fatal(reason);
  };
  return runLoading(file, buf.length, () => new KeyspaceLoad(buf, false, false, server.dbs, parallelCrc(buf)), corrupt, 'DB loaded from disk');
}

/** INFO's loading_* figures for a load of `totalBytes` starting now (the caller sets loading or asyncLoading). */
export function startLoadingStats(totalBytes: number): void {
  rdbStats.loadingStartTime = Math.floor(Date.now() / 1000);
  rdbStats.loadingTotalBytes = totalBytes;
  rdbStats.loadingLoadedBytes = 0;
  rdbStats.loadingRdbUsedMem = 0;
}

function loadedPerc(): string {
  return ((rdbStats.loadingLoadedBytes / (rdbStats.loadingTotalBytes + 1)) * 100).toFixed(2);
}

/** INFO persistence's loading_* fields, shown while loading (Redis 7.0's figures and formulas). */
export function loadingInfo(): [string, string][] {
  const total = rdbStats.loadingTotalBytes;
  const loaded = rdbStats.loadingLoadedBytes;
  const elapsed = Math.floor(Date.now() / 1000) - rdbStats.loadingStartTime;
  // Redis shows a made-up 1 second before it has anything to go by.
  const eta = elapsed === 0 ? 1 : Math.floor((elapsed * (total - loaded)) / (loaded + 1));
  return [
    ['loading_start_time', String(rdbStats.loadingStartTime)],
    ['loading_total_bytes', String(total)],
    ['loading_rdb_used_mem', String(rdbStats.loadingRdbUsedMem)],
    ['loading_loaded_bytes', String(loaded)],
    ['loading_loaded_perc', loadedPerc()],
    ['loading_eta_seconds', String(eta)],
  ];
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load the file back. Returns null or the
 * error text to reply with.
 */
export function debugReload(argv: string[]): string | null {
  let flush = true;
  let save = true;
  let merge = false;
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'merge') merge = true;
    else if (opt === 'noflush') flush = false;
    else if (opt === 'nosave') save = false;
    else return ERR.debugReloadOptions;
  }
  if (save && !saveSync()) return ERR.bare;
  if (flush) {
    for (const db of server.dbs) {
      signals.flushed(db);
      db.flush();
    }
    rdbFunctions.flush();
  }
  // Without MERGE a library already there is an error, as a duplicate key is.
  rdbFunctions.replace = merge;
  try {
    loadRdbInto(fs.readFileSync(dumpPath()), merge);
  } catch (err) {
    log().warn(`Error loading the RDB dump: ${(err as Error).message}`);
    return ERR.debugReloadFailed;
  } finally {
    rdbFunctions.replace = true;
  }
  log().warn('DB reloaded by DEBUG RELOAD');
  return null;
}
