-- One wrk request shape per run, read from the environment:
--   BENCH_METHOD, BENCH_PATH, BENCH_BODY (optional), BENCH_API_KEY (optional).
-- done() prints one JSON line that bench/run_bench.py reads.

wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.path = os.getenv("BENCH_PATH") or "/"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
local api_key = os.getenv("BENCH_API_KEY")
if api_key and api_key ~= "" then
  wrk.headers["X-API-Key"] = api_key
end

function done(summary, latency, requests)
  -- Latencies are in microseconds, the duration too.
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "mean_us": %.1f, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d}\n',
    summary.requests, summary.duration, latency.mean,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
