// Server commands: DBSIZE FLUSHDB FLUSHALL (INFO CONFIG SLOWLOG LATENCY MEMORY DEBUG SHUTDOWN ... join here).

import { ERR } from '../errors.js';
import { signals } from '../keyspace/signals.js';
import type { Db } from '../keyspace/db.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import type { CommandDef } from './spec.js';

/** FLUSHDB/FLUSHALL accept an optional ASYNC or SYNC; both free memory synchronously here. */
function flushModeOk(c: Client, argv: string[]): boolean {
  if (argv.length === 1) return true;
  const m = argv[1].toLowerCase();
  if (argv.length === 2 && (m === 'async' || m === 'sync')) return true;
  c.reply.error(ERR.syntax);
  return false;
}

export function flushDb(db: Db): number {
  signals.flushed(db);
  return db.flush();
}

export const commands: CommandDef[] = [
  {
    name: 'dbsize', arity: 1, flags: 'readonly fast', acl: 'keyspace',
    group: 'server', since: '1.0.0', summary: 'Returns the number of keys in the database.', complexity: 'O(1)',
    handler(c) {
      c.reply.int(c.db.size);
    },
  },
  {
    name: 'flushdb', arity: -1, flags: 'write', acl: 'keyspace dangerous',
    group: 'server', since: '1.0.0', summary: 'Removes all keys from the current database.',
    complexity: 'O(N) where N is the number of keys in the selected database',
    handler(c, argv) {
      if (!flushModeOk(c, argv)) return;
      server.dirty += flushDb(c.db) + 1;
      c.reply.ok();
    },
  },
  {
    name: 'flushall', arity: -1, flags: 'write', acl: 'keyspace dangerous',
    group: 'server', since: '1.0.0', summary: 'Removes all keys from all databases.',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler(c, argv) {
      if (!flushModeOk(c, argv)) return;
      let n = 0;
      for (const db of server.dbs) n += flushDb(db);
      server.dirty += n + 1;
      c.reply.ok();
    },
  },
];
