// FAILOVER: a coordinated hand-over of the primary role to one of our replicas (see
// src/replication/failover.ts for the states).

import { ERR } from '../errors.js';
import { parseInt64 } from '../protocol/format.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import { abortFailover, failover, findReplica, NO_FAILOVER, startFailover } from '../replication/failover.js';
import { stream } from '../replication/primary.js';
import type { CommandDef } from './spec.js';

/** Redis reads numbers here as a C long: anything else, or out of range, is "not an integer". */
function longArg(c: Client, s: string): number | null {
  const n = parseInt64(s);
  if (typeof n !== 'number') {
    c.reply.error(ERR.notInteger);
    return null;
  }
  return n;
}

function failoverCommand(c: Client, argv: string[]): void {
  if (server.config.bool('cluster-enabled')) {
    c.reply.error(ERR.failoverInCluster);
    return;
  }
  if (argv.length === 2 && argv[1].toLowerCase() === 'abort') {
    if (failover.state === NO_FAILOVER) {
      c.reply.error(ERR.failoverNoneInProgress);
      return;
    }
    abortFailover('Failover manually aborted');
    c.reply.ok();
    return;
  }
  let timeout = 0;
  let force = false;
  let host: string | null = null;
  let port = 0;
  for (let j = 1; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'timeout' && j + 1 < argv.length && timeout === 0) {
      const t = longArg(c, argv[j + 1]);
      if (t === null) return;
      if (t <= 0) {
        c.reply.error(ERR.failoverTimeout);
        return;
      }
      timeout = t;
      j++;
    } else if (opt === 'to' && j + 2 < argv.length && host === null) {
      const p = longArg(c, argv[j + 2]);
      if (p === null) return;
      host = argv[j + 1];
      port = p;
      j += 2;
    } else if (opt === 'force' && !force) {
      force = true;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  if (failover.state !== NO_FAILOVER) {
    c.reply.error(ERR.failoverInProgress);
  } else if (stream.isReplica) {
    c.reply.error(ERR.failoverOnReplica);
  } else if (stream.replicas.length === 0) {
    c.reply.error(ERR.failoverNoReplicas);
  } else if (force && (timeout === 0 || host === null)) {
    c.reply.error(ERR.failoverForceNeeds);
  } else if (host !== null && findReplica(host, port) === undefined) {
    c.reply.error(ERR.failoverNotAReplica);
  } else if (host !== null && findReplica(host, port)!.state !== 'online') {
    c.reply.error(ERR.failoverTargetNotOnline);
  } else {
    startFailover(host ?? '', port, timeout, force);
    c.reply.ok();
  }
}

export const commands: CommandDef[] = [
  {
    name: 'failover', arity: -1, flags: 'admin noscript stale',
    group: 'server', since: '6.2.0', summary: 'Hands the primary role over to one of our replicas, pausing writes until it has caught up.',
    complexity: 'O(1)',
    docs: {
      args: [
        {
          name: 'target', type: 'block', token: 'TO', flags: ['optional'], args: [
            { name: 'host', type: 'string' },
            { name: 'port', type: 'integer' },
            { name: 'force', type: 'pure-token', token: 'FORCE', flags: ['optional'] },
          ],
        },
        { name: 'abort', type: 'pure-token', token: 'ABORT', flags: ['optional'] },
        { name: 'milliseconds', type: 'integer', token: 'TIMEOUT', flags: ['optional'] },
      ],
    },
    handler: failoverCommand,
  },
];
