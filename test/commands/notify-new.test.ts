// The `new` keyspace event (class n, not part of A): fired when a key is created, as Redis 7.0's
// dbAdd fires it, before the command's own event. Run against Shoal and, when installed,
// redis-server, with the same expected event stream.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRedisServer, RespConn, startRedis, startShoal, type RunningServer } from '../helpers/server.js';

const ARGS = ['--notify-keyspace-events', 'KEAn'];
const targets: [string, () => Promise<RunningServer>][] = [['shoal', () => startShoal(ARGS)]];
if (haveRedisServer()) targets.push(['redis-server', () => startRedis(ARGS)]);

/** "event key" for each keyevent message up to the `end` sentinel. */
async function eventsUntilEnd(sub: RespConn): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const parts = (await sub.read())[0].split('\r\n');
    const event = parts[6].slice(parts[6].indexOf(':') + 1);
    if (event === 'end') return out;
    out.push(`${event} ${parts[8]}`);
  }
}

for (const [name, start] of targets) {
  describe(`new key events (${name})`, () => {
    let srv: RunningServer;
    let c: RespConn;
    let sub: RespConn;
    beforeAll(async () => {
      srv = await start();
      c = await RespConn.connect(srv.port);
      sub = await RespConn.connect(srv.port);
      await sub.call('PSUBSCRIBE', '__keyevent@*__:*');
    });
    afterAll(async () => {
      c.close();
      sub.close();
      await srv.stop();
    });

    async function run(...cmds: string[][]): Promise<string[]> {
      for (const cmd of cmds) await c.call(...cmd);
      await c.call('PUBLISH', '__keyevent@0__:end', 'end');
      return eventsUntilEnd(sub);
    }

    it('fires when a key is created, not when it is updated', async () => {
      await c.call('FLUSHALL');
      expect(await run(
        ['SET', 's', '1'], ['SET', 's', '2'], ['INCR', 'n'], ['APPEND', 'a', 'x'], ['SETNX', 's', '3'],
        ['LPUSH', 'l', 'x'], ['RPUSH', 'l', 'y'], ['HSET', 'h', 'f', 'v'], ['SADD', 'st', 'm'], ['ZADD', 'z', '1', 'm'],
        ['MSET', 'm1', '1', 's', '5'], ['PFADD', 'hll', 'x'], ['SETBIT', 'b', '1', '1'],
      )).toEqual([
        'new s', 'set s', 'set s', 'new n', 'incrby n', 'new a', 'append a', 'new l', 'lpush l', 'rpush l',
        'new h', 'hset h', 'new st', 'sadd st', 'new z', 'zadd z', 'new m1', 'set m1', 'set s', 'new hll', 'pfadd hll',
        'new b', 'setbit b',
      ]);
    });

    it('fires for RENAME and COPY destinations, even replaced ones, and for stores', async () => {
      await c.call('FLUSHALL');
      expect(await run(
        ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['RENAME', 'a', 'x'], ['RENAME', 'x', 'b'], ['COPY', 'b', 'c', 'REPLACE'], ['COPY', 'b', 'd'],
        ['SADD', 's1', 'a', 'b'], ['SINTERSTORE', 'dst', 's1', 's1'], ['SINTERSTORE', 'dst', 's1', 's1'],
        ['RPUSH', 'src', 'v'], ['LMOVE', 'src', 'dst2', 'LEFT', 'LEFT'],
      )).toEqual([
        'new a', 'set a', 'new b', 'set b', 'new c', 'set c', 'new x', 'rename_from a', 'rename_to x', 'new b', 'rename_from x', 'rename_to b', 'new c', 'copy_to c',
        'new d', 'copy_to d', 'new s1', 'sadd s1', 'new dst', 'sinterstore dst', 'sinterstore dst',
        'new src', 'rpush src', 'new dst2', 'lpush dst2', 'lpop src', 'del src',
      ]);
    });

    it('RENAME onto a key that expired meanwhile: expired, then new', async () => {
      await c.call('FLUSHALL');
      await c.call('SET', 'e', '1', 'PX', '5');
      await c.call('SET', 'src', 'v');
      await new Promise((r) => setTimeout(r, 30));
      expect(await run(['RENAME', 'src', 'e'], ['GET', 'e'])).toEqual([
        'new e', 'set e', 'expire e', 'new src', 'set src', 'expired e', 'new e', 'rename_from src', 'rename_to e',
      ]);
    });
  });
}
