// maxclients: a connection over the limit gets Redis's error and is closed, counted in
// rejected_connections, and the clients already connected go on (lowering the limit closes nobody).
// A refused peer that resets its connection at once must not take the server down: Redis's
// redis-benchmark -I does exactly that when it meets the limit.

import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';

function readAll(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
}

function connectAndReset(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.resetAndDestroy();
      resolve();
    });
    s.on('error', reject);
  });
}

describe('maxclients', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startShoal([]);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('refuses connections over the limit with Redis error and keeps the existing ones', async () => {
    const admin = await RespConn.connect(srv.port);
    const others = [await RespConn.connect(srv.port), await RespConn.connect(srv.port)];
    expect(await admin.call('CONFIG', 'SET', 'maxclients', '3')).toBe('+OK\r\n');
    expect(await readAll(srv.port)).toBe('-ERR max number of clients reached\r\n');
    expect(await admin.call('INFO', 'stats')).toMatch(/rejected_connections:1\r\n/);
    // Lowering the limit under the current count closes nobody.
    expect(await admin.call('CONFIG', 'SET', 'maxclients', '2')).toBe('+OK\r\n');
    for (const c of others) expect(await c.call('PING')).toBe('+PONG\r\n');

    // Refused peers that reset at once: the server stays up and serves.
    for (let i = 0; i < 50; i++) await connectAndReset(srv.port);
    await new Promise((r) => setTimeout(r, 100));
    expect(await admin.call('CONFIG', 'SET', 'maxclients', '10000')).toBe('+OK\r\n');
    expect(await admin.call('PING')).toBe('+PONG\r\n');
    expect(srv.proc.exitCode).toBe(null);
    for (const c of [admin, ...others]) c.close();
  });
});
