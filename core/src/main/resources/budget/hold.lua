-- Checks, and in 'hold' mode places, one hold on every budget it applies to: all or none.
-- KEYS: per budget, its state keys (see budget_at), then the buckets of its window.
-- ARGV: mode ('hold' | 'check'), estimated ('1' | '0'), holdId, nowMs, expiresAtMs, stateTtlSeconds, budgetCount,
--       then per budget: limitNanos, amountNanos, bucketCount
-- Returns {'NOT_READY', budgetIndexes...} | {'OK' | 'DENIED', failingIndex, spent1, held1, ...}
local mode, estimated, holdId, now, expiresAt, stateTtl = ARGV[1], ARGV[2] == '1', ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local budgets, k, i = {}, 1, 8
for b = 1, tonumber(ARGV[7]) do
  local budget = budget_at(k)
  budget.limit, budget.amount, budget.buckets = ARGV[i], ARGV[i + 1], {}
  for n = 1, tonumber(ARGV[i + 2]) do
    budget.buckets[n] = KEYS[k + GROUP + n - 1]
  end
  budgets[b] = budget
  k = k + GROUP + #budget.buckets
  i = i + 3
end

local lost = missing(budgets)
if lost then return lost end

if mode == 'hold' then
  -- A rebuild from PostgreSQL may have placed this hold before its own check ran (the hold is written there
  -- first): take it off and check it like a new one. Otherwise this releases nothing.
  for _, budget in ipairs(budgets) do release(budget, holdId) end
end

local result, failing = { 'OK', '0' }, 0
for b, budget in ipairs(budgets) do
  purge(budget, now)
  local spent = '0'
  if #budget.buckets > 0 then
    for _, value in ipairs(redis.call('MGET', unpack(budget.buckets))) do
      if value then spent = add(spent, value) end
    end
  end
  local held = redis.call('GET', budget.held) or '0'
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
    redis.call('ZADD', budget.holds, expiresAt, holdId)
    redis.call('HSET', budget.ha, holdId, budget.amount)
    redis.call('INCRBY', budget.held, budget.amount)
    keep({ budget.holds, budget.ha }, stateTtl)
  end
end
return result
