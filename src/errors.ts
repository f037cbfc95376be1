// Every error reply text Shoal sends, worded exactly as Redis 7 words it: clients and test
// suites match on these strings. Texts are without the leading '-' and trailing CRLF.

export const ERR = {
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  incrOverflow: 'ERR increment or decrement would overflow',
  decrOverflow: 'ERR decrement would overflow',
  incrNanOrInf: 'ERR increment would produce NaN or Infinity',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  sameObject: 'ERR source and destination objects are the same',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  timeoutNegative: 'ERR timeout is negative',
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authNoPassword:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  noProto: 'NOPROTO unsupported protocol version',
  multiNested: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  watchInMulti: 'ERR WATCH inside MULTI is not allowed',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  selectNotAllowedInCluster: 'ERR SELECT is not allowed in cluster mode',
  negativeCount: 'ERR value is out of range, must be positive',
  unknownCommand: (name: string, argsPreview: string) =>
    `ERR unknown command '${name}', with args beginning with: ${argsPreview}`,
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${cstr(sub)}'. Try ${cstr(cmd)} HELP.`,
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  wrongSubArity: (cmd: string, sub: string) => `ERR wrong number of arguments for '${cmd}|${sub}' command`,
  unknownConfigParam: (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`,
  protocol: (detail: string) => `ERR Protocol error: ${detail}`,
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  readonlyReplica: "READONLY You can't write against a read only replica.",
  noReplicas: 'NOREPLICAS Not enough good replicas to write.',
  masterDown: "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
  loading: 'LOADING Redis is loading the dataset in memory',
  busyKey: 'BUSYKEY Target key name already exists.',
  maxClients: 'ERR max number of clients reached',
  offsetOutOfRange: 'ERR offset is out of range',
  lcsNotStrings: 'ERR The specified keys must contain string values',
  lcsLenAndIdx: 'ERR If you want both the length and indexes, please just use IDX.',
  lcsTooBig: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
  lcsNoMemory: 'ERR Insufficient memory, failed allocating transient memory for LCS',
  bitArgument: 'ERR The bit argument must be 1 or 0.',
  bitopNotSingleKey: 'ERR BITOP NOT must be called with a single source key.',
  bitfieldType: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  bitfieldOverflowType: 'ERR Invalid OVERFLOW type specified',
  bitfieldRoOnlyGet: 'ERR BITFIELD_RO only supports the GET subcommand',
  hashNotInteger: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  nanOrInfinity: 'ERR value is NaN or Infinity',
  valueOutOfRange: 'ERR value is out of range',
  /** Redis's wording (sic) for an integer argument outside a range. */
  rangeBetween: (min: bigint | number, max: bigint | number) => `ERR value is out of range, value must between ${min} and ${max}`,
  lposRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  countNegative: "ERR COUNT can't be negative",
  maxlenNegative: "ERR MAXLEN can't be negative",
  limitNegative: "ERR LIMIT can't be negative",
  numkeysNotPositive: 'ERR numkeys should be greater than 0',
  countNotPositive: 'ERR count should be greater than 0',
  numkeysTooBig: "ERR Number of keys can't be greater than number of args",
  invalidCursor: 'ERR invalid cursor',
  expireNxConflict: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  expireGtLtConflict: 'ERR GT and LT options at the same time are not compatible',
  unsupportedOption: (opt: string) => `ERR Unsupported option ${opt}`,
  invalidFirstDb: 'ERR invalid first DB index',
  invalidSecondDb: 'ERR invalid second DB index',
  moveInCluster: 'ERR MOVE is not allowed in cluster mode',
  copyInCluster: 'ERR Copying to another database is not allowed in cluster mode',
  swapdbInCluster: 'ERR SWAPDB is not allowed in cluster mode',
  lfuSelected:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuNotSelected:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  zaddNxXx: 'ERR XX and NX options at the same time are not compatible',
  zaddGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zaddIncrPair: 'ERR INCR option supports a single increment-element pair',
  zaddNaN: 'ERR resulting score is not a number (NaN)',
  zrangeLimit: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  zrangeWithscoresLex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  zMinMaxFloat: 'ERR min or max is not a float',
  zMinMaxLex: 'ERR min or max not valid string range item',
  zAtLeastOneKey: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
  zWeightFloat: 'ERR weight value is not a float',
  helloNoAuth:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  /** A container subcommand given the wrong number of arguments by its own parsing (Redis 7.0 wording). */
  subcommandSyntax: (sub: string, cmd: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${cmd} HELP.`,
  clusterCrossSlot: "CROSSSLOT Keys in request don't hash to the same slot",
  clusterTryAgain: 'TRYAGAIN Multiple keys request during rehashing of slot',
  clusterDown: 'CLUSTERDOWN The cluster is down',
  clusterDownUnbound: 'CLUSTERDOWN Hash slot not served',
  clusterDownReadOnly: 'CLUSTERDOWN The cluster is down and only accepts read commands',
  clusterRedirect: (kind: 'MOVED' | 'ASK', slot: number, endpoint: string, port: number) => `${kind} ${slot} ${endpoint}:${port}`,
  sortScores: "ERR One or more scores can't be converted into double",
  sortByInCluster: 'ERR BY option of SORT denied in Cluster mode.',
  sortGetInCluster: 'ERR GET option of SORT denied in Cluster mode.',
  protectedMode:
    'DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. ' +
    'In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to ' +
    "Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' " +
    'from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not ' +
    'publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just ' +
    "disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then " +
    "restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
    '4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the ' +
    'server to start accepting connections from the outside.',
  busyEval: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  busyFunction: 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.',
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  streamIdInvalid: 'ERR Invalid stream ID specified as stream command argument',
  xaddIdTooSmall: 'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  xaddIdZero: 'ERR The ID specified in XADD must be greater than 0-0',
  streamExhausted: 'ERR The stream has exhausted the last possible ID, unable to add more items',
  streamElementsTooLarge: 'ERR Elements are too large to be stored',
  streamMaxlenNegative: 'ERR The MAXLEN argument must be >= 0.',
  streamLimitNegative: 'ERR The LIMIT argument must be >= 0.',
  streamTrimBoth: 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
  streamLimitNoStrategy: 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
  xtrimNoStrategy: 'ERR syntax error, XTRIM must be called with a trimming strategy',
  streamLimitNoApprox: 'ERR syntax error, LIMIT cannot be used without the special ~ option',
  streamIntervalStart: 'ERR invalid start ID for the interval',
  streamIntervalEnd: 'ERR invalid end ID for the interval',
  xreadUnbalanced: "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
  xreadGroupOption: 'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.',
  xreadNoackOption: 'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.',
  xreadgroupNoGroup: 'ERR Missing GROUP option for XREADGROUP',
  xreadgroupDollar: 'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by ' +
    'specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
  xreadGreaterId: 'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
  xreadBlockFromScript: (cmd: string) => `ERR ${cstr(cmd)} command is not allowed with BLOCK option from scripts`,
  blockTimeoutNotInteger: 'ERR timeout is not an integer or out of range',
  noGroupXreadgroup: (key: string, group: string) =>
    `NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}' in XREADGROUP with GROUP option`,
  noGroupKey: (key: string, group: string) => `NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}'`,
  noGroupForKey: (group: string, key: string) => `NOGROUP No such consumer group '${cstr(group)}' for key name '${cstr(key)}'`,
  noGroupBlocked: 'NOGROUP the consumer group this client was blocked on no longer exists',
  xgroupKeyMissing: 'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM ' +
    'option to create an empty stream automatically.',
  busyGroup: 'BUSYGROUP Consumer Group name already exists',
  entriesReadInvalid: 'ERR value for ENTRIESREAD must be positive or -1',
  xsetidTooSmall: 'ERR The ID specified in XSETID is smaller than the target stream top item',
  xsetidEntriesAdded: 'ERR The entries_added specified in XSETID is smaller than the target stream length',
  xsetidEntriesAddedNegative: 'ERR entries_added must be positive',
  xsetidMaxDeleted: 'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
  xclaimMinIdle: 'ERR Invalid min-idle-time argument for XCLAIM',
  xclaimIdle: 'ERR Invalid IDLE option argument for XCLAIM',
  xclaimTime: 'ERR Invalid TIME option argument for XCLAIM',
  xclaimRetryCount: 'ERR Invalid RETRYCOUNT option argument for XCLAIM',
  xclaimOption: (opt: string) => `ERR Unrecognized XCLAIM option '${cstr(opt)}'`,
  xautoclaimMinIdle: 'ERR Invalid min-idle-time argument for XAUTOCLAIM',
  xautoclaimCount: 'ERR COUNT must be > 0',
} as const;

/** Redis shows at most 128 bytes of each of the first arguments in the unknown-command error. */
export function unknownCommandError(argv: string[]): string {
  let preview = '';
  for (let i = 1; i < argv.length && preview.length < 128; i++) {
    const remaining = 128 - preview.length;
    const arg = cstr(argv[i]);
    preview += `'${arg.length > remaining ? arg.slice(0, remaining) : arg}' `;
  }
  const name = cstr(argv[0]);
  return ERR.unknownCommand(name.length > 128 ? name.slice(0, 128) : name, preview);
}

/** Redis formats these errors with printf's %s, which ends a string at its first NUL byte. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}
