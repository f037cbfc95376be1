// Disk-less full sync on a Shoal primary: one snapshot streamed to every waiting replica with
// $EOF:<mark> framing, repl-diskless-sync-delay / -max-replicas, the stream held per replica and
// bounded by client-output-buffer-limit replica, a stalled replica that cannot hold up the others
// or the server, the disk-based path with repl-diskless-sync no, and Shoal replicas loading the
// stream from the socket (swapdb, on-empty-db).

import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import { requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const HAVE = requireRedis();
const DEBUG = ['--enable-debug-command', 'yes'];

function info(text: string, field: string): string {
  const m = new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(text);
  return m === null ? '' : m[1].trim();
}


async function caughtUp(primary: Redis, replica: Redis): Promise<void> {
  await until('replica to catch up', async () => {
    const p = await primary.info('replication');
    const s = await replica.info('replication');
    return info(s, 'master_link_status') === 'up' && info(s, 'slave_repl_offset') === info(p, 'master_repl_offset');
  });
}

function count(text: string, what: string): number {
  return text.split(what).length - 1;
}

/** `n` keys of `size` random (incompressible) bytes each. */
async function fill(r: Redis, n: number, size: number): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    const pipe = r.pipeline();
    for (let j = i; j < Math.min(n, i + 500); j++) pipe.set(`fill:${j}`, randomBytes(size / 2).toString('hex'));
    await pipe.exec();
  }
}

/** A replica that announces EOF capability, asks for a full sync, and never reads. */
async function stalledReplica(port: number): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  s.on('error', () => {});
  // One at a time: PSYNC is refused while replies are pending, as in Redis.
  for (const argv of [['REPLCONF', 'listening-port', '1'], ['REPLCONF', 'capa', 'eof', 'capa', 'psync2']]) {
    s.write(encodeCommand(argv));
    await new Promise((resolve) => s.once('data', resolve));
  }
  s.write(encodeCommand(['PSYNC', '?', '-1']));
  s.pause();
  return s;
}

describe.runIf(HAVE)('disk-less full sync from a Shoal primary', () => {
  let shoal: RunningServer;
  let p: Redis;
  const replicas: RunningServer[] = [];

  beforeAll(async () => {
    // The delay is long on purpose: a transfer that starts early proves max-replicas did it.
    shoal = await startShoal(['--repl-diskless-sync-delay', '60', '--repl-diskless-sync-max-replicas', '2', ...DEBUG]);
    p = new Redis(shoal.port, '127.0.0.1', { lazyConnect: true });
    await p.connect();
    await fill(p, 2000, 2000);
    await p.select(4);
    await p.hset('h', 'f', 'v');
    await p.select(0);
  }, 30000);

  afterAll(async () => {
    p?.disconnect();
    await Promise.all(replicas.map((r) => r.stop()));
    await shoal?.stop();
  });

  it('serves two redis-server replicas with one streamed snapshot, early at max-replicas', async () => {
    const t0 = Date.now();
    const [a, b] = await Promise.all([
      startRedis(['--replicaof', '127.0.0.1', String(shoal.port), ...DEBUG]),
      startRedis(['--replicaof', '127.0.0.1', String(shoal.port), ...DEBUG]),
    ]);
    replicas.push(a, b);
    const ra = new Redis(a.port, '127.0.0.1', { lazyConnect: true });
    const rb = new Redis(b.port, '127.0.0.1', { lazyConnect: true });
    await Promise.all([ra.connect(), rb.connect()]);
    // Written while the replicas wait and while the snapshot streams: held for each from its offset.
    let n = 0;
    while (info(await ra.info('replication'), 'master_link_status') !== 'up' || info(await rb.info('replication'), 'master_link_status') !== 'up') {
      await p.set(`during:${n}`, String(n));
      await p.del(`fill:${n}`);
      n++;
      if (Date.now() - t0 > 20000) throw new Error('replicas did not sync');
    }
    expect(Date.now() - t0).toBeLessThan(30000);
    await caughtUp(p, ra);
    await caughtUp(p, rb);
    const out = shoal.output();
    expect(count(out, 'Starting BGSAVE for SYNC with target: replicas sockets')).toBe(1);
    expect(count(out, 'target: disk')).toBe(0);
    expect(info(await p.info('stats'), 'sync_full')).toBe('2');
    for (const r of [ra, rb]) {
      expect(await r.dbsize()).toBe(await p.dbsize());
      expect(await r.call('DEBUG', 'DIGEST')).toBe(await p.call('DEBUG', 'DIGEST'));
      expect(await r.get(`during:${n - 1}`)).toBe(String(n - 1));
    }
    ra.disconnect();
    rb.disconnect();
  }, 40000);

  it('with repl-diskless-sync no, a replica gets a disk-based RDB ($<len> framing)', async () => {
    await p.config('SET', 'repl-diskless-sync', 'no');
    const c = await startRedis(['--replicaof', '127.0.0.1', String(shoal.port), ...DEBUG]);
    replicas.push(c);
    const rc = new Redis(c.port, '127.0.0.1', { lazyConnect: true });
    await rc.connect();
    await caughtUp(p, rc);
    expect(count(shoal.output(), 'target: disk')).toBe(1);
    expect(await rc.call('DEBUG', 'DIGEST')).toBe(await p.call('DEBUG', 'DIGEST'));
    rc.disconnect();
    await p.config('SET', 'repl-diskless-sync', 'yes');
  }, 30000);
});

describe.runIf(HAVE)('a replica that stops reading during a disk-less transfer', () => {
  let shoal: RunningServer;
  let p: Redis;
  let redis: RunningServer | undefined;

  beforeAll(async () => {
    shoal = await startShoal(['--repl-diskless-sync-delay', '0', '--repl-timeout', '2', ...DEBUG]);
    p = new Redis(shoal.port, '127.0.0.1', { lazyConnect: true });
    await p.connect();
    // Far more than a socket and the transfer's high-water mark hold.
    await fill(p, 1500, 10000);
  }, 30000);

  afterAll(async () => {
    p?.disconnect();
    await redis?.stop();
    await shoal?.stop();
  });

  it('is dropped at the hard limit of what is held for it; the server keeps serving', async () => {
    await p.config('SET', 'client-output-buffer-limit', 'replica 256kb 0 0');
    const s = await stalledReplica(shoal.port);
    await until('the transfer to start', async () => info(await p.info('replication'), 'slave0').includes('state=wait_bgsave'));
    const value = 'w'.repeat(64 * 1024);
    let dropped = false;
    for (let i = 0; i < 20 && !dropped; i++) {
      const t0 = Date.now();
      await p.set(`w${i}`, value);
      expect(Date.now() - t0).toBeLessThan(1000);
      dropped = info(await p.info('replication'), 'connected_slaves') === '0';
    }
    expect(dropped).toBe(true);
    expect(shoal.output()).toContain('closed for overcoming of output buffer limits during its full sync');
    s.destroy();
  }, 30000);

  it('is dropped after the soft limit\'s seconds', async () => {
    await p.config('SET', 'client-output-buffer-limit', 'replica 0 1kb 1');
    const s = await stalledReplica(shoal.port);
    await until('the transfer to start', async () => info(await p.info('replication'), 'slave0').includes('state=wait_bgsave'));
    await p.set('soft1', 'x'.repeat(2000));
    // Still attached: over the soft limit, but not for a whole second yet.
    expect(info(await p.info('replication'), 'connected_slaves')).toBe('1');
    await new Promise((r) => setTimeout(r, 1200));
    await p.set('soft2', 'x');
    expect(info(await p.info('replication'), 'connected_slaves')).toBe('0');
    s.destroy();
    await p.config('SET', 'client-output-buffer-limit', 'replica 256mb 64mb 60');
  }, 30000);

  it('sharing a transfer, it is dropped at repl-timeout and the other replica completes', async () => {
    await p.config('SET', 'repl-diskless-sync-delay', '5');
    await p.config('SET', 'repl-diskless-sync-max-replicas', '2');
    const s = await stalledReplica(shoal.port);
    redis = await startRedis(['--replicaof', '127.0.0.1', String(shoal.port), ...DEBUG]);
    const r = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
    await r.connect();
    await until('the stalled replica to be dropped', async () => shoal.output().includes('Disconnecting timedout replica (full sync)'));
    await caughtUp(p, r);
    expect(await r.call('DEBUG', 'DIGEST')).toBe(await p.call('DEBUG', 'DIGEST'));
    r.disconnect();
    s.destroy();
  }, 30000);
});

describe('Shoal primary to Shoal replicas, loaded from the socket', () => {
  let a: RunningServer;
  let p: Redis;
  const replicas: RunningServer[] = [];

  beforeAll(async () => {
    a = await startShoal(['--repl-diskless-sync-delay', '0', ...DEBUG]);
    p = new Redis(a.port, '127.0.0.1', { lazyConnect: true });
    await p.connect();
    const pipe = p.pipeline();
    for (let i = 0; i < 3000; i++) {
      pipe.hset(`h:${i}`, 'f', String(i), 'g', randomBytes(20).toString('hex'));
      pipe.rpush(`l:${i % 50}`, randomBytes(8).toString('hex'));
      pipe.sadd(`s:${i % 40}`, String(i));
      pipe.zadd(`z:${i % 30}`, i / 7, `m${i}`);
    }
    pipe.set('ttl', 'v', 'EX', 1000);
    pipe.set('big', randomBytes(1_500_000).toString('hex'));
    pipe.select(9);
    pipe.set('db9', 'nine');
    pipe.select(0);
    await pipe.exec();
  }, 30000);

  afterAll(async () => {
    p?.disconnect();
    await Promise.all(replicas.map((r) => r.stop()));
    await a?.stop();
  });

  for (const mode of ['swapdb', 'on-empty-db']) {
    it(`a Shoal replica with ${mode}: its dataset digest equals the primary's`, async () => {
      const b = await startShoal(['--replicaof', '127.0.0.1', String(a.port), '--repl-diskless-load', mode, ...DEBUG]);
      replicas.push(b);
      const r = new Redis(b.port, '127.0.0.1', { lazyConnect: true });
      await r.connect();
      await until('the link', async () => info(await r.info('replication'), 'master_link_status') === 'up');
      await p.set('after', '1');
      await until('the write', async () => (await r.get('after')) === '1');
      expect(await r.call('DEBUG', 'DIGEST')).toBe(await p.call('DEBUG', 'DIGEST'));
      expect(b.output()).toContain('Loading DB in memory from the socket');
      r.disconnect();
    }, 30000);
  }
});
