"""Files that hold health information (report pages, exports): written whole or not at all,
readable by their owner only, and never through a symlink."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` with mode 600, atomically.

    The text goes to a new temporary file beside ``path`` (created exclusively, so a planted
    symlink is never followed), then os.replace puts it in place: a reader sees the old file
    or the new one, never half of one, and a symlink at ``path`` is replaced, not written
    through.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".followup-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
