// Differences from redis-server found by running Redis's own Tcl suite against Shoal; each script
// names the Tcl test it came from.

import { differential } from '../helpers/differential.js';

differential('Tcl suite regressions', {
  // unit/type/zset: "ZUNIONSTORE with a regular set and weights"
  'ZUNIONSTORE/ZINTER/ZDIFF with plain sets as sources': [
    ['SADD', 'seta{t}', 'a', 'b', 'c'],
    ['SADD', 'setn{t}', '1', '2', '3'],
    ['ZADD', 'zsetb{t}', '1', 'b', '2', 'c', '3', 'd'],
    ['ZUNIONSTORE', 'zsetc{t}', '2', 'seta{t}', 'zsetb{t}', 'WEIGHTS', '2', '3'],
    ['ZRANGE', 'zsetc{t}', '0', '-1', 'WITHSCORES'],
    ['ZINTER', '2', 'seta{t}', 'zsetb{t}', 'WITHSCORES'],
    ['ZINTER', '2', 'zsetb{t}', 'seta{t}', 'AGGREGATE', 'MAX', 'WITHSCORES'],
    ['ZINTERCARD', '2', 'seta{t}', 'setn{t}'],
    ['ZDIFF', '2', 'seta{t}', 'zsetb{t}', 'WITHSCORES'],
    ['ZDIFF', '2', 'setn{t}', 'seta{t}', 'WITHSCORES'],
    ['ZUNION', '3', 'setn{t}', 'seta{t}', 'zsetb{t}', 'WITHSCORES'],
  ],
});
