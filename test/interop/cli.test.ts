// Redis's own tools against Shoal: redis-cli (plain commands and --pipe mass insertion) and
// redis-benchmark. Locally they skip with a message when redis-tools is missing; in CI they fail.

import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShoal, type RunningServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';

function requireTools(...tools: string[]): boolean {
  const missing = tools.filter((t) => spawnSync(t, ['--version']).status !== 0);
  if (missing.length === 0) return true;
  if (process.env.CI === 'true') throw new Error(`${missing.join(', ')} required in CI (apt-get install redis-tools)`);
  console.warn(`${missing.join(', ')} not found: skipping redis-tools interop tests (apt-get install redis-tools)`);
  return false;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a tool to completion with optional stdin; never hangs past timeoutMs. */
function run(cmd: string, args: string[], stdin?: Buffer, timeoutMs = 60000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // latin1: one char per byte, so binary output compares exactly.
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out; stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-500)}`));
    }, timeoutMs);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
    // A tool that exits without reading all its input closes the pipe under us (EPIPE): what it
    // printed and its exit code are what the tests judge, so that error is not the test's.
    p.stdin.on('error', () => {});
    p.stdin.end(stdin ?? Buffer.alloc(0));
  });
}

const enabled = requireTools('redis-cli', 'redis-benchmark');

describe.skipIf(!enabled)('redis-cli and redis-benchmark against Shoal', () => {
  let shoal: RunningServer;
  let cli: (...args: string[]) => Promise<Run>;
  beforeAll(async () => {
    shoal = await startShoal();
    cli = (...args) => run('redis-cli', ['-p', String(shoal.port), ...args]);
  });
  afterAll(() => shoal?.stop());

  it('PING, SET, GET, INCR and RESP3 replies', async () => {
    expect((await cli('ping')).stdout).toBe('PONG\n');
    expect((await cli('set', 'greeting', 'hello world')).stdout).toBe('OK\n');
    expect((await cli('get', 'greeting')).stdout).toBe('hello world\n');
    expect((await cli('--no-raw', 'get', 'nokey')).stdout).toBe('(nil)\n');
    expect((await cli('--no-raw', 'incr', 'counter')).stdout).toBe('(integer) 1\n');
    expect((await cli('-3', '--no-raw', 'mget', 'greeting', 'nokey')).stdout).toBe('1) "hello world"\n2) (nil)\n');
    const bad = await cli('--no-raw', 'incr', 'greeting');
    expect(bad.stdout).toBe('(error) ERR value is not an integer or out of range\n');
  });

  it('reads the last argument from stdin with -x, binary-safe', async () => {
    const value = Buffer.from('line one\nline two\x00\xff', 'latin1');
    expect((await run('redis-cli', ['-p', String(shoal.port), '-x', 'set', 'fromstdin'], value)).stdout).toBe('OK\n');
    expect((await cli('--raw', 'get', 'fromstdin')).stdout).toBe('line one\nline two\x00\xff\n');
  });

  it('mass-inserts 20,000 keys with redis-cli --pipe', async () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 20000; i++) parts.push(encodeCommand(['SET', `mass:${i}`, `value-${i}`]));
    const r = await run('redis-cli', ['-p', String(shoal.port), '--pipe'], Buffer.concat(parts));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('errors: 0, replies: 20000');
    expect((await cli('get', 'mass:19999')).stdout).toBe('value-19999\n');
    expect((await cli('exists', 'mass:0', 'mass:10000', 'mass:20000')).stdout).toBe('2\n');
  });

  it('completes redis-benchmark -t set,get,incr -n 20000 -q', async () => {
    const r = await run('redis-benchmark', ['-p', String(shoal.port), '-t', 'set,get,incr', '-n', '20000', '-q'], undefined, 120000);
    expect(r.code, r.stderr).toBe(0);
    // -q prints each test's final line after carriage-return progress updates.
    const finals = r.stdout.split(/[\r\n]/).filter((l) => / requests per second/.test(l)).map((l) => l.trim().split(':')[0]);
    expect(finals).toEqual(['SET', 'GET', 'INCR']);
    expect(shoal.proc.exitCode).toBeNull();
  }, 150000);
});
