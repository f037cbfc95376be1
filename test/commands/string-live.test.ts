// String behaviour that a reply-by-reply comparison cannot show: keys really expiring after
// SETEX/PSETEX/SET PX/GETEX, and in-place writes staying cheap as values grow.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';

let shoal: RunningServer;
let conn: RespConn;

beforeAll(async () => {
  shoal = await startShoal();
  conn = await RespConn.connect(shoal.port);
});

afterAll(async () => {
  conn?.close();
  await shoal?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Send many commands in one write and collect every reply. */
async function pipeline(cmds: string[][]): Promise<string[]> {
  conn.write(Buffer.concat(cmds.map((c) => encodeCommand(c))));
  return conn.read(cmds.length, 60_000);
}

describe('expiry set by string commands', () => {
  it('SETEX, PSETEX, SET PX/PXAT and GETEX PX expire the key; GETEX PERSIST keeps it', async () => {
    const at = String(Date.now() + 150);
    const replies = await pipeline([
      ['FLUSHALL'], ['PSETEX', 'a', '150', 'v'], ['SET', 'b', 'v', 'PX', '150'], ['SET', 'c', 'v', 'PXAT', at],
      ['SET', 'd', 'v'], ['GETEX', 'd', 'PX', '150'], ['SET', 'e', 'v', 'PX', '150'], ['GETEX', 'e', 'PERSIST'],
      ['SETEX', 'f', '100', 'v'], ['SET', 'f', 'w'], ['SET', 'g', 'v', 'PX', '150'], ['SET', 'g', 'w', 'KEEPTTL'],
      ['SET', 'h', '1', 'PX', '150'], ['INCRBYFLOAT', 'h', '1'], ['APPEND', 'h', '0'], ['SET', 'i', 'v', 'PX', '150'],
      ['GETSET', 'i', 'w'], ['MGET', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
    ]);
    expect(replies.at(-1)).toBe('*9\r\n$1\r\nv\r\n$1\r\nv\r\n$1\r\nv\r\n$1\r\nv\r\n$1\r\nv\r\n$1\r\nw\r\n$1\r\nw\r\n$2\r\n20\r\n$1\r\nw\r\n');
    await sleep(300);
    // Expired: a b c d (GETEX PX), g (KEEPTTL kept the TTL), h (INCRBYFLOAT/APPEND keep it). Kept: e f i.
    expect(await conn.call('MGET', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i')).toBe(
      '*9\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$1\r\nv\r\n$1\r\nw\r\n$-1\r\n$-1\r\n$1\r\nw\r\n',
    );
    expect(await conn.call('EXISTS', 'a', 'b', 'c', 'd', 'g', 'h')).toBe(':0\r\n');
  });
});

describe('in-place writes are amortised O(1)', () => {
  // Copying the whole value on every write would move tens of gigabytes here (n^2/2 bytes).
  it('100k APPENDs, each followed by a read, stay fast and exact', async () => {
    const cmds: string[][] = [['DEL', 'log']];
    for (let i = 0; i < 100_000; i++) cmds.push(['APPEND', 'log', '0123456789'], ['GETRANGE', 'log', '-1', '-1']);
    const start = Date.now();
    const replies = await pipeline(cmds);
    expect(Date.now() - start).toBeLessThan(20_000);
    expect(replies[199_999]).toBe(':1000000\r\n');
    expect(replies[200_000]).toBe('$1\r\n9\r\n');
    expect(await conn.call('STRLEN', 'log')).toBe(':1000000\r\n');
    expect(await conn.call('GETRANGE', 'log', '999990', '-1')).toBe('$10\r\n0123456789\r\n');
  });

  it('100k SETBITs and SETRANGEs over a 1 MB bitmap stay fast and exact', async () => {
    const cmds: string[][] = [['DEL', 'bm'], ['SETBIT', 'bm', String(8 * 1024 * 1024 - 1), '1']];
    for (let i = 0; i < 50_000; i++) {
      cmds.push(['SETBIT', 'bm', String(i * 160), '1'], ['SETRANGE', 'bm', String(i * 20 + 1), 'ab'], ['GETBIT', 'bm', String(i * 160)]);
    }
    const start = Date.now();
    const replies = await pipeline(cmds);
    expect(Date.now() - start).toBeLessThan(20_000);
    expect(replies.slice(-3)).toEqual([':0\r\n', `:${1024 * 1024}\r\n`, ':1\r\n']);
    // Each SETBIT set the top bit of byte 20i (0x80), each SETRANGE wrote 'a','b' at 20i+1.
    expect(await conn.call('BITCOUNT', 'bm')).toBe(`:${50_000 * (1 + 3 + 3) + 1}\r\n`);
    expect(await conn.call('GETRANGE', 'bm', '20', '23')).toBe('$4\r\n\x80ab\x00\r\n');
  });
});
