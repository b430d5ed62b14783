-- wrk script for W2: each request asks for the first page of a random (board, group) from
-- the file named by env PAIRS ("board_id group_id" per line).
local pairs_list = {}
local f = io.open(os.getenv("PAIRS"), "r")
for line in f:lines() do
  local b, g = line:match("(%S+)%s+(%S+)")
  if b then table.insert(pairs_list, {b, g}) end
end
f:close()
math.randomseed(os.time())
local token = os.getenv("TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end

request = function()
  local p = pairs_list[math.random(#pairs_list)]
  return wrk.format("GET", "/api/v1/boards/" .. p[1] .. "/items?group_id=" .. p[2] .. "&limit=50")
end
