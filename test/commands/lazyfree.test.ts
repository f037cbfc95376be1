// INFO's lazyfreed_objects: Shoal counts what redis-server 7.0 hands to its lazyfree thread (values
// whose free effort passes 64, deleted by UNLINK or a lazyfree-lazy-* path; every key of a database
// flushed ASYNC). Each step runs on both servers and the counters must agree, step by step.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

const enabled = requireRedis();
const UNORDERED = new Set(['SPOP', 'SUNION', 'SDIFF', 'SINTER']);

function range(n: number, f: (i: number) => string): string[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

describe.skipIf(!enabled)('lazyfreed_objects, side by side with redis-server', () => {
  const { shoal, redis } = serverPair();
  const conns: RespConn[] = [];

  beforeAll(async () => {
    conns.push(await RespConn.connect(shoal.port), await RespConn.connect(redis.port));
  });

  afterAll(() => {
    for (const c of conns) c.close();
  });

  async function both(...argv: string[]): Promise<string> {
    const [a, b] = await Promise.all(conns.map((c) => c.call(...argv)));
    // Only the counters matter here, not the order of a set's members.
    if (!UNORDERED.has(argv[0])) expect(`${argv[0]} ${argv[1] ?? ''}: ${a}`).toBe(`${argv[0]} ${argv[1] ?? ''}: ${b}`);
    return a;
  }

  /** Both counters (redis-server frees on a thread: wait for its pending count to drain). */
  async function counted(): Promise<number> {
    const read = async (c: RespConn): Promise<[number, number]> => {
      const info = await c.call('INFO', 'memory');
      return [Number(/lazyfree_pending_objects:(\d+)/.exec(info)![1]), Number(/lazyfreed_objects:(\d+)/.exec(info)![1])];
    };
    // Redis's thread lowers the pending count just before it raises the freed one: a read in
    // between sees neither, so a difference is only final once it lasts.
    let last: [number, number] = [0, 0];
    for (let i = 0; i < 100; i++) {
      const [[sp, ours], [rp, theirs]] = await Promise.all(conns.map(read));
      expect(sp).toBe(0);
      last = [ours, theirs];
      if (rp === 0 && ours === theirs) return ours;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(last[0]).toBe(last[1]);
    throw new Error('redis-server never finished freeing');
  }

  /** Run the steps from a reset counter; the count both servers reach. */
  async function after(...steps: string[][]): Promise<number> {
    await both('FLUSHALL', 'SYNC');
    await both('CONFIG', 'RESETSTAT');
    for (const s of steps) await both(...s);
    return counted();
  }

  it('UNLINK counts only values that cost more than 64 to free, in the encoding Redis would use', async () => {
    expect(await after(['SADD', 's', ...range(64, (i) => `m${i}`)], ['UNLINK', 's'])).toBe(0);
    expect(await after(['SADD', 's', ...range(65, (i) => `m${i}`)], ['UNLINK', 's'])).toBe(1);
    // An intset, a listpack hash or zset is one allocation whatever it holds.
    expect(await after(['SADD', 's', ...range(500, String)], ['UNLINK', 's'])).toBe(0);
    expect(await after(['SADD', 's', ...range(600, String)], ['UNLINK', 's'])).toBe(1);
    expect(await after(['HSET', 'h', ...range(200, String)], ['UNLINK', 'h'])).toBe(0);
    expect(await after(['HSET', 'h', ...range(1200, String)], ['UNLINK', 'h'])).toBe(1);
    expect(await after(['ZADD', 'z', ...range(200, String)], ['UNLINK', 'z'])).toBe(0);
    expect(await after(['ZADD', 'z', ...range(300, String)], ['UNLINK', 'z'])).toBe(1);
    expect(await after(['SET', 'str', 'x'.repeat(100000)], ['UNLINK', 'str'])).toBe(0);
    expect(await after(['SADD', 'a', ...range(100, (i) => `m${i}`)], ['SADD', 'b', 'x'], ['UNLINK', 'a', 'b', 'nosuch'])).toBe(1);
  });

  it('a list costs its quicklist nodes', async () => {
    await both('CONFIG', 'SET', 'list-max-listpack-size', '4');
    try {
      expect(await after(['RPUSH', 'l', ...range(256, String)], ['UNLINK', 'l'])).toBe(0);
      expect(await after(['RPUSH', 'l', ...range(257, String)], ['UNLINK', 'l'])).toBe(1);
    } finally {
      await both('CONFIG', 'SET', 'list-max-listpack-size', '-2');
    }
    // 8 kB nodes: about 2000 small numbers each.
    const push = (n: number): string[][] => range(n / 10000, (k) => k).map((k) => ['RPUSH', 'l', ...range(10000, (i) => String(k * 10000 + i))]);
    expect(await after(...push(100000), ['UNLINK', 'l'])).toBe(0);
    expect(await after(...push(130000), ['UNLINK', 'l'])).toBe(1);
  });

  it('a stream costs its radix tree nodes plus its groups times the first group\'s pending entries', async () => {
    // tests/unit/lazyfree.tcl: many nodes, a group with pending entries.
    await both('CONFIG', 'SET', 'stream-node-max-entries', '5');
    try {
      const steps: string[][] = range(400, (i) => i).map((i) => ['XADD', 'st', `1-${i + 1}`, 'f', String(i)]);
      steps.push(['XGROUP', 'CREATE', 'st', 'g', '0'], ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 'st', '>'],
        ['XDEL', 'st', '1-1'], ['XACK', 'st', 'g', '1-2'], ['UNLINK', 'st']);
      expect(await after(...steps)).toBe(1);
      expect(await after(['XADD', 'st', '1-1', 'a', 'b'], ['UNLINK', 'st'])).toBe(0);
    } finally {
      await both('CONFIG', 'SET', 'stream-node-max-entries', '100');
    }
    // A destroyed group leaves nothing to count.
    expect(await after(['XADD', 's', '1-1', 'a', 'b'], ['XGROUP', 'CREATE', 's', 'bla', '$'], ['XGROUP', 'DESTROY', 's', 'bla'],
      ['UNLINK', 's'])).toBe(0);
    // The first group in name order stands for all: 3 groups * (1 + 40 pending) passes 64, 3 * (1 + 0) does not.
    const withGroups = (firstPending: boolean): string[][] => [
      ...range(40, (i) => i).map((i) => ['XADD', 's', `1-${i + 1}`, 'f', 'v']),
      ['XGROUP', 'CREATE', 's', 'b', '0'], ['XGROUP', 'CREATE', 's', 'a', '0'], ['XGROUP', 'CREATE', 's', 'c', '0'],
      ['XREADGROUP', 'GROUP', firstPending ? 'a' : 'b', 'x', 'STREAMS', 's', '>'], ['UNLINK', 's'],
    ];
    expect(await after(...withGroups(true))).toBe(1);
    expect(await after(...withGroups(false))).toBe(0);
  });

  it('FLUSHALL/FLUSHDB ASYNC count every key; SYNC none; lazyfree-lazy-user-flush decides without either', async () => {
    const fill: string[][] = [['SET', 'a', '1'], ['SADD', 'b', 'x'], ['SELECT', '1'], ['SET', 'c', '1'], ['SELECT', '0']];
    expect(await after(...fill, ['FLUSHALL', 'ASYNC'])).toBe(3);
    expect(await after(...fill, ['FLUSHDB', 'ASYNC'])).toBe(2);
    expect(await after(...fill, ['FLUSHALL', 'SYNC'], ['FLUSHALL'])).toBe(0);
    await both('CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'yes');
    try {
      expect(await after(...fill, ['FLUSHALL'])).toBe(3);
      expect(await after(...fill, ['FLUSHDB', 'SYNC'])).toBe(0);
    } finally {
      await both('CONFIG', 'SET', 'lazyfree-lazy-user-flush', 'no');
    }
  });

  it('DEL counts with lazyfree-lazy-user-del, and CONFIG RESETSTAT starts again from 0', async () => {
    const big = ['SADD', 'big', ...range(100, (i) => `m${i}`)];
    expect(await after(big, ['DEL', 'big'])).toBe(0);
    await both('CONFIG', 'SET', 'lazyfree-lazy-user-del', 'yes');
    try {
      expect(await after(big, ['DEL', 'big'])).toBe(1);
      await both('CONFIG', 'RESETSTAT');
      expect(await counted()).toBe(0);
    } finally {
      await both('CONFIG', 'SET', 'lazyfree-lazy-user-del', 'no');
    }
  });

  it('lazyfree-lazy-server-del: values replaced or deleted by the server', async () => {
    const big = ['SADD', 'big', ...range(100, (i) => `m${i}`)];
    const dst = ['SADD', 'dst', ...range(100, (i) => `d${i}`)];
    expect(await after(big, ['SET', 'big', 'x'])).toBe(0);
    await both('CONFIG', 'SET', 'lazyfree-lazy-server-del', 'yes');
    try {
      expect(await after(big, ['SET', 'big', 'x'])).toBe(1);
      expect(await after(big, dst, ['RENAME', 'big', 'dst'])).toBe(1);
      expect(await after(big, dst, ['COPY', 'big', 'dst', 'REPLACE'])).toBe(1);
      expect(await after(big, dst, ['SINTERSTORE', 'dst', 'big', 'nosuch'])).toBe(1);
      expect(await after(big, dst, ['SUNIONSTORE', 'dst', 'big'])).toBe(1);
      // The reply is built as a temporary set, freed lazily too.
      expect(await after(big, ['SPOP', 'big', '1000'])).toBe(2);
      expect(await after(big, ['SUNION', 'big', 'nosuch'])).toBe(1);
      expect(await after(big, dst, ['SDIFF', 'big', 'dst'])).toBe(1);
      expect(await after(big, ['SINTER', 'big', 'big'])).toBe(0);
      expect(await after(big, ['SPOP', 'big', '10'])).toBe(0);
      expect(await after(big, ['MOVE', 'big', '1'])).toBe(0);
      expect(await after(big, dst, ['SORT', 'nosuch', 'STORE', 'dst'])).toBe(1);
      expect(await after(['ZADD', 'zd', ...range(300, String)], ['ZUNIONSTORE', 'zd', '1', 'nosuch'])).toBe(1);
      await both('SET', 'small', 'v');
      const payload = await conns[1].call('DUMP', 'small');
      const bytes = /^\$\d+\r\n([\s\S]*)\r\n$/.exec(payload)![1];
      expect(await after(big, ['RESTORE', 'big', '0', bytes, 'REPLACE'])).toBe(1);
    } finally {
      await both('CONFIG', 'SET', 'lazyfree-lazy-server-del', 'no');
    }
  });

  it('lazyfree-lazy-expire: a big value expiring, or given a TTL in the past', async () => {
    const big = ['SADD', 'big', ...range(100, (i) => `m${i}`)];
    await both('CONFIG', 'SET', 'lazyfree-lazy-expire', 'yes');
    try {
      expect(await after(big, ['EXPIRE', 'big', '-1'])).toBe(1);
      await after(big, ['PEXPIRE', 'big', '1']);
      await new Promise((r) => setTimeout(r, 20));
      await both('EXISTS', 'big');
      expect(await counted()).toBe(1);
    } finally {
      await both('CONFIG', 'SET', 'lazyfree-lazy-expire', 'no');
    }
    expect(await after(big, ['EXPIRE', 'big', '-1'])).toBe(0);
  });
});
