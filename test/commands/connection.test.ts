import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';
import { differential } from '../helpers/differential.js';

describe('connection basics', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal();
  });
  afterAll(() => s.stop());

  it('answers PING in multibulk and inline form, pipelined in order', async () => {
    const c = await RespConn.connect(s.port);
    c.write('PING\r\n*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\nECHO "a b"\r\n');
    expect(await c.read(3)).toEqual(['+PONG\r\n', '$3\r\nabc\r\n', '$3\r\na b\r\n']);
    c.close();
  });
});

differential('connection', {
  'ping and echo': [['PING'], ['PING', 'hello'], ['ECHO', 'x'], ['PING', 'a', 'b'], ['ECHO']],
  'select': [['SELECT', '1'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'x'], ['SELECT', '0']],
  'unknown command': [['NOSUCHCOMMAND', 'a', 'b'], ['nosuch']],
});
