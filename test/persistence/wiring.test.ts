// SHUTDOWN, DEBUG RELOAD and FLUSHALL as persistence sees them, over real sockets.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RespConn, startShoal } from '../helpers/server.js';

describe('persistence wiring', () => {
  it('SHUTDOWN SAVE writes the dump, which the next start loads', async () => {
    const s = await startShoal(['--enable-debug-command', 'yes']);
    const c = await RespConn.connect(s.port);
    await c.call('SET', 'k', 'v');
    c.send('SHUTDOWN', 'SAVE');
    await c.waitClosed();
    expect(fs.existsSync(path.join(s.dir, 'dump.rdb'))).toBe(true);
    const again = await startShoal(['--dir', s.dir]);
    const d = await RespConn.connect(again.port);
    expect(await d.call('GET', 'k')).toBe('$1\r\nv\r\n');
    d.close();
    await again.stop();
  });

  it('DEBUG RELOAD saves and loads the dataset back, keeping TTLs', async () => {
    const s = await startShoal(['--enable-debug-command', 'yes']);
    const c = await RespConn.connect(s.port);
    await c.call('RPUSH', 'l', 'a', 'b');
    await c.call('SET', 't', 'x', 'EX', '1000');
    expect(await c.call('DEBUG', 'RELOAD')).toBe('+OK\r\n');
    expect(await c.call('LRANGE', 'l', '0', '-1')).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    expect(Number((await c.call('TTL', 't')).slice(1))).toBeGreaterThan(990);
    c.close();
    await s.stop();
  });

  it('FLUSHALL with save points saves the empty dataset', async () => {
    const s = await startShoal(['--save', '3600 1']);
    const c = await RespConn.connect(s.port);
    await c.call('SET', 'k', 'v');
    await c.call('SAVE');
    await c.call('FLUSHALL');
    // The save resets the counter; FLUSHALL still propagates (forced, as in Redis 7.0).
    expect(await c.call('INFO', 'persistence')).toContain('rdb_changes_since_last_save:0');
    await c.call('FLUSHDB');
    expect(await c.call('INFO', 'persistence')).toContain('rdb_changes_since_last_save:0');
    c.close();
    await s.stop();
  });
});
