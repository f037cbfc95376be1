// PlainValue codecs of Shoal's value types, registered at start-up: what DUMP/RESTORE, RDB and AOF
// files use to see a list, hash, set, sorted set or in-place string as plain data and back.
// Loading builds values through the types' own insert paths, so each picks the encoding Redis
// would give it for that size (intset/listpack/hashtable/skiplist).

import type { MutableString } from '../keyspace/strings.js';
import { HashValue } from '../keyspace/types/hash.js';
import { ListValue } from '../keyspace/types/list.js';
import { SetValue } from '../keyspace/types/set.js';
import { ZSet } from '../keyspace/types/zset.js';
import { registerPlainCodec } from './convert.js';
import type { PlainValue } from './rdb/values.js';

function mismatch(want: string, p: PlainValue): never {
  throw new Error(`a ${p.type} where a ${want} was expected`);
}

export function registerTypeCodecs(): void {
  registerPlainCodec('string', {
    toPlain: (v) => ({ type: 'string', value: (v as unknown as MutableString).toString() }),
    fromPlain: (p) => (p.type === 'string' ? p.value : mismatch('string', p)),
  });
  registerPlainCodec('list', {
    toPlain(v) {
      const l = v as ListValue;
      const items: string[] = new Array<string>(l.length);
      for (let i = 0; i < l.length; i++) items[i] = l.get(i);
      return { type: 'list', items };
    },
    fromPlain(p) {
      if (p.type !== 'list') mismatch('list', p);
      const l = new ListValue(p.items.length);
      for (const s of p.items) l.pushTail(s);
      return l;
    },
  });
  registerPlainCodec('hash', {
    toPlain: (v) => ({ type: 'hash', entries: [...(v as HashValue).map] }),
    fromPlain(p) {
      if (p.type !== 'hash') mismatch('hash', p);
      const h = new HashValue();
      for (const [f, val] of p.entries) h.set(f, val);
      return h;
    },
  });
  registerPlainCodec('set', {
    toPlain: (v) => ({ type: 'set', members: [...(v as SetValue).values()] }),
    fromPlain(p) {
      if (p.type !== 'set') mismatch('set', p);
      const s = new SetValue();
      for (const m of p.members) s.add(m);
      return s;
    },
  });
  registerPlainCodec('zset', {
    toPlain(v) {
      const z = v as ZSet;
      const n = z.size;
      const entries = new Array<[string, number]>(n);
      let h = n > 0 ? z.at(0) : -1;
      for (let i = 0; i < n; i++) {
        entries[i] = [z.memberCopy(h), z.scoreAt(h)];
        if (i + 1 < n) h = z.next(h);
      }
      return { type: 'zset', entries };
    },
    fromPlain(p) {
      if (p.type !== 'zset') mismatch('zset', p);
      let maxLen = 0;
      for (const [m] of p.entries) if (m.length > maxLen) maxLen = m.length;
      const z = new ZSet(p.entries.length, maxLen);
      // Members in a file are unique; a repeated one keeps its last score, as a plain ZADD would.
      for (const [m, score] of p.entries) {
        if (z.score(m) === undefined) z.insert(m, score);
        else z.update(m, score);
      }
      return z;
    },
  });
}
