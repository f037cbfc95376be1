import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, SHOAL_BIN, freePort, requireRedis, serverPair, startShoal, type RunningServer } from '../helpers/server.js';
import { splitFrames } from '../helpers/resp.js';

/** Parameters whose CONFIG GET is compared one by one (several per call would depend on hash order). */
const PARAMS = [
  'maxmemory', 'maxmemory-policy', 'maxmemory-clients', 'save', 'client-output-buffer-limit', 'notify-keyspace-events',
  'hash-max-listpack-entries', 'hash-max-ziplist-entries', 'set-max-intset-entries', 'list-max-listpack-size',
  'zset-max-listpack-value', 'hz', 'timeout', 'tcp-keepalive', 'databases', 'appendonly', 'appendfsync', 'loglevel',
  'slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold', 'latency-tracking-info-percentiles',
  'busy-reply-threshold', 'lua-time-limit', 'slaveof', 'replicaof', 'repl-backlog-size', 'proto-max-bulk-len',
  'client-query-buffer-limit', 'oom-score-adj-values', 'sanitize-dump-payload', 'acl-pubsub-default', 'unixsocketperm',
  'shutdown-on-sigterm', 'rdb-key-save-delay', 'MAXMEMORY', 'nosuch', 'user',
  'lua-replicate-commands', 'enable-debug-command', 'requirepass', 'masterauth', 'dbfilename', 'stream-node-max-bytes',
];

differential('config', {
  'CONFIG GET of single parameters, aliases, hidden and unknown ones': PARAMS.map((p) => ['CONFIG', 'GET', p]),
  'CONFIG SET values and their canonical CONFIG GET form': [
    ['CONFIG', 'SET', 'maxmemory', '10mb'], ['CONFIG', 'GET', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory', '1GB'], ['CONFIG', 'GET', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory-clients', '10%'], ['CONFIG', 'GET', 'maxmemory-clients'],
    ['CONFIG', 'SET', 'maxmemory-clients', '1k'], ['CONFIG', 'GET', 'maxmemory-clients'],
    ['CONFIG', 'SET', 'maxmemory', '10000001', 'maxmemory-clients', '200%', 'client-query-buffer-limit', 'invalid'], ['CONFIG', 'GET', 'maxmemory-clients'],
    ['CONFIG', 'SET', 'hz', '0'], ['CONFIG', 'GET', 'hz'], ['CONFIG', 'SET', 'hz', '1000'], ['CONFIG', 'GET', 'hz'],
    ['CONFIG', 'SET', 'save', '100 10 20 30'], ['CONFIG', 'GET', 'save'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 2mb 30'], ['CONFIG', 'GET', 'client-output-buffer-limit'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'replica 1 2 3 normal 4 5 6'], ['CONFIG', 'GET', 'client-output-buffer-limit'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'], ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'Exg'], ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'oom-score-adj', 'relative'], ['CONFIG', 'GET', 'oom-score-adj'],
    ['CONFIG', 'SET', 'LOGLEVEL', 'WARNING'], ['CONFIG', 'GET', 'loglevel'],
    ['CONFIG', 'SET', 'lua-time-limit', '100'], ['CONFIG', 'GET', 'busy-reply-threshold'],
    ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '0.0 50.0 99.90 100 12.3456789 1e1'],
    ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
    ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9'],
    ['CONFIG', 'SET', 'maxmemory', '1', 'hz', '20'], ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'GET', 'hz'],
    ['CONFIG', 'SET', 'maxmemory', '0', 'hz', '10', 'save', ''],
  ],
  'CONFIG SET errors use Redis texts and change nothing': [
    ['CONFIG', 'SET', 'maxmemory'], ['CONFIG', 'SET', 'maxmemory', '1', 'hz'],
    ['CONFIG', 'SET', 'daemonize', 'yes'], ['CONFIG', 'SET', 'databases', '3'], ['CONFIG', 'SET', 'nosuch', '1'],
    ['CONFIG', 'SET', 'maxmemory', '1x'], ['CONFIG', 'SET', 'maxmemory-clients', 'x'], ['CONFIG', 'SET', 'loglevel', 'foo'],
    ['CONFIG', 'SET', 'appendfsync', 'x'], ['CONFIG', 'SET', 'maxmemory-policy', 'lru'], ['CONFIG', 'SET', 'timeout', '-1'],
    ['CONFIG', 'SET', 'timeout', 'abc'], ['CONFIG', 'SET', 'activerehashing', 'maybe'], ['CONFIG', 'SET', 'maxmemory', '1', 'maxmemory', '2'],
    ['CONFIG', 'SET', 'dir', '/tmp'], ['CONFIG', 'SET', 'dbfilename', 'x.rdb'], ['CONFIG', 'SET', 'save', '100'],
    ['CONFIG', 'SET', 'save', 'a b'], ['CONFIG', 'SET', 'client-output-buffer-limit', 'foo 1 2 3'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2'], ['CONFIG', 'SET', 'notify-keyspace-events', 'Q'],
    ['CONFIG', 'SET', 'hz', '20', 'maxmemory', 'bad'], ['CONFIG', 'GET', 'hz'],
    ['CONFIG', 'SET', 'hz', '20', 'nosuch', '1'], ['CONFIG', 'GET', 'hz'],
    ['CONFIG', 'SET', 'unixsocketperm', '700'], ['CONFIG', 'SET', 'user', 'x'],
    ['CONFIG', 'GET'], ['CONFIG'], ['CONFIG', 'NOSUCH'], ['CONFIG', 'RESETSTAT', 'x'], ['CONFIG', 'REWRITE'],
  ],
});

/** Parse a flat RESP2 array of bulk strings into a Map. */
function pairs(reply: string): Map<string, string> {
  const items = [...reply.matchAll(/\$(\d+)\r\n/g)];
  const out = new Map<string, string>();
  const vals: string[] = [];
  for (const m of items) {
    const start = m.index! + m[0].length;
    vals.push(reply.slice(start, start + Number(m[1])));
  }
  for (let i = 0; i + 1 < vals.length; i += 2) out.set(vals[i], vals[i + 1]);
  return out;
}

describe.skipIf(!requireRedis())('CONFIG GET * against redis-server', () => {
  const { shoal, redis } = serverPair();

  it('lists the same parameters with the same default values (except where the servers were started differently)', async () => {
    const [s, r] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
    const [ours, theirs] = await Promise.all([s.call('CONFIG', 'GET', '*'), r.call('CONFIG', 'GET', '*')]);
    s.close();
    r.close();
    const a = pairs(ours);
    const b = pairs(theirs);
    for (const started of ['port', 'dir', 'bind']) {
      a.delete(started);
      b.delete(started);
    }
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [k, v] of b) expect(`${k}=${a.get(k)}`).toBe(`${k}=${v}`);
    expect(a.size).toBeGreaterThan(180);
  });

  it('glob patterns select the same parameters (aliases included, hidden ones only by exact name)', async () => {
    const [s, r] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
    for (const pattern of ['maxmemory-*', '*max-*-entries*', 'slave*', '*-delay', 'h?', '[lm]a*', 'rdb-key-save-delay']) {
      const [ours, theirs] = await Promise.all([s.call('CONFIG', 'GET', pattern), r.call('CONFIG', 'GET', pattern)]);
      expect([pattern, ...[...pairs(ours)].sort()]).toEqual([pattern, ...[...pairs(theirs)].sort()]);
    }
    s.close();
    r.close();
  });
});

describe('CONFIG REWRITE', () => {
  let dir: string;
  let conf: string;
  let proc: ReturnType<typeof spawn> | null = null;
  let port = 0;

  async function start(): Promise<RespConn> {
    port = await freePort();
    proc = spawn(process.execPath, [SHOAL_BIN, conf, '--port', String(port)], { cwd: dir, stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      try {
        const c = await RespConn.connect(port);
        if ((await c.call('PING')) === '+PONG\r\n') return c;
        c.close();
      } catch {
        await new Promise((r) => setTimeout(r, 30));
      }
    }
    throw new Error('Shoal did not start');
  }

  async function stop(): Promise<void> {
    if (proc === null || proc.exitCode !== null) return;
    const done = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGKILL');
    await done;
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-rewrite-'));
    conf = path.join(dir, 'shoal.conf');
    fs.writeFileSync(conf, [
      '# my settings',
      `dir ${dir}`,
      'save ""',
      'maxmemory 1mb',
      'hz 15',
      'save 900 1',
      'rename-command flushdb badger',
      'rename-command debug ""',
      '# trailing comment',
      '',
    ].join('\n'));
  });
  afterAll(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps comments, updates lines in place, appends changed parameters, and the result loads back', async () => {
    let c = await start();
    expect(await c.call('CONFIG', 'GET', 'maxmemory')).toBe('*2\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n');
    expect(await c.call('CONFIG', 'SET', 'maxmemory', '3mb', 'hz', '10', 'maxmemory-policy', 'allkeys-lru', 'save', '60 5 10 100')).toBe('+OK\r\n');
    expect(await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 64mb 16mb 90')).toBe('+OK\r\n');
    expect(await c.call('CONFIG', 'REWRITE')).toBe('+OK\r\n');
    const text = fs.readFileSync(conf, 'latin1');
    expect(text).toContain('# my settings\n');
    expect(text).toContain('# trailing comment\n');
    expect(text).toContain('maxmemory 3mb\n');
    expect(text).toContain('hz 10\n');
    expect(text).toContain('save 60 5\nsave 10 100\n');
    expect(text).toContain('# Generated by CONFIG REWRITE\n');
    expect(text).toContain('maxmemory-policy allkeys-lru\n');
    expect(text).toContain('client-output-buffer-limit pubsub 64mb 16mb 90\n');
    expect(text).not.toContain('client-output-buffer-limit normal');
    expect(text.match(/^save /gm)?.length).toBe(2);
    // rename-command is no parameter: its lines stay as they were, and act again after a restart.
    expect(text).toContain('rename-command flushdb badger\nrename-command debug ""\n');
    c.close();
    await stop();
    c = await start();
    expect(await c.call('FLUSHDB')).toBe("-ERR unknown command 'FLUSHDB', with args beginning with: \r\n");
    expect(await c.call('DEBUG', 'SLEEP', '0')).toBe("-ERR unknown command 'DEBUG', with args beginning with: 'SLEEP' '0' \r\n");
    expect(await c.call('BADGER')).toBe('+OK\r\n');
    // The command keeps its own name where Redis shows it.
    expect(await c.call('COMMAND', 'INFO', 'badger')).toMatch(/^\*1\r\n\*10\r\n\$7\r\nflushdb\r\n/);
    const get = async (p: string): Promise<string> => (await c.call('CONFIG', 'GET', p)).split('\r\n')[4];
    expect(await get('maxmemory')).toBe('3145728');
    expect(await get('maxmemory-policy')).toBe('allkeys-lru');
    expect(await get('save')).toBe('60 5 10 100');
    expect(await get('client-output-buffer-limit')).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 90');
    expect(await c.call('INFO', 'server')).toContain(`config_file:${conf}\r\n`);
    c.close();
  });

  it('refuses to start on a rename-command of a missing command or onto a taken name', () => {
    for (const [args, why] of [
      [['nosuch', 'x'], 'No such command in rename-command'],
      [['set', 'get'], 'Target command name already exists'],
    ]) {
      const r = spawnSync(process.execPath, [SHOAL_BIN, '--port', '0', '--rename-command', ...args], { encoding: 'latin1' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`>>> 'rename-command "${args[0]}" "${args[1]}"'\n${why}`);
    }
  });

  it('without a config file, CONFIG REWRITE fails with Redis\'s error', async () => {
    const s = await startShoal();
    const c = await RespConn.connect(s.port);
    expect(await c.call('CONFIG', 'REWRITE')).toBe('-ERR The server is running without a config file\r\n');
    c.close();
    await s.stop();
  });
});

describe('CONFIG RESETSTAT and HELP', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal();
  });
  afterAll(() => s.stop());

  it('RESETSTAT zeroes command, error and keyspace statistics', async () => {
    const c = await RespConn.connect(s.port);
    await c.call('SET', 'k', 'v');
    await c.call('GET', 'k');
    await c.call('GET', 'missing');
    await c.call('NOSUCHCMD');
    let info = await c.call('INFO', 'everything');
    expect(info).toMatch(/cmdstat_get:calls=2,/);
    expect(info).toMatch(/keyspace_hits:1\r\n/);
    expect(info).toMatch(/errorstat_ERR:count=1\r\n/);
    expect(await c.call('CONFIG', 'RESETSTAT')).toBe('+OK\r\n');
    info = await c.call('INFO', 'everything');
    expect(info).not.toMatch(/cmdstat_get:/);
    expect(info).toMatch(/keyspace_hits:0\r\nkeyspace_misses:0\r\n/);
    expect(info).not.toMatch(/errorstat_/);
    expect(info).toMatch(/total_error_replies:0\r\n/);
    expect(info).toMatch(/cmdstat_config\|resetstat:calls=1,/);
    c.close();
  });

  it('HELP is Redis\'s framing around one line per subcommand', async () => {
    const c = await RespConn.connect(s.port);
    const [frames] = splitFrames(await c.call('CONFIG', 'HELP'));
    const help = frames[0];
    expect(help).toMatch(/^\*11\r\n\+CONFIG <subcommand> \[<arg> \[value\] \[opt\] \.\.\.\]\. Subcommands are:\r\n\+GET /);
    for (const sub of ['SET', 'RESETSTAT', 'REWRITE']) expect(help).toContain(`\r\n+${sub}`);
    expect(help.endsWith('+HELP\r\n+    Prints this help.\r\n')).toBe(true);
    c.close();
  });
});
