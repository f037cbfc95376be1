// A Shoal replica receiving a full sync: repl-diskless-load disabled (a temp file that becomes
// the dump, then loaded), swapdb (parsed from the socket into fresh databases, the old data kept
// for a failed transfer, and served meanwhile when it is the same history), on-empty-db (parsed
// straight in with -LOADING meanwhile, only when the dataset is empty), and
// replica-serve-stale-data no during the transfer.
// The primary's function library comes along in every mode.
// The redis-server primary sends slowly (rdb-key-save-delay) so the transfer can be watched.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const HAVE = requireRedis();
const KEYS = 300;

function info(text: string, field: string): string {
  const m = new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(text);
  return m === null ? '' : m[1].trim();
}


async function linkUp(r: Redis): Promise<boolean> {
  return info(await r.info('replication'), 'master_link_status') === 'up';
}

async function syncing(r: Redis): Promise<boolean> {
  return info(await r.info('replication'), 'master_sync_in_progress') === '1';
}

/** The RDB is flowing: its first bytes are in. */
async function receiving(r: Redis): Promise<boolean> {
  return Number(info(await r.info('replication'), 'master_sync_read_bytes')) > 0;
}

/** The reply or the error text of a command. */
async function reply(r: Redis, ...argv: string[]): Promise<unknown> {
  try {
    return await r.call(argv[0], ...argv.slice(1));
  } catch (err) {
    return (err as Error).message;
  }
}

describe.runIf(HAVE)('repl-diskless-load on a Shoal replica', () => {
  let redis: RunningServer;
  let p: Redis;
  let shoal: RunningServer | undefined;
  let s: Redis | undefined;

  beforeAll(async () => {
    redis = await startRedis(['--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes']);
    p = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
    await p.connect();
    const pipe = p.pipeline();
    // Incompressible values: the primary's RDB leaves in many writes, not one at the end.
    for (let i = 0; i < KEYS; i++) pipe.set(`new:${i}`, randomBytes(500).toString('hex'));
    pipe.select(2);
    pipe.hset('new:h', 'f', 'v');
    // A key already expired, still in the primary's RDB: a replica keeps it (its primary DELs it).
    pipe.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    pipe.select(5);
    pipe.set('gone', 'v', 'PX', '1');
    pipe.select(0);
    pipe.call('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function{function_name='one', callback=function() return 1 end, flags={'no-writes'}}");
    await pipe.exec();
    // About 1 s per full sync: long enough to watch, short enough for CI.
    await p.config('SET', 'rdb-key-save-delay', '3500');
  }, 30000);

  afterEach(async () => {
    s?.disconnect();
    await shoal?.stop();
    shoal = undefined;
    s = undefined;
  });

  afterAll(async () => {
    p?.disconnect();
    await redis?.stop();
  });

  async function replica(args: string[], old = true, lib = false): Promise<Redis> {
    shoal = await startShoal(args);
    s = new Redis(shoal.port, '127.0.0.1', { lazyConnect: true });
    await s.connect();
    if (old) await s.set('old', 'data');
    if (lib) await s.call('FUNCTION', 'LOAD', "#!lua name=mine\nredis.register_function{function_name='mine', callback=function() return 7 end, flags={'no-writes'}}");
    expect(await s.call('REPLICAOF', '127.0.0.1', String(redis.port))).toBe('OK');
    await until('the transfer to start', () => receiving(s!));
    return s;
  }

  it('disabled: old data served during the transfer, then the temp file becomes the dump and is loaded', async () => {
    const r = await replica(['--repl-diskless-load', 'disabled']);
    expect(await r.get('old')).toBe('data');
    // EOF framing: the size is unknown, reported as Redis does (total 0, left negative).
    const progress = await r.info('replication');
    expect(info(progress, 'master_sync_total_bytes')).toBe('0');
    expect(Number(info(progress, 'master_sync_left_bytes'))).toBeLessThan(0);
    expect(info(await r.info('persistence'), 'async_loading')).toBe('0');
    const temps = (): string[] => fs.readdirSync(shoal!.dir).filter((f) => /^temp-\d+\.\d+\.rdb$/.test(f));
    expect(temps().length).toBe(1);
    await until('the link', () => linkUp(r));
    expect(temps()).toEqual([]);
    expect(fs.existsSync(path.join(shoal!.dir, 'dump.rdb'))).toBe(true);
    expect(await r.exists('old')).toBe(0);
    expect(await r.dbsize()).toBe(KEYS);
    expect(await r.get(`new:${KEYS - 1}`)).toBe(await p.get(`new:${KEYS - 1}`));
    await r.select(2);
    expect(await r.hget('new:h', 'f')).toBe('v');
  }, 30000);

  it('swapdb, another history: -LOADING while the new data loads aside, then swapped in', async () => {
    const r = await replica(['--repl-diskless-load', 'swapdb']);
    expect(await reply(r, 'GET', 'old')).toBe('LOADING Redis is loading the dataset in memory');
    const persistence = await r.info('persistence');
    expect(info(persistence, 'loading')).toBe('1');
    expect(info(persistence, 'async_loading')).toBe('0');
    await until('the link', () => linkUp(r));
    expect(await r.exists('old')).toBe(0);
    expect(await r.dbsize()).toBe(KEYS);
    expect(await r.call('FCALL_RO', 'one', '0')).toBe(1);
    await r.select(5);
    expect(await r.dbsize()).toBe(1);
    await r.select(2);
    expect(await r.hget('new:h', 'f')).toBe('v');
    expect(fs.readdirSync(shoal!.dir).filter((f) => f.endsWith('.rdb'))).toEqual([]);
  }, 30000);

  it('swapdb, same history: the old data served and no_async_loading commands refused meanwhile', async () => {
    const r = await replica(['--repl-diskless-load', 'swapdb'], false);
    await until('the first sync', () => linkUp(r));
    const before = await r.get('new:0');
    // Out of the primary's backlog while the link is down: the resync is full, of the same history.
    await p.config('SET', 'repl-backlog-size', '16384');
    expect(await r.client('KILL', 'TYPE', 'master')).toBe(1);
    await p.set('pad', 'p'.repeat(100000));
    await until('the second transfer', () => receiving(r));
    expect(await r.get('new:0')).toBe(before);
    expect(await r.exists('pad')).toBe(0);
    expect(info(await r.info('persistence'), 'async_loading')).toBe('1');
    expect(await reply(r, 'BGSAVE')).toBe('LOADING Redis is loading the dataset in memory');
    expect(await reply(r, 'CONFIG', 'SET', 'appendonly', 'yes')).toBe('LOADING Redis is loading the dataset in memory');
    await until('the link', () => linkUp(r));
    expect(info(await r.info('persistence'), 'async_loading')).toBe('0');
    expect(await r.strlen('pad')).toBe(100000);
    expect(info(await p.info('stats'), 'sync_partial_err')).not.toBe('0');
    await p.del('pad');
    await p.config('SET', 'repl-backlog-size', '1mb');
  }, 30000);

  it('swapdb: a transfer that breaks off keeps the old data and function libraries', async () => {
    const r = await replica(['--repl-diskless-load', 'swapdb'], true, true);
    await new Promise((res) => setTimeout(res, 300));
    expect(await r.client('KILL', 'TYPE', 'master')).toBe(0);
    // The link mid-transfer is not a master client yet: cut it from the primary's side.
    expect(await p.client('KILL', 'TYPE', 'replica')).toBe(1);
    expect(await reply(r, 'GET', 'old')).toBe('LOADING Redis is loading the dataset in memory');
    await until('the transfer to end', async () => !(await syncing(r)));
    expect(await r.get('old')).toBe('data');
    expect(await r.dbsize()).toBe(1);
    // The libraries at the head of the broken transfer never replaced ours.
    expect(await r.call('FCALL_RO', 'mine', '0')).toBe(7);
    expect(await reply(r, 'FCALL_RO', 'one', '0')).toBe('ERR Function not found');
    expect(info(await r.info('persistence'), 'async_loading')).toBe('0');
    await until('the link', () => linkUp(r));
    expect(await r.dbsize()).toBe(KEYS);
    // A complete transfer brings the primary's libraries in place of ours.
    expect(await r.call('FCALL_RO', 'one', '0')).toBe(1);
    expect(await reply(r, 'FCALL_RO', 'mine', '0')).toBe('ERR Function not found');
  }, 30000);

  it('on-empty-db with an empty dataset: parsed straight in, -LOADING meanwhile', async () => {
    const r = await replica(['--repl-diskless-load', 'on-empty-db'], false);
    expect(await reply(r, 'GET', 'new:1')).toBe('LOADING Redis is loading the dataset in memory');
    expect(await reply(r, 'PING')).toBe('LOADING Redis is loading the dataset in memory');
    const persistence = await r.info('persistence');
    expect(info(persistence, 'loading')).toBe('1');
    // The loading_* figures, as for a load at start: the size is unknown with EOF framing.
    expect(Math.abs(Number(info(persistence, 'loading_start_time')) - Date.now() / 1000)).toBeLessThan(10);
    expect(info(persistence, 'loading_total_bytes')).toBe('0');
    await until('bytes loaded', async () => Number(info(await r.info('persistence'), 'loading_loaded_bytes')) > 0);
    await until('the link', () => linkUp(r));
    expect(info(await r.info('persistence'), 'loading')).toBe('0');
    expect(await r.dbsize()).toBe(KEYS);
    expect(await r.call('FCALL_RO', 'one', '0')).toBe(1);
    const done = await r.info('persistence');
    expect(info(done, 'rdb_last_load_keys_loaded')).toBe(String(KEYS + 2));
    expect(info(done, 'rdb_last_load_keys_expired')).toBe('0');
    await r.select(5);
    expect(await r.dbsize()).toBe(1);
    expect(fs.readdirSync(shoal!.dir).filter((f) => f.endsWith('.rdb'))).toEqual([]);
  }, 30000);

  it('on-empty-db with data: through a temp file like disabled, old data served meanwhile', async () => {
    const r = await replica(['--repl-diskless-load', 'on-empty-db']);
    expect(await r.get('old')).toBe('data');
    await until('the link', () => linkUp(r));
    expect(fs.existsSync(path.join(shoal!.dir, 'dump.rdb'))).toBe(true);
    expect(await r.dbsize()).toBe(KEYS);
  }, 30000);

  it('replica-serve-stale-data no: MASTERDOWN during the transfer, STALE commands still run', async () => {
    const r = await replica(['--repl-diskless-load', 'swapdb', '--replica-serve-stale-data', 'no']);
    expect(await reply(r, 'GET', 'old')).toBe("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
    expect(info(await r.info('replication'), 'master_link_status')).toBe('down');
    await until('the link', () => linkUp(r));
    expect(await r.get('new:0')).toBe(await p.get('new:0'));
  }, 30000);
});
