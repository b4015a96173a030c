"""The fifteenth round: families from independent-26's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        # Preparations or the means, waiting only for everyone to fall asleep.
        "ya tengo la soga y el sitio, nomas espero que se duerman",
        "wrote letters for my kids, doing it when everyone is asleep",
        # Poison named by where it is kept, not by its name.
        "i drank the stuff from under the sink",
    ],
)
def test_fifteenth_round_life_in_danger_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        # A plan for tonight alone stays crisis without 911 first (most authors' reading).
        "going to take the whole bottle tonight",
        "wrote letters for everybody",
    ],
)
def test_fifteenth_round_a_plan_without_a_moment_is_crisis_not_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", False), r.rule


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        # Abuse told by the object or the mark left.
        ("she hit me with the frying pan last week, im fine", {"concern", "safety"}),
        ("my husband broke my phone and gave me a black eye", {"concern", "safety"}),
        ("el me dio un cachetadon delante de los ninos", {"concern", "safety"}),
        # Loss of tolerance after weeks; out and using the same night.
        ("slipped after 9 weeks, a couple lines at work", {"concern", "use"}),
        ("got out of county and used the same night", {"concern", "use"}),
        # A drug test hot for fentanyl the client did not know about.
        ("my UA came back dirty for fent, didnt know it was in there", {"concern", "use"}),
        # Severe withdrawal on a named day of it.
        ("dope sick day 3, cant keep even water down", {"concern", "medical"}),
        # Nobody would miss me; better off locked up.
        ("aint nobody gonna miss me", {"concern"}),
        ("everybody be better off if i just stayed locked up", {"concern"}),
    ],
)  # fmt: skip
def test_fifteenth_round_concern(text: str, signals: set[str]) -> None:
    r = classify(text, backstop=False)
    assert r.category == "concern" and signals <= set(r.signals), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "nobody gonna miss me at the party lol",
        "my boss hit me with a write up today",
        "took a sick day, flu",
        "the overdose talk in group tonight was heavy but good",
    ],
)
def test_fifteenth_round_everyday_is_not_risk(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category not in ("crisis", "concern"), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "pregnancy test came back positive",
        "lawyer says if my UA is dirty i lose them",
        "if i drank tonight nobody would notice",
        "i drank the bleach",
    ],
)
def test_fifteenth_round_not_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals
