import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, requireRedis, serverPair, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const big = 'x'.repeat(300);
/** n distinct members of equal length, so sampled estimates do not depend on which ones are sampled. */
const many = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
const huge = 'y'.repeat(70000);

differential('server commands', {
  'SLOWLOG, LATENCY and MEMORY argument errors': [
    ['SLOWLOG', 'RESET'], ['SLOWLOG', 'GET', 'x'], ['SLOWLOG', 'GET', '-2'], ['SLOWLOG', 'GET', '9223372036854775807'], ['SLOWLOG', 'GET', '-9223372036854775809'], ['SLOWLOG', 'FOO'], ['SLOWLOG'], ['SLOWLOG', 'LEN', 'x'],
    ['SLOWLOG', 'RESET'], ['SLOWLOG', 'LEN'],
    ['LATENCY', 'HISTORY', 'nosuch'], ['LATENCY', 'LATEST'], ['LATENCY', 'RESET'], ['LATENCY', 'RESET', 'a', 'b'],
    ['LATENCY', 'GRAPH', 'nosuch'], ['LATENCY', 'FOO'], ['LATENCY', 'HISTORY'],
    ['MEMORY', 'USAGE'], ['MEMORY', 'USAGE', 'nosuch'], ['MEMORY', 'USAGE', 'nosuch', 'SAMPLES', 'x'],
    ['MEMORY', 'USAGE', 'nosuch', 'SAMPLES', '-1'], ['MEMORY', 'USAGE', 'nosuch', 'FOO'], ['MEMORY', 'FOO'],
    ['MEMORY', 'PURGE'], ['MEMORY', 'STATS', 'x'],
    ['TIME', 'x'], ['LASTSAVE', 'x'], ['INFO', 'a', 'b', 'c', 'nosuch'],
  ],
  'MEMORY USAGE of strings is the byte count redis-server reports': [
    ['SET', 'k', '1'], ['MEMORY', 'USAGE', 'k'], ['SET', 'k', '-9223372036854775808'], ['MEMORY', 'USAGE', 'k'],
    ['SET', 'k', '9223372036854775808'], ['MEMORY', 'USAGE', 'k'], ['SET', 'k', '007'], ['MEMORY', 'USAGE', 'k'],
    ['SET', 'k', 'abc'], ['MEMORY', 'USAGE', 'k'], ['SET', 'k', 'a'.repeat(44)], ['MEMORY', 'USAGE', 'k'],
    ['SET', 'k', 'a'.repeat(45)], ['MEMORY', 'USAGE', 'k'], ['SET', 'k', big], ['MEMORY', 'USAGE', 'k', 'SAMPLES', '0'],
    ['SET', 'a-much-longer-key-name-of-forty-one-chars', 'v'], ['MEMORY', 'USAGE', 'a-much-longer-key-name-of-forty-one-chars'],
    ['SET', 'x'.repeat(31), ''], ['MEMORY', 'USAGE', 'x'.repeat(31)], ['SET', 'k', huge], ['MEMORY', 'USAGE', 'k'],
  ],
  'DBSIZE, FLUSHDB and FLUSHALL': [
    ['SET', 'a', '1'], ['SELECT', '1'], ['SET', 'b', '2'], ['SET', 'c', '3'], ['DBSIZE'], ['FLUSHDB'], ['DBSIZE'],
    ['SELECT', '0'], ['DBSIZE'], ['FLUSHDB', 'ASYNC'], ['FLUSHDB', 'x'], ['FLUSHDB', 'SYNC', 'x'], ['SET', 'a', '1'],
    ['FLUSHALL', 'SYNC'], ['DBSIZE'], ['FLUSHALL', 'foo'], ['DBSIZE', 'x'],
  ],
  'SHUTDOWN argument errors': [
    ['SHUTDOWN', 'FOO'], ['SHUTDOWN', 'ABORT'], ['SHUTDOWN', 'SAVE', 'NOSAVE'], ['SHUTDOWN', 'ABORT', 'NOW'],
  ],
  'DEBUG is refused unless enable-debug-command allows it': [['DEBUG', 'DIGEST'], ['DEBUG'], ['DEBUG', 'HELP']],
});

differential('MEMORY USAGE of collections', {
  'lists (quicklist nodes), hashes, sets and small sorted sets are sized like redis-server': [
    ['RPUSH', 'l', 'a', 'b', 'c'], ['MEMORY', 'USAGE', 'l'], ['RPUSH', 'l3', '1', '200', '70000', '-5', big], ['MEMORY', 'USAGE', 'l3'],
    ['RPUSH', 'l2', ...many('v', 2000)], ['MEMORY', 'USAGE', 'l2'], ['MEMORY', 'USAGE', 'l2', 'SAMPLES', '0'],
    ['HSET', 'h', 'a', 'b', 'c', 'd'], ['MEMORY', 'USAGE', 'h'], ['HSET', 'h3', 'f', big], ['MEMORY', 'USAGE', 'h3'],
    ['HSET', 'h2', ...many('f', 600)], ['MEMORY', 'USAGE', 'h2'],
    ['SADD', 's', '1', '2', '3'], ['MEMORY', 'USAGE', 's'], ['SADD', 's3', '1', '100000'], ['MEMORY', 'USAGE', 's3'],
    ['SADD', 's4', '1', '10000000000'], ['MEMORY', 'USAGE', 's4'], ['SADD', 's2', 'a', 'b', 'c'], ['MEMORY', 'USAGE', 's2'],
    ['SADD', 's5', ...Array.from({ length: 600 }, (_, i) => String(i))], ['MEMORY', 'USAGE', 's5', 'SAMPLES', '0'],
    ['ZADD', 'z', '1', 'a', '2', 'b'], ['MEMORY', 'USAGE', 'z'], ['ZADD', 'z2', '1.5', 'member', '-3', 'x'], ['MEMORY', 'USAGE', 'z2'],
  ],
});

differential('DEBUG', {
  'DIGEST and DIGEST-VALUE of string data equal redis-server\'s': [
    ['DEBUG', 'DIGEST'], ['SET', 'a', '1'], ['DEBUG', 'DIGEST'], ['SET', 'b', 'hello'], ['SET', 'c', big],
    ['SET', 'bin', Buffer.from([0, 255, 10, 13, 128])], ['DEBUG', 'DIGEST'], ['SET', 'b', 'hello', 'EX', '1000'], ['DEBUG', 'DIGEST'],
    ['SELECT', '3'], ['SET', 'a', '1'], ['DEBUG', 'DIGEST'], ['DEBUG', 'DIGEST-VALUE', 'a', 'nosuch'],
    ['SELECT', '0'], ['DEBUG', 'DIGEST-VALUE', 'a', 'b', 'c', 'bin'], ['DEBUG', 'DIGEST-VALUE'], ['DEL', 'b'], ['DEBUG', 'DIGEST'],
  ],
  'DIGEST of lists, sets, hashes and sorted sets in both encodings equals redis-server\'s': [
    ['RPUSH', 'l', 'a', 'b', '1', '-2', big], ['SADD', 's', '1', '2', '3'], ['SADD', 's2', 'a', 'b'],
    ['HSET', 'h', 'f', 'v', 'g', '1'], ['ZADD', 'z', '1', 'a', '2.5', 'b', '-inf', 'c'], ['DEBUG', 'DIGEST'],
    ['DEBUG', 'DIGEST-VALUE', 'l', 's', 's2', 'h', 'z'],
    ['RPUSH', 'bigl', ...many('e', 300)], ['SADD', 'bigs', ...many('m', 600)], ['HSET', 'bigh', ...many('f', 600)],
    ['ZADD', 'bigz', ...many('', 300).flatMap((m, i) => [String(i / 4), m])], ['DEBUG', 'DIGEST'],
    ['DEBUG', 'DIGEST-VALUE', 'bigl', 'bigs', 'bigh', 'bigz'], ['LPUSH', 'l', 'x'], ['DEBUG', 'DIGEST-VALUE', 'l'],
  ],
  'POPULATE, OBJECT, PROTOCOL, SLEEP, SET-ACTIVE-EXPIRE, ERROR and unknown subcommands': [
    ['DEBUG', 'POPULATE', '5'], ['DEBUG', 'POPULATE', '3', 'p', '4'], ['DEBUG', 'POPULATE', '2', 'q', '12'],
    ['GET', 'p:1'], ['GET', 'q:1'], ['DEBUG', 'DIGEST'], ['DBSIZE'], ['DEBUG', 'POPULATE', '-1'], ['DEBUG', 'POPULATE', 'x'],
    ['DEBUG', 'POPULATE', '1', 'r', '-1'], ['DEBUG', 'OBJECT', 'nosuch'],
    ['DEBUG', 'PROTOCOL', 'string'], ['DEBUG', 'PROTOCOL', 'integer'], ['DEBUG', 'PROTOCOL', 'double'],
    ['DEBUG', 'PROTOCOL', 'bignum'], ['DEBUG', 'PROTOCOL', 'null'], ['DEBUG', 'PROTOCOL', 'array'], ['DEBUG', 'PROTOCOL', 'set'],
    ['DEBUG', 'PROTOCOL', 'map'], ['DEBUG', 'PROTOCOL', 'attrib'], ['DEBUG', 'PROTOCOL', 'push'],
    ['DEBUG', 'PROTOCOL', 'verbatim'], ['DEBUG', 'PROTOCOL', 'true'], ['DEBUG', 'PROTOCOL', 'false'], ['DEBUG', 'PROTOCOL', 'x'],
    ['DEBUG', 'SLEEP', '0'], ['DEBUG', 'SLEEP', 'abc'], ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'], ['DEBUG', 'ERROR', 'MYERR oops'],
    ['DEBUG', 'FOO'], ['DEBUG', 'DIGEST', 'x'], ['DEBUG', 'CHANGE-REPL-ID'],
    ['HSET', 'h', 'a', 'b'], ['RPUSH', 'l', 'a'], ['SADD', 'st', '1'], ['ZADD', 'z', '1', 'a'], ['SET', 's', 'x'],
    ['DEBUG', 'LISTPACK', 'h'], ['DEBUG', 'LISTPACK', 'z'], ['DEBUG', 'LISTPACK', 'l'], ['DEBUG', 'LISTPACK', 'st'],
    ['DEBUG', 'LISTPACK', 's'], ['DEBUG', 'LISTPACK', 'nosuch'], ['DEBUG', 'QUICKLIST', 'l'], ['DEBUG', 'QUICKLIST', 'l', '1'],
    ['DEBUG', 'QUICKLIST', 'h'], ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0'], ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '2'],
    ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '4gb'], ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'x'],
    ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1gb'],
  ],
}, { serverArgs: ['--enable-debug-command', 'yes'] });

describe('server commands over sockets', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal(['--enable-debug-command', 'yes']);
  });
  afterAll(() => s.stop());

  it('SLOWLOG records every command over the threshold with its arguments, client address and name', async () => {
    const c = await RespConn.connect(s.port);
    await c.call('HELLO', '2', 'SETNAME', 'slowpoke');
    expect(await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0')).toBe('+OK\r\n');
    await c.call('SLOWLOG', 'RESET');
    await c.call('SET', 'k', 'v'.repeat(200));
    await c.call('MSET', ...Array.from({ length: 40 }, (_, i) => `a${i}`));
    const got = await c.call('SLOWLOG', 'GET', '2');
    const port = c.socket.localPort;
    expect(got).toMatch(new RegExp(
      '^\\*2\\r\\n\\*6\\r\\n:(\\d+)\\r\\n:\\d{10}\\r\\n:\\d+\\r\\n\\*32\\r\\n\\$4\\r\\nMSET\\r\\n(\\$\\d+\\r\\na\\d+\\r\\n){30}' +
      '\\$23\\r\\n\\.\\.\\. \\(10 more arguments\\)\\r\\n' +
      `\\$15\\r\\n127\\.0\\.0\\.1:${port}\\r\\n\\$8\\r\\nslowpoke\\r\\n` +
      '\\*6\\r\\n:\\d+\\r\\n:\\d{10}\\r\\n:\\d+\\r\\n\\*3\\r\\n\\$3\\r\\nSET\\r\\n\\$1\\r\\nk\\r\\n' +
      `\\$147\\r\\n${'v'.repeat(128)}\\.\\.\\. \\(72 more bytes\\)\\r\\n`,
    ));
    const ids = [...got.matchAll(/\*6\r\n:(\d+)/g)].map((m) => Number(m[1]));
    expect(ids[0]).toBe(ids[1] + 1);
    expect(Number((await c.call('SLOWLOG', 'LEN')).slice(1, -2))).toBeGreaterThanOrEqual(4);
    expect(await c.call('SLOWLOG', 'RESET')).toBe('+OK\r\n');
    expect(await c.call('SLOWLOG', 'GET', '-1')).toMatch(/^\*1\r\n\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n\*2\r\n\$7\r\nSLOWLOG\r\n\$5\r\nRESET\r\n/);
    await c.call('CONFIG', 'SET', 'masterauth', 'secret', 'hz', '10');
    const redacted = await c.call('SLOWLOG', 'GET', '1');
    expect(redacted).toContain('$10\r\nmasterauth\r\n$10\r\n(redacted)\r\n$2\r\nhz\r\n$2\r\n10\r\n');
    expect(redacted).not.toContain('secret');
    expect(await c.call('CONFIG', 'GET', 'masterauth')).toBe('*2\r\n$10\r\nmasterauth\r\n$6\r\nsecret\r\n');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
    await c.call('SLOWLOG', 'RESET');
    await c.call('GET', 'k');
    expect(await c.call('SLOWLOG', 'LEN')).toBe(':0\r\n');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000', 'slowlog-max-len', '128');
    c.close();
  });

  it('LATENCY records slow commands as the "command" event above latency-monitor-threshold', async () => {
    const c = await RespConn.connect(s.port);
    expect(await c.call('LATENCY', 'DOCTOR')).toMatch(/^\$\d+\r\n[^\r]*disabled/i);
    await c.call('CONFIG', 'SET', 'latency-monitor-threshold', '20');
    await c.call('DEBUG', 'SLEEP', '0');
    expect(await c.call('LATENCY', 'LATEST')).toBe('*0\r\n');
    await c.call('DEBUG', 'SLEEP', '0.05');
    const latest = await c.call('LATENCY', 'LATEST');
    const m = /^\*1\r\n\*4\r\n\$7\r\ncommand\r\n:(\d+)\r\n:(\d+)\r\n:(\d+)\r\n$/.exec(latest);
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m![1]) - Date.now() / 1000)).toBeLessThan(5);
    expect(Number(m![2])).toBeGreaterThanOrEqual(50);
    expect(m![3]).toBe(m![2]);
    expect(await c.call('LATENCY', 'HISTORY', 'command')).toMatch(/^\*1\r\n\*2\r\n:\d+\r\n:\d+\r\n$/);
    expect(await c.call('LATENCY', 'GRAPH', 'command')).toMatch(/^\$\d+\r\ncommand - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n/);
    expect(await c.call('LATENCY', 'DOCTOR')).toMatch(/command/);
    await c.call('HELLO', '3');
    expect(await c.call('LATENCY', 'DOCTOR')).toMatch(/^=\d+\r\ntxt:/);
    expect(await c.call('LATENCY', 'RESET', 'command', 'other')).toBe(':1\r\n');
    expect(await c.call('LATENCY', 'LATEST')).toBe('*0\r\n');
    await c.call('CONFIG', 'SET', 'latency-monitor-threshold', '0');
    c.close();
  });

  it('LATENCY HISTOGRAM gives calls and a cumulative power-of-two distribution per command', async () => {
    const c = await RespConn.connect(s.port);
    await c.call('CONFIG', 'RESETSTAT');
    for (let i = 0; i < 5; i++) await c.call('SET', 'h', 'v');
    await c.call('CONFIG', 'GET', 'hz');
    const h = await c.call('LATENCY', 'HISTOGRAM', 'set', 'config', 'nosuch');
    const m = /^\*6\r\n\$3\r\nset\r\n\*4\r\n\$5\r\ncalls\r\n:5\r\n\$14\r\nhistogram_usec\r\n\*(\d+)\r\n((?::\d+\r\n)+)\$10\r\nconfig\|get\r\n/.exec(h);
    expect(m).not.toBeNull();
    const nums = m![2].split('\r\n').filter((x) => x !== '').map((x) => Number(x.slice(1)));
    expect(nums.length).toBe(Number(m![1]));
    expect(nums[nums.length - 1]).toBe(5);
    for (let i = 2; i < nums.length; i += 2) {
      expect(nums[i]).toBeGreaterThan(nums[i - 2]);
      expect(nums[i + 1]).toBeGreaterThan(nums[i - 1]);
    }
    c.close();
  });

  it('MEMORY STATS has Redis\'s fields; DOCTOR and MALLOC-STATS reply with text', async () => {
    const c = await RespConn.connect(s.port);
    await c.call('SET', 'm', 'v');
    const stats = await c.call('MEMORY', 'STATS');
    const keys = [...stats.matchAll(/\$\d+\r\n([a-z][a-z0-9.-]+)\r\n/g)].map((x) => x[1]);
    expect(keys).toEqual([
      'peak.allocated', 'total.allocated', 'startup.allocated', 'replication.backlog', 'clients.slaves', 'clients.normal',
      'cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches', 'db.0', 'overhead.hashtable.main',
      'overhead.hashtable.expires', 'overhead.hashtable.slot-to-keys', 'overhead.total', 'keys.count', 'keys.bytes-per-key',
      'dataset.bytes', 'dataset.percentage', 'peak.percentage', 'allocator.allocated', 'allocator.active',
      'allocator.resident', 'allocator-fragmentation.ratio', 'allocator-fragmentation.bytes', 'allocator-rss.ratio',
      'allocator-rss.bytes', 'rss-overhead.ratio', 'rss-overhead.bytes', 'fragmentation', 'fragmentation.bytes',
    ]);
    expect(stats.startsWith('*56\r\n')).toBe(true);
    expect(await c.call('MEMORY', 'DOCTOR')).toMatch(/^\$\d+\r\n\S/);
    expect(await c.call('MEMORY', 'MALLOC-STATS')).toMatch(/^\$\d+\r\n/);
    const help = await c.call('MEMORY', 'HELP');
    expect(help).toMatch(/^\*\d+\r\n\+MEMORY <subcommand> /);
    expect(help).toContain('\r\n+USAGE <key> [SAMPLES <count>]\r\n');
    c.close();
  });

  it('TIME is the current time as seconds and microseconds; LASTSAVE is the start time without saves', async () => {
    const c = await RespConn.connect(s.port);
    const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n$/.exec(await c.call('TIME'))!;
    const t = Number(m[1]) + Number(m[2]) / 1e6;
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(2);
    expect(Number(m[2])).toBeLessThan(1e6);
    const last = Number((await c.call('LASTSAVE')).slice(1, -2));
    expect(Date.now() / 1000 - last).toBeGreaterThanOrEqual(0);
    expect(Date.now() / 1000 - last).toBeLessThan(120);
    c.close();
  });

  it('MEMORY USAGE of a skiplist sorted set is within a few percent of redis-server (node levels are random)', async () => {
    const r = await startRedis();
    const [a, b] = await Promise.all([RespConn.connect(s.port), RespConn.connect(r.port)]);
    const args = many('m', 200).flatMap((m, i) => [String(i), m]);
    await Promise.all([a.call('ZADD', 'bigz', ...args), b.call('ZADD', 'bigz', ...args)]);
    const [x, y] = await Promise.all([a.call('MEMORY', 'USAGE', 'bigz', 'SAMPLES', '0'), b.call('MEMORY', 'USAGE', 'bigz', 'SAMPLES', '0')]);
    expect(Math.abs(Number(x.slice(1, -2)) / Number(y.slice(1, -2)) - 1)).toBeLessThan(0.1);
    a.close();
    b.close();
    await r.stop();
  });

  it('DEBUG OBJECT describes the encoding and serialized length of strings', async () => {
    const c = await RespConn.connect(s.port);
    await c.call('SET', 'o', '12345');
    expect(await c.call('DEBUG', 'OBJECT', 'o')).toMatch(/^\+Value at:0x[0-9a-f]+ refcount:1 encoding:int serializedlength:3 lru:\d+ lru_seconds_idle:\d+\r\n$/);
    await c.call('SET', 'o', 'abc');
    expect(await c.call('DEBUG', 'OBJECT', 'o')).toMatch(/encoding:embstr serializedlength:4 /);
    await c.call('SET', 'o', 'z'.repeat(100));
    expect(await c.call('DEBUG', 'OBJECT', 'o')).toMatch(/encoding:raw serializedlength:102 /);
    c.close();
  });

  it('DEBUG OBJECT keeps a value\'s address through in-place changes, as Redis\'s object pointer', async () => {
    const c = await RespConn.connect(s.port);
    const at = async (key: string): Promise<string> => /at:(0x[0-9a-f]{12}) /.exec(await c.call('DEBUG', 'OBJECT', key))![1];
    await c.call('SET', 'n', '20000');
    const n = await at('n');
    await c.call('INCR', 'n');
    expect(await at('n')).toBe(n);
    await c.call('RPUSH', 'l', 'a');
    const l = await at('l');
    await c.call('RPUSH', 'l', 'b');
    expect(await at('l')).toBe(l);
    expect(l).not.toBe(n);
    // A new object under the same name has a new address.
    await c.call('DEL', 'l');
    await c.call('RPUSH', 'l', 'a');
    expect(await at('l')).not.toBe(l);
    c.close();
  });

  it('DEBUG PAUSE-CRON 1 stops the periodic work (here: active expiry) until 0', async () => {
    const c = await RespConn.connect(s.port);
    await c.call('FLUSHALL');
    expect(await c.call('DEBUG', 'PAUSE-CRON', '1')).toBe('+OK\r\n');
    await c.call('SET', 'e', 'v', 'PX', '10');
    await new Promise((r) => setTimeout(r, 300));
    expect(await c.call('DBSIZE')).toBe(':1\r\n');
    expect(await c.call('DEBUG', 'PAUSE-CRON', '0')).toBe('+OK\r\n');
    await until('active expiry to delete the key', async () => (await c.call('DBSIZE')) === ':0\r\n', 5000);
    c.close();
  });

  it('DEBUG SET-ACTIVE-EXPIRE 0 leaves expired keys in place until they are accessed', async () => {
    const c = await RespConn.connect(s.port);
    await c.call('FLUSHALL');
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.call('SET', 'e', 'v', 'PX', '10');
    await new Promise((r) => setTimeout(r, 300));
    expect(await c.call('DBSIZE')).toBe(':1\r\n');
    expect(await c.call('GET', 'e')).toBe('$-1\r\n');
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    await c.call('SET', 'e', 'v', 'PX', '10');
    await new Promise((r) => setTimeout(r, 400));
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
    c.close();
  });

  it('DEBUG CHANGE-REPL-ID gives a new master_replid', async () => {
    const c = await RespConn.connect(s.port);
    const before = /master_replid:([0-9a-f]{40})/.exec(await c.call('INFO', 'replication'))![1];
    expect(await c.call('DEBUG', 'CHANGE-REPL-ID')).toBe('+OK\r\n');
    const after = /master_replid:([0-9a-f]{40})/.exec(await c.call('INFO', 'replication'))![1];
    expect(after).not.toBe(before);
    c.close();
  });
});

describe('HELP of the server containers', () => {
  it('frames one status line per description like Redis, naming every subcommand', async () => {
    const s = await startShoal(['--enable-debug-command', 'yes']);
    const c = await RespConn.connect(s.port);
    const subs: [string[], string[]][] = [
      [['SLOWLOG', 'HELP'], ['GET', 'LEN', 'RESET']],
      [['LATENCY', 'HELP'], ['DOCTOR', 'GRAPH', 'HISTORY', 'LATEST', 'RESET', 'HISTOGRAM']],
      [['MEMORY', 'HELP'], ['DOCTOR', 'MALLOC-STATS', 'PURGE', 'STATS', 'USAGE']],
      [['DEBUG', 'HELP'], ['DIGEST', 'DIGEST-VALUE', 'OBJECT', 'SLEEP', 'SET-ACTIVE-EXPIRE', 'POPULATE', 'PROTOCOL', 'CHANGE-REPL-ID']],
    ];
    for (const [argv, names] of subs) {
      const cmd = argv[0];
      const help = await c.call(...argv);
      const lines = help.split('\r\n').slice(1, -1);
      expect(help.startsWith(`*${lines.length}\r\n`)).toBe(true);
      expect(lines[0]).toBe(`+${cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
      expect(lines.slice(-2)).toEqual(['+HELP', '+    Prints this help.']);
      for (const n of names) expect(lines.some((l) => l === `+${n}` || l.startsWith(`+${n} `))).toBe(true);
      for (const l of lines) expect(l.startsWith('+')).toBe(true);
    }
    c.close();
    await s.stop();
  });
});

describe('DEBUG when enable-debug-command is no', () => {
  it('is rejected before it runs, counted as a rejected call like Redis', async () => {
    const s = await startShoal();
    const c = await RespConn.connect(s.port);
    expect(await c.call('DEBUG', 'SLEEP', '0')).toMatch(/^-ERR DEBUG command not allowed\. If the enable-debug-command option is set to "local"/);
    expect(await c.call('DEBUG')).toBe("-ERR wrong number of arguments for 'debug' command\r\n");
    const info = await c.call('INFO', 'commandstats');
    expect(info).toContain('cmdstat_debug:calls=0,usec=0,usec_per_call=0.00,rejected_calls=2,failed_calls=0\r\n');
    c.close();
    await s.stop();
  });
});

describe('SHUTDOWN', () => {
  it('stops the server and closes connections, with or without NOSAVE/NOW/FORCE', async () => {
    for (const args of [[], ['NOSAVE'], ['SAVE', 'NOW', 'FORCE']]) {
      const s = await startShoal();
      const c = await RespConn.connect(s.port);
      const exited = new Promise<number | null>((r) => s.proc.once('exit', (code) => r(code)));
      c.send('SHUTDOWN', ...args);
      await c.waitClosed();
      expect(await exited).toBe(0);
      await expect(RespConn.connect(s.port)).rejects.toThrow();
      await s.stop();
    }
  });
});

describe.skipIf(!requireRedis())('DEBUG enable-debug-command local', () => {
  const { shoal, redis } = serverPair({ args: ['--enable-debug-command', 'local'] });

  it('allows DEBUG from a loopback connection, like redis-server', async () => {
    const [a, b] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
    expect(await a.call('DEBUG', 'DIGEST')).toBe(await b.call('DEBUG', 'DIGEST'));
    expect(await a.call('DEBUG', 'DIGEST')).toBe('+0000000000000000000000000000000000000000\r\n');
    a.close();
    b.close();
  });
});
