"""Server-side staff sessions: one ``staff_sessions`` row per signed-in browser.

The browser's cookie carries a random token (signed, see ``notifier/web/security.py``); the row
is keyed by the token's SHA-256. Every replica sees the same rows, so sign-out, ``staff
disable`` and ``staff reset`` end a session at once everywhere, and both limits hold:

- idle: no request for NOTIFIER_STAFF_IDLE_TIMEOUT (default 15m) ends it;
- absolute: NOTIFIER_STAFF_SESSION_MAX (default 12h) after sign-in it ends, however busy.

A lookup deletes its own row once past either limit; the rest (browsers never seen again) are
deleted by the six-hourly purge job (``end_expired``).

Stages: ``mfa`` (password right, code due), ``enrol`` (password right, TOTP to set up before
anything else), ``full`` (signed in).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_

from notifier.core.db import Database, rowcount
from notifier.core.models import Staff, StaffSession
from notifier.core.settings import Settings

MFA, ENROL, FULL = "mfa", "enrol", "full"


@dataclass(frozen=True)
class SignedIn:
    """A live session and its (active) account, as of the request."""

    session_id: str
    staff_id: int
    stage: str
    via: str
    csrf_token: str
    email: str
    name: str
    role: str
    groups: tuple[str, ...]
    mfa_enrolled: bool
    expires_at: datetime | None = None  # when it ends unless used again (the nearer limit)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Database, staff_id: int, *, stage: str, via: str, now: datetime) -> str:
    """A new session; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    with db.session() as s:
        s.add(
            StaffSession(
                id=_key(token),
                staff_id=staff_id,
                stage=stage,
                via=via,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                last_seen_at=now,
            )
        )
    return token


def expired(row: StaffSession, settings: Settings, now: datetime) -> bool:
    return (
        now - row.last_seen_at >= settings.staff_idle_timeout
        or now - row.created_at >= settings.staff_session_max
    )


def _expired_sql(settings: Settings, now: datetime) -> ColumnElement[bool]:
    """``expired()`` as a WHERE clause: ``now - t >= limit`` is ``t <= now - limit``."""
    return or_(
        StaffSession.last_seen_at <= now - settings.staff_idle_timeout,
        StaffSession.created_at <= now - settings.staff_session_max,
    )


def ends_at(row: StaffSession, settings: Settings) -> datetime:
    """When the session ends unless used again: the nearer of the idle and absolute limits."""
    return min(
        row.last_seen_at + settings.staff_idle_timeout, row.created_at + settings.staff_session_max
    )


def lookup(
    db: Database, settings: Settings, token: str, now: datetime, *, touch: bool = True
) -> SignedIn | str:
    """The live session for a cookie token (its idle time refreshed), or why there is none:
    "none", "expired" or "disabled". An expired or disabled session's row is deleted.

    ``touch=False`` only looks (a page's background check: how long is left, new alerts):
    the idle time is not refreshed, so a page left open still signs its reader out, and an
    expired row is left for the next real request (or the purge job) to delete."""
    with db.session() as s:
        row = s.get(StaffSession, _key(token))
        if row is None:
            return "none"
        staff = s.get(Staff, row.staff_id)
        if staff is None or not staff.active:
            s.delete(row)
            return "disabled"
        if expired(row, settings, now):
            if touch:
                s.delete(row)
            return "expired"
        if touch:
            row.last_seen_at = max(now, row.last_seen_at)
        return SignedIn(
            session_id=row.id,
            staff_id=staff.id,
            stage=row.stage,
            via=row.via,
            csrf_token=row.csrf_token,
            email=staff.email,
            name=staff.name,
            role=staff.role,
            groups=staff.group_names,
            mfa_enrolled=staff.totp_enabled,
            expires_at=ends_at(row, settings),
        )


def csrf_of(db: Database, token: str) -> str:
    """The CSRF token of the session a cookie token names ("" when there is none)."""
    with db.read() as s:
        row = s.get(StaffSession, _key(token))
        return row.csrf_token if row is not None else ""


def end(db: Database, session_id: str) -> None:
    with db.session() as s:
        s.execute(delete(StaffSession).where(StaffSession.id == session_id))


def end_expired(db: Database, settings: Settings, now: datetime) -> int:
    """Delete every session past either limit, in one statement; how many (housekeeping: the
    purge job; a lookup deletes only its own expired row)."""
    with db.session() as s:
        return rowcount(s.execute(delete(StaffSession).where(_expired_sql(settings, now))))
