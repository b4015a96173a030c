"""The thirty-ninth round, from the misses of independent-93 read at 26ebba8: no will to live
told with a number word (never a score); a seizure going on now to someone else and foam at the
mouth (es); the plan unchanged after a risk reply; a weapon taken to someone to "handle it"; a
stranger's overdose survived, a weapon handed over to be kept (es) and the car keys handed over
as planned kept everyday. Each case is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text", ["0, sin ganas de vivir la verdad", "zero cravings, zero will to live"]
)
def test_thirtyninth_round_no_will_to_live_is_crisis_not_a_score(text: str) -> None:
    r = classify(text, open_prompts=("checkin",), backstop=False)
    assert r.category == "crisis", r.rule


def test_thirtyninth_round_a_seizure_going_on_now_is_911_first() -> None:
    r = classify("a mi hijo le estan dando convulsiones, ayuda", backstop=False)
    assert r.category == "crisis" and r.urgent and "medical" in r.signals, r.rule


def test_thirtyninth_round_foam_at_the_mouth_is_911_first() -> None:
    r = classify("mi hermano no contesta y le sale espuma por la boca", backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


@pytest.mark.parametrize("text", ["nope, plans havent changed", "el plan sigue en pie, el domingo"])
def test_thirtyninth_round_the_plan_unchanged_after_a_risk_reply_is_crisis(text: str) -> None:
    assert classify(text, recent_risk=True, backstop=False).category == "crisis"


def test_thirtyninth_round_a_weapon_taken_to_someone_to_handle_it_is_violence() -> None:
    r = classify("taking my knife to his house tonight to settle this", backstop=False)
    assert r.category == "crisis" and "violence" in r.signals, r.rule


@pytest.mark.parametrize(
    ("text", "recent_risk"),
    [
        ("a dude od'd behind the gas station today, the paramedics got him back", False),
        ("le deje las pastillas a mi hermana para que me las guarde", True),
        ("my cousin has my truck keys like we talked about, im home", True),
    ],
)
def test_thirtyninth_round_everyday_lines_are_not_crisis(text: str, recent_risk: bool) -> None:
    r = classify(text, recent_risk=recent_risk)
    assert r.category != "crisis" and not r.urgent, r.rule


def test_thirtyninth_round_a_friend_brought_back_stays_a_friend_at_risk() -> None:
    r = classify("my friend od'd last night and they brought him back", backstop=False)
    assert r.category == "concern", r.rule
