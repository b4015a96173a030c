"""Staff operations on sessions: add an individual session, cancel one meeting, list them.

Group meetings are materialised from NOTIFIER_GROUPS by the planner; an individual session is
added here for one client. Canceling either cancels its pending reminders at once.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notifier.core.calendar import Occurrence, group_occurrences
from notifier.core.db import Database
from notifier.core.disclosure import location_problem
from notifier.core.models import CANCELED, PENDING, Appointment, Client, Message
from notifier.core.settings import Settings
from notifier.roster.clients import client_by_external_id

log = logging.getLogger(__name__)


# The kinds of meeting staff add for one client (group meetings come from NOTIFIER_GROUPS).
CLIENT_KINDS = ("individual", "family", "workshop")


class Added(NamedTuple):
    """A new session of one client and what will happen to its reminders."""

    session: Appointment
    client_tz: ZoneInfo
    no_reminders: str | None  # why the client gets none (opted out, ...), or None
    supports: tuple[str, ...] = ()  # a family session: support persons with consent (names)
    existed: bool = False  # the client already had a session starting then: nothing added


def add_individual(
    db: Database,
    external_id: str,
    starts_at: datetime,
    duration: timedelta,
    location: str | None,
    now: datetime,
    settings: Settings,
    kind: str = "individual",
) -> Added:
    if kind not in CLIENT_KINDS:
        raise ValueError(f"--kind {kind!r}: expected one of {', '.join(CLIENT_KINDS)}")
    if starts_at <= now:
        raise ValueError("expected a start time in the future")
    if location:
        # A reminder carries it to the lock screen: the same check as the templates.
        problem = location_problem(location, settings.disclosure_words)
        if problem:
            raise ValueError(f"--location {location!r}: {problem}")
    key = None
    try:
        with db.session() as s:
            client = client_by_external_id(s, db.crypto, external_id)
            if client is None:
                raise LookupError(f"no client with external_id {external_id!r}")
            tz = ZoneInfo(client.timezone)
            why = client.inactive_reason(starts_at.astimezone(tz).date())
            client_id = client.id
            # The same client at the same start is one session: adding it twice (a retried
            # command, `make run` started again) must not send two identical reminders.
            same = _live_session(s, client_id, starts_at)
            if same is not None:
                return Added(same, tz, why, existed=True)
            key = _session_key(s, client_id, starts_at)
            row = Appointment(
                key=key,
                kind=kind,
                group_name=None,
                client_id=client_id,
                starts_at=starts_at,
                ends_at=starts_at + duration,
                location=location,
                created_at=now,
            )
            s.add(row)
    except IntegrityError:
        # Another add of the same session wrote between our look and our insert: the key
        # (client and start) is unique, so the database refused the second. Report the first.
        with db.read() as s:
            same = s.scalar(select(Appointment).where(Appointment.key == key))
        if key is None or same is None:
            raise
        return Added(same, tz, why, existed=True)
    log.info("session added", extra={"event": "session.add", "session_id": row.id})
    supports: tuple[str, ...] = ()
    if kind == "family":
        from notifier.roster.support import covering

        day = starts_at.astimezone(settings.timezone).date()
        supports = tuple(p.name for p in covering(db, client_id, day))
    return Added(row, tz, why, supports)


def _live_session(s: Session, client_id: int, starts_at: datetime) -> Appointment | None:
    """The client's session starting then that is not canceled, if any."""
    return s.scalar(
        select(Appointment).where(
            Appointment.client_id == client_id,
            Appointment.starts_at == starts_at,
            Appointment.canceled_at.is_(None),
        )
    )


def _session_key(s: Session, client_id: int, starts_at: datetime) -> str:
    """One key per client and start (unique in the table), so two adds racing past the look
    above cannot both insert. Each session canceled at that start moves the key on by one: a
    canceled session does not block a new one, and two racers still compute the same key."""
    canceled = (
        s.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(
                Appointment.client_id == client_id,
                Appointment.starts_at == starts_at,
                Appointment.canceled_at.is_not(None),
            )
        )
        or 0
    )
    return f"client:{client_id}:{starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}:{canceled}"


def cancel(
    db: Database,
    settings: Settings,
    now: datetime,
    *,
    session_id: int | None = None,
    group: str | None = None,
    day: date | None = None,
) -> Appointment:
    """Cancel one session by id, or one group meeting by group and local date (which need not
    have been planned yet: it is created canceled, so the planner never schedules it)."""
    with db.session() as s:
        if session_id is not None:
            row = s.get(Appointment, session_id)
            if row is None:
                raise LookupError(f"no session with id {session_id}")
        else:
            assert group is not None and day is not None
            row = group_meeting(s, settings, group, day, now)
        if row.canceled_at is None or row.cancel_reason != "staff":
            row.canceled_at, row.cancel_reason = now, "staff"
        s.flush()
        s.execute(
            update(Message)
            .where(Message.session_id == row.id, Message.status == PENDING)
            .values(status=CANCELED, reason="session_canceled", status_at=now)
        )
    log.info("session canceled", extra={"event": "session.cancel", "session_id": row.id})
    return row


def group_meeting(
    s: Session, settings: Settings, group: str, day: date, now: datetime
) -> Appointment:
    """The group's meeting on local date ``day``; one the planner has not stored yet (it only
    stores meetings ahead) is stored now from the schedule. LookupError: no such group, or it
    does not meet that day."""
    spec = settings.group(group)
    if spec is None:
        known = ", ".join(g.name for g in settings.groups) or "none configured"
        raise LookupError(f"no group {group!r} in NOTIFIER_GROUPS (groups: {known})")
    key = Occurrence(group, day, now, now, None).key
    row = s.scalar(select(Appointment).where(Appointment.key == key))
    if row is not None:
        return row
    tz = settings.timezone
    start = datetime.combine(day, spec.start, tz) - timedelta(days=1)
    found = [
        o
        for o in group_occurrences(spec, tz, start, start + timedelta(days=3), settings.skip_dates)
        if o.day == day
    ]
    if not found:
        raise LookupError(f"group {group!r} does not meet on {day.isoformat()}")
    occ = found[0]
    row = Appointment(
        key=key,
        kind="group",
        group_name=group,
        client_id=None,
        starts_at=occ.starts_at,
        ends_at=occ.ends_at,
        location=occ.location,
        created_at=now,
    )
    s.add(row)
    s.flush()
    return row


def list_sessions(
    db: Database, start: datetime, end: datetime, group: str | None = None
) -> list[tuple[Appointment, str | None]]:
    with db.session() as s:
        q = (
            select(Appointment, Client.external_id)
            .outerjoin(Client, Client.id == Appointment.client_id)
            .where(Appointment.starts_at >= start, Appointment.starts_at < end)
            .order_by(Appointment.starts_at, Appointment.id)
        )
        if group:
            q = q.where(Appointment.group_name == group)
        return [(a, ext) for a, ext in s.execute(q).all()]
