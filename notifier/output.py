"""Rendering rows for the terminal: aligned tables, JSON arrays, CSV; and a progress line."""

from __future__ import annotations

import csv
import io
import json
import sys
import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TextIO


def to_jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)


def table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], *, widths: dict[str, int] | None = None
) -> str:
    """A plain aligned table. A cell longer than its column's width (40 unless ``widths`` says)
    wraps onto the lines below, at spaces where it can: nothing is ever cut off. A list value
    shows one item per line."""
    widths = widths or {}
    cells = [[_lines(r.get(c), widths.get(c, 40)) for c in columns] for r in rows]
    sizes = [
        max([len(c)] + [len(line) for row in cells for line in row[i]])
        for i, c in enumerate(columns)
    ]
    lines = ["  ".join(c.upper().ljust(sizes[i]) for i, c in enumerate(columns)).rstrip()]
    for row in cells:
        for n in range(max(len(cell) for cell in row)):
            parts = [
                (cell[n] if n < len(cell) else "").ljust(sizes[i]) for i, cell in enumerate(row)
            ]
            lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def _lines(value: Any, width: int) -> list[str]:
    """A cell's lines: a list or tuple puts each item on a line of its own."""
    if isinstance(value, list | tuple):
        return [line for item in value for line in _wrap(_cell(item), width)] or ["-"]
    return _wrap(_cell(value), width)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return " ".join(str(value).split("\n"))


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters; words longer than that are split, never dropped."""
    if len(text) <= width:
        return [text]
    return textwrap.wrap(
        text, width, break_long_words=True, break_on_hyphens=False, drop_whitespace=True
    ) or [""]


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _csv_value(r.get(k)) for k in columns})
    return buf.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(to_jsonable(value), ensure_ascii=False)
    text = value
    # A cell starting with = + - @ is a formula in spreadsheets: neutralise it.
    if isinstance(text, str) and text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


class Progress:
    """A one-line progress indicator on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total, self.label = max(total, 1), label
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", bool)()) and total >= 200
        self.last = -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        pct = int(done * 100 / self.total)
        if pct != self.last:
            self.last = pct
            bar = "#" * (pct // 4)
            self.stream.write(f"\r{self.label} [{bar:<25}] {done}/{self.total} ({pct}%)")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.update(self.total)
            self.stream.write("\n")
            self.stream.flush()
