// SORT and SORT_RO (Redis 7.0): sort a list, set or sorted set numerically or byte-wise, by its
// elements or by keys / hash fields named from a pattern, and return or STORE elements or the
// values GET patterns name.
//
// Redis breaks ties between equal numeric scores by comparing the elements, so those sorts are
// total orders. Equal ALPHA BY values keep their load order in a full sort (Array.prototype.sort is
// stable, as glibc's merge-sort qsort is) and come out in pqsort's order under LIMIT (see below).
// Collation is byte order (Redis under the C locale).

import { ERR } from '../errors.js';
import type { Db } from '../keyspace/db.js';
import { notifyKeyspaceEvent, NOTIFY_LIST } from '../keyspace/notify.js';
import { isString, stringValue } from '../keyspace/strings.js';
import { HashValue } from '../keyspace/types/hash.js';
import { ListValue } from '../keyspace/types/list.js';
import { SetValue } from '../keyspace/types/set.js';
import { ZSet } from '../keyspace/types/zset.js';
import { parseDouble } from '../protocol/format.js';
import { CLIENT_SCRIPT, type Client } from '../server/client.js';
import { server } from '../server/state.js';
import { ksIndex } from './keyspecs.js';
import { deleteStored } from './list.js';
import { longArg } from './int-args.js';
import type { CommandDef, KeySpec } from './spec.js';
import { cstr } from '../util/cstr.js';
import { fullKeyReadAccess } from '../acl/check.js';
import { lookupCommand } from './registry.js';


/**
 * What a BY/GET pattern names for one element (Redis's lookupKeyByPattern): the element itself
 * for "#", else the string at the key with the first '*' replaced by the element, or with
 * "key->field" the field of the hash at that key. Null when missing or of another type.
 */
function lookupByPattern(db: Db, pattern: string, elem: string): string | null {
  if (cstr(pattern) === '#') return elem;
  const star = cstr(pattern).indexOf('*');
  if (star < 0) return null;
  const arrow = cstr(pattern).indexOf('->', star + 1);
  // A trailing "->" names no field: it is then part of the key name.
  const hasField = arrow >= 0 && arrow + 2 < cstr(pattern).length;
  const keyEnd = hasField ? arrow : pattern.length;
  const key = pattern.slice(0, star) + elem + pattern.slice(star + 1, keyEnd);
  const v = db.lookupRead(key);
  if (v === undefined) return null;
  if (hasField) {
    if (!(v instanceof HashValue)) return null;
    return v.map.get(pattern.slice(arrow + 2)) ?? null;
  }
  return isString(v) ? stringValue(v) : null;
}

/** strtod over a whole C string, as SORT scores elements: null when something is left over, NaN or out of range. */
function sortScore(s: string): number | null {
  s = cstr(s);
  if (s === '') return 0;
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  const v = parseDouble(s.slice(i));
  return v === null || Number.isNaN(v) ? null : v;
}

const byteCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// Per-sort state the comparators read (one command runs at a time).
let scores: number[] = [];
let cmpKeys: (string | null)[] = [];
let elems: string[] = [];
let descending = false;

function numericOrder(i: number, j: number): number {
  const d = scores[i] - scores[j];
  const cmp = d > 0 ? 1 : d < 0 ? -1 : byteCompare(elems[i], elems[j]);
  return descending ? -cmp : cmp;
}

function alphaByOrder(i: number, j: number): number {
  const a = cmpKeys[i];
  const b = cmpKeys[j];
  const cmp = a === null || b === null ? (a === b ? 0 : a === null ? -1 : 1) : byteCompare(a, b);
  return descending ? -cmp : cmp;
}

function alphaOrder(i: number, j: number): number {
  const cmp = byteCompare(elems[i], elems[j]);
  return descending ? -cmp : cmp;
}

// ---------------------------------------------------------------- Redis's partial quicksort

/*
 * A LIMITed sort BY a pattern is a partial quicksort in Redis (pqsort.c, after BSD's qsort: median
 * of three, Bentley-McIlroy three-way partition, insertion sort below 7 elements, recursion only
 * into parts that overlap the wanted range). Equal BY values (ALPHA, or missing keys) come out in
 * its order, so the same algorithm runs here on the index vector.
 */

function swap(v: number[], i: number, j: number): void {
  const t = v[i];
  v[i] = v[j];
  v[j] = t;
}

function med3(v: number[], a: number, b: number, c: number, cmp: (x: number, y: number) => number): number {
  return cmp(v[a], v[b]) < 0
    ? (cmp(v[b], v[c]) < 0 ? b : cmp(v[a], v[c]) < 0 ? c : a)
    : (cmp(v[b], v[c]) > 0 ? b : cmp(v[a], v[c]) < 0 ? a : c);
}

function insertionSort(v: number[], a: number, n: number, cmp: (x: number, y: number) => number): void {
  for (let m = a + 1; m < a + n; m++) {
    for (let l = m; l > a && cmp(v[l - 1], v[l]) > 0; l--) swap(v, l, l - 1);
  }
}

/** Sort v[a .. a+n) enough that positions lo..hi hold what a full sort would put there. */
function partialSort(v: number[], a: number, n: number, cmp: (x: number, y: number) => number, lo: number, hi: number): void {
  for (;;) {
    if (n < 7) {
      insertionSort(v, a, n, cmp);
      return;
    }
    let pm = a + (n >> 1);
    if (n > 7) {
      let pl = a;
      let pn = a + n - 1;
      if (n > 40) {
        const d = n >> 3;
        pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(v, pm - d, pm, pm + d, cmp);
        pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(v, pl, pm, pn, cmp);
    }
    swap(v, a, pm);
    let pa = a + 1;
    let pb = pa;
    let pc = a + n - 1;
    let pd = pc;
    for (;;) {
      let r = 0;
      while (pb <= pc && (r = cmp(v[pb], v[a])) <= 0) {
        if (r === 0) swap(v, pa++, pb);
        pb++;
      }
      while (pb <= pc && (r = cmp(v[pc], v[a])) >= 0) {
        if (r === 0) swap(v, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(v, pb++, pc--);
    }
    const end = a + n;
    let r = Math.min(pa - a, pb - pa);
    for (let k = 0; k < r; k++) swap(v, a + k, pb - r + k);
    r = Math.min(pd - pc, end - pd - 1);
    for (let k = 0; k < r; k++) swap(v, pb + k, end - r + k);
    r = pb - pa;
    if (r > 1 && !((lo < a && hi < a) || (lo > a + r - 1 && hi > a + r - 1))) partialSort(v, a, r, cmp, lo, hi);
    r = pd - pc;
    if (r <= 1) return;
    a = end - r;
    n = r;
    if ((lo < a && hi < a) || (lo > a + r - 1 && hi > a + r - 1)) return;
  }
}

/** SORT_RO reads one key but, like SORT, is movablekeys: BY/GET patterns name keys of their own. */
const sortRoKeys = (): number[] => [1];

/** SORT's key positions: the sorted key and STORE's destination (the last STORE wins, as in Redis). */
function sortGetKeys(argv: string[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'limit') i += 2;
    else if (a === 'store' && i + 1 < argv.length) store = i + 1;
    else if (a === 'get' || a === 'by') i++;
  }
  return store < 0 ? [1] : [1, store];
}

function sortCommand(c: Client, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let storeKey: string | null = null;
  let sortBy: string | null = null;
  let dontSort = false;
  const gets: string[] = [];
  const cluster = server.config.bool('cluster-enabled');
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const left = argv.length - j - 1;
    if (opt === 'asc') {
      desc = false;
    } else if (opt === 'desc') {
      desc = true;
    } else if (opt === 'alpha') {
      alpha = true;
    } else if (opt === 'limit' && left >= 2) {
      const start = longArg(c, argv[j + 1]);
      if (start === null) return;
      const count = longArg(c, argv[j + 2]);
      if (count === null) return;
      limitStart = start;
      limitCount = count;
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      storeKey = argv[++j];
    } else if (opt === 'by' && left >= 1) {
      sortBy = argv[++j];
      // A pattern without '*' names no key: keep the natural order.
      if (!cstr(sortBy).includes('*')) {
        dontSort = true;
      } else if (cluster) {
        c.reply.error(ERR.sortByInCluster);
        return;
      } else if (!fullKeyReadAccess(c, lookupCommand(argv)!, argv)) {
        // A pattern names keys no ACL check sees: only a user who may read every key uses one.
        c.reply.error(ERR.sortByDenied);
        return;
      }
    } else if (opt === 'get' && left >= 1) {
      if (cluster) {
        c.reply.error(ERR.sortGetInCluster);
        return;
      }
      if (!fullKeyReadAccess(c, lookupCommand(argv)!, argv)) {
        c.reply.error(ERR.sortGetDenied);
        return;
      }
      gets.push(argv[++j]);
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }

  const db = c.db;
  const v = db.lookupRead(argv[1]);
  if (v !== undefined && !(v instanceof ListValue || v instanceof SetValue || v instanceof ZSet)) {
    c.reply.error(ERR.wrongType);
    return;
  }
  // A set's own order is not the same everywhere: what is stored (and replicated), or returned
  // to a script (whose effects are replicated), is sorted.
  if (dontSort && v instanceof SetValue && (storeKey !== null || c.flags & CLIENT_SCRIPT)) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }

  const len = v === undefined ? 0 : v instanceof ListValue ? v.length : v.size;
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? len - 1 : start + limitCount - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  // The elements, in the order the output is taken from.
  const out: string[] = [];
  let conversionError = false;
  if (dontSort && !(v instanceof SetValue)) {
    // Lists and sorted sets keep their own order, reversed by DESC; only the range is loaded.
    if (v instanceof ListValue) {
      for (let i = start; i <= end; i++) out.push(v.get(desc ? len - 1 - i : i));
    } else if (v instanceof ZSet && end >= start) {
      let h = v.at(desc ? len - 1 - start : start);
      for (let i = start; i <= end; i++) {
        out.push(v.member(h));
        h = desc ? v.prev(h) : v.next(h);
      }
    }
    end -= start;
    start = 0;
  } else if (v !== undefined) {
    elems = [];
    if (v instanceof ListValue) for (let i = 0; i < len; i++) elems.push(v.get(i));
    else if (v instanceof SetValue) for (const m of v.ordered()) elems.push(m);
    else for (let h = len > 0 ? v.at(0) : -1; h !== -1; h = v.next(h)) elems.push(v.member(h));
    const order: number[] = [];
    for (let i = 0; i < len; i++) order.push(i);
    if (!dontSort) {
      descending = desc;
      if (alpha && sortBy !== null) {
        cmpKeys = [];
        for (let i = 0; i < len; i++) cmpKeys.push(lookupByPattern(db, sortBy, elems[i]));
        if (start !== 0 || end !== len - 1) partialSort(order, 0, len, alphaByOrder, start, end);
        else order.sort(alphaByOrder);
      } else if (alpha) {
        order.sort(alphaOrder);
      } else {
        scores = [];
        for (let i = 0; i < len; i++) {
          const by = sortBy === null ? elems[i] : lookupByPattern(db, sortBy, elems[i]);
          let score = 0;
          if (by !== null) {
            const s = sortScore(by);
            if (s === null) conversionError = true;
            else score = s;
          }
          scores.push(score);
        }
        order.sort(numericOrder);
      }
    }
    for (let i = start; i <= end; i++) out.push(elems[order[i]]);
    end -= start;
    start = 0;
    elems = [];
    scores = [];
    cmpKeys = [];
  }

  const n = end - start + 1;
  const outputLen = gets.length !== 0 ? gets.length * n : n;
  if (conversionError) {
    c.reply.error(ERR.sortScores);
    return;
  }
  if (storeKey === null) {
    c.reply.array(outputLen);
    for (let i = 0; i < n; i++) {
      if (gets.length === 0) c.reply.bulk(out[i]);
      for (const g of gets) c.reply.bulkOrNull(lookupByPattern(db, g, out[i]));
    }
    return;
  }
  const stored = new ListValue();
  for (let i = 0; i < n; i++) {
    if (gets.length === 0) stored.pushTail(out[i]);
    for (const g of gets) stored.pushTail(lookupByPattern(db, g, out[i]) ?? '');
  }
  if (outputLen > 0) {
    db.set(storeKey, stored);
    notifyKeyspaceEvent(NOTIFY_LIST, 'sortstore', storeKey, db.id);
    server.dirty += outputLen;
  } else {
    deleteStored(db, storeKey);
  }
  c.reply.int(outputLen);
}

const SUMMARY_TAIL = 'by their values or by keys and hash fields named from a pattern, optionally returning other keys\' values';

// Key specs: the notes are protocol data (COMMAND INFO), worded as Redis words them.
const BY_GET_KEYS: KeySpec = {
  notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ['RO', 'access'], begin: 'unknown', find: 'unknown',
};
const STORE_KEY: KeySpec = {
  notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  flags: ['OW', 'update'], begin: 'unknown', find: 'unknown',
};

export const commands: CommandDef[] = [
  {
    name: 'sort', arity: -2, flags: 'write denyoom', acl: 'set sortedset list dangerous', keys: [1, 1, 1],
    keySpecs: [ksIndex('RO access', 1), BY_GET_KEYS, STORE_KEY],
    getKeys: sortGetKeys, group: 'generic', since: '1.0.0',
    summary: `Sorts the elements of a list, set or sorted set ${SUMMARY_TAIL}; STORE saves the result as a list.`,
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    handler(c, argv) {
      sortCommand(c, argv, false);
    },
  },
  {
    name: 'sort_ro', arity: -2, flags: 'readonly', acl: 'set sortedset list dangerous', keys: [1, 1, 1],
    keySpecs: [ksIndex('RO access', 1), BY_GET_KEYS],
    getKeys: sortRoKeys, group: 'generic',
    since: '7.0.0',
    summary: `Sorts the elements of a list, set or sorted set ${SUMMARY_TAIL}, without STORE.`,
    complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).',
    handler(c, argv) {
      sortCommand(c, argv, true);
    },
  },
];
