// Differences the command fuzzer (command-fuzz.test.ts) found and that were fixed, kept as
// differential scripts against redis-server so they stay fixed.

import { differential } from '../helpers/differential.js';

differential('command fuzzer findings', {
  'PFCOUNT/PFMERGE/PFADD on a key of another type: the usual WRONGTYPE; on a plain string: the HLL one': [
    ['RPUSH', 'list', 'a'], ['SET', 'str', '42'], ['PFADD', 'hll', 'a'],
    ['PFCOUNT', 'list'], ['PFCOUNT', 'hll', 'list'], ['PFMERGE', 'list', 'hll'], ['PFMERGE', 'hll', 'list'], ['PFADD', 'list', 'x'],
    ['PFCOUNT', 'str'], ['PFMERGE', 'hll', 'str'],
  ],
  'SELECT of an index outside int range, and of a non-integer': [
    ['SELECT', '2147483648'], ['SELECT', '-2147483649'], ['SELECT', '9223372036854775807'], ['SELECT', '9223372036854775808'],
    ['SELECT', 'x'], ['SELECT', '2147483647'], ['SELECT', '-1'],
  ],
  'ACL CAT, GENPASS, LOG and SLOWLOG GET with too many arguments': [
    ['ACL', 'CAT', 'hash', 'x'], ['ACL', 'GENPASS', '1', '2'], ['ACL', 'log', '1', '2'], ['ACL', 'LOG', 'RESET', 'x'],
    ['SLOWLOG', 'get', '1', '2'], ['SLOWLOG', 'GET', '-2'], ['ACL', 'CAT', 'nosuch'],
  ],
  'an error quoting an argument that ends in CR/LF drops them, as Redis trims formatted errors': [
    ['SET', 'k', 'v'], ['EXPIRE', 'k', '10', '\r\n'], ['PEXPIRE', 'k', '10', 'NX', 'x\r\ny\r\n'], ['EXPIREAT', 'k', '10', '\n'],
    ['OBJECT', 'nosuch\r\n'], ['NOSUCHCMD\r\n', 'a\r\n'],
  ],
  'a refused EXEC replies EXECABORT and ends the transaction, in MULTI or not': [
    ['EXEC', 'x'], ['MULTI'], ['SET', 'a', '1'], ['EXEC', 'x'], ['EXEC'], ['GET', 'a'], ['DISCARD'],
  ],
  'out-of-range coordinates of 1e21 and more are written out in full, as printf %f does': [
    ['GEOADD', 'g', '1e308', '1', 'm'], ['GEOADD', 'g', '1', '-1e22', 'm'], ['GEOADD', 'g', '99999999999999999999999', '1', 'm'],
    ['GEORADIUS_RO', 'g', '-2147483649', '99999999999999999999999', '1', 'km'], ['GEOADD', 'g', '200', '1', 'm'],
  ],
});
