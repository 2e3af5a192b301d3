-- Checks MONTHLY_COST_LIMIT and the caller's budget against what every replica's cloud calls under
-- way may cost, and holds this call's cost if both allow it: one step, on Redis's clock, so that
-- calls starting on different replicas at once see each other.
--
-- KEYS[1]: the deployment's holds, a hash of hold id -> "<lapses at, ms> <micro-dollars> <caller>"
-- ARGV: hold id, caller ('' for none), micro-dollars to hold, lapse (ms),
--       recorded spend this month, limit (-1: none), the caller's recorded spend, its budget (-1: none)
-- Answers {0, held by all} when held; {1, held by all} past the limit; {2, held by the caller}
-- past the caller's budget. Lapsed holds are dropped on the way.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local caller = ARGV[2]
local entries = redis.call('HGETALL', KEYS[1])
local all, mine = 0, 0
for i = 1, #entries, 2 do
  local lapses, amount, holder = string.match(entries[i + 1], '^(%d+) (%d+) (.*)$')
  if lapses == nil or tonumber(lapses) <= now then
    redis.call('HDEL', KEYS[1], entries[i])
  else
    all = all + tonumber(amount)
    if caller ~= '' and holder == caller then
      mine = mine + tonumber(amount)
    end
  end
end
local limit, budget = tonumber(ARGV[6]), tonumber(ARGV[8])
if limit >= 0 and tonumber(ARGV[5]) + all >= limit then
  return {1, all}
end
if budget >= 0 and tonumber(ARGV[7]) + mine >= budget then
  return {2, mine}
end
local lapse = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', now + lapse) .. ' ' .. ARGV[3] .. ' ' .. caller)
if redis.call('PTTL', KEYS[1]) < lapse then
  redis.call('PEXPIRE', KEYS[1], lapse)
end
return {0, all}
