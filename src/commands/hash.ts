// Hash commands. Values are HashValue (a Map); an emptied hash is deleted at once.

import { ERR } from '../errors.js';
import { HashValue } from '../keyspace/types/hash.js';
import { notifyKeyspaceEvent, NOTIFY_HASH } from '../keyspace/notify.js';
import { parseScanCursor, parseScanOptions, replyEmptyScan, scanCollection } from '../keyspace/scan.js';
import { parseInt64 } from '../protocol/format.js';
import { addLongDouble, formatLongDoubleHuman, LD_ZERO, parseLongDouble } from '../protocol/longdouble.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import { ofType, storeOrDelete } from './list.js';
import { randCountArg } from './int-args.js';
import type { CommandDef } from './spec.js';
import { addInt64, parseIncrement } from './string.js';

const readHash = (c: Client, key: string): HashValue | undefined | null => ofType(c, c.db.lookupRead(key), HashValue);

const valueText = (v: string): string => v;

/** HSCAN key cursor [MATCH p] [COUNT n]: like Redis, the cursor is checked before the key, the options after. */
function hscanCommand(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(c, argv[2]);
  if (cursor < 0) return;
  const h = readHash(c, argv[1]);
  if (h === null) return;
  if (h === undefined) replyEmptyScan(c);
  else if (parseScanOptions(c, argv, 3, false)) scanCollection(c, argv[1], h, h.map, cursor, valueText, h.listpack);
}

/**
 * The hash at key for a write, created (and stored) when missing; null after replying WRONGTYPE.
 * Callers signal the change (db.overwrite) only once they made one.
 */
function hashForWrite(c: Client, key: string): HashValue | null {
  const v = ofType(c, c.db.lookupWrite(key), HashValue);
  if (v !== undefined) return v;
  const h = new HashValue();
  c.db.set(key, h);
  return h;
}

function hsetCommand(c: Client, argv: string[], replyOk: boolean): void {
  if (argv.length % 2 === 1) {
    c.reply.error(ERR.wrongArity(replyOk ? 'hmset' : 'hset'));
    return;
  }
  const h = hashForWrite(c, argv[1]);
  if (h === null) return;
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i], argv[i + 1])) created++;
  c.db.overwrite(argv[1], h);
  if (replyOk) c.reply.ok();
  else c.reply.int(created);
  notifyKeyspaceEvent(NOTIFY_HASH, 'hset', argv[1], c.db.id);
  server.dirty += (argv.length - 2) / 2;
}

/** HKEYS / HVALS / HGETALL. */
function getAll(c: Client, key: string, keys: boolean, values: boolean): void {
  const h = readHash(c, key);
  if (h === null) return;
  const n = h === undefined ? 0 : h.size;
  if (keys && values) c.reply.map(n);
  else c.reply.array(n);
  if (h === undefined) return;
  for (const [f, v] of h.map) {
    if (keys) c.reply.bulk(f);
    if (values) c.reply.bulk(v);
  }
}

/** One field (and value) of an HRANDFIELD reply; RESP3 pairs are two-element arrays. */
function replyField(c: Client, h: HashValue, f: string, withValues: boolean): void {
  if (!withValues) {
    c.reply.bulk(f);
    return;
  }
  if (c.resp === 3) c.reply.array(2);
  c.reply.bulk(f);
  c.reply.bulk(h.map.get(f)!);
}

function hrandfieldCommand(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    const h = readHash(c, argv[1]);
    if (h === null) return;
    if (h === undefined) {
      c.reply.nullBulk();
      return;
    }
    c.reply.bulk(randomKey(h));
    return;
  }
  const l = randCountArg(c, argv, 'withvalues');
  if (l === null) return;
  const withValues = argv.length === 4;
  const h = readHash(c, argv[1]);
  if (h === null) return;
  if (h === undefined || l === 0) {
    c.reply.array(0);
    return;
  }
  const count = Math.abs(l);
  const size = h.size;
  const perItem = withValues && c.resp === 2 ? 2 : 1;
  if (count === 1) {
    c.reply.array(perItem);
    replyField(c, h, randomKey(h), withValues);
    return;
  }
  if (l < 0) {
    // Repetitions allowed: independent picks.
    const fields = Array.from(h.map.keys());
    c.reply.array(count * perItem);
    for (let i = 0; i < count; i++) replyField(c, h, fields[Math.floor(Math.random() * size)], withValues);
    return;
  }
  if (count >= size) {
    c.reply.array(size * perItem);
    for (const f of h.map.keys()) replyField(c, h, f, withValues);
    return;
  }
  // Distinct picks: a partial Fisher-Yates shuffle of the field names.
  const fields = Array.from(h.map.keys());
  c.reply.array(count * perItem);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    const f = fields[j];
    fields[j] = fields[i];
    replyField(c, h, f, withValues);
  }
}

/** A uniformly random field of a non-empty hash (O(n): hashes rarely need random access). */
function randomKey(h: HashValue): string {
  let i = Math.floor(Math.random() * h.size);
  for (const f of h.map.keys()) if (i-- === 0) return f;
  throw new Error('unreachable: empty hash');
}


const hash = (def: Omit<CommandDef, 'group' | 'acl'>): CommandDef => ({ group: 'hash', acl: 'hash', ...def });

export const commands: CommandDef[] = [
  hash({
    name: 'hset', arity: -4, flags: 'write denyoom fast', keys: [1, 1, 1], since: '2.0.0',
    docs: { history: [['4.0.0', 'Several field-value pairs in one call.']] },
    keySpecFlags: ['RW', 'UPDATE'],
    summary: 'Sets field values of a hash, creating it when missing; replies how many fields were new.',
    complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    handler(c, argv) {
      hsetCommand(c, argv, false);
    },
  }),
  hash({
    name: 'hmset', arity: -4, flags: 'write denyoom fast', keys: [1, 1, 1], since: '2.0.0',
    docs: { docFlags: ['deprecated'], deprecatedSince: '4.0.0', replacedBy: '`HSET` with several field-value pairs' },
    keySpecFlags: ['RW', 'UPDATE'],
    summary: 'Sets field values of a hash (deprecated form of HSET replying OK).',
    complexity: 'O(N) where N is the number of fields being set.',
    handler(c, argv) {
      hsetCommand(c, argv, true);
    },
  }),
  hash({
    name: 'hsetnx', arity: 4, flags: 'write denyoom fast', keys: [1, 1, 1], since: '2.0.0',
    keySpecFlags: ['RW', 'INSERT'],
    summary: 'Sets a field of a hash only when the field does not exist.', complexity: 'O(1)',
    handler(c, argv) {
      const h = hashForWrite(c, argv[1]);
      if (h === null) return;
      if (h.map.has(argv[2])) {
        c.reply.int(0);
        return;
      }
      h.set(argv[2], argv[3]);
      c.db.overwrite(argv[1], h);
      c.reply.int(1);
      notifyKeyspaceEvent(NOTIFY_HASH, 'hset', argv[1], c.db.id);
      server.dirty++;
    },
  }),
  hash({
    name: 'hget', arity: 3, flags: 'readonly fast', keys: [1, 1, 1], since: '2.0.0',
    summary: 'Returns the value of a field of a hash.', complexity: 'O(1)',
    handler(c, argv) {
      const h = readHash(c, argv[1]);
      if (h !== null) c.reply.bulkOrNull(h?.map.get(argv[2]));
    },
  }),
  hash({
    name: 'hmget', arity: -3, flags: 'readonly fast', keys: [1, 1, 1], since: '2.0.0',
    summary: 'Returns the values of several fields of a hash.',
    complexity: 'O(N) where N is the number of fields being requested.',
    handler(c, argv) {
      const h = readHash(c, argv[1]);
      if (h === null) return;
      c.reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) c.reply.bulkOrNull(h?.map.get(argv[i]));
    },
  }),
  hash({
    name: 'hdel', arity: -3, flags: 'write fast', keys: [1, 1, 1], since: '2.0.0',
    docs: { history: [['2.4.0', 'Several fields in one call.']] },
    keySpecFlags: ['RW', 'DELETE'],
    summary: 'Deletes fields of a hash; the hash is deleted when emptied.',
    complexity: 'O(N) where N is the number of fields to be removed.',
    handler(c, argv) {
      const db = c.db;
      const v = ofType(c, db.lookupWrite(argv[1]), HashValue);
      if (v === null) return;
      if (v === undefined) {
        c.reply.int(0);
        return;
      }
      let deleted = 0;
      for (let i = 2; i < argv.length && v.size > 0; i++) if (v.map.delete(argv[i])) deleted++;
      if (deleted > 0) {
        notifyKeyspaceEvent(NOTIFY_HASH, 'hdel', argv[1], db.id);
        storeOrDelete(db, argv[1], v, v.size === 0);
        server.dirty += deleted;
      }
      c.reply.int(deleted);
    },
  }),
  hash({
    name: 'hlen', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], since: '2.0.0',
    keySpecFlags: ['RO'],
    summary: 'Returns the number of fields in a hash.', complexity: 'O(1)',
    handler(c, argv) {
      const h = readHash(c, argv[1]);
      if (h !== null) c.reply.int(h === undefined ? 0 : h.size);
    },
  }),
  hash({
    name: 'hstrlen', arity: 3, flags: 'readonly fast', keys: [1, 1, 1], since: '3.2.0',
    keySpecFlags: ['RO'],
    summary: 'Returns the length in bytes of the value of a field of a hash.', complexity: 'O(1)',
    handler(c, argv) {
      const h = readHash(c, argv[1]);
      if (h !== null) c.reply.int(h?.map.get(argv[2])?.length ?? 0);
    },
  }),
  hash({
    name: 'hexists', arity: 3, flags: 'readonly fast', keys: [1, 1, 1], since: '2.0.0',
    keySpecFlags: ['RO'],
    summary: 'Tells whether a field exists in a hash.', complexity: 'O(1)',
    handler(c, argv) {
      const h = readHash(c, argv[1]);
      if (h !== null) c.reply.int(h !== undefined && h.map.has(argv[2]) ? 1 : 0);
    },
  }),
  hash({
    name: 'hkeys', arity: 2, flags: 'readonly', keys: [1, 1, 1], since: '2.0.0',
    summary: 'Returns all field names of a hash.', complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'],
    handler(c, argv) {
      getAll(c, argv[1], true, false);
    },
  }),
  hash({
    name: 'hvals', arity: 2, flags: 'readonly', keys: [1, 1, 1], since: '2.0.0',
    summary: 'Returns all values of a hash.', complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'],
    handler(c, argv) {
      getAll(c, argv[1], false, true);
    },
  }),
  hash({
    name: 'hgetall', arity: 2, flags: 'readonly', keys: [1, 1, 1], since: '2.0.0',
    summary: 'Returns all fields and values of a hash.', complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'],
    handler(c, argv) {
      getAll(c, argv[1], true, true);
    },
  }),
  hash({
    name: 'hincrby', arity: 4, flags: 'write denyoom fast', keys: [1, 1, 1], since: '2.0.0',
    summary: 'Adds an integer to the integer value of a field of a hash (a missing field counts as 0).', complexity: 'O(1)',
    handler(c, argv) {
      const incr = parseIncrement(c, argv[3]);
      if (incr === null) return;
      const h = hashForWrite(c, argv[1]);
      if (h === null) return;
      let cur: number | bigint = 0;
      const old = h.map.get(argv[2]);
      if (old !== undefined) {
        const n = parseInt64(old);
        if (n === null) {
          c.reply.error(ERR.hashNotInteger);
          return;
        }
        cur = n;
      }
      const result = addInt64(cur, incr);
      if (result === null) {
        c.reply.error(ERR.incrOverflow);
        return;
      }
      h.set(argv[2], String(result));
      c.db.overwrite(argv[1], h);
      c.reply.int(result);
      notifyKeyspaceEvent(NOTIFY_HASH, 'hincrby', argv[1], c.db.id);
      server.dirty++;
    },
  }),
  hash({
    name: 'hincrbyfloat', arity: 4, flags: 'write denyoom fast', keys: [1, 1, 1], since: '2.6.0',
    summary: 'Adds a floating point number to the value of a field of a hash (a missing field counts as 0).', complexity: 'O(1)',
    handler(c, argv) {
      const incr = parseLongDouble(argv[3]);
      if (incr === null) {
        c.reply.error(ERR.notFloat);
        return;
      }
      if (incr.inf) {
        c.reply.error(ERR.nanOrInfinity);
        return;
      }
      const h = hashForWrite(c, argv[1]);
      if (h === null) return;
      const old = h.map.get(argv[2]);
      const cur = old === undefined ? LD_ZERO : parseLongDouble(old);
      if (cur === null) {
        c.reply.error(ERR.hashNotFloat);
        return;
      }
      const result = addLongDouble(cur, incr);
      if (result === null) {
        c.reply.error(ERR.incrNanOrInf);
        return;
      }
      const text = formatLongDoubleHuman(result);
      h.set(argv[2], text);
      c.db.overwrite(argv[1], h);
      c.reply.bulk(text);
      notifyKeyspaceEvent(NOTIFY_HASH, 'hincrbyfloat', argv[1], c.db.id);
      server.dirty++;
      // Replicas get the result, not the float arithmetic.
      c.propagateArgv = ['HSET', argv[1], argv[2], text];
    },
  }),
  hash({
    name: 'hscan', arity: -3, flags: 'readonly', keys: [1, 1, 1], since: '2.8.0',
    tips: ['nondeterministic_output'],
    summary: 'Walks the fields and values of a hash a batch at a time.',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    handler: hscanCommand,
  }),
  hash({
    name: 'hrandfield', arity: -2, flags: 'readonly', keys: [1, 1, 1], since: '6.2.0',
    summary: 'Returns random fields of a hash; a negative count allows repeats; WITHVALUES adds values.',
    complexity: 'O(N) where N is the number of fields returned',
    tips: ['nondeterministic_output'],
    handler: hrandfieldCommand,
  }),
];
