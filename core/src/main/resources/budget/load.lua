-- Rebuilds one budget from PostgreSQL's figures, unless another replica already did.
-- ARGV: policyId, recordTtlMs, bucketCount, (bucketId, nanos, keepSeconds)..., holdCount,
--       (holdId, nanos, expiresAtMs)..., closedCount, (holdId, state)...
-- Returns 1 when it loaded, 0 when the budget was already ready.
local id, recordTtl = ARGV[1], ARGV[2]
if ready(id) then return 0 end
local key = P .. id
redis.call('DEL', key .. ':held', key .. ':holds', key .. ':ha')
local i = 4
for _ = 1, tonumber(ARGV[3]) do
  redis.call('SET', key .. ':s:' .. ARGV[i], ARGV[i + 1], 'EX', ARGV[i + 2])
  i = i + 3
end
local holds = tonumber(ARGV[i])
i = i + 1
redis.call('SET', key .. ':held', '0')
for _ = 1, holds do
  local hold, amount = ARGV[i], ARGV[i + 1]
  redis.call('ZADD', key .. ':holds', ARGV[i + 2], hold)
  redis.call('HSET', key .. ':ha', hold, amount)
  redis.call('INCRBY', key .. ':held', amount)
  local record = 'cb:h:' .. hold
  if redis.call('EXISTS', record) == 0 then
    redis.call('HSET', record, 'state', 'open', 'checked', '0')
    redis.call('PEXPIRE', record, recordTtl)
  end
  i = i + 3
end
local closed = tonumber(ARGV[i])
i = i + 1
for _ = 1, closed do
  local record = 'cb:h:' .. ARGV[i]
  redis.call('HSET', record, 'state', ARGV[i + 1])
  redis.call('PEXPIRE', record, recordTtl)
  i = i + 2
end
redis.call('SET', key .. ':ready', '1')
return 1
