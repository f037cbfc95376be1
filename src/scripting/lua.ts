// The Lua engine: reference Lua 5.4 compiled to WebAssembly (the build the `wasmoon` package ships),
// driven through its raw C API so strings cross the boundary as bytes (latin1 strings on our side,
// binary safe). bench/lua-engine.mjs measured it against fengari (pure JS): half the per-call cost,
// 8x the VM speed; see docs/SCRIPTING.md.

import { readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The raw exports we use (emscripten names, pointers are numbers, lua_Integer is a bigint). */
interface LuaModule {
  /** The instance's memory (its buffer is replaced when it grows). */
  memory: WebAssembly.Memory;
  _malloc(n: number): number;
  _free(p: number): void;
  addFunction(f: (...args: number[]) => number | void, sig: string): number;
  _luaL_newstate(): number;
  _luaL_openlibs(L: number): void;
  _luaL_loadbufferx(L: number, buf: number, len: number, name: number, mode: number): number;
  _luaL_ref(L: number, t: number): number;
  _luaL_unref(L: number, t: number, ref: number): void;
  _lua_newthread(L: number): number;
  _lua_resetthread(L: number): number;
  _lua_resume(L: number, from: number, nargs: number, nres: number): number;
  _lua_pcallk(L: number, nargs: number, nres: number, msgh: number, ctx: number, k: number): number;
  _lua_gettop(L: number): number;
  _lua_settop(L: number, idx: number): void;
  _lua_pushvalue(L: number, idx: number): void;
  _lua_rotate(L: number, idx: number, n: number): void;
  _lua_xmove(from: number, to: number, n: number): void;
  _lua_type(L: number, idx: number): number;
  _lua_isinteger(L: number, idx: number): number;
  _lua_isyieldable(L: number): number;
  _lua_toboolean(L: number, idx: number): number;
  _lua_tolstring(L: number, idx: number, len: number): number;
  _lua_tonumberx(L: number, idx: number, isnum: number): number;
  _lua_tointegerx(L: number, idx: number, isnum: number): bigint;
  _lua_pushnil(L: number): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushinteger(L: number, n: bigint): void;
  _lua_pushlstring(L: number, s: number, len: number): number;
  _lua_pushboolean(L: number, b: number): void;
  _lua_pushcclosure(L: number, fn: number, n: number): void;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_rawget(L: number, idx: number): number;
  _lua_rawset(L: number, idx: number): void;
  _lua_rawgeti(L: number, idx: number, n: bigint): number;
  _lua_rawseti(L: number, idx: number, n: bigint): void;
  _lua_getfield(L: number, idx: number, k: number): number;
  _lua_setfield(L: number, idx: number, k: number): void;
  _lua_getglobal(L: number, name: number): number;
  _lua_setglobal(L: number, name: number): void;
  _lua_next(L: number, idx: number): number;
  _lua_error(L: number): number;
  _lua_yieldk(L: number, n: number, ctx: number, k: number): number;
  _lua_sethook(L: number, f: number, mask: number, count: number): void;
  _lua_pushlightuserdata(L: number, p: number): void;
  _lua_checkstack(L: number, n: number): number;
}

export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_ERRRUN = 2;
export const T_NIL = 0;
export const T_BOOLEAN = 1;
export const T_NUMBER = 3;
export const T_STRING = 4;
export const T_TABLE = 5;
export const REGISTRY = -1001000;
export const MASK_LINE = 4;
export const MASK_COUNT = 8;

let mod: LuaModule | null = null;
/** Strings up to this length cross the boundary byte by byte in JS rather than through Buffer's binding. */
const SHORT = 24;
/**
 * Strings up to this length are read from the wasm memory through fromCharCode on a reused array
 * of their length (longer ones through Buffer's binding, cheaper from there on: bench 74 against
 * 94 ns at 12 bytes, 97 against 99 at 16).
 */
const SHORT_READ = 12;
const CODES: number[][] = Array.from({ length: SHORT_READ + 1 }, (_, n) => new Array<number>(n).fill(0));
/** Lua interns strings up to this length: the same text is the same address while it lives. */
const INTERNED = 40;
/** Slots of the cache of recent short strings, by address (a power of two). */
const RECENT = 256;

const WASI_ENOSYS = 52;
/** The WebAssembly memory's limit (the module's 32-bit pointers, as Emscripten built it). */
const HEAP_MAX = 2147483648;
/** Emscripten's syscalls return a negated errno. */
const nosys = (): number => -WASI_ENOSYS;
const wasiNosys = (): number => WASI_ENOSYS;

/**
 * Load the WebAssembly module, synchronously, the first time a state is created (a server that
 * never runs a script never pays for it). The module is wasmoon's build of Lua 5.4, instantiated
 * here without wasmoon's JS glue: the glue can only start asynchronously, costs 40 ms to import and
 * initialise, and wraps every call it makes (the setjmp trampoline below included) in assertion
 * checks that format their messages each time. The imports Lua reaches are the setjmp/longjmp
 * pair, the clock, the heap growth and stderr; the rest (files, processes, time zones) belong to
 * the io and os libraries, which scripts do not have.
 */
function luaModule(): LuaModule {
  if (mod !== null) return mod;
  const file = createRequire(import.meta.url).resolve('wasmoon/dist/glue.wasm');
  const module = new WebAssembly.Module(readFileSync(file));
  let ex: Record<string, CallableFunction> = {};
  let memory: WebAssembly.Memory | null = null;
  let table: WebAssembly.Table | null = null;
  /** The table's functions, read once (Table.get is a call into the engine). */
  const fns: (CallableFunction | undefined)[] = [];
  const env = {
    // Lua's setjmp: run table function `fn` and turn a longjmp out of it (a thrown number) into
    // setThrew, which the caller's setjmp test reads. Anything else is a JS exception and unwinds.
    invoke_vii(fn: number, a: number, b: number): void {
      const sp = ex.stackSave();
      try {
        (fns[fn] ?? (fns[fn] = table!.get(fn) as CallableFunction))(a, b);
      } catch (e) {
        ex.stackRestore(sp);
        if (typeof e !== 'number') throw e;
        ex.setThrew(1, 0);
      }
    },
    _emscripten_throw_longjmp(): never {
      throw Infinity;
    },
    abort(): never {
      throw new Error('Lua called abort()');
    },
    exit(code: number): never {
      throw new Error(`Lua called exit(${code})`);
    },
    emscripten_date_now: (): number => Date.now(),
    _emscripten_get_now_is_monotonic: (): number => 1,
    // malloc asks for more memory: as Emscripten's runtime, refuse past 2 GB, else grow by a fifth
    // (at least what was asked, at most 96 MB more), retrying smaller growths if that fails.
    emscripten_resize_heap(requested: number): number {
      const want = requested >>> 0;
      const old = memory!.buffer.byteLength;
      if (want > HEAP_MAX) return 0;
      for (let cut = 1; cut <= 4; cut *= 2) {
        const over = Math.min(old * (1 + 0.2 / cut), want + 100663296);
        const size = Math.min(HEAP_MAX, Math.ceil(Math.max(want, over) / 65536) * 65536);
        try {
          memory!.grow((size - old) / 65536);
          return 1;
        } catch {
          // try a smaller growth
        }
      }
      return 0;
    },
    strftime: (): number => 0,
    system: (): number => -1,
    _mktime_js: (): number => -1,
    _localtime_js: (): void => {},
    _gmtime_js: (): void => {},
    _tzset_js: (): void => {},
    __syscall_openat: nosys, __syscall_fcntl64: nosys, __syscall_ioctl: nosys, __syscall_dup3: nosys,
    __syscall_unlinkat: nosys, __syscall_rmdir: nosys, __syscall_renameat: nosys, __syscall_readlinkat: nosys,
  };
  const wasi = {
    // Only Lua's panic and warning messages: to our stderr.
    fd_write(fd: number, iov: number, iovcnt: number, pnum: number): number {
      const h = Buffer.from(memory!.buffer);
      let n = 0;
      for (let i = 0; i < iovcnt; i++) {
        const p = h.readUInt32LE(iov + 8 * i);
        const len = h.readUInt32LE(iov + 8 * i + 4);
        if (fd === 1 || fd === 2) writeSync(2, h.subarray(p, p + len));
        n += len;
      }
      h.writeUInt32LE(n, pnum);
      return 0;
    },
    // An empty environment (getenv, at the package library's start).
    environ_sizes_get(pcount: number, psize: number): number {
      const h = Buffer.from(memory!.buffer);
      h.writeUInt32LE(0, pcount);
      h.writeUInt32LE(0, psize);
      return 0;
    },
    environ_get: (): number => 0,
    fd_read: wasiNosys, fd_close: wasiNosys, fd_seek: wasiNosys,
  };
  const instance = new WebAssembly.Instance(module, { env, wasi_snapshot_preview1: wasi });
  ex = instance.exports as unknown as Record<string, CallableFunction>;
  memory = instance.exports.memory as WebAssembly.Memory;
  table = instance.exports.__indirect_function_table as WebAssembly.Table;
  ex.emscripten_stack_init();
  ex.__wasm_call_ctors();
  const t = table;
  const addFunction = (f: CallableFunction, sig: string): number => {
    const i = t.grow(1);
    t.set(i, wasmFunction(f, sig));
    return i;
  };
  // Built in one go: an object given its 165 properties one store at a time becomes a dictionary,
  // and every `m._lua_x(...)` a generic property lookup (LoadIC was 4% of an EVALSHA's profile);
  // Object.fromEntries makes it an ordinary object, whose loads are inline-cached.
  const entries: [string, unknown][] = Object.entries(instance.exports).filter(([, v]) => typeof v === 'function').map(([k, v]) => [`_${k}`, v]);
  entries.push(['memory', memory], ['addFunction', addFunction]);
  mod = Object.fromEntries(entries) as unknown as LuaModule;
  return mod;
}

/**
 * A JS function as a WebAssembly function (what a wasm table holds), through a module that imports
 * it and exports it back. `sig` is Emscripten's: the result then the parameters, 'v' or 'i' each.
 */
function wasmFunction(f: CallableFunction, sig: string): WebAssembly.ExportValue {
  const params = sig.slice(1).split('').map(() => 0x7f);
  const results = sig[0] === 'v' ? [] : [0x7f];
  const type = [0x01, 0x60, params.length, ...params, results.length, ...results];
  const bytes = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, type.length, ...type,
    0x02, 0x07, 0x01, 0x01, 0x65, 0x01, 0x66, 0x00, 0x00, // import "e" "f" of type 0
    0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export it as "f"
  ]);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { f } }).exports.f;
}

/** One Lua state with byte-exact string helpers. Lua API calls go through `m` directly. */
export class LuaVM {
  readonly m: LuaModule;
  readonly L: number;
  private heap: Buffer;
  private scratch: number;
  private scratchSize = 4096;
  /** An 8-byte out-parameter (string lengths, lua_resume's result count). */
  readonly outPtr: number;
  private readonly names = new Map<string, number>();
  /** The field name "ok" (status replies, on every redis.call of a write). */
  readonly OK: number;
  /**
   * Short strings lately pushed or read, by the address of their Lua copy: the keys and arguments
   * a script was given and the constants it passes to redis.call come back from Lua at the same
   * addresses, and comparing the bytes is cheaper than making a new JS string (which a key's Map
   * lookup must then hash again). An address may have been freed and reused: the bytes decide.
   */
  private readonly recentAt = new Array<number>(RECENT).fill(0);
  private readonly recent = new Array<string>(RECENT).fill('');

  constructor() {
    const m = (this.m = luaModule());
    this.L = m._luaL_newstate();
    m._luaL_openlibs(this.L);
    this.scratch = m._malloc(this.scratchSize);
    this.outPtr = m._malloc(8);
    this.heap = Buffer.from(m.memory.buffer);
    this.OK = this.name('ok');
  }

  /** The wasm memory as a Buffer; replaced when the memory grew. */
  private mem(): Buffer {
    // Growing the memory detaches its old buffer, whose views then read as empty: cheaper to test
    // than the memory's buffer getter.
    if (this.heap.length === 0) this.heap = Buffer.from(this.m.memory.buffer);
    return this.heap;
  }

  /** A NUL-terminated copy of a name, allocated once (field and global names). */
  name(s: string): number {
    let p = this.names.get(s);
    if (p === undefined) {
      p = this.m._malloc(s.length + 1);
      const h = this.mem();
      h.latin1Write(s, p);
      h[p + s.length] = 0;
      this.names.set(s, p);
    }
    return p;
  }

  /** Make the scratch area at least n bytes. */
  private reserve(n: number): void {
    if (n <= this.scratchSize) return;
    this.m._free(this.scratch);
    this.scratchSize = Math.max(n, this.scratchSize * 2);
    this.scratch = this.m._malloc(this.scratchSize);
  }

  /** Copy a latin1 string into the scratch area and return its address. */
  private stage(s: string): number {
    const n = s.length;
    this.reserve(n);
    const h = this.mem();
    // Short strings (keys, arguments, field names) are copied faster by hand than through the
    // Buffer binding (bench: 0.094 against 0.115 us per push).
    if (n <= SHORT) {
      const p = this.scratch;
      for (let i = 0; i < n; i++) h[p + i] = s.charCodeAt(i);
    } else {
      h.latin1Write(s, this.scratch);
    }
    return this.scratch;
  }

  pushString(L: number, s: string): void {
    const p = this.m._lua_pushlstring(L, this.stage(s), s.length);
    if (s.length <= INTERNED) {
      const slot = (p >>> 3) & (RECENT - 1);
      this.recentAt[slot] = p;
      this.recent[slot] = s;
    }
  }

  /** Push buf[from, from + n) as a Lua string. */
  pushBytes(L: number, buf: Buffer, from: number, n: number): void {
    this.reserve(n);
    const h = this.mem();
    const p = this.scratch;
    if (n <= SHORT) {
      for (let i = 0; i < n; i++) h[p + i] = buf[from + i];
    } else {
      buf.copy(h, p, from, from + n);
    }
    this.m._lua_pushlstring(L, p, n);
  }

  /** The string at idx (numbers are converted in place, as lua_tolstring does); '' when neither. */
  toString(L: number, idx: number): string {
    const p = this.m._lua_tolstring(L, idx, this.outPtr);
    if (p === 0) return '';
    const h = this.mem();
    const o = this.outPtr;
    const n = h[o] | (h[o + 1] << 8) | (h[o + 2] << 16) | (h[o + 3] << 24);
    if (n > INTERNED) return h.latin1Slice(p, p + n);
    const slot = (p >>> 3) & (RECENT - 1);
    if (this.recentAt[slot] === p) {
      const known = this.recent[slot];
      if (known.length === n) {
        let i = 0;
        while (i < n && h[p + i] === known.charCodeAt(i)) i++;
        if (i === n) return known;
      }
    }
    let s: string;
    if (n > SHORT_READ) {
      s = h.latin1Slice(p, p + n);
    } else {
      // Not by concatenation: from 13 characters on that makes a rope, which the first hash (the
      // key's Map lookup) must flatten, at twice the cost of the string itself.
      const codes = CODES[n];
      for (let i = 0; i < n; i++) codes[i] = h[p + i];
      s = String.fromCharCode.apply(null, codes);
    }
    this.recentAt[slot] = p;
    this.recent[slot] = s;
    return s;
  }

  /** Compile a chunk; on failure the error message is returned instead (and nothing is pushed). */
  load(L: number, src: string, chunkname: string): string | null {
    const p = this.m._malloc(src.length + 1);
    this.mem().latin1Write(src, p);
    const rc = this.m._luaL_loadbufferx(L, p, src.length, this.name(chunkname), 0);
    this.m._free(p);
    if (rc === LUA_OK) return null;
    const err = this.toString(L, -1);
    this.m._lua_settop(L, -2);
    return err;
  }

  /** Run a chunk of our own (prelude code); a failure here is a bug. */
  exec(src: string, chunkname: string): void {
    const err = this.load(this.L, src, chunkname);
    if (err !== null) throw new Error(err);
    if (this.m._lua_pcallk(this.L, 0, 0, 0, 0, 0) !== LUA_OK) throw new Error(this.toString(this.L, -1));
  }

  /** Register a JS function as a global C function (or as field `name` of the table at the top). */
  fn(f: (L: number) => number): number {
    return this.m.addFunction(f, 'ii');
  }


  setField(L: number, idx: number, name: string): void {
    this.m._lua_setfield(L, idx, this.name(name));
  }

  getField(L: number, idx: number, name: string): number {
    return this.m._lua_getfield(L, idx, this.name(name));
  }

  /** Pop the top value into the registry and return its reference (a bigint, as lua_rawgeti takes it). */
  ref(): bigint {
    return BigInt(this.m._luaL_ref(this.L, REGISTRY));
  }

  unref(ref: bigint): void {
    this.m._luaL_unref(this.L, REGISTRY, Number(ref));
  }

  pushRef(L: number, ref: bigint): void {
    this.m._lua_rawgeti(L, REGISTRY, ref);
  }
}
