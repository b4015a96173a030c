"""The inline-SVG trend charts: readable in words, threshold drawn, gaps for empty weeks."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

from notifier.web.charts import Trend, trend_svg

WEEKS = [date(2026, 11, 9) + timedelta(weeks=i) for i in range(4)]
NS = "{http://www.w3.org/2000/svg}"


def parse(trend: Trend) -> ElementTree.Element:
    return ElementTree.fromstring(str(trend_svg(trend)))


def test_chart_says_what_it_shows_in_words() -> None:
    svg = parse(Trend("craving", WEEKS, [2.0, 3.5, None, 8.0], False, 7))
    label = svg.get("aria-label") or ""
    assert svg.get("role") == "img"
    assert label.startswith("craving, weekly average on a 0 to 10 scale (7 or higher")
    assert "week of Nov 9: 2" in label and "week of Nov 23: no score" in label
    assert "week of Nov 30: 8" in label
    assert svg.find(f"{NS}title") is not None


def test_chart_writes_each_weeks_value_and_week_date() -> None:
    svg = parse(Trend("craving", WEEKS, [2.0, 3.5, None, 8.0], False, 7))
    values = [t.text for t in svg.iter(f"{NS}text") if t.get("class") == "value"]
    weeks = [t.text for t in svg.iter(f"{NS}text") if t.get("class") == "week"]
    assert values == ["2", "3.5", "8"]
    assert weeks == ["Nov 9", "Nov 16", "Nov 23", "Nov 30"]


def test_chart_breaks_the_line_at_a_week_without_scores() -> None:
    svg = parse(Trend("craving", WEEKS, [2.0, 3.0, None, 8.0], False, 7))
    lines = list(svg.iter(f"{NS}polyline"))
    assert len(lines) == 1  # weeks 1-2 joined; week 4 stands alone
    assert len((lines[0].get("points") or "").split()) == 2


def test_chart_marks_points_past_the_threshold() -> None:
    svg = parse(Trend("craving", WEEKS, [2.0, 7.0, 6.9, 9.0], False, 7))
    classes = [c.get("class") for c in svg.iter(f"{NS}circle")]
    assert classes == ["point", "point concern", "point", "point concern"]


def test_mood_chart_mirrors_the_threshold_low_is_the_concern() -> None:
    trend = Trend("mood", WEEKS, [8.0, 5.0, 3.0, 1.0], True, 7)
    assert trend.threshold == 3
    svg = parse(trend)
    assert "3 or lower is a concern" in (svg.get("aria-label") or "")
    classes = [c.get("class") for c in svg.iter(f"{NS}circle")]
    assert classes == ["point", "point", "point concern", "point concern"]


def test_chart_escapes_the_label() -> None:
    svg = str(trend_svg(Trend('<b>"x"</b>', WEEKS, [1.0] * 4, False, 7)))
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_chart_has_no_inline_style_the_csp_would_block() -> None:
    svg = str(trend_svg(Trend("craving", WEEKS, [1.0, 2.0, 3.0, 4.0], False, 7)))
    assert "style=" not in svg and "<script" not in svg
