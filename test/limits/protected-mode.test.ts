// Protected mode: with no password for the default user, only loopback clients are served; others
// get Redis's DENIED text and the connection closes. Reached here through this host's non-loopback
// address, compared with redis-server byte for byte.

import * as net from 'node:net';
import * as os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';

/** This host's first non-loopback IPv4 address, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Connect, send PING, and collect everything until the server closes (or 500 ms pass). */
function exchange(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host, () => s.write('*1\r\n$4\r\nPING\r\n'));
    let out = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve(`${out}<open>`);
    }, 500);
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(`${out}<closed>`);
    });
  });
}

const ext = externalAddress();

describe.skipIf(ext === undefined || !requireRedis())('protected mode', () => {
  let shoal: RunningServer;
  let redis: RunningServer;
  beforeAll(async () => {
    [shoal, redis] = await Promise.all([startShoal(['--bind', '*']), startRedis(['--bind', '*'])]);
  });
  afterAll(async () => {
    await Promise.all([shoal?.stop(), redis?.stop()]);
  });

  it('refuses a non-loopback client with the DENIED text and closes, like redis-server', async () => {
    const got = await exchange(ext!, shoal.port);
    const want = await exchange(ext!, redis.port);
    expect(got).toBe(want);
    expect(got.startsWith('-DENIED Redis is running in protected mode')).toBe(true);
    expect(got.endsWith('\r\n<closed>')).toBe(true);
    const c = await RespConn.connect(shoal.port);
    expect(await c.call('INFO', 'stats')).toMatch(/rejected_connections:1\r\n/);
    c.close();
  });

  it('serves loopback clients, and everyone once a password is set or protected mode is off', async () => {
    for (const srv of [shoal, redis]) {
      expect(await exchange('127.0.0.1', srv.port)).toBe('+PONG\r\n<open>');
      const c = await RespConn.connect(srv.port);
      await c.call('CONFIG', 'SET', 'requirepass', 'secret');
      expect(await exchange(ext!, srv.port)).toBe('-NOAUTH Authentication required.\r\n<open>');
      await c.call('AUTH', 'secret');
      await c.call('CONFIG', 'SET', 'requirepass', '');
      await c.call('CONFIG', 'SET', 'protected-mode', 'no');
      expect(await exchange(ext!, srv.port)).toBe('+PONG\r\n<open>');
      await c.call('CONFIG', 'SET', 'protected-mode', 'yes');
      c.close();
    }
  });
});
