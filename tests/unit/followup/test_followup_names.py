"""One name per thing on every surface: the flag a score raises (``high_craving`` for cravings
only, ``high_score`` for any other label, ``low_score`` for mood) and a week's value (the chart
and the CLI summary show the same number); and every reply with words of its own is shown."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifier.core import output
from notifier.core.settings import Settings
from notifier.followup.digest import ClientRow, Digest, ReplyRow, digest_from_rows
from notifier.followup.flags import FLAG_TEXT, has_words, score_flag
from notifier.followup.render import as_dict, csv_text, page, table
from notifier.followup.weeks import week_value
from notifier.web import views

NY = ZoneInfo("America/New_York")
START = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # Wed 18:00 EST
WINDOW = START - timedelta(days=2)
NOW = START - timedelta(hours=3)
SPANISH = "tengo muchas ganas de consumir hoy, como un 9"


def answer(cid: int, hours: float, body: str, score: int, label: str) -> ReplyRow:
    return ReplyRow(cid, START - timedelta(hours=hours), "checkin_answer", body, score, label,
                    None, None, cid * 100 + int(hours))  # fmt: skip


def build(settings: Settings, replies: list[ReplyRow]) -> Digest:
    return digest_from_rows(
        group="evening",
        session=(7, START, START + timedelta(hours=3), "Suite 200"),
        window_start=WINDOW,
        previous_start=WINDOW - timedelta(days=2),
        now=NOW,
        clients=[
            ClientRow(1, "C1", "Ana", None),
            ClientRow(2, "C2", "Ben", None),
            ClientRow(3, "C3", "Carla", None),
        ],
        replies=replies,
        sent=[],
        settings=settings,
    )


@pytest.mark.parametrize(
    ("label", "score", "flag"),
    [
        ("cravings", 9, "high_craving"),
        ("cravings", 7, "high_craving"),
        ("cravings", 6, None),
        ("stress", 9, "high_score"),
        ("sleep", 8, "high_score"),
        ("mood", 1, "low_score"),
        ("mood", 9, None),
        (None, 9, None),
    ],
)
def test_one_rule_names_the_flag_a_score_raises(
    make_settings: Callable[..., Settings], label: str | None, score: int, flag: str | None
) -> None:
    assert score_flag(label, score, make_settings()) == flag


def test_a_stress_nine_is_high_score_on_every_surface(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()
    d = build(settings, [answer(1, 10, SPANISH, 9, "stress"), answer(2, 10, "9", 9, "cravings")])
    by_name = {c.first_name: c for c in d.clients}
    assert by_name["Ana"].flags == ["high_score"] and by_name["Ben"].flags == ["high_craving"]
    assert "high_score" in by_name["Ana"].flag_replies
    data = json.loads(output.dumps(as_dict(d)))
    assert {c["first_name"]: c["flags"] for c in data["clients"]}["Ana"] == ["high_score"]
    scores = {c["first_name"]: c["scores"] for c in data["clients"]}
    assert scores["Ana"]["stress"]["flag"] == "high_score"
    assert scores["Ben"]["cravings"]["flag"] == "high_craving"
    rows = {r["first_name"]: r for r in csv.DictReader(io.StringIO(csv_text(d, NY)))}
    assert rows["Ana"]["flags"] == "high_score" and rows["Ben"]["flags"] == "high_craving"
    ana_line = next(line for line in table(d, NY).splitlines() if line.startswith("Ana"))
    assert "high_score" in ana_line and "high_craving" not in ana_line
    texts = {c.first_name: [f.text for f in views.flags_of(c, NY)] for c in d.clients}
    assert texts == {"Ana": ["high score"], "Ben": ["high cravings"], "Carla": []}
    assert FLAG_TEXT["high_score"] in page(d, NY) and FLAG_TEXT["high_craving"] in page(d, NY)


def test_a_checkin_answer_with_words_is_shown_in_full(
    make_settings: Callable[..., Settings],
) -> None:
    d = build(make_settings(), [answer(1, 10, SPANISH, 9, "stress"), answer(2, 9, "4", 4, "mood")])
    by_name = {c.first_name: c for c in d.clients}
    assert [r.body for r in by_name["Ana"].replies] == [SPANISH]
    assert by_name["Ben"].replies == []  # a bare number has no words to show
    assert SPANISH in page(d, NY)
    assert SPANISH in csv_text(d, NY)
    [flag] = views.flags_of(by_name["Ana"], NY)
    assert flag.quote == SPANISH  # beside its flag, in the client's words


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (SPANISH, True),
        ("stressed 8", True),
        ("8", False),
        ("7/10", False),
        ("Yes", False),
        ("si 1", False),
        ("STOP", False),
        ("", False),
    ],
)
def test_has_words(body: str, words: bool) -> None:
    assert has_words(body) is words


def test_the_chart_and_the_cli_summary_show_the_same_week_value(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()
    # Mood this week (Mon Nov 30 on): 2, 3, 3 -> 2.7; one answer before the window counts in
    # the week but not in the since-the-last-meeting summary.
    replies = [answer(1, h, str(v), v, "mood") for h, v in ((60, 2), (30, 3), (10, 3))]
    d = build(settings, replies)
    ana = next(c for c in d.clients if c.first_name == "Ana")
    assert ana.trend["mood"][-1].mean == week_value([2, 3, 3]) == 2.7
    [chart] = views.charts_of(ana, d)
    values = re.findall(r'<text class="value"[^>]*>([^<]+)</text>', str(chart.svg))
    ana_line = next(line for line in table(d, NY).splitlines() if line.startswith("Ana"))
    assert values[-1] == "2.7" and "wk of 11-30: 2.7" in ana_line
    rows = {r["first_name"]: r for r in csv.DictReader(io.StringIO(csv_text(d, NY)))}
    assert (rows["Ana"]["mood_week"], rows["Ana"]["mood_week_of"]) == ("2.7", "2026-11-30")
    assert as_dict(d)["clients"][0]["trend"]["mood"][-1]["mean"] == 2.7


def test_the_printable_page_repeats_the_meeting_and_the_notice_and_labels_are_12px(
    make_settings: Callable[..., Settings],
) -> None:
    d = build(make_settings(), [answer(1, 10, SPANISH, 9, "stress")])
    html = page(d, NY)
    head = html[html.index("<thead>") : html.index("</thead>")]
    foot = html[html.index("<tfoot>") : html.index("</tfoot>")]
    assert "evening: Wednesday 02 December 2026, 18:00" in head
    assert "Confidential" in foot and "42 CFR Part 2" in foot
    assert "thead{display:table-header-group}" in html
    assert "tfoot{display:table-footer-group}" in html
    sizes = {int(x) for x in re.findall(r'font-size="(\d+)"', html)}
    assert sizes and min(sizes) >= 12


def test_the_attendance_form_starts_from_the_answer_to_the_reminder() -> None:
    from notifier.followup.attendance import expected

    assert expected("confirmed") == "attended"
    assert expected("declined") == "excused"
    assert expected(None) is None
