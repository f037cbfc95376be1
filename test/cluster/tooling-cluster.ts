// Shoal clusters for the tooling and client tests, run through bin/shoal-cluster itself: a free
// range of client ports (and their bus ports, +10000), a private work dir, and redis-cli helpers.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CLUSTER_BIN = path.resolve(__dirname, '../../bin/shoal-cluster');

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A base port such that base..base+n-1 and their bus ports are all free. Below the kernel's
 * ephemeral range (32768 up), where outgoing connections and port-0 listeners would take ports
 * from under a cluster that starts nodes later (spares).
 */
export async function freePortRange(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10000 + Math.floor(Math.random() * (12000 - n));
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = (await portFree(base + i)) && (await portFree(base + i + 10000));
    if (ok) return base;
  }
  throw new Error('no free port range');
}

export interface ToolRun {
  status: number | null;
  out: string;
}

export function run(cmd: string, args: string[], timeoutMs = 60000): ToolRun {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs });
  // redis-cli colours its output even when not on a terminal.
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
  return { status: r.status, out };
}

/** Like run(), without blocking this process's event loop (clients keep working meanwhile). */
export function runAsync(cmd: string, args: string[]): Promise<ToolRun> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (status) => resolve({ status, out: out.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

export class ToolCluster {
  // On tmpfs when there is one: nodes fsync nodes.conf on every configuration change, and moving
  // slots is a few changes per slot; what is tested here is the tooling, not the disk.
  readonly dir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'shoal-cluster-test-'));
  constructor(readonly base: number, readonly nodes: number) {}

  static async create(nodes: number, spare = 0): Promise<ToolCluster> {
    return new ToolCluster(await freePortRange(nodes + spare), nodes);
  }

  port(i: number): number {
    return this.base + i;
  }

  addr(i: number): string {
    return `127.0.0.1:${this.base + i}`;
  }

  /**
   * bin/shoal-cluster with this cluster's ports and dir (extra options may override --nodes/--port).
   * The node timeout stays well above the pauses of a loaded 2-core machine: no failover here.
   */
  tool(cmd: string, ...extra: string[]): ToolRun {
    return run(process.execPath, [CLUSTER_BIN, cmd, '--port', String(this.base), '--nodes', String(this.nodes), '--dir', this.dir,
      '--node-timeout', '5000', ...extra], 90000);
  }

  cli(...args: string[]): ToolRun {
    return run('redis-cli', args, 120000);
  }

  /** Stop every node ever started in the dir (spares included) and delete it. */
  destroy(extraNodes = 0): void {
    run(process.execPath, [CLUSTER_BIN, 'clean', '--port', String(this.base), '--nodes', String(this.nodes + extraNodes), '--dir', this.dir]);
  }
}

/**
 * Poll `redis-cli --cluster check` until it sees `nodes` nodes, they all agree, and all slots are
 * covered with none open; and until every one of them knows all `nodes` (the check lists the nodes
 * `addr` knows: one added a moment ago may not be known everywhere yet, and a reshard's SETSLOT
 * NODE on a node that has not heard of the target fails).
 */
export async function waitForAgreement(addr: string, nodes: number, ms = 15000): Promise<string> {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    const r = run('redis-cli', ['--cluster', 'check', addr]);
    last = r.out;
    const seen = last.split('\n').filter((l) => /^[MS]: /.test(l));
    if (r.status === 0 && seen.length === nodes && last.includes('[OK] All nodes agree about slots configuration.')
      && last.includes('[OK] All 16384 slots covered.') && !last.includes('[WARNING]')
      && seen.every((l) => clusterNodes(Number(l.trim().split(' ')[2].split(':').pop())).length === nodes)) return last;
    if (Date.now() > deadline) throw new Error(`cluster did not converge:\n${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Node id of the node on `port`. */
export function nodeId(port: number): string {
  return run('redis-cli', ['-p', String(port), 'CLUSTER', 'MYID']).out.trim();
}

export interface NodeEntry {
  id: string;
  port: number;
  flags: string[];
  master: string;
  /** Served slot ranges, inclusive ([from, to]); migrating/importing markers left out. */
  ranges: [number, number][];
}

/** One node's CLUSTER NODES, parsed. */
export function clusterNodes(port: number): NodeEntry[] {
  const out: NodeEntry[] = [];
  for (const line of run('redis-cli', ['-p', String(port), 'CLUSTER', 'NODES']).out.split('\n')) {
    const f = line.trim().split(' ');
    if (f.length < 8) continue;
    const ranges: [number, number][] = [];
    for (const r of f.slice(8)) {
      if (r.startsWith('[')) continue;
      const [a, b] = r.split('-').map(Number);
      ranges.push([a, b ?? a]);
    }
    out.push({ id: f[0], port: Number(f[1].split('@')[0].split(':')[1]), flags: f[2].split(','), master: f[3], ranges });
  }
  return out;
}

/** Number of slots each node (by port) serves, as one node sees it. */
export function slotCounts(port: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const n of clusterNodes(port)) out.set(n.port, n.ranges.reduce((sum, [a, b]) => sum + b - a + 1, 0));
  return out;
}

/** The primary serving `slot`, as the node on `port` sees it. */
export function slotOwner(port: number, slot: number): NodeEntry {
  return clusterNodes(port).find((n) => n.ranges.some(([a, b]) => slot >= a && slot <= b))!;
}
