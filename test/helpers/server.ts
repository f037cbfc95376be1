// Starting real servers for tests: Shoal (the built bin/shoal-server) and Debian's redis-server,
// each on a free port, plus a raw-socket RESP connection for byte-exact assertions.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { afterAll, beforeAll } from 'vitest';
import { encodeCommand, splitFrames } from './resp.js';

const ROOT = path.resolve(__dirname, '../..');
export const SHOAL_BIN = path.join(ROOT, 'bin/shoal-server');

export interface RunningServer {
  port: number;
  proc: ChildProcess;
  dir: string;
  output: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function waitForPing(port: number, proc: ChildProcess, output: () => string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}: ${output()}`);
    try {
      const c = await RespConn.connect(port);
      const r = await c.call('PING');
      c.close();
      if (r === '+PONG\r\n' || r.startsWith('-NOAUTH') || r.startsWith('-LOADING')) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`server on ${port} did not answer PING: ${output()}`);
}

function launch(cmd: string, args: string[], port: number, dir: string): Promise<RunningServer> {
  const proc = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const output = () => out;
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await done;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return waitForPing(port, proc, output).then(
    () => ({ port, proc, dir, output, stop }),
    async (err) => {
      await stop();
      throw err;
    },
  );
}

/** Start Shoal with extra `--directive value` args. */
export async function startShoal(args: string[] = []): Promise<RunningServer> {
  return retryOnPortClash(async () => {
    const port = await freePort();
    const dir = tmpDir('shoal-test-');
    return launch(process.execPath, [SHOAL_BIN, '--port', String(port), '--save', '', '--dir', dir, ...args], port, dir);
  });
}

/**
 * Run `start` again (up to three times) when the server could not bind: between freePort() and the
 * server's bind another test's server, or an outgoing connection's local port, may take the port.
 */
export async function retryOnPortClash<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE|Address already in use/.test(String(err))) throw err;
    }
  }
}

export function haveRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/**
 * Whether interop tests can run. Locally, a missing redis-server skips them (with a message);
 * in CI (CI=true) it is a failure, so a broken install cannot pass silently.
 */
export function requireRedis(): boolean {
  if (haveRedisServer()) return true;
  if (process.env.CI === 'true') throw new Error('redis-server is required in CI (apt-get install redis-server)');
  console.warn('redis-server not found: skipping interop tests (apt-get install redis-server redis-tools)');
  return false;
}

/** Start Debian's redis-server with persistence off. */
export async function startRedis(args: string[] = []): Promise<RunningServer> {
  return retryOnPortClash(async () => {
    const port = await freePort();
    const dir = tmpDir('redis-test-');
    return launch('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--bind', '127.0.0.1', ...args], port, dir);
  });
}

export interface ServerPairOptions {
  /** Extra args for both servers. */
  args?: string[];
  /** Extra args for Shoal only, after `args`. */
  shoalArgs?: string[];
  /** Extra args for redis-server only, after `args`. */
  redisArgs?: string[];
  /**
   * Start redis-server too (default true). Blocks that also run against Shoal alone pass
   * `requireRedis()` here, so a machine without redis-server skips only the comparison.
   */
  redis?: boolean;
}

export interface ServerPair {
  shoal: RunningServer;
  redis: RunningServer;
}

/**
 * Shoal and redis-server side by side for the enclosing describe block: registers a beforeAll that
 * starts both and an afterAll that stops them (hooks the caller registers afterwards run after the
 * start and before the stop). `shoal` and `redis` stand for the servers once beforeAll has run, so
 * they can be destructured at once: `const { shoal, redis } = serverPair();`.
 *
 * It does not check for redis-server: gate the block as before, e.g. `describe.skipIf(!requireRedis())`,
 * or pass `redis: requireRedis()` when the block also has tests for Shoal alone.
 */
export function serverPair(opts: ServerPairOptions = {}): ServerPair {
  const args = opts.args ?? [];
  let shoal: RunningServer | undefined;
  let redis: RunningServer | undefined;
  beforeAll(async () => {
    const started = await Promise.allSettled([
      startShoal([...args, ...(opts.shoalArgs ?? [])]).then((s) => (shoal = s)),
      opts.redis === false ? undefined : startRedis([...args, ...(opts.redisArgs ?? [])]).then((s) => (redis = s)),
    ]);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
  });
  afterAll(async () => {
    await Promise.all([shoal?.stop(), redis?.stop()]);
  });
  return { shoal: standIn('Shoal', () => shoal), redis: standIn('redis-server', () => redis) };
}

/** A RunningServer that forwards to the one `get` returns, once there is one. */
function standIn(name: string, get: () => RunningServer | undefined): RunningServer {
  const server = (): RunningServer => {
    const s = get();
    if (!s) throw new Error(`${name} is not running: serverPair() starts it in beforeAll`);
    return s;
  };
  return {
    get port() {
      return server().port;
    },
    get proc() {
      return server().proc;
    },
    get dir() {
      return server().dir;
    },
    output: () => server().output(),
    stop: () => server().stop(),
  };
}

/** A raw RESP connection: send commands, get back each reply frame as exact latin1 text. */
export class RespConn {
  private buf = '';
  private frames: string[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      const [frames, rest] = splitFrames(this.buf);
      this.buf = rest;
      this.frames.push(...frames);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RespConn(s)));
      s.once('error', reject);
    });
  }

  /** A connection over a unix socket (unixsocket directive). */
  static connectUnix(socketPath: string): Promise<RespConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(socketPath, () => resolve(new RespConn(s)));
      s.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  send(...argv: (string | Buffer)[]): void {
    this.write(encodeCommand(argv));
  }

  /** Wait for n reply frames (default 1). Rejects on timeout or close. */
  async read(n = 1, timeoutMs = 5000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < n) {
      if (this.closed) throw new Error(`connection closed after ${this.frames.length} frames (partial: ${JSON.stringify(this.buf)})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${n} frames, have ${this.frames.length}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.frames.splice(0, n);
  }

  async call(...argv: (string | Buffer)[]): Promise<string> {
    this.send(...argv);
    return (await this.read(1))[0];
  }

  /** Resolves when the server closes the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection not closed');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Whatever arrived that is not a whole frame yet. */
  get partial(): string {
    return this.buf;
  }

  close(): void {
    this.socket.destroy();
  }
}
