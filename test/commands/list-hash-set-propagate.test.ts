// What list, hash and set writes send to replicas and the AOF, compared with the AOF a real
// redis-server writes for the same commands. Shoal runs in this process through its real
// dispatcher with a recording propagation sink. Redis wraps several propagated commands of one
// call in MULTI/EXEC; that wrapping belongs to the replication layer, so it is left out here.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, type RunningServer } from '../helpers/server.js';
import { Config } from '../../src/config/store.js';
import { server } from '../../src/server/state.js';
import { fakeClient } from '../../src/server/client.js';
import { processCommand } from '../../src/server/dispatch.js';
import { addPropagationSink, PROPAGATE_ALL } from '../../src/server/propagate.js';

const scripts: Record<string, string[][]> = {
  lists: [
    ['RPUSH', 'l', 'a', 'b', 'c'], ['LPUSHX', 'nokey', 'a'], ['LPOP', 'l'], ['RPOP', 'l', '0'], ['RPOP', 'nokey'],
    ['LMPOP', '2', 'nokey', 'l', 'RIGHT', 'COUNT', '5'], ['LMPOP', '1', 'nokey', 'LEFT'], ['RPUSH', 'l', 'x', 'y'],
    ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'], ['RPOPLPUSH', 'l', 'm'], ['RPOPLPUSH', 'l', 'm'], ['LINSERT', 'm', 'BEFORE', 'x', 'w'],
    ['LINSERT', 'm', 'BEFORE', 'nope', 'w'], ['LSET', 'm', '0', 'W'], ['LREM', 'm', '0', 'nope'], ['LREM', 'm', '0', 'W'],
    ['LTRIM', 'nokey', '0', '1'], ['LTRIM', 'm', '0', '0'],
  ],
  hashes: [
    ['HSET', 'h', 'a', '1'], ['HSETNX', 'h', 'a', '2'], ['HSETNX', 'h', 'b', '2'], ['HINCRBY', 'h', 'a', '3'],
    ['HINCRBYFLOAT', 'h', 'f', '0.1'], ['HINCRBYFLOAT', 'h', 'f', '0.2'], ['HINCRBYFLOAT', 'h', 'f', 'x'], ['HDEL', 'h', 'zz'],
    ['HDEL', 'h', 'a', 'b', 'f'], ['HMSET', 'h', 'k', 'v'],
  ],
  sets: [
    ['SADD', 's', '1', '2'], ['SADD', 's', '1'], ['SREM', 's', '9'], ['SADD', 'one', 'x'], ['SPOP', 'one'], ['SPOP', 'one'],
    ['SADD', 'two', 'x', 'y'], ['SPOP', 'two', '0'], ['SPOP', 'two', '2'], ['SMOVE', 's', 't', '1'], ['SMOVE', 's', 't', '9'],
    ['SINTERSTORE', 'd', 's', 't'], ['SUNIONSTORE', 'd', 's', 't'], ['SDIFFSTORE', 'd', 's', 's'], ['SDIFFSTORE', 'd', 's', 's'],
    ['SINTERCARD', '1', 's'], ['SREM', 's', '2'],
  ],
};

/** Split a RESP command stream (the AOF) into argv arrays. */
function parseCommands(text: string): string[][] {
  const out: string[][] = [];
  let p = 0;
  while (p < text.length) {
    let nl = text.indexOf('\r\n', p);
    const n = Number(text.slice(p + 1, nl));
    p = nl + 2;
    const argv: string[] = [];
    for (let i = 0; i < n; i++) {
      nl = text.indexOf('\r\n', p);
      const len = Number(text.slice(p + 1, nl));
      argv.push(text.slice(nl + 2, nl + 2 + len));
      p = nl + 2 + len + 2;
    }
    out.push(argv);
  }
  return out;
}

describe.skipIf(!requireRedis())('propagated forms match Redis 7.0', () => {
  let redis: RunningServer;
  let cmd: RespConn;
  const shoalOut: string[][] = [];
  beforeAll(async () => {
    redis = await startRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
    cmd = await RespConn.connect(redis.port);
    server.init(new Config());
    addPropagationSink({ target: PROPAGATE_ALL, feed: (_db, argv) => void shoalOut.push([...argv]) });
  });
  afterAll(async () => {
    cmd?.close();
    await redis?.stop();
  });

  function aofCommands(): string[][] {
    const dir = path.join(redis.dir, 'appendonlydir');
    const incr = fs.readdirSync(dir).filter((f) => f.endsWith('.incr.aof')).sort();
    return incr.flatMap((f) => parseCommands(fs.readFileSync(path.join(dir, f), 'latin1')));
  }

  for (const [title, script] of Object.entries(scripts)) {
    it(title, async () => {
      const before = aofCommands().length;
      for (const argv of script) await cmd.call(...argv);
      await cmd.call('FLUSHALL');
      const want = aofCommands().slice(before)
        .filter((a) => !['select', 'multi', 'exec', 'flushall'].includes(a[0].toLowerCase()));
      const c = fakeClient();
      shoalOut.length = 0;
      for (const argv of script) processCommand(c, argv);
      for (const db of server.dbs) db.flush();
      expect(shoalOut.map((a) => a.join(' '))).toEqual(want.map((a) => a.join(' ')));
      expect(want.length).toBeGreaterThan(5);
    });
  }
});
