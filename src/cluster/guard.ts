// The dispatcher's cluster step: fills the reused RouteQuery for a command (for EXEC, its whole
// queue), asks routing.ts, and returns the refusal text or null to run it here.

import { commandFlags, F, type CommandSpec } from '../commands/spec.js';
import { ERR } from '../errors.js';
import { CLIENT_ASKING, CLIENT_MULTI, CLIENT_READONLY, type Client } from '../server/client.js';
import { server } from '../server/state.js';
import { cluster, portFor } from './node.js';
import { RouteQueryBuffer } from './route-keys.js';
import { Route, redirectError, routeQuery, type KeyPresence, type RouteCode, type RouteResult } from './routing.js';

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
        if (writes(e.cmd, e.argv)) q.queueHasWrite = true;
      }
    }
  } else {
    q.addCommandKeys(cmd, argv);
  }
  const code = route(c.flags, cmd, argv);
  // A script run by this command keeps to this slot (see scriptClusterCheck).
  c.slot = code === Route.OK && q.keyCount !== 0 ? result.slot : -1;
  return code === Route.OK ? null : redirectError(code, result, result.node === null ? 0 : portFor(c, result.node));
}

/** The write flag as Redis's getCommandFlags sees it: a script's own flags decide for EVAL/FCALL. */
function writes(cmd: CommandSpec, argv: string[]): boolean {
  return (commandFlags(cmd, argv) & F.WRITE) !== 0;
}

/** Route the query's keys for a command of a client with these flags. */
function route(clientFlags: number, cmd: CommandSpec, argv: string[]): RouteCode {
  const q = query;
  const name = cmd.name;
  q.isWrite = writes(cmd, argv);
  q.isPubsubShard = name === 'spublish' || name === 'ssubscribe' || name === 'sunsubscribe';
  q.isMigrate = name === 'migrate';
  q.cmdAsking = (cmd.flags & F.ASKING) !== 0;
  q.asking = (clientFlags & CLIENT_ASKING) !== 0;
  q.readonly = (clientFlags & CLIENT_READONLY) !== 0;
  return routeQuery(cluster.st, q, presence, result);
}

/**
 * Redis's cluster check of a command a script runs (not for scripts our primary sent): the keys
 * must be served here as routed for the calling client (with its READONLY and ASKING), and,
 * unless the script allows cross-slot keys, stay in the slot of the script's declared keys or of
 * the first key it touched. Null, or the error the script's call fails with.
 */
export function scriptClusterCheck(caller: Client, routeFlags: number, cmd: CommandSpec, argv: string[], allowCrossSlot: boolean): string | null {
  const q = query;
  q.reset();
  q.addCommandKeys(cmd, argv);
  const code = route(routeFlags, cmd, argv);
  if (code !== Route.OK) {
    if (code === Route.DOWN_RO_STATE) return ERR.scriptClusterDownReadOnly;
    if (code === Route.DOWN_STATE) return ERR.scriptClusterDown;
    return ERR.scriptNonLocalKey;
  }
  if (q.keyCount !== 0 && !allowCrossSlot) {
    if (caller.slot === -1) caller.slot = result.slot;
    else if (caller.slot !== result.slot) return ERR.scriptCrossSlot;
  }
  return null;
}
