// Server commands: DBSIZE FLUSHDB FLUSHALL INFO CONFIG SLOWLOG LATENCY MEMORY TIME LASTSAVE
// SHUTDOWN DEBUG.

import { collect } from '../keyspace/evict.js';
import { accessCfg, idleSeconds } from '../keyspace/access.js';
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ERR } from '../errors.js';
import { replicationSink, stream } from '../replication/primary.js';
import { PROPAGATE_ALL } from '../server/propagate.js';
import { signals } from '../keyspace/signals.js';
import { flushedKeys, lazyfree } from '../keyspace/lazyfree.js';
import { keyspaceStats, type Db, type Value } from '../keyspace/db.js';
import { datasetDigest, digestValue, newDigest } from '../keyspace/digest.js';
import { setActiveExpire } from '../keyspace/expire.js';
import { keyMemoryUsage, isIntEncodable, valueSize, DICT_ENTRY_SIZE } from '../keyspace/memory.js';
import { parseInt64, parseSafeInt } from '../protocol/format.js';
import { protectedActionAllowed, type Client } from '../server/client.js';
import { bytesToHuman, genInfo, memoryFigures, resetPeakMemory } from '../server/info.js';
import {
  cumulativeDistribution, latencyEvents, latencyGraph, latencyReport, latencyResetEvent, resetHistograms,
  type LatencyHistogram,
} from '../server/latency.js';
import { slowlog } from '../server/slowlog.js';
import { server } from '../server/state.js';
import { logger } from '../log.js';
import { parseMemory } from '../config/store.js';
import { debugReload } from '../persistence/load.js';
import { aofState, debugLoadAof } from '../persistence/aof.js';
import { checksums } from '../persistence/rdb/values.js';
import { afterFlushAll, rdbStats } from '../persistence/save.js';
import { debugFlags } from '../server/dispatch.js';
import { allCommands, lookupByName } from './registry.js';
import { noContainerHandler, type ArgSpec, type CommandDef, type CommandSpec } from './spec.js';
import { crashBySignal } from '../server/crash.js';
import { abortShutdown, requestShutdown } from '../server/shutdown.js';
import { cluster, killNodeLinks } from '../cluster/node.js';
import { strerror } from '../util/errno.js';

/**
 * FLUSHDB/FLUSHALL's optional ASYNC or SYNC: whether Redis would free lazily (without either,
 * lazyfree-lazy-user-flush decides), or null after a syntax error. Memory is reclaimed by the JS
 * collector either way; the mode is for INFO's lazyfreed_objects.
 */
function flushMode(c: Client, argv: string[]): boolean | null {
  if (argv.length === 1) return lazyfree.userFlush;
  const m = argv[1].toLowerCase();
  if (argv.length === 2 && (m === 'async' || m === 'sync')) return m === 'async';
  c.reply.error(ERR.syntax);
  return null;
}

function flushDb(db: Db, lazy: boolean): number {
  signals.flushed(db);
  const n = db.flush();
  flushedKeys(n, lazy);
  return n;
}

/**
 * Redis's addReplyHelp framing: a title line naming the command, our description lines, and
 * the closing HELP entry, all as status replies.
 */
export function replyHelp(c: Client, command: string, lines: readonly string[]): void {
  c.reply.array(lines.length + 3);
  c.reply.simple(`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.reply.simple(l);
  c.reply.simple('HELP');
  c.reply.simple('    Prints this help.');
}

// ---- CONFIG ----

function configSet(c: Client, argv: string[]): void {
  if ((argv.length & 1) !== 0) {
    c.reply.error(ERR.syntax);
    return;
  }
  const cfg = server.config;
  const names: string[] = [];
  const values: string[] = [];
  // Like Redis, secrets never reach SLOWLOG or MONITOR: the argv they see gets "(redacted)".
  for (let i = 2; i < argv.length; i += 2) {
    values.push(argv[i + 1]);
    if (cfg.lookup(argv[i])?.sensitive) argv[i + 1] = '(redacted)';
  }
  for (let i = 2; i < argv.length; i += 2) {
    const d = cfg.lookup(argv[i]);
    if (d === undefined || d.fileOnly) {
      c.reply.error(ERR.unknownConfigParam(argv[i]));
      return;
    }
    if (!d.mutable || (d.protected && !protectedActionAllowed(c, 'enable-protected-configs'))) {
      c.reply.error(ERR.configSetFailed(argv[i], d.mutable ? "can't set protected config" : "can't set immutable config"));
      return;
    }
    // Redis's DENY_LOADING_CONFIG; switching the AOF also waits for a replica's async swapdb load.
    if (d.denyLoading && (rdbStats.loading || (rdbStats.asyncLoading && d.name === 'appendonly'))) {
      c.reply.error(ERR.loading);
      return;
    }
    if (names.includes(d.name)) {
      c.reply.error(ERR.configSetFailed(argv[i], 'duplicate parameter'));
      return;
    }
    names.push(d.name);
  }
  // All or nothing: on the first failure every value goes back.
  const err = cfg.setAll(names, values);
  if (err !== null) {
    c.reply.error(ERR.configSetFailed(names[err.index], err.error));
    return;
  }
  c.reply.ok();
}


/** CONFIG RESETSTAT: INFO stats, command and error statistics, latency histograms. */
function resetStats(): void {
  server.resetStats();
  keyspaceStats.hits = 0;
  keyspaceStats.misses = 0;
  keyspaceStats.expired = 0;
  for (const cmd of allCommands()) {
    resetCommandStats(cmd);
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) resetCommandStats(sub);
  }
  resetHistograms();
  resetPeakMemory();
  lazyfree.freed = 0;
}

function resetCommandStats(cmd: CommandSpec): void {
  cmd.calls = 0;
  cmd.usec = 0;
  cmd.rejectedCalls = 0;
  cmd.failedCalls = 0;
}

function configRewrite(c: Client, forceAll = false): void {
  const file = server.config.file;
  if (file === null) {
    c.reply.error(ERR.configNoFile);
    return;
  }
  try {
    let original = '';
    try {
      original = fs.readFileSync(file, 'latin1');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, server.config.rewriteText(original, forceAll), 'latin1');
    fs.renameSync(tmp, file);
  } catch (err) {
    const msg = strerror(err);
    logger('config').warn({ err: msg }, 'CONFIG REWRITE failed');
    c.reply.error(ERR.configRewriteFailed(msg));
    return;
  }
  logger('config').warn('CONFIG REWRITE executed with success.');
  c.reply.ok();
}

// ---- SLOWLOG ----

function slowlogGet(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.reply.error(ERR.subcommandSyntax(argv[1], 'SLOWLOG'));
    return;
  }
  let count = 10;
  if (argv.length === 3) {
    const n = parseInt64(argv[2]);
    if (n === null || n < -1) {
      c.reply.error(ERR.countAtLeastMinusOne);
      return;
    }
    count = n === -1 ? slowlog.entries.length : Number(n);
  }
  const n = Math.min(count, slowlog.entries.length);
  c.reply.array(n);
  for (let i = 0; i < n; i++) {
    const e = slowlog.entries[i];
    c.reply.array(6);
    c.reply.int(e.id);
    c.reply.int(e.time);
    c.reply.int(e.usec);
    c.reply.bulks(e.argv);
    c.reply.bulk(e.addr);
    c.reply.bulk(e.name);
  }
}

// ---- LATENCY ----

function replyHistogram(c: Client, h: LatencyHistogram): void {
  const cdf = cumulativeDistribution(h);
  c.reply.map(2);
  c.reply.bulk('calls');
  c.reply.int(h.total);
  c.reply.bulk('histogram_usec');
  c.reply.map(cdf.length);
  for (const [usec, count] of cdf) {
    c.reply.int(usec);
    c.reply.int(count);
  }
}

function latencyHistogram(c: Client, argv: string[]): void {
  const specs: CommandSpec[] = [];
  const addWithSubs = (cmd: CommandSpec): void => {
    if (cmd.histogram) specs.push(cmd);
    if (cmd.subcommands) for (const s of cmd.subcommands.values()) if (s.histogram) specs.push(s);
  };
  if (argv.length === 2) {
    for (const cmd of allCommands()) addWithSubs(cmd);
  } else {
    for (let i = 2; i < argv.length; i++) {
      const cmd = lookupByName(argv[i]);
      if (cmd !== null) addWithSubs(cmd);
    }
  }
  c.reply.map(specs.length);
  for (const s of specs) {
    c.reply.bulk(s.name);
    replyHistogram(c, s.histogram!);
  }
}

// ---- MEMORY ----

const DEFAULT_SAMPLES = 5;

function memoryUsage(c: Client, argv: string[]): void {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    if (argv[j].toLowerCase() === 'samples' && j + 1 < argv.length) {
      const n = parseInt64(argv[j + 1]);
      if (n === null) {
        c.reply.error(ERR.notInteger);
        return;
      }
      if (n < 0) {
        c.reply.error(ERR.syntax);
        return;
      }
      samples = n === 0 ? 0 : Number(n);
      j++;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  // Like Redis: a raw dictionary lookup, no expiry check and no hit/miss accounting.
  const v = c.db.dict.get(argv[2]);
  if (v === undefined) {
    c.reply.nullBulk();
    return;
  }
  c.reply.int(keyMemoryUsage(argv[2], v, samples));
}

/** Bytes Redis's main and expires hash tables would take: entries plus a power-of-two bucket array. */
function hashtableOverhead(size: number): number {
  if (size === 0) return 0;
  let buckets = 4;
  while (buckets < size) buckets *= 2;
  return size * DICT_ENTRY_SIZE + buckets * 8;
}

function memoryStats(c: Client): void {
  const m = memoryFigures();
  const dbs = server.dbs.filter((db) => db.size !== 0);
  let keys = 0;
  let overheadDbs = 0;
  for (const db of dbs) {
    keys += db.size;
    overheadDbs += hashtableOverhead(db.size) + hashtableOverhead(db.expires.size);
  }
  const overhead = m.startup + overheadDbs;
  const netUsed = Math.max(0, m.used - m.startup);
  const dataset = Math.max(0, m.used - overhead);
  c.reply.map(27 + dbs.length);
  const num = (k: string, v: number): void => {
    c.reply.bulk(k);
    c.reply.int(v);
  };
  const dbl = (k: string, v: number): void => {
    c.reply.bulk(k);
    c.reply.double(v);
  };
  num('peak.allocated', m.peak);
  num('total.allocated', m.used);
  num('startup.allocated', m.startup);
  num('replication.backlog', 0);
  num('clients.slaves', 0);
  num('clients.normal', 0);
  num('cluster.links', 0);
  num('aof.buffer', 0);
  num('lua.caches', 0);
  num('functions.caches', 0);
  for (const db of dbs) {
    c.reply.bulk(`db.${db.id}`);
    c.reply.map(3);
    num('overhead.hashtable.main', hashtableOverhead(db.size));
    num('overhead.hashtable.expires', hashtableOverhead(db.expires.size));
    num('overhead.hashtable.slot-to-keys', 0);
  }
  num('overhead.total', overhead);
  num('keys.count', keys);
  num('keys.bytes-per-key', keys > 0 ? Math.floor(netUsed / keys) : 0);
  num('dataset.bytes', dataset);
  dbl('dataset.percentage', netUsed > 0 ? (dataset * 100) / netUsed : 0);
  dbl('peak.percentage', m.peak > 0 ? (m.used * 100) / m.peak : 0);
  num('allocator.allocated', m.used);
  num('allocator.active', m.heapTotal);
  num('allocator.resident', m.rss);
  dbl('allocator-fragmentation.ratio', m.used > 0 ? m.heapTotal / m.used : 0);
  num('allocator-fragmentation.bytes', m.heapTotal - m.used);
  dbl('allocator-rss.ratio', m.heapTotal > 0 ? m.rss / m.heapTotal : 0);
  num('allocator-rss.bytes', m.rss - m.heapTotal);
  dbl('rss-overhead.ratio', 1);
  num('rss-overhead.bytes', 0);
  dbl('fragmentation', m.used > 0 ? m.rss / m.used : 0);
  num('fragmentation.bytes', m.rss - m.used);
}

function memoryDoctor(): string {
  const m = memoryFigures();
  if (m.used < 5 * 1024 * 1024) {
    return 'This instance holds very little data, so there is nothing meaningful to diagnose yet. ' +
      'Ask again once it stores a real dataset.\n';
  }
  const frag = m.rss / m.used;
  if (frag > 1.4) {
    return `The process resident size is ${frag.toFixed(2)} times the memory in use (${bytesToHuman(m.rss)} RSS for ` +
      `${bytesToHuman(m.used)} used): memory freed by deleted data has not yet been returned to the system.\n`;
  }
  return 'No memory problems were detected in this instance.\n';
}

// ---- DEBUG ----

/** Bytes an RDB file would use for this string (length-prefixed or integer-encoded). */
function stringSerializedLength(s: string): number {
  if (isIntEncodable(s)) {
    const n = Number(s);
    if (n >= -128 && n <= 127) return 2;
    if (n >= -32768 && n <= 32767) return 3;
    if (n >= -2147483648 && n <= 2147483647) return 5;
  }
  const len = s.length;
  return (len < 64 ? 1 : len < 16384 ? 2 : len <= 0xffffffff ? 5 : 9) + len;
}

function stringEncoding(s: string): string {
  return isIntEncodable(s) ? 'int' : s.length <= 44 ? 'embstr' : 'raw';
}

const DEBUG_HELP = [
  'CHANGE-REPL-ID',
  '    Give this instance new replication IDs (for replication tests only).',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Close the cluster bus link to the node, from it, or both (they reconnect).',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE, but writes every configuration directive, defaults included.',
  'DIGEST',
  '    Reply with a hex signature of the whole dataset.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Reply with a hex signature of the value of each key.',
  'ERROR <string>',
  '    Reply with <string> as an error reply.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level details of the value stored at <key>.',
  'LISTPACK <key>',
  '    Log the elements of a listpack-encoded value.',
  'QUICKLIST <key> [<0|1>]',
  '    Log the elements of a quicklist-encoded value.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Check a size for the plain-node threshold of lists (more than 0, less than 4gb).',
  'PAUSE-CRON <0|1>',
  '    1 stops the periodic work (active expiry, save points, replication and cluster upkeep, idle',
  '    clients, the client tracking table) until 0 resumes it.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named <prefix>:<n> (default prefix "key") that do not exist yet,',
  '    with values "value:<n>" cut or zero-padded to <size> bytes when given.',
  'PROTOCOL <type>',
  '    Reply with a sample value of a RESP type: string, integer, double, bignum, null, array,',
  '    set, map, attrib, push, verbatim, true, false.',
  'REPLICATE <command> [<arg> ...]',
  '    Send the given command to the replicas as it is, unchecked (the data may diverge).',
  'SEGFAULT',
  '    Crash the server by SIGSEGV, after logging a crash report.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    0 stops deleting expired keys in the background (they still expire when accessed), 1 resumes.',
  'SET-DISABLE-DENY-SCRIPTS <0|1>',
  '    1 lets scripts call commands that are normally refused to them (for tests), 0 restores.',
  'SLEEP <seconds>',
  '    Block the server for <seconds> (may be fractional).',
];

function debugProtocol(c: Client, type: string): void {
  switch (type.toLowerCase()) {
    case 'string': c.reply.bulk('Hello World'); break;
    case 'integer': c.reply.int(12345); break;
    case 'double': c.reply.double(3.141); break;
    case 'bignum':
      if (c.resp === 3) c.reply.text('(1234567999999999999999999999999999999\r\n');
      else c.reply.bulk('1234567999999999999999999999999999999');
      break;
    case 'null': c.reply.nullBulk(); break;
    case 'array':
      c.reply.array(3);
      for (let j = 0; j < 3; j++) c.reply.int(j);
      break;
    case 'set':
      c.reply.set(3);
      for (let j = 0; j < 3; j++) c.reply.int(j);
      break;
    case 'map':
      c.reply.map(3);
      for (let j = 0; j < 3; j++) {
        c.reply.int(j);
        c.reply.bool(j === 1);
      }
      break;
    case 'attrib':
      if (c.resp === 3) {
        c.reply.text('|1\r\n');
        c.reply.bulk('key-popularity');
        c.reply.array(2);
        c.reply.bulk('key:123');
        c.reply.int(90);
      }
      c.reply.bulk('Some real reply following the attribute');
      break;
    case 'push':
      if (c.resp < 3) {
        c.reply.error(ERR.debugProtocolResp2);
        return;
      }
      c.reply.push(2);
      c.reply.bulk('server-cpu-usage');
      c.reply.int(42);
      c.reply.bulk('Some real reply following the push reply');
      break;
    case 'true': c.reply.bool(true); break;
    case 'false': c.reply.bool(false); break;
    case 'verbatim': c.reply.verbatim('This is a verbatim\nstring'); break;
    default:
      c.reply.error(ERR.debugProtocolType);
  }
}

function debugPopulate(c: Client, argv: string[]): void {
  // Redis's getPositiveLong: anything but a non-negative integer is "out of range, must be positive".
  const count = parseSafeInt(argv[2]);
  const size = argv.length === 5 ? parseSafeInt(argv[4]) : 0;
  if (count === null || count < 0 || size === null || size < 0) {
    c.reply.error(ERR.negativeCount);
    return;
  }
  const prefix = argv.length >= 4 ? argv[3] : 'key';
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (c.db.lookupWrite(key) !== undefined) continue;
    let val = `value:${j}`;
    if (size !== 0) val = val.length >= size ? val.slice(0, size) : val + '\0'.repeat(size - val.length);
    c.db.set(key, val);
  }
  c.reply.ok();
}

const addresses = new WeakMap<object, string>();

/**
 * DEBUG OBJECT's "at:" address. Redis shows the value's pointer, which an in-place change (INCR,
 * LPUSH) keeps: an object value gets one for its lifetime; a string is a new JS string after every
 * change, so it gets one derived from its db and key.
 */
function valueAddress(dbid: number, key: string, v: Value): string {
  if (typeof v !== 'string') {
    let a = addresses.get(v);
    if (a === undefined) {
      a = randomBytes(6).toString('hex');
      addresses.set(v, a);
    }
    return a;
  }
  let h1 = 0x811c9dc5 ^ dbid;
  let h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    h1 = Math.imul(h1 ^ key.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 + key.charCodeAt(i), 0x5bd1e995) ^ (h2 >>> 15);
  }
  return ((h1 >>> 0) % 0x1000000).toString(16).padStart(6, '0') + ((h2 >>> 0) % 0x1000000).toString(16).padStart(6, '0');
}

function debugObject(c: Client, key: string): void {
  const v = c.db.dict.get(key);
  if (v === undefined) {
    c.reply.error(ERR.noSuchKey);
    return;
  }
  const encoding = typeof v === 'string' ? stringEncoding(v) : v.encoding();
  const serialized = typeof v === 'string' ? stringSerializedLength(v) : valueSize(v, 0);
  // Redis prints the object's lru field: its LRU clock (seconds, 24 bits), or under LFU the LFU word.
  const idle = accessCfg.lfu ? 0 : idleSeconds(c.db.dict, key);
  const lru = accessCfg.lfu ? c.db.dict.stampAt(c.db.dict.slotOf(key)) : (Math.floor(Date.now() / 1000) - idle) & 0xffffff;
  c.reply.simple(`Value at:0x${valueAddress(c.db.id, key, v)} refcount:1 encoding:${encoding} ` +
    `serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}`);
}

/** DEBUG LISTPACK / QUICKLIST: Redis prints the encoding's internals on stdout; we log the elements. */
function debugEncodingDump(c: Client, key: string, encoding: 'listpack' | 'quicklist'): void {
  const v = c.db.lookupRead(key);
  if (v === undefined) {
    c.reply.error(ERR.noSuchKey);
    return;
  }
  if (typeof v === 'string' || v.encoding() !== encoding) {
    c.reply.error(ERR.debugNotEncoded(encoding));
    return;
  }
  logger('debug').info({ key, type: v.type, encoding, bytes: valueSize(v, 0) }, `DEBUG ${encoding.toUpperCase()}`);
  c.reply.simple(`${encoding === 'listpack' ? 'Listpack' : 'Quicklist'} structure printed on stdout`);
}

function sleepSync(seconds: number): void {
  const ms = Math.floor(seconds * 1000);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function debugClusterLinkKill(c: Client, direction: string, id: string): void {
  if (!cluster.on) {
    c.reply.error(ERR.debugClusterOnly);
    return;
  }
  const n = cluster.st.nodes.get(id);
  if (n === undefined) {
    c.reply.error(ERR.clusterUnknownNode(id));
    return;
  }
  if (direction !== 'to' && direction !== 'from' && direction !== 'all') {
    c.reply.error(ERR.unknownDirection(direction));
    return;
  }
  killNodeLinks(n, direction !== 'from', direction !== 'to');
  c.reply.ok();
}

function debugCommand(c: Client, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  const argc = argv.length;
  if (sub === 'help' && argc === 2) {
    replyHelp(c, 'DEBUG', DEBUG_HELP);
  } else if (sub === 'digest' && argc === 2) {
    c.reply.simple(datasetDigest(server.dbs));
  } else if (sub === 'digest-value') {
    c.reply.array(argc - 2);
    for (let j = 2; j < argc; j++) {
      const d = newDigest();
      const v = c.db.dict.get(argv[j]);
      if (v !== undefined) digestValue(d, c.db, argv[j], v);
      c.reply.simple(d.toString('hex'));
    }
  } else if (sub === 'sleep' && argc === 3) {
    // strtod semantics: a leading number, anything else counts as 0.
    sleepSync(parseFloat(argv[2]) || 0);
    c.reply.ok();
  } else if (sub === 'pause-cron' && argc === 3) {
    server.cronPaused = (parseInt(argv[2], 10) || 0) !== 0;
    c.reply.ok();
  } else if (sub === 'set-disable-deny-scripts' && argc === 3) {
    debugFlags.allowNoscriptInScripts = (parseInt(argv[2], 10) || 0) !== 0;
    c.reply.ok();
  } else if (sub === 'set-active-expire' && argc === 3) {
    setActiveExpire((parseInt(argv[2], 10) || 0) !== 0);
    c.reply.ok();
  } else if (sub === 'object' && argc === 3) {
    debugObject(c, argv[2]);
  } else if (sub === 'populate' && argc >= 3 && argc <= 5) {
    debugPopulate(c, argv);
  } else if (sub === 'protocol' && argc === 3) {
    debugProtocol(c, argv[2]);
  } else if (sub === 'change-repl-id' && argc === 2) {
    logger('replication').warn('Changing replication IDs after receiving DEBUG change-repl-id');
    server.replId = randomBytes(20).toString('hex');
    server.replId2 = '0'.repeat(40);
    c.reply.ok();
  } else if ((sub === 'listpack' && argc === 3) || (sub === 'quicklist' && (argc === 3 || argc === 4))) {
    debugEncodingDump(c, argv[2], sub);
  } else if (sub === 'quicklist-packed-threshold' && argc === 3) {
    // Lists here have no packed/plain node split, so the threshold is only validated, as Redis does.
    const sz = parseMemory(argv[2]);
    if (sz === null || sz < 0 || sz > 2 ** 32 - 2 ** 20) {
      c.reply.error(ERR.debugQuicklistThreshold);
    } else {
      c.reply.ok();
    }
  } else if (sub === 'reload') {
    const err = debugReload(argv);
    if (err === null) c.reply.ok();
    else c.reply.error(err);
  } else if (sub === 'set-skip-checksum-validation' && argc === 3) {
    checksums.skip = (parseInt(argv[2], 10) || 0) !== 0;
    c.reply.ok();
  } else if (sub === 'aof-flush-sleep' && argc === 3) {
    aofState.flushSleepUs = parseInt(argv[2], 10) || 0;
    c.reply.ok();
  } else if (sub === 'loadaof' && argc === 2) {
    debugLoadAof();
    c.reply.ok();
  } else if (sub === 'clusterlink' && argc === 5 && argv[2].toLowerCase() === 'kill') {
    debugClusterLinkKill(c, argv[3].toLowerCase(), argv[4]);
  } else if (sub === 'config-rewrite-force-all' && argc === 2) {
    configRewrite(c, true);
  } else if (sub === 'segfault' && argc === 2) {
    crashBySignal('SIGSEGV');
  } else if (sub === 'replicate' && argc >= 3) {
    // The rest of the arguments go to the replicas as a command, verbatim and unchecked.
    replicationSink.feed(stream.selDb, argv.slice(2));
    c.reply.ok();
  } else if (sub === 'error' && argc === 3) {
    c.reply.error(argv[2]);
  } else if (sub === 'log' && argc === 3) {
    logger('debug').warn(`DEBUG LOG: ${argv[2]}`);
    c.reply.ok();
  } else {
    c.reply.error(ERR.subcommandSyntax(argv[1].slice(0, 128), 'DEBUG'));
  }
}

// ---- SHUTDOWN ----

function shutdownCommand(c: Client, argv: string[]): void {
  let nosave = false;
  let save = false;
  let now = false;
  let abort = false;
  let force = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'nosave') nosave = true;
    else if (a === 'save') save = true;
    else if (a === 'now') now = true;
    else if (a === 'force') force = true;
    else if (a === 'abort') abort = true;
    else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    c.reply.error(ERR.syntax);
    return;
  }
  if (abort) {
    if (abortShutdown()) c.reply.ok();
    else c.reply.error(ERR.noShutdownInProgress);
    return;
  }
  // On success the process exits and the connection just closes, like Redis; meanwhile (replicas
  // catching up) the caller waits, and gets an error if the shutdown fails or is aborted.
  requestShutdown({ reason: 'SHUTDOWN command', saveMode: nosave ? 'nosave' : save ? 'save' : 'default', now, force }, c);
}

const CONFIG_HELP = [
  'GET <pattern> [<pattern> ...]',
  '    Reply with the parameters whose names match any glob-style <pattern>, and their values.',
  'SET <directive> <value> [<directive> <value> ...]',
  '    Change one or more parameters at once; if any value is refused, none is changed.',
  'RESETSTAT',
  '    Zero the statistics INFO reports (commands, errors, keyspace hits and misses...).',
  'REWRITE',
  '    Write the current configuration back to the file the server was started with.',
];

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Reply with the <count> most recent slow log entries (default 10, -1 for all). Each entry has:',
  '    1) a unique id 2) unix time of the call 3) its duration in microseconds 4) the command',
  '    and its arguments 5) client ip:port 6) client name.',
  'LEN',
  '    Reply with the number of entries in the slow log.',
  'RESET',
  '    Empty the slow log.',
];

const LATENCY_HELP = [
  'DOCTOR',
  '    Reply with a plain-text analysis of the recorded latency events.',
  'GRAPH <event>',
  '    Reply with a text chart of the samples recorded for <event>.',
  'HISTORY <event>',
  '    Reply with the (unix time, latency ms) samples recorded for <event>.',
  'LATEST',
  '    Reply with the latest sample of every event: name, time, latency ms, all-time max ms.',
  'RESET [<event> ...]',
  '    Forget the samples of the given events (all events when none is given).',
  'HISTOGRAM [<command> ...]',
  '    Reply with the cumulative latency distribution of the given commands (all when none given).',
];

const MEMORY_HELP = [
  'DOCTOR',
  '    Reply with a short report on memory problems.',
  'MALLOC-STATS',
  '    Reply with the allocator\'s internal statistics.',
  'PURGE',
  '    Ask the allocator to release unused memory.',
  'STATS',
  '    Reply with details of the server\'s memory use.',
  'USAGE <key> [SAMPLES <count>]',
  '    Reply with the bytes used by <key> and its value; nested values are sampled <count> times',
  '    (default 5, 0 to count every element).',
];

const FLUSH_ARGS: ArgSpec[] = [
  {
    name: 'async', type: 'oneof', flags: ['optional'], args: [
      { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
      { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' },
    ],
  },
];

const SHUTDOWN_ARGS: ArgSpec[] = [
  {
    name: 'nosave_save', type: 'oneof', flags: ['optional'], args: [
      { name: 'nosave', type: 'pure-token', token: 'NOSAVE' },
      { name: 'save', type: 'pure-token', token: 'SAVE' },
    ],
  },
  { name: 'now', type: 'pure-token', token: 'NOW', since: '7.0.0', flags: ['optional'] },
  { name: 'force', type: 'pure-token', token: 'FORCE', since: '7.0.0', flags: ['optional'] },
  { name: 'abort', type: 'pure-token', token: 'ABORT', since: '7.0.0', flags: ['optional'] },
];

const CONFIG_SET_ARGS: ArgSpec[] = [
  {
    name: 'parameter_value', type: 'block', flags: ['multiple'], args: [
      { name: 'parameter', type: 'string' },
      { name: 'value', type: 'string' },
    ],
  },
];

const SERVER = { group: 'server' } as const;

export const commands: CommandDef[] = [
  {
    name: 'dbsize', arity: 1, flags: 'readonly fast', acl: 'keyspace',
    group: 'server', since: '1.0.0', summary: 'Returns the number of keys in the database.', complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    handler(c) {
      c.reply.int(c.db.size);
    },
  },
  {
    name: 'flushdb', arity: -1, flags: 'write', acl: 'keyspace dangerous',
    docs: { history: [['4.0.0', 'ASYNC mode.'], ['6.2.0', 'SYNC mode.']], args: FLUSH_ARGS },
    group: 'server', since: '1.0.0', summary: 'Removes all keys from the current database.',
    complexity: 'O(N) where N is the number of keys in the selected database',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler(c, argv) {
      const lazy = flushMode(c, argv);
      if (lazy === null) return;
      server.dirty += flushDb(c.db, lazy);
      // Replicated and in the AOF even when the database was already empty.
      c.forcePropagation = PROPAGATE_ALL;
      c.reply.ok();
    },
  },
  {
    name: 'flushall', arity: -1, flags: 'write', acl: 'keyspace dangerous',
    docs: { history: [['4.0.0', 'ASYNC mode.'], ['6.2.0', 'SYNC mode.']], args: FLUSH_ARGS },
    group: 'server', since: '1.0.0', summary: 'Removes all keys from all databases.',
    complexity: 'O(N) where N is the total number of keys in all databases',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler(c, argv) {
      const lazy = flushMode(c, argv);
      if (lazy === null) return;
      let n = 0;
      for (const db of server.dbs) n += flushDb(db, lazy);
      server.dirty += n;
      // Like Redis: a running BGSAVE is killed and, with save points, the empty dataset saved
      // (which resets dirty); FLUSHALL propagates even when there was nothing to remove.
      afterFlushAll();
      c.forcePropagation = PROPAGATE_ALL;
      c.reply.ok();
    },
  },
  {
    name: 'info', arity: -1, flags: 'loading stale', acl: 'dangerous', ...SERVER, since: '1.0.0',
    docs: {
      history: [['7.0.0', 'Several sections in one call.']],
      args: [{ name: 'section', type: 'string', flags: ['optional', 'multiple'] }],
    },
    summary: 'Returns information and statistics about the server.', complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    handler(c, argv) {
      c.reply.verbatim(genInfo(argv.slice(1)));
    },
  },
  {
    name: 'config', arity: -2, flags: '', ...SERVER, since: '2.0.0',
    summary: 'A container for commands that read and change the server configuration.',
    complexity: 'Depends on subcommand.', handler: noContainerHandler,
    subcommands: [
      {
        name: 'get', arity: -3, flags: 'admin noscript loading stale', ...SERVER, since: '2.0.0',
        docs: {
          history: [['7.0.0', 'Several patterns in one call.']],
          args: [{ name: 'parameter', type: 'block', flags: ['multiple'], args: [{ name: 'parameter', type: 'string' }] }],
        },
        summary: 'Returns the values of the configuration parameters matching the patterns.',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        handler(c, argv) {
          const pairs = server.config.match(argv.slice(2));
          c.reply.map(pairs.length);
          for (const [k, v] of pairs) {
            c.reply.bulk(k);
            c.reply.bulk(v);
          }
        },
      },
      {
        name: 'set', arity: -4, flags: 'admin noscript loading stale', ...SERVER, since: '2.0.0',
        docs: { history: [['7.0.0', 'Several parameters in one call.']], args: CONFIG_SET_ARGS },
        summary: 'Changes one or more configuration parameters, all or none.',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: configSet,
      },
      {
        name: 'resetstat', arity: 2, flags: 'admin noscript loading stale', ...SERVER, since: '2.0.0',
        summary: 'Zeroes the statistics that INFO reports.', complexity: 'O(1)',
        handler(c) {
          resetStats();
          c.reply.ok();
        },
      },
      {
        name: 'rewrite', arity: 2, flags: 'admin noscript loading stale', ...SERVER, since: '2.8.0',
        summary: 'Writes the running configuration back to the configuration file.', complexity: 'O(1)',
        handler(c) {
          configRewrite(c);
        },
      },
      {
        name: 'help', arity: 2, flags: 'loading stale', ...SERVER, since: '5.0.0',
        summary: 'Describes the CONFIG subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'CONFIG', CONFIG_HELP);
        },
      },
    ],
  },
  {
    name: 'slowlog', arity: -2, flags: '', ...SERVER, since: '2.2.12',
    summary: 'A container for commands that read and clear the slow log.', complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      {
        name: 'get', arity: -2, flags: 'admin loading stale', ...SERVER, since: '2.2.12',
        docs: {
          history: [['4.0.0', 'Entries carry the client address and name.']],
          args: [{ name: 'count', type: 'integer', flags: ['optional'] }],
        },
        summary: 'Returns the most recent slow log entries.', complexity: 'O(N) where N is the number of entries returned',
        tips: ['request_policy:all_nodes', 'nondeterministic_output'],
        handler: slowlogGet,
      },
      {
        name: 'len', arity: 2, flags: 'admin loading stale', ...SERVER, since: '2.2.12',
        summary: 'Returns how many entries the slow log holds.', complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
        handler(c) {
          c.reply.int(slowlog.entries.length);
        },
      },
      {
        name: 'reset', arity: 2, flags: 'admin loading stale', ...SERVER, since: '2.2.12',
        summary: 'Empties the slow log.', complexity: 'O(N) where N is the number of entries in the slowlog',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler(c) {
          slowlog.entries.length = 0;
          c.reply.ok();
        },
      },
      {
        name: 'help', arity: 2, flags: 'loading stale', ...SERVER, since: '6.2.0',
        summary: 'Describes the SLOWLOG subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'SLOWLOG', SLOWLOG_HELP);
        },
      },
    ],
  },
  {
    name: 'latency', arity: -2, flags: '', ...SERVER, since: '2.8.13',
    summary: 'A container for the latency monitor and latency histogram commands.', complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      {
        name: 'latest', arity: 2, flags: 'admin noscript loading stale', ...SERVER, since: '2.8.13',
        summary: 'Returns the latest sample of every latency event.', complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        handler(c) {
          c.reply.array(latencyEvents.size);
          for (const [event, ts] of latencyEvents) {
            const last = ts.samples[ts.samples.length - 1];
            c.reply.array(4);
            c.reply.bulk(event);
            c.reply.int(last.time);
            c.reply.int(last.latency);
            c.reply.int(ts.max);
          }
        },
      },
      {
        name: 'history', arity: 3, flags: 'admin noscript loading stale', ...SERVER, since: '2.8.13',
        docs: { args: [{ name: 'event', type: 'string' }] },
        summary: 'Returns the recorded samples of a latency event.', complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        handler(c, argv) {
          const ts = latencyEvents.get(argv[2]);
          const samples = ts?.samples ?? [];
          c.reply.array(samples.length);
          for (const s of samples) {
            c.reply.array(2);
            c.reply.int(s.time);
            c.reply.int(s.latency);
          }
        },
      },
      {
        name: 'graph', arity: 3, flags: 'admin noscript loading stale', ...SERVER, since: '2.8.13',
        docs: { args: [{ name: 'event', type: 'string' }] },
        summary: 'Returns a text chart of a latency event\'s samples.', complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        handler(c, argv) {
          const ts = latencyEvents.get(argv[2]);
          if (ts === undefined) {
            c.reply.error(ERR.latencyNoSamples(argv[2]));
            return;
          }
          c.reply.verbatim(latencyGraph(argv[2], ts));
        },
      },
      {
        name: 'reset', arity: -2, flags: 'admin noscript loading stale', ...SERVER, since: '2.8.13',
        docs: { args: [{ name: 'event', type: 'string', flags: ['optional', 'multiple'] }] },
        summary: 'Forgets the samples of some or all latency events.', complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler(c, argv) {
          if (argv.length === 2) {
            c.reply.int(latencyResetEvent(null));
            return;
          }
          let n = 0;
          for (let j = 2; j < argv.length; j++) n += latencyResetEvent(argv[j]);
          c.reply.int(n);
        },
      },
      {
        name: 'doctor', arity: 2, flags: 'admin noscript loading stale', ...SERVER, since: '2.8.13',
        summary: 'Returns a plain-text analysis of the latency events.', complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        handler(c) {
          c.reply.verbatim(latencyReport());
        },
      },
      {
        name: 'histogram', arity: -2, flags: 'admin noscript loading stale', ...SERVER, since: '7.0.0',
        docs: { args: [{ name: 'command', type: 'string', flags: ['optional', 'multiple'] }] },
        summary: 'Returns the cumulative latency distribution of commands.',
        complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
        tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
        handler: latencyHistogram,
      },
      {
        name: 'help', arity: 2, flags: 'loading stale', ...SERVER, since: '2.8.13',
        summary: 'Describes the LATENCY subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'LATENCY', LATENCY_HELP);
        },
      },
    ],
  },
  {
    name: 'memory', arity: -2, flags: '', ...SERVER, since: '4.0.0',
    summary: 'A container for memory diagnostics commands.', complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      {
        name: 'usage', arity: -3, flags: 'readonly', keys: [2, 2, 1], keySpecFlags: ['RO'], ...SERVER, since: '4.0.0',
        docs: {
          args: [{ name: 'key', type: 'key', keySpecIndex: 0 }, { name: 'count', type: 'integer', token: 'SAMPLES', flags: ['optional'] }],
        },
        summary: 'Estimates the memory a key and its value use.', complexity: 'O(N) where N is the number of samples.',
        handler: memoryUsage,
      },
      {
        name: 'stats', arity: 2, flags: '', ...SERVER, since: '4.0.0',
        summary: 'Returns details of the server\'s memory use.', complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler: memoryStats,
      },
      {
        name: 'doctor', arity: 2, flags: '', ...SERVER, since: '4.0.0',
        summary: 'Returns a short report on memory problems.', complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler(c) {
          c.reply.verbatim(memoryDoctor());
        },
      },
      {
        name: 'malloc-stats', arity: 2, flags: '', ...SERVER, since: '4.0.0',
        summary: 'Returns the allocator\'s internal statistics.',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler(c) {
          c.reply.verbatim('Stats not supported for the current allocator');
        },
      },
      {
        name: 'purge', arity: 2, flags: '', ...SERVER, since: '4.0.0',
        summary: 'Asks the allocator to release unused memory.',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        handler(c) {
          // V8's counterpart: collect garbage now, so used_memory shows live data only.
          collect();
          c.reply.ok();
        },
      },
      {
        name: 'help', arity: 2, flags: 'loading stale', ...SERVER, since: '4.0.0',
        summary: 'Describes the MEMORY subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'MEMORY', MEMORY_HELP);
        },
      },
    ],
  },
  {
    name: 'time', arity: 1, flags: 'loading stale fast', ...SERVER, since: '2.6.0',
    summary: 'Returns the server\'s current time.', complexity: 'O(1)', tips: ['nondeterministic_output'],
    handler(c) {
      const ms = performance.timeOrigin + performance.now();
      c.reply.array(2);
      c.reply.bulk(String(Math.floor(ms / 1000)));
      c.reply.bulk(String(Math.floor((ms % 1000) * 1000)));
    },
  },
  {
    name: 'lastsave', arity: 1, flags: 'loading stale fast', acl: 'admin dangerous', ...SERVER, since: '1.0.0',
    summary: 'Returns the Unix time of the last successful save.', complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler(c) {
      c.reply.int(server.lastSave);
    },
  },
  {
    name: 'shutdown', arity: -1, flags: 'admin noscript loading stale no_multi allow_busy', ...SERVER, since: '1.0.0',
    docs: { history: [['7.0.0', 'NOW, FORCE and ABORT modifiers.']], args: SHUTDOWN_ARGS },
    summary: 'Stops the server, optionally saving the dataset first.',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    handler: shutdownCommand,
  },
  {
    name: 'debug', arity: -2, flags: 'admin noscript loading stale protected', ...SERVER, since: '1.0.0',
    summary: 'A container for debugging and testing commands.', complexity: 'Depends on subcommand.',
    docs: { docFlags: ['syscmd'] },
    handler: debugCommand,
  },
];
