"""Attack on the staff terminal (issue 17, N5): escape codes in what a client texts.

A reply body is the client's (or a stranger's) own bytes. ``notifier replies``, ``followup``
(table) and ``audit export`` printed it raw: ``ESC[1A ESC[2K`` moved up and erased the line
above, so a crisis row could be erased or a calm one forged on the facilitator's screen. Every
terminal output and every CSV now shows control characters escaped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from notifier.cli import main
from notifier.core import output
from tests.conftest import TEST_KEY

ROOT = Path(__file__).resolve().parents[2]
# Cursor up, erase line, carriage return, a C1 CSI, a right-to-left override, a bell, a NUL.
FORGED = "I am fine\x1b[1A\x1b[2K\rC002 fine\x9b2J \u202etxet\x07\x00!"
RAW = ("\x1b", "\r", "\x9b", "\u202e", "\x07", "\x00")


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., int]:
    env = tmp_path / "settings.env"
    env.write_text(
        (ROOT / "settings.example.env").read_text()
        .replace("NOTIFIER_DATABASE_URL=sqlite:///notifier.db",
                 f"NOTIFIER_DATABASE_URL=sqlite:///{tmp_path / 'n.db'}")
        .replace("NOTIFIER_ENCRYPTION_KEYS=", f"NOTIFIER_ENCRYPTION_KEYS={TEST_KEY}")
    )  # fmt: skip

    def run(*args: str) -> int:
        return main(["--env-file", str(env), *args])

    roster = ROOT / "notifier" / "examples" / "roster.csv"
    assert run("clients", "import", str(roster), "--now", "2026-11-01T09:00") == 0
    assert run("inbound", "--from", "(312) 555-0102", "--body", FORGED,
               "--now", "2026-11-30T17:00") == 0  # fmt: skip
    return run


@pytest.mark.parametrize(
    "command",
    [
        ("replies",),
        ("replies", "--format", "json"),
        ("replies", "--client", "C002"),
        ("followup", "evening", "--now", "2026-11-30T17:30"),
        ("followup", "evening", "--now", "2026-11-30T17:30", "--format", "csv"),
        ("followup", "evening", "--now", "2026-11-30T17:30", "--format", "json"),
        ("followup", "evening", "--now", "2026-11-30T17:30", "--format", "html"),
        ("audit", "export"),
        ("outbox", "--client", "C002"),
    ],
)
def test_control_characters_in_a_reply_are_shown_escaped(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    capsys.readouterr()
    assert cli(*command) == 0
    out = capsys.readouterr().out.replace("\r\n", "\n")  # CSV's own line ends are fine
    leaked = [c for c in RAW if c in out]
    assert not leaked, (command, leaked)
    if command[0] == "replies":
        assert "\\x1b[1A" in out or "\\u001b[1A" in out  # shown, not hidden


def test_json_keeps_the_text_itself(cli: Callable[..., int],
                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    capsys.readouterr()
    assert cli("replies", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    # A JSON reader still gets the text itself (NUL is dropped when a reply is stored).
    assert rows[0]["body"] == FORGED.replace("\x00", "")


def test_csv_cells_are_escaped_and_formula_safe() -> None:
    text = output.csv_text([{"a": FORGED, "b": "=HYPERLINK(1)"}], ["a", "b"]).replace("\r\n", "")
    assert not [c for c in RAW if c in text]
    assert "'=HYPERLINK" in text


def test_tables_escape_every_control_character() -> None:
    text = output.table([{"body": FORGED}], ["body"])
    assert not [c for c in RAW if c in text]
    assert "\\x1b[2K" in text and "\\u202e" in text
