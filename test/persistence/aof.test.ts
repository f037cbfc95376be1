// The append-only file in Redis 7's multi-part layout: writes survive kill -9 and a restart,
// redis-server loads Shoal's AOF directory and the other way round, redis-check-aof accepts it,
// BGREWRITEAOF is point-in-time while clients write, and a torn last command is handled like
// Redis (truncated with aof-load-truncated yes, refused with no).

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import { freePort, RespConn, requireRedis, SHOAL_BIN, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { loadRdb } from '../../src/persistence/rdb/file.js';

const enabled = requireRedis();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AOF = ['--appendonly', 'yes'];

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-aof-'));
}

async function kill9(s: RunningServer): Promise<void> {
  const done = new Promise<void>((r) => s.proc.once('exit', () => r()));
  s.proc.kill('SIGKILL');
  await done;
}

async function pipeline(c: RespConn, cmds: string[][]): Promise<string[]> {
  c.write(Buffer.concat(cmds.map((cmd) => encodeCommand(cmd))));
  return c.read(cmds.length, 30000);
}

/** Either server answers -LOADING until its dataset is in (the test helper returns before). */
async function waitLoaded(c: RespConn): Promise<void> {
  for (let i = 0; i < 1000 && (await c.call('PING')) !== '+PONG\r\n'; i++) await sleep(10);
}

function manifest(dir: string): string {
  return fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
}

const WRITES: string[][] = [
  ['SET', 'a', '1'], ['SET', 'gone', 'x'], ['DEL', 'gone'], ['SET', 'ttl', 'v', 'EX', '100000'],
  ['MULTI'], ['SET', 'in', 'tx'], ['INCR', 'counter'], ['INCR', 'counter'], ['EXEC'],
  ['SELECT', '5'], ['SET', 'five', '5'], ['SELECT', '0'], ['PFADD', 'h', 'x', 'y', 'z'],
];

async function checkWrites(c: RespConn): Promise<void> {
  expect(await c.call('GET', 'a')).toBe('$1\r\n1\r\n');
  expect(await c.call('EXISTS', 'gone')).toBe(':0\r\n');
  expect(await c.call('GET', 'ttl')).toBe('$1\r\nv\r\n');
  expect(await c.call('GET', 'in')).toBe('$2\r\ntx\r\n');
  expect(await c.call('GET', 'counter')).toBe('$1\r\n2\r\n');
  expect(await c.call('PFCOUNT', 'h')).toBe(':3\r\n');
  await c.call('SELECT', '5');
  expect(await c.call('GET', 'five')).toBe('$1\r\n5\r\n');
  await c.call('SELECT', '0');
}

describe('appendonly yes', () => {
  it('writes survive kill -9 and load back, and redis-check-aof accepts the directory', async () => {
    const dir = tmpDir();
    let shoal = await startShoal(['--dir', dir, ...AOF]);
    try {
      let c = await RespConn.connect(shoal.port);
      for (const w of WRITES) await c.call(...w);
      await kill9(shoal);
      c.close();
      expect(manifest(dir)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
      if (enabled) {
        const check = spawnSync('redis-check-aof', [path.join(dir, 'appendonlydir', 'appendonly.aof.manifest')], { encoding: 'utf8' });
        expect(check.stdout).toContain('All AOF files and manifest are valid');
      }
      shoal = await startShoal(['--dir', dir, ...AOF]);
      c = await RespConn.connect(shoal.port);
      await checkWrites(c);
      // New writes append to the same incr file.
      await c.call('SET', 'after', 'restart');
      expect(manifest(dir)).toContain('appendonly.aof.1.incr.aof');
      c.close();
    } finally {
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!enabled)('the incr file is byte for byte what redis-server writes for the same commands', async () => {
    const files: string[] = [];
    for (const start of [startShoal, startRedis]) {
      const s = await start([...AOF, '--appendfsync', 'always']);
      const c = await RespConn.connect(s.port);
      try {
        for (const w of [
          ['SET', 'a', '1'], ['set', 'b', '2'], ['DEL', 'b', 'zz'], ['DEL', 'nope'],
          ['MULTI'], ['SET', 'in', 'tx'], ['INCR', 'counter'], ['EXEC'], ['MULTI'], ['INCR', 'x'], ['EXEC'],
          ['SELECT', '5'], ['SET', 'five', '5'], ['SELECT', '0'], ['PFADD', 'h', 'x', 'y'], ['PFADD', 'h', 'x'],
          ['MSET', 'q', '1', 'w', '2'], ['FLUSHALL'],
        ]) await c.call(...w);
        files.push(fs.readFileSync(path.join(s.dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1'));
      } finally {
        c.close();
        await s.stop();
      }
    }
    expect(files[0]).toBe(files[1]);
  });

  it.skipIf(!enabled)('redis-server loads the AOF directory Shoal wrote, and Shoal loads the one redis-server wrote', async () => {
    const sdir = tmpDir();
    const shoal = await startShoal(['--dir', sdir, ...AOF]);
    const c = await RespConn.connect(shoal.port);
    for (const w of WRITES) await c.call(...w);
    c.close();
    await kill9(shoal);
    const rdir = tmpDir();
    fs.cpSync(path.join(sdir, 'appendonlydir'), path.join(rdir, 'appendonlydir'), { recursive: true });
    // appendfsync always: with everysec Redis may hold writes back while a background fsync runs,
    // and this test kills it right after.
    const redis = await startRedis(['--dir', rdir, ...AOF, '--appendfsync', 'always']);
    const r = await RespConn.connect(redis.port);
    try {
      await checkWrites(r);
      // Redis adds its own writes to the directory; Shoal then reads everything back.
      await r.call('SET', 'from', 'redis');
      await r.call('SELECT', '5');
      await r.call('DEL', 'five');
      r.close();
      await kill9(redis);
      const again = await startShoal(['--dir', rdir, ...AOF]);
      const c2 = await RespConn.connect(again.port);
      expect(await c2.call('GET', 'from')).toBe('$5\r\nredis\r\n');
      expect(await c2.call('GET', 'counter')).toBe('$1\r\n2\r\n');
      await c2.call('SELECT', '5');
      expect(await c2.call('EXISTS', 'five')).toBe(':0\r\n');
      c2.close();
      await again.stop();
    } finally {
      await redis.stop();
      fs.rmSync(sdir, { recursive: true, force: true });
      fs.rmSync(rdir, { recursive: true, force: true });
    }
  });

  it('BGREWRITEAOF is point-in-time: a new base, the writes since in a new incr file, history removed', async () => {
    const dir = tmpDir();
    let shoal = await startShoal(['--dir', dir, ...AOF]);
    try {
      let c = await RespConn.connect(shoal.port);
      const N = 100_000;
      const mset: string[][] = [];
      for (let i = 0; i < N; i += 1000) {
        const cmd = ['MSET'];
        for (let j = i; j < i + 1000; j++) cmd.push(`k${j}`, `v${j}`);
        mset.push(cmd);
      }
      await pipeline(c, mset);
      const during: string[][] = [];
      for (let i = 0; i < N; i += 501) during.push(['SET', `k${i}`, `new${i}`]);
      for (let i = 1; i < N; i += 1003) during.push(['DEL', `k${i}`]);
      const replies = await pipeline(c, [['BGREWRITEAOF'], ['BGREWRITEAOF'], ['BGSAVE'], ...during]);
      expect(replies.slice(0, 3)).toEqual([
        '+Background append only file rewriting started\r\n',
        '-ERR Background append only file rewriting already in progress\r\n',
        "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n",
      ]);
      // Like Redis, the manifest first lists the replaced files as history, then drops them.
      const final = 'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';
      for (let i = 0; i < 500 && manifest(dir) !== final; i++) await sleep(20);
      expect(manifest(dir)).toBe(final);
      // History files are removed in the background, as Redis does.
      const listing = () => fs.readdirSync(path.join(dir, 'appendonlydir')).sort();
      for (let i = 0; i < 100 && listing().length !== 3; i++) await sleep(20);
      expect(listing()).toEqual([
        'appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest',
      ]);
      // The base is the dataset at the epoch; the incr file replays what came after.
      const basePath = path.join(dir, 'appendonlydir', 'appendonly.aof.2.base.rdb');
      const base = new Map<string, string>();
      loadRdb(fs.readFileSync(basePath), {
        aux: () => {},
        entry: (_db, key, v) => base.set(key, v.type === 'string' ? v.value : v.type),
      });
      expect(base.size).toBe(N);
      expect([base.get('k0'), base.get('k1'), base.get(`k${N - 1}`)]).toEqual(['v0', 'v1', `v${N - 1}`]);
      const check = spawnSync('redis-check-rdb', [basePath], { encoding: 'utf8' });
      if (enabled) expect(check.stdout).toContain('RDB looks OK');
      await kill9(shoal);
      c.close();
      shoal = await startShoal(['--dir', dir, ...AOF]);
      c = await RespConn.connect(shoal.port);
      // 100k keys take a few slices to load: -LOADING until then.
      await waitLoaded(c);
      expect(await c.call('GET', 'k0')).toBe('$4\r\nnew0\r\n');
      expect(await c.call('GET', 'k1')).toBe('$-1\r\n');
      expect(await c.call('GET', 'k2')).toBe('$2\r\nv2\r\n');
      expect(await c.call('DBSIZE')).toBe(`:${N - Math.ceil((N - 1) / 1003)}\r\n`);
      c.close();
    } finally {
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('BGSAVE SCHEDULE and BGREWRITEAOF wait for the other child, then run', async () => {
    const dir = tmpDir();
    const shoal = await startShoal(['--dir', dir, ...AOF]);
    try {
      const c = await RespConn.connect(shoal.port);
      const mset: string[][] = [];
      for (let i = 0; i < 100_000; i += 1000) {
        const cmd = ['MSET'];
        for (let j = i; j < i + 1000; j++) cmd.push(`k${j}`, 'v');
        mset.push(cmd);
      }
      await pipeline(c, mset);
      expect(await pipeline(c, [['BGSAVE'], ['BGREWRITEAOF']])).toEqual([
        '+Background saving started\r\n', '+Background append only file rewriting scheduled\r\n',
      ]);
      for (let i = 0; i < 300 && !manifest(dir).includes('seq 2 type b'); i++) await sleep(20);
      expect(manifest(dir)).toContain('appendonly.aof.2.base.rdb seq 2 type b');
      expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
      fs.rmSync(path.join(dir, 'dump.rdb'));
      expect(await pipeline(c, [['BGREWRITEAOF'], ['BGSAVE', 'SCHEDULE']])).toEqual([
        '+Background append only file rewriting started\r\n', '+Background saving scheduled\r\n',
      ]);
      for (let i = 0; i < 300 && !fs.existsSync(path.join(dir, 'dump.rdb')); i++) await sleep(20);
      expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
      c.close();
    } finally {
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('aof-use-rdb-preamble no writes the base as commands, which both servers load', async () => {
    const dir = tmpDir();
    const args = ['--dir', dir, ...AOF, '--aof-use-rdb-preamble', 'no'];
    let shoal = await startShoal(args);
    try {
      let c = await RespConn.connect(shoal.port);
      await c.call('SET', 'k', 'v', 'PXAT', '99999999999999');
      await c.call('SELECT', '2');
      await c.call('PFADD', 'h', 'a');
      expect(await c.call('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
      const final = 'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';
      for (let i = 0; i < 300 && manifest(dir) !== final; i++) await sleep(20);
      expect(manifest(dir)).toBe(final);
      const base = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.base.aof'), 'latin1');
      expect(base.startsWith('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$14\r\n99999999999999\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nh\r\n')).toBe(true);
      await c.call('SELECT', '0');
      await c.call('SET', 'after', 'rewrite');
      if (enabled) {
        const rdir = tmpDir();
        // The old base and incr files are removed in the background after the manifest is written.
        const adir = path.join(dir, 'appendonlydir');
        for (let i = 0; i < 100 && fs.readdirSync(adir).some((f) => f !== 'appendonly.aof.manifest' && !final.includes(f)); i++) await sleep(20);
        fs.cpSync(adir, path.join(rdir, 'appendonlydir'), { recursive: true });
        const redis = await startRedis(['--dir', rdir, ...AOF]);
        const r = await RespConn.connect(redis.port);
        await waitLoaded(r);
        expect(await r.call('PEXPIRETIME', 'k')).toBe(':99999999999999\r\n');
        expect(await r.call('GET', 'after')).toBe('$7\r\nrewrite\r\n');
        r.close();
        await redis.stop();
        fs.rmSync(rdir, { recursive: true, force: true });
      }
      // A second rewrite, without the TTL key, for Shoal to load back.
      await c.call('DEL', 'k');
      expect(await c.call('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
      const third = 'file appendonly.aof.3.base.aof seq 3 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n';
      for (let i = 0; i < 300 && manifest(dir) !== third; i++) await sleep(20);
      expect(manifest(dir)).toBe(third);
      await kill9(shoal);
      c.close();
      shoal = await startShoal(args);
      c = await RespConn.connect(shoal.port);
      expect(await c.call('GET', 'after')).toBe('$7\r\nrewrite\r\n');
      expect(await c.call('EXISTS', 'k')).toBe(':0\r\n');
      await c.call('SELECT', '2');
      expect(await c.call('PFCOUNT', 'h')).toBe(':1\r\n');
      c.close();
    } finally {
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!enabled)('an old-style appendonly.aof (RDB preamble + commands) moves into the AOF directory and loads', async () => {
    const redis = await startRedis();
    const r = await RespConn.connect(redis.port);
    await r.call('SET', 'from', 'preamble');
    await r.call('SAVE');
    r.close();
    const dir = tmpDir();
    const old = Buffer.concat([fs.readFileSync(path.join(redis.dir, 'dump.rdb')), encodeCommand(['SET', 'tail', 'yes'])]);
    await redis.stop();
    fs.writeFileSync(path.join(dir, 'appendonly.aof'), old);
    const shoal = await startShoal(['--dir', dir, ...AOF]);
    try {
      const c = await RespConn.connect(shoal.port);
      expect(await c.call('GET', 'from')).toBe('$8\r\npreamble\r\n');
      expect(await c.call('GET', 'tail')).toBe('$3\r\nyes\r\n');
      c.close();
      expect(fs.existsSync(path.join(dir, 'appendonly.aof'))).toBe(false);
      expect(manifest(dir)).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
      expect(shoal.output()).toMatch(/Successfully migrated an old-style AOF file/);
    } finally {
      await shoal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a torn last command is cut off with aof-load-truncated yes and refused with no', async () => {
    const dir = tmpDir();
    const shoal = await startShoal(['--dir', dir, ...AOF]);
    const c = await RespConn.connect(shoal.port);
    await c.call('SET', 'whole', 'yes');
    c.close();
    await kill9(shoal);
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const good = fs.statSync(incr).size;
    fs.appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$4\r\ntorn');
    const refused = spawn(process.execPath, [SHOAL_BIN, '--port', String(await freePort()), '--dir', dir, ...AOF, '--aof-load-truncated', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    refused.stdout.on('data', (d) => (out += d));
    refused.stderr.on('data', (d) => (out += d));
    expect(await new Promise((r) => refused.once('exit', r))).toBe(1);
    expect(out).toMatch(/Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof/);
    const again = await startShoal(['--dir', dir, ...AOF]);
    try {
      const c2 = await RespConn.connect(again.port);
      expect(await c2.call('GET', 'whole')).toBe('$3\r\nyes\r\n');
      expect(fs.statSync(incr).size).toBe(good);
      expect(again.output()).toMatch(/Truncating the AOF appendonly\.aof\.1\.incr\.aof at offset \d+/);
      c2.close();
    } finally {
      await again.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('turning the AOF on inside MULTI/EXEC', () => {
  it('schedules the first rewrite for after the transaction, as Redis does', async () => {
    const s = await startShoal();
    const c = await RespConn.connect(s.port);
    try {
      expect(await c.call('MULTI')).toBe('+OK\r\n');
      await c.call('SET', 'foo', 'bar');
      await c.call('CONFIG', 'SET', 'appendonly', 'yes');
      expect(await c.call('EXEC')).toBe('*2\r\n+OK\r\n+OK\r\n');
      expect(s.output()).toContain('AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
      for (let i = 0; i < 100 && !(await c.call('INFO', 'persistence')).includes('aof_enabled:1\r\naof_rewrite_in_progress:0\r\n'); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await c.call('INFO', 'persistence')).toMatch(/aof_enabled:1\r\naof_rewrite_in_progress:0\r\n[^]*aof_last_bgrewrite_status:ok/);
    } finally {
      c.close();
      await s.stop();
    }
  });
});

describe('turning the AOF off during a rewrite', () => {
  it('kills the rewrite child, as Redis does', async () => {
    const s = await startShoal(['--appendonly', 'yes']);
    const c = await RespConn.connect(s.port);
    try {
      await c.call('SET', 'k', 'v');
      // A rewrite that would take 10 s a key.
      await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '10000000');
      expect(await c.call('BGREWRITEAOF')).toMatch(/^\+Background append only file rewriting/);
      expect(await c.call('INFO', 'persistence')).toContain('aof_rewrite_in_progress:1\r\n');
      expect(await c.call('CONFIG', 'SET', 'appendonly', 'no')).toBe('+OK\r\n');
      for (let i = 0; i < 100 && !(await c.call('INFO', 'persistence')).includes('aof_rewrite_in_progress:0\r\n'); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await c.call('INFO', 'persistence')).toContain('aof_rewrite_in_progress:0\r\n');
      expect(s.output()).toContain('Killing running AOF rewrite child.');
    } finally {
      c.close();
      await s.stop();
    }
  });
});
