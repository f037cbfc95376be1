// Which Lua engine for scripting: wasmoon (reference Lua 5.4 compiled to WebAssembly) or fengari
// (Lua 5.3 written in JavaScript). Both are driven through their low-level C-like API, the way the
// server drives its engine, so the figures include the real JS<->Lua boundary costs:
//   - startup: creating a state with the standard libraries (wasmoon: the WebAssembly compile too);
//   - EVALSHA-like call: a cached function, KEYS and ARGV tables built from JS strings, two
//     redis.call()s into JS (SET then GET on a Map, binary-safe latin1 strings both ways, SET's
//     reply as a {ok='OK'} table), the result read back as a JS string;
//   - a pure Lua loop (VM speed, for scripts that compute);
//   - memory: heap + external (wasm memory) growth for one state and for 1,000 cached scripts;
//   - interruption: whether a count hook can stop `while true do end` (SCRIPT KILL, lua-time-limit)
//     and what the hook costs on the loop.
// Usage: node --expose-gc bench/lua-engine.mjs   (LUA_BENCH_CALLS, default 200000)

import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);

const CALLS = Number(process.env.LUA_BENCH_CALLS ?? 200000);
const SCRIPT = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])";
const LOOP = 'local s = 0 for i = 1, 3000000 do s = s + i % 7 end return s';

function mem() {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

const store = new Map();

// ---------------------------------------------------------------------------------------- wasmoon
async function wasmoonEngine() {
  const { LuaFactory } = await import('wasmoon');
  const t0 = performance.now();
  const lua = await new LuaFactory().getLuaModule();
  const m = lua.module;
  const L = m._luaL_newstate();
  m._luaL_openlibs(L);
  const startupMs = performance.now() - t0;
  // Scratch memory for passing bytes both ways (grown on demand) and for length out-params.
  let scratchSize = 4096;
  let scratch = m._malloc(scratchSize);
  const lenPtr = m._malloc(8);
  const heap = () => Buffer.from(m.HEAPU8.buffer);
  const cstr = (s) => {
    const p = m._malloc(s.length + 1);
    heap().latin1Write(s + '\0', p);
    return p;
  };
  const pushStr = (s) => {
    if (s.length > scratchSize) {
      m._free(scratch);
      scratchSize = s.length * 2;
      scratch = m._malloc(scratchSize);
    }
    heap().latin1Write(s, scratch);
    m._lua_pushlstring(L, scratch, s.length);
  };
  const toStr = (idx) => {
    const p = m._lua_tolstring(L, idx, lenPtr);
    return heap().latin1Slice(p, p + m.HEAPU32[lenPtr >> 2]);
  };
  const okKey = cstr('ok');
  const redisCall = m.addFunction((l) => {
    const n = m._lua_gettop(l);
    const cmd = toStr(1);
    if (cmd === 'SET') {
      store.set(toStr(2), toStr(3));
      m._lua_createtable(l, 0, 1);
      pushStr('OK');
      m._lua_setfield(l, -2, okKey);
    } else {
      const v = store.get(toStr(2));
      if (v === undefined) m._lua_pushboolean(l, 0);
      else pushStr(v);
    }
    return n > 0 ? 1 : 0;
  }, 'ii');
  m._lua_createtable(L, 0, 1);
  m._lua_pushcclosure(L, redisCall, 0);
  m._lua_setfield(L, -2, cstr('call'));
  m._lua_setglobal(L, cstr('redis'));
  const KEYS = cstr('KEYS');
  const ARGV = cstr('ARGV');
  const chunk = cstr('=user_script');
  const load = (src) => {
    const p = cstr(src);
    if (m._luaL_loadbufferx(L, p, src.length, chunk, 0) !== 0) throw new Error(toStr(-1));
    m._free(p);
    return m._luaL_ref(L, -1001000); // LUA_REGISTRYINDEX in 5.4
  };
  const run = (ref, key, arg) => {
    m._lua_createtable(L, 1, 0);
    pushStr(key);
    m._lua_rawseti(L, -2, 1n);
    m._lua_setglobal(L, KEYS);
    m._lua_createtable(L, 1, 0);
    pushStr(arg);
    m._lua_rawseti(L, -2, 1n);
    m._lua_setglobal(L, ARGV);
    m._lua_rawgeti(L, -1001000, BigInt(ref));
    if (m._lua_pcallk(L, 0, 1, 0, 0, 0) !== 0) throw new Error(toStr(-1));
    const out = toStr(-1);
    m._lua_settop(L, 0);
    return out;
  };
  // Count hook: after the deadline, raise an error from inside the hook.
  let deadline = Infinity;
  const hook = m.addFunction((l) => {
    if (Date.now() > deadline) {
      pushStr('killed');
      m._lua_error(l);
    }
  }, 'vii');
  const setHook = (on) => m._lua_sethook(L, on ? hook : 0, on ? 8 : 0, on ? 100000 : 0);
  const runLoop = (ref) => {
    m._lua_rawgeti(L, -1001000, BigInt(ref));
    const rc = m._lua_pcallk(L, 0, 1, 0, 0, 0);
    const out = toStr(-1);
    m._lua_settop(L, 0);
    return rc === 0 ? out : `error: ${out}`;
  };
  return { name: 'wasmoon', startupMs, load, run, runLoop, setHook, setDeadline: (d) => (deadline = d) };
}

// ---------------------------------------------------------------------------------------- fengari
async function fengariEngine() {
  const t0 = performance.now();
  const { lua, lauxlib, lualib } = require('fengari');
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const startupMs = performance.now() - t0;
  const lit = (s) => Buffer.from(s, 'latin1');
  const pushStr = (s) => lua.lua_pushlstring(L, Buffer.from(s, 'latin1'), s.length);
  const toStr = (l, idx) => {
    const b = lua.lua_tolstring(l, idx);
    return Buffer.from(b.buffer, b.byteOffset, b.length).latin1Slice();
  };
  const OK = lit('ok');
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushjsfunction(L, (l) => {
    const cmd = toStr(l, 1);
    if (cmd === 'SET') {
      store.set(toStr(l, 2), toStr(l, 3));
      lua.lua_createtable(l, 0, 1);
      lua.lua_pushlstring(l, lit('OK'), 2);
      lua.lua_setfield(l, -2, OK);
    } else {
      const v = store.get(toStr(l, 2));
      if (v === undefined) lua.lua_pushboolean(l, 0);
      else lua.lua_pushlstring(l, Buffer.from(v, 'latin1'), v.length);
    }
    return 1;
  });
  lua.lua_setfield(L, -2, lit('call'));
  lua.lua_setglobal(L, lit('redis'));
  const KEYS = lit('KEYS');
  const ARGV = lit('ARGV');
  const load = (src) => {
    if (lauxlib.luaL_loadbufferx(L, lit(src), src.length, lit('=user_script'), null) !== 0) throw new Error(toStr(L, -1));
    return lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  };
  const run = (ref, key, arg) => {
    lua.lua_createtable(L, 1, 0);
    pushStr(key);
    lua.lua_rawseti(L, -2, 1);
    lua.lua_setglobal(L, KEYS);
    lua.lua_createtable(L, 1, 0);
    pushStr(arg);
    lua.lua_rawseti(L, -2, 1);
    lua.lua_setglobal(L, ARGV);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    if (lua.lua_pcall(L, 0, 1, 0) !== 0) throw new Error(toStr(L, -1));
    const out = toStr(L, -1);
    lua.lua_settop(L, 0);
    return out;
  };
  let deadline = Infinity;
  const hook = (l) => {
    if (Date.now() > deadline) {
      lua.lua_pushlstring(l, lit('killed'), 6);
      lua.lua_error(l);
    }
  };
  const setHook = (on) => lua.lua_sethook(L, on ? hook : null, on ? lua.LUA_MASKCOUNT : 0, on ? 100000 : 0);
  const runLoop = (ref) => {
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
    const rc = lua.lua_pcall(L, 0, 1, 0);
    const out = toStr(L, -1);
    lua.lua_settop(L, 0);
    return rc === 0 ? out : `error: ${out}`;
  };
  return { name: 'fengari', startupMs, load, run, runLoop, setHook, setDeadline: (d) => (deadline = d) };
}

async function measure(make) {
  const before = mem();
  const e = await make();
  const afterState = mem();
  const ref = e.load(SCRIPT);
  if (e.run(ref, 'k', 'v1') !== 'v1') throw new Error(`${e.name}: wrong result`);
  for (let i = 0; i < 20000; i++) e.run(ref, `k${i & 1023}`, 'value');
  let t = performance.now();
  for (let i = 0; i < CALLS; i++) e.run(ref, `k${i & 1023}`, 'value');
  const callUs = ((performance.now() - t) * 1000) / CALLS;
  // wasmoon: Lua's own count of its heap (inside the wasm memory, which the JS heap does not see);
  // fengari has no collectgarbage("count") (its objects live on the JS heap): the JS heap growth.
  const luaKb = e.load('collectgarbage() return tostring(collectgarbage("count"))');
  const used = () => {
    const lua = e.runLoop(luaKb);
    return lua.startsWith('error') ? mem() / 1024 : Number(lua);
  };
  const beforeScripts = used();
  for (let i = 0; i < 1000; i++) e.load(`local x = ${i} ${SCRIPT}`);
  const scriptsKb = (used() - beforeScripts) / 1000;
  const loop = e.load(LOOP);
  e.runLoop(loop);
  t = performance.now();
  const loopResult = e.runLoop(loop);
  const loopMs = performance.now() - t;
  e.setHook(true);
  t = performance.now();
  e.runLoop(loop);
  const hookedMs = performance.now() - t;
  e.setDeadline(Date.now() + 200);
  t = performance.now();
  const killed = e.runLoop(e.load('while true do end'));
  const killMs = performance.now() - t;
  e.setHook(false);
  return {
    engine: e.name,
    'startup ms': e.startupMs.toFixed(1),
    'state MB (JS heap + wasm memory)': ((afterState - before) / 1048576).toFixed(2),
    'EVALSHA-like us/call': callUs.toFixed(2),
    'calls/s': Math.round(1e6 / callUs),
    'loop ms': loopMs.toFixed(0),
    'loop+hook ms': hookedMs.toFixed(0),
    'Lua KB/cached script': scriptsKb.toFixed(2),
    'infinite loop stopped': `${killed} after ${killMs.toFixed(0)} ms`,
    loopResult,
  };
}

const which = process.argv[2];
const rows = [];
if (!which || which === 'wasmoon') rows.push(await measure(wasmoonEngine));
if (!which || which === 'fengari') {
  // fengari is only needed here: without it the table shows wasmoon alone.
  try {
    require.resolve('fengari');
    rows.push(await measure(fengariEngine));
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
    console.log('fengari is not installed: measuring wasmoon only');
  }
}
console.table(rows);
