"""What the independent batch of 2026-12-01 taught (evaluation/corpus/README.md): each test
states the general reading in new words, not the corpus line that showed the gap."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    ("text", "prompts"),
    [
        ("cant come thursday. wont be anywhere after this weekend", ("reminder",)),
        ("2. im not going to be around for the next one of these", ("checkin",)),
        ("wont be around much longer, its fine", ()),
        ("no voy a ir a ningun lado despues de esta noche", ("reminder",)),
        ("diganle al grupo adios de mi parte", ()),
    ],
)
def test_not_being_around_after_a_time_is_a_farewell_even_as_an_answer(
    text: str, prompts: tuple[str, ...]
) -> None:
    r = classify(text, open_prompts=prompts)
    assert r.category == "crisis", r  # farewell, or intent with a time: both crisis


def test_away_for_an_ordinary_reason_is_not_a_farewell() -> None:
    assert classify("wont be around tomorrow, working a double").category == "free_text"
    # "wont be here tonight" alone is ambiguous: a person follows up (concern), no emergency.
    assert classify("wont be here tonight, got class").category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "praying this bag is the one that takes me out",
        "maybe this dose finally puts me under",
        "voy a beber hasta que me muera",
        "gonna keep drinking until i die",
        "quiero drogarme hasta morirme",
    ],
)
def test_using_to_die_is_crisis(text: str) -> None:
    r = classify(text)
    assert r.category == "crisis", r


@pytest.mark.parametrize(
    "text",
    [
        "my cousin takes me out for tacos on fridays",
        "me tome dos aspirinas para el dolor de muela",
        "the overdose documentary on netflix was sad",
        "cuando se termina el programa?",
    ],
)
def test_everyday_lookalikes_are_not_crisis(text: str) -> None:
    r = classify(text)
    assert r.category != "crisis" and not r.urgent, r


@pytest.mark.parametrize(
    "text",
    [
        "scared ill relapse at the reunion",
        "i feel like im on the verge of a relapse",
        "what if i relapse when my lease ends",
        "had a dream i was using again, freaked me out",
        "all my friends were drinking at the game, i had a soda",
        "mi primo anda fumando piedra otra vez",
        "my first time drinking was at a quinceanera",
    ],
)
def test_fear_dreams_and_other_peoples_use_are_not_use(text: str) -> None:
    assert "use" not in classify(text).signals


@pytest.mark.parametrize(
    "text", ["relapsed saturday", "tuve un relapse el finde", "i drank a whole bottle of wine"]
)
def test_own_use_is_still_use(text: str) -> None:
    assert "use" in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "could someone from the clinic reach out to me",
        "sorry i missed you, can you try me again",
        "me marca alguien en la tarde?",
        "mandame un mensaje cuando puedas porfa",
    ],
)
def test_asking_to_be_contacted_is_a_callback(text: str) -> None:
    assert "callback" in classify(text).signals


def test_someone_else_reaching_out_is_not_a_callback() -> None:
    assert "callback" not in classify("my sister will reach out to you about my ride").signals
