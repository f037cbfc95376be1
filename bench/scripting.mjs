// EVALSHA throughput and server CPU per call, Shoal against redis-server, with redis-benchmark.
// The script is the small one issue #8 names: two redis.call's (SET then GET of a random key).
// Same method as run.mjs: both servers side by side, A/B rounds alternating who goes first,
// medians, and the median of the per-round ratios.
//
// Environment (defaults in brackets):
//   BENCH_ROUNDS [3]              A/B rounds (at least 3)
//   BENCH_REQUESTS_P1 [100000]    requests per run at -P 1
//   BENCH_REQUESTS_P16 [400000]   requests per run at -P 16
//   BENCH_CLIENTS [50]            redis-benchmark -c
//   BENCH_QUICK=1                 smoke run: 20000 / 50000 requests

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Conn, cpuMicros, median, printTable, startServer } from './lib.mjs';

const quick = process.env.BENCH_QUICK === '1';
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const REQUESTS = {
  1: Number(process.env.BENCH_REQUESTS_P1 ?? (quick ? 20000 : 100000)),
  16: Number(process.env.BENCH_REQUESTS_P16 ?? (quick ? 50000 : 400000)),
};
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SCRIPT = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])";

function bench(port, sha, pipeline) {
  const n = REQUESTS[pipeline];
  const args = ['-p', String(port), '-c', String(CLIENTS), '-P', String(pipeline), '-n', String(n), '-r', '100000', '--csv',
    'EVALSHA', sha, '1', 'key:__rand_int__', 'value'];
  return new Promise((resolve, reject) => {
    const p = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`redis-benchmark exited ${code}`));
      const row = out.split('\n').filter((l) => l.startsWith('"'))[1];
      resolve({ rps: Number(row.slice(1, -1).split('","')[1]), requests: n });
    });
  });
}

const SHA = createHash('sha1').update(SCRIPT).digest('hex');

async function load(port) {
  const c = await Conn.open(port);
  await c.call('SCRIPT', 'LOAD', SCRIPT);
  const exists = await c.call('EVALSHA', SHA, '1', 'probe', 'x');
  c.close();
  if (!exists.startsWith('$')) throw new Error(`EVALSHA probe failed: ${exists}`);
}

async function measure(server, sha, pipeline) {
  const before = cpuMicros(server.pid);
  const { rps, requests } = await bench(server.port, sha, pipeline);
  return { rps, cpuPerReq: (cpuMicros(server.pid) - before) / requests };
}

const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

async function main() {
  const [shoal, redis] = [await startServer('shoal'), await startServer('redis')];
  try {
    const sha = SHA;
    await load(shoal.port);
    await load(redis.port);
    console.log(`EVALSHA ${sha} 1 key:__rand_int__ value (${SCRIPT}); -c ${CLIENTS}; ${ROUNDS} A/B rounds\n`);
    const rows = [];
    for (const pipeline of [1, 16]) {
      const s = [];
      const r = [];
      for (let round = 0; round < ROUNDS; round++) {
        if (round % 2 === 0) {
          s.push(await measure(shoal, sha, pipeline));
          r.push(await measure(redis, sha, pipeline));
        } else {
          r.push(await measure(redis, sha, pipeline));
          s.push(await measure(shoal, sha, pipeline));
        }
      }
      rows.push([
        'EVALSHA', pipeline, fmt(median(s.map((x) => x.rps))), fmt(median(r.map((x) => x.rps))),
        fmt(median(s.map((x, i) => x.rps / r[i].rps)), 2), fmt(median(s.map((x) => x.cpuPerReq)), 2),
        fmt(median(r.map((x) => x.cpuPerReq)), 2), fmt(median(s.map((x, i) => x.cpuPerReq / r[i].cpuPerReq)), 2),
      ]);
    }
    printTable(['test', 'pipeline', 'ops/s Shoal', 'ops/s Redis', 'ratio', 'CPU us/req Shoal', 'CPU us/req Redis', 'CPU ratio'], rows);
  } finally {
    await Promise.all([shoal.stop(), redis.stop()]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
