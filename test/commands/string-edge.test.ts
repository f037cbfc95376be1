// Odd corners of string and bitmap commands found while probing redis-server: 64-bit limits,
// long double extremes, float argument length limits, empty values, overflow at the 64-bit edge.

import { differential } from '../helpers/differential.js';

differential('string and bitmap edge cases', {
  'edge cases': [
    ['SET', 'k', 'v', 'EX', '10', 'GET'], ['GETEX', 'k', 'EXAT', '99999999999'], ['GETEX', 'k', 'PX', '100'], ['SETRANGE', 'k', '0x10', 'a'],
    ['SET', 'k', 'v', 'PXAT', '9223372036854775807'], ['GET', 'k'], ['SET', 'k', 'v', 'EX', '9223372036854775'], ['SET', 'k', 'v', 'PX', '9223372036854775807'],
    ['SET', 'b', ''], ['BITCOUNT', 'b', '0', '-1', 'BIT'], ['BITPOS', 'b', '0', '5'], ['SET', 'c', 'abc'], ['BITPOS', 'c', '1', '5'], ['BITPOS', 'c', '0', '5', '10', 'BIT'],
    ['BITPOS', 'c', '0', '20', '30', 'BIT'], ['BITPOS', 'c', '1', '-1', '-1', 'BIT'], ['BITPOS', 'c', '0', '-100', '-90', 'BIT'],
    ['INCRBYFLOAT', 'f', '1e308'], ['INCRBYFLOAT', 'f', '1e308'], ['STRLEN', 'f'], ['INCRBYFLOAT', 'g', '-0'], ['SET', 'h', '  1'], ['INCRBYFLOAT', 'h', '1'],
    ['SET', 'h', '1'.repeat(5119)], ['INCRBYFLOAT', 'h', '1'], ['SET', 'h', '1'.repeat(5120)], ['INCRBYFLOAT', 'h', '1'], ['INCRBYFLOAT', 'q', '1'.repeat(5120)],
    ['INCRBYFLOAT', 'q', '1'.repeat(4000)], ['STRLEN', 'q'],
    ['SET', 'e', ''], ['LCS', 'e', 'e', 'IDX', 'WITHMATCHLEN'], ['LCS', 'e', 'nokey'], ['APPEND', 'm', 'hello'], ['APPEND', 'm', 'x'], ['GETRANGE', 'm', '0', '-1'],
    ['BITFIELD', 'bf', 'SET', 'u63', '#0', '5', 'OVERFLOW', 'FAIL', 'INCRBY', 'u63', '#0', '9223372036854775807', 'OVERFLOW', 'WRAP', 'INCRBY', 'u63', '#0', '9223372036854775807'],
    ['BITFIELD', 'bf', 'INCRBY', 'i64', '0', '9223372036854775807', 'INCRBY', 'i64', '0', '9223372036854775807', 'INCRBY', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-9223372036854775808'],
    ['BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-1'],
    ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', '0', '-1', 'SET', 'i64', '0', '5', 'INCRBY', 'i1', '0', '1', 'INCRBY', 'u1', '0', '1', 'INCRBY', 'u1', '0', '1', 'INCRBY', 'i1', '1', '-1', 'INCRBY', 'i1', '1', '-1'],
    ['BITFIELD', 'bf', 'SET', 'i1', '0', '1', 'SET', 'i1', '0', '-1', 'SET', 'i1', '0', '-2', 'SET', 'u1', '0', '2', 'SET', 'u1', '0', '-1'],
    ['SETBIT', 'sb', '0', '1'], ['SETRANGE', 'sb', '3', ''], ['GETRANGE', 'sb', '0', '0'], ['BITOP', 'XOR', 'sb', 'sb', 'nokey'], ['GET', 'sb'],
    ['DECRBY', 'd', '-9223372036854775807'], ['INCR', 'd'], ['DECRBY', 'd', '9223372036854775807'], ['DECRBY', 'd', '1'], ['DECRBY', 'd', '1'],
    ['SETEX', 'x', '1', 'v', 'extra'], ['MSET', 'a', '1', 'b', '2', 'c'], ['INCRBY', 'i', '-9223372036854775808'], ['DECR', 'i'], ['INCRBY', 'i', '9223372036854775807'],
    ['GETEX', 'k', 'EX', '10', 'EX', '20'], ['GETEX', 'k', 'persist'], ['getex', 'k', 'exat', '99999999999', 'exat', '99999999998'],
  ],
});
