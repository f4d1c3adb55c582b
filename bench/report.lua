-- wrk script: POST the body in $BENCH_BODY with the gateway key, print p50/p99 and rps as one line.
-- With BENCH_UNIQUE=1 the marker __N__ in the body becomes a per-request counter (exact caches
-- miss); otherwise it is removed (every request is the same, so repeats are exact-cache hits).
local body = os.getenv("BENCH_BODY")
local head, tail = body:match("^(.-)__N__(.*)$")
if not head then head, tail = body, "" end
wrk.method = "POST"
wrk.body = head .. tail
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "sk-tiergate-demo")

if os.getenv("BENCH_UNIQUE") == "1" then
  local n = 0
  local nonce = tostring(os.time())
  function request()
    n = n + 1
    return wrk.format(nil, nil, nil, head .. " #" .. nonce .. "-" .. n .. tail)
  end
end

-- BENCH_DELAY_MS: each connection waits this long before its next request, so that
-- conns * 1000 / (delay + latency) approximates a fixed request rate (bench/load.sh --rate).
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if pause > 0 then
  function delay()
    return pause
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d errors=%d\n",
      summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
      summary.requests, errors))
end
