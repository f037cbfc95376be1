// Number <-> text conversions against C's rules. Expected %.17g strings were produced by C's
// printf (glibc, through Python's % operator, which calls it), not by our code.

import { describe, expect, it } from 'vitest';
import { formatDouble17g, formatG, formatHumanDouble, parseDouble, parseInt64, parseSafeInt } from '../../src/protocol/format.js';

const PRINTF_17G: [number, string][] = [
  [0.1, '0.10000000000000001'],
  [0.5, '0.5'],
  [1, '1'],
  [-1.5, '-1.5'],
  [1 / 3, '0.33333333333333331'],
  [2 / 3, '0.66666666666666663'],
  [1e21, '1e+21'],
  [1e22, '1e+22'],
  [1e-5, '1.0000000000000001e-05'],
  [1e-4, '0.0001'],
  [0.0001234, '0.00012339999999999999'],
  [123456789012345678, '1.2345678901234568e+17'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [1e16, '10000000000000000'],
  [1e17, '1e+17'],
  [12345678901234567, '12345678901234568'],
  [3.14159, '3.1415899999999999'],
  [100, '100'],
  [-0.0001, '-0.0001'],
  [0.3, '0.29999999999999999'],
  [1e-7, '9.9999999999999995e-08'],
  [123.456, '123.456'],
  [1e100, '1e+100'],
  [-2.5e-10, '-2.5000000000000002e-10'],
  [4.35, '4.3499999999999996'],
  [1.005, '1.0049999999999999'],
  // Exact ties at the 18th digit: C rounds half to even, JavaScript's toPrecision rounds up.
  [1000000000000000.2, '1000000000000000.2'],
  [1000000000000000.8, '1000000000000000.8'],
  [-1000000000000000.2, '-1000000000000000.2'],
  [5e-324, '4.9406564584124654e-324'],
  [2.2250738585072014e-308, '2.2250738585072014e-308'],
  [9007199254740994, '9007199254740994'],
  [0.30000000000000004, '0.30000000000000004'],
  [0.14285714285714285, '0.14285714285714285'],
  [1e-300, '1e-300'],
  [6.02214076e23, '6.0221407599999999e+23'],
  [1.5e-323, '1.4821969375237396e-323'],
  [0.99609375, '0.99609375'],
  [1000000000000000.5, '1000000000000000.5'],
  [123456789.125, '123456789.125'],
  [1e23, '9.9999999999999992e+22'],
  [-1.989032661366619e244, '-1.989032661366619e+244'],
  [7.761117632285041e178, '7.761117632285041e+178'],
  [3.980498358697587e-249, '3.980498358697587e-249'],
  [-1.5432835417340557e88, '-1.5432835417340557e+88'],
  [1.3647584518757569e-192, '1.3647584518757569e-192'],
  [-1.3701135617873088e-206, '-1.3701135617873088e-206'],
  [-1.7160537630466207e197, '-1.7160537630466207e+197'],
  [6.294675241195386e-44, '6.2946752411953861e-44'],
  [1.0613447212142254e-202, '1.0613447212142254e-202'],
  [4.708325160387546e207, '4.7083251603875462e+207'],
  [6.387016158513563e-12, '6.3870161585135632e-12'],
  [-9.973130378568733e-246, '-9.9731303785687331e-246'],
];

describe('formatDouble17g', () => {
  it.each(PRINTF_17G)('%s prints like printf("%%.17g")', (d, want) => {
    expect(formatDouble17g(d)).toBe(want);
  });

  it('prints the special values like Redis', () => {
    expect(formatDouble17g(Infinity)).toBe('inf');
    expect(formatDouble17g(-Infinity)).toBe('-inf');
    expect(formatDouble17g(NaN)).toBe('nan');
    expect(formatDouble17g(0)).toBe('0');
    expect(formatDouble17g(-0)).toBe('-0');
  });

  it('always round-trips and never uses more than 17 significant digits', () => {
    const view = new DataView(new ArrayBuffer(8));
    let seed = 12345;
    for (let n = 0; n < 5000; n++) {
      // xorshift over the raw bits: every exponent range, denormals included.
      for (let w = 0; w < 2; w++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        view.setUint32(w * 4, seed >>> 0);
      }
      const d = view.getFloat64(0);
      if (!Number.isFinite(d)) continue;
      const s = formatDouble17g(d);
      expect(Number(s)).toBe(d);
      expect(s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(17);
    }
  });
});

describe('formatG at other precisions', () => {
  it.each([
    [2.5, 1, '2'],
    [3.5, 1, '4'],
    [-3.5, 1, '-4'],
    [9.5, 1, '1e+01'],
    [0.125, 2, '0.12'],
    [-0.125, 2, '-0.12'],
    [1234.5, 4, '1234'],
    [1235.5, 4, '1236'],
    [123456, 3, '1.23e+05'],
    [0.00001234, 3, '1.23e-05'],
    [0.0001234, 3, '0.000123'],
  ] as [number, number, string][])('%s with %%.%ig is %s', (d, p, want) => {
    expect(formatG(d, p)).toBe(want);
  });
});

describe('formatHumanDouble', () => {
  it.each([
    [10.6, '10.6'],
    [0, '0'],
    [-3, '-3'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.5e-8, '-0.000000025'],
  ] as [number, string][])('%s is %s', (d, want) => {
    expect(formatHumanDouble(d)).toBe(want);
  });
});

describe('parseInt64 (string2ll)', () => {
  it.each([
    ['0', 0],
    ['-1', -1],
    ['123', 123],
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', 9007199254740992n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
  ] as [string, number | bigint][])('accepts %s', (s, want) => {
    expect(parseInt64(s)).toBe(want);
  });

  it.each([
    '', '-', '+1', ' 1', '1 ', '01', '00', '-0', '-01', '1.0', '1e3', '0x10', 'abc', '١',
    '9223372036854775808', '-9223372036854775809', '99999999999999999999', '123456789012345678901',
  ])('refuses %j', (s) => {
    expect(parseInt64(s)).toBeNull();
  });

  it('parseSafeInt only returns exactly representable numbers', () => {
    expect(parseSafeInt('9007199254740991')).toBe(9007199254740991);
    expect(parseSafeInt('9007199254740992')).toBeNull();
    expect(parseSafeInt('x')).toBeNull();
  });
});

describe('parseDouble (getDoubleFromObject)', () => {
  // Checked against redis-server 7.0: ZADD z <text> m.
  it.each([
    ['1.5', 1.5],
    ['-0', -0],
    ['.5', 0.5],
    ['5.', 5],
    ['+.5e1', 5],
    ['1E5', 100000],
    ['1e-310', 1e-310],
    ['1e308', 1e308],
    ['0x10', 16],
    ['0x1p3', 8],
    ['0x1.8p1', 3],
    ['-0x1p-2', -0.25],
    ['inf', Infinity],
    ['+inf', Infinity],
    ['-inf', -Infinity],
    ['Infinity', Infinity],
    ['-INFINITY', -Infinity],
  ] as [string, number][])('accepts %j', (s, want) => {
    expect(parseDouble(s)).toBe(want);
  });

  it.each(['', ' 1', '1 ', '\t1', 'nan', 'NaN', '1e', '1_0', 'abc', '0x', '0b1', '0o7', '1e400', '-1e400', '1e-400', '1..2', '--1'])(
    'refuses %j',
    (s) => {
      expect(parseDouble(s)).toBeNull();
    },
  );
});
