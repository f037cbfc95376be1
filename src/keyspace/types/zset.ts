// The sorted-set value. Small sets ('listpack' in OBJECT ENCODING) are two parallel sorted arrays,
// members and scores, searched by binary search; past zset-max-listpack-entries members or a member
// longer than zset-max-listpack-value bytes they become a SkipList and stay one, like Redis.
//
// Every query is by 0-based rank, and iteration goes through handles: for the small form a handle is
// the array index, for the skiplist a node index; -1 ends an iteration.

import type { RedisObject } from '../db.js';
import { server } from '../../server/state.js';
import {
  NIL, SkipList, lexGteMin, lexLteMax, lexRangeValid, scoreGteMin, scoreLteMax, scoreRangeValid,
  type LexRange, type ScoreRange,
} from './skiplist.js';

export type { LexRange, ScoreRange } from './skiplist.js';

let maxEntries = 128;
let maxValue = 64;
let watching = false;

/** Listpack thresholds, read from the config once and kept current by its change hooks. */
function watchLimits(): void {
  watching = true;
  if (server.config === undefined) return;
  server.config.watch('zset-max-listpack-entries', (v) => {
    maxEntries = Number(v);
  });
  server.config.watch('zset-max-listpack-value', (v) => {
    maxValue = Number(v);
  });
}

/** Whether a set with this many members, the longest this long, fits the small encoding. */
export function fitsListpack(size: number, maxLen: number): boolean {
  if (!watching) watchLimits();
  return size <= maxEntries && maxLen <= maxValue;
}

export class ZSet implements RedisObject {
  readonly type = 'zset' as const;
  /** Small form: members and scores sorted by (score, member); null once converted. */
  private m: string[] | null;
  private s: number[] | null;
  sl: SkipList | null;

  /** An empty set, created in the encoding Redis would pick for `sizeHint` members of `lenHint` bytes. */
  constructor(sizeHint = 0, lenHint = 0) {
    if (fitsListpack(sizeHint, lenHint)) {
      this.m = [];
      this.s = [];
      this.sl = null;
    } else {
      this.m = null;
      this.s = null;
      this.sl = new SkipList(sizeHint);
    }
  }

  get size(): number {
    return this.m !== null ? this.m.length : this.sl!.length;
  }

  encoding(): string {
    return this.m !== null ? 'listpack' : 'skiplist';
  }

  clone(): ZSet {
    const z = new ZSet(0, 0);
    if (this.m !== null) {
      z.m = this.m.slice();
      z.s = this.s!.slice();
    } else {
      z.m = null;
      z.s = null;
      const sl = this.sl!;
      z.sl = new SkipList(sl.length);
      for (let x = sl.first; x !== NIL; x = sl.next(x)) z.sl.insert(sl.memberOf(x), sl.scoreOf(x));
    }
    return z;
  }

  private toSkiplist(): void {
    const m = this.m!;
    const s = this.s!;
    const sl = new SkipList(m.length + 1);
    for (let i = 0; i < m.length; i++) sl.insert(m[i], s[i]);
    this.sl = sl;
    this.m = null;
    this.s = null;
  }

  /** Index of the first small-form entry not before (score, member). */
  private lowerBound(score: number, member: string): number {
    const m = this.m!;
    const s = this.s!;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < score || (s[mid] === score && m[mid] < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Shifts by hand: splice would allocate the removed-elements array on every ZADD/ZREM.
  private insertAt(i: number, member: string, score: number): void {
    const m = this.m!;
    const s = this.s!;
    m.push(member);
    s.push(score);
    for (let k = m.length - 1; k > i; k--) {
      m[k] = m[k - 1];
      s[k] = s[k - 1];
    }
    m[i] = member;
    s[i] = score;
  }

  private removeAt(i: number, n: number): void {
    const m = this.m!;
    const s = this.s!;
    for (let k = i + n; k < m.length; k++) {
      m[k - n] = m[k];
      s[k - n] = s[k];
    }
    m.length -= n;
    s.length -= n;
  }

  private indexOf(member: string): number {
    const m = this.m!;
    for (let i = 0; i < m.length; i++) if (m[i] === member) return i;
    return -1;
  }

  score(member: string): number | undefined {
    if (this.m === null) return this.sl!.score(member);
    const i = this.indexOf(member);
    return i < 0 ? undefined : this.s![i];
  }

  /** Insert a member known to be absent, converting to a skiplist when the small form would overflow. */
  insert(member: string, score: number): void {
    if (this.m !== null) {
      if (!fitsListpack(this.m.length + 1, member.length)) {
        this.toSkiplist();
      } else {
        this.insertAt(this.lowerBound(score, member), member, score);
        return;
      }
    }
    this.sl!.insert(member, score);
  }

  /** Change the score of a present member. */
  update(member: string, score: number): void {
    if (this.m === null) {
      this.sl!.updateScore(member, score);
      return;
    }
    this.removeAt(this.indexOf(member), 1);
    this.insertAt(this.lowerBound(score, member), member, score);
  }

  /** Remove a member; false when absent. */
  delete(member: string): boolean {
    if (this.m === null) return this.sl!.delete(member);
    const i = this.indexOf(member);
    if (i < 0) return false;
    this.removeAt(i, 1);
    return true;
  }

  /** 0-based rank of a member, or -1. */
  rank(member: string): number {
    return this.m !== null ? this.indexOf(member) : this.sl!.rank(member);
  }

  /** Rank of the first member in the score range, or -1. */
  firstInScore(r: ScoreRange): number {
    if (this.m === null) {
      const sl = this.sl!;
      return sl.firstInScore(r) === NIL ? -1 : sl.foundRank;
    }
    const s = this.s!;
    if (!scoreRangeValid(r)) return -1;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (scoreGteMin(s[mid], r)) hi = mid;
      else lo = mid + 1;
    }
    return lo < s.length && scoreLteMax(s[lo], r) ? lo : -1;
  }

  /** Rank of the last member in the score range, or -1. */
  lastInScore(r: ScoreRange): number {
    if (this.m === null) {
      const sl = this.sl!;
      return sl.lastInScore(r) === NIL ? -1 : sl.foundRank;
    }
    const s = this.s!;
    if (!scoreRangeValid(r)) return -1;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (scoreLteMax(s[mid], r)) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && scoreGteMin(s[lo - 1], r) ? lo - 1 : -1;
  }

  /** Redis's quick rejection before a listpack lex walk: last >= min and first <= max. */
  private smallInLex(r: LexRange): boolean {
    const m = this.m!;
    return m.length !== 0 && lexRangeValid(r) && lexGteMin(m[m.length - 1], r) && lexLteMax(m[0], r);
  }

  /** Members in the lex range: a walk for the small form (as Redis), ranks for the skiplist. */
  lexCount(r: LexRange): number {
    const first = this.firstInLex(r);
    if (first < 0) return 0;
    if (this.m === null) {
      const last = this.lastInLex(r);
      return last < 0 ? 0 : last - first + 1;
    }
    let i = first;
    while (i < this.m.length && lexLteMax(this.m[i], r)) i++;
    return i - first;
  }

  /** Rank of the first member in the lex range, or -1 (meaningful when all scores are equal). */
  firstInLex(r: LexRange): number {
    if (this.m === null) {
      const sl = this.sl!;
      return sl.firstInLex(r) === NIL ? -1 : sl.foundRank;
    }
    const m = this.m;
    if (!this.smallInLex(r)) return -1;
    // Linear like Redis's listpack walk: with mixed scores the members are not sorted.
    for (let i = 0; i < m.length; i++) {
      if (lexGteMin(m[i], r)) return lexLteMax(m[i], r) ? i : -1;
    }
    return -1;
  }

  lastInLex(r: LexRange): number {
    if (this.m === null) {
      const sl = this.sl!;
      return sl.lastInLex(r) === NIL ? -1 : sl.foundRank;
    }
    const m = this.m;
    if (!this.smallInLex(r)) return -1;
    for (let i = m.length - 1; i >= 0; i--) {
      if (lexLteMax(m[i], r)) return lexGteMin(m[i], r) ? i : -1;
    }
    return -1;
  }

  /** Remove ranks start..end inclusive (both within 0..size-1). */
  deleteRanks(start: number, end: number): void {
    if (this.m === null) {
      this.sl!.deleteRanks(start, end);
      return;
    }
    this.removeAt(start, end - start + 1);
  }

  // ---- iteration by handle

  /** Handle of the member at a 0-based rank (0 <= rank < size). */
  at(rank: number): number {
    return this.m !== null ? rank : this.sl!.at(rank);
  }

  next(h: number): number {
    if (this.m !== null) return h + 1 < this.m.length ? h + 1 : -1;
    return this.sl!.next(h);
  }

  prev(h: number): number {
    if (this.m !== null) return h - 1;
    return this.sl!.prev(h);
  }

  member(h: number): string {
    return this.m !== null ? this.m[h] : this.sl!.memberOf(h);
  }

  scoreAt(h: number): number {
    return this.s !== null ? this.s[h] : this.sl!.scoreOf(h);
  }
}
