import { differential } from '../helpers/differential.js';

const bin = Buffer.from([0, 1, 2, 255, 13, 10, 128, 65]);
const bin2 = Buffer.from([255, 254, 0]);

differential('list', {
  'push and range': [
    ['LPUSH', 'l', 'a', 'b', 'c'], ['RPUSH', 'l', 'x', 'y'], ['LRANGE', 'l', '0', '-1'], ['LLEN', 'l'],
    ['LRANGE', 'l', '-2', '-1'], ['LRANGE', 'l', '-100', '100'], ['LRANGE', 'l', '3', '1'], ['LRANGE', 'l', '5', '10'],
    ['LRANGE', 'l', '0', '-6'], ['LRANGE', 'l', '1', '-2'], ['LRANGE', 'nokey', '0', '-1'], ['LRANGE', 'l', 'a', '1'],
    ['LRANGE', 'l', '0', '9223372036854775807'], ['LRANGE', 'l', '-9223372036854775808', '1'], ['LRANGE', 'l', '0', '9223372036854775808'],
    ['LLEN', 'nokey'],
  ],
  'pushx': [
    ['LPUSHX', 'l', 'a'], ['RPUSHX', 'l', 'a', 'b'], ['EXISTS', 'l'], ['RPUSH', 'l', '1'], ['LPUSHX', 'l', '0', '-1'],
    ['RPUSHX', 'l', '2', '3'], ['LRANGE', 'l', '0', '-1'], ['SET', 's', 'v'], ['LPUSHX', 's', 'a'], ['RPUSHX', 's', 'a'],
  ],
  'pop with and without count': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', '0'], ['LPOP', 'l', '2'],
    ['RPOP', 'l', '5'], ['EXISTS', 'l'], ['LPOP', 'l'], ['RPOP', 'l', '2'], ['LPOP', 'l', '0'], ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'x'], ['RPOP', 'l', '1', '2'], ['LPOP', 'l', '1', '2'], ['RPUSH', 'm', 'x'], ['RPOP', 'm', '1'],
    ['RPUSH', 'm', 'x', 'y'], ['RPOP', 'm', '-5'], ['LPOP', 'm', '9223372036854775807'], ['LPOP'],
  ],
  'lindex and lset': [
    ['RPUSH', 'l', 'a', 'b', 'c'], ['LINDEX', 'l', '0'], ['LINDEX', 'l', '-1'], ['LINDEX', 'l', '-3'], ['LINDEX', 'l', '-4'],
    ['LINDEX', 'l', '3'], ['LINDEX', 'l', 'x'], ['LINDEX', 'nokey', 'x'], ['LINDEX', 'nokey', '0'],
    ['LSET', 'l', '1', 'B'], ['LSET', 'l', '-1', 'C'], ['LSET', 'l', '3', 'z'], ['LSET', 'l', '-4', 'z'], ['LSET', 'l', 'x', 'z'],
    ['LSET', 'nokey', '0', 'z'], ['LSET', 'nokey', 'x', 'z'], ['LRANGE', 'l', '0', '-1'],
  ],
  'ltrim': [
    ['RPUSH', 'l', '1', '2', '3', '4', '5', '6'], ['LTRIM', 'l', '1', '-2'], ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '-100', '100'], ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '1', '1'], ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '5', '10'], ['EXISTS', 'l'], ['LTRIM', 'nokey', '0', '1'], ['LTRIM', 'l', 'a', '1'], ['LTRIM', 'l', '0', 'b'],
    ['RPUSH', 'm', 'a', 'b'], ['LTRIM', 'm', '1', '0'], ['EXISTS', 'm'],
  ],
  'lrem': [
    ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'], ['LREM', 'l', '2', 'a'], ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '-1', 'a'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '0', 'b'], ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '0', 'zz'], ['LREM', 'l', 'x', 'a'], ['LREM', 'nokey', '1', 'a'], ['LREM', 'l', '0', 'a'],
    ['LREM', 'l', '0', 'c'], ['EXISTS', 'l'],
    ['RPUSH', 'm', 'x', 'y', 'x', 'y', 'x'], ['LREM', 'm', '-2', 'x'], ['LRANGE', 'm', '0', '-1'],
  ],
  'linsert': [
    ['RPUSH', 'l', 'a', 'b', 'c'], ['LINSERT', 'l', 'BEFORE', 'b', 'x'], ['LINSERT', 'l', 'after', 'c', 'y'],
    ['LINSERT', 'l', 'before', 'a', 'z'], ['LINSERT', 'l', 'After', 'nope', 'q'], ['LRANGE', 'l', '0', '-1'],
    ['LINSERT', 'l', 'middle', 'a', 'q'], ['LINSERT', 'nokey', 'before', 'a', 'q'], ['LINSERT', 'nokey', 'bad', 'a', 'q'],
    ['EXISTS', 'nokey'],
  ],
  'lpos': [
    ['RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c'], ['LPOS', 'l', 'c'], ['LPOS', 'l', 'c', 'RANK', '2'],
    ['LPOS', 'l', 'c', 'RANK', '-1'], ['LPOS', 'l', 'c', 'RANK', '-3'], ['LPOS', 'l', 'c', 'RANK', '4'],
    ['LPOS', 'l', 'c', 'COUNT', '0'], ['LPOS', 'l', 'c', 'COUNT', '2'], ['LPOS', 'l', 'c', 'COUNT', '0', 'RANK', '-2'],
    ['LPOS', 'l', 'c', 'COUNT', '0', 'MAXLEN', '7'], ['LPOS', 'l', 'c', 'RANK', '-1', 'MAXLEN', '1'],
    ['LPOS', 'l', 'c', 'MAXLEN', '2'], ['LPOS', 'l', 'zz'], ['LPOS', 'l', 'zz', 'COUNT', '3'],
    ['LPOS', 'l', 'c', 'RANK', '0'], ['LPOS', 'l', 'c', 'COUNT', '-1'], ['LPOS', 'l', 'c', 'MAXLEN', '-1'],
    ['LPOS', 'l', 'c', 'RANK', 'x'], ['LPOS', 'l', 'c', 'COUNT'], ['LPOS', 'l', 'c', 'FOO', '1'],
    ['LPOS', 'nokey', 'c'], ['LPOS', 'nokey', 'c', 'COUNT', '1'], ['LPOS', 'nokey', 'c', 'RANK', '0'],
    ['LPOS', 'l', 'c', 'RANK', '-9223372036854775808'], ['LPOS', 'l', 'c', 'RANK', '-9223372036854775808', 'COUNT', '1'],
    ['LPOS', 'l', 'c', 'RANK', '-9223372036854775807'], ['LPOS', 'l', 'c', 'RANK', '9223372036854775807', 'COUNT', '0'],
    ['LPOS', 'l', 'c', 'RANK', '-9223372036854775808', 'COUNT', '0', 'MAXLEN', '2'],
  ],
  'lmove and rpoplpush': [
    ['RPUSH', 'a', '1', '2', '3'], ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'], ['LMOVE', 'a', 'b', 'right', 'left'],
    ['LRANGE', 'a', '0', '-1'], ['LRANGE', 'b', '0', '-1'], ['RPOPLPUSH', 'a', 'b'], ['EXISTS', 'a'], ['LRANGE', 'b', '0', '-1'],
    ['RPOPLPUSH', 'a', 'b'], ['LMOVE', 'a', 'b', 'LEFT', 'LEFT'], ['LMOVE', 'b', 'b', 'LEFT', 'RIGHT'], ['LRANGE', 'b', '0', '-1'],
    ['LMOVE', 'b', 'b', 'up', 'LEFT'], ['LMOVE', 'b', 'b', 'LEFT', 'down'], ['SET', 's', 'x'], ['LMOVE', 'b', 's', 'LEFT', 'LEFT'],
    ['LMOVE', 's', 'b', 'LEFT', 'LEFT'], ['LMOVE', 'nokey', 's', 'LEFT', 'LEFT'], ['RPOPLPUSH', 'b', 's'], ['LRANGE', 'b', '0', '-1'],
    ['RPUSH', 'one', 'x'], ['RPOPLPUSH', 'one', 'one'], ['LRANGE', 'one', '0', '-1'],
  ],
  'lmpop': [
    ['RPUSH', 'b', '1', '2', '3'], ['LMPOP', '2', 'a', 'b', 'LEFT'], ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '10'],
    ['EXISTS', 'b'], ['LMPOP', '2', 'a', 'b', 'LEFT'], ['LMPOP', '0', 'a', 'LEFT'], ['LMPOP', '-1', 'a', 'LEFT'],
    ['LMPOP', 'x', 'a', 'LEFT'], ['LMPOP', '3', 'a', 'b', 'LEFT'], ['LMPOP', '1', 'a', 'MIDDLE'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'], ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'], ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'], ['LMPOP', '1', 'a', 'LEFT', 'FOO'], ['LMPOP', '1', 'a'],
    ['SET', 's', 'x'], ['RPUSH', 'c', 'z'], ['LMPOP', '2', 's', 'c', 'LEFT'], ['LMPOP', '2', 'c', 's', 'LEFT'],
    ['LMPOP', '2', 'nokey', 's', 'LEFT'],
  ],
  'wrong type': [
    ['SET', 's', 'v'], ['LPUSH', 's', 'a'], ['RPUSH', 's', 'a'], ['LPOP', 's'], ['RPOP', 's', '2'], ['LLEN', 's'],
    ['LINDEX', 's', '0'], ['LINDEX', 's', 'x'], ['LSET', 's', '0', 'a'], ['LRANGE', 's', '0', '1'], ['LTRIM', 's', '0', '1'],
    ['LREM', 's', '0', 'a'], ['LINSERT', 's', 'before', 'a', 'b'], ['LPOS', 's', 'a'], ['LMOVE', 's', 'd', 'LEFT', 'LEFT'],
    ['RPOPLPUSH', 's', 'd'], ['LMPOP', '1', 's', 'LEFT'], ['GET', 's'],
  ],
  'arity': [
    ['LPUSH', 'l'], ['RPUSH'], ['LLEN'], ['LINDEX', 'l'], ['LSET', 'l', '0'], ['LRANGE', 'l', '0'], ['LTRIM', 'l'],
    ['LREM', 'l', '0'], ['LINSERT', 'l', 'before', 'a'], ['LPOS', 'l'], ['LMOVE', 'a', 'b', 'LEFT'], ['RPOPLPUSH', 'a'],
    ['LMPOP', '1', 'a'], ['RPOP'],
  ],
  'binary elements': [
    ['RPUSH', bin, bin, bin2, ''], ['LRANGE', bin, '0', '-1'], ['LPOS', bin, bin2], ['LINSERT', bin, 'after', bin2, bin],
    ['LREM', bin, '0', bin], ['LRANGE', bin, '0', '-1'], ['LPOP', bin, '3'], ['EXISTS', bin],
  ],
  'big indexes and growth': [
    ['RPUSH', 'l', ...Array.from({ length: 100 }, (_, i) => String(i))],
    ['LPUSH', 'l', ...Array.from({ length: 50 }, (_, i) => `h${i}`)],
    ['LINDEX', 'l', '0'], ['LINDEX', 'l', '49'], ['LINDEX', 'l', '50'], ['LINDEX', 'l', '-1'], ['LINDEX', 'l', '75'],
    ['LINSERT', 'l', 'before', '10', 'mid'], ['LINSERT', 'l', 'after', 'h3', 'mid2'], ['LRANGE', 'l', '40', '70'],
    ['LPOP', 'l', '60'], ['RPOP', 'l', '60'], ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '2', '-3'], ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '-3', 'mid'], ['LLEN', 'l'],
  ],
});
