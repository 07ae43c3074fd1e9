#!/usr/bin/env python3
"""Peak resident memory of a process tree, sampled from /proc.

  rss_peak.py PID OUT [INTERVAL_SECONDS]

Every INTERVAL (default 0.1 s) sums VmRSS of PID and all its descendants (gunicorn's
workers, for example) and keeps the largest sum. On SIGTERM or SIGINT, or when PID
exits, writes that peak in KiB to OUT and exits. A sum of RSS counts pages shared
between processes (gunicorn's preforked workers share code) once per process, so for
multi-process servers it is an upper bound.
"""

import os
import signal
import sys
import time


def children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The field after the parenthesised command name is the state, then ppid.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss(root: int) -> int:
    kids = children_map()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss_kib(pid)
        todo.extend(kids.get(pid, []))
    return total


def main() -> None:
    root, out = int(sys.argv[1]), sys.argv[2]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
    peak = 0
    stop = False

    def finish(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    while not stop and os.path.exists(f"/proc/{root}"):
        peak = max(peak, tree_rss(root))
        time.sleep(interval)
    with open(out, "w") as f:
        f.write(f"{peak}\n")


if __name__ == "__main__":
    main()
