#!/usr/bin/env python3
"""Shares of perf samples (bench/sidecar.sh BENCH_PERF=DIR) by thread, by where the CPU was
(kernel, JVM runtime/GC/JIT, BoringSSL, libc, Java by package) and inclusively by method.

  perf script -i DIR/a.data -F comm,tid,time,ip,sym,dso > a.script   # while /tmp/perf-<pid>.map exists
  bench/perf_shares.py a.script                       # threads, self by area, top methods
  bench/perf_shares.py a.script ProxyCall.start Attempts.next   # + inclusive shares of these

A sample counts once for a method however often it is on its stack (inclusive share). Java frames
walk only with -XX:+PreserveFramePointer; JIT symbols come from jcmd PID Compiler.perfmap.
"""
import collections
import re
import sys

JAVA = re.compile(r"^(?:[\w$.\[\]<>]+ )?([\w$./]+)\.([\w$<>]+)\(")


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
            frame = parts[1] if len(parts) > 1 else "?"
            dso = ""
            m = re.match(r"^(.*?) \((/[^()]*(?: \(deleted\))?|\[[^\]]*\])\)$", frame)
            if m:
                frame, dso = m.group(1), m.group(2)
            current["frames"].append(frame)
            current.setdefault("dsos", []).append(dso)
    if current:
        yield current


def method(frame):
    m = JAVA.match(frame)
    if m:
        cls = m.group(1)
        return cls.rsplit(".", 1)[-1] + "." + m.group(2), cls
    return None, None


GROUPS = [
    ("dev.crossgate.", "Crossgate"),
    ("io.vertx.core.http.", "Vert.x HTTP"),
    ("io.vertx.", "Vert.x other (futures, contexts, queues)"),
    ("io.netty.handler.ssl.", "Netty SslHandler (Java side of TLS)"),
    ("io.netty.handler.codec.http2.", "Netty HTTP/2 codec"),
    ("io.netty.handler.codec.", "Netty HTTP/1.1 and other codecs"),
    ("io.netty.buffer.", "Netty buffers"),
    ("io.netty.", "Netty channel, pipeline, event loop, util"),
    ("io.micrometer.", "Micrometer"),
    ("sun.nio.", "JDK NIO"),
    ("java.", "JDK (java.*, jdk.*)"),
    ("jdk.", "JDK (java.*, jdk.*)"),
]


def area(sample):
    frames, dsos = sample["frames"], sample.get("dsos", [])
    top = frames[0] if frames else "?"
    dso = dsos[0] if dsos else ""
    if "kernel" in dso or dso.startswith("[k"):
        return "kernel (syscalls, loopback TCP, scheduler)"
    if "tcnative" in dso:
        return "BoringSSL (netty-tcnative)"
    if "libjvm" in dso:
        return "JVM runtime (GC, compiler, runtime calls)"
    if dso.startswith(("/usr/lib", "/lib")) and "libjvm" not in dso:
        return "libc and other native libraries"
    _, cls = method(top)
    if cls:
        for prefix, name in GROUPS:
            if cls.startswith(prefix):
                return name
        return "Java, other: " + ".".join(cls.split(".")[:2])
    if top in ("Interpreter",) or "stub" in top.lower() or "Stub" in top or "vtable" in top:
        return "JIT stubs, interpreter, vtables"
    return "other native: " + top


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
    areas = collections.Counter(area(s) for s in every)
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
