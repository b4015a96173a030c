"""The fourteenth round: families from independent-24's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        # The group named by its day is not a time: the emergency after it is now.
        "its Marcus from thursday group, my brother took a bunch of pills and his lips are gray",
        # The room named before the wall, days off the drink.
        "quit drinking friday, now theres spiders on the trailer wall and i cant stop shaking",
    ],
)
def test_fourteenth_round_life_in_danger_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize("text", ["goodbye", "sorry. goodbye", "adios", "perdonenme"])
def test_fourteenth_round_a_bare_farewell_after_a_crisis_reply_is_911_first(text: str) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize("text", ["ok thanks, bye", "ok gracias, nos vemos el jueves"])
def test_fourteenth_round_a_sign_off_after_a_crisis_reply_is_no_farewell(text: str) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert r.rule != "crisis.farewell_after_risk." + r.language and not r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "group today on overdose was rough but good",
        "theyre kicking me out of the halfway house friday, no idea where im going",
    ],
)
def test_fourteenth_round_everyday_is_not_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


def test_fourteenth_round_a_better_parent_than_me_is_a_burden() -> None:
    r = classify("my son deserves a better dad than me", backstop=False)
    assert r.category == "concern", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "got a handle of crown in the truck",
        "havent stopped drinking since friday",
        "got sent home for a hot UA",
        "did way more than i meant to last night",
        "i nodded out on the couch",
        "after that eightball i couldnt sleep",
        "pushed the rest of the syringe",
        "me estoy dando unas chelas en la casa",
        "ando dandole al foco otra vez",
        "la cruda esta bien fuerte hoy",
        "me pararon por manejar pisteado",
        "estoy en el cuarto dandole al cristal",
    ],
)
def test_fourteenth_round_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "mi cunado andaba bolo pero yo tome pura coca",
        "drank a coke at the bar and went home",
        "boys were geeked all night in the bunkhouse, i stayed in my room",
    ],
)
def test_fourteenth_round_not_the_clients_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


def test_fourteenth_round_laughter_keeps_the_model_below_crisis() -> None:
    # With the model on: whatever it reads, laughter marks hyperbole (a person may still read it).
    r = classify("mi carnal me va a matar, le choque la troca jaja")
    assert r.category != "crisis", r.rule
