"""CLI commands for replies, the follow-up list, operations and privacy."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from notifier import output
from notifier.cli import UsageError, _database, _emit, _now, _print
from notifier.models import Client, Reply
from notifier.settings import Settings, to_e164

CATEGORIES = ("opt_out", "opt_in", "help", "confirm", "decline", "checkin_answer", "crisis",
              "free_text")  # fmt: skip


def cmd_inbound(args: argparse.Namespace, settings: Settings) -> int:
    """The same handling as the webhook, for a reply typed at the terminal."""
    from notifier.service import Service

    if to_e164(args.from_, settings.default_region) is None:
        raise UsageError(f"--from: expected a phone number, got {args.from_!r}")
    now = _now(args, settings)
    service = Service(settings, database=_database(settings), clock=lambda: now)
    try:
        result = service.receive(
            from_phone=args.from_, body=args.body, provider_sid=args.sid, source="cli", now=now
        )
        sent = service.send_now(now) if result.queued else None
    finally:
        service.close()
    if result.duplicate:
        _print(f"reply {args.sid} was already recorded; nothing done")
        return 0
    who = "a known client" if result.known_client else "an unknown number (stored, no answer)"
    score = f", score {result.score}" if result.score is not None else ""
    queued = ", ".join(result.queued) or "nothing"
    _print(
        f"reply {result.reply_id} from {who}: {result.category}{score}; queued: {queued}"
        + (f"; dispatch: {sent}" if sent else "")
    )
    return 0


def reply_row(r: Reply, external_id: str | None) -> dict[str, Any]:
    return {
        "id": r.id,
        "client": external_id,
        "received_at": r.received_at,
        "body": r.body,
        "category": r.category,
        "score": r.score,
        "in_reply_to": r.in_reply_to,
        "label": r.label,
        "session_id": r.session_id,
        "source": r.source,
        "provider_sid": r.provider_sid,
    }


def cmd_replies(args: argparse.Namespace, settings: Settings) -> int:
    if args.category and args.category not in CATEGORIES:
        raise UsageError(f"--category: expected one of {', '.join(CATEGORIES)}")
    database = _database(settings)
    with database.read() as s:
        q = select(Reply, Client.external_id).outerjoin(Client, Client.id == Reply.client_id)
        if args.client:
            q = q.where(Client.external_id == args.client)
        if args.category:
            q = q.where(Reply.category == args.category)
        q = q.order_by(Reply.received_at.desc(), Reply.id.desc()).limit(args.limit)
        rows = [reply_row(r, ext) for r, ext in s.execute(q).all()]
    if args.format != "json":
        for r in rows:
            r["received_at"] = r["received_at"].astimezone(settings.timezone)
    _emit(
        args,
        rows,
        ["id", "client", "received_at", "category", "score", "in_reply_to", "body"],
        widths={"body": 60},
    )
    return 0


def cmd_followup(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.followup import NoSession, build_digest
    from notifier.followup_render import as_dict, csv_text, page, table

    database = _database(settings)
    try:
        digest = build_digest(database, settings, args.group, _now(args, settings))
    except NoSession as exc:
        raise UsageError(f"followup: {exc}") from None
    tz = settings.timezone
    if args.format == "json":
        text = output.dumps(as_dict(digest))
    elif args.format == "csv":
        text = csv_text(digest, tz)
    elif args.format == "html":
        text = page(digest, tz)
    else:
        text = table(digest, tz)
    if args.output:
        path = Path(args.output)
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        path.chmod(0o600)  # health information: owner only
        sys.stderr.write(f"wrote {path} ({len(digest.clients)} clients)\n")
    else:
        _print(text)
    return 0


def cmd_keys_new(args: argparse.Namespace, settings: Settings | None) -> int:
    from notifier.crypto import new_key

    _print(new_key())
    return 0


def cmd_keys_add(args: argparse.Namespace, settings: Settings) -> int:
    """Put a new key first in the key file (then run `keys rotate`)."""
    from notifier.crypto import new_key
    from notifier.keys import key_file, read_key_file, write_key_file

    if settings.encryption_keys:
        raise UsageError(
            "keys add: keys come from NOTIFIER_ENCRYPTION_KEYS; put a new key "
            "(`notifier keys new`) first in that list instead"
        )
    path = key_file(settings)
    if not path.exists():
        raise UsageError(f"keys add: no key file at {path}")
    write_key_file(path, [new_key(), *read_key_file(path)])
    _print(f"added a new key to {path}; now run `notifier keys rotate`")
    return 0


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.keys import rotate

    database = _database(settings)
    assert database.crypto is not None
    bars: dict[str, output.Progress] = {}

    def progress(table: str, done: int, total: int) -> None:
        bar = bars.setdefault(table, output.Progress(total, f"re-encrypting {table}"))
        bar.update(done)

    changed = rotate(database, database.crypto, batch=args.batch, progress=progress)
    for bar in bars.values():
        bar.done()
    older = len(database.crypto.keys) - 1
    _print(
        "re-encrypted under the newest key: "
        + ", ".join(f"{t} {n}" for t, n in changed.items())
        + (f"; the {older} older key(s) can now be removed" if older else "")
    )
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.retention import purge

    result = purge(_database(settings), settings, _now(args, settings))
    _print(
        f"erased bodies older than {result.cutoff:%Y-%m-%d %H:%M} UTC: "
        f"{result.message_bodies} message(s), {result.reply_bodies} reply(ies)"
    )
    return 0


def cmd_check_templates(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.wording import check

    findings = check(settings)
    rows = [{"where": f.where, "severity": f.severity, "problem": f.problem} for f in findings]
    if args.format == "json":
        _print(output.dumps(rows))
    elif not rows:
        _print(
            "all templates pass: no disclosing words, one GSM-7 segment each, known placeholders"
        )
    else:
        _print(output.table(rows, ["severity", "where", "problem"], widths={"problem": 90}))
    return 1 if any(f.severity == "error" for f in findings) else 0


def cmd_consent_export(args: argparse.Namespace, settings: Settings) -> int:
    from notifier.consent import events

    rows = [{"external_id": e, "event": ev, "at": at, "source": src}
            for e, ev, at, src in events(_database(settings))]  # fmt: skip
    text = output.csv_text(rows, ["external_id", "event", "at", "source"])
    if args.output:
        path = Path(args.output)
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        sys.stderr.write(f"wrote {len(rows)} consent event(s) to {path}\n")
    else:
        sys.stdout.write(text)
    return 0


def status_data(settings: Settings, now: datetime) -> dict[str, Any]:
    from sqlalchemy import func

    from notifier import db as dbmod
    from notifier import inbox, state
    from notifier.models import STATUSES, Message

    database = _database(settings)
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
    now = _now(args, settings)
    data = status_data(settings, now)
    if args.format == "json":
        _print(output.dumps(data))
        return 0
    tz = settings.timezone

    def when(value: datetime | None) -> str:
        return "-" if value is None else f"{value.astimezone(tz):%Y-%m-%d %H:%M %Z}"

    lines = [f"notifier status: {data['database']} at revision {data['revision']}"]
    lines.append("outbox    " + "  ".join(f"{k} {v}" for k, v in data["outbox"].items()))
    nd = data["next_due"]
    lines.append(f"next due  {when(nd['at'])} ({nd['kind']})" if nd else "next due  -")
    od = data["oldest_overdue"]
    lines.append("overdue   " + (f"oldest due {int((now - od).total_seconds() // 60)} min ago"
                                 if od else "none"))  # fmt: skip
    c = data["clients"]
    lines.append(
        f"clients   {c['total']} on the roster, {c['opted_out']} opted out, "
        f"{c['discharged']} discharged"
    )
    lines.append(f"replies   last received {when(data['last_reply_at'])}")
    ib = data["inbox"]
    lines.append(
        f"inbox     {ib['waiting']} waiting, {ib['failed']} failed (kept for a person to look at)"
    )
    if not data["jobs"]:
        lines.append("jobs      none recorded yet (is `notifier run` running?)")
    for j in data["jobs"]:
        state_text = f"failing ({j['last_error']})" if j["last_error"] else "ok"
        lines.append(
            f"job {j['name']:<9} {state_text:<22} last ok {when(j['last_success'])}"
            f"  {j['last_duration_ms'] or 0} ms  runs {j['runs']}  "
            f"failures {j['failures']}"
        )
    _print("\n".join(lines))
    return 0


def register(sub: Any, fmt: Callable[..., None], now: Callable[..., None]) -> None:
    st = sub.add_parser("status", help="a one-screen summary for ops")
    now(st)
    fmt(st)
    st.set_defaults(func=cmd_status)

    i = sub.add_parser("inbound", help="handle a reply as if it came through the webhook")
    i.add_argument("--from", dest="from_", required=True, metavar="PHONE")
    i.add_argument("--body", required=True)
    i.add_argument("--sid", help="provider MessageSid (replies with the same sid count once)")
    now(i)
    i.set_defaults(func=cmd_inbound)

    r = sub.add_parser("replies", help="replies received, newest first")
    r.add_argument("--client", help="external_id")
    r.add_argument("--category", help=f"one of {', '.join(CATEGORIES)}")
    r.add_argument("--limit", type=int, default=500)
    fmt(r)
    r.set_defaults(func=cmd_replies)

    f = sub.add_parser("followup", help="the follow-up list for a group's next session")
    f.add_argument("group")
    now(f)
    fmt(f, ("table", "json", "csv", "html"))
    f.add_argument("--output", help="write to this file (mode 600) instead of stdout")
    f.set_defaults(func=cmd_followup)

    k = sub.add_parser("keys", help="encryption keys").add_subparsers(
        dest="keys_command", metavar="SUBCOMMAND", required=True
    )
    k.add_parser("new", help="print a new key (for NOTIFIER_ENCRYPTION_KEYS)").set_defaults(
        func=cmd_keys_new, no_settings=True
    )
    k.add_parser("add", help="put a new key first in the key file").set_defaults(func=cmd_keys_add)
    kr = k.add_parser("rotate", help="re-encrypt every row under the newest key (resumable)")
    kr.add_argument("--batch", type=int, default=500)
    kr.set_defaults(func=cmd_keys_rotate)

    p = sub.add_parser("purge", help="erase message and reply bodies older than the retention")
    now(p)
    p.set_defaults(func=cmd_purge)

    ct = sub.add_parser("check-templates", help="check every text for safe wording and length")
    fmt(ct)
    ct.set_defaults(func=cmd_check_templates)

    c = sub.add_parser("consent", help="consent records").add_subparsers(
        dest="consent_command", metavar="SUBCOMMAND", required=True
    )
    ce = c.add_parser("export", help="every consent event as CSV, for audits")
    ce.add_argument("--output", help="write to this file (mode 600) instead of stdout")
    ce.set_defaults(func=cmd_consent_export)
