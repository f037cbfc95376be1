// How a replica applies its primary's stream: a key already expired here is still there for the
// primary's command (the primary decided it was alive), an error the stream raises is logged as
// critical (the data may have diverged), DEBUG REPLICATE puts any command into the stream, and
// clients blocked on keys are let go when the server turns into a replica, whose handshake with
// a silent primary ends after repl-timeout; and a primary propagates every FLUSHALL.

import * as net from 'node:net';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

function info(text: string, field: string): string {
  const m = new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(text);
  return m === null ? '' : m[1].trim();
}

describe('replica applying the stream', () => {
  let a: RunningServer;
  let b: RunningServer;
  let ra: Redis;
  let rb: Redis;

  async function synced(): Promise<void> {
    await until('replica to catch up', async () => {
      const off = info(await ra.info('replication'), 'master_repl_offset');
      const s = await rb.info('replication');
      return info(s, 'master_link_status') === 'up' && info(s, 'slave_repl_offset') === off;
    });
  }

  beforeAll(async () => {
    a = await startShoal(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0']);
    b = await startShoal(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0', '--replicaof', '127.0.0.1', String(a.port)]);
    ra = new Redis(a.port);
    rb = new Redis(b.port);
    await synced();
  });

  afterAll(async () => {
    ra?.disconnect();
    rb?.disconnect();
    await a?.stop();
    await b?.stop();
  });

  it("a key expired on the replica still takes the primary's write, keeping its TTL", async () => {
    await ra.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await ra.set('k', '1', 'PX', 300);
    await synced();
    b.proc.kill('SIGSTOP');
    try {
      await ra.incr('k');
      await new Promise((r) => setTimeout(r, 350));
    } finally {
      b.proc.kill('SIGCONT');
    }
    await synced();
    // Logically expired for clients, but there (INCR did not recreate it without a TTL).
    expect(await rb.exists('k')).toBe(0);
    expect(await rb.call('DEBUG', 'OBJECT', 'k')).toMatch(/^Value at:/);
    await ra.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  });

  it('DEBUG REPLICATE sends a command verbatim; errors it raises on the replica are logged', async () => {
    expect(await ra.call('DEBUG', 'REPLICATE', 'fake-command-1', 'x')).toBe('OK');
    await rb.call('CONFIG', 'SET', 'replica-read-only', 'no');
    await rb.set('n', 'foo');
    await ra.incrby('n', 1);
    await ra.set('after', '1');
    await synced();
    expect(await rb.get('after')).toBe('1');
    expect(await rb.get('n')).toBe('foo');
    await until('the log lines', () => b.output().includes("after processing the command 'incrby'"));
    const out = b.output();
    expect(out).toContain("== CRITICAL == This replica is sending an error to its master: 'ERR unknown command 'fake-command-1'");
    expect(out).toContain("after processing the command '<unknown>'");
    expect(info(await rb.info('stats'), 'unexpected_error_replies')).toBe('2');
  });
});

describe('turning into a replica', () => {
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    a = await startShoal(['--repl-diskless-sync-delay', '0']);
    b = await startShoal([]);
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('unblocks clients blocked on keys with an error and closes them', async () => {
    const blocked = new Redis(b.port, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    blocked.on('error', () => {});
    const pop = blocked.blpop('foo', 0).catch((err: Error) => err.message);
    const rb = new Redis(b.port);
    await until('the client to block', async () => info(await rb.info('clients'), 'blocked_clients') === '1');
    await rb.replicaof('127.0.0.1', String(a.port));
    expect(await pop).toBe('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)');
    await until('the client to be closed', () => blocked.status === 'end');
    rb.disconnect();
  });

  it('gives up a handshake with a primary that stays silent for repl-timeout', async () => {
    const silent = net.createServer((s) => s.on('error', () => {}));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const rb = new Redis(b.port);
    try {
      await rb.config('SET', 'repl-timeout', '1');
      await rb.replicaof('127.0.0.1', String((silent.address() as net.AddressInfo).port));
      await until('the handshake', async () => (await rb.role())[3] === 'handshake', 5000);
      await until('the timeout', () => b.output().includes('Timeout connecting to the MASTER...'), 8000);
    } finally {
      await rb.replicaof('NO', 'ONE');
      rb.disconnect();
      silent.close();
    }
  });
});

describe('the stream a primary sends', () => {
  let a: RunningServer;

  beforeAll(async () => {
    // Save points: FLUSHALL then saves the empty dataset, which resets the dirty counter.
    a = await startShoal(['--save', '900 1']);
  });

  afterAll(async () => {
    await a?.stop();
  });

  it('carries every FLUSHALL, even on an empty dataset with save points', async () => {
    const sync = net.connect(a.port, '127.0.0.1');
    let got = '';
    sync.on('data', (d: Buffer) => (got += d.toString('latin1')));
    sync.on('error', () => {});
    sync.write('SYNC\r\n');
    await until('the RDB', () => got.includes('REDIS'));
    const ra = new Redis(a.port);
    await ra.set('k', 'v');
    for (let i = 0; i < 3; i++) await ra.flushall();
    await until('three FLUSHALLs', () => got.split('$8\r\nflushall\r\n').length - 1 === 3, 3000);
    ra.disconnect();
    sync.destroy();
  });
});
