#!/usr/bin/env python3
"""Top frames of a JFR recording: where Archway's threads spend their samples.

    bench/run.sh --scenarios h1-keepalive --targets archway \
        --archway-java-opts=-XX:StartFlightRecording=filename=/tmp/archway.jfr,settings=profile
    python3 bench/hotspots.py /tmp/archway.jfr [--thread archway-worker] [--top 25]

Prints the samples per thread, the methods on top of the stack (self) and the methods anywhere in
the stack (inclusive). JFR samples Java frames only: time in system calls shows up as the Java
method that made them (e.g. Native.epollCtlMod); count system calls with `strace -c -f -p PID`.
"""

import argparse
import collections
import glob
import os
import re
import shutil
import subprocess
import sys


def jfr_tool():
    for home in (os.environ.get("ARCHWAY_JAVA_HOME"), os.environ.get("JAVA_HOME")):
        if home and os.path.exists(os.path.join(home, "bin", "jfr")):
            return os.path.join(home, "bin", "jfr")
    found = sorted(glob.glob("/usr/lib/jvm/*/bin/jfr"))
    return found[-1] if found else shutil.which("jfr")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("recording")
    ap.add_argument("--thread", default="", help="only threads whose name starts with this")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    tool = jfr_tool()
    if not tool:
        sys.exit("hotspots: no jfr tool found (set JAVA_HOME)")
    out = subprocess.run([tool, "print", "--events", "jdk.ExecutionSample", args.recording],
                         capture_output=True, text=True, check=True).stdout
    self_count, incl, threads = collections.Counter(), collections.Counter(), collections.Counter()
    n = 0
    for event in out.split("jdk.ExecutionSample")[1:]:
        t = re.search(r'sampledThread = "([^"]*)"', event)
        thread = t.group(1) if t else "?"
        if not thread.startswith(args.thread):
            continue
        frames = [re.sub(r"\(.*", "", f) for f in
                  re.findall(r"^\s+([\w.$<>/]+\(.*?\))\s+line:", event, re.M)]
        if not frames:
            continue
        n += 1
        threads[thread] += 1
        self_count[frames[0]] += 1
        for f in set(frames):
            incl[f] += 1
    if not n:
        sys.exit("hotspots: no samples%s" % (" for threads " + args.thread if args.thread else ""))
    print("%d samples; by thread: %s" % (n, ", ".join("%s %d" % kv for kv in threads.most_common(8))))
    print("\nself:")
    for f, c in self_count.most_common(args.top):
        print("%6.1f%%  %s" % (100.0 * c / n, f))
    print("\ninclusive (archway and netty frames):")
    shown = 0
    for f, c in incl.most_common():
        if "archway" in f or "netty" in f:
            print("%6.1f%%  %s" % (100.0 * c / n, f))
            shown += 1
            if shown >= args.top:
                break


if __name__ == "__main__":
    main()
