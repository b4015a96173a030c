"""The thirty-seventh round, from the misses of independent-88 and independent-90 read at
d7132dd: a joke taken back before a risk statement ("jk") leaves it in earnest; someone outside
trying to get in now; a weapon held while waiting for someone; cutting now and unable to stop;
a stabbing said in the present (es); "still don't want to be here" and "not last night, but
today" after a risk reply; someone else's overdose years back, already cared for, or a habit
kept from 911 first; "end my life" is not harm to someone else. Each case is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    ("text", "prompts"),
    [
        ("2 haha jk, honestly im on the roof ready to jump", ("checkin",)),
        ("lol jk i have the pills in my hand right now", ()),
    ],
)
def test_thirtyseventh_round_a_joke_taken_back_leaves_the_risk_in_earnest(
    text: str, prompts: tuple[str, ...]
) -> None:
    r = classify(text, open_prompts=prompts, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


def test_thirtyseventh_round_laughter_after_the_retraction_still_counts() -> None:
    r = classify("jk i cant breathe lol this hot sauce", backstop=False)
    assert r.category != "crisis", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "shes at the back door trying to kick it in, she said she'd stab me",
        "mi ex esta afuera tratando de tumbar la puerta",
    ],
)
def test_thirtyseventh_round_someone_trying_to_get_in_now_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "safety" in r.signals, r.rule


def test_thirtyseventh_round_a_weapon_held_waiting_for_someone_is_911_first() -> None:
    r = classify("ive got the bat and im just waiting on him to pull up", backstop=False)
    assert r.category == "crisis" and r.urgent and "violence" in r.signals, r.rule


def test_thirtyseventh_round_a_weapon_waiting_for_a_bus_is_not_violence() -> None:
    r = classify("i have my knife and im waiting for the bus to the lake", backstop=False)
    assert "violence" not in r.signals, r.rule


def test_thirtyseventh_round_cutting_now_and_unable_to_stop_is_911_first() -> None:
    r = classify("been cutting right now and i cant stop", backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


def test_thirtyseventh_round_a_stabbing_said_in_the_present_is_violence() -> None:
    r = classify("si vuelve a tocar a mi hija lo acuchillo", backstop=False)
    assert r.category == "crisis" and "violence" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "same as yesterday, still dont want to be alive",
        "i didnt do it last night but tonight for sure",
        "ayer no lo hice pero esta noche si",
    ],
)
def test_thirtyseventh_round_risk_going_on_after_a_risk_reply_is_crisis(text: str) -> None:
    assert classify(text, recent_risk=True, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "my uncle overdosed a few years back, thats why i keep narcan in the truck",
        "mi primo tuvo una sobredosis el viernes pero ya esta estable",
        "my grandma is on pain pills and sometimes takes too many, should i get narcan",
    ],
)
def test_thirtyseventh_round_an_overdose_not_now_is_not_911_first(text: str) -> None:
    assert not classify(text).urgent


def test_thirtyseventh_round_end_my_life_is_not_harm_to_others() -> None:
    r = classify("i just want to end my life", backstop=False)
    assert r.category == "crisis" and "violence" not in r.signals, r.rule
