import { describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

differential('transactions', {
  'multi exec': [['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['GET', 'a'], ['EXEC'], ['GET', 'a']],
  'empty exec': [['MULTI'], ['EXEC']],
  'errors outside multi': [['EXEC'], ['DISCARD'], ['UNWATCH'], ['WATCH']],
  'nested multi and watch inside multi do not abort': [
    ['MULTI'], ['MULTI'], ['WATCH', 'x'], ['SET', 'x', '1'], ['EXEC'], ['GET', 'x'],
  ],
  'runtime errors do not abort the rest': [
    ['SET', 's', 'abc'], ['MULTI'], ['INCR', 's'], ['SET', 't', '1'], ['SET', 'x', 'y', 'EX', '0'], ['GET', 't'], ['EXEC'],
  ],
  'queue-time errors abort with EXECABORT': [
    ['MULTI'], ['SET', 'a', '1'], ['NOSUCHCMD'], ['GET'], ['EXEC'], ['GET', 'a'], ['EXEC'],
  ],
  'discard drops the queue': [['MULTI'], ['SET', 'a', '1'], ['DISCARD'], ['GET', 'a'], ['DISCARD']],
  'watch then own write fails exec': [
    ['SET', 'k', '1'], ['WATCH', 'k'], ['SET', 'k', '2'], ['MULTI'], ['GET', 'k'], ['EXEC'],
    ['MULTI'], ['GET', 'k'], ['EXEC'],
  ],
  'unwatch clears the dirty state': [
    ['WATCH', 'k'], ['SET', 'k', '2'], ['UNWATCH'], ['MULTI'], ['GET', 'k'], ['EXEC'],
  ],
  'discard forgets watches': [
    ['WATCH', 'k'], ['MULTI'], ['DISCARD'], ['SET', 'k', '3'], ['MULTI'], ['GET', 'k'], ['EXEC'],
  ],
  'watch missing key, delete of missing key is no change': [
    ['WATCH', 'nokey'], ['DEL', 'nokey'], ['MULTI'], ['PING'], ['EXEC'],
  ],
  'select and unwatch inside exec': [
    ['MULTI'], ['SELECT', '1'], ['SET', 'd1', 'x'], ['UNWATCH'], ['EXEC'], ['GET', 'd1'], ['SELECT', '0'], ['GET', 'd1'],
  ],
  'flushall only touches keys that exist': [
    ['WATCH', 'absent'], ['FLUSHALL'], ['MULTI'], ['PING'], ['EXEC'],
    ['SET', 'present', '1'], ['WATCH', 'present'], ['FLUSHDB'], ['MULTI'], ['PING'], ['EXEC'],
  ],
  'watches belong to the database they were made in': [
    ['SELECT', '1'], ['WATCH', 'k'], ['SELECT', '0'], ['SET', 'k', '1'], ['FLUSHDB'], ['SELECT', '1'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'k'], ['SET', 'k', '1'], ['MULTI'], ['PING'], ['EXEC'], ['FLUSHDB'],
  ],
  'watch after the watch went dirty is a no-op until unwatch': [
    ['WATCH', 'a'], ['SET', 'a', '1'], ['WATCH', 'b'], ['MULTI'], ['EXEC'], ['WATCH', 'b'], ['MULTI'], ['EXEC'],
  ],
  'subscribe inside multi': [['MULTI'], ['SUBSCRIBE', 'ch'], ['SSUBSCRIBE', 'sh'], ['EXEC'], ['PING']],
  'commands in subscribed mode cannot start multi': [['SUBSCRIBE', 'ch'], ['MULTI'], ['UNSUBSCRIBE'], ['MULTI'], ['EXEC']],
});

describe('transactions over several connections', () => {
  const enabled = requireRedis();
  const { shoal, redis } = serverPair({ redis: enabled });
  const both = (fn: (port: number) => Promise<unknown>) =>
    Promise.all([fn(shoal.port), enabled ? fn(redis.port) : Promise.resolve(undefined)]);

  it('a write by another client makes EXEC return a null array, in RESP2 and RESP3', async () => {
    const [got, want] = await both(async (port) => {
      const a = await RespConn.connect(port);
      const b = await RespConn.connect(port);
      const out: string[] = [];
      for (const proto of ['2', '3']) {
        await a.call('HELLO', proto);
        await a.call('SET', 'w', '1');
        out.push(await a.call('WATCH', 'w', 'other'));
        out.push(await b.call('INCR', 'w'));
        out.push(await a.call('MULTI'), await a.call('SET', 'w', 'mine'), await a.call('EXEC'));
        out.push(await a.call('GET', 'w'));
        // Without interference the same transaction goes through, and watches end with EXEC.
        out.push(await a.call('WATCH', 'w'), await a.call('MULTI'), await a.call('SET', 'w', 'mine'), await a.call('EXEC'));
        out.push(await b.call('SET', 'w', 'later'), await a.call('MULTI'), await a.call('GET', 'w'), await a.call('EXEC'));
      }
      a.close();
      b.close();
      return out;
    });
    expect(got).toEqual([
      '+OK\r\n', ':2\r\n', '+OK\r\n', '+QUEUED\r\n', '*-1\r\n', '$1\r\n2\r\n',
      '+OK\r\n', '+OK\r\n', '+QUEUED\r\n', '*1\r\n+OK\r\n', '+OK\r\n', '+OK\r\n', '+QUEUED\r\n', '*1\r\n$5\r\nlater\r\n',
      '+OK\r\n', ':2\r\n', '+OK\r\n', '+QUEUED\r\n', '_\r\n', '$1\r\n2\r\n',
      '+OK\r\n', '+OK\r\n', '+QUEUED\r\n', '*1\r\n+OK\r\n', '+OK\r\n', '+OK\r\n', '+QUEUED\r\n', '*1\r\n$5\r\nlater\r\n',
    ]);
    if (enabled) expect(got).toEqual(want);
  });

  it('EXEC is checked as the commands it queued when the server state changed meanwhile', async () => {
    const [got, want] = await both(async (port) => {
      const a = await RespConn.connect(port);
      const b = await RespConn.connect(port);
      const out: string[] = [];
      await a.call('SET', 'xx', '1');
      // A queued write meets min-replicas-to-write set by another client: NOREPLICAS, nothing runs.
      out.push(await a.call('MULTI'), await a.call('INCR', 'xx'));
      out.push(await b.call('CONFIG', 'SET', 'min-replicas-to-write', '2'));
      out.push(await a.call('EXEC'), await a.call('GET', 'xx'));
      // Reads alone still run.
      out.push(await a.call('MULTI'), await a.call('GET', 'xx'), await a.call('EXEC'));
      out.push(await b.call('CONFIG', 'SET', 'min-replicas-to-write', '0'));
      // A queued read on a replica gone stale (replica-serve-stale-data no): MASTERDOWN.
      out.push(await a.call('CONFIG', 'SET', 'replica-serve-stale-data', 'no'));
      out.push(await a.call('MULTI'), await a.call('GET', 'xx'), await a.call('PING'));
      out.push(await b.call('REPLICAOF', '127.0.0.1', '1'));
      out.push(await a.call('EXEC'));
      out.push(await b.call('REPLICAOF', 'NO', 'ONE'), await b.call('CONFIG', 'SET', 'replica-serve-stale-data', 'yes'));
      a.close();
      b.close();
      return out;
    });
    expect(got[3]).toBe('-EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.\r\n');
    expect(got[4]).toBe('$1\r\n1\r\n');
    expect(got[14]).toMatch(/^-EXECABORT Transaction discarded because of: MASTERDOWN /);
    if (enabled) expect(got).toEqual(want);
  });

  it('FLUSHALL and a DEL by another client invalidate watchers of existing keys only', async () => {
    const [got, want] = await both(async (port) => {
      const a = await RespConn.connect(port);
      const b = await RespConn.connect(port);
      const out: string[] = [];
      await a.call('SET', 'f', '1');
      await a.call('WATCH', 'f');
      await b.call('FLUSHALL');
      out.push(await a.call('MULTI'), await a.call('PING'), await a.call('EXEC'));
      await a.call('WATCH', 'gone');
      await b.call('FLUSHALL');
      await b.call('DEL', 'gone');
      out.push(await a.call('MULTI'), await a.call('PING'), await a.call('EXEC'));
      await a.call('SET', 'd', '1');
      await a.call('WATCH', 'd');
      await b.call('DEL', 'd');
      out.push(await a.call('MULTI'), await a.call('PING'), await a.call('EXEC'));
      a.close();
      b.close();
      return out;
    });
    expect(got).toEqual([
      '+OK\r\n', '+QUEUED\r\n', '*-1\r\n',
      '+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n',
      '+OK\r\n', '+QUEUED\r\n', '*-1\r\n',
    ]);
    if (enabled) expect(got).toEqual(want);
  });

  it('a watched key that expires before EXEC fails it; one already expired when watched does not', async () => {
    const [got, want] = await both(async (port) => {
      const a = await RespConn.connect(port);
      const out: string[] = [];
      await a.call('SET', 'e', '1', 'PX', '100');
      await a.call('WATCH', 'e');
      await new Promise((r) => setTimeout(r, 250));
      out.push(await a.call('MULTI'), await a.call('PING'), await a.call('EXEC'));
      await a.call('SET', 'e2', '1', 'PX', '50');
      await new Promise((r) => setTimeout(r, 150));
      // Whether or not active expiry already removed it, it is logically gone when watched.
      await a.call('WATCH', 'e2');
      await new Promise((r) => setTimeout(r, 150));
      out.push(await a.call('GET', 'e2'));
      out.push(await a.call('MULTI'), await a.call('PING'), await a.call('EXEC'));
      a.close();
      return out;
    });
    expect(got).toEqual(['+OK\r\n', '+QUEUED\r\n', '*-1\r\n', '$-1\r\n', '+OK\r\n', '+QUEUED\r\n', '*1\r\n+PONG\r\n']);
    if (enabled) expect(got).toEqual(want);
  });

  it('a watched key deleted by lazy expiry in another client fails EXEC', async () => {
    const a = await RespConn.connect(shoal.port);
    const b = await RespConn.connect(shoal.port);
    await a.call('SET', 'lz', '1', 'PX', '80');
    await a.call('WATCH', 'lz');
    await new Promise((r) => setTimeout(r, 150));
    expect(await b.call('GET', 'lz')).toBe('$-1\r\n');
    expect(await a.call('MULTI')).toBe('+OK\r\n');
    expect(await a.call('PING')).toBe('+QUEUED\r\n');
    expect(await a.call('EXEC')).toBe('*-1\r\n');
    a.close();
    b.close();
  });

  it('a disconnected watcher leaves no trace: other transactions still work', async () => {
    const a = await RespConn.connect(shoal.port);
    await a.call('WATCH', 'x1', 'x2');
    a.close();
    const b = await RespConn.connect(shoal.port);
    await b.call('WATCH', 'x1');
    await b.call('SET', 'x2', 'v');
    expect(await b.call('MULTI')).toBe('+OK\r\n');
    expect(await b.call('GET', 'x2')).toBe('+QUEUED\r\n');
    expect(await b.call('EXEC')).toBe('*1\r\n$1\r\nv\r\n');
    b.close();
  });
});
