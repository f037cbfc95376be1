// TLS: tls-port with certificates made by openssl at test time; redis-cli --tls and ioredis connect,
// client certificates are required / optional / not asked for, plain TCP on the TLS port is dropped,
// CONFIG SET of tls-* takes effect for new connections, and replication runs over TLS both ways
// with a real redis-server.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOAL_BIN, freePort, requireRedis, RespConn, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { encodeCommand } from '../helpers/resp.js';
import { makeCert, makeCerts, type TestCerts } from './certs.js';

const HAVE_REDIS = requireRedis();

interface TlsClientOpts {
  ca?: string;
  cert?: string;
  key?: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  /** Default 127.0.0.1. */
  host?: string;
}

/** One command over a fresh TLS connection: its reply, the server certificate's CN, or the failure. */
function tlsCall(port: number, o: TlsClientOpts, ...argv: string[]): Promise<{ reply?: string; cn?: string; error?: string }> {
  return new Promise((resolve) => {
    const s = tls.connect({
      host: o.host ?? '127.0.0.1',
      port,
      ca: o.ca ? fs.readFileSync(o.ca) : undefined,
      cert: o.cert ? fs.readFileSync(o.cert) : undefined,
      key: o.key ? fs.readFileSync(o.key) : undefined,
      minVersion: o.minVersion,
      maxVersion: o.maxVersion,
      servername: 'localhost',
    });
    let out = '';
    let cn: string | undefined;
    s.on('secureConnect', () => {
      cn = String(s.getPeerCertificate().subject?.CN);
      s.write(encodeCommand(argv));
    });
    s.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (out.endsWith('\r\n')) {
        s.end();
        resolve({ reply: out, cn });
      }
    });
    s.on('error', (err) => resolve({ error: err.message }));
    s.on('close', () => resolve({ error: `closed after ${JSON.stringify(out)}` }));
  });
}

function redisCli(args: string[]): { out: string; status: number | null } {
  const r = spawnSync('redis-cli', args, { encoding: 'latin1', timeout: 10000 });
  return { out: (r.stdout + r.stderr).trim(), status: r.status };
}

async function waitFor(cond: () => Promise<boolean>, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('tls-port', () => {
  let certs: TestCerts;
  let srv: RunningServer;
  let tlsPort: number;
  let admin: RespConn;
  const config = (...kv: string[]): Promise<string> => admin.call('CONFIG', 'SET', ...kv);

  beforeAll(async () => {
    certs = makeCerts();
    tlsPort = await freePort();
    srv = await startShoal(['--bind', '127.0.0.1', '--tls-port', String(tlsPort), '--tls-cert-file', certs.serverCert,
      '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.ca]);
    admin = await RespConn.connect(srv.port);
  });
  afterAll(async () => {
    admin?.close();
    await srv?.stop();
    certs?.remove();
  });

  it('CONFIG GET tls-* shows what was given', async () => {
    expect(await admin.call('CONFIG', 'GET', 'tls-port')).toBe(`*2\r\n$8\r\ntls-port\r\n$${String(tlsPort).length}\r\n${tlsPort}\r\n`);
    expect(await admin.call('CONFIG', 'GET', 'tls-auth-clients')).toBe('*2\r\n$16\r\ntls-auth-clients\r\n$3\r\nyes\r\n');
  });

  it.runIf(HAVE_REDIS)('redis-cli --tls with a client certificate: PING, SET, GET', () => {
    const base = ['-p', String(tlsPort), '--tls', '--cacert', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKey];
    expect(redisCli([...base, 'PING']).out).toBe('PONG');
    expect(redisCli([...base, 'SET', 'tls:k', 'v1']).out).toBe('OK');
    expect(redisCli([...base, 'GET', 'tls:k']).out).toBe('v1');
  });

  it('tls-auth-clients yes refuses a client without a certificate', async () => {
    const r = await tlsCall(tlsPort, { ca: certs.ca }, 'PING');
    expect(r.reply).toBeUndefined();
    const ok = await tlsCall(tlsPort, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey }, 'PING');
    expect(ok.reply).toBe('+PONG\r\n');
  });

  it('ioredis with tls options', async () => {
    const r = new Redis({
      host: '127.0.0.1',
      port: tlsPort,
      tls: { ca: fs.readFileSync(certs.ca), cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey), servername: 'localhost' },
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    try {
      await r.connect();
      expect(await r.set('tls:io', 'x'.repeat(100000))).toBe('OK');
      expect((await r.get('tls:io'))?.length).toBe(100000);
      expect(await r.incr('tls:n')).toBe(1);
    } finally {
      r.disconnect();
    }
  });

  it('tls-auth-clients optional: no certificate is fine, one that does not verify is not', async () => {
    expect(await config('tls-auth-clients', 'optional')).toBe('+OK\r\n');
    try {
      expect((await tlsCall(tlsPort, { ca: certs.ca }, 'PING')).reply).toBe('+PONG\r\n');
      expect((await tlsCall(tlsPort, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey }, 'PING')).reply).toBe('+PONG\r\n');
      const self = makeCert(certs.dir, 'selfsigned', 'intruder', true);
      expect((await tlsCall(tlsPort, { ca: certs.ca, cert: self.cert, key: self.key }, 'PING')).reply).toBeUndefined();
      expect(await config('tls-auth-clients', 'no')).toBe('+OK\r\n');
      expect((await tlsCall(tlsPort, { ca: certs.ca, cert: self.cert, key: self.key }, 'PING')).reply).toBe('+PONG\r\n');
    } finally {
      await config('tls-auth-clients', 'yes');
    }
  });

  it('a plain TCP client on the TLS port is dropped, and the server keeps serving', async () => {
    const raw = await RespConn.connect(tlsPort);
    raw.write('PING\r\n');
    await raw.waitClosed();
    expect(raw.partial).not.toContain('PONG');
    // A peer that connects and sends nothing holds no client slot while it waits.
    const idle = await RespConn.connect(tlsPort);
    expect(await admin.call('PING')).toBe('+PONG\r\n');
    expect((await tlsCall(tlsPort, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey }, 'PING')).reply).toBe('+PONG\r\n');
    // Only the admin connection is a client (the TLS call just made may take a moment to go).
    const clientCount = async (): Promise<number> => (await admin.call('CLIENT', 'LIST')).split('\n').filter((l) => l.includes('addr=')).length;
    await waitFor(async () => (await clientCount()) === 1, 3000);
    expect(idle.closed).toBe(false);
    idle.close();
  });

  it('CONFIG SET of a new certificate and key (together) serves new connections with it', async () => {
    const next = makeCert(certs.dir, 'server2', 'shoal-server-2');
    const client = { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
    const before = await tlsCall(tlsPort, client, 'PING');
    expect(before.cn).toBe('shoal-server');
    // An open connection keeps working across the change.
    const held = new Redis({ host: '127.0.0.1', port: tlsPort, tls: { ...Object.fromEntries(Object.entries(client).map(([k, v]) => [k, fs.readFileSync(v)])), servername: 'localhost' }, lazyConnect: true });
    await held.connect();
    try {
      expect(await config('tls-cert-file', next.cert, 'tls-key-file', next.key)).toBe('+OK\r\n');
      const after = await tlsCall(tlsPort, client, 'PING');
      expect(after.cn).toBe('shoal-server-2');
      expect(after.reply).toBe('+PONG\r\n');
      expect(await held.ping()).toBe('PONG');
      // A certificate without its key is refused as a whole; the previous pair stays.
      expect(await config('tls-cert-file', certs.serverCert)).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration. Check server logs.\r\n",
      );
      expect(await admin.call('CONFIG', 'GET', 'tls-cert-file')).toContain(next.cert);
      expect((await tlsCall(tlsPort, client, 'PING')).cn).toBe('shoal-server-2');
      expect(await config('tls-cert-file', path.join(certs.dir, 'missing.crt'))).toContain('Unable to update TLS configuration');
      expect(await config('tls-protocols', 'TLSv1.5')).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'tls-protocols') - Unable to update TLS configuration. Check server logs.\r\n",
      );
      expect(await config('tls-ciphers', 'NO-SUCH-CIPHER')).toContain('Unable to update TLS configuration');
    } finally {
      held.disconnect();
      await config('tls-cert-file', certs.serverCert, 'tls-key-file', certs.serverKey);
    }
  });

  it('tls-protocols limits the versions offered', async () => {
    const client = { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
    expect(await config('tls-protocols', 'TLSv1.3')).toBe('+OK\r\n');
    try {
      expect((await tlsCall(tlsPort, { ...client, maxVersion: 'TLSv1.2' }, 'PING')).reply).toBeUndefined();
      expect((await tlsCall(tlsPort, { ...client, minVersion: 'TLSv1.3' }, 'PING')).reply).toBe('+PONG\r\n');
      expect(await config('tls-protocols', 'tlsv1.2')).toBe('+OK\r\n');
      expect((await tlsCall(tlsPort, { ...client, minVersion: 'TLSv1.3' }, 'PING')).reply).toBeUndefined();
      expect((await tlsCall(tlsPort, { ...client, maxVersion: 'TLSv1.2' }, 'PING')).reply).toBe('+PONG\r\n');
    } finally {
      await config('tls-protocols', '');
    }
  });

  it('CONFIG SET tls-port moves the listener', async () => {
    const moved = await freePort();
    const client = { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
    expect(await config('tls-port', String(moved))).toBe('+OK\r\n');
    await waitFor(async () => (await tlsCall(moved, client, 'PING')).reply === '+PONG\r\n');
    await expect(RespConn.connect(tlsPort)).rejects.toThrow();
    expect(await config('tls-port', String(tlsPort))).toBe('+OK\r\n');
    await waitFor(async () => (await tlsCall(tlsPort, client, 'PING')).reply === '+PONG\r\n');
  });

  it('CONFIG SET tls-port to a port in use is refused as Redis words it; bind moves the TLS listener too', async () => {
    const client = { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
    const used = await freePort();
    const blocker = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => blocker.listen(used, '127.0.0.1', resolve));
    try {
      expect(await config('tls-port', String(used)))
        .toBe("-ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to listen on this port. Check server logs.\r\n");
      expect((await tlsCall(tlsPort, client, 'PING')).reply).toBe('+PONG\r\n');
    } finally {
      blocker.close();
    }
    try {
      expect(await config('bind', '127.0.0.2')).toBe('+OK\r\n');
      expect((await tlsCall(tlsPort, { ...client, host: '127.0.0.2' }, 'PING')).reply).toBe('+PONG\r\n');
      expect((await tlsCall(tlsPort, client, 'PING')).reply).toBeUndefined();
    } finally {
      expect(await config('bind', '127.0.0.1')).toBe('+OK\r\n');
    }
    expect((await tlsCall(tlsPort, client, 'PING')).reply).toBe('+PONG\r\n');
  });
});

describe('TLS start-up', () => {
  let certs: TestCerts;
  beforeAll(() => {
    certs = makeCerts();
  });
  afterAll(() => certs?.remove());

  it('without a CA while client certificates are required, the server refuses to start, like Redis', () => {
    const r = spawnSync(process.execPath, [SHOAL_BIN, '--port', '0', '--tls-port', '0', '--save', '', '--tls-replication', 'yes',
      '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--unixsocket', path.join(certs.dir, 's.sock')], {
      encoding: 'utf8', timeout: 10000, cwd: certs.dir,
    });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('Failed to configure TLS');
    expect(r.stdout + r.stderr).toContain('Either tls-ca-cert-file or tls-ca-cert-dir must be specified');
  });

  it('tls-ca-cert-dir with tls-auth-clients, and TLS only (port 0)', async () => {
    const caDir = path.join(certs.dir, 'cadir');
    fs.mkdirSync(caDir);
    fs.copyFileSync(certs.ca, path.join(caDir, 'ca.pem'));
    const tlsPort = await freePort();
    const sock = path.join(certs.dir, 'tls-only.sock');
    const proc = (await import('node:child_process')).spawn(process.execPath, [SHOAL_BIN, '--port', '0', '--save', '', '--dir', certs.dir,
      '--bind', '127.0.0.1', '--unixsocket', sock, '--tls-port', String(tlsPort), '--tls-cert-file', certs.serverCert,
      '--tls-key-file', certs.serverKey, '--tls-ca-cert-dir', caDir], { stdio: 'ignore' });
    try {
      const client = { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
      await waitFor(async () => (await tlsCall(tlsPort, client, 'PING')).reply === '+PONG\r\n');
      expect((await tlsCall(tlsPort, { ca: certs.ca }, 'PING')).reply).toBeUndefined();
    } finally {
      proc.kill('SIGKILL');
    }
  });
});

describe.runIf(HAVE_REDIS)('tls-replication with redis-server', () => {
  let certs: TestCerts;
  const running: RunningServer[] = [];
  beforeAll(() => {
    certs = makeCerts();
  });
  afterAll(async () => {
    for (const s of running) await s.stop();
    certs?.remove();
  });

  const tlsArgs = (port: number): string[] => ['--tls-port', String(port), '--tls-cert-file', certs.serverCert,
    '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.ca, '--tls-replication', 'yes'];

  async function synced(replica: RespConn, primary: RespConn, key: string, value: string): Promise<void> {
    expect(await primary.call('SET', key, value)).toBe('+OK\r\n');
    await waitFor(async () => (await replica.call('GET', key)) === `$${value.length}\r\n${value}\r\n`);
  }

  it('a Shoal replica of a redis-server primary, over its tls-port', async () => {
    const primaryTls = await freePort();
    const primary = await startRedis([...tlsArgs(primaryTls), '--repl-diskless-sync-delay', '0']);
    running.push(primary);
    const replica = await startShoal(['--bind', '127.0.0.1', ...tlsArgs(await freePort())]);
    running.push(replica);
    const p = await RespConn.connect(primary.port);
    const r = await RespConn.connect(replica.port);
    expect(await r.call('REPLICAOF', '127.0.0.1', String(primaryTls))).toBe('+OK\r\n');
    await synced(r, p, 'tls:repl1', 'from-redis');
    // The primary saw a TLS client: its plain port was never used by the replica.
    expect(await p.call('INFO', 'replication')).toContain('connected_slaves:1');
    p.close();
    r.close();
  });

  it('a redis-server replica of a Shoal primary, over its tls-port', async () => {
    const primaryTls = await freePort();
    const primary = await startShoal(['--bind', '127.0.0.1', ...tlsArgs(primaryTls)]);
    running.push(primary);
    const replica = await startRedis(tlsArgs(await freePort()));
    running.push(replica);
    const p = await RespConn.connect(primary.port);
    const r = await RespConn.connect(replica.port);
    expect(await r.call('REPLICAOF', '127.0.0.1', String(primaryTls))).toBe('+OK\r\n');
    await synced(r, p, 'tls:repl2', 'from-shoal');
    p.close();
    r.close();
  });

  it('with tls-replication off, a replica pointed at a tls-port never syncs', async () => {
    const primaryTls = await freePort();
    const primary = await startShoal(['--bind', '127.0.0.1', ...tlsArgs(primaryTls)]);
    running.push(primary);
    const replica = await startShoal(['--bind', '127.0.0.1']);
    running.push(replica);
    const r = await RespConn.connect(replica.port);
    expect(await r.call('REPLICAOF', '127.0.0.1', String(primaryTls))).toBe('+OK\r\n');
    await new Promise((res) => setTimeout(res, 1500));
    expect(await r.call('INFO', 'replication')).toContain('master_link_status:down');
    r.close();
  });
});
