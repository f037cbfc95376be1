// SPOP / SRANDMEMBER results are random, so they are checked by their properties.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';
import { splitFrames } from '../helpers/resp.js';

describe('random set members', () => {
  let s: RunningServer;
  let r: Redis;
  beforeAll(async () => {
    s = await startShoal();
    r = new Redis({ port: s.port, lazyConnect: true, enableReadyCheck: false });
    await r.connect();
  });
  afterAll(async () => {
    r?.disconnect();
    await s?.stop();
  });

  const members = Array.from({ length: 200 }, (_, i) => `m${i}`);

  it('SRANDMEMBER with a positive count gives distinct members of the set', async () => {
    await r.del('s');
    await r.sadd('s', ...members);
    for (const count of [1, 5, 67, 150, 199, 200, 500]) {
      const got = await r.srandmember('s', count);
      expect(got.length).toBe(Math.min(count, members.length));
      expect(new Set(got).size).toBe(got.length);
      for (const m of got) expect(members).toContain(m);
    }
    expect(await r.scard('s')).toBe(200);
  });

  it('SRANDMEMBER with a negative count may repeat and returns exactly |count| members', async () => {
    await r.del('small');
    await r.sadd('small', 'a', 'b');
    const got = await r.srandmember('small', -1000);
    expect(got.length).toBe(1000);
    expect(new Set(got)).toEqual(new Set(['a', 'b']));
  });

  it('SRANDMEMBER without count picks every member sooner or later', async () => {
    await r.del('t');
    await r.sadd('t', 'x', 'y', 'z');
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 3; i++) seen.add((await r.srandmember('t')) as string);
    expect(seen).toEqual(new Set(['x', 'y', 'z']));
  });

  it('SPOP removes exactly what it returns, with and without count', async () => {
    await r.del('p');
    await r.sadd('p', ...members);
    const one = (await r.spop('p')) as string;
    expect(members).toContain(one);
    expect(await r.sismember('p', one)).toBe(0);
    const few = await r.spop('p', 10);
    const many = await r.spop('p', 180);
    const all = [one, ...few, ...many];
    expect(new Set(all).size).toBe(191);
    for (const m of all) expect(await r.sismember('p', m)).toBe(0);
    expect(await r.scard('p')).toBe(9);
    const rest = await r.spop('p', 100);
    expect(new Set([...all, ...rest])).toEqual(new Set(members));
    expect(await r.exists('p')).toBe(0);
  });

  it('SPOP keeps popping distinct members from a big set until it is gone', async () => {
    await r.del('big');
    const n = 20000;
    for (let i = 0; i < n; i += 1000) await r.sadd('big', ...Array.from({ length: 1000 }, (_, j) => String(i + j)));
    const pipe = r.pipeline();
    for (let i = 0; i < n; i++) pipe.spop('big');
    const res = (await pipe.exec())!.map(([, v]) => v as string);
    expect(new Set(res).size).toBe(n);
    expect(await r.exists('big')).toBe(0);
  });

  it('SPOP and SRANDMEMBER only ever return current members while SADD and SREM interleave', async () => {
    await r.del('mix');
    const model = new Set<string>();
    for (let round = 0; round < 1500; round++) {
      const add = `e${Math.floor(Math.random() * 40)}`;
      const rem = `e${Math.floor(Math.random() * 40)}`;
      const pipe = r.pipeline().sadd('mix', add).srem('mix', rem).spop('mix').srandmember('mix').scard('mix');
      const [[, added], [, removed], [, popped], [, rand], [, card]] = (await pipe.exec())!;
      expect(added).toBe(model.has(add) ? 0 : 1);
      model.add(add);
      expect(removed).toBe(model.has(rem) ? 1 : 0);
      model.delete(rem);
      if (model.size === 0) {
        expect(popped).toBeNull();
      } else {
        expect(model.has(popped as string)).toBe(true);
        model.delete(popped as string);
      }
      if (model.size === 0) expect(rand).toBeNull();
      else expect(model.has(rand as string)).toBe(true);
      expect(card).toBe(model.size);
    }
  });

  it('SADD and SPOP interleaved on a big set stay fast', async () => {
    await r.del('queue');
    for (let i = 0; i < 100000; i += 5000) await r.sadd('queue', ...Array.from({ length: 5000 }, (_, j) => `job${i + j}`));
    const pipe = r.pipeline();
    for (let i = 0; i < 20000; i++) pipe.sadd('queue', `new${i}`).spop('queue');
    const start = performance.now();
    const res = (await pipe.exec())!;
    // Rebuilding an index of 100k members per SPOP would take minutes.
    expect(performance.now() - start).toBeLessThan(10000);
    expect(res.every(([err]) => err === null)).toBe(true);
    expect(await r.scard('queue')).toBe(100000);
  });

  it('SRANDMEMBER stays uniform after members come and go', async () => {
    await r.del('u');
    await r.sadd('u', ...Array.from({ length: 30 }, (_, i) => `x${i}`));
    await r.srandmember('u');
    await r.srem('u', ...Array.from({ length: 20 }, (_, i) => `x${i}`));
    await r.sadd('u', 'x0', 'x1', 'x2');
    const got = await r.srandmember('u', -13000);
    const counts = new Map<string, number>();
    for (const m of got) counts.set(m, (counts.get(m) ?? 0) + 1);
    const expected = ['x0', 'x1', 'x2', ...Array.from({ length: 10 }, (_, i) => `x${20 + i}`)];
    expect([...counts.keys()].sort()).toEqual(expected.sort());
    // 1000 expected per member, standard deviation about 30.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(800);
      expect(n).toBeLessThan(1200);
    }
  });

  it('RESP3 replies SPOP with count as a set and SRANDMEMBER with count as an array', async () => {
    await r.del('q');
    await r.sadd('q', 'a', 'b', 'c');
    const c = await RespConn.connect(s.port);
    await c.call('HELLO', '3');
    expect((await c.call('SRANDMEMBER', 'q', '2')).startsWith('*2\r\n')).toBe(true);
    const popped = await c.call('SPOP', 'q', '2');
    expect(popped.startsWith('~2\r\n')).toBe(true);
    expect(splitFrames(popped.slice(4))[0].length).toBe(2);
    c.close();
  });
});
