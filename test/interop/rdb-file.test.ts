// RDB files both ways with a real redis-server: files it saves (every type and encoding, expiries,
// several dbs) load through our reader; files we encode load into it and pass redis-check-rdb.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Crc64 } from '../../src/persistence/rdb/crc64.js';
import { loadRdb, RdbFileEncoder } from '../../src/persistence/rdb/file.js';
import type { PlainValue } from '../../src/persistence/rdb/values.js';
import { requireRedis, startRedis, type RunningServer } from '../helpers/server.js';

const enabled = requireRedis();
const binary = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

function readAll(file: string): Map<string, { value: PlainValue; expire: number }> {
  const out = new Map<string, { value: PlainValue; expire: number }>();
  loadRdb(fs.readFileSync(file), {
    aux: () => {},
    entry: (db, key, value, expire) => out.set(`${db}/${key}`, { value, expire }),
  });
  return out;
}

describe.skipIf(!enabled)('RDB files with redis-server', () => {
  let redis: RunningServer;
  let r: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    r = new Redis(redis.port, { lazyConnect: true });
    await r.connect();
  });
  afterAll(async () => {
    r?.disconnect();
    await redis?.stop();
  });

  it('reads a file redis-server saved, with every type, encoding, expiry and db', async () => {
    await r.flushall();
    await r.set('str', 'v');
    await r.set('int', '12345');
    await r.set(Buffer.from(binary, 'latin1'), Buffer.from(binary, 'latin1'));
    await r.set('long', 'abc'.repeat(1000));
    await r.set('ttl', 'x', 'PX', 3_600_000);
    await r.rpush('list', 'a', 'b', '3');
    await r.rpush('biglist', ...Array.from({ length: 5000 }, (_, i) => `e${i}`));
    await r.sadd('intset', '1', '2', '3');
    await r.sadd('set', ...Array.from({ length: 700 }, (_, i) => `m${i}`));
    await r.zadd('zsmall', 1, 'a', 2.5, 'b');
    await r.zadd('zbig', ...Array.from({ length: 200 }, (_, i) => [i, `z${i}`]).flat());
    await r.hset('hsmall', 'f', 'v');
    await r.hset('hbig', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, 'x'.repeat(i % 100)]).flat());
    await r.select(3);
    await r.set('in3', 'three');
    await r.save();
    const got = readAll(path.join(redis.dir, 'dump.rdb'));
    expect(got.size).toBe(14);
    expect(got.get('0/str')!.value).toEqual({ type: 'string', value: 'v' });
    expect(got.get('0/int')!.value).toEqual({ type: 'string', value: '12345' });
    expect(got.get(`0/${binary}`)!.value).toEqual({ type: 'string', value: binary });
    expect(got.get('0/long')!.value).toEqual({ type: 'string', value: 'abc'.repeat(1000) });
    expect(got.get('0/ttl')!.expire).toBeGreaterThan(Date.now());
    expect(got.get('0/str')!.expire).toBe(-1);
    expect(got.get('0/list')!.value).toEqual({ type: 'list', items: ['a', 'b', '3'] });
    const bl = got.get('0/biglist')!.value;
    expect(bl.type === 'list' && bl.items.length === 5000 && bl.items[4999]).toBe('e4999');
    const is = got.get('0/intset')!.value;
    expect(is.type === 'set' && is.members.sort()).toEqual(['1', '2', '3']);
    const st = got.get('0/set')!.value;
    expect(st.type === 'set' && st.members.length).toBe(700);
    expect(got.get('0/zsmall')!.value).toEqual({ type: 'zset', entries: [['a', 1], ['b', 2.5]] });
    const zb = got.get('0/zbig')!.value;
    expect(zb.type === 'zset' && zb.entries.length).toBe(200);
    expect(got.get('0/hsmall')!.value).toEqual({ type: 'hash', entries: [['f', 'v']] });
    const hb = got.get('0/hbig')!.value;
    expect(hb.type === 'hash' && hb.entries.length).toBe(300);
    expect(got.get('3/in3')!.value).toEqual({ type: 'string', value: 'three' });
  });

  it('writes files redis-server loads and redis-check-rdb accepts', async () => {
    const enc = new RdbFileEncoder(true);
    enc.header([['redis-ver', '7.0.15'], ['redis-bits', '64'], ['ctime', String(Math.floor(Date.now() / 1000))]]);
    enc.selectDb(0, 6, 1);
    enc.entry('s', { type: 'string', value: 'hello' }, -1);
    enc.entry(binary, { type: 'string', value: 'z'.repeat(500) }, Date.now() + 3_600_000);
    enc.entry('l', { type: 'list', items: ['a', binary, '42'] }, -1);
    enc.entry('set', { type: 'set', members: ['1', 'two'] }, -1);
    enc.entry('z', { type: 'zset', entries: [['a', 1], ['b', -Infinity]] }, -1);
    enc.entry('h', { type: 'hash', entries: [['f', 'v']] }, -1);
    enc.selectDb(5, 1, 0);
    enc.entry('five', { type: 'string', value: '5' }, -1);
    enc.eof();
    const body = enc.take();
    const file = Buffer.concat([body, new Crc64().update(body).bytes()]);
    const dir = fs.mkdtempSync('/tmp/shoal-rdb-');
    fs.writeFileSync(path.join(dir, 'dump.rdb'), file);
    const check = spawnSync('redis-check-rdb', [path.join(dir, 'dump.rdb')], { encoding: 'utf8' });
    expect(check.stdout).toContain('RDB looks OK');
    const other = await startRedis(['--dir', dir]);
    const o = new Redis(other.port, { lazyConnect: true });
    try {
      await o.connect();
      expect(await o.dbsize()).toBe(6);
      expect(await o.get('s')).toBe('hello');
      expect((await o.getBuffer(Buffer.from(binary, 'latin1')))!.toString()).toBe('z'.repeat(500));
      expect(await o.pttl(Buffer.from(binary, 'latin1'))).toBeGreaterThan(3_000_000);
      expect((await o.lrangeBuffer('l', 0, -1)).map((b) => b.toString('latin1'))).toEqual(['a', binary, '42']);
      expect(await o.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['b', '-inf', 'a', '1']);
      expect(await o.hgetall('h')).toEqual({ f: 'v' });
      await o.select(5);
      expect(await o.get('five')).toBe('5');
    } finally {
      o.disconnect();
      await other.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the offset of corruption and detects a bad checksum', () => {
    const enc = new RdbFileEncoder(false);
    enc.header([]);
    enc.selectDb(0, 1, 0);
    enc.entry('k', { type: 'string', value: 'value' }, -1);
    enc.eof();
    const body = enc.take();
    const good = Buffer.concat([body, new Crc64().update(body).bytes()]);
    const sink = { aux: () => {}, entry: () => {} };
    expect(() => loadRdb(good, sink)).not.toThrow();
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] ^= 0xff;
    expect(() => loadRdb(flipped, sink)).toThrow(/wrong RDB checksum at offset/);
    expect(() => loadRdb(good.subarray(0, 20), sink)).toThrow(/unexpected end of data .* at offset \d+/);
  });
});
