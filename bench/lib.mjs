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

  /** INFO <section> as a map of its fields. */
  async info(section) {
    this.buf = '';
    this.socket.write(encode(['INFO', section]));
    for (;;) {
      const nl = this.buf.indexOf('\r\n');
      if (nl > 0) {
        if (this.buf[0] !== '$' && this.buf[0] !== '=') throw new Error(`INFO replied ${this.buf.slice(0, nl)}`);
        const len = Number(this.buf.slice(1, nl));
        if (this.buf.length >= nl + 2 + len + 2) break;
      }
      await new Promise((r) => (this.waiter = r));
    }
    this.waiter = null;
    const fields = {};
    for (const line of this.buf.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0 && line[0] !== '#') fields[line.slice(0, i)] = line.slice(i + 1);
    }
    return fields;
  }

  close() {
    this.socket.destroy();
  }
}

/**
 * SET <keyName(i)> <value> for i in [0, keys), `batch` commands per write, waiting for each
 * batch's replies; checks DBSIZE at the end.
 */
export async function fillKeys(port, keys, valueBytes, keyName, batch = 10000) {
  const c = await Conn.open(port);
  const value = 'v'.repeat(valueBytes);
  for (let start = 0; start < keys; start += batch) {
    const end = Math.min(keys, start + batch);
    const parts = [];
    for (let i = start; i < end; i++) parts.push(encode(['SET', keyName(i), value]));
    c.buf = '';
    const want = '+OK\r\n'.length * (end - start);
    const done = new Promise((resolve, reject) => {
      c.waiter = () => {
        if (c.buf.length >= want) {
          c.waiter = null;
          if (c.buf !== '+OK\r\n'.repeat(end - start)) reject(new Error(`unexpected reply: ${c.buf.slice(0, 200)}`));
          else resolve();
        }
      };
    });
    c.socket.write(Buffer.concat(parts));
    await done;
  }
  const size = await c.call('DBSIZE');
  c.close();
  if (size !== `:${keys}`) throw new Error(`DBSIZE is ${size}, expected ${keys}`);
}

async function waitReady(port, proc, log, pollMs) {
  const deadline = Date.now() + 60000;
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
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`no PONG from port ${port}: ${log()}`);
}

/**
 * Start a server process; `kind` is 'shoal' or 'redis'. Automatic saving is off for both. Options:
 * `dir` (a directory of the caller's, left in place by stop(); otherwise a temporary one that is
 * removed), `args` (more directives), `pollMs` (how often to try for the first PONG). The result's
 * `readyMs` is the time from spawn to the first PONG.
 */
export async function startServer(kind, { dir: ownDir, args = [], pollMs = 50 } = {}) {
  const port = await freePort();
  const dir = ownDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-`));
  const common = ['--port', String(port), '--save', '', '--dir', dir, ...args];
  const [cmd, argv] =
    kind === 'shoal'
      ? [process.execPath, [path.join(ROOT, 'bin/shoal-server'), ...common, '--loglevel', 'warning']]
      : ['redis-server', [...common, '--appendonly', 'no', '--bind', '127.0.0.1', '--loglevel', 'warning']];
  const t0 = performance.now();
  const proc = spawn(cmd, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  try {
    await waitReady(port, proc, () => out, pollMs);
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  const readyMs = performance.now() - t0;
  return {
    kind,
    port,
    pid: proc.pid,
    dir,
    readyMs,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await done;
      }
      if (ownDir === undefined) fs.rmSync(dir, { recursive: true, force: true });
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

/** A field of /proc/<pid>/status or smaps_rollup (kB lines such as VmRSS, Pss), in bytes; 0 once the process is gone. */
export function procKb(pid, file, field) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return 0;
  }
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]) * 1024;
}

/** Pids of a process's direct children. */
export function childPids(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
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
