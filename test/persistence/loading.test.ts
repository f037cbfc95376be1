// Loading at start (an RDB file or the AOF) while the listener is already up, as Redis does:
// commands without the `loading` flag get -LOADING, INFO persistence shows loading:1 with Redis 7.0's loading_* fields,
// then the data is there; a file found corrupt after the listener opened still stops the server
// (exit 1, the offset named); a small file is in before the first client can ask; the IDLE/FREQ
// a redis-server file records are applied.

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import { freePort, RespConn, requireRedis, SHOAL_BIN, startRedis, startShoal } from '../helpers/server.js';
import { Crc64 } from '../../src/persistence/rdb/crc64.js';
import { RdbFileEncoder } from '../../src/persistence/rdb/file.js';
import { dumpPayload } from '../../src/persistence/rdb/values.js';

const enabled = requireRedis();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KEYS = 400_000;
/**
 * Tests that must catch the server mid-load slow it down as Redis's own suite does: one key in 20
 * sleeps (about 1.5 s more for KEYS), as 400k keys alone now load in about 0.3 s.
 */
const SLOW_LOAD = ['--key-load-delay', '-20'];
/** Replaying commands is slower per key than reading an RDB: fewer keys take as long. */
const AOF_KEYS = 150_000;
const dirs: string[] = [];
const hello = dumpPayload({ type: 'string', value: 'hello' });

/** An RDB of `n` string keys (and the used-mem AUX field Redis reports while loading). */
function bigRdb(n: number): Buffer {
  const enc = new RdbFileEncoder(true);
  enc.header([['redis-ver', '7.0.15'], ['redis-bits', '64'], ['used-mem', '123456789']]);
  enc.selectDb(0, n, 0);
  const chunks: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    enc.stringEntry(`key:${String(i).padStart(12, '0')}`, `value${i}`, -1);
    if (enc.pending > 65536) chunks.push(enc.take());
  }
  enc.eof();
  chunks.push(enc.take());
  const body = Buffer.concat(chunks);
  return Buffer.concat([body, new Crc64().update(body).bytes()]);
}

const rdb = bigRdb(KEYS);

function dirWith(file: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-loading-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'dump.rdb'), file);
  return dir;
}

interface Spawned {
  proc: ChildProcess;
  port: number;
  out: () => string;
  exit: Promise<number | null>;
}

async function spawnServer(cmd: string, args: string[], save = ''): Promise<Spawned> {
  const port = await freePort();
  const proc = spawn(cmd, [...args, '--port', String(port), '--save', save], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  return { proc, port, out: () => out, exit };
}

/** Connect as soon as the port accepts. */
async function connectEarly(s: Spawned): Promise<RespConn> {
  for (let i = 0; i < 1000; i++) {
    if (s.proc.exitCode !== null) throw new Error(`exited: ${s.out()}`);
    try {
      return await RespConn.connect(s.port);
    } catch {
      await sleep(2);
    }
  }
  throw new Error(`never listened: ${s.out()}`);
}

/** INFO persistence while loading, as its field names. */
async function loadingFields(c: RespConn): Promise<string[] | null> {
  const info = await c.call('INFO', 'persistence');
  if (!info.includes('loading:1')) return null;
  return info.split('\r\n').filter((l) => l.includes(':')).map((l) => l.slice(0, l.indexOf(':')));
}

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('loading at start', () => {
  it('answers -LOADING while the dataset loads, then serves it', async () => {
    const s = await spawnServer(process.execPath, [SHOAL_BIN, '--dir', dirWith(rdb), ...SLOW_LOAD]);
    try {
      const c = await connectEarly(s);
      expect(await c.call('PING')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
      expect(await c.call('GET', 'key:000000000001')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
      // Commands flagged `loading` work: INFO shows the progress.
      const info = await c.call('INFO', 'persistence');
      expect(info).toContain('loading:1\r\n');
      expect(info).toContain(`loading_total_bytes:${rdb.length}\r\n`);
      expect(info).toContain('loading_rdb_used_mem:123456789\r\n');
      // Redis's DENY_LOADING_CONFIG: a few parameters wait for the load, the others do not.
      expect(await c.call('CONFIG', 'SET', 'repl-diskless-load', 'swapdb')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
      expect(await c.call('CONFIG', 'SET', 'loglevel', 'verbose')).toBe('+OK\r\n');
      let pong = '';
      for (let i = 0; i < 3000 && pong !== '+PONG\r\n'; i++) {
        pong = await c.call('PING');
        if (pong !== '+PONG\r\n') await sleep(5);
      }
      expect(pong).toBe('+PONG\r\n');
      expect(await c.call('DBSIZE')).toBe(`:${KEYS}\r\n`);
      expect(await c.call('GET', `key:${String(KEYS - 1).padStart(12, '0')}`)).toBe(`$11\r\nvalue${KEYS - 1}\r\n`);
      expect(await c.call('INFO', 'persistence')).toContain(`loading:0\r\nasync_loading:0\r\n`);
      expect(s.out()).toMatch(/Loading RDB produced by version 7\.0\.15/);
      expect(s.out()).toMatch(new RegExp(`keys loaded: ${KEYS}, keys expired: 0`));
      c.close();
    } finally {
      s.proc.kill('SIGKILL');
      await s.exit;
    }
  });

  it.skipIf(!enabled)('shows the same INFO persistence fields as redis-server while loading', async () => {
    const fields: string[][] = [];
    for (const [cmd, args] of [
      ['redis-server', ['--appendonly', 'no', '--bind', '127.0.0.1']],
      [process.execPath, [SHOAL_BIN]],
    ] as const) {
      const s = await spawnServer(cmd, [...args, '--dir', dirWith(rdb)]);
      try {
        const c = await connectEarly(s);
        let f: string[] | null = null;
        for (let i = 0; i < 50 && f === null; i++) f = await loadingFields(c);
        // Redis may be done before a client gets in: then there is nothing to compare.
        if (f !== null) fields.push(f);
        c.close();
      } finally {
        s.proc.kill('SIGKILL');
        await s.exit;
      }
    }
    if (fields.length === 2) expect(fields[1]).toEqual(fields[0]);
    expect(fields.length).toBeGreaterThan(0);
  });

  // The loader holds parsed keys back in a ring of 2^19 before they enter the keyspace (see
  // src/persistence/load.ts): a file longer than that must come through whole, TTLs and all, and a
  // duplicate far into it must still stop the server.
  const RING_KEYS = 700_000;
  function ringRdb(duplicateAt: number | null): Buffer {
    const enc = new RdbFileEncoder(true);
    enc.header([['redis-ver', '7.0.15']]);
    enc.selectDb(0, RING_KEYS, RING_KEYS / 1000);
    const chunks: Buffer[] = [];
    const far = Date.now() + 3_600_000;
    for (let i = 0; i < RING_KEYS; i++) {
      const n = duplicateAt !== null && i === duplicateAt ? 7 : i;
      enc.stringEntry(`k${n}`, `v${n}`, i % 1000 === 0 ? far + i : -1);
      if (enc.pending > 65536) chunks.push(enc.take());
    }
    enc.eof();
    chunks.push(enc.take());
    const body = Buffer.concat(chunks);
    return Buffer.concat([body, new Crc64().update(body).bytes()]);
  }

  it('loads a file longer than the staging ring whole, TTLs included', async () => {
    const s = await spawnServer(process.execPath, [SHOAL_BIN, '--dir', dirWith(ringRdb(null))]);
    try {
      const c = await connectEarly(s);
      let pong = '';
      for (let i = 0; i < 3000 && pong !== '+PONG\r\n'; i++) {
        pong = await c.call('PING');
        if (pong !== '+PONG\r\n') await sleep(5);
      }
      expect(await c.call('DBSIZE')).toBe(`:${RING_KEYS}\r\n`);
      for (const i of [0, 1, 262_143, 262_144, 524_287, 524_288, 600_000, RING_KEYS - 1]) {
        expect(await c.call('GET', `k${i}`)).toBe(`$${String(i).length + 1}\r\nv${i}\r\n`);
        const ttl = await c.call('TTL', `k${i}`);
        if (i % 1000 === 0) expect(Number(ttl.slice(1))).toBeGreaterThan(3500);
        else expect(ttl).toBe(':-1\r\n');
      }
      expect(await c.call('INFO', 'keyspace')).toContain(`db0:keys=${RING_KEYS},expires=${RING_KEYS / 1000},`);
      c.close();
    } finally {
      s.proc.kill('SIGKILL');
      await s.exit;
    }
  });

  it('exits 1 on a key repeated beyond the staging ring', async () => {
    const s = await spawnServer(process.execPath, [SHOAL_BIN, '--dir', dirWith(ringRdb(650_001))]);
    expect(await s.exit).toBe(1);
    expect(s.out()).toContain("RDB has duplicated key 'k7' in DB 0");
  });

  it('exits 1 naming the offset when the file turns out corrupt after the listener opened', async () => {
    const broken = Buffer.from(rdb);
    // A string length byte far into the file becomes an unknown length encoding.
    const at = Math.floor(broken.length * 0.8);
    let p = at;
    while (broken.latin1Slice(p, p + 4) !== 'key:') p++;
    broken[p - 1] = 0xff;
    const s = await spawnServer(process.execPath, [SHOAL_BIN, '--dir', dirWith(broken), ...SLOW_LOAD]);
    const c = await connectEarly(s);
    expect(await c.call('PING')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
    c.close();
    expect(await s.exit).toBe(1);
    const m = /dump\.rdb.*at offset (\d+)/.exec(s.out());
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m![1]) - p)).toBeLessThanOrEqual(1);
  });

  it('exits 1 on a wrong checksum of a large file (computed on another thread), and loads a right one', async () => {
    expect(rdb.length).toBeGreaterThan(4 * 1024 * 1024);
    const broken = Buffer.from(rdb);
    // One character of a value changes: every record still parses, only the checksum tells.
    let p = Math.floor(broken.length / 2);
    while (broken.latin1Slice(p, p + 5) !== 'value') p++;
    broken[p] = 'V'.charCodeAt(0);
    const s = await spawnServer(process.execPath, [SHOAL_BIN, '--dir', dirWith(broken)]);
    expect(await s.exit).toBe(1);
    expect(s.out()).toContain(`wrong RDB checksum at offset ${rdb.length - 8}`);
    // Trailing bytes after the RDB's checksum are ignored, as before, and the checksum still checked.
    const ok = await spawnServer(process.execPath, [SHOAL_BIN, '--dir', dirWith(Buffer.concat([rdb, Buffer.from('extra')]))]);
    const c = await connectEarly(ok);
    let size = '';
    for (let i = 0; i < 500 && !size.startsWith(':'); i++) {
      size = await c.call('DBSIZE');
      if (!size.startsWith(':')) await sleep(20);
    }
    expect(size).toBe(`:${KEYS}\r\n`);
    c.close();
    ok.proc.kill('SIGKILL');
    await ok.exit;
  });

  it('SIGTERM while loading exits without saving the half-loaded dataset', async () => {
    const dir = dirWith(rdb);
    const s = await spawnServer(process.execPath, [SHOAL_BIN, '--dir', dir, ...SLOW_LOAD], '3600 1');
    const c = await connectEarly(s);
    expect(await c.call('PING')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
    s.proc.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    c.close();
    expect(fs.readFileSync(path.join(dir, 'dump.rdb')).equals(rdb)).toBe(true);
  });

  it('loads an AOF the same way: -LOADING, then the data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-loading-'));
    dirs.push(dir);
    const first = await startShoal(['--dir', dir, '--appendonly', 'yes']);
    const w = await RespConn.connect(first.port);
    const cmds: Buffer[] = [];
    for (let i = 0; i < AOF_KEYS; i += 1000) {
      cmds.push(encodeCommand(['MSET', ...Array.from({ length: 1000 }, (_, j) => [`k${i + j}`, `v${i + j}`]).flat()]));
    }
    w.write(Buffer.concat(cmds));
    await w.read(cmds.length, 60000);
    w.close();
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    const s = await spawnServer(process.execPath, [SHOAL_BIN, '--dir', dir, '--appendonly', 'yes']);
    try {
      const c = await connectEarly(s);
      expect(await c.call('DBSIZE')).toBe('-LOADING Redis is loading the dataset in memory\r\n');
      for (let i = 0; i < 3000 && (await c.call('PING')) !== '+PONG\r\n'; i++) await sleep(5);
      expect(await c.call('DBSIZE')).toBe(`:${AOF_KEYS}\r\n`);
      // The AOF is open for appending again once loaded.
      expect(await c.call('SET', 'after', 'load')).toBe('+OK\r\n');
      expect(s.out()).toMatch(/DB loaded from append only file: [\d.]+ seconds/);
      c.close();
    } finally {
      s.proc.kill('SIGKILL');
      await s.exit;
    }
    expect(fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1')).toMatch(/\$5\r\nafter\r\n\$4\r\nload\r\n$/);
  });

  it.skipIf(!enabled)('applies the IDLE/FREQ a redis-server file holds, under the matching policy', async () => {
    const redis = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
    const r = await RespConn.connect(redis.port);
    const lruDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-loading-'));
    const lfuDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-loading-'));
    dirs.push(lruDir, lfuDir);
    try {
      expect(await r.call('RESTORE', 'old', '0', hello, 'IDLETIME', '5000')).toBe('+OK\r\n');
      expect(await r.call('SAVE')).toBe('+OK\r\n');
      fs.copyFileSync(path.join(redis.dir, 'dump.rdb'), path.join(lruDir, 'dump.rdb'));
      await r.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
      expect(await r.call('RESTORE', 'hot', '0', hello, 'FREQ', '100')).toBe('+OK\r\n');
      expect(await r.call('SAVE')).toBe('+OK\r\n');
      fs.copyFileSync(path.join(redis.dir, 'dump.rdb'), path.join(lfuDir, 'dump.rdb'));
    } finally {
      r.close();
      await redis.stop();
    }
    const lru = await startShoal(['--dir', lruDir, '--maxmemory-policy', 'allkeys-lru']);
    const lfu = await startShoal(['--dir', lfuDir, '--maxmemory-policy', 'allkeys-lfu']);
    try {
      const a = await RespConn.connect(lru.port);
      const idle = Number((await a.call('OBJECT', 'IDLETIME', 'old')).slice(1));
      expect(idle).toBeGreaterThanOrEqual(5000);
      expect(idle).toBeLessThan(5010);
      a.close();
      const b = await RespConn.connect(lfu.port);
      expect(await b.call('OBJECT', 'FREQ', 'hot')).toBe(':100\r\n');
      b.close();
    } finally {
      await lru.stop();
      await lfu.stop();
    }
  });

  it('loads a small file before answering anything', async () => {
    const s = await startShoal(['--dir', dirWith(bigRdb(100))]);
    try {
      const c = await RespConn.connect(s.port);
      expect(await c.call('DBSIZE')).toBe(':100\r\n');
      c.close();
    } finally {
      await s.stop();
    }
  });
});
