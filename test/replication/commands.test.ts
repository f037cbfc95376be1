// Replies of the replication commands on a server with no replicas, and what a replica receives
// (the PSYNC answer, the RDB, the stream of writes), byte for byte against Redis.

import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { encodeCommand } from '../helpers/resp.js';
import { RespConn, requireRedis, serverPair, startShoal } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

differential('replication commands', {
  'REPLCONF options and errors': [
    ['REPLCONF'],
    ['REPLCONF', 'listening-port'],
    ['REPLCONF', 'foo', 'bar'],
    ['REPLCONF', 'listening-port', 'x'],
    ['REPLCONF', 'listening-port', '6380', 'capa', 'eof', 'capa', 'psync2'],
    ['REPLCONF', 'ip-address', '10.0.0.1'],
    ['REPLCONF', 'CAPA', 'whatever'],
    ['REPLCONF', 'rdb-only', '1'],
    ['REPLCONF', 'rdb-only', 'x'],
    ['REPLCONF', 'rdb-only', '2'],
    ['REPLCONF', 'rdb-filter-only', ''],
    ['REPLCONF', 'rdb-filter-only', 'functions'],
    ['REPLCONF', 'rdb-filter-only', 'x y'],
  ],
  'WAIT without replicas': [
    ['WAIT', '0', '0'],
    ['WAIT', '1', '20'],
    ['WAIT', '-1', '0'],
    ['WAIT', 'a', '0'],
    ['WAIT', '0', '-1'],
    ['WAIT', '0', 'a'],
    ['WAIT', '0'],
    ['MULTI'],
    ['WAIT', '3', '0'],
    ['EXEC'],
  ],
  'REPLICAOF and ROLE on a primary': [
    ['ROLE'],
    ['REPLICAOF', 'localhost', 'abc'],
    ['REPLICAOF', 'localhost', '70000'],
    ['REPLICAOF', 'localhost', '-1'],
    ['REPLICAOF', 'no', 'one'],
    ['SLAVEOF', 'NO', 'ONE'],
    ['REPLICAOF', 'no'],
    ['ROLE'],
    ['MULTI'],
    ['PSYNC', '?', '-1'],
    ['SYNC'],
    ['DISCARD'],
  ],
  'min-replicas-to-write refuses writes without enough replicas': [
    ['CONFIG', 'SET', 'min-replicas-to-write', '1'],
    ['SET', 'k', 'v'],
    ['GET', 'k'],
    ['MULTI'],
    ['SET', 'k', 'v'],
    ['EXEC'],
    ['CONFIG', 'SET', 'min-replicas-max-lag', '0'],
    ['SET', 'k', 'v'],
    ['CONFIG', 'SET', 'min-replicas-max-lag', '10'],
    ['CONFIG', 'SET', 'min-replicas-to-write', '0'],
    ['SET', 'k', 'v2'],
  ],
  'a replica with its link down: READONLY, MASTERDOWN with replica-serve-stale-data no': [
    ['SET', 'k', 'v'],
    ['REPLICAOF', '127.0.0.1', '1'],
    ['REPLICAOF', '127.0.0.1', '1'],
    ['GET', 'k'],
    ['SET', 'k', 'w'],
    ['CONFIG', 'SET', 'replica-serve-stale-data', 'no'],
    ['GET', 'k'],
    ['SET', 'k', 'w'],
    ['PING'],
    ['CONFIG', 'SET', 'replica-serve-stale-data', 'yes'],
    ['WAIT', '0', '0'],
    ['REPLICAOF', 'NO', 'ONE'],
    ['GET', 'k'],
  ],
});

/** A raw replica connection: PSYNC, the RDB transfer, then the stream bytes as they come. */
class RawReplica {
  private buf = Buffer.alloc(0);

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
    });
  }

  static async connect(port: number): Promise<RawReplica> {
    const s = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    return new RawReplica(s);
  }

  send(...argv: string[]): void {
    this.socket.write(encodeCommand(argv));
  }

  private async until(cond: () => boolean): Promise<void> {
    const deadline = Date.now() + 10000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timeout; have ${JSON.stringify(this.buf.toString('latin1'))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** One reply line, skipping the bare newlines a primary sends to keep the link alive. */
  async line(): Promise<string> {
    for (;;) {
      await this.until(() => this.buf.includes(10));
      const nl = this.buf.indexOf(10);
      const line = this.buf.subarray(0, nl).toString('latin1').replace(/\r$/, '');
      this.buf = this.buf.subarray(nl + 1);
      if (line !== '') return line;
    }
  }

  async bytes(n: number): Promise<Buffer> {
    await this.until(() => this.buf.length >= n);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Stop reading: the primary's output to us piles up. */
  stall(): void {
    this.socket.pause();
  }

  close(): void {
    this.socket.destroy();
  }
}

const HAVE = requireRedis();

describe.runIf(HAVE)('the replication stream on the wire', () => {
  const { shoal, redis } = serverPair({ args: ['--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600'] });

  async function session(port: number): Promise<{ head: string; rdb: Buffer; stream: string; info: string }> {
    const writer = await RespConn.connect(port);
    await writer.call('SET', 'before', 'x');
    const r = await RawReplica.connect(port);
    r.send('REPLCONF', 'listening-port', '1234');
    expect(await r.line()).toBe('+OK');
    r.send('REPLCONF', 'capa', 'eof', 'capa', 'psync2');
    expect(await r.line()).toBe('+OK');
    r.send('PSYNC', '?', '-1');
    const head = await r.line();
    const len = await r.line();
    const rdb = await r.bytes(Number(len.slice(1)));
    await writer.call('SET', 'a', '1');
    await writer.call('SELECT', '2');
    await writer.call('SET', 'b', '2');
    await writer.call('MULTI');
    await writer.call('INCR', 'a');
    await writer.call('DEL', 'b');
    await writer.call('EXEC');
    await writer.call('GET', 'a');
    // Messages go down the stream too (subscribers on replicas get them), in a transaction alone.
    await writer.call('PUBLISH', 'ch', 'm1');
    await writer.call('MULTI');
    await writer.call('PUBLISH', 'ch', 'm2');
    await writer.call('EXEC');
    const expected =
      '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n' +
      '*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n' +
      '*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\n*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n*1\r\n$4\r\nEXEC\r\n' +
      '*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$2\r\nm1\r\n*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$2\r\nm2\r\n';
    const stream = (await r.bytes(expected.length)).toString('latin1');
    r.send('REPLCONF', 'ACK', String(Buffer.byteLength(expected)));
    await new Promise((res) => setTimeout(res, 100));
    const info = await writer.call('INFO', 'replication');
    r.close();
    writer.close();
    return { head, rdb, stream, info };
  }

  it('FULLRESYNC, an RDB, then the writes with SELECT and MULTI/EXEC, as Redis sends them', async () => {
    const [ours, theirs] = await Promise.all([session(shoal.port), session(redis.port)]);
    expect(ours.head).toMatch(/^\+FULLRESYNC [0-9a-f]{40} 0$/);
    expect(theirs.head).toMatch(/^\+FULLRESYNC [0-9a-f]{40} 0$/);
    expect(ours.rdb.subarray(0, 9).toString('latin1')).toBe('REDIS0010');
    expect(ours.rdb.includes(Buffer.from('before'))).toBe(true);
    expect(ours.stream).toBe(theirs.stream);
    for (const text of [ours.info, theirs.info]) {
      expect(text).toMatch(/\r\nslave0:ip=127\.0\.0\.1,port=1234,state=online,offset=\d+,lag=[01]\r\n/);
      expect(text).toContain(`master_repl_offset:${ours.stream.length}\r\n`);
    }
  });

  it('a PSYNC for the current history continues with the backlog tail', async () => {
    const c = await RespConn.connect(shoal.port);
    const info = await c.call('INFO', 'replication');
    const id = /master_replid:([0-9a-f]{40})/.exec(info)![1];
    const r = await RawReplica.connect(shoal.port);
    r.send('REPLCONF', 'capa', 'psync2');
    expect(await r.line()).toBe('+OK');
    // Offset 24 is the first byte after the leading SELECT 0 (23 bytes): the tail starts with SET.
    r.send('PSYNC', id, '24');
    expect(await r.line()).toBe(`+CONTINUE ${id}`);
    expect((await r.bytes(13)).toString('latin1')).toBe('*3\r\n$3\r\nSET\r\n');
    // An unknown history, or an offset the backlog no longer holds, gets a full resync.
    const r2 = await RawReplica.connect(shoal.port);
    r2.send('PSYNC', 'f'.repeat(40), '5');
    expect(await r2.line()).toMatch(/^\+FULLRESYNC /);
    r.close();
    r2.close();
    expect(await c.call('INFO', 'stats')).toMatch(/sync_full:2\r\nsync_partial_ok:1\r\nsync_partial_err:1\r\n/);
    c.close();
  });

  it('a replica that stops reading is dropped at its client-output-buffer-limit', async () => {
    const c = await RespConn.connect(shoal.port);
    expect(await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'replica 1mb 0 0')).toBe('+OK\r\n');
    const r = await RawReplica.connect(shoal.port);
    r.send('PSYNC', '?', '-1');
    expect(await r.line()).toMatch(/^\+FULLRESYNC /);
    r.stall();
    expect(await c.call('INFO', 'replication')).toContain('connected_slaves:1\r\n');
    const value = 'v'.repeat(1 << 18);
    let dropped = false;
    // What waits for the replica shows in INFO memory until the limit drops it.
    let pendingSeen = 0;
    for (let i = 0; i < 800 && !dropped; i++) {
      await c.call('SET', `big${i}`, value);
      dropped = (await c.call('INFO', 'replication')).includes('connected_slaves:0\r\n');
      const mem = await c.call('INFO', 'memory');
      const replicas = Number(/mem_clients_slaves:(\d+)/.exec(mem)![1]);
      if (!dropped && replicas > pendingSeen) {
        pendingSeen = replicas;
        expect(Number(/mem_total_replication_buffers:(\d+)/.exec(mem)![1])).toBeGreaterThanOrEqual(replicas);
      }
    }
    expect(dropped).toBe(true);
    expect(pendingSeen).toBeGreaterThan(0);
    expect(await c.call('INFO', 'memory')).toContain('mem_clients_slaves:0\r\n');
    r.close();
    c.close();
  });

  it('repl-backlog-ttl: without replicas for that long, the backlog is freed and the history id changes', async () => {
    const field = (text: string, name: string): string => new RegExp(`${name}:(\\S+)`).exec(text)![1];
    const conns = await Promise.all([shoal.port, redis.port].map((port) => RespConn.connect(port)));
    const before: string[] = [];
    for (const c of conns) {
      const text = await c.call('INFO', 'replication');
      expect(field(text, 'repl_backlog_active')).toBe('1');
      before.push(field(text, 'master_replid'));
      expect(await c.call('CONFIG', 'SET', 'repl-backlog-ttl', '1')).toBe('+OK\r\n');
    }
    await new Promise((res) => setTimeout(res, 3000));
    for (const [i, c] of conns.entries()) {
      const text = await c.call('INFO', 'replication');
      expect(text).toContain('connected_slaves:0\r\n');
      expect(field(text, 'repl_backlog_active')).toBe('0');
      expect(field(text, 'master_replid')).not.toBe(before[i]);
      expect(field(text, 'master_replid2')).toBe('0'.repeat(40));
      c.close();
    }
  });
});

describe('bind-source-addr', () => {
  it('a replica connects to its primary from bind-source-addr, which the primary shows', async () => {
    const p = await startShoal(['--repl-diskless-sync-delay', '0']);
    const r = await startShoal(['--bind-source-addr', '127.0.0.2', '--replicaof', '127.0.0.1', String(p.port)]);
    try {
      const c = await RespConn.connect(p.port);
      let slave = '';
      for (let i = 0; i < 100 && !slave.includes('state=online'); i++) {
        await new Promise((res) => setTimeout(res, 50));
        slave = /slave0:(\S+)/.exec(await c.call('INFO', 'replication'))?.[1] ?? '';
      }
      expect(slave).toMatch(/^ip=127\.0\.0\.2,port=\d+,state=online,/);
      c.close();
    } finally {
      await Promise.all([p.stop(), r.stop()]);
    }
  });
});

describe('a writable replica', () => {
  it('expires the keys its own clients gave a TTL (the primary never sends a DEL for them)', async () => {
    const p = await startShoal(['--repl-diskless-sync-delay', '0']);
    const r = await startShoal(['--replicaof', '127.0.0.1', String(p.port), '--replica-read-only', 'no']);
    try {
      const [pc, rc] = await Promise.all([RespConn.connect(p.port), RespConn.connect(r.port)]);
      expect(await pc.call('SET', 'fromprimary', 'x')).toBe('+OK\r\n');
      for (let i = 0; i < 100 && (await rc.call('EXISTS', 'fromprimary')) !== ':1\r\n'; i++) await new Promise((res) => setTimeout(res, 50));
      expect(await rc.call('SET', 'local', 'v', 'PX', '1')).toBe('+OK\r\n');
      let expired = '';
      for (let i = 0; i < 100 && !expired.includes('expired_keys:1'); i++) {
        await new Promise((res) => setTimeout(res, 20));
        expired = await rc.call('INFO', 'stats');
      }
      expect(expired).toContain('expired_keys:1\r\n');
      expect(await rc.call('DBSIZE')).toBe(':1\r\n');
      pc.close();
      rc.close();
    } finally {
      await Promise.all([p.stop(), r.stop()]);
    }
  });
});

describe('a paused replica', () => {
  it('keeps reading its primary\'s stream (slave_read_repl_offset) but applies it after the pause', async () => {
    const p = await startShoal(['--repl-diskless-sync-delay', '0']);
    const r = await startShoal(['--replicaof', '127.0.0.1', String(p.port)]);
    const field = (text: string, name: string): string => new RegExp(`${name}:(\\d+)`).exec(text)![1];
    try {
      const [pc, rc] = await Promise.all([RespConn.connect(p.port), RespConn.connect(r.port)]);
      // Before the link is up both offsets read 0, which would pass for "synced" below.
      await until('the link', async () => (await rc.call('INFO', 'replication')).includes('master_link_status:up\r\n'));
      await pc.call('SET', 'foo', 'bar');
      const synced = async (name: string): Promise<boolean> => field(await rc.call('INFO', 'replication'), name) === field(await pc.call('INFO', 'replication'), 'master_repl_offset');
      for (let i = 0; i < 200 && !(await synced('slave_repl_offset')); i++) await new Promise((res) => setTimeout(res, 25));
      const before = field(await rc.call('INFO', 'replication'), 'slave_repl_offset');
      expect(await rc.call('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe('+OK\r\n');
      await pc.call('SET', 'foo2', 'bar2');
      for (let i = 0; i < 200 && !(await synced('slave_read_repl_offset')); i++) await new Promise((res) => setTimeout(res, 25));
      expect(await synced('slave_read_repl_offset')).toBe(true);
      expect(field(await rc.call('INFO', 'replication'), 'slave_repl_offset')).toBe(before);
      expect(await rc.call('EXISTS', 'foo2')).toBe(':0\r\n');
      expect(await rc.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
      for (let i = 0; i < 200 && !(await synced('slave_repl_offset')); i++) await new Promise((res) => setTimeout(res, 25));
      expect(await rc.call('GET', 'foo2')).toBe('$4\r\nbar2\r\n');
      pc.close();
      rc.close();
    } finally {
      await Promise.all([p.stop(), r.stop()]);
    }
  });
});
