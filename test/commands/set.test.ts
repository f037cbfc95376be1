import { differential } from '../helpers/differential.js';

const bin = Buffer.from([0, 255, 13, 10, 128]);

// Replies that list whole sets are compared only for intsets (Redis replies them in ascending
// order) or single members: a hashtable's order is Redis's own hash order.
differential('set', {
  'sadd srem scard sismember': [
    ['SADD', 's', '3', '1', '2', '1'], ['SADD', 's', '2', '4'], ['SCARD', 's'], ['SCARD', 'nokey'], ['SISMEMBER', 's', '1'],
    ['SISMEMBER', 's', '9'], ['SISMEMBER', 'nokey', '1'], ['SMISMEMBER', 's', '1', '9', '4'], ['SMISMEMBER', 'nokey', '1', '2'],
    ['SMEMBERS', 's'], ['SMEMBERS', 'nokey'], ['SREM', 's', '1', '9', '1'], ['SREM', 'nokey', '1'], ['SMEMBERS', 's'],
    ['SREM', 's', '2', '3', '4', '5'], ['EXISTS', 's'],
  ],
  'intset order': [
    ['SADD', 's', '10', '-5', '3', '-100', '9223372036854775807', '-9223372036854775808', '0', '25', '100'],
    ['SMEMBERS', 's'], ['SADD', 't', '100', '3', '7', '-5'], ['SINTER', 's', 't'], ['SUNION', 's', 't'], ['SDIFF', 's', 't'],
    ['SDIFF', 't', 's'], ['SINTERSTORE', 'd', 's', 't'], ['SMEMBERS', 'd'], ['SUNIONSTORE', 'd', 's', 't'], ['SMEMBERS', 'd'],
    ['SDIFFSTORE', 'd', 's', 't'], ['SMEMBERS', 'd'], ['SRANDMEMBER', 't', '10'], ['SPOP', 't', '10'], ['EXISTS', 't'],
  ],
  'repeated members in one call': [
    ['SADD', 's', '1', '1', '2', '2'], ['SREM', 's', '1', '1'], ['SMISMEMBER', 's', '1', '2', '2'], ['sAdD', 's', '2'],
    ['SINTER', 's', 's', 's'], ['SUNION', 's', 's'], ['SINTERCARD', '3', 's', 's', 's'],
  ],
  'smove': [
    ['SADD', 'a', '1', '2'], ['SMOVE', 'a', 'b', '1'], ['SMOVE', 'a', 'b', '9'], ['SMOVE', 'a', 'a', '2'], ['SMOVE', 'a', 'a', '9'],
    ['SMEMBERS', 'a'], ['SMEMBERS', 'b'], ['SADD', 'b', '2'], ['SMOVE', 'a', 'b', '2'], ['EXISTS', 'a'], ['SMEMBERS', 'b'],
    ['SMOVE', 'nokey', 'b', '1'], ['SET', 'str', 'x'], ['SMOVE', 'nokey', 'str', '1'], ['SMOVE', 'b', 'str', '1'],
    ['SMOVE', 'str', 'b', '1'], ['SMEMBERS', 'b'],
  ],
  'sinter sintercard sinterstore': [
    ['SADD', 'a', 'x'], ['SADD', 'b', 'x', 'y'], ['SINTER', 'a', 'b'], ['SINTER', 'a', 'nokey'], ['SINTER', 'nokey'],
    ['SINTER', 'a', 'a'], ['SINTERCARD', '2', 'a', 'b'], ['SINTERCARD', '1', 'b'], ['SINTERCARD', '1', 'b', 'LIMIT', '1'],
    ['SINTERCARD', '1', 'b', 'LIMIT', '0'], ['SINTERCARD', '2', 'a', 'nokey'], ['SINTERCARD', '0', 'a'],
    ['SINTERCARD', '-1', 'a'], ['SINTERCARD', 'x', 'a'], ['SINTERCARD', '3', 'a', 'b'], ['SINTERCARD', '1', 'a', 'LIMIT'],
    ['SINTERCARD', '1', 'a', 'LIMIT', '-1'], ['SINTERCARD', '1', 'a', 'LIMIT', 'x'], ['SINTERCARD', '1', 'a', 'FOO', '1'],
    ['SINTERSTORE', 'd', 'a', 'b'], ['SMEMBERS', 'd'], ['SET', 'str', 'v'], ['SINTERSTORE', 'str', 'a', 'b'], ['SCARD', 'str'],
    ['SINTERSTORE', 'd', 'a', 'nokey'], ['EXISTS', 'd'], ['SINTERSTORE', 'd', 'a', 'nokey'], ['SADD', 'c', 'z'],
    ['SINTERSTORE', 'd', 'a', 'c'], ['SADD', 'd', '1'], ['SINTERSTORE', 'd', 'a', 'c'], ['EXISTS', 'd'],
    ['SINTERSTORE', 'a', 'a', 'b'], ['SMEMBERS', 'a'],
  ],
  'sunion sdiff and stores': [
    ['SADD', 'a', 'x'], ['SADD', 'b', 'x', 'y'], ['SUNION', 'a', 'nokey'], ['SUNION', 'nokey'], ['SDIFF', 'b', 'a'],
    ['SDIFF', 'a', 'b'], ['SDIFF', 'b', 'b'], ['SDIFF', 'a', 'nokey'], ['SDIFF', 'nokey', 'a'], ['SUNIONSTORE', 'd', 'a', 'nokey'],
    ['SMEMBERS', 'd'], ['SDIFFSTORE', 'd', 'b', 'a'], ['SMEMBERS', 'd'], ['SDIFFSTORE', 'd', 'a', 'b'], ['EXISTS', 'd'],
    ['SUNIONSTORE', 'd', 'nokey'], ['SDIFFSTORE', 'b', 'b', 'a'], ['SMEMBERS', 'b'], ['SET', 'str', 'v'],
    ['SUNIONSTORE', 'str', 'a'], ['SCARD', 'str'], ['SDIFFSTORE', 'str', 'nokey'], ['EXISTS', 'str'],
  ],
  'spop and srandmember deterministic cases': [
    ['SPOP', 'nokey'], ['SPOP', 'nokey', '3'], ['SPOP', 'nokey', '0'], ['SPOP', 'nokey', '-1'], ['SPOP', 'nokey', 'x'],
    ['SPOP', 'nokey', '1', '2'], ['SRANDMEMBER', 'nokey'], ['SRANDMEMBER', 'nokey', '3'], ['SRANDMEMBER', 'nokey', '-3'],
    ['SRANDMEMBER', 'nokey', 'x'], ['SRANDMEMBER', 'nokey', '1', '2'], ['SRANDMEMBER', 'nokey', '-9223372036854775808'],
    ['SADD', 'one', 'm'], ['SRANDMEMBER', 'one'], ['SRANDMEMBER', 'one', '1'], ['SRANDMEMBER', 'one', '-3'],
    ['SRANDMEMBER', 'one', '5'], ['SRANDMEMBER', 'one', '0'], ['SPOP', 'one', '0'], ['SPOP', 'one'], ['EXISTS', 'one'],
    ['SADD', 'one', 'm'], ['SPOP', 'one', '1'], ['EXISTS', 'one'], ['SADD', 'ints', '5', '1', '3'], ['SPOP', 'ints', '3'],
    ['EXISTS', 'ints'],
  ],
  'wrong type': [
    ['SET', 'str', 'v'], ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'],
    ['SMISMEMBER', 'str', 'a'], ['SMEMBERS', 'str'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '2'], ['SPOP', 'str'],
    ['SPOP', 'str', '2'], ['SINTER', 'str'], ['SINTER', 'nokey', 'str'], ['SINTERCARD', '1', 'str'], ['SINTERSTORE', 'd', 'str'],
    ['SUNION', 'nokey', 'str'], ['SDIFF', 'nokey', 'str'], ['SUNIONSTORE', 'd', 'str'], ['SDIFFSTORE', 'd', 'str'],
    ['SADD', 's', '1'], ['SINTER', 's', 'str'], ['SINTERSTORE', 'd', 's', 'str'], ['EXISTS', 'd'],
  ],
  'arity': [
    ['SADD', 's'], ['SREM', 's'], ['SCARD'], ['SISMEMBER', 's'], ['SMISMEMBER', 's'], ['SMEMBERS'], ['SRANDMEMBER'],
    ['SPOP'], ['SMOVE', 'a', 'b'], ['SINTER'], ['SINTERCARD', '1'], ['SINTERSTORE', 'd'], ['SUNION'], ['SUNIONSTORE', 'd'],
    ['SDIFF'], ['SDIFFSTORE', 'd'],
  ],
  'binary members': [
    ['SADD', bin, bin, ''], ['SISMEMBER', bin, bin], ['SISMEMBER', bin, ''], ['SMISMEMBER', bin, bin, 'x', ''],
    ['SREM', bin, bin], ['SMEMBERS', bin], ['SMOVE', bin, 'dst', ''], ['SMEMBERS', 'dst'], ['EXISTS', bin],
  ],
});
