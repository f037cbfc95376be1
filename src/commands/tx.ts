// Transactions: MULTI EXEC DISCARD WATCH UNWATCH. The dispatcher queues commands while
// CLIENT_MULTI is set and flags CLIENT_DIRTY_EXEC when one is rejected; EXEC runs the queue.

import { ERR } from '../errors.js';
import {
  CLIENT_DENY_BLOCKING,
  CLIENT_DIRTY_CAS,
  CLIENT_DIRTY_EXEC,
  CLIENT_MULTI,
  type Client,
} from '../server/client.js';
import { call } from '../server/dispatch.js';
import { aclGuard } from '../acl/check.js';
import { beginAtomic, endAtomic } from '../server/propagate.js';
import { unwatchAll, watchedKeyExpired, watchKey } from '../server/watch.js';
import type { CommandDef } from './spec.js';

/** Leave MULTI state: drop the queue and every WATCH (DISCARD, EXEC, RESET). */
export function discardTransaction(c: Client): void {
  c.multiQueue = null;
  c.flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
  unwatchAll(c);
}

function exec(c: Client): void {
  if ((c.flags & CLIENT_MULTI) === 0) {
    c.reply.error(ERR.execWithoutMulti);
    return;
  }
  if (watchedKeyExpired(c)) c.flags |= CLIENT_DIRTY_CAS;
  if (c.flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC)) {
    if (c.flags & CLIENT_DIRTY_EXEC) c.reply.error(ERR.execAbort);
    else c.reply.nullArray();
    discardTransaction(c);
    return;
  }
  const queue = c.multiQueue!;
  // Nothing the queue does can fail this EXEC any more.
  unwatchAll(c);
  const denied = c.flags & CLIENT_DENY_BLOCKING;
  c.flags |= CLIENT_DENY_BLOCKING;
  beginAtomic();
  try {
    c.reply.array(queue.length);
    for (let i = 0; i < queue.length; i++) {
      // Permissions may have changed since the command was queued.
      const denied = aclGuard(c, queue[i].cmd, queue[i].argv, true);
      if (denied !== null) c.reply.error(denied);
      else call(c, queue[i].cmd, queue[i].argv);
    }
  } finally {
    // Even if a handler throws, later writes must not stay held back in this unit.
    endAtomic();
    if (!denied) c.flags &= ~CLIENT_DENY_BLOCKING;
    discardTransaction(c);
  }
}

export const commands: CommandDef[] = [
  {
    name: 'multi', arity: 1, flags: 'noscript loading stale fast allow_busy', acl: 'transaction',
    group: 'transactions', since: '1.2.0', summary: 'Starts a transaction: later commands are queued until EXEC.',
    complexity: 'O(1)',
    handler(c) {
      if (c.flags & CLIENT_MULTI) {
        c.reply.error(ERR.multiNested);
        return;
      }
      c.flags |= CLIENT_MULTI;
      c.multiQueue = [];
      c.reply.ok();
    },
  },
  {
    name: 'exec', arity: 1, flags: 'noscript loading stale skip_slowlog', acl: 'transaction',
    group: 'transactions', since: '1.2.0',
    summary: 'Runs every queued command of the transaction, unless a watched key changed.',
    complexity: 'Depends on the queued commands',
    handler: exec,
  },
  {
    name: 'discard', arity: 1, flags: 'noscript loading stale fast allow_busy', acl: 'transaction',
    group: 'transactions', since: '2.0.0', summary: 'Drops the queued commands of the transaction.',
    complexity: 'O(N), when N is the number of queued commands',
    handler(c) {
      if ((c.flags & CLIENT_MULTI) === 0) {
        c.reply.error(ERR.discardWithoutMulti);
        return;
      }
      discardTransaction(c);
      c.reply.ok();
    },
  },
  {
    name: 'watch', arity: -2, flags: 'noscript loading stale fast allow_busy', acl: 'transaction', keys: [1, -1, 1],
    keySpecFlags: ['RO'],
    group: 'transactions', since: '2.2.0', summary: 'Makes the next EXEC fail if any of these keys changes first.',
    complexity: 'O(1) for every key.',
    handler(c, argv) {
      if (c.flags & CLIENT_MULTI) {
        c.reply.error(ERR.watchInMulti);
        return;
      }
      // Already dirty: EXEC fails anyway, no point in watching more.
      if ((c.flags & CLIENT_DIRTY_CAS) === 0) for (let i = 1; i < argv.length; i++) watchKey(c, c.db, argv[i]);
      c.reply.ok();
    },
  },
  {
    name: 'unwatch', arity: 1, flags: 'noscript loading stale fast allow_busy', acl: 'transaction',
    group: 'transactions', since: '2.2.0', summary: 'Forgets every key watched by this connection.',
    complexity: 'O(N)',
    handler(c) {
      unwatchAll(c);
      c.flags &= ~CLIENT_DIRTY_CAS;
      c.reply.ok();
    },
  },
];
