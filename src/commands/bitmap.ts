// Bitmap commands: bit-level reads and writes on string values. Bit 0 is the most significant
// bit of the first byte. Writes work in place on a MutableString (amortised O(1) SETBIT).

import { ERR } from '../errors.js';
import { notifyKeyspaceEvent, NOTIFY_GENERIC, NOTIFY_STRING } from '../keyspace/notify.js';
import { signals } from '../keyspace/signals.js';
import { isString, MutableString, stringLength, unshareString } from '../keyspace/strings.js';
import { parseInt64 } from '../protocol/format.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import type { CommandDef } from './spec.js';
import { bitfieldKeyFlags, ksIndex } from './keyspecs.js';
import { lookupStringRead } from './string.js';

/** Bits set in each byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

type Str = string | MutableString;

/** Byte i of a string value, 0 beyond its end. */
function byteAt(v: Str, i: number): number {
  if (typeof v === 'string') return i < v.length ? v.charCodeAt(i) : 0;
  return i < v.len ? v.buf[i] : 0;
}

/** Set by lookupForBitWrite: the key was created or grew (Redis counts that as a change). */
let bitWriteGrew = false;

/**
 * The string at key made writable and at least long enough to hold bit `maxBit` (Redis's
 * lookupStringForBitCommand); null after replying WRONGTYPE.
 */
function lookupForBitWrite(c: Client, key: string, maxBit: number): MutableString | null {
  const db = c.db;
  const need = Math.floor(maxBit / 8) + 1;
  const v = db.lookupWrite(key);
  if (v === undefined) {
    const m = new MutableString(Buffer.alloc(need), need);
    db.set(key, m);
    bitWriteGrew = true;
    return m;
  }
  if (!isString(v)) {
    c.reply.error(ERR.wrongType);
    return null;
  }
  const s = v;
  const old = stringLength(s);
  const m = unshareString(db, key, s, need > old ? need - old : 0);
  m.growZero(need);
  bitWriteGrew = m.len !== old;
  return m;
}

/**
 * Parse a bit offset (Redis's getBitOffsetFromArgument); `bits` > 0 allows BITFIELD's "#n" form
 * (n * bits). Returns -1 after replying with the error.
 */
function parseBitOffset(c: Client, arg: string, bits: number): number {
  const hash = bits > 0 && arg.charCodeAt(0) === 35;
  const n = parseInt64(hash ? arg.slice(1) : arg);
  if (n === null) {
    c.reply.error(ERR.bitOffset);
    return -1;
  }
  const off = hash ? BigInt(n) * BigInt(bits) : BigInt(n);
  if (off < 0n || off >> 3n >= BigInt(server.protoMaxBulkLen)) {
    c.reply.error(ERR.bitOffset);
    return -1;
  }
  return Number(off);
}

function setbitCommand(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2], 0);
  if (offset < 0) return;
  const on = parseInt64(argv[3]);
  if (on !== 0 && on !== 1) {
    c.reply.error(ERR.bitValue);
    return;
  }
  const key = argv[1];
  const m = lookupForBitWrite(c, key, offset);
  if (m === null) return;
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset & 7));
  const old = m.buf[byte] & mask ? 1 : 0;
  if (bitWriteGrew || old !== on) {
    if (on) m.buf[byte] |= mask;
    else m.buf[byte] &= ~mask;
    signals.modified(c.db, key);
    notifyKeyspaceEvent(NOTIFY_STRING, 'setbit', key, c.db.id);
    server.dirty++;
  }
  c.reply.int(old);
}

function getbitCommand(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2], 0);
  if (offset < 0) return;
  const v = lookupStringRead(c, argv[1]);
  if (v === null) return;
  if (v === undefined) {
    c.reply.int(0);
    return;
  }
  c.reply.int(byteAt(v, Math.floor(offset / 8)) & (1 << (7 - (offset & 7))) ? 1 : 0);
}

/**
 * Parse BITCOUNT/BITPOS's optional BYTE|BIT unit. Returns 1 for BIT, 0 for BYTE, -1 after a
 * syntax error.
 */
function parseUnit(c: Client, arg: string): number {
  const u = arg.toLowerCase();
  if (u === 'bit') return 1;
  if (u === 'byte') return 0;
  c.reply.error(ERR.syntax);
  return -1;
}

function bitcountCommand(c: Client, argv: string[]): void {
  const v = lookupStringRead(c, argv[1]);
  if (v === null) return;
  if (v === undefined) {
    c.reply.int(0);
    return;
  }
  const len = stringLength(v);
  let start = 0;
  let end = len - 1;
  let firstMask = 0;
  let lastMask = 0;
  if (argv.length === 4 || argv.length === 5) {
    const s = parseInt64(argv[2]);
    if (s === null) {
      c.reply.error(ERR.notInteger);
      return;
    }
    const e = parseInt64(argv[3]);
    if (e === null) {
      c.reply.error(ERR.notInteger);
      return;
    }
    if (s < 0 && e < 0 && s > e) {
      c.reply.int(0);
      return;
    }
    let isBit = 0;
    if (argv.length === 5) {
      isBit = parseUnit(c, argv[4]);
      if (isBit < 0) return;
    }
    const total = isBit ? len * 8 : len;
    // Out-of-range indexes clamp, so doubles are exact enough.
    start = Number(s);
    end = Number(e);
    if (start < 0) start = total + start;
    if (end < 0) end = total + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    if (isBit && start <= end) {
      // Bits of the edge bytes outside the range, to subtract after counting whole bytes.
      firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
      lastMask = (1 << (7 - (end & 7))) - 1;
      start = Math.floor(start / 8);
      end = Math.floor(end / 8);
    }
  } else if (argv.length !== 2) {
    c.reply.error(ERR.syntax);
    return;
  }
  if (start > end) {
    c.reply.int(0);
    return;
  }
  let count = 0;
  if (typeof v === 'string') {
    for (let i = start; i <= end; i++) count += POPCOUNT[v.charCodeAt(i)];
  } else {
    const b = v.buf;
    for (let i = start; i <= end; i++) count += POPCOUNT[b[i]];
  }
  if (firstMask !== 0) count -= POPCOUNT[byteAt(v, start) & firstMask];
  if (lastMask !== 0) count -= POPCOUNT[byteAt(v, end) & lastMask];
  c.reply.int(count);
}

/**
 * First bit equal to `bit` in bytes [from, from+count) (Redis's redisBitpos): relative bit
 * position; when looking for 0 and none is found, count*8 (the zero padding after the range);
 * when looking for 1 and none is found, -1.
 */
function findBit(v: Str, from: number, count: number, bit: number): number {
  const skip = bit ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const b = byteAt(v, from + i);
    if (b !== skip) {
      for (let k = 0; k < 8; k++) {
        if (((b >> (7 - k)) & 1) === bit) return i * 8 + k;
      }
    }
  }
  return bit ? -1 : count * 8;
}

/** findBit on one byte value. */
function findBitInByte(b: number, bit: number): number {
  for (let k = 0; k < 8; k++) if (((b >> (7 - k)) & 1) === bit) return k;
  return bit ? -1 : 8;
}

function bitposCommand(c: Client, argv: string[]): void {
  const bitArg = parseInt64(argv[2]);
  if (bitArg === null) {
    c.reply.error(ERR.notInteger);
    return;
  }
  if (bitArg !== 0 && bitArg !== 1) {
    c.reply.error(ERR.bitArgument);
    return;
  }
  const bit = bitArg;
  const v = lookupStringRead(c, argv[1]);
  if (v === null) return;
  if (v === undefined) {
    // A missing key is an endless run of zeros.
    c.reply.int(bit ? -1 : 0);
    return;
  }
  const len = stringLength(v);
  let start = 0;
  let end = len - 1;
  let endGiven = false;
  let firstMask = 0;
  let lastMask = 0;
  if (argv.length >= 4 && argv.length <= 6) {
    const s = parseInt64(argv[3]);
    if (s === null) {
      c.reply.error(ERR.notInteger);
      return;
    }
    let isBit = 0;
    if (argv.length === 6) {
      isBit = parseUnit(c, argv[5]);
      if (isBit < 0) return;
    }
    start = Number(s);
    if (argv.length >= 5) {
      const e = parseInt64(argv[4]);
      if (e === null) {
        c.reply.error(ERR.notInteger);
        return;
      }
      end = Number(e);
      endGiven = true;
    } else {
      end = isBit ? len * 8 + 7 : len - 1;
    }
    const total = isBit ? len * 8 : len;
    if (start < 0) start = total + start;
    if (end < 0) end = total + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    if (isBit && start <= end) {
      firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
      lastMask = (1 << (7 - (end & 7))) - 1;
      start = Math.floor(start / 8);
      end = Math.floor(end / 8);
    }
  } else if (argv.length !== 3) {
    c.reply.error(ERR.syntax);
    return;
  }
  if (start > end) {
    c.reply.int(-1);
    return;
  }
  let bytes = end - start + 1;
  let pos: number;
  search: {
    if (firstMask !== 0) {
      // Bits before the range in the first byte are forced to the value not searched for.
      let b = bit ? byteAt(v, start) & ~firstMask : byteAt(v, start) | firstMask;
      if (lastMask !== 0 && bytes === 1) b = bit ? b & ~lastMask : b | lastMask;
      pos = findBitInByte(b & 0xff, bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break search;
      start++;
      bytes--;
    }
    const whole = bytes - (lastMask !== 0 ? 1 : 0);
    if (whole > 0) {
      pos = findBit(v, start, whole, bit);
      if (bytes === whole || (pos !== -1 && pos !== whole * 8)) break search;
      start += whole;
      bytes -= whole;
    }
    const b = bit ? byteAt(v, end) & ~lastMask : byteAt(v, end) | lastMask;
    pos = findBitInByte(b & 0xff, bit);
  }
  // With an explicit end, "no zero in range" is -1 rather than the first bit after it.
  if (endGiven && bit === 0 && pos === bytes * 8) {
    c.reply.int(-1);
    return;
  }
  c.reply.int(pos === -1 ? -1 : pos + start * 8);
}

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

function bitopCommand(c: Client, argv: string[]): void {
  const name = argv[1].toLowerCase();
  const op = name === 'and' ? OP_AND : name === 'or' ? OP_OR : name === 'xor' ? OP_XOR : name === 'not' ? OP_NOT : -1;
  if (op < 0) {
    c.reply.error(ERR.syntax);
    return;
  }
  if (op === OP_NOT && argv.length !== 4) {
    c.reply.error(ERR.bitopNotSingleKey);
    return;
  }
  const n = argv.length - 3;
  const srcs: Buffer[] = [];
  let maxLen = 0;
  for (let i = 0; i < n; i++) {
    const v = lookupStringRead(c, argv[i + 3]);
    if (v === null) return;
    const b = v === undefined ? EMPTY : typeof v === 'string' ? Buffer.from(v, 'latin1') : v.bytes();
    srcs.push(b);
    if (b.length > maxLen) maxLen = b.length;
  }
  const db = c.db;
  const dest = argv[2];
  if (maxLen === 0) {
    if (db.lookupWrite(dest) !== undefined && db.delete(dest)) {
      notifyKeyspaceEvent(NOTIFY_GENERIC, 'del', dest, db.id);
      server.dirty++;
    }
    c.reply.int(0);
    return;
  }
  const res = Buffer.alloc(maxLen);
  const first = srcs[0];
  first.copy(res);
  if (op === OP_NOT) {
    for (let j = 0; j < maxLen; j++) res[j] = ~res[j] & 0xff;
  } else {
    for (let i = 1; i < n; i++) {
      const s = srcs[i];
      const sl = s.length;
      // Missing bytes of shorter inputs count as zeros.
      if (op === OP_AND) {
        for (let j = 0; j < maxLen; j++) res[j] &= j < sl ? s[j] : 0;
      } else if (op === OP_OR) {
        for (let j = 0; j < sl; j++) res[j] |= s[j];
      } else {
        for (let j = 0; j < sl; j++) res[j] ^= s[j];
      }
    }
  }
  db.set(dest, new MutableString(res, maxLen));
  notifyKeyspaceEvent(NOTIFY_STRING, 'set', dest, db.id);
  server.dirty++;
  c.reply.int(maxLen);
}

const EMPTY = Buffer.alloc(0);

// BITFIELD: values are 64-bit at most, so the arithmetic is done in BigInt with C's wrap rules.
const OW_WRAP = 0;
const OW_SAT = 1;
const OW_FAIL = 2;
const BF_GET = 0;
const BF_SET = 1;
const BF_INCRBY = 2;

interface BitfieldOp {
  op: number;
  offset: number;
  bits: number;
  signed: boolean;
  value: bigint;
  overflow: number;
}

function readBits(v: Str | undefined, offset: number, bits: number): bigint {
  let out = 0n;
  for (let k = 0; k < bits; k++, offset++) {
    const b = v === undefined ? 0 : byteAt(v, Math.floor(offset / 8));
    out = (out << 1n) | BigInt((b >> (7 - (offset & 7))) & 1);
  }
  return out;
}

function writeBits(m: MutableString, offset: number, bits: number, value: bigint): void {
  const buf = m.buf;
  for (let k = bits - 1; k >= 0; k--, offset++) {
    const byte = Math.floor(offset / 8);
    const mask = 1 << (7 - (offset & 7));
    if ((value >> BigInt(k)) & 1n) buf[byte] |= mask;
    else buf[byte] &= ~mask;
  }
}

const i64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** Overflow direction (0 none, 1 up, -1 down) and the value to store, for signed fields. */
let bfLimit = 0n;

function signedOverflow(value: bigint, incr: bigint, bits: number, ow: number): number {
  const max = bits === 64 ? 9223372036854775807n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncr = i64(max - value);
  const minIncr = i64(min - value);
  let dir = 0;
  if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) dir = 1;
  else if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) dir = -1;
  if (dir === 0) return 0;
  if (ow === OW_SAT) bfLimit = dir > 0 ? max : min;
  else if (ow === OW_WRAP) bfLimit = BigInt.asIntN(bits, value + incr);
  return dir;
}

function unsignedOverflow(value: bigint, incr: bigint, bits: number, ow: number): number {
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncr = i64(max - value);
  const minIncr = i64(-value);
  let dir = 0;
  if (value > max || (incr > 0n && incr > maxIncr)) dir = 1;
  else if (incr < 0n && incr < minIncr) dir = -1;
  if (dir === 0) return 0;
  if (ow === OW_SAT) bfLimit = dir > 0 ? max : 0n;
  else if (ow === OW_WRAP) bfLimit = BigInt.asUintN(bits, value + incr);
  return dir;
}

function bitfieldCommand(c: Client, argv: string[], readonlyCommand: boolean): void {
  const ops: BitfieldOp[] = [];
  let overflow = OW_WRAP;
  let readonly = true;
  let highestWrite = 0;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j].toLowerCase();
    let op: number;
    if (sub === 'get' && rem >= 2) op = BF_GET;
    else if (sub === 'set' && rem >= 3) op = BF_SET;
    else if (sub === 'incrby' && rem >= 3) op = BF_INCRBY;
    else if (sub === 'overflow' && rem >= 1) {
      const t = argv[++j].toLowerCase();
      if (t === 'wrap') overflow = OW_WRAP;
      else if (t === 'sat') overflow = OW_SAT;
      else if (t === 'fail') overflow = OW_FAIL;
      else {
        c.reply.error(ERR.bitfieldOverflowType);
        return;
      }
      continue;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
    const type = argv[j + 1];
    const signed = type.charCodeAt(0) === 105; // 'i'
    const bitsArg = type.charCodeAt(0) === 105 || type.charCodeAt(0) === 117 ? parseInt64(type.slice(1)) : null;
    if (bitsArg === null || bitsArg < 1 || bitsArg > (signed ? 64 : 63)) {
      c.reply.error(ERR.bitfieldType);
      return;
    }
    const bits = Number(bitsArg);
    const offset = parseBitOffset(c, argv[j + 2], bits);
    if (offset < 0) return;
    let value = 0n;
    if (op !== BF_GET) {
      readonly = false;
      if (offset + bits - 1 > highestWrite) highestWrite = offset + bits - 1;
      const n = parseInt64(argv[j + 3]);
      if (n === null) {
        c.reply.error(ERR.notInteger);
        return;
      }
      value = BigInt(n);
    }
    ops.push({ op, offset, bits, signed, value, overflow });
    j += op === BF_GET ? 2 : 3;
  }
  const key = argv[1];
  let src: Str | undefined;
  let m: MutableString | null = null;
  let grew = false;
  if (readonly) {
    const v = lookupStringRead(c, key);
    if (v === null) return;
    src = v;
  } else {
    if (readonlyCommand) {
      c.reply.error(ERR.bitfieldRoOnlyGet);
      return;
    }
    m = lookupForBitWrite(c, key, highestWrite);
    if (m === null) return;
    grew = bitWriteGrew;
    src = m;
  }
  c.reply.array(ops.length);
  let changes = 0;
  for (const o of ops) {
    if (o.op === BF_GET) {
      const raw = readBits(src, o.offset, o.bits);
      c.reply.int(o.signed ? BigInt.asIntN(o.bits, raw) : raw);
      continue;
    }
    const raw = readBits(src, o.offset, o.bits);
    let oldVal: bigint;
    let newVal: bigint;
    let ret: bigint;
    let dir: number;
    if (o.signed) {
      oldVal = BigInt.asIntN(o.bits, raw);
      if (o.op === BF_INCRBY) {
        dir = signedOverflow(oldVal, o.value, o.bits, o.overflow);
        newVal = dir !== 0 ? bfLimit : oldVal + o.value;
        ret = newVal;
      } else {
        dir = signedOverflow(o.value, 0n, o.bits, o.overflow);
        newVal = dir !== 0 ? bfLimit : o.value;
        ret = oldVal;
      }
    } else {
      oldVal = raw;
      if (o.op === BF_INCRBY) {
        dir = unsignedOverflow(oldVal, o.value, o.bits, o.overflow);
        newVal = dir !== 0 ? bfLimit : u64(oldVal + o.value);
        ret = newVal;
      } else {
        const v = u64(o.value);
        dir = unsignedOverflow(v, 0n, o.bits, o.overflow);
        newVal = dir !== 0 ? bfLimit : v;
        ret = oldVal;
      }
    }
    if (dir !== 0 && o.overflow === OW_FAIL) {
      c.reply.nullBulk();
      continue;
    }
    c.reply.int(ret);
    writeBits(m!, o.offset, o.bits, newVal);
    if (grew || oldVal !== newVal) changes++;
  }
  if (changes !== 0) {
    signals.modified(c.db, key);
    notifyKeyspaceEvent(NOTIFY_STRING, 'setbit', key, c.db.id);
    server.dirty += changes;
  }
}

const bm = (def: Omit<CommandDef, 'group' | 'acl'>): CommandDef => ({ group: 'bitmap', acl: 'bitmap', ...def });

export const commands: CommandDef[] = [
  bm({
    name: 'setbit', arity: 4, flags: 'write denyoom', keys: [1, 1, 1], since: '2.2.0', keySpecFlags: ['RW', 'ACCESS', 'UPDATE'],
    summary: 'Sets or clears the bit at an offset of a string value; the key is created if missing.', complexity: 'O(1)',
    handler: setbitCommand,
  }),
  bm({
    name: 'getbit', arity: 3, flags: 'readonly fast', keys: [1, 1, 1], since: '2.2.0', keySpecFlags: ['RO', 'ACCESS'],
    summary: 'Returns the bit at an offset of a string value.', complexity: 'O(1)',
    handler: getbitCommand,
  }),
  bm({
    name: 'bitcount', arity: -2, flags: 'readonly', keys: [1, 1, 1], since: '2.6.0', keySpecFlags: ['RO', 'ACCESS'],
    docs: { history: [['7.0.0', 'BYTE and BIT units for the range.']] },
    summary: 'Counts the set bits of a string value, optionally within a byte or bit range.', complexity: 'O(N)',
    handler: bitcountCommand,
  }),
  bm({
    name: 'bitpos', arity: -3, flags: 'readonly', keys: [1, 1, 1], since: '2.8.7', keySpecFlags: ['RO', 'ACCESS'],
    docs: { history: [['7.0.0', 'BYTE and BIT units for the range.']] },
    summary: 'Finds the first set or clear bit of a string value, optionally within a byte or bit range.', complexity: 'O(N)',
    handler: bitposCommand,
  }),
  bm({
    name: 'bitop', arity: -4, flags: 'write denyoom', keys: [2, -1, 1], since: '2.6.0',
    keySpecs: [ksIndex('OW update', 2), ksIndex('RO access', 3, -1)],
    summary: 'Combines string values bit by bit (AND, OR, XOR, NOT) and stores the result in a key.', complexity: 'O(N)',
    handler: bitopCommand,
  }),
  bm({
    name: 'bitfield', arity: -2, flags: 'write denyoom', keys: [1, 1, 1], since: '3.2.0',
    keySpecs: [ksIndex('RW access update variable_flags', 1, 0, 1, 'This command allows both access and modification of the key')],
    variableKeyFlags: bitfieldKeyFlags,
    summary: 'Reads, writes and increments integer fields of arbitrary width at any bit offset of a string value.',
    complexity: 'O(1) for each subcommand specified',
    handler(c, argv) {
      bitfieldCommand(c, argv, false);
    },
  }),
  bm({
    name: 'bitfield_ro', arity: -2, flags: 'readonly fast', keys: [1, 1, 1], since: '6.0.0', keySpecFlags: ['RO', 'ACCESS'],
    summary: 'Reads integer fields of arbitrary width at any bit offset of a string value.',
    complexity: 'O(1) for each subcommand specified',
    handler(c, argv) {
      bitfieldCommand(c, argv, true);
    },
  }),
];
