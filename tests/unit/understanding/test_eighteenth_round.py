"""The eighteenth round: families from independent-32's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    ["i did it", "sorry i lied. i took them", "ya lo hice", "me tome lo que les dije"],
)
def test_eighteenth_round_an_act_told_as_done_after_a_crisis_reply_is_911_first(
    text: str,
) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "i did it! passed my test",
        "i did it, called the line like you said",
        "ya lo hice, fui a la cita",
    ],
)
def test_eighteenth_round_done_as_asked_is_no_attempt(text: str) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert not r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        # A dose stronger than usual and slowing; an overdose told by what it does (Spanish).
        "this batch is stronger than what im used to, real sleepy and my breathing is slow",
        "creo que me pase con lo que me meti, no puedo mover las piernas",
        # Already taken what was needed; sitting with the weapon and a thank-you.
        "wrote everyone letters. i already took what i needed to take",
        "sitting in the car with my dads pistol, thank you for trying with me",
    ],
)
def test_eighteenth_round_life_in_danger_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "my cousin died sunday and it shoulda been me",
        "been praying for the lord to just take me home",
    ],
)
def test_eighteenth_round_a_wish_to_be_dead_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "i just feel like giving up",
        "not ok",
        "slipped after we talked, i hate that im like this",
        "anoche me apreto el cuello, estoy con mi hermana",
        "mi hermano llego borracho y me dijo que me iba a matar",
        "sin ganas de nada",
    ],
)
def test_eighteenth_round_concern(text: str) -> None:
    assert classify(text, backstop=False).category == "concern"


@pytest.mark.parametrize("text", ["im not used to the cold yet", "i got used to the night shift"])
def test_eighteenth_round_used_to_as_accustomed_is_no_history(text: str) -> None:
    # "used to" dated a match as history; being accustomed to something is not.
    from notifier.understanding.lexicon import load

    history = load().languages["en"].context.history
    assert history is not None and history.search(f" {text} ", set(text.split())) is None
