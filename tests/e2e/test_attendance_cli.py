"""`notifier attendance` and the follow-up table through the CLI: what staff type and see."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from notifier.cli import main

ROOT = Path(__file__).resolve().parents[2]
ROSTER = ROOT / "notifier" / "examples" / "roster.csv"


def run(env: Path, *args: str) -> int:
    return main(["--env-file", str(env), *args])


def mark(env: Path, client: str, status: str, now: str, day: str = "2026-11-30") -> int:
    return run(
        env, "attendance", "mark", "--group", "evening", "--date", day, "--client", client,
        "--status", status, "--now", now,
    )  # fmt: skip


def test_attendance_mark_through_the_cli(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(env_file, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00") == 0
    capsys.readouterr()
    # Evening meets Mon 30 Nov at 18:00 New York.
    assert mark(env_file, "C001", "absent", "2026-11-30T17:59") == 2
    err = capsys.readouterr().err
    assert "attendance can be marked once the meeting has started" in err
    assert len(err.strip().splitlines()) == 1

    assert mark(env_file, "C001", "absent", "2026-11-30T18:05") == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("C001 marked absent at evening on Mon 2026-11-30 18:00")
    assert line.endswith("first mark)")
    assert mark(env_file, "C001", "late", "2026-11-30T18:20") == 0
    assert "C001 marked late" in (out := capsys.readouterr().out) and "was absent" in out

    for args, message in [
        (("C999", "absent", "2026-11-30T19:00"), "no client 'C999' in group 'evening'"),
        (("C004", "absent", "2026-11-30T19:00"), "no client 'C004' in group 'evening'"),
        (("C001", "here", "2026-11-30T19:00"), "status: expected attended, late, absent"),
        (("C001", "absent", "2026-11-30T19:00", "30/11/2026"), "--date: expected YYYY-MM-DD"),
        (("C001", "absent", "2026-11-30T19:00", "2026-11-29"), "does not meet on 2026-11-29"),
    ]:
        assert mark(env_file, *args) == 2, message
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1

    assert run(env_file, "attendance", "list", "--group", "evening", "--now", "2026-11-30T19:00",
               "--format", "json") == 0  # fmt: skip
    rows = json.loads(capsys.readouterr().out)
    assert {"client": "C001", "date": "2026-11-30", "session_id": rows[0]["session_id"],
            "status": "late"} in rows  # fmt: skip

    # Wednesday's list shows Monday's mark.
    assert mark(env_file, "C002", "absent", "2026-11-30T19:00") == 0
    capsys.readouterr()
    assert (
        run(env_file, "followup", "evening", "--now", "2026-12-02T09:00", "--format", "json") == 0
    )
    digest = json.loads(capsys.readouterr().out)
    ana = next(c for c in digest["clients"] if c["external_id"] == "C001")
    assert ana["attendance_history"][0]["status"] == "late"
    assert ana["attendance_history"][0]["date"] == "2026-11-30"


def test_cli_attendance_marks_and_followup_views_are_audit_events(
    env_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every attendance change and every view of a group list is an audit event, from the
    shell too: address "cli", the change in the detail, the staff member when --by names one."""
    assert run(env_file, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00") == 0
    assert mark(env_file, "C001", "absent", "2026-11-30T18:05") == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery staple\n"))
    assert run(env_file, "staff", "add", "ana@example.org", "--name", "Ana",
               "--password-stdin") == 0  # fmt: skip
    late = ("attendance", "mark", "--group", "evening", "--date", "2026-11-30", "--client",
            "C001", "--status", "late", "--now", "2026-11-30T18:20", "--by")  # fmt: skip
    capsys.readouterr()
    assert run(env_file, *late, "nobody@example.org") == 2  # refused: nothing changes
    err = capsys.readouterr().err
    assert "--by 'nobody@example.org': expected the e-mail of an active staff account" in err
    assert len(err.strip().splitlines()) == 1
    assert run(env_file, *late, "ana@example.org") == 0
    assert run(env_file, "followup", "evening", "--now", "2026-11-30T18:30") == 0
    capsys.readouterr()
    assert run(env_file, "audit", "export") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    seen = [(r["action"], r["staff_email"], r["client"], r["group"], r["address"], r["detail"])
            for r in rows if r["action"] != "staff_added"]  # fmt: skip
    assert seen == [
        ("attendance_change", "", "C001", "evening", "cli", "2026-11-30: unmarked -> absent"),
        ("attendance_change", "ana@example.org", "C001", "evening", "cli",
         "2026-11-30: absent -> late"),
        ("view_group", "", "", "evening", "cli", "notifier followup (table)"),
    ]  # fmt: skip


def test_followup_table_wraps_a_long_reply_and_shows_it_whole(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(env_file, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00")
    body = (
        "I have been trying really hard this week but last night I ended up at my old place "
        "again and I dont know if I can keep doing this, everything feels heavy and I keep "
        "thinking nobody would notice if I was gone, please can someone from group call me "
        "tomorrow morning before work because I need to talk to someone"
    )
    assert len(body) >= 300
    assert run(env_file, "inbound", "--from", "(312) 555-0101", "--body", body,
               "--now", "2026-11-29T10:00") == 0  # fmt: skip
    capsys.readouterr()
    assert run(env_file, "followup", "evening", "--now", "2026-11-30T09:00") == 0
    text = capsys.readouterr().out
    assert "…" not in text
    lines = text.splitlines()
    header = lines[1]
    col = header.index("REPLIES")
    assert all(len(line) <= col + 70 for line in lines[2:])  # wrapped, not one long line
    ana = next(i for i, line in enumerate(lines) if line.startswith("Ana "))
    column = []
    for line in lines[ana:]:
        if line is not lines[ana] and line[: header.index("EXTERNAL_ID")].strip():
            break  # the next client's row (a first name in the first column)
        column.append(line[col:].strip())
    shown = " ".join(column)
    assert re.sub(r"\s+", " ", body) in shown
