// Loading an RDB file into the keyspace: at start in slices while clients get -LOADING (as Redis
// answers while it loads), and for DEBUG RELOAD at once. Keys already expired are dropped (on a
// primary), empty collections skipped, and any corruption is fatal with the byte offset that failed.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { signals } from '../keyspace/signals.js';
import { logger } from '../log.js';
import { server } from '../server/state.js';
import { fromPlain } from './convert.js';
import { RdbLoader, type RdbSink } from './rdb/file.js';
import { isEmptyValue } from './rdb/values.js';
import { rdbStats, saveSync } from './save.js';

const log = (): ReturnType<typeof logger> => logger('rdb');

function dumpPath(): string {
  return path.join(server.config.get('dir'), server.config.get('dbfilename'));
}

interface LoadCounts {
  loaded: number;
  expired: number;
  empty: number;
}

/**
 * Where a file's entries go: the databases (which the caller has emptied, unless merging).
 * `allowDup` lets a key in the file replace ours, `keepExpired` keeps keys already expired (an AOF
 * base: later commands may refer to them).
 */
function keyspaceSink(counts: LoadCounts, allowDup: boolean, keepExpired: boolean): RdbSink {
  const now = Date.now();
  const dropExpired = !keepExpired && !signals.isReplica();
  return {
    aux(k, v) {
      if (k === 'redis-ver') log().info(`Loading RDB produced by version ${v}`);
      else if (k === 'used-mem') rdbStats.loadingRdbUsedMem = Number(v) || 0;
    },
    entry(dbid, key, plain, expire) {
      if (dbid >= server.dbs.length) {
        throw new Error(`Data file was created with a Redis server configured to handle more than ${server.dbs.length} databases`);
      }
      if (dropExpired && expire !== -1 && expire < now) {
        counts.expired++;
        return;
      }
      if (isEmptyValue(plain)) {
        counts.empty++;
        return;
      }
      const db = server.dbs[dbid];
      // One Map operation per key: a duplicate shows as an unchanged size (and is fatal anyway).
      const before = db.dict.size;
      db.dict.set(key, fromPlain(plain));
      if (!allowDup && db.dict.size === before) throw new Error(`RDB has duplicated key '${key}' in DB ${dbid}`);
      if (expire !== -1) db.expires.set(key, expire);
      else if (allowDup && db.expires.size !== 0) db.expires.delete(key);
      counts.loaded++;
    },
  };
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
 * Load `buf` into the databases now. Throws with the reason, including the offset for corrupt
 * data (see keyspaceSink for the flags).
 */
export function loadRdbInto(buf: Buffer, allowDup = false, keepExpired = false): { loaded: number; expired: number; end: number } {
  const counts: LoadCounts = { loaded: 0, expired: 0, empty: 0 };
  const l = new RdbLoader(buf, keyspaceSink(counts, allowDup, keepExpired));
  l.step(Infinity);
  loadDone(counts);
  return { loaded: counts.loaded, expired: counts.expired, end: l.end };
}

/** Loading at start runs in slices this long; clients get -LOADING in between, like Redis's. */
const LOAD_SLICE_MS = 20;
/** A progress line in the log at most this often. */
const PROGRESS_EVERY_MS = 1000;

/**
 * At start: load the dump file if there is one. The file is loaded in slices while the listener
 * already accepts connections (commands without the `loading` flag get -LOADING meanwhile); a
 * small file is done in the first slice, before this returns. The promise settles once the
 * dataset is in; it rejects (the server exits 1, like Redis) on a corrupt file, naming the offset.
 */
export function loadAtStart(): Promise<void> {
  const file = dumpPath();
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve();
    return Promise.reject(new Error(`Fatal error loading the DB (${file}): ${(err as Error).message}. Exiting.`));
  }
  const start = performance.now();
  const counts: LoadCounts = { loaded: 0, expired: 0, empty: 0 };
  rdbStats.loading = true;
  rdbStats.loadingStartTime = Math.floor(Date.now() / 1000);
  rdbStats.loadingTotalBytes = buf.length;
  rdbStats.loadingLoadedBytes = 0;
  rdbStats.loadingRdbUsedMem = 0;
  let nextProgress = start + PROGRESS_EVERY_MS;
  return new Promise<void>((resolve, reject) => {
    let l: RdbLoader;
    const slice = (): void => {
      let done: boolean;
      try {
        l ??= new RdbLoader(buf, keyspaceSink(counts, false, false));
        done = l.step(performance.now() + LOAD_SLICE_MS);
      } catch (err) {
        rdbStats.loading = false;
        reject(new Error(`Fatal error loading the DB (${file}): ${(err as Error).message}. Exiting.`));
        return;
      }
      rdbStats.loadingLoadedBytes = l.pos;
      rdbStats.lastLoadKeysLoaded = counts.loaded;
      if (!done) {
        const t = performance.now();
        if (t >= nextProgress) {
          nextProgress = t + PROGRESS_EVERY_MS;
          log().info(`Loading ${file}: ${loadedPerc()}% (${l.pos} of ${buf.length} bytes, ${counts.loaded} keys)`);
        }
        setImmediate(slice);
        return;
      }
      loadDone(counts);
      rdbStats.loading = false;
      log().info(`DB loaded from disk: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
      resolve();
    };
    slice();
  });
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
    else return 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.';
  }
  if (save && !saveSync()) return 'ERR';
  if (flush) {
    for (const db of server.dbs) {
      signals.flushed(db);
      db.flush();
    }
  }
  try {
    loadRdbInto(fs.readFileSync(dumpPath()), merge);
  } catch (err) {
    log().warn(`Error loading the RDB dump: ${(err as Error).message}`);
    return 'ERR Error trying to load the RDB dump';
  }
  log().warn('DB reloaded by DEBUG RELOAD');
  return null;
}
