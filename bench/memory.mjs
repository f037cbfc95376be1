// Memory per key: load 1,000,000 keys with 10-byte values into Shoal and into redis-server over a
// pipelined connection, and compare the growth of each process's RSS over its empty state.
//
// Environment: MEMORY_KEYS [1000000], MEMORY_VALUE_BYTES [10], MEMORY_SETTLE_MS [2000] (idle time
// before reading RSS, so lazy work such as V8's sweeping can finish).

import { Conn, encode, printTable, rssBytes, startServer } from './lib.mjs';

const KEYS = Number(process.env.MEMORY_KEYS ?? 1000000);
const VALUE_BYTES = Number(process.env.MEMORY_VALUE_BYTES ?? 10);
const SETTLE_MS = Number(process.env.MEMORY_SETTLE_MS ?? 2000);
const BATCH = 10000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** SET key:<i> <value> for every i, BATCH commands per write, waiting for each batch's replies. */
async function load(port) {
  const c = await Conn.open(port);
  const value = 'v'.repeat(VALUE_BYTES);
  for (let start = 0; start < KEYS; start += BATCH) {
    const end = Math.min(KEYS, start + BATCH);
    const parts = [];
    for (let i = start; i < end; i++) parts.push(encode(['SET', `key:${String(i).padStart(7, '0')}`, value]));
    c.buf = '';
    const want = '+OK\r\n'.length * (end - start);
    const done = new Promise((resolve, reject) => {
      c.waiter = () => {
        if (c.buf.length >= want) {
          c.waiter = null;
          if (c.buf !== '+OK\r\n'.repeat(end - start)) reject(new Error(`unexpected reply: ${c.buf.slice(0, 200)}`));
          else resolve();
        }
      };
    });
    c.socket.write(Buffer.concat(parts));
    await done;
  }
  const size = await c.call('DBSIZE');
  c.close();
  if (size !== `:${KEYS}`) throw new Error(`DBSIZE is ${size}, expected ${KEYS}`);
}

async function measure(kind) {
  const server = await startServer(kind);
  try {
    await sleep(SETTLE_MS);
    const empty = rssBytes(server.pid);
    const t0 = Date.now();
    await load(server.port);
    const loadMs = Date.now() - t0;
    await sleep(SETTLE_MS);
    const full = rssBytes(server.pid);
    return { kind, empty, full, perKey: (full - empty) / KEYS, loadMs };
  } finally {
    await server.stop();
  }
}

async function main() {
  // One server at a time: the other's memory traffic must not disturb the reading.
  const shoal = await measure('shoal');
  const redis = await measure('redis');
  const mb = (b) => (b / 1048576).toFixed(1);
  console.log(`${KEYS.toLocaleString('en-US')} keys "key:NNNNNNN" with ${VALUE_BYTES}-byte values\n`);
  printTable(
    ['server', 'RSS empty MB', 'RSS loaded MB', 'bytes/key', 'load s'],
    [shoal, redis].map((r) => [r.kind, mb(r.empty), mb(r.full), r.perKey.toFixed(1), (r.loadMs / 1000).toFixed(1)]),
  );
  console.log(`\nbytes/key ratio Shoal/Redis: ${(shoal.perKey / redis.perKey).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
