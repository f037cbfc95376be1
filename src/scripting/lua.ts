// The Lua engine: reference Lua 5.4 compiled to WebAssembly (the `wasmoon` package), driven through
// its raw C API so strings cross the boundary as bytes (latin1 strings on our side, binary safe)
// rather than through wasmoon's UTF-8 conversions. bench/lua-engine.mjs measured it against
// fengari (pure JS): half the per-call cost, 8x the VM speed; see docs/SCRIPTING.md.

import { LuaFactory } from 'wasmoon';

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

/** Load the WebAssembly module once, before any state is created (the server awaits it at startup). */
export async function initLuaModule(): Promise<void> {
  if (mod !== null) return;
  // The glue's exported wrappers check the runtime state and format two assertion messages on every
  // call (8.5% of an EVALSHA in a CPU profile); the instance's own exports do not. They are taken
  // from the instantiation, which the glue does not otherwise expose.
  const instantiate = WebAssembly.instantiate;
  let exports: WebAssembly.Exports | null = null;
  const capture = async (...args: Parameters<typeof WebAssembly.instantiate>): Promise<unknown> => {
    const r = (await (instantiate as (...a: unknown[]) => Promise<unknown>).apply(WebAssembly, args)) as
      WebAssembly.WebAssemblyInstantiatedSource | WebAssembly.Instance;
    exports = ('instance' in r ? r.instance : r).exports;
    return r;
  };
  (WebAssembly as { instantiate: unknown }).instantiate = capture;
  let glue: { HEAPU8: Uint8Array; addFunction: LuaModule['addFunction'] };
  try {
    glue = (await new LuaFactory().getLuaModule()).module as unknown as typeof glue;
  } finally {
    (WebAssembly as { instantiate: unknown }).instantiate = instantiate;
  }
  // A plain object (not Object.create(null), which V8 keeps as a slow dictionary) so the calls are
  // inline-cached property loads.
  const raw: Record<string, unknown> = {};
  if (exports !== null) {
    for (const [k, v] of Object.entries(exports as WebAssembly.Exports)) if (typeof v === 'function') raw[`_${k}`] = v;
    raw.memory = (exports as WebAssembly.Exports).memory;
  }
  // Anything the instance does not export under its C name stays with the glue's wrapper.
  for (const k of Object.keys(glue)) if (k.startsWith('_') && !(k in raw)) raw[k] = (glue as unknown as Record<string, unknown>)[k];
  raw.addFunction = glue.addFunction;
  if (raw.memory === undefined) Object.defineProperty(raw, 'memory', { get: () => ({ buffer: glue.HEAPU8.buffer }) });
  mod = raw as unknown as LuaModule;
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

  constructor() {
    if (mod === null) throw new Error('Lua module not initialised');
    this.m = mod;
    this.L = mod._luaL_newstate();
    mod._luaL_openlibs(this.L);
    this.scratch = mod._malloc(this.scratchSize);
    this.outPtr = mod._malloc(8);
    this.heap = Buffer.from(mod.memory.buffer);
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
    this.m._lua_pushlstring(L, this.stage(s), s.length);
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
    if (n > SHORT) return h.latin1Slice(p, p + n);
    let out = '';
    for (let i = 0; i < n; i++) out += String.fromCharCode(h[p + i]);
    return out;
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
