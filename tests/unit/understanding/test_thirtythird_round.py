"""The thirty-third round, from the misses of independent-80 read at b385bf4: a call asked for
now after a risk reply, the client brought back with naloxone and told from the ambulance or the
hospital, afraid of what one might do, something taken and now not responding, weapons carried
to someone, an overdose on purpose to not wake, clean time lost, drinks counted without a verb;
and everyday lines read as risk (food "murdered", wildfire smoke, grief, "nobody got hurt").
Each case is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize("text", ["please call me right now", "llamenme ya por favor"])
def test_thirtythird_round_a_call_asked_for_now_after_a_risk_reply_is_crisis(text: str) -> None:
    r = classify(text, recent_risk=True, backstop=False)
    assert r.category == "crisis" and "callback" in r.signals and not r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "feeling calmer now, can someone call me in the morning",
        "call me now about my ride to group",
        "marquenme manana por lo de la cita",
    ],
)
def test_thirtythird_round_a_call_for_later_or_an_errand_is_no_plea(text: str) -> None:
    assert classify(text, recent_risk=True).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "in the ER now, the paramedics gave me narcan two times",
        "me pusieron naloxona en la ambulancia, ya estoy en emergencias",
    ],
)
def test_thirtythird_round_revived_with_naloxone_is_crisis_not_911(text: str) -> None:
    r = classify(text)
    assert r.category == "crisis" and not r.urgent, r.rule


def test_thirtythird_round_a_naloxone_kit_handed_out_is_no_overdose() -> None:
    r = classify("the clinic gave me narcan for free to keep in the truck")
    assert r.category not in ("crisis", "concern"), r.rule


@pytest.mark.parametrize(
    "text",
    ["im afraid of what i could do tonight", "tengo miedo de lo que pueda hacerme"],
)
def test_thirtythird_round_afraid_of_what_one_might_do_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "3 beers last night after work, no more",
        "lost my 60 days this weekend",
        "got a DUI on saturday",
        "anoche acabe tomando en casa de mi compadre",
    ],
)
def test_thirtythird_round_use_told_sideways_is_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


def test_thirtythird_round_use_just_out_of_detox_is_concern() -> None:
    r = classify("sali del detox el lunes y ayer consumi otra vez", backstop=False)
    assert r.category == "concern" and "use" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "bout to murder these tacos after my shift",
        "the smoke from the wildfires is bad today, stayed inside",
        "me duele el corazon por mi tio, lo extrano mucho",
        "discutimos feo pero nadie salio herido",
    ],
)
def test_thirtythird_round_everyday_lines_are_not_crisis(text: str) -> None:
    assert classify(text).category != "crisis"


@pytest.mark.parametrize(
    ("text", "recent_risk", "signal"),
    [
        ("my cousin mixed pills with vodka and now hes unresponsive", False, None),
        ("ya voy por el con el bate, me las va a pagar", False, "violence"),
        ("estoy afuera de su casa con la barreta esperandolo", False, "violence"),
        ("me tome todas las pastillas a proposito pa ver si no amanezco", False, None),
    ],
)
def test_thirtythird_round_life_in_danger_now_is_911_first(
    text: str, recent_risk: bool, signal: str | None
) -> None:
    r = classify(text, recent_risk=recent_risk, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule
    assert signal is None or signal in r.signals, r.rule
