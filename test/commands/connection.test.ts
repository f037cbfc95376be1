import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import { RespConn, requireRedis, serverPair, startShoal, type RunningServer } from '../helpers/server.js';
import { differential } from '../helpers/differential.js';

describe('connection basics', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal();
  });
  afterAll(() => s.stop());

  it('answers PING in multibulk and inline form, pipelined in order', async () => {
    const c = await RespConn.connect(s.port);
    c.write('PING\r\n*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\nECHO "a b"\r\n');
    expect(await c.read(3)).toEqual(['+PONG\r\n', '$3\r\nabc\r\n', '$3\r\na b\r\n']);
    c.close();
  });

  it('RESET returns to RESP2, db 0, no name, no MONITOR', async () => {
    const c = await RespConn.connect(s.port);
    const other = await RespConn.connect(s.port);
    expect(await c.call('SELECT', '3')).toBe('+OK\r\n');
    expect((await c.call('HELLO', '3', 'SETNAME', 'before')).startsWith('%7\r\n')).toBe(true);
    expect(await c.call('MONITOR')).toBe('+OK\r\n');
    expect(await c.call('RESET')).toBe('+RESET\r\n');
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$-1\r\n');
    const info = await c.call('CLIENT', 'INFO');
    expect(info).toMatch(/ db=0 /);
    expect(info).toMatch(/ resp=2\n/);
    expect(info).toMatch(/ flags=N /);
    // No longer a monitor: another client's command is not streamed to it.
    expect(await other.call('PING')).toBe('+PONG\r\n');
    expect(await c.call('ECHO', 'after')).toBe('$5\r\nafter\r\n');
    c.close();
    other.close();
  });

  it('RESET clears CLIENT REPLY OFF', async () => {
    const c = await RespConn.connect(s.port);
    c.send('CLIENT', 'REPLY', 'OFF');
    c.send('RESET');
    c.send('PING');
    expect(await c.read(2)).toEqual(['+RESET\r\n', '+PONG\r\n']);
    c.close();
  });

  it('CLIENT SETINFO (7.2) records the library without error, as ioredis and node-redis send it', async () => {
    const c = await RespConn.connect(s.port);
    expect(await c.call('CLIENT', 'SETINFO', 'LIB-NAME', 'mylib')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'SETINFO', 'lib-ver', '1.2.3')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'SETINFO', 'lib-name', 'a b')).toBe('-ERR lib-name cannot contain spaces, newlines or special characters.\r\n');
    expect(await c.call('CLIENT', 'SETINFO', 'other', 'x')).toBe("-ERR Unrecognized option 'other'\r\n");
    expect(await c.call('CLIENT', 'SETINFO', 'lib-name')).toBe("-ERR wrong number of arguments for 'client|setinfo' command\r\n");
    c.close();
  });

  it('CLIENT NO-TOUCH (7.2) and NO-EVICT show as flags T and e', async () => {
    const c = await RespConn.connect(s.port);
    expect(await c.call('CLIENT', 'NO-TOUCH', 'on')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'NO-EVICT', 'ON')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ flags=eT /);
    expect(await c.call('CLIENT', 'NO-TOUCH', 'maybe')).toBe('-ERR syntax error\r\n');
    expect(await c.call('CLIENT', 'NO-TOUCH', 'off')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'NO-EVICT', 'off')).toBe('+OK\r\n');
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ flags=N /);
    c.close();
  });

  it('CLIENT HELP lists the subcommands as status lines', async () => {
    const c = await RespConn.connect(s.port);
    const help = await c.call('CLIENT', 'HELP');
    const lines = help.split('\r\n').slice(1, -1);
    expect(help.startsWith(`*${lines.length}\r\n`)).toBe(true);
    expect(lines.every((l) => l.startsWith('+'))).toBe(true);
    expect(lines[0]).toMatch(/^\+CLIENT <subcommand>/);
    expect(lines[lines.length - 2]).toBe('+HELP');
    for (const sub of ['KILL', 'LIST', 'PAUSE', 'REPLY', 'SETNAME', 'UNPAUSE', 'NO-EVICT', 'UNBLOCK']) {
      expect(lines.some((l) => l.startsWith(`+${sub}`))).toBe(true);
    }
    c.close();
  });

  it('ioredis connects, names itself and runs commands', async () => {
    const r = new Redis({ port: s.port, connectionName: 'io-conn', lazyConnect: true, enableReadyCheck: false });
    await r.connect();
    expect(await r.ping()).toBe('PONG');
    expect(await r.client('GETNAME')).toBe('io-conn');
    expect(await r.client('ID')).toBeGreaterThan(0);
    r.disconnect();
  });
});

describe('AUTH with requirepass', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal(['--requirepass', 's3cret']);
  });
  afterAll(() => s.stop());

  it('needs AUTH, accepts the password alone or as the default user, and RESET requires it again', async () => {
    const c = await RespConn.connect(s.port);
    expect(await c.call('GET', 'k')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'nope')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await c.call('AUTH', 'someone', 's3cret')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(await c.call('AUTH', 's3cret')).toBe('+OK\r\n');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    expect(await c.call('RESET')).toBe('+RESET\r\n');
    expect(await c.call('GET', 'k')).toBe('-NOAUTH Authentication required.\r\n');
    expect(await c.call('AUTH', 'default', 's3cret')).toBe('+OK\r\n');
    expect(await c.call('GET', 'k')).toBe('$-1\r\n');
    c.close();
  });

  it('HELLO authenticates with AUTH and refuses to switch protocol without it', async () => {
    const c = await RespConn.connect(s.port);
    expect(await c.call('HELLO', '3')).toMatch(/^-NOAUTH HELLO must be called/);
    expect(await c.call('HELLO', '3', 'AUTH', 'default', 'bad')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    const hello = await c.call('HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'me');
    expect(hello.startsWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n')).toBe(true);
    expect(await c.call('CLIENT', 'GETNAME')).toBe('$2\r\nme\r\n');
    c.close();
  });

  it('ioredis authenticates with a password', async () => {
    const r = new Redis({ port: s.port, password: 's3cret', lazyConnect: true, enableReadyCheck: false });
    await r.connect();
    expect(await r.ping()).toBe('PONG');
    r.disconnect();
  });
});

const haveRedis = requireRedis();

/** Send raw bytes, wait, and return everything received (for commands whose replies are suppressed). */
async function rawExchange(port: number, script: string[][], settleMs = 150): Promise<string> {
  const c = await RespConn.connect(port);
  for (const cmd of script) c.send(...cmd);
  await new Promise((r) => setTimeout(r, settleMs));
  const frames: string[] = [];
  for (;;) {
    try {
      frames.push(...(await c.read(1, 20)));
    } catch {
      break;
    }
  }
  c.close();
  return frames.join('');
}

describe.skipIf(!haveRedis)('against redis-server: suppressed replies and MONITOR', () => {
  const { shoal, redis } = serverPair();

  const replyScripts: Record<string, string[][]> = {
    'CLIENT REPLY OFF then ON': [['CLIENT', 'REPLY', 'OFF'], ['PING'], ['ECHO', 'a'], ['CLIENT', 'REPLY', 'BAD'], ['CLIENT', 'REPLY', 'ON'], ['ECHO', 'b']],
    'CLIENT REPLY SKIP': [['CLIENT', 'REPLY', 'SKIP'], ['ECHO', 'a'], ['ECHO', 'b'], ['CLIENT', 'REPLY', 'SKIP'], ['NOSUCH'], ['ECHO', 'c']],
    'CLIENT REPLY SKIP while OFF is ignored': [['CLIENT', 'REPLY', 'OFF'], ['CLIENT', 'REPLY', 'SKIP'], ['ECHO', 'a'], ['CLIENT', 'REPLY', 'ON'], ['ECHO', 'b'], ['ECHO', 'c']],
    'MONITOR twice is silent': [['MONITOR'], ['MONITOR'], ['PING']],
    'RESET ends REPLY OFF but not a pending SKIP': [
      ['CLIENT', 'REPLY', 'OFF'], ['RESET'], ['ECHO', 'a'], ['CLIENT', 'REPLY', 'SKIP'], ['RESET'], ['ECHO', 'b'],
    ],
  };
  for (const [title, script] of Object.entries(replyScripts)) {
    it(title, async () => {
      const [got, want] = await Promise.all([rawExchange(shoal.port, script), rawExchange(redis.port, script)]);
      // MONITOR lines carry a time stamp and the client's port.
      const norm = (s: string) => s.replace(/\+\d+\.\d{6} \[(\d+) [^\]]+\]/g, '+T [$1 ADDR]');
      expect(norm(got)).toBe(norm(want));
    });
  }

  it('MONITOR streams commands as Redis does, redacting passwords and hiding admin commands', async () => {
    const run = async (port: number): Promise<string[]> => {
      const m = await RespConn.connect(port);
      expect(await m.call('MONITOR')).toBe('+OK\r\n');
      const c = await RespConn.connect(port);
      const cmds = [
        ['SET', 'a b', 'x"y\n\x01'], ['AUTH', 'pw'], ['AUTH', 'u', 'pw'], ['AUTH', 'a', 'b', 'c'],
        ['HELLO', '3', 'AUTH', 'default', 'pw'], ['HELLO', '2', 'AUTH', 'default'], ['SELECT', '3'],
        ['GET', 'x'], ['CLIENT', 'LIST'], ['CLIENT', 'KILL', '1.1.1.1:1'], ['NOSUCH', 'x'], ['GET'],
        ['CLIENT', 'GETNAME'], ['PING', 'bye'],
      ];
      for (const cmd of cmds) await c.call(...cmd);
      // The monitor sees its own commands too.
      m.send('CLIENT', 'ID');
      const frames = await m.read(12);
      c.close();
      m.close();
      return frames.map((f) => f.replace(/^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/, '+T [$1 ADDR]').replace(/^:\d+\r\n$/, ':ID\r\n'));
    };
    const [got, want] = await Promise.all([run(shoal.port), run(redis.port)]);
    expect(got).toEqual(want);
    expect(got).toContain('+T [0 ADDR] "AUTH" "(redacted)" "(redacted)"\r\n');
    expect(got).toContain('+T [3 ADDR] "CLIENT" "GETNAME"\r\n');
  });

  it('HELLO replies with the same map as Redis in both protocols', async () => {
    const run = async (port: number): Promise<string[]> => {
      const c = await RespConn.connect(port);
      const out = [
        await c.call('HELLO'),
        await c.call('HELLO', '3', 'AUTH', 'default', 'any', 'SETNAME', 'n1'),
        await c.call('HELLO'),
        await c.call('HELLO', '2'),
      ];
      c.close();
      return out.map((r) => r.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n'));
    };
    expect(await run(shoal.port)).toEqual(await run(redis.port));
  });

  it('a MONITOR client may not touch the keyspace', async () => {
    const run = async (port: number): Promise<string[]> => {
      const m = await RespConn.connect(port);
      m.send('MONITOR');
      m.send('GET', 'k');
      m.send('SET', 'k', 'v');
      const out = await m.read(3);
      m.close();
      return out;
    };
    expect(await run(shoal.port)).toEqual(await run(redis.port));
  });
});

describe.skipIf(!haveRedis)('interop with redis-cli', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal();
  });
  afterAll(() => s.stop());

  it('redis-cli ping and client list', () => {
    const ping = spawnSync('redis-cli', ['-p', String(s.port), 'ping'], { encoding: 'utf8' });
    expect(ping.stdout).toBe('PONG\n');
    const list = spawnSync('redis-cli', ['-p', String(s.port), 'client', 'list'], { encoding: 'utf8' });
    expect(list.stdout).toMatch(/^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name= age=\d+ idle=\d+ flags=N db=0 .* cmd=client\|list user=default redir=-1 resp=2\n$/);
  });

  it('redis-cli -a authenticates against requirepass', async () => {
    const locked = await startShoal(['--requirepass', 'cli-pw']);
    try {
      const args = ['-p', String(locked.port), '--no-auth-warning'];
      expect(spawnSync('redis-cli', [...args, 'ping'], { encoding: 'utf8' }).stdout).toMatch(/^NOAUTH Authentication required\.\n/);
      expect(spawnSync('redis-cli', [...args, '-a', 'cli-pw', 'ping'], { encoding: 'utf8' }).stdout).toBe('PONG\n');
      expect(spawnSync('redis-cli', [...args, '-3', '-a', 'cli-pw', 'client', 'info'], { encoding: 'utf8' }).stdout).toMatch(/ resp=3\n/);
    } finally {
      await locked.stop();
    }
  });
});

differential('connection', {
  'ping and echo': [['PING'], ['PING', 'hello'], ['ECHO', 'x'], ['PING', 'a', 'b'], ['ECHO']],
  'select': [['SELECT', '1'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'x'], ['SELECT', '0']],
  'unknown command': [['NOSUCHCOMMAND', 'a', 'b'], ['nosuch']],
  'auth without a password configured': [
    ['AUTH', 'x'], ['AUTH', 'default', 'anything'], ['AUTH', 'nouser', 'x'], ['AUTH', 'a', 'b', 'c'], ['AUTH'],
  ],
  'hello errors': [
    ['HELLO', '4'], ['HELLO', '1'], ['HELLO', 'x'], ['HELLO', '99999999999999999999'], ['HELLO', '3', 'AUTH', 'default'],
    ['HELLO', '3', 'FOO'], ['HELLO', '2', 'SETNAME', 'a b'], ['HELLO', '3', 'AUTH', 'nouser', 'x'],
    // SETNAME takes effect even though a later option fails.
    ['HELLO', '3', 'SETNAME', 'early', 'BAD'], ['CLIENT', 'GETNAME'],
  ],
  'reset': [
    ['SELECT', '2'], ['CLIENT', 'SETNAME', 'x'], ['RESET'], ['CLIENT', 'GETNAME'], ['SET', 'k', 'v'], ['SELECT', '0'],
    ['GET', 'k'], ['RESET', 'x'],
  ],
  'client name': [
    ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'conn-1'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', ''],
    ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'a b'], ['CLIENT', 'SETNAME', 'caf\xe9'], ['CLIENT', 'SETNAME', 'a\nb'],
    ['CLIENT', 'SETNAME'], ['CLIENT', 'GETNAME', 'x'],
  ],
  'client container errors': [
    ['CLIENT'], ['CLIENT', 'NOSUCH'], ['CLIENT', 'ID', 'x'], ['CLIENT', 'INFO', 'x'], ['CLIENT', 'HELP', 'x'],
    ['CLIENT', 'UNPAUSE', 'x'],
  ],
  'client list filters': [
    ['CLIENT', 'LIST', 'TYPE', 'x'], ['CLIENT', 'LIST', 'ID', 'x'], ['CLIENT', 'LIST', 'ID', '1', 'x'],
    ['CLIENT', 'LIST', 'ID', '99999999'], ['CLIENT', 'LIST', 'ID', '-5', '0'], ['CLIENT', 'LIST', 'TYPE', 'master'],
    ['CLIENT', 'LIST', 'TYPE', 'replica'], ['CLIENT', 'LIST', 'TYPE', 'slave'], ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
    ['CLIENT', 'LIST', 'FOO'], ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'], ['CLIENT', 'LIST', 'ID'],
  ],
  'client kill errors and counts': [
    ['CLIENT', 'KILL'], ['CLIENT', 'KILL', '1.2.3.4:5'], ['CLIENT', 'KILL', 'ID', '99999999'], ['CLIENT', 'KILL', 'ID', '0'],
    ['CLIENT', 'KILL', 'ID', 'x'], ['CLIENT', 'KILL', 'ID', '-3'], ['CLIENT', 'KILL', 'TYPE', 'foo'],
    ['CLIENT', 'KILL', 'TYPE', 'master'], ['CLIENT', 'KILL', 'SKIPME', 'maybe'], ['CLIENT', 'KILL', 'USER', 'nobody'],
    ['CLIENT', 'KILL', 'ADDR', '1.1.1.1:1'], ['CLIENT', 'KILL', 'LADDR', '1.1.1.1:1'], ['CLIENT', 'KILL', 'ADDR', '1.1.1.1:1', 'LADDR'],
    ['CLIENT', 'KILL', 'FOO', 'bar'], ['CLIENT', 'KILL', 'ID', '99999', 'TYPE', 'bad'],
  ],
  'client pause arguments': [
    ['CLIENT', 'PAUSE'], ['CLIENT', 'PAUSE', '10', 'WRITE', 'extra'], ['CLIENT', 'PAUSE', '10', 'FOO'],
    ['CLIENT', 'PAUSE', '-1'], ['CLIENT', 'PAUSE', 'abc'], ['CLIENT', 'PAUSE', 'abc', 'FOO'], ['CLIENT', 'PAUSE', '1.5'],
    ['CLIENT', 'PAUSE', '0'], ['CLIENT', 'PAUSE', '0', 'write'], ['CLIENT', 'UNPAUSE'], ['PING'],
  ],
  'client reply, no-evict, tracking state': [
    ['CLIENT', 'REPLY'], ['CLIENT', 'REPLY', 'foo'], ['CLIENT', 'REPLY', 'ON'], ['CLIENT', 'NO-EVICT', 'maybe'],
    ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'NO-EVICT', 'OFF'], ['CLIENT', 'CACHING', 'yes'], ['CLIENT', 'CACHING', 'no'],
    ['CLIENT', 'CACHING'], ['CLIENT', 'GETREDIR'], ['CLIENT', 'TRACKINGINFO'],
  ],
  'monitor arity': [['MONITOR', 'x']],
  'monitor inside EXEC is refused': [['MULTI'], ['MONITOR'], ['EXEC'], ['PING']],
  'reset discards MULTI and WATCH': [
    ['WATCH', 'k'], ['MULTI'], ['SET', 'k', 'v'], ['RESET'], ['EXEC'], ['GET', 'k'], ['DISCARD'], ['UNWATCH'],
  ],
  'reset leaves subscribed mode': [['SUBSCRIBE', 'ch'], ['GET', 'k'], ['RESET'], ['GET', 'k'], ['UNSUBSCRIBE']],
  'client unblock arguments': [
    ['CLIENT', 'UNBLOCK'], ['CLIENT', 'UNBLOCK', 'x'], ['CLIENT', 'UNBLOCK', '99999'], ['CLIENT', 'UNBLOCK', '1', 'FOO'],
    ['CLIENT', 'UNBLOCK', 'x', 'FOO'], ['CLIENT', 'UNBLOCK', '1', 'TIMEOUT', 'x'], ['CLIENT', 'UNBLOCK', '99999', 'error'],
  ],
});

differential('connection with requirepass', {
  'unauthenticated commands': [
    ['GET', 'k'], ['CLIENT', 'GETNAME'], ['HELLO', '3'], ['HELLO', '3', 'SETNAME', 'x'], ['AUTH', 'wrong'],
    ['AUTH', 'default', 'wrong'], ['AUTH', 'pw'], ['GET', 'k'], ['CLIENT', 'GETNAME'], ['RESET'], ['GET', 'k'],
    ['AUTH', 'default', 'pw'], ['PING'], ['AUTH', 'x', 'y', 'z'],
  ],
}, { serverArgs: ['--requirepass', 'pw'] });
