// MEMORY USAGE estimates: the bytes redis-server 7.0 (jemalloc, 64-bit) would use for the same key
// and value, so tools that size keys see comparable numbers. Each type is modelled on the encoding
// Redis would use for it (int/embstr/raw, listpack, quicklist, intset, hashtable, skiplist), sampling
// nested elements the way objectComputeSize does; types not covered here register an estimate.

import { formatDouble17g } from '../protocol/format.js';
import { server } from '../server/state.js';
import type { RedisObject, Value } from './db.js';
import type { HashValue } from './types/hash.js';
import type { ListValue } from './types/list.js';
import type { SetValue } from './types/set.js';
import type { ZSet } from './types/zset.js';

/** Size jemalloc hands out for an n-byte request: 8, 16..128 by 16, then 4 classes per doubling. */
export function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const step = 2 ** (Math.floor(Math.log2(n - 1)) - 2);
  return Math.ceil(n / step) * step;
}

/** Header bytes of an sds string of this length (type 5 only where Redis picks it). */
function sdsHeader(len: number, allowType5: boolean): number {
  if (len < 32 && allowType5 && len > 0) return 1;
  if (len < 256) return 3;
  if (len < 65536) return 5;
  if (len < 2 ** 32) return 9;
  return 17;
}

/** Allocation of an sds holding `len` bytes. */
export function sdsAllocSize(len: number, allowType5 = false): number {
  return jemallocSize(sdsHeader(len, allowType5) + len + 1);
}

/** sizeof(robj) on 64-bit Redis. */
export const ROBJ_SIZE = 16;
/** sizeof(dictEntry). */
export const DICT_ENTRY_SIZE = 24;
/** Longest string Redis stores as one allocation together with its robj (embstr). */
const EMBSTR_MAX = 44;

/** Whether Redis would store this string as an integer (string2l round-trips, fits in a long). */
export function isIntEncodable(s: string): boolean {
  if (s.length === 0 || s.length > 20) return false;
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -9223372036854775808n && n <= 9223372036854775807n;
}

/** Bytes of a string value with its robj: int, embstr or raw encoding. */
export function stringValueSize(s: string): number {
  if (isIntEncodable(s)) return ROBJ_SIZE;
  if (s.length <= EMBSTR_MAX) return jemallocSize(ROBJ_SIZE + 3 + s.length + 1);
  return ROBJ_SIZE + sdsAllocSize(s.length);
}

/** Bytes one element takes inside a listpack (encoding byte(s), data, backlen). */
export function listpackEntrySize(s: string): number {
  if (isIntEncodable(s)) {
    const n = Number(s);
    const data = n >= 0 && n <= 127 ? 1 : n >= -4096 && n <= 4095 ? 2 : n >= -32768 && n <= 32767 ? 3
      : n >= -8388608 && n <= 8388607 ? 4 : n >= -2147483648 && n <= 2147483647 ? 5 : 9;
    return data + 1;
  }
  const len = s.length;
  const head = len < 64 ? 1 : len < 4096 ? 2 : 5;
  const entry = head + len;
  return entry + (entry < 128 ? 1 : entry < 16384 ? 2 : entry < 2097152 ? 3 : entry < 268435456 ? 4 : 5);
}

// Struct sizes of 64-bit Redis 7.0.
const QUICKLIST_SIZE = 40;
const QUICKLIST_NODE_SIZE = 40;
const DICT_SIZE = 56;
const ZSET_SIZE = 16;
const ZSKIPLIST_SIZE = 32;
/** A skiplist header node has 32 levels of 16 bytes after its 24-byte body. */
const ZSL_HEADER_SIZE = jemallocSize(24 + 32 * 16);
/** Expected allocation of a skiplist node: 24-byte body plus 16 per level, levels drawn with p = 1/4. */
const ZSL_NODE_SIZE = (() => {
  let e = 0;
  for (let level = 1; level <= 32; level++) e += 0.75 * 0.25 ** (level - 1) * jemallocSize(24 + 16 * level);
  return e;
})();
/** Redis's quicklist estimate of what one more element adds to a node (SIZE_ESTIMATE_OVERHEAD). */
const QUICKLIST_ENTRY_OVERHEAD = 8;

/** Bytes of a listpack holding entries of these encoded sizes: 6-byte header, entries, end byte. */
function listpackSize(entryBytes: number): number {
  return jemallocSize(6 + entryBytes + 1);
}

/** Bucket array slots of a Redis dict holding n entries (it grows to the next power of two, from 4). */
function dictSlots(n: number): number {
  if (n === 0) return 0;
  let slots = 4;
  while (slots < n) slots *= 2;
  return slots;
}

/** Like objectComputeSize: the average of the first `samples` elements (0: all) times the count. */
function sampled<T>(items: Iterable<T>, size: number, samples: number, each: (item: T) => number): number {
  if (size === 0) return 0;
  const limit = samples === 0 ? size : samples;
  let total = 0;
  let n = 0;
  for (const it of items) {
    total += each(it);
    if (++n >= limit) break;
  }
  return Math.floor((total / n) * size);
}

function* listElements(l: ListValue): Generator<string> {
  for (let i = 0; i < l.length; i++) yield l.get(i);
}

/**
 * The node sizes (listpack bytes) of the quicklist Redis would hold this list in: nodes filled up to
 * list-max-listpack-size (bytes when negative, entries otherwise) the way quicklist decides whether
 * an element still fits. Stops after `limit` nodes.
 */
export function quicklistNodes(l: ListValue, limit = Infinity): number[] {
  const fill = server.config.num('list-max-listpack-size');
  const maxBytes = fill < 0 ? 4096 * 2 ** (Math.min(5, -fill) - 1) : 8192;
  const maxCount = fill > 0 ? fill : Infinity;
  const nodes: number[] = [];
  let bytes = 7;
  let count = 0;
  for (const e of listElements(l)) {
    if (count > 0 && (bytes + e.length + QUICKLIST_ENTRY_OVERHEAD > maxBytes || count + 1 > maxCount)) {
      nodes.push(bytes);
      if (nodes.length >= limit) return nodes;
      bytes = 7;
      count = 0;
    }
    bytes += listpackEntrySize(e);
    count++;
  }
  if (count > 0) nodes.push(bytes);
  return nodes;
}

function listSize(l: ListValue, samples: number): number {
  const nodes = quicklistNodes(l);
  return ROBJ_SIZE + QUICKLIST_SIZE + sampled(nodes, nodes.length, samples, (b) => QUICKLIST_NODE_SIZE + jemallocSize(b));
}

function hashSize(h: HashValue, samples: number): number {
  if (h.encoding() === 'listpack') {
    let bytes = 0;
    for (const [f, v] of h.map) bytes += listpackEntrySize(f) + listpackEntrySize(v);
    return ROBJ_SIZE + listpackSize(bytes);
  }
  return ROBJ_SIZE + DICT_SIZE + dictSlots(h.size) * 8 +
    sampled(h.map, h.size, samples, ([f, v]) => DICT_ENTRY_SIZE + sdsAllocSize(f.length, true) + sdsAllocSize(v.length, true));
}

function setSize(st: SetValue, samples: number): number {
  if (st.encoding() === 'intset') {
    let width = 2;
    for (const m of st.values()) {
      const n = Number(m);
      if (n < -2147483648 || n > 2147483647) width = 8;
      else if ((n < -32768 || n > 32767) && width < 4) width = 4;
    }
    return ROBJ_SIZE + jemallocSize(8 + st.size * width);
  }
  return ROBJ_SIZE + DICT_SIZE + dictSlots(st.size) * 8 +
    sampled(st.values(), st.size, samples, (m) => DICT_ENTRY_SIZE + sdsAllocSize(m.length, true));
}

function* zsetEntries(z: ZSet): Generator<[string, number]> {
  for (let h = z.size > 0 ? z.at(0) : -1; h !== -1; h = z.next(h)) yield [z.member(h), z.scoreAt(h)];
}

function zsetSize(z: ZSet, samples: number): number {
  if (z.encoding() === 'listpack') {
    let bytes = 0;
    for (const [m, score] of zsetEntries(z)) bytes += listpackEntrySize(m) + listpackEntrySize(formatDouble17g(score));
    return ROBJ_SIZE + listpackSize(bytes);
  }
  return ROBJ_SIZE + ZSET_SIZE + ZSKIPLIST_SIZE + DICT_SIZE + dictSlots(z.size) * 8 + ZSL_HEADER_SIZE +
    sampled(zsetEntries(z), z.size, samples, ([m]) => sdsAllocSize(m.length, true) + DICT_ENTRY_SIZE + ZSL_NODE_SIZE);
}

type UsageFn = (value: RedisObject, samples: number) => number;
const estimators = new Map<string, UsageFn>();

/** A value type's estimate of its own size, including its robj (samples: 0 means every element); streams. */
export function registerMemoryUsage(type: RedisObject['type'], fn: UsageFn): void {
  estimators.set(type, fn);
}

/** Value bytes as Redis's objectComputeSize would count them. */
export function valueSize(v: Value, samples: number): number {
  if (typeof v === 'string') return stringValueSize(v);
  switch (v.type) {
    case 'list': return listSize(v as ListValue, samples);
    case 'hash': return hashSize(v as HashValue, samples);
    case 'set': return setSize(v as SetValue, samples);
    case 'zset': return zsetSize(v as ZSet, samples);
  }
  const fn = estimators.get(v.type);
  // A type without an estimator yet: count its robj and one small allocation.
  return fn === undefined ? ROBJ_SIZE + 64 : fn(v, samples);
}

/** MEMORY USAGE: the key's sds, its dict entry and its value. */
export function keyMemoryUsage(key: string, v: Value, samples: number): number {
  return valueSize(v, samples) + sdsAllocSize(key.length, true) + DICT_ENTRY_SIZE;
}
