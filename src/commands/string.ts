// String commands. Values are latin1 JS strings; integers are kept as their decimal text.

import { ERR } from '../errors.js';
import { notifyKeyspaceEvent, NOTIFY_GENERIC, NOTIFY_STRING } from '../keyspace/notify.js';
import { parseInt64 } from '../protocol/format.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import type { CommandDef } from './spec.js';

const SET_NX = 1;
const SET_XX = 2;
const SET_GET = 4;
const SET_KEEPTTL = 8;
const SET_EX = 16;
const SET_PX = 32;
const SET_EXAT = 64;
const SET_PXAT = 128;
const ANY_EXPIRE = SET_EX | SET_PX | SET_EXAT | SET_PXAT;
const MS_MAX = 9223372036854775807;

/**
 * Reply with a string value for GET-like commands. Returns false (after replying WRONGTYPE) when
 * the key holds another type.
 */
function replyString(c: Client, key: string): boolean {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.reply.nullBulk();
    return true;
  }
  if (typeof v !== 'string') {
    c.reply.error(ERR.wrongType);
    return false;
  }
  c.reply.bulk(v);
  return true;
}

/**
 * Parse an expire argument (seconds or ms, relative or absolute) to an absolute unix time in ms,
 * or reply with Redis's error and return -1.
 */
export function parseExpireArg(c: Client, arg: string, unitSeconds: boolean, relative: boolean, cmd: string): number {
  const n = parseInt64(arg);
  if (n === null) {
    c.reply.error(ERR.notInteger);
    return -1;
  }
  if (typeof n === 'bigint' || n <= 0 || (unitSeconds && n > MS_MAX / 1000)) {
    c.reply.error(ERR.invalidExpire(cmd));
    return -1;
  }
  let ms = unitSeconds ? n * 1000 : n;
  if (relative) ms += Date.now();
  if (ms > MS_MAX) {
    c.reply.error(ERR.invalidExpire(cmd));
    return -1;
  }
  return ms;
}

function setCommand(c: Client, argv: string[]): void {
  let flags = 0;
  let expireArg = '';
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    const hasNext = i + 1 < argv.length;
    if (opt === 'nx' && !(flags & SET_XX)) flags |= SET_NX;
    else if (opt === 'xx' && !(flags & SET_NX)) flags |= SET_XX;
    else if (opt === 'get') flags |= SET_GET;
    else if (opt === 'keepttl' && !(flags & ANY_EXPIRE)) flags |= SET_KEEPTTL;
    else if (hasNext && !(flags & (ANY_EXPIRE | SET_KEEPTTL)) &&
      (opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat')) {
      flags |= opt === 'ex' ? SET_EX : opt === 'px' ? SET_PX : opt === 'exat' ? SET_EXAT : SET_PXAT;
      expireArg = argv[++i];
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  let when = -1;
  if (flags & ANY_EXPIRE) {
    when = parseExpireArg(c, expireArg, (flags & (SET_EX | SET_EXAT)) !== 0, (flags & (SET_EX | SET_PX)) !== 0, 'set');
    if (when < 0) return;
  }
  const key = argv[1];
  const db = c.db;
  if (flags & SET_GET) {
    if (!replyString(c, key)) return;
  }
  if (flags & (SET_NX | SET_XX)) {
    const found = db.lookupWrite(key) !== undefined;
    if ((found && flags & SET_NX) || (!found && flags & SET_XX)) {
      if (!(flags & SET_GET)) c.reply.nullBulk();
      return;
    }
  }
  db.set(key, argv[2], (flags & SET_KEEPTTL) !== 0);
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STRING, 'set', key, db.id);
  if (when >= 0) {
    db.setExpire(key, when);
    notifyKeyspaceEvent(NOTIFY_GENERIC, 'expire', key, db.id);
    if (!(flags & SET_PXAT)) c.propagateArgv = ['SET', key, argv[2], 'PXAT', String(when)];
  }
  if (!(flags & SET_GET)) c.reply.ok();
}

/** INCR family: add `by` to the integer at key, keeping its TTL. */
function incrBy(c: Client, key: string, by: number | bigint): void {
  const db = c.db;
  const v = db.lookupWrite(key);
  let cur: number | bigint = 0;
  if (v !== undefined) {
    if (typeof v !== 'string') {
      c.reply.error(ERR.wrongType);
      return;
    }
    const n = parseInt64(v);
    if (n === null) {
      c.reply.error(ERR.notInteger);
      return;
    }
    cur = n;
  }
  let result: number | bigint;
  if (typeof cur === 'number' && typeof by === 'number') {
    result = cur + by;
    if (!Number.isSafeInteger(result)) result = BigInt(cur) + BigInt(by);
  } else {
    result = BigInt(cur) + BigInt(by);
  }
  if (typeof result === 'bigint') {
    if (result > 9223372036854775807n || result < -9223372036854775808n) {
      c.reply.error(ERR.incrOverflow);
      return;
    }
  }
  const text = String(result);
  if (v === undefined) db.set(key, text);
  else db.overwrite(key, text);
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STRING, 'incrby', key, db.id);
  c.reply.int(result);
}

function parseIncrement(c: Client, arg: string): number | bigint | null {
  const n = parseInt64(arg);
  if (n === null) c.reply.error(ERR.notInteger);
  return n;
}

const str = (def: Omit<CommandDef, 'group' | 'acl'> & { acl?: string }): CommandDef => ({
  group: 'string',
  ...def,
  acl: `string${def.acl ? ' ' + def.acl : ''}`,
});

export const commands: CommandDef[] = [
  str({
    name: 'get', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], since: '1.0.0',
    summary: 'Returns the string value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      replyString(c, argv[1]);
    },
  }),
  str({
    name: 'set', arity: -3, flags: 'write denyoom', keys: [1, 1, 1], since: '1.0.0',
    summary: 'Sets the string value of a key, ignoring its type; the key is created if missing.',
    complexity: 'O(1)', keySpecFlags: ['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS'],
    handler: setCommand,
  }),
  str({
    name: 'incr', arity: 2, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0',
    summary: 'Adds one to the integer value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      incrBy(c, argv[1], 1);
    },
  }),
  str({
    name: 'decr', arity: 2, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0',
    summary: 'Subtracts one from the integer value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      incrBy(c, argv[1], -1);
    },
  }),
  str({
    name: 'incrby', arity: 3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0',
    summary: 'Adds an integer to the integer value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      const by = parseIncrement(c, argv[2]);
      if (by !== null) incrBy(c, argv[1], by);
    },
  }),
  str({
    name: 'decrby', arity: 3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0',
    summary: 'Subtracts an integer from the integer value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      const by = parseIncrement(c, argv[2]);
      if (by === null) return;
      if (by === -9223372036854775808n) {
        c.reply.error(ERR.decrOverflow);
        return;
      }
      incrBy(c, argv[1], -by);
    },
  }),
  str({
    name: 'mget', arity: -2, flags: 'readonly fast', keys: [1, -1, 1], since: '1.0.0',
    summary: 'Returns the string values of one or more keys.', complexity: 'O(N) where N is the number of keys to retrieve.',
    handler(c, argv) {
      c.reply.array(argv.length - 1);
      for (let i = 1; i < argv.length; i++) {
        const v = c.db.lookupRead(argv[i]);
        if (typeof v === 'string') c.reply.bulk(v);
        else c.reply.nullBulk();
      }
    },
  }),
  str({
    name: 'mset', arity: -3, flags: 'write denyoom', keys: [1, -1, 2], since: '1.0.1',
    summary: 'Atomically sets the string values of one or more keys.', complexity: 'O(N) where N is the number of keys to set.',
    handler(c, argv) {
      if (argv.length % 2 !== 1) {
        c.reply.error(ERR.wrongArity('mset'));
        return;
      }
      const db = c.db;
      for (let i = 1; i < argv.length; i += 2) {
        db.set(argv[i], argv[i + 1]);
        notifyKeyspaceEvent(NOTIFY_STRING, 'set', argv[i], db.id);
      }
      server.dirty += (argv.length - 1) / 2;
      c.reply.ok();
    },
  }),
];

