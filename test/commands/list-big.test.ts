// Big lists over a real socket: both ends must stay O(1) and random access must not walk the list.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';

const N = 1_000_000;
const BATCH = 1000;

describe('a list of a million elements', () => {
  let s: RunningServer;
  let c: RespConn;
  beforeAll(async () => {
    s = await startShoal();
    c = await RespConn.connect(s.port);
  });
  afterAll(async () => {
    c?.close();
    await s?.stop();
  });

  /** Send commands pipelined in one write; returns every reply. */
  async function pipeline(cmds: string[][], timeoutMs = 60000): Promise<string[]> {
    c.write(Buffer.concat(cmds.map((a) => encodeCommand(a))));
    return c.read(cmds.length, timeoutMs);
  }

  it('is built with RPUSH and answers LLEN', async () => {
    const cmds: string[][] = [];
    for (let i = 0; i < N; i += BATCH) {
      const cmd = ['RPUSH', 'big'];
      for (let j = i; j < i + BATCH; j++) cmd.push(String(j));
      cmds.push(cmd);
    }
    const replies = await pipeline(cmds);
    expect(replies[replies.length - 1]).toBe(`:${N}\r\n`);
    expect(await c.call('LLEN', 'big')).toBe(`:${N}\r\n`);
  });

  it('serves LINDEX and LSET anywhere without walking the list', async () => {
    const cmds: string[][] = [];
    const idx: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const k = Math.floor(Math.random() * N);
      idx.push(k);
      cmds.push(['LINDEX', 'big', String(k)]);
    }
    const start = performance.now();
    const replies = await pipeline(cmds);
    const ms = performance.now() - start;
    for (let i = 0; i < idx.length; i++) expect(replies[i]).toBe(`$${String(idx[i]).length}\r\n${idx[i]}\r\n`);
    // A list walk costs milliseconds per lookup at this size: 20k of them would take tens of seconds.
    expect(ms).toBeLessThan(5000);
    expect(await c.call('LINDEX', 'big', String(N / 2))).toBe(`$6\r\n${N / 2}\r\n`);
    expect(await c.call('LINDEX', 'big', '-1')).toBe(`$6\r\n${N - 1}\r\n`);
    expect(await c.call('LSET', 'big', String(N / 2), 'middle')).toBe('+OK\r\n');
    expect(await c.call('LINDEX', 'big', String(N / 2))).toBe('$6\r\nmiddle\r\n');
    expect(await c.call('LSET', 'big', String(N / 2), String(N / 2))).toBe('+OK\r\n');
  });

  it('pushes and pops single elements at both ends in constant time', async () => {
    const cmds: string[][] = [];
    for (let i = 0; i < 50000; i++) cmds.push(['LPUSH', 'big', `h${i}`], ['RPOP', 'big'], ['LPOP', 'big'], ['RPUSH', 'big', `t${i}`]);
    const start = performance.now();
    const replies = await pipeline(cmds);
    const ms = performance.now() - start;
    // Array.shift/unshift would move a million pointers per command: minutes, not seconds.
    expect(ms).toBeLessThan(10000);
    expect(replies[0]).toBe(`:${N + 1}\r\n`);
    expect(replies[1]).toBe(`$6\r\n${N - 1}\r\n`);
    expect(replies[2]).toBe('$2\r\nh0\r\n');
    expect(await c.call('LLEN', 'big')).toBe(`:${N}\r\n`);
    // Each round's LPOP takes back its own LPUSH; each RPOP takes the previous round's RPUSH.
    expect(await c.call('LINDEX', 'big', '0')).toBe('$1\r\n0\r\n');
    expect(await c.call('LINDEX', 'big', '-2')).toBe(`$6\r\n${N - 2}\r\n`);
    expect(await c.call('LINDEX', 'big', '-1')).toBe('$6\r\nt49999\r\n');
  });

  it('pops everything in counted batches and deletes the key', async () => {
    const cmds: string[][] = [];
    for (let i = 0; i < N / 2; i += 10000) cmds.push(['LPOP', 'big', '10000'], ['RPOP', 'big', '10000']);
    const replies = await pipeline(cmds);
    expect(replies[0].startsWith('*10000\r\n$1\r\n0\r\n$1\r\n1\r\n')).toBe(true);
    expect(replies[1].startsWith('*10000\r\n$6\r\nt49999\r\n')).toBe(true);
    expect(await c.call('EXISTS', 'big')).toBe(':0\r\n');
    expect(await c.call('LPOP', 'big')).toBe('$-1\r\n');
  });
});
