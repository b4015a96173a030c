"""The forty-first round, from the misses of independent-97 read at 6d2d705: help asked with a
named task is no plea for a person (the callback model is set aside by a rule that reads the
whole message); a weapon at hand and the promise that someone will never hurt anyone again;
someone named a dead man; a recovery plan after "i have a plan"; pills given to someone to hold
and death named as the reason to stay sober kept from crisis. Each case is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "could use some help filling out the housing application",
        "me pueden ayudar con la solicitud de medicaid?",
    ],
)
def test_fortyfirst_round_help_with_a_task_is_not_a_callback(text: str) -> None:
    assert "callback" not in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "please have someone call me, i need help with rent",
        "i need help with these cravings tonight, can somebody call me",
    ],
)
def test_fortyfirst_round_a_person_asked_for_is_still_a_callback(text: str) -> None:
    assert "callback" in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "i got my dads gun. that man is never gonna touch my sister again",
        "agarre el machete. nunca mas le va a pegar a mi hermana",
    ],
)
def test_fortyfirst_round_a_weapon_to_stop_someone_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "violence" in r.signals, r.rule


def test_fortyfirst_round_relief_without_a_weapon_is_not_violence() -> None:
    r = classify("hes locked up now, hes never gonna touch my sister again", backstop=False)
    assert "violence" not in r.signals and r.category != "crisis", r.rule


def test_fortyfirst_round_someone_named_a_dead_man_is_violence() -> None:
    r = classify("he knows what he did. that dude is a dead man", backstop=False)
    assert r.category == "crisis" and "violence" in r.signals, r.rule


def test_fortyfirst_round_the_writer_a_dead_man_is_not_violence() -> None:
    assert "violence" not in classify("if i miss this shift im a dead man lol").signals


@pytest.mark.parametrize(
    ("text", "prompts", "recent_risk"),
    [
        ("6, rough morning but i got a plan, hitting a meeting after work", ("checkin",), False),
        ("my brother is here and i handed him my meds to hold for now", (), True),
        ("if i drink again it will kill me, so im done with it", (), False),
    ],
)
def test_fortyfirst_round_everyday_lines_are_not_crisis(
    text: str, prompts: tuple[str, ...], recent_risk: bool
) -> None:
    r = classify(text, open_prompts=prompts, recent_risk=recent_risk)
    assert r.category != "crisis" and not r.urgent, r.rule
