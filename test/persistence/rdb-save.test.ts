// SAVE, BGSAVE and loading at start, over real sockets: files pass redis-check-rdb and load in
// redis-server, files redis-server wrote load in Shoal, BGSAVE is point-in-time while clients keep
// writing (overwrites, deletes, new keys, FLUSHALL), kill -9 of either process never damages the
// previous dump, save points fire, MISCONF matches Redis, and a corrupt file stops the start.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { encodeCommand } from '../helpers/resp.js';
import { freePort, RespConn, requireRedis, SHOAL_BIN, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { loadRdb } from '../../src/persistence/rdb/file.js';

const enabled = requireRedis();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const binary = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

interface Entry {
  value: string;
  expire: number;
}

/** Every key of a dump file as "db/key" -> string value and expiry. */
function readDump(file: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  loadRdb(fs.readFileSync(file), {
    aux: () => {},
    entry(db, key, v, expire) {
      if (v.type !== 'string') throw new Error(`unexpected ${v.type}`);
      if (out.has(`${db}/${key}`)) throw new Error(`duplicate key ${db}/${key}`);
      out.set(`${db}/${key}`, { value: v.value, expire });
    },
  });
  return out;
}

function inode(file: string): number {
  try {
    return fs.statSync(file).ino;
  } catch {
    return -1;
  }
}

/** Wait until `file` is replaced (a rename gives it a new inode). */
async function waitReplaced(file: string, before: number, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (inode(file) === before) {
    if (Date.now() > deadline) throw new Error(`${file} was not replaced`);
    await sleep(20);
  }
}

/** Send many commands in one write and wait for all replies. */
async function pipeline(c: RespConn, cmds: string[][]): Promise<string[]> {
  c.write(Buffer.concat(cmds.map((cmd) => encodeCommand(cmd))));
  return c.read(cmds.length, 30000);
}

/** MSET commands for keys prefix0..prefix(n-1) with value `${valuePrefix}${i}`. */
function msets(n: number, prefix: string, valuePrefix: string): string[][] {
  const cmds: string[][] = [];
  for (let i = 0; i < n; i += 1000) {
    const cmd = ['MSET'];
    for (let j = i; j < Math.min(n, i + 1000); j++) cmd.push(`${prefix}${j}`, `${valuePrefix}${j}`);
    cmds.push(cmd);
  }
  return cmds;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-rdb-'));
}

async function waitExit(s: RunningServer, timeoutMs = 10000): Promise<number | null> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return s.proc.exitCode;
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('server did not exit')), timeoutMs);
    s.proc.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/** Wait until the server answers PING with PONG (not -LOADING). */
async function waitLoaded(c: RespConn): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if ((await c.call('PING')) === '+PONG\r\n') return;
    await sleep(10);
  }
  throw new Error('still loading');
}

differential('persistence commands', {
  'argument errors, SAVE inside MULTI': [
    ['BGSAVE', 'now'], ['BGSAVE', 'SCHEDULE', 'x'], ['SAVE', 'x'], ['LASTSAVE', 'x'], ['BGREWRITEAOF', 'x'],
    ['MULTI'], ['SAVE'], ['DISCARD'],
  ],
});

describe('BGSAVE inside EXEC', () => {
  it.skipIf(!enabled)('is scheduled, as in Redis, and runs right after', async () => {
    const replies: string[] = [];
    for (const start of [startShoal, startRedis]) {
      const s = await start();
      const c = await RespConn.connect(s.port);
      try {
        await c.call('SET', 'k', 'v');
        await c.call('MULTI');
        await c.call('BGSAVE');
        replies.push(await c.call('EXEC'));
        const file = path.join(s.dir, 'dump.rdb');
        for (let i = 0; i < 100 && !fs.existsSync(file); i++) await sleep(20);
        expect(fs.existsSync(file)).toBe(true);
      } finally {
        c.close();
        await s.stop();
      }
    }
    expect(replies).toEqual(['*1\r\n+Background saving scheduled\r\n', '*1\r\n+Background saving scheduled\r\n']);
  });
});

describe('SAVE and BGSAVE files', () => {
  let shoal: RunningServer;
  let c: RespConn;
  let dir: string;
  beforeAll(async () => {
    dir = tmpDir();
    shoal = await startShoal(['--dir', dir]);
    c = await RespConn.connect(shoal.port);
  });
  afterAll(async () => {
    c?.close();
    await shoal?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const future = Date.now() + 3_600_000;
  async function fill(): Promise<void> {
    await c.call('FLUSHALL');
    await c.call('SET', 'str', 'hello');
    await c.call('SET', 'int', '-12345');
    await c.call('SET', Buffer.from(binary, 'latin1'), Buffer.from(binary, 'latin1'));
    await c.call('SET', 'long', 'abcdefgh'.repeat(500));
    await c.call('SET', 'ttl', 'x', 'PXAT', String(future));
    await c.call('PFADD', 'hll', ...Array.from({ length: 2000 }, (_, i) => `e${i}`));
    await c.call('SELECT', '7');
    await c.call('SET', 'in7', 'seven');
    await c.call('SELECT', '0');
  }

  async function checkInRedis(file: string): Promise<void> {
    const check = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
    expect(check.stdout).toContain('RDB looks OK');
    const rdir = tmpDir();
    fs.copyFileSync(file, path.join(rdir, 'dump.rdb'));
    const redis = await startRedis(['--dir', rdir]);
    const r = await RespConn.connect(redis.port);
    try {
      expect(await r.call('DBSIZE')).toBe(':6\r\n');
      for (const k of ['str', 'int', 'long', 'hll', 'ttl']) expect(await r.call('GET', k)).toBe(await c.call('GET', k));
      expect(await r.call('GET', Buffer.from(binary, 'latin1'))).toBe(await c.call('GET', Buffer.from(binary, 'latin1')));
      expect(await r.call('PEXPIRETIME', 'ttl')).toBe(`:${future}\r\n`);
      expect(await r.call('PFCOUNT', 'hll')).toMatch(/^:20\d\d\r\n$/);
      await r.call('SELECT', '7');
      expect(await r.call('GET', 'in7')).toBe('$5\r\nseven\r\n');
    } finally {
      r.close();
      await redis.stop();
    }
  }

  it.skipIf(!enabled)('SAVE writes a file redis-check-rdb accepts and redis-server loads', async () => {
    await fill();
    expect(await c.call('SAVE')).toBe('+OK\r\n');
    await checkInRedis(path.join(dir, 'dump.rdb'));
    expect(Number((await c.call('LASTSAVE')).slice(1))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 2);
  });

  it.skipIf(!enabled)('BGSAVE does too, and honours dbfilename, rdbcompression no and rdbchecksum no', async () => {
    await fill();
    const file = path.join(dir, 'dump.rdb');
    const before = inode(file);
    expect(await c.call('BGSAVE')).toBe('+Background saving started\r\n');
    await waitReplaced(file, before);
    await checkInRedis(file);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
  });

  it('refuses SAVE and a second BGSAVE while one is running', async () => {
    await c.call('FLUSHALL');
    await pipeline(c, msets(100_000, 'k', 'v'));
    const file = path.join(dir, 'dump.rdb');
    const before = inode(file);
    const replies = await pipeline(c, [['BGSAVE'], ['BGSAVE'], ['BGSAVE', 'SCHEDULE'], ['SAVE']]);
    expect(replies).toEqual([
      '+Background saving started\r\n',
      '-ERR Background save already in progress\r\n',
      '-ERR Background save already in progress\r\n',
      '-ERR Background save already in progress\r\n',
    ]);
    await waitReplaced(file, before);
    expect(readDump(file).size).toBe(100_000);
  });
});

describe('plain settings', () => {
  it('rdbcompression no, rdbchecksum no and another dbfilename', async () => {
    const dir = tmpDir();
    const shoal = await startShoal(['--dir', dir, '--rdbcompression', 'no', '--rdbchecksum', 'no', '--dbfilename', 'other.rdb']);
    const c = await RespConn.connect(shoal.port);
    try {
      const long = 'z'.repeat(1000);
      await c.call('SET', 'long', long);
      expect(await c.call('SAVE')).toBe('+OK\r\n');
      const buf = fs.readFileSync(path.join(dir, 'other.rdb'));
      expect(buf.includes(Buffer.from(long))).toBe(true);
      expect(buf.subarray(buf.length - 8)).toEqual(Buffer.alloc(8));
      expect(readDump(path.join(dir, 'other.rdb')).get('0/long')!.value).toBe(long);
    } finally {
      c.close();
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('BGSAVE is point-in-time', () => {
  let shoal: RunningServer;
  let c: RespConn;
  let dir: string;
  beforeAll(async () => {
    dir = tmpDir();
    shoal = await startShoal(['--dir', dir]);
    c = await RespConn.connect(shoal.port);
  });
  afterAll(async () => {
    c?.close();
    await shoal?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the file holds the dataset as it was when BGSAVE started, while writes go on', async () => {
    const N = 200_000;
    await c.call('FLUSHALL');
    await pipeline(c, msets(N, 'key:', 'v'));
    await pipeline(c, msets(1000, 'other:', 'o'));
    await c.call('SET', 'ttl', 'x', 'PXAT', String(Date.now() + 1_000_000));
    const file = path.join(dir, 'dump.rdb');
    const before = inode(file);
    // The writes travel in the same packet as BGSAVE: they run right after the epoch, before the
    // walk has reached most keys. Keys from both ends of the keyspace are overwritten and deleted.
    const writes: string[][] = [];
    for (let i = 0; i < N; i += 997) writes.push(['SET', `key:${i}`, `changed${i}`]);
    for (let i = 1; i < N; i += 1999) writes.push(['DEL', `key:${i}`]);
    for (let i = 0; i < 500; i++) writes.push(['SET', `new:${i}`, 'n']);
    writes.push(['SET', 'ttl', 'y']);
    const replies = await pipeline(c, [['BGSAVE'], ...writes]);
    expect(replies[0]).toBe('+Background saving started\r\n');
    // More writes while the walk is under way, then empty the other database entirely.
    const during = await pipeline(c, [['SET', `key:${N - 1}`, 'late'], ['DEL', `key:${N - 2}`], ['SET', 'new:late', 'x']]);
    expect(during).toEqual(['+OK\r\n', ':1\r\n', '+OK\r\n']);
    const pings: number[] = [];
    while (inode(file) === before) {
      const t = performance.now();
      await c.call('PING');
      pings.push(performance.now() - t);
      await sleep(5);
    }
    // The server kept answering during the save.
    expect(pings.length).toBeGreaterThan(0);
    const got = readDump(file);
    expect(got.size).toBe(N + 1000 + 1);
    for (let i = 0; i < N; i++) {
      const e = got.get(`0/key:${i}`);
      if (e === undefined || e.value !== `v${i}`) expect([i, e]).toEqual([i, { value: `v${i}`, expire: -1 }]);
    }
    expect(got.get('0/ttl')!.expire).toBeGreaterThan(Date.now());
    expect(got.has('0/new:0')).toBe(false);
    // The live dataset did change.
    expect(await c.call('GET', 'key:0')).toBe('$8\r\nchanged0\r\n');
    expect(await c.call('GET', 'key:1')).toBe('$-1\r\n');
  });

  it('FLUSHDB in every db right after BGSAVE does not empty the snapshot', async () => {
    await c.call('FLUSHALL');
    await pipeline(c, msets(50_000, 'a:', 'x'));
    await c.call('SELECT', '3');
    await pipeline(c, msets(1000, 'b:', 'y'));
    await c.call('SELECT', '0');
    const file = path.join(dir, 'dump.rdb');
    const before = inode(file);
    const replies = await pipeline(c, [['BGSAVE'], ['FLUSHDB'], ['SELECT', '3'], ['FLUSHDB'], ['SELECT', '0'], ['SET', 'a:1', 'after']]);
    expect(replies).toEqual(['+Background saving started\r\n', ...Array(5).fill('+OK\r\n')]);
    await waitReplaced(file, before);
    const got = readDump(file);
    expect(got.size).toBe(51_000);
    expect(got.get('0/a:1')!.value).toBe('x1');
    expect(got.get('3/b:999')!.value).toBe('y999');
  });
});

it('FLUSHALL during BGSAVE aborts the save, as Redis kills its child', async () => {
  const dir = tmpDir();
  const shoal = await startShoal(['--dir', dir]);
  try {
    const c = await RespConn.connect(shoal.port);
    await pipeline(c, msets(100_000, 'k:', 'v'));
    const replies = await pipeline(c, [['BGSAVE'], ['FLUSHALL'], ['INFO', 'persistence']]);
    expect(replies[0]).toBe('+Background saving started\r\n');
    expect(replies[2]).toContain('rdb_bgsave_in_progress:0');
    c.close();
  } finally {
    await shoal.stop();
  }
});

describe('crash safety', () => {
  it('kill -9 of the server or of the writer child during BGSAVE leaves the previous dump intact', async () => {
    const dir = tmpDir();
    let shoal = await startShoal(['--dir', dir, '--save', '3600 1']);
    try {
      let c = await RespConn.connect(shoal.port);
      await c.call('SET', 'generation', 'one');
      expect(await c.call('SAVE')).toBe('+OK\r\n');
      const file = path.join(dir, 'dump.rdb');
      const original = fs.readFileSync(file);
      await pipeline(c, msets(200_000, 'k', 'v'));
      // The writer child is killed: the save fails, the old file stays, writes are refused.
      const out0 = shoal.output().length;
      expect(await c.call('BGSAVE')).toBe('+Background saving started\r\n');
      let pid = 0;
      for (let i = 0; i < 200 && pid === 0; i++) {
        const m = /Background saving started by pid (\d+)/.exec(shoal.output().slice(out0));
        if (m) pid = Number(m[1]);
        else await sleep(10);
      }
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      let reply = '';
      for (let i = 0; i < 200; i++) {
        reply = await c.call('SET', 'x', 'y');
        if (reply !== '+OK\r\n') break;
        await sleep(10);
      }
      expect(reply).toMatch(/^-MISCONF Redis is configured to save RDB snapshots/);
      expect(fs.readFileSync(file).equals(original)).toBe(true);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
      // A successful save clears the error.
      expect(await c.call('SAVE')).toBe('+OK\r\n');
      expect(await c.call('SET', 'generation', 'two')).toBe('+OK\r\n');
      expect(await c.call('SAVE')).toBe('+OK\r\n');
      const second = fs.readFileSync(file);
      await pipeline(c, msets(100_000, 'more', 'v'));
      // Now the server itself dies mid-save: its child must not commit a partial file.
      expect(await c.call('BGSAVE')).toBe('+Background saving started\r\n');
      shoal.proc.kill('SIGKILL');
      await waitExit(shoal);
      c.close();
      await sleep(300);
      expect(fs.readFileSync(file).equals(second)).toBe(true);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
      // And a restart loads that previous dump.
      shoal = await startShoal(['--dir', dir]);
      c = await RespConn.connect(shoal.port);
      await waitLoaded(c);
      expect(await c.call('GET', 'generation')).toBe('$3\r\ntwo\r\n');
      expect(await c.call('DBSIZE')).toBe(':200002\r\n');
      c.close();
    } finally {
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one writer child, started once the dataset grows, writes every BGSAVE; a killed one is replaced', async () => {
    const dir = tmpDir();
    const shoal = await startShoal(['--dir', dir]);
    const children = (): number[] =>
      fs.readFileSync(`/proc/${shoal.proc.pid}/task/${shoal.proc.pid}/children`, 'latin1').trim().split(' ').filter(Boolean).map(Number);
    const file = path.join(dir, 'dump.rdb');
    try {
      const c = await RespConn.connect(shoal.port);
      // A small server has none; past 50,000 keys it starts one, before any save needs it, while
      // forking the server is still cheap.
      await sleep(300);
      expect(children()).toEqual([]);
      await pipeline(c, msets(60_000, 'k', 'v'));
      let standby: number[] = [];
      for (let i = 0; i < 200 && standby.length === 0; i++) {
        standby = children();
        if (standby.length === 0) await sleep(10);
      }
      expect(standby).toHaveLength(1);
      const bgsave = async (key: string): Promise<number> => {
        expect(await c.call('SET', key, 'v')).toBe('+OK\r\n');
        const from = shoal.output().length;
        const before = inode(file);
        expect(await c.call('BGSAVE')).toBe('+Background saving started\r\n');
        await waitReplaced(file, before);
        expect(readDump(file).has(`0/${key}`)).toBe(true);
        const m = /Background saving started by pid (\d+)/.exec(shoal.output().slice(from));
        return Number(m![1]);
      };
      expect(await bgsave('first')).toBe(standby[0]);
      expect(await bgsave('second')).toBe(standby[0]);
      process.kill(standby[0], 'SIGKILL');
      for (let i = 0; i < 100 && children().includes(standby[0]); i++) await sleep(10);
      const next = await bgsave('third');
      expect(next).not.toBe(standby[0]);
      expect(children()).toEqual([next]);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
      c.close();
    } finally {
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loading at start', () => {
  it.skipIf(!enabled)('loads a file redis-server saved, with expiries, and drops keys already expired', async () => {
    const redis = await startRedis();
    const r = await RespConn.connect(redis.port);
    const dir = tmpDir();
    const expireAt = Date.now() + 5_000_000;
    try {
      await r.call('SET', 'a', 'alpha');
      await r.call('SET', 'n', '42');
      await r.call('SET', 'long', 'q'.repeat(5000));
      await r.call('PFADD', 'h', 'x', 'y');
      await r.call('SET', 'ttl', 'v', 'PXAT', String(expireAt));
      await r.call('SET', 'soon', 'v', 'PX', '200');
      await r.call('SELECT', '2');
      await r.call('SET', 'b', 'beta');
      expect(await r.call('SAVE')).toBe('+OK\r\n');
      fs.copyFileSync(path.join(redis.dir, 'dump.rdb'), path.join(dir, 'dump.rdb'));
    } finally {
      r.close();
      await redis.stop();
    }
    await sleep(300);
    const shoal = await startShoal(['--dir', dir]);
    try {
      const c = await RespConn.connect(shoal.port);
      expect(await c.call('DBSIZE')).toBe(':5\r\n');
      expect(await c.call('GET', 'a')).toBe('$5\r\nalpha\r\n');
      expect(await c.call('GET', 'n')).toBe('$2\r\n42\r\n');
      expect(await c.call('GET', 'long')).toBe(`$5000\r\n${'q'.repeat(5000)}\r\n`);
      expect(await c.call('PFCOUNT', 'h')).toBe(':2\r\n');
      expect(await c.call('GET', 'soon')).toBe('$-1\r\n');
      await c.call('SELECT', '2');
      expect(await c.call('GET', 'b')).toBe('$4\r\nbeta\r\n');
      expect(shoal.output()).toMatch(/keys loaded: 6, keys expired: 1/);
      // The TTL survived: saving again writes the same absolute expiry.
      expect(await c.call('SAVE')).toBe('+OK\r\n');
      expect(readDump(path.join(dir, 'dump.rdb')).get('0/ttl')!.expire).toBe(expireAt);
      c.close();
    } finally {
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGTERM saves when save points exist, and a restart loads the data', async () => {
    const dir = tmpDir();
    const shoal = await startShoal(['--dir', dir, '--save', '3600 1']);
    const c = await RespConn.connect(shoal.port);
    await c.call('SET', 'kept', 'yes');
    await c.call('SET', 'ttl', 'v', 'PX', '100000000');
    c.close();
    shoal.proc.kill('SIGTERM');
    expect(await waitExit(shoal)).toBe(0);
    const got = readDump(path.join(dir, 'dump.rdb'));
    expect(got.get('0/kept')!.value).toBe('yes');
    expect(got.get('0/ttl')!.expire).toBeGreaterThan(Date.now() + 90_000_000);
    const again = await startShoal(['--dir', dir]);
    try {
      const c2 = await RespConn.connect(again.port);
      expect(await c2.call('GET', 'kept')).toBe('$3\r\nyes\r\n');
      c2.close();
    } finally {
      await again.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGTERM follows shutdown-on-sigterm, and keeps serving when the final save fails', async () => {
    const dir = tmpDir();
    const nosave = await startShoal(['--dir', dir, '--save', '3600 1', '--shutdown-on-sigterm', 'nosave']);
    const c = await RespConn.connect(nosave.port);
    await c.call('SET', 'k', 'v');
    c.close();
    nosave.proc.kill('SIGTERM');
    expect(await waitExit(nosave)).toBe(0);
    expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(false);
    const failing = await startShoal(['--dir', dir, '--save', '3600 1']);
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      failing.proc.kill('SIGTERM');
      await sleep(300);
      const c2 = await RespConn.connect(failing.port);
      expect(await c2.call('PING')).toBe('+PONG\r\n');
      c2.close();
      expect(failing.output()).toContain('Errors trying to shut down the server. Check the logs for more information.');
    } finally {
      await failing.stop();
    }
  });

  it('refuses to start on a corrupt file, naming the offset', async () => {
    const dir = tmpDir();
    const shoal = await startShoal(['--dir', dir]);
    const c = await RespConn.connect(shoal.port);
    await c.call('SET', 'k', 'v'.repeat(100));
    await c.call('SAVE');
    c.close();
    await shoal.stop();
    const file = path.join(dir, 'dump.rdb');
    const buf = fs.readFileSync(file);
    fs.writeFileSync(file, buf.subarray(0, buf.length - 30));
    const proc = spawn(process.execPath, [SHOAL_BIN, '--port', String(await freePort()), '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(out).toMatch(/dump\.rdb.*at offset \d+/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('save points and MISCONF', () => {
  it('a due save point starts a BGSAVE within a couple of seconds', async () => {
    const dir = tmpDir();
    const shoal = await startShoal(['--dir', dir, '--save', '1 2']);
    try {
      const c = await RespConn.connect(shoal.port);
      await c.call('SET', 'a', '1');
      await sleep(2200);
      expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(false);
      await c.call('SET', 'b', '2');
      await waitReplaced(path.join(dir, 'dump.rdb'), -1, 5000);
      expect(shoal.output()).toMatch(/2 changes in 1 seconds\. Saving\.\.\./);
      expect(readDump(path.join(dir, 'dump.rdb')).size).toBe(2);
      c.close();
    } finally {
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!enabled)('after a failed BGSAVE, writes and PING get the same MISCONF error as Redis', async () => {
    const replies: string[][] = [];
    for (const start of [startShoal, startRedis]) {
      const dir = tmpDir();
      const s = await start(['--dir', dir, '--save', '3600 1']);
      try {
        const c = await RespConn.connect(s.port);
        // The dump directory disappears: the save cannot create its temp file.
        fs.rmSync(dir, { recursive: true, force: true });
        expect(await c.call('BGSAVE')).toBe('+Background saving started\r\n');
        let r = '';
        for (let i = 0; i < 300; i++) {
          r = await c.call('SET', 'k', 'v');
          if (r !== '+OK\r\n') break;
          await sleep(10);
        }
        replies.push([r, await c.call('PING'), await c.call('GET', 'k'), await c.call('SAVE')]);
        c.close();
      } finally {
        await s.stop();
      }
    }
    expect(replies[0]).toEqual(replies[1]);
    expect(replies[0][0]).toMatch(/^-MISCONF /);
  });
});
