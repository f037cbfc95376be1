// TLS as Redis 7.0 configures it: the tls-* directives build one server context (for tls-port) and
// one client context (for our link to a primary with tls-replication). CONFIG SET of any of them
// rebuilds both; connections already open keep the context they were accepted with.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { constants as cryptoConstants } from 'node:crypto';
import { logger } from '../log.js';
import { server } from './state.js';
import { bindListeners, bindTargets, type BindTarget } from './bind.js';

/** Every directive whose change rebuilds the contexts (tls-port has its own hook). */
const CONTEXT_DIRECTIVES = [
  'tls-cert-file', 'tls-key-file', 'tls-key-file-pass', 'tls-client-cert-file', 'tls-client-key-file',
  'tls-client-key-file-pass', 'tls-dh-params-file', 'tls-ca-cert-file', 'tls-ca-cert-dir', 'tls-auth-clients',
  'tls-replication', 'tls-cluster', 'tls-protocols', 'tls-ciphers', 'tls-ciphersuites', 'tls-prefer-server-ciphers',
  'tls-session-caching', 'tls-session-cache-size', 'tls-session-cache-timeout',
] as const;

const PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** Redis's reply when a CONFIG SET leaves TLS unconfigurable (the reason goes to the log). */
export const TLS_UPDATE_FAILED = 'Unable to update TLS configuration. Check server logs.';
const LISTEN_FAILED = 'Unable to listen on this port. Check server logs.';

interface TlsOptions {
  server: tls.TlsOptions;
  client: tls.ConnectionOptions;
  /** tls-auth-clients optional: a certificate, when given, must still verify. */
  verifyOptional: boolean;
}

let current: TlsOptions | null = null;
let tlsServers: tls.Server[] = [];
/** Cluster bus listeners of tls-cluster, which follow CONFIG SET like the tls-port ones. */
const busServers: tls.Server[] = [];
/** The hooks run once at registration; the first configuration is done by initTls itself. */
let watching = false;

/** TLS is configured when some use of it is on, as Redis's "tls_port || tls_replication || tls_cluster". */
function tlsInUse(): boolean {
  const cfg = server.config;
  return cfg.num('tls-port') !== 0 || cfg.bool('tls-replication') || cfg.bool('tls-cluster');
}

function readFile(what: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`Failed to load ${what}: ${file}: ${(err as Error).message}`);
  }
}

/** CA certificates from tls-ca-cert-file and every PEM file of tls-ca-cert-dir. */
function caCerts(file: string, dir: string): Buffer[] {
  const out: Buffer[] = [];
  if (file !== '') out.push(readFile('CA certificate(s) file', file));
  if (dir !== '') {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch (err) {
      throw new Error(`Failed to configure CA certificate(s) directory ${dir}: ${(err as Error).message}`);
    }
    for (const n of names) {
      const p = path.join(dir, n);
      if (!fs.statSync(p, { throwIfNoEntry: false })?.isFile()) continue;
      const pem = fs.readFileSync(p);
      if (pem.includes('-----BEGIN CERTIFICATE-----')) out.push(pem);
    }
  }
  return out;
}

/** tls-protocols as a version range; Redis accepts the names in any case, blank means 1.2 and 1.3. */
function protocolRange(v: string): { minVersion: tls.SecureVersion; maxVersion: tls.SecureVersion } {
  const words = v.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' };
  let lo: number = PROTOCOLS.length;
  let hi = -1;
  for (const w of words) {
    const k = PROTOCOLS.findIndex((p) => p.toLowerCase() === w.toLowerCase());
    if (k < 0) throw new Error("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
    lo = Math.min(lo, k);
    hi = Math.max(hi, k);
  }
  return { minVersion: PROTOCOLS[lo], maxVersion: PROTOCOLS[hi] };
}

/**
 * OpenSSL keeps TLS 1.3 suites (tls-ciphersuites) apart from older ciphers (tls-ciphers); Node
 * takes both in one list, so an unset half keeps Node's defaults for that half.
 */
function cipherList(ciphers: string, suites: string): string | undefined {
  if (ciphers === '' && suites === '') return undefined;
  const defaults = tls.DEFAULT_CIPHERS.split(':');
  const v13 = suites !== '' ? suites : defaults.filter((x) => x.startsWith('TLS_')).join(':');
  const v12 = ciphers !== '' ? ciphers : defaults.filter((x) => !x.startsWith('TLS_')).join(':');
  return `${v13}:${v12}`;
}

/** Build and validate both contexts from the directives; throws with Redis's log text. */
function buildOptions(): TlsOptions {
  const cfg = server.config;
  const certFile = cfg.get('tls-cert-file');
  const keyFile = cfg.get('tls-key-file');
  if (certFile === '') throw new Error('No tls-cert-file configured!');
  if (keyFile === '') throw new Error('No tls-key-file configured!');
  const auth = cfg.get('tls-auth-clients');
  const caFile = cfg.get('tls-ca-cert-file');
  const caDir = cfg.get('tls-ca-cert-dir');
  if ((auth !== 'no' || cfg.bool('tls-replication') || cfg.bool('tls-cluster')) && caFile === '' && caDir === '') {
    throw new Error('Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!');
  }
  const ca = caCerts(caFile, caDir);
  const range = protocolRange(cfg.get('tls-protocols'));
  const ciphers = cipherList(cfg.get('tls-ciphers'), cfg.get('tls-ciphersuites'));
  const dhFile = cfg.get('tls-dh-params-file');
  const common = {
    ...range,
    ciphers,
    ca: ca.length > 0 ? ca : undefined,
  };
  const serverOpts: tls.TlsOptions = {
    ...common,
    cert: readFile('certificate', certFile),
    key: readFile('private key', keyFile),
    passphrase: cfg.get('tls-key-file-pass') || undefined,
    dhparam: dhFile !== '' ? readFile('DH params', dhFile) : undefined,
    honorCipherOrder: cfg.bool('tls-prefer-server-ciphers'),
    sessionTimeout: cfg.num('tls-session-cache-timeout'),
    // Without session caching, no resumption by ticket either (Node keeps no server-side cache).
    secureOptions: cfg.bool('tls-session-caching') ? 0 : cryptoConstants.SSL_OP_NO_TICKET,
    requestCert: auth !== 'no',
    rejectUnauthorized: auth === 'yes',
  };
  const clientCert = cfg.get('tls-client-cert-file');
  const clientKey = cfg.get('tls-client-key-file');
  const clientOpts: tls.ConnectionOptions = {
    ...common,
    cert: clientCert !== '' ? readFile('client certificate', clientCert) : serverOpts.cert,
    key: clientKey !== '' ? readFile('client private key', clientKey) : serverOpts.key,
    passphrase: (clientKey !== '' ? cfg.get('tls-client-key-file-pass') : cfg.get('tls-key-file-pass')) || undefined,
    // Like Redis, the chain must verify against our CAs, but the name in it is not checked.
    checkServerIdentity: () => undefined,
  };
  // Creating the contexts is what loads and checks keys, passphrases, ciphers and DH parameters.
  try {
    tls.createSecureContext(serverOpts);
    tls.createSecureContext(clientOpts);
  } catch (err) {
    throw new Error(`Failed to configure TLS: ${(err as Error).message}`);
  }
  return { server: serverOpts, client: clientOpts, verifyOptional: auth === 'optional' };
}

/** Rebuild after a CONFIG SET; an error leaves the previous contexts in place and vetoes the change. */
function reconfigure(): string | undefined {
  if (!watching || !tlsInUse()) return undefined;
  try {
    current = buildOptions();
  } catch (err) {
    logger('tls').warn((err as Error).message);
    return TLS_UPDATE_FAILED;
  }
  for (const srv of tlsServers) applyTo(srv, current.server);
  for (const srv of busServers) applyTo(srv, busOptions(current));
  return undefined;
}

/** The bus always demands a verified certificate from its peer, whatever tls-auth-clients says. */
function busOptions(o: TlsOptions): tls.TlsOptions {
  return { ...o.server, requestCert: true, rejectUnauthorized: true };
}

/** A TLS listener for the cluster bus (tls-cluster yes); TLS must already be configured. */
export function createTlsBusServer(onConnection: (s: tls.TLSSocket) => void): tls.Server {
  const srv = tls.createServer(busOptions(current!), onConnection);
  srv.on('tlsClientError', (err, s) => {
    logger('tls').warn({ client: `${s.remoteAddress}:${s.remotePort}`, err: err.message }, 'Error accepting a cluster node connection');
    s.destroy();
  });
  busServers.push(srv);
  return srv;
}

/**
 * New connections get the new context. setSecureContext leaves the client-certificate policy as
 * the server was created with, so that is set on the server too (Node reads it per connection).
 */
function applyTo(srv: tls.Server, opts: tls.TlsOptions): void {
  srv.setSecureContext(opts);
  const policy = srv as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
  policy.requestCert = opts.requestCert === true;
  policy.rejectUnauthorized = opts.rejectUnauthorized === true;
}

/** Options for an outgoing TLS connection (replication), or null when TLS is not configured. */
export function tlsClientOptions(): tls.ConnectionOptions | null {
  return current?.client ?? null;
}

/**
 * With tls-auth-clients optional OpenSSL still refuses a certificate that does not verify; Node
 * only reports it, so such a peer is dropped here.
 */
function acceptable(socket: tls.TLSSocket): boolean {
  if (socket.authorized || current === null || !current.verifyOptional) return true;
  const peer = socket.getPeerCertificate();
  return peer === null || Object.keys(peer).length === 0;
}

function createTlsServer(onConnection: (s: tls.TLSSocket) => void): tls.Server {
  const srv = tls.createServer(current!.server, (s) => {
    if (acceptable(s)) onConnection(s);
    else s.destroy();
  });
  // A failed handshake (plain TCP, a bad certificate) is the peer's problem: log and drop it.
  srv.on('tlsClientError', (err, s) => {
    logger('tls').warn({ client: `${s.remoteAddress}:${s.remotePort}`, err: err.message }, 'Error accepting a client connection');
    s.destroy();
  });
  return srv;
}

/** TLS listeners on port at the targets, bound now; null (nothing bound, reason logged) on failure. */
function listenTls(port: number, targets: readonly BindTarget[]): tls.Server[] | null {
  const out = bindListeners(port, targets, server.config.num('tcp-backlog'), () => createTlsServer(acceptTls));
  return Array.isArray(out) ? out as tls.Server[] : null;
}

/** Where accepted TLS connections go (the listener's connection handler). */
let acceptTls: (s: tls.TLSSocket) => void = () => undefined;

/**
 * Configure TLS at start-up (throws, like Redis's "Failed to configure TLS", when it cannot be),
 * listen on tls-port, and follow CONFIG SET of every tls-* directive from then on. Returns the
 * number of TLS listeners.
 */
export function initTls(onConnection: (s: tls.TLSSocket) => void): number {
  const cfg = server.config;
  acceptTls = onConnection;
  if (tlsInUse()) {
    try {
      current = buildOptions();
    } catch (err) {
      logger('tls').error((err as Error).message);
      throw new Error(`Failed to configure TLS. Check logs for more info. (${(err as Error).message})`);
    }
  }
  const port = cfg.num('tls-port');
  if (port !== 0) {
    const servers = listenTls(port, bindTargets(cfg.get('bind')));
    if (servers === null) throw new Error(`Failed listening on port ${port} (TLS), aborting.`);
    tlsServers = servers;
  }
  boundPort = port;
  for (const name of CONTEXT_DIRECTIVES) cfg.watch(name, reconfigure);
  cfg.watch('tls-port', changePort);
  watching = true;
  return tlsServers.length;
}

/** The port the TLS listeners are bound to (0: none). */
let boundPort = 0;

/**
 * CONFIG SET tls-port: configure TLS if this turns it on, then move the listeners. A port that
 * cannot be bound is refused and the old listeners keep serving.
 */
function changePort(v: string): string | undefined {
  const port = Number(v);
  if (!watching || port === boundPort) return undefined;
  let servers: tls.Server[] = [];
  if (port !== 0) {
    try {
      current = buildOptions();
    } catch (err) {
      logger('tls').warn((err as Error).message);
      return TLS_UPDATE_FAILED;
    }
    const bound = listenTls(port, bindTargets(server.config.get('bind')));
    if (bound === null) return LISTEN_FAILED;
    servers = bound;
  }
  for (const srv of tlsServers) srv.close();
  tlsServers = servers;
  boundPort = port;
  return undefined;
}

/**
 * CONFIG SET bind: the TLS listeners (if any) close and bind at the new addresses. False, with
 * none left bound, when that fails (the caller then binds the old addresses again).
 */
export function rebindTls(targets: readonly BindTarget[]): boolean {
  closeTlsListeners();
  if (boundPort === 0) return true;
  const servers = listenTls(boundPort, targets);
  if (servers === null) return false;
  tlsServers = servers;
  return true;
}

export function closeTlsListeners(): void {
  for (const srv of tlsServers) srv.close();
  tlsServers = [];
}
