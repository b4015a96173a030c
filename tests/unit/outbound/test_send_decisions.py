"""The dispatcher's decisions as values (notifier/outbound/decisions.py) and the quiet-hours
policy they share with the planner, the reply decision and staff texts
(notifier/outbound/quiet.py). Pure: a claimed row, `now` and settings in, a decision out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from notifier.core.models import ALERT, CANCELED, CHECKIN, EXPIRED, PENDING, REPLY
from notifier.core.settings import Settings
from notifier.outbound.decisions import (
    Cancel,
    Claimed,
    Defer,
    Expire,
    Fail,
    GiveUp,
    Lookup,
    Retry,
    Send,
    Skip,
    backoff,
    retry_decision,
    send_decision,
)
from notifier.transports.base import TransportError
from tests.helpers import ny

NOON = ny(2026, 12, 1, 12, 0)
LATE = ny(2026, 12, 1, 22, 0)  # inside 21:00-08:00


def claimed(**kw: object) -> Claimed:
    values: dict[str, object] = {
        "id": 1,
        "kind": CHECKIN,
        "label": "cravings",
        "body": "Hi Ana",
        "recipient": None,
        "not_after": NOON + timedelta(hours=4),
        "needs_lookup": False,
        "lookup_since": None,
        "claimed_at": NOON,
        "attempts": 1,
        "client_id": 7,
        "phone": "+13125550101",
        "tz": "America/New_York",
        "client_active": True,
    }
    values.update(kw)
    return Claimed(**values)  # type: ignore[arg-type]


# --- send_decision ----------------------------------------------------------------------------
def test_a_fresh_row_for_an_active_client_is_sent_with_its_freshness_left(
    make_settings: Callable[..., Settings],
) -> None:
    d = send_decision(claimed(), NOON, make_settings())
    assert d == Send("+13125550101", 4 * 3600.0)


def test_an_alert_goes_to_its_recipient_not_the_clients_phone(
    make_settings: Callable[..., Settings],
) -> None:
    c = claimed(
        kind=ALERT,
        label="crisis_alert",
        recipient="+13125550190",
        client_active=False,
        not_after=LATE + timedelta(hours=1),
    )
    # In quiet hours, and for a client who opted out: staff are told.
    assert send_decision(c, LATE, make_settings()) == Send("+13125550190", 3600.0)
    assert send_decision(replace(c, recipient=None), NOON, make_settings()) == Fail("no_recipient")


def test_order_no_recipient_then_lookup_then_freshness(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings()
    stale = NOON + timedelta(hours=5)
    assert send_decision(claimed(phone=None, needs_lookup=True), stale, s) == Fail("no_recipient")
    assert send_decision(claimed(needs_lookup=True), stale, s) == Lookup("+13125550101")
    assert send_decision(claimed(), stale, s) == Expire()
    assert Expire().values() == {"status": EXPIRED, "reason": "stale"}


def test_an_inactive_client_is_canceled_unless_the_text_is_exempt(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings()
    d = send_decision(claimed(client_active=False), NOON, s)
    assert d == Cancel("client_inactive")
    assert d.values() == {"status": CANCELED, "reason": "client_inactive", "attempts_delta": -1}
    confirm = claimed(kind=REPLY, label="opt_out_confirm", client_active=False)
    assert isinstance(send_decision(confirm, NOON, s), Send)


def test_quiet_hours_at_the_last_moment(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(quiet_hours="21:00-08:00")
    fresh = LATE + timedelta(hours=12)
    morning = ny(2026, 12, 2, 8, 0)
    assert send_decision(claimed(not_after=fresh), LATE, s) == Defer(morning)
    assert Defer(morning).values() == {"status": PENDING, "due_at": morning, "attempts_delta": -1}
    # Moved past its freshness: skipped.
    assert send_decision(claimed(not_after=LATE + timedelta(hours=1)), LATE, s) == Skip(
        "quiet_hours"
    )
    # A reply that is not exempt is skipped, not moved; an exempt one goes.
    assert send_decision(claimed(kind=REPLY, label="ack", not_after=fresh), LATE, s) == Skip(
        "quiet_hours"
    )
    crisis = claimed(kind=REPLY, label="crisis", not_after=fresh)
    assert isinstance(send_decision(crisis, LATE, s), Send)


# --- retry_decision ---------------------------------------------------------------------------
def test_backoff_doubles_is_capped_and_honours_retry_after() -> None:
    base = timedelta(seconds=30)
    assert backoff(1, base, 1.0) == base
    assert backoff(3, base, 0.5) == timedelta(seconds=60)
    assert backoff(30, base, 1.0) == timedelta(minutes=15)
    assert backoff(1, base, 1.0, retry_after=90) == timedelta(seconds=90)


def test_a_transient_error_retries_after_the_backoff(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(retry_backoff="30s", max_attempts=5)
    d = retry_decision(claimed(), TransportError("x", permanent=False, code="20429"), NOON, s, 1.0)
    assert isinstance(d, Retry) and d.at == NOON + timedelta(seconds=30)
    assert d.values() == {
        "status": PENDING,
        "next_attempt_at": NOON + timedelta(seconds=30),
        "error_code": "20429",
        "needs_lookup": False,
        "lookup_since": None,
    }


def test_an_unknown_outcome_retries_with_a_lookup_first(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(retry_backoff="30s")
    lost = TransportError("read timeout", permanent=False, outcome_unknown=True)
    d = retry_decision(claimed(), lost, NOON, s, 1.0)
    assert isinstance(d, Retry) and d.needs_lookup and d.lookup_since == NOON


def test_giving_up(make_settings: Callable[..., Settings]) -> None:
    s = make_settings(retry_backoff="30s", max_attempts=3)
    optout = TransportError("x", permanent=True, code="21610", opted_out=True)
    assert retry_decision(claimed(), optout, NOON, s, 1.0) == GiveUp(
        "21610", "permanent", opt_out=True
    )
    alert = claimed(kind=ALERT, recipient="+13125550190")
    # Staff are not clients: nobody is opted out.
    assert retry_decision(alert, optout, NOON, s, 1.0) == GiveUp("21610", "permanent")
    lost = TransportError("x", permanent=False, outcome_unknown=True)
    last = retry_decision(claimed(attempts=3), lost, NOON, s, 1.0)
    assert last == GiveUp("retries", "max_attempts", needs_lookup=True, lookup_since=NOON)
    # A retry that could only be late is not made.
    soon = claimed(not_after=NOON + timedelta(seconds=10))
    transient = TransportError("x", permanent=False, code="30001")
    assert retry_decision(soon, transient, NOON, s, 1.0) == GiveUp("30001", "stale")
    assert "needs_lookup" not in GiveUp("30001", "stale").values()
