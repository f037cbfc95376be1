// PlainValue codecs of Shoal's value types, registered at start-up: what DUMP/RESTORE, RDB and AOF
// files use to see a list, hash, set, sorted set, stream or in-place string as plain data and back.
// Loading builds values through the types' own insert paths, so each picks the encoding Redis
// would give it for that size (intset/listpack/hashtable/skiplist).

import type { MutableString } from '../keyspace/strings.js';
import { HashValue } from '../keyspace/types/hash.js';
import { ListValue } from '../keyspace/types/list.js';
import { SetValue } from '../keyspace/types/set.js';
import { encodeListpack } from '../keyspace/types/listpack.js';
import { Consumer, Nack, StreamNode, StreamValue } from '../keyspace/types/stream.js';
import { decodeListpack } from './rdb/compact.js';
import { ZSet } from '../keyspace/types/zset.js';
import { registerPlainCodec } from './convert.js';
import type { PlainStream, PlainValue } from './rdb/values.js';

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
      if (h.size !== p.entries.length) throw new Error('Duplicate hash fields detected');
      return h;
    },
  });
  registerPlainCodec('set', {
    toPlain: (v) => ({ type: 'set', members: [...(v as SetValue).values()] }),
    fromPlain(p) {
      if (p.type !== 'set') mismatch('set', p);
      const s = new SetValue();
      for (const m of p.members) s.add(m);
      if (s.size !== p.members.length) throw new Error('Duplicate set members detected');
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
      for (const [m, score] of p.entries) {
        if (Number.isNaN(score)) throw new Error('Zset with NAN score detected');
        if (z.score(m) !== undefined) throw new Error('Duplicate zset fields detected');
        z.insert(m, score);
      }
      return z;
    },
  });
  registerPlainCodec('stream', {
    toPlain: (v) => ({ type: 'stream', stream: streamToPlain(v as StreamValue) }),
    fromPlain(p) {
      if (p.type !== 'stream') mismatch('stream', p);
      return streamFromPlain(p.stream);
    },
  });
}

function streamToPlain(s: StreamValue): PlainStream {
  return {
    nodes: s.nodes.map((n) => ({ master: n.master, listpack: encodeListpack(n.elements()) })),
    length: BigInt(s.length),
    lastId: s.lastId,
    firstId: s.firstId,
    maxDeletedId: s.maxDeletedId,
    entriesAdded: s.entriesAdded,
    groups: s.sortedGroups().map((g) => ({
      name: g.name,
      lastId: g.lastId,
      entriesRead: g.entriesRead,
      pel: g.pel.ids.map((id, i) => ({ id, deliveryTime: g.pel.vals[i].deliveryTime, deliveryCount: g.pel.vals[i].deliveryCount })),
      consumers: g.sortedConsumers().map((c) => ({ name: c.name, seenTime: c.seenTime, pel: c.pel.ids.slice() })),
    })),
  };
}

/** Rebuild a stream; fields an older file lacks are derived as Redis 7.0 derives them on load. */
function streamFromPlain(p: PlainStream): StreamValue {
  const s = new StreamValue();
  for (const n of p.nodes) {
    // Checked deeply when read, if sanitize-dump-payload asked for it; here only walked.
    const node = StreamNode.fromElements(n.master, decodeListpack(n.listpack, false), n.listpack.length);
    if (s.nodes.length !== 0 && node.master <= s.nodes[s.nodes.length - 1].lastId()) throw new Error('stream nodes out of order');
    s.nodes.push(node);
  }
  s.length = Number(p.length);
  s.lastId = p.lastId;
  s.maxDeletedId = p.maxDeletedId ?? 0n;
  s.entriesAdded = p.entriesAdded ?? BigInt(s.length);
  s.firstId = p.firstId ?? (s.length === 0 ? 0n : s.edgeId(true));
  let live = 0;
  for (const n of s.nodes) live += n.live;
  if (live !== s.length) throw new Error(`stream length ${s.length} but ${live} entries`);
  for (const pg of p.groups) {
    const g = s.createGroup(pg.name, pg.lastId, pg.entriesRead ?? s.estimateDistance(pg.lastId));
    if (g === null) throw new Error(`Duplicated consumer group name ('${pg.name}')`);
    for (const pn of pg.pel) {
      if (!g.pel.insert(pn.id, new Nack(null, pn.deliveryTime, pn.deliveryCount))) throw new Error('Duplicated global PEL entry loading stream consumer group');
    }
    for (const pc of pg.consumers) {
      const c = new Consumer(pc.name, pc.seenTime);
      if (g.consumers.has(pc.name)) throw new Error(`Duplicate stream consumer detected ('${pc.name}')`);
      g.consumers.set(pc.name, c);
      for (const id of pc.pel) {
        const nack = g.pel.get(id);
        if (nack === undefined) throw new Error("Consumer entry not found in group global PEL (a consumer's pending entry is missing from its group)");
        nack.consumer = c;
        c.pel.insert(id, nack);
      }
    }
    for (let i = 0; i < g.pel.size; i++) if (g.pel.vals[i].consumer === null) throw new Error('Stream PEL NACK without consumer');
  }
  return s;
}
