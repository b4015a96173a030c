"""`notifier status`, `purge` and `check-templates`: operations."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from notifier.cli._common import add_format, add_now, now_of, open_db, say, when
from notifier.core import db as dbmod
from notifier.core import output
from notifier.core.models import STATUSES, Client, Message, Reply
from notifier.core.settings import Settings

if TYPE_CHECKING:
    pass


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.retention import housekeep

    # The same housekeeping as the service's six-hourly job, for ops who run this from cron.
    result = housekeep(open_db(settings), settings, now_of(args, settings))
    say(
        f"erased bodies older than {when(result.cutoff, settings)}: "
        f"{result.message_bodies} message(s), {result.reply_bodies} reply(ies), "
        f"{result.alert_notes} alert note(s); deleted "
        f"{result.inbox_rows} failed inbox row(s); removed {result.report_pages} report page(s); "
        f"ended {result.staff_sessions} expired staff session(s); forgot "
        f"{result.unknown_senders} unknown sender number(s) kept past 72 h"
    )
    return 0


def cmd_check_templates(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.outbound.wording import check

    findings = check(settings)
    rows = [{"where": f.where, "severity": f.severity, "problem": f.problem} for f in findings]
    if args.format == "json":
        say(output.dumps(rows))
    elif not rows:
        say("all templates pass: no disclosing words, one GSM-7 segment each, known placeholders")
    else:
        say(output.table(rows, ["severity", "where", "problem"], widths={"problem": 90}))
    return 1 if any(f.severity == "error" for f in findings) else 0


def status_data(settings: Settings, now: datetime) -> dict[str, Any]:
    from sqlalchemy import func

    from notifier.core import state
    from notifier.inbound import inbox

    database = open_db(settings)
    with database.read() as s:
        by_status = dict(s.execute(select(Message.status, func.count())
                                   .group_by(Message.status)).all())  # fmt: skip
        next_due = s.execute(
            select(Message.due_at, Message.kind).where(Message.status == "pending",
                                                       Message.due_at > now)
            .order_by(Message.due_at).limit(1)).first()  # fmt: skip
        overdue = s.scalar(select(func.min(Message.due_at)).where(
            Message.status == "pending", Message.due_at <= now))  # fmt: skip
        clients = s.execute(select(
            func.count(),
            func.count(Client.opted_out_at),
            func.count(Client.discharged_at),
        )).one()  # fmt: skip
        last_reply = s.scalar(select(func.max(Reply.received_at)))
    runs = state.job_runs(database)
    waiting, failed = inbox.backlog(database)
    return {
        "database": "sqlite" if settings.is_sqlite else "postgresql",
        "revision": dbmod.current_revision(database),
        "outbox": {st: int(by_status.get(st, 0)) for st in STATUSES},
        "next_due": {"at": next_due[0], "kind": next_due[1]} if next_due else None,
        "oldest_overdue": overdue,
        "clients": {"total": clients[0], "opted_out": clients[1], "discharged": clients[2]},
        "last_reply_at": last_reply,
        "inbox": {"waiting": waiting, "failed": failed},
        "jobs": [
            {"name": r.name, "last_start": r.last_start, "last_success": r.last_success,
             "last_duration_ms": r.last_duration_ms, "last_error": r.last_error,
             "runs": r.runs, "failures": r.failures, "worker": r.worker}
            for r in runs
        ],
    }  # fmt: skip


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    now = now_of(args, settings)
    data = status_data(settings, now)
    if args.format == "json":
        say(output.dumps(data))
        return 0

    def at(value: datetime | None) -> str:
        return "-" if value is None else when(value, settings)

    lines = [f"notifier status: {data['database']} at revision {data['revision']}"]
    lines.append("outbox    " + "  ".join(f"{k} {v}" for k, v in data["outbox"].items()))
    nd = data["next_due"]
    lines.append(f"next due  {at(nd['at'])} ({nd['kind']})" if nd else "next due  -")
    od = data["oldest_overdue"]
    lines.append("overdue   " + (f"oldest due {int((now - od).total_seconds() // 60)} min ago"
                                 if od else "none"))  # fmt: skip
    c = data["clients"]
    lines.append(
        f"clients   {c['total']} on the roster, {c['opted_out']} opted out, "
        f"{c['discharged']} discharged"
    )
    lines.append(f"replies   last received {at(data['last_reply_at'])}")
    ib = data["inbox"]
    lines.append(
        f"inbox     {ib['waiting']} waiting, {ib['failed']} failed (kept for a person to look at)"
    )
    if not data["jobs"]:
        lines.append("jobs      none recorded yet (is `notifier run` running?)")
    for j in data["jobs"]:
        state_text = f"failing ({j['last_error']})" if j["last_error"] else "ok"
        lines.append(
            f"job {j['name']:<9} {state_text:<22} last ok {at(j['last_success'])}"
            f"  {j['last_duration_ms'] or 0} ms  runs {j['runs']}  "
            f"failures {j['failures']}"
        )
    say("\n".join(lines))
    return 0


def register(sub: Any) -> None:
    st = sub.add_parser("status", help="a one-screen summary for ops")
    add_now(st)
    add_format(st)
    st.set_defaults(func=cmd_status)

    p = sub.add_parser("purge", help="erase bodies and failed inbox rows older than the retention")
    add_now(p)
    p.set_defaults(func=cmd_purge)

    ct = sub.add_parser("check-templates", help="check every text for safe wording and length")
    add_format(ct)
    ct.set_defaults(func=cmd_check_templates)
