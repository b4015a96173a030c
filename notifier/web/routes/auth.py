"""Staff sign-in: password then TOTP code, first-time TOTP enrolment, the one-time set-up link,
sign-in with the clinic's identity provider (OpenID Connect), and sign-out.

- ``GET/POST /login``: fields ``email``, ``password`` (and ``next``, ``csrf_token``).
- ``GET/POST /login/code``: field ``code`` (6 digits) when the account has TOTP.
- ``GET/POST /mfa/setup``: QR code (an SVG ``data:`` image) and field ``code`` to confirm.
- ``GET/POST /setup/{token}``: fields ``password``, ``confirm`` (at least 12 characters).
- ``GET /login/oidc`` -> the provider -> ``GET /login/oidc/callback``: the ``email`` claim
  (with ``email_verified`` true) must belong to an active account; the provider's own second
  factor stands in for ours.
- ``POST /logout``.

Sign-in throttling counts failures only. A password attempt takes a token from two buckets
before it is checked (so attempts at the same moment cannot slip past together) and gets them
back when the password is right: per account (a keyed hash of the e-mail; 5 failures, then 1 a
minute: the primary limit) and per remote address (100 failures, then 10 a minute: a clinic of
~30 staff behind one address never reaches it with typos, while one address spraying many
accounts still does). A right password also forgets the account's failures. An empty bucket
answers 429 without checking anything, saying how long to wait (and ``Retry-After``). From a
known device of the account (a browser that completed a sign-in, ``notifier_device``: see
notifier/web/security.py) attempts use that device's own bucket instead (same size), so a
stranger guessing from elsewhere, or from behind the same address, cannot lock the owner out,
and the owner signing in there does not forgive the stranger's failures. Codes use the
account's code bucket the same way (only someone who gave the right password reaches it).
Every outcome is audited; refusals are ``sign_in_throttled`` rows, which admins see on the home
page and in ``notifier staff list``.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from typing import Any

# Authlib warns on import that its httpx integration will move to "httpx2"; nothing for an
# operator to act on, so it stays out of `notifier run`'s output (tests still see it).
with warnings.catch_warnings():
    import authlib.deprecate  # installs its own "always" filter: ours must come after it

    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from notifier.core.models import Staff, StaffSession
from notifier.core.settings import Settings
from notifier.staff import audit, mfa
from notifier.staff import logins as staff_sessions
from notifier.staff.accounts import (
    StaffError,
    by_setup_token,
    find,
    use_setup_token,
    verify_password,
)
from notifier.staff.logins import ENROL, FULL, MFA, SignedIn
from notifier.web import resume, signin_limits
from notifier.web.deps import (
    CsrfForm,
    address_of,
    cookies,
    get_service,
    now_of,
    session_of,
)
from notifier.web.security import PENDING_COOKIE, WHO_COOKIE, safe_next
from notifier.web.templating import render

log = logging.getLogger("notifier.web")
router = APIRouter(include_in_schema=False)  # HTML pages, not an API

ACCOUNT_BURST, ACCOUNT_RATE = 5, 1.0  # failures, then per minute
ADDRESS_BURST, ADDRESS_RATE = 100, 10.0  # failures from one address (a whole clinic's NAT)
WRONG = "The e-mail or password is wrong."


def build_oauth(settings: Settings) -> OAuth | None:
    """The OpenID Connect client (discovery from the issuer), or None when not configured."""
    if not settings.oidc_enabled:
        return None
    oauth = OAuth()
    oauth.register(
        "clinic",
        client_id=settings.oidc_client_id,
        client_secret=settings.secret("oidc_client_secret"),
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile"},
    )
    return oauth


def _account_key(request: Request, email: str) -> str:
    crypto = get_service(request).db.crypto
    value = "staff-email:" + email.strip().lower()
    if crypto is not None:
        return crypto.lookup_hash(value)
    return hashlib.sha256(value.encode()).hexdigest()


def _buckets(request: Request, email: str, staff_id: int | None) -> list[signin_limits.Bucket]:
    """Where a password attempt's failure counts: a known device's own bucket, else the
    address's and the account's (the account's, or the device's, comes last)."""
    device = cookies(request).device(request)
    if device is not None and device.knows(staff_id):
        return [("signin-device", f"{device.id}:{staff_id}", ACCOUNT_RATE, ACCOUNT_BURST)]
    address = address_of(request) or "-"
    return [
        ("signin-address", address, ADDRESS_RATE, ADDRESS_BURST),
        ("signin-account", _account_key(request, email), ACCOUNT_RATE, ACCOUNT_BURST),
    ]


def _code_buckets(request: Request, email: str) -> list[signin_limits.Bucket]:
    return [("signin-code", _account_key(request, email), ACCOUNT_RATE, ACCOUNT_BURST)]


def _throttled(request: Request, template: str, context: dict[str, Any], wait: int) -> Response:
    page = render(request, template, {**context, "error": signin_limits.too_many(wait)}, 429)
    page.headers["Retry-After"] = str(wait)
    return page


def _signed_in(
    request: Request, target: str, staff_id: int, csrf_token: str, *, device: bool = True
) -> Response:
    """The answer to a completed sign-in: this browser becomes a known device (after a
    password), remembers whose session it has (``notifier_who``), and a form kept when the
    last session ended is sent again if it is this person's (``notifier.web.resume``)."""
    jar = cookies(request)
    mine = resume.pending_for(request, staff_id) is not None
    response = _to("/resume" if mine else target)
    if not mine and jar.pending(request) is not None:
        jar.clear(response, PENDING_COOKIE)  # someone else's: never shown to this person
    if device:
        jar.remember_device(request, response, staff_id)
    jar.set_who(response, staff_id, csrf_token, resume.who_max_age(request))
    return response


def _record(request: Request, action: str, staff_id: int | None, detail: str | None) -> None:
    audit.record(get_service(request).db, action=action, staff_id=staff_id,
                 now=now_of(request), address=address_of(request), detail=detail)  # fmt: skip


def _to(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


def _with_next(path: str, next_path: str) -> str:
    from urllib.parse import quote

    return path if next_path == "/" else f"{path}?next={quote(next_path, safe='')}"


# --- password -------------------------------------------------------------------------------------
@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    found = session_of(request)
    if found is not None and found.stage == FULL:
        return _to(safe_next(next))
    context = {"next": safe_next(next), "error": None, "email": "", **_login_context(request)}
    return render(request, "login.html", context)


def _login_context(request: Request) -> dict[str, Any]:
    """Why the sign-in page is shown again, when the last session ended."""
    minutes = int(get_service(request).settings.staff_idle_timeout.total_seconds() // 60)
    return {"ended": request.query_params.get("ended") == "1", "idle_minutes": minutes,
            "kept": cookies(request).pending(request) is not None}  # fmt: skip


def _login_error(request: Request, email: str, next_path: str, error: str, status: int) -> Response:
    context = {"next": next_path, "error": error, "email": email, **_login_context(request)}
    return render(request, "login.html", context, status_code=status)


@router.post("/login")
def login(request: Request, form: CsrfForm) -> Response:
    service = get_service(request)
    now = now_of(request)
    email = form.get("email", "").strip().lower()[:254]
    password = form.get("password", "")
    next_path = safe_next(form.get("next"))
    with service.db.read() as s:
        staff = find(s, email)
        known = None if staff is None else (staff.id, staff.password_hash, staff.active,
                                            staff.totp_enabled)  # fmt: skip
    staff_id = known[0] if known else None
    buckets = _buckets(request, email, staff_id)
    wait = signin_limits.take(service.db, buckets, now)
    if wait:
        _record(request, "sign_in_throttled", staff_id, "password")
        context = {"next": next_path, "email": email, **_login_context(request)}
        return _throttled(request, "login.html", context, wait)
    ok, new_hash = verify_password(known[1] if known else None, password)
    if not ok or known is None:
        _record(request, "sign_in_failed", staff_id,
                "wrong password" if known else "unknown account")  # fmt: skip
        return _login_error(request, email, next_path, WRONG, 401)
    staff_id, _, active, enrolled = known
    if not active:
        _record(request, "sign_in_failed", staff_id, "account disabled")
        return _login_error(request, email, next_path, WRONG, 401)
    signin_limits.succeeded(service.db, buckets, now, forgive=True)
    if enrolled:
        stage = MFA
    elif service.settings.staff_mfa == "required":
        stage = ENROL
    else:
        stage = FULL
    with service.db.session() as s:
        row = s.get(Staff, staff_id)
        assert row is not None
        if new_hash is not None:
            row.password_hash = new_hash
        if stage == FULL:
            row.last_sign_in_at = now
            audit.record(s, action="sign_in", staff_id=staff_id, now=now,
                         address=address_of(request), detail="password")  # fmt: skip
    token = staff_sessions.start(service.db, staff_id, stage=stage, via="password", now=now)
    target = {MFA: _with_next("/login/code", next_path),
              ENROL: _with_next("/mfa/setup", next_path)}.get(stage, next_path)  # fmt: skip
    if stage == FULL:
        response = _signed_in(request, target, staff_id, staff_sessions.csrf_of(service.db, token))
    else:
        response = _to(target)
    cookies(request).set_session(response, token)
    return response


# --- the TOTP code --------------------------------------------------------------------------------
@router.get("/login/code")
def code_page(request: Request, next: str = "/") -> Response:
    found = session_of(request)
    if found is None or found.stage != MFA:
        return _to("/" if found is not None and found.stage == FULL else "/login")
    return render(request, "login_code.html", {"next": safe_next(next), "error": None})


@router.post("/login/code")
def code(request: Request, form: CsrfForm) -> Response:
    found = session_of(request)
    if found is None or found.stage != MFA:
        return _to("/login")
    service = get_service(request)
    now = now_of(request)
    next_path = safe_next(form.get("next"))
    buckets = _code_buckets(request, found.email)
    wait = signin_limits.take(service.db, buckets, now)
    if wait:
        _record(request, "sign_in_throttled", found.staff_id, "code")
        return _throttled(request, "login_code.html", {"next": next_path}, wait)
    with service.db.session() as s:
        staff = s.get(Staff, found.staff_id)
        ok = staff is not None and mfa.accept(staff, form.get("code", ""), now)
        if ok and staff is not None:
            staff.last_sign_in_at = now
            row = s.get(StaffSession, found.session_id)
            if row is not None:
                row.stage = FULL
        audit.record(s, action="sign_in" if ok else "sign_in_failed", staff_id=found.staff_id,
                     now=now, address=address_of(request),
                     detail="password and code" if ok else "wrong code")  # fmt: skip
    if not ok:
        error = "That code is not right (or was already used). Try the next one."
        return render(request, "login_code.html", {"next": next_path, "error": error}, 401)
    signin_limits.succeeded(service.db, buckets, now, forgive=True)
    return _signed_in(request, next_path, found.staff_id, found.csrf_token)


# --- TOTP enrolment -------------------------------------------------------------------------------
def _enrolling(request: Request) -> SignedIn | Response:
    """The session that may enrol (password given, no TOTP yet), or where to go instead."""
    found = session_of(request)
    if found is None or found.stage == MFA:
        return _to("/login")
    if found.mfa_enrolled or found.via != "password":
        return _to("/")
    return found


@router.get("/mfa/setup")
def mfa_page(request: Request, next: str = "/") -> Response:
    found = _enrolling(request)
    if isinstance(found, Response):
        return found
    with get_service(request).db.session() as s:
        staff = s.get(Staff, found.staff_id)
        assert staff is not None
        if not staff.totp_secret:
            staff.totp_secret = mfa.new_secret()
        secret = staff.totp_secret
    return _mfa_form(request, found, secret, safe_next(next), None, 200)


def _mfa_form(
    request: Request, found: SignedIn, secret: str, next_path: str, error: str | None, status: int
) -> Response:
    uri = mfa.provisioning_uri(secret, found.email)
    context: dict[str, Any] = {
        "qr": mfa.qr_data_uri(uri),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": next_path,
        "error": error,
    }
    return render(request, "mfa_setup.html", context, status)


@router.post("/mfa/setup")
def mfa_confirm(request: Request, form: CsrfForm) -> Response:
    found = _enrolling(request)
    if isinstance(found, Response):
        return found
    service = get_service(request)
    now = now_of(request)
    next_path = safe_next(form.get("next"))
    address = address_of(request)
    with service.db.session() as s:
        staff = s.get(Staff, found.staff_id)
        assert staff is not None
        secret = staff.totp_secret
        ok = mfa.accept(staff, form.get("code", ""), now)
        if ok:
            staff.totp_enabled = True
            audit.record(s, action="mfa_enrolled", staff_id=staff.id, now=now, address=address)
            if found.stage == ENROL:
                staff.last_sign_in_at = now
                row = s.get(StaffSession, found.session_id)
                if row is not None:
                    row.stage = FULL
                audit.record(s, action="sign_in", staff_id=staff.id, now=now, address=address,
                             detail="password, code enrolled")  # fmt: skip
    if not ok or secret is None:
        error = "That code is not right. Check the time on your phone and try the next one."
        return _mfa_form(request, found, secret or "", next_path, error, 400)
    return _signed_in(request, next_path, found.staff_id, found.csrf_token)


# --- sign-out -------------------------------------------------------------------------------------
@router.post("/logout")
def logout(request: Request, form: CsrfForm) -> Response:
    found = session_of(request)
    if found is not None:
        staff_sessions.end(get_service(request).db, found.session_id)
        _record(request, "sign_out", found.staff_id, None)
    response = _to("/login")
    cookies(request).clear_session(response)
    # Signed out on purpose: nothing of the session is kept for later.
    cookies(request).clear(response, WHO_COOKIE, PENDING_COOKIE)
    return response


# --- the one-time set-up link ---------------------------------------------------------------------
GONE = "This link has expired or was already used. Ask an admin for a new one."


@router.get("/setup/{token}")
def setup_page(token: str, request: Request) -> Response:
    with get_service(request).db.read() as s:
        staff = by_setup_token(s, token, now_of(request))
        who = None if staff is None else {"name": staff.name, "email": staff.email}
    if who is None:
        return render(request, "message.html", {"title": "Link no longer valid",
                                                "message": GONE}, 410)  # fmt: skip
    return render(request, "setup.html", {"who": who, "error": None})


@router.post("/setup/{token}")
def setup(token: str, request: Request, form: CsrfForm) -> Response:
    service = get_service(request)
    now = now_of(request)
    password, confirm = form.get("password", ""), form.get("confirm", "")
    with service.db.read() as s:
        staff = by_setup_token(s, token, now)
        who = None if staff is None else {"name": staff.name, "email": staff.email}
    if who is None:
        return render(request, "message.html", {"title": "Link no longer valid",
                                                "message": GONE}, 410)  # fmt: skip
    error = None if password == confirm else "The two passwords are not the same."
    if error is None:
        try:
            done = use_setup_token(service.db, token, password, now, address_of(request))
        except StaffError as exc:
            error = str(exc)[:1].upper() + str(exc)[1:] + "."
        else:
            if done is None:
                return render(request, "message.html", {"title": "Link no longer valid",
                                                        "message": GONE}, 410)  # fmt: skip
            return _to("/login?set=1")
    return render(request, "setup.html", {"who": who, "error": error}, 400)


# --- OpenID Connect -------------------------------------------------------------------------------
@router.get("/login/oidc")
async def oidc_start(request: Request, next: str = "/") -> Response:
    oauth: OAuth | None = request.app.state.oauth
    if oauth is None:
        return await run_in_threadpool(render, request, "message.html",
                                       {"title": "Not found", "message": "not configured"},
                                       404)  # fmt: skip
    settings = get_service(request).settings
    base = settings.public_url or str(request.base_url).rstrip("/")
    request.session["next"] = safe_next(next)
    response: Response = await oauth.clinic.authorize_redirect(
        request, f"{base}/login/oidc/callback"
    )
    return response


@router.get("/login/oidc/callback")
async def oidc_callback(request: Request) -> Response:
    oauth: OAuth | None = request.app.state.oauth
    if oauth is None:
        return _to("/login")
    next_path = safe_next(request.session.pop("next", "/"))
    try:
        token = await oauth.clinic.authorize_access_token(request)
    except OAuthError as exc:
        log.warning("oidc sign-in failed", extra={"event": "staff.oidc_error",
                                                   "error": str(exc.error)[:60]})  # fmt: skip
        await run_in_threadpool(_record, request, "sign_in_failed", None, "oidc: provider error")
        return await run_in_threadpool(_refusal, request, "The sign-in did not complete.", 400)
    claims = dict(token.get("userinfo") or {})
    return await run_in_threadpool(_oidc_finish, request, claims, next_path)


def _refusal(request: Request, message: str, status: int) -> Response:
    return render(request, "message.html", {"title": "Not signed in", "message": message}, status)


def _oidc_finish(request: Request, claims: dict[str, Any], next_path: str) -> Response:
    service = get_service(request)
    now = now_of(request)
    email = str(claims.get("email") or "").strip().lower()
    with service.db.read() as s:
        staff = s.scalar(select(Staff).where(Staff.email == email)) if email else None
        known = None if staff is None else (staff.id, staff.active)
    staff_id = known[0] if known else None
    reason = None
    if claims.get("email_verified") is not True:
        reason = "e-mail not verified"
    elif known is None:
        reason = "no account"
    elif not known[1]:
        reason = "account disabled"
    if reason is not None or staff_id is None:
        _record(request, "sign_in_refused", staff_id, f"oidc: {reason}")
        message = (
            "Your organisation signed you in, but there is no active notifier account with a "
            "verified e-mail for you. Ask an admin to add you."
        )
        return _refusal(request, message, 403)
    with service.db.session() as s:
        row = s.get(Staff, staff_id)
        assert row is not None
        row.last_sign_in_at = now
        audit.record(s, action="sign_in", staff_id=staff_id, now=now,
                     address=address_of(request), detail="oidc")  # fmt: skip
    session_token = staff_sessions.start(service.db, staff_id, stage=FULL, via="oidc", now=now)
    csrf = staff_sessions.csrf_of(service.db, session_token)
    response = _signed_in(request, next_path, staff_id, csrf, device=False)
    cookies(request).set_session(response, session_token)
    return response
