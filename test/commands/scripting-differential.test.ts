import { differential } from '../helpers/differential.js';

// EVAL and friends against a real redis-server 7.0, byte for byte, RESP2 and RESP3.
const E = (body: string, ...rest: string[]): string[] => ['EVAL', body, ...rest];
const E0 = (body: string): string[] => ['EVAL', body, '0'];

differential('scripting', {
  'Lua to RESP conversions': [
    E0('return 1'), E0('return -7'), E0('return 3.99'), E0('return -3.99'), E0("return 'str'"), E0('return true'),
    E0('return false'), E0('return nil'), E0('return {}'), E0("return {1, 2, 'three', {4, {5}}}"),
    E0("return {1, 2, nil, 4}"), E0("return {ok = 'fine'}"), E0("return {err = 'MYERR bad thing'}"),
    E0("return {ok = 'a\\r\\nb'}"), E0("return {1, {err = 'NESTED x'}, 3}"), E0("return {1, {ok = 'nested'}, true, false}"),
    E0('return 1e300'), E0('return 2^53 + 1'), E0('return 0/0'), E0('return -1/0'), E0('return 10/4'),
    E0("local t = {} t[1] = 'a' t[3] = 'c' return t"), E0("return {a = 1, b = 2}"), E0('return function() end'),
  ],
  'nested and self-referencing tables': [
    E0("local t = {map = {a = {1, 2}}} return t"), E0("return {map = {b = {map = {c = 'd'}}}}"),
    E0("return {set = {a = true}}"),
    E0("return {map = {[{1}] = {ok = 'x'}}}"), E0("return {1, {map = {k = {err = 'E inner'}}}, {double = 2.5}}"),
  ],
  'RESP3 types from Lua': [
    E0("return {double = 3.5}"), E0("return {double = 1/0}"), E0("return {big_number = '123456789012345678901234567890'}"),
    E0("return {map = {a = 1}}"), E0("return {set = {x = true}}"),
    E0("return {verbatim_string = {format = 'txt', string = 'hello'}}"),
    E0("redis.setresp(3) return true"), E0("redis.setresp(3) return false"),
  ],
  'redis.call replies to Lua': [
    ['SET', 'k', 'v'], ['RPUSH', 'l', 'a', 'b', 'c'], ['HSET', 'h', 'f', 'v'],
    E("return redis.call('GET', KEYS[1])", '1', 'k'), E("return redis.call('GET', KEYS[1])", '1', 'missing'),
    E("return type(redis.call('GET', 'missing'))", '0'), E("return redis.call('SET', 'x', '1')", '0'),
    E("return type(redis.call('SET', 'x', '1'))", '0'), E("return redis.call('SET', 'x', '1').ok", '0'),
    E("return redis.call('INCR', 'n')", '0'), E("return redis.call('LRANGE', 'l', 0, -1)", '0'),
    E("return #redis.call('LRANGE', 'l', 0, -1)", '0'), E("return redis.call('HGETALL', 'h')", '0'),
    E("return redis.call('INCRBYFLOAT', 'f', '1.5')", '0'), E("return redis.call('EXISTS', 'k', 'x', 'nope')", '0'),
    E("return tostring(redis.call('INCR', 'n') + 1)", '0'), E("return redis.call('BLPOP', 'empty', 0)", '0'),
    E("return redis.call('ECHO', 12345678901234567)", '0'), E("return redis.call('ECHO', 3.25)", '0'),
  ],
  'RESP3 replies to Lua after setresp(3)': [
    ['HSET', 'h', 'f', 'v'], ['SADD', 's', 'm'], ['SET', 'f', '2.5'],
    E0("redis.setresp(3) local r = redis.call('HGETALL', 'h') return r.map.f"),
    E0("redis.setresp(3) local r = redis.call('SMEMBERS', 's') return tostring(r.set.m)"),
    E0("redis.setresp(3) return redis.call('HGETALL', 'h')"),
    E0("redis.setresp(3) return type(redis.call('GET', 'missing'))"),
    E0("redis.setresp(3) return redis.call('ZSCORE', 'z', 'm')"),
    E0("redis.call('ZADD', 'z', 1.5, 'm') redis.setresp(3) return redis.call('ZSCORE', 'z', 'm')"),
    E0("redis.call('ZADD', 'z', 1.5, 'm') redis.setresp(3) return redis.call('ZSCORE', 'z', 'm').double * 2"),
    E0('redis.setresp(4)'), E0('redis.setresp()'),
  ],
  'errors': [
    ['SET', 's', 'abc'],
    E0('return x'), E0('x = 1'), E0('return 1 +'), E0("error('boom')"), E0("error({err = 'MY boom'})"),
    E("return redis.call('INCR', KEYS[1])", '1', 's'), E("return redis.pcall('INCR', KEYS[1])", '1', 's'),
    E("local r = redis.pcall('INCR', KEYS[1]) return r.err", '1', 's'),
    E0("return redis.call('nosuch')"), E0('return redis.call()'), E0("return redis.call('get')"),
    E0("return redis.call('GET', {})"), E0("return redis.call('eval', 'return 1', 0)"),
    E0("return redis.error_reply('E1 x')"), E0("return redis.error_reply('nocode')"), E0("return redis.error_reply('-ERR dash')"),
    E0('return redis.error_reply(1)'), E0("return redis.status_reply('FINE')"), E0('return redis.status_reply()'),
    E0("local ok, e = pcall(function() redis.call('INCR', 's') end) return e"),
    E0("local ok, e = pcall(function() error('inner') end) return e"),
    E0("local ok, e = pcall(function() error({err = 'TBL x'}) end) return e"),
    E0("return pcall(redis.call, 'INCR', 's')"),
    E0('string.foo = 1'), E0('redis.call = nil'), E0('_G.x = 1'), E0('local t = {} t.x = 1 return t.x'),
    ['EVAL', 'return 1', '-1'], ['EVAL', 'return 1', '2', 'a'], ['EVAL', 'return 1', 'x'],
    ['EVALSHA', 'abc', '0'], ['EVALSHA', '0123456789012345678901234567890123456789', '0'],
    E0("return redis.sha1hex('')"), E0("return redis.sha1hex('abc')"), E0('return redis.sha1hex()'),
  ],
  'KEYS and ARGV': [
    E('return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}', '2', 'k1', 'k2', 'a1', 'a2'),
    E('return #KEYS + #ARGV', '0'), E('return KEYS', '3', 'a', 'b', 'c'), E('return ARGV', '0', 'x', '', 'z'),
    E("return ARGV[1] .. '|' .. #ARGV[1]", '0', 'bin\x00ary\xff'),
  ],
  'EVALSHA and SCRIPT': [
    ['SCRIPT', 'LOAD', 'return 42'], ['EVALSHA', '1fa00e76656cc152ad327c13fe365858fd7be306', '0'],
    ['EVALSHA', '1FA00E76656CC152AD327C13FE365858FD7BE306', '0'],
    ['SCRIPT', 'EXISTS', '1fa00e76656cc152ad327c13fe365858fd7be306', 'ffffffffffffffffffffffffffffffffffffffff'],
    ['EVALSHA_RO', '1fa00e76656cc152ad327c13fe365858fd7be306', '0'], ['SCRIPT', 'LOAD', 'return +'],
    ['SCRIPT', 'FLUSH', 'foo'], ['SCRIPT', 'KILL'], ['SCRIPT', 'NOPE'], ['SCRIPT'],
    ['SCRIPT', 'DEBUG', 'NO'], ['SCRIPT', 'DEBUG', 'bogus'], ['SCRIPT', 'HELP', 'extra'],
  ],
  'read-only scripts and shebang flags': [
    ['EVAL_RO', "return redis.call('SET', 'k', 'v')", '0'], ['EVAL_RO', "return redis.call('GET', 'k')", '0'],
    ['EVAL_RO', "return redis.pcall('DEL', 'k')", '0'],
    E0("#!lua flags=no-writes\nreturn redis.call('SET', 'k', 'v')"), E0("#!lua flags=no-writes\nreturn redis.call('GET', 'k')"),
    E0("#!lua\nreturn redis.call('SET', 'k', 'v')"), ['EVAL_RO', "#!lua\nreturn 1", '0'],
    ['EVAL_RO', "#!lua flags=no-writes\nreturn 1", '0'],
    E0("#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1"),
    E0('#!lua flags=bogus\nreturn 1'), E0('#!lua foo=bar\nreturn 1'), E0('#!python\nreturn 1'), E0('#!lua'),
    E0('#!lua flags=no-writes\nreturn x'), E0('#!lua name=x\nreturn 1'),
  ],
  'Lua 5.1 dialect': [
    E0("return string.format('%d', 3.5)"), E0("return string.format('%5.1f|%s|%d|%x', 3.14159, 2.0, '12', 255.9)"),
    E0('return tostring(10/2)'), E0('return tostring(7/2)'), E0('return tostring(2^53)'), E0('return tostring(1e15)'),
    E0('return tostring(1e16)'), E0('return tostring(0.1)'), E0('return tostring(-0.0)'), E0('return tostring(1/0)'),
    E0('return table.getn({1, 2, 3})'), E0('return {unpack({1, 2, 3})}'), E0("return loadstring('return 7')()"),
    E0('return math.pow(2, 10)'), E0('return math.mod(7, 3)'), E0('return table.maxn({1, 2, nil, 9})'),
    E0('return _VERSION'), E0('return math.floor(3.7)'), E0('return 7 % 3'), E0('return tonumber("0x10")'),
    E0("return type(setfenv)"), E0("return type(os)"), E0('return type(print)'), E0('return type(string.pack)'),
    E0('return type(gcinfo())'), E0("local s = 0 for w in string.gfind('a b c', '%a') do s = s + 1 end return s"),
    E0("return {math.random(), math.random(10), math.random(5, 7)}"), E0('math.randomseed(42) return math.random(1000)'),
  ],
  'cjson': [
    E0("return cjson.encode({1, 2, 'x', true, false})"), E0("return cjson.encode({a = 'b'})"), E0('return cjson.encode({})'),
    E0("return cjson.encode('a\"b/c\\n')"), E0('return cjson.encode(3.25)'), E0('return cjson.encode(1e20)'),
    E0("return cjson.encode({1, {2, {3}}})"), E0("return cjson.encode(cjson.null)"),
    E0("local t = cjson.decode('[1,2,3]') return t[3]"), E0("return cjson.decode('{\"a\":{\"b\":[10,20]}}').a.b[2]"),
    E0("return cjson.decode('\"\\\\u00e9\"')"), E0("return tostring(cjson.decode('[null]')[1] == cjson.null)"),
    E0("return cjson.decode('1.5') * 2"), E0("return type(cjson.decode('true'))"),
    E0("return cjson.encode(cjson.decode('{\"k\":[1,2.5,\"s\",true,null]}'))"),
  ],
  'cmsgpack and bit and struct': [
    E0("return cmsgpack.pack({1, 2, 3})"), E0("return cmsgpack.pack('abc', 1, -1, 300, -300, 70000, 2^40, 1.5, true, false)"),
    E0("return {cmsgpack.unpack(cmsgpack.pack('abc', 1, -1, 300, 70000))}"),
    E0("local t = cmsgpack.unpack(cmsgpack.pack({a = 1})) return t.a"),
    E0("return cmsgpack.pack(string.rep('x', 40))"),
    E0('return {bit.band(0xff, 0x0f), bit.bor(1, 2), bit.bxor(3, 1), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4)}'),
    E0('return {bit.tobit(2^32 + 5), bit.bnot(0), bit.tohex(255), bit.tohex(-1, -4), bit.rol(1, 33), bit.bswap(0x12345678)}'),
    E0("return struct.pack('>I2', 258)"), E0("return {struct.unpack('<i4', struct.pack('<i4', -2))}"),
    E0("return struct.size('>iHb')"), E0("return {struct.unpack('s', 'abc\\0def')}"),
  ],
  'writes, types and databases': [
    E("redis.call('SET', KEYS[1], ARGV[1]) redis.call('EXPIRE', KEYS[1], 100) return redis.call('TTL', KEYS[1])", '1', 'k', 'v'),
    E0("redis.call('SELECT', 1) redis.call('SET', 'in1', 'x') return redis.call('DBSIZE')"),
    ['DBSIZE'], ['SELECT', '1'], ['GET', 'in1'],
    E0("redis.call('LPUSH', 'l', 'a') return redis.call('TYPE', 'l')"), E0("return redis.call('TYPE', 'l').ok"),
    E0("return redis.call('PING')"), E0("return redis.call('PING', 'x')"),
  ],
  'redis.* constants and helpers': [
    E0('return redis.REDIS_VERSION'), E0('return redis.REDIS_VERSION_NUM'), E0("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}"),
    E0("return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}"),
    E0("redis.log(redis.LOG_WARNING, 'from a script') return 1"), E0('redis.log(1)'), E0('redis.log(9, "x")'),
    E0('return tostring(redis.replicate_commands())'), E0('return tostring(redis.breakpoint())'), E0('redis.debug("x") return 1'),
    E0('redis.set_repl(redis.REPL_ALL) return 1'), E0('redis.set_repl(9)'), E0('redis.set_repl()'),
    E0("return redis.acl_check_cmd('GET', 'x')"), E0("return redis.acl_check_cmd('NOPE')"),
  ],
  'MULTI with EVAL': [
    ['MULTI'], E0("return redis.call('INCR', 'c')"), E0("return redis.call('INCR', 'c')"), ['EXEC'],
  ],
});

const LIB = (name: string, body: string): string => `#!lua name=${name}\n${body}`;
const F1 = "redis.register_function('f1', function(keys, args) return {keys[1], args[1], #keys, #args} end)";

differential('functions', {
  'load, call, list, delete': [
    ['FUNCTION', 'FLUSH'], ['FUNCTION', 'LOAD', LIB('lib1', F1)], ['FCALL', 'f1', '1', 'k', 'a'], ['FCALL_RO', 'f1', '0'],
    ['FUNCTION', 'LIST'], ['FUNCTION', 'LIST', 'WITHCODE'], ['FUNCTION', 'LIST', 'LIBRARYNAME', 'li*'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'x*'], ['FUNCTION', 'LIST', 'LIBRARYNAME'], ['FUNCTION', 'LIST', 'BOGUS'],
    ['FUNCTION', 'LOAD', LIB('lib1', F1)], ['FUNCTION', 'LOAD', 'REPLACE', LIB('lib1', F1)],
    ['FUNCTION', 'LOAD', 'BOGUS', LIB('lib1', F1)], ['FUNCTION', 'STATS'], ['FUNCTION', 'DELETE', 'lib1'],
    ['FUNCTION', 'DELETE', 'lib1'], ['FCALL', 'f1', '0'], ['FUNCTION', 'FLUSH', 'bogus'], ['FUNCTION', 'FLUSH', 'SYNC'],
    ['FUNCTION', 'FLUSH', 'SYNC', 'x'], ['function', 'Flush', 'a', 'b'], ['FUNCTION', 'RESTORE', 'x', 'APPEND', 'y'],
  ],
  'library metadata and registration errors': [
    ['FUNCTION', 'FLUSH'],
    ['FUNCTION', 'LOAD', 'return 1'], ['FUNCTION', 'LOAD', '#!lua'], ['FUNCTION', 'LOAD', '#!lua\nreturn 1'],
    ['FUNCTION', 'LOAD', '#!lua name=a name=b\nreturn 1'], ['FUNCTION', 'LOAD', '#!lua foo=bar\nreturn 1'],
    ['FUNCTION', 'LOAD', '#!js name=x\nreturn 1'], ['FUNCTION', 'LOAD', '#!lua name=bad-name\nreturn 1'],
    ['FUNCTION', 'LOAD', LIB('e', 'return 1')], ['FUNCTION', 'LOAD', LIB('e', 'return +')],
    ['FUNCTION', 'LOAD', LIB('e', "redis.call('PING')")], ['FUNCTION', 'LOAD', LIB('e', "redis.register_function('x')")],
    ['FUNCTION', 'LOAD', LIB('e', "redis.register_function('x', 1)")], ['FUNCTION', 'LOAD', LIB('e', "redis.register_function(1, 2, 3)")],
    ['FUNCTION', 'LOAD', LIB('e', "redis.register_function({})")], ['FUNCTION', 'LOAD', LIB('e', "redis.register_function({function_name='x'})")],
    ['FUNCTION', 'LOAD', LIB('e', "redis.register_function({function_name='x', callback=function() end, flags={'bogus'}})")],
    ['FUNCTION', 'LOAD', LIB('e', "redis.register_function({function_name='x', callback=function() end, other=1})")],
    ['FUNCTION', 'LOAD', LIB('e', "redis.register_function('bad name', function() end)")],
    ['FUNCTION', 'LOAD', LIB('e', "redis.register_function('x', function() end) redis.register_function('x', function() end)")],
    ['FUNCTION', 'LOAD', LIB('e', "local s = string.len('a')")], ['FUNCTION', 'LOAD', LIB('e', "x = 1")],
    ['FUNCTION', 'LOAD', LIB('e', "error('boom')")], ['FUNCTION', 'LOAD', LIB('e', "return redis.setresp(3)")],
    ['FUNCTION', 'LOAD', LIB('ok', "redis.log(redis.LOG_NOTICE, redis.REDIS_VERSION) redis.register_function('x', function() return 1 end)")],
    ['FUNCTION', 'LOAD', LIB('ok2', "redis.register_function('x', function() return 2 end)")], ['FCALL', 'x', '0'],
  ],
  'calling functions': [
    ['FUNCTION', 'FLUSH'],
    ['FUNCTION', 'LOAD', LIB('c', [
      "redis.register_function('w', function(keys, args) return redis.call('SET', keys[1], args[1]) end)",
      "redis.register_function{function_name='r', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}",
      "redis.register_function{function_name='rw', callback=function(keys) return redis.call('DEL', keys[1]) end, flags={'no-writes'}}",
      "redis.register_function('g', function() return KEYS end)",
      "redis.register_function('e', function() error('oops') end)",
      "redis.register_function('t', function() return {redis.call('PING'), redis.pcall('INCR', 'w'), type(redis.register_function)} end)",
    ].join('\n'))],
    ['FCALL', 'w', '1', 'k', 'v'], ['FCALL', 'r', '1', 'k'], ['FCALL_RO', 'r', '1', 'k'], ['FCALL_RO', 'w', '1', 'k', 'v'],
    ['FCALL', 'rw', '1', 'k'], ['FCALL', 'g', '0'], ['FCALL', 'e', '0'], ['FCALL', 't', '0'], ['FCALL', 'nosuch', '0'],
    ['FCALL', 'w', 'x'], ['FCALL', 'w', '-1'], ['FCALL', 'w', '5', 'a'], ['FCALL'], ['FCALL', 'w'],
  ],
});

// Used memory is always over a 1-byte maxmemory: the OOM rules of scripts (checked at start for
// flagged scripts, at the first write for the others).
differential('scripting over maxmemory', {
  'OOM': [
    E0("return redis.call('SET', 'k', 'v')"), E0("return redis.pcall('SET', 'k', 'v')"), E0("return redis.call('GET', 'k')"),
    E0("redis.call('DEL', 'k') return redis.call('SET', 'k', 'v')"),
    E0("#!lua\nreturn redis.call('GET', 'k')"), E0("#!lua flags=no-writes\nreturn redis.call('GET', 'k')"),
    E0("#!lua flags=allow-oom\nreturn redis.call('SET', 'k', 'v')"), ['EVAL_RO', "return redis.call('GET', 'k')", '0'],
    ['FUNCTION', 'LOAD', "#!lua name=oom\nredis.register_function('f', function() return 1 end)"],
  ],
}, { serverArgs: ['--maxmemory', '1'] });
