// maxmemory: memory accounting and eviction (the access stamps it scores keys by are access.ts's).
//
// used_memory is V8's heap in use plus external memory (getHeapStatistics, about 0.5 us, sampled at
// most once per millisecond of command time) plus a reserve for the young generation and the
// working memory of full collections (see YOUNG_GENERATION), so that RSS stays near maxmemory.
// Deleting a key frees nothing until V8 collects it, so the estimated size of every evicted key
// (MEMORY USAGE's model) is credited against the sample until a full collection: without that
// credit one eviction round would empty the dataset.
// V8 would let that garbage grow to about as much again as the live heap before collecting it, so once
// the credit passes a tenth of maxmemory, eviction runs a full collection itself (more often
// costs more than it saves: each one marks the whole heap, and compaction churns pages).

import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { server } from '../server/state.js';
import { logger } from '../log.js';
import { clock, refreshClock } from '../server/clock.js';
import { propagate } from '../server/propagate.js';
import { datasetFrozen, type Db } from './db.js';
import { keyMemoryUsage } from './memory.js';
import { freedValue, lazyfree } from './lazyfree.js';
import { notifyKeyspaceEvent, NOTIFY_EVICTED } from './notify.js';
import { signals } from './signals.js';
import { accessCfg, lfuDecayed, lruIdleMs, restartStamps } from './access.js';
import type { KeyDict } from './keydict.js';

const F_LRU = 1;
const F_LFU = 2;
const F_TTL = 4;
const F_RANDOM = 8;
const F_ALLKEYS = 16;
const POLICIES: Readonly<Record<string, number>> = {
  'noeviction': 0,
  'allkeys-lru': F_ALLKEYS | F_LRU,
  'allkeys-lfu': F_ALLKEYS | F_LFU,
  'allkeys-random': F_ALLKEYS | F_RANDOM,
  'volatile-lru': F_LRU,
  'volatile-lfu': F_LFU,
  'volatile-random': F_RANDOM,
  'volatile-ttl': F_TTL,
};

const cfg = { maxmemory: 0, policy: 0, samples: 5 };

// ---- memory accounting ----

let sample = 0;
let sampledAt = -1;
/** Request bytes read when the sample was taken: a big write makes it stale sooner than 1 ms. */
let sampledInput = 0;
const RESAMPLE_INPUT = 64 * 1024;
/** Estimated bytes of evicted keys V8 has not collected yet. */
let pendingFreed = 0;

/**
 * What heap used + external misses of RSS under load (bench/rss-flood.mjs: redis-benchmark SETs of
 * 200-byte values with -P 16 on random keys, RSS sampled every 25 ms; V8's heap per space traced
 * alongside). Two parts:
 * - the young generation, which fills to its full 32 MB (two 16 MB semi-spaces) under writes;
 * - the transient of a full collection: for the 2-3 s a major GC of a ~140 MB heap takes on a busy
 *   machine, RSS rose 70-85 MB above V8's committed heap and fell back right after (GC working
 *   memory outside the heap pages; not compaction: --never-compact kept it). It grows with the
 *   heap, so it is reserved as a share of maxmemory, the heap eviction allows. (A share of the
 *   heap in use made the reading jump with every young-generation fill, and one of the heap a full
 *   collection leaves kept fewer keys for no lower peak.)
 * The startup part of RSS (about 50-60 MB: Node's code and runtime) is not counted, as Redis does
 * not count its own binary. Never less than 64 MB, the fixed allowance this replaced. An RSS-based
 * reading would not do: it stays high after keys are evicted, and eviction would then empty the
 * dataset.
 */
const YOUNG_GENERATION = 32 * 1024 * 1024;
const GC_SHARE = 0.25;
const MIN_RESERVE = 64 * 1024 * 1024;

/** The reserve for the heap maxmemory allows (never below MIN_RESERVE: up to 128 MB it is that). */
let reserve = MIN_RESERVE;

function heapNow(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory + reserve;
}

function resample(): void {
  sample = heapNow();
  sampledAt = clock.last;
  sampledInput = server.stats.netInputBytes;
}

let fullGc: (() => void) | null = null;

/** A full collection now (MEMORY PURGE, and eviction to settle its credit). */
export function collect(): void {
  if (fullGc === null) {
    setFlagsFromString('--expose-gc');
    fullGc = runInNewContext('gc') as () => void;
  }
  fullGc();
  liveAfterGc = getHeapStatistics().used_heap_size;
  pendingFreed = 0;
  resample();
  collectedAt = sample;
}

/** The reading right after the last collection. */
let collectedAt = 0;
/** V8's heap in use right after the last full collection: about the live data. */
let liveAfterGc = 0;

/** used_memory as INFO and eviction see it. */
export function usedMemory(): number {
  resample();
  return Math.max(0, sample - pendingFreed);
}

// ---- sampling and the eviction pool ----

/**
 * A resumable walk over a table, standing in for Redis's random sampling: live iterators survive
 * inserts and deletes, so each call continues where the last stopped and wraps at the end.
 */
class Cursor {
  private map: KeyDict<unknown> | null = null;
  private it: Iterator<string> | null = null;

  next(map: KeyDict<unknown>): string | undefined {
    if (map.size === 0) return undefined;
    if (this.map !== map) {
      this.map = map;
      this.it = map.liveKeys();
    }
    let r = this.it!.next();
    if (r.done === true) {
      this.it = map.liveKeys();
      r = this.it.next();
    }
    return r.done === true ? undefined : r.value;
  }
}

const dictCursors: Cursor[] = [];
const expireCursors: Cursor[] = [];

function cursorFor(list: Cursor[], id: number): Cursor {
  while (list.length <= id) list.push(new Cursor());
  return list[id];
}

/** Redis's EVPOOL_SIZE: the best candidates seen so far, ascending by score. */
const POOL_SIZE = 16;
const poolScore = new Float64Array(POOL_SIZE);
const poolKey: (string | null)[] = new Array<string | null>(POOL_SIZE).fill(null);
const poolDb = new Int32Array(POOL_SIZE);

/** Higher is evicted first: idle ms (LRU), 255 - frequency (LFU), or how soon the TTL ends. */
function score(db: Db, key: string, now: number): number {
  if (cfg.policy & F_TTL) return Number.MAX_SAFE_INTEGER - (db.expires.get(key) ?? 0);
  const i = db.dict.slotOf(key);
  if (cfg.policy & F_LFU) return 255 - lfuDecayed(db.dict.stampAt(i), now);
  return lruIdleMs(db.dict.stampAt(i));
}

function poolInsert(dbid: number, key: string, s: number): void {
  let i = 0;
  while (i < POOL_SIZE && poolKey[i] !== null && poolScore[i] < s) i++;
  for (let j = 0; j < POOL_SIZE; j++) {
    if (poolKey[j] === key && poolDb[j] === dbid) return;
  }
  if (i === 0 && poolKey[POOL_SIZE - 1] !== null) return; // worse than everything in a full pool
  if (poolKey[POOL_SIZE - 1] === null) {
    // Room at the end: shift the better ones right.
    for (let j = POOL_SIZE - 1; j > i; j--) {
      poolKey[j] = poolKey[j - 1];
      poolScore[j] = poolScore[j - 1];
      poolDb[j] = poolDb[j - 1];
    }
  } else {
    // Full: drop the worst (index 0) and shift the ones before i left.
    i--;
    for (let j = 0; j < i; j++) {
      poolKey[j] = poolKey[j + 1];
      poolScore[j] = poolScore[j + 1];
      poolDb[j] = poolDb[j + 1];
    }
  }
  poolKey[i] = key;
  poolScore[i] = s;
  poolDb[i] = dbid;
}

function poolRemove(i: number): void {
  for (let j = i; j < POOL_SIZE - 1; j++) {
    poolKey[j] = poolKey[j + 1];
    poolScore[j] = poolScore[j + 1];
    poolDb[j] = poolDb[j + 1];
  }
  poolKey[POOL_SIZE - 1] = null;
}

/** Fill the pool from every database, then take its best candidate that still exists. */
function pickFromPool(): [Db, string] | null {
  const now = Date.now();
  const allkeys = (cfg.policy & F_ALLKEYS) !== 0;
  for (;;) {
    let sampled = 0;
    for (const db of server.dbs) {
      const map: KeyDict<unknown> = allkeys ? db.dict : db.expires;
      if (map.size === 0) continue;
      const cursor = cursorFor(allkeys ? dictCursors : expireCursors, db.id);
      const n = Math.min(cfg.samples, map.size);
      for (let k = 0; k < n; k++) {
        const key = cursor.next(map)!;
        poolInsert(db.id, key, score(db, key, now));
        sampled++;
      }
    }
    if (sampled === 0) return null;
    for (let i = POOL_SIZE - 1; i >= 0; i--) {
      const key = poolKey[i];
      if (key === null) continue;
      const db = server.dbs[poolDb[i]];
      poolRemove(i);
      if ((allkeys ? db.dict : db.expires).has(key)) return [db, key];
    }
  }
}

let nextRandomDb = 0;

/** allkeys-random / volatile-random: the databases in turn, a key from a wandering cursor. */
function pickRandom(): [Db, string] | null {
  const allkeys = (cfg.policy & F_ALLKEYS) !== 0;
  for (let tried = 0; tried < server.dbs.length; tried++) {
    const db = server.dbs[nextRandomDb];
    nextRandomDb = (nextRandomDb + 1) % server.dbs.length;
    const map: KeyDict<unknown> = allkeys ? db.dict : db.expires;
    if (map.size === 0) continue;
    const cursor = cursorFor(allkeys ? dictCursors : expireCursors, db.id);
    let key = cursor.next(map)!;
    for (let skip = Math.floor(Math.random() * cfg.samples); skip > 0; skip--) key = cursor.next(map)!;
    return [db, key];
  }
  return null;
}

/** Remove one key the way Redis evicts: DEL propagated, `evicted` event, stats. Returns its estimated size. */
function evictKey(db: Db, key: string): number {
  const v = db.dict.get(key)!;
  const size = keyMemoryUsage(key, v, 5);
  propagate(db.id, ['DEL', key]);
  db.delete(key);
  freedValue(v, lazyfree.eviction);
  server.stats.evictedKeys++;
  notifyKeyspaceEvent(NOTIFY_EVICTED, 'evicted', key, db.id);
  return size;
}

/**
 * Redis's performEvictions, run by the dispatcher before each command while maxmemory is set:
 * evict by the policy until used memory is back under maxmemory. False means it could not (no
 * policy, or nothing left to evict) and denyoom commands are refused.
 */
export function performEvictions(): boolean {
  if (clock.last - sampledAt >= 1 || server.stats.netInputBytes - sampledInput > RESAMPLE_INPUT) resample();
  let over = sample - pendingFreed - cfg.maxmemory;
  if (over <= 0) return true;
  if (datasetFrozen.on) return true;
  if (signals.isReplica() && server.config.get('replica-ignore-maxmemory') === 'yes') return true;
  // Much more than when last collected may be garbage (a Map's old table after it grew, values
  // replaced): collect before deciding, or eviction would remove live keys to pay for it. A
  // collection costs in proportion to the live heap, so it waits for growth in proportion too: at
  // a fixed fiftieth of maxmemory, a 1M SET flood ran 212 of them of 130-1200 ms each on a busy
  // machine (21k SET/s), and RSS peaked highest during them.
  if (sample - collectedAt > Math.max(cfg.maxmemory / 50, liveAfterGc / 10)) {
    collect();
    over = sample - cfg.maxmemory;
    if (over <= 0) return true;
  }
  if (cfg.policy === 0) return false;
  while (over > 0) {
    const picked = cfg.policy & F_RANDOM ? pickRandom() : pickFromPool();
    if (picked === null) return false;
    const freed = evictKey(picked[0], picked[1]);
    pendingFreed += freed;
    over -= freed;
  }
  if (pendingFreed > cfg.maxmemory / 10) collect();
  return true;
}

function evictNow(): void {
  if (!maxmemory.on) return;
  refreshClock();
  performEvictions();
}

/** Whether the guard needs to run at all (maxmemory set). */
export const maxmemory = { on: false };

export function initEviction(): void {
  let started = false;
  server.config.watch('maxmemory', (v) => {
    cfg.maxmemory = Number(v);
    maxmemory.on = cfg.maxmemory > 0;
    reserve = Math.max(MIN_RESERVE, YOUNG_GENERATION + Math.floor(cfg.maxmemory * GC_SHARE));
    // Like Redis (startEvictionTimeProc), a lower maxmemory evicts on the next loop turn, not
    // only when the next command comes.
    if (started && maxmemory.on) {
      const used = heapNow();
      if (cfg.maxmemory < used) {
        logger('memory').warn({ maxmemory: cfg.maxmemory, used }, 'the new maxmemory is below the memory in use: keys will be evicted, or writes refused, by the maxmemory-policy');
      }
      setImmediate(evictNow);
    }
  });
  started = true;
  server.config.watch('maxmemory-policy', (v) => {
    cfg.policy = POLICIES[v];
    const lfu = (cfg.policy & F_LFU) !== 0;
    if (lfu !== accessCfg.lfu) {
      accessCfg.lfu = lfu;
      restartStamps(server.dbs.map((db) => db.dict));
    }
    poolKey.fill(null);
  });
  server.config.watch('maxmemory-samples', (v) => {
    cfg.samples = Number(v);
  });
  server.config.watch('lfu-log-factor', (v) => {
    accessCfg.logFactor = Number(v);
  });
  server.config.watch('lfu-decay-time', (v) => {
    accessCfg.decayTime = Number(v);
  });
}
