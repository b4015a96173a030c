"""The quiet-hours policy (notifier/outbound/quiet.py): which texts go in the client's quiet
hours, which wait for the end of them and which are not sent. The planner, the reply decision,
staff texts and the dispatcher all ask it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from notifier.core.calendar import QuietHours
from notifier.core.models import ALERT, CHECKIN, REMINDER, REPLY
from notifier.outbound import quiet
from tests.helpers import ny

NY = ZoneInfo("America/New_York")
NIGHT = QuietHours(time(21, 0), time(8, 0))


NOON = ny(2026, 12, 1, 12, 0)
LATE = ny(2026, 12, 1, 22, 0)  # inside 21:00-08:00
MORNING = ny(2026, 12, 2, 8, 0)


def test_exempt_texts_go_whatever_the_hour() -> None:
    for kind, label in [(ALERT, "crisis_alert"), (REPLY, "crisis"), (REPLY, "help")]:
        assert quiet.exempt(kind, label)
        assert quiet.placement(kind, label, LATE, None, NY, NIGHT) == LATE
        assert quiet.placement(kind, label, LATE, None, NY, NIGHT, sending=True) == LATE
    assert not quiet.exempt(REPLY, "staff_text") and not quiet.exempt(REMINDER, "24h")


def test_waiting_texts_move_to_the_end_unless_that_is_too_late() -> None:
    later = MORNING + timedelta(hours=1)
    assert quiet.placement(REMINDER, "24h", LATE, later, NY, NIGHT) == MORNING
    assert quiet.placement(REMINDER, "24h", LATE, MORNING, NY, NIGHT) is None
    assert quiet.placement(REPLY, "staff_text", LATE, None, NY, NIGHT) == MORNING
    assert quiet.placement(REPLY, "ack_confirm", LATE, MORNING, NY, NIGHT) is None


def test_score_acks_are_dropped_and_replies_are_not_moved_at_send_time() -> None:
    assert quiet.placement(REPLY, "ack", LATE, None, NY, NIGHT) is None
    assert quiet.placement(REPLY, "ack_high", NOON, None, NY, NIGHT) == NOON
    assert quiet.placement(REPLY, "staff_text", LATE, None, NY, NIGHT, sending=True) is None
    assert quiet.placement(CHECKIN, "cravings", LATE, later_than(LATE), NY, None) == LATE


def test_nothing_goes_at_or_after_its_deadline() -> None:
    assert quiet.placement(CHECKIN, "cravings", NOON, NOON, NY, NIGHT) is None
    assert quiet.placement(REPLY, "crisis", NOON, NOON, NY, NIGHT) is None


def later_than(t: datetime) -> datetime:
    return t + timedelta(minutes=1)
