-- The caller's and the global limit in one atomic step: the generic cell rate algorithm of
-- dev.modelyard.api.ratelimit.Gcra, whose comments explain it. A key holds the time (microseconds
-- of Redis's clock) at which its budget is full again, and expires then.
-- KEYS[1]: the caller's key, KEYS[2]: the global key.
-- ARGV: the caller's interval, window and wanted requests, then the global interval, window and
-- wanted requests; interval and window in microseconds, the window being how far ahead a budget
-- may be booked (RateLimits.Limit.toleranceMicros: the limit's requests times its interval). A replica asks for several requests at
-- once (a lease) to serve the next ones without a round trip; wanted 0 skips a limit whose lease
-- still has requests. A limit that cannot grant all it is asked for grants one if it can.
-- Returns, for the caller and then for the global limit: granted, remaining, reset-after and
-- retry-after in microseconds; retry-after is 0 exactly when that limit allows.

-- Redis's clock, not the replicas': replicas whose clocks differ still agree on every budget.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local function try(from, interval, window, wanted)
  local full_at = from + wanted * interval
  local ahead = full_at - now
  if ahead > window then
    return nil
  end
  return {wanted, full_at, math.floor((window - ahead) / interval), ahead, 0}
end

-- {granted, full_at, remaining, reset, retry}; granted is 0 when refused or not asked.
local function check(key, interval, window, wanted)
  local stored = redis.call('GET', key)
  local from = now
  if stored then
    from = math.max(tonumber(stored), now)
  end
  if wanted == 0 then
    return {0, from, math.floor((window - (from - now)) / interval), from - now, 0}
  end
  local granted = try(from, interval, window, wanted) or try(from, interval, window, 1)
  if granted then
    return granted
  end
  return {0, from, 0, from - now, from + interval - now - window}
end

local function keep(key, full_at)
  -- %d: Lua would print a number this large in exponent form and lose its last digits.
  redis.call('SET', key, string.format('%d', full_at), 'PX', math.ceil((full_at - now) / 1000))
end

local caller_wanted = tonumber(ARGV[3])
local global_wanted = tonumber(ARGV[6])
local caller = check(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), caller_wanted)
local global = check(KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5]), global_wanted)
local caller_ok = caller_wanted == 0 or caller[1] > 0
local global_ok = global_wanted == 0 or global[1] > 0

-- A request refused by one limit spends neither budget.
if caller_ok and global_ok then
  if caller[1] > 0 then keep(KEYS[1], caller[2]) end
  if global[1] > 0 then keep(KEYS[2], global[2]) end
else
  caller[1] = 0
  global[1] = 0
end
return {caller[1], caller[3], caller[4], caller[5], global[1], global[3], global[4], global[5]}
