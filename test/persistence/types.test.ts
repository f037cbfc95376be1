// Lists, hashes, sets and sorted sets through persistence: DUMP/RESTORE both ways with
// redis-server (same contents and the same OBJECT ENCODING after loading), RDB files both ways,
// and BGSAVE staying point-in-time while commands mutate collections in place.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import { RespConn, requireRedis, serverPair, startRedis, startShoal } from '../helpers/server.js';
import { loadRdb } from '../../src/persistence/rdb/file.js';
import type { PlainValue } from '../../src/persistence/rdb/values.js';

const enabled = requireRedis();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

/** Commands building one key of every type and encoding. */
const SETUP: string[][] = [
  ['RPUSH', 'list', 'a', 'b', '3', ''],
  ['RPUSH', 'biglist', ...range(2000, (i) => `item${i}`)],
  ['HSET', 'hash', 'f1', 'v1', 'f2', '2'],
  ['HSET', 'bighash', ...range(300, (i) => [`f${i}`, `v${i}`]).flat()],
  ['SADD', 'intset', '1', '2', '-3'],
  ['SADD', 'set', 'x', 'y', 'z'],
  ['SADD', 'bigset', ...range(700, (i) => String(i))],
  ['ZADD', 'zset', '1.5', 'a', '-2', 'b', 'inf', 'c'],
  ['ZADD', 'bigzset', ...range(200, (i) => [String(i / 3), `m${i}`]).flat()],
];
const KEYS = ['list', 'biglist', 'hash', 'bighash', 'intset', 'set', 'bigset', 'zset', 'bigzset'];

/**
 * A comparable rendering of a key: its contents (sorted where order is not defined) and, when
 * asked, its encoding. Encodings compare only between values that were both loaded: Redis keeps a
 * listpack a multi-field HSET overfilled, but converts it when loading.
 */
async function describeKey(c: RespConn, key: string, withEncoding = true): Promise<string[]> {
  const type = await c.call('TYPE', key);
  const enc = withEncoding ? await c.call('OBJECT', 'ENCODING', key) : '';
  let body: string;
  if (type === '+list\r\n') body = await c.call('LRANGE', key, '0', '-1');
  else if (type === '+hash\r\n') body = (await c.call('HGETALL', key)).split('\r\n').sort().join();
  else if (type === '+set\r\n') body = (await c.call('SMEMBERS', key)).split('\r\n').sort().join();
  else body = await c.call('ZRANGE', key, '0', '-1', 'WITHSCORES');
  return [key, type, enc, body];
}

describe.skipIf(!enabled)('collections with redis-server', () => {
  const { shoal, redis } = serverPair();
  let s: RespConn;
  let r: RespConn;
  beforeAll(async () => {
    [s, r] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
  });
  afterAll(() => {
    s?.close();
    r?.close();
  });

  function payload(reply: string): Buffer {
    const nl = reply.indexOf('\r\n');
    return Buffer.from(reply.slice(nl + 2, reply.length - 2), 'latin1');
  }

  it('DUMP in one server, RESTORE in both: same contents, same encodings after loading', async () => {
    for (const from of [r, s]) {
      await s.call('FLUSHALL');
      await r.call('FLUSHALL');
      for (const cmd of SETUP) await from.call(...cmd);
      for (const key of KEYS) {
        const p = payload(await from.call('DUMP', key));
        for (const to of [s, r]) expect(await to.call('RESTORE', `copy:${key}`, '0', p)).toBe('+OK\r\n');
        const original = await describeKey(from, key, false);
        expect((await describeKey(s, `copy:${key}`, false)).slice(1)).toEqual(original.slice(1));
        expect(await describeKey(s, `copy:${key}`)).toEqual(await describeKey(r, `copy:${key}`));
      }
    }
  });

  it('RDB files both ways: SAVE in one, start the other on the file', async () => {
    await s.call('FLUSHALL');
    for (const cmd of SETUP) await s.call(...cmd);
    await s.call('SET', 'str', 'v');
    expect(await s.call('SAVE')).toBe('+OK\r\n');
    const other = await startRedis(['--dir', shoal.dir]);
    const o = await RespConn.connect(other.port);
    try {
      for (const key of KEYS) expect(await describeKey(o, key, false)).toEqual(await describeKey(s, key, false));
      // And back: redis-server saves, Shoal starts on its file.
      expect(await o.call('SAVE')).toBe('+OK\r\n');
      const again = await startShoal(['--dir', shoal.dir]);
      const a = await RespConn.connect(again.port);
      for (const key of KEYS) expect(await describeKey(a, key)).toEqual(await describeKey(o, key));
      a.close();
      await again.stop();
    } finally {
      o.close();
      await other.stop();
    }
  });
});

describe.skipIf(!enabled)('collections in an AOF base written as commands', () => {
  it('redis-server and Shoal both load it back to the same contents', async () => {
    const shoal = await startShoal(['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no']);
    const c = await RespConn.connect(shoal.port);
    try {
      // Over 64 elements, so the rewrite splits RPUSH/SADD/ZADD/HMSET into several commands.
      for (const cmd of SETUP) await c.call(...cmd);
      await c.call('PEXPIREAT', 'list', '99999999999999');
      expect(await c.call('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
      const dir = path.join(shoal.dir, 'appendonlydir');
      const final = 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';
      const manifest = () => fs.readFileSync(path.join(dir, 'appendonly.aof.manifest'), 'latin1');
      // Wait for the history files too: they are removed in the background after the manifest.
      const settled = () => manifest() === final && fs.readdirSync(dir).length === 3;
      for (let i = 0; i < 1000 && !settled(); i++) await sleep(20);
      expect(manifest()).toBe(final);
      expect(fs.readdirSync(dir).length).toBe(3);
      const copy = fs.mkdtempSync(path.join(shoal.dir, 'copy-'));
      fs.cpSync(dir, path.join(copy, 'appendonlydir'), { recursive: true });
      const redis = await startRedis(['--dir', copy, '--appendonly', 'yes']);
      const again = await startShoal(['--dir', copy, '--appendonly', 'yes']);
      const r = await RespConn.connect(redis.port);
      const a = await RespConn.connect(again.port);
      for (const key of KEYS) {
        const want = await describeKey(c, key, false);
        expect(await describeKey(r, key, false)).toEqual(want);
        expect(await describeKey(a, key, false)).toEqual(want);
      }
      expect(await r.call('PEXPIRETIME', 'list')).toBe(':99999999999999\r\n');
      expect(await a.call('PEXPIRETIME', 'list')).toBe(':99999999999999\r\n');
      r.close();
      a.close();
      await Promise.all([redis.stop(), again.stop()]);
    } finally {
      c.close();
      await shoal.stop();
    }
  });
});

describe('BGSAVE with collections mutated in place', () => {
  it('writes each collection as it was at the epoch', async () => {
    const shoal = await startShoal();
    const c = await RespConn.connect(shoal.port);
    try {
      const N = 20_000;
      const setup: string[][] = [];
      for (let i = 0; i < N; i++) setup.push(['RPUSH', `l${i}`, 'a', 'b']);
      for (let i = 0; i < N; i++) setup.push(['HSET', `h${i}`, 'f', 'v']);
      c.write(Buffer.concat(setup.map((cmd) => encodeCommand(cmd))));
      await c.read(setup.length, 30000);
      const mutate: string[][] = [['BGSAVE']];
      for (let i = 0; i < N; i += 7) mutate.push(['RPUSH', `l${i}`, 'late'], ['LPOP', `l${i + 1}`], ['HSET', `h${i}`, 'f', 'changed', 'g', 'new']);
      c.write(Buffer.concat(mutate.map((cmd) => encodeCommand(cmd))));
      const replies = await c.read(mutate.length, 30000);
      expect(replies[0]).toBe('+Background saving started\r\n');
      const file = path.join(shoal.dir, 'dump.rdb');
      for (let i = 0; i < 500 && !fs.existsSync(file); i++) await sleep(20);
      const got = new Map<string, PlainValue>();
      loadRdb(fs.readFileSync(file), { aux: () => {}, entry: (_db, key, v) => got.set(key, v) });
      expect(got.size).toBe(2 * N);
      for (let i = 0; i < N; i++) {
        const l = got.get(`l${i}`)!;
        if (l.type !== 'list' || l.items.join() !== 'a,b') expect([`l${i}`, l]).toEqual([`l${i}`, { type: 'list', items: ['a', 'b'] }]);
        const h = got.get(`h${i}`)!;
        if (h.type !== 'hash' || h.entries.join() !== 'f,v') expect([`h${i}`, h]).toEqual([`h${i}`, { type: 'hash', entries: [['f', 'v']] }]);
      }
      expect(await c.call('LRANGE', 'l0', '0', '-1')).toBe('*3\r\n$1\r\na\r\n$1\r\nb\r\n$4\r\nlate\r\n');
    } finally {
      c.close();
      await shoal.stop();
    }
  });
});
