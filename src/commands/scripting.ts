// Scripting: EVAL, EVALSHA, their _RO forms and SCRIPT. Scripts run in the Lua engine of
// src/scripting (engine.ts); this file keeps the script cache and Redis's checks before a run.

import { ERR } from '../errors.js';
import type { Client } from '../server/client.js';
import { busyScript } from '../server/dispatch.js';
import { feedMonitors } from '../server/monitor.js';
import { server } from '../server/state.js';
import { signals } from '../keyspace/signals.js';
import { maxmemory, performEvictions } from '../keyspace/evict.js';
import { writesDeniedByDiskError } from '../persistence/save.js';
import { staleDataDenied, tooFewGoodReplicas } from '../replication/primary.js';
import { CLIENT_ASKING, CLIENT_DENY_BLOCKING, CLIENT_FAKE, CLIENT_MASTER, CLIENT_MULTI, CLIENT_READONLY } from '../server/client.js';
import { parseInt64 } from '../protocol/format.js';
import { splitArgs } from '../protocol/parser.js';
import {
  SCRIPT_FLAG_NAMES, SF_ALLOW_CROSS_SLOT, SF_ALLOW_OOM, SF_ALLOW_STALE, SF_EVAL_COMPAT, SF_NO_CLUSTER, SF_NO_WRITES, ScriptEngine,
  luaCompileError, mayLoop, runningScript, sha1hex, type ScriptRun,
} from '../scripting/engine.js';
import { replyHelp } from './help.js';
import { ksKeynum } from './keyspecs.js';
import { F, noContainerHandler, type CommandDef } from './spec.js';
import { handleReadyKeys, hasReadyKeys } from '../server/blocking.js';

interface CachedScript {
  sha: string;
  body: string;
  ref: bigint;
  flags: number;
  /** The busy-script hook is needed (engine.ts mayLoop). */
  loops: boolean;
}

let engine: ScriptEngine | null = null;
const scripts = new Map<string, CachedScript>();
/** The same scripts by body: EVAL finds its script without hashing the body (1.4 us a call). */
const byBody = new Map<string, CachedScript>();
/** Bytes of script bodies in the cache (INFO used_memory_scripts_eval). */
let scriptsBytes = 0;

export function evalEngine(): ScriptEngine {
  if (engine === null) engine = new ScriptEngine('eval');
  return engine;
}

export function evalScriptsInfo(): { count: number; bytes: number; luaMemory: number } {
  return { count: scripts.size, bytes: scriptsBytes, luaMemory: engine === null ? 0 : engine.memory() };
}

/**
 * The flags a script's first line declares (`#!lua flags=no-writes,...`), its length, or an error.
 * Without a shebang the script runs in EVAL's backwards-compatible mode.
 */
export function shebangFlags(body: string): { flags: number; skip: number } | string {
  if (!body.startsWith('#!')) return { flags: SF_EVAL_COMPAT, skip: 0 };
  const end = body.indexOf('\n');
  if (end < 0) return ERR.shebangInvalid;
  // Split as Redis does (sdssplitargs: quotes group and are removed).
  const parts = splitArgs(body.slice(0, end));
  if (parts === null || parts.length === 0) return ERR.shebangNoEngine;
  if (parts[0] !== '#!lua') return ERR.shebangEngine(parts[0]);
  let flags = 0;
  for (let i = 1; i < parts.length; i++) {
    if (!parts[i].startsWith('flags=')) return ERR.shebangOption(parts[i]);
    const list = parts[i].slice(6);
    for (const f of list === '' ? [] : list.split(',')) {
      const known = SCRIPT_FLAG_NAMES.find(([n]) => n === f);
      if (known === undefined) return ERR.shebangFlag(f);
      flags |= known[1];
    }
  }
  return { flags, skip: end };
}

/** Compile and cache a script body; returns the script or replies with the error (null). */
function createScript(c: Client, body: string): CachedScript | null {
  const known = byBody.get(body);
  if (known !== undefined) return known;
  const sha = sha1hex(body);
  const sb = shebangFlags(body);
  if (typeof sb === 'string') {
    c.reply.error(sb);
    return null;
  }
  // The shebang line is left out but its line feed kept, so line numbers stay the user's.
  const code = sb.skip === 0 ? body : body.slice(sb.skip);
  const ref = evalEngine().compile(code);
  if (typeof ref === 'string') {
    c.reply.error(ERR.scriptCompile(luaCompileError(ref)));
    return null;
  }
  const script = { sha, body, ref, flags: sb.flags, loops: mayLoop(code) };
  scripts.set(sha, script);
  byBody.set(body, script);
  scriptsBytes += body.length + 40;
  return script;
}

/** The cached script a sha names, in any case (clients mostly send it lowercase, as it is stored). */
function cachedScript(sha: string): CachedScript | null {
  return scripts.get(sha) ?? scripts.get(sha.toLowerCase()) ?? null;
}

/** Parse numkeys as Redis does for EVAL and FCALL; null after replying with the error. */
export function parseNumkeys(c: Client, argv: string[]): number | null {
  const n = parseInt64(argv[2]);
  if (n === null) {
    c.reply.error(ERR.notInteger);
    return null;
  }
  if (n > argv.length - 3) {
    c.reply.error(ERR.numkeysTooBig);
    return null;
  }
  if (n < 0) {
    c.reply.error(ERR.numkeysNegative);
    return null;
  }
  return Number(n);
}

/**
 * Redis's checks before running a script with these flags (scriptPrepareForRun); replies with
 * the refusal and returns false.
 */
export function mayRun(c: Client, flags: number, ro: boolean): boolean {
  if (flags & SF_EVAL_COMPAT) {
    if (staleDataDenied()) {
      c.reply.error(ERR.masterDown);
      return false;
    }
    return true;
  }
  // The pipeline checked the call with the flags these imply (scriptCmdFlags), but a script run by
  // EXEC was checked as part of the transaction only: as Redis's scriptPrepareForRun, the same
  // refusals are made here, in the pipeline's order, before the script-specific ones.
  const obey = (c.flags & CLIENT_MASTER) !== 0;
  const writes = (flags & SF_NO_WRITES) === 0;
  let err: string | null = null;
  if (flags & SF_NO_CLUSTER && server.config.bool('cluster-enabled')) err = ERR.scriptNoCluster;
  else if (writes && (flags & SF_ALLOW_OOM) === 0 && maxmemory.on && !obey && !performEvictions()) err = ERR.oom;
  else if (writes && !obey && writesDeniedByDiskError() !== null) err = writesDeniedByDiskError();
  else if (writes && !obey && tooFewGoodReplicas()) err = ERR.noReplicas;
  else if (writes && !obey && signals.isReplica() && server.config.bool('replica-read-only')) err = ERR.readonlyReplica;
  else if ((flags & SF_ALLOW_STALE) === 0 && staleDataDenied()) err = ERR.masterDown;
  else if (writes && ro) err = ERR.scriptWriteInRo;
  if (err === null) return true;
  c.reply.error(err);
  return false;
}

/**
 * The state of a run of a script or function with these flags, for the engine and the pipeline.
 * Scripts run one at a time, so each engine reuses one run object.
 */
export function newRun(
  engine: ScriptEngine, c: Client, name: string, flags: number, ro: boolean, evalMode: boolean, argv: string[],
): ScriptRun {
  const compat = (flags & SF_EVAL_COMPAT) !== 0;
  const run = engine.run;
  run.caller = c;
  run.argv = argv;
  run.name = name;
  run.evalMode = evalMode;
  run.readOnly = ro || (!compat && (flags & SF_NO_WRITES) !== 0);
  run.allowOom = !compat && (flags & SF_ALLOW_OOM) !== 0;
  run.oomAtStart = maxmemory.on && !performEvictions();
  run.writeDirty = false;
  run.allowCrossSlot = compat || (flags & SF_ALLOW_CROSS_SLOT) !== 0;
  run.routeFlags = c.flags & (CLIENT_ASKING | CLIENT_READONLY);
  run.killed = false;
  run.busy = false;
  run.repl = 3;
  run.mayYield = (c.flags & (CLIENT_MULTI | CLIENT_DENY_BLOCKING | CLIENT_MASTER | CLIENT_FAKE)) === 0;
  run.done = clearBusy;
  return run;
}

/**
 * Start a run; while it is busy the pipeline answers -BUSY, and it is cleared when it finishes.
 * `loops`: the code may loop, so it needs the busy-script hook (always so for functions).
 */
export function startRun(run: ScriptRun, ref: bigint, argv: string[], numkeys: number, loops = true): void {
  busyScript.evalMode = run.evalMode;
  run.engine.start(run, ref, argv, 3, numkeys, loops);
  if (run.busy) busyScript.run = run;
}

function clearBusy(run: ScriptRun): void {
  if (busyScript.run !== run) return;
  busyScript.run = null;
  // Clients blocked on keys the script filled were held until now (see processCommand).
  if (hasReadyKeys()) handleReadyKeys();
}

function evalGeneric(c: Client, argv: string[], isSha: boolean, ro: boolean): void {
  c.propagateArgv = NO_PROPAGATION;
  // Commands a script runs show in MONITOR after the script itself.
  if (server.monitors.size !== 0) feedMonitors(c, c.shownArgv(argv));
  if (isSha && argv[1].length !== 40) {
    c.reply.error(ERR.noScript);
    return;
  }
  const numkeys = parseNumkeys(c, argv);
  if (numkeys === null) return;
  let script: CachedScript | null;
  if (isSha) {
    script = cachedScript(argv[1]);
    if (script === null) {
      c.reply.error(ERR.noScript);
      return;
    }
  } else {
    script = createScript(c, argv[1]);
    if (script === null) return;
  }
  if (!mayRun(c, script.flags, ro)) return;
  startRun(newRun(evalEngine(), c, script.sha, script.flags, ro, true, argv), script.ref, argv, numkeys, script.loops);
}

/** The key positions of EVAL/EVALSHA/FCALL and their _RO forms: numkeys keys after argv[2]. */
export function scriptKeys(argv: string[]): number[] {
  const n = Number(argv[2]);
  const out: number[] = [];
  if (!Number.isInteger(n) || n <= 0 || n > argv.length - 3) return out;
  for (let i = 3; i < 3 + n; i++) out.push(i);
  return out;
}

/**
 * The command flags a run of a script with these flags is checked with (Redis's
 * scriptFlagsToCmdFlags): a script without flags keeps its command's; one with flags writes
 * unless no-writes, may grow memory unless allow-oom or no-writes, runs on a stale replica only
 * with allow-stale, and is not may_replicate (its flags tell whether it writes).
 */
export function scriptCmdFlags(own: number, flags: number): number {
  if (flags & SF_EVAL_COMPAT) return own;
  let f = own & ~(F.STALE | F.DENYOOM | F.WRITE | F.MAY_REPLICATE);
  if ((flags & (SF_ALLOW_OOM | SF_NO_WRITES)) === 0) f |= F.DENYOOM;
  if ((flags & SF_NO_WRITES) === 0) f |= F.WRITE;
  if (flags & SF_ALLOW_STALE) f |= F.STALE;
  return f;
}

/** EVAL's flags: the cached script's, else its shebang's; a body in error keeps the command's. */
function evalFlags(argv: string[], own: number): number {
  if (!argv[1].startsWith('#!')) return own;
  const known = byBody.get(argv[1]);
  if (known !== undefined) return scriptCmdFlags(own, known.flags);
  const sb = shebangFlags(argv[1]);
  return typeof sb === 'string' ? own : scriptCmdFlags(own, sb.flags);
}

/** EVALSHA's flags: an unknown script keeps the command's. */
function evalshaFlags(argv: string[], own: number): number {
  const s = argv[1].length === 40 ? cachedScript(argv[1]) : null;
  return s === null ? own : scriptCmdFlags(own, s.flags);
}

/**
 * A script's writes reach replicas and the AOF as the commands it ran (effects replication):
 * EVAL/EVALSHA/FCALL themselves, may_replicate, are never propagated.
 */
export const NO_PROPAGATION: string[] = [];

/** SCRIPT KILL and FUNCTION KILL. */
export function killScript(c: Client, evalKill: boolean): void {
  const run = runningScript();
  if (run === null || !run.busy) {
    c.reply.error(ERR.notBusy);
    return;
  }
  if (run.caller.flags & CLIENT_MASTER) {
    c.reply.error(ERR.unkillableFromMaster);
    return;
  }
  if (run.writeDirty) {
    c.reply.error(ERR.unkillableWrote);
    return;
  }
  if (evalKill && !run.evalMode) {
    c.reply.error(ERR.busyFunction);
    return;
  }
  if (!evalKill && run.evalMode) {
    c.reply.error(ERR.busyEval);
    return;
  }
  run.engine.kill(run);
  c.reply.ok();
}

function scriptFlush(c: Client, argv: string[]): void {
  if (argv.length === 3 && !/^(a?sync)$/i.test(argv[2])) {
    c.reply.error(ERR.scriptFlushOption);
    return;
  }
  if (argv.length > 3) {
    c.reply.error(ERR.scriptFlushOption);
    return;
  }
  if (engine !== null) for (const s of scripts.values()) engine.release(s.ref);
  engine?.collect();
  scripts.clear();
  byBody.clear();
  scriptsBytes = 0;
  c.reply.ok();
}

const EVAL_DOCS = (first: string) => ({
  args: [
    { name: first, type: 'string' as const },
    { name: 'numkeys', type: 'integer' as const },
    { name: 'key', type: 'key' as const, keySpecIndex: 0, flags: ['optional' as const, 'multiple' as const] },
    { name: 'arg', type: 'string' as const, flags: ['optional' as const, 'multiple' as const] },
  ],
});
const RW_NOTES = 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE';
const RO_NOTES = 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS';
const FLAGS = 'noscript stale skip_monitor no_mandatory_keys';
const RW_FLAGS = `${FLAGS} may_replicate`;

export const commands: CommandDef[] = [
  {
    name: 'eval', arity: -3, flags: RW_FLAGS, acl: 'scripting', group: 'scripting', since: '2.6.0',
    keySpecs: [{ ...ksKeynum('RW access update', 2), notes: RW_NOTES }], getKeys: scriptKeys, flagsFor: evalFlags,
    summary: 'Runs a Lua script on the server.', complexity: 'Depends on the script that is executed.',
    docs: EVAL_DOCS('script'),
    handler: (c, argv) => evalGeneric(c, argv, false, false),
  },
  {
    name: 'eval_ro', arity: -3, flags: `readonly ${FLAGS}`, acl: 'scripting', group: 'scripting', since: '7.0.0',
    keySpecs: [{ ...ksKeynum('RO access', 2), notes: RO_NOTES }], getKeys: scriptKeys, flagsFor: evalFlags,
    summary: 'Runs a Lua script that may only read data.', complexity: 'Depends on the script that is executed.',
    docs: EVAL_DOCS('script'),
    handler: (c, argv) => evalGeneric(c, argv, false, true),
  },
  {
    name: 'evalsha', arity: -3, flags: RW_FLAGS, acl: 'scripting', group: 'scripting', since: '2.6.0',
    keySpecs: [ksKeynum('RW access update', 2)], getKeys: scriptKeys, flagsFor: evalshaFlags,
    summary: 'Runs a cached Lua script, named by its SHA1 digest.', complexity: 'Depends on the script that is executed.',
    docs: EVAL_DOCS('sha1'),
    handler: (c, argv) => evalGeneric(c, argv, true, false),
  },
  {
    name: 'evalsha_ro', arity: -3, flags: `readonly ${FLAGS}`, acl: 'scripting', group: 'scripting', since: '7.0.0',
    keySpecs: [ksKeynum('RO access', 2)], getKeys: scriptKeys, flagsFor: evalshaFlags,
    summary: 'Runs a cached Lua script, named by its SHA1 digest, that may only read data.',
    complexity: 'Depends on the script that is executed.',
    docs: EVAL_DOCS('sha1'),
    handler: (c, argv) => evalGeneric(c, argv, true, true),
  },
  {
    name: 'script', arity: -2, flags: '', group: 'scripting', since: '2.6.0',
    summary: 'A container for the commands that manage the Lua script cache.', complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      {
        name: 'exists', arity: -3, flags: 'noscript', acl: 'scripting', group: 'scripting', since: '2.6.0',
        tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
        summary: 'Tells which of the given SHA1 digests are in the script cache.',
        complexity: 'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).',
        docs: { args: [{ name: 'sha1', type: 'string', flags: ['multiple'] }] },
        handler(c, argv) {
          c.reply.array(argv.length - 2);
          for (let i = 2; i < argv.length; i++) c.reply.int(scripts.has(argv[i].toLowerCase()) ? 1 : 0);
        },
      },
      {
        name: 'flush', arity: -2, flags: 'noscript', acl: 'scripting', group: 'scripting', since: '2.6.0',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        summary: 'Empties the script cache.', complexity: 'O(N) with N being the number of scripts in cache',
        docs: {
          history: [['6.2.0', 'ASYNC and SYNC choose how the cache is freed.']],
          args: [{
            name: 'async', type: 'oneof', since: '6.2.0', flags: ['optional'], args: [
              { name: 'async', type: 'pure-token', token: 'ASYNC' }, { name: 'sync', type: 'pure-token', token: 'SYNC' },
            ],
          }],
        },
        handler: scriptFlush,
      },
      {
        name: 'help', arity: 2, flags: 'loading stale', acl: 'scripting', group: 'scripting', since: '5.0.0',
        summary: 'Lists the SCRIPT subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'SCRIPT', [
            'DEBUG (YES|SYNC|NO)', '    Choose the debugging mode of the scripts that follow (only NO is supported).',
            'EXISTS <sha1> [<sha1> ...]', '    For each digest, 1 when that script is in the cache, else 0.',
            'FLUSH [ASYNC|SYNC]', '    Remove every script from the cache.',
            'KILL', '    Stop the script that is running, if it has not written anything yet.',
            'LOAD <script>', '    Put a script in the cache without running it; replies with its digest.',
          ]);
        },
      },
      {
        name: 'kill', arity: 2, flags: 'noscript allow_busy', acl: 'scripting', group: 'scripting', since: '2.6.0',
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
        summary: 'Stops the script that is running.', complexity: 'O(1)',
        handler: (c) => killScript(c, true),
      },
      {
        name: 'debug', arity: 3, flags: 'noscript', acl: 'scripting', group: 'scripting', since: '3.2.0',
        summary: 'Chooses the debugging mode of the scripts that follow.', complexity: 'O(1)',
        docs: {
          args: [{
            name: 'mode', type: 'oneof', args: [
              { name: 'yes', type: 'pure-token', token: 'YES' }, { name: 'sync', type: 'pure-token', token: 'SYNC' },
              { name: 'no', type: 'pure-token', token: 'NO' },
            ],
          }],
        },
        handler(c, argv) {
          const mode = argv[2].toLowerCase();
          if (mode === 'no') c.reply.ok();
          else if (mode === 'yes' || mode === 'sync') c.reply.error(ERR.scriptDebugUnsupported);
          else c.reply.error(ERR.scriptDebugMode);
        },
      },
      {
        name: 'load', arity: 3, flags: 'noscript stale', acl: 'scripting', group: 'scripting', since: '2.6.0',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        summary: 'Puts a Lua script in the script cache without running it.',
        complexity: 'O(N) with N being the length in bytes of the script body.',
        docs: { args: [{ name: 'script', type: 'string' }] },
        handler(c, argv) {
          const script = createScript(c, argv[2]);
          if (script !== null) c.reply.bulk(script.sha);
        },
      },
    ],
  },
];
