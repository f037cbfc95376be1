// RSS under a write flood with maxmemory: redis-benchmark SETs random keys without pause into a
// server with maxmemory and allkeys-lru (several times what fits), while /proc is sampled every
// 25 ms. Reports the peak of RSS above the empty server's, as a multiple of maxmemory, for Shoal
// and for redis-server in the same run, plus Shoal's used_memory and V8 heap at the end.
//
// Environment: FLOOD_MAXMEMORY_MB [200], FLOOD_REQUESTS [1000000], FLOOD_VALUE_BYTES [200],
// FLOOD_PIPELINE [16], FLOOD_SERVERS [shoal,redis].

import { execFile, execFileSync } from 'node:child_process';
import { printTable, rssBytes, startServer } from './lib.mjs';

const MB = 1024 * 1024;
const MAXMEMORY = Number(process.env.FLOOD_MAXMEMORY_MB ?? 200) * MB;
const REQUESTS = Number(process.env.FLOOD_REQUESTS ?? 1000000);
const VALUE_BYTES = Number(process.env.FLOOD_VALUE_BYTES ?? 200);
const PIPELINE = Number(process.env.FLOOD_PIPELINE ?? 16);
const SERVERS = (process.env.FLOOD_SERVERS ?? 'shoal,redis').split(',');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function infoField(info, name) {
  const m = new RegExp(`${name}:(\\d+)`).exec(info);
  return m === null ? NaN : Number(m[1]);
}

async function flood(kind) {
  const server = await startServer(kind, { args: ['--maxmemory', String(MAXMEMORY), '--maxmemory-policy', 'allkeys-lru'] });
  try {
    await sleep(1000);
    const empty = rssBytes(server.pid);
    let peak = 0;
    const timer = setInterval(() => {
      const rss = rssBytes(server.pid);
      if (rss > peak) peak = rss;
    }, 25);
    const t0 = Date.now();
    await new Promise((resolve, reject) => {
      execFile('redis-benchmark', ['-p', String(server.port), '-t', 'set', '-n', String(REQUESTS), '-r', '100000000',
        '-d', String(VALUE_BYTES), '-P', String(PIPELINE), '-q'], (err) => (err ? reject(err) : resolve()));
    });
    const ms = Date.now() - t0;
    clearInterval(timer);
    const cli = (...args) => execFileSync('redis-cli', ['-p', String(server.port), ...args], { encoding: 'latin1' });
    const info = cli('INFO');
    const dbsize = cli('DBSIZE');
    return {
      kind, empty, peak, end: rssBytes(server.pid), ms,
      used: infoField(info, 'used_memory'), evicted: infoField(info, 'evicted_keys'), keys: Number(String(dbsize).replace(/\D/g, '')),
    };
  } finally {
    await server.stop();
  }
}

const rows = [];
for (const kind of SERVERS) {
  const r = await flood(kind);
  rows.push([r.kind, (r.empty / MB).toFixed(0), (r.peak / MB).toFixed(0), ((r.peak - r.empty) / MAXMEMORY).toFixed(2),
    (r.end / MB).toFixed(0), (r.used / MB).toFixed(0), r.keys, r.evicted, Math.round(REQUESTS / (r.ms / 1000))]);
}
console.log(`maxmemory ${MAXMEMORY / MB} MB, ${REQUESTS} SETs of ${VALUE_BYTES} bytes, pipeline ${PIPELINE}`);
printTable(['server', 'empty MB', 'peak MB', '(peak-empty)/maxmemory', 'end MB', 'used_memory MB', 'keys', 'evicted', 'SET/s'], rows);
