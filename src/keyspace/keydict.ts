// The table behind a database's keys and expiry times: open addressing with linear probing, each
// slot three consecutive elements, [hash, key, value], of one of the table's chunks. A lookup
// misses the cache on its slot and on the stored key's characters; V8's Map also goes through a
// bucket array to an entry table, one more miss per lookup, and at a million keys those misses are
// most of a SET's cost (perf put Map.prototype.set at 28% of a primary's samples, 47% of a
// replica's).
//
// Deleting leaves a tombstone, so an entry always sits in the unbroken run of occupied slots that
// starts at its home slot (hash & mask) and never moves until the table is rebuilt. That gives:
// - scan(): Redis's reverse-binary cursor over home slots, which returns every entry present for a
//   whole iteration even when the table is rebuilt to another size in between (see liveKeys);
// - linear iteration (keys, entries, and by slot position) that tolerates deletes while it runs,
//   but not inserts: an insert may rebuild the table under it. No caller inserts while iterating.
// The table grows in one go, as a Map does; it shrinks only from shrinkIfSparse, called from the
// expiry cron, never under an iteration.
//
// A table made with stamps keeps an int32 per slot beside it: the key's access stamp (access.ts),
// written when a key is stored. A typed array is off the garbage collector's heap, and 4 bytes per
// slot where a fourth slot element would take 8.
//
// A snapshot in progress puts a guard on the tables it walks (persistence/snapshot.ts): told before
// any slot changes, and before the table moves to new arrays (which leaves the old ones untouched).

import { newKeyStamp, replacedStamp } from './access.js';

/** A slot never used (all three elements undefined). */
const EMPTY = undefined;
/** The key of a deleted slot; its hash becomes -1 so that lookups never compare it. */
const TOMB = Symbol('deleted') as unknown as string;
const MIN_SLOTS = 8;
/**
 * Slots per chunk, as a power of two. One array for the whole table is a single object to V8's
 * scavenger, which gives each object's remembered set (here every value stored since the last
 * scavenge, scattered over the table) to one thread; with chunks it shares that work out. On a
 * write load over a million keys scavenges took half the time. 8192 slots (192 KB) keeps each
 * chunk above V8's large-object size, so it is allocated where it stays: smaller chunks start in
 * the young generation and are copied twice, which made loading a dump 10% slower.
 */
const CHUNK_BITS = 13;
/**
 * The largest table: 134M keys at half full, up to 5/8 full past that, then inserts fail. The heap
 * runs out first; the limit only keeps slot numbers within keyHash's 30 bits.
 */
const MAX_SLOTS = 1 << 28;
/** reserve() believes a file's key count up to this; past it the table grows as keys arrive. */
const MAX_RESERVE = 1 << 21;

/** Per-process seed, so that which keys collide cannot be worked out from outside. */
const SEED = (Math.random() * 0x100000000) | 0;

/** FNV-1a over the UTF-16 code units, then a murmur3 finalizer; 30 bits so it stays a small integer. */
export function keyHash(k: string): number {
  let h = SEED ^ 0x811c9dc5;
  const n = k.length;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & 0x3fffffff;
}

/** Bit-reverse 32 bits (for the scan cursor). */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** The smallest table that holds `n` entries at most half full. */
function slotsFor(n: number): number {
  let cap = MIN_SLOTS;
  while (cap < n * 2) cap *= 2;
  return cap;
}

/**
 * Empty chunks for a table of `cap` slots (a power of two). Holes read as undefined (EMPTY); filling
 * them would not make the arrays packed, only cost a third of the allocation's time again.
 */
function newChunks(cap: number): unknown[][] {
  const per = Math.min(cap, 1 << CHUNK_BITS);
  const chunks = new Array<unknown[]>(cap / per);
  for (let c = 0; c < chunks.length; c++) chunks[c] = new Array<unknown>(per * 3);
  return chunks;
}

/** What a guarded table tells before it changes (see above). */
export interface TableGuard {
  /** Slot `i` is about to change: `key`'s value replaced, `key` deleted, or `key` inserted there. */
  before(i: number, key: string): void;
  /** The table is about to move its entries to new arrays (grow, shrink, clear). */
  moving(): void;
}

export class KeyDict<V> {
  /** Slot i is elements (i & low) * 3 .. + 2 of chunks[i >> CHUNK_BITS]: [hash, key, value]. */
  private chunks: unknown[][] = newChunks(MIN_SLOTS);
  private mask = MIN_SLOTS - 1;
  /** Mask of a slot's place within its chunk. */
  private low = MIN_SLOTS - 1;
  private count = 0;
  /** Live entries plus tombstones: what makes probe runs long. */
  private used = 0;
  /** Set while a snapshot walks this table (see above). */
  guard: TableGuard | null = null;
  /** Each slot's access stamp, for a table made with them. */
  private stamps: Int32Array | null;

  constructor(stamped = false) {
    this.stamps = stamped ? new Int32Array(MIN_SLOTS) : null;
  }

  get size(): number {
    return this.count;
  }

  get(k: string): V | undefined {
    const i = this.slotOf(k);
    return i < 0 ? undefined : (this.chunks[i >> CHUNK_BITS][(i & this.low) * 3 + 2] as V);
  }

  has(k: string): boolean {
    return this.slotOf(k) >= 0;
  }

  /** The slot of `k`, or -1. */
  slotOf(k: string): number {
    const h = keyHash(k);
    const cs = this.chunks;
    const mask = this.mask;
    const low = this.low;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const c = cs[i >> CHUNK_BITS];
      const j = (i & low) * 3;
      const sk = c[j + 1];
      if (sk === EMPTY) return -1;
      if (c[j] === h && sk === k) return i;
    }
  }

  set(k: string, v: V): this {
    return this.setHashed(keyHash(k), k, v);
  }

  /** set() with the key's keyHash() already taken (while the key was still in the CPU's cache). */
  setHashed(h: number, k: string, v: V): this {
    const cs = this.chunks;
    const mask = this.mask;
    const low = this.low;
    let free = -1;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const c = cs[i >> CHUNK_BITS];
      const j = (i & low) * 3;
      const sk = c[j + 1];
      if (sk === EMPTY) break;
      if (c[j] === h && sk === k) {
        if (this.guard !== null) this.guard.before(i, k);
        c[j + 2] = v;
        const st = this.stamps;
        if (st !== null) st[i] = replacedStamp(st[i]);
        return this;
      }
      if (sk === TOMB && free < 0) free = i;
    }
    if (this.count * 8 >= (mask + 1) * 5) throw new RangeError('Keyspace table maximum size exceeded');
    if (free >= 0) i = free;
    else this.used++;
    if (this.guard !== null) this.guard.before(i, k);
    const c = cs[i >> CHUNK_BITS];
    const j = (i & low) * 3;
    c[j] = h;
    c[j + 1] = k;
    c[j + 2] = v;
    if (this.stamps !== null) this.stamps[i] = newKeyStamp();
    this.count++;
    if (this.used * 2 > mask + 1) this.grow();
    return this;
  }

  /**
   * Read the home slot of hash `h`, for a caller about to insert many keys: touching a batch's
   * slots first lets their cache misses overlap. The result only has to be kept by the caller, so
   * that the compiler keeps the read.
   */
  touch(h: number): number {
    const i = h & this.mask;
    return this.chunks[i >> CHUNK_BITS][(i & this.low) * 3] === EMPTY ? 0 : 1;
  }

  /** Over half the slots used: double, or just drop the tombstones when they are most of it. */
  private grow(): void {
    const cap = this.mask + 1;
    if (this.count * 4 <= cap) this.rebuild(cap);
    else if (cap < MAX_SLOTS) this.rebuild(cap * 2);
    else if (this.used * 4 > cap * 3) this.rebuild(cap);
  }

  delete(k: string): boolean {
    const i = this.slotOf(k);
    if (i < 0) return false;
    if (this.guard !== null) this.guard.before(i, k);
    const c = this.chunks[i >> CHUNK_BITS];
    const j = (i & this.low) * 3;
    c[j] = -1;
    c[j + 1] = TOMB;
    c[j + 2] = EMPTY;
    this.count--;
    return true;
  }

  clear(): void {
    if (this.guard !== null) this.guard.moving();
    this.chunks = newChunks(MIN_SLOTS);
    if (this.stamps !== null) this.stamps = new Int32Array(MIN_SLOTS);
    this.mask = MIN_SLOTS - 1;
    this.low = MIN_SLOTS - 1;
    this.count = 0;
    this.used = 0;
  }

  /** Make room for `n` entries in one rebuild (RDB RESIZEDB) instead of growing step by step. */
  reserve(n: number): void {
    const cap = slotsFor(Math.min(n, MAX_RESERVE));
    if (cap > this.mask + 1) this.rebuild(cap);
  }

  /** Rebuild smaller after mass deletion (Redis's cron resize); true if it did. */
  shrinkIfSparse(): boolean {
    const cap = this.mask + 1;
    if (cap <= MIN_SLOTS || this.count * 16 >= cap) return false;
    this.rebuild(slotsFor(this.count * 2));
    return true;
  }

  private rebuild(cap: number): void {
    if (this.guard !== null) this.guard.moving();
    const old = this.chunks;
    const oldStamps = this.stamps;
    const cs = newChunks(cap);
    const stamps = oldStamps === null ? null : new Int32Array(cap);
    const mask = cap - 1;
    const low = cs[0].length / 3 - 1;
    let from = 0;
    for (const oc of old) {
      for (let o = 0; o < oc.length; o += 3, from++) {
        const k = oc[o + 1];
        if (k === EMPTY || k === TOMB) continue;
        const h = oc[o] as number;
        let i = h & mask;
        while (cs[i >> CHUNK_BITS][(i & low) * 3 + 1] !== EMPTY) i = (i + 1) & mask;
        const c = cs[i >> CHUNK_BITS];
        const j = (i & low) * 3;
        c[j] = h;
        c[j + 1] = k;
        c[j + 2] = oc[o + 2];
        if (stamps !== null) stamps[i] = oldStamps![from];
      }
    }
    this.chunks = cs;
    this.stamps = stamps;
    this.mask = mask;
    this.low = low;
    this.used = this.count;
  }

  /**
   * One scan step: pushes the keys whose home slot is `cursor` (under the current size) onto
   * `out` and returns the next cursor, 0 at the end. As in Redis, the cursor counts with its bits
   * reversed, so a rebuild to another power-of-two size between steps neither skips the home
   * slots not yet visited nor revisits those done (a shrink may revisit some).
   */
  scan(cursor: number, out: string[]): number {
    const cs = this.chunks;
    const mask = this.mask;
    const low = this.low;
    const home = cursor & mask;
    for (let i = home; ; i = (i + 1) & mask) {
      const c = cs[i >> CHUNK_BITS];
      const j = (i & low) * 3;
      const sk = c[j + 1];
      if (sk === EMPTY) break;
      if (sk !== TOMB && ((c[j] as number) & mask) === home) out.push(sk as string);
    }
    return rev32((rev32((cursor | ~mask) >>> 0) + 1) >>> 0);
  }

  /**
   * A resumable iterator over the keys that survives any change to the table between (and
   * during) steps: every key present from start to end is returned, keys added or deleted
   * meanwhile may or may not be. SCAN, eviction sampling and active expiry hold these.
   */
  liveKeys(): Iterator<string> {
    return new ScanIterator(this);
  }

  /**
   * Slot positions, for a walk that keeps its own place (a snapshot's, with the table's guard
   * telling it about writes): 0 .. slotCount - 1, without an iterator's allocations.
   */
  get slotCount(): number {
    return this.mask + 1;
  }

  /**
   * A table over this one's present arrays, for reading them after this one has moved to new ones
   * (see TableGuard.moving). Nothing may write through it.
   */
  view(): KeyDict<V> {
    const v = new KeyDict<V>();
    v.chunks = this.chunks;
    v.stamps = this.stamps;
    v.mask = this.mask;
    v.low = this.low;
    v.count = this.count;
    v.used = this.used;
    return v;
  }

  /**
   * A key picked at random, or undefined when the table is empty. Random slots give every key the
   * same chance; a table so sparse that 64 of them miss (it shrinks only from the expiry cron)
   * takes the next key after a random slot instead, which favours keys after long empty runs.
   */
  randomKey(): string | undefined {
    if (this.count === 0) return undefined;
    const cs = this.chunks;
    const mask = this.mask;
    const low = this.low;
    let i = 0;
    for (let t = 0; t < 64; t++) {
      i = (Math.random() * (mask + 1)) | 0;
      const k = cs[i >> CHUNK_BITS][(i & low) * 3 + 1];
      if (k !== EMPTY && k !== TOMB) return k as string;
    }
    for (;; i = (i + 1) & mask) {
      const k = cs[i >> CHUNK_BITS][(i & low) * 3 + 1];
      if (k !== EMPTY && k !== TOMB) return k as string;
    }
  }

  /** The access stamp of slot `i` (a table made with stamps, a slot holding a key). */
  stampAt(i: number): number {
    return this.stamps![i];
  }

  setStampAt(i: number, stamp: number): void {
    this.stamps![i] = stamp;
  }

  /** Give every key the same stamp (the policy changed what they mean). */
  fillStamps(stamp: number): void {
    if (this.stamps !== null) this.stamps.fill(stamp);
  }

  /** The key in slot `i`, or undefined for a free or deleted slot. */
  keyAt(i: number): string | undefined {
    const k = this.chunks[i >> CHUNK_BITS][(i & this.low) * 3 + 1];
    return k === TOMB ? undefined : (k as string | undefined);
  }

  /** The value in slot `i` (a slot keyAt found a key in). */
  valueAt(i: number): V {
    return this.chunks[i >> CHUNK_BITS][(i & this.low) * 3 + 2] as V;
  }

  *entries(): MapIterator<[string, V]> {
    for (const c of this.chunks) {
      for (let j = 0; j < c.length; j += 3) {
        const k = c[j + 1];
        if (k !== EMPTY && k !== TOMB) yield [k as string, c[j + 2] as V];
      }
    }
  }

  *keys(): MapIterator<string> {
    for (const c of this.chunks) {
      for (let j = 0; j < c.length; j += 3) {
        const k = c[j + 1];
        if (k !== EMPTY && k !== TOMB) yield k as string;
      }
    }
  }

  *values(): MapIterator<V> {
    for (const c of this.chunks) {
      for (let j = 0; j < c.length; j += 3) {
        const k = c[j + 1];
        if (k !== EMPTY && k !== TOMB) yield c[j + 2] as V;
      }
    }
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}

/** liveKeys(): scan steps, one home slot's keys buffered at a time. */
class ScanIterator implements Iterator<string> {
  private readonly buf: string[] = [];
  private pos = 0;
  private cursor = 0;
  private started = false;

  constructor(private readonly dict: KeyDict<unknown>) {}

  next(): IteratorResult<string> {
    const buf = this.buf;
    while (this.pos === buf.length) {
      if (this.started && this.cursor === 0) return { done: true, value: undefined };
      this.started = true;
      buf.length = 0;
      this.pos = 0;
      this.cursor = this.dict.scan(this.cursor, buf);
    }
    return { done: false, value: buf[this.pos++] };
  }
}
