import { differential } from '../helpers/differential.js';

differential('string basics', {
  'set and get': [['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'missing'], ['SET', 'k', 'w', 'NX'], ['SET', 'k', 'w', 'XX'], ['GET', 'k']],
  'set options': [
    ['SET', 'k', 'v', 'EX', '100'], ['SET', 'k', 'v', 'EX', '0'], ['SET', 'k', 'v', 'EX', 'x'], ['SET', 'k', 'v', 'PX', '-1'],
    ['SET', 'k', 'v', 'NX', 'XX'], ['SET', 'k', 'v', 'EX', '1', 'PX', '1'], ['SET', 'k', 'v', 'KEEPTTL', 'EX', '1'],
    ['SET', 'k', 'v2', 'GET'], ['SET', 'n', 'v', 'GET'], ['SET', 'k', 'v', 'FOO'], ['SET', 'k'],
  ],
  'incr': [
    ['INCR', 'i'], ['INCRBY', 'i', '10'], ['DECR', 'i'], ['DECRBY', 'i', '-5'], ['INCRBY', 'i', 'x'],
    ['SET', 'big', '9223372036854775806'], ['INCR', 'big'], ['INCR', 'big'], ['SET', 's', 'abc'], ['INCR', 's'],
    ['SET', 'z', '010'], ['INCR', 'z'], ['DECRBY', 'i', '-9223372036854775808'],
  ],
  'mget mset del exists': [
    ['MSET', 'a', '1', 'b', '2'], ['MGET', 'a', 'b', 'c'], ['MSET', 'a'], ['MSET', 'a', '1', 'b'], ['EXISTS', 'a', 'a', 'c'],
    ['DEL', 'a', 'c'], ['EXISTS', 'a'],
  ],
});
