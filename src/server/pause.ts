// CLIENT PAUSE: while a pause is on, commands it covers are postponed (the client is blocked with
// that command held, and reads no further commands) and run, in arrival order, when it ends.
// Like Redis 7.0 the dataset is also held still: keys do not expire (reads see them as gone) and
// nothing is evicted until the pause ends.

import { F } from '../commands/spec.js';
import { datasetFrozen } from '../keyspace/db.js';
import { CLIENT_BLOCKED, CLIENT_CLOSED, type Client } from './client.js';
import { server } from './state.js';

export const PAUSE_OFF = 0;
/** Only commands that may write or propagate (Redis's is_may_replicate_command). */
export const PAUSE_WRITE = 1;
export const PAUSE_ALL = 2;

export const pause = {
  type: PAUSE_OFF,
  /** Absolute end time in ms. */
  end: 0,
};

/**
 * Who paused (Redis's pause purposes): CLIENT PAUSE, a shutdown waiting for its replicas, a
 * failover. Each has its own type and end; the pause in force is the strictest and latest of them,
 * and ending one (CLIENT UNPAUSE) leaves the others on.
 */
export const PAUSE_BY_CLIENT = 0;
export const PAUSE_DURING_SHUTDOWN = 1;
export const PAUSE_DURING_FAILOVER = 2;
const purposes = [
  { type: PAUSE_OFF, end: 0 },
  { type: PAUSE_OFF, end: 0 },
  { type: PAUSE_OFF, end: 0 },
];

let timer: NodeJS.Timeout | null = null;
/** Postponed clients in the order they were postponed (a Set iterates in insertion order). */
const postponed = new Set<Client>();

/** Start or extend a pause: the later end and the stricter type win, as in Redis. */
export function pauseClients(end: number, type: number, purpose = PAUSE_BY_CLIENT): void {
  const p = purposes[purpose];
  if (p.type === PAUSE_OFF) {
    // Already over (CLIENT PAUSE 0): nothing to hold.
    if (end <= Date.now()) return;
    p.type = type;
    p.end = end;
  } else {
    p.type = Math.max(p.type, type);
    p.end = Math.max(p.end, end);
  }
  update();
}

/** End one purpose's pause; postponed clients run their held commands once no pause is left. */
export function unpauseClients(purpose = PAUSE_BY_CLIENT): void {
  purposes[purpose].type = PAUSE_OFF;
  purposes[purpose].end = 0;
  update();
}

/** Put the pause in force that the purposes add up to. */
function update(): void {
  let type = PAUSE_OFF;
  let end = 0;
  for (const p of purposes) {
    if (p.type === PAUSE_OFF) continue;
    type = Math.max(type, p.type);
    end = Math.max(end, p.end);
  }
  if (timer !== null) clearTimeout(timer);
  timer = null;
  const wasPaused = pause.type !== PAUSE_OFF;
  pause.type = type;
  pause.end = end;
  datasetFrozen.on = type !== PAUSE_OFF;
  if (type !== PAUSE_OFF) {
    armTimer();
  } else if (wasPaused && postponed.size !== 0) {
    // Like Redis, the client that unpaused finishes its own input before the others resume.
    setImmediate(resumePostponed);
  }
}

/** Node timers hold at most 2^31-1 ms: long pauses wake up early and re-arm. */
function armTimer(): void {
  timer = setTimeout(onTimer, Math.min(Math.max(0, pause.end - Date.now()), 2147483647));
}

function onTimer(): void {
  timer = null;
  const now = Date.now();
  for (const p of purposes) {
    if (p.type !== PAUSE_OFF && now >= p.end) {
      p.type = PAUSE_OFF;
      p.end = 0;
    }
  }
  update();
}

/** Whether a command with these flags (EXEC: with its queue's, see dispatch.ts) waits for the pause to end. */
export function mustPostpone(flags: number): boolean {
  return pause.type === PAUSE_ALL || (flags & (F.WRITE | F.MAY_REPLICATE)) !== 0;
}

/** Hold argv and stop reading this client's input until the pause ends. */
export function postpone(c: Client, argv: string[]): void {
  c.flags |= CLIENT_BLOCKED;
  c.postponedArgv = argv;
  postponed.add(c);
}

function resumePostponed(): void {
  const list = [...postponed];
  postponed.clear();
  for (const c of list) {
    if (c.flags & CLIENT_CLOSED || c.postponedArgv === null) continue;
    const argv = c.postponedArgv;
    c.postponedArgv = null;
    c.flags &= ~CLIENT_BLOCKED;
    c.resume(argv);
  }
  server.flushPending();
}

/** A postponed client closed: drop it from the queue. */
export function forgetPostponed(c: Client): void {
  postponed.delete(c);
}
