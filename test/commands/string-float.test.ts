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
}, { resp3: false });
