// Random sorted-set command sequences (fixed seeds) against redis-server, byte for byte, in both
// encodings. Lex commands only touch 'l', whose scores are all 0: on mixed scores their answer
// depends on a skiplist's random shape, in Redis too.

import { differential, type Script } from '../helpers/differential.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(seed: number, length: number): Script {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const member = (): string => pick(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'aa', 'ab', 'ba', '', 'zz', '\xff', 'a\x00']) + (rand() < 0.3 ? String(int(0, 30)) : '');
  const score = (): string => pick(['0', '1', '-1', '2.5', '1e3', '-inf', 'inf', '0.1', '3', '7', String(int(-20, 20)), String(int(0, 100) / 8)]);
  const bound = (): string => (rand() < 0.3 ? '(' : '') + pick(['-inf', '+inf', '0', '1', '2', '3', '5', '-1', '0.5', '10', '100']);
  const lexb = (): string => pick(['-', '+', '[a', '(a', '[b', '(c', '[d', '[', '(', '[zz', '(e5']);
  const idx = (): string => String(int(-8, 8));
  const zkey = (): string => pick(['z', 'z', 'z', 'y', 'd', 'missing', 's']);
  const script: Script = [['SET', 's', 'string']];
  for (let i = 0; i < length; i++) {
    const k = zkey();
    switch (int(0, 21)) {
      case 0: case 1: case 2: {
        const argv = ['ZADD', pick(['z', 'y'])];
        if (rand() < 0.3) argv.push(pick(['NX', 'XX', 'GT', 'LT', 'CH', 'XX', 'CH']));
        if (rand() < 0.1) argv.push('INCR');
        for (let n = int(1, 4); n > 0; n--) argv.push(score(), member());
        script.push(argv);
        break;
      }
      case 3: {
        const argv = ['ZADD', 'l'];
        for (let n = int(1, 5); n > 0; n--) argv.push('0', member());
        script.push(argv);
        break;
      }
      case 4: script.push(['ZINCRBY', pick(['z', 'y']), score(), member()]); break;
      case 5: script.push(['ZREM', pick(['z', 'y', 'l']), member(), member()]); break;
      case 6: script.push(['ZRANGE', k, idx(), idx(), ...(rand() < 0.5 ? ['WITHSCORES'] : []), ...(rand() < 0.3 ? ['REV'] : [])]); break;
      case 7: {
        const argv = ['ZRANGE', k, bound(), bound(), 'BYSCORE'];
        if (rand() < 0.4) argv.push('REV');
        if (rand() < 0.4) argv.push('LIMIT', String(int(-1, 4)), String(int(-1, 4)));
        if (rand() < 0.5) argv.push('WITHSCORES');
        script.push(argv);
        break;
      }
      case 8: {
        const argv = [pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), 'l', lexb(), lexb()];
        if (rand() < 0.4) argv.push('LIMIT', String(int(-1, 4)), String(int(-1, 4)));
        script.push(argv);
        break;
      }
      case 9: script.push([pick(['ZCOUNT', 'ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), k, bound(), bound()]); break;
      case 10: script.push(['ZLEXCOUNT', 'l', lexb(), lexb()]); break;
      case 11: script.push([pick(['ZRANK', 'ZREVRANK', 'ZSCORE']), k, member()]); break;
      case 12: script.push(['ZMSCORE', k, member(), member(), member()]); break;
      case 13: script.push([pick(['ZREMRANGEBYRANK']), pick(['z', 'y']), idx(), idx()]); break;
      case 14: script.push(['ZREMRANGEBYSCORE', pick(['z', 'y']), bound(), bound()]); break;
      case 15: script.push(['ZREMRANGEBYLEX', 'l', lexb(), lexb()]); break;
      case 16: script.push([pick(['ZPOPMIN', 'ZPOPMAX']), k, ...(rand() < 0.6 ? [String(int(0, 3))] : [])]); break;
      case 17: script.push(['ZMPOP', '2', k, pick(['z', 'y']), pick(['MIN', 'MAX']), ...(rand() < 0.5 ? ['COUNT', String(int(1, 3))] : [])]); break;
      case 18: {
        const op = pick(['ZUNION', 'ZINTER', 'ZDIFF', 'ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE', 'ZINTERCARD']);
        const keys = [pick(['z', 'y', 'missing']), pick(['z', 'y', 'd'])];
        const argv = op.endsWith('STORE') ? [op, 'd', '2', ...keys] : [op, '2', ...keys];
        if (op !== 'ZINTERCARD' && !op.startsWith('ZDIFF') && rand() < 0.5) argv.push('WEIGHTS', pick(['1', '2', '-1', '0.5', 'inf']), pick(['1', '0', '3']));
        if (op !== 'ZINTERCARD' && !op.startsWith('ZDIFF') && rand() < 0.5) argv.push('AGGREGATE', pick(['SUM', 'MIN', 'MAX']));
        if (!op.endsWith('STORE') && op !== 'ZINTERCARD' && rand() < 0.5) argv.push('WITHSCORES');
        if (op === 'ZINTERCARD' && rand() < 0.5) argv.push('LIMIT', String(int(0, 3)));
        script.push(argv);
        break;
      }
      case 19: script.push(['ZRANGESTORE', 'd', pick(['z', 'y']), ...(rand() < 0.5 ? [idx(), idx()] : [bound(), bound(), 'BYSCORE'])]); break;
      case 20: script.push(['ZCARD', k]); break;
      default: script.push(['ZRANGE', pick(['z', 'y', 'd']), '0', '-1', 'WITHSCORES']); break;
    }
  }
  script.push(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'y', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'l', '0', '-1'], ['ZRANGE', 'd', '0', '-1', 'WITHSCORES']);
  return script;
}

const scripts: Record<string, Script> = {};
for (const seed of [101, 202, 303, 404, 505, 606]) scripts[`random script ${seed}`] = generate(seed, 400);

differential('zset fuzz (default limits)', scripts);
differential('zset fuzz (tiny limits)', scripts, { serverArgs: ['--zset-max-listpack-entries', '6', '--zset-max-listpack-value', '2'] });
