// THE command pipeline. Every policy is applied here, once, in Redis's order:
// lookup -> arity -> auth -> no-multi -> ACL -> cluster routing -> maxmemory (evict, else OOM) -> MISCONF ->
// min-replicas -> read-only replica -> pub/sub context -> stale replica -> LOADING -> busy script ->
// monitor keyspace ban -> CLIENT PAUSE -> MIGRATE key locks -> MULTI queueing -> execute ->
// stats/slowlog -> propagate.
// Handlers never repeat these checks.

import { ERR, unknownCommandError } from '../errors.js';
import { commandFlags, F, type CommandSpec } from '../commands/spec.js';
import { lookupCommand, lookupContainer } from '../commands/registry.js';
import { QUEUED } from '../protocol/reply.js';
import {
  CLIENT_ASKING,
  CLIENT_BLOCKED,
  CLIENT_DIRTY_EXEC,
  CLIENT_FAKE,
  CLIENT_MASTER,
  CLIENT_MONITOR,
  CLIENT_MULTI,
  CLIENT_PUBSUB,
  CLIENT_REPLY_OFF,
  CLIENT_REPLY_SKIP_NEXT,
  CLIENT_SLAVE,
  protectedActionAllowed,
  type Client,
} from './client.js';
import { handleReadyKeys, hasReadyKeys, servedKey } from './blocking.js';
import { clock, lapMicros } from './clock.js';
import { propagate, PROPAGATE_ALL } from './propagate.js';
import { feedMonitors } from './monitor.js';
import { slowlogPush } from './slowlog.js';
import { mustPostpone, pause, postpone } from './pause.js';
import { afterCall } from './latency.js';
import { server } from './state.js';
import { aclGuard, addLogEntry, checkCommand, DENIED_CMD, DENIED_KEY } from '../acl/check.js';
import { getUser } from '../acl/users.js';
import { rdbStats, writesDeniedByDiskError } from '../persistence/save.js';
// rdbStats.loading reads this through a getter: the per-command check reads it directly.
import { datasetLoading } from '../keyspace/db.js';
import { signals } from '../keyspace/signals.js';
import { staleDataDenied, tooFewGoodReplicas } from '../replication/primary.js';
import { maxmemory, performEvictions } from '../keyspace/evict.js';
import { discardTransaction } from '../commands/tx.js';
import { cluster } from '../cluster/node.js';
import { clusterRedirect, routedCommand, scriptClusterCheck } from '../cluster/guard.js';
import { holdUntilMigrated, migrateLocks, touchesMigratingKeys } from '../commands/migrate.js';
import { limitTableSize, tracking, trackingCommandDone, trackingEnter, trackingLeave } from './tracking.js';

/** Commands that run immediately even inside MULTI. */
const MULTI_IMMEDIATE = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** The only commands a RESP2 client in subscribed mode may send. */
const PUBSUB_ALLOWED = new Set([
  'ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset',
]);

function reject(c: Client, cmd: CommandSpec | null, text: string): void {
  if (cmd !== null) cmd.rejectedCalls++;
  if (c.flags & CLIENT_MULTI) c.flags |= CLIENT_DIRTY_EXEC;
  if (cmd !== null && cmd.name === 'exec') {
    // Like Redis's execCommandAbort, a refused EXEC ends any transaction and says why, in MULTI
    // or not; Redis words its arity refusal without the ERR code.
    if (c.flags & CLIENT_MULTI) discardTransaction(c);
    c.reply.error(ERR.execAbortBecause(text === EXEC_ARITY ? text.slice(4) : text));
    return;
  }
  c.reply.error(text);
}

const EXEC_ARITY = ERR.wrongArity('exec');

/** Flags EXEC takes on when one queued command has them ... */
const EXEC_ANY = F.WRITE | F.READONLY | F.DENYOOM | F.MAY_REPLICATE | F.NO_ASYNC_LOADING;
/** ... and flags it keeps only when every queued command has them. */
const EXEC_EVERY = F.STALE | F.LOADING;

/**
 * The flags EXEC is checked with, as Redis's mstate.cmd_flags: it writes if a queued command
 * writes, may run on a stale replica only if all of them may, and so on.
 */
function execFlags(c: Client, own: number): number {
  let any = 0;
  let every = EXEC_EVERY;
  const q = c.multiQueue!;
  for (let i = 0; i < q.length; i++) {
    const f = commandFlags(q[i].cmd, q[i].argv);
    any |= f;
    every &= f;
  }
  return (own | (any & EXEC_ANY)) & ~(EXEC_EVERY & ~every);
}

/** Run one parsed request through the pipeline (a command CLIENT PAUSE held also resumes here). */
export function processCommand(c: Client, argv: string[]): void {
  const skipNext = (c.flags & CLIENT_REPLY_SKIP_NEXT) !== 0;
  const skipReply = skipNext || (c.flags & CLIENT_REPLY_OFF) !== 0;
  if (skipReply) {
    c.reply.enabled = false;
    c.flags &= ~CLIENT_REPLY_SKIP_NEXT;
  }
  processCommandInner(c, argv);
  // ASKING covers one command (a postponed one keeps it until it runs), or a whole transaction.
  if (c.flags & CLIENT_ASKING && (c.flags & CLIENT_MULTI) === 0 && c.postponedArgv !== argv && argv[0].toLowerCase() !== 'asking') {
    c.flags &= ~CLIENT_ASKING;
  }
  if (c.tracking !== null && c.postponedArgv !== argv) trackingCommandDone(c, argv);
  if (skipReply) {
    // A postponed command keeps its CLIENT REPLY SKIP for when it runs.
    if (skipNext && c.postponedArgv === argv) c.flags |= CLIENT_REPLY_SKIP_NEXT;
    c.reply.enabled = (c.flags & CLIENT_REPLY_OFF) === 0;
  }
  // Not while a busy script is suspended: its writes are not all in yet (served once it ends).
  if (hasReadyKeys() && busyScript.run === null) handleReadyKeys();
}

/**
 * What the pipeline needs to know about a running script. Scripts register here so the dispatcher
 * answers -BUSY while one is past busy-reply-threshold (see src/scripting/engine.ts).
 */
export interface ScriptRunState {
  caller: Client;
  /** EVAL_RO / FCALL_RO, or a no-writes script: no write command may run. */
  readOnly: boolean;
  /** allow-oom flag: commands run whatever the memory state. */
  allowOom: boolean;
  /** Used memory was over maxmemory when the script started. */
  oomAtStart: boolean;
  /** The script already ran a write command (later writes cannot be refused halfway). */
  writeDirty: boolean;
  /** Cluster: its commands may touch keys of several slots (allow-cross-slot-keys, or no flags). */
  allowCrossSlot: boolean;
  /**
   * The caller's READONLY and ASKING when the script started, which its commands are routed with:
   * ASKING lasts the whole script, even past the point where a busy script is suspended.
   */
  routeFlags: number;
}

/** DEBUG switches the pipeline obeys. */
export const debugFlags = { allowNoscriptInScripts: false };

/** The script past busy-reply-threshold (its commands were yielded to the event loop), if any. */
export const busyScript = { run: null as ScriptRunState | null, evalMode: true };

function processCommandInner(c: Client, argv: string[]): void {
  let cmd = lookupCommand(argv);
  if (cmd === null) {
    const container = lookupContainer(argv[0]);
    if (container !== null && argv.length >= 2) {
      reject(c, null, ERR.unknownSubcommand(argv[1].length > 128 ? argv[1].slice(0, 128) : argv[1], argv[0].toUpperCase()));
    } else if (container !== null) {
      cmd = container;
    } else {
      reject(c, null, unknownCommandError(argv));
    }
    if (cmd === null) return;
  }
  c.lastCommand = cmd.name;
  const arity = cmd.arity;
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
    reject(c, cmd, ERR.wrongArity(cmd.name));
    return;
  }
  if (cmd.flags & F.PROTECTED) {
    const directive = cmd.name === 'module' ? 'enable-module-command' : 'enable-debug-command';
    if (!protectedActionAllowed(c, directive)) {
      reject(c, cmd, ERR.protectedCommand(cmd.name.toUpperCase(), directive));
      return;
    }
  }
  if (c.authRequired && (cmd.flags & F.NO_AUTH) === 0) {
    reject(c, cmd, ERR.noAuth);
    return;
  }
  if (c.flags & CLIENT_MULTI && cmd.flags & F.NO_MULTI) {
    reject(c, cmd, ERR.notInMulti);
    return;
  }
  const denied = aclGuard(c, cmd, argv, false);
  if (denied !== null) {
    reject(c, cmd, denied);
    return;
  }
  if (cluster.on && (c.flags & CLIENT_MASTER) === 0 && routedCommand(cmd)) {
    const redirect = clusterRedirect(c, cmd, argv);
    if (redirect !== null) {
      if (cmd.name === 'exec') {
        cmd.rejectedCalls++;
        discardTransaction(c);
        c.reply.error(redirect);
      } else {
        reject(c, cmd, redirect);
      }
      return;
    }
  }
  // From here on an EXEC is checked as the commands it would run, EVAL and FCALL as their script.
  const flags = c.flags & CLIENT_MULTI && cmd.name === 'exec' ? execFlags(c, cmd.flags) : commandFlags(cmd, argv);
  // Like Redis, every command first gives eviction its chance; only commands that may grow memory
  // are refused when it could not free enough.
  if (maxmemory.on && busyScript.run === null && !performEvictions() && flags & F.DENYOOM) {
    reject(c, cmd, ERR.oom);
    return;
  }
  // Client-side caching's key table is kept under tracking-table-max-keys before each command.
  if (tracking.clients !== 0) limitTableSize(c);
  const diskError = writesDeniedByDiskError();
  if (diskError !== null && (flags & F.WRITE || cmd.name === 'ping')) {
    reject(c, cmd, diskError);
    return;
  }
  if (flags & F.WRITE && (c.flags & CLIENT_MASTER) === 0 && tooFewGoodReplicas()) {
    reject(c, cmd, ERR.noReplicas);
    return;
  }
  // A read-only replica takes writes only from its primary's link.
  if (signals.isReplica() && flags & F.WRITE && (c.flags & CLIENT_MASTER) === 0 && server.config.bool('replica-read-only')) {
    reject(c, cmd, ERR.readonlyReplica);
    return;
  }
  if (c.flags & CLIENT_PUBSUB && c.resp === 2 && !PUBSUB_ALLOWED.has(cmd.parent?.name ?? cmd.name)) {
    reject(c, cmd, ERR.pubsubContext(cmd.name));
    return;
  }
  if ((flags & F.STALE) === 0 && staleDataDenied()) {
    reject(c, cmd, ERR.masterDown);
    return;
  }
  // While a dataset is being loaded only `loading` commands run; while a replica loads its
  // primary's RDB beside the old data (swapdb), only no_async_loading commands wait.
  if (datasetLoading.on && (flags & F.LOADING) === 0) {
    reject(c, cmd, ERR.loading);
    return;
  }
  if (rdbStats.asyncLoading && flags & F.NO_ASYNC_LOADING) {
    reject(c, cmd, ERR.loading);
    return;
  }
  // While a script is busy (suspended between slices) only allow_busy commands run.
  if (busyScript.run !== null && (cmd.flags & F.ALLOW_BUSY) === 0) {
    reject(c, cmd, busyScript.evalMode ? ERR.busyEval : ERR.busyFunction);
    return;
  }
  // Replica links and MONITOR clients (replicas to Redis) are exempt from CLIENT PAUSE, so they
  // may not read or write the keyspace at all.
  if (c.flags & (CLIENT_SLAVE | CLIENT_MONITOR) && flags & (F.WRITE | F.READONLY | F.MAY_REPLICATE)) {
    reject(c, cmd, ERR.replicaKeyspace);
    return;
  }
  if (pause.type !== 0 && (c.flags & (CLIENT_SLAVE | CLIENT_MONITOR)) === 0 && mustPostpone(flags)) {
    postpone(c, argv);
    return;
  }
  // Keys a MIGRATE has in flight are untouchable until it completes (see commands/migrate.ts).
  if (migrateLocks.count !== 0 && ((c.flags & CLIENT_MULTI) === 0 || cmd.name === 'exec') && touchesMigratingKeys(c, cmd, argv)) {
    holdUntilMigrated(c, argv);
    return;
  }
  if (c.flags & CLIENT_MULTI && !MULTI_IMMEDIATE.has(cmd.name)) {
    c.multiQueue!.push({ cmd, argv });
    c.reply.raw(QUEUED);
    return;
  }
  call(c, cmd, argv);
}

/**
 * Execute a command that passed every check: the handler, then statistics, slowlog, MONITOR and
 * propagation of its write effects. EXEC and scripts call this for each command they run.
 */
export function call(c: Client, cmd: CommandSpec, argv: string[]): void {
  const dirty = server.dirty;
  c.errorMark = c.reply.errors;
  c.propagateArgv = null;
  const start = clock.last;
  // A blocked client's command runs again when it is served; like Redis, MONITOR sees it once (at
  // its first run) and the statistics count it once (when it completes, see blocking.ts).
  const rerun = servedKey() !== null;
  const tracked = tracking.clients !== 0;
  if (tracked) trackingEnter(c, cmd, argv);
  cmd.handler(c, argv);
  const usec = lapMicros(start);
  // Taken at once: EXEC runs its queue through call() on the same client.
  const forced = c.forcePropagation;
  c.forcePropagation = 0;
  // Like Redis, only executed commands count (not rejected ones), each after it ran.
  if (!rerun) server.stats.commandsProcessed++;
  if ((c.flags & CLIENT_BLOCKED) === 0) {
    cmd.calls++;
    cmd.usec += usec;
    if (c.reply.errors !== c.errorMark) cmd.failedCalls++;
    slowlogPush(c, cmd, c.shownArgv(argv), usec);
    afterCall(cmd, usec);
  }
  c.errorMark = c.reply.errors;
  if (!rerun && server.monitors.size !== 0 && (cmd.flags & (F.SKIP_MONITOR | F.ADMIN)) === 0) feedMonitors(c, c.shownArgv(argv));
  const to = server.dirty !== dirty && (cmd.flags & (F.WRITE | F.MAY_REPLICATE)) !== 0 ? PROPAGATE_ALL : forced;
  if (to !== 0) {
    // A handler sets propagateArgv to its deterministic form, or to [] when it propagated itself.
    const p = c.propagateArgv ?? argv;
    if (p.length !== 0) propagate(c.db.id, p, to);
  }
  if (tracked) trackingLeave(c, cmd, argv);
}

/**
 * Run one command for a script (redis.call/pcall) as Redis's scriptCall does: the checks that
 * apply inside a script, in its order, then call(). Returns the refusal ("CODE message") or null;
 * the command's own reply, error or not, is in sc's reply buffer.
 */
export function processScriptCommand(run: ScriptRunState, sc: Client, argv: string[]): string | null {
  const cmd = lookupCommand(argv);
  if (cmd === null) return ERR.scriptUnknownCommand;
  const refused = scriptRefusal(run, cmd, argv);
  if (refused !== null) {
    // Like Redis's scriptCall, a refused command counts as rejected in its own statistics.
    cmd.rejectedCalls++;
    return refused;
  }
  call(sc, cmd, argv);
  return null;
}

function scriptRefusal(run: ScriptRunState, cmd: CommandSpec, argv: string[]): string | null {
  const arity = cmd.arity;
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return ERR.scriptWrongArity;
  if (cmd.flags & F.NOSCRIPT && !debugFlags.allowNoscriptInScripts) return ERR.scriptNoscriptCommand;
  if ((cmd.flags & F.STALE) === 0 && staleDataDenied()) return ERR.scriptStaleReplica;
  const u = getUser(run.caller.user);
  if (u !== undefined && (run.caller.flags & CLIENT_MASTER) === 0) {
    const d = checkCommand(u, cmd, argv);
    if (d !== null) {
      addLogEntry(run.caller, d.reason, 'lua', d.reason === DENIED_CMD ? cmd.name : argv[d.pos], run.caller.user, []);
      return d.reason === DENIED_CMD
        ? ERR.scriptAclCommand
        : d.reason === DENIED_KEY
          ? ERR.scriptAclKey
          : ERR.scriptAclChannel;
    }
  }
  if (run.readOnly && cmd.flags & (F.WRITE | F.MAY_REPLICATE)) return ERR.scriptWriteInReadOnly;
  if (cmd.flags & F.WRITE && !run.writeDirty) {
    if (signals.isReplica() && server.config.bool('replica-read-only') && (run.caller.flags & (CLIENT_MASTER | CLIENT_FAKE)) === 0) return ERR.readonlyReplica;
    const diskError = writesDeniedByDiskError();
    if (diskError !== null) return diskError;
    if (tooFewGoodReplicas()) return ERR.noReplicas;
  }
  if (!run.allowOom && !run.writeDirty && run.oomAtStart && cmd.flags & F.DENYOOM && (run.caller.flags & CLIENT_MASTER) === 0) return ERR.oom;
  if (cmd.flags & F.WRITE) run.writeDirty = true;
  // Like Redis's mustObeyClient: our primary's link and the AOF loader are not checked.
  if (cluster.on && (run.caller.flags & (CLIENT_MASTER | CLIENT_FAKE)) === 0) {
    const refused = scriptClusterCheck(run.caller, run.routeFlags, cmd, argv, run.allowCrossSlot);
    if (refused !== null) return refused;
  }
  return null;
}
