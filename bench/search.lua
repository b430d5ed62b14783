-- wrk script for W8 (bench/search.sh). Env: TOKEN, BOARD, ITEMS and CALL:
--   search  GET  /search?q=note <random n>&limit=20          (the search index, every board the
--                                                              caller may read, permission filter on)
--   prefix  GET  /search?q=not <random n prefix>&limit=20     (a typo and a prefix)
--   like    POST /boards/{b}/items/query  Notes contains "note <n>", limit 20   (today's filter)
math.randomseed(os.time())
local call = os.getenv("CALL")
local items = tonumber(os.getenv("ITEMS"))
local board = os.getenv("BOARD")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"

request = function()
  local n = math.random(0, items - 1)
  if call == "search" then
    return wrk.format("GET", "/api/v1/search?limit=20&q=note%20" .. n)
  elseif call == "prefix" then
    return wrk.format("GET", "/api/v1/search?limit=20&q=nots%20" .. n)
  else
    local body = '{"filter":{"column":"' .. os.getenv("NOTES") .. '","op":"contains","value":"note ' .. n .. '"},"limit":20}'
    return wrk.format("POST", "/api/v1/boards/" .. board .. "/items/query", nil, body)
  end
end
