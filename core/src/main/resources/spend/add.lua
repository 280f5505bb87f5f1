-- Adds one charge to its agent's hourly and daily spend buckets, once per event id.
-- KEYS: 1 the counted event ids of the event's day, 2 daily bucket, 3 hourly bucket
-- ARGV: 1 event id, 2 amount in nano-units, 3 seconds to keep the day's counted ids ('0': count without recording
--       the id, for a day that is past deduplication), 4 seconds to keep the daily bucket, 5 the hourly bucket
if ARGV[3] ~= '0' then
  if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
    return 0
  end
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
redis.call('HINCRBY', KEYS[2], 'nanos', ARGV[2])
redis.call('HINCRBY', KEYS[2], 'count', 1)
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('HINCRBY', KEYS[3], 'nanos', ARGV[2])
redis.call('HINCRBY', KEYS[3], 'count', 1)
redis.call('EXPIRE', KEYS[3], ARGV[5])
return 1
