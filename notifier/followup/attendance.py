"""Attendance at group meetings: staff mark each client attended, late, absent or excused once
the meeting has started; the follow-up list shows the last meetings and flags two absences in
a row.

:func:`mark` and :func:`history` touch the database; :func:`history_from_rows` and
:func:`missed_twice` are pure.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from notifier.core.crypto import Crypto
from notifier.core.db import Database
from notifier.core.models import (
    ABSENT,
    ATTENDANCE_STATUSES,
    ATTENDED,
    EXCUSED,
    Appointment,
    Attendance,
    Client,
)
from notifier.core.output import local_time
from notifier.core.settings import Settings
from notifier.roster.appointments import group_meeting
from notifier.staff import audit

log = logging.getLogger(__name__)

UNMARKED = "unmarked"  # a meeting nobody has marked yet: not an absence
HISTORY_LENGTH = 8
SOURCES = ("cli", "web")


class AttendanceError(ValueError):
    """Attendance cannot be marked as asked; ``str()`` is the one line to show."""


@dataclass(frozen=True)
class Marked:
    """What :func:`mark` recorded."""

    session_id: int
    group: str
    starts_at: datetime
    external_id: str
    status: str
    previous: str | None  # the mark it replaced, or None for a first mark


@dataclass(frozen=True)
class AttendanceEntry:
    """One meeting in a client's history."""

    date: date  # the meeting's local date (program time zone)
    session_id: int
    status: str  # attended | late | absent | excused | unmarked


@dataclass(frozen=True)
class MeetingRow:
    session_id: int
    starts_at: datetime


@dataclass(frozen=True)
class MarkRow:
    session_id: int
    client_id: int
    status: str


# --- the pure part ---------------------------------------------------------------------------
def history_from_rows(
    meetings: Iterable[MeetingRow],
    marks: Iterable[MarkRow],
    clients: Iterable[tuple[int, date | None]],
    tz: ZoneInfo,
    limit: int = HISTORY_LENGTH,
) -> dict[int, list[AttendanceEntry]]:
    """Each client's last ``limit`` meetings, newest first, from their start date on.

    ``meetings`` are the group's meetings that have started (canceled ones left out);
    ``clients`` are (client id, start date or None).
    """
    newest_first = sorted(meetings, key=lambda m: m.starts_at, reverse=True)
    status: dict[tuple[int, int], str] = {(m.session_id, m.client_id): m.status for m in marks}
    out: dict[int, list[AttendanceEntry]] = {}
    for client_id, start_date in clients:
        entries: list[AttendanceEntry] = []
        for m in newest_first:
            day = m.starts_at.astimezone(tz).date()
            if start_date is not None and day < start_date:
                break  # older meetings are before the client joined
            entries.append(
                AttendanceEntry(day, m.session_id, status.get((m.session_id, client_id), UNMARKED))
            )
            if len(entries) == limit:
                break
        out[client_id] = entries
    return out


# What a client's answer to the meeting's reminder suggests before anyone marks them: the
# attendance form starts from it, and nothing is recorded until staff save.
EXPECTED = {"confirmed": ATTENDED, "declined": EXCUSED}


def expected(rsvp: str | None) -> str | None:
    """The mark the attendance form starts from for a client who answered the reminder
    (confirmed: attended; said they can't: excused); None for no answer."""
    return EXPECTED.get(rsvp or "")


def missed_twice(entries: Sequence[AttendanceEntry]) -> bool:
    """The two latest marks that count are both absences (newest first).

    Excused is not an absence, and unmarked is not known to be one: both are passed over, so
    "absent, excused, absent" is two absences in a row, and a meeting not marked yet does not
    hide the two before it. Attended or late ends the run.
    """
    counted = [e.status for e in entries if e.status not in (EXCUSED, UNMARKED)]
    return counted[:2] == [ABSENT, ABSENT]


# --- the database part -----------------------------------------------------------------------
def _client_id_for(session: Session, crypto: Crypto | None, external_id: str) -> int | None:
    """The one place attendance finds a client by the id staff type (by its keyed hash: the
    id itself is encrypted at rest)."""
    from notifier.roster.clients import external_id_filter

    return session.scalar(select(Client.id).where(external_id_filter(crypto, external_id)))


def mark(
    db: Database,
    *,
    group: str,
    day: date,
    external_id: str,
    status: str,
    now: datetime,
    staff_id: int | None = None,
    source: str = "cli",
    settings: Settings | None = None,
    address: str | None = None,
) -> Marked:
    """Record (or change) one client's attendance at the group's meeting on ``day``.

    With ``settings``, a scheduled meeting the planner has not stored yet is stored first, and
    an unknown group is named as such. Raises :class:`AttendanceError` with one clear line.
    Every change is an audit event (42 CFR Part 2 / HIPAA access records), written in the same
    transaction: ``address`` is the caller's (the browser's), else the source ("cli").
    """
    [result] = mark_group(
        db,
        group=group,
        day=day,
        marks={external_id: status},
        now=now,
        staff_id=staff_id,
        source=source,
        settings=settings,
        address=address,
    )
    return result


def mark_group(
    db: Database,
    *,
    group: str,
    day: date,
    marks: Mapping[str, str],
    now: datetime,
    staff_id: int | None = None,
    source: str = "cli",
    settings: Settings | None = None,
    address: str | None = None,
) -> list[Marked]:
    """Record the whole group's attendance at one meeting in one transaction (external id ->
    status, in the order given). All or nothing: one bad status or one client not in the
    group refuses the lot with one line. Each person keeps one answer per meeting; a mark that
    differs from the stored one is a correction and an audit event, an unchanged one is not.
    """
    if not marks:
        raise AttendanceError("no one to mark: choose a status for at least one person")
    for status in marks.values():
        if status not in ATTENDANCE_STATUSES:
            raise AttendanceError(
                f"status: expected {', '.join(ATTENDANCE_STATUSES)}, got {status!r}"
            )
    if source not in SOURCES:
        raise AttendanceError(f"source: expected cli or web, got {source!r}")
    denied: tuple[str, int | None] | None = None
    with db.session() as s:
        meeting = _started_meeting(s, settings, group, day, now)
        ids: dict[str, int] = {}
        for ext in marks:
            client_id = _client_id_for(s, db.crypto, ext)
            client_group = s.scalar(select(Client.group_name).where(Client.id == client_id))
            if client_id is None or client_group != group:
                denied = (ext, client_id)
                break
            ids[ext] = client_id
        results = [] if denied else _record(s, db, meeting, group, day, marks, ids, now,
                                            staff_id, source, address)  # fmt: skip
    if denied is not None:
        # One answer whether the id exists in another group or not at all (the form must not
        # tell a facilitator that a record number exists elsewhere), and the probe audited.
        audit.record(db, action="access_denied", staff_id=staff_id, now=now,
                     address=address or source, client_id=denied[1], group=group,
                     detail="attendance: no such client in this group")  # fmt: skip
        raise AttendanceError(f"no client {denied[0]!r} in group {group!r}")
    for m, cid in zip(results, ids.values(), strict=True):
        log.info(
            "attendance marked",
            extra={"event": "attendance.mark", "session_id": m.session_id,
                   "client_id": cid, "status": m.status, "source": source},
        )  # fmt: skip
    return results


def _started_meeting(
    s: Session, settings: Settings | None, group: str, day: date, now: datetime
) -> Appointment:
    meeting = _meeting(s, settings, group, day, now)
    if meeting.canceled_at is not None:
        raise AttendanceError(f"the {group} meeting on {day.isoformat()} was canceled")
    if now < meeting.starts_at:
        raise AttendanceError(
            "attendance can be marked once the meeting has started "
            f"({group} on {day.isoformat()} starts at "
            f"{local_time(meeting.starts_at, settings.timezone if settings else None)})"
        )
    return meeting


def _record(
    s: Session,
    db: Database,
    meeting: Appointment,
    group: str,
    day: date,
    marks: Mapping[str, str],
    ids: Mapping[str, int],
    now: datetime,
    staff_id: int | None,
    source: str,
    address: str | None,
) -> list[Marked]:
    out = []
    for ext, status in marks.items():
        client_id = ids[ext]
        previous = s.scalar(
            select(Attendance.status).where(
                Attendance.session_id == meeting.id, Attendance.client_id == client_id
            )
        )
        if previous != status:
            _upsert(s, db, meeting.id, client_id, status, now, staff_id, source)
            change = f"{day.isoformat()}: {previous or 'unmarked'} -> {status}"
            audit.record(s, action="attendance_change", staff_id=staff_id, now=now,
                         address=address or source, client_id=client_id, group=group,
                         detail=change)  # fmt: skip
        out.append(Marked(meeting.id, group, meeting.starts_at, ext, status, previous))
    return out


def _meeting(
    s: Session, settings: Settings | None, group: str, day: date, now: datetime
) -> Appointment:
    if settings is not None:
        try:
            return group_meeting(s, settings, group, day, now)
        except LookupError as exc:
            raise AttendanceError(str(exc)) from None
    row = s.scalar(
        select(Appointment).where(
            Appointment.kind == "group",
            Appointment.group_name == group,
            Appointment.key == f"group:{group}:{day.isoformat()}",
        )
    )
    if row is None:
        raise AttendanceError(f"no {group!r} meeting on {day.isoformat()}")
    return row


def _upsert(
    s: Session,
    db: Database,
    session_id: int,
    client_id: int,
    status: str,
    now: datetime,
    staff_id: int | None,
    source: str,
) -> None:
    # One statement, so two staff marking the same client at once cannot both insert.
    table = cast(Table, Attendance.__table__)
    insert = sqlite.insert if db.is_sqlite else postgresql.insert
    values = {"status": status, "marked_at": now, "marked_by": staff_id, "source": source}
    stmt = insert(table).values(session_id=session_id, client_id=client_id, **values)
    s.execute(
        stmt.on_conflict_do_update(
            index_elements=["session_id", "client_id"],
            set_={k: stmt.excluded[k] for k in values},
        )
    )


def history(
    db: Database,
    settings: Settings,
    *,
    group: str,
    now: datetime,
    client_ids: Sequence[int] | None = None,
    limit: int = HISTORY_LENGTH,
) -> dict[int, list[AttendanceEntry]]:
    """The last ``limit`` meetings of ``group`` that started by ``now``, per client (the
    group's clients, or ``client_ids``), newest first."""
    with db.read() as s:
        meetings = [
            MeetingRow(r[0], r[1])
            for r in s.execute(
                select(Appointment.id, Appointment.starts_at)
                .where(
                    Appointment.kind == "group",
                    Appointment.group_name == group,
                    Appointment.canceled_at.is_(None),
                    Appointment.starts_at <= now,
                )
                .order_by(Appointment.starts_at.desc())
                .limit(limit)
            )
        ]
        who = select(Client.id, Client.start_date)
        who = (
            who.where(Client.id.in_(client_ids))
            if client_ids is not None
            else who.where(Client.group_name == group)
        )
        clients = [(r[0], r[1]) for r in s.execute(who)]
        ids = [c[0] for c in clients]
        marks = [
            MarkRow(r[0], r[1], r[2])
            for r in s.execute(
                select(Attendance.session_id, Attendance.client_id, Attendance.status).where(
                    Attendance.session_id.in_([m.session_id for m in meetings]),
                    Attendance.client_id.in_(ids),
                )
            )
        ]
    return history_from_rows(meetings, marks, clients, settings.timezone, limit)
