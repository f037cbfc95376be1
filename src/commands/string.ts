// String commands. Values are latin1 JS strings, or MutableString once modified in place (see
// keyspace/strings.ts); integers are kept as their decimal text.

import { ERR } from '../errors.js';
import type { Value } from '../keyspace/db.js';
import { notifyKeyspaceEvent, NOTIFY_GENERIC, NOTIFY_STRING } from '../keyspace/notify.js';
import { signals } from '../keyspace/signals.js';
import { isString, MutableString, stringLength, unshareString } from '../keyspace/strings.js';
import { incrByFloatText } from '../protocol/longdouble.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../protocol/format.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import type { CommandDef } from './spec.js';
import { ksIndex, setKeyFlags } from './keyspecs.js';
import { deleteExpired } from './keys.js';
import { longArg } from './int-args.js';

const SET_NX = 1;
const SET_XX = 2;
const SET_GET = 4;
const SET_KEEPTTL = 8;
const SET_EX = 16;
const SET_PX = 32;
const SET_EXAT = 64;
const SET_PXAT = 128;
const SET_PERSIST = 256;
const ANY_EXPIRE = SET_EX | SET_PX | SET_EXAT | SET_PXAT;

/** Reply with a string value (GET and friends); the caller has checked it is a string. */
export function replyStringValue(c: Client, v: string | MutableString): void {
  if (typeof v === 'string') c.reply.bulk(v);
  else c.reply.bulkBuffer(v.bytes());
}

/**
 * Reply with a string value for GET-like commands. Returns false (after replying WRONGTYPE) when
 * the key holds another type.
 */
function replyString(c: Client, key: string): boolean {
  const v = lookupStringRead(c, key);
  if (v === null) return false;
  if (v === undefined) c.reply.nullBulk();
  else replyStringValue(c, v);
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
  if (n <= 0) {
    c.reply.error(ERR.invalidExpire(cmd));
    return -1;
  }
  if (typeof n === 'number') {
    let ms = unitSeconds ? n * 1000 : n;
    if (relative) ms += Date.now();
    if (Number.isSafeInteger(ms)) return ms;
  }
  // Beyond 2^53: check the 64-bit limits exactly, then keep the nearest double.
  let big = BigInt(n);
  if (unitSeconds && big > INT64_MAX / 1000n) {
    c.reply.error(ERR.invalidExpire(cmd));
    return -1;
  }
  if (unitSeconds) big *= 1000n;
  if (relative) big += BigInt(Date.now());
  if (big > INT64_MAX) {
    c.reply.error(ERR.invalidExpire(cmd));
    return -1;
  }
  return Number(big);
}

/**
 * SET's option parser, shared with GETEX (forGet: PERSIST allowed, NX/XX/GET/KEEPTTL not).
 * Returns the flags with the expire argument's index in the high bits, or -1 after a syntax error.
 */
function parseSetOptions(c: Client, argv: string[], from: number, forGet: boolean): number {
  let flags = 0;
  let expireIdx = 0;
  for (let i = from; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    const hasNext = i + 1 < argv.length;
    if (!forGet && opt === 'nx' && !(flags & SET_XX)) flags |= SET_NX;
    else if (!forGet && opt === 'xx' && !(flags & SET_NX)) flags |= SET_XX;
    else if (!forGet && opt === 'get') flags |= SET_GET;
    else if (!forGet && opt === 'keepttl' && !(flags & ANY_EXPIRE)) flags |= SET_KEEPTTL;
    else if (forGet && opt === 'persist' && !(flags & ANY_EXPIRE)) flags |= SET_PERSIST;
    else if (hasNext && (opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat')) {
      // Repeating the same expire option is allowed (the last wins); mixing them is not.
      const f = opt === 'ex' ? SET_EX : opt === 'px' ? SET_PX : opt === 'exat' ? SET_EXAT : SET_PXAT;
      if (flags & ((ANY_EXPIRE & ~f) | SET_KEEPTTL | SET_PERSIST)) {
        c.reply.error(ERR.syntax);
        return -1;
      }
      flags |= f;
      expireIdx = ++i;
    } else {
      c.reply.error(ERR.syntax);
      return -1;
    }
  }
  return flags | (expireIdx << 9);
}

function expireFromOptions(c: Client, argv: string[], flags: number, cmd: string): number {
  return parseExpireArg(c, argv[flags >>> 9], (flags & (SET_EX | SET_EXAT)) !== 0, (flags & (SET_EX | SET_PX)) !== 0, cmd);
}

/** Store key=value with an optional absolute expiry, as SET/SETEX/PSETEX do, with its events. */
function setKeyWithExpire(c: Client, key: string, value: string, when: number, keepTtl: boolean): void {
  const db = c.db;
  db.set(key, value, keepTtl);
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STRING, 'set', key, db.id);
  if (when >= 0) {
    db.setExpire(key, when);
    // Relative or absolute, an expiry is replicated as an absolute PXAT so replicas agree.
    c.propagateArgv = ['SET', key, value, 'PXAT', String(when)];
    notifyKeyspaceEvent(NOTIFY_GENERIC, 'expire', key, db.id);
  }
}

function setCommand(c: Client, argv: string[]): void {
  const flags = parseSetOptions(c, argv, 3, false);
  if (flags < 0) return;
  let when = -1;
  if (flags & ANY_EXPIRE) {
    when = expireFromOptions(c, argv, flags, 'set');
    if (when < 0) return;
  }
  const key = argv[1];
  if (flags & SET_GET) {
    if (!replyString(c, key)) return;
  }
  if (flags & (SET_NX | SET_XX)) {
    const found = c.db.lookupWrite(key) !== undefined;
    if ((found && flags & SET_NX) || (!found && flags & SET_XX)) {
      if (!(flags & SET_GET)) c.reply.nullBulk();
      return;
    }
  }
  setKeyWithExpire(c, key, argv[2], when, (flags & SET_KEEPTTL) !== 0);
  if (!(flags & SET_GET)) c.reply.ok();
  else if (when < 0) c.propagateArgv = withoutGet(argv);
}

/** SET ... GET is replicated without its GET arguments (replicas have no one to reply to). */
function withoutGet(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (i < 3 || argv[i].length !== 3 || argv[i].toLowerCase() !== 'get') out.push(argv[i]);
  }
  return out;
}

/** SETEX / PSETEX key time value. */
function setexCommand(c: Client, argv: string[], unitSeconds: boolean, cmd: string): void {
  const when = parseExpireArg(c, argv[2], unitSeconds, true, cmd);
  if (when < 0) return;
  setKeyWithExpire(c, argv[1], argv[3], when, false);
  c.reply.ok();
}

function getexCommand(c: Client, argv: string[]): void {
  const flags = parseSetOptions(c, argv, 2, true);
  if (flags < 0) return;
  const key = argv[1];
  const db = c.db;
  const v = lookupStringRead(c, key);
  if (v === null) return;
  if (v === undefined) {
    c.reply.nullBulk();
    return;
  }
  let when = -1;
  if (flags & ANY_EXPIRE) {
    when = expireFromOptions(c, argv, flags, 'getex');
    if (when < 0) return;
  }
  replyStringValue(c, v);
  if (flags & (SET_EXAT | SET_PXAT) && when <= Date.now() && !signals.isReplica()) {
    deleteExpired(c, key);
  } else if (when >= 0) {
    db.setExpire(key, when);
    signals.modified(db, key);
    c.propagateArgv = ['PEXPIREAT', key, String(when)];
    notifyKeyspaceEvent(NOTIFY_GENERIC, 'expire', key, db.id);
    server.dirty++;
  } else if (flags & SET_PERSIST && db.removeExpire(key)) {
    signals.modified(db, key);
    c.propagateArgv = ['PERSIST', key];
    notifyKeyspaceEvent(NOTIFY_GENERIC, 'persist', key, db.id);
    server.dirty++;
  }
}

/** v when missing (undefined) or a string; null after replying WRONGTYPE. */
function stringOf(c: Client, v: Value | undefined): string | MutableString | undefined | null {
  if (v === undefined || typeof v === 'string') return v;
  if (v.type === 'string') return v as MutableString;
  c.reply.error(ERR.wrongType);
  return null;
}

/** Value of key for a write command that needs a string. */
function lookupStringWrite(c: Client, key: string): string | MutableString | undefined | null {
  return stringOf(c, c.db.lookupWrite(key));
}

/** Same for reads (keyspace hit/miss accounting). */
export function lookupStringRead(c: Client, key: string): string | MutableString | undefined | null {
  return stringOf(c, c.db.lookupRead(key));
}

/** Redis's checkStringLength: would a string of len + add bytes exceed proto-max-bulk-len? */
function stringTooLong(c: Client, len: number, add: number): boolean {
  if (len + add > server.protoMaxBulkLen) {
    c.reply.error(ERR.stringTooLong);
    return true;
  }
  return false;
}

/** a + b, exactly (bigint beyond 2^53); null when the sum leaves the signed 64-bit range. */
export function addInt64(a: number | bigint, b: number | bigint): number | bigint | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const big = BigInt(a) + BigInt(b);
  return big > INT64_MAX || big < INT64_MIN ? null : big;
}

/** INCR family: add `by` to the integer at key, keeping its TTL. */
function incrBy(c: Client, key: string, by: number | bigint): void {
  const db = c.db;
  const v = lookupStringWrite(c, key);
  if (v === null) return;
  let cur: number | bigint = 0;
  if (v !== undefined) {
    const n = parseInt64(typeof v === 'string' ? v : v.toString());
    if (n === null) {
      c.reply.error(ERR.notInteger);
      return;
    }
    cur = n;
  }
  const result = addInt64(cur, by);
  if (result === null) {
    c.reply.error(ERR.incrOverflow);
    return;
  }
  const text = String(result);
  if (v === undefined) db.set(key, text);
  else db.overwrite(key, text);
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STRING, 'incrby', key, db.id);
  c.reply.int(result);
}

/** An exact signed 64-bit integer argument (bigint beyond 2^53), or null after replying the error. */
export function parseIncrement(c: Client, arg: string): number | bigint | null {
  const n = parseInt64(arg);
  if (n === null) c.reply.error(ERR.notInteger);
  return n;
}

function incrbyfloatCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const v = lookupStringWrite(c, key);
  if (v === null) return;
  const text = incrByFloatText(v === undefined ? null : typeof v === 'string' ? v : v.toString(), argv[2]);
  if (text === null) {
    c.reply.error(ERR.notFloat);
    return;
  }
  if (text === '') {
    c.reply.error(ERR.incrNanOrInf);
    return;
  }
  if (v === undefined) db.set(key, text);
  else db.overwrite(key, text);
  server.dirty++;
  notifyKeyspaceEvent(NOTIFY_STRING, 'incrbyfloat', key, db.id);
  c.reply.bulk(text);
  // Replicas store the exact text rather than redoing float arithmetic.
  c.propagateArgv = ['SET', key, text, 'KEEPTTL'];
}

function appendCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const add = argv[2];
  const db = c.db;
  const v = lookupStringWrite(c, key);
  if (v === null) return;
  let total: number;
  if (v === undefined) {
    db.set(key, add);
    total = add.length;
  } else {
    if (stringTooLong(c, stringLength(v), add.length)) return;
    const m = unshareString(db, key, v, add.length);
    m.append(add);
    signals.modified(db, key);
    total = m.len;
  }
  notifyKeyspaceEvent(NOTIFY_STRING, 'append', key, db.id);
  server.dirty++;
  c.reply.int(total);
}

function setrangeCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const value = argv[3];
  const db = c.db;
  const offset = parseInt64(argv[2]);
  if (offset === null) {
    c.reply.error(ERR.notInteger);
    return;
  }
  if (offset < 0) {
    c.reply.error(ERR.offsetOutOfRange);
    return;
  }
  const v = lookupStringWrite(c, key);
  if (v === null) return;
  if (value.length === 0) {
    c.reply.int(v === undefined ? 0 : stringLength(v));
    return;
  }
  if (stringTooLong(c, Number(offset), value.length)) return;
  const off = Number(offset);
  let m: MutableString;
  if (v === undefined) {
    m = new MutableString(Buffer.alloc(off + value.length), 0);
    db.set(key, m);
  } else {
    m = unshareString(db, key, v, Math.max(0, off + value.length - stringLength(v)));
    signals.modified(db, key);
  }
  m.writeAt(off, value);
  notifyKeyspaceEvent(NOTIFY_STRING, 'setrange', key, db.id);
  server.dirty++;
  c.reply.int(m.len);
}

function getrangeCommand(c: Client, argv: string[]): void {
  let start = parseInt64(argv[2]);
  let end = parseInt64(argv[3]);
  if (start === null || end === null) {
    c.reply.error(ERR.notInteger);
    return;
  }
  const v = lookupStringRead(c, argv[1]);
  if (v === null) return;
  if (v === undefined) {
    c.reply.bulk('');
    return;
  }
  const len = stringLength(v);
  if (start < 0 && end < 0 && start > end) {
    c.reply.bulk('');
    return;
  }
  // Indexes beyond 2^53 are clamped anyway, so doubles are exact enough here.
  start = Number(start);
  end = Number(end);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) {
    c.reply.bulk('');
  } else if (typeof v === 'string') {
    c.reply.bulk(start === 0 && end === len - 1 ? v : v.slice(start, end + 1));
  } else {
    c.reply.bulkBuffer(v.buf.subarray(start, end + 1));
  }
}

function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 !== 1) {
    c.reply.error(ERR.wrongArity(nx ? 'msetnx' : 'mset'));
    return;
  }
  const db = c.db;
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) {
      if (db.lookupWrite(argv[i]) !== undefined) {
        c.reply.int(0);
        return;
      }
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    db.set(argv[i], argv[i + 1]);
    notifyKeyspaceEvent(NOTIFY_STRING, 'set', argv[i], db.id);
  }
  server.dirty += (argv.length - 1) / 2;
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

/** Bytes of a string value for algorithms that index bytes (LCS). */
function bytesOf(v: string | MutableString | undefined): Buffer {
  if (v === undefined) return Buffer.alloc(0);
  return typeof v === 'string' ? Buffer.from(v, 'latin1') : v.bytes();
}

function lcsCommand(c: Client, argv: string[]): void {
  const va = c.db.lookupRead(argv[1]);
  const vb = c.db.lookupRead(argv[2]);
  if ((va !== undefined && !isString(va)) || (vb !== undefined && !isString(vb))) {
    c.reply.error(ERR.lcsNotStrings);
    return;
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && j + 1 < argv.length) {
      const n = longArg(c, argv[++j]);
      if (n === null) return;
      minMatchLen = n < 0 ? 0 : n;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  if (getLen && getIdx) {
    c.reply.error(ERR.lcsLenAndIdx);
    return;
  }
  const a = bytesOf(va as string | MutableString | undefined);
  const b = bytesOf(vb as string | MutableString | undefined);
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > server.protoMaxBulkLen) {
    c.reply.error(ERR.lcsTooBig);
    return;
  }
  let t: Uint32Array;
  try {
    t = new Uint32Array(cells);
  } catch {
    c.reply.error(ERR.lcsNoMemory);
    return;
  }
  // t[i*(blen+1)+j] = length of the LCS of a[0..i) and b[0..j).
  const w = blen + 1;
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= blen; j++) {
      const p = i * w + j;
      if (ai === b[j - 1]) t[p] = t[p - w - 1] + 1;
      else t[p] = t[p - w] > t[p - 1] ? t[p - w] : t[p - 1];
    }
  }
  const total = t[alen * w + blen];
  if (getLen) {
    c.reply.int(total);
    return;
  }
  // Walk back from the end, collecting the LCS and, for IDX, the matching ranges (last first).
  const result = Buffer.allocUnsafe(total);
  const ranges: number[] = [];
  let idx = total;
  let i = alen;
  let j = blen;
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[--idx] = a[i - 1];
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (t[(i - 1) * w + j] > t[i * w + j - 1]) i--;
      else j--;
      if (aStart !== -1) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minMatchLen === 0 || matchLen >= minMatchLen) ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      aStart = -1;
    }
  }
  if (!getIdx) {
    c.reply.bulkBuffer(result);
    return;
  }
  const r = c.reply;
  r.map(2);
  r.bulk('matches');
  r.array(ranges.length / 5);
  for (let k = 0; k < ranges.length; k += 5) {
    r.array(withMatchLen ? 3 : 2);
    r.array(2);
    r.int(ranges[k]);
    r.int(ranges[k + 1]);
    r.array(2);
    r.int(ranges[k + 2]);
    r.int(ranges[k + 3]);
    if (withMatchLen) r.int(ranges[k + 4]);
  }
  r.bulk('len');
  r.int(total);
}

const str = (def: Omit<CommandDef, 'group' | 'acl'> & { acl?: string }): CommandDef => ({
  group: 'string',
  ...def,
  acl: `string${def.acl ? ' ' + def.acl : ''}`,
});

const RANGE_COMPLEXITY =
  'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, ' +
  'but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.';

export const commands: CommandDef[] = [
  str({
    name: 'get', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], since: '1.0.0', keySpecFlags: ['RO', 'ACCESS'],
    summary: 'Returns the string value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      replyString(c, argv[1]);
    },
  }),
  str({
    name: 'set', arity: -3, flags: 'write denyoom', keys: [1, 1, 1], since: '1.0.0',
    docs: {
      history: [
        ['2.6.12', 'EX, PX, NX and XX options.'],
        ['6.0.0', 'KEEPTTL option.'],
        ['6.2.0', 'GET, EXAT and PXAT options.'],
        ['7.0.0', 'NX and GET together.'],
      ],
    },
    summary: 'Sets the string value of a key, ignoring its type; the key is created if missing.',
    complexity: 'O(1)', keySpecs: [ksIndex('RW access update variable_flags', 1, 0, 1, 'RW and ACCESS due to the optional `GET` argument')],
    variableKeyFlags: setKeyFlags,
    handler: setCommand,
  }),
  str({
    name: 'setnx', arity: 3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0', keySpecFlags: ['OW', 'INSERT'],
    summary: 'Sets the string value of a key only when the key does not exist.', complexity: 'O(1)',
    handler(c, argv) {
      if (c.db.lookupWrite(argv[1]) !== undefined) {
        c.reply.int(0);
        return;
      }
      setKeyWithExpire(c, argv[1], argv[2], -1, false);
      c.reply.int(1);
    },
  }),
  str({
    name: 'setex', arity: 4, flags: 'write denyoom', keys: [1, 1, 1], since: '2.0.0', keySpecFlags: ['OW', 'UPDATE'],
    summary: 'Sets the string value and the expiration time in seconds of a key.', complexity: 'O(1)',
    handler(c, argv) {
      setexCommand(c, argv, true, 'setex');
    },
  }),
  str({
    name: 'psetex', arity: 4, flags: 'write denyoom', keys: [1, 1, 1], since: '2.6.0', keySpecFlags: ['OW', 'UPDATE'],
    summary: 'Sets the string value and the expiration time in milliseconds of a key.', complexity: 'O(1)',
    handler(c, argv) {
      setexCommand(c, argv, false, 'psetex');
    },
  }),
  str({
    name: 'getset', arity: 3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0',
    docs: { docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`SET` with `GET`' },
    keySpecFlags: ['RW', 'ACCESS', 'UPDATE'],
    summary: 'Returns the previous string value of a key after setting it to a new value.', complexity: 'O(1)',
    handler(c, argv) {
      if (!replyString(c, argv[1])) return;
      setKeyWithExpire(c, argv[1], argv[2], -1, false);
      c.propagateArgv = ['SET', argv[1], argv[2]];
    },
  }),
  str({
    name: 'getdel', arity: 2, flags: 'write fast', keys: [1, 1, 1], since: '6.2.0', keySpecFlags: ['RW', 'ACCESS', 'DELETE'],
    summary: 'Returns the string value of a key after deleting the key.', complexity: 'O(1)',
    handler(c, argv) {
      const key = argv[1];
      if (!replyString(c, key)) return;
      if (c.db.delete(key)) {
        c.propagateArgv = [server.config.bool('lazyfree-lazy-user-del') ? 'UNLINK' : 'DEL', key];
        notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', key, c.db.id);
        server.dirty++;
      }
    },
  }),
  str({
    name: 'getex', arity: -2, flags: 'write fast', keys: [1, 1, 1], since: '6.2.0',
    keySpecs: [ksIndex('RW access update', 1, 0, 1, 'RW and UPDATE because it changes the TTL')],
    summary: 'Returns the string value of a key after setting or removing its expiration time.', complexity: 'O(1)',
    handler: getexCommand,
  }),
  str({
    name: 'incr', arity: 2, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0', keySpecFlags: ['RW', 'ACCESS', 'UPDATE'],
    summary: 'Adds one to the integer value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      incrBy(c, argv[1], 1);
    },
  }),
  str({
    name: 'decr', arity: 2, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0', keySpecFlags: ['RW', 'ACCESS', 'UPDATE'],
    summary: 'Subtracts one from the integer value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      incrBy(c, argv[1], -1);
    },
  }),
  str({
    name: 'incrby', arity: 3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0', keySpecFlags: ['RW', 'ACCESS', 'UPDATE'],
    summary: 'Adds an integer to the integer value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      const by = parseIncrement(c, argv[2]);
      if (by !== null) incrBy(c, argv[1], by);
    },
  }),
  str({
    name: 'decrby', arity: 3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '1.0.0', keySpecFlags: ['RW', 'ACCESS', 'UPDATE'],
    summary: 'Subtracts an integer from the integer value of a key.', complexity: 'O(1)',
    handler(c, argv) {
      const by = parseIncrement(c, argv[2]);
      if (by === null) return;
      if (by === INT64_MIN) {
        c.reply.error(ERR.decrOverflow);
        return;
      }
      incrBy(c, argv[1], -by);
    },
  }),
  str({
    name: 'incrbyfloat', arity: 3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '2.6.0',
    keySpecFlags: ['RW', 'ACCESS', 'UPDATE'],
    summary: 'Adds a floating point number to the numeric value of a key.', complexity: 'O(1)',
    handler: incrbyfloatCommand,
  }),
  str({
    name: 'mget', arity: -2, flags: 'readonly fast', keys: [1, -1, 1], since: '1.0.0', keySpecFlags: ['RO', 'ACCESS'],
    summary: 'Returns the string values of one or more keys.', complexity: 'O(N) where N is the number of keys to retrieve.',
    tips: ['request_policy:multi_shard'],
    handler(c, argv) {
      c.reply.array(argv.length - 1);
      for (let i = 1; i < argv.length; i++) {
        const v = c.db.lookupRead(argv[i]);
        if (typeof v === 'string') c.reply.bulk(v);
        else if (v !== undefined && v.type === 'string') c.reply.bulkBuffer((v as MutableString).bytes());
        else c.reply.nullBulk();
      }
    },
  }),
  str({
    name: 'mset', arity: -3, flags: 'write denyoom', keys: [1, -1, 2], since: '1.0.1', keySpecFlags: ['OW', 'UPDATE'],
    summary: 'Atomically sets the string values of one or more keys.', complexity: 'O(N) where N is the number of keys to set.',
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    handler(c, argv) {
      msetGeneric(c, argv, false);
    },
  }),
  str({
    name: 'msetnx', arity: -3, flags: 'write denyoom', keys: [1, -1, 2], since: '1.0.1', keySpecFlags: ['OW', 'INSERT'],
    summary: 'Atomically sets the string values of one or more keys only when none of the keys exist.',
    complexity: 'O(N) where N is the number of keys to set.', tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    handler(c, argv) {
      msetGeneric(c, argv, true);
    },
  }),
  str({
    name: 'append', arity: 3, flags: 'write denyoom fast', keys: [1, 1, 1], since: '2.0.0', keySpecFlags: ['RW', 'INSERT'],
    summary: 'Appends a string to the value of a key; the key is created if missing.',
    complexity: 'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already ' +
      'present value is of any size, since the value grows its free space geometrically.',
    handler: appendCommand,
  }),
  str({
    name: 'strlen', arity: 2, flags: 'readonly fast', keys: [1, 1, 1], since: '2.2.0', keySpecFlags: ['RO'],
    summary: 'Returns the length of a string value.', complexity: 'O(1)',
    handler(c, argv) {
      const v = lookupStringRead(c, argv[1]);
      if (v !== null) c.reply.int(v === undefined ? 0 : stringLength(v));
    },
  }),
  str({
    name: 'getrange', arity: 4, flags: 'readonly', keys: [1, 1, 1], since: '2.4.0', keySpecFlags: ['RO', 'ACCESS'],
    summary: 'Returns a substring of the string stored at a key.', complexity: RANGE_COMPLEXITY,
    handler: getrangeCommand,
  }),
  str({
    name: 'substr', arity: 4, flags: 'readonly', keys: [1, 1, 1], since: '1.0.0', keySpecFlags: ['RO', 'ACCESS'],
    docs: { docFlags: ['deprecated'], deprecatedSince: '2.0.0', replacedBy: '`GETRANGE`' },
    summary: 'Returns a substring of the string stored at a key (deprecated alias of GETRANGE).',
    complexity: RANGE_COMPLEXITY,
    handler: getrangeCommand,
  }),
  str({
    name: 'setrange', arity: 4, flags: 'write denyoom', keys: [1, 1, 1], since: '2.2.0', keySpecFlags: ['RW', 'UPDATE'],
    summary: 'Overwrites part of a string value from an offset; the key is created if missing.',
    complexity: 'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small ' +
      'so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    handler: setrangeCommand,
  }),
  str({
    name: 'lcs', arity: -3, flags: 'readonly', keys: [1, 2, 1], since: '7.0.0', keySpecFlags: ['RO', 'ACCESS'],
    summary: 'Finds the longest common subsequence of two string values.',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    handler: lcsCommand,
  }),
];
