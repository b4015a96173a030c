"""The thirtieth round (rules only), from the misses of independent-66, -68 and -70 read at
521acd1: delirium tremens told by what is seen in the room and "talking out of his head", a
fit told as dropped and shaking, breath going after use (es), the abuser seen outside now or
coming back with a weapon, a weapon in the client's own hand as the intent is said, pills
taken hoping not to wake, loose ends tied up; and "kms if i have to...", a phone about to die.
Each case is worded here, not copied from the corpus."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Delirium tremens and fits after stopping.
        (
            "quit drinking saturday and now hes seeing men in the closet and cant stop shaking",
            "medical",
        ),
        ("day 2 no beer and hes talking out of his head, sweating buckets", "medical"),
        ("she just collapsed and shes jerking, she quit the vodka 3 days ago", "medical"),
        ("my uncle quit the bottle monday, hes shaking all over and not responding", "medical"),
        # The abuser here now.
        ("he says hes gonna kill me, i can see his truck in the driveway", "safety"),
        ("he threw me down and now hes coming back with a bat", "safety"),
        # The client's own weapon in hand as the intent is said.
        ("im holding the hammer and im about to bust his skull", "violence"),
        ("the knife is in my hand, im gonna stab him when he opens that door", "violence"),
    ],
)
def test_thirtieth_round_911_first_with_its_kind(text: str, kind: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and kind in r.signals, r.rule


def test_thirtieth_round_breath_going_after_use_is_911_first() -> None:
    r = classify("me meti fentanilo hace rato y se me va el aire", backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


def test_thirtieth_round_someone_elses_weapon_against_the_client_is_not_violence() -> None:
    r = classify("he got a knife in the kitchen yelling hes gonna cut me", backstop=False)
    assert r.category == "crisis" and r.urgent
    assert "violence" not in r.signals and "safety" in r.signals


def test_thirtieth_round_pills_taken_hoping_not_to_wake_is_911_first() -> None:
    r = classify("swallowed the whole bottle of sleeping pills, hoping i dont wake", backstop=False)
    assert r.category == "crisis" and r.urgent


def test_thirtieth_round_loose_ends_tied_up_is_a_farewell() -> None:
    r = classify(
        "gave my truck to my cousin and paid the rent. tying up loose ends", backstop=False
    )
    assert r.category == "crisis"


def test_thirtieth_round_loose_ends_at_work_are_everyday() -> None:
    r = classify("tying up loose ends at work before vacation", backstop=False)
    assert r.category == "free_text"


@pytest.mark.parametrize(
    "text",
    [
        "kms if i have to fold one more load of laundry",
        "my laptop is about to die, ill finish the form tomorrow",
    ],
)
def test_thirtieth_round_everyday_death_words_stay_everyday(text: str) -> None:
    assert classify(text, backstop=False).category == "free_text"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("2 if im still around", "concern"),
        ("la tirita salio fentanilo en lo que compre", "concern"),
        ("me hice la prueba y salio positiva, estoy embarazada", "free_text"),
        ("no me siento segura en mi casa", "concern"),
    ],
)
def test_thirtieth_round_concern_and_its_lookalikes(text: str, category: str) -> None:
    assert classify(text, backstop=False).category == category
