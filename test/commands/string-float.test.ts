// INCRBYFLOAT's long double arithmetic and "%.17Lf" formatting, against redis-server on a
// deterministic pseudo-random walk of increments of every magnitude and form.

import { differential, type Script } from '../helpers/differential.js';

/** Small deterministic PRNG (mulberry32) so every run sends the same script. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function increments(seed: number, n: number): string[] {
  const rnd = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const sign = rnd() < 0.4 ? '-' : '';
    const intDigits = String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 8)));
    const frac = String(Math.floor(rnd() * 10 ** 9)).padStart(9, '0').slice(0, 1 + Math.floor(rnd() * 9));
    const form = Math.floor(rnd() * 4);
    if (form === 0) out.push(`${sign}${intDigits}.${frac}`);
    else if (form === 1) out.push(`${sign}0.${frac}`);
    else if (form === 2) out.push(`${sign}${intDigits}.${frac}e${Math.floor(rnd() * 40) - 25}`);
    else out.push(`${sign}${intDigits}`);
  }
  return out;
}

function walk(key: string, seed: number, n: number): Script {
  return increments(seed, n).map((inc) => ['INCRBYFLOAT', key, inc]);
}

differential('incrbyfloat long double', {
  'random walk 1': walk('a', 1, 150),
  'random walk 2': walk('b', 2, 150),
  'random walk 3': walk('c', 3, 150),
  'tenths and thirds': [
    ...Array.from({ length: 30 }, () => ['INCRBYFLOAT', 't', '0.1']),
    ...Array.from({ length: 30 }, () => ['INCRBYFLOAT', 'u', '0.3333333333333333']),
    ...Array.from({ length: 30 }, () => ['INCRBYFLOAT', 'v', '-0.07']),
  ],
  // Subnormals are accepted (rounded), results that round to 0 or beyond ~1.19e4932 are not.
  'range limits': [
    ['INCRBYFLOAT', 'a', '1e-4940'], ['INCRBYFLOAT', 'a', '1e-4950'], ['INCRBYFLOAT', 'a', '1e-4951'], ['INCRBYFLOAT', 'a', '3e-4951'],
    ['INCRBYFLOAT', 'a', '4e-4951'], ['INCRBYFLOAT', 'a', '1.18e-4932'], ['INCRBYFLOAT', 'a', '0x1p-16445'],
    ['INCRBYFLOAT', 'a', '0x1p-16446'], ['INCRBYFLOAT', 'a', '0x1.8p-16446'], ['INCRBYFLOAT', 'b', '1.1897e4932'],
    ['INCRBYFLOAT', 'b', '1.1897e4932'], ['INCRBYFLOAT', 'b', '1.19e4932'], ['INCRBYFLOAT', 'c', '0x1p16383'],
    ['INCRBYFLOAT', 'c', '0x1p16383'], ['INCRBYFLOAT', 'd', '0x1p16384'], ['INCRBYFLOAT', 'd', '0x.8p16385'], ['STRLEN', 'c'],
  ],
}, { resp3: false });
