"""The thirty-first round (rules only), from the misses of independent-72 read at b4cfa86: a
hallucination told as "that's not there", an injection far past the usual dose on purpose,
wanting to join someone who died, "what's even left", better off with the other parent without
me; and a pregnancy question read as harm to others. Each case is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


def test_thirtyfirst_round_seeing_what_is_not_there_while_withdrawing_is_911_first() -> None:
    r = classify("3 days off the booze and im hearing voices that are not there", backstop=False)
    assert r.category == "crisis" and r.urgent and "medical" in r.signals, r.rule


def test_thirtyfirst_round_an_injection_on_purpose_is_911_first() -> None:
    r = classify("just shot up twice what i normally do, on purpose", backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "since my son passed i just want to go be with him",
        "desde que fallecio mi mama nomas quiero irme con ella",
    ],
)
def test_thirtyfirst_round_wanting_to_join_the_dead_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "got evicted and my girl left. whats even left for me",
        "my kids are better off at their grandmas, without me",
    ],
)
def test_thirtyfirst_round_hopelessness_and_burden_are_concern(text: str) -> None:
    assert classify(text, backstop=False).category == "concern"


def test_thirtyfirst_round_a_pregnancy_question_is_not_harm_to_others() -> None:
    r = classify("i used on friday, am i going to hurt my baby?", backstop=False)
    assert r.category != "crisis" and "violence" not in r.signals


def test_thirtyfirst_round_letters_so_they_know_they_were_loved_is_a_farewell() -> None:
    r = classify("left letters for my girls so they know i loved them", backstop=False)
    assert r.category == "crisis"
