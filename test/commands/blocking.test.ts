// Blocking list and sorted-set commands. Deterministic cases (errors, data already there, MULTI,
// short timeouts) compare byte for byte with redis-server; multi-client wake-ups run the same
// scenario against Shoal and, when installed, redis-server, with the same expectations.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { haveRedisServer, RespConn, startRedis, startShoal, type RunningServer } from '../helpers/server.js';

differential('blocking commands', {
  'timeout errors': [
    ['BLPOP', 'k', 'abc'], ['BLPOP', 'k', '-1'], ['BLPOP', 'k', 'nan'], ['BLPOP', 'k', '1e20'], ['BLPOP', 'k', 'inf'],
    ['BLPOP', 'k', '-inf'], ['BRPOP', 'k', ' 1'], ['BRPOP', 'k', '-0.5'], ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', 'x'],
    ['BRPOPLPUSH', 'a', 'b', '-2'], ['BZPOPMIN', 'z', 'abc'], ['BZPOPMAX', 'z', '-1'], ['BZMPOP', 'x', '1', 'z', 'MIN'],
    ['BLMPOP', '-1', '1', 'l', 'LEFT'],
  ],
  'argument errors': [
    ['BLMPOP', '0', '0', 'l', 'LEFT'], ['BLMPOP', '0', 'x', 'l', 'LEFT'], ['BLMPOP', '0', '1', 'l', 'UP'],
    ['BLMPOP', '0', '2', 'l', 'LEFT'], ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '0'], ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT'],
    ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '1'], ['BLMOVE', 'a', 'b', 'UP', 'LEFT', '0'],
    ['BLMOVE', 'a', 'b', 'LEFT', 'DOWN', '0'], ['BZMPOP', '0', '0', 'z', 'MIN'], ['BZMPOP', '0', '1', 'z', 'MID'],
    ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '-1'], ['BZMPOP', '0', '3', 'z', 'MIN'], ['BLPOP', 'k'], ['BZMPOP', '0', '1', 'z'],
    ['BRPOPLPUSH', 'a', 'b'], ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT'],
  ],
  'wrong types': [
    ['SET', 's', 'x'], ['RPUSH', 'l', 'a'], ['ZADD', 'z', '1', 'a'],
    ['BLPOP', 'missing', 's', 'l', '0'], ['BRPOP', 's', '0'], ['BLMPOP', '0', '2', 's', 'l', 'LEFT'],
    ['BLMOVE', 's', 'l', 'LEFT', 'LEFT', '0'], ['BLMOVE', 'l', 's', 'LEFT', 'LEFT', '0'], ['LLEN', 'l'],
    ['BRPOPLPUSH', 'l', 'z', '0'], ['BZPOPMIN', 's', 'z', '0'], ['BZPOPMAX', 'l', '0'], ['BZMPOP', '0', '2', 'l', 'z', 'MIN'],
    ['BLPOP', 's', 'l', 'abc'],
  ],
  'served at once when data is there': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['BLPOP', 'missing', 'l', '0'], ['BRPOP', 'l', 'missing', '0'],
    ['BLMPOP', '0', '2', 'missing', 'l', 'RIGHT', 'COUNT', '2'], ['BLMPOP', '0', '1', 'l', 'left'],
    ['RPUSH', 'l', 'x', 'y'], ['BLMOVE', 'l', 'd', 'left', 'right', '0'], ['BRPOPLPUSH', 'l', 'd', '0'],
    ['EXISTS', 'l'], ['LRANGE', 'd', '0', '-1'], ['BLMOVE', 'd', 'd', 'LEFT', 'RIGHT', '0'], ['LRANGE', 'd', '0', '-1'],
    ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c', '4', 'd'], ['BZPOPMIN', 'missing', 'z', '0'], ['BZPOPMAX', 'z', '0'],
    ['BZMPOP', '0', '2', 'missing', 'z', 'MAX', 'COUNT', '10'], ['EXISTS', 'z'],
    ['ZADD', 'z', '5', 'e'], ['BZMPOP', '0', '1', 'z', 'min'], ['BLPOP', 'l', '0.0001'],
  ],
  // Inside MULTI a valid timeout answers null at once, so these show how each timeout is read
  // (Redis uses a long double: -0.001 rounds up to 0 ms = forever, 1e-400 is not out of range).
  'timeouts read as a long double': [
    ['MULTI'], ['BLPOP', 'q', '-0.001'], ['BLPOP', 'q', '-0.0011'], ['BLPOP', 'q', '-0.0001'], ['BLPOP', 'q', '1e-400'],
    ['BLPOP', 'q', '1e-5000'], ['BLPOP', 'q', '9.2e15'], ['BLPOP', 'q', '9.3e15'], ['BLPOP', 'q', '0x10'], ['BLPOP', 'q', '-0'],
    ['BLPOP', 'q', '+1.5'], ['BLPOP', 'q', '.5e-3'], ['BLPOP', 'q', '1 '], ['BLPOP', 'q', '-inf'], ['BLPOP', 'q', 'infinity'],
    ['BLPOP', 'q', '-9223372036854775.807'], ['BLPOP', 'q', '9223372036854775.807'], ['BLPOP', 'q', '9223372036854775.808'],
    ['BLPOP', 'q', '-0.0015'], ['BLPOP', 'q', '1e308'], ['BLPOP', 'q', '0x1p-20'], ['EXEC'],
  ],
  'inside MULTI nothing blocks': [
    ['MULTI'], ['BLPOP', 'm', '0'], ['BRPOP', 'm', '0'], ['BLMOVE', 'm', 'd', 'LEFT', 'LEFT', '0'], ['BRPOPLPUSH', 'm', 'd', '0'],
    ['BLMPOP', '0', '1', 'm', 'LEFT'], ['BZPOPMIN', 'm', '0'], ['BZPOPMAX', 'm', '0'], ['BZMPOP', '0', '1', 'm', 'MIN'],
    ['RPUSH', 'm', 'a'], ['BLPOP', 'm', '0'], ['EXEC'],
  ],
  'short timeouts': [
    ['BLPOP', 'q', '0.01'], ['BRPOP', 'q', 'r', '0.02'], ['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0.01'],
    ['BRPOPLPUSH', 'q', 'd', '0.01'], ['BLMPOP', '0.01', '1', 'q', 'LEFT'], ['BZPOPMIN', 'q', '0.01'],
    ['BZMPOP', '0.01', '1', 'q', 'MAX', 'COUNT', '2'], ['SET', 's', 'x'], ['BLPOP', 'q', '0.0001'], ['EXISTS', 'd'],
  ],
});

/** Replies are compared as text; these are the frames the scenarios expect. */
const NIL_ARRAY = '*-1\r\n';
const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const arr = (...items: string[]): string => `*${items.length}\r\n${items.join('')}`;
const int = (n: number): string => `:${n}\r\n`;

const EVENTS = ['--notify-keyspace-events', 'KEA'];
const targets: [string, () => Promise<RunningServer>][] = [['shoal', () => startShoal(EVENTS)]];
if (haveRedisServer()) targets.push(['redis-server', () => startRedis(EVENTS)]);

for (const [name, start] of targets) {
  describe(`blocking between clients (${name})`, () => {
    let srv: RunningServer;
    let ctl: RespConn;
    const open: RespConn[] = [];

    async function conn(): Promise<RespConn> {
      const c = await RespConn.connect(srv.port);
      open.push(c);
      return c;
    }

    /** Wait until `n` clients show the blocked flag in CLIENT LIST. */
    async function blocked(n: number): Promise<void> {
      const deadline = Date.now() + 5000;
      for (;;) {
        const list = await ctl.call('CLIENT', 'LIST');
        const count = (list.match(/ flags=\w*b/g) ?? []).length;
        if (count === n) return;
        if (Date.now() > deadline) throw new Error(`expected ${n} blocked clients, CLIENT LIST:\n${list}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    /** Send a command from a new connection and wait until it is blocked (n blocked in all). */
    async function blockOn(n: number, ...argv: string[]): Promise<RespConn> {
      const c = await conn();
      c.send(...argv);
      await blocked(n);
      return c;
    }

    async function clientId(c: RespConn): Promise<string> {
      return (await c.call('CLIENT', 'ID')).slice(1, -2);
    }

    beforeAll(async () => {
      srv = await start();
      ctl = await RespConn.connect(srv.port);
    });
    afterAll(async () => {
      for (const c of open) c.close();
      ctl.close();
      await srv.stop();
    });

    it('serves three waiters first come first served, one element each', async () => {
      await ctl.call('FLUSHALL');
      const a = await blockOn(1, 'BLPOP', 'q', '0');
      const b = await blockOn(2, 'BRPOP', 'other', 'q', '0');
      const c = await blockOn(3, 'BLPOP', 'q', '0');
      expect(await ctl.call('RPUSH', 'q', '1')).toBe(int(1));
      expect(await a.read()).toEqual([arr(bulk('q'), bulk('1'))]);
      await blocked(2);
      expect(await ctl.call('RPUSH', 'q', '2', '3', '4')).toBe(int(3));
      expect(await b.read()).toEqual([arr(bulk('q'), bulk('4'))]);
      expect(await c.read()).toEqual([arr(bulk('q'), bulk('2'))]);
      expect(await ctl.call('LRANGE', 'q', '0', '-1')).toBe(arr(bulk('3')));
      await blocked(0);
    });

    it('a push inside MULTI/EXEC serves the waiter after EXEC', async () => {
      await ctl.call('FLUSHALL');
      const a = await blockOn(1, 'BLPOP', 'q', '0');
      await ctl.call('MULTI');
      await ctl.call('LPUSH', 'q', 'a');
      await ctl.call('LPUSH', 'q', 'b');
      await ctl.call('LLEN', 'q');
      expect(await ctl.call('EXEC')).toBe(arr(int(1), int(2), int(2)));
      expect(await a.read()).toEqual([arr(bulk('q'), bulk('b'))]);
      expect(await ctl.call('LRANGE', 'q', '0', '-1')).toBe(arr(bulk('a')));
    });

    it('BLMOVE chains: each move wakes the next waiter', async () => {
      await ctl.call('FLUSHALL');
      const a = await blockOn(1, 'BLMOVE', 'k1', 'k2', 'LEFT', 'RIGHT', '0');
      const b = await blockOn(2, 'BRPOPLPUSH', 'k2', 'k3', '0');
      const c = await blockOn(3, 'BLPOP', 'k3', '0');
      expect(await ctl.call('RPUSH', 'k1', 'x')).toBe(int(1));
      expect(await a.read()).toEqual([bulk('x')]);
      expect(await b.read()).toEqual([bulk('x')]);
      expect(await c.read()).toEqual([arr(bulk('k3'), bulk('x'))]);
      expect(await ctl.call('EXISTS', 'k1', 'k2', 'k3')).toBe(int(0));
    });

    it('times out with the null each command replies, and no earlier', async () => {
      await ctl.call('FLUSHALL');
      const c = await conn();
      for (const [argv, nil] of [
        [['BLPOP', 'q', '0.1'], NIL_ARRAY],
        // Redis 7.0 times BLMOVE out with a null array too (a null bulk only inside MULTI).
        [['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0.1'], NIL_ARRAY],
        [['BZPOPMIN', 'q', '0.1'], NIL_ARRAY],
        [['BLMPOP', '0.1', '1', 'q', 'LEFT'], NIL_ARRAY],
      ] as const) {
        const t0 = Date.now();
        expect(await c.call(...argv)).toBe(nil);
        expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
      }
      await blocked(0);
    });

    it('a key deleted or turned into another type keeps the client blocked', async () => {
      await ctl.call('FLUSHALL');
      const a = await blockOn(1, 'BLPOP', 'k', '0');
      const z = await blockOn(2, 'BZPOPMIN', 'zk', '0');
      await ctl.call('SET', 'k', 'str');
      await ctl.call('RPUSH', 'zk', 'a');
      await ctl.call('DEL', 'k', 'zk');
      await ctl.call('ZADD', 'k', '1', 'm');
      await ctl.call('PING');
      await blocked(2);
      await ctl.call('DEL', 'k');
      await ctl.call('RPUSH', 'k', 'v');
      expect(await a.read()).toEqual([arr(bulk('k'), bulk('v'))]);
      await ctl.call('ZADD', 'zk', '2', 'b', '1', 'a');
      expect(await z.read()).toEqual([arr(bulk('zk'), bulk('a'), bulk('1'))]);
      expect(await ctl.call('ZRANGE', 'zk', '0', '-1')).toBe(arr(bulk('b')));
    });

    it('serves from the key that became ready even if an earlier key changed type', async () => {
      await ctl.call('FLUSHALL');
      const a = await blockOn(1, 'BLPOP', 'k1', 'k2', '0');
      await ctl.call('SET', 'k1', 'str');
      await ctl.call('RPUSH', 'k2', 'v');
      expect(await a.read()).toEqual([arr(bulk('k2'), bulk('v'))]);
    });

    it('BLMOVE woken with a destination of the wrong type replies WRONGTYPE and leaves the source', async () => {
      await ctl.call('FLUSHALL');
      const a = await blockOn(1, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
      await ctl.call('SET', 'dst', 'x');
      await ctl.call('RPUSH', 'src', 'a');
      expect(await a.read()).toEqual(['-WRONGTYPE Operation against a key holding the wrong kind of value\r\n']);
      expect(await ctl.call('LRANGE', 'src', '0', '-1')).toBe(arr(bulk('a')));
      await blocked(0);
    });

    it('CLIENT UNBLOCK wakes a waiter as a timeout or with an error', async () => {
      await ctl.call('FLUSHALL');
      const a = await conn();
      const id = await clientId(a);
      expect(await ctl.call('CLIENT', 'UNBLOCK', id)).toBe(int(0));
      // A timeout beyond the 2^31 ms a Node timer takes (34 days) still waits.
      a.send('BLPOP', 'q', '3000000');
      await new Promise((r) => setTimeout(r, 30));
      await blocked(1);
      expect(await ctl.call('CLIENT', 'UNBLOCK', id)).toBe(int(1));
      expect(await a.read()).toEqual([NIL_ARRAY]);
      a.send('BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0');
      await blocked(1);
      expect(await ctl.call('CLIENT', 'UNBLOCK', id, 'TIMEOUT')).toBe(int(1));
      expect(await a.read()).toEqual([NIL_ARRAY]);
      a.send('BZPOPMAX', 'q', '0');
      a.send('PING');
      await blocked(1);
      expect(await ctl.call('CLIENT', 'UNBLOCK', id, 'ERROR')).toBe(int(1));
      expect(await a.read(2)).toEqual(['-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n', '+PONG\r\n']);
      await blocked(0);
    });

    it('commands pipelined after a blocking one wait for it', async () => {
      await ctl.call('FLUSHALL');
      const a = await conn();
      a.send('BLPOP', 'q', '0');
      a.send('LLEN', 'q');
      await blocked(1);
      await ctl.call('RPUSH', 'q', 'a', 'b');
      expect(await a.read(2)).toEqual([arr(bulk('q'), bulk('a')), int(1)]);
    });

    it('a waiter that disconnects or is killed is forgotten', async () => {
      await ctl.call('FLUSHALL');
      const a = await blockOn(1, 'BLPOP', 'q', '0');
      const b = await blockOn(2, 'BLPOP', 'q', '0');
      const c = await blockOn(3, 'BLPOP', 'q', '0');
      a.close();
      await blocked(2);
      expect(await ctl.call('CLIENT', 'KILL', 'ID', await clientIdOfBlocked(0))).toBe(int(1));
      await blocked(1);
      await ctl.call('RPUSH', 'q', 'x', 'y');
      expect(await c.read()).toEqual([arr(bulk('q'), bulk('x'))]);
      expect(await ctl.call('LRANGE', 'q', '0', '-1')).toBe(arr(bulk('y')));
      await b.waitClosed();
    });

    /** The id of the i-th blocked client in CLIENT LIST order (connection order). */
    async function clientIdOfBlocked(i: number): Promise<string> {
      const list = await ctl.call('CLIENT', 'LIST');
      const ids = [...list.matchAll(/id=(\d+) [^\n]* flags=\w*b/g)].map((m) => m[1]);
      return ids[i];
    }

    it('BZPOPMIN and BZMPOP are woken by ZADD', async () => {
      await ctl.call('FLUSHALL');
      const a = await blockOn(1, 'BZPOPMIN', 'z1', 'z2', '0');
      const b = await blockOn(2, 'BZMPOP', '0', '2', 'z1', 'z2', 'MAX', 'COUNT', '5');
      await ctl.call('ZADD', 'z2', '3', 'c', '1', 'a', '2', 'b');
      expect(await a.read()).toEqual([arr(bulk('z2'), bulk('a'), bulk('1'))]);
      expect(await b.read()).toEqual([arr(bulk('z2'), arr(arr(bulk('c'), bulk('3')), arr(bulk('b'), bulk('2'))))]);
      expect(await ctl.call('EXISTS', 'z2')).toBe(int(0));
    });

    it('MONITOR shows a blocking command once, when it is called', async () => {
      await ctl.call('FLUSHALL');
      const mon = await conn();
      expect(await mon.call('MONITOR')).toBe('+OK\r\n');
      const a = await blockOn(1, 'BLPOP', 'q', '0');
      await ctl.call('RPUSH', 'q', 'x');
      expect(await a.read()).toEqual([arr(bulk('q'), bulk('x'))]);
      await ctl.call('PING');
      const lines = (await mon.read(3)).map((f) => f.slice(f.indexOf('] ') + 2, -2));
      expect(lines).toEqual(['"BLPOP" "q" "0"', '"RPUSH" "q" "x"', '"PING"']);
      mon.close();
    });

    it('keyspace events of a served waiter are those of the non-blocking form', async () => {
      await ctl.call('FLUSHALL');
      const sub = await conn();
      await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
      const a = await blockOn(1, 'BLMOVE', 'q', 'd', 'LEFT', 'RIGHT', '0');
      const z = await blockOn(2, 'BZPOPMAX', 'zz', '0');
      await ctl.call('RPUSH', 'q', 'x');
      expect(await a.read()).toEqual([bulk('x')]);
      await ctl.call('ZADD', 'zz', '1', 'm');
      expect(await z.read()).toEqual([arr(bulk('zz'), bulk('m'), bulk('1'))]);
      const events = (await sub.read(7)).map((f) => {
        const parts = f.split('\r\n');
        return `${parts[6].slice('__keyevent@0__:'.length)} ${parts[8]}`;
      });
      expect(events).toEqual(['rpush q', 'rpush d', 'lpop q', 'del q', 'zadd zz', 'zpopmax zz', 'del zz']);
    });
  });
}
