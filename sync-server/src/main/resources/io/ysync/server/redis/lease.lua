-- ysync shared log: take the compaction lease of a document; returns the fencing token, or 0 if another holds it.
-- KEYS[1] meta hash, KEYS[2] lease; ARGV[1] instance id, ARGV[2] lease time in milliseconds.
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then
  return redis.call('HINCRBY', KEYS[1], 'fence', 1)
end
return 0
