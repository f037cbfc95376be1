// The directive table: every configuration parameter Shoal knows, with Redis's name, type, default
// and mutability. Parsing, CONFIG GET/SET/REWRITE and the command line all read this one table.

export type DirectiveType = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'special';

export interface Directive {
  name: string;
  type: DirectiveType;
  /** Default in conf-file syntax. */
  def: string;
  mutable: boolean;
  alias?: string;
  min?: number;
  max?: number;
  values?: readonly string[];
  /**
   * For features not built yet: the only values accepted. Anything else is refused with
   * "not implemented yet" rather than silently ignored.
   */
  onlyValues?: readonly string[];
  /** Extra validation for special/string types; returns an error detail or null. */
  validate?: (v: string) => string | null;
  /** Can appear several times in a file (values are accumulated). */
  multi?: boolean;
  /** Redis's HIDDEN_CONFIG: CONFIG GET returns it only when asked by its exact name. */
  hidden?: boolean;
  /** Not a CONFIG parameter at all (conf-file only, like `user`): CONFIG GET/SET never see it. */
  fileOnly?: boolean;
  /** Redis's SENSITIVE_CONFIG: CONFIG SET hides the value from SLOWLOG and MONITOR. */
  sensitive?: boolean;
  /** Redis's PROTECTED_CONFIG: CONFIG SET needs enable-protected-configs. */
  protected?: boolean;
  /** Redis's DENY_LOADING_CONFIG: CONFIG SET answers -LOADING while the dataset loads. */
  denyLoading?: boolean;
  /** Memory values may also be a percentage (stored negative, shown as N%). */
  percent?: boolean;
  /** Integer written in octal (unixsocketperm). */
  octal?: boolean;
  /** Accepted values outside [clampMin, clampMax] are stored clamped (hz). */
  clamp?: [number, number];
  /** Enum spellings stored as another name, e.g. oom-score-adj relative -> yes. */
  enumAlias?: Readonly<Record<string, string>>;
}

const I32 = 2147483647;
const LL = Number.MAX_SAFE_INTEGER;
const I32_MIN = -2147483648;
const U32 = 4294967295;

const b = (name: string, def: 'yes' | 'no', mutable = true, extra: Partial<Directive> = {}): Directive => ({
  name, type: 'bool', def, mutable, ...extra,
});
const i = (name: string, def: number, min: number, max: number, mutable = true, extra: Partial<Directive> = {}): Directive => ({
  name, type: 'int', def: String(def), mutable, min, max, ...extra,
});
const m = (name: string, def: string, mutable = true, extra: Partial<Directive> = {}): Directive => ({
  name, type: 'memory', def, mutable, min: 0, max: LL, ...extra,
});
const s = (name: string, def: string, mutable = true, extra: Partial<Directive> = {}): Directive => ({
  name, type: 'string', def, mutable, ...extra,
});
const e = (name: string, def: string, values: readonly string[], mutable = true, extra: Partial<Directive> = {}): Directive => ({
  name, type: 'enum', def, values, mutable, ...extra,
});
const sp = (name: string, def: string, mutable = true, extra: Partial<Directive> = {}): Directive => ({
  name, type: 'special', def, mutable, ...extra,
});

export const DIRECTIVES: readonly Directive[] = [
  // network
  i('port', 6379, 0, 65535),
  sp('bind', '* -::*'),
  b('protected-mode', 'yes'),
  i('tcp-backlog', 511, 0, I32, false),
  s('unixsocket', '', false),
  i('unixsocketperm', 0, 0, 0o777, false, { octal: true }),
  i('timeout', 0, 0, I32),
  i('tcp-keepalive', 300, 0, I32),
  s('bind-source-addr', '', true),
  i('socket-mark-id', 0, 0, U32, false),
  // general
  b('daemonize', 'no', false, { onlyValues: ['no'] }),
  e('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], false),
  s('pidfile', '', false),
  e('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning']),
  s('logfile', '', false),
  b('syslog-enabled', 'no', false),
  s('syslog-ident', 'redis', false),
  e('syslog-facility', 'local0', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], false),
  i('databases', 16, 1, I32, false),
  b('always-show-logo', 'no', false),
  b('set-proc-title', 'yes', false),
  s('proc-title-template', '{title} {listen-addr} {server-mode}'),
  b('crash-log-enabled', 'yes'),
  b('crash-memcheck-enabled', 'yes'),
  e('enable-protected-configs', 'no', ['no', 'yes', 'local'], false),
  e('enable-debug-command', 'no', ['no', 'yes', 'local'], false),
  e('enable-module-command', 'no', ['no', 'yes', 'local'], false),
  s('ignore-warnings', ''),
  i('hz', 10, 0, I32, true, { clamp: [1, 500] }),
  b('dynamic-hz', 'yes'),
  i('active-expire-effort', 1, 1, 10),
  i('io-threads', 1, 1, 128, false),
  b('io-threads-do-reads', 'no', false),
  i('shutdown-timeout', 10, 0, I32),
  s('server_cpulist', '', false),
  s('bio_cpulist', '', false),
  s('aof_rewrite_cpulist', '', false),
  s('bgsave_cpulist', '', false),
  b('use-exit-on-panic', 'no', true, { hidden: true }),
  i('watchdog-period', 0, 0, I32, true, { hidden: true }),
  sp('shutdown-on-sigint', 'default'),
  sp('shutdown-on-sigterm', 'default'),
  // snapshotting
  sp('save', '3600 1 300 100 60 10000'),
  b('stop-writes-on-bgsave-error', 'yes'),
  b('rdbcompression', 'yes'),
  b('rdbchecksum', 'yes'),
  e('sanitize-dump-payload', 'no', ['no', 'yes', 'clients']),
  s('dbfilename', 'dump.rdb', true, { protected: true }),
  b('rdb-del-sync-files', 'no'),
  sp('dir', '.', true, { protected: true, denyLoading: true }),
  i('rdb-key-save-delay', 0, I32_MIN, I32, true, { hidden: true }),
  i('key-load-delay', 0, I32_MIN, I32, true, { hidden: true }),
  i('loading-process-events-interval-bytes', 2097152, 1024, I32, true, { hidden: true }),
  b('rdb-save-incremental-fsync', 'yes'),
  // replication
  sp('replicaof', '', false, { alias: 'slaveof' }),
  s('masterauth', '', true, { sensitive: true }),
  s('masteruser', '', true, { sensitive: true }),
  b('replica-serve-stale-data', 'yes', true, { alias: 'slave-serve-stale-data' }),
  b('replica-read-only', 'yes', true, { alias: 'slave-read-only' }),
  b('repl-diskless-sync', 'yes'),
  i('repl-diskless-sync-delay', 5, 0, I32),
  i('repl-diskless-sync-max-replicas', 0, 0, I32),
  e('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb'], true, { denyLoading: true }),
  i('repl-ping-replica-period', 10, 1, I32, true, { alias: 'repl-ping-slave-period' }),
  i('repl-timeout', 60, 1, I32),
  b('repl-disable-tcp-nodelay', 'no'),
  m('repl-backlog-size', '1mb', true, { min: 1 }),
  i('repl-backlog-ttl', 3600, 0, I32),
  i('replica-priority', 100, 0, I32, true, { alias: 'slave-priority' }),
  b('replica-announced', 'yes'),
  i('min-replicas-to-write', 0, 0, I32, true, { alias: 'min-slaves-to-write' }),
  i('min-replicas-max-lag', 10, 0, I32, true, { alias: 'min-slaves-max-lag' }),
  s('replica-announce-ip', '', true, { alias: 'slave-announce-ip' }),
  i('replica-announce-port', 0, 0, 65535, true, { alias: 'slave-announce-port' }),
  b('replica-lazy-flush', 'no', true, { alias: 'slave-lazy-flush' }),
  b('replica-ignore-maxmemory', 'yes', true, { alias: 'slave-ignore-maxmemory' }),
  e('propagation-error-behavior', 'ignore', ['ignore', 'panic', 'panic-on-replicas']),
  b('replica-ignore-disk-write-errors', 'no'),
  // security
  s('requirepass', '', true, { sensitive: true }),
  s('aclfile', '', false),
  i('acllog-max-len', 128, 0, LL),
  sp('user', '', false, { multi: true, fileOnly: true }),
  e('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels']),
  // clients and memory
  i('maxclients', 10000, 1, U32),
  m('maxmemory', '0'),
  e('maxmemory-policy', 'noeviction', ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
    'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction']),
  i('maxmemory-samples', 5, 1, I32),
  i('maxmemory-eviction-tenacity', 10, 0, 100),
  m('maxmemory-clients', '0', true, { min: -100, percent: true }),
  i('lfu-log-factor', 10, 0, I32),
  i('lfu-decay-time', 1, 0, I32),
  b('lazyfree-lazy-eviction', 'no'),
  b('lazyfree-lazy-expire', 'no'),
  b('lazyfree-lazy-server-del', 'no'),
  b('lazyfree-lazy-user-del', 'no'),
  b('lazyfree-lazy-user-flush', 'no'),
  b('activerehashing', 'yes'),
  b('activedefrag', 'no'),
  m('active-defrag-ignore-bytes', '100mb', true, { min: 1 }),
  i('active-defrag-threshold-lower', 10, 0, 1000),
  i('active-defrag-threshold-upper', 100, 0, 1000),
  i('active-defrag-cycle-min', 1, 1, 99),
  i('active-defrag-cycle-max', 25, 1, 99),
  i('active-defrag-max-scan-fields', 1000, 1, LL),
  b('jemalloc-bg-thread', 'yes'),
  e('oom-score-adj', 'no', ['no', 'yes', 'relative', 'absolute'], true, { enumAlias: { relative: 'yes' } }),
  sp('oom-score-adj-values', '0 200 800'),
  b('disable-thp', 'yes', false),
  sp('client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'),
  m('client-query-buffer-limit', '1gb', true, { min: 1024 * 1024 }),
  m('proto-max-bulk-len', '512mb', true, { min: 1024 * 1024 }),
  i('tracking-table-max-keys', 1000000, 0, LL),
  // append only file
  b('appendonly', 'no', true, { denyLoading: true }),
  s('appendfilename', 'appendonly.aof', false),
  s('appenddirname', 'appendonlydir', false),
  e('appendfsync', 'everysec', ['everysec', 'always', 'no']),
  b('no-appendfsync-on-rewrite', 'no'),
  i('auto-aof-rewrite-percentage', 100, 0, I32),
  m('auto-aof-rewrite-min-size', '64mb'),
  b('aof-load-truncated', 'yes'),
  b('aof-use-rdb-preamble', 'yes'),
  b('aof-rewrite-incremental-fsync', 'yes'),
  b('aof-timestamp-enabled', 'no'),
  b('aof-disable-auto-gc', 'no'),
  // scripting
  i('busy-reply-threshold', 5000, 0, LL, true, { alias: 'lua-time-limit' }),
  // cluster
  b('cluster-enabled', 'no', false),
  s('cluster-config-file', 'nodes.conf', false),
  i('cluster-node-timeout', 15000, 0, LL),
  i('cluster-port', 0, 0, 65535, false),
  i('cluster-replica-validity-factor', 10, 0, I32, true, { alias: 'cluster-slave-validity-factor' }),
  i('cluster-migration-barrier', 1, 0, I32),
  b('cluster-allow-replica-migration', 'yes'),
  b('cluster-require-full-coverage', 'yes'),
  b('cluster-replica-no-failover', 'no', true, { alias: 'cluster-slave-no-failover' }),
  b('cluster-allow-reads-when-down', 'no'),
  b('cluster-allow-pubsubshard-when-down', 'yes'),
  s('cluster-announce-ip', ''),
  i('cluster-announce-port', 0, 0, 65535),
  i('cluster-announce-bus-port', 0, 0, 65535),
  i('cluster-announce-tls-port', 0, 0, 65535),
  s('cluster-announce-hostname', ''),
  e('cluster-preferred-endpoint-type', 'ip', ['ip', 'hostname', 'unknown-endpoint']),
  m('cluster-link-sendbuf-limit', '0'),
  // monitoring
  i('slowlog-log-slower-than', 10000, -1, LL),
  i('slowlog-max-len', 128, 0, LL),
  i('latency-monitor-threshold', 0, 0, LL),
  b('latency-tracking', 'yes'),
  sp('latency-tracking-info-percentiles', '50 99 99.9'),
  sp('notify-keyspace-events', ''),
  // encodings
  i('hash-max-listpack-entries', 512, 0, LL, true, { alias: 'hash-max-ziplist-entries' }),
  m('hash-max-listpack-value', '64', true, { alias: 'hash-max-ziplist-value' }),
  i('list-max-listpack-size', -2, I32_MIN, I32, true, { alias: 'list-max-ziplist-size' }),
  i('list-compress-depth', 0, 0, I32),
  i('set-max-intset-entries', 512, 0, LL),
  i('zset-max-listpack-entries', 128, 0, LL, true, { alias: 'zset-max-ziplist-entries' }),
  m('zset-max-listpack-value', '64', true, { alias: 'zset-max-ziplist-value' }),
  m('hll-sparse-max-bytes', '3000'),
  m('stream-node-max-bytes', '4kb'),
  i('stream-node-max-entries', 100, 0, LL),
  // TLS (src/server/tls.ts); tls-cluster is accepted but the cluster bus stays plain TCP
  i('tls-port', 0, 0, 65535),
  s('tls-cert-file', ''),
  s('tls-key-file', ''),
  s('tls-key-file-pass', '', true, { sensitive: true }),
  s('tls-client-cert-file', ''),
  s('tls-client-key-file', ''),
  s('tls-client-key-file-pass', '', true, { sensitive: true }),
  s('tls-dh-params-file', ''),
  s('tls-ca-cert-file', ''),
  s('tls-ca-cert-dir', ''),
  e('tls-auth-clients', 'yes', ['no', 'yes', 'optional']),
  b('tls-replication', 'no'),
  b('tls-cluster', 'no'),
  s('tls-protocols', ''),
  s('tls-ciphers', ''),
  s('tls-ciphersuites', ''),
  b('tls-prefer-server-ciphers', 'no'),
  b('tls-session-caching', 'yes'),
  i('tls-session-cache-size', 20480, 0, I32),
  i('tls-session-cache-timeout', 300, 0, I32),
];

export const DIRECTIVE_BY_NAME: ReadonlyMap<string, Directive> = (() => {
  const map = new Map<string, Directive>();
  for (const d of DIRECTIVES) {
    map.set(d.name, d);
    if (d.alias) map.set(d.alias, d);
  }
  return map;
})();
