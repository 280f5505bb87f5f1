-- Adds one charge to its agent's hourly and daily spend buckets, once per event id.
-- KEYS: 1 seen-set of the event's day, 2 daily bucket, 3 hourly bucket
-- ARGV: 1 event id, 2 amount in nano-units, 3 seconds to keep the day (set and daily bucket), 4 seconds to keep the hour
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('HINCRBY', KEYS[2], 'nanos', ARGV[2])
redis.call('HINCRBY', KEYS[2], 'count', 1)
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('HINCRBY', KEYS[3], 'nanos', ARGV[2])
redis.call('HINCRBY', KEYS[3], 'count', 1)
redis.call('EXPIRE', KEYS[3], ARGV[4])
return 1
