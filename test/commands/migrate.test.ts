// MIGRATE between Shoal nodes and Debian's redis-server in both directions: keys, TTLs, COPY,
// REPLACE, KEYS, AUTH/AUTH2, the target's errors passed through, I/O errors and timeouts, the
// cached connection, DEL propagation, and other clients being served while a MIGRATE waits.

import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, requireRedis, serverPair, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const H = '127.0.0.1';


describe('MIGRATE Shoal -> Shoal', () => {
  let src: RunningServer;
  let dst: RunningServer;
  let a: RespConn;
  let b: RespConn;
  beforeAll(async () => {
    [src, dst] = await Promise.all([startShoal(), startShoal()]);
    a = await RespConn.connect(src.port);
    b = await RespConn.connect(dst.port);
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await Promise.all([src?.stop(), dst?.stop()]);
  });

  it('moves a key with its TTL and every value type', async () => {
    await a.call('SET', 's', 'v');
    await a.call('PEXPIRE', 's', '100000');
    await a.call('RPUSH', 'l', '1', '2', '3');
    await a.call('HSET', 'h', 'f', 'x');
    await a.call('SADD', 'st', 'm1', 'm2');
    await a.call('ZADD', 'z', '1.5', 'e');
    await a.call('XADD', 'x', '1-1', 'f', 'v');
    expect(await a.call('MIGRATE', H, String(dst.port), 's', '0', '1000')).toBe('+OK\r\n');
    expect(await a.call('EXISTS', 's')).toBe(':0\r\n');
    expect(await b.call('GET', 's')).toBe('$1\r\nv\r\n');
    expect(await a.call('INFO', 'commandstats')).toMatch(/cmdstat_migrate:calls=1,usec=[1-9]\d*,/);
    const pttl = Number((await b.call('PTTL', 's')).slice(1));
    expect(pttl).toBeGreaterThan(95000);
    expect(pttl).toBeLessThanOrEqual(100000);
    expect(await a.call('MIGRATE', H, String(dst.port), '', '0', '1000', 'KEYS', 'l', 'h', 'missing', 'st', 'z', 'x')).toBe('+OK\r\n');
    expect(await a.call('DBSIZE')).toBe(':0\r\n');
    expect(await b.call('LRANGE', 'l', '0', '-1')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(await b.call('HGET', 'h', 'f')).toBe('$1\r\nx\r\n');
    expect(await b.call('SCARD', 'st')).toBe(':2\r\n');
    expect(await b.call('ZSCORE', 'z', 'e')).toBe('$3\r\n1.5\r\n');
    expect(await b.call('XRANGE', 'x', '-', '+')).toBe('*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n');
    expect(await b.call('TTL', 'l')).toBe(':-1\r\n');
  });

  it('NOKEY when no key exists, COPY keeps the source, REPLACE overwrites, BUSYKEY passes through', async () => {
    expect(await a.call('MIGRATE', H, String(dst.port), 'nope', '0', '1000')).toBe('+NOKEY\r\n');
    expect(await a.call('MIGRATE', H, String(dst.port), '', '0', '1000', 'KEYS', 'x', 'y')).toBe('+NOKEY\r\n');
    await a.call('SET', 'c', 'one');
    expect(await a.call('MIGRATE', H, String(dst.port), 'c', '0', '1000', 'COPY')).toBe('+OK\r\n');
    expect(await a.call('GET', 'c')).toBe('$3\r\none\r\n');
    expect(await b.call('GET', 'c')).toBe('$3\r\none\r\n');
    await a.call('SET', 'c', 'two');
    expect(await a.call('MIGRATE', H, String(dst.port), 'c', '0', '1000')).toBe(
      '-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n',
    );
    expect(await a.call('GET', 'c')).toBe('$3\r\ntwo\r\n');
    expect(await a.call('MIGRATE', H, String(dst.port), 'c', '0', '1000', 'REPLACE')).toBe('+OK\r\n');
    expect(await a.call('EXISTS', 'c')).toBe(':0\r\n');
    expect(await b.call('GET', 'c')).toBe('$3\r\ntwo\r\n');
  });

  it('inside MULTI/EXEC, synchronously as in Redis', async () => {
    expect(await a.call('MULTI')).toBe('+OK\r\n');
    await a.call('SET', 'm', 'in-tx');
    await a.call('MIGRATE', H, String(dst.port), 'm', '2', '1000');
    await a.call('EXISTS', 'm');
    await a.call('MIGRATE', H, String(dst.port), 'm', '2', '1000');
    expect(await a.call('EXEC')).toBe('*4\r\n+OK\r\n+OK\r\n:0\r\n+NOKEY\r\n');
    expect(await b.call('SELECT', '2')).toBe('+OK\r\n');
    expect(await b.call('GET', 'm')).toBe('$5\r\nin-tx\r\n');
    expect(await b.call('SELECT', '0')).toBe('+OK\r\n');
    await a.call('SET', 'm', 'again');
    expect(await a.call('MULTI')).toBe('+OK\r\n');
    await a.call('MIGRATE', H, String(dst.port), 'm', '2', '1000');
    expect(await a.call('EXEC')).toBe(
      '*1\r\n-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n',
    );
    expect(await a.call('GET', 'm')).toBe('$5\r\nagain\r\n');
  });

  it('several keys: the acknowledged ones move even when the target refuses one', async () => {
    await a.call('SET', 'x1', '1');
    await a.call('SET', 'x2', '2');
    await a.call('SET', 'x3', '3');
    await b.call('SET', 'x2', 'taken');
    expect(await a.call('MIGRATE', H, String(dst.port), '', '0', '1000', 'KEYS', 'x1', 'x2', 'x3')).toBe(
      '-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n',
    );
    expect(await a.call('EXISTS', 'x1', 'x3')).toBe(':0\r\n');
    expect(await a.call('GET', 'x2')).toBe('$1\r\n2\r\n');
    expect(await b.call('MGET', 'x1', 'x2', 'x3')).toBe('*3\r\n$1\r\n1\r\n$5\r\ntaken\r\n$1\r\n3\r\n');
  });

  it('large values and many keys in one call', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    await a.call('SET', 'big', big);
    const members: string[] = [];
    for (let i = 0; i < 20000; i++) members.push(String(i));
    await a.call('SADD', 'bigset', ...members);
    const keys: string[] = [];
    for (let i = 0; i < 300; i++) {
      keys.push(`many:${i}`);
      await a.call('SET', `many:${i}`, String(i));
    }
    expect(await a.call('MIGRATE', H, String(dst.port), '', '0', '5000', 'KEYS', 'big', 'bigset', ...keys)).toBe('+OK\r\n');
    expect(await a.call('EXISTS', 'big', 'bigset', ...keys)).toBe(':0\r\n');
    expect(await b.call('STRLEN', 'big')).toBe(`:${big.length}\r\n`);
    expect(await b.call('SCARD', 'bigset')).toBe(':20000\r\n');
    expect(await b.call('GET', 'many:299')).toBe('$3\r\n299\r\n');
    expect(await b.call('EXISTS', ...keys)).toBe(':300\r\n');
  });

  it('selects the destination db and reports a bad one', async () => {
    await a.call('SET', 'd', '1');
    expect(await a.call('MIGRATE', H, String(dst.port), 'd', '3', '1000')).toBe('+OK\r\n');
    expect(await b.call('SELECT', '3')).toBe('+OK\r\n');
    expect(await b.call('GET', 'd')).toBe('$1\r\n1\r\n');
    await b.call('SELECT', '0');
    await a.call('SET', 'd', '2');
    expect(await a.call('MIGRATE', H, String(dst.port), 'd', '99', '1000')).toBe(
      '-ERR Target instance replied with error: ERR DB index is out of range\r\n',
    );
    expect(await a.call('GET', 'd')).toBe('$1\r\n2\r\n');
    // The failed SELECT forgot the db: the next MIGRATE selects again.
    expect(await a.call('MIGRATE', H, String(dst.port), 'd', '0', '1000')).toBe('+OK\r\n');
    expect(await b.call('GET', 'd')).toBe('$1\r\n2\r\n');
  });

  it('caches one connection per target and reuses it', async () => {
    await until('a cached MIGRATE socket', async () => (await a.call('INFO', 'stats')).includes('migrate_cached_sockets:1'));
    const before = (await b.call('CLIENT', 'LIST')).split('\n').length;
    await a.call('SET', 'r1', '1');
    await a.call('SET', 'r2', '2');
    expect(await a.call('MIGRATE', H, String(dst.port), 'r1', '0', '1000')).toBe('+OK\r\n');
    expect(await a.call('MIGRATE', H, String(dst.port), 'r2', '0', '1000')).toBe('+OK\r\n');
    expect((await b.call('CLIENT', 'LIST')).split('\n').length).toBe(before);
  });

  it('a cached connection the target closed is replaced transparently', async () => {
    const list = await b.call('CLIENT', 'LIST');
    const line = list.split('\n').find((l) => / cmd=restore/.test(l))!;
    const id = /id=(\d+)/.exec(line)![1];
    expect(await b.call('CLIENT', 'KILL', 'ID', id)).toBe(':1\r\n');
    await a.call('SET', 'after-kill', '1');
    expect(await a.call('MIGRATE', H, String(dst.port), 'after-kill', '0', '1000')).toBe('+OK\r\n');
    expect(await b.call('GET', 'after-kill')).toBe('$1\r\n1\r\n');
  });

  it('propagates DEL for the moved keys to a replica', async () => {
    const replica = await startShoal(['--replicaof', H, String(src.port)]);
    try {
      const r = await RespConn.connect(replica.port);
      await a.call('SET', 'p', 'v');
      await a.call('SET', 'q', 'w');
      await until('p and q on the replica', async () => (await r.call('EXISTS', 'p', 'q')) === ':2\r\n');
      expect(await a.call('MIGRATE', H, String(dst.port), '', '0', '1000', 'KEYS', 'p', 'q')).toBe('+OK\r\n');
      await until('p and q gone from the replica', async () => (await r.call('EXISTS', 'p', 'q')) === ':0\r\n');
      // The same from inside a transaction.
      await a.call('SET', 'p2', 'v');
      await until('p2 on the replica', async () => (await r.call('EXISTS', 'p2')) === ':1\r\n');
      await a.call('MULTI');
      await a.call('MIGRATE', H, String(dst.port), 'p2', '0', '1000');
      expect(await a.call('EXEC')).toBe('*1\r\n+OK\r\n');
      await until('p2 gone from the replica', async () => (await r.call('EXISTS', 'p2')) === ':0\r\n');
      r.close();
    } finally {
      await replica.stop();
    }
  });
});

describe.skipIf(!requireRedis())('MIGRATE with redis-server', () => {
  const { shoal, redis } = serverPair({ shoalArgs: ['--requirepass', 'sp'], redisArgs: ['--requirepass', 'rp'] });
  let s: RespConn;
  let r: RespConn;
  beforeAll(async () => {
    s = await RespConn.connect(shoal.port);
    r = await RespConn.connect(redis.port);
    await s.call('AUTH', 'sp');
    await r.call('AUTH', 'rp');
  });
  afterAll(() => {
    s?.close();
    r?.close();
  });

  it('Shoal -> redis-server: NOAUTH without AUTH, then AUTH and AUTH2', async () => {
    await s.call('SET', 'k1', 'v1');
    await s.call('ZADD', 'k2', '1', 'a', '2', 'b');
    expect(await s.call('MIGRATE', H, String(redis.port), 'k1', '0', '1000')).toBe(
      '-ERR Target instance replied with error: NOAUTH Authentication required.\r\n',
    );
    expect(await s.call('MIGRATE', H, String(redis.port), 'k1', '0', '1000', 'AUTH', 'bad')).toMatch(
      /^-ERR Target instance replied with error: WRONGPASS /,
    );
    // 64-bit db numbers go out as written; a timeout beyond what a timer holds still works. As
    // with Redis, the RESTORE pipelined behind the failed SELECT lands in the connection's db.
    await s.call('SET', 'kdb', 'x');
    expect(await s.call('MIGRATE', H, String(redis.port), 'kdb', '9223372036854775807', '99999999999999', 'AUTH', 'rp')).toBe(
      '-ERR Target instance replied with error: ERR value is out of range, value must between -2147483648 and 2147483647\r\n',
    );
    expect(await s.call('EXISTS', 'kdb')).toBe(':1\r\n');
    expect(await r.call('EXISTS', 'kdb')).toBe(':1\r\n');
    expect(await s.call('MIGRATE', H, String(redis.port), 'k1', '0', '1000', 'AUTH', 'rp')).toBe('+OK\r\n');
    expect(await s.call('MIGRATE', H, String(redis.port), '', '0', '1000', 'AUTH2', 'default', 'rp', 'KEYS', 'k2')).toBe('+OK\r\n');
    expect(await r.call('GET', 'k1')).toBe('$2\r\nv1\r\n');
    expect(await r.call('ZRANGE', 'k2', '0', '-1', 'WITHSCORES')).toBe('*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(await s.call('EXISTS', 'k1', 'k2')).toBe(':0\r\n');
  });

  it('redis-server -> Shoal: a real MIGRATE lands in Shoal', async () => {
    await r.call('HSET', 'rh', 'f1', 'v1', 'f2', 'v2');
    await r.call('SET', 'rs', 'x', 'PX', '50000');
    await r.call('RPUSH', 'rl', 'a', 'b');
    expect(await r.call('MIGRATE', H, String(shoal.port), '', '0', '1000', 'AUTH', 'sp', 'KEYS', 'rh', 'rs', 'rl')).toBe('+OK\r\n');
    expect(await r.call('EXISTS', 'rh', 'rs', 'rl')).toBe(':0\r\n');
    expect(await s.call('HGETALL', 'rh')).toBe('*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n');
    expect(await s.call('GET', 'rs')).toBe('$1\r\nx\r\n');
    expect(Number((await s.call('PTTL', 'rs')).slice(1))).toBeGreaterThan(45000);
    expect(await s.call('LRANGE', 'rl', '0', '-1')).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    await r.call('SET', 'rh', 'again');
    expect(await r.call('MIGRATE', H, String(shoal.port), 'rh', '0', '1000', 'AUTH', 'sp')).toBe(
      '-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n',
    );
    expect(await r.call('MIGRATE', H, String(shoal.port), 'rh', '0', '1000', 'AUTH2', 'default', 'sp', 'COPY', 'REPLACE')).toBe('+OK\r\n');
    expect(await s.call('GET', 'rh')).toBe('$5\r\nagain\r\n');
    expect(await r.call('GET', 'rh')).toBe('$5\r\nagain\r\n');
  });
});

describe('MIGRATE I/O errors and waiting', () => {
  let src: RunningServer;
  let silent: net.Server;
  let silentPort: number;
  const silentSockets: net.Socket[] = [];
  let a: RespConn;
  beforeAll(async () => {
    src = await startShoal();
    a = await RespConn.connect(src.port);
    // A target that accepts connections and never answers.
    silent = net.createServer((sock) => silentSockets.push(sock));
    await new Promise<void>((res) => silent.listen(0, H, res));
    silentPort = (silent.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    a?.close();
    for (const s of silentSockets) s.destroy();
    silent?.close();
    await src?.stop();
  });

  it('refused connection: IOERR writing, key kept', async () => {
    const closed = await new Promise<number>((res) => {
      const t = net.createServer();
      t.listen(0, H, () => {
        const p = (t.address() as net.AddressInfo).port;
        t.close(() => res(p));
      });
    });
    await a.call('SET', 'k', 'v');
    expect(await a.call('MIGRATE', H, String(closed), 'k', '0', '200')).toBe('-IOERR error or timeout writing to target instance\r\n');
    expect(await a.call('GET', 'k')).toBe('$1\r\nv\r\n');
  });

  it('silent target: IOERR reading after the timeout, while other clients are served', async () => {
    await a.call('SET', 'k', 'v');
    await a.call('SET', 'other', '1');
    const t0 = Date.now();
    a.send('MIGRATE', H, String(silentPort), 'k', '0', '500');
    const other = await RespConn.connect(src.port);
    await new Promise((r) => setTimeout(r, 50));
    // The server keeps serving others; a command naming the key in flight waits for MIGRATE.
    expect(await other.call('INCR', 'other')).toBe(':2\r\n');
    expect(Date.now() - t0).toBeLessThan(400);
    other.send('APPEND', 'k', 'w');
    expect(await a.read(1, 3000)).toEqual(['-IOERR error or timeout reading to target instance\r\n']);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(480);
    expect(await other.read(1)).toEqual([':2\r\n']);
    expect(await a.call('GET', 'k')).toBe('$2\r\nvw\r\n');
    other.close();
  });

  it('EXEC of a transaction naming a key in flight waits too; other transactions do not', async () => {
    await a.call('SET', 'k', 'v');
    a.send('MIGRATE', H, String(silentPort), 'k', '0', '400');
    const tx = await RespConn.connect(src.port);
    const free = await RespConn.connect(src.port);
    await new Promise((r) => setTimeout(r, 50));
    expect(await tx.call('MULTI')).toBe('+OK\r\n');
    expect(await tx.call('APPEND', 'k', 'x')).toBe('+QUEUED\r\n');
    tx.send('EXEC');
    expect(await free.call('MULTI')).toBe('+OK\r\n');
    expect(await free.call('SET', 'unrelated', '1')).toBe('+QUEUED\r\n');
    expect(await free.call('EXEC')).toBe('*1\r\n+OK\r\n');
    expect(await a.read(1, 3000)).toEqual(['-IOERR error or timeout reading to target instance\r\n']);
    expect(await tx.read(1)).toEqual(['*1\r\n:2\r\n']);
    tx.close();
    free.close();
  });

  it('inside MULTI a silent target times out the same way (the server waits, as Redis does)', async () => {
    await a.call('SET', 'k', 'v');
    await a.call('MULTI');
    await a.call('MIGRATE', H, String(silentPort), 'k', '0', '300');
    const t0 = Date.now();
    expect(await a.call('EXEC')).toBe('*1\r\n-IOERR error or timeout reading to target instance\r\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(await a.call('GET', 'k')).toBe('$1\r\nv\r\n');
  });

  it('SWAPDB and FLUSHALL wait for a MIGRATE in flight', async () => {
    await a.call('SET', 'k', 'v');
    a.send('MIGRATE', H, String(silentPort), 'k', '0', '300');
    const other = await RespConn.connect(src.port);
    await new Promise((r) => setTimeout(r, 50));
    other.send('SWAPDB', '0', '1');
    other.send('GET', 'k');
    await expect(other.read(1, 150)).rejects.toThrow(/timeout/);
    expect(await a.read(1, 3000)).toEqual(['-IOERR error or timeout reading to target instance\r\n']);
    // The swap ran after MIGRATE let go of the key, so db 0 no longer holds it.
    expect(await other.read(2)).toEqual(['+OK\r\n', '$-1\r\n']);
    expect(await other.call('SWAPDB', '0', '1')).toBe('+OK\r\n');
    other.close();
  });

  it('a client that disconnects while its MIGRATE waits leaves the server and the key intact', async () => {
    await a.call('SET', 'gone', 'v');
    const quitter = await RespConn.connect(src.port);
    quitter.send('MIGRATE', H, String(silentPort), 'gone', '0', '300');
    await new Promise((r) => setTimeout(r, 50));
    quitter.close();
    await new Promise((r) => setTimeout(r, 450));
    expect(await a.call('GET', 'gone')).toBe('$1\r\nv\r\n');
    expect(await a.call('SET', 'gone', 'w')).toBe('+OK\r\n');
  });

  it('argument errors, as redis-server words them', async () => {
    await a.call('SET', 'k', 'v');
    expect(await a.call('MIGRATE', H, '1', 'k', '0', '100', 'KEYS', 'k')).toBe(
      '-ERR When using MIGRATE KEYS option, the key argument must be set to the empty string\r\n',
    );
    expect(await a.call('MIGRATE', H, '1', 'k', '0', '100', 'AUTH')).toBe('-ERR syntax error\r\n');
    expect(await a.call('MIGRATE', H, '1', 'k', 'x', '100')).toBe('-ERR value is not an integer or out of range\r\n');
  });
});

differential('migrate', {
  'argument errors': [
    ['SET', 'k', 'v'],
    ['MIGRATE', H, '1', 'k', '0', '100', 'foo'],
    ['MIGRATE', H, '1', 'k', '0', '100', 'AUTH'],
    ['MIGRATE', H, '1', 'k', '0', '100', 'AUTH2', 'u'],
    ['MIGRATE', H, '1', 'k', '0', '100', 'KEYS', 'k'],
    ['MIGRATE', H, '1', 'k', 'x', '100'],
    ['MIGRATE', H, '1', 'k', '0', 'x'],
    ['MIGRATE', H, '1', 'k', '0'],
  ],
  'nothing to move': [
    ['MIGRATE', H, '1', 'nokey', '0', '100'],
    ['MIGRATE', H, '1', '', '0', '100', 'KEYS'],
    ['MIGRATE', H, '1', '', '0', '100', 'COPY', 'REPLACE', 'AUTH', 'p', 'KEYS', 'a', 'b'],
  ],
  'unreachable target': [
    ['SET', 'k', 'v'],
    ['MIGRATE', H, '1', 'k', '0', '100'],
    ['MIGRATE', H, 'notaport', 'k', '0', '100'],
    ['EXISTS', 'k'],
    ['MULTI'],
    ['MIGRATE', H, '1', 'k', '0', '100'],
    ['MIGRATE', H, '1', 'nokey', '0', '100'],
    ['EXEC'],
  ],
  'key positions': [
    ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', '1', 'k', '0', '10'],
    ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', '1', '', '0', '10', 'KEYS', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', '1', 'k', '0', '10', 'AUTH', 'keys'],
    ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', '1', '', '0', '10', 'AUTH2', 'keys', 'keys', 'KEYS', 'x'],
    ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', '1', 'k', '0', '10', 'KEYS', 'a'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'MIGRATE', 'h', '1', '', '0', '10', 'COPY', 'KEYS', 'a'],
    ['COMMAND', 'INFO', 'MIGRATE'],
  ],
});
