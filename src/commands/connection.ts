// Connection commands: PING ECHO QUIT SELECT (HELLO AUTH RESET CLIENT ... join here).

import { ERR } from '../errors.js';
import { parseInt64 } from '../protocol/format.js';
import { PONG } from '../protocol/reply.js';
import { CLIENT_CLOSE_AFTER_REPLY, CLIENT_PUBSUB } from '../server/client.js';
import { server } from '../server/state.js';
import { REDIS_VERSION } from '../version.js';
import type { CommandDef } from './spec.js';

export const commands: CommandDef[] = [
  {
    name: 'ping', arity: -1, flags: 'fast sentinel', acl: 'connection',
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
    name: 'echo', arity: 2, flags: 'fast', acl: 'connection',
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
      if (n === null || typeof n === 'bigint' || n < -2147483648 || n > 2147483647) {
        c.reply.error(ERR.notInteger);
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
    name: 'hello', arity: -1, flags: 'noscript loading stale fast no_auth sentinel', acl: 'connection',
    group: 'connection', since: '6.0.0', summary: 'Handshakes with the Redis server.', complexity: 'O(1)',
    handler(c, argv) {
      let proto: 2 | 3 = c.resp;
      if (argv.length >= 2) {
        const v = parseInt64(argv[1]);
        if (v === null || typeof v === 'bigint') {
          c.reply.error('ERR Protocol version is not an integer or out of range');
          return;
        }
        if (v !== 2 && v !== 3) {
          c.reply.error(ERR.noProto);
          return;
        }
        proto = v;
      }
      let setName: string | null = null;
      for (let i = 2; i < argv.length; i++) {
        const opt = argv[i].toLowerCase();
        const more = argv.length - i - 1;
        if (opt === 'auth' && more >= 2) {
          // Only the default user exists until ACLs land: it authenticates with requirepass.
          const user = argv[i + 1];
          const pass = argv[i + 2];
          i += 2;
          if (user !== 'default' || (server.requirePass !== '' && pass !== server.requirePass)) {
            c.reply.error(ERR.wrongPass);
            return;
          }
          c.authenticated = true;
        } else if (opt === 'setname' && more >= 1) {
          setName = argv[++i];
        } else {
          c.reply.error(`ERR Syntax error in HELLO option '${argv[i]}'`);
          return;
        }
      }
      if (c.authRequired) {
        c.reply.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
        return;
      }
      if (setName !== null) {
        if (!validClientName(setName)) {
          c.reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
          return;
        }
        c.name = setName;
      }
      c.reply.resp = proto;
      c.reply.map(7);
      c.reply.bulk('server');
      c.reply.bulk('redis');
      c.reply.bulk('version');
      c.reply.bulk(REDIS_VERSION);
      c.reply.bulk('proto');
      c.reply.int(proto);
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
];

/** Redis allows client names of printable ASCII without spaces (33..126). */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}
