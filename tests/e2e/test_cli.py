"""The `notifier` command as staff and ops use it: exit codes, messages, JSON keys."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from notifier.cli import main

ROOT = Path(__file__).resolve().parents[2]
ROSTER = ROOT / "notifier" / "examples" / "roster.csv"
HEADER = "external_id,first_name,phone,group,start_date,end_date,timezone,consent"


def run(env: Path, *args: str) -> int:
    return main(["--env-file", str(env), *args])


def out_json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_clients_import_and_list_json_keys(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(env_file, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00") == 0
    assert "6 new" in capsys.readouterr().out
    assert run(env_file, "clients", "list", "--format", "json") == 0
    rows = out_json(capsys)
    assert isinstance(rows, list) and len(rows) == 6
    for key in ("external_id", "first_name", "phone", "group", "timezone", "opted_out"):
        assert key in rows[0]
    carla = next(r for r in rows if r["external_id"] == "C003")
    assert carla["phone"] == "+16025550103" and carla["timezone"] == "America/Phoenix"
    assert carla["opted_out"] is False and carla["group"] == "evening"
    # The table masks numbers (a shared screen); JSON is for machines.
    assert run(env_file, "clients", "list") == 0
    table = capsys.readouterr().out
    assert "+16025550103" not in table and "03" in table


def test_reimport_updates_by_external_id(
    env_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(env_file, "clients", "import", str(ROSTER))
    changed = tmp_path / "changed.csv"
    changed.write_text(HEADER + "\nC001,Anna,(312) 555-0101,morning,,,America/New_York,yes\n")
    capsys.readouterr()
    assert run(env_file, "clients", "import", str(changed)) == 0
    assert "0 new, 1 updated" in capsys.readouterr().out
    run(env_file, "clients", "list", "--format", "json")
    c1 = next(r for r in out_json(capsys) if r["external_id"] == "C001")  # type: ignore[attr-defined]
    assert c1["first_name"] == "Anna" and c1["group"] == "morning"


def test_rule_bad_input_roster_with_bad_rows_imports_nothing_and_lists_each(
    env_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "\n"
        "C001,Ana,(312) 555-0101,evening,,,America/New_York,yes\n"
        "C002,Ben,12345,evening,,,America/New_York,yes\n"
        "C003,Carla,(312) 555-0103,evenng,,,America/New_York,yes\n"
        "C004,Dev,(312) 555-0104,morning,2026-13-01,,Mars/Base,maybe\n"
        "C001,Ana,(312) 555-0105,evening,,,America/New_York,yes\n"
    )
    assert run(env_file, "clients", "import", str(bad)) == 2
    err = capsys.readouterr().err
    assert "line 3, column phone: not a valid phone number" in err
    assert "line 4, column group: 'evenng' is not one of: evening, morning" in err
    assert "line 5, column start_date" in err
    assert "line 5, column timezone" in err
    assert "line 5, column consent" in err
    assert "line 6, column external_id: 'C001' already appears on line 2" in err
    assert "nothing imported (6 problem(s))" in err
    assert "12345" not in err  # numbers are not echoed
    assert run(env_file, "clients", "list", "--format", "json") == 0
    assert out_json(capsys) == []  # the good row was not imported either


def test_rule_bad_input_roster_header_and_missing_file(
    env_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "h.csv"
    bad.write_text("id,name,phone\n1,Ana,3125550101\n")
    assert run(env_file, "clients", "import", str(bad)) == 2
    assert "missing column(s) external_id, first_name" in capsys.readouterr().err
    assert run(env_file, "clients", "import", str(tmp_path / "none.csv")) == 2
    assert "no such file" in capsys.readouterr().err


def test_tick_plans_and_sends_then_outbox_json_keys(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(env_file, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00")
    capsys.readouterr()
    assert run(env_file, "tick", "--now", "2026-11-30T16:00") == 0  # Mon: 2h evening reminders
    line = capsys.readouterr().out
    assert line.startswith("tick at 2026-11-30 16:00 EST: planned")
    assert run(env_file, "outbox", "--status", "sent", "--format", "json") == 0
    rows = out_json(capsys)
    assert isinstance(rows, list) and rows
    keys = {
        "id",
        "client",
        "kind",
        "due_at",
        "status",
        "body",
        "sent_at",
        "provider_sid",
        "error_code",
    }
    assert keys <= set(rows[0])
    assert {r["client"] for r in rows} == {"C001", "C002", "C003"}
    assert all(r["kind"] == "reminder" and r["status"] == "sent" for r in rows)
    assert all(r["sent_at"].endswith("+00:00") for r in rows)  # ISO 8601 with offset
    # Planned rows get their words when sent; the outbox shows what they would say now.
    assert run(env_file, "outbox", "--status", "pending", "--format", "json") == 0
    pending = out_json(capsys)
    assert isinstance(pending, list) and pending
    assert all(r["body"].startswith(("Hi ", "Hola ")) for r in pending)
    # A second tick at the same instant changes nothing.
    run(env_file, "tick", "--now", "2026-11-30T16:00")
    assert "planned 0 new message(s)" in capsys.readouterr().out
    assert run(env_file, "outbox", "--status", "bogus") == 2
    assert "--status: expected one of pending" in capsys.readouterr().err


def test_sessions_add_cancel_list(env_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(env_file, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00")
    now = ["--now", "2026-11-29T10:00"]
    assert (
        run(
            env_file,
            "sessions",
            "add",
            "--client",
            "C004",
            "--at",
            "2026-12-01T15:00",
            "--location",
            "Room 2",
            *now,
        )
        == 0
    )
    assert "added for C004 at Tue 2026-12-01 15:00 EST" in capsys.readouterr().out
    assert run(env_file, "tick", *now) == 0
    assert (
        run(env_file, "sessions", "cancel", "--group", "evening", "--date", "2026-12-02", *now) == 0
    )
    assert "canceled" in capsys.readouterr().out
    assert run(env_file, "sessions", "list", "--format", "json", *now) == 0
    rows = out_json(capsys)
    assert isinstance(rows, list)
    indiv = [r for r in rows if r["kind"] == "individual"]
    assert indiv and indiv[0]["client"] == "C004" and indiv[0]["location"] == "Room 2"
    wed = [r for r in rows if r["group"] == "evening" and r["starts_at"].startswith("2026-12-02")]
    assert wed and wed[0]["canceled"] is True
    assert (
        run(env_file, "sessions", "add", "--client", "NOPE", "--at", "2026-12-01T15:00", *now) == 2
    )
    assert "no client with external_id 'NOPE'" in capsys.readouterr().err
    assert (
        run(env_file, "sessions", "cancel", "--group", "evening", "--date", "2026-12-01", *now) == 2
    )
    assert "does not meet on 2026-12-01" in capsys.readouterr().err


def test_sessions_add_says_what_its_reminders_will_do(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(env_file, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00")
    capsys.readouterr()

    def add(client: str, at: str, now: str) -> list[str]:
        assert run(env_file, "sessions", "add", "--client", client, "--at", at, "--now", now) == 0
        return capsys.readouterr().out.splitlines()[1:]

    # By day: the 2h reminder goes two minutes from now; the 24h one is already past.
    assert add("C001", "2026-12-01T11:02", "2026-12-01T09:00") == [
        "  reminder 24h: none, its time (Mon 30 Nov 11:02 EST) has passed",
        "  reminder 2h: due Tue 01 Dec 09:02 EST",
    ]
    # At 21:30 (the quick start run in the evening): quiet hours until 08:00, after the session.
    assert add("C001", "2026-11-26T23:32", "2026-11-26T21:30")[1] == (
        "  reminder 2h: skipped: Thu 26 Nov 21:32 EST is in the client's quiet hours"
        " (21:00-08:00), which end after the session"
    )
    # Carla lives in Phoenix: her quiet hours are hers, and the reminder moves to 08:00 there.
    assert add("C003", "2026-12-02T11:30", "2026-12-01T09:00")[1] == (
        "  reminder 2h: due Wed 02 Dec 08:00 MST, moved out of the client's quiet hours"
        " (21:00-08:00) from Wed 02 Dec 07:30 MST"
    )
    assert run(env_file, "inbound", "--from", "(312) 555-0102", "--body", "STOP") == 0
    capsys.readouterr()
    assert add("C002", "2026-12-03T15:00", "2026-12-01T09:00") == [
        "  no reminders: C002 is opted out"
    ]
    # Frank's enrolment ends on 30 Nov; Dev is discharged.
    assert add("C006", "2026-12-03T15:00", "2026-12-01T09:00") == [
        "  no reminders: C006 is not enrolled on that day"
    ]
    assert run(env_file, "clients", "discharge", "C004", "--now", "2026-12-01T08:00") == 0
    capsys.readouterr()
    assert add("C004", "2026-12-03T15:00", "2026-12-01T09:00") == [
        "  no reminders: C004 is discharged"
    ]


def test_discharge(env_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(env_file, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00")
    run(env_file, "tick", "--now", "2026-11-29T10:00")
    capsys.readouterr()
    assert run(env_file, "clients", "discharge", "C001", "--now", "2026-11-29T10:05") == 0
    assert "pending message(s) canceled" in capsys.readouterr().out
    run(env_file, "outbox", "--client", "C001", "--status", "pending", "--format", "json")
    assert out_json(capsys) == []
    assert run(env_file, "clients", "discharge", "NOPE") == 2


def test_bad_now_is_one_clear_line(env_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(env_file, "tick", "--now", "yesterday") == 2
    assert capsys.readouterr().err.startswith("notifier: --now: expected an ISO 8601 time")


def test_database_unreachable_is_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = tmp_path / "pg.env"
    env.write_text("NOTIFIER_DATABASE_URL=postgresql+psycopg://nobody@127.0.0.1:9/none\n")
    assert main(["--env-file", str(env), "outbox"]) == 1
    assert "database unavailable" in capsys.readouterr().err


def test_python_dash_m_and_demo_run_as_commands(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "notifier", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Sun 01 Nov (clocks fell back at 02:00)" in out
    assert "messages by kind and status" in out
    assert "her time" in out  # the client in Phoenix
    assert "[skipped: quiet_hours]" in out or "08:00  reminder 2h" in out
    assert "+1" not in out  # names only, never numbers
