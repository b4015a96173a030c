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

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifier.core import state
from notifier.core.calendar import (
    GroupSpec,
    Occurrence,
    group_occurrences,
)
from notifier.core.db import Database, bulk_insert_ignore
from notifier.core.models import (
    PENDING,
    SESSIONS,
    SKIPPED,
    Appointment,
)
from notifier.core.settings import Settings
from notifier.outbound import outbox
from notifier.outbound.plan_views import (
    SLICE,
    RosterDigest,
    RosterSlice,
    SessionView,
    group_sessions,
    own_sessions,
    plan_inputs,
    planned_rows,
    roster_slices,
)
from notifier.outbound.planning import lookback_of, plan_messages
from notifier.outbound.texts import Templates

log = logging.getLogger(__name__)


@dataclass
class PlanResult:
    sessions_added: int = 0
    sessions_changed: int = 0
    sessions_removed: int = 0
    messages_added: int = 0
    skipped_quiet_hours: int = 0
    canceled: int = 0
    candidates: int = 0
    incremental: bool = False


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
        added = bulk_insert_ignore(session.connection(), SESSIONS, new_rows, "key")
    session.flush()
    return added, changed, removed


PLAN_STATE = "plan:last"
FULL_PLAN_EVERY = timedelta(hours=1)


def plan(
    db: Database,
    settings: Settings,
    now: datetime,
    templates: Templates | None = None,
    slice_size: int = SLICE,
) -> PlanResult:
    """One planning pass as of ``now``. Safe to run concurrently and repeatedly.

    When nothing a plan depends on changed since the last one and that one is recent, only the
    slice of time the horizon moved into is planned: an unchanged week is not recomputed
    every five minutes. A full pass (which also cancels rows no longer wanted) runs on any
    change, and at least hourly. Whether the roster changed is known only once it has been
    read, so an incremental pass that finds it changed is followed by a full one.

    The roster is planned ``slice_size`` clients at a time, each slice written in its own
    transaction (:mod:`notifier.outbound.plan_views`), so memory does not grow with it.
    """
    del templates  # planned rows carry no words: the dispatcher renders them as it sends
    result = PlanResult()
    horizon_end = now + settings.plan_horizon
    longest = max((o.delta for o in settings.reminder_offsets), default=timedelta(0))
    # Sessions whose reminders fall inside the horizon may start up to `longest` after it.
    session_end = horizon_end + longest + timedelta(days=1)
    lookback = lookback_of(settings)
    last = json.loads(state.get(db, PLAN_STATE) or "{}")
    covered = datetime.fromisoformat(last["covered_until"]) if "covered_until" in last else None
    full_at = datetime.fromisoformat(last["full_at"]) if "full_at" in last else None
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
    inputs = plan_inputs(db, settings, slice_size)
    incremental = (
        last.get("inputs") == inputs
        and covered is not None
        and full_at is not None
        and full_at <= now < full_at + FULL_PLAN_EVERY
        and covered - settings.plan_horizon <= now <= covered
        and not (changed or removed)
    )
    window = (now - timedelta(days=1), session_end)
    everything = now - lookback - timedelta(days=2)  # what a full pass looks at
    since = covered - lookback if incremental and covered else everything
    roster = _plan_pass(db, settings, now, window, since, incremental, slice_size, result)
    if incremental and roster != last.get("roster"):
        # The roster changed since the last pass: re-judge the whole week.
        incremental = False
        roster = _plan_pass(db, settings, now, window, everything, False, slice_size, result)
    result.incremental = incremental
    state.put(
        db,
        PLAN_STATE,
        json.dumps(
            {
                "inputs": inputs,
                "roster": roster,
                "covered_until": horizon_end.isoformat(),
                "full_at": (full_at if incremental and full_at else now).isoformat(),
            }
        ),
        now,
    )
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


def _plan_pass(
    db: Database,
    settings: Settings,
    now: datetime,
    window: tuple[datetime, datetime],
    since: datetime,
    incremental: bool,
    slice_size: int,
    result: PlanResult,
) -> str:
    """Walk the roster once, a slice at a time, over rows due from ``since``; an incremental
    pass plans only from there on and cancels nothing. Adds to ``result``; returns the
    roster's digest."""
    sessions_from, session_end = window
    if incremental:
        # Only meetings whose reminders (or whose days) reach into the slice of time matter.
        sessions_from = max(sessions_from, since - timedelta(days=1))
    with db.read() as s:
        groups = group_sessions(s, sessions_from, session_end)
    digest = RosterDigest()
    result.candidates = 0
    for part in roster_slices(db, slice_size):
        digest.add(part)
        _plan_slice(
            db, settings, now, part, groups, (sessions_from, session_end),
            since, incremental, result,
        )  # fmt: skip
    return digest.hexdigest()


def _plan_slice(
    db: Database,
    settings: Settings,
    now: datetime,
    part: RosterSlice,
    groups: list[SessionView],
    session_window: tuple[datetime, datetime],
    slice_start: datetime,
    incremental: bool,
    result: PlanResult,
) -> None:
    """Plan one slice of the roster and write it in one transaction."""
    with db.read() as s:
        sessions = groups + own_sessions(s, part, *session_window)
        # What is already planned (keys, and whether still pending): texts are never
        # inserted twice, and pending rows that are no longer wanted can be found.
        planned = planned_rows(s, part, slice_start)
    existing = {r.dedupe_key for r in planned}
    wanted_keys: set[str] = set()
    candidates = plan_messages(
        part.clients,
        sessions,
        settings,
        now,
        None,
        existing,
        render=False,
        still_wanted=wanted_keys,
        window_start=slice_start if incremental else None,
    )
    result.candidates += len(candidates) + len(wanted_keys)
    wanted_keys.update(c.dedupe_key for c in candidates)
    rows = [
        outbox.message(
            c.kind,
            dedupe_key=c.dedupe_key,
            body=c.body,
            due_at=c.due_at,
            not_after=c.not_after,
            client_id=c.client_id,
            session_id=c.session_id,
            label=c.label,
            status=c.status,
            reason=c.reason,
            recipient=c.recipient,
            created_at=now,
        )
        for c in candidates
        if c.dedupe_key not in existing
    ]
    del candidates
    # Pending planned rows that are no longer wanted: the client stopped, was discharged or
    # moved, the session was canceled or moved, the schedule or its settings changed.
    # (An incremental pass saw only a slice of time; nothing it did not see is judged.)
    stale_ids = (
        []
        if incremental
        else [
            r.id
            for r in planned
            if r.status == PENDING and r.not_after > now and r.dedupe_key not in wanted_keys
        ]
    )
    if not rows and not stale_ids:
        return
    result.skipped_quiet_hours += sum(1 for r in rows if r["status"] == SKIPPED)
    with db.session() as s:
        # ON CONFLICT DO NOTHING: a replica planning the same rows at once adds nothing.
        result.messages_added += outbox.enqueue(s, rows)
        result.canceled += outbox.cancel(s, stale_ids, "replanned", now)
