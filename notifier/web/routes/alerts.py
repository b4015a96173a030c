"""Alerts on the staff pages: the link in an on-call text, claiming an alert and recording its
outcomes (from the client's page), and the page of an alert from a number on no client's
record.

- ``GET /a/{token}`` (the link in an on-call text): signed-in staff only (without a session:
  303 to ``/login?next=/a/{token}``, and back after sign-in). A client's alert: a 303 to
  ``/clients/{external_id}#alert-{id}`` for someone allowed to see the client; anyone else, an
  unknown or malformed token gets 404, the same answer whatever the reason. An unknown
  sender's alert: a 303 to ``/alerts/{id}``. Audited (``open_alert_link``, ``access_denied``);
  the token itself is never recorded.
- ``POST /clients/{external_id}/alerts/{id}/claim`` and ``POST /clients/{external_id}/alerts/{id}``
  (an outcome): through :mod:`notifier.inbound.outcomes`, which writes the audit rows.
- ``GET /alerts/{id}``: an unknown sender's alert, for any signed-in staff member (the sender
  may be a client on a new phone, and on-call may be anyone); every view is audited
  (``view_alert``), and the number itself is shown only on request (``show_sender``) while it is
  kept (72 hours).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from notifier.core.models import Alert, Reply
from notifier.inbound import outcomes
from notifier.inbound.alerts import target_of_token
from notifier.staff import audit
from notifier.staff.accounts import may_see_group
from notifier.staff.logins import SignedIn
from notifier.web import views
from notifier.web.deps import (
    NO_STORE,
    ClientAccess,
    CsrfForm,
    CurrentStaff,
    address_of,
    cookies,
    get_service,
    now_of,
)
from notifier.web.templating import render

router = APIRouter(include_in_schema=False)  # pages and redirects for people, not an API


@router.get("/a/{token}")
def open_alert_link(token: str, request: Request, staff: CurrentStaff) -> Response:
    service = get_service(request)
    now, address = now_of(request), address_of(request)
    found = target_of_token(service.db, token)
    if found is not None and found.client_id is None:
        audit.record(service.db, action="open_alert_link", staff_id=staff.staff_id, now=now,
                     address=address, detail=f"alert {found.alert_id}")  # fmt: skip
        return RedirectResponse(f"/alerts/{found.alert_id}", status_code=303, headers=NO_STORE)
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


# --- a client's alert, from the client's page ----------------------------------------------
def _client_who(request: Request, staff: CurrentStaff, access: ClientAccess) -> outcomes.Who:
    return outcomes.Who(staff.staff_id, address_of(request) or "", access.client_id, access.group)


@router.post("/clients/{external_id}/alerts/{alert_id}/claim")
def claim_alert(
    external_id: str,
    alert_id: int,
    request: Request,
    access: ClientAccess,
    staff: CurrentStaff,
    form: CsrfForm,
) -> Response:
    service = get_service(request)
    who = _client_who(request, staff, access)
    try:
        outcomes.claim(service.db, service.settings, alert_id=alert_id, who=who,
                       now=now_of(request))  # fmt: skip
    except outcomes.AckError as exc:
        return _refused(request, staff, f"/clients/{quote(access.external_id)}", alert_id, exc)
    return _back(f"/clients/{quote(access.external_id)}", alert_id, done="alert:claimed")


@router.post("/clients/{external_id}/alerts/{alert_id}")
def record_outcome(
    external_id: str,
    alert_id: int,
    request: Request,
    access: ClientAccess,
    staff: CurrentStaff,
    form: CsrfForm,
) -> Response:
    page = f"/clients/{quote(access.external_id)}"
    return _record(request, staff, form, alert_id, _client_who(request, staff, access), page)


def _record(
    request: Request,
    staff: SignedIn,
    form: dict[str, str],
    alert_id: int,
    who: outcomes.Who,
    page: str,
) -> Response:
    service = get_service(request)
    outcome = form.get("outcome", "")
    disclosure = None
    if outcome == "called_911" or any(form.get(k) for k in ("to", "facility", "emergency")):
        disclosure = outcomes.Disclosure(
            form.get("to", ""), form.get("facility", ""), form.get("emergency", "")
        )
    try:
        outcomes.record(service.db, service.settings, alert_id=alert_id, outcome=outcome,
                        note=form.get("note", ""), who=who, now=now_of(request),
                        disclosure=disclosure)  # fmt: skip
    except outcomes.AckError as exc:
        return _refused(request, staff, page, alert_id, exc)
    return _back(page, alert_id, done=f"alert:{outcome}")


def _back(page: str, alert_id: int, **query: str) -> Response:
    return RedirectResponse(f"{page}?{urlencode(query)}#alert-{alert_id}", 303)


def _refused(
    request: Request, staff: SignedIn, page: str, alert_id: int, why: Exception
) -> Response:
    """Back to the page, saying why in the signed notice cookie (never in the URL, where anyone
    could write words that the page would show as the program's own)."""
    response = RedirectResponse(f"{page}#alert-{alert_id}", 303)
    cookies(request).set_notice(response, staff.session_id, str(why))
    return response


# --- an alert from a number on no client's record ------------------------------------------
def _unknown_who(request: Request, staff: CurrentStaff) -> outcomes.Who:
    return outcomes.Who(staff.staff_id, address_of(request) or "", unknown_only=True)


@router.get("/alerts/{alert_id}")
def unknown_alert_page(
    alert_id: int,
    request: Request,
    staff: CurrentStaff,
    done: str | None = None,
) -> Response:
    # A refusal's words come from the signed notice cookie, never from the query string.
    error = cookies(request).notice(request, staff.session_id)
    page = _unknown_page(request, staff, alert_id, done, error, number=False)
    if error is not None:
        cookies(request).clear_notice(page)
    return page


@router.post("/alerts/{alert_id}/number")
def show_sender(alert_id: int, request: Request, staff: CurrentStaff, form: CsrfForm) -> Response:
    return _unknown_page(request, staff, alert_id, None, None, number=True)


@router.post("/alerts/{alert_id}/claim")
def claim_unknown(alert_id: int, request: Request, staff: CurrentStaff, form: CsrfForm) -> Response:
    service = get_service(request)
    try:
        outcomes.claim(service.db, service.settings, alert_id=alert_id,
                       who=_unknown_who(request, staff), now=now_of(request))  # fmt: skip
    except outcomes.AckError as exc:
        return _refused(request, staff, f"/alerts/{alert_id}", alert_id, exc)
    return _back(f"/alerts/{alert_id}", alert_id, done="alert:claimed")


@router.post("/alerts/{alert_id}/outcome")
def record_unknown(
    alert_id: int, request: Request, staff: CurrentStaff, form: CsrfForm
) -> Response:
    return _record(
        request, staff, form, alert_id, _unknown_who(request, staff), f"/alerts/{alert_id}"
    )


def _unknown_page(
    request: Request,
    staff: CurrentStaff,
    alert_id: int,
    done: str | None,
    error: str | None,
    *,
    number: bool,
) -> Response:
    service = get_service(request)
    now, address = now_of(request), address_of(request)
    view = outcomes.for_alert(service.db, alert_id, now)
    if view is None or view.client_id is not None:
        audit.record(service.db, action="access_denied", staff_id=staff.staff_id, now=now,
                     address=address, detail=f"alert page {alert_id}")  # fmt: skip
        raise HTTPException(404, "no such alert")
    action = "show_sender" if number else "view_alert"
    audit.record(service.db, action=action, staff_id=staff.staff_id, now=now, address=address,
                 detail=f"alert {alert_id} (number on no record)")  # fmt: skip
    with service.db.read() as s:
        alert = s.get_one(Alert, alert_id)
        sender, kept_until = alert.sender, alert.sender_until
        reply_ids = [e.reply_id for e in view.events if e.reply_id] or [view.reply_id]
        said = list(
            s.scalars(select(Reply).where(Reply.id.in_(reply_ids)).order_by(Reply.received_at))
        )
    context = {
        "a": view,
        "thread": said,
        "sender": sender if number else None,
        "kept": sender is not None,
        "kept_until": kept_until,
        "done": done,
        "error": error,
        "when": lambda t: views.when(t, service.settings.timezone),
    }
    return render(request, "unknown_alert.html", context)
