// Expiry of volatile keys, lazy and active.
// Lazy: Db.expireIfNeeded deletes a key found expired on access, fires 'expired', signals the
// change, then calls signals.expired, wired here to propagate a DEL (UNLINK with
// lazyfree-lazy-expire) to replicas and the AOF, since replicas never expire keys by themselves.
// Active: `hz` times a second, sample volatile keys per database and delete the expired ones,
// repeating while more than 10% of a sample was expired, within a time budget (the sample size,
// the tolerated share and the budget scale with active-expire-effort, as in Redis). Each database
// keeps a live iterator, so successive cycles walk the whole expires table.

import { datasetFrozen, datasetLoading, type Db } from './db.js';
import { signals } from './signals.js';
import type { KeyDict } from './keydict.js';
import { propagate } from '../server/propagate.js';
import { server } from '../server/state.js';

const iterators = new WeakMap<KeyDict<number>, Iterator<string>>();
let enabled = true;
let timer: NodeJS.Timeout | null = null;
let lazyExpire = false;
/** Database the next cycle starts with, so a slow database cannot starve the others. */
let nextDb = 0;
/** Keys examined by the last sampleDb call. */
let sampled = 0;

export function setActiveExpire(on: boolean): void {
  enabled = on;
}

function onExpired(db: Db, key: string): void {
  propagate(db.id, [lazyExpire ? 'UNLINK' : 'DEL', key]);
}

/** One sample of up to `size` volatile keys; returns how many were expired (and deleted). */
function sampleDb(db: Db, now: number, size: number): number {
  const map = db.expires;
  let it = iterators.get(map);
  if (it === undefined) {
    it = map.liveKeys();
    iterators.set(map, it);
  }
  sampled = 0;
  let expired = 0;
  let ttlSum = 0;
  while (sampled < size) {
    const r = it.next();
    if (r.done === true) {
      iterators.delete(map);
      break;
    }
    const when = map.get(r.value);
    // Deleted since the iterator read its slot.
    if (when === undefined) continue;
    sampled++;
    if (when <= now) {
      if (db.expireIfNeeded(r.value, now)) expired++;
    } else {
      ttlSum += when - now;
    }
  }
  const alive = sampled - expired;
  if (alive > 0) {
    const avg = ttlSum / alive;
    db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
  }
  return expired;
}

function cycle(): void {
  // Tables emptied by deletes give their memory back here, between commands (Redis's cron resize);
  // not while loading, which sized them for the keys still to come.
  if (!datasetLoading.on) {
    for (const db of server.dbs) {
      db.dict.shrinkIfSparse();
      db.expires.shrinkIfSparse();
    }
  }
  // Replicas wait for their primary's DELs instead of expiring keys themselves (but for their own
  // clients' keys: replication/index.ts); a paused or loading dataset stays as is.
  if (!enabled || server.shuttingDown || server.cronPaused || signals.isReplica() || datasetFrozen.on || datasetLoading.on) return;
  const effort = server.config.num('active-expire-effort');
  const hz = server.config.num('hz');
  // Redis allows 25% of the CPU per second to this; spread over hz cycles.
  const budget = (250 + 25 * (effort - 1)) / hz;
  const sampleSize = 20 + 5 * (effort - 1);
  const stalePercent = 10 - effort + 1;
  const start = performance.now();
  const dbs = server.dbs;
  for (let n = 0; n < dbs.length; n++) {
    const db = dbs[nextDb];
    nextDb = (nextDb + 1) % dbs.length;
    if (db.expires.size === 0) continue;
    for (;;) {
      const expired = sampleDb(db, Date.now(), sampleSize);
      if (sampled === 0 || expired * 100 <= sampled * stalePercent) break;
      if (performance.now() - start > budget) {
        server.flushPending();
        return;
      }
    }
  }
  server.flushPending();
}

/** Wire expiry: the expired-key signal, and the active cycle at `hz`. */
export function startActiveExpire(): void {
  signals.expired = onExpired;
  server.config.watch('lazyfree-lazy-expire', (v) => {
    lazyExpire = v === 'yes';
  });
  server.config.watch('hz', (v) => {
    if (timer) clearInterval(timer);
    timer = setInterval(cycle, Math.max(1, Math.floor(1000 / Number(v))));
    timer.unref();
  });
}
