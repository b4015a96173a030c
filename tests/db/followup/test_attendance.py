"""Attendance on SQLite and PostgreSQL: marking once a meeting has started, changing a mark,
bad input as one line; the follow-up list's attendance history and missed_twice; report pages
rewritten after a reply and removed after retention."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from notifier.core.models import Attendance
from notifier.core.output import dumps
from notifier.core.settings import Settings
from notifier.followup.attendance import AttendanceError, history, mark, mark_group
from notifier.followup.render import as_dict
from notifier.retention import purge
from notifier.roster.appointments import cancel
from notifier.service import Service
from tests.fakes.transport import FakeTransport
from tests.helpers import add_client, ny

ANA = "+13125550101"


MON = date(2026, 11, 30)  # evening meets Mon, Wed, Thu 18:00-21:00 New York
MON_START = ny(2026, 11, 30, 18, 0)


@pytest.fixture
def service(database_url: str, make_settings: Callable[..., Settings]) -> Iterator[Service]:
    s = make_settings(database_url=database_url, checkin_days="daily")
    svc = Service(s, transport=FakeTransport(), clock=lambda: MON_START)
    add_client(svc.db, "C1", first_name="Ana", phone=ANA, now=ny(2026, 11, 1, 9, 0))
    add_client(svc.db, "C2", first_name="Ben", phone="+13125550102", now=ny(2026, 11, 1, 9, 0))
    add_client(
        svc.db, "M1", first_name="Mo", phone="+13125550103", group="morning",
        now=ny(2026, 11, 1, 9, 0),
    )  # fmt: skip
    yield svc
    svc.close()


def marks(svc: Service) -> list[Attendance]:
    with svc.db.read() as s:
        return list(s.scalars(select(Attendance).order_by(Attendance.id)))


def do_mark(svc: Service, day: date, client: str, status: str, now: datetime, **kw: object
            ) -> object:  # fmt: skip
    return mark(
        svc.db, group="evening", day=day, external_id=client, status=status, now=now,
        settings=svc.settings, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_attendance_mark_before_the_meeting_starts_is_refused(service: Service) -> None:
    with pytest.raises(AttendanceError, match="attendance can be marked once the meeting has"):
        do_mark(service, MON, "C1", "attended", MON_START - timedelta(minutes=1))
    assert marks(service) == []
    done = do_mark(service, MON, "C1", "attended", MON_START)
    assert done.status == "attended" and done.previous is None  # type: ignore[attr-defined]


def test_attendance_mark_change_updates_the_row(service: Service) -> None:
    from notifier.staff import accounts as staff
    from notifier.staff import audit

    do_mark(service, MON, "C1", "absent", MON_START + timedelta(minutes=5))
    later = MON_START + timedelta(minutes=40)
    staff.add(service.db, service.settings, email="ana@clinic.org", name="Ana",
              role="facilitator", groups=["evening"], now=later,
              password="correct horse battery staple")  # fmt: skip
    with service.db.read() as s:
        found = staff.find(s, "ana@clinic.org")
        assert found is not None
        ana = found.id
    done = mark(
        service.db, group="evening", day=MON, external_id="C1", status="late", now=later,
        staff_id=ana, source="web", address="203.0.113.9",
    )  # fmt: skip
    assert (done.status, done.previous) == ("late", "absent")
    rows = marks(service)
    assert len(rows) == 1
    row = rows[0]
    assert (row.status, row.marked_at, row.marked_by, row.source) == ("late", later, ana, "web")
    assert row.session_id == done.session_id
    # Each change is its own audit row, written with it: the source stands in for an address.
    changes = [(e["staff_email"], e["address"], e["detail"]) for e in audit.export_rows(service.db)
               if e["action"] == "attendance_change"]  # fmt: skip
    assert changes == [
        ("", "cli", "2026-11-30: unmarked -> absent"),
        ("ana@clinic.org", "203.0.113.9", "2026-11-30: absent -> late"),
    ]


def test_attendance_mark_unknown_client_group_or_date_is_one_line(service: Service) -> None:
    at = MON_START + timedelta(hours=1)
    cases = [
        ({"external_id": "C9"}, "no client 'C9' in group 'evening'"),
        ({"external_id": "M1"}, "no client 'M1' in group 'evening'"),
        ({"group": "nosuch"}, "no group 'nosuch'"),
        ({"day": date(2026, 11, 29)}, "group 'evening' does not meet on 2026-11-29"),
        ({"status": "present"}, "status: expected attended, late, absent, excused"),
    ]
    for override, message in cases:
        args: dict[str, object] = {
            "group": "evening", "day": MON, "external_id": "C1", "status": "absent", "now": at,
            "settings": service.settings,
        } | override  # fmt: skip
        with pytest.raises(AttendanceError, match=message) as info:
            mark(service.db, **args)  # type: ignore[arg-type]
        assert "\n" not in str(info.value)
    assert marks(service) == []


def test_attendance_mark_a_canceled_meeting_is_refused(service: Service) -> None:
    cancel(service.db, service.settings, MON_START - timedelta(days=2), group="evening", day=MON)
    with pytest.raises(AttendanceError, match="was canceled"):
        do_mark(service, MON, "C1", "absent", MON_START + timedelta(hours=1))


def test_attendance_mark_without_settings_finds_a_planned_meeting(service: Service) -> None:
    service.plan_step(MON_START - timedelta(days=1))  # stores the meeting
    done = mark(
        service.db, group="evening", day=MON, external_id="C1", status="excused",
        now=MON_START + timedelta(hours=1),
    )  # fmt: skip
    assert done.status == "excused"
    with pytest.raises(AttendanceError, match="no 'evening' meeting on 2026-11-29"):
        mark(
            service.db, group="evening", day=date(2026, 11, 29), external_id="C1",
            status="absent", now=MON_START,
        )  # fmt: skip


def test_attendance_history_lists_meetings_newest_first(service: Service) -> None:
    days = [date(2026, 11, d) for d in (19, 23, 25, 26, 30)]
    for d, status in zip(days, ["attended", "late", "absent", "excused", "absent"], strict=True):
        do_mark(service, d, "C1", status, MON_START + timedelta(hours=1))
    found = history(service.db, service.settings, group="evening", now=MON_START + timedelta(1))
    ana = [(e.date, e.status) for e in found[1]]
    assert ana == [
        (date(2026, 11, 30), "absent"),
        (date(2026, 11, 26), "excused"),
        (date(2026, 11, 25), "absent"),
        (date(2026, 11, 23), "late"),
        (date(2026, 11, 19), "attended"),
    ]
    assert [e.status for e in found[2]] == ["unmarked"] * 5  # Ben: nobody marked him


def test_followup_json_has_attendance_history_and_missed_twice(service: Service) -> None:
    for d, status in ((date(2026, 11, 25), "attended"), (date(2026, 11, 26), "absent"),
                      (MON, "absent")):  # fmt: skip
        do_mark(service, d, "C1", status, MON_START + timedelta(hours=1))
    do_mark(service, MON, "C2", "excused", MON_START + timedelta(hours=1))
    wed = ny(2026, 12, 2, 9, 0)
    data = json.loads(dumps(as_dict(service.followup("evening", wed))))
    assert {"group", "session_start", "clients"} <= set(data)
    ana = next(c for c in data["clients"] if c["external_id"] == "C1")
    assert {"external_id", "first_name", "flags", "scores", "replies"} <= set(ana)
    assert "missed_twice" in ana["flags"]
    session_ids = [e["session_id"] for e in ana["attendance_history"]]
    assert ana["attendance_history"][:3] == [
        {"date": "2026-11-30", "session_id": session_ids[0], "status": "absent"},
        {"date": "2026-11-26", "session_id": session_ids[1], "status": "absent"},
        {"date": "2026-11-25", "session_id": session_ids[2], "status": "attended"},
    ]
    ben = next(c for c in data["clients"] if c["external_id"] == "C2")
    assert "missed_twice" not in ben["flags"]
    assert ben["attendance_history"][0]["status"] == "excused"


# --- report pages ------------------------------------------------------------------------------
def report_service(
    database_url: str, make_settings: Callable[..., Settings], reports: Path, **extra: str
) -> Service:
    s = make_settings(
        database_url=database_url, reports_dir=str(reports), report_lead="2h",
        checkin_days="daily", **extra,
    )  # fmt: skip
    svc = Service(s, transport=FakeTransport(), clock=lambda: MON_START)
    add_client(svc.db, "C1", first_name="Ana", phone=ANA, now=ny(2026, 11, 1, 9, 0))
    return svc


def test_report_is_rewritten_after_a_reply_before_the_meeting(
    tmp_path: Path, database_url: str, make_settings: Callable[..., Settings]
) -> None:
    reports = tmp_path / "reports"
    svc = report_service(database_url, make_settings, reports)
    svc.plan_step(MON_START - timedelta(days=1))
    first = svc.report_step(MON_START - timedelta(hours=1, minutes=50))
    assert [Path(p).name for p in first] == ["followup-evening-2026-11-30-1800.html"]
    page = Path(first[0])
    assert "running late" not in page.read_text()
    assert svc.report_step(MON_START - timedelta(hours=1, minutes=45)) == []  # nothing new
    svc.receive(
        from_phone=ANA, body="running late tonight, sorry", now=MON_START - timedelta(hours=1)
    )
    again = svc.report_step(MON_START - timedelta(minutes=55))
    assert again == first
    assert "running late tonight, sorry" in page.read_text()
    assert stat.S_IMODE(os.stat(page).st_mode) == 0o600
    assert svc.report_step(MON_START - timedelta(minutes=50)) == []  # written once per reply
    # After the meeting has started, the page is what was known before it.
    svc.receive(from_phone=ANA, body="here now", now=MON_START + timedelta(minutes=5))
    assert svc.report_step(MON_START + timedelta(minutes=10)) == []
    svc.close()


def test_report_page_replaces_a_symlink_and_never_writes_through_it(
    tmp_path: Path, database_url: str, make_settings: Callable[..., Settings]
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched")
    (reports / "followup-evening-2026-11-30-1800.html").symlink_to(elsewhere)
    svc = report_service(database_url, make_settings, reports)
    [written] = svc.report_step(MON_START - timedelta(hours=1))
    assert elsewhere.read_text() == "untouched"
    assert not Path(written).is_symlink() and "<!doctype html>" in Path(written).read_text()
    assert [p.name for p in reports.iterdir()] == ["followup-evening-2026-11-30-1800.html"]
    svc.close()


def test_report_is_removed_after_retention(
    tmp_path: Path, database_url: str, make_settings: Callable[..., Settings]
) -> None:
    reports = tmp_path / "reports"
    svc = report_service(database_url, make_settings, reports, retention="30d")
    [written] = svc.report_step(MON_START - timedelta(hours=1))
    other = reports / "notes.txt"  # not ours: never touched
    other.write_text("keep")
    assert purge(svc.db, svc.settings, MON_START + timedelta(days=29)).report_pages == 0
    assert Path(written).exists()
    result = purge(svc.db, svc.settings, MON_START + timedelta(days=30, minutes=1))
    assert result.report_pages == 1
    assert not Path(written).exists() and other.read_text() == "keep"
    assert purge(svc.db, svc.settings, MON_START + timedelta(days=31)).report_pages == 0
    svc.close()


# --- the whole group at once ------------------------------------------------------------------
def audit_changes(svc: Service) -> list[str]:
    from notifier.core.models import AuditEvent

    with svc.db.read() as s:
        return [
            e.detail or ""
            for e in s.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "attendance_change")
                .order_by(AuditEvent.id)
            )
        ]


def test_attendance_mark_group_records_everyone_in_one_save(service: Service) -> None:
    now = MON_START + timedelta(minutes=30)
    done = mark_group(
        service.db, group="evening", day=MON, marks={"C1": "attended", "C2": "late"}, now=now,
        settings=service.settings, source="web",
    )  # fmt: skip
    assert [(m.external_id, m.status, m.previous) for m in done] == [
        ("C1", "attended", None),
        ("C2", "late", None),
    ]
    assert sorted(m.status for m in marks(service)) == ["attended", "late"]
    assert audit_changes(service) == ["2026-11-30: unmarked -> attended",
                                      "2026-11-30: unmarked -> late"]  # fmt: skip


def test_attendance_mark_group_again_changes_only_what_changed(service: Service) -> None:
    """One answer per person per meeting: saving the form again corrects a mark (audited)
    and leaves the others as they were, with no audit row for what did not change."""
    now = MON_START + timedelta(minutes=30)
    first = {"C1": "attended", "C2": "late"}
    mark_group(service.db, group="evening", day=MON, marks=first, now=now,
               settings=service.settings)  # fmt: skip
    done = mark_group(
        service.db, group="evening", day=MON, marks={"C1": "attended", "C2": "absent"},
        now=now + timedelta(minutes=5), settings=service.settings,
    )  # fmt: skip
    assert [(m.external_id, m.status, m.previous) for m in done] == [
        ("C1", "attended", "attended"),
        ("C2", "absent", "late"),
    ]
    assert len(marks(service)) == 2
    assert audit_changes(service)[-1] == "2026-11-30: late -> absent"
    assert len(audit_changes(service)) == 3


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ({"C1": "attended", "C2": "sleeping"}, "status: expected"),
        ({"C1": "attended", "M1": "late"}, "no client 'M1' in group 'evening'"),
        ({"C1": "attended", "C9": "late"}, "no client 'C9' in group 'evening'"),
        ({}, "no one to mark"),
    ],
)
def test_attendance_mark_group_with_one_bad_entry_changes_nothing(
    service: Service, given: dict[str, str], error: str
) -> None:
    with pytest.raises(AttendanceError, match=error) as raised:
        mark_group(service.db, group="evening", day=MON, marks=given,
                   now=MON_START + timedelta(minutes=30), settings=service.settings)  # fmt: skip
    assert "\n" not in str(raised.value)
    assert marks(service) == [] and audit_changes(service) == []


def test_attendance_mark_group_before_the_meeting_is_refused(service: Service) -> None:
    with pytest.raises(AttendanceError, match="once the meeting has started"):
        mark_group(service.db, group="evening", day=MON, marks={"C1": "attended"},
                   now=MON_START - timedelta(minutes=1), settings=service.settings)  # fmt: skip
    assert marks(service) == []
