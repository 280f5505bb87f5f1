-- Takes one request's token from an agent's bucket if it holds one: check and take in one script, so replicas
-- calling at once never both take the last token. The clock is Redis's own (TIME), the one clock every gateway
-- replica shares; a script reading it is replicated by its effects (the default since Redis 5, the only way
-- since 7), so Redis's own replicas store the same figures.
-- KEYS[1]: the bucket, a hash of tokens (fractional) and at (microseconds of the last refill); its one key
--          puts the whole script on one Redis Cluster slot.
-- ARGV: requests per second (decimal), burst (whole number).
-- Returns {1, 0} when a token was taken, else {0, microseconds until the bucket holds a whole token}.
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then
  tokens, at = burst, now
end
-- A clock that stepped back (a failover to a server whose clock lags) refills nothing until it has caught up.
if now > at then
  tokens = tokens + (now - at) * rate / 1000000
  at = now
end
-- A burst lowered since the last call applies at once.
tokens = math.min(tokens, burst)
local taken, wait = 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
else
  wait = math.ceil((1 - tokens) * 1000000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.0f', at))
-- Kept until it would be full again (and a second more): a missing bucket is a full one.
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return { taken, wait }
