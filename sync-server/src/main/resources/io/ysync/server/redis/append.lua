-- ysync shared log: append one update to a document's stream (io.ysync.server.redis.RedisStreams).
-- KEYS[1] stream, KEYS[2] meta hash; ARGV[1] the V1 update (field 'u': one short field name per entry).
-- Returns {previous entry id, new entry id, stream length}. The meta field 'last' is the id of the last entry ever
-- appended, so the predecessor is known even after compaction trimmed the stream empty.
local prev = redis.call('HGET', KEYS[2], 'last')
if not prev then prev = '0-0' end
local id = redis.call('XADD', KEYS[1], '*', 'u', ARGV[1])
redis.call('HSET', KEYS[2], 'last', id)
return {prev, id, redis.call('XLEN', KEYS[1])}
