#!/usr/bin/env python3
"""Bytes allocated per thread over a JFR recording (bench/sidecar.sh BENCH_JFR=DIR), from the
first and last jdk.ThreadAllocationStatistics of each thread (emitted at the recording's start
and end), and per request when the number of requests served meanwhile is given.

  bench/jfr_alloc.py DIR/a.jfr [REQUESTS]
"""
import collections
import re
import subprocess
import sys

UNITS = {"bytes": 1, "byte": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def main(args):
    if not args:
        print(__doc__)
        return 2
    text = subprocess.run(["jfr", "print", "--events", "jdk.ThreadAllocationStatistics", args[0]],
                          capture_output=True, text=True, check=True).stdout
    seen = collections.defaultdict(list)
    for block in text.split("jdk.ThreadAllocationStatistics {")[1:]:
        a = re.search(r"allocated = ([\d.]+) (\w+)", block)
        t = re.search(r'thread = "([^"]*)"', block)
        if a and t:
            seen[t.group(1)].append(float(a.group(1)) * UNITS.get(a.group(2), 1))
    total = 0
    for thread, values in sorted(seen.items(), key=lambda kv: -(max(kv[1]) - min(kv[1]))):
        grown = max(values) - min(values)
        total += grown
        if grown > 0:
            print(f"{grown / 1024 / 1024:10.1f} MiB  {thread}")
    print(f"{total / 1024 / 1024:10.1f} MiB  all threads")
    if len(args) > 1:
        print(f"{total / int(args[1]):10.0f} bytes per request ({args[1]} requests)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
