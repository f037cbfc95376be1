// ACL behaviour over real sockets: what happens to other connections (EXEC re-checks, deleted
// users, revoked channels), the ACL log, requirepass and the default user, and ACL CAT against
// redis-server for the commands both servers have.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { RespConn, requireRedis, serverPair, startShoal, type RunningServer } from '../helpers/server.js';

/** ioredis without its INFO ready check (Shoal has no INFO yet). */
function client(port: number): Redis {
  return new Redis(port, '127.0.0.1', { enableReadyCheck: false, maxRetriesPerRequest: 0 });
}

describe('ACL across connections', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal(['--acllog-max-len', '3']);
  });
  afterAll(() => s.stop());

  it('EXEC refuses queued commands the user lost the right to run, and logs them in the multi context', async () => {
    const admin = await RespConn.connect(s.port);
    const c = await RespConn.connect(s.port);
    expect(await admin.call('ACL', 'SETUSER', 'tx', 'on', 'nopass', '~*', '&*', '+@all')).toBe('+OK\r\n');
    expect(await c.call('AUTH', 'tx', 'x')).toBe('+OK\r\n');
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('SET', 'k', 'v')).toBe('+QUEUED\r\n');
    expect(await c.call('GET', 'k')).toBe('+QUEUED\r\n');
    expect(await c.call('PUBLISH', 'ch', 'm')).toBe('+QUEUED\r\n');
    expect(await admin.call('ACL', 'SETUSER', 'tx', '-set', 'resetchannels')).toBe('+OK\r\n');
    const why = (reason: string): string =>
      `-NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${reason}\r\n`;
    expect(await c.call('EXEC')).toBe(
      '*3\r\n' + why('no permission to execute the command or subcommand') + '$-1\r\n' +
        why('no permission to access one of the channels used as arguments'),
    );
    const log = await admin.call('ACL', 'LOG', '1');
    expect(log).toContain('$7\r\nchannel\r\n$7\r\ncontext\r\n$5\r\nmulti\r\n$6\r\nobject\r\n$2\r\nch\r\n');
    expect(await admin.call('ACL', 'DELUSER', 'tx')).toBe(':1\r\n');
    await c.waitClosed();
    admin.close();
  });

  it('deleting a user disconnects its clients, including the caller when it deletes itself', async () => {
    const admin = await RespConn.connect(s.port);
    await admin.call('ACL', 'SETUSER', 'gone', 'on', '>p', '+@all', '~*');
    const a = await RespConn.connect(s.port);
    const self = await RespConn.connect(s.port);
    expect(await a.call('AUTH', 'gone', 'p')).toBe('+OK\r\n');
    expect(await self.call('AUTH', 'gone', 'p')).toBe('+OK\r\n');
    expect(await self.call('ACL', 'DELUSER', 'gone')).toBe(':1\r\n');
    await a.waitClosed();
    await self.waitClosed();
    expect(await admin.call('CLIENT', 'KILL', 'USER', 'gone')).toBe("-ERR No such user 'gone'\r\n");
    admin.close();
  });

  it('narrowing channel rules disconnects subscribers that are now out of bounds, and only them', async () => {
    const admin = await RespConn.connect(s.port);
    await admin.call('ACL', 'SETUSER', 'sub', 'on', 'nopass', '+@all', '~*', 'resetchannels', '&news.*', '&p*');
    const keep = await RespConn.connect(s.port);
    const drop = await RespConn.connect(s.port);
    await keep.call('AUTH', 'sub', 'x');
    await drop.call('AUTH', 'sub', 'x');
    expect(await keep.call('SUBSCRIBE', 'news.1')).toContain('news.1');
    expect(await drop.call('PSUBSCRIBE', 'p*')).toContain('p*');
    expect(await keep.call('PSUBSCRIBE', 'news.*')).toContain('news.*');
    expect(await admin.call('ACL', 'SETUSER', 'sub', 'resetchannels', '&news.*')).toBe('+OK\r\n');
    await drop.waitClosed();
    expect(await keep.call('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    await admin.call('ACL', 'DELUSER', 'sub');
    admin.close();
  });

  it('PSUBSCRIBE patterns must equal an allowed pattern; SUBSCRIBE channels are matched against them', async () => {
    const admin = await RespConn.connect(s.port);
    await admin.call('ACL', 'SETUSER', 'ps', 'on', 'nopass', '+@all', '~*', 'resetchannels', '&c*');
    const c = await RespConn.connect(s.port);
    await c.call('AUTH', 'ps', 'x');
    const deny = '-NOPERM this user has no permissions to access one of the channels used as arguments\r\n';
    expect(await c.call('PSUBSCRIBE', 'c1')).toBe(deny);
    expect(await c.call('PSUBSCRIBE', 'c?')).toBe(deny);
    expect(await c.call('SUBSCRIBE', 'c1', 'd1')).toBe(deny);
    expect(await c.call('SSUBSCRIBE', 'd1')).toBe(deny);
    expect(await c.call('SPUBLISH', 'd1', 'm')).toBe(deny);
    expect(await c.call('SUBSCRIBE', 'c1')).toBe('*3\r\n$9\r\nsubscribe\r\n$2\r\nc1\r\n:1\r\n');
    c.close();
    await admin.call('ACL', 'DELUSER', 'ps');
    admin.close();
  });

  it('HELLO AUTH switches user; RESET goes back to the default user', async () => {
    const admin = await RespConn.connect(s.port);
    await admin.call('ACL', 'SETUSER', 'hi', 'on', '>pw', '+@all', '~*');
    const c = await RespConn.connect(s.port);
    expect(await c.call('HELLO', '3', 'AUTH', 'hi', 'pw')).toMatch(/^%7\r\n/);
    expect(await c.call('ACL', 'WHOAMI')).toBe('$2\r\nhi\r\n');
    expect(await c.call('CLIENT', 'INFO')).toContain(' user=hi ');
    expect(await c.call('RESET')).toBe('+RESET\r\n');
    expect(await c.call('ACL', 'WHOAMI')).toBe('$7\r\ndefault\r\n');
    c.close();
    await admin.call('ACL', 'DELUSER', 'hi');
    admin.close();
  });

  it('logs what a script was refused in the lua context, with the command or key as object', async () => {
    const admin = await RespConn.connect(s.port);
    expect(await admin.call('ACL', 'LOG', 'RESET')).toBe('+OK\r\n');
    await admin.call('ACL', 'SETUSER', 'luser', 'on', 'nopass', '+get', '+eval', '~a*');
    const c = await RespConn.connect(s.port);
    await c.call('AUTH', 'luser', 'x');
    expect(await c.call('EVAL', "return redis.call('incr','a1')", '0')).toMatch(/^-ERR The user executing the script can't run this command/);
    expect(await c.call('EVAL', "return redis.call('get','q')", '0')).toMatch(/^-ERR The user executing the script can't access at least one of the keys/);
    const r = client(s.port);
    const log = (await r.call('ACL', 'LOG')) as unknown[][];
    const brief = log.map((e) => [e[3], e[5], e[7], e[9]]);
    expect(brief).toEqual([['key', 'lua', 'q', 'luser'], ['command', 'lua', 'incr', 'luser']]);
    r.disconnect();
    c.close();
    await admin.call('ACL', 'DELUSER', 'luser');
    admin.close();
  });

  it('the ACL log groups identical refusals, keeps acllog-max-len entries, newest first', async () => {
    const admin = await RespConn.connect(s.port);
    expect(await admin.call('ACL', 'LOG', 'RESET')).toBe('+OK\r\n');
    await admin.call('ACL', 'SETUSER', 'lg', 'on', 'nopass', '+get', '~a*');
    const c = await RespConn.connect(s.port);
    await c.call('AUTH', 'lg', 'x');
    await c.call('GET', 'b');
    await c.call('GET', 'b');
    await c.call('SET', 'a', '1');
    await c.call('AUTH', 'lg2', 'wrong');
    await c.call('GET', 'zz');
    const r = client(s.port);
    const log = (await r.call('ACL', 'LOG')) as unknown[][];
    const fields = log.map((e) => {
      const m = new Map<string, unknown>();
      for (let i = 0; i < e.length; i += 2) m.set(e[i] as string, e[i + 1]);
      return m;
    });
    expect(fields.map((m) => [m.get('reason'), m.get('object'), m.get('username'), m.get('count'), m.get('context')])).toEqual([
      ['key', 'zz', 'lg', 1, 'toplevel'],
      ['auth', 'AUTH', 'lg2', 1, 'toplevel'],
      ['command', 'set', 'lg', 1, 'toplevel'],
    ]);
    expect([...fields[0].keys()]).toEqual(['count', 'reason', 'context', 'object', 'username', 'age-seconds', 'client-info']);
    expect(String(fields[0].get('client-info'))).toMatch(/^id=\d+ addr=.* user=lg /);
    await r.call('ACL', 'LOG', 'RESET');
    await c.call('GET', 'b');
    await c.call('GET', 'b');
    const grouped = (await r.call('ACL', 'LOG')) as unknown[][];
    expect(grouped.length).toBe(1);
    expect(grouped[0].slice(0, 2)).toEqual(['count', 2]);
    expect(await r.call('ACL', 'LOG', '0')).toEqual([]);
    r.disconnect();
    c.close();
    await admin.call('ACL', 'DELUSER', 'lg');
    admin.close();
  });

  it('GENPASS returns (bits+3)/4 random hex digits', async () => {
    const c = await RespConn.connect(s.port);
    expect(await c.call('ACL', 'GENPASS')).toMatch(/^\$64\r\n[0-9a-f]{64}\r\n$/);
    expect(await c.call('ACL', 'GENPASS', '5')).toMatch(/^\$2\r\n[0-9a-f]{2}\r\n$/);
    expect(await c.call('ACL', 'GENPASS', '4096')).toMatch(/^\$1024\r\n[0-9a-f]{1024}\r\n$/);
    expect(await c.call('ACL', 'GENPASS')).not.toBe(await c.call('ACL', 'GENPASS'));
    c.close();
  });

  it('ACL HELP lists every subcommand', async () => {
    const r = client(s.port);
    const help = (await r.call('ACL', 'HELP')) as string[];
    for (const sub of ['CAT', 'DELUSER', 'DRYRUN', 'GETUSER', 'GENPASS', 'LIST', 'LOAD', 'LOG', 'SAVE', 'SETUSER', 'USERS', 'WHOAMI', 'HELP']) {
      expect(help.some((l) => l.startsWith(sub))).toBe(true);
    }
    r.disconnect();
  });
});

describe('the default user and requirepass', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal(['--requirepass', 'sekret']);
  });
  afterAll(() => s.stop());

  it('requirepass is the default user password; ACL SETUSER default changes who must AUTH', async () => {
    const c = await RespConn.connect(s.port);
    expect(await c.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'default', 'sekret')).toBe('+OK\r\n');
    const hash = createHash('sha256').update('sekret').digest('hex');
    expect(await c.call('ACL', 'GETUSER', 'default')).toContain(`$9\r\npasswords\r\n*1\r\n$64\r\n${hash}\r\n`);
    expect(await c.call('ACL', 'SETUSER', 'default', 'nopass')).toBe('+OK\r\n');
    const free = await RespConn.connect(s.port);
    expect(await free.call('PING')).toBe('+PONG\r\n');
    expect(await free.call('AUTH', 'x')).toBe(
      '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n',
    );
    expect(await c.call('ACL', 'SETUSER', 'default', 'off')).toBe('+OK\r\n');
    const locked = await RespConn.connect(s.port);
    expect(await locked.call('PING')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await locked.call('AUTH', 'default', 'x')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    // Turning the user off does not disconnect or log out who is already in.
    expect(await free.call('PING')).toBe('+PONG\r\n');
    expect(await c.call('ACL', 'SETUSER', 'default', 'on', 'resetpass', '>again')).toBe('+OK\r\n');
    expect(await locked.call('AUTH', 'again')).toBe('+OK\r\n');
    for (const x of [c, free, locked]) x.close();
  });
});

describe('ACL CAT against redis-server', () => {
  const enabled = requireRedis();
  const { shoal, redis } = serverPair();
  let a: Redis;
  let b: Redis;
  beforeAll(() => {
    a = client(shoal.port);
    b = client(redis.port);
  });
  afterAll(() => {
    a?.disconnect();
    b?.disconnect();
  });

  it.skipIf(!enabled)('same category names in the same order', async () => {
    expect(await a.call('ACL', 'CAT')).toEqual(await b.call('ACL', 'CAT'));
  });

  it.skipIf(!enabled)('every command both servers have sits in the same categories', async () => {
    const cats = (await b.call('ACL', 'CAT')) as string[];
    const mine = new Map<string, Set<string>>();
    const theirs = new Map<string, Set<string>>();
    for (const cat of cats) {
      mine.set(cat, new Set((await a.call('ACL', 'CAT', cat)) as string[]));
      theirs.set(cat, new Set((await b.call('ACL', 'CAT', cat)) as string[]));
    }
    // Every command is at least @fast or @slow, so the union over categories is the whole table.
    const union = (m: Map<string, Set<string>>): Set<string> => new Set([...m.values()].flatMap((x) => [...x]));
    const oursAll = union(mine);
    const theirsAll = union(theirs);
    const both = [...oursAll].filter((n) => theirsAll.has(n));
    expect(both.length).toBeGreaterThan(100);
    const mismatches: string[] = [];
    for (const cat of cats) {
      for (const n of both) {
        const m = mine.get(cat)!.has(n);
        if (m !== theirs.get(cat)!.has(n)) mismatches.push(`${n} ${m ? 'should not be' : 'missing'} in @${cat}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('key permissions per command against redis-server', () => {
  const enabled = requireRedis();
  const { shoal, redis } = serverPair();

  // Commands Shoal lacks are skipped: what matters is that the ones it has need the same rights.
  const CALLS: string[][] = [
    ['get', 'k'], ['set', 'k', 'v'], ['set', 'k', 'v', 'GET'], ['setnx', 'k', 'v'], ['incr', 'k'], ['append', 'k', 'v'],
    ['strlen', 'k'], ['getrange', 'k', '0', '1'], ['setrange', 'k', '0', 'v'], ['getdel', 'k'], ['getex', 'k'],
    ['mget', 'a', 'b'], ['mset', 'a', '1', 'b', '2'], ['msetnx', 'a', '1'], ['lcs', 'a', 'b'],
    ['exists', 'k'], ['del', 'k'], ['unlink', 'k'], ['touch', 'k'], ['type', 'k'], ['ttl', 'k'], ['expire', 'k', '1'],
    ['persist', 'k'], ['rename', 'a', 'b'], ['renamenx', 'a', 'b'], ['copy', 'a', 'b'], ['dump', 'k'], ['object', 'encoding', 'k'],
    ['lpush', 'k', 'v'], ['lpop', 'k'], ['lrange', 'k', '0', '1'], ['llen', 'k'], ['lmove', 'a', 'b', 'left', 'left'],
    ['rpoplpush', 'a', 'b'], ['linsert', 'k', 'before', 'p', 'v'], ['lmpop', '2', 'a', 'b', 'left'], ['blpop', 'k', '0'],
    ['hset', 'k', 'f', 'v'], ['hget', 'k', 'f'], ['hincrby', 'k', 'f', '1'], ['hdel', 'k', 'f'], ['hgetall', 'k'],
    ['sadd', 'k', 'm'], ['smembers', 'k'], ['spop', 'k'], ['srandmember', 'k'], ['smove', 'a', 'b', 'm'],
    ['sinterstore', 'd', 'a', 'b'], ['sunionstore', 'd', 'a'], ['sintercard', '2', 'a', 'b'],
    ['zadd', 'k', '1', 'm'], ['zrange', 'k', '0', '1'], ['zincrby', 'k', '1', 'm'], ['zpopmin', 'k'], ['zrem', 'k', 'm'],
    ['zunionstore', 'd', '2', 'a', 'b'], ['zrangestore', 'd', 'a', '0', '1'], ['zmpop', '1', 'a', 'min'], ['zintercard', '1', 'a'],
    ['zscore', 'k', 'm'], ['zcard', 'k'], ['zremrangebyrank', 'k', '0', '1'],
    ['bitop', 'and', 'd', 'a', 'b'], ['bitfield', 'k', 'get', 'u8', '0'], ['bitfield', 'k', 'incrby', 'u8', '0', '1'],
    ['bitfield_ro', 'k', 'get', 'u8', '0'], ['setbit', 'k', '0', '1'], ['getbit', 'k', '0'], ['bitcount', 'k'],
    ['pfadd', 'k', 'x'], ['pfcount', 'a', 'b'], ['pfmerge', 'd', 'a'], ['watch', 'k'],
    ['rpop', 'k'], ['hlen', 'k'], ['hexists', 'k', 'f'], ['hstrlen', 'k', 'f'], ['hincrbyfloat', 'k', 'f', '1'],
    ['sismember', 'k', 'm'], ['scard', 'k'], ['sdiffstore', 'd', 'a'], ['sort', 'k'], ['sort', 'k', 'store', 'd'],
    ['sort_ro', 'k'], ['geoadd', 'k', '1', '2', 'm'], ['georadius', 'k', '1', '2', '3', 'km', 'store', 'd'],
    ['geosearchstore', 'd', 'k', 'frommember', 'm', 'byradius', '1', 'km'], ['xadd', 'k', '*', 'f', 'v'],
    ['restore', 'k', '0', 'x'], ['expiretime', 'k'], ['randomkey'],
    ['brpop', 'k', '0'], ['blmove', 'a', 'b', 'left', 'left', '0'], ['brpoplpush', 'b', 'd', '0'], ['blmpop', '0', '2', 'a', 'b', 'left'],
    ['bzpopmin', 'k', '0'], ['bzmpop', '0', '1', 'a', 'min'], ['sort_ro', 'a'], ['sort', 'a', 'store', 'b'], ['hscan', 'k', '0'],
    ['sscan', 'k', '0'], ['zscan', 'k', '0'], ['restore-asking', 'k', '0', 'x'],
  ];

  it.skipIf(!enabled)('DRYRUN agrees for read-only, write-only and no-match users', async () => {
    const [a, b] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
    const setup = [
      ['ACL', 'SETUSER', 'ro', '+@all', '%R~*'],
      ['ACL', 'SETUSER', 'wo', '+@all', '%W~*'],
      ['ACL', 'SETUSER', 'mixed', '+@all', '%R~a', '%W~b', '~k', '%W~d'],
    ];
    for (const cmd of setup) await Promise.all([a.call(...cmd), b.call(...cmd)]);
    const diffs: string[] = [];
    let compared = 0;
    for (const call of CALLS) {
      for (const user of ['ro', 'wo', 'mixed']) {
        const [x, y] = await Promise.all([a.call('ACL', 'DRYRUN', user, ...call), b.call('ACL', 'DRYRUN', user, ...call)]);
        if (x.startsWith("-ERR Command '")) continue;
        compared++;
        if (x !== y) diffs.push(`${user} ${call.join(' ')}: shoal ${JSON.stringify(x)} redis ${JSON.stringify(y)}`);
      }
    }
    expect(diffs).toEqual([]);
    expect(compared).toBeGreaterThan(150);
    a.close();
    b.close();
  });
});
