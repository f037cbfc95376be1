import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

// COMMAND INFO / DOCS / GETKEYS / LIST / COUNT against a real redis-server, command by command:
// only commands both servers know are compared (the rest of the table lands with other groups).
describe.skipIf(!requireRedis())('COMMAND introspection', () => {
  const { shoal, redis } = serverPair();
  let s: RespConn;
  let r: RespConn;
  let names: string[] = [];
  beforeAll(async () => {
    [s, r] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
    const list = await s.call('COMMAND', 'LIST');
    names = [...list.matchAll(/\$\d+\r\n([^\r]+)\r\n/g)].map((m) => m[1]);
  });
  afterAll(async () => {
    s?.close();
    r?.close();
  });

  async function both(...argv: string[]): Promise<[string, string]> {
    return Promise.all([s.call(...argv), r.call(...argv)]);
  }

  it('COMMAND INFO of every command and subcommand both servers have is identical (RESP2 and RESP3)', async () => {
    expect(names.length).toBeGreaterThan(20);
    const diffs: string[] = [];
    for (const proto of ['2', '3']) {
      await both('HELLO', proto);
      let compared = 0;
      for (const name of names) {
        const [ours, theirs] = await both('COMMAND', 'INFO', name);
        if (theirs === '$-1\r\n' || theirs === '_\r\n' || theirs === '*1\r\n$-1\r\n' || theirs === '*1\r\n_\r\n') continue;
        // A container lists its subcommands in Redis's hash order (random per process), and the lists
        // differ while commands are missing: its own fields are compared here, its subcommands one by one.
        const own = (reply: string): string => reply.split(new RegExp(`\\*[1-9]\\d*\\r\\n\\*10\\r\\n\\$\\d+\\r\\n${name}\\|`))[0];
        if (own(ours) !== own(theirs)) diffs.push(`RESP${proto} ${name}:\n  ours:   ${JSON.stringify(ours)}\n  redis:  ${JSON.stringify(theirs)}`);
        compared++;
      }
      expect(compared).toBeGreaterThan(20);
    }
    await both('HELLO', '2');
    expect(diffs.join('\n')).toBe('');
  });

  it('COMMAND DOCS has summary, since, group and complexity in that order; group and since match Redis', async () => {
    for (const name of names) {
      const [ours, theirs] = await both('COMMAND', 'DOCS', name);
      if (theirs === '*0\r\n') continue;
      const field = (reply: string, key: string): string | undefined =>
        new RegExp(`\\$${key.length}\\r\\n${key}\\r\\n\\$\\d+\\r\\n([^\\r]*)\\r\\n`).exec(reply)?.[1];
      expect(ours).toMatch(/^\*2\r\n\$\d+\r\n[^\r]+\r\n\*\d+\r\n\$7\r\nsummary\r\n\$\d+\r\n[^\r]+\r\n\$5\r\nsince\r\n/);
      expect([name, field(ours, 'since'), field(ours, 'group')]).toEqual([name, field(theirs, 'since'), field(theirs, 'group')]);
    }
  });

  it('COMMAND DOCS arguments and doc flags of every command both servers have are exactly Redis\'s', async () => {
    const { default: Redis } = await import('ioredis');
    const [a, b] = [new Redis({ port: shoal.port }), new Redis({ port: redis.port })];
    const toObj = (arr: unknown[]): Record<string, unknown> => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < arr.length; i += 2) o[arr[i] as string] = arr[i + 1];
      return o;
    };
    const diffs: string[] = [];
    let withArgs = 0;
    for (const name of names) {
      const [ours, theirs] = (await Promise.all([a.call('COMMAND', 'DOCS', name), b.call('COMMAND', 'DOCS', name)])) as unknown[][];
      if (theirs.length === 0) continue;
      const o = toObj(ours[1] as unknown[]);
      const t = toObj(theirs[1] as unknown[]);
      // Arguments (redis-cli builds its hints from them), deprecation and system-command marks and the
      // versions of the history are data; replaced_by and history texts are prose, in our own words.
      const data = (d: Record<string, unknown>): string => JSON.stringify([
        d.arguments, d.doc_flags, d.deprecated_since, d.replaced_by !== undefined, (d.history as string[][] | undefined)?.map((h) => h[0]),
      ]);
      if (data(o) !== data(t)) diffs.push(`${name}:\n  ours:  ${data(o)}\n  redis: ${data(t)}`);
      if (o.arguments !== undefined) withArgs++;
    }
    a.disconnect();
    b.disconnect();
    expect(diffs.join('\n')).toBe('');
    expect(withArgs).toBeGreaterThan(100);
  });

  it('COMMAND COUNT counts top-level commands; COMMAND and COMMAND INFO list them all', async () => {
    const count = Number((await s.call('COMMAND', 'COUNT')).slice(1, -2));
    expect(count).toBe(names.filter((n) => !n.includes('|')).length);
    expect(await s.call('COMMAND')).toMatch(new RegExp(`^\\*${count}\\r\\n`));
    expect(await s.call('COMMAND', 'INFO')).toMatch(new RegExp(`^\\*${count}\\r\\n`));
  });

  it('COMMAND INFO/DOCS of unknown names, GETKEYS and LIST filters match Redis', async () => {
    const scripts: string[][] = [
      ['COMMAND', 'INFO', 'nosuch', 'get', 'config|nosuch'],
      ['COMMAND', 'INFO', 'config|get|key', 'get|key'],
      ['COMMAND', 'DOCS', 'nosuch'],
      ['COMMAND', 'GETKEYS', 'get', 'k'],
      ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'],
      ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b'],
      ['COMMAND', 'GETKEYS', 'nosuch', 'k'],
      ['COMMAND', 'GETKEYS', 'ping', 'x'],
      ['COMMAND', 'GETKEYS', 'memory', 'usage', 'k'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'],
      ['COMMAND', 'GETKEYS', 'get'],
      ['COMMAND', 'LIST', 'FILTERBY', 'pattern', 'xyz*'],
      ['COMMAND', 'LIST', 'FILTERBY', 'aclcat', 'nosuchcat'],
      ['COMMAND', 'LIST', 'FILTERBY', 'module', 'nosuch'],
      ['COMMAND', 'LIST', 'FILTERBY', 'foo', 'x'],
      ['COMMAND', 'LIST', 'x'],
      ['COMMAND', 'NOSUCH'],
      ['COMMAND', 'COUNT', 'x'],
    ];
    for (const argv of scripts) {
      const [ours, theirs] = await both(...argv);
      expect(`${argv.join(' ')} => ${ours}`).toBe(`${argv.join(' ')} => ${theirs}`);
    }
  });

  it('COMMAND LIST FILTERBY pattern and aclcat select by full name and category', async () => {
    const list = await s.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'config|*');
    expect(list.startsWith('*5\r\n')).toBe(true);
    expect(list).toContain('config|get');
    const admin = await s.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'admin');
    expect(admin).toContain('config|set');
    expect(admin).not.toContain('$3\r\nget\r\n');
  });

  it('COMMAND HELP is a list of status lines framed like Redis', async () => {
    const help = await s.call('COMMAND', 'HELP');
    expect(help).toMatch(/^\*\d+\r\n\+COMMAND <subcommand> \[<arg> \[value\] \[opt\] \.\.\.\]\. Subcommands are:\r\n/);
    expect(help.endsWith('+HELP\r\n+    Prints this help.\r\n')).toBe(true);
  });

  it('redis-cli connects, runs commands and its interactive help works against Shoal', () => {
    const run = (port: number, input: string): string =>
      spawnSync('redis-cli', ['-p', String(port)], { input, encoding: 'utf8', timeout: 10000 }).stdout
        .replace(/\x1b\[[0-9;]*m/g, '')
        .replace(/\r/g, '');
    // Piped (not a tty), redis-cli prints raw replies; HELP renders from COMMAND DOCS.
    const out = run(shoal.port, 'SET clikey 1\nGET clikey\nHELP SET\nHELP @string\nCOMMAND COUNT\n');
    const lines = out.split('\n');
    expect(lines.slice(0, 2)).toEqual(['OK', '1']);
    expect(out).toMatch(/ SET key value \[NX\|XX\] .+\n +summary: .+\n +since: 1\.0\.0\n +group: string\n/);
    expect(out).toMatch(/ GET key\n +summary: .+\n/);
    expect(lines[lines.length - 2]).toMatch(/^\d+$/);
    // The usage lines it builds from the argument tables are Redis's (summaries are our own words).
    const usage = (text: string): string[] => text.split('\n').filter((l) => /^ +[A-Z]/.test(l));
    const help = 'HELP SET\nHELP ZADD\nHELP GEORADIUS\nHELP CLIENT KILL\nHELP BITFIELD\nHELP OBJECT ENCODING\n';
    const theirs = usage(run(redis.port, help));
    expect(theirs).toHaveLength(6);
    expect(usage(run(shoal.port, help))).toEqual(theirs);
  });
});
