// The background snapshot child (BGSAVE, AOF base files; started with child_process.fork):
// receives the RDB bytes on stdin, appends the CRC64 trailer, writes temp-<pid>.rdb, fsyncs,
// renames it over the target file and fsyncs the
// directory. It commits only when the parent says the stream is complete and the byte count
// matches; if the parent dies first (IPC disconnect) the temp file is removed and the previous
// dump stays as it was. argv: <dir> <filename> <trailer: 1 = CRC64, 0 = zeros, none>

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Crc64 } from './rdb/crc64.js';

const [dir, dbfilename, trailer] = process.argv.slice(2);
const tmp = path.join(dir, `temp-${process.pid}.rdb`);
const fd = openTemp();
const crc = new Crc64();
const useCrc = trailer === '1';
const FSYNC_EVERY = 32 * 1024 * 1024;
let received = 0;
let sinceSync = 0;
let ended = false;
let expected = -1;
let failed = false;
const buf = Buffer.allocUnsafe(1 << 20);

function openTemp(): number {
  try {
    return fs.openSync(tmp, 'w');
  } catch (err) {
    process.stderr.write(`rdb writer: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

function fail(err: unknown): void {
  if (failed) return;
  failed = true;
  process.stderr.write(`rdb writer: ${(err as Error).message ?? String(err)}\n`);
  try {
    fs.closeSync(fd);
  } catch {
    // already closed
  }
  fs.rmSync(tmp, { force: true });
  process.exit(1);
}

function commit(): void {
  if (!ended || expected < 0 || failed) return;
  try {
    if (received !== expected) throw new Error(`stream has ${received} bytes, parent sent ${expected}`);
    if (trailer !== 'none') fs.writeSync(fd, useCrc ? crc.bytes() : Buffer.alloc(8));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, path.join(dir, dbfilename));
    const dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch (err) {
    fail(err);
    return;
  }
  process.send!({ ok: true }, () => process.exit(0));
}

/**
 * Read the stream synchronously into one reused buffer: no per-chunk Buffers for the collector to
 * chase (a stream-mode stdin grew this process by 20+ MB over a 28 MB file). The IPC messages wait
 * in their socket meanwhile and are handled once the stream has ended.
 */
function pump(): void {
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      // A non-blocking stdin with nothing to read yet: come back shortly.
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        setTimeout(pump, 1);
        return;
      }
      fail(err);
      return;
    }
    if (n === 0) break;
    try {
      fs.writeSync(fd, buf, 0, n);
      if (useCrc) crc.update(buf, 0, n);
      received += n;
      sinceSync += n;
      // Incremental fsync keeps the final fsync short (rdb-save-incremental-fsync).
      if (sinceSync >= FSYNC_EVERY) {
        fs.fdatasyncSync(fd);
        sinceSync = 0;
      }
    } catch (err) {
      fail(err);
      return;
    }
  }
  ended = true;
  if (expected >= 0) commit();
  // The parent ends the stream only after sending the byte count, which may still be in flight;
  // without it (the parent died mid-stream) the file is incomplete.
  else if (!process.connected) fail(new Error('parent went away before the snapshot was complete'));
  else setTimeout(() => fail(new Error('stream ended without the parent\'s byte count')), 5000);
}
process.on('message', (m: { end?: number }) => {
  if (typeof m.end === 'number') {
    expected = m.end;
    commit();
  }
});
if (!process.connected) fail(new Error('started without a parent'));
setImmediate(pump);
process.on('disconnect', () => {
  if (expected < 0) fail(new Error('parent went away before the snapshot was complete'));
});
