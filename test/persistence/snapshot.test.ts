// The copy-on-write keyspace behind BGSAVE: while a snapshot walks the frozen epoch, every read and
// write sees the live dataset (strings replaced, collections mutated in place, deletes, renames,
// moves, TTL changes, SWAPDB, SCAN/KEYS/RANDOMKEY/DBSIZE), the file holds exactly the epoch, and
// once the snapshot is over the dataset is what the commands made it. Writes arrive both before the
// walk starts (same packet as BGSAVE) and while it runs; also while the table grows and after a
// FLUSHDB, which move the walk to arrays nobody writes any more.

import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import { RespConn, startShoal, type RunningServer } from '../helpers/server.js';
import { loadRdb } from '../../src/persistence/rdb/file.js';
import type { PlainValue } from '../../src/persistence/rdb/values.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FILLER = 150_000;

/** A value as comparable text: order-free collections sorted. */
function canonical(v: PlainValue): string {
  switch (v.type) {
    case 'string': return `s:${v.value}`;
    case 'list': return `l:${JSON.stringify(v.items)}`;
    case 'set': return `S:${JSON.stringify([...v.members].sort())}`;
    case 'hash': return `h:${JSON.stringify([...v.entries].sort())}`;
    case 'zset': return `z:${JSON.stringify([...v.entries].sort())}`;
  }
  return JSON.stringify(v);
}

/** Every key of a dump: "db/key" -> canonical value and whether it has a TTL. */
function readDump(file: string): Map<string, string> {
  const out = new Map<string, string>();
  loadRdb(fs.readFileSync(file), {
    aux: () => {},
    entry(db, key, v, expire) {
      if (out.has(`${db}/${key}`)) throw new Error(`duplicate key ${db}/${key}`);
      out.set(`${db}/${key}`, `${canonical(v)}${expire >= 0 ? ' ttl' : ''}`);
    },
  });
  return out;
}

/** The live keyspace read over the wire, in the same form as readDump. */
async function readLive(r: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let db = 0; db < 4; db++) {
    await r.select(db);
    let cursor = '0';
    const keys = new Set<string>();
    do {
      const [next, batch] = await r.scan(cursor, 'COUNT', 5000);
      for (const k of batch) keys.add(k);
      cursor = next;
    } while (cursor !== '0');
    expect(keys.size).toBe(await r.dbsize());
    // The filler (plain strings without TTL, never written) in bulk, the rest key by key.
    const filler = [...keys].filter((k) => k.startsWith('f:'));
    for (let i = 0; i < filler.length; i += 5000) {
      const batch = filler.slice(i, i + 5000);
      const vals = await r.mget(...batch);
      for (let j = 0; j < batch.length; j++) out.set(`${db}/${batch[j]}`, `s:${vals[j]}`);
    }
    const pipe = r.pipeline();
    const order = [...keys].filter((k) => !k.startsWith('f:'));
    for (const k of order) pipe.type(k).pttl(k);
    const meta = (await pipe.exec())!.map(([, v]) => v);
    const read = r.pipeline();
    for (let i = 0; i < order.length; i++) {
      const k = order[i];
      const t = meta[2 * i] as string;
      if (t === 'string') read.get(k);
      else if (t === 'list') read.lrange(k, 0, -1);
      else if (t === 'set') read.smembers(k);
      else if (t === 'hash') read.hgetall(k);
      else read.zrange(k, 0, -1, 'WITHSCORES');
    }
    const vals = (await read.exec())!.map(([, v]) => v);
    for (let i = 0; i < order.length; i++) {
      const t = meta[2 * i] as string;
      const v = vals[i] as never;
      let plain: PlainValue;
      if (t === 'string') plain = { type: 'string', value: v };
      else if (t === 'list') plain = { type: 'list', items: v };
      else if (t === 'set') plain = { type: 'set', members: v };
      else if (t === 'hash') plain = { type: 'hash', entries: Object.entries(v as Record<string, string>) };
      else {
        const flat = v as string[];
        const entries: [string, number][] = [];
        for (let j = 0; j < flat.length; j += 2) entries.push([flat[j], Number(flat[j + 1])]);
        plain = { type: 'zset', entries };
      }
      out.set(`${db}/${order[i]}`, `${canonical(plain)}${(meta[2 * i + 1] as number) >= 0 ? ' ttl' : ''}`);
    }
  }
  await r.select(0);
  return out;
}

/** Keys created before the filler (walked first) and after it (walked last). */
const SETUP: string[][] = [];
for (const side of ['early', 'late']) {
  if (side === 'late') for (let i = 0; i < FILLER; i += 1000) SETUP.push(['MSET', ...Array.from({ length: 1000 }, (_, j) => [`f:${i + j}`, `v${i + j}`]).flat()]);
  SETUP.push(
    ['SET', `${side}:str`, 'A'], ['SET', `${side}:num`, '100'], ['SET', `${side}:app`, 'abc'],
    ['RPUSH', `${side}:list`, '1', '2', '3'], ['HSET', `${side}:hash`, 'f1', 'v1'], ['SADD', `${side}:set`, 'a', 'b'],
    ['ZADD', `${side}:zset`, '1', 'm1'], ['RPUSH', `${side}:ren`, 'x'], ['SET', `${side}:mv`, 'moveme'],
    ['SET', `${side}:ttl`, 'x', 'EX', '1000'], ['SET', `${side}:nottl`, 'y'], ['SET', `${side}:del`, 'gone'],
    ['HSET', `${side}:hdel`, 'f', 'v'], ['SET', `${side}:gx`, 'x', 'EX', '1000'], ['SET', `${side}:gy`, 'y'],
  );
}
SETUP.push(['SELECT', '2'], ['SET', 'sw', 'two'], ['SELECT', '3'], ['SET', 'sw', 'three'], ['RPUSH', 'swl', 'a'], ['SELECT', '0']);

/** Writes to every kind of key on one side. */
function writes(side: string, tag: string): string[][] {
  return [
    ['SET', `${side}:str`, `B${tag}`], ['INCR', `${side}:num`], ['APPEND', `${side}:app`, tag],
    ['LPUSH', `${side}:list`, tag], ['HSET', `${side}:hash`, 'f1', tag, 'f2', 'new'], ['SREM', `${side}:set`, 'a'],
    ['ZINCRBY', `${side}:zset`, '2', 'm1'], ['RENAME', `${side}:ren`, `${side}:ren2`], ['RPUSH', `${side}:ren2`, tag],
    ['MOVE', `${side}:mv`, '1'], ['PERSIST', `${side}:ttl`], ['EXPIRE', `${side}:nottl`, '500'], ['DEL', `${side}:del`],
    ['DEL', `${side}:hdel`], ['HSET', `${side}:hdel`, 'g', 'w'], ['SET', `${side}:new${tag}`, 'n'],
    // TTL changes through a read lookup (Redis's GETEX).
    ['GETEX', `${side}:gx`, 'PERSIST'], ['GETEX', `${side}:gy`, 'EX', '900'],
  ];
}

async function pipeline(c: RespConn, cmds: string[][]): Promise<string[]> {
  c.write(Buffer.concat(cmds.map((cmd) => encodeCommand(cmd))));
  return c.read(cmds.length, 30000);
}

function inode(file: string): number {
  try {
    return fs.statSync(file).ino;
  } catch {
    return -1;
  }
}

async function waitReplaced(file: string, before: number): Promise<void> {
  for (let i = 0; i < 1500 && inode(file) === before; i++) await sleep(10);
  expect(inode(file)).not.toBe(before);
}

describe('BGSAVE copy-on-write keyspace', () => {
  let shoal: RunningServer;
  let c: RespConn;
  let r: Redis;
  beforeAll(async () => {
    shoal = await startShoal();
    c = await RespConn.connect(shoal.port);
    r = new Redis(shoal.port, '127.0.0.1', { lazyConnect: true });
    await r.connect();
  });
  afterAll(async () => {
    c?.close();
    r?.disconnect();
    await shoal?.stop();
  });

  it('saves the epoch while every read and write sees the live dataset', async () => {
    await pipeline(c, SETUP);
    const epoch = await readLive(r);
    const file = path.join(shoal.dir, 'dump.rdb');
    const before = inode(file);
    // Same packet as BGSAVE: these run before the walk has started.
    const first = await pipeline(c, [['BGSAVE'], ...writes('early', '1'), ...writes('late', '1')]);
    expect(first[0]).toBe('+Background saving started\r\n');
    // The walk is under way now (150k keys take several slices): more writes, then SWAPDB.
    const second = await pipeline(c, [...writes('early', '2').slice(0, 7), ...writes('late', '2').slice(0, 7),
      ['SWAPDB', '2', '3'], ['SELECT', '2'], ['SET', 'sw', 'after'], ['RPUSH', 'swl', 'b'], ['SELECT', '0'],
      ['GET', 'early:str'], ['EXISTS', 'late:del'], ['DBSIZE'], ['TYPE', 'late:ren2'], ['TTL', 'early:ttl'], ['GET', 'f:7']]);
    expect(second.slice(-6)).toEqual(['$2\r\nB2\r\n', ':0\r\n', `:${FILLER + 28}\r\n`, '+list\r\n', ':-1\r\n', '$2\r\nv7\r\n']);
    // Reads that iterate, during the save: every filler key is there, and nothing deleted.
    const during = await readLive(r);
    expect(await r.randomkey()).not.toBeNull();
    await waitReplaced(file, before);

    // The file is the epoch, exactly.
    expect(readDump(file)).toEqual(epoch);
    // The live dataset is what the commands made of it, during the save and after.
    const after = await readLive(r);
    expect(after).toEqual(during);
    expect(after.get('0/early:str')).toBe('s:B2');
    expect(after.get('0/late:num')).toBe('s:102');
    expect(after.get('0/early:app')).toBe('s:abc12');
    expect(after.get('0/late:list')).toBe('l:["2","1","1","2","3"]');
    expect(after.get('0/early:ren2')).toBe('l:["x","1"]');
    expect(after.get('1/late:mv')).toBe('s:moveme');
    expect(after.get('0/late:ttl')).toBe('s:x');
    expect(after.get('0/late:nottl')).toBe('s:y ttl');
    expect(after.has('0/early:del')).toBe(false);
    expect(after.get('0/late:hdel')).toBe('h:[["g","w"]]');
    expect(after.get('2/sw')).toBe('s:after');
    expect(after.get('2/swl')).toBe('l:["a","b"]');
    expect(after.get('3/sw')).toBe('s:two');
    // KEYS agrees, and a second snapshot saves exactly the dataset as it is now.
    expect((await r.keys('f:*')).length).toBe(FILLER);
    const again = inode(file);
    expect(await r.bgsave()).toBe('Background saving started');
    await waitReplaced(file, again);
    expect(readDump(file)).toEqual(after);
  });

  it('saves the epoch while the table grows and after FLUSHDB', async () => {
    await r.flushall();
    await pipeline(c, SETUP);
    const epoch = await readLive(r);
    const file = path.join(shoal.dir, 'dump.rdb');
    const before = inode(file);
    // As many new keys as the filler: database 0's table grows once the save is under way.
    const grow: string[][] = [];
    for (let i = 0; i < FILLER; i += 1000) grow.push(['MSET', ...Array.from({ length: 1000 }, (_, j) => [`g:${i + j}`, 'n']).flat()]);
    const replies = await pipeline(c, [['BGSAVE'], ...writes('early', '1'), ...grow, ...writes('late', '1')]);
    expect(replies[0]).toBe('+Background saving started\r\n');
    // After the growth: in-place changes and TTL changes to keys the walk may not have reached.
    await pipeline(c, [...writes('early', '2'), ...writes('late', '2'), ['SELECT', '3'], ['FLUSHDB'], ['RPUSH', 'swl', 'z'], ['SELECT', '0']]);
    expect(await r.get('early:str')).toBe('B2');
    expect(await r.dbsize()).toBe(FILLER * 2 + 30);
    await waitReplaced(file, before);
    expect(readDump(file)).toEqual(epoch);
  });
});
