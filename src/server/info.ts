// INFO: the sections and field names Redis 7.0 prints, with values measured from this process.
// Subsystems that own a section's real numbers (persistence, replication) replace its body with
// setInfoSection.

import { tracking, trackingTotals } from './tracking.js';
import { migrateCachedSockets } from '../commands/migrate.js';
import { usedMemory } from '../keyspace/evict.js';
import { lazyfree } from '../keyspace/lazyfree.js';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { allCommands } from '../commands/registry.js';
import { evalScriptsInfo } from '../commands/scripting.js';
import { functionsInfo } from '../commands/functions.js';
import type { CommandSpec } from '../commands/spec.js';
import { keyspaceStats } from '../keyspace/db.js';
import { REDIS_VERSION } from '../version.js';
import { CLIENT_BLOCKED, CLIENT_SLAVE } from './client.js';
import { valueAtPercentile } from './latency.js';
import { PLAIN, SHARD, channelCount, patternCount } from './pubsub.js';
import { server } from './state.js';
import { cluster } from '../cluster/node.js';
import { clientsMemory } from './client-evict.js';
import { rdbStats } from '../persistence/save.js';
import { replicationBufferMemory } from '../replication/primary.js';
import { shutdownInMilliseconds } from './shutdown.js';

/** Sections in the order Redis prints them; `default` is what a bare INFO shows. */
const ALL_SECTIONS = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules',
  'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace',
] as const;
const DEFAULT_SECTIONS = new Set(['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules',
  'errorstats', 'cluster', 'keyspace']);
const TITLES: Record<string, string> = {
  server: 'Server', clients: 'Clients', memory: 'Memory', persistence: 'Persistence', stats: 'Stats',
  replication: 'Replication', cpu: 'CPU', modules: 'Modules', commandstats: 'Commandstats', errorstats: 'Errorstats',
  latencystats: 'Latencystats', cluster: 'Cluster', keyspace: 'Keyspace',
};

type SectionFn = () => string;
const overrides = new Map<string, SectionFn>();

/** Let the subsystem that owns a section (persistence, replication) produce its lines. */
export function setInfoSection(name: string, fn: SectionFn): void {
  overrides.set(name, fn);
}

const RUN_ID = randomBytes(20).toString('hex');
const BUILD_ID = randomBytes(8).toString('hex').slice(0, 15);

// Instantaneous metrics: Redis samples its counters every 100 ms and averages the last 16.
const SAMPLES = 16;
interface Metric {
  last: number;
  lastTime: number;
  samples: number[];
  idx: number;
}
const metrics = {
  ops: newMetric(),
  netIn: newMetric(),
  netOut: newMetric(),
};
let peakMemory = 0;
let startupMemory = 0;

function newMetric(): Metric {
  return { last: 0, lastTime: 0, samples: new Array<number>(SAMPLES).fill(0), idx: 0 };
}

function trackMetric(m: Metric, value: number, now: number): void {
  if (m.lastTime !== 0) {
    const dt = now - m.lastTime;
    m.samples[m.idx] = dt > 0 ? ((value - m.last) * 1000) / dt : 0;
    m.idx = (m.idx + 1) % SAMPLES;
  }
  m.last = value;
  m.lastTime = now;
}

/** The average of the recent per-second rates, truncated like Redis's integer metrics. */
function metricValue(m: Metric): number {
  let sum = 0;
  for (const s of m.samples) sum += Math.floor(s);
  return Math.floor(sum / SAMPLES);
}

function sample(): void {
  if (server.cronPaused) return;
  const now = Date.now();
  trackMetric(metrics.ops, server.stats.commandsProcessed, now);
  trackMetric(metrics.netIn, server.stats.netInputBytes, now);
  trackMetric(metrics.netOut, server.stats.netOutputBytes, now);
  const used = usedMemory();
  if (used > peakMemory) peakMemory = used;
}

/** Start the 100 ms sampler behind instantaneous_* and the memory peak. */
export function initInfo(): void {
  startupMemory = usedMemory();
  peakMemory = startupMemory;
  setInterval(sample, 100).unref();
}

/** Forget the peak memory (MEMORY STATS / CONFIG RESETSTAT). */
export function resetPeakMemory(): void {
  peakMemory = usedMemory();
}

export function memoryFigures(): { used: number; peak: number; startup: number; rss: number; heapTotal: number } {
  const mu = process.memoryUsage();
  const used = usedMemory();
  if (used > peakMemory) peakMemory = used;
  return { used, peak: peakMemory, startup: startupMemory, rss: mu.rss, heapTotal: mu.heapTotal + mu.external };
}

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)}${units[u]}`;
}

function fields(pairs: [string, string | number][]): string {
  let out = '';
  for (const [k, v] of pairs) out += `${k}:${v}\r\n`;
  return out;
}

function serverSection(): string {
  const now = Date.now();
  const uptime = Math.floor((now - server.startTime) / 1000);
  const arch = os.arch() === 'x64' ? 'x86_64' : os.arch() === 'arm64' ? 'aarch64' : os.arch();
  const hz = server.config.num('hz');
  return fields([
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', BUILD_ID],
    ['redis_mode', server.config.bool('cluster-enabled') ? 'cluster' : 'standalone'],
    ['os', `${os.type()} ${os.release()} ${arch}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', RUN_ID],
    ['tcp_port', server.port],
    ['server_time_usec', Math.floor((performance.timeOrigin + performance.now()) * 1000)],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', path.resolve(process.argv[1] ?? '')],
    ['config_file', server.config.file ?? ''],
    ['io_threads_active', 0],
    // Only while a shutdown waits for its replicas, as in Redis.
    ...(shutdownInMilliseconds() >= 0 ? [['shutdown_in_milliseconds', shutdownInMilliseconds()] as [string, number]] : []),
  ]);
}

function clientsSection(): string {
  let blocked = 0;
  let maxIn = 0;
  let maxOut = 0;
  let replicas = 0;
  for (const c of server.clients.values()) {
    if (c.flags & CLIENT_BLOCKED) blocked++;
    // Like Redis, our replicas' links are not counted (the link to our primary is).
    if (c.flags & CLIENT_SLAVE) replicas++;
    if (c.parser.pending > maxIn) maxIn = c.parser.pending;
    if (c.reply.len > maxOut) maxOut = c.reply.len;
  }
  return fields([
    ['connected_clients', server.clients.size - replicas],
    // Redis counts two descriptors (a link each way) per other known node.
    ['cluster_connections', cluster.on ? (cluster.st.nodes.size - 1) * 2 : 0],
    ['maxclients', server.config.num('maxclients')],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', blocked],
    ['tracking_clients', tracking.clients],
    ['clients_in_timeout_table', 0],
  ]);
}

function memorySection(): string {
  const m = memoryFigures();
  const ev = evalScriptsInfo();
  const fn = functionsInfo();
  const repl = replicationBufferMemory();
  const overhead = Math.min(m.used, m.startup + server.clients.size * 1024);
  const dataset = m.used - overhead;
  const netUsed = m.used - m.startup;
  const maxmemory = server.config.num('maxmemory');
  const total = os.totalmem();
  const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '0.00');
  return fields([
    ['used_memory', m.used],
    ['used_memory_human', bytesToHuman(m.used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', m.peak],
    ['used_memory_peak_human', bytesToHuman(m.peak)],
    ['used_memory_peak_perc', `${((m.used * 100) / m.peak).toFixed(2)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', m.startup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', `${(netUsed > 0 ? (dataset * 100) / netUsed : 0).toFixed(2)}%`],
    ['allocator_allocated', m.used],
    ['allocator_active', m.heapTotal],
    ['allocator_resident', m.rss],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ['used_memory_lua', ev.luaMemory],
    ['used_memory_vm_eval', ev.luaMemory],
    ['used_memory_lua_human', bytesToHuman(ev.luaMemory)],
    ['used_memory_scripts_eval', ev.bytes],
    ['number_of_cached_scripts', ev.count],
    ['number_of_functions', fn.functions],
    ['number_of_libraries', fn.libraries],
    ['used_memory_vm_functions', fn.luaMemory],
    ['used_memory_vm_total', ev.luaMemory + fn.luaMemory],
    ['used_memory_vm_total_human', bytesToHuman(ev.luaMemory + fn.luaMemory)],
    ['used_memory_functions', fn.bytes],
    ['used_memory_scripts', ev.bytes + fn.bytes],
    ['used_memory_scripts_human', bytesToHuman(ev.bytes + fn.bytes)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', server.config.get('maxmemory-policy')],
    ['allocator_frag_ratio', ratio(m.heapTotal, m.used)],
    ['allocator_frag_bytes', m.heapTotal - m.used],
    ['allocator_rss_ratio', ratio(m.rss, m.heapTotal)],
    ['allocator_rss_bytes', m.rss - m.heapTotal],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', ratio(m.rss, m.used)],
    ['mem_fragmentation_bytes', m.rss - m.used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', repl.backlog],
    ['mem_total_replication_buffers', repl.total],
    ['mem_clients_slaves', repl.replicas],
    ['mem_clients_normal', clientsMemory()],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', 'v8'],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', lazyfree.freed],
  ]);
}

function statsSection(): string {
  const s = server.stats;
  const tracked = trackingTotals();
  return fields([
    ['total_connections_received', s.connectionsReceived],
    ['total_commands_processed', s.commandsProcessed],
    ['instantaneous_ops_per_sec', metricValue(metrics.ops)],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', s.netReplInputBytes],
    ['total_net_repl_output_bytes', s.netReplOutputBytes],
    ['instantaneous_input_kbps', (metricValue(metrics.netIn) / 1024).toFixed(2)],
    ['instantaneous_output_kbps', (metricValue(metrics.netOut) / 1024).toFixed(2)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', s.syncFull],
    ['sync_partial_ok', s.syncPartialOk],
    ['sync_partial_err', s.syncPartialErr],
    ['expired_keys', keyspaceStats.expired],
    ['expired_stale_perc', '0.00'],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', 0],
    ['evicted_keys', s.evictedKeys],
    ['evicted_clients', s.evictedClients],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', keyspaceStats.hits],
    ['keyspace_misses', keyspaceStats.misses],
    ['pubsub_channels', channelCount(PLAIN)],
    ['pubsub_patterns', patternCount()],
    ['pubsubshard_channels', channelCount(SHARD)],
    ['latest_fork_usec', 0],
    ['total_forks', rdbStats.forks],
    ['migrate_cached_sockets', migrateCachedSockets()],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', tracked.keys],
    ['tracking_total_items', tracked.items],
    ['tracking_total_prefixes', tracked.prefixes],
    ['unexpected_error_replies', s.unexpectedErrorReplies],
    ['total_error_replies', s.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', s.readsProcessed],
    ['total_writes_processed', s.writesProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ]);
}

function replicationSection(): string {
  return fields([
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', server.replId],
    ['master_replid2', server.replId2],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', server.config.num('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ]);
}

function cpuSection(): string {
  const u = process.cpuUsage();
  const sys = (u.system / 1e6).toFixed(6);
  const user = (u.user / 1e6).toFixed(6);
  return fields([
    ['used_cpu_sys', sys],
    ['used_cpu_user', user],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', sys],
    ['used_cpu_user_main_thread', user],
  ]);
}

/** Every command and subcommand, containers first then their subcommands. */
function* everySpec(): Generator<CommandSpec> {
  for (const cmd of allCommands()) {
    yield cmd;
    if (cmd.subcommands) yield* cmd.subcommands.values();
  }
}

function commandstatsSection(): string {
  let out = '';
  for (const c of everySpec()) {
    if (c.calls === 0 && c.failedCalls === 0 && c.rejectedCalls === 0) continue;
    const perCall = c.calls > 0 ? c.usec / c.calls : 0;
    out += `cmdstat_${c.name}:calls=${c.calls},usec=${Math.floor(c.usec)},usec_per_call=${perCall.toFixed(2)},` +
      `rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}\r\n`;
  }
  return out;
}

function errorstatsSection(): string {
  let out = '';
  for (const code of [...server.errorStats.keys()].sort()) out += `errorstat_${code}:count=${server.errorStats.get(code)}\r\n`;
  return out;
}

/** Redis prints percentiles with trailing zeros trimmed (50 -> p50, 99.9 -> p99.9). */
function latencystatsSection(): string {
  const pcts = server.config.get('latency-tracking-info-percentiles').split(' ').filter((x) => x !== '').map(Number);
  let out = '';
  for (const c of everySpec()) {
    const h = c.histogram;
    if (h === null || h.total === 0) continue;
    out += `latency_percentiles_usec_${c.name}:` +
      pcts.map((p) => `p${String(p)}=${(valueAtPercentile(h, p) / 1000).toFixed(3)}`).join(',') + '\r\n';
  }
  return out;
}

function clusterSection(): string {
  return `cluster_enabled:${server.config.bool('cluster-enabled') ? 1 : 0}\r\n`;
}

function keyspaceSection(): string {
  let out = '';
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    // Redis zeroes avg_ttl once no volatile key is left.
    const avgTtl = db.expires.size === 0 ? 0 : Math.floor(db.avgTtl);
    out += `db${db.id}:keys=${db.size},expires=${db.expires.size},avg_ttl=${avgTtl}\r\n`;
  }
  return out;
}

const BUILDERS: Record<string, SectionFn> = {
  server: serverSection, clients: clientsSection, memory: memorySection,
  stats: statsSection, replication: replicationSection, cpu: cpuSection, modules: () => '',
  commandstats: commandstatsSection, errorstats: errorstatsSection, latencystats: latencystatsSection,
  cluster: clusterSection, keyspace: keyspaceSection,
};

/** The INFO text for the requested section arguments (empty: the default sections). */
export function genInfo(args: readonly string[]): string {
  let all = false;
  const wanted = new Set<string>();
  if (args.length === 0) {
    for (const s of DEFAULT_SECTIONS) wanted.add(s);
  }
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
    else if (l === 'all' || l === 'everything') all = true;
    else wanted.add(l === 'module_list' ? 'modules' : l);
  }
  let out = '';
  for (const name of ALL_SECTIONS) {
    if (!all && !wanted.has(name)) continue;
    if (out !== '') out += '\r\n';
    out += `# ${TITLES[name]}\r\n${(overrides.get(name) ?? BUILDERS[name])()}`;
  }
  return out;
}
