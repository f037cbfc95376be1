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

let timer: NodeJS.Timeout | null = null;
/** Postponed clients in the order they were postponed (a Set iterates in insertion order). */
const postponed = new Set<Client>();

/** Start or extend a pause: the later end and the stricter type win, as in Redis. */
export function pauseClients(end: number, type: number): void {
  if (pause.type === PAUSE_OFF) {
    // Already over (CLIENT PAUSE 0): nothing to hold.
    if (end <= Date.now()) return;
    pause.type = type;
    pause.end = end;
  } else {
    pause.type = Math.max(pause.type, type);
    pause.end = Math.max(pause.end, end);
  }
  datasetFrozen.on = true;
  armTimer();
}

/** Node timers hold at most 2^31-1 ms: long pauses wake up early and re-arm. */
function armTimer(): void {
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(onTimer, Math.min(Math.max(0, pause.end - Date.now()), 2147483647));
}

function onTimer(): void {
  timer = null;
  if (Date.now() >= pause.end) unpauseClients();
  else armTimer();
}

/** End the pause; postponed clients run their held commands on the next turn of the event loop. */
export function unpauseClients(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (pause.type === PAUSE_OFF) return;
  pause.type = PAUSE_OFF;
  pause.end = 0;
  datasetFrozen.on = false;
  // Like Redis, the client that unpaused finishes its own input before the others resume.
  if (postponed.size !== 0) setImmediate(resumePostponed);
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
