// Generic key commands.

import { notifyKeyspaceEvent, NOTIFY_GENERIC } from '../keyspace/notify.js';
import { server } from '../server/state.js';
import type { CommandDef } from './spec.js';

export const commands: CommandDef[] = [
  {
    name: 'del', arity: -2, flags: 'write', acl: 'keyspace', keys: [1, -1, 1],
    group: 'generic', since: '1.0.0', summary: 'Deletes one or more keys.',
    complexity: 'O(N) where N is the number of keys that will be removed.',
    handler(c, argv) {
      let n = 0;
      const db = c.db;
      for (let i = 1; i < argv.length; i++) {
        if (db.lookupWrite(argv[i]) !== undefined && db.delete(argv[i])) {
          n++;
          notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', argv[i], db.id);
        }
      }
      server.dirty += n;
      c.reply.int(n);
    },
  },
  {
    name: 'exists', arity: -2, flags: 'readonly fast', acl: 'keyspace', keys: [1, -1, 1],
    group: 'generic', since: '1.0.0', summary: 'Counts how many of the given keys exist.',
    complexity: 'O(N) where N is the number of keys to check.',
    handler(c, argv) {
      let n = 0;
      for (let i = 1; i < argv.length; i++) if (c.db.has(argv[i])) n++;
      c.reply.int(n);
    },
  },
];
