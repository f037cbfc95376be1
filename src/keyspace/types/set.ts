// The set value: latin1 members in a Set (a Map once random access is needed). Redis 7.0 keeps
// all-integer sets as a sorted intset (replies come out in ascending order) until a non-integer
// member or set-max-intset-entries turns it into a hashtable for good; `intset` records that state.

import type { RedisObject } from '../db.js';
import { parseInt64 } from '../../protocol/format.js';
import { server } from '../../server/state.js';

/** set-max-intset-entries, capped like Redis at 2^30. */
export const setLimits = { maxIntsetEntries: 512 };

server.whenConfigured((config) => {
  config.watch('set-max-intset-entries', (v) => {
    setLimits.maxIntsetEntries = Math.min(Number(v), 1 << 30);
  });
});

/** Whether Redis would store s in an intset (a canonical signed 64-bit integer). */
export function isIntMember(s: string): boolean {
  return s.length <= 20 && parseInt64(s) !== null;
}

/** Order of two canonical integer strings, without parsing them. */
function compareIntText(a: string, b: string): number {
  const na = a.charCodeAt(0) === 45;
  const nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  let d = a.length - b.length;
  if (d === 0) d = a < b ? -1 : a > b ? 1 : 0;
  return na ? -d : d;
}

export class SetValue implements RedisObject {
  readonly type = 'set' as const;
  intset = true;
  /**
   * The members. A plain Set until a random member is first wanted (SPOP, SRANDMEMBER); from then
   * on a Map from member to its slot in `pool`, so picks, additions and removals all stay O(1).
   */
  private dict: Set<string> | Map<string, number> = new Set();
  private pool: string[] | null = null;

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  clone(): SetValue {
    const s = new SetValue();
    const d = s.dict as Set<string>;
    for (const m of this.dict.keys()) d.add(m);
    s.intset = this.intset;
    return s;
  }

  get size(): number {
    return this.dict.size;
  }

  has(m: string): boolean {
    return this.dict.has(m);
  }

  /** Members in insertion order (the order of a hashtable set is Redis's own). */
  values(): IterableIterator<string> {
    return this.dict.keys();
  }

  /** Add a member; true when it was new. */
  add(m: string): boolean {
    const pool = this.pool;
    if (pool === null) {
      const d = this.dict as Set<string>;
      const before = d.size;
      d.add(m);
      if (d.size === before) return false;
    } else {
      const d = this.dict as Map<string, number>;
      if (d.has(m)) return false;
      d.set(m, pool.length);
      pool.push(m);
    }
    if (this.intset && (this.dict.size > setLimits.maxIntsetEntries || !isIntMember(m))) this.intset = false;
    return true;
  }

  delete(m: string): boolean {
    const pool = this.pool;
    if (pool === null) return (this.dict as Set<string>).delete(m);
    const d = this.dict as Map<string, number>;
    const slot = d.get(m);
    if (slot === undefined) return false;
    d.delete(m);
    // Fill the hole with the last slot's member.
    const last = pool.pop()!;
    if (slot < pool.length) {
      pool[slot] = last;
      d.set(last, slot);
    }
    return true;
  }

  /** Members in the order Redis iterates them: ascending for an intset. */
  ordered(): Iterable<string> {
    if (!this.intset) return this.dict.keys();
    return Array.from(this.dict.keys()).sort(compareIntText);
  }

  /** A uniformly random member; the set must not be empty. */
  random(): string {
    let pool = this.pool;
    if (pool === null) {
      const d = new Map<string, number>();
      pool = [];
      for (const m of this.dict.keys()) {
        d.set(m, pool.length);
        pool.push(m);
      }
      this.dict = d;
      this.pool = pool;
    }
    return pool[Math.floor(Math.random() * pool.length)];
  }

  /** Recompute the encoding as Redis does when it rebuilds a set from scratch (SPOP's copy). */
  reencode(): void {
    let intset = this.dict.size <= setLimits.maxIntsetEntries;
    if (intset) for (const m of this.dict.keys()) if (!isIntMember(m)) { intset = false; break; }
    this.intset = intset;
  }
}
