// The table behind a database's keys and expiry times: open addressing with linear probing, each
// slot three consecutive elements of one array, [hash, key, value]. A lookup misses the cache on
// its slot and on the stored key's characters; V8's Map also goes through a bucket array to an
// entry table, one more miss per lookup, and at a million keys those misses are most of a SET's
// cost (perf put Map.prototype.set at 28% of a primary's samples, 47% of a replica's).
//
// Deleting leaves a tombstone, so an entry always sits in the unbroken run of occupied slots that
// starts at its home slot (hash & mask) and never moves until the table is rebuilt. That gives:
// - scan(): Redis's reverse-binary cursor over home slots, which returns every entry present for a
//   whole iteration even when the table is rebuilt to another size in between (see liveKeys);
// - linear iteration (keys, entries, and by slot position) that tolerates deletes while it runs,
//   but not inserts: an insert may rebuild the table under it. No caller inserts while iterating.
// The table grows in one go, as a Map does; it shrinks only from shrinkIfSparse, called from the
// expiry cron, never under an iteration.

/** A slot never used (all three elements undefined). */
const EMPTY = undefined;
/** The key of a deleted slot; its hash becomes -1 so that lookups never compare it. */
const TOMB = Symbol('deleted') as unknown as string;
const MIN_SLOTS = 8;
/**
 * V8 arrays stop short of 2^27 elements, so 2^25 slots is the largest table: 16.7M keys at half
 * full (a Map stops at 2^24 entries), up to 5/8 full past that, then inserts fail.
 */
const MAX_SLOTS = 1 << 25;
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

export class KeyDict<V> {
  private slots: unknown[] = new Array(MIN_SLOTS * 3).fill(EMPTY);
  private mask = MIN_SLOTS - 1;
  private count = 0;
  /** Live entries plus tombstones: what makes probe runs long. */
  private used = 0;

  get size(): number {
    return this.count;
  }

  get(k: string): V | undefined {
    const j = this.find(k);
    return j < 0 ? undefined : (this.slots[j + 2] as V);
  }

  has(k: string): boolean {
    return this.find(k) >= 0;
  }

  /** The array index of `k`'s slot, or -1. */
  private find(k: string): number {
    const h = keyHash(k);
    const s = this.slots;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const j = i * 3;
      const sk = s[j + 1];
      if (sk === EMPTY) return -1;
      if (s[j] === h && sk === k) return j;
    }
  }

  set(k: string, v: V): this {
    return this.setHashed(keyHash(k), k, v);
  }

  /** set() with the key's keyHash() already taken (while the key was still in the CPU's cache). */
  setHashed(h: number, k: string, v: V): this {
    const s = this.slots;
    const mask = this.mask;
    let free = -1;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const j = i * 3;
      const sk = s[j + 1];
      if (sk === EMPTY) break;
      if (s[j] === h && sk === k) {
        s[j + 2] = v;
        return this;
      }
      if (sk === TOMB && free < 0) free = j;
    }
    if (this.count * 8 >= (mask + 1) * 5) throw new RangeError('Keyspace table maximum size exceeded');
    let j = i * 3;
    if (free >= 0) j = free;
    else this.used++;
    s[j] = h;
    s[j + 1] = k;
    s[j + 2] = v;
    this.count++;
    if (this.used * 2 > mask + 1) this.grow();
    return this;
  }

  /** Over half the slots used: double, or just drop the tombstones when they are most of it. */
  private grow(): void {
    const cap = this.mask + 1;
    if (this.count * 4 <= cap) this.rebuild(cap);
    else if (cap < MAX_SLOTS) this.rebuild(cap * 2);
    else if (this.used * 4 > cap * 3) this.rebuild(cap);
  }

  delete(k: string): boolean {
    const j = this.find(k);
    if (j < 0) return false;
    const s = this.slots;
    s[j] = -1;
    s[j + 1] = TOMB;
    s[j + 2] = EMPTY;
    this.count--;
    return true;
  }

  clear(): void {
    this.slots = new Array(MIN_SLOTS * 3).fill(EMPTY);
    this.mask = MIN_SLOTS - 1;
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
    const old = this.slots;
    const mask = cap - 1;
    const s = new Array(cap * 3).fill(EMPTY);
    for (let o = 0; o < old.length; o += 3) {
      const k = old[o + 1];
      if (k === EMPTY || k === TOMB) continue;
      const h = old[o] as number;
      let i = h & mask;
      while (s[i * 3 + 1] !== EMPTY) i = (i + 1) & mask;
      const j = i * 3;
      s[j] = h;
      s[j + 1] = k;
      s[j + 2] = old[o + 2];
    }
    this.slots = s;
    this.mask = mask;
    this.used = this.count;
  }

  /**
   * One scan step: pushes the keys whose home slot is `cursor` (under the current size) onto
   * `out` and returns the next cursor, 0 at the end. As in Redis, the cursor counts with its bits
   * reversed, so a rebuild to another power-of-two size between steps neither skips the home
   * slots not yet visited nor revisits those done (a shrink may revisit some).
   */
  scan(cursor: number, out: string[]): number {
    const s = this.slots;
    const mask = this.mask;
    const home = cursor & mask;
    for (let i = home; ; i = (i + 1) & mask) {
      const j = i * 3;
      const sk = s[j + 1];
      if (sk === EMPTY) break;
      if (sk !== TOMB && ((s[j] as number) & mask) === home) out.push(sk as string);
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
   * Slot positions, for a walk that keeps its own place over a table nobody writes meanwhile (a
   * snapshot's frozen table): 0 .. slotCount - 1, without an iterator's allocations.
   */
  get slotCount(): number {
    return this.mask + 1;
  }

  /** The key in slot `i`, or undefined for a free or deleted slot. */
  keyAt(i: number): string | undefined {
    const k = this.slots[i * 3 + 1];
    return k === TOMB ? undefined : (k as string | undefined);
  }

  /** The value in slot `i` (a slot keyAt found a key in). */
  valueAt(i: number): V {
    return this.slots[i * 3 + 2] as V;
  }

  *entries(): MapIterator<[string, V]> {
    const s = this.slots;
    for (let j = 0; j < s.length; j += 3) {
      const k = s[j + 1];
      if (k !== EMPTY && k !== TOMB) yield [k as string, s[j + 2] as V];
    }
  }

  *keys(): MapIterator<string> {
    const s = this.slots;
    for (let j = 0; j < s.length; j += 3) {
      const k = s[j + 1];
      if (k !== EMPTY && k !== TOMB) yield k as string;
    }
  }

  *values(): MapIterator<V> {
    const s = this.slots;
    for (let j = 0; j < s.length; j += 3) {
      const k = s[j + 1];
      if (k !== EMPTY && k !== TOMB) yield s[j + 2] as V;
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
