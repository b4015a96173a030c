"""Run a module as ``python -m MODULE ARGS`` in this process and, when it ends, write its peak
resident memory (Linux's VmHWM, in kB) to the file named by NOTIFIER_BENCH_RSS_FILE.

Why not the rusage of the child: Linux carries the parent's high-water mark into a child
across fork and exec (``ru_maxrss`` is at least what the parent held when it forked), so a
large benchmark runner would make every small process it starts look large. VmHWM belongs to
the process's own memory map, made new by exec.

    NOTIFIER_BENCH_RSS_FILE=/tmp/x python -m benchmarks.measured notifier tick --now ...
"""

from __future__ import annotations

import os
import runpy
import sys

from benchmarks.common import peak_rss_mb


def main() -> int:
    module, sys.argv = sys.argv[1], sys.argv[1:]
    code: object = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
    out = os.environ.get("NOTIFIER_BENCH_RSS_FILE")
    if out:
        with open(out, "w") as fh:
            fh.write(f"{peak_rss_mb():.1f}\n")
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
