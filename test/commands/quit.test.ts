// QUIT: the server answers +OK, then closes the connection once the reply is out; nothing sent after
// it runs. Checked against redis-server: every frame a connection gets before the close.

import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

describe.skipIf(!requireRedis())('QUIT', () => {
  const { shoal, redis } = serverPair({ args: ['--requirepass', 'pw'] });

  /** Send the commands in one write, then collect every frame until the server closes the connection. */
  async function untilClosed(port: number, cmds: string[][]): Promise<string[]> {
    const c = await RespConn.connect(port);
    c.write(Buffer.concat(cmds.map((argv) => encodeCommand(argv))));
    await c.waitClosed();
    const frames: string[] = [];
    for (;;) {
      try {
        frames.push(...(await c.read(1, 50)));
      } catch {
        break;
      }
    }
    expect(c.partial).toBe('');
    // Connection ids depend on how many connections each server has seen.
    return frames.map((f) => f.replace(/(\$2\r\nid\r\n):\d+/, '$1:N'));
  }

  const scripts: Record<string, string[][]> = {
    'before AUTH, commands after it never run': [['QUIT'], ['AUTH', 'pw'], ['SET', 'quit:k', 'v']],
    'after AUTH, in RESP3': [['AUTH', 'pw'], ['HELLO', '3'], ['SET', 'quit:a', '1'], ['QUIT'], ['SET', 'quit:b', '1']],
    'inside MULTI it is not queued': [['AUTH', 'pw'], ['MULTI'], ['SET', 'quit:c', '1'], ['QUIT'], ['EXEC']],
  };
  for (const [title, cmds] of Object.entries(scripts)) {
    it(title, async () => {
      const [ours, theirs] = await Promise.all([untilClosed(shoal.port, cmds), untilClosed(redis.port, cmds)]);
      expect(ours).toEqual(theirs);
      expect(ours[ours.length - 1]).toBe('+OK\r\n');
    });
  }

  it('leaves only what ran before it: nothing after QUIT, nothing of a transaction it dropped', async () => {
    await untilClosed(shoal.port, [['AUTH', 'pw'], ['SET', 'quit:d', '1'], ['QUIT'], ['SET', 'quit:e', '1']]);
    await untilClosed(shoal.port, [['AUTH', 'pw'], ['MULTI'], ['SET', 'quit:f', '1'], ['QUIT'], ['EXEC']]);
    const c = await RespConn.connect(shoal.port);
    expect(await c.call('AUTH', 'pw')).toBe('+OK\r\n');
    expect(await c.call('EXISTS', 'quit:d', 'quit:e', 'quit:f')).toBe(':1\r\n');
    expect(await c.call('GET', 'quit:d')).toBe('$1\r\n1\r\n');
    c.close();
  });
});
