// Shoal in cluster mode for tests: a free client port and a free bus port (port+10000 can overflow
// for ephemeral ports), short node timeouts, and waits on what the nodes report.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RespConn, SHOAL_BIN, freePort, retryOnPortClash, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

export { until };

export interface ClusterShoal extends RunningServer {
  cport: number;
}

/** Start a cluster node; `dir` keeps its nodes.conf across restarts (the caller removes it). */
export async function startClusterShoal(args: string[] = [], dir?: string, cport?: number): Promise<ClusterShoal> {
  const start = async (): Promise<ClusterShoal> => {
    const busPort = cport ?? (await freePort());
    const extra = dir === undefined ? [] : ['--dir', dir];
    const s = await startShoal(['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-node-timeout', '1000', ...extra, ...args]);
    return Object.assign(s, { cport: busPort });
  };
  // A clash on a bus port we picked is retried with another one; a given port is the caller's.
  return cport === undefined ? retryOnPortClash(start) : start();
}

export function tmpClusterDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-cluster-'));
}


/** One call on a fresh connection. */
export async function call1(port: number, ...argv: string[]): Promise<string> {
  const c = await RespConn.connect(port);
  try {
    return await c.call(...argv);
  } finally {
    c.close();
  }
}

/** The text of a bulk or verbatim reply. */
export function text(reply: string): string {
  const body = reply.slice(reply.indexOf('\r\n') + 2, -2);
  return reply.startsWith('=') ? body.slice(4) : body;
}

export async function clusterInfo(port: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of text(await call1(port, 'CLUSTER', 'INFO')).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export function waitStateOk(port: number, timeoutMs = 15000): Promise<true> {
  return until(`cluster_state:ok on ${port}`, async () => ((await clusterInfo(port)).cluster_state === 'ok' ? true : undefined), timeoutMs);
}

/** redis-cli --cluster <args>, its exit status and output (colours off). */
export function redisCli(args: string[], timeoutMs = 60000): { status: number | null; out: string } {
  const r = spawnSync('redis-cli', ['--cluster', ...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, TERM: 'dumb' } });
  return { status: r.status, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** Kill a node with SIGKILL, keeping its directory (and nodes.conf). */
export async function kill9(s: RunningServer): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const done = new Promise<void>((r) => s.proc.once('exit', () => r()));
  s.proc.kill('SIGKILL');
  await done;
}

/** Start a killed node again on its ports and directory; stop() removes the directory. */
export async function restartClusterShoal(s: ClusterShoal, args: string[] = []): Promise<ClusterShoal> {
  const proc = spawn(process.execPath, [SHOAL_BIN, '--port', String(s.port), '--save', '', '--dir', s.dir, '--cluster-enabled', 'yes',
    '--cluster-port', String(s.cport), '--cluster-node-timeout', '1000', ...args], { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const next: ClusterShoal = {
    port: s.port,
    cport: s.cport,
    proc,
    dir: s.dir,
    output: () => out,
    stop: async () => {
      await kill9(next);
      fs.rmSync(s.dir, { recursive: true, force: true });
    },
  };
  await until(`node on ${s.port} answering`, async () => {
    if (proc.exitCode !== null) throw new Error(`node exited: ${out}`);
    try {
      return (await call1(s.port, 'PING')) === '+PONG\r\n' ? true : undefined;
    } catch {
      return undefined;
    }
  });
  return next;
}
