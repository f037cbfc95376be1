// Throughput and server CPU per request, Shoal against redis-server, with redis-benchmark.
//
// Both servers run side by side for the whole benchmark. Each (test, pipeline) pair runs in A/B
// rounds, alternating which server goes first, and reports medians; the ratio column is the
// median of the per-round ratios, so a slow moment on a shared machine hurts both sides alike.
// Server CPU (utime+stime from /proc/<pid>/stat) per request is reported beside ops/s: it
// depends much less on what else the machine is doing.
//
// Environment (defaults in brackets):
//   BENCH_ROUNDS [3]           A/B rounds per test (at least 3)
//   BENCH_REQUESTS_P1 [200000] requests per run at -P 1
//   BENCH_REQUESTS_P16 [1000000] requests per run at -P 16
//   BENCH_CLIENTS [50]         redis-benchmark -c
//   BENCH_KEYSPACE [100000]    redis-benchmark -r (random keys)
//   BENCH_TESTS                comma-separated subset, e.g. "set,get"
//   BENCH_QUICK=1              a quick smoke run: 20000 / 100000 requests

import { spawn } from 'node:child_process';
import { Conn, cpuMicros, median, printTable, startServer } from './lib.mjs';

const quick = process.env.BENCH_QUICK === '1';
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const REQUESTS = {
  1: Number(process.env.BENCH_REQUESTS_P1 ?? (quick ? 20000 : 200000)),
  16: Number(process.env.BENCH_REQUESTS_P16 ?? (quick ? 100000 : 1000000)),
};
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const KEYSPACE = Number(process.env.BENCH_KEYSPACE ?? 100000);
const PIPELINES = [1, 16];

/**
 * redis-benchmark tests we know, the CSV row that carries the result, and a command that tells
 * whether Shoal implements what the test needs. New command groups join the run by themselves.
 */
const TESTS = [
  { name: 'ping_mbulk', row: 'PING_MBULK', probes: [['PING']] },
  { name: 'set', row: 'SET', probes: [['SET', 'bench:probe', 'x']] },
  { name: 'get', row: 'GET', probes: [['GET', 'bench:probe']] },
  { name: 'incr', row: 'INCR', probes: [['INCR', 'bench:probe:n']] },
  { name: 'mset', row: 'MSET (10 keys)', probes: [['MSET', 'bench:probe', 'x']] },
  { name: 'lpush', row: 'LPUSH', probes: [['LPUSH', 'bench:probe:l', 'x']] },
  { name: 'rpop', row: 'RPOP', probes: [['LPUSH', 'bench:probe:l', 'x'], ['RPOP', 'bench:probe:l']] },
  { name: 'sadd', row: 'SADD', probes: [['SADD', 'bench:probe:s', 'x']] },
  { name: 'hset', row: 'HSET', probes: [['HSET', 'bench:probe:h', 'f', 'x']] },
  { name: 'zadd', row: 'ZADD', probes: [['ZADD', 'bench:probe:z', '1', 'x']] },
  // lrange_100 fills its list with LPUSH in the same redis-benchmark run; its CPU figure covers both.
  { name: 'lrange_100', row: 'LRANGE_100 (first 100 elements)', probes: [['LPUSH', 'bench:probe:l', 'x'], ['LRANGE', 'bench:probe:l', '0', '99']] },
];

/** Does the server answer every probe without an error? */
async function supports(port, test) {
  const c = await Conn.open(port);
  try {
    for (const argv of test.probes) if ((await c.call(...argv)).startsWith('-')) return false;
    return true;
  } finally {
    c.close();
  }
}

function runBenchmark(port, test, pipeline) {
  const n = REQUESTS[pipeline];
  const args = ['-p', String(port), '-c', String(CLIENTS), '-P', String(pipeline), '-n', String(n), '-r', String(KEYSPACE), '-t', test.name, '--csv'];
  return new Promise((resolve, reject) => {
    const p = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`redis-benchmark ${args.join(' ')} exited ${code}: ${err}`));
      const rows = parseCsv(out);
      const row = rows.find((r) => r.test === test.row);
      if (!row) return reject(new Error(`no "${test.row}" row in redis-benchmark output:\n${out}`));
      resolve({ rps: Number(row.rps), requests: n * rows.length });
    });
  });
}

/** redis-benchmark --csv: a header line, then one quoted row per test. */
function parseCsv(text) {
  const lines = text.split('\n').filter((l) => l.startsWith('"'));
  const split = (l) => l.slice(1, -1).split('","');
  const header = split(lines[0]);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [header[i], v])));
}

async function measure(server, test, pipeline) {
  const before = cpuMicros(server.pid);
  const { rps, requests } = await runBenchmark(server.port, test, pipeline);
  return { rps, cpuPerReq: (cpuMicros(server.pid) - before) / requests };
}

const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

async function main() {
  const [shoal, redis] = [await startServer('shoal'), await startServer('redis')];
  try {
    const wanted = process.env.BENCH_TESTS ? new Set(process.env.BENCH_TESTS.toLowerCase().split(',')) : null;
    const tests = [];
    for (const t of TESTS) {
      if (wanted && !wanted.has(t.name)) continue;
      if (await supports(shoal.port, t)) tests.push(t);
      else console.log(`skipping ${t.name}: Shoal does not support it yet`);
    }
    console.log(`redis-benchmark -c ${CLIENTS} -r ${KEYSPACE}; requests per run: ${REQUESTS[1]} at -P 1, ${REQUESTS[16]} at -P 16; ${ROUNDS} A/B rounds\n`);
    const rows = [];
    for (const t of tests) {
      for (const pipeline of PIPELINES) {
        const s = [];
        const r = [];
        for (let round = 0; round < ROUNDS; round++) {
          // Alternate who goes first so warm-up and drift do not favour one side.
          if (round % 2 === 0) {
            s.push(await measure(shoal, t, pipeline));
            r.push(await measure(redis, t, pipeline));
          } else {
            r.push(await measure(redis, t, pipeline));
            s.push(await measure(shoal, t, pipeline));
          }
        }
        const row = [
          t.name.toUpperCase(),
          pipeline,
          fmt(median(s.map((x) => x.rps))),
          fmt(median(r.map((x) => x.rps))),
          fmt(median(s.map((x, i) => x.rps / r[i].rps)), 2),
          fmt(median(s.map((x) => x.cpuPerReq)), 2),
          fmt(median(r.map((x) => x.cpuPerReq)), 2),
          fmt(median(s.map((x, i) => x.cpuPerReq / r[i].cpuPerReq)), 2),
        ];
        rows.push(row);
        console.log(`${row[0]} -P ${pipeline}: ${row[2]} vs ${row[3]} ops/s`);
      }
    }
    console.log('');
    printTable(['test', 'pipeline', 'ops/s Shoal', 'ops/s Redis', 'ratio', 'CPU us/req Shoal', 'CPU us/req Redis', 'CPU ratio'], rows);
  } finally {
    await Promise.all([shoal.stop(), redis.stop()]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
