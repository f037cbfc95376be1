// The psync stress test Redis's suite runs: clients write continuously while the link between a
// Shoal primary and a Shoal replica is cut every ~2 s (CLIENT KILL TYPE master on the replica,
// TYPE replica on the primary, in turn). With a large backlog every resync is partial; with a
// 100-byte backlog every one is full (disk-less, loaded with swapdb). At the end both hold the
// same data (DEBUG DIGEST) and ROLE says connected.
// It runs PSYNC_STRESS_SECONDS (default 30, as Redis's test does): the cuts must land during full
// syncs and while the stream is busy, which takes many rounds. The two variants run side by side.

import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startShoal, type RunningServer } from '../helpers/server.js';

const SECONDS = Number(process.env.PSYNC_STRESS_SECONDS ?? 30);
const DEBUG = ['--enable-debug-command', 'yes'];

function info(text: string, field: string): string {
  const m = new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(text);
  return m === null ? '' : m[1].trim();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Random writes of every kind the stream must carry faithfully, in batches, until `stop`. */
async function writer(r: Redis, seed: number, stop: { now: boolean }): Promise<number> {
  let n = 0;
  let x = seed;
  const rnd = (m: number): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % m;
  };
  while (!stop.now) {
    const pipe = r.pipeline();
    for (let i = 0; i < 50; i++) {
      const k = `k:${rnd(300)}`;
      switch (rnd(12)) {
        case 0: pipe.set(k, `v${n}`); break;
        case 1: pipe.incr(`n:${rnd(50)}`); break;
        case 2: pipe.rpush(`l:${rnd(30)}`, String(n)); break;
        case 3: pipe.lpop(`l:${rnd(30)}`); break;
        case 4: pipe.hset(`h:${rnd(40)}`, `f${rnd(20)}`, String(n)); break;
        case 5: pipe.sadd(`s:${rnd(30)}`, String(rnd(100))); break;
        case 6: pipe.spop(`s:${rnd(30)}`); break;
        case 7: pipe.zadd(`z:${rnd(30)}`, rnd(1000) / 10, `m${rnd(50)}`); break;
        case 8: pipe.del(k); break;
        case 9: pipe.set(k, `t${n}`, 'EX', 1000 + rnd(100)); break;
        case 10: pipe.incrbyfloat(`f:${rnd(20)}`, '0.5'); break;
        default: pipe.multi().select(1).incr(`db1:${rnd(20)}`).select(0).exec(); break;
      }
      n++;
    }
    await pipe.exec();
  }
  return n;
}

async function stress(backlog: string, primaryArgs: string[], replicaArgs: string[]): Promise<{ stats: string; digests: string[]; role: unknown[]; kills: number }> {
  const a = await startShoal(['--repl-backlog-size', backlog, '--repl-diskless-sync-delay', '0', ...DEBUG, ...primaryArgs]);
  started.push(a);
  const b = await startShoal(['--replicaof', '127.0.0.1', String(a.port), ...DEBUG, ...replicaArgs]);
  started.push(b);
  const p = new Redis(a.port, '127.0.0.1');
  const s = new Redis(b.port, '127.0.0.1');
  const writers = [new Redis(a.port, '127.0.0.1'), new Redis(a.port, '127.0.0.1')];
  try {
    const stop = { now: false };
    const running = writers.map((w, i) => writer(w, i + 1, stop));
    const end = Date.now() + SECONDS * 1000;
    let kills = 0;
    while (Date.now() < end) {
      await sleep(2000);
      const n = kills % 2 === 0 ? await s.client('KILL', 'TYPE', 'master') : await p.client('KILL', 'TYPE', 'replica');
      if (n === 1) kills++;
    }
    stop.now = true;
    await Promise.all(running);
    const deadline = Date.now() + 20000;
    for (;;) {
      const pi = await p.info('replication');
      const si = await s.info('replication');
      if (info(si, 'master_link_status') === 'up' && info(si, 'slave_repl_offset') === info(pi, 'master_repl_offset')) break;
      if (Date.now() > deadline) throw new Error(`replica did not catch up:\n${pi}\n${si}`);
      await sleep(50);
    }
    const digests = [String(await p.call('DEBUG', 'DIGEST')), String(await s.call('DEBUG', 'DIGEST'))];
    return { stats: await p.info('stats'), digests, role: (await s.call('ROLE')) as unknown[], kills };
  } finally {
    for (const c of [p, s, ...writers]) c.disconnect();
  }
}

const started: RunningServer[] = [];

describe('psync stress: writes while the link is cut every ~2 s', () => {
  afterAll(async () => {
    await Promise.all(started.map((r) => r.stop()));
  });

  it(`partial resyncs with a large backlog, full ones with a 100-byte backlog (${SECONDS} s)`, async () => {
    const [large, small] = await Promise.all([
      stress('10mb', ['--repl-diskless-sync', 'no'], ['--repl-diskless-load', 'disabled']),
      stress('100', ['--repl-diskless-sync', 'yes'], ['--repl-diskless-load', 'swapdb']),
    ]);
    for (const r of [large, small]) {
      expect(r.kills).toBeGreaterThanOrEqual(Math.floor(SECONDS / 2) - 2);
      expect(r.digests[1]).toBe(r.digests[0]);
      expect(r.digests[0]).not.toBe('0'.repeat(40));
      expect(r.role[0]).toBe('slave');
      expect(r.role[3]).toBe('connected');
    }
    expect(info(large.stats, 'sync_full')).toBe('1');
    expect(Number(info(large.stats, 'sync_partial_ok'))).toBeGreaterThanOrEqual(large.kills);
    expect(info(large.stats, 'sync_partial_err')).toBe('0');
    expect(Number(info(small.stats, 'sync_full'))).toBe(small.kills + 1);
    expect(info(small.stats, 'sync_partial_ok')).toBe('0');
  }, (SECONDS + 60) * 1000);
});
