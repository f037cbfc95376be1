// Blocking commands (BLPOP, BZPOPMIN, BLMOVE ...): a client waits on keys until another command
// makes one of them ready, its timeout passes, or CLIENT UNBLOCK.
//
// A blocked client is served by running its command again: the handler finds the data this time,
// and pops from the key servedKey() names (Redis 7.0 serves a client from the key that got ready).
// Such a re-run counts once in the command statistics and is not shown to MONITOR again.
// Clients blocked on a key are served first-come first-served; a key is "ready" when a command
// signalled it (signals.ready) and it now holds the type the waiting command wants. Ready keys are
// handled after the command that readied them (after EXEC for a transaction), as Redis does.

import { ERR } from '../errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { typeName, type Db, type Value } from '../keyspace/db.js';
import { groupReaders, onFlushed, signals } from '../keyspace/signals.js';
import { parseLongDouble, type LongDouble } from '../protocol/longdouble.js';
import { CLIENT_BLOCKED, CLIENT_DENY_BLOCKING, CLIENT_MULTI, clientCleanupHooks, type Client } from './client.js';
import { refreshClock } from './clock.js';
import { call } from './dispatch.js';
import { server } from './state.js';

/** What a timed-out client receives: a null array (BLPOP, BZPOPMIN...) or a null bulk (BLMOVE...). */
export const enum TimeoutReply {
  NullArray,
  NullBulk,
}

/**
 * For commands whose waiters are not all served by any new data (streams: entries after an ID,
 * a group's new entries): false leaves the client waiting in its place in the queue.
 */
export interface WakeCheck {
  servable(key: string, value: Value): boolean;
  /**
   * The error that ends the wait once a key is deleted or holds another type (XREADGROUP: the
   * group went with the stream), or null to go on waiting.
   */
  readonly goneError: string | null;
}

interface BlockState {
  db: Db;
  keys: string[];
  /** The value type that makes a key ready for this command. */
  type: string;
  cmd: CommandSpec;
  argv: string[];
  /** Absolute deadline in ms, 0 = forever. */
  deadline: number;
  timer: NodeJS.Timeout | null;
  timeoutReply: TimeoutReply;
  check: WakeCheck | null;
}

const state = new WeakMap<Client, BlockState>();
/** Per db: key -> clients blocked on it, in arrival order. */
const waiting = new Map<Db, Map<string, Client[]>>();
/** Keys signalled ready since the last handling pass. */
const ready: { db: Db; key: string }[] = [];
let blockedCount = 0;
/** While serving a blocked client again, the deadline it already had (it must not restart). */
let servingDeadline = -1;
/** While serving a blocked client again, the key that became ready (see servedKey). */
let servingKey: string | null = null;

export function blockedClients(): number {
  return blockedCount;
}

/** Node's timers take at most 2^31-1 ms; longer waits re-arm on expiry. */
const MAX_TIMER_MS = 0x7fffffff;
const TWO63 = 1n << 63n;

/**
 * Redis's timeout in ms from a long double of seconds: ceil(seconds * 1000) with the product
 * rounded to a long double, cast to a 64-bit integer. Null when the cast overflows (x86 then yields
 * LLONG_MIN, so Redis reports the timeout as negative), which infinities do too.
 */
function timeoutMs(ld: LongDouble): number | null {
  if (ld.inf) return null;
  if (ld.m === 0n) return 0;
  let p = ld.m * 1000n;
  let e = ld.e;
  const extra = p.toString(2).length - 64;
  if (extra > 0) {
    // Round the product to a 64-bit significand, ties to even.
    const sh = BigInt(extra);
    let q = p >> sh;
    const rem = p - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
    p = q;
    e += extra;
  }
  let int: bigint;
  if (e >= 0) {
    if (e > 64) return null;
    int = p << BigInt(e);
  } else {
    const sh = BigInt(-e);
    // ceil: up for positive values, toward zero (floor of the magnitude) for negative ones.
    int = ld.neg ? p >> sh : (p + (1n << sh) - 1n) >> sh;
  }
  if (int >= TWO63) return null;
  return ld.neg ? -Number(int) : Number(int);
}

/**
 * Parse a blocking timeout in seconds (fractions allowed) to an absolute deadline in ms (0 =
 * forever), or reply Redis's error and return -1. Redis 7.0 reads it as a long double and rounds
 * the milliseconds up: 0.0001 waits 1 ms, -0.0001 is 0 = forever, 1e20 overflows to "negative".
 */
export function parseTimeout(c: Client, arg: string): number {
  const ld = parseLongDouble(arg);
  if (ld === null) {
    c.reply.error(ERR.timeoutNotFloat);
    return -1;
  }
  const ms = timeoutMs(ld);
  if (ms === null || ms < 0) {
    c.reply.error(ERR.timeoutNegative);
    return -1;
  }
  return ms === 0 ? 0 : Date.now() + ms;
}

/**
 * Whether a command that found no data should block: not inside MULTI/EXEC or a script (there
 * it answers as if the timeout expired at once), and not from a socket-less internal client.
 */
export function mayBlock(c: Client): boolean {
  return (c.flags & (CLIENT_MULTI | CLIENT_DENY_BLOCKING)) === 0 && c.socket !== null;
}

/** Reply that a blocking command gives when it cannot wait (MULTI) or timed out. */
export function replyTimeout(c: Client, kind: TimeoutReply): void {
  if (kind === TimeoutReply.NullArray) c.reply.nullArray();
  else c.reply.nullBulk();
}

/**
 * Block `c` on `keys` until one holds a value of `type`. `deadline` is from parseTimeout.
 * The handler returns right after calling this; no reply is written now.
 */
export function blockForKeys(
  c: Client, cmd: CommandSpec, argv: string[], keys: string[], type: string, deadline: number, timeoutReply: TimeoutReply,
  check: WakeCheck | null = null,
): void {
  const db = c.db;
  if (servingDeadline !== -1) deadline = servingDeadline;
  let byKey = waiting.get(db);
  if (byKey === undefined) {
    byKey = new Map();
    waiting.set(db, byKey);
  }
  for (const k of keys) {
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [c]);
    else if (!list.includes(c)) list.push(c);
  }
  const st: BlockState = { db, keys, type, cmd, argv, deadline, timer: null, timeoutReply, check };
  if (deadline > 0) st.timer = armTimer(c, deadline);
  if (check !== null && check.goneError !== null) groupReaders.count++;
  state.set(c, st);
  c.flags |= CLIENT_BLOCKED;
  blockedCount++;
}

function detach(c: Client): BlockState | undefined {
  const st = state.get(c);
  if (st === undefined) return undefined;
  state.delete(c);
  if (st.timer) clearTimeout(st.timer);
  if (st.check !== null && st.check.goneError !== null) groupReaders.count--;
  const byKey = waiting.get(st.db);
  if (byKey) {
    for (const k of st.keys) {
      const list = byKey.get(k);
      if (!list) continue;
      const i = list.indexOf(c);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) byKey.delete(k);
    }
  }
  c.flags &= ~CLIENT_BLOCKED;
  blockedCount--;
  return st;
}

/** Resume reading the client's pending commands after it was unblocked. */
function resume(c: Client): void {
  c.processInput();
  c.scheduleFlush();
}

function armTimer(c: Client, deadline: number): NodeJS.Timeout {
  return setTimeout(onTimeout, Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now())), c);
}

function onTimeout(c: Client): void {
  const pending = state.get(c);
  if (pending === undefined) return;
  if (pending.deadline > Date.now()) {
    pending.timer = armTimer(c, pending.deadline);
    return;
  }
  const st = detach(c)!;
  st.cmd.calls++;
  replyTimeout(c, st.timeoutReply);
  resume(c);
  server.flushPending();
}

/** CLIENT UNBLOCK: false if the client was not blocked. */
export function unblockClient(c: Client, withError: boolean): boolean {
  return unblockWith(c, withError ? ERR.unblocked : null);
}

/** End a client's wait with the error `text`, or with its timeout reply when null. */
export function unblockWith(c: Client, text: string | null): boolean {
  const st = detach(c);
  if (st === undefined) return false;
  // The command completes now, for the statistics (Redis's updateStatsOnUnblock).
  st.cmd.calls++;
  if (text !== null) {
    st.cmd.failedCalls++;
    c.reply.error(text);
  } else {
    replyTimeout(c, st.timeoutReply);
  }
  resume(c);
  return true;
}

/** The clients waiting on keys of `db`, each with the first key it waits on and its command. */
export function blockedOn(db: Db): { client: Client; key: string; cmd: CommandSpec }[] {
  const out: { client: Client; key: string; cmd: CommandSpec }[] = [];
  const byKey = waiting.get(db);
  if (byKey === undefined) return out;
  const seen = new Set<Client>();
  for (const clients of byKey.values()) {
    for (const c of clients) {
      const st = state.get(c);
      if (st === undefined || seen.has(c)) continue;
      seen.add(c);
      out.push({ client: c, key: st.keys[0], cmd: st.cmd });
    }
  }
  return out;
}

/**
 * The ready key while a woken client's command runs again, else null: Redis 7.0 serves the client
 * from that key only, even if another of its keys now holds a value of the wrong type.
 */
export function servedKey(): string | null {
  return servingKey;
}

export function isBlocked(c: Client): boolean {
  return state.has(c);
}

function onReady(db: Db, key: string): void {
  const byKey = waiting.get(db);
  if (byKey !== undefined && byKey.has(key)) ready.push({ db, key });
}

/**
 * Before `db` is emptied or takes `replacedWith`'s contents: a waited-on stream that goes away is
 * ready, so its XREADGROUP clients get their error (Redis's scanDatabaseForDeletedStreams).
 */
function readyDeletedStreams(db: Db, replacedWith?: Db): void {
  if (groupReaders.count === 0) return;
  const byKey = waiting.get(db);
  if (byKey === undefined) return;
  for (const key of byKey.keys()) {
    const was = db.dict.get(key);
    if (was === undefined || typeName(was) !== 'stream') continue;
    const now = replacedWith?.dict.get(key);
    if (now === undefined || typeName(now) !== 'stream') ready.push({ db, key });
  }
}

/** SWAPDB: every key clients wait on in `db` that now exists is ready (Redis's scanDatabaseForReadyKeys). */
export function readyWaitedKeys(db: Db): void {
  const byKey = waiting.get(db);
  if (byKey === undefined) return;
  for (const key of byKey.keys()) if (db.dict.has(key)) ready.push({ db, key });
}

export function hasReadyKeys(): boolean {
  return ready.length !== 0;
}

/**
 * Serve clients blocked on keys that became ready. Serving one may ready other keys (BLMOVE
 * pushes to its destination), so loop until nothing is left.
 */
export function handleReadyKeys(): void {
  refreshClock();
  while (ready.length !== 0) {
    const batch = ready.splice(0, ready.length);
    for (const { db, key } of batch) {
      const byKey = waiting.get(db);
      const list = byKey?.get(key);
      if (!list) continue;
      // Serve in arrival order while the key still holds data of the wanted type.
      for (const c of [...list]) {
        const st = state.get(c);
        if (st === undefined) continue;
        const v = db.lookupWrite(key);
        if (v === undefined || typeName(v) !== st.type) {
          if (st.check !== null && st.check.goneError !== null) unblockWith(c, st.check.goneError);
          continue;
        }
        if (st.check !== null && !st.check.servable(key, v)) continue;
        detach(c);
        servingDeadline = st.deadline;
        servingKey = key;
        call(c, st.cmd, st.argv);
        servingDeadline = -1;
        servingKey = null;
        if (c.flags & CLIENT_BLOCKED) continue; // blocked again: another waiter took the data
        resume(c);
      }
    }
  }
}

export function initBlocking(): void {
  signals.ready = onReady;
  onFlushed(readyDeletedStreams);
  clientCleanupHooks.push((c) => {
    detach(c);
  });
}
