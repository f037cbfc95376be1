// The three stream value types Redis has written: STREAM_LISTPACKS (15, Redis 5-6.2: no first ID,
// deletion or entries-added counters, no entries_read), _2 (19, Redis 7.0) and _3 (21, Redis 7.2+:
// consumers carry an active time). A stream redis-server dumped is re-encoded in the older and
// newer layouts the way those versions write them, and each loads to what Redis 7.0 derives.

import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTypeCodecs } from '../../src/persistence/codecs.js';
import { fromPlain } from '../../src/persistence/convert.js';
import { RdbReader, RdbWriter, T } from '../../src/persistence/rdb/format.js';
import { readValue, type PlainStream } from '../../src/persistence/rdb/values.js';
import { formatId, type StreamValue } from '../../src/keyspace/types/stream.js';
import { requireRedis, startRedis, type RunningServer } from '../helpers/server.js';

const enabled = requireRedis();
const U64 = (1n << 64n) - 1n;

function id(w: RdbWriter, v: bigint): void {
  w.lengthU64(v >> 64n);
  w.lengthU64(v & U64);
}

function raw(v: bigint): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(v >> 64n, 0);
  b.writeBigUInt64BE(v & U64, 8);
  return b;
}

/** The body of a stream in the given type's layout. */
function encode(s: PlainStream, type: number): Buffer {
  const w = new RdbWriter(1024, false);
  w.length(s.nodes.length);
  for (const n of s.nodes) {
    w.string(raw(n.master).latin1Slice(0, 16));
    w.string(n.listpack.latin1Slice(0, n.listpack.length));
  }
  w.lengthU64(s.length);
  id(w, s.lastId);
  if (type !== T.STREAM_LISTPACKS) {
    id(w, s.firstId!);
    id(w, s.maxDeletedId!);
    w.lengthU64(s.entriesAdded!);
  }
  w.length(s.groups.length);
  for (const g of s.groups) {
    w.string(g.name);
    id(w, g.lastId);
    if (type !== T.STREAM_LISTPACKS) w.lengthU64(BigInt.asUintN(64, g.entriesRead!));
    w.length(g.pel.length);
    for (const p of g.pel) {
      w.bytes(raw(p.id));
      w.millis(p.deliveryTime);
      w.lengthU64(p.deliveryCount);
    }
    w.length(g.consumers.length);
    for (const c of g.consumers) {
      w.string(c.name);
      w.millis(c.seenTime);
      if (type === T.STREAM_LISTPACKS_3) w.millis(c.seenTime + 5);
      w.length(c.pel.length);
      for (const p of c.pel) w.bytes(raw(p));
    }
  }
  return w.take();
}

describe.skipIf(!enabled)('stream RDB types 15, 19 and 21', () => {
  let redis: RunningServer;
  let r: Redis;
  let plain: PlainStream;
  beforeAll(async () => {
    registerTypeCodecs();
    redis = await startRedis();
    r = new Redis({ port: redis.port });
    for (let i = 1; i <= 130; i++) await r.xadd('s', `${i}-1`, 'f', String(i));
    await r.xdel('s', '1-1', '50-1');
    await r.xgroup('CREATE', 's', 'g', '0');
    await r.xgroup('CREATE', 's', 'h', '$');
    await r.xreadgroup('GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>');
    await r.call('XGROUP', 'CREATECONSUMER', 's', 'h', 'bob');
    const dump = await r.dumpBuffer('s');
    const reader = new RdbReader(dump.subarray(0, dump.length - 10));
    const type = reader.byte();
    expect(type).toBe(T.STREAM_LISTPACKS_2);
    const v = readValue(reader, type);
    if (v.type !== 'stream') throw new Error('not a stream');
    plain = v.stream;
  });
  afterAll(async () => {
    r?.disconnect();
    await redis?.stop();
  });

  const load = (type: number): StreamValue => {
    const v = readValue(new RdbReader(encode(plain, type)), type);
    return fromPlain(v) as StreamValue;
  };

  it('type 19 loads with its counters as saved', () => {
    const s = load(T.STREAM_LISTPACKS_2);
    expect([s.length, s.nodes.length, formatId(s.firstId), formatId(s.maxDeletedId), s.entriesAdded]).toEqual([128, 2, '2-1', '50-1', 130n]);
    expect([...s.groups!.keys()].sort()).toEqual(['g', 'h']);
    // What redis-server recorded: unknown, as entries before the group's position were deleted.
    expect(s.group('g')!.entriesRead).toBe(plain.groups.find((g) => g.name === 'g')!.entriesRead);
    expect(s.group('g')!.entriesRead).toBe(-1n);
    expect(s.group('g')!.pel.size).toBe(3);
    expect(s.group('g')!.consumers.get('alice')!.pel.ids.map(formatId)).toEqual(['2-1', '3-1', '4-1']);
  });

  it('type 15 derives the first ID, entries-added and each group\'s entries_read like Redis 7.0', () => {
    const s = load(T.STREAM_LISTPACKS);
    expect([s.length, formatId(s.firstId), formatId(s.maxDeletedId), s.entriesAdded]).toEqual([128, '2-1', '0-0', 128n]);
    // Without a deletion counter, a group at the last ID has read everything; one in the middle is unknown.
    expect(s.group('h')!.entriesRead).toBe(128n);
    expect(s.group('g')!.entriesRead).toBe(-1n);
    expect(s.group('g')!.consumers.get('alice')!.pel.size).toBe(3);
  });

  it('type 21 skips the consumers\' active time', () => {
    const s = load(T.STREAM_LISTPACKS_3);
    expect(s.group('h')!.consumers.get('bob')!.seenTime).toBe(plain.groups.find((g) => g.name === 'h')!.consumers[0].seenTime);
    expect(s.group('g')!.pel.size).toBe(3);
    expect(s.length).toBe(128);
  });

  it('a consumer pending entry missing from its group, or a wrong length, is refused', () => {
    const broken: PlainStream = { ...plain, groups: plain.groups.map((g) => ({ ...g, pel: [] })) };
    const v = readValue(new RdbReader(encode(broken, T.STREAM_LISTPACKS_2)), T.STREAM_LISTPACKS_2);
    expect(() => fromPlain(v)).toThrow(/missing from its group/);
    const wrong: PlainStream = { ...plain, length: 5n };
    const w = readValue(new RdbReader(encode(wrong, T.STREAM_LISTPACKS_2)), T.STREAM_LISTPACKS_2);
    expect(() => fromPlain(w)).toThrow(/length/);
  });
});
