-- wrk script for POST /v1/decisions:batch: each request asks 10,000 decisions (content ids of
-- the demo workspace, rotating purposes), in the compact form (bare content ids, one purpose).
-- Decisions per second = requests per second x 10,000. Usage (see server.md):
--   TOKEN=... wrk -t1 -c4 -d30s --latency -s docs/benchmarks/server-batch.lua http://127.0.0.1:18081
local token = os.getenv("TOKEN")
local per = 10000
local accounts = {"acme", "acme", "acme", "globex", "globex", "initech", "umbrella"}
local ids = {}
for m = 100, 159 do
  local account = accounts[(m - 100) % 7 + 1]
  for p = 0, 1 do
    for c = 0, 7 do
      table.insert(ids, '"c-m-' .. account .. '-' .. m .. '-' .. p .. '-' .. c .. '"')
    end
  end
end
local function body(purpose)
  local parts = {}
  for i = 1, per do
    parts[i] = ids[(i % #ids) + 1]
  end
  return '{"purpose":"' .. purpose .. '","requests":[' .. table.concat(parts, ",") .. ']}'
end
local bodies = {body("service.provide"), body("ai.training"), body("service.recording"),
  body("marketing")}
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
request = function()
  n = n + 1
  return wrk.format(nil, "/v1/decisions:batch", nil, bodies[(n % #bodies) + 1])
end
local reported = false
response = function(status, headers, body)
  if status ~= 200 and not reported then
    reported = true
    print("unexpected status " .. status .. ": " .. string.sub(body, 1, 300))
  end
end
