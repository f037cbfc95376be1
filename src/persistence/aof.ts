// The append-only file in Redis 7's multi-part layout: `dir/appenddirname/` holds a base file (an
// RDB image with aof-use-rdb-preamble yes, commands with no), incr files of RESP commands, and a
// manifest naming them. Writes reach the incr file through the propagation sink (SELECT when the
// database changes) and are written before the replies go out; `appendfsync` decides when they
// are fsynced. BGREWRITEAOF switches to a new incr file at the snapshot epoch and writes a new
// base through the same point-in-time snapshot as BGSAVE.

import { writeCommand } from '../protocol/command.js';
import { ReplyWriter } from '../protocol/reply.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lookupCommand } from '../commands/registry.js';
import { signals } from '../keyspace/signals.js';
import { logger } from '../log.js';
import { fakeClient } from '../server/client.js';
import { addPropagationSink, inAtomic, PROPAGATE_AOF } from '../server/propagate.js';
import { beforeReplies, server } from '../server/state.js';
import { splitArgs } from '../protocol/parser.js';
import { strerror } from '../util/errno.js';
import { repr } from '../util/repr.js';
import { KeyspaceLoad, runLoading, type SlicedLoad } from './load.js';
import { activeChild, aofHooks, forkSnapshot, fsyncDir, killChild, rdbStats, writeSnapshotSync, type SnapshotFormat } from './save.js';

const log = (): ReturnType<typeof logger> => logger('aof');

interface AofFile {
  name: string;
  seq: number;
  type: 'b' | 'h' | 'i';
}

interface Manifest {
  base: AofFile | null;
  history: AofFile[];
  incr: AofFile[];
}

export const aofState = {
  enabled: false,
  /**
   * Turned on at run time, waiting for its first rewrite (Redis's AOF_WAIT_REWRITE): while that
   * rewrite runs, writes go to a temporary incr file that becomes the first incr file on success.
   */
  waitRewrite: false,
  rewriteScheduled: false,
  rewrites: 0,
  lastRewriteOk: true,
  consecutiveFailures: 0,
  lastRewriteTimeSec: -1,
  /** DEBUG AOF-FLUSH-SLEEP: microseconds to sleep before each write of the buffer (a testing aid). */
  flushSleepUs: 0,
  rewriteStart: 0,
  currentSize: 0,
  baseSize: 0,
};

let manifest: Manifest = { base: null, history: [], incr: [] };
let fd = -1;
let selectedDb = -1;
/** RESP not yet written: flushed before replies go out, or on the next loop turn. */
const pending = new ReplyWriter();
let flushScheduled = false;
/** appendfsync always (cached: read on every flush). */
let always = false;

/** Bytes waiting in the AOF buffer (INFO aof_buffer_length). */
export function aofBufferLength(): number {
  return pending.len;
}

const now = (): number => Math.floor(Date.now() / 1000);

function aofDir(): string {
  return path.join(server.config.get('dir'), server.config.get('appenddirname'));
}

function baseName(): string {
  return server.config.get('appendfilename');
}

function manifestName(): string {
  return `${baseName()}.manifest`;
}

// ---- manifest ------------------------------------------------------------------------------

/** Redis's MANIFEST_MAX_LINE: a longer manifest line is refused. */
const MANIFEST_MAX_LINE = 1024;

/**
 * Read the manifest; null when there is none. Throws, worded as Redis logs it, on a malformed
 * one: an empty file, a blank or too long line, fewer than the three key/value pairs (others are
 * ignored), an unknown type, two bases, incr sequence numbers not increasing.
 */
function readManifest(): Manifest | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(aofDir(), manifestName()), 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (text === '') throw new Error('Found an empty AOF manifest');
  const m: Manifest = { base: null, history: [], incr: [] };
  let from = 0;
  for (let n = 1; from < text.length; n++) {
    const nl = text.indexOf('\n', from);
    const end = nl === -1 ? text.length : nl + 1;
    const raw = text.slice(from, end);
    from = end;
    const fail = (why: string): Error => new Error(`${why} (manifest line ${n})`);
    if (raw.length > MANIFEST_MAX_LINE) throw fail('The AOF manifest file contains too long line');
    if (raw[0] === '#') continue;
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    const words = line === '' ? null : splitArgs(line);
    if (words === null || words.length < 6 || words.length % 2 !== 0) throw fail('Invalid AOF manifest file format');
    let name: string | undefined;
    let seq = 0;
    let type = '';
    for (let k = 0; k < words.length; k += 2) {
      if (words[k] === 'file') name = words[k + 1];
      else if (words[k] === 'seq') seq = parseInt(words[k + 1], 10) || 0;
      else if (words[k] === 'type') type = words[k + 1][0] ?? '';
    }
    if (name === undefined || seq === 0 || type === '') throw fail('Invalid AOF manifest file format');
    // Names only: a manifest must not send the server to read or delete files elsewhere.
    if (name.includes('/')) throw fail("File can't be a path, just a filename");
    if (type === 'b') {
      if (m.base !== null) throw fail('Found duplicate base file information');
      m.base = { name, seq, type };
    } else if (type === 'h') {
      m.history.push({ name, seq, type });
    } else if (type === 'i') {
      if (m.incr.length > 0 && seq <= m.incr[m.incr.length - 1].seq) throw fail('Found a non-monotonic sequence number');
      m.incr.push({ name, seq, type });
    } else {
      throw fail('Unknown AOF file type');
    }
  }
  return m;
}

/**
 * A single appendonly.aof from Redis before 7.0 (in `dir`) moves into the AOF directory as the
 * base, as Redis 7 does on its first start with it: when there is no manifest (or one naming no
 * file), or when an earlier move stopped between writing the manifest and the rename (the
 * manifest names only that base, still outside the directory). Returns the manifest to load.
 */
function migrateOldStyle(m: Manifest | null): Manifest | null {
  const old = path.join(server.config.get('dir'), baseName());
  if (!fs.existsSync(old)) return m;
  const unfinished = m !== null && m.base !== null && m.incr.length === 0 && m.base.name === baseName() && !fs.existsSync(path.join(aofDir(), baseName()));
  if (m !== null && (m.base !== null || m.incr.length !== 0) && !unfinished) return m;
  fs.mkdirSync(aofDir(), { recursive: true });
  const next: Manifest = { base: { name: baseName(), seq: 1, type: 'b' }, history: m?.history ?? [], incr: [] };
  // Manifest first: a crash before the move leaves the old file in place and a start that
  // finishes the move, never an empty dataset.
  persistManifest(next);
  fs.renameSync(old, path.join(aofDir(), baseName()));
  log().info(`Successfully migrated an old-style AOF file (${baseName()}) into the AOF directory (${server.config.get('appenddirname')}).`);
  return next;
}

/** A file name as the manifest holds it: quoted and escaped (Redis's sdscatrepr) when it must be. */
function manifestWord(name: string): string {
  return /^[\x21-\x7e]+$/.test(name) && !/["\\]/.test(name) ? name : repr(name);
}

function manifestText(m: Manifest): string {
  const line = (f: AofFile): string => `file ${manifestWord(f.name)} seq ${f.seq} type ${f.type}\n`;
  return [...(m.base ? [m.base] : []), ...m.history, ...m.incr].map(line).join('');
}

/** Write the manifest atomically: temp file, fsync, rename, fsync the directory. */
function persistManifest(m: Manifest): void {
  const dir = aofDir();
  const tmp = path.join(dir, `temp-${manifestName()}`);
  const f = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(f, manifestText(m));
    fs.fsyncSync(f);
  } finally {
    fs.closeSync(f);
  }
  fs.renameSync(tmp, path.join(dir, manifestName()));
  fsyncDir(dir);
}

/** The base format aof-use-rdb-preamble asks for. */
function baseFormat(): SnapshotFormat {
  return server.config.bool('aof-use-rdb-preamble') ? 'aof-preamble' : 'aof-commands';
}

function nextBase(m: Manifest, format: SnapshotFormat): AofFile {
  const seq = (m.base?.seq ?? 0) + 1;
  return { name: `${baseName()}.${seq}.base.${format === 'aof-preamble' ? 'rdb' : 'aof'}`, seq, type: 'b' };
}

/** Write a new base now (start-up, or AOF turned on at run time). */
function writeBaseSync(m: Manifest): AofFile {
  const format = baseFormat();
  const base = nextBase(m, format);
  writeSnapshotSync(aofDir(), base.name, format);
  return base;
}

function nextIncr(m: Manifest): AofFile {
  const seq = (m.incr.length > 0 ? m.incr[m.incr.length - 1].seq : 0) + 1;
  return { name: `${baseName()}.${seq}.incr.aof`, seq, type: 'i' };
}

/** Remove the files the manifest marks as history, then the history lines themselves. */
function deleteHistory(): void {
  if (manifest.history.length === 0 || server.config.bool('aof-disable-auto-gc')) return;
  for (const f of manifest.history) {
    log().info(`Removing the history file ${f.name} in the background`);
    fs.rm(path.join(aofDir(), f.name), { force: true }, () => {});
  }
  manifest = { ...manifest, history: [] };
  try {
    persistManifest(manifest);
  } catch (err) {
    // Harmless: history lines only name files that no longer matter.
    log().warn(`Can't persist the AOF manifest after removing history: ${(err as Error).message}`);
  }
}

function fileSize(name: string): number {
  try {
    return fs.statSync(path.join(aofDir(), name)).size;
  } catch {
    return 0;
  }
}

// ---- writing -------------------------------------------------------------------------------

function feed(dbid: number, argv: string[]): void {
  if (fd < 0 || rdbStats.loading) return;
  if (timestamps) annotateTime(false);
  if (dbid !== selectedDb) {
    writeCommand(pending, ['SELECT', String(dbid)]);
    selectedDb = dbid;
  }
  writeCommand(pending, argv);
  // Writes made outside a client's read event (timers) are flushed on the next turn.
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushSoon);
  }
}

/** aof-timestamp-enabled (cached: read on every write). */
let timestamps = false;
/** The second of the last #TS annotation written. */
let lastTs = 0;

/** Redis's "#TS:<unix seconds>" line before the first write of each new second (or now, forced). */
function annotateTime(force: boolean): void {
  const sec = now();
  if (!force && sec <= lastTs) return;
  lastTs = sec;
  pending.text(`#TS:${sec}\r\n`);
}

function flushSoon(): void {
  flushScheduled = false;
  flush(always);
}

/** Before replies: written to the file, and with `always` fsynced, as Redis does before answering. */
function flushBeforeReplies(): void {
  flush(always);
}

/**
 * Write what is pending; fsync when asked. A failed write keeps the data for the next attempt and
 * turns on MISCONF; with appendfsync always there is no way to keep the promise, so like Redis
 * the server exits.
 */
function flush(sync: boolean): void {
  if (fd < 0 || pending.len === 0) return;
  const len = pending.len;
  let written = 0;
  if (aofState.flushSleepUs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, aofState.flushSleepUs / 1000);
  try {
    while (written < len) written += fs.writeSync(fd, pending.buf, written, len - written);
    if (sync) fs.fdatasyncSync(fd);
  } catch (err) {
    pending.dropFront(written);
    aofState.currentSize += written;
    rdbStats.aofWriteOk = false;
    rdbStats.aofWriteError = (err as Error).message;
    log().warn(`Error writing to the AOF file: ${rdbStats.aofWriteError}`);
    if (always) {
      log().warn("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      process.exit(1);
    }
    return;
  }
  pending.discard();
  aofState.currentSize += len;
  if (!rdbStats.aofWriteOk) log().warn('AOF write error looks solved, Redis can write again.');
  rdbStats.aofWriteOk = true;
}

/** Once a second: retry a failed write, and with everysec fsync in the thread pool (Redis's bio). */
function everySecond(): void {
  if (fd < 0) return;
  flush(always);
  if (always || server.config.get('appendfsync') !== 'everysec') return;
  fs.fdatasync(fd, (err) => {
    if (err === null) return;
    rdbStats.aofWriteOk = false;
    rdbStats.aofWriteError = err.message;
    log().warn(`Error syncing the AOF file: ${err.message}`);
  });
}

function openIncr(name: string): void {
  const f = fs.openSync(path.join(aofDir(), name), 'a');
  if (fd >= 0) fs.closeSync(fd);
  fd = f;
  selectedDb = -1;
}

// ---- loading -------------------------------------------------------------------------------

/**
 * The RESP command starting at `pos` (after any `#...` annotation lines, as aof-timestamp-enabled
 * writes them) with the offset past it; null when incomplete.
 */
function parseCommand(buf: Buffer, pos: number, file: string): { argv: string[]; end: number } | null {
  const bad = (): never => {
    throw new Error(`Bad file format reading the append only file ${file}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
  };
  const line = (p: number): { text: string; next: number } | null => {
    const nl = buf.indexOf('\r\n', p, 'latin1');
    return nl < 0 ? null : { text: buf.latin1Slice(p, nl), next: nl + 2 };
  };
  let head = line(pos);
  while (head !== null && head.text[0] === '#') head = line(head.next);
  if (head === null) return null;
  if (head.text[0] !== '*') bad();
  const n = Number(head.text.slice(1));
  if (!Number.isInteger(n) || n < 1) bad();
  const argv: string[] = [];
  let p = head.next;
  for (let i = 0; i < n; i++) {
    const l = line(p);
    if (l === null) return null;
    if (l.text[0] !== '$') bad();
    const len = Number(l.text.slice(1));
    if (!Number.isInteger(len) || len < 0) bad();
    if (l.next + len + 2 > buf.length) return null;
    if (buf[l.next + len] !== 13 || buf[l.next + len + 1] !== 10) bad();
    argv.push(buf.latin1Slice(l.next, l.next + len));
    p = l.next + len + 2;
  }
  return { argv, end: p };
}

/**
 * The commands of one AOF file, run a slice at a time. `valid` is the offset after the last
 * complete command (and transaction); the caller decides whether stopping short of the file's end
 * is acceptable.
 */
class Replay {
  private readonly c = fakeClient();
  private pos: number;
  valid: number;
  private queue: string[][] | null = null;

  constructor(private readonly buf: Buffer, start: number, private readonly file: string) {
    this.pos = start;
    this.valid = start;
  }

  get loadedBytes(): number {
    return this.pos;
  }

  /** Run commands until `deadline`; true once no complete command is left. */
  step(deadline: number): boolean {
    const c = this.c;
    let n = 0;
    for (;;) {
      // Commands vary from a SET to an MSET of thousands: look at the clock often.
      if ((++n & 15) === 0 && performance.now() >= deadline) return false;
      const cmd = parseCommand(this.buf, this.pos, this.file);
      if (cmd === null) return true;
      this.pos = cmd.end;
      const name = cmd.argv[0].toLowerCase();
      if (name === 'multi') {
        this.queue = [];
        continue;
      }
      if (this.queue !== null && name !== 'exec') {
        this.queue.push(cmd.argv);
        continue;
      }
      const batch = name === 'exec' ? this.queue ?? [] : [cmd.argv];
      this.queue = null;
      for (const argv of batch) {
        const spec = lookupCommand(argv);
        if (spec === null) throw new Error(`Unknown command '${argv[0]}' reading the append only file ${this.file}`);
        spec.handler(c, argv);
        c.reply.take();
      }
      this.valid = this.pos;
    }
  }
}

/** The base and incr files of the manifest, loaded in order a slice at a time. */
class AofLoad implements SlicedLoad {
  private i = 0;
  private buf: Buffer | null = null;
  private rdb: KeyspaceLoad | null = null;
  private replay: Replay | null = null;
  /** Bytes of the files already loaded. */
  private before = 0;
  private t0 = 0;

  constructor(private readonly files: AofFile[]) {}

  get loadedBytes(): number {
    return this.before + (this.rdb?.loadedBytes ?? this.replay?.loadedBytes ?? 0);
  }

  step(deadline: number): boolean {
    while (this.i < this.files.length) {
      const f = this.files[this.i];
      if (this.buf === null) {
        this.t0 = performance.now();
        try {
          this.buf = fs.readFileSync(path.join(aofDir(), f.name));
        } catch (err) {
          throw new Error((err as NodeJS.ErrnoException).code === 'ENOENT'
            ? `The append log file ${f.name} doesn't exist: ${strerror(err)}`
            : `Fatal error: can't open the append log file ${f.name} for reading: ${strerror(err)}`);
        }
        if (this.buf.latin1Slice(0, 5) === 'REDIS') {
          log().info(f.name.endsWith('.rdb') ? 'Reading RDB base file on AOF loading...' : 'Reading RDB preamble from AOF file...');
          // Expired keys stay: later commands in the AOF may still refer to them.
          this.rdb = new KeyspaceLoad(this.buf, false, true);
        } else {
          this.replay = new Replay(this.buf, 0, f.name);
        }
      }
      const buf = this.buf;
      if (this.rdb !== null) {
        if (!this.rdb.step(deadline)) return false;
        const from = this.rdb.end;
        this.rdb = null;
        if (from < buf.length) {
          log().info('Reading the remaining AOF tail...');
          this.replay = new Replay(buf, from, f.name);
        }
      }
      if (this.replay !== null) {
        if (!this.replay.step(deadline)) return false;
        this.truncated(f, this.replay.valid, buf.length);
        this.replay = null;
      }
      if (buf.length > 0) {
        log().info(`DB loaded from ${f.type === 'b' ? 'base' : 'incr'} file ${f.name}: ${((performance.now() - this.t0) / 1000).toFixed(3)} seconds`);
      }
      this.before += buf.length;
      this.buf = null;
      this.i++;
      if (performance.now() >= deadline && this.i < this.files.length) return false;
    }
    server.dirty = 0;
    return true;
  }

  /** A file whose last command is incomplete: acceptable only at the very end, with aof-load-truncated. */
  private truncated(f: AofFile, valid: number, size: number): void {
    if (valid === size) return;
    if (this.i !== this.files.length - 1) throw new Error(`Fatal error: the truncated file is not the last file (${f.name})`);
    if (!server.config.bool('aof-load-truncated')) {
      throw new Error(`Unexpected end of file reading the append only file ${f.name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`);
    }
    log().warn(`!!! Warning: short read while loading the AOF file ${f.name}!!!`);
    log().warn(`!!! Truncating the AOF ${f.name} at offset ${valid} !!!`);
    fs.truncateSync(path.join(aofDir(), f.name), valid);
    log().warn(`AOF ${f.name} loaded anyway because aof-load-truncated is enabled`);
  }
}

/** Read the manifest and prepare loading its files; null when there is no AOF yet. */
function aofLoad(): AofLoad | null {
  const m = migrateOldStyle(readManifest());
  if (m === null || (m.base === null && m.incr.length === 0)) {
    if (m !== null) manifest = m;
    return null;
  }
  manifest = m;
  return new AofLoad([...(m.base ? [m.base] : []), ...m.incr]);
}

/** Load base and incr files now; false when there is no AOF yet. Throws on unrecoverable damage. */
export function loadAof(): boolean {
  const l = aofLoad();
  if (l === null) return false;
  l.step(Infinity);
  return true;
}

// ---- turning on and off, rewriting ---------------------------------------------------------

/**
 * With appendonly yes, after loading: make sure there is a base (written now when the AOF is
 * new), open the last incr file (or a new one) for appending and persist the manifest.
 */
function openOnStart(): void {
  fs.mkdirSync(aofDir(), { recursive: true });
  if (manifest.base === null && manifest.incr.length === 0) {
    const base = writeBaseSync(manifest);
    manifest = { ...manifest, base };
    log().info(`Creating AOF base file ${base.name} on server start`);
  }
  const reuse = manifest.incr.length > 0;
  const incr = reuse ? manifest.incr[manifest.incr.length - 1] : nextIncr(manifest);
  if (!reuse) manifest = { ...manifest, incr: [incr] };
  openIncr(incr.name);
  persistManifest(manifest);
  log().info(`${reuse ? 'Opening' : 'Creating'} AOF incr file ${incr.name} on server start`);
  aofState.enabled = true;
  // Like Redis, growth for auto-rewrite counts from the size found at start.
  aofState.currentSize = (manifest.base ? fileSize(manifest.base.name) : 0) + manifest.incr.reduce((n, f) => n + fileSize(f.name), 0);
  aofState.baseSize = aofState.currentSize;
}

/** The manifest's history after `base` and `incr` are superseded: newest first, as Redis lists it. */
function supersede(history: AofFile[], base: AofFile | null, incr: AofFile[]): AofFile[] {
  const moved: AofFile[] = [];
  if (base !== null) moved.push({ ...base, type: 'h' });
  for (const f of incr) moved.push({ ...f, type: 'h' });
  return [...moved.reverse(), ...history];
}

function tempIncrName(): string {
  return `temp-${baseName()}.incr`;
}

/**
 * CONFIG SET appendonly yes at run time: like Redis, a background rewrite writes the first base
 * (scheduled when another child runs) and the AOF waits for it; the files in place stay as they
 * are until it succeeds.
 */
function enableAtRunTime(): string | null {
  aofState.waitRewrite = true;
  if (activeChild() !== null) {
    aofState.rewriteScheduled = true;
    log().info('AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
    return null;
  }
  // In EXEC (CONFIG SET cannot run in scripts): the rewrite starts after the transaction, as in Redis.
  if (inAtomic()) {
    aofState.rewriteScheduled = true;
    log().info('AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
    return null;
  }
  if (!startRewrite()) {
    aofState.waitRewrite = false;
    log().warn("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
    return "can't start the background rewrite";
  }
  return null;
}

/** The temporary incr file of a rewrite that did not make it: closed and removed. */
function dropTempIncr(): void {
  if (fd >= 0) fs.closeSync(fd);
  fd = -1;
  pending.discard();
  log().info(`Removing the temp incr aof file ${tempIncrName()} in the background`);
  fs.rm(path.join(aofDir(), tempIncrName()), { force: true }, () => {});
}

/** A rewrite in progress is pointless once the AOF is off. */
function killRewriteChild(): void {
  if (activeChild() !== 'aof') return;
  log().info('Killing running AOF rewrite child.');
  killChild();
}

function disable(): void {
  if (aofState.waitRewrite) {
    aofState.waitRewrite = false;
    aofState.rewriteScheduled = false;
    killRewriteChild();
    if (fd >= 0) dropTempIncr();
    return;
  }
  flush(true);
  if (fd >= 0) fs.closeSync(fd);
  fd = -1;
  aofState.enabled = false;
  killRewriteChild();
}

/** BGREWRITEAOF's work; false when it could not start. */
export function startRewrite(): boolean {
  try {
    fs.mkdirSync(aofDir(), { recursive: true });
    if (aofState.enabled) {
      flush(true);
      // Writes from the epoch on go to a new incr file, listed in the manifest right away.
      const incr = nextIncr(manifest);
      openIncr(incr.name);
      manifest = { ...manifest, incr: [...manifest.incr, incr] };
      persistManifest(manifest);
      log().info(`Creating AOF incr file ${incr.name} on background rewrite`);
    } else {
      manifest = readManifest() ?? manifest;
      // Waiting for the first rewrite: writes from its epoch on are kept aside until it succeeds.
      if (aofState.waitRewrite) openIncr(tempIncrName());
    }
  } catch (err) {
    aofState.lastRewriteOk = false;
    log().warn(`Can't rewrite append only file in background: ${(err as Error).message}`);
    return false;
  }
  const format = baseFormat();
  const base = nextBase(manifest, format);
  const keepIncr = aofState.enabled ? manifest.incr[manifest.incr.length - 1] : null;
  aofState.rewrites++;
  aofState.rewriteStart = now();
  aofState.rewriteScheduled = false;
  const j = forkSnapshot('aof', format, aofDir(), base.name, (ok, killed) => rewriteDone(ok, killed, base, keepIncr));
  if (j === null) {
    aofState.lastRewriteOk = false;
    return false;
  }
  log().info(`Background append only file rewriting started by pid ${j.child.pid}`);
  return true;
}

function rewriteDone(ok: boolean, killed: boolean, base: AofFile, keepIncr: AofFile | null): void {
  aofState.lastRewriteTimeSec = now() - aofState.rewriteStart;
  if (!ok) {
    fs.rmSync(path.join(aofDir(), base.name), { force: true });
    if (aofState.waitRewrite) {
      dropTempIncr();
      // Still waiting for a first base: try again.
      if (!killed) aofState.rewriteScheduled = true;
    }
    if (killed) return;
    aofState.lastRewriteOk = false;
    aofState.consecutiveFailures++;
    log().warn('Background AOF rewrite failed');
    return;
  }
  log().info('Background AOF rewrite terminated with success');
  // The incr files the new base covers become history; the one opened at the epoch stays (or,
  // for the first rewrite of an AOF turned on at run time, the temporary one becomes the first).
  const incr: AofFile[] = [];
  const covered: AofFile[] = [];
  for (const f of manifest.incr) {
    if (keepIncr !== null && f.seq >= keepIncr.seq) incr.push(f);
    else covered.push(f);
  }
  const first = aofState.waitRewrite ? nextIncr(manifest) : null;
  if (first !== null) {
    try {
      fs.renameSync(path.join(aofDir(), tempIncrName()), path.join(aofDir(), first.name));
    } catch (err) {
      dropTempIncr();
      aofState.lastRewriteOk = false;
      aofState.consecutiveFailures++;
      aofState.rewriteScheduled = true;
      log().warn(`Background AOF rewrite failed renaming the temp incr file: ${strerror(err)}`);
      return;
    }
    incr.push(first);
  }
  const next: Manifest = { base, history: supersede(manifest.history, manifest.base, covered), incr };
  try {
    persistManifest(next);
  } catch (err) {
    fs.rmSync(path.join(aofDir(), base.name), { force: true });
    aofState.lastRewriteOk = false;
    aofState.consecutiveFailures++;
    log().warn(`Background AOF rewrite failed persisting the manifest: ${(err as Error).message}`);
    return;
  }
  manifest = next;
  if (first !== null) {
    aofState.waitRewrite = false;
    aofState.enabled = true;
    log().info('AOF enabled');
  }
  if (aofState.enabled) {
    aofState.currentSize = fileSize(base.name) + incr.reduce((n, f) => n + fileSize(f.name), 0);
    aofState.baseSize = aofState.currentSize;
  }
  deleteHistory();
  aofState.lastRewriteOk = true;
  aofState.consecutiveFailures = 0;
  log().info('Background AOF rewrite finished successfully');
}

/** After this many failed rewrites in a row, automatic ones back off (1, 2, 4 ... 60 minutes). */
const REWRITE_FAILURES_LIMIT = 3;
let limitDelayMin = 0;
let limitUntil = 0;

/** Whether an automatic rewrite must wait because rewrites keep failing (Redis's aofRewriteLimited). */
function rewriteLimited(): boolean {
  if (aofState.consecutiveFailures < REWRITE_FAILURES_LIMIT) {
    limitDelayMin = 0;
    limitUntil = 0;
    return false;
  }
  if (limitUntil !== 0) {
    if (now() < limitUntil) return true;
    limitUntil = 0;
    return false;
  }
  limitDelayMin = Math.min(limitDelayMin === 0 ? 1 : limitDelayMin * 2, 60);
  limitUntil = now() + limitDelayMin * 60;
  log().warn(`Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${limitDelayMin} minutes`);
  return true;
}

/** Each cron tick: a scheduled rewrite, or an automatic one when the AOF has grown enough. */
function tick(): void {
  if (activeChild() !== null) return;
  if (aofState.rewriteScheduled) {
    startRewrite();
    return;
  }
  if (!aofState.enabled) return;
  const pct = server.config.num('auto-aof-rewrite-percentage');
  const min = server.config.num('auto-aof-rewrite-min-size');
  const base = aofState.baseSize === 0 ? 1 : aofState.baseSize;
  const growth = Math.floor(((aofState.currentSize - base) * 100) / base);
  if (pct !== 0 && aofState.currentSize > min && growth >= pct && !rewriteLimited()) {
    log().info(`Starting automatic rewriting of AOF on ${growth}% growth`);
    startRewrite();
  }
}

/**
 * At start with appendonly yes the AOF, not the RDB file, is the dataset (like Redis), loaded in
 * slices behind -LOADING (see runLoading). Rejects, and the server exits, when it cannot be loaded.
 */
export function loadAofAtStart(): Promise<void> {
  const fatal = (reason: string): Error => new Error(`Fatal error loading the AOF (${aofDir()}): ${reason}`);
  let l: AofLoad | null;
  try {
    l = aofLoad();
  } catch (err) {
    return Promise.reject(fatal((err as Error).message));
  }
  if (l === null) return Promise.resolve();
  const total = (manifest.base ? fileSize(manifest.base.name) : 0) + manifest.incr.reduce((n, f) => n + fileSize(f.name), 0);
  const load = l;
  return runLoading(aofDir(), total, () => load, fatal, 'DB loaded from append only file');
}

/** DEBUG LOADAOF: write out what is pending, empty the databases, load the AOF back. */
export function debugLoadAof(): void {
  if (aofState.enabled) flush(true);
  for (const db of server.dbs) {
    signals.flushed(db);
    db.flush();
  }
  rdbStats.loading = true;
  try {
    deleteHistory();
    loadAof();
  } catch (err) {
    // Redis exits here too: the dataset is gone and the file cannot give it back.
    log().warn(`Fatal error loading the AOF on DEBUG LOADAOF: ${(err as Error).message}`);
    process.exit(1);
  } finally {
    rdbStats.loading = false;
  }
  log().warn('Append Only File loaded by DEBUG LOADAOF');
}

/**
 * Wire the AOF: loading decides between AOF and RDB (`loadAof` first when appendonly is yes),
 * then this opens it, and later CONFIG SET appendonly turns it on and off.
 */
export function initAof(): void {
  addPropagationSink({ target: PROPAGATE_AOF, feed });
  beforeReplies.run = flushBeforeReplies;
  server.config.watch('appendfsync', (v) => {
    always = v === 'always';
  });
  server.config.watch('aof-timestamp-enabled', (v) => {
    timestamps = v === 'yes';
  });
  server.config.watch('aof-disable-auto-gc', (v) => {
    if (v === 'no' && aofState.enabled) deleteHistory();
  });
  aofHooks.tick = tick;
  aofHooks.shutdown = () => {
    if (fd >= 0) flush(true);
  };
  if (server.config.bool('appendonly')) openOnStart();
  server.config.watch('appendonly', (v) => {
    if (v === 'yes' && !aofState.enabled && !aofState.waitRewrite) return enableAtRunTime();
    if (v === 'no' && (aofState.enabled || aofState.waitRewrite)) disable();
  });
  setInterval(everySecond, 1000).unref();
}
