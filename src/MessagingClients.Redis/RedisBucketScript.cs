namespace MessagingClients.Redis;

/// <summary>
/// The one Lua script behind the shared bucket. Time comes from Redis (<c>TIME</c>), never from an instance's clock, so clock
/// skew between machines does not matter. The hash at KEYS[1] holds <c>tokens</c>, <c>ts</c> (µs of the last refill),
/// <c>rate</c> (the adaptive rate in force) and <c>lowered</c> (µs of the last decrease, for the cooldown).
/// ARGV: 1 operation (acquire | throttled | success), 2 configured rate, 3 burst, 4 key time-to-live in ms, then per operation:
/// acquire: 5 permits → {granted 1/0, wait µs, rate};
/// throttled: 5 decrease factor, 6 minimum rate, 7 cooldown µs → {lowered 1/0, 0, rate};
/// success: 5 recovery per success → {1, 0, rate}.
/// Refill is continuous: tokens = min(burst, tokens + elapsed · rate).
/// </summary>
internal static class RedisBucketScript
{
    public const string Acquire = "acquire";
    public const string Throttled = "throttled";
    public const string Success = "success";

    public const string Text = """
local function fmt(x)
  return string.format('%.17g', x)
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local op = ARGV[1]
local max_rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'rate', 'lowered')
local tokens = tonumber(v[1])
local ts = tonumber(v[2])
local rate = tonumber(v[3])
local lowered = tonumber(v[4])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
if rate == nil or rate > max_rate then
  rate = max_rate
end
if now > ts then
  tokens = tokens + (now - ts) * rate / 1000000
end
ts = now
if tokens > burst then
  tokens = burst
end
local result = 0
local wait = 0
if op == 'acquire' then
  local permits = tonumber(ARGV[5])
  if tokens + 0.0000001 >= permits then
    tokens = tokens - permits
    result = 1
  else
    wait = math.ceil((permits - tokens) * 1000000 / rate)
  end
elseif op == 'throttled' then
  local cooldown = tonumber(ARGV[7])
  if lowered == nil or now < lowered or now - lowered >= cooldown then
    rate = math.max(tonumber(ARGV[6]), rate * tonumber(ARGV[5]))
    if tokens > 0 then
      tokens = 0
    end
    lowered = now
    result = 1
  end
elseif op == 'success' then
  if rate < max_rate then
    rate = math.min(max_rate, rate + tonumber(ARGV[5]))
  end
  result = 1
end
if lowered == nil then
  redis.call('HSET', KEYS[1], 'tokens', fmt(tokens), 'ts', fmt(ts), 'rate', fmt(rate))
else
  redis.call('HSET', KEYS[1], 'tokens', fmt(tokens), 'ts', fmt(ts), 'rate', fmt(rate), 'lowered', fmt(lowered))
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {result, wait, fmt(rate)}
""";
}
