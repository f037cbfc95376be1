// Streams across replication with redis-server in both directions: after the full sync (streams
// in the RDB payload) and the live stream (XADD with * and ~ LIMIT, trimming, group reads, claims,
// acknowledgements, blocked readers served), a Shoal replica holds exactly what a redis-server
// replica of the same primary holds.

import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';

const enabled = requireRedis();

async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

const field = (text: string, name: string): string => new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(text)?.[1].trim() ?? '';

async function caughtUp(primary: Redis, replica: Redis): Promise<void> {
  await until('the replica to catch up', async () => {
    const [p, s] = await Promise.all([primary.info('replication'), replica.info('replication')]);
    return field(s, 'master_link_status') === 'up' && field(s, 'slave_repl_offset') === field(p, 'master_repl_offset');
  });
}

async function before(p: Redis): Promise<void> {
  for (let i = 1; i <= 150; i++) await p.xadd('pre', `${i}-0`, 'f', String(i));
  await p.xgroup('CREATE', 'pre', 'g', '0');
  await p.xreadgroup('GROUP', 'g', 'early', 'COUNT', '3', 'STREAMS', 'pre', '>');
  await p.xdel('pre', '2-0');
}

async function live(p: Redis, port: number): Promise<void> {
  await p.xadd('live', '*', 'a', '1');
  await p.xadd('live', '*', 'a', '2');
  for (let i = 0; i < 120; i++) await p.xadd('pre', 'MAXLEN', '~', '100', 'LIMIT', '200', '*', 'f', 'x');
  await p.xtrim('pre', 'MINID', '~', '100');
  await p.xgroup('CREATE', 'live', 'g', '0');
  await p.xreadgroup('GROUP', 'g', 'c1', 'COUNT', '1', 'STREAMS', 'live', '>');
  await p.xreadgroup('GROUP', 'g', 'c2', 'NOACK', 'STREAMS', 'live', '>');
  await p.xreadgroup('GROUP', 'g', 'late', 'STREAMS', 'pre', '>');
  await p.xclaim('pre', 'g', 'taker', 0, '1-0', '3-0', 'JUSTID');
  await p.xautoclaim('pre', 'g', 'auto', 0, '0', 'COUNT', 5);
  await p.xack('pre', 'g', '1-0');
  await p.xgroup('CREATECONSUMER', 'live', 'g', 'idle');
  await p.xgroup('SETID', 'live', 'g', '$');
  // A reader blocked on the primary, served by an XADD.
  const waiter = new Redis({ port });
  const served = waiter.xreadgroup('GROUP', 'g', 'blocked', 'BLOCK', 5000, 'STREAMS', 'live', '>');
  await until('the reader to block', async () => field(await p.info('clients'), 'blocked_clients') === '1');
  await p.xadd('live', '*', 'wake', 'up');
  expect(await served).not.toBeNull();
  waiter.disconnect();
}

/** XINFO STREAM FULL without consumers' seen times (a replica sets them when it applies). */
async function state(r: Redis): Promise<string> {
  const out: unknown[] = [];
  for (const key of ['pre', 'live']) if ((await r.exists(key)) === 1) out.push(await r.call('XINFO', 'STREAM', key, 'FULL', 'COUNT', '0'));
  return JSON.stringify(out).replace(/"seen-time",\d+/g, '"seen-time"');
}

describe.skipIf(!enabled)('streams across replication with redis-server', () => {
  const servers: RunningServer[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(servers.map((s) => s.stop()));
  });

  async function serversFor(primaryKind: 'shoal' | 'redis'): Promise<[Redis, Redis[], number]> {
    const quick = ['--repl-diskless-sync-delay', '0'];
    const started = await Promise.all([primaryKind === 'shoal' ? startShoal(quick) : startRedis(quick), startRedis(), startShoal()]);
    servers.push(...started);
    const [p, ...replicas] = started.map((x) => new Redis({ port: x.port }));
    clients.push(p, ...replicas);
    return [p, replicas, started[0].port];
  }

  // Groups' entries-read (and so lag) are not replicated by Redis 7.0's XCLAIM forms: replicas are
  // compared with each other exactly, and with the primary without those two fields.
  const noCounters = (x: string): string => x.replace(/"entries-read",(\d+|null),"lag",(\d+|null)/g, '');

  for (const primary of ['shoal', 'redis'] as const) {
    it(`${primary} primary: a Shoal replica ends like a redis-server replica, with the primary's entries and pending lists`, async () => {
      const [p, replicas, port] = await serversFor(primary);
      await before(p);
      for (const r of replicas) await r.replicaof('127.0.0.1', port);
      for (const r of replicas) await caughtUp(p, r);
      const check = async (): Promise<void> => {
        const [ps, rs, ss] = await Promise.all([state(p), state(replicas[0]), state(replicas[1])]);
        expect(ss).toBe(rs);
        expect(noCounters(ss)).toBe(noCounters(ps));
      };
      await check();
      await live(p, port);
      for (const r of replicas) await caughtUp(p, r);
      await check();
    });
  }
});
