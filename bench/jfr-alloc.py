#!/usr/bin/env python3
"""Summarizes the allocation samples of a JFR recording as markdown: where the data plane allocates.

usage: jfr-alloc.py RECORDING.jfr REQUESTS_DURING_RECORDING > allocation.md
"""
import collections
import re
import subprocess
import sys

recording, requests = sys.argv[1], float(sys.argv[2])
text = subprocess.run(["jfr", "print", "--events", "jdk.ObjectAllocationSample", "--stack-depth", "8", recording],
                      capture_output=True, text=True, check=True).stdout
gc = subprocess.run(["jfr", "summary", recording], capture_output=True, text=True, check=True).stdout
gcs = re.search(r"jdk\.GarbageCollection\s+(\d+)", gc)
units = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
by_site = collections.Counter()
by_class = collections.Counter()
total = 0.0
for event in text.split("jdk.ObjectAllocationSample")[1:]:
    cls = re.search(r"objectClass = (\S+)", event)
    weight = re.search(r"weight = ([\d.]+) (\w+)", event)
    if not cls or not weight:
        continue
    w = float(weight.group(1)) * units.get(weight.group(2), 1)
    frames = [f.split("(")[0] for f in re.findall(r"^\s+([\w.$<>]+\(.*?\)) line", event, re.M)]
    # The first frame in Elbow's own code, or else the first frame: who asked for the memory.
    own = next((f for f in frames if f.startswith("dev.elbow")), frames[0] if frames else "?")
    site = ".".join(own.split(".")[-2:])
    by_site[(site, frames[0].split(".")[-1] if frames else "?")] += w
    by_class[cls.group(1)] += w
    total += w
print(f"Sampled allocation: {total / 1e6:.1f} MB over {requests:,.0f} requests, about"
      f" {total / max(requests, 1):.0f} bytes per request; {gcs.group(1) if gcs else '?'} garbage collections.")
print()
print("| share | allocated by (first Elbow frame) | allocating method | ")
print("|---|---|---|")
for (site, top), w in by_site.most_common(10):
    print(f"| {100 * w / total:.1f}% | `{site}` | `{top}` |")
print()
print("| share | class |")
print("|---|---|")
for cls, w in by_class.most_common(8):
    print(f"| {100 * w / total:.1f}% | `{cls}` |")
