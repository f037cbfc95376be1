// Persistence commands: SAVE BGSAVE BGREWRITEAOF (LASTSAVE lives with the server commands).

import { ERR } from '../errors.js';
import { aofState, startRewrite } from '../persistence/aof.js';
import { activeChild, bgsaveInProgress, rdbStats, saveCommandSync, startBgsave } from '../persistence/save.js';
import { CLIENT_DENY_BLOCKING } from '../server/client.js';
import type { CommandDef } from './spec.js';


export const commands: CommandDef[] = [
  {
    name: 'save', arity: 1, flags: 'no_async_loading admin noscript no_multi',
    group: 'server', since: '1.0.0', summary: 'Writes the dataset to disk now, blocking the server until done.',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler(c) {
      if (bgsaveInProgress()) {
        c.reply.error(ERR.bgsaveInProgress);
        return;
      }
      if (saveCommandSync()) c.reply.ok();
      else c.reply.error(ERR.bare);
    },
  },
  {
    name: 'bgsave', arity: -1, flags: 'no_async_loading admin noscript',
    docs: { history: [['3.2.2', 'SCHEDULE option.']] },
    group: 'server', since: '1.0.0', summary: 'Writes a point-in-time copy of the dataset to disk in the background.',
    complexity: 'O(1)',
    handler(c, argv) {
      if (argv.length > 2 || (argv.length === 2 && argv[1].toLowerCase() !== 'schedule')) {
        c.reply.error(ERR.syntax);
        return;
      }
      const child = activeChild();
      if (child === 'rdb') {
        c.reply.error(ERR.bgsaveInProgress);
      } else if (child !== null || c.flags & CLIENT_DENY_BLOCKING) {
        // Inside EXEC Redis defers the save to its cron, with or without SCHEDULE.
        if (argv.length === 1 && !(c.flags & CLIENT_DENY_BLOCKING)) {
          c.reply.error(ERR.bgsaveChildActive);
          return;
        }
        rdbStats.bgsaveScheduled = true;
        c.reply.simple('Background saving scheduled');
      } else if (startBgsave()) {
        c.reply.simple('Background saving started');
      } else {
        c.reply.error(ERR.bare);
      }
    },
  },
  {
    name: 'bgrewriteaof', arity: 1, flags: 'no_async_loading admin noscript',
    group: 'server', since: '1.0.0', summary: 'Rewrites the append-only file as a compact base in the background.',
    complexity: 'O(1)',
    handler(c) {
      const child = activeChild();
      if (child === 'aof') {
        c.reply.error(ERR.aofRewriteInProgress);
      } else if (child !== null || c.flags & CLIENT_DENY_BLOCKING) {
        aofState.rewriteScheduled = true;
        aofState.consecutiveFailures = 0;
        c.reply.simple('Background append only file rewriting scheduled');
      } else if (startRewrite()) {
        c.reply.simple('Background append only file rewriting started');
      } else {
        c.reply.error(ERR.aofRewriteFailed);
      }
    },
  },
];
