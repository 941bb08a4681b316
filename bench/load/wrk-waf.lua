-- wrk script of the WAF bench: the request comes from the environment (WAF_METHOD, WAF_PATH,
-- WAF_BODY_FILE, WAF_CONTENT_TYPE), with browser-like headers so the CRS sees a normal client;
-- prints the same RESULT line as wrk-summary.lua, plus the count of non-2xx answers.
local method = os.getenv("WAF_METHOD") or "GET"
local path = os.getenv("WAF_PATH") or "/"
local body = nil
local file = os.getenv("WAF_BODY_FILE")
if file and file ~= "" then
  local f = assert(io.open(file, "rb"))
  body = f:read("*a")
  f:close()
end
local headers = {
  ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  ["Accept"] = "text/html,application/json;q=0.9,*/*;q=0.8",
  ["Accept-Language"] = "en-US,en;q=0.5",
}
if body then
  headers["Content-Type"] = os.getenv("WAF_CONTENT_TYPE") or "application/json"
end
local req = nil
init = function(args)
  req = wrk.format(method, path, headers, body)
end
request = function()
  return req
end
local bad = 0
response = function(status, hdrs, b)
  if status < 200 or status > 299 then
    bad = bad + 1
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.max))
end
