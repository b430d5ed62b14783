-- wrk script for the everyday calls (bench/calls.sh) on one board. Env: TOKEN, INFO (a file
-- written by bulk-seed: "board status_column label text_column", then item ids) and CALL:
--   page    GET  /boards/{b}/items?limit=50
--   get     GET  /items/{random id}
--   filter  POST /boards/{b}/items/query  status any_of [label], limit 50
--   search  POST /boards/{b}/items/query  name contains a random number, limit 50
--   patch   PATCH /items/{random id}      one text cell
--   status  PATCH /items/{random id}      one status cell (set to the label or cleared, in turn)
--   sorted  POST /boards/{b}/items/query  COLUMN gt a random number below 1,000, sorted by it,
--           limit 50
--           (bench/formula.sh: a stored number column against a formula column)
local f = io.open(os.getenv("INFO"), "r")
local board, status, label, text = f:read("*l"):match("(%S+)%s+(%S+)%s+(%S+)%s+(%S+)")
local ids = {}
for line in f:lines() do if line ~= "" then table.insert(ids, line) end end
f:close()
math.randomseed(os.time())
local call = os.getenv("CALL")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
local n = 0

request = function()
  n = n + 1
  local id = ids[math.random(#ids)]
  if call == "page" then
    return wrk.format("GET", "/api/v1/boards/" .. board .. "/items?limit=50")
  elseif call == "get" then
    return wrk.format("GET", "/api/v1/items/" .. id)
  elseif call == "filter" then
    local body = '{"filter":{"column":"' .. status .. '","op":"any_of","value":["' .. label .. '"]},"limit":50}'
    return wrk.format("POST", "/api/v1/boards/" .. board .. "/items/query", nil, body)
  elseif call == "sorted" then
    local c = os.getenv("COLUMN")
    local body = '{"filter":{"column":"' .. c .. '","op":"gt","value":' .. math.random(0, 999) ..
      '},"sort":[{"column":"' .. c .. '","dir":"desc"}],"limit":50}'
    return wrk.format("POST", "/api/v1/boards/" .. board .. "/items/query", nil, body)
  elseif call == "search" then
    local body = '{"filter":{"column":"name","op":"contains","value":"' .. math.random(9999) .. '"},"limit":50}'
    return wrk.format("POST", "/api/v1/boards/" .. board .. "/items/query", nil, body)
  elseif call == "status" then
    local value = (n % 2 == 0) and ('"' .. label .. '"') or "null"
    local body = '{"values":{"' .. status .. '":' .. value .. '}}'
    return wrk.format("PATCH", "/api/v1/items/" .. id, nil, body)
  else
    local body = '{"values":{"' .. text .. '":"edit ' .. n .. '"}}'
    return wrk.format("PATCH", "/api/v1/items/" .. id, nil, body)
  end
end
