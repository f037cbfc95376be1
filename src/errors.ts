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
    `ERR unknown subcommand '${sub}'. Try ${cmd} HELP.`,
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  wrongSubArity: (cmd: string, sub: string) => `ERR wrong number of arguments for '${cmd}|${sub}' command`,
  unknownConfigParam: (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`,
  protocol: (detail: string) => `ERR Protocol error: ${detail}`,
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  readonlyReplica: "READONLY You can't write against a read only replica.",
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
  clusterCrossSlot: "CROSSSLOT Keys in request don't hash to the same slot",
  clusterTryAgain: 'TRYAGAIN Multiple keys request during rehashing of slot',
  clusterDown: 'CLUSTERDOWN The cluster is down',
  clusterDownUnbound: 'CLUSTERDOWN Hash slot not served',
  clusterDownReadOnly: 'CLUSTERDOWN The cluster is down and only accepts read commands',
  clusterRedirect: (kind: 'MOVED' | 'ASK', slot: number, endpoint: string, port: number) => `${kind} ${slot} ${endpoint}:${port}`,
} as const;

/** Redis shows at most 128 bytes of each of the first arguments in the unknown-command error. */
export function unknownCommandError(argv: string[]): string {
  let preview = '';
  for (let i = 1; i < argv.length && preview.length < 128; i++) {
    const remaining = 128 - preview.length;
    preview += `'${argv[i].length > remaining ? argv[i].slice(0, remaining) : argv[i]}' `;
  }
  const name = argv[0].length > 128 ? argv[0].slice(0, 128) : argv[0];
  return ERR.unknownCommand(name, preview);
}
