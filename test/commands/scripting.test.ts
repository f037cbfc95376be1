import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

// Scripting over real sockets: busy scripts and SCRIPT/FUNCTION KILL, effects replication to the
// AOF and to a real redis-server replica, functions persisted in RDB files both ways, INFO.

const LOOP = 'local i = 0 while true do i = i + 1 end';
const LIB = "#!lua name=lib\nredis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)\n" +
  "redis.register_function('put', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";

describe('busy scripts', () => {
  let shoal: RunningServer;
  beforeAll(async () => {
    shoal = await startShoal(['--busy-reply-threshold', '100', '--enable-debug-command', 'yes']);
  });
  afterAll(async () => {
    await shoal?.stop();
  });

  it('answers -BUSY past the threshold, and SCRIPT KILL ends the script with Redis\'s error', async () => {
    const a = await RespConn.connect(shoal.port);
    const b = await RespConn.connect(shoal.port);
    a.send('EVAL', LOOP, '0');
    await new Promise((r) => setTimeout(r, 250));
    expect(await b.call('PING')).toBe('-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n');
    expect(await b.call('GET', 'x')).toMatch(/^-BUSY /);
    expect(await b.call('FUNCTION', 'KILL')).toBe('-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n');
    expect(await b.call('FUNCTION', 'STATS')).toBe('-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n');
    // A new connection is served too (the event loop turns between slices of the script).
    const c = await RespConn.connect(shoal.port);
    expect(await c.call('PING')).toMatch(/^-BUSY /);
    expect(await b.call('SCRIPT', 'KILL')).toBe('+OK\r\n');
    expect((await a.read(1))[0]).toBe('-ERR Script killed by user with SCRIPT KILL... script: 3fcf51a9b854b8f66cb8685600b0d7df968f4398, on @user_script:1.\r\n');
    expect(await b.call('PING')).toBe('+PONG\r\n');
    expect(await a.call('PING')).toBe('+PONG\r\n');
    expect(await b.call('SCRIPT', 'KILL')).toBe('-NOTBUSY No scripts in execution right now.\r\n');
    // pcall inside the script cannot catch the kill.
    a.send('EVAL', 'while true do pcall(function() local i = 0 while true do i = i + 1 end end) end', '0');
    await new Promise((r) => setTimeout(r, 250));
    expect(await b.call('SCRIPT', 'KILL')).toBe('+OK\r\n');
    expect((await a.read(1))[0]).toMatch(/^-ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.\r\n$/);
    for (const x of [a, b, c]) x.close();
  });

  it('a client blocked on a key a busy script pushes to is served when the script ends, not in between', async () => {
    const [a, popper, admin, other] = await Promise.all([0, 1, 2, 3].map(() => RespConn.connect(shoal.port)));
    await admin.call('DEL', 'bq');
    popper.send('BLPOP', 'bq', '0');
    await new Promise((r) => setTimeout(r, 50));
    await admin.call('DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '1');
    // Pushes y, loops until a client named 'stopnow' shows up, then pushes z.
    const script = "redis.call('lpush', KEYS[1], 'y') while not string.find(redis.call('client', 'list'), 'stopnow') do end " +
      "redis.call('lpush', KEYS[1], 'z') return 1";
    a.send('EVAL', script, '1', 'bq');
    await new Promise((r) => setTimeout(r, 250));
    expect(await admin.call('PING')).toMatch(/^-BUSY /);
    // Allowed while busy; before, it served the blocked client with the script's first push.
    expect(await other.call('HELLO', '2', 'SETNAME', 'stopnow')).toMatch(/^\*14\r\n/);
    expect(await a.read(1)).toEqual([':1\r\n']);
    expect(await popper.read(1)).toEqual(['*2\r\n$2\r\nbq\r\n$1\r\nz\r\n']);
    await admin.call('DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '0');
    for (const x of [a, popper, admin, other]) x.close();
  });

  it('keys do not expire actively while a busy script is suspended', async () => {
    const a = await RespConn.connect(shoal.port);
    const s = await RespConn.connect(shoal.port);
    await a.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ex');
    await s.call('SUBSCRIBE', '__keyevent@0__:expired');
    await a.call('SET', 'short', 'v', 'PX', '50');
    let eventAt = 0;
    s.socket.once('data', () => (eventAt = performance.now()));
    a.send('EVAL', 'local i = 0 while i < 6000000 do i = i + 1 end return i', '0');
    const [reply] = await a.read(1, 20000);
    const replyAt = performance.now();
    expect(reply).toBe(':6000000\r\n');
    // The expiry event comes after the script's reply, not while it was suspended.
    expect(eventAt === 0 || eventAt >= replyAt).toBe(true);
    expect((await s.read(1, 3000))[0]).toBe('*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$5\r\nshort\r\n');
    a.close();
    s.close();
  });

  it('a script that wrote cannot be killed; FUNCTION KILL stops a function, SCRIPT KILL does not', async () => {
    const a = await RespConn.connect(shoal.port);
    const b = await RespConn.connect(shoal.port);
    // Writes, then spins well past the threshold (about a second on a quiet machine: 10M iterations
    // once finished before the kill arrived).
    a.send('EVAL', "redis.call('SET', 'w', '1') local i = 0 while i < 50000000 do i = i + 1 end return i", '0');
    await until('the script to be busy', async () => (await b.call('PING')).startsWith('-BUSY'), 10000, 20);
    expect(await b.call('SCRIPT', 'KILL')).toBe(
      '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the ' +
        'script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n',
    );
    expect((await a.read(1, 25000))[0]).toBe(':50000000\r\n');
    expect(await b.call('GET', 'w')).toBe('$1\r\n1\r\n');
    expect(await a.call('FUNCTION', 'LOAD', LIB)).toBe('$3\r\nlib\r\n');
    a.send('FCALL', 'spin', '0');
    await until('the function to be busy', async () => (await b.call('PING')).startsWith('-BUSY'), 10000, 20);
    expect(await b.call('SCRIPT', 'KILL')).toBe('-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n');
    expect(await b.call('PING')).toBe('-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n');
    expect(await b.call('FUNCTION', 'KILL')).toBe('+OK\r\n');
    expect((await a.read(1))[0]).toBe('-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n');
    a.close();
    b.close();
  });

  it('a loop in code the script compiles at run time makes it busy and killable too', async () => {
    const a = await RespConn.connect(shoal.port);
    const b = await RespConn.connect(shoal.port);
    // The script itself has no loop (it runs without the hook until it compiles code).
    a.send('EVAL', 'return loadstring(ARGV[1])()', '0', 'local i = 0 while true do i = i + 1 end');
    await until('the script to be busy', async () => (await b.call('PING')).startsWith('-BUSY'), 10000, 20);
    expect(await b.call('SCRIPT', 'KILL')).toBe('+OK\r\n');
    expect((await a.read(1))[0]).toMatch(/^-ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on /);
    expect(await a.call('EVAL', 'return ARGV[1]', '0', 'after')).toBe('$5\r\nafter\r\n');
    a.close();
    b.close();
  });
});

describe('HELP and the debugger', () => {
  let shoal: RunningServer;
  beforeAll(async () => {
    shoal = await startShoal();
  });
  afterAll(async () => {
    await shoal?.stop();
  });

  it('MONITOR shows a script before the commands it runs, those with the lua origin; keyspace events fire', async () => {
    const mon = await RespConn.connect(shoal.port);
    const sub = await RespConn.connect(shoal.port);
    const c = await RespConn.connect(shoal.port);
    expect(await mon.call('MONITOR')).toBe('+OK\r\n');
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KA');
    await sub.call('SUBSCRIBE', '__keyspace@0__:mk');
    expect(await c.call('EVAL', "redis.call('SET', KEYS[1], 'v') return redis.call('GET', KEYS[1])", '1', 'mk')).toBe('$1\r\nv\r\n');
    // CONFIG is an admin command (not shown); SUBSCRIBE is.
    const lines = await mon.read(3);
    expect(lines[0]).toMatch(/"SUBSCRIBE"/);
    expect(lines[1]).toMatch(/^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "EVAL" "redis\.call\('SET', KEYS\[1\], 'v'\) return redis\.call\('GET', KEYS\[1\]\)" "1" "mk"\r\n$/);
    expect(lines[2]).toMatch(/^\+\d+\.\d{6} \[0 lua\] "SET" "mk" "v"\r\n$/);
    expect((await mon.read(1))[0]).toMatch(/^\+\d+\.\d{6} \[0 lua\] "GET" "mk"\r\n$/);
    expect((await sub.read(1))[0]).toBe('*3\r\n$7\r\nmessage\r\n$17\r\n__keyspace@0__:mk\r\n$3\r\nset\r\n');
    for (const x of [mon, sub, c]) x.close();
  });

  it('SCRIPT HELP and FUNCTION HELP list their subcommands; SCRIPT DEBUG YES is refused', async () => {
    const c = await RespConn.connect(shoal.port);
    const help = await c.call('SCRIPT', 'HELP');
    for (const sub of ['DEBUG', 'EXISTS', 'FLUSH', 'KILL', 'LOAD', 'HELP']) expect(help).toMatch(new RegExp(`\\r\\n\\+${sub}\\b`));
    const fhelp = await c.call('FUNCTION', 'HELP');
    for (const sub of ['LOAD', 'DELETE', 'LIST', 'STATS', 'KILL', 'FLUSH', 'DUMP', 'RESTORE', 'HELP']) expect(fhelp).toMatch(new RegExp(`\\r\\n\\+${sub}\\b`));
    expect(await c.call('SCRIPT', 'DEBUG', 'YES')).toBe('-ERR The Lua debugger is not supported by this server\r\n');
    expect(await c.call('SCRIPT', 'DEBUG', 'NO')).toBe('+OK\r\n');
    c.close();
  });
});

describe('a server that has not run a script yet', () => {
  let shoal: RunningServer;
  beforeAll(async () => {
    shoal = await startShoal();
  });
  afterAll(async () => {
    await shoal?.stop();
  });

  it('INFO memory counts a Lua state once it exists: they are made on first use, not at start', async () => {
    const c = await RespConn.connect(shoal.port);
    const field = (info: string, name: string): number => Number(new RegExp(`\\r\\n${name}:(\\d+)\\r\\n`).exec(info)?.[1]);
    // Creating them for INFO would make it allocate megabytes: a maxmemory set from used_memory
    // just before would be exceeded by asking.
    const before = await c.call('INFO', 'memory');
    expect(field(before, 'used_memory_vm_total')).toBe(0);
    expect(await c.call('EVAL', 'return ARGV[1]', '0', 'x')).toBe('$1\r\nx\r\n');
    const after = await c.call('INFO', 'memory');
    expect(field(after, 'used_memory_lua')).toBeGreaterThan(0);
    expect(field(after, 'used_memory_vm_eval')).toBe(field(after, 'used_memory_lua'));
    expect(field(after, 'number_of_cached_scripts')).toBe(1);
    c.close();
  });

  it('strings keep their values when Lua frees them and reuses their addresses for others', async () => {
    const c = await RespConn.connect(shoal.port);
    // Same-length strings made and dropped in turn, collected every time: a string read from Lua
    // must not be taken for another that lived at the same address.
    const script = "for i = 1, 500 do local s = string.format('%05d', i) collectgarbage() " +
      "if redis.call('ECHO', s) ~= s or redis.call('ECHO', ARGV[1] .. i) ~= ARGV[1] .. i then return i end end return 0";
    expect(await c.call('EVAL', script, '0', 'k')).toBe(':0\r\n');
    c.close();
  });
});

describe('busy scripts inside a transaction', () => {
  let shoal: RunningServer;
  beforeAll(async () => {
    shoal = await startShoal(['--busy-reply-threshold', '50']);
  });
  afterAll(async () => {
    await shoal?.stop();
  });

  it('a long script in EXEC runs to its end: the next queued command cannot run in between', async () => {
    const a = await RespConn.connect(shoal.port);
    const b = await RespConn.connect(shoal.port);
    await a.call('MULTI');
    await a.call('EVAL', "local i = 0 while i < 3000000 do i = i + 1 end return redis.call('INCR', 'n')", '0');
    await a.call('SET', 'n', '100');
    a.send('EXEC');
    await new Promise((r) => setTimeout(r, 20));
    const ping = b.call('PING');
    expect((await a.read(1, 20000))[0]).toBe('*2\r\n:1\r\n+OK\r\n');
    expect(await ping).toBe('+PONG\r\n');
    expect(await b.call('GET', 'n')).toBe('$3\r\n100\r\n');
    a.close();
    b.close();
  });
});

describe('scripts under CLIENT PAUSE WRITE, DEBUG RELOAD of libraries', () => {
  let shoal: RunningServer;
  beforeAll(async () => {
    shoal = await startShoal(['--enable-debug-command', 'yes']);
  });
  afterAll(async () => {
    await shoal?.stop();
  });

  it('holds scripts that may write (no shebang, or flags without no-writes), also inside EXEC; read-only ones run', async () => {
    const admin = await RespConn.connect(shoal.port);
    await admin.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=p\nredis.register_function('pw', function() return redis.call('INCR', 'n') end)\n" +
      "redis.register_function{function_name='pr', callback=function() return 'r' end, flags={'no-writes'}}");
    const ro = await RespConn.connect(shoal.port);
    const held = await Promise.all([0, 1, 2, 3].map(() => RespConn.connect(shoal.port)));
    // (Queued before the pause: under it, the EVAL itself would wait, as in Redis.)
    held[3].send('MULTI');
    held[3].send('EVAL', '#!lua\nreturn 2', '0');
    expect(await held[3].read(2)).toEqual(['+OK\r\n', '+QUEUED\r\n']);
    expect(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('+OK\r\n');
    held[0].send('EVAL', "return redis.call('INCR', 'n')", '0');
    held[1].send('EVAL', '#!lua\nreturn 1', '0');
    held[2].send('FCALL', 'pw', '0');
    held[3].send('EXEC');
    expect(await ro.call('EVAL', '#!lua flags=no-writes\nreturn 3', '0')).toBe(':3\r\n');
    expect(await ro.call('EVAL_RO', "return redis.call('GET', 'n')", '0')).toBe('$-1\r\n');
    expect(await ro.call('FCALL', 'pr', '0')).toBe('$1\r\nr\r\n');
    expect(await ro.call('MULTI')).toBe('+OK\r\n');
    expect(await ro.call('EVAL', '#!lua flags=no-writes\nreturn 4', '0')).toBe('+QUEUED\r\n');
    expect(await ro.call('EXEC')).toBe('*1\r\n:4\r\n');
    await until('four clients held', async () => (await admin.call('INFO', 'clients')).includes('blocked_clients:4'), 2000);
    expect(await admin.call('GET', 'n')).toBe('$-1\r\n');
    expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(await held[0].read()).toEqual([':1\r\n']);
    expect(await held[1].read()).toEqual([':1\r\n']);
    expect(await held[2].read()).toEqual([':2\r\n']);
    expect(await held[3].read()).toEqual(['*1\r\n:2\r\n']);
    for (const c of [admin, ro, ...held]) c.close();
  });

  it('DEBUG RELOAD NOFLUSH fails on a library already there, MERGE replaces it; DEBUG RELOAD empties libraries first', async () => {
    const c = await RespConn.connect(shoal.port);
    await c.call('FUNCTION', 'FLUSH');
    await c.call('FUNCTION', 'LOAD', "#!lua name=kept\nredis.register_function('k', function() return 1 end)");
    expect(await c.call('DEBUG', 'RELOAD', 'NOFLUSH')).toBe('-ERR Error trying to load the RDB dump\r\n');
    expect(await c.call('DEBUG', 'RELOAD', 'NOFLUSH', 'MERGE')).toBe('+OK\r\n');
    expect(await c.call('FCALL', 'K', '0')).toBe(':1\r\n');
    await c.call('FUNCTION', 'LOAD', "#!lua name=unsaved\nredis.register_function('u', function() return 2 end)");
    expect(await c.call('DEBUG', 'RELOAD', 'NOSAVE')).toBe('+OK\r\n');
    expect(await c.call('FCALL', 'u', '0')).toBe('-ERR Function not found\r\n');
    expect(await c.call('FCALL', 'k', '0')).toBe(':1\r\n');
    c.close();
  });
});

describe('effects replication', () => {
  let shoal: RunningServer;
  beforeAll(async () => {
    shoal = await startShoal(['--appendonly', 'yes', '--appendfsync', 'always']);
  });
  afterAll(async () => {
    await shoal?.stop();
  });

  it('writes of a script reach the AOF as commands, several wrapped in MULTI/EXEC; set_repl(REPL_NONE) keeps writes out', async () => {
    const c = await RespConn.connect(shoal.port);
    await c.call('EVAL', "redis.call('SET', 'a', '1') redis.call('INCR', 'a') return redis.call('GET', 'a')", '0');
    await c.call('EVAL', "redis.call('SET', 'single', 'x')", '0');
    await c.call('EVAL', "return redis.call('GET', 'a')", '0');
    await c.call('EVAL', "redis.set_repl(redis.REPL_NONE) redis.call('SET', 'hidden', '1') redis.set_repl(redis.REPL_ALL) redis.call('SET', 'shown', '1')", '0');
    await c.call('EVAL', "redis.call('SET', 'e', '1', 'EX', '100')", '0');
    await c.call('FUNCTION', 'LOAD', "#!lua name=w\nredis.register_function('w', function() return redis.call('SET', 'f', '1') end)");
    await c.call('FCALL', 'w', '0');
    await c.call('MULTI');
    await c.call('EVAL', "redis.call('SET', 'm', '1')", '0');
    await c.call('EXEC');
    c.close();
    const dir = path.join(shoal.dir, 'appendonlydir');
    const incr = fs.readdirSync(dir).find((f) => f.endsWith('.incr.aof'))!;
    const aof = fs.readFileSync(path.join(dir, incr), 'latin1');
    const cmds = aof.split(/\*\d+\r\n/).filter((x) => x !== '').map((x) => x.split('\r\n').filter((_, i) => i % 2 === 1).join(' '));
    expect(cmds).toEqual([
      'SELECT 0', 'MULTI', 'SET a 1', 'INCR a', 'EXEC', 'SET single x', 'SET shown 1',
      expect.stringMatching(/^SET e 1 PXAT \d+$/),
      expect.stringMatching(/^FUNCTION LOAD /), 'SET f 1', 'SET m 1',
    ]);
  });
});

describe('libraries in a rewritten AOF', () => {
  for (const preamble of ['yes', 'no']) {
    it(`survive BGREWRITEAOF and a restart (aof-use-rdb-preamble ${preamble})`, async () => {
      const args = ['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble];
      const s = await startShoal(args);
      const c = await RespConn.connect(s.port);
      expect(await c.call('FUNCTION', 'LOAD', LIB)).toBe('$3\r\nlib\r\n');
      expect(await c.call('BGREWRITEAOF')).toMatch(/^\+Background append only file rewriting/);
      for (let i = 0; i < 200 && !/aof_rewrite_in_progress:0\r\n[^]*aof_rewrite_scheduled:0/.test(await c.call('INFO', 'persistence')); i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      await new Promise((r) => setTimeout(r, 100));
      c.close();
      const copy = fs.mkdtempSync('/tmp/shoal-lua-aof-');
      // The rewrite's last step (removing the old files) may still be under way: copy again until whole.
      for (let i = 0; ; i++) {
        try {
          fs.cpSync(path.join(s.dir, 'appendonlydir'), path.join(copy, 'appendonlydir'), { recursive: true });
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || i === 20) throw err;
          fs.rmSync(path.join(copy, 'appendonlydir'), { recursive: true, force: true });
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      await s.stop();
      const again = await startShoal([...args, '--dir', copy]);
      const c2 = await RespConn.connect(again.port);
      expect(await c2.call('FCALL', 'put', '1', 'k', 'v')).toBe('+OK\r\n');
      c2.close();
      await again.stop();
      fs.rmSync(copy, { recursive: true, force: true });
    });
  }
});

describe.skipIf(!requireRedis())('with a real redis-server', () => {
  let shoal: RunningServer;
  let redis: RunningServer;
  beforeAll(async () => {
    shoal = await startShoal();
  });
  afterAll(async () => {
    await Promise.all([shoal?.stop(), redis?.stop()]);
  });

  it('a redis-server replica of Shoal applies script effects and functions', async () => {
    redis = await startRedis(['--replicaof', '127.0.0.1', String(shoal.port)]);
    const c = await RespConn.connect(shoal.port);
    const r = await RespConn.connect(redis.port);
    expect(await c.call('FUNCTION', 'LOAD', LIB)).toBe('$3\r\nlib\r\n');
    await c.call('EVAL', "redis.call('SET', 'k1', 'v1') redis.call('RPUSH', 'l', 'a', 'b') return 1", '0');
    await c.call('FCALL', 'put', '1', 'k2', 'v2');
    for (let i = 0; i < 100; i++) {
      if ((await r.call('GET', 'k2')) === '$2\r\nv2\r\n') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(await r.call('GET', 'k1')).toBe('$2\r\nv1\r\n');
    expect(await r.call('LRANGE', 'l', '0', '-1')).toBe('*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    expect(await r.call('FCALL', 'put', '1', 'x', 'y')).toBe("-READONLY You can't write against a read only replica.\r\n");
    expect(await r.call('FUNCTION', 'LIST')).toMatch(/library_name\r\n\$3\r\nlib/);
    c.close();
    r.close();
    await redis.stop();
  });

  it('libraries survive a restart through the RDB file, and Redis loads that file', async () => {
    const s = await startShoal();
    const c = await RespConn.connect(s.port);
    expect(await c.call('FUNCTION', 'LOAD', LIB)).toBe('$3\r\nlib\r\n');
    await c.call('SET', 'k', 'v');
    expect(await c.call('SAVE')).toBe('+OK\r\n');
    c.close();
    const file = path.join(s.dir, 'dump.rdb');
    const copy = fs.mkdtempSync('/tmp/shoal-lua-rdb-');
    fs.copyFileSync(file, path.join(copy, 'dump.rdb'));
    await s.stop();
    const again = await startShoal(['--dir', copy]);
    const c2 = await RespConn.connect(again.port);
    expect(await c2.call('FCALL', 'put', '1', 'k', 'v2')).toBe('+OK\r\n');
    expect(await c2.call('FUNCTION', 'LIST')).toMatch(/library_name\r\n\$3\r\nlib/);
    c2.close();
    await again.stop();
    const red = await startRedis(['--dir', copy]);
    const r = await RespConn.connect(red.port);
    expect(await r.call('FCALL', 'put', '1', 'k', 'v3')).toBe('+OK\r\n');
    expect(await r.call('GET', 'k')).toBe('$2\r\nv3\r\n');
    // And the other way: Redis's own file (with its compressed FUNCTION2 record) loads into Shoal.
    expect(await r.call('FUNCTION', 'LOAD', "#!lua name=second\nredis.register_function('two', function() return 2 end)")).toBe('$6\r\nsecond\r\n');
    expect(await r.call('SAVE')).toBe('+OK\r\n');
    r.close();
    await red.stop();
    const third = await startShoal(['--dir', copy]);
    const c3 = await RespConn.connect(third.port);
    expect(await c3.call('FCALL', 'two', '0')).toBe(':2\r\n');
    expect(await c3.call('GET', 'k')).toBe('$2\r\nv3\r\n');
    c3.close();
    await third.stop();
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it('FUNCTION DUMP payloads restore across servers', async () => {
    const red = await startRedis();
    const r = await RespConn.connect(red.port);
    const c = await RespConn.connect(shoal.port);
    await c.call('FUNCTION', 'FLUSH');
    await c.call('FUNCTION', 'LOAD', LIB);
    const { default: Redis } = await import('ioredis');
    const s = new Redis({ port: shoal.port });
    const payload = (await s.callBuffer('FUNCTION', 'DUMP')) as Buffer;
    expect(await r.call('FUNCTION', 'RESTORE', payload)).toBe('+OK\r\n');
    expect(await r.call('FCALL', 'put', '1', 'k', 'v')).toBe('+OK\r\n');
    const rr = new Redis({ port: red.port });
    await rr.call('FUNCTION', 'LOAD', "#!lua name=other\nredis.register_function('other', function() return 'o' end)");
    const theirs = (await rr.callBuffer('FUNCTION', 'DUMP')) as Buffer;
    expect(await c.call('FUNCTION', 'RESTORE', theirs)).toBe('-ERR Library lib already exists\r\n');
    expect(await c.call('FUNCTION', 'RESTORE', theirs, 'REPLACE')).toBe('+OK\r\n');
    expect(await c.call('FCALL', 'other', '0')).toBe('$1\r\no\r\n');
    expect(await c.call('FUNCTION', 'RESTORE', Buffer.from('garbage'))).toBe('-ERR DUMP payload version or checksum are wrong\r\n');
    s.disconnect();
    rr.disconnect();
    r.close();
    c.close();
    await red.stop();
  });

  it('tables nested past Lua 5.1\'s stack (or containing themselves) end in the same bytes as Redis', async () => {
    const red = await startRedis();
    const raw = async (port: number, body: string): Promise<string> => {
      const sock = net.connect(port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      sock.write(`*3\r\n$4\r\nEVAL\r\n$${body.length}\r\n${body}\r\n$1\r\n0\r\n`);
      let out = '';
      sock.on('data', (d) => (out += d.toString('latin1')));
      for (let i = 0; i < 200 && !/(limit|42)\r\n$|nil\r\n$|\$-1\r\n$/.test(out); i++) await new Promise((r) => setTimeout(r, 10));
      sock.destroy();
      return out;
    };
    for (const body of [
      'local t = {} t[1] = t return t', 'local t = {} t[1] = {1, t} return t', 'local t = {map = {}} t.map.k = t return t',
      'local t = {set = {}} t.set[t] = true return t', 'local t = {map = {}} t.map[t] = 1 return t',
      'local t = {} local c = t for i = 1, 7994 do c[1] = {} c = c[1] end c[1] = 42 return t',
      'local t = {} local c = t for i = 1, 7995 do c[1] = {} c = c[1] end c[1] = 42 return t',
    ]) {
      const [ours, theirs] = [await raw(shoal.port, body), await raw(red.port, body)];
      expect(ours.length).toBeGreaterThan(1000);
      expect(ours === theirs).toBe(true);
    }
    await red.stop();
  });

  it('INFO memory counts cached scripts, libraries and Lua memory', async () => {
    const c = await RespConn.connect(shoal.port);
    await c.call('SCRIPT', 'FLUSH');
    await c.call('SCRIPT', 'LOAD', 'return 1');
    await c.call('SCRIPT', 'LOAD', 'return 2');
    const info = await c.call('INFO', 'memory');
    expect(info).toMatch(/\r\nnumber_of_cached_scripts:2\r\n/);
    expect(info).toMatch(/\r\nused_memory_lua:[1-9]\d*\r\n/);
    expect(info).toMatch(/\r\nnumber_of_libraries:\d+\r\n/);
    c.close();
  });
});
