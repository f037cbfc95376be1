// The big sorted-set encoding: a skiplist with spans (O(log n) rank and range queries) plus a Map
// member -> node for O(1) score lookups. Order is (score, member bytes), members compared as latin1
// strings, which is byte order.
//
// Nodes are blocks in one Int32Array (with a Float64Array view of the same memory for scores)
// rather than one object per node: an object with a level array costs ~150 bytes per member, and a
// hop would chase three pointers. A block is [score (2 ints), backward, member slot, level count,
// then (forward, span) per level], padded to an even length so scores stay 8-byte aligned; a node
// is its block's offset. Blocks are recycled through a free list per level count.
//
// Memory for one zset of 1M members "member:N" with float scores, loaded by 1M pipelined ZADDs:
// shoal-server RSS grows ~175 MB (live: ~40 MB of blocks, the Map, the strings), redis-server 7.0.15
// used_memory_rss ~116 MB (used_memory +110 MB): about 1.5x.

const MAX_LEVEL = 32;
export const NIL = -1;
const HEAD = 0;

/** A score range: min/max with exclusive flags, as ZRANGEBYSCORE parses it. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** Lex bound kinds: a normal string, '-' (below everything) or '+' (above everything). */
export const LEX_VALUE = 0;
export const LEX_MINUS = -1;
export const LEX_PLUS = 1;

export interface LexRange {
  min: string;
  max: string;
  minKind: number;
  maxKind: number;
  minex: boolean;
  maxex: boolean;
}

export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

/** False when the range can contain nothing (min > max, or equal with an exclusive end). */
export function scoreRangeValid(r: ScoreRange): boolean {
  return !(r.min > r.max || (r.min === r.max && (r.minex || r.maxex)));
}

/** Compare a member with a lex bound: <0, 0, >0. */
function cmpLex(v: string, bound: string, kind: number): number {
  if (kind !== LEX_VALUE) return -kind;
  return v < bound ? -1 : v > bound ? 1 : 0;
}

export function lexGteMin(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.min, r.minKind);
  return r.minex ? c > 0 : c >= 0;
}

export function lexLteMax(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.max, r.maxKind);
  return r.maxex ? c < 0 : c <= 0;
}

export function lexRangeValid(r: LexRange): boolean {
  let c: number;
  if (r.minKind === r.maxKind && r.minKind !== LEX_VALUE) c = 0;
  else if (r.minKind === LEX_MINUS || r.maxKind === LEX_PLUS) c = -1;
  else if (r.minKind === LEX_PLUS || r.maxKind === LEX_MINUS) c = 1;
  else c = r.min < r.max ? -1 : r.min > r.max ? 1 : 0;
  return !(c > 0 || (c === 0 && (r.minex || r.maxex)));
}

// Scratch for searches: one command runs at a time and searches do not nest.
const update = new Int32Array(MAX_LEVEL);
const rankAt = new Float64Array(MAX_LEVEL);

function randomLevel(): number {
  let lv = 1;
  while (lv < MAX_LEVEL && Math.random() < 0.25) lv++;
  return lv;
}

// Block layout, in int32 units from the node offset.
const BACK = 2;
const SLOT = 3;
const LVL = 4;
const FWD = 5;

function blockSize(lv: number): number {
  return 6 + 2 * lv;
}

export class SkipList {
  /** member -> node. */
  readonly dict = new Map<string, number>();
  length = 0;
  level = 1;
  tail = NIL;
  /** Rank (0-based) of the node returned by the last first/last-in-range search. */
  foundRank = 0;

  mem: Int32Array;
  private f64: Float64Array;
  /** Member strings by slot; a freed block keeps its slot for its next use. */
  private members: string[] = [''];
  private top: number;
  /** Ints in live blocks (the header included). */
  private used: number;
  /** Free blocks by level count, chained through their BACK field. */
  private readonly freeBlocks = new Int32Array(MAX_LEVEL + 1).fill(NIL);

  constructor(capacity = 16) {
    // Preallocate for the expected size (capped: a hint may come from an untrusted file).
    const buf = new ArrayBuffer(4 * (blockSize(MAX_LEVEL) + 10 * Math.min(Math.max(capacity, 8), 1 << 20)));
    this.mem = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
    const mem = this.mem;
    mem[HEAD + BACK] = NIL;
    mem[HEAD + LVL] = MAX_LEVEL;
    for (let i = 0; i < MAX_LEVEL; i++) mem[HEAD + FWD + 2 * i] = NIL;
    this.top = blockSize(MAX_LEVEL);
    this.used = this.top;
  }

  /** True when most of the block memory is free: the owner rebuilds the list to give it back. */
  get sparse(): boolean {
    return this.mem.length > 1 << 16 && this.used * 4 < this.mem.length;
  }

  /** First node (lowest), or NIL. */
  get first(): number {
    return this.mem[HEAD + FWD];
  }

  next(x: number): number {
    return this.mem[x + FWD];
  }

  prev(x: number): number {
    return this.mem[x + BACK];
  }

  memberOf(x: number): string {
    return this.members[this.mem[x + SLOT]];
  }

  scoreOf(x: number): number {
    return this.f64[x >> 1];
  }

  score(member: string): number | undefined {
    const x = this.dict.get(member);
    return x === undefined ? undefined : this.f64[x >> 1];
  }

  // ---- allocation

  private allocNode(lv: number, member: string): number {
    this.used += blockSize(lv);
    let x = this.freeBlocks[lv];
    if (x !== NIL) {
      this.freeBlocks[lv] = this.mem[x + BACK];
      this.members[this.mem[x + SLOT]] = member;
      return x;
    }
    x = this.top;
    const need = x + blockSize(lv);
    if (need > this.mem.length) {
      let cap = Math.floor(this.mem.length * 1.5);
      if (cap < need) cap = need;
      if (cap & 1) cap++;
      const buf = new ArrayBuffer(4 * cap);
      const mem = new Int32Array(buf);
      mem.set(this.mem.subarray(0, this.top));
      this.mem = mem;
      this.f64 = new Float64Array(buf);
    }
    this.top = need;
    this.mem[x + LVL] = lv;
    this.mem[x + SLOT] = this.members.length;
    this.members.push(member);
    return x;
  }

  private freeNode(x: number): void {
    const lv = this.mem[x + LVL];
    this.used -= blockSize(lv);
    this.members[this.mem[x + SLOT]] = '';
    this.mem[x + BACK] = this.freeBlocks[lv];
    this.freeBlocks[lv] = x;
  }

  // ---- core operations

  /** True when node f sorts before (score, member). */
  private before(f: number, score: number, member: string): boolean {
    const s = this.f64[f >> 1];
    return s < score || (s === score && this.members[this.mem[f + SLOT]] < member);
  }

  /** Link node x (score, member and level already set) into place. */
  private link(x: number): void {
    const mem = this.mem;
    this.findUpdate(this.f64[x >> 1], this.members[mem[x + SLOT]]);
    const lv = mem[x + LVL];
    if (lv > this.level) {
      for (let i = this.level; i < lv; i++) {
        rankAt[i] = 0;
        update[i] = HEAD;
        mem[HEAD + FWD + 2 * i + 1] = this.length;
      }
      this.level = lv;
    }
    for (let i = 0; i < lv; i++) {
      const pu = update[i] + FWD + 2 * i;
      const px = x + FWD + 2 * i;
      mem[px] = mem[pu];
      mem[pu] = x;
      const d = rankAt[0] - rankAt[i];
      mem[px + 1] = mem[pu + 1] - d;
      mem[pu + 1] = d + 1;
    }
    for (let i = lv; i < this.level; i++) mem[update[i] + FWD + 2 * i + 1]++;
    mem[x + BACK] = update[0] === HEAD ? NIL : update[0];
    const n = mem[x + FWD];
    if (n !== NIL) mem[n + BACK] = x;
    else this.tail = x;
    this.length++;
  }

  /**
   * Fill `update` with the rightmost node before (score, member) on every level, and `rankAt` with
   * those nodes' 1-based ranks (0 for the header).
   */
  private findUpdate(score: number, member: string): void {
    const mem = this.mem;
    let y = HEAD;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const f = mem[y + FWD + 2 * i];
        if (f === NIL || !this.before(f, score, member)) break;
        rank += mem[y + FWD + 2 * i + 1];
        y = f;
      }
      rankAt[i] = rank;
      update[i] = y;
    }
  }

  /** Unlink node x, given `update` for it. */
  private unlink(x: number): void {
    const mem = this.mem;
    for (let i = 0; i < this.level; i++) {
      const pu = update[i] + FWD + 2 * i;
      if (mem[pu] === x) {
        mem[pu + 1] += mem[x + FWD + 2 * i + 1] - 1;
        mem[pu] = mem[x + FWD + 2 * i];
      } else {
        mem[pu + 1] -= 1;
      }
    }
    const n = mem[x + FWD];
    if (n !== NIL) mem[n + BACK] = mem[x + BACK];
    else this.tail = mem[x + BACK];
    while (this.level > 1 && mem[HEAD + FWD + 2 * (this.level - 1)] === NIL) {
      mem[HEAD + FWD + 2 * (this.level - 1) + 1] = 0;
      this.level--;
    }
    this.length--;
  }

  /** Insert a member that is not present. */
  insert(member: string, score: number): void {
    const x = this.allocNode(randomLevel(), member);
    this.f64[x >> 1] = score;
    this.link(x);
    this.dict.set(member, x);
  }

  /** Remove a member; false when absent. */
  delete(member: string): boolean {
    const x = this.dict.get(member);
    if (x === undefined) return false;
    this.findUpdate(this.f64[x >> 1], member);
    this.unlink(x);
    this.dict.delete(member);
    this.freeNode(x);
    return true;
  }

  /** Change the score of a present member, moving its node only when the order changes. */
  updateScore(member: string, score: number): void {
    const x = this.dict.get(member)!;
    const b = this.mem[x + BACK];
    const n = this.mem[x + FWD];
    if ((b === NIL || this.before(b, score, member)) && (n === NIL || !this.before(n, score, member))) {
      this.f64[x >> 1] = score;
      return;
    }
    this.findUpdate(this.f64[x >> 1], member);
    this.unlink(x);
    this.f64[x >> 1] = score;
    this.link(x);
  }

  /** 0-based rank of a member, or -1. */
  rank(member: string): number {
    const x = this.dict.get(member);
    if (x === undefined) return -1;
    // The nodes before x are its predecessor's 1-based rank.
    this.findUpdate(this.f64[x >> 1], member);
    return rankAt[0];
  }

  /**
   * Fill `update` with the rightmost node on every level whose 1-based rank is at most `target`;
   * returns the one on the lowest level.
   */
  private findRank(target: number): number {
    const mem = this.mem;
    let y = HEAD;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const p = y + FWD + 2 * i;
        const f = mem[p];
        if (f === NIL || traversed + mem[p + 1] > target) break;
        traversed += mem[p + 1];
        y = f;
      }
      update[i] = y;
    }
    return y;
  }

  /** Node at a 0-based rank (must be < length). */
  at(rank: number): number {
    return rank < this.length ? this.findRank(rank + 1) : NIL;
  }

  // ---- range searches: return a node and leave its 0-based rank in foundRank. One walk serves
  // score ranges and member (lex) ranges: `lex` says which r is and which key of a node it bounds.

  private gteMin(x: number, r: ScoreRange | LexRange, lex: boolean): boolean {
    return lex ? lexGteMin(this.memberOf(x), r as LexRange) : scoreGteMin(this.f64[x >> 1], r as ScoreRange);
  }

  private lteMax(x: number, r: ScoreRange | LexRange, lex: boolean): boolean {
    return lex ? lexLteMax(this.memberOf(x), r as LexRange) : scoreLteMax(this.f64[x >> 1], r as ScoreRange);
  }

  /** False when no node can be in r. */
  private meets(r: ScoreRange | LexRange, lex: boolean): boolean {
    return this.length !== 0 && (lex ? lexRangeValid(r as LexRange) : scoreRangeValid(r as ScoreRange))
      && this.gteMin(this.tail, r, lex) && this.lteMax(this.first, r, lex);
  }

  /**
   * The last node (or the header) below r's min (toMin) or within r's max (!toMin), with its 1-based
   * rank in foundRank: the first-in-range search looks one node further, the last-in-range one
   * stops there.
   */
  private descend(r: ScoreRange | LexRange, lex: boolean, toMin: boolean): number {
    const mem = this.mem;
    let y = HEAD;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (;;) {
        const p = y + FWD + 2 * i;
        const f = mem[p];
        if (f === NIL || (toMin ? this.gteMin(f, r, lex) : !this.lteMax(f, r, lex))) break;
        rank += mem[p + 1];
        y = f;
      }
    }
    this.foundRank = rank;
    return y;
  }

  firstIn(r: ScoreRange | LexRange, lex: boolean): number {
    if (!this.meets(r, lex)) return NIL;
    const x = this.mem[this.descend(r, lex, true) + FWD];
    return x === NIL || !this.lteMax(x, r, lex) ? NIL : x;
  }

  lastIn(r: ScoreRange | LexRange, lex: boolean): number {
    if (!this.meets(r, lex)) return NIL;
    const y = this.descend(r, lex, false);
    if (y === HEAD || !this.gteMin(y, r, lex)) return NIL;
    this.foundRank--;
    return y;
  }

  firstInScore(r: ScoreRange): number {
    return this.firstIn(r, false);
  }

  lastInScore(r: ScoreRange): number {
    return this.lastIn(r, false);
  }

  firstInLex(r: LexRange): number {
    return this.firstIn(r, true);
  }

  lastInLex(r: LexRange): number {
    return this.lastIn(r, true);
  }

  /** Remove the nodes with 0-based ranks start..end (inclusive, within bounds). */
  deleteRanks(start: number, end: number): void {
    const mem = this.mem;
    let x = mem[this.findRank(start) + FWD];
    for (let n = end - start + 1; n > 0 && x !== NIL; n--) {
      const nx = mem[x + FWD];
      this.unlink(x);
      this.dict.delete(this.memberOf(x));
      this.freeNode(x);
      x = nx;
    }
  }
}
