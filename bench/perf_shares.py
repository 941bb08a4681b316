#!/usr/bin/env python3
"""Shares of perf samples (bench/sidecar.sh BENCH_PERF=DIR) by thread, by where the CPU was
(kernel, JVM runtime/GC/JIT, BoringSSL, libc, Java by package) and inclusively by method.

  perf script -i DIR/a.data -F comm,tid,time,ip,sym > a.script   # while /tmp/perf-<pid>.map exists
  bench/perf_shares.py a.script                       # threads, self by area, top methods
  bench/perf_shares.py a.script ProxyCall.start Attempts.next   # + inclusive shares of these

A sample counts once for a method however often it is on its stack (inclusive share). Java frames
walk only with -XX:+PreserveFramePointer; JIT symbols come from jcmd PID Compiler.perfmap.
"""
import collections
import re
import sys

JAVA = re.compile(r"^(?:[\w$.\[\]<>]+ )?([\w$.]+)\.([\w$<>]+)\(")


def samples(path):
    current = None
    with open(path, errors="replace") as text:
        for line in text:
            if not line.strip():
                if current:
                    yield current
                current = None
                continue
            if not line.startswith((" ", "\t")):
                if current:
                    yield current
                current = {"thread": line.split(" ")[0].rstrip(), "frames": []}
                # comm may hold spaces: the thread name is everything before the tid
                m = re.match(r"^(.*?)\s+\d+\s+[\d.]+:", line)
                if m:
                    current["thread"] = m.group(1)
                continue
            parts = line.strip().split(" ", 1)
            current["frames"].append(parts[1] if len(parts) > 1 else "?")
    if current:
        yield current


def method(frame):
    m = JAVA.match(frame)
    if m:
        cls = m.group(1)
        return cls.rsplit(".", 1)[-1] + "." + m.group(2), cls
    return None, None


def area(frames):
    top = frames[0] if frames else "?"
    name, cls = method(top)
    if cls:
        parts = cls.split(".")
        return "java " + ".".join(parts[:3])
    if "tcnative" in top or top.startswith(("SSL_", "EVP_", "aes_", "gcm_", "ssl_", "bssl")):
        return "native: BoringSSL"
    if top.startswith(("[k]", "k ")) or top.islower() and "_" in top and not top.startswith("_Z"):
        return "native: kernel / libc: " + top
    if top.startswith("_Z") or top in ("Interpreter",) or "stub" in top.lower() or "Stub" in top:
        return "native: JVM (runtime, GC, interpreter, stubs)"
    return "native: " + top


def main(args):
    if not args:
        print(__doc__)
        return 2
    every = list(samples(args[0]))
    n = max(1, len(every))
    print(f"{len(every)} samples")
    print("--- threads")
    for t, c in collections.Counter(s["thread"] for s in every).most_common(8):
        print(f"{100 * c / n:5.1f} %  {t}")
    print("--- self, by area")
    areas = collections.Counter(area(s["frames"]) for s in every)
    for a, c in areas.most_common(25):
        print(f"{100 * c / n:5.1f} %  {a}")
    incl = collections.Counter()
    for s in every:
        seen = set()
        for f in s["frames"]:
            name, _ = method(f)
            if name:
                seen.add(name)
        incl.update(seen)
    wanted = args[1:]
    print("--- inclusive" + ("" if wanted else ", top Java methods"))
    if wanted:
        for w in wanted:
            print(f"{100 * incl.get(w, 0) / n:5.1f} %  {w}")
    else:
        for name, c in incl.most_common(60):
            print(f"{100 * c / n:5.1f} %  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
