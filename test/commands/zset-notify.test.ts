// Side effects of sorted-set commands compared with redis-server: keyspace events (in order) and
// the dirty counter, per command. Pub/sub is another group's work, so Shoal runs in-process here:
// real config, real dispatch pipeline, a socket-less client, and a publisher recording what the
// keyspace would publish. Redis is observed from outside (PSUBSCRIBE, INFO persistence).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../src/config/store.js';
import { initNotifications, notifyPublisher } from '../../src/keyspace/notify.js';
import { fakeClient, type Client } from '../../src/server/client.js';
import { processCommand } from '../../src/server/dispatch.js';
import { addPropagationSink, PROPAGATE_ALL } from '../../src/server/propagate.js';
import { server } from '../../src/server/state.js';
import { RespConn, requireRedis, startRedis, type RunningServer } from '../helpers/server.js';

type Script = string[][];

const scripts: Record<string, Script> = {
  'zadd, zincrby, zrem and the key going away': [
    ['ZADD', 'z', '1', 'a', '2', 'b'], ['ZADD', 'z', '1', 'a'], ['ZADD', 'z', 'NX', '5', 'a'], ['ZADD', 'z', 'CH', '3', 'a', '4', 'c'],
    ['ZADD', 'z', 'XX', '9', 'nope'], ['ZADD', 'z', 'INCR', '1', 'a'], ['ZADD', 'z', 'INCR', 'GT', '-1', 'a'], ['ZINCRBY', 'z', '2', 'b'],
    ['ZINCRBY', 'z', '0', 'b'], ['ZREM', 'z', 'x'], ['ZREM', 'z', 'a', 'x'], ['ZREM', 'z', 'b', 'c', 'd'], ['ZADD', 'z', 'INCR', 'inf', 'a'],
    ['ZADD', 'z', 'INCR', '-inf', 'a'], ['ZADD', 'z', 'x', 'a'],
  ],
  'range removals': [
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], ['ZREMRANGEBYRANK', 'z', '10', '20'], ['ZREMRANGEBYRANK', 'z', '0', '0'],
    ['ZREMRANGEBYSCORE', 'z', '(2', '3'], ['ZREMRANGEBYSCORE', 'z', '100', '200'], ['ZADD', 'l', '0', 'a', '0', 'b'],
    ['ZREMRANGEBYLEX', 'l', '[a', '[a'], ['ZREMRANGEBYLEX', 'l', '-', '+'], ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'],
  ],
  'pops': [
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', '0'], ['ZPOPMAX', 'z', '1'],
    ['ZMPOP', '2', 'nokey', 'z', 'MIN', 'COUNT', '5'], ['ZPOPMIN', 'z'], ['ZMPOP', '1', 'z', 'MAX'],
  ],
  'stores': [
    ['ZADD', 'a', '1', 'x', '2', 'y'], ['ZADD', 'b', '3', 'y', '4', 'w'], ['ZUNIONSTORE', 'd', '2', 'a', 'b'], ['ZINTERSTORE', 'd', '2', 'a', 'b'],
    ['ZDIFFSTORE', 'd', '2', 'a', 'b'], ['ZINTERSTORE', 'd', '2', 'a', 'nokey'], ['ZINTERSTORE', 'd', '2', 'a', 'nokey'],
    ['ZRANGESTORE', 'd', 'a', '0', '-1'], ['ZRANGESTORE', 'd', 'a', '5', '6'], ['ZRANGESTORE', 'd', 'nokey', '0', '-1'],
    ['ZUNIONSTORE', 'a', '2', 'a', 'b'], ['ZUNION', '2', 'a', 'b'], ['ZRANGE', 'a', '0', '-1'], ['ZRANDMEMBER', 'a'],
  ],
};

interface Observed {
  events: string[];
  dirty: number[];
}

/** Run a script in-process on Shoal: events as "event key", and the dirty delta of each command. */
function runShoal(c: Client, recorded: string[], script: Script): Observed {
  processCommand(c, ['FLUSHALL']);
  c.reply.take();
  recorded.length = 0;
  const dirty: number[] = [];
  for (const argv of script) {
    const before = server.dirty;
    processCommand(c, argv);
    c.reply.take();
    dirty.push(server.dirty - before);
  }
  return { events: recorded.slice(), dirty };
}

function infoField(info: string, name: string): number {
  const m = new RegExp(`${name}:(\\d+)`).exec(info);
  if (m === null) throw new Error(`no ${name} in INFO`);
  return Number(m[1]);
}

async function runRedis(port: number, script: Script): Promise<Observed> {
  const sub = await RespConn.connect(port);
  const c = await RespConn.connect(port);
  try {
    await c.call('FLUSHALL');
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    const dirty: number[] = [];
    for (const argv of script) {
      const before = infoField(await c.call('INFO', 'persistence'), 'rdb_changes_since_last_save');
      await c.call(...argv);
      dirty.push(infoField(await c.call('INFO', 'persistence'), 'rdb_changes_since_last_save') - before);
    }
    await c.call('PUBLISH', '__keyevent@0__:end', 'end');
    const events: string[] = [];
    for (;;) {
      const [frame] = await sub.read(1);
      const parts = frame.split('\r\n');
      // *4 pmessage pattern channel message
      const channel = parts[6];
      const message = parts[8];
      if (channel === '__keyevent@0__:end') break;
      events.push(`${channel.slice('__keyevent@0__:'.length)} ${message}`);
    }
    return { events, dirty };
  } finally {
    sub.close();
    c.close();
  }
}

describe.skipIf(!requireRedis())('zset keyspace events and dirty counts match redis-server', () => {
  let redis: RunningServer;
  let c: Client;
  const recorded: string[] = [];
  const propagated: string[][] = [];

  beforeAll(async () => {
    redis = await startRedis(['--notify-keyspace-events', 'KEA']);
    const config = new Config();
    expect(config.set('notify-keyspace-events', 'KEA')).toBeNull();
    server.init(config);
    initNotifications();
    notifyPublisher.publish = (channel: string, message: string): number => {
      if (channel.startsWith('__keyevent@')) recorded.push(`${channel.slice(channel.indexOf(':') + 1)} ${message}`);
      return 0;
    };
    addPropagationSink({ target: PROPAGATE_ALL, feed: (_db, argv) => propagated.push(argv.slice()) });
    c = fakeClient();
    server.clients.set(c.id, c);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  for (const [title, script] of Object.entries(scripts)) {
    it(title, async () => {
      const want = await runRedis(redis.port, script);
      const got = runShoal(c, recorded, script);
      expect(want.events.length).toBeGreaterThan(3);
      expect(got.events).toEqual(want.events);
      const label = (o: Observed): string[] => o.dirty.map((d, i) => `${script[i].join(' ')} => ${d}`);
      expect(label(got)).toEqual(label(want));
    });
  }

  it('ZMPOP propagates as the ZPOPMIN/ZPOPMAX it performed; other writes as sent', () => {
    processCommand(c, ['ZADD', 'pz', '1', 'a', '2', 'b', '3', 'c']);
    propagated.length = 0;
    processCommand(c, ['ZMPOP', '1', 'pz', 'MAX', 'COUNT', '2']);
    processCommand(c, ['ZMPOP', '1', 'pz', 'MIN', 'COUNT', '10']);
    processCommand(c, ['ZPOPMIN', 'pz']);
    processCommand(c, ['ZADD', 'pz', 'INCR', '1', 'x']);
    c.reply.take();
    expect(propagated).toEqual([['ZPOPMAX', 'pz', '2'], ['ZPOPMIN', 'pz', '1'], ['ZADD', 'pz', 'INCR', '1', 'x']]);
  });
});
