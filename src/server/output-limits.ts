// client-output-buffer-limit for every class (normal, replica, pubsub): a client whose unread
// output passes its class's limit is closed instead of memory growing without bound.

import { logger } from '../log.js';
import { CLIENT_CLOSED, CLIENT_MASTER, CLIENT_MONITOR, CLIENT_PUBSUB, CLIENT_SLAVE, type Client } from './client.js';
import { server } from './state.js';
import { initClientEviction } from './client-evict.js';

// Output buffer limits per class, [hard, soft, softSeconds] in bytes/seconds; 0 disables one.
let normalLimits = [0, 0, 0];
let replicaLimits = [0, 0, 0];
let pubsubLimits = [0, 0, 0];

function parseLimits(v: string): void {
  const w = v.split(/\s+/);
  for (let i = 0; i + 3 < w.length; i += 4) {
    const lim = [Number(w[i + 1]), Number(w[i + 2]), Number(w[i + 3])];
    if (w[i] === 'normal') normalLimits = lim;
    else if (w[i] === 'pubsub') pubsubLimits = lim;
    else if (w[i] === 'slave' || w[i] === 'replica') replicaLimits = lim;
  }
}

/**
 * Redis's checkClientOutputBufferLimits for a receiver of pushed output: over the hard limit, or
 * over the soft one for longer than its seconds, and the client is closed rather than buffering
 * without bound. Pending output is what the socket still holds plus what is not flushed yet.
 */
function overOutputLimit(c: Client): boolean {
  // Redis's getClientType: a MONITOR client is a normal one, our link to a primary has no limit.
  if (c.flags & CLIENT_MASTER) return false;
  const lim = c.flags & CLIENT_SLAVE && (c.flags & CLIENT_MONITOR) === 0 ? replicaLimits
    : c.flags & CLIENT_PUBSUB ? pubsubLimits : normalLimits;
  // Like Redis, the first REPLY_CHUNK_BYTES of a reply (its static buffer) are not counted.
  const unsent = c.reply.len > REPLY_CHUNK_BYTES ? c.reply.len - REPLY_CHUNK_BYTES : 0;
  return overLimits(c, lim, (c.socket !== null ? c.socket.writableLength : 0) + unsent);
}

/** Redis's PROTO_REPLY_CHUNK_BYTES: a reply longer than this may trip an output limit before it is sent. */
export const REPLY_CHUNK_BYTES = 16 * 1024;

/** Clients over a soft limit: checked by the cron too, so the limit holds when no traffic comes. */
const overSoft = new Set<Client>();

function overLimits(c: Client, lim: number[], used: number): boolean {
  if (lim[0] === 0 && lim[1] === 0) return false;
  if (lim[0] !== 0 && used >= lim[0]) return true;
  if (lim[1] === 0 || used < lim[1]) {
    if (c.obufSoftLimitSince !== 0) {
      c.obufSoftLimitSince = 0;
      overSoft.delete(c);
    }
    return false;
  }
  const now = Date.now();
  if (c.obufSoftLimitSince === 0) {
    c.obufSoftLimitSince = now;
    overSoft.add(c);
    return false;
  }
  return now - c.obufSoftLimitSince > lim[2] * 1000;
}

function checkSoftLimits(): void {
  for (const c of overSoft) {
    // A replica's stream is checked as it is fed (what a full sync holds back is not in its socket).
    if (c.flags & (CLIENT_CLOSED | CLIENT_SLAVE) || c.socket === null || c.socket.destroyed) overSoft.delete(c);
    else if (closeIfOverOutputLimit(c)) overSoft.delete(c);
  }
}

/** Close a client whose pending output passed its class's limit; true if it was closed. */
export function closeIfOverOutputLimit(c: Client): boolean {
  if (!overOutputLimit(c)) return false;
  logger('network').warn(
    { client: c.addr, pending: c.reply.len + (c.socket?.writableLength ?? 0) },
    'Client closed for overcoming of output buffer limits.',
  );
  c.close();
  return true;
}

/** The stream a replica holds back during its full sync counts against the replica class's limits. */
export function heldOverLimit(c: Client, held: number): boolean {
  return (c.flags & CLIENT_SLAVE) !== 0 && overLimits(c, replicaLimits, held);
}

/** Client limits: per-class output buffer limits, and maxmemory-clients over all clients. */
export function initOutputLimits(): void {
  server.config.watch('client-output-buffer-limit', parseLimits);
  // Redis's clientsCron runs 10 times a second at the default hz.
  setInterval(checkSoftLimits, 100).unref();
  initClientEviction();
}
