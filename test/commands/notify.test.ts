// Keyspace notifications: the messages a subscriber sees for string commands, DEL and expiry,
// compared with a real redis-server started with the same notify-keyspace-events flags.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { canonicalNotifyFlags } from '../../src/config/store.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run writes on one connection and return everything a pattern subscriber on another saw. */
async function observe(port: number, writes: string[][]): Promise<string[]> {
  const sub = await RespConn.connect(port);
  const w = await RespConn.connect(port);
  await w.call('FLUSHALL');
  await sub.call('PSUBSCRIBE', '__key*@*__:*');
  for (const cmd of writes) {
    if (cmd[0] === 'sleep') await sleep(Number(cmd[1]));
    else await w.call(...cmd);
  }
  // A marker publish: everything before it has been delivered once it arrives.
  await w.call('PUBLISH', '__keyspace@0__:end', 'end');
  const seen: string[] = [];
  for (;;) {
    const [f] = await sub.read(1);
    if (f.endsWith('$3\r\nend\r\n')) break;
    seen.push(f);
  }
  sub.close();
  w.close();
  return seen;
}

const msg = (ch: string, m: string) =>
  `*4\r\n$8\r\npmessage\r\n$12\r\n__key*@*__:*\r\n$${ch.length}\r\n${ch}\r\n$${m.length}\r\n${m}\r\n`;
const both = (key: string, event: string) => [msg(`__keyspace@0__:${key}`, event), msg(`__keyevent@0__:${event}`, key)];

const WRITES = [
  ['SET', 'k', 'v'], ['SET', 'k', 'v', 'EX', '100'], ['GET', 'k'], ['SET', 'k', 'v', 'NX'], ['DEL', 'k', 'missing'],
  ['INCR', 'n'], ['DECRBY', 'n', '3'], ['INCR', 'notanumber?'], ['MSET', 'a', '1', 'b', '2'], ['EXISTS', 'a'],
  ['SET', 'e', 'v', 'PX', '60'], ['sleep', '150'], ['GET', 'e'],
];

describe('keyspace notifications', () => {
  const enabled = requireRedis();
  const configs: Record<string, string[]> = {
    KEA: [
      ...both('k', 'set'), ...both('k', 'set'), ...both('k', 'expire'), ...both('k', 'del'),
      ...both('n', 'incrby'), ...both('n', 'incrby'), ...both('notanumber?', 'incrby'),
      ...both('a', 'set'), ...both('b', 'set'), ...both('e', 'set'), ...both('e', 'expire'), ...both('e', 'expired'),
    ],
    'K$': [
      msg('__keyspace@0__:k', 'set'), msg('__keyspace@0__:k', 'set'), msg('__keyspace@0__:n', 'incrby'),
      msg('__keyspace@0__:n', 'incrby'), msg('__keyspace@0__:notanumber?', 'incrby'), msg('__keyspace@0__:a', 'set'),
      msg('__keyspace@0__:b', 'set'), msg('__keyspace@0__:e', 'set'),
    ],
    Egx: [
      msg('__keyevent@0__:expire', 'k'), msg('__keyevent@0__:del', 'k'), msg('__keyevent@0__:expire', 'e'),
      msg('__keyevent@0__:expired', 'e'),
    ],
    // Classes without K or E publish nothing.
    A: [],
  };
  for (const [flags, expected] of Object.entries(configs)) {
    describe(`notify-keyspace-events ${flags}`, () => {
      let shoal: RunningServer;
      let redis: RunningServer | undefined;
      beforeAll(async () => {
        const args = ['--notify-keyspace-events', flags];
        [shoal, redis] = await Promise.all([startShoal(args), enabled ? startRedis(args) : Promise.resolve(undefined)]);
      });
      afterAll(async () => {
        await Promise.all([shoal?.stop(), redis?.stop()]);
      });
      it('publishes the events Redis publishes', async () => {
        const got = await observe(shoal.port, WRITES);
        expect(got).toEqual(expected);
        if (redis) expect(got).toEqual(await observe(redis.port, WRITES));
      });
    });
  }
});

// A RESP3 client may subscribe to its own keys' events: each push precedes the command's reply.
differential('keyspace notifications on the writing connection', {
  'own events': [
    ['SUBSCRIBE', '__keyspace@0__:k'], ['SET', 'k', '1'], ['INCR', 'k'], ['DEL', 'k'], ['PING'], ['PING'], ['PING'], ['PING'],
  ],

}, { serverArgs: ['--notify-keyspace-events', 'KEA'] });

describe('CONFIG SET maxmemory evicts on its own', () => {
  const enabled = requireRedis();
  it('a subscriber gets the evicted event with no further command sent, as from Redis', async () => {
    const servers = [await startShoal(['--notify-keyspace-events', 'Ee'])];
    if (enabled) servers.push(await startRedis(['--notify-keyspace-events', 'Ee']));
    try {
      for (const srv of servers) {
        const sub = await RespConn.connect(srv.port);
        const w = await RespConn.connect(srv.port);
        await sub.call('SUBSCRIBE', '__keyevent@0__:evicted');
        await w.call('SET', 'foo', 'bar');
        await w.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
        expect(await w.call('CONFIG', 'SET', 'maxmemory', '1')).toBe('+OK\r\n');
        expect(await sub.read(1, 2000)).toEqual(['*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$3\r\nfoo\r\n']);
        await w.call('CONFIG', 'SET', 'maxmemory', '0');
        sub.close();
        w.close();
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
});

describe('notify-keyspace-events value as CONFIG GET shows it', () => {
  const enabled = requireRedis();
  let redis: RunningServer | undefined;
  beforeAll(async () => {
    if (enabled) redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  it.runIf(enabled)('is canonicalised like Redis 7.0', async () => {
    const c = await RespConn.connect(redis!.port);
    for (const v of ['', 'KEA', 'EKmnx', 'g$lshzxetdKEmn', 'AKn', 'Ex', 'xg', 'KEg$lshzxetd', 'mK', 'nE', 'd$']) {
      await c.call('CONFIG', 'SET', 'notify-keyspace-events', v);
      const r = await c.call('CONFIG', 'GET', 'notify-keyspace-events');
      const want = /\$\d+\r\n(.*)\r\n$/.exec(r)![1];
      expect(`${v} -> ${canonicalNotifyFlags(v)}`).toBe(`${v} -> ${want}`);
    }
    expect(canonicalNotifyFlags('KEQ')).toBeNull();
    expect(await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEQ')).toContain("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    c.close();
  });
});
