-- Like bench.lua, but every request asks for a different price floor (a random number
-- of cents), so no two requests share a cache entry: what a listing costs the database
-- when nobody has asked for it before.
dofile("scripts/bench.lua") -- its done() reports the run
math.randomseed(os.time())

request = function()
  local path = wrk.path
  local separator = path:find("?", 1, true) and "&" or "?"
  local floor = string.format("%d.%02d", math.random(0, 4), math.random(0, 99))
  return wrk.format(nil, path .. separator .. "min_price=" .. floor)
end

