"""New alerts for a page that is open: ``GET /alerts/open.json`` (``static/live.js`` asks
every 20 seconds from the home and group pages, and says what arrived in an aria-live region).

Query: ``after`` (ISO time: only alerts staff were told about after it, normally when the page
was made), ``group`` (only that group's clients), ``seen`` (the ``seen`` value of the last
answer). Answer: ``{"signed_in": true, "seen": "...", "changed": bool, "alerts": [...]}``, each
alert ``{id, kind, level, client, first_name, group, raised_at, raised, href}``; while nothing
changed since ``seen``, ``changed`` is false and no alert is listed. Alerts that are not closed,
and only those the person may see (their groups' clients; numbers on no record for those who
see every group). Without a live session: 401 ``{"signed_in": false}``.

It only looks at the session (the idle time is not refreshed, so an unattended screen still
signs out). Every answer that names clients is audited (``view_alert``, one row per alert with
its client); an unchanged answer names nobody and writes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from notifier.core.models import Alert, AlertState, Client
from notifier.staff import audit
from notifier.staff.accounts import may_see_group
from notifier.web import views
from notifier.web.deps import NO_STORE, address_of, get_service, now_of, peek_staff

router = APIRouter(include_in_schema=False)


def _after(raw: str | None, now: datetime) -> datetime:
    if not raw:
        return now
    try:
        found = datetime.fromisoformat(raw)
    except ValueError:
        raise HTTPException(400, f"after: expected an ISO 8601 time, got {raw[:40]!r}") from None
    if found.tzinfo is None:
        raise HTTPException(400, "after: expected a time with its UTC offset")
    return found


@router.get("/alerts/open.json")
def open_alerts_json(
    request: Request, after: str | None = None, group: str | None = None, seen: str = ""
) -> Response:
    staff = peek_staff(request)
    if staff is None:
        return JSONResponse({"signed_in": False}, status_code=401, headers=NO_STORE)
    service = get_service(request)
    now, tz = now_of(request), service.settings.timezone
    since = _after(after, now)
    with service.db.read() as s:
        rows = list(
            s.scalars(
                select(Alert)
                .where(Alert.state != AlertState.CLOSED, Alert.notify_at <= now)
                .where(Alert.notify_at > since)
                .order_by(Alert.notify_at, Alert.id)
            )
        )
        ids = {a.client_id for a in rows if a.client_id is not None}
        clients = {c.id: c for c in s.scalars(select(Client).where(Client.id.in_(ids)))}
        found: list[dict[str, Any]] = []
        for a in rows:
            c = clients.get(a.client_id or 0)
            home = c.group_name if c is not None else None
            if not may_see_group(staff.role, staff.groups, home):
                continue
            if group is not None and home != group:
                continue
            ext = c.external_id if c is not None else None
            found.append({
                "id": a.id, "kind": a.kind, "level": a.level, "client": ext,
                "client_id": a.client_id, "first_name": c.first_name if c is not None else None,
                "group": home, "raised_at": a.created_at.isoformat(),
                "raised": views.when(a.created_at, tz),
                "href": f"/clients/{quote(ext, safe='')}#alert-{a.id}" if ext
                else f"/alerts/{a.id}",
            })  # fmt: skip
    digest = hashlib.sha256("|".join(f"{a['id']}:{a['kind']}" for a in found).encode()).hexdigest()[
        :16
    ]
    if digest == seen:
        body: dict[str, Any] = {"signed_in": True, "seen": digest, "changed": False, "alerts": []}
        return JSONResponse(body, headers=NO_STORE)
    for shown in found:
        audit.record(service.db, action="view_alert", staff_id=staff.staff_id, now=now,
                     address=address_of(request), client_id=shown["client_id"],
                     group=shown["group"],
                     detail=f"alert {shown['id']} ({shown['kind']}), shown live")  # fmt: skip
    alerts = [{k: v for k, v in x.items() if k != "client_id"} for x in found]
    body = {"signed_in": True, "seen": digest, "changed": True, "alerts": alerts}
    return JSONResponse(body, headers=NO_STORE)
