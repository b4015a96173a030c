"""The checks that read several settings together: the alert loop (someone to tell, tiers that
reach someone new, nothing that names the program) and staff sign-in (OIDC all or nothing,
a random session secret). Separate from the field parsers in notifier.core.settings; they read
the settings through a Protocol, so this module does not import that one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol
from urllib.parse import urlparse

from notifier.core import tiers
from notifier.core.calendar import GroupSpec
from notifier.core.disclosure import disclosing, location_problem, words_with
from notifier.core.settings_values import (
    MAKE_TOKEN,
    MIN_STAFF_TOKEN,
    FieldError,
    is_loopback_host,
    random_enough,
    require_https,
    tiers_text,
    to_e164,
)
from notifier.core.tiers import Tier


class Checked(Protocol):
    """The settings these checks read (notifier.core.settings.Settings has them all)."""

    @property
    def escalation_tiers(self) -> tuple[Tier, ...]: ...
    @property
    def escalation_numbers(self) -> tuple[str, ...]: ...
    @property
    def oncall_numbers(self) -> tuple[str, ...]: ...
    @property
    def default_region(self) -> str: ...
    @property
    def disclosure_words(self) -> tuple[str, ...]: ...
    @property
    def program_name(self) -> str: ...
    @property
    def groups(self) -> tuple[GroupSpec, ...]: ...
    @property
    def sms_backend(self) -> str: ...
    @property
    def twilio_from_number(self) -> str | None: ...
    @property
    def tiers(self) -> tuple[Tier, ...]: ...
    @property
    def staff_session_max(self) -> timedelta: ...
    @property
    def staff_idle_timeout(self) -> timedelta: ...
    @property
    def oidc_issuer(self) -> str | None: ...
    @property
    def program_phone(self) -> str | None: ...
    @property
    def public_url(self) -> str | None: ...
    @property
    def twilio_messaging_service_sid(self) -> str | None: ...
    def secret(self, field: str) -> str | None: ...


def check_alert_loop(s: Checked) -> None:
    """Tiers in E.164; nothing sent to clients that names the program's nature; with the
    real transport, someone to tell (a crisis reply says our team knows) and tiers that
    reach someone besides on-call."""
    if s.escalation_tiers and s.escalation_numbers:
        raise FieldError(
            "escalation_numbers",
            ",".join(s.escalation_numbers),
            "expected either NOTIFIER_ESCALATION_TIERS or the older "
            "NOTIFIER_ESCALATION_NUMBERS, not both",
        )
    try:
        found = tiers.normalised(s.escalation_tiers, lambda raw: to_e164(raw, s.default_region))
    except ValueError as exc:
        raise FieldError("escalation_tiers", tiers_text(s.escalation_tiers), str(exc)) from None
    object.__setattr__(s, "escalation_tiers", found)
    words = words_with(s.disclosure_words)
    said = disclosing(s.program_name, words)
    if said:
        raise FieldError(
            "program_name",
            s.program_name,
            "expected a neutral trading name (a lock screen shows it to anyone), not "
            + ", ".join(repr(w) for w in said),
        )
    for g in s.groups:
        problem = location_problem(g.location or "", s.disclosure_words)
        if problem:
            raise FieldError("groups", f"{g.name} @ {g.location}", problem)
    if s.sms_backend != "twilio":
        return
    if not s.oncall_numbers:
        raise FieldError(
            "oncall_numbers",
            "",
            "expected at least one on-call number with NOTIFIER_SMS_BACKEND=twilio "
            "(a crisis reply tells the client our team knows)",
        )
    if not s.escalation_tiers and not s.escalation_numbers:
        raise FieldError(
            "escalation_tiers",
            "",
            "expected tiers that reach someone not on call with NOTIFIER_SMS_BACKEND=twilio "
            "(unset, an unanswered crisis goes to the same on-call numbers again), e.g. "
            + tiers.TIERS_EXAMPLE,
        )
    if any(t.call for t in s.tiers) and not s.twilio_from_number:
        raise FieldError(
            "escalation_tiers",
            tiers_text(s.escalation_tiers),
            "expected TWILIO_FROM_NUMBER to be set for a tier with a voice call (a "
            "Messaging Service has no number to call from)",
        )
    same = tiers.only_oncall(s.tiers, s.oncall_numbers)
    if same is not None:
        field = "escalation_tiers" if s.escalation_tiers else "escalation_numbers"
        raise FieldError(
            field,
            tiers_text(s.escalation_tiers) or ",".join(s.escalation_numbers),
            f"expected every tier to name someone not on call with "
            f"NOTIFIER_SMS_BACKEND=twilio (tier {tiers.describe(same)} reaches nobody new; "
            f"e.g. {tiers.TIERS_EXAMPLE})",
        )


def check_staff_sign_in(s: Checked, env_name: Callable[[str], str]) -> None:
    oidc = ("oidc_issuer", "oidc_client_id", "oidc_client_secret")
    given = [f for f in oidc if getattr(s, f)]
    if given and len(given) != len(oidc):
        missing = [env_name(f) for f in oidc if f not in given]
        raise FieldError(
            given[0],
            "***" if given[0] == "oidc_client_secret" else str(s.secret(given[0])),
            "expected all three of NOTIFIER_OIDC_ISSUER, NOTIFIER_OIDC_CLIENT_ID and "
            "NOTIFIER_OIDC_CLIENT_SECRET, or none; missing: " + ", ".join(missing),
        )
    if s.staff_session_max < s.staff_idle_timeout:
        raise FieldError(
            "staff_session_max",
            str(s.staff_session_max),
            "expected at least NOTIFIER_STAFF_IDLE_TIMEOUT",
        )
    secret = s.secret("session_secret")
    if secret is not None and not random_enough(secret):
        raise FieldError(
            "session_secret", "***",
            f"expected a random value of at least {MIN_STAFF_TOKEN} characters, not a "
            f"placeholder nor repeated or sequential characters (make one with: {MAKE_TOKEN})",
        )  # fmt: skip
    issuer = urlparse(s.oidc_issuer or "")
    if s.oidc_issuer and issuer.scheme != "https" and not is_loopback_host(issuer.hostname):
        # Discovery, keys and tokens over plain http: anyone on the path could sign staff in.
        raise FieldError("oidc_issuer", s.oidc_issuer,
                          "expected an https:// issuer (http only on loopback, for a local "
                          "test provider)")  # fmt: skip


def check_numbers(s: Checked, env_name: Callable[[str], str]) -> None:
    """Phone numbers to E.164 (normalised in place), and what the twilio backend needs."""
    for field in ("oncall_numbers", "escalation_numbers"):
        parsed: list[str] = []
        for raw in getattr(s, field):
            e164 = to_e164(raw, s.default_region)
            if e164 is None:
                raise FieldError(field, raw, "expected phone numbers, comma-separated")
            parsed.append(e164)
        object.__setattr__(s, field, tuple(parsed))
    if s.program_phone and to_e164(s.program_phone, s.default_region) is None:
        raise FieldError("program_phone", s.program_phone, "expected a phone number")
    if s.twilio_from_number:
        e164 = to_e164(s.twilio_from_number, s.default_region)
        if e164 is None:
            raise FieldError("twilio_from_number", s.twilio_from_number, "expected a phone number")
        object.__setattr__(s, "twilio_from_number", e164)
    if s.sms_backend == "twilio":
        missing = [
            env_name(f)
            for f in ("twilio_account_sid", "twilio_auth_token", "public_url")
            if not getattr(s, f)
        ]
        if not (s.twilio_messaging_service_sid or s.twilio_from_number):
            missing.append("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER")
        if missing:
            raise FieldError(
                "sms_backend", "twilio", "expected these to be set too: " + ", ".join(missing)
            )
        require_https(s.public_url or "")
