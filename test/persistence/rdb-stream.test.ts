// The RDB loader fed a stream in pieces (a replica's disk-less load) must see exactly what it sees
// in the whole file (the start-up load): the same records, and the same errors at the same offsets.
// The file is redis-server's own, with every type, compact encodings, LZF strings, expires, a
// stream, a function library and several databases.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, type RunningServer } from '../helpers/server.js';
import { loadRdb, RdbLoader, type RdbSink } from '../../src/persistence/rdb/file.js';

const enabled = requireRedis();

/** A sink writing down everything, in order. */
function recorder(): { sink: RdbSink; seen: unknown[] } {
  const seen: unknown[] = [];
  return {
    seen,
    sink: {
      aux: (k, v) => seen.push(['aux', k, v]),
      entry: (...args) => seen.push(['entry', ...args]),
      resizeDb: (...args) => seen.push(['resize', ...args]),
      func: (code) => seen.push(['func', code]),
    },
  };
}

/** Feed `buf` in pieces of `sizes` (cycled); returns what was seen, or the error text. */
function streamed(buf: Buffer, sizes: number[]): { seen: unknown[]; error: string | null } {
  const { sink, seen } = recorder();
  const l = new RdbLoader(null, sink);
  try {
    for (let at = 0, i = 0; at < buf.length; i++) {
      const n = sizes[i % sizes.length];
      l.feed(buf.subarray(at, at + n));
      at += n;
    }
    l.finish();
  } catch (err) {
    return { seen, error: (err as Error).message };
  }
  expect(l.end).toBe(buf.length);
  expect(l.pos).toBe(buf.length);
  return { seen, error: null };
}

function whole(buf: Buffer): { seen: unknown[]; error: string | null } {
  const { sink, seen } = recorder();
  try {
    loadRdb(buf, sink);
  } catch (err) {
    return { seen, error: (err as Error).message };
  }
  return { seen, error: null };
}

describe.runIf(enabled)('RDB loaded whole or as a stream', () => {
  let redis: RunningServer;
  let rdb: Buffer;

  beforeAll(async () => {
    redis = await startRedis();
    const c = await RespConn.connect(redis.port);
    const cmds: string[][] = [
      ['RPUSH', 'list', 'a', 'b', '3'],
      ['RPUSH', 'biglist', ...Array.from({ length: 3000 }, (_, i) => `item${i}`)],
      ['HSET', 'hash', 'f1', 'v1', 'f2', '2'],
      ['SADD', 'intset', '1', '2', '-3'],
      ['SADD', 'bigset', ...Array.from({ length: 700 }, (_, i) => `m${i}`)],
      ['ZADD', 'zset', '1.5', 'a', '-2', 'b'],
      ['SET', 'lzf', 'abcdefgh'.repeat(5000)],
      ['SET', 'int', '12345'],
      ['SET', 'ttl', 'v', 'PX', '100000000'],
      ['XADD', 'stream', '1-1', 'f', 'v'],
      ['XGROUP', 'CREATE', 'stream', 'g', '0'],
      ['FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() return 1 end)"],
      ['SELECT', '3'],
      ['SET', 'in3', 'x'],
      ['SAVE'],
    ];
    for (const cmd of cmds) await c.call(...cmd);
    c.close();
    rdb = fs.readFileSync(path.join(redis.dir, 'dump.rdb'));
  }, 30000);

  afterAll(async () => {
    await redis?.stop();
  });

  it('sees the same records whatever the pieces', () => {
    const ref = whole(rdb);
    expect(ref.error).toBeNull();
    expect(ref.seen.filter((s) => (s as unknown[])[0] === 'entry').length).toBe(11);
    expect(ref.seen.some((s) => (s as unknown[])[0] === 'func')).toBe(true);
    for (const sizes of [[1], [7], [rdb.length], [3, 1000, 1, 20000], [9, 8]]) {
      expect(streamed(rdb, sizes), `pieces of ${sizes}`).toEqual(ref);
    }
  });

  it('names the same offset for a wrong checksum and for corrupt data', () => {
    const badSum = Buffer.from(rdb);
    badSum[rdb.length - 1] ^= 1;
    const badType = Buffer.from(rdb);
    // The first entry's type byte, past the header and the AUX fields: an unknown type.
    const at = rdb.indexOf(Buffer.from([0xfe, 0x00]));
    badType[at + 2 + 3] = 0x77;
    for (const [bad, text] of [
      [badSum, /^RDB CRC error: wrong RDB checksum at offset \d+$/],
      [badType, /at offset \d+$/],
    ] as const) {
      const ref = whole(bad);
      expect(ref.error).toMatch(text);
      for (const sizes of [[1], [13], [bad.length]]) expect(streamed(bad, sizes).error).toBe(ref.error);
    }
  });

  it('refuses a stream cut short or going on past its end', () => {
    // 3 bytes short: the EOF record (the opcode and 5 of its 8 checksum bytes) stays unparsed.
    expect(streamed(rdb.subarray(0, rdb.length - 3), [100]).error).toBe('the RDB ended early (6 bytes not parsed)');
    expect(streamed(rdb.subarray(0, 5), [100]).error).toBe('the RDB ended early (5 bytes not parsed)');
    expect(streamed(Buffer.concat([rdb, Buffer.from('x')]), [rdb.length + 1]).error).toBe('data after the end of the RDB');
    expect(streamed(Buffer.concat([rdb, Buffer.from('x')]), [rdb.length, 1]).error).toBe('data after the end of the RDB');
    expect(streamed(Buffer.from('REDIX0010'), [4, 5]).error).toBe('not an RDB file (wrong signature) at offset 0');
  });
});
