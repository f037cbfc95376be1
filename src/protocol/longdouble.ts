// Long double arithmetic for INCRBYFLOAT and HINCRBYFLOAT. Redis parses with strtold, adds in x87 80-bit long double (64-bit
// significand) and prints with "%.17Lf" minus trailing zeros. Doubles give different text
// (0.1 + 0.2 is "0.3" in Redis, 0.30000000000000004 in doubles), so this emulates the long double
// exactly with BigInt: a value is sign * m * 2^e with m < 2^64.

export interface LongDouble {
  neg: boolean;
  /** Significand; 0n for zero. */
  m: bigint;
  e: number;
  inf: boolean;
}

/** Redis refuses float arguments this long (MAX_LONG_DOUBLE_CHARS). */
const MAX_LD_CHARS = 5 * 1024;
/** Largest binary exponent of a finite long double: values below 2^16384. */
const LD_MAX_EXP = 16384;
/** Smallest subnormal long double is 2^-16445; anything that rounds below it is 0 (ERANGE). */
const LD_MIN_EXP = -16445;
const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?$/;
const HEX = /^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?(inf|infinity)$/i;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Round the positive rational num/den to a 64-bit significand (ties to even). Returns null when
 * the result overflows or underflows to zero, as strtold's ERANGE cases Redis rejects.
 */
function roundRational(neg: boolean, num: bigint, den: bigint): LongDouble | null {
  if (num === 0n) return { neg, m: 0n, e: 0, inf: false };
  // Choose k so that num * 2^k / den lies in [2^63, 2^64).
  let k = 64 - (bitLength(num) - bitLength(den));
  for (;;) {
    const n = k >= 0 ? num << BigInt(k) : num;
    const d = k >= 0 ? den : den << BigInt(-k);
    let q = n / d;
    if (q >= TWO64) {
      k--;
      continue;
    }
    if (q < TWO63) {
      k++;
      continue;
    }
    const r2 = (n - q * d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    let e = -k;
    if (q === TWO64) {
      q = TWO63;
      e++;
    }
    if (e + 64 > LD_MAX_EXP) return null;
    if (e < LD_MIN_EXP) return roundSubnormal(neg, num, den);
    return { neg, m: q, e, inf: false };
  }
}

/** Below the normal range precision shrinks: round to a multiple of 2^LD_MIN_EXP; 0 is ERANGE. */
function roundSubnormal(neg: boolean, num: bigint, den: bigint): LongDouble | null {
  const n = num << BigInt(-LD_MIN_EXP);
  let q = n / den;
  const r2 = (n - q * den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q++;
  return q === 0n ? null : { neg, m: q, e: LD_MIN_EXP, inf: false };
}

/** strtold as Redis's string2ld accepts it; null when Redis answers "value is not a valid float". */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LD_CHARS) return null;
  const neg = s.charCodeAt(0) === 45;
  let dm = DECIMAL.exec(s);
  if (dm !== null) {
    const body = dm[1];
    const dot = body.indexOf('.');
    const digits = dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1);
    let exp = (dm[2] === undefined ? 0 : Number(dm[2])) - (dot < 0 ? 0 : body.length - dot - 1);
    const mant = BigInt(digits);
    if (mant === 0n) return { neg, m: 0n, e: 0, inf: false };
    // Far outside the long double range: avoid building huge powers of ten.
    const magnitude = exp + digits.replace(/^0+/, '').length;
    if (magnitude > 4940) return null;
    if (magnitude < -4960) return null;
    return exp >= 0 ? roundRational(neg, mant * 10n ** BigInt(exp), 1n) : roundRational(neg, mant, 10n ** BigInt(-exp));
  }
  dm = HEX.exec(s);
  if (dm !== null) {
    const body = dm[1];
    const dot = body.indexOf('.');
    const digits = dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1);
    const exp = (dm[2] === undefined ? 0 : Number(dm[2])) - 4 * (dot < 0 ? 0 : body.length - dot - 1);
    const mant = BigInt('0x' + (digits === '' ? '0' : digits));
    if (mant === 0n) return { neg, m: 0n, e: 0, inf: false };
    if (exp + bitLength(mant) > LD_MAX_EXP + 1 || exp + bitLength(mant) < LD_MIN_EXP - 1) return null;
    return exp >= 0 ? roundRational(neg, mant << BigInt(exp), 1n) : roundRational(neg, mant, 1n << BigInt(-exp));
  }
  if (INFINITY.test(s)) return { neg, m: 0n, e: 0, inf: true };
  return null;
}

/** a + b rounded to long double; null for NaN or infinite results. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) return null;
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0, inf: false } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const x = a.m << BigInt(a.e - e);
  const y = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -x : x) + (b.neg ? -y : y);
  if (sum === 0n) return { neg: false, m: 0n, e: 0, inf: false };
  const neg = sum < 0n;
  const abs = neg ? -sum : sum;
  return e >= 0 ? roundRational(neg, abs << BigInt(e), 1n) : roundRational(neg, abs, 1n << BigInt(-e));
}

/** printf("%.17Lf") with trailing zeros (and a bare '.') removed, and "-0" printed as "0". */
export function formatLongDoubleHuman(v: LongDouble): string {
  const scale = 10n ** 17n;
  let q: bigint;
  if (v.e >= 0) {
    q = (v.m << BigInt(v.e)) * scale;
  } else {
    const num = v.m * scale;
    const shift = BigInt(-v.e);
    q = num >> shift;
    const r2 = (num - (q << shift)) * 2n;
    const d = 1n << shift;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  }
  const intPart = (q / scale).toString();
  const frac = (q % scale).toString().padStart(17, '0').replace(/0+$/, '');
  let out = frac === '' ? intPart : `${intPart}.${frac}`;
  if (v.neg && out !== '0') out = '-' + out;
  return out;
}

/** Zero, the value of a missing key or field. */
export const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

/** a + b in long double, printed as Redis stores it; null when the sum is NaN or infinite. */
export function addLongDoubleText(a: LongDouble, b: LongDouble): string | null {
  const sum = addLongDouble(a, b);
  return sum === null ? null : formatLongDoubleHuman(sum);
}

/**
 * The text INCRBYFLOAT stores for current value `cur` (null when the key is missing) plus `incr`.
 * Returns null when either is not a valid float, '' when the result is NaN or infinite.
 * (HINCRBYFLOAT words its errors differently: use parseLongDouble and addLongDoubleText.)
 */
export function incrByFloatText(cur: string | null, incr: string): string | null {
  const a = cur === null ? LD_ZERO : parseLongDouble(cur);
  if (a === null) return null;
  const b = parseLongDouble(incr);
  if (b === null) return null;
  return addLongDoubleText(a, b) ?? '';
}
