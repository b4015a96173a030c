"""The twenty-fourth round: the hardest misses of independent-50 that a rule can read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "nobody ever called me back and its getting bad",
        "you guys never called me back",
        "nadie me marco, sigo igual",
    ],
)
def test_twentyfourth_round_the_call_that_did_not_come_after_a_crisis_reply_is_crisis(
    text: str,
) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert r.category == "crisis" and "callback" in r.signals, r.rule


@pytest.mark.parametrize(
    "text", ["nobody called me back about the schedule", "no me llamo ana, numero equivocado"]
)
def test_twentyfourth_round_the_same_words_elsewhere_are_no_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


def test_twentyfourth_round_no_me_llamo_after_a_crisis_reply_is_a_name() -> None:
    assert (
        classify("no me llamo ana, numero equivocado", backstop=False, recent_risk=True).category
        != "crisis"
    )


@pytest.mark.parametrize(
    "text", ["i told you i was ok but that was a lie", "les dije que estaba bien pero es mentira"]
)
def test_twentyfourth_round_im_ok_taken_back_after_a_crisis_reply_is_same_day(text: str) -> None:
    assert classify(text, backstop=False, recent_risk=True).category == "concern"


def test_twentyfourth_round_im_ok_without_a_crisis_reply_is_everyday() -> None:
    assert classify("i told you i was ok but traffic was bad", backstop=False).category != "concern"


@pytest.mark.parametrize(
    "text",
    ["mejor me hubiera muerto en ese choque", "seria mejor si me hubiera muerto de chiquito"],
)
def test_twentyfourth_round_better_had_i_died_is_a_wish_to_be_dead(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


def test_twentyfourth_round_fainting_twice_today_is_911_first() -> None:
    r = classify("fainted twice at work today, withdrawals, still dizzy", backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


def test_twentyfourth_round_an_alcohol_blackout_is_no_911() -> None:
    assert not classify("blacked out again last night, so embarrassed", backstop=False).urgent


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("se llevaron a mis ninos los de cps", "life_event"),
        ("el revisa todos mis mensajes", "safety"),
    ],
)
def test_twentyfourth_round_signals(text: str, signal: str) -> None:
    assert signal in classify(text, backstop=False).signals


def test_twentyfourth_round_nothing_left_is_same_day_but_not_a_phone_balance() -> None:
    assert classify("ya no me queda nada, pa que sigo", backstop=False).category == "concern"
    assert classify("ya no me queda nada de saldo", backstop=False).category != "concern"


@pytest.mark.parametrize(
    "text",
    [
        "he has his pistol on the table and says hes gonna kill me",
        "esta borracho con la pistola en la sala y dice que me va a matar",
    ],
)
def test_after_the_twentyfourth_round_a_weapon_at_hand_and_a_threat_now_is_911_first(
    text: str,
) -> None:
    # The threat rules of concern.abuse_at_home (twenty-second round) read these as same-day
    # abuse; with a weapon at hand in the message they are danger now.
    r = classify(text, backstop=False)
    assert (r.category, r.urgent, "safety" in r.signals) == ("crisis", True, True), r.rule


def test_after_the_twentyfourth_round_a_conditional_threat_stays_same_day() -> None:
    r = classify(
        "he keeps his gun in the truck and says he will kill me if i leave", backstop=False
    )
    assert (r.category, "safety" in r.signals) == ("concern", True), r.rule
