// Generic key commands: DEL UNLINK EXISTS TYPE RENAME RENAMENX COPY MOVE SWAPDB TOUCH RANDOMKEY
// KEYS SCAN OBJECT, and the expire family (EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME
// PEXPIRETIME PERSIST).

import { ERR } from '../errors.js';
import { datasetLoading, typeName, type Db, type Value } from '../keyspace/db.js';
import { notifyKeyspaceEvent, NOTIFY_GENERIC } from '../keyspace/notify.js';
import { accessCfg, idleSeconds, lfuFrequency } from '../keyspace/access.js';
import { freedValue, lazyfree } from '../keyspace/lazyfree.js';
import { parseScanCursor, parseScanOptions, scanKeys } from '../keyspace/scan.js';
import { signals } from '../keyspace/signals.js';
import { stringEncoding } from '../keyspace/strings.js';
import { INT64_MAX, parseInt64 } from '../protocol/format.js';
import { readyWaitedKeys } from '../server/blocking.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import { globMatch } from '../util/glob.js';
import { replyHelp } from './help.js';
import { noContainerHandler, type CommandDef } from './spec.js';
import { ksIndex } from './keyspecs.js';
import { rangeArg } from './int-args.js';
import { cstr } from '../util/cstr.js';

const INT_MAX = 2147483647;

/**
 * An int argument (Redis's getIntFromObjectOrReply): replies `msg` (or Redis's default texts) and
 * returns null when it is not an integer in the C int range.
 */
function parseIntArg(c: Client, arg: string, msg: string | null): number | null {
  return rangeArg(c, arg, -2147483648n, 2147483647n, msg);
}

/** The database numbered by a DB argument, or null (after replying) when out of range. */
function targetDb(c: Client, id: number): Db | null {
  if (id < 0 || id >= server.dbs.length) {
    c.reply.error(ERR.dbIndexOutOfRange);
    return null;
  }
  return server.dbs[id];
}

const clusterEnabled = (): boolean => server.config.bool('cluster-enabled');

/** EXISTS: like Redis, a lookup that is no access (LOOKUP_NOTOUCH). */
function existsCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (c.db.lookupReadNoTouch(argv[i]) !== undefined) n++;
  c.reply.int(n);
}

/** TOUCH: EXISTS that marks each key as accessed. */
function touchCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (c.db.lookupRead(argv[i]) !== undefined) n++;
  c.reply.int(n);
}

/** DEL and UNLINK: memory is reclaimed by the JS collector either way; `lazy` is for INFO's count. */
function delKeys(c: Client, argv: string[], lazy: boolean): void {
  let n = 0;
  const db = c.db;
  for (let i = 1; i < argv.length; i++) {
    const v = db.lookupWrite(argv[i]);
    if (v !== undefined && db.delete(argv[i])) {
      freedValue(v, lazy);
      n++;
      notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', argv[i], db.id);
    }
  }
  server.dirty += n;
  c.reply.int(n);
}

/** Store v at key with an expire time from getExpire (-1: none). */
function setWithExpire(db: Db, key: string, v: Value, expire: number): void {
  db.set(key, v);
  if (expire !== -1) db.setExpire(key, expire);
}

/**
 * RENAME's and MOVE's effect once checked: the value and its TTL go to (dst, dstKey), the source key
 * is deleted, then the from / to events.
 */
function transfer(src: Db, srcKey: string, dst: Db, dstKey: string, v: Value, expire: number,
  fromEvent: string, toEvent: string): void {
  // The source goes first, so watchers and tracking clients hear of it before the destination,
  // as Redis signals them.
  src.delete(srcKey);
  setWithExpire(dst, dstKey, v, expire);
  notifyKeyspaceEvent(NOTIFY_GENERIC, fromEvent, srcKey, src.id);
  notifyKeyspaceEvent(NOTIFY_GENERIC, toEvent, dstKey, dst.id);
  server.dirty++;
}

function rename(c: Client, argv: string[], nx: boolean): void {
  const db = c.db;
  const src = argv[1];
  const dst = argv[2];
  const v = db.lookupWrite(src);
  if (v === undefined) {
    c.reply.error(ERR.noSuchKey);
    return;
  }
  if (src === dst) {
    if (nx) c.reply.int(0);
    else c.reply.ok();
    return;
  }
  const expire = db.getExpire(src);
  const old = db.lookupWrite(dst);
  if (old !== undefined) {
    if (nx) {
      c.reply.int(0);
      return;
    }
    // Deleted and created again, as Redis does: the destination gets a `new` event.
    db.delete(dst);
    freedValue(old, lazyfree.serverDel);
  }
  transfer(db, src, db, dst, v, expire, 'rename_from', 'rename_to');
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

function copyCommand(c: Client, argv: string[]): void {
  const src = c.db;
  let dst = c.db;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'db' && i + 1 < argv.length) {
      const id = parseIntArg(c, argv[++i], null);
      if (id === null) return;
      const d = targetDb(c, id);
      if (d === null) return;
      dst = d;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  if (clusterEnabled() && (src.id !== 0 || dst.id !== 0)) {
    c.reply.error(ERR.copyInCluster);
    return;
  }
  const key = argv[1];
  const newkey = argv[2];
  if (src === dst && key === newkey) {
    c.reply.error(ERR.sameObject);
    return;
  }
  const v = src.lookupRead(key);
  if (v === undefined) {
    c.reply.int(0);
    return;
  }
  const expire = src.getExpire(key);
  const old = dst.lookupWrite(newkey);
  if (old !== undefined && !replace) {
    c.reply.int(0);
    return;
  }
  // Deleted and created again, as Redis does: the destination gets a `new` event.
  if (old !== undefined) {
    dst.delete(newkey);
    freedValue(old, lazyfree.serverDel);
  }
  setWithExpire(dst, newkey, typeof v === 'string' ? v : v.clone(), expire);
  notifyKeyspaceEvent(NOTIFY_GENERIC, 'copy_to', newkey, dst.id);
  server.dirty++;
  c.reply.int(1);
}

function moveCommand(c: Client, argv: string[]): void {
  if (clusterEnabled()) {
    c.reply.error(ERR.moveInCluster);
    return;
  }
  const src = c.db;
  const id = parseIntArg(c, argv[2], null);
  if (id === null) return;
  const dst = targetDb(c, id);
  if (dst === null) return;
  if (src === dst) {
    c.reply.error(ERR.sameObject);
    return;
  }
  const key = argv[1];
  const v = src.lookupWrite(key);
  if (v === undefined) {
    c.reply.int(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.lookupWrite(key) !== undefined) {
    c.reply.int(0);
    return;
  }
  transfer(src, key, dst, key, v, expire, 'move_from', 'move_to');
  c.reply.int(1);
}

function swapdbCommand(c: Client, argv: string[]): void {
  if (clusterEnabled()) {
    c.reply.error(ERR.swapdbInCluster);
    return;
  }
  const id1 = parseIntArg(c, argv[1], ERR.invalidFirstDb);
  if (id1 === null) return;
  const id2 = parseIntArg(c, argv[2], ERR.invalidSecondDb);
  if (id2 === null) return;
  const n = server.dbs.length;
  if (id1 < 0 || id1 >= n || id2 < 0 || id2 >= n) {
    c.reply.error(ERR.dbIndexOutOfRange);
    return;
  }
  if (id1 !== id2) {
    const a = server.dbs[id1];
    const b = server.dbs[id2];
    // Watchers compare the old and the incoming contents, so they hear of it before the swap.
    signals.flushed(a, b);
    signals.flushed(b, a);
    a.swapWith(b);
    // Clients blocked on a key of either database may find it there now.
    readyWaitedKeys(a);
    readyWaitedKeys(b);
  }
  server.dirty++;
  c.reply.ok();
}

/** A random live key, or null when the database is empty (Redis's dbRandomKey). */
export function randomKey(db: Db): string | null {
  const dict = db.dict;
  // A replica cannot delete expired keys: if every key may be expired, give up after 100 tries.
  const allVolatile = dict.size === db.expires.size;
  let tries = 100;
  for (;;) {
    const key = dict.randomKey();
    if (key === undefined) return null;
    if (db.expires.size !== 0 && db.expires.has(key)) {
      if (allVolatile && signals.isReplica() && --tries === 0) return key;
      if (db.expireIfNeeded(key)) continue;
    }
    return key;
  }
}

function keysCommand(c: Client, argv: string[]): void {
  const pattern = argv[1];
  const all = pattern === '*';
  const db = c.db;
  const now = Date.now();
  const checkTtl = db.expires.size !== 0;
  // KEYS leaves expired keys in place (Redis only hides them here).
  const out: string[] = [];
  for (const key of db.dict.keys()) {
    if (!all && !globMatch(pattern, key, false)) continue;
    if (checkTtl) {
      const when = db.expires.get(key);
      if (when !== undefined && when <= now) continue;
    }
    out.push(key);
  }
  c.reply.bulks(out);
}

/** Redis shares the integer objects 0..9999, whose refcount reads INT_MAX. */
const SHARED_INTEGERS = 10000;

/** Shared integers are off when maxmemory evicts by LRU/LFU (each value needs its own clock). */
function sharedIntegers(): boolean {
  const policy = server.config.get('maxmemory-policy');
  return server.config.num('maxmemory') === 0 || !(policy.endsWith('-lru') || policy.endsWith('-lfu'));
}

function refcount(v: Value): number {
  if (typeof v !== 'string' || stringEncoding(v) !== 'int' || !sharedIntegers()) return 1;
  const n = parseInt64(v);
  return typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS ? INT_MAX : 1;
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the internal representation of the value stored at <key>.',
  'FREQ <key>',
  '    Return the logarithmic access frequency counter of <key> (LFU policies only).',
  'IDLETIME <key>',
  '    Return the approximate number of seconds since <key> was last accessed.',
  'REFCOUNT <key>',
  '    Return how many references the value stored at <key> has.',
];

/**
 * The value for an OBJECT subcommand, or null after replying null for a missing key. The lookup
 * does not count as an access (Redis's LOOKUP_NOTOUCH).
 */
function objectLookup(c: Client, key: string): Value | null {
  const v = c.db.lookupReadNoTouch(key);
  if (v === undefined) {
    c.reply.nullBulk();
    return null;
  }
  return v;
}

// EXPIRE family.
const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;
/** Below this magnitude the ms arithmetic stays exact in doubles (2^43 s * 1000 + now < 2^53). */
const EXACT_LIMIT = 2 ** 43;

/** A TTL set in the past deletes the key at once, replicated as DEL (UNLINK when lazy). */
export function deleteExpired(c: Client, key: string): void {
  const db = c.db;
  freedValue(db.dict.get(key)!, lazyfree.expire);
  db.delete(key);
  server.dirty++;
  c.propagateArgv = [server.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key];
  notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', key, db.id);
}

/**
 * EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT. A time in the past deletes the key (on a primary) and
 * propagates DEL; otherwise the TTL propagates as PEXPIREAT with the absolute time in ms.
 */
function expireGeneric(c: Client, argv: string[], seconds: boolean, relative: boolean, name: string): void {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    // strcasecmp in Redis: the option ends at a NUL byte.
    const opt = cstr(argv[i]).toLowerCase();
    if (opt === 'nx') flags |= EXPIRE_NX;
    else if (opt === 'xx') flags |= EXPIRE_XX;
    else if (opt === 'gt') flags |= EXPIRE_GT;
    else if (opt === 'lt') flags |= EXPIRE_LT;
    else {
      c.reply.error(ERR.unsupportedOption(argv[i]));
      return;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    c.reply.error(ERR.expireNxConflict);
    return;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    c.reply.error(ERR.expireGtLtConflict);
    return;
  }
  const n = parseInt64(argv[2]);
  if (n === null) {
    c.reply.error(ERR.notInteger);
    return;
  }
  const base = relative ? Date.now() : 0;
  let when: number;
  let whenText: string | null = null;
  if (typeof n === 'number' && n < EXACT_LIMIT && n > -EXACT_LIMIT) {
    when = (seconds ? n * 1000 : n) + base;
  } else {
    // Redis's overflow checks, in exact 64-bit arithmetic.
    let w = BigInt(n);
    if (seconds) {
      if (w > INT64_MAX / 1000n || w < -INT64_MAX / 1000n) {
        c.reply.error(ERR.invalidExpire(name));
        return;
      }
      w *= 1000n;
    }
    if (w > INT64_MAX - BigInt(base)) {
      c.reply.error(ERR.invalidExpire(name));
      return;
    }
    w += BigInt(base);
    when = Number(w);
    whenText = String(w);
  }

  const db = c.db;
  const key = argv[1];
  if (db.lookupWrite(key) === undefined) {
    c.reply.int(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    if ((flags & EXPIRE_NX && current !== -1) ||
      (flags & EXPIRE_XX && current === -1) ||
      (flags & EXPIRE_GT && (current === -1 || when <= current)) ||
      (flags & EXPIRE_LT && current !== -1 && when >= current)) {
      c.reply.int(0);
      return;
    }
  }
  // A replica keeps even past TTLs and waits for its primary's DEL; so does a loading AOF (the
  // key may be written again before the file ends, as it was).
  if (when <= Date.now() && !signals.isReplica() && !datasetLoading.on) {
    deleteExpired(c, key);
    c.reply.int(1);
    return;
  }
  db.setExpire(key, when);
  // Redis replies before it notifies here: a RESP3 client subscribed to its own keys sees the
  // reply first.
  c.reply.int(1);
  if (name !== 'pexpireat') {
    const p = argv.slice();
    p[0] = 'PEXPIREAT';
    p[2] = whenText ?? String(when);
    c.propagateArgv = p;
  }
  signals.modified(db, key);
  notifyKeyspaceEvent(NOTIFY_GENERIC, 'expire', key, db.id);
  server.dirty++;
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 no key, -1 no TTL; seconds are rounded like Redis. */
function ttlGeneric(c: Client, key: string, ms: boolean, absolute: boolean): void {
  const db = c.db;
  if (db.lookupReadNoTouch(key) === undefined) {
    c.reply.int(-2);
    return;
  }
  const expire = db.getExpire(key);
  if (expire === -1) {
    c.reply.int(-1);
    return;
  }
  let ttl = absolute ? expire : expire - Date.now();
  if (ttl < 0) ttl = 0;
  if (ms) c.reply.int(ttl);
  else if (ttl <= Number.MAX_SAFE_INTEGER) c.reply.int(Math.floor((ttl + 500) / 1000));
  // Times past 2^53 ms are stored as the nearest double; round from its exact value.
  else c.reply.int((BigInt(ttl) + 500n) / 1000n);
}

const gen = (def: Omit<CommandDef, 'group' | 'acl'>): CommandDef => ({ group: 'generic', acl: 'keyspace', ...def });

/** EXPIRE PEXPIRE EXPIREAT PEXPIREAT: one definition but for the time unit and base. */
function expireDef(name: string, since: string, summary: string, seconds: boolean, relative: boolean): CommandDef {
  return gen({
    name, arity: -3, flags: 'write fast', keys: [1, 1, 1], keySpecFlags: ['RW', 'UPDATE'],
    docs: { history: [['7.0.0', 'NX, XX, GT and LT conditions.']] },
    since, summary, complexity: 'O(1)',
    handler(c, argv) {
      expireGeneric(c, argv, seconds, relative, name);
    },
  });
}

export const commands: CommandDef[] = [
  gen({
    name: 'del', arity: -2, flags: 'write', keys: [1, -1, 1], keySpecFlags: ['RM', 'DELETE'],
    since: '1.0.0', summary: 'Deletes one or more keys.',
    complexity: 'O(N) where N is the number of keys that will be removed.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    handler(c, argv) {
      delKeys(c, argv, lazyfree.userDel);
    },
  }),
  gen({
    name: 'unlink', arity: -2, flags: 'write fast', keys: [1, -1, 1], keySpecFlags: ['RM', 'DELETE'],
    since: '4.0.0', summary: 'Deletes one or more keys, reclaiming their memory in the background.',
    complexity: 'O(1) for each key removed regardless of its size.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    handler(c, argv) {
      delKeys(c, argv, true);
    },
  }),
  gen({
    name: 'exists', arity: -2, flags: 'readonly fast', keys: [1, -1, 1], keySpecFlags: ['RO'],
    docs: { history: [['3.0.3', 'Several keys in one call.']] },
    since: '1.0.0', summary: 'Counts how many of the given keys exist.',
    complexity: 'O(N) where N is the number of keys to check.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    handler: existsCommand,
  }),
  gen({
    name: 'touch', arity: -2, flags: 'readonly fast', keys: [1, -1, 1], keySpecFlags: ['RO'],
    since: '3.2.1', summary: 'Counts how many of the given keys exist, marking them as accessed.',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    handler: touchCommand,
  }),
  gen({
    name: 'type', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], keySpecFlags: ['RO'],
    since: '1.0.0', summary: 'Returns the type of value stored at a key, or none.', complexity: 'O(1)',
    handler(c, argv) {
      const v = c.db.lookupReadNoTouch(argv[1]);
      c.reply.simple(v === undefined ? 'none' : typeName(v));
    },
  }),
  gen({
    name: 'rename', arity: 3, flags: 'write', keys: [1, 2, 1],
    keySpecs: [ksIndex('RW access delete', 1), ksIndex('OW update', 2)],
    since: '1.0.0', summary: 'Renames a key, replacing any key with the new name.', complexity: 'O(1)',
    handler(c, argv) {
      rename(c, argv, false);
    },
  }),
  gen({
    name: 'renamenx', arity: 3, flags: 'write fast', keys: [1, 2, 1],
    docs: { history: [['3.2.0', 'Renaming a key to itself is no longer an error.']] },
    keySpecs: [ksIndex('RW access delete', 1), ksIndex('OW insert', 2)],
    since: '1.0.0', summary: 'Renames a key only when the new name is free.', complexity: 'O(1)',
    handler(c, argv) {
      rename(c, argv, true);
    },
  }),
  gen({
    name: 'copy', arity: -3, flags: 'write denyoom', keys: [1, 2, 1],
    keySpecs: [ksIndex('RO access', 1), ksIndex('OW update', 2)],
    since: '6.2.0', summary: 'Copies the value of a key, with its TTL, to a new key, possibly in another database.',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    handler: copyCommand,
  }),
  gen({
    name: 'move', arity: 3, flags: 'write fast', keys: [1, 1, 1], keySpecFlags: ['RW', 'ACCESS', 'UPDATE'],
    since: '1.0.0', summary: 'Moves a key to another database.', complexity: 'O(1)',
    handler: moveCommand,
  }),
  {
    name: 'swapdb', arity: 3, flags: 'write fast', acl: 'keyspace dangerous',
    group: 'server', since: '4.0.0', summary: 'Exchanges the contents of two databases.',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    handler: swapdbCommand,
  },
  gen({
    name: 'randomkey', arity: 1, flags: 'readonly', since: '1.0.0',
    summary: 'Returns a random key name from the database.', complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    handler(c) {
      const key = randomKey(c.db);
      if (key === null) c.reply.nullBulk();
      else c.reply.bulk(key);
    },
  }),
  {
    name: 'keys', arity: 2, flags: 'readonly', acl: 'keyspace dangerous',
    group: 'generic', since: '1.0.0', summary: 'Returns every key name that matches a glob pattern.',
    complexity: 'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    handler: keysCommand,
  },
  gen({
    name: 'scan', arity: -2, flags: 'readonly', since: '2.8.0',
    docs: { history: [['6.0.0', 'TYPE filter.']] },
    summary: 'Walks the key names of the database a batch at a time.',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output', 'request_policy:special'],
    handler(c, argv) {
      const cursor = parseScanCursor(c, argv[1]);
      if (cursor < 0 || !parseScanOptions(c, argv, 2, true)) return;
      scanKeys(c, cursor);
    },
  }),
  {
    name: 'object', arity: -2, flags: '', group: 'generic', since: '2.2.3',
    summary: 'A container for commands that inspect how a value is stored.', complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      gen({
        name: 'encoding', arity: 3, flags: 'readonly', keys: [2, 2, 1], keySpecFlags: ['RO'], since: '2.2.3',
        summary: 'Returns the internal encoding of the value stored at a key.', complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler(c, argv) {
          const v = objectLookup(c, argv[2]);
          if (v !== null) c.reply.bulk(typeof v === 'string' ? stringEncoding(v) : v.encoding());
        },
      }),
      gen({
        name: 'refcount', arity: 3, flags: 'readonly', keys: [2, 2, 1], keySpecFlags: ['RO'], since: '2.2.3',
        summary: 'Returns the reference count of the value stored at a key.', complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler(c, argv) {
          const v = objectLookup(c, argv[2]);
          if (v !== null) c.reply.int(refcount(v));
        },
      }),
      gen({
        name: 'idletime', arity: 3, flags: 'readonly', keys: [2, 2, 1], keySpecFlags: ['RO'], since: '2.2.3',
        summary: 'Returns the seconds since a key was last accessed.', complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler(c, argv) {
          if (objectLookup(c, argv[2]) === null) return;
          if (accessCfg.lfu) {
            c.reply.error(ERR.lfuSelected);
            return;
          }
          c.reply.int(idleSeconds(c.db.dict, argv[2]));
        },
      }),
      gen({
        name: 'freq', arity: 3, flags: 'readonly', keys: [2, 2, 1], keySpecFlags: ['RO'], since: '4.0.0',
        summary: 'Returns the logarithmic access frequency counter of a key.', complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler(c, argv) {
          if (objectLookup(c, argv[2]) === null) return;
          if (!accessCfg.lfu) {
            c.reply.error(ERR.lfuNotSelected);
            return;
          }
          c.reply.int(lfuFrequency(c.db.dict, argv[2]));
        },
      }),
      gen({
        name: 'help', arity: 2, flags: 'loading stale', since: '6.2.0',
        summary: 'Returns helpful text about the OBJECT subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'OBJECT', OBJECT_HELP);
        },
      }),
    ],
  },
  expireDef('expire', '1.0.0', 'Sets a key\'s time to live in seconds.', true, true),
  expireDef('pexpire', '2.6.0', 'Sets a key\'s time to live in milliseconds.', false, true),
  expireDef('expireat', '1.2.0', 'Sets the unix time, in seconds, at which a key expires.', true, false),
  expireDef('pexpireat', '2.6.0', 'Sets the unix time, in milliseconds, at which a key expires.', false, false),
  gen({
    name: 'ttl', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], keySpecFlags: ['RO', 'ACCESS'],
    docs: { history: [['2.8.0', 'Replies -2 for a missing key.']] },
    since: '1.0.0', summary: 'Returns a key\'s remaining time to live in seconds.', complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler(c, argv) {
      ttlGeneric(c, argv[1], false, false);
    },
  }),
  gen({
    name: 'pttl', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], keySpecFlags: ['RO', 'ACCESS'],
    docs: { history: [['2.8.0', 'Replies -2 for a missing key.']] },
    since: '2.6.0', summary: 'Returns a key\'s remaining time to live in milliseconds.', complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler(c, argv) {
      ttlGeneric(c, argv[1], true, false);
    },
  }),
  gen({
    name: 'expiretime', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], keySpecFlags: ['RO', 'ACCESS'],
    since: '7.0.0', summary: 'Returns the unix time, in seconds, at which a key expires.', complexity: 'O(1)',
    handler(c, argv) {
      ttlGeneric(c, argv[1], false, true);
    },
  }),
  gen({
    name: 'pexpiretime', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], keySpecFlags: ['RO', 'ACCESS'],
    since: '7.0.0', summary: 'Returns the unix time, in milliseconds, at which a key expires.', complexity: 'O(1)',
    handler(c, argv) {
      ttlGeneric(c, argv[1], true, true);
    },
  }),
  gen({
    name: 'persist', arity: 2, flags: 'write fast', keys: [1, 1, 1], keySpecFlags: ['RW', 'UPDATE'],
    since: '2.2.0', summary: 'Removes a key\'s time to live, making it persistent.', complexity: 'O(1)',
    handler(c, argv) {
      const db = c.db;
      const key = argv[1];
      if (db.lookupWrite(key) === undefined || !db.removeExpire(key)) {
        c.reply.int(0);
        return;
      }
      signals.modified(db, key);
      notifyKeyspaceEvent(NOTIFY_GENERIC, 'persist', key, db.id);
      server.dirty++;
      c.reply.int(1);
    },
  }),
];
