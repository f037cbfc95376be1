// Crash reports: a server that dies of SIGABRT or DEBUG SEGFAULT logs why first (Redis's
// "crashed by signal" line, then the stack, INFO and the client list), and still dies by that
// signal, so supervisors see the same exit as without the report.

import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';

function exited(proc: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    // 'close': the process is gone and its output read to the end.
    proc.once('close', (_code, signal) => resolve(signal));
  });
}

/** The server's pino records, parsed. */
function records(srv: RunningServer): Record<string, unknown>[] {
  return srv.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('crash reports', () => {
  let srv: RunningServer | undefined;
  afterEach(async () => {
    await srv?.stop();
    // stop() leaves the directory of a process that ended by itself.
    if (srv !== undefined) fs.rmSync(srv.dir, { recursive: true, force: true });
    srv = undefined;
  });

  it('DEBUG SEGFAULT logs the report and ends the process by SIGSEGV', async () => {
    srv = await startShoal(['--enable-debug-command', 'yes']);
    const c = await RespConn.connect(srv.port);
    await c.call('CLIENT', 'SETNAME', 'the-crasher');
    const gone = exited(srv.proc);
    c.send('DEBUG', 'SEGFAULT');
    expect(await gone).toBe('SIGSEGV');
    c.close();
    const recs = records(srv);
    expect(recs.some((r) => r.msg === 'Shoal 0.1.0 crashed by signal: 11 (SIGSEGV)' && r.level === 60)).toBe(true);
    const report = recs.find((r) => typeof r.info === 'string');
    expect(report?.info).toMatch(/# Server\r\n/);
    expect(String(report?.stack)).toMatch(/debugCommand/);
    expect((report?.clients as string[]).some((l) => l.includes('name=the-crasher'))).toBe(true);
  });

  it('SIGABRT logs the report and ends the process by SIGABRT; crash-log-enabled no keeps just the line', async () => {
    srv = await startShoal(['--crash-log-enabled', 'no']);
    const gone = exited(srv.proc);
    srv.proc.kill('SIGABRT');
    expect(await gone).toBe('SIGABRT');
    const recs = records(srv);
    expect(recs.filter((r) => r.subsystem === 'crash').map((r) => r.msg)).toEqual(['Shoal 0.1.0 crashed by signal: 6 (SIGABRT)']);
  });
});
