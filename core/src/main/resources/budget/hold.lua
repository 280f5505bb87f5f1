-- Checks, and in 'hold' mode places, one hold on every budget it applies to: all or none.
-- ARGV: mode ('hold' | 'check'), holdId, nowMs, expiresAtMs, recordTtlMs, budgetCount, then per budget:
--       policyId, limitNanos, amountNanos, bucketCount, bucketIds...
-- Returns {'NOT_READY', policyIds...} | {'DUPLICATE', state} | {'OK' | 'DENIED', failingIndex, spent1, held1, ...}
local mode, holdId, now, expiresAt, recordTtl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
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

local missing = { 'NOT_READY' }
for _, budget in ipairs(budgets) do
  if not ready(budget.id) then missing[#missing + 1] = budget.id end
end
if #missing > 1 then return missing end

local record = 'cb:h:' .. holdId
if mode == 'hold' then
  local state = redis.call('HGET', record, 'state')
  if state then
    if state ~= 'open' or redis.call('HGET', record, 'checked') == '1' then return { 'DUPLICATE', state } end
    -- Placed by a rebuild from PostgreSQL before its own check ran: take it off and check it like a new hold.
    for _, budget in ipairs(budgets) do release(budget.id, holdId) end
  end
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
  if budget.amount == '0' then
    ok = cmp(used, budget.limit) < 0
  else
    ok = cmp(add(used, budget.amount), budget.limit) <= 0
  end
  if not ok and failing == 0 then failing = b end
  result[#result + 1] = spent
  result[#result + 1] = held
end

if failing > 0 then
  result[1], result[2] = 'DENIED', tostring(failing)
  if mode == 'hold' and redis.call('EXISTS', record) == 1 then
    redis.call('HSET', record, 'state', 'denied')
  end
  return result
end

if mode == 'hold' then
  for _, budget in ipairs(budgets) do
    local key = P .. budget.id
    redis.call('ZADD', key .. ':holds', expiresAt, holdId)
    redis.call('HSET', key .. ':ha', holdId, budget.amount)
    redis.call('INCRBY', key .. ':held', budget.amount)
  end
  redis.call('HSET', record, 'state', 'open', 'checked', '1')
  redis.call('PEXPIRE', record, recordTtl)
end
return result
