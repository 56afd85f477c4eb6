// The Redis event log's Lua scripts. Each runs atomically in Redis, so every relay instance sees
// one global order: a single INCR'd sequence numbers every event, and an event's stream entry id
// in every per-key stream is `<seq>-0`, so the cursor `<epoch>.<seq>` places a reader in all of
// them at once. The epoch is a random value kept in Redis: if Redis is wiped, the sequence starts
// again under a new epoch, and old cursors are recognised as foreign (resync) instead of skipping
// events.

/**
 * Append (optionally idempotent), apply retention, record what was dropped, publish.
 * KEYS: seq, epoch, trimmed hash, idempotency key, keys zset, dropped-keys floor, stream keys…
 * ARGV: epoch candidate, capacity per stream, event JSON without id, idempotency TTL s (0 = none),
 *       channel, now (ms), max age (ms), max keys
 * Returns {duplicate (0|1), event JSON with id}.
 *
 * Retention, the same rules as the other backends: `capacity` newest entries per stream; entries
 * older than the max age (each carries its time in field `t`; a stream nobody appends to expires
 * whole with PEXPIRE); at most `max keys` streams, listed in the keys zset by their newest seq; the
 * oldest is dropped whole and the dropped-keys floor remembers its newest seq for readers.
 */
export const APPEND_LUA = `
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  local seen = redis.call('GET', KEYS[4])
  if seen then return {1, seen} end
end
redis.call('SET', KEYS[2], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[2])
local seq = redis.call('INCR', KEYS[1])
local json = '{"id":"' .. epoch .. '.' .. seq .. '",' .. string.sub(ARGV[3], 2)
local cap = tonumber(ARGV[2])
local now = tonumber(ARGV[6])
local maxAge = tonumber(ARGV[7])
local maxKeys = tonumber(ARGV[8])
local function dropped(key, id)
  local s = tonumber(string.match(id, '^(%d+)'))
  local old = tonumber(redis.call('HGET', KEYS[3], key) or '0')
  if s > old then redis.call('HSET', KEYS[3], key, s) end
end
for i = 7, #KEYS do
  -- Trim by hand before adding, so the highest trimmed seq is known exactly: a reader whose cursor
  -- is below it has missed events of this key (resync), one at or above it has not.
  local len = redis.call('XLEN', KEYS[i])
  if len >= cap then
    local old = redis.call('XRANGE', KEYS[i], '-', '+', 'COUNT', len - cap + 1)
    dropped(KEYS[i], old[#old][1])
    redis.call('XTRIM', KEYS[i], 'MAXLEN', cap - 1)
  end
  -- Entries past the age limit, oldest first; a few per append keeps each script short.
  local aged = redis.call('XRANGE', KEYS[i], '-', '+', 'COUNT', 32)
  for _, entry in ipairs(aged) do
    if tonumber(entry[2][4]) >= now - maxAge then break end
    dropped(KEYS[i], entry[1])
    redis.call('XDEL', KEYS[i], entry[1])
  end
  redis.call('XADD', KEYS[i], seq .. '-0', 'e', json, 't', now)
  redis.call('PEXPIRE', KEYS[i], maxAge)
  redis.call('ZADD', KEYS[5], seq, KEYS[i])
end
local excess = redis.call('ZCARD', KEYS[5]) - maxKeys
if excess > 0 then
  local gone = redis.call('ZPOPMIN', KEYS[5], excess)
  local floor = tonumber(redis.call('GET', KEYS[6]) or '0')
  for j = 1, #gone, 2 do
    redis.call('DEL', gone[j])
    redis.call('HDEL', KEYS[3], gone[j])
    if tonumber(gone[j + 1]) > floor then floor = tonumber(gone[j + 1]) end
  end
  redis.call('SET', KEYS[6], floor)
end
if ttl > 0 then redis.call('SET', KEYS[4], json, 'EX', ttl) end
redis.call('PUBLISH', ARGV[5], json)
return {0, json}
`;

/**
 * Events of several streams after a cursor, and whether the reader missed any (a cursor of another
 * epoch or of none of ours; entries trimmed after it; a stream expired or dropped whole after it),
 * read in one atomic step so an append cannot slip between the check and the read.
 * KEYS: epoch, trimmed hash, keys zset, dropped-keys floor, stream keys…
 * ARGV: cursor epoch ('' if none), cursor seq
 * Returns {resync (0|1), event JSON…} (per stream, oldest first; the caller merges).
 */
export const READ_LUA = `
local epoch = redis.call('GET', KEYS[1])
local same = epoch and epoch == ARGV[1]
local after = 0
if same then after = tonumber(ARGV[2]) end
local out = {0}
if not same then out[1] = 1 end
local floor = tonumber(redis.call('GET', KEYS[4]) or '0')
local start = '-'
if after > 0 then start = '(' .. ARGV[2] .. '-0' end
for i = 5, #KEYS do
  if same then
    local trimmed = redis.call('HGET', KEYS[2], KEYS[i])
    if trimmed and tonumber(trimmed) > after then out[1] = 1 end
    if redis.call('EXISTS', KEYS[i]) == 0 then
      local newest = redis.call('ZSCORE', KEYS[3], KEYS[i])
      if (newest and tonumber(newest) > after) or (not newest and floor > after) then out[1] = 1 end
    end
  end
  local entries = redis.call('XRANGE', KEYS[i], start, '+')
  for _, entry in ipairs(entries) do out[#out + 1] = entry[2][2] end
end
return out
`;

/**
 * The newest cursor. Creates the epoch if this is an empty Redis, so the head is a cursor that
 * later appends continue from.
 * KEYS: epoch, seq   ARGV: epoch candidate   Returns {epoch, seq}.
 */
export const HEAD_LUA = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2]) or '0'}
`;

/**
 * Entries in every stream of the log, for the metrics. The stream names come from the keys zset,
 * so they are not declared in KEYS: fine on a single Redis, which is what the relay supports.
 * KEYS: keys zset   Returns the sum of XLEN.
 */
export const SIZE_LUA = `
local n = 0
for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do n = n + redis.call('XLEN', key) end
return n
`;
