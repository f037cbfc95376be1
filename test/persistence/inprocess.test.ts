// Persistence pieces that have no wire surface of their own yet, run in-process on the real
// server state and pipeline: what RESTORE propagates to replicas/AOF, DEBUG RELOAD's save-empty-
// load cycle, and the INFO persistence field list
// (compared with redis-server's).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Config } from '../../src/config/store.js';
import { lookupCommand } from '../../src/commands/registry.js';
import { debugReload } from '../../src/persistence/load.js';
import { dumpPayload } from '../../src/persistence/rdb/values.js';
import { persistenceInfo } from '../../src/persistence/info.js';
import { fakeClient, type Client } from '../../src/server/client.js';
import { call } from '../../src/server/dispatch.js';
import { addPropagationSink, PROPAGATE_ALL } from '../../src/server/propagate.js';
import { server } from '../../src/server/state.js';
import { RespConn, requireRedis, startRedis, startShoal } from '../helpers/server.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-inproc-'));
const config = new Config();
config.set('dir', dir);
server.init(config);
const fed: string[][] = [];
addPropagationSink({ target: PROPAGATE_ALL, feed: (_db, argv) => fed.push(argv) });

function run(c: Client, ...argv: string[]): string {
  call(c, lookupCommand(argv)!, argv);
  return c.reply.take().toString('latin1');
}

const hello = dumpPayload({ type: 'string', value: 'hello' }).toString('latin1');

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('RESTORE propagation', () => {
  const c = fakeClient();

  it('turns a relative TTL into an absolute one with ABSTTL', () => {
    fed.length = 0;
    const before = Date.now();
    expect(run(c, 'RESTORE', 'k', '5000', hello)).toBe('+OK\r\n');
    expect(fed.length).toBe(1);
    const [cmd, key, ttl, payload, abs] = fed[0];
    expect([cmd, key, payload, abs]).toEqual(['RESTORE', 'k', hello, 'ABSTTL']);
    expect(Number(ttl)).toBeGreaterThanOrEqual(before + 5000);
    expect(Number(ttl)).toBeLessThanOrEqual(Date.now() + 5000);
  });

  it('propagates other forms as given, DEL for an expired replace, nothing for a no-op', () => {
    fed.length = 0;
    expect(run(c, 'RESTORE', 'k', '0', hello, 'REPLACE')).toBe('+OK\r\n');
    expect(run(c, 'RESTORE', 'k', '1', hello, 'ABSTTL', 'REPLACE')).toBe('+OK\r\n');
    expect(run(c, 'RESTORE', 'gone', '1', hello, 'ABSTTL')).toBe('+OK\r\n');
    expect(run(c, 'RESTORE', 'x', '0', hello, 'FREQ', '300')).toBe('-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n');
    expect(fed).toEqual([['RESTORE', 'k', '0', hello, 'REPLACE'], ['DEL', 'k']]);
  });
});

describe('DEBUG RELOAD', () => {
  it('saves, empties and loads back, keeping values and TTLs', () => {
    const c = fakeClient();
    run(c, 'SET', 'a', '1');
    run(c, 'SET', 't', 'v', 'PXAT', String(Date.now() + 100_000));
    run(c, 'SELECT', '4');
    run(c, 'SET', 'b', '2');
    const before = server.dbs[0].getExpire('t');
    expect(debugReload(['DEBUG', 'RELOAD'])).toBeNull();
    expect(server.dbs[0].dict.get('a')).toBe('1');
    expect(server.dbs[0].getExpire('t')).toBe(before);
    expect(server.dbs[4].dict.get('b')).toBe('2');
    expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
    expect(debugReload(['DEBUG', 'RELOAD', 'bogus'])).toBe('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
    // NOFLUSH without MERGE finds every key twice: loading refuses.
    expect(debugReload(['DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH'])).toBe('ERR Error trying to load the RDB dump');
    expect(debugReload(['DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'])).toBeNull();
  });
});


describe('INFO persistence over the wire', () => {
  it('shows a BGSAVE in progress and its outcome', async () => {
    const shoal = await startShoal();
    const c = await RespConn.connect(shoal.port);
    try {
      const mset = ['MSET', ...Array.from({ length: 20000 }, (_, i) => [`k${i}`, 'v']).flat()];
      for (let i = 0; i < 10; i++) await c.call(...mset.map((a, j) => (j > 0 && j % 2 === 1 ? `${a}:${i}` : a)));
      const [started, during] = await Promise.all([c.call('BGSAVE'), c.call('INFO', 'persistence')]);
      expect(started).toBe('+Background saving started\r\n');
      expect(during).toContain('rdb_bgsave_in_progress:1\r\n');
      expect(during).toContain('current_save_keys_total:200000\r\n');
      let info = '';
      for (let i = 0; i < 300 && !info.includes('rdb_bgsave_in_progress:0'); i++) {
        await new Promise((r) => setTimeout(r, 20));
        info = await c.call('INFO', 'persistence');
      }
      expect(info).toContain('rdb_last_bgsave_status:ok\r\n');
      expect(info).toContain('rdb_saves:1\r\n');
      expect(info).toContain('rdb_changes_since_last_save:0\r\n');
    } finally {
      c.close();
      await shoal.stop();
    }
  });
});

describe('INFO persistence fields', () => {
  const enabled = requireRedis();
  it.skipIf(!enabled)('are the ones redis-server 7.0 prints, in its order', async () => {
    const redis = await startRedis();
    const r = await RespConn.connect(redis.port);
    try {
      const text = await r.call('INFO', 'persistence');
      const names = text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':')[0]);
      expect(persistenceInfo().map(([k]) => k)).toEqual(names);
      const ours = new Map(persistenceInfo());
      expect(ours.get('rdb_bgsave_in_progress')).toBe('0');
      expect(ours.get('rdb_last_bgsave_status')).toBe('ok');
      expect(ours.get('current_fork_perc')).toBe('0.00');
    } finally {
      r.close();
      await redis.stop();
    }
  });
});
