"""Request dependencies shared by the routes: the service, a Twilio form that is signed, and
the staff pages' sign-in, access checks and CSRF.

Staff pages (the contract other routes build on):

- ``CurrentStaff`` -> :class:`notifier.staff.logins.SignedIn` (``staff_id``, ``email``,
  ``name``, ``role``, ``groups``, ``csrf_token``, ...): signed in, account active, second factor
  done when required; refreshes the idle time. Without a session: 303 to ``/login?next=<path>``.
- ``GroupAccess`` -> :class:`GroupGrant` ``(group)`` for a route with a ``{group}``
  path parameter: 404 when no such group, 403 when it is not one of the person's (an admin has
  every group). Writes the ``view_group`` audit row itself (``access_denied`` on a 403).
- ``ClientAccess`` -> :class:`ClientGrant` ``(client_id, external_id, group)`` for a
  ``{external_id}`` path parameter: 404 when there is no such client or its group is not one
  of the person's. Writes ``view_client`` (``access_denied`` on a refusal).
- ``CsrfForm`` -> ``dict[str, str]``: the POSTed form once its ``csrf_token`` is checked (403
  otherwise). Every POST route of the staff pages must take it.
- ``now_of(request)`` the service clock's aware UTC time; ``address_of(request)`` the remote
  address.

Write actions (attendance_change, alert_ack, show_phone, staff_text) are recorded by their
route with ``notifier.staff.audit.record(...)``.

Webhooks are checked in this order: body size (413), body read within NOTIFIER_HTTP_BODY_TIMEOUT
(408), signature header present (403), form well-formed with at most MAX_FIELDS fields (400),
only the parameter names Twilio sends on that webhook (400), and only then the signature,
computed off the event loop, for NOTIFIER_PUBLIC_URL + path + query (403). Only then is anything
stored. Nothing before the signature costs more than reading the body once.

A client that goes away mid-body is not an error of ours: a quiet 400, logged at INFO.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, NamedTuple, cast
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from starlette.requests import ClientDisconnect

from notifier.core.models import Client
from notifier.service import Service
from notifier.staff import audit
from notifier.staff import logins as staff_sessions
from notifier.staff.accounts import may_see_group
from notifier.staff.logins import ENROL, FULL, MFA, SignedIn
from notifier.transports.twilio import webhooks
from notifier.web import resume, security

log = logging.getLogger("notifier.web")

FORM_TYPE = webhooks.FORM_TYPE
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def _read_body(request: Request, limit: int, deadline: float) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise HTTPException(413 if length.isdigit() else 400, "body too large or bad length")
    raw = bytearray()
    try:
        # A client trickling its body would hold a connection (and this task) for ever.
        async with asyncio.timeout(deadline):
            async for chunk in request.stream():
                raw += chunk
                if len(raw) > limit:
                    raise HTTPException(413, "body too large")
    except TimeoutError:
        log.info("webhook body too slow", extra={"event": "webhook.body_timeout"})
        raise HTTPException(408, "body not received in time", {"Connection": "close"}) from None
    except ClientDisconnect:
        log.info("client went away mid-body", extra={"event": "webhook.client_gone"})
        raise HTTPException(400, "client disconnected") from None
    return bytes(raw)


# Bodies up to this size have their signature checked on the event loop (see signed_form).
INLINE_SIGNATURE_BYTES = 4096


def signed(allowed: frozenset[str]) -> Callable[[Request], Awaitable[dict[str, str]]]:
    """A dependency: the webhook's form, once its size, shape and signature are checked,
    allowing only the parameter names in ``allowed`` (notifier.transports.twilio.webhooks)."""

    async def signed_form(request: Request) -> dict[str, str]:
        settings = get_service(request).settings
        verifier: webhooks.Verifier = request.app.state.webhook_verifier
        raw = await _read_body(
            request, settings.webhook_max_bytes, settings.http_body_timeout.total_seconds()
        )
        signature = request.headers.get(webhooks.SIGNATURE_HEADER)
        if not signature:
            raise HTTPException(403, f"missing {webhooks.SIGNATURE_HEADER}")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != FORM_TYPE:
            raise HTTPException(400, f"expected {FORM_TYPE}")
        try:
            form = webhooks.parse_form(raw, allowed)
        except webhooks.WebhookRefused as exc:
            raise HTTPException(exc.status, exc.detail) from None
        base = settings.public_url or f"{request.url.scheme}://{request.url.netloc}"
        url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        # HMAC-SHA1 over every field. A body the size Twilio sends (an SMS: under 2 KB) is
        # checked on the event loop: microseconds, where the hop to a worker thread cost more
        # than the hash (6% of the process under B4's load). A larger one, which only a forger
        # or a long MMS sends, in a worker thread, so forged bodies cannot stall the loop.
        if len(raw) <= INLINE_SIGNATURE_BYTES:
            valid = verifier.valid(url, form, signature)
        else:
            valid = await run_in_threadpool(verifier.valid, url, form, signature)
        if not valid:
            log.warning(
                "webhook signature rejected",
                extra={"event": "webhook.forbidden", "path": request.url.path},
            )
            raise HTTPException(403, f"invalid {webhooks.SIGNATURE_HEADER}")
        # Checked as signed; stored without NULs (PostgreSQL text cannot hold them).
        return {k: v.replace("\x00", "") for k, v in form.items()}

    return signed_form


SignedInboundForm = Annotated[dict[str, str], Depends(signed(webhooks.INBOUND))]
SignedStatusForm = Annotated[dict[str, str], Depends(signed(webhooks.STATUS))]


async def _current_service(request: Request) -> Service:
    """``get_service`` as a dependency. ``async``: FastAPI runs a plain ``def`` dependency in
    a worker thread, a hop per request for one attribute read (5% of the process under B4)."""
    return get_service(request)


CurrentService = Annotated[Service, Depends(_current_service)]


def require_fields(form: dict[str, str], *names: str) -> None:
    """The route's fields are there and fit their columns (400 otherwise)."""
    try:
        webhooks.require_fields(form, *names)
    except webhooks.WebhookRefused as exc:
        raise HTTPException(exc.status, exc.detail) from None


# --- staff pages ---------------------------------------------------------------------------------
class RedirectTo(Exception):
    """Answered with a 303 to ``location`` (see ``app.create_app``'s handler)."""

    def __init__(self, location: str, clear_session: bool = False, keep_form: bool = False) -> None:
        super().__init__(location)
        self.location = location
        self.clear_session = clear_session
        self.keep_form = keep_form  # a form sent after the session ended (notifier.web.resume)


class StaleForm(Exception):
    """A signed-in person's form carrying the token of an earlier session: refused (403) with the
    form filled in again, to send with one click (``app.create_app``'s handler)."""

    def __init__(self, path: str, fields: list[tuple[str, str]]) -> None:
        super().__init__(path)
        self.path = path
        self.fields = fields


class GroupGrant(NamedTuple):
    group: str


class ClientGrant(NamedTuple):
    client_id: int
    external_id: str
    group: str | None


def now_of(request: Request) -> datetime:
    return get_service(request).clock()


def address_of(request: Request) -> str | None:
    return security.client_address(request)


def cookies(request: Request) -> security.Cookies:
    found: security.Cookies = request.app.state.cookies
    return found


_UNSET = object()


def session_of(request: Request) -> SignedIn | None:
    """The request's live session in any stage (looked up once per request), or None."""
    cached = getattr(request.state, "staff_session", _UNSET)
    if cached is not _UNSET:
        return cast(SignedIn | None, cached)
    found: SignedIn | None = None
    token = cookies(request).session_token(request)
    if token is not None:
        service = get_service(request)
        now = now_of(request)
        result = staff_sessions.lookup(service.db, service.settings, token, now)
        if isinstance(result, SignedIn):
            found = result
    request.state.staff_session = found
    return found


def _sign_in_first(request: Request) -> RedirectTo:
    """To the sign-in page, and back here after it. A form's POST comes back to the form's
    page, never to its own path (a GET there would be "Method Not Allowed"); when this browser
    had a session, the sign-in page says it ended and the form may be kept (``resume``)."""
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        target = resume.page_of(request.url.path)
    ended = cookies(request).who(request, resume.who_max_age(request)) is not None
    query = [] if target == "/" else [f"next={quote(target, safe='')}"]
    query += ["ended=1"] if ended else []
    location = "/login" + (f"?{'&'.join(query)}" if query else "")
    return RedirectTo(location, clear_session=True, keep_form=ended and resume.keepable(request))


def peek_staff(request: Request) -> SignedIn | None:
    """A full session, looked at without refreshing its idle time (a page's background
    checks must not keep an unattended screen signed in), or None."""
    token = cookies(request).session_token(request)
    if token is None:
        return None
    service = get_service(request)
    found = staff_sessions.lookup(service.db, service.settings, token, now_of(request), touch=False)
    return found if isinstance(found, SignedIn) and found.stage == FULL else None


def current_staff(request: Request) -> SignedIn:
    found = session_of(request)
    if found is None:
        raise _sign_in_first(request)
    if found.stage == MFA:
        raise RedirectTo("/login/code")
    settings = get_service(request).settings
    must_enrol = (
        settings.staff_mfa == "required" and found.via == "password" and not found.mfa_enrolled
    )
    if found.stage == ENROL or (found.stage == FULL and must_enrol):
        raise RedirectTo("/mfa/setup")
    return found


CurrentStaff = Annotated[SignedIn, Depends(current_staff)]


def _detail(request: Request) -> str:
    """What was asked, as the route's template (``GET /clients/{external_id}``): never the path
    as typed, which names a client by record number (audit rows are never purged, so a copied
    database would link it to the row's group and alerts). The row's ``client_id`` says who."""
    route = request.scope.get("route")
    template = getattr(route, "path", None) or "(no route)"
    return f"{request.method} {template}"


def group_access(group: str, request: Request, staff: CurrentStaff, _: FormsFirst) -> GroupGrant:
    service = get_service(request)
    if service.settings.group(group) is None:
        _to_the_groups_own_name(request, group, service)
        raise HTTPException(404, "no such group")
    now, address = now_of(request), address_of(request)
    if not may_see_group(staff.role, staff.groups, group):
        audit.record(service.db, action="access_denied", staff_id=staff.staff_id, now=now,
                     address=address, group=group, detail=_detail(request))  # fmt: skip
        raise HTTPException(403, "this group is not one of yours")
    audit.record(service.db, action="view_group", staff_id=staff.staff_id, now=now,
                 address=address, group=group, detail=_detail(request))  # fmt: skip
    return GroupGrant(group)


def _to_the_groups_own_name(request: Request, typed: str, service: Service) -> None:
    """A group typed in another case ("Evening" for "evening") leads to its page: a 303 to
    the same path under the group's own name. Only a GET: a form is never redirected."""
    if request.method != "GET":
        return
    own = next((g.name for g in service.settings.groups if g.name.lower() == typed.lower()), None)
    prefix = f"/groups/{typed}"
    path = request.scope["path"]
    if own is None or not path.startswith(prefix):
        return
    location = f"/groups/{quote(own, safe='')}{path[len(prefix) :]}"
    if request.url.query:
        location += f"?{request.url.query}"
    raise RedirectTo(location)


def find_client(service: Service, external_id: str) -> tuple[int, str, str | None] | None:
    """(id, external id, group) of a client by external id: by its keyed hash, since the id
    itself is encrypted at rest."""
    from notifier.roster.clients import external_id_filter

    if not external_id or len(external_id) > 64:
        return None
    with service.db.read() as s:
        row = s.execute(
            select(Client.id, Client.external_id, Client.group_name).where(
                external_id_filter(service.db.crypto, external_id)
            )
        ).first()
    return None if row is None else (row[0], row[1], row[2])


def client_access(
    external_id: str, request: Request, staff: CurrentStaff, _: FormsFirst
) -> ClientGrant:
    service = get_service(request)
    now, address = now_of(request), address_of(request)
    found = find_client(service, external_id)
    if found is None or not may_see_group(staff.role, staff.groups, found[2]):
        audit.record(service.db, action="access_denied", staff_id=staff.staff_id, now=now,
                     address=address, client_id=found[0] if found else None,
                     detail=_detail(request))  # fmt: skip
        raise HTTPException(404, "no such client")
    client_id, ext, group = found
    audit.record(service.db, action="view_client", staff_id=staff.staff_id, now=now,
                 address=address, client_id=client_id, group=group,
                 detail=_detail(request))  # fmt: skip
    return ClientGrant(client_id, ext, group)


GroupAccess = Annotated[GroupGrant, Depends(group_access)]
ClientAccess = Annotated[ClientGrant, Depends(client_access)]


def _session_dep(request: Request) -> SignedIn | None:
    return session_of(request)  # a sync dependency: the lookup runs in the thread pool


async def csrf_form(
    request: Request, found: Annotated[SignedIn | None, Depends(_session_dep)]
) -> dict[str, str]:
    """The POSTed form, once its CSRF token matches (403 otherwise)."""
    async with request.form(max_files=0, max_fields=50) as form:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
    if found is None and request.url.path == "/logout":
        return values  # nothing to sign out of: no form to check, just the sign-in page
    given = values.get(security.CSRF_FIELD, "")
    expected = found.csrf_token if found is not None else cookies(request).anonymous_csrf(request)
    if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        if given and found is not None and found.stage == FULL and resume.keepable(request):
            # Signed in again since the page was loaded (another tab): the session cookie is
            # only sent same-site, so offer the form back for one click, never act on it.
            raise StaleForm(request.url.path, list(values.items()))
        raise HTTPException(403, "the form has expired or did not come from this site; reload")
    return values


CsrfForm = Annotated[dict[str, str], Depends(csrf_form)]


async def forms_first(
    request: Request, found: Annotated[SignedIn | None, Depends(_session_dep)]
) -> None:
    """A request that changes something has its CSRF token checked before the access check
    writes its ``view_*`` row: a refused POST is not a view (audit what happened, not what was
    asked). The form is read once; the route's ``CsrfForm`` gets Starlette's cached copy."""
    if request.method not in ("GET", "HEAD"):
        await csrf_form(request, found)


FormsFirst = Annotated[None, Depends(forms_first)]
