// Streams in RDB files both ways with redis-server 7.0: a dump it saved (entries over several
// nodes, tombstones, groups, pending entries, consumers, an empty stream) loads in Shoal with the
// same XINFO STREAM FULL (delivery and seen times included: the file carries them), digest and
// memory estimate; a dump Shoal saved passes redis-check-rdb and loads in redis-server the same.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';

const enabled = requireRedis();
const DEBUG = ['--enable-debug-command', 'yes'];

describe.skipIf(!enabled)('streams in RDB files, with redis-server', () => {
  const servers: RunningServer[] = [];
  const conns: RespConn[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const c of conns) c.close();
    await Promise.all(servers.map((s) => s.stop()));
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function start(kind: 'shoal' | 'redis', args: string[] = []): Promise<RespConn> {
    const srv = kind === 'shoal' ? await startShoal([...DEBUG, ...args]) : await startRedis([...DEBUG, ...args]);
    servers.push(srv);
    const c = await RespConn.connect(srv.port);
    conns.push(c);
    return c;
  }

  /** A directory holding a copy of `file` as dump.rdb. */
  function dirWith(file: string): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-rdb-'));
    dirs.push(d);
    fs.copyFileSync(file, path.join(d, 'dump.rdb'));
    return d;
  }

  async function build(c: RespConn): Promise<void> {
    for (let i = 1; i <= 260; i++) await c.call('XADD', 'big', `${i}-${i % 3}`, 'f', `v${i}`, ...(i % 7 === 0 ? ['extra', String(i * 1000)] : []));
    await c.call('XDEL', 'big', '5-2', '100-1', '101-2');
    await c.call('XTRIM', 'big', 'MAXLEN', '250');
    await c.call('XGROUP', 'CREATE', 'big', 'g1', '0');
    await c.call('XGROUP', 'CREATE', 'big', 'g2', '$', 'ENTRIESREAD', '7');
    await c.call('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'big', '>');
    await c.call('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'big', '>');
    await c.call('XCLAIM', 'big', 'g1', 'carol', '0', '12-0', 'RETRYCOUNT', '4', 'FORCE');
    await c.call('XGROUP', 'CREATECONSUMER', 'big', 'g2', 'idle-one');
    await c.call('XDEL', 'big', '13-1');
    await c.call('XGROUP', 'CREATE', 'empty', 'g', '$', 'MKSTREAM');
    await c.call('XADD', 'gone', '1-1', 'a', '1');
    await c.call('XDEL', 'gone', '1-1');
    await c.call('XADD', 'bin', '1-1', '\x00\xff', 'x'.repeat(5000), 'n', '-123456789012');
    await c.call('XSETID', 'bin', '9-9', 'ENTRIESADDED', '42', 'MAXDELETEDID', '5-0');
  }

  const KEYS = ['big', 'empty', 'gone', 'bin'];

  async function compare(a: RespConn, b: RespConn): Promise<void> {
    for (const key of KEYS) {
      for (const argv of [['XINFO', 'STREAM', key, 'FULL', 'COUNT', '0'], ['XINFO', 'GROUPS', key], ['DEBUG', 'DIGEST-VALUE', key], ['MEMORY', 'USAGE', key], ['XRANGE', key, '-', '+']]) {
        const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
        expect(`${argv.join(' ')} => ${x}`).toBe(`${argv.join(' ')} => ${y}`);
      }
    }
  }

  it('a dump redis-server saved loads in Shoal with the same streams, groups and pending entries', async () => {
    const r = await start('redis');
    await build(r);
    expect(await r.call('SAVE')).toBe('+OK\r\n');
    const dir = dirWith(path.join(servers[servers.length - 1].dir, 'dump.rdb'));
    const s = await start('shoal', ['--dir', dir]);
    expect(await s.call('DBSIZE')).toBe(':4\r\n');
    // A loaded listpack is allocated to size, a growing one with room: both sides loaded.
    expect(await r.call('DEBUG', 'RELOAD')).toBe('+OK\r\n');
    await compare(s, r);
  });

  it('a dump Shoal saved passes redis-check-rdb and loads in redis-server the same', async () => {
    const s = await start('shoal');
    await build(s);
    expect(await s.call('SAVE')).toBe('+OK\r\n');
    const file = path.join(servers[servers.length - 1].dir, 'dump.rdb');
    const check = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
    expect(check.stdout).toContain('RDB looks OK!');
    const rdir = dirWith(file);
    const r = await start('redis', ['--dir', rdir]);
    expect(await r.call('DBSIZE')).toBe(':4\r\n');
    expect(await s.call('DEBUG', 'RELOAD')).toBe('+OK\r\n');
    await compare(s, r);
    // And back: what that redis-server saves again loads in Shoal unchanged.
    expect(await r.call('SAVE')).toBe('+OK\r\n');
    const s2 = await start('shoal', ['--dir', dirWith(path.join(rdir, 'dump.rdb'))]);
    await compare(s2, r);
  });

  it('DUMP payloads of the same stream are byte-identical (where no clock is in them), and RESTORE takes them both ways', async () => {
    const [s, r] = await Promise.all([start('shoal'), start('redis')]);
    await Promise.all([build(s), build(r)]);
    for (const key of KEYS) {
      const [ds, dr] = await Promise.all([s.call('DUMP', key), r.call('DUMP', key)]);
      if (key === 'big' || key === 'empty') {
        // Delivery and seen times differ between the two servers: equal lengths, restorable.
        expect(ds.length).toBe(dr.length);
      } else {
        expect(ds).toBe(dr);
      }
      const payload = (reply: string): Buffer => Buffer.from(reply.slice(reply.indexOf('\r\n') + 2, -2), 'latin1');
      expect(await s.call('RESTORE', `${key}-from-redis`, '0', payload(dr))).toBe('+OK\r\n');
      expect(await r.call('RESTORE', `${key}-from-shoal`, '0', payload(ds))).toBe('+OK\r\n');
      const [a, b] = await Promise.all([s.call('XINFO', 'STREAM', `${key}-from-redis`, 'FULL'), r.call('XINFO', 'STREAM', key, 'FULL')]);
      expect(a).toBe(b);
      const [c, d] = await Promise.all([r.call('XINFO', 'STREAM', `${key}-from-shoal`, 'FULL'), s.call('XINFO', 'STREAM', key, 'FULL')]);
      expect(c).toBe(d);
    }
  });
});
