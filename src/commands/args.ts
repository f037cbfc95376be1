// COMMAND DOCS argument tables of the commands whose definitions carry none: the shape of each
// command's syntax (argument names, types, tokens, flags, the version that added them) exactly as
// Redis 7.0 reports it, since tools such as redis-cli build their hints from it. Keyed by full
// command name ("client|kill"); a definition's own docs.args wins.

import type { ArgSpec } from './spec.js';

export const COMMAND_ARGS: Readonly<Record<string, ArgSpec[]>> = {
  'acl|cat': [
    { name: 'categoryname', type: 'string', flags: ['optional'] },
  ],
  'acl|deluser': [
    { name: 'username', type: 'string', flags: ['multiple'] },
  ],
  'acl|dryrun': [
    { name: 'username', type: 'string' },
    { name: 'command', type: 'string' },
    { name: 'arg', type: 'string', flags: ['optional', 'multiple'] },
  ],
  'acl|genpass': [
    { name: 'bits', type: 'integer', flags: ['optional'] },
  ],
  'acl|getuser': [
    { name: 'username', type: 'string' },
  ],
  'acl|log': [
    {
      name: 'operation', type: 'oneof', flags: ['optional'], args: [
        { name: 'count', type: 'integer' },
        { name: 'reset', type: 'pure-token', token: 'RESET' },
      ],
    },
  ],
  'acl|setuser': [
    { name: 'username', type: 'string' },
    { name: 'rule', type: 'string', flags: ['optional', 'multiple'] },
  ],
  append: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'value', type: 'string' }],
  auth: [{ name: 'username', type: 'string', since: '6.0.0', flags: ['optional'] }, { name: 'password', type: 'string' }],
  bgsave: [
    { name: 'schedule', type: 'pure-token', token: 'SCHEDULE', since: '3.2.2', flags: ['optional'] },
  ],
  bitcount: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'index', type: 'block', flags: ['optional'], args: [
        { name: 'start', type: 'integer' },
        { name: 'end', type: 'integer' },
        {
          name: 'index_unit', type: 'oneof', since: '7.0.0', flags: ['optional'], args: [
            { name: 'byte', type: 'pure-token', token: 'BYTE' },
            { name: 'bit', type: 'pure-token', token: 'BIT' },
          ],
        },
      ],
    },
  ],
  bitfield: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'operation', type: 'oneof', flags: ['optional', 'multiple'], args: [
        {
          name: 'encoding_offset', type: 'block', token: 'GET', args: [
            { name: 'encoding', type: 'string' },
            { name: 'offset', type: 'integer' },
          ],
        },
        {
          name: 'write', type: 'block', args: [
            {
              name: 'wrap_sat_fail', type: 'oneof', token: 'OVERFLOW', flags: ['optional'], args: [
                { name: 'wrap', type: 'pure-token', token: 'WRAP' },
                { name: 'sat', type: 'pure-token', token: 'SAT' },
                { name: 'fail', type: 'pure-token', token: 'FAIL' },
              ],
            },
            {
              name: 'write_operation', type: 'oneof', args: [
                {
                  name: 'encoding_offset_value', type: 'block', token: 'SET', args: [
                    { name: 'encoding', type: 'string' },
                    { name: 'offset', type: 'integer' },
                    { name: 'value', type: 'integer' },
                  ],
                },
                {
                  name: 'encoding_offset_increment', type: 'block', token: 'INCRBY', args: [
                    { name: 'encoding', type: 'string' },
                    { name: 'offset', type: 'integer' },
                    { name: 'increment', type: 'integer' },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
  bitfield_ro: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'encoding_offset', type: 'block', token: 'GET', flags: ['optional', 'multiple', 'multiple_token'], args: [
        { name: 'encoding', type: 'string' },
        { name: 'offset', type: 'integer' },
      ],
    },
  ],
  bitop: [
    { name: 'operation', type: 'string' },
    { name: 'destkey', type: 'key', keySpecIndex: 0 },
    { name: 'key', type: 'key', keySpecIndex: 1, flags: ['multiple'] },
  ],
  bitpos: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'bit', type: 'integer' },
    {
      name: 'index', type: 'block', flags: ['optional'], args: [
        { name: 'start', type: 'integer' },
        {
          name: 'end_index', type: 'block', flags: ['optional'], args: [
            { name: 'end', type: 'integer' },
            {
              name: 'index_unit', type: 'oneof', since: '7.0.0', flags: ['optional'], args: [
                { name: 'byte', type: 'pure-token', token: 'BYTE' },
                { name: 'bit', type: 'pure-token', token: 'BIT' },
              ],
            },
          ],
        },
      ],
    },
  ],
  blmove: [
    { name: 'source', type: 'key', keySpecIndex: 0 },
    { name: 'destination', type: 'key', keySpecIndex: 1 },
    {
      name: 'wherefrom', type: 'oneof', args: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ],
    },
    {
      name: 'whereto', type: 'oneof', args: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ],
    },
    { name: 'timeout', type: 'double' },
  ],
  blmpop: [
    { name: 'timeout', type: 'double' },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    {
      name: 'where', type: 'oneof', args: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ],
    },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
  ],
  blpop: [
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    { name: 'timeout', type: 'double' },
  ],
  brpop: [
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    { name: 'timeout', type: 'double' },
  ],
  brpoplpush: [
    { name: 'source', type: 'key', keySpecIndex: 0 },
    { name: 'destination', type: 'key', keySpecIndex: 1 },
    { name: 'timeout', type: 'double' },
  ],
  bzmpop: [
    { name: 'timeout', type: 'double' },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    {
      name: 'where', type: 'oneof', args: [
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ],
    },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
  ],
  bzpopmax: [
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    { name: 'timeout', type: 'double' },
  ],
  bzpopmin: [
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    { name: 'timeout', type: 'double' },
  ],
  'client|caching': [
    {
      name: 'mode', type: 'oneof', args: [
        { name: 'yes', type: 'pure-token', token: 'YES' },
        { name: 'no', type: 'pure-token', token: 'NO' },
      ],
    },
  ],
  'client|kill': [
    {
      name: 'filter', type: 'oneof', args: [
        { name: 'ip:port', type: 'string', deprecatedSince: '2.8.12' },
        {
          name: 'new-format', type: 'oneof', flags: ['multiple'], args: [
            { name: 'client-id', type: 'integer', token: 'ID', since: '2.8.12', flags: ['optional'] },
            {
              name: 'normal_master_slave_pubsub', type: 'oneof', token: 'TYPE', since: '2.8.12', flags: ['optional'], args: [
                { name: 'normal', type: 'pure-token', token: 'NORMAL' },
                { name: 'master', type: 'pure-token', token: 'MASTER', since: '3.2.0' },
                { name: 'slave', type: 'pure-token', token: 'SLAVE' },
                { name: 'replica', type: 'pure-token', token: 'REPLICA', since: '5.0.0' },
                { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
              ],
            },
            { name: 'username', type: 'string', token: 'USER', flags: ['optional'] },
            { name: 'ip:port', type: 'string', token: 'ADDR', flags: ['optional'] },
            { name: 'ip:port', type: 'string', token: 'LADDR', since: '6.2.0', flags: ['optional'] },
            { name: 'yes/no', type: 'string', token: 'SKIPME', flags: ['optional'] },
          ],
        },
      ],
    },
  ],
  'client|list': [
    {
      name: 'normal_master_replica_pubsub', type: 'oneof', token: 'TYPE', since: '5.0.0', flags: ['optional'], args: [
        { name: 'normal', type: 'pure-token', token: 'NORMAL' },
        { name: 'master', type: 'pure-token', token: 'MASTER' },
        { name: 'replica', type: 'pure-token', token: 'REPLICA' },
        { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
      ],
    },
    {
      name: 'id', type: 'block', token: 'ID', since: '6.2.0', flags: ['optional'], args: [
        { name: 'client-id', type: 'integer', flags: ['multiple'] },
      ],
    },
  ],
  'client|no-evict': [
    {
      name: 'enabled', type: 'oneof', args: [
        { name: 'on', type: 'pure-token', token: 'ON' },
        { name: 'off', type: 'pure-token', token: 'OFF' },
      ],
    },
  ],
  'client|pause': [
    { name: 'timeout', type: 'integer' },
    {
      name: 'mode', type: 'oneof', since: '6.2.0', flags: ['optional'], args: [
        { name: 'write', type: 'pure-token', token: 'WRITE' },
        { name: 'all', type: 'pure-token', token: 'ALL' },
      ],
    },
  ],
  'client|reply': [
    {
      name: 'on_off_skip', type: 'oneof', args: [
        { name: 'on', type: 'pure-token', token: 'ON' },
        { name: 'off', type: 'pure-token', token: 'OFF' },
        { name: 'skip', type: 'pure-token', token: 'SKIP' },
      ],
    },
  ],
  'client|setname': [{ name: 'connection-name', type: 'string' }],
  'client|unblock': [
    { name: 'client-id', type: 'integer' },
    {
      name: 'timeout_error', type: 'oneof', flags: ['optional'], args: [
        { name: 'timeout', type: 'pure-token', token: 'TIMEOUT' },
        { name: 'error', type: 'pure-token', token: 'ERROR' },
      ],
    },
  ],
  copy: [
    { name: 'source', type: 'key', keySpecIndex: 0 },
    { name: 'destination', type: 'key', keySpecIndex: 1 },
    { name: 'destination-db', type: 'integer', token: 'DB', flags: ['optional'] },
    { name: 'replace', type: 'pure-token', token: 'REPLACE', flags: ['optional'] },
  ],
  decr: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  decrby: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'decrement', type: 'integer' }],
  del: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  dump: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  echo: [{ name: 'message', type: 'string' }],
  exists: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  expire: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'seconds', type: 'integer' },
    {
      name: 'condition', type: 'oneof', since: '7.0.0', flags: ['optional'], args: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ],
    },
  ],
  expireat: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'unix-time-seconds', type: 'unix-time' },
    {
      name: 'condition', type: 'oneof', since: '7.0.0', flags: ['optional'], args: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ],
    },
  ],
  expiretime: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  geoadd: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'condition', type: 'oneof', since: '6.2.0', flags: ['optional'], args: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
      ],
    },
    { name: 'change', type: 'pure-token', token: 'CH', since: '6.2.0', flags: ['optional'] },
    {
      name: 'longitude_latitude_member', type: 'block', flags: ['multiple'], args: [
        { name: 'longitude', type: 'double' },
        { name: 'latitude', type: 'double' },
        { name: 'member', type: 'string' },
      ],
    },
  ],
  geodist: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member1', type: 'string' },
    { name: 'member2', type: 'string' },
    {
      name: 'unit', type: 'oneof', flags: ['optional'], args: [
        { name: 'm', type: 'pure-token', token: 'M' },
        { name: 'km', type: 'pure-token', token: 'KM' },
        { name: 'ft', type: 'pure-token', token: 'FT' },
        { name: 'mi', type: 'pure-token', token: 'MI' },
      ],
    },
  ],
  geohash: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string', flags: ['multiple'] }],
  geopos: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string', flags: ['multiple'] }],
  georadius: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'longitude', type: 'double' },
    { name: 'latitude', type: 'double' },
    { name: 'radius', type: 'double' },
    {
      name: 'unit', type: 'oneof', args: [
        { name: 'm', type: 'pure-token', token: 'M' },
        { name: 'km', type: 'pure-token', token: 'KM' },
        { name: 'ft', type: 'pure-token', token: 'FT' },
        { name: 'mi', type: 'pure-token', token: 'MI' },
      ],
    },
    { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', flags: ['optional'] },
    { name: 'withdist', type: 'pure-token', token: 'WITHDIST', flags: ['optional'] },
    { name: 'withhash', type: 'pure-token', token: 'WITHHASH', flags: ['optional'] },
    {
      name: 'count', type: 'block', flags: ['optional'], args: [
        { name: 'count', type: 'integer', token: 'COUNT' },
        { name: 'any', type: 'pure-token', token: 'ANY', since: '6.2.0', flags: ['optional'] },
      ],
    },
    {
      name: 'order', type: 'oneof', flags: ['optional'], args: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ],
    },
    { name: 'key', type: 'key', keySpecIndex: 1, token: 'STORE', flags: ['optional'] },
    { name: 'key', type: 'key', keySpecIndex: 2, token: 'STOREDIST', flags: ['optional'] },
  ],
  georadius_ro: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'longitude', type: 'double' },
    { name: 'latitude', type: 'double' },
    { name: 'radius', type: 'double' },
    {
      name: 'unit', type: 'oneof', args: [
        { name: 'm', type: 'pure-token', token: 'M' },
        { name: 'km', type: 'pure-token', token: 'KM' },
        { name: 'ft', type: 'pure-token', token: 'FT' },
        { name: 'mi', type: 'pure-token', token: 'MI' },
      ],
    },
    { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', flags: ['optional'] },
    { name: 'withdist', type: 'pure-token', token: 'WITHDIST', flags: ['optional'] },
    { name: 'withhash', type: 'pure-token', token: 'WITHHASH', flags: ['optional'] },
    {
      name: 'count', type: 'block', flags: ['optional'], args: [
        { name: 'count', type: 'integer', token: 'COUNT' },
        { name: 'any', type: 'pure-token', token: 'ANY', since: '6.2.0', flags: ['optional'] },
      ],
    },
    {
      name: 'order', type: 'oneof', flags: ['optional'], args: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ],
    },
  ],
  georadiusbymember: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string' },
    { name: 'radius', type: 'double' },
    {
      name: 'unit', type: 'oneof', args: [
        { name: 'm', type: 'pure-token', token: 'M' },
        { name: 'km', type: 'pure-token', token: 'KM' },
        { name: 'ft', type: 'pure-token', token: 'FT' },
        { name: 'mi', type: 'pure-token', token: 'MI' },
      ],
    },
    { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', flags: ['optional'] },
    { name: 'withdist', type: 'pure-token', token: 'WITHDIST', flags: ['optional'] },
    { name: 'withhash', type: 'pure-token', token: 'WITHHASH', flags: ['optional'] },
    {
      name: 'count', type: 'block', flags: ['optional'], args: [
        { name: 'count', type: 'integer', token: 'COUNT' },
        { name: 'any', type: 'pure-token', token: 'ANY', flags: ['optional'] },
      ],
    },
    {
      name: 'order', type: 'oneof', flags: ['optional'], args: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ],
    },
    { name: 'key', type: 'key', keySpecIndex: 1, token: 'STORE', flags: ['optional'] },
    { name: 'key', type: 'key', keySpecIndex: 2, token: 'STOREDIST', flags: ['optional'] },
  ],
  georadiusbymember_ro: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'member', type: 'string' },
    { name: 'radius', type: 'double' },
    {
      name: 'unit', type: 'oneof', args: [
        { name: 'm', type: 'pure-token', token: 'M' },
        { name: 'km', type: 'pure-token', token: 'KM' },
        { name: 'ft', type: 'pure-token', token: 'FT' },
        { name: 'mi', type: 'pure-token', token: 'MI' },
      ],
    },
    { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', flags: ['optional'] },
    { name: 'withdist', type: 'pure-token', token: 'WITHDIST', flags: ['optional'] },
    { name: 'withhash', type: 'pure-token', token: 'WITHHASH', flags: ['optional'] },
    {
      name: 'count', type: 'block', flags: ['optional'], args: [
        { name: 'count', type: 'integer', token: 'COUNT' },
        { name: 'any', type: 'pure-token', token: 'ANY', flags: ['optional'] },
      ],
    },
    {
      name: 'order', type: 'oneof', flags: ['optional'], args: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ],
    },
  ],
  geosearch: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'from', type: 'oneof', args: [
        { name: 'member', type: 'string', token: 'FROMMEMBER' },
        {
          name: 'longitude_latitude', type: 'block', token: 'FROMLONLAT', args: [
            { name: 'longitude', type: 'double' },
            { name: 'latitude', type: 'double' },
          ],
        },
      ],
    },
    {
      name: 'by', type: 'oneof', args: [
        {
          name: 'circle', type: 'block', args: [
            { name: 'radius', type: 'double', token: 'BYRADIUS' },
            {
              name: 'unit', type: 'oneof', args: [
                { name: 'm', type: 'pure-token', token: 'M' },
                { name: 'km', type: 'pure-token', token: 'KM' },
                { name: 'ft', type: 'pure-token', token: 'FT' },
                { name: 'mi', type: 'pure-token', token: 'MI' },
              ],
            },
          ],
        },
        {
          name: 'box', type: 'block', args: [
            { name: 'width', type: 'double', token: 'BYBOX' },
            { name: 'height', type: 'double' },
            {
              name: 'unit', type: 'oneof', args: [
                { name: 'm', type: 'pure-token', token: 'M' },
                { name: 'km', type: 'pure-token', token: 'KM' },
                { name: 'ft', type: 'pure-token', token: 'FT' },
                { name: 'mi', type: 'pure-token', token: 'MI' },
              ],
            },
          ],
        },
      ],
    },
    {
      name: 'order', type: 'oneof', flags: ['optional'], args: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ],
    },
    {
      name: 'count', type: 'block', flags: ['optional'], args: [
        { name: 'count', type: 'integer', token: 'COUNT' },
        { name: 'any', type: 'pure-token', token: 'ANY', flags: ['optional'] },
      ],
    },
    { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', flags: ['optional'] },
    { name: 'withdist', type: 'pure-token', token: 'WITHDIST', flags: ['optional'] },
    { name: 'withhash', type: 'pure-token', token: 'WITHHASH', flags: ['optional'] },
  ],
  geosearchstore: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'source', type: 'key', keySpecIndex: 1 },
    {
      name: 'from', type: 'oneof', args: [
        { name: 'member', type: 'string', token: 'FROMMEMBER' },
        {
          name: 'longitude_latitude', type: 'block', token: 'FROMLONLAT', args: [
            { name: 'longitude', type: 'double' },
            { name: 'latitude', type: 'double' },
          ],
        },
      ],
    },
    {
      name: 'by', type: 'oneof', args: [
        {
          name: 'circle', type: 'block', args: [
            { name: 'radius', type: 'double', token: 'BYRADIUS' },
            {
              name: 'unit', type: 'oneof', args: [
                { name: 'm', type: 'pure-token', token: 'M' },
                { name: 'km', type: 'pure-token', token: 'KM' },
                { name: 'ft', type: 'pure-token', token: 'FT' },
                { name: 'mi', type: 'pure-token', token: 'MI' },
              ],
            },
          ],
        },
        {
          name: 'box', type: 'block', args: [
            { name: 'width', type: 'double', token: 'BYBOX' },
            { name: 'height', type: 'double' },
            {
              name: 'unit', type: 'oneof', args: [
                { name: 'm', type: 'pure-token', token: 'M' },
                { name: 'km', type: 'pure-token', token: 'KM' },
                { name: 'ft', type: 'pure-token', token: 'FT' },
                { name: 'mi', type: 'pure-token', token: 'MI' },
              ],
            },
          ],
        },
      ],
    },
    {
      name: 'order', type: 'oneof', flags: ['optional'], args: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ],
    },
    {
      name: 'count', type: 'block', flags: ['optional'], args: [
        { name: 'count', type: 'integer', token: 'COUNT' },
        { name: 'any', type: 'pure-token', token: 'ANY', flags: ['optional'] },
      ],
    },
    { name: 'storedist', type: 'pure-token', token: 'STOREDIST', flags: ['optional'] },
  ],
  get: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  getbit: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'offset', type: 'integer' }],
  getdel: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  getex: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'expiration', type: 'oneof', flags: ['optional'], args: [
        { name: 'seconds', type: 'integer', token: 'EX' },
        { name: 'milliseconds', type: 'integer', token: 'PX' },
        { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
        { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
        { name: 'persist', type: 'pure-token', token: 'PERSIST' },
      ],
    },
  ],
  getrange: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }],
  getset: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'value', type: 'string' }],
  hdel: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'field', type: 'string', flags: ['multiple'] }],
  hello: [
    {
      name: 'arguments', type: 'block', flags: ['optional'], args: [
        { name: 'protover', type: 'integer' },
        {
          name: 'username_password', type: 'block', token: 'AUTH', flags: ['optional'], args: [
            { name: 'username', type: 'string' },
            { name: 'password', type: 'string' },
          ],
        },
        { name: 'clientname', type: 'string', token: 'SETNAME', flags: ['optional'] },
      ],
    },
  ],
  hexists: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'field', type: 'string' }],
  hget: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'field', type: 'string' }],
  hgetall: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  hincrby: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string' },
    { name: 'increment', type: 'integer' },
  ],
  hincrbyfloat: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'field', type: 'string' },
    { name: 'increment', type: 'double' },
  ],
  hkeys: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  hlen: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  hmget: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'field', type: 'string', flags: ['multiple'] }],
  hmset: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'field_value', type: 'block', flags: ['multiple'], args: [
        { name: 'field', type: 'string' },
        { name: 'value', type: 'string' },
      ],
    },
  ],
  hrandfield: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'options', type: 'block', flags: ['optional'], args: [
        { name: 'count', type: 'integer' },
        { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', flags: ['optional'] },
      ],
    },
  ],
  hscan: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'cursor', type: 'integer' },
    { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
  ],
  hset: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'field_value', type: 'block', flags: ['multiple'], args: [
        { name: 'field', type: 'string' },
        { name: 'value', type: 'string' },
      ],
    },
  ],
  hsetnx: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'field', type: 'string' }, { name: 'value', type: 'string' }],
  hstrlen: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'field', type: 'string' }],
  hvals: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  incr: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  incrby: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'increment', type: 'integer' }],
  incrbyfloat: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'increment', type: 'double' }],
  keys: [{ name: 'pattern', type: 'pattern' }],
  lcs: [
    { name: 'key1', type: 'key', keySpecIndex: 0 },
    { name: 'key2', type: 'key', keySpecIndex: 0 },
    { name: 'len', type: 'pure-token', token: 'LEN', flags: ['optional'] },
    { name: 'idx', type: 'pure-token', token: 'IDX', flags: ['optional'] },
    { name: 'len', type: 'integer', token: 'MINMATCHLEN', flags: ['optional'] },
    { name: 'withmatchlen', type: 'pure-token', token: 'WITHMATCHLEN', flags: ['optional'] },
  ],
  lindex: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'index', type: 'integer' }],
  linsert: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'where', type: 'oneof', args: [
        { name: 'before', type: 'pure-token', token: 'BEFORE' },
        { name: 'after', type: 'pure-token', token: 'AFTER' },
      ],
    },
    { name: 'pivot', type: 'string' },
    { name: 'element', type: 'string' },
  ],
  llen: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  lmove: [
    { name: 'source', type: 'key', keySpecIndex: 0 },
    { name: 'destination', type: 'key', keySpecIndex: 1 },
    {
      name: 'wherefrom', type: 'oneof', args: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ],
    },
    {
      name: 'whereto', type: 'oneof', args: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ],
    },
  ],
  lmpop: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    {
      name: 'where', type: 'oneof', args: [
        { name: 'left', type: 'pure-token', token: 'LEFT' },
        { name: 'right', type: 'pure-token', token: 'RIGHT' },
      ],
    },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
  ],
  lpop: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'count', type: 'integer', since: '6.2.0', flags: ['optional'] }],
  lpos: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'element', type: 'string' },
    { name: 'rank', type: 'integer', token: 'RANK', flags: ['optional'] },
    { name: 'num-matches', type: 'integer', token: 'COUNT', flags: ['optional'] },
    { name: 'len', type: 'integer', token: 'MAXLEN', flags: ['optional'] },
  ],
  lpush: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'element', type: 'string', flags: ['multiple'] }],
  lpushx: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'element', type: 'string', flags: ['multiple'] }],
  lrange: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
  lrem: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'count', type: 'integer' }, { name: 'element', type: 'string' }],
  lset: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'index', type: 'integer' }, { name: 'element', type: 'string' }],
  ltrim: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
  mget: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  migrate: [
    { name: 'host', type: 'string' },
    { name: 'port', type: 'integer' },
    {
      name: 'key_or_empty_string', type: 'oneof', args: [
        { name: 'key', type: 'key', keySpecIndex: 0 },
        { name: 'empty_string', type: 'pure-token', token: '' },
      ],
    },
    { name: 'destination-db', type: 'integer' },
    { name: 'timeout', type: 'integer' },
    { name: 'copy', type: 'pure-token', token: 'COPY', since: '3.0.0', flags: ['optional'] },
    { name: 'replace', type: 'pure-token', token: 'REPLACE', since: '3.0.0', flags: ['optional'] },
    {
      name: 'authentication', type: 'oneof', flags: ['optional'], args: [
        { name: 'password', type: 'string', token: 'AUTH', since: '4.0.7', flags: ['optional'] },
        {
          name: 'username_password', type: 'block', token: 'AUTH2', since: '6.0.0', flags: ['optional'], args: [
            { name: 'username', type: 'string' },
            { name: 'password', type: 'string' },
          ],
        },
      ],
    },
    { name: 'key', type: 'key', keySpecIndex: 1, token: 'KEYS', since: '3.0.6', flags: ['optional', 'multiple'] },
  ],
  move: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'db', type: 'integer' }],
  mset: [
    {
      name: 'key_value', type: 'block', flags: ['multiple'], args: [
        { name: 'key', type: 'key', keySpecIndex: 0 },
        { name: 'value', type: 'string' },
      ],
    },
  ],
  msetnx: [
    {
      name: 'key_value', type: 'block', flags: ['multiple'], args: [
        { name: 'key', type: 'key', keySpecIndex: 0 },
        { name: 'value', type: 'string' },
      ],
    },
  ],
  'object|encoding': [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  'object|freq': [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  'object|idletime': [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  'object|refcount': [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  persist: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  pexpire: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'milliseconds', type: 'integer' },
    {
      name: 'condition', type: 'oneof', since: '7.0.0', flags: ['optional'], args: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ],
    },
  ],
  pexpireat: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'unix-time-milliseconds', type: 'unix-time' },
    {
      name: 'condition', type: 'oneof', since: '7.0.0', flags: ['optional'], args: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ],
    },
  ],
  pexpiretime: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  pfadd: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'element', type: 'string', flags: ['optional', 'multiple'] }],
  pfcount: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  pfdebug: [{ name: 'subcommand', type: 'string' }, { name: 'key', type: 'key', keySpecIndex: 0 }],
  pfmerge: [
    { name: 'destkey', type: 'key', keySpecIndex: 0 },
    { name: 'sourcekey', type: 'key', keySpecIndex: 1, flags: ['multiple'] },
  ],
  ping: [{ name: 'message', type: 'string', flags: ['optional'] }],
  psetex: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'milliseconds', type: 'integer' },
    { name: 'value', type: 'string' },
  ],
  psubscribe: [{ name: 'pattern', type: 'block', flags: ['multiple'], args: [{ name: 'pattern', type: 'pattern' }] }],
  pttl: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  publish: [{ name: 'channel', type: 'string' }, { name: 'message', type: 'string' }],
  'pubsub|channels': [{ name: 'pattern', type: 'pattern', flags: ['optional'] }],
  'pubsub|numsub': [{ name: 'channel', type: 'string', flags: ['optional', 'multiple'] }],
  'pubsub|shardchannels': [{ name: 'pattern', type: 'pattern', flags: ['optional'] }],
  'pubsub|shardnumsub': [{ name: 'shardchannel', type: 'string', flags: ['optional', 'multiple'] }],
  punsubscribe: [{ name: 'pattern', type: 'pattern', flags: ['optional', 'multiple'] }],
  rename: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'newkey', type: 'key', keySpecIndex: 1 }],
  renamenx: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'newkey', type: 'key', keySpecIndex: 1 }],
  restore: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'ttl', type: 'integer' },
    { name: 'serialized-value', type: 'string' },
    { name: 'replace', type: 'pure-token', token: 'REPLACE', since: '3.0.0', flags: ['optional'] },
    { name: 'absttl', type: 'pure-token', token: 'ABSTTL', since: '5.0.0', flags: ['optional'] },
    { name: 'seconds', type: 'integer', token: 'IDLETIME', since: '5.0.0', flags: ['optional'] },
    { name: 'frequency', type: 'integer', token: 'FREQ', since: '5.0.0', flags: ['optional'] },
  ],
  'restore-asking': [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'ttl', type: 'integer' },
    { name: 'serialized-value', type: 'string' },
    { name: 'replace', type: 'pure-token', token: 'REPLACE', since: '3.0.0', flags: ['optional'] },
    { name: 'absttl', type: 'pure-token', token: 'ABSTTL', since: '5.0.0', flags: ['optional'] },
    { name: 'seconds', type: 'integer', token: 'IDLETIME', since: '5.0.0', flags: ['optional'] },
    { name: 'frequency', type: 'integer', token: 'FREQ', since: '5.0.0', flags: ['optional'] },
  ],
  rpop: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'count', type: 'integer', since: '6.2.0', flags: ['optional'] }],
  rpoplpush: [{ name: 'source', type: 'key', keySpecIndex: 0 }, { name: 'destination', type: 'key', keySpecIndex: 1 }],
  rpush: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'element', type: 'string', flags: ['multiple'] }],
  rpushx: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'element', type: 'string', flags: ['multiple'] }],
  sadd: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string', flags: ['multiple'] }],
  scan: [
    { name: 'cursor', type: 'integer' },
    { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    { name: 'type', type: 'string', token: 'TYPE', since: '6.0.0', flags: ['optional'] },
  ],
  scard: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  sdiff: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  sdiffstore: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'key', type: 'key', keySpecIndex: 1, flags: ['multiple'] },
  ],
  select: [{ name: 'index', type: 'integer' }],
  set: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'value', type: 'string' },
    {
      name: 'condition', type: 'oneof', since: '2.6.12', flags: ['optional'], args: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
      ],
    },
    { name: 'get', type: 'pure-token', token: 'GET', since: '6.2.0', flags: ['optional'] },
    {
      name: 'expiration', type: 'oneof', flags: ['optional'], args: [
        { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
        { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
        { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
        { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
        { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
      ],
    },
  ],
  setbit: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'offset', type: 'integer' },
    { name: 'value', type: 'integer' },
  ],
  setex: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'seconds', type: 'integer' }, { name: 'value', type: 'string' }],
  setnx: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'value', type: 'string' }],
  setrange: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'offset', type: 'integer' },
    { name: 'value', type: 'string' },
  ],
  sinter: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  sintercard: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    { name: 'limit', type: 'integer', token: 'LIMIT', flags: ['optional'] },
  ],
  sinterstore: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'key', type: 'key', keySpecIndex: 1, flags: ['multiple'] },
  ],
  sismember: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string' }],
  smembers: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  smismember: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string', flags: ['multiple'] }],
  smove: [
    { name: 'source', type: 'key', keySpecIndex: 0 },
    { name: 'destination', type: 'key', keySpecIndex: 1 },
    { name: 'member', type: 'string' },
  ],
  sort: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', flags: ['optional'] },
    {
      name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'], args: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    },
    { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', flags: ['optional', 'multiple', 'multiple_token'] },
    {
      name: 'order', type: 'oneof', flags: ['optional'], args: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ],
    },
    { name: 'sorting', type: 'pure-token', token: 'ALPHA', flags: ['optional'] },
    { name: 'destination', type: 'key', keySpecIndex: 2, token: 'STORE', flags: ['optional'] },
  ],
  sort_ro: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', flags: ['optional'] },
    {
      name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'], args: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    },
    { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', flags: ['optional', 'multiple', 'multiple_token'] },
    {
      name: 'order', type: 'oneof', flags: ['optional'], args: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ],
    },
    { name: 'sorting', type: 'pure-token', token: 'ALPHA', flags: ['optional'] },
  ],
  spop: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'count', type: 'integer', since: '3.2.0', flags: ['optional'] }],
  spublish: [{ name: 'shardchannel', type: 'string' }, { name: 'message', type: 'string' }],
  srandmember: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'count', type: 'integer', since: '2.6.0', flags: ['optional'] },
  ],
  srem: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string', flags: ['multiple'] }],
  sscan: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'cursor', type: 'integer' },
    { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
  ],
  ssubscribe: [{ name: 'shardchannel', type: 'string', flags: ['multiple'] }],
  strlen: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  subscribe: [{ name: 'channel', type: 'string', flags: ['multiple'] }],
  substr: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }],
  sunion: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  sunionstore: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'key', type: 'key', keySpecIndex: 1, flags: ['multiple'] },
  ],
  sunsubscribe: [{ name: 'shardchannel', type: 'string', flags: ['optional', 'multiple'] }],
  swapdb: [{ name: 'index1', type: 'integer' }, { name: 'index2', type: 'integer' }],
  touch: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  ttl: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  type: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  unlink: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  unsubscribe: [{ name: 'channel', type: 'string', flags: ['optional', 'multiple'] }],
  watch: [{ name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }],
  xack: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'group', type: 'string' },
    { name: 'id', type: 'string', flags: ['multiple'] },
  ],
  xadd: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'nomkstream', type: 'pure-token', token: 'NOMKSTREAM', since: '6.2.0', flags: ['optional'] },
    { name: 'trim', type: 'block', flags: ['optional'], args: [
      { name: 'strategy', type: 'oneof', args: [
        { name: 'maxlen', type: 'pure-token', token: 'MAXLEN' },
        { name: 'minid', type: 'pure-token', token: 'MINID', since: '6.2.0' },
      ] },
      { name: 'operator', type: 'oneof', flags: ['optional'], args: [
        { name: 'equal', type: 'pure-token', token: '=' },
        { name: 'approximately', type: 'pure-token', token: '~' },
      ] },
      { name: 'threshold', type: 'string' },
      { name: 'count', type: 'integer', token: 'LIMIT', since: '6.2.0', flags: ['optional'] },
    ] },
    { name: 'id_or_auto', type: 'oneof', args: [
      { name: 'auto_id', type: 'pure-token', token: '*' },
      { name: 'id', type: 'string' },
    ] },
    { name: 'field_value', type: 'block', flags: ['multiple'], args: [
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ] },
  ],
  xautoclaim: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'group', type: 'string' },
    { name: 'consumer', type: 'string' },
    { name: 'min-idle-time', type: 'string' },
    { name: 'start', type: 'string' },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    { name: 'justid', type: 'pure-token', token: 'JUSTID', flags: ['optional'] },
  ],
  xclaim: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'group', type: 'string' },
    { name: 'consumer', type: 'string' },
    { name: 'min-idle-time', type: 'string' },
    { name: 'id', type: 'string', flags: ['multiple'] },
    { name: 'ms', type: 'integer', token: 'IDLE', flags: ['optional'] },
    { name: 'unix-time-milliseconds', type: 'unix-time', token: 'TIME', flags: ['optional'] },
    { name: 'count', type: 'integer', token: 'RETRYCOUNT', flags: ['optional'] },
    { name: 'force', type: 'pure-token', token: 'FORCE', flags: ['optional'] },
    { name: 'justid', type: 'pure-token', token: 'JUSTID', flags: ['optional'] },
    { name: 'id', type: 'string', token: 'LASTID', flags: ['optional'] },
  ],
  xdel: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'id', type: 'string', flags: ['multiple'] },
  ],
  'xgroup|create': [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'groupname', type: 'string' },
    { name: 'id', type: 'oneof', args: [
      { name: 'id', type: 'string' },
      { name: 'new_id', type: 'pure-token', token: '$' },
    ] },
    { name: 'mkstream', type: 'pure-token', token: 'MKSTREAM', flags: ['optional'] },
    { name: 'entries_read', type: 'integer', token: 'ENTRIESREAD', flags: ['optional'] },
  ],
  'xgroup|createconsumer': [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'groupname', type: 'string' },
    { name: 'consumername', type: 'string' },
  ],
  'xgroup|delconsumer': [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'groupname', type: 'string' },
    { name: 'consumername', type: 'string' },
  ],
  'xgroup|destroy': [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'groupname', type: 'string' },
  ],
  'xgroup|setid': [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'groupname', type: 'string' },
    { name: 'id', type: 'oneof', args: [
      { name: 'id', type: 'string' },
      { name: 'new_id', type: 'pure-token', token: '$' },
    ] },
    { name: 'entries_read', type: 'integer', token: 'ENTRIESREAD', flags: ['optional'] },
  ],
  'xinfo|consumers': [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'groupname', type: 'string' },
  ],
  'xinfo|groups': [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  'xinfo|stream': [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'full', type: 'block', token: 'FULL', flags: ['optional'], args: [
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ] },
  ],
  xlen: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
  ],
  xpending: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'group', type: 'string' },
    { name: 'filters', type: 'block', flags: ['optional'], args: [
      { name: 'min-idle-time', type: 'integer', token: 'IDLE', since: '6.2.0', flags: ['optional'] },
      { name: 'start', type: 'string' },
      { name: 'end', type: 'string' },
      { name: 'count', type: 'integer' },
      { name: 'consumer', type: 'string', flags: ['optional'] },
    ] },
  ],
  xrange: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'start', type: 'string' },
    { name: 'end', type: 'string' },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
  ],
  xread: [
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    { name: 'milliseconds', type: 'integer', token: 'BLOCK', flags: ['optional'] },
    { name: 'streams', type: 'block', token: 'STREAMS', args: [
      { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
      { name: 'id', type: 'string', flags: ['multiple'] },
    ] },
  ],
  xreadgroup: [
    { name: 'group_consumer', type: 'block', token: 'GROUP', args: [
      { name: 'group', type: 'string' },
      { name: 'consumer', type: 'string' },
    ] },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    { name: 'milliseconds', type: 'integer', token: 'BLOCK', flags: ['optional'] },
    { name: 'noack', type: 'pure-token', token: 'NOACK', flags: ['optional'] },
    { name: 'streams', type: 'block', token: 'STREAMS', args: [
      { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
      { name: 'id', type: 'string', flags: ['multiple'] },
    ] },
  ],
  xrevrange: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'end', type: 'string' },
    { name: 'start', type: 'string' },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
  ],
  xsetid: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'last-id', type: 'string' },
    { name: 'entries_added', type: 'integer', token: 'ENTRIESADDED', since: '7.0.0', flags: ['optional'] },
    { name: 'max_deleted_entry_id', type: 'string', token: 'MAXDELETEDID', since: '7.0.0', flags: ['optional'] },
  ],
  xtrim: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'trim', type: 'block', args: [
      { name: 'strategy', type: 'oneof', args: [
        { name: 'maxlen', type: 'pure-token', token: 'MAXLEN' },
        { name: 'minid', type: 'pure-token', token: 'MINID', since: '6.2.0' },
      ] },
      { name: 'operator', type: 'oneof', flags: ['optional'], args: [
        { name: 'equal', type: 'pure-token', token: '=' },
        { name: 'approximately', type: 'pure-token', token: '~' },
      ] },
      { name: 'threshold', type: 'string' },
      { name: 'count', type: 'integer', token: 'LIMIT', since: '6.2.0', flags: ['optional'] },
    ] },
  ],
  zadd: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'condition', type: 'oneof', since: '3.0.2', flags: ['optional'], args: [
        { name: 'nx', type: 'pure-token', token: 'NX' },
        { name: 'xx', type: 'pure-token', token: 'XX' },
      ],
    },
    {
      name: 'comparison', type: 'oneof', since: '6.2.0', flags: ['optional'], args: [
        { name: 'gt', type: 'pure-token', token: 'GT' },
        { name: 'lt', type: 'pure-token', token: 'LT' },
      ],
    },
    { name: 'change', type: 'pure-token', token: 'CH', since: '3.0.2', flags: ['optional'] },
    { name: 'increment', type: 'pure-token', token: 'INCR', since: '3.0.2', flags: ['optional'] },
    {
      name: 'score_member', type: 'block', flags: ['multiple'], args: [
        { name: 'score', type: 'double' },
        { name: 'member', type: 'string' },
      ],
    },
  ],
  zcard: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
  zcount: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'min', type: 'double' }, { name: 'max', type: 'double' }],
  zdiff: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
  ],
  zdiffstore: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 1, flags: ['multiple'] },
  ],
  zincrby: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'increment', type: 'integer' },
    { name: 'member', type: 'string' },
  ],
  zinter: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    { name: 'weight', type: 'integer', token: 'WEIGHTS', flags: ['optional', 'multiple'] },
    {
      name: 'aggregate', type: 'oneof', token: 'AGGREGATE', flags: ['optional'], args: [
        { name: 'sum', type: 'pure-token', token: 'SUM' },
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ],
    },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
  ],
  zintercard: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    { name: 'limit', type: 'integer', token: 'LIMIT', flags: ['optional'] },
  ],
  zinterstore: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 1, flags: ['multiple'] },
    { name: 'weight', type: 'integer', token: 'WEIGHTS', flags: ['optional', 'multiple'] },
    {
      name: 'aggregate', type: 'oneof', token: 'AGGREGATE', flags: ['optional'], args: [
        { name: 'sum', type: 'pure-token', token: 'SUM' },
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ],
    },
  ],
  zlexcount: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'min', type: 'string' }, { name: 'max', type: 'string' }],
  zmpop: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    {
      name: 'where', type: 'oneof', args: [
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ],
    },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
  ],
  zmscore: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string', flags: ['multiple'] }],
  zpopmax: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'count', type: 'integer', flags: ['optional'] }],
  zpopmin: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'count', type: 'integer', flags: ['optional'] }],
  zrandmember: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    {
      name: 'options', type: 'block', flags: ['optional'], args: [
        { name: 'count', type: 'integer' },
        { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
      ],
    },
  ],
  zrange: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'start', type: 'string' },
    { name: 'stop', type: 'string' },
    {
      name: 'sortby', type: 'oneof', since: '6.2.0', flags: ['optional'], args: [
        { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
        { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
      ],
    },
    { name: 'rev', type: 'pure-token', token: 'REV', since: '6.2.0', flags: ['optional'] },
    {
      name: 'offset_count', type: 'block', token: 'LIMIT', since: '6.2.0', flags: ['optional'], args: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
  ],
  zrangebylex: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'string' },
    { name: 'max', type: 'string' },
    {
      name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'], args: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    },
  ],
  zrangebyscore: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'double' },
    { name: 'max', type: 'double' },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', since: '2.0.0', flags: ['optional'] },
    {
      name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'], args: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    },
  ],
  zrangestore: [
    { name: 'dst', type: 'key', keySpecIndex: 0 },
    { name: 'src', type: 'key', keySpecIndex: 1 },
    { name: 'min', type: 'string' },
    { name: 'max', type: 'string' },
    {
      name: 'sortby', type: 'oneof', flags: ['optional'], args: [
        { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
        { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
      ],
    },
    { name: 'rev', type: 'pure-token', token: 'REV', flags: ['optional'] },
    {
      name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'], args: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    },
  ],
  zrank: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string' }],
  zrem: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string', flags: ['multiple'] }],
  zremrangebylex: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'string' },
    { name: 'max', type: 'string' },
  ],
  zremrangebyrank: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'start', type: 'integer' },
    { name: 'stop', type: 'integer' },
  ],
  zremrangebyscore: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'min', type: 'double' },
    { name: 'max', type: 'double' },
  ],
  zrevrange: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'start', type: 'integer' },
    { name: 'stop', type: 'integer' },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
  ],
  zrevrangebylex: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'max', type: 'string' },
    { name: 'min', type: 'string' },
    {
      name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'], args: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    },
  ],
  zrevrangebyscore: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'max', type: 'double' },
    { name: 'min', type: 'double' },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
    {
      name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'], args: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    },
  ],
  zrevrank: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string' }],
  zscan: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'cursor', type: 'integer' },
    { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
    { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
  ],
  zscore: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'member', type: 'string' }],
  zunion: [
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] },
    { name: 'weight', type: 'integer', token: 'WEIGHTS', flags: ['optional', 'multiple'] },
    {
      name: 'aggregate', type: 'oneof', token: 'AGGREGATE', flags: ['optional'], args: [
        { name: 'sum', type: 'pure-token', token: 'SUM' },
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ],
    },
    { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] },
  ],
  zunionstore: [
    { name: 'destination', type: 'key', keySpecIndex: 0 },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', keySpecIndex: 1, flags: ['multiple'] },
    { name: 'weight', type: 'integer', token: 'WEIGHTS', flags: ['optional', 'multiple'] },
    {
      name: 'aggregate', type: 'oneof', token: 'AGGREGATE', flags: ['optional'], args: [
        { name: 'sum', type: 'pure-token', token: 'SUM' },
        { name: 'min', type: 'pure-token', token: 'MIN' },
        { name: 'max', type: 'pure-token', token: 'MAX' },
      ],
    },
  ],
};
