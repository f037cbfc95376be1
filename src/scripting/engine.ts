// A scripting Lua state (one for EVAL scripts, one for function libraries, as in Redis): the
// redis.* API, compiling, and running a script to completion or, past busy-reply-threshold, in
// slices between which the server answers other clients with -BUSY (the count hook yields the
// script's coroutine back to the event loop; SCRIPT KILL and FUNCTION KILL end it from there).

import { createHash } from 'node:crypto';
import { ERR } from '../errors.js';
import { logger } from '../log.js';
import { REDIS_VERSION } from '../version.js';
import { formatDouble17g } from '../protocol/format.js';
import type { ReplyWriter } from '../protocol/reply.js';
import { CLIENT_BLOCKED, CLIENT_DENY_BLOCKING, CLIENT_MULTI, CLIENT_SCRIPT, fakeClient, type Client } from '../server/client.js';
import { processScriptCommand, type ScriptRunState } from '../server/dispatch.js';
import { beginAtomic, endAtomic, setPropagationTargets } from '../server/propagate.js';
import { server } from '../server/state.js';
import { datasetFrozen, scriptTime } from '../keyspace/db.js';
import { clock, refreshClock } from '../server/clock.js';
import { lookupCommand } from '../commands/registry.js';
import { checkCommand } from '../acl/check.js';
import { getUser } from '../acl/users.js';
import {
  LUA_ERRRUN, LUA_OK, LUA_YIELD, LuaVM, MASK_COUNT, MASK_LINE, T_BOOLEAN, T_NIL, T_NUMBER, T_STRING, T_TABLE,
} from './lua.js';
import { PRELUDE } from './prelude.js';

const log = logger('script');

/** One script invocation; `current` while it runs (also across busy slices). */
export interface ScriptRun extends ScriptRunState {
  engine: ScriptEngine;
  /** The EVAL/FCALL command (FUNCTION STATS). */
  argv: string[];
  /** The sha (EVAL) or function name shown in errors and logs. */
  name: string;
  evalMode: boolean;
  /** The pseudo-client the script's commands run as. */
  sc: Client;
  start: number;
  killed: boolean;
  /** Past busy-reply-threshold: other clients get -BUSY. */
  busy: boolean;
  sliceStart: number;
  /**
   * Whether the script may be suspended when busy. Not inside EXEC (the transaction's next
   * commands would run meanwhile), nor for the primary's link or internal clients.
   */
  mayYield: boolean;
  /** redis.set_repl flags: 1 AOF, 2 replicas. */
  repl: number;
  /** Called once the script finished and replied. */
  done: ((run: ScriptRun) => void) | null;
}

let current: ScriptRun | null = null;

/** A function a library registered, its callback anchored in the registry. */
export interface RegisteredFunction {
  name: string;
  description: string | null;
  flags: number;
  ref: bigint;
}

/** Lua 5.4's compiler says `near <eof>` where Lua 5.1 quoted it. */
export function luaCompileError(msg: string): string {
  return msg.replace(/near <eof>$/, "near '<eof>'");
}

/** The running script, if any (SCRIPT KILL, the -BUSY check, INFO). */
export function runningScript(): ScriptRun | null {
  return current;
}

/** Script flags (shebang `flags=` and register_function's flags). */
export const SF_NO_WRITES = 1;
export const SF_ALLOW_OOM = 2;
export const SF_ALLOW_STALE = 4;
export const SF_NO_CLUSTER = 8;
export const SF_ALLOW_CROSS_SLOT = 16;
/** No shebang: EVAL's backwards-compatible mode. */
export const SF_EVAL_COMPAT = 32;
export const SCRIPT_FLAG_NAMES: [string, number][] = [
  ['no-writes', SF_NO_WRITES], ['allow-oom', SF_ALLOW_OOM], ['allow-stale', SF_ALLOW_STALE],
  ['no-cluster', SF_NO_CLUSTER], ['allow-cross-slot-keys', SF_ALLOW_CROSS_SLOT],
];

export function sha1hex(s: string): string {
  return createHash('sha1').update(Buffer.from(s, 'latin1')).digest('hex');
}

/** How many instructions between two looks at the clock. */
const HOOK_COUNT = 100000;
/**
 * A script without a loop or a function of its own (so no recursion either) runs each of its
 * instructions once at most, and up to this length it has far fewer than HOOK_COUNT: the count
 * hook could not fire in its code, and it runs without one (with a count hook Lua calls out on
 * every instruction: 5% of an EVALSHA). What it calls keeps its own pace: the C functions, and our
 * Lua stand-ins for Redis's C libraries (cjson...), which Redis's hook does not interrupt either.
 * Code it compiles at run time (load) turns the hook on.
 */
const LOOPLESS_MAX = 10000;
const LOOP_WORDS = /\b(?:for|while|repeat|goto|function)\b/;

/** Whether a script body needs the busy-script hook (see LOOPLESS_MAX). */
export function mayLoop(body: string): boolean {
  return body.length > LOOPLESS_MAX || LOOP_WORDS.test(body);
}
/** Once busy, a script runs this long between two turns of the event loop. */
const BUSY_SLICE_MS = 20;

const LOG_LEVELS = ['debug', 'debug', 'info', 'warn'] as const;

export class ScriptEngine {
  readonly vm: LuaVM;
  readonly L: number;
  /** The coroutine scripts run in (so that a busy script can yield), and its anchor. */
  private co = 0;
  private coRef = 0n;
  private readonly failedRef: bigint;
  private readonly bindRef: bigint;
  private readonly memoryRef: bigint;
  private readonly gcRef: bigint;
  private readonly loadlibRef: bigint;
  private readonly whereRef: bigint;
  private readonly keysName: number;
  private readonly argvName: number;
  /** The one run object of this engine (scripts run one at a time). */
  readonly run: ScriptRun;
  private readonly hook: number;
  private gcCount = 0;
  /** Whether the count hook is installed on the coroutine (it stays there between scripts that need it). */
  private hooked = false;
  /** This engine froze the dataset for a busy script (and unfreezes it when the script ends). */
  private froze = false;
  /** While FUNCTION LOAD runs a library body: when it must have finished (0 for no limit). */
  private loadDeadline = 0;
  constructor(kind: 'eval' | 'function') {
    const vm = (this.vm = new LuaVM());
    const m = vm.m;
    const L = (this.L = vm.L);
    this.keysName = vm.name('KEYS');
    this.argvName = vm.name('ARGV');
    // cjson.null is a NULL light userdata, as in Redis.
    m._lua_pushlightuserdata(L, 0);
    m._lua_setglobal(L, vm.name('__redis__lightnull'));
    m._lua_createtable(L, 0, 32);
    const nat = (name: string, f: (L: number) => number): void => {
      m._lua_pushcclosure(L, vm.fn(f), 0);
      vm.setField(L, -2, name);
    };
    nat('call', (l) => this.redisCall(l, true));
    nat('pcall', (l) => this.redisCall(l, false));
    nat('sha1hex', (l) => this.sha1hex(l));
    nat('log', (l) => this.log(l));
    nat('setresp', (l) => this.setResp(l));
    nat('set_repl', (l) => this.setRepl(l));
    nat('acl_check_cmd', (l) => this.aclCheck(l));
    nat('__armhook', () => this.armHook());
    vm.pushString(L, REDIS_VERSION);
    vm.setField(L, -2, 'REDIS_VERSION');
    const [maj, min, patch] = REDIS_VERSION.split('.').map(Number);
    m._lua_pushinteger(L, BigInt((maj << 16) | (min << 8) | patch));
    vm.setField(L, -2, 'REDIS_VERSION_NUM');
    m._lua_setglobal(L, vm.name('redis'));
    vm.exec(REDIS_LUA_API, '=redis_api');
    // The prelude runs without its debug information (13 KB of the state's memory, which INFO
    // shows and Redis's tests bound); its functions then show as source "=?".
    const err = vm.load(L, STRIPPED_LOAD, '=loader');
    if (err !== null) throw new Error(err);
    vm.pushString(L, PRELUDE);
    if (m._lua_pcallk(L, 1, 1, 0, 0, 0) !== LUA_OK) throw new Error(vm.toString(L, -1));
    vm.getField(L, -1, 'failed');
    this.failedRef = vm.ref();
    vm.getField(L, -1, 'bind');
    this.bindRef = vm.ref();
    vm.getField(L, -1, 'memory');
    this.memoryRef = vm.ref();
    vm.getField(L, -1, 'gcstep');
    this.gcRef = vm.ref();
    vm.getField(L, -1, 'loadlib');
    this.loadlibRef = vm.ref();
    vm.getField(L, -1, 'where');
    this.whereRef = vm.ref();
    m._lua_settop(L, 0);
    // What compiling and running the prelude left behind is garbage: a new state starts from its
    // live size (INFO used_memory_lua), as Redis's does.
    this.collect();
    this.newThread();
    this.hook = m.addFunction((l: number) => this.onHook(l), 'vii');
    this.run = {
      engine: this, caller: scriptClient(), argv: [], name: '', evalMode: kind === 'eval', sc: scriptClient(), start: 0,
      killed: false, busy: false, sliceStart: 0, repl: 3, done: null, mayYield: false,
      readOnly: false, allowOom: false, oomAtStart: false, writeDirty: false, allowCrossSlot: false, routeFlags: 0,
    };
  }

  /** After an error or a kill the coroutine is reset (its hook goes with it). */
  private resetThread(): void {
    this.vm.m._lua_resetthread(this.co);
    this.hooked = false;
    this.vm.m._lua_sethook(this.co, 0, 0, 0);
  }

  private newThread(): void {
    const m = this.vm.m;
    if (this.coRef !== 0n) this.vm.unref(this.coRef);
    this.co = m._lua_newthread(this.L);
    this.coRef = this.vm.ref();
  }

  /** Compile `body` (a chunk named @user_script) into a function reference, or return the compiler's error. */
  compile(body: string, chunkname = '@user_script'): bigint | string {
    const vm = this.vm;
    const L = this.L;
    const err = vm.load(L, body, chunkname);
    if (err !== null) return err;
    vm.pushRef(L, this.bindRef);
    vm.m._lua_rotate(L, -2, 1);
    vm.m._lua_pcallk(L, 1, 1, 0, 0, 0);
    return vm.ref();
  }

  /**
   * Run a library's body (FUNCTION LOAD): the functions it registered, or the error reply text.
   * `timeoutMs` 0 means no limit (the primary's link, loading from disk).
   */
  loadLibrary(body: string, timeoutMs: number): RegisteredFunction[] | string {
    const vm = this.vm;
    const m = vm.m;
    const L = this.L;
    const err = vm.load(L, body, '@user_function');
    if (err !== null) return ERR.functionCompile(luaCompileError(err));
    vm.pushRef(L, this.loadlibRef);
    m._lua_rotate(L, -2, 1);
    if (timeoutMs > 0) {
      this.loadDeadline = performance.now() + timeoutMs;
      m._lua_sethook(L, this.hook, MASK_COUNT, HOOK_COUNT);
    }
    const rc = m._lua_pcallk(L, 1, 2, 0, 0, 0);
    this.loadDeadline = 0;
    m._lua_sethook(L, 0, 0, 0);
    if (rc !== LUA_OK) {
      // The load timeout, raised again by the line hook after the library's own pcall caught it.
      return this.registerError(L);
    }
    if (!m._lua_toboolean(L, -2)) return this.registerError(L);
    const list = m._lua_gettop(L);
    const out: RegisteredFunction[] = [];
    for (let i = 1; m._lua_rawgeti(L, list, BigInt(i)) === T_TABLE; i++) {
      const t = m._lua_gettop(L);
      const name = this.stringField(L, t, 'name')!;
      const description = this.stringField(L, t, 'description');
      vm.getField(L, t, 'flags');
      const flags = Number(m._lua_tointegerx(L, -1, 0));
      m._lua_settop(L, t);
      vm.getField(L, t, 'callback');
      out.push({ name, description, flags, ref: vm.ref() });
      m._lua_settop(L, t - 1);
    }
    m._lua_settop(L, 0);
    return out;
  }

  /** FUNCTION LOAD's error for the error value at the top of L (an error table or a message). */
  private registerError(L: number): string {
    const m = this.vm.m;
    const e = m._lua_type(L, -1) === T_TABLE ? (this.stringField(L, -1, 'err') ?? '') : `ERR ${this.vm.toString(L, -1)}`;
    m._lua_settop(L, 0);
    return ERR.functionRegister(e);
  }

  release(ref: bigint): void {
    this.vm.unref(ref);
  }

  /** A full garbage collection (a new state, SCRIPT FLUSH: Redis starts a new Lua state there). */
  collect(): void {
    this.vm.exec("collectgarbage('collect')", '=gc');
  }

  /** Lua's heap in bytes. */
  memory(): number {
    const m = this.vm.m;
    this.vm.pushRef(this.L, this.memoryRef);
    m._lua_pcallk(this.L, 0, 1, 0, 0, 0);
    const kb = m._lua_tonumberx(this.L, -1, 0);
    m._lua_settop(this.L, 0);
    return Math.round(kb * 1024);
  }

  /**
   * Run function `ref` for `run`, replying to run.caller. EVAL scripts get KEYS and ARGV as globals,
   * functions get them as their two arguments.
   */
  start(run: ScriptRun, ref: bigint, argv: string[], firstKey: number, numkeys: number, loops: boolean): void {
    const vm = this.vm;
    const m = vm.m;
    const co = this.co;
    const c = run.caller;
    const sc = run.sc;
    sc.db = c.db;
    sc.user = c.user;
    sc.reply.resp = 2;
    if (c.flags & CLIENT_MULTI) sc.flags |= CLIENT_MULTI;
    // The function is the coroutine's body: no wrapper, an error stops the coroutine where it was.
    vm.pushRef(co, ref);
    this.pushArray(co, argv, firstKey, firstKey + numkeys);
    this.pushArray(co, argv, firstKey + numkeys, argv.length);
    if (run.evalMode) {
      m._lua_setglobal(co, this.argvName);
      m._lua_setglobal(co, this.keysName);
    }
    current = run;
    scriptTime.at = Date.now();
    beginAtomic();
    this.setHook(loops && server.config.num('busy-reply-threshold') > 0);
    // The pipeline's clock: the end of the previous command, which is when this one began.
    run.start = run.sliceStart = clock.last;
    this.resume(run, run.evalMode ? 0 : 2);
  }

  private setHook(on: boolean): void {
    if (on === this.hooked) return;
    this.hooked = on;
    this.vm.m._lua_sethook(this.co, on ? this.hook : 0, on ? MASK_COUNT : 0, on ? HOOK_COUNT : 0);
  }

  /** load/loadstring in a script that started without the hook: the code they compile may loop. */
  private armHook(): number {
    if (current !== null && server.config.num('busy-reply-threshold') > 0) this.setHook(true);
    return 0;
  }

  private pushArray(L: number, argv: string[], from: number, to: number): void {
    const m = this.vm.m;
    m._lua_createtable(L, to - from, 0);
    for (let i = from; i < to; i++) {
      this.vm.pushString(L, argv[i]);
      m._lua_rawseti(L, -2, INDEX[i - from + 1] ?? BigInt(i - from + 1));
    }
  }

  private resume(run: ScriptRun, nargs: number): void {
    const m = this.vm.m;
    const co = this.co;
    if (run.killed) {
      this.abandon(run);
      return;
    }
    let rc: number;
    try {
      rc = m._lua_resume(co, this.L, nargs, this.vm.outPtr);
    } catch (err) {
      // A JS exception from a command the script ran unwound the Lua C stack: the coroutine cannot
      // go on. The script ends with an error and the server state (atomic unit, busy mark) is restored.
      log.error({ err }, 'exception while running a script');
      this.newThread();
      this.hooked = false;
      run.caller.reply.error(ERR.scriptRun(run.name, String((err as Error).message ?? err)));
      this.finish(run);
      return;
    }
    if (rc === LUA_YIELD) {
      m._lua_settop(co, 0);
      if (!run.busy) this.enterBusy(run);
      setImmediate(() => {
        run.sliceStart = performance.now();
        this.resume(run, 0);
      });
      return;
    }
    const c = run.caller;
    if (rc === LUA_OK) {
      // The script's first result (nil when it returned none).
      m._lua_settop(co, 1);
      replyWithResult(this.vm, co, 1, c.reply, run.sc.reply.resp);
      m._lua_settop(co, 0);
    } else if (rc === LUA_ERRRUN) {
      this.replyFailure(run);
    } else {
      // Out of memory, or an error while handling one: a bare message, as Lua gives no position.
      c.reply.error(ERR.scriptRun(run.name, this.vm.toString(co, -1)));
      this.resetThread();
    }
    this.finish(run);
  }

  private finish(run: ScriptRun): void {
    const m = this.vm.m;
    if (m._lua_gettop(this.co) !== 0) m._lua_settop(this.co, 0);
    run.sc.flags &= ~CLIENT_MULTI;
    current = null;
    scriptTime.at = 0;
    setPropagationTargets(3);
    endAtomic();
    // Lua's collector gets a step every 50 scripts, as in Redis, rather than a full cycle at random.
    if (++this.gcCount === 50) {
      this.gcCount = 0;
      this.vm.pushRef(this.L, this.gcRef);
      m._lua_pcallk(this.L, 0, 0, 0, 0, 0);
    }
    if (run.done !== null) run.done(run);
    if (this.froze) {
      datasetFrozen.on = false;
      this.froze = false;
    }
    if (run.busy) {
      const c = run.caller;
      log.warn('Slow script finished');
      c.flags &= ~CLIENT_BLOCKED;
      c.processInput();
      c.scheduleFlush();
      server.flushPending();
    }
  }

  private enterBusy(run: ScriptRun): void {
    run.busy = true;
    // Between slices the event loop runs: active expiry and eviction must not change the dataset
    // under the script (Redis does not run them while a script is busy either).
    if (!datasetFrozen.on) {
      datasetFrozen.on = true;
      this.froze = true;
    }
    run.caller.flags |= CLIENT_BLOCKED;
    log.warn(
      `Slow script detected: still in execution after ${Math.round(performance.now() - run.start)} milliseconds. ` +
        `You can try killing the script using the ${run.evalMode ? 'SCRIPT' : 'FUNCTION'} KILL command. Script name is: ${run.name}.`,
    );
  }

  /**
   * SCRIPT KILL / FUNCTION KILL. Only a busy script can be killed, and a busy script is suspended
   * between two slices: instead of resuming, it is abandoned (so no pcall in it can catch the kill),
   * with the error Redis replies, at the line where it stopped.
   */
  kill(run: ScriptRun): void {
    run.killed = true;
  }

  private abandon(run: ScriptRun): void {
    const vm = this.vm;
    const m = vm.m;
    const L = this.L;
    vm.pushRef(L, this.whereRef);
    vm.pushRef(L, this.coRef);
    m._lua_pcallk(L, 1, 2, 0, 0, 0);
    const text = m._lua_type(L, -2) === T_STRING ? ERR.scriptKilledAt(run.name, vm.toString(L, -2), vm.toString(L, -1)) : ERR.scriptKilled;
    m._lua_settop(L, 0);
    this.resetThread();
    log.warn('Lua script killed by user with SCRIPT KILL.');
    run.caller.reply.error(text);
    this.finish(run);
  }

  private onHook(L: number): void {
    const m = this.vm.m;
    if (this.loadDeadline !== 0) {
      if (performance.now() > this.loadDeadline) {
        m._lua_sethook(L, this.hook, MASK_LINE, 0);
        this.pushErrorTable(L, ERR.functionLoadTimeout);
        m._lua_error(L);
      }
      return;
    }
    const run = current;
    if (run === null) return;
    const now = performance.now();
    if (!run.mayYield || now - run.start < server.config.num('busy-reply-threshold')) return;
    if (!run.busy || now - run.sliceStart >= BUSY_SLICE_MS) {
      // Only where Lua can suspend (not inside a C function calling back into Lua); the next hook retries.
      if (m._lua_isyieldable(L)) m._lua_yieldk(L, 0, 0, 0);
    }
  }

  /** Reply with the error the coroutine stopped on (as an error table with its position), then reset it. */
  private replyFailure(run: ScriptRun): void {
    const vm = this.vm;
    const m = vm.m;
    const L = this.L;
    vm.pushRef(L, this.failedRef);
    vm.pushRef(L, this.coRef);
    m._lua_xmove(this.co, L, 1);
    if (m._lua_pcallk(L, 2, 1, 0, 0, 0) === LUA_OK) this.replyError(run, L, m._lua_gettop(L));
    else run.caller.reply.error(ERR.scriptRun(run.name, vm.toString(L, -1)));
    m._lua_settop(L, 0);
    this.resetThread();
  }

  /** The error reply for an error table (or anything else) at idx, as Redis formats it. */
  private replyError(run: ScriptRun, L: number, idx: number): void {
    const vm = this.vm;
    const m = vm.m;
    const c = run.caller;
    if (m._lua_type(L, idx) !== T_TABLE) {
      const msg = m._lua_type(L, idx) === T_STRING ? vm.toString(L, idx) : 'execution failure';
      c.reply.error(ERR.scriptRun(run.name, msg));
      return;
    }
    let text = this.stringField(L, idx, 'err') ?? '';
    const source = this.stringField(L, idx, 'source');
    const line = this.stringField(L, idx, 'line');
    if (source !== null && line !== null) text += ` script: ${run.name}, on ${source}:${line}.`;
    if (countedError(this.vm, L, idx)) c.reply.errorCounted(text);
    else c.reply.error(text);
  }

  private stringField(L: number, idx: number, name: string): string | null {
    const m = this.vm.m;
    const t = this.vm.getField(L, idx, name);
    const s = t === T_STRING || t === T_NUMBER ? this.vm.toString(L, -1) : null;
    m._lua_settop(L, -2);
    return s;
  }

  /** Push {err = text} (text is "CODE message"). */
  pushErrorTable(L: number, text: string): void {
    const m = this.vm.m;
    m._lua_createtable(L, 0, 1);
    this.vm.pushString(L, text);
    this.vm.setField(L, -2, 'err');
  }

  /** Raise `text` as a Redis error table from a native function (lua_error does not return). */
  private raiseError(L: number, text: string): number {
    this.pushErrorTable(L, text);
    return this.vm.m._lua_error(L);
  }

  // ------------------------------------------------------------------------------ redis.* natives

  /** Arguments of a redis lib call as strings, or null (an error table is then pushed). */
  private argsOf(L: number): string[] | null {
    const m = this.vm.m;
    const n = m._lua_gettop(L);
    if (n === 0) {
      this.pushErrorTable(L, ERR.luaCallNoArgs);
      return null;
    }
    const argv = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const t = m._lua_type(L, i + 1);
      if (t === T_STRING) {
        argv[i] = this.vm.toString(L, i + 1);
      } else if (t === T_NUMBER) {
        // Redis formats numbers with %.17g (Lua's own conversion loses precision).
        // (Integers too: Lua 5.1 had only doubles, so a big integer rounds as it did there.)
        argv[i] = formatDouble17g(m._lua_tonumberx(L, i + 1, 0));
      } else {
        m._lua_settop(L, 0);
        this.pushErrorTable(L, ERR.luaCallArgType);
        return null;
      }
    }
    m._lua_settop(L, 0);
    return argv;
  }

  private redisCall(L: number, raise: boolean): number {
    const run = current;
    const m = this.vm.m;
    if (run === null) {
      return this.raiseError(L, ERR.luaCallOutside);
    }
    const argv = this.argsOf(L);
    if (argv === null) return raise ? m._lua_error(L) : 1;
    const sc = run.sc;
    // The command's duration starts now, not when the script (or its previous command) did.
    refreshClock();
    const err = processScriptCommand(run, sc, argv);
    if (err !== null) {
      // A refused command's error counts in INFO errorstats now, as in Redis's scriptCall; the
      // error table says so, for the script's own error reply not to count it again.
      sc.reply.discard();
      sc.reply.error(err);
      sc.reply.discard();
      this.pushErrorTable(L, err);
      m._lua_pushboolean(L, 1);
      this.vm.setField(L, -2, 'ignore_error_stats_update');
      return raise ? m._lua_error(L) : 1;
    }
    const buf = sc.reply.buf;
    const isError = buf[0] === 45;
    respToLua(this.vm, L, buf, 0);
    sc.reply.discard();
    return raise && isError ? m._lua_error(L) : 1;
  }

  private sha1hex(L: number): number {
    const m = this.vm.m;
    if (m._lua_gettop(L) !== 1) {
      return this.raiseError(L, ERR.luaWrongArgs);
    }
    this.vm.pushString(L, sha1hex(this.vm.toString(L, 1)));
    return 1;
  }

  private log(L: number): number {
    const m = this.vm.m;
    const n = m._lua_gettop(L);
    if (n < 2) {
      return this.raiseError(L, ERR.luaLogArgs);
    }
    if (m._lua_type(L, 1) !== T_NUMBER && Number.isNaN(Number(this.vm.toString(L, 1)))) {
      return this.raiseError(L, ERR.luaLogLevelType);
    }
    const level = Math.trunc(m._lua_tonumberx(L, 1, 0));
    if (level < 0 || level > 3) {
      return this.raiseError(L, ERR.luaLogLevel);
    }
    const parts: string[] = [];
    for (let i = 2; i <= n; i++) {
      const t = m._lua_type(L, i);
      if (t === T_STRING || t === T_NUMBER) parts.push(this.vm.toString(L, i));
    }
    log[LOG_LEVELS[level]](parts.join(' '));
    return 0;
  }

  private setResp(L: number): number {
    const run = current;
    const m = this.vm.m;
    if (run === null) {
      return this.raiseError(L, ERR.luaSetrespOutside);
    }
    if (m._lua_gettop(L) !== 1) {
      return this.raiseError(L, ERR.luaSetrespArgs);
    }
    const resp = Math.trunc(m._lua_tonumberx(L, 1, 0));
    if (resp !== 2 && resp !== 3) {
      return this.raiseError(L, ERR.luaSetrespVersion);
    }
    run.sc.reply.resp = resp;
    return 0;
  }

  private setRepl(L: number): number {
    const run = current;
    const m = this.vm.m;
    if (run === null) {
      return this.raiseError(L, ERR.luaSetReplOutside);
    }
    if (m._lua_gettop(L) !== 1) {
      return this.raiseError(L, ERR.luaSetReplArgs);
    }
    const flags = Math.trunc(m._lua_tonumberx(L, 1, 0));
    if ((flags & ~3) !== 0) {
      return this.raiseError(L, ERR.luaSetReplFlags);
    }
    run.repl = flags;
    setPropagationTargets(flags);
    return 0;
  }

  private aclCheck(L: number): number {
    const run = current;
    const m = this.vm.m;
    if (run === null) {
      return this.raiseError(L, ERR.luaAclCheckOutside);
    }
    const argv = this.argsOf(L);
    if (argv === null) return m._lua_error(L);
    const cmd = lookupCommand(argv);
    if (cmd === null) {
      return this.raiseError(L, ERR.luaAclCheckCommand);
    }
    const u = getUser(run.caller.user);
    m._lua_pushboolean(L, u === undefined || checkCommand(u, cmd, argv) === null ? 1 : 0);
    return 1;
  }
}

/** A fresh pseudo-client for an engine's commands. */
export function scriptClient(): Client {
  const c = fakeClient();
  c.flags |= CLIENT_DENY_BLOCKING | CLIENT_SCRIPT;
  return c;
}

/** Compile the chunk it is given, then run it from a copy without debug information. */
const STRIPPED_LOAD = "local f = assert(load(..., '=prelude')) return assert(load(string.dump(f, true), '=prelude', 'b'))()";

// The redis.* functions that need nothing from the server, in Lua.
const REDIS_LUA_API = String.raw`
local redis, type, select = redis, type, select
local function field(name, ...)
  if select('#', ...) ~= 1 or type((...)) ~= 'string' then return { err = '${ERR.luaReplyHelperArgs}' } end
  return { [name] = (...) }
end
redis.status_reply = function(...) return field('ok', ...) end
redis.error_reply = function(...)
  if select('#', ...) ~= 1 or type((...)) ~= 'string' then return { err = '${ERR.luaReplyHelperArgs}' } end
  local e = ...
  if e:sub(1, 1) ~= '-' then e = '-' .. e end
  local sp = e:find(' ', 1, true)
  local code, msg
  if sp then code, msg = e:sub(2, sp - 1), e:sub(sp + 1) else code, msg = 'ERR', e:sub(2) end
  msg = msg:gsub('^[\r\n]+', ''):gsub('[\r\n]+$', '')
  return { err = code .. ' ' .. msg }
end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.replicate_commands = function() return true end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
`;

// ------------------------------------------------------------------------------ conversions

const INT64_MIN = -9223372036854775808n;
/** Lua array indexes as the bigints the API takes, for the common small tables. */
const INDEX: bigint[] = Array.from({ length: 65 }, (_, i) => BigInt(i));

/**
 * Redis converts nested tables on Lua 5.1's stack, which holds 8000 slots (LUAI_MAXCSTACK): a table
 * nested deeper than that (or one containing itself) ends in this error where the stack runs out.
 * The conversion is iterative (a JS recursion that deep would overflow Node's stack) and counts the
 * slots Redis's recursion holds.
 */
const LUA51_STACK = 8000;
const K_ARRAY = 0;
const K_MAP = 1;
const K_SET = 2;

/** An aggregate being written: its table's stack index, its kind, and where its walk is. */
interface Frame {
  tbl: number;
  kind: number;
  /** Where Redis's conversion holds this table on its Lua stack. */
  pos: number;
  /** Arrays: the next index and the length; maps: 0 = next pair, 1 = the value is next. */
  i: number;
  n: number;
}

/** Reply to a client with the script's result at idx (the top of L), by Redis's conversion rules. */
export function replyWithResult(vm: LuaVM, L: number, idx: number, r: ReplyWriter, scriptResp: number): void {
  const m = vm.m;
  if (m._lua_type(L, idx) !== T_TABLE) {
    scalarToReply(vm, L, idx, r, scriptResp);
    return;
  }
  const frames: Frame[] = [];
  m._lua_pushvalue(L, idx);
  // Where the value to write sits in Redis's stack: the result of a finished script is its second slot.
  let pos = 2;
  let pending = true;
  for (;;) {
    if (pending) {
      pending = false;
      // The value to write is at the top. Scalars and single-field tables are written and popped;
      // an aggregate keeps its table on the stack while its frame walks it.
      const top = m._lua_gettop(L);
      const isTable = m._lua_type(L, top) === T_TABLE;
      const kind = pos + 4 > LUA51_STACK ? -1 : isTable ? aggregateOf(vm, L, top, r) : -2;
      if (kind === -1) r.error(ERR.luaStackLimit);
      else if (kind === -2 && !isTable) scalarToReply(vm, L, top, r, scriptResp);
      if (kind < K_ARRAY) {
        m._lua_settop(L, top - 1);
      } else {
        const f: Frame = { tbl: top, kind, pos, i: 1, n: 0 };
        if (kind === K_ARRAY) {
          while (m._lua_rawgeti(L, top, INDEX[f.n + 1] ?? BigInt(f.n + 1)) !== T_NIL) {
            f.n++;
            m._lua_settop(L, top);
          }
          m._lua_settop(L, top);
          r.array(f.n);
        } else {
          f.n = tableSize(m, L, top);
          if (kind === K_MAP) r.map(f.n);
          else r.set(f.n);
          f.i = 0;
          m._lua_pushnil(L);
        }
        frames.push(f);
      }
    }
    if (frames.length === 0) return;
    const f = frames[frames.length - 1];
    m._lua_checkstack(L, 4);
    // Redis's stack above an aggregate: an array element sits right above it; a map keeps its
    // inner table, the key and the value there and converts a copy of the key above them; a set
    // converts a copy of the member above the inner table and the member.
    if (f.kind === K_ARRAY) {
      if (f.i <= f.n) {
        m._lua_rawgeti(L, f.tbl, INDEX[f.i] ?? BigInt(f.i));
        f.i++;
        pos = f.pos + 1;
        pending = true;
        continue;
      }
    } else if (f.i === 1) {
      // A map's value, left on the stack by lua_next under the key copy just written.
      f.i = 0;
      pos = f.pos + 3;
      pending = true;
      continue;
    } else if (m._lua_next(L, f.tbl)) {
      // Stack: table, key, value. A set writes its member (the key) only.
      if (f.kind === K_SET) m._lua_settop(L, -2);
      else f.i = 1;
      // A copy of the key is written (and popped); the key stays for lua_next.
      m._lua_pushvalue(L, f.kind === K_SET ? -1 : -2);
      pos = f.pos + (f.kind === K_SET ? 3 : 4);
      pending = true;
      continue;
    }
    frames.pop();
    m._lua_settop(L, f.tbl - 1);
  }
}

function tableSize(m: LuaVM['m'], L: number, tbl: number): number {
  let n = 0;
  m._lua_pushnil(L);
  while (m._lua_next(L, tbl)) {
    n++;
    m._lua_settop(L, -2);
  }
  return n;
}

function scalarToReply(vm: LuaVM, L: number, abs: number, r: ReplyWriter, scriptResp: number): void {
  const m = vm.m;
  switch (m._lua_type(L, abs)) {
    case T_STRING:
      r.bulk(vm.toString(L, abs));
      return;
    case T_BOOLEAN: {
      const b = m._lua_toboolean(L, abs) !== 0;
      if (scriptResp === 2) {
        if (b) r.int(1);
        else r.nullBulk();
      } else {
        r.bool(b);
      }
      return;
    }
    case T_NUMBER: {
      if (m._lua_isinteger(L, abs)) {
        const v = m._lua_tointegerx(L, abs, 0);
        r.int(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
      } else {
        // (long long) of a double, as Redis's C cast on x86-64 does.
        const d = m._lua_tonumberx(L, abs, 0);
        if (!Number.isFinite(d) || Math.abs(d) >= 9223372036854775808) r.int(INT64_MIN);
        else {
          const t = Math.trunc(d);
          r.int(Number.isSafeInteger(t) ? t : BigInt(t));
        }
      }
      return;
    }
    default:
      r.nullBulk();
  }
}

/**
 * For the table at idx: write it when it is one of the single-field forms ({err=}, {ok=}, {double=},
 * {big_number=}, {verbatim_string=}) and return -2; otherwise return the aggregate it is. A map or
 * set form is left as its inner table at idx.
 */
function aggregateOf(vm: LuaVM, L: number, idx: number, r: ReplyWriter): number {
  const m = vm.m;
  m._lua_checkstack(L, 8);
  let t = rawField(vm, L, idx, 'err');
  if (t === T_STRING) {
    const text = vm.toString(L, -1);
    m._lua_settop(L, idx);
    if (countedError(vm, L, idx)) r.errorCounted(text);
    else r.error(text);
    return -2;
  }
  m._lua_settop(L, idx);
  t = rawField(vm, L, idx, 'ok');
  if (t === T_STRING) {
    r.simple(vm.toString(L, -1).replace(/[\r\n]/g, ' '));
    m._lua_settop(L, idx);
    return -2;
  }
  m._lua_settop(L, idx);
  t = rawField(vm, L, idx, 'double');
  if (t === T_NUMBER) {
    r.double(m._lua_tonumberx(L, -1, 0));
    m._lua_settop(L, idx);
    return -2;
  }
  m._lua_settop(L, idx);
  t = rawField(vm, L, idx, 'big_number');
  if (t === T_STRING) {
    const s = vm.toString(L, -1).replace(/[\r\n]/g, ' ');
    if (r.resp === 3) r.text(`(${s}\r\n`);
    else r.bulk(s);
    m._lua_settop(L, idx);
    return -2;
  }
  m._lua_settop(L, idx);
  t = rawField(vm, L, idx, 'verbatim_string');
  if (t === T_TABLE) {
    const v = idx + 1;
    const ft = rawField(vm, L, v, 'format');
    const st = rawField(vm, L, v, 'string');
    if (ft === T_STRING && st === T_STRING) {
      r.verbatim(vm.toString(L, -1), vm.toString(L, -2));
      m._lua_settop(L, idx);
      return -2;
    }
  }
  m._lua_settop(L, idx);
  for (const [name, kind] of [['map', K_MAP], ['set', K_SET]] as const) {
    if (rawField(vm, L, idx, name) === T_TABLE) {
      // The inner table takes the outer one's place.
      m._lua_rotate(L, idx, 1);
      m._lua_settop(L, idx);
      return kind;
    }
    m._lua_settop(L, idx);
  }
  return K_ARRAY;
}

/** An error table from redis.call: the command's error was already counted in INFO errorstats. */
function countedError(vm: LuaVM, L: number, idx: number): boolean {
  vm.getField(L, idx, 'ignore_error_stats_update');
  const b = vm.m._lua_toboolean(L, -1) !== 0;
  vm.m._lua_settop(L, -2);
  return b;
}

/** Push t[name] without metamethods; returns its type. */
function rawField(vm: LuaVM, L: number, idx: number, name: string): number {
  vm.pushString(L, name);
  return vm.m._lua_rawget(L, idx);
}

function crlf(buf: Buffer, from: number): number {
  return buf.indexOf(13, from);
}

/**
 * Push the Lua form of the RESP reply at buf[pos] (Redis's conversion rules); returns the position
 * after it.
 */
export function respToLua(vm: LuaVM, L: number, buf: Buffer, pos: number): number {
  const m = vm.m;
  const type = buf[pos];
  // The common small replies without building the line as a string first.
  if (type === 36) {
    // $ bulk: the length by hand.
    let p = pos + 1;
    if (buf[p] === 45) {
      m._lua_pushboolean(L, 0);
      return p + 4;
    }
    let n = 0;
    while (buf[p] !== 13) n = n * 10 + buf[p++] - 48;
    p += 2;
    vm.pushBytes(L, buf, p, n);
    return p + n + 2;
  }
  if (type === 58) {
    // : integer, by hand when it fits a double exactly.
    let p = pos + 1;
    const neg = buf[p] === 45;
    if (neg) p++;
    let n = 0;
    const start = p;
    while (buf[p] !== 13) n = n * 10 + buf[p++] - 48;
    if (p - start < 16) {
      m._lua_pushinteger(L, BigInt(neg ? -n : n));
      return p + 2;
    }
  }
  if (type === 43 && buf[pos + 1] === 79 && buf[pos + 2] === 75 && buf[pos + 3] === 13) {
    // +OK
    m._lua_createtable(L, 0, 1);
    vm.pushString(L, 'OK');
    m._lua_setfield(L, -2, vm.OK);
    return pos + 5;
  }
  m._lua_checkstack(L, 4);
  const eol = crlf(buf, pos + 1);
  const line = buf.latin1Slice(pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case 43: // + status: {ok=...}
      m._lua_createtable(L, 0, 1);
      vm.pushString(L, line);
      m._lua_setfield(L, -2, vm.OK);
      return next;
    case 45: // - error: {err=...}
      m._lua_createtable(L, 0, 2);
      vm.pushString(L, line);
      vm.setField(L, -2, 'err');
      m._lua_pushboolean(L, 1);
      vm.setField(L, -2, 'ignore_error_stats_update');
      return next;
    case 58: // : integer
      m._lua_pushinteger(L, BigInt(line));
      return next;
    case 42: {
      // * array
      const n = Number(line);
      if (n < 0) {
        m._lua_pushboolean(L, 0);
        return next;
      }
      m._lua_createtable(L, n, 0);
      let p = next;
      for (let i = 1; i <= n; i++) {
        p = respToLua(vm, L, buf, p);
        m._lua_rawseti(L, -2, INDEX[i] ?? BigInt(i));
      }
      return p;
    }
    case 95: // _ null
      m._lua_pushnil(L);
      return next;
    case 35: // # boolean
      m._lua_pushboolean(L, line === 't' ? 1 : 0);
      return next;
    case 44: // , double: {double=...}
      m._lua_createtable(L, 0, 1);
      m._lua_pushnumber(L, parseRespDouble(line));
      vm.setField(L, -2, 'double');
      return next;
    case 40: // ( big number: {big_number=...}
      m._lua_createtable(L, 0, 1);
      vm.pushString(L, line);
      vm.setField(L, -2, 'big_number');
      return next;
    case 61: {
      // = verbatim: {verbatim_string={format=, string=}}
      const n = Number(line);
      m._lua_createtable(L, 0, 1);
      m._lua_createtable(L, 0, 2);
      vm.pushString(L, buf.latin1Slice(next + 4, next + n));
      vm.setField(L, -2, 'string');
      vm.pushString(L, buf.latin1Slice(next, next + 3));
      vm.setField(L, -2, 'format');
      vm.setField(L, -2, 'verbatim_string');
      return next + n + 2;
    }
    case 37: {
      // % map: {map={k=v...}}
      const n = Number(line);
      m._lua_createtable(L, 0, 1);
      m._lua_createtable(L, 0, n);
      let p = next;
      for (let i = 0; i < n; i++) {
        p = respToLua(vm, L, buf, p);
        p = respToLua(vm, L, buf, p);
        m._lua_rawset(L, -3);
      }
      vm.setField(L, -2, 'map');
      return p;
    }
    case 126: {
      // ~ set: {set={member=true...}}
      const n = Number(line);
      m._lua_createtable(L, 0, 1);
      m._lua_createtable(L, 0, n);
      let p = next;
      for (let i = 0; i < n; i++) {
        p = respToLua(vm, L, buf, p);
        m._lua_pushboolean(L, 1);
        m._lua_rawset(L, -3);
      }
      vm.setField(L, -2, 'set');
      return p;
    }
    case 124: {
      // | attribute: not shown to scripts (as Redis); the reply it annotates follows it.
      const n = Number(line);
      const top = m._lua_gettop(L);
      let p = next;
      for (let i = 0; i < 2 * n; i++) p = respToLua(vm, L, buf, p);
      m._lua_settop(L, top);
      return respToLua(vm, L, buf, p);
    }
    default:
      // A push (the only other type) is not parsed by Redis's Lua parser either: redis.call gives nil.
      m._lua_pushnil(L);
      return buf.length;
  }
}

function parseRespDouble(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan' || s === '-nan') return NaN;
  return Number(s);
}
