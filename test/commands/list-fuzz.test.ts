// Seeded random command sequences over a few keys, replayed against Shoal and redis-server.
// Lists, small (listpack) hashes and integer (intset) sets only, so every reply is deterministic;
// a little cross-type traffic exercises the WRONGTYPE paths.

import { differential, type Script } from '../helpers/differential.js';

function rng(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

function script(seed: number, length: number): Script {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r(xs.length)];
  const keys = ['a', 'b', 'c'];
  const allKeys = ['a', 'b', 'ha', 'hb', 'sa', 'sb'];
  const vals = ['x', 'y', 'z', '1', '2', ''];
  const idx = (): string => String(r(9) - 4);
  const side = (): string => pick(['LEFT', 'RIGHT', 'left']);
  const ints = (): string => String(r(12) - 3);
  const gens: (() => string[])[] = [
    () => ['LPUSH', pick(keys), pick(vals), pick(vals)],
    () => ['RPUSH', pick(keys), pick(vals)],
    () => ['LPUSHX', pick(keys), pick(vals)],
    () => ['RPOP', pick(keys)],
    () => ['LPOP', pick(keys), String(r(4))],
    () => ['LINDEX', pick(keys), idx()],
    () => ['LSET', pick(keys), idx(), pick(vals)],
    () => ['LRANGE', pick(keys), idx(), idx()],
    () => ['LTRIM', pick(keys), idx(), idx()],
    () => ['LREM', pick(keys), idx(), pick(vals)],
    () => ['LINSERT', pick(keys), pick(['BEFORE', 'AFTER']), pick(vals), pick(vals)],
    () => ['LPOS', pick(keys), pick(vals), 'RANK', pick(['1', '2', '-1', '-2']), 'COUNT', String(r(3))],
    () => ['LMOVE', pick(keys), pick(keys), side(), side()],
    () => ['LMPOP', '2', pick(keys), pick(keys), side(), 'COUNT', String(1 + r(3))],
    () => ['LLEN', pick(keys)],
    () => ['HSET', `h${pick(keys)}`, pick(vals), pick(vals)],
    () => ['HDEL', `h${pick(keys)}`, pick(vals), pick(vals)],
    () => ['HINCRBY', `h${pick(keys)}`, pick(vals), idx()],
    () => ['HINCRBYFLOAT', `h${pick(keys)}`, pick(vals), pick(['0.1', '-1.5', '3e2', '1'])],
    () => ['HGETALL', `h${pick(keys)}`],
    () => ['SADD', `s${pick(keys)}`, ints(), ints()],
    () => ['SREM', `s${pick(keys)}`, ints(), ints()],
    () => ['SMOVE', `s${pick(keys)}`, `s${pick(keys)}`, ints()],
    () => ['SMEMBERS', `s${pick(keys)}`],
    () => [pick(['SINTER', 'SUNION', 'SDIFF']), `s${pick(keys)}`, `s${pick(keys)}`],
    () => [pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), `s${pick(keys)}`, `s${pick(keys)}`, `s${pick(keys)}`],
    () => ['SINTERCARD', '2', `s${pick(keys)}`, `s${pick(keys)}`, 'LIMIT', String(r(3))],
    () => ['EXISTS', pick(keys), `h${pick(keys)}`, `s${pick(keys)}`],
    // Cross-type traffic: WRONGTYPE paths, and DEL so no key stays poisoned for long.
    () => [pick(['LLEN', 'HLEN', 'SCARD', 'LPOP', 'SMEMBERS', 'HKEYS']), pick(allKeys)],
    () => ['RPUSH', pick(allKeys), '7'],
    () => ['DEL', pick(allKeys)],
    () => ['DEL', pick(allKeys)],
  ];
  const out: Script = [];
  for (let i = 0; i < length; i++) out.push(gens[r(gens.length)]());
  return out;
}

const scripts: Record<string, Script> = {};
for (const seed of [1, 2, 3, 4, 5, 6]) scripts[`seed ${seed}`] = script(seed, 400);

differential('list/hash/set fuzz', scripts);
