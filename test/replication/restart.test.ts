// A primary restarted from its dump continues its replication history: keys that expired while
// it was down are deleted through the backlog (so its replicas resume with PSYNC and end with the
// same data), a writable replica expires the keys its own clients gave a TTL, and CONFIG REWRITE
// keeps the primary a replica follows (so a restarted replica goes back to it).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { freePort, RespConn, SHOAL_BIN, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

function info(text: string, field: string): string {
  const m = new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(text);
  return m === null ? '' : m[1].trim();
}

async function field(r: Redis, name: string): Promise<string> {
  return info(await r.info(), name);
}

async function synced(primary: Redis, replica: Redis): Promise<void> {
  await until('replica to catch up', async () => {
    const off = await field(primary, 'master_repl_offset');
    return (await field(replica, 'master_link_status')) === 'up' && (await field(replica, 'slave_repl_offset')) === off;
  });
}

describe('restarts and expiry', () => {
  const servers: RunningServer[] = [];
  const conns: Redis[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-restart-'));

  async function start(args: string[]): Promise<[RunningServer, Redis]> {
    const s = await startShoal(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0', ...args]);
    const r = new Redis(s.port);
    servers.push(s);
    conns.push(r);
    return [s, r];
  }

  afterAll(async () => {
    for (const c of conns) c.disconnect();
    for (const s of servers) await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a restarted primary deletes the keys expired meanwhile through its backlog; its replica resumes', async () => {
    const [a, ra] = await start(['--dir', dir]);
    const [, rb] = await start(['--replicaof', '127.0.0.1', String(a.port)]);
    await synced(ra, rb);
    await ra.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await ra.select(3);
    for (let i = 0; i < 20; i++) await ra.set(`e${i}`, 'v', 'PX', 30);
    await ra.set('keep', 'v');
    await synced(ra, rb);
    await new Promise((r) => setTimeout(r, 60));
    expect(await ra.call('SAVE')).toBe('OK');
    const id = await field(ra, 'master_replid');
    const offset = Number(await field(ra, 'master_repl_offset'));
    ra.disconnect();
    await a.stop();

    const [, ra2] = await start(['--dir', dir]);
    await until('the load', async () => (await field(ra2, 'loading')) === '0');
    expect(await field(ra2, 'rdb_last_load_keys_expired')).toBe('20');
    expect(await field(ra2, 'master_replid2')).toBe(id);
    expect(Number(await field(ra2, 'second_repl_offset'))).toBe(offset + 1);
    // SELECT 3 and 20 DELs follow the old history.
    expect(Number(await field(ra2, 'master_repl_offset'))).toBeGreaterThan(offset);
    expect(Number(await field(ra2, 'repl_backlog_first_byte_offset'))).toBe(offset + 1);

    await rb.replicaof('127.0.0.1', String(servers[2].port));
    await synced(ra2, rb);
    expect(await field(ra2, 'sync_partial_ok')).toBe('1');
    expect(await field(ra2, 'sync_full')).toBe('0');
    await rb.select(3);
    expect(await rb.dbsize()).toBe(1);
    expect(await rb.call('DEBUG', 'DIGEST')).toBe(await ra2.call('DEBUG', 'DIGEST'));
  });

  it('CONFIG REWRITE writes the replicaof of the moment', async () => {
    const [a] = await start([]);
    const conf = path.join(dir, 'replica.conf');
    const port = await freePort();
    fs.writeFileSync(conf, `port ${port}\ndir ${dir}\nsave ""\n`);
    const proc = spawn(process.execPath, [SHOAL_BIN, conf], { stdio: 'ignore' });
    const rb = new Redis(port, { lazyConnect: true });
    try {
      await until('the replica to listen', async () => {
        try {
          const c = await RespConn.connect(port);
          c.close();
          return true;
        } catch {
          return false;
        }
      });
      await rb.connect();
      await rb.replicaof('127.0.0.1', String(a.port));
      await rb.config('REWRITE');
      expect(fs.readFileSync(conf, 'latin1')).toMatch(new RegExp(`^replicaof 127\\.0\\.0\\.1 ${a.port}$`, 'm'));
      await rb.replicaof('NO', 'ONE');
      await rb.config('REWRITE');
      expect(fs.readFileSync(conf, 'latin1')).not.toContain('replicaof');
    } finally {
      rb.disconnect();
      proc.kill('SIGKILL');
    }
  });

  it("a writable replica deletes its own clients' expired keys, not its primary's", async () => {
    const [a, ra] = await start([]);
    const [, rb] = await start(['--replicaof', '127.0.0.1', String(a.port), '--replica-read-only', 'no']);
    await synced(ra, rb);
    await ra.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await ra.set('theirs', 'v', 'PX', 50);
    await synced(ra, rb);
    await rb.set('mine', 'v', 'PX', 50);
    await until('the own key to go', async () => (await rb.dbsize()) === 1, 3000);
    // The primary's key is logically gone but stays for its primary's DEL.
    expect(await rb.exists('theirs')).toBe(0);
    expect(await rb.call('DEBUG', 'OBJECT', 'theirs')).toMatch(/^Value at:/);
  });
});
