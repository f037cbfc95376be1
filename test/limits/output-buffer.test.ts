// client-output-buffer-limit for normal clients: one that reads nothing while its replies pile up
// is disconnected once the pending output passes the hard limit, as redis-server does; without a
// limit (the default for normal clients) it gets every byte.

import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';

const VALUE = 'v'.repeat(256 * 1024);
const GETS = 40;
const REPLY = `$${VALUE.length}\r\n${VALUE}\r\n`.length;

/**
 * Send GETS pipelined GETs of the 256 KB value while not reading, wait, then read everything:
 * returns the bytes received and whether the server closed the connection.
 */
function floodWithoutReading(port: number): Promise<{ bytes: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.pause();
    let bytes = 0;
    s.on('data', (d) => (bytes += d.length));
    s.on('error', reject);
    s.on('connect', () => {
      s.write('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n'.repeat(GETS));
      setTimeout(() => {
        let done = false;
        const finish = (closed: boolean): void => {
          if (done) return;
          done = true;
          s.destroy();
          resolve({ bytes, closed });
        };
        s.on('close', () => finish(true));
        s.resume();
        // Give the remaining replies time to arrive if the connection stays open.
        setTimeout(() => finish(false), 1500);
      }, 800);
    });
  });
}

describe('client-output-buffer-limit (normal class)', () => {
  const enabled = requireRedis();
  let shoal: RunningServer;
  let redis: RunningServer;
  beforeAll(async () => {
    [shoal, redis] = await Promise.all([startShoal(), startRedis()]);
    for (const srv of [shoal, redis]) {
      const c = await RespConn.connect(srv.port);
      await c.call('SET', 'big', VALUE);
      c.close();
    }
  });
  afterAll(async () => {
    await Promise.all([shoal?.stop(), redis?.stop()]);
  });

  it.skipIf(!enabled)('a client that does not read is disconnected past the hard limit, like redis-server', async () => {
    for (const srv of [shoal, redis]) {
      const c = await RespConn.connect(srv.port);
      expect(await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0')).toBe('+OK\r\n');
      const r = await floodWithoutReading(srv.port);
      expect(r.closed).toBe(true);
      expect(r.bytes).toBeLessThan(GETS * REPLY);
      // Only the admin connection is left.
      expect((await c.call('CLIENT', 'LIST')).match(/id=/g)?.length).toBe(1);
      await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0');
      c.close();
    }
  });

  it('without a limit the same client gets every reply', async () => {
    const r = await floodWithoutReading(shoal.port);
    expect(r.closed).toBe(false);
    expect(r.bytes).toBe(GETS * REPLY);
  });
});
