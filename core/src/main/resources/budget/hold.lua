-- Checks, and in 'hold' mode places, one hold on every budget it applies to: all or none.
-- ARGV: mode ('hold' | 'check'), estimated ('1' | '0'), holdId, nowMs, expiresAtMs, budgetCount, then per
--       budget: budgetKey, limitNanos, amountNanos, bucketCount, bucketIds...
-- Returns {'NOT_READY', budgetKeys...} | {'OK' | 'DENIED', failingIndex, spent1, held1, ...}
local mode, estimated, holdId, now, expiresAt = ARGV[1], ARGV[2] == '1', ARGV[3], ARGV[4], ARGV[5]
local budgets, i = {}, 7
for b = 1, tonumber(ARGV[6]) do
  local budget = { id = ARGV[i], limit = ARGV[i + 1], amount = ARGV[i + 2], buckets = {} }
  local count = tonumber(ARGV[i + 3])
  i = i + 4
  for k = 1, count do
    budget.buckets[k] = P .. budget.id .. ':s:' .. ARGV[i]
    i = i + 1
  end
  budgets[b] = budget
end

local lost = missing(budgets)
if lost then return lost end

if mode == 'hold' then
  -- A rebuild from PostgreSQL may have placed this hold before its own check ran (the hold is written there
  -- first): take it off and check it like a new one. Otherwise this releases nothing.
  for _, budget in ipairs(budgets) do release(budget.id, holdId) end
end

local result, failing = { 'OK', '0' }, 0
for b, budget in ipairs(budgets) do
  purge(budget.id, now)
  local spent = '0'
  if #budget.buckets > 0 then
    for _, value in ipairs(redis.call('MGET', unpack(budget.buckets))) do
      if value then spent = add(spent, value) end
    end
  end
  local held = redis.call('GET', P .. budget.id .. ':held') or '0'
  local used = add(spent, held)
  local ok
  if estimated then
    ok = cmp(add(used, budget.amount), budget.limit) <= 0
  else
    ok = cmp(used, budget.limit) < 0
  end
  if not ok and failing == 0 then failing = b end
  result[#result + 1] = spent
  result[#result + 1] = held
end

if failing > 0 then
  result[1], result[2] = 'DENIED', tostring(failing)
  return result
end

if mode == 'hold' then
  for _, budget in ipairs(budgets) do
    local key = P .. budget.id
    redis.call('ZADD', key .. ':holds', expiresAt, holdId)
    redis.call('HSET', key .. ':ha', holdId, budget.amount)
    redis.call('INCRBY', key .. ':held', budget.amount)
  end
end
return result
