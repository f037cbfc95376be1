// TCP (and, through tls.ts, TLS) listeners for the `bind` addresses, moved by CONFIG SET port and
// bind; accepts connections into Clients.

import * as fs from 'node:fs';
import * as net from 'node:net';
import { ERR } from '../errors.js';
import { logger } from '../log.js';
import {
  CLIENT_BLOCKED, CLIENT_MASTER, CLIENT_MONITOR, CLIENT_PUBSUB, CLIENT_SLAVE, Client,
} from './client.js';
import { server } from './state.js';
import { defaultUser } from '../acl/users.js';
import { closeTlsListeners, initTls, rebindTls } from './tls.js';
import { bindListeners, bindTargets } from './bind.js';

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

function ignoreError(): void {}

/** Answer a refused connection and close it. */
function refuse(socket: net.Socket, reply: string): void {
  server.stats.rejectedConnections++;
  // The peer may reset the connection before the reply is out: an 'error' nobody handles would
  // end the process.
  socket.on('error', ignoreError);
  socket.end(reply);
}

function onConnection(socket: net.Socket): void {
  server.stats.connectionsReceived++;
  if (socket.remoteAddress !== undefined) socket.setNoDelay(true);
  const keepalive = server.config.num('tcp-keepalive');
  if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
  if (server.clients.size >= server.config.num('maxclients')) {
    refuse(socket, `-${ERR.maxClients}\r\n`);
    return;
  }
  if (protectedModeRefuses(server.config.bool('protected-mode'), defaultUser().nopass, socket.remoteAddress)) {
    refuse(socket, PROTECTED_MODE_REPLY);
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
  if (server.cronPaused) return;
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

export { bindTargets } from './bind.js';

/** Redis's replies when CONFIG SET cannot listen where asked (the reason goes to the log). */
const PORT_FAILED = 'Unable to listen on this port. Check server logs.';
const BIND_FAILED = 'Failed to bind to specified addresses.';

/** The plain TCP listeners, and the port and `bind` value they were bound for (port 0: none). */
let tcpServers: net.Server[] = [];
let boundPort = 0;
let boundBind = '';
let unixServer: net.Server | null = null;

function createTcpServer(): net.Server {
  return net.createServer({ noDelay: true }, onConnection);
}

/** TCP listeners on port at the addresses of a bind value, or the reason they could not be bound. */
function bindTcp(port: number, bind: string): net.Server[] | { error: string } {
  if (port === 0) return [];
  return bindListeners(port, bindTargets(bind), server.config.num('tcp-backlog'), createTcpServer);
}

function closeAll(servers: net.Server[]): void {
  for (const s of servers) s.close();
}

/**
 * Listen on port, bind, unixsocket and tls-port as configured, and follow CONFIG SET of port and
 * bind from then on. Resolves with the number of listeners (0: configured to listen nowhere).
 */
export async function listen(): Promise<number> {
  const cfg = server.config;
  const port = cfg.num('port');
  const bind = cfg.get('bind');
  const tcp = bindTcp(port, bind);
  if (!Array.isArray(tcp)) throw new Error(`${tcp.error}. Failed listening on port ${port} (TCP), aborting.`);
  tcpServers = tcp;
  boundPort = port;
  boundBind = bind;
  server.port = port;
  const unixsocket = cfg.get('unixsocket');
  if (unixsocket !== '') unixServer = await listenUnix(unixsocket, cfg.num('unixsocketperm'));
  const tlsCount = initTls(onConnection);
  cfg.watch('port', changePort);
  cfg.watch('bind', changeBind);
  watchIdleTimeout();
  return tcpServers.length + (unixServer !== null ? 1 : 0) + tlsCount;
}

/** Stop accepting connections (shutdown). */
export function closeListeners(): void {
  closeAll(tcpServers);
  tcpServers = [];
  unixServer?.close();
  unixServer = null;
  closeTlsListeners();
}

/**
 * CONFIG SET port: listen on the new port at the configured addresses, then let the old listeners
 * go (clients already connected stay). When the new port cannot be bound, the old listeners keep
 * serving and the change is refused, as Redis ends up after its rollback. Port 0: no TCP listener.
 */
function changePort(v: string): string | undefined {
  const port = Number(v);
  if (port === boundPort) return undefined;
  const tcp = bindTcp(port, server.config.get('bind'));
  if (!Array.isArray(tcp)) return PORT_FAILED;
  closeAll(tcpServers);
  tcpServers = tcp;
  boundPort = port;
  server.port = port;
  return undefined;
}

/**
 * CONFIG SET bind: the TCP and TLS listeners move to the new addresses. The old ones close first,
 * since the new addresses may overlap them on the same port; when a new one cannot be bound, the
 * old addresses are bound again and the change is refused, as Redis does.
 */
function changeBind(bind: string): string | undefined {
  if (bind === boundBind) return undefined;
  // The port as configured now: a CONFIG SET of both may list bind first.
  const port = server.config.num('port');
  closeAll(tcpServers);
  tcpServers = [];
  const tcp = bindTcp(port, bind);
  if (Array.isArray(tcp) && rebindTls(bindTargets(bind))) {
    tcpServers = tcp;
    boundPort = port;
    boundBind = bind;
    server.port = port;
    return undefined;
  }
  if (Array.isArray(tcp)) closeAll(tcp);
  const old = bindTcp(boundPort, boundBind);
  if (Array.isArray(old)) tcpServers = old;
  rebindTls(bindTargets(boundBind));
  return BIND_FAILED;
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
