-- Prints the latency percentiles wrk's --latency leaves out, in a line the harness parses.
done = function(summary, latency, requests)
  io.write(string.format("PERCENTILES p50=%d p99=%d p999=%d\n",
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
