// Hostile arguments for every command: random argv built from the command table (COMMAND's arity,
// key positions and subcommands, COMMAND DOCS's tokens) with nasty values (huge and negative counts,
// NaN/inf, "-0", overflowing integers, empty and binary strings, long argument lists), sent to Shoal
// and to a real redis-server side by side.
//
// Must hold: Shoal stays up, every reply is well-formed RESP, every error looks like a Redis error,
// and another client's PING keeps answering. Compared with redis-server: error or not, and the
// exact error text. Those differences are collected into a report (printed, and written to
// FUZZ_REPORT if set) rather than failing the run: they are the to-do list of the command groups.
//
// Bounded: FUZZ_CMD_SECONDS (default 15) in CI; `npm run fuzz` runs it for FUZZ_SECONDS. FUZZ_SEED replays.

import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';
import { checkFrame, parseValue, rng, type RespValue } from './fuzz-util.js';

const SECONDS = Number(process.env.FUZZ_CMD_SECONDS ?? process.env.FUZZ_SECONDS ?? 15);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const HAVE_REDIS = requireRedis();

/**
 * Left out: whatever blocks, stops or re-points the server, changes who may log in, leaves the
 * request/reply rhythm (MONITOR, SUBSCRIBE, QUIT, MULTI, CLIENT REPLY), connects elsewhere, or
 * writes files.
 */
const SKIP = new Set([
  'shutdown', 'debug', 'monitor', 'replicaof', 'slaveof', 'sync', 'psync', 'replconf', 'failover', 'wait', 'waitaof',
  'subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'quit', 'multi',
  'migrate', 'save', 'bgsave', 'bgrewriteaof', 'module', 'lolwut', 'pfdebug', 'pfselftest',
  'client|kill', 'client|pause', 'client|unpause', 'client|reply', 'client|tracking', 'client|no-touch', 'client|setinfo',
  'config|set', 'config|rewrite', 'acl|setuser', 'acl|deluser', 'acl|load', 'acl|save', 'script|debug',
  'cluster|meet', 'cluster|failover', 'cluster|reset',
]);

/** Commands where a big count or offset means a big allocation on both servers (a Redis DoS, not a finding). */
const NO_BIG_NUMBERS = new Set(['setrange', 'setbit', 'bitfield', 'srandmember', 'zrandmember', 'hrandfield', 'restore']);

const KEYS = ['str', 'int', 'float', 'list', 'hash', 'set', 'intset', 'zset', 'hll', 'geo', 'missing', '{t}a', ''];
const VALUES = [
  '0', '1', '2', '3', '-1', '-2', '10', '100', '-0', '+1', '00', '01', '1.5', '-1.5', '0.0', '.5', '5.', '1e3', '1e308', '1e309',
  '-1e309', '4.9e-324', '1e-400', '0x10', ' 1', '1 ', 'inf', '-inf', '+inf', 'Infinity', 'nan', 'NaN', '-nan',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551616',
  '99999999999999999999999', '', 'a', 'abc', 'str', 'field', 'member', 'm1', '*', '?', '[', '[a-', '\\', '(1', '(', '[a',
  '-', '+', '$', '#', '0-0', '0-1', '1-0', '1-1', '*', 'yes', 'no', 'on', 'off', 'default', '\x00', '\xff\xfe', '\r\n',
];
const BIG = ['1000000000', '2147483647', '2147483648', '4294967295', '4294967296', '-2147483648', '-2147483649', '-1000000000', '536870911', '536870912', '9007199254740993'];

interface Cmd {
  /** 'get', or 'config|get' for a subcommand. */
  name: string;
  argv0: string[];
  arity: number;
  first: number;
  last: number;
  step: number;
  tokens: string[];
}

const SEED_SCRIPT: string[][] = [
  ['FLUSHALL'], ['SELECT', '0'],
  ['SET', 'str', 'hello'], ['SET', 'int', '42'], ['SET', 'float', '3.5'],
  ['RPUSH', 'list', 'a', 'b', 'c', '1', '2'], ['HSET', 'hash', 'field', 'v', 'n', '5', 'f', '1.5'],
  ['SADD', 'set', 'a', 'b', 'member'], ['SADD', 'intset', '1', '2', '3'],
  ['ZADD', 'zset', '1', 'a', '2', 'b', '2.5', 'member'], ['PFADD', 'hll', 'a', 'b', 'c'],
  ['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
];

function asArray(v: RespValue): RespValue[] {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v;
}

/** Every token (keyword) in a COMMAND DOCS argument tree. */
function collectTokens(args: RespValue | undefined, out: Set<string>): void {
  if (!Array.isArray(args)) return;
  for (const a of args) {
    const kv = asArray(a);
    for (let i = 0; i + 1 < kv.length; i += 2) {
      if (kv[i] === 'token' && typeof kv[i + 1] === 'string') out.add(kv[i + 1] as string);
      if (kv[i] === 'arguments') collectTokens(kv[i + 1], out);
    }
  }
}

/** The command table from COMMAND and COMMAND DOCS (RESP2), subcommands listed on their own. */
async function commandTable(c: RespConn): Promise<Cmd[]> {
  const info = asArray(parseValue(await c.call('COMMAND')).value);
  const docs = asArray(parseValue(await c.call('COMMAND', 'DOCS')).value);
  const tokens = new Map<string, string[]>();
  const docTokens = (name: string, d: RespValue[]): void => {
    const set = new Set<string>();
    for (let i = 0; i + 1 < d.length; i += 2) {
      if (d[i] === 'arguments') collectTokens(d[i + 1], set);
      if (d[i] === 'subcommands') {
        const subs = asArray(d[i + 1]);
        for (let k = 0; k + 1 < subs.length; k += 2) docTokens(String(subs[k]), asArray(subs[k + 1]));
      }
    }
    tokens.set(name, [...set]);
  };
  for (let i = 0; i + 1 < docs.length; i += 2) docTokens(String(docs[i]), asArray(docs[i + 1]));
  const out: Cmd[] = [];
  const add = (e: RespValue[], parent: string | null): void => {
    const name = String(e[0]).toLowerCase();
    const subs = Array.isArray(e[9]) ? e[9] : [];
    if (subs.length > 0) {
      for (const s of subs) add(asArray(s), name);
      return;
    }
    if (Array.isArray(e[2]) && e[2].includes('blocking')) return;
    const argv0 = parent === null ? [name] : [parent, name.slice(parent.length + 1)];
    out.push({
      name, argv0, arity: Number(e[1]), first: Number(e[3]), last: Number(e[4]), step: Number(e[5]),
      tokens: tokens.get(name) ?? [],
    });
  };
  for (const e of info) add(asArray(e), null);
  return out.filter((c) => !SKIP.has(c.name) && !SKIP.has(c.argv0[0]));
}

function randomBytes(r: (n: number) => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r(256));
  return s;
}

function randomValue(r: (n: number) => number, cmd: Cmd): string {
  const k = r(100);
  if (k < 35 && cmd.tokens.length > 0) {
    const t = cmd.tokens[r(cmd.tokens.length)];
    return r(4) === 0 ? t.toLowerCase() : t;
  }
  if (k < 45 && !NO_BIG_NUMBERS.has(cmd.argv0[0])) return BIG[r(BIG.length)];
  if (k < 52) return randomBytes(r, r(24));
  if (k < 53) return 'x'.repeat(10000 + r(200000));
  if (k < 60) return String(r(2000) - 1000);
  if (k < 65) return KEYS[r(KEYS.length)];
  return VALUES[r(VALUES.length)];
}

function isKeyPos(cmd: Cmd, i: number, argc: number): boolean {
  if (cmd.first <= 0 || i < cmd.first) return false;
  const last = cmd.last < 0 ? argc + cmd.last : cmd.last;
  return i <= last && (i - cmd.first) % Math.max(1, cmd.step) === 0;
}

/** An argv for cmd: usually of a legal length, sometimes one off, now and then very long. */
function randomArgv(r: (n: number) => number, cmd: Cmd): string[] {
  const min = Math.abs(cmd.arity);
  let argc = cmd.arity > 0 ? cmd.arity : min + r(6);
  const shape = r(20);
  if (shape === 0) argc = Math.max(cmd.argv0.length, argc + (r(2) === 0 ? -1 : 1));
  else if (shape === 1 && cmd.arity < 0) argc = min + 100 + r(2000);
  const argv = cmd.argv0.slice();
  for (let i = argv.length; i < argc; i++) argv.push(isKeyPos(cmd, i, argc) && r(8) !== 0 ? KEYS[r(KEYS.length)] : randomValue(r, cmd));
  return argv;
}

/** Redis's error frames: a code word in capitals, then the message. */
const REDIS_ERROR = /^-[A-Z][A-Z_-]*( |\r\n)/;

function show(argv: string[]): string {
  const shown = argv.slice(0, 12).map((a) => (a.length > 40 ? `<${a.length} bytes>` : JSON.stringify(a))).join(' ');
  return argv.length > 12 ? `${shown} ... (${argv.length} arguments)` : shown;
}

interface Mismatch {
  command: string;
  argv: string;
  shoal: string;
  redis: string;
}

describe.runIf(HAVE_REDIS)('command argument fuzzing', () => {
  const { shoal, redis } = serverPair({ shoalArgs: ['--bind', '127.0.0.1'] });

  it(`survives ${SECONDS}s of random arguments for every command, with Redis's errors`, async () => {
    const why = `FUZZ_SEED=${SEED}`;
    const r = rng(SEED);
    const a = await RespConn.connect(shoal.port);
    const b = await RespConn.connect(redis.port);
    const cmds = await commandTable(a);
    expect(cmds.length, why).toBeGreaterThan(150);
    const pinger = await RespConn.connect(shoal.port);
    const deadline = Date.now() + SECONDS * 1000;
    let pingFailure: string | null = null;
    let slowestPing = 0;
    const pinging = (async () => {
      while (Date.now() < deadline && pingFailure === null) {
        const t0 = Date.now();
        try {
          const reply = await pinger.call('PING');
          if (reply !== '+PONG\r\n') pingFailure = `PING answered ${JSON.stringify(reply)}`;
        } catch (err) {
          pingFailure = `PING failed: ${(err as Error).message}`;
        }
        slowestPing = Math.max(slowestPing, Date.now() - t0);
        await new Promise((res) => setTimeout(res, 50));
      }
    })();

    const mismatches = new Map<string, Mismatch>();
    const perCommand = new Map<string, number>();
    let sent = 0;
    const seed = async (): Promise<void> => {
      for (const cmd of SEED_SCRIPT) await Promise.all([a.call(...cmd), b.call(...cmd)]);
    };
    await seed();
    while (Date.now() < deadline) {
      if (sent % 200 === 0) await seed();
      const cmd = cmds[r(cmds.length)];
      const argv = randomArgv(r, cmd);
      const [got, want] = await Promise.all([
        a.call(...argv).catch((err: Error) => {
          throw new Error(`${why}: Shoal gave no reply to ${show(argv)}: ${err.message}`);
        }),
        b.call(...argv).catch((err: Error) => `<redis: ${err.message}>`),
      ]);
      sent++;
      perCommand.set(cmd.name, (perCommand.get(cmd.name) ?? 0) + 1);
      try {
        expect(checkFrame(got, 0), `${why}: trailing bytes after the reply to ${show(argv)}`).toBe(got.length);
      } catch (err) {
        throw new Error(`${why}: malformed reply to ${show(argv)}: ${(err as Error).message}`);
      }
      const gotErr = got.startsWith('-');
      if (gotErr) expect(got, `${why}: ${show(argv)}`).toMatch(REDIS_ERROR);
      const wantErr = want.startsWith('-');
      if (gotErr !== wantErr || (gotErr && got !== want)) {
        const kind = `${cmd.name} ${gotErr ? got.split(' ')[0] : 'reply'}/${wantErr ? want.split(' ')[0] : 'reply'}`;
        if (!mismatches.has(kind)) {
          mismatches.set(kind, { command: cmd.name, argv: show(argv), shoal: got.slice(0, 160), redis: want.slice(0, 160) });
        }
      }
    }
    await pinging;
    a.close();
    b.close();
    pinger.close();

    const report = [...mismatches.values()].map((m) => `${m.command}: ${m.argv}\n  shoal: ${JSON.stringify(m.shoal)}\n  redis: ${JSON.stringify(m.redis)}`);
    const header = `${why}: ${sent} commands over ${perCommand.size} of ${cmds.length} commands, ${mismatches.size} kinds of difference from redis-server, slowest PING ${slowestPing} ms`;
    if (process.env.FUZZ_REPORT) fs.writeFileSync(process.env.FUZZ_REPORT, `${header}\n${report.join('\n')}\n`);
    console.log(`${header}\n${report.slice(0, 40).join('\n')}`);

    expect(pingFailure, why).toBeNull();
    expect(shoal.proc.exitCode, `${why}\n${shoal.output().slice(-2000)}`).toBeNull();
    expect(sent, why).toBeGreaterThan(SECONDS * 50);
    const after = await RespConn.connect(shoal.port);
    expect(await after.call('PING'), why).toBe('+PONG\r\n');
    after.close();
  }, SECONDS * 1000 + 60000);
});
