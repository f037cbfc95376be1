// Values in RDB form. Reading understands every encoding Redis 7.0-7.4 writes for strings,
// lists, sets, sorted sets, hashes and streams. Writing uses the plain encodings (list of strings,
// set of strings, ZSET_2, hash of pairs), which every Redis 7 loads and re-encodes to its liking,
// and STREAM_LISTPACKS_2 for streams (they have no plain encoding), which Redis 7.0 loads.
// Values cross this boundary in a neutral form, so the codec knows nothing of our data types.

import { checkListpackHeader, CompactError, decodeIntset, decodeListpack, decodeZiplist, decodeZipmap } from './compact.js';
import { Crc64 } from './crc64.js';
import { ERR } from '../../errors.js';
import { RDB_VERSION, RdbError, RdbReader, RdbWriter, T } from './format.js';

export type PlainValue =
  | { type: 'string'; value: string }
  | { type: 'list'; items: string[] }
  | { type: 'set'; members: string[] }
  | { type: 'zset'; entries: [string, number][] }
  | { type: 'hash'; entries: [string, string][] }
  | { type: 'stream'; stream: PlainStream };

/** A pending entry of a group: the raw ID, when it was last delivered and how many times. */
export interface PlainNack {
  id: bigint;
  deliveryTime: number;
  deliveryCount: bigint;
}

export interface PlainStreamGroup {
  name: string;
  lastId: bigint;
  /** Null when the file predates the counter (STREAM_LISTPACKS): the loader estimates it. */
  entriesRead: bigint | null;
  pel: PlainNack[];
  consumers: { name: string; seenTime: number; pel: bigint[] }[];
}

/**
 * A stream as RDB holds it: its nodes (master ID, listpack bytes) and metadata. The fields a
 * STREAM_LISTPACKS file lacks are null; the loader derives them as Redis does.
 */
export interface PlainStream {
  nodes: { master: bigint; listpack: Buffer }[];
  length: bigint;
  lastId: bigint;
  firstId: bigint | null;
  maxDeletedId: bigint | null;
  entriesAdded: bigint | null;
  groups: PlainStreamGroup[];
}

/** The RDB type byte we write for a value. */
export function valueType(v: PlainValue): number {
  switch (v.type) {
    case 'string': return T.STRING;
    case 'list': return T.LIST;
    case 'set': return T.SET;
    case 'zset': return T.ZSET_2;
    case 'hash': return T.HASH;
    case 'stream': return T.STREAM_LISTPACKS_2;
  }
}

function id128(r: RdbReader): bigint {
  return (r.lengthU64() << 64n) | r.lengthU64();
}

function writeId(w: RdbWriter, id: bigint): void {
  w.lengthU64(id >> 64n);
  w.lengthU64(id & 0xffffffffffffffffn);
}

function rawId(b: Buffer): bigint {
  return (b.readBigUInt64BE(0) << 64n) | b.readBigUInt64BE(8);
}

function rawIdBytes(id: bigint): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.writeBigUInt64BE(id >> 64n, 0);
  b.writeBigUInt64BE(id & 0xffffffffffffffffn, 8);
  return b;
}

function writeStream(w: RdbWriter, s: PlainStream): void {
  w.length(s.nodes.length);
  for (const n of s.nodes) {
    w.string(rawIdBytes(n.master).latin1Slice(0, 16));
    w.string(n.listpack.latin1Slice(0, n.listpack.length));
  }
  w.lengthU64(s.length);
  writeId(w, s.lastId);
  writeId(w, s.firstId ?? 0n);
  writeId(w, s.maxDeletedId ?? 0n);
  w.lengthU64(s.entriesAdded ?? s.length);
  w.length(s.groups.length);
  for (const g of s.groups) {
    w.string(g.name);
    writeId(w, g.lastId);
    w.lengthU64(BigInt.asUintN(64, g.entriesRead ?? -1n));
    w.length(g.pel.length);
    for (const p of g.pel) {
      w.bytes(rawIdBytes(p.id));
      w.millis(p.deliveryTime);
      w.lengthU64(p.deliveryCount);
    }
    w.length(g.consumers.length);
    for (const c of g.consumers) {
      w.string(c.name);
      w.millis(c.seenTime);
      w.length(c.pel.length);
      for (const id of c.pel) w.bytes(rawIdBytes(id));
    }
  }
}

/** An element a stream node holds as a number (counts, flags, ID parts): NaN if it is not one. */
function streamInt(els: string[], i: number): number {
  if (i >= els.length) throw new CompactError('stream node ends early');
  const s = els[i];
  return /^-?\d+$/.test(s) ? Number(s) : NaN;
}

/**
 * Deep check of a stream node's layout: the master entry (live and deleted counts, the master
 * fields, a 0), then that many entries, each flags, ID deltas, its own fields or the master's
 * values, and a count of its elements that must be right; nothing after the last.
 */
function checkStreamNode(els: string[]): void {
  const bad = (what: string): never => {
    throw new CompactError(what);
  };
  const live = streamInt(els, 0);
  const deleted = streamInt(els, 1);
  const masterFields = streamInt(els, 2);
  if (!(live >= 0 && deleted >= 0 && masterFields >= 0)) bad('bad master entry');
  let i = 3 + masterFields;
  if (streamInt(els, i) !== 0) bad('no 0 after the master fields');
  i++;
  for (let n = live + deleted; n > 0; n--) {
    const flags = streamInt(els, i);
    if (Number.isNaN(flags) || Number.isNaN(streamInt(els, i + 1)) || Number.isNaN(streamInt(els, i + 2))) bad(`bad entry header at element ${i}`);
    i += 3;
    let elements: number;
    // Flag 2: the entry has the master's fields, only values follow.
    if ((flags & 2) !== 0) {
      i += masterFields;
      elements = masterFields + 3;
    } else {
      const fields = streamInt(els, i);
      if (!(fields >= 0)) bad(`bad field count at element ${i}`);
      i += 1 + 2 * fields;
      elements = fields + 3 + fields + 1;
    }
    if (streamInt(els, i) !== elements) bad(`wrong entry element count at element ${i}`);
    i++;
  }
  if (i !== els.length) bad('elements after the last entry');
}

/** STREAM_LISTPACKS (15), _2 (19, Redis 7.0) and _3 (21, Redis 7.2+: consumers also carry an active time). */
function readStream(r: RdbReader, type: number, deep: boolean): PlainStream {
  const v2 = type !== T.STREAM_LISTPACKS;
  const nodeCount = r.length();
  const nodes: PlainStream['nodes'] = [];
  for (let i = 0; i < nodeCount; i++) {
    const key = r.stringBytes();
    if (key.length !== 16) r.fail('stream node key is not the size of a stream ID');
    const listpack = r.stringBytes();
    if (listpack.length <= 7) r.fail('empty listpack inside a stream');
    try {
      if (deep) checkStreamNode(decodeListpack(listpack, true));
      else checkListpackHeader(listpack);
    } catch (err) {
      if (err instanceof CompactError) r.fail(`Stream listpack integrity check failed (${err.message})`);
      throw err;
    }
    nodes.push({ master: rawId(key), listpack });
  }
  const s: PlainStream = {
    nodes, length: r.lengthU64(), lastId: id128(r), firstId: null, maxDeletedId: null, entriesAdded: null, groups: [],
  };
  if (v2) {
    s.firstId = id128(r);
    s.maxDeletedId = id128(r);
    s.entriesAdded = r.lengthU64();
  }
  if (s.length !== 0n && nodes.length === 0) r.fail('stream has entries but no nodes');
  const groupCount = r.length();
  for (let i = 0; i < groupCount; i++) {
    const g: PlainStreamGroup = { name: r.string(), lastId: id128(r), entriesRead: null, pel: [], consumers: [] };
    if (v2) g.entriesRead = BigInt.asIntN(64, r.lengthU64());
    const pelSize = r.length();
    for (let k = 0; k < pelSize; k++) g.pel.push({ id: rawId(r.bytes(16)), deliveryTime: r.millis(), deliveryCount: r.lengthU64() });
    const consumerCount = r.length();
    for (let k = 0; k < consumerCount; k++) {
      const name = r.string();
      const seenTime = r.millis();
      if (type === T.STREAM_LISTPACKS_3) r.millis(); // active time: Redis 7.0 has no such field
      const n = r.length();
      const pel: bigint[] = [];
      for (let m = 0; m < n; m++) pel.push(rawId(r.bytes(16)));
      g.consumers.push({ name, seenTime, pel });
    }
    s.groups.push(g);
  }
  return s;
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
      return;
    case 'stream':
      writeStream(w, v.stream);
  }
}

/** Field/value pairs of a compact encoding; with `unique` a repeated field is an integrity failure. */
function pairs<V>(flat: string[], conv: (s: string) => V, unique: boolean): [string, V][] {
  if (flat.length % 2 !== 0) throw new CompactError('odd number of elements in a pair encoding');
  const out: [string, V][] = [];
  const seen = unique ? new Set<string>() : null;
  for (let i = 0; i < flat.length; i += 2) {
    if (seen !== null) {
      if (seen.has(flat[i])) throw new CompactError(`duplicate field '${flat[i]}'`);
      seen.add(flat[i]);
    }
    out.push([flat[i], conv(flat[i + 1])]);
  }
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

/** DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE payloads and RDB files are taken without their CRC64. */
export const checksums = { skip: false };

/** How Redis names an encoding when its integrity check fails ("Zset ziplist integrity check failed"). */
function encodingName(type: number): string {
  switch (type) {
    case T.HASH_ZIPMAP: return 'Zipmap';
    case T.SET_INTSET: return 'Intset';
    case T.SET_LISTPACK: return 'Set listpack';
    case T.ZSET_ZIPLIST: return 'Zset ziplist';
    case T.ZSET_LISTPACK: return 'Zset listpack';
    case T.HASH_ZIPLIST: return 'Hash ziplist';
    case T.HASH_LISTPACK: return 'Hash listpack';
    case T.LIST_QUICKLIST_2: return 'Listpack';
    default: return 'Ziplist';
  }
}

/**
 * Read the body of a value whose type byte was already read. `deep` is sanitize-dump-payload's
 * deep integrity check of compact encodings (see compact.ts).
 */
export function readValue(r: RdbReader, type: number, deep = true): PlainValue {
  const start = r.pos;
  try {
    return readValueInner(r, type, deep);
  } catch (err) {
    if (err instanceof CompactError) throw new RdbError(`${encodingName(type)} integrity check failed (${err.message})`, r.base + start);
    throw err;
  }
}

function readValueInner(r: RdbReader, type: number, deep: boolean): PlainValue {
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
      return { type: 'hash', entries: pairs(decodeZipmap(r.stringBytes()), (s) => s, true) };
    case T.LIST_ZIPLIST:
      return { type: 'list', items: decodeZiplist(r.stringBytes()) };
    case T.SET_INTSET:
      return { type: 'set', members: decodeIntset(r.stringBytes(), deep) };
    case T.SET_LISTPACK:
      return { type: 'set', members: decodeListpack(r.stringBytes(), deep) };
    case T.ZSET_ZIPLIST:
      return { type: 'zset', entries: pairs(decodeZiplist(r.stringBytes()), (s) => score(s, r), true) };
    case T.ZSET_LISTPACK:
      return { type: 'zset', entries: pairs(decodeListpack(r.stringBytes(), deep), (s) => score(s, r), deep) };
    case T.HASH_ZIPLIST:
      return { type: 'hash', entries: pairs(decodeZiplist(r.stringBytes()), (s) => s, true) };
    case T.HASH_LISTPACK:
      return { type: 'hash', entries: pairs(decodeListpack(r.stringBytes(), deep), (s) => s, deep) };
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
        if (container === 1) {
          // PLAIN node: one element, never empty (Redis refuses a node of length 0).
          const item = r.string();
          if (item.length === 0) r.fail('empty quicklist node');
          items.push(item);
        }
        else if (container === 2) for (const s of decodeListpack(r.stringBytes(), deep)) items.push(s);
        else r.fail(`unknown quicklist container ${container}`);
      }
      return { type: 'list', items };
    }
    case T.STREAM_LISTPACKS:
    case T.STREAM_LISTPACKS_2:
    case T.STREAM_LISTPACKS_3:
      return { type: 'stream', stream: readStream(r, type, deep) };
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
    // An empty stream is a stream all the same (its IDs and groups live on).
    case 'stream': return false;
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
export function parsePayload(p: Buffer, deep = true, checkCrc = true, why?: (reason: string) => void): PlainValue | string {
  if (p.length < 10) return ERR.dumpPayload;
  const footer = p.length - 10;
  const ver = p[footer] | (p[footer + 1] << 8);
  // Redis 7.0 refuses payloads from newer RDB versions (7.2+ write 11 and up).
  if (ver > RDB_VERSION) return ERR.dumpPayload;
  const crc = p.readBigUInt64LE(footer + 2);
  if (checkCrc && new Crc64().update(p, 0, footer + 2).value() !== crc) return ERR.dumpPayload;
  try {
    const r = new RdbReader(p.subarray(0, footer));
    // Like Redis, bytes after the value are ignored; empty collections are refused.
    const v = readValue(r, r.byte(), deep);
    if (!isEmptyValue(v)) return v;
    why?.('empty keys are not allowed');
  } catch (err) {
    why?.((err as Error).message);
  }
  return ERR.badDataFormat;
}
