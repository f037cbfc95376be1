// Shutdown as Redis 7.0 runs it. SHUTDOWN, and SIGTERM/SIGINT once the cron takes them up (so
// SHUTDOWN ABORT can still cancel a signal), first let lagging replicas catch up: writes are
// paused, replicas are asked for an ACK, and SHUTDOWN callers wait, blocked, until every replica
// has acknowledged the last write or shutdown-timeout passes. Then the final steps run (save,
// close, exit, in main.ts); when they fail, the callers get an error and the server serves on.

import { ERR } from '../errors.js';
import { log } from '../log.js';
import { rdbStats } from '../persistence/save.js';
import { feedStream, stream } from '../replication/primary.js';
import { GETACK } from '../replication/wait.js';
import { CLIENT_BLOCKED, CLIENT_CLOSED, clientCleanupHooks, type Client } from './client.js';
import { PAUSE_DURING_SHUTDOWN, PAUSE_WRITE, pauseClients, unpauseClients } from './pause.js';
import { server } from './state.js';

export interface ShutdownRequest {
  reason: string;
  saveMode: 'default' | 'save' | 'nosave';
  /** NOW: do not wait for replicas. */
  now: boolean;
  /** FORCE: exit even when the final save fails. */
  force: boolean;
}

/** The final steps (main.ts): never returns when they succeed, false when they failed. */
let finisher: (req: ShutdownRequest) => boolean = () => false;

/** `finish`: main.ts's last steps. Starts the cron that takes up signals. */
export function initShutdown(finish: (req: ShutdownRequest) => boolean): void {
  finisher = finish;
  clientCleanupHooks.push(forgetShutdownCaller);
  setInterval(shutdownCron, 100);
}

/** The shutdown waiting for replicas, and when it stops waiting (Redis's shutdown_mstime). */
let pending: ShutdownRequest | null = null;
let deadline = 0;
let checker: NodeJS.Timeout | null = null;
/** A signal's request, until the cron takes it up (Redis's shutdown_asap). */
let signalled: ShutdownRequest | null = null;
/** SHUTDOWN callers blocked until the shutdown fails or is aborted. */
const callers = new Set<Client>();

/** INFO's shutdown_in_milliseconds, or -1 when no shutdown waits. */
export function shutdownInMilliseconds(): number {
  return pending === null ? -1 : Math.max(0, deadline - Date.now());
}

function replicasInSync(): boolean {
  for (const r of stream.replicas) if (r.ackOffset < stream.writeOffset) return false;
  return true;
}

/**
 * SHUTDOWN (caller) or a signal (null): finish now, or wait for the replicas first. A caller is
 * answered with an error if the shutdown fails; meanwhile it is blocked, as in Redis.
 */
export function requestShutdown(req: ShutdownRequest, caller: Client | null): void {
  if (pending !== null) {
    if (caller !== null) block(caller);
    return;
  }
  log.warn({ reason: req.reason }, 'User requested shutdown...');
  const timeout = server.config.num('shutdown-timeout');
  if (!req.now && timeout !== 0 && !replicasInSync()) {
    pending = req;
    deadline = Date.now() + timeout * 1000;
    feedStream(GETACK);
    pauseClients(Number.MAX_SAFE_INTEGER, PAUSE_WRITE, PAUSE_DURING_SHUTDOWN);
    log.info('Waiting for replicas before shutting down.');
    if (caller !== null) block(caller);
    // Redis looks again at every cron turn; ACKs come at least once a second.
    checker = setInterval(checkPending, 10);
    return;
  }
  if (!finish(req) && caller !== null) caller.reply.error(ERR.shutdownFailed);
}

function block(c: Client): void {
  c.flags |= CLIENT_BLOCKED;
  callers.add(c);
}

function checkPending(): void {
  if (pending !== null && (Date.now() >= deadline || replicasInSync())) finish(pending);
}

/** The final steps, with a word on each replica that has not caught up. */
function finish(req: ShutdownRequest): boolean {
  let lagging = 0;
  const now = Date.now();
  for (const r of stream.replicas) {
    if (r.ackOffset >= stream.writeOffset) continue;
    lagging++;
    const lag = r.state === 'online' ? Math.floor((now - r.ackTime) / 1000) : 0;
    log.warn(`Lagging replica ${r.ip}:${r.port} reported offset ${stream.offset - r.ackOffset} behind master, lag=${lag}, state=${r.state}.`);
  }
  const total = stream.replicas.length;
  if (total > 0) log.info(`${total - lagging} of ${total} replicas are in sync when shutting down.`);
  if (finisher(req)) return true;
  log.warn('Errors trying to shut down the server. Check the logs for more information.');
  cancel();
  return false;
}

/** Stop waiting: the callers get an error, writes resume. */
function cancel(): void {
  pending = null;
  signalled = null;
  deadline = 0;
  if (checker !== null) clearInterval(checker);
  checker = null;
  for (const c of callers) {
    if (c.flags & CLIENT_CLOSED) continue;
    c.flags &= ~CLIENT_BLOCKED;
    c.reply.error(ERR.shutdownFailed);
    c.processInput();
    c.scheduleFlush();
  }
  callers.clear();
  unpauseClients(PAUSE_DURING_SHUTDOWN);
  server.flushPending();
}

/** SHUTDOWN ABORT: false when there was nothing to abort. */
export function abortShutdown(): boolean {
  if (pending !== null) cancel();
  else if (signalled !== null) signalled = null;
  else return false;
  log.info('Shutdown manually aborted.');
  return true;
}

/** A closing client stops waiting. */
function forgetShutdownCaller(c: Client): void {
  callers.delete(c);
}

/**
 * SIGTERM / SIGINT: taken up by the next cron turn. A second SIGINT while a shutdown is under way
 * means now: exit at once, as Redis does for Ctrl+C pressed twice.
 */
export function signalShutdown(req: ShutdownRequest, removeTempFile: () => void): void {
  if ((signalled !== null || pending !== null) && req.reason === 'SIGINT') {
    log.warn('You insist... exiting now.');
    removeTempFile();
    process.exit(1);
  }
  log.warn(rdbStats.loading ? 'Received shutdown signal during loading, scheduling shutdown.' : `Received ${req.reason} scheduling shutdown...`);
  signalled = req;
}

/** The cron's part (Redis's serverCron): start a signalled shutdown unless DEBUG PAUSE-CRON holds it. */
function shutdownCron(): void {
  if (signalled === null || pending !== null || server.cronPaused) return;
  // Success exits; failure clears the signal (cancel), as Redis's cancelShutdown does.
  requestShutdown(signalled, null);
}
