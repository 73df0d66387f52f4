-- wrk script for POST /v1/decisions: one decision per request, rotating over content ids of the
-- demo workspace (covenant serve --demo) and over purposes. Usage (see server.md):
--   TOKEN=... wrk -t1 -c32 -d30s --latency -s docs/benchmarks/server-decide.lua http://127.0.0.1:18081
local token = os.getenv("TOKEN")
local purposes = {"service.provide", "service.recording", "ai.training", "marketing"}
local contents = {}
for m = 100, 149 do
  local account = ({"acme", "acme", "acme", "globex", "globex", "initech", "umbrella"})[(m - 100) % 7 + 1]
  table.insert(contents, "c-m-" .. account .. "-" .. m .. "-1-0")
end
local bodies = {}
for i, c in ipairs(contents) do
  for j, p in ipairs(purposes) do
    table.insert(bodies, '{"purpose":"' .. p .. '","content":"' .. c .. '"}')
  end
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
request = function()
  n = n + 1
  return wrk.format(nil, "/v1/decisions", nil, bodies[(n % #bodies) + 1])
end
local reported = false
response = function(status, headers, body)
  if status ~= 200 and not reported then
    reported = true
    print("unexpected status " .. status .. ": " .. string.sub(body, 1, 300))
  end
end
