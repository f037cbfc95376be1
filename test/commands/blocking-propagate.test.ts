// What blocking commands replicate, served at once or after waiting: the non-blocking form Redis
// 7.0 propagates (BLPOP -> LPOP, BLMOVE -> LMOVE, BZMPOP -> ZPOPMAX key count ...), checked against
// what redis-server 7.0.15 writes to its AOF for the same commands. The server runs in this process
// (replication is not on this branch), recording through the propagation sink, with real sockets.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../dist/config/store.js';
import { server } from '../../dist/server/state.js';
import { initNotifications } from '../../dist/keyspace/notify.js';
import { initBlocking } from '../../dist/server/blocking.js';
import { addPropagationSink, PROPAGATE_ALL } from '../../dist/server/propagate.js';
import { closeListeners, listen } from '../../dist/server/listener.js';
import { freePort, RespConn } from '../helpers/server.js';

let propagated: string[] = [];
let ctl: RespConn;
const conns: RespConn[] = [];

async function conn(): Promise<RespConn> {
  const c = await RespConn.connect(server.port as number);
  conns.push(c);
  return c;
}

/** Written commands since the last call, as space-joined argv. */
function take(): string[] {
  return propagated.splice(0, propagated.length);
}

async function blocked(n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const list = await ctl.call('CLIENT', 'LIST');
    if ((list.match(/ flags=\w*b/g) ?? []).length === n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never ${n} blocked clients`);
}

beforeAll(async () => {
  const config = new Config();
  config.set('port', String(await freePort()));
  config.set('bind', '127.0.0.1');
  server.init(config);
  initNotifications();
  initBlocking();
  addPropagationSink({ target: PROPAGATE_ALL, feed: (_db: number, argv: string[]) => propagated.push(argv.join(' ')) });
  await listen();
  ctl = await RespConn.connect(server.port as number);
});

afterAll(() => {
  for (const c of conns) c.close();
  ctl.close();
  closeListeners();
});

describe('propagation of blocking commands', () => {
  it('served at once: the non-blocking form', async () => {
    await ctl.call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    await ctl.call('BLPOP', 'l', '0');
    await ctl.call('BRPOP', 'l', '0');
    await ctl.call('BLMPOP', '0', '1', 'l', 'left', 'COUNT', '2');
    await ctl.call('RPUSH', 'l', 'x', 'y');
    await ctl.call('BLMOVE', 'l', 'd2', 'left', 'RIGHT', '0');
    await ctl.call('BRPOPLPUSH', 'l', 'd3', '0');
    await ctl.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    await ctl.call('BZPOPMIN', 'z', '0');
    await ctl.call('BZPOPMAX', 'z', '0');
    await ctl.call('BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5');
    await ctl.call('BLPOP', 'l', 'd3', '0.01');
    expect(take()).toEqual([
      'RPUSH l a b c d e', 'LPOP l', 'RPOP l', 'LPOP l 2', 'RPUSH l x y', 'LMOVE l d2 left RIGHT', 'RPOPLPUSH l d3',
      'ZADD z 1 a 2 b 3 c 4 d', 'ZPOPMIN z', 'ZPOPMAX z', 'ZPOPMIN z 2', 'LPOP l',
    ]);
  });

  it('served after waiting: the push, then the non-blocking form', async () => {
    take();
    const waiters: RespConn[] = [];
    const forms = [
      ['BLPOP', 'q1', '0'], ['BRPOP', 'q2', '0'], ['BLMPOP', '0', '2', 'q0', 'q3', 'RIGHT', 'COUNT', '3'],
      ['BLMOVE', 'q4', 'd4', 'left', 'left', '0'], ['BRPOPLPUSH', 'q5', 'd5', '0'], ['BZPOPMIN', 'z1', '0'],
      ['BZPOPMAX', 'z2', '0'], ['BZMPOP', '0', '1', 'z3', 'MAX', 'COUNT', '2'],
    ];
    for (const f of forms) {
      const c = await conn();
      c.send(...f);
      waiters.push(c);
      await blocked(waiters.length);
    }
    for (const push of [['RPUSH', 'q1', 'a'], ['RPUSH', 'q2', 'a'], ['RPUSH', 'q3', 'a', 'b'], ['RPUSH', 'q4', 'a'],
      ['RPUSH', 'q5', 'a'], ['ZADD', 'z1', '1', 'a'], ['ZADD', 'z2', '1', 'a'], ['ZADD', 'z3', '1', 'a', '2', 'b', '3', 'c']]) {
      await ctl.call(...push);
    }
    for (const c of waiters) await c.read();
    expect(take()).toEqual([
      'RPUSH q1 a', 'LPOP q1', 'RPUSH q2 a', 'RPOP q2', 'RPUSH q3 a b', 'RPOP q3 2', 'RPUSH q4 a', 'LMOVE q4 d4 left left',
      'RPUSH q5 a', 'RPOPLPUSH q5 d5', 'ZADD z1 1 a', 'ZPOPMIN z1', 'ZADD z2 1 a', 'ZPOPMAX z2',
      'ZADD z3 1 a 2 b 3 c', 'ZPOPMAX z3 2',
    ]);
  });

  it('a push in EXEC and the pop it serves leave as the transaction, then the pop', async () => {
    take();
    const w = await conn();
    w.send('BLPOP', 'm', '0');
    await blocked(1);
    await ctl.call('MULTI');
    await ctl.call('RPUSH', 'm', 'a');
    await ctl.call('RPUSH', 'm', 'b');
    await ctl.call('EXEC');
    await w.read();
    expect(take()).toEqual(['MULTI', 'RPUSH m a', 'RPUSH m b', 'EXEC', 'LPOP m']);
  });
});
