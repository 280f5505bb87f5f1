-- Shared by every budget script (prepended by RedisBudgetCounters). Every key a script touches comes in KEYS,
-- never built here, so a Redis Cluster client routes the call to the shard that holds them, and all of one call's
-- keys carry the same hash tag (the delegation tree's root agent), so that shard holds every one of them. Each
-- budget's keys come as a group: its five state keys (below), then the bucket counters the script reads or adds to.
-- Amounts are non-negative whole nano-units as decimal strings: Redis counters add them exactly (INCRBY), and
-- these helpers add and compare them exactly, because Lua numbers are doubles and would round above 2^53.
local GROUP = 5

-- A budget's state keys from KEYS[k]: present once loaded, total held, hold -> expiry, hold -> amount, and
-- recently closed holds.
local function budget_at(k)
  return { ready = KEYS[k], held = KEYS[k + 1], holds = KEYS[k + 2], ha = KEYS[k + 3], closed = KEYS[k + 4] }
end

local function add(a, b)
  local digits, carry = {}, 0
  local i, j = #a, #b
  while i > 0 or j > 0 or carry > 0 do
    local d = carry
    if i > 0 then d = d + string.byte(a, i) - 48 end
    if j > 0 then d = d + string.byte(b, j) - 48 end
    digits[#digits + 1] = string.char(48 + d % 10)
    carry = math.floor(d / 10)
    i = i - 1
    j = j - 1
  end
  local out = string.reverse(table.concat(digits)):gsub('^0+', '')
  if out == '' then return '0' end
  return out
end

local function cmp(a, b)
  if #a ~= #b then
    if #a < #b then return -1 end
    return 1
  end
  if a == b then return 0 end
  if a < b then return -1 end
  return 1
end

-- The budgets of a request (1-based, in request order) whose state Redis lost or never had; the caller rebuilds
-- them and retries.
local function missing(budgets)
  local result = { 'NOT_READY' }
  for b, budget in ipairs(budgets) do
    if redis.call('EXISTS', budget.ready) == 0 then result[#result + 1] = tostring(b) end
  end
  if #result > 1 then return result end
  return nil
end

-- Takes a hold off one budget if it is still counted there; expiry and closing both come through here.
local function release(budget, hold)
  if redis.call('ZREM', budget.holds, hold) == 1 then
    local amount = redis.call('HGET', budget.ha, hold)
    if amount then redis.call('DECRBY', budget.held, amount) end
  end
  redis.call('HDEL', budget.ha, hold)
end

-- Expired holds stop counting the moment their time is up: each script drops them before it reads.
local function purge(budget, now)
  local expired = redis.call('ZRANGEBYSCORE', budget.holds, '-inf', now)
  for _, hold in ipairs(expired) do release(budget, hold) end
end

-- State keys expire a while after they were last written, never before the ready marker (which lives at most
-- the ready TTL, and stateTtl is longer): a budget no one uses any more leaves nothing behind, and a budget
-- whose state expired is no longer ready, so it is rebuilt from PostgreSQL before it is read.
local function keep(keys, stateTtl)
  for _, key in ipairs(keys) do redis.call('EXPIRE', key, stateTtl) end
end
