"""The follow-up pages for facilitators: a group's list for its next meeting (``/groups/{g}``)
and one client's page (``/clients/{id}``), with the forms that change something: attendance
(the whole group in one save, or one person), an alert's outcome, a text to the client,
showing the phone number.

Everything shown comes from ``service.followup`` (the digest the CLI and JSON use) or a plain
read of the client's rows; every change goes through the module that owns it (attendance,
alert_outcomes, staff_text) and is audited. Forms answer with a 303 back to the page, which
says what happened (``?done=`` one of a fixed set of keys; a refusal in the program's words
travels in a signed cookie, never in the URL) so a reload never repeats a change.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from notifier.core.models import ATTENDANCE_STATUSES, REPLY, AuditEvent, Client, Message, Reply
from notifier.followup import attendance
from notifier.followup.digest import (
    FLAG_TEXT,
    ClientDigest,
    Digest,
    NoSession,
    build_digest,
    next_session,
)
from notifier.followup.digest import previous_meeting as previous_start
from notifier.inbound import outcomes as alert_outcomes
from notifier.roster import consent
from notifier.roster.clients import external_ids_filter
from notifier.service import Service
from notifier.staff import audit
from notifier.staff import text as staff_text
from notifier.web import refusals, views
from notifier.web.deps import (
    ClientAccess,
    CsrfForm,
    CurrentStaff,
    GroupAccess,
    address_of,
    cookies,
    get_service,
    now_of,
)
from notifier.web.templating import ENV, render

router = APIRouter(include_in_schema=False)  # HTML pages, not an API
# A meeting stays "the one in progress" (shown first, with its attendance form) until this
# long after its end.
IN_PROGRESS_GRACE = timedelta(hours=2)
REPLIES_SHOWN = 100

ENV.globals.update(
    FLAG_HELP=views.FLAG_HELP,
    FLAG_TEXT=FLAG_TEXT,
    OUTCOMES=alert_outcomes.OUTCOMES,
    EVENT_TEXT=views.EVENT_TEXT,
)


@dataclass(frozen=True)
class Meeting:
    start: datetime
    end: datetime | None
    location: str | None
    day: date
    started: bool  # attendance can be marked


def _meeting_for(service: Service, group: str, day: date | None, now: datetime) -> Meeting:
    """The meeting on ``day``; without a day, the one in progress, else the next one."""
    settings, tz = service.settings, service.settings.timezone
    if day is None:
        earlier = next_session(service.db, settings, group, now - timedelta(hours=12))
        _, start, end, location = earlier
        if not (start <= now < (end or start) + IN_PROGRESS_GRACE):
            _, start, end, location = next_session(service.db, settings, group, now)
    else:
        midnight = datetime.combine(day, datetime.min.time(), tz)
        _, start, end, location = next_session(service.db, settings, group, midnight)
        if start.astimezone(tz).date() != day:
            raise HTTPException(404, f"no {group} meeting on {day.isoformat()}")
    return Meeting(start, end, location, start.astimezone(tz).date(), start <= now)


def _digest_for(service: Service, group: str, meeting: Meeting, now: datetime) -> Digest:
    """The digest prepared for ``meeting``: as of now while it is ahead, else as of the
    moment before it began (its replies and flags as the facilitator had them)."""
    upcoming = next_session(service.db, service.settings, group, now)[1]
    at = now if upcoming == meeting.start else meeting.start - timedelta(microseconds=1)
    return build_digest(service.db, service.settings, group, at)


def _parse_day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise HTTPException(400, f"date: expected YYYY-MM-DD, got {raw[:20]!r}") from None


@router.get("/groups/{group}")
def group_page(
    group: str,
    request: Request,
    access: GroupAccess,
    staff: CurrentStaff,
    date: str | None = None,
    done: str | None = None,
) -> Response:
    return _group_response(request, group, _parse_day(date), done=done)


def _group_response(
    request: Request,
    group: str,
    day: date | None,
    *,
    done: str | None = None,
    chosen: dict[str, str] | None = None,
    error: str | None = None,
) -> Response:
    """The group page; after a refused attendance form, with the choices as posted
    (``chosen``) and the refusal beside the save button (400)."""
    service = get_service(request)
    now, tz = now_of(request), service.settings.timezone
    try:
        meeting = _meeting_for(service, group, day, now)
        digest = _digest_for(service, group, meeting, now)
    except NoSession as exc:
        return render(request, "message.html", {"title": "No meeting", "message": str(exc)}, 404)
    ids = _client_ids(service, [c.external_id for c in digest.clients])
    marks, history = _marks(service, group, meeting, now, list(ids.values()))
    if not meeting.started:
        marks = {}
    alerts = alert_outcomes.for_clients(service.db, list(ids.values()), now)
    by_id = {v: k for k, v in ids.items()}
    recent = [a for a in alerts if a.state != "closed" or a.created_at >= digest.window_start]
    names = {c.external_id: c.first_name for c in digest.clients}
    rows = [
        _row(c, digest, tz)
        | views.attendance_choice(c, marks.get(ids.get(c.external_id, 0)), chosen)
        | {"history": history.get(ids.get(c.external_id, 0), c.attendance_history)}
        for c in digest.clients
    ]
    context = {
        "group": group,
        "meeting": meeting,
        "digest": digest,
        "tz": tz,
        "rows": rows,
        "counts": views.flag_counts(digest),
        "marks": marks,
        "saved": views.marks_summary(list(marks.values()), ATTENDANCE_STATUSES),
        "statuses": ATTENDANCE_STATUSES,
        "alerts": [(a, by_id.get(a.client_id or 0, "")) for a in recent],
        "names": names,
        "previous": _neighbour(service, group, meeting, -1),
        "following": _neighbour(service, group, meeting, +1),
        "done": done,
        "error": error,
        "when": lambda t: views.when(t, tz),
    }
    return render(request, "group.html", context, 400 if error else 200)


def _row(c: ClientDigest, digest: Digest, tz: Any) -> dict[str, Any]:
    flags = views.flags_of(c, tz)
    return {
        "c": c,
        "flags": flags,
        "others": views.not_quoted(c, flags),  # each message once: under its flag, else here
        "charts": views.charts_of(c, digest),
    }


def _client_ids(service: Service, external_ids: list[str]) -> dict[str, int]:
    with service.db.read() as s:
        rows = s.execute(
            select(Client.external_id, Client.id).where(
                external_ids_filter(service.db.crypto, external_ids)
            )
        ).all()
    return {r[0]: r[1] for r in rows}


def _marks(
    service: Service, group: str, meeting: Meeting, now: datetime, ids: list[int]
) -> tuple[dict[int, str], dict[int, list[attendance.AttendanceEntry]]]:
    """Each client's saved mark at this meeting (client id -> status), and each client's
    history as of now (this meeting included once it has started)."""
    history = attendance.history(service.db, service.settings, group=group, now=now, client_ids=ids)
    out = {}
    for client_id, entries in history.items():
        for e in entries:
            if e.date == meeting.day and e.status != attendance.UNMARKED:
                out[client_id] = e.status
    return out, history


def _neighbour(service: Service, group: str, meeting: Meeting, step: int) -> date | None:
    tz = service.settings.timezone
    try:
        if step < 0:
            start = previous_start(service.db, service.settings, group, meeting.start)
        else:
            after = meeting.start + timedelta(minutes=1)
            start = next_session(service.db, service.settings, group, after)[1]
    except NoSession:
        return None
    return start.astimezone(tz).date()


@router.post("/groups/{group}/attendance")
def mark_attendance(
    group: str, request: Request, access: GroupAccess, staff: CurrentStaff, form: CsrfForm
) -> Response:
    """One person's mark (the original form; scripts and old pages still post here)."""
    service = get_service(request)
    now = now_of(request)
    day = _parse_day(form.get("date")) or now.astimezone(service.settings.timezone).date()
    ext, status = form.get("external_id", ""), form.get("status", "")
    try:
        attendance.mark(
            service.db,
            group=group,
            day=day,
            external_id=ext,
            status=status,
            now=now,
            staff_id=staff.staff_id,
            source="web",
            settings=service.settings,
            address=address_of(request),
        )
    except attendance.AttendanceError as exc:
        raise HTTPException(400, str(exc)) from None
    query = urlencode({"date": day.isoformat(), "done": f"attendance:{ext}"})
    return RedirectResponse(f"/groups/{quote(group)}?{query}#client-{quote(ext)}", 303)


STATUS_FIELD = "status-"  # the whole-group form: one radio group per client, status-<external id>


@router.post("/groups/{group}/attendance/all")
def mark_group_attendance(
    group: str, request: Request, access: GroupAccess, staff: CurrentStaff, form: CsrfForm
) -> Response:
    """The whole group's marks in one save: all recorded, or none and the form comes back as
    it was posted with the one line that says why, beside the save button."""
    service = get_service(request)
    now = now_of(request)
    day = _parse_day(form.get("date")) or now.astimezone(service.settings.timezone).date()
    chosen = {
        k.removeprefix(STATUS_FIELD): v for k, v in form.items() if k.startswith(STATUS_FIELD)
    }
    try:
        attendance.mark_group(
            service.db,
            group=group,
            day=day,
            marks=chosen,
            now=now,
            staff_id=staff.staff_id,
            source="web",
            settings=service.settings,
            address=address_of(request),
        )
    except attendance.AttendanceError as exc:
        return _group_response(request, group, day, chosen=chosen, error=str(exc))
    query = urlencode({"date": day.isoformat(), "done": "attendance:all"})
    return RedirectResponse(f"/groups/{quote(group)}?{query}#attendance-save", 303)


# --- the client page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TextSent:
    body: str
    status: str
    due_at: datetime
    sent_at: datetime | None
    by: str | None


@router.get("/clients/{external_id}")
def client_page(
    external_id: str,
    request: Request,
    access: ClientAccess,
    staff: CurrentStaff,
    done: str | None = None,
) -> Response:
    # A refusal's words come from the signed notice cookie, never from the query string.
    error = cookies(request).notice(request, staff.session_id)
    page = _client_response(request, access.client_id, staff.staff_id, done, error, phone=False)
    if error is not None:
        cookies(request).clear_notice(page)
    return page


@router.post("/clients/{external_id}/phone")
def show_phone(
    external_id: str, request: Request, access: ClientAccess, staff: CurrentStaff, form: CsrfForm
) -> Response:
    """The phone number, shown only here, only on request, and audited."""
    service = get_service(request)
    audit.record(service.db, action="show_phone", staff_id=staff.staff_id, now=now_of(request),
                 address=address_of(request), client_id=access.client_id,
                 group=access.group)  # fmt: skip
    return _client_response(request, access.client_id, staff.staff_id, None, None, phone=True)


@router.post("/clients/{external_id}/text")
def send_text(
    external_id: str, request: Request, access: ClientAccess, staff: CurrentStaff, form: CsrfForm
) -> Response:
    service = get_service(request)
    now = now_of(request)
    override = None
    if form.get("send_now") == "1":  # quiet hours overridden: only while in crisis, audited
        override = staff_text.Override(staff.staff_id, address_of(request), access.group)
    try:
        queued = staff_text.queue(
            service.db,
            service.settings,
            external_id=access.external_id,
            text=form.get("text", ""),
            nonce=form.get("nonce", ""),
            now=now,
            override=override,
        )
    except staff_text.StaffTextError as exc:
        # The page again, with what was typed kept and the reason beside the box (a redirect
        # would lose the text); a reload asks before sending the form again.
        draft = {"text": form.get("text", "")[:2000], "error": refusals.plain(str(exc)),
                 "send_now": override is not None}  # fmt: skip
        return _client_response(request, access.client_id, staff.staff_id, None, None,
                                phone=False, draft=draft, status=400)  # fmt: skip
    if not queued.duplicate:
        audit.record(service.db, action="staff_text", staff_id=staff.staff_id, now=now,
                     address=address_of(request), client_id=access.client_id,
                     group=access.group, detail=f"message {queued.message_id}")  # fmt: skip
        if not queued.deferred:
            service.send_now()
    return _back(access.external_id, done="text:later" if queued.deferred else "text:sent")


def _back(external_id: str, **query: str) -> Response:
    return RedirectResponse(f"/clients/{quote(external_id)}?{urlencode(query)}", 303)


def _client_response(
    request: Request,
    client_id: int,
    staff_id: int,
    done: str | None,
    error: str | None,
    *,
    phone: bool,
    draft: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    service = get_service(request)
    now, tz = now_of(request), service.settings.timezone
    with service.db.read() as s:
        client = s.get(Client, client_id)
        assert client is not None
        replies = list(
            s.scalars(
                select(Reply)
                .where(Reply.client_id == client_id)
                .order_by(Reply.received_at.desc(), Reply.id.desc())
                .limit(REPLIES_SHOWN)
            )
        )
        info = {
            "external_id": client.external_id,
            "first_name": client.first_name,
            "group": client.group_name,
            "language": client.language,
            "inactive": client.inactive_reason(now.astimezone(tz).date()),
            "phone": client.phone if phone else None,
        }
    digest_row, digest = _in_digest(service, info["group"], client.external_id, now)
    alerts = alert_outcomes.for_clients(service.db, [client_id], now)
    context = {
        "client": info,
        "replies": replies,
        "row": _row(digest_row, digest, tz) if digest_row and digest else None,
        "digest": digest,
        "alerts": alerts,
        "replies_by_id": {r.id: r for r in replies},
        "texts": _texts(service, client_id),
        "consent": consent.events(service.db, client_id),
        "done": done,
        "error": error,
        "nonce": secrets.token_hex(16),
        "max_chars": staff_text.MAX_CHARS,
        "when": lambda t: views.when(t, tz),
        "quiet": _quiet_text(service),
        "in_crisis": any(a.state != "closed" and a.level in ("crisis", "concern") for a in alerts),
        "draft": draft or {},  # a refused staff text: what was typed, and why (plain words)
    }
    return render(request, "client.html", context, status)


def _in_digest(
    service: Service, group: str | None, external_id: str, now: datetime
) -> tuple[ClientDigest | None, Digest | None]:
    if group is None or service.settings.group(group) is None:
        return None, None
    try:
        digest = service.followup(group, now)
    except NoSession:
        return None, None
    found = next((c for c in digest.clients if c.external_id == external_id), None)
    return found, digest


def _texts(service: Service, client_id: int) -> list[TextSent]:
    """Staff texts to this client, newest first, with who sent each (from the audit trail)."""
    from notifier.core.models import Staff

    with service.db.read() as s:
        rows = list(
            s.scalars(
                select(Message)
                .where(
                    Message.client_id == client_id,
                    Message.kind == REPLY,
                    Message.label.in_((staff_text.LABEL, staff_text.OVERRIDE_LABEL)),
                )
                .order_by(Message.created_at.desc(), Message.id.desc())
            )
        )
        senders = {
            detail: name
            for detail, name in s.execute(
                select(AuditEvent.detail, Staff.name)
                .join(Staff, Staff.id == AuditEvent.staff_id)
                .where(AuditEvent.action == "staff_text", AuditEvent.client_id == client_id)
            ).all()
        }
        return [
            TextSent(m.body, m.status, m.due_at, m.sent_at, senders.get(f"message {m.id}"))
            for m in rows
        ]


def _quiet_text(service: Service) -> str | None:
    quiet = service.settings.quiet_hours
    if quiet is None:
        return None
    return f"{quiet.start:%H:%M}-{quiet.end:%H:%M} in their time zone"


def open_alert_counts(
    service: Service, groups: tuple[str, ...], now: datetime, everyone: bool
) -> list[tuple[str, int, list[tuple[str | None, str, int]]]]:
    """(kind, how many, [(external id, first name, alert id)]) of the alerts not closed that
    staff were told about by ``now``, for clients of ``groups`` (``everyone``: all, numbers on
    no record too: anyone on call may have to call them back)."""
    from collections import defaultdict

    from notifier.inbound.alerts import open_alerts

    found = open_alerts(service.db, now)
    with service.db.read() as s:
        known = {
            r[0]: (r[1], r[2])
            for r in s.execute(
                select(Client.external_id, Client.group_name, Client.first_name).where(
                    external_ids_filter(service.db.crypto, [a.client for a in found if a.client])
                )
            ).all()
        }
    by_kind: dict[str, list[tuple[str | None, str, int]]] = defaultdict(list)
    for a in found:
        group, name = known.get(a.client or "", (None, ""))
        if everyone or group in groups or a.client is None:
            by_kind[a.kind].append((a.client, name, a.id))
    order = ("crisis", "medical", "violence", "safety", "undelivered", "concern", "naloxone",
             "pregnancy", "medication", "callback", "wrong_number")  # fmt: skip
    kinds = sorted(by_kind, key=lambda k: order.index(k) if k in order else len(order))
    return [(k, len(by_kind[k]), by_kind[k]) for k in kinds]
