-- Spread wrk's threads over every address of the target (a service in dnsrr endpoint mode resolves to each of its
-- tasks, and wrk alone would load only the first): thread N connects to address N modulo their number.
-- BENCH_ADDRS (set by bench-wrk) lists the addresses, BENCH_PORT the port.
local addrs = {}
for ip in string.gmatch(os.getenv("BENCH_ADDRS") or "", "%S+") do
  addrs[#addrs + 1] = ip
end
local port = os.getenv("BENCH_PORT")
local threads = 0

function setup(thread)
  if #addrs > 0 then
    thread.addr = wrk.lookup(addrs[(threads % #addrs) + 1], port)[1]
    threads = threads + 1
  end
end
