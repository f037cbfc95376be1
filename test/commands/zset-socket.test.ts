// Sorted-set behaviour that a byte-for-byte comparison cannot cover: random replies checked by
// their properties, and rank/range queries staying logarithmic on a 1M-member set.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';

/** Bulk strings of a flat RESP2 array reply, in order. */
function bulks(frame: string): string[] {
  const out: string[] = [];
  const re = /\$(\d+)\r\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(frame)) !== null) {
    const len = Number(m[1]);
    out.push(frame.slice(re.lastIndex, re.lastIndex + len));
    re.lastIndex += len + 2;
  }
  return out;
}

describe('zset over a socket', () => {
  let s: RunningServer;
  let c: RespConn;
  beforeAll(async () => {
    s = await startShoal();
    c = await RespConn.connect(s.port);
  });
  afterAll(async () => {
    c.close();
    await s.stop();
  });

  it('ZRANDMEMBER: distinct members for a positive count, repeats allowed for a negative one', async () => {
    const members: string[] = [];
    const args: string[] = ['ZADD', 'r'];
    for (let i = 0; i < 200; i++) {
      members.push(`m${i}`);
      args.push(String(i), `m${i}`);
    }
    await c.call(...args);
    for (const count of [5, 100, 150, 199]) {
      const got = bulks(await c.call('ZRANDMEMBER', 'r', String(count)));
      expect(got.length).toBe(count);
      expect(new Set(got).size).toBe(count);
      for (const g of got) expect(members).toContain(g);
    }
    const rep = bulks(await c.call('ZRANDMEMBER', 'r', '-1000'));
    expect(rep.length).toBe(1000);
    expect(new Set(rep).size).toBeLessThan(200 + 1);
    expect(new Set(rep).size).toBeGreaterThan(100); // 1000 draws from 200 miss few
    const ws = bulks(await c.call('ZRANDMEMBER', 'r', '-50', 'WITHSCORES'));
    expect(ws.length).toBe(100);
    for (let i = 0; i < ws.length; i += 2) expect(ws[i]).toBe(`m${ws[i + 1]}`);
    const one = bulks(await c.call('ZRANDMEMBER', 'r'));
    expect(members).toContain(one[0]);
    await c.call('HELLO', '3');
    const r3 = await c.call('ZRANDMEMBER', 'r', '3', 'WITHSCORES');
    expect(r3).toMatch(/^\*3\r\n\*2\r\n\$\d+\r\nm(\d+)\r\n,\d+\r\n/);
    await c.call('HELLO', '2');
  });

  it('ZADD of 1M members, then rank and range queries in the middle stay fast', async () => {
    const N = 1_000_000;
    const BATCH = 1000;
    const chunks: Buffer[] = [];
    for (let b = 0; b < N / BATCH; b++) {
      const argv: string[] = ['ZADD', 'big'];
      for (let i = b * BATCH; i < (b + 1) * BATCH; i++) argv.push(String(i), `member:${String(i).padStart(7, '0')}`);
      chunks.push(encodeCommand(argv));
    }
    c.write(Buffer.concat(chunks));
    const replies = await c.read(N / BATCH, 120_000);
    expect(replies.every((r) => r === `:${BATCH}\r\n`)).toBe(true);
    expect(await c.call('ZCARD', 'big')).toBe(`:${N}\r\n`);

    // 2000 queries around the middle: logarithmic time takes milliseconds, a linear walk of half
    // a million nodes per query would take minutes.
    const Q = 500;
    const start = performance.now();
    const pipeline: Buffer[] = [];
    for (let q = 0; q < Q; q++) {
      const i = N / 2 + q * 17;
      pipeline.push(encodeCommand(['ZRANK', 'big', `member:${String(i).padStart(7, '0')}`]));
      pipeline.push(encodeCommand(['ZRANGE', 'big', String(i), String(i + 2), 'WITHSCORES']));
      pipeline.push(encodeCommand(['ZREVRANGE', 'big', String(i), String(i)]));
      pipeline.push(encodeCommand(['ZCOUNT', 'big', String(i), `(${i + 1000}`]));
    }
    c.write(Buffer.concat(pipeline));
    const out = await c.read(Q * 4, 60_000);
    const elapsed = performance.now() - start;
    for (let q = 0; q < Q; q++) {
      const i = N / 2 + q * 17;
      const name = (k: number): string => `member:${String(k).padStart(7, '0')}`;
      expect(out[q * 4]).toBe(`:${i}\r\n`);
      expect(bulks(out[q * 4 + 1])).toEqual([name(i), String(i), name(i + 1), String(i + 1), name(i + 2), String(i + 2)]);
      expect(bulks(out[q * 4 + 2])).toEqual([name(N - 1 - i)]);
      expect(out[q * 4 + 3]).toBe(':1000\r\n');
    }
    expect(elapsed).toBeLessThan(5000);

    // A few random members of a huge set cost O(count log n), not O(n).
    const t2 = performance.now();
    c.write(Buffer.concat(Array.from({ length: 200 }, () => encodeCommand(['ZRANDMEMBER', 'big', '10', 'WITHSCORES']))));
    const rnd = await c.read(200, 60_000);
    expect(performance.now() - t2).toBeLessThan(3000);
    for (const r of rnd) {
      const b = bulks(r);
      expect(b.length).toBe(20);
      const names = b.filter((_, i) => i % 2 === 0);
      expect(new Set(names).size).toBe(10);
      for (let i = 0; i < b.length; i += 2) expect(b[i]).toBe(`member:${b[i + 1].padStart(7, '0')}`);
    }

    expect(await c.call('ZRANGEBYSCORE', 'big', '(499999', '500001', 'LIMIT', '0', '5')).toBe(
      '*2\r\n$14\r\nmember:0500000\r\n$14\r\nmember:0500001\r\n',
    );
    expect(await c.call('ZREMRANGEBYRANK', 'big', '500000', '500099')).toBe(':100\r\n');
    expect(await c.call('ZRANK', 'big', 'member:0500100')).toBe(':500000\r\n');
    expect(await c.call('ZINCRBY', 'big', '-1000000', 'member:0999999')).toBe('$2\r\n-1\r\n');
    expect(await c.call('ZRANK', 'big', 'member:0999999')).toBe(':0\r\n');
    expect(await c.call('ZPOPMIN', 'big')).toBe('*2\r\n$14\r\nmember:0999999\r\n$2\r\n-1\r\n');
    expect(await c.call('DEL', 'big')).toBe(':1\r\n');
  }, 180_000);
});
