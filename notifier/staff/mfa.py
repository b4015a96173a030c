"""The second factor: time-based one-time codes (TOTP, RFC 6238, 30-second steps, 6 digits).

Enrolment stores a new secret (encrypted at rest, ``Staff.totp_secret``) that is only enabled
once the person types a first code from their app. A code is accepted for the current step or
one step either side (clock drift), and never for a step at or before the last one accepted:
the same code cannot be used twice, even within its window.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
import segno

from notifier.core.models import Staff

ISSUER = "notifier"
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth:// URI as an SVG QR code in a ``data:`` URI (for an ``<img src>``)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` is valid for around ``now``, or None."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        # Every candidate is compared (no early exit), in constant time.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def accept(staff: Staff, code: str, now: datetime) -> bool:
    """Check a code against the account's secret and spend its step (replay refused)."""
    if not staff.totp_secret:
        return False
    step = matching_step(staff.totp_secret, code, now)
    if step is None or (staff.totp_last_step is not None and step <= staff.totp_last_step):
        return False
    staff.totp_last_step = step
    return True
