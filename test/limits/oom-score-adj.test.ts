// oom-score-adj (Linux): the server's /proc/<pid>/oom_score_adj follows oom-score-adj-values for
// its role, relative to the score it started with or absolute, and goes back when turned off; the
// snapshot writer child gets the child class's score. CONFIG SET errors are Redis's.

import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';

const score = (pid: number): number => Number(fs.readFileSync(`/proc/${pid}/oom_score_adj`, 'latin1'));

differential('oom-score-adj-values', {
  'CONFIG SET oom-score-adj-values errors and canonical form': [
    ['CONFIG', 'SET', 'oom-score-adj-values', '-2001 0 0'],
    ['CONFIG', 'SET', 'oom-score-adj-values', '0 2001 0'],
    ['CONFIG', 'SET', 'oom-score-adj-values', '0 1'],
    ['CONFIG', 'SET', 'oom-score-adj-values', '0 1 x'],
    ['CONFIG', 'SET', 'oom-score-adj-values', '+5 -0 2000'],
    ['CONFIG', 'GET', 'oom-score-adj-values'],
    ['CONFIG', 'SET', 'oom-score-adj-values', '0 200 800'],
  ],
});

describe.runIf(process.platform === 'linux')('oom-score-adj on /proc', () => {
  let srv: RunningServer;
  let c: RespConn;
  beforeAll(async () => {
    srv = await startShoal(['--enable-debug-command', 'yes']);
    c = await RespConn.connect(srv.port);
  });
  afterAll(async () => {
    c?.close();
    await srv?.stop();
  });

  it('follows the role and the values, and restores the old score when turned off', async () => {
    const pid = srv.proc.pid!;
    fs.writeFileSync(`/proc/${pid}/oom_score_adj`, '22\n');
    // Off: values change nothing.
    expect(await c.call('CONFIG', 'SET', 'oom-score-adj-values', '9 19 29')).toBe('+OK\r\n');
    expect(score(pid)).toBe(22);
    expect(await c.call('CONFIG', 'SET', 'oom-score-adj', 'yes')).toBe('+OK\r\n');
    expect(score(pid)).toBe(31);
    expect(await c.call('REPLICAOF', '127.0.0.1', '1')).toBe('+OK\r\n');
    expect(score(pid)).toBe(41);
    expect(await c.call('REPLICAOF', 'NO', 'ONE')).toBe('+OK\r\n');
    expect(score(pid)).toBe(31);
    expect(await c.call('CONFIG', 'SET', 'oom-score-adj', 'absolute')).toBe('+OK\r\n');
    expect(score(pid)).toBe(9);
    expect(await c.call('CONFIG', 'SET', 'oom-score-adj', 'no')).toBe('+OK\r\n');
    expect(score(pid)).toBe(22);
  });

  it('the snapshot writer gets the background child score', async () => {
    expect(await c.call('CONFIG', 'SET', 'oom-score-adj', 'absolute')).toBe('+OK\r\n');
    await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '1000000');
    await c.call('SET', 'k', 'v');
    expect(await c.call('BGSAVE')).toBe('+Background saving started\r\n');
    const children = fs.readFileSync(`/proc/${srv.proc.pid}/task/${srv.proc.pid}/children`, 'latin1').trim().split(/\s+/).map(Number);
    expect(children.length).toBeGreaterThan(0);
    expect(children.map(score)).toContain(29);
    await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '0');
    await c.call('CONFIG', 'SET', 'oom-score-adj', 'no');
  });
});
