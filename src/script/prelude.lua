-- muxis: the Lua side of the script environment, run once when the VM is built, with the
-- real globals table. It builds what Redis 7.0.15 gives scripts: read-only globals and
-- libraries ("Attempt to modify a readonly table"), the nonexistent-global error, and the
-- parts of the `redis` table that are plain Lua. Returns the environment scripts run in.
local G, redis, hooks, allowed = ...
local error, setmetatable, rawset, loadstring, load, setfenv, type, tostring, select, pairs =
  error, setmetatable, rawset, loadstring, load, setfenv, type, tostring, select, pairs
local concat, sub, find, byte = table.concat, string.sub, string.find, string.byte

-- Tables scripts must not change: the proxies they see and the tables behind them.
local ro = setmetatable({}, {__mode = 'k'})
-- Proxy -> the table it shows, so that pairs/next see the contents.
local proxied = setmetatable({}, {__mode = 'k'})
local next, pcall, xpcall = next, pcall, xpcall

local function ro_error()
  error("Attempt to modify a readonly table", 2)
end

-- A read-only view of `t`: reads go through, every assignment fails.
local function protect(t)
  local p = {}
  local mt = {__index = t, __newindex = ro_error, __metatable = false}
  setmetatable(p, mt)
  proxied[p] = t
  ro[p] = true
  ro[t] = true
  ro[mt] = true
  return p
end

-- Remove what Redis does not load.
for k in pairs(G) do
  if not allowed[k] then rawset(G, k, nil) end
end

-- Redis's error table from an error string (`luaPushErrorBuff`): "-CODE msg" keeps its
-- code, anything else becomes "ERR msg"; CR and LF are trimmed from both ends.
local function push_error(s)
  local code, msg
  if sub(s, 1, 1) == '-' then
    local sp = find(s, ' ', 1, true)
    if sp then
      code, msg = sub(s, 2, sp - 1), sub(s, sp + 1)
    else
      code, msg = 'ERR', sub(s, 2)
    end
  else
    code, msg = 'ERR', s
  end
  msg = string.gsub(msg, '^[\r\n]+', '')
  msg = string.gsub(msg, '[\r\n]+$', '')
  return {err = code .. ' ' .. msg}
end

-- redis.call and redis.pcall are Rust functions set for each run (C functions, as in
-- Redis, so a `return redis.call(...)` keeps the script's frame for error locations). An
-- error reply raised by redis.call travels as a marker; `hooks.fix` gives back its table.
local fix = hooks.fix
-- Redis's `pcall` gives an error table's `err` string rather than the table.
local function fixed(ok, ...)
  if ok then return ok, ... end
  local e = fix((...))
  if type(e) == 'table' then
    local m = rawget(e, 'err')
    if type(m) == 'string' then e = m end
  end
  return false, e
end
redis.error_reply = function(...)
  local e = ...
  if select('#', ...) ~= 1 or (type(e) ~= 'string' and type(e) ~= 'number') then
    return push_error('wrong number or type of arguments')
  end
  e = tostring(e)
  if sub(e, 1, 1) ~= '-' then e = '-' .. e end
  return push_error(e)
end
redis.status_reply = function(...)
  local s = ...
  if select('#', ...) ~= 1 or (type(s) ~= 'string' and type(s) ~= 'number') then
    return push_error('wrong number or type of arguments')
  end
  return {ok = tostring(s)}
end
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.REDIS_VERSION = '7.0.15'
redis.REDIS_VERSION_NUM = 0x00070000 + 15
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3

-- The environment of scripts: an empty proxy of the globals, so every assignment fails.
local env = {}
local env_mt = {__index = G, __newindex = ro_error, __metatable = false}
setmetatable(env, env_mt)
proxied[env] = G
ro[env] = true
ro[env_mt] = true

-- Globals: a read of a missing one fails, as Redis's strict mode.
local g_mt = {
  __index = function(_, n)
    error("Script attempted to access nonexistent global variable '" .. tostring(n) .. "'", 2)
  end,
  __newindex = ro_error,
  __metatable = false,
}
setmetatable(G, g_mt)
ro[G] = true
ro[g_mt] = true

rawset(G, 'pcall', function(f, ...)
  return fixed(pcall(f, ...))
end)
rawset(G, 'xpcall', function(f, h)
  return fixed(xpcall(f, function(e) return h(fix(e)) end))
end)
rawset(G, 'next', function(t, k)
  return next(proxied[t] or t, k)
end)
rawset(G, 'pairs', function(t)
  return next, proxied[t] or t, nil
end)
rawset(G, 'rawset', function(t, k, v)
  if ro[t] then error("Attempt to modify a readonly table", 0) end
  return rawset(t, k, v)
end)
rawset(G, 'setmetatable', function(t, mt)
  if ro[t] then error("Attempt to modify a readonly table", 0) end
  return setmetatable(t, mt)
end)
-- Chunks loaded by a script run in the scripts' environment; binary chunks are refused.
rawset(G, 'loadstring', function(s, name)
  if type(s) == 'string' and byte(s, 1) == 27 then
    return nil, 'attempt to load a binary chunk'
  end
  local f, e = loadstring(s, name)
  if f then setfenv(f, env) end
  return f, e
end)
rawset(G, 'load', function(reader, name)
  local parts = {}
  while true do
    local piece = reader()
    if piece == nil or piece == '' then break end
    if type(piece) ~= 'string' then return nil, 'reader function must return a string' end
    parts[#parts + 1] = piece
  end
  return G.loadstring(concat(parts), name or '=(load)')
end)

for _, name in pairs({'string', 'math', 'table', 'coroutine', 'bit', 'cjson', 'cmsgpack', 'struct'}) do
  local lib = rawget(G, name)
  if lib then rawset(G, name, protect(lib)) end
end
-- The string metatable stays a plain table (Lua reads it raw): it points at the proxy.
getmetatable('').__index = rawget(G, 'string')
rawset(G, 'redis', protect(redis))
rawset(G, '_G', env)
return env, protect, function(api) env_mt.__index = api or G end
