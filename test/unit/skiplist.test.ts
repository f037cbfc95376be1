// The skiplist and the ZSet built on it, checked against a plain sorted array under random
// operations: order, ranks, spans (via rank lookups), range searches and rank deletions.

import { describe, expect, it } from 'vitest';
import { LEX_MINUS, LEX_PLUS, LEX_VALUE, NIL, SkipList, type LexRange, type ScoreRange } from '../../src/keyspace/types/skiplist.js';
import { ZSet } from '../../src/keyspace/types/zset.js';

type Entry = [string, number];

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cmp(a: Entry, b: Entry): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function walk(sl: SkipList): Entry[] {
  const out: Entry[] = [];
  for (let x = sl.first; x !== NIL; x = sl.next(x)) out.push([sl.memberOf(x), sl.scoreOf(x)]);
  return out;
}

function walkBack(sl: SkipList): Entry[] {
  const out: Entry[] = [];
  for (let x = sl.tail; x !== NIL; x = sl.prev(x)) out.push([sl.memberOf(x), sl.scoreOf(x)]);
  return out.reverse();
}

function inScore(v: number, r: ScoreRange): boolean {
  return (r.minex ? v > r.min : v >= r.min) && (r.maxex ? v < r.max : v <= r.max);
}

describe('SkipList against a sorted array', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`random inserts, updates, deletes and range queries (seed ${seed})`, () => {
      const rand = rng(seed);
      const sl = new SkipList(4);
      let model: Entry[] = [];
      const name = (): string => {
        // Short names with shared prefixes and high bytes, so byte order matters.
        const n = Math.floor(rand() * 300);
        return (n % 3 === 0 ? '\xff' : '') + 'm' + n.toString(36) + (n % 7 === 0 ? '\x00' : '');
      };
      const score = (): number => {
        const r = rand();
        if (r < 0.02) return Infinity;
        if (r < 0.04) return -Infinity;
        if (r < 0.5) return Math.floor(rand() * 20); // many ties: order falls back to members
        return (rand() - 0.5) * 1e6;
      };
      for (let step = 0; step < 4000; step++) {
        const op = rand();
        const m = name();
        const idx = model.findIndex((e) => e[0] === m);
        if (op < 0.45) {
          const s = score();
          if (idx < 0) {
            sl.insert(m, s);
            model.push([m, s]);
          } else {
            sl.updateScore(m, s);
            model[idx] = [m, s];
          }
          model.sort(cmp);
        } else if (op < 0.7) {
          expect(sl.delete(m)).toBe(idx >= 0);
          if (idx >= 0) model.splice(idx, 1);
        } else if (op < 0.8 && model.length > 0) {
          const a = Math.floor(rand() * model.length);
          const b = Math.min(model.length - 1, a + Math.floor(rand() * 10));
          sl.deleteRanks(a, b);
          model.splice(a, b - a + 1);
        } else {
          expect(sl.rank(m)).toBe(idx);
          expect(sl.score(m)).toBe(idx >= 0 ? model[idx][1] : undefined);
          if (model.length > 0) {
            const r = Math.floor(rand() * model.length);
            const x = sl.at(r);
            expect([sl.memberOf(x), sl.scoreOf(x)]).toEqual(model[r]);
          }
          const lo = score();
          const hi = score();
          const range: ScoreRange = { min: Math.min(lo, hi), max: Math.max(lo, hi), minex: rand() < 0.5, maxex: rand() < 0.5 };
          const hits = model.map((e, i) => (inScore(e[1], range) ? i : -1)).filter((i) => i >= 0);
          const f = sl.firstInScore(range);
          if (hits.length === 0) {
            expect(f).toBe(NIL);
            expect(sl.lastInScore(range)).toBe(NIL);
          } else {
            expect(sl.memberOf(f)).toBe(model[hits[0]][0]);
            expect(sl.foundRank).toBe(hits[0]);
            const l = sl.lastInScore(range);
            expect(sl.memberOf(l)).toBe(model[hits[hits.length - 1]][0]);
            expect(sl.foundRank).toBe(hits[hits.length - 1]);
          }
        }
        expect(sl.length).toBe(model.length);
        expect(sl.dict.size).toBe(model.length);
        if (step % 97 === 0) {
          expect(walk(sl)).toEqual(model);
          expect(walkBack(sl)).toEqual(model);
          for (let r = 0; r < model.length; r++) expect(sl.rank(model[r][0])).toBe(r);
        }
      }
      expect(walk(sl)).toEqual(model);
      model = [];
    });
  }

  it('lex range searches with -, + and exclusive bounds', () => {
    const sl = new SkipList();
    const names = ['', 'a', 'aa', 'ab', 'b', 'ba', 'c', '\xff', '\xff\x00'];
    for (const n of [...names].reverse()) sl.insert(n, 0);
    const mk = (min: string, max: string): LexRange => {
      const item = (s: string): [string, number, boolean] =>
        s === '-' ? ['', LEX_MINUS, true] : s === '+' ? ['', LEX_PLUS, true] : [s.slice(1), LEX_VALUE, s[0] === '('];
      const [a, ak, ax] = item(min);
      const [b, bk, bx] = item(max);
      return { min: a, minKind: ak, minex: ax, max: b, maxKind: bk, maxex: bx };
    };
    const cases: [string, string, string[]][] = [
      ['-', '+', names], ['[a', '[b', ['a', 'aa', 'ab', 'b']], ['(a', '(b', ['aa', 'ab']], ['[b', '[a', []],
      ['+', '-', []], ['-', '-', []], ['+', '+', []], ['[', '(a', ['']], ['(\xff', '+', ['\xff\x00']], ['[ab', '[ab', ['ab']], ['(ab', '[ab', []],
    ];
    for (const [min, max, want] of cases) {
      const r = mk(min, max);
      const f = sl.firstInLex(r);
      if (want.length === 0) {
        expect(f, `${min} ${max}`).toBe(NIL);
        continue;
      }
      expect(sl.memberOf(f)).toBe(want[0]);
      expect(sl.foundRank).toBe(names.indexOf(want[0]));
      const l = sl.lastInLex(r);
      expect(sl.memberOf(l)).toBe(want[want.length - 1]);
      expect(sl.foundRank).toBe(names.indexOf(want[want.length - 1]));
    }
  });

  it('reuses freed nodes and link blocks instead of growing', () => {
    const sl = new SkipList(8);
    for (let i = 0; i < 1000; i++) sl.insert(`m${i}`, i);
    const cap = sl.mem.length;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1000; i++) sl.delete(`m${i}`);
      expect(sl.length).toBe(0);
      expect(sl.first).toBe(NIL);
      for (let i = 0; i < 1000; i++) sl.insert(`m${i}`, 1000 - i);
    }
    // Levels are random, so a block size may run short now and then; growth stays bounded.
    expect(sl.mem.length).toBeLessThanOrEqual(cap * 2);
    expect(sl.rank('m999')).toBe(0);
    expect(sl.rank('m0')).toBe(999);
  });
});

describe('ZSet small and big forms agree', () => {
  it('answers the same queries in both encodings', () => {
    const rand = rng(7);
    const small = new ZSet(0, 0);
    const big = new ZSet(1, 1000); // a member longer than the listpack limit: skiplist from the start
    expect(small.encoding()).toBe('listpack');
    expect(big.encoding()).toBe('skiplist');
    for (let i = 0; i < 100; i++) {
      const m = `k${Math.floor(rand() * 60)}`;
      const s = Math.floor(rand() * 10);
      const update = rand() < 0.5;
      for (const z of [small, big]) {
        if (z.score(m) === undefined) z.insert(m, s);
        else if (update) z.update(m, s);
        else z.delete(m);
      }
    }
    expect(small.encoding()).toBe('listpack');
    const dump = (z: ZSet): Entry[] => {
      const out: Entry[] = [];
      for (let h = z.size > 0 ? z.at(0) : -1; h !== -1; h = z.next(h)) out.push([z.member(h), z.scoreAt(h)]);
      return out;
    };
    expect(dump(small)).toEqual(dump(big));
    const r: ScoreRange = { min: 2, max: 7, minex: true, maxex: false };
    expect(small.firstInScore(r)).toBe(big.firstInScore(r));
    expect(small.lastInScore(r)).toBe(big.lastInScore(r));
    const c = small.clone();
    c.deleteRanks(0, 2);
    expect(c.size).toBe(small.size - 3);
    const bc = big.clone();
    expect(dump(bc)).toEqual(dump(big));
    expect(bc.encoding()).toBe('skiplist');
  });

  it('converts to a skiplist past 128 members or a 64-byte member, and stays one', () => {
    const z = new ZSet(0, 0);
    for (let i = 0; i < 128; i++) z.insert(`m${i}`, i);
    expect(z.encoding()).toBe('listpack');
    z.insert('m128', 128);
    expect(z.encoding()).toBe('skiplist');
    z.deleteRanks(0, 120);
    expect(z.encoding()).toBe('skiplist');
    const y = new ZSet(1, 1);
    y.insert('x'.repeat(64), 1);
    expect(y.encoding()).toBe('listpack');
    y.insert('x'.repeat(65), 1);
    expect(y.encoding()).toBe('skiplist');
    expect(y.rank('x'.repeat(65))).toBe(1);
  });
});

describe('ZSet small (packed) form against a sorted array', () => {
  it('ranks, handles both ways, score and lex ranges, rank deletion', () => {
    const rand = rng(11);
    for (let round = 0; round < 40; round++) {
      const z = new ZSet(0, 0);
      let model: Entry[] = [];
      const sameScore = round % 4 === 0; // lex queries are only meaningful with equal scores
      for (let i = 0; i < 120; i++) {
        const m = String.fromCharCode(97 + Math.floor(rand() * 26)).repeat(1 + Math.floor(rand() * 40)) + (rand() < 0.2 ? '\xff' : '');
        const s = sameScore ? 0 : rand() < 0.1 ? -Infinity : Math.floor(rand() * 50) / 4;
        const idx = model.findIndex((e) => e[0] === m);
        if (idx < 0) {
          z.insert(m, s);
          model.push([m, s]);
        } else if (rand() < 0.5) {
          z.update(m, s);
          model[idx] = [m, s];
        } else {
          expect(z.delete(m)).toBe(true);
          model.splice(idx, 1);
        }
        model.sort(cmp);
      }
      expect(z.encoding()).toBe('listpack');
      expect(z.size).toBe(model.length);
      for (let r = 0; r < model.length; r++) {
        const h = z.at(r);
        expect([z.member(h), z.scoreAt(h)]).toEqual(model[r]);
        expect(z.rank(model[r][0])).toBe(r);
        expect(z.score(model[r][0])).toBe(model[r][1]);
      }
      const back: Entry[] = [];
      for (let h = z.size > 0 ? z.at(z.size - 1) : -1; h !== -1; h = z.prev(h)) back.push([z.member(h), z.scoreAt(h)]);
      expect(back.reverse()).toEqual(model);
      for (let q = 0; q < 20; q++) {
        const a = Math.floor(rand() * 52) / 4 - 0.5;
        const b = Math.floor(rand() * 52) / 4 - 0.5;
        const r: ScoreRange = { min: a, max: b, minex: rand() < 0.5, maxex: rand() < 0.5 };
        const hits = model.map((e, i) => (inScore(e[1], r) ? i : -1)).filter((i) => i >= 0);
        expect(z.firstInScore(r)).toBe(hits.length ? hits[0] : -1);
        expect(z.lastInScore(r)).toBe(hits.length ? hits[hits.length - 1] : -1);
        if (sameScore) {
          const lo = String.fromCharCode(97 + Math.floor(rand() * 26));
          const hi = String.fromCharCode(97 + Math.floor(rand() * 26));
          const lr: LexRange = { min: lo, max: hi, minKind: LEX_VALUE, maxKind: LEX_VALUE, minex: rand() < 0.5, maxex: rand() < 0.5 };
          const inLex = (m: string): boolean => (lr.minex ? m > lo : m >= lo) && (lr.maxex ? m < hi : m <= hi);
          const lh = model.map((e, i) => (inLex(e[0]) ? i : -1)).filter((i) => i >= 0);
          expect(z.firstInLex(lr)).toBe(lh.length ? lh[0] : -1);
          expect(z.lastInLex(lr)).toBe(lh.length ? lh[lh.length - 1] : -1);
          expect(z.lexCount(lr)).toBe(lh.length);
        }
      }
      if (model.length > 3) {
        const a = Math.floor(rand() * (model.length - 2));
        z.deleteRanks(a, a + 2);
        model = model.filter((_, i) => i < a || i > a + 2);
        expect(z.size).toBe(model.length);
        for (let r = 0; r < model.length; r++) expect(z.member(z.at(r))).toBe(model[r][0]);
      }
    }
  });
});

describe('ZSet skiplist memory', () => {
  it('gives block memory back after most members are deleted', () => {
    const z = new ZSet(1, 1000);
    for (let i = 0; i < 100000; i++) z.insert(`m${i}`, i);
    const big = z.sl!.mem.length;
    z.deleteRanks(0, 89999);
    for (let i = 90000; i < 99000; i++) expect(z.delete(`m${i}`)).toBe(true);
    expect(z.size).toBe(1000);
    expect(z.sl!.mem.length).toBeLessThan(big / 8);
    expect(z.rank('m99000')).toBe(0);
    expect(z.member(z.at(999))).toBe('m99999');
    expect(z.score('m99500')).toBe(99500);
    z.insert('new', -1);
    expect(z.rank('new')).toBe(0);
  });
});
