-- Signs in as the benchmark account on every request: what argon2id (19 MiB, 2 passes)
-- costs per sign-in, plus the session and sign-in rows written.
dofile("scripts/bench.lua") -- its done() reports the run
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "lang=en&email=bench%40vitrine.example&password=bench+harbor+lantern+sky"
