// Loading an RDB file into the keyspace: at start (synchronously, before the listeners open, so
// no client can see a half-loaded dataset and -LOADING never has to be sent) and for DEBUG RELOAD.
// Keys already expired are dropped (on a primary), empty collections skipped, and any corruption
// is fatal with the byte offset that failed.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { signals } from '../keyspace/signals.js';
import { logger } from '../log.js';
import { server } from '../server/state.js';
import { fromPlain } from './convert.js';
import { loadRdb } from './rdb/file.js';
import { isEmptyValue } from './rdb/values.js';
import { rdbStats, saveSync } from './save.js';

const log = (): ReturnType<typeof logger> => logger('rdb');

function dumpPath(): string {
  return path.join(server.config.get('dir'), server.config.get('dbfilename'));
}

/**
 * Load `buf` into the databases (which the caller has emptied, unless merging). Throws with the
 * reason, including the offset for corrupt data; `allowDup` lets a key in the file replace ours,
 * `keepExpired` keeps keys already expired (an AOF base: later commands may refer to them).
 */
export function loadRdbInto(buf: Buffer, allowDup = false, keepExpired = false): { loaded: number; expired: number; end: number } {
  const now = Date.now();
  const dropExpired = !keepExpired && !signals.isReplica();
  let loaded = 0;
  let expired = 0;
  let empty = 0;
  const { end } = loadRdb(buf, {
    aux: () => {},
    entry(dbid, key, plain, expire) {
      if (dbid >= server.dbs.length) {
        throw new Error(`Data file was created with a Redis server configured to handle more than ${server.dbs.length} databases`);
      }
      if (dropExpired && expire !== -1 && expire < now) {
        expired++;
        return;
      }
      if (isEmptyValue(plain)) {
        empty++;
        return;
      }
      const db = server.dbs[dbid];
      if (!allowDup && db.dict.has(key)) throw new Error(`RDB has duplicated key '${key}' in DB ${dbid}`);
      db.dict.set(key, fromPlain(plain));
      if (expire !== -1) db.expires.set(key, expire);
      else db.expires.delete(key);
      loaded++;
    },
  });
  rdbStats.lastLoadKeysLoaded = loaded;
  rdbStats.lastLoadKeysExpired = expired;
  log().info(
    { loaded, expired, emptySkipped: empty },
    `Done loading RDB, keys loaded: ${loaded}, keys expired: ${expired}${empty !== 0 ? `, empty keys skipped: ${empty}` : ''}.`,
  );
  return { loaded, expired, end };
}

/** At start: load the dump file if there is one. Throws (the server refuses to start) on corruption. */
export function loadAtStart(): void {
  const file = dumpPath();
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new Error(`Fatal error loading the DB (${file}): ${(err as Error).message}. Exiting.`);
  }
  const start = performance.now();
  rdbStats.loading = true;
  try {
    loadRdbInto(buf);
  } catch (err) {
    throw new Error(`Fatal error loading the DB (${file}): ${(err as Error).message}. Exiting.`);
  } finally {
    rdbStats.loading = false;
  }
  log().info(`DB loaded from disk: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
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
