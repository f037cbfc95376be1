// Sorted-set commands (Redis 7.0). Values are ZSet (src/keyspace/types/zset.ts); every range form
// is reduced to a rank and a walk over handles, so replies never need a deferred length.

import { ERR } from '../errors.js';
import type { Value } from '../keyspace/db.js';
import { notifyKeyspaceEvent, NOTIFY_ZSET } from '../keyspace/notify.js';
import { signals } from '../keyspace/signals.js';
import {
  LEX_MINUS, LEX_PLUS, LEX_VALUE, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax,
} from '../keyspace/types/skiplist.js';
import type { SetValue } from '../keyspace/types/set.js';
import { ZSet, type LexRange, type ScoreRange } from '../keyspace/types/zset.js';
import type { SkipList } from '../keyspace/types/skiplist.js';
import { parseScanCursor, parseScanOptions, replyEmptyScan, scanCollection } from '../keyspace/scan.js';
import { formatDouble17g, parseInt64 } from '../protocol/format.js';
import { blockForKeys, mayBlock, parseTimeout, servedKey, TimeoutReply } from '../server/blocking.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import {
  clampRange, clamped, deleteStored, firstBlockingKey, mpopArgs, numkeysKeys as mpopKeys, parseMpop, storeOrDelete,
} from './list.js';
import { LONG_MAX, longArg, randCountArg, rangeArg } from './int-args.js';
import { lookupCommand } from './registry.js';
import type { CommandDef } from './spec.js';
import { ksIndex, ksKeynum } from './keyspecs.js';

// ---------------------------------------------------------------- parsing

const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** strtod's hexadecimal form: digits with an optional fraction and an optional binary exponent. */
const HEX_RE = /^[+-]?0x([0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(p[+-]?\d+)?$/i;
const NONZERO_MANTISSA_RE = /^[^e]*[1-9]/i;

function parseInf(s: string): number | null {
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return null;
}

/** The value of a HEX_RE match: mantissa digits scaled by 16 per fraction digit and 2^exponent. */
function hexValue(s: string): number {
  const c0 = s.charCodeAt(0);
  let i = c0 === 43 || c0 === 45 ? 3 : 2;
  let m = 0;
  let e = 0;
  let frac = false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      frac = true;
      continue;
    }
    if (c === 112 || c === 80) {
      e += Number(s.slice(i + 1));
      break;
    }
    m = m * 16 + parseInt(s[i], 16);
    if (frac) e -= 4;
  }
  // In two steps, so a big mantissa with a very negative exponent does not round through 0.
  const half = Math.trunc(e / 2);
  const v = m * 2 ** half * 2 ** (e - half);
  return c0 === 45 ? -v : v;
}

/** strtod's number forms without surrounding space: decimal, integer hex, inf/infinity; else null. */
function strtodText(s: string): number | null {
  if (FLOAT_RE.test(s)) return Number(s);
  if (HEX_RE.test(s)) return hexValue(s);
  return parseInf(s);
}

/**
 * A score, increment or weight as Redis 7.0 reads it (string2d): strtod forms with no spaces, not
 * NaN, and a literal that overflows to inf or underflows to zero (ERANGE) is refused.
 */
function parseScore(s: string): number | null {
  const v = strtodText(s);
  if (v === null) return null;
  if ((v === Infinity || v === -Infinity) && parseInf(s) === null) return null;
  if (v === 0 && NONZERO_MANTISSA_RE.test(s)) return null;
  return v;
}

function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

/**
 * A score range bound after its optional '(' (Redis uses bare strtod here): leading whitespace
 * and hex allowed, overflow gives inf, the empty string is 0, NaN and trailing text refused.
 * strtod reads a C string, so a NUL byte ends the bound ("\0" is 0, "1\0x" is 1).
 */
function parseBound(s: string, from: number): number | null {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  let i = from;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (i === s.length) return i === from ? 0 : null;
  return strtodText(i === 0 ? s : s.slice(i));
}

const SR: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
const LR: LexRange = { min: '', max: '', minKind: LEX_VALUE, maxKind: LEX_VALUE, minex: false, maxex: false };

/** Parse a score range into SR; false when either end is invalid. */
function parseScoreRange(min: string, max: string): boolean {
  SR.minex = min.charCodeAt(0) === 40;
  SR.maxex = max.charCodeAt(0) === 40;
  const a = parseBound(min, SR.minex ? 1 : 0);
  const b = parseBound(max, SR.maxex ? 1 : 0);
  if (a === null || b === null) return false;
  SR.min = a;
  SR.max = b;
  return true;
}

/** Parse one lex bound into LR; false when it is not '-', '+', '(x' or '[x'. */
function parseLexItem(s: string, isMax: boolean): boolean {
  const c0 = s.charCodeAt(0);
  let kind = LEX_VALUE;
  let value = '';
  let ex = true;
  if (c0 === 43 && s.length === 1) kind = LEX_PLUS;
  else if (c0 === 45 && s.length === 1) kind = LEX_MINUS;
  else if (c0 === 40 || c0 === 91) {
    value = s.slice(1);
    ex = c0 === 40;
  } else return false;
  if (isMax) {
    LR.max = value;
    LR.maxKind = kind;
    LR.maxex = ex;
  } else {
    LR.min = value;
    LR.minKind = kind;
    LR.minex = ex;
  }
  return true;
}

function parseLexRange(min: string, max: string): boolean {
  return parseLexItem(min, false) && parseLexItem(max, true);
}

// ---------------------------------------------------------------- lookups and replies

/** The zset at key for a read; null after replying WRONGTYPE, undefined when missing. */
function zsetOf(c: Client, v: Value | undefined): ZSet | null | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'zset') {
    c.reply.error(ERR.wrongType);
    return null;
  }
  return v as ZSet;
}

/** Array header for n results: RESP2 flattens member/score pairs, RESP3 nests them. */
function rangeHeader(c: Client, n: number, withScores: boolean): void {
  c.reply.array(withScores && c.resp === 2 ? n * 2 : n);
}

function rangeItem(c: Client, member: string, score: number, withScores: boolean): void {
  if (withScores && c.resp === 3) c.reply.array(2);
  c.reply.bulk(member);
  if (withScores) c.reply.double(score);
}

/** Store a computed zset at dst like Redis: replace the key when non-empty, delete it when empty. */
function storeResult(c: Client, dst: string, result: ZSet, event: string): void {
  const db = c.db;
  if (result.size > 0) {
    db.set(dst, result);
    c.reply.int(result.size);
    notifyKeyspaceEvent(NOTIFY_ZSET, event, dst, db.id);
    signals.ready(db, dst);
    server.dirty++;
  } else {
    c.reply.int(0);
    // Like Redis's dbDelete: whatever is stored goes, even if its TTL has passed.
    deleteStored(db, dst);
  }
}

// ---------------------------------------------------------------- ZADD / ZINCRBY

const Z_NX = 1;
const Z_XX = 2;
const Z_CH = 4;
const Z_INCR = 8;
const Z_GT = 16;
const Z_LT = 32;

/** The ZADD flag an argument names, or 0 when it is not an option. */
function addOption(arg: string): number {
  if (arg.length < 2 || arg.length > 4) return 0;
  switch (arg.toLowerCase()) {
    case 'nx': return Z_NX;
    case 'xx': return Z_XX;
    case 'ch': return Z_CH;
    case 'incr': return Z_INCR;
    case 'gt': return Z_GT;
    case 'lt': return Z_LT;
    default: return 0;
  }
}

/** Parsed ZADD scores, reused across calls. */
let scores = new Float64Array(64);

export function zaddGeneric(c: Client, argv: string[], flags: number): void {
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const f = addOption(argv[idx]);
    if (f === 0) break;
    flags |= f;
  }
  const elements = argv.length - idx;
  if (elements === 0 || elements % 2 !== 0) {
    c.reply.error(ERR.syntax);
    return;
  }
  if ((flags & (Z_NX | Z_XX)) === (Z_NX | Z_XX)) {
    c.reply.error(ERR.zaddNxXx);
    return;
  }
  if ((flags & Z_NX && flags & (Z_GT | Z_LT)) || (flags & (Z_GT | Z_LT)) === (Z_GT | Z_LT)) {
    c.reply.error(ERR.zaddGtLtNx);
    return;
  }
  const incr = (flags & Z_INCR) !== 0;
  if (incr && elements > 2) {
    c.reply.error(ERR.zaddIncrPair);
    return;
  }
  if (scores.length < elements / 2) scores = new Float64Array(elements);
  for (let j = idx, k = 0; j < argv.length; j += 2, k++) {
    const v = parseScore(argv[j]);
    if (v === null) {
      c.reply.error(ERR.notFloat);
      return;
    }
    scores[k] = v;
  }
  const key = argv[1];
  const db = c.db;
  const v = db.lookupWrite(key);
  let z = zsetOf(c, v);
  if (z === null) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let newScore = 0;
  let created = false;
  if (z === undefined) {
    if (flags & Z_XX) {
      if (incr) c.reply.nullBulk();
      else c.reply.int(0);
      return;
    }
    z = new ZSet(1, argv[idx + 1].length);
    db.set(key, z);
    created = true;
  }
  for (let j = idx, k = 0; j < argv.length; j += 2, k++) {
    let score = scores[k];
    const member = argv[j + 1];
    const cur = z.score(member);
    if (cur !== undefined) {
      if (flags & Z_NX) continue;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) {
          c.reply.error(ERR.zaddNaN);
          return;
        }
      }
      if ((flags & Z_LT && score >= cur) || (flags & Z_GT && score <= cur)) continue;
      processed++;
      newScore = score;
      if (score !== cur) {
        z.update(member, score);
        updated++;
      }
    } else {
      if (flags & Z_XX) continue;
      z.insert(member, score);
      added++;
      processed++;
      newScore = score;
    }
  }
  if (added + updated > 0) {
    if (!created) db.overwrite(key, z);
    notifyKeyspaceEvent(NOTIFY_ZSET, incr ? 'zincr' : 'zadd', key, db.id);
    if (added > 0) signals.ready(db, key);
    server.dirty += added + updated;
  }
  if (incr) {
    if (processed > 0) c.reply.double(newScore);
    else c.reply.nullBulk();
  } else {
    c.reply.int(flags & Z_CH ? added + updated : added);
  }
}

// ---------------------------------------------------------------- ZRANGE family

const BY_AUTO = -1;
const BY_RANK = 0;
const BY_SCORE = 1;
const BY_LEX = 2;
const DIR_AUTO = -1;
const DIR_FWD = 0;
const DIR_REV = 1;

/** Where a range walk's results go: the client, or a zset being built for ZRANGESTORE. */
let sink: ZSet | null = null;

function emitHeader(c: Client, n: number, withScores: boolean): void {
  if (sink === null) rangeHeader(c, n, withScores);
}

function emitItem(c: Client, z: ZSet, h: number, withScores: boolean): void {
  if (sink !== null) sink.insert(z.memberCopy(h), z.scoreAt(h));
  else rangeItem(c, z.member(h), z.scoreAt(h), withScores);
}

/** Emit ranks start..end of z (already clamped), forward or from the top down. */
function emitRanks(c: Client, z: ZSet, start: number, end: number, reverse: boolean, withScores: boolean): void {
  const n = end - start + 1;
  emitHeader(c, n, withScores);
  let h = z.at(reverse ? z.size - 1 - start : start);
  for (let i = 0; i < n; i++) {
    emitItem(c, z, h, withScores);
    h = reverse ? z.prev(h) : z.next(h);
  }
}

function rangeByRank(c: Client, z: ZSet, start: number, end: number, reverse: boolean, withScores: boolean): void {
  if (clampRange(start, end, z.size)) emitRanks(c, z, clamped.start, clamped.end, reverse, withScores);
  else emitHeader(c, 0, withScores);
}

/** Whether the member at h is still inside the range on the side a walk moves towards. */
function inRangeAhead(z: ZSet, h: number, byLex: boolean, reverse: boolean): boolean {
  if (byLex) return reverse ? lexGteMin(z.member(h), LR) : lexLteMax(z.member(h), LR);
  return reverse ? scoreGteMin(z.scoreAt(h), SR) : scoreLteMax(z.scoreAt(h), SR);
}

/** BYSCORE / BYLEX with LIMIT: Redis walks offset members, then up to limit members in range. */
function rangeByValue(c: Client, z: ZSet, byLex: boolean, reverse: boolean, offset: number, limit: number, withScores: boolean): void {
  if ((offset > 0 && offset >= z.size) || offset < 0) {
    emitHeader(c, 0, withScores);
    return;
  }
  const rank = byLex ? (reverse ? z.lastInLex(LR) : z.firstInLex(LR)) : (reverse ? z.lastInScore(SR) : z.firstInScore(SR));
  if (rank < 0) {
    emitHeader(c, 0, withScores);
    return;
  }
  // Redis steps over `offset` members without checking them: jumping by rank is the same, in O(log n).
  const target = reverse ? rank - offset : rank + offset;
  let h = target >= 0 && target < z.size ? z.at(target) : -1;
  let n = 0;
  for (let x = h; x !== -1 && n !== limit && inRangeAhead(z, x, byLex, reverse); x = reverse ? z.prev(x) : z.next(x)) n++;
  emitHeader(c, n, withScores);
  for (let i = 0; i < n; i++) {
    emitItem(c, z, h, withScores);
    h = reverse ? z.prev(h) : z.next(h);
  }
}

/**
 * Every ZRANGE form. `at` is the source key's index; `dst` is set for ZRANGESTORE. `by` and `dir`
 * are fixed by the legacy commands and left AUTO for ZRANGE/ZRANGESTORE, which take them as options.
 */
function zrangeGeneric(c: Client, argv: string[], at: number, dst: string | null, by: number, dir: number): void {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const left = argv.length - j - 1;
    if (dst === null && opt === 'withscores') {
      withScores = true;
    } else if (opt === 'limit' && left >= 2) {
      const o = longArg(c, argv[j + 1]);
      if (o === null) return;
      const l = longArg(c, argv[j + 2]);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (dir === DIR_AUTO && opt === 'rev') {
      dir = DIR_REV;
    } else if (by === BY_AUTO && opt === 'bylex') {
      by = BY_LEX;
    } else if (by === BY_AUTO && opt === 'byscore') {
      by = BY_SCORE;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  if (by === BY_AUTO) by = BY_RANK;
  const reverse = dir === DIR_REV;
  if (limit !== -1 && by === BY_RANK) {
    c.reply.error(ERR.zrangeLimit);
    return;
  }
  if (withScores && by === BY_LEX) {
    c.reply.error(ERR.zrangeWithscoresLex);
    return;
  }
  let minArg = argv[at + 1];
  let maxArg = argv[at + 2];
  if (reverse && by !== BY_RANK) {
    minArg = argv[at + 2];
    maxArg = argv[at + 1];
  }
  let start = 0;
  let end = 0;
  if (by === BY_RANK) {
    const s = longArg(c, minArg);
    if (s === null) return;
    const e = longArg(c, maxArg);
    if (e === null) return;
    start = s;
    end = e;
  } else if (by === BY_SCORE) {
    if (!parseScoreRange(minArg, maxArg)) {
      c.reply.error(ERR.zMinMaxFloat);
      return;
    }
  } else if (!parseLexRange(minArg, maxArg)) {
    c.reply.error(ERR.zMinMaxLex);
    return;
  }
  const z = zsetOf(c, c.db.lookupRead(argv[at]));
  if (z === null) return;
  if (dst !== null) {
    if (z !== undefined) {
      const out = new ZSet(0, 0);
      sink = out;
      if (by === BY_RANK) rangeByRank(c, z, start, end, reverse, true);
      else rangeByValue(c, z, by === BY_LEX, reverse, offset, limit, true);
      sink = null;
      storeResult(c, dst, out, 'zrangestore');
    } else {
      storeResult(c, dst, new ZSet(0, 0), 'zrangestore');
    }
    return;
  }
  if (z === undefined) {
    c.reply.array(0);
    return;
  }
  if (by === BY_RANK) rangeByRank(c, z, start, end, reverse, withScores);
  else rangeByValue(c, z, by === BY_LEX, reverse, offset, limit, withScores);
}

// ---------------------------------------------------------------- removal by range

const REM_RANK = 0;
const REM_SCORE = 1;
const REM_LEX = 2;
const REM_EVENTS = ['zremrangebyrank', 'zremrangebyscore', 'zremrangebylex'];

function zremrangeGeneric(c: Client, argv: string[], type: number): void {
  let start = 0;
  let end = 0;
  if (type === REM_RANK) {
    const s = longArg(c, argv[2]);
    if (s === null) return;
    const e = longArg(c, argv[3]);
    if (e === null) return;
    start = s;
    end = e;
  } else if (type === REM_SCORE) {
    if (!parseScoreRange(argv[2], argv[3])) {
      c.reply.error(ERR.zMinMaxFloat);
      return;
    }
  } else if (!parseLexRange(argv[2], argv[3])) {
    c.reply.error(ERR.zMinMaxLex);
    return;
  }
  const key = argv[1];
  const db = c.db;
  const z = zsetOf(c, db.lookupWrite(key));
  if (z === null) return;
  if (z === undefined) {
    c.reply.int(0);
    return;
  }
  if (type === REM_RANK) {
    if (!clampRange(start, end, z.size)) {
      c.reply.int(0);
      return;
    }
    start = clamped.start;
    end = clamped.end;
  } else {
    const byLex = type === REM_LEX;
    start = byLex ? z.firstInLex(LR) : z.firstInScore(SR);
    end = start - 1;
    if (start >= 0) {
      // Walk like Redis: the run of members in range that starts at the first one.
      for (let h = z.at(start); h !== -1 && inRangeAhead(z, h, byLex, false); h = z.next(h)) end++;
    }
  }
  const deleted = end - start + 1;
  if (deleted > 0) {
    z.deleteRanks(start, end);
    notifyKeyspaceEvent(NOTIFY_ZSET, REM_EVENTS[type], key, db.id);
    storeOrDelete(db, key, z, z.size === 0);
    server.dirty += deleted;
  }
  c.reply.int(Math.max(0, deleted));
}

// ---------------------------------------------------------------- pops

/**
 * Pop from the first non-empty zset among keys argv[first .. first+numKeys-1] (Redis's
 * genericZpopCommand; BZPOPMIN/BZMPOP reuse it when a key is ready). `count` -1 is the plain
 * single pop. `emitKey` prefixes the key, `nested` nests member/score pairs (and, with emitKey,
 * the list after the key), `nilWhenEmpty` replies a null array instead of an empty one. With
 * emitKey it sets c.propagateArgv to the ZPOPMIN/ZPOPMAX form Redis replicates.
 * Returns the number of members popped.
 */
export function zpopGeneric(
  c: Client, argv: string[], first: number, numKeys: number, max: boolean, emitKey: boolean,
  count: number, nested: boolean, nilWhenEmpty: boolean,
): number {
  const db = c.db;
  let z: ZSet | undefined;
  let key = '';
  for (let i = first; i < first + numKeys; i++) {
    const found = zsetOf(c, db.lookupWrite(argv[i]));
    if (found === null) return 0;
    if (found !== undefined) {
      z = found;
      key = argv[i];
      break;
    }
  }
  if (z === undefined) {
    if (nilWhenEmpty) c.reply.nullArray();
    else c.reply.array(0);
    return 0;
  }
  if (count === 0) {
    c.reply.array(0);
    return 0;
  }
  if (count === -1) count = 1;
  const len = z.size;
  const n = count > len ? len : count;
  if (!emitKey) {
    c.reply.array(nested ? n : n * 2);
  } else if (!nested) {
    c.reply.array(n * 2 + 1);
    c.reply.bulk(key);
  } else {
    c.reply.array(2);
    c.reply.bulk(key);
    c.reply.array(n);
  }
  let h = max ? z.at(len - 1) : z.at(0);
  for (let i = 0; i < n; i++) {
    if (nested) c.reply.array(2);
    c.reply.bulk(z.member(h));
    c.reply.double(z.scoreAt(h));
    h = max ? z.prev(h) : z.next(h);
  }
  if (max) z.deleteRanks(len - n, len - 1);
  else z.deleteRanks(0, n - 1);
  server.dirty += n;
  notifyKeyspaceEvent(NOTIFY_ZSET, max ? 'zpopmax' : 'zpopmin', key, db.id);
  storeOrDelete(db, key, z, z.size === 0);
  if (emitKey) {
    // The multi-key forms replicate as the plain pop they turned out to be, like Redis 7.0:
    // ZMPOP/BZMPOP as ZPOPMIN/ZPOPMAX key <popped>, BZPOPMIN/BZPOPMAX as ZPOPMIN/ZPOPMAX key.
    c.propagateArgv = nested ? [max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(n)] : [max ? 'ZPOPMAX' : 'ZPOPMIN', key];
  }
  return n;
}

function zpopMinMax(c: Client, argv: string[], max: boolean): void {
  if (argv.length > 3) {
    c.reply.error(ERR.syntax);
    return;
  }
  let count = -1;
  if (argv.length === 3) {
    const n = rangeArg(c, argv[2], 0n, LONG_MAX, ERR.negativeCount);
    if (n === null) return;
    count = n;
  }
  zpopGeneric(c, argv, 1, 1, max, false, count, c.resp === 3 && count !== -1, false);
}

function zmpop(c: Client, argv: string[]): void {
  if (parseMpop(c, argv, 1, 'min', 'max')) zpopGeneric(c, argv, 2, mpopArgs.numKeys, !mpopArgs.head, true, mpopArgs.count, true, true);
}

/**
 * BZPOPMIN/BZPOPMAX key... timeout (keysAt 1, numKeys 0: up to the timeout) and BZMPOP (keysAt 3,
 * after parseMpop): pop like ZPOPMIN/ZMPOP when a key has members, else wait.
 */
function blockingZpop(c: Client, argv: string[], keysAt: number, numKeys: number, max: boolean, count: number, deadline: number): void {
  const mpop = numKeys !== 0;
  const n = mpop ? numKeys : argv.length - 2;
  const first = firstBlockingKey(argv, keysAt);
  const tried = servedKey() === null ? n : 1;
  // Checking for a member first keeps the empty reply to the caller: it differs between the forms.
  let found = false;
  for (let i = first; i < first + tried; i++) {
    const z = zsetOf(c, c.db.lookupWrite(argv[i]));
    if (z === null) return;
    if (z !== undefined) {
      found = true;
      break;
    }
  }
  if (found) {
    zpopGeneric(c, argv, first, tried, max, true, mpop ? count : -1, mpop, mpop);
  } else if (!mayBlock(c)) {
    c.reply.nullArray();
  } else {
    blockForKeys(c, lookupCommand(argv)!, argv, argv.slice(keysAt, keysAt + n), 'zset', deadline, TimeoutReply.NullArray);
  }
}

function bzpop(c: Client, argv: string[], max: boolean): void {
  const deadline = parseTimeout(c, argv[argv.length - 1]);
  if (deadline !== -1) blockingZpop(c, argv, 1, 0, max, -1, deadline);
}

function bzmpop(c: Client, argv: string[]): void {
  const deadline = parseTimeout(c, argv[1]);
  if (deadline !== -1 && parseMpop(c, argv, 2, 'min', 'max')) blockingZpop(c, argv, 3, mpopArgs.numKeys, !mpopArgs.head, mpopArgs.count, deadline);
}

// ---------------------------------------------------------------- ZSCAN

/** The skiplist whose member -> node map ZSCAN is walking (one command runs at a time). */
let scanned: SkipList | null = null;
/** A score as ZSCAN replies it: %.17g, with -0 as "0" (Redis prints it through an integer test). */
const scoreText = (s: number): string => (s === 0 ? '0' : formatDouble17g(s));
const nodeScoreText = (x: number): string => scoreText(scanned!.scoreOf(x));

/** ZSCAN key cursor [MATCH p] [COUNT n]: a listpack comes back whole in score order, a skiplist by cursor. */
function zscanCommand(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(c, argv[2]);
  if (cursor < 0) return;
  const zs = zsetOf(c, c.db.lookupRead(argv[1]));
  if (zs === null) return;
  if (zs === undefined) {
    replyEmptyScan(c);
    return;
  }
  if (!parseScanOptions(c, argv, 3, false)) return;
  if (zs.sl === null) {
    const all = new Map<string, number>();
    for (let h = zs.size > 0 ? zs.at(0) : -1; h !== -1; h = zs.next(h)) all.set(zs.member(h), zs.scoreAt(h));
    scanCollection(c, argv[1], zs, all, cursor, scoreText, true);
    return;
  }
  scanned = zs.sl;
  scanCollection(c, argv[1], zs, zs.sl.dict, cursor, nodeScoreText, false);
  scanned = null;
}

// ---------------------------------------------------------------- ZRANDMEMBER

function zrandmemberWithCount(c: Client, argv: string[]): void {
  const l = randCountArg(c, argv, 'withscores');
  if (l === null) return;
  const withScores = argv.length === 4;
  const z = zsetOf(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  if (z === undefined) {
    c.reply.array(0);
    return;
  }
  const size = z.size;
  const uniq = l >= 0;
  const count = uniq ? l : -l;
  if (count === 0) {
    c.reply.array(0);
    return;
  }
  if (!uniq || count === 1) {
    rangeHeader(c, count, withScores);
    for (let i = 0; i < count; i++) {
      const h = z.at(Math.floor(Math.random() * size));
      rangeItem(c, z.member(h), z.scoreAt(h), withScores);
    }
    return;
  }
  if (count >= size) {
    // The whole set, walked from the top like Redis's zset iterator.
    rangeHeader(c, size, withScores);
    for (let h = z.at(size - 1); h !== -1; h = z.prev(h)) rangeItem(c, z.member(h), z.scoreAt(h), withScores);
    return;
  }
  rangeHeader(c, count, withScores);
  if (count * 3 > size) {
    // Most of the set: a partial Fisher-Yates shuffle of all ranks.
    const ranks = new Int32Array(size);
    for (let i = 0; i < size; i++) ranks[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const r = ranks[j];
      ranks[j] = ranks[i];
      const h = z.at(r);
      rangeItem(c, z.member(h), z.scoreAt(h), withScores);
    }
    return;
  }
  // A small part: draw ranks until count distinct ones came up (O(count), not O(size)).
  const picked = new Set<number>();
  while (picked.size < count) {
    const r = Math.floor(Math.random() * size);
    if (picked.has(r)) continue;
    picked.add(r);
    const h = z.at(r);
    rangeItem(c, z.member(h), z.scoreAt(h), withScores);
  }
}

// ---------------------------------------------------------------- ZUNION / ZINTER / ZDIFF

/** A source key: members of a plain set count with score 1. */
type Source = ZSet | SetValue | null;

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;
const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

function sourceSize(s: Source): number {
  return s === null ? 0 : s.size;
}

function sourceScore(s: Source, member: string): number | undefined {
  if (s === null) return undefined;
  if (s.type === 'zset') return s.score(member);
  return s.has(member) ? 1 : undefined;
}

function aggregate(target: number, v: number, agg: number): number {
  if (agg === AGG_SUM) {
    const r = target + v;
    return Number.isNaN(r) ? 0 : r;
  }
  if (agg === AGG_MIN) return v < target ? v : target;
  return v > target ? v : target;
}

/** Sort sources (and their weights, in place) by size, keeping the given order among equals. */
function bySize(srcs: Source[], weights: number[]): Source[] {
  const order = srcs.slice();
  for (let i = 1; i < order.length; i++) {
    const s = order[i];
    const w = weights[i];
    let j = i - 1;
    while (j >= 0 && sourceSize(order[j]) > sourceSize(s)) {
      order[j + 1] = order[j];
      weights[j + 1] = weights[j];
      j--;
    }
    order[j + 1] = s;
    weights[j + 1] = w;
  }
  return order;
}

/** Union step: fold every member of one source into the accumulator. */
function addAll(s: Source, weight: number, acc: Map<string, number>, agg: number): void {
  if (s === null) return;
  if (s.type === 'zset') {
    for (let h = s.size > 0 ? s.at(s.size - 1) : -1; h !== -1; h = s.prev(h)) accumulate(acc, s.memberCopy(h), s.scoreAt(h), weight, agg);
  } else {
    for (const m of s.values()) accumulate(acc, m, 1, weight, agg);
  }
}

function accumulate(acc: Map<string, number>, member: string, score: number, weight: number, agg: number): void {
  let v = weight * score;
  if (Number.isNaN(v)) v = 0;
  const cur = acc.get(member);
  acc.set(member, cur === undefined ? v : aggregate(cur, v, agg));
}

/** Intersection step: the aggregated score of a member of order[0] found in every other source. */
function interScore(order: Source[], weights: number[], agg: number, member: string, score: number): number | undefined {
  let total = weights[0] * score;
  if (Number.isNaN(total)) total = 0;
  for (let k = 1; k < order.length; k++) {
    const v = sourceScore(order[k], member);
    if (v === undefined) return undefined;
    total = aggregate(total, v * weights[k], agg);
  }
  return total;
}

function inAnyOther(srcs: Source[], from: number, member: string): boolean {
  for (let k = from; k < srcs.length; k++) if (sourceScore(srcs[k], member) !== undefined) return true;
  return false;
}

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD. numkeys is at `nk`; dst is set for the
 * STORE forms. Key types are checked before the options, as Redis does.
 */
function zsetAlgebra(c: Client, argv: string[], name: string, dst: string | null, nk: number, op: number, cardOnly: boolean): void {
  const setnum = longArg(c, argv[nk]);
  if (setnum === null) return;
  if (setnum < 1) {
    c.reply.error(ERR.zAtLeastOneKey(name));
    return;
  }
  if (setnum > argv.length - (nk + 1)) {
    c.reply.error(ERR.syntax);
    return;
  }
  const db = c.db;
  const srcs: Source[] = new Array(setnum);
  const weights: number[] = new Array(setnum).fill(1);
  let j = nk + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = db.lookupRead(argv[j]);
    if (v === undefined) {
      srcs[i] = null;
    } else if (typeof v === 'string' || (v.type !== 'zset' && v.type !== 'set')) {
      c.reply.error(ERR.wrongType);
      return;
    } else {
      srcs[i] = v as ZSet | SetValue;
    }
  }
  let agg = AGG_SUM;
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const opt = argv[j].toLowerCase();
    const remaining = argv.length - j;
    if (op !== OP_DIFF && !cardOnly && remaining >= setnum + 1 && opt === 'weights') {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseScore(argv[j]);
        if (w === null) {
          c.reply.error(ERR.zWeightFloat);
          return;
        }
        weights[i] = w;
      }
    } else if (op !== OP_DIFF && !cardOnly && remaining >= 2 && opt === 'aggregate') {
      const a = argv[j + 1].toLowerCase();
      if (a === 'sum') agg = AGG_SUM;
      else if (a === 'min') agg = AGG_MIN;
      else if (a === 'max') agg = AGG_MAX;
      else {
        c.reply.error(ERR.syntax);
        return;
      }
      j += 2;
    } else if (dst === null && !cardOnly && opt === 'withscores') {
      withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && opt === 'limit') {
      const n = rangeArg(c, argv[j + 1], 0n, LONG_MAX, ERR.limitNegative);
      if (n === null) return;
      limit = n;
      j += 2;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }

  const acc = new Map<string, number>();
  if (op === OP_DIFF) {
    const s0 = srcs[0];
    if (s0 !== null && s0.type === 'zset') {
      for (let h = s0.size > 0 ? s0.at(s0.size - 1) : -1; h !== -1; h = s0.prev(h)) {
        if (!inAnyOther(srcs, 1, s0.member(h))) acc.set(s0.memberCopy(h), s0.scoreAt(h));
      }
    } else if (s0 !== null) {
      for (const m of s0.values()) if (!inAnyOther(srcs, 1, m)) acc.set(m, 1);
    }
  } else {
    // Smallest first, stable like glibc's merge sort: it fixes the order scores are summed in.
    const order = bySize(srcs, weights);
    if (op === OP_UNION) {
      for (let i = 0; i < order.length; i++) addAll(order[i], weights[i], acc, agg);
    } else {
      let card = 0;
      const s0 = order[0];
      if (s0 !== null && s0.type === 'zset') {
        for (let h = s0.size > 0 ? s0.at(s0.size - 1) : -1; h !== -1; h = s0.prev(h)) {
          const total = interScore(order, weights, agg, s0.member(h), s0.scoreAt(h));
          if (total === undefined) continue;
          card++;
          if (!cardOnly) acc.set(s0.memberCopy(h), total);
          else if (limit !== 0 && card >= limit) break;
        }
      } else if (s0 !== null) {
        for (const m of s0.values()) {
          const total = interScore(order, weights, agg, m, 1);
          if (total === undefined) continue;
          card++;
          if (!cardOnly) acc.set(m, total);
          else if (limit !== 0 && card >= limit) break;
        }
      }
      if (cardOnly) {
        c.reply.int(card);
        return;
      }
    }
  }

  let maxLen = 0;
  for (const m of acc.keys()) if (m.length > maxLen) maxLen = m.length;
  const result = new ZSet(acc.size, maxLen);
  for (const [m, s] of acc) result.insert(m, s);
  if (dst !== null) {
    storeResult(c, dst, result, op === OP_UNION ? 'zunionstore' : op === OP_INTER ? 'zinterstore' : 'zdiffstore');
    return;
  }
  const n = result.size;
  rangeHeader(c, n, withScores);
  for (let h = n > 0 ? result.at(0) : -1; h !== -1; h = result.next(h)) rangeItem(c, result.member(h), result.scoreAt(h), withScores);
}

/** Keys of commands shaped `cmd [dst] numkeys key...` (at = index of numkeys; dst at 1 when at is 2). */
function numkeysKeys(argv: string[], at: number): number[] {
  const n = parseInt64(argv[at] ?? '');
  const out: number[] = at === 2 ? [1] : [];
  if (n === null || n < 1) return out;
  for (let i = at + 1; i <= at + Number(n) && i < argv.length; i++) out.push(i);
  return out;
}

// ---------------------------------------------------------------- table

/** Key-spec flags of the single-key-range commands, as Redis 7.0 reports them. */
const KEY_SPEC_FLAGS: Record<string, string[]> = {
  zadd: ['RW', 'UPDATE'], zincrby: ['RW', 'ACCESS', 'UPDATE'], zcard: ['RO'],
  zrem: ['RW', 'DELETE'], zremrangebyrank: ['RW', 'DELETE'], zremrangebyscore: ['RW', 'DELETE'], zremrangebylex: ['RW', 'DELETE'],
  zpopmin: ['RW', 'ACCESS', 'DELETE'], zpopmax: ['RW', 'ACCESS', 'DELETE'], zmpop: ['RW', 'ACCESS', 'DELETE'],
  bzpopmin: ['RW', 'ACCESS', 'DELETE'], bzpopmax: ['RW', 'ACCESS', 'DELETE'], bzmpop: ['RW', 'ACCESS', 'DELETE'],
};

const z = (def: Omit<CommandDef, 'group' | 'acl'>): CommandDef => ({
  group: 'sorted-set', acl: 'sortedset', keySpecFlags: KEY_SPEC_FLAGS[def.name] ?? ['RO', 'ACCESS'], ...def,
});

const LOG_N = 'O(log(N)) where N is the number of elements in the sorted set.';
const RANGE_CPLX = 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.';

/** ZREMRANGEBYRANK / BYSCORE / BYLEX: one definition but for how the range is given. */
function zremrangeDef(name: string, since: string, summary: string, type: number): CommandDef {
  return z({
    name, arity: 4, flags: 'write', keys: [1, 1, 1], since, summary,
    complexity: 'O(log(N)+M) with N the size of the sorted set and M the number of members removed.',
    handler(c, argv) {
      zremrangeGeneric(c, argv, type);
    },
  });
}

export const commands: CommandDef[] = [
  z({
    name: 'zadd', arity: -4, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.2.0',
    docs: {
      history: [['2.4.0', 'Several members in one call.'], ['3.0.2', 'XX, NX, CH and INCR options.'], ['6.2.0', 'GT and LT options.']],
    },
    summary: 'Adds members with scores to a sorted set, or updates the scores of existing members; creates the key if needed.',
    complexity: 'O(log(N)) for each member added, N being the size of the sorted set.',
    handler(c, argv) {
      zaddGeneric(c, argv, 0);
    },
  }),
  z({
    name: 'zincrby', arity: 4, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.2.0',
    summary: 'Adds an increment to the score of a sorted-set member.', complexity: LOG_N,
    handler(c, argv) {
      zaddGeneric(c, argv, Z_INCR);
    },
  }),
  z({
    name: 'zrem', arity: -3, flags: 'write fast', keys: [1, 1, 1], since: '1.2.0',
    docs: { history: [['2.4.0', 'Several members in one call.']] },
    summary: 'Removes members from a sorted set; the key goes away with its last member.',
    complexity: 'O(M*log(N)) with N the size of the sorted set and M the number of members removed.',
    handler(c, argv) {
      const key = argv[1];
      const db = c.db;
      const zs = zsetOf(c, db.lookupWrite(key));
      if (zs === null) return;
      if (zs === undefined) {
        c.reply.int(0);
        return;
      }
      let deleted = 0;
      for (let i = 2; i < argv.length; i++) {
        if (zs.delete(argv[i])) deleted++;
        if (zs.size === 0) break;
      }
      if (deleted > 0) {
        notifyKeyspaceEvent(NOTIFY_ZSET, 'zrem', key, db.id);
        storeOrDelete(db, key, zs, zs.size === 0);
        server.dirty += deleted;
      }
      c.reply.int(deleted);
    },
  }),
  z({
    name: 'zcard', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], since: '1.2.0',
    summary: 'Returns the number of members of a sorted set.', complexity: 'O(1)',
    handler(c, argv) {
      const zs = zsetOf(c, c.db.lookupRead(argv[1]));
      if (zs !== null) c.reply.int(zs === undefined ? 0 : zs.size);
    },
  }),
  z({
    name: 'zscore', arity: 3, flags: 'readonly fast', keys: [1, 1, 1], since: '1.2.0',
    summary: 'Returns the score of a sorted-set member.', complexity: 'O(1)',
    handler(c, argv) {
      const zs = zsetOf(c, c.db.lookupRead(argv[1]));
      if (zs === null) return;
      const s = zs === undefined ? undefined : zs.score(argv[2]);
      if (s === undefined) c.reply.nullBulk();
      else c.reply.double(s);
    },
  }),
  z({
    name: 'zmscore', arity: -3, flags: 'readonly fast', keys: [1, 1, 1], since: '6.2.0',
    summary: 'Returns the scores of several sorted-set members.', complexity: 'O(N) where N is the number of members asked for.',
    handler(c, argv) {
      const zs = zsetOf(c, c.db.lookupRead(argv[1]));
      if (zs === null) return;
      c.reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) {
        const s = zs === undefined ? undefined : zs.score(argv[i]);
        if (s === undefined) c.reply.nullBulk();
        else c.reply.double(s);
      }
    },
  }),
  ...(['zrank', 'zrevrank'] as const).map((name) => z({
    name, arity: 3, flags: 'readonly fast', keys: [1, 1, 1], since: '2.0.0',
    summary: name === 'zrank'
      ? 'Returns the 0-based position of a member in a sorted set ordered by ascending score.'
      : 'Returns the 0-based position of a member in a sorted set ordered by descending score.',
    complexity: LOG_N,
    handler(c: Client, argv: string[]) {
      const zs = zsetOf(c, c.db.lookupRead(argv[1]));
      if (zs === null) return;
      const r = zs === undefined ? -1 : zs.rank(argv[2]);
      if (r < 0) c.reply.nullBulk();
      else c.reply.int(name === 'zrank' ? r : zs!.size - 1 - r);
    },
  })),
  z({
    name: 'zcount', arity: 4, flags: 'readonly fast', keys: [1, 1, 1], since: '2.0.0',
    summary: 'Counts the members of a sorted set with scores in a range.', complexity: LOG_N,
    handler(c, argv) {
      if (!parseScoreRange(argv[2], argv[3])) {
        c.reply.error(ERR.zMinMaxFloat);
        return;
      }
      const zs = zsetOf(c, c.db.lookupRead(argv[1]));
      if (zs === null) return;
      if (zs === undefined) {
        c.reply.int(0);
        return;
      }
      const first = zs.firstInScore(SR);
      c.reply.int(first < 0 ? 0 : zs.lastInScore(SR) - first + 1);
    },
  }),
  z({
    name: 'zlexcount', arity: 4, flags: 'readonly fast', keys: [1, 1, 1], since: '2.8.9',
    summary: 'Counts the members of a sorted set in a lexicographical range.', complexity: LOG_N,
    handler(c, argv) {
      if (!parseLexRange(argv[2], argv[3])) {
        c.reply.error(ERR.zMinMaxLex);
        return;
      }
      const zs = zsetOf(c, c.db.lookupRead(argv[1]));
      if (zs === null) return;
      c.reply.int(zs === undefined ? 0 : zs.lexCount(LR));
    },
  }),
  z({
    name: 'zrange', arity: -4, flags: 'readonly', keys: [1, 1, 1], since: '1.2.0',
    docs: { history: [['6.2.0', 'REV, BYSCORE, BYLEX and LIMIT options.']] },
    summary: 'Returns members of a sorted set in a range of ranks, scores (BYSCORE) or names (BYLEX).',
    complexity: RANGE_CPLX,
    handler(c, argv) {
      zrangeGeneric(c, argv, 1, null, BY_AUTO, DIR_AUTO);
    },
  }),
  z({
    name: 'zrangestore', arity: -5, flags: 'write denyoom', keys: [1, 2, 1], since: '6.2.0',
    keySpecs: [ksIndex('OW update', 1), ksIndex('RO access', 2)],
    summary: 'Stores a range of a sorted set (as ZRANGE selects it) in another key.',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored.',
    handler(c, argv) {
      zrangeGeneric(c, argv, 2, argv[1], BY_AUTO, DIR_AUTO);
    },
  }),
  z({
    name: 'zrevrange', arity: -4, flags: 'readonly', keys: [1, 1, 1], since: '1.2.0',
    docs: { docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `REV`' },
    summary: 'Returns members of a sorted set in a range of ranks, highest score first.', complexity: RANGE_CPLX,
    handler(c, argv) {
      zrangeGeneric(c, argv, 1, null, BY_RANK, DIR_REV);
    },
  }),
  z({
    name: 'zrangebyscore', arity: -4, flags: 'readonly', keys: [1, 1, 1], since: '1.0.5',
    docs: {
      history: [['2.0.0', 'WITHSCORES option.']],
      docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `BYSCORE`',
    },
    summary: 'Returns members of a sorted set with scores in a range.', complexity: RANGE_CPLX,
    handler(c, argv) {
      zrangeGeneric(c, argv, 1, null, BY_SCORE, DIR_FWD);
    },
  }),
  z({
    name: 'zrevrangebyscore', arity: -4, flags: 'readonly', keys: [1, 1, 1], since: '2.2.0',
    docs: {
      history: [['2.1.6', 'Exclusive min and max.']],
      docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `REV` and `BYSCORE`',
    },
    summary: 'Returns members of a sorted set with scores in a range, highest score first.', complexity: RANGE_CPLX,
    handler(c, argv) {
      zrangeGeneric(c, argv, 1, null, BY_SCORE, DIR_REV);
    },
  }),
  z({
    name: 'zrangebylex', arity: -4, flags: 'readonly', keys: [1, 1, 1], since: '2.8.9',
    docs: { docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `BYLEX`' },
    summary: 'Returns members of a sorted set in a lexicographical range.', complexity: RANGE_CPLX,
    handler(c, argv) {
      zrangeGeneric(c, argv, 1, null, BY_LEX, DIR_FWD);
    },
  }),
  z({
    name: 'zrevrangebylex', arity: -4, flags: 'readonly', keys: [1, 1, 1], since: '2.8.9',
    docs: { docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `REV` and `BYLEX`' },
    summary: 'Returns members of a sorted set in a lexicographical range, in reverse order.', complexity: RANGE_CPLX,
    handler(c, argv) {
      zrangeGeneric(c, argv, 1, null, BY_LEX, DIR_REV);
    },
  }),
  zremrangeDef('zremrangebyrank', '2.0.0', 'Removes the members of a sorted set in a range of ranks.', REM_RANK),
  zremrangeDef('zremrangebyscore', '1.2.0', 'Removes the members of a sorted set with scores in a range.', REM_SCORE),
  zremrangeDef('zremrangebylex', '2.8.9', 'Removes the members of a sorted set in a lexicographical range.', REM_LEX),
  z({
    name: 'zpopmin', arity: -2, flags: 'write fast', keys: [1, 1, 1], since: '5.0.0',
    summary: 'Removes and returns the members with the lowest scores.',
    complexity: 'O(log(N)*M) with N the size of the sorted set and M the number of members popped.',
    handler(c, argv) {
      zpopMinMax(c, argv, false);
    },
  }),
  z({
    name: 'zpopmax', arity: -2, flags: 'write fast', keys: [1, 1, 1], since: '5.0.0',
    summary: 'Removes and returns the members with the highest scores.',
    complexity: 'O(log(N)*M) with N the size of the sorted set and M the number of members popped.',
    handler(c, argv) {
      zpopMinMax(c, argv, true);
    },
  }),
  z({
    name: 'zmpop', arity: -4, flags: 'write', since: '7.0.0',
    getKeys: (argv) => numkeysKeys(argv, 1), keySpecs: [ksKeynum('RW access delete', 1)],
    summary: 'Pops the lowest or highest scored members from the first non-empty sorted set of several keys.',
    complexity: 'O(K) + O(M*log(N)) with K the number of keys, N the size of the sorted set and M the number of members popped.',
    handler: zmpop,
  }),
  z({
    name: 'bzpopmin', arity: -3, flags: 'write noscript blocking fast', keys: [1, -2, 1], since: '5.0.0',
    docs: { history: [['6.0.0', 'The timeout is read as a double, not only as an integer.']] },
    summary: 'Pops the member with the lowest score from the first non-empty sorted set among several keys, waiting for one when all are empty.',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    handler(c, argv) {
      bzpop(c, argv, false);
    },
  }),
  z({
    name: 'bzpopmax', arity: -3, flags: 'write noscript blocking fast', keys: [1, -2, 1], since: '5.0.0',
    docs: { history: [['6.0.0', 'The timeout is read as a double, not only as an integer.']] },
    summary: 'Pops the member with the highest score from the first non-empty sorted set among several keys, waiting for one when all are empty.',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    handler(c, argv) {
      bzpop(c, argv, true);
    },
  }),
  z({
    name: 'bzmpop', arity: -5, flags: 'write blocking', since: '7.0.0',
    keySpecs: [ksKeynum('RW access delete', 2)],
    getKeys: (argv) => mpopKeys(argv, 2),
    summary: 'Pops the lowest or highest scored members from the first non-empty sorted set among several keys, waiting for one when all are empty.',
    complexity: 'O(K) + O(M*log(N)) with K the number of keys, N the size of the sorted set and M the number of members popped.',
    handler: bzmpop,
  }),
  z({
    name: 'zscan', arity: -3, flags: 'readonly', keys: [1, 1, 1], since: '2.8.0',
    tips: ['nondeterministic_output'],
    summary: 'Walks the members and scores of a sorted set a batch at a time.',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    handler: zscanCommand,
  }),
  z({
    name: 'zrandmember', arity: -2, flags: 'readonly', keys: [1, 1, 1], since: '6.2.0',
    tips: ['nondeterministic_output'],
    summary: 'Returns random members of a sorted set, optionally with their scores.',
    complexity: 'O(N) where N is the number of members returned.',
    handler(c, argv) {
      if (argv.length >= 3) {
        zrandmemberWithCount(c, argv);
        return;
      }
      const zs = zsetOf(c, c.db.lookupRead(argv[1]));
      if (zs === null) return;
      if (zs === undefined) {
        c.reply.nullBulk();
        return;
      }
      c.reply.bulk(zs.member(zs.at(Math.floor(Math.random() * zs.size))));
    },
  }),
  ...([
    ['zunion', OP_UNION, false, 'Returns the union of sorted sets (sets count with score 1).'],
    ['zinter', OP_INTER, false, 'Returns the intersection of sorted sets (sets count with score 1).'],
    ['zdiff', OP_DIFF, false, 'Returns the members of the first sorted set missing from the others.'],
    ['zunionstore', OP_UNION, true, 'Stores the union of sorted sets in a key.'],
    ['zinterstore', OP_INTER, true, 'Stores the intersection of sorted sets in a key.'],
    ['zdiffstore', OP_DIFF, true, 'Stores the difference of sorted sets in a key.'],
  ] as const).map(([name, op, store, summary]) => z({
    name, arity: store ? -4 : -3, flags: store ? 'write denyoom' : 'readonly', since: name === 'zunionstore' || name === 'zinterstore' ? '2.0.0' : '6.2.0',
    keys: store ? [1, 1, 1] : undefined,
    getKeys: (argv: string[]) => numkeysKeys(argv, store ? 2 : 1),
    keySpecs: store ? [ksIndex('OW update', 1), ksKeynum('RO access', 2)] : [ksKeynum('RO access', 1)],
    summary,
    complexity: op === OP_DIFF
      ? 'O(L + (N-K)log(N)) worst case, L the total number of members of all sets, N the size of the first set, K the size of the result.'
      : 'O(N*K)+O(M*log(M)) worst case, N the smallest input, K the number of inputs, M the size of the result.',
    handler(c: Client, argv: string[]) {
      if (store) zsetAlgebra(c, argv, name, argv[1], 2, op, false);
      else zsetAlgebra(c, argv, name, null, 1, op, false);
    },
  })),
  z({
    name: 'zintercard', arity: -3, flags: 'readonly', since: '7.0.0',
    getKeys: (argv) => numkeysKeys(argv, 1), keySpecs: [ksKeynum('RO access', 1)],
    summary: 'Counts the members of the intersection of sorted sets, stopping early at LIMIT.',
    complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    handler(c, argv) {
      zsetAlgebra(c, argv, 'zintercard', null, 1, OP_INTER, true);
    },
  }),
];
