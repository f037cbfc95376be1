// SORT and SORT_RO against redis-server, byte for byte: numeric and ALPHA orders, BY patterns
// (keys, hash fields, constants), GET patterns, LIMIT, DESC, STORE and their errors.

import { describe, expect, it } from 'vitest';
import { lookupCommand } from '../../dist/commands/registry.js';
import { commandKeys } from '../../dist/commands/spec.js';
import { differential } from '../helpers/differential.js';

const weights = [
  ['MSET', 'w_1', '30', 'w_2', '10', 'w_3', '20', 'w_a', '5', 'w_b', '5', 'o_1', 'one', 'o_3', 'three', 'o_b', 'bee'],
  ['HSET', 'h_1', 'w', '3', 'name', 'uno'], ['HSET', 'h_2', 'w', '1', 'name', 'dos'], ['HSET', 'h_3', 'w', '2'],
];

/** 60 elements whose BY values take 4 values (one missing): ties everywhere, a pivot from med3 of med3s. */
const tied: string[][] = [
  ['RPUSH', 'big', ...Array.from({ length: 60 }, (_, i) => `e${(i * 37) % 61}`)],
  ['MSET', ...Array.from({ length: 60 }, (_, i) => [`t_e${(i * 37) % 61}`, `v${i % 3}`]).flat().slice(0, 100)],
];

differential('sort', {
  'a script gets a set sorted BY a constant in ALPHA order, as what it does is replicated': [
    ['SADD', 'myset', 'a', 'b', 'c', 'd', 'z', 'aa', 'aaa', 'azz', 'q', '10', '9'],
    ['EVAL', "return redis.call('sort',KEYS[1],'by','_')", '1', 'myset'],
    ['EVAL', "return redis.call('sort',KEYS[1],'by','_','get','#','get','_:*')", '1', 'myset'],
  ],
  'equal ALPHA BY values under LIMIT come out in pqsort order': [
    ['RPUSH', 'l', 'c', 'a', 'b', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'], ['SORT', 'l', 'BY', 'nokey_*', 'ALPHA', 'LIMIT', '0', '3'],
    ['SORT', 'l', 'BY', 'nokey_*', 'ALPHA', 'LIMIT', '2', '4'], ['SORT', 'l', 'BY', 'nokey_*', 'ALPHA', 'DESC', 'LIMIT', '0', '11'],
    ['SORT', 'l', 'BY', 'nokey_*', 'ALPHA'], ...tied, ['SORT', 'big', 'BY', 't_*', 'ALPHA', 'LIMIT', '10', '25'],
    ['SORT', 'big', 'BY', 't_*', 'ALPHA', 'DESC', 'LIMIT', '0', '59'], ['SORT', 'big', 'BY', 't_*', 'ALPHA'],
    ['SORT', 'big', 'BY', 't_*', 'ALPHA', 'LIMIT', '55', '10', 'GET', '#', 'GET', 't_*'],
  ],
  'numeric sort of a list, with ties broken by the element': [
    ['RPUSH', 'l', '3', '1', '2', '10', '-1.5', '1e2', '01', '1.0', ' 7', '0x10', 'inf', '-inf', ''],
    ['SORT', 'l'], ['SORT', 'l', 'DESC'], ['SORT', 'l', 'LIMIT', '0', '3'], ['SORT', 'l', 'LIMIT', '2', '-1'],
    ['SORT', 'l', 'LIMIT', '-5', '2'], ['SORT', 'l', 'LIMIT', '100', '2'], ['SORT', 'l', 'LIMIT', '5', '0'],
    ['SORT', 'l', 'desc', 'limit', '1', '2', 'asc'], ['SORT_RO', 'l', 'DESC'],
  ],
  'scores that are not numbers': [
    ['RPUSH', 'l', '1', 'x', '2'], ['SORT', 'l'], ['SORT', 'l', 'ALPHA'], ['RPUSH', 'm', '1', 'nan'], ['SORT', 'm'],
    ['RPUSH', 'n', '1', '1e400'], ['SORT', 'n'], ['RPUSH', 'p', '1 ', '2'], ['SORT', 'p'], ['SORT', 'p', 'STORE', 'dst'],
    ['EXISTS', 'dst'], ['RPUSH', 'q', '   '], ['SORT', 'q'],
  ],
  'ALPHA sort of a list, a set and a sorted set': [
    ['RPUSH', 'l', 'b', 'a', 'C', 'aa', '', '10', '9'], ['SORT', 'l', 'ALPHA'], ['SORT', 'l', 'ALPHA', 'DESC', 'LIMIT', '1', '3'],
    ['SADD', 's', 'b', 'a', 'c', '1'], ['SORT', 's', 'ALPHA'], ['SORT', 's', 'ALPHA', 'DESC'],
    ['ZADD', 'z', '3', 'a', '1', 'b', '2', 'c'], ['SORT', 'z', 'ALPHA'], ['SORT', 'z', 'BY', 'nosort'],
    ['SORT', 'z', 'BY', 'nosort', 'DESC'], ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '5'],
    ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '1'],
  ],
  'an intset keeps its order without sorting, and is sorted when stored': [
    ['SADD', 's', '5', '3', '-1', '10'], ['SORT', 's'], ['SORT', 's', 'BY', 'nosort'], ['SORT', 's', 'BY', 'nosort', 'DESC'],
    ['SORT', 's', 'BY', 'nosort', 'STORE', 'd'], ['LRANGE', 'd', '0', '-1'], ['SORT', 's', 'BY', 'nosort', 'LIMIT', '1', '2'],
  ],
  'BY and GET patterns over keys and hash fields': [
    ...weights, ['RPUSH', 'l', '1', '2', '3', 'a', 'b'],
    ['SORT', 'l', 'BY', 'w_*'], ['SORT', 'l', 'BY', 'w_*', 'DESC'], ['SORT', 'l', 'BY', 'h_*->w'],
    ['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'o_*', 'GET', 'h_*->name'], ['SORT', 'l', 'BY', 'missing_*', 'GET', 'w_*'],
    ['SORT', 'l', 'BY', 'o_*', 'ALPHA'], ['SORT', 'l', 'BY', 'o_*', 'ALPHA', 'DESC'], ['SORT', 'l', 'BY', 'h_*->name', 'ALPHA'],
    ['SORT', 'l', 'BY', 'nosort', 'GET', 'o_*', 'DESC'], ['SORT', 'l', 'GET', 'nostar'], ['SORT', 'l', 'GET', 'h_*->'],
    ['SORT', 'l', 'GET', 'h_*->nofield'], ['SORT', 'l', 'GET', 'w_*->w'], ['SORT', 'l', 'BY', 'h_*->w', 'LIMIT', '1', '2', 'GET', '#'],
    ['SORT', 'l', 'BY', 'o_*'], ['SORT_RO', 'l', 'BY', 'w_*', 'GET', 'o_*'], ['SORT', 'l', 'BY', '#'],
    ['SORT', 'l', 'BY', 'w_*', 'BY', 'nosort'],
  ],
  'STORE': [
    ...weights, ['SADD', 's', '1', '2', '3'], ['SORT', 's', 'BY', 'w_*', 'GET', 'o_*', 'GET', '#', 'STORE', 'dst'],
    ['LRANGE', 'dst', '0', '-1'], ['SORT', 's', 'STORE', 'dst', 'DESC'], ['LRANGE', 'dst', '0', '-1'],
    ['SORT', 'missing', 'STORE', 'dst'], ['EXISTS', 'dst'], ['SORT', 'missing', 'STORE', 'dst'],
    ['SET', 'str', 'x'], ['SORT', 's', 'STORE', 'str'], ['TYPE', 'str'], ['SORT', 's', 'LIMIT', '0', '0', 'STORE', 'str'],
    ['EXISTS', 'str'], ['SORT', 's', 'STORE', 'a', 'STORE', 'b'], ['EXISTS', 'a', 'b'],
  ],
  'errors': [
    ['SET', 'str', 'x'], ['HSET', 'h', 'f', 'v'], ['SORT', 'str'], ['SORT', 'h'], ['SORT', 'missing'], ['SORT', 'missing', 'FOO'],
    ['SORT', 'str', 'FOO'], ['SORT', 'l', 'LIMIT', '1'], ['SORT', 'l', 'LIMIT', 'a', 'b'], ['SORT', 'l', 'LIMIT', '0', 'b'],
    ['SORT', 'l', 'BY'], ['SORT', 'l', 'GET'], ['SORT', 'l', 'STORE'], ['SORT_RO', 'l', 'STORE', 'x'], ['SORT'],
    ['SORT', 'str', 'LIMIT', 'x', '1'], ['SORT_RO', 'str', 'ALPHA'],
  ],
});

// Key positions decide cluster routing and ACL checks (COMMAND GETKEYS joins with the COMMAND
// group); these match what redis-server 7.0.15 answers to COMMAND GETKEYS for the same calls.
describe('key positions', () => {
  const keys = (...argv: string[]): string[] => commandKeys(lookupCommand(argv)!, argv).map((i: number) => argv[i]);
  it('SORT names the sorted key and the last STORE destination; SORT_RO only the sorted key', () => {
    expect(keys('SORT', 'a', 'BY', 'w_*', 'STORE', 'b', 'LIMIT', '0', '1', 'STORE', 'c')).toEqual(['a', 'c']);
    expect(keys('SORT', 'a', 'GET', 'store', 'LIMIT', 'store', 'x')).toEqual(['a']);
    expect(keys('SORT', 'a')).toEqual(['a']);
    expect(keys('SORT_RO', 'a', 'BY', 'w_*')).toEqual(['a']);
  });
  it('blocking commands name their keys, not the timeout or numkeys', () => {
    expect(keys('BLPOP', 'a', 'b', '0')).toEqual(['a', 'b']);
    expect(keys('BLMPOP', '0', '2', 'a', 'b', 'LEFT')).toEqual(['a', 'b']);
    expect(keys('BZMPOP', '0', '1', 'z', 'MIN')).toEqual(['z']);
    expect(keys('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0')).toEqual(['a', 'b']);
    expect(keys('BZPOPMAX', 'a', 'b', 'c', '0')).toEqual(['a', 'b', 'c']);
  });
});
