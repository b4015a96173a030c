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
from collections import defaultdict
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifier.core import state
from notifier.core.calendar import (
    GroupSpec,
    Occurrence,
    Offset,
    QuietHours,
    checkin_instants,
    group_occurrences,
)
from notifier.core.db import Database, bulk_insert_ignore
from notifier.core.models import (
    CHECKIN,
    PENDING,
    REMINDER,
    SESSIONS,
    SKIPPED,
    Appointment,
)
from notifier.core.settings import Settings
from notifier.outbound import outbox
from notifier.outbound.plan_views import (
    SLICE,
    ClientView,
    RosterDigest,
    RosterSlice,
    SessionView,
    group_sessions,
    own_sessions,
    plan_inputs,
    planned_rows,
    roster_slices,
)
from notifier.outbound.quiet import placement
from notifier.outbound.render import at_place, question_for
from notifier.outbound.texts import Templates, when_text

log = logging.getLogger(__name__)


class PlannedMessage(NamedTuple):  # a tuple: ~100,000 are made per full plan
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
    incremental: bool = False


def plan_messages(
    clients: Sequence[ClientView],
    sessions: Sequence[SessionView],
    settings: Settings,
    now: datetime,
    templates: Templates | None = None,
    existing: Set[str] = frozenset(),
    render: bool = True,
    still_wanted: set[str] | None = None,
    window_start: datetime | None = None,
) -> list[PlannedMessage]:
    """Every reminder and check-in that should exist for [now - lookback, now + horizon).

    Rows whose freshness has already run out (``not_after <= now``) are left out: they could
    only ever expire. Rows due in the past but still fresh are kept, so a client imported at
    13:00 still gets the 12:00 check-in that is good until 16:00.

    Bodies are rendered only with ``render=True`` (for a preview, or a test); the planner
    stores rows without words and the dispatcher renders them when it sends
    (notifier.outbound.render).
    Keys in ``existing`` never get a body either; with ``still_wanted`` given, they are only
    added to it (re-planning an unchanged week then builds no rows at all). The time
    math is shared: everyone in a group, or in one time zone, gets the same instants, so it is
    computed once per (session, offset, zone) and once per (day, zone), not once per client.
    """
    templates = templates or Templates()
    end = now + settings.plan_horizon
    start = now - _lookback(settings) if window_start is None else window_start
    offsets = settings.reminder_offsets
    quiet = settings.quiet_hours
    out: list[PlannedMessage] = []
    append = out.append

    by_group: dict[str, list[ClientView]] = defaultdict(list)
    by_id: dict[int, ClientView] = {}
    for c in clients:
        by_id[c.id] = c
        if c.group_name:
            by_group[c.group_name].append(c)

    session_days: dict[int, set[date]] = defaultdict(set)  # client id -> local session dates
    local_day_of: dict[tuple[datetime, ZoneInfo], date] = {}

    for s in sessions:
        attendees = (
            by_group.get(s.group_name or "", [])
            if s.kind == "group"
            else [by_id[s.client_id]]
            if s.client_id in by_id
            else []
        )
        template = "reminder_group" if s.kind == "group" else "reminder_individual"
        stamp = f"{s.starts_at:%Y%m%dT%H%MZ}"
        started = s.starts_at <= now
        # (offset, zone) -> (due, placed, deadline) or None when outside the window.
        slots: dict[tuple[str, ZoneInfo], tuple[datetime, datetime | None, datetime] | None] = {}
        whens: dict[tuple[datetime, ZoneInfo, str], str] = {}
        for client in attendees:
            tz = client.tz
            local_day = local_day_of.get((s.starts_at, tz))
            if local_day is None:
                local_day = local_day_of[(s.starts_at, tz)] = s.starts_at.astimezone(tz).date()
            session_days[client.id].add(local_day)
            if started or not client.enrolled_on(local_day):
                continue
            for offset in offsets:
                slot_key = (offset.text, tz)
                if slot_key not in slots:
                    slots[slot_key] = _reminder_slot(
                        s.starts_at, offset, tz, quiet, settings, start, end, now
                    )
                slot = slots[slot_key]
                if slot is None:
                    continue
                due, placed, deadline = slot
                key = f"reminder:{client.id}:{s.id}:{stamp}:{offset.text}"
                if still_wanted is not None and key in existing:
                    still_wanted.add(key)
                    continue
                if placed is None:
                    append(
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
                body = ""
                if render and key not in existing:
                    lang = client.language
                    when = whens.get((placed, tz, lang))
                    if when is None:
                        when = whens[(placed, tz, lang)] = when_text(s.starts_at, placed, tz, lang)
                    body = templates.render(
                        template,
                        lang,
                        first_name=client.first_name,
                        when=when,
                        at_place=at_place(s.location, lang),
                    )
                append(
                    PlannedMessage(
                        key, REMINDER, client.id, s.id, offset.text, body, placed, deadline
                    )
                )

    questions = settings.checkin_questions
    # (zone, session days) -> the check-in instants; clients of one group in one zone share it.
    # ... with the key text of each instant made once: "2026-12-01:1700Z".
    instants: dict[tuple[ZoneInfo, frozenset[date]], list[tuple[date, datetime, str]]] = {}
    placements: dict[tuple[datetime, ZoneInfo], datetime | None] = {}
    for client in clients:
        if not client.active:
            continue
        tz = client.tz
        days_key = (tz, frozenset(session_days.get(client.id, ())))
        found = instants.get(days_key)
        if found is None:
            found = instants[days_key] = [
                (day, due, f"{day.isoformat()}:{due:%H%MZ}")
                for day, due in checkin_instants(
                    tz,
                    settings.checkin_time,
                    settings.checkin_days,
                    start,
                    end,
                    set(days_key[1]),
                    settings.no_checkin_dates,
                )
            ]
        for day, due, day_text in found:
            if not client.enrolled_on(day):
                continue
            label = questions[day.toordinal() % len(questions)][0]
            key = f"checkin:{client.id}:{day_text}"
            if still_wanted is not None and key in existing:
                still_wanted.add(key)
                continue
            deadline = due + settings.checkin_expiry
            if (due, tz) not in placements:
                placements[(due, tz)] = placement(CHECKIN, label, due, deadline, tz, quiet)
            placed = placements[(due, tz)]
            if placed is None:
                append(
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
            body = ""
            if render and key not in existing:
                body = templates.render(
                    "checkin",
                    client.language,
                    first_name=client.first_name,
                    question=question_for(label, settings, client.language),
                )
            append(PlannedMessage(key, CHECKIN, client.id, None, label, body, placed, deadline))
    return out


def _reminder_slot(
    starts_at: datetime,
    offset: Offset,
    tz: ZoneInfo,
    quiet: QuietHours | None,
    settings: Settings,
    start: datetime,
    end: datetime,
    now: datetime,
) -> tuple[datetime, datetime | None, datetime] | None:
    """(due, placed or None if skipped for quiet hours, deadline) of one reminder, or None
    when it falls outside the planning window or could only expire."""
    due = offset.before(starts_at, settings.timezone)
    if not start <= due < end:
        return None
    # Never after the session starts; never much later than planned.
    deadline = min(starts_at, due + settings.reminder_expiry)
    placed = placement(REMINDER, offset.text, due, starts_at, tz, quiet)
    if placed is None:
        return due, None, deadline
    if placed != due:
        deadline = min(starts_at, placed + settings.reminder_expiry)
    if deadline <= now:
        return None
    return due, placed, deadline


@dataclass(frozen=True)
class ReminderOutlook:
    """What will happen to one reminder of a session, for the person who just added it."""

    offset: str
    due: datetime  # where the offset puts it
    placed: datetime | None  # when it will be sent; None when it will not be
    state: str  # "due" | "moved" (out of quiet hours) | "skipped_quiet_hours" | "past"


def reminder_outlook(
    starts_at: datetime, client_tz: ZoneInfo, settings: Settings, now: datetime
) -> list[ReminderOutlook]:
    """Each configured reminder of a session starting at ``starts_at``, decided by the same
    rules as plan_messages (through _reminder_slot), so `sessions add` can say at once that,
    e.g., a reminder falls in the client's quiet hours and will be skipped."""
    out = []
    for offset in settings.reminder_offsets:
        slot = _reminder_slot(
            starts_at, offset, client_tz, settings.quiet_hours, settings, now - _lookback(settings),
            starts_at + timedelta(days=1), now,
        )  # fmt: skip
        if slot is None:
            due = offset.before(starts_at, settings.timezone)
            out.append(ReminderOutlook(offset.text, due, None, "past"))
            continue
        due, placed, _ = slot
        state = "skipped_quiet_hours" if placed is None else "due" if placed == due else "moved"
        out.append(ReminderOutlook(offset.text, due, placed, state))
    return out


def _lookback(settings: Settings) -> timedelta:
    """How far back planning looks: a row due earlier than this could only expire."""
    return max(settings.checkin_expiry, settings.reminder_expiry)


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
    lookback = _lookback(settings)
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
