// The dispatcher's cluster step: fills the reused RouteQuery for a command (for EXEC, its whole
// queue), asks routing.ts, and returns the refusal text or null to run it here.

import { F, type CommandSpec } from '../commands/spec.js';
import { CLIENT_ASKING, CLIENT_MULTI, CLIENT_READONLY, type Client } from '../server/client.js';
import { server } from '../server/state.js';
import { cluster, portFor } from './node.js';
import { RouteQueryBuffer } from './route-keys.js';
import { Route, redirectError, routeQuery, type KeyPresence, type RouteResult } from './routing.js';

const query = new RouteQueryBuffer();
const result: RouteResult = { slot: 0, node: null };

/** A key counts as present when it exists and is not logically expired; nothing is touched. */
const presence: KeyPresence = {
  has(key: string): boolean {
    const db = server.dbs[0];
    if (!db.dict.has(key)) return false;
    const when = db.expires.get(key);
    return when === undefined || when > Date.now();
  },
};

/** Whether the cluster step applies: the command has keys, or is EXEC. */
export function routedCommand(cmd: CommandSpec): boolean {
  return cmd.firstKey !== 0 || cmd.getKeys !== undefined || cmd.name === 'exec';
}

/** Null when this node may run the command, else the error to reply with. */
export function clusterRedirect(c: Client, cmd: CommandSpec, argv: string[]): string | null {
  const q = query;
  q.reset();
  if (cmd.name === 'exec') {
    if ((c.flags & CLIENT_MULTI) === 0) q.isExecWithoutMulti = true;
    else {
      for (const e of c.multiQueue!) {
        q.addCommandKeys(e.cmd, e.argv);
        if (e.cmd.flags & F.WRITE) q.queueHasWrite = true;
      }
    }
  } else {
    q.addCommandKeys(cmd, argv);
  }
  const name = cmd.name;
  q.isWrite = (cmd.flags & F.WRITE) !== 0;
  q.isPubsubShard = name === 'spublish' || name === 'ssubscribe' || name === 'sunsubscribe';
  q.isMigrate = name === 'migrate';
  q.cmdAsking = (cmd.flags & F.ASKING) !== 0;
  q.asking = (c.flags & CLIENT_ASKING) !== 0;
  q.readonly = (c.flags & CLIENT_READONLY) !== 0;
  const code = routeQuery(cluster.st, q, presence, result);
  if (code === Route.OK) return null;
  return redirectError(code, result, result.node === null ? 0 : portFor(c, result.node));
}
