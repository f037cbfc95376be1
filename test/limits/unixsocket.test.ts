// unixsocket / unixsocketperm: Shoal also listens on a unix socket path, with the permissions
// asked for, and reports such clients the way redis-server does (the path with port 0).

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShoal, type RunningServer } from '../helpers/server.js';

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
