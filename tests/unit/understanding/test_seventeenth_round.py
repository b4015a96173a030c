"""The seventeenth round: families from independent-30's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        # The usual medicine taken, "todo bien": no amount, no overdose.
        "ya me tome mi suboxone, todo bien, llego tarde",
        "ya me tome mis pastillas de la presion, todo bien",
        # A letter for an occasion, a character killed off in a show.
        "wrote a letter to my son for his graduation, cried like a baby",
        "that show killed off my favorite character, im so mad",
    ],
)
def test_seventeenth_round_everyday_is_not_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


def test_seventeenth_round_a_whole_bottle_is_still_an_overdose() -> None:
    r = classify("ya me tome todo el frasco", backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


def test_seventeenth_round_people_after_a_verb_and_a_are_its_object() -> None:
    # "a mis hijos" follows the verb: the hopelessness after it is the client's.
    r = classify("desde que se llevaron a mis hijos ya nada tiene sentido", backstop=False)
    assert r.category == "concern", r.rule


def test_seventeenth_round_a_person_fronted_with_a_is_still_someone_else() -> None:
    r = classify("a mi vecina la desalojaron hoy, pobrecita", backstop=False)
    assert "life_event" not in r.signals, r.rule


def test_seventeenth_round_a_long_condition_before_a_threat_to_kill() -> None:
    r = classify("si mi esposa me deja por ese wey, los mato a los dos", backstop=False)
    assert r.category == "crisis" and "violence" in r.signals, r.rule
