// Binding TCP listeners synchronously. CONFIG SET port / bind / tls-port must answer at once whether
// the new addresses could be bound (Redis refuses the change and keeps serving where it was), but
// net.Server#listen resolves the host and reports a bind error a tick later. libuv's TCP handle
// (Node's tcp_wrap binding, still reachable through process.binding) binds and listens with error
// codes returned on the spot; the net.Server then adopts the listening handle.

import * as fs from 'node:fs';
import { isIPv4, type Server } from 'node:net';
import { getSystemErrorMap, getSystemErrorName } from 'node:util';
import { logger } from '../log.js';

interface TcpHandle {
  bind(addr: string, port: number): number;
  bind6(addr: string, port: number, flags: number): number;
  listen(backlog: number): number;
  close(): void;
}

interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  constants: { SERVER: number; UV_TCP_IPV6ONLY: number };
}

const tcpWrap = (process as unknown as { binding(name: string): unknown }).binding('tcp_wrap') as TcpWrap;

/** Like Redis's listenToPort: an address family or protocol the system lacks is skipped, never fatal. */
const UNSUPPORTED = new Set(['ENOPROTOOPT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT', 'EPFNOSUPPORT', 'EAFNOSUPPORT']);
/** getaddrinfo's "no such name", for a bind address that is neither an IP literal nor in /etc/hosts. */
const NO_SUCH_NAME = 'Name or service not known';

export interface BindTarget {
  /** The address as configured, without the optional mark; Redis's '*' and '::*' as 0.0.0.0 and ::. */
  host: string;
  /** Given with a leading '-': skipped when the system does not have that address. */
  optional: boolean;
}

/**
 * The addresses of a `bind` value. Like Redis's CONFIG SET, words are separated by single spaces
 * (an empty word is an address that cannot be bound) and a lone empty value means none.
 */
export function bindTargets(bind: string): BindTarget[] {
  if (bind === '') return [];
  return bind.split(' ').map((a) => {
    const optional = a.startsWith('-');
    const host = optional ? a.slice(1) : a;
    return { host: host === '*' ? '0.0.0.0' : host === '::*' ? '::' : host, optional };
  });
}

/** The IP to bind for a configured address, or null when it does not resolve (IPv6 when it has a ':', as Redis decides). */
function resolve(host: string, v6: boolean): string | null {
  // An IPv6 text that does not parse is refused by bind6 itself.
  return v6 || isIPv4(host) ? host : hostsFileAddress(host);
}

/** getaddrinfo answers local names from /etc/hosts; bind addresses are local, so that is where to look. */
function hostsFileAddress(name: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync('/etc/hosts', 'latin1');
  } catch {
    return null;
  }
  const lname = name.toLowerCase();
  for (const line of text.split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    if (words.length < 2 || !isIPv4(words[0])) continue;
    for (let k = 1; k < words.length; k++) if (words[k].toLowerCase() === lname) return words[0];
  }
  return null;
}

function errorText(code: number): string {
  const msg = getSystemErrorMap().get(code)?.[1] ?? `error ${code}`;
  return msg.charAt(0).toUpperCase() + msg.slice(1);
}

/**
 * Listen on `port` at every target, now. On failure nothing stays bound and the reason (Redis's log
 * line) is returned instead; like Redis, an optional address the system does not have and an
 * unsupported address family are skipped.
 */
export function bindListeners(
  port: number, targets: readonly BindTarget[], backlog: number, create: () => Server,
): Server[] | { error: string } {
  const out: Server[] = [];
  for (const { host, optional } of targets) {
    const v6 = host.includes(':');
    const ip = resolve(host, v6);
    let reason: string | null = null;
    let code = 0;
    if (ip === null) {
      reason = NO_SUCH_NAME;
    } else {
      const h = new tcpWrap.TCP(tcpWrap.constants.SERVER);
      // Redis's IPv6 listeners are IPv6-only, so `* ::*` binds both families on one port.
      code = v6 ? h.bind6(ip, port, tcpWrap.constants.UV_TCP_IPV6ONLY) : h.bind(ip, port);
      if (code === 0) code = h.listen(backlog);
      if (code === 0) {
        const srv = create();
        srv.listen(h, backlog);
        out.push(srv);
        continue;
      }
      h.close();
      reason = `bind: ${errorText(code)}`;
    }
    const error = `Could not create server TCP listening socket ${host}:${port}: ${reason}`;
    logger('network').warn(`Warning: ${error}`);
    const name = code === 0 ? '' : getSystemErrorName(code);
    if ((optional && name === 'EADDRNOTAVAIL') || UNSUPPORTED.has(name)) continue;
    for (const s of out) s.close();
    return { error };
  }
  return out;
}
