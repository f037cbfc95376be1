// client-output-buffer-limit for normal clients: one that reads nothing while its replies pile up
// is disconnected once the pending output passes the hard limit, as redis-server does; without a
// limit (the default for normal clients) it gets every byte.

import * as net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

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
  const { shoal, redis } = serverPair({ redis: enabled });
  beforeAll(async () => {
    for (const srv of enabled ? [shoal, redis] : [shoal]) {
      const c = await RespConn.connect(srv.port);
      await c.call('SET', 'big', VALUE);
      c.close();
    }
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

/** Connect, send `payload` at once without reading; resolve with what came back once the server closed. */
function sendAndCollect(port: number, payload: string, waitMs = 1500): Promise<{ got: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', reject);
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ got, closed: false });
    }, waitMs);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ got, closed: true });
    });
    s.on('connect', () => s.write(payload));
  });
}

const cmd = (...argv: string[]): string => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

describe.skipIf(!requireRedis())('output limits checked before replies are sent, like redis-server', () => {
  const { shoal, redis } = serverPair();
  beforeAll(async () => {
    for (const srv of [shoal, redis]) {
      const c = await RespConn.connect(srv.port);
      await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 100000 0 0');
      await c.call('SET', 'bigkey', 'x'.repeat(10000));
      for (let i = 0; i < 150; i++) await c.call('LPUSH', 'mylist', 'y'.repeat(1000));
      c.close();
    }
  });

  it('a single reply over the hard limit is never sent: the client is closed', async () => {
    for (const srv of [shoal, redis]) {
      const r = await sendAndCollect(srv.port, cmd('LRANGE', 'mylist', '0', '-1'));
      expect(r).toEqual({ got: '', closed: true });
    }
  });

  it('a pipeline stops at the command that passes the limit; a transaction runs to its end', async () => {
    for (const srv of [shoal, redis]) {
      const c = await RespConn.connect(srv.port);
      await c.call('DEL', 'after', 'k1', 'k2', 'k3');
      const gets = cmd('GET', 'bigkey').repeat(15);
      expect(await sendAndCollect(srv.port, gets + cmd('SET', 'after', '1'))).toEqual({ got: '', closed: true });
      expect(await c.call('EXISTS', 'after')).toBe(':0\r\n');
      const tx = cmd('SET', 'k1', 'v1') + cmd('MULTI') + cmd('SET', 'k2', 'v2') + cmd('LRANGE', 'mylist', '0', '-1') +
        cmd('SET', 'k3', 'v3') + cmd('DEL', 'k1') + cmd('EXEC');
      const r = await sendAndCollect(srv.port, tx);
      expect(r.closed).toBe(true);
      expect(r.got).not.toContain('*6\r\n');
      expect(await c.call('MGET', 'k1', 'k2', 'k3')).toBe('*3\r\n$-1\r\n$2\r\nv2\r\n$2\r\nv3\r\n');
      c.close();
    }
  });

  it('a client over its soft limit is closed once the time passes, with no more traffic', async () => {
    for (const srv of [shoal, redis]) {
      const c = await RespConn.connect(srv.port);
      await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 100000 1');
      const sub = await RespConn.connect(srv.port);
      await sub.call('CLIENT', 'SETNAME', 'sleepy');
      await sub.call('SUBSCRIBE', 'ch');
      sub.socket.pause();
      const msg = 'z'.repeat(10000);
      // Enough to fill the socket buffers: the rest waits in the server, over the soft limit.
      for (let i = 0; i < 1000; i++) c.send('PUBLISH', 'ch', msg);
      await c.read(1000);
      const list = await c.call('CLIENT', 'LIST');
      expect(list).toContain('name=sleepy');
      let gone = false;
      for (let t = 0; t < 40 && !gone; t++) {
        await new Promise((r) => setTimeout(r, 100));
        gone = !(await c.call('CLIENT', 'LIST')).includes('name=sleepy');
      }
      expect(gone).toBe(true);
      await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
      sub.close();
      c.close();
    }
  });
});
