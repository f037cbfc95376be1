// Values in RDB form. Reading understands every encoding Redis 7.0-7.4 writes for strings,
// lists, sets, sorted sets and hashes. Writing uses the plain encodings (list of strings, set
// of strings, ZSET_2, hash of pairs), which every Redis 7 loads and re-encodes to its liking.
// Values cross this boundary in a neutral form, so the codec knows nothing of our data types.

import { CompactError, decodeIntset, decodeListpack, decodeZiplist, decodeZipmap } from './compact.js';
import { Crc64 } from './crc64.js';
import { RDB_VERSION, RdbError, RdbReader, RdbWriter, T } from './format.js';

export type PlainValue =
  | { type: 'string'; value: string }
  | { type: 'list'; items: string[] }
  | { type: 'set'; members: string[] }
  | { type: 'zset'; entries: [string, number][] }
  | { type: 'hash'; entries: [string, string][] };

/** The RDB type byte we write for a value. */
export function valueType(v: PlainValue): number {
  switch (v.type) {
    case 'string': return T.STRING;
    case 'list': return T.LIST;
    case 'set': return T.SET;
    case 'zset': return T.ZSET_2;
    case 'hash': return T.HASH;
  }
}

/** The body of a value (after its type byte, and in files after its key). */
export function writeBody(w: RdbWriter, v: PlainValue): void {
  switch (v.type) {
    case 'string':
      w.string(v.value);
      return;
    case 'list':
      w.length(v.items.length);
      for (const s of v.items) w.string(s);
      return;
    case 'set':
      w.length(v.members.length);
      for (const s of v.members) w.string(s);
      return;
    case 'zset':
      w.length(v.entries.length);
      for (const [m, score] of v.entries) {
        w.string(m);
        w.binaryDouble(score);
      }
      return;
    case 'hash':
      w.length(v.entries.length);
      for (const [f, val] of v.entries) {
        w.string(f);
        w.string(val);
      }
  }
}

function pairs<V>(flat: string[], conv: (s: string) => V, r: RdbReader): [string, V][] {
  if (flat.length % 2 !== 0) r.fail('odd number of elements in a pair encoding');
  const out: [string, V][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], conv(flat[i + 1])]);
  return out;
}

/** A score stored as text in a ziplist/listpack: what strtod accepts, including inf and -inf. */
function score(s: string, r: RdbReader): number {
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  const v = Number(s);
  if (Number.isNaN(v) || s.trim() !== s || s === '') r.fail(`invalid score '${s}'`);
  return v;
}

/** Read the body of a value whose type byte was already read. */
export function readValue(r: RdbReader, type: number): PlainValue {
  const start = r.pos;
  try {
    return readValueInner(r, type);
  } catch (err) {
    if (err instanceof CompactError) throw new RdbError(err.message, r.base + start);
    throw err;
  }
}

function readValueInner(r: RdbReader, type: number): PlainValue {
  switch (type) {
    case T.STRING:
      return { type: 'string', value: r.string() };
    case T.LIST: {
      const n = r.length();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      return { type: 'list', items };
    }
    case T.SET: {
      const n = r.length();
      const members: string[] = [];
      for (let i = 0; i < n; i++) members.push(r.string());
      return { type: 'set', members };
    }
    case T.ZSET:
    case T.ZSET_2: {
      const n = r.length();
      const entries: [string, number][] = [];
      for (let i = 0; i < n; i++) {
        const m = r.string();
        entries.push([m, type === T.ZSET_2 ? r.binaryDouble() : r.asciiDouble()]);
      }
      return { type: 'zset', entries };
    }
    case T.HASH: {
      const n = r.length();
      const entries: [string, string][] = [];
      for (let i = 0; i < n; i++) entries.push([r.string(), r.string()]);
      return { type: 'hash', entries };
    }
    case T.HASH_ZIPMAP:
      return { type: 'hash', entries: pairs(decodeZipmap(r.stringBytes()), (s) => s, r) };
    case T.LIST_ZIPLIST:
      return { type: 'list', items: decodeZiplist(r.stringBytes()) };
    case T.SET_INTSET:
      return { type: 'set', members: decodeIntset(r.stringBytes()) };
    case T.SET_LISTPACK:
      return { type: 'set', members: decodeListpack(r.stringBytes()) };
    case T.ZSET_ZIPLIST:
      return { type: 'zset', entries: pairs(decodeZiplist(r.stringBytes()), (s) => score(s, r), r) };
    case T.ZSET_LISTPACK:
      return { type: 'zset', entries: pairs(decodeListpack(r.stringBytes()), (s) => score(s, r), r) };
    case T.HASH_ZIPLIST:
      return { type: 'hash', entries: pairs(decodeZiplist(r.stringBytes()), (s) => s, r) };
    case T.HASH_LISTPACK:
      return { type: 'hash', entries: pairs(decodeListpack(r.stringBytes()), (s) => s, r) };
    case T.LIST_QUICKLIST: {
      const n = r.length();
      const items: string[] = [];
      for (let i = 0; i < n; i++) for (const s of decodeZiplist(r.stringBytes())) items.push(s);
      return { type: 'list', items };
    }
    case T.LIST_QUICKLIST_2: {
      const n = r.length();
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        const container = r.length();
        if (container === 1) items.push(r.string()); // PLAIN node: one element
        else if (container === 2) for (const s of decodeListpack(r.stringBytes())) items.push(s);
        else r.fail(`unknown quicklist container ${container}`);
      }
      return { type: 'list', items };
    }
    case T.STREAM_LISTPACKS:
    case T.STREAM_LISTPACKS_2:
    case T.STREAM_LISTPACKS_3:
      return r.fail('streams are not supported yet');
    case T.MODULE:
    case T.MODULE_2:
      return r.fail('module values cannot be loaded (Shoal has no modules)');
    default:
      return r.fail(`unknown value type ${type}`);
  }
}

/** A collection without elements: Redis never stores one, and skips or refuses it when loading. */
export function isEmptyValue(v: PlainValue): boolean {
  switch (v.type) {
    case 'string': return false;
    case 'list': return v.items.length === 0;
    case 'set': return v.members.length === 0;
    case 'zset':
    case 'hash': return v.entries.length === 0;
  }
}

/** DUMP payload: value, 2-byte RDB version, CRC64 of all that (all little endian). */
export function dumpPayload(v: PlainValue, compress = true): Buffer {
  const w = new RdbWriter(256, compress);
  w.byte(valueType(v));
  writeBody(w, v);
  w.byte(RDB_VERSION & 0xff);
  w.byte(RDB_VERSION >> 8);
  const body = w.take();
  return Buffer.concat([body, new Crc64().update(body).bytes()]);
}

/**
 * Parse a DUMP payload; returns an error text for RESTORE when it is not acceptable:
 * version or checksum wrong, or data that does not parse.
 */
export function parsePayload(p: Buffer): PlainValue | string {
  if (p.length < 10) return 'ERR DUMP payload version or checksum are wrong';
  const footer = p.length - 10;
  const ver = p[footer] | (p[footer + 1] << 8);
  // Redis 7.0 refuses payloads from newer RDB versions (7.2+ write 11 and up).
  if (ver > RDB_VERSION) return 'ERR DUMP payload version or checksum are wrong';
  const crc = p.readBigUInt64LE(footer + 2);
  if (new Crc64().update(p, 0, footer + 2).value() !== crc) return 'ERR DUMP payload version or checksum are wrong';
  try {
    const r = new RdbReader(p.subarray(0, footer));
    // Like Redis, bytes after the value are ignored; empty collections are refused.
    const v = readValue(r, r.byte());
    return isEmptyValue(v) ? 'ERR Bad data format' : v;
  } catch {
    return 'ERR Bad data format';
  }
}
