-- Rebuilds one budget from PostgreSQL's figures, unless another replica already did, or the claim this rebuild
-- set before it read PostgreSQL is gone (Redis was flushed since): loading a snapshot older than what Redis
-- counted meanwhile would drop holds.
-- KEYS: the budget's state keys (see budget_at), then the buckets of its window, then its rebuild claim.
-- ARGV: readyTtlSeconds, stateTtlSeconds, bucketCount, (nanos, keepSeconds)..., holdCount,
--       (holdId, nanos, expiresAtMs)..., closedCount, (holdId, closedAtMs)..., claim
-- Returns 1 when it loaded, 0 when the budget was already ready or the claim was lost.
local readyTtl, stateTtl = ARGV[1], ARGV[2]
local budget = budget_at(1)
local rebuilding = KEYS[#KEYS]
if redis.call('GET', rebuilding) ~= ARGV[#ARGV] then return 0 end
redis.call('DEL', rebuilding)
if redis.call('EXISTS', budget.ready) == 1 then return 0 end
redis.call('DEL', budget.held, budget.holds, budget.ha, budget.closed)
local i = 4
for n = 1, tonumber(ARGV[3]) do
  redis.call('SET', KEYS[GROUP + n], ARGV[i], 'EX', ARGV[i + 1])
  i = i + 2
end
local holds = tonumber(ARGV[i])
i = i + 1
redis.call('SET', budget.held, '0')
for _ = 1, holds do
  redis.call('ZADD', budget.holds, ARGV[i + 2], ARGV[i])
  redis.call('HSET', budget.ha, ARGV[i], ARGV[i + 1])
  redis.call('INCRBY', budget.held, ARGV[i + 1])
  i = i + 3
end
local closed = tonumber(ARGV[i])
i = i + 1
for _ = 1, closed do
  redis.call('ZADD', budget.closed, ARGV[i + 1], ARGV[i])
  i = i + 2
end
keep({ budget.held, budget.holds, budget.ha, budget.closed }, stateTtl)
-- Loaded state expires, so every budget is re-derived from PostgreSQL at least this often.
redis.call('SET', budget.ready, '1', 'EX', readyTtl)
return 1
