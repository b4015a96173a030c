"""The twenty-seventh round: the hardest misses of independent-58 that a rule can read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    ["puked blood three times since last night", "vomited blood this morning after drinking"],
)
def test_twentyseventh_round_blood_vomited_in_the_past_forms_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "medical" in r.signals, r.rule


def test_twentyseventh_round_blood_from_a_nosebleed_is_everyday() -> None:
    assert classify(
        "got a nosebleed at work, blood everywhere lol", backstop=False
    ).category not in ("crisis", "concern")


def test_twentyseventh_round_pounding_on_the_bedroom_door_now_is_911_first() -> None:
    r = classify("hes pounding on the bathroom door right now yelling", backstop=False)
    assert r.category == "crisis" and r.urgent and "safety" in r.signals, r.rule


def test_twentyseventh_round_someone_elses_gun_on_the_way_to_find_someone_is_911_first() -> None:
    r = classify("took my uncles rifle, headed to find the guy who jumped my son", backstop=False)
    assert r.category == "crisis" and r.urgent and "violence" in r.signals, r.rule


def test_twentyseventh_round_a_gun_taken_to_the_range_is_everyday() -> None:
    r = classify("took my dads rifle to the range, headed home now", backstop=False)
    assert r.category not in ("crisis", "concern")


@pytest.mark.parametrize("text", ["somebody please help me", "anyone pls help me"])
def test_twentyseventh_round_the_one_addressed_before_a_plea_is_no_subject(text: str) -> None:
    assert classify(text, backstop=False, recent_risk=True).category == "crisis"


def test_twentyseventh_round_held_down_by_a_partner_is_abuse_at_home() -> None:
    r = classify("my husband pinned me down again saturday", backstop=False)
    assert r.category == "concern" and "safety" in r.signals, r.rule


@pytest.mark.parametrize(
    "text", ["i just dont want to be alive no more", "dont wanna be around no more honestly"]
)
def test_twentyseventh_round_no_more_for_anymore_is_still_a_wish_to_die(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


def test_twentyseventh_round_no_more_texts_is_still_an_opt_out() -> None:
    assert classify("no more texts please", backstop=False).category == "opt_out"


@pytest.mark.parametrize(
    "text",
    [
        "this is my last text from this number, new phone tomorrow",
        "the pastor preached about suicide today, it was a good message",
        "el padre predico sobre el suicidio, estuvo bonito",
        "finally watched the dopesick series, rough",
    ],
)
def test_twentyseventh_round_a_new_number_a_sermon_and_a_show_are_everyday(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


def test_twentyseventh_round_a_sermon_does_not_hide_a_wish_said_after_it() -> None:
    r = classify("the pastor preached on suicide and honestly i want to die", backstop=False)
    assert r.category == "crisis"


@pytest.mark.parametrize(
    "text", ["wish i hadnt woke up after my last od", "shouldnt have woke up from that one"]
)
def test_twentyseventh_round_waking_from_the_last_overdose_regretted_is_a_wish_to_be_dead(
    text: str,
) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and not r.urgent, r.rule


def test_twentyseventh_round_an_overdose_now_after_the_last_one_is_still_911() -> None:
    r = classify("od'd again, first time since my last od, cant breathe", backstop=False)
    assert r.category == "crisis" and r.urgent
