-- Paced wrk: each connection waits the given number of milliseconds (script argument) before
-- each request, e.g. 10 connections x 10 ms = at most ~1,000 req/s (a little less: the response
-- time adds to each period). wrk has no fixed-rate mode (wrk2 is not in Debian) and h2load's
-- HTTP/1.1 mode cannot replace the Host header, which the sidecar's outbound routes on.
-- Prints one machine-readable line at the end (latencies in microseconds).
local pause = 10
init = function(args)
  if args[1] then pause = tonumber(args[1]) end
end
delay = function()
  return pause
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d p50_us=%d p99_us=%d p999_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
