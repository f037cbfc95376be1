// One logical database: a table from binary-safe (latin1) key to value, and a separate table of
// expiry times for volatile keys only (a wrapper per entry would cost memory on every key).

import { notifyKeyspaceEvent, NOTIFY_EXPIRED, NOTIFY_NEW } from './notify.js';
import { groupReaders, signals } from './signals.js';
import { touchSlot } from './access.js';
import { freedValue, lazyfree } from './lazyfree.js';
import { KeyDict } from './keydict.js';

/**
 * Every non-primitive value implements this. Plain strings are stored as latin1 JS strings; a
 * string may also be an object (type 'string') where a mutable representation pays off.
 */
export interface RedisObject {
  readonly type: 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';
  /** OBJECT ENCODING as Redis would report it, given the current config thresholds. */
  encoding(): string;
  /** A deep copy (COPY, and snapshotting a value before a write). */
  clone(): RedisObject;
}

export type Value = string | RedisObject;

export function typeName(v: Value): string {
  return typeof v === 'string' ? 'string' : v.type;
}

export interface KeyspaceStats {
  hits: number;
  misses: number;
  expired: number;
}

export const keyspaceStats: KeyspaceStats = { hits: 0, misses: 0, expired: 0 };

/**
 * On while CLIENT PAUSE holds the dataset still (Redis 7.0): expired keys read as missing but are
 * not deleted, active expiry and eviction wait.
 */
export const datasetFrozen = { on: false };

/**
 * On while the dataset loads (Redis's server.loading): nothing counts as expired, so an AOF's
 * EXPIRE in the past keeps the key with its TTL and later commands still find it, as they did.
 */
export const datasetLoading = { on: false };

/**
 * While a script runs, keys expire by the time it started (Redis's scriptTimeSnapshot: a key
 * cannot expire halfway through a script, which keeps its effects consistent); 0 otherwise.
 */
export const scriptTime = { at: 0 };

/**
 * On while a replica runs a command of its primary's stream: the primary decided on that key, so
 * a key logically expired here is still there for it (Redis's current_client == master).
 */
export const fromPrimary = { on: false };

export class Db {
  /** Keys to values, with each key's access stamp (access.ts). */
  dict = new KeyDict<Value>(true);
  expires = new KeyDict<number>();
  /** Average TTL sampled by active expiry, for INFO keyspace avg_ttl. */
  avgTtl = 0;
  /**
   * Keys a writable replica's own clients gave a TTL: no primary will delete them, so the replica
   * expires them itself (Redis's slaveKeysWithExpire).
   */
  replicaOwnExpires: Set<string> | null = null;

  constructor(public id: number) {}

  get size(): number {
    return this.dict.size;
  }

  /**
   * If the key is logically expired, delete it (on a primary) and report true. Replicas hide
   * expired keys but leave deleting to their primary's DEL.
   */
  expireIfNeeded(key: string, now = scriptTime.at || Date.now()): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > now || datasetLoading.on) return false;
    if (signals.isReplica()) return !fromPrimary.on;
    if (datasetFrozen.on) return true;
    this.deleteExpired(key);
    return true;
  }

  /** Delete a key whose TTL has passed, with its event, statistics and DEL propagation. */
  deleteExpired(key: string): void {
    if (groupReaders.count !== 0) this.readyIfStream(key);
    if (lazyfree.expire) freedValue(this.dict.get(key)!, true);
    this.dict.delete(key);
    this.expires.delete(key);
    keyspaceStats.expired++;
    notifyKeyspaceEvent(NOTIFY_EXPIRED, 'expired', key, this.id);
    signals.modified(this, key);
    signals.expired(this, key);
  }

  /** Value for a read command; counts keyspace hits and misses, and the access. */
  lookupRead(key: string): Value | undefined {
    const i = this.findRead(key);
    if (i < 0) return undefined;
    touchSlot(this.dict, i);
    return this.dict.valueAt(i);
  }

  /** lookupRead that is no access (Redis's LOOKUP_NOTOUCH: EXISTS, TYPE, the TTL family, OBJECT). */
  lookupReadNoTouch(key: string): Value | undefined {
    const i = this.findRead(key);
    return i < 0 ? undefined : this.dict.valueAt(i);
  }

  /** The slot of a key for a read, or -1; counts keyspace hits and misses. */
  private findRead(key: string): number {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) {
      keyspaceStats.misses++;
      return -1;
    }
    const i = this.dict.slotOf(key);
    if (i < 0) keyspaceStats.misses++;
    else keyspaceStats.hits++;
    return i;
  }

  /** Value for a write command (no hit/miss accounting); counts as an access. */
  lookupWrite(key: string): Value | undefined {
    signals.beforeWrite(this, key);
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    const i = this.dict.slotOf(key);
    if (i < 0) return undefined;
    touchSlot(this.dict, i);
    return this.dict.valueAt(i);
  }

  /** Existence without touching stats or the access stamp (EXISTS counts stats: lookupReadNoTouch). */
  has(key: string): boolean {
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return false;
    return this.dict.has(key);
  }

  /**
   * Store a value (Redis's setKey): the TTL is dropped unless keepTtl, watchers are signalled.
   * To replace a key the way Redis's dbDelete + dbAdd does (RENAME, COPY REPLACE: a `new` event
   * even though the name existed), delete it first.
   * Callers fire their own keyspace notification, as the event name depends on the command.
   */
  set(key: string, value: Value, keepTtl = false): void {
    // Like Redis's setKey, a logically expired key is expired first (events, stats, and no stale
    // TTL surviving a KEEPTTL).
    if (this.expires.size !== 0) this.expireIfNeeded(key);
    if (groupReaders.count !== 0) this.readyIfStream(key);
    const before = this.dict.size;
    // Redis's dbOverwrite frees the old value (lazily with lazyfree-lazy-server-del).
    if (lazyfree.serverDel) {
      const old = this.dict.get(key);
      if (old !== undefined && old !== value) freedValue(old, true);
    }
    this.dict.set(key, value);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    signals.modified(this, key);
    // A key created here (Redis's dbAdd): the `new` event, and clients blocked on the name may
    // now find a list or sorted set there (RENAME, MOVE, COPY, SORT STORE ...).
    if (this.dict.size !== before) {
      if (typeof value !== 'string') signals.ready(this, key);
      notifyKeyspaceEvent(NOTIFY_NEW, 'new', key, this.id);
    }
  }

  /** A stream about to be deleted or replaced readies its key for the XREADGROUP clients on it. */
  private readyIfStream(key: string): void {
    const v = this.dict.get(key);
    if (v !== undefined && typeof v !== 'string' && v.type === 'stream') signals.ready(this, key);
  }

  /** Replace the value in place after an in-place mutation of an existing key (keeps TTL). */
  overwrite(key: string, value: Value): void {
    this.dict.set(key, value);
    signals.modified(this, key);
  }

  /** Delete a key; true if it existed. */
  delete(key: string): boolean {
    if (groupReaders.count !== 0) this.readyIfStream(key);
    if (!this.dict.delete(key)) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    signals.modified(this, key);
    return true;
  }

  setExpire(key: string, whenMs: number): void {
    this.expires.set(key, whenMs);
    if (!fromPrimary.on && signals.isReplica()) (this.replicaOwnExpires ??= new Set()).add(key);
  }

  /** Absolute expiry in ms, or -1 when the key has none. */
  getExpire(key: string): number {
    const w = this.expires.get(key);
    return w === undefined ? -1 : w;
  }

  removeExpire(key: string): boolean {
    return this.expires.delete(key);
  }

  /**
   * SWAPDB: exchange contents with another database. Clients, watchers and blocked clients stay
   * with the Db object (its id), as in Redis; only the data moves (a snapshot in progress follows
   * its tables by identity).
   */
  swapWith(other: Db): void {
    const { dict, expires, avgTtl } = this;
    this.dict = other.dict;
    this.expires = other.expires;
    this.avgTtl = other.avgTtl;
    other.dict = dict;
    other.expires = expires;
    other.avgTtl = avgTtl;
  }

  /**
   * Empty the database; returns how many keys were removed. Fresh tables rather than clear(): a
   * snapshot in progress keeps walking the old ones.
   */
  flush(): number {
    const n = this.dict.size;
    this.dict = new KeyDict(true);
    this.expires = new KeyDict();
    return n;
  }
}
