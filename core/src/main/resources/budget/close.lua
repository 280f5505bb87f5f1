-- Settles or voids a hold on every budget it applies to; idempotent by hold id.
-- ARGV: action ('settle' | 'void'), holdId, recordTtlMs, budgetCount, then per budget:
--       policyId, amountNanos, bucketId, keepSeconds
-- Returns {'NOT_READY', policyIds...} | {'DUPLICATE', state} | {'OK'}
local action, holdId, recordTtl = ARGV[1], ARGV[2], ARGV[3]
local budgets, i = {}, 5
for b = 1, tonumber(ARGV[4]) do
  budgets[b] = { id = ARGV[i], amount = ARGV[i + 1], bucket = ARGV[i + 2], keep = ARGV[i + 3] }
  i = i + 4
end

local missing = { 'NOT_READY' }
for _, budget in ipairs(budgets) do
  if not ready(budget.id) then missing[#missing + 1] = budget.id end
end
if #missing > 1 then return missing end

local record = 'cb:h:' .. holdId
local state = redis.call('HGET', record, 'state')
if state == 'settled' or state == 'voided' then return { 'DUPLICATE', state } end

for _, budget in ipairs(budgets) do
  release(budget.id, holdId)
  if action == 'settle' then
    local key = P .. budget.id .. ':s:' .. budget.bucket
    redis.call('INCRBY', key, budget.amount)
    redis.call('EXPIRE', key, budget.keep)
  end
end
local closed = 'voided'
if action == 'settle' then closed = 'settled' end
redis.call('HSET', record, 'state', closed)
redis.call('PEXPIRE', record, recordTtl)
return { 'OK' }
