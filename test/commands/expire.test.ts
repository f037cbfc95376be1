import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';

// A fixed unix time far in the future keeps absolute-time replies deterministic.
const FUTURE_S = '4000000000';
// Relative times are compared at ms resolution: GT/LT cases never compare two equal relative TTLs,
// whose outcome would depend on whether a millisecond passed between the commands.

differential('expire', {
  // Time stands still for expiry while a script runs, as Redis's scriptTimeSnapshot: the key set
  // with PX 1 still exists after the script waited 5 ms, and is gone once it returned.
  // Redis prints the option with %s: a NUL byte ends it.
  'an unsupported option is shown up to a NUL byte': [
    ['SET', 'k', 'v'], ['EXPIRE', 'k', '10', 'xx\0yy'], ['PEXPIREAT', 'k', '10', 'GT', 'a\0b'], ['EXPIRE', 'k', '10', '\0'],
  ],
  'a script sees the time it started at': [
    ['EVAL', "redis.call('SET','k','v','PX','1') local t = redis.call('TIME') local s = t[1] * 1000000 + t[2] " +
      "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - s > 5000 return redis.call('EXISTS','k')", '0'],
    ['EXISTS', 'k'],
  ],
  'option errors come before the time argument': [
    ['SET', 'k', 'v'], ['EXPIRE', 'k', '10', 'NX', 'XX'], ['EXPIRE', 'k', '10', 'GT', 'LT'], ['EXPIRE', 'k', '10', 'NX', 'GT'],
    ['EXPIRE', 'k', '10', 'NX', 'LT'], ['EXPIRE', 'k', '10', 'XX', 'GT', 'LT'], ['EXPIRE', 'k', '10', 'foo'],
    ['EXPIRE', 'k', 'x', 'foo'], ['EXPIRE', 'k', 'x', 'NX', 'XX'], ['EXPIRE', 'k', 'x'], ['EXPIRE', 'k', '1.5'],
    ['EXPIRE', 'k', ''], ['EXPIRE', 'k', '10', 'nx', 'nx'], ['TTL', 'k'], ['PEXPIRE', 'k', '10', 'Bar'],
    ['EXPIREAT', 'k', '10', 'lt', 'gt'], ['PEXPIREAT', 'k', 'x', 'NX', 'GT'], ['EXPIRE', 'k'], ['EXPIRE'],
  ],
  'missing keys': [
    ['EXPIRE', 'nope', '10'], ['PEXPIRE', 'nope', '10'], ['EXPIREAT', 'nope', FUTURE_S], ['PEXPIREAT', 'nope', '1'],
    ['EXPIRE', 'nope', '-1'], ['TTL', 'nope'], ['PTTL', 'nope'], ['EXPIRETIME', 'nope'], ['PEXPIRETIME', 'nope'],
    ['PERSIST', 'nope'], ['EXPIRE', 'nope', '10', 'XX'],
  ],
  'NX XX GT LT without a ttl': [
    ['SET', 'k', 'v'], ['EXPIRE', 'k', '100', 'XX'], ['TTL', 'k'], ['EXPIRE', 'k', '100', 'GT'], ['TTL', 'k'],
    ['EXPIRE', 'k', '100', 'LT'], ['TTL', 'k'], ['SET', 'k', 'v'], ['EXPIRE', 'k', '100', 'NX'], ['TTL', 'k'],
  ],
  'NX XX GT LT with a ttl': [
    ['SET', 'k', 'v', 'EX', '100'], ['EXPIRE', 'k', '50', 'NX'], ['TTL', 'k'], ['EXPIRE', 'k', '200', 'XX'], ['TTL', 'k'],
    ['EXPIRE', 'k', '100', 'GT'], ['TTL', 'k'], ['EXPIRE', 'k', '300', 'GT'], ['TTL', 'k'], ['EXPIRE', 'k', '400', 'LT'],
    ['TTL', 'k'], ['EXPIRE', 'k', '300', 'LT'], ['EXPIRE', 'k', '150', 'lt'], ['TTL', 'k'], ['EXPIRE', 'k', '149', 'XX', 'GT'], ['EXPIRE', 'k', '151', 'XX', 'GT'],
    ['EXPIRE', 'k', '100', 'XX', 'LT'], ['TTL', 'k'], ['EXPIRE', 'k', '-1', 'GT'], ['EXISTS', 'k'], ['EXPIRE', 'k', '-1', 'LT'],
    ['EXISTS', 'k'],
  ],
  'past and negative times delete the key': [
    ['SET', 'a', 'v'], ['EXPIRE', 'a', '-1'], ['EXISTS', 'a'], ['SET', 'a', 'v'], ['EXPIRE', 'a', '0'], ['EXISTS', 'a'],
    ['SET', 'a', 'v'], ['PEXPIRE', 'a', '-100'], ['GET', 'a'], ['SET', 'a', 'v'], ['EXPIREAT', 'a', '1'], ['TTL', 'a'],
    ['SET', 'a', 'v'], ['PEXPIREAT', 'a', '0'], ['PTTL', 'a'], ['SET', 'a', 'v'], ['EXPIREAT', 'a', '-100'], ['DBSIZE'],
  ],
  'overflow': [
    ['SET', 'foo', 'bar'], ['EXPIRE', 'foo', '9223370399119966'], ['EXPIRE', 'foo', '9223372036854776'],
    ['EXPIRE', 'foo', '10000000000000000'], ['EXPIRE', 'foo', '18446744073709561'], ['EXPIRE', 'foo', '-9223372036854776'],
    ['EXPIRE', 'foo', '-9999999999999999'], ['EXPIRE', 'foo', '9223372036854775807'], ['EXPIRE', 'foo', '9223372036854775808'],
    ['TTL', 'foo'], ['PEXPIRE', 'foo', '9223372036854770000'], ['EXPIREAT', 'foo', '9223372036854776'],
    ['EXPIREAT', 'foo', '-9223372036854776'], ['TTL', 'foo'], ['PEXPIREAT', 'foo', '9223372036854770000'],
    ['PEXPIRETIME', 'foo'], ['PEXPIREAT', 'foo', '-9223372036854770000'], ['TTL', 'foo'],
    ['SET', 'foo', 'bar'], ['PEXPIREAT', 'foo', '-9223372036854775808'], ['EXISTS', 'foo'],
    ['SET', 'foo', 'bar'], ['EXPIREAT', 'foo', '9223372036854775'], ['EXPIRETIME', 'foo'],
  ],
  'absolute times': [
    ['SET', 'k', 'v'], ['EXPIREAT', 'k', FUTURE_S], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', '4000000000123'], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'], ['PEXPIREAT', 'k', '4000000000500'],
    ['EXPIRETIME', 'k'], ['PEXPIREAT', 'k', '4000000000499'], ['EXPIRETIME', 'k'], ['SET', 'n', 'v'], ['EXPIRETIME', 'n'],
    ['PEXPIRETIME', 'n'], ['EXPIRETIME'], ['PEXPIRETIME', 'a', 'b'],
  ],
  'ttl rounding and persist': [
    ['SET', 'k', 'v', 'EX', '100'], ['TTL', 'k'], ['PERSIST', 'k'], ['TTL', 'k'], ['PTTL', 'k'], ['PERSIST', 'k'],
    ['EXPIRE', 'k', '7'], ['TTL', 'k'], ['SET', 'k', 'w'], ['TTL', 'k'], ['TTL'], ['PTTL', 'a', 'b'], ['PERSIST'],
    ['PEXPIRE', 'k', '100000'], ['TTL', 'k'], ['PEXPIRE', 'k', '10400'], ['TTL', 'k'],
  ],
  'mixed case and repeated options': [
    ['SET', 'k', 'v'], ['expire', 'k', '100', 'nX'], ['ExPiRe', 'k', '200', 'Gt', 'gT'], ['TTL', 'k'],
    ['EXPIRE', 'k', '100', 'xx', 'XX', 'lt'], ['TTL', 'k'],
  ],
});

describe('expiry over a socket', () => {
  let s: RunningServer;
  let c: RespConn;
  beforeAll(async () => {
    s = await startShoal();
    c = await RespConn.connect(s.port);
  });
  afterAll(async () => {
    c.close();
    await s.stop();
  });

  const num = (frame: string): number => Number(frame.slice(1, -2));

  it('TTL rounds the remaining milliseconds to the nearest second', async () => {
    await c.call('SET', 'k', 'v');
    await c.call('PEXPIRE', 'k', '2650');
    const pttl = num(await c.call('PTTL', 'k'));
    expect(pttl).toBeGreaterThan(2500);
    expect(pttl).toBeLessThanOrEqual(2650);
    expect(await c.call('TTL', 'k')).toBe(':3\r\n');
    await c.call('PEXPIRE', 'k', '2400');
    expect(await c.call('TTL', 'k')).toBe(':2\r\n');
  });

  it('EXPIRE stores an absolute time: EXPIRETIME = now + seconds, PEXPIRETIME in ms', async () => {
    await c.call('SET', 'k', 'v');
    const before = Date.now();
    await c.call('EXPIRE', 'k', '1000');
    const after = Date.now();
    const pat = num(await c.call('PEXPIRETIME', 'k'));
    expect(pat).toBeGreaterThanOrEqual(before + 1_000_000);
    expect(pat).toBeLessThanOrEqual(after + 1_000_000);
    expect(num(await c.call('EXPIRETIME', 'k'))).toBe(Math.floor((pat + 500) / 1000));
    await c.call('PEXPIRE', 'k', '1234');
    const pat2 = num(await c.call('PEXPIRETIME', 'k'));
    const pttl = num(await c.call('PTTL', 'k'));
    expect(pat2 - Date.now()).toBeLessThanOrEqual(1234);
    expect(pttl).toBeLessThanOrEqual(1234);
    expect(pttl).toBeGreaterThan(1000);
  });

  it('an expired key is gone for every read and write command', async () => {
    await c.call('SET', 'k', 'v', 'PX', '30');
    await c.call('SET', 'k2', 'v', 'PX', '30');
    await new Promise((r) => setTimeout(r, 60));
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    expect(await c.call('TTL', 'k')).toBe(':-2\r\n');
    expect(await c.call('EXPIRE', 'k2', '100')).toBe(':0\r\n');
    expect(await c.call('RENAME', 'k2', 'x')).toBe('-ERR no such key\r\n');
    expect(await c.call('EXISTS', 'k', 'k2')).toBe(':0\r\n');
  });

  it('RENAME, COPY and MOVE carry the TTL; PERSIST and SET drop it', async () => {
    await c.call('FLUSHALL');
    await c.call('SET', 'a', 'v', 'PX', '50000');
    await c.call('RENAME', 'a', 'b');
    expect(num(await c.call('PTTL', 'b'))).toBeGreaterThan(49000);
    await c.call('COPY', 'b', 'c');
    expect(num(await c.call('PTTL', 'c'))).toBeGreaterThan(49000);
    await c.call('MOVE', 'c', '3');
    await c.call('SELECT', '3');
    expect(num(await c.call('PTTL', 'c'))).toBeGreaterThan(49000);
    await c.call('SELECT', '0');
    await c.call('PERSIST', 'b');
    expect(await c.call('PTTL', 'b')).toBe(':-1\r\n');
  });

  it('a key with a TTL that has passed is expired without being accessed, and only it', async () => {
    await c.call('FLUSHALL');
    await c.call('SET', 'keep', 'v');
    await c.call('SET', 'later', 'v', 'EX', '100');
    const N = 10000;
    for (let i = 0; i < N; i++) c.send('SET', `t:${i}`, 'v', 'PX', '100');
    await c.read(N);
    const start = Date.now();
    let size = N + 2;
    while (Date.now() - start < 2000) {
      await new Promise((r) => setTimeout(r, 100));
      size = num(await c.call('DBSIZE'));
      if (size <= 2 + N / 100) break;
    }
    expect(size).toBeLessThanOrEqual(2 + N / 100);
    expect(await c.call('EXISTS', 'keep', 'later')).toBe(':2\r\n');
  });

  it('expired keys interleaved with long-lived volatile keys are collected too', async () => {
    await c.call('FLUSHALL');
    const N = 5000;
    for (let i = 0; i < N; i++) {
      c.send('SET', `long:${i}`, 'v', 'EX', '1000');
      c.send('SET', `short:${i}`, 'v', 'PX', '100');
    }
    await c.read(2 * N);
    const start = Date.now();
    let size = 2 * N;
    while (Date.now() - start < 2000) {
      await new Promise((r) => setTimeout(r, 100));
      size = num(await c.call('DBSIZE'));
      if (size <= N + N / 10) break;
    }
    // Redis tolerates up to ~10% of volatile keys being expired but not yet collected.
    expect(size).toBeLessThanOrEqual(N + N / 10);
    expect(size).toBeGreaterThanOrEqual(N);
  });

  it('expired keys in other databases are collected too', async () => {
    await c.call('FLUSHALL');
    for (const db of ['1', '7', '15']) {
      await c.call('SELECT', db);
      for (let i = 0; i < 500; i++) c.send('SET', `e:${i}`, 'v', 'PX', '50');
      await c.read(500);
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (const db of ['1', '7', '15']) {
      await c.call('SELECT', db);
      expect(num(await c.call('DBSIZE'))).toBeLessThan(50);
    }
    await c.call('SELECT', '0');
  });
});
