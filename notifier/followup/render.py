"""Renderers for the follow-up list: a dict (for JSON), a terminal table, CSV and one
self-contained printable HTML page with an inline SVG sparkline of each client's scores.

The HTML page holds health information: it loads nothing from elsewhere, escapes every value,
and asks not to be cached or indexed.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from notifier.core import output
from notifier.followup.attendance import AttendanceEntry
from notifier.followup.digest import ClientDigest, Digest, ScoreSummary
from notifier.followup.flags import FLAG_TEXT
from notifier.followup.weeks import WeekPoint, latest_week

__all__ = ["FLAG_TEXT", "as_dict", "csv_text", "page", "rows", "table", "trend_chart"]

# On every printed page (the table's foot repeats), and once at the end on screen.
CONFIDENTIAL = (
    "Confidential: contains health information protected by HIPAA and 42 CFR Part 2. "
    "Do not forward or leave unattended."
)
COLORS = ("#b03a2e", "#1f618d", "#117a65", "#7d3c98", "#b9770e")


def as_dict(d: Digest) -> dict[str, Any]:
    return {
        "group": d.group,
        "session_start": d.session_start,
        "session_end": d.session_end,
        "location": d.location,
        "window_start": d.window_start,
        "generated_at": d.generated_at,
        "high_score": d.high_score,
        "labels": d.labels,
        "low_score_labels": d.low_score_labels,
        "trend_weeks": d.trend_weeks,
        "clients": [_client_dict(c) for c in d.clients],
    }


def _client_dict(c: ClientDigest) -> dict[str, Any]:
    return {
        "external_id": c.external_id,
        "first_name": c.first_name,
        "phase": c.phase,
        "flags": c.flags,
        "attendance": c.attendance,
        "checkins_sent": c.checkins_sent,
        "checkins_answered": c.checkins_answered,
        "scores": {label: _score_dict(s) for label, s in c.scores.items()},
        "replies": [
            {
                "received_at": r.received_at,
                "category": r.category,
                "body": r.body,
                "score": r.score,
                "label": r.label,
                "signals": list(r.signals),
            }
            for r in c.replies
        ],
        "last_reply_at": c.last_reply_at,
        "opted_out": c.opted_out,
        "concerning_score": c.concerning_score,
        "attendance_history": [_entry_dict(e) for e in c.attendance_history],
        "trend": {label: [_week_dict(p) for p in points] for label, points in c.trend.items()},
        # flag -> the reply that raised it (flags such as no_reply have none)
        "flag_replies": {
            flag: {"reply_id": r.reply_id, "received_at": r.received_at, "body": r.body}
            for flag, r in c.flag_replies.items()
        },
    }


def _score_dict(s: ScoreSummary) -> dict[str, Any]:
    return {
        "latest": s.latest,
        "highest": s.highest,
        "lowest": s.lowest,
        "change": s.change,
        "low_is_bad": s.low_is_bad,
        "concerning": s.concerning,
        "flag": s.flag,  # the flag these scores raise (high_craving | high_score | low_score)
        "values": [{"at": p.at, "score": p.score} for p in s.values],
    }


def _entry_dict(e: AttendanceEntry) -> dict[str, Any]:
    return {"date": e.date, "session_id": e.session_id, "status": e.status}


def _week_dict(p: WeekPoint) -> dict[str, Any]:
    return {"week_start": p.week_start, "mean": p.mean, "max": p.max, "min": p.min, "n": p.n}


def week_text(c: ClientDigest, label: str) -> str:
    """The newest week's value of ``label``: the number its chart shows for that week."""
    p = latest_week(c.trend.get(label, []))
    return "-" if p is None else f"{p.week_start:%m-%d}: {p.mean:g}"


def _scores_text(c: ClientDigest) -> str:
    parts = []
    for label, s in c.scores.items():
        trend = "" if s.change is None else f" ({s.change:+.1f})"
        extreme = f"min {s.lowest}" if s.low_is_bad else f"max {s.highest}"
        parts.append(f"{label} {s.latest} {extreme}, wk of {week_text(c, label)}{trend}")
    return "; ".join(parts) or "-"


def _replies_text(c: ClientDigest, tz: ZoneInfo) -> str:
    return " | ".join(f'{r.received_at.astimezone(tz):%a %H:%M} "{r.body}"' for r in c.replies)


def _flagged_by_text(c: ClientDigest, tz: ZoneInfo, *, quote: bool = True) -> str:
    """Each flag with the reply that raised it. The terminal table points by time only
    (``quote=False``): the reply itself is in the REPLIES column, whole, and a second wrapped copy
    beside it would make both hard to read."""
    return " | ".join(
        f"{flag}: {r.received_at.astimezone(tz):%a %H:%M}" + (f' "{r.body}"' if quote else "")
        for flag, r in c.flag_replies.items()
    )


def _meetings_lines(c: ClientDigest) -> list[str]:
    """Two meetings a line, newest first, so a date stays beside its mark."""
    marks = [f"{e.date:%m-%d} {e.status}" for e in c.attendance_history]
    return [", ".join(marks[i : i + 2]) for i in range(0, len(marks), 2)] or ["-"]


def rows(d: Digest, tz: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "external_id": c.external_id,
            "first_name": c.first_name,
            "phase": c.phase or "-",
            "flags": ", ".join(c.flags) or "-",
            "attendance": c.attendance or "-",
            "checkins": f"{c.checkins_answered}/{c.checkins_sent}",
            "scores": _scores_text(c),
            "meetings": _meetings_lines(c),
            "replies": _replies_text(c, tz),
            "flagged_by": _flagged_by_text(c, tz, quote=False) or "-",
        }
        for c in d.clients
    ]


def table(d: Digest, tz: ZoneInfo) -> str:
    """The terminal table; long cells wrap, so a reply is always shown whole."""
    head = _title(d, tz)
    if not d.clients:
        return head + "\n(no active clients in this group)"
    body = output.table(
        rows(d, tz),
        [
            "first_name",
            "external_id",
            *(["phase"] if any(c.phase for c in d.clients) else []),
            "flags",
            "flagged_by",
            "attendance",
            "checkins",
            "scores",
            "meetings",
            "replies",
        ],
        widths={"replies": 60, "scores": 40, "meetings": 30, "flags": 24, "flagged_by": 30},
    )
    return f"{head}\n{body}"


def csv_text(d: Digest, tz: ZoneInfo) -> str:
    labels = sorted({label for c in d.clients for label in c.scores})
    out = []
    for c in d.clients:
        row: dict[str, Any] = {
            "group": d.group,
            "session_start": d.session_start,
            "external_id": c.external_id,
            "first_name": c.first_name,
            "phase": c.phase or "",
            "flags": " ".join(c.flags),
            "attendance": c.attendance or "",
            "checkins_sent": c.checkins_sent,
            "checkins_answered": c.checkins_answered,
            "attendance_history": "; ".join(
                f"{e.date.isoformat()} {e.status}" for e in c.attendance_history
            ),
            "replies": _replies_text(c, tz),
            "flag_replies": _flagged_by_text(c, tz),
        }
        for label in labels:
            s = c.scores.get(label)
            row[f"{label}_latest"] = s.latest if s else ""
            row[f"{label}_highest"] = s.highest if s else ""
            row[f"{label}_change"] = s.change if s and s.change is not None else ""
            week = latest_week(c.trend.get(label, []))
            row[f"{label}_week"] = "" if week is None else week.mean
            row[f"{label}_week_of"] = "" if week is None else week.week_start
        out.append(row)
    columns = [
        "group",
        "session_start",
        "external_id",
        "first_name",
        "flags",
        "attendance",
        "checkins_sent",
        "checkins_answered",
    ]
    for label in labels:
        columns += [f"{label}_latest", f"{label}_highest", f"{label}_change"]
        columns += [f"{label}_week", f"{label}_week_of"]
    columns += ["attendance_history", "replies", "flag_replies"]
    if any(c.phase for c in d.clients):  # NOTIFIER_PHASES set; without it, as before
        columns.append("phase")
    return output.csv_text(out, columns)


def _title(d: Digest, tz: ZoneInfo) -> str:
    start = d.session_start.astimezone(tz)
    where = f" @ {d.location}" if d.location else ""
    since = d.window_start.astimezone(tz)
    return (
        f"Follow-up for {d.group}: {start:%a %d %b %Y %H:%M %Z}{where} "
        f"(replies since {since:%a %d %b %H:%M %Z})"
    )


# --- HTML ------------------------------------------------------------------------------------
def label_colors(d: Digest) -> dict[str, str]:
    """One colour per label for the whole page: the legend and every chart use this map."""
    return {label: COLORS[i % len(COLORS)] for i, label in enumerate(d.labels)}


def trend_chart(
    label: str,
    points: list[WeekPoint],
    color: str,
    *,
    high_score: int,
    low_is_bad: bool,
    width: int = 200,
    height: int = 72,
) -> str:
    """A small labelled SVG: one dot per week at the week's mean (0 bottom, 10 top), a bar from
    the week's lowest to highest score, the mean written above, the week's date below, and a
    dashed line at the threshold."""
    e = html.escape
    top, bottom, pad = 14, 16, 10
    plot = height - top - bottom
    step = (width - 2 * pad) / max(len(points), 1)

    def y(score: float) -> float:
        return top + plot - plot * score / 10

    threshold = 10 - high_score if low_is_bad else high_score
    direction = "low is worse" if low_is_bad else "high is worse"
    parts = [
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{e(label)}: weekly average, {direction}">',
        f'<line x1="0" y1="{y(threshold):.1f}" x2="{width}" y2="{y(threshold):.1f}" '
        'stroke="#bbb" stroke-dasharray="3,2" stroke-width="1"/>',
    ]
    dots = []
    for i, p in enumerate(points):
        cx = pad + step * (i + 0.5)
        parts.append(
            f'<text x="{cx:.1f}" y="{height - 3}" font-size="12" text-anchor="middle" '
            f'fill="#666">{p.week_start:%d %b}</text>'
        )
        if p.mean is None or p.min is None or p.max is None:
            continue
        if p.max != p.min:
            parts.append(
                f'<line x1="{cx:.1f}" y1="{y(p.max):.1f}" x2="{cx:.1f}" y2="{y(p.min):.1f}" '
                f'stroke="{color}" stroke-opacity="0.4" stroke-width="3"/>'
            )
        dots.append(f"{cx:.1f},{y(p.mean):.1f}")
        title = f"{label}, week of {p.week_start:%d %b}: mean {p.mean}, {p.min}-{p.max}, n={p.n}"
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{y(p.mean):.1f}" r="3" fill="{color}">'
            f"<title>{e(title)}</title></circle>"
            f'<text x="{cx:.1f}" y="{max(y(p.max) - 3, 12):.1f}" font-size="12" '
            f'text-anchor="middle" fill="{color}">{p.mean:g}</text>'
        )
    if len(dots) > 1:
        parts.insert(
            2,
            f'<polyline fill="none" stroke="{color}" stroke-width="1.5" '
            f'points="{" ".join(dots)}"/>',
        )
    parts.append("</svg>")
    return "".join(parts)


def _charts(d: Digest, c: ClientDigest, colors: dict[str, str]) -> str:
    e = html.escape
    if not c.trend:
        return _empty_chart(d.trend_weeks)
    return "".join(
        f'<figure class="chart" data-label="{e(label)}">'
        f'<figcaption style="color:{colors[label]}">{e(label)}</figcaption>'
        + trend_chart(
            label,
            points,
            colors[label],
            high_score=d.high_score,
            low_is_bad=label in d.low_score_labels,
        )
        + "</figure>"
        for label, points in c.trend.items()
    )


def _empty_chart(weeks: list[date], width: int = 200, height: int = 72) -> str:
    """The same frame with the weeks and a note, so every row has a chart to read across."""
    step = (width - 20) / max(len(weeks), 1)
    labels = "".join(
        f'<text x="{10 + step * (i + 0.5):.1f}" y="{height - 3}" font-size="12" '
        f'text-anchor="middle" fill="#666">{w:%d %b}</text>'
        for i, w in enumerate(weeks)
    )
    return (
        f'<svg class="trend empty" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="no scores in 4 weeks">'
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" font-size="12" text-anchor="middle" '
        f'fill="#999">no scores in 4 weeks</text>{labels}</svg>'
    )


def _history_html(c: ClientDigest) -> str:
    e = html.escape
    if not c.attendance_history:
        return '<span class="none">no meetings yet</span>'
    return (
        '<ol class="meetings">'
        + "".join(
            f'<li class="{e(x.status)}"><time datetime="{x.date.isoformat()}">'
            f"{x.date:%d %b}</time> {e(x.status)}</li>"
            for x in c.attendance_history
        )
        + "</ol>"
    )


def _scores_html(c: ClientDigest) -> str:
    e = html.escape
    return (
        "<br>".join(
            f"{e(label)}: <b>{s.latest}</b> ("
            + (f"lowest {s.lowest}" if s.low_is_bad else f"max {s.highest}")
            + ("" if s.change is None else f", {s.change:+.1f} vs before")
            + ")"
            for label, s in c.scores.items()
        )
        or "-"
    )


def _row_html(d: Digest, c: ClientDigest, tz: ZoneInfo, colors: dict[str, str]) -> str:
    e = html.escape
    flags = (
        " ".join(f'<span class="flag {e(f)}">{e(FLAG_TEXT.get(f, f))}</span>' for f in c.flags)
        or '<span class="none">-</span>'
    )
    # The reply that raised each flag, so the facilitator sees why without searching.
    flags += "".join(
        f'<div class="why">{e(FLAG_TEXT.get(flag, flag))}: '
        f"<time>{r.received_at.astimezone(tz):%a %H:%M}</time> &ldquo;{e(r.body)}&rdquo;</div>"
        for flag, r in c.flag_replies.items()
    )
    replies = "".join(
        f"<li><time>{r.received_at.astimezone(tz):%a %H:%M}</time> "
        f'<span class="cat">{e(r.category.replace("_", " "))}</span> '
        f"&ldquo;{e(r.body)}&rdquo;</li>"
        for r in c.replies
    )
    return (
        f'<tr class="{" ".join(e(f) for f in c.flags)}">'
        f"<td><b>{e(c.first_name)}</b><br><small>{e(c.external_id)}</small></td>"
        f"<td>{flags}</td>"
        f"<td>{e(c.attendance or '-')}</td>"
        f"<td>{_history_html(c)}</td>"
        f"<td>{c.checkins_answered}/{c.checkins_sent}</td>"
        f"<td>{_scores_html(c)}</td>"
        f"<td>{_charts(d, c, colors)}</td>"
        f"<td><ul>{replies}</ul></td></tr>"
    )


def _weeks_text(weeks: list[date]) -> str:
    return f"weeks of {weeks[0]:%d %b} to {weeks[-1]:%d %b}" if weeks else "the last 4 weeks"


def page(d: Digest, tz: ZoneInfo) -> str:
    e = html.escape
    colors = label_colors(d)
    legend = " ".join(
        f'<span class="key" data-label="{e(label)}" style="color:{color}">&#9679; {e(label)}'
        + (" (low is worse)" if label in d.low_score_labels else "")
        + "</span>"
        for label, color in colors.items()
    )
    rows_html = "".join(_row_html(d, c, tz, colors) for c in d.clients)
    empty = '<tr><td colspan="8">No active clients in this group.</td></tr>'
    when = f"{d.session_start.astimezone(tz):%A %d %B %Y, %H:%M %Z}"
    where = f" @ {e(d.location)}" if d.location else ""
    since = f"{d.window_start.astimezone(tz):%a %d %b %H:%M %Z}"
    generated = f"{d.generated_at.astimezone(tz):%a %d %b %H:%M %Z}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="robots" content="noindex,nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Follow-up: {e(d.group)} {d.session_start.astimezone(tz):%Y-%m-%d}</title>
<style>
body{{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5em;color:#222}}
h1{{font-size:1.3em;margin:0 0 .2em}} .meta{{color:#555;margin-bottom:1em}}
table{{border-collapse:collapse;width:100%}} th,td{{border-bottom:1px solid #ddd;padding:.45em;
vertical-align:top;text-align:left}} th{{background:#f4f4f4}}
ul{{margin:0;padding-left:1em}} li{{margin-bottom:.2em}} time{{color:#666}}
.flag{{display:inline-block;border-radius:3px;padding:0 .35em;margin:0 .2em .2em 0;
background:#eee;font-size:.85em}} .flag.crisis{{background:#b03a2e;color:#fff;font-weight:bold}}
.flag.concern{{background:#e59866;font-weight:bold}}
.flag.use,.flag.callback,.flag.help,.flag.high_craving,.flag.high_score,.flag.low_score{{background:#f5cba7}}
.flag.missed_twice,.flag.declined,.flag.no_reply{{background:#fcf3cf}}
.flag.confirmed{{background:#d5f5e3}} tr.crisis td{{background:#fdedec}}
.cat{{color:#666;font-size:.85em}} .key{{margin-right:1em}}
ol.meetings{{margin:0;padding:0;list-style:none;font-size:.85em}}
ol.meetings li{{margin:0;white-space:nowrap}}
ol.meetings li.absent{{color:#b03a2e;font-weight:bold}}
ol.meetings li.unmarked{{color:#666}}
figure.chart{{display:inline-block;margin:0 .4em .3em 0}}
figcaption{{font-size:.8em;font-weight:bold}}
.note{{color:#666;font-size:.85em;margin-top:1em}}
tr.run{{display:none}} tfoot td{{border:0}}
@media print{{body{{margin:0}} tr{{page-break-inside:avoid}} .flag{{border:1px solid #999}}
tr.run{{display:table-row}} thead{{display:table-header-group}}
tfoot{{display:table-footer-group}}}}
</style></head><body><main>
<h1>Follow-up for {e(d.group)}: {when}{where}</h1>
<div class="meta">Replies since {since}; generated {generated}.
Most urgent first. Scores 0-10; high at {d.high_score} or more, low at {10 - d.high_score} or
less where low is worse. Charts: the weekly average ({_weeks_text(d.trend_weeks)}), a bar from
the week's lowest to highest, the dashed line at the threshold. {legend}</div>
<table><thead><tr class="run"><th colspan="8">{e(d.group)}: {when}{where}</th></tr>
<tr><th>Client</th><th>Flags</th><th>RSVP</th><th>Last meetings</th>
<th>Check-ins answered</th><th>Scores</th><th>Trend</th><th>What they wrote</th></tr></thead>
<tfoot><tr><td colspan="8" class="note">{CONFIDENTIAL}</td></tr></tfoot>
<tbody>{rows_html or empty}</tbody></table>
</main></body></html>
"""
