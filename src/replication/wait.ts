// WAIT numreplicas timeout: the client blocks until that many replicas acknowledged the stream up
// to the last write's offset, or until the timeout; it then gets the number that did. Replicas
// are asked for an ACK (REPLCONF GETACK through the stream) once per event-loop turn with waiters.

import { CLIENT_BLOCKED, CLIENT_DENY_BLOCKING, type Client } from '../server/client.js';
import { server } from '../server/state.js';
import { feedStream, stream } from './primary.js';

interface Waiter {
  c: Client;
  target: number;
  num: number;
  timer: NodeJS.Timeout | null;
}

const waiters: Waiter[] = [];
let getackScheduled = false;
/** REPLCONF GETACK *: asks replicas for an ACK through the stream. */
export const GETACK = Buffer.from('*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n', 'latin1');

function acked(target: number): number {
  let n = 0;
  for (const r of stream.replicas) if (r.ackOffset >= target) n++;
  return n;
}

function askForAcks(): void {
  getackScheduled = false;
  if (waiters.length !== 0) feedStream(GETACK);
}

export function waitForReplicas(c: Client, num: number, timeoutMs: number): void {
  const target = stream.writeOffset;
  const n = acked(target);
  if (n >= num || c.flags & CLIENT_DENY_BLOCKING) {
    c.reply.int(n);
    return;
  }
  const w: Waiter = { c, target, num, timer: null };
  if (timeoutMs > 0) w.timer = setTimeout(finish, Math.min(timeoutMs, 0x7fffffff), w);
  waiters.push(w);
  c.flags |= CLIENT_BLOCKED;
  if (!getackScheduled) {
    getackScheduled = true;
    setImmediate(askForAcks);
  }
}

/** Reply with the current count and let the client go on with its input. */
function finish(w: Waiter): void {
  const i = waiters.indexOf(w);
  if (i < 0) return;
  waiters.splice(i, 1);
  if (w.timer !== null) clearTimeout(w.timer);
  const c = w.c;
  c.flags &= ~CLIENT_BLOCKED;
  c.reply.int(acked(w.target));
  c.processInput();
  c.scheduleFlush();
  server.flushPending();
}

/** A replica's ACK arrived: release the waiters it satisfies. */
export function replicaAcked(): void {
  for (const w of waiters.slice()) if (acked(w.target) >= w.num) finish(w);
}

/** A closing client stops waiting. */
export function forgetWaiter(c: Client): void {
  const i = waiters.findIndex((w) => w.c === c);
  if (i < 0) return;
  const w = waiters[i];
  if (w.timer !== null) clearTimeout(w.timer);
  waiters.splice(i, 1);
}
