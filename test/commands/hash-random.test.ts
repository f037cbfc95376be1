// HRANDFIELD results are random, so they are checked by their properties, in RESP2 and RESP3.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';
import { splitFrames } from '../helpers/resp.js';

/** The elements of an aggregate reply frame, as frames. */
function items(frame: string): string[] {
  const nl = frame.indexOf('\r\n');
  const [all] = splitFrames(frame.slice(nl + 2));
  return all;
}

const bulk = (frame: string): string => frame.slice(frame.indexOf('\r\n') + 2, -2);

describe('HRANDFIELD', () => {
  let s: RunningServer;
  let c: RespConn;
  const fields = Array.from({ length: 50 }, (_, i) => `f${i}`);
  beforeAll(async () => {
    s = await startShoal();
    c = await RespConn.connect(s.port);
    await c.call('HSET', 'h', ...fields.flatMap((f) => [f, `v${f.slice(1)}`]));
  });
  afterAll(async () => {
    c?.close();
    await s?.stop();
  });

  it('returns distinct fields for a positive count, all of them when count exceeds the size', async () => {
    for (const count of [1, 7, 20, 49, 50, 80]) {
      const got = items(await c.call('HRANDFIELD', 'h', String(count))).map(bulk);
      expect(got.length).toBe(Math.min(count, 50));
      expect(new Set(got).size).toBe(got.length);
      for (const f of got) expect(fields).toContain(f);
    }
  });

  it('repeats fields for a negative count and pairs values in RESP2 as a flat array', async () => {
    const got = items(await c.call('HRANDFIELD', 'h', '-200', 'WITHVALUES')).map(bulk);
    expect(got.length).toBe(400);
    for (let i = 0; i < got.length; i += 2) expect(got[i + 1]).toBe(`v${got[i].slice(1)}`);
    expect(new Set(got.filter((_, i) => i % 2 === 0)).size).toBeLessThan(200);
  });

  it('pairs values as two-element arrays in RESP3', async () => {
    const r3 = await RespConn.connect(s.port);
    await r3.call('HELLO', '3');
    for (const count of ['5', '-5', '100']) {
      const pairs = items(await r3.call('HRANDFIELD', 'h', count, 'WITHVALUES'));
      expect(pairs.length).toBe(count === '100' ? 50 : 5);
      for (const p of pairs) {
        expect(p.startsWith('*2\r\n')).toBe(true);
        const [f, v] = items(p).map(bulk);
        expect(v).toBe(`v${f.slice(1)}`);
      }
    }
    expect(await r3.call('HRANDFIELD', 'nokey')).toBe('_\r\n');
    r3.close();
  });

  it('picks a single field that exists', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(bulk(await c.call('HRANDFIELD', 'h')));
    for (const f of seen) expect(fields).toContain(f);
    expect(seen.size).toBeGreaterThan(20);
  });
});
