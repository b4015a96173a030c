"""Cookies, CSRF tokens and response headers for the staff pages.

Cookies (HttpOnly, SameSite=Lax, Path=/, ``Secure`` when NOTIFIER_PUBLIC_URL is https):

- ``notifier_session``: the session token, signed with itsdangerous (HMAC-SHA1 over a key
  derived with SHA-1 from the signing key). The row it names lives in ``staff_sessions``.
- ``notifier_csrf``: a random value, signed, for the forms shown before sign-in (login,
  set-up link): double-submit, checked against the hidden field.
- ``notifier_oidc``: Starlette's SessionMiddleware, only while an OpenID Connect sign-in is
  under way (Authlib keeps its state and nonce there).
- ``notifier_notice``: a message for the next page (a form's refusal, in the program's words),
  signed with a timestamp and bound to the session, read once. Notice boxes never show query
  text: ``?done=`` is one of a fixed set of keys, and there is no ``?error=``.
- ``notifier_who``: whose session this browser had, and a hash of that session's CSRF token,
  signed with a timestamp (valid for the session's absolute limit plus an hour). After the
  session ends it lets a form posted too late be kept for the same person, once its CSRF token
  is checked against that hash (``notifier.web.resume``), and lets the sign-in page say the
  session ended. It grants nothing: every page still needs a live session.
- ``notifier_pending``: such a kept form (its path and fields, never a password or a code),
  encrypted and authenticated (Fernet, a key derived from the signing key), bound to the staff
  id, valid :data:`PENDING_MAX_AGE`; read once, after that person signs in again.
- ``notifier_device``: this browser is a known device of these accounts: a random device id
  and the staff ids that completed a sign-in on it (password and code, where codes are on),
  signed with a timestamp, valid :data:`DEVICE_MAX_AGE` from the last such sign-in. A known
  device's password attempts are limited by a bucket of its own, so a stranger's failures
  cannot lock the owner out (``notifier.web.routes.auth``). It grants nothing else: the
  password and the code are still asked for.

The signing key is NOTIFIER_SESSION_SECRET when set (use the same on every replica), else it is
derived (HKDF-SHA256, "notifier staff session cookie") from the newest encryption key, which
every replica already shares. Rotating that key therefore signs everyone out.

CSRF: every POST form carries ``csrf_token``. After sign-in it must equal the session row's
random token (a synchronizer token, compared with ``hmac.compare_digest``); before sign-in, the
signed ``notifier_csrf`` cookie's value. We do not use starlette-csrf / fastapi-csrf-protect:
the first is cookie-only double-submit (not bound to the server-side session, so it would not
die with sign-out), the second needs a call in every route; and a session row already holds a
secret per browser, so the check is a few lines (``deps.csrf_form``) every POST route depends on
(a test walks the app's routes to prove it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from itsdangerous import BadSignature, Signer, TimestampSigner
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from notifier.core.settings import Settings

SESSION_COOKIE = "notifier_session"
CSRF_COOKIE = "notifier_csrf"
OIDC_COOKIE = "notifier_oidc"
DEVICE_COOKIE = "notifier_device"
NOTICE_COOKIE = "notifier_notice"
WHO_COOKIE = "notifier_who"
PENDING_COOKIE = "notifier_pending"
PENDING_MAX_AGE = 3600  # seconds: a form kept across a sign-in is for the next few minutes
NOTICE_MAX_AGE = 120  # seconds: a notice is for the page the form redirects to
DEVICE_MAX_AGE = 90 * 24 * 3600  # seconds: a device unused for 90 days is a stranger again
DEVICE_ACCOUNTS = 8  # accounts remembered per browser (a shared clinic computer)
CSRF_FIELD = "csrf_token"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# Machine endpoints keep their own answers (the bearer follow-up page has inline styles).
MACHINE_PREFIXES = ("/twilio/", "/followup/", "/healthz", "/readyz", "/metrics")


def is_staff_path(path: str) -> bool:
    return not path.startswith(MACHINE_PREFIXES)


def signing_key(settings: Settings, derived: bytes | None) -> bytes:
    secret = settings.secret("session_secret")
    if secret:
        return secret.encode()
    if derived is None:
        # Only an app on a database opened without keys (a schema-only test app): nothing it
        # serves can be read anyway, so a per-process key is enough.
        return secrets.token_bytes(32)
    return derived


@dataclass(frozen=True)
class Device:
    """A browser that completed a sign-in: its random id and whose sign-ins it completed."""

    id: str
    staff_ids: tuple[int, ...]

    def knows(self, staff_id: int | None) -> bool:
        return staff_id is not None and staff_id in self.staff_ids

    def with_account(self, staff_id: int) -> Device:
        others = tuple(i for i in self.staff_ids if i != staff_id)
        return Device(self.id, ((staff_id, *others))[:DEVICE_ACCOUNTS])


class Cookies:
    """Signs and reads the staff cookies for one app."""

    def __init__(self, key: bytes, secure: bool) -> None:
        self.secure = secure
        self._session = Signer(key, salt="notifier.staff-session")
        self._csrf = Signer(key, salt="notifier.csrf")
        self._device = TimestampSigner(key, salt="notifier.device")
        self._notice = TimestampSigner(key, salt="notifier.notice")
        self._who = TimestampSigner(key, salt="notifier.who")
        derived = hmac.new(key, b"notifier pending form", hashlib.sha256).digest()
        self._pending = Fernet(base64.urlsafe_b64encode(derived))

    def _set(self, response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name, value, httponly=True, samesite="lax", secure=self.secure, path="/"
        )

    def session_token(self, request: Request) -> str | None:
        return _unsign(self._session, request.cookies.get(SESSION_COOKIE))

    def set_session(self, response: Response, token: str) -> None:
        self._set(response, SESSION_COOKIE, self._session.sign(token).decode())

    def clear_session(self, response: Response) -> None:
        response.delete_cookie(
            SESSION_COOKIE, path="/", secure=self.secure, httponly=True, samesite="lax"
        )

    def anonymous_csrf(self, request: Request) -> str | None:
        return _unsign(self._csrf, request.cookies.get(CSRF_COOKIE))

    def set_anonymous_csrf(self, response: Response, value: str) -> None:
        self._set(response, CSRF_COOKIE, self._csrf.sign(value).decode())

    def set_notice(self, response: Response, session_id: str, text: str) -> None:
        value = f"{session_id[:16]}:{text[:300]}".encode().hex()
        response.set_cookie(
            NOTICE_COOKIE, self._notice.sign(value).decode(), max_age=NOTICE_MAX_AGE,
            httponly=True, samesite="lax", secure=self.secure, path="/",
        )  # fmt: skip

    def notice(self, request: Request, session_id: str) -> str | None:
        """The notice the server set for this session, if any (clear it once shown)."""
        raw = request.cookies.get(NOTICE_COOKIE)
        if not raw or len(raw) > 1024:
            return None
        try:
            value = bytes.fromhex(self._notice.unsign(raw, max_age=NOTICE_MAX_AGE).decode())
        except (BadSignature, ValueError):
            return None
        owner, _, text = value.decode(errors="replace").partition(":")
        return text if owner == session_id[:16] else None

    def clear_notice(self, response: Response) -> None:
        response.delete_cookie(NOTICE_COOKIE, path="/", secure=self.secure, httponly=True,
                               samesite="lax")  # fmt: skip

    def set_who(self, response: Response, staff_id: int, csrf_token: str, max_age: int) -> None:
        value = f"{staff_id}:{csrf_digest(csrf_token)}"
        response.set_cookie(
            WHO_COOKIE, self._who.sign(value).decode(), max_age=max_age,
            httponly=True, samesite="lax", secure=self.secure, path="/",
        )  # fmt: skip

    def who(self, request: Request, max_age: int) -> tuple[int, str] | None:
        """(staff id, CSRF digest) of the session this browser last had, if any."""
        raw = request.cookies.get(WHO_COOKIE)
        if not raw or len(raw) > 512:
            return None
        try:
            value = self._who.unsign(raw, max_age=max_age).decode()
        except BadSignature:
            return None
        staff_id, _, digest = value.partition(":")
        return (int(staff_id), digest) if staff_id.isdigit() and digest else None

    def set_pending(self, response: Response, payload: dict[str, Any]) -> bool:
        """Keep a form across a sign-in; False when it is too large for a cookie."""
        token = self._pending.encrypt(json.dumps(payload, separators=(",", ":")).encode())
        if len(token) > 3800:
            return False
        response.set_cookie(
            PENDING_COOKIE, token.decode(), max_age=PENDING_MAX_AGE,
            httponly=True, samesite="lax", secure=self.secure, path="/",
        )  # fmt: skip
        return True

    def pending(self, request: Request) -> dict[str, Any] | None:
        raw = request.cookies.get(PENDING_COOKIE)
        if not raw or len(raw) > 4096:
            return None
        try:
            found = json.loads(self._pending.decrypt(raw.encode(), ttl=PENDING_MAX_AGE))
        except (InvalidToken, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def clear(self, response: Response, *names: str) -> None:
        for name in names:
            response.delete_cookie(name, path="/", secure=self.secure, httponly=True,
                                   samesite="lax")  # fmt: skip

    def device(self, request: Request) -> Device | None:
        raw = request.cookies.get(DEVICE_COOKIE)
        if not raw or len(raw) > 512:
            return None
        try:
            value = self._device.unsign(raw, max_age=DEVICE_MAX_AGE).decode()
        except BadSignature:  # also an expired one
            return None
        device_id, _, ids = value.partition(":")
        staff_ids = tuple(int(i) for i in ids.split(",") if i.isdigit())
        return Device(device_id, staff_ids) if device_id and staff_ids else None

    def remember_device(self, request: Request, response: Response, staff_id: int) -> None:
        """After a completed sign-in: this browser is a known device of ``staff_id``."""
        found = self.device(request) or Device(secrets.token_urlsafe(16), ())
        device = found.with_account(staff_id)
        value = f"{device.id}:{','.join(str(i) for i in device.staff_ids)}"
        response.set_cookie(
            DEVICE_COOKIE, self._device.sign(value).decode(), max_age=DEVICE_MAX_AGE,
            httponly=True, samesite="lax", secure=self.secure, path="/",
        )  # fmt: skip


def _unsign(signer: Signer, raw: str | None) -> str | None:
    if not raw or len(raw) > 512:
        return None
    try:
        return signer.unsign(raw).decode()
    except BadSignature:
        return None


def csrf_digest(csrf_token: str) -> str:
    return hashlib.sha256(b"notifier who\x00" + csrf_token.encode()).hexdigest()[:32]


def new_csrf_value() -> str:
    return secrets.token_urlsafe(32)


def safe_next(raw: str | None) -> str:
    """A same-site relative path to go to after sign-in; anything else is "/"."""
    if not raw or len(raw) > 500 or not raw.startswith("/") or raw.startswith(("//", "/\\")):
        return "/"
    if any(c in raw for c in "\\\r\n\t") or any(ord(c) < 32 for c in raw):
        return "/"
    return raw


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


class StaffHeaders:
    """Pure ASGI middleware: every staff page's answer carries :data:`SECURITY_HEADERS`.

    Pure ASGI rather than Starlette's ``BaseHTTPMiddleware`` (``@app.middleware("http")``):
    that one runs each request in a task group and re-streams the body through a memory
    stream, which under a burst of webhooks cost every request, machine paths included, time
    under the one interpreter lock although only staff paths get the headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_staff_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


class RelativeRedirects:
    """Pure ASGI middleware: a redirect back to this site is made relative.

    Starlette's trailing-slash redirect (``/groups/evening/`` -> 307) is an absolute URL built
    from the Host header the client sent, so a poisoned cache or a crafted request could send
    staff elsewhere. A ``Location`` whose host is the request's own becomes its path and query,
    with one leading slash (never ``//host``, which a browser would read as another site).
    Redirects to other sites (the identity provider) are left alone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        own_host = Headers(scope=scope).get("host", "")

        async def relative(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = MutableHeaders(scope=message)
                location = headers.get("location")
                if location is not None:
                    headers["location"] = _relative(location, own_host)
            await send(message)

        await self.app(scope, receive, relative)


def _relative(location: str, own_host: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(location)
    if not parts.netloc and not location.startswith(("//", "/\\")):
        return location  # already relative
    if parts.netloc and parts.netloc.lower() != own_host.lower():
        return location  # another site, on purpose
    path = "/" + parts.path.lstrip("/\\")
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return path + query + fragment
