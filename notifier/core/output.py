"""Rendering rows for the terminal: aligned tables, JSON arrays, CSV; a progress line; and
writing a private file (health information: owner only, never through a symlink).

Text that clients or strangers wrote reaches the staff terminal. :func:`printable` is the one
escaping function: every table cell, every CSV cell and everything the CLI prints
(``notifier.cli._common.say`` and the writers that print CSV) goes through it, so escape codes
in a reply (cursor moves, line erases, a C1 CSI, bidi overrides) are shown as ``\\x1b[2K``
instead of acting on the terminal or a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO

# C0 and C1 controls, DEL, and the invisible direction marks and overrides that reorder text.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep: str = "") -> str:
    """``text`` with control characters shown as escapes (``\\x1b``, ``\\u202e``); those in
    ``keep`` (e.g. newline and tab inside a quoted CSV cell) stay as they are."""

    def escaped(found: re.Match[str]) -> str:
        char = found.group()
        if char in keep:
            return char
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _CONTROLS.sub(escaped, text)


def local_time(value: datetime, tz: tzinfo | None = None) -> str:
    """The one way a person is shown an instant: in ``tz`` (the program's zone; else the
    value's own) with the zone's abbreviation, e.g. "Mon 7 Dec 18:00 EST", so nobody has to
    guess whether a time is UTC. Machines get ISO 8601 with the offset (:func:`to_jsonable`)."""
    if value.tzinfo is None:  # stored times are UTC
        value = value.replace(tzinfo=UTC)
    t = value.astimezone(tz) if tz is not None else value
    return f"{t:%a} {t.day} {t:%b %H:%M %Z}"


def to_jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """JSON with every control character as a ``\\uXXXX`` escape (json escapes C0 itself; DEL,
    C1 and direction overrides are escaped here): a reader gets the text, a terminal no codes."""
    text = json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}" if m.group() != "\n" else "\n", text)


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    widths: dict[str, int] | None = None,
    tz: tzinfo | None = None,
) -> str:
    """A plain aligned table. A cell longer than its column's width (40 unless ``widths`` says)
    wraps onto the lines below, at spaces where it can: nothing is ever cut off. A list value
    shows one item per line; a time is shown by :func:`local_time` in ``tz``."""
    widths = widths or {}
    cells = [[_lines(r.get(c), widths.get(c, 40), tz) for c in columns] for r in rows]
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


def _lines(value: Any, width: int, tz: tzinfo | None = None) -> list[str]:
    """A cell's lines: a list or tuple puts each item on a line of its own."""
    if isinstance(value, list | tuple):
        return [line for item in value for line in _wrap(_cell(item, tz), width)] or ["-"]
    return _wrap(_cell(value, tz), width)


def _cell(value: Any, tz: tzinfo | None = None) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return local_time(value, tz)
    return printable(" ".join(str(value).split("\n")))


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
        return printable("; ".join(str(v) for v in value), keep="\n\t")
    if isinstance(value, dict):
        return printable(json.dumps(to_jsonable(value), ensure_ascii=False))
    text = printable(value, keep="\n\t") if isinstance(value, str) else value
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


class OutputError(ValueError):
    """A file we were asked to write cannot be written safely; ``str()`` is one line."""


def write_private(
    path: str | os.PathLike[str],
    text: str,
    *,
    replace_links: bool = False,
    new_only: bool = False,
) -> Path:
    """Write ``text`` to ``path`` readable by its owner only (0600), from the first byte.

    The text goes to a new temporary file beside ``path`` (created O_EXCL with mode 0600, so
    it is never readable by others, not even for an instant) and is renamed over ``path``. A
    symlink at ``path`` is refused, never followed; so is anything but a regular file. An
    existing regular file is replaced atomically (a rerun of ``followup --output`` overwrites
    its last output; a reader sees the old file or the new one, never half of one).

    ``replace_links`` is for files the service owns (report pages): a symlink planted at the
    path is replaced by the new file, never written through, so the page stays true.

    ``new_only`` is for records that must never be overwritten (the audit export): anything
    already at the path is refused, and the file is put in place with a hard link, which fails
    rather than replace a file created meanwhile."""
    target = Path(path)
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        pass
    else:
        if new_only:
            raise OutputError(f"{target}: already exists; choose a new file name")
        if stat.S_ISLNK(st.st_mode) and not replace_links:
            raise OutputError(f"{target}: is a symbolic link; expected a regular file path")
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISLNK(st.st_mode):
            raise OutputError(f"{target}: exists and is not a regular file")
    directory = target.parent
    if not directory.is_dir():
        raise OutputError(f"{target}: expected an existing directory {str(directory)!r}")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)  # mkstemp's default, stated: owner only
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if new_only:
            try:
                os.link(tmp, target)  # atomic, and never over an existing name
            except FileExistsError:
                raise OutputError(f"{target}: already exists; choose a new file name") from None
            Path(tmp).unlink()
        else:
            os.replace(tmp, target)  # renames over a path; never writes through a link
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
