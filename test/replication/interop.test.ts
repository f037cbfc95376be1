// Replication against Debian's redis-server in both directions: Shoal as the primary of a Redis
// replica, and Shoal as the replica of a Redis primary. Full sync, the live stream (databases,
// transactions, expiries), a killed link continuing with a partial resync, promotion.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import Redis, { type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const HAVE = requireRedis();

function info(text: string, field: string): string {
  const m = new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(text);
  return m === null ? '' : m[1].trim();
}

/** Every key of every database with its type, value and whether it has a TTL. */
async function dataset(r: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < 16; db++) {
    await r.select(db);
    const keys = (await r.keys('*')).sort();
    for (const k of keys) {
      const type = await r.type(k);
      let v: unknown;
      if (type === 'string') v = await r.get(k);
      else if (type === 'hash') v = Object.entries(await r.hgetall(k)).sort();
      else if (type === 'list') v = await r.lrange(k, 0, -1);
      else if (type === 'set') v = (await r.smembers(k)).sort();
      else if (type === 'zset') v = await r.zrange(k, 0, -1, 'WITHSCORES');
      else v = type;
      out[`${db}/${k}`] = [type, v, (await r.pttl(k)) > 0];
    }
  }
  await r.select(0);
  return out;
}

async function populate(r: Redis, tag: string): Promise<void> {
  await r.set(`s:${tag}`, 'v\x00\xff binary');
  await r.hset(`h:${tag}`, 'a', '1', 'b', '2');
  await r.rpush(`l:${tag}`, 'x', 'y', 'z');
  await r.sadd(`set:${tag}`, 'm1', 'm2', '42');
  await r.zadd(`z:${tag}`, 1.5, 'one', 2, 'two');
  await r.set(`ttl:${tag}`, 'v', 'EX', 1000);
  await r.incrby(`n:${tag}`, 41);
  await r.select(3);
  await r.set(`db3:${tag}`, 'three');
  await r.select(0);
  const m = r.multi();
  m.incr(`n:${tag}`);
  m.lpush(`l:${tag}`, 'w');
  m.del(`set:${tag}`);
  await m.exec();
}

async function replInfo(r: Redis): Promise<string> {
  return r.info('replication');
}

/** The full and partial resyncs a primary has served, as INFO stats gives them ('' when missing). */
async function syncs(r: Redis): Promise<{ full: string; partialOk: string; partialErr: string }> {
  const stats = await r.info('stats');
  return { full: info(stats, 'sync_full'), partialOk: info(stats, 'sync_partial_ok'), partialErr: info(stats, 'sync_partial_err') };
}

function replicaOf(primary: RunningServer): string[] {
  return ['--replicaof', '127.0.0.1', String(primary.port)];
}

/**
 * A describe block's server starter: starts Shoal or redis-server with the given arguments and
 * connects to it; after the block every connection is closed and every server stopped, the last
 * started first (replicas before their primaries, a restarted server before the one whose
 * directory it took over).
 */
function servers(): (start: typeof startShoal, args: string[], options?: RedisOptions) => Promise<[RunningServer, Redis]> {
  const started: [RunningServer, Redis][] = [];
  afterAll(async () => {
    for (const [server, conn] of started.reverse()) {
      conn.disconnect();
      await server.stop();
      // stop() leaves the directory of a server already killed (crash()).
      fs.rmSync(server.dir, { recursive: true, force: true });
    }
  });
  return async (start, args, options) => {
    const server = await start(args);
    const conn = new Redis(server.port, '127.0.0.1', { lazyConnect: true, ...options });
    started.push([server, conn]);
    await conn.connect();
    return [server, conn];
  };
}

/** Kill a server without a shutdown, leaving its directory (the dump) for a second start. */
async function crash([server, conn]: [RunningServer, Redis]): Promise<void> {
  conn.disconnect();
  const exited = new Promise((r) => server.proc.once('exit', r));
  server.proc.kill('SIGKILL');
  await exited;
}

/** The replica has applied everything the primary produced. */
async function caughtUp(primary: Redis, replica: Redis): Promise<void> {
  await until('replica to catch up', async () => {
    const p = await replInfo(primary);
    const s = await replInfo(replica);
    return info(s, 'master_link_status') === 'up' && info(s, 'slave_repl_offset') === info(p, 'master_repl_offset');
  });
}

/** The replica (of a primary populated 'before') matches it after its full sync, and after more writes. */
async function expectSyncThenStream(primary: Redis, replica: Redis): Promise<void> {
  await caughtUp(primary, replica);
  expect(await dataset(replica)).toEqual(await dataset(primary));
  await populate(primary, 'after');
  await caughtUp(primary, replica);
  expect(await dataset(replica)).toEqual(await dataset(primary));
}

/**
 * A chain top -> mid -> leaf, the top populated and with a password when given. The stream is left
 * in database `db` before the leaf's full sync, which must carry that (repl-stream-db); the top's
 * connection stays in that database.
 */
async function startChain(
  start: ReturnType<typeof servers>, [top, mid, leaf]: (typeof startShoal)[], db: number, password?: string,
): Promise<[Redis, Redis, Redis]> {
  const auth = password === undefined ? [] : ['--requirepass', password];
  const [topServer, t] = await start(top, [...auth, '--repl-diskless-sync-delay', '0'], { password });
  await populate(t, 'top');
  const masterauth = password === undefined ? [] : ['--masterauth', password];
  const [midServer, m] = await start(mid, [...replicaOf(topServer), ...masterauth, '--repl-diskless-sync-delay', '0']);
  await t.select(db);
  await t.set(`db${db}:first`, '1');
  await caughtUp(t, m);
  const [, l] = await start(leaf, replicaOf(midServer));
  return [t, m, l];
}

describe.runIf(HAVE)('Shoal primary, redis-server replica', () => {
  const start = servers();
  let shoal: RunningServer;
  let redis: RunningServer;
  let p: Redis;
  let s: Redis;

  beforeAll(async () => {
    [shoal, p] = await start(startShoal, ['--repl-diskless-sync-delay', '0']);
    await populate(p, 'before');
    [redis, s] = await start(startRedis, replicaOf(shoal));
  }, 30000);

  it('full sync, then the live stream', async () => {
    await expectSyncThenStream(p, s);
    const data = await dataset(s);
    expect(data['0/n:after']).toEqual(['string', '42', false]);
    expect(data['3/db3:after']).toEqual(['string', 'three', false]);
  });

  it('reports the replica in INFO replication and ROLE', async () => {
    const text = await replInfo(p);
    expect(info(text, 'role')).toBe('master');
    expect(info(text, 'connected_slaves')).toBe('1');
    // A replica's link is not a client for INFO; the link to a primary is (this connection and it).
    expect(info(await p.info('clients'), 'connected_clients')).toBe('1');
    expect(info(await s.info('clients'), 'connected_clients')).toBe('2');
    expect(info(text, 'slave0')).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${redis.port},state=online,offset=\\d+,lag=\\d+$`));
    expect(info(text, 'repl_backlog_active')).toBe('1');
    expect(info(text, 'repl_backlog_first_byte_offset')).toBe('1');
    expect(info(text, 'repl_backlog_histlen')).toBe(info(text, 'master_repl_offset'));
    expect(info(text, 'master_replid')).toBe(info(await replInfo(s), 'master_replid'));
    const role = (await p.call('ROLE')) as unknown[];
    expect(role[0]).toBe('master');
    expect(role[1]).toBe(Number(info(text, 'master_repl_offset')));
    expect((role[2] as string[][])[0].slice(0, 2)).toEqual(['127.0.0.1', String(redis.port)]);
  });

  it('a killed link continues with a partial resync', async () => {
    expect(await s.client('KILL', 'TYPE', 'master')).toBe(1);
    await p.set('while-down', 'yes');
    await caughtUp(p, s);
    expect(await syncs(p)).toMatchObject({ full: '1', partialOk: '1' });
    expect(await s.get('while-down')).toBe('yes');
    expect(await dataset(s)).toEqual(await dataset(p));
  });

  it('serves redis-cli --replica (SYNC, no PSYNC)', async () => {
    const cli = spawn('redis-cli', ['-p', String(shoal.port), '--replica'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    cli.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    try {
      await until('redis-cli to sync', async () => out.includes('Logging commands from master'));
      expect(info(await replInfo(p), 'connected_slaves')).toBe('2');
      await p.set('seen-by-cli', 'yes');
      await until('the write in redis-cli', async () => out.includes('"set","seen-by-cli","yes"'));
    } finally {
      cli.kill('SIGKILL');
    }
    await until('the link to go', async () => info(await replInfo(p), 'connected_slaves') === '1');
  });

  it('WAIT counts the replicas that acknowledged the writes', async () => {
    await p.set('waited', '1');
    expect(await p.call('WAIT', '1', '2000')).toBe(1);
    const t0 = Date.now();
    expect(await p.call('WAIT', '2', '300')).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await p.call('WAIT', '0', '0')).toBe(1);
  });
});

describe.runIf(HAVE)('redis-server primary, Shoal replica', () => {
  const start = servers();
  let redis: RunningServer;
  let shoal: RunningServer;
  let p: Redis;
  let s: Redis;

  beforeAll(async () => {
    // No PINGs from it: its offset must stay where Shoal's promotion left it (last test).
    [redis, p] = await start(startRedis, ['--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '3600']);
    await populate(p, 'before');
    [shoal, s] = await start(startShoal, replicaOf(redis));
  }, 30000);

  it('full sync (disk-less, EOF framing), then the live stream', async () => {
    await expectSyncThenStream(p, s);
    // The primary's expiry reaches us as a DEL; we never expire keys ourselves.
    await p.set('short', 'v', 'PX', 150);
    await until('expired key removed', async () => (await s.exists('short')) === 0);
    const text = await replInfo(s);
    expect(info(await s.info('clients'), 'connected_clients')).toBe('2');
    expect(info(await p.info('clients'), 'connected_clients')).toBe('1');
    expect(info(text, 'role')).toBe('slave');
    expect(info(text, 'master_port')).toBe(String(redis.port));
    expect(info(text, 'master_replid')).toBe(info(await replInfo(p), 'master_replid'));
    const role = (await s.call('ROLE')) as unknown[];
    expect(role.slice(0, 4)).toEqual(['slave', '127.0.0.1', redis.port, 'connected']);
    // The stream may have moved on between the two calls (the primary's expiry DELs).
    expect(role[4]).toBeGreaterThanOrEqual(Number(info(text, 'slave_repl_offset')));
  });

  it('refuses writes from normal clients (replica-read-only)', async () => {
    await expect(s.set('x', '1')).rejects.toThrow("READONLY You can't write against a read only replica.");
    await s.config('SET', 'replica-read-only', 'no');
    expect(await s.set('local', '1')).toBe('OK');
    expect(await s.del('local')).toBe(1);
    await s.config('SET', 'replica-read-only', 'yes');
    await expect(s.del('x')).rejects.toThrow('READONLY');
  });

  it('CLIENT PAUSE WRITE holds the primary\'s stream too (as Redis 7.0), then applies it in order', async () => {
    await caughtUp(p, s);
    expect(await s.call('CLIENT', 'PAUSE', '600', 'WRITE')).toBe('OK');
    await p.set('paused', '1');
    await p.incr('paused');
    await new Promise((r) => setTimeout(r, 200));
    expect(await s.get('paused')).toBe(null);
    const held = await replInfo(s);
    expect(Number(info(held, 'slave_repl_offset'))).toBeLessThan(Number(info(await replInfo(p), 'master_repl_offset')));
    await caughtUp(p, s);
    expect(await s.get('paused')).toBe('2');
  });

  it('a killed link continues with a partial resync', async () => {
    expect(await s.client('KILL', 'TYPE', 'master')).toBe(1);
    await p.set('while-down', 'yes');
    await p.select(5);
    await p.set('db5', 'yes');
    await p.select(0);
    await caughtUp(p, s);
    expect(await syncs(p)).toMatchObject({ full: '1', partialOk: '1' });
    expect(await dataset(s)).toEqual(await dataset(p));
  });

  it('answers the primary\'s WAIT (REPLCONF GETACK)', async () => {
    await p.set('acked', '1');
    expect(await p.call('WAIT', '1', '3000')).toBe(1);
  });

  it('a full resync with disk framing replaces the dataset', async () => {
    await p.config('SET', 'repl-diskless-sync', 'no');
    await s.call('REPLICAOF', 'NO', 'ONE');
    await s.set('only-on-replica', '1');
    expect(await s.call('REPLICAOF', '127.0.0.1', String(redis.port))).toBe('OK');
    expect(await s.call('REPLICAOF', '127.0.0.1', String(redis.port))).toBe('OK Already connected to specified master');
    await caughtUp(p, s);
    expect(await s.exists('only-on-replica')).toBe(0);
    expect(await dataset(s)).toEqual(await dataset(p));
    // Like a Redis replica that was a primary, Shoal offered its own (unknown to them) history first.
    expect(await syncs(p)).toMatchObject({ full: '2', partialErr: '1' });
  });

  it('REPLICAOF NO ONE keeps the data and remembers the old history (PSYNC2)', async () => {
    const before = await replInfo(s);
    expect(await s.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    const after = await replInfo(s);
    expect(info(after, 'role')).toBe('master');
    expect(info(after, 'master_replid2')).toBe(info(before, 'master_replid'));
    expect(info(after, 'second_repl_offset')).toBe(String(Number(info(before, 'master_repl_offset')) + 1));
    expect(info(after, 'master_replid')).not.toBe(info(before, 'master_replid'));
    expect(await s.set('now-writable', '1')).toBe('OK');
    expect(await s.get('while-down')).toBe('yes');
  });

  it('the old primary follows the promoted replica with a partial resync', async () => {
    await p.call('REPLICAOF', '127.0.0.1', String(shoal.port));
    await caughtUp(s, p);
    expect(await syncs(s)).toMatchObject({ full: '0', partialOk: '1' });
    expect(await p.get('now-writable')).toBe('1');
    expect(await dataset(p)).toEqual(await dataset(s));
  });
});

describe.runIf(HAVE)('chained: redis-server primary (with a password) -> Shoal -> redis-server', () => {
  const start = servers();
  let t: Redis;
  let m: Redis;
  let l: Redis;

  beforeAll(async () => {
    [t, m, l] = await startChain(start, [startRedis, startShoal, startRedis], 5, 'sekret');
  }, 30000);

  it('AUTHs with masterauth and passes the stream on verbatim', async () => {
    await caughtUp(m, l);
    await t.set('db5:second', '2');
    await t.select(0);
    await populate(t, 'live');
    await caughtUp(t, m);
    await caughtUp(m, l);
    const want = await dataset(t);
    expect(await dataset(m)).toEqual(want);
    expect(await dataset(l)).toEqual(want);
    // One history along the chain: same id, same offsets.
    expect(info(await replInfo(l), 'master_replid')).toBe(info(await replInfo(t), 'master_replid'));
  });

  it('promoting the middle keeps the leaf on a partial resync', async () => {
    await m.call('REPLICAOF', 'NO', 'ONE');
    await m.set('after-promotion', '1');
    await caughtUp(m, l);
    expect(await l.get('after-promotion')).toBe('1');
    expect(await syncs(m)).toMatchObject({ full: '1', partialOk: '1' });
    expect(info(await replInfo(l), 'master_replid')).toBe(info(await replInfo(m), 'master_replid'));
  });
});

describe.runIf(HAVE)('large transfers: a many-chunk RDB and values bigger than a socket read', () => {
  const start = servers();
  let p: Redis;
  let s: Redis;

  beforeAll(async () => {
    let redis: RunningServer;
    [redis, p] = await start(startRedis, ['--repl-diskless-sync-delay', '0']);
    const pipe = p.pipeline();
    for (let i = 0; i < 20000; i++) pipe.set(`key:${i}`, `value:${i}:${'x'.repeat(i % 100)}`);
    await pipe.exec();
    await p.set('big', 'b'.repeat(3_000_000));
    [, s] = await start(startShoal, replicaOf(redis));
  }, 30000);

  it('loads the whole dataset, then applies a multi-megabyte write from the stream', async () => {
    await caughtUp(p, s);
    expect(await s.dbsize()).toBe(20001);
    expect(await s.strlen('big')).toBe(3_000_000);
    expect(await s.get('key:12345')).toBe(await p.get('key:12345'));
    await p.set('big2', 'c'.repeat(4_000_000));
    await p.set('after-big', '1');
    await caughtUp(p, s);
    expect(await s.strlen('big2')).toBe(4_000_000);
    expect(await s.get('after-big')).toBe('1');
  }, 30000);
});

describe('Shoal primary, Shoal replica', () => {
  const start = servers();
  let p: Redis;
  let s: Redis;

  beforeAll(async () => {
    let a: RunningServer;
    [a, p] = await start(startShoal, ['--repl-diskless-sync', 'no']);
    const pipe = p.pipeline();
    for (let i = 0; i < 5000; i++) pipe.hset(`h:${i}`, 'f', String(i));
    await pipe.exec();
    await p.set('big', 'b'.repeat(2_000_000));
    await populate(p, 'before');
    [, s] = await start(startShoal, replicaOf(a));
  }, 30000);

  it('full sync with length framing, the stream, and a partial resync after a kill', async () => {
    await caughtUp(p, s);
    expect(await s.dbsize()).toBe(await p.dbsize());
    expect(await s.strlen('big')).toBe(2_000_000);
    await populate(p, 'after');
    await caughtUp(p, s);
    expect(await s.client('KILL', 'TYPE', 'master')).toBe(1);
    await p.set('while-down', 'yes');
    await caughtUp(p, s);
    expect(await s.get('while-down')).toBe('yes');
    expect(await syncs(p)).toMatchObject({ full: '1', partialOk: '1' });
    await p.call('FLUSHALL');
    await populate(p, 'final');
    await caughtUp(p, s);
    expect(await dataset(s)).toEqual(await dataset(p));
  }, 30000);
});

describe.runIf(HAVE)('chained: redis-server -> redis-server -> Shoal', () => {
  const start = servers();
  let t: Redis;
  let m: Redis;
  let l: Redis;

  beforeAll(async () => {
    [t, m, l] = await startChain(start, [startRedis, startRedis, startShoal], 7);
  }, 30000);

  it('applies a passed-on stream in the database the RDB says it is in (repl-stream-db)', async () => {
    await caughtUp(m, l);
    await t.set('db7:second', '2');
    await caughtUp(t, m);
    await caughtUp(m, l);
    const want = await dataset(t);
    expect(want['7/db7:second']).toEqual(['string', '2', false]);
    expect(await dataset(l)).toEqual(want);
  });
});

describe.runIf(HAVE)('Shoal primary: writes during a background full sync are held for the replica', () => {
  const start = servers();
  let shoal: RunningServer;
  let p: Redis;

  beforeAll(async () => {
    [shoal, p] = await start(startShoal, ['--repl-diskless-sync-delay', '0']);
    for (let batch = 0; batch < 10; batch++) {
      const pipe = p.pipeline();
      for (let i = 0; i < 10000; i++) pipe.set(`k:${batch}:${i}`, `v${i}`);
      await pipe.exec();
    }
  }, 30000);

  it('the replica gets the snapshot and then every write made while it was produced', async () => {
    const [, s] = await start(startRedis, replicaOf(shoal));
    let n = 0;
    let sawWaiting = false;
    while (info(await replInfo(s), 'master_link_status') !== 'up') {
      await p.set(`during:${n}`, String(n));
      await p.del(`k:0:${n}`);
      n++;
      if (info(await replInfo(p), 'slave0').includes('state=wait_bgsave')) sawWaiting = true;
    }
    await caughtUp(p, s);
    expect(sawWaiting).toBe(true);
    expect(n).toBeGreaterThan(0);
    expect(await s.dbsize()).toBe(await p.dbsize());
    expect(await s.get(`during:${n - 1}`)).toBe(String(n - 1));
    expect(await s.exists(`k:0:${n - 1}`)).toBe(0);
    expect(await s.get('k:9:9999')).toBe('v9999');
  }, 30000);
});

describe.runIf(HAVE)('restarts keep the history (repl-id / repl-offset in the dump file)', () => {
  const start = servers();
  let redis: RunningServer;
  let p: Redis;

  beforeAll(async () => {
    [redis, p] = await start(startRedis, ['--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '3600']);
    await populate(p, 'x');
  }, 30000);

  it('a Shoal replica restarted from its SAVEd dump continues with a partial resync', async () => {
    const first = await start(startShoal, replicaOf(redis));
    const s1 = first[1];
    await caughtUp(p, s1);
    expect(await s1.call('SAVE')).toBe('OK');
    await crash(first);
    await p.set('while-restarting', '1');
    const [, s2] = await start(startShoal, [...replicaOf(redis), '--dir', first[0].dir]);
    await caughtUp(p, s2);
    expect(await syncs(p)).toMatchObject({ full: '1', partialOk: '1' });
    expect(await dataset(s2)).toEqual(await dataset(p));
  }, 30000);

  it('a Shoal primary restarted from its dump takes its old history as replid2', async () => {
    const a = await start(startShoal, ['--repl-diskless-sync-delay', '0']);
    const c = a[1];
    // A replica attaching creates the backlog (and with it the history the dump records).
    const [r, rc] = await start(startRedis, replicaOf(a[0]));
    await c.set('k', 'v');
    await caughtUp(c, rc);
    const before = await replInfo(c);
    expect(await c.call('SAVE')).toBe('OK');
    rc.disconnect();
    await r.stop();
    await crash(a);
    const [, bc] = await start(startShoal, ['--dir', a[0].dir]);
    const after = await replInfo(bc);
    expect(info(after, 'master_replid2')).toBe(info(before, 'master_replid'));
    expect(info(after, 'second_repl_offset')).toBe(String(Number(info(before, 'master_repl_offset')) + 1));
    expect(info(after, 'master_repl_offset')).toBe(info(before, 'master_repl_offset'));
    expect(info(after, 'repl_backlog_active')).toBe('1');
  }, 30000);
});
