// keyHashSlot against a live redis-server's CLUSTER KEYSLOT, for generated keys: random binary
// keys and keys built around braces in every position.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyHashSlot } from '../../src/cluster/slots.js';
import { RespConn, requireRedis } from '../helpers/server.js';
import { startClusterRedis, type ClusterRedis } from './redis-cluster.js';

const enabled = requireRedis();

function randomKey(seed: { n: number }): string {
  // xorshift: reproducible keys, biased towards braces so tags of every shape occur.
  const next = () => {
    let x = seed.n;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    seed.n = x >>> 0;
    return seed.n;
  };
  const len = next() % 12;
  let k = '';
  for (let i = 0; i < len; i++) {
    const r = next() % 10;
    k += r < 2 ? '{' : r < 4 ? '}' : String.fromCharCode(next() & 0xff);
  }
  return k;
}

describe.skipIf(!enabled)('CLUSTER KEYSLOT agreement with redis-server', () => {
  let node: ClusterRedis;
  let conn: RespConn;
  beforeAll(async () => {
    node = await startClusterRedis();
    conn = await RespConn.connect(node.port);
  });
  afterAll(async () => {
    conn?.close();
    await node?.stop();
  });

  it('agrees on 2000 generated keys', async () => {
    const seed = { n: 2463534242 };
    const keys: string[] = [];
    for (let i = 0; i < 2000; i++) keys.push(randomKey(seed));
    for (const k of keys) conn.send('CLUSTER', 'KEYSLOT', k);
    const replies = await conn.read(keys.length);
    const mismatches = keys.filter((k, i) => replies[i] !== `:${keyHashSlot(k)}\r\n`);
    expect(mismatches).toEqual([]);
  });
});
