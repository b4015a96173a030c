"""`make eval`'s report keeps the misses of the parts never tuned on out of the file read while
tuning: they go to a file of their own beside it."""

from __future__ import annotations

from pathlib import Path

from evaluation.__main__ import _write


def test_the_never_tuned_misses_are_written_apart(tmp_path: Path) -> None:
    doc = tmp_path / "classification.md"
    sections = [
        "### Misses on dev (1)\n\n| dev line |",
        "### Misses on held-out (1)\n\n| held-out line |",
        "### Misses on final-30 (1)\n\n| final line |",
    ]
    _write(doc, ["# Report"], sections)
    main = doc.read_text()
    aside = (tmp_path / "classification-never-tuned-misses.md").read_text()
    assert "| dev line |" in main
    assert "held-out line" not in main and "final line" not in main
    assert "classification-never-tuned-misses.md" in main
    assert "| held-out line |" in aside and "| final line |" in aside
    assert "dev line" not in aside
