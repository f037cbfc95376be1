// The SCAN machinery HSCAN, SSCAN and ZSCAN share (src/keyspace/scan.ts), driven directly on
// Maps and Sets with an internal client, and checked on the exact reply bytes.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseScanCursor, parseScanOptions, replyEmptyScan, scanCollection } from '../../src/keyspace/scan.js';
import { formatDouble17g } from '../../src/protocol/format.js';
import { fakeClient, type Client } from '../../src/server/client.js';
import { server } from '../../src/server/state.js';
import { Config } from '../../src/config/store.js';
import { splitFrames } from '../helpers/resp.js';

let c: Client;

beforeAll(() => {
  // Fake timers from the start, so the cursor sweeper runs when a test advances the clock.
  vi.useFakeTimers();
  server.init(new Config());
  c = fakeClient();
});

afterAll(() => {
  vi.useRealTimers();
});

/** Run one step; returns [cursor, items] from the reply bytes, or the error line. */
function step(coll: Map<string, unknown> | Set<string>, cursor: string, opts: string[], valueText: ((v: never) => string) | null, whole = false): [string, string[]] {
  const argv = ['HSCAN', 'key', cursor, ...opts];
  const cur = parseScanCursor(c, argv[2]);
  if (cur >= 0 && parseScanOptions(c, argv, 3, false)) scanCollection(c, 'key', coll, coll as Map<string, never>, cur, valueText, whole);
  const text = c.reply.take().toString('latin1');
  if (text.startsWith('-')) return ['error', [text]];
  const [frames, rest] = splitFrames(text);
  expect(frames.length).toBe(1);
  expect(rest).toBe('');
  const lines = text.split('\r\n');
  const items: string[] = [];
  const n = Number(lines[3].slice(1));
  for (let i = 0; i < n; i++) items.push(lines[5 + 2 * i]);
  return [lines[2], items];
}

function walk(coll: Map<string, unknown> | Set<string>, opts: string[], valueText: ((v: never) => string) | null, between?: () => void): string[] {
  const out: string[] = [];
  let cursor = '0';
  let guard = 0;
  do {
    const [next, items] = step(coll, cursor, opts, valueText);
    out.push(...items);
    cursor = next;
    if (between) between();
    if (++guard > 10000) throw new Error('no end');
  } while (cursor !== '0');
  return out;
}

const text = (v: string): string => v;

describe('scanCollection', () => {
  it('replies field/value pairs for a hash-like Map, COUNT entries per step', () => {
    const h = new Map<string, string>();
    for (let i = 0; i < 25; i++) h.set(`f${i}`, `v${i}`);
    const [cursor, first] = step(h, '0', ['COUNT', '10'], text);
    expect(cursor).not.toBe('0');
    expect(first.length).toBe(20);
    expect(first.slice(0, 4)).toEqual(['f0', 'v0', 'f1', 'v1']);
    const all = walk(h, ['COUNT', '10'], text);
    expect(all.length).toBe(50);
    for (let i = 0; i < 50; i += 2) expect(all[i + 1]).toBe(`v${all[i].slice(1)}`);
  });

  it('MATCH drops a pair whole, and "*" matches everything', () => {
    const h = new Map([['apple', '1'], ['banana', '2'], ['avocado', '3']]);
    expect(step(h, '0', ['MATCH', 'a*'], text)).toEqual(['0', ['apple', '1', 'avocado', '3']]);
    expect(step(h, '0', ['MATCH', '*'], text)).toEqual(['0', ['apple', '1', 'banana', '2', 'avocado', '3']]);
  });

  it('returns a compact collection whole with cursor 0, whatever COUNT says', () => {
    const s = new Set(['a', 'b', 'c', 'd', 'e']);
    expect(step(s, '0', ['COUNT', '1'], null, true)).toEqual(['0', ['a', 'b', 'c', 'd', 'e']]);
    expect(step(s, '77', ['COUNT', '1', 'MATCH', '[bd]'], null, true)).toEqual(['0', ['b', 'd']]);
  });

  it('formats zset scores with the value hook', () => {
    const z = new Map([['m1', 1.5], ['m2', 0.1], ['m3', -Infinity]]);
    expect(step(z, '0', [], formatDouble17g as (v: never) => string)).toEqual(['0', ['m1', '1.5', 'm2', '0.10000000000000001', 'm3', '-inf']]);
  });

  it('returns members present throughout exactly once while the set changes between steps', () => {
    const s = new Set<string>();
    for (let i = 0; i < 500; i++) s.add(`keep${i}`);
    for (let i = 0; i < 500; i++) s.add(`tmp${i}`);
    let n = 0;
    const seen = walk(s, ['COUNT', '13'], null, () => {
      for (let i = 0; i < 20; i++) s.add(`new${n++}`);
      s.delete(`tmp${n % 500}`);
    });
    const keep = seen.filter((m) => m.startsWith('keep'));
    expect(keep.length).toBe(500);
    expect(new Set(keep).size).toBe(500);
  });

  it('restarts when the collection under a cursor was replaced', () => {
    const a = new Set(['x1', 'x2', 'x3']);
    const [cursor] = step(a, '0', ['COUNT', '1'], null);
    const b = new Set(['y1', 'y2']);
    expect(step(b, cursor, ['COUNT', '10'], null)).toEqual(['0', ['y1', 'y2']]);
  });

  describe('abandoned cursors', () => {
    it('are swept once their collection has left the keyspace, and kept while it is there', () => {
      const kept = new Set(['k1', 'k2', 'k3']);
      const gone = new Set(['g1', 'g2', 'g3']);
      c.db.dict.set('key', kept as never);
      const [keptCursor, k] = step(kept, '0', ['COUNT', '1'], null);
      expect(k).toEqual(['k1']);
      c.db.dict.set('key', gone as never);
      const [goneCursor, g] = step(gone, '0', ['COUNT', '1'], null);
      expect(g).toEqual(['g1']);
      // The key now holds `kept` again, so `gone` has left the keyspace.
      c.db.dict.set('key', kept as never);
      vi.advanceTimersByTime(11_000);
      expect(step(kept, keptCursor, ['COUNT', '1'], null)[1]).toEqual(['k2']);
      expect(step(gone, goneCursor, ['COUNT', '1'], null)[1]).toEqual(['g1']);
      c.db.dict.delete('key');
    });
  });

  it('rejects TYPE and bad options like HSCAN does, and replies the empty scan', () => {
    const s = new Set(['a']);
    expect(step(s, '0', ['TYPE', 'string'], null)).toEqual(['error', ['-ERR syntax error\r\n']]);
    expect(step(s, '0', ['COUNT', '0'], null)).toEqual(['error', ['-ERR syntax error\r\n']]);
    expect(step(s, 'abc', [], null)).toEqual(['error', ['-ERR invalid cursor\r\n']]);
    replyEmptyScan(c);
    expect(c.reply.take().toString('latin1')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
  });
});
