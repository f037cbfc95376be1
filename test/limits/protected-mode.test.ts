// Protected mode: with no password for the default user, only loopback (and unix-socket) clients
// are served. The decision is tested as a pure function; end to end, a loopback client is served
// like redis-server serves it. (A non-loopback client needs a private network namespace to reach
// the server without leaving loopback: that end-to-end test comes with the namespace harness.)

import { describe, expect, it } from 'vitest';
import { protectedModeRefuses } from '../../src/server/listener.js';
import { RespConn, startShoal } from '../helpers/server.js';

describe('protected mode decision', () => {
  it.each([
    [true, true, '192.0.2.7', true],
    [true, true, '::ffff:192.0.2.7', true],
    [true, true, '2001:db8::1', true],
    [true, true, '127.0.0.1', false],
    [true, true, '127.1.2.3', false],
    [true, true, '::ffff:127.0.0.1', false],
    [true, true, '::1', false],
    [true, true, undefined, false],
    [true, false, '192.0.2.7', false],
    [false, true, '192.0.2.7', false],
  ] as const)('protected-mode %s, nopass %s, client %s -> refused %s', (on, nopass, addr, refused) => {
    expect(protectedModeRefuses(on, nopass, addr)).toBe(refused);
  });
});

describe('protected mode over loopback', () => {
  it('serves loopback clients with protected mode on and no password', async () => {
    const s = await startShoal(['--bind', '127.0.0.1', '--protected-mode', 'yes']);
    try {
      const c = await RespConn.connect(s.port);
      expect(await c.call('PING')).toBe('+PONG\r\n');
      expect(await c.call('INFO', 'stats')).toMatch(/rejected_connections:0\r\n/);
      c.close();
    } finally {
      await s.stop();
    }
  });
});
