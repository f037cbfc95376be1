// Keyspace notifications of list, hash and set commands, compared with a real redis-server.
// Shoal runs in this process through its real dispatcher, with the publisher seam that pub/sub
// installs recording each (channel, message); Redis's are received by a PSUBSCRIBEd connection.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, type RunningServer } from '../helpers/server.js';
import { splitFrames } from '../helpers/resp.js';
import { Config } from '../../src/config/store.js';
import { server } from '../../src/server/state.js';
import { fakeClient } from '../../src/server/client.js';
import { processCommand } from '../../src/server/dispatch.js';
import { initNotifications, notifyPublisher } from '../../src/keyspace/notify.js';

const scripts: Record<string, string[][]> = {
  lists: [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd'], ['LPUSH', 'l', 'z'], ['LPUSHX', 'nokey', 'a'], ['RPUSHX', 'l', 'e'], ['LPOP', 'l'],
    ['RPOP', 'l', '2'], ['LPOP', 'l', '0'], ['LSET', 'l', '0', 'A'], ['LSET', 'l', '9', 'x'], ['LINSERT', 'l', 'BEFORE', 'b', 'x'],
    ['LINSERT', 'l', 'AFTER', 'nope', 'x'], ['LREM', 'l', '0', 'x'], ['LREM', 'l', '0', 'nope'], ['LTRIM', 'l', '0', '-1'],
    ['LTRIM', 'l', '1', '1'], ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'], ['RPUSH', 'l', '1', '2'], ['RPOPLPUSH', 'l', 'm'],
    ['LMOVE', 'm', 'm', 'LEFT', 'LEFT'], ['LMPOP', '2', 'nokey', 'l', 'RIGHT', 'COUNT', '5'], ['LMPOP', '1', 'm', 'LEFT'],
    ['RPUSH', 'l', 'x'], ['LTRIM', 'l', '5', '6'], ['RPUSH', 'l', 'x'], ['LREM', 'l', '1', 'x'],
  ],
  hashes: [
    ['HSET', 'h', 'a', '1', 'b', '2'], ['HSET', 'h', 'a', '1'], ['HMSET', 'h', 'c', '3'], ['HSETNX', 'h', 'a', '9'],
    ['HSETNX', 'h', 'd', '4'], ['HINCRBY', 'h', 'a', '5'], ['HINCRBY', 'h', 'b', 'x'], ['HINCRBYFLOAT', 'h', 'c', '0.5'],
    ['HDEL', 'h', 'nope'], ['HDEL', 'h', 'a', 'b'], ['HDEL', 'h', 'c', 'd', 'e'], ['HINCRBYFLOAT', 'n', 'f', '1'],
  ],
  sets: [
    ['SADD', 's', '1', '2', '3'], ['SADD', 's', '1'], ['SREM', 's', '9'], ['SREM', 's', '3'], ['SMOVE', 's', 't', '1'],
    ['SMOVE', 's', 't', '9'], ['SADD', 't', '2'], ['SMOVE', 's', 't', '2'], ['SPOP', 'nokey'], ['SADD', 'one', 'x'],
    ['SPOP', 'one'], ['SADD', 'one', 'x', 'y'], ['SPOP', 'one', '5'], ['SADD', 'u', '5'], ['SINTERSTORE', 'd', 't', 'u'],
    ['SUNIONSTORE', 'd', 't', 'u'], ['SDIFFSTORE', 'd', 't', 'u'], ['SDIFFSTORE', 'd', 't', 't'], ['SINTERSTORE', 'd', 't', 'nokey'],
    ['SUNIONSTORE', 'd', 'nokey'], ['SUNIONSTORE', 'd', 't'], ['SINTERSTORE', 'd', 'nokey'], ['SPOP', 'u', '0'], ['SREM', 'u', '5'],
  ],
};

describe.skipIf(!requireRedis())('keyspace notifications match Redis 7.0', () => {
  let redis: RunningServer;
  let sub: RespConn;
  let cmd: RespConn;
  const shoalEvents: string[] = [];
  beforeAll(async () => {
    redis = await startRedis(['--notify-keyspace-events', 'KEA']);
    sub = await RespConn.connect(redis.port);
    cmd = await RespConn.connect(redis.port);
    await sub.call('PSUBSCRIBE', '__key*__:*');
    const config = new Config();
    server.init(config);
    initNotifications();
    config.set('notify-keyspace-events', 'KEA');
    notifyPublisher.publish = (channel, message) => {
      shoalEvents.push(`${channel} ${message}`);
      return 0;
    };
  });
  afterAll(async () => {
    sub?.close();
    cmd?.close();
    await redis?.stop();
  });

  /** Messages Redis published during the script; a PING round trip flushes what came before it. */
  async function redisEvents(script: string[][]): Promise<string[]> {
    for (const argv of script) await cmd.call(...argv);
    sub.send('PING');
    const out: string[] = [];
    for (;;) {
      const [frame] = await sub.read(1);
      const items = splitFrames(frame.slice(frame.indexOf('\r\n') + 2))[0].map((f) => f.slice(f.indexOf('\r\n') + 2, -2));
      if (items[0] === 'pong') return out;
      out.push(`${items[2]} ${items[3]}`);
    }
  }

  for (const [title, script] of Object.entries(scripts)) {
    it(title, async () => {
      await cmd.call('FLUSHALL');
      await redisEvents([]);
      const c = fakeClient();
      shoalEvents.length = 0;
      for (const db of server.dbs) db.flush();
      for (const argv of script) processCommand(c, argv);
      expect(shoalEvents).toEqual(await redisEvents(script));
      expect(shoalEvents.length).toBeGreaterThan(15);
    });
  }
});
