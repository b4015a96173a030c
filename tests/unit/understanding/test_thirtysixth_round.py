"""The thirty-sixth round, from the misses of independent-86 read at 4134f01: a firearm named by
its kind in the lap, the night named as the one with doubt, whatever is seen crawling while
withdrawing, abuse of the children together ("us", "nos"), indifference said before the "if",
a burden named as what the client brings, dismay at waking, a means never named after a risk
reply, an overdose starting ("starting to nod hard"); fear told afterwards, someone else keeping
the means, finishing the program, severe weather and thanks for company kept everyday. Each case
is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "sittin out back with the shotgun across my lap",
        "out in the barn with my grandpas rifle across my lap",
    ],
)
def test_thirtysixth_round_a_firearm_in_the_lap_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


@pytest.mark.parametrize(
    "text", ["honestly i think tonight could be it", "creo que esta noche podria ser la ultima"]
)
def test_thirtysixth_round_the_night_named_as_the_one_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "4 days no beer and theres things crawling across the ceiling",
        "tercer dia sin tomar y veo algo subiendo por las paredes",
    ],
)
def test_thirtysixth_round_things_seen_crawling_while_withdrawing_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "medical" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "my stepdad would beat us every time he got drunk, still think about it",
        "mi padrastro nos golpeaba cuando llegaba borracho",
    ],
)
def test_thirtysixth_round_abuse_of_the_children_together_is_concern(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "concern" and "safety" in r.signals, r.rule


def test_thirtysixth_round_indifference_before_the_if_is_crisis() -> None:
    r = classify("half a bottle of vodka and some bars, oh well if i dont wake up", backstop=False)
    assert r.category == "crisis", r.rule


def test_thirtysixth_round_a_burden_named_as_what_the_client_brings_is_concern() -> None:
    r = classify("my kids are better off without the mess i create", backstop=False)
    assert r.category == "concern", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "woke up again this morning and all i could think was damn still here",
        "me desperte hoy y lo primero que pense fue otra vez no",
        "im so upset i woke up today",
    ],
)
def test_thirtysixth_round_dismay_at_waking_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


def test_thirtysixth_round_waking_late_again_is_everyday() -> None:
    assert classify("woke up late again, not again").category == "free_text"


@pytest.mark.parametrize(
    "text",
    [
        "already got what i need, its right here with me",
        "ya consegui lo que necesitaba, lo traigo conmigo",
    ],
)
def test_thirtysixth_round_an_unnamed_means_after_a_risk_reply_is_911_first(text: str) -> None:
    r = classify(text, recent_risk=True, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


def test_thirtysixth_round_an_overdose_starting_is_911_first() -> None:
    r = classify("just did a shot of the new stuff, starting to nod real hard", backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


@pytest.mark.parametrize(
    ("text", "recent_risk"),
    [
        ("hiked the whole canyon trail, thought i was going to die lol", False),
        ("pense que me iba a morir en la subida jaja", False),
        ("my cousin has the pills at his place now, im ok", True),
        ("am i finished with the program in june?", False),
        ("hail storm last night, truck has dents but were all ok", False),
        ("thanks for not leaving me alone yesterday", True),
        ("gracias por no dejarme sola anoche", True),
    ],
)
def test_thirtysixth_round_everyday_lines_are_not_crisis(text: str, recent_risk: bool) -> None:
    assert classify(text, recent_risk=recent_risk).category != "crisis"
