import { differential } from '../helpers/differential.js';

const bin = Buffer.from([0, 255, 13, 10, 128]);

differential('hash', {
  'hset hget hmget': [
    ['HSET', 'h', 'a', '1', 'b', '2'], ['HSET', 'h', 'a', '10', 'c', '3'], ['HGET', 'h', 'a'], ['HGET', 'h', 'zz'],
    ['HGET', 'nokey', 'a'], ['HMGET', 'h', 'a', 'zz', 'c'], ['HMGET', 'nokey', 'a', 'b'], ['HSET', 'h', 'a'],
    ['HSET', 'h', 'a', '1', 'b'], ['HMSET', 'h', 'd', '4', 'e', '5'], ['HMSET', 'h', 'd'], ['HMSET', 'h', 'd', '4', 'e'],
    ['HGETALL', 'h'], ['HLEN', 'h'], ['HLEN', 'nokey'],
  ],
  'repeated fields in one call': [
    ['HSET', 'h', 'a', '1', 'a', '2'], ['HGET', 'h', 'a'], ['HMSET', 'h', 'b', '1', 'b', '2'], ['HDEL', 'h', 'a', 'a', 'b'],
    ['EXISTS', 'h'], ['hSeT', 'h', 'x', 'y'], ['HgEtAlL', 'h'],
  ],
  'hsetnx': [
    ['HSETNX', 'h', 'a', '1'], ['HSETNX', 'h', 'a', '2'], ['HGET', 'h', 'a'], ['HSETNX', 'h', 'b', ''], ['HGETALL', 'h'],
  ],
  'hdel hexists hstrlen': [
    ['HSET', 'h', 'a', '1', 'b', 'hello', 'c', ''], ['HSTRLEN', 'h', 'b'], ['HSTRLEN', 'h', 'c'], ['HSTRLEN', 'h', 'zz'],
    ['HSTRLEN', 'nokey', 'a'], ['HEXISTS', 'h', 'a'], ['HEXISTS', 'h', 'zz'], ['HEXISTS', 'nokey', 'a'],
    ['HDEL', 'h', 'a', 'a', 'zz'], ['HDEL', 'nokey', 'a'], ['HGETALL', 'h'], ['HDEL', 'h', 'b', 'c', 'd'], ['EXISTS', 'h'],
  ],
  'hkeys hvals hgetall order': [
    ['HSET', 'h', 'z', '1', 'y', '2', 'x', '3'], ['HSET', 'h', 'y', '20'], ['HDEL', 'h', 'z'], ['HSET', 'h', 'w', '4'],
    ['HKEYS', 'h'], ['HVALS', 'h'], ['HGETALL', 'h'], ['HKEYS', 'nokey'], ['HVALS', 'nokey'], ['HGETALL', 'nokey'],
  ],
  'hincrby': [
    ['HINCRBY', 'h', 'n', '5'], ['HINCRBY', 'h', 'n', '-10'], ['HINCRBY', 'h', 'n', 'x'], ['HINCRBY', 'h', 'n', '1.5'],
    ['HSET', 'h', 's', 'abc', 'big', '9223372036854775806', 'lz', '01', 'f', '1.5'],
    ['HINCRBY', 'h', 's', '1'], ['HINCRBY', 'h', 'big', '1'], ['HINCRBY', 'h', 'big', '1'], ['HINCRBY', 'h', 'lz', '1'],
    ['HINCRBY', 'h', 'f', '1'], ['HSET', 'h', 'min', '-9223372036854775807'], ['HINCRBY', 'h', 'min', '-1'],
    ['HINCRBY', 'h', 'min', '-1'], ['HINCRBY', 'h', 'n', '9223372036854775807'], ['HGETALL', 'h'],
    ['HINCRBY', 'h', 'x', '9223372036854775808'],
  ],
  'hincrbyfloat': [
    ['HINCRBYFLOAT', 'h', 'f', '10.5'], ['HINCRBYFLOAT', 'h', 'f', '0.1'], ['HINCRBYFLOAT', 'h', 'f', '-5'],
    ['HINCRBYFLOAT', 'h', 'f', '1e3'], ['HINCRBYFLOAT', 'h', 'f', '3.0e-2'], ['HINCRBYFLOAT', 'h', 'g', '-0'],
    ['HINCRBYFLOAT', 'h', 'f', 'x'], ['HINCRBYFLOAT', 'h', 'f', 'inf'], ['HINCRBYFLOAT', 'h', 'f', '-inf'],
    ['HINCRBYFLOAT', 'h', 'f', 'nan'], ['HINCRBYFLOAT', 'h', 'f', ''], ['HINCRBYFLOAT', 'h', 'f', ' 1'],
    ['HSET', 'h', 's', 'abc', 'i', '7'], ['HINCRBYFLOAT', 'h', 's', '1'], ['HINCRBYFLOAT', 'h', 'i', '1.25'],
    ['HINCRBYFLOAT', 'h', 'i', '-8.25'], ['HINCRBY', 'h', 'i', '1'], ['HINCRBYFLOAT', 'h', 'i', '1'], ['HGETALL', 'h'],
  ],
  'hincrbyfloat uses long double precision': [
    ['HINCRBYFLOAT', 'h', 'a', '0.1'], ['HINCRBYFLOAT', 'h', 'a', '0.2'], ['HINCRBYFLOAT', 'h', 'b', '1e30'],
    ['HINCRBYFLOAT', 'h', 'b', '1'], ['HINCRBYFLOAT', 'h', 'c', '0.0000001'], ['HINCRBYFLOAT', 'h', 'c', '-5'],
    ['HINCRBYFLOAT', 'h', 'd', '1e400'], ['HINCRBYFLOAT', 'h', 'e', '1e5000'], ['HINCRBYFLOAT', 'h', 'e', '1.5e-4000'],
    ['HINCRBYFLOAT', 'h', 'e', '-3.3333333333333333333333'], ['HINCRBYFLOAT', 'h', 'e', '.5'], ['HINCRBYFLOAT', 'h', 'e', '5.'],
    ['HINCRBYFLOAT', 'h', 'e', '+1.5E+2'], ['HSET', 'h', 'inf', 'inf'], ['HINCRBYFLOAT', 'h', 'inf', '1'],
    ['HMGET', 'h', 'a', 'b', 'c', 'd', 'e', 'inf'], ['HSET', 'h', 'huge', '1e5000'], ['HINCRBYFLOAT', 'h', 'huge', '1'],
    ['HINCRBYFLOAT', 'h', 'x', '1e-5000'], ['HINCRBYFLOAT', 'h', 'x', '1e4933'], ['HINCRBYFLOAT', 'h', 'x', '1e4932'],
    ['HINCRBYFLOAT', 'h', 'x', '1e4932'],
  ],
  'hrandfield deterministic cases': [
    ['HRANDFIELD', 'nokey'], ['HRANDFIELD', 'nokey', '3'], ['HRANDFIELD', 'nokey', '-3', 'WITHVALUES'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'], ['HRANDFIELD', 'h', '3'], ['HRANDFIELD', 'h', '10', 'withvalues'],
    ['HRANDFIELD', 'h', '0'], ['HRANDFIELD', 'h', '0', 'WITHVALUES'], ['HRANDFIELD', 'h', '1', 'WITHVALUE'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'], ['HRANDFIELD', 'h', 'x'], ['HRANDFIELD', 'h', '-9223372036854775808'],
    ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'], ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
    ['HSET', 'one', 'f', 'v'], ['HRANDFIELD', 'one'], ['HRANDFIELD', 'one', '-3'], ['HRANDFIELD', 'one', '-2', 'WITHVALUES'],
    ['HRANDFIELD', 'one', '1', 'WITHVALUES'],
  ],
  'wrong type': [
    ['SET', 's', 'v'], ['HSET', 's', 'a', '1'], ['HMSET', 's', 'a', '1'], ['HSETNX', 's', 'a', '1'], ['HGET', 's', 'a'],
    ['HMGET', 's', 'a'], ['HDEL', 's', 'a'], ['HLEN', 's'], ['HSTRLEN', 's', 'a'], ['HEXISTS', 's', 'a'], ['HKEYS', 's'],
    ['HVALS', 's'], ['HGETALL', 's'], ['HINCRBY', 's', 'a', '1'], ['HINCRBY', 's', 'a', 'x'], ['HINCRBYFLOAT', 's', 'a', '1'],
    ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'], ['HRANDFIELD', 's', 'x'],
    ['RPUSH', 'l', 'x'], ['HGET', 'l', 'a'],
  ],
  'arity': [
    ['HSET', 'h', 'a'], ['HSETNX', 'h', 'a'], ['HGET', 'h'], ['HMGET', 'h'], ['HDEL', 'h'], ['HLEN'], ['HSTRLEN', 'h'],
    ['HEXISTS', 'h'], ['HKEYS'], ['HVALS', 'a', 'b'], ['HGETALL'], ['HINCRBY', 'h', 'a'], ['HINCRBYFLOAT', 'h', 'a'],
    ['HRANDFIELD'],
  ],
  'binary fields and values': [
    ['HSET', bin, bin, bin, '', bin], ['HGET', bin, bin], ['HGET', bin, ''], ['HGETALL', bin], ['HSTRLEN', bin, bin],
    ['HDEL', bin, bin], ['HKEYS', bin],
  ],
});
