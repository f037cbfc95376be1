// List commands. Values are ListValue ring buffers; an emptied list is deleted at once.
// popElement / popRangeReply / pushElement / moveElement are the list edits behind LPOP, LMPOP and
// LMOVE, exported so the blocking commands serve waiting clients with exactly the same effects.
// The helpers the other collection groups share live here too (ofType, storeOrDelete,
// deleteStored, parseMpop, clampRange), so one copy serves every type.

import { ERR } from '../errors.js';
import type { Db, Value } from '../keyspace/db.js';
import { ListValue } from '../keyspace/types/list.js';
import { notifyKeyspaceEvent, NOTIFY_GENERIC, NOTIFY_LIST } from '../keyspace/notify.js';
import { signals } from '../keyspace/signals.js';
import { freedValue, lazyfree } from '../keyspace/lazyfree.js';
import { parseInt64 } from '../protocol/format.js';
import { blockForKeys, mayBlock, parseTimeout, servedKey, TimeoutReply } from '../server/blocking.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import { lookupCommand } from './registry.js';
import type { CommandDef } from './spec.js';
import { ksIndex, ksKeynum } from './keyspecs.js';
import { LONG_MAX, longArg, rangeArg } from './int-args.js';

/** v when missing (undefined) or an instance of `type`; null after replying WRONGTYPE. */
export function ofType<T>(c: Client, v: Value | undefined, type: abstract new (...args: never[]) => T): T | undefined | null {
  if (v === undefined || v instanceof type) return v as T | undefined;
  c.reply.error(ERR.wrongType);
  return null;
}

const readList = (c: Client, key: string): ListValue | undefined | null => ofType(c, c.db.lookupRead(key), ListValue);
const writeList = (c: Client, key: string): ListValue | undefined | null => ofType(c, c.db.lookupWrite(key), ListValue);

/** LEFT or RIGHT (case-insensitive): true for the head, false for the tail, null after a syntax error. */
function sideArg(c: Client, s: string): boolean | null {
  const l = s.toLowerCase();
  if (l === 'left') return true;
  if (l === 'right') return false;
  c.reply.error(ERR.syntax);
  return null;
}

/**
 * After elements left a list, hash, set or zset (and their event): an emptied one is deleted with
 * a `del` event, else its change recorded.
 */
export function storeOrDelete(db: Db, key: string, v: Value, emptied: boolean): void {
  if (emptied) {
    db.delete(key);
    notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', key, db.id);
  } else {
    db.overwrite(key, v);
  }
}

/** A *STORE command's empty result: whatever is stored at key goes, with a `del` event. */
export function deleteStored(db: Db, key: string): void {
  const old = db.dict.get(key);
  if (db.delete(key)) {
    freedValue(old!, lazyfree.serverDel);
    notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', key, db.id);
    server.dirty++;
  }
}

/** After popping: pop event, deletion of an emptied list, modification signal. */
function elementsRemoved(db: Db, key: string, list: ListValue, head: boolean, n: number): void {
  notifyKeyspaceEvent(NOTIFY_LIST, head ? 'lpop' : 'rpop', key, db.id);
  storeOrDelete(db, key, list, list.length === 0);
  server.dirty += n;
}

/** Pop one element from a non-empty list at key, with Redis's events, deletion and dirty count. */
export function popElement(db: Db, key: string, list: ListValue, head: boolean): string {
  const v = head ? list.popHead() : list.popTail();
  elementsRemoved(db, key, list, head, 1);
  return v;
}

/** Pop up to count (>= 1) elements from a non-empty list and reply them as an array; returns how many. */
export function popRangeReply(c: Client, db: Db, key: string, list: ListValue, head: boolean, count: number): number {
  const n = count < list.length ? count : list.length;
  c.reply.array(n);
  for (let i = 0; i < n; i++) c.reply.bulk(head ? list.popHead() : list.popTail());
  elementsRemoved(db, key, list, head, n);
  return n;
}

/** The list at key about to get elements: a new one is stored, an existing one recorded as changed. */
function listForPush(db: Db, key: string, list: ListValue | undefined): ListValue {
  if (list === undefined) {
    list = new ListValue();
    db.set(key, list);
  } else {
    db.overwrite(key, list);
  }
  return list;
}

/** Push one element onto the list at key (created when missing), with the push event. */
export function pushElement(db: Db, key: string, list: ListValue | undefined, value: string, head: boolean): void {
  list = listForPush(db, key, list);
  if (head) list.pushHead(value);
  else list.pushTail(value);
  notifyKeyspaceEvent(NOTIFY_LIST, head ? 'lpush' : 'rpush', key, db.id);
  signals.ready(db, key);
}

/**
 * LMOVE's effect on a non-empty source whose destination is a list or missing: push first, then the
 * pop event and the source's deletion, as Redis orders them. Returns the moved element.
 */
export function moveElement(db: Db, src: string, srcList: ListValue, dst: string, dstList: ListValue | undefined,
  fromHead: boolean, toHead: boolean): string {
  const v = fromHead ? srcList.popHead() : srcList.popTail();
  pushElement(db, dst, dstList, v, toHead);
  notifyKeyspaceEvent(NOTIFY_LIST, fromHead ? 'lpop' : 'rpop', src, db.id);
  // The push already recorded a change of the same key: one is enough.
  if (src !== dst || srcList.length === 0) storeOrDelete(db, src, srcList, srcList.length === 0);
  server.dirty++;
  return v;
}

function pushCommand(c: Client, argv: string[], head: boolean, onlyExisting: boolean): void {
  const db = c.db;
  const key = argv[1];
  const found = writeList(c, key);
  if (found === null) return;
  if (found === undefined && onlyExisting) {
    c.reply.int(0);
    return;
  }
  const list = listForPush(db, key, found);
  for (let i = 2; i < argv.length; i++) {
    if (head) list.pushHead(argv[i]);
    else list.pushTail(argv[i]);
  }
  server.dirty += argv.length - 2;
  c.reply.int(list.length);
  notifyKeyspaceEvent(NOTIFY_LIST, head ? 'lpush' : 'rpush', key, db.id);
  signals.ready(db, key);
}

function popCommand(c: Client, argv: string[], head: boolean): void {
  if (argv.length > 3) {
    c.reply.error(ERR.wrongArity(head ? 'lpop' : 'rpop'));
    return;
  }
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const n = rangeArg(c, argv[2], 0n, LONG_MAX, ERR.negativeCount);
    if (n === null) return;
    count = n;
  }
  const list = writeList(c, argv[1]);
  if (list === null) return;
  if (list === undefined) {
    if (hasCount) c.reply.nullArray();
    else c.reply.nullBulk();
    return;
  }
  if (!hasCount) c.reply.bulk(popElement(c.db, argv[1], list, head));
  else if (count === 0) c.reply.array(0);
  else popRangeReply(c, c.db, argv[1], list, head, count);
}

/** The range clampRange last accepted (reused: one command runs at a time). */
export const clamped = { start: 0, end: 0 };

/**
 * Clamp a Redis start/end index pair (negative ones count from the tail) to len items, into
 * `clamped`; false when the range is empty. Serves list and zset ranks alike.
 */
export function clampRange(start: number, end: number, len: number): boolean {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return false;
  clamped.start = start;
  clamped.end = end >= len ? len - 1 : end;
  return true;
}

function lposCommand(c: Client, argv: string[]): void {
  let rank = 1;
  let rankOverflow = false;
  let count = -1;
  let maxlen = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    const more = i + 1 < argv.length;
    if (opt === 'rank' && more) {
      const n = longArg(c, argv[++i]);
      if (n === null) return;
      if (n === 0) {
        c.reply.error(ERR.lposRankZero);
        return;
      }
      rank = n;
      // Redis negates the rank in a C long: -2^63 stays negative, so every match counts and COUNT
      // never stops the scan.
      rankOverflow = argv[i] === '-9223372036854775808';
    } else if (opt === 'count' && more) {
      const n = rangeArg(c, argv[++i], 0n, LONG_MAX, ERR.countNegative);
      if (n === null) return;
      count = n;
    } else if (opt === 'maxlen' && more) {
      const n = rangeArg(c, argv[++i], 0n, LONG_MAX, ERR.maxlenNegative);
      if (n === null) return;
      maxlen = n;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  const list = readList(c, argv[1]);
  if (list === null) return;
  if (list === undefined) {
    if (count !== -1) c.reply.array(0);
    else c.reply.nullBulk();
    return;
  }
  const fromTail = rank < 0;
  rank = rankOverflow ? 1 : Math.abs(rank);
  const ele = argv[2];
  const len = list.length;
  const scan = maxlen === 0 || maxlen > len ? len : maxlen;
  let matches = 0;
  if (count === -1) {
    for (let k = 0; k < scan; k++) {
      const idx = fromTail ? len - 1 - k : k;
      if (list.get(idx) === ele && ++matches >= rank) {
        c.reply.int(idx);
        return;
      }
    }
    c.reply.nullBulk();
    return;
  }
  // Positions are collected first: the array length is only known at the end.
  const found: number[] = [];
  for (let k = 0; k < scan; k++) {
    const idx = fromTail ? len - 1 - k : k;
    if (list.get(idx) === ele && ++matches >= rank) {
      found.push(idx);
      if (count !== 0 && !rankOverflow && found.length >= count) break;
    }
  }
  c.reply.array(found.length);
  for (let i = 0; i < found.length; i++) c.reply.int(found[i]);
}

/**
 * LMOVE when the source has an element: true after replying it, false (without replying) when the
 * source is missing, null after replying WRONGTYPE.
 */
function tryMove(c: Client, src: string, dst: string, fromHead: boolean, toHead: boolean): boolean | null {
  const srcList = writeList(c, src);
  if (srcList === null) return null;
  if (srcList === undefined) return false;
  const dstList = writeList(c, dst);
  if (dstList === null) return null;
  c.reply.bulk(moveElement(c.db, src, srcList, dst, dstList, fromHead, toHead));
  return true;
}

function lmoveCommand(c: Client, src: string, dst: string, fromHead: boolean, toHead: boolean): void {
  if (tryMove(c, src, dst, fromHead, toHead) === false) c.reply.nullBulk();
}

/** LMPOP numkeys key... LEFT|RIGHT [COUNT n]: keys for COMMAND GETKEYS and routing. */
export function numkeysKeys(argv: string[], numkeysIdx: number): number[] {
  const n = parseInt64(argv[numkeysIdx] ?? '');
  if (typeof n !== 'number' || n < 1 || numkeysIdx + n >= argv.length) return [];
  const out: number[] = [];
  for (let i = 1; i <= n; i++) out.push(numkeysIdx + i);
  return out;
}

/** The [B]LMPOP / [B]ZMPOP arguments after a successful parseMpop (one command runs at a time). */
export const mpopArgs = { numKeys: 0, head: true, count: 1 };

/**
 * Parse `numkeys key... <headWord>|<tailWord> [COUNT n]`, numkeys at argv[numkeysIdx], into mpopArgs:
 * LEFT|RIGHT for lists, MIN|MAX for zsets (the lowest end is the head). False after replying an error.
 */
export function parseMpop(c: Client, argv: string[], numkeysIdx: number, headWord: string, tailWord: string): boolean {
  const keys = rangeArg(c, argv[numkeysIdx], 1n, LONG_MAX, ERR.numkeysNotPositive);
  if (keys === null) return false;
  const whereIdx = numkeysIdx + keys + 1;
  const where = whereIdx < argv.length ? argv[whereIdx].toLowerCase() : '';
  if (where !== headWord && where !== tailWord) {
    c.reply.error(ERR.syntax);
    return false;
  }
  let count = -1;
  for (let i = whereIdx + 1; i < argv.length; i++) {
    if (count === -1 && argv[i].toLowerCase() === 'count' && i + 1 < argv.length) {
      const n = rangeArg(c, argv[++i], 1n, LONG_MAX, ERR.countNotPositive);
      if (n === null) return false;
      count = n;
    } else {
      c.reply.error(ERR.syntax);
      return false;
    }
  }
  mpopArgs.numKeys = keys;
  mpopArgs.head = where === headWord;
  mpopArgs.count = count === -1 ? 1 : count;
  return true;
}

/**
 * Pop from the first non-empty list among argv[first .. first+n) and reply [key, [elements]];
 * propagated as LPOP/RPOP key count. Returns false, without replying, when every list is empty.
 * Null after replying WRONGTYPE.
 */
export function mpopFirst(c: Client, argv: string[], first: number, n: number, head: boolean, count: number): boolean | null {
  for (let i = first; i < first + n; i++) {
    const key = argv[i];
    const list = writeList(c, key);
    if (list === null) return null;
    if (list === undefined) continue;
    c.reply.array(2);
    c.reply.bulk(key);
    const popped = popRangeReply(c, c.db, key, list, head, count);
    c.propagateArgv = [head ? 'LPOP' : 'RPOP', key, String(popped)];
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- blocking forms

/**
 * Index of the first key a blocking pop looks at, among argv[first .. first+n): the ready key when
 * a woken client is served (Redis 7.0 serves it from that key only), else `first`.
 */
export function firstBlockingKey(argv: string[], first: number): number {
  const k = servedKey();
  return k === null ? first : argv.indexOf(k, first);
}

/** BLPOP / BRPOP key... timeout: propagated as LPOP/RPOP key, like Redis 7.0. */
function blockingPop(c: Client, argv: string[], head: boolean): void {
  const deadline = parseTimeout(c, argv[argv.length - 1]);
  if (deadline === -1) return;
  const first = firstBlockingKey(argv, 1);
  const last = servedKey() === null ? argv.length - 2 : first;
  for (let i = first; i <= last; i++) {
    const key = argv[i];
    const l = writeList(c, key);
    if (l === null) return;
    if (l === undefined) continue;
    c.reply.array(2);
    c.reply.bulk(key);
    c.reply.bulk(popElement(c.db, key, l, head));
    c.propagateArgv = [head ? 'LPOP' : 'RPOP', key];
    return;
  }
  if (!mayBlock(c)) c.reply.nullArray();
  else blockForKeys(c, lookupCommand(argv)!, argv, argv.slice(1, -1), 'list', deadline, TimeoutReply.NullArray);
}

/**
 * BLMOVE / BRPOPLPUSH: LMOVE once the source has elements (the timeout is argv[tIdx]), propagated
 * as LMOVE with the caller's LEFT/RIGHT words, or as RPOPLPUSH.
 */
function blockingMove(c: Client, argv: string[], fromHead: boolean, toHead: boolean, tIdx: number): void {
  const deadline = parseTimeout(c, argv[tIdx]);
  if (deadline === -1) return;
  const src = argv[1];
  const dst = argv[2];
  const moved = tryMove(c, src, dst, fromHead, toHead);
  if (moved === null) return;
  if (!moved) {
    if (!mayBlock(c)) c.reply.nullBulk();
    // Redis 7.0 answers a timeout with a null array here too, unlike the null bulk in MULTI.
    else blockForKeys(c, lookupCommand(argv)!, argv, [src], 'list', deadline, TimeoutReply.NullArray);
    return;
  }
  c.propagateArgv = tIdx === 3 ? ['RPOPLPUSH', src, dst] : ['LMOVE', src, dst, argv[3], argv[4]];
}

const list = (def: Omit<CommandDef, 'group' | 'acl'>): CommandDef => ({ group: 'list', acl: 'list', ...def });

/** LPUSH RPUSH LPUSHX RPUSHX: one definition but for the end and whether the list must exist. */
function pushDef(name: string, since: string, severalSince: string, summary: string, head: boolean,
  onlyExisting: boolean): CommandDef {
  return list({
    name, arity: -3, flags: 'write denyoom fast', keys: [1, 1, 1], since,
    docs: { history: [[severalSince, 'Several elements in one call.']] },
    keySpecFlags: ['RW', 'INSERT'],
    summary,
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    handler(c, argv) {
      pushCommand(c, argv, head, onlyExisting);
    },
  });
}

export const commands: CommandDef[] = [
  pushDef('lpush', '1.0.0', '2.4.0', 'Prepends elements to a list, creating it when missing.', true, false),
  pushDef('rpush', '1.0.0', '2.4.0', 'Appends elements to a list, creating it when missing.', false, false),
  pushDef('lpushx', '2.2.0', '4.0.0', 'Prepends elements to a list only when the list exists.', true, true),
  pushDef('rpushx', '2.2.0', '4.0.0', 'Appends elements to a list only when the list exists.', false, true),
  list({
    name: 'lpop', arity: -2, flags: 'write fast', keys: [1, 1, 1], since: '1.0.0',
    docs: { history: [['6.2.0', 'count argument.']] },
    keySpecFlags: ['RW', 'ACCESS', 'DELETE'],
    summary: 'Removes and returns the first elements of a list; the list is deleted when emptied.',
    complexity: 'O(N) where N is the number of elements returned',
    handler(c, argv) {
      popCommand(c, argv, true);
    },
  }),
  list({
    name: 'rpop', arity: -2, flags: 'write fast', keys: [1, 1, 1], since: '1.0.0',
    docs: { history: [['6.2.0', 'count argument.']] },
    keySpecFlags: ['RW', 'ACCESS', 'DELETE'],
    summary: 'Removes and returns the last elements of a list; the list is deleted when emptied.',
    complexity: 'O(N) where N is the number of elements returned',
    handler(c, argv) {
      popCommand(c, argv, false);
    },
  }),
  list({
    name: 'llen', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], since: '1.0.0',
    keySpecFlags: ['RO'],
    summary: 'Returns the number of elements in a list.', complexity: 'O(1)',
    handler(c, argv) {
      const l = readList(c, argv[1]);
      if (l !== null) c.reply.int(l === undefined ? 0 : l.length);
    },
  }),
  list({
    name: 'lindex', arity: 3, flags: 'readonly', keys: [1, 1, 1], since: '1.0.0',
    summary: 'Returns the element at an index of a list (negative indexes count from the tail).',
    complexity: 'O(1) in Shoal (a ring buffer).',
    handler(c, argv) {
      const l = readList(c, argv[1]);
      if (l === null) return;
      if (l === undefined) {
        c.reply.nullBulk();
        return;
      }
      let i = longArg(c, argv[2]);
      if (i === null) return;
      if (i < 0) i += l.length;
      if (i < 0 || i >= l.length) c.reply.nullBulk();
      else c.reply.bulk(l.get(i));
    },
  }),
  list({
    name: 'lset', arity: 4, flags: 'write denyoom', keys: [1, 1, 1], since: '1.0.0',
    keySpecFlags: ['RW', 'UPDATE'],
    summary: 'Replaces the element at an index of a list.',
    complexity: 'O(1) in Shoal (a ring buffer).',
    handler(c, argv) {
      const l = writeList(c, argv[1]);
      if (l === null) return;
      if (l === undefined) {
        c.reply.error(ERR.noSuchKey);
        return;
      }
      let i = longArg(c, argv[2]);
      if (i === null) return;
      if (i < 0) i += l.length;
      if (i < 0 || i >= l.length) {
        c.reply.error(ERR.outOfRange);
        return;
      }
      l.set(i, argv[3]);
      c.db.overwrite(argv[1], l);
      c.reply.ok();
      notifyKeyspaceEvent(NOTIFY_LIST, 'lset', argv[1], c.db.id);
      server.dirty++;
    },
  }),
  list({
    name: 'lrange', arity: 4, flags: 'readonly', keys: [1, 1, 1], since: '1.0.0',
    summary: 'Returns a range of elements of a list (inclusive, negative indexes count from the tail).',
    complexity: 'O(N) where N is the number of elements returned.',
    handler(c, argv) {
      const start = longArg(c, argv[2]);
      if (start === null) return;
      const end = longArg(c, argv[3]);
      if (end === null) return;
      const l = readList(c, argv[1]);
      if (l === null) return;
      if (l === undefined || !clampRange(start, end, l.length)) {
        c.reply.array(0);
        return;
      }
      c.reply.array(clamped.end - clamped.start + 1);
      for (let i = clamped.start; i <= clamped.end; i++) c.reply.bulk(l.get(i));
    },
  }),
  list({
    name: 'ltrim', arity: 4, flags: 'write', keys: [1, 1, 1], since: '1.0.0',
    keySpecFlags: ['RW', 'DELETE'],
    summary: 'Keeps only a range of elements of a list; the list is deleted when emptied.',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    handler(c, argv) {
      const start = longArg(c, argv[2]);
      if (start === null) return;
      const end = longArg(c, argv[3]);
      if (end === null) return;
      const l = writeList(c, argv[1]);
      if (l === null) return;
      if (l === undefined) {
        c.reply.ok();
        return;
      }
      const len = l.length;
      const kept = clampRange(start, end, len);
      const front = kept ? clamped.start : len;
      const back = kept ? len - clamped.end - 1 : 0;
      l.trim(front, back);
      const db = c.db;
      notifyKeyspaceEvent(NOTIFY_LIST, 'ltrim', argv[1], db.id);
      storeOrDelete(db, argv[1], l, l.length === 0);
      server.dirty += front + back;
      c.reply.ok();
    },
  }),
  list({
    name: 'lrem', arity: 4, flags: 'write', keys: [1, 1, 1], since: '1.0.0',
    keySpecFlags: ['RW', 'DELETE'],
    summary: 'Removes occurrences of an element from a list: count > 0 from the head, < 0 from the tail, 0 all.',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    handler(c, argv) {
      const count = longArg(c, argv[2]);
      if (count === null) return;
      const l = writeList(c, argv[1]);
      if (l === null) return;
      if (l === undefined) {
        c.reply.int(0);
        return;
      }
      const removed = l.removeValue(argv[3], Math.abs(count), count < 0);
      const db = c.db;
      if (removed > 0) {
        server.dirty += removed;
        notifyKeyspaceEvent(NOTIFY_LIST, 'lrem', argv[1], db.id);
        storeOrDelete(db, argv[1], l, l.length === 0);
      }
      c.reply.int(removed);
    },
  }),
  list({
    name: 'linsert', arity: 5, flags: 'write denyoom', keys: [1, 1, 1], since: '2.2.0',
    keySpecFlags: ['RW', 'INSERT'],
    summary: 'Inserts an element before or after the first occurrence of a pivot element.',
    complexity: 'O(N) where N is the number of elements to traverse before seeing the value pivot.',
    handler(c, argv) {
      const where = argv[2].toLowerCase();
      if (where !== 'before' && where !== 'after') {
        c.reply.error(ERR.syntax);
        return;
      }
      const l = writeList(c, argv[1]);
      if (l === null) return;
      if (l === undefined) {
        c.reply.int(0);
        return;
      }
      const at = l.indexOf(argv[3]);
      if (at < 0) {
        c.reply.int(-1);
        return;
      }
      l.insert(where === 'before' ? at : at + 1, argv[4]);
      c.db.overwrite(argv[1], l);
      notifyKeyspaceEvent(NOTIFY_LIST, 'linsert', argv[1], c.db.id);
      server.dirty++;
      c.reply.int(l.length);
    },
  }),
  list({
    name: 'lpos', arity: -3, flags: 'readonly', keys: [1, 1, 1], since: '6.0.6',
    summary: 'Returns the indexes of matching elements of a list, optionally from the Nth match, from the tail, or within a scan limit.',
    complexity: 'O(N) where N is the number of elements in the list, for the average case.',
    handler: lposCommand,
  }),
  list({
    name: 'lmove', arity: 5, flags: 'write denyoom', keys: [1, 2, 1], since: '6.2.0',
    keySpecs: [ksIndex('RW access delete', 1), ksIndex('RW insert', 2)],
    summary: 'Pops an element from one end of a list and pushes it onto one end of another list.',
    complexity: 'O(1)',
    handler(c, argv) {
      const from = sideArg(c, argv[3]);
      if (from === null) return;
      const to = sideArg(c, argv[4]);
      if (to === null) return;
      lmoveCommand(c, argv[1], argv[2], from, to);
    },
  }),
  list({
    name: 'rpoplpush', arity: 3, flags: 'write denyoom', keys: [1, 2, 1], since: '1.2.0',
    docs: { docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`LMOVE` with `RIGHT LEFT`' },
    keySpecs: [ksIndex('RW access delete', 1), ksIndex('RW insert', 2)],
    summary: 'Pops the last element of a list and pushes it onto the head of another list.',
    complexity: 'O(1)',
    handler(c, argv) {
      lmoveCommand(c, argv[1], argv[2], false, true);
    },
  }),
  list({
    name: 'lmpop', arity: -4, flags: 'write', since: '7.0.0',
    keySpecs: [ksKeynum('RW access delete', 1)],
    getKeys: (argv) => numkeysKeys(argv, 1),
    summary: 'Pops elements from the first non-empty list among several keys.',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    handler(c, argv) {
      if (!parseMpop(c, argv, 1, 'left', 'right')) return;
      if (mpopFirst(c, argv, 2, mpopArgs.numKeys, mpopArgs.head, mpopArgs.count) === false) c.reply.nullArray();
    },
  }),
  list({
    name: 'blpop', arity: -3, flags: 'write noscript blocking', keys: [1, -2, 1], since: '2.0.0',
    docs: { history: [['6.0.0', 'The timeout is read as a double, not only as an integer.']] },
    keySpecFlags: ['RW', 'ACCESS', 'DELETE'],
    summary: 'Pops the first element of the first non-empty list among several keys, waiting for one when all are empty.',
    complexity: 'O(N) where N is the number of provided keys.',
    handler(c, argv) {
      blockingPop(c, argv, true);
    },
  }),
  list({
    name: 'brpop', arity: -3, flags: 'write noscript blocking', keys: [1, -2, 1], since: '2.0.0',
    docs: { history: [['6.0.0', 'The timeout is read as a double, not only as an integer.']] },
    keySpecFlags: ['RW', 'ACCESS', 'DELETE'],
    summary: 'Pops the last element of the first non-empty list among several keys, waiting for one when all are empty.',
    complexity: 'O(N) where N is the number of provided keys.',
    handler(c, argv) {
      blockingPop(c, argv, false);
    },
  }),
  list({
    name: 'blmove', arity: 6, flags: 'write denyoom noscript blocking', keys: [1, 2, 1], since: '6.2.0',
    keySpecs: [ksIndex('RW access delete', 1), ksIndex('RW insert', 2)],
    summary: 'Moves an element from one end of a list to one end of another, waiting for the source to get one when empty.',
    complexity: 'O(1)',
    handler(c, argv) {
      const from = sideArg(c, argv[3]);
      if (from === null) return;
      const to = sideArg(c, argv[4]);
      if (to === null) return;
      blockingMove(c, argv, from, to, 5);
    },
  }),
  list({
    name: 'brpoplpush', arity: 4, flags: 'write denyoom noscript blocking', keys: [1, 2, 1], since: '2.2.0',
    docs: {
      docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`BLMOVE` with `RIGHT LEFT`',
      history: [['6.0.0', 'The timeout is read as a double, not only as an integer.']],
    },
    keySpecs: [ksIndex('RW access delete', 1), ksIndex('RW insert', 2)],
    summary: 'Moves the last element of a list to the head of another, waiting for the source to get one when empty.',
    complexity: 'O(1)',
    handler(c, argv) {
      blockingMove(c, argv, false, true, 3);
    },
  }),
  list({
    name: 'blmpop', arity: -5, flags: 'write blocking', since: '7.0.0',
    keySpecs: [ksKeynum('RW access delete', 2)],
    getKeys: (argv) => numkeysKeys(argv, 2),
    summary: 'Pops elements from the first non-empty list among several keys, waiting for one when all are empty.',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    handler(c, argv) {
      const deadline = parseTimeout(c, argv[1]);
      if (deadline === -1) return;
      if (!parseMpop(c, argv, 2, 'left', 'right')) return;
      const numKeys = mpopArgs.numKeys;
      const first = firstBlockingKey(argv, 3);
      const n = servedKey() === null ? numKeys : 1;
      if (mpopFirst(c, argv, first, n, mpopArgs.head, mpopArgs.count) !== false) return;
      if (!mayBlock(c)) c.reply.nullArray();
      else blockForKeys(c, lookupCommand(argv)!, argv, argv.slice(3, 3 + numKeys), 'list', deadline, TimeoutReply.NullArray);
    },
  }),
];
