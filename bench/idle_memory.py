#!/usr/bin/env python3
"""How long re-touching memory that is already resident takes after the process sat idle.

    taskset -c 0 python3 bench/idle_memory.py [--mib 200]

On an ordinary Linux host every pass after the first costs the same. On some virtual machines the
hypervisor reclaims or re-protects guest memory that was not touched for a while, so the first
pass after an idle period is slower the longer the idle period was. A proxy that idles while the
bench measures the others pays that at the start of its next run, in proportion to the memory one
request touches (docs/benchmarks.md, "Latency").
"""

import argparse
import mmap
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mib", type=int, default=200)
    args = ap.parse_args()
    size = args.mib * 1024 * 1024
    region = mmap.mmap(-1, size)

    def touch():
        start = time.perf_counter()
        for offset in range(0, size, 4096):
            region[offset] = (region[offset] + 1) & 0xFF
        return (time.perf_counter() - start) * 1000

    print("first pass (pages made resident): %.1f ms" % touch())
    print("second pass, at once: %.1f ms" % touch())
    for idle in (2, 10, 24):
        time.sleep(idle)
        print("pass after %d s idle: %.1f ms" % (idle, touch()))


if __name__ == "__main__":
    main()
