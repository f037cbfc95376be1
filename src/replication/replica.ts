// The replica side: the link to our primary. Handshake (PING, AUTH, REPLCONF, PSYNC), a full
// resync (load the RDB, replacing the dataset) or a partial one, then the stream: each command runs
// through the normal pipeline as the master client (obeyed, never answered), and the bytes it
// took are counted into our offset and passed on to our own replicas. Lost links reconnect every
// second and continue with PSYNC from our offset.

import { encodeCommand } from '../protocol/command.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { signals } from '../keyspace/signals.js';
import { flushedKeys, lazyfree } from '../keyspace/lazyfree.js';
import { logger } from '../log.js';
import { aofState, startRewrite } from '../persistence/aof.js';
import { KeyspaceLoad, loadRdbInto, startLoadingStats } from '../persistence/load.js';
import { OP, RdbReader } from '../persistence/rdb/format.js';
import { rdbFunctions } from '../persistence/rdb/file.js';
import { activeChild, rdbStats } from '../persistence/save.js';
import { Db, fromPrimary } from '../keyspace/db.js';
import { CLIENT_BLOCKED, CLIENT_CLOSE_AFTER_REPLY, CLIENT_MASTER, Client } from '../server/client.js';
import { blockedOn, unblockWith } from '../server/blocking.js';
import { ERR } from '../errors.js';
import { processCommand } from '../server/dispatch.js';
import { lookupCommand } from '../commands/registry.js';
import { server } from '../server/state.js';
import { tlsClientOptions } from '../server/tls.js';
import { Backlog } from './backlog.js';
import { disconnectReplicas, feedStream, newReplId, sendUnsent, stream } from './primary.js';
import { FAILOVER_IN_PROGRESS, failover, failoverPsyncAnswered } from './failover.js';

const log = (): ReturnType<typeof logger> => logger('repl');

export type LinkState = 'none' | 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected';

export const link = {
  host: '',
  port: 0,
  state: 'none' as LinkState,
  /** Last time anything came from the primary (ms), 0 never. */
  lastIo: 0,
  /** When the link went down (ms), 0 if it never came up. */
  downSince: 0,
  /** Database the primary's stream had selected, kept across reconnects for +CONTINUE. */
  streamDb: 0,
  /** We were a primary: our own history is offered to the new primary (PSYNC <our id> <offset+1>). */
  offerOwnHistory: false,
  /** Set while an RDB is being received: its size (-1 before the header, 0 with EOF framing) and progress. */
  syncSize: 0,
  syncRead: 0,
};

let sock: net.Socket | null = null;
let master: Client | null = null;
/** Bumped per connection attempt: events of an older socket are ignored. */
let attempt = 0;
let retryTimer: NodeJS.Timeout | null = null;

const EMPTY = Buffer.alloc(0);

/** Incoming bytes not yet consumed by the handshake or the RDB transfer, as received (joined lazily). */
let inbox: Buffer[] = [];
let inboxLen = 0;
let wake: (() => void) | null = null;

/** Stream bytes received but not yet applied (a command not complete yet), joined lazily. */
let unapplied: Buffer[] = [];
let unappliedLen = 0;

function inboxBytes(): Buffer {
  if (inbox.length > 1) inbox = [Buffer.concat(inbox, inboxLen)];
  return inbox.length === 0 ? EMPTY : inbox[0];
}

function inboxKeep(rest: Buffer): void {
  inbox = rest.length === 0 ? [] : [rest];
  inboxLen = rest.length;
}

/** Become a replica of host:port (REPLICAOF, the replicaof directive). */
export function setPrimary(host: string, port: number): void {
  const wasPrimary = !stream.isReplica;
  unblockAllForRoleChange();
  stream.isReplica = true;
  link.host = host;
  link.port = port;
  if (wasPrimary) {
    // We try to continue our history under the new primary with our own id; our replicas stay
    // (as in Redis 7) and are disconnected only if that history changes (new id or full sync).
    link.streamDb = stream.selDb < 0 ? 0 : stream.selDb;
    link.offerOwnHistory = true;
  }
  dropLink();
  connect();
  if (wasPrimary) signals.roleChanged();
}

/**
 * Clients blocked on keys would be served by the new primary's writes and diverge from it: as
 * Redis does, they get an error and are closed once it is sent.
 */
function unblockAllForRoleChange(): void {
  for (const db of server.dbs) {
    for (const { client } of blockedOn(db)) {
      client.flags |= CLIENT_CLOSE_AFTER_REPLY;
      unblockWith(client, ERR.unblockedRoleChange);
    }
  }
}

/** REPLICAOF NO ONE: keep the data, start a new history that remembers the old one (PSYNC2). */
export function unsetPrimary(): void {
  if (!stream.isReplica) return;
  dropLink();
  stream.isReplica = false;
  signals.roleChanged();
  link.host = '';
  link.port = 0;
  link.state = 'none';
  server.replId2 = server.replId;
  stream.secondOffset = stream.offset + 1;
  server.replId = newReplId();
  // Our next write must select its database explicitly: the replicas' view of it may differ.
  stream.selDb = -1;
  disconnectReplicas();
  log().info('MASTER MODE enabled');
}

/** Close the current connection (if any) without scheduling a reconnect. */
function dropLink(): void {
  attempt++;
  stream.linkUp = false;
  if (retryTimer !== null) clearTimeout(retryTimer);
  retryTimer = null;
  if (master !== null) {
    link.streamDb = master.db.id;
    master.close();
    master = null;
  }
  if (sock !== null) sock.destroy();
  sock = null;
  inboxKeep(EMPTY);
  unapplied = [];
  unappliedLen = 0;
  postponedLen = 0;
  if (wake !== null) wake();
}

function connect(): void {
  const my = ++attempt;
  link.state = 'connecting';
  link.lastIo = Date.now();
  log().info(`Connecting to MASTER ${link.host}:${link.port}`);
  // tls-replication: the primary's port is its tls-port, reached with our client certificate.
  const tlsOpts = server.config.bool('tls-replication') ? tlsClientOptions() : null;
  // bind-source-addr: the address our primary sees us at (as Redis's connectWithMaster).
  const source = server.config.get('bind-source-addr');
  const where = source === '' ? { host: link.host, port: link.port } : { host: link.host, port: link.port, localAddress: source };
  const s = tlsOpts !== null ? tls.connect({ ...tlsOpts, ...where }) : net.connect(where);
  sock = s;
  s.setNoDelay(true);
  s.on(tlsOpts !== null ? 'secureConnect' : 'connect', () => {
    if (my !== attempt) return;
    log().info('MASTER <-> REPLICA sync started');
    handshake(my).catch((err: Error) => {
      if (my !== attempt) return;
      log().warn(`Replication handshake with ${link.host}:${link.port} failed: ${err.message}`);
      linkDown(my);
    });
  });
  s.on('data', (chunk: Buffer) => {
    if (my !== attempt) return;
    link.lastIo = Date.now();
    server.stats.netReplInputBytes += chunk.length;
    if (master !== null) {
      apply(chunk);
    } else {
      inbox.push(chunk);
      inboxLen += chunk.length;
      if (wake !== null) wake();
    }
  });
  s.on('error', (err) => {
    if (my === attempt) log().warn(`Error condition on socket for SYNC: ${err.message}`);
  });
  s.on('close', () => linkDown(my));
}

/** The connection `my` ended: remember where the stream was, and try again in a second. */
function linkDown(my: number): void {
  if (my !== attempt) return;
  const wasUp = link.state === 'connected';
  dropLink();
  link.state = 'connect';
  if (wasUp) {
    link.downSince = Date.now();
    log().info('Connection with master lost.');
  }
  retryTimer = setTimeout(() => {
    retryTimer = null;
    if (stream.isReplica && link.state === 'connect') connect();
  }, 1000);
}

// ---- handshake -----------------------------------------------------------------------------

function waitForInput(my: number): Promise<void> {
  if (my !== attempt) return Promise.reject(new Error('link closed'));
  return new Promise((resolve) => {
    wake = () => {
      wake = null;
      resolve();
    };
  });
}

/** The next reply line (without CR LF); bare newlines (a primary's keepalive) are skipped when asked. */
async function readLine(my: number, skipEmpty = false): Promise<string> {
  for (;;) {
    const buf = inboxBytes();
    const nl = buf.indexOf(10);
    if (nl >= 0) {
      const line = buf.latin1Slice(0, nl > 0 && buf[nl - 1] === 13 ? nl - 1 : nl);
      inboxKeep(buf.subarray(nl + 1));
      if (line === '' && skipEmpty) continue;
      return line;
    }
    await waitForInput(my);
    if (my !== attempt) throw new Error('link closed');
  }
}

async function command(my: number, argv: string[]): Promise<string> {
  sock!.write(encodeCommand(argv), 'latin1');
  return readLine(my);
}

async function handshake(my: number): Promise<void> {
  link.state = 'handshake';
  const pong = await command(my, ['PING']);
  // A primary that wants AUTH answers PING with an auth error: that is still a live primary.
  if (pong.startsWith('-') && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(pong)) {
    throw new Error(`Error reply to PING from master: '${pong}'`);
  }
  const auth = server.config.get('masterauth');
  if (auth !== '') {
    const user = server.config.get('masteruser');
    const r = await command(my, user !== '' ? ['AUTH', user, auth] : ['AUTH', auth]);
    if (r.startsWith('-')) throw new Error(`Unable to AUTH to MASTER: ${r}`);
  }
  // Over tls-replication the primary is told our TLS port, the one its other clients should use too.
  const tlsPort = server.config.bool('tls-replication') ? server.config.num('tls-port') : 0;
  const announcedPort = server.config.num('replica-announce-port') || tlsPort || server.port;
  await command(my, ['REPLCONF', 'listening-port', String(announcedPort)]);
  const announcedIp = server.config.get('replica-announce-ip');
  if (announcedIp !== '') await command(my, ['REPLCONF', 'ip-address', announcedIp]);
  // Errors here are fine, as in Redis: an older primary just lacks the capability.
  await command(my, ['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
  const psyncArgs = stream.backlog !== null || link.offerOwnHistory ? [server.replId, String(stream.offset + 1)] : ['?', '-1'];
  // During a coordinated failover the PSYNC asks the new primary to take over.
  if (failover.state === FAILOVER_IN_PROGRESS) psyncArgs.push('FAILOVER');
  sock!.write(encodeCommand(['PSYNC', ...psyncArgs]), 'latin1');
  // The primary keeps the link alive with bare newlines until it can answer (disk-less sync delay).
  const reply = await readLine(my, true);
  if (failover.state === FAILOVER_IN_PROGRESS) {
    const accepted = reply.startsWith('+FULLRESYNC') || reply.startsWith('+CONTINUE');
    failoverPsyncAnswered(accepted);
    if (!accepted) return;
  }
  if (reply.startsWith('+FULLRESYNC')) {
    const [, id, off] = reply.split(' ');
    await fullSync(my, id, Number(off));
  } else if (reply.startsWith('+CONTINUE')) {
    const id = reply.slice(10).trim();
    if (id !== '' && id !== server.replId) {
      // The primary's history has a new id (it was promoted): ours continues under it.
      server.replId2 = server.replId;
      stream.secondOffset = stream.offset + 1;
      server.replId = id;
      disconnectReplicas();
    }
    log().info('Successful partial resynchronization with master.');
    goOnline(my);
  } else {
    throw new Error(`Unexpected reply to PSYNC from master: ${reply}`);
  }
}

/**
 * Where a full sync's RDB goes as it arrives (repl-diskless-load): a temp file loaded at the end
 * (disabled, and on-empty-db with data), straight into the empty keyspace with clients told
 * -LOADING (on-empty-db), or into fresh databases swapped in at the end while the old data is
 * served (swapdb). finish() makes it the dataset or throws; abort() leaves the old data.
 */
interface RdbTarget {
  write(chunk: Buffer): void;
  finish(): void;
  abort(): void;
  /** The primary's repl-stream-db, known once finished. */
  streamDb: number;
}

function datasetEmpty(): boolean {
  for (const db of server.dbs) if (db.dict.size !== 0) return false;
  return true;
}

/** Empty the dataset for a full sync (lazily with replica-lazy-flush, for INFO's count). */
function flushAll(): void {
  for (const db of server.dbs) {
    signals.flushed(db);
    flushedKeys(db.flush(), lazyfree.replicaFlush);
  }
}

function rdbTarget(primaryId: string): RdbTarget {
  const mode = server.config.get('repl-diskless-load');
  if (mode === 'swapdb') return socketTarget(true, primaryId === server.replId);
  if (mode === 'on-empty-db' && datasetEmpty()) return socketTarget(false, false);
  return fileTarget();
}

/**
 * A socket load: keys into the live databases (empty), or into fresh ones swapped in at the end
 * (the old data comes back if the transfer fails). As in Redis, the old data is served meanwhile
 * only when it is the same history (the primary's id is ours: an earlier point of the same data);
 * otherwise clients get -LOADING.
 */
function socketTarget(swap: boolean, serveOld: boolean): RdbTarget {
  const dbs = swap ? server.dbs.map((d) => new Db(d.id)) : server.dbs;
  // Keys already expired stay: the primary's DELs follow in the stream.
  const loader = new KeyspaceLoad(null, false, true, dbs);
  // swapdb: the file's function libraries replace ours only once it is all in (the old ones
  // serve meanwhile, and stay if the transfer fails).
  const liveLoad = rdbFunctions.load;
  const libraries: string[] = [];
  const restoreHook = (): void => {
    rdbFunctions.load = liveLoad;
  };
  if (swap) {
    rdbFunctions.load = (code) => {
      libraries.push(code);
    };
  }
  startLoadingStats(link.syncSize);
  if (serveOld) {
    rdbStats.asyncLoading = true;
    log().info('MASTER <-> REPLICA sync: Loading DB in memory from the socket, serving the old data meanwhile (swapdb)');
  } else {
    rdbStats.loading = true;
    log().info(`MASTER <-> REPLICA sync: Loading DB in memory from the socket${swap ? ', the old data kept aside (swapdb)' : ''}`);
  }
  return {
    streamDb: 0,
    write: (chunk) => loader.feed(chunk),
    finish() {
      loader.finish();
      restoreHook();
      this.streamDb = loader.streamDb;
      if (swap) {
        rdbFunctions.flush();
        for (const code of libraries) liveLoad(code);
        for (let i = 0; i < dbs.length; i++) {
          const live = server.dbs[i];
          signals.flushed(live);
          live.swapWith(dbs[i]);
          // Like Redis, the old data set aside is discarded lazily.
          flushedKeys(dbs[i].size, true);
        }
        log().info('MASTER <-> REPLICA sync: Swapping the databases loaded from the socket in');
      }
      endLoading();
    },
    abort() {
      restoreHook();
      // swapdb keeps the old data; a direct load leaves no half dataset behind.
      if (!swap) flushAll();
      endLoading();
    },
  };
}

function endLoading(): void {
  rdbStats.loading = false;
  rdbStats.asyncLoading = false;
}

/** repl-diskless-load disabled: a temp file, which becomes the dump file and is loaded at the end. */
function fileTarget(): RdbTarget {
  const dir = server.config.get('dir');
  const tmp = path.join(dir, `temp-${Math.floor(Date.now() / 1000)}.${process.pid}.rdb`);
  let fd: number | null = fs.openSync(tmp, 'w');
  const close = (): void => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
  };
  return {
    streamDb: 0,
    write(chunk) {
      fs.writeSync(fd!, chunk);
    },
    finish() {
      fs.fdatasyncSync(fd!);
      close();
      const file = path.join(dir, server.config.get('dbfilename'));
      fs.renameSync(tmp, file);
      const rdb = fs.readFileSync(file);
      log().info(`MASTER <-> REPLICA sync: Flushing old data, loading the DB (${rdb.length} bytes) in memory`);
      flushAll();
      rdbStats.loading = true;
      try {
        this.streamDb = loadRdbInto(rdb, false, true).streamDb;
      } catch (err) {
        flushAll();
        throw err;
      } finally {
        rdbStats.loading = false;
      }
    },
    abort() {
      close();
      fs.rmSync(tmp, { force: true });
    },
  };
}

/** Receive the RDB ($<len> or $EOF:<mark> framing) into its target, make it the dataset, and go online. */
async function fullSync(my: number, id: string, offset: number): Promise<void> {
  link.state = 'sync';
  // As Redis reports it: -1 until the header, then the length, or 0 with the end mark.
  link.syncSize = -1;
  link.syncRead = 0;
  const header = await readLine(my, true);
  if (!header.startsWith('$')) throw new Error(`Bad protocol from MASTER, the first byte is not '$': ${header}`);
  const mark = header.startsWith('$EOF:') ? Buffer.from(header.slice(5), 'latin1') : null;
  let left = mark === null ? Number(header.slice(1)) : -1;
  link.syncSize = mark === null ? left : 0;
  const target = rdbTarget(id);
  try {
    // With the end mark: the last bytes are held back until we know the mark does not start in them.
    let tail = EMPTY;
    for (;;) {
      const chunks = inbox;
      inboxKeep(EMPTY);
      let rest: Buffer[] | null = null;
      for (const chunk of chunks) {
        if (rest !== null) {
          rest.push(chunk);
          continue;
        }
        link.syncRead += chunk.length;
        if (mark === null) {
          const n = Math.min(left, chunk.length);
          target.write(chunk.subarray(0, n));
          left -= n;
          if (left === 0) rest = [chunk.subarray(n)];
          continue;
        }
        const win = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
        const at = win.indexOf(mark);
        if (at >= 0) {
          target.write(win.subarray(0, at));
          rest = [win.subarray(at + mark.length)];
          continue;
        }
        const keep = Math.min(win.length, mark.length - 1);
        target.write(win.subarray(0, win.length - keep));
        tail = Buffer.from(win.subarray(win.length - keep));
      }
      if (rest !== null) {
        // What follows the RDB is the stream: it stays for goOnline.
        inbox = rest.filter((b) => b.length > 0);
        inboxLen = inbox.reduce((n, b) => n + b.length, 0);
        break;
      }
      await waitForInput(my);
      if (my !== attempt) throw new Error('link closed');
    }
    log().info(`MASTER <-> REPLICA sync: received ${link.syncRead} bytes`);
    target.finish();
  } catch (err) {
    target.abort();
    throw err;
  }
  // The AOF must restart from the new dataset, as Redis does after a full sync.
  if (aofState.enabled) {
    if (activeChild() === null) startRewrite();
    else aofState.rewriteScheduled = true;
  }
  server.replId = id;
  server.replId2 = '0'.repeat(40);
  stream.secondOffset = -1;
  // The old history's last bytes go to the old sub-replicas (about to be disconnected), not the new backlog.
  sendUnsent();
  stream.offset = offset;
  stream.backlog = new Backlog(server.config.num('repl-backlog-size'), offset);
  link.streamDb = target.streamDb;
  // Sub-replicas followed the data we just replaced.
  disconnectReplicas();
  log().info('MASTER <-> REPLICA sync: Finished with success');
  goOnline(my);
}

/** The AUX fields at the head of an RDB (all of them, or those before `head` was cut short). */
export function rdbAux(head: Buffer): Map<string, string> {
  const aux = new Map<string, string>();
  const r = new RdbReader(head);
  r.pos = 9;
  try {
    while (r.pos < head.length && head[r.pos] === OP.AUX) {
      r.pos++;
      const k = r.string();
      aux.set(k, r.string());
    }
  } catch {
    // A truncated head: the fields read so far.
  }
  return aux;
}

/** The database our primary's stream is in now (the repl-stream-db we write into RDBs). */
export function primaryStreamDb(): number {
  return master !== null ? master.db.id : link.streamDb;
}

/** The stream starts: commands from here on are applied as the master client. */
function goOnline(my: number): void {
  const c = new Client(sock);
  c.resume = resumeStream;
  c.flags |= CLIENT_MASTER;
  c.authenticated = true;
  c.reply.enabled = false;
  c.reply.sink = primaryErrors;
  c.db = server.dbs[link.streamDb] ?? server.dbs[0];
  server.clients.set(c.id, c);
  master = c;
  link.state = 'connected';
  stream.linkUp = true;
  link.lastIo = Date.now();
  link.syncSize = 0;
  link.syncRead = 0;
  // A disk-less primary starts the stream on our first ACK.
  sendAck();
  const rest = inboxBytes();
  inboxKeep(EMPTY);
  if (rest.length > 0 && my === attempt) apply(rest);
}

// ---- the stream ----------------------------------------------------------------------------

/** The primary's command running now, for the log line about an error it caused. */
let running: string[] | null = null;

function runFromPrimary(c: Client, argv: string[]): void {
  fromPrimary.on = true;
  running = argv;
  processCommand(c, argv);
  running = null;
  fromPrimary.on = false;
}

/**
 * An error a command of the primary's stream raised here: our data may have diverged from the
 * primary's, which Redis logs as critical (propagation-error-behavior ignore: nothing more).
 */
const primaryErrors = {
  onErrorReply(text: string): void {
    server.onErrorReply(text);
    server.stats.unexpectedErrorReplies++;
    const cmd = running !== null ? lookupCommand(running) : null;
    log().warn(`== CRITICAL == This replica is sending an error to its master: '${text}' after processing the command '${cmd !== null ? cmd.name : '<unknown>'}'`);
  },
};

/** Bytes of the command CLIENT PAUSE holds back (at the head of `unapplied`): they count when it runs. */
let postponedLen = 0;

/** The master client's resume(): a command CLIENT PAUSE held runs, then counts, then the rest. */
function resumeStream(this: Client, argv: string[]): void {
  runFromPrimary(this, argv);
  if (master !== this || this.flags & CLIENT_BLOCKED) return;
  stream.offset += postponedLen;
  passOn(unapplied, postponedLen);
  postponedLen = 0;
  apply(EMPTY);
}

/**
 * Hand the first `n` bytes of `chunks` (applied and counted) on to our own stream, and drop them:
 * the chunks as they came, no joining. `chunks` is `unapplied`, or what it was before a dropped
 * link replaced it.
 */
function passOn(chunks: Buffer[], n: number): void {
  if (n === 0) return;
  if (chunks === unapplied) unappliedLen -= n;
  let i = 0;
  while (n > 0) {
    const b = chunks[i];
    if (b.length <= n) {
      feedStream(b, true);
      n -= b.length;
      i++;
    } else {
      feedStream(b.subarray(0, n), true);
      chunks[i] = b.subarray(n);
      n = 0;
    }
  }
  if (i > 0) chunks.splice(0, i);
}

/** Run every complete command in `chunk` (plus what was left over) and account for its bytes. */
function apply(chunk: Buffer): void {
  const c = master!;
  if (chunk.length !== 0) {
    unapplied.push(chunk);
    unappliedLen += chunk.length;
    c.parser.feed(chunk);
  }
  c.lastInteraction = Date.now();
  // Like Redis 7.0, CLIENT PAUSE holds the primary's stream too: nothing runs before the held command.
  if (c.flags & CLIENT_BLOCKED) return;
  const chunks = unapplied;
  let used = 0;
  for (;;) {
    const argv = c.parser.next(false);
    if (argv === null) {
      if (c.parser.error !== null) {
        log().warn(`Protocol error from master: ${c.parser.error}`);
        c.close();
        return;
      }
      break;
    }
    // A complete command leaves exactly the bytes after it pending.
    const end = unappliedLen - c.parser.pending;
    runFromPrimary(c, argv);
    // The link was dropped meanwhile: what ran before still goes on to our stream.
    if (master !== c) {
      passOn(chunks, used);
      return;
    }
    if (c.flags & CLIENT_BLOCKED) {
      postponedLen = end - used;
      break;
    }
    // Counted per command (an ACK in the middle reports it), passed on once for the whole run.
    stream.offset += end - used;
    used = end;
  }
  passOn(chunks, used);
  c.reply.discard();
}

/** INFO slave_read_repl_offset: what we received, applied or not (CLIENT PAUSE holds the rest). */
export function readOffset(): number {
  return stream.offset + unappliedLen;
}

/** REPLCONF ACK <offset>: every second, and when the primary asks (GETACK). */
export function sendAck(): void {
  if (sock === null || link.state !== 'connected') return;
  sock.write(encodeCommand(['REPLCONF', 'ACK', String(stream.offset)]), 'latin1');
}

/** repl-timeout: a primary silent for that long (it PINGs every repl-ping-replica-period) is gone. */
export function checkPrimaryTimeout(): void {
  if (link.state === 'connecting' || link.state === 'handshake') {
    // Counted from the connection attempt (and anything the primary sent since, its keepalive
    // newlines while it delays our sync included).
    if (Date.now() - link.lastIo > server.config.num('repl-timeout') * 1000) {
      log().warn('Timeout connecting to the MASTER...');
      linkDown(attempt);
    }
    return;
  }
  if (link.state !== 'connected' && link.state !== 'sync') return;
  if (Date.now() - link.lastIo <= server.config.num('repl-timeout') * 1000) return;
  log().warn('MASTER timeout: no data nor PING received...');
  linkDown(attempt);
}

/** The master client, when connected (REPLCONF GETACK comes from it). */
export function isMasterClient(c: Client): boolean {
  return c === master;
}
