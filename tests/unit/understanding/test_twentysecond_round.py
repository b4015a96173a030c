"""The twenty-second round: families from independent-42's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "lord please dont let me see another morning",
        "every night i ask god not to let me make it to tomorrow",
        "ojala me resbale del andamio mañana",
        "quisiera que me cayera del techo y ya",
        "burned my arm with a lighter on purpose last night",
        "me corte la pierna con la navaja a proposito",
        "me da lo mismo morirme, sigo tomando",
        "sigo queriendo morirme aunque ya hable con ustedes",
    ],
)
def test_twentysecond_round_a_wish_to_die_or_harm_on_purpose_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "my uncle collapsed in the yard, grey in the face",
        "mi esposo tiene una navaja y dice que me va a matar ahorita",
        "mi papa esta con un bate rompiendo la casa",
        "el me va a matar ahorita, estoy en el baño",
    ],
)
def test_twentysecond_round_life_in_danger_now_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("need someone to call me, i aint right today", "callback"),
        ("my mind keeps going to dark places out here", None),
        ("la mente se me va a pensamientos oscuros", None),
        ("my cousin keeps giving his tools away saying he wont need them", None),
        ("off my methadone 2 weeks and i used last night", "use"),
        ("sober since march and had a few beers tonight", "use"),
        ("limpio desde navidad y hoy me meti una raya", "use"),
        ("mi ex me manda textos diciendo que me va a encontrar", "safety"),
        ("el revisa mis mensajes todos los dias", "safety"),
        ("my ex keeps texting that he will kill me if i take the kids", "safety"),
    ],
)
def test_twentysecond_round_same_day_families(text: str, signal: str | None) -> None:
    r = classify(text, backstop=False)
    assert r.category == "concern", r.rule
    if signal is not None:
        assert signal in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "if i eat one more tamale im gonna die lol",
        "if i have to hear one more safety briefing im gonna die",
        "jumped off the pier with the kids, water was freezing",
        "me queme con el aceite cocinando",
        "mi mejor amiga murio el domingo, sobredosis",
        "god please let me see my daughter graduate",
        "my boss wont let me see the schedule till friday",
    ],
)
def test_twentysecond_round_look_alikes_stay_below_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


def test_twentysecond_round_an_overdose_death_told_is_not_911() -> None:
    r = classify("mi mejor amiga murio el domingo, sobredosis", backstop=False)
    assert not r.urgent and "use" not in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "my granny funeral is saturday so i wont make group",
        "DHS took my kids this morning",
        "they let me go at the mill today",
        "no job no more since the plant closed",
        "got court friday about getting my kids back",
        "es el velorio de mi abuelo, no voy a ir",
        "nos quedamos sin jale, el contratista se fue",
        "estamos viviendo en la troca desde el huracan",
        "el patron me corrio hoy",
    ],
)
def test_twentysecond_round_life_events(text: str) -> None:
    assert "life_event" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "let me go to the store first then ill call",
        "they let me go from the ER this morning, im ok",
        "moved back in with my mom and its going good",
    ],
)
def test_twentysecond_round_not_life_events(text: str) -> None:
    assert "life_event" not in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "my daddy been putting hands on me since i moved back in",
        "he said if i leave the apartment again he gon break my arm",
        "dice que si vuelvo a ir al grupo me mata",
        "me rastrea el celular todo el dia",
    ],
)
def test_twentysecond_round_abuse_at_home_is_same_day_and_discreet(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, "safety" in r.signals) == ("concern", True), r.rule


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("hes got the rifle out on the porch saying he gonna kill me", "safety"),
        ("going to his place with the crowbar, already in the truck", "violence"),
    ],
)
def test_twentysecond_round_a_weapon_now_is_911_first(text: str, signal: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent, signal in r.signals) == ("crisis", True, True), r.rule


def test_twentysecond_round_going_over_to_hurt_someone_is_violence() -> None:
    r = classify("about to drive over to his house and shoot him", backstop=False)
    assert (r.category, "violence" in r.signals) == ("crisis", True)


def test_twentysecond_round_a_bruise_of_my_own_is_not_911() -> None:
    assert not classify("todavia traigo el ojo morado del sabado", backstop=False).urgent


@pytest.mark.parametrize(
    "text",
    [
        # Alternations that were split one word too late ("me colgue|me_ahorque" read as "me"
        # then "colgue" or "me ahorque"): each phrase now matches as written.
        "me ahorque y se rompio la cuerda",
        "mi papa no reconoce a sus hijos, lleva 3 dias sin tomar",
        "im hiding in here hes got a knife",
    ],
)
def test_twentysecond_round_mis_split_alternations_match_as_meant(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule
