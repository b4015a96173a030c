"""A form sent after the session ended is not lost (issue 16).

A counselor who records an alert's outcome after a 20-minute call, or attendance after a
three-hour group, may find the session ended meanwhile. Then:

1. The POST answers 303 to ``/login?next=<the form's page>&ended=1`` (never to the POST path,
   which a GET would answer with "Method Not Allowed"), and the sign-in page says the session
   ended.
2. The form is kept when it provably came from that person's own page: the browser still has
   ``notifier_who`` (whose session it was, and a hash of that session's CSRF token) and the
   form's ``csrf_token`` matches the hash. It is kept in ``notifier_pending`` (encrypted,
   bound to the staff id, one hour), without the CSRF token, passwords or codes; forms of the
   sign-in pages themselves are never kept.
3. Once that same person signs in again, ``GET /resume`` shows what was sent and posts it
   again with the new session's CSRF token (a small script does it at once; without script,
   one button), so the route checks it like any other form. Someone else signing in on that
   browser never sees it: the kept form is dropped.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from notifier.web import security

MAX_FIELDS = 50
# Never kept: sign-in forms (they carry passwords and codes) and the session's own calls.
NOT_KEPT = re.compile(r"^/(login|logout|mfa|setup|session)(/|$)")
SECRET_FIELDS = frozenset({security.CSRF_FIELD, "password", "confirm", "code"})
_PAGE = re.compile(r"^(/(?:clients|groups|alerts)/[^/]+)(?:/.*)?$")


def page_of(path: str) -> str:
    """The page a form at ``path`` lives on (``/clients/C1/alerts/3`` -> ``/clients/C1``)."""
    found = _PAGE.match(path)
    return found.group(1) if found else "/"


def keepable(request: Request) -> bool:
    return request.method == "POST" and not NOT_KEPT.match(request.url.path)


def who_max_age(request: Request) -> int:
    settings = request.app.state.service.settings
    return int(settings.staff_session_max.total_seconds()) + 3600


async def keep(request: Request, response: Response, saved_at: str) -> bool:
    """Keep the POSTed form in ``response``'s cookie when it is that person's (see above)."""
    cookies: security.Cookies = request.app.state.cookies
    who = cookies.who(request, who_max_age(request))
    if who is None or not keepable(request):
        return False
    try:
        async with request.form(max_files=0, max_fields=MAX_FIELDS) as form:
            pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    except Exception:  # a malformed body is simply not kept
        return False
    given = next((v for k, v in pairs if k == security.CSRF_FIELD), "")
    if not given or not hmac.compare_digest(security.csrf_digest(given), who[1]):
        return False
    fields = [[k, v] for k, v in pairs if k not in SECRET_FIELDS]
    payload = {"s": who[0], "p": request.url.path, "f": fields, "t": saved_at}
    return cookies.set_pending(response, payload)


def form_context(path: str, fields: list[tuple[str, str]]) -> dict[str, Any]:
    """What ``resume.html`` shows: where the form goes, its fields (never a secret one), what it
    does, and its page."""
    from notifier.inbound.outcomes import OUTCOMES

    pairs = [(k, v) for k, v in fields if k not in SECRET_FIELDS]
    return {"action": path, "fields": pairs, "what": describe(path, dict(pairs), OUTCOMES),
            "page": page_of(path)}  # fmt: skip


def pending_for(request: Request, staff_id: int) -> dict[str, Any] | None:
    """The kept form, if it is this person's."""
    cookies: security.Cookies = request.app.state.cookies
    found = cookies.pending(request)
    if found is None or found.get("s") != staff_id or not isinstance(found.get("p"), str):
        return None
    if NOT_KEPT.match(found["p"]) or not found["p"].startswith("/"):
        return None
    return found


_ALERT = re.compile(r"^/clients/([^/]+)/alerts/\d+(/claim)?$")
_UNKNOWN = re.compile(r"^/alerts/\d+/(claim|outcome)$")
_TEXT = re.compile(r"^/clients/([^/]+)/text$")
_ATTENDANCE = re.compile(r"^/groups/([^/]+)/attendance$")


def describe(path: str, fields: dict[str, str], outcomes: dict[str, str]) -> str:
    """What the kept form does, in a line."""
    from urllib.parse import unquote

    if found := _ALERT.match(path):
        who = unquote(found.group(1))
        if found.group(2):
            return f"“I'm calling now” on an alert for {who}"
        outcome = outcomes.get(fields.get("outcome", ""), "an outcome")
        return f"“{outcome}” on an alert for {who}" + (
            " (with your note)" if fields.get("note") else ""
        )
    if found := _UNKNOWN.match(path):
        return "your answer on an alert from a number on no client's record"
    if found := _TEXT.match(path):
        return f"your text to {unquote(found.group(1))}"
    if found := _ATTENDANCE.match(path):
        return f"attendance for the {unquote(found.group(1))} group"
    return "the form you sent"
