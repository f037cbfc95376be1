// Persistence under load: BGSAVE of 1,000,000 keys with 10-byte values while redis-benchmark
// writes, then start-up on the dump each server wrote, Shoal against redis-server in the same run.
//
// For each server in turn: fill the keys, run redis-benchmark (SET, -P 16) in short chunks without
// a save (the baseline), then send BGSAVE while the chunks go on, until the save is done. Meanwhile
// a worker thread sends PING every millisecond on its own connection: its longest wait is the
// longest stretch the server's main thread spent on something else (a snapshot slice, a GC pause,
// a fork) on top of the benchmark's own queueing, which the baseline shows. Memory is sampled from
// /proc every 20 ms: the server and its children (Redis's forked child, Shoal's writer process).
// Shoal's writer process is started once the dataset passes 50,000 keys and kept, so its resting
// memory is not part of the extra during the save: two rows show it, to be added when comparing
// with a fork that exists only while saving.
// Then each server is restarted on each dump and timed from spawn to its first PONG.
//
// The benchmark writes the filled keys themselves (`key:` + 12 digits is redis-benchmark's
// __rand_int__ form, -r covers exactly them, -d keeps values at 10 bytes): the dataset stays the
// same size, and writes land on keys the save has not reached yet, which is the expensive case for
// both (a copied page for Redis; for Shoal, the entry encoded early, before the write changes it).
//
// Environment: PERSIST_KEYS [1000000], PERSIST_CHUNK [50000] (requests per redis-benchmark
// chunk), PERSIST_BASE_CHUNKS [8], PERSIST_LOAD_ROUNDS [3], PERSIST_CLIENTS [50].

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { childPids, Conn, fillKeys, median, printTable, procKb, startServer } from './lib.mjs';

const KEYS = Number(process.env.PERSIST_KEYS ?? 1000000);
const VALUE_BYTES = 10;
const CHUNK = Number(process.env.PERSIST_CHUNK ?? 50000);
const BASE_CHUNKS = Number(process.env.PERSIST_BASE_CHUNKS ?? 8);
const LOAD_ROUNDS = Number(process.env.PERSIST_LOAD_ROUNDS ?? 3);
const CLIENTS = Number(process.env.PERSIST_CLIENTS ?? 50);
const PING_EVERY_MS = 1;
const MEM_EVERY_MS = 20;
const SETTLE_MS = 2000;
const SAVE_TIMEOUT_MS = 120000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock milliseconds, comparable between the main thread and the pinger worker. */
const clock = () => performance.timeOrigin + performance.now();
const keyName = (i) => `key:${String(i).padStart(12, '0')}`;

// ---- the pinger (worker thread): PING every millisecond, one at a time, record each wait ----

async function pinger({ port }) {
  const c = await Conn.open(port);
  const sent = [];
  const waited = [];
  let stop = false;
  parentPort.on('message', () => (stop = true));
  while (!stop) {
    const t = clock();
    if ((await c.call('PING')) !== '+PONG') throw new Error('pinger: no PONG');
    const now = clock();
    sent.push(t);
    waited.push(now - t);
    const next = t + PING_EVERY_MS - now;
    if (next > 0) await sleep(next);
  }
  c.close();
  parentPort.postMessage({ sent, waited });
}

function startPinger(port) {
  const w = new Worker(new URL(import.meta.url), { workerData: { port } });
  const result = new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  return {
    async stop() {
      w.postMessage('stop');
      const r = await result;
      await w.terminate();
      return r;
    },
  };
}

/** The longest PING wait among PINGs sent in [from, to). */
function maxPing(p, from, to) {
  let max = 0;
  for (let i = 0; i < p.sent.length; i++) if (p.sent[i] >= from && p.sent[i] < to && p.waited[i] > max) max = p.waited[i];
  return max;
}

// ---- redis-benchmark in chunks ----

function benchChunk(port) {
  return new Promise((resolve, reject) => {
    const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(CLIENTS), '-P', '16', '-t', 'set',
      '-r', String(KEYS), '-d', String(VALUE_BYTES), '-n', String(CHUNK), '--csv'];
    const start = clock();
    const p = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const end = clock();
      const row = out.split('\n').find((l) => l.startsWith('"SET"'));
      if (code !== 0 || row === undefined) return reject(new Error(`redis-benchmark failed (${code}): ${out}`));
      const f = row.split(',').map((s) => Number(s.replace(/"/g, '')));
      resolve({ start, end, rps: f[1], maxMs: f[7] });
    });
  });
}

/** Throughput over chunks (requests / time at each chunk's own rate) and their worst latency. */
function summarize(chunks) {
  const secs = chunks.reduce((a, c) => a + CHUNK / c.rps, 0);
  return { rps: (CHUNK * chunks.length) / secs, maxMs: Math.max(...chunks.map((c) => c.maxMs)), n: chunks.length };
}

// ---- memory ----

/** RSS of the server plus its children, and their PSS (shared pages divided among sharers). */
function memSample(pid) {
  const pids = [pid, ...childPids(pid)];
  let rss = 0;
  let pss = 0;
  let own = 0;
  let ownPss = 0;
  for (const p of pids) {
    const r = procKb(p, 'status', 'VmRSS');
    const q = procKb(p, 'smaps_rollup', 'Pss');
    if (p === pid) {
      own = r;
      ownPss = q;
    }
    rss += r;
    pss += q;
  }
  return { rss, pss, own, childRss: rss - own, childPss: pss - ownPss, children: pids.length - 1 };
}

// ---- one server: fill, baseline, BGSAVE under load ----

async function saveUnderLoad(kind) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-persist-${kind}-`));
  const server = await startServer(kind, { dir });
  let saving = false;
  try {
    await sleep(1000);
    const empty = procKb(server.pid, 'status', 'VmRSS');
    await fillKeys(server.port, KEYS, VALUE_BYTES, keyName);
    await sleep(SETTLE_MS);
    const full = procKb(server.pid, 'status', 'VmRSS');

    const ping = startPinger(server.port);
    await benchChunk(server.port); // warm-up: connections, JIT, the benchmark's value buffers
    const baseFrom = clock();
    const base = [];
    for (let i = 0; i < BASE_CHUNKS; i++) base.push(await benchChunk(server.port));
    const baseTo = clock();

    const ctl = await Conn.open(server.port);
    const dump = path.join(dir, 'dump.rdb');
    const before = memSample(server.pid);
    let peak = before;
    let sawChild = 0;
    const sampler = setInterval(() => {
      const m = memSample(server.pid);
      sawChild = Math.max(sawChild, m.children);
      if (m.rss > peak.rss) peak = { ...peak, rss: m.rss };
      if (m.pss > peak.pss) peak = { ...peak, pss: m.pss };
      if (m.own > peak.own) peak = { ...peak, own: m.own };
      if (m.childRss > peak.childRss) peak = { ...peak, childRss: m.childRss };
    }, MEM_EVERY_MS);

    // Chunks run back to back from before the BGSAVE until the save is done.
    saving = true;
    const during = [];
    const load = (async () => {
      while (saving) during.push(await benchChunk(server.port));
    })();
    await sleep(50);
    const t0 = clock();
    const reply = await ctl.call('BGSAVE');
    if (reply !== '+Background saving started') throw new Error(`BGSAVE: ${reply}`);
    // The writer renames its temp file over dump.rdb once the file is complete and fsynced.
    let renamed = 0;
    const watcher = fs.watch(dir, (_ev, name) => {
      if (name === 'dump.rdb' && renamed === 0) renamed = clock();
    });
    let done = 0;
    let info;
    const deadline = t0 + SAVE_TIMEOUT_MS;
    while (done === 0) {
      if (clock() > deadline) throw new Error('BGSAVE did not finish');
      info = await ctl.info('persistence');
      if (info.rdb_bgsave_in_progress === '0') done = clock();
      else await sleep(2);
    }
    watcher.close();
    if (renamed === 0) throw new Error('saw no rename of dump.rdb');
    saving = false;
    await load;
    clearInterval(sampler);
    if (info.rdb_last_bgsave_status !== 'ok') throw new Error(`BGSAVE failed: rdb_last_bgsave_status:${info.rdb_last_bgsave_status}`);
    const size = await ctl.call('DBSIZE');
    if (size !== `:${KEYS}`) throw new Error(`DBSIZE is ${size}, expected ${KEYS}`);
    ctl.close();
    const pings = await ping.stop();

    // A chunk belongs to the save when its middle falls inside it (or it is the only one overlapping).
    let inSave = during.filter((c) => (c.start + c.end) / 2 >= t0 && (c.start + c.end) / 2 < done);
    if (inSave.length === 0) inSave = during.filter((c) => c.end > t0 && c.start < done);
    return {
      kind, dir, dump,
      datasetGrowth: full - empty,
      saveMs: renamed - t0,
      saveInfoMs: done - t0,
      pingBase: maxPing(pings, baseFrom, baseTo),
      pingSave: maxPing(pings, t0, done),
      base: summarize(base),
      save: summarize(inSave),
      extraRss: peak.rss - before.rss,
      extraPss: peak.pss - before.pss,
      extraOwn: peak.own - before.own,
      childRss: peak.childRss,
      sawChild,
      restingChildRss: before.childRss,
      restingChildPss: before.childPss,
      fileBytes: fs.statSync(dump).size,
      cow: info.rdb_last_cow_size,
    };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  } finally {
    saving = false;
    await server.stop();
  }
}

// ---- start-up on a dump ----

/** Median time from spawn to the first PONG of `kind` started on a copy of `file` (null: an empty dir). */
async function startupMs(kind, file) {
  const times = [];
  for (let i = 0; i < LOAD_ROUNDS; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-persist-load-${kind}-`));
    try {
      if (file !== null) fs.copyFileSync(file, path.join(dir, 'dump.rdb'));
      const server = await startServer(kind, { dir, pollMs: 2 });
      try {
        const c = await Conn.open(server.port);
        const size = await c.call('DBSIZE');
        c.close();
        const want = file === null ? 0 : KEYS;
        if (size !== `:${want}`) throw new Error(`${kind} loaded DBSIZE ${size}, expected ${want}`);
        times.push(server.readyMs);
      } finally {
        await server.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return median(times);
}

async function main() {
  console.log(`${KEYS.toLocaleString('en-US')} keys with ${VALUE_BYTES}-byte values; redis-benchmark -c ${CLIENTS} -P 16 -t set ` +
    `-r ${KEYS} -d ${VALUE_BYTES} in chunks of -n ${CHUNK}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  // One server at a time, so neither disturbs the other's figures.
  const redis = await saveUnderLoad('redis');
  const shoal = await saveUnderLoad('shoal');
  try {
    const load = {
      shoalOwn: await startupMs('shoal', shoal.dump),
      redisOwn: await startupMs('redis', redis.dump),
      shoalOnRedis: await startupMs('shoal', redis.dump),
      redisOnShoal: await startupMs('redis', shoal.dump),
      shoalEmpty: await startupMs('shoal', null),
      redisEmpty: await startupMs('redis', null),
    };
    report(shoal, redis, load);
  } finally {
    fs.rmSync(shoal.dir, { recursive: true, force: true });
    fs.rmSync(redis.dir, { recursive: true, force: true });
  }
  console.log(`\nload average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

function report(s, r, load) {
  const mb = (b) => (b / 1048576).toFixed(1);
  const sec = (ms) => (ms / 1000).toFixed(2);
  const ms = (x) => x.toFixed(1);
  const pct = (x, of) => `${((100 * x) / of).toFixed(0)}%`;
  const ratio = (a, b) => (b === 0 ? '-' : (a / b).toFixed(2));
  const row = (name, a, b, fmt, withRatio = true) => [name, fmt(a), fmt(b), withRatio ? ratio(a, b) : ''];
  const rows = [
    row('dataset RSS growth MB', s.datasetGrowth, r.datasetGrowth, mb),
    row('RDB file MB', s.fileBytes, r.fileBytes, mb),
    row('save time s (BGSAVE -> dump renamed)', s.saveMs, r.saveMs, sec),
    row('save time s (BGSAVE -> in_progress:0)', s.saveInfoMs, r.saveInfoMs, sec),
    row('PING max wait ms, no save', s.pingBase, r.pingBase, ms),
    row('PING max wait ms, during save', s.pingSave, r.pingSave, ms),
    row('benchmark max latency ms, no save', s.base.maxMs, r.base.maxMs, ms),
    row('benchmark max latency ms, during save', s.save.maxMs, r.save.maxMs, ms),
    row('benchmark ops/s, no save', s.base.rps, r.base.rps, (x) => x.toFixed(0)),
    row('benchmark ops/s, during save', s.save.rps, r.save.rps, (x) => x.toFixed(0)),
    row('  during / no save', s.save.rps / s.base.rps, r.save.rps / r.base.rps, (x) => x.toFixed(2)),
    row('  chunks during save', s.save.n, r.save.n, String, false),
    row('peak extra RSS MB (server + child VmRSS)', s.extraRss, r.extraRss, mb),
    row('  % of dataset growth', s.extraRss / s.datasetGrowth, r.extraRss / r.datasetGrowth, (x) => pct(x, 1)),
    row('  of which the server process', s.extraOwn, r.extraOwn, mb),
    row('  child process peak VmRSS', s.childRss, r.childRss, mb),
    row('  child running before the save, VmRSS', s.restingChildRss, r.restingChildRss, mb, false),
    row('  child running before the save, PSS', s.restingChildPss, r.restingChildPss, mb, false),
    row('peak extra PSS MB (server + child)', s.extraPss, r.extraPss, mb),
    row('  % of dataset growth', s.extraPss / s.datasetGrowth, r.extraPss / r.datasetGrowth, (x) => pct(x, 1)),
    row('start s, own dump (spawn -> PONG)', load.shoalOwn, load.redisOwn, sec),
    row("start s, the other's dump", load.shoalOnRedis, load.redisOnShoal, sec),
    row('start s, empty', load.shoalEmpty, load.redisEmpty, sec),
  ];
  printTable(['', 'Shoal', 'Redis', 'Shoal/Redis'], rows);
  console.log(`\nRedis rdb_last_cow_size ${mb(Number(r.cow))} MB; children seen while saving: Shoal ${s.sawChild}, Redis ${r.sawChild}`);
}

if (isMainThread) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  pinger(workerData);
}
