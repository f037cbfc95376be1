// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS k...]
//
// Redis 7.0 moves keys with blocking socket calls, freezing the whole server. Here only the calling
// client waits: the keys are serialised (DUMP payloads) when the command runs, sent as RESTORE (or
// RESTORE-ASKING in cluster mode) over a connection cached per host:port for 10 s, and deleted when
// the target acknowledged them. Until then the keys are locked: commands of other clients that name
// one are held (like CLIENT PAUSE holds them) and run after MIGRATE completed, so no write to a
// key in flight is lost and nobody sees it half moved; the rest of the server keeps serving.
// Inside MULTI/EXEC, where a command cannot wait, MIGRATE is synchronous as in Redis (see below).

import * as net from 'node:net';
import * as tls from 'node:tls';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Db } from '../keyspace/db.js';
import { notifyKeyspaceEvent, NOTIFY_GENERIC } from '../keyspace/notify.js';
import { freedValue, lazyfree } from '../keyspace/lazyfree.js';
import { toPlain, UnsupportedTypeError } from '../persistence/convert.js';
import { dumpPayload } from '../persistence/rdb/values.js';
import { parseInt64 } from '../protocol/format.js';
import { mayBlock } from '../server/blocking.js';
import { CLIENT_BLOCKED, CLIENT_CLOSED, CLIENT_MULTI, type Client } from '../server/client.js';
import { propagate } from '../server/propagate.js';
import { server } from '../server/state.js';
import { tlsClientOptions } from '../server/tls.js';
import { ERR } from '../errors.js';
import { ksIndex, ksKeyword } from './keyspecs.js';
import { lookupCommand } from './registry.js';
import { commandKeys, type CommandDef, type CommandSpec } from './spec.js';

/** Redis's MIGRATE_SOCKET_CACHE_ITEMS and MIGRATE_SOCKET_CACHE_TTL. */
const CACHE_ITEMS = 64;
const CACHE_TTL_MS = 10_000;
/** The longest wait a Node timer takes (2^31-1 ms). */
const MAX_TIMER_MS = 0x7fffffff;
/** Redis reads each reply line into a 1024-byte buffer; a longer error is cut there. */
const MAX_LINE = 1023;


/** A connection to one target, reused by MIGRATEs to the same host:port. */
interface Link {
  name: string;
  socket: net.Socket;
  connected: boolean;
  /** The db the target connection has selected (as sent), null when unknown (Redis's last_dbid). */
  lastDbid: string | null;
  idleTimer: NodeJS.Timeout | null;
  /** The migration using the link; others queue behind it, as Redis serialises them. */
  job: Job | null;
  queue: Job[];
  closed: boolean;
}

interface Job {
  c: Client;
  cmd: CommandSpec;
  db: Db;
  name: string;
  host: string;
  port: number;
  /** The destination db as a 64-bit integer's digits, sent with SELECT. */
  dbid: string;
  /** Per step (connect, each write, each reply), like Redis; capped to what a Node timer holds. */
  timeoutMs: number;
  copy: boolean;
  /** AUTH/AUTH2 arguments (without the command name), or null. */
  auth: string[] | null;
  /** Keys being sent (expired ones already dropped) and the RESTORE commands for them. */
  keys: string[];
  restores: Buffer;
  /** Per-attempt state. */
  /** performance.now() when MIGRATE ran: its whole wait counts in its statistics, as in Redis. */
  start: number;
  link: Link | null;
  select: boolean;
  lines: string[];
  pending: string;
  timer: NodeJS.Timeout | null;
  retried: boolean;
  done: boolean;
}

const links = new Map<string, Link>();

/** INFO's migrate_cached_sockets. */
export function migrateCachedSockets(): number {
  return links.size;
}

// ---------------------------------------------------------------------------------------------
// Key locks: keys of a migration in flight, per db.

const locked = new Map<Db, Map<string, number>>();
/** Number of locked keys, so the dispatcher's check costs one comparison when nothing migrates. */
export const migrateLocks = { count: 0 };
const held: Client[] = [];

function lockKeys(db: Db, keys: readonly string[]): void {
  let m = locked.get(db);
  if (m === undefined) {
    m = new Map();
    locked.set(db, m);
  }
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  migrateLocks.count += keys.length;
}

function unlockKeys(db: Db, keys: readonly string[]): void {
  const m = locked.get(db)!;
  for (const k of keys) {
    const n = m.get(k)! - 1;
    if (n === 0) m.delete(k);
    else m.set(k, n);
  }
  if (m.size === 0) locked.delete(db);
  migrateLocks.count -= keys.length;
}

function namesLockedKey(m: Map<string, number>, cmd: CommandSpec, argv: string[]): boolean {
  if (cmd.firstKey === 0 && cmd.getKeys === undefined) return false;
  const pos = commandKeys(cmd, argv);
  for (let i = 0; i < pos.length; i++) if (m.has(argv[pos[i]])) return true;
  return false;
}

/**
 * Commands that replace or empty whole databases: a migration in flight would then delete keys of
 * another dataset (SWAPDB) or report keys that no longer exist, so they wait for it.
 */
const WHOLE_DB = new Set(['swapdb', 'flushdb', 'flushall']);

function touches(m: Map<string, number> | undefined, cmd: CommandSpec, argv: string[]): boolean {
  if (WHOLE_DB.has(cmd.name)) return true;
  return m !== undefined && namesLockedKey(m, cmd, argv);
}

/** Whether this command (or, for EXEC, a queued one) names a key a migration has in flight. */
export function touchesMigratingKeys(c: Client, cmd: CommandSpec, argv: string[]): boolean {
  const m = locked.get(c.db);
  if (cmd.name === 'exec' && c.flags & CLIENT_MULTI && c.multiQueue !== null) {
    for (const q of c.multiQueue) if (touches(m, q.cmd, q.argv)) return true;
    return false;
  }
  return touches(m, cmd, argv);
}

/** Hold the command and the client's further input until the migration releases its keys. */
export function holdUntilMigrated(c: Client, argv: string[]): void {
  c.flags |= CLIENT_BLOCKED;
  c.postponedArgv = argv;
  held.push(c);
}

function releaseHeld(): void {
  if (held.length === 0) return;
  const list = held.splice(0, held.length);
  for (const c of list) {
    if (c.flags & CLIENT_CLOSED || c.postponedArgv === null) continue;
    const argv = c.postponedArgv;
    c.postponedArgv = null;
    c.flags &= ~CLIENT_BLOCKED;
    // It may be held again by another migration still in flight; that one releases it later.
    c.resume(argv);
  }
}

// ---------------------------------------------------------------------------------------------
// RESP encoding of the commands sent to the target.

function encodeCommand(parts: (string | Buffer)[]): Buffer {
  const chunks: Buffer[] = [Buffer.from(`*${parts.length}\r\n`, 'latin1')];
  for (const p of parts) {
    const b = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
    chunks.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, CRLF);
  }
  return Buffer.concat(chunks);
}
const CRLF = Buffer.from('\r\n', 'latin1');

// ---------------------------------------------------------------------------------------------
// The command.

/** Redis's atoi: leading blanks, a sign, then digits up to the first non-digit; 0 when none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

function migrateCommand(c: Client, argv: string[]): void {
  let copy = false;
  let replace = false;
  let auth: string[] | null = null;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'copy') {
      copy = true;
    } else if (opt === 'replace') {
      replace = true;
    } else if (opt === 'auth') {
      if (more < 1) {
        c.reply.error(ERR.syntax);
        return;
      }
      auth = [argv[++j]];
      c.redactArg(argv, j);
    } else if (opt === 'auth2') {
      if (more < 2) {
        c.reply.error(ERR.syntax);
        return;
      }
      auth = [argv[j + 1], argv[j + 2]];
      c.redactArg(argv, ++j);
      c.redactArg(argv, ++j);
    } else if (opt === 'keys') {
      if (argv[3].length !== 0) {
        c.reply.error(ERR.migrateKeysNotEmpty);
        return;
      }
      firstKey = j + 1;
      numKeys = argv.length - j - 1;
      break;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  const timeoutArg = parseInt64(argv[5]);
  const dbArg = timeoutArg === null ? null : parseInt64(argv[4]);
  if (timeoutArg === null || dbArg === null) {
    c.reply.error(ERR.notInteger);
    return;
  }
  const timeoutMs = timeoutArg <= 0n ? 1000 : timeoutArg > MAX_TIMER_MS ? MAX_TIMER_MS : Number(timeoutArg);
  const db = c.db;
  const keys: string[] = [];
  for (let j = 0; j < numKeys; j++) {
    const k = argv[firstKey + j];
    if (db.lookupRead(k) !== undefined) keys.push(k);
  }
  if (keys.length === 0) {
    c.reply.simple('NOKEY');
    return;
  }
  // Serialise now: what moves is the keys' state when MIGRATE ran, as in Redis.
  const restoreName = server.config.bool('cluster-enabled') ? 'RESTORE-ASKING' : 'RESTORE';
  const compress = server.config.bool('rdbcompression');
  const now = Date.now();
  const sent: string[] = [];
  const cmds: Buffer[] = [];
  for (const k of keys) {
    const expireAt = db.getExpire(k);
    let ttl = 0;
    if (expireAt !== -1) {
      ttl = expireAt - now;
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    let payload: Buffer;
    try {
      payload = dumpPayload(toPlain(db.dict.get(k)!), compress);
    } catch (err) {
      if (!(err instanceof UnsupportedTypeError)) throw err;
      c.reply.error(ERR.dumpUnsupported(err.valueType));
      return;
    }
    const parts: (string | Buffer)[] = [restoreName, k, String(ttl), payload];
    if (replace) parts.push('REPLACE');
    cmds.push(encodeCommand(parts));
    sent.push(k);
  }
  const job: Job = {
    c, cmd: lookupCommand(argv)!, db, name: `${argv[1]}:${argv[2]}`, host: argv[1], port: atoi(argv[2]),
    dbid: String(dbArg), timeoutMs, copy, auth, keys: sent, restores: Buffer.concat(cmds),
    start: performance.now(), link: null, select: false, lines: [], pending: '', timer: null, retried: false, done: false,
  };
  if (!mayBlock(c)) {
    migrateSync(c, job);
    return;
  }
  lockKeys(db, sent);
  c.flags |= CLIENT_BLOCKED;
  startJob(job);
}

// ---------------------------------------------------------------------------------------------
// Links and the exchange with the target.

function closeLink(link: Link): void {
  if (link.closed) return;
  link.closed = true;
  if (link.idleTimer !== null) clearTimeout(link.idleTimer);
  link.socket.destroy();
  if (links.get(link.name) === link) links.delete(link.name);
}

function evictOne(): void {
  // Redis drops a random entry; an idle one is the kind choice.
  for (const l of links.values()) {
    if (l.job === null && l.queue.length === 0) {
      closeLink(l);
      return;
    }
  }
}

/** With tls-cluster, MIGRATE talks TLS to the target as Redis does (a cluster's nodes announce TLS ports). */
function migrateTls(): tls.ConnectionOptions | null {
  return server.config.bool('tls-cluster') ? tlsClientOptions() : null;
}

function openLink(job: Job): Link {
  if (links.size >= CACHE_ITEMS) evictOne();
  // Redis connects to whatever atoi() gave and fails at the first write; so do we.
  const valid = job.port > 0 && job.port <= 65535;
  const tlsOpts = valid ? migrateTls() : null;
  const where = { host: job.host, port: job.port };
  const socket = !valid ? new net.Socket() : tlsOpts !== null ? tls.connect({ ...tlsOpts, ...where }) : net.connect(where);
  const link: Link = {
    name: job.name, socket, connected: false, lastDbid: null, idleTimer: null, job: null, queue: [], closed: false,
  };
  links.set(link.name, link);
  const s = link.socket;
  s.setNoDelay(true);
  s.on(tlsOpts !== null ? 'secureConnect' : 'connect', () => {
    link.connected = true;
    if (link.job !== null) armTimer(link.job);
  });
  s.on('data', (d: Buffer) => onData(link, d));
  s.on('error', () => onSocketError(link));
  s.on('close', () => onSocketError(link));
  s.on('drain', () => {
    if (link.job !== null) armTimer(link.job);
  });
  if (!valid) setImmediate(onSocketError, link);
  return link;
}

function startJob(job: Job): void {
  let link = links.get(job.name);
  if (link !== undefined && link.closed) link = undefined;
  if (link !== undefined && link.job !== null) {
    link.queue.push(job);
    return;
  }
  if (link === undefined) link = openLink(job);
  runJob(link, job);
}

function runJob(link: Link, job: Job): void {
  if (link.idleTimer !== null) {
    clearTimeout(link.idleTimer);
    link.idleTimer = null;
  }
  link.job = job;
  job.link = link;
  job.lines = [];
  job.pending = '';
  job.select = link.lastDbid !== job.dbid;
  const head: Buffer[] = [];
  if (job.auth !== null) head.push(encodeCommand(['AUTH', ...job.auth]));
  if (job.select) head.push(encodeCommand(['SELECT', job.dbid]));
  head.push(job.restores);
  armTimer(job);
  if (!link.socket.destroyed) link.socket.write(Buffer.concat(head));
  // Every key expired meanwhile, nothing else asked: done once the bytes are out (Redis: OK).
  if (expectedLines(job) === 0) setImmediate(complete, job);
}

function expectedLines(job: Job): number {
  return (job.auth !== null ? 1 : 0) + (job.select ? 1 : 0) + job.keys.length;
}

function armTimer(job: Job): void {
  if (job.timer !== null) clearTimeout(job.timer);
  job.timer = setTimeout(onTimeout, job.timeoutMs, job);
}

function onTimeout(job: Job): void {
  job.timer = null;
  const link = job.link!;
  if (!link.connected) {
    closeLink(link);
    finish(job, ERR.migrateConnect, 0);
    failQueued(link);
    return;
  }
  // A timeout is never retried (Redis retries only errors other than ETIMEDOUT).
  failIo(job, link.socket.writableLength > 0);
}

function onData(link: Link, d: Buffer): void {
  const job = link.job;
  if (job === null) return; // nothing asked: a stray reply is ignored
  armTimer(job);
  job.pending += d.toString('latin1');
  let nl: number;
  while ((nl = job.pending.indexOf('\n')) !== -1) {
    let line = job.pending.slice(0, nl);
    job.pending = job.pending.slice(nl + 1);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    job.lines.push(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line);
    if (job.lines.length === expectedLines(job)) {
      complete(job);
      return;
    }
  }
}

function onSocketError(link: Link): void {
  // Closed on purpose (timeout, eviction, a retry moved on): nothing left to decide here.
  if (link.closed) return;
  const job = link.job;
  const writing = !link.connected || link.socket.writableLength > 0;
  closeLink(link);
  if (job === null || job.done) {
    failQueued(link);
    return;
  }
  // Like Redis: when no RESTORE reply came yet, the cached connection may just have gone stale;
  // one fresh attempt before giving up.
  const restoreReplies = job.lines.length - (job.auth !== null ? 1 : 0) - (job.select ? 1 : 0);
  if (!job.retried && restoreReplies <= 0) {
    job.retried = true;
    if (job.timer !== null) clearTimeout(job.timer);
    job.timer = null;
    const fresh = openLink(job);
    fresh.queue = link.queue;
    link.queue = [];
    runJob(fresh, job);
    return;
  }
  failIo(job, writing);
}

/** Jobs queued on a link that died before their turn start over on a new one. */
function failQueued(link: Link): void {
  const queue = link.queue;
  link.queue = [];
  for (const j of queue) startJob(j);
}

function failIo(job: Job, writing: boolean): void {
  const link = job.link!;
  // Some RESTOREs may have been answered before the connection broke: those keys did move.
  const skip = (job.auth !== null ? 1 : 0) + (job.select ? 1 : 0);
  closeLink(link);
  const replies = job.lines.length - skip;
  finish(job, writing ? ERR.migrateWrite : ERR.migrateRead, replies > 0 ? replies : 0);
  failQueued(link);
}

/** Every reply arrived: apply them. */
function complete(job: Job): void {
  if (job.done) return;
  const link = job.link!;
  finish(job, null, job.keys.length);
  if (link.closed) return;
  link.job = null;
  const next = link.queue.shift();
  if (next !== undefined) {
    runJob(link, next);
  } else {
    link.idleTimer = setTimeout(closeLink, CACHE_TTL_MS, link);
    link.idleTimer.unref();
  }
}

/**
 * Apply the first `answered` RESTORE replies: delete the acknowledged keys unless COPY, propagate
 * their DEL. Returns the error to reply (`ioError`, or the target's first error) or null for OK.
 */
function applyReplies(job: Job, ioError: string | null, answered: number): string | null {
  const { db, link } = job;
  let targetError: string | null = null;
  let li = 0;
  const authLine = job.auth !== null ? job.lines[li++] : undefined;
  const selectLine = job.select ? job.lines[li++] : undefined;
  const deleted: string[] = ['DEL'];
  for (let j = 0; j < answered; j++) {
    const line = job.lines[li + j];
    const bad = authLine?.[0] === '-' ? authLine : selectLine?.[0] === '-' ? selectLine : line[0] === '-' ? line : null;
    if (bad !== null) {
      if (targetError === null) {
        targetError = ERR.migrateTarget(bad.slice(1));
        if (link !== null) link.lastDbid = null;
      }
    } else if (!job.copy) {
      const k = job.keys[j];
      const v = db.dict.get(k);
      if (db.delete(k)) {
        freedValue(v!, lazyfree.serverDel);
        notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', k, db.id);
      }
      server.dirty++;
      deleted.push(k);
    }
  }
  if (deleted.length > 1) propagate(db.id, deleted);
  if (targetError !== null) return targetError;
  if (ioError !== null) return ioError;
  if (link !== null) link.lastDbid = job.dbid;
  return null;
}

/** An asynchronous MIGRATE is over: reply, count it, release its keys, its client and the held ones. */
function finish(job: Job, ioError: string | null, answered: number): void {
  job.done = true;
  if (job.timer !== null) clearTimeout(job.timer);
  job.timer = null;
  const c = job.c;
  const err = applyReplies(job, ioError, answered);
  unlockKeys(job.db, job.keys);
  job.cmd.calls++;
  job.cmd.usec += Math.round((performance.now() - job.start) * 1000);
  if (err !== null) {
    job.cmd.failedCalls++;
    c.reply.error(err);
  } else {
    c.reply.ok();
  }
  c.flags &= ~CLIENT_BLOCKED;
  if ((c.flags & CLIENT_CLOSED) === 0) {
    c.processInput();
    c.scheduleFlush();
  }
  releaseHeld();
  server.flushPending();
}

// ---------------------------------------------------------------------------------------------
// Inside MULTI/EXEC (and scripts) a command cannot wait, and Redis's MIGRATE is synchronous there
// as everywhere: the exchange runs on a worker thread while this thread waits for it, over a
// connection of its own (not cached: transactions with MIGRATE are rare).

const SYNC_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const tls = require('node:tls');
const { flag, port: reply } = workerData;
parentPort.on('message', (q) => {
  let connected = false;
  let buf = '';
  const lines = [];
  let done = false;
  let timer = null;
  let s = null;
  const end = (error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (s !== null) s.destroy();
    reply.postMessage({ id: q.id, lines, error });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const writing = () => !connected || s.writableLength > 0;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => end(!connected ? 'connect' : writing() ? 'write' : 'read'), q.timeoutMs);
  };
  try {
    s = q.tls !== null
      ? tls.connect({ ...q.tls, host: q.host, port: q.port, checkServerIdentity: () => undefined })
      : net.connect({ host: q.host, port: q.port });
  } catch {
    end('write');
    return;
  }
  s.setNoDelay(true);
  arm();
  s.on(q.tls !== null ? 'secureConnect' : 'connect', () => { connected = true; arm(); });
  s.on('drain', arm);
  s.on('data', (d) => {
    arm();
    buf += d.toString('latin1');
    let nl;
    while ((nl = buf.indexOf('\\n')) !== -1) {
      let line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.endsWith('\\r')) line = line.slice(0, -1);
      lines.push(line.slice(0, ${MAX_LINE}));
      if (lines.length === q.expect) return end(null);
    }
  });
  s.on('error', () => end(writing() ? 'write' : 'read'));
  s.on('close', () => end('read'));
  s.write(Buffer.from(q.data));
});
`;

let syncWorker: { worker: Worker; flag: Int32Array; port: MessagePort } | null = null;
/** Request ids: an answer that comes after its wait gave up must not pass for a later one's. */
let syncSeq = 0;

interface SyncResult {
  id: number;
  lines: string[];
  error: 'connect' | 'write' | 'read' | null;
}

function syncExchange(job: Job, data: Buffer, expect: number): SyncResult {
  if (syncWorker === null) {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(SYNC_WORKER, { eval: true, workerData: { flag, port: port2 }, transferList: [port2] });
    worker.unref();
    port1.unref();
    syncWorker = { worker, flag, port: port1 };
  }
  const { worker, flag, port } = syncWorker;
  const id = ++syncSeq;
  Atomics.store(flag, 0, 0);
  // Functions do not cross to the worker: it sets the same no-name-check policy itself.
  const tlsOpts = migrateTls();
  const { checkServerIdentity: _, ...cloneable } = tlsOpts ?? {};
  worker.postMessage({ id, host: job.host, port: job.port, timeoutMs: job.timeoutMs, data, expect, tls: tlsOpts === null ? null : cloneable });
  // Each step has the timeout (as in Redis); past all of them together the worker went astray.
  const deadline = Date.now() + job.timeoutMs * (expect + 2) + 1000;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return { id, lines: [], error: 'read' };
    Atomics.wait(flag, 0, 0, left);
    // The worker posts before it raises the flag, so nothing posted is missed by lowering it here.
    Atomics.store(flag, 0, 0);
    for (let got = receiveMessageOnPort(port); got !== undefined; got = receiveMessageOnPort(port)) {
      if ((got.message as SyncResult).id === id) return got.message as SyncResult;
    }
  }
}

function migrateSync(c: Client, job: Job): void {
  job.select = true;
  const head: Buffer[] = [];
  if (job.auth !== null) head.push(encodeCommand(['AUTH', ...job.auth]));
  head.push(encodeCommand(['SELECT', job.dbid]), job.restores);
  const expect = expectedLines(job);
  const r = syncExchange(job, Buffer.concat(head), expect);
  job.lines = r.lines;
  const skip = (job.auth !== null ? 1 : 0) + 1;
  const ioError = r.error === null ? null : r.error === 'connect' ? ERR.migrateConnect : r.error === 'write' ? ERR.migrateWrite : ERR.migrateRead;
  const err = applyReplies(job, ioError, Math.max(0, Math.min(job.keys.length, r.lines.length - skip)));
  // The DEL went out above; the dispatcher must not propagate MIGRATE itself.
  c.propagateArgv = [];
  if (err !== null) c.reply.error(err);
  else c.reply.ok();
}

/** Redis's migrateGetKeys: argv[3], or what follows KEYS (skipping AUTH/AUTH2 arguments before it). */
function migrateGetKeys(argv: string[]): number[] {
  for (let i = 6; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'keys') {
      if (argv[3].length > 0) return [];
      const out: number[] = [];
      for (let k = i + 1; k < argv.length; k++) out.push(k);
      return out;
    }
    if (a === 'auth') i += 1;
    else if (a === 'auth2') i += 2;
  }
  return [3];
}

const KEY_FLAGS = ['RW', 'access', 'delete'];

export const commands: CommandDef[] = [
  {
    name: 'migrate', arity: -6, flags: 'write', acl: 'keyspace dangerous', keys: [3, 3, 1],
    keySpecs: [ksIndex('RW access delete', 3), { ...ksKeyword('RW access delete incomplete', 'KEYS', -2), find: { lastkey: -1, keystep: 1, limit: 0 } }],
    getKeys: migrateGetKeys,
    // Redis's key finder gives every key the first spec's flags, those after KEYS too.
    variableKeyFlags: () => KEY_FLAGS,
    group: 'generic', since: '2.6.0',
    summary: 'Moves keys to another Redis instance: sends them as RESTORE and deletes them here once the target stored them.',
    complexity:
      'This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.',
    tips: ['nondeterministic_output'],
    docs: {
      history: [
        ['3.0.0', 'COPY and REPLACE options.'], ['3.0.6', 'KEYS option.'], ['4.0.7', 'AUTH option.'], ['6.0.0', 'AUTH2 option.'],
      ],
    },
    handler: migrateCommand,
  },
];
