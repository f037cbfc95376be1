// COMMAND GETKEYS / GETKEYSANDFLAGS against redis-server: sample calls of every command that can
// name more than one key, or whose key flags depend on the call. Cluster clients and proxies use
// these answers to route, so keys, their order and their flags must be Redis's.

import { describe, expect, it } from 'vitest';
import { allCommands } from '../../src/commands/registry.js';
import { keySpecsOf } from '../../src/commands/keyspecs.js';
import { differential, type Script } from '../helpers/differential.js';

/** Command name -> calls (space-separated argv). Odd calls on purpose: they reach Redis's fallback key finders. */
const SAMPLES: Record<string, string[]> = {
  set: ['set a b', 'set a b get', 'set a b EX 10 GeT', 'set a b getx'],
  bitfield: [
    'bitfield k', 'bitfield k get u8 0', 'bitfield k set u8 0 1', 'bitfield k incrby u8 0 1', 'bitfield k get u8 0 overflow',
    'bitfield k overflow wrap get u8 0', 'bitfield k get u8', 'bitfield k bogus', 'bitfield k get u8 0 get i4 3 overflow sat',
  ],
  mset: ['mset a 1 b 2', 'mset a 1 b'],
  msetnx: ['msetnx a 1 b 2 c 3'],
  mget: ['mget a b c', 'mget a'],
  del: ['del a b c'],
  unlink: ['unlink a b'],
  exists: ['exists a b a'],
  touch: ['touch a b'],
  rename: ['rename a b'],
  renamenx: ['renamenx a b'],
  copy: ['copy a b', 'copy a b db 1 replace'],
  lcs: ['lcs a b', 'lcs a b len idx minmatchlen 2'],
  watch: ['watch a b c'],
  ssubscribe: ['ssubscribe a b'],
  sunsubscribe: ['sunsubscribe a b', 'sunsubscribe'],
  bitop: ['bitop and d a b', 'bitop not d a'],
  lmove: ['lmove a b left right'],
  rpoplpush: ['rpoplpush a b'],
  lmpop: [
    'lmpop 2 a b left', 'lmpop 2 a b left count 3', 'lmpop 3 a b left', 'lmpop 0 a left', 'lmpop 02 a b left',
    'lmpop 2abc a b left', 'lmpop +2 a b left', 'lmpop -1 a left', 'lmpop 2 a',
  ],
  blpop: ['blpop a b 0', 'blpop a 1.5'],
  eval: ['eval s 2 a b c', 'eval s 0', 'eval s 0 x', 'eval s 3 a b', 'eval s -1 a', 'eval s x a', 'eval s 02 a b'],
  eval_ro: ['eval_ro s 1 a b', 'eval_ro s 0'],
  evalsha: ['evalsha s 2 a b c', 'evalsha s 0'],
  evalsha_ro: ['evalsha_ro s 1 a'],
  fcall: ['fcall f 2 a b c', 'fcall f 0', 'fcall f 3 a'],
  fcall_ro: ['fcall_ro f 1 a b'],
  brpop: ['brpop a b c 0'],
  blmove: ['blmove a b left right 0'],
  brpoplpush: ['brpoplpush a b 0'],
  blmpop: [
    'blmpop 0 2 a b left', 'blmpop 0 2 a b right count 3', 'blmpop 0 3 a b left', 'blmpop 0 0 a left', 'blmpop 0 02 a b left',
    'blmpop 0 2abc a b left', 'blmpop 0 -1 a left',
  ],
  bzpopmin: ['bzpopmin a b 0'],
  bzpopmax: ['bzpopmax a 0'],
  bzmpop: ['bzmpop 0 2 a b min', 'bzmpop 0 1 a max count 2', 'bzmpop 0 3 a b min', 'bzmpop 0 +1 a min'],
  xread: [
    'xread streams a b 0 0', 'xread count 2 block 0 streams a 0', 'xread streams a', 'xread streams a b 0', 'xread count streams streams s 0',
    'xread foo streams a 0', 'xread streams',
  ],
  xreadgroup: [
    'xreadgroup group g c streams a b > >', 'xreadgroup group streams c noack streams streams >', 'xreadgroup group g c count 1 streams a',
  ],
  sort: ['sort k', 'sort k by w get x', 'sort k store d', 'sort k limit 0 1 store d alpha', 'sort k store d store e', 'sort k store'],
  sort_ro: ['sort_ro k', 'sort_ro k by w get # get x alpha'],
  migrate: ['migrate h 1 k 0 10', 'migrate h 1  0 10 keys a b', 'migrate h 1 k 0 10 auth keys', 'migrate h 1 k 0 10 keys a', 'migrate h 1  0 10 copy keys a'],
  sinter: ['sinter a b c'],
  sunion: ['sunion a b'],
  sdiff: ['sdiff a b'],
  sintercard: ['sintercard 2 a b', 'sintercard 2 a b limit 1', 'sintercard 5 a b', 'sintercard abc a'],
  sinterstore: ['sinterstore d a b'],
  sunionstore: ['sunionstore d a b'],
  sdiffstore: ['sdiffstore d a'],
  smove: ['smove a b m'],
  zunion: ['zunion 2 a b', 'zunion 2 a b weights 1 2', 'zunion 3 a b', 'zunion 2 a'],
  zinter: ['zinter 1 a withscores', 'zinter 2 a b aggregate min'],
  zdiff: ['zdiff 2 a b', 'zdiff 1'],
  zunionstore: ['zunionstore d 2 a b', 'zunionstore d 2 a b aggregate max', 'zunionstore d 2abc a b', 'zunionstore d 02 a b',
    'zunionstore d 5 a b', 'zunionstore d 0 a', 'zunionstore d +1 a'],
  zinterstore: ['zinterstore d 1 a', 'zinterstore d 2 a b weights 1 2'],
  zdiffstore: ['zdiffstore d 2 a b', 'zdiffstore d 2 a'],
  zintercard: ['zintercard 2 a b', 'zintercard 2 a b limit 3', 'zintercard 99999999999 a'],
  zmpop: ['zmpop 2 a b min', 'zmpop 1 a max count 2', 'zmpop 3 a b min'],
  zrangestore: ['zrangestore d s 0 -1', 'zrangestore d s 0 -1 rev'],
  pfcount: ['pfcount a b c', 'pfcount a'],
  pfmerge: ['pfmerge d a b', 'pfmerge d'],
  georadius: [
    'georadius g 0 0 1 km', 'georadius g 0 0 1 km store d', 'georadius g 0 0 1 km storedist d', 'georadius g 0 0 1 km store d storedist e',
    'georadius g 0 0 1 km STORE', 'georadius g 0 0 1 km store d store e', 'georadius g 0 0 1 km store a store b storedist',
    'georadius g 0 0 1 km storedist a store',
  ],
  georadiusbymember: [
    'georadiusbymember g m 1 km', 'georadiusbymember g m 1 km store d', 'georadiusbymember g m 1 km storedist d count 3',
    'georadiusbymember g m 1 km store', 'georadiusbymember g m 1 km store a storedist',
  ],
  geosearchstore: ['geosearchstore d s frommember m byradius 1 km', 'geosearchstore d s fromlonlat 0 0 bybox 1 1 km storedist'],
};

/** Single-key commands, a few of each group, for the flags of their one key spec. */
const SINGLE = [
  'get k', 'getdel k', 'getex k', 'getex k persist', 'incr k', 'append k v', 'lpush l a b', 'lpop l', 'llen l', 'lrem l 0 a', 'ltrim l 0 1',
  'hset h f v', 'hdel h f', 'hlen h', 'hsetnx h f v', 'sadd s m', 'srem s m', 'scard s', 'spop s', 'zadd z 1 m', 'zcard z', 'zrem z m',
  'pfadd h a b', 'pfdebug getreg h', 'geoadd g 0 0 m', 'geosearch s frommember m byradius 1 km', 'georadius_ro g 0 0 1 km',
  'bitfield_ro k get u8 0', 'ttl k', 'expire k 10', 'persist k', 'move a 1', 'type k', 'object encoding k', 'memory usage k',
];

function script(calls: string[]): Script {
  const out: Script = [];
  for (const call of calls) {
    const argv = call.split(' ');
    out.push(['COMMAND', 'GETKEYS', ...argv], ['COMMAND', 'GETKEYSANDFLAGS', ...argv]);
  }
  return out;
}

differential('COMMAND GETKEYS', {
  ...Object.fromEntries(Object.entries(SAMPLES).map(([name, calls]) => [name, script(calls)])),
  'single-key commands': script(SINGLE),
});

describe('COMMAND GETKEYS samples', () => {
  it('cover every command that can name several keys or whose key flags vary with the call', () => {
    const missing: string[] = [];
    for (const cmd of allCommands()) {
      const specs = keySpecsOf(cmd);
      const several = cmd.getKeys !== undefined || specs.length > 1 || (cmd.firstKey > 0 && cmd.lastKey !== cmd.firstKey);
      const variable = specs.some((ks) => ks.flags.includes('variable_flags'));
      if ((several || variable) && SAMPLES[cmd.name] === undefined) missing.push(cmd.name);
    }
    expect(missing).toEqual([]);
  });
});
