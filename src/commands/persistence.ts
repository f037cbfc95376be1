// Persistence commands: SAVE BGSAVE LASTSAVE (BGREWRITEAOF joins here with the AOF).

import { ERR } from '../errors.js';
import { bgsaveInProgress, rdbStats, saveCommandSync, startBgsave } from '../persistence/save.js';
import { CLIENT_DENY_BLOCKING } from '../server/client.js';
import { server } from '../server/state.js';
import type { CommandDef } from './spec.js';

const IN_PROGRESS = 'ERR Background save already in progress';

export const commands: CommandDef[] = [
  {
    name: 'save', arity: 1, flags: 'no_async_loading admin noscript no_multi',
    group: 'server', since: '1.0.0', summary: 'Writes the dataset to disk now, blocking the server until done.',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler(c) {
      if (bgsaveInProgress()) {
        c.reply.error(IN_PROGRESS);
        return;
      }
      if (saveCommandSync()) c.reply.ok();
      else c.reply.error('ERR');
    },
  },
  {
    name: 'bgsave', arity: -1, flags: 'no_async_loading admin noscript',
    group: 'server', since: '1.0.0', summary: 'Writes a point-in-time copy of the dataset to disk in the background.',
    complexity: 'O(1)',
    handler(c, argv) {
      // SCHEDULE only changes anything while another child (AOF rewrite) runs; there is none yet.
      if (argv.length > 2 || (argv.length === 2 && argv[1].toLowerCase() !== 'schedule')) {
        c.reply.error(ERR.syntax);
        return;
      }
      if (bgsaveInProgress()) {
        c.reply.error(IN_PROGRESS);
      } else if (c.flags & CLIENT_DENY_BLOCKING) {
        // Inside EXEC Redis defers the save to its cron, with or without SCHEDULE.
        rdbStats.bgsaveScheduled = true;
        c.reply.simple('Background saving scheduled');
      } else if (startBgsave()) {
        c.reply.simple('Background saving started');
      } else {
        c.reply.error('ERR');
      }
    },
  },
  {
    name: 'lastsave', arity: 1, flags: 'loading stale fast', acl: 'admin dangerous',
    group: 'server', since: '1.0.0', summary: 'Returns the Unix time of the last successful save to disk.',
    complexity: 'O(1)', tips: ['nondeterministic_output'],
    handler(c) {
      c.reply.int(server.lastSave);
    },
  },
];
