"""`python -m benchmarks.classify_work [N]`: machine instructions per classify() call.

Timings on a shared virtual machine move by 20-30% with the neighbours' load; the number of
instructions a call executes does not. This counts them with valgrind's callgrind (Debian
package ``valgrind``; without it the script says so and exits 2): the dev corpus is classified
once to warm every cache the classifier keeps, then once more with counting on, over every
message and over the N longest (default 150: the ones that set the p99). Each message in its
evaluation context, as in ``benchmarks.classify``. Takes about a minute.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.common import ROOT

_INNER = "NOTIFIER_CLASSIFY_WORK_INNER"


def _inner(longest: int) -> int:
    """Under callgrind: warm up, then count one pass (instrumentation switched on and off
    around it with callgrind_control, so start-up and warm-up are not counted)."""
    from benchmarks.classify import messages
    from notifier.understanding import classify

    _, msgs = messages(ROOT / "evaluation" / "corpus")
    if longest:
        msgs = sorted(msgs, key=lambda m: len(m[0]))[-longest:]
    for text, prompts, opted_out in msgs:
        classify(text, opted_out=opted_out, open_prompts=prompts)
    toggle = ["callgrind_control", "--instr"]
    subprocess.run([*toggle, "on", str(os.getpid())], capture_output=True, check=False)
    for text, prompts, opted_out in msgs:
        classify(text, opted_out=opted_out, open_prompts=prompts)
    subprocess.run([*toggle, "off", str(os.getpid())], capture_output=True, check=False)
    print(f"messages {len(msgs)}", file=sys.stderr)
    return 0


def count(longest: int) -> tuple[int, int]:
    """(instructions per message, messages) for every message (``longest=0``) or the longest."""
    env = {**os.environ, _INNER: str(longest), "PYTHONPATH": str(ROOT)}
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
           sys.executable, "-m", "benchmarks.classify_work"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    collected = re.search(r"Collected : (\d+)", out.stderr)
    n = re.search(r"^messages (\d+)", out.stderr, re.MULTILINE)
    if out.returncode != 0 or collected is None or n is None:
        raise RuntimeError(f"callgrind run failed: {out.stderr.strip()[-400:]}")
    return int(collected.group(1)) // int(n.group(1)), int(n.group(1))


def main() -> int:
    if _INNER in os.environ:
        return _inner(int(os.environ[_INNER]))
    longest = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("benchmarks.classify_work needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    print(f"classify() instructions per message ({Path(sys.executable).name}, callgrind)")
    print("| messages | instructions per message |\n| --- | --- |")
    for label, n in (("every dev message", 0), (f"the {longest} longest", longest)):
        per, messages = count(n)
        print(f"| {label} ({messages}) | {per:,} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
