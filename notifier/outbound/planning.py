"""The pure half of planning: clients, sessions, settings and ``now`` in, candidate rows out.

A dedupe key names everything a message depends on (client, session, session start, offset,
check-in date and time), so a changed schedule produces new keys (see notifier.outbound.planner
for the write step that stores them and cancels what is no longer wanted).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from notifier.core.calendar import (
    CheckinDays,
    Offset,
    QuietHours,
    checkin_instants,
)
from notifier.core.models import (
    CHECKIN,
    PENDING,
    REMINDER,
    SKIPPED,
)
from notifier.core.phases import phase_on
from notifier.core.settings import Settings
from notifier.outbound.plan_views import (
    ClientView,
    SessionView,
)
from notifier.outbound.quiet import placement
from notifier.outbound.render import (
    SUPPORT_LABEL,
    at_place,
    meeting_kind,
    question_for,
    reminder_template,
)
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
    recipient: str | None = None  # a support person's number; None: the client's


@dataclass
class _Pass:
    """What one planning pass shares between its reminder and check-in halves."""

    settings: Settings
    now: datetime
    start: datetime
    end: datetime
    templates: Templates
    existing: Set[str]
    render: bool
    still_wanted: set[str] | None
    out: list[PlannedMessage]

    def known(self, key: str) -> bool:
        """True when re-planning finds ``key`` already stored: it is only marked as wanted."""
        if self.still_wanted is not None and key in self.existing:
            self.still_wanted.add(key)
            return True
        return False

    def wants_body(self, key: str) -> bool:
        return self.render and key not in self.existing


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
    p = _Pass(
        settings=settings,
        now=now,
        start=now - lookback_of(settings) if window_start is None else window_start,
        end=now + settings.plan_horizon,
        templates=templates or Templates(),
        existing=existing,
        render=render,
        still_wanted=still_wanted,
        out=[],
    )
    session_days = _plan_reminders(p, clients, sessions)
    _plan_checkins(p, clients, session_days)
    return p.out


def _plan_reminders(
    p: _Pass, clients: Sequence[ClientView], sessions: Sequence[SessionView]
) -> dict[int, set[date]]:
    """Reminder rows for every attendee of every session; returns each client's local
    session dates (check-ins are not sent on a day with a session)."""
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
        started = s.starts_at <= p.now
        slots: dict[tuple[str, ZoneInfo], _Slot | None] = {}
        whens: dict[tuple[datetime, ZoneInfo, str], str] = {}
        for client in attendees:
            tz = client.tz
            local_day = local_day_of.get((s.starts_at, tz))
            if local_day is None:
                local_day = local_day_of[(s.starts_at, tz)] = s.starts_at.astimezone(tz).date()
            session_days[client.id].add(local_day)
            if started or not client.enrolled_on(local_day):
                continue
            _client_reminders(p, s, client, slots, whens)
    return session_days


# (due, placed, deadline); placed is None when quiet hours leave no time to send it.
_Slot = tuple[datetime, datetime | None, datetime]


def _client_reminders(
    p: _Pass,
    s: SessionView,
    client: ClientView,
    slots: dict[tuple[str, ZoneInfo], _Slot | None],
    whens: dict[tuple[datetime, ZoneInfo, str], str],
) -> None:
    """One client's reminders of one session, one per offset. ``slots`` and ``whens`` are
    shared by the session's attendees: the instants depend only on (offset, zone)."""
    tz = client.tz
    stamp = f"{s.starts_at:%Y%m%dT%H%MZ}"
    template = reminder_template(meeting_kind(p.settings, s.kind, s.group_name))
    for offset in p.settings.reminder_offsets:
        slot_key = (offset.text, tz)
        if slot_key not in slots:
            slots[slot_key] = _reminder_slot(
                s.starts_at, offset, tz, p.settings.quiet_hours, p.settings, p.start, p.end, p.now
            )
        slot = slots[slot_key]
        if slot is None:
            continue
        due, placed, deadline = slot
        key = f"reminder:{client.id}:{s.id}:{stamp}:{offset.text}"
        if p.known(key):
            continue
        if placed is None:
            p.out.append(
                PlannedMessage(
                    key, REMINDER, client.id, s.id, offset.text, "", due, deadline,
                    SKIPPED, "quiet_hours",
                )
            )  # fmt: skip
            continue
        body = ""
        if p.wants_body(key):
            lang = client.language
            when = whens.get((placed, tz, lang))
            if when is None:
                when = whens[(placed, tz, lang)] = when_text(s.starts_at, placed, tz, lang)
            body = p.templates.render(
                template,
                lang,
                first_name=client.first_name,
                when=when,
                at_place=at_place(s.location, lang),
            )
        p.out.append(
            PlannedMessage(key, REMINDER, client.id, s.id, offset.text, body, placed, deadline)
        )
        _support_reminders(p, s, client, (offset.text, placed, deadline), stamp)


def _support_reminders(
    p: _Pass,
    s: SessionView,
    client: ClientView,
    slot: tuple[str, datetime, datetime],
    stamp: str,
) -> None:
    """The same reminder for each support person of a family session whose written consent
    covers the session's date (42 CFR Part 2): none without one. Their words are rendered
    when sent, like the client's (notifier.outbound.render)."""
    if s.kind != "family" or not s.supports:
        return
    offset, placed, deadline = slot
    day = s.starts_at.astimezone(p.settings.timezone).date()
    for person in s.supports:
        if not person.covers(day):
            continue
        key = f"support:{person.id}:{s.id}:{stamp}:{offset}"
        if p.known(key):
            continue
        label = f"{SUPPORT_LABEL}{offset}"
        body = ""
        if p.wants_body(key):
            body = p.templates.render(
                "reminder_support", client.language, first_name=client.first_name,
                when=when_text(s.starts_at, placed, client.tz, client.language),
                at_place=at_place(s.location, client.language),
                program_name=p.settings.program_name,
            )  # fmt: skip
        p.out.append(
            PlannedMessage(
                key, REMINDER, client.id, s.id, label, body, placed, deadline,
                recipient=person.phone,
            )
        )  # fmt: skip


def _plan_checkins(
    p: _Pass, clients: Sequence[ClientView], session_days: dict[int, set[date]]
) -> None:
    """Check-in rows for every active client on the check-in days without a session."""
    settings = p.settings
    questions = settings.checkin_questions
    # (zone, session days) -> the check-in instants; clients of one group in one zone share it.
    # ... with the key text of each instant made once: "2026-12-01:1700Z".
    instants: dict[tuple[ZoneInfo, frozenset[date]], list[tuple[date, datetime, str]]] = {}
    placements: dict[tuple[datetime, ZoneInfo], datetime | None] = {}
    # With phases every day is a candidate and each client's phase decides (checkin_day).
    days = CheckinDays("daily") if settings.phases else settings.checkin_days
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
                    days,
                    p.start,
                    p.end,
                    set(days_key[1]),
                    settings.no_checkin_dates,
                )
            ]
        for day, due, day_text in found:
            if not client.enrolled_on(day):
                continue
            if settings.phases and not checkin_day(settings, client, day, days_key[1]):
                continue
            label = questions[day.toordinal() % len(questions)][0]
            key = f"checkin:{client.id}:{day_text}"
            if p.known(key):
                continue
            deadline = due + settings.checkin_expiry
            if (due, tz) not in placements:
                placements[(due, tz)] = placement(
                    CHECKIN, label, due, deadline, tz, settings.quiet_hours
                )
            placed = placements[(due, tz)]
            if placed is None:
                p.out.append(
                    PlannedMessage(
                        key, CHECKIN, client.id, None, label, "", due, deadline,
                        SKIPPED, "quiet_hours",
                    )
                )  # fmt: skip
                continue
            if deadline <= p.now:
                continue
            body = ""
            if p.wants_body(key):
                body = p.templates.render(
                    "checkin",
                    client.language,
                    first_name=client.first_name,
                    question=question_for(label, settings, client.language),
                )
            p.out.append(
                PlannedMessage(key, CHECKIN, client.id, None, label, body, placed, deadline)
            )


def checkin_day(settings: Settings, client: ClientView, day: date, session_days: Set[date]) -> bool:
    """Whether ``client`` gets a check-in on local date ``day``: the days of their phase on
    that day (NOTIFIER_PHASES), else NOTIFIER_CHECKIN_DAYS. Skip dates are checked apart."""
    phase = phase_on(settings.phases, client.start_date, day, client.phase)
    days = phase.days if phase is not None else settings.checkin_days
    return days.applies(day, day in session_days)


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
            starts_at,
            offset,
            client_tz,
            settings.quiet_hours,
            settings,
            now - lookback_of(settings),
            starts_at + timedelta(days=1),
            now,
        )
        if slot is None:
            due = offset.before(starts_at, settings.timezone)
            out.append(ReminderOutlook(offset.text, due, None, "past"))
            continue
        due, placed, _ = slot
        state = "skipped_quiet_hours" if placed is None else "due" if placed == due else "moved"
        out.append(ReminderOutlook(offset.text, due, placed, state))
    return out


def lookback_of(settings: Settings) -> timedelta:
    """How far back planning looks: a row due earlier than this could only expire."""
    return max(settings.checkin_expiry, settings.reminder_expiry)


# --------------------------------------------------------------------------------------------
# The write side
