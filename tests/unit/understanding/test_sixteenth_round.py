"""The sixteenth round: families from independent-28's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        # A weapon in hand and loaded, or carried with the wish to stop living (Spanish).
        "traigo la escuadra en la mano y ya la cargue",
        "estoy en el rancho con la escopeta de mi tio, ya no aguanto",
        # At a bridge over a canal, leaving, with thanks for everything.
        "estoy en el puente del canal y ya me voy, gracias por todo",
        # A weapon carried and knowing where the other person stays.
        "got my brothers 9 on me and i know where he stays",
    ],
)
def test_sixteenth_round_life_in_danger_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("wish it had been me who died instead of my sister", "none"),
        ("im just gonna drink till i stop waking up", "none"),
        ("ya escribi cartas para mis hijos y se las deje a mi hermana", "none"),
        ("still here. dont know if i can make it through tonight", "after_risk"),
    ],
)
def test_sixteenth_round_crisis(text: str, context: str) -> None:
    r = classify(text, backstop=False, recent_risk=context == "after_risk")
    assert r.category == "crisis", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "my daughters father has been reading my texts, text me at work only",
        "he smashed my phone, texting from my sisters. im ok for now",
        "sometimes i think everyone would be better off if i just disappeared",
    ],
)
def test_sixteenth_round_concern(text: str) -> None:
    assert classify(text, backstop=False).category == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "burned my hand on the grill at work, its fine",
        "i still have the pills from my surgery, can i bring them to group",
        "got 9 dollars on me for the bus",
    ],
)
def test_sixteenth_round_everyday_is_not_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "me tome unas canas con los del curro",
        "first drink since rehab and it tasted like nothing",
        "used the day i got out of detox",
        "fell asleep high on the couch",
        "the pills are already kicking in",
        "2 years gone in one weekend",
    ],
)
def test_sixteenth_round_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals
