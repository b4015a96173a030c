"""Which group meeting a follow-up list is for, and when the one before it began."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from notifier.core.calendar import group_occurrences
from notifier.core.db import Database
from notifier.core.models import Appointment
from notifier.core.settings import Settings


class NoSession(LookupError):
    """The group has no upcoming meeting to prepare for."""


def next_session(
    db: Database, settings: Settings, group: str, now: datetime
) -> tuple[int | None, datetime, datetime | None, str | None]:
    """(session id, start, end, location) of the group's next meeting after ``now``."""
    spec = settings.group(group)
    if spec is None:
        known = ", ".join(g.name for g in settings.groups) or "none configured"
        raise NoSession(f"no group {group!r} (groups: {known})")
    with db.read() as s:
        rows = (
            s.execute(
                select(Appointment)
                .where(
                    Appointment.kind == "group",
                    Appointment.group_name == group,
                    Appointment.starts_at > now,
                    Appointment.starts_at < now + timedelta(days=60),
                )
                .order_by(Appointment.starts_at)
            )
            .scalars()
            .all()
        )
    canceled = {a.key for a in rows if a.canceled_at is not None}
    planned = [a for a in rows if a.canceled_at is None]
    # Meetings the planner has not materialised yet come straight from the schedule.
    for occ in group_occurrences(
        spec, settings.timezone, now, now + timedelta(days=60), settings.skip_dates
    ):
        if occ.key in canceled:
            continue
        if planned and planned[0].starts_at <= occ.starts_at:
            a = planned[0]
            return a.id, a.starts_at, a.ends_at, a.location
        return None, occ.starts_at, occ.ends_at, occ.location
    if planned:
        a = planned[0]
        return a.id, a.starts_at, a.ends_at, a.location
    raise NoSession(f"group {group!r} has no meeting in the next 60 days")


def previous_meeting(db: Database, settings: Settings, group: str, before: datetime) -> datetime:
    spec = settings.group(group)
    assert spec is not None
    with db.read() as s:
        last = s.scalar(
            select(Appointment.starts_at)
            .where(
                Appointment.kind == "group",
                Appointment.group_name == group,
                Appointment.canceled_at.is_(None),
                Appointment.starts_at < before,
            )
            .order_by(Appointment.starts_at.desc())
            .limit(1)
        )
    scheduled = [
        o.starts_at
        for o in group_occurrences(
            spec, settings.timezone, before - timedelta(days=14), before, settings.skip_dates
        )
    ]
    candidates = [t for t in (last, scheduled[-1] if scheduled else None) if t is not None]
    return max(candidates) if candidates else before - timedelta(days=7)
