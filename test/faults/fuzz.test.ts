// Protocol fuzzer: random and mutated RESP thrown at a live Shoal from several connections while a
// separate client keeps pinging. The server must never crash, every byte it sends must be valid
// RESP, and the pinger must get PONG throughout.
//
// Bounded: FUZZ_SECONDS (default 10) of fuzzing; `npm run fuzz` runs it longer. FUZZ_SEED replays
// a run (the seed is printed in every failure message).

import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';
import { checkFrame, rng } from './fuzz-util.js';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 10);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WORKERS = 4;

// Only commands that cannot stop the server or change what the pinger sees (no SHUTDOWN, CONFIG,
// CLIENT, DEBUG): the fuzzer is after the parser and the reply writer, not the admin surface.
const CORPUS: string[][] = [
  ['PING'], ['PING', 'x'], ['ECHO', 'hello'], ['SET', 'k', 'v'], ['SET', 'k', 'v', 'EX', '100'], ['SET', 'k', 'v', 'NX', 'GET'],
  ['GET', 'k'], ['INCR', 'n'], ['INCRBY', 'n', '-5'], ['DECR', 'n'], ['MSET', 'a', '1', 'b', '2'], ['MGET', 'a', 'b', 'c'],
  ['DEL', 'a', 'k'], ['EXISTS', 'a', 'b'], ['SELECT', '1'], ['SELECT', '0'], ['HELLO', '3'], ['HELLO', '2'], ['DBSIZE'],
  ['LPUSH', 'l', 'x', 'y'], ['LRANGE', 'l', '0', '-1'], ['HSET', 'h', 'f', 'v'], ['HGETALL', 'h'], ['SADD', 's', 'm'],
  ['SMEMBERS', 's'], ['ZADD', 'z', '1.5', 'm'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['MULTI'], ['EXEC'], ['DISCARD'],
  ['TYPE', 'k'], ['TTL', 'k'], ['EXPIRE', 'k', '100'], ['STRLEN', 'k'], ['APPEND', 'k', 'zz'], ['GETRANGE', 'k', '0', '-1'],
  ['SUBSCRIBE', 'ch'], ['UNSUBSCRIBE'], ['PUBLISH', 'ch', 'msg'], ['QUIT'], ['NOSUCHCOMMAND', 'x'],
];

const GARBAGE = ['*', '$', '\r\n', '\r', '\n', '-1', '0', '*-1\r\n', '$-1\r\n', '*2147483648\r\n', '$536870912\r\n', '"', "'", '\\x', ' ', '\x00', '\xff', ':1\r\n'];

function randomBytes(r: (n: number) => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = r(256);
  return b;
}

/** One fuzz payload: valid commands, mutated ones, truncated frames, giant lengths, garbage. */
function payload(r: (n: number) => number): Buffer {
  const parts: Buffer[] = [];
  for (let n = 1 + r(12); n > 0; n--) {
    const cmd = CORPUS[r(CORPUS.length)].slice();
    if (r(3) === 0) cmd.push(randomBytes(r, r(20)).toString('latin1'));
    let enc = r(5) === 0 ? Buffer.from(`${cmd.join(' ')}\r\n`, 'latin1') : encodeCommand(cmd);
    switch (r(10)) {
      case 0: // flip a few bytes
        enc = Buffer.from(enc);
        for (let k = 1 + r(3); k > 0; k--) enc[r(enc.length)] = r(256);
        break;
      case 1: // truncate
        enc = enc.subarray(0, r(enc.length));
        break;
      case 2: // giant or negative or non-numeric counts and lengths
        enc = Buffer.from(
          enc.toString('latin1').replace(/([*$])(\d+)/, (_m, t: string) =>
            t + ['-1', '-2', '-0', '2147483647', '4294967297', '99999999999999999999', 'x', '', '01', '+1'][r(10)]),
          'latin1',
        );
        break;
      case 3: // splice in garbage tokens
        enc = Buffer.concat([enc.subarray(0, r(enc.length)), Buffer.from(GARBAGE[r(GARBAGE.length)], 'latin1'), enc.subarray(r(enc.length))]);
        break;
      case 4: // pure noise
        enc = randomBytes(r, r(200));
        break;
      case 5: // an argument declared long and left short, or a long inline line
        enc = r(2) === 0 ? Buffer.from(`*2\r\n$4\r\nECHO\r\n$${1 + r(100000)}\r\nabc`, 'latin1') : Buffer.alloc(r(70000), 0x41);
        break;
      default:
        break;
    }
    parts.push(enc);
  }
  return Buffer.concat(parts);
}

/** Send one payload in random-sized chunks; resolve with everything received once the server goes quiet or closes. */
function fuzzOnce(port: number, r: (n: number) => number): Promise<string> {
  const data = payload(r);
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    let timer: NodeJS.Timeout | undefined;
    let sent = false;
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(got);
    };
    const arm = () => {
      clearTimeout(timer);
      if (sent) timer = setTimeout(done, 150);
    };
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      arm();
    });
    s.on('close', done);
    s.on('error', (err) => {
      if (s.connecting) reject(err);
    });
    s.on('connect', async () => {
      let off = 0;
      while (off < data.length && !s.destroyed) {
        const n = 1 + r(Math.min(4096, data.length - off));
        s.write(data.subarray(off, off + n));
        off += n;
        if (r(4) === 0) await new Promise((res) => setTimeout(res, r(5)));
      }
      sent = true;
      arm();
    });
  });
}

/** Authenticates a connection when the server has a password (HELLO AUTH: no AUTH command needed). */
async function login(c: RespConn, password: string | null): Promise<void> {
  if (password === null) return;
  const r = await c.call('HELLO', '2', 'AUTH', 'default', password);
  if (!r.startsWith('*')) throw new Error(`HELLO AUTH failed: ${r}`);
}

/** Fuzz one server for `seconds`; returns when done, throwing on the first broken reply. */
async function fuzzServer(shoal: RunningServer, seconds: number, seed: number, password: string | null): Promise<void> {
  const why = `FUZZ_SEED=${seed}`;
  const deadline = Date.now() + seconds * 1000;

  const pinger = await RespConn.connect(shoal.port);
  await login(pinger, password);
  let pongs = 0;
  let pingFailure: string | null = null;
  const pinging = (async () => {
    while (Date.now() < deadline && pingFailure === null) {
      try {
        const reply = await pinger.call('PING');
        if (reply !== '+PONG\r\n') pingFailure = `PING answered ${JSON.stringify(reply)}`;
        pongs++;
      } catch (err) {
        pingFailure = `PING failed: ${(err as Error).message}`;
      }
      await new Promise((res) => setTimeout(res, 20));
    }
  })();

  let rounds = 0;
  let bytes = 0;
  const workers = Array.from({ length: WORKERS }, async (_, w) => {
    const r = rng(seed + w * 7919);
    while (Date.now() < deadline) {
      const got = await fuzzOnce(shoal.port, r);
      bytes += got.length;
      rounds++;
      let pos = 0;
      try {
        while (pos < got.length) pos = checkFrame(got, pos);
      } catch (err) {
        throw new Error(`${why}: invalid reply stream in round ${rounds}: ${(err as Error).message}`);
      }
    }
  });
  await Promise.all([...workers, pinging]);
  pinger.close();

  expect(pingFailure, why).toBeNull();
  expect(shoal.proc.exitCode, `${why}\n${shoal.output().slice(-2000)}`).toBeNull();
  expect(pongs, why).toBeGreaterThan(seconds * 5);
  expect(rounds, why).toBeGreaterThan(seconds * 5);
  expect(bytes, why).toBeGreaterThan(0);
  const after = await RespConn.connect(shoal.port);
  await login(after, password);
  expect(await after.call('PING'), why).toBe('+PONG\r\n');
  after.close();
}

// Most of the time on the default server; a third on one with a password, where unauthenticated
// clients get Redis's tighter request limits.
const OPEN_SECONDS = Math.max(1, Math.round((SECONDS * 2) / 3));
const AUTH_SECONDS = Math.max(1, SECONDS - OPEN_SECONDS);

describe('protocol fuzzing', () => {
  let open: RunningServer;
  let locked: RunningServer;
  beforeAll(async () => {
    [open, locked] = await Promise.all([startShoal(), startShoal(['--requirepass', 'fuzz-pw'])]);
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop()]);
  });

  it(`survives ${OPEN_SECONDS}s of random and mutated RESP`, async () => {
    await fuzzServer(open, OPEN_SECONDS, SEED, null);
  }, OPEN_SECONDS * 1000 + 30000);

  it(`survives ${AUTH_SECONDS}s of it from unauthenticated clients under requirepass`, async () => {
    await fuzzServer(locked, AUTH_SECONDS, SEED + 1, 'fuzz-pw');
  }, AUTH_SECONDS * 1000 + 30000);
});
