// Lua code run once in every scripting state, before any user code: Redis's Lua 5.1 dialect on top
// of Lua 5.4 (docs/SCRIPTING.md lists what is emulated and what is not), the error handler that adds
// the script position of errors, and the globals protection. It returns the internal functions the
// engine needs, which never become visible to scripts.
// The native redis.* functions are installed by the engine into `redis` before this runs.

export const PRELUDE = String.raw`
local G = _G
local type, tostring, tonumber, select, error, rawget, rawset, pairs, next, setmetatable, getmetatable =
      type, tostring, tonumber, select, error, rawget, rawset, pairs, next, setmetatable, getmetatable
local mtype, floor, ceil, tointeger, huge = math.type, math.floor, math.ceil, math.tointeger, math.huge
local sformat, sgsub, sbyte, schar, ssub, srep = string.format, string.gsub, string.byte, string.char, string.sub, string.rep
local spack, sunpack, spacksize = string.pack, string.unpack, string.packsize
local rawload, dsetupvalue = load, debug.setupvalue
local tpack, tunpack, tconcat = table.pack, table.unpack, table.concat
local pcall = pcall
local dgetinfo = debug.getinfo
local rawtostring = tostring
-- The engine's native that turns the busy-script hook on, for code compiled at run time (the
-- engine leaves it off for scripts that cannot loop); not for scripts to see.
local armhook = redis.__armhook
redis.__armhook = nil

-- ---------------------------------------------------------------- Lua 5.1 dialect
-- Floats print as in Lua 5.1 (%.14g): 10/2 is "5", not "5.0".
local function num2str(v)
  if v ~= v then return (sformat('%f', v):sub(1, 1) == '-') and '-nan' or 'nan' end
  return sformat('%.14g', v)
end
G.tostring = function(v)
  if mtype(v) == 'float' then return num2str(v) end
  return rawtostring(v)
end
tostring = G.tostring
-- Integer conversions of string.format truncate floats as Lua 5.1's C casts did (5.4 refuses them),
-- %u is %d, and %s shows floats as 5.1 did.
local INTCONV = { d = true, i = true, o = true, u = true, x = true, X = true, c = true }
local function toint(v)
  if type(v) == 'string' then v = tonumber(v) or v end
  if mtype(v) == 'float' then
    if v ~= v or v == huge or v == -huge then return v end
    v = v >= 0 and floor(v) or ceil(v)
    return tointeger(v) or v
  end
  return v
end
string.format = function(fmt, ...)
  local n = select('#', ...)
  local args = tpack(...)
  local i = 0
  local fixed = sgsub(fmt, '%%([-+ #0]*%d*%.?%d*)(.)', function(spec, conv)
    if conv == '%' then return nil end
    i = i + 1
    if INTCONV[conv] then
      args[i] = toint(args[i])
      if conv == 'u' then return '%' .. spec .. 'd' end
    elseif conv == 's' and mtype(args[i]) == 'float' then
      args[i] = num2str(args[i])
    end
    return nil
  end)
  return sformat(fixed, tunpack(args, 1, n))
end
-- (5.1 checks the table argument where 5.4 would fail on its length.)
-- nargs tells an absent argument ("no value") from a nil one.
local function checktable(t, fname, nargs)
  if type(t) ~= 'table' then error(sformat("bad argument #1 to '%s' (table expected, got %s)", fname, nargs == 0 and 'no value' or type(t)), 3) end
end
unpack = function(...)
  local t, i, j = ...
  checktable(t, 'unpack', select('#', ...))
  return tunpack(t, i, j)
end
table.getn = function(...)
  local t = ...
  checktable(t, 'getn', select('#', ...))
  return #t
end
table.setn = function() error("'setn' is obsolete", 2) end
table.maxn = function(...)
  local t = ...
  checktable(t, 'maxn', select('#', ...))
  local m = 0
  for k in pairs(t) do if type(k) == 'number' and k > m then m = k end end
  return m
end
table.foreach = function(...)
  local t, f = ...
  checktable(t, 'foreach', select('#', ...))
  for k, v in pairs(t) do local r = f(k, v) if r ~= nil then return r end end
end
table.foreachi = function(...)
  local t, f = ...
  checktable(t, 'foreachi', select('#', ...))
  for i = 1, #t do local r = f(i, t[i]) if r ~= nil then return r end end
end
string.gfind = string.gmatch
math.pow = function(x, y) return x ^ y end
math.mod = math.fmod
math.log10 = function(x) return math.log(x, 10) end
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 or x ~= x or x == huge or x == -huge then return x, 0 end
  local e = floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m = m / 2; e = e + 1 elseif math.abs(m) < 0.5 then m = m * 2; e = e - 1 end
  return m, e
end
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
gcinfo = function() return floor(collectgarbage('count')) end
_VERSION = 'Lua 5.1'

-- math.random and math.randomseed as Redis's: its own 48-bit generator (lrand48), the same sequence
-- on every platform, continued across scripts.
local rx = 0x1234ABCD330E
local function lrand48()
  rx = (rx * 0x5DEECE66D + 0xB) & 0xFFFFFFFFFFFF
  return rx >> 17
end
local function checkint(v, n)
  local x = tonumber(v)
  if x == nil then error(sformat("bad argument #%d to 'random' (number expected, got %s)", n, type(v) == 'nil' and 'no value' or type(v)), 3) end
  return x >= 0 and floor(x) or ceil(x)
end
math.random = function(...)
  local r = (lrand48() % 0x7FFFFFFF) / 0x7FFFFFFF
  local n = select('#', ...)
  if n == 0 then return r end
  local a, b = ...
  if n == 1 then
    local u = checkint(a, 1)
    if u < 1 then error("bad argument #1 to 'random' (interval is empty)", 2) end
    return floor(r * u) + 1
  elseif n == 2 then
    local l, u = checkint(a, 1), checkint(b, 2)
    if l > u then error("bad argument #2 to 'random' (interval is empty)", 2) end
    return floor(r * (u - l + 1)) + l
  end
  error('wrong number of arguments', 2)
end
math.randomseed = function(seed)
  local s = checkint(seed, 1) & 0xFFFFFFFF
  rx = ((s << 16) | 0x330E) & 0xFFFFFFFFFFFF
end

-- Lua 5.4 additions Redis's Lua does not have.
string.pack, string.unpack, string.packsize = nil, nil, nil
table.pack, table.unpack, table.move = nil, nil, nil
math.type, math.tointeger, math.ult, math.maxinteger, math.mininteger = nil, nil, nil, nil, nil
coroutine.isyieldable, coroutine.close = nil, nil
for _, name in ipairs({ 'print', 'dofile', 'loadfile', 'require', 'package', 'io', 'os', 'utf8', 'warn' }) do G[name] = nil end

-- ---------------------------------------------------------------- bit (LuaBitOp)
local function tobit(x)
  local v = tonumber(x)
  if v == nil then error(sformat("bad argument #1 to 'tobit' (number expected, got %s)", type(x)), 3) end
  if mtype(v) == 'float' then
    v = v % 4294967296.0
    v = tointeger(floor(v + 0.5)) or 0
  end
  v = v & 0xFFFFFFFF
  if v >= 0x80000000 then v = v - 0x100000000 end
  return v
end
local bit = {}
bit.tobit = function(x) return (tobit(x)) end
bit.bnot = function(x) return tobit(~tobit(x)) end
bit.band = function(x, ...) local r = tobit(x) for i = 1, select('#', ...) do r = r & tobit((select(i, ...))) end return tobit(r) end
bit.bor = function(x, ...) local r = tobit(x) for i = 1, select('#', ...) do r = r | tobit((select(i, ...))) end return tobit(r) end
bit.bxor = function(x, ...) local r = tobit(x) for i = 1, select('#', ...) do r = r ~ tobit((select(i, ...))) end return tobit(r) end
bit.lshift = function(x, n) return tobit((tobit(x) & 0xFFFFFFFF) << (tobit(n) & 31)) end
bit.rshift = function(x, n) return tobit((tobit(x) & 0xFFFFFFFF) >> (tobit(n) & 31)) end
bit.arshift = function(x, n) return tobit(tobit(x) >> (tobit(n) & 31) | ((tobit(x) < 0 and (tobit(n) & 31) > 0) and (0xFFFFFFFF << (32 - (tobit(n) & 31))) or 0)) end
bit.rol = function(x, n) local v, s = tobit(x) & 0xFFFFFFFF, tobit(n) & 31 return tobit((v << s) | (v >> (32 - s))) end
bit.ror = function(x, n) local v, s = tobit(x) & 0xFFFFFFFF, tobit(n) & 31 return tobit((v >> s) | (v << (32 - s))) end
bit.bswap = function(x)
  local v = tobit(x) & 0xFFFFFFFF
  return tobit(((v & 0xFF) << 24) | ((v & 0xFF00) << 8) | ((v >> 8) & 0xFF00) | (v >> 24))
end
bit.tohex = function(x, n)
  n = n == nil and 8 or tobit(n)
  local upper = n < 0
  if upper then n = -n end
  if n > 8 then n = 8 end
  local s = sformat(upper and '%08X' or '%08x', tobit(x) & 0xFFFFFFFF)
  return ssub(s, 9 - n)
end
G.bit = bit

-- ---------------------------------------------------------------- struct (Roberto's struct library)
-- Formats map onto string.pack's, with struct's sizes on a 64-bit Redis (long and size_t are 8 bytes).
local function structfmt(fmt)
  local out = {}
  local i, n = 1, #fmt
  while i <= n do
    local c = ssub(fmt, i, i)
    local digits = fmt:match('^%d+', i + 1) or ''
    i = i + 1 + #digits
    if c == 'l' then out[#out + 1] = 'i8'
    elseif c == 'L' or c == 'T' then out[#out + 1] = 'I8'
    elseif c == 'h' then out[#out + 1] = 'i2'
    elseif c == 'H' then out[#out + 1] = 'I2'
    elseif c == 'i' or c == 'I' then out[#out + 1] = c .. (digits ~= '' and digits or '4')
    elseif c == 's' then out[#out + 1] = 'z'
    elseif c == 'c' then
      if digits == '' or digits == '0' then error("struct: 'c0' formats are not supported", 3) end
      out[#out + 1] = 'c' .. digits
    elseif c == '!' then out[#out + 1] = '!' .. digits
    elseif c == 'x' or c == 'b' or c == 'B' or c == 'f' or c == 'd' or c == '<' or c == '>' or c == '=' or c == ' ' then
      out[#out + 1] = c
    else error(sformat("invalid format option '%s'", c), 3) end
  end
  return tconcat(out)
end
local struct = {}
struct.pack = function(fmt, ...)
  local args = tpack(...)
  for j = 1, args.n do if mtype(args[j]) == 'float' then args[j] = toint(args[j]) end end
  local f = structfmt(fmt)
  -- Fractional values stay floats for the f and d formats.
  local k = 0
  for c in f:gmatch('[bBhHiIlLjJTfdnszcx]') do
    if c ~= 'x' then
      k = k + 1
      if (c == 'f' or c == 'd') and args[k] ~= nil then args[k] = tonumber(select(k, ...)) end
    end
  end
  return spack(f, tunpack(args, 1, args.n))
end
struct.unpack = function(fmt, s, pos) return sunpack(structfmt(fmt), s, pos) end
struct.size = function(fmt) return spacksize(structfmt(fmt)) end
G.struct = struct

-- ---------------------------------------------------------------- cjson
local cjson = { _NAME = 'cjson', _VERSION = '2.1.0' }
local JNULL = __redis__lightnull
G.__redis__lightnull = nil
cjson.null = JNULL
-- Settings live as long as the Lua state, as cjson's (a script's changes stay for the next ones).
local cfg = {
  sparse_convert = 0, sparse_ratio = 2, sparse_safe = 10, encode_max_depth = 1000, decode_max_depth = 1000,
  encode_invalid = 0, decode_invalid = 1, keep_buffer = 1, precision = 14,
}
local INT_MAX = 2147483647
local BOOL_OPTIONS = { 'off', 'on' }
local function optargs(fname, n, ...)
  if select('#', ...) > n then error(sformat("bad argument #%d to '%s' (found too many arguments)", n + 1, fname), 3) end
end
local function typename(v) return v == nil and 'no value' or type(v) end
-- An integer setting (argument argn, nil keeps it); cjson reports a range error on argument #1.
-- (The settings' functions call these two as non-tail calls: the error level must reach the script.)
local function intopt(fname, argn, v, key, min, max)
  if v ~= nil then
    local x = tonumber(v)
    if x == nil then error(sformat("bad argument #%d to '%s' (number expected, got %s)", argn, fname, typename(v)), 3) end
    x = x >= 0 and floor(x) or ceil(x)
    if x < min or x > max then error(sformat("bad argument #1 to '%s' (expected integer between %d and %d)", fname, min, max), 3) end
    cfg[key] = tointeger(x) or x
  end
  return cfg[key]
end
-- An enumerated setting: a boolean means off or booltrue; the current value shows as a boolean
-- when it is one of those, else as its option name.
local function enumopt(fname, argn, v, key, options, booltrue)
  if v ~= nil then
    if type(v) == 'boolean' then cfg[key] = v and booltrue or 0
    else
      if type(v) ~= 'string' and type(v) ~= 'number' then error(sformat("bad argument #%d to '%s' (string expected, got %s)", argn, fname, typename(v)), 3) end
      local found
      for j = 1, #options do if options[j] == tostring(v) then found = j - 1 end end
      if found == nil then error(sformat("bad argument #%d to '%s' (invalid option '%s')", argn, fname, tostring(v)), 3) end
      cfg[key] = found
    end
  end
  local s = cfg[key]
  if s == 0 or s == booltrue then return s ~= 0 end
  return options[s + 1]
end
cjson.encode_sparse_array = function(...)
  optargs('encode_sparse_array', 3, ...)
  local a, b, c = ...
  return enumopt('encode_sparse_array', 1, a, 'sparse_convert', BOOL_OPTIONS, 1),
    intopt('encode_sparse_array', 2, b, 'sparse_ratio', 0, INT_MAX), intopt('encode_sparse_array', 3, c, 'sparse_safe', 0, INT_MAX)
end
cjson.encode_max_depth = function(...)
  optargs('encode_max_depth', 1, ...)
  return (intopt('encode_max_depth', 1, (...), 'encode_max_depth', 1, INT_MAX))
end
cjson.decode_max_depth = function(...)
  optargs('decode_max_depth', 1, ...)
  return (intopt('decode_max_depth', 1, (...), 'decode_max_depth', 1, INT_MAX))
end
cjson.encode_number_precision = function(...)
  optargs('encode_number_precision', 1, ...)
  return (intopt('encode_number_precision', 1, (...), 'precision', 1, 14))
end
cjson.encode_keep_buffer = function(...)
  optargs('encode_keep_buffer', 1, ...)
  return (enumopt('encode_keep_buffer', 1, (...), 'keep_buffer', BOOL_OPTIONS, 1))
end
cjson.encode_invalid_numbers = function(...)
  optargs('encode_invalid_numbers', 1, ...)
  return (enumopt('encode_invalid_numbers', 1, (...), 'encode_invalid', { 'off', 'on', 'null' }, 1))
end
cjson.decode_invalid_numbers = function(...)
  optargs('decode_invalid_numbers', 1, ...)
  return (enumopt('decode_invalid_numbers', 1, (...), 'decode_invalid', BOOL_OPTIONS, 1))
end

local ESC = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function escstr(s)
  return '"' .. sgsub(s, '[%c"\\/]', function(ch) return ESC[ch] or sformat('\\u%04x', sbyte(ch)) end) .. '"'
end
local encode
local function encnum(v, what)
  if v ~= v or v == huge or v == -huge then
    if cfg.encode_invalid == 0 then error('Cannot serialise ' .. what .. ': must not be NaN or Inf', 0) end
    if cfg.encode_invalid == 2 then return 'null' end
    if v ~= v then return 'nan' end
  end
  local prec = cfg.precision
  if mtype(v) == 'integer' then
    if v > -10 ^ prec and v < 10 ^ prec then return sformat('%d', v) end
    v = v + 0.0
  end
  return sformat('%.' .. prec .. 'g', v)
end
encode = function(v, depth, out)
  local t = type(v)
  if t == 'string' then out[#out + 1] = escstr(v)
  elseif t == 'number' then out[#out + 1] = encnum(v, 'number')
  elseif t == 'boolean' then out[#out + 1] = v and 'true' or 'false'
  elseif t == 'nil' or v == JNULL then out[#out + 1] = 'null'
  elseif t == 'table' then
    depth = depth + 1
    if depth > cfg.encode_max_depth then error(sformat('Cannot serialise, excessive nesting (%d)', depth), 0) end
    local max, count, isarray = 0, 0, true
    for k in pairs(v) do
      if type(k) == 'number' and k >= 1 and floor(k) == k then
        if k > max then max = k end
        count = count + 1
      else isarray = false break end
    end
    if isarray and cfg.sparse_ratio > 0 and max > count * cfg.sparse_ratio and max > cfg.sparse_safe then
      if cfg.sparse_convert == 0 then error('Cannot serialise table: excessively sparse array', 0) end
      isarray = false
    end
    if isarray and max > 0 then
      out[#out + 1] = '['
      for j = 1, max do
        if j > 1 then out[#out + 1] = ',' end
        encode(v[j], depth, out)
      end
      out[#out + 1] = ']'
    else
      out[#out + 1] = '{'
      local first = true
      for k, val in pairs(v) do
        local kt = type(k)
        if not first then out[#out + 1] = ',' end
        first = false
        if kt == 'string' then out[#out + 1] = escstr(k)
        elseif kt == 'number' then out[#out + 1] = '"' .. encnum(k, 'number') .. '"'
        else error('Cannot serialise ' .. kt .. ': table key must be a number or string', 0) end
        out[#out + 1] = ':'
        encode(val, depth, out)
      end
      out[#out + 1] = '}'
    end
  else error('Cannot serialise ' .. t .. ': type not supported', 0) end
end
cjson.encode = function(...)
  if select('#', ...) ~= 1 then error("bad argument #1 to 'encode' (expected 1 argument)", 2) end
  local out = {}
  local ok, err = pcall(encode, (...), 0, out)
  if not ok then error(err, 2) end
  return tconcat(out)
end

-- Decoding follows cjson's tokenizer, so the numbers it accepts (strtod's: hex, inf, nan, a
-- leading + or zeros, unless decode_invalid_numbers is off) and its error texts are cjson's.
-- Numbers are Lua 5.1 doubles there: integral ones within %.14g's exact range become integers
-- here, so that they print as 5.1 prints them ("5", not "5.0").
local SINGLE = { [123] = 'T_OBJ_BEGIN', [125] = 'T_OBJ_END', [91] = 'T_ARR_BEGIN', [93] = 'T_ARR_END', [44] = 'T_COMMA', [58] = 'T_COLON' }
local UNESC = { [98] = '\b', [102] = '\f', [110] = '\n', [114] = '\r', [116] = '\t', [34] = '"', [92] = '\\', [47] = '/' }
local WS = { [32] = true, [9] = true, [10] = true, [13] = true }
local slower = string.lower
-- The current token: its type, value and (0-based) index; the scan position after it.
local tt, tv, ti, tpos
local jdata, jdepth
local function tokerr(what, at) tt, tv, ti = 'T_ERROR', what, at - 1 end
local function invalidnum(s, p)
  local c = ssub(s, p, p)
  if c == '+' then return true end
  if c == '-' then p = p + 1 c = ssub(s, p, p) end
  if c == '0' then
    local c2 = sbyte(s, p + 1) or 0
    return (c2 | 0x20) == 120 or (c2 >= 48 and c2 <= 57)
  elseif c ~= '' and sbyte(c) <= 57 then return false end
  local w = slower(ssub(s, p, p + 2))
  return w == 'inf' or w == 'nan'
end
-- strtod's NaN has no sign (0/0 has it here, as in C on x86, which prints as -nan).
local NAN = 0 / 0
if sformat('%f', NAN):sub(1, 1) == '-' then NAN = -NAN end
-- strtod: the number at p and the position after it, or nil.
local function strtod(s, p)
  local sign, q = 1, p
  local c = ssub(s, q, q)
  if c == '+' or c == '-' then
    if c == '-' then sign = -1 end
    q = q + 1
  end
  local w = slower(ssub(s, q, q + 7))
  if w == 'infinity' then return sign * huge, q + 8 end
  if ssub(w, 1, 3) == 'inf' then return sign * huge, q + 3 end
  if ssub(w, 1, 3) == 'nan' then
    local paren = s:match('^%([%w_]*%)', q + 3)
    return NAN, q + 3 + (paren and #paren or 0)
  end
  local m, e, v
  if s:match('^0[xX]', q) then
    m = s:match('^%x*%.?%x*', q + 2)
    if not m:find('%x') then return sign * 0.0, q + 1 end
    e = s:match('^[pP][-+]?%d+', q + 2 + #m) or ''
    v = tonumber('0x' .. m .. e)
    if v == nil then
      -- Hex digits past 64 bits: Lua's hex integers would wrap.
      v = 0.0
      for d in m:gmatch('%x') do v = v * 16 + tonumber(d, 16) end
    end
    q = q + 2 + #m + #e
  else
    m = s:match('^%d*%.?%d*', q)
    if not m:find('%d') then return nil end
    e = s:match('^[eE][-+]?%d+', q + #m) or ''
    v = tonumber(m .. e)
    q = q + #m + #e
  end
  v = v + 0.0
  if v == 0 then v = sign < 0 and -0.0 or 0.0 else v = sign * v end
  return v, q
end
local function jnumber(v)
  if v == floor(v) and v > -1e14 and v < 1e14 and not (v == 0 and 1 / v < 0) then return tointeger(v) end
  return v
end
local function hex4(s, p)
  local h = ssub(s, p, p + 3)
  if #h < 4 or not h:match('^%x%x%x%x$') then return nil end
  return tonumber(h, 16)
end
local function stringtoken(s, p)
  local parts, i = {}, p + 1
  while true do
    local j = s:find('["\\\0]', i)
    if not j then tokerr('unexpected end of string', #s + 1) return end
    parts[#parts + 1] = ssub(s, i, j - 1)
    local b = sbyte(s, j)
    if b == 34 then
      tt, tv, ti, tpos = 'T_STRING', tconcat(parts), p - 1, j + 1
      return
    end
    if b == 0 then tokerr('unexpected end of string', j) return end
    local e = sbyte(s, j + 1)
    if e == 117 then
      local cp = hex4(s, j + 2)
      local len = 6
      if cp and (cp & 0xF800) == 0xD800 then
        local lo = (cp & 0x400) == 0 and ssub(s, j + 6, j + 7) == '\\u' and hex4(s, j + 8)
        if lo and (lo & 0xFC00) == 0xDC00 then
          cp = (((cp & 0x3FF) << 10) | (lo & 0x3FF)) + 0x10000
          len = 12
        else cp = nil end
      end
      if not cp then tokerr('invalid unicode escape code', j) return end
      if cp < 0x80 then parts[#parts + 1] = schar(cp)
      elseif cp < 0x800 then parts[#parts + 1] = schar(0xC0 | (cp >> 6), 0x80 | (cp & 0x3F))
      elseif cp < 0x10000 then parts[#parts + 1] = schar(0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
      else parts[#parts + 1] = schar(0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3F), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F)) end
      i = j + len
    else
      local u = e and UNESC[e]
      if not u then tokerr('invalid escape code', j) return end
      parts[#parts + 1] = u
      i = j + 2
    end
  end
end
local function numbertoken(s, p)
  local v, q = strtod(s, p)
  if v == nil then tokerr('invalid number', p) return end
  tt, tv, ti, tpos = 'T_NUMBER', v, p - 1, q
end
local function nexttoken()
  local s, p = jdata, tpos
  local b = sbyte(s, p)
  while b and WS[b] do p = p + 1 b = sbyte(s, p) end
  if b == nil or b == 0 then tt, tv, ti, tpos = 'T_END', nil, p - 1, p return end
  local single = SINGLE[b]
  if single then tt, tv, ti, tpos = single, nil, p - 1, p + 1 return end
  if b == 34 then return stringtoken(s, p) end
  if b == 45 or (b >= 48 and b <= 57) then
    if cfg.decode_invalid == 0 and invalidnum(s, p) then tokerr('invalid number', p) return end
    return numbertoken(s, p)
  end
  if ssub(s, p, p + 3) == 'true' then tt, tv, ti, tpos = 'T_BOOLEAN', true, p - 1, p + 4 return end
  if ssub(s, p, p + 4) == 'false' then tt, tv, ti, tpos = 'T_BOOLEAN', false, p - 1, p + 5 return end
  if ssub(s, p, p + 3) == 'null' then tt, tv, ti, tpos = 'T_NULL', JNULL, p - 1, p + 4 return end
  if (b == 43 or b == 105 or b == 73 or b == 110 or b == 78) and cfg.decode_invalid ~= 0 and invalidnum(s, p) then
    return numbertoken(s, p)
  end
  tokerr('invalid token', p)
end
local function expected(what)
  error(sformat('Expected %s but found %s at character %d', what, tt == 'T_ERROR' and tv or tt, ti + 1), 0)
end
local function descend()
  jdepth = jdepth + 1
  if jdepth > cfg.decode_max_depth then
    error(sformat('Found too many nested data structures (%d) at character %d', jdepth, tpos - 1), 0)
  end
end
local decodevalue
local function decodeobject()
  descend()
  local t = {}
  nexttoken()
  if tt == 'T_OBJ_END' then jdepth = jdepth - 1 return t end
  while true do
    if tt ~= 'T_STRING' then expected('object key string') end
    local k = tv
    nexttoken()
    if tt ~= 'T_COLON' then expected('colon') end
    nexttoken()
    t[k] = decodevalue()
    nexttoken()
    if tt == 'T_OBJ_END' then jdepth = jdepth - 1 return t end
    if tt ~= 'T_COMMA' then expected('comma or object end') end
    nexttoken()
  end
end
local function decodearray()
  descend()
  local t = {}
  nexttoken()
  if tt == 'T_ARR_END' then jdepth = jdepth - 1 return t end
  local n = 0
  while true do
    n = n + 1
    t[n] = decodevalue()
    nexttoken()
    if tt == 'T_ARR_END' then jdepth = jdepth - 1 return t end
    if tt ~= 'T_COMMA' then expected('comma or array end') end
    nexttoken()
  end
end
-- The value the current token starts.
decodevalue = function()
  if tt == 'T_STRING' or tt == 'T_BOOLEAN' or tt == 'T_NULL' then return tv end
  if tt == 'T_NUMBER' then return jnumber(tv) end
  if tt == 'T_OBJ_BEGIN' then return decodeobject() end
  if tt == 'T_ARR_BEGIN' then return decodearray() end
  expected('value')
end
local function decodeall(s)
  jdata, jdepth, tpos = s, 0, 1
  nexttoken()
  local v = decodevalue()
  nexttoken()
  if tt ~= 'T_END' then expected('the end') end
  return v
end
cjson.decode = function(...)
  if select('#', ...) ~= 1 then error("bad argument #1 to 'decode' (expected 1 argument)", 2) end
  local s = ...
  if type(s) == 'number' then s = tostring(s)
  elseif type(s) ~= 'string' then error("bad argument #1 to 'decode' (string expected, got " .. typename(s) .. ')', 2) end
  if #s >= 2 and (sbyte(s, 1) == 0 or sbyte(s, 2) == 0) then error('JSON parser does not support UTF-16 or UTF-32', 2) end
  local ok, v = pcall(decodeall, s)
  jdata = nil
  if not ok then error(v, 2) end
  return v
end
G.cjson = cjson

-- ---------------------------------------------------------------- cmsgpack
local cmsgpack = { _NAME = 'cmsgpack', _VERSION = 'lua-cmsgpack 0.4.0' }
local function mp_encode(v, out, depth)
  local t = type(v)
  if t == 'string' then
    local n = #v
    if n < 32 then out[#out + 1] = schar(0xA0 | n)
    elseif n < 0x100 then out[#out + 1] = spack('>BB', 0xD9, n)
    elseif n < 0x10000 then out[#out + 1] = spack('>BI2', 0xDA, n)
    else out[#out + 1] = spack('>BI4', 0xDB, n) end
    out[#out + 1] = v
  elseif t == 'boolean' then out[#out + 1] = v and '\xC3' or '\xC2'
  elseif t == 'number' then
    local i = mtype(v) == 'integer' and v or (floor(v) == v and v >= -9.2233720368547758e18 and v < 9.2233720368547758e18 and tointeger(v))
    if i then
      if i >= 0 then
        if i < 128 then out[#out + 1] = schar(i)
        elseif i < 0x100 then out[#out + 1] = spack('>BB', 0xCC, i)
        elseif i < 0x10000 then out[#out + 1] = spack('>BI2', 0xCD, i)
        elseif i < 0x100000000 then out[#out + 1] = spack('>BI4', 0xCE, i)
        else out[#out + 1] = spack('>Bi8', 0xCF, i) end
      else
        if i >= -32 then out[#out + 1] = spack('>b', i)
        elseif i >= -128 then out[#out + 1] = spack('>Bb', 0xD0, i)
        elseif i >= -32768 then out[#out + 1] = spack('>Bi2', 0xD1, i)
        elseif i >= -2147483648 then out[#out + 1] = spack('>Bi4', 0xD2, i)
        else out[#out + 1] = spack('>Bi8', 0xD3, i) end
      end
    elseif sunpack('f', spack('f', v)) == v then out[#out + 1] = spack('>Bf', 0xCA, v)
    else out[#out + 1] = spack('>Bd', 0xCB, v) end
  elseif t == 'table' and depth < 16 then
    local n, isarray = 0, true
    for _ in pairs(v) do n = n + 1 end
    for j = 1, n do if v[j] == nil then isarray = false break end end
    if isarray then
      if n < 16 then out[#out + 1] = schar(0x90 | n)
      elseif n < 0x10000 then out[#out + 1] = spack('>BI2', 0xDC, n)
      else out[#out + 1] = spack('>BI4', 0xDD, n) end
      for j = 1, n do mp_encode(v[j], out, depth + 1) end
    else
      if n < 16 then out[#out + 1] = schar(0x80 | n)
      elseif n < 0x10000 then out[#out + 1] = spack('>BI2', 0xDE, n)
      else out[#out + 1] = spack('>BI4', 0xDF, n) end
      for k, val in pairs(v) do mp_encode(k, out, depth + 1) mp_encode(val, out, depth + 1) end
    end
  else out[#out + 1] = '\xC0' end
end
cmsgpack.pack = function(...)
  local n = select('#', ...)
  if n == 0 then error('MessagePack pack needs input.', 2) end
  local out = {}
  for j = 1, n do mp_encode((select(j, ...)), out, 0) end
  return tconcat(out)
end
local mp_decode
local function mp_seq(s, pos, n, ismap)
  local t = {}
  for j = 1, n do
    if ismap then
      local k, v
      k, pos = mp_decode(s, pos)
      v, pos = mp_decode(s, pos)
      if k ~= nil then t[k] = v end
    else t[j], pos = mp_decode(s, pos) end
  end
  return t, pos
end
mp_decode = function(s, pos)
  local b = sbyte(s, pos)
  if b == nil then error('Missing bytes in input.', 0) end
  if b < 0x80 then return b, pos + 1
  elseif b >= 0xE0 then return b - 256, pos + 1
  elseif b >= 0xA0 and b <= 0xBF then local n = b & 0x1F return ssub(s, pos + 1, pos + n), pos + 1 + n
  elseif b >= 0x90 and b <= 0x9F then return mp_seq(s, pos + 1, b & 0x0F, false)
  elseif b >= 0x80 and b <= 0x8F then return mp_seq(s, pos + 1, b & 0x0F, true)
  elseif b == 0xC0 then return nil, pos + 1
  elseif b == 0xC2 then return false, pos + 1
  elseif b == 0xC3 then return true, pos + 1
  elseif b == 0xCA then return sunpack('>f', s, pos + 1)
  elseif b == 0xCB then return sunpack('>d', s, pos + 1)
  elseif b == 0xCC then return sunpack('>B', s, pos + 1)
  elseif b == 0xCD then return sunpack('>I2', s, pos + 1)
  elseif b == 0xCE then return sunpack('>I4', s, pos + 1)
  elseif b == 0xCF then return sunpack('>i8', s, pos + 1)
  elseif b == 0xD0 then return sunpack('>b', s, pos + 1)
  elseif b == 0xD1 then return sunpack('>i2', s, pos + 1)
  elseif b == 0xD2 then return sunpack('>i4', s, pos + 1)
  elseif b == 0xD3 then return sunpack('>i8', s, pos + 1)
  elseif b == 0xD9 or b == 0xC4 then local n = sbyte(s, pos + 1) return ssub(s, pos + 2, pos + 1 + n), pos + 2 + n
  elseif b == 0xDA or b == 0xC5 then local n = sunpack('>I2', s, pos + 1) return ssub(s, pos + 3, pos + 2 + n), pos + 3 + n
  elseif b == 0xDB or b == 0xC6 then local n = sunpack('>I4', s, pos + 1) return ssub(s, pos + 5, pos + 4 + n), pos + 5 + n
  elseif b == 0xDC then return mp_seq(s, pos + 3, sunpack('>I2', s, pos + 1), false)
  elseif b == 0xDD then return mp_seq(s, pos + 5, sunpack('>I4', s, pos + 1), false)
  elseif b == 0xDE then return mp_seq(s, pos + 3, sunpack('>I2', s, pos + 1), true)
  elseif b == 0xDF then return mp_seq(s, pos + 5, sunpack('>I4', s, pos + 1), true)
  end
  error('Bad data format in input.', 0)
end
local function mp_unpack(s, limit, offset)
  if type(s) ~= 'string' then error("bad argument #1 to 'unpack' (string expected, got " .. type(s) .. ')', 3) end
  local out, n, pos = {}, 0, (offset or 0) + 1
  while pos <= #s and (limit == 0 or n < limit) do
    local ok, v, nextpos = pcall(mp_decode, s, pos)
    if not ok then error(v, 3) end
    if nextpos > #s + 1 then error('Missing bytes in input.', 3) end
    n = n + 1
    out[n] = v
    pos = nextpos
  end
  return out, n, pos
end
cmsgpack.unpack = function(s)
  local out, n = mp_unpack(s, 0)
  return tunpack(out, 1, n)
end
cmsgpack.unpack_one = function(s, offset)
  local out, n, pos = mp_unpack(s, 1, offset)
  return pos > #s and -1 or pos - 1, tunpack(out, 1, n)
end
cmsgpack.unpack_limit = function(s, limit, offset)
  local out, n, pos = mp_unpack(s, limit or 0, offset)
  return pos > #s and -1 or pos - 1, tunpack(out, 1, n)
end
G.cmsgpack = cmsgpack

-- ---------------------------------------------------------------- errors and protection
-- Runtime errors worded as Lua 5.1 words them: 5.4 says "attempt to call a nil value (field 'f')",
-- 5.1 "attempt to call field 'f' (a nil value)" (scripts and tests match on these texts).
local function msg51(s)
  return (sgsub(s, "attempt to ([%a ]-) a (%a+) value %((%a+) '([^']*)'%)", function(op, vt, kind, name)
    if kind == 'constant' then return nil end
    return 'attempt to ' .. op .. ' ' .. kind .. " '" .. name .. "' (a " .. vt .. ' value)'
  end))
end
-- Redis's pcall hands the message of an error table (redis.call's errors) to the script, as older
-- versions did with their string errors.
G.pcall = function(f, ...)
  local r = tpack(pcall(f, ...))
  if not r[1] then
    local e = r[2]
    if type(e) == 'table' and type(e.err) == 'string' then r[2] = e.err
    elseif type(e) == 'string' then r[2] = msg51(e) end
  end
  return tunpack(r, 1, r.n)
end

-- Redis marks its library tables and the globals read-only (a flag in its patched Lua): any write,
-- rawset or setmetatable on them fails with this error. Here they are proxies, known by RO.
local RO_ERR = 'Attempt to modify a readonly table'
local RO = setmetatable({}, { __mode = 'k' })
-- What getmetatable shows for a proxy that stands for a table without a metatable: nil.
local NOMT = {}
local function deny() error(RO_ERR, 2) end
local function readonly(t, shownmt)
  local p = setmetatable({}, {
    __index = t,
    __newindex = deny,
    __pairs = function() return next, t, nil end,
    __len = function() return #t end,
    __metatable = shownmt or NOMT,
  })
  RO[p] = true
  return p
end
-- (The argument checks are made here, where the error's position is the caller's.)
G.setmetatable = function(t, mt)
  if type(t) ~= 'table' then error(sformat("bad argument #1 to 'setmetatable' (table expected, got %s)", t == nil and 'no value' or type(t)), 2) end
  if mt ~= nil and type(mt) ~= 'table' then error("bad argument #2 to 'setmetatable' (nil or table expected)", 2) end
  if RO[t] then error(RO_ERR, 0) end
  return setmetatable(t, mt)
end
G.getmetatable = function(v)
  local mt = getmetatable(v)
  if mt == NOMT then return nil end
  return mt
end
G.rawset = function(t, k, v)
  if type(t) ~= 'table' then error(sformat("bad argument #1 to 'rawset' (table expected, got %s)", t == nil and 'no value' or type(t)), 2) end
  if RO[t] then error(RO_ERR, 0) end
  return rawset(t, k, v)
end
for _, name in ipairs({ 'string', 'table', 'math', 'coroutine', 'redis', 'bit', 'struct', 'cjson', 'cmsgpack' }) do
  G[name] = readonly(G[name])
end
-- Strings' metatable is shared by every script: read-only too, its methods the read-only string.
local smt = getmetatable('')
smt.__index = G.string
smt.__metatable = readonly(smt)
G.debug = nil
local gmt = {
  __index = function(_, k) error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end,
}
setmetatable(G, gmt)
-- Scripts see G through a read-only view: new globals are refused (KEYS and ARGV are set by the
-- engine on G itself). Its metatable shows as Redis's globals' one, read-only.
local gmtview = readonly(gmt)
local env = readonly(G, gmtview)
rawset(G, '_G', env)
-- Code compiled at run time sees the same view; text only (no precompiled bytecode).
rawset(G, 'load', function(chunk, chunkname) armhook() return rawload(chunk, chunkname, 't', env) end)
rawset(G, 'loadstring', function(s, chunkname) armhook() return rawload(s, chunkname, 't', env) end)

-- ---------------------------------------------------------------- function libraries
-- Library code (functions state) runs in its own view of the globals. While FUNCTION LOAD runs a
-- library's body that view shows only the load-time API (redis.register_function, redis.log and
-- the version); afterwards the functions it registered see the ordinary globals.
local registered = nil
local NAMES_ERR = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long'
local FLAG_BITS = { ['no-writes'] = 1, ['allow-oom'] = 2, ['allow-stale'] = 4, ['no-cluster'] = 8, ['allow-cross-slot-keys'] = 16 }
local function rferr(msg) error({ err = 'ERR ' .. msg }) end
local function isstr(v) return type(v) == 'string' or type(v) == 'number' end
local function register_function(...)
  if registered == nil then rferr('redis.register_function can only be called on FUNCTION LOAD command') end
  local n = select('#', ...)
  if n < 1 or n > 2 then rferr('wrong number of arguments to redis.register_function') end
  local name, cb, desc, flags = nil, nil, nil, 0
  if n == 1 then
    local t = ...
    if type(t) ~= 'table' then
      rferr('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
    end
    for k, v in next, t do
      if not isstr(k) then rferr('named argument key given to redis.register_function is not a string') end
      local key = string.lower(tostring(k))
      if key == 'function_name' then
        if not isstr(v) then rferr('function_name argument given to redis.register_function must be a string') end
        name = tostring(v)
      elseif key == 'description' then
        if not isstr(v) then rferr('description argument given to redis.register_function must be a string') end
        desc = tostring(v)
      elseif key == 'callback' then
        if type(v) ~= 'function' then rferr('callback argument given to redis.register_function must be a function') end
        cb = v
      elseif key == 'flags' then
        if type(v) ~= 'table' then rferr('flags argument to redis.register_function must be a table representing function flags') end
        local j = 1
        while v[j] ~= nil do
          local bitv = isstr(v[j]) and FLAG_BITS[string.lower(tostring(v[j]))]
          if not bitv then rferr('unknown flag given') end
          flags = flags | bitv
          j = j + 1
        end
      else
        rferr('unknown argument given to redis.register_function')
      end
    end
    if name == nil then rferr('redis.register_function must get a function name argument') end
    if cb == nil then rferr('redis.register_function must get a callback argument') end
  else
    name, cb = ...
    if not isstr(name) then rferr('first argument to redis.register_function must be a string') end
    name = tostring(name)
    if type(cb) ~= 'function' then rferr('second argument to redis.register_function must be a function') end
  end
  if not name:find('^[%w_]+$') then rferr(NAMES_ERR) end
  if registered[name] then rferr('Function already exists in the library') end
  registered[name] = true
  registered[#registered + 1] = { name = name, callback = cb, description = desc, flags = flags }
end
local missing = { __index = function(_, k) error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end }
local loadredis = setmetatable({
  register_function = register_function, log = G.redis.log, REDIS_VERSION = G.redis.REDIS_VERSION,
  REDIS_VERSION_NUM = G.redis.REDIS_VERSION_NUM, LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
}, missing)
local loadapi = setmetatable({ redis = readonly(loadredis) }, missing)
local libmt = {
  __index = G,
  __newindex = deny,
  __pairs = function() return next, G, nil end,
  __metatable = gmtview,
}
local libenv = setmetatable({}, libmt)
RO[libenv] = true

-- The engine's entry points.
local internal = {}
-- Run a compiled library body: true and the registered functions, or false and the error.
internal.loadlib = function(f)
  dsetupvalue(f, 1, libenv)
  registered = {}
  libmt.__index = loadapi
  local ok, err = pcall(f)
  libmt.__index = G
  local r = registered
  registered = nil
  if not ok then return false, type(err) == 'string' and msg51(err) or err end
  return true, r
end
-- Compiled scripts run in the read-only view of the globals.
internal.bind = function(f) dsetupvalue(f, 1, env) return f end
-- Where a suspended script is (the first frame of script code): source, line.
local function where(co)
  local level = 0
  while true do
    local i = dgetinfo(co, level, 'Sl')
    if not i then return nil end
    -- (The prelude's own functions run stripped of their debug information: source "=?".)
    if i.what ~= 'C' and i.source ~= '=?' then return i.source, i.currentline end
    level = level + 1
  end
end
internal.where = where
-- A script's error, once its coroutine stopped on it (an error leaves the stack as it was): the
-- table {err=, source=, line=} Redis's error handler makes, with the position of the script code
-- that raised it (for an error raised by a C function, the Lua code that called it). Done after
-- the fact rather than by a handler in an xpcall around every script (7% of an EVALSHA).
internal.failed = function(co, err)
  local source, line = where(co)
  if type(err) ~= 'table' then
    local msg = msg51(tostring(err))
    -- A runtime error in the prelude's stripped code ("?:-1: "): 5.1 raised it from C code, which
    -- names the script's line.
    if source and ssub(msg, 1, 6) == '?:-1: ' then msg = ssub(source, 2) .. ':' .. line .. ': ' .. ssub(msg, 7) end
    err = { err = 'ERR ' .. msg }
  end
  if source then
    err.source = source
    err.line = line
  end
  return err
end
internal.memory = function() return collectgarbage('count') end
internal.gcstep = function() collectgarbage('step', 50) end
return internal
`;
