"""The thirty-fifth round, from the misses of independent-84 read at f21e9d3: a weapon heard or
seen taken out now, driving into the sea, "they narcanned me" after an overdose, "it's tonight"
after a risk reply, too much of a substance (es); a safety step after a risk reply and a goodbye
for a new job kept everyday. Each case is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "hes wasted and i heard him grab the gun from the closet",
        "oi que saco el cuchillo del cajon, esta gritando",
    ],
)
def test_thirtyfifth_round_a_weapon_heard_taken_out_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "safety" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    ["after my shift im gonna drive straight into the lake", "voy a manejar derecho al rio"],
)
def test_thirtyfifth_round_driving_into_water_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


def test_thirtyfifth_round_narcanned_after_an_overdose_is_crisis() -> None:
    r = classify("i od'd at a party, they narcanned me, home now", backstop=False)
    assert r.category == "crisis" and "use" in r.signals, r.rule


def test_thirtyfifth_round_revived_in_the_er_is_crisis_without_911_first() -> None:
    r = classify("in the ER now, they narcanned me twice")
    assert r.category == "crisis" and not r.urgent, r.rule


@pytest.mark.parametrize(
    "text", ["its tonight. thank you for trying", "es hoy. gracias por intentarlo"]
)
def test_thirtyfifth_round_the_day_named_after_a_risk_reply_is_crisis(text: str) -> None:
    assert classify(text, recent_risk=True, backstop=False).category == "crisis"


def test_thirtyfifth_round_thanks_for_trying_to_call_is_everyday() -> None:
    r = classify("thanks for trying to call, i was at work", recent_risk=True)
    assert r.category != "crisis", r.rule


def test_thirtyfifth_round_too_much_of_a_substance_is_use() -> None:
    r = classify("anoche se me fue la mano con el pisto", backstop=False)
    assert "use" in r.signals, r.rule


@pytest.mark.parametrize(
    ("text", "recent_risk"),
    [
        ("gave the pills to my sister like you said", True),
        ("me despedi de la cuadrilla, me cambio a la bodega de la ciudad", False),
    ],
)
def test_thirtyfifth_round_everyday_lines_are_not_crisis(text: str, recent_risk: bool) -> None:
    assert classify(text, recent_risk=recent_risk).category != "crisis"
