// WATCH: optimistic locking for MULTI/EXEC. Each database maps a watched key to the entries of the
// clients watching it; any change to the key (signals.modified, which Db.set/overwrite/delete and
// expiry raise) or a flush of its database marks those clients CLIENT_DIRTY_CAS, and EXEC fails.
// Nobody watching costs one integer test per write.

import type { Db } from '../keyspace/db.js';
import { onFlushed, signals } from '../keyspace/signals.js';
import { CLIENT_DIRTY_CAS, clientCleanupHooks, type Client, type WatchedKey } from './client.js';
import { server } from './state.js';

/** Per database id: key -> watch entries, one per watching client. */
const byDb: (Map<string, WatchedKey[]> | undefined)[] = [];
/** Watch entries in all databases: the fast path when zero. */
let entries = 0;

/** Logically expired but not deleted yet (Redis's keyIsExpired). */
function keyIsExpired(db: Db, key: string): boolean {
  const when = db.getExpire(key);
  return when !== -1 && when <= Date.now();
}

export function watchKey(c: Client, db: Db, key: string): void {
  let keys = byDb[db.id];
  if (keys === undefined) {
    keys = new Map();
    byDb[db.id] = keys;
  }
  let list = keys.get(key);
  if (list === undefined) {
    list = [];
    keys.set(key, list);
  } else {
    for (let i = 0; i < list.length; i++) if (list[i].client === c) return;
  }
  const wk: WatchedKey = { client: c, dbid: db.id, key, expired: keyIsExpired(db, key) };
  list.push(wk);
  if (c.watched === null) c.watched = [];
  c.watched.push(wk);
  entries++;
}

/** Forget every key the client watches (UNWATCH, EXEC, DISCARD, disconnect, or once it is dirty). */
export function unwatchAll(c: Client): void {
  const watched = c.watched;
  if (watched === null) return;
  c.watched = null;
  for (let i = 0; i < watched.length; i++) {
    const wk = watched[i];
    const keys = byDb[wk.dbid]!;
    const list = keys.get(wk.key)!;
    if (list.length === 1) keys.delete(wk.key);
    else list.splice(list.indexOf(wk), 1);
  }
  entries -= watched.length;
}

/**
 * EXEC's last check: a watched key that has expired since WATCH counts as changed, even if
 * nothing deleted it yet. Keys already expired when watched are exempt.
 */
export function watchedKeyExpired(c: Client): boolean {
  const watched = c.watched;
  if (watched === null) return false;
  for (let i = 0; i < watched.length; i++) {
    const wk = watched[i];
    if (!wk.expired && keyIsExpired(server.dbs[wk.dbid], wk.key)) return true;
  }
  return false;
}

function touchKey(db: Db, key: string): void {
  if (entries === 0) return;
  const list = byDb[db.id]?.get(key);
  if (list === undefined) return;
  // Backwards, because unwatchAll removes the current entry from this list.
  for (let i = list.length - 1; i >= 0; i--) {
    const wk = list[i];
    // Deleting a key that was already expired when watched changes nothing logically.
    if (wk.expired && !db.dict.has(key)) {
      wk.expired = false;
      continue;
    }
    wk.client.flags |= CLIENT_DIRTY_CAS;
    // A dirty client's EXEC fails whatever happens next: stop paying for its watches.
    unwatchAll(wk.client);
  }
}

/**
 * A database is about to be emptied (FLUSHDB/FLUSHALL) or to take `replacedWith`'s contents
 * (SWAPDB); its keys are still there. Watchers of a key whose logical state changes become dirty.
 */
function touchDb(db: Db, replacedWith?: Db): void {
  if (entries === 0) return;
  const keys = byDb[db.id];
  if (keys === undefined) return;
  for (const [key, list] of keys) {
    const existed = db.dict.has(key);
    const incoming = replacedWith !== undefined && replacedWith.dict.has(key);
    if (!existed && !incoming) continue;
    for (let i = 0; i < list.length; i++) {
      const wk = list[i];
      if (wk.expired) {
        // Expired before, and gone or still expired after: no logical change.
        if (!incoming) {
          wk.expired = false;
          continue;
        }
        if (keyIsExpired(replacedWith!, key)) continue;
      } else if (!existed && keyIsExpired(replacedWith!, key)) {
        // Absent before, and replaced by a key that is already expired: still absent logically.
        wk.expired = true;
        continue;
      }
      wk.client.flags |= CLIENT_DIRTY_CAS;
    }
  }
}

export function initWatch(): void {
  signals.modified = touchKey;
  onFlushed(touchDb);
  clientCleanupHooks.push(unwatchAll);
}
