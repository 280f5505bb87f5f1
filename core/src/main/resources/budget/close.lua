-- Settles or voids a hold on every budget it applies to. Each budget remembers the holds it closed (for the
-- retention period), so a retried settle or void adds nothing twice, even across rebuilds of single budgets.
-- ARGV: action ('settle' | 'void'), holdId, nowMs, retentionMs, budgetCount, then per budget:
--       budgetKey, amountNanos, bucketId, keepSeconds
-- Returns {'NOT_READY', budgetKeys...} | {'OK', closedCount}
local action, holdId, now, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local budgets, i = {}, 6
for b = 1, tonumber(ARGV[5]) do
  budgets[b] = { id = ARGV[i], amount = ARGV[i + 1], bucket = ARGV[i + 2], keep = ARGV[i + 3] }
  i = i + 4
end

local lost = missing(budgets)
if lost then return lost end

local closed = 0
for _, budget in ipairs(budgets) do
  local key = P .. budget.id
  redis.call('ZREMRANGEBYSCORE', key .. ':closed', '-inf', tonumber(now) - tonumber(retention))
  if not redis.call('ZSCORE', key .. ':closed', holdId) then
    release(budget.id, holdId)
    if action == 'settle' then
      local bucket = key .. ':s:' .. budget.bucket
      redis.call('INCRBY', bucket, budget.amount)
      redis.call('EXPIRE', bucket, budget.keep)
    end
    redis.call('ZADD', key .. ':closed', now, holdId)
    closed = closed + 1
  end
end
return { 'OK', tostring(closed) }
