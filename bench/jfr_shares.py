#!/usr/bin/env python3
"""Share of JFR execution samples spent inside given methods, over a time window.

  jfr print --events jdk.ExecutionSample --stack-depth 200 run.jfr > run.txt
  bench/jfr_shares.py run.txt                      # samples per second, to find the phases
  bench/jfr_shares.py run.txt 06:37:00 06:37:28    # shares of the default stages in a window
  bench/jfr_shares.py run.txt 06:37:00 06:37:28 BatchReader.read SnapshotCompiler.compile

A sample counts once for a method however often the method is on its stack (inclusive share).
Wall-clock figures on a loaded machine measure the queue for the CPU; these shares do not.
"""
import collections
import re
import sys

STAGES = [
    "BatchReader.read", "RevisionedPolicyStore.commit", "RevisionedPolicyStore.validate",
    "PolicyValidator.validate", "PolicyValidator.validateChange", "ScopedSnapshots.build",
    "EncodedSnapshot.of", "SnapshotAssembler.assemble", "SnapshotDeltas.join",
    "DistributionProtocol.hash", "SnapshotCompiler.compile", "BoundResources.load",
    "RoutingConfigCompiler.compile", "LastKnownGoodStore.save", "Pem.write",
    "DistributionClient.received", "DefaultHttp2FrameReader.readFrame",
]


def samples(path):
    current = None
    with open(path) as text:
        for line in text:
            if line.startswith("jdk.ExecutionSample"):
                if current:
                    yield current
                current = {"t": "", "frames": []}
            elif current is not None:
                m = re.match(r"\s+startTime = (\S+)", line)
                if m:
                    current["t"] = m.group(1)[:8]
                m = re.match(r"\s+([\w$.<>/]+)\(.*\)\s+line:", line)
                if m:
                    current["frames"].append(m.group(1))
    if current:
        yield current


def main(args):
    if len(args) < 1:
        print(__doc__)
        return 2
    every = list(samples(args[0]))
    if len(args) < 3:
        per_second = collections.Counter(s["t"] for s in every)
        for second in sorted(per_second):
            print(second, per_second[second])
        return 0
    chosen = [s for s in every if args[1] <= s["t"] < args[2]]
    stages = args[3:] or STAGES
    print(f"{len(chosen)} samples from {args[1]} to {args[2]}")
    for stage in stages:
        hits = sum(1 for s in chosen if any(f.endswith(stage) for f in s["frames"]))
        print(f"{100 * hits / max(1, len(chosen)):5.1f} %  {stage}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
