"""The twenty-eighth round: use precision. Only the client's own overdose is their use; an
emergency told about someone else, with no "I" from the client, carries no use signal."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "my cousin on the floor lips blue not breathing",
        "gave him the narcan and hes still barely breathing, lips blue",
        "mi amiga no reacciona, ella tiene los labios morados",
    ],
)
def test_twentyeighth_round_someone_elses_overdose_is_911_without_the_clients_use(
    text: str,
) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule
    assert "use" not in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "took 30 of my pills, lips going blue",
        "me tome 30 pastillas y tengo los labios morados",
        "i shot up in the bathroom and now my lips are blue",
    ],
)
def test_twentyeighth_round_the_clients_own_overdose_is_still_use(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "use" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "soon as i get off work im gonna drink the whole fifth",
        "me voy a tomar todas las cervezas que hay",
        "about to smoke this blue, dont care anymore",
    ],
)
def test_twentyeighth_round_a_plan_to_use_is_no_use_yet(text: str) -> None:
    assert "use" not in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "i was going to stay clean but i used last night",
        "iba a venir al grupo pero anoche me emborrache",
    ],
)
def test_twentyeighth_round_use_told_after_a_plan_word_is_still_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


def test_twentyeighth_round_a_plan_to_die_by_drinking_is_still_crisis() -> None:
    r = classify("voy a tomar guaro hasta caer y si no despierto mejor", backstop=False)
    assert r.category == "crisis" and "use" not in r.signals


def test_twentyeighth_round_eating_something_is_food() -> None:
    assert (
        "use"
        not in classify("ate something and took a shower, going to bed", backstop=False).signals
    )


@pytest.mark.parametrize(
    "text",
    [
        "guys on the crew were smoking meth in the porta john, i left",
        "the uncles was drinking all night at the party, i had water",
    ],
)
def test_twentyeighth_round_other_people_named_as_the_subject_are_not_the_clients_use(
    text: str,
) -> None:
    assert "use" not in classify(text, backstop=False).signals


def test_twentyeighth_round_guys_as_an_address_before_the_clients_lapse_is_still_use() -> None:
    assert "use" in classify("guys i slipped last night, drank again", backstop=False).signals
