// Connection commands: PING ECHO QUIT SELECT HELLO AUTH RESET MONITOR and the CLIENT container.

import { clientCaching, clientGetredir, disableTracking, clientTracking, clientTrackinginfo, trackingListFlags, trackingRedirect } from '../server/tracking.js';
import { authenticate } from '../acl/check.js';
import { defaultUser, getUser } from '../acl/users.js';
import { ERR } from '../errors.js';
import { parseInt64 } from '../protocol/format.js';
import { PONG } from '../protocol/reply.js';
import {
  CLIENT_ASKING,
  CLIENT_BLOCKED,
  CLIENT_CLOSE_AFTER_REPLY,
  CLIENT_DENY_BLOCKING,
  CLIENT_DIRTY_CAS,
  CLIENT_MASTER,
  CLIENT_MONITOR,
  CLIENT_MULTI,
  CLIENT_NO_EVICT,
  CLIENT_NO_TOUCH,
  CLIENT_PUBSUB,
  CLIENT_READONLY,
  CLIENT_REPLY_OFF,
  CLIENT_REPLY_SKIP_NEXT,
  CLIENT_SLAVE,
  type Client,
} from '../server/client.js';
import { unblockClient } from '../server/blocking.js';
import { PAUSE_ALL, PAUSE_WRITE, pauseClients, unpauseClients } from '../server/pause.js';
import { resetPubSub } from '../server/pubsub.js';
import { server } from '../server/state.js';
import { REDIS_VERSION } from '../version.js';
import { replyHelp } from './help.js';
import { noContainerHandler, type CommandDef } from './spec.js';
import { discardTransaction } from './tx.js';

// Most CLIENT subcommands carry one of these flag sets in Redis 7.0.
const STD = 'noscript loading stale sentinel';
const ADMIN = 'admin noscript loading stale sentinel';

export const commands: CommandDef[] = [
  {
    name: 'ping', arity: -1, flags: 'fast sentinel', acl: 'connection',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    group: 'connection', since: '1.0.0', summary: 'Returns the server\'s liveliness response.', complexity: 'O(1)',
    handler(c, argv) {
      if (argv.length > 2) {
        c.reply.error(ERR.wrongArity('ping'));
        return;
      }
      if (c.flags & CLIENT_PUBSUB && c.resp === 2) {
        // In subscribed mode RESP2 PING answers with a pong message array.
        c.reply.array(2);
        c.reply.bulk('pong');
        c.reply.bulk(argv.length === 2 ? argv[1] : '');
      } else if (argv.length === 2) {
        c.reply.bulk(argv[1]);
      } else {
        c.reply.raw(PONG);
      }
    },
  },
  {
    name: 'echo', arity: 2, flags: 'loading stale fast', acl: 'connection',
    group: 'connection', since: '1.0.0', summary: 'Returns the given string.', complexity: 'O(1)',
    handler(c, argv) {
      c.reply.bulk(argv[1]);
    },
  },
  {
    name: 'quit', arity: -1, flags: 'allow_busy noscript loading stale fast no_auth', acl: 'connection',
    group: 'connection', since: '1.0.0', summary: 'Closes the connection.', complexity: 'O(1)',
    handler(c) {
      c.reply.ok();
      c.flags |= CLIENT_CLOSE_AFTER_REPLY;
    },
  },
  {
    name: 'select', arity: 2, flags: 'loading stale fast', acl: 'connection',
    group: 'connection', since: '1.0.0', summary: 'Changes the selected database.', complexity: 'O(1)',
    handler(c, argv) {
      const n = parseInt64(argv[1]);
      if (n === null) {
        c.reply.error(ERR.notInteger);
        return;
      }
      // A valid 64-bit integer outside int range gets Redis's getIntFromObjectOrReply text.
      if (typeof n === 'bigint' || n < -2147483648 || n > 2147483647) {
        c.reply.error(ERR.rangeBetween(-2147483648, 2147483647));
        return;
      }
      if (n !== 0 && server.config.bool('cluster-enabled')) {
        c.reply.error(ERR.selectNotAllowedInCluster);
        return;
      }
      if (n < 0 || n >= server.dbs.length) {
        c.reply.error(ERR.dbIndexOutOfRange);
        return;
      }
      c.db = server.dbs[n];
      c.reply.ok();
    },
  },
  {
    name: 'hello', arity: -1, flags: 'noscript loading stale fast no_auth sentinel allow_busy', acl: 'connection',
    docs: { history: [['6.2.0', 'protover is optional; without arguments the reply describes the connection.']] },
    group: 'connection', since: '6.0.0', summary: 'Handshakes with the Redis server.', complexity: 'O(1)',
    handler(c, argv) {
      let proto = 0;
      if (argv.length >= 2) {
        const v = parseInt64(argv[1]);
        if (v === null) {
          c.reply.error(ERR.helloProtoNotInteger);
          return;
        }
        if (v !== 2 && v !== 3) {
          c.reply.error(ERR.noProto);
          return;
        }
        proto = Number(v);
      }
      // Options take effect as they are parsed, as in Redis: a later bad option does not undo them.
      for (let i = 2; i < argv.length; i++) {
        const opt = argv[i].toLowerCase();
        const more = argv.length - i - 1;
        if (opt === 'auth' && more >= 2) {
          c.redactArg(argv, i + 1);
          c.redactArg(argv, i + 2);
          if (!authenticate(c, argv[i + 1], argv[i + 2], argv)) {
            c.reply.error(ERR.wrongPass);
            return;
          }
          i += 2;
        } else if (opt === 'setname' && more >= 1) {
          if (!setClientName(c, argv[i + 1])) return;
          i++;
        } else {
          c.reply.error(ERR.helloOptionSyntax(argv[i]));
          return;
        }
      }
      if (!c.authenticated) {
        c.reply.error(ERR.helloNoAuth);
        return;
      }
      if (proto !== 0) c.reply.resp = proto as 2 | 3;
      c.reply.map(7);
      c.reply.bulk('server');
      c.reply.bulk('redis');
      c.reply.bulk('version');
      c.reply.bulk(REDIS_VERSION);
      c.reply.bulk('proto');
      c.reply.int(c.resp);
      c.reply.bulk('id');
      c.reply.int(c.id);
      c.reply.bulk('mode');
      c.reply.bulk('standalone');
      c.reply.bulk('role');
      c.reply.bulk('master');
      c.reply.bulk('modules');
      c.reply.array(0);
    },
  },
  {
    name: 'auth', arity: -2, flags: 'noscript loading stale fast no_auth sentinel allow_busy', acl: 'connection',
    docs: { history: [['6.0.0', 'Takes a username too, for ACL users.']] },
    group: 'connection', since: '1.0.0', summary: 'Authenticates the connection.',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    handler(c, argv) {
      if (argv.length > 3) {
        c.reply.error(ERR.syntax);
        return;
      }
      c.redactArg(argv, 1);
      let user = 'default';
      let pass: string;
      if (argv.length === 2) {
        if (defaultUser().nopass) {
          c.reply.error(ERR.authNoPassword);
          return;
        }
        pass = argv[1];
      } else {
        c.redactArg(argv, 2);
        user = argv[1];
        pass = argv[2];
      }
      if (!authenticate(c, user, pass, argv)) {
        c.reply.error(ERR.wrongPass);
        return;
      }
      c.reply.ok();
    },
  },
  {
    name: 'reset', arity: 1, flags: 'noscript loading stale fast no_auth allow_busy', acl: 'connection',
    group: 'connection', since: '6.2.0', summary: 'Returns the connection to its just-connected state.',
    complexity: 'O(1)',
    handler(c) {
      if (c.flags & (CLIENT_SLAVE | CLIENT_MASTER)) {
        c.reply.error(ERR.resetNotNormal);
        return;
      }
      resetClient(c);
      c.reply.simple('RESET');
    },
  },
  {
    name: 'monitor', arity: 1, flags: 'admin noscript loading stale',
    group: 'server', since: '1.0.0', summary: 'Streams every command the server runs, as it runs it.',
    complexity: 'O(1)',
    handler(c) {
      // Inside EXEC a client expects one reply per command.
      if (c.flags & CLIENT_DENY_BLOCKING) {
        c.reply.error(ERR.monitorDenyBlocking);
        return;
      }
      // Already monitoring (or a replica link): Redis ignores the command without a reply.
      if (c.flags & (CLIENT_MONITOR | CLIENT_SLAVE | CLIENT_MASTER)) return;
      c.flags |= CLIENT_MONITOR;
      server.monitors.add(c);
      c.reply.ok();
    },
  },
  {
    name: 'client', arity: -2, flags: 'sentinel',
    group: 'connection', since: '2.4.0', summary: 'Container of the commands about client connections.',
    complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      sub('id', 2, STD, '5.0.0', 'Returns the unique ID of the connection.', (c) => c.reply.int(c.id)),
      {
        ...sub('info', 2, STD, '6.2.0', 'Returns details about the connection.', (c, argv) => {
          c.reply.verbatim(clientInfo(c, c, argv) + '\n');
        }),
        tips: ['nondeterministic_output'],
      },
      {
        ...sub('list', -2, ADMIN, '2.4.0', 'Lists the open connections.', clientList, 'O(N) where N is the number of client connections'),
        tips: ['nondeterministic_output'],
        docs: {
          history: [
            ['2.8.12', 'id field.'], ['5.0.0', 'TYPE filter.'], ['6.0.0', 'user field.'],
            ['6.2.0', 'argv-mem, tot-mem, laddr and redir fields; ID filter.'], ['7.0.0', 'resp, multi-mem, rbs and rbp fields.'],
            ['7.0.3', 'ssub field.'],
          ],
        },
      },
      {
        ...sub('kill', -3, ADMIN, '2.4.0', 'Closes the connections that match the given filters.', clientKill,
          'O(N) where N is the number of client connections'),
        docs: {
          history: [
            ['2.8.12', 'Filters as name-value pairs.'], ['2.8.12', 'ID filter.'], ['3.2.0', 'master as a TYPE.'],
            ['5.0.0', 'replica as a TYPE, slave still accepted.'], ['6.2.0', 'LADDR filter.'],
          ],
        },
      },
      sub('setname', 3, STD, '2.6.9', 'Names the connection.', (c, argv) => {
        if (setClientName(c, argv[2])) c.reply.ok();
      }),
      sub('getname', 2, STD, '2.6.9', 'Returns the name of the connection.', (c) => {
        c.reply.bulkOrNull(c.name === '' ? null : c.name);
      }),
      sub('setinfo', 4, STD, '7.2.0', 'Records the client library name or version of the connection.', clientSetinfo),
      sub('reply', 3, STD, '3.2.0', 'Turns the replies to this connection on, off, or off for one command.', clientReply),
      {
        ...sub('pause', -3, ADMIN, '2.9.50', 'Holds commands from all clients, or only writes, for a while.', clientPause),
        docs: { history: [['6.2.0', 'WRITE mode, chosen by the mode argument.']] },
      },
      sub('unpause', 2, ADMIN, '6.2.0', 'Ends a CLIENT PAUSE now.', (c) => {
        unpauseClients();
        c.reply.ok();
      }, 'O(N) Where N is the number of paused clients'),
      sub('no-evict', 3, ADMIN, '7.0.0', 'Exempts the connection from client eviction.', (c, argv) => {
        onOffFlag(c, argv[2], CLIENT_NO_EVICT);
      }),
      sub('no-touch', 3, 'noscript loading stale', '7.2.0', 'Keeps commands of the connection from updating key access times.', (c, argv) => {
        onOffFlag(c, argv[2], CLIENT_NO_TOUCH);
      }),
      sub('getredir', 2, STD, '6.0.0', 'Returns the client ID tracking notifications are redirected to.', clientGetredir),
      sub('trackinginfo', 2, STD, '6.2.0', 'Returns the client-side caching state of the connection.', clientTrackinginfo),
      sub('caching', 3, STD, '6.0.0', 'Tells whether the next command\'s keys are tracked (OPTIN/OPTOUT).', clientCaching),
      sub('tracking', -3, 'noscript loading stale', '6.0.0', 'Turns client-side caching invalidation messages on or off for the connection.',
        clientTracking, 'O(1). Some options may introduce additional complexity.'),
      sub('unblock', -3, ADMIN, '5.0.0', 'Wakes a client blocked in a blocking command.', clientUnblock,
        'O(log N) where N is the number of client connections'),
      sub('help', 2, 'loading stale sentinel', '5.0.0', 'Describes the CLIENT subcommands.', (c) => {
        replyHelp(c, 'CLIENT', CLIENT_HELP);
      }),
    ],
  },
];

/** A CLIENT subcommand (all are in the connection ACL category). */
function sub(
  name: string, arity: number, flags: string, since: string, summary: string,
  handler: (c: Client, argv: string[]) => void, complexity = 'O(1)',
): CommandDef {
  return { name, arity, flags, acl: 'connection', group: 'connection', since, summary, complexity, handler };
}

const CLIENT_HELP = [
  'CACHING (YES|NO)',
  '    Say whether the next command\'s keys are tracked (tracking in OPTIN/OPTOUT mode).',
  'GETREDIR',
  '    The client ID tracking messages are redirected to, -1 if none.',
  'GETNAME',
  '    The name of this connection.',
  'ID',
  '    The ID of this connection.',
  'INFO',
  '    Details about this connection, in the CLIENT LIST format.',
  'KILL <ip:port>',
  '    Close the connection from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Close every connection matching all the filters:',
  '    * ID <client-id>',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      The peer address of the connection.',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      The local address the connection was made to.',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '    * USER <username>',
  '    * MAXAGE <seconds>',
  '      Connections at least this old.',
  '    * SKIPME (YES|NO)',
  '      Leave the calling connection alone (default: yes).',
  'LIST [options ...]',
  '    Details about connections, one per line. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '    * ID <client-id> [<client-id> ...]',
  'UNPAUSE',
  '    End a CLIENT PAUSE now.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Hold commands of all clients (ALL, the default) or only writes for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Turn replies to this connection on, off, or off for the next command only.',
  'SETNAME <name>',
  '    Name this connection.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Record the client library name or version.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Turn client-side caching invalidation messages on or off for this connection.',
  'TRACKINGINFO',
  '    The client-side caching state of this connection.',
  'NO-EVICT (ON|OFF)',
  '    Exempt this connection from client eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Keep this connection\'s commands from updating key access times.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Wake a client blocked in a blocking command, as if it timed out, or with an error.',
];

function setClientName(c: Client, name: string): boolean {
  if (!validClientName(name)) {
    c.reply.error(ERR.clientNameChars);
    return false;
  }
  c.name = name;
  return true;
}

/** RESET: back to a just-connected client (Redis's clearClientConnectionState). */
function resetClient(c: Client): void {
  if (c.flags & CLIENT_MONITOR) server.monitors.delete(c);
  // The dispatcher silenced this command under REPLY OFF; RESET's own reply is sent (a SKIP still applies).
  if (c.flags & CLIENT_REPLY_OFF) c.reply.enabled = true;
  c.db = server.dbs[0];
  c.reply.resp = 2;
  c.user = 'default';
  c.authenticated = !server.defaultAuthRequired;
  c.name = '';
  discardTransaction(c);
  resetPubSub(c);
  disableTracking(c);
  c.flags &= ~(CLIENT_MONITOR | CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT | CLIENT_NO_TOUCH | CLIENT_ASKING | CLIENT_READONLY);
}

function onOffFlag(c: Client, arg: string, flag: number): void {
  const v = arg.toLowerCase();
  if (v === 'on') c.flags |= flag;
  else if (v === 'off') c.flags &= ~flag;
  else {
    c.reply.error(ERR.syntax);
    return;
  }
  c.reply.ok();
}

function clientSetinfo(c: Client, argv: string[]): void {
  const attr = argv[2].toLowerCase();
  if (attr !== 'lib-name' && attr !== 'lib-ver') {
    c.reply.error(ERR.clientSetinfoOption(argv[2]));
    return;
  }
  if (!validClientName(argv[3])) {
    c.reply.error(ERR.clientSetinfoChars(argv[2]));
    return;
  }
  if (attr === 'lib-name') c.libName = argv[3];
  else c.libVer = argv[3];
  c.reply.ok();
}

function clientReply(c: Client, argv: string[]): void {
  const mode = argv[2].toLowerCase();
  if (mode === 'on') {
    c.flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT);
    // The dispatcher silenced this very command while replies were off; ON is acknowledged.
    c.reply.enabled = true;
    c.reply.ok();
  } else if (mode === 'off') {
    c.flags |= CLIENT_REPLY_OFF;
  } else if (mode === 'skip') {
    if ((c.flags & CLIENT_REPLY_OFF) === 0) c.flags |= CLIENT_REPLY_SKIP_NEXT;
  } else {
    c.reply.error(ERR.syntax);
  }
}

function clientUnblock(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    c.reply.error(ERR.subcommandSyntax(argv[1], 'CLIENT'));
    return;
  }
  let withError = false;
  if (argv.length === 4) {
    const how = argv[3].toLowerCase();
    if (how === 'error') withError = true;
    else if (how !== 'timeout') {
      c.reply.error(ERR.clientUnblockReason);
      return;
    }
  }
  const id = parseInt64(argv[2]);
  if (id === null) {
    c.reply.error(ERR.notInteger);
    return;
  }
  // Only clients blocked on keys: a command CLIENT PAUSE holds is not woken.
  const target = typeof id === 'number' ? server.clients.get(id) : undefined;
  c.reply.int(target !== undefined && unblockClient(target, withError) ? 1 : 0);
}

function clientPause(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    c.reply.error(ERR.subcommandSyntax(argv[1], 'CLIENT'));
    return;
  }
  let type = PAUSE_ALL;
  if (argv.length === 4) {
    const mode = argv[3].toLowerCase();
    if (mode === 'write') type = PAUSE_WRITE;
    else if (mode !== 'all') {
      c.reply.error(ERR.clientPauseMode);
      return;
    }
  }
  const v = parseInt64(argv[2]);
  if (v === null) {
    c.reply.error(ERR.blockTimeoutNotInteger);
    return;
  }
  const ms = Number(v);
  if (ms < 0) {
    c.reply.error(ERR.timeoutNegative);
    return;
  }
  // A zero timeout ends at once: it can only make a running pause stricter, never start one.
  pauseClients(ms > 0 ? Date.now() + ms : 0, type);
  c.reply.ok();
}

// Client types, as CLIENT LIST/KILL TYPE name them.
const TYPE_NORMAL = 0;
const TYPE_REPLICA = 1;
const TYPE_PUBSUB = 2;
const TYPE_MASTER = 3;

function clientTypeByName(name: string): number {
  switch (name.toLowerCase()) {
    case 'normal': return TYPE_NORMAL;
    case 'slave': case 'replica': return TYPE_REPLICA;
    case 'pubsub': return TYPE_PUBSUB;
    case 'master': return TYPE_MASTER;
    default: return -1;
  }
}

/** MONITOR clients count as normal, as in Redis. */
function clientType(c: Client): number {
  if (c.flags & CLIENT_MASTER) return TYPE_MASTER;
  if (c.flags & CLIENT_SLAVE) return TYPE_REPLICA;
  if (c.flags & CLIENT_PUBSUB) return TYPE_PUBSUB;
  return TYPE_NORMAL;
}

function argvBytes(argv: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < argv.length; i++) n += argv[i].length;
  return n;
}

/**
 * One CLIENT LIST line, fields as in Redis 7.0. Memory fields are what Shoal holds for the
 * connection: unparsed input, the command's arguments, queued MULTI commands (arguments plus a
 * pointer per argument, as Redis counts them), the reply buffer and what the socket still has to send.
 */
export function clientInfo(cl: Client, self: Client, selfArgv: string[]): string {
  let flags = '';
  if (cl.flags & CLIENT_MONITOR) flags += 'O';
  else if (cl.flags & CLIENT_SLAVE) flags += 'S';
  if (cl.flags & CLIENT_MASTER) flags += 'M';
  if (cl.flags & CLIENT_PUBSUB) flags += 'P';
  if (cl.flags & CLIENT_MULTI) flags += 'x';
  if (cl.flags & CLIENT_BLOCKED) flags += 'b';
  if (cl.tracking !== null) flags += trackingListFlags(cl);
  if (cl.flags & CLIENT_DIRTY_CAS) flags += 'd';
  if (cl.flags & CLIENT_CLOSE_AFTER_REPLY) flags += 'c';
  if (cl.flags & CLIENT_NO_EVICT) flags += 'e';
  if (cl.flags & CLIENT_NO_TOUCH) flags += 'T';
  if (flags === '') flags = 'N';
  const now = Math.floor(Date.now() / 1000);
  const inMulti = (cl.flags & CLIENT_MULTI) !== 0 && cl.multiQueue !== null;
  let multiMem = 0;
  if (inMulti) {
    for (const q of cl.multiQueue!) multiMem += argvBytes(q.argv) + 8 * q.argv.length;
  }
  const argv = cl === self ? selfArgv : cl.postponedArgv;
  const argvMem = argv === null ? 0 : argvBytes(argv);
  const qbuf = cl === self ? cl.parser.readBytes : cl.parser.pending;
  const rbs = cl.reply.buf.length;
  const omem = cl.socket === null ? 0 : cl.socket.writableLength;
  return `id=${cl.id} addr=${cl.addr} laddr=${cl.laddr} fd=${cl.fd} name=${cl.name}` +
    ` age=${now - Math.floor(cl.createdAt / 1000)} idle=${now - Math.floor(cl.lastInteraction / 1000)}` +
    ` flags=${flags} db=${cl.db.id} sub=${cl.channels?.size ?? 0} psub=${cl.patterns?.size ?? 0}` +
    ` ssub=${cl.shardChannels?.size ?? 0} multi=${inMulti ? cl.multiQueue!.length : -1}` +
    ` qbuf=${qbuf} qbuf-free=0 argv-mem=${argvMem} multi-mem=${multiMem} rbs=${rbs} rbp=${cl.replyPeak}` +
    ` obl=${cl.reply.len} oll=0 omem=${omem} tot-mem=${qbuf + argvMem + multiMem + rbs + omem}` +
    ` events=r${omem > 0 ? 'w' : ''} cmd=${cl.lastCommand} user=${cl.user} redir=${trackingRedirect(cl)} resp=${cl.resp}`;
}

function clientList(c: Client, argv: string[]): void {
  let type = -1;
  let out = '';
  if (argv.length === 4 && argv[2].toLowerCase() === 'type') {
    type = clientTypeByName(argv[3]);
    if (type < 0) {
      c.reply.error(ERR.clientUnknownType(argv[3]));
      return;
    }
  } else if (argv.length > 3 && argv[2].toLowerCase() === 'id') {
    for (let i = 3; i < argv.length; i++) {
      const id = parseInt64(argv[i]);
      if (id === null) {
        c.reply.error(ERR.clientInvalidId);
        return;
      }
      const cl = typeof id === 'number' ? server.clients.get(id) : undefined;
      if (cl !== undefined) out += clientInfo(cl, c, argv) + '\n';
    }
    c.reply.verbatim(out);
    return;
  } else if (argv.length !== 2) {
    c.reply.error(ERR.syntax);
    return;
  }
  for (const cl of server.clients.values()) {
    if (type < 0 || clientType(cl) === type) out += clientInfo(cl, c, argv) + '\n';
  }
  c.reply.verbatim(out);
}

function clientKill(c: Client, argv: string[]): void {
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let type = -1;
  let id = 0;
  let maxAge = 0;
  let skipMe = true;
  if (argv.length === 3) {
    // The old form names one address, and may name the caller's own.
    addr = argv[2];
    skipMe = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      if (i + 1 >= argv.length) {
        c.reply.error(ERR.syntax);
        return;
      }
      const val = argv[i + 1];
      if (opt === 'id') {
        const v = parseInt64(val);
        if (v === null || v < 1) {
          c.reply.error(ERR.clientIdNotPositive);
          return;
        }
        id = Number(v);
      } else if (opt === 'maxage') {
        const v = parseInt64(val);
        if (v === null) {
          c.reply.error(ERR.clientMaxageNotInteger);
          return;
        }
        if (v <= 0) {
          c.reply.error(ERR.clientMaxageNotPositive);
          return;
        }
        maxAge = Number(v);
      } else if (opt === 'type') {
        type = clientTypeByName(val);
        if (type < 0) {
          c.reply.error(ERR.clientUnknownType(val));
          return;
        }
      } else if (opt === 'addr') {
        addr = val;
      } else if (opt === 'laddr') {
        laddr = val;
      } else if (opt === 'user') {
        if (getUser(val) === undefined) {
          c.reply.error(ERR.clientNoSuchUser(val));
          return;
        }
        user = val;
      } else if (opt === 'skipme') {
        const v = val.toLowerCase();
        if (v === 'yes') skipMe = true;
        else if (v === 'no') skipMe = false;
        else {
          c.reply.error(ERR.syntax);
          return;
        }
      } else {
        c.reply.error(ERR.syntax);
        return;
      }
    }
  }
  const now = Math.floor(Date.now() / 1000);
  let killed = 0;
  let closeSelf = false;
  for (const cl of server.clients.values()) {
    if (addr !== null && cl.addr !== addr) continue;
    if (laddr !== null && cl.laddr !== laddr) continue;
    if (type >= 0 && clientType(cl) !== type) continue;
    if (id !== 0 && cl.id !== id) continue;
    if (user !== null && cl.user !== user) continue;
    if (maxAge !== 0 && now - Math.floor(cl.createdAt / 1000) < maxAge) continue;
    if (cl === c && skipMe) continue;
    if (cl === c) closeSelf = true;
    else cl.close();
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) c.reply.error(ERR.clientNoSuchClient);
    else c.reply.ok();
  } else {
    c.reply.int(killed);
  }
  // Only after the reply is queued: the caller gets it before its connection closes.
  if (closeSelf) c.flags |= CLIENT_CLOSE_AFTER_REPLY;
}

/** Redis allows client names of printable ASCII without spaces (33..126). */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}
