// Permission checks (may this user run this command on these keys and channels?), the ACL log,
// and authentication.

import { keysWithFlags } from '../commands/keyspecs.js';
import { ERR } from '../errors.js';
import { F, type CommandSpec } from '../commands/spec.js';
import { clientInfo } from '../commands/connection.js';
import { CLIENT_FAKE, CLIENT_MASTER, CLIENT_MULTI, type Client } from '../server/client.js';
import { server } from '../server/state.js';
import { globMatch } from '../util/glob.js';
import { commandId, PERM_R, PERM_W, type Selector, type User } from './user.js';
import { getUser, noRestrictions } from './users.js';

export const DENIED_CMD = 1;
export const DENIED_KEY = 2;
export const DENIED_CHANNEL = 3;
export const DENIED_AUTH = 4;

/** A refusal: why, and the argv index of the key or channel at fault (0 for a command). */
export interface Denial {
  reason: number;
  pos: number;
}

/** The rights a key needs from the flags Redis attaches to it: access reads, insert/delete/update write. */
function permOf(flags: readonly string[]): number {
  let p = 0;
  for (const f of flags) {
    if (f === 'access') p |= PERM_R;
    else if (f === 'insert' || f === 'delete' || f === 'update') p |= PERM_W;
  }
  return p;
}

// Channel arguments: every argument from 1 (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE) or argv[1] only (PUBLISH).
const CHANNELS_ALL = 1;
const CHANNELS_FIRST = 2;
const CHANNELS_PATTERN = 3;
function channelArgs(cmd: CommandSpec): number {
  switch (cmd.name) {
    case 'subscribe':
    case 'ssubscribe':
      return CHANNELS_ALL;
    case 'psubscribe':
      return CHANNELS_PATTERN;
    case 'publish':
    case 'spublish':
      return CHANNELS_FIRST;
    default:
      return 0;
  }
}

function includesNoCase(list: readonly string[], arg: string | undefined): boolean {
  if (arg === undefined) return false;
  const low = arg.toLowerCase();
  for (const a of list) if (a.toLowerCase() === low) return true;
  return false;
}

function keyAllowed(s: Selector, key: string, perm: number): boolean {
  for (const k of s.keys) {
    if ((k.perm & perm) !== perm) continue;
    if (globMatch(k.pattern, key, false)) return true;
  }
  return false;
}

/** PSUBSCRIBE patterns must equal an allowed pattern; plain channels are matched against them. */
export function channelAllowed(list: readonly string[], channel: string, isPattern: boolean): boolean {
  for (const p of list) if (isPattern ? p === channel : globMatch(p, channel, false)) return true;
  return false;
}

function checkSelector(s: Selector, cmd: CommandSpec, argv: string[], out: Denial): boolean {
  if (!s.allCommands && (cmd.flags & F.NO_AUTH) === 0) {
    const id = commandId(cmd);
    if (id < 0 || s.allowed[id] === 0) {
      const firsts = s.firstArgs?.get(id);
      if (firsts === undefined || argv.length < 2 || !includesNoCase(firsts, argv[cmd.parent ? 2 : 1])) {
        out.reason = DENIED_CMD;
        out.pos = 0;
        return false;
      }
    }
  }
  if (!s.allKeys) {
    // The same keys and flags COMMAND GETKEYSANDFLAGS reports, as Redis checks them.
    const keys = keysWithFlags(cmd, argv);
    for (let k = 0; k < keys.length; k++) {
      const [i, flags] = keys[k];
      if (!keyAllowed(s, argv[i], permOf(flags))) {
        out.reason = DENIED_KEY;
        out.pos = i;
        return false;
      }
    }
  }
  if (!s.allChannels) {
    const kind = channelArgs(cmd);
    if (kind !== 0) {
      const last = kind === CHANNELS_FIRST ? 1 : argv.length - 1;
      for (let i = 1; i <= last; i++) {
        if (!channelAllowed(s.channels, argv[i], kind === CHANNELS_PATTERN)) {
          out.reason = DENIED_CHANNEL;
          out.pos = i;
          return false;
        }
      }
    }
  }
  return true;
}

// Reused by every check: the result is read before the next command is checked.
const best: Denial = { reason: 0, pos: 0 };
const one: Denial = { reason: 0, pos: 0 };

/**
 * Null when some selector of the user allows the call; otherwise the most relevant refusal:
 * a key or channel beats the command, and among those the one at the later argument.
 */
export function checkCommand(u: User, cmd: CommandSpec, argv: string[]): Denial | null {
  if (u.unrestricted) return null;
  best.reason = DENIED_CMD;
  best.pos = 0;
  for (const s of u.selectors) {
    if (checkSelector(s, cmd, argv, one)) return null;
    if (one.reason > best.reason || (one.reason === best.reason && one.pos > best.pos)) {
      best.reason = one.reason;
      best.pos = one.pos;
    }
  }
  return best;
}

/**
 * Whether a selector that allows this call may also read every key (Redis's
 * ACLUserCheckCmdWithUnrestrictedKeyAccess): SORT's BY and GET patterns need it.
 */
export function fullKeyReadAccess(c: Client, cmd: CommandSpec, argv: string[]): boolean {
  if (noRestrictions || c.flags & (CLIENT_MASTER | CLIENT_FAKE)) return true;
  const u = getUser(c.user);
  if (u === undefined || u.unrestricted) return true;
  for (const s of u.selectors) {
    if (!checkSelector(s, cmd, argv, one)) continue;
    if (s.allKeys) return true;
    for (const k of s.keys) if (k.pattern === '*' && (k.perm & PERM_R) !== 0) return true;
  }
  return false;
}

/** The -NOPERM reply for a refusal at the top level. */
export function denialError(d: Denial, cmd: CommandSpec): string {
  if (d.reason === DENIED_CMD) return ERR.noPermCommand(cmd.name);
  if (d.reason === DENIED_KEY) return ERR.noPermKey;
  return ERR.noPermChannel;
}

/** The reply for a queued command the user lost the right to run before EXEC. */
export function execDenialError(d: Denial): string {
  const why =
    d.reason === DENIED_CMD
      ? 'no permission to execute the command or subcommand'
      : d.reason === DENIED_KEY
        ? 'no permission to touch the specified keys'
        : 'no permission to access one of the channels used as arguments';
  return ERR.noPermExec(why);
}

/**
 * The dispatcher's guard: null to proceed, or the error to reply (the refusal is logged).
 * The user of a client always exists: deleting a user disconnects its clients. Scripts, which run
 * their commands through call(), must check with checkCommand themselves, for the calling user.
 */
export function aclGuard(c: Client, cmd: CommandSpec, argv: string[], inExec: boolean): string | null {
  // The master link and internal clients (loading) act for the server itself, as Redis's null user.
  if (noRestrictions || c.flags & (CLIENT_MASTER | CLIENT_FAKE)) return null;
  const u = getUser(c.user);
  if (u === undefined || u.unrestricted) return null;
  const d = checkCommand(u, cmd, argv);
  if (d === null) return null;
  const object = d.reason === DENIED_CMD ? cmd.name : argv[d.pos];
  addLogEntry(c, d.reason, inExec || (c.flags & CLIENT_MULTI) !== 0 ? 'multi' : 'toplevel', object, c.user, argv);
  return inExec ? execDenialError(d) : denialError(d, cmd);
}

// --- ACL LOG ---

export type AclLogContext = 'toplevel' | 'multi' | 'lua';

export interface LogEntry {
  count: number;
  reason: number;
  /** Where the refused command ran: on its own, inside MULTI/EXEC, or called by a script. */
  context: AclLogContext;
  object: string;
  username: string;
  /** Last update, ms. */
  time: number;
  clientInfo: string;
}

/** Newest first. */
export const aclLog: LogEntry[] = [];
const GROUPING_MS = 60000;

export function addLogEntry(
  c: Client, reason: number, context: AclLogContext, object: string, username: string, argv: string[],
): void {
  const now = Date.now();
  const info = clientInfo(c, c, argv);
  // Only the ten newest entries are searched for one to bump, as Redis does.
  for (let i = 0; i < aclLog.length && i < 10; i++) {
    const e = aclLog[i];
    const same = e.reason === reason && e.context === context && e.object === object && e.username === username;
    if (same && Math.abs(e.time - now) <= GROUPING_MS) {
      e.count++;
      e.time = now;
      e.clientInfo = info;
      aclLog.splice(i, 1);
      aclLog.unshift(e);
      return;
    }
  }
  aclLog.unshift({ count: 1, reason, context, object, username, time: now, clientInfo: info });
  const max = server.config ? server.config.num('acllog-max-len') : 128;
  if (aclLog.length > max) aclLog.length = max;
}

/**
 * AUTH and HELLO AUTH: true when the user exists, is on, and the password matches one of its
 * hashes (or it is nopass). A failure is logged.
 */
export function authenticate(c: Client, username: string, password: string, argv: string[]): boolean {
  const u = getUser(username);
  if (u !== undefined && u.enabled && u.checkPassword(password)) {
    c.authenticated = true;
    c.user = username;
    return true;
  }
  addLogEntry(c, DENIED_AUTH, (c.flags & CLIENT_MULTI) !== 0 ? 'multi' : 'toplevel', argv[0], username, argv);
  return false;
}
