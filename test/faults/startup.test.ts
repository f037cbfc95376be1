// The process around the server: the startup log line, fatal configuration errors that name the
// offending line or flag, --help/--version, and a clean exit on SIGTERM.

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIRECTIVES } from '../../src/config/table.js';
import { RespConn, SHOAL_BIN, freePort } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const SHIPPED_CONF = path.resolve(__dirname, '../../conf/shoal.conf');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-startup-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnShoal(args: string[]): { proc: ChildProcess; out: () => string; exited: Promise<Exit> } {
  const proc = spawn(process.execPath, [SHOAL_BIN, ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => (stdout += d));
  proc.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<Exit>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { proc, out: () => stdout, exited };
}

/** Run to exit; kills it if it is still running after timeoutMs (then the test fails on code). */
async function runShoal(args: string[], timeoutMs = 10000): Promise<Exit> {
  const s = spawnShoal(args);
  const t = setTimeout(() => s.proc.kill('SIGKILL'), timeoutMs);
  const r = await s.exited;
  clearTimeout(t);
  return r;
}


function conf(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('startup and shutdown', () => {
  it('logs one startup line with version, mode, port and pid, serves, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const s = spawnShoal(['--port', String(port), '--save', '']);
    await until('the startup line', () => s.out().includes('listening'), 10000, 20);
    const lines = s.out().split('\n').filter((l) => l.includes('listening'));
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]);
    expect(rec).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), mode: 'standalone', port, pid: s.proc.pid });
    expect(rec.msg).toContain(String(port));
    expect(rec.msg).toContain(String(s.proc.pid));

    const c = await RespConn.connect(port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    s.proc.kill('SIGTERM');
    await c.waitClosed();
    const exit = await s.exited;
    expect(exit.code).toBe(0);
    expect(exit.signal).toBeNull();
  });

  it('takes a conf file, with command-line options winning over it', async () => {
    const [filePort, cliPort] = [await freePort(), await freePort()];
    const file = conf('ok.conf', `# comment\n\nport ${filePort}\nsave ""\nloglevel warning\n`);
    const s = spawnShoal([file, '--port', String(cliPort), '--loglevel', 'notice']);
    await until('the startup line', () => s.out().includes('listening'), 10000, 20);
    expect(JSON.parse(s.out().split('\n').find((l) => l.includes('listening'))!).port).toBe(cliPort);
    s.proc.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
  });

  it('accepts the shipped conf/shoal.conf', async () => {
    const port = await freePort();
    const s = spawnShoal([SHIPPED_CONF, '--port', String(port), '--save', '']);
    await until('the startup line', () => s.out().includes('listening') || s.proc.exitCode !== null, 10000, 20);
    expect(s.proc.exitCode).toBeNull();
    const c = await RespConn.connect(port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    c.close();
    s.proc.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
  });

  it('documents every directive of the table in conf/shoal.conf', () => {
    const text = fs.readFileSync(SHIPPED_CONF, 'utf8');
    const missing = DIRECTIVES.map((d) => d.name).filter((name) => !new RegExp(`^(# )?${name}( |$)`, 'm').test(text));
    expect(missing).toEqual([]);
  });

  it('prints --version and --help and exits 0', async () => {
    const v = await runShoal(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^Shoal server v=\d+\.\d+\.\d+ .*\n$/);
    const h = await runShoal(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: shoal-server [/path/to/shoal.conf]');
  });

  describe('refuses bad configuration with exit code 1 and a message naming where', () => {
    it.each([
      ['unknown directive', 'port 0\n# fine so far\nno-such-directive 1\n', 'at line 3', "'no-such-directive 1'", 'Bad directive'],
      ['invalid value', 'maxmemory-policy sometimes\n', 'at line 1', "'maxmemory-policy sometimes'", 'must be one of'],
      ['not implemented', '\ndaemonize yes\n', 'at line 2', "'daemonize yes'", 'not implemented'],
      ['wrong number of arguments', 'port 1 2\n', 'at line 1', "'port 1 2'", 'wrong number of arguments'],
      ['unbalanced quotes', 'dbfilename "dump.rdb\n', 'at line 1', 'dbfilename', 'Unbalanced quotes'],
    ])('conf file: %s', async (_title, text, where, echoed, why) => {
      const file = conf('bad.conf', text);
      const r = await runShoal([file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file}, ${where}`);
      expect(r.stderr).toContain(echoed);
      expect(r.stderr).toContain(why);
    });

    it.each([
      ['unknown flag', ['--no-such-directive', '1'], `'no-such-directive "1"'`, 'Bad directive'],
      ['invalid value', ['--port', 'abc'], `'port "abc"'`, "argument couldn't be parsed into an integer"],
      ['out of range', ['--port', '70000'], `'port "70000"'`, 'argument must be between 0 and 65535 inclusive'],
      ['not implemented', ['--daemonize', 'yes'], `'daemonize "yes"'`, "'daemonize yes' is not implemented yet in Shoal"],
      ['missing value', ['--port'], "'port'", 'wrong number of arguments'],
      // As redis-server: an option right after one without a value is that value.
      ['value taken as argument', ['--port', '--loglevel', 'verbose'], `'port "--loglevel" "verbose"'`, 'wrong number of arguments'],
      ['bad primary port', ['--replicaof', '127.0.0.1', 'abc'], `'replicaof "127.0.0.1" "abc"'`, 'Invalid master port'],
    ])('command line: %s', async (_title, args, echoed, why) => {
      const r = await runShoal(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Reading the configuration file, command line\n>>> ${echoed}\n${why}`);
    });

    it('a missing conf file', async () => {
      const r = await runShoal([path.join(tmp, 'missing.conf')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("can't open config file");
    });
  });
});
