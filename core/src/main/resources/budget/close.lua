-- Settles or voids a hold on every budget it applies to. Each budget remembers the holds it closed (for the
-- retention period), so a retried settle or void adds nothing twice, even across rebuilds of single budgets.
-- KEYS: per budget, its state keys (see budget_at), then the bucket the charge lands in.
-- ARGV: action ('settle' | 'void'), holdId, nowMs, retentionMs, stateTtlSeconds, budgetCount, then per budget:
--       amountNanos, keepSeconds
-- Returns {'NOT_READY', budgetIndexes...} | {'OK', closedCount}
local action, holdId, now, retention, stateTtl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local budgets, k, i = {}, 1, 7
for b = 1, tonumber(ARGV[6]) do
  local budget = budget_at(k)
  budget.bucket, budget.amount, budget.keep = KEYS[k + GROUP], ARGV[i], ARGV[i + 1]
  budgets[b] = budget
  k = k + GROUP + 1
  i = i + 2
end

local lost = missing(budgets)
if lost then return lost end

local closed = 0
for _, budget in ipairs(budgets) do
  -- Trimmed on every close, so the set holds at most the retention period's closes.
  redis.call('ZREMRANGEBYSCORE', budget.closed, '-inf', tonumber(now) - tonumber(retention))
  if not redis.call('ZSCORE', budget.closed, holdId) then
    release(budget, holdId)
    if action == 'settle' then
      redis.call('INCRBY', budget.bucket, budget.amount)
      redis.call('EXPIRE', budget.bucket, budget.keep)
    end
    redis.call('ZADD', budget.closed, now, holdId)
    keep({ budget.closed }, stateTtl)
    closed = closed + 1
  end
end
return { 'OK', tostring(closed) }
