"""Staff accounts: who may sign in, with which role and groups, and their passwords.

- E-mails are case-insensitive: stored and looked up lower-case.
- Passwords are hashed with argon2id (argon2-cffi's defaults); a hash made with older
  parameters is replaced at the next successful sign-in. At least 12 characters, and hard to
  guess: zxcvbn (the maintained Python port of Dropbox's estimator) must score it 3 of 4 or
  more, with the person's e-mail and name counted as known words.
- Each argon2 check or hash takes 64 MiB for a moment: at most :data:`PARALLEL_CHECKS` run at
  once (the others wait their turn), so a burst of sign-ins, unknown e-mails included (they
  are checked against a dummy hash, so they take as long), cannot multiply the memory.
- A new or reset account gets a one-time set-up link (``/setup/<token>``): valid 24 hours,
  single use; only the token's SHA-256 is stored.
- A facilitator sees the groups listed on their account; an admin sees every group.
- Accounts are never deleted (the audit trail names them); a disabled account is refused at
  once and its sessions are deleted. Enabling it again lets it sign in with the password and
  authenticator it had; no session comes back.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from notifier.core.db import Database
from notifier.core.models import ADMIN, ROLES, Staff, StaffSession
from notifier.core.settings import Settings
from notifier.staff import audit

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a bound keeps a request cheap
SETUP_LINK_VALID = timedelta(hours=24)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
HASHER = PasswordHasher()  # argon2id, the library's recommended parameters
# Verified when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a real password, only a timing twin")
MIN_STRENGTH = 3  # zxcvbn's score, 0-4: 3 is "safely unguessable" by its authors' measure
PARALLEL_CHECKS = 2
_CHECKS = threading.BoundedSemaphore(PARALLEL_CHECKS)


class StaffError(ValueError):
    """Bad input about an account; ``str()`` is the one line shown."""


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    if len(email) > 254 or not EMAIL.fullmatch(email):
        raise StaffError(f"{raw!r}: expected an e-mail address such as name@clinic.org")
    return email


def check_password(password: str, known: Iterable[str] = ()) -> None:
    """Long enough and hard to guess; ``known``: the person's e-mail and name (a password made
    of them is easy to guess for anyone who knows them)."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise StaffError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    words = [w for k in known for w in re.split(r"[@.\s_-]+", k.lower()) if len(w) > 2]
    found = zxcvbn(password[:100], user_inputs=[*known, *words])  # its cost grows with length
    if found["score"] < MIN_STRENGTH:
        hint = found["feedback"]["warning"] or "it is made of common words or patterns"
        raise StaffError(
            f"the password is too easy to guess ({hint.rstrip('.')}); use four or more "
            "unrelated words, or a password manager"
        )


def parse_groups(raw: str | None, settings: Settings) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(g.strip() for g in (raw or "").split(",") if g.strip()))
    known = [g.name for g in settings.groups]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise StaffError(
            f"--groups {','.join(unknown)}: expected groups named in NOTIFIER_GROUPS "
            f"({', '.join(known) or 'none configured'})"
        )
    return names


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find(session: Session, email: str) -> Staff | None:
    try:
        key = normalize_email(email)
    except StaffError:
        return None
    return session.scalar(select(Staff).where(Staff.email == key))


def may_see_group(role: str, groups: Collection[str], group: str | None) -> bool:
    """Who may see what on the staff pages, the one rule: an admin sees every group; anyone
    else the groups on their account (``groups``). Nothing without a group (a client on no
    group, an alert from a number on no client's record) is anyone's but an admin's."""
    return role == ADMIN or (group is not None and group in groups)


def visible_groups(role: str, groups: Collection[str], settings: Settings) -> tuple[str, ...]:
    """The groups this person may open, in NOTIFIER_GROUPS order."""
    return tuple(g.name for g in settings.groups if may_see_group(role, groups, g.name))


# --- passwords ---------------------------------------------------------------------------------
def verify_password(stored: str | None, password: str) -> tuple[bool, str | None]:
    """Whether ``password`` matches the stored hash, and a new hash when the parameters changed
    (to be saved). ``stored=None`` (unknown account, or no password yet) takes as long as a
    real check and is always False."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False, None
    try:
        with _CHECKS:
            HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    return True, _hash(password) if HASHER.check_needs_rehash(stored) else None


def _hash(password: str) -> str:
    with _CHECKS:
        return HASHER.hash(password)


def set_password(staff: Staff, password: str) -> None:
    check_password(password, (staff.email, staff.name))
    staff.password_hash = _hash(password)


def _new_setup_link(staff: Staff, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    staff.setup_token_hash = token_hash(token)
    staff.setup_expires_at = now + SETUP_LINK_VALID
    return token


def setup_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url or ''}/setup/{token}"


# --- the CLI's operations ------------------------------------------------------------------------
def add(
    db: Database,
    settings: Settings,
    *,
    email: str,
    name: str,
    role: str,
    groups: Sequence[str],
    now: datetime,
    password: str | None = None,
) -> str | None:
    """Create an account; returns the set-up token (None when a password was given)."""
    key = normalize_email(email)
    if role not in ROLES:
        raise StaffError(f"--role {role!r}: expected one of {', '.join(ROLES)}")
    if not name.strip() or len(name.strip()) > 120:
        raise StaffError("--name: expected the person's name (1-120 characters)")
    if password is not None:
        check_password(password, (key, name))
    with db.session() as s:
        if find(s, key) is not None:
            raise StaffError(f"{key}: an account already exists (use `notifier staff reset`)")
        staff = Staff(
            email=key,
            name=name.strip(),
            role=role,
            groups=",".join(groups),
            active=True,
            totp_enabled=False,
            created_at=now,
        )
        token = None
        if password is not None:
            set_password(staff, password)
        else:
            token = _new_setup_link(staff, now)
        s.add(staff)
        s.flush()
        audit.record(s, action="staff_added", staff_id=staff.id, now=now, address="cli",
                     detail=f"role {role}; groups {','.join(groups) or '-'}")  # fmt: skip
    return token


def _existing(s: Session, email: str) -> Staff:
    staff = find(s, normalize_email(email))
    if staff is None:
        raise StaffError(f"{email.strip().lower()}: no such account (see `notifier staff list`)")
    return staff


def disable(db: Database, email: str, now: datetime) -> None:
    with db.session() as s:
        staff = _existing(s, email)
        staff.active = False
        staff.disabled_at = now
        staff.setup_token_hash = None
        s.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
        audit.record(s, action="staff_disabled", staff_id=staff.id, now=now, address="cli")


@dataclass(frozen=True)
class Enabled:
    """What ``enable`` found: the stored e-mail, whether the account was already active (then
    nothing changed), and whether it has a password to sign in with."""

    email: str
    was_active: bool
    has_password: bool


def enable(db: Database, email: str, now: datetime) -> Enabled:
    """Let a disabled account sign in again. Credentials stay as they were (``disable`` kept
    them, and dropped any unused set-up link); sessions ended by ``disable`` stay ended."""
    with db.session() as s:
        staff = _existing(s, email)
        found = Enabled(staff.email, staff.active, staff.password_hash is not None)
        if staff.active:
            return found  # nothing to change, so nothing to audit
        staff.active = True
        staff.disabled_at = None
        audit.record(s, action="staff_enabled", staff_id=staff.id, now=now, address="cli")
        return found


def reset(db: Database, email: str, now: datetime, password: str | None = None) -> str | None:
    """Clear the password and TOTP, sign out everywhere; a new set-up link (or ``password``)."""
    with db.session() as s:
        staff = _existing(s, email)
        staff.password_hash = None
        staff.totp_secret = None
        staff.totp_enabled = False
        staff.totp_last_step = None
        staff.setup_token_hash = None
        staff.setup_expires_at = None
        token = None
        if password is not None:
            set_password(staff, password)
        else:
            token = _new_setup_link(staff, now)
        s.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
        audit.record(s, action="staff_reset", staff_id=staff.id, now=now, address="cli")
    return token


def list_all(db: Database) -> list[Staff]:
    with db.read() as s:
        return list(s.scalars(select(Staff).order_by(Staff.email)))


# --- the set-up link ---------------------------------------------------------------------------
def by_setup_token(s: Session, token: str, now: datetime) -> Staff | None:
    """The active account a set-up link belongs to, while it is valid and unused."""
    if not token or len(token) > 128:
        return None
    staff = s.scalar(select(Staff).where(Staff.setup_token_hash == token_hash(token)))
    if staff is None or not staff.active or staff.setup_expires_at is None:
        return None
    return staff if now < staff.setup_expires_at else None


def use_setup_token(
    db: Database, token: str, password: str, now: datetime, address: str | None
) -> Staff | None:
    """Set the password through a set-up link, which is then spent. None: no valid link."""
    with db.session() as s:
        staff = by_setup_token(s, token, now)
        if staff is None:
            return None
        set_password(staff, password)
        staff.setup_token_hash = None
        staff.setup_expires_at = None
        audit.record(s, action="password_set", staff_id=staff.id, now=now, address=address)
        return staff
