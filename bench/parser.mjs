// Request parsing: Shoal's RequestParser (dist/protocol/parser.js) against redis-parser on
// 1,000,000 pipelined SETs, fed in 64 KB chunks as a socket would deliver them. This keeps the
// choice of our own parser honest: redis-parser would be the obvious library to use instead.
//
// Our parser returns latin1 strings, copied out of the chunk (what the server stores). redis-parser
// is measured returning Buffer slices (no copy: those point into the chunk and must not be kept),
// those slices copied out with Buffer.from (what a server would have to do), and utf8 strings
// (copied, but not binary-safe).
//
// Run with node --expose-gc (npm run bench:parser does) so every run starts on a clean heap.
// Environment: PARSER_COMMANDS [1000000], PARSER_ROUNDS [5].

import RedisParser from 'redis-parser';
import { RequestParser } from '../dist/protocol/parser.js';
import { encode, median, printTable } from './lib.mjs';

const COMMANDS = Number(process.env.PARSER_COMMANDS ?? 1000000);
const ROUNDS = Number(process.env.PARSER_ROUNDS ?? 5);
const CHUNK = 64 * 1024;

function input() {
  const parts = [];
  for (let i = 0; i < COMMANDS; i++) parts.push(encode(['SET', `key:${String(i).padStart(7, '0')}`, 'vvvvvvvvvv']));
  const all = Buffer.concat(parts);
  // Copies, so no parser sees chunks another one has touched or cached.
  const chunks = [];
  for (let off = 0; off < all.length; off += CHUNK) chunks.push(Buffer.from(all.subarray(off, off + CHUNK)));
  return { chunks, bytes: all.length };
}

function shoal(chunks) {
  const p = new RequestParser({ protoMaxBulkLen: 512 * 1024 * 1024 });
  let n = 0;
  let keyBytes = 0;
  for (const c of chunks) {
    p.feed(c);
    for (let argv = p.next(false); argv !== null; argv = p.next(false)) {
      n++;
      keyBytes += argv[1].length;
    }
  }
  return [n, keyBytes];
}

function redisParser(chunks, mode) {
  let n = 0;
  let keyBytes = 0;
  const p = new RedisParser({
    returnBuffers: mode !== 'strings',
    returnReply(argv) {
      n++;
      if (mode === 'copy') {
        // Copy out what a server keeps: the key and the value.
        keyBytes += Buffer.from(argv[1]).length + Buffer.from(argv[2]).length;
      } else {
        keyBytes += argv[1].length;
      }
    },
    returnError(err) {
      throw err;
    },
    returnFatalError(err) {
      throw err;
    },
  });
  for (const c of chunks) p.execute(c);
  return [n, keyBytes];
}

const CANDIDATES = [
  ['Shoal RequestParser (latin1 strings, copied)', (c) => shoal(c)],
  ['redis-parser, Buffer slices (not copied)', (c) => redisParser(c, 'slices')],
  ['redis-parser, Buffers copied out', (c) => redisParser(c, 'copy')],
  ['redis-parser, utf8 strings', (c) => redisParser(c, 'strings')],
];

function main() {
  const { chunks, bytes } = input();
  console.log(`${COMMANDS.toLocaleString('en-US')} pipelined SETs, ${(bytes / 1048576).toFixed(1)} MB in ${chunks.length} chunks of 64 KB; median of ${ROUNDS} rounds\n`);
  const times = CANDIDATES.map(() => []);
  for (let round = 0; round <= ROUNDS; round++) {
    CANDIDATES.forEach(([name, fn], i) => {
      // Start each run with a clean heap: one candidate's garbage must not be collected on another's time.
      globalThis.gc?.();
      const t0 = process.hrtime.bigint();
      const [n] = fn(chunks);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (n !== COMMANDS) throw new Error(`${name} parsed ${n} commands, expected ${COMMANDS}`);
      // Round 0 warms up the JIT and is not counted.
      if (round > 0) times[i].push(ms);
    });
  }
  const ours = median(times[0]);
  printTable(
    ['parser', 'ms', 'commands/s', 'Shoal speed-up'],
    CANDIDATES.map(([name], i) => {
      const ms = median(times[i]);
      return [name, ms.toFixed(0), Math.round(COMMANDS / (ms / 1000)).toLocaleString('en-US'), (ms / ours).toFixed(2) + 'x'];
    }),
  );
}

main();
