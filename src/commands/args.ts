// COMMAND DOCS argument tables of the commands whose definitions carry none: the shape of each
// command's syntax (argument names, types, tokens, flags, the version that added them) exactly as
// Redis 7.0 reports it, since tools such as redis-cli build their hints from it. Keyed by full
// command name ("client|kill"); a definition's own docs.args wins.

import type { ArgSpec } from './spec.js';

/** The fields an argument may add to its name and type. */
type Extra = Omit<ArgSpec, 'name' | 'type' | 'args'>;

/** A pure token named after itself in lower case, as Redis names most of them. */
function pure(token: string, extra?: Extra): ArgSpec {
  return { name: token.toLowerCase(), type: 'pure-token', token, ...extra };
}

/** An optional pure token: a switch such as WITHSCORES. */
function option(token: string, extra?: Extra): ArgSpec {
  return pure(token, { ...extra, flags: ['optional'] });
}

/** One of several choices; a string stands for the pure token of that name. */
function oneof(name: string, choices: readonly (string | ArgSpec)[], extra?: Extra): ArgSpec {
  return { name, type: 'oneof', ...extra, args: choices.map((c) => (typeof c === 'string' ? pure(c) : c)) };
}

function block(name: string, args: ArgSpec[], extra?: Extra): ArgSpec {
  return { name, type: 'block', ...extra, args };
}

// Fragments that several commands' syntax shares, each written once.
const KEY: ArgSpec = { name: 'key', type: 'key', keySpecIndex: 0 };
const KEYS: ArgSpec = { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] };
const NUMKEYS: ArgSpec = { name: 'numkeys', type: 'integer' };
const TIMEOUT: ArgSpec = { name: 'timeout', type: 'double' };
const COUNT: ArgSpec = { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] };
const WITHSCORES = option('WITHSCORES');
const LEFT_RIGHT = ['LEFT', 'RIGHT'];
const MIN_MAX = ['MIN', 'MAX'];
const NX_XX = ['NX', 'XX'];
const ORDER = oneof('order', ['ASC', 'DESC'], { flags: ['optional'] });
const DESTINATION: ArgSpec = { name: 'destination', type: 'key', keySpecIndex: 0 };
/** Source keys after a destination key. */
const KEYS1: ArgSpec = { name: 'key', type: 'key', keySpecIndex: 1, flags: ['multiple'] };
const SOURCE_DESTINATION: ArgSpec[] = [
  { name: 'source', type: 'key', keySpecIndex: 0 },
  { name: 'destination', type: 'key', keySpecIndex: 1 },
];
const DESTINATION_KEYS: ArgSpec[] = [DESTINATION, KEYS1];
const KEYS_TIMEOUT: ArgSpec[] = [KEYS, TIMEOUT];
const FIELD_VALUE = block('field_value', [{ name: 'field', type: 'string' }, { name: 'value', type: 'string' }], { flags: ['multiple'] });
const USERNAME_PASSWORD: ArgSpec[] = [{ name: 'username', type: 'string' }, { name: 'password', type: 'string' }];
const EXPIRE_CONDITION = oneof('condition', [...NX_XX, 'GT', 'LT'], { since: '7.0.0', flags: ['optional'] });
const INDEX_UNIT = oneof('index_unit', ['BYTE', 'BIT'], { since: '7.0.0', flags: ['optional'] });
const ENCODING_OFFSET: ArgSpec[] = [{ name: 'encoding', type: 'string' }, { name: 'offset', type: 'integer' }];
const OFFSET_COUNT: ArgSpec[] = [{ name: 'offset', type: 'integer' }, { name: 'count', type: 'integer' }];
const LIMIT = block('offset_count', OFFSET_COUNT, { token: 'LIMIT', flags: ['optional'] });
const CURSOR_MATCH_COUNT: ArgSpec[] = [
  { name: 'cursor', type: 'integer' },
  { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
  COUNT,
];
const KEY_SCAN: ArgSpec[] = [KEY, ...CURSOR_MATCH_COUNT];

// GEO: a centre given by a member or a position, a radius or box in one of four units.
const LONGITUDE_LATITUDE: ArgSpec[] = [{ name: 'longitude', type: 'double' }, { name: 'latitude', type: 'double' }];
const GEO_UNIT = oneof('unit', ['M', 'KM', 'FT', 'MI']);
const GEO_WITH: ArgSpec[] = [option('WITHCOORD'), option('WITHDIST'), option('WITHHASH')];
const GEO_STORE: ArgSpec[] = [
  { name: 'key', type: 'key', keySpecIndex: 1, token: 'STORE', flags: ['optional'] },
  { name: 'key', type: 'key', keySpecIndex: 2, token: 'STOREDIST', flags: ['optional'] },
];

/** COUNT n [ANY]; Redis marks ANY with the version that added it in some commands only. */
function geoCount(any: ArgSpec): ArgSpec {
  return block('count', [{ name: 'count', type: 'integer', token: 'COUNT' }, any], { flags: ['optional'] });
}

/** GEORADIUS and GEORADIUSBYMEMBER up to their STORE options. */
function geoRadius(centre: ArgSpec[], any: ArgSpec): ArgSpec[] {
  return [KEY, ...centre, { name: 'radius', type: 'double' }, GEO_UNIT, ...GEO_WITH, geoCount(any), ORDER];
}

/** GEOSEARCH and GEOSEARCHSTORE between their keys and their last options. */
const GEO_SEARCH: ArgSpec[] = [
  oneof('from', [
    { name: 'member', type: 'string', token: 'FROMMEMBER' },
    block('longitude_latitude', LONGITUDE_LATITUDE, { token: 'FROMLONLAT' }),
  ]),
  oneof('by', [
    block('circle', [{ name: 'radius', type: 'double', token: 'BYRADIUS' }, GEO_UNIT]),
    block('box', [{ name: 'width', type: 'double', token: 'BYBOX' }, { name: 'height', type: 'double' }, GEO_UNIT]),
  ]),
  ORDER,
  geoCount(option('ANY')),
];
const GEORADIUS_RO = geoRadius(LONGITUDE_LATITUDE, option('ANY', { since: '6.2.0' }));
const GEORADIUSBYMEMBER_RO = geoRadius([{ name: 'member', type: 'string' }], option('ANY'));

const LMOVE: ArgSpec[] = [...SOURCE_DESTINATION, oneof('wherefrom', LEFT_RIGHT), oneof('whereto', LEFT_RIGHT)];
const LMPOP: ArgSpec[] = [NUMKEYS, KEYS, oneof('where', LEFT_RIGHT), COUNT];
const ZMPOP: ArgSpec[] = [NUMKEYS, KEYS, oneof('where', MIN_MAX), COUNT];
const KEY_VALUE: ArgSpec[] = [
  block('key_value', [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'value', type: 'string' }], { flags: ['multiple'] }),
];
const RESTORE: ArgSpec[] = [
  KEY,
  { name: 'ttl', type: 'integer' },
  { name: 'serialized-value', type: 'string' },
  option('REPLACE', { since: '3.0.0' }),
  option('ABSTTL', { since: '5.0.0' }),
  { name: 'seconds', type: 'integer', token: 'IDLETIME', since: '5.0.0', flags: ['optional'] },
  { name: 'frequency', type: 'integer', token: 'FREQ', since: '5.0.0', flags: ['optional'] },
];
const SORT_RO: ArgSpec[] = [
  KEY,
  { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', flags: ['optional'] },
  LIMIT,
  { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', flags: ['optional', 'multiple', 'multiple_token'] },
  ORDER,
  { name: 'sorting', type: 'pure-token', token: 'ALPHA', flags: ['optional'] },
];

// Streams.
const KEY_GROUPNAME: ArgSpec[] = [KEY, { name: 'groupname', type: 'string' }];
const KEY_GROUPNAME_CONSUMER: ArgSpec[] = [...KEY_GROUPNAME, { name: 'consumername', type: 'string' }];
const GROUP_ID = oneof('id', [{ name: 'id', type: 'string' }, { name: 'new_id', type: 'pure-token', token: '$' }]);
const ENTRIES_READ: ArgSpec = { name: 'entries_read', type: 'integer', token: 'ENTRIESREAD', flags: ['optional'] };
const BLOCK_MS: ArgSpec = { name: 'milliseconds', type: 'integer', token: 'BLOCK', flags: ['optional'] };
const STREAMS = block('streams', [KEYS, { name: 'id', type: 'string', flags: ['multiple'] }], { token: 'STREAMS' });
const TRIM: ArgSpec[] = [
  oneof('strategy', ['MAXLEN', pure('MINID', { since: '6.2.0' })]),
  oneof('operator', [
    { name: 'equal', type: 'pure-token', token: '=' },
    { name: 'approximately', type: 'pure-token', token: '~' },
  ], { flags: ['optional'] }),
  { name: 'threshold', type: 'string' },
  { name: 'count', type: 'integer', token: 'LIMIT', since: '6.2.0', flags: ['optional'] },
];

// Sorted sets.
const SORTBY = oneof('sortby', ['BYSCORE', 'BYLEX'], { flags: ['optional'] });
const REV = option('REV');
const WEIGHTS: ArgSpec = { name: 'weight', type: 'integer', token: 'WEIGHTS', flags: ['optional', 'multiple'] };
const AGGREGATE = oneof('aggregate', ['SUM', ...MIN_MAX], { token: 'AGGREGATE', flags: ['optional'] });
const ZSET_OP: ArgSpec[] = [NUMKEYS, KEYS, WEIGHTS, AGGREGATE, WITHSCORES];
const ZSET_OP_STORE: ArgSpec[] = [DESTINATION, NUMKEYS, KEYS1, WEIGHTS, AGGREGATE];

/** HRANDFIELD and ZRANDMEMBER: a count and a switch to return the values too. */
function randOptions(withToken: string): ArgSpec {
  return block('options', [{ name: 'count', type: 'integer' }, option(withToken)], { flags: ['optional'] });
}

export const COMMAND_ARGS: Readonly<Record<string, ArgSpec[]>> = {
  'acl|cat': [{ name: 'categoryname', type: 'string', flags: ['optional'] }],
  'acl|deluser': [{ name: 'username', type: 'string', flags: ['multiple'] }],
  'acl|dryrun': [
    { name: 'username', type: 'string' },
    { name: 'command', type: 'string' },
    { name: 'arg', type: 'string', flags: ['optional', 'multiple'] },
  ],
  'acl|genpass': [{ name: 'bits', type: 'integer', flags: ['optional'] }],
  'acl|getuser': [{ name: 'username', type: 'string' }],
  'acl|log': [oneof('operation', [{ name: 'count', type: 'integer' }, pure('RESET')], { flags: ['optional'] })],
  'acl|setuser': [{ name: 'username', type: 'string' }, { name: 'rule', type: 'string', flags: ['optional', 'multiple'] }],
  append: [KEY, { name: 'value', type: 'string' }],
  auth: [{ name: 'username', type: 'string', since: '6.0.0', flags: ['optional'] }, { name: 'password', type: 'string' }],
  bgsave: [option('SCHEDULE', { since: '3.2.2' })],
  bitcount: [
    KEY,
    block('index', [{ name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }, INDEX_UNIT], { flags: ['optional'] }),
  ],
  bitfield: [
    KEY,
    oneof('operation', [
      block('encoding_offset', ENCODING_OFFSET, { token: 'GET' }),
      block('write', [
        oneof('wrap_sat_fail', ['WRAP', 'SAT', 'FAIL'], { token: 'OVERFLOW', flags: ['optional'] }),
        oneof('write_operation', [
          block('encoding_offset_value', [...ENCODING_OFFSET, { name: 'value', type: 'integer' }], { token: 'SET' }),
          block('encoding_offset_increment', [...ENCODING_OFFSET, { name: 'increment', type: 'integer' }], { token: 'INCRBY' }),
        ]),
      ]),
    ], { flags: ['optional', 'multiple'] }),
  ],
  bitfield_ro: [
    KEY,
    block('encoding_offset', ENCODING_OFFSET, { token: 'GET', flags: ['optional', 'multiple', 'multiple_token'] }),
  ],
  bitop: [{ name: 'operation', type: 'string' }, { name: 'destkey', type: 'key', keySpecIndex: 0 }, KEYS1],
  bitpos: [
    KEY,
    { name: 'bit', type: 'integer' },
    block('index', [
      { name: 'start', type: 'integer' },
      block('end_index', [{ name: 'end', type: 'integer' }, INDEX_UNIT], { flags: ['optional'] }),
    ], { flags: ['optional'] }),
  ],
  blmove: [...LMOVE, TIMEOUT],
  blmpop: [TIMEOUT, ...LMPOP],
  blpop: KEYS_TIMEOUT,
  brpop: KEYS_TIMEOUT,
  brpoplpush: [...SOURCE_DESTINATION, TIMEOUT],
  bzmpop: [TIMEOUT, ...ZMPOP],
  bzpopmax: KEYS_TIMEOUT,
  bzpopmin: KEYS_TIMEOUT,
  'client|caching': [oneof('mode', ['YES', 'NO'])],
  'client|tracking': [
    oneof('status', ['ON', 'OFF']),
    { name: 'client-id', type: 'integer', token: 'REDIRECT', flags: ['optional'] },
    { name: 'prefix', type: 'string', token: 'PREFIX', flags: ['optional', 'multiple', 'multiple_token'] },
    option('BCAST'), option('OPTIN'), option('OPTOUT'), option('NOLOOP'),
  ],
  'client|kill': [
    oneof('filter', [
      { name: 'ip:port', type: 'string', deprecatedSince: '2.8.12' },
      oneof('new-format', [
        { name: 'client-id', type: 'integer', token: 'ID', since: '2.8.12', flags: ['optional'] },
        oneof('normal_master_slave_pubsub', [
          'NORMAL', pure('MASTER', { since: '3.2.0' }), 'SLAVE', pure('REPLICA', { since: '5.0.0' }), 'PUBSUB',
        ], { token: 'TYPE', since: '2.8.12', flags: ['optional'] }),
        { name: 'username', type: 'string', token: 'USER', flags: ['optional'] },
        { name: 'ip:port', type: 'string', token: 'ADDR', flags: ['optional'] },
        { name: 'ip:port', type: 'string', token: 'LADDR', since: '6.2.0', flags: ['optional'] },
        { name: 'yes/no', type: 'string', token: 'SKIPME', flags: ['optional'] },
      ], { flags: ['multiple'] }),
    ]),
  ],
  'client|list': [
    oneof('normal_master_replica_pubsub', ['NORMAL', 'MASTER', 'REPLICA', 'PUBSUB'], { token: 'TYPE', since: '5.0.0', flags: ['optional'] }),
    block('id', [{ name: 'client-id', type: 'integer', flags: ['multiple'] }], { token: 'ID', since: '6.2.0', flags: ['optional'] }),
  ],
  'client|no-evict': [oneof('enabled', ['ON', 'OFF'])],
  'client|pause': [{ name: 'timeout', type: 'integer' }, oneof('mode', ['WRITE', 'ALL'], { since: '6.2.0', flags: ['optional'] })],
  'client|reply': [oneof('on_off_skip', ['ON', 'OFF', 'SKIP'])],
  'client|setname': [{ name: 'connection-name', type: 'string' }],
  'client|unblock': [{ name: 'client-id', type: 'integer' }, oneof('timeout_error', ['TIMEOUT', 'ERROR'], { flags: ['optional'] })],
  copy: [...SOURCE_DESTINATION, { name: 'destination-db', type: 'integer', token: 'DB', flags: ['optional'] }, option('REPLACE')],
  decr: [KEY],
  decrby: [KEY, { name: 'decrement', type: 'integer' }],
  del: [KEYS],
  dump: [KEY],
  echo: [{ name: 'message', type: 'string' }],
  exists: [KEYS],
  expire: [KEY, { name: 'seconds', type: 'integer' }, EXPIRE_CONDITION],
  expireat: [KEY, { name: 'unix-time-seconds', type: 'unix-time' }, EXPIRE_CONDITION],
  expiretime: [KEY],
  geoadd: [
    KEY,
    oneof('condition', NX_XX, { since: '6.2.0', flags: ['optional'] }),
    { name: 'change', type: 'pure-token', token: 'CH', since: '6.2.0', flags: ['optional'] },
    block('longitude_latitude_member', [...LONGITUDE_LATITUDE, { name: 'member', type: 'string' }], { flags: ['multiple'] }),
  ],
  geodist: [KEY, { name: 'member1', type: 'string' }, { name: 'member2', type: 'string' }, { ...GEO_UNIT, flags: ['optional'] }],
  geohash: [KEY, { name: 'member', type: 'string', flags: ['multiple'] }],
  geopos: [KEY, { name: 'member', type: 'string', flags: ['multiple'] }],
  georadius: [...GEORADIUS_RO, ...GEO_STORE],
  georadius_ro: GEORADIUS_RO,
  georadiusbymember: [...GEORADIUSBYMEMBER_RO, ...GEO_STORE],
  georadiusbymember_ro: GEORADIUSBYMEMBER_RO,
  geosearch: [KEY, ...GEO_SEARCH, ...GEO_WITH],
  geosearchstore: [DESTINATION, { name: 'source', type: 'key', keySpecIndex: 1 }, ...GEO_SEARCH, option('STOREDIST')],
  get: [KEY],
  getbit: [KEY, { name: 'offset', type: 'integer' }],
  getdel: [KEY],
  getex: [
    KEY,
    oneof('expiration', [
      { name: 'seconds', type: 'integer', token: 'EX' },
      { name: 'milliseconds', type: 'integer', token: 'PX' },
      { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
      { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
      'PERSIST',
    ], { flags: ['optional'] }),
  ],
  getrange: [KEY, { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }],
  getset: [KEY, { name: 'value', type: 'string' }],
  hdel: [KEY, { name: 'field', type: 'string', flags: ['multiple'] }],
  hello: [
    block('arguments', [
      { name: 'protover', type: 'integer' },
      block('username_password', USERNAME_PASSWORD, { token: 'AUTH', flags: ['optional'] }),
      { name: 'clientname', type: 'string', token: 'SETNAME', flags: ['optional'] },
    ], { flags: ['optional'] }),
  ],
  hexists: [KEY, { name: 'field', type: 'string' }],
  hget: [KEY, { name: 'field', type: 'string' }],
  hgetall: [KEY],
  hincrby: [KEY, { name: 'field', type: 'string' }, { name: 'increment', type: 'integer' }],
  hincrbyfloat: [KEY, { name: 'field', type: 'string' }, { name: 'increment', type: 'double' }],
  hkeys: [KEY],
  hlen: [KEY],
  hmget: [KEY, { name: 'field', type: 'string', flags: ['multiple'] }],
  hmset: [KEY, FIELD_VALUE],
  hrandfield: [KEY, randOptions('WITHVALUES')],
  hscan: KEY_SCAN,
  hset: [KEY, FIELD_VALUE],
  hsetnx: [KEY, { name: 'field', type: 'string' }, { name: 'value', type: 'string' }],
  hstrlen: [KEY, { name: 'field', type: 'string' }],
  hvals: [KEY],
  incr: [KEY],
  incrby: [KEY, { name: 'increment', type: 'integer' }],
  incrbyfloat: [KEY, { name: 'increment', type: 'double' }],
  keys: [{ name: 'pattern', type: 'pattern' }],
  lcs: [
    { name: 'key1', type: 'key', keySpecIndex: 0 },
    { name: 'key2', type: 'key', keySpecIndex: 0 },
    option('LEN'),
    option('IDX'),
    { name: 'len', type: 'integer', token: 'MINMATCHLEN', flags: ['optional'] },
    option('WITHMATCHLEN'),
  ],
  lindex: [KEY, { name: 'index', type: 'integer' }],
  linsert: [KEY, oneof('where', ['BEFORE', 'AFTER']), { name: 'pivot', type: 'string' }, { name: 'element', type: 'string' }],
  llen: [KEY],
  lmove: LMOVE,
  lmpop: LMPOP,
  lpop: [KEY, { name: 'count', type: 'integer', since: '6.2.0', flags: ['optional'] }],
  lpos: [
    KEY,
    { name: 'element', type: 'string' },
    { name: 'rank', type: 'integer', token: 'RANK', flags: ['optional'] },
    { name: 'num-matches', type: 'integer', token: 'COUNT', flags: ['optional'] },
    { name: 'len', type: 'integer', token: 'MAXLEN', flags: ['optional'] },
  ],
  lpush: [KEY, { name: 'element', type: 'string', flags: ['multiple'] }],
  lpushx: [KEY, { name: 'element', type: 'string', flags: ['multiple'] }],
  lrange: [KEY, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
  lrem: [KEY, { name: 'count', type: 'integer' }, { name: 'element', type: 'string' }],
  lset: [KEY, { name: 'index', type: 'integer' }, { name: 'element', type: 'string' }],
  ltrim: [KEY, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
  mget: [KEYS],
  migrate: [
    { name: 'host', type: 'string' },
    { name: 'port', type: 'integer' },
    oneof('key_or_empty_string', [KEY, { name: 'empty_string', type: 'pure-token', token: '' }]),
    { name: 'destination-db', type: 'integer' },
    { name: 'timeout', type: 'integer' },
    option('COPY', { since: '3.0.0' }),
    option('REPLACE', { since: '3.0.0' }),
    oneof('authentication', [
      { name: 'password', type: 'string', token: 'AUTH', since: '4.0.7', flags: ['optional'] },
      block('username_password', USERNAME_PASSWORD, { token: 'AUTH2', since: '6.0.0', flags: ['optional'] }),
    ], { flags: ['optional'] }),
    { name: 'key', type: 'key', keySpecIndex: 1, token: 'KEYS', since: '3.0.6', flags: ['optional', 'multiple'] },
  ],
  move: [KEY, { name: 'db', type: 'integer' }],
  mset: KEY_VALUE,
  msetnx: KEY_VALUE,
  'object|encoding': [KEY],
  'object|freq': [KEY],
  'object|idletime': [KEY],
  'object|refcount': [KEY],
  persist: [KEY],
  pexpire: [KEY, { name: 'milliseconds', type: 'integer' }, EXPIRE_CONDITION],
  pexpireat: [KEY, { name: 'unix-time-milliseconds', type: 'unix-time' }, EXPIRE_CONDITION],
  pexpiretime: [KEY],
  pfadd: [KEY, { name: 'element', type: 'string', flags: ['optional', 'multiple'] }],
  pfcount: [KEYS],
  pfdebug: [{ name: 'subcommand', type: 'string' }, KEY],
  pfmerge: [{ name: 'destkey', type: 'key', keySpecIndex: 0 }, { name: 'sourcekey', type: 'key', keySpecIndex: 1, flags: ['multiple'] }],
  ping: [{ name: 'message', type: 'string', flags: ['optional'] }],
  psetex: [KEY, { name: 'milliseconds', type: 'integer' }, { name: 'value', type: 'string' }],
  psubscribe: [block('pattern', [{ name: 'pattern', type: 'pattern' }], { flags: ['multiple'] })],
  pttl: [KEY],
  publish: [{ name: 'channel', type: 'string' }, { name: 'message', type: 'string' }],
  'pubsub|channels': [{ name: 'pattern', type: 'pattern', flags: ['optional'] }],
  'pubsub|numsub': [{ name: 'channel', type: 'string', flags: ['optional', 'multiple'] }],
  'pubsub|shardchannels': [{ name: 'pattern', type: 'pattern', flags: ['optional'] }],
  'pubsub|shardnumsub': [{ name: 'shardchannel', type: 'string', flags: ['optional', 'multiple'] }],
  punsubscribe: [{ name: 'pattern', type: 'pattern', flags: ['optional', 'multiple'] }],
  rename: [KEY, { name: 'newkey', type: 'key', keySpecIndex: 1 }],
  renamenx: [KEY, { name: 'newkey', type: 'key', keySpecIndex: 1 }],
  restore: RESTORE,
  'restore-asking': RESTORE,
  rpop: [KEY, { name: 'count', type: 'integer', since: '6.2.0', flags: ['optional'] }],
  rpoplpush: SOURCE_DESTINATION,
  rpush: [KEY, { name: 'element', type: 'string', flags: ['multiple'] }],
  rpushx: [KEY, { name: 'element', type: 'string', flags: ['multiple'] }],
  sadd: [KEY, { name: 'member', type: 'string', flags: ['multiple'] }],
  scan: [...CURSOR_MATCH_COUNT, { name: 'type', type: 'string', token: 'TYPE', since: '6.0.0', flags: ['optional'] }],
  scard: [KEY],
  sdiff: [KEYS],
  sdiffstore: DESTINATION_KEYS,
  select: [{ name: 'index', type: 'integer' }],
  set: [
    KEY,
    { name: 'value', type: 'string' },
    oneof('condition', NX_XX, { since: '2.6.12', flags: ['optional'] }),
    option('GET', { since: '6.2.0' }),
    oneof('expiration', [
      { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
      { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
      { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
      { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
      pure('KEEPTTL', { since: '6.0.0' }),
    ], { flags: ['optional'] }),
  ],
  setbit: [KEY, { name: 'offset', type: 'integer' }, { name: 'value', type: 'integer' }],
  setex: [KEY, { name: 'seconds', type: 'integer' }, { name: 'value', type: 'string' }],
  setnx: [KEY, { name: 'value', type: 'string' }],
  setrange: [KEY, { name: 'offset', type: 'integer' }, { name: 'value', type: 'string' }],
  sinter: [KEYS],
  sintercard: [NUMKEYS, KEYS, { name: 'limit', type: 'integer', token: 'LIMIT', flags: ['optional'] }],
  sinterstore: DESTINATION_KEYS,
  sismember: [KEY, { name: 'member', type: 'string' }],
  smembers: [KEY],
  smismember: [KEY, { name: 'member', type: 'string', flags: ['multiple'] }],
  smove: [...SOURCE_DESTINATION, { name: 'member', type: 'string' }],
  sort: [...SORT_RO, { name: 'destination', type: 'key', keySpecIndex: 2, token: 'STORE', flags: ['optional'] }],
  sort_ro: SORT_RO,
  spop: [KEY, { name: 'count', type: 'integer', since: '3.2.0', flags: ['optional'] }],
  spublish: [{ name: 'shardchannel', type: 'string' }, { name: 'message', type: 'string' }],
  srandmember: [KEY, { name: 'count', type: 'integer', since: '2.6.0', flags: ['optional'] }],
  srem: [KEY, { name: 'member', type: 'string', flags: ['multiple'] }],
  sscan: KEY_SCAN,
  ssubscribe: [{ name: 'shardchannel', type: 'string', flags: ['multiple'] }],
  strlen: [KEY],
  subscribe: [{ name: 'channel', type: 'string', flags: ['multiple'] }],
  substr: [KEY, { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }],
  sunion: [KEYS],
  sunionstore: DESTINATION_KEYS,
  sunsubscribe: [{ name: 'shardchannel', type: 'string', flags: ['optional', 'multiple'] }],
  swapdb: [{ name: 'index1', type: 'integer' }, { name: 'index2', type: 'integer' }],
  touch: [KEYS],
  ttl: [KEY],
  type: [KEY],
  unlink: [KEYS],
  unsubscribe: [{ name: 'channel', type: 'string', flags: ['optional', 'multiple'] }],
  watch: [KEYS],
  xack: [KEY, { name: 'group', type: 'string' }, { name: 'id', type: 'string', flags: ['multiple'] }],
  xadd: [
    KEY,
    option('NOMKSTREAM', { since: '6.2.0' }),
    block('trim', TRIM, { flags: ['optional'] }),
    oneof('id_or_auto', [{ name: 'auto_id', type: 'pure-token', token: '*' }, { name: 'id', type: 'string' }]),
    FIELD_VALUE,
  ],
  xautoclaim: [
    KEY,
    { name: 'group', type: 'string' },
    { name: 'consumer', type: 'string' },
    { name: 'min-idle-time', type: 'string' },
    { name: 'start', type: 'string' },
    COUNT,
    option('JUSTID'),
  ],
  xclaim: [
    KEY,
    { name: 'group', type: 'string' },
    { name: 'consumer', type: 'string' },
    { name: 'min-idle-time', type: 'string' },
    { name: 'id', type: 'string', flags: ['multiple'] },
    { name: 'ms', type: 'integer', token: 'IDLE', flags: ['optional'] },
    { name: 'unix-time-milliseconds', type: 'unix-time', token: 'TIME', flags: ['optional'] },
    { name: 'count', type: 'integer', token: 'RETRYCOUNT', flags: ['optional'] },
    option('FORCE'),
    option('JUSTID'),
    { name: 'id', type: 'string', token: 'LASTID', flags: ['optional'] },
  ],
  xdel: [KEY, { name: 'id', type: 'string', flags: ['multiple'] }],
  'xgroup|create': [...KEY_GROUPNAME, GROUP_ID, option('MKSTREAM'), ENTRIES_READ],
  'xgroup|createconsumer': KEY_GROUPNAME_CONSUMER,
  'xgroup|delconsumer': KEY_GROUPNAME_CONSUMER,
  'xgroup|destroy': KEY_GROUPNAME,
  'xgroup|setid': [...KEY_GROUPNAME, GROUP_ID, ENTRIES_READ],
  'xinfo|consumers': KEY_GROUPNAME,
  'xinfo|groups': [KEY],
  'xinfo|stream': [KEY, block('full', [COUNT], { token: 'FULL', flags: ['optional'] })],
  xlen: [KEY],
  xpending: [
    KEY,
    { name: 'group', type: 'string' },
    block('filters', [
      { name: 'min-idle-time', type: 'integer', token: 'IDLE', since: '6.2.0', flags: ['optional'] },
      { name: 'start', type: 'string' },
      { name: 'end', type: 'string' },
      { name: 'count', type: 'integer' },
      { name: 'consumer', type: 'string', flags: ['optional'] },
    ], { flags: ['optional'] }),
  ],
  xrange: [KEY, { name: 'start', type: 'string' }, { name: 'end', type: 'string' }, COUNT],
  xread: [COUNT, BLOCK_MS, STREAMS],
  xreadgroup: [
    block('group_consumer', [{ name: 'group', type: 'string' }, { name: 'consumer', type: 'string' }], { token: 'GROUP' }),
    COUNT,
    BLOCK_MS,
    option('NOACK'),
    STREAMS,
  ],
  xrevrange: [KEY, { name: 'end', type: 'string' }, { name: 'start', type: 'string' }, COUNT],
  xsetid: [
    KEY,
    { name: 'last-id', type: 'string' },
    { name: 'entries_added', type: 'integer', token: 'ENTRIESADDED', since: '7.0.0', flags: ['optional'] },
    { name: 'max_deleted_entry_id', type: 'string', token: 'MAXDELETEDID', since: '7.0.0', flags: ['optional'] },
  ],
  xtrim: [KEY, block('trim', TRIM)],
  zadd: [
    KEY,
    oneof('condition', NX_XX, { since: '3.0.2', flags: ['optional'] }),
    oneof('comparison', ['GT', 'LT'], { since: '6.2.0', flags: ['optional'] }),
    { name: 'change', type: 'pure-token', token: 'CH', since: '3.0.2', flags: ['optional'] },
    { name: 'increment', type: 'pure-token', token: 'INCR', since: '3.0.2', flags: ['optional'] },
    block('score_member', [{ name: 'score', type: 'double' }, { name: 'member', type: 'string' }], { flags: ['multiple'] }),
  ],
  zcard: [KEY],
  zcount: [KEY, { name: 'min', type: 'double' }, { name: 'max', type: 'double' }],
  zdiff: [NUMKEYS, KEYS, WITHSCORES],
  zdiffstore: [DESTINATION, NUMKEYS, KEYS1],
  zincrby: [KEY, { name: 'increment', type: 'integer' }, { name: 'member', type: 'string' }],
  zinter: ZSET_OP,
  zintercard: [NUMKEYS, KEYS, { name: 'limit', type: 'integer', token: 'LIMIT', flags: ['optional'] }],
  zinterstore: ZSET_OP_STORE,
  zlexcount: [KEY, { name: 'min', type: 'string' }, { name: 'max', type: 'string' }],
  zmpop: ZMPOP,
  zmscore: [KEY, { name: 'member', type: 'string', flags: ['multiple'] }],
  zpopmax: [KEY, { name: 'count', type: 'integer', flags: ['optional'] }],
  zpopmin: [KEY, { name: 'count', type: 'integer', flags: ['optional'] }],
  zrandmember: [KEY, randOptions('WITHSCORES')],
  zrange: [
    KEY,
    { name: 'start', type: 'string' },
    { name: 'stop', type: 'string' },
    { ...SORTBY, since: '6.2.0' },
    { ...REV, since: '6.2.0' },
    { ...LIMIT, since: '6.2.0' },
    WITHSCORES,
  ],
  zrangebylex: [KEY, { name: 'min', type: 'string' }, { name: 'max', type: 'string' }, LIMIT],
  zrangebyscore: [KEY, { name: 'min', type: 'double' }, { name: 'max', type: 'double' }, option('WITHSCORES', { since: '2.0.0' }), LIMIT],
  zrangestore: [
    { name: 'dst', type: 'key', keySpecIndex: 0 },
    { name: 'src', type: 'key', keySpecIndex: 1 },
    { name: 'min', type: 'string' },
    { name: 'max', type: 'string' },
    SORTBY,
    REV,
    LIMIT,
  ],
  zrank: [KEY, { name: 'member', type: 'string' }],
  zrem: [KEY, { name: 'member', type: 'string', flags: ['multiple'] }],
  zremrangebylex: [KEY, { name: 'min', type: 'string' }, { name: 'max', type: 'string' }],
  zremrangebyrank: [KEY, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
  zremrangebyscore: [KEY, { name: 'min', type: 'double' }, { name: 'max', type: 'double' }],
  zrevrange: [KEY, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }, WITHSCORES],
  zrevrangebylex: [KEY, { name: 'max', type: 'string' }, { name: 'min', type: 'string' }, LIMIT],
  zrevrangebyscore: [KEY, { name: 'max', type: 'double' }, { name: 'min', type: 'double' }, WITHSCORES, LIMIT],
  zrevrank: [KEY, { name: 'member', type: 'string' }],
  zscan: KEY_SCAN,
  zscore: [KEY, { name: 'member', type: 'string' }],
  zunion: ZSET_OP,
  zunionstore: ZSET_OP_STORE,
};

// Commands share the fragments above, so none may change them: the whole table is frozen.
function freeze(args: readonly ArgSpec[]): void {
  Object.freeze(args);
  for (const a of args) {
    Object.freeze(a);
    if (a.flags !== undefined) Object.freeze(a.flags);
    if (a.args !== undefined) freeze(a.args);
  }
}
for (const args of Object.values(COMMAND_ARGS)) freeze(args);
Object.freeze(COMMAND_ARGS);
