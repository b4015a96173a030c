"""The follow-up list for a group's next session: who needs the facilitator's attention.

:func:`build_digest` reads the database once and hands the rows to :func:`digest_from_rows`,
which is pure (rows and ``now`` in, a :class:`Digest` out). Renderers live in
``followup_render.py``.

The window is the time since the group's previous meeting (a week when there is none); scores
are compared with the window before it. Clients come most urgent first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select

from notifier.core.db import Database
from notifier.core.models import (
    CHECKIN,
    DELIVERED,
    FAILED,
    REMINDER,
    SENT,
    UNDELIVERED,
    Client,
    Message,
    Reply,
)
from notifier.core.phases import phase_on
from notifier.core.program import ClientPhase
from notifier.core.settings import Settings
from notifier.followup import attendance as attendance_mod
from notifier.followup.attendance import AttendanceEntry
from notifier.followup.flags import FLAG_TEXT, FLAGS, RANK, SIGNAL_FLAGS, has_words, score_flag
from notifier.followup.meetings import NoSession, next_session, previous_meeting
from notifier.followup.weeks import WeekPoint, trend, trend_start, trend_weeks
from notifier.inbound.concerning import concerning, excess, low_is_bad
from notifier.inbound.replies import signals_of

# Re-exported: the pages, the CLI and the JSON route take these names from the digest.
__all__ = [
    "FLAGS",
    "FLAG_TEXT",
    "ClientDigest",
    "Digest",
    "NoSession",
    "build_digest",
    "digest_from_rows",
    "next_session",
    "previous_meeting",
]

VERBATIM = ("free_text", "crisis", "concern", "help", "decline", "opt_out")


@dataclass(frozen=True)
class ScorePoint:
    at: datetime
    score: int


@dataclass
class ScoreSummary:
    label: str
    values: list[ScorePoint]
    previous_average: float | None
    low_is_bad: bool = False  # mood: 0 is the worry, 10 is great
    concerning: bool = False  # a score in the window at or past the threshold
    flag: str | None = None  # the flag its scores raise (flags.score_flag), if any

    @property
    def latest(self) -> int | None:
        return self.values[-1].score if self.values else None

    @property
    def highest(self) -> int | None:
        return max((p.score for p in self.values), default=None)

    @property
    def lowest(self) -> int | None:
        return min((p.score for p in self.values), default=None)

    @property
    def worst(self) -> int | None:
        return self.lowest if self.low_is_bad else self.highest

    @property
    def average(self) -> float | None:
        if not self.values:
            return None
        return sum(p.score for p in self.values) / len(self.values)

    @property
    def change(self) -> float | None:
        """Average in this window minus the average in the previous one."""
        if self.average is None or self.previous_average is None:
            return None
        return round(self.average - self.previous_average, 1)


@dataclass(frozen=True)
class ReplyItem:
    received_at: datetime
    category: str
    body: str
    score: int | None
    label: str | None
    signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlagReply:
    """The reply that raised a flag, shown beside it."""

    reply_id: int | None
    received_at: datetime
    body: str


@dataclass
class ClientDigest:
    external_id: str
    first_name: str
    flags: list[str]
    attendance: str | None  # the RSVP: confirmed | declined | None
    checkins_sent: int
    checkins_answered: int
    scores: dict[str, ScoreSummary]
    replies: list[ReplyItem]
    last_reply_at: datetime | None
    opted_out: bool = False
    concerning_score: int = 0  # how far the worst score of the window goes past the threshold
    # The last meetings (newest first): attended | late | absent | excused | unmarked.
    attendance_history: list[AttendanceEntry] = field(default_factory=list)
    # Per label, one point per week of Digest.trend_weeks (oldest first), empty weeks included.
    trend: dict[str, list[WeekPoint]] = field(default_factory=dict)
    # The reply that raised each flag it applies to (flag -> reply).
    flag_replies: dict[str, FlagReply] = field(default_factory=dict)
    phase: str | None = None  # step-down phase (NOTIFIER_PHASES); None without phases


@dataclass
class Digest:
    group: str
    session_start: datetime
    session_end: datetime | None
    location: str | None
    window_start: datetime
    generated_at: datetime
    high_score: int
    clients: list[ClientDigest] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # every label any client has a score for
    low_score_labels: list[str] = field(default_factory=list)
    trend_weeks: list[date] = field(default_factory=list)  # Mondays, oldest first


# --- the pure part ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ClientRow:
    id: int
    external_id: str
    first_name: str
    opted_out_at: datetime | None
    start_date: date | None = None
    phase: str | None = None  # on the meeting's date (NOTIFIER_PHASES); None without phases


@dataclass(frozen=True)
class ReplyRow:
    client_id: int
    received_at: datetime
    category: str
    body: str
    score: int | None
    label: str | None
    session_id: int | None
    in_reply_to: int | None = None
    id: int | None = None
    signals: tuple[str, ...] = ()


# A text the provider could not deliver: it counts for nothing sent, and if it is the latest,
# the client is flagged unreachable.
NOT_ARRIVED = (UNDELIVERED, FAILED)


@dataclass(frozen=True)
class SentRow:
    client_id: int
    kind: str
    sent_at: datetime  # or, for a text that never arrived, when that was known
    message_id: int
    status: str = SENT


@dataclass(frozen=True)
class _Window:
    """What every client's part of the digest is measured against."""

    session_id: int | None
    window_start: datetime
    previous_start: datetime
    cutoff: datetime  # replies up to the meeting (or now, before it)
    weeks: list[date]
    settings: Settings


def digest_from_rows(
    *,
    group: str,
    session: tuple[int | None, datetime, datetime | None, str | None],
    window_start: datetime,
    previous_start: datetime,
    now: datetime,
    clients: Sequence[ClientRow],
    replies: Iterable[ReplyRow],
    sent: Iterable[SentRow],
    settings: Settings,
    attendance: Mapping[int, Sequence[AttendanceEntry]] | None = None,
) -> Digest:
    """``replies`` should reach back to the earlier of ``previous_start`` and the first of
    :func:`trend_weeks`; ``attendance`` is each client's history, newest first."""
    session_id, start, end, location = session
    digest = Digest(group, start, end, location, window_start, now, settings.high_score)
    cutoff = min(now, start)
    w = _Window(
        session_id,
        window_start,
        previous_start,
        cutoff,
        trend_weeks(cutoff, settings.timezone),
        settings,
    )
    by_client_replies: dict[int, list[ReplyRow]] = defaultdict(list)
    for r in replies:
        by_client_replies[r.client_id].append(r)
    by_client_sent: dict[int, list[SentRow]] = defaultdict(list)
    for m in sent:
        by_client_sent[m.client_id].append(m)
    history = attendance or {}
    for c in clients:
        digest.clients.append(
            _client(
                c,
                sorted(by_client_replies.get(c.id, []), key=lambda r: r.received_at),
                by_client_sent.get(c.id, []),
                list(history.get(c.id, [])),
                w,
            )
        )
    digest.clients.sort(key=_urgency)
    digest.labels = sorted({label for c in digest.clients for label in (*c.scores, *c.trend)})
    digest.low_score_labels = [x for x in digest.labels if low_is_bad(x, settings)]
    digest.trend_weeks = w.weeks
    return digest


def _client(
    c: ClientRow,
    mine: list[ReplyRow],
    sent: list[SentRow],
    history: list[AttendanceEntry],
    w: _Window,
) -> ClientDigest:
    current = [r for r in mine if w.window_start <= r.received_at < w.cutoff]
    previous = [r for r in mine if w.previous_start <= r.received_at < w.window_start]
    arrived = [m for m in sent if m.status not in NOT_ARRIVED]
    checkins = [m for m in arrived if m.kind == CHECKIN and w.window_start <= m.sent_at < w.cutoff]
    answered_ids = {r.in_reply_to for r in current if r.category == "checkin_answer"}
    answered = len(answered_ids & {m.message_id for m in checkins})
    scores = _scores(current, previous, w.settings)
    rsvp, rsvp_reply = None, None
    for r in current + [r for r in mine if r.received_at >= w.cutoff]:
        if w.session_id is not None and r.session_id == w.session_id:
            rsvp = "confirmed" if r.category == "confirm" else "declined"
            rsvp_reply = r
    worst = max(
        (excess(s.label, p.score, w.settings) for s in scores.values() for p in s.values),
        default=0,
    )
    raised = _flag_replies(current, w.settings)
    found = set(raised) | ({r.category for r in current} & {"crisis", "help"})
    found |= {
        f
        for s in scores.values()
        for p in s.values
        if (f := score_flag(s.label, p.score, w.settings))
    }
    if attendance_mod.missed_twice(history):
        found.add("missed_twice")
    if rsvp is not None:
        found.add(rsvp)
    if rsvp is not None and rsvp_reply is not None:
        raised[rsvp] = rsvp_reply
    opt_outs = [r for r in mine if r.category == "opt_out"]
    if c.opted_out_at is not None and opt_outs:
        raised["opted_out"] = opt_outs[-1]
    if checkins and not answered:  # check-ins, not the RSVP: "1" to a reminder is no answer
        found.add("no_reply")
    if c.opted_out_at is not None:
        found.add("opted_out")
    elif _unreachable(sent, w):
        found.add("unreachable")
    flags = [f for f in FLAGS if f in found]
    return ClientDigest(
        external_id=c.external_id,
        first_name=c.first_name,
        flags=flags,
        attendance=rsvp,
        checkins_sent=len(checkins),
        checkins_answered=answered,
        scores=scores,
        replies=[
            ReplyItem(r.received_at, r.category, r.body, r.score, r.label, r.signals)
            for r in current
            if r.category in VERBATIM or r.signals or has_words(r.body)
        ],
        last_reply_at=mine[-1].received_at if mine else None,
        opted_out=c.opted_out_at is not None,
        concerning_score=worst,
        attendance_history=history,
        trend=trend(
            ((r.received_at, r.label, r.score) for r in mine),
            w.weeks,
            w.cutoff,
            w.settings.timezone,
        ),
        flag_replies={
            f: FlagReply(raised[f].id, raised[f].received_at, raised[f].body)
            for f in flags
            if f in raised
        },
        phase=c.phase,
    )


def _unreachable(sent: list[SentRow], w: _Window) -> bool:
    """The latest text of the window did not arrive (undelivered or failed at the provider):
    the number may be gone, and the client is hearing nothing from the program."""
    window = [m for m in sent if w.window_start <= m.sent_at < w.cutoff]
    latest = max(window, key=lambda m: m.sent_at, default=None)
    return latest is not None and latest.status in NOT_ARRIVED


def _flag_replies(current: list[ReplyRow], settings: Settings) -> dict[str, ReplyRow]:
    """Each flag the window's replies raise, with the reply that raised it: the latest one,
    or for a score flag the most concerning score (the latest of equals)."""
    raised: dict[str, ReplyRow] = {}
    worst: dict[str, int] = {}
    for r in current:  # oldest first: a later reply replaces an earlier one
        for flag in SIGNAL_FLAGS:
            if flag in r.signals or r.category == flag:
                raised[flag] = r
        if r.category == "help":
            raised["help"] = r
        scored = score_flag(r.label, r.score, settings)
        if scored is not None and r.score is not None:
            over = excess(r.label, r.score, settings)
            if over >= worst.get(scored, 0):
                raised[scored], worst[scored] = r, over
    return raised


def _scores(
    current: list[ReplyRow], previous: list[ReplyRow], settings: Settings
) -> dict[str, ScoreSummary]:
    out: dict[str, ScoreSummary] = {}
    labels = {r.label for r in current if r.score is not None and r.label}
    for label in sorted(labels):
        values = [
            ScorePoint(r.received_at, r.score)
            for r in current
            if r.label == label and r.score is not None
        ]
        before = [r.score for r in previous if r.label == label and r.score is not None]
        avg = sum(before) / len(before) if before else None
        out[label] = ScoreSummary(
            label,
            values,
            avg,
            low_is_bad=low_is_bad(label, settings),
            concerning=any(concerning(label, p.score, settings) for p in values),
            flag=next((f for p in values if (f := score_flag(label, p.score, settings))), None),
        )
    return out


def _urgency(c: ClientDigest) -> tuple[int, int, str]:
    rank = min((RANK[f] for f in c.flags), default=len(FLAGS))
    return (rank, -c.concerning_score, c.first_name.lower())


# --- the database part -----------------------------------------------------------------------
def _phase(settings: Settings, start: date | None, staff_set: str | None, day: date) -> str | None:
    found = phase_on(settings.phases, start, day, staff_set)
    return found.name if found else None


def build_digest(db: Database, settings: Settings, group: str, now: datetime) -> Digest:
    session = next_session(db, settings, group, now)
    start = session[1]
    window_start = previous_meeting(db, settings, group, start)
    if window_start >= now:  # asked right after the previous meeting began: use a full week
        window_start = start - timedelta(days=7)
    previous_start = window_start - (start - window_start)
    session_day: date = start.astimezone(settings.timezone).date()
    since = min(previous_start, trend_start(min(now, start), settings.timezone))
    with db.read() as s:
        staff_set = {
            r[0]: r[1] for r in s.execute(select(ClientPhase.client_id, ClientPhase.phase))
        }
        members = [
            ClientRow(
                c.id,
                c.external_id,
                c.first_name,
                c.opted_out_at,
                c.start_date,
                _phase(settings, c.start_date, staff_set.get(c.id), session_day),
            )
            for c in s.scalars(
                select(Client).where(Client.group_name == group, Client.discharged_at.is_(None))
            )
            if (c.start_date is None or c.start_date <= session_day)
            and (c.end_date is None or c.end_date >= session_day)
            and (c.consent_at is not None or c.opted_out_at is not None)
        ]
        ids = [c.id for c in members]
        replies = [
            ReplyRow(
                r.client_id or 0,
                r.received_at,
                r.category,
                r.body,
                r.score,
                r.label,
                r.session_id,
                r.in_reply_to,
                r.id,
                tuple(signals_of(r.signals)),
            )
            for r in s.scalars(
                select(Reply).where(Reply.client_id.in_(ids), Reply.received_at >= since)
            )
        ]
        sent = [
            SentRow(m.client_id or 0, m.kind, m.sent_at or m.status_at or m.due_at, m.id, m.status)
            for m in s.scalars(
                select(Message).where(
                    Message.client_id.in_(ids),
                    Message.kind.in_((CHECKIN, REMINDER)),
                    Message.status.in_((SENT, DELIVERED, *NOT_ARRIVED)),
                    or_(Message.sent_at >= window_start, Message.status_at >= window_start),
                )
            )
        ]
    history = attendance_mod.history(db, settings, group=group, now=now, client_ids=ids)
    return digest_from_rows(
        group=group,
        session=session,
        window_start=window_start,
        previous_start=previous_start,
        now=now,
        clients=members,
        replies=replies,
        sent=sent,
        settings=settings,
        attendance=history,
    )
