"""``GET /a/{token}``: the link in an on-call alert text (see notifier/inbound/alerts.py).

Signed-in staff only (without a session: 303 to ``/login?next=/a/{token}``, and back here after
sign-in). A person allowed to see the alert's client (their group, or an admin) gets a 303 to
``/clients/{external_id}#alert-{id}``, where the alert is acknowledged; anyone else, an unknown
or malformed token, or an alert from a number on no client's record gets 404, the same answer
whatever the reason. Both are audited (``open_alert_link``, ``access_denied``); the token
itself is never recorded.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from notifier.inbound.alerts import target_of_token
from notifier.staff import audit
from notifier.staff.accounts import may_see_group
from notifier.web.deps import (
    NO_STORE,
    CurrentStaff,
    address_of,
    get_service,
    now_of,
)

router = APIRouter(include_in_schema=False)  # a redirect for people, not an API


@router.get("/a/{token}")
def open_alert_link(token: str, request: Request, staff: CurrentStaff) -> Response:
    service = get_service(request)
    now, address = now_of(request), address_of(request)
    found = target_of_token(service.db, token)
    if (
        found is None
        or found.external_id is None
        or not may_see_group(staff.role, staff.groups, found.group)
    ):
        detail = "alert link: no such alert" if found is None else f"alert link {found.alert_id}"
        audit.record(service.db, action="access_denied", staff_id=staff.staff_id, now=now,
                     address=address, client_id=found.client_id if found else None,
                     detail=detail)  # fmt: skip
        raise HTTPException(404, "no such alert")
    audit.record(service.db, action="open_alert_link", staff_id=staff.staff_id, now=now,
                 address=address, client_id=found.client_id, group=found.group,
                 detail=f"alert {found.alert_id}")  # fmt: skip
    location = f"/clients/{quote(found.external_id, safe='')}#alert-{found.alert_id}"
    return RedirectResponse(location, status_code=303, headers=NO_STORE)
