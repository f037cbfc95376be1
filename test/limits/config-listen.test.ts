// CONFIG SET port and bind move the listeners at run time, as Redis 7.0 does: a port or address that
// cannot be bound is refused with Redis's texts and the old listeners keep serving. Every step runs
// against Shoal and a real redis-server (both reached through a unix socket, which no change of
// port or bind touches), and the replies must match.

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, RespConn, requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';

const enabled = requireRedis();

/** Whether a TCP connection to 127.0.0.1:port is accepted and answers PING. */
async function answers(port: number): Promise<boolean> {
  try {
    const c = await RespConn.connect(port);
    try {
      return (await c.call('PING')) === '+PONG\r\n';
    } finally {
      c.close();
    }
  } catch {
    return false;
  }
}

/** A socket that holds 127.0.0.1:port, as the Tcl suite's dummy server does. */
function occupy(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((s) => s.destroy());
    srv.once('error', reject);
    srv.listen({ port, host: '127.0.0.1' }, () => resolve(srv));
  });
}

interface Side {
  name: string;
  server: RunningServer;
  admin: RespConn;
}

describe.skipIf(!enabled)('CONFIG SET port and bind', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-listen-'));
  const sides: Side[] = [];

  beforeAll(async () => {
    const [shoal, redis] = await Promise.all([
      startShoal(['--bind', '127.0.0.1', '--unixsocket', path.join(dir, 'shoal.sock')]),
      startRedis(['--unixsocket', path.join(dir, 'redis.sock')]),
    ]);
    sides.push({ name: 'shoal', server: shoal, admin: await RespConn.connectUnix(path.join(dir, 'shoal.sock')) });
    sides.push({ name: 'redis', server: redis, admin: await RespConn.connectUnix(path.join(dir, 'redis.sock')) });
  });

  afterAll(async () => {
    for (const s of sides) s.admin.close();
    await Promise.all(sides.map((s) => s.server.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The same command on both servers: the replies, Shoal's first. */
  async function both(...argv: string[]): Promise<[string, string]> {
    const r = await Promise.all(sides.map((s) => s.admin.call(...argv)));
    return [r[0], r[1]];
  }

  async function tcpPort(s: Side): Promise<number> {
    const info = await s.admin.call('INFO', 'server');
    return Number(/tcp_port:(\d+)/.exec(info)![1]);
  }

  it('setting port and bind to their current values changes nothing', async () => {
    for (const s of sides) {
      const port = String(s.server.port);
      expect(await s.admin.call('CONFIG', 'SET', 'port', port, 'bind', '127.0.0.1')).toBe('+OK\r\n');
      expect(await answers(s.server.port)).toBe(true);
    }
  });

  it('a free port: the new one accepts, the old one no longer does, INFO follows', async () => {
    for (const s of sides) {
      const old = s.server.port;
      const moved = await freePort();
      const held = await RespConn.connect(old);
      expect(await s.admin.call('CONFIG', 'SET', 'port', String(moved))).toBe('+OK\r\n');
      expect(await answers(moved)).toBe(true);
      expect(await answers(old)).toBe(false);
      // Connections already accepted stay.
      expect(await held.call('PING')).toBe('+PONG\r\n');
      held.close();
      expect(await tcpPort(s)).toBe(moved);
      expect(await s.admin.call('CONFIG', 'GET', 'port')).toBe(`*2\r\n$4\r\nport\r\n$${String(moved).length}\r\n${moved}\r\n`);
      expect(await s.admin.call('CONFIG', 'SET', 'port', String(old))).toBe('+OK\r\n');
      expect(await answers(old)).toBe(true);
    }
  });

  it('a port in use is refused with Redis\'s text, the old listener still serving, and other values rolled back', async () => {
    const used = await freePort();
    const blocker = await occupy(used);
    try {
      const [ours, theirs] = await both('CONFIG', 'SET', 'maxmemory', '10000001', 'port', String(used), 'client-query-buffer-limit', '10m');
      expect(ours).toBe(theirs);
      expect(ours).toBe("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n");
      for (const s of sides) {
        expect(await answers(s.server.port)).toBe(true);
        expect(await tcpPort(s)).toBe(s.server.port);
      }
      expect(new Set(await both('CONFIG', 'GET', 'maxmemory')).size).toBe(1);
      expect((await both('CONFIG', 'GET', 'maxmemory'))[0]).toBe('*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n');
    } finally {
      blocker.close();
    }
  });

  it('port 0 closes the TCP listener (tcp_port:0), and a port again reopens it', async () => {
    for (const s of sides) {
      expect(await s.admin.call('CONFIG', 'SET', 'port', '0')).toBe('+OK\r\n');
      expect(await answers(s.server.port)).toBe(false);
      expect(await tcpPort(s)).toBe(0);
      expect(await s.admin.call('CONFIG', 'SET', 'port', String(s.server.port))).toBe('+OK\r\n');
      expect(await answers(s.server.port)).toBe(true);
    }
  });

  it('bind moves the listeners; addresses that cannot be bound are refused and the old ones kept', async () => {
    // 127.0.0.2 is loopback on Linux: a listener there does not answer on 127.0.0.1.
    for (const [value, ok] of [['127.0.0.2', true], ['127.0.0.1 10.255.255.1', false], ['127.0.0.1 -10.255.255.1', true],
      ['no-such-host.invalid', false], ['127.0.0.1  127.0.0.2', false], ['localhost', true], ['', true], ['127.0.0.1', true]] as const) {
      const [ours, theirs] = await both('CONFIG', 'SET', 'bind', value);
      expect(`bind ${value}: ${ours}`).toBe(`bind ${value}: ${theirs}`);
      expect(ours).toBe(ok ? '+OK\r\n' : "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n");
      const [gotOurs, gotTheirs] = await both('CONFIG', 'GET', 'bind');
      expect(gotOurs).toBe(gotTheirs);
      for (const s of sides) {
        const onLoopback = await answers(s.server.port);
        const current = /\$\d+\r\n(.*)\r\n$/.exec((await s.admin.call('CONFIG', 'GET', 'bind')))![1];
        // 127.0.0.1 answers exactly when the current addresses include it.
        expect(`${s.name} ${current}: ${onLoopback}`).toBe(`${s.name} ${current}: ${/127\.0\.0\.1|localhost/.test(current)}`);
      }
    }
  });

  it('more than 16 bind addresses are refused before anything is bound', async () => {
    const many = Array.from({ length: 17 }, (_, i) => `127.0.0.${i + 1}`).join(' ');
    const [ours, theirs] = await both('CONFIG', 'SET', 'bind', many);
    expect(ours).toBe(theirs);
    expect(ours).toBe("-ERR CONFIG SET failed (possibly related to argument 'bind') - Too many bind addresses specified.\r\n");
  });

  it('port and bind set together: the failing one is named, and both roll back', async () => {
    const moved = await freePort();
    const [ours, theirs] = await both('CONFIG', 'SET', 'bind', '127.0.0.1 10.255.255.1', 'port', String(moved));
    expect(ours).toBe(theirs);
    expect(ours).toContain("argument 'bind'");
    const [a, b] = await both('CONFIG', 'SET', 'port', String(moved), 'bind', '127.0.0.1 10.255.255.1');
    expect(a).toBe(b);
    expect(a).toContain("argument 'port'");
    for (const s of sides) {
      expect(await answers(s.server.port)).toBe(true);
      expect(await answers(moved)).toBe(false);
    }
  });
});
