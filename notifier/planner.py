"""Materialise due messages into the outbox, idempotently.

Planning is a pure computation (:func:`plan_messages`: clients, sessions, settings and ``now``
in; candidate rows out) followed by one write step (:func:`plan`) that inserts the candidates
with ``ON CONFLICT DO NOTHING`` on ``dedupe_key`` and cancels pending rows that are no longer
wanted. Running it twice, after a restart, or from several replicas at once adds nothing new.

A dedupe key names everything a message depends on (client, session, session start, offset,
check-in date and time), so a changed schedule produces new keys and the old pending rows,
no longer among the candidates, are canceled: "re-planning what is still pending".
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from notifier.db import Database, rowcount
from notifier.models import (
    CANCELED,
    CHECKIN,
    MESSAGES,
    PENDING,
    REMINDER,
    SESSIONS,
    SKIPPED,
    Appointment,
    Client,
    Message,
)
from notifier.schedule import (
    GroupSpec,
    Occurrence,
    checkin_instants,
    group_occurrences,
    outside_quiet_hours,
)
from notifier.settings import Settings
from notifier.templates import Templates, when_text

log = logging.getLogger(__name__)

INSERT_CHUNK = 1000


@dataclass(frozen=True)
class ClientView:
    """What planning needs to know about a client."""

    id: int
    external_id: str
    first_name: str
    group_name: str | None
    tz: ZoneInfo
    language: str
    start_date: date | None
    end_date: date | None
    active: bool  # consenting, not opted out, not discharged

    def enrolled_on(self, day: date) -> bool:
        if not self.active:
            return False
        if self.start_date is not None and day < self.start_date:
            return False
        return self.end_date is None or day <= self.end_date


@dataclass(frozen=True)
class SessionView:
    id: int
    kind: str  # "group" | "individual"
    group_name: str | None
    client_id: int | None
    starts_at: datetime
    location: str | None


@dataclass(frozen=True)
class PlannedMessage:
    dedupe_key: str
    kind: str
    client_id: int
    session_id: int | None
    label: str | None
    body: str
    due_at: datetime
    not_after: datetime
    status: str = PENDING
    reason: str | None = None


@dataclass
class PlanResult:
    sessions_added: int = 0
    sessions_changed: int = 0
    sessions_removed: int = 0
    messages_added: int = 0
    skipped_quiet_hours: int = 0
    canceled: int = 0
    candidates: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def plan_messages(
    clients: Sequence[ClientView],
    sessions: Sequence[SessionView],
    settings: Settings,
    now: datetime,
    templates: Templates | None = None,
) -> list[PlannedMessage]:
    """Every reminder and check-in that should exist for [now - lookback, now + horizon).

    Rows whose freshness has already run out (``not_after <= now``) are left out: they could
    only ever expire. Rows due in the past but still fresh are kept, so a client imported at
    13:00 still gets the 12:00 check-in that is good until 16:00.
    """
    templates = templates or Templates()
    end = now + settings.plan_horizon
    lookback = max(settings.checkin_expiry, settings.reminder_expiry)
    start = now - lookback
    offsets = settings.reminder_offsets
    quiet = settings.quiet_hours
    out: list[PlannedMessage] = []

    by_group: dict[str, list[ClientView]] = defaultdict(list)
    by_id: dict[int, ClientView] = {}
    for c in clients:
        by_id[c.id] = c
        if c.group_name:
            by_group[c.group_name].append(c)

    session_days: dict[int, set[date]] = defaultdict(set)  # client id -> local session dates

    for s in sessions:
        attendees = (
            by_group.get(s.group_name or "", [])
            if s.kind == "group"
            else [by_id[s.client_id]]
            if s.client_id in by_id
            else []
        )
        template = "reminder_group" if s.kind == "group" else "reminder_individual"
        for client in attendees:
            local_day = s.starts_at.astimezone(client.tz).date()
            session_days[client.id].add(local_day)
            if not client.enrolled_on(local_day) or s.starts_at <= now:
                continue
            for offset in offsets:
                due = offset.before(s.starts_at, settings.timezone)
                if not start <= due < end:
                    continue
                # Never after the session starts; never much later than planned.
                deadline = min(s.starts_at, due + settings.reminder_expiry)
                key = f"reminder:{client.id}:{s.id}:{s.starts_at:%Y%m%dT%H%MZ}:{offset.text}"
                placed = outside_quiet_hours(due, s.starts_at, client.tz, quiet)
                if placed is None:
                    out.append(
                        PlannedMessage(
                            key,
                            REMINDER,
                            client.id,
                            s.id,
                            offset.text,
                            "",
                            due,
                            deadline,
                            SKIPPED,
                            "quiet_hours",
                        )
                    )
                    continue
                if placed != due:
                    deadline = min(s.starts_at, placed + settings.reminder_expiry)
                if deadline <= now:
                    continue
                body = templates.render(
                    template,
                    client.language,
                    first_name=client.first_name,
                    when=when_text(s.starts_at, placed, client.tz, client.language),
                    at_place=f" at {s.location}" if s.location else "",
                )
                out.append(
                    PlannedMessage(
                        key, REMINDER, client.id, s.id, offset.text, body, placed, deadline
                    )
                )

    questions = settings.checkin_questions
    for client in clients:
        if not client.active:
            continue
        for day, due in checkin_instants(
            client.tz,
            settings.checkin_time,
            settings.checkin_days,
            start,
            end,
            session_days.get(client.id, set()),
            settings.skip_dates,
        ):
            if not client.enrolled_on(day):
                continue
            label, question = questions[day.toordinal() % len(questions)]
            key = f"checkin:{client.id}:{day.isoformat()}:{due:%H%MZ}"
            deadline = due + settings.checkin_expiry
            placed = outside_quiet_hours(due, deadline, client.tz, quiet)
            if placed is None:
                out.append(
                    PlannedMessage(
                        key,
                        CHECKIN,
                        client.id,
                        None,
                        label,
                        "",
                        due,
                        deadline,
                        SKIPPED,
                        "quiet_hours",
                    )
                )
                continue
            if deadline <= now:
                continue
            body = templates.render(
                "checkin",
                client.language,
                first_name=client.first_name,
                question=localised_question(label, question, client.language),
            )
            out.append(PlannedMessage(key, CHECKIN, client.id, None, label, body, placed, deadline))
    return out


def localised_question(label: str, question: str, language: str) -> str:
    if language == "es":
        from notifier.templates import DEFAULT_QUESTIONS_ES

        return DEFAULT_QUESTIONS_ES.get(label, question)
    return question


# --------------------------------------------------------------------------------------------
# The write side


def sync_group_sessions(
    session: Session,
    groups: Iterable[GroupSpec],
    settings: Settings,
    start: datetime,
    end: datetime,
    now: datetime,
) -> tuple[int, int, int]:
    """Make the sessions table hold exactly the configured group meetings in [start, end).

    Returns (added, changed, removed). Staff cancellations are kept; meetings that vanished
    from the schedule are canceled with reason ``schedule_changed`` and restored if they
    come back. A meeting whose time moved keeps its row (and key) but gets the new time; its
    pending reminders are canceled by the re-plan that follows.
    """
    wanted: dict[str, Occurrence] = {}
    for group in groups:
        for occ in group_occurrences(group, settings.timezone, start, end, settings.skip_dates):
            wanted[occ.key] = occ
    existing = {
        row.key: row
        for row in session.scalars(
            select(Appointment).where(
                Appointment.kind == "group",
                Appointment.starts_at >= start - timedelta(days=1),
                Appointment.starts_at < end + timedelta(days=1),
            )
        )
    }
    added = changed = removed = 0
    new_rows = []
    for key, occ in wanted.items():
        row = existing.get(key)
        if row is None:
            new_rows.append(
                {
                    "key": key,
                    "kind": "group",
                    "group_name": occ.group,
                    "client_id": None,
                    "starts_at": occ.starts_at,
                    "ends_at": occ.ends_at,
                    "location": occ.location,
                    "canceled_at": None,
                    "cancel_reason": None,
                    "created_at": now,
                }
            )
            continue
        if row.cancel_reason == "schedule_changed":
            row.canceled_at, row.cancel_reason = None, None
            changed += 1
        if (row.starts_at, row.ends_at, row.location) != (occ.starts_at, occ.ends_at, occ.location):
            row.starts_at, row.ends_at, row.location = occ.starts_at, occ.ends_at, occ.location
            changed += 1
    for key, row in existing.items():
        in_window = now <= row.starts_at < end  # meetings already under way are history
        if key not in wanted and in_window and row.canceled_at is None:
            row.canceled_at, row.cancel_reason = now, "schedule_changed"
            removed += 1
    if new_rows:
        added = insert_ignore(session, SESSIONS, new_rows, "key")
    session.flush()
    return added, changed, removed


def insert_ignore(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], key: str
) -> int:
    """INSERT ... ON CONFLICT (key) DO NOTHING; returns how many rows were inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    total = 0
    for i in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[i : i + INSERT_CHUNK]
        stmt = (
            insert(table)
            .on_conflict_do_nothing(index_elements=[key])
            .returning(table.c.id)  # rowcount of a batched executemany is not reliable
        )
        total += len(session.connection().execute(stmt, chunk).all())
    return total


def load_views(
    session: Session, settings: Settings, start: datetime, end: datetime
) -> tuple[list[ClientView], list[SessionView]]:
    clients = [
        ClientView(
            id=c.id,
            external_id=c.external_id,
            first_name=c.first_name,
            group_name=c.group_name,
            tz=ZoneInfo(c.timezone),
            language=c.language,
            start_date=c.start_date,
            end_date=c.end_date,
            active=c.consent_at is not None and c.opted_out_at is None and c.discharged_at is None,
        )
        for c in session.scalars(select(Client).where(Client.discharged_at.is_(None)))
    ]
    sessions = [
        SessionView(s.id, s.kind, s.group_name, s.client_id, s.starts_at, s.location)
        for s in session.scalars(
            select(Appointment).where(
                Appointment.canceled_at.is_(None),
                Appointment.starts_at >= start,
                Appointment.starts_at < end,
            )
        )
    ]
    return clients, sessions


def plan(
    db: Database, settings: Settings, now: datetime, templates: Templates | None = None
) -> PlanResult:
    """One planning pass as of ``now``. Safe to run concurrently and repeatedly."""
    result = PlanResult()
    horizon_end = now + settings.plan_horizon
    longest = max((o.delta for o in settings.reminder_offsets), default=timedelta(0))
    # Sessions whose reminders fall inside the horizon may start up to `longest` after it.
    session_end = horizon_end + longest + timedelta(days=1)
    lookback = max(settings.checkin_expiry, settings.reminder_expiry)
    with db.session() as s:
        # From a day back, so today's earlier meeting counts as a session day for check-ins.
        added, changed, removed = sync_group_sessions(
            s, settings.groups, settings, now - timedelta(days=1), session_end, now
        )
        result.sessions_added, result.sessions_changed, result.sessions_removed = (
            added,
            changed,
            removed,
        )
    with db.session() as s:
        clients, sessions = load_views(s, settings, now - timedelta(days=1), session_end)
    candidates = plan_messages(clients, sessions, settings, now, templates)
    result.candidates = len(candidates)
    wanted_keys = {c.dedupe_key for c in candidates}
    window_start = now - lookback - timedelta(days=2)
    with db.session() as s:
        existing = set(
            s.scalars(
                select(Message.dedupe_key).where(
                    Message.kind.in_((REMINDER, CHECKIN)), Message.due_at >= window_start
                )
            )
        )
        rows = [
            {
                "kind": c.kind,
                "client_id": c.client_id,
                "session_id": c.session_id,
                "recipient": None,
                "label": c.label,
                "body": c.body,
                "dedupe_key": c.dedupe_key,
                "due_at": c.due_at,
                "not_after": c.not_after,
                "status": c.status,
                "reason": c.reason,
                "attempts": 0,
                "needs_lookup": False,
                "created_at": now,
            }
            for c in candidates
            if c.dedupe_key not in existing
        ]
        if rows:
            result.messages_added = insert_ignore(s, MESSAGES, rows, "dedupe_key")
        result.skipped_quiet_hours = sum(1 for r in rows if r["status"] == SKIPPED)
        # Pending planned rows that are no longer wanted: the client stopped, was discharged or
        # moved, the session was canceled or moved, the schedule or its settings changed.
        stale_ids = [
            mid
            for mid, key in s.execute(
                select(Message.id, Message.dedupe_key).where(
                    Message.status == PENDING,
                    Message.kind.in_((REMINDER, CHECKIN)),
                    Message.due_at >= window_start,
                    Message.not_after > now,  # the rest expire, they are not re-planned
                )
            )
            if key not in wanted_keys
        ]
        for i in range(0, len(stale_ids), INSERT_CHUNK):
            res = s.execute(
                update(Message)
                .where(
                    and_(Message.id.in_(stale_ids[i : i + INSERT_CHUNK]), Message.status == PENDING)
                )
                .values(status=CANCELED, reason="replanned", status_at=now)
            )
            result.canceled += rowcount(res)
    if result.messages_added or result.canceled or added or changed or removed:
        log.info(
            "plan",
            extra={
                "event": "plan",
                "added": result.messages_added,
                "skipped_quiet_hours": result.skipped_quiet_hours,
                "canceled": result.canceled,
                "sessions_added": added,
                "sessions_changed": changed,
                "sessions_removed": removed,
            },
        )
    return result
