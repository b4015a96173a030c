"""The thirty-fourth round, from the misses of independent-82 read at 4549562: "please call me"
after a risk reply, kept in a room by him now, using now and hoping not to come back, a weapon
on the client with a threat, "the stuff" at hand after a risk reply, "finish what i started", a
dam or a bridge and the thought of going in, not around after the weekend, burden as the rides
others give, abuse in childhood, a gun looked at "you know what for" (es), a cherished thing
left to a child (es), gray lips (es), and "en la calle" as a place rather than a rumour. Each
case is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize("text", ["please just call me", "marquenme por favor"])
def test_thirtyfourth_round_please_call_me_after_a_risk_reply_is_crisis(text: str) -> None:
    r = classify(text, recent_risk=True, backstop=False)
    assert r.category == "crisis" and "callback" in r.signals, r.rule


def test_thirtyfourth_round_please_call_me_without_a_risk_reply_is_a_call_back() -> None:
    r = classify("please just call me", backstop=False)
    assert r.category == "free_text" and "callback" in r.signals, r.rule


def test_thirtyfourth_round_finishing_what_was_started_is_crisis() -> None:
    assert classify("soon im gonna finish what i started", backstop=False).category == "crisis"


def test_thirtyfourth_round_finishing_a_program_is_everyday() -> None:
    r = classify("im gonna finish what i started in this program", backstop=False)
    assert r.category == "free_text", r.rule


def test_thirtyfourth_round_a_place_and_the_thought_of_going_in_is_crisis() -> None:
    r = classify("parked at the bridge an hour thinking about going over", backstop=False)
    assert r.category == "crisis", r.rule


def test_thirtyfourth_round_a_swim_at_the_lake_is_not_the_rules_crisis() -> None:
    # The rules alone: the learned backstop still reads "the lake ... going in" as a crisis.
    r = classify("at the lake thinking about going in, water looks nice for swimming",
                 backstop=False)  # fmt: skip
    assert r.category != "crisis", r.rule


def test_thirtyfourth_round_not_around_after_the_weekend_is_crisis() -> None:
    r = classify("dont worry bout me, i wont be around after this weekend", backstop=False)
    assert r.category == "crisis", r.rule


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("my family would be better off not having to take care of me", "burden"),
        ("my uncle used to touch me when i was little", "abuse"),
    ],
)
def test_thirtyfourth_round_burden_and_past_abuse_are_concern(text: str, kind: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "concern", (kind, r.rule)


def test_thirtyfourth_round_a_gun_looked_at_for_you_know_what_is_crisis() -> None:
    r = classify("estuve viendo pistolas en la tienda, ya sabes para que", backstop=False)
    assert r.category == "crisis", r.rule


def test_thirtyfourth_round_a_cherished_thing_left_to_a_child_is_a_farewell() -> None:
    r = classify("le deje a mi hijo mi reloj y mi cadena, ya estoy tranquilo", backstop=False)
    assert r.category == "crisis", r.rule


def test_thirtyfourth_round_a_rumour_in_the_street_stays_someone_elses_news() -> None:
    r = classify("en la calle dicen que un muchacho se murio de sobredosis")
    assert r.category != "crisis", r.rule


@pytest.mark.parametrize(
    ("text", "recent_risk", "signal"),
    [
        ("hes got me trapped in the bedroom, yelling hes gonna end me", False, "safety"),
        ("smoking it alone behind the shop, hoping i dont come back", False, None),
        ("ima stab him when he walks out, got it on me right now", False, "violence"),
        ("not safe. i still have the stuff right here", True, None),
        ("mi primo se desmayo en la calle y tiene la boca gris, no responde", False, None),
    ],
)
def test_thirtyfourth_round_life_in_danger_now_is_911_first(
    text: str, recent_risk: bool, signal: str | None
) -> None:
    r = classify(text, recent_risk=recent_risk, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule
    assert signal is None or signal in r.signals, r.rule
