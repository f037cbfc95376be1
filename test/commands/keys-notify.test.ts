// Keyspace events of the generic key commands, and their effect on WATCH, compared with
// redis-server. A RESP3 connection subscribed to every key event sees each event as a push frame
// before the reply of the command that caused it; trailing PINGs collect the last pushes.
// (In the RESP2 run the subscribed connection may only PING: both servers refuse the rest alike.)

import { differential } from '../helpers/differential.js';

const SUB = ['PSUBSCRIBE', '__key*__:*'];
const drain = (n: number): string[][] => Array.from({ length: n }, () => ['PING']);

differential('generic key events', {
  'del, unlink, rename and renamenx': [
    SUB, ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['DEL', 'a', 'nope'], ['UNLINK', 'b', 'nope'], ['RENAME', 'c', 'd'],
    ['RENAME', 'd', 'd'], ['RENAMENX', 'd', 'e'], ['SET', 'f', '1'], ['RENAMENX', 'e', 'f'], ['RENAME', 'e', 'f'], ...drain(6),
  ],
  'move, copy and swapdb': [
    SUB, ['SET', 'k', 'v', 'EX', '100'], ['MOVE', 'k', '2'], ['MOVE', 'k', '2'], ['SELECT', '2'], ['COPY', 'k', 'k2'],
    ['COPY', 'k', 'k3', 'DB', '4'], ['COPY', 'k', 'k3', 'DB', '4'], ['COPY', 'k', 'k3', 'DB', '4', 'REPLACE'],
    ['SWAPDB', '2', '4'], ['SELECT', '0'], ...drain(6),
  ],
  'expire family and persist': [
    SUB, ['SET', 'k', 'v'], ['EXPIRE', 'k', '100'], ['PEXPIRE', 'k', '200000', 'GT'], ['EXPIRE', 'k', '5', 'GT'],
    ['EXPIREAT', 'k', '4000000000'], ['PEXPIREAT', 'k', '4000000000000', 'NX'], ['PERSIST', 'k'], ['PERSIST', 'k'],
    ['EXPIRE', 'k', '-1'], ['SET', 'j', 'v'], ['PEXPIREAT', 'j', '1'], ['EXPIRE', 'nope', '1'], ...drain(6),
  ],
  'read-only commands publish nothing': [
    SUB, ['SET', 'k', 'v'], ['EXISTS', 'k'], ['TYPE', 'k'], ['TOUCH', 'k'], ['TTL', 'k'], ['OBJECT', 'ENCODING', 'k'],
    ['RANDOMKEY'], ['KEYS', '*'], ['SCAN', '0'], ...drain(4),
  ],
}, { serverArgs: ['--notify-keyspace-events', 'KEA'] });

differential('generic key commands and WATCH', {
  'swapdb dirties watchers of keys in either database': [
    ['SET', 'k', 'v'], ['SELECT', '1'], ['SET', 'other', 'x'], ['SELECT', '0'], ['WATCH', 'k'], ['SWAPDB', '0', '1'],
    ['MULTI'], ['GET', 'k'], ['EXEC'], ['WATCH', 'other'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'nowhere'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC'],
  ],
  'rename, move, copy, expire and persist dirty watchers': [
    ['SET', 'a', '1'], ['WATCH', 'a'], ['RENAME', 'a', 'b'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'b'], ['MOVE', 'b', '1'], ['MULTI'], ['PING'], ['EXEC'],
    ['SET', 'c', '1'], ['WATCH', 'd'], ['COPY', 'c', 'd'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'c'], ['EXPIRE', 'c', '100'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'c'], ['PERSIST', 'c'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'c'], ['PERSIST', 'c'], ['TTL', 'c'], ['EXISTS', 'c'], ['MULTI'], ['PING'], ['EXEC'],
    ['WATCH', 'c'], ['EXPIRE', 'c', '100', 'XX'], ['MULTI'], ['PING'], ['EXEC'],
  ],
});
