// Coordinated failover (FAILOVER): writes pause while a replica catches up with our offset, then
// we turn into that replica's replica and ask it, with PSYNC <id> <offset> FAILOVER, to take over.
// Its +CONTINUE / +FULLRESYNC ends the failover; any other answer rolls us back to primary.
// The states and their INFO names follow Redis 7.0.

import { logger } from '../log.js';
import { pauseClients, unpauseClients, PAUSE_DURING_FAILOVER, PAUSE_WRITE } from '../server/pause.js';
import { stream, type ReplicaLink } from './primary.js';
import { setPrimary, unsetPrimary } from './replica.js';

const log = (): ReturnType<typeof logger> => logger('repl');

export const NO_FAILOVER = 0;
export const FAILOVER_WAIT_FOR_SYNC = 1;
export const FAILOVER_IN_PROGRESS = 2;

const STATE_NAMES = ['no-failover', 'waiting-for-sync', 'failover-in-progress'];

export const failover = {
  state: NO_FAILOVER,
  /** The target's host and port; host '' while any replica may be chosen. */
  host: '',
  port: 0,
  /** Absolute deadline (ms), 0 without TIMEOUT. */
  end: 0,
  force: false,
};

let timer: NodeJS.Timeout | null = null;

export function failoverStateName(): string {
  return STATE_NAMES[failover.state];
}

/** The replica announcing host:port (as Redis matches it: ip case-insensitively, listening port). */
export function findReplica(host: string, port: number): ReplicaLink | undefined {
  const h = host.toLowerCase();
  for (const r of stream.replicas) if (r.ip.toLowerCase() === h && r.port === port) return r;
  return undefined;
}

/** Enter waiting-for-sync: writes pause (without end) until the failover ends. */
export function startFailover(host: string, port: number, timeoutMs: number, force: boolean): void {
  failover.host = host;
  failover.port = port;
  failover.force = force;
  failover.end = timeoutMs > 0 ? Date.now() + timeoutMs : 0;
  failover.state = FAILOVER_WAIT_FOR_SYNC;
  log().info(host !== '' ? `FAILOVER requested to ${host}:${port}.` : 'FAILOVER requested to any replica.');
  // A pause of its own: CLIENT PAUSE and UNPAUSE meanwhile neither end nor extend it.
  pauseClients(Number.MAX_SAFE_INTEGER, PAUSE_WRITE, PAUSE_DURING_FAILOVER);
  if (failover.end !== 0) timer = setTimeout(checkFailover, timeoutMs);
  setImmediate(checkFailover);
}

function clearFailover(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  failover.state = NO_FAILOVER;
  failover.host = '';
  failover.port = 0;
  failover.end = 0;
  failover.force = false;
  unpauseClients(PAUSE_DURING_FAILOVER);
}

export function abortFailover(reason: string): void {
  if (failover.state === NO_FAILOVER) return;
  const to = failover.host !== '' ? `${failover.host}:${failover.port}` : 'any replica';
  log().info(`FAILOVER to ${to} aborted: ${reason}`);
  if (failover.state === FAILOVER_IN_PROGRESS) unsetPrimary();
  clearFailover();
}

function handOver(): void {
  failover.state = FAILOVER_IN_PROGRESS;
  if (timer !== null) clearTimeout(timer);
  timer = null;
  setPrimary(failover.host, failover.port);
}

/**
 * While waiting for sync (after each replica ACK, and at the deadline): hand over to the target
 * once it acknowledged our whole stream, or at the deadline force it or give up.
 */
export function checkFailover(): void {
  if (failover.state !== FAILOVER_WAIT_FOR_SYNC) return;
  if (failover.end !== 0 && failover.end <= Date.now()) {
    if (failover.force) {
      log().info(`FAILOVER to ${failover.host}:${failover.port} time out exceeded, failing over.`);
      handOver();
    } else {
      abortFailover('Replica never caught up before timeout');
    }
    return;
  }
  let target: ReplicaLink | undefined;
  if (failover.host !== '') {
    target = findReplica(failover.host, failover.port);
  } else {
    target = stream.replicas.find((r) => r.ackOffset === stream.offset);
    if (target !== undefined) {
      failover.host = target.ip;
      failover.port = target.port;
    }
  }
  if (target === undefined || target.ackOffset !== stream.offset) return;
  log().info(`Failover target ${failover.host}:${failover.port} is synced, failing over.`);
  handOver();
}

/** The target answered our PSYNC FAILOVER: it accepted (it is our primary now), or we roll back. */
export function failoverPsyncAnswered(accepted: boolean): void {
  if (failover.state !== FAILOVER_IN_PROGRESS) return;
  if (accepted) clearFailover();
  else abortFailover('Failover target rejected psync request');
}
