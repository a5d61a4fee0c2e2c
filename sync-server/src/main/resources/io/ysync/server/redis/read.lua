-- ysync shared log: what a reader at ARGV[1] missed, atomically with respect to compaction.
-- KEYS[1] stream, KEYS[2] meta hash, KEYS[3] snapshot; ARGV[1] the reader's last entry id, ARGV[2] page size.
-- Returns {snapshot upTo id, snapshot bytes or false, entries after max(reader, upTo) (XRANGE reply), id of the
-- last entry ever appended ('0-0' for none: a reader past it means Redis lost entries)}.
-- before(a, b): ids.lua, prepended.
local upto = redis.call('HGET', KEYS[2], 'snap')
if not upto then upto = '0-0' end
local from = ARGV[1]
local snapshot = false
if before(from, upto) then
  snapshot = redis.call('GET', KEYS[3]) or false
  from = upto
end
local entries = redis.call('XRANGE', KEYS[1], '(' .. from, '+', 'COUNT', tonumber(ARGV[2]))
local last = redis.call('HGET', KEYS[2], 'last')
if not last then last = '0-0' end
return {upto, snapshot, entries, last}
