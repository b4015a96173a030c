"""escalation.decide(): the step each alert takes, as a pure function of the alert, an explicit
``now`` and the tiers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from notifier.core.settings import Settings
from notifier.inbound.escalation import Candidate, decide

T0 = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)  # 2 AM in New York
TIERS = "15m: +13125550191; 30m call: +13125550192, +13125550193; 60m: +13125550194"
M = timedelta(minutes=1)


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(escalation_tiers=TIERS)


def crisis(**kw: object) -> Candidate:
    base = Candidate(1, "crisis", "crisis", "open", 0, T0, T0 + 15 * M, "tier")
    return replace(base, **kw)  # type: ignore[arg-type]


def test_rule_escalation_tiers_in_order_each_at_its_delay(settings: Settings) -> None:
    assert decide(crisis(), T0 + 14 * M, settings) is None
    first = decide(crisis(), T0 + 15 * M, settings)
    assert first is not None and (first.action, first.tier) == ("tier", 1)
    assert first.numbers == ("+13125550191",) and not first.call
    assert first.next_due == T0 + 30 * M
    second = decide(crisis(tier=1, due_at=T0 + 30 * M), T0 + 30 * M, settings)
    assert second is not None and second.tier == 2 and second.call
    assert second.numbers == ("+13125550192", "+13125550193")
    last = decide(crisis(tier=2, due_at=T0 + 60 * M), T0 + 60 * M, settings)
    assert last is not None and last.tier == 3 and last.next_due is None
    assert decide(crisis(tier=3, due_at=None), T0 + 90 * M, settings) is None


def test_rule_escalation_a_lapsed_claim_keeps_the_gap_between_tiers(settings: Settings) -> None:
    # Claimed at 14 min, held to 24, no outcome: tier 1 at 24, tier 2 its 15-minute gap later.
    step = decide(crisis(state="claimed", due_at=T0 + 24 * M), T0 + 24 * M, settings)
    assert step is not None and step.tier == 1 and step.next_due == T0 + 39 * M
    # Claimed late: tier 2 comes at least 15 minutes (its gap) after tier 1, never at once.
    step = decide(crisis(state="claimed", due_at=T0 + 40 * M), T0 + 40 * M, settings)
    assert step is not None and step.next_due == T0 + 55 * M


def test_rule_escalation_a_next_try_due_reminds_the_tier_that_has_it(settings: Settings) -> None:
    alert = crisis(tier=1, due_at=T0 + 50 * M, due_reason="retry")
    step = decide(alert, T0 + 50 * M, settings)
    assert step is not None and step.action == "retry" and step.tier == 1
    assert step.numbers == ("+13125550191",)
    # Then the next tier, after the retry time (30 min) at the earliest.
    assert step.next_due == T0 + 80 * M and step.next_reason == "tier"


def test_rule_escalation_concern_and_task_deadlines_go_to_the_first_tier_once(
    settings: Settings,
) -> None:
    concern = crisis(kind="concern", level="concern", due_reason="deadline")
    step = decide(concern, T0 + 15 * M, settings)
    assert step is not None and step.action == "deadline" and step.tier == 1
    assert step.numbers == ("+13125550191",) and step.next_due is None


def test_rule_escalation_without_tiers_a_deadline_tells_on_call_again(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings(oncall_numbers="(312) 555-0190")
    task = crisis(kind="callback", level="task", due_reason="deadline")
    step = decide(task, T0 + 15 * M, s)
    assert step is not None and step.numbers == ("+13125550190",)


def test_rule_escalation_nothing_for_closed_or_stale_alerts(settings: Settings) -> None:
    assert decide(crisis(state="closed"), T0 + 20 * M, settings) is None
    stale = decide(crisis(), T0 + timedelta(hours=7), settings)
    assert stale is not None and stale.action == "stale" and stale.numbers == ()
