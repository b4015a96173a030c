"""`python -m evaluation.first_read FILE`: the one measurement of an independent batch.

An independent author's batch (written from the label policy and the sources only) is
classified exactly once, before anything is tuned on it, and the figures are recorded in
``corpus/first_reads.json`` with the commit they were measured at. A batch that already has a
first read is refused: measuring again after tuning would no longer be a first read.
``make eval`` prints every recorded first read beside the current figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from evaluation.corpus import CorpusError, read
from evaluation.metrics import Ratio, Summary, summarise

RECORD = Path(__file__).resolve().parent / "corpus" / "first_reads.json"


def figures(s: Summary) -> dict[str, list[int]]:
    """The figures the issue's targets name, as [hit, total] pairs (JSON keeps both)."""

    def pair(r: Ratio) -> list[int]:
        return [r.hit, r.total]

    out = {
        "risk_recall": pair(s.risk_recall),
        "crisis_recall": pair(s.crisis_recall),
        "urgent_to_crisis": pair(s.urgent_crisis),
        "urgent_to_urgent": pair(s.urgent_flagged),
        "everyday_crisis": pair(s.everyday_crisis),
        "everyday_concern": pair(s.everyday_concern),
    }
    for name, (precision, recall) in s.signals.items():
        if name in ("crisis", "concern"):
            continue
        out[f"{name}_precision"] = pair(precision)
        out[f"{name}_recall"] = pair(recall)
    return out


def load() -> dict[str, dict[str, object]]:
    if not RECORD.is_file():
        return {}
    data: dict[str, dict[str, object]] = json.loads(RECORD.read_text(encoding="utf-8"))
    return data


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    from evaluation.__main__ import run

    parser = argparse.ArgumentParser(prog="python -m evaluation.first_read")
    parser.add_argument("file", type=Path, help="the batch, JSON lines as in corpus/README.md")
    parser.add_argument("--name", help="the name it is recorded under (default: file name)")
    args = parser.parse_args(argv)
    name = args.name or args.file.name
    record = load()
    if name in record:
        print(f"first_read: {name} already has its first read; it is never measured again",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        items = read(args.file)
    except CorpusError as exc:
        print(f"first_read: {exc}", file=sys.stderr)
        return 2
    pairs = run(items)
    entry: dict[str, object] = {
        "measured_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "commit": _commit(),
        "messages": len(items),
        "all": figures(summarise(pairs)),
    }
    for lang in ("en", "es"):
        entry[lang] = figures(summarise([p for p in pairs if p[0].lang == lang]))
    record[name] = entry
    RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"first read of {name} ({len(items)} messages) recorded in {RECORD.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
