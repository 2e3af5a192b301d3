-- The caller's and the global limit in one atomic step: the generic cell rate algorithm of
-- dev.modelyard.api.ratelimit.Gcra, whose comments explain it. A key holds the time (microseconds
-- of Redis's clock) at which its budget is full again, and expires then.
-- KEYS[1]: the caller's key, KEYS[2]: the global key.
-- ARGV: the caller's interval and window, then the global interval and window, in microseconds.
-- Returns, for the caller and then for the global limit: remaining, reset-after and retry-after in
-- microseconds; retry-after is 0 exactly when that limit allows.

-- Redis's clock, not the replicas': replicas whose clocks differ still agree on every budget.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local function check(key, interval, window)
  local stored = redis.call('GET', key)
  local from = now
  if stored then
    from = math.max(tonumber(stored), now)
  end
  local full_at = from + interval
  local ahead = full_at - now
  if ahead > window then
    return false, full_at, 0, from - now, ahead - window
  end
  return true, full_at, math.floor((window - ahead) / interval), ahead, 0
end

local function keep(key, full_at)
  -- %d: Lua would print a number this large in exponent form and lose its last digits.
  redis.call('SET', key, string.format('%d', full_at), 'PX', math.ceil((full_at - now) / 1000))
end

local caller_ok, caller_full_at, caller_remaining, caller_reset, caller_retry =
  check(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
local global_ok, global_full_at, global_remaining, global_reset, global_retry =
  check(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]))

-- A request refused by one limit spends neither budget.
if caller_ok and global_ok then
  keep(KEYS[1], caller_full_at)
  keep(KEYS[2], global_full_at)
end
return {caller_remaining, caller_reset, caller_retry, global_remaining, global_reset, global_retry}
