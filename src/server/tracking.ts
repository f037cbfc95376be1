// Client-side caching (CLIENT TRACKING), as Redis 7.0 does it.
// Default mode: the keys a tracking client reads are remembered in one table for all databases
// (key -> ids of the clients that may cache it); a change to such a key sends each of them one
// `invalidate` message and forgets the entry. BCAST mode: clients subscribe to key prefixes and
// get, once per event-loop turn, the keys changed under each prefix.
// Messages go to the client itself as RESP3 pushes, or to its REDIRECT client (a push in RESP3,
// a __redis__:invalidate pub/sub message in RESP2).
// While no client tracks and the table is empty, nothing here runs: the keyspace signals are
// left unhooked and the pipeline tests one counter.

import { commandKeys, F, type CommandSpec } from '../commands/spec.js';
import { ERR } from '../errors.js';
import { parseInt64 } from '../protocol/format.js';
import type { Db } from '../keyspace/db.js';
import { onFlushed, signals } from '../keyspace/signals.js';
import { CLIENT_FAKE, CLIENT_MULTI, CLIENT_PUBSUB, clientCleanupHooks, type Client } from './client.js';
import { closeIfOverOutputLimit } from './output-limits.js';
import { server } from './state.js';

// Per-client tracking flags (TrackingState.flags).
const T_BCAST = 1 << 0;
const T_OPTIN = 1 << 1;
const T_OPTOUT = 1 << 2;
/** CLIENT CACHING was given for the next command (or transaction). */
const T_CACHING = 1 << 3;
const T_NOLOOP = 1 << 4;
/** The redirect client went away (seen when a message could not be delivered). */
const T_BROKEN_REDIR = 1 << 5;

/** A tracking client's state (Client.tracking; null while tracking is off). */
export interface TrackingState {
  flags: number;
  /** Client id messages go to, 0 for the client itself. */
  redirect: number;
  /** BCAST prefixes, null otherwise. */
  prefixes: Set<string> | null;
}

/** Clients with tracking on: the pipeline's only test while nobody tracks. */
export const tracking = { clients: 0 };

/** Redis's TrackingTable: key name (any database) -> ids of the clients that may cache it. */
const table = new Map<string, Set<number>>();
/** Client ids summed over the table (INFO tracking_total_items). */
let totalItems = 0;

interface BcastState {
  /** Keys changed since the last broadcast -> the client that changed them (NOLOOP), or null. */
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}
/** Redis's PrefixTable: prefix -> its BCAST subscribers and pending keys. */
const prefixTable = new Map<string, BcastState>();
let broadcastScheduled = false;

/**
 * The client whose command is running (Redis's current_client: for a script or a transaction,
 * the client that sent EVAL or EXEC), the nesting depth of call(), and the outermost command
 * (a script's reads make the caller track the keys its EVAL declared, as in Redis).
 */
let current: Client | null = null;
let depth = 0;
let outerCmd: CommandSpec | null = null;
let outerArgv: string[] | null = null;
/**
 * The client of each nested call() (a script's own pseudo-client inside EVAL): BCAST NOLOOP
 * spares the client that made a change, and a script's changes are its pseudo-client's in Redis.
 */
const executing: Client[] = [];
/** Invalidations for the running client itself, sent after its reply (null: a flush). */
const pending: (string | null)[] = [];
/** One FLUSHALL raises one flush per database but Redis sends one null message. */
let flushNoted = false;
/** How many times in a row tracking-table-max-keys could not be met (more effort each time). */
let limitRounds = 0;
let cronTimer: NodeJS.Timeout | null = null;
/** tracking-table-max-keys (0: no limit) and hz, kept current by config hooks. */
let maxKeys = 0;
let hz = 10;

// ---- wire ----

const INVALIDATE = 'invalidate';
const CHANNEL = '__redis__:invalidate';

/**
 * Send one invalidation (one key, keys, or null for "everything") for tracking client c, to
 * itself or its redirect client. Like pub/sub output it ignores CLIENT REPLY OFF.
 */
function sendMessage(c: Client, st: TrackingState, keys: string | readonly string[] | null): void {
  let target = c;
  const redirected = st.redirect !== 0;
  if (redirected) {
    const redir = server.clients.get(st.redirect);
    if (redir === undefined) {
      st.flags |= T_BROKEN_REDIR;
      if (c.resp === 3) {
        const r = c.reply;
        const enabled = r.enabled;
        r.enabled = true;
        r.push(2);
        r.bulk('tracking-redir-broken');
        r.int(st.redirect);
        r.enabled = enabled;
        deliver(c);
      }
      return;
    }
    target = redir;
  }
  const r = target.reply;
  const enabled = r.enabled;
  r.enabled = true;
  if (target.resp === 3) {
    r.push(2);
    r.bulk(INVALIDATE);
  } else if (redirected && target.flags & CLIENT_PUBSUB) {
    r.push(3);
    r.bulk('message');
    r.bulk(CHANNEL);
  } else {
    // RESP2 has no pushes on a connection that is not subscribed: nothing can be sent.
    r.enabled = enabled;
    return;
  }
  if (keys === null) {
    r.nullBulk();
  } else if (typeof keys === 'string') {
    r.array(1);
    r.bulk(keys);
  } else {
    r.array(keys.length);
    for (let i = 0; i < keys.length; i++) r.bulk(keys[i]);
  }
  r.enabled = enabled;
  deliver(target);
}

function deliver(c: Client): void {
  if (closeIfOverOutputLimit(c)) return;
  c.scheduleFlush();
}

// ---- keyspace side ----

let plainModified: ((db: Db, key: string) => void) | null = null;
let plainExpired: ((db: Db, key: string) => void) | null = null;

function modifiedHook(db: Db, key: string): void {
  plainModified!(db, key);
  invalidateKey(key, true);
}

/** An expired key was changed by nobody: BCAST NOLOOP clients hear of it (Redis passes no client). */
function expiredHook(db: Db, key: string): void {
  plainExpired!(db, key);
  if (prefixTable.size === 0) return;
  for (const bs of prefixTable.values()) if (bs.keys.has(key)) bs.keys.set(key, null);
}

/** Hook the keyspace while anyone tracks or anything is remembered; unhook when all is gone. */
function refreshHooks(): void {
  const wanted = tracking.clients !== 0 || table.size !== 0 || prefixTable.size !== 0;
  if (wanted && plainModified === null) {
    plainModified = signals.modified;
    plainExpired = signals.expired;
    signals.modified = modifiedHook;
    signals.expired = expiredHook;
  } else if (!wanted && plainModified !== null) {
    signals.modified = plainModified;
    signals.expired = plainExpired!;
    plainModified = plainExpired = null;
  }
  if (tracking.clients !== 0 && cronTimer === null) {
    // Like serverCron: the table is brought under tracking-table-max-keys even when idle.
    cronTimer = setInterval(tableCron, Math.max(1, Math.floor(1000 / hz)));
    cronTimer.unref();
  } else if (tracking.clients === 0 && cronTimer !== null) {
    clearInterval(cronTimer);
    cronTimer = null;
  }
}

/** Redis's trackingInvalidateKey: tell the clients that may cache `key`, then forget it. */
function invalidateKey(key: string, bcast: boolean): void {
  if (bcast && prefixTable.size !== 0) rememberForBroadcast(key);
  const ids = table.get(key);
  if (ids === undefined) return;
  for (const id of ids) {
    const t = server.clients.get(id);
    const st = t?.tracking;
    // Keys remembered before a switch to BCAST, or by a client that stopped tracking, are stale.
    if (st === undefined || st === null || st.flags & T_BCAST) continue;
    if (st.flags & T_NOLOOP && t === current) continue;
    // The running client hears of its own changes after its reply.
    if (t === current && depth !== 0) pending.push(key);
    else sendMessage(t!, st, key);
  }
  totalItems -= ids.size;
  table.delete(key);
  if (table.size === 0) refreshHooks();
}

function rememberForBroadcast(key: string): void {
  for (const [prefix, bs] of prefixTable) {
    if (key.startsWith(prefix)) {
      // Outside any command (eviction before one, active expiry) nobody made the change.
      bs.keys.set(key, depth === 0 ? null : executing[depth - 1]);
      if (!broadcastScheduled) {
        broadcastScheduled = true;
        setImmediate(broadcast);
      }
    }
  }
}

/** Once per event-loop turn (Redis's beforeSleep): each prefix's changed keys to its clients. */
function broadcast(): void {
  broadcastScheduled = false;
  const prefixes = [...prefixTable.keys()].sort();
  for (let i = 0; i < prefixes.length; i++) {
    const bs = prefixTable.get(prefixes[i])!;
    if (bs.keys.size === 0) continue;
    const keys = [...bs.keys.keys()].sort();
    for (const c of bs.clients) {
      const st = c.tracking!;
      if (st.flags & T_NOLOOP) {
        const others = keys.filter((k) => bs.keys.get(k) !== c);
        if (others.length !== 0) sendMessage(c, st, others);
      } else {
        sendMessage(c, st, keys);
      }
    }
    bs.keys = new Map();
  }
  // This already is the loop turn's end: write now rather than one more turn later.
  server.flushPending();
}

/** A database is flushed: every tracking client gets one null invalidation; the table is emptied. */
function onFlush(_db: Db, replacedWith?: Db): void {
  // SWAPDB does not invalidate in Redis 7.0.
  if (replacedWith !== undefined || flushNoted) return;
  flushNoted = true;
  if (depth === 0) setImmediate(clearFlushNoted);
  if (tracking.clients !== 0) {
    for (const c of server.clients.values()) {
      const st = c.tracking;
      if (st === null) continue;
      if (c === current) pending.push(null);
      else sendMessage(c, st, null);
    }
  }
  table.clear();
  totalItems = 0;
  refreshHooks();
}

function clearFlushNoted(): void {
  flushNoted = false;
}

/**
 * Redis's trackingLimitUsedSlots: over tracking-table-max-keys, forget keys (oldest first here,
 * a random walk in Redis) as if they changed, with more effort each time the limit is still missed.
 * `by` is the client whose command is about to run (NOLOOP spares it, as Redis's current_client);
 * the cron passes none.
 */
function tableCron(): void {
  if (!server.cronPaused) limitTableSize();
}

export function limitTableSize(by?: Client): void {
  const max = maxKeys;
  if (max === 0 || table.size <= max) {
    limitRounds = 0;
    return;
  }
  const was = current;
  if (by !== undefined) current = by;
  let effort = 100 * (limitRounds + 1);
  while (effort-- > 0 && table.size !== 0) {
    invalidateKey(table.keys().next().value as string, false);
    if (table.size <= max) break;
  }
  current = was;
  if (table.size <= max) limitRounds = 0;
  else limitRounds++;
}

// ---- pipeline side ----

/** call() is about to run a command (only while some client tracks). */
export function trackingEnter(c: Client, cmd: CommandSpec, argv: string[]): void {
  executing[depth] = c;
  if (depth++ === 0) {
    current = c;
    outerCmd = cmd;
    outerArgv = argv;
  }
}

const RO_SCRIPTS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

/**
 * call() ran a command: a read makes its client (a script's caller) track the keys; at the outer
 * level, the client's own invalidations follow its reply.
 */
export function trackingLeave(c: Client, cmd: CommandSpec, argv: string[]): void {
  depth--;
  executing.length = depth;
  // Read-only scripts are tracked through the reads they make, not by themselves.
  if (cmd.flags & F.READONLY && !RO_SCRIPTS.has(cmd.name)) {
    if (c.flags & CLIENT_FAKE && depth !== 0) rememberKeys(current!, outerCmd!, outerArgv!);
    else rememberKeys(c, cmd, argv);
  }
  if (depth !== 0) return;
  current = null;
  outerCmd = null;
  outerArgv = null;
  flushNoted = false;
  if (pending.length !== 0) {
    // Tracking may have been turned off by the command itself.
    const st = c.tracking;
    if (st !== null) for (let i = 0; i < pending.length; i++) sendMessage(c, st, pending[i]);
    pending.length = 0;
  }
}

/**
 * After each command a tracking client sent (Redis's resetClient): CLIENT CACHING covers only the
 * next command, or the next transaction; CLIENT subcommands leave it be.
 */
export function trackingCommandDone(c: Client, argv: string[]): void {
  const st = c.tracking!;
  if (st.flags & T_CACHING && (c.flags & CLIENT_MULTI) === 0 && argv[0].toLowerCase() !== 'client') st.flags &= ~T_CACHING;
}

/** Redis's trackingRememberKeys. */
function rememberKeys(c: Client, cmd: CommandSpec, argv: string[]): void {
  const st = c.tracking;
  if (st === null || st.flags & T_BCAST || cmd.flags & F.PUBSUB) return;
  const caching = (st.flags & T_CACHING) !== 0;
  if ((st.flags & T_OPTIN && !caching) || (st.flags & T_OPTOUT && caching)) return;
  const positions = commandKeys(cmd, argv);
  if (positions.length === 0) return;
  for (let i = 0; i < positions.length; i++) {
    const key = argv[positions[i]];
    let ids = table.get(key);
    if (ids === undefined) {
      ids = new Set();
      table.set(key, ids);
    }
    if (!ids.has(c.id)) {
      ids.add(c.id);
      totalItems++;
    }
  }
  refreshHooks();
}

// ---- commands ----

/** CLIENT TRACKING OFF, RESET and disconnection. */
export function disableTracking(c: Client): void {
  const st = c.tracking;
  if (st === null) return;
  if (st.prefixes !== null) {
    for (const p of st.prefixes) {
      const bs = prefixTable.get(p)!;
      bs.clients.delete(c);
      if (bs.clients.size === 0) prefixTable.delete(p);
    }
  }
  c.tracking = null;
  tracking.clients--;
  refreshHooks();
}

/** Redis compares prefixes over the shorter length: one is a prefix of the other. */
function overlap(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/**
 * Redis's checkPrefixCollisionsOrReply, quirk included: an overlap among the given prefixes found
 * past the first one is reported and yet tracking goes on (Redis then also replies OK).
 */
function prefixesRefused(c: Client, st: TrackingState | null, prefixes: string[]): boolean {
  for (let i = 0; i < prefixes.length; i++) {
    if (st !== null && st.prefixes !== null) {
      for (const p of [...st.prefixes].sort()) {
        if (overlap(p, prefixes[i])) {
          c.reply.error(ERR.trackingPrefixOverlapsExisting(prefixes[i], p));
          return true;
        }
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlap(prefixes[i], prefixes[j])) {
        c.reply.error(ERR.trackingPrefixOverlapsGiven(prefixes[i], prefixes[j]));
        return i === 0;
      }
    }
  }
  return false;
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
export function clientTracking(c: Client, argv: string[]): void {
  let redirect = 0;
  let options = 0;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = j < argv.length - 1;
    if (opt === 'redirect' && more) {
      j++;
      if (redirect !== 0) {
        c.reply.error(ERR.trackingRedirectTwice);
        return;
      }
      const id = parseInt64(argv[j]);
      if (id === null) {
        c.reply.error(ERR.notInteger);
        return;
      }
      redirect = Number(id);
      if (!server.clients.has(redirect)) {
        c.reply.error(ERR.trackingRedirectMissing);
        return;
      }
    } else if (opt === 'bcast') {
      options |= T_BCAST;
    } else if (opt === 'optin') {
      options |= T_OPTIN;
    } else if (opt === 'optout') {
      options |= T_OPTOUT;
    } else if (opt === 'noloop') {
      options |= T_NOLOOP;
    } else if (opt === 'prefix' && more) {
      prefixes.push(argv[++j]);
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  const mode = argv[2].toLowerCase();
  if (mode === 'off') {
    disableTracking(c);
    c.reply.ok();
    return;
  }
  if (mode !== 'on') {
    c.reply.error(ERR.syntax);
    return;
  }
  const st = c.tracking;
  let text: string | null = null;
  if ((options & T_BCAST) === 0 && prefixes.length !== 0) text = ERR.trackingPrefixNeedsBcast;
  else if (st !== null && (st.flags & T_BCAST) !== (options & T_BCAST)) text = ERR.trackingBcastSwitch;
  else if (options & T_BCAST && options & (T_OPTIN | T_OPTOUT)) text = ERR.trackingOptBcast;
  else if (options & T_OPTIN && options & T_OPTOUT) text = ERR.trackingOptinOptout;
  else if (st !== null && ((options & T_OPTIN && st.flags & T_OPTOUT) || (options & T_OPTOUT && st.flags & T_OPTIN))) {
    text = ERR.trackingOptSwitch;
  }
  if (text !== null) {
    c.reply.error(text);
    return;
  }
  if (options & T_BCAST && prefixesRefused(c, st, prefixes)) return;
  enableTracking(c, redirect, options, prefixes);
  c.reply.ok();
}

function enableTracking(c: Client, redirect: number, options: number, prefixes: string[]): void {
  let st = c.tracking;
  if (st === null) {
    st = { flags: 0, redirect: 0, prefixes: null };
    c.tracking = st;
    tracking.clients++;
  }
  // CLIENT CACHING survives a re-enable, as Redis leaves that flag alone.
  st.flags = (st.flags & T_CACHING) | (options & (T_BCAST | T_OPTIN | T_OPTOUT | T_NOLOOP));
  st.redirect = redirect;
  if (options & T_BCAST) {
    if (prefixes.length === 0) prefixes.push('');
    for (const p of prefixes) {
      let bs = prefixTable.get(p);
      if (bs === undefined) {
        bs = { keys: new Map(), clients: new Set() };
        prefixTable.set(p, bs);
      }
      if (!bs.clients.has(c)) {
        bs.clients.add(c);
        if (st.prefixes === null) st.prefixes = new Set();
        st.prefixes.add(p);
      }
    }
  }
  refreshHooks();
}

/** CLIENT CACHING YES|NO */
export function clientCaching(c: Client, argv: string[]): void {
  const st = c.tracking;
  if (st === null || (st.flags & (T_OPTIN | T_OPTOUT)) === 0) {
    c.reply.error(ERR.clientCachingMode);
    return;
  }
  const v = argv[2].toLowerCase();
  if (v === 'yes') {
    if ((st.flags & T_OPTIN) === 0) {
      c.reply.error(ERR.clientCachingYesOptin);
      return;
    }
  } else if (v === 'no') {
    if ((st.flags & T_OPTOUT) === 0) {
      c.reply.error(ERR.clientCachingNoOptout);
      return;
    }
  } else {
    c.reply.error(ERR.syntax);
    return;
  }
  st.flags |= T_CACHING;
  c.reply.ok();
}

/** CLIENT GETREDIR: -1 when not tracking, 0 when not redirecting. */
export function clientGetredir(c: Client): void {
  c.reply.int(c.tracking === null ? -1 : c.tracking.redirect);
}

/** CLIENT TRACKINGINFO: flags, redirect and prefixes, in Redis's order. */
export function clientTrackinginfo(c: Client): void {
  const st = c.tracking;
  const r = c.reply;
  r.map(3);
  r.bulk('flags');
  if (st === null) {
    r.set(1);
    r.bulk('off');
  } else {
    const flags = ['on'];
    if (st.flags & T_BCAST) flags.push('bcast');
    if (st.flags & T_OPTIN) {
      flags.push('optin');
      if (st.flags & T_CACHING) flags.push('caching-yes');
    }
    if (st.flags & T_OPTOUT) {
      flags.push('optout');
      if (st.flags & T_CACHING) flags.push('caching-no');
    }
    if (st.flags & T_NOLOOP) flags.push('noloop');
    if (st.flags & T_BROKEN_REDIR) flags.push('broken_redirect');
    r.set(flags.length);
    for (const f of flags) r.bulk(f);
  }
  r.bulk('redirect');
  r.int(st === null ? -1 : st.redirect);
  r.bulk('prefixes');
  const prefixes = st === null || st.prefixes === null ? [] : [...st.prefixes].sort();
  r.array(prefixes.length);
  for (const p of prefixes) r.bulk(p);
}

/** CLIENT LIST flags t (tracking), R (broken redirect), B (BCAST), in Redis's place after b. */
export function trackingListFlags(c: Client): string {
  const st = c.tracking;
  if (st === null) return '';
  return 't' + (st.flags & T_BROKEN_REDIR ? 'R' : '') + (st.flags & T_BCAST ? 'B' : '');
}

/** CLIENT LIST redir=: -1 unless tracking. */
export function trackingRedirect(c: Client): number {
  return c.tracking === null ? -1 : c.tracking.redirect;
}

/** INFO tracking_total_keys / items / prefixes. */
export function trackingTotals(): { keys: number; items: number; prefixes: number } {
  return { keys: table.size, items: totalItems, prefixes: prefixTable.size };
}

export function initTracking(): void {
  server.config.watch('tracking-table-max-keys', (v) => {
    maxKeys = Number(v);
  });
  server.config.watch('hz', (v) => {
    hz = Number(v);
  });
  onFlushed(onFlush);
  clientCleanupHooks.push(disableTracking);
}
