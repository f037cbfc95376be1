// TCP (and, through tls.ts, TLS) listeners for the `bind` addresses; accepts connections into Clients.

import * as fs from 'node:fs';
import * as net from 'node:net';
import { ERR } from '../errors.js';
import { logger } from '../log.js';
import {
  CLIENT_BLOCKED, CLIENT_MASTER, CLIENT_MONITOR, CLIENT_PUBSUB, CLIENT_SLAVE, Client,
} from './client.js';
import { server } from './state.js';
import { defaultUser } from '../acl/users.js';
import { initTls } from './tls.js';

const PROTECTED_MODE_REPLY = `-${ERR.protectedMode}\r\n`;

/** Loopback TCP peers, and unix-socket peers (which have no address), count as local. */
function isLoopback(addr: string | undefined): boolean {
  if (addr === undefined) return true;
  return addr.startsWith('127.') || addr.startsWith('::ffff:127.') || addr === '::1';
}

/**
 * Protected mode's decision (Redis 7.0 applies it whatever `bind` says): refuse a client when
 * protected mode is on, the default user has no password, and the client is not on loopback
 * (unix-socket clients have no address and count as local).
 */
export function protectedModeRefuses(protectedMode: boolean, defaultNopass: boolean, remoteAddress: string | undefined): boolean {
  return protectedMode && defaultNopass && !isLoopback(remoteAddress);
}

function onConnection(socket: net.Socket): void {
  server.stats.connectionsReceived++;
  if (socket.remoteAddress !== undefined) socket.setNoDelay(true);
  const keepalive = server.config.num('tcp-keepalive');
  if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
  if (server.clients.size >= server.config.num('maxclients')) {
    server.stats.rejectedConnections++;
    socket.end(`-${ERR.maxClients}\r\n`);
    return;
  }
  if (protectedModeRefuses(server.config.bool('protected-mode'), defaultUser().nopass, socket.remoteAddress)) {
    server.stats.rejectedConnections++;
    socket.end(PROTECTED_MODE_REPLY);
    return;
  }
  const c = new Client(socket);
  server.clients.set(c.id, c);
  socket.on('data', (chunk: Buffer) => c.onData(chunk));
  socket.on('error', () => c.close());
  socket.on('close', () => c.cleanup());
}

/** Clients the `timeout` directive never closes: replication links, monitors, blocked and pub/sub. */
const NO_IDLE_TIMEOUT = CLIENT_SLAVE | CLIENT_MASTER | CLIENT_MONITOR | CLIENT_BLOCKED | CLIENT_PUBSUB;
let idleTimer: NodeJS.Timeout | null = null;

/** Close clients idle (no input or output) for more than `timeout` whole seconds, as Redis's clientsCron. */
function closeIdleClients(maxIdle: number): void {
  const now = Math.floor(Date.now() / 1000);
  for (const c of server.clients.values()) {
    if (c.flags & NO_IDLE_TIMEOUT) continue;
    if (now - Math.floor(c.lastInteraction / 1000) > maxIdle) {
      logger('network').debug({ client: c.addr }, 'Closing idle client');
      c.close();
    }
  }
}

/** The idle check runs only while `timeout` is set, at Redis's default cron rate (10 Hz). */
function watchIdleTimeout(): void {
  server.config.watch('timeout', (v) => {
    if (idleTimer !== null) clearInterval(idleTimer);
    idleTimer = null;
    const maxIdle = Number(v);
    if (maxIdle > 0) {
      idleTimer = setInterval(closeIdleClients, 100, maxIdle);
      idleTimer.unref();
    }
  });
}

/** `*` and `::*` are Redis's "all IPv4" / "all IPv6"; a leading '-' makes an address optional. */
export function bindTargets(bind: string): { host: string; optional: boolean }[] {
  return bind.split(/\s+/).filter((a) => a !== '').map((a) => {
    const optional = a.startsWith('-');
    let host = optional ? a.slice(1) : a;
    if (host === '*') host = '0.0.0.0';
    else if (host === '::*') host = '::';
    return { host, optional };
  });
}

/** Listen on every bind address; resolves with the port bound (useful with port 0). */
export async function listen(port: number, bind: string): Promise<net.Server[]> {
  const servers: net.Server[] = [];
  let boundPort = port;
  for (const { host, optional } of bindTargets(bind)) {
    const srv = net.createServer({ noDelay: true }, onConnection);
    try {
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ port: boundPort, host, backlog: server.config.num('tcp-backlog'), ipv6Only: host.includes(':') }, () => {
          srv.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      if (optional) {
        logger('network').debug({ host, err: (err as Error).message }, 'optional bind address unavailable');
        continue;
      }
      throw err;
    }
    const addr = srv.address();
    if (addr && typeof addr === 'object') boundPort = addr.port;
    servers.push(srv);
  }
  server.port = boundPort;
  const unixsocket = server.config.get('unixsocket');
  if (unixsocket !== '') servers.push(await listenUnix(unixsocket, server.config.num('unixsocketperm')));
  // tls-port binds the `bind` addresses even when port 0 turns plain TCP off.
  servers.push(...await initTls(bindTargets(server.config.get('bind')), onConnection));
  watchIdleTimeout();
  return servers;
}

/** Like Redis: a stale socket file is replaced, and unixsocketperm (octal, 0 = umask) applies. */
async function listenUnix(path: string, perm: number): Promise<net.Server> {
  fs.rmSync(path, { force: true });
  const srv = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ path, backlog: server.config.num('tcp-backlog') }, () => {
      srv.off('error', reject);
      resolve();
    });
  });
  if (perm !== 0) fs.chmodSync(path, perm);
  return srv;
}
