"""Renderers for the follow-up list: a dict (for JSON), a terminal table, CSV and one
self-contained printable HTML page with an inline SVG sparkline of each client's scores.

The HTML page holds health information: it loads nothing from elsewhere, escapes every value,
and asks not to be cached or indexed.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from notifier import output
from notifier.followup import ClientDigest, Digest, ScoreSummary

COLORS = ("#b03a2e", "#1f618d", "#117a65", "#7d3c98", "#b9770e")
FLAG_TEXT = {
    "crisis": "CRISIS",
    "concern": "concern",
    "use": "reported use",
    "callback": "asked for a call",
    "help": "asked for help",
    "high_craving": "high score",
    "low_score": "low score",
    "missed_twice": "missed twice",
    "declined": "can't attend",
    "no_reply": "no reply",
    "opted_out": "opted out",
    "confirmed": "confirmed",
}


def as_dict(d: Digest) -> dict[str, Any]:
    return {
        "group": d.group,
        "session_start": d.session_start,
        "session_end": d.session_end,
        "location": d.location,
        "window_start": d.window_start,
        "generated_at": d.generated_at,
        "high_score": d.high_score,
        "clients": [_client_dict(c) for c in d.clients],
    }


def _client_dict(c: ClientDigest) -> dict[str, Any]:
    return {
        "external_id": c.external_id,
        "first_name": c.first_name,
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
        "change": s.change,
        "values": [{"at": p.at, "score": p.score} for p in s.values],
    }


def _scores_text(c: ClientDigest) -> str:
    parts = []
    for label, s in c.scores.items():
        trend = "" if s.change is None else f" ({s.change:+.1f})"
        parts.append(f"{label} {s.latest} max {s.highest}{trend}")
    return "; ".join(parts) or "-"


def _replies_text(c: ClientDigest, tz: ZoneInfo) -> str:
    return " | ".join(f'{r.received_at.astimezone(tz):%a %H:%M} "{r.body}"' for r in c.replies)


def _flagged_by_text(c: ClientDigest, tz: ZoneInfo) -> str:
    return " | ".join(
        f'{flag}: {r.received_at.astimezone(tz):%a %H:%M} "{r.body}"'
        for flag, r in c.flag_replies.items()
    )


def rows(d: Digest, tz: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "external_id": c.external_id,
            "first_name": c.first_name,
            "flags": ", ".join(c.flags) or "-",
            "attendance": c.attendance or "-",
            "checkins": f"{c.checkins_answered}/{c.checkins_sent}",
            "scores": _scores_text(c),
            "replies": _replies_text(c, tz),
            "flagged_by": _flagged_by_text(c, tz) or "-",
        }
        for c in d.clients
    ]


def table(d: Digest, tz: ZoneInfo) -> str:
    head = _title(d, tz)
    if not d.clients:
        return head + "\n(no active clients in this group)"
    body = output.table(
        rows(d, tz),
        [
            "first_name",
            "external_id",
            "flags",
            "flagged_by",
            "attendance",
            "checkins",
            "scores",
            "replies",
        ],
        widths={"replies": 70, "scores": 50, "flagged_by": 60},
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
            "flags": " ".join(c.flags),
            "attendance": c.attendance or "",
            "checkins_sent": c.checkins_sent,
            "checkins_answered": c.checkins_answered,
            "replies": _replies_text(c, tz),
            "flag_replies": _flagged_by_text(c, tz),
        }
        for label in labels:
            s = c.scores.get(label)
            row[f"{label}_latest"] = s.latest if s else ""
            row[f"{label}_highest"] = s.highest if s else ""
            row[f"{label}_change"] = s.change if s and s.change is not None else ""
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
    columns += ["replies", "flag_replies"]
    return output.csv_text(out, columns)


def _title(d: Digest, tz: ZoneInfo) -> str:
    start = d.session_start.astimezone(tz)
    where = f" @ {d.location}" if d.location else ""
    since = d.window_start.astimezone(tz)
    return (
        f"Follow-up for {d.group}: {start:%a %d %b %Y %H:%M}{where} "
        f"(replies since {since:%a %d %b %H:%M})"
    )


def sparkline(
    c: ClientDigest, start: datetime, end: datetime, width: int = 160, height: int = 36
) -> str:
    """An inline SVG: one line per label, 0-10 bottom to top, time left to right."""
    span = max((end - start).total_seconds(), 1.0)
    pad = 3
    parts = [
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="scores">'
    ]
    parts.append(
        f'<line x1="0" y1="{height - pad}" x2="{width}" y2="{height - pad}" '
        'stroke="#ccc" stroke-width="1"/>'
    )
    for i, (label, s) in enumerate(sorted(c.scores.items())):
        color = COLORS[i % len(COLORS)]
        pts = []
        for p in s.values:
            px = pad + (width - 2 * pad) * max(0.0, (p.at - start).total_seconds()) / span
            py = height - pad - (height - 2 * pad) * p.score / 10
            pts.append(f"{px:.1f},{py:.1f}")
        if len(pts) > 1:
            line = " ".join(pts)
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{line}">'
                f"<title>{html.escape(label)}</title></polyline>"
            )
        for pt in pts:
            x, y = pt.split(",")
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="2" fill="{color}">'
                f"<title>{html.escape(label)}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def page(d: Digest, tz: ZoneInfo) -> str:
    e = html.escape
    end = min(d.generated_at, d.session_start)
    labels = sorted({label for c in d.clients for label in c.scores})
    legend = " ".join(
        f'<span class="key" style="color:{COLORS[i % len(COLORS)]}">&#9632; {e(label)}</span>'
        for i, label in enumerate(labels)
    )
    rows_html = []
    for c in d.clients:
        flags = (
            " ".join(f'<span class="flag {e(f)}">{e(FLAG_TEXT.get(f, f))}</span>' for f in c.flags)
            or '<span class="none">-</span>'
        )
        flags += "".join(
            f'<div class="why">{e(FLAG_TEXT.get(flag, flag))}: '
            f"<time>{r.received_at.astimezone(tz):%a %H:%M}</time> &ldquo;{e(r.body)}&rdquo;</div>"
            for flag, r in c.flag_replies.items()
        )
        scores = (
            "<br>".join(
                f"{e(label)}: <b>{s.latest}</b> (max {s.highest}"
                + ("" if s.change is None else f", {s.change:+.1f} vs before")
                + ")"
                for label, s in c.scores.items()
            )
            or "-"
        )
        replies = "".join(
            f"<li><time>{r.received_at.astimezone(tz):%a %H:%M}</time> "
            f'<span class="cat">{e(r.category.replace("_", " "))}</span> '
            f"&ldquo;{e(r.body)}&rdquo;</li>"
            for r in c.replies
        )
        rows_html.append(
            f'<tr class="{" ".join(e(f) for f in c.flags)}">'
            f"<td><b>{e(c.first_name)}</b><br><small>{e(c.external_id)}</small></td>"
            f"<td>{flags}</td>"
            f"<td>{e(c.attendance or '-')}</td>"
            f"<td>{c.checkins_answered}/{c.checkins_sent}</td>"
            f"<td>{scores}</td>"
            f"<td>{sparkline(c, d.window_start, end)}</td>"
            f"<td><ul>{replies}</ul></td></tr>"
        )
    empty = '<tr><td colspan="7">No active clients in this group.</td></tr>'
    when = f"{d.session_start.astimezone(tz):%A %d %B %Y, %H:%M}"
    where = f" @ {e(d.location)}" if d.location else ""
    since = f"{d.window_start.astimezone(tz):%a %d %b %H:%M}"
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
.flag.use,.flag.callback,.flag.help,.flag.high_craving,.flag.low_score{{background:#f5cba7}}
.why{{color:#555;font-size:.8em;margin-top:.15em}} tr.concern td{{background:#fef5e7}}
.flag.declined,.flag.no_reply{{background:#fcf3cf}}
.flag.confirmed{{background:#d5f5e3}} tr.crisis td{{background:#fdedec}}
.cat{{color:#666;font-size:.85em}} .key{{margin-right:1em}}
.note{{color:#666;font-size:.85em;margin-top:1em}}
@media print{{body{{margin:0}} tr{{page-break-inside:avoid}} .flag{{border:1px solid #999}}}}
</style></head><body>
<h1>Follow-up for {e(d.group)}: {when}{where}</h1>
<div class="meta">Replies since {since}; generated {generated}.
Most urgent first. Scores 0-10; high at {d.high_score} or more. {legend}</div>
<table><thead><tr><th>Client</th><th>Flags</th><th>Attendance</th><th>Check-ins answered</th>
<th>Scores</th><th>Trend</th><th>What they wrote</th></tr></thead>
<tbody>{"".join(rows_html) or empty}</tbody></table>
<p class="note">Confidential: contains health information protected by HIPAA and 42 CFR Part 2.
Do not forward or leave unattended.</p>
</body></html>
"""
