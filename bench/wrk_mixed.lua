-- wrk script for the mixed load: $MIX names a file of "weight<TAB>cookie<TAB>path" lines; each request
-- picks one line at random by weight. Prints the same JSON line as wrk_report.lua.
local plan, total = {}, 0

local function load()
  for line in io.lines(os.getenv("MIX")) do
    local w, cookie, path = line:match("^(%d+)\t([^\t]*)\t(.+)$")
    if w then
      total = total + tonumber(w)
      table.insert(plan, {upto = total, cookie = cookie, path = path})
    end
  end
end

init = function(args)
  load()
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

request = function()
  local r = math.random(total)
  for _, p in ipairs(plan) do
    if r <= p.upto then
      local headers = {}
      if p.cookie ~= "" then headers["Cookie"] = p.cookie end
      return wrk.format("GET", p.path, headers)
    end
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests": %d, "rps": %.1f, "p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f, "errors": %d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000, errors))
end
