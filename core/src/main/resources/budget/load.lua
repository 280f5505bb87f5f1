-- Rebuilds one budget from PostgreSQL's figures, unless another replica already did.
-- ARGV: budgetKey, readyTtlSeconds, bucketCount, (bucketId, nanos, keepSeconds)..., holdCount,
--       (holdId, nanos, expiresAtMs)..., closedCount, (holdId, closedAtMs)...
-- Returns 1 when it loaded, 0 when the budget was already ready.
local id, readyTtl = ARGV[1], ARGV[2]
local key = P .. id
if redis.call('EXISTS', key .. ':ready') == 1 then return 0 end
redis.call('DEL', key .. ':held', key .. ':holds', key .. ':ha', key .. ':closed')
local i = 4
for _ = 1, tonumber(ARGV[3]) do
  redis.call('SET', key .. ':s:' .. ARGV[i], ARGV[i + 1], 'EX', ARGV[i + 2])
  i = i + 3
end
local holds = tonumber(ARGV[i])
i = i + 1
redis.call('SET', key .. ':held', '0')
for _ = 1, holds do
  redis.call('ZADD', key .. ':holds', ARGV[i + 2], ARGV[i])
  redis.call('HSET', key .. ':ha', ARGV[i], ARGV[i + 1])
  redis.call('INCRBY', key .. ':held', ARGV[i + 1])
  i = i + 3
end
local closed = tonumber(ARGV[i])
i = i + 1
for _ = 1, closed do
  redis.call('ZADD', key .. ':closed', ARGV[i + 1], ARGV[i])
  i = i + 2
end
-- Loaded state expires, so every budget is re-derived from PostgreSQL at least this often.
redis.call('SET', key .. ':ready', '1', 'EX', readyTtl)
return 1
