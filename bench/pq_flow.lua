-- The PQ flow for wrk (bench/compare.py): spot rate -> PQ order at the quoted offer -> read it.
--
--   wrk -t16 -c16 -d10s --latency -s bench/pq_flow.lua http://127.0.0.1:PORT -- TOKEN RUNTAG
--
-- Run it with as many threads as connections (-tN -cN): wrk keeps one Lua state per thread,
-- shared by all that thread's connections, so a flow's state (rateId, offer, orderId) is only
-- the connection's own when the thread has one connection.

local token, runtag = "bench", "0"
local stage, counter = 1, 0
local rate_id, offer, order_id
-- Globals, not locals: thread:set and thread:get reach only a thread's globals.
thread_id, placed, read = 0, 0, 0
local headers = {}

local threads = {}
local next_id = 1

function setup(thread)
  -- Runs in the main Lua state: number the threads so coIds never collide between them.
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  token = args[1] or token
  runtag = args[2] or runtag
  headers["SSO_TOKEN"] = token
  headers["Content-Type"] = "application/json"
end

function request()
  if stage == 2 then
    counter = counter + 1
    -- The offer is copied as the server wrote it, so the price matches the quote exactly.
    local body = string.format(
      '{"coId":"bench-%s-%d-%d","type":"PQ","timeInForce":"FOK","side":"Buy",'
        .. '"symbol":"EUR/USD","currency":"EUR","size":1000,"price":%s,"rateId":"%s"}',
      runtag, thread_id, counter, offer, rate_id)
    return wrk.format("POST", "/v2/orders", headers, body)
  elseif stage == 3 then
    return wrk.format("GET", "/v2/orders/" .. order_id, headers)
  end
  return wrk.format("GET", "/v2/rates/spot?symbol=EUR%2FUSD", headers)
end

function response(status, _, body)
  -- Any unexpected answer restarts the flow at the rate; wrk counts it as non-2xx.
  if stage == 1 then
    rate_id = status == 200 and body:match('"rateId"%s*:%s*"([^"]+)"')
    offer = status == 200 and body:match('"offer"%s*:%s*([-%d.eE+]+)')
    stage = (rate_id and offer) and 2 or 1
  elseif stage == 2 then
    order_id = status == 202 and body:match('"orderId"%s*:%s*"([^"]+)"')
    if order_id then
      placed = placed + 1
      stage = 3
    else
      stage = 1
    end
  else
    if status == 200 then
      read = read + 1
    end
    stage = 1
  end
end

function done()
  -- One line for bench/load.py to parse: how many orders were placed and read back.
  local total_placed, total_read = 0, 0
  for _, thread in ipairs(threads) do
    total_placed = total_placed + thread:get("placed")
    total_read = total_read + thread:get("read")
  end
  io.write(string.format("pq_flow placed=%d read=%d\n", total_placed, total_read))
end
