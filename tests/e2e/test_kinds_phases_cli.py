"""`sessions add --kind`, `consent support-add/support-revoke/export`, `clients phase` and the
phase in `followup`, as staff run them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from notifier.cli import main

ROOT = Path(__file__).resolve().parents[2]
ROSTER = ROOT / "notifier" / "examples" / "roster.csv"
PHASES = "intensive: 0w mon,tue,wed,thu,fri; step-down: 6w mon,wed,fri; continuing: 12w wed"
NOW = ("--now", "2026-12-06T10:00")


@pytest.fixture
def env_file(env_file: Path) -> Path:
    """The suite's example settings (tests/conftest.py) with a phase table."""
    env_file.write_text(
        env_file.read_text().replace("NOTIFIER_PHASES=\n", f"NOTIFIER_PHASES={PHASES}\n")
    )
    return env_file


def run(env: Path, *args: str) -> int:
    return main(["--env-file", str(env), *args])


def imported(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(env, "clients", "import", str(ROSTER), "--now", "2026-11-01T09:00") == 0
    capsys.readouterr()


def test_family_session_says_in_one_line_why_no_support_person_is_texted(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported(env_file, capsys)
    args = ("sessions", "add", "--client", "C001", "--at", "2026-12-09T17:00", "--kind", "family")
    assert run(env_file, *args, *NOW) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("family session ") and "added for C001" in out[0]
    (line,) = [x for x in out if "support persons" in x]
    assert "none texted: no written consent of C001 covers a support person" in line


def test_support_person_consent_add_export_and_revoke(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported(env_file, capsys)
    record = (
        "consent", "support-add", "--client", "C001", "--name", "Rosa Diaz",
        "--phone", "(312) 555-0142", "--relationship", "sister",
        "--purpose", "family session reminders", "--signed", "2026-11-30",
        "--expires", "2027-05-31",
    )  # fmt: skip
    assert run(env_file, *record, *NOW) == 0
    assert "support person 1 recorded for C001" in capsys.readouterr().out
    args = ("sessions", "add", "--client", "C001", "--at", "2026-12-09T17:00", "--kind", "family")
    assert run(env_file, *args, *NOW) == 0
    assert "support persons: 1 also reminded" in capsys.readouterr().out
    assert run(env_file, "tick", *NOW) == 0
    capsys.readouterr()
    assert run(env_file, "consent", "export") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    (rec,) = [r for r in rows if r["event"] == "support_record"]
    assert rec["external_id"] == "C001" and rec["support_name"] == "Rosa Diaz"
    assert rec["support_phone"] == "+13125550142" and rec["purpose"] == "family session reminders"
    assert rec["signed_on"] == "2026-11-30" and rec["expires_on"] == "2027-05-31"
    assert rec["revoked_at"] == ""
    assert "support_consent" in {r["event"] for r in rows}
    assert run(env_file, "consent", "support-revoke", "1", "--now", "2026-12-06T11:00") == 0
    assert "consent revoked; 2 pending text(s) canceled" in capsys.readouterr().out
    assert run(env_file, "consent", "export") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["revoked_at"] for r in rows if r["event"] == "support_record"] != [""]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("--phone", "12"), "--phone: not a valid phone number for region US"),
        (("--signed", "2026-13-01"), "--signed: expected YYYY-MM-DD"),
        (("--client", "C999"), "no client with external_id 'C999'"),
    ],
)
def test_a_bad_support_record_is_refused_in_one_line(
    change: tuple[str, str],
    expected: str,
    env_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    imported(env_file, capsys)
    values = {
        "--client": "C001", "--name": "Rosa", "--phone": "(312) 555-0142",
        "--purpose": "reminders", "--signed": "2026-11-30",
    }  # fmt: skip
    values[change[0]] = change[1]
    args = [x for k, v in values.items() for x in (k, v)]
    assert run(env_file, "consent", "support-add", *args, *NOW) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err
    assert run(env_file, "consent", "export") == 0
    assert "support_record" not in capsys.readouterr().out


def test_staff_set_a_phase_and_the_followup_list_shows_it(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported(env_file, capsys)
    assert run(env_file, "clients", "phase", "--client", "C002", "--set", "step-down", *NOW) == 0
    assert "C002: phase step-down (set)" in capsys.readouterr().out
    assert run(env_file, "clients", "phase", "--client", "C002", "--set", "later", *NOW) == 2
    assert "expected one of intensive, step-down, continuing or auto" in capsys.readouterr().err
    assert run(env_file, "followup", "evening", "--format", "json", *NOW) == 0
    data = json.loads(capsys.readouterr().out)
    phases = {c["external_id"]: c["phase"] for c in data["clients"]}
    # C001 started 2026-09-01 (13 weeks by Mon 7 Dec: continuing); C002 set by staff.
    assert phases["C001"] == "continuing" and phases["C002"] == "step-down"
    assert run(env_file, "followup", "evening", *NOW) == 0
    table = capsys.readouterr().out
    assert "PHASE" in table and "step-down" in table


def test_without_phases_the_followup_list_has_no_phase(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file.write_text(
        env_file.read_text().replace(f"NOTIFIER_PHASES={PHASES}", "NOTIFIER_PHASES=")
    )
    imported(env_file, capsys)
    assert run(env_file, "followup", "evening", "--format", "json", *NOW) == 0
    data = json.loads(capsys.readouterr().out)
    assert {c["phase"] for c in data["clients"]} == {None}
    assert run(env_file, "followup", "evening", "--format", "csv", *NOW) == 0
    assert "phase" not in capsys.readouterr().out.splitlines()[0]
    assert run(env_file, "clients", "phase", "--client", "C001", "--set", "intensive", *NOW) == 2
    assert "no phases configured: set NOTIFIER_PHASES first" in capsys.readouterr().err


def test_a_phase_set_from_the_shell_is_an_audit_event(
    env_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A change to a client's care from the shell leaves a trail like a read does: who (the OS
    user), which client (by row id, never the typed record number), what command."""
    imported(env_file, capsys)
    assert run(env_file, "clients", "phase", "--client", "C002", "--set", "step-down", *NOW) == 0
    assert run(env_file, "clients", "phase", "--client", "C002", "--set", "auto", *NOW) == 0
    capsys.readouterr()
    assert run(env_file, "audit", "export") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    changes = [r for r in rows if r["action"] == "client_change"]
    assert [c["detail"].split(" (os user")[0] for c in changes] == [
        "notifier clients phase --set step-down",
        "notifier clients phase --set auto",
    ]
    assert all(c["client"] and c["address"] == "cli" for c in changes)
