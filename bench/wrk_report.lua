-- wrk script: send the Cookie from $COOKIE, and print one JSON line with rps, latency percentiles (ms) and errors.
local cookie = os.getenv("COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests": %d, "rps": %.1f, "p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f, "errors": %d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000, errors))
end
