// Differences from redis-server found by running Redis's own Tcl suite against Shoal; each script
// names the Tcl test it came from.

import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

differential('Tcl suite regressions', {
  // unit/type/zset: "ZUNIONSTORE with a regular set and weights"
  'ZUNIONSTORE/ZINTER/ZDIFF with plain sets as sources': [
    ['SADD', 'seta{t}', 'a', 'b', 'c'],
    ['SADD', 'setn{t}', '1', '2', '3'],
    ['ZADD', 'zsetb{t}', '1', 'b', '2', 'c', '3', 'd'],
    ['ZUNIONSTORE', 'zsetc{t}', '2', 'seta{t}', 'zsetb{t}', 'WEIGHTS', '2', '3'],
    ['ZRANGE', 'zsetc{t}', '0', '-1', 'WITHSCORES'],
    ['ZINTER', '2', 'seta{t}', 'zsetb{t}', 'WITHSCORES'],
    ['ZINTER', '2', 'zsetb{t}', 'seta{t}', 'AGGREGATE', 'MAX', 'WITHSCORES'],
    ['ZINTERCARD', '2', 'seta{t}', 'setn{t}'],
    ['ZDIFF', '2', 'seta{t}', 'zsetb{t}', 'WITHSCORES'],
    ['ZDIFF', '2', 'setn{t}', 'seta{t}', 'WITHSCORES'],
    ['ZUNION', '3', 'setn{t}', 'seta{t}', 'zsetb{t}', 'WITHSCORES'],
  ],
});

/** Send all commands at once, then read exactly `frames` replies: suppressed replies leave no trace. */
async function pipelined(port: number, resp: 2 | 3, cmds: string[][], frames: number): Promise<string[]> {
  const c = await RespConn.connect(port);
  try {
    if (resp === 3) await c.call('HELLO', '3');
    for (const cmd of cmds) c.send(...cmd);
    const out = await c.read(frames);
    expect(c.partial).toBe('');
    return out;
  } finally {
    c.close();
  }
}

/** unit/pubsub "PubSub messages with CLIENT REPLY OFF": subscriber output goes out anyway. */
async function pubsubReplyOff(port: number, resp: 2 | 3): Promise<string[]> {
  const sub = await RespConn.connect(port);
  const pub = await RespConn.connect(port);
  try {
    if (resp === 3) await sub.call('HELLO', '3');
    sub.send('CLIENT', 'REPLY', 'OFF');
    sub.send('SUBSCRIBE', 'channel');
    sub.send('PSUBSCRIBE', 'ch*');
    const out = await sub.read(2);
    out.push(await pub.call('PUBLISH', 'channel', 'hello'));
    out.push(...(await sub.read(2)));
    sub.send('UNSUBSCRIBE', 'channel');
    sub.send('PUNSUBSCRIBE', 'ch*');
    sub.send('CLIENT', 'REPLY', 'ON');
    sub.send('ECHO', 'end');
    out.push(...(await sub.read(4)));
    expect(sub.partial).toBe('');
    return out;
  } finally {
    sub.close();
    pub.close();
  }
}

/**
 * unit/protocol "Protocol desync regression test": after a protocol error the server closes the
 * connection outright, so a client that keeps writing (half-open, as Tcl's socket is) gets an error.
 */
function desync(port: number, first: string): Promise<{ data: string; writeFailed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let data = '';
    let writeFailed = false;
    let timer: NodeJS.Timeout | undefined;
    const deadline = Date.now() + 3000;
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve({ data, writeFailed });
    };
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
    });
    s.on('error', () => {
      writeFailed = true;
      done();
    });
    const pump = () => {
      if (Date.now() > deadline) return done();
      for (let i = 0; i < 100; i++) s.write('payload');
      timer = setTimeout(pump, 1);
    };
    s.on('connect', () => {
      s.write(first);
      pump();
    });
  });
}

describe.skipIf(!requireRedis())('Tcl suite regressions: suppressed replies against redis-server', () => {
  const { shoal, redis } = serverPair();

  for (const resp of [2, 3] as const) {
    it(`CLIENT REPLY SKIP/OFF drop aggregate replies whole (RESP${resp})`, async () => {
      const cmds = [
        ['DEL', 'l'], ['RPUSH', 'l', 'a', 'b'], ['CLIENT', 'REPLY', 'SKIP'], ['LRANGE', 'l', '0', '-1'],
        ['CLIENT', 'REPLY', 'OFF'], ['HGETALL', 'nokey'], ['SMEMBERS', 'nokey'], ['CLIENT', 'REPLY', 'ON'], ['LRANGE', 'l', '0', '-1'],
      ];
      const [got, want] = await Promise.all([pipelined(shoal.port, resp, cmds, 4), pipelined(redis.port, resp, cmds, 4)]);
      expect(got).toEqual(want);
    });

    it(`pub/sub messages ignore CLIENT REPLY OFF (RESP${resp})`, async () => {
      const [got, want] = await Promise.all([pubsubReplyOff(shoal.port, resp), pubsubReplyOff(redis.port, resp)]);
      expect(got).toEqual(want);
    });
  }

  for (const [i, first] of ['\x00', '*\x00', '$\x00'].entries()) {
    it(`a protocol error closes the connection for good (desync #${i + 1})`, async () => {
      const [got, want] = await Promise.all([desync(shoal.port, first), desync(redis.port, first)]);
      expect(want.writeFailed).toBe(true);
      expect(got.writeFailed).toBe(true);
      // The reset may overtake the error reply on either server; when both arrive they must match.
      if (got.data !== '' && want.data !== '') expect(got.data).toBe(want.data);
      expect(got.data).toMatch(/^(-ERR Protocol error: [^\r]*\r\n)?$/);
    });
  }
});
