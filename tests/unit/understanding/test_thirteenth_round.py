"""The thirteenth round: families from independent-22's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        # At the place itself, with an apology or the quiet: a height now.
        "im at the bridge over the river. its real quiet out here. sorry i let everybody down",
        "estoy en el puente del rio, perdonenme, les falle",
        # A hallucination told through someone else's words, days off the drink.
        "quit drinking saturday, now theres kids in the hallway my wife says arent there",
        # A weapon carried on the way to someone.
        "headed to find the dude who sold my cousin that fent, got my strap in the car",
        "ahorita voy a buscar al que le vendio a mi hermano, traigo la fusca en la troca",
    ],
)
def test_thirteenth_round_life_in_danger_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "im at the bridge waiting for my ride, sorry im late",
        "got my rifle in the truck for deer season, going to find a good spot",
        "estoy en el puente esperando el camion, perdon por la tardanza",
    ],
)
def test_thirteenth_round_errands_are_not_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # Out of a jail named by its local name, and using for the first time since.
        "sali de metro west el martes y hoy consumi por primera vez",
        "sali del county el domingo y anoche consumi, me pego fuerte",
    ],
)
def test_thirteenth_round_loss_of_tolerance_after_jail(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "concern" and "use" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "already 5 deep at the bar",
        "failed my random at work today",
        "took a double of everything last night",
        "home alone with a bottle of crown tonight",
        "just dont want to be sober tonight",
        "tenia 3 meses limpio y lo tire todo en una noche",
    ],
)
def test_thirteenth_round_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        # Someone else's use: the clause's subject is another person, no "i" before it.
        "my husband came home drunk again",
        "my neighbor is out there high again blasting music",
        "mi cunado estaba bien pedo en la carne asada",
        "los vecinos andaban fumando piedra en el pasillo",
        # Passive "got smoked" is being beaten or worked hard.
        "we got smoked at PT this morning",
        "took a double shift today",
    ],
)
def test_thirteenth_round_not_the_clients_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "my husband came home drunk and i drank with him",
        "my cousin and i got high",
        "the guys were smoking and i took a hit",
    ],
)
def test_thirteenth_round_the_client_in_the_clause_keeps_the_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "hubo una sobredosis en el parque salio en las noticias, que triste",
        "two people overdosed downtown it was on the news last night",
    ],
)
def test_thirteenth_round_the_news_after_the_event_is_a_report(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category != "crisis" and not r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "my roommate isnt breathing and i saw on tiktok you do rescue breaths what do i do",
        "mi hermano no respira y en las noticias dicen que el narcan sirve",
    ],
)
def test_thirteenth_round_an_emergency_beside_the_news_stays_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        # A word of now between a history marker and the match: the match is now.
        "i tried to kill myself years ago and tonight i took all my pills",
        "took all my pills tonight, tried once years ago too",
        "hace anos intente matarme y hoy me tome todas las pastillas",
    ],
)
def test_thirteenth_round_history_before_a_now_does_not_date_the_emergency(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "years ago, i tried to kill myself",
        "i tried to kill myself years ago and i still think about it",
        "cuando andaba en las drogas intente matarme dos veces",
    ],
)
def test_thirteenth_round_history_without_a_now_stays_history(text: str) -> None:
    r = classify(text)
    assert r.category == "concern" and not r.urgent, r.rule


def test_thirteenth_round_the_urgent_model_does_not_raise_a_history() -> None:
    r = classify("i tried to overdose on purpose a few years ago and this time of year is hard")
    assert not r.urgent, r.rule
