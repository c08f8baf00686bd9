-- A sliding-log rate limit: at most ARGV[1] requests in any ARGV[2]
-- microseconds for KEYS[1], on Redis's clock (so processes on hosts whose
-- clocks differ share one budget). ARGV[3] is a unique member.
-- Returns {allowed, remaining, retry_after_us, reset_after_us}.
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
local n = redis.call('ZCARD', key)
if n < rate then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, math.ceil(period / 1000))
  return {1, rate - n - 1, 0, period}
end
local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
local newest = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
return {0, 0, oldest + period - now, newest + period - now}
