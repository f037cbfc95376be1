// Memory per key: load 1,000,000 keys with 10-byte values into Shoal and into redis-server over a
// pipelined connection, and compare the growth of each process's RSS over its empty state.
//
// Environment: MEMORY_KEYS [1000000], MEMORY_VALUE_BYTES [10], MEMORY_SETTLE_MS [2000] (idle time
// before reading RSS, so lazy work such as V8's sweeping can finish).

import { fillKeys, printTable, rssBytes, startServer } from './lib.mjs';

const KEYS = Number(process.env.MEMORY_KEYS ?? 1000000);
const VALUE_BYTES = Number(process.env.MEMORY_VALUE_BYTES ?? 10);
const SETTLE_MS = Number(process.env.MEMORY_SETTLE_MS ?? 2000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const keyName = (i) => `key:${String(i).padStart(7, '0')}`;

async function measure(kind) {
  const server = await startServer(kind);
  try {
    await sleep(SETTLE_MS);
    const empty = rssBytes(server.pid);
    const t0 = Date.now();
    await fillKeys(server.port, KEYS, VALUE_BYTES, keyName);
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
