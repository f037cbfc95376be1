// XREAD / XREADGROUP with BLOCK from a script: Redis refuses them with an error naming the command
// as the script spelled it; without BLOCK they run. Scripting lands on another branch, so Shoal's
// side runs in-process on the client scripts use (socket-less, not allowed to block) and is
// compared with what redis-server answers to redis.pcall.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../src/config/store.js';
import { CLIENT_DENY_BLOCKING, fakeClient, type Client } from '../../src/server/client.js';
import { processCommand } from '../../src/server/dispatch.js';
import { server } from '../../src/server/state.js';
import { RespConn, requireRedis, startRedis, type RunningServer } from '../helpers/server.js';

const calls: string[][] = [
  ['xread', 'BLOCK', '0', 'STREAMS', 's', '$'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '10', 'STREAMS', 's', '>'],
  ['XREAD', 'COUNT', 'x', 'BLOCK', '0', 'STREAMS', 's', '$'],
  ['XREAD', 'BLOCK', 'x', 'STREAMS', 's', '$'],
  ['XREAD', 'STREAMS', 's', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
];

describe.skipIf(!requireRedis())('stream reads from the scripting client', () => {
  let redis: RunningServer;
  let r: RespConn;
  let c: Client;
  beforeAll(async () => {
    redis = await startRedis();
    r = await RespConn.connect(redis.port);
    server.init(new Config());
    c = fakeClient();
    c.flags |= CLIENT_DENY_BLOCKING;
    for (const argv of [['XADD', 's', '1-1', 'a', '1'], ['XGROUP', 'CREATE', 's', 'g', '0']]) {
      await r.call(...argv);
      processCommand(c, argv);
    }
    c.reply.take();
  });
  afterAll(async () => {
    r?.close();
    await redis?.stop();
  });

  it('answers like redis.pcall on redis-server', async () => {
    for (const argv of calls) {
      const lua = `return redis.pcall(${argv.map((a) => `'${a}'`).join(',')})`;
      const theirs = await r.call('EVAL', lua, '0');
      processCommand(c, argv);
      const ours = c.reply.take().toString('latin1');
      expect(`${argv.join(' ')} => ${ours}`).toBe(`${argv.join(' ')} => ${theirs}`);
    }
  });
});
