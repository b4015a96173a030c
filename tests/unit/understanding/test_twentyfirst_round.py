"""The twenty-first round: families from independent-38's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "my uncle is slumped in his chair barely breathing, calling 911",
        "cut my arm in the bathroom and it wont stop bleeding",
        "sitting in the lot outside his work with my gun, waiting for him",
        "he came in the house and i got the rifle pointed at him",
        "mi novio me apunto con la pistola, estoy en el cuarto",
        "tengo el machete y si vuelve a tocar a mi hermana lo mato",
    ],
)
def test_twentyfirst_round_life_in_danger_now_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    ["please i need somebody right now", "ayuda x favor", "porfa alguien que me llame ya"],
)
def test_twentyfirst_round_a_plea_after_a_crisis_reply_is_crisis(text: str) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert r.category == "crisis", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "everyone would be better off not having to deal with me",
        "im just dead weight to my family",
        "he leaves the gun out and says thats for if i ever leave",
    ],
)
def test_twentyfirst_round_a_burden_or_a_threat_at_home_is_same_day(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("concern", False), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "3. thanksgiving was great, ate way too much",
        "my cousin passed, funeral is saturday. he od'd. im ok",
        "no me dieron la metadona y llevo 2 dias temblando y vomitando",
    ],
)
def test_twentyfirst_round_no_911_for_a_feast_a_funeral_a_plan_or_withdrawal(text: str) -> None:
    assert not classify(text, backstop=False).urgent


def test_twentyfirst_round_a_stranger_saying_hes_not_here_is_a_wrong_number() -> None:
    r = classify("stop texting this number, i told you hes not here", opted_out=True)
    assert "wrong_number" in r.signals and r.category not in ("crisis", "concern")


def test_twentyfirst_round_the_spanish_stranger_too() -> None:
    r = classify("dejen de mandar mensajes a este numero, el ya no vive aqui")
    assert "wrong_number" in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "went to my old buddys place and well you know",
        "a 3 day bender, sorry",
        "popping dirty thirties all weekend",
        "me cure con la chiva el domingo",
        "le di unos toques al foco ayer",
        "vomitando despues de tomar toda la noche",
        "sitting by the lake with a bottle by myself",
    ],
)
def test_twentyfirst_round_use_told_sideways_is_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "the rig blew a line today, mud everywhere",
        "ya me estoy curando de la gripa",
        "3 day weekend coming up",
    ],
)
def test_twentyfirst_round_use_look_alikes_are_no_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "my friend od'd and i think he died, please help",
        "creo que mi amigo se murio, se metio una sobredosis, ayuda",
        "at my uncles funeral and my cousin just od'd in the bathroom, hes not breathing",
    ],
)
def test_twentyfirst_round_an_overdose_before_your_eyes_stays_911(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


def test_twentyfirst_round_a_bottle_to_come_with_indifference_to_dying_stays_crisis() -> None:
    # Safety first: the future ("me voy a tomar toda la botella") may read as 911 first; it
    # must never fall to free text.
    r = classify("me voy a tomar toda la botella hoy y si no despierto ni modo", backstop=False)
    assert r.category == "crisis", r.rule
