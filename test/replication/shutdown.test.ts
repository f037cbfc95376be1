// Shutdown with replicas, as Redis 7.0 does it: SHUTDOWN (and SIGTERM, taken up by the cron)
// pauses writes and waits, up to shutdown-timeout, for every replica to acknowledge the last write;
// the caller waits blocked; SHUTDOWN ABORT cancels, and the waiting callers get an error.

import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function exited(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.once('exit', (code) => resolve(code));
  });
}

async function until(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('shutdown waits for replicas', () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    for (const s of servers) s.proc.kill('SIGCONT');
    await Promise.all(servers.map((s) => s.stop()));
    servers.length = 0;
  });

  /** A primary with one replica in sync, and the replica stopped (SIGSTOP): it cannot acknowledge. */
  async function pairWithStoppedReplica(primaryArgs: string[] = []): Promise<{ p: RunningServer; r: RunningServer; pc: RespConn; rc: RespConn }> {
    const p = await startShoal(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0', ...primaryArgs]);
    servers.push(p);
    const r = await startShoal(['--replicaof', '127.0.0.1', String(p.port)]);
    servers.push(r);
    const [pc, rc] = await Promise.all([RespConn.connect(p.port), RespConn.connect(r.port)]);
    await pc.call('SET', 'k', '1');
    await until('the replica to sync', async () => (await rc.call('GET', 'k')) === '$1\r\n1\r\n', 15000);
    r.proc.kill('SIGSTOP');
    return { p, r, pc, rc };
  }

  it('SHUTDOWN blocks, pauses writes, and exits once the replica has the last write', async () => {
    const { p, r, pc, rc } = await pairWithStoppedReplica();
    expect(await pc.call('INCR', 'k')).toBe(':2\r\n');
    const caller = await RespConn.connect(p.port);
    caller.send('SHUTDOWN');
    await until('the shutdown to wait', async () => /shutdown_in_milliseconds:\d+/.test(await pc.call('INFO', 'server')));
    expect(await pc.call('INFO', 'clients')).toContain('blocked_clients:1\r\n');
    // Writes wait (paused); reads go on.
    const writer = await RespConn.connect(p.port);
    writer.send('SET', 'late', 'x');
    expect(await pc.call('GET', 'k')).toBe('$1\r\n2\r\n');
    const gone = exited(p.proc);
    r.proc.kill('SIGCONT');
    expect(await gone).toBe(0);
    expect(await rc.call('GET', 'k')).toBe('$1\r\n2\r\n');
    expect(await rc.call('EXISTS', 'late')).toBe(':0\r\n');
    expect(p.output()).toContain('1 of 1 replicas are in sync when shutting down.');
    for (const c of [pc, rc, caller, writer]) c.close();
  }, 30000);

  it('SHUTDOWN ABORT cancels: the waiting callers get an error and paused writes run', async () => {
    const { p, pc } = await pairWithStoppedReplica();
    await pc.call('INCR', 'k');
    const callers = [await RespConn.connect(p.port), await RespConn.connect(p.port)];
    for (const c of callers) c.send('SHUTDOWN');
    await until('the shutdown to wait', async () => (await pc.call('INFO', 'clients')).includes('blocked_clients:2\r\n'));
    const writer = await RespConn.connect(p.port);
    writer.send('SET', 'late', 'x');
    expect(await pc.call('SHUTDOWN', 'ABORT')).toBe('+OK\r\n');
    for (const c of callers) expect(await c.read(1)).toEqual(['-ERR Errors trying to SHUTDOWN. Check logs.\r\n']);
    expect(await writer.read(1)).toEqual(['+OK\r\n']);
    expect(await pc.call('INFO', 'server')).not.toContain('shutdown_in_milliseconds');
    expect(await pc.call('SHUTDOWN', 'ABORT')).toBe('-ERR No shutdown in progress.\r\n');
    expect(p.output()).toContain('Shutdown manually aborted.');
    for (const c of [pc, writer, ...callers]) c.close();
  }, 30000);

  it('SIGTERM waits up to shutdown-timeout, then exits naming the lagging replica', async () => {
    const { p, pc } = await pairWithStoppedReplica(['--shutdown-timeout', '1']);
    await pc.call('INCR', 'k');
    const gone = exited(p.proc);
    const t0 = Date.now();
    p.proc.kill('SIGTERM');
    await until('the shutdown to wait', async () => /shutdown_in_milliseconds:\d+/.test(await pc.call('INFO', 'server')));
    expect(await gone).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(p.output()).toMatch(/Lagging replica 127\.0\.0\.1:\d+ reported offset \d+ behind master, lag=\d+, state=online\./);
    expect(p.output()).toContain('0 of 1 replicas are in sync when shutting down.');
    pc.close();
  }, 30000);

  it('while the first AOF rewrite (appendonly turned on) is under way, SHUTDOWN fails unless FORCE', async () => {
    const p = await startShoal(['--enable-debug-command', 'yes']);
    servers.push(p);
    const c = await RespConn.connect(p.port);
    for (let i = 0; i < 5; i++) await c.call('SET', `k${i}`, 'v');
    // A slow rewrite: a second per key.
    await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '1000000');
    expect(await c.call('CONFIG', 'SET', 'appendonly', 'yes')).toBe('+OK\r\n');
    expect(await c.call('SHUTDOWN')).toBe('-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
    expect(p.output()).toContain("Writing initial AOF, can't exit.");
    const gone = exited(p.proc);
    c.send('SHUTDOWN', 'NOSAVE', 'FORCE');
    expect(await gone).toBe(0);
    expect(p.output()).toContain('Writing initial AOF. Exit anyway.');
    c.close();
  });

  it('a SIGTERM the cron has not taken up yet can be aborted (DEBUG PAUSE-CRON)', async () => {
    const p = await startShoal(['--enable-debug-command', 'yes']);
    servers.push(p);
    const c = await RespConn.connect(p.port);
    expect(await c.call('SHUTDOWN', 'ABORT')).toBe('-ERR No shutdown in progress.\r\n');
    await c.call('DEBUG', 'PAUSE-CRON', '1');
    p.proc.kill('SIGTERM');
    await sleep(300);
    expect(await c.call('SHUTDOWN', 'ABORT')).toBe('+OK\r\n');
    await c.call('DEBUG', 'PAUSE-CRON', '0');
    await sleep(300);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(p.output()).toContain('Shutdown manually aborted.');
    c.close();
  });
});
