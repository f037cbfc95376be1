// Set commands. Values are SetValue (a Set with Redis 7.0's intset/hashtable state); an emptied set
// is deleted at once.

import { ERR } from '../errors.js';
import { SetValue } from '../keyspace/types/set.js';
import { freedValue, lazyfree } from '../keyspace/lazyfree.js';
import { notifyKeyspaceEvent, NOTIFY_GENERIC, NOTIFY_SET } from '../keyspace/notify.js';
import { parseScanCursor, parseScanOptions, replyEmptyScan, scanCollection, type ScanCollection } from '../keyspace/scan.js';
import type { Client } from '../server/client.js';
import { propagate } from '../server/propagate.js';
import { server } from '../server/state.js';
import { deleteStored, numkeysKeys, ofType, storeOrDelete } from './list.js';
import { LONG_MAX, rangeArg } from './int-args.js';
import type { CommandDef } from './spec.js';
import { ksIndex, ksKeynum } from './keyspecs.js';

/** SPOP with a count keeps the survivors in a rebuilt set when it takes most of the set (Redis's case 3). */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** Below size / 3, distinct random members are drawn one by one rather than by shuffling them all. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

const readSet = (c: Client, key: string): SetValue | undefined | null => ofType(c, c.db.lookupRead(key), SetValue);
const writeSet = (c: Client, key: string): SetValue | undefined | null => ofType(c, c.db.lookupWrite(key), SetValue);

/** Reply a whole set (a RESP3 set), in Redis's iteration order. */
function replyMembers(c: Client, s: SetValue): void {
  c.reply.set(s.size);
  for (const m of s.ordered()) c.reply.bulk(m);
}

/** The sets at argv[first .. first+n): undefined for missing keys; null after replying WRONGTYPE. */
function loadSets(c: Client, argv: string[], first: number, n: number): (SetValue | undefined)[] | null {
  const sets: (SetValue | undefined)[] = [];
  for (let i = first; i < first + n; i++) {
    const s = readSet(c, argv[i]);
    if (s === null) return null;
    sets.push(s);
  }
  return sets;
}

/** Store a computed set at dst (replacing whatever was there) or delete dst when it is empty. */
function storeResult(c: Client, dst: string, result: SetValue, event: string): void {
  const db = c.db;
  if (result.size > 0) {
    db.set(dst, result);
    c.reply.int(result.size);
    notifyKeyspaceEvent(NOTIFY_SET, event, dst, db.id);
    server.dirty++;
    return;
  }
  c.reply.int(0);
  if (db.lookupWrite(dst) !== undefined) deleteStored(db, dst);
}

/** SINTER, SINTERSTORE (dst) and SINTERCARD (cardOnly, limit 0 = none). */
function sinter(c: Client, argv: string[], first: number, n: number, dst: string | null, cardOnly: boolean, limit: number): void {
  const loaded = loadSets(c, argv, first, n);
  if (loaded === null) return;
  if (loaded.includes(undefined)) {
    if (dst !== null) storeResult(c, dst, new SetValue(), 'sinterstore');
    else if (cardOnly) c.reply.int(0);
    else c.reply.set(0);
    return;
  }
  // Redis walks the smallest set and probes the others.
  const sets = (loaded as SetValue[]).sort((a, b) => a.size - b.size);
  const smallest = sets[0];
  const out: string[] = [];
  let card = 0;
  for (const m of smallest.ordered()) {
    let j = 1;
    for (; j < sets.length; j++) if (sets[j] !== smallest && !sets[j].has(m)) break;
    if (j < sets.length) continue;
    card++;
    if (cardOnly) {
      if (limit !== 0 && card >= limit) break;
    } else {
      out.push(m);
    }
  }
  if (cardOnly) {
    c.reply.int(card);
  } else if (dst !== null) {
    const result = new SetValue();
    for (let i = 0; i < out.length; i++) result.add(out[i]);
    storeResult(c, dst, result, 'sinterstore');
  } else {
    c.reply.set(out.length);
    for (let i = 0; i < out.length; i++) c.reply.bulk(out[i]);
  }
}

/** SUNION / SDIFF and their STORE forms. */
function sunionDiff(c: Client, argv: string[], first: number, n: number, dst: string | null, union: boolean): void {
  const sets = loadSets(c, argv, first, n);
  if (sets === null) return;
  const result = new SetValue();
  if (union) {
    for (const s of sets) if (s !== undefined) for (const m of s.values()) result.add(m);
  } else {
    const base = sets[0];
    // SDIFF a ... a is empty: the first set is subtracted from itself.
    if (base !== undefined && !sets.includes(base, 1)) {
      for (const m of base.values()) {
        let j = 1;
        for (; j < sets.length; j++) if (sets[j] !== undefined && sets[j]!.has(m)) break;
        if (j === sets.length) result.add(m);
      }
    }
  }
  if (dst === null) {
    replyMembers(c, result);
    // Redis frees its temporary result set lazily too with lazyfree-lazy-server-del.
    freedValue(result, lazyfree.serverDel);
  } else storeResult(c, dst, result, union ? 'sunionstore' : 'sdiffstore');
}

function srandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.reply.error(ERR.syntax);
    return;
  }
  if (argv.length === 2) {
    const s = readSet(c, argv[1]);
    if (s === null) return;
    if (s === undefined) c.reply.nullBulk();
    else c.reply.bulk(s.random());
    return;
  }
  const l = rangeArg(c, argv[2], -LONG_MAX, LONG_MAX, null);
  if (l === null) return;
  const s = readSet(c, argv[1]);
  if (s === null) return;
  if (s === undefined || l === 0) {
    c.reply.array(0);
    return;
  }
  const count = Math.abs(l);
  if (l < 0 || count === 1) {
    c.reply.array(count);
    for (let i = 0; i < count; i++) c.reply.bulk(s.random());
    return;
  }
  if (count >= s.size) {
    c.reply.array(s.size);
    for (const m of s.ordered()) c.reply.bulk(m);
    return;
  }
  const picked = pickDistinct(s, count);
  c.reply.array(count);
  for (let i = 0; i < count; i++) c.reply.bulk(picked[i]);
}

/**
 * count < size distinct random members: repeated picks when count is small next to the set (as
 * Redis does, O(count)), else a partial Fisher-Yates shuffle of all members.
 */
function pickDistinct(s: SetValue, count: number): string[] {
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL <= s.size) {
    const picked = new Set<string>();
    while (picked.size < count) picked.add(s.random());
    return Array.from(picked);
  }
  const all = Array.from(s.values());
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (all.length - i));
    const t = all[j];
    all[j] = all[i];
    all[i] = t;
  }
  all.length = count;
  return all;
}

function spopCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.reply.error(ERR.syntax);
    return;
  }
  const key = argv[1];
  const db = c.db;
  if (argv.length === 2) {
    const s = writeSet(c, key);
    if (s === null) return;
    if (s === undefined) {
      c.reply.nullBulk();
      return;
    }
    const m = s.random();
    s.delete(m);
    notifyKeyspaceEvent(NOTIFY_SET, 'spop', key, db.id);
    c.propagateArgv = ['SREM', key, m];
    c.reply.bulk(m);
    storeOrDelete(c.db, key, s, s.size === 0);
    server.dirty++;
    return;
  }
  const count = rangeArg(c, argv[2], 0n, LONG_MAX, ERR.negativeCount);
  if (count === null) return;
  const s = writeSet(c, key);
  if (s === null) return;
  if (s === undefined || count === 0) {
    c.reply.set(0);
    return;
  }
  const size = s.size;
  notifyKeyspaceEvent(NOTIFY_SET, 'spop', key, db.id);
  server.dirty += count >= size ? size : count;
  if (count >= size) {
    // Everything goes: reply like SUNION of the one set, then the key is deleted.
    const all = new SetValue();
    for (const m of s.values()) all.add(m);
    replyMembers(c, all);
    freedValue(all, lazyfree.serverDel);
    db.delete(key);
    freedValue(s, lazyfree.serverDel);
    notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', key, db.id);
    c.propagateArgv = ['DEL', key];
    return;
  }
  // One SREM per popped member keeps replicas deterministic.
  c.propagateArgv = [];
  c.reply.set(count);
  for (const m of pickDistinct(s, count)) {
    s.delete(m);
    c.reply.bulk(m);
    propagate(db.id, ['SREM', key, m]);
  }
  if ((size - count) * SPOP_MOVE_STRATEGY_MUL <= count) s.reencode();
  db.overwrite(key, s);
}

function smoveCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const [, src, dst, m] = argv;
  const srcSet = db.lookupWrite(src);
  const dstSet = db.lookupWrite(dst);
  if (srcSet === undefined) {
    c.reply.int(0);
    return;
  }
  if (!(srcSet instanceof SetValue) || (dstSet !== undefined && !(dstSet instanceof SetValue))) {
    c.reply.error(ERR.wrongType);
    return;
  }
  if (srcSet === dstSet) {
    c.reply.int(srcSet.has(m) ? 1 : 0);
    return;
  }
  if (!srcSet.delete(m)) {
    c.reply.int(0);
    return;
  }
  notifyKeyspaceEvent(NOTIFY_SET, 'srem', src, db.id);
  storeOrDelete(c.db, src, srcSet, srcSet.size === 0);
  let target = dstSet;
  if (target === undefined) {
    target = new SetValue();
    db.set(dst, target);
  }
  server.dirty++;
  if (target.add(m)) {
    server.dirty++;
    db.overwrite(dst, target);
    notifyKeyspaceEvent(NOTIFY_SET, 'sadd', dst, db.id);
  }
  c.reply.int(1);
}

/**
 * SSCAN key cursor [MATCH p] [COUNT n]. An intset comes back whole and ascending, as Redis walks
 * it; a hashtable set by cursor.
 */
function sscanCommand(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(c, argv[2]);
  if (cursor < 0) return;
  const s = readSet(c, argv[1]);
  if (s === null) return;
  if (s === undefined) {
    replyEmptyScan(c);
    return;
  }
  if (!parseScanOptions(c, argv, 3, false)) return;
  if (s.intset) scanCollection(c, argv[1], s, new Set(s.ordered()), cursor, null, true);
  else scanCollection(c, argv[1], s, s.members as ScanCollection<number>, cursor, null, false);
}

const set = (def: Omit<CommandDef, 'group' | 'acl'>): CommandDef => ({ group: 'set', acl: 'set', ...def });

export const commands: CommandDef[] = [
  set({
    name: 'sadd', arity: -3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0',
    docs: { history: [['2.4.0', 'Several members in one call.']] },
    keySpecFlags: ['RW', 'INSERT'],
    summary: 'Adds members to a set, creating it when missing; replies how many were new.',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    handler(c, argv) {
      const key = argv[1];
      let s = writeSet(c, key);
      if (s === null) return;
      if (s === undefined) {
        s = new SetValue();
        c.db.set(key, s);
      }
      let added = 0;
      for (let i = 2; i < argv.length; i++) if (s.add(argv[i])) added++;
      if (added > 0) {
        c.db.overwrite(key, s);
        notifyKeyspaceEvent(NOTIFY_SET, 'sadd', key, c.db.id);
      }
      server.dirty += added;
      c.reply.int(added);
    },
  }),
  set({
    name: 'srem', arity: -3, flags: 'write fast', keys: [1, 1, 1], since: '1.0.0',
    docs: { history: [['2.4.0', 'Several members in one call.']] },
    keySpecFlags: ['RW', 'DELETE'],
    summary: 'Removes members from a set; the set is deleted when emptied.',
    complexity: 'O(N) where N is the number of members to be removed.',
    handler(c, argv) {
      const s = writeSet(c, argv[1]);
      if (s === null) return;
      if (s === undefined) {
        c.reply.int(0);
        return;
      }
      let deleted = 0;
      for (let i = 2; i < argv.length && s.size > 0; i++) if (s.delete(argv[i])) deleted++;
      if (deleted > 0) {
        notifyKeyspaceEvent(NOTIFY_SET, 'srem', argv[1], c.db.id);
        storeOrDelete(c.db, argv[1], s, s.size === 0);
        server.dirty += deleted;
      }
      c.reply.int(deleted);
    },
  }),
  set({
    name: 'sismember', arity: 3, flags: 'readonly fast', keys: [1, 1, 1], since: '1.0.0',
    keySpecFlags: ['RO'],
    summary: 'Tells whether a member belongs to a set.', complexity: 'O(1)',
    handler(c, argv) {
      const s = readSet(c, argv[1]);
      if (s !== null) c.reply.int(s !== undefined && s.has(argv[2]) ? 1 : 0);
    },
  }),
  set({
    name: 'smismember', arity: -3, flags: 'readonly fast', keys: [1, 1, 1], since: '6.2.0',
    summary: 'Tells, for each of several members, whether it belongs to a set.',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    handler(c, argv) {
      const s = readSet(c, argv[1]);
      if (s === null) return;
      c.reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) c.reply.int(s !== undefined && s.has(argv[i]) ? 1 : 0);
    },
  }),
  set({
    name: 'scard', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], since: '1.0.0',
    keySpecFlags: ['RO'],
    summary: 'Returns the number of members of a set.', complexity: 'O(1)',
    handler(c, argv) {
      const s = readSet(c, argv[1]);
      if (s !== null) c.reply.int(s === undefined ? 0 : s.size);
    },
  }),
  set({
    name: 'smembers', arity: 2, flags: 'readonly', keys: [1, 1, 1], since: '1.0.0',
    summary: 'Returns all members of a set.', complexity: 'O(N) where N is the set cardinality.',
    tips: ['nondeterministic_output_order'],
    handler(c, argv) {
      const s = readSet(c, argv[1]);
      if (s === null) return;
      if (s === undefined) c.reply.set(0);
      else replyMembers(c, s);
    },
  }),
  set({
    name: 'sscan', arity: -3, flags: 'readonly', keys: [1, 1, 1], since: '2.8.0',
    tips: ['nondeterministic_output'],
    summary: 'Walks the members of a set a batch at a time.',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    handler: sscanCommand,
  }),
  set({
    name: 'srandmember', arity: -2, flags: 'readonly', keys: [1, 1, 1], since: '1.0.0',
    docs: { history: [['2.6.0', 'count argument.']] },
    summary: 'Returns random members of a set; a negative count allows repeats.',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    tips: ['nondeterministic_output'],
    handler: srandmemberCommand,
  }),
  set({
    name: 'spop', arity: -2, flags: 'write fast', keys: [1, 1, 1], since: '1.0.0',
    docs: { history: [['3.2.0', 'count argument.']] },
    keySpecFlags: ['RW', 'ACCESS', 'DELETE'],
    summary: 'Removes and returns random members of a set; the set is deleted when emptied.',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    tips: ['nondeterministic_output'],
    handler: spopCommand,
  }),
  set({
    name: 'smove', arity: 4, flags: 'write fast', keys: [1, 2, 1], since: '1.0.0',
    keySpecs: [ksIndex('RW access delete', 1), ksIndex('RW insert', 2)],
    summary: 'Moves a member from one set to another.', complexity: 'O(1)',
    handler: smoveCommand,
  }),
  set({
    name: 'sinter', arity: -2, flags: 'readonly', keys: [1, -1, 1], since: '1.0.0',
    summary: 'Returns the intersection of sets.',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    tips: ['nondeterministic_output_order'],
    handler(c, argv) {
      sinter(c, argv, 1, argv.length - 1, null, false, 0);
    },
  }),
  set({
    name: 'sintercard', arity: -3, flags: 'readonly', since: '7.0.0',
    keySpecs: [ksKeynum('RO access', 1)],
    getKeys: (argv) => numkeysKeys(argv, 1),
    summary: 'Returns the cardinality of the intersection of sets, optionally stopping at a limit.',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    handler(c, argv) {
      const n = rangeArg(c, argv[1], 1n, LONG_MAX, ERR.numkeysNotPositive);
      if (n === null) return;
      if (n > argv.length - 2) {
        c.reply.error(ERR.numkeysTooBig);
        return;
      }
      let limit = 0;
      for (let i = 2 + n; i < argv.length; i++) {
        if (argv[i].toLowerCase() === 'limit' && i + 1 < argv.length) {
          const l = rangeArg(c, argv[++i], 0n, LONG_MAX, ERR.limitNegative);
          if (l === null) return;
          limit = l;
        } else {
          c.reply.error(ERR.syntax);
          return;
        }
      }
      sinter(c, argv, 2, n, null, true, limit);
    },
  }),
  set({
    name: 'sinterstore', arity: -3, flags: 'write denyoom', keys: [1, -1, 1], since: '1.0.0',
    keySpecs: [ksIndex('RW update', 1), ksIndex('RO access', 2, -1)],
    summary: 'Stores the intersection of sets in a key, replacing it.',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    handler(c, argv) {
      sinter(c, argv, 2, argv.length - 2, argv[1], false, 0);
    },
  }),
  set({
    name: 'sunion', arity: -2, flags: 'readonly', keys: [1, -1, 1], since: '1.0.0',
    summary: 'Returns the union of sets.', complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    handler(c, argv) {
      sunionDiff(c, argv, 1, argv.length - 1, null, true);
    },
  }),
  set({
    name: 'sunionstore', arity: -3, flags: 'write denyoom', keys: [1, -1, 1], since: '1.0.0',
    keySpecs: [ksIndex('OW update', 1), ksIndex('RO access', 2, -1)],
    summary: 'Stores the union of sets in a key, replacing it.',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    handler(c, argv) {
      sunionDiff(c, argv, 2, argv.length - 2, argv[1], true);
    },
  }),
  set({
    name: 'sdiff', arity: -2, flags: 'readonly', keys: [1, -1, 1], since: '1.0.0',
    summary: 'Returns the members of the first set that are in none of the others.',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    handler(c, argv) {
      sunionDiff(c, argv, 1, argv.length - 1, null, false);
    },
  }),
  set({
    name: 'sdiffstore', arity: -3, flags: 'write denyoom', keys: [1, -1, 1], since: '1.0.0',
    keySpecs: [ksIndex('OW update', 1), ksIndex('RO access', 2, -1)],
    summary: 'Stores the difference of sets in a key, replacing it.',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    handler(c, argv) {
      sunionDiff(c, argv, 2, argv.length - 2, argv[1], false);
    },
  }),
];
