// x87 80-bit long double arithmetic, exactly as Redis on x86-64 does INCRBYFLOAT / HINCRBYFLOAT:
// strtold parsing, one rounded addition, printf("%.17Lf") with trailing zeros removed. Doubles are
// not enough: 1005.6 + ... prints "1005.59999999999999998" in Redis. Values are BigInt
// mantissa * 2^exp, rounded to 64 significant bits (round half to even).

import { parseDouble } from './format.js';

export interface LongDouble {
  neg: boolean;
  /** 0 for zero; otherwise below 2^64. */
  mant: bigint;
  exp: number;
  /** Beyond the long double range (or an "inf" text). */
  inf: boolean;
}

const MANT_BITS = 64;
/** Largest binary exponent + 1 of a finite long double (values below 2^16384). */
const MAX_EXP2 = 16384;
/** Decimal magnitudes beyond these overflow / underflow a long double; no giant BigInt is built. */
const MAX_EXP10 = 4933;
const MIN_EXP10 = -4952;
const FRACTION_DIGITS = 17n;
const TEN17 = 10n ** FRACTION_DIGITS;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Round n * 2^exp (n >= 0, `sticky` = nonzero bits were already cut below n) to 64 bits. */
function round(neg: boolean, n: bigint, exp: number, sticky: boolean): LongDouble {
  const len = bitLength(n);
  if (len > MANT_BITS) {
    const shift = len - MANT_BITS;
    const s = BigInt(shift);
    let mant = n >> s;
    const low = n & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    if (low > half || (low === half && (sticky || (mant & 1n) === 1n))) mant += 1n;
    exp += shift;
    if (mant >> BigInt(MANT_BITS) !== 0n) {
      mant >>= 1n;
      exp += 1;
    }
    n = mant;
  }
  return { neg, mant: n, exp, inf: n !== 0n && bitLength(n) + exp > MAX_EXP2 };
}

/**
 * Redis's string2ld: a float text (same acceptance as parseDouble) as a long double, or null when
 * it is not a number or out of range. "inf" gives an infinite value.
 */
export function parseLongDouble(s: string): LongDouble | null {
  const d = parseDouble(s);
  if (d === null) return null;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(s);
  if (m === null) {
    // inf / infinity, or an integer hex literal that parseDouble already evaluated exactly enough.
    if (!Number.isFinite(d)) return { neg: d < 0, mant: 0n, exp: 0, inf: true };
    return round(d < 0, BigInt(Math.abs(d)), 0, false);
  }
  const neg = m[1] === '-';
  const frac = m[3] ?? '';
  const digits = BigInt((m[2] + frac).replace(/^0+/, '') || '0');
  const e10 = Number(m[4] ?? '0') - frac.length;
  if (digits === 0n) return { neg, mant: 0n, exp: 0, inf: false };
  // strtold's ERANGE (overflow, or underflow to zero) makes string2ld reject the text.
  const magnitude = e10 + String(digits).length;
  if (magnitude > MAX_EXP10 || magnitude < MIN_EXP10) return null;
  let v: LongDouble;
  if (e10 >= 0) {
    v = round(neg, digits * 10n ** BigInt(e10), 0, false);
  } else {
    const den = 10n ** BigInt(-e10);
    // Enough quotient bits for a correctly rounded 64-bit mantissa, plus guard bits.
    const k = Math.max(0, MANT_BITS + 2 + bitLength(den) - bitLength(digits));
    const num = digits << BigInt(k);
    v = round(neg, num / den, -k, num % den !== 0n);
  }
  return v.inf ? null : v;
}

/** a + b, rounded once. inf + -inf (NaN in C) comes back infinite: callers reject both alike. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.inf || b.inf) return { neg: a.inf ? a.neg : b.neg, mant: 0n, exp: 0, inf: true };
  if (a.mant === 0n) return b.mant === 0n ? { neg: a.neg && b.neg, mant: 0n, exp: 0, inf: false } : b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const x = a.mant << BigInt(a.exp - e);
  const y = b.mant << BigInt(b.exp - e);
  let sum = (a.neg ? -x : x) + (b.neg ? -y : y);
  const neg = sum < 0n;
  if (neg) sum = -sum;
  return round(neg, sum, e, false);
}

/** printf("%.17Lf") with trailing zeros (and a bare '.') removed, "-0" printed as "0": Redis's LD_STR_HUMAN. */
export function formatLongDoubleHuman(v: LongDouble): string {
  let q: bigint;
  if (v.exp >= 0) {
    q = (v.mant << BigInt(v.exp)) * TEN17;
  } else {
    const shift = BigInt(-v.exp);
    const num = v.mant * TEN17;
    q = num >> shift;
    const rem = num & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  let digits = q.toString().padStart(Number(FRACTION_DIGITS) + 1, '0');
  const point = digits.length - Number(FRACTION_DIGITS);
  let out = digits.slice(0, point);
  digits = digits.slice(point).replace(/0+$/, '');
  if (digits !== '') out += '.' + digits;
  return v.neg && out !== '0' ? '-' + out : out;
}
