// The background snapshot writer (BGSAVE, AOF base files, disk-based replication), started with
// child_process.fork and kept for the server's later snapshots: forking the server once its heap
// has grown copies its page tables, a main-thread pause of several milliseconds (and ~60 ms of
// the other core for Node's start-up) per save, which a writer started early (save.ts, once the
// dataset is past a small size) avoids.
//
// Per job the parent sends {start: [dir, filename, trailer]} (trailer: 1 = CRC64, 0 = zeros,
// none), then the snapshot's bytes on stdin, then {end: byteCount}. The writer writes
// temp-<pid>.rdb, appends the trailer, fsyncs, renames it over the target, fsyncs the directory
// and replies {ok: true}. It commits only a stream whose byte count matches; if the parent dies
// (IPC disconnect) mid-job the temp file is removed and the previous dump stays as it was. Any
// failure ends the process: the parent sees the job fail and starts a new writer for the next.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Crc64 } from './rdb/crc64.js';

interface Job {
  dir: string;
  filename: string;
  tmp: string;
  fd: number;
  trailer: string;
  crc: Crc64;
  received: number;
  sinceSync: number;
  /** The byte count from the parent's end message, -1 before it. */
  expected: number;
}

const FSYNC_EVERY = 32 * 1024 * 1024;
/**
 * Stdin is read into this one buffer: no per-chunk Buffers for the collector to chase (a
 * stream-mode stdin grew this process by 20+ MB over a 28 MB file). The reads block a thread of
 * libuv's pool, not this event loop, so the parent's messages are handled meanwhile.
 */
const buf = Buffer.allocUnsafe(1 << 20);
let job: Job | null = null;
/** Bytes read while no job was active: the next job's first ones, ahead of its start message. */
let held = 0;
/** A read is outstanding (at most one: they all go to buf). */
let reading = false;

function fail(err: unknown): never {
  process.stderr.write(`rdb writer: ${(err as Error).message ?? String(err)}\n`);
  if (job !== null) {
    try {
      fs.closeSync(job.fd);
    } catch {
      // already closed
    }
    fs.rmSync(job.tmp, { force: true });
  }
  process.exit(1);
}

function start(dir: string, filename: string, trailer: string): void {
  if (job !== null) fail(new Error('a job started while another was running'));
  const tmp = path.join(dir, `temp-${process.pid}.rdb`);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w');
  } catch (err) {
    fail(err);
  }
  job = { dir, filename, tmp, fd, trailer, crc: new Crc64(), received: 0, sinceSync: 0, expected: -1 };
  if (held > 0) {
    const n = held;
    held = 0;
    consume(n);
  }
}

function read(): void {
  if (reading || held > 0) return;
  reading = true;
  fs.read(0, buf, 0, buf.length, null, (err, n) => {
    reading = false;
    if (err !== null) {
      // A non-blocking stdin with nothing to read yet: come back shortly.
      if (err.code === 'EAGAIN') setTimeout(read, 1);
      else fail(err);
      return;
    }
    // The parent closed our stdin: it is going away.
    if (n === 0) {
      if (job !== null) fail(new Error('parent went away before the snapshot was complete'));
      process.exit(0);
    }
    if (job === null) held = n;
    else consume(n);
  });
}

/** Take the first `n` bytes of buf into the job's file, and read on. */
function consume(n: number): void {
  const j = job!;
  try {
    fs.writeSync(j.fd, buf, 0, n);
    if (j.trailer === '1') j.crc.update(buf, 0, n);
    j.received += n;
    j.sinceSync += n;
    // Incremental fsync keeps the final fsync short (rdb-save-incremental-fsync).
    if (j.sinceSync >= FSYNC_EVERY) {
      fs.fdatasyncSync(j.fd);
      j.sinceSync = 0;
    }
  } catch (err) {
    fail(err);
  }
  commitIfComplete();
  read();
}

/** Commit once the parent's byte count is in and matched. */
function commitIfComplete(): void {
  const j = job!;
  if (j.expected < 0 || j.received < j.expected) return;
  try {
    if (j.received !== j.expected) throw new Error(`stream has ${j.received} bytes, parent sent ${j.expected}`);
    if (j.trailer !== 'none') fs.writeSync(j.fd, j.trailer === '1' ? j.crc.bytes() : Buffer.alloc(8));
    fs.fsyncSync(j.fd);
    fs.closeSync(j.fd);
    fs.renameSync(j.tmp, path.join(j.dir, j.filename));
    const dfd = fs.openSync(j.dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch (err) {
    fail(err);
  }
  job = null;
  process.send!({ ok: true });
}

process.on('message', (m: { start?: [string, string, string]; end?: number }) => {
  if (m.start !== undefined) {
    start(...m.start);
  } else if (typeof m.end === 'number') {
    if (job === null) fail(new Error('end of a stream without a job'));
    job.expected = m.end;
    commitIfComplete();
  }
});
process.on('disconnect', () => {
  if (job !== null) fail(new Error('parent went away before the snapshot was complete'));
  process.exit(0);
});
// The server may already be gone (it failed to start): nothing to do then.
if (!process.connected) process.exit(0);
read();
