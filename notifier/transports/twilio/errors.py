"""Which provider failures are worth retrying. One table, used by sends and status callbacks.

Codes are Twilio's (https://www.twilio.com/docs/api/errors). Authentication failures are
treated as transient on purpose: a wrong or rotated token is fixed by ops, and the messages
should still go out (within their freshness) once it is.
"""

from __future__ import annotations

# Retry with backoff: rate limits, queue overflow, temporarily unreachable handsets.
TRANSIENT_CODES = frozenset(
    {"20429", "30001", "21611", "30003", "20003", "20005", "20500", "20503", "30008", "30009"}
)
# Fail at once: invalid or unreachable-for-good numbers, opted out, blocked, landline, ...
PERMANENT_CODES = frozenset(
    {
        "21211",
        "21214",
        "21217",
        "21265",
        "21408",
        "21606",
        "21610",
        "21612",
        "21614",
        "21635",
        "21602",
        "21604",
        "21617",
        "21619",
        "30004",
        "30005",
        "30006",
        "30007",
        "30034",
        "63024",
    }
)
# The recipient has opted out at the carrier/Twilio: the client is opted out here too.
OPTED_OUT_CODE = "21610"


def is_permanent(http_status: int | None, code: str | None) -> bool:
    if code in TRANSIENT_CODES:
        return False
    if code in PERMANENT_CODES:
        return True
    if http_status is None:
        return False
    if http_status == 429 or http_status >= 500 or http_status in (401, 408):
        return False
    return 400 <= http_status < 500  # a request Twilio rejects will be rejected again
