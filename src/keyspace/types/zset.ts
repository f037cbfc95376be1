// The sorted-set value. Small sets ('listpack' in OBJECT ENCODING) are one packed latin1 string,
// like Redis's listpack: past zset-max-listpack-entries members or a member longer than
// zset-max-listpack-value bytes they become a SkipList and stay one, like Redis.
//
// Packed entries, sorted by (score, member): the score's 8 float64 bytes, the member length, the
// member, and the length again so walks can go backwards. A length is 1 char below 128, else 3
// chars with the high bit on the char farthest from the member. Measured for 200k keys of 5 short
// members: ~215 heap bytes per key (77 MB RSS growth in shoal-server) where two arrays per set
// cost ~610 (159 MB); redis-server 7.0.15 uses ~135 bytes per key (used_memory +27 MB).
//
// Every query is by 0-based rank, and iteration goes through handles: for the small form a handle is
// an entry's offset in the string, for the skiplist a node; -1 ends an iteration.

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
/** Packed lengths have 23 bits; a longer member always goes to the skiplist. */
const MAX_PACKED_MEMBER = (1 << 23) - 1;

/** Listpack thresholds, read from the config once and kept current by its change hooks. */
function watchLimits(): void {
  if (server.config === undefined) return; // not configured yet (unit tests): the defaults hold
  watching = true;
  server.config.watch('zset-max-listpack-entries', (v) => {
    maxEntries = Number(v);
  });
  server.config.watch('zset-max-listpack-value', (v) => {
    maxValue = Number(v);
  });
}

/** Whether a set with this many members, the longest this long, fits the small encoding. */
function fitsListpack(size: number, maxLen: number): boolean {
  if (!watching) watchLimits();
  return size <= maxEntries && maxLen <= maxValue && maxLen <= MAX_PACKED_MEMBER;
}

// ---- packed entry coding

const f64 = new Float64Array(1);
const u8 = new Uint8Array(f64.buffer);

function readScore(p: string, at: number): number {
  for (let k = 0; k < 8; k++) u8[k] = p.charCodeAt(at + k);
  return f64[0];
}

/** Length of the member of the entry at h. */
function lenAt(p: string, h: number): number {
  const c = p.charCodeAt(h + 8);
  return c < 128 ? c : ((c & 127) << 16) | (p.charCodeAt(h + 9) << 8) | p.charCodeAt(h + 10);
}

function lenSize(len: number): number {
  return len < 128 ? 1 : 3;
}

/** Offset of the member of the entry at h. */
function memberStart(p: string, h: number): number {
  return h + 8 + (p.charCodeAt(h + 8) < 128 ? 1 : 3);
}

function entryEnd(p: string, h: number): number {
  const len = lenAt(p, h);
  return h + 8 + 2 * lenSize(len) + len;
}

function entryStartBefore(p: string, end: number): number {
  const c = p.charCodeAt(end - 1);
  const len = c < 128 ? c : ((c & 127) << 16) | (p.charCodeAt(end - 2) << 8) | p.charCodeAt(end - 3);
  return end - 8 - 2 * lenSize(len) - len;
}

function encodeEntry(member: string, score: number): string {
  f64[0] = score;
  const head = String.fromCharCode(u8[0], u8[1], u8[2], u8[3], u8[4], u8[5], u8[6], u8[7]);
  const n = member.length;
  if (n < 128) {
    const l = String.fromCharCode(n);
    return head + l + member + l;
  }
  const hi = 0x80 | (n >>> 16);
  const mid = (n >>> 8) & 255;
  const lo = n & 255;
  return head + String.fromCharCode(hi, mid, lo) + member + String.fromCharCode(lo, mid, hi);
}

/** Compare the packed member at [start, start+len) with m, byte order: <0, 0, >0. */
function cmpMember(p: string, start: number, len: number, m: string): number {
  const n = len < m.length ? len : m.length;
  for (let i = 0; i < n; i++) {
    const d = p.charCodeAt(start + i) - m.charCodeAt(i);
    if (d !== 0) return d;
  }
  return len - m.length;
}

let scratch = Buffer.allocUnsafe(1024);

/**
 * A packed member as a string of its own. A plain slice of 13+ chars is a view that keeps the whole
 * packed string alive, which is wrong for members that outlive it (in a skiplist).
 */
function ownedSlice(p: string, start: number, len: number): string {
  if (len < 13) return p.slice(start, start + len);
  if (scratch.length < len) scratch = Buffer.allocUnsafe(len);
  scratch.latin1Write(p.slice(start, start + len), 0);
  return scratch.latin1Slice(0, len);
}

function copyList(sl: SkipList): SkipList {
  const out = new SkipList(sl.length);
  for (let x = sl.first; x !== NIL; x = sl.next(x)) out.insert(sl.memberOf(x), sl.scoreOf(x));
  return out;
}

export class ZSet implements RedisObject {
  /** Small form; null once converted. */
  private p: string | null;
  /** Entries in p. */
  private n = 0;
  sl: SkipList | null;

  /** An empty set, created in the encoding Redis would pick for `sizeHint` members of `lenHint` bytes. */
  constructor(sizeHint = 0, lenHint = 0) {
    if (fitsListpack(sizeHint, lenHint)) {
      this.p = '';
      this.sl = null;
    } else {
      this.p = null;
      this.sl = new SkipList(sizeHint);
    }
  }

  get type(): 'zset' {
    return 'zset';
  }

  get size(): number {
    return this.p !== null ? this.n : this.sl!.length;
  }

  encoding(): string {
    return this.p !== null ? 'listpack' : 'skiplist';
  }

  clone(): ZSet {
    const z = new ZSet(0, 0);
    if (this.p !== null) {
      z.p = this.p; // strings are immutable: sharing is copying
      z.n = this.n;
    } else {
      z.p = null;
      z.sl = copyList(this.sl!);
    }
    return z;
  }

  /** After deletions: rebuild a skiplist whose blocks are mostly free, so the memory goes back. */
  private compact(): void {
    if (this.sl!.sparse) this.sl = copyList(this.sl!);
  }

  private toSkiplist(): void {
    const p = this.p!;
    const sl = new SkipList(this.n + 1);
    for (let h = 0; h < p.length; h = entryEnd(p, h)) sl.insert(this.memberCopy(h), readScore(p, h));
    this.sl = sl;
    this.p = null;
    this.n = 0;
  }

  /**
   * Keep a concatenation flat: reading a char makes V8 flatten the rope now, and the GC then drops
   * the rope node, so a stored set is one string rather than pieces (~40% of its heap bytes).
   */
  private setPacked(p: string): void {
    p.charCodeAt(0);
    this.p = p;
  }

  /** Offset of the small-form entry holding member, or -1. */
  private find(member: string): number {
    const p = this.p!;
    const len = member.length;
    for (let h = 0; h < p.length; h = entryEnd(p, h)) {
      if (lenAt(p, h) === len && p.startsWith(member, memberStart(p, h))) return h;
    }
    return -1;
  }

  score(member: string): number | undefined {
    if (this.p === null) return this.sl!.score(member);
    const h = this.find(member);
    return h < 0 ? undefined : readScore(this.p, h);
  }

  /** Insert a member known to be absent, converting to a skiplist when the small form would overflow. */
  insert(member: string, score: number): void {
    if (this.p !== null) {
      if (fitsListpack(this.n + 1, member.length)) {
        this.insertPacked(member, score);
        return;
      }
      this.toSkiplist();
    }
    this.sl!.insert(member, score);
  }

  private insertPacked(member: string, score: number): void {
    const p = this.p!;
    let h = 0;
    for (; h < p.length; h = entryEnd(p, h)) {
      const s = readScore(p, h);
      if (s > score || (s === score && cmpMember(p, memberStart(p, h), lenAt(p, h), member) > 0)) break;
    }
    const e = encodeEntry(member, score);
    this.setPacked(h === 0 ? e + p : h === p.length ? p + e : p.slice(0, h) + e + p.slice(h));
    this.n++;
  }

  /** Change the score of a present member. */
  update(member: string, score: number): void {
    if (this.p === null) {
      this.sl!.updateScore(member, score);
      return;
    }
    this.delete(member);
    this.insertPacked(member, score);
  }

  /** Remove a member; false when absent. */
  delete(member: string): boolean {
    if (this.p === null) {
      if (!this.sl!.delete(member)) return false;
      this.compact();
      return true;
    }
    const h = this.find(member);
    if (h < 0) return false;
    const p = this.p;
    this.setPacked(p.slice(0, h) + p.slice(entryEnd(p, h)));
    this.n--;
    return true;
  }

  /** 0-based rank of a member, or -1. */
  rank(member: string): number {
    if (this.p === null) return this.sl!.rank(member);
    const p = this.p;
    const len = member.length;
    for (let h = 0, r = 0; h < p.length; h = entryEnd(p, h), r++) {
      if (lenAt(p, h) === len && p.startsWith(member, memberStart(p, h))) return r;
    }
    return -1;
  }

  private gteMin(h: number, r: ScoreRange | LexRange, lex: boolean): boolean {
    return lex ? lexGteMin(this.member(h), r as LexRange) : scoreGteMin(this.scoreAt(h), r as ScoreRange);
  }

  private lteMax(h: number, r: ScoreRange | LexRange, lex: boolean): boolean {
    return lex ? lexLteMax(this.member(h), r as LexRange) : scoreLteMax(this.scoreAt(h), r as ScoreRange);
  }

  /**
   * Rank of the first (or, last, the last) member in a score or (lex) member range, or -1. The small
   * form is walked from that end like Redis's listpack search: the first member past the near bound
   * decides. Linear for members too: with mixed scores they are not sorted.
   */
  private findInRange(r: ScoreRange | LexRange, lex: boolean, last: boolean): number {
    if (this.p === null) {
      const sl = this.sl!;
      return (last ? sl.lastIn(r, lex) : sl.firstIn(r, lex)) === NIL ? -1 : sl.foundRank;
    }
    if (lex ? !this.smallInLex(r as LexRange) : this.n === 0 || !scoreRangeValid(r as ScoreRange)) return -1;
    let i = last ? this.n - 1 : 0;
    for (let h = this.at(i); h !== -1; h = last ? this.prev(h) : this.next(h)) {
      if (last ? this.lteMax(h, r, lex) : this.gteMin(h, r, lex)) {
        return (last ? this.gteMin(h, r, lex) : this.lteMax(h, r, lex)) ? i : -1;
      }
      i += last ? -1 : 1;
    }
    return -1;
  }

  /** Rank of the first member in the score range, or -1. */
  firstInScore(r: ScoreRange): number {
    return this.findInRange(r, false, false);
  }

  /** Rank of the last member in the score range, or -1. */
  lastInScore(r: ScoreRange): number {
    return this.findInRange(r, false, true);
  }

  /** Redis's quick rejection before a listpack lex walk: last >= min and first <= max. */
  private smallInLex(r: LexRange): boolean {
    const p = this.p!;
    return this.n !== 0 && lexRangeValid(r) && lexGteMin(this.member(entryStartBefore(p, p.length)), r) && lexLteMax(this.member(0), r);
  }

  /** Members in the lex range: a walk for the small form (as Redis), ranks for the skiplist. */
  lexCount(r: LexRange): number {
    const first = this.firstInLex(r);
    if (first < 0) return 0;
    if (this.p === null) {
      const last = this.lastInLex(r);
      return last < 0 ? 0 : last - first + 1;
    }
    let n = 0;
    for (let h = this.at(first); h !== -1 && lexLteMax(this.member(h), r); h = this.next(h)) n++;
    return n;
  }

  /** Rank of the first member in the lex range, or -1 (meaningful when all scores are equal). */
  firstInLex(r: LexRange): number {
    return this.findInRange(r, true, false);
  }

  lastInLex(r: LexRange): number {
    return this.findInRange(r, true, true);
  }

  /** Remove ranks start..end inclusive (both within 0..size-1). */
  deleteRanks(start: number, end: number): void {
    if (this.p === null) {
      this.sl!.deleteRanks(start, end);
      this.compact();
      return;
    }
    const p = this.p;
    const from = this.at(start);
    let to = from;
    for (let i = start; i <= end; i++) to = entryEnd(p, to);
    this.setPacked(p.slice(0, from) + p.slice(to));
    this.n -= end - start + 1;
  }

  // ---- iteration by handle

  /** Handle of the member at a 0-based rank (0 <= rank < size). */
  at(rank: number): number {
    if (this.p === null) return this.sl!.at(rank);
    const p = this.p;
    if (rank > this.n >> 1) {
      let h = p.length;
      for (let i = this.n; i > rank; i--) h = entryStartBefore(p, h);
      return h;
    }
    let h = 0;
    for (let i = 0; i < rank; i++) h = entryEnd(p, h);
    return h;
  }

  next(h: number): number {
    if (this.p === null) return this.sl!.next(h);
    const e = entryEnd(this.p, h);
    return e < this.p.length ? e : -1;
  }

  prev(h: number): number {
    if (this.p === null) return this.sl!.prev(h);
    return h === 0 ? -1 : entryStartBefore(this.p, h);
  }

  member(h: number): string {
    if (this.p === null) return this.sl!.memberOf(h);
    const start = memberStart(this.p, h);
    return this.p.slice(start, start + lenAt(this.p, h));
  }

  /** member(h) for storing elsewhere: never a view into the packed string. */
  memberCopy(h: number): string {
    if (this.p === null) return this.sl!.memberOf(h);
    return ownedSlice(this.p, memberStart(this.p, h), lenAt(this.p, h));
  }

  scoreAt(h: number): number {
    return this.p !== null ? readScore(this.p, h) : this.sl!.scoreOf(h);
  }
}
