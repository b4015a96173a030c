"""Quiet hours, the policy: which texts go out inside the client's quiet hours, which wait for
the end of them and which are not sent at all. Every place that decides when a text goes (the
planner, the reply decision, a staff text, the dispatcher at the last moment) asks
:func:`placement`; the window arithmetic itself is in :mod:`notifier.core.calendar`.

- **Exempt** (:func:`exempt`): staff alerts, and replies to the client's own message that
  cannot wait: every risk response (docs/kinds.md), HELP, the opt-out and opt-in
  confirmations, the answer to a call-back or another request for a person, a concerning
  score's acknowledgement (it offers 988), "wrong number", and a staff text sent with the
  quiet-hours override for a client in crisis. They go whatever the hour, and the dispatcher
  sends them even to a client who has just opted out (the confirmation of that opt-out is one).
- **Dropped**: the acknowledgement of a plain check-in score. Sent in the morning it would
  answer nothing the client still remembers.
- **Waits**: everything else (reminders, check-ins, "see you Mon at 6:00 PM", a staff text)
  moves to the end of the window, and is skipped when that is not before its deadline (the
  meeting it is about, its freshness).
- **At the last moment** (``sending=True``): a reply that is not exempt and finds itself in
  quiet hours when it is about to go (a slow provider, a restart) is skipped, not moved: it
  was placed outside them, and hours later it would answer nothing.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from notifier.core.calendar import QuietHours, in_quiet_hours, outside_quiet_hours
from notifier.core.models import ALERT, ANY_HOUR_REPLY_LABELS, CALL, REPLY

# Replies that go out whatever the hour and even after an opt-out (core.models says which: the
# roster's opt-out keeps them too).
EXEMPT_REPLIES = ANY_HOUR_REPLY_LABELS
# Replies that are not sent at all in quiet hours (a concerning score's ack_high is exempt: it
# offers 988 and answers the client's own text).
DROPPED_REPLIES = frozenset({"ack"})


def exempt(kind: str, label: str | None) -> bool:
    """Whether a text goes whatever the hour and whatever the client's consent (staff alerts
    and calls to staff go at once)."""
    return kind in (ALERT, CALL) or (kind == REPLY and label in EXEMPT_REPLIES)


def placement(
    kind: str,
    label: str | None,
    due: datetime,
    deadline: datetime | None,
    tz: ZoneInfo,
    quiet: QuietHours | None,
    *,
    sending: bool = False,
) -> datetime | None:
    """When a text of ``kind`` and ``label`` that is due at ``due`` may go: ``due`` itself,
    the end of the quiet window ``due`` falls in, or None when it is not sent at all. Nothing
    goes at or after ``deadline`` (None: no deadline)."""
    if exempt(kind, label):
        return due if deadline is None or due < deadline else None
    if kind == REPLY and (sending or label in DROPPED_REPLIES) and in_quiet_hours(due, tz, quiet):
        return None
    return outside_quiet_hours(due, deadline, tz, quiet)
