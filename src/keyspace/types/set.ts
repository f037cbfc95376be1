// The set value: a Set of latin1 members. Redis 7.0 keeps all-integer sets as a sorted intset
// (replies come out in ascending order) until a non-integer member or set-max-intset-entries
// turns it into a hashtable for good; `intset` records that state.

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
  readonly members = new Set<string>();
  intset = true;
  /**
   * Members as an array for O(1) random picks, built on demand. Removals leave stale entries that
   * random() discards as it meets them; an addition appends while there are none, else drops the
   * pool (a re-added member would otherwise appear twice).
   */
  private pool: string[] | null = null;
  private stale = 0;

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  clone(): SetValue {
    const s = new SetValue();
    for (const m of this.members) s.members.add(m);
    s.intset = this.intset;
    return s;
  }

  get size(): number {
    return this.members.size;
  }

  has(m: string): boolean {
    return this.members.has(m);
  }

  /** Add a member; true when it was new. */
  add(m: string): boolean {
    const before = this.members.size;
    this.members.add(m);
    if (this.members.size === before) return false;
    if (this.pool !== null) {
      if (this.stale === 0) this.pool.push(m);
      else this.pool = null;
    }
    if (this.intset && (this.members.size > setLimits.maxIntsetEntries || !isIntMember(m))) this.intset = false;
    return true;
  }

  delete(m: string): boolean {
    if (!this.members.delete(m)) return false;
    if (this.pool !== null) this.stale++;
    return true;
  }

  /** Members in the order Redis iterates them: ascending for an intset. */
  ordered(): Iterable<string> {
    if (!this.intset) return this.members;
    return Array.from(this.members).sort(compareIntText);
  }

  /** A uniformly random member; the set must not be empty. */
  random(): string {
    let pool = this.pool;
    if (pool === null || this.stale > this.members.size + 16) {
      pool = this.pool = Array.from(this.members);
      this.stale = 0;
    }
    for (;;) {
      const i = Math.floor(Math.random() * pool.length);
      const m = pool[i];
      if (this.members.has(m)) return m;
      pool[i] = pool[pool.length - 1];
      pool.pop();
      this.stale--;
    }
  }

  /** Recompute the encoding as Redis does when it rebuilds a set from scratch (SPOP's copy). */
  reencode(): void {
    let intset = this.members.size <= setLimits.maxIntsetEntries;
    if (intset) for (const m of this.members) if (!isIntMember(m)) { intset = false; break; }
    this.intset = intset;
  }
}
