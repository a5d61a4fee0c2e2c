-- ysync shared log: replace the entries up to ARGV[2] by their merge, if the caller's fencing token is current.
-- KEYS[1] stream, KEYS[2] meta hash, KEYS[3] snapshot, KEYS[4] lease; ARGV[1] token, ARGV[2] last merged id,
-- ARGV[3] the merged update (the old snapshot and every entry up to ARGV[2]), ARGV[4] the id after ARGV[2] (MINID),
-- ARGV[5] the instance id. Returns 1 when written, 0 when fenced off (a later lease holder exists) or stale.
-- before(a, b): ids.lua, prepended.
local fence = tonumber(redis.call('HGET', KEYS[2], 'fence') or '0')
if tonumber(ARGV[1]) ~= fence then return 0 end
if redis.call('GET', KEYS[4]) == ARGV[5] then redis.call('DEL', KEYS[4]) end
local upto = redis.call('HGET', KEYS[2], 'snap')
if not upto then upto = '0-0' end
if not before(upto, ARGV[2]) then return 0 end
redis.call('SET', KEYS[3], ARGV[3])
redis.call('HSET', KEYS[2], 'snap', ARGV[2])
redis.call('XTRIM', KEYS[1], 'MINID', ARGV[4])
return 1
