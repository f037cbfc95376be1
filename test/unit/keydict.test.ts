// The keyspace's table (src/keyspace/keydict.ts) against a Map as the model, under random
// inserts, overwrites and deletes that grow, clean and shrink it; and the property SCAN relies on:
// a live iteration returns every key present from its start to its end, whatever the table did in
// between. The same property over real sockets is in test/commands/scan.test.ts.

import { describe, expect, it } from 'vitest';
import { KeyDict } from '../../src/keyspace/keydict.js';

/** A small deterministic PRNG, so that a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function sorted(it: Iterable<string>): string[] {
  return [...it].sort();
}

describe('KeyDict', () => {
  it('agrees with a Map under random sets, overwrites and deletes', () => {
    const rand = rng(1);
    const d = new KeyDict<number>();
    const m = new Map<string, number>();
    let wrong = 0;
    let maxSlots = 0;
    for (let step = 0; step < 200_000; step++) {
      // Phases of mostly inserting then mostly deleting, so the table grows, fills with
      // tombstones and is rebuilt both ways.
      const insertBias = Math.floor(step / 20_000) % 2 === 0 ? 0.7 : 0.3;
      // Up to 40k keys: tables of up to 16 chunks, probe runs crossing from one chunk to the next.
      const k = `k${Math.floor(rand() * 40_000)}`;
      if (rand() < insertBias) {
        d.set(k, step);
        m.set(k, step);
      } else {
        if (d.delete(k) !== m.delete(k)) wrong++;
      }
      if (step % 997 === 0) d.shrinkIfSparse();
      if (d.slotCount > maxSlots) maxSlots = d.slotCount;
      if (d.size !== m.size || d.get(k) !== m.get(k) || d.has(k) !== m.has(k)) wrong++;
    }
    // Every key looked up, so that probe runs crossing chunk boundaries are followed too.
    for (const [k, v] of m) if (d.get(k) !== v) wrong++;
    expect(wrong).toBe(0);
    // The table is split into chunks of 8192 slots: this run must have spanned several.
    expect(maxSlots).toBeGreaterThanOrEqual(4 * 8192);
    expect(sorted(d.keys())).toEqual(sorted(m.keys()));
    expect(new Map(d.entries())).toEqual(m);
  });

  it('keeps binary-safe keys apart, including the empty key and keys that differ only in case', () => {
    const d = new KeyDict<string>();
    const keys = ['', '\0', '\0\0', 'a', 'A', '\xff', 'a\0b', 'a\0c', ' '];
    for (const k of keys) d.set(k, `v${k}`);
    for (const k of keys) expect(d.get(k)).toBe(`v${k}`);
    expect(d.size).toBe(keys.length);
    expect(d.get('b')).toBeUndefined();
  });

  it('tolerates deletes during a linear iteration', () => {
    const d = new KeyDict<number>();
    for (let i = 0; i < 1000; i++) d.set(`k${i}`, i);
    const seen: string[] = [];
    for (const k of d.keys()) {
      seen.push(k);
      if (Number(k.slice(1)) % 2 === 0) d.delete(k);
    }
    expect(seen.length).toBe(1000);
    expect(d.size).toBe(500);
  });

  it('live iteration returns every key present throughout, across growth and shrinking', () => {
    const rand = rng(7);
    for (let round = 0; round < 20; round++) {
      const d = new KeyDict<number>();
      let next = 0;
      const initial = 500 + Math.floor(rand() * 3000);
      for (; next < initial; next++) d.set(`s${next}`, next);
      const present = new Set(d.keys());
      const deleted = new Set<string>();
      const it = d.liveKeys();
      const returned: string[] = [];
      for (;;) {
        const r = it.next();
        if (r.done === true) break;
        returned.push(r.value);
        // Between steps: bursts of inserts (growing the table several times over) or deletes
        // (emptying it enough to shrink), as concurrent clients would.
        const op = rand();
        if (op < 0.02) {
          for (let n = 0; n < 2000; n++, next++) d.set(`n${next}`, next);
        } else if (op < 0.04) {
          for (const k of [...d.keys()]) {
            if (rand() < 0.9) {
              d.delete(k);
              deleted.add(k);
            }
          }
          d.shrinkIfSparse();
        }
      }
      const got = new Set(returned);
      for (const k of present) if (!deleted.has(k)) expect(got.has(k), `round ${round}: ${k} missed`).toBe(true);
      // Nothing is invented, and a key is returned at most once unless the table shrank.
      for (const k of got) expect(k.startsWith('s') || k.startsWith('n')).toBe(true);
    }
  });

  it('live iteration without changes returns each key exactly once', () => {
    const d = new KeyDict<number>();
    for (let i = 0; i < 10_000; i++) d.set(`x${i}`, i);
    for (let i = 0; i < 10_000; i += 3) d.delete(`x${i}`);
    const it = d.liveKeys();
    const out: string[] = [];
    for (let r = it.next(); r.done !== true; r = it.next()) out.push(r.value);
    expect(out.length).toBe(d.size);
    expect(sorted(out)).toEqual(sorted(d.keys()));
  });

  it('reserve sizes the table once and caps what it believes', () => {
    const d = new KeyDict<number>();
    d.reserve(1000);
    for (let i = 0; i < 1000; i++) d.set(`r${i}`, i);
    expect(d.size).toBe(1000);
    // A file claiming 2^60 keys must not make the server allocate for them.
    const e = new KeyDict<number>();
    e.reserve(2 ** 60);
    e.set('a', 1);
    expect(e.get('a')).toBe(1);
  });
});
