// SCAN, HSCAN, SSCAN and ZSCAN cursors over the keyspace's tables and JS Maps and Sets.
//
// Redis's cursor is a position in a hash table's bucket array; a JS Map exposes no buckets. What
// it does have is a live iterator that keeps working across inserts, deletes and rehashes: it
// visits entries added meanwhile and skips entries deleted before it reaches them. So every element
// present for the whole iteration is returned exactly once, which is more than Redis promises.
// Keys added meanwhile come after every older key, so an iteration stops once it has read as many
// entries as the collection held when it began: by then it has passed every key that was present
// throughout, and writers adding keys faster than a client scans cannot keep it going forever.
// The keyspace's KeyDict has buckets and walks them with Redis's own cursor (liveKeys), which
// ends by itself and gives the same guarantee, so no such bound applies to it.
// The cursor a client holds is a handle naming a server-side iterator in both cases. The trade-offs:
// - State lives on the server, in a bounded table: at most MAX_CURSORS iterators, the least
//   recently used evicted first, any idle for IDLE_MS dropped. An iterator keeps its collection
//   reachable, so a periodic sweep also drops those whose collection left the keyspace (DEL,
//   FLUSHDB, SWAPDB): an abandoned cursor pins a deleted collection for SWEEP_MS at most.
// - Every step issues a fresh id and forgets the one it was given. A cursor that names no live
//   iterator (evicted, repeated after a lost reply, from another server or before a restart)
//   starts the iteration again from the beginning: duplicates, which the contract allows, never
//   losses. A cursor whose collection was replaced (FLUSHDB, SWAPDB, a key deleted and created
//   again) restarts on the new collection the same way.
// - Ids count up from a random offset, so a cursor kept across a restart is unlikely to name a
//   stranger's iterator.
// Small collections that Redis keeps in a compact encoding (listpack, intset) are returned whole
// with cursor 0, as Redis does; callers say so with `whole`.

import { ERR } from '../errors.js';
import { parseInt64 } from '../protocol/format.js';
import type { Client } from '../server/client.js';
import { globMatch } from '../util/glob.js';
import { typeName, type Db } from './db.js';
import { KeyDict } from './keydict.js';

/** A collection SCAN can walk: keys or fields to values, or set members. */
export type ScanCollection<V> = Map<string, V> | Set<string> | KeyDict<V>;

export interface ScanOptions {
  /** MATCH pattern; null when absent or "*" (Redis skips matching for a lone "*"). */
  pattern: string | null;
  count: number;
  /** TYPE filter in lowercase (SCAN only), or null. */
  type: string | null;
}

/** The options of the command being run, filled by parseScanOptions (one command runs at a time). */
export const scanOptions: ScanOptions = { pattern: null, count: 10, type: null };

interface ScanState {
  coll: ScanCollection<unknown>;
  /** Where the collection lives: the database, and the key holding `owner` (null for SCAN). */
  db: Db;
  key: string | null;
  owner: unknown;
  it: Iterator<string>;
  /** The element read ahead to learn whether the iteration had ended, not yet returned. */
  pending: string | null;
  /** Entries still to read: the size at the start minus those read (see above); Infinity for a KeyDict. */
  remaining: number;
  lastUse: number;
}

const MAX_CURSORS = 4096;
const IDLE_MS = 5 * 60 * 1000;
const SWEEP_MS = 10 * 1000;
/** Cursors above this are never issued (they would not survive as JS numbers). */
const NO_CURSOR = 2 ** 53;

/** Live iterators by cursor id; Map order is least recently used first, as each step re-inserts. */
const states = new Map<number, ScanState>();
let nextId = 1 + Math.floor(Math.random() * 2 ** 40);
let sweeper: NodeJS.Timeout | null = null;

// Per-call scratch, reused so a SCAN step allocates only what it replies.
const names: string[] = [];
const values: unknown[] = [];

const EMPTY_SCAN = Buffer.from('*2\r\n$1\r\n0\r\n*0\r\n', 'latin1');

/** The reply of a SCAN-family command on a missing key. */
export function replyEmptyScan(c: Client): void {
  c.reply.raw(EMPTY_SCAN);
}

const isSpace = (ch: number): boolean => ch === 32 || (ch >= 9 && ch <= 13);

/**
 * Parse a cursor as Redis does with strtoul: optional sign, decimal digits, nothing else, no
 * leading space, at most 2^64-1 ("-1" wraps around, "" is 0). Replies "invalid cursor" and returns
 * -1 on error. Values no live iterator can have come back as NO_CURSOR.
 */
export function parseScanCursor(c: Client, arg: string): number {
  // The C string ends at the first NUL byte.
  const nul = arg.indexOf('\0');
  const end = nul < 0 ? arg.length : nul;
  if (end === 0) return 0;
  let i = 0;
  const first = arg.charCodeAt(0);
  let neg = false;
  if (first === 43 || first === 45) {
    neg = first === 45;
    i = 1;
  }
  const start = i;
  while (i < end && arg.charCodeAt(i) >= 48 && arg.charCodeAt(i) <= 57) i++;
  if (isSpace(first) || i === start || i !== end) {
    c.reply.error(ERR.invalidCursor);
    return -1;
  }
  const digits = arg.slice(start, end);
  if (digits.length <= 15) {
    const n = Number(digits);
    return neg && n !== 0 ? NO_CURSOR : n;
  }
  const big = BigInt(digits);
  if (big > 0xffffffffffffffffn) {
    c.reply.error(ERR.invalidCursor);
    return -1;
  }
  return !neg && big < BigInt(NO_CURSOR) ? Number(big) : NO_CURSOR;
}

/**
 * Parse [MATCH pattern] [COUNT count] [TYPE type] from argv[first] on into scanOptions (TYPE only
 * when allowType). Replies with the error and returns false on a bad option.
 */
export function parseScanOptions(c: Client, argv: string[], first: number, allowType: boolean): boolean {
  scanOptions.pattern = null;
  scanOptions.count = 10;
  scanOptions.type = null;
  for (let i = first; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const hasArg = i + 1 < argv.length;
    if (opt === 'count' && hasArg) {
      const n = parseInt64(argv[i + 1]);
      if (n === null) {
        c.reply.error(ERR.notInteger);
        return false;
      }
      if (n < 1) {
        c.reply.error(ERR.syntax);
        return false;
      }
      // Counts past 2^53 behave alike: more than any collection holds.
      scanOptions.count = Number(n);
    } else if (opt === 'match' && hasArg) {
      const p = argv[i + 1];
      scanOptions.pattern = p === '*' ? null : p;
    } else if (opt === 'type' && allowType && hasArg) {
      scanOptions.type = argv[i + 1].toLowerCase();
    } else {
      c.reply.error(ERR.syntax);
      return false;
    }
  }
  return true;
}

/** Drop iterators idle for too long, and the oldest past the bound; the oldest come first. */
function trim(now: number): void {
  for (const [id, s] of states) {
    if (now - s.lastUse < IDLE_MS && states.size <= MAX_CURSORS) return;
    states.delete(id);
  }
}

/** Whether the collection is still the one its database (and key) holds. */
function live(s: ScanState): boolean {
  return s.key === null ? s.db.dict === s.owner : s.db.dict.get(s.key) === s.owner;
}

/** Periodically: drop iterators over collections that left the keyspace. */
function sweep(): void {
  trim(Date.now());
  for (const [id, s] of states) if (!live(s)) states.delete(id);
  if (states.size === 0 && sweeper !== null) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

/**
 * One step of HSCAN/SSCAN/ZSCAN over `coll`, the collection inside `owner`, the value of `key` in
 * the client's database, with the options already parsed into scanOptions: replies
 * [next cursor, [items]]. `valueText` turns a value into its reply text for collections that reply
 * name/value pairs (hash fields, zset members with scores); null replies names only. `whole`
 * returns everything at once with cursor 0 (compact encodings).
 */
export function scanCollection<V>(
  c: Client,
  key: string,
  owner: unknown,
  coll: ScanCollection<V>,
  cursor: number,
  valueText: ((v: V) => string) | null,
  whole: boolean,
): void {
  scan(c, key, owner, coll as ScanCollection<unknown>, cursor, valueText as ((v: unknown) => string) | null, whole);
}

/** One SCAN step over the client's database: TYPE filter, and expired keys are deleted, not returned. */
export function scanKeys(c: Client, cursor: number): void {
  scan(c, null, c.db.dict, c.db.dict, cursor, null, false);
}

function scan(
  c: Client,
  key: string | null,
  owner: unknown,
  coll: ScanCollection<unknown>,
  cursor: number,
  valueText: ((v: unknown) => string) | null,
  whole: boolean,
): void {
  const db = c.db;
  const keys = key === null;
  const now = Date.now();
  let state: ScanState | undefined;
  if (cursor !== 0 && !whole) {
    state = states.get(cursor);
    if (state !== undefined) {
      states.delete(cursor);
      if (state.coll !== coll) state = undefined;
    }
  }
  let done = false;
  if (whole) {
    for (const name of coll.keys()) names.push(name);
    done = true;
  } else {
    let seen = 0;
    let it: Iterator<string>;
    const table = coll instanceof KeyDict;
    const remaining = state !== undefined ? state.remaining : table ? Infinity : coll.size;
    const count = Math.min(scanOptions.count, remaining);
    if (state === undefined) {
      it = table ? coll.liveKeys() : coll.keys();
    } else {
      it = state.it;
      if (state.pending !== null) {
        if (coll.has(state.pending)) names.push(state.pending);
        seen = 1;
      }
    }
    while (seen < count) {
      const r = it.next();
      if (r.done === true) {
        done = true;
        break;
      }
      names.push(r.value);
      seen++;
    }
    if (!done && seen === remaining) done = true;
    if (!done) {
      const r = it.next();
      if (r.done === true) {
        done = true;
      } else if (state === undefined) {
        state = { coll, db, key, owner, it, pending: r.value, remaining: remaining - seen, lastUse: now };
      } else {
        state.pending = r.value;
        state.remaining = remaining - seen;
        state.lastUse = now;
      }
    }
  }

  const pattern = scanOptions.pattern;
  const type = keys ? scanOptions.type : null;
  let kept = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (pattern !== null && !globMatch(pattern, name, false)) continue;
    if (keys) {
      if (type !== null) {
        // Redis looks the key up like a read here (stats, lazy expiry); a gone key is "none".
        const v = db.lookupRead(name);
        if ((v === undefined ? 'none' : typeName(v)) !== type) continue;
      }
      if (db.expires.size !== 0 && db.expireIfNeeded(name, now)) continue;
    }
    names[kept] = name;
    if (valueText !== null) values[kept] = (coll as Map<string, unknown>).get(name);
    kept++;
  }

  let next = 0;
  if (!done && state !== undefined) {
    next = nextId++;
    states.set(next, state);
    trim(now);
    if (sweeper === null) {
      sweeper = setInterval(sweep, SWEEP_MS);
      sweeper.unref();
    }
  }
  const r = c.reply;
  r.array(2);
  r.bulk(next === 0 ? '0' : String(next));
  r.array(valueText === null ? kept : kept * 2);
  for (let i = 0; i < kept; i++) {
    r.bulk(names[i]);
    if (valueText !== null) r.bulk(valueText(values[i]));
  }
  names.length = 0;
  values.length = 0;
}
