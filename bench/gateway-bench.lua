-- wrk script for bench/run-gateway-bench.sh and bench/run-llm-bench.sh: POST an OpenAI chat completion request,
-- each request carrying the next API key of a key file in turn (round-robin; each wrk thread starts at its own
-- offset). The stub and nginx rows get the same requests and ignore the key. The request is one of
--   generic        for a generic upstream: max_tokens 256, priced by its X-Caracal-Estimated-Cost header
--   openai         for an openai-typed upstream, which prices it from the body and the answer's usage: no
--                  estimate, max_completion_tokens 64
--   openai-stream  the same asking for a stream ("stream":true, without stream_options: the gateway asks for the
--                  usage chunk itself and drops it from what the client gets)
-- Usage: wrk -s bench/gateway-bench.lua <url> -- <key file> [how many keys to use, default all] [request, default generic]
-- done() prints one line, "result requests=... duration_us=... p50_us=... p99_us=... non2xx=... socket_errors=...",
-- for the script to read (non2xx is wrk's count of responses with a status of 400 or more).

local chat = [["model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a concise assistant for a travel booking agent. Answer in one short paragraph."},{"role":"user","content":"Which of these three flights from Lisbon to Berlin on Friday has the shortest total travel time, and is its fare refundable? TP538 07:05, LH1167 10:40, FR1234 16:20."}],"temperature":0.2,"user":"bench"]]
local bodies = {
   generic = "{" .. chat .. [[,"max_tokens":256}]],
   openai = "{" .. chat .. [[,"max_completion_tokens":64}]],
   ["openai-stream"] = "{" .. chat .. [[,"max_completion_tokens":64,"stream":true}]],
}

local threads = {}

function setup(thread)
   thread:set("offset", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file = assert(io.open(args[1], "r"), "cannot read key file " .. tostring(args[1]))
   local keys = {}
   for line in file:lines() do
      if line ~= "" then table.insert(keys, line) end
   end
   file:close()
   local count = tonumber(args[2]) or #keys
   assert(count >= 1 and count <= #keys, "the key file has " .. #keys .. " keys, not " .. count)
   local kind = args[3] or "generic"
   local body = assert(bodies[kind], "no request '" .. kind .. "': generic, openai or openai-stream")
   requests = {}
   for i = 1, count do
      local headers = {}
      for name, value in pairs(wrk.headers) do headers[name] = value end
      headers["Content-Type"] = "application/json"
      if kind == "generic" then headers["X-Caracal-Estimated-Cost"] = "0.0001" end
      headers["X-API-Key"] = keys[i]
      requests[i] = wrk.format("POST", nil, headers, body)
   end
   next_request = (offset * 7) % count
end

function request()
   next_request = next_request % #requests + 1
   return requests[next_request]
end

function done(summary, latency, requests)
   io.write(string.format("result requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), summary.errors.status,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
