// DUMP payloads from a real redis-server, in every encoding it uses, decode to the right values;
// payloads we encode are accepted by its RESTORE.
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpPayload, parsePayload, type PlainValue } from '../../src/persistence/rdb/values.js';
import { requireRedis, startRedis, type RunningServer } from '../helpers/server.js';

const enabled = requireRedis();

describe.skipIf(!enabled)('DUMP payload interop with redis-server', () => {
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

  const bigString = 'x'.repeat(100) + 'y'.repeat(100);
  const binary = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  const many = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

  async function load(setup: () => Promise<unknown>, key: string): Promise<PlainValue> {
    await r.del(key);
    await setup();
    const payload = await r.dumpBuffer(key);
    const v = parsePayload(payload);
    if (typeof v === 'string') throw new Error(v);
    return v;
  }

  it('strings: raw, integers of every width, LZF-compressed, binary', async () => {
    for (const s of ['hello', '0', '-1', '127', '-128', '32767', '-32768', '2147483647', '-2147483648', '2147483648', '012', bigString, binary]) {
      const v = await load(() => r.set('s', Buffer.from(s, 'latin1')), 's');
      expect(v).toEqual({ type: 'string', value: s });
    }
  });

  it('lists as small listpacks and as multi-node quicklists', async () => {
    const small = ['a', '1', '-5', '70000', binary];
    expect(await load(() => r.rpush('l', ...small.map((s) => Buffer.from(s, 'latin1'))), 'l')).toEqual({ type: 'list', items: small });
    const big = many(3000, (i) => (i % 3 === 0 ? String(i * 1000003) : `item-${i}`));
    expect(await load(() => r.rpush('l', ...big), 'l')).toEqual({ type: 'list', items: big });
  });

  it('sets as intsets and hashtables', async () => {
    const ints = ['1', '2', '-3', '100000', '5000000000'];
    const v1 = await load(() => r.sadd('st', ...ints), 'st');
    expect(v1.type === 'set' && [...v1.members].sort()).toEqual([...ints].sort());
    const strs = many(600, (i) => `m${i}`);
    const v2 = await load(() => r.sadd('st', ...strs), 'st');
    expect(v2.type === 'set' && [...v2.members].sort()).toEqual([...strs].sort());
  });

  it('sorted sets as listpacks and skiplists', async () => {
    const v1 = await load(() => r.zadd('z', 1.5, 'a', -2, 'b', 3, 'c'), 'z');
    expect(v1).toEqual({ type: 'zset', entries: [['b', -2], ['a', 1.5], ['c', 3]] });
    const args = many(300, (i) => i).flatMap((i) => [String(i / 7), `m${i}`]);
    const v2 = await load(() => r.zadd('z', ...args), 'z');
    expect(v2.type === 'zset' && v2.entries.length).toBe(300);
    expect(v2.type === 'zset' && new Map(v2.entries).get('m10')).toBeCloseTo(10 / 7, 12);
  });

  it('hashes as listpacks and hashtables', async () => {
    const v1 = await load(() => r.hset('h', 'f1', 'v1', 'f2', '42'), 'h');
    expect(v1).toEqual({ type: 'hash', entries: [['f1', 'v1'], ['f2', '42']] });
    const fields = many(200, (i) => [`f${i}`, `v${i}`]).flat();
    const v2 = await load(() => r.hset('h', ...fields), 'h');
    expect(v2.type === 'hash' && v2.entries.length).toBe(200);
  });

  it('our payloads restore into redis-server with the same content', async () => {
    const cases: [PlainValue, () => Promise<unknown>][] = [
      [{ type: 'string', value: bigString }, async () => expect((await r.getBuffer('k'))!.toString('latin1')).toBe(bigString)],
      [{ type: 'string', value: '-123456' }, async () => expect(await r.get('k')).toBe('-123456')],
      [{ type: 'list', items: ['a', binary, '12'] }, async () => expect((await r.lrangeBuffer('k', 0, -1)).map((b) => b.toString('latin1'))).toEqual(['a', binary, '12'])],
      [{ type: 'set', members: ['x', 'y', '3'] }, async () => expect((await r.smembers('k')).sort()).toEqual(['3', 'x', 'y'])],
      [{ type: 'zset', entries: [['a', 1], ['b', Infinity], ['c', -0.5]] }, async () => expect(await r.zrange('k', 0, -1, 'WITHSCORES')).toEqual(['c', '-0.5', 'a', '1', 'b', 'inf'])],
      [{ type: 'hash', entries: [['f', 'v'], ['n', '1']] }, async () => expect(await r.hgetall('k')).toEqual({ f: 'v', n: '1' })],
    ];
    for (const [v, check] of cases) {
      await r.restore('k', 0, dumpPayload(v), 'REPLACE');
      await check();
    }
  });

  it('rejects bad payloads with the errors RESTORE uses', () => {
    const good = dumpPayload({ type: 'string', value: 'hello' });
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 1] ^= 1;
    expect(parsePayload(badCrc)).toBe('ERR DUMP payload version or checksum are wrong');
    expect(parsePayload(Buffer.from('short'))).toBe('ERR DUMP payload version or checksum are wrong');
  });
});
