"""The twenty-third round: the hardest misses of independent-48 that a rule can read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "please help, call me now",
        "help me somebody call me",
        "ayuda porfa llamenme ya",
        "auxilio, marquenme",
    ],
)
def test_twentythird_round_a_plea_with_a_call_after_a_crisis_reply_is_crisis(text: str) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert r.category == "crisis" and "callback" in r.signals, r.rule


@pytest.mark.parametrize(
    "text", ["please help, call me now", "can u help me find the address, call me later"]
)
def test_twentythird_round_the_same_words_without_a_crisis_reply_are_no_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


def test_twentythird_round_someone_elses_chest_pain_now_is_911_first() -> None:
    r = classify("a mi tio le duele el pecho muy fuerte y no para de sudar", backstop=False)
    assert (r.category, r.urgent, "medical" in r.signals) == ("crisis", True, True), r.rule


@pytest.mark.parametrize(
    "text",
    ["a mi hijo le duele el pecho de tanto toser", "le duele el pecho cuando corre, ya tiene cita"],
)
def test_twentythird_round_a_cough_or_an_old_complaint_is_no_emergency(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "out on a three day run, if i dont make it back so be it",
        "jaja me tome como 12 clonazepam a ver si despierto",
    ],
)
def test_twentythird_round_indifference_to_dying_while_using_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "if i dont make it back by 6 thats fine, save me a plate",
        "me tome un te y me voy a dormir a ver si despierto temprano",
    ],
)
def test_twentythird_round_everyday_look_alikes_stay_below_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"
