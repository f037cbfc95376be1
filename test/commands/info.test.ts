import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair, startShoal, type RunningServer } from '../helpers/server.js';

/** The text of a RESP2 bulk reply. */
function body(reply: string): string {
  const nl = reply.indexOf('\r\n');
  return reply.slice(nl + 2, reply.length - 2);
}

/** section name -> ordered field names, from INFO text. */
function layout(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) {
      cur = line.slice(2);
      out.set(cur, []);
    } else if (line !== '') {
      out.get(cur)!.push(line.slice(0, line.indexOf(':')));
    }
  }
  return out;
}

function field(text: string, name: string): string {
  const m = new RegExp(`(?:^|\\r\\n)${name.replace(/[|]/g, '\\|')}:([^\\r]*)\\r\\n`).exec(text);
  if (!m) throw new Error(`no ${name} in INFO`);
  return m[1];
}

describe.skipIf(!requireRedis())('INFO compared with redis-server', () => {
  const { shoal, redis } = serverPair();

  it('has the same sections, in the same order, with the same field names, for every section argument', async () => {
    const [s, r] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
    for (const c of [s, r]) {
      await c.call('SET', 'k', 'v');
      await c.call('EXPIRE', 'k', '100');
      await c.call('GET', 'k');
      await c.call('NOSUCHCOMMAND');
    }
    const dynamic = new Set(['Commandstats', 'Latencystats', 'Errorstats', 'Keyspace']);
    for (const args of [[], ['default'], ['all'], ['everything'], ['server', 'CLIENTS'], ['memory'], ['persistence'],
      ['stats'], ['replication'], ['cpu'], ['modules'], ['cluster'], ['keyspace'], ['errorstats'], ['nosuch'],
      ['keyspace', 'server', 'nosuch']]) {
      const [ours, theirs] = await Promise.all([s.call('INFO', ...args), r.call('INFO', ...args)]);
      const a = layout(body(ours));
      const b = layout(body(theirs));
      expect([args.join(' '), ...a.keys()]).toEqual([args.join(' '), ...b.keys()]);
      for (const [section, names] of b) {
        if (dynamic.has(section)) continue;
        expect([section, ...a.get(section)!]).toEqual([section, ...names]);
      }
    }
    s.close();
    r.close();
  });
});

describe('INFO values', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal();
  });
  afterAll(() => s.stop());

  it('is CRLF-terminated text, and a RESP3 verbatim string after HELLO 3', async () => {
    const c = await RespConn.connect(s.port);
    const text = body(await c.call('INFO', 'all'));
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text.endsWith('\r\n')).toBe(true);
    for (const line of text.split('\r\n')) if (line !== '') expect(line).toMatch(/^(# [A-Z][a-z]+|[a-z0-9_|.-]+:.*)$/i);
    await c.call('HELLO', '3');
    const v = await c.call('INFO', 'cluster');
    expect(v).toBe('=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
    expect(await c.call('INFO', 'nosuch')).toBe('=4\r\ntxt:\r\n');
    c.close();
  });

  it('counts clients, commands, keyspace hits/misses, expiries, changes and errors honestly', async () => {
    const c = await RespConn.connect(s.port);
    const other = await RespConn.connect(s.port);
    await c.call('FLUSHALL');
    await c.call('CONFIG', 'RESETSTAT');
    let info = body(await c.call('INFO', 'everything'));
    expect(field(info, 'connected_clients')).toBe('2');
    const dirty0 = Number(field(info, 'rdb_changes_since_last_save'));
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '2', 'PX', '30');
    await c.call('GET', 'a');
    await c.call('GET', 'zz');
    await c.call('GET', 'zz');
    await c.call('INCR', 'a', 'x');
    await c.call('CONFIG', 'GET', 'hz');
    await new Promise((r) => setTimeout(r, 60));
    await c.call('GET', 'b');
    info = body(await c.call('INFO', 'everything'));
    expect(field(info, 'keyspace_hits')).toBe('1');
    expect(field(info, 'keyspace_misses')).toBe('3');
    expect(field(info, 'expired_keys')).toBe('1');
    expect(Number(field(info, 'rdb_changes_since_last_save'))).toBe(dirty0 + 2);
    expect(field(info, 'db0')).toBe('keys=1,expires=0,avg_ttl=0');
    expect(field(info, 'errorstat_ERR')).toBe('count=1');
    expect(field(info, 'total_error_replies')).toBe('1');
    expect(field(info, 'cmdstat_get')).toMatch(/^calls=4,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
    expect(field(info, 'cmdstat_incr')).toMatch(/^calls=0,usec=0,usec_per_call=0\.00,rejected_calls=1,failed_calls=0$/);
    expect(field(info, 'cmdstat_config|get')).toMatch(/^calls=1,/);
    expect(field(info, 'latency_percentiles_usec_get')).toMatch(/^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/);
    // RESETSTAT itself, the first INFO, 2 SET, 4 GET, CONFIG GET: not the rejected INCR, nor this INFO yet.
    expect(field(info, 'total_commands_processed')).toBe('9');
    expect(field(info, 'master_replid')).toMatch(/^[0-9a-f]{40}$/);
    expect(field(info, 'role')).toBe('master');
    expect(field(info, 'tcp_port')).toBe(String(s.port));
    expect(Number(field(info, 'used_memory'))).toBeGreaterThan(100000);
    expect(Number(field(info, 'used_cpu_user'))).toBeGreaterThan(0);
    expect(field(info, 'used_memory_human')).toMatch(/^\d+\.\d\d[KMG]$/);
    other.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(field(body(await c.call('INFO', 'clients')), 'connected_clients')).toBe('1');
    c.close();
  });

  it('counts a command a script was refused as rejected, once per error, as Redis does', async () => {
    const c = await RespConn.connect(s.port);
    await c.call('CONFIG', 'RESETSTAT');
    await c.call('CONFIG', 'SET', 'maxmemory', '1');
    expect(await c.call('EVAL', "return redis.call('set','x','y')", '1', 'x')).toMatch(/^-OOM command not allowed/);
    expect(await c.call('EVAL', "return redis.pcall('set','x','y')", '1', 'x')).toMatch(/^-OOM command not allowed/);
    await c.call('CONFIG', 'SET', 'maxmemory', '0');
    expect(await c.call('EVAL', "return redis.call('set','x')", '1', 'x')).toMatch(/^-ERR Wrong number of args/);
    const info = body(await c.call('INFO', 'everything'));
    expect(field(info, 'cmdstat_set')).toBe('calls=0,usec=0,usec_per_call=0.00,rejected_calls=3,failed_calls=0');
    expect(field(info, 'cmdstat_eval')).toMatch(/^calls=3,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=3$/);
    expect(field(info, 'errorstat_OOM')).toBe('count=2');
    expect(field(info, 'errorstat_ERR')).toBe('count=1');
    expect(field(info, 'total_error_replies')).toBe('3');
    c.close();
  });

  it('blames a failed command inside EXEC on that command, not on EXEC', async () => {
    const c = await RespConn.connect(s.port);
    await c.call('CONFIG', 'RESETSTAT');
    expect(await c.call('MULTI')).toBe('+OK\r\n');
    expect(await c.call('SET', 'a', 'b')).toBe('+QUEUED\r\n');
    expect(await c.call('AUTH', 'a')).toBe('+QUEUED\r\n');
    expect(await c.call('EXEC')).toMatch(/^\*2\r\n\+OK\r\n-ERR AUTH/);
    let info = body(await c.call('INFO', 'commandstats'));
    expect(field(info, 'cmdstat_auth')).toMatch(/,rejected_calls=0,failed_calls=1$/);
    expect(field(info, 'cmdstat_set')).toMatch(/,rejected_calls=0,failed_calls=0$/);
    expect(field(info, 'cmdstat_exec')).toMatch(/^calls=1,.*,rejected_calls=0,failed_calls=0$/);
    // EXEC's own error is still its own.
    expect(await c.call('EXEC')).toBe('-ERR EXEC without MULTI\r\n');
    info = body(await c.call('INFO', 'commandstats'));
    expect(field(info, 'cmdstat_exec')).toMatch(/^calls=2,.*,rejected_calls=0,failed_calls=1$/);
    c.close();
  });

  it('counts pub/sub channels, patterns and shard channels', async () => {
    const sub = await RespConn.connect(s.port);
    const c = await RespConn.connect(s.port);
    sub.send('SUBSCRIBE', 'a', 'b');
    await sub.read(2);
    sub.send('PSUBSCRIBE', 'p*');
    await sub.read(1);
    sub.send('SSUBSCRIBE', 'x');
    await sub.read(1);
    const info = body(await c.call('INFO', 'stats'));
    expect([field(info, 'pubsub_channels'), field(info, 'pubsub_patterns'), field(info, 'pubsubshard_channels')]).toEqual(['2', '1', '1']);
    sub.close();
    c.close();
  });

  it('reports instantaneous_ops_per_sec from recent samples', async () => {
    const c = await RespConn.connect(s.port);
    const deadline = Date.now() + 600;
    while (Date.now() < deadline) {
      for (let i = 0; i < 50; i++) c.send('PING');
      await c.read(50);
    }
    expect(Number(field(body(await c.call('INFO', 'stats')), 'instantaneous_ops_per_sec'))).toBeGreaterThan(100);
    c.close();
  });

  it('gives each server start a different master_replid and run_id', async () => {
    const t = await startShoal();
    const [a, b] = await Promise.all([RespConn.connect(s.port), RespConn.connect(t.port)]);
    const [ia, ib] = await Promise.all([a.call('INFO', 'server', 'replication'), b.call('INFO', 'server', 'replication')]);
    expect(field(body(ia), 'master_replid')).not.toBe(field(body(ib), 'master_replid'));
    expect(field(body(ia), 'run_id')).not.toBe(field(body(ib), 'run_id'));
    a.close();
    b.close();
    await t.stop();
  });
});

describe('clients that parse INFO and CONFIG', () => {
  it('ioredis becomes ready (it parses INFO), and reads INFO and CONFIG GET', async () => {
    const { default: Redis } = await import('ioredis');
    const s = await startShoal();
    const client = new Redis({ port: s.port, lazyConnect: true, enableReadyCheck: true, maxRetriesPerRequest: 1 });
    await client.connect();
    expect(client.status).toBe('ready');
    const info = await client.info('server');
    expect(info).toMatch(/^# Server\r\nredis_version:7\.0\.\d+\r\n/);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    client.disconnect();
    await s.stop();
  });
});
