// unixsocket / unixsocketperm: Shoal also listens on a unix socket path, with the permissions
// asked for, and reports such clients the way redis-server does (the path with port 0).

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOAL_BIN, startShoal, type RunningServer } from '../helpers/server.js';

function unixCall(sock: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(sock, () => s.write(payload));
    let out = '';
    s.on('data', (d) => {
      out += d.toString('latin1');
      if (out.endsWith('\r\n')) {
        s.end();
        resolve(out);
      }
    });
    s.on('error', reject);
  });
}

describe('unixsocket', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-unix-'));
  const sock = path.join(dir, 'shoal.sock');
  let srv: RunningServer;
  beforeAll(async () => {
    // A stale file at the path is replaced, as Redis does.
    fs.writeFileSync(sock, 'stale');
    srv = await startShoal(['--unixsocket', sock, '--unixsocketperm', '700']);
  });
  afterAll(async () => {
    await srv?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves commands on the socket path with the requested permissions', async () => {
    expect(fs.statSync(sock).isSocket()).toBe(true);
    expect(fs.statSync(sock).mode & 0o777).toBe(0o700);
    expect(await unixCall(sock, '*1\r\n$4\r\nPING\r\n')).toBe('+PONG\r\n');
  });

  it('shows unix-socket clients as <path>:0 in CLIENT INFO', async () => {
    const info = await unixCall(sock, '*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n');
    expect(info).toContain(` addr=${sock}:0 laddr=${sock}:0 `);
  });

  it('CONFIG GET shows the path', async () => {
    expect(await unixCall(sock, '*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$10\r\nunixsocket\r\n'))
      .toBe(`*2\r\n$10\r\nunixsocket\r\n$${sock.length}\r\n${sock}\r\n`);
  });
});

describe('port 0', () => {
  it('opens no TCP listener: the unix socket alone serves', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-port0-'));
    const sock = path.join(dir, 's.sock');
    const proc = spawn(process.execPath, [SHOAL_BIN, '--port', '0', '--save', '', '--dir', dir, '--unixsocket', sock]);
    try {
      for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await unixCall(sock, '*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\nport\r\n')).toBe('*2\r\n$4\r\nport\r\n$1\r\n0\r\n');
      // No TCP socket of this process is in LISTEN state.
      const inodes = new Set(fs.readdirSync(`/proc/${proc.pid}/fd`).map((fd) => {
        try {
          return /socket:\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${proc.pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      }));
      const listening = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => fs.readFileSync(f, 'latin1').split('\n').slice(1))
        .map((l) => l.trim().split(/\s+/)).filter((w) => w[3] === '0A' && inodes.has(w[9]));
      expect(listening).toEqual([]);
    } finally {
      proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a unixsocket exits with status 1, as redis-server does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-port0-'));
    const proc = spawn(process.execPath, [SHOAL_BIN, '--port', '0', '--save', '', '--dir', dir]);
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    const code = await new Promise((r) => proc.once('exit', r));
    expect(code).toBe(1);
    expect(out).toContain('Configured to not listen anywhere, exiting.');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
