// Error texts that echo an argument, byte for byte against redis-server 7.0: Redis formats them
// with printf's %s, so an argument holding a NUL byte is shown only up to that byte.

import { differential } from '../helpers/differential.js';

differential('error texts echo arguments up to a NUL byte', {
  'HELLO, CLIENT, LATENCY, REPLCONF, CONFIG SET': [
    ['HELLO', '3', 'fo\0o'],
    ['CLIENT', 'LIST', 'TYPE', 'a\0b'],
    ['CLIENT', 'KILL', 'USER', 'qq\0r'],
    ['LATENCY', 'GRAPH', 'xy\0z'],
    ['REPLCONF', 'a\0b', '1'],
    ['REPLCONF', 'rdb-filter-only', 'x\0y'],
    ['CONFIG', 'SET', 'maxm\0emory', '1'],
  ],
  'PFDEBUG subcommand': [['PFADD', 'h', 'a'], ['PFDEBUG', 'xy\0z', 'h']],
  'FUNCTION LIST and LOAD options': [
    ['FUNCTION', 'LIST', 'x\0y'],
    ['FUNCTION', 'LOAD', 'x\0y', '#!lua name=x\nreturn 1'],
  ],
  'ACL CAT, DRYRUN, SETUSER': [
    ['ACL', 'CAT', 'ab\0c'],
    ['ACL', 'DRYRUN', 'u\0x', 'get'],
    ['ACL', 'DRYRUN', 'default', 'g\0et'],
    ['ACL', 'SETUSER', 'u', 'a\0b'],
    ['ACL', 'SETUSER', 'u', '(a\0b'],
    ['ACL', 'USERS'],
  ],
});

differential('cluster error texts echo arguments up to a NUL byte', {
  'CLUSTER FORGET, SETSLOT, MEET': [
    ['CLUSTER', 'FORGET', 'ab\0c'],
    ['CLUSTER', 'SETSLOT', '1', 'NODE', 'ab\0c'],
    ['CLUSTER', 'SETSLOT', '1', 'IMPORTING', 'ab\0c'],
    ['CLUSTER', 'MEET', '127.0.0.1', '12\0x'],
    ['CLUSTER', 'MEET', '127.0.0.1', '7000', '7\0y'],
  ],
}, { serverArgs: ['--cluster-enabled', 'yes'] });
