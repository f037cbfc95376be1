// Functions: FUNCTION LOAD|LIST|DELETE|FLUSH|DUMP|RESTORE|STATS|KILL|HELP and FCALL/FCALL_RO.
// Libraries live in their own Lua state (as in Redis); their sources are what RDB files
// (FUNCTION2 opcode), FUNCTION DUMP payloads and the replication stream carry.

import { ERR } from '../errors.js';
import type { Client } from '../server/client.js';
import { CLIENT_MASTER } from '../server/client.js';
import { feedMonitors } from '../server/monitor.js';
import { server } from '../server/state.js';
import { globMatch } from '../util/glob.js';
import { Crc64 } from '../persistence/rdb/crc64.js';
import { OP, RDB_VERSION, RdbReader, RdbWriter } from '../persistence/rdb/format.js';
import { rdbFunctions } from '../persistence/rdb/file.js';
import { ScriptEngine, SCRIPT_FLAG_NAMES, runningScript, type RegisteredFunction } from '../scripting/engine.js';
import { splitArgs } from '../protocol/parser.js';
import { replyHelp } from './help.js';
import { ksKeynum } from './keyspecs.js';
import { killScript, mayRun, newRun, NO_PROPAGATION, scriptCmdFlags, scriptKeys, startRun } from './scripting.js';
import { noContainerHandler, type CommandDef } from './spec.js';

interface FunctionInfo extends RegisteredFunction {
  lib: Library;
}

interface Library {
  name: string;
  code: string;
  functions: Map<string, FunctionInfo>;
}

/** A set of libraries and the index of their functions (the current one, or one being restored). */
class LibCtx {
  readonly libraries = new Map<string, Library>();
  /** By lowercased name: function names are case-insensitive (library names are not), as in Redis. */
  readonly functions = new Map<string, FunctionInfo>();

  link(lib: Library): void {
    this.libraries.set(lib.name, lib);
    for (const f of lib.functions.values()) this.functions.set(f.name.toLowerCase(), f);
  }

  unlink(lib: Library): void {
    this.libraries.delete(lib.name);
    for (const f of lib.functions.values()) this.functions.delete(f.name.toLowerCase());
  }
}

/** How long FUNCTION LOAD lets a library's body run. */
const LOAD_TIMEOUT_MS = 500;

let engine: ScriptEngine | null = null;
let ctx = new LibCtx();

function functionEngine(): ScriptEngine {
  if (engine === null) engine = new ScriptEngine('function');
  return engine;
}

function freeLibrary(lib: Library): void {
  for (const f of lib.functions.values()) functionEngine().release(f.ref);
}

function validName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

/** The library's name from its first line (`#!lua name=<name>`), and the code after it, or an error. */
function libraryMetadata(code: string): { engine: string; name: string; body: string } | string {
  if (!code.startsWith('#!')) return ERR.libMissingMetadata;
  const end = code.indexOf('\n');
  if (end < 0) return ERR.libInvalidMetadata;
  // Split as Redis does (sdssplitargs): `name="foo"` names the library foo.
  const parts = splitArgs(code.slice(0, end));
  if (parts === null || parts.length === 0) return ERR.libInvalidMetadata;
  let name: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    if (parts[i].slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return ERR.libNameRepeated;
      name = parts[i].slice(5);
      continue;
    }
    return ERR.libMetadataValue(parts[i]);
  }
  if (name === null) return ERR.libNoName;
  return { engine: parts[0].slice(2), name, body: code.slice(end) };
}

/** Create (or with `replace`, replace) a library in `into`; its name, or the error reply text. */
function createLibrary(into: LibCtx, code: string, replace: boolean, timeoutMs: number): { name: string } | string {
  const md = libraryMetadata(code);
  if (typeof md === 'string') return md;
  if (!validName(md.name)) return ERR.libNameChars;
  if (md.engine.toLowerCase() !== 'lua') return ERR.libEngineNotFound(md.engine);
  const old = into.libraries.get(md.name);
  if (old !== undefined && !replace) return ERR.libExistsQuoted(md.name);
  if (old !== undefined) into.unlink(old);
  const registered = functionEngine().loadLibrary(md.body, timeoutMs);
  const lib: Library = { name: md.name, code, functions: new Map() };
  let err: string | null = null;
  if (typeof registered === 'string') {
    err = registered;
  } else {
    for (const r of registered) lib.functions.set(r.name, { ...r, lib });
    if (registered.length === 0) err = ERR.libNoFunctions;
    else {
      for (const r of registered) {
        if (into.functions.has(r.name.toLowerCase())) {
          err = ERR.functionExists(r.name);
          break;
        }
      }
    }
  }
  if (err !== null) {
    freeLibrary(lib);
    if (old !== undefined) into.link(old);
    return err;
  }
  into.link(lib);
  if (old !== undefined) freeLibrary(old);
  return { name: md.name };
}

/** Move every library of `src` into the current set; on a collision nothing changes. */
function joinLibraries(src: LibCtx, replace: boolean): string | null {
  const replaced: Library[] = [];
  const restore = (): void => {
    for (const l of replaced) ctx.link(l);
  };
  for (const lib of src.libraries.values()) {
    const old = ctx.libraries.get(lib.name);
    if (old === undefined) continue;
    if (!replace) {
      restore();
      return ERR.libExists(lib.name);
    }
    ctx.unlink(old);
    replaced.push(old);
  }
  for (const f of src.functions.values()) {
    if (ctx.functions.has(f.name.toLowerCase())) {
      restore();
      return ERR.functionExists(f.name);
    }
  }
  for (const lib of src.libraries.values()) ctx.link(lib);
  for (const l of replaced) freeLibrary(l);
  return null;
}

function flushLibraries(): void {
  for (const lib of ctx.libraries.values()) freeLibrary(lib);
  ctx = new LibCtx();
}
rdbFunctions.flush = flushLibraries;

export function functionsInfo(): { libraries: number; functions: number; luaMemory: number; bytes: number } {
  let bytes = 0;
  for (const lib of ctx.libraries.values()) bytes += lib.code.length;
  return { libraries: ctx.libraries.size, functions: ctx.functions.size, luaMemory: engine === null ? 0 : engine.memory(), bytes };
}

// RDB files carry each library's source after the AUX fields (FUNCTION2); a library in a file
// replaces ours of the same name.
rdbFunctions.dump = () => [...ctx.libraries.values()].map((l) => l.code);
rdbFunctions.load = (code: string) => {
  const r = createLibrary(ctx, code, rdbFunctions.replace, 0);
  if (typeof r === 'string') throw new Error(`failed loading the library: ${r}`);
};

/** FUNCTION DUMP: FUNCTION2 records, then the RDB version (2 bytes LE) and a CRC64 (8 bytes LE). */
function dumpPayload(): Buffer {
  const w = new RdbWriter(1024, false);
  for (const lib of ctx.libraries.values()) {
    w.byte(OP.FUNCTION2);
    w.string(lib.code);
  }
  w.byte(RDB_VERSION & 0xff);
  w.byte((RDB_VERSION >> 8) & 0xff);
  const body = w.take();
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(new Crc64().update(body, 0, body.length).value());
  return Buffer.concat([body, crc]);
}

function restore(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    c.reply.error(ERR.subcommandSyntax(argv[1], 'FUNCTION'));
    return;
  }
  let policy = 'append';
  if (argv.length === 4) {
    policy = argv[3].toLowerCase();
    if (policy !== 'append' && policy !== 'replace' && policy !== 'flush') {
      c.reply.error(ERR.functionRestorePolicy);
      return;
    }
  }
  const data = Buffer.from(argv[2], 'latin1');
  if (!validPayload(data)) {
    c.reply.error(ERR.dumpPayload);
    return;
  }
  const tmp = new LibCtx();
  const r = new RdbReader(data);
  let err: string | null = null;
  try {
    while (data.length - r.pos > 10) {
      const type = r.byte();
      if (type !== OP.FUNCTION2) {
        err = ERR.functionRestoreType;
        break;
      }
      const res = createLibrary(tmp, r.string(), false, 0);
      if (typeof res === 'string') {
        err = res;
        break;
      }
    }
  } catch {
    err = ERR.functionRestorePayload;
  }
  if (err === null) {
    if (policy === 'flush') {
      flushLibraries();
      for (const lib of tmp.libraries.values()) ctx.link(lib);
    } else {
      err = joinLibraries(tmp, policy === 'replace');
    }
  }
  if (err !== null) {
    for (const lib of tmp.libraries.values()) if (ctx.libraries.get(lib.name) !== lib) freeLibrary(lib);
    c.reply.error(err);
    return;
  }
  server.dirty++;
  c.reply.ok();
}

function validPayload(data: Buffer): boolean {
  if (data.length < 10) return false;
  const ver = data.readUInt16LE(data.length - 10);
  if (ver > RDB_VERSION) return false;
  const stored = data.readBigUInt64LE(data.length - 8);
  return stored === 0n || new Crc64().update(data, 0, data.length - 8).value() === stored;
}

function list(c: Client, argv: string[]): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (!withCode && a === 'withcode') {
      withCode = true;
      continue;
    }
    if (pattern === null && a === 'libraryname') {
      if (i >= argv.length - 1) {
        c.reply.error(ERR.functionListNoLibname);
        return;
      }
      pattern = argv[++i];
      continue;
    }
    c.reply.error(ERR.functionListArgument(argv[i]));
    return;
  }
  const libs = [...ctx.libraries.values()].filter((l) => pattern === null || globMatch(pattern, l.name, false));
  c.reply.array(libs.length);
  for (const lib of libs) {
    c.reply.map(withCode ? 4 : 3);
    c.reply.bulk('library_name');
    c.reply.bulk(lib.name);
    c.reply.bulk('engine');
    c.reply.bulk('LUA');
    c.reply.bulk('functions');
    c.reply.array(lib.functions.size);
    for (const f of lib.functions.values()) {
      c.reply.map(3);
      c.reply.bulk('name');
      c.reply.bulk(f.name);
      c.reply.bulk('description');
      c.reply.bulkOrNull(f.description);
      c.reply.bulk('flags');
      const names = SCRIPT_FLAG_NAMES.filter(([, bit]) => f.flags & bit);
      c.reply.set(names.length);
      for (const [n] of names) c.reply.simple(n);
    }
    if (withCode) {
      c.reply.bulk('library_code');
      c.reply.bulk(lib.code);
    }
  }
}

function stats(c: Client): void {
  const run = runningScript();
  if (run !== null && run.evalMode) {
    c.reply.error(ERR.busyEval);
    return;
  }
  c.reply.map(2);
  c.reply.bulk('running_script');
  if (run === null) {
    c.reply.nullBulk();
  } else {
    c.reply.map(3);
    c.reply.bulk('name');
    c.reply.bulk(run.name);
    c.reply.bulk('command');
    c.reply.bulks(run.argv);
    c.reply.bulk('duration_ms');
    c.reply.int(Math.floor(performance.now() - run.start));
  }
  c.reply.bulk('engines');
  c.reply.map(1);
  c.reply.bulk('LUA');
  c.reply.map(2);
  c.reply.bulk('libraries_count');
  c.reply.int(ctx.libraries.size);
  c.reply.bulk('functions_count');
  c.reply.int(ctx.functions.size);
}

/** The function FCALL names, in any case (the lowercase spelling is looked up first). */
function findFunction(name: string): FunctionInfo | undefined {
  return ctx.functions.get(name) ?? ctx.functions.get(name.toLowerCase());
}

function fcall(c: Client, argv: string[], ro: boolean): void {
  c.propagateArgv = NO_PROPAGATION;
  if (server.monitors.size !== 0) feedMonitors(c, c.shownArgv(argv));
  const f = findFunction(argv[1]);
  if (f === undefined) {
    c.reply.error(ERR.functionNotFound);
    return;
  }
  const n = Number(argv[2]);
  if (!/^-?\d+$/.test(argv[2]) || !Number.isSafeInteger(n)) {
    c.reply.error(ERR.functionNumkeys);
    return;
  }
  if (n > argv.length - 3) {
    c.reply.error(ERR.numkeysTooBig);
    return;
  }
  if (n < 0) {
    c.reply.error(ERR.numkeysNegative);
    return;
  }
  if (!mayRun(c, f.flags, ro)) return;
  startRun(newRun(functionEngine(), c, f.name, f.flags, ro, false, argv), f.ref, argv, n);
}

/** FCALL's flags: from the function's; an unknown function keeps the command's. */
function fcallFlags(argv: string[], own: number): number {
  const f = findFunction(argv[1]);
  return f === undefined ? own : scriptCmdFlags(own, f.flags);
}

const FCALL_ARGS = {
  args: [
    { name: 'function', type: 'string' as const },
    { name: 'numkeys', type: 'integer' as const },
    { name: 'key', type: 'key' as const, keySpecIndex: 0, flags: ['optional' as const, 'multiple' as const] },
    { name: 'arg', type: 'string' as const, flags: ['optional' as const, 'multiple' as const] },
  ],
};
const FLUSH_ARGS = {
  args: [{
    name: 'async', type: 'oneof' as const, flags: ['optional' as const], args: [
      { name: 'async', type: 'pure-token' as const, token: 'ASYNC' }, { name: 'sync', type: 'pure-token' as const, token: 'SYNC' },
    ],
  }],
};
const ALL_SHARDS = ['request_policy:all_shards', 'response_policy:all_succeeded'];

export const commands: CommandDef[] = [
  {
    name: 'fcall', arity: -3, flags: 'noscript stale skip_monitor no_mandatory_keys may_replicate', acl: 'scripting', group: 'scripting',
    since: '7.0.0', keySpecs: [{ ...ksKeynum('RW access update', 2), notes: 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE' }],
    getKeys: scriptKeys, flagsFor: fcallFlags, summary: 'Calls a function of a loaded library.', complexity: 'Depends on the function that is executed.',
    docs: FCALL_ARGS, handler: (c, argv) => fcall(c, argv, false),
  },
  {
    name: 'fcall_ro', arity: -3, flags: 'readonly noscript stale skip_monitor no_mandatory_keys', acl: 'scripting',
    group: 'scripting', since: '7.0.0',
    keySpecs: [{ ...ksKeynum('RO access', 2), notes: 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS' }],
    getKeys: scriptKeys, flagsFor: fcallFlags, summary: 'Calls a function of a loaded library, which may only read data.',
    complexity: 'Depends on the function that is executed.', docs: FCALL_ARGS, handler: (c, argv) => fcall(c, argv, true),
  },
  {
    name: 'function', arity: -2, flags: '', group: 'scripting', since: '7.0.0',
    summary: 'A container for the commands that manage function libraries.', complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      {
        name: 'delete', arity: 3, flags: 'write noscript', acl: 'scripting', group: 'scripting', since: '7.0.0', tips: ALL_SHARDS,
        summary: 'Removes a library and its functions.', complexity: 'O(1)',
        docs: { args: [{ name: 'library-name', type: 'string' }] },
        handler(c, argv) {
          const lib = ctx.libraries.get(argv[2]);
          if (lib === undefined) {
            c.reply.error(ERR.libNotFound);
            return;
          }
          ctx.unlink(lib);
          freeLibrary(lib);
          server.dirty++;
          c.reply.ok();
        },
      },
      {
        name: 'dump', arity: 2, flags: 'noscript', acl: 'scripting', group: 'scripting', since: '7.0.0',
        summary: 'Serialises every library into a payload FUNCTION RESTORE accepts.', complexity: 'O(N) where N is the number of functions',
        handler(c) {
          c.reply.bulkBuffer(dumpPayload());
        },
      },
      {
        name: 'flush', arity: -2, flags: 'write noscript', acl: 'scripting', group: 'scripting', since: '7.0.0', tips: ALL_SHARDS,
        summary: 'Removes every library.', complexity: 'O(N) where N is the number of functions deleted', docs: FLUSH_ARGS,
        handler(c, argv) {
          if (argv.length > 3) {
            c.reply.error(ERR.subcommandSyntax(argv[1], 'FUNCTION'));
            return;
          }
          if (argv.length === 3 && !/^(a?sync)$/i.test(argv[2])) {
            c.reply.error(ERR.functionFlushOption);
            return;
          }
          flushLibraries();
          server.dirty++;
          c.reply.ok();
        },
      },
      {
        name: 'help', arity: 2, flags: 'loading stale', acl: 'scripting', group: 'scripting', since: '7.0.0',
        summary: 'Lists the FUNCTION subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'FUNCTION', [
            'LOAD [REPLACE] <FUNCTION CODE>', '    Load a library (its first line: #!lua name=<library>); REPLACE swaps one of the same name.',
            'DELETE <LIBRARY NAME>', '    Remove a library and its functions.',
            'LIST [LIBRARYNAME PATTERN] [WITHCODE]', '    Describe the libraries (those whose name matches the pattern), with their code if asked.',
            'STATS', '    The function running now, if any, and the counts of libraries and functions per engine.',
            'KILL', '    Stop the function that is running, if it has not written anything yet.',
            'FLUSH [ASYNC|SYNC]', '    Remove every library.',
            'DUMP', '    Serialise every library into a payload for FUNCTION RESTORE.',
            'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]', '    Load the libraries of a payload: after removing ours (FLUSH), beside ours',
            '    refusing name collisions (APPEND, the default), or replacing ours of the same name (REPLACE).',
          ]);
        },
      },
      {
        name: 'kill', arity: 2, flags: 'noscript allow_busy', acl: 'scripting', group: 'scripting', since: '7.0.0',
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
        summary: 'Stops the function that is running.', complexity: 'O(1)',
        handler: (c) => killScript(c, false),
      },
      {
        name: 'list', arity: -2, flags: 'noscript', acl: 'scripting', group: 'scripting', since: '7.0.0',
        tips: ['nondeterministic_output_order'],
        summary: 'Describes the loaded libraries and their functions.', complexity: 'O(N) where N is the number of functions',
        docs: {
          args: [
            { name: 'library-name-pattern', type: 'string', token: 'LIBRARYNAME', flags: ['optional'] },
            { name: 'withcode', type: 'pure-token', token: 'WITHCODE', flags: ['optional'] },
          ],
        },
        handler: list,
      },
      {
        name: 'load', arity: -3, flags: 'write denyoom noscript', acl: 'scripting', group: 'scripting', since: '7.0.0', tips: ALL_SHARDS,
        summary: 'Loads a library of functions.', complexity: 'O(1) (considering compilation time is redundant)',
        docs: {
          args: [
            { name: 'replace', type: 'pure-token', token: 'REPLACE', flags: ['optional'] },
            { name: 'function-code', type: 'string' },
          ],
        },
        handler(c, argv) {
          let replace = false;
          let i = 2;
          for (; i < argv.length - 1; i++) {
            if (argv[i].toLowerCase() === 'replace') replace = true;
            else {
              c.reply.error(ERR.functionLoadOption(argv[i]));
              return;
            }
          }
          if (i >= argv.length) {
            c.reply.error(ERR.functionNoCode);
            return;
          }
          const r = createLibrary(ctx, argv[i], replace, c.flags & CLIENT_MASTER ? 0 : LOAD_TIMEOUT_MS);
          if (typeof r === 'string') {
            c.reply.error(r);
            return;
          }
          server.dirty++;
          c.reply.bulk(r.name);
        },
      },
      {
        name: 'restore', arity: -3, flags: 'write denyoom noscript', acl: 'scripting', group: 'scripting', since: '7.0.0', tips: ALL_SHARDS,
        summary: 'Loads the libraries of a FUNCTION DUMP payload.', complexity: 'O(N) where N is the number of functions on the payload',
        docs: {
          args: [
            { name: 'serialized-value', type: 'string' },
            {
              name: 'policy', type: 'oneof', flags: ['optional'], args: [
                { name: 'flush', type: 'pure-token', token: 'FLUSH' }, { name: 'append', type: 'pure-token', token: 'APPEND' },
                { name: 'replace', type: 'pure-token', token: 'REPLACE' },
              ],
            },
          ],
        },
        handler: restore,
      },
      {
        name: 'stats', arity: 2, flags: 'noscript allow_busy', acl: 'scripting', group: 'scripting', since: '7.0.0',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        summary: 'Describes the function running now and the libraries per engine.', complexity: 'O(1)',
        handler: stats,
      },
    ],
  },
];
