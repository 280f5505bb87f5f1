-- Shared by every budget script (prepended by RedisBudgetCounters). Amounts are non-negative whole
-- nano-units as decimal strings: Redis counters add them exactly (INCRBY), and these helpers add and compare
-- them exactly, because Lua numbers are doubles and would round above 2^53.
local P = 'cb:p:'

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

-- The budgets of a request whose state Redis lost (or never had); the caller rebuilds them and retries.
local function missing(budgets)
  local result = { 'NOT_READY' }
  for _, budget in ipairs(budgets) do
    if redis.call('EXISTS', P .. budget.id .. ':ready') == 0 then result[#result + 1] = budget.id end
  end
  if #result > 1 then return result end
  return nil
end

-- Takes a hold off one budget if it is still counted there; expiry and closing both come through here.
local function release(id, hold)
  local key = P .. id
  if redis.call('ZREM', key .. ':holds', hold) == 1 then
    local amount = redis.call('HGET', key .. ':ha', hold)
    if amount then redis.call('DECRBY', key .. ':held', amount) end
  end
  redis.call('HDEL', key .. ':ha', hold)
end

-- Expired holds stop counting the moment their time is up: each script drops them before it reads.
local function purge(id, now)
  local expired = redis.call('ZRANGEBYSCORE', P .. id .. ':holds', '-inf', now)
  for _, hold in ipairs(expired) do release(id, hold) end
end
