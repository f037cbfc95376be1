// Shared by the benchmarks: start Shoal and redis-server on free ports, read a process's CPU time
// and RSS from /proc, talk raw RESP.

import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const PAGE = Number(execFileSync('getconf', ['PAGESIZE']).toString().trim()) || 4096;

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Encode one command as RESP. */
export function encode(argv) {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

/** A minimal raw connection: send bytes, wait until `count` replies of simple shape have arrived. */
export class Conn {
  constructor(socket) {
    this.socket = socket;
    this.buf = '';
    this.waiter = null;
    socket.on('data', (d) => {
      this.buf += d.toString('latin1');
      if (this.waiter) this.waiter();
    });
    socket.on('error', () => {});
  }

  static open(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }

  /** Send one command and return its first reply line (enough for status, integer and error replies). */
  async call(...argv) {
    this.buf = '';
    this.socket.write(encode(argv));
    while (this.buf.indexOf('\r\n') < 0) await new Promise((r) => (this.waiter = r));
    this.waiter = null;
    return this.buf.slice(0, this.buf.indexOf('\r\n'));
  }

  close() {
    this.socket.destroy();
  }
}

async function waitReady(port, proc, log) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${log()}`);
    try {
      const c = await Conn.open(port);
      const r = await c.call('PING');
      c.close();
      if (r === '+PONG') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no PONG from port ${port}: ${log()}`);
}

/** Start a server process; `kind` is 'shoal' or 'redis'. Persistence is off for both. */
export async function startServer(kind) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-`));
  const common = ['--port', String(port), '--save', '', '--dir', dir];
  const [cmd, args] =
    kind === 'shoal'
      ? [process.execPath, [path.join(ROOT, 'bin/shoal-server'), ...common, '--loglevel', 'warning']]
      : ['redis-server', [...common, '--appendonly', 'no', '--bind', '127.0.0.1', '--loglevel', 'warning']];
  const proc = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  await waitReady(port, proc, () => out);
  return {
    kind,
    port,
    pid: proc.pid,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await done;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** User + system CPU time of a process so far, in microseconds. */
export function cpuMicros(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
}

/** Resident set size of a process, in bytes. */
export function rssBytes(pid) {
  const statm = fs.readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ');
  return Number(statm[1]) * PAGE;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Print rows as an aligned text table. */
export function printTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(all[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of all.slice(1)) console.log(line(r));
}
