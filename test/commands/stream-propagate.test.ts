// What stream commands propagate, compared with redis-server 7.0 through both servers' AOF files:
// XADD with * or ~ as its exact form, XREADGROUP / XCLAIM / XAUTOCLAIM as XCLAIM ... and XGROUP
// SETID / CREATECONSUMER, wrapped in MULTI/EXEC when there are several. Then fresh redis-servers
// replay both AOFs and must end with the same streams, groups and pending entries.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair, startRedis, startShoal, type RunningServer } from '../helpers/server.js';

const enabled = requireRedis();
const AOF = ['--appendonly', 'yes', '--appendfsync', 'always'];

/** The commands of a RESP file, as arrays of strings. */
function parseAof(buf: string): string[][] {
  const out: string[][] = [];
  let p = 0;
  while (p < buf.length) {
    const eol = buf.indexOf('\r\n', p);
    const n = Number(buf.slice(p + 1, eol));
    p = eol + 2;
    const argv: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = buf.indexOf('\r\n', p);
      const len = Number(buf.slice(p + 1, e));
      argv.push(buf.slice(e + 2, e + 2 + len));
      p = e + 2 + len + 2;
    }
    out.push(argv);
  }
  return out;
}

function readIncr(dir: string): string[][] {
  const d = path.join(dir, 'appendonlydir');
  const name = fs.readdirSync(d).find((f) => f.endsWith('.incr.aof'))!;
  return parseAof(fs.readFileSync(path.join(d, name), 'latin1')).filter((a) => a[0].toUpperCase() !== 'SELECT');
}

describe.skipIf(!enabled)('stream propagation, against redis-server', () => {
  const { shoal, redis } = serverPair({ args: AOF });
  const replayServers: RunningServer[] = [];
  const replayDirs: string[] = [];
  let s: RespConn;
  let r: RespConn;
  beforeAll(async () => {
    [s, r] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
  });
  afterAll(async () => {
    s?.close();
    r?.close();
    await Promise.all(replayServers.map((x) => x.stop()));
    for (const d of replayDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** A server started by `start` on a copy of the AOF directory under `from` (stopped in afterAll). */
  const replayAof = async (from: string, start: typeof startShoal): Promise<RunningServer> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-replay-'));
    replayDirs.push(dir);
    fs.cpSync(path.join(from, 'appendonlydir'), path.join(dir, 'appendonlydir'), { recursive: true });
    const srv = await start(['--appendonly', 'yes', '--dir', dir]);
    replayServers.push(srv);
    return srv;
  };

  const script: string[][] = [
    ['XADD', 's', '1-1', 'a', '1'],
    ['XADD', 's', '2-*', 'a', '2'],
    ['XADD', 's', '2-*', 'a', '3'],
    ['XADD', 's', 'MAXLEN', '~', '1', '3-1', 'a', '4'],
    ['XADD', 's', 'MINID', '~', '1', 'LIMIT', '5', '4-1', 'a', '5'],
    ['XADD', 's', 'MAXLEN', '=', '10', '5-1', 'a', '6'],
    ['XTRIM', 's', 'MAXLEN', '~', '0'],
    ['XTRIM', 's', 'MAXLEN', '9'],
    ['XGROUP', 'CREATE', 's', 'g', '0'],
    ['XGROUP', 'CREATE', 's', 'h', '0', 'ENTRIESREAD', '0'],
    ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
    ['XREADGROUP', 'GROUP', 'h', 'bob', 'NOACK', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'h', 'bob', 'NOACK', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 's', '>'],
    ['XCLAIM', 's', 'g', 'dave', '0', '1-1', '2-0', 'JUSTID'],
    ['XCLAIM', 's', 'g', 'dave', '0', '99-0', 'LASTID', '10-0'],
    ['XDEL', 's', '2-1'],
    ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0', 'COUNT', '10'],
    ['XACK', 's', 'g', '1-1'],
    ['XGROUP', 'SETID', 's', 'h', '$', 'ENTRIESREAD', '3'],
    ['XGROUP', 'CREATECONSUMER', 's', 'h', 'zed'],
    ['XGROUP', 'DELCONSUMER', 's', 'g', 'dave'],
    ['XSETID', 's', '50-0', 'ENTRIESADDED', '100', 'MAXDELETEDID', '40-0'],
    ['XADD', 'k', 'NOMKSTREAM', '1-1', 'a', '1'],
    ['XGROUP', 'CREATE', 'k', 'g', '$', 'MKSTREAM'],
    ['XGROUP', 'DESTROY', 's', 'h'],
    ['MULTI'],
    ['XADD', 'm', '1-1', 'x', 'y'],
    ['XGROUP', 'CREATE', 'm', 'g', '0'],
    ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'm', '>'],
    ['EXEC'],
  ];

  /** TIME arguments carry each server's clock. */
  const normalize = (cmds: string[][]): string => cmds.map((a) => a.map((x, i) => (i > 0 && a[i - 1] === 'TIME' ? 'T' : x)).join(' ')).join('\n');

  it('the AOF holds the same commands as Redis writes', async () => {
    for (const argv of script) {
      const [a, b] = await Promise.all([s.call(...argv), r.call(...argv)]);
      expect(`${argv.join(' ')} => ${a}`).toBe(`${argv.join(' ')} => ${b}`);
    }
    // A blocked reader served by an XADD propagates what it was given.
    const [ws, wr] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
    await Promise.all([ws.call('XGROUP', 'CREATE', 'b', 'g', '$', 'MKSTREAM'), wr.call('XGROUP', 'CREATE', 'b', 'g', '$', 'MKSTREAM')]);
    ws.send('XREADGROUP', 'GROUP', 'g', 'w', 'BLOCK', '5000', 'STREAMS', 'b', '>');
    wr.send('XREADGROUP', 'GROUP', 'g', 'w', 'BLOCK', '5000', 'STREAMS', 'b', '>');
    await new Promise((res) => setTimeout(res, 100));
    await Promise.all([s.call('XADD', 'b', '7-7', 'f', 'v'), r.call('XADD', 'b', '7-7', 'f', 'v')]);
    const [a, b] = await Promise.all([ws.read(), wr.read()]);
    expect(a).toEqual(b);
    ws.close();
    wr.close();
    const auto = await s.call('XADD', 'auto', '*', 'f', 'v');
    const ours = readIncr(shoal.dir);
    const theirs = readIncr(redis.dir);
    expect(normalize(ours.slice(0, -1))).toBe(normalize(theirs));
    expect(ours[ours.length - 1]).toEqual(['XADD', 'auto', auto.split('\r\n')[1], 'f', 'v']);
  });

  it('redis-server (and Shoal) replaying our AOF end where replaying Redis\'s own AOF ends', async () => {
    const replays: RespConn[] = [];
    for (const from of [shoal.dir, redis.dir]) replays.push(await RespConn.connect((await replayAof(from, startRedis)).port));
    // Consumers' seen times are not replicated (a replica sets them on arrival), and delivery times
    // are each primary's clock: clock readings are compared as such.
    const seen = (x: string): string => x.replace(/seen-time\r\n:\d+/g, 'seen-time').replace(/:1\d{12}\r\n/g, ':T\r\n');
    for (const key of ['s', 'k', 'm', 'b']) {
      const [a, b, live] = await Promise.all([replays[0].call('XINFO', 'STREAM', key, 'FULL'), replays[1].call('XINFO', 'STREAM', key, 'FULL'), s.call('XINFO', 'STREAM', key, 'FULL')]);
      expect(seen(a)).toBe(seen(b));
      expect(a.startsWith('*18\r\n$6\r\nlength\r\n')).toBe(true);
      expect(live.split('\r\n').slice(0, 16)).toEqual(a.split('\r\n').slice(0, 16));
    }
    // And Shoal itself, restarted on its AOF, comes back to the same state.
    const c = await RespConn.connect((await replayAof(shoal.dir, startShoal)).port);
    for (const key of ['s', 'k', 'm', 'b', 'auto']) {
      const [a, b] = await Promise.all([c.call('XINFO', 'STREAM', key, 'FULL'), replays[1].call('XINFO', 'STREAM', key === 'auto' ? 's' : key, 'FULL')]);
      if (key !== 'auto') expect(seen(a)).toBe(seen(b));
      else expect(a).toMatch(/^\*18\r\n\$6\r\nlength\r\n:1\r\n/);
    }
    c.close();
    for (const x of replays) x.close();
  });

  it('BGREWRITEAOF without the RDB preamble writes the streams as Redis does, and loads back', async () => {
    const done = async (c: RespConn): Promise<void> => {
      for (let i = 0; i < 500; i++) {
        const info = await c.call('INFO', 'persistence');
        if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info) && /aof_last_bgrewrite_status:ok/.test(info)) return;
        await new Promise((res) => setTimeout(res, 20));
      }
      throw new Error('rewrite did not finish');
    };
    for (const c of [s, r]) {
      await c.call('CONFIG', 'SET', 'aof-use-rdb-preamble', 'no');
      await c.call('XADD', 'empty', '1-1', 'a', '1');
      await c.call('XDEL', 'empty', '1-1');
      await c.call('XGROUP', 'CREATE', 'empty', 'g', '$');
      await c.call('XGROUP', 'CREATECONSUMER', 'empty', 'g', 'nobody');
      await c.call('DEL', 'auto');
      await c.call('BGREWRITEAOF');
    }
    await Promise.all([done(s), done(r)]);
    const base = (dir: string): string[][] => {
      const d = path.join(dir, 'appendonlydir');
      const name = fs.readdirSync(d).find((f) => f.endsWith('.base.aof'))!;
      return parseAof(fs.readFileSync(path.join(d, name), 'latin1'));
    };
    // Keys come in each server's hash-table order: compared key by key.
    const byKey = (cmds: string[][]): Record<string, string> => {
      const out: Record<string, string[][]> = {};
      for (const a of cmds) {
        if (a[0] === 'SELECT') continue;
        const key = a[0] === 'XGROUP' ? a[2] : a[1];
        (out[key] ??= []).push(a);
      }
      return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, normalize(v)]));
    };
    const ours = byKey(base(shoal.dir));
    expect(ours).toEqual(byKey(base(redis.dir)));
    expect(Object.keys(ours).sort()).toEqual(['b', 'empty', 'k', 'm', 's']);
    // The files the rewrite replaced are removed after it reports done: copy once only the
    // manifest's files are left.
    const aofDir = path.join(shoal.dir, 'appendonlydir');
    for (let i = 0; ; i++) {
      const files = fs.readdirSync(aofDir).sort();
      const manifest = files.find((f) => f.endsWith('.manifest'))!;
      const named = [...fs.readFileSync(path.join(aofDir, manifest), 'latin1').matchAll(/file (\S+)/g)].map((m) => m[1]);
      if ([...named, manifest].sort().join() === files.join()) break;
      if (i > 200) throw new Error(`AOF directory never settled: ${files.join(' ')}`);
      await new Promise((res) => setTimeout(res, 10));
    }
    const c = await RespConn.connect((await replayAof(shoal.dir, startShoal)).port);
    for (const key of ['s', 'k', 'm', 'b', 'empty']) {
      const [a, b] = await Promise.all([c.call('XINFO', 'STREAM', key, 'FULL'), s.call('XINFO', 'STREAM', key, 'FULL')]);
      expect(a.replace(/seen-time\r\n:\d+/g, '')).toBe(b.replace(/seen-time\r\n:\d+/g, ''));
    }
    c.close();
  });
});
