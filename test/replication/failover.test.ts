// FAILOVER between Shoal nodes: its errors (against Redis), a hand-over to a caught-up replica
// that swaps the roles and keeps the history (partial resyncs only), a timeout that gives up
// while the target is stopped, ABORT, a target refusing PSYNC, and writes paused meanwhile.

import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

differential('failover', {
  'FAILOVER errors without replicas': [
    ['FAILOVER'],
    ['FAILOVER', 'ABORT'],
    ['FAILOVER', 'TO', '127.0.0.1', 'x'],
    ['FAILOVER', 'TIMEOUT', '0'],
    ['FAILOVER', 'TIMEOUT', '-5'],
    ['FAILOVER', 'TIMEOUT', 'abc'],
    ['FAILOVER', 'FORCE', 'FORCE'],
    ['FAILOVER', 'bogus'],
    ['FAILOVER', 'TO', '127.0.0.1'],
    ['FAILOVER', 'ABORT', 'TIMEOUT', '10'],
    ['FAILOVER', 'FORCE', 'TIMEOUT', '100'],
    ['PSYNC', 'abc', '1', 'FAILOVER'],
  ],
});

function info(text: string, field: string): string {
  const m = new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(text);
  return m === null ? '' : m[1].trim();
}

async function field(r: Redis, name: string): Promise<string> {
  return info(await r.info(), name);
}

describe('FAILOVER', () => {
  let a: RunningServer;
  let b: RunningServer;
  let ra: Redis;
  let rb: Redis;

  async function synced(primary: Redis, replica: Redis): Promise<void> {
    await until('replica to catch up', async () => {
      const off = await field(primary, 'master_repl_offset');
      return (await field(replica, 'master_link_status')) === 'up' && (await field(replica, 'slave_repl_offset')) === off;
    });
  }

  beforeAll(async () => {
    a = await startShoal(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0']);
    b = await startShoal(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0']);
    ra = new Redis(a.port, { lazyConnect: true, maxRetriesPerRequest: 0 });
    rb = new Redis(b.port, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await ra.connect();
    await rb.connect();
    await rb.replicaof('127.0.0.1', a.port);
    await synced(ra, rb);
  });

  afterAll(async () => {
    ra?.disconnect();
    rb?.disconnect();
    await a?.stop();
    await b?.stop();
  });

  it('refuses a replica, a non-replica target, FORCE without TIMEOUT, and REPLICAOF meanwhile', async () => {
    await expect(rb.call('FAILOVER')).rejects.toThrow('ERR FAILOVER is not valid when server is a replica.');
    await expect(ra.call('FAILOVER', 'TO', '127.0.0.1', '1')).rejects.toThrow('ERR FAILOVER target HOST and PORT is not a replica.');
    await expect(ra.call('FAILOVER', 'TO', '127.0.0.1', String(b.port), 'FORCE')).rejects.toThrow(
      'ERR FAILOVER with force option requires both a timeout and target HOST and IP.',
    );
    expect(await field(ra, 'master_failover_state')).toBe('no-failover');
  });

  it('gives up at the timeout while the target cannot catch up, and ABORT ends a wait', async () => {
    b.proc.kill('SIGSTOP');
    try {
      await ra.set('k1', 'v1');
      expect(await ra.call('FAILOVER', 'TO', '127.0.0.1', String(b.port), 'TIMEOUT', '300')).toBe('OK');
      expect(await field(ra, 'master_failover_state')).toBe('waiting-for-sync');
      await expect(ra.call('FAILOVER')).rejects.toThrow('ERR FAILOVER already in progress.');
      await expect(ra.replicaof('127.0.0.1', b.port)).rejects.toThrow('ERR REPLICAOF not allowed while failing over.');
      // Writes wait for the failover to end; reads go on.
      const writer = new Redis(a.port);
      const pending = writer.set('during', 'x');
      expect(await ra.get('k1')).toBe('v1');
      await until('the timeout', async () => (await field(ra, 'master_failover_state')) === 'no-failover', 3000);
      expect(await pending).toBe('OK');
      writer.disconnect();
      expect(a.output()).toContain('aborted: Replica never caught up before timeout');

      // A CLIENT PAUSE on before the failover outlasts it.
      expect(await ra.call('CLIENT', 'PAUSE', '20000', 'WRITE')).toBe('OK');
      expect(await ra.call('FAILOVER', 'TO', '127.0.0.1', String(b.port))).toBe('OK');
      expect(await ra.call('FAILOVER', 'ABORT')).toBe('OK');
      expect(await field(ra, 'master_failover_state')).toBe('no-failover');
      const held = new Redis(a.port);
      let done = false;
      const write = held.set('held', 'x').then(() => (done = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toBe(false);
      expect(await ra.call('CLIENT', 'UNPAUSE')).toBe('OK');
      await write;
      held.disconnect();
      await expect(ra.call('FAILOVER', 'ABORT')).rejects.toThrow('ERR No failover in progress.');
    } finally {
      b.proc.kill('SIGCONT');
    }
    await synced(ra, rb);
    expect(await ra.role()).toEqual(expect.arrayContaining(['master']));
  });

  it('rolls back when the target refuses PSYNC FAILOVER', async () => {
    await rb.call('ACL', 'SETUSER', 'default', '-psync');
    try {
      expect(await ra.call('FAILOVER')).toBe('OK');
      await until('the roll back', async () => (await field(ra, 'master_failover_state')) === 'no-failover');
      expect(a.output()).toContain('Failover target rejected psync request');
      expect((await ra.role())[0]).toBe('master');
    } finally {
      await rb.call('ACL', 'SETUSER', 'default', '+psync');
    }
    await synced(ra, rb);
  });

  it('hands the primary role to the caught-up replica, continuing the same history', async () => {
    await ra.set('k2', 'v2');
    const partial = Number(await field(rb, 'sync_partial_ok'));
    const full = Number(await field(rb, 'sync_full'));
    expect(await ra.call('FAILOVER', 'TO', '127.0.0.1', String(b.port))).toBe('OK');
    await until('the failover', async () => (await field(ra, 'master_failover_state')) === 'no-failover');
    expect((await rb.role())[0]).toBe('master');
    expect((await ra.role())[0]).toBe('slave');
    await synced(rb, ra);
    expect(Number(await field(rb, 'sync_partial_ok'))).toBe(partial + 1);
    expect(Number(await field(rb, 'sync_full'))).toBe(full);
    expect(b.output()).toContain('Failover request received for replid');
    expect(a.output()).toContain(`Failover target 127.0.0.1:${b.port} is synced, failing over.`);
    await rb.set('k3', 'v3');
    await synced(rb, ra);
    expect(await ra.get('k3')).toBe('v3');
    expect(await ra.call('DEBUG', 'DIGEST')).toBe(await rb.call('DEBUG', 'DIGEST'));
  });
});
