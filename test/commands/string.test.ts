// String commands against a real redis-server, byte for byte, RESP2 and RESP3.

import { differential } from '../helpers/differential.js';

/** Every byte value 0..255, as one binary-safe key/value. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const BIG = 'x'.repeat(100_000);

differential('string commands', {
  'setnx setex psetex': [
    ['SETNX', 'k', 'v'], ['SETNX', 'k', 'w'], ['GET', 'k'],
    ['SETEX', 'e', '100', 'v'], ['GET', 'e'], ['SETEX', 'e', '0', 'v'], ['SETEX', 'e', '-5', 'v'], ['SETEX', 'e', 'x', 'v'],
    ['SETEX', 'e', '9223372036854775', 'v'], ['SETEX', 'e', '9223372036854776', 'v'], ['SETEX', 'e', '1.5', 'v'],
    ['PSETEX', 'p', '100000', 'v'], ['GET', 'p'], ['PSETEX', 'p', '0', 'v'], ['PSETEX', 'p', '9223372036854775807', 'v'],
    ['SETEX', 'e'], ['PSETEX', 'p', '1'], ['SETNX', 'k'],
  ],
  'set option grammar': [
    ['SET', 'k', 'v', 'EX', '10', 'EX', '20'], ['SET', 'k', 'v', 'PX', '10000', 'PX', '20000'],
    ['SET', 'k', 'v', 'EX', '10', 'PX', '20'], ['SET', 'k', 'v', 'EXAT', '99999999999', 'PXAT', '1'],
    ['SET', 'k', 'v', 'KEEPTTL', 'KEEPTTL'], ['SET', 'k', 'v', 'PX', '100000', 'KEEPTTL'], ['SET', 'k', 'v', 'EX'],
    ['SET', 'k', 'v', 'nx', 'nx'], ['SET', 'k', 'v', 'get', 'GET'], ['SET', 'k', 'v', 'PERSIST'],
    ['SET', 'k', 'v', 'EXAT', '0'], ['SET', 'k', 'v', 'PXAT', '-1'], ['SET', 'k', 'v', 'EX', '9223372036854776'],
    ['SET', 'k', 'v', 'PX', '9223372036854775807'], ['SET', 'k', 'v', 'EX', '01'],
    ['SET', 'k', 'x', 'XX', 'GET'], ['SET', 'k2', 'x', 'XX', 'GET'], ['SET', 'k2', 'x', 'NX', 'GET'], ['SET', 'k2', 'y', 'NX', 'GET'],
    ['SET', 'k', 'v', 'EXAT', '1'], ['GET', 'k'], ['SET', 'k', 'v', 'PXAT', '99999999999999'], ['GET', 'k'],
  ],
  'getset getdel': [
    ['GETSET', 'k', 'a'], ['GETSET', 'k', 'b'], ['GET', 'k'], ['GETDEL', 'k'], ['GETDEL', 'k'], ['EXISTS', 'k'],
    ['SETEX', 'k', '100', 'v'], ['GETSET', 'k', 'w'], ['GETDEL', 'nokey'],
  ],
  'getex': [
    ['GETEX', 'missing'], ['GETEX', 'missing', 'EX', '10'], ['GETEX', 'missing', 'EX', 'bad'], ['SET', 'k', 'v'],
    ['GETEX', 'k'], ['GETEX', 'k', 'EX', '100'], ['GETEX', 'k', 'PX', '100000'], ['GETEX', 'k', 'EXAT', '99999999999'],
    ['GETEX', 'k', 'PXAT', '99999999999999'], ['GETEX', 'k', 'PERSIST'], ['GETEX', 'k', 'PERSIST', 'PERSIST'],
    ['GETEX', 'k', 'EX', '0'], ['GETEX', 'k', 'EX', '-1'], ['GETEX', 'k', 'EX', 'x'], ['GETEX', 'k', 'EX'],
    ['GETEX', 'k', 'PERSIST', 'EX', '10'], ['GETEX', 'k', 'EX', '10', 'PERSIST'], ['GETEX', 'k', 'EX', '10', 'PX', '10'],
    ['GETEX', 'k', 'KEEPTTL'], ['GETEX', 'k', 'NX'], ['GETEX', 'k', 'GET'], ['GETEX', 'k', 'EX', '9223372036854776'],
    ['GETEX', 'k', 'EXAT', '1'], ['GET', 'k'], ['EXISTS', 'k'], ['SET', 'k', 'v'], ['GETEX', 'k', 'PXAT', '1'], ['GETEX', 'k'],
  ],
  'mget mset msetnx': [
    ['MSETNX', 'a', '1', 'b', '2'], ['MSETNX', 'b', '3', 'c', '4'], ['MGET', 'a', 'b', 'c'], ['MSETNX', 'a'],
    ['MSETNX', 'a', '1', 'b'], ['MSET', 'a', 'x', 'a', 'y'], ['MGET', 'a'], ['MSETNX', 'c', '1', 'c', '2'], ['GET', 'c'],
  ],
  'incr family': [
    ['INCR', 'n'], ['INCRBY', 'n', '-10'], ['DECRBY', 'n', '5'], ['DECR', 'n'], ['INCRBY', 'n', '9223372036854775807'],
    ['SET', 'n', '-9223372036854775808'], ['DECR', 'n'], ['INCRBY', 'n', '-1'], ['INCRBY', 'n', '9223372036854775807'],
    ['SET', 'n', ' 1'], ['INCR', 'n'], ['SET', 'n', '1 '], ['INCR', 'n'], ['SET', 'n', '+1'], ['INCR', 'n'], ['SET', 'n', '-0'],
    ['INCR', 'n'], ['SET', 'n', '9007199254740993'], ['INCR', 'n'], ['INCRBY', 'n', '9007199254740993'],
    ['SET', 'n', '1.5'], ['INCR', 'n'], ['INCRBY', 'x', '1.5'], ['INCRBY', 'x', ''], ['DECRBY', 'x', '9223372036854775808'],
    ['SET', 'n', '0'], ['APPEND', 'n', '7'], ['INCR', 'n'], ['GET', 'n'],
  ],
  'incrbyfloat': [
    ['SET', 'f', '10.5'], ['INCRBYFLOAT', 'f', '0.1'], ['INCRBYFLOAT', 'f', '-5'], ['INCRBYFLOAT', 'g', '0.1'],
    ['INCRBYFLOAT', 'g', '0.2'], ['INCRBYFLOAT', 'h', '3.0e3'], ['INCRBYFLOAT', 'h', '1.5E+2'], ['INCRBYFLOAT', 'h', '-3150'],
    ['INCRBYFLOAT', 'i', '5.0e3'], ['INCRBYFLOAT', 'i', '2.0e-5'], ['INCRBYFLOAT', 'j', '1e20'], ['INCRBYFLOAT', 'j', '1'],
    ['INCRBYFLOAT', 'k', '1.23456789012345678901234'], ['INCRBYFLOAT', 'k', '-1.23456789012345678901234'],
    ['INCRBYFLOAT', 'l', '-0.0000000000000000001'], ['INCRBYFLOAT', 'm', '1e400'], ['INCRBYFLOAT', 'm', '-1e400'],
    ['INCRBYFLOAT', 'o', '0x10'], ['INCRBYFLOAT', 'o', '0x1.8p1'], ['INCRBYFLOAT', 'o', '.5'], ['INCRBYFLOAT', 'o', '5.'],
    ['INCRBYFLOAT', 'p', 'inf'], ['INCRBYFLOAT', 'p', '-inf'], ['INCRBYFLOAT', 'p', 'nan'], ['INCRBYFLOAT', 'p', 'abc'],
    ['INCRBYFLOAT', 'p', ''], ['INCRBYFLOAT', 'p', ' 1'], ['INCRBYFLOAT', 'p', '1 '], ['INCRBYFLOAT', 'p', '1e'],
    ['INCRBYFLOAT', 'p', '1e-5000'], ['INCRBYFLOAT', 'p', '1e5000'], ['INCRBYFLOAT', 'p', '0e5000'], ['EXISTS', 'p'],
    ['SET', 's', 'abc'], ['INCRBYFLOAT', 's', '1'], ['SET', 's', '1.5e4'], ['INCRBYFLOAT', 's', '1'],
    ['SET', 'big', '1.7976931348623157e308'], ['INCRBYFLOAT', 'big', '1.7976931348623157e308'],
    ['SET', 'q', '17179869184'], ['INCRBYFLOAT', 'q', '1.5'], ['SETEX', 't', '100', '1'], ['INCRBYFLOAT', 't', '0.25'],
    ['INCRBYFLOAT', 'u', '0.1'], ['INCRBYFLOAT', 'u', '0.7'], ['INCRBYFLOAT', 'u', '-0.8'], ['INCRBYFLOAT', 'v', '1.1'],
    ['INCRBYFLOAT', 'v', '2.2'], ['INCRBYFLOAT', 'w', '3.3333333333333333333'], ['INCRBYFLOAT', 'w', '1e-17'],
  ],
  'append strlen': [
    ['APPEND', 'a', 'hello'], ['APPEND', 'a', ' world'], ['GET', 'a'], ['STRLEN', 'a'], ['STRLEN', 'nokey'],
    ['APPEND', 'a', ''], ['APPEND', 'e', ''], ['EXISTS', 'e'], ['SET', 'n', '12'], ['APPEND', 'n', '34'], ['INCR', 'n'],
    ['APPEND', 'n', 'x'], ['GETRANGE', 'n', '0', '-1'], ['MGET', 'a', 'n'], ['SETEX', 't', '100', 'a'], ['APPEND', 't', 'b'],
    ['GETSET', 't', 'c'], ['APPEND', 'a', 'x'], ['GETDEL', 'a'], ['GETEX', 'n'],
  ],
  'getrange substr': [
    ['SET', 's', 'Hello World'], ['GETRANGE', 's', '0', '4'], ['GETRANGE', 's', '-5', '-1'], ['GETRANGE', 's', '-1', '-5'],
    ['GETRANGE', 's', '5', '3'], ['GETRANGE', 's', '0', '100'], ['GETRANGE', 's', '-100', '2'], ['GETRANGE', 's', '20', '30'],
    ['GETRANGE', 's', '0', '-100'], ['GETRANGE', 's', 'x', '1'], ['GETRANGE', 's', '1', 'x'], ['GETRANGE', 'nokey', '0', '1'],
    ['GETRANGE', 'nokey', 'x', '1'], ['SUBSTR', 's', '1', '3'], ['GETRANGE', 's', '-9223372036854775808', '9223372036854775807'],
    ['SET', 'e', ''], ['GETRANGE', 'e', '0', '-1'], ['SET', 'n', '12345'], ['GETRANGE', 'n', '1', '2'],
    ['APPEND', 's', '!'], ['GETRANGE', 's', '6', '-1'], ['GETRANGE', 's', '-3', '-2'],
  ],
  'setrange': [
    ['SETRANGE', 'k', '5', 'abc'], ['GET', 'k'], ['SETRANGE', 'k', '0', 'XY'], ['GET', 'k'], ['SETRANGE', 'k', '6', 'long tail'],
    ['GET', 'k'], ['SETRANGE', 'k', '-1', 'x'], ['SETRANGE', 'k', 'x', 'x'], ['SETRANGE', 'k', '1', ''], ['SETRANGE', 'm', '3', ''],
    ['EXISTS', 'm'], ['SETRANGE', 'k', '9223372036854775807', 'x'], ['SET', 'n', '123'], ['SETRANGE', 'n', '1', '9'], ['INCR', 'n'],
    ['SETEX', 't', '100', 'abc'], ['SETRANGE', 't', '1', 'X'], ['GET', 't'],
  ],
  'lcs': [
    ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'], ['LCS', 'a', 'b'], ['LCS', 'a', 'b', 'LEN'], ['LCS', 'a', 'b', 'IDX'],
    ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'], ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
    ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'], ['LCS', 'a', 'b', 'LEN', 'IDX'], ['LCS', 'a', 'b', 'MINMATCHLEN'],
    ['LCS', 'a', 'b', 'MINMATCHLEN', 'x'], ['LCS', 'a', 'b', 'MINMATCHLEN', '-5', 'IDX'], ['LCS', 'a', 'b', 'FOO'],
    ['LCS', 'a', 'nokey'], ['LCS', 'nokey', 'nokey2', 'IDX'], ['LCS', 'a', 'nokey', 'LEN'], ['LCS', 'a', 'a', 'IDX', 'WITHMATCHLEN'],
    ['MSET', 'x', 'ABCBDAB', 'y', 'BDCABA'], ['LCS', 'x', 'y'], ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'], ['LCS', 'a'],
    ['SET', 'n', '12345'], ['APPEND', 'm', '2x4'], ['LCS', 'n', 'm', 'IDX'], ['LCS', 'a', 'b', 'len', 'withmatchlen'],
  ],
  'binary keys and values': [
    ['SET', ALL_BYTES, ALL_BYTES], ['GET', ALL_BYTES], ['STRLEN', ALL_BYTES], ['APPEND', ALL_BYTES, ALL_BYTES],
    ['GETRANGE', ALL_BYTES, '250', '260'], ['SETRANGE', ALL_BYTES, '1', Buffer.from([0, 255, 13, 10])], ['GET', ALL_BYTES],
    ['MSET', Buffer.from([0]), Buffer.from([255]), Buffer.from([13, 10]), ''], ['MGET', Buffer.from([0]), Buffer.from([13, 10])],
    ['GETEX', ALL_BYTES, 'PERSIST'], ['LCS', ALL_BYTES, Buffer.from([0])], ['GETDEL', ALL_BYTES], ['EXISTS', ALL_BYTES],
  ],
  'big values': [
    ['SET', 'b', BIG], ['APPEND', 'b', BIG], ['STRLEN', 'b'], ['GETRANGE', 'b', '99990', '100010'], ['SETRANGE', 'b', '300000', 'end'],
    ['STRLEN', 'b'], ['GETRANGE', 'b', '-5', '-1'], ['GET', 'b'], ['MGET', 'b', 'b'],
  ],
  'arity': [
    ['GET'], ['GET', 'a', 'b'], ['SETNX', 'a'], ['GETDEL'], ['GETEX'], ['MGET'], ['MSET', 'a'], ['INCRBYFLOAT', 'a'],
    ['APPEND', 'a'], ['STRLEN'], ['GETRANGE', 'a', '1'], ['SUBSTR', 'a'], ['SETRANGE', 'a', '1'], ['LCS', 'a'], ['GETSET', 'a'],
  ],
});

// proto-max-bulk-len at its minimum (1mb) so the size limits are reached without 512MB values.
const MB = 1024 * 1024;
differential('string size limits', {
  'setrange and append limits': [
    ['SETRANGE', 'm', String(MB - 1), 'x'], ['STRLEN', 'm'], ['SETRANGE', 'm', String(MB), ''], ['SETRANGE', 'm', String(MB), 'x'],
    ['SETRANGE', 'm', String(MB - 1), 'ab'], ['SETRANGE', 'new', String(MB), 'x'], ['EXISTS', 'new'], ['APPEND', 'm', 'y'],
    ['SET', 'a', 'x'.repeat(MB - 2)], ['APPEND', 'a', 'ab'], ['APPEND', 'a', 'abc'], ['STRLEN', 'a'],
    ['SETBIT', 'b', String(8 * MB - 1), '1'], ['SETBIT', 'b', String(8 * MB), '1'], ['GETBIT', 'b', String(8 * MB)],
    ['BITFIELD', 'b', 'SET', 'u8', String(8 * MB - 8), '255'], ['BITFIELD', 'b', 'SET', 'u8', String(8 * MB - 7), '255'],
    ['BITFIELD', 'b', 'GET', 'u8', '#131071'], ['BITFIELD', 'b', 'GET', 'u8', '#131072'], ['BITCOUNT', 'b'],
  ],
  'lcs table limit': [
    ['SET', 'x', 'ab'.repeat(300)], ['SET', 'y', 'ba'.repeat(300)], ['LCS', 'x', 'y', 'LEN'], ['SET', 'y', 'ba'.repeat(200)],
    ['LCS', 'x', 'y', 'LEN'], ['LCS', 'x', 'y', 'IDX', 'MINMATCHLEN', '100'],
  ],
}, { serverArgs: ['--proto-max-bulk-len', String(MB)] });
