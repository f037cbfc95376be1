// MEMORY USAGE estimates: the bytes redis-server 7.0 (jemalloc, 64-bit) would use for the same key
// and value, so tools that size keys see comparable numbers. Strings are modelled here; each other
// value type registers its own estimate (registerMemoryUsage), built from the helpers below.

import type { RedisObject, Value } from './db.js';

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

type UsageFn = (value: RedisObject, samples: number) => number;
const estimators = new Map<string, UsageFn>();

/** A value type's estimate of its own size, including its robj (samples: 0 means every element). */
export function registerMemoryUsage(type: RedisObject['type'], fn: UsageFn): void {
  estimators.set(type, fn);
}

/** Value bytes as Redis's objectComputeSize would count them. */
export function valueSize(v: Value, samples: number): number {
  if (typeof v === 'string') return stringValueSize(v);
  const fn = estimators.get(v.type);
  // A type without an estimator yet: count its robj and one small allocation.
  return fn === undefined ? ROBJ_SIZE + 64 : fn(v, samples);
}

/** MEMORY USAGE: the key's sds, its dict entry and its value. */
export function keyMemoryUsage(key: string, v: Value, samples: number): number {
  return valueSize(v, samples) + sdsAllocSize(key.length, true) + DICT_ENTRY_SIZE;
}
