"""What the staff pages show, worked out from the follow-up digest (never a copy of its rules):
each flag with the reply or fact that raised it, one trend chart per label, counts per flag,
and times in words a person reads at a glance.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from notifier.followup.attendance import expected
from notifier.followup.digest import ClientDigest, Digest, ReplyItem
from notifier.followup.flags import FLAG_TEXT, FLAGS, SCORE_FLAGS, has_words
from notifier.web.charts import Trend, trend_svg

# What a flag means when nobody has written anything for it.
FLAG_HELP = {
    "no_reply": "no answer to this week's check-ins",
    "missed_twice": "absent from the last two marked meetings",
    "opted_out": "opted out: gets no texts",
    "confirmed": "said they will come",
    "declined": "said they cannot come",
}


# An alert's history as staff read it (notifier/inbound/alerts.py writes the events).
EVENT_TEXT = {
    "raised": "Alert raised",
    "told": "Staff told",
    "claimed": "Claimed: calling now",
    "message": "Another message",
    "escalated_tier": "Not yet answered: the next tier told",
    "escalated_retry": "Next try due: reminded",
    "escalated_deadline": "No outcome by the time promised: escalated",
    "stale": "Escalation step skipped (too old)",
    "reached": "Reached them",
    "safe": "Safe: safety plan reviewed",
    "left_message": "Left a message",
    "wellness_check": "Wellness check requested",
    "mobile_crisis": "Mobile crisis dispatched",
    "called_911": "Called 911",
    "not_reached": "Could not reach",
}


@dataclass(frozen=True)
class FlagView:
    flag: str
    text: str  # the flag as staff read it ("high score")
    because: str  # what raised it, in words
    quote: str | None = None  # the client's words, in full, when a reply raised it
    at: datetime | None = None


@dataclass(frozen=True)
class ChartView:
    label: str
    low_is_bad: bool
    svg: Markup


def when(moment: datetime | None, tz: ZoneInfo) -> str:
    """'Tue Dec 1, 2:05 PM EST' in the program's time zone, with the zone's abbreviation so
    nobody has to guess whether a time is the clinic's or UTC (as the CLI's local_time)."""
    if moment is None:
        return "never"
    local = moment.astimezone(tz)
    return f"{local:%a %b} {local.day}, {_clock(local)} {local:%Z}"


def _clock(local: datetime) -> str:
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def clock(moment: datetime, tz: ZoneInfo) -> str:
    return _clock(moment.astimezone(tz))


def flags_of(c: ClientDigest, tz: ZoneInfo) -> list[FlagView]:
    """Each of the client's flags, most urgent first, with what raised it."""
    out: list[FlagView] = []
    for flag in c.flags:
        text = FLAG_TEXT.get(flag, flag.replace("_", " "))
        out.append(_why(c, flag, text, tz))
    return out


def _why(c: ClientDigest, flag: str, text: str, tz: ZoneInfo) -> FlagView:
    raised = c.flag_replies.get(flag)
    if raised is not None and flag not in SCORE_FLAGS:
        return FlagView(
            flag, text, f"texted {when(raised.received_at, tz)}", raised.body, raised.received_at
        )
    wanted = {"crisis": "crisis", "help": "help", "declined": "decline", "opted_out": "opt_out"}
    if flag in wanted:
        said = [r for r in c.replies if r.category == wanted[flag]]
        if said:
            r = said[-1]
            return FlagView(flag, text, f"texted {when(r.received_at, tz)}", r.body, r.received_at)
    if flag in SCORE_FLAGS:
        body = raised.body if raised is not None else None
        worst = [s for s in c.scores.values() if s.flag == flag]
        if worst:
            s = worst[0]
            point = (min if s.low_is_bad else max)(s.values, key=lambda p: p.score)
            return FlagView(
                flag,
                text,
                f"{s.label} {point.score} of 10, {when(point.at, tz)}",
                # The client's own words when the score came with some (item: never hide them).
                body if has_words(body) else None,
                at=point.at,
            )
    if flag == "no_reply":
        return FlagView(flag, text, f"0 of {c.checkins_sent} check-ins answered this week")
    if flag == "missed_twice":
        absent = [e for e in c.attendance_history if e.status == "absent"][:2]
        days = " and ".join(f"{e.date:%a %b} {e.date.day}" for e in reversed(absent))
        return FlagView(flag, text, f"absent {days}" if days else FLAG_HELP[flag])
    return FlagView(flag, text, FLAG_HELP.get(flag, ""))


def charts_of(c: ClientDigest, digest: Digest) -> list[ChartView]:
    """One chart per label the client has scores for in the trend weeks."""
    out = []
    for label, points in sorted(c.trend.items()):
        low = label in digest.low_score_labels
        trend = Trend(
            label,
            [p.week_start for p in points],
            [p.mean for p in points],
            low,
            digest.high_score,
        )
        out.append(ChartView(label, low, trend_svg(trend)))
    return out


def flag_counts(digest: Digest) -> list[tuple[str, str, int]]:
    """(flag, its words, how many clients carry it), most urgent first; zero counts left out."""
    counts = Counter(f for c in digest.clients for f in c.flags)
    return [(f, FLAG_TEXT.get(f, f), counts[f]) for f in FLAGS if counts[f]]


def marks_summary(marks: list[str], order: tuple[str, ...]) -> str:
    """'3 attended, 1 late' for the marks saved at a meeting, in the statuses' order."""
    counts = Counter(marks)
    return ", ".join(f"{counts[s]} {s}" for s in order if counts[s])


def not_quoted(c: ClientDigest, flags: list[FlagView]) -> list[ReplyItem]:
    """The client's replies that no flag already quotes, so each message is shown once."""
    quoted = {(f.at, f.quote) for f in flags if f.quote is not None}
    return [r for r in c.replies if (r.received_at, r.body) not in quoted]


def attendance_choice(
    c: ClientDigest, saved: str | None, chosen: dict[str, str] | None
) -> dict[str, Any]:
    """This meeting's mark on the attendance form: as posted (a refused save), else as saved,
    else what the client's answer to the reminder suggests (``prefilled``: not saved yet)."""
    if chosen is not None:
        return {"mark": saved, "choice": chosen.get(c.external_id), "prefilled": False}
    guess = None if saved else expected(c.attendance)
    return {"mark": saved, "choice": saved or guess, "prefilled": guess is not None}
