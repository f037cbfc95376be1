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
  // CLUSTER
  clusterDisabled: 'ERR This instance has cluster support disabled',
  clusterSlotOutOfRange: 'ERR Invalid or out of range slot',
  clusterUnknownNode: (id: string) => `ERR Unknown node ${id}`,
  clusterDontKnowNode: (id: string) => `ERR I don't know about node ${id}`,
  clusterSlotRangeOrder: (start: number, end: number) => `ERR start slot number ${start} is greater than end slot number ${end}`,
  clusterSlotUnassigned: (slot: number) => `ERR Slot ${slot} is already unassigned`,
  clusterSlotBusy: (slot: number) => `ERR Slot ${slot} is already busy`,
  clusterSlotRepeated: (slot: number) => `ERR Slot ${slot} specified multiple times`,
  clusterSetslotNotMaster: 'ERR Please use SETSLOT only with masters.',
  clusterNotSlotOwner: (slot: number) => `ERR I'm not the owner of hash slot ${slot}`,
  clusterTargetNotMaster: 'ERR Target node is not a master',
  clusterAlreadySlotOwner: (slot: number) => `ERR I'm already the owner of hash slot ${slot}`,
  clusterSlotHasKeys: (slot: number) =>
    `ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`,
  clusterSetslotSyntax: 'ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP',
  clusterNodeNotMaster: 'ERR The specified node is not a master',
  clusterInvalidSlot: 'ERR Invalid slot',
  clusterInvalidSlotOrCount: 'ERR Invalid slot or number of keys',
  clusterFlushslotsNotEmpty: 'ERR DB must be empty to perform CLUSTER FLUSHSLOTS.',
  clusterInvalidBasePort: (port: string) => `ERR Invalid TCP base port specified: ${port}`,
  clusterInvalidBusPort: (port: string) => `ERR Invalid TCP bus port specified: ${port}`,
  clusterInvalidAddress: (host: string, port: string) => `ERR Invalid node address specified: ${host}:${port}`,
  clusterForgetMyself: "ERR I tried hard but I can't forget myself...",
  clusterForgetMaster: "ERR Can't forget my master!",
  clusterReplicateMyself: "ERR Can't replicate myself",
  clusterReplicateReplica: 'ERR I can only replicate a master, not a replica.',
  clusterReplicateNotEmpty: 'ERR To set a master the node must be empty and without assigned slots.',
  clusterFailoverMaster: 'ERR You should send CLUSTER FAILOVER to a replica',
  clusterMasterUnknown: "ERR I'm a replica but my master is unknown to me",
  clusterFailoverMasterDown: 'ERR Master is down or failed, please use CLUSTER FAILOVER FORCE',
  clusterInvalidEpoch: (epoch: number | bigint) => `ERR Invalid config epoch specified: ${epoch}`,
  clusterEpochKnowsOthers: 'ERR The user can assign a config epoch only when the node does not know any other node.',
  clusterEpochNonZero: 'ERR Node config epoch is already non-zero',
  clusterResetWithKeys: "ERR CLUSTER RESET can't be called with master nodes containing keys",
  // Scripts in cluster mode
  scriptClusterDownReadOnly: 'ERR Script attempted to execute a write command while the cluster is down and readonly',
  scriptClusterDown: 'ERR Script attempted to execute a command while the cluster is down',
  scriptNonLocalKey: 'ERR Script attempted to access a non local key in a cluster node',
  scriptCrossSlot: 'ERR Script attempted to access keys that do not hash to the same slot',
  // HELLO, RESET, MONITOR, CLIENT
  helloProtoNotInteger: 'ERR Protocol version is not an integer or out of range',
  helloOptionSyntax: (opt: string) => `ERR Syntax error in HELLO option '${opt}'`,
  resetNotNormal: 'ERR can only reset normal client connections',
  monitorDenyBlocking: "ERR MONITOR isn't allowed for DENY BLOCKING client",
  clientCachingMode: 'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled',
  clientNameChars: 'ERR Client names cannot contain spaces, newlines or special characters.',
  clientSetinfoOption: (opt: string) => `ERR Unrecognized option '${opt}'`,
  clientSetinfoChars: (attr: string) => `ERR ${attr} cannot contain spaces, newlines or special characters.`,
  clientUnblockReason: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
  clientPauseMode: 'ERR CLIENT PAUSE mode must be WRITE or ALL',
  clientUnknownType: (type: string) => `ERR Unknown client type '${type}'`,
  clientInvalidId: 'ERR Invalid client ID',
  clientIdNotPositive: 'ERR client-id should be greater than 0',
  clientMaxageNotInteger: 'ERR maxage is not an integer or out of range',
  clientMaxageNotPositive: 'ERR maxage should be greater than 0',
  clientNoSuchUser: (user: string) => `ERR No such user '${user}'`,
  clientNoSuchClient: 'ERR No such client',
  // SUBSCRIBE family
  subscribeDenyBlocking: (cmd: string) => `ERR ${cmd} isn't allowed for a DENY BLOCKING client`,
  // CONFIG, DEBUG, SHUTDOWN, LATENCY
  configSetFailed: (name: string, why: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`,
  configNoFile: 'ERR The server is running without a config file',
  configRewriteFailed: (why: string) => `ERR Rewriting config file: ${why}`,
  countAtLeastMinusOne: 'ERR count should be greater than or equal to -1',
  debugProtocolResp2: 'ERR RESP2 is not supported by this command',
  debugProtocolType:
    'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
  debugNotEncoded: (encoding: string) => `ERR Not a ${encoding} encoded object.`,
  debugQuicklistThreshold: 'ERR argument must be a memory value bigger than 1 and smaller than 4gb',
  noShutdownInProgress: 'ERR No shutdown in progress.',
  shutdownFailed: 'ERR Errors trying to SHUTDOWN. Check logs.',
  latencyNoSamples: (event: string) => `ERR No samples available for event '${event}'`,
  // REPLICAOF, REPLCONF, SYNC, WAIT
  replicaofInCluster: 'ERR REPLICAOF not allowed in cluster mode.',
  replicaofFromReplica: 'ERR Command is not valid when client is a replica.',
  invalidMasterPort: 'ERR Invalid master port',
  replconfFilterOnly: (word: string) => `ERR Unsupported rdb-filter-only option: ${word}`,
  replconfOption: (opt: string) => `ERR Unrecognized REPLCONF option: ${opt}`,
  syncNoMasterLink: "NOMASTERLINK Can't SYNC while not connected with my master",
  syncPendingOutput: 'ERR SYNC and PSYNC are invalid with pending output',
  waitOnReplica:
    'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable ' +
    '(which is not the default) writes to replicas are just local and are not propagated.',
  // SAVE, BGSAVE, BGREWRITEAOF, and writes refused after a failed save
  /** Redis's shared.err: a failure with no message. */
  bare: 'ERR',
  bgsaveInProgress: 'ERR Background save already in progress',
  bgsaveChildActive:
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
  aofRewriteInProgress: 'ERR Background append only file rewriting already in progress',
  aofRewriteFailed: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
  misconfRdb:
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  misconfAof: (why: string) => `MISCONF Errors writing to the AOF file: ${why}`,
  // DUMP, RESTORE, MIGRATE
  restoreIdletime: 'ERR Invalid IDLETIME value, must be >= 0',
  restoreFreq: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
  restoreTtl: 'ERR Invalid TTL value, must be >= 0',
  restoreUnsupported: (type: string) => `ERR RESTORE of '${type}' values is not supported yet`,
  dumpUnsupported: (type: string) => `ERR DUMP of '${type}' values is not supported yet`,
  dumpPayload: 'ERR DUMP payload version or checksum are wrong',
  badDataFormat: 'ERR Bad data format',
  migrateKeysNotEmpty: 'ERR When using MIGRATE KEYS option, the key argument must be set to the empty string',
  migrateConnect: 'IOERR error or timeout connecting to the client',
  migrateWrite: 'IOERR error or timeout writing to target instance',
  migrateRead: 'IOERR error or timeout reading to target instance',
  migrateTarget: (reply: string) => `ERR Target instance replied with error: ${reply}`,
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
