"""What planning reads, a slice of the roster at a time.

A statewide roster (100,000 clients, a week of about 930,000 rows) must not be held in memory
at once: the planner walks the clients in slices of consecutive ids (keyset pages, so every
page is one index range whatever the roster size), and for each slice reads only that slice's
individual sessions and already planned rows. Group meetings, few whatever the roster, are read
once. Peak memory is then one slice's worth, flat from ten thousand clients to a million
(B1 in docs/benchmarks.md).

Planning stores no words (the dispatcher renders them when it sends), so it reads no name and
no record number: nothing is decrypted to plan a week.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from notifier.core.db import Database
from notifier.core.models import CHECKIN, REMINDER, Appointment, Client, Message
from notifier.core.program import ClientPhase, SupportPerson
from notifier.core.settings import Settings

SLICE = 2000  # clients per slice: about 20,000 planned rows for a week (B1)


class ClientView(NamedTuple):
    """What planning needs to know about a client (a tuple: a slice makes thousands).
    ``external_id`` and ``first_name`` are only filled where words are rendered (a preview,
    a test); the planner leaves them empty."""

    id: int
    external_id: str
    first_name: str
    group_name: str | None
    tz: ZoneInfo
    language: str
    start_date: date | None
    end_date: date | None
    active: bool  # consenting, not opted out, not discharged
    phase: str | None = None  # the phase staff set (notifier.core.phases); None: by the weeks

    def enrolled_on(self, day: date) -> bool:
        if not self.active:
            return False
        if self.start_date is not None and day < self.start_date:
            return False
        return self.end_date is None or day <= self.end_date


class SupportView(NamedTuple):
    """A support person with a consent record that is not revoked (its dates are checked
    against each session's date when planning)."""

    id: int
    phone: str
    signed_on: date
    expires_on: date | None

    def covers(self, day: date) -> bool:
        return self.signed_on <= day and (self.expires_on is None or day <= self.expires_on)


@dataclass(frozen=True)
class SessionView:
    id: int
    kind: str  # "group" | "individual" | "family" | "workshop": all but "group" have one client
    group_name: str | None
    client_id: int | None
    starts_at: datetime
    location: str | None
    supports: tuple[SupportView, ...] = ()  # a family session's support persons


@dataclass(frozen=True)
class RosterSlice:
    """Clients with ids in (after, upto]; ``after`` None is the start, ``upto`` None the end.
    The bounds, not only the clients, say which planned rows belong to the slice, so rows of
    discharged clients (not among the clients) are still seen, and canceled, by some slice."""

    clients: list[ClientView]
    after: int | None
    upto: int | None

    def owns(self, column: Any) -> Any:
        """A WHERE clause: ``column`` (a client id) falls in this slice."""
        parts = []
        if self.after is not None:
            parts.append(column > self.after)
        if self.upto is not None:
            parts.append(column <= self.upto)
        return and_(*parts) if parts else column.is_not(None)


def roster_slices(db: Database, size: int = SLICE) -> Iterator[RosterSlice]:
    """Every client not discharged, ``size`` at a time in id order; each page its own short
    read transaction. The last slice has no upper bound (it may be empty)."""
    c = Client
    zones: dict[str, ZoneInfo] = {}
    after: int | None = None
    while True:
        query = (
            select(
                c.id,
                c.group_name,
                c.timezone,
                c.language,
                c.start_date,
                c.end_date,
                and_(c.consent_at.is_not(None), c.opted_out_at.is_(None)),
                ClientPhase.phase,
            )
            .outerjoin(ClientPhase, ClientPhase.client_id == c.id)
            .where(c.discharged_at.is_(None))
            .order_by(c.id)
            .limit(size)
        )
        if after is not None:
            query = query.where(c.id > after)
        with db.read() as s:
            rows = s.execute(query).all()
        clients = [
            ClientView(r[0], "", "", r[1], _zone(zones, r[2]), r[3], r[4], r[5], bool(r[6]), r[7])
            for r in rows
        ]
        last = len(clients) < size
        yield RosterSlice(clients, after, None if last else clients[-1].id)
        if last:
            return
        after = clients[-1].id


def _zone(zones: dict[str, ZoneInfo], name: str) -> ZoneInfo:
    zone = zones.get(name)
    if zone is None:
        zone = zones[name] = ZoneInfo(name)
    return zone


def group_sessions(s: Session, start: datetime, end: datetime) -> list[SessionView]:
    """Group meetings in [start, end), not canceled: few, whatever the roster size."""
    return _sessions(s, start, end, Appointment.kind == "group")


def own_sessions(
    s: Session, part: RosterSlice, start: datetime, end: datetime
) -> list[SessionView]:
    """The slice's clients' own sessions (individual, family, workshop) in [start, end), not
    canceled; a family session with the support persons whose consent is not revoked."""
    found = _sessions(
        s, start, end, and_(Appointment.kind != "group", part.owns(Appointment.client_id))
    )
    family = {v.client_id for v in found if v.kind == "family"}
    if not family:
        return found
    supports: dict[int, list[SupportView]] = {}
    p = SupportPerson
    for row in s.execute(
        select(p.id, p.client_id, p.phone, p.signed_on, p.expires_on)
        .where(p.client_id.in_(family), p.revoked_at.is_(None))
        .order_by(p.id)
    ):
        supports.setdefault(row.client_id, []).append(
            SupportView(row.id, row.phone, row.signed_on, row.expires_on)
        )
    return [
        replace(v, supports=tuple(supports.get(v.client_id or 0, ()))) if v.kind == "family" else v
        for v in found
    ]


def _sessions(s: Session, start: datetime, end: datetime, which: Any) -> list[SessionView]:
    a = Appointment
    return [
        SessionView(r.id, r.kind, r.group_name, r.client_id, r.starts_at, r.location)
        for r in s.execute(
            select(a.id, a.kind, a.group_name, a.client_id, a.starts_at, a.location).where(
                which, a.canceled_at.is_(None), a.starts_at >= start, a.starts_at < end
            )
        )
    ]


def planned_rows(s: Session, part: RosterSlice, since: datetime) -> Sequence[Any]:
    """The slice's reminders and check-ins due from ``since`` on: (id, dedupe_key, status,
    not_after). Texts are never planned twice, and pending rows no longer wanted are found."""
    m = Message
    return s.execute(
        select(m.id, m.dedupe_key, m.status, m.not_after).where(
            part.owns(m.client_id), m.kind.in_((REMINDER, CHECKIN)), m.due_at >= since
        )
    ).all()


def plan_inputs(db: Database, settings: Settings, size: int = SLICE) -> str:
    """A hash of what a plan depends on besides the roster and the clock: the planning
    settings and staff changes to sessions (individual sessions, staff cancellations)."""
    a = Appointment
    digest = hashlib.sha256()
    planning = (
        settings.timezone.key,
        settings.groups,
        settings.reminder_offsets,
        settings.checkin_days,
        settings.phases,
        settings.checkin_time,
        settings.quiet_hours,
        settings.skip_dates,
        settings.no_checkin_dates,
        settings.plan_horizon,
        settings.checkin_expiry,
        settings.reminder_expiry,
        tuple(label for label, _ in settings.checkin_questions),
    )
    digest.update(repr(planning).encode())
    with db.read() as s:
        staff = s.execute(
            select(a.id, a.kind, a.starts_at, a.canceled_at.is_(None), a.location)
            .where(or_(a.kind != "group", a.cancel_reason == "staff"))
            .order_by(a.id)
            .execution_options(yield_per=size)
        )
        for rows in staff.partitions():
            digest.update(repr([tuple(r) for r in rows]).encode())
        # A support person's consent recorded or revoked: re-plan family session reminders.
        sp = SupportPerson
        consents = s.execute(
            select(sp.id, sp.signed_on, sp.expires_on, sp.revoked_at.is_(None)).order_by(sp.id)
        ).all()
        if consents:
            digest.update(repr([tuple(r) for r in consents]).encode())
    return digest.hexdigest()[:32]


class RosterDigest:
    """A hash of what planning reads of the roster, fed slice by slice as the plan walks it
    (so the roster is read once per pass, not once more for the hash)."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def add(self, part: RosterSlice) -> None:
        self._digest.update(
            repr(
                [
                    (c.id, c.group_name, c.tz.key, c.language, c.start_date, c.end_date, c.active)
                    + ((c.phase,) if c.phase else ())
                    for c in part.clients
                ]
            ).encode()
        )

    def hexdigest(self) -> str:
        return self._digest.hexdigest()[:32]
