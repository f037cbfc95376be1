// Replication: write throughput of a primary with replicas attached, and the time of a full sync,
// Shoal against redis-server in the same run (a Shoal primary with Shoal replicas, a Redis primary
// with Redis replicas, all on this machine).
//
// 1. Throughput: for 0, 1 and 2 replicas, `redis-benchmark -c 50 -P 16 -t set -r 100000 -n N --csv`
//    against the primary once every replica is online, in A/B rounds that alternate which server
//    goes first; the primary's CPU microseconds per request beside ops/s. After each run the
//    replicas must catch up to the primary's offset (checked, and the catch-up time reported).
// 2. Full sync: a primary holding SYNC_KEYS keys (10-byte values) and an empty replica; time from
//    REPLICAOF to master_link_status:up, disk-less (repl-diskless-sync yes, delay 0, the Redis 7
//    default apart from the delay) and disk-based, in rounds (REPLICAOF NO ONE and FLUSHALL on the
//    replica before the next one).
//
// Environment: REPL_REQUESTS [1000000], REPL_ROUNDS [3], SYNC_KEYS [1000000], SYNC_ROUNDS [2]; a
// count of 0 rounds skips that part.

import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { Conn, cpuMicros, fillKeys, median, printTable, startServer } from './lib.mjs';

const REQUESTS = Number(process.env.REPL_REQUESTS ?? 1000000);
const ROUNDS = Number(process.env.REPL_ROUNDS ?? 3);
const SYNC_KEYS = Number(process.env.SYNC_KEYS ?? 1000000);
const SYNC_ROUNDS = Number(process.env.SYNC_ROUNDS ?? 2);
const CLIENTS = 50;
const KEYSPACE = 100000;
const REPLICA_COUNTS = [0, 1, 2];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const COMMON = ['--repl-diskless-sync-delay', '0'];

/** Every server started, so that a failure still kills them all. */
const running = new Set();

async function start(kind, args = []) {
  const s = await startServer(kind, { args: [...COMMON, ...args] });
  running.add(s);
  return s;
}

async function stop(s) {
  running.delete(s);
  await s.stop();
}

async function stopAll() {
  await Promise.all([...running].map((s) => s.stop()));
  running.clear();
}

/** Wait until `check(info)` holds for INFO replication of `port`; returns the milliseconds waited. */
async function waitFor(port, check, what, timeoutMs = 300000) {
  const c = await Conn.open(port);
  const t0 = performance.now();
  try {
    for (;;) {
      if (check(await c.info('replication'))) return performance.now() - t0;
      if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what} on ${port}`);
      await sleep(5);
    }
  } finally {
    c.close();
  }
}

/** A primary of `kind` with `n` replicas of the same kind, every one online. */
async function cluster(kind, n) {
  const primary = await start(kind);
  const replicas = [];
  for (let i = 0; i < n; i++) replicas.push(await start(kind, ['--replicaof', '127.0.0.1', String(primary.port)]));
  for (const r of replicas) await waitFor(r.port, (i) => i.master_link_status === 'up', 'the link');
  const online = (i) => Object.keys(i).filter((k) => /^slave\d+$/.test(k) && i[k].includes('state=online')).length;
  await waitFor(primary.port, (i) => online(i) === n, 'replicas online');
  return { primary, replicas };
}

function benchmark(port) {
  const args = ['-p', String(port), '-c', String(CLIENTS), '-P', '16', '-n', String(REQUESTS), '-r', String(KEYSPACE), '-t', 'set', '--csv'];
  return new Promise((resolve, reject) => {
    const p = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const row = out.split('\n').find((l) => l.startsWith('"SET"'));
      if (code !== 0 || row === undefined) return reject(new Error(`redis-benchmark exited ${code}: ${err}${out}`));
      resolve(Number(JSON.parse(`[${row}]`)[1]));
    });
  });
}

/** One throughput run: ops/s, primary CPU us/request, and how long the replicas took to catch up. */
async function throughputRun(kind, n) {
  const { primary, replicas } = await cluster(kind, n);
  try {
    const cpu0 = cpuMicros(primary.pid);
    const rps = await benchmark(primary.port);
    const cpu = (cpuMicros(primary.pid) - cpu0) / REQUESTS;
    let catchUp = 0;
    if (n > 0) {
      const c = await Conn.open(primary.port);
      const target = (await c.info('replication')).master_repl_offset;
      c.close();
      for (const r of replicas) {
        catchUp = Math.max(catchUp, await waitFor(r.port, (i) => Number(i.slave_repl_offset) >= Number(target), 'catch-up'));
      }
      const sizes = await Promise.all([primary, ...replicas].map(async (s) => {
        const c = await Conn.open(s.port);
        const size = await c.call('DBSIZE');
        c.close();
        return size;
      }));
      if (new Set(sizes).size !== 1) throw new Error(`${kind}: DBSIZE differs between primary and replicas: ${sizes.join(' ')}`);
    }
    return { rps, cpu, catchUp };
  } finally {
    await Promise.all([primary, ...replicas].map(stop));
  }
}

async function throughput() {
  const results = {};
  for (const n of REPLICA_COUNTS) results[n] = { shoal: [], redis: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of REPLICA_COUNTS) {
      const order = round % 2 === 0 ? ['redis', 'shoal'] : ['shoal', 'redis'];
      for (const kind of order) {
        const r = await throughputRun(kind, n);
        results[n][kind].push(r);
        console.error(`round ${round + 1}, ${n} replica(s), ${kind}: ${r.rps.toFixed(0)} ops/s, ${r.cpu.toFixed(2)} us/req, catch-up ${r.catchUp.toFixed(0)} ms`);
      }
    }
  }
  const rows = [];
  for (const n of REPLICA_COUNTS) {
    const s = results[n].shoal;
    const r = results[n].redis;
    const ratios = s.map((x, i) => x.rps / r[i].rps);
    const cpuRatios = s.map((x, i) => x.cpu / r[i].cpu);
    rows.push([
      `${n} replica${n === 1 ? '' : 's'}`,
      median(s.map((x) => x.rps)).toFixed(0), median(r.map((x) => x.rps)).toFixed(0), median(ratios).toFixed(2),
      median(s.map((x) => x.cpu)).toFixed(2), median(r.map((x) => x.cpu)).toFixed(2), median(cpuRatios).toFixed(2),
      median(s.map((x) => x.catchUp)).toFixed(0), median(r.map((x) => x.catchUp)).toFixed(0),
    ]);
  }
  console.log(`\nSET -P 16 -c ${CLIENTS} -r ${KEYSPACE} -n ${REQUESTS}, median of ${ROUNDS} A/B rounds`);
  printTable(['primary with', 'shoal ops/s', 'redis ops/s', 'ratio', 'shoal us/req', 'redis us/req', 'cpu ratio', 'shoal catch-up ms', 'redis catch-up ms'], rows);
}

async function fullSync() {
  const rows = [];
  const keyName = (i) => `key:${String(i).padStart(12, '0')}`;
  const times = { yes: { shoal: [], redis: [] }, no: { shoal: [], redis: [] } };
  for (const kind of ['redis', 'shoal']) {
    const primary = await start(kind);
    const replica = await start(kind);
    try {
      await fillKeys(primary.port, SYNC_KEYS, 10, keyName);
      const p = await Conn.open(primary.port);
      const r = await Conn.open(replica.port);
      for (let round = 0; round < SYNC_ROUNDS; round++) {
        for (const diskless of ['yes', 'no']) {
          await p.call('CONFIG', 'SET', 'repl-diskless-sync', diskless);
          await r.call('REPLICAOF', 'NO', 'ONE');
          await r.call('FLUSHALL');
          await sleep(200);
          const t0 = performance.now();
          await r.call('REPLICAOF', '127.0.0.1', String(primary.port));
          await waitFor(replica.port, (i) => i.master_link_status === 'up', 'the full sync');
          const ms = performance.now() - t0;
          const size = await r.call('DBSIZE');
          if (size !== `:${SYNC_KEYS}`) throw new Error(`${kind} replica has ${size} keys after the sync`);
          times[diskless][kind].push(ms);
          console.error(`full sync ${kind}, diskless ${diskless}, round ${round + 1}: ${ms.toFixed(0)} ms`);
        }
      }
      p.close();
      r.close();
    } finally {
      await stop(replica);
      await stop(primary);
    }
  }
  for (const d of ['yes', 'no']) {
    const s = median(times[d].shoal);
    const r = median(times[d].redis);
    rows.push([d === 'yes' ? 'disk-less' : 'disk-based', s.toFixed(0), r.toFixed(0), (s / r).toFixed(2)]);
  }
  console.log(`\nFull sync of ${SYNC_KEYS.toLocaleString('en-US')} keys (10-byte values), REPLICAOF to link up, median of ${SYNC_ROUNDS}`);
  printTable(['transfer', 'shoal ms', 'redis ms', 'ratio'], rows);
}

async function main() {
  console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (ROUNDS > 0) await throughput();
  if (SYNC_ROUNDS > 0) await fullSync();
  console.log(`load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

process.on('SIGINT', () => {
  stopAll().finally(() => process.exit(130));
});

main().then(
  () => stopAll(),
  async (err) => {
    console.error(err);
    await stopAll();
    process.exit(1);
  },
);
