-- wrk script of scripts/bench.sh: one request shape per run, results as one JSON line.
--
-- Arguments (after `--`): METHOD [BODY_FILE]
--   Environment: BENCH_AUTH (a bearer token, optional), BENCH_CONTENT_TYPE,
--   BENCH_BODY (one body sent with every request), BENCH_THREADS (wrk's -t).
--   With BODY_FILE, each request sends the next line of the file as its body; the
--   lines are split between wrk's threads so that none is sent twice (SEP-10
--   challenges are single use). Once a thread has used its share it sends nothing
--   more than repeats of its last line, which the server refuses: run with a file
--   longer than the run needs and read `bodies_exhausted` in the result.

local thread_count = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local bodies = nil
local next_body = 1
local exhausted = 0

function init(args)
  wrk.method = args[1] or "GET"
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. auth
  end
  local ctype = os.getenv("BENCH_CONTENT_TYPE")
  if ctype and ctype ~= "" then
    wrk.headers["Content-Type"] = ctype
  end
  local body = os.getenv("BENCH_BODY")
  if body and body ~= "" then
    wrk.body = body
  end
  local file = args[2]
  if file and file ~= "" then
    bodies = {}
    local n = 0
    for line in io.lines(file) do
      if n % thread_count_total() == id then
        table.insert(bodies, line)
      end
      n = n + 1
    end
  end
end

-- wrk gives threads no count of their siblings: bench.sh passes it in the environment.
function thread_count_total()
  return tonumber(os.getenv("BENCH_THREADS") or "1")
end

function request()
  if bodies then
    local body = bodies[next_body]
    if next_body < #bodies then
      next_body = next_body + 1
    else
      exhausted = exhausted + 1
    end
    return wrk.format(nil, nil, nil, body)
  end
  return wrk.format()
end

function done(summary, latency, requests)
  local e = summary.errors
  local failed = e.connect + e.read + e.write + e.timeout + e.status
  local seconds = summary.duration / 1e6
  local repeats = 0
  for _, t in ipairs(threads) do
    repeats = repeats + (t:get("exhausted") or 0)
  end
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"errors":%d,"status_errors":%d,"socket_errors":%d,"bodies_exhausted":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency.max,
    failed, e.status, e.connect + e.read + e.write + e.timeout, repeats))
end
