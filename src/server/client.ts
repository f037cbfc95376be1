// One connection: its socket, request parser, reply buffer and per-connection state.
// Read path: feed -> parse every complete command -> dispatch -> one socket write.

import type { Socket } from 'node:net';
import type { CommandSpec } from '../commands/spec.js';
import type { Db } from '../keyspace/db.js';
import { RequestParser } from '../protocol/parser.js';
import { ReplyWriter } from '../protocol/reply.js';
import { logger } from '../log.js';
import { refreshClock } from './clock.js';
import { processCommand } from './dispatch.js';
import { forgetPostponed } from './pause.js';
import { closeIfOverOutputLimit, REPLY_CHUNK_BYTES } from './output-limits.js';
import { clientEviction, noteClientMemory } from './client-evict.js';
import { server } from './state.js';
import type { TrackingState } from './tracking.js';

// Client flags (bitmask).
export const CLIENT_MULTI = 1 << 0;
/** A queued command failed to queue: EXEC must abort. */
export const CLIENT_DIRTY_EXEC = 1 << 1;
/** A WATCHed key changed: EXEC must fail. */
export const CLIENT_DIRTY_CAS = 1 << 2;
export const CLIENT_CLOSE_AFTER_REPLY = 1 << 3;
export const CLIENT_PUBSUB = 1 << 4;
export const CLIENT_MONITOR = 1 << 5;
/** Waiting (blocking command, CLIENT PAUSE): input processing stops until unblocked. */
export const CLIENT_BLOCKED = 1 << 6;
export const CLIENT_NO_EVICT = 1 << 7;
export const CLIENT_NO_TOUCH = 1 << 8;
/** CLIENT REPLY SKIP: drop the reply of the next command only. */
export const CLIENT_REPLY_SKIP_NEXT = 1 << 9;
export const CLIENT_REPLY_OFF = 1 << 10;
export const CLIENT_CLOSED = 1 << 11;
/** Internal pseudo-client (AOF loading, scripts): no socket. */
export const CLIENT_FAKE = 1 << 12;
/** Set while EXEC (or a script) runs commands: blocking commands must not block, SSUBSCRIBE is refused. */
export const CLIENT_DENY_BLOCKING = 1 << 13;
/** A replica's link (set by replication); MONITOR clients are not replicas here. */
export const CLIENT_SLAVE = 1 << 14;
/** Our link to our primary (set by replication). */
export const CLIENT_MASTER = 1 << 15;
/** The pseudo-client a script's commands run on. */
export const CLIENT_SCRIPT = 1 << 16;
/** Cluster: ASKING was sent; the next command (or the transaction) may use an importing slot. */
export const CLIENT_ASKING = 1 << 20;
/** Cluster: READONLY, reads of the primary's slots are served by this replica. */
export const CLIENT_READONLY = 1 << 21;

export interface WatchedKey {
  client: Client;
  dbid: number;
  key: string;
  /** The key existed but was logically expired when watched: its later deletion is no change. */
  expired: boolean;
}

export interface QueuedCommand {
  cmd: CommandSpec;
  argv: string[];
}

export class Client {
  readonly id: number;
  readonly parser: RequestParser;
  readonly reply: ReplyWriter;
  db: Db;
  flags = 0;
  name = '';
  libName = '';
  libVer = '';
  user = 'default';
  authenticated: boolean;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  /** The command being or last executed (CLIENT LIST cmd=). */
  lastCommand = 'NULL';
  multiQueue: QueuedCommand[] | null = null;
  /** WATCHed keys (server/watch.ts); null when none. */
  watched: WatchedKey[] | null = null;
  /** Subscribed channels, patterns and shard channels (server/pubsub.ts); null when none ever. */
  channels: Set<string> | null = null;
  patterns: Set<string> | null = null;
  shardChannels: Set<string> | null = null;
  /** CLIENT TRACKING state (server/tracking.ts); null while tracking is off. */
  tracking: TrackingState | null = null;
  /** When the pending output first went over the soft output-buffer limit (ms), or 0. */
  obufSoftLimitSince = 0;
  /** Set by a handler to propagate a different, deterministic form of the command. */
  propagateArgv: string[] | null = null;
  /** Set by a handler to propagate the command even though it changed nothing (PUBLISH: PROPAGATE_REPL). */
  forcePropagation = 0;
  /**
   * reply.errors when this client's last call() ended (Redis's prev_err_count): a command failed
   * when errors grew past it, so an EXEC is not blamed for the error of a command it ran.
   */
  errorMark = 0;
  readonly addr: string;
  readonly laddr: string;
  /** Extra per-subsystem state (pub/sub channels, watched keys, blocking info). */
  ext: Record<string, unknown> = {};
  /** The command held while CLIENT PAUSE postpones it. */
  postponedArgv: string[] | null = null;
  /**
   * Cluster: the slot of the keys of the command being run (for EXEC, of its queue), -1 when it has
   * none; a script's commands must keep to it (or to the first slot they touch) unless it allows
   * cross-slot keys.
   */
  slot = -1;
  /** The argv whose redacted copy (passwords hidden) MONITOR and SLOWLOG show instead. */
  private redactedFor: string[] | null = null;
  private redactedArgv: string[] | null = null;
  /** Largest reply buffer fill seen (CLIENT LIST rbp). */
  replyPeak = 0;
  /** Memory last counted for this client by maxmemory-clients (client-evict.ts). */
  memUsage = 0;

  constructor(readonly socket: Socket | null) {
    this.id = server.nextClientId++;
    this.parser = new RequestParser(server);
    this.reply = new ReplyWriter(server);
    this.db = server.dbs[0];
    this.authenticated = !server.defaultAuthRequired;
    if (socket !== null && socket.remoteAddress === undefined && socket.remotePort === undefined) {
      // A unix-socket peer: Redis shows the socket's path with port 0 on both sides.
      this.addr = this.laddr = `${server.config.get('unixsocket')}:0`;
    } else {
      this.addr = socket ? `${fmtHost(socket.remoteAddress)}:${socket.remotePort}` : '';
      this.laddr = socket ? `${fmtHost(socket.localAddress)}:${socket.localPort}` : '';
    }
  }

  /** The socket's file descriptor (CLIENT LIST fd), -1 when unknown. */
  get fd(): number {
    const handle = (this.socket as unknown as { _handle?: { fd?: number } } | null)?._handle;
    return typeof handle?.fd === 'number' ? handle.fd : -1;
  }

  get resp(): 2 | 3 {
    return this.reply.resp;
  }

  /** True while AUTH is needed before normal commands (Redis's authRequired). */
  get authRequired(): boolean {
    return !this.authenticated && server.defaultAuthRequired;
  }

  onData(chunk: Buffer): void {
    server.stats.netInputBytes += chunk.length;
    server.stats.readsProcessed++;
    this.lastInteraction = Date.now();
    this.parser.feed(chunk);
    if (this.parser.pending > server.queryBufferLimit) {
      logger('network').warn({ client: this.addr, qbuf: this.parser.pending }, 'closing client that reached max query buffer length');
      this.close();
      return;
    }
    this.processInput();
    // Replies go out once the loop turn has read every ready socket, as Redis's beforeSleep does:
    // back-to-back writes wake a waiting peer once per turn rather than once per socket, which
    // halved the kernel time per request under pipelined load.
    server.schedule(this);
  }

  /** Run every complete command in the input buffer, unless blocked or closing. */
  processInput(): void {
    refreshClock();
    while ((this.flags & (CLIENT_BLOCKED | CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSED)) === 0) {
      const argv = this.parser.next(this.authRequired);
      if (argv === null) {
        if (this.parser.error !== null) {
          this.reply.error(this.parser.error);
          this.flags |= CLIENT_CLOSE_AFTER_REPLY;
          logger('network').info({ client: this.addr, error: this.parser.error }, 'protocol error from client');
        }
        return;
      }
      processCommand(this, argv);
      // A pipeline stops at the command whose replies pass the hard output limit, as in Redis.
      if (this.reply.len > REPLY_CHUNK_BYTES && closeIfOverOutputLimit(this)) {
        this.reply.discard();
        return;
      }
    }
  }

  /** Run a command CLIENT PAUSE held, then whatever input followed it. */
  resume(argv: string[]): void {
    processCommand(this, argv);
    this.processInput();
    server.schedule(this);
  }

  /** Hide argv[i] (a password) from MONITOR and SLOWLOG, like Redis's redactClientCommandArgument. */
  redactArg(argv: string[], i: number): void {
    if (this.redactedFor !== argv) {
      this.redactedFor = argv;
      this.redactedArgv = argv.slice();
    }
    this.redactedArgv![i] = '(redacted)';
  }

  /** The form of argv that MONITOR and SLOWLOG may show. */
  shownArgv(argv: string[]): string[] {
    return this.redactedFor === argv ? this.redactedArgv! : argv;
  }

  /** One socket write with everything replied since the last flush. */
  flush(): void {
    if (this.reply.len > 0 && this.socket !== null && (this.flags & CLIENT_CLOSED) === 0) {
      if (this.reply.len > this.replyPeak) this.replyPeak = this.reply.len;
      // As in Redis, output past the hard limit is never sent: the client goes first.
      if (this.reply.len > REPLY_CHUNK_BYTES && closeIfOverOutputLimit(this)) {
        this.reply.discard();
        return;
      }
      // Redis counts a write as interaction too (the `timeout` directive).
      this.lastInteraction = Date.now();
      server.stats.netOutputBytes += this.reply.len;
      server.stats.writesProcessed++;
      this.reply.writeTo(this.socket);
      // Output the peer has not read yet stays in the socket: past the client-output-buffer-limit
      // of its class, the client goes rather than memory growing without bound.
      if (this.socket.writableLength !== 0 && closeIfOverOutputLimit(this)) return;
    } else if (this.reply.len > 0) {
      this.reply.discard();
    }
    if (this.flags & CLIENT_CLOSE_AFTER_REPLY && (this.flags & CLIENT_CLOSED) === 0) this.close(true);
    if (clientEviction.limit !== 0 && (this.flags & CLIENT_CLOSED) === 0) noteClientMemory(this);
  }

  /** Output to write at the end of this loop turn (replies, pub/sub messages, MONITOR, wake-ups). */
  scheduleFlush(): void {
    server.schedule(this);
  }

  /**
   * Close the connection; `graceful` lets queued output drain first. Either way the socket is
   * closed for good, as Redis's close() is: a peer that keeps writing gets a reset, not a half-open
   * socket that swallows its input.
   */
  close(graceful = false): void {
    if (this.flags & CLIENT_CLOSED) return;
    this.flags |= CLIENT_CLOSED;
    if (this.socket) {
      if (graceful) this.socket.destroySoon();
      else this.socket.destroy();
    }
    this.cleanup();
  }

  /** Free per-connection state; runs once whether we or the peer closed. */
  cleanup(): void {
    this.flags |= CLIENT_CLOSED;
    if (!server.clients.delete(this.id)) return;
    server.monitors.delete(this);
    if (this.postponedArgv !== null) forgetPostponed(this);
    for (const fn of clientCleanupHooks) fn(this);
  }
}

/** Subsystems (pub/sub, WATCH, blocking) register here to drop a closing client's state. */
export const clientCleanupHooks: ((c: Client) => void)[] = [];

function fmtHost(h: string | undefined): string {
  if (!h) return '?';
  if (h.startsWith('::ffff:')) return h.slice(7);
  return h.includes(':') ? `[${h}]` : h;
}

/**
 * enable-debug-command / enable-module-command / enable-protected-configs: `yes`, `no`, or `local`
 * (loopback connections and internal clients only), as Redis's allowProtectedAction.
 */
export function protectedActionAllowed(c: Client, directive: string): boolean {
  const v = server.config.get(directive);
  if (v === 'yes') return true;
  if (v === 'no') return false;
  const addr = c.socket?.remoteAddress;
  return c.socket === null || addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
}

/** A socket-less client for internal execution (loading, scripts). */
export function fakeClient(): Client {
  const c = new Client(null);
  c.flags |= CLIENT_FAKE;
  c.authenticated = true;
  return c;
}
