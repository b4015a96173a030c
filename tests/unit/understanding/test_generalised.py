"""The generalised rule families: urgent from quantity x substance x ingestion, from the body
and from an attempt / means now; concern with intent becomes crisis; use verbs x substances;
the first-person subject; and the exactness of the anchor pre-filter."""

from __future__ import annotations

import pytest

from notifier.understanding import classify
from notifier.understanding.lexicon import load
from notifier.understanding.normalise import normalise
from notifier.understanding.patterns import Vocabulary, compile_pattern
from notifier.understanding.rules import _matches, candidates
from notifier.understanding.view import View


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("took 35 klonopin", "crisis.urgent_now.en"),
        ("i chugged the whole bottle of nyquil", "crisis.urgent_now.en"),
        ("me acabo de tomar 40 tylenol", "crisis.urgent_now.es"),
        ("me tome como 30 pastillas de mi mama", "crisis.overdose_now.es"),
    ],
)
def test_urgent_now_quantity_substance_ingestion(text: str, rule: str) -> None:
    r = classify(text)
    assert (r.category, r.rule, r.urgent) == ("crisis", rule, True)


@pytest.mark.parametrize(
    "text",
    [
        "drank a whole handle of vodka and took my klonopin too, cant stand up",
        "he snorted something and is shaking and foaming",
        "me meti fentanilo y me estoy quedando dormido",
    ],
)
def test_symptoms_after_use_are_urgent(text: str) -> None:
    r = classify(text)
    assert r.category == "crisis" and r.urgent
    assert r.rule.startswith("crisis.symptoms_after_use.")


@pytest.mark.parametrize(
    "text", ["my chest hurts after the gym", "cant breathe lol", "i cant breathe through my nose"]
)
def test_symptoms_without_a_substance_or_with_laughter_are_not_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "free_text"


@pytest.mark.parametrize(
    "text",
    [
        "I'm in the car with the engine running in the garage",
        "sitting on the window sill on the 9th floor, legs hanging out",
        "estoy sentado en la ventana del piso 8 con los pies afuera",
    ],
)
def test_attempt_now_is_urgent(text: str) -> None:
    r = classify(text)
    assert (r.category, r.urgent) == ("crisis", True)
    assert r.rule.startswith("crisis.attempt_now.")


def test_someone_not_breathing_is_urgent_but_not_the_clients_use() -> None:
    r = classify("my wife took her whole bottle of ambien, she is barely breathing")
    assert (r.category, r.urgent) == ("crisis", True)
    assert "use" not in r.signals


@pytest.mark.parametrize(
    "text",
    ["took 2 oxys that werent mine", "ate a handful of my xanax friday night", "took my meds"],
)
def test_small_or_past_ingestion_is_not_an_urgent_overdose(text: str) -> None:
    assert not classify(text, backstop=False).urgent


@pytest.mark.parametrize(
    "text", ["going to take the whole bottle tonight", "voy a mezclar las pastillas con tequila"]
)
def test_future_intent_is_crisis_but_not_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", False)


@pytest.mark.parametrize(
    "text",
    [
        "i dont feel safe with myself tonight",
        "i hate being alive and im going to fix that",
        "ya no puedo mas, tengo un plan",
    ],
)
def test_concern_with_intent_is_crisis(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis"


@pytest.mark.parametrize("text", ["end it", "whats the point anymore", "not suicidal, just tired"])
def test_concern_without_intent_stays_concern(text: str) -> None:
    assert classify(text, backstop=False).category == "concern"


def test_first_person_verb_makes_the_client_the_subject() -> None:
    r = classify("se q estarian mejor sin mi, por eso me voy a matar", backstop=False)
    assert r.category == "crisis"
    assert classify("mi hermano se quiere matar", backstop=False).category == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "railed a line at the bar bathroom",
        "chugged some nyquil to get that feeling",
        "ate a weed gummy last night to sleep",
        "tweaking right now and cant sleep",
        "me meti una tacha en el concierto",
        "me eche unos guaros con los del trabajo",
        "ando bien jumao ahorita",
    ],
)
def test_use_verb_substance(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "drank like a gallon of water today",
        "took a few shots of my daughter at her recital",
        "smoked some ribs for the family",
        "took my prescribed adderall, nothing extra",
        "the neighbors were doing lines on the porch",
        "me fume unas costillas en el asador",
        "me tome un cafe",
    ],
)
def test_use_verb_substance_benign(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


def test_quantity_item_needs_a_number_of_ten_or_more() -> None:
    vocab = Vocabulary(forms={}, classes={})
    c = compile_pattern("took # pills", vocab)
    import re

    rx = re.compile(c.regex)
    assert rx.search("took 40 pills ") and not rx.search("took 4 pills ")


@pytest.mark.parametrize(
    "text",
    [
        "so i went to my daughters recital and her mom wouldnt let me sit with them, afterwards"
        " i bought a six pack and drank it in the car and now i dont see the point, i might"
        " just take all my pills tonight, honestly i cant do this anymore",
        "took all my pills. used last night. i want to die, call me",
        "no quiero vivir, me tome todas las pastillas, llamenme",
    ],
)
def test_anchor_windows_find_exactly_what_a_full_scan_finds(text: str) -> None:
    lexicons = load()
    view = View.of(normalise(text))
    wanted = candidates(view, lexicons)
    for code, lang in lexicons.languages.items():
        for r_no, rule in enumerate(lang.rules):
            full = sorted(
                (m.start(), m.end()) for p in rule.patterns for m in p.finditer(view.text)
            )
            found = sorted(
                (m.start(), m.end()) for m in _matches(rule, wanted.get((code, r_no), {}), view)
            )
            assert found == full, rule.name
