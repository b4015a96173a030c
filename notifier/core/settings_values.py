"""Values every settings check shares: phone numbers, secrets that are random enough, loopback
hosts, and the one error that names a field, its value and what was expected."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlparse

import phonenumbers

from notifier.core import tiers
from notifier.core.tiers import Tier

# A staff token that a stranger could guess is no token: the old example value, and the words
# people leave in templates. Compared case-insensitively; the *_PREFIXES also catch
# "change-me-to-a-long-random-string" and "example-token-1234...".
OLD_EXAMPLE_STAFF_TOKEN = "change-me-to-a-long-random-string"
PLACEHOLDER_TOKENS = frozenset(
    {OLD_EXAMPLE_STAFF_TOKEN, "changeme", "change-me", "secret", "token", "password", "placeholder"}
)
PLACEHOLDER_PREFIXES = ("change-me", "change_me", "changeme", "example", "placeholder", "replace")
MIN_STAFF_TOKEN = 32
MAKE_TOKEN = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_placeholder_token(token: str) -> bool:
    lowered = token.strip().lower()
    return lowered in PLACEHOLDER_TOKENS or lowered.startswith(PLACEHOLDER_PREFIXES)


def random_enough(secret: str) -> bool:
    """Long enough, not a placeholder, and random by character statistics and patterns
    (notifier.core.entropy)."""
    from notifier.core.entropy import guessable

    value = secret.strip()
    return (
        len(value) >= MIN_STAFF_TOKEN and not is_placeholder_token(value) and not guessable(value)
    )


def is_loopback_host(host: str | None) -> bool:
    """127.0.0.0/8, ::1 and localhost: where a local mock of Twilio may listen over http."""
    if not host:
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class FieldError(ValueError):
    def __init__(self, field: str, value: str, expected: str) -> None:
        super().__init__(expected)
        self.field, self.value, self.expected = field, value, expected


def to_e164(raw: str, region: str) -> str | None:
    """A phone number in E.164, or None when it is not a valid number."""
    try:
        number = phonenumbers.parse(str(raw), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def tiers_text(found: tuple[Tier, ...]) -> str:
    return "; ".join(f"{tiers.describe(t)}: {', '.join(t.numbers)}" for t in found)


def require_https(url: str) -> None:
    """Twilio signs the URL it calls and sends clients' texts there: plain http would show them
    to anyone on the path. Loopback stays allowed for a local mock."""
    parsed = urlparse(url)
    if parsed.scheme != "https" and not is_loopback_host(parsed.hostname):
        raise FieldError(
            "public_url",
            url,
            "expected an https:// URL with NOTIFIER_SMS_BACKEND=twilio "
            "(http only for a loopback mock: 127.0.0.1, ::1, localhost)",
        )
