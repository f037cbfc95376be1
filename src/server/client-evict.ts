// maxmemory-clients: client eviction as in Redis 7.0. When the memory of all normal and pub/sub
// clients together reaches the limit, the clients using the most are closed, largest first, until
// it is below again. CLIENT NO-EVICT exempts a client from being chosen, not from being counted;
// replication links are neither counted nor chosen.

import { logger } from '../log.js';
import { CLIENT_FAKE, CLIENT_MASTER, CLIENT_NO_EVICT, CLIENT_SLAVE, clientCleanupHooks, type Client } from './client.js';
import { server } from './state.js';

/** The limit in bytes, 0 when off; read on the hot path (Client.flush). */
export const clientEviction = { limit: 0 };

/** Redis's floor: a tiny limit must not leave the server unreachable. */
const MIN_LIMIT = 128 * 1024;

/**
 * What a connection costs besides its buffers: the Client with its parser and reply writer, and
 * the socket's objects (about 2 KB, measured as heap growth per idle connection).
 */
const CLIENT_BASE = 2048;

/** Sum of memUsage over counted clients, kept up to date by noteClientMemory while the limit is on. */
let total = 0;

function counted(c: Client): boolean {
  return (c.flags & (CLIENT_SLAVE | CLIENT_MASTER | CLIENT_FAKE)) === 0;
}

/** A client's memory: input held, its reply buffer and the output its socket still queues. */
export function clientMemory(c: Client): number {
  return CLIENT_BASE + c.parser.held + c.reply.buf.length + (c.socket !== null ? c.socket.writableLength : 0);
}

/** INFO mem_clients_normal: every counted client's memory now. */
export function clientsMemory(): number {
  let sum = 0;
  for (const c of server.clients.values()) if (counted(c)) sum += clientMemory(c);
  return sum;
}

/** Count every client afresh: socket queues drain without telling us, so totals only drift upwards. */
function recount(): void {
  total = 0;
  for (const c of server.clients.values()) {
    c.memUsage = counted(c) ? clientMemory(c) : 0;
    total += c.memUsage;
  }
}

/** After a client's read event or flush: update its share and, at the limit, evict. */
export function noteClientMemory(c: Client): void {
  const m = counted(c) ? clientMemory(c) : 0;
  total += m - c.memUsage;
  c.memUsage = m;
  if (total >= clientEviction.limit) evictClients();
}

function evictClients(): void {
  recount();
  if (total < clientEviction.limit) return;
  const candidates: Client[] = [];
  for (const c of server.clients.values()) {
    if (counted(c) && (c.flags & CLIENT_NO_EVICT) === 0 && c.socket !== null) candidates.push(c);
  }
  candidates.sort((a, b) => b.memUsage - a.memUsage);
  for (const c of candidates) {
    if (total < clientEviction.limit) break;
    logger('network').info({ client: c.addr, id: c.id, name: c.name, totMem: c.memUsage }, 'Evicting client');
    server.stats.evictedClients++;
    c.close();
  }
}

function computeLimit(): void {
  const v = server.config.num('maxmemory-clients');
  const maxmemory = server.config.num('maxmemory');
  // Negative values are percentages of maxmemory (none without a maxmemory).
  let limit = v > 0 ? v : v < 0 && maxmemory > 0 ? Math.floor((maxmemory * -v) / 100) : 0;
  if (limit !== 0 && limit < MIN_LIMIT) limit = MIN_LIMIT;
  const was = clientEviction.limit;
  clientEviction.limit = limit;
  if (limit !== 0 && was === 0) recount();
}

export function initClientEviction(): void {
  server.config.watch('maxmemory-clients', computeLimit);
  server.config.watch('maxmemory', computeLimit);
  clientCleanupHooks.push((c) => {
    total -= c.memUsage;
    c.memUsage = 0;
  });
}
