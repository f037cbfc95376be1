// Stream commands (Redis 7.0): XADD XRANGE XREAD, consumer groups, pending entries, XINFO.
// Commands that hand out or move pending entries propagate what they did as XCLAIM / XGROUP
// SETID / XGROUP CREATECONSUMER, never themselves, so replicas end with the same groups.

import { ERR } from '../errors.js';
import type { Value } from '../keyspace/db.js';
import { notifyKeyspaceEvent, NOTIFY_STREAM } from '../keyspace/notify.js';
import { signals } from '../keyspace/signals.js';
import {
  ConsumerGroup, ENTRIES_READ_INVALID, formatId, ID_MAX, Nack, StreamCursor, StreamValue, TRIM_MAXLEN, TRIM_MINID, TRIM_NONE,
  U64, type Consumer, type IdMap, type TrimArgs,
} from '../keyspace/types/stream.js';
import { parseInt64 } from '../protocol/format.js';
import { blockForKeys, mayBlock, servedKey, TimeoutReply, type WakeCheck } from '../server/blocking.js';
import { CLIENT_DENY_BLOCKING, CLIENT_FAKE, CLIENT_MASTER, type Client } from '../server/client.js';
import { beginAtomic, endAtomic, propagate } from '../server/propagate.js';
import { server } from '../server/state.js';
import { ksIndex } from './keyspecs.js';
import { ofType } from './list.js';
import { longArg, rangeArg } from './int-args.js';
import { lookupCommand } from './registry.js';
import { replyHelp } from './server.js';
import { noContainerHandler, type CommandDef, type KeySpec } from './spec.js';

// ---------------------------------------------------------------- IDs

const INT64_MAX = (1n << 63n) - 1n;
const CANONICAL_INT = /^-?[1-9]\d*$|^0$/;
const STRTOULL = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/;

/**
 * Redis's string2ull: a canonical 64-bit integer (negative ones refused), else what strtoull
 * accepts whole (leading blanks, a sign, leading zeros; a '-' wraps around as in C).
 */
function parseU64(s: string): bigint | null {
  if (CANONICAL_INT.test(s)) {
    const v = BigInt(s);
    if (v <= INT64_MAX && v >= -INT64_MAX - 1n) return v < 0n ? null : v;
  }
  const m = STRTOULL.exec(s);
  if (m === null) return null;
  const v = BigInt(m[2]);
  if (v > U64) return null;
  return m[1] === '-' ? (U64 + 1n - v) & U64 : v;
}

/** Set by parseId: whether the sequence was given (false for XADD's `ms-*`). */
let seqGiven = true;

/**
 * Parse a stream ID; null after replying the error (when `c` is given). `strict` refuses the
 * bare `-` and `+`; `allowSeqStar` accepts `ms-*` (XADD). A missing sequence is `missingSeq`.
 */
function parseId(c: Client | null, s: string, missingSeq: bigint, strict: boolean, allowSeqStar = false): bigint | null {
  seqGiven = true;
  if (s.length <= 127) {
    if (s === '-' || s === '+') {
      if (!strict) return s === '-' ? 0n : ID_MAX;
    } else {
      const dash = s.indexOf('-');
      const ms = parseU64(dash < 0 ? s : s.slice(0, dash));
      if (ms !== null) {
        if (dash < 0) return (ms << 64n) | missingSeq;
        const rest = s.slice(dash + 1);
        if (allowSeqStar && rest === '*') {
          seqGiven = false;
          return ms << 64n;
        }
        const seq = parseU64(rest);
        if (seq !== null) return (ms << 64n) | seq;
      }
    }
  }
  if (c !== null) c.reply.error(ERR.streamIdInvalid);
  return null;
}

/** Range bound: `(id` excludes (and is strict). Null after replying. */
function parseBound(c: Client, s: string, missingSeq: bigint, start: boolean): bigint | null {
  const exclude = s.length > 1 && s.charCodeAt(0) === 40;
  const id = exclude ? parseId(c, s.slice(1), missingSeq, true) : parseId(c, s, missingSeq, false);
  if (id === null || !exclude) return id;
  if (start) {
    if (id === ID_MAX) {
      c.reply.error(ERR.streamIntervalStart);
      return null;
    }
    return id + 1n;
  }
  if (id === 0n) {
    c.reply.error(ERR.streamIntervalEnd);
    return null;
  }
  return id - 1n;
}

/** A long long that is stored as such (counters), exactly; null after replying `error`. */
function int64Arg(c: Client, s: string, error: string = ERR.notInteger): bigint | null {
  const v = parseInt64(s);
  if (v === null) {
    c.reply.error(error);
    return null;
  }
  return BigInt(v);
}

const streamOf = (c: Client, key: string, write: boolean): StreamValue | undefined | null =>
  ofType(c, write ? c.db.lookupWrite(key) : c.db.lookupRead(key), StreamValue);

/** Redis changes groups through read lookups; a point-in-time snapshot still needs the old value. */
function beforeChange(c: Client, key: string): void {
  signals.beforeWrite(c.db, key);
}

// ---------------------------------------------------------------- replies

function replyEntry(c: Client, it: StreamCursor): void {
  const n = it.numFields();
  c.reply.array(2);
  c.reply.bulk(formatId(it.id));
  c.reply.array(n * 2);
  for (let k = 0; k < n; k++) {
    c.reply.bulk(it.field(k));
    c.reply.bulk(it.value(k));
  }
}

/** The one entry with this ID as [id, fields], or false when it does not exist. */
function replyOneEntry(c: Client, s: StreamValue, id: bigint): boolean {
  const it = new StreamCursor(s, id, id, false);
  if (!it.next()) return false;
  replyEntry(c, it);
  return true;
}

/** Entries [start, end] in order (reverse when rev), at most count (0 = all), as an array. */
function replyRange(c: Client, s: StreamValue, start: bigint, end: bigint, count: number, rev: boolean): void {
  const it = new StreamCursor(s, start, end, rev);
  const mark = c.reply.deferLen();
  let n = 0;
  while ((count === 0 || n < count) && it.next()) {
    replyEntry(c, it);
    n++;
  }
  c.reply.deferredArray(mark, n);
}

// ---------------------------------------------------------------- propagation

function propagateXclaim(c: Client, key: string, g: ConsumerGroup, id: string, nack: Nack): void {
  propagate(c.db.id, [
    'XCLAIM', key, g.name, nack.consumer!.name, '0', id, 'TIME', String(nack.deliveryTime), 'RETRYCOUNT',
    String(BigInt.asIntN(64, nack.deliveryCount)), 'FORCE', 'JUSTID', 'LASTID', formatId(g.lastId),
  ]);
}

function propagateGroupId(c: Client, key: string, g: ConsumerGroup): void {
  propagate(c.db.id, ['XGROUP', 'SETID', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
}

function createConsumer(c: Client, key: string, g: ConsumerGroup, name: string): Consumer {
  const consumer = g.createConsumer(name, Date.now())!;
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STREAM, 'xgroup-createconsumer', key, c.db.id);
  return consumer;
}

/**
 * Look a consumer up (refreshing its seen time), creating it when missing; a new one is propagated
 * as XGROUP CREATECONSUMER when propagateNew (XREADGROUP NOACK, which propagates no XCLAIM that
 * would create it on replicas).
 */
function consumerFor(c: Client, key: string, g: ConsumerGroup, name: string, propagateNew = false): Consumer {
  let consumer = g.consumers.get(name);
  if (consumer === undefined) {
    consumer = createConsumer(c, key, g, name);
    if (propagateNew) propagate(c.db.id, ['XGROUP', 'CREATECONSUMER', key, g.name, name]);
    return consumer;
  }
  consumer.seenTime = Date.now();
  return consumer;
}

// ---------------------------------------------------------------- XADD / XTRIM

const trim: TrimArgs & { idPos: number; argIdx: number; noMkstream: boolean; id: bigint | null; seqGiven: boolean } = {
  strategy: TRIM_NONE, approx: false, limit: 0, maxlen: 0, minid: 0n, idPos: 0, argIdx: 0, noMkstream: false, id: null,
  seqGiven: true,
};

/** Redis's streamParseAddOrTrimArgsOrReply into `trim`; false after replying. */
function parseAddOrTrim(c: Client, argv: string[], xadd: boolean): boolean {
  trim.strategy = TRIM_NONE;
  trim.approx = false;
  trim.limit = 0;
  trim.maxlen = 0;
  trim.minid = 0n;
  trim.argIdx = 0;
  trim.noMkstream = false;
  trim.id = null;
  trim.seqGiven = true;
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    const lower = opt.toLowerCase();
    if (xadd && opt === '*') break;
    if ((lower === 'maxlen' || lower === 'minid') && more > 0) {
      if (trim.strategy !== TRIM_NONE) {
        c.reply.error(ERR.streamTrimBoth);
        return false;
      }
      trim.approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === '~') {
        trim.approx = true;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      if (lower === 'maxlen') {
        const n = longArg(c, argv[i + 1]);
        if (n === null) return false;
        if (n < 0) {
          c.reply.error(ERR.streamMaxlenNegative);
          return false;
        }
        trim.maxlen = n;
        trim.strategy = TRIM_MAXLEN;
      } else {
        const id = parseId(c, argv[i + 1], 0n, true);
        if (id === null) return false;
        trim.minid = id;
        trim.strategy = TRIM_MINID;
      }
      i++;
      trim.argIdx = i;
    } else if (lower === 'limit' && more > 0) {
      const n = longArg(c, argv[i + 1]);
      if (n === null) return false;
      if (n < 0) {
        c.reply.error(ERR.streamLimitNegative);
        return false;
      }
      trim.limit = n;
      limitGiven = true;
      i++;
    } else if (xadd && lower === 'nomkstream') {
      trim.noMkstream = true;
    } else if (xadd) {
      const id = parseId(c, opt, 0n, true, true);
      if (id === null) return false;
      trim.id = id;
      trim.seqGiven = seqGiven;
      break;
    } else {
      c.reply.error(ERR.syntax);
      return false;
    }
  }
  trim.idPos = i;
  if (trim.limit !== 0 && trim.strategy === TRIM_NONE) {
    c.reply.error(ERR.streamLimitNoStrategy);
    return false;
  }
  if (!xadd && trim.strategy === TRIM_NONE) {
    c.reply.error(ERR.xtrimNoStrategy);
    return false;
  }
  if ((c.flags & (CLIENT_MASTER | CLIENT_FAKE)) !== 0) {
    // What a primary or the AOF sends was rewritten to an exact form: no work limit applies.
    trim.limit = 0;
  } else if (limitGiven) {
    if (!trim.approx) {
      c.reply.error(ERR.streamLimitNoApprox);
      return false;
    }
  } else if (trim.approx) {
    let limit = 100 * server.config.num('stream-node-max-entries');
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
    trim.limit = limit;
  }
  return true;
}

/** Replicas must trim exactly what we trimmed: `~ n` becomes `= <length>` or `= <first id>`. */
function rewriteApproxTrim(out: string[], s: StreamValue): void {
  out[trim.argIdx - 1] = '=';
  out[trim.argIdx] = trim.strategy === TRIM_MAXLEN ? String(s.length) : formatId(s.firstNodeId());
}

function xaddCommand(c: Client, argv: string[]): void {
  if (!parseAddOrTrim(c, argv, true)) return;
  const fieldPos = trim.idPos + 1;
  const nf = argv.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) {
    c.reply.error(ERR.wrongArity('xadd'));
    return;
  }
  if (trim.id !== null && trim.seqGiven && trim.id === 0n) {
    c.reply.error(ERR.xaddIdZero);
    return;
  }
  const key = argv[1];
  let s = streamOf(c, key, true);
  if (s === null) return;
  if (s === undefined) {
    if (trim.noMkstream) {
      c.reply.nullBulk();
      return;
    }
    s = new StreamValue();
    c.db.set(key, s);
  }
  if (s.lastId === ID_MAX) {
    c.reply.error(ERR.streamExhausted);
    return;
  }
  let id: bigint;
  if (trim.id === null) {
    const now = BigInt(Date.now());
    id = now > s.lastId >> 64n ? now << 64n : s.lastId + 1n;
  } else if (!trim.seqGiven && s.lastId >> 64n === trim.id >> 64n) {
    if ((s.lastId & U64) === U64) {
      // Redis reports this one through a stale errno: the "too large" text.
      c.reply.error(ERR.streamElementsTooLarge);
      return;
    }
    id = s.lastId + 1n;
  } else {
    id = trim.id;
  }
  if (id <= s.lastId) {
    c.reply.error(ERR.xaddIdTooSmall);
    return;
  }
  if (!s.append(id, argv, fieldPos)) {
    c.reply.error(ERR.streamElementsTooLarge);
    return;
  }
  const idText = formatId(id);
  c.reply.bulk(idText);
  c.db.overwrite(key, s);
  notifyKeyspaceEvent(NOTIFY_STREAM, 'xadd', key, c.db.id);
  server.dirty++;
  let out: string[] | null = null;
  if (trim.strategy !== TRIM_NONE) {
    if (s.trim(trim) !== 0) notifyKeyspaceEvent(NOTIFY_STREAM, 'xtrim', key, c.db.id);
    if (trim.approx) {
      out = argv.slice();
      rewriteApproxTrim(out, s);
    }
  }
  if (trim.id === null || !trim.seqGiven) {
    out ??= argv.slice();
    out[trim.idPos] = idText;
  }
  if (out !== null) c.propagateArgv = out;
  signals.ready(c.db, key);
}

function xtrimCommand(c: Client, argv: string[]): void {
  if (!parseAddOrTrim(c, argv, false)) return;
  const key = argv[1];
  const s = streamOf(c, key, true);
  if (s === null) return;
  if (s === undefined) {
    c.reply.int(0);
    return;
  }
  const deleted = s.trim(trim);
  if (deleted !== 0) {
    notifyKeyspaceEvent(NOTIFY_STREAM, 'xtrim', key, c.db.id);
    if (trim.approx) {
      const out = argv.slice();
      rewriteApproxTrim(out, s);
      c.propagateArgv = out;
    }
    c.db.overwrite(key, s);
    server.dirty += deleted;
  }
  c.reply.int(deleted);
}

// ---------------------------------------------------------------- XRANGE / XREVRANGE / XLEN / XDEL

function xrangeCommand(c: Client, argv: string[], rev: boolean): void {
  const start = parseBound(c, rev ? argv[3] : argv[2], 0n, true);
  if (start === null) return;
  const end = parseBound(c, rev ? argv[2] : argv[3], U64, false);
  if (end === null) return;
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j].toLowerCase() === 'count' && j + 1 < argv.length) {
      const n = longArg(c, argv[j + 1]);
      if (n === null) return;
      count = n < 0 ? 0 : n;
      j++;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  const s = streamOf(c, argv[1], false);
  if (s === null) return;
  if (s === undefined) c.reply.array(0);
  else if (count === 0) c.reply.nullArray();
  else replyRange(c, s, start, end, count === -1 ? 0 : count, rev);
}

function xdelCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const s = streamOf(c, key, true);
  if (s === null) return;
  if (s === undefined) {
    c.reply.int(0);
    return;
  }
  const ids = new Array<bigint>(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const id = parseId(c, argv[j], 0n, true);
    if (id === null) return;
    ids[j - 2] = id;
  }
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (!s.deleteEntry(id)) continue;
    if (id === s.firstId) firstEntry = true;
    if (id > s.maxDeletedId) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted !== 0) {
    if (s.length === 0) s.firstId = 0n;
    else if (firstEntry) s.firstId = s.edgeId(true);
    c.db.overwrite(key, s);
    notifyKeyspaceEvent(NOTIFY_STREAM, 'xdel', key, c.db.id);
    server.dirty += deleted;
  }
  c.reply.int(deleted);
}

// ---------------------------------------------------------------- XREAD / XREADGROUP

/** Entries a woken XREAD(GROUP) gets at most when it gave no COUNT (Redis's default). */
const BLOCKED_DEFAULT_COUNT = 1000;

interface ReadArgs {
  timeout: number;
  count: number;
  streamsAt: number;
  nstreams: number;
  group: string | null;
  consumer: string;
  noack: boolean;
}
const rd: ReadArgs = { timeout: -1, count: 0, streamsAt: 0, nstreams: 0, group: null, consumer: '', noack: false };

function parseRead(c: Client, argv: string[], xreadgroup: boolean): boolean {
  rd.timeout = -1;
  rd.count = 0;
  rd.streamsAt = 0;
  rd.nstreams = 0;
  rd.group = null;
  rd.consumer = '';
  rd.noack = false;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i].toLowerCase();
    if (o === 'block' && more > 0) {
      // Scripts run on a socket-less client that may not block; the other such client (AOF
      // loading) never sees XREAD, which is not propagated.
      if ((c.flags & (CLIENT_FAKE | CLIENT_DENY_BLOCKING)) === (CLIENT_FAKE | CLIENT_DENY_BLOCKING)) {
        c.reply.error(ERR.xreadBlockFromScript(argv[0]));
        return false;
      }
      i++;
      const ms = parseInt64(argv[i]);
      if (ms === null) {
        c.reply.error(ERR.blockTimeoutNotInteger);
        return false;
      }
      if (ms < 0) {
        c.reply.error(ERR.timeoutNegative);
        return false;
      }
      // Redis adds the clock without an overflow check: a wrapped deadline is already past.
      rd.timeout = BigInt(ms) + BigInt(Date.now()) > INT64_MAX ? 1 : Number(ms);
    } else if (o === 'count' && more > 0) {
      i++;
      const n = longArg(c, argv[i]);
      if (n === null) return false;
      rd.count = n < 0 ? 0 : n;
    } else if (o === 'streams' && more > 0) {
      rd.streamsAt = i + 1;
      const n = argv.length - rd.streamsAt;
      if (n % 2 !== 0) {
        c.reply.error(ERR.xreadUnbalanced);
        return false;
      }
      rd.nstreams = n / 2;
      break;
    } else if (o === 'group' && more >= 2) {
      if (!xreadgroup) {
        c.reply.error(ERR.xreadGroupOption);
        return false;
      }
      rd.group = argv[i + 1];
      rd.consumer = argv[i + 2];
      i += 2;
    } else if (o === 'noack') {
      if (!xreadgroup) {
        c.reply.error(ERR.xreadNoackOption);
        return false;
      }
      rd.noack = true;
    } else {
      c.reply.error(ERR.syntax);
      return false;
    }
  }
  if (rd.streamsAt === 0) {
    c.reply.error(ERR.syntax);
    return false;
  }
  if (xreadgroup && rd.group === null) {
    c.reply.error(ERR.xreadgroupNoGroup);
    return false;
  }
  return true;
}

/**
 * Serve entries after `after` to a reader (with a group: deliver them, record them as pending and
 * propagate that). Replies the entries array.
 */
function serveEntries(
  c: Client, key: string, s: StreamValue, after: bigint, count: number, g: ConsumerGroup | null, consumer: Consumer | null, noack: boolean,
): void {
  const it = new StreamCursor(s, after + 1n, ID_MAX, false);
  const mark = c.reply.deferLen();
  let n = 0;
  let propagateLastId = false;
  while ((count === 0 || n < count) && it.next()) {
    n++;
    const id = it.id;
    if (g !== null && id > g.lastId) {
      if (g.entriesRead !== ENTRIES_READ_INVALID && !s.rangeHasTombstones(id, ID_MAX)) g.entriesRead = BigInt.asIntN(64, g.entriesRead + 1n);
      else if (s.entriesAdded !== 0n) g.entriesRead = s.estimateDistance(id);
      g.lastId = id;
      if (noack) propagateLastId = true;
    }
    replyEntry(c, it);
    if (g !== null && !noack) {
      const now = Date.now();
      let nack = g.pel.get(id);
      if (nack === undefined) {
        nack = new Nack(consumer, now, 1n);
        g.pel.insert(id, nack);
        consumer!.pel.insert(id, nack);
      } else {
        claimFor(consumer!, id, nack, now, 1n, false);
      }
      propagateXclaim(c, key, g, formatId(id), nack);
    }
  }
  c.reply.deferredArray(mark, n);
  if (g !== null && propagateLastId) propagateGroupId(c, key, g);
}

/** XREADGROUP with an explicit ID: the consumer's own pending entries from that ID on. */
function serveHistory(c: Client, s: StreamValue, start: bigint, count: number, consumer: Consumer): void {
  const pel = consumer.pel;
  let i = pel.lowerBound(start);
  const end = count === 0 ? pel.size : Math.min(pel.size, i + count);
  c.reply.array(end - i);
  const now = Date.now();
  for (; i < end; i++) {
    const id = pel.ids[i];
    if (replyOneEntry(c, s, id)) {
      const nack = pel.vals[i];
      nack.deliveryTime = now;
      nack.deliveryCount = BigInt.asUintN(64, nack.deliveryCount + 1n);
    } else {
      c.reply.array(2);
      c.reply.bulk(formatId(id));
      c.reply.nullArray();
    }
  }
}

function xreadCommand(c: Client, argv: string[], xreadgroup: boolean): void {
  if (!parseRead(c, argv, xreadgroup)) return;
  // Like Redis, the command itself never reaches replicas: only the effects it propagates.
  c.propagateArgv = [];
  const served = servedKey();
  if (served !== null) {
    serveWoken(c, argv, served);
    return;
  }
  const n = rd.nstreams;
  const keysAt = rd.streamsAt;
  const idsAt = keysAt + n;
  const ids = new Array<bigint>(n);
  const groups: (ConsumerGroup | null)[] = new Array<ConsumerGroup | null>(n);
  for (let i = 0; i < n; i++) {
    const key = argv[keysAt + i];
    const s = streamOf(c, key, false);
    if (s === null) return;
    groups[i] = null;
    if (rd.group !== null) {
      const g = s?.group(rd.group);
      if (g === undefined) {
        c.reply.error(ERR.noGroupXreadgroup(key, rd.group));
        return;
      }
      groups[i] = g;
    }
    const a = argv[idsAt + i];
    if (a === '$') {
      if (xreadgroup) {
        c.reply.error(ERR.xreadgroupDollar);
        return;
      }
      ids[i] = s === undefined ? 0n : s.lastId;
    } else if (a === '>') {
      if (!xreadgroup) {
        c.reply.error(ERR.xreadGreaterId);
        return;
      }
      ids[i] = ID_MAX;
    } else {
      const id = parseId(c, a, 0n, true);
      if (id === null) return;
      ids[i] = id;
    }
  }
  // Like Redis, whether a stream is served is decided as the previous ones are served (the same
  // key twice in XREADGROUP), so the reply's length is filled in afterwards.
  let replied = 0;
  let mark = 0;
  let atomic = false;
  for (let i = 0; i < n; i++) {
    const key = argv[keysAt + i];
    const s = c.db.lookupRead(key) as StreamValue | undefined;
    if (s === undefined) continue;
    const g = groups[i];
    let gt = ids[i];
    let sync = false;
    let history = false;
    if (g !== null) {
      if (gt !== ID_MAX) {
        sync = true;
        history = true;
      } else if (s.length !== 0 && s.lastValidId() > g.lastId) {
        sync = true;
        gt = g.lastId;
      }
    } else if (s.length !== 0 && s.lastValidId() > gt) {
      sync = true;
    }
    if (!sync) continue;
    if (replied++ === 0) mark = c.reply.deferLen();
    if (c.resp === 2) c.reply.array(2);
    c.reply.bulk(key);
    let consumer: Consumer | null = null;
    if (g !== null) {
      if (!atomic) {
        beginAtomic();
        atomic = true;
      }
      beforeChange(c, key);
      consumer = consumerFor(c, key, g, rd.consumer, rd.noack);
      if (history) serveHistory(c, s, gt + 1n, rd.count, consumer);
      else serveEntries(c, key, s, gt, rd.count, g, consumer, rd.noack);
      server.dirty++;
    } else {
      serveEntries(c, key, s, gt, rd.count, null, null, false);
    }
  }
  if (replied !== 0) {
    if (c.resp === 2) c.reply.deferredArray(mark, replied);
    else c.reply.deferredMap(mark, replied);
  }
  if (atomic) endAtomic();
  if (replied !== 0) return;
  if (rd.timeout === -1 || !mayBlock(c)) {
    c.reply.nullArray();
    return;
  }
  // Block: `$` is pinned to the ID it meant now, so a later XADD is what wakes this client.
  const blockedArgv = argv.slice();
  for (let i = 0; i < n; i++) if (argv[idsAt + i] === '$') blockedArgv[idsAt + i] = formatId(ids[i]);
  const deadline = rd.timeout === 0 ? 0 : Date.now() + rd.timeout;
  const keys = argv.slice(keysAt, idsAt);
  blockForKeys(c, lookupCommand(argv)!, blockedArgv, keys, 'stream', deadline, TimeoutReply.NullArray, new StreamWait(keys, ids, rd.group));
}

/**
 * Which ready streams serve a waiting reader (Redis's serveClientsBlockedOnStreamKey test): one
 * with entries past its ID, or for a group past the group's last delivered ID; a group that is
 * gone serves the NOGROUP error.
 */
class StreamWait implements WakeCheck {
  readonly goneError: string | null;

  constructor(private readonly keys: string[], private readonly ids: bigint[], private readonly group: string | null) {
    this.goneError = group === null ? null : ERR.streamKeyGone;
  }

  servable(key: string, v: Value): boolean {
    const s = v as StreamValue;
    if (this.group === null) return s.lastId > this.ids[this.keys.indexOf(key)];
    const g = s.group(this.group);
    return g === undefined || s.lastId > g.lastId;
  }
}

/** A blocked XREAD(GROUP) woken because `key` got entries (Redis's serveClientsBlockedOnStreamKey). */
function serveWoken(c: Client, argv: string[], key: string): void {
  const n = rd.nstreams;
  let i = 0;
  while (i < n && argv[rd.streamsAt + i] !== key) i++;
  const s = c.db.lookupWrite(key) as StreamValue;
  let g: ConsumerGroup | null = null;
  let gt: bigint;
  if (rd.group !== null) {
    const found = s.group(rd.group);
    if (found === undefined) {
      c.reply.error(ERR.noGroupBlocked);
      return;
    }
    g = found;
    gt = g.lastId;
  } else {
    gt = parseId(null, argv[rd.streamsAt + n + i], 0n, true)!;
  }
  // StreamWait said this client is served: there are entries past gt.
  beginAtomic();
  let consumer: Consumer | null = null;
  if (g !== null) consumer = consumerFor(c, key, g, rd.consumer, rd.noack);
  if (c.resp === 2) {
    c.reply.array(1);
    c.reply.array(2);
  } else {
    c.reply.map(1);
  }
  c.reply.bulk(key);
  serveEntries(c, key, s, gt, rd.count !== 0 ? rd.count : BLOCKED_DEFAULT_COUNT, g, consumer, rd.noack);
  if (g !== null) server.dirty++;
  endAtomic();
}

// ---------------------------------------------------------------- XGROUP / XSETID

/** XGROUP subcommands share Redis's parsing order: options, key, group, then the subcommand. */
function xgroupCommand(c: Client, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  let mkstream = false;
  let entriesRead = ENTRIES_READ_INVALID;
  const key = argv[2];
  const create = sub === 'create';
  const setid = sub === 'setid';
  for (let i = 5; i < argv.length;) {
    const o = argv[i].toLowerCase();
    if (create && o === 'mkstream') {
      mkstream = true;
      i++;
    } else if ((create || setid) && o === 'entriesread' && i + 1 < argv.length) {
      const n = int64Arg(c, argv[i + 1]);
      if (n === null) return;
      if (n < 0n && n !== ENTRIES_READ_INVALID) {
        c.reply.error(ERR.entriesReadInvalid);
        return;
      }
      entriesRead = n;
      i += 2;
    } else {
      c.reply.error(ERR.subcommandSyntax(argv[1], 'XGROUP'));
      return;
    }
  }
  let s = streamOf(c, key, true);
  if (s === null) return;
  const name = argv[3];
  let g: ConsumerGroup | undefined;
  if (!mkstream) {
    if (s === undefined) {
      c.reply.error(ERR.xgroupKeyMissing);
      return;
    }
    g = s.group(name);
    if (g === undefined && (setid || sub === 'createconsumer' || sub === 'delconsumer')) {
      c.reply.error(ERR.noGroupForKey(name, key));
      return;
    }
  }
  if (create && argv.length <= 8) {
    let id: bigint;
    if (argv[4] === '$') {
      id = s === undefined ? 0n : s.lastId;
    } else {
      const parsed = parseId(c, argv[4], 0n, true);
      if (parsed === null) return;
      id = parsed;
    }
    if (s === undefined) {
      s = new StreamValue();
      c.db.set(key, s);
    }
    if (s.createGroup(name, id, entriesRead) !== null) {
      c.reply.ok();
      server.dirty++;
      notifyKeyspaceEvent(NOTIFY_STREAM, 'xgroup-create', key, c.db.id);
    } else {
      c.reply.error(ERR.busyGroup);
    }
  } else if (setid && (argv.length === 5 || argv.length === 7)) {
    let id: bigint;
    if (argv[4] === '$') {
      id = s!.lastId;
    } else {
      const parsed = parseId(c, argv[4], 0n, false);
      if (parsed === null) return;
      id = parsed;
    }
    g!.lastId = id;
    g!.entriesRead = entriesRead;
    c.reply.ok();
    server.dirty++;
    notifyKeyspaceEvent(NOTIFY_STREAM, 'xgroup-setid', key, c.db.id);
  } else if (sub === 'destroy' && argv.length === 4) {
    if (g !== undefined) {
      s!.groups!.delete(name);
      c.reply.int(1);
      server.dirty++;
      notifyKeyspaceEvent(NOTIFY_STREAM, 'xgroup-destroy', key, c.db.id);
      // Clients blocked on this group learn that it is gone.
      signals.ready(c.db, key);
    } else {
      c.reply.int(0);
    }
  } else if (sub === 'createconsumer' && argv.length === 5) {
    if (g!.consumers.has(argv[4])) {
      c.reply.int(0);
    } else {
      createConsumer(c, key, g!, argv[4]);
      c.reply.int(1);
    }
  } else if (sub === 'delconsumer' && argv.length === 5) {
    const consumer = g!.consumers.get(argv[4]);
    let pending = 0;
    if (consumer !== undefined) {
      pending = consumer.pel.size;
      g!.deleteConsumer(consumer);
      server.dirty++;
      notifyKeyspaceEvent(NOTIFY_STREAM, 'xgroup-delconsumer', key, c.db.id);
    }
    c.reply.int(pending);
  } else {
    c.reply.error(ERR.subcommandSyntax(argv[1], 'XGROUP'));
  }
}

function xsetidCommand(c: Client, argv: string[]): void {
  const id = parseId(c, argv[2], 0n, true);
  if (id === null) return;
  let entriesAdded = -1n;
  let maxDeleted = 0n;
  for (let i = 3; i < argv.length;) {
    const more = argv.length - 1 - i;
    const o = argv[i].toLowerCase();
    if (o === 'entriesadded' && more > 0) {
      const n = int64Arg(c, argv[i + 1]);
      if (n === null) return;
      if (n < 0n) {
        c.reply.error(ERR.xsetidEntriesAddedNegative);
        return;
      }
      entriesAdded = n;
      i += 2;
    } else if (o === 'maxdeletedid' && more > 0) {
      const m = parseId(c, argv[i + 1], 0n, true);
      if (m === null) return;
      if (id < m) {
        c.reply.error(ERR.xsetidMaxDeleted);
        return;
      }
      maxDeleted = m;
      i += 2;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  const key = argv[1];
  const s = streamOf(c, key, true);
  if (s === null) return;
  if (s === undefined) {
    c.reply.error(ERR.noSuchKey);
    return;
  }
  if (s.length > 0) {
    if (id < s.lastValidId()) {
      c.reply.error(ERR.xsetidTooSmall);
      return;
    }
    if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) {
      c.reply.error(ERR.xsetidEntriesAdded);
      return;
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
  if (maxDeleted !== 0n) s.maxDeletedId = maxDeleted;
  // Like Redis 7.0, XSETID does not count as touching the key for WATCH.
  c.reply.ok();
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STREAM, 'xsetid', key, c.db.id);
}

// ---------------------------------------------------------------- XACK / XPENDING

/** The group for XACK/XPENDING/XCLAIM/XAUTOCLAIM (read lookup, as Redis); undefined = no key or group; null after WRONGTYPE. */
function readGroup(c: Client, key: string, name: string): [StreamValue, ConsumerGroup] | undefined | null {
  const s = streamOf(c, key, false);
  if (s === null) return null;
  const g = s?.group(name);
  return g === undefined ? undefined : [s!, g];
}

function xackCommand(c: Client, argv: string[]): void {
  const found = readGroup(c, argv[1], argv[2]);
  if (found === null) return;
  if (found === undefined) {
    c.reply.int(0);
    return;
  }
  const g = found[1];
  const ids = new Array<bigint>(argv.length - 3);
  for (let j = 3; j < argv.length; j++) {
    const id = parseId(c, argv[j], 0n, true);
    if (id === null) return;
    ids[j - 3] = id;
  }
  beforeChange(c, argv[1]);
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (nack === undefined) continue;
    g.pel.delete(id);
    nack.consumer?.pel.delete(id);
    acked++;
    server.dirty++;
  }
  c.reply.int(acked);
}

function xpendingCommand(c: Client, argv: string[]): void {
  const argc = argv.length;
  const justInfo = argc === 3;
  let start = 0n;
  let end = ID_MAX;
  let count = 0;
  let minIdle = 0;
  let consumerName: string | null = null;
  if (argc !== 3 && (argc < 6 || argc > 9)) {
    c.reply.error(ERR.syntax);
    return;
  }
  if (argc >= 6) {
    let at = 3;
    if (argv[3].toLowerCase() === 'idle') {
      const n = longArg(c, argv[4]);
      if (n === null) return;
      minIdle = n;
      if (argc < 8) {
        c.reply.error(ERR.syntax);
        return;
      }
      at += 2;
    }
    const n = longArg(c, argv[at + 2]);
    if (n === null) return;
    count = n < 0 ? 0 : n;
    const st = parseBound(c, argv[at], 0n, true);
    if (st === null) return;
    const en = parseBound(c, argv[at + 1], U64, false);
    if (en === null) return;
    start = st;
    end = en;
    if (at + 3 < argc) consumerName = argv[at + 3];
  }
  const found = readGroup(c, argv[1], argv[2]);
  if (found === null) return;
  if (found === undefined) {
    c.reply.error(ERR.noGroupKey(argv[1], argv[2]));
    return;
  }
  const g = found[1];
  if (justInfo) {
    c.reply.array(4);
    c.reply.int(g.pel.size);
    if (g.pel.size === 0) {
      c.reply.nullBulk();
      c.reply.nullBulk();
      c.reply.nullArray();
      return;
    }
    c.reply.bulk(formatId(g.pel.ids[0]));
    c.reply.bulk(formatId(g.pel.ids[g.pel.size - 1]));
    const withPending = g.sortedConsumers().filter((x) => x.pel.size !== 0);
    c.reply.array(withPending.length);
    for (const x of withPending) {
      c.reply.array(2);
      c.reply.bulk(x.name);
      c.reply.bulk(String(x.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const consumer = g.consumers.get(consumerName);
    if (consumer === undefined) {
      c.reply.array(0);
      return;
    }
    pel = consumer.pel;
  }
  const now = Date.now();
  const from = pel.lowerBound(start);
  let last = from;
  let n = 0;
  // Count what qualifies first: the array length comes before the entries.
  for (let i = from; i < pel.size && pel.ids[i] <= end && n < count; i++) {
    if (minIdle !== 0 && now - pel.vals[i].deliveryTime < minIdle) continue;
    n++;
    last = i + 1;
  }
  c.reply.array(n);
  for (let i = from; i < last; i++) {
    const nack = pel.vals[i];
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    c.reply.array(4);
    c.reply.bulk(formatId(pel.ids[i]));
    c.reply.bulk(nack.consumer!.name);
    const elapsed = now - nack.deliveryTime;
    c.reply.int(elapsed < 0 ? 0 : elapsed);
    c.reply.int(BigInt.asIntN(64, nack.deliveryCount));
  }
}

// ---------------------------------------------------------------- XCLAIM / XAUTOCLAIM

/** A pending entry whose message was deleted: dropped from the PEL, and replicas follow. */
function dropPending(c: Client, key: string, g: ConsumerGroup, idText: string, id: bigint, nack: Nack): void {
  propagateXclaim(c, key, g, idText, nack);
  server.dirty++;
  g.pel.delete(id);
  nack.consumer?.pel.delete(id);
}

/**
 * The transfer of a pending entry to consumer, delivered at `time` (XCLAIM, XAUTOCLAIM, and
 * XREADGROUP delivering it again): its delivery count becomes retryCount when >= 0, else grows by
 * one unless JUSTID.
 */
function claimFor(consumer: Consumer, id: bigint, nack: Nack, time: number, retryCount: bigint, justId: boolean): void {
  if (nack.consumer !== consumer) nack.consumer?.pel.delete(id);
  nack.deliveryTime = time;
  if (retryCount >= 0n) nack.deliveryCount = retryCount;
  else if (!justId) nack.deliveryCount = BigInt.asUintN(64, nack.deliveryCount + 1n);
  if (nack.consumer !== consumer) {
    consumer.pel.insert(id, nack);
    nack.consumer = consumer;
  }
}

/** The claimed entries: their IDs with JUSTID, else the entries. */
function replyClaimed(c: Client, s: StreamValue, claimed: bigint[], justId: boolean): void {
  c.reply.array(claimed.length);
  for (const id of claimed) {
    if (justId) c.reply.bulk(formatId(id));
    else replyOneEntry(c, s, id);
  }
}

function xclaimCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const found = readGroup(c, key, argv[2]);
  if (found === null) return;
  if (found === undefined) {
    c.reply.error(ERR.noGroupKey(key, argv[2]));
    return;
  }
  const [s, g] = found;
  let minIdle = longArg(c, argv[4], ERR.xclaimMinIdle);
  if (minIdle === null) return;
  if (minIdle < 0) minIdle = 0;
  const ids: bigint[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseId(null, argv[j], 0n, true);
    if (id === null) break;
    ids.push(id);
  }
  const now = Date.now();
  let deliveryTime = -1;
  let retryCount = -1n;
  let force = false;
  let justId = false;
  let lastId = 0n;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const o = argv[j].toLowerCase();
    if (o === 'force') {
      force = true;
    } else if (o === 'justid') {
      justId = true;
    } else if (o === 'idle' && more > 0) {
      const n = longArg(c, argv[++j], ERR.xclaimIdle);
      if (n === null) return;
      deliveryTime = now - n;
    } else if (o === 'time' && more > 0) {
      const n = longArg(c, argv[++j], ERR.xclaimTime);
      if (n === null) return;
      deliveryTime = n;
    } else if (o === 'retrycount' && more > 0) {
      const n = int64Arg(c, argv[++j], ERR.xclaimRetryCount);
      if (n === null) return;
      retryCount = n;
    } else if (o === 'lastid' && more > 0) {
      const id = parseId(c, argv[++j], 0n, true);
      if (id === null) return;
      lastId = id;
    } else {
      c.reply.error(ERR.xclaimOption(argv[j]));
      return;
    }
  }
  beforeChange(c, key);
  c.propagateArgv = [];
  beginAtomic();
  let propagateLastId = false;
  if (lastId > g.lastId) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime === -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  // The array length is only known once every ID was tried: claim first, reply after.
  const claimed: bigint[] = [];
  let consumer: Consumer | null = null;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    let nack = g.pel.get(id);
    if (!s.exists(id)) {
      if (nack !== undefined) {
        dropPending(c, key, g, argv[5 + k], id, nack);
        propagateLastId = false;
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = new Nack(null, now, 1n);
      g.pel.insert(id, nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer !== null && minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    consumer ??= consumerFor(c, key, g, argv[3]);
    claimFor(consumer, id, nack, deliveryTime, retryCount, justId);
    claimed.push(id);
    propagateXclaim(c, key, g, argv[5 + k], nack);
    propagateLastId = false;
    server.dirty++;
  }
  if (propagateLastId) {
    propagateGroupId(c, key, g);
    server.dirty++;
  }
  endAtomic();
  replyClaimed(c, s, claimed, justId);
}

/** LONG_MAX / sizeof(streamID): the COUNT above which Redis refuses to allocate. */
const AUTOCLAIM_MAX_COUNT = INT64_MAX / 16n;

function xautoclaimCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  // Looked up first, type-checked after the arguments (Redis's order).
  const v = c.db.lookupRead(key);
  let minIdle = longArg(c, argv[4], ERR.xautoclaimMinIdle);
  if (minIdle === null) return;
  if (minIdle < 0) minIdle = 0;
  const start = parseBound(c, argv[5], 0n, true);
  if (start === null) return;
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const o = argv[j].toLowerCase();
    if (o === 'count' && more > 0) {
      const n = rangeArg(c, argv[j + 1], 1n, AUTOCLAIM_MAX_COUNT, ERR.xautoclaimCount);
      if (n === null) return;
      count = n;
      j++;
    } else if (o === 'justid') {
      justId = true;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  const s0 = ofType(c, v, StreamValue);
  if (s0 === null) return;
  const g = s0?.group(argv[2]);
  if (g === undefined) {
    c.reply.error(ERR.noGroupKey(key, argv[2]));
    return;
  }
  const s = s0!;
  beforeChange(c, key);
  c.propagateArgv = [];
  beginAtomic();
  let attempts = count * 10;
  const now = Date.now();
  const claimed: bigint[] = [];
  const deleted: bigint[] = [];
  let consumer: Consumer | null = null;
  const pel = g.pel;
  let i = pel.lowerBound(start);
  while (attempts-- > 0 && count > 0 && i < pel.size) {
    const id = pel.ids[i];
    const nack = pel.vals[i];
    if (!s.exists(id)) {
      dropPending(c, key, g, formatId(id), id, nack);
      deleted.push(id);
      count--;
      continue;
    }
    i++;
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    consumer ??= consumerFor(c, key, g, argv[3]);
    claimFor(consumer, id, nack, now, -1n, justId);
    claimed.push(id);
    count--;
    propagateXclaim(c, key, g, formatId(id), nack);
    server.dirty++;
  }
  endAtomic();
  c.reply.array(3);
  c.reply.bulk(i < pel.size ? formatId(pel.ids[i]) : '0-0');
  replyClaimed(c, s, claimed, justId);
  c.reply.array(deleted.length);
  for (const id of deleted) c.reply.bulk(formatId(id));
}

// ---------------------------------------------------------------- XINFO

function replyLag(c: Client, s: StreamValue, g: ConsumerGroup): void {
  const lag = s.lag(g);
  if (lag === null) c.reply.nullBulk();
  else c.reply.int(lag);
}

function replyEntriesRead(c: Client, g: ConsumerGroup): void {
  if (g.entriesRead !== ENTRIES_READ_INVALID) c.reply.int(g.entriesRead);
  else c.reply.nullBulk();
}

/** XINFO's last-delivered-id, entries-read and lag fields of a group. */
function replyGroupProgress(c: Client, s: StreamValue, g: ConsumerGroup): void {
  c.reply.bulk('last-delivered-id');
  c.reply.bulk(formatId(g.lastId));
  c.reply.bulk('entries-read');
  replyEntriesRead(c, g);
  c.reply.bulk('lag');
  replyLag(c, s, g);
}

/**
 * XINFO STREAM FULL's pel-count and pending fields of a group (withConsumer) or a consumer: up to
 * count entries (0: all), each its ID, [consumer,] delivery time and count.
 */
function replyPending(c: Client, pel: IdMap<Nack>, count: number, withConsumer: boolean): void {
  c.reply.bulk('pel-count');
  c.reply.int(pel.size);
  c.reply.bulk('pending');
  const n = count === 0 ? pel.size : Math.min(count, pel.size);
  c.reply.array(n);
  for (let i = 0; i < n; i++) {
    const nack = pel.vals[i];
    c.reply.array(withConsumer ? 4 : 3);
    c.reply.bulk(formatId(pel.ids[i]));
    if (withConsumer) c.reply.bulk(nack.consumer!.name);
    c.reply.int(nack.deliveryTime);
    c.reply.int(BigInt.asIntN(64, nack.deliveryCount));
  }
}

/** The first (or, rev, the last) entry of a stream, or null when it is empty. */
function replyEndEntry(c: Client, s: StreamValue, rev: boolean): void {
  const cur = new StreamCursor(s, 0n, ID_MAX, rev);
  if (cur.next()) replyEntry(c, cur);
  else c.reply.nullBulk();
}

function xinfoStream(c: Client, argv: string[]): void {
  const s = xinfoKey(c, argv[2]);
  if (s === null) return;
  const optc = argv.length - 3;
  let full = false;
  let count = 10;
  if (optc !== 0) {
    if ((optc !== 1 && optc !== 3) || argv[3].toLowerCase() !== 'full' || (optc === 3 && argv[4].toLowerCase() !== 'count')) {
      c.reply.error(ERR.subcommandSyntax(argv[1], 'XINFO'));
      return;
    }
    full = true;
    if (optc === 3) {
      const n = longArg(c, argv[5]);
      if (n === null) return;
      count = n < 0 ? 10 : n;
    }
  }
  c.reply.map(full ? 9 : 10);
  c.reply.bulk('length');
  c.reply.int(s.length);
  c.reply.bulk('radix-tree-keys');
  c.reply.int(s.nodes.length);
  c.reply.bulk('radix-tree-nodes');
  c.reply.int(s.radixNodes());
  c.reply.bulk('last-generated-id');
  c.reply.bulk(formatId(s.lastId));
  c.reply.bulk('max-deleted-entry-id');
  c.reply.bulk(formatId(s.maxDeletedId));
  c.reply.bulk('entries-added');
  c.reply.int(BigInt.asIntN(64, s.entriesAdded));
  c.reply.bulk('recorded-first-entry-id');
  c.reply.bulk(formatId(s.firstId));
  if (!full) {
    c.reply.bulk('groups');
    c.reply.int(s.groups === null ? 0 : s.groups.size);
    c.reply.bulk('first-entry');
    replyEndEntry(c, s, false);
    c.reply.bulk('last-entry');
    replyEndEntry(c, s, true);
    return;
  }
  c.reply.bulk('entries');
  replyRange(c, s, 0n, ID_MAX, count, false);
  c.reply.bulk('groups');
  const groups = s.sortedGroups();
  c.reply.array(groups.length);
  for (const g of groups) {
    c.reply.map(7);
    c.reply.bulk('name');
    c.reply.bulk(g.name);
    replyGroupProgress(c, s, g);
    replyPending(c, g.pel, count, true);
    c.reply.bulk('consumers');
    const consumers = g.sortedConsumers();
    c.reply.array(consumers.length);
    for (const x of consumers) {
      c.reply.map(4);
      c.reply.bulk('name');
      c.reply.bulk(x.name);
      c.reply.bulk('seen-time');
      c.reply.int(x.seenTime);
      replyPending(c, x.pel, count, false);
    }
  }
}

/** The stream XINFO looks at; null after replying (no such key, wrong type). */
function xinfoKey(c: Client, key: string): StreamValue | null {
  const s = streamOf(c, key, false);
  if (s === null) return null;
  if (s === undefined) {
    c.reply.error(ERR.noSuchKey);
    return null;
  }
  return s;
}

function xinfoGroups(c: Client, argv: string[]): void {
  const s = xinfoKey(c, argv[2]);
  if (s === null) return;
  const groups = s.sortedGroups();
  c.reply.array(groups.length);
  for (const g of groups) {
    c.reply.map(6);
    c.reply.bulk('name');
    c.reply.bulk(g.name);
    c.reply.bulk('consumers');
    c.reply.int(g.consumers.size);
    c.reply.bulk('pending');
    c.reply.int(g.pel.size);
    replyGroupProgress(c, s, g);
  }
}

function xinfoConsumers(c: Client, argv: string[]): void {
  const s = xinfoKey(c, argv[2]);
  if (s === null) return;
  const g = s.group(argv[3]);
  if (g === undefined) {
    c.reply.error(ERR.noGroupForKey(argv[3], argv[2]));
    return;
  }
  const consumers = g.sortedConsumers();
  const now = Date.now();
  c.reply.array(consumers.length);
  for (const x of consumers) {
    c.reply.map(3);
    c.reply.bulk('name');
    c.reply.bulk(x.name);
    c.reply.bulk('pending');
    c.reply.int(x.pel.size);
    c.reply.bulk('idle');
    const idle = now - x.seenTime;
    c.reply.int(idle < 0 ? 0 : idle);
  }
}

// ---------------------------------------------------------------- table

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Creates a consumer group reading from <id> ($: from new entries only). Options:',
  '    * MKSTREAM',
  '      Creates an empty stream when the key does not exist.',
  '    * ENTRIESREAD entries_read',
  '      Sets how many entries the group is considered to have read.',
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Adds a consumer to the group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Removes a consumer and its pending entries.',
  'DESTROY <key> <groupname>',
  '    Deletes the group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Moves the group\'s last delivered ID (and entries_read counter).',
];

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Lists the consumers of a group.',
  'GROUPS <key>',
  '    Lists the consumer groups of the stream.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Describes the stream (FULL: with its entries, groups and pending entries).',
];

const x = (def: Omit<CommandDef, 'group' | 'acl'>): CommandDef => ({ group: 'stream', acl: 'stream', ...def });

const RANGE_CPLX = 'O(N) with N the number of entries returned; O(1) for a small fixed COUNT.';

/** Keys after STREAMS, searched from argv[startfrom]: the first half of the rest. */
function xreadSpec(startfrom: number): KeySpec {
  return { flags: ['RO', 'access'], begin: { keyword: 'STREAMS', startfrom }, find: { lastkey: -1, keystep: 1, limit: 2 } };
}

/**
 * Keys of XREAD/XREADGROUP as Redis finds them: options are skipped with their arguments (a key
 * or group may be called STREAMS), and an odd or empty list after STREAMS names no keys.
 */
function xreadKeys(argv: string[]): number[] {
  let at = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'block' || a === 'count') i++;
    else if (a === 'group') i += 2;
    else if (a === 'streams') {
      at = i;
      break;
    } else if (a !== 'noack') break;
  }
  const n = argv.length - at - 1;
  if (at === -1 || n === 0 || n % 2 !== 0) return [];
  const out: number[] = [];
  for (let k = 1; k <= n / 2; k++) out.push(at + k);
  return out;
}

export const commands: CommandDef[] = [
  x({
    name: 'xadd', arity: -5, flags: 'write denyoom fast', keys: [1, 1, 1], since: '5.0.0',
    keySpecs: [ksIndex('RW update', 1, 0, 1, 'UPDATE instead of INSERT because of the optional trimming feature')],
    tips: ['nondeterministic_output'],
    docs: { history: [['6.2.0', 'NOMKSTREAM, the MINID trimming strategy and LIMIT.'], ['7.0.0', 'IDs of the form <ms>-*.']] },
    summary: 'Appends an entry to a stream, creating the stream if needed, and optionally trims it.',
    complexity: 'O(1) to add the entry, plus O(N) for the N entries trimmed.',
    handler: xaddCommand,
  }),
  x({
    name: 'xlen', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], since: '5.0.0', keySpecFlags: ['RO'],
    summary: 'Returns the number of entries in a stream.', complexity: 'O(1)',
    handler(c, argv) {
      const s = streamOf(c, argv[1], false);
      if (s !== null) c.reply.int(s === undefined ? 0 : s.length);
    },
  }),
  x({
    name: 'xrange', arity: -4, flags: 'readonly', keys: [1, 1, 1], since: '5.0.0', keySpecFlags: ['RO', 'access'],
    docs: { history: [['6.2.0', 'Exclusive ranges.']] },
    summary: 'Returns the entries of a stream whose IDs lie in a range, oldest first.', complexity: RANGE_CPLX,
    handler(c, argv) {
      xrangeCommand(c, argv, false);
    },
  }),
  x({
    name: 'xrevrange', arity: -4, flags: 'readonly', keys: [1, 1, 1], since: '5.0.0', keySpecFlags: ['RO', 'access'],
    docs: { history: [['6.2.0', 'Exclusive ranges.']] },
    summary: 'Returns the entries of a stream whose IDs lie in a range, newest first.', complexity: RANGE_CPLX,
    handler(c, argv) {
      xrangeCommand(c, argv, true);
    },
  }),
  x({
    name: 'xdel', arity: -3, flags: 'write fast', keys: [1, 1, 1], since: '5.0.0', keySpecFlags: ['RW', 'delete'],
    summary: 'Deletes entries from a stream by ID and returns how many existed.',
    complexity: 'O(1) for each entry deleted.',
    handler: xdelCommand,
  }),
  x({
    name: 'xtrim', arity: -4, flags: 'write', keys: [1, 1, 1], since: '5.0.0', keySpecFlags: ['RW', 'delete'],
    tips: ['nondeterministic_output'],
    docs: { history: [['6.2.0', 'The MINID trimming strategy and LIMIT.']] },
    summary: 'Removes the oldest entries of a stream, by length or by lowest ID to keep.',
    complexity: 'O(N) with N the number of entries removed.',
    handler: xtrimCommand,
  }),
  x({
    name: 'xread', arity: -4, flags: 'readonly blocking', since: '5.0.0',
    keySpecs: [xreadSpec(1)],
    getKeys: xreadKeys,
    summary: 'Reads entries newer than given IDs from one or more streams, optionally waiting for them.',
    complexity: 'O(N) per stream with N the number of entries returned.',
    handler(c, argv) {
      xreadCommand(c, argv, false);
    },
  }),
  x({
    name: 'xreadgroup', arity: -7, flags: 'write blocking', since: '5.0.0',
    keySpecs: [xreadSpec(4)],
    getKeys: xreadKeys,
    summary: 'Reads entries for a consumer of a group: new ones (recording them as pending) or its pending history.',
    complexity: 'O(M) per stream with M the number of entries returned.',
    handler(c, argv) {
      xreadCommand(c, argv, true);
    },
  }),
  x({
    name: 'xack', arity: -4, flags: 'write fast', keys: [1, 1, 1], since: '5.0.0', keySpecFlags: ['RW', 'update'],
    summary: 'Acknowledges pending entries of a consumer group, removing them from its pending list.',
    complexity: 'O(1) for each ID acknowledged.',
    handler: xackCommand,
  }),
  x({
    name: 'xpending', arity: -3, flags: 'readonly', keys: [1, 1, 1], since: '5.0.0', keySpecFlags: ['RO', 'access'],
    tips: ['nondeterministic_output'],
    docs: { history: [['6.2.0', 'The IDLE filter and exclusive ranges.']] },
    summary: 'Summarises the pending entries of a consumer group, or lists them by range, consumer and idle time.',
    complexity: 'O(N) with N the number of entries returned, O(M) with M the entries scanned when IDLE is given.',
    handler: xpendingCommand,
  }),
  x({
    name: 'xclaim', arity: -6, flags: 'write fast', keys: [1, 1, 1], since: '5.0.0', keySpecFlags: ['RW', 'update'],
    tips: ['nondeterministic_output'],
    summary: 'Transfers pending entries of a consumer group to another consumer.',
    complexity: 'O(log N) with N the number of entries in the group\'s pending list.',
    handler: xclaimCommand,
  }),
  x({
    name: 'xautoclaim', arity: -6, flags: 'write fast', keys: [1, 1, 1], since: '6.2.0', keySpecFlags: ['RW', 'delete'],
    tips: ['nondeterministic_output'],
    docs: { history: [['7.0.0', 'A third reply element: IDs of deleted entries dropped from the pending list.']] },
    summary: 'Transfers pending entries idle for long enough to another consumer, scanning from a start ID.',
    complexity: 'O(1) when COUNT is small.',
    handler: xautoclaimCommand,
  }),
  x({
    name: 'xsetid', arity: -3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '5.0.0', keySpecFlags: ['RW', 'update'],
    docs: { history: [['7.0.0', 'ENTRIESADDED and MAXDELETEDID.']] },
    summary: 'Sets a stream\'s last generated ID and counters (used to replicate streams).', complexity: 'O(1)',
    handler: xsetidCommand,
  }),
  {
    name: 'xgroup', arity: -2, flags: '', group: 'stream', since: '5.0.0',
    summary: 'A container for the consumer group commands.', complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      x({
        name: 'create', arity: -5, flags: 'write denyoom', keys: [2, 2, 1], since: '5.0.0', keySpecFlags: ['RW', 'insert'],
        docs: { history: [['7.0.0', 'ENTRIESREAD.']] },
        summary: 'Creates a consumer group on a stream.', complexity: 'O(1)',
        handler: xgroupCommand,
      }),
      x({
        name: 'setid', arity: -5, flags: 'write', keys: [2, 2, 1], since: '5.0.0', keySpecFlags: ['RW', 'update'],
        docs: { history: [['7.0.0', 'ENTRIESREAD.']] },
        summary: 'Moves a consumer group\'s last delivered ID.', complexity: 'O(1)',
        handler: xgroupCommand,
      }),
      x({
        name: 'destroy', arity: 4, flags: 'write', keys: [2, 2, 1], since: '5.0.0', keySpecFlags: ['RW', 'delete'],
        summary: 'Deletes a consumer group.', complexity: 'O(N) with N the entries in the group\'s pending list.',
        handler: xgroupCommand,
      }),
      x({
        name: 'createconsumer', arity: 5, flags: 'write denyoom', keys: [2, 2, 1], since: '6.2.0', keySpecFlags: ['RW', 'insert'],
        summary: 'Adds a consumer to a consumer group.', complexity: 'O(1)',
        handler: xgroupCommand,
      }),
      x({
        name: 'delconsumer', arity: 5, flags: 'write', keys: [2, 2, 1], since: '5.0.0', keySpecFlags: ['RW', 'delete'],
        summary: 'Removes a consumer from a consumer group, with its pending entries.', complexity: 'O(1)',
        handler: xgroupCommand,
      }),
      x({
        name: 'help', arity: 2, flags: 'loading stale', since: '5.0.0',
        summary: 'Describes the XGROUP subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'XGROUP', XGROUP_HELP);
        },
      }),
    ],
  },
  {
    name: 'xinfo', arity: -2, flags: '', group: 'stream', since: '5.0.0',
    summary: 'A container for the stream introspection commands.', complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      x({
        name: 'stream', arity: -3, flags: 'readonly', keys: [2, 2, 1], since: '5.0.0', keySpecFlags: ['RO', 'access'],
        docs: { history: [['6.0.0', 'FULL.'], ['7.0.0', 'The max-deleted-entry-id, entries-added, recorded-first-entry-id, entries-read and lag fields.']] },
        summary: 'Describes a stream, optionally with its entries, groups and pending entries.', complexity: 'O(1)',
        handler: xinfoStream,
      }),
      x({
        name: 'groups', arity: 3, flags: 'readonly', keys: [2, 2, 1], since: '5.0.0', keySpecFlags: ['RO', 'access'],
        docs: { history: [['7.0.0', 'The entries-read and lag fields.']] },
        summary: 'Lists the consumer groups of a stream.', complexity: 'O(1)',
        handler: xinfoGroups,
      }),
      x({
        name: 'consumers', arity: 4, flags: 'readonly', keys: [2, 2, 1], since: '5.0.0', keySpecFlags: ['RO', 'access'],
        tips: ['nondeterministic_output'],
        summary: 'Lists the consumers of a consumer group.', complexity: 'O(1)',
        handler: xinfoConsumers,
      }),
      x({
        name: 'help', arity: 2, flags: 'loading stale', since: '5.0.0',
        summary: 'Describes the XINFO subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'XINFO', XINFO_HELP);
        },
      }),
    ],
  },
];
