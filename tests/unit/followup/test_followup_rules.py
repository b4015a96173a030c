"""The follow-up list's rules (pure, explicit now): low scores on low-is-bad labels, no_reply
from check-ins, attendance history and missed_twice, the weekly trend, the HTML charts and the
wrapped table."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from notifier.core import output
from notifier.core.settings import Settings
from notifier.followup.attendance import (
    AttendanceEntry,
    MarkRow,
    MeetingRow,
    history_from_rows,
    missed_twice,
)
from notifier.followup.digest import ClientRow, Digest, ReplyRow, SentRow, digest_from_rows
from notifier.followup.render import as_dict, page, table

NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # Wed 18:00 EST
WINDOW = START - timedelta(days=2)  # the previous meeting, Mon 18:00
PREVIOUS = WINDOW - timedelta(days=2)
NOW = START - timedelta(hours=3)


def at(hours_before_start: float) -> datetime:
    return START - timedelta(hours=hours_before_start)


def answer(cid: int, hours: float, score: int, label: str, prompt: int | None = None) -> ReplyRow:
    return ReplyRow(cid, at(hours), "checkin_answer", str(score), score, label, None, prompt)


def build(
    settings: Settings,
    clients: Sequence[ClientRow],
    replies: Sequence[ReplyRow] = (),
    sent: Sequence[SentRow] = (),
    attendance: dict[int, list[AttendanceEntry]] | None = None,
) -> Digest:
    return digest_from_rows(
        group="evening",
        session=(7, START, START + timedelta(hours=3), "Suite 200"),
        window_start=WINDOW,
        previous_start=PREVIOUS,
        now=NOW,
        clients=clients,
        replies=replies,
        sent=sent,
        settings=settings,
        attendance=attendance,
    )


def client(cid: int, name: str) -> ClientRow:
    return ClientRow(cid, f"C{cid}", name, None)


# --- low scores --------------------------------------------------------------------------------
def test_low_mood_is_flagged_low_score_and_ranks_with_high_cravings(
    make_settings: Callable[..., Settings],
) -> None:
    d = build(
        make_settings(),
        [client(1, "Ana"), client(2, "Ben"), client(3, "Carla"), client(4, "Dev")],
        [
            answer(1, 5, 1, "mood"),  # mood 1: as bad as cravings 9
            answer(2, 5, 8, "cravings"),  # cravings 8: past the threshold, less far
            ReplyRow(3, at(4), "confirm", "1", None, None, 7),  # only confirmed
            answer(4, 5, 9, "cravings"),
        ],
    )
    order = [(c.first_name, c.flags) for c in d.clients]
    assert order == [
        ("Ana", ["low_score"]),
        ("Dev", ["high_craving"]),
        ("Ben", ["high_craving"]),
        ("Carla", ["confirmed"]),
    ]
    ana = d.clients[0]
    assert ana.scores["mood"].low_is_bad and ana.scores["mood"].concerning
    assert d.low_score_labels == ["mood"]


def test_good_mood_is_not_flagged(make_settings: Callable[..., Settings]) -> None:
    d = build(make_settings(), [client(1, "Ana")], [answer(1, 5, 9, "mood")])
    assert d.clients[0].flags == [] and d.clients[0].concerning_score == 0


def test_low_score_labels_come_from_settings(make_settings: Callable[..., Settings]) -> None:
    d = build(
        make_settings(low_score_labels="mood,hope"),
        [client(1, "Ana")],
        [answer(1, 5, 2, "hope")],
    )
    assert d.clients[0].flags == ["low_score"]


# --- no_reply ---------------------------------------------------------------------------------
def test_no_reply_counts_checkins_not_the_rsvp(make_settings: Callable[..., Settings]) -> None:
    sent = [SentRow(1, "checkin", at(h), 100 + h) for h in (40, 30, 10)]
    sent += [SentRow(1, "reminder", at(24), 200)]
    confirmed = [ReplyRow(1, at(20), "confirm", "1", None, None, 7, 200)]
    d = build(make_settings(), [client(1, "Ana")], confirmed, sent)
    ana = d.clients[0]
    assert (ana.checkins_answered, ana.checkins_sent) == (0, 3)
    assert ana.flags == ["no_reply", "confirmed"]


def test_one_checkin_answered_is_a_reply(make_settings: Callable[..., Settings]) -> None:
    sent = [SentRow(1, "checkin", at(h), 100 + h) for h in (40, 30)]
    d = build(make_settings(), [client(1, "Ana")], [answer(1, 29, 3, "cravings", 130)], sent)
    assert "no_reply" not in d.clients[0].flags


def test_no_checkins_sent_is_not_no_reply(make_settings: Callable[..., Settings]) -> None:
    d = build(make_settings(), [client(1, "Ana")], [], [SentRow(1, "reminder", at(24), 200)])
    assert d.clients[0].flags == []


# --- attendance -------------------------------------------------------------------------------
def entries(*statuses: str) -> list[AttendanceEntry]:
    """Newest first, one meeting every 2-3 days back from the last one."""
    return [
        AttendanceEntry(date(2026, 11, 30) - timedelta(days=3 * i), 50 - i, s)
        for i, s in enumerate(statuses)
    ]


def test_missed_twice_after_two_absences_in_a_row() -> None:
    assert missed_twice(entries("absent", "absent", "attended"))
    assert not missed_twice(entries("absent", "attended", "absent"))
    assert not missed_twice(entries("attended", "absent", "absent"))  # came back since
    assert not missed_twice(entries("late", "absent", "absent"))
    assert not missed_twice(entries("absent"))


def test_excused_is_not_absent() -> None:
    assert not missed_twice(entries("excused", "excused"))
    assert not missed_twice(entries("absent", "excused"))
    assert missed_twice(entries("absent", "excused", "absent"))  # excused neither counts nor ends


def test_unmarked_is_not_absent() -> None:
    assert not missed_twice(entries("unmarked", "unmarked", "unmarked"))
    assert not missed_twice(entries("absent", "unmarked"))
    assert missed_twice(entries("unmarked", "absent", "absent"))  # today's not marked yet


def test_missed_twice_is_a_flag_ranked_after_scores(
    make_settings: Callable[..., Settings],
) -> None:
    d = build(
        make_settings(),
        [client(1, "Ana"), client(2, "Ben"), client(3, "Carla")],
        [answer(2, 5, 9, "cravings"), ReplyRow(3, at(4), "decline", "2", None, None, 7)],
        attendance={1: entries("absent", "absent"), 2: entries("attended")},
    )
    assert [(c.first_name, c.flags) for c in d.clients] == [
        ("Ben", ["high_craving"]),
        ("Ana", ["missed_twice"]),
        ("Carla", ["declined"]),
    ]
    data = as_dict(d)
    ana = data["clients"][1]
    assert ana["attendance_history"][0] == {
        "date": date(2026, 11, 30),
        "session_id": 50,
        "status": "absent",
    }
    assert data["clients"][2]["attendance_history"] == []


def test_attendance_history_is_the_last_8_meetings_newest_first() -> None:
    first = datetime(2026, 10, 5, 22, 0, tzinfo=UTC)  # Mondays and Wednesdays, 18:00 EDT
    meetings = [
        MeetingRow(i, first + timedelta(days=7 * (i // 2) + 2 * (i % 2))) for i in range(12)
    ]
    marks = [MarkRow(11, 1, "late"), MarkRow(10, 1, "absent"), MarkRow(3, 1, "attended")]
    history = history_from_rows(meetings, marks, [(1, None), (2, date(2026, 11, 8))], NY)
    ana = history[1]
    assert len(ana) == 8 and [e.session_id for e in ana] == list(range(11, 3, -1))
    assert [e.status for e in ana[:3]] == ["late", "absent", "unmarked"]
    assert ana[0].date == date(2026, 11, 11)  # local date of the meeting
    # Ben started on 8 Nov: meetings before it are not his.
    assert [e.date for e in history[2]] == [date(2026, 11, 11), date(2026, 11, 9)]


# --- the trend --------------------------------------------------------------------------------
def test_trend_series_has_four_weeks_per_label(make_settings: Callable[..., Settings]) -> None:
    # NOW is Wed 2 Dec: weeks of 9, 16, 23 and 30 Nov (Mondays, New York).
    replies = [
        ReplyRow(1, datetime(2026, 11, 10, 17, tzinfo=UTC), "checkin_answer", "4", 4, "cravings",
                 None),
        ReplyRow(1, datetime(2026, 11, 12, 17, tzinfo=UTC), "checkin_answer", "6", 6, "cravings",
                 None),
        ReplyRow(1, datetime(2026, 11, 24, 17, tzinfo=UTC), "checkin_answer", "3", 3, "mood",
                 None),
        ReplyRow(1, datetime(2026, 12, 1, 17, tzinfo=UTC), "checkin_answer", "8", 8, "cravings",
                 None),
        ReplyRow(1, datetime(2026, 11, 2, 17, tzinfo=UTC), "checkin_answer", "9", 9, "cravings",
                 None),  # five weeks ago: outside
    ]  # fmt: skip
    d = build(make_settings(), [client(1, "Ana")], replies)
    weeks = [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    assert d.trend_weeks == weeks
    trend = d.clients[0].trend
    assert sorted(trend) == ["cravings", "mood"]
    cravings = [(p.week_start, p.mean, p.max, p.n) for p in trend["cravings"]]
    assert cravings == [
        (weeks[0], 5.0, 6, 2),
        (weeks[1], None, None, 0),
        (weeks[2], None, None, 0),
        (weeks[3], 8.0, 8, 1),
    ]
    assert [p.n for p in trend["mood"]] == [0, 0, 1, 0]
    data = as_dict(d)
    assert data["trend_weeks"] == weeks
    assert data["clients"][0]["trend"]["cravings"][0] == {
        "week_start": weeks[0], "mean": 5.0, "max": 6, "min": 4, "n": 2,
    }  # fmt: skip


def test_html_has_one_chart_per_label_with_the_legend_colours(
    make_settings: Callable[..., Settings],
) -> None:
    replies = [
        answer(1, 30, 8, "stress"),
        answer(1, 28, 2, "mood"),
        answer(2, 30, 5, "cravings"),
        answer(2, 29, 6, "cravings"),
    ]
    html = page(build(make_settings(), [client(1, "Ana"), client(2, "Ben")], replies), NY)
    legend = dict(re.findall(r'class="key" data-label="(\w+)" style="color:(#\w+)"', html))
    assert sorted(legend) == ["cravings", "mood", "stress"]
    charts = re.findall(r'<figure class="chart" data-label="(\w+)">(.*?)</figure>', html)
    assert sorted(label for label, _ in charts) == ["cravings", "mood", "stress"]
    for label, chart in charts:
        assert f">{label}</figcaption>" in chart  # each chart says what it shows
        fills = set(re.findall(r'<circle[^>]*fill="(#\w+)"', chart))
        assert fills == {legend[label]}, label
    assert len(set(legend.values())) == 3


def test_followup_lists_attendance_in_every_format(make_settings: Callable[..., Settings]) -> None:
    d = build(make_settings(), [client(1, "Ana")], attendance={1: entries("absent", "late")})
    assert "11-30 absent, 11-27 late" in table(d, NY)  # two meetings a line
    html = page(d, NY)
    assert '<li class="absent"><time datetime="2026-11-30">30 Nov</time> absent</li>' in html


# --- the terminal table -----------------------------------------------------------------------
def test_table_wraps_long_text_and_never_cuts_it() -> None:
    long = " ".join(f"word{i:03d}" for i in range(40))  # 319 characters
    text = output.table([{"a": "x", "b": long}], ["a", "b"], widths={"b": 50})
    lines = text.splitlines()
    assert len(lines) > 3 and all(len(line) <= 53 for line in lines)
    assert "…" not in text
    column = " ".join(line[3:].strip() for line in lines[1:])
    assert column == long


def test_followup_table_shows_a_long_crisis_message_whole(
    make_settings: Callable[..., Settings],
) -> None:
    body = "i cant do this anymore " * 13  # 299 characters
    d = build(make_settings(), [client(1, "Ana")], [ReplyRow(1, at(5), "crisis", body, None,
                                                             None, None)])  # fmt: skip
    text = table(d, NY)
    assert "…" not in text
    assert " ".join(body.split()) in " ".join(text.split())
