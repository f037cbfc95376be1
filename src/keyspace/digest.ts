// DEBUG DIGEST / DIGEST-VALUE: Redis's order-independent dataset digest, so equal data gives the
// same 40 hex digits on Shoal and on redis-server. Unordered collections XOR the SHA1 of their
// parts; ordered data feeds each part into a running SHA1 ("mix"). Types not covered here
// (streams) register how they feed their elements (registerDigest).

import { createHash } from 'node:crypto';
import { formatDouble17g } from '../protocol/format.js';
import type { Db, RedisObject, Value } from './db.js';
import type { HashValue } from './types/hash.js';
import type { ListValue } from './types/list.js';
import type { SetValue } from './types/set.js';
import type { ZSet } from './types/zset.js';

export type Digest = Buffer;

/** digest ^= SHA1(data) */
export function xorDigest(digest: Digest, data: string | Buffer): void {
  const h = createHash('sha1').update(typeof data === 'string' ? Buffer.from(data, 'latin1') : data).digest();
  for (let i = 0; i < 20; i++) digest[i] ^= h[i];
}

/** digest = SHA1(digest ^ SHA1(data)): order-sensitive accumulation. */
export function mixDigest(digest: Digest, data: string | Buffer): void {
  xorDigest(digest, data);
  createHash('sha1').update(digest).digest().copy(digest);
}

export function newDigest(): Digest {
  return Buffer.alloc(20);
}

/** Redis's object type numbers, which are part of the digest. */
const TYPE_IDS: Record<string, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 };

type DigestFn = (digest: Digest, value: RedisObject) => void;
const hooks = new Map<string, DigestFn>();

/**
 * How a value type feeds its content, e.g. a list mixes each element in order, a set xors each
 * member, a hash xors a mixed (field, value) digest per entry — as Redis's xorObjectDigest does.
 */
export function registerDigest(type: RedisObject['type'], fn: DigestFn): void {
  hooks.set(type, fn);
}

function uint32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** An unordered (a, b) pair, e.g. a hash field and its value: digest ^= SHA1(mix(mix(0, a), b)). */
function xorPair(digest: Digest, a: string, b: string): void {
  const d = newDigest();
  mixDigest(d, a);
  mixDigest(d, b);
  xorDigest(digest, d);
}

/** The value's contribution (type, content, whether it has a TTL) added to `digest`. */
export function digestValue(digest: Digest, db: Db, key: string, v: Value): void {
  const type = typeof v === 'string' ? 'string' : v.type;
  mixDigest(digest, uint32be(TYPE_IDS[type]));
  if (typeof v === 'string') {
    mixDigest(digest, v);
  } else if (v.type === 'list') {
    const l = v as ListValue;
    for (let i = 0; i < l.length; i++) mixDigest(digest, l.get(i));
  } else if (v.type === 'set') {
    for (const m of (v as SetValue).values()) xorDigest(digest, m);
  } else if (v.type === 'hash') {
    for (const [f, val] of (v as HashValue).map) xorPair(digest, f, val);
  } else if (v.type === 'zset') {
    const z = v as ZSet;
    for (let h = z.size > 0 ? z.at(0) : -1; h !== -1; h = z.next(h)) xorPair(digest, z.member(h), formatDouble17g(z.scoreAt(h)));
  } else {
    const fn = hooks.get(v.type);
    if (fn === undefined) throw new Error(`no digest function for type ${v.type}`);
    fn(digest, v);
  }
  if (db.expires.has(key)) xorDigest(digest, '!!expire!!');
}

/** The digest of every database, as 40 hex digits (all zeros when empty). */
export function datasetDigest(dbs: readonly Db[]): string {
  const final = newDigest();
  for (const db of dbs) {
    if (db.size === 0) continue;
    mixDigest(final, uint32be(db.id));
    for (const [key, v] of db.dict) {
      const d = newDigest();
      mixDigest(d, key);
      digestValue(d, db, key, v);
      xorDigest(final, d);
    }
  }
  return final.toString('hex');
}
