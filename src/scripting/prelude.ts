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
unpack = tunpack
table.getn = function(t) return #t end
table.setn = function() error("'setn' is obsolete", 2) end
table.maxn = function(t)
  local m = 0
  for k in pairs(t) do if type(k) == 'number' and k > m then m = k end end
  return m
end
table.foreach = function(t, f)
  for k, v in pairs(t) do local r = f(k, v) if r ~= nil then return r end end
end
table.foreachi = function(t, f)
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
bit.tobit = function(x) return tobit(x) end
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
local ESC = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function escstr(s)
  return '"' .. sgsub(s, '[%c"\\/]', function(ch) return ESC[ch] or sformat('\\u%04x', sbyte(ch)) end) .. '"'
end
local encode
local function encnum(v)
  if v ~= v or v == huge or v == -huge then error('Cannot serialise number: must not be NaN or Inf', 0) end
  if mtype(v) == 'integer' then
    if v > -1e14 and v < 1e14 then return sformat('%d', v) end
    v = v + 0.0
  end
  return sformat('%.14g', v)
end
encode = function(v, depth, out)
  local t = type(v)
  if t == 'string' then out[#out + 1] = escstr(v)
  elseif t == 'number' then out[#out + 1] = encnum(v)
  elseif t == 'boolean' then out[#out + 1] = v and 'true' or 'false'
  elseif t == 'nil' or v == JNULL then out[#out + 1] = 'null'
  elseif t == 'table' then
    depth = depth + 1
    if depth > 1000 then error(sformat('Cannot serialise, excessive nesting (%d)', depth), 0) end
    local max, count, isarray = 0, 0, true
    for k in pairs(v) do
      if type(k) == 'number' and k > 0 and floor(k) == k then
        if k > max then max = k end
        count = count + 1
      else isarray = false break end
    end
    if isarray and max > 10 and max > count * 2 then error('Cannot serialise table: excessively sparse array', 0) end
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
        if kt ~= 'string' and kt ~= 'number' then error('Cannot serialise ' .. kt .. ': table key must be a number or string', 0) end
        if not first then out[#out + 1] = ',' end
        first = false
        out[#out + 1] = kt == 'string' and escstr(k) or escstr(encnum(k))
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
local function decode_error(msg, s, pos)
  error(sformat('Expected %s but found %s at character %d', msg, pos > #s and 'T_END' or 'invalid token', pos), 0)
end
local decode_value
local function skip(s, pos) return s:find('[^ \t\r\n]', pos) or #s + 1 end
local UNESC = { b = '\b', f = '\f', n = '\n', r = '\r', t = '\t', ['"'] = '"', ['\\'] = '\\', ['/'] = '/' }
local function utf8char(cp)
  if cp < 0x80 then return schar(cp)
  elseif cp < 0x800 then return schar(0xC0 | (cp >> 6), 0x80 | (cp & 0x3F))
  elseif cp < 0x10000 then return schar(0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
  else return schar(0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3F), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F)) end
end
local function decode_string(s, pos)
  local parts, i = {}, pos + 1
  while true do
    local j = s:find('["\\]', i)
    if not j then decode_error('value', s, #s + 1) end
    parts[#parts + 1] = ssub(s, i, j - 1)
    if ssub(s, j, j) == '"' then return tconcat(parts), j + 1 end
    local e = ssub(s, j + 1, j + 1)
    if e == 'u' then
      local cp = tonumber(ssub(s, j + 2, j + 5), 16)
      if not cp then decode_error('value', s, j) end
      local nexti = j + 6
      if cp >= 0xD800 and cp <= 0xDBFF and ssub(s, nexti, nexti + 1) == '\\u' then
        local lo = tonumber(ssub(s, nexti + 2, nexti + 5), 16)
        if lo and lo >= 0xDC00 and lo <= 0xDFFF then
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
          nexti = nexti + 6
        end
      end
      parts[#parts + 1] = utf8char(cp)
      i = nexti
    else
      local u = UNESC[e]
      if not u then decode_error('value', s, j) end
      parts[#parts + 1] = u
      i = j + 2
    end
  end
end
decode_value = function(s, pos, depth)
  pos = skip(s, pos)
  local c = ssub(s, pos, pos)
  if c == '{' then
    if depth >= 1000 then error(sformat('Found too many nested data structures (%d) at character %d', depth + 1, pos), 0) end
    local t = {}
    pos = skip(s, pos + 1)
    if ssub(s, pos, pos) == '}' then return t, pos + 1 end
    while true do
      pos = skip(s, pos)
      if ssub(s, pos, pos) ~= '"' then decode_error('object key string', s, pos) end
      local k
      k, pos = decode_string(s, pos)
      pos = skip(s, pos)
      if ssub(s, pos, pos) ~= ':' then decode_error('colon', s, pos) end
      t[k], pos = decode_value(s, pos + 1, depth + 1)
      pos = skip(s, pos)
      local d = ssub(s, pos, pos)
      if d == '}' then return t, pos + 1 end
      if d ~= ',' then decode_error('comma or object end', s, pos) end
      pos = pos + 1
    end
  elseif c == '[' then
    if depth >= 1000 then error(sformat('Found too many nested data structures (%d) at character %d', depth + 1, pos), 0) end
    local t, n = {}, 0
    pos = skip(s, pos + 1)
    if ssub(s, pos, pos) == ']' then return t, pos + 1 end
    while true do
      n = n + 1
      t[n], pos = decode_value(s, pos, depth + 1)
      pos = skip(s, pos)
      local d = ssub(s, pos, pos)
      if d == ']' then return t, pos + 1 end
      if d ~= ',' then decode_error('comma or array end', s, pos) end
      pos = pos + 1
    end
  elseif c == '"' then return decode_string(s, pos)
  elseif ssub(s, pos, pos + 3) == 'true' then return true, pos + 4
  elseif ssub(s, pos, pos + 4) == 'false' then return false, pos + 5
  elseif ssub(s, pos, pos + 3) == 'null' then return JNULL, pos + 4
  else
    local num = s:match('^-?%d+%.?%d*[eE]?[-+]?%d*', pos)
    if num and num ~= '' and num ~= '-' then
      local v = tonumber(num)
      if v == nil then decode_error('value', s, pos) end
      if mtype(v) == 'integer' and (v >= 1e14 or v <= -1e14) then v = v + 0.0 end
      return v, pos + #num
    end
    decode_error('value', s, pos)
  end
end
cjson.decode = function(...)
  if select('#', ...) ~= 1 then error("bad argument #1 to 'decode' (expected 1 argument)", 2) end
  local s = ...
  if type(s) ~= 'string' then s = tostring(s) end
  local ok, v, pos = pcall(decode_value, s, 1, 0)
  if not ok then error(v, 2) end
  pos = skip(s, pos)
  if pos <= #s then error(sformat('Expected the end but found invalid token at character %d', pos), 2) end
  return v
end
cjson.encode_keep_buffer = function() end
cjson.encode_max_depth = function() return 1000 end
cjson.decode_max_depth = function() return 1000 end
cjson.encode_number_precision = function() return 14 end
cjson.encode_sparse_array = function() return false, 2, 10 end
cjson.encode_invalid_numbers = function() return false end
cjson.decode_invalid_numbers = function() return true end
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
-- Redis's pcall hands the message of an error table (redis.call's errors) to the script, as older
-- versions did with their string errors.
G.pcall = function(f, ...)
  local r = tpack(pcall(f, ...))
  if not r[1] and type(r[2]) == 'table' and type(r[2].err) == 'string' then r[2] = r[2].err end
  return tunpack(r, 1, r.n)
end

local function readonly(t)
  return setmetatable({}, {
    __index = t,
    __newindex = function() error('Attempt to modify a readonly table', 2) end,
    __pairs = function() return next, t, nil end,
    __len = function() return #t end,
    __metatable = false,
  })
end
for _, name in ipairs({ 'string', 'table', 'math', 'coroutine', 'redis', 'bit', 'struct', 'cjson', 'cmsgpack' }) do
  G[name] = readonly(G[name])
end
G.debug = nil
setmetatable(G, {
  __index = function(_, k) error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end,
})
-- Scripts see G through a read-only view: new globals are refused (KEYS and ARGV are set by the
-- engine on G itself).
local env = readonly(G)
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
  __newindex = function() error('Attempt to modify a readonly table', 2) end,
  __pairs = function() return next, G, nil end,
  __metatable = false,
}
local libenv = setmetatable({}, libmt)

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
  if not ok then return false, err end
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
    if i.what ~= 'C' and i.source ~= '=prelude' then return i.source, i.currentline end
    level = level + 1
  end
end
internal.where = where
-- A script's error, once its coroutine stopped on it (an error leaves the stack as it was): the
-- table {err=, source=, line=} Redis's error handler makes, with the position of the script code
-- that raised it (for an error raised by a C function, the Lua code that called it). Done after
-- the fact rather than by a handler in an xpcall around every script (7% of an EVALSHA).
internal.failed = function(co, err)
  if type(err) ~= 'table' then err = { err = 'ERR ' .. tostring(err) } end
  local source, line = where(co)
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
